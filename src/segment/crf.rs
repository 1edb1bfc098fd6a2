//! Smoothing of the per-pixel hair scores: mean-field inference of a
//! two-label conditional random field (reference `meanfield`).
//!
//! Each pixel's unary is the model's log-odds `z` of hair; every pixel is
//! tied to its 8 neighbours with a weight that falls with their colour
//! difference, `γ · exp(-β |ΔLab'|²)` (diagonals divided by √2), where
//! `Lab' = (L/10, a/5, b/5)` and `β = 1 / (2 · mean |ΔLab'|²)` over all
//! horizontal and vertical neighbour pairs of the image. So a region of
//! one colour takes one label, while a real colour edge can separate
//! hair from skin. Eight rounds of `q ← σ(z + Σ w (2q' - 1))`.
//!
//! Unlike the prototype (numpy `roll`, which wraps around), neighbours
//! outside the image are absent.

/// Pairwise strength γ.
pub const GAMMA: f32 = 2.5;
/// Mean-field rounds.
pub const ITERS: usize = 8;
/// Unary log-odds of pixels that are never hair.
pub const NEVER: f32 = -20.0;

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp_fast(-x))
}

/// `e^x` within 3e-7 relative of `f32::exp` for `x` in -87..88 (clamped
/// there; tested): `2^n · e^r` with `n` the nearest integer to
/// `x / ln 2`, `r = x - n ln 2` (ln 2 split in two parts, Cody and Waite,
/// so `r` stays exact) and a degree-6 Taylor polynomial for `e^r`,
/// `|r| ≤ 0.35`. Branch-free, so it vectorises natively, and it spares
/// WebAssembly's software `exp` (the mean-field's ~12 exponentials per
/// pixel were most of its time).
pub fn exp_fast(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
    const LN2_HI: f32 = 0.693_359_4; // 355 / 512, exact in few bits
    const LN2_LO: f32 = -2.121_944_4e-4; // ln 2 - LN2_HI
    let x = x.clamp(-87.0, 88.0);
    let big = x * std::f32::consts::LOG2_E + ROUND;
    let n = big - ROUND;
    // The rounded integer sits in the low mantissa bits of `big`.
    let ni = (big.to_bits() as i32).wrapping_sub(0x4B40_0000);
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    f32::from_bits(((ni + 127) as u32) << 23) * p
}

/// `β = 1 / (2 · mean |ΔLab'|²)` over the horizontal and vertical
/// neighbour pairs of the whole `w × h` image (`None` when the image has
/// no such pairs or is flat).
pub fn contrast_beta(lab: &[[f32; 3]], w: usize, h: usize) -> Option<f32> {
    let (mut sum, mut count) = (0.0f64, 0usize);
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if x + 1 < w {
                sum += dist2(lab[i], lab[i + 1]) as f64;
                count += 1;
            }
            if y + 1 < h {
                sum += dist2(lab[i], lab[i + w]) as f64;
                count += 1;
            }
        }
    }
    let mean = sum / count.max(1) as f64;
    (count > 0 && mean > 1e-12).then(|| (1.0 / (2.0 * mean)) as f32)
}

/// Squared difference in `Lab' = (L/10, a/5, b/5)`.
fn dist2(a: [f32; 3], b: [f32; 3]) -> f32 {
    let d = [
        (a[0] - b[0]) / 10.0,
        (a[1] - b[1]) / 5.0,
        (a[2] - b[2]) / 5.0,
    ];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Mean-field hair probability `q` for the `w × h` image with L*a*b*
/// colours `lab` and unary log-odds `z`, deciding only inside `region`;
/// outside it, and on `never` (the forehead anchor), the unary is
/// [`NEVER`]. Returns `q` inside `region`, 0 elsewhere.
///
/// Only a box around `region` is computed: influence spreads one pixel
/// per round, so pixels more than [`ITERS`] + 1 pixels outside the
/// region cannot change it.
pub fn meanfield(
    lab: &[[f32; 3]],
    w: usize,
    h: usize,
    z: &[f32],
    region: &[bool],
    never: &[bool],
) -> Vec<f32> {
    let n = w * h;
    let mut out = vec![0.0f32; n];
    if lab.len() != n || z.len() != n || region.len() != n || never.len() != n {
        return out;
    }
    // A flat image has no contrast to go by: every weight is then γ.
    let beta = contrast_beta(lab, w, h).unwrap_or(0.0);
    // Bounding box of the region, grown by the reach of the rounds.
    let Some((x0, y0, x1, y1)) =
        super::filters::bounding_box(region.iter().copied(), w, h, ITERS + 1)
    else {
        return out;
    };
    // Padded local grid: one ring of absent pixels (weight 0) around the box.
    let (bw, bh) = (x1 - x0, y1 - y0);
    let pw = bw + 2;
    let pn = pw * (bh + 2);
    let at = |px: usize, py: usize| (y0 + py - 1) * w + (x0 + px - 1);
    let diag = GAMMA / std::f32::consts::SQRT_2;
    // Forward weights of the pairs (p, p + o) for o = right, down,
    // down-right, down-left; 0 when either end is outside the box.
    let mut wr = vec![0.0f32; pn];
    let mut wd = vec![0.0f32; pn];
    let mut wdr = vec![0.0f32; pn];
    let mut wdl = vec![0.0f32; pn];
    let mut zz = vec![NEVER; pn];
    let mut q = vec![0.0f32; pn];
    for py in 1..=bh {
        for px in 1..=bw {
            let p = py * pw + px;
            let i = at(px, py);
            let c = lab[i];
            if px < bw {
                wr[p] = GAMMA * exp_fast(-beta * dist2(c, lab[i + 1]));
            }
            if py < bh {
                wd[p] = GAMMA * exp_fast(-beta * dist2(c, lab[i + w]));
                if px < bw {
                    wdr[p] = diag * exp_fast(-beta * dist2(c, lab[i + w + 1]));
                }
                if px > 1 {
                    wdl[p] = diag * exp_fast(-beta * dist2(c, lab[i + w - 1]));
                }
            }
            if region[i] && !never[i] {
                zz[p] = z[i];
            }
            q[p] = sigmoid(zz[p]);
        }
    }
    let mut m = vec![0.0f32; pn];
    for _ in 0..ITERS {
        for (mv, qv) in m.iter_mut().zip(&q) {
            *mv = 2.0 * qv - 1.0;
        }
        for py in 1..=bh {
            // Row slices of exact lengths, so the loop below has no
            // bounds checks and vectorises. Pixel x of the row is p0 + x.
            let p0 = py * pw + 1;
            let (up, dn) = (p0 - pw, p0 + pw);
            let mc = &m[p0 - 1..p0 + bw + 1];
            let mu = &m[up - 1..up + bw + 1];
            let md = &m[dn - 1..dn + bw + 1];
            let wrc = &wr[p0 - 1..p0 + bw];
            let (wdc, wdu) = (&wd[p0..p0 + bw], &wd[up..up + bw]);
            let (wdrc, wdru) = (&wdr[p0..p0 + bw], &wdr[up - 1..up - 1 + bw]);
            let (wdlc, wdlu) = (&wdl[p0..p0 + bw], &wdl[up + 1..up + 1 + bw]);
            let zr = &zz[p0..p0 + bw];
            let qr = &mut q[p0..p0 + bw];
            for x in 0..bw {
                let acc = wrc[x + 1] * mc[x + 2]
                    + wrc[x] * mc[x]
                    + wdc[x] * md[x + 1]
                    + wdu[x] * mu[x + 1]
                    + wdrc[x] * md[x + 2]
                    + wdru[x] * mu[x]
                    + wdlc[x] * md[x]
                    + wdlu[x] * mu[x + 2];
                qr[x] = zr[x] + acc;
            }
            for v in qr.iter_mut() {
                *v = sigmoid(v.clamp(-30.0, 30.0));
            }
        }
    }
    for py in 1..=bh {
        for px in 1..=bw {
            let i = at(px, py);
            if region[i] {
                out[i] = q[py * pw + px];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::lab;

    /// The prototype's update on the whole image, by its definition (no
    /// box, no padding; out-of-image neighbours absent).
    fn reference(
        labs: &[[f32; 3]],
        w: usize,
        h: usize,
        z: &[f32],
        region: &[bool],
        never: &[bool],
    ) -> Vec<f32> {
        let beta = contrast_beta(labs, w, h).unwrap_or(0.0);
        let zz: Vec<f32> = (0..w * h)
            .map(|i| if region[i] && !never[i] { z[i] } else { NEVER })
            .collect();
        let mut q: Vec<f32> = zz.iter().map(|&v| sigmoid(v)).collect();
        for _ in 0..ITERS {
            let m: Vec<f32> = q.iter().map(|v| 2.0 * v - 1.0).collect();
            q = (0..w * h)
                .map(|i| {
                    let (x, y) = ((i % w) as isize, (i / w) as isize);
                    let mut acc = 0.0;
                    for dy in -1..=1isize {
                        for dx in -1..=1isize {
                            let (sx, sy) = (x + dx, y + dy);
                            if (dx, dy) == (0, 0)
                                || sx < 0
                                || sy < 0
                                || sx >= w as isize
                                || sy >= h as isize
                            {
                                continue;
                            }
                            let j = sy as usize * w + sx as usize;
                            let g = if dx != 0 && dy != 0 {
                                GAMMA / 2f32.sqrt()
                            } else {
                                GAMMA
                            };
                            acc += g * (-beta * dist2(labs[i], labs[j])).exp() * m[j];
                        }
                    }
                    sigmoid((zz[i] + acc).clamp(-30.0, 30.0))
                })
                .collect();
        }
        (0..w * h)
            .map(|i| if region[i] { q[i] } else { 0.0 })
            .collect()
    }

    /// Two regions (grey hair texture on the left, skin on the right)
    /// under a soft lightness ramp across the whole image.
    fn two_regions(w: usize, h: usize) -> (Vec<[f32; 3]>, Vec<f32>) {
        let mut labs = Vec::new();
        let mut z = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let ramp = 60.0 + 80.0 * y as f32 / h as f32; // soft shading
                let hair = x < w / 3;
                let rgb = if hair {
                    [ramp * 0.45, ramp * 0.45, ramp * 0.47]
                } else {
                    [ramp * 1.3, ramp, ramp * 0.8]
                };
                labs.push(lab(rgb.map(|v| v.clamp(0.0, 255.0) as u8)));
                // Noisy evidence: hair mostly positive, skin mostly
                // negative but less so towards the dark end of the ramp.
                let noise = (((x * 7919 + y * 104_729) % 17) as f32 - 8.0) / 3.0;
                let shade = -2.0 + 1.5 * (1.0 - y as f32 / h as f32);
                z.push(if hair { 1.5 + noise } else { shade + noise });
            }
        }
        (labs, z)
    }

    #[test]
    fn fast_exponential() {
        let mut worst = 0.0f32;
        let mut x = -87.0f32;
        while x < 88.0 {
            let e = (exp_fast(x) - x.exp()).abs() / x.exp();
            worst = worst.max(e);
            x += 0.001;
        }
        assert!(worst < 3e-7, "{worst}");
        assert_eq!(exp_fast(0.0), 1.0);
        assert!(exp_fast(-1000.0) > 0.0 && exp_fast(-1000.0) < 1e-37);
        assert!(exp_fast(1000.0).is_finite());
    }

    #[test]
    fn matches_the_definition_on_a_whole_image() {
        let (w, h) = (40, 30);
        let (labs, z) = two_regions(w, h);
        let region: Vec<bool> = (0..w * h).map(|i| i % w > 2 && i / w < 25).collect();
        let mut never = vec![false; w * h];
        never[20 * w + 30] = true;
        let got = meanfield(&labs, w, h, &z, &region, &never);
        let want = reference(&labs, w, h, &z, &region, &never);
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
        // A small region far from the edges: the box equals the image.
        let (w, h) = (60, 60);
        let (labs, z) = two_regions(w, h);
        let region: Vec<bool> = (0..w * h)
            .map(|i| (25..35).contains(&(i % w)) && (20..30).contains(&(i / w)))
            .collect();
        let got = meanfield(&labs, w, h, &z, &region, &vec![false; w * h]);
        let want = reference(&labs, w, h, &z, &region, &vec![false; w * h]);
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn the_shading_ramp_stays_one_class() {
        let (w, h) = (60, 48);
        let (labs, z) = two_regions(w, h);
        let region = vec![true; w * h];
        let q = meanfield(&labs, w, h, &z, &region, &vec![false; w * h]);
        // The evidence alone calls part of the dark end of the skin hair.
        let raw_wrong = (0..w * h).filter(|&i| i % w > w / 3 && z[i] > 0.0).count();
        assert!(raw_wrong > 50, "{raw_wrong}");
        for y in 0..h {
            for x in 0..w {
                let v = q[y * w + x];
                if x < w / 3 {
                    assert!(v > 0.5, "hair at ({x}, {y}): {v}");
                } else if x > w / 3 {
                    assert!(v < 0.5, "skin at ({x}, {y}): {v}");
                }
            }
        }
    }

    #[test]
    fn outside_the_region_nothing_is_hair() {
        let (w, h) = (20, 20);
        let labs = vec![[50.0, 10.0, 10.0]; w * h];
        let z = vec![20.0; w * h];
        let region: Vec<bool> = (0..w * h).map(|i| i % w < 10).collect();
        let mut never = vec![false; w * h];
        never[5 * w + 5] = true;
        let q = meanfield(&labs, w, h, &z, &region, &never);
        assert!(q.iter().enumerate().all(|(i, &v)| region[i] || v == 0.0));
        assert!(
            q[5 * w + 5] < 0.5,
            "the anchor is never hair, even among hair"
        );
        assert!(q[5 * w + 2] > 0.99);
        // Nothing to decide, wrong sizes: zeros, no panic.
        assert!(meanfield(&labs, w, h, &z, &vec![false; w * h], &never)
            .iter()
            .all(|&v| v == 0.0));
        assert_eq!(
            meanfield(&labs, w, h, &z[1..], &region, &never).len(),
            w * h
        );
        assert!(meanfield(&[], 0, 0, &[], &[], &[]).is_empty());
    }
}
