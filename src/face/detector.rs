//! face-api's TinyFaceDetector: a TinyYolov2 variant with depthwise-
//! separable convolutions (`src/tinyYolov2/TinyYolov2Base.ts`,
//! `runMobilenet`, with `isFirstLayerConv2d` and 7 filter sizes).
//!
//! ```text
//! input S×S×3, (rgb - MEAN_RGB) / 255, photo drawn top-left on black
//! conv0 3×3 'valid' 3→16 + bias, leaky 0.1      S-2
//! max-pool 2×2/2 'same'                          (S-2)/2
//! conv1..conv5: pad 1, depthwise 3×3 + pointwise + bias, leaky 0.1,
//!   each but the last followed by max-pool 2×2/2, conv5 by max-pool 2×2/1
//! conv8 1×1 512→25 + bias                        S/32 × S/32 × (5 anchors × 5)
//! ```
//!
//! Each cell and anchor gives `(tx, ty, tw, th, score)`; boxes are decoded
//! as in `extractBoxes` and merged by non-maximum suppression (IoU 0.4).

use super::input::square_input;
use super::weights::WeightMap;
use crate::image::{Image, Rect};
use crate::tensor::{
    conv2d, leaky_relu, max_pool2x2, separable, sigmoid, Conv, Padding, SeparableConv, Tensor,
};

/// `src/tinyFaceDetector/const.ts`.
pub const MEAN_RGB: [f32; 3] = [117.001, 114.697, 97.404];
pub const ANCHORS: [(f32, f32); 5] = [
    (1.603231, 2.094468),
    (6.041143, 7.080126),
    (2.882459, 3.518061),
    (4.266906, 5.178857),
    (9.041765, 10.66308),
];
pub const IOU_THRESHOLD: f32 = 0.4;
const LEAK: f32 = 0.1;
const CHANNELS: [usize; 6] = [16, 32, 64, 128, 256, 512];

/// A face box in image pixels (may extend past the image edges).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceBox {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// Sigmoid of the objectness output, 0..1.
    pub score: f32,
}

impl FaceBox {
    fn iou(&self, o: &FaceBox) -> f32 {
        let w = ((self.x + self.width).min(o.x + o.width) - self.x.max(o.x)).max(0.0);
        let h = ((self.y + self.height).min(o.y + o.height) - self.y.max(o.y)).max(0.0);
        let inter = w * h;
        let union = self.width * self.height + o.width * o.height - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    }
}

pub struct TinyFaceDetector {
    conv0: Conv,
    seps: Vec<SeparableConv>,
    conv8: Conv,
}

impl TinyFaceDetector {
    pub fn from_weights(mut w: WeightMap) -> Result<Self, String> {
        let conv0 = Conv {
            kh: 3,
            kw: 3,
            cin: 3,
            cout: 16,
            weights: w.take("conv0/filters", &[3, 3, 3, 16])?,
            bias: w.take("conv0/bias", &[16])?,
        };
        let mut seps = Vec::new();
        for i in 1..6 {
            let (cin, cout) = (CHANNELS[i - 1], CHANNELS[i]);
            seps.push(SeparableConv {
                cin,
                cout,
                depthwise: w.take(&format!("conv{i}/depthwise_filter"), &[3, 3, cin, 1])?,
                pointwise: w.take(&format!("conv{i}/pointwise_filter"), &[1, 1, cin, cout])?,
                bias: w.take(&format!("conv{i}/bias"), &[cout])?,
            });
        }
        let out = ANCHORS.len() * 5;
        let conv8 = Conv {
            kh: 1,
            kw: 1,
            cin: 512,
            cout: out,
            weights: w.take("conv8/filters", &[1, 1, 512, out])?,
            bias: w.take("conv8/bias", &[out])?,
        };
        Ok(TinyFaceDetector { conv0, seps, conv8 })
    }

    /// First layer only (conv0 + leaky), for tests against the reference.
    pub fn conv0(&self, x: &Tensor) -> Tensor {
        let mut t = conv2d(x, &self.conv0, 1, Padding::Valid);
        leaky_relu(&mut t, LEAK);
        t
    }

    /// Separable block `i` (1..=5) + leaky, for tests against the reference.
    pub fn sep(&self, i: usize, x: &Tensor) -> Tensor {
        // tinyYolov2's depthwiseSeparableConv pads by 1 and convolves
        // 'valid': the same as 'same' for a 3×3 kernel at stride 1.
        let mut t = separable(x, &self.seps[i - 1], 1, Padding::Same);
        leaky_relu(&mut t, LEAK);
        t
    }

    /// The raw network output for a normalised square input.
    pub fn forward(&self, x: &Tensor) -> Tensor {
        let mut t = max_pool2x2(&self.conv0(x), 2);
        for i in 1..=5 {
            t = self.sep(i, &t);
            t = max_pool2x2(&t, if i < 5 { 2 } else { 1 });
        }
        conv2d(&t, &self.conv8, 1, Padding::Valid)
    }

    /// Faces scoring above `score_threshold`, best first, after NMS.
    /// `input_size` must be a positive multiple of 32 (416 is face-api's
    /// default; 320 is faster and finds large faces as well).
    pub fn detect(
        &self,
        image: &Image,
        input_size: usize,
        score_threshold: f32,
    ) -> Result<Vec<FaceBox>, String> {
        if input_size == 0 || !input_size.is_multiple_of(32) || input_size > 1024 {
            return Err(format!(
                "detector input size {input_size} must be a multiple of 32 between 32 and 1024"
            ));
        }
        let (iw, ih) = (image.width as f32, image.height as f32);
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: iw,
            h: ih,
        };
        let (x, place) = square_input(image, region, input_size, false, MEAN_RGB)?;
        let out = self.forward(&x);
        // face-api corrects by the *rounded* drawn size
        // (computeReshapedDimensions).
        let s = input_size as f32;
        let fx = s / place.w.round().max(1.0);
        let fy = s / place.h.round().max(1.0);
        let cells = out.h as f32;
        let mut boxes = Vec::new();
        for row in 0..out.h {
            for col in 0..out.w {
                for (a, &(aw, ah)) in ANCHORS.iter().enumerate() {
                    let v = |k: usize| out.at(row, col, a * 5 + k);
                    let score = sigmoid(v(4));
                    if score.is_nan() || score <= score_threshold {
                        continue;
                    }
                    let cx = (col as f32 + sigmoid(v(0))) / cells * fx;
                    let cy = (row as f32 + sigmoid(v(1))) / cells * fy;
                    let w = v(2).exp() * aw / cells * fx;
                    let h = v(3).exp() * ah / cells * fy;
                    if !(w.is_finite() && h.is_finite()) {
                        continue;
                    }
                    boxes.push(FaceBox {
                        x: (cx - w / 2.0) * iw,
                        y: (cy - h / 2.0) * ih,
                        width: w * iw,
                        height: h * ih,
                        score,
                    });
                }
            }
        }
        Ok(non_max_suppression(boxes, IOU_THRESHOLD))
    }
}

/// Greedy NMS: keep the best box, drop the rest overlapping it by more than
/// `iou`, repeat.
pub fn non_max_suppression(mut boxes: Vec<FaceBox>, iou: f32) -> Vec<FaceBox> {
    boxes.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut keep: Vec<FaceBox> = Vec::new();
    for b in boxes {
        if keep.iter().all(|k| k.iou(&b) <= iou) {
            keep.push(b);
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fb(x: f32, y: f32, w: f32, score: f32) -> FaceBox {
        FaceBox {
            x,
            y,
            width: w,
            height: w,
            score,
        }
    }

    #[test]
    fn nms_keeps_best_of_overlapping_boxes() {
        let kept = non_max_suppression(
            vec![
                fb(0.0, 0.0, 10.0, 0.6),
                fb(1.0, 1.0, 10.0, 0.9),
                fb(50.0, 50.0, 10.0, 0.7),
                // IoU with the best = 25/175 < 0.4: kept.
                fb(6.0, 6.0, 10.0, 0.8),
            ],
            0.4,
        );
        let scores: Vec<f32> = kept.iter().map(|b| b.score).collect();
        assert_eq!(scores, vec![0.9, 0.8, 0.7]);
        assert_eq!(fb(0.0, 0.0, 0.0, 1.0).iou(&fb(0.0, 0.0, 0.0, 1.0)), 0.0);
    }
}
