//! Hair, bare scalp, face, body and background in a portrait, so that dots
//! land only on bare scalp, never on hair.
//!
//! A port of the lead's numpy prototype (`reference_pipeline.py`); every
//! constant and threshold is the prototype's. On the working copy of the
//! photo ([`crate::scalp::ScalpMask::working_copy`]):
//!
//! 1. **Regions** from the person mask ([`super::person`]) and the face:
//!    the head is where the person probability exceeds 0.5; the *brow
//!    line* runs 1.5 mm below the tops of the brows (landmarks 17–26,
//!    flat beyond the outer ends); the *face* is the landmark outline
//!    (jaw 0–16 and brows 26…17) below the brow line, on the head (the
//!    prototype also let it cover backdrop inside the outline); hair vs skin is
//!    decided on the head above the jaw's mid-height (landmarks 3 and 13)
//!    outside the face; the *forehead anchor* is the head within 20 mm of
//!    the midline, 10–30 mm above the glabella. Without landmarks a mean
//!    face ([`super::mean_face`]) is placed by the calibration.
//! 2. **Features** per pixel ([`super::features`]), relative to the
//!    forehead skin (its 10th–90th percentile of lightness): saturation,
//!    the split of the colour into skin colour and white light, texture,
//!    and lightness below a robust quadratic shading field.
//! 3. A **logistic model** ([`HairModel`]) turns them into log-odds of
//!    hair; grey or white hair gets a boost where a desaturated region of
//!    at least 20 mm² with hair texture reaches the head's rim.
//! 4. **Mean-field smoothing** ([`super::crf`]) over the 8-neighbourhood
//!    with contrast-sensitive weights.
//! 5. **Labels**: hair must be connected to the head's rim band (3 mm);
//!    enclosed "hair" (highlights, moles) is skin. Below the jaw line the
//!    head is face (neck) where it has the skin's colour, else body.
//!    Skin above the decided region but below the brow line (ears) is
//!    face.
//!
//! Deterministic, no browser types, no panics: inputs it cannot work with
//! (no forehead skin where the calibration says, inconsistent sizes,
//! non-finite numbers) give an `Err` with a readable message.

use super::crf;
use super::features::{decompose, lab_fast, shading_fit, texture, FEATURES};
use super::filters::{box_mean, erode, label4, median, percentile};
use super::hair_weights::WEIGHTS;
use super::mean_face::MEAN_FACE_MM;
use super::person::PersonMask;
use crate::color::{luminance, to_linear};
use crate::geom::Vec2;
use crate::image::Image;
use crate::scale::Frame;

/// What a pixel shows. The discriminants are the label values of
/// [`Segmentation::labels`] and of the hand labels in
/// `tests/fixtures/labels/`.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// Behind the person.
    Background = 0,
    /// Hair of the head (scalp hair, fringe, sideburns, stubble).
    Hair = 1,
    /// Bare skin above the brow line: forehead, bald or shaved scalp.
    Scalp = 2,
    /// Below the brow line (face, brows, eyes), ears and neck.
    Face = 3,
    /// Clothes and anything else of the person.
    Body = 4,
}

impl Class {
    /// The class with label value `v`, if any.
    pub fn from_u8(v: u8) -> Option<Class> {
        Some(match v {
            0 => Class::Background,
            1 => Class::Hair,
            2 => Class::Scalp,
            3 => Class::Face,
            4 => Class::Body,
            _ => return None,
        })
    }
}

/// A photo's segmentation at the working copy's resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Segmentation {
    /// Width in segmentation pixels (the working copy's width).
    pub width: u32,
    /// Height in segmentation pixels.
    pub height: u32,
    /// Image pixels per segmentation pixel (the working copy's step).
    pub step: f32,
    /// Row-major [`Class`] values.
    pub labels: Vec<u8>,
    /// Soft hair probability 0..255 (the mean-field `q`) where hair vs
    /// skin was decided, 0 elsewhere. Before the rim-connectivity rule,
    /// so enclosed bright spots may read high here and still be scalp.
    pub hair: Vec<u8>,
    /// Person probability 0..255.
    pub person: Vec<u8>,
    /// The forehead skin reference (mean L*a*b* of the forehead pixels
    /// between the 10th and 90th percentile of lightness), which the
    /// features are relative to.
    pub skin_lab: Option<[f32; 3]>,
}

/// `to_bytes` layout: magic, version, then the fields in order, little
/// endian.
const MAGIC: &[u8; 4] = b"HVSG";
const VERSION: u32 = 1;
const HEADER: usize = 4 + 4 + 4 + 4 + 4 + 4 + 12;

impl Segmentation {
    /// The class at image position `(image_x, image_y)` (continuous image
    /// pixel coordinates), from the nearest segmentation pixel;
    /// background outside the image.
    pub fn class_at(&self, image_x: f32, image_y: f32) -> Class {
        let (w, h) = (self.width as usize, self.height as usize);
        if self.labels.len() != w * h || self.step.is_nan() || self.step <= 0.0 {
            return Class::Background;
        }
        let (sx, sy) = (image_x / self.step, image_y / self.step);
        if !(sx >= 0.0 && sy >= 0.0 && sx < w as f32 && sy < h as f32) {
            return Class::Background;
        }
        let i = (sy as usize).min(h - 1) * w + (sx as usize).min(w - 1);
        Class::from_u8(self.labels[i]).unwrap_or(Class::Background)
    }

    /// A compact byte form, for handing the segmentation over from a
    /// worker: `"HVSG"`, version 1, width, height, step, a flag (1 when
    /// `skin_lab` is set), `skin_lab` (zeros when not), then the labels,
    /// hair and person planes (one byte per pixel each). Little endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.labels.len();
        let mut b = Vec::with_capacity(HEADER + 3 * n);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&VERSION.to_le_bytes());
        b.extend_from_slice(&self.width.to_le_bytes());
        b.extend_from_slice(&self.height.to_le_bytes());
        b.extend_from_slice(&self.step.to_le_bytes());
        b.extend_from_slice(&u32::from(self.skin_lab.is_some()).to_le_bytes());
        for v in self.skin_lab.unwrap_or([0.0; 3]) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&self.labels);
        b.extend_from_slice(&self.hair);
        b.extend_from_slice(&self.person);
        b
    }

    /// Reads [`Segmentation::to_bytes`]'s form, checking every field: a
    /// truncated, padded or altered buffer is an `Err`, never a panic.
    pub fn from_bytes(b: &[u8]) -> Result<Segmentation, String> {
        let fail = |m: String| format!("segmentation bytes: {m}");
        if b.len() < HEADER {
            return Err(fail(format!(
                "{} bytes, shorter than the {HEADER}-byte header",
                b.len()
            )));
        }
        if &b[..4] != MAGIC {
            return Err(fail("not a segmentation (wrong magic)".into()));
        }
        let word = |i: usize| [b[i], b[i + 1], b[i + 2], b[i + 3]];
        let u = |i: usize| u32::from_le_bytes(word(i));
        let f = |i: usize| f32::from_le_bytes(word(i));
        if u(4) != VERSION {
            return Err(fail(format!(
                "version {} (this build reads {VERSION})",
                u(4)
            )));
        }
        let (width, height, step, flag) = (u(8), u(12), f(16), u(20));
        let n = width as u64 * height as u64;
        if width == 0 || height == 0 || n > crate::image::MAX_PIXELS {
            return Err(fail(format!("bad size {width}×{height}")));
        }
        if !(step.is_finite() && step > 0.0) {
            return Err(fail(format!("bad step {step}")));
        }
        if flag > 1 {
            return Err(fail(format!("bad flag {flag}")));
        }
        let skin = [f(24), f(28), f(32)];
        let skin_lab = if flag == 1 {
            if !skin.iter().all(|v| v.is_finite()) {
                return Err(fail("skin colour is not finite".into()));
            }
            Some(skin)
        } else {
            None
        };
        let n = n as usize;
        let want = HEADER as u64 + 3 * n as u64;
        if b.len() as u64 != want {
            return Err(fail(format!(
                "{} bytes for {width}×{height}, expected {want}",
                b.len()
            )));
        }
        let labels = b[HEADER..HEADER + n].to_vec();
        if let Some(v) = labels.iter().find(|&&v| v > Class::Body as u8) {
            return Err(fail(format!("label value {v} (at most 4)")));
        }
        Ok(Segmentation {
            width,
            height,
            step,
            labels,
            hair: b[HEADER + n..HEADER + 2 * n].to_vec(),
            person: b[HEADER + 2 * n..].to_vec(),
            skin_lab,
        })
    }
}

/// Logistic regression weights over the [`FEATURES`] features
/// ([`super::features::FEATURE_NAMES`]): log-odds of hair = `weights · f`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HairModel {
    /// One weight per feature, in [`super::features::FEATURE_NAMES`] order.
    pub weights: [f32; FEATURES],
}

impl Default for HairModel {
    /// The shipped weights ([`super::hair_weights`]): trained with
    /// [`HairModel::train`] on the eight labelled test photos
    /// (`tests/segment_labels.rs` regenerates and checks them).
    fn default() -> HairModel {
        HairModel { weights: WEIGHTS }
    }
}

/// One photo's training pixels: the decided region's pixels whose hand
/// label is hair, scalp or face ([`Analysis::samples`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhotoSamples {
    /// Each pixel's features.
    pub features: Vec<[f32; FEATURES]>,
    /// Whether each pixel is labelled hair (else scalp or face skin).
    pub hair: Vec<bool>,
}

/// Ridge penalty of [`HairModel::train`].
pub const TRAIN_L2: f64 = 0.1;
/// Newton iterations of [`HairModel::train`].
pub const TRAIN_ITERS: usize = 25;

impl HairModel {
    /// Log-odds of hair for one pixel's features.
    pub fn score(&self, f: &[f32; FEATURES]) -> f32 {
        self.weights.iter().zip(f).map(|(w, v)| w * v).sum()
    }

    /// Fits the weights by L2-regularised (λ = [`TRAIN_L2`]) logistic
    /// regression, [`TRAIN_ITERS`] Newton steps from zero. Each photo
    /// counts equally and, within it, hair and skin count half each
    /// (weights 0.5 / n_hair and 0.5 / n_skin), then the weights are
    /// scaled to mean 1 over all pixels. No samples: all weights 0.
    pub fn train(photos: &[PhotoSamples]) -> HairModel {
        let mut rows: Vec<(&[f32; FEATURES], f64, f64)> = Vec::new();
        for p in photos {
            let k = p.features.len().min(p.hair.len());
            let nh = p.hair[..k].iter().filter(|&&h| h).count();
            let ns = k - nh;
            let (wh, ws) = (0.5 / nh.max(1) as f64, 0.5 / ns.max(1) as f64);
            for (f, &h) in p.features[..k].iter().zip(&p.hair[..k]) {
                rows.push((f, if h { 1.0 } else { 0.0 }, if h { wh } else { ws }));
            }
        }
        let mut th = [0.0f64; FEATURES];
        if rows.is_empty() {
            return HairModel {
                weights: [0.0; FEATURES],
            };
        }
        let mean_w = rows.iter().map(|r| r.2).sum::<f64>() / rows.len() as f64;
        for _ in 0..TRAIN_ITERS {
            let mut g = [0.0f64; FEATURES];
            let mut hm = [[0.0f64; FEATURES]; FEATURES];
            for &(f, y, w) in &rows {
                let w = w / mean_w;
                let x: [f64; FEATURES] = f.map(|v| v as f64);
                let z: f64 = x.iter().zip(&th).map(|(a, b)| a * b).sum();
                let pr = 1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp());
                let gw = (pr - y) * w;
                let hw = pr * (1.0 - pr) * w;
                for r in 0..FEATURES {
                    g[r] += x[r] * gw;
                    let hr = x[r] * hw;
                    for c in r..FEATURES {
                        hm[r][c] += hr * x[c];
                    }
                }
            }
            for r in 0..FEATURES {
                g[r] += TRAIN_L2 * th[r];
                hm[r][r] += TRAIN_L2;
            }
            super::features::mirror_upper(&mut hm);
            let step = super::features::solve_spd(hm, g);
            for (t, s) in th.iter_mut().zip(step) {
                *t -= s;
            }
        }
        HairModel {
            weights: th.map(|v| v as f32),
        }
    }
}

/// How far below the tops of the brows the brow line runs (mm, negative =
/// down).
pub const BROW_OFFSET_MM: f32 = -1.5;
/// Forehead anchor: within this of the midline (mm)…
pub const FOREHEAD_HALF_WIDTH_MM: f32 = 20.0;
/// …and between these heights above the glabella (mm).
pub const FOREHEAD_MM: (f32, f32) = (10.0, 30.0);
/// Width of the head's rim band that hair must reach (mm; at least 2 px).
pub const RIM_MM: f32 = 3.0;
/// A hair region whose mean relative log2 saturation is above this…
pub const SKIN_REGION_LS: f32 = -0.15;
/// …and whose mean darkness below the shading field is under this is skin,
pub const SKIN_REGION_DARK: f32 = 0.25;
/// …when it is at least this large (mm²): wisps of hair against the
/// backdrop and stray specks are too small to judge as a whole.
pub const SKIN_REGION_MIN_MM2: f32 = 100.0;
/// Grey / white hair boost: the smallest region (mm²)…
pub const GREY_MIN_MM2: f32 = 20.0;
/// …the desaturation threshold (log2 saturation relative to the forehead,
/// smoothed 3 × 3)…
pub const GREY_LS: f32 = -0.35;
/// …the least mean texture gain (log2, clipped to -2..4)…
pub const GREY_TEXTURE: f32 = 0.3;
/// …the most mean blown highlight…
pub const GREY_MAX_BLOWN: f32 = 0.2;
/// …and the gain on the log-odds.
pub const GREY_BETA: f32 = 3.0;

/// Everything about a photo that does not depend on the model: regions,
/// features and the grey-hair boost. [`Analysis::segment`] applies a
/// model; [`Analysis::samples`] extracts training pixels.
#[derive(Clone, Debug)]
pub struct Analysis {
    w: usize,
    h: usize,
    step: f32,
    lab: Vec<[f32; 3]>,
    person: Vec<f32>,
    head: Vec<bool>,
    above: Vec<bool>,
    face: Vec<bool>,
    upper: Vec<bool>,
    decided: Vec<bool>,
    forehead: Vec<bool>,
    features: Vec<[f32; FEATURES]>,
    boost: Vec<f32>,
    rim: Vec<bool>,
    neck_skin: Vec<bool>,
    skin_lab: [f32; 3],
    /// Working pixels per millimetre.
    ppm: f32,
}

/// The person mask sampled at the centres of the working copy's pixels
/// (`w × h`, `step` image pixels each), bilinear.
pub fn person_at_work_size(person: &PersonMask, w: u32, h: u32, step: f32) -> Vec<f32> {
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h {
        for x in 0..w {
            out.push(person.at((x as f32 + 0.5) * step, (y as f32 + 0.5) * step));
        }
    }
    out
}

/// Segments the working copy `work` (`step` image pixels per pixel) of a
/// photo: `person` is [`super::person::PersonNet::run`]'s mask (in image
/// pixels), `frame` the calibration's frame (image pixels), `landmarks`
/// the detected 68 face landmarks (image pixels; `None` when the visitor
/// placed the face by hand: a mean face is used), `model` the hair model
/// ([`HairModel::default`] ships).
pub fn segment(
    work: &Image,
    step: f32,
    person: &PersonMask,
    frame: &Frame,
    landmarks: Option<&[[f32; 2]; 68]>,
    model: &HairModel,
) -> Result<Segmentation, String> {
    let p = person_at_work_size(person, work.width, work.height, step);
    Ok(analyse(work, step, &p, frame, landmarks)?.segment(model))
}

/// The model-independent part of [`segment`], with the person
/// probability given per working pixel (`person`, row-major, the working
/// copy's size).
pub fn analyse(
    work: &Image,
    step: f32,
    person: &[f32],
    frame: &Frame,
    landmarks: Option<&[[f32; 2]; 68]>,
) -> Result<Analysis, String> {
    analyse_traced(work, step, person, frame, landmarks, &mut |_| {})
}

/// [`analyse`], calling `mark(stage)` as each stage ends (for timing
/// from outside: the core itself has no clock in WebAssembly).
pub fn analyse_traced(
    work: &Image,
    step: f32,
    person: &[f32],
    frame: &Frame,
    landmarks: Option<&[[f32; 2]; 68]>,
    mark: &mut dyn FnMut(&'static str),
) -> Result<Analysis, String> {
    let fail = |m: &str| Err(format!("hair segmentation: {m}"));
    let (w, h) = (work.width as usize, work.height as usize);
    let n = w * h;
    if n == 0 || work.data.len() != n * 4 {
        return fail("the working copy is empty or not RGBA of its size");
    }
    if person.len() != n {
        return fail("the person mask is not the working copy's size");
    }
    if !(step.is_finite() && step > 0.0) {
        return fail("the working copy's step must be a positive number");
    }
    let ok = |v: Vec2| v.is_finite();
    if !(frame.px_per_mm.is_finite()
        && frame.px_per_mm > 0.0
        && ok(frame.glabella)
        && ok(frame.ex)
        && ok(frame.ey)
        && frame.ex.len() > 0.5
        && frame.ey.len() > 0.5)
    {
        return fail("the calibration frame is not usable (not finite or zero scale)");
    }
    if let Some(lm) = landmarks {
        if !lm.iter().flatten().all(|v| v.is_finite()) {
            return fail("the face landmarks are not finite");
        }
    }
    let ppm = frame.px_per_mm / step; // working pixels per mm
    let g = frame.glabella.scale(1.0 / step);
    let to_mm = |q: Vec2| {
        let r = q.minus(g);
        Vec2::new(r.dot(frame.ex) / ppm, r.dot(frame.ey) / ppm)
    };
    // Landmarks in working pixels.
    let lm: [Vec2; 68] = match landmarks {
        Some(l) => std::array::from_fn(|k| Vec2::new(l[k][0], l[k][1]).scale(1.0 / step)),
        None => std::array::from_fn(|k| {
            let [x, y] = MEAN_FACE_MM[k];
            frame.plane_to_image(Vec2::new(x, y)).scale(1.0 / step)
        }),
    };
    if !lm.iter().all(|p| p.is_finite()) {
        return fail("the face outline is not finite");
    }

    // Face-frame position of every pixel centre.
    let mut fx = vec![0.0f32; n];
    let mut fy = vec![0.0f32; n];
    for y in 0..h {
        for x in 0..w {
            let p = to_mm(Vec2::new(x as f32 + 0.5, y as f32 + 0.5));
            fx[y * w + x] = p.x;
            fy[y * w + x] = p.y;
        }
    }

    mark("frame coordinates");

    // ------------------------------------------------ regions
    let head: Vec<bool> = person.iter().map(|&p| p > 0.5).collect();
    let mut brow: Vec<Vec2> = lm[17..27].iter().map(|&q| to_mm(q)).collect();
    brow.sort_by(|a, b| a.x.total_cmp(&b.x));
    for p in &mut brow {
        p.y += BROW_OFFSET_MM;
    }
    let above: Vec<bool> = (0..n).map(|i| fy[i] > interp(fx[i], &brow)).collect();
    let outline: Vec<Vec2> = lm[0..17]
        .iter()
        .chain(lm[17..27].iter().rev())
        .copied()
        .collect();
    let poly = fill_polygon(&outline, w, h);
    let face: Vec<bool> = (0..n).map(|i| poly[i] && !above[i] && head[i]).collect();
    let jaw = (to_mm(lm[3]).y + to_mm(lm[13]).y) / 2.0;
    let upper: Vec<bool> = (0..n).map(|i| head[i] && fy[i] > jaw).collect();
    let decided: Vec<bool> = (0..n).map(|i| upper[i] && !face[i]).collect();
    let (fy0, fy1) = FOREHEAD_MM;
    let forehead0: Vec<bool> = (0..n)
        .map(|i| head[i] && fx[i].abs() < FOREHEAD_HALF_WIDTH_MM && fy[i] > fy0 && fy[i] < fy1)
        .collect();

    mark("regions");

    // ------------------------------------------------ colour
    let mut lin = Vec::with_capacity(n);
    let mut lab = Vec::with_capacity(n);
    for px in work.data.chunks_exact(4) {
        let c = [to_linear(px[0]), to_linear(px[1]), to_linear(px[2])];
        lin.push(c);
        lab.push(lab_fast(c));
    }
    let l: Vec<f32> = lab.iter().map(|c| c[0]).collect();

    mark("colour");

    // ------------------------------------------------ forehead reference
    let mut fl: Vec<f32> = (0..n).filter(|&i| forehead0[i]).map(|i| l[i]).collect();
    let (Some(lo), Some(hi)) = (percentile(&mut fl, 10.0), percentile(&mut fl, 90.0)) else {
        return fail(
            "no forehead skin where the calibration puts it (the person mask is empty there)",
        );
    };
    let forehead: Vec<bool> = (0..n)
        .map(|i| forehead0[i] && l[i] >= lo && l[i] <= hi)
        .collect();
    let fidx: Vec<usize> = (0..n).filter(|&i| forehead[i]).collect();
    if fidx.is_empty() {
        return fail("no forehead skin within its lightness percentiles");
    }
    let med = |v: &mut Vec<f32>| median(v).unwrap_or(0.0);
    let r: [f32; 3] = std::array::from_fn(|c| med(&mut fidx.iter().map(|&i| lin[i][c]).collect()));
    let yr = luminance(r);
    let chroma: Vec<f32> = lab.iter().map(|c| c[1].hypot(c[2])).collect();
    let sat: Vec<f32> = (0..n).map(|i| chroma[i] / l[i].max(5.0)).collect();
    // Floors: a grey or flat forehead must not divide by zero.
    let satf = med(&mut fidx.iter().map(|&i| sat[i]).collect()).max(1e-3);
    let cf = med(&mut fidx.iter().map(|&i| chroma[i]).collect());
    // The skin's own colour (for the shade suggestion) from the less lit
    // half of the forehead: a lit forehead's upper half is shine and
    // exposure, which read dark skin as type IV (tests/render_photos.rs).
    let mid = med(&mut fidx.iter().map(|&i| l[i]).collect());
    let diffuse: Vec<usize> = fidx.iter().copied().filter(|&i| l[i] <= mid).collect();
    let mut skin_lab = [0.0f64; 3];
    for &i in &diffuse {
        for c in 0..3 {
            skin_lab[c] += lab[i][c] as f64;
        }
    }
    let skin_lab = skin_lab.map(|v| (v / diffuse.len().max(1) as f64) as f32);

    mark("forehead reference");

    // ------------------------------------------------ features
    // Hair vs skin is only decided inside the head: the decided region,
    // the forehead and the neck are all in it, so the per-pixel cues are
    // only worked out there (0 elsewhere).
    let (mut k, mut sf) = (vec![0.0f32; n], vec![0.0f32; n]);
    for i in (0..n).filter(|&i| head[i]) {
        let (ki, si) = decompose(lin[i], r);
        k[i] = ki;
        sf[i] = si / (ki * yr + si + 1e-4);
    }
    mark("decompose");
    let mask: Vec<f32> = head.iter().map(|&b| f32::from(u8::from(b))).collect();
    let t = texture(&l, &mask, w, h);
    mark("texture");
    let tf = med(&mut fidx.iter().map(|&i| t[i]).collect()).max(1e-3);
    let need: Vec<bool> = (0..n).map(|i| decided[i] || forehead[i]).collect();
    let (mut ltk, mut log_y) = (vec![0.0f32; n], vec![0.0f32; n]);
    for i in (0..n).filter(|&i| need[i]) {
        ltk[i] = ((t[i] + tf) / (k[i].clamp(0.02, 2.0) * tf + tf)).log2();
        log_y[i] = luminance(lin[i]).max(1e-3).log2();
    }
    let inner = erode(&head, w, h, 3);
    let fit: Vec<bool> = (0..n).map(|i| need[i] && inner[i] && above[i]).collect();
    let w0: Vec<f32> = ltk
        .iter()
        .map(|&v| if v < 1.0 { 1.0 } else { 0.1 })
        .collect();
    let field = shading_fit(&log_y, &fx, &fy, &fit, &w0, &decided);
    mark("shading fit");
    let blown: Vec<f32> = work
        .data
        .chunks_exact(4)
        .map(|px| ((px[0].min(px[1]).min(px[2]) as f32 - 225.0) / 30.0).clamp(0.0, 1.0))
        .collect();
    let ls: Vec<f32> = sat.iter().map(|&s| (s / satf).max(0.05).log2()).collect();
    let mut features = vec![[0.0f32; FEATURES]; n];
    for i in (0..n).filter(|&i| decided[i]) {
        let lkrc = (log_y[i] - field[i]).clamp(-6.0, 3.0).clamp(-5.0, 2.0);
        let ltkc = ltk[i].clamp(-2.0, 4.0);
        let lsc = ls[i].clamp(-3.0, 1.0);
        let des = (-lsc).max(0.0);
        let dark = (-lkrc - 0.7).max(0.0);
        let b = blown[i];
        features[i] = [
            des * (1.0 - b),
            dark,
            sf[i] * (1.0 - b),
            ltkc.max(0.0) * (des + dark).min(1.0),
            (ltkc - 1.5).max(0.0),
            lsc,
            b,
            1.0,
        ];
    }

    mark("features");

    // ------------------------------------------------ rim, grey hair
    let rim_px = (RIM_MM * ppm).max(2.0).min((w + h) as f32) as usize;
    let eroded = erode(&head, w, h, rim_px);
    let rim: Vec<bool> = (0..n).map(|i| head[i] && !eroded[i]).collect();
    let boost = grey_hair_boost(&ls, &ltk, &blown, &decided, &rim, w, h, ppm);

    mark("rim, grey-hair boost");

    // Below the jaw: neck skin (skin's colour, not too dark) or clothes.
    let k_min = (-2.5f32).exp2();
    let neck_skin: Vec<bool> = (0..n)
        .map(|i| k[i] > k_min && chroma[i] > 0.5 * cf)
        .collect();

    mark("neck skin");
    Ok(Analysis {
        w,
        h,
        step,
        lab,
        person: person.to_vec(),
        head,
        above,
        face,
        upper,
        decided,
        forehead,
        features,
        boost,
        rim,
        neck_skin,
        skin_lab,
        ppm,
    })
}

/// Reference `grey_hair_boost`: connected regions (4-connectivity) of the
/// decided area whose saturation, smoothed 3 × 3, is more than 0.35
/// (log2) below the forehead's, of at least [`GREY_MIN_MM2`], with mean
/// clipped texture gain above [`GREY_TEXTURE`], mean blown highlight
/// below [`GREY_MAX_BLOWN`] and touching the rim band, get
/// `GREY_BETA · min(-ls - 0.35 + 0.5, 2)` added to their log-odds.
#[allow(clippy::too_many_arguments)]
fn grey_hair_boost(
    ls: &[f32],
    ltk: &[f32],
    blown: &[f32],
    decided: &[bool],
    rim: &[bool],
    w: usize,
    h: usize,
    ppm: f32,
) -> Vec<f32> {
    let n = w * h;
    let mut boost = vec![0.0f32; n];
    let ls = box_mean(ls, w, h, 3);
    let d: Vec<bool> = (0..n).map(|i| decided[i] && ls[i] < GREY_LS).collect();
    let (lbl, count) = label4(&d, w, h);
    if count == 0 {
        return boost;
    }
    let c = count as usize + 1;
    let (mut size, mut st, mut sb, mut touch) = (
        vec![0usize; c],
        vec![0.0f64; c],
        vec![0.0f64; c],
        vec![false; c],
    );
    for i in 0..n {
        let j = lbl[i] as usize;
        if j > 0 {
            size[j] += 1;
            st[j] += ltk[i].clamp(-2.0, 4.0) as f64;
            sb[j] += blown[i] as f64;
            touch[j] |= rim[i];
        }
    }
    let min_size = GREY_MIN_MM2 * ppm * ppm;
    let keep: Vec<bool> = (0..c)
        .map(|j| {
            j > 0
                && size[j] as f32 >= min_size
                && st[j] / size[j] as f64 > GREY_TEXTURE as f64
                && sb[j] / (size[j] as f64) < GREY_MAX_BLOWN as f64
                && touch[j]
        })
        .collect();
    for i in 0..n {
        if keep[lbl[i] as usize] {
            boost[i] = GREY_BETA * (-ls[i] - GREY_LS + 0.5).min(2.0);
        }
    }
    boost
}

/// numpy's `interp` at `x` over points sorted by `x`: linear between
/// them, flat beyond the ends.
fn interp(x: f32, pts: &[Vec2]) -> f32 {
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return 0.0;
    };
    if x.is_nan() || x <= first.x {
        return first.y;
    }
    if x >= last.x {
        return last.y;
    }
    // First point right of x (exists: x < last.x).
    let j = pts.partition_point(|p| p.x <= x);
    let (a, b) = (pts[j - 1], pts[j]);
    a.y + (x - a.x) * (b.y - a.y) / (b.x - a.x)
}

/// Pixels of a `w × h` grid whose centres lie inside the closed polygon
/// `pts` (even-odd rule), by scanlines.
fn fill_polygon(pts: &[Vec2], w: usize, h: usize) -> Vec<bool> {
    let mut out = vec![false; w * h];
    let mut xs: Vec<f32> = Vec::new();
    for y in 0..h {
        let yc = y as f32 + 0.5;
        xs.clear();
        for k in 0..pts.len() {
            let (a, b) = (pts[k], pts[(k + 1) % pts.len()]);
            if (a.y > yc) != (b.y > yc) {
                xs.push(a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y));
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks_exact(2) {
            // Centres x + 0.5 in [pair[0], pair[1]).
            let x0 = (pair[0] - 0.5).ceil().clamp(0.0, w as f32) as usize;
            let x1 = (pair[1] - 0.5).ceil().clamp(0.0, w as f32) as usize;
            for v in &mut out[y * w + x0.min(x1)..y * w + x1] {
                *v = true;
            }
        }
    }
    out
}

impl Analysis {
    /// Working copy size `(width, height)`.
    pub fn size(&self) -> (usize, usize) {
        (self.w, self.h)
    }

    /// Where hair vs skin is decided: the head above the jaw's
    /// mid-height, outside the face.
    pub fn decided(&self) -> &[bool] {
        &self.decided
    }

    /// The features of every decided pixel
    /// ([`super::features::FEATURE_NAMES`]; zeros elsewhere).
    pub fn features(&self) -> &[[f32; FEATURES]] {
        &self.features
    }

    /// The forehead anchor (after the lightness percentile cut).
    pub fn forehead(&self) -> &[bool] {
        &self.forehead
    }

    /// Training pixels against hand labels at the working copy's size
    /// (`labels`: [`Class`] values; hair is positive, scalp and face
    /// negative, background and body left out). `Err` on a size
    /// mismatch.
    pub fn samples(&self, labels: &[u8]) -> Result<PhotoSamples, String> {
        if labels.len() != self.w * self.h {
            return Err(format!(
                "labels: {} values for a {}×{} working copy",
                labels.len(),
                self.w,
                self.h
            ));
        }
        let mut s = PhotoSamples::default();
        for (i, &g) in labels.iter().enumerate() {
            if self.decided[i] && matches!(g, 1..=3) {
                s.features.push(self.features[i]);
                s.hair.push(g == Class::Hair as u8);
            }
        }
        Ok(s)
    }

    /// Applies `model`: log-odds, grey-hair boost, mean-field smoothing,
    /// then the labels (see the module docs).
    pub fn segment(&self, model: &HairModel) -> Segmentation {
        self.segment_traced(model, &mut |_| {})
    }

    /// [`Analysis::segment`], calling `mark(stage)` as each stage ends.
    pub fn segment_traced(
        &self,
        model: &HairModel,
        mark: &mut dyn FnMut(&'static str),
    ) -> Segmentation {
        let (w, h) = (self.w, self.h);
        let n = w * h;
        let z: Vec<f32> = (0..n)
            .map(|i| {
                if !self.decided[i] {
                    return crf::NEVER;
                }
                let z = model.score(&self.features[i]).clamp(-20.0, 20.0);
                // NaN weights must not turn into hair.
                let z = (z + self.boost[i]).clamp(-20.0, 20.0);
                if z.is_nan() {
                    crf::NEVER
                } else {
                    z
                }
            })
            .collect();
        mark("model");
        let q = crf::meanfield(&self.lab, w, h, &z, &self.decided, &self.forehead);
        mark("mean-field");
        let mut hairp: Vec<bool> = (0..n).map(|i| q[i] > 0.5 && self.decided[i]).collect();
        // Hair must reach the head's rim band.
        let (lbl, count) = label4(&hairp, w, h);
        let mut keep = vec![false; count as usize + 1];
        // Per region: [sum of relative log-saturation, sum of darkness, pixels].
        let mut cue = vec![[0.0f64; 3]; count as usize + 1];
        for i in 0..n {
            if hairp[i] {
                let c = &mut cue[lbl[i] as usize];
                c[0] += f64::from(self.features[i][5]);
                c[1] += f64::from(self.features[i][1]);
                c[2] += 1.0;
            }
            if self.rim[i] && hairp[i] {
                keep[lbl[i] as usize] = true;
            }
        }
        // …and, as a whole, be paler in colour or darker than the shading
        // explains: a large region as saturated as the forehead and no darker
        // than the head's light makes it is skin in shadow or in a cool
        // fill light (the shaved head under side light), not hair.
        for (k, c) in keep.iter_mut().zip(&cue) {
            let (ls, dark) = (c[0] / c[2].max(1.0), c[1] / c[2].max(1.0));
            let mm2 = c[2] / f64::from(self.ppm * self.ppm);
            if mm2 >= f64::from(SKIN_REGION_MIN_MM2)
                && ls > f64::from(SKIN_REGION_LS)
                && dark < f64::from(SKIN_REGION_DARK)
            {
                *k = false;
            }
        }
        keep[0] = false;
        for i in 0..n {
            hairp[i] = keep[lbl[i] as usize];
        }
        let labels: Vec<u8> = (0..n)
            .map(|i| {
                let mut c = Class::Background;
                if self.head[i] {
                    c = Class::Scalp;
                }
                if self.face[i] {
                    c = Class::Face;
                }
                if hairp[i] {
                    c = Class::Hair;
                }
                if self.head[i] && !self.upper[i] {
                    c = if self.neck_skin[i] {
                        Class::Face
                    } else {
                        Class::Body
                    };
                }
                if c == Class::Scalp && !self.above[i] {
                    c = Class::Face;
                }
                c as u8
            })
            .collect();
        mark("labels");
        let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        Segmentation {
            width: w as u32,
            height: h as u32,
            step: self.step,
            labels,
            hair: q.iter().map(|&v| byte(v)).collect(),
            person: self.person.iter().map(|&v| byte(v)).collect(),
            skin_lab: Some(self.skin_lab),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::{Calibration, Source};

    /// A 400 × 500 portrait: blue backdrop, a skin ellipse lit from the
    /// upper left, and a dark textured cap of hair from 90 mm above the
    /// glabella up to the head's outline. Returns the image, the person
    /// probability (the ellipse), the frame (pupils 80 px apart) and the
    /// hairline's image row.
    fn portrait() -> (Image, Vec<f32>, Frame, f32) {
        let (w, h) = (400u32, 500u32);
        let mut im = Image::new(w, h, [70, 110, 170, 255]).unwrap();
        let (cx, cy, rx, ry) = (200.0f32, 225.0f32, 112.0f32, 190.0f32);
        let eye_y = cy + ry * 0.15;
        let cal = Calibration::new(
            Vec2::new(cx - 40.0, eye_y),
            Vec2::new(cx + 40.0, eye_y),
            63.0,
            Source::Visitor,
            (w, h),
        )
        .unwrap();
        let frame = cal.frame();
        let hairline = frame.plane_to_image(Vec2::new(0.0, 90.0)).y;
        let mut person = vec![0.0f32; (w * h) as usize];
        let mut noise = 0x2545_f491u32;
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
                let (dx, dy) = ((fx - cx) / rx, (fy - cy) / ry);
                noise ^= noise << 13;
                noise ^= noise >> 17;
                noise ^= noise << 5;
                if dx * dx + dy * dy >= 1.0 {
                    continue;
                }
                let i = (y * w + x) as usize;
                person[i] = 1.0;
                let shade = 1.0 - 0.15 * (fx / w as f32) - 0.1 * (fy / h as f32);
                let c = if fy < hairline {
                    let t = (noise % 61) as f32 - 30.0;
                    [60.0 + t, 45.0 + t, 35.0 + t]
                } else {
                    let t = (noise % 5) as f32 - 2.0;
                    [214.0 * shade + t, 170.0 * shade + t, 140.0 * shade + t]
                };
                for (d, v) in im.data[i * 4..i * 4 + 3].iter_mut().zip(c) {
                    *d = v.clamp(0.0, 255.0) as u8;
                }
            }
        }
        (im, person, frame, hairline)
    }

    #[test]
    fn a_synthetic_portrait_is_segmented() {
        let (im, person, frame, hairline) = portrait();
        for lm in [None, Some(mean_face_landmarks(&frame))] {
            let a = analyse(&im, 1.0, &person, &frame, lm.as_ref()).unwrap();
            let seg = a.segment(&HairModel::default());
            let at = |mm: (f32, f32)| {
                let p = frame.plane_to_image(Vec2::new(mm.0, mm.1));
                seg.class_at(p.x, p.y)
            };
            assert_eq!(at((0.0, 30.0)), Class::Scalp, "forehead");
            assert_eq!(at((-25.0, 70.0)), Class::Scalp, "temple");
            assert_eq!(at((0.0, 120.0)), Class::Hair, "crown");
            assert_eq!(at((30.0, 110.0)), Class::Hair, "crown");
            assert_eq!(at((0.0, -40.0)), Class::Face, "nose");
            assert_eq!(seg.class_at(5.0, 5.0), Class::Background);
            // Every hair pixel is above the hairline (a little slack for
            // the smoothing), and most of the cap is hair.
            let (mut hair, mut cap) = (0, 0);
            for y in 0..seg.height {
                for x in 0..seg.width {
                    let c = seg.labels[(y * seg.width + x) as usize];
                    if c == Class::Hair as u8 {
                        assert!((y as f32) < hairline + 3.0, "hair at ({x}, {y})");
                        hair += 1;
                    }
                    cap += usize::from(
                        person[(y * seg.width + x) as usize] > 0.5 && (y as f32) < hairline,
                    );
                }
            }
            assert!(hair as f32 > 0.9 * cap as f32, "{hair} of {cap}");
            let skin = seg.skin_lab.unwrap();
            assert!(skin[0] > 60.0 && skin[1] > 5.0, "{skin:?}");
            assert_eq!(Segmentation::from_bytes(&seg.to_bytes()), Ok(seg));
        }
    }

    /// The mean face placed by `frame`, as landmarks in image pixels.
    fn mean_face_landmarks(frame: &Frame) -> [[f32; 2]; 68] {
        std::array::from_fn(|k| {
            let p = frame.plane_to_image(Vec2::new(MEAN_FACE_MM[k][0], MEAN_FACE_MM[k][1]));
            [p.x, p.y]
        })
    }

    #[test]
    fn unusable_inputs_are_errors_not_panics() {
        let (im, person, frame, _) = portrait();
        let n = person.len();
        let err = |r: Result<Analysis, String>| r.map(|_| ()).unwrap_err();
        // No person, no forehead.
        let e = err(analyse(&im, 1.0, &vec![0.0; n], &frame, None));
        assert!(e.contains("no forehead"), "{e}");
        let e = err(analyse(&im, 1.0, &vec![f32::NAN; n], &frame, None));
        assert!(e.contains("no forehead"), "{e}");
        // Sizes and numbers.
        assert!(err(analyse(&im, 1.0, &person[1..], &frame, None)).contains("size"));
        assert!(err(analyse(&im, f32::NAN, &person, &frame, None)).contains("step"));
        assert!(err(analyse(&im, 0.0, &person, &frame, None)).contains("step"));
        let bad = Frame {
            px_per_mm: f32::INFINITY,
            ..frame
        };
        assert!(err(analyse(&im, 1.0, &person, &bad, None)).contains("frame"));
        let bad = Frame {
            glabella: Vec2::new(f32::NAN, 0.0),
            ..frame
        };
        assert!(err(analyse(&im, 1.0, &person, &bad, None)).contains("frame"));
        let mut lm = mean_face_landmarks(&frame);
        lm[30][1] = f32::NAN;
        assert!(err(analyse(&im, 1.0, &person, &frame, Some(&lm))).contains("landmarks"));
        let broken = Image {
            width: 4,
            height: 4,
            data: vec![0; 5],
        };
        assert!(err(analyse(&broken, 1.0, &[1.0; 16], &frame, None)).contains("RGBA"));
        // The calibration pointing at the backdrop.
        let away = Frame {
            glabella: Vec2::new(-500.0, -500.0),
            ..frame
        };
        assert!(err(analyse(&im, 1.0, &person, &away, None)).contains("no forehead"));
    }

    #[test]
    fn odd_inputs_never_panic() {
        // Tiny images, degenerate and random frames, masks and landmarks:
        // an Ok segmentation of the right size or an Err, never a panic.
        let mut s = 0x9e37_79b9u32;
        let mut rnd = move || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        };
        let mut oks = 0;
        for round in 0..300 {
            let (w, h) = (1 + rnd() % 24, 1 + rnd() % 24);
            let mut im = Image::new(w, h, [0, 0, 0, 255]).unwrap();
            let flat = round % 3 == 0;
            for b in im.data.iter_mut() {
                *b = if flat { 128 } else { rnd() as u8 };
            }
            let n = (w * h) as usize;
            let person: Vec<f32> = (0..n)
                .map(|_| match rnd() % 6 {
                    0 => f32::NAN,
                    1 => -1.0,
                    2 => 7.0,
                    _ => 1.0,
                })
                .collect();
            let f = |r: u32, span: f32| (r % 1000) as f32 / 1000.0 * span - span / 2.0;
            let angle = f(rnd(), 7.0);
            let ex = Vec2::new(angle.cos(), angle.sin());
            let frame = Frame {
                px_per_mm: 0.02 + (rnd() % 100) as f32 / 20.0,
                roll: angle,
                glabella: Vec2::new(f(rnd(), 3.0 * w as f32), f(rnd(), 3.0 * h as f32)),
                ex,
                ey: Vec2::new(ex.y, -ex.x),
                head: Default::default(),
            };
            let lm: [[f32; 2]; 68] = std::array::from_fn(|_| {
                if round % 5 == 0 {
                    [1.0, 1.0]
                } else {
                    [f(rnd(), 2.0 * w as f32), f(rnd(), 2.0 * h as f32)]
                }
            });
            let step = [1.0, 0.5, 3.0][round % 3];
            let lm = (round % 2 == 0).then_some(&lm);
            if let Ok(a) = analyse(&im, step, &person, &frame, lm) {
                let weights = std::array::from_fn(|k| f(rnd(), 40.0) + k as f32);
                let seg = a.segment(&HairModel { weights });
                assert_eq!(seg.labels.len(), n);
                assert!(seg.labels.iter().all(|&c| c <= 4));
                assert_eq!(Segmentation::from_bytes(&seg.to_bytes()), Ok(seg));
                oks += 1;
            }
        }
        assert!(oks > 20, "only {oks} of the odd inputs gave a segmentation");
        // NaN weights never make hair.
        let (im, person, frame, _) = portrait();
        let a = analyse(&im, 1.0, &person, &frame, None).unwrap();
        let seg = a.segment(&HairModel {
            weights: [f32::NAN; FEATURES],
        });
        assert!(seg.labels.iter().all(|&c| c != Class::Hair as u8));
    }

    #[test]
    fn training_separates_and_handles_nothing() {
        let mut hair = PhotoSamples::default();
        for i in 0..200 {
            let t = i as f32 / 200.0;
            let mut f = [0.0; FEATURES];
            f[1] = if i % 2 == 0 { 1.0 + t } else { t * 0.5 };
            f[7] = 1.0;
            hair.features.push(f);
            hair.hair.push(i % 2 == 0);
        }
        let m = HairModel::train(&[hair.clone()]);
        assert!(m.weights[1] > 1.0, "{:?}", m.weights);
        let mut dark = [0.0; FEATURES];
        dark[1] = 1.5;
        dark[7] = 1.0;
        assert!(m.score(&dark) > 0.0);
        assert_eq!(HairModel::train(&[]).weights, [0.0; FEATURES]);
        assert_eq!(
            HairModel::train(&[PhotoSamples::default()]).weights,
            [0.0; FEATURES]
        );
        // Mismatched lengths use the common part.
        hair.hair.truncate(10);
        assert!(HairModel::train(&[hair])
            .weights
            .iter()
            .all(|v| v.is_finite()));
    }

    fn sample() -> Segmentation {
        Segmentation {
            width: 3,
            height: 2,
            step: 2.0,
            labels: vec![0, 1, 2, 3, 4, 2],
            hair: vec![0, 200, 10, 0, 0, 3],
            person: vec![0, 255, 255, 255, 250, 255],
            skin_lab: Some([60.0, 12.5, 15.0]),
        }
    }

    #[test]
    fn bytes_round_trip_and_reject_damage() {
        let s = sample();
        let b = s.to_bytes();
        assert_eq!(Segmentation::from_bytes(&b), Ok(s.clone()));
        let none = Segmentation {
            skin_lab: None,
            ..s.clone()
        };
        assert_eq!(Segmentation::from_bytes(&none.to_bytes()), Ok(none));
        // Every truncation, and one byte too many.
        for cut in 0..b.len() {
            assert!(Segmentation::from_bytes(&b[..cut]).is_err(), "cut {cut}");
        }
        let mut long = b.clone();
        long.push(0);
        assert!(Segmentation::from_bytes(&long).is_err());
        // Altered header fields and labels.
        let set = |at: usize, v: &[u8]| {
            let mut g = b.clone();
            g[at..at + v.len()].copy_from_slice(v);
            Segmentation::from_bytes(&g)
        };
        assert!(set(0, b"XXXX").unwrap_err().contains("magic"));
        assert!(set(4, &2u32.to_le_bytes()).unwrap_err().contains("version"));
        assert!(set(8, &0u32.to_le_bytes()).is_err());
        assert!(set(8, &u32::MAX.to_le_bytes()).is_err());
        assert!(set(16, &f32::NAN.to_le_bytes()).is_err());
        assert!(set(16, &(-1.0f32).to_le_bytes()).is_err());
        assert!(set(20, &7u32.to_le_bytes()).is_err());
        assert!(set(24, &f32::INFINITY.to_le_bytes()).is_err());
        assert!(set(HEADER + 1, &[9]).unwrap_err().contains("label value 9"));
        // Garbage of every length up to 200 never panics.
        let mut x = 0x1234_5678u32;
        for len in 0..200 {
            let g: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            assert!(Segmentation::from_bytes(&g).is_err());
        }
    }

    #[test]
    fn class_at_takes_the_nearest_pixel() {
        let s = sample();
        assert_eq!(s.class_at(0.0, 0.0), Class::Background);
        assert_eq!(s.class_at(2.5, 1.9), Class::Hair);
        assert_eq!(s.class_at(5.9, 3.9), Class::Scalp);
        assert_eq!(s.class_at(0.1, 2.0), Class::Face);
        assert_eq!(s.class_at(3.0, 3.0), Class::Body);
        for (x, y) in [(-0.1, 1.0), (6.0, 1.0), (1.0, 4.0), (f32::NAN, 1.0)] {
            assert_eq!(s.class_at(x, y), Class::Background);
        }
        let broken = Segmentation {
            labels: vec![],
            ..s
        };
        assert_eq!(broken.class_at(1.0, 1.0), Class::Background);
        assert_eq!(Class::from_u8(5), None);
        assert_eq!(Class::from_u8(2), Some(Class::Scalp));
    }

    #[test]
    fn interpolation_is_numpys() {
        let pts = [
            Vec2::new(-10.0, 1.0),
            Vec2::new(0.0, 3.0),
            Vec2::new(10.0, 2.0),
        ];
        assert_eq!(interp(-20.0, &pts), 1.0);
        assert_eq!(interp(-5.0, &pts), 2.0);
        assert_eq!(interp(0.0, &pts), 3.0);
        assert_eq!(interp(5.0, &pts), 2.5);
        assert_eq!(interp(30.0, &pts), 2.0);
        assert_eq!(interp(f32::NAN, &pts), 1.0);
        assert_eq!(interp(1.0, &[]), 0.0);
    }

    #[test]
    fn polygon_fill_tests_pixel_centres() {
        // A 4 × 3 rectangle from (1, 1): centres 1.5..4.5 × 1.5..3.5.
        let r = [
            Vec2::new(1.0, 1.0),
            Vec2::new(5.0, 1.0),
            Vec2::new(5.0, 4.0),
            Vec2::new(1.0, 4.0),
        ];
        let m = fill_polygon(&r, 7, 6);
        let count = m.iter().filter(|&&b| b).count();
        assert_eq!(count, 12);
        assert!(m[7 + 1] && m[3 * 7 + 4] && !m[3 * 7 + 5] && !m[4 * 7 + 1]);
        // Partly outside the grid, and degenerate: no panic.
        let big = r.map(|p| p.scale(10.0).minus(Vec2::new(20.0, 20.0)));
        assert!(fill_polygon(&big, 7, 6).iter().all(|&b| b));
        assert!(fill_polygon(&[Vec2::new(1.0, 1.0); 5], 7, 6)
            .iter()
            .all(|&b| !b));
    }
}
