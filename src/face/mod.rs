//! Automatic face placement: finds the face in a photo and its 68 landmarks,
//! then the pupils, glabella and head roll that [`crate::scale`] needs.
//!
//! A plain-Rust port of the inference half of `@vladmandic/face-api`
//! 1.7.15 (MIT): its TinyFaceDetector ([`detector`]) and 68-point landmark
//! nets ([`landmarks`]), run on face-api's own weight files, which the page
//! fetches and hands over as bytes ([`FaceModels::load`]). No browser types,
//! deterministic, no panics on any input; the layers are in
//! [`crate::tensor`], shared with the segmentation net.
//!
//! Accuracy is checked against face-api itself running in Chromium
//! (`tests/face/oracle.mjs` writes `tests/face/reference.json`;
//! `tests/face_native.rs` compares).
//!
//! The 68-point scheme (iBUG 300-W), as seen in the image of a frontal face:
//! jaw 0–16 (0 on the image left), brows 17–21 / 22–26, nose bridge 27–30,
//! nose bottom 31–35, eyes 36–41 (image left) / 42–47 (image right), mouth
//! 48–67.

pub mod detector;
pub mod input;
pub mod landmarks;
pub mod weights;

/// The layers moved to [`crate::tensor`] when the segmentation net began to
/// share them; the old path still works for code written against it.
pub use crate::tensor;

use std::fmt;

use crate::image::{Image, Rect};
pub use detector::FaceBox;
use detector::TinyFaceDetector;
use landmarks::LandmarkNet;
use weights::WeightMap;

/// Knobs for [`FaceModels::detect_with`]. The defaults suit a selfie or
/// portrait for a hairline preview.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DetectOptions {
    /// Detector input size (multiple of 32). face-api's default is 416;
    /// smaller is faster but misses small faces.
    pub input_size: usize,
    /// Minimum detector score (0..1) for a face to count.
    pub score_threshold: f32,
    /// Reject faces whose interpupillary distance is below this (pixels):
    /// too few pixels to place millimetre-scale dots.
    pub min_ipd_px: f32,
    /// Reject faces turned further than this (degrees, see [`Detection::yaw`]).
    pub max_yaw_deg: f32,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            input_size: 416,
            score_threshold: 0.5,
            min_ipd_px: 25.0,
            max_yaw_deg: 30.0,
        }
    }
}

/// Why no single usable face was found.
#[derive(Clone, Debug, PartialEq)]
pub enum FaceError {
    /// No face scored above the threshold.
    NoFace,
    /// More than one face; the user should crop or pick a photo of one.
    SeveralFaces { count: usize },
    /// The eyes are closer than `min_px` pixels.
    FaceTooSmall { ipd_px: f32, min_px: f32 },
    /// The head is turned by about `yaw_deg` (sign: positive = the nose
    /// points to the image right), over `max_deg`.
    TurnedTooFar { yaw_deg: f32, max_deg: f32 },
    /// Bad input (empty or inconsistent image, bad options).
    Invalid(String),
}

impl fmt::Display for FaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaceError::NoFace => write!(f, "no face was found in the photo"),
            FaceError::SeveralFaces { count } => write!(
                f,
                "{count} faces were found; use a photo showing only one face"
            ),
            FaceError::FaceTooSmall { ipd_px, min_px } => write!(
                f,
                "the face is too small: the eyes are {ipd_px:.0} px apart, at least {min_px:.0} px are needed"
            ),
            FaceError::TurnedTooFar { yaw_deg, max_deg } => write!(
                f,
                "the head is turned about {:.0}° to the side (at most {max_deg:.0}° works); face the camera",
                yaw_deg.abs()
            ),
            FaceError::Invalid(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for FaceError {}

/// One face, in image pixels (x right, y down).
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    /// The detector's box (may extend past the image edges).
    pub face: FaceBox,
    /// The 68 landmarks (see the module docs for the numbering).
    pub landmarks: [[f32; 2]; 68],
    /// Pupil on the image's left (the subject's right eye): mean of its
    /// eye's six contour points.
    pub left_pupil: [f32; 2],
    /// Pupil on the image's right.
    pub right_pupil: [f32; 2],
    /// The pupils found in the photo itself: the darkest part of each eye's
    /// outline (the iris), which the contour means above miss when the
    /// visitor squints, smiles or looks aside. Image left first.
    pub irises: [[f32; 2]; 2],
    /// Between the brows: midpoint of the inner brow ends (21, 22) moved a
    /// quarter of the way towards the top of the nose bridge (27).
    pub glabella: [f32; 2],
    /// Angle of the line from the left to the right pupil, radians,
    /// positive when the right pupil is lower (clockwise on screen).
    pub roll: f32,
    /// Estimated head turn, radians (positive: nose towards the image
    /// right). See [`yaw_estimate`].
    pub yaw: f32,
    /// 0..1: the detector score, lowered as the head turns towards the
    /// limit (at the limit it is halved).
    pub confidence: f32,
}

/// The detector and one landmark net, loaded once per page.
pub struct FaceModels {
    detector: TinyFaceDetector,
    landmarks: LandmarkNet,
}

impl FaceModels {
    /// Loads face-api weight files: `tiny_face_detector_model` and either
    /// `face_landmark_68_model` or `face_landmark_68_tiny_model` (each a
    /// `-weights_manifest.json` text and its `.bin`; several shards are
    /// passed concatenated in manifest order).
    pub fn load(
        detector_manifest: &str,
        detector_bin: &[u8],
        landmark_manifest: &str,
        landmark_bin: &[u8],
    ) -> Result<Self, String> {
        let detector = TinyFaceDetector::from_weights(WeightMap::parse(
            "face detector",
            detector_manifest,
            detector_bin,
        )?)?;
        let landmarks = LandmarkNet::from_weights(WeightMap::parse(
            "landmark model",
            landmark_manifest,
            landmark_bin,
        )?)?;
        Ok(FaceModels {
            detector,
            landmarks,
        })
    }

    /// Whether the tiny landmark net was loaded.
    pub fn tiny_landmarks(&self) -> bool {
        self.landmarks.tiny
    }

    pub fn detector(&self) -> &TinyFaceDetector {
        &self.detector
    }

    pub fn landmark_net(&self) -> &LandmarkNet {
        &self.landmarks
    }

    /// Run both nets once on a small blank input (the detector at 64 px),
    /// so a WebAssembly engine optimises their code before the first
    /// photo. Measured in Chromium: the first detection on a 12 MP photo
    /// took 314 ms cold and 145 ms after this, which itself takes ~50 ms.
    pub fn warm_up(&self) {
        if let Ok(blank) = Image::new(64, 64, [128, 100, 90, 255]) {
            let _ = self.detector.detect(&blank, 64, 0.99);
            let whole = Rect {
                x: 0.0,
                y: 0.0,
                w: 64.0,
                h: 64.0,
            };
            let _ = self.landmarks.detect(&blank, whole);
        }
    }

    /// [`FaceModels::detect_with`] with default options.
    pub fn detect(&self, image: &Image) -> Result<Detection, FaceError> {
        self.detect_with(image, &DetectOptions::default())
    }

    /// All faces above the score threshold, best first (no landmarks).
    pub fn find_faces(
        &self,
        image: &Image,
        opts: &DetectOptions,
    ) -> Result<Vec<FaceBox>, FaceError> {
        check_image(image)?;
        if !(opts.score_threshold > 0.0 && opts.score_threshold < 1.0) {
            return Err(FaceError::Invalid(format!(
                "score threshold {} must be between 0 and 1",
                opts.score_threshold
            )));
        }
        self.detector
            .detect(image, opts.input_size, opts.score_threshold)
            .map_err(FaceError::Invalid)
    }

    /// The single face in `image` with its landmarks and derived points.
    pub fn detect_with(&self, image: &Image, opts: &DetectOptions) -> Result<Detection, FaceError> {
        let (face, landmarks) = self.locate(image, opts)?;
        describe(image, face, landmarks, opts)
    }

    /// The nets' part of [`FaceModels::detect_with`]: the single face's box
    /// and 68 landmarks. A worker runs this on a reduced copy of the photo;
    /// [`describe`] then finishes on the photo itself.
    pub fn locate(
        &self,
        image: &Image,
        opts: &DetectOptions,
    ) -> Result<(FaceBox, [[f32; 2]; 68]), FaceError> {
        let faces = self.find_faces(image, opts)?;
        let face = match faces.as_slice() {
            [] => return Err(FaceError::NoFace),
            [f] => *f,
            more => return Err(FaceError::SeveralFaces { count: more.len() }),
        };
        let crop = crop_rect(&face, image.width, image.height).ok_or(FaceError::NoFace)?;
        let landmarks = self
            .landmarks
            .detect(image, crop)
            .map_err(FaceError::Invalid)?;
        Ok((face, landmarks))
    }
}

/// The detection for a face [`FaceModels::locate`] found (its box and
/// landmarks in `image`'s pixels, however they were found): derived
/// points, the irises found in `image` itself, and the size and turn
/// checks of `opts`.
pub fn describe(
    image: &Image,
    face: FaceBox,
    landmarks: [[f32; 2]; 68],
    opts: &DetectOptions,
) -> Result<Detection, FaceError> {
    check_image(image)?;
    if !landmarks.iter().flatten().all(|v| v.is_finite()) {
        return Err(FaceError::Invalid(
            "the landmarks must be finite numbers".into(),
        ));
    }
    let mut d = derive(face, landmarks, opts.max_yaw_deg);
    let a = iris_centre(image, &landmarks[36..42]).unwrap_or(mean(&landmarks[36..42]));
    let b = iris_centre(image, &landmarks[42..48]).unwrap_or(mean(&landmarks[42..48]));
    d.irises = if a[0] <= b[0] { [a, b] } else { [b, a] };
    if !(d
        .left_pupil
        .iter()
        .chain(&d.right_pupil)
        .all(|v| v.is_finite()))
    {
        return Err(FaceError::NoFace);
    }
    let ipd = dist(d.left_pupil, d.right_pupil);
    if ipd < opts.min_ipd_px {
        return Err(FaceError::FaceTooSmall {
            ipd_px: ipd,
            min_px: opts.min_ipd_px,
        });
    }
    let yaw_deg = d.yaw.to_degrees();
    if yaw_deg.abs() > opts.max_yaw_deg {
        return Err(FaceError::TurnedTooFar {
            yaw_deg,
            max_deg: opts.max_yaw_deg,
        });
    }
    Ok(d)
}

fn check_image(image: &Image) -> Result<(), FaceError> {
    let n = image.width as u64 * image.height as u64;
    if n == 0 {
        return Err(FaceError::Invalid("the image is empty".into()));
    }
    if n > crate::image::MAX_PIXELS || image.data.len() as u64 != n * 4 {
        return Err(FaceError::Invalid(format!(
            "the image is {}×{} but holds {} bytes (expected {} RGBA bytes, at most {} megapixels)",
            image.width,
            image.height,
            image.data.len(),
            n * 4,
            crate::image::MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// The region face-api hands to the landmark net: the box floored to whole
/// pixels and clipped to the image. `None` if nothing is left.
pub fn crop_rect(face: &FaceBox, width: u32, height: u32) -> Option<Rect> {
    if ![face.x, face.y, face.width, face.height]
        .iter()
        .all(|v| v.is_finite())
    {
        return None;
    }
    let (w, h) = (width as f32, height as f32);
    let (fx, fy) = (face.x.floor(), face.y.floor());
    let (right, bottom) = (fx + face.width.floor(), fy + face.height.floor());
    let x = fx.max(0.0);
    let y = fy.max(0.0);
    let cw = (right.min(w) - x).floor();
    let ch = (bottom.min(h) - y).floor();
    (cw >= 1.0 && ch >= 1.0).then_some(Rect { x, y, w: cw, h: ch })
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn mean(pts: &[[f32; 2]]) -> [f32; 2] {
    let n = pts.len() as f32;
    let (sx, sy) = pts
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p[0], y + p[1]));
    [sx / n, sy / n]
}

/// Head turn from the landmarks, radians (positive: nose towards the image
/// right).
///
/// Heuristic: along the line between the pupils, measure from the nose tip
/// (30) to the jaw contour's two ends at eye level (0 and 16), which lie on
/// the face's silhouette. Seen from the front the nose tip is midway, so
/// `r = (d_left - d_right) / (d_left + d_right)` is 0. Modelling the head
/// as a cylinder of radius R whose silhouette stays at ±R while the nose
/// tip (about R in front of the axis) moves by R·sin(yaw), r ≈ sin(yaw):
/// about 0.5 at 30°. The nose sits a little in front of the silhouette
/// radius, so this slightly overestimates the turn, which errs on the safe
/// side for a rejection threshold.
pub fn yaw_estimate(lm: &[[f32; 2]; 68]) -> f32 {
    let l = mean(&lm[36..42]);
    let r = mean(&lm[42..48]);
    let (ux, uy) = (r[0] - l[0], r[1] - l[1]);
    let n = ux.hypot(uy);
    if n.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return 0.0;
    }
    let along = |p: [f32; 2]| (p[0] * ux + p[1] * uy) / n;
    let nose = along(lm[30]);
    let d_left = nose - along(lm[0]);
    let d_right = along(lm[16]) - nose;
    let total = d_left + d_right;
    if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return 0.0;
    }
    ((d_left - d_right) / total).clamp(-1.0, 1.0).asin()
}

/// Pupils, glabella, roll, yaw and confidence from the landmarks.
/// The iris inside one eye's six outline points: the centroid of the
/// darkest quarter of the pixels inside the outline, weighted by how much
/// darker they are (so lashes at the rim and the catch-light count little).
/// `None` when the outline holds too few pixels to tell.
pub fn iris_centre(image: &Image, eye: &[[f32; 2]]) -> Option<[f32; 2]> {
    let (w, h) = (image.width as i32, image.height as i32);
    let x0 = eye
        .iter()
        .map(|p| p[0])
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as i32;
    let x1 = eye
        .iter()
        .map(|p| p[0])
        .fold(f32::MIN, f32::max)
        .ceil()
        .min(w as f32 - 1.0) as i32;
    let y0 = eye
        .iter()
        .map(|p| p[1])
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as i32;
    let y1 = eye
        .iter()
        .map(|p| p[1])
        .fold(f32::MIN, f32::max)
        .ceil()
        .min(h as f32 - 1.0) as i32;
    let inside = |x: f32, y: f32| {
        let mut c = false;
        for k in 0..eye.len() {
            let (a, b) = (eye[k], eye[(k + 1) % eye.len()]);
            if (a[1] > y) != (b[1] > y) && x < a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]) {
                c = !c;
            }
        }
        c
    };
    let mut px: Vec<(f32, f32, f32)> = Vec::new();
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            if inside(fx, fy) {
                let p = image.pixel(x as u32, y as u32);
                let luma = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
                px.push((fx, fy, luma));
            }
        }
    }
    if px.len() < 6 {
        return None;
    }
    let mut lumas: Vec<f32> = px.iter().map(|p| p.2).collect();
    lumas.sort_by(|a, b| a.total_cmp(b));
    let cut = lumas[lumas.len() / 4].max(lumas[0] + 1.0);
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for &(x, y, l) in &px {
        if l <= cut {
            let wgt = cut - l + 1.0;
            sw += wgt;
            sx += wgt * x;
            sy += wgt * y;
        }
    }
    (sw > 0.0).then(|| [sx / sw, sy / sw])
}

pub fn derive(face: FaceBox, landmarks: [[f32; 2]; 68], max_yaw_deg: f32) -> Detection {
    let a = mean(&landmarks[36..42]);
    let b = mean(&landmarks[42..48]);
    let (left_pupil, right_pupil) = if a[0] <= b[0] { (a, b) } else { (b, a) };
    let brows = [
        (landmarks[21][0] + landmarks[22][0]) / 2.0,
        (landmarks[21][1] + landmarks[22][1]) / 2.0,
    ];
    let glabella = [
        brows[0] + 0.25 * (landmarks[27][0] - brows[0]),
        brows[1] + 0.25 * (landmarks[27][1] - brows[1]),
    ];
    let roll = (right_pupil[1] - left_pupil[1]).atan2(right_pupil[0] - left_pupil[0]);
    let yaw = yaw_estimate(&landmarks);
    let turn = if max_yaw_deg > 0.0 {
        (yaw.to_degrees().abs() / max_yaw_deg).min(1.0)
    } else {
        0.0
    };
    Detection {
        face,
        landmarks,
        left_pupil,
        right_pupil,
        irises: [left_pupil, right_pupil],
        glabella,
        roll,
        yaw,
        confidence: (face.score * (1.0 - 0.5 * turn)).clamp(0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> FaceBox {
        FaceBox {
            x: -15.4,
            y: 149.8,
            width: 491.05,
            height: 314.8,
            score: 0.8,
        }
    }

    #[test]
    fn crop_is_floored_and_clipped_like_face_api() {
        // floor → x -16, w 491 → right 475; clipped to 0..450.
        let c = crop_rect(&face(), 450, 550).unwrap();
        assert_eq!((c.x, c.y, c.w, c.h), (0.0, 149.0, 450.0, 314.0));
        let gone = FaceBox { x: 500.0, ..face() };
        assert!(crop_rect(&gone, 450, 550).is_none());
        let nan = FaceBox {
            x: f32::NAN,
            ..face()
        };
        assert!(crop_rect(&nan, 450, 550).is_none());
    }

    /// A symmetric synthetic face: jaw ends at x = ±50, eyes at ±20.
    fn synthetic(nose_x: f32) -> [[f32; 2]; 68] {
        let mut lm = [[0.0f32, 0.0]; 68];
        lm[0] = [-50.0, 0.0];
        lm[16] = [50.0, 0.0];
        for (k, p) in lm[36..42].iter_mut().enumerate() {
            *p = [-20.0 + (k as f32 - 2.5), 0.0];
        }
        for (k, p) in lm[42..48].iter_mut().enumerate() {
            *p = [20.0 + (k as f32 - 2.5), 10.0];
        }
        lm[21] = [-5.0, -20.0];
        lm[22] = [5.0, -20.0];
        lm[27] = [0.0, -4.0];
        lm[30] = [nose_x, 30.0];
        lm
    }

    #[test]
    fn derived_points_roll_and_yaw() {
        let d = derive(face(), synthetic(0.0), 30.0);
        assert_eq!(d.left_pupil, [-20.0, 0.0]);
        assert_eq!(d.right_pupil, [20.0, 10.0]);
        assert_eq!(d.glabella, [0.0, -16.0]);
        assert!((d.roll - (10.0f32).atan2(40.0)).abs() < 1e-6);
        // Nose on the midline (projected on the tilted eye line it is not
        // exactly 0; the jaw ends are level here).
        assert!(d.yaw.to_degrees().abs() < 10.0, "{}", d.yaw.to_degrees());
        // Nose at +25 of the 50 half-width: r = 0.5 → 30°.
        let mut lm = synthetic(25.0);
        for p in &mut lm[42..48] {
            p[1] = 0.0;
        }
        let y = yaw_estimate(&lm).to_degrees();
        assert!((y - 30.0).abs() < 0.01, "{y}");
        let d = derive(face(), lm, 30.0);
        assert!((d.confidence - 0.4).abs() < 1e-3);
        // Degenerate landmarks do not panic.
        assert_eq!(yaw_estimate(&[[0.0, 0.0]; 68]), 0.0);
        assert_eq!(yaw_estimate(&[[f32::NAN, 0.0]; 68]), 0.0);
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            FaceError::SeveralFaces { count: 3 }.to_string(),
            "3 faces were found; use a photo showing only one face"
        );
        assert!(FaceError::TurnedTooFar {
            yaw_deg: -41.0,
            max_deg: 30.0
        }
        .to_string()
        .contains("about 41°"));
        assert!(FaceError::FaceTooSmall {
            ipd_px: 12.3,
            min_px: 25.0
        }
        .to_string()
        .contains("12 px apart"));
    }
}
