//! Image filters the hair segmentation ([`super::hair`]) is built from, on
//! row-major `f32` / `bool` grids: the scipy.ndimage operations the
//! reference prototype used, with the same definitions.
//!
//! - [`gaussian`]: separable Gaussian blur, kernel truncated at 4 σ
//!   (`radius = ⌊4σ + 0.5⌋`), scipy's default `reflect` boundary
//!   (`d c b a | a b c d`).
//! - [`box_mean`]: the mean over a `size × size` window, same boundary
//!   (`scipy.ndimage.uniform_filter`).
//! - [`erode`]: binary erosion by the 3 × 3 cross, iterated `n` times,
//!   with everything outside the image counting as unset (scipy's
//!   `binary_erosion` defaults).
//! - [`label4`]: connected components, 4-connectivity
//!   (`scipy.ndimage.label`'s default).
//! - [`median`], [`percentile`]: numpy's definitions (the mean of the two
//!   middle values; linear interpolation between order statistics).

/// Index `i` of a row of `n` samples extended by mirror reflection about
/// the outer pixel edges (scipy's `reflect`), for any `i`.
pub(crate) fn reflect(i: isize, n: usize) -> usize {
    let n = n as isize;
    let m = i.rem_euclid(2 * n);
    (if m >= n { 2 * n - 1 - m } else { m }) as usize
}

/// scipy's 1-D Gaussian kernel: `exp(-x² / 2σ²)` for `|x| ≤ ⌊4σ + 0.5⌋`,
/// normalised to sum 1.
pub(crate) fn gaussian_kernel(sigma: f32) -> Vec<f32> {
    let sigma = if sigma.is_finite() && sigma > 0.0 {
        sigma as f64
    } else {
        return vec![1.0];
    };
    let r = (4.0 * sigma + 0.5) as i64;
    let k: Vec<f64> = (-r..=r)
        .map(|x| (-0.5 * (x * x) as f64 / (sigma * sigma)).exp())
        .collect();
    let s: f64 = k.iter().sum();
    k.iter().map(|v| (v / s) as f32).collect()
}

/// Correlates every row, then every column, of the `w × h` grid `src`
/// with the odd-length `kernel` (centred), extending the grid by
/// reflection.
pub(crate) fn separable(src: &[f32], w: usize, h: usize, kernel: &[f32]) -> Vec<f32> {
    let n = w * h;
    if n == 0 || src.len() != n || kernel.is_empty() {
        return src.to_vec();
    }
    let r = kernel.len() / 2;
    // Rows: each padded once, then a plain dot product per pixel.
    let mut tmp = vec![0.0f32; n];
    let mut pad = vec![0.0f32; w + 2 * r];
    for y in 0..h {
        let row = &src[y * w..(y + 1) * w];
        pad[r..r + w].copy_from_slice(row);
        for i in 0..r {
            pad[i] = row[reflect(i as isize - r as isize, w)];
            pad[r + w + i] = row[reflect((w + i) as isize, w)];
        }
        for (x, out) in tmp[y * w..(y + 1) * w].iter_mut().enumerate() {
            *out = kernel
                .iter()
                .zip(&pad[x..x + kernel.len()])
                .map(|(k, v)| k * v)
                .sum();
        }
    }
    // Columns: whole source rows weighted into each output row.
    let mut out = vec![0.0f32; n];
    for y in 0..h {
        let dst = &mut out[y * w..(y + 1) * w];
        for (j, &k) in kernel.iter().enumerate() {
            let sy = reflect(y as isize + j as isize - r as isize, h);
            for (d, s) in dst.iter_mut().zip(&tmp[sy * w..(sy + 1) * w]) {
                *d += k * s;
            }
        }
    }
    out
}

/// Gaussian blur of standard deviation `sigma` pixels
/// (`scipy.ndimage.gaussian_filter`, default mode and truncation).
pub fn gaussian(src: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    separable(src, w, h, &gaussian_kernel(sigma))
}

/// Mean over the `size × size` window centred on each pixel (`size` odd;
/// `scipy.ndimage.uniform_filter`).
pub fn box_mean(src: &[f32], w: usize, h: usize, size: usize) -> Vec<f32> {
    let size = size.max(1) | 1;
    separable(src, w, h, &vec![1.0 / size as f32; size])
}

/// Binary erosion by the 3 × 3 cross, `n` times, pixels outside the image
/// unset: a pixel stays set when every pixel within city-block distance
/// `n` is set and inside the image. Computed exactly as a two-pass
/// city-block distance transform, so the cost does not grow with `n`.
pub fn erode(mask: &[bool], w: usize, h: usize, n: usize) -> Vec<bool> {
    if mask.len() != w * h {
        return vec![false; mask.len()];
    }
    let cap = (n + 1).min(u32::MAX as usize - 1) as u32;
    let mut d = vec![0u32; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if mask[i] {
                let left = if x > 0 { d[i - 1] } else { 0 };
                let up = if y > 0 { d[i - w] } else { 0 };
                d[i] = (left.min(up) + 1).min(cap);
            }
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let i = y * w + x;
            if d[i] > 0 {
                let right = if x + 1 < w { d[i + 1] } else { 0 };
                let down = if y + 1 < h { d[i + w] } else { 0 };
                d[i] = d[i].min(right + 1).min(down + 1);
            }
        }
    }
    d.iter().map(|&v| v as usize > n).collect()
}

/// The smallest box around the set pixels of a `w`×`h` image (`set`,
/// row-major), grown by `margin` pixels and clipped to the image:
/// `(x0, y0, x1, y1)`, the ends exclusive. `None` when no pixel is set.
pub fn bounding_box(
    set: impl Iterator<Item = bool>,
    w: usize,
    h: usize,
    margin: usize,
) -> Option<(usize, usize, usize, usize)> {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, _) in set.enumerate().filter(|&(_, on)| on) {
        let (x, y) = (i % w, i / w);
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x + 1);
        y1 = y1.max(y + 1);
    }
    (x0 != usize::MAX).then(|| {
        (
            x0.saturating_sub(margin),
            y0.saturating_sub(margin),
            (x1 + margin).min(w),
            (y1 + margin).min(h),
        )
    })
}

/// Connected components of `mask` under 4-connectivity: per pixel its
/// component `1..=count` (0 where unset), numbered in raster order of
/// their first pixel, and `count`.
pub fn label4(mask: &[bool], w: usize, h: usize) -> (Vec<u32>, u32) {
    let mut lbl = vec![0u32; mask.len()];
    if mask.len() != w * h {
        return (lbl, 0);
    }
    let mut count = 0u32;
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || lbl[start] != 0 {
            continue;
        }
        count += 1;
        lbl[start] = count;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if mask[j] && lbl[j] == 0 {
                    lbl[j] = count;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
    }
    (lbl, count)
}

/// numpy's median (the mean of the two middle values for an even count);
/// `None` for no values. Reorders `v`. NaNs sort last.
pub fn median(v: &mut [f32]) -> Option<f32> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (lower, &mut hi, _) = v.select_nth_unstable_by(n / 2, f32::total_cmp);
    if n % 2 == 1 {
        return Some(hi);
    }
    let lo = lower.iter().copied().max_by(f32::total_cmp).unwrap_or(hi);
    Some(lo + (hi - lo) * 0.5)
}

/// numpy's default (`linear`) percentile `q` (0..100); `None` for no
/// values. Reorders `v`.
pub fn percentile(v: &mut [f32], q: f32) -> Option<f32> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let pos = (q.clamp(0.0, 100.0) as f64 / 100.0) * (n - 1) as f64;
    let i = (pos.floor() as usize).min(n - 1);
    let t = (pos - i as f64) as f32;
    let (_, &mut a, upper) = v.select_nth_unstable_by(i, f32::total_cmp);
    if t == 0.0 || upper.is_empty() {
        return Some(a);
    }
    let b = upper.iter().copied().min_by(f32::total_cmp).unwrap_or(a);
    // numpy's lerp: from the nearer end, so t = 1 gives b exactly.
    Some(if t < 0.5 {
        a + (b - a) * t
    } else {
        b - (b - a) * (1.0 - t)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct definition: every output pixel a double sum over the
    /// reflected neighbourhood.
    fn direct(src: &[f32], w: usize, h: usize, k: &[f32]) -> Vec<f32> {
        let r = (k.len() / 2) as isize;
        let mut out = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0f64;
                for (j, ky) in k.iter().enumerate() {
                    for (i, kx) in k.iter().enumerate() {
                        let sy = reflect(y as isize + j as isize - r, h);
                        let sx = reflect(x as isize + i as isize - r, w);
                        s += (*ky as f64) * (*kx as f64) * src[sy * w + sx] as f64;
                    }
                }
                out[y * w + x] = s as f32;
            }
        }
        out
    }

    fn noise(w: usize, h: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).max(1);
        (0..w * h)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s % 1000) as f32 / 10.0
            })
            .collect()
    }

    #[test]
    fn reflection_is_scipys() {
        // scipy 'reflect' on [a b c]: ... c b a | a b c | c b a ...
        let got: Vec<usize> = (-4..7).map(|i| reflect(i, 3)).collect();
        assert_eq!(got, vec![2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0]);
        assert_eq!(reflect(-3, 1), 0);
        assert_eq!(reflect(5, 1), 0);
    }

    #[test]
    fn gaussian_kernel_is_scipys() {
        // scipy.ndimage._filters._gaussian_kernel1d(1.0, 0, 4)
        let k = gaussian_kernel(1.0);
        let want = [
            1.338_302_3e-4,
            4.431_848_4e-3,
            5.399_112e-2,
            2.419_714_5e-1,
            3.989_434_8e-1,
        ];
        assert_eq!(k.len(), 9);
        for (i, v) in want.iter().enumerate() {
            assert!((k[i] - v).abs() < 1e-7 && (k[8 - i] - v).abs() < 1e-7);
        }
        assert_eq!(gaussian_kernel(1.5).len(), 13);
        assert_eq!(gaussian_kernel(0.0), vec![1.0]);
        assert_eq!(gaussian_kernel(f32::NAN), vec![1.0]);
    }

    #[test]
    fn blur_and_box_match_the_direct_sums() {
        // Sizes below the kernel radius exercise repeated reflection.
        for (w, h) in [(13, 9), (3, 11), (1, 1), (2, 5), (20, 20)] {
            let src = noise(w, h, (w * 31 + h) as u32);
            for (got, k) in [
                (gaussian(&src, w, h, 1.0), gaussian_kernel(1.0)),
                (box_mean(&src, w, h, 5), vec![0.2; 5]),
                (box_mean(&src, w, h, 3), vec![1.0 / 3.0; 3]),
            ] {
                let want = direct(&src, w, h, &k);
                for (a, b) in got.iter().zip(&want) {
                    assert!((a - b).abs() < 1e-3, "{w}×{h}: {a} vs {b}");
                }
            }
        }
        assert!(gaussian(&[], 0, 0, 1.0).is_empty());
    }

    /// Erosion by definition: n single steps with the cross, outside unset.
    fn erode_steps(m: &[bool], w: usize, h: usize, n: usize) -> Vec<bool> {
        let mut cur = m.to_vec();
        for _ in 0..n {
            let at = |c: &[bool], x: isize, y: isize| {
                x >= 0
                    && y >= 0
                    && (x as usize) < w
                    && (y as usize) < h
                    && c[y as usize * w + x as usize]
            };
            cur = (0..w * h)
                .map(|i| {
                    let (x, y) = ((i % w) as isize, (i / w) as isize);
                    at(&cur, x, y)
                        && at(&cur, x - 1, y)
                        && at(&cur, x + 1, y)
                        && at(&cur, x, y - 1)
                        && at(&cur, x, y + 1)
                })
                .collect();
        }
        cur
    }

    #[test]
    fn erosion_matches_repeated_cross_erosion() {
        let (w, h) = (23, 17);
        let v = noise(w, h, 7);
        // Blobby mask: blurred noise over a threshold.
        let b = gaussian(&v, w, h, 1.5);
        let m: Vec<bool> = b.iter().map(|&x| x > 45.0).collect();
        let full = vec![true; w * h];
        for n in 0..6 {
            assert_eq!(erode(&m, w, h, n), erode_steps(&m, w, h, n), "n = {n}");
            assert_eq!(erode(&full, w, h, n), erode_steps(&full, w, h, n));
        }
        assert!(erode(&[true], 1, 1, 1) == vec![false]);
    }

    #[test]
    fn components_are_four_connected() {
        #[rustfmt::skip]
        let m = [
            1, 1, 0, 1,
            0, 1, 0, 1,
            1, 0, 1, 0,
            1, 0, 1, 1,
        ].map(|v| v == 1);
        let (l, n) = label4(&m, 4, 4);
        assert_eq!(n, 4, "diagonal neighbours are separate components");
        #[rustfmt::skip]
        assert_eq!(l, vec![
            1, 1, 0, 2,
            0, 1, 0, 2,
            3, 0, 4, 0,
            3, 0, 4, 4,
        ]);
        assert_eq!(label4(&[], 0, 0), (vec![], 0));
        assert_eq!(label4(&[true; 3], 2, 2).1, 0, "a wrong size labels nothing");
    }

    #[test]
    fn median_and_percentile_are_numpys() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        // np.percentile([1, 2, 3, 4, 10], [10, 90]) = [1.4, 7.6]
        let v = [10.0, 2.0, 4.0, 1.0, 3.0];
        assert!((percentile(&mut v.clone(), 10.0).unwrap() - 1.4).abs() < 1e-6);
        assert!((percentile(&mut v.clone(), 90.0).unwrap() - 7.6).abs() < 1e-6);
        assert_eq!(percentile(&mut v.clone(), 100.0), Some(10.0));
        assert_eq!(percentile(&mut v.clone(), 0.0), Some(1.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }
}
