//! The per-pixel cues the hair model weighs (see [`super::hair`]): colour
//! relative to the visitor's own forehead skin, fine texture, and
//! lightness relative to a smooth shading field fitted over the head.
//!
//! Ported from the numpy prototype (`reference_pipeline.py`: `decompose`,
//! `mtexture`, `shading_fit`, `features`) with the same constants.

use super::filters::{box_mean, gaussian, median};

/// Number of features per pixel; [`FEATURE_NAMES`] lists them.
pub const FEATURES: usize = 8;

/// What each feature measures, in order (the model's weights follow this
/// order). "Relative" means relative to the forehead reference.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "desaturation (log2 below the forehead's saturation), 0 on blown highlights",
    "darkness below the shading field (log2, beyond 0.7)",
    "share of white (s) in c = k·R + s, 0 on blown highlights",
    "texture gain above the forehead's, where desaturated or dark",
    "texture gain beyond 1.5 (log2)",
    "log2 saturation relative to the forehead, clipped to -3..1",
    "blown highlight (min channel 225..255 → 0..1)",
    "bias (1)",
];

/// Cube root for `x > 0.008856` (the part of L*a*b* that needs one):
/// a bit-level first guess and two Halley steps, within 3e-7 of
/// `f32::cbrt` relative (tested), several times faster natively and
/// without WebAssembly's software `cbrt`.
fn cbrt_fast(x: f32) -> f32 {
    if !(x > 1e-30 && x < 1e30) {
        return x.cbrt();
    }
    let mut y = f32::from_bits(x.to_bits() / 3 + 709_921_077);
    for _ in 0..2 {
        let y3 = y * y * y;
        y *= (y3 + 2.0 * x) / (2.0 * y3 + x);
    }
    y
}

/// Linear light → CIE L*a*b* (D65): [`crate::color::lab_of_linear`] with
/// a fast cube root (a bit-level guess and two Halley steps).
pub fn lab_fast([r, g, b]: [f32; 3]) -> [f32; 3] {
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            cbrt_fast(t)
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// `c ≈ k R + s·(1, 1, 1)` with `k, s ≥ 0`, least squares per pixel: how
/// much of the forehead's skin colour `R` (linear) and how much white
/// light (grey or white hair, shine) make up the linear colour `c`.
///
/// When `R` itself is grey (a black-and-white photo) the split is not
/// unique; everything is then counted as skin colour (`s = 0`).
pub fn decompose(c: [f32; 3], r: [f32; 3]) -> (f32, f32) {
    let rr = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    let sr = r[0] + r[1] + r[2];
    let cr = c[0] * r[0] + c[1] * r[1] + c[2] * r[2];
    let sc = c[0] + c[1] + c[2];
    let det = 3.0 * rr - sr * sr;
    let (mut k, mut s) = if det > 1e-6 * rr && rr > 0.0 {
        ((3.0 * cr - sr * sc) / det, (rr * sc - sr * cr) / det)
    } else {
        (f32::NAN, -1.0)
    };
    if s.is_nan() || s < 0.0 {
        k = if rr > 0.0 { cr / rr } else { -1.0 };
        s = 0.0;
    }
    if k.is_nan() || k < 0.0 {
        s = sc / 3.0;
        k = 0.0;
    }
    (k, s)
}

/// Fine texture of `l` inside `mask` (1 inside, 0 outside; reference
/// `mtexture`, σ = 1, 5 × 5 window): the RMS of `l` minus its normalised
/// Gaussian blur (only pixels of the mask count), over the least textured
/// of the four 5 × 5 windows that have the pixel in a corner, so hair
/// texture does not bleed onto the skin beside it. Corner windows centred
/// outside the image are left out (the prototype wrapped around).
///
/// Only the mask's bounding box grown by 8 pixels is computed: beyond 4
/// pixels from the mask the texture is 0 by definition, and within the
/// box the blur and windows (reach 4 + 2 + 2) see the same values as on
/// the whole image.
pub fn texture(l: &[f32], mask: &[f32], w: usize, h: usize) -> Vec<f32> {
    const MARGIN: usize = 8;
    let n = w * h;
    let mut out = vec![0.0f32; n];
    if l.len() != n || mask.len() != n {
        return out;
    }
    let Some((x0, y0, x1, y1)) =
        super::filters::bounding_box(mask.iter().map(|&m| m != 0.0), w, h, MARGIN)
    else {
        return out;
    };
    let (cw, ch) = (x1 - x0, y1 - y0);
    let crop = |v: &[f32]| -> Vec<f32> {
        (y0..y1)
            .flat_map(|y| v[y * w + x0..y * w + x1].iter().copied())
            .collect()
    };
    let t = texture_whole(&crop(l), &crop(mask), cw, ch);
    for (y, row) in t.chunks_exact(cw).enumerate() {
        out[(y0 + y) * w + x0..(y0 + y) * w + x1].copy_from_slice(row);
    }
    out
}

/// [`texture`] computed on the whole grid.
fn texture_whole(l: &[f32], mask: &[f32], w: usize, h: usize) -> Vec<f32> {
    const SIGMA: f32 = 1.0;
    const WIN: usize = 5;
    let n = w * h;
    let lm: Vec<f32> = l.iter().zip(mask).map(|(a, b)| a * b).collect();
    let wm = gaussian(mask, w, h, SIGMA);
    let bl = gaussian(&lm, w, h, SIGMA);
    let d2: Vec<f32> = (0..n)
        .map(|i| {
            let d = (l[i] - bl[i] / wm[i].max(1e-3)) * mask[i];
            d * d
        })
        .collect();
    let num = box_mean(&d2, w, h, WIN);
    let den = box_mean(mask, w, h, WIN);
    let e: Vec<f32> = num.iter().zip(&den).map(|(a, b)| a / b.max(1e-3)).collect();
    let r = (WIN / 2) as isize;
    let mut out = vec![0.0f32; n];
    for y in 0..h as isize {
        for x in 0..w as isize {
            let mut best = f32::INFINITY;
            for (dy, dx) in [(-r, -r), (-r, r), (r, -r), (r, r)] {
                let (sx, sy) = (x + dx, y + dy);
                if sx >= 0 && sy >= 0 && (sx as usize) < w && (sy as usize) < h {
                    best = best.min(e[sy as usize * w + sx as usize]);
                }
            }
            if !best.is_finite() {
                // An image narrower than the window: the pixel's own window.
                best = e[y as usize * w + x as usize];
            }
            out[y as usize * w + x as usize] = best.max(0.0).sqrt();
        }
    }
    out
}

/// Robust quadratic fit of `log_y` (log2 luminance) in the face-frame
/// coordinates `fx`, `fy` (mm) over the pixels of `m` (reference
/// `shading_fit`, 4 rounds): pixels darker than the fit (hair) are
/// down-weighted by a Tukey biweight on the negative residuals, scaled by
/// 1.4826 × the median absolute residual + 0.05. `w0` are the starting
/// weights. Returns the fitted field at the pixels of `eval` (0
/// elsewhere, and everywhere when `m` is empty, like a least-squares fit
/// to nothing).
pub fn shading_fit(
    log_y: &[f32],
    fx: &[f32],
    fy: &[f32],
    m: &[bool],
    w0: &[f32],
    eval: &[bool],
) -> Vec<f32> {
    const ITERS: usize = 4;
    let n = log_y.len();
    if [fx.len(), fy.len(), m.len(), w0.len(), eval.len()] != [n; 5] {
        return vec![0.0; n];
    }
    let basis = |i: usize| -> [f64; 6] {
        let xs = fx[i] as f64 / 60.0;
        let ys = (fy[i] as f64 - 50.0) / 60.0;
        [1.0, xs, ys, xs * xs, xs * ys, ys * ys]
    };
    let idx: Vec<usize> = (0..n).filter(|&i| m[i]).collect();
    if idx.is_empty() {
        return vec![0.0; n];
    }
    let rows: Vec<[f64; 6]> = idx.iter().map(|&i| basis(i)).collect();
    let mut w: Vec<f64> = idx.iter().map(|&i| w0[i] as f64).collect();
    let mut coef = [0.0f64; 6];
    let mut absr = vec![0.0f32; idx.len()];
    let mut res = vec![0.0f64; idx.len()];
    for _ in 0..ITERS {
        let mut ata = [[0.0f64; 6]; 6];
        let mut atb = [0.0f64; 6];
        for ((&i, &wi), a) in idx.iter().zip(&w).zip(&rows) {
            if wi == 0.0 {
                continue;
            }
            let b = log_y[i] as f64;
            for r in 0..6 {
                let wa = wi * a[r];
                atb[r] += wa * b;
                for c in r..6 {
                    ata[r][c] += wa * a[c];
                }
            }
        }
        mirror_upper(&mut ata);
        coef = solve_spd(ata, atb);
        for ((r, &i), a) in res.iter_mut().zip(&idx).zip(&rows) {
            *r = log_y[i] as f64 - (0..6).map(|k| a[k] * coef[k]).sum::<f64>();
        }
        for (d, r) in absr.iter_mut().zip(&res) {
            *d = r.abs() as f32;
        }
        let sc = 1.4826 * median(&mut absr).unwrap_or(0.0) as f64 + 0.05;
        for ((wi, &i), r) in w.iter_mut().zip(&idx).zip(&res) {
            let u = r.min(0.0) / (3.0 * sc);
            let t = if u.abs() < 1.0 {
                (1.0 - u * u) * (1.0 - u * u)
            } else {
                0.0
            };
            *wi = w0[i] as f64 * t;
        }
    }
    (0..n)
        .map(|i| {
            if !eval[i] {
                return 0.0;
            }
            let a = basis(i);
            (0..6).map(|k| a[k] * coef[k]).sum::<f64>() as f32
        })
        .collect()
}

/// Copies the upper triangle of a square matrix onto the lower one.
#[allow(clippy::needless_range_loop)] // matrix indices read best here
pub(crate) fn mirror_upper<const K: usize>(a: &mut [[f64; K]; K]) {
    for r in 1..K {
        for c in 0..r {
            a[r][c] = a[c][r];
        }
    }
}

/// Solves the symmetric positive semi-definite system `a x = b` (the
/// normal equations of a least-squares fit) by Cholesky after adding a
/// ridge of 1e-9 × the mean diagonal, so a rank-deficient fit (too few or
/// collinear pixels) gives a small-norm solution instead of failing.
/// All zeros when `a` is zero or the factorisation breaks down.
pub(crate) fn solve_spd<const K: usize>(mut a: [[f64; K]; K], b: [f64; K]) -> [f64; K] {
    let tr: f64 = (0..K).map(|i| a[i][i]).sum::<f64>() / K as f64;
    if !(tr > 0.0 && tr.is_finite()) {
        return [0.0; K];
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += 1e-9 * tr;
    }
    // In-place Cholesky: the lower triangle becomes L.
    for j in 0..K {
        let (done, rest) = a.split_at_mut(j);
        let row_j = &mut rest[0];
        let d = row_j[j] - row_j[..j].iter().map(|v| v * v).sum::<f64>();
        if d.is_nan() || d <= 0.0 {
            return [0.0; K];
        }
        let d = d.sqrt();
        row_j[j] = d;
        let _ = done;
        let lj: [f64; K] = *row_j;
        for row_i in rest.iter_mut().skip(1) {
            let s = row_i[j] - (0..j).map(|k| row_i[k] * lj[k]).sum::<f64>();
            row_i[j] = s / d;
        }
    }
    // Forward (L y = b), then back (Lᵀ x = y) substitution.
    let mut y = [0.0; K];
    for i in 0..K {
        y[i] = (b[i] - (0..i).map(|k| a[i][k] * y[k]).sum::<f64>()) / a[i][i];
    }
    let mut x = [0.0; K];
    for i in (0..K).rev() {
        x[i] = (y[i] - (i + 1..K).map(|k| a[k][i] * x[k]).sum::<f64>()) / a[i][i];
    }
    if x.iter().all(|v| v.is_finite()) {
        x
    } else {
        [0.0; K]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_cube_root_and_lab() {
        let mut worst = 0.0f32;
        let mut t = 0.008;
        while t < 1.2 {
            let e = (cbrt_fast(t) - t.cbrt()).abs() / t.cbrt();
            worst = worst.max(e);
            t *= 1.0001;
        }
        assert!(worst < 3e-7, "{worst}");
        assert_eq!(cbrt_fast(0.0), 0.0);
        assert!(cbrt_fast(f32::NAN).is_nan());
        for rgb in [
            [0u8, 0, 0],
            [255, 255, 255],
            [200, 150, 120],
            [10, 200, 30],
            [3, 3, 90],
        ] {
            let lin = rgb.map(crate::color::to_linear);
            let (a, b) = (lab_fast(lin), crate::color::lab_of_linear(lin));
            for k in 0..3 {
                assert!((a[k] - b[k]).abs() < 1e-4, "{rgb:?}: {a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn decomposition_splits_skin_and_white() {
        let r = [0.5, 0.3, 0.2];
        let (k, s) = decompose([1.0, 0.6, 0.4], r);
        assert!((k - 2.0).abs() < 1e-5 && s.abs() < 1e-5);
        let (k, s) = decompose([0.35, 0.25, 0.2], r);
        assert!((k - 0.5).abs() < 1e-5 && (s - 0.1).abs() < 1e-5, "{k} {s}");
        // Bluer than white: no skin colour, all grey.
        let (k, s) = decompose([0.1, 0.2, 0.6], r);
        assert_eq!(k, 0.0);
        assert!((s - 0.3).abs() < 1e-6);
        // Redder than the skin: no white, least squares along R.
        let (k, s) = decompose([0.6, 0.1, 0.0], r);
        assert_eq!(s, 0.0);
        assert!(k > 0.0);
        // Grey or black reference: no split, no NaN.
        for r in [[0.4, 0.4, 0.4], [0.0, 0.0, 0.0]] {
            let (k, s) = decompose([0.3, 0.2, 0.1], r);
            assert!(k.is_finite() && s.is_finite() && k >= 0.0 && s >= 0.0);
        }
    }

    /// The texture by its definition, pixel by pixel, with out-of-image
    /// samples taken from the mirrored image (scipy's boundary).
    fn texture_direct(l: &[f32], m: &[f32], w: usize, h: usize) -> Vec<f32> {
        use crate::segment::filters::{gaussian_kernel, reflect};
        let k = gaussian_kernel(1.0);
        let at = |v: &[f32], x: isize, y: isize| v[reflect(y, h) * w + reflect(x, w)];
        let blur = |v: &[f32], x: isize, y: isize| -> f64 {
            let mut s = 0.0;
            for (j, ky) in k.iter().enumerate() {
                for (i, kx) in k.iter().enumerate() {
                    s += (ky * kx) as f64 * at(v, x + i as isize - 4, y + j as isize - 4) as f64;
                }
            }
            s
        };
        let lm: Vec<f32> = l.iter().zip(m).map(|(a, b)| a * b).collect();
        let d: Vec<f32> = (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as isize, (i / w) as isize);
                let b = blur(&lm, x, y) / blur(m, x, y).max(1e-3);
                ((l[i] as f64 - b) * m[i] as f64) as f32
            })
            .collect();
        let e = |x: isize, y: isize| -> f64 {
            let (mut a, mut b) = (0.0, 0.0);
            for j in -2..=2 {
                for i in -2..=2 {
                    a += (at(&d, x + i, y + j) as f64).powi(2);
                    b += at(m, x + i, y + j) as f64;
                }
            }
            a / 25.0 / (b / 25.0).max(1e-3)
        };
        (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as isize, (i / w) as isize);
                let mut best = f64::INFINITY;
                for (dy, dx) in [(-2, -2), (-2, 2), (2, -2), (2, 2)] {
                    let (sx, sy) = (x + dx, y + dy);
                    if sx >= 0 && sy >= 0 && (sx as usize) < w && (sy as usize) < h {
                        best = best.min(e(sx, sy));
                    }
                }
                best.max(0.0).sqrt() as f32
            })
            .collect()
    }

    #[test]
    fn texture_matches_its_definition() {
        let (w, h) = (17, 12);
        let mut s = 12345u32;
        let l: Vec<f32> = (0..w * h)
            .map(|_| {
                s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((s >> 16) % 100) as f32
            })
            .collect();
        // A mask with a hole and a ragged edge.
        let m: Vec<f32> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                f32::from(u8::from(x + y > 4 && !(8..10).contains(&x) || y > 9))
            })
            .collect();
        let got = texture(&l, &m, w, h);
        let want = texture_direct(&l, &m, w, h);
        for (i, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!((a - b).abs() < 2e-3 * b.max(1.0), "pixel {i}: {a} vs {b}");
        }
        // Edge-preserving: the blur reaches 4 px, so from x = 19 on the
        // right-hand corner windows see only flat pixels: flat, although a
        // centred 5 × 5 window would still reach the blurred edge.
        let (w, h) = (30, 20);
        let l: Vec<f32> = (0..w * h)
            .map(|i| {
                if i % w < 15 {
                    ((i * 7919) % 13) as f32 * 5.0
                } else {
                    50.0
                }
            })
            .collect();
        let t = texture(&l, &vec![1.0; w * h], w, h);
        assert!(t[10 * w + 5] > 5.0, "{}", t[10 * w + 5]);
        assert!(t[10 * w + 19] < 1e-3, "{}", t[10 * w + 19]);
        assert!(t[10 * w + 17] > 0.01, "{}", t[10 * w + 17]);
        // Degenerate sizes do not panic.
        assert_eq!(texture(&[1.0], &[1.0], 1, 1), vec![0.0]);
        assert_eq!(texture(&[1.0; 3], &[1.0; 2], 3, 1), vec![0.0; 3]);
    }

    #[test]
    fn shading_fit_ignores_dark_outliers() {
        // A quadratic shading over 40 × 30 mm plus a dark patch (hair).
        let (w, h) = (40, 30);
        let mut fx = vec![0.0; w * h];
        let mut fy = vec![0.0; w * h];
        let mut ly = vec![0.0; w * h];
        for i in 0..w * h {
            let (x, y) = ((i % w) as f32 - 20.0, 60.0 - (i / w) as f32);
            fx[i] = x;
            fy[i] = y;
            let xs = x / 60.0;
            let ys = (y - 50.0) / 60.0;
            ly[i] = -1.0 + 0.5 * xs - 0.3 * ys - 0.8 * xs * xs + 0.2 * xs * ys;
            if (i % w) < 10 && (i / w) < 12 {
                ly[i] -= 3.0;
            }
        }
        let m = vec![true; w * h];
        let field = shading_fit(&ly, &fx, &fy, &m, &vec![1.0; w * h], &m);
        let i = 25 * w + 30;
        let want = ly[i];
        assert!((field[i] - want).abs() < 0.02, "{} vs {want}", field[i]);
        let j = 5 * w + 5;
        assert!((field[j] - (ly[j] + 3.0)).abs() < 0.05);
        // Nothing to fit: zeros; too few pixels: finite.
        assert!(
            shading_fit(&ly, &fx, &fy, &vec![false; w * h], &vec![1.0; w * h], &m)
                .iter()
                .all(|&v| v == 0.0)
        );
        let mut one = vec![false; w * h];
        one[3] = true;
        assert!(shading_fit(&ly, &fx, &fy, &one, &vec![1.0; w * h], &m)
            .iter()
            .all(|v| v.is_finite()));
    }

    #[test]
    fn spd_solver() {
        let a = [[4.0, 2.0], [2.0, 3.0]];
        let x = solve_spd(a, [2.0, 1.0]);
        assert!((x[0] - 0.5).abs() < 1e-8 && x[1].abs() < 1e-8);
        assert_eq!(solve_spd([[0.0; 2]; 2], [1.0, 1.0]), [0.0, 0.0]);
        // Singular: a small-norm answer, not infinities.
        let x = solve_spd([[1.0, 1.0], [1.0, 1.0]], [2.0, 2.0]);
        assert!(
            (x[0] - 1.0).abs() < 1e-3 && (x[1] - 1.0).abs() < 1e-3,
            "{x:?}"
        );
    }
}
