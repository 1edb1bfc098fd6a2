//! face-api's 68-point landmark nets (`src/faceLandmarkNet/`,
//! `src/faceFeatureExtractor/`): dense blocks of depthwise-separable
//! convolutions, a global average pool and one fully connected layer giving
//! 136 numbers, (x, y) × 68 relative to the 112×112 input.
//!
//! ```text
//! input 112×112×3, (rgb - [122.782, 117.001, 104.298]) / 255,
//!   face crop centred on black
//! dense block ×4 (full net) or ×3 (tiny net), each halving the size:
//!   out1 = relu(conv0 stride 2)   (block 0: dense 3×3 conv; others separable)
//!   sum = out1; for conv1..convN: sum += separable(relu(sum))
//!   result relu(sum)
//! average pool over the remaining 7×7 (14×14 tiny), fully connected → 136
//! ```
//!
//! Both the full (`face_landmark_68_model`, 4 blocks of 4 convs, 256
//! features) and tiny (`face_landmark_68_tiny_model`, 3 blocks of 3
//! convs, 128 features) weight files load into [`LandmarkNet`]; the layout
//! is read from the weight names.

use super::input::square_input;
use super::weights::WeightMap;
use crate::image::{Image, Rect};
use crate::tensor::{
    add_assign, avg_pool, conv2d, fully_connected, relu, separable, Conv, Padding, SeparableConv,
    Tensor,
};

pub const INPUT_SIZE: usize = 112;
pub const MEAN_RGB: [f32; 3] = [122.782, 117.001, 104.298];

enum First {
    Conv(Conv),
    Separable(SeparableConv),
}

struct DenseBlock {
    conv0: First,
    rest: Vec<SeparableConv>,
}

pub struct LandmarkNet {
    blocks: Vec<DenseBlock>,
    fc_weights: Vec<f32>,
    fc_bias: Vec<f32>,
    /// Whether this is the tiny variant (3 blocks).
    pub tiny: bool,
}

fn take_sep(w: &mut WeightMap, p: &str, cin: usize, cout: usize) -> Result<SeparableConv, String> {
    Ok(SeparableConv {
        cin,
        cout,
        depthwise: w.take(&format!("{p}/depthwise_filter"), &[3, 3, cin, 1])?,
        pointwise: w.take(&format!("{p}/pointwise_filter"), &[1, 1, cin, cout])?,
        bias: w.take(&format!("{p}/bias"), &[cout])?,
    })
}

impl LandmarkNet {
    pub fn from_weights(mut w: WeightMap) -> Result<Self, String> {
        let tiny = !w.contains("dense3/conv0/depthwise_filter");
        let (nblocks, nconvs) = if tiny { (3, 3) } else { (4, 4) };
        let mut blocks = Vec::new();
        let mut cin = 3;
        for b in 0..nblocks {
            let cout = 32 << b;
            let conv0 = if b == 0 {
                First::Conv(Conv {
                    kh: 3,
                    kw: 3,
                    cin,
                    cout,
                    weights: w.take("dense0/conv0/filters", &[3, 3, cin, cout])?,
                    bias: w.take("dense0/conv0/bias", &[cout])?,
                })
            } else {
                First::Separable(take_sep(&mut w, &format!("dense{b}/conv0"), cin, cout)?)
            };
            let mut rest = Vec::new();
            for c in 1..nconvs {
                rest.push(take_sep(&mut w, &format!("dense{b}/conv{c}"), cout, cout)?);
            }
            blocks.push(DenseBlock { conv0, rest });
            cin = cout;
        }
        let fc_weights = w.take("fc/weights", &[cin, 136])?;
        let fc_bias = w.take("fc/bias", &[136])?;
        Ok(LandmarkNet {
            blocks,
            fc_weights,
            fc_bias,
            tiny,
        })
    }

    /// The first block's first convolution (+ relu), for reference tests.
    pub fn first_conv(&self, x: &Tensor) -> Tensor {
        let mut t = match &self.blocks[0].conv0 {
            First::Conv(c) => conv2d(x, c, 2, Padding::Same),
            First::Separable(s) => separable(x, s, 2, Padding::Same),
        };
        relu(&mut t);
        t
    }

    /// `dense0/conv1` applied with stride 2 (no activation), for reference
    /// tests of strided separable convolutions.
    pub fn dense0_conv1_stride2(&self, x: &Tensor) -> Tensor {
        separable(x, &self.blocks[0].rest[0], 2, Padding::Same)
    }

    fn block(&self, b: &DenseBlock, x: &Tensor) -> Tensor {
        let mut sum = match &b.conv0 {
            First::Conv(c) => conv2d(x, c, 2, Padding::Same),
            First::Separable(s) => separable(x, s, 2, Padding::Same),
        };
        relu(&mut sum);
        for conv in &b.rest {
            let mut inp = sum.clone();
            relu(&mut inp);
            add_assign(&mut sum, &separable(&inp, conv, 1, Padding::Same));
        }
        relu(&mut sum);
        sum
    }

    /// 136 outputs (x0, y0, x1, ...) relative to the input square, for a
    /// normalised 112×112 input.
    pub fn forward(&self, x: &Tensor) -> Vec<f32> {
        let mut t = x.clone();
        for b in &self.blocks {
            t = self.block(b, &t);
        }
        let pooled = avg_pool(&t, t.h, 2);
        fully_connected(&pooled.data, &self.fc_weights, &self.fc_bias)
    }

    /// 68 points in image pixels for the face inside `crop` (source pixels,
    /// inside the image; face-api uses the floored detection box clipped to
    /// the image).
    pub fn detect(&self, image: &Image, crop: Rect) -> Result<[[f32; 2]; 68], String> {
        let (x, p) = square_input(image, crop, INPUT_SIZE, true, MEAN_RGB)?;
        let out = self.forward(&x);
        let s = INPUT_SIZE as f32;
        let mut pts = [[0.0f32; 2]; 68];
        for (i, pt) in pts.iter_mut().enumerate() {
            pt[0] = crop.x + (out[2 * i] * s - p.dx) / p.scale;
            pt[1] = crop.y + (out[2 * i + 1] * s - p.dy) / p.scale;
        }
        Ok(pts)
    }
}
