//! [`Tracker`]: follows one face through a stream of camera frames.
//!
//! ```text
//! no face ──► detector on the whole frame ──► landmarks on its box ──┐
//!    ▲                                                               ▼
//!    └── lost ◄── cheap checks ◄── landmarks on an upright crop ◄── tracking
//!                                  round the last frame's landmarks
//! ```
//!
//! - **Searching.** The tiny face detector runs on the whole frame (the
//!   first frame, and whenever the face was lost); the largest face wins.
//!   The landmark net runs on face-api's crop of its box, then once more on
//!   the tracking crop those landmarks give, so tracking starts from the
//!   same framing it continues with.
//! - **Tracking.** Only the landmark net runs (its 112×112 input costs a
//!   fraction of the detector), on a square crop round the previous
//!   frame's landmarks, turned by the head's roll so the net always sees
//!   an upright face, as it was trained. The crop stays put while the face
//!   moves less than [`TrackerOptions::crop_slack`] (so a still face is
//!   measured through an unchanging crop, which keeps the landmarks still:
//!   0.1–0.3 px of frame-to-frame jitter before smoothing on the test
//!   clips), and leads a moving face by its last step.
//! - **Lost** when the landmarks stop looking like a face in the crop:
//!   points outside it, the eyes' distance jumping, eyes swapped, a mean
//!   face that no longer fits them ([`super::pose::Pose::rms_rel`]); and,
//!   every [`TrackerOptions::recheck_ms`] or as soon as the crop's
//!   appearance changes a lot, when a small detector run on the region
//!   round the face finds none there. Then the frame is searched again at
//!   once.
//!
//! Per frame the result ([`TrackFrame`]) holds the pupils (the iris found
//! in each eye's outline, see [`crate::face::iris_centre`], or the
//! outline's centre), smoothed by One Euro filters ([`super::filter`]),
//! the roll between them, yaw and pitch from [`super::pose`] (smoothed
//! too), the raw landmarks and what each stage cost. The frames are taken
//! as the camera gives them: a front camera's mirror image is the page's
//! business (it mirrors the display), the landmarks are those of the
//! frame.

use super::filter::{AngleFilter, OneEuro2, OneEuroParams};
use super::pose::{fit_perspective, Pose};
use super::posed::PosedFrame;
use crate::face::detector::FaceBox;
use crate::face::landmarks::{INPUT_SIZE, MEAN_RGB};
use crate::face::tensor::Tensor;
use crate::face::{crop_rect, iris_centre, FaceModels};
use crate::geom::Vec2;
use crate::image::{resample, Image, Rect};
use crate::scale::{Head, DEFAULT_IPD_MM};

/// Knobs of the [`Tracker`]. The defaults suit a 640×480 webcam at arm's
/// length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackerOptions {
    /// Detector input size when searching the whole frame (a multiple of
    /// 32). A face at arm's length fills a fifth of a webcam frame or
    /// more, which 224 finds; 416 (face-api's default) costs ~3.5× more.
    pub detect_input_size: usize,
    /// Minimum detector score for a face to be taken.
    pub score_threshold: f32,
    /// Faces whose eyes are closer than this (pixels) are not tracked.
    pub min_ipd_px: f32,
    /// How often (ms) a small detector run confirms the face is still
    /// there; 0 turns it off (then only the landmarks' own evidence can
    /// lose the face).
    pub recheck_ms: f64,
    /// Detector input size for that check, on the region round the face.
    pub recheck_input_size: usize,
    /// Refine each pupil to the iris's dark centre inside the eye's
    /// outline (costs ~0.03 ms at webcam size; without it the outline's
    /// centre is used, which is off when the visitor looks aside).
    pub iris: bool,
    /// The camera's focal length in pixels, for the pose fit's depth
    /// magnification; `None` guesses 0.9 × the frame's width (a webcam's
    /// 55–65° across), `Some(0.0)` fits in weak perspective.
    pub focal_px: Option<f32>,
    /// The pupils' filter, with `beta` per interpupillary distance per
    /// second (scaled to the face's size each frame).
    pub pupil_filter: OneEuroParams,
    /// The yaw and pitch filter (radians).
    pub angle_filter: OneEuroParams,
    /// The crop follows the face only once it has moved by more than this
    /// share of the crop's side, grown or shrunk by as much, or turned by
    /// more than this many radians.
    pub crop_slack: f32,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        TrackerOptions {
            detect_input_size: 224,
            score_threshold: 0.5,
            min_ipd_px: 20.0,
            recheck_ms: 1000.0,
            recheck_input_size: 160,
            iris: true,
            focal_px: None,
            pupil_filter: OneEuroParams::LANDMARKS,
            angle_filter: OneEuroParams::ANGLES,
            crop_slack: 0.03,
        }
    }
}

/// Milliseconds spent in each stage of one [`Tracker::track`] call (0 when
/// the stage did not run or no clock is set).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// The detector on the whole frame (searching).
    pub detect: f32,
    /// Sampling the landmark net's input from the frame.
    pub crop: f32,
    /// The landmark net (twice when searching).
    pub landmarks: f32,
    /// The pupils' iris refinement.
    pub iris: f32,
    /// The pose fit.
    pub pose: f32,
    /// The periodic check: the small detector round the face.
    pub check: f32,
    /// The whole call.
    pub total: f32,
}

/// What the tracker makes of one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackFrame {
    /// Whether a face is being followed. When false the other fields are
    /// zero.
    pub tracked: bool,
    /// Whether this frame searched the whole frame with the detector
    /// (first frame, face lost); such frames take longer.
    pub searched: bool,
    /// Pupil on the image's left and right (camera pixels), smoothed.
    pub left_pupil: Vec2,
    pub right_pupil: Vec2,
    /// Degrees: roll of the line between the smoothed pupils (positive:
    /// the right pupil lower), yaw (positive: nose towards the image's
    /// right) and pitch (positive: chin up), smoothed.
    pub roll: f32,
    pub yaw: f32,
    pub pitch: f32,
    /// This frame's 68 landmarks (camera pixels, not smoothed).
    pub landmarks: [[f32; 2]; 68],
    /// The raw pose fit of this frame's landmarks.
    pub pose: Option<Pose>,
    pub ms: StageTimes,
}

impl TrackFrame {
    fn lost(ms: StageTimes, searched: bool) -> Self {
        TrackFrame {
            tracked: false,
            searched,
            left_pupil: Vec2::default(),
            right_pupil: Vec2::default(),
            roll: 0.0,
            yaw: 0.0,
            pitch: 0.0,
            landmarks: [[0.0; 2]; 68],
            pose: None,
            ms,
        }
    }

    /// The frame to draw the design with on this camera frame: the
    /// smoothed pupils, yaw and pitch on `head` (see
    /// [`PosedFrame::from_pupils`]). `None` when no face is tracked.
    pub fn posed_frame(&self, ipd_mm: f32, head: Head) -> Option<PosedFrame> {
        if !self.tracked {
            return None;
        }
        PosedFrame::from_pupils(
            self.left_pupil,
            self.right_pupil,
            ipd_mm,
            self.yaw.to_radians(),
            self.pitch.to_radians(),
            head,
        )
    }
}

/// A square region of the frame turned by `angle` (radians, clockwise on
/// screen like the roll): what the landmark net is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crop {
    pub centre: Vec2,
    pub side: f32,
    pub angle: f32,
}

impl Crop {
    fn axes(self) -> (Vec2, Vec2) {
        let (s, c) = self.angle.sin_cos();
        // x along the face, y down the face (image y is down).
        (Vec2::new(c, s), Vec2::new(-s, c))
    }

    /// Crop coordinates (0..side, y down the face) → image pixels.
    fn to_image(self, u: f32, v: f32) -> Vec2 {
        let (ex, ey) = self.axes();
        let h = self.side / 2.0;
        self.centre.plus(ex.scale(u - h)).plus(ey.scale(v - h))
    }
}

/// The crop the net should see for landmarks `lm` whose face is `unit`
/// pixels per 63 mm: upright (turned by the pupils' roll), centred 0.65
/// units below the eyes' midpoint, 2.7 units wide. That is how the
/// detector's boxes sit on the eight test photos (centre 0.59–0.69 IPD
/// below the eyes, 2.5–2.8 IPD wide), which is the framing the net
/// expects.
const CROP_BELOW_EYES: f32 = 0.65;
const CROP_SIDE: f32 = 2.7;

fn eye_centres(lm: &[[f32; 2]; 68]) -> (Vec2, Vec2) {
    let m = |r: std::ops::Range<usize>| {
        let n = r.len() as f32;
        let s = lm[r]
            .iter()
            .fold([0.0, 0.0], |a, p| [a[0] + p[0], a[1] + p[1]]);
        Vec2::new(s[0] / n, s[1] / n)
    };
    (m(36..42), m(42..48))
}

fn crop_for(lm: &[[f32; 2]; 68], unit: f32) -> Option<Crop> {
    let (l, r) = eye_centres(lm);
    let d = r.minus(l);
    let angle = d.y.atan2(d.x);
    let mid = l.plus(r).scale(0.5);
    let down = Vec2::new(-angle.sin(), angle.cos());
    let c = Crop {
        centre: mid.plus(down.scale(CROP_BELOW_EYES * unit)),
        side: CROP_SIDE * unit,
        angle,
    };
    (c.centre.is_finite() && c.side.is_finite() && c.side >= 8.0 && c.angle.is_finite())
        .then_some(c)
}

/// The 112×112 input of the landmark net for `crop`: bilinear samples at
/// the input pixels' centres (what face-api's canvas does), black outside
/// the frame, normalised as face-api does. (Averaging several samples
/// per input pixel against aliasing cost 4 ms and changed no result on
/// the test clips.)
fn crop_input(image: &Image, crop: &Crop) -> Tensor {
    let n = INPUT_SIZE;
    let mut t = Tensor::zeros(n, n, 3);
    let (w, h) = (image.width as i64, image.height as i64);
    let k = crop.side / n as f32;
    let (ex, ey) = crop.axes();
    let (dx, dy) = (ex.scale(k), ey.scale(k));
    // Pixel centres sit at +0.5: the first sample, in pixel-index space.
    let first = crop.to_image(0.5 * k, 0.5 * k).minus(Vec2::new(0.5, 0.5));
    let px = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= w || y >= h {
            return [0.0; 3];
        }
        let o = ((y * w + x) * 4) as usize;
        let p = &image.data[o..o + 3];
        [p[0] as f32, p[1] as f32, p[2] as f32]
    };
    for (j, row) in t.data.chunks_exact_mut(3 * n).enumerate() {
        let mut p = first.plus(dy.scale(j as f32));
        for out in row.chunks_exact_mut(3) {
            let (x0, y0) = (p.x.floor(), p.y.floor());
            let (tx, ty) = (p.x - x0, p.y - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let (a, b) = (px(x0, y0), px(x0 + 1, y0));
            let (c, d) = (px(x0, y0 + 1), px(x0 + 1, y0 + 1));
            for ch in 0..3 {
                let top = a[ch] * (1.0 - tx) + b[ch] * tx;
                let bot = c[ch] * (1.0 - tx) + d[ch] * tx;
                out[ch] = ((top * (1.0 - ty) + bot * ty).round() - MEAN_RGB[ch]) / 255.0;
            }
            p = p.plus(dx);
        }
    }
    t
}

/// A 16×16 grey thumbnail of the crop, zero mean and unit norm, to notice
/// when what the crop shows changes.
fn thumbnail(image: &Image, crop: &Crop) -> Vec<f32> {
    const N: usize = 16;
    let mut v = Vec::with_capacity(N * N);
    let (w, h) = (image.width as f32, image.height as f32);
    for j in 0..N {
        for i in 0..N {
            let p = crop.to_image(
                (i as f32 + 0.5) / N as f32 * crop.side,
                (j as f32 + 0.5) / N as f32 * crop.side,
            );
            let g = if p.x >= 0.0 && p.y >= 0.0 && p.x < w && p.y < h {
                let q = image.pixel(p.x as u32, p.y as u32);
                0.299 * q[0] as f32 + 0.587 * q[1] as f32 + 0.114 * q[2] as f32
            } else {
                0.0
            };
            v.push(g);
        }
    }
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let norm = v
        .iter()
        .map(|x| (x - mean).powi(2))
        .sum::<f32>()
        .sqrt()
        .max(1e-3);
    v.iter_mut().for_each(|x| *x = (*x - mean) / norm);
    v
}

fn correlation(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The clock used for [`StageTimes`]: milliseconds from any fixed point.
pub type Clock = fn() -> f64;

#[cfg(not(target_arch = "wasm32"))]
fn native_clock() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

pub(crate) fn default_clock() -> Option<Clock> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Some(native_clock)
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

struct Following {
    /// The crop the next frame is measured in.
    crop: Crop,
    /// The crop this frame's landmarks ask for, and when.
    ideal: Crop,
    t_ms: f64,
    /// Frontal IPD in pixels (pose scale × 63 mm).
    unit: f32,
    /// When the face was last confirmed by the detector (ms).
    checked_ms: f64,
    /// The crop's look when last confirmed.
    look: Vec<f32>,
}

/// Follows one face through camera frames; see the module docs.
pub struct Tracker {
    opts: TrackerOptions,
    clock: Option<Clock>,
    state: Option<Following>,
    left: OneEuro2,
    right: OneEuro2,
    yaw: AngleFilter,
    pitch: AngleFilter,
}

/// What one landmark pass gave.
struct Measured {
    landmarks: [[f32; 2]; 68],
    pose: Pose,
    unit: f32,
    ipd_px: f32,
}

impl Tracker {
    pub fn new(opts: TrackerOptions) -> Self {
        Tracker {
            opts,
            clock: default_clock(),
            state: None,
            left: OneEuro2::new(opts.pupil_filter),
            right: OneEuro2::new(opts.pupil_filter),
            yaw: AngleFilter::new(opts.angle_filter),
            pitch: AngleFilter::new(opts.angle_filter),
        }
    }

    pub fn options(&self) -> &TrackerOptions {
        &self.opts
    }

    /// Set the clock [`StageTimes`] are measured with (native builds use
    /// `std::time::Instant`; in WebAssembly pass one that reads
    /// `performance.now()`, or `None` for no timings).
    pub fn set_clock(&mut self, clock: Option<Clock>) {
        self.clock = clock;
    }

    /// Whether a face is being followed.
    pub fn is_tracking(&self) -> bool {
        self.state.is_some()
    }

    /// Forget the face: the next frame searches the whole frame.
    pub fn reset(&mut self) {
        self.state = None;
        self.left.reset();
        self.right.reset();
        self.yaw.reset();
        self.pitch.reset();
    }

    fn now(&self) -> f64 {
        self.clock.map_or(0.0, |c| c())
    }

    /// Time `f` into `slot`.
    fn timed<T>(&self, slot: &mut f32, f: impl FnOnce() -> T) -> T {
        let t0 = self.now();
        let out = f();
        *slot += (self.now() - t0) as f32;
        out
    }

    /// Landmarks in `crop`, checked for looking like a face there. `None`
    /// when they do not.
    fn measure(
        &self,
        models: &FaceModels,
        image: &Image,
        crop: &Crop,
        prev_unit: Option<f32>,
        ms: &mut StageTimes,
    ) -> Option<Measured> {
        let input = self.timed(&mut ms.crop, || crop_input(image, crop));
        let out = self.timed(&mut ms.landmarks, || models.landmark_net().forward(&input));
        if out.len() != 136 {
            return None;
        }
        let mut lm = [[0.0f32; 2]; 68];
        let s = INPUT_SIZE as f32;
        let mut outside = 0;
        for (i, p) in lm.iter_mut().enumerate() {
            let (u, v) = (out[2 * i] * crop.side, out[2 * i + 1] * crop.side);
            let q = crop.to_image(u, v);
            *p = [q.x, q.y];
            let margin = 0.02 * s;
            let (iu, iv) = (out[2 * i] * s, out[2 * i + 1] * s);
            if !(iu > -margin && iv > -margin && iu < s + margin && iv < s + margin) {
                outside += 1;
            }
        }
        if !lm.iter().flatten().all(|v| v.is_finite()) || outside > 6 {
            return None;
        }
        let (l, r) = eye_centres(&lm);
        let ipd_px = r.minus(l).len();
        // Eyes swapped (a face upside down or mirrored): not ours.
        if r.minus(l).dot(crop.axes().0) <= 0.0 || ipd_px < self.opts.min_ipd_px {
            return None;
        }
        let focal = self.opts.focal_px.unwrap_or(0.9 * image.width as f32);
        let pose = self
            .timed(&mut ms.pose, || fit_perspective(&lm, focal))
            .ok()?;
        let unit = pose.scale * DEFAULT_IPD_MM;
        // A mean face that fits badly, or a face whose size jumped: the
        // net is describing something else.
        if pose.rms_rel() > MAX_FIT_ERROR {
            return None;
        }
        if let Some(u) = prev_unit {
            if !(unit > u / MAX_SCALE_JUMP && unit < u * MAX_SCALE_JUMP) {
                return None;
            }
        }
        Some(Measured {
            landmarks: lm,
            pose,
            unit,
            ipd_px,
        })
    }

    /// Search the whole frame; the face and its tracking crop, if found.
    fn search(
        &self,
        models: &FaceModels,
        image: &Image,
        ms: &mut StageTimes,
    ) -> Option<(Measured, Crop)> {
        let faces = self.timed(&mut ms.detect, || {
            models.detector().detect(
                image,
                self.opts.detect_input_size,
                self.opts.score_threshold,
            )
        });
        let face = faces
            .ok()?
            .into_iter()
            .max_by(|a, b| (a.width * a.height).total_cmp(&(b.width * b.height)))?;
        // face-api's crop of the box, then the tracking crop.
        let r = crop_rect(&face, image.width, image.height)?;
        let first = Crop {
            centre: Vec2::new(r.x + r.w / 2.0, r.y + r.h / 2.0),
            side: r.w.max(r.h),
            angle: 0.0,
        };
        let m = self.measure(models, image, &first, None, ms)?;
        let crop = crop_for(&m.landmarks, m.unit)?;
        let m = self.measure(models, image, &crop, Some(m.unit), ms)?;
        let crop = crop_for(&m.landmarks, m.unit)?;
        Some((m, crop))
    }

    /// Whether the detector, run on the region round `crop`, finds a face
    /// where the crop says one is.
    fn confirm(&self, models: &FaceModels, image: &Image, crop: &Crop) -> bool {
        let n = self.opts.recheck_input_size;
        if n == 0 || !n.is_multiple_of(32) {
            return true;
        }
        // The detector's box is about the crop's size; look at twice that.
        let side = 2.0 * crop.side;
        let region = Rect {
            x: crop.centre.x - side / 2.0,
            y: crop.centre.y - side / 2.0,
            w: side,
            h: side,
        };
        let Ok(mut small) = Image::zeroed(n as u32, n as u32) else {
            return true;
        };
        resample(image, region, &mut small);
        let Ok(faces) = models
            .detector()
            .detect(&small, n, self.opts.score_threshold * 0.6)
        else {
            return true;
        };
        let k = side / n as f32;
        let want = FaceBox {
            x: crop.centre.x - crop.side / 2.0,
            y: crop.centre.y - crop.side / 2.0,
            width: crop.side,
            height: crop.side,
            score: 1.0,
        };
        faces.iter().any(|f| {
            let b = FaceBox {
                x: region.x + f.x * k,
                y: region.y + f.y * k,
                width: f.width * k,
                height: f.height * k,
                score: f.score,
            };
            overlap(&b, &want) > 0.3
        })
    }

    /// Follow the face into `image` (RGBA, as the camera gives it), taken
    /// at `t_ms` (milliseconds, e.g. the frame's timestamp). Never panics;
    /// a bad image gives an untracked frame.
    pub fn track(&mut self, models: &FaceModels, image: &Image, t_ms: f64) -> TrackFrame {
        let t0 = self.now();
        let mut ms = StageTimes::default();
        let n = image.width as u64 * image.height as u64;
        if n == 0 || image.data.len() as u64 != n * 4 || n > crate::image::MAX_PIXELS {
            self.reset();
            return TrackFrame::lost(ms, false);
        }
        let mut searched = false;
        let mut found = None;
        if let Some(st) = &self.state {
            let crop = st.crop;
            if let Some(m) = self.measure(models, image, &crop, Some(st.unit), &mut ms) {
                found = Some((m, crop));
            }
        }
        // A periodic, or appearance-triggered, check that a face is there.
        if let (Some((_, crop)), Some(st)) = (&found, &self.state) {
            let due = self.opts.recheck_ms > 0.0
                && (t_ms - st.checked_ms >= self.opts.recheck_ms || t_ms < st.checked_ms);
            let changed = correlation(&thumbnail(image, crop), &st.look) < LOOK_CHANGED;
            if (due || changed) && self.opts.recheck_ms > 0.0 {
                let crop = *crop;
                let ok = self.timed(&mut ms.check, || self.confirm(models, image, &crop));
                if ok {
                    if let Some(st) = &mut self.state {
                        st.checked_ms = t_ms;
                        st.look = thumbnail(image, &crop);
                    }
                } else {
                    found = None;
                }
            }
        }
        if found.is_none() {
            if self.state.is_some() {
                self.reset();
            }
            searched = true;
            found = self.search(models, image, &mut ms);
            if found.is_some() {
                self.reset();
            }
        }
        let Some((m, used)) = found else {
            self.reset();
            ms.total = (self.now() - t0) as f32;
            return TrackFrame::lost(ms, searched);
        };

        // The next frame's crop: moved only once the face has moved, and
        // then to where it is heading (the net's landmarks shift by up to
        // a percent of the IPD with the face's place in the crop, so a
        // crop trailing a moving face would bias them).
        let ideal = crop_for(&m.landmarks, m.unit).unwrap_or(used);
        let slack = self.opts.crop_slack;
        let keep = ideal.centre.minus(used.centre).len() < slack * used.side
            && (ideal.side / used.side - 1.0).abs() < slack
            && (ideal.angle - used.angle).abs() < slack;
        let prev = self
            .state
            .as_ref()
            .filter(|_| !searched)
            .map(|st| (st.ideal, st.t_ms));
        let crop = match prev {
            _ if keep => used,
            Some((p, tp)) if t_ms > tp && t_ms - tp < 200.0 => {
                // The same step again: frames come at a steady rate.
                let step = ideal.centre.minus(p.centre);
                Crop {
                    centre: ideal.centre.plus(step),
                    ..ideal
                }
            }
            _ => ideal,
        };
        let (checked_ms, look) = match (&self.state, searched) {
            (Some(st), false) => (st.checked_ms, st.look.clone()),
            _ => (t_ms, thumbnail(image, &crop)),
        };
        self.state = Some(Following {
            crop,
            ideal,
            t_ms,
            unit: m.unit,
            checked_ms,
            look,
        });

        // Pupils: the iris in each eye's outline, or the outline's centre.
        let (mut l, mut r) = eye_centres(&m.landmarks);
        if self.opts.iris {
            let lm = &m.landmarks;
            let (a, b) = self.timed(&mut ms.iris, || {
                (
                    iris_centre(image, &lm[36..42]),
                    iris_centre(image, &lm[42..48]),
                )
            });
            // Trust the iris only near the outline's centre.
            let near = |p: Option<[f32; 2]>, c: Vec2| {
                p.map(|p| Vec2::new(p[0], p[1]))
                    .filter(|p| p.minus(c).len() < 0.2 * m.ipd_px)
                    .unwrap_or(c)
            };
            l = near(a, l);
            r = near(b, r);
        }
        let params = self.opts.pupil_filter.per_unit(m.unit);
        self.left.set_params(params);
        self.right.set_params(params);
        let lp = self.left.filter(t_ms, [l.x, l.y]);
        let rp = self.right.filter(t_ms, [r.x, r.y]);
        let yaw = self.yaw.filter(t_ms, m.pose.yaw);
        let pitch = self.pitch.filter(t_ms, m.pose.pitch);
        let (lp, rp) = (Vec2::new(lp[0], lp[1]), Vec2::new(rp[0], rp[1]));
        let d = rp.minus(lp);
        ms.total = (self.now() - t0) as f32;
        TrackFrame {
            tracked: true,
            searched,
            left_pupil: lp,
            right_pupil: rp,
            roll: d.y.atan2(d.x).to_degrees(),
            yaw: yaw.to_degrees(),
            pitch: pitch.to_degrees(),
            landmarks: m.landmarks,
            pose: Some(m.pose),
            ms,
        }
    }
}

/// Largest pose-fit residual, as a share of the IPD, for landmarks to
/// count as a face.
const MAX_FIT_ERROR: f32 = 0.12;
/// Largest change of the face's size from one frame to the next.
const MAX_SCALE_JUMP: f32 = 1.3;
/// Below this correlation with its look at the last check, the crop has
/// changed enough to check again now.
const LOOK_CHANGED: f32 = 0.6;

fn overlap(a: &FaceBox, b: &FaceBox) -> f32 {
    let w = ((a.x + a.width).min(b.x + b.width) - a.x.max(b.x)).max(0.0);
    let h = ((a.y + a.height).min(b.y + b.height) - a.y.max(b.y)).max(0.0);
    let inter = w * h;
    let union = a.width * a.height + b.width * b.height - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::pose::model_landmarks;

    fn mean_face(roll_deg: f32, scale: f32) -> [[f32; 2]; 68] {
        let mut lm = model_landmarks(&Pose {
            yaw: 0.0,
            pitch: 0.0,
            roll: roll_deg.to_radians(),
            scale,
            origin: Vec2::new(300.0, 200.0),
            rms_px: 0.0,
        });
        // The crop only reads the eyes; fill the rest.
        for p in lm.iter_mut().filter(|p| !p[0].is_finite()) {
            *p = [300.0, 200.0];
        }
        lm
    }

    #[test]
    fn the_crop_is_upright_below_the_eyes_and_maps_back() {
        let lm = mean_face(12.0, 2.0);
        let unit = 126.0;
        let c = crop_for(&lm, unit).unwrap();
        assert!((c.angle.to_degrees() - 12.0).abs() < 1e-3);
        assert!((c.side - CROP_SIDE * unit).abs() < 1e-3);
        // Its centre is 0.65 units down the face from between the eyes.
        let (ex, ey) = c.axes();
        let d = c.centre.minus(Vec2::new(300.0, 200.0));
        assert!(d.dot(ex).abs() < 1e-3 && (d.dot(ey) - CROP_BELOW_EYES * unit).abs() < 1e-3);
        // Corners: crop (0, 0) is the top-left of the upright face.
        let tl = c.to_image(0.0, 0.0);
        let br = c.to_image(c.side, c.side);
        assert!((tl.minus(br).len() - c.side * std::f32::consts::SQRT_2).abs() < 1e-2);
        assert!(c.to_image(c.side / 2.0, c.side / 2.0).minus(c.centre).len() < 1e-4);
        // Degenerate landmarks give no crop.
        assert!(crop_for(&[[f32::NAN, 0.0]; 68], unit).is_none());
        assert!(crop_for(&lm, 0.0).is_none());
    }

    #[test]
    fn the_net_input_samples_the_crop_and_is_black_outside() {
        let img = Image::new(200, 100, [200, 100, 50, 255]).unwrap();
        let norm = |v: f32, k: usize| (v - MEAN_RGB[k]) / 255.0;
        // Well inside: the colour everywhere.
        let inside = Crop {
            centre: Vec2::new(100.0, 50.0),
            side: 60.0,
            angle: 0.3,
        };
        let t = crop_input(&img, &inside);
        assert_eq!((t.h, t.w, t.c), (INPUT_SIZE, INPUT_SIZE, 3));
        for px in t.data.chunks_exact(3) {
            assert!((px[0] - norm(200.0, 0)).abs() < 1e-6 && (px[2] - norm(50.0, 2)).abs() < 1e-6);
        }
        // Half off the left edge: black on the left, the colour on the
        // right.
        let half = Crop {
            centre: Vec2::new(0.0, 50.0),
            side: 80.0,
            angle: 0.0,
        };
        let t = crop_input(&img, &half);
        let at = |x: usize, y: usize, k: usize| t.data[(y * INPUT_SIZE + x) * 3 + k];
        assert!((at(5, 56, 1) - norm(0.0, 1)).abs() < 1e-6);
        assert!((at(100, 56, 1) - norm(100.0, 1)).abs() < 1e-6);
    }

    #[test]
    fn untracked_frames_have_no_frame_and_boxes_overlap() {
        let lost = TrackFrame::lost(StageTimes::default(), true);
        assert!(lost.posed_frame(63.0, Head::default()).is_none());
        let tracked = TrackFrame {
            tracked: true,
            left_pupil: Vec2::new(100.0, 100.0),
            right_pupil: Vec2::new(163.0, 100.0),
            ..lost
        };
        let f = tracked.posed_frame(63.0, Head::default()).unwrap();
        assert!(f.is_frontal() && (f.frame().px_per_mm - 1.0).abs() < 1e-6);
        let b = |x: f32| FaceBox {
            x,
            y: 0.0,
            width: 10.0,
            height: 10.0,
            score: 1.0,
        };
        assert!((overlap(&b(0.0), &b(0.0)) - 1.0).abs() < 1e-6);
        assert!((overlap(&b(0.0), &b(5.0)) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(overlap(&b(0.0), &b(20.0)), 0.0);
        // Thumbnails are zero-mean, unit-norm; a flat one correlates 0.
        let img = Image::new(64, 64, [90, 90, 90, 255]).unwrap();
        let c = Crop {
            centre: Vec2::new(32.0, 32.0),
            side: 40.0,
            angle: 0.0,
        };
        assert_eq!(correlation(&thumbnail(&img, &c), &thumbnail(&img, &c)), 0.0);
    }
}
