//! Person vs background: MediaPipe's selfie segmentation net
//! (`selfie_segmentation.tflite` from the npm package
//! `@mediapipe/selfie_segmentation` 0.1.1675465747, Apache-2.0), run by the
//! interpreter in [`super::graph`].
//!
//! The net takes 256 × 256 RGB in 0..1 and gives, per input pixel, the
//! probability that it shows the person; hair and bald or shaved scalp
//! count as person, and it does not tell hair from skin. On the test
//! photos it matches LiteRT (`tests/segment_native.rs`).
//!
//! Input: the chosen region of the photo is resampled to the net's input
//! size with [`crate::image::resample`] (a tent filter that averages when
//! shrinking, bilinear when enlarging; the edge pixels repeat outside the
//! image), stretched to the square if the region is not square, then each
//! 8-bit channel is divided by 255. The resampling is integer arithmetic
//! and the same on every platform, so [`PersonNet::prepare`] gives the
//! exact pixels the net sees; the LiteRT reference runs on those.

use super::graph::{Graph, MAX_SIDE};
use super::tflite::Model;
use crate::image::{resample, Image, Rect};
use crate::tensor::Tensor;

/// The loaded net, ready to run (parsing, float16 to f32 and the checks
/// are done once by [`PersonNet::load`]).
#[derive(Clone, Debug)]
pub struct PersonNet {
    graph: Graph,
}

/// The input side of the shipped model (selfie_segmentation.tflite): the
/// person's outline is known to about one photo / `INPUT_SIZE` of a side.
pub const INPUT_SIZE: u32 = 256;

/// The net's output for one region of a photo.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonMask {
    /// Mask size (the net's input size, 256 × 256).
    pub width: u32,
    pub height: u32,
    /// The part of the photo the mask covers, in image pixels.
    pub region: Rect,
    /// Row-major probabilities 0..1 that a pixel shows the person.
    pub data: Vec<f32>,
}

impl PersonMask {
    /// Probability at image position `(x, y)` (continuous pixel
    /// coordinates: pixel `(i, j)` spans `i..i + 1`, `j..j + 1`), bilinear
    /// between mask pixel centres and flat beyond the outer centres. 0
    /// outside the region, which the net did not see.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let r = self.region;
        let (w, h) = (self.width as usize, self.height as usize);
        if self.data.len() != w * h || w == 0 || h == 0 || !(r.w > 0.0 && r.h > 0.0) {
            return 0.0;
        }
        let u = (x - r.x) / r.w;
        let v = (y - r.y) / r.h;
        if !((0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v)) {
            return 0.0;
        }
        let axis = |t: f32, n: usize| -> (usize, usize, f32) {
            let s = (t * n as f32 - 0.5).clamp(0.0, (n - 1) as f32);
            let i = s.floor() as usize;
            (i, (i + 1).min(n - 1), s - i as f32)
        };
        let (x0, x1, tx) = axis(u, w);
        let (y0, y1, ty) = axis(v, h);
        let p = |yy: usize, xx: usize| self.data[yy * w + xx];
        let top = p(y0, x0) + (p(y0, x1) - p(y0, x0)) * tx;
        let bot = p(y1, x0) + (p(y1, x1) - p(y1, x0)) * tx;
        top + (bot - top) * ty
    }

    /// Probability at the centre of image pixel `(x, y)`.
    pub fn at_pixel(&self, x: u32, y: u32) -> f32 {
        self.at(x as f32 + 0.5, y as f32 + 0.5)
    }
}

impl PersonNet {
    /// Reads `selfie_segmentation.tflite`. Fails with a readable message on
    /// a damaged file or a model this interpreter cannot run (one RGB
    /// input, one single-channel output of the same size).
    pub fn load(bytes: &[u8]) -> Result<PersonNet, String> {
        let fail = |e: String| format!("segmentation model: {e}");
        let model = Model::parse(bytes).map_err(|e| fail(e.to_string()))?;
        let graph = Graph::from_model(&model).map_err(fail)?;
        let (h, w, c) = graph.input_shape();
        let out = graph.output_shape();
        if h > MAX_SIDE || w > MAX_SIDE {
            return Err(fail(format!(
                "the net's input is {w}×{h}; at most {MAX_SIDE} pixels a side are supported"
            )));
        }
        if c != 3 || out != (h, w, 1) {
            return Err(fail(format!(
                "the net maps {w}×{h}×{c} to {}×{}×{}; a person mask needs RGB in and one channel of the same size out",
                out.1, out.0, out.2
            )));
        }
        Ok(PersonNet { graph })
    }

    /// The net's input (and mask) size, `(width, height)`.
    pub fn size(&self) -> (u32, u32) {
        let (h, w, _) = self.graph.input_shape();
        (w as u32, h as u32)
    }

    /// The exact RGBA pixels the net sees for `region` of `image` (see the
    /// module docs); alpha is 255.
    pub fn prepare(&self, image: &Image, region: Rect) -> Result<Image, String> {
        check(image, region)?;
        let (w, h) = self.size();
        let mut input = Image::new(w, h, [0, 0, 0, 255])?;
        resample(image, region, &mut input);
        Ok(input)
    }

    /// The person probability for `region` of `image` (pass the whole image
    /// as the region to segment all of it).
    pub fn run(&self, image: &Image, region: Rect) -> Result<PersonMask, String> {
        let input = self.prepare(image, region)?;
        let out = self.graph.run(to_tensor(&input))?;
        Ok(PersonMask {
            width: input.width,
            height: input.height,
            region,
            data: out.data,
        })
    }

    /// Runs the net once on a small grey input (a quarter of its size a
    /// side), so a WebAssembly engine has optimised the layers' code
    /// before the first photo (call it when the page is idle). Measured in
    /// V8 (Node 20, simd128 build, a busy shared machine): this takes
    /// 25–45 ms; the first real run then takes 32–48 ms instead of
    /// 48–55 ms cold; later runs take about 17 ms.
    pub fn warm_up(&self) {
        let (h, w, c) = self.graph.input_shape();
        let (h, w) = ((h / 4).max(1), (w / 4).max(1));
        let x = Tensor {
            h,
            w,
            c,
            data: vec![0.5; h * w * c],
        };
        let _ = self.graph.run(x);
    }
}

fn check(image: &Image, region: Rect) -> Result<(), String> {
    let n = image.width as u64 * image.height as u64;
    if n == 0 || n > crate::image::MAX_PIXELS || image.data.len() as u64 != n * 4 {
        return Err(format!(
            "the image is {}×{} but holds {} bytes (expected {} RGBA bytes, at most {} megapixels)",
            image.width,
            image.height,
            image.data.len(),
            n * 4,
            crate::image::MAX_PIXELS / 1_000_000
        ));
    }
    let ok = [region.x, region.y, region.w, region.h]
        .iter()
        .all(|v| v.is_finite())
        && region.w >= 1.0
        && region.h >= 1.0;
    if !ok {
        return Err(format!(
            "the region {:?} is not a rectangle of at least one pixel",
            region
        ));
    }
    Ok(())
}

/// RGB of `input` divided by 255, the net's input scaling.
fn to_tensor(input: &Image) -> Tensor {
    let (w, h) = (input.width as usize, input.height as usize);
    let mut data = Vec::with_capacity(w * h * 3);
    for px in input.data.chunks_exact(4) {
        data.extend(px[..3].iter().map(|&v| v as f32 / 255.0));
    }
    Tensor { h, w, c: 3, data }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::graph::tests::{test_net, test_net_with_output};

    fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn mask_samples_between_pixel_centres() {
        // 2×2 mask over a 4×4 region at (10, 20): centres at x 11 and 13.
        let m = PersonMask {
            width: 2,
            height: 2,
            region: rect(10.0, 20.0, 4.0, 4.0),
            data: vec![0.0, 1.0, 0.0, 1.0],
        };
        assert_eq!(m.at(11.0, 21.0), 0.0);
        assert_eq!(m.at(13.0, 23.0), 1.0);
        assert_eq!(m.at(12.0, 22.0), 0.5);
        assert_eq!(m.at(12.5, 20.0), 0.75);
        // Flat beyond the outer centres, 0 outside the region.
        assert_eq!(m.at(10.0, 21.0), 0.0);
        assert_eq!(m.at(14.0, 24.0), 1.0);
        assert_eq!(m.at(14.1, 22.0), 0.0);
        assert_eq!(m.at(12.0, 19.9), 0.0);
        assert_eq!(m.at(f32::NAN, 22.0), 0.0);
        assert_eq!(m.at_pixel(12, 21), 0.75);
        // A malformed mask reads as 0 rather than panicking.
        let bad = PersonMask {
            data: vec![1.0],
            ..m.clone()
        };
        assert_eq!(bad.at(12.0, 22.0), 0.0);
    }

    #[test]
    fn loads_prepares_and_runs() {
        let net = PersonNet::load(&test_net(|_, _| {}).file).unwrap();
        assert_eq!(net.size(), (8, 8));
        net.warm_up();
        let mut img = Image::new(20, 10, [0, 0, 0, 255]).unwrap();
        for (i, b) in img.data.iter_mut().enumerate() {
            if i % 4 != 3 {
                *b = (i * 7 % 256) as u8;
            }
        }
        let region = rect(2.0, 1.0, 16.0, 8.0);
        let input = net.prepare(&img, region).unwrap();
        let mut want = Image::new(8, 8, [0, 0, 0, 255]).unwrap();
        resample(&img, region, &mut want);
        assert_eq!(input, want);
        let m = net.run(&img, region).unwrap();
        assert_eq!(
            (m.width, m.height, m.region, m.data.len()),
            (8, 8, region, 64)
        );
        assert!(m.data.iter().all(|p| (0.0..=1.0).contains(p)));
        assert_eq!(m, net.run(&img, region).unwrap(), "deterministic");

        assert!(net.run(&img, rect(0.0, 0.0, 0.5, 4.0)).is_err());
        assert!(net.run(&img, rect(f32::NAN, 0.0, 4.0, 4.0)).is_err());
        let broken = Image {
            width: 20,
            height: 10,
            data: vec![0; 12],
        };
        assert!(net.run(&broken, region).unwrap_err().contains("RGBA bytes"));
    }

    #[test]
    fn a_net_that_is_not_a_person_mask_is_rejected() {
        // The 4×4×8 hard-swish output as the graph's output.
        let net = test_net_with_output(5, |_, _| {}).file;
        let e = PersonNet::load(&net).unwrap_err();
        assert!(e.starts_with("segmentation model: "), "{e}");
        assert!(e.contains("one channel"), "{e}");
        let e = PersonNet::load(b"not a model at all").unwrap_err();
        assert!(e.contains("not a valid TFLite model file"), "{e}");
    }
}
