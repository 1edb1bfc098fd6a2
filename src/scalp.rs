//! Where dots may go: the scalp region grown from the forehead (so dots never
//! land on the background, ears or brows), and the zones the visitor paints
//! in or out with a brush.

use crate::color::{lab, lab_to_rgb};
use crate::design::{Stroke, ZoneMode};
use crate::geom::{smoothstep, Vec2};
use crate::image::Image;
use crate::scale::Frame;
use crate::scatter::{DOMAIN_X, DOMAIN_Y};

/// Longest side of the working copy the mask is grown on.
const MASK_MAX_SIDE: u32 = 640;

/// A soft mask over the image at reduced resolution: 255 = scalp.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalpMask {
    pub width: u32,
    pub height: u32,
    /// Image pixels per mask pixel.
    pub step: f32,
    pub data: Vec<u8>,
    /// Median L*a*b* colour of the forehead the region was grown from
    /// (`None` when the calibration does not point at skin).
    pub skin_lab: Option<[f32; 3]>,
    /// Soft mask of the whole head (everything but the backdrop grown from
    /// the photo's edges): painted zones may add dots anywhere on the head,
    /// never on the backdrop. All 255 when no backdrop could be told apart.
    pub head: Vec<u8>,
    /// The visitor's remaining hair, 0..255 (what the buzz cut tones down).
    pub hair: Vec<u8>,
}

/// Label values of a segmentation (see `crate::segment`).
pub mod label {
    pub const BACKGROUND: u8 = 0;
    pub const HAIR: u8 = 1;
    pub const SCALP: u8 = 2;
    pub const FACE: u8 = 3;
    pub const BODY: u8 = 4;
}

/// How the treated area meets remaining hair: density falls from full to
/// [`HAIR_FLOOR`] over the last [`HAIR_FADE_MM`] of scalp, as an artist
/// blends the dots into the stubble at a fade instead of stopping at a hard
/// edge, and to nothing over the last [`HAIR_CLEAR_MM`], so a dot's soft
/// rim stays on the skin.
pub const HAIR_FADE_MM: f32 = 4.0;
pub const HAIR_FLOOR: f32 = 0.4;
pub const HAIR_CLEAR_MM: f32 = 0.5;
/// Dots keep this far inside the head's outline (half a dot plus its soft
/// rim), then reach full density a millimetre further in: the treated area
/// follows the outline and never spills onto the backdrop.
pub const OUTLINE_MM: (f32, f32) = (0.5, 1.5);

/// What this visitor's skin looks like: the forehead's colour, and a test of
/// whether another colour is the same skin in shadow or shine. Skin keeps
/// its hue and roughly its saturation while its lightness swings; backdrops,
/// hair and clothes differ in hue or are far less saturated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SkinModel {
    pub lab: [f32; 3],
    chroma: f32,
    saturation: f32,
    hue: f32,
}

impl SkinModel {
    pub fn new(lab: [f32; 3]) -> SkinModel {
        let chroma = lab[1].hypot(lab[2]).max(1.0);
        SkinModel {
            lab,
            chroma,
            saturation: chroma / lab[0].max(1.0),
            hue: lab[2].atan2(lab[1]),
        }
    }

    /// Whether colour `l` (L*a*b*) is this skin; `slack` widens the
    /// tolerances (1 = strict).
    pub fn matches(&self, l: [f32; 3], slack: f32) -> bool {
        let dl = l[0] - self.lab[0];
        // Shadows may be deep, but not as deep as dark hair: the dark side
        // does not widen with `slack`.
        if !(-40.0..=30.0 * slack).contains(&dl) || l[0] < 12.0 {
            return false;
        }
        let chroma = l[1].hypot(l[2]);
        if self.chroma < 8.0 {
            // A grey photo (or a grey-lit one): no hue to go by, only
            // lightness, and the colour must stay grey too.
            return chroma < 12.0;
        }
        if chroma < 6.0 {
            // Too grey for a hue: only shine on fair skin.
            return dl > 0.0 && dl < 20.0 * slack && self.chroma < 20.0;
        }
        let mut dh = (l[2].atan2(l[1]) - self.hue).abs();
        if dh > std::f32::consts::PI {
            dh = std::f32::consts::TAU - dh;
        }
        // Saturation (chroma / lightness) separates grey and white hair
        // from skin in shadow, whose chroma falls with its lightness.
        let ratio = chroma / l[0] / self.saturation;
        ratio >= 0.5 / slack && ratio <= 1.8 * slack && dh < 0.3 * slack
    }

    /// The skin's colour in sRGB.
    pub fn rgb(&self) -> [u8; 3] {
        lab_to_rgb(self.lab)
    }
}

impl ScalpMask {
    /// Grow the scalp region from the forehead of the calibrated face.
    /// The photo at the mask's working resolution (longest side at most
    /// 640 px), and image pixels per working pixel. Made once per photo:
    /// resampling a 12 MP photo is the slow part of growing a mask.
    pub fn working_copy(photo: &Image) -> (Image, f32) {
        let (mw, mh, step) = Self::working_size(photo.width, photo.height);
        let mut small = Image::new(mw, mh, [0; 4]).expect("mask size is bounded");
        crate::image::resample(
            photo,
            crate::image::Rect {
                x: 0.0,
                y: 0.0,
                w: photo.width as f32,
                h: photo.height as f32,
            },
            &mut small,
        );
        (small, step)
    }

    /// The working copy's size for a `width`×`height` photo, and image
    /// pixels per working pixel (1 for photos that are small already).
    pub fn working_size(width: u32, height: u32) -> (u32, u32, f32) {
        let step = (width.max(height) as f32 / MASK_MAX_SIDE as f32).max(1.0);
        let mw = ((width as f32 / step).round() as u32).max(1);
        let mh = ((height as f32 / step).round() as u32).max(1);
        (mw, mh, step)
    }

    pub fn grow(photo: &Image, frame: &Frame) -> ScalpMask {
        let (small, step) = Self::working_copy(photo);
        Self::grow_from(&small, step, frame)
    }

    /// [`ScalpMask::grow`] from a [`ScalpMask::working_copy`].
    pub fn grow_from(small: &Image, step: f32, frame: &Frame) -> ScalpMask {
        let (mw, mh) = (small.width, small.height);
        let n = (mw * mh) as usize;
        let labs: Vec<[f32; 3]> = small
            .data
            .chunks_exact(4)
            .map(|p| lab([p[0], p[1], p[2]]))
            .collect();
        // Every working pixel's face-frame position, once (the head model's
        // `asin`s are software routines in WebAssembly).
        let faces: Vec<Vec2> = (0..n)
            .map(|i| {
                let (x, y) = ((i as u32 % mw) as f32 + 0.5, (i as u32 / mw) as f32 + 0.5);
                frame.to_face(Vec2::new(x * step, y * step))
            })
            .collect();

        // Reference skin: the median colour of a forehead patch 18–40 mm
        // above the glabella (below any hairline a design allows).
        let mut seeds = Vec::new();
        let mut sample: Vec<[f32; 3]> = Vec::new();
        for (i, (l, f)) in labs.iter().zip(&faces).enumerate() {
            if f.x.abs() <= 16.0 && (18.0..=40.0).contains(&f.y) {
                seeds.push(i);
                sample.push(*l);
            }
        }
        let mut data = vec![0u8; n];
        if sample.is_empty() {
            return ScalpMask {
                width: mw,
                height: mh,
                step,
                data,
                skin_lab: None,
                head: vec![255; n],
                hair: vec![0; n],
            };
        }
        let median = |k: usize| {
            let mut v: Vec<f32> = sample.iter().map(|l| l[k]).collect();
            v.sort_by(|a, b| a.total_cmp(b));
            v[v.len() / 2]
        };
        let reference = [median(0), median(1), median(2)];
        // Skin of every tone has a warm hue; anything else means the
        // calibration points at something that is not a forehead.
        if !(-3.0..=40.0).contains(&reference[1]) || !(-2.0..=48.0).contains(&reference[2]) {
            return ScalpMask {
                width: mw,
                height: mh,
                step,
                data,
                skin_lab: None,
                head: vec![255; n],
                hair: vec![0; n],
            };
        }
        let skin = SkinModel::new(reference);
        let skin_like = |l: &[f32; 3], slack: f32| skin.matches(*l, slack);
        let step_diff = |a: &[f32; 3], b: &[f32; 3]| {
            ((a[0] - b[0]).powi(2) * 0.5 + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
        };
        // Region the scalp can be in: above the brows, within a head's width.
        let allowed: Vec<bool> = faces
            .iter()
            .map(|f| f.y > -4.0 && f.x.abs() < 105.0 && f.y < 185.0)
            .collect();

        // The backdrop: grown from the photo's edges through colours like
        // the top corners'. Skin grown in the second pass may not enter it.
        let corners = [labs[0], labs[mw as usize - 1]];
        let mut backdrop = vec![false; n];
        let edge: Vec<usize> = (0..n)
            .filter(|&i| {
                let (x, y) = (i as u32 % mw, i as u32 / mw);
                (y == 0 || x == 0 || x + 1 == mw)
                    && corners.iter().any(|c| step_diff(c, &labs[i]) < 12.0)
            })
            .collect();
        flood(&mut backdrop, mw, mh, edge, |i, j| {
            step_diff(&labs[i], &labs[j]) < 6.0
                && corners.iter().any(|c| step_diff(c, &labs[j]) < 14.0)
        });

        // Pass 1: strict skin from the forehead. Pass 2: from there, skin in
        // deeper shadow or brighter shine, but never into the backdrop.
        let mut grown = vec![false; n];
        let seeds: Vec<usize> = seeds
            .into_iter()
            .filter(|&i| skin_like(&labs[i], 1.0))
            .collect();
        flood(&mut grown, mw, mh, seeds, |i, j| {
            allowed[j] && step_diff(&labs[i], &labs[j]) < 9.0 && skin_like(&labs[j], 1.0)
        });
        let front: Vec<usize> = (0..n).filter(|&i| grown[i]).collect();
        flood(&mut grown, mw, mh, front, |i, j| {
            allowed[j]
                && !backdrop[j]
                && step_diff(&labs[i], &labs[j]) < 12.0
                && skin_like(&labs[j], 1.5)
        });

        // Fill enclosed holes (highlights, moles, pores): whatever the
        // outside cannot reach through non-scalp pixels belongs to the scalp.
        let mut outside = vec![false; n];
        let border: Vec<usize> = (0..n)
            .filter(|&i| {
                let (x, y) = (i as u32 % mw, i as u32 / mw);
                let on_edge = x == 0 || y == 0 || x + 1 == mw || y + 1 == mh;
                !grown[i] && (on_edge || !allowed[i])
            })
            .collect();
        flood(&mut outside, mw, mh, border, |_, j| !grown[j]);
        // Only small holes: a band of hair enclosed by a lit rim of skin at
        // the top of the head is hair, not a highlight.
        let max_hole = ((12.0 * frame.px_per_mm / step).powi(2) as usize).max(4);
        let mut seen = vec![false; n];
        for s in 0..n {
            if grown[s] || outside[s] || seen[s] {
                continue;
            }
            let mut hole = vec![s];
            seen[s] = true;
            let mut k = 0;
            while k < hole.len() {
                let i = hole[k];
                k += 1;
                for j in neighbours(i, mw, mh) {
                    if !grown[j] && !outside[j] && !seen[j] {
                        seen[j] = true;
                        hole.push(j);
                    }
                }
            }
            if hole.len() > max_hole {
                for i in hole {
                    outside[i] = true;
                }
            }
        }
        for i in 0..n {
            data[i] = if outside[i] { 0 } else { 255 };
        }

        // Keep dots ~1.5 mm clear of the head's outline, then soften the edge.
        let erode_px = ((1.5 * frame.px_per_mm / step).round() as usize).max(1);
        erode(&mut data, mw as usize, mh as usize, erode_px);
        box_blur(&mut data, mw as usize, mh as usize, erode_px.max(1));
        let mut head: Vec<u8> = backdrop.iter().map(|&b| if b { 0 } else { 255 }).collect();
        erode(&mut head, mw as usize, mh as usize, erode_px);
        box_blur(&mut head, mw as usize, mh as usize, erode_px.max(1));
        let hair = head
            .iter()
            .zip(&data)
            .map(|(&h, &s)| h.saturating_sub(s))
            .collect();
        ScalpMask {
            width: mw,
            height: mh,
            step,
            data,
            skin_lab: Some(reference),
            head,
            hair,
        }
    }

    /// The mask from a segmentation of the photo: `labels` (see [`label`])
    /// on a `width`×`height` grid of `step` image pixels per cell, for a
    /// photo of `px_per_mm` image pixels per millimetre, whose head outline
    /// may be off by `outline_px` image pixels, and the forehead's skin
    /// colour it found.
    ///
    /// Hairline mode may put dots on the bare scalp, fading into remaining
    /// hair ([`HAIR_FADE_MM`]) and following the head's outline
    /// ([`OUTLINE_MM`]); full-head mode and painted zones on the scalp and
    /// the hair (it will be shaved), never on the face, body or backdrop.
    pub fn from_labels(
        width: u32,
        height: u32,
        step: f32,
        labels: &[u8],
        px_per_mm: f32,
        outline_px: f32,
        skin_lab: Option<[f32; 3]>,
    ) -> Result<ScalpMask, String> {
        let n = width as usize * height as usize;
        if n == 0 || labels.len() != n {
            return Err(format!(
                "a {width}×{height} segmentation needs {n} labels, got {}",
                labels.len()
            ));
        }
        if !(step.is_finite() && step > 0.0 && px_per_mm.is_finite() && px_per_mm > 0.0) {
            return Err("the segmentation's scale must be a positive number".into());
        }
        let (w, h) = (width as usize, height as usize);
        let mm = step / px_per_mm; // millimetres per cell
        let is = |v: u8| labels.iter().map(move |&l| l == v);
        let head_cell: Vec<bool> = labels
            .iter()
            .map(|&l| l == label::SCALP || l == label::HAIR || l == label::FACE)
            .collect();
        // Distances (mm) to the boundary of the nearest hair, scalp and
        // outside-the-head cell (from cell centres: half a cell less).
        let dist = |t: Vec<bool>| {
            let mut d = distance_to(&t, w, h, mm);
            d.iter_mut().for_each(|v| *v = (*v - 0.5 * mm).max(0.0));
            d
        };
        let to_hair = dist(is(label::HAIR).collect());
        let to_outside = dist(head_cell.iter().map(|&c| !c).collect());
        let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        // An outline known only to `outline_px` moves the whole fade in.
        let slack = outline_px.max(0.0) / px_per_mm;
        let outline = (OUTLINE_MM.0 + slack, OUTLINE_MM.1 + slack);
        let mut data = vec![0u8; n];
        let mut head = vec![0u8; n];
        let mut hair = vec![0u8; n];
        for i in 0..n {
            let edge = smoothstep(outline.0, outline.1, to_outside[i]);
            match labels[i] {
                label::SCALP => {
                    let d = to_hair[i];
                    let fade = if d < HAIR_CLEAR_MM {
                        HAIR_FLOOR * smoothstep(0.0, HAIR_CLEAR_MM, d)
                    } else {
                        HAIR_FLOOR
                            + (1.0 - HAIR_FLOOR)
                                * smoothstep(HAIR_CLEAR_MM, HAIR_CLEAR_MM + HAIR_FADE_MM, d)
                    };
                    data[i] = byte(edge * fade);
                    head[i] = byte(edge);
                }
                label::HAIR => {
                    head[i] = byte(edge);
                    hair[i] = 255;
                }
                _ => {}
            }
        }
        Ok(ScalpMask {
            width,
            height,
            step,
            data,
            skin_lab,
            head,
            hair,
        })
    }

    /// Mask value in `[0, 1]` at image position `p` (bilinear).
    pub fn sample(&self, p: Vec2) -> f32 {
        self.sample_in(&self.data, p)
    }

    /// Head-mask value in `[0, 1]` at image position `p` (bilinear).
    pub fn sample_head(&self, p: Vec2) -> f32 {
        self.sample_in(&self.head, p)
    }

    /// Remaining hair in `[0, 1]` at image position `p` (bilinear).
    pub fn sample_hair(&self, p: Vec2) -> f32 {
        self.sample_in(&self.hair, p)
    }

    fn sample_in(&self, data: &[u8], p: Vec2) -> f32 {
        let x = p.x / self.step - 0.5;
        let y = p.y / self.step - 0.5;
        if !(x > -1.0 && y > -1.0 && x < self.width as f32 && y < self.height as f32) {
            return 0.0;
        }
        let (w, h) = (self.width as i32, self.height as i32);
        let at = |i: i32, j: i32| -> f32 {
            let (i, j) = (i.clamp(0, w - 1), j.clamp(0, h - 1));
            data[(j * w + i) as usize] as f32 / 255.0
        };
        let (i, j) = (x.floor() as i32, y.floor() as i32);
        let (fx, fy) = (x - i as f32, y - j as f32);
        let a = at(i, j) + (at(i + 1, j) - at(i, j)) * fx;
        let b = at(i, j + 1) + (at(i + 1, j + 1) - at(i, j + 1)) * fx;
        a + (b - a) * fy
    }
}

/// Euclidean distance (in units of `cell` per cell) from every cell of a
/// `w`×`h` grid to the nearest cell where `target` is true (0 on target
/// cells; `f32::INFINITY` everywhere when there is none). Exact, in two
/// passes of the lower envelope of parabolas (Felzenszwalb and
/// Huttenlocher, 2012).
pub fn distance_to(target: &[bool], w: usize, h: usize, cell: f32) -> Vec<f32> {
    const FAR: f32 = 1e12;
    let mut d: Vec<f32> = target.iter().map(|&t| if t { 0.0 } else { FAR }).collect();
    let mut f = vec![0f32; w.max(h)];
    let mut out = vec![0f32; w.max(h)];
    let mut v = vec![0usize; w.max(h)];
    let mut z = vec![0f32; w.max(h) + 1];
    let mut pass = |f: &[f32], out: &mut [f32], n: usize| {
        let mut k = 0usize;
        v[0] = 0;
        z[0] = f32::NEG_INFINITY;
        z[1] = f32::INFINITY;
        for q in 1..n {
            loop {
                let p = v[k];
                let s =
                    ((f[q] + (q * q) as f32) - (f[p] + (p * p) as f32)) / (2.0 * (q - p) as f32);
                if s <= z[k] && k > 0 {
                    k -= 1;
                } else {
                    k += 1;
                    v[k] = q;
                    z[k] = s;
                    z[k + 1] = f32::INFINITY;
                    break;
                }
            }
        }
        k = 0;
        for (q, o) in out.iter_mut().enumerate().take(n) {
            while z[k + 1] < q as f32 {
                k += 1;
            }
            let p = v[k];
            let dq = q as f32 - p as f32;
            *o = dq * dq + f[p];
        }
    };
    for y in 0..h {
        f[..w].copy_from_slice(&d[y * w..(y + 1) * w]);
        pass(&f[..w], &mut out[..w], w);
        d[y * w..(y + 1) * w].copy_from_slice(&out[..w]);
    }
    for x in 0..w {
        for y in 0..h {
            f[y] = d[y * w + x];
        }
        pass(&f[..h], &mut out[..h], h);
        for y in 0..h {
            d[y * w + x] = out[y];
        }
    }
    let none = !target.iter().any(|&t| t);
    d.into_iter()
        .map(|v| if none { f32::INFINITY } else { v.sqrt() * cell })
        .collect()
}

/// The 4-connected neighbours of cell `i` in a `w`×`h` grid.
fn neighbours(i: usize, w: u32, h: u32) -> impl Iterator<Item = usize> {
    let (x, y) = (i as u32 % w, i as u32 / w);
    let w = w as usize;
    [
        (x > 0).then(|| i - 1),
        (x + 1 < w as u32).then(|| i + 1),
        (y > 0).then(|| i - w),
        (y + 1 < h).then(|| i + w),
    ]
    .into_iter()
    .flatten()
}

/// Mark `seeds` and everything 4-connected to them through steps `i → j`
/// that `accept` allows.
fn flood(
    set: &mut [bool],
    w: u32,
    h: u32,
    seeds: Vec<usize>,
    accept: impl Fn(usize, usize) -> bool,
) {
    let mut stack = seeds;
    for &i in &stack {
        set[i] = true;
    }
    while let Some(i) = stack.pop() {
        for j in neighbours(i, w, h) {
            if !set[j] && accept(i, j) {
                set[j] = true;
                stack.push(j);
            }
        }
    }
}

fn erode(data: &mut [u8], w: usize, h: usize, r: usize) {
    // Separable min filter (square structuring element); the vertical pass
    // works a row at a time, so it runs along memory.
    let mut tmp = data.to_vec();
    for (row, out) in data.chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        for (x, o) in out.iter_mut().enumerate() {
            let (lo, hi) = (x.saturating_sub(r), (x + r).min(w - 1));
            *o = row[lo..=hi].iter().copied().min().unwrap_or(0);
        }
    }
    for (y, out) in data.chunks_exact_mut(w).enumerate() {
        let (lo, hi) = (y.saturating_sub(r), (y + r).min(h - 1));
        out.copy_from_slice(&tmp[lo * w..(lo + 1) * w]);
        for k in lo + 1..=hi {
            for (o, &t) in out.iter_mut().zip(&tmp[k * w..(k + 1) * w]) {
                *o = (*o).min(t);
            }
        }
    }
}

fn box_blur(data: &mut [u8], w: usize, h: usize, r: usize) {
    // Mean over a (2r + 1)² window clipped to the image: horizontal sums
    // from running totals, then vertical sums a row at a time.
    let mut tmp = vec![0u32; data.len()];
    let mut prefix = vec![0u32; w + 1];
    for (row, out) in data.chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        for (x, &v) in row.iter().enumerate() {
            prefix[x + 1] = prefix[x] + v as u32;
        }
        for (x, o) in out.iter_mut().enumerate() {
            let (lo, hi) = (x.saturating_sub(r), (x + r).min(w - 1));
            // The horizontal mean, as the old per-pixel loop rounded it.
            *o = (prefix[hi + 1] - prefix[lo]) / (hi - lo + 1) as u32;
        }
    }
    let mut acc = vec![0u32; w];
    for (y, out) in data.chunks_exact_mut(w).enumerate() {
        let (lo, hi) = (y.saturating_sub(r), (y + r).min(h - 1));
        acc.fill(0);
        for k in lo..=hi {
            for (a, &t) in acc.iter_mut().zip(&tmp[k * w..(k + 1) * w]) {
                *a += t;
            }
        }
        let n = (hi - lo + 1) as u32;
        for (o, &a) in out.iter_mut().zip(&acc) {
            *o = (a / n) as u8;
        }
    }
}

/// Painted zones rasterised on a 0.5 mm grid over the field's domain.
/// Each cell holds a value in `[-1, 1]`: towards +1 where strokes added
/// dots, towards −1 where they erased them; later strokes win.
#[derive(Clone, Debug)]
pub struct ZoneGrid {
    pub cols: usize,
    pub rows: usize,
    pub data: Vec<f32>,
    /// Scar tissue painted with the scar brush, 0..1.
    pub scar: Vec<f32>,
    /// Whether any stroke has been painted (lets the renderer skip lookups).
    pub any: bool,
}

pub const ZONE_MM: f32 = 0.5;

impl Default for ZoneGrid {
    fn default() -> Self {
        Self::new()
    }
}

impl ZoneGrid {
    pub fn new() -> ZoneGrid {
        let cols = ((DOMAIN_X.1 - DOMAIN_X.0) / ZONE_MM) as usize + 1;
        let rows = ((DOMAIN_Y.1 - DOMAIN_Y.0) / ZONE_MM) as usize + 1;
        ZoneGrid {
            cols,
            rows,
            data: vec![0.0; cols * rows],
            scar: vec![0.0; cols * rows],
            any: false,
        }
    }

    pub fn from_strokes(strokes: &[Stroke]) -> ZoneGrid {
        let mut g = ZoneGrid::new();
        for s in strokes {
            g.paint_stroke(s, 0);
        }
        g
    }

    /// Paint the part of `s` from point index `from` on (so a stroke being
    /// drawn is stamped incrementally).
    pub fn paint_stroke(&mut self, s: &Stroke, from: usize) {
        let pts = &s.points;
        if pts.is_empty() {
            return;
        }
        let spacing = (s.radius_mm * 0.25).max(ZONE_MM);
        let start = from.min(pts.len() - 1);
        if start == 0 {
            self.stamp(Vec2::new(pts[0][0], pts[0][1]), s.radius_mm, s.mode);
        }
        for k in start.max(1)..pts.len() {
            let a = Vec2::new(pts[k - 1][0], pts[k - 1][1]);
            let b = Vec2::new(pts[k][0], pts[k][1]);
            let steps = (b.minus(a).len() / spacing).ceil().max(1.0) as usize;
            for t in 1..=steps.min(10_000) {
                self.stamp(
                    a.plus(b.minus(a).scale(t as f32 / steps as f32)),
                    s.radius_mm,
                    s.mode,
                );
            }
        }
    }

    fn stamp(&mut self, c: Vec2, radius: f32, mode: ZoneMode) {
        self.any = true;
        let gx0 = ((c.x - radius - DOMAIN_X.0) / ZONE_MM).floor().max(0.0) as usize;
        let gy0 = ((c.y - radius - DOMAIN_Y.0) / ZONE_MM).floor().max(0.0) as usize;
        let gx1 =
            (((c.x + radius - DOMAIN_X.0) / ZONE_MM).ceil() as isize).min(self.cols as isize - 1);
        let gy1 =
            (((c.y + radius - DOMAIN_Y.0) / ZONE_MM).ceil() as isize).min(self.rows as isize - 1);
        if gx1 < 0 || gy1 < 0 {
            return;
        }
        let soft = (radius * 0.35).max(ZONE_MM);
        for j in gy0..=gy1 as usize {
            for i in gx0..=gx1 as usize {
                let p = Vec2::new(
                    DOMAIN_X.0 + i as f32 * ZONE_MM,
                    DOMAIN_Y.0 + j as f32 * ZONE_MM,
                );
                let d = p.minus(c).len();
                if d >= radius {
                    continue;
                }
                let cov = ((radius - d) / soft).min(1.0);
                let k = j * self.cols + i;
                let v = &mut self.data[k];
                match mode {
                    ZoneMode::Add => *v = v.max(*v + cov * (1.0 - *v)).min(1.0),
                    ZoneMode::Erase => *v = v.min(*v - cov * (1.0 + *v)).max(-1.0),
                    ZoneMode::Scar => {
                        *v = v.max(*v + cov * (1.0 - *v)).min(1.0);
                        self.scar[k] = self.scar[k].max(cov);
                    }
                }
            }
        }
    }

    /// Scar value at face position `p` (nearest cell).
    pub fn sample_scar(&self, p: Vec2) -> f32 {
        self.cell(p).map_or(0.0, |k| self.scar[k])
    }

    fn cell(&self, p: Vec2) -> Option<usize> {
        let i = ((p.x - DOMAIN_X.0) / ZONE_MM).round();
        let j = ((p.y - DOMAIN_Y.0) / ZONE_MM).round();
        if i < 0.0 || j < 0.0 || i >= self.cols as f32 || j >= self.rows as f32 {
            return None;
        }
        Some(j as usize * self.cols + i as usize)
    }

    /// Zone value at face position `p` (nearest cell).
    pub fn sample(&self, p: Vec2) -> f32 {
        self.cell(p).map_or(0.0, |k| self.data[k])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scale::{Calibration, Source};

    #[test]
    fn erode_and_blur_match_their_definitions() {
        // Every pixel against the window's min and truncated mean, written
        // out directly, on a pseudo-random image with windows clipped at
        // every edge.
        let (w, h) = (23usize, 17usize);
        let img: Vec<u8> = (0..w * h).map(|i| ((i * 7919) % 251) as u8).collect();
        for r in [1, 2, 4] {
            let img = &img;
            let window_min = |x: usize, y: usize| {
                let xs = x.saturating_sub(r)..=(x + r).min(w - 1);
                let ys = y.saturating_sub(r)..=(y + r).min(h - 1);
                ys.flat_map(|yy| xs.clone().map(move |xx| img[yy * w + xx]))
                    .min()
                    .unwrap()
            };
            let mut eroded = img.to_vec();
            erode(&mut eroded, w, h, r);
            let mut blurred = img.to_vec();
            box_blur(&mut blurred, w, h, r);
            for y in 0..h {
                for x in 0..w {
                    assert_eq!(
                        eroded[y * w + x],
                        window_min(x, y),
                        "erode r={r} at ({x}, {y})"
                    );
                    // Separable mean: rows' truncated means, then their mean.
                    let (x0, x1) = (x.saturating_sub(r), (x + r).min(w - 1));
                    let (y0, y1) = (y.saturating_sub(r), (y + r).min(h - 1));
                    let row_mean = |yy: usize| {
                        img[yy * w + x0..=yy * w + x1]
                            .iter()
                            .map(|&v| v as u32)
                            .sum::<u32>()
                            / (x1 - x0 + 1) as u32
                    };
                    let mean = (y0..=y1).map(row_mean).sum::<u32>() / (y1 - y0 + 1) as u32;
                    assert_eq!(blurred[y * w + x] as u32, mean, "blur r={r} at ({x}, {y})");
                }
            }
        }
    }

    /// A synthetic portrait: blue background, a skin-coloured head ellipse,
    /// darker ears beyond it, brows.
    pub fn synthetic_head(w: u32, h: u32) -> (Image, Frame) {
        let mut im = Image::new(w, h, [70, 110, 170, 255]).unwrap();
        let (cx, cy) = (w as f32 / 2.0, h as f32 * 0.45);
        let (rx, ry) = (w as f32 * 0.28, h as f32 * 0.38);
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = ((x as f32 - cx) / rx, (y as f32 - cy) / ry);
                if dx * dx + dy * dy < 1.0 {
                    // Light falls from the top left: skin texture and shading.
                    let shade = 1.0 - 0.15 * (x as f32 / w as f32) - 0.1 * (y as f32 / h as f32);
                    let tex = ((x * 7 + y * 13) % 9) as f32 - 4.0;
                    let i = ((y * w + x) * 4) as usize;
                    im.data[i] = (214.0 * shade + tex) as u8;
                    im.data[i + 1] = (170.0 * shade + tex) as u8;
                    im.data[i + 2] = (140.0 * shade + tex) as u8;
                }
            }
        }
        let ipd = w as f32 * 0.16;
        let eye_y = cy + ry * 0.15;
        let cal = Calibration::new(
            Vec2::new(cx - ipd / 2.0, eye_y),
            Vec2::new(cx + ipd / 2.0, eye_y),
            63.0,
            Source::Visitor,
            (w, h),
        )
        .unwrap();
        (im, cal.frame())
    }

    #[test]
    fn mask_covers_the_head_and_not_the_background() {
        let (im, frame) = synthetic_head(400, 500);
        let m = ScalpMask::grow(&im, &frame);
        // Forehead and the top of the head are scalp.
        let forehead = frame.to_image(Vec2::new(0.0, 60.0));
        assert!(m.sample(forehead) > 0.99);
        let top = frame.to_image(Vec2::new(0.0, 120.0));
        assert!(m.sample(top) > 0.99, "{}", m.sample(top));
        // Background corners are not.
        assert_eq!(m.sample(Vec2::new(5.0, 5.0)), 0.0);
        assert_eq!(m.sample(Vec2::new(395.0, 5.0)), 0.0);
        // Below the brows is not grown into.
        let cheek = frame.to_image(Vec2::new(40.0, -30.0));
        assert_eq!(m.sample(cheek), 0.0);
        // Outside the image is not scalp.
        assert_eq!(m.sample(Vec2::new(-50.0, 100.0)), 0.0);
    }

    #[test]
    fn mask_without_a_forehead_is_empty() {
        let im = Image::new(300, 300, [10, 200, 10, 255]).unwrap();
        let (_, frame) = synthetic_head(300, 300);
        let m = ScalpMask::grow(&im, &frame);
        assert!(m.data.iter().all(|&v| v == 0));
    }

    #[test]
    fn zones_add_then_erase_in_order() {
        let add = Stroke {
            mode: ZoneMode::Add,
            radius_mm: 10.0,
            points: vec![[0.0, 100.0], [20.0, 100.0]],
        };
        let erase = Stroke {
            mode: ZoneMode::Erase,
            radius_mm: 5.0,
            points: vec![[10.0, 100.0]],
        };
        let g = ZoneGrid::from_strokes(&[add.clone(), erase.clone()]);
        assert!(g.sample(Vec2::new(0.0, 100.0)) > 0.9);
        assert!(g.sample(Vec2::new(10.0, 100.0)) < -0.9);
        assert_eq!(g.sample(Vec2::new(-50.0, 100.0)), 0.0);
        let g2 = ZoneGrid::from_strokes(&[erase, add]);
        assert!(
            g2.sample(Vec2::new(10.0, 100.0)) > 0.9,
            "the later stroke wins"
        );
        assert!(!ZoneGrid::new().any && g.any);
        // Strokes far outside the domain are ignored without panicking.
        let far = Stroke {
            mode: ZoneMode::Add,
            radius_mm: 60.0,
            points: vec![[-399.0, -399.0], [399.0, 399.0]],
        };
        ZoneGrid::from_strokes(&[far]);
    }

    #[test]
    fn distances_are_exact_euclidean() {
        let (w, h) = (23usize, 17usize);
        let target: Vec<bool> = (0..w * h).map(|i| (i * 7919) % 37 == 0).collect();
        let d = distance_to(&target, w, h, 0.5);
        for y in 0..h {
            for x in 0..w {
                let best = (0..w * h)
                    .filter(|&j| target[j])
                    .map(|j| {
                        let (tx, ty) = ((j % w) as f32, (j / w) as f32);
                        ((tx - x as f32).powi(2) + (ty - y as f32).powi(2)).sqrt()
                    })
                    .fold(f32::INFINITY, f32::min);
                assert!((d[y * w + x] - best * 0.5).abs() < 1e-4, "({x}, {y})");
            }
        }
        assert!(distance_to(&[false; 6], 3, 2, 1.0)
            .iter()
            .all(|v| v.is_infinite()));
    }

    #[test]
    fn a_labelled_head_fades_into_hair_and_follows_the_outline() {
        // 40×30 cells of 1 mm: background on the left 5 columns, hair on
        // the right 10, scalp between, face on the bottom 5 rows.
        let (w, h) = (40u32, 30u32);
        let labels: Vec<u8> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                if x < 5 {
                    label::BACKGROUND
                } else if y >= 25 {
                    label::FACE
                } else if x >= 30 {
                    label::HAIR
                } else {
                    label::SCALP
                }
            })
            .collect();
        let m = ScalpMask::from_labels(w, h, 2.0, &labels, 2.0, 0.0, None).unwrap();
        let at = |x: u32, y: u32| m.data[(y * w + x) as usize];
        let head = |x: u32, y: u32| m.head[(y * w + x) as usize];
        assert_eq!(at(17, 10), 255, "full density mid-scalp");
        assert_eq!(at(5, 10), 0, "nothing at the outline");
        assert!(at(7, 10) > 200, "full density a little inside");
        // Towards the hair: full, then lower, then nothing on the hair.
        assert!(at(29, 10) < at(27, 10) && at(27, 10) < at(24, 10));
        assert!(at(28, 10) as f32 >= 0.35 * 255.0);
        assert!(at(29, 10) < at(28, 10));
        assert_eq!(at(30, 10), 0);
        // Face and backdrop never; the head mask covers hair and scalp.
        assert_eq!(at(17, 27), 0);
        assert_eq!(head(17, 27), 0);
        assert_eq!(head(35, 10), 255);
        assert_eq!(m.hair[(10 * w + 35) as usize], 255);
        assert!(ScalpMask::from_labels(w, h, 2.0, &labels[1..], 2.0, 0.0, None).is_err());
        assert!(ScalpMask::from_labels(w, h, 0.0, &labels, 2.0, 0.0, None).is_err());
        // An outline known only to 4 image pixels (2 mm here) moves the fade
        // in by that much: no dots where the exact outline had full density.
        let loose = ScalpMask::from_labels(w, h, 2.0, &labels, 2.0, 4.0, None).unwrap();
        let loose_at = |x: u32| loose.data[(10 * w + x) as usize];
        assert_eq!(loose_at(7), 0, "2 mm inside a loose outline");
        assert!(loose_at(9) > 200 && loose_at(17) == 255);
    }

    #[test]
    fn skin_matches_itself_in_shadow() {
        let skin = SkinModel::new(lab([205, 160, 132]));
        assert!(
            skin.matches(lab([150, 115, 92]), 1.0),
            "the same skin in shadow"
        );
        assert!(!skin.matches(lab([70, 110, 170]), 1.5), "a blue backdrop");
        assert!(!skin.matches(lab([40, 35, 32]), 1.5), "dark hair");
        assert!(!skin.matches(lab([200, 200, 200]), 1.5), "grey hair");
        // A black-and-white photo: skin is grey, lightness decides.
        let grey = SkinModel::new(lab([170, 170, 170]));
        assert!(grey.matches(lab([170, 170, 170]), 1.0));
        assert!(grey.matches(lab([120, 120, 120]), 1.0));
        assert!(!grey.matches(lab([40, 40, 40]), 1.0));
    }
}
