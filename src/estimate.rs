//! A first calibration guessed from the photo, used until the visitor taps
//! the pupils (or automatic detection finds them). It looks for the largest
//! skin-coloured region and assumes typical face proportions; the element
//! tells the visitor the scale is estimated.

use crate::color::lab;
use crate::geom::Vec2;
use crate::image::{resample, Image, Rect};
use crate::scale::{Calibration, Frame, Head, Source, DEFAULT_IPD_MM};

/// Face width at eye level (temple to temple) in mm, for the guess.
const FACE_WIDTH_MM: f32 = 145.0;

/// Classic chroma test for skin in YCbCr; works across skin tones because
/// it ignores brightness.
fn is_skin(p: &[u8]) -> bool {
    let (r, g, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    let cb = 128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    y > 35.0 && (77.0..=127.0).contains(&cb) && (135.0..=175.0).contains(&cr)
}

/// Guess the pupils from the photo. Never fails: without a face-like region
/// it falls back to a head-and-shoulders portrait layout.
pub fn estimate(photo: &Image) -> Calibration {
    let (w, h) = (photo.width as f32, photo.height as f32);
    let fallback = || {
        let ipd = 0.16 * w.min(h);
        let c = Vec2::new(w * 0.5, h * 0.42);
        guess(c, ipd, photo)
    };
    let side = 160u32;
    let step = (photo.width.max(photo.height) as f32 / side as f32).max(1.0);
    let sw = ((w / step).round() as u32).max(1);
    let sh = ((h / step).round() as u32).max(1);
    let Ok(mut small) = Image::new(sw, sh, [0; 4]) else {
        return fallback();
    };
    resample(
        photo,
        Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
        },
        &mut small,
    );
    let skin: Vec<bool> = small.data.chunks_exact(4).map(is_skin).collect();

    // Largest 4-connected skin component (the first of equal ones).
    let n = skin.len();
    let (label, count) = crate::segment::filters::label4(&skin, sw as usize, sh as usize);
    let mut sizes = vec![0usize; count as usize + 1];
    for &l in label.iter().filter(|&&l| l != 0) {
        sizes[l as usize] += 1;
    }
    let (mut best, mut best_size) = (0u32, 0usize);
    for (l, &size) in sizes.iter().enumerate().skip(1) {
        if size > best_size {
            (best, best_size) = (l as u32, size);
        }
    }
    if best_size < (n / 50).max(30) {
        return fallback();
    }
    // Row widths of the blob; the face is widest around the eyes and ears in
    // the upper part of the blob.
    let rows: Vec<(u32, u32, u32)> = (0..sh)
        .filter_map(|y| {
            let xs: Vec<u32> = (0..sw)
                .filter(|&x| label[(y * sw + x) as usize] == best)
                .collect();
            (!xs.is_empty()).then(|| (y, xs[0], *xs.last().unwrap_or(&xs[0])))
        })
        .collect();
    let (top, bottom) = (rows[0].0, rows[rows.len() - 1].0);
    let span = (bottom - top).max(1);
    let upper: Vec<&(u32, u32, u32)> = rows
        .iter()
        .filter(|r| r.0 <= top + span * 55 / 100)
        .collect();
    let widest = upper
        .iter()
        .max_by_key(|r| r.2 - r.1)
        .copied()
        .unwrap_or(&rows[0]);
    let face_w = (widest.2 - widest.1 + 1) as f32 * step;
    let cx = (widest.1 + widest.2 + 1) as f32 * 0.5 * step;
    let cy = (widest.0 as f32 + 0.5) * step;
    let ipd = (face_w * DEFAULT_IPD_MM / FACE_WIDTH_MM).clamp(0.04 * w.min(h), 0.45 * w.min(h));
    guess(Vec2::new(cx, cy), ipd, photo)
}

/// [`estimate`] on a reduced copy of the photo (`step` photo pixels per
/// copy pixel; the photo is `size`), in the photo's pixels.
pub fn estimate_scaled(small: &Image, step: f32, size: (u32, u32)) -> Calibration {
    let c = estimate(small);
    let s = |p: Vec2| p.scale(step);
    Calibration::new(s(c.left_pupil), s(c.right_pupil), c.ipd_mm, c.source, size).unwrap_or(c)
}

fn guess(centre: Vec2, ipd: f32, photo: &Image) -> Calibration {
    let (w, h) = (photo.width as f32, photo.height as f32);
    let ipd = ipd.max(8.0).min(w * 0.9);
    let c = Vec2::new(
        centre.x.clamp(ipd * 0.5, w - ipd * 0.5),
        centre.y.clamp(0.0, h),
    );
    let l = Vec2::new(c.x - ipd * 0.5, c.y);
    let r = Vec2::new(c.x + ipd * 0.5, c.y);
    Calibration::new(
        l,
        r,
        DEFAULT_IPD_MM,
        Source::Estimated,
        (photo.width, photo.height),
    )
    .unwrap_or(
        // Only a photo a few pixels across gets here; use its full width.
        Calibration {
            left_pupil: Vec2::new(0.0, h * 0.5),
            right_pupil: Vec2::new(w, h * 0.5),
            ipd_mm: DEFAULT_IPD_MM,
            source: Source::Estimated,
            glabella: None,
        },
    )
}

/// Height of the vertex above the glabella on an upright adult head, mm.
const UPRIGHT_TOP_MM: f32 = 100.0;

/// Fit the head model to the photo: walk up from the glabella (and out to
/// the sides) until the background starts, and size the head to match, so
/// the curve of the scalp follows this head and this camera angle. Where the
/// outline cannot be found (head cut off by the frame, busy background) the
/// average head is kept.
pub fn fit_head(photo: &Image, frame: &Frame) -> Head {
    let (w, h) = (photo.width, photo.height);
    // Background colour: the top corners of the photo.
    let patch = (w.min(h) / 20).max(1);
    let corner = |x0: u32| -> [f32; 3] {
        let mut acc = [0f32; 3];
        let mut n = 0.0;
        for y in 0..patch {
            for x in x0..(x0 + patch).min(w) {
                let p = photo.pixel(x, y);
                let l = lab([p[0], p[1], p[2]]);
                for k in 0..3 {
                    acc[k] += l[k];
                }
                n += 1.0;
            }
        }
        acc.map(|v| v / n)
    };
    let bg = [corner(0), corner(w.saturating_sub(patch))];
    let is_bg = |q: Vec2| -> Option<bool> {
        if q.x < 0.0 || q.y < 0.0 || q.x >= w as f32 || q.y >= h as f32 {
            return None;
        }
        let p = photo.pixel(q.x as u32, q.y as u32);
        let l = lab([p[0], p[1], p[2]]);
        Some(bg.iter().any(|b| {
            ((l[0] - b[0]).powi(2) * 0.5 + (l[1] - b[1]).powi(2) + (l[2] - b[2]).powi(2)).sqrt()
                < 10.0
        }))
    };
    fit_head_to(frame, is_bg)
}

/// [`fit_head`] with the backdrop told apart by `is_bg` (image position →
/// whether it is backdrop; `None` outside the photo): a segmentation's
/// person mask, where there is one.
pub fn fit_head_to(frame: &Frame, is_bg: impl Fn(Vec2) -> Option<bool>) -> Head {
    let mut head = Head::default();
    // Distance (projected mm) from `from` along `dir` to where 4 mm of
    // background in a row begins.
    let outline = |from: Vec2, dir: Vec2, lo: f32, hi: f32| -> Option<f32> {
        let mut run = 0;
        let mut t = lo;
        while t < hi {
            let q = frame.plane_to_image(from.plus(dir.scale(t)));
            match is_bg(q)? {
                true => {
                    run += 1;
                    if run == 8 {
                        return Some(t - 3.5);
                    }
                }
                false => run = 0,
            }
            t += 0.5;
        }
        None
    };
    // A forehead that looks like the backdrop means there is no outline to
    // find (or the calibration is off the face).
    if is_bg(frame.glabella).unwrap_or(true) {
        return head;
    }
    // The top: the head model's vertex sits where the outline is, less the
    // thickness of whatever hair is there (unknown: assume none).
    if let Some(top) = outline(Vec2::new(0.0, 0.0), Vec2::new(0.0, 1.0), 45.0, 170.0) {
        head.top_mm = top.clamp(60.0, 120.0);
        // Upright, an adult vertex shows about 100 mm above the glabella.
        // A lower outline means the head is tipped towards the camera (or
        // the camera is above it): the outline is then a point behind the
        // vertex, further along the scalp.
        head.arc_mm = (145.0 * UPRIGHT_TOP_MM / head.top_mm).clamp(120.0, 200.0);
    }
    let left = outline(Vec2::new(0.0, 25.0), Vec2::new(-1.0, 0.0), 45.0, 130.0);
    let right = outline(Vec2::new(0.0, 25.0), Vec2::new(1.0, 0.0), 45.0, 130.0);
    let half = match (left, right) {
        (Some(a), Some(b)) => Some((a + b) * 0.5),
        (a, b) => a.or(b),
    };
    if let Some(half) = half {
        head.half_width_mm = half.clamp(55.0, 100.0);
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_synthetic_head() {
        // Head 200 px wide centred at x=200, widest around y=220.
        let im =
            crate::image::ellipse_head((400, 500), (200.0, 220.0), (100.0, 160.0), [200, 150, 120]);
        let c = estimate(&im);
        assert_eq!(c.source, Source::Estimated);
        let f = c.frame();
        let mid = c.left_pupil.plus(c.right_pupil).scale(0.5);
        assert!((mid.x - 200.0).abs() < 6.0, "{mid:?}");
        assert!((mid.y - 220.0).abs() < 40.0, "{mid:?}");
        let expect_ppm = 200.0 / FACE_WIDTH_MM;
        assert!(
            (f.px_per_mm / expect_ppm - 1.0).abs() < 0.1,
            "{}",
            f.px_per_mm
        );
    }

    #[test]
    fn head_fit_finds_the_outline() {
        // A head 380 px wide and 520 px tall on a blue backdrop.
        let im =
            crate::image::ellipse_head((600, 600), (300.0, 330.0), (190.0, 260.0), [200, 150, 120]);
        let cal = Calibration::new(
            Vec2::new(220.0, 330.0),
            Vec2::new(380.0, 330.0),
            63.0,
            Source::Visitor,
            (600, 600),
        )
        .unwrap();
        let frame = cal.frame();
        let head = fit_head(&im, &frame);
        let top_mm = (frame.glabella.y - 70.0) / frame.px_per_mm;
        assert!(
            (head.top_mm - top_mm).abs() < 2.0,
            "{head:?} vs top {top_mm}"
        );
        let y = frame.glabella.y - 25.0 * frame.px_per_mm;
        let half_px = 190.0 * (1.0 - ((y - 330.0) / 260.0).powi(2)).sqrt();
        let half_mm = half_px / frame.px_per_mm;
        assert!(
            (head.half_width_mm - half_mm).abs() < 2.0,
            "{head:?} vs {half_mm}"
        );
        // A photo that is all one colour has no outline: the average head.
        let flat = Image::new(600, 600, [200, 150, 120, 255]).unwrap();
        assert_eq!(fit_head(&flat, &frame), Head::default());
    }

    #[test]
    fn falls_back_without_skin_and_on_tiny_images() {
        let im = Image::new(300, 200, [20, 200, 40, 255]).unwrap();
        let c = estimate(&im);
        assert!((c.left_pupil.plus(c.right_pupil).scale(0.5).x - 150.0).abs() < 1.0);
        for (w, h) in [(1, 1), (3, 2), (2, 900)] {
            let c = estimate(&Image::new(w, h, [200, 150, 120, 255]).unwrap());
            assert!(c.frame().px_per_mm.is_finite() && c.frame().px_per_mm > 0.0);
        }
    }
}
