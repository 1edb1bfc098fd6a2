//! Rendering: pick the dots a design shows (in image pixels) and composite
//! them into a view of the photo by multiplying, so skin texture, shine and
//! shadows stay visible through the pigment.

use std::ops::Range;

use crate::blend::{Coverage, Ink, InkLanes, NO_STRANDS, OPAQUE};
use crate::color::{lab, lab_to_linear, to_linear};
use crate::design::{Design, Mode};
use crate::f4::F4;
use crate::geom::{smoothstep, Vec2};
use crate::hairline::{edge_noise, feather_for, DistanceGrid};
use crate::image::{copy_pixels, Image, Rect};
use crate::pigment::{look_params, parse_shade, session_params, Light, Pigment, HALO_RGB};
use crate::scale::{Frame, Projection};
use crate::scalp::{ScalpMask, SkinModel, ZoneGrid};
use crate::scatter::{Dot, DotField};

/// A dot to draw, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisibleDot {
    pub x: f32,
    pub y: f32,
    /// Radius in image pixels before foreshortening.
    pub r: f32,
    /// Foreshortening across and up the face (1 = facing the camera).
    pub sx: f32,
    pub sy: f32,
    /// Opacity at the centre, 0..1.
    pub strength: f32,
    /// Edge softness factor (1 = the look's softness).
    pub soft: f32,
    /// The pigment's per-channel multiply at full opacity, 8.8 fixed point
    /// (see [`Light::ink`]): the dot's own colour in the light it sits in.
    pub ink: [u16; 3],
    /// Pixels whose luma comes near this keep their light: hair lying over
    /// the dot (see [`crate::blend`]); [`NO_STRANDS`] where the hair is to
    /// be shaved.
    pub top: u16,
}

/// A field dot placed on this photo: everything about it that depends only
/// on the dot field, the calibration and the photo, computed once and reused
/// for every design change and frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    pub dot: Dot,
    /// Image pixels.
    pub x: f32,
    pub y: f32,
    /// Foreshortening across and up the face.
    pub sx: f32,
    pub sy: f32,
    /// Scalp mask at the dot, 0..1.
    pub mask: f32,
    /// Head mask (not the backdrop) at the dot, 0..1.
    pub head: f32,
    /// Whether the photo shows skin right under the dot (not a hair), 0 or 1.
    pub skin: f32,
    /// The hairline edge's noise at the dot, -1..1.
    pub noise: f32,
    /// The light on the skin there (shading and shine), for the dot's colour.
    pub light: Light,
}

/// Place the field's dots on the photo, dropping those on the far side of
/// the head, in [`raster_order`]. `mask: None` lets dots go anywhere
/// behind the line (tests on flat images).
/// `photo` (with the mask's skin colour) tells, dot by dot, whether skin or
/// a hair is under it, for the thinning-hair mode.
pub fn place(
    field: &DotField,
    frame: &impl Projection,
    mask: Option<&ScalpMask>,
    photo: Option<&Image>,
) -> Vec<Placed> {
    let skin_model = mask.and_then(|m| m.skin_lab).map(SkinModel::new);
    let skin_linear = mask
        .and_then(|m| m.skin_lab)
        .map(|l| lab_to_linear(l).map(|c| c.max(0.0)));
    // The local colour is averaged over nine samples about half a
    // millimetre apart (a dot's width), so skin texture does not decide it.
    let spread = (0.5 * frame.px_per_mm()).max(1.0);
    // No design shows a dot ranked past the highest density allowed.
    let u_max = field.threshold(crate::limits::DENSITY.max as f32);
    let mut placed: Vec<Placed> = field
        .dots
        .iter()
        .filter_map(|dot| {
            if dot.u >= u_max {
                return None;
            }
            let p = Vec2::new(dot.x, dot.y);
            let (q, (sx, sy)) = frame.project(p)?;
            // Off the head and off the scalp no mode, zone or density shows
            // a dot: skip its colour (most of the work here, for a third of
            // the field). The colour-grown mask's scalp can reach past its
            // head outline, so both count.
            let head = mask.map_or(1.0, |m| m.sample_head(q));
            let region = mask.map_or(1.0, |m| m.sample(q));
            if head <= 0.0 && region <= 0.0 {
                return None;
            }
            let skin = match (photo, skin_model) {
                (Some(im), Some(model))
                    if q.x >= 0.0
                        && q.y >= 0.0
                        && q.x < im.width as f32
                        && q.y < im.height as f32 =>
                {
                    let p = im.pixel(q.x as u32, q.y as u32);
                    if model.matches(lab([p[0], p[1], p[2]]), 1.5) {
                        1.0
                    } else {
                        0.0
                    }
                }
                _ => 1.0,
            };
            let light = match photo {
                Some(im) => Light::read(local_colour(im, q, spread), skin_linear, skin > 0.5),
                None => Light::read([0.5; 3], None, true),
            };
            Some(Placed {
                dot: *dot,
                x: q.x,
                y: q.y,
                sx,
                sy,
                mask: region,
                head,
                skin,
                noise: edge_noise(p, field.seed),
                light,
            })
        })
        .collect();
    placed.sort_by(|a, b| raster_order((a.x, a.y), (b.x, b.y)));
    placed
}

/// The photo's mean colour (linear light) over nine samples `spread` px
/// apart around `q`, clamped to the image.
fn local_colour(im: &Image, q: Vec2, spread: f32) -> [f32; 3] {
    let (w, h) = (im.width as f32 - 1.0, im.height as f32 - 1.0);
    let stride = im.width as usize * 4;
    let cols = [-spread, 0.0, spread].map(|dx| (q.x + dx).clamp(0.0, w) as usize * 4);
    let mut sum = [0.0f32; 3];
    for dy in [-spread, 0.0, spread] {
        let row = &im.data[(q.y + dy).clamp(0.0, h) as usize * stride..][..stride];
        for &x in &cols {
            let p = &row[x..x + 3];
            for c in 0..3 {
                sum[c] += to_linear(p[c]);
            }
        }
    }
    sum.map(|v| v / 9.0)
}

/// Image rows per bucket of the raster order dots are drawn in.
const BUCKET_ROWS: f32 = 8.0;

/// The top image row of the bucket a dot at image row `y` sorts into.
fn bucket_top(y: f32) -> f32 {
    (y / BUCKET_ROWS).floor() * BUCKET_ROWS
}

/// The order the compositor takes dots in (image positions): buckets of
/// [`BUCKET_ROWS`] rows top to bottom, left to right inside a bucket.
/// Drawing in this order keeps the rows a dot touches in cache, where rank
/// order would miss on every dot; the compositor's band windows rely on it.
pub fn raster_order(a: (f32, f32), b: (f32, f32)) -> std::cmp::Ordering {
    bucket_top(a.1)
        .total_cmp(&bucket_top(b.1))
        .then(a.0.total_cmp(&b.0))
}

/// Everything that decides which dots show.
pub struct Scene<'a> {
    /// From [`place`].
    pub placed: &'a [Placed],
    /// Rank threshold for the design's density ([`DotField::threshold`]).
    pub threshold: f32,
    pub design: &'a Design,
    pub px_per_mm: f32,
    pub line: &'a DistanceGrid,
    pub zones: &'a ZoneGrid,
}

/// Fill `out` with the dots the design shows. Stable: a dot's position and
/// rank never depend on the design, only whether it shows.
pub fn visible_dots(scene: &Scene, out: &mut Vec<VisibleDot>) {
    out.clear();
    let d = scene.design;
    let look = look_params(d.look);
    let pigment = parse_shade(&d.shade).unwrap_or(Pigment {
        rgb: [70, 72, 79],
        strength: 0.74,
    });
    let (share, session_strength) = session_params(d.session);
    let t = scene.threshold * share;
    let feather = feather_for(d);
    let r_mm = d.dot_mm * 0.5 * look.size;
    let ppm = scene.px_per_mm;
    let base_strength = pigment.strength * look.strength * session_strength;
    let pigment_linear = pigment.linear(look.darken);
    let depth = d.session >= 3;
    for at in scene.placed {
        let dot = &at.dot;
        if dot.u >= t {
            continue;
        }
        let p = Vec2::new(dot.x, dot.y);
        let line = feather.factor(scene.line.sample(p), at.noise);
        // Where the treatment may go: the skin behind the line, the whole
        // head (hair included, as it will be shaved), or only the scalp
        // showing between thinning hairs.
        // The masks' soft rims (a pixel or two of the low-resolution grid,
        // centred on the outline) would let the odd low-rank dot sit on
        // the outline and spill onto the backdrop: only their inner part
        // counts.
        let head = at.head;
        let region = match d.mode {
            Mode::Hairline => at.mask,
            Mode::Full => head,
            Mode::Thinning => head * at.skin,
        };
        let mut m = line * region;
        let mut scar = 0.0;
        if scene.zones.any {
            let z = scene.zones.sample(p);
            if z > 0.0 {
                // Painting in overrides the skin region, never the backdrop.
                m += z * (head - m).max(0.0);
            } else if z < 0.0 {
                m *= 1.0 + z;
            }
            scar = scene.zones.sample_scar(p);
        }
        if dot.u >= t * m {
            continue;
        }
        // Hairline dots are made with a single needle: a little smaller.
        let size = dot.size * (0.88 + 0.12 * smoothstep(0.0, 1.0, line));
        out.push(VisibleDot {
            x: at.x,
            y: at.y,
            r: r_mm * size * ppm,
            sx: at.sx,
            sy: at.sy,
            // The last session adds depth: the darker dots a little darker;
            // scar tissue takes pigment lighter.
            strength: (base_strength
                * dot.dark
                * if depth && dot.dark > 1.05 { 1.08 } else { 1.0 }
                * (1.0 - 0.45 * scar))
                .min(1.0),
            soft: dot.soft,
            ink: at.light.ink(pigment_linear),
            top: match d.mode {
                Mode::Full => NO_STRANDS,
                Mode::Hairline | Mode::Thinning => strand_top(at.light.local),
            },
        });
    }
}

/// The luma (0..255, `(77 r + 150 g + 29 b) / 256`) from which a pixel
/// over a dot sitting in skin of local colour `local` (sRGB) is taken for
/// hair on top and keeps its light: [`STRAND_GAIN`] times the skin's luma
/// plus [`STRAND_LEVELS`] starts to spare it, 32 levels more spare it
/// wholly.
pub fn strand_top(local: [f32; 3]) -> u16 {
    let luma = (77.0 * local[0] + 150.0 * local[1] + 29.0 * local[2]) / 256.0;
    (luma * STRAND_GAIN + STRAND_LEVELS + 32.0).clamp(0.0, f32::from(NO_STRANDS)) as u16
}

/// See [`strand_top`]: skin texture and pores stay within these of the
/// local mean; a white or grey strand over the skin does not.
const STRAND_GAIN: f32 = 1.12;
const STRAND_LEVELS: f32 = 6.0;

/// "Buzz cut the rest": tone the visitor's remaining hair down towards their
/// scalp's skin colour, as it would look shaved to match the SMP. Only above
/// the forehead's lower part, only where the head (not the backdrop) is not
/// skin; a little of the hair's light and shade stays as texture. `out`
/// shows `view` of the photo; only `rows` of it are toned.
pub fn buzz_cut(out: &mut Image, rows: Range<usize>, view: Rect, frame: &Frame, mask: &ScalpMask) {
    let Some(skin) = mask.skin_lab.map(SkinModel::new) else {
        return;
    };
    let rgb = skin.rgb().map(|c| c as f32);
    let skin_luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    let k = view.w / out.width as f32;
    let w = out.width as usize;
    let first = rows.start;
    let rows = out
        .data
        .chunks_exact_mut(w * 4)
        .skip(first)
        .take(rows.len());
    for (y, row) in rows.enumerate() {
        let y = y + first;
        for (x, px) in row.chunks_exact_mut(4).enumerate() {
            let q = Vec2::new(view.x + (x as f32 + 0.5) * k, view.y + (y as f32 + 0.5) * k);
            let height = frame.image_to_plane(q).y;
            if height < 8.0 {
                continue;
            }
            let hair = mask.sample_hair(q) * smoothstep(8.0, 20.0, height);
            if hair <= 0.01 {
                continue;
            }
            let luma = 0.299 * px[0] as f32 + 0.587 * px[1] as f32 + 0.114 * px[2] as f32;
            // Shaved scalp: the skin's colour, a shade darker, keeping a
            // tenth of the hair's own light and shade.
            let shade = 0.9 + 0.1 * (luma / skin_luma.max(1.0)).min(1.5);
            let a = 0.85 * hair;
            for c in 0..3 {
                let target = rgb[c] * shade;
                px[c] = (px[c] as f32 + (target - px[c] as f32) * a)
                    .round()
                    .clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// Composite `dots` (image px, in [`place`]'s raster order) into `out`,
/// which already holds the photo's pixels for `view` (the image rectangle
/// `out` shows). `axes` are the face's x and y directions in the image
/// (unit vectors), along which dots are foreshortened.
pub fn composite(
    out: &mut Image,
    view: Rect,
    axes: (Vec2, Vec2),
    dots: &[VisibleDot],
    design: &Design,
) {
    let mut scratch = Scratch::default();
    composite_bands(out, view, axes, dots, design, &mut scratch, |_, _| {});
}

/// Copy `src` (the photo for `view`, as big as `out`) into `out` and
/// composite `dots` over it, band by band: each band of rows is copied,
/// buzz-cut if asked, and gets its dots while it is still in cache. `scratch` is
/// reused from frame to frame (no allocation once it has grown).
#[allow(clippy::too_many_arguments)]
pub fn render_over(
    out: &mut Image,
    src: &Image,
    view: Rect,
    axes: (Vec2, Vec2),
    dots: &[VisibleDot],
    design: &Design,
    buzz: Option<(&Frame, &ScalpMask)>,
    scratch: &mut Scratch,
) -> Result<(), String> {
    out.resize(src.width, src.height)?;
    let stride = src.width as usize * 4;
    composite_bands(out, view, axes, dots, design, scratch, |out, rows| {
        let bytes = rows.start * stride..rows.end * stride;
        copy_pixels(&mut out.data[bytes.clone()], &src.data[bytes]);
        if let Some((frame, mask)) = buzz {
            buzz_cut(out, rows, view, frame, mask);
        }
    });
    Ok(())
}

/// Bytes per band (65 rows of a 12 MP photo): the band stays in a core's
/// second-level cache while its dots are drawn. (Measured in Chromium
/// here with [`copy_pixels`]: bands of 32 to 260 rows render equally
/// fast, 16-row ones a little slower.)
const BAND_BYTES: usize = 1 << 20;

/// Per-frame working memory of the compositor: the dots prepared for
/// drawing (pigment and fresh halo).
#[derive(Default)]
pub struct Scratch {
    pigment: Vec<Stamp>,
    halo: Vec<Stamp>,
}

/// The band loop behind [`composite`] and [`render_over`]: every dot is
/// prepared once (its ellipse, bounding box and coverage ramp in output
/// pixels); then, band by band, `prepare` fills the band's rows and every
/// dot overlapping the band is drawn clipped to it (the halo pass before
/// the pigment pass, as for the whole image at once, so the pixels are the
/// same as drawing dot by dot).
fn composite_bands(
    out: &mut Image,
    view: Rect,
    axes: (Vec2, Vec2),
    dots: &[VisibleDot],
    design: &Design,
    scratch: &mut Scratch,
    mut prepare: impl FnMut(&mut Image, Range<usize>),
) {
    debug_assert!(
        dots.windows(2)
            .all(|w| bucket_top(w[0].y) <= bucket_top(w[1].y) || !w[1].y.is_finite()),
        "dots must come in place()'s raster order"
    );
    let look = look_params(design.look);
    let frame = StampFrame {
        view,
        k: out.width as f32 / view.w,
        axes,
        size: (out.width as i32, out.height as i32),
    };
    let k = frame.k;
    let pigment_pass = Pass {
        r_scale: 1.0,
        strength: None,
        softness: look.softness,
        ink: None,
    };
    scratch.pigment.clear();
    scratch.halo.clear();
    let mut reach = 0.0f32;
    for four in dots.chunks(4) {
        if let Some((radius, strength)) = look.halo {
            let halo = Pass {
                r_scale: radius,
                strength: Some(strength),
                softness: 1.0,
                ink: Some(Ink::new(HALO_RGB, 1.0).0),
            };
            reach = reach.max(Stamp::prepare(four, &frame, &halo, &mut scratch.halo));
        }
        reach = reach.max(Stamp::prepare(
            four,
            &frame,
            &pigment_pass,
            &mut scratch.pigment,
        ));
    }
    let reach = reach + 1.0;
    let stride = out.width as usize * 4;
    let mut first = [0usize; 2];
    let band = (BAND_BYTES / stride.max(1)).max(8);
    for y0 in (0..out.height as usize).step_by(band) {
        let y1 = (y0 + band).min(out.height as usize);
        prepare(out, y0..y1);
        let rows = (y0 as i32, y1 as i32 - 1);
        for (pass, list) in [&scratch.halo, &scratch.pigment].into_iter().enumerate() {
            let first = &mut first[pass];
            while *first < list.len() && list[*first].top + BUCKET_ROWS * k + reach < y0 as f32 {
                *first += 1;
            }
            for s in &list[*first..] {
                if s.top - reach > y1 as f32 {
                    break;
                }
                s.draw(&mut out.data, stride, rows);
            }
        }
    }
}

/// One anti-aliased, soft-edged (elliptical when foreshortened) dot, ready
/// to be multiplied into the output: its squared normalised distance
/// `s(dx, dy) = a dx² + b2 dx dy + c dy²` (1 at the outer rim), its pixel
/// box (whole groups of four across) and its coverage ramp.
#[derive(Clone, Copy, Debug)]
struct Stamp {
    cx: f32,
    cy: f32,
    a: f32,
    b2: f32,
    c: f32,
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
    edge: f32,
    peak: f32,
    /// Top of the dot's sort bucket (output rows).
    top: f32,
    ink: [u16; 3],
    /// See [`VisibleDot::top`].
    over: u16,
}

/// What every dot of a frame shares: the image rectangle shown, output
/// pixels per image pixel, the face's axes in the image and the output size.
struct StampFrame {
    view: Rect,
    k: f32,
    axes: (Vec2, Vec2),
    size: (i32, i32),
}

/// One drawing pass over the dots: the pigment, or the fresh halo (wider,
/// with a strength of its own and a fully soft edge).
struct Pass {
    r_scale: f32,
    strength: Option<f32>,
    softness: f32,
    /// One ink for every dot (the halo), or each dot's own (the pigment).
    ink: Option<[u16; 3]>,
}

impl Stamp {
    /// Prepare up to four dots at once (one per lane; the arithmetic is
    /// the same in both builds) and push those that show. Returns how far
    /// the farthest reaches above or below its centre.
    fn prepare(dots: &[VisibleDot], f: &StampFrame, pass: &Pass, out: &mut Vec<Stamp>) -> f32 {
        debug_assert!((1..=4).contains(&dots.len()));
        // Short chunks repeat their last dot in the spare lanes.
        let lane = |i: usize| &dots[i.min(dots.len() - 1)];
        let get = |field: fn(&VisibleDot) -> f32| {
            F4::new([
                field(lane(0)),
                field(lane(1)),
                field(lane(2)),
                field(lane(3)),
            ])
        };
        let splat = F4::splat;
        let k = splat(f.k);
        let cx = (get(|d| d.x) - splat(f.view.x)) * k;
        let cy = (get(|d| d.y) - splat(f.view.y)) * k;
        let r = get(|d| d.r) * splat(pass.r_scale) * k;
        let (rx, ry) = (r * get(|d| d.sx), r * get(|d| d.sy));
        // Dots smaller than a pixel keep their total darkness instead of
        // vanishing or flickering: widen them and lower their strength.
        let (ex, ey) = (rx.max(splat(0.7)), ry.max(splat(0.7)));
        let rmin = ex.min(ey);
        let gain = (rx * ry) / (ex * ey);
        // The soft edge is at least a pixel wide (anti-aliasing).
        let edge = (splat(pass.softness) * get(|d| d.soft) * rmin).max(splat(0.9));
        let r_out = rmin + edge * splat(0.5);
        // Coverage ramps from 0 at the outer rim to 1 at the inner one,
        // linear in the normalised squared distance s = (d / r_out)² (no
        // square root per pixel; across a rim a pixel or two wide that is
        // as good as linear in d), then smoothstepped.
        let s_in = ((r_out - edge) / r_out).max(splat(0.0));
        let s_in = s_in * s_in;
        // Distance in short-radius pixels: q = A dx² + 2B dx dy + C dy².
        let (kx, ky) = (rmin / ex, rmin / ey);
        let (e0, e1) = f.axes;
        let (axx, axy) = (splat(e0.x) * kx, splat(e0.y) * kx);
        let (ayx, ayy) = (splat(e1.x) * ky, splat(e1.y) * ky);
        let a = axx * axx + ayx * ayx;
        let b = axx * axy + ayx * ayy;
        let c = axy * axy + ayy * ayy;
        let det = a * c - b * b;
        let r2 = r_out * r_out;
        // The ellipse's bounding box; pixels past its rim get coverage 0.
        let half_w = (r2 * c / det).sqrt();
        let half_h = (r2 * a / det).sqrt();
        let half = splat(0.5);
        let x0 = (cx - half_w - half).ceil().to_array();
        let x1 = (cx + half_w - half).floor().to_array();
        let y0 = (cy - half_h - half).ceil().to_array();
        let y1 = (cy + half_h - half).floor().to_array();
        let scale = splat(1.0) / r2;
        let (a, b2, c) = (
            (a * scale).to_array(),
            (splat(2.0) * b * scale).to_array(),
            (c * scale).to_array(),
        );
        let ramp = (splat(1.0) / (splat(1.0) - s_in)).to_array();
        let strength = match pass.strength {
            Some(s) => splat(s),
            None => get(|d| d.strength),
        };
        let peak = (strength.clamp01() * gain * splat(OPAQUE)).to_array();
        let (cx, cy, rx, ry) = (cx.to_array(), cy.to_array(), rx.to_array(), ry.to_array());
        let (det, half_h) = (det.to_array(), half_h.to_array());
        let (w, h) = f.size;
        let mut reach = 0.0f32;
        for (i, d) in dots.iter().enumerate() {
            if !(cx[i].is_finite()
                && cy[i].is_finite()
                && rx[i] > 0.0
                && ry[i] > 0.0
                && det[i] > 0.0)
            {
                continue;
            }
            let mut x0 = (x0[i] as i32).max(0);
            let mut x1 = (x1[i] as i32).min(w - 1);
            let (y0, y1) = ((y0[i] as i32).max(0), (y1[i] as i32).min(h - 1));
            if x0 > x1 || y0 > y1 {
                continue;
            }
            // Whole groups of four pixels where the row allows (only an
            // image narrower than the dot's box leaves a part-group):
            // pixels outside the rim are left as they are, so widening the
            // span changes nothing and saves the pixel-at-a-time tail.
            let short = (4 - (x1 - x0 + 1) % 4) % 4;
            if x1 + short < w {
                x1 += short;
            } else {
                x0 = (x0 - short).max(0);
            }
            reach = reach.max(half_h[i]);
            out.push(Stamp {
                cx: cx[i],
                cy: cy[i],
                a: a[i],
                b2: b2[i],
                c: c[i],
                x0,
                x1,
                y0,
                y1,
                edge: ramp[i],
                peak: peak[i],
                top: (bucket_top(d.y) - f.view.y) * f.k,
                ink: pass.ink.unwrap_or(d.ink),
                over: d.top,
            });
        }
        reach
    }

    /// Multiply the dot's rows `rows.0..=rows.1` into `data` (RGBA rows of
    /// `stride` bytes).
    fn draw(&self, data: &mut [u8], stride: usize, rows: (i32, i32)) {
        let (y0, y1) = (self.y0.max(rows.0), self.y1.min(rows.1));
        if y0 > y1 {
            return;
        }
        let dx0 = self.x0 as f32 + 0.5 - self.cx;
        let dy0 = y0 as f32 + 0.5 - self.cy;
        let width = (self.x1 - self.x0 + 1) as usize;
        let first = y0 as usize * stride + self.x0 as usize * 4;
        Coverage::new([self.a, self.b2, self.c], self.edge, self.peak, dx0, dy0).blend(
            data,
            (first, stride),
            ((y1 - y0 + 1) as usize, width),
            &InkLanes::over(Ink(self.ink), self.over),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hairline::{control_points, curve};
    use crate::scale::{Calibration, Source};

    const AXES: (Vec2, Vec2) = (Vec2::new(1.0, 0.0), Vec2::new(0.0, -1.0));

    /// The default pigment's ink on flat skin of colour `rgb`.
    fn ink_on(rgb: [u8; 3]) -> [u16; 3] {
        let pigment = parse_shade("III").unwrap().linear(1.0);
        Light::read(rgb.map(to_linear), None, true).ink(pigment)
    }

    fn frame() -> Frame {
        Calibration::new(
            Vec2::new(400.0, 800.0),
            Vec2::new(526.0, 800.0),
            63.0,
            Source::Visitor,
            (1000, 1000),
        )
        .unwrap()
        .frame()
    }

    fn dots_for(design: &Design, field: &DotField) -> Vec<VisibleDot> {
        let f = frame();
        let line = DistanceGrid::build(&curve(&control_points(design), 16));
        let zones = ZoneGrid::from_strokes(&design.zones);
        let placed = place(field, &f, None, None);
        let scene = Scene {
            placed: &placed,
            threshold: field.threshold(design.density),
            design,
            px_per_mm: f.px_per_mm,
            line: &line,
            zones: &zones,
        };
        let mut out = Vec::new();
        visible_dots(&scene, &mut out);
        out
    }

    #[test]
    fn dots_sit_behind_the_hairline_only() {
        let field = DotField::generate(1);
        let design = Design::default();
        let dots = dots_for(&design, &field);
        assert!(dots.len() > 4_000, "{}", dots.len());
        let f = frame();
        for d in &dots {
            let p = f.to_face(Vec2::new(d.x, d.y));
            // Nothing on the brows or the lower forehead (strays reach 4 mm + jitter).
            assert!(p.y > design.height_mm - 6.5 || p.x.abs() > 30.0, "{p:?}");
            assert!(p.y > 0.0);
        }
    }

    #[test]
    fn density_only_adds_dots_never_moves_them() {
        let field = DotField::generate(1);
        let mut d = Design {
            density: 40.0,
            ..Default::default()
        };
        let sparse = dots_for(&d, &field);
        d.density = 90.0;
        let dense = dots_for(&d, &field);
        assert!(dense.len() > sparse.len() * 2);
        let set: std::collections::HashSet<(u32, u32)> = dense
            .iter()
            .map(|v| (v.x.to_bits(), v.y.to_bits()))
            .collect();
        assert!(sparse
            .iter()
            .all(|v| set.contains(&(v.x.to_bits(), v.y.to_bits()))));
    }

    #[test]
    fn sessions_build_up_the_same_dots() {
        let field = DotField::generate(1);
        let mut d = Design {
            session: 1,
            ..Default::default()
        };
        let one = dots_for(&d, &field);
        d.session = 2;
        let two = dots_for(&d, &field);
        d.session = 3;
        let three = dots_for(&d, &field);
        let ratio = |a: &[VisibleDot], b: &[VisibleDot]| a.len() as f32 / b.len() as f32;
        assert!(
            (ratio(&one, &three) - 0.4).abs() < 0.06,
            "{}",
            ratio(&one, &three)
        );
        assert!(
            (ratio(&two, &three) - 0.75).abs() < 0.06,
            "{}",
            ratio(&two, &three)
        );
        // Every dot of an earlier session is still there later, lighter before.
        let later: std::collections::HashMap<(u32, u32), f32> = three
            .iter()
            .map(|v| ((v.x.to_bits(), v.y.to_bits()), v.strength))
            .collect();
        for v in &one {
            let s3 = later[&(v.x.to_bits(), v.y.to_bits())];
            assert!(v.strength < s3);
        }
    }

    #[test]
    fn erase_zone_removes_dots_and_add_zone_adds_them_below_the_line() {
        let field = DotField::generate(1);
        let mut d = Design::default();
        let base = dots_for(&d, &field).len();
        d.zones.push(crate::design::Stroke {
            mode: crate::design::ZoneMode::Erase,
            radius_mm: 15.0,
            points: vec![[0.0, 100.0]],
        });
        let erased = dots_for(&d, &field);
        assert!(erased.len() < base);
        let f = frame();
        assert!(erased.iter().all(|v| f
            .to_face(Vec2::new(v.x, v.y))
            .minus(Vec2::new(0.0, 100.0))
            .len()
            > 9.5));
        d.zones.push(crate::design::Stroke {
            mode: crate::design::ZoneMode::Add,
            radius_mm: 5.0,
            points: vec![[0.0, 40.0]],
        });
        let added = dots_for(&d, &field);
        assert!(added.iter().any(|v| f
            .to_face(Vec2::new(v.x, v.y))
            .minus(Vec2::new(0.0, 40.0))
            .len()
            < 3.0));
    }

    #[test]
    fn composite_only_darkens_and_only_near_dots() {
        let mut out = Image::new(100, 100, [200, 160, 140, 255]).unwrap();
        let view = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        let dots = [VisibleDot {
            x: 50.0,
            y: 50.0,
            r: 4.0,
            sx: 1.0,
            sy: 1.0,
            strength: 0.8,
            soft: 1.0,
            ink: ink_on([200, 160, 140]),
            top: NO_STRANDS,
        }];
        composite(&mut out, view, AXES, &dots, &Design::default());
        let centre = out.pixel(50, 50);
        assert!(centre[0] < 110 && centre[0] > 30, "{centre:?}");
        assert_eq!(out.pixel(10, 10), [200, 160, 140, 255]);
        assert_eq!(out.pixel(50, 57), [200, 160, 140, 255]);
        for p in out.data.chunks(4) {
            assert!(p[0] <= 200 && p[1] <= 160 && p[2] <= 140 && p[3] == 255);
        }
        // The cool cast: blue falls least.
        let c = out.pixel(50, 50);
        assert!((c[2] as f32 / 140.0) > (c[0] as f32 / 200.0));
    }

    #[test]
    fn a_light_strand_over_a_dot_keeps_its_light() {
        // Skin with a one-pixel white strand across the middle row: the dot
        // darkens the skin around it but not the strand lying on top.
        let skin = [200u8, 160, 140];
        let mut out = Image::new(40, 40, [skin[0], skin[1], skin[2], 255]).unwrap();
        for px in out.data[20 * 40 * 4..21 * 40 * 4].chunks_exact_mut(4) {
            px.copy_from_slice(&[245, 245, 242, 255]);
        }
        let view = Rect {
            x: 0.0,
            y: 0.0,
            w: 40.0,
            h: 40.0,
        };
        let local = skin.map(|c| c as f32);
        let dot = |top| VisibleDot {
            x: 20.0,
            y: 20.5,
            r: 5.0,
            sx: 1.0,
            sy: 1.0,
            strength: 0.9,
            soft: 1.0,
            ink: ink_on(skin),
            top,
        };
        let mut spared = out.clone();
        composite(
            &mut spared,
            view,
            AXES,
            &[dot(strand_top(local))],
            &Design::default(),
        );
        assert_eq!(spared.pixel(20, 20), [245, 245, 242, 255], "the strand");
        assert!(
            spared.pixel(20, 22)[0] < 150,
            "the skin beside it takes the dot"
        );
        // Where the hair is to be shaved (full mode) the dot covers it.
        composite(&mut out, view, AXES, &[dot(NO_STRANDS)], &Design::default());
        assert!(out.pixel(20, 20)[0] < 180);
        assert_eq!(out.pixel(20, 22), spared.pixel(20, 22));
    }

    #[test]
    fn images_narrower_than_a_dot_get_its_part_groups() {
        // The same dot drawn into a 12 px wide image and into a 3 px wide
        // view of its middle columns (narrower than one group of four):
        // the narrow one matches, within the last bit of the ramp.
        let dot = VisibleDot {
            x: 6.2,
            y: 6.0,
            r: 4.0,
            sx: 1.0,
            sy: 1.0,
            strength: 1.0,
            soft: 1.0,
            ink: ink_on([200, 200, 200]),
            top: NO_STRANDS,
        };
        let draw = |x: f32, w: u32| {
            let mut out = Image::new(w, 12, [200, 200, 200, 255]).unwrap();
            let view = Rect {
                x,
                y: 0.0,
                w: w as f32,
                h: 12.0,
            };
            composite(&mut out, view, AXES, &[dot], &Design::default());
            out
        };
        let (wide, narrow) = (draw(0.0, 12), draw(5.0, 3));
        for y in 0..12 {
            for x in 0..3 {
                let (a, b) = (
                    wide.data[(y * 12 + x + 5) * 4],
                    narrow.data[(y * 3 + x) * 4],
                );
                assert!(a.abs_diff(b) <= 1, "({x}, {y}): {a} vs {b}");
            }
        }
        assert!(narrow.data[(6 * 3 + 1) * 4] < 100, "the centre is dark");
    }

    #[test]
    fn tiny_dots_keep_their_darkness() {
        let darkness = |r: f32| {
            let mut out = Image::new(20, 20, [200, 200, 200, 255]).unwrap();
            let view = Rect {
                x: 0.0,
                y: 0.0,
                w: 20.0,
                h: 20.0,
            };
            composite(
                &mut out,
                view,
                AXES,
                &[VisibleDot {
                    x: 10.3,
                    y: 9.8,
                    r,
                    sx: 1.0,
                    sy: 1.0,
                    strength: 0.5,
                    soft: 1.0,
                    ink: ink_on([200, 200, 200]),
                    top: NO_STRANDS,
                }],
                &Design::default(),
            );
            out.data.chunks(4).map(|p| 200 - p[0] as i32).sum::<i32>() as f32
        };
        let (a, b) = (darkness(0.35), darkness(0.7));
        assert!(a > 0.0, "a sub-pixel dot still shows");
        assert!(
            (b / a - 4.0).abs() < 1.2,
            "darkness follows area: {a} vs {b}"
        );
    }
}
