//! A small f32 tensor in HWC layout (one image, channels last, like tfjs's
//! NHWC with N = 1) and the CNN layers the face nets ([`crate::face`]) and
//! the segmentation net ([`crate::segment`]) are built from.
//!
//! Padding follows TensorFlow: `Same` gives `ceil(n / stride)` outputs and
//! pads `total = max((out - 1) * stride + k - n, 0)` with `total / 2`
//! (rounded down) before and the rest after, so an even input with stride 2
//! is padded on the bottom/right only. Convolutions pad with zeros, max-pool
//! ignores the padded cells.
//!
//! The convolutions do their multiply-adds four output channels at a time
//! with [`F4`] (one `v128` in the `simd128` build), each value summed in
//! one fixed order (bias, then the taps in `[ky, kx, ci]` order, a multiply
//! and an add each): the scalar and SIMD builds give identical results, and
//! so do the blocked and unblocked paths inside a layer.

use crate::f4::F4;

/// A feature map: `h × w × c` values, row-major, channels innermost.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub h: usize,
    pub w: usize,
    pub c: usize,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn zeros(h: usize, w: usize, c: usize) -> Tensor {
        Tensor {
            h,
            w,
            c,
            data: vec![0.0; h * w * c],
        }
    }

    /// Wraps `data`; `None` when its length is not `h * w * c`.
    pub fn from_vec(h: usize, w: usize, c: usize, data: Vec<f32>) -> Option<Tensor> {
        (h.checked_mul(w)?.checked_mul(c)? == data.len()).then_some(Tensor { h, w, c, data })
    }

    pub fn at(&self, y: usize, x: usize, ch: usize) -> f32 {
        self.data[(y * self.w + x) * self.c + ch]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// No padding: `n - k + 1` outputs for stride 1.
    Valid,
    /// TensorFlow 'same' (see the module docs).
    Same,
}

/// Output length and padding before, TensorFlow rules.
pub fn out_len(n: usize, k: usize, stride: usize, padding: Padding) -> (usize, usize) {
    match padding {
        Padding::Valid => {
            if n < k {
                (0, 0)
            } else {
                ((n - k) / stride + 1, 0)
            }
        }
        Padding::Same => {
            let out = n.div_ceil(stride);
            let total = ((out.saturating_sub(1)) * stride + k).saturating_sub(n);
            (out, total / 2)
        }
    }
}

/// A dense convolution. `weights` are HWIO (`[kh, kw, cin, cout]`, the tfjs
/// layout), `bias` has `cout` entries.
#[derive(Clone, Debug, PartialEq)]
pub struct Conv {
    pub kh: usize,
    pub kw: usize,
    pub cin: usize,
    pub cout: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

/// A depthwise-separable convolution: a 3×3 depthwise filter per channel
/// (`[3, 3, cin]`), then a pointwise 1×1 (`[cin, cout]`), then the bias.
#[derive(Clone, Debug, PartialEq)]
pub struct SeparableConv {
    pub cin: usize,
    pub cout: usize,
    pub depthwise: Vec<f32>,
    pub pointwise: Vec<f32>,
    pub bias: Vec<f32>,
}

/// Dense convolution plus bias. Panics only on a programming error (a
/// tensor whose channel count differs from the layer's, which the
/// loaders rule out).
pub fn conv2d(x: &Tensor, conv: &Conv, stride: usize, padding: Padding) -> Tensor {
    assert_eq!(x.c, conv.cin, "conv2d: channel mismatch");
    let k = conv.kh * conv.kw * conv.cin;
    assert_eq!(
        conv.weights.len(),
        k * conv.cout,
        "conv2d: weight size mismatch"
    );
    assert_eq!(conv.bias.len(), conv.cout, "conv2d: bias size mismatch");
    let (oh, pt) = out_len(x.h, conv.kh, stride, padding);
    let (ow, pl) = out_len(x.w, conv.kw, stride, padding);
    let mut out = Tensor::zeros(oh, ow, conv.cout);
    let (kh, kw, ci) = (conv.kh, conv.kw, x.c);
    // Pixel `i`'s inputs in weight row order (ky, kx, ci) into column `p`
    // of the `k × n` block `cols`; taps in the padding read zeros.
    let gather = |cols: &mut [f32], n: usize, p: usize, i: usize| {
        let (oy, ox) = (i / ow, i % ow);
        for ky in 0..kh {
            let iy = (oy * stride + ky).checked_sub(pt).filter(|&v| v < x.h);
            for kx in 0..kw {
                let ix = (ox * stride + kx).checked_sub(pl).filter(|&v| v < x.w);
                let row = (ky * kw + kx) * ci;
                match (iy, ix) {
                    (Some(iy), Some(ix)) => {
                        let src = &x.data[(iy * x.w + ix) * ci..][..ci];
                        for (c, &v) in src.iter().enumerate() {
                            cols[(row + c) * n + p] = v;
                        }
                    }
                    _ => {
                        for c in 0..ci {
                            cols[(row + c) * n + p] = 0.0;
                        }
                    }
                }
            }
        }
    };
    let (w, b) = (&conv.weights[..], &conv.bias[..]);
    let mut cols = vec![0.0; k * BLOCK];
    by_blocks(&mut out, |i, o| {
        if o.len() == BLOCK * conv.cout {
            for p in 0..BLOCK {
                gather(&mut cols, BLOCK, p, i + p);
            }
            matmul_block::<BLOCK>(&cols, w, b, o);
        } else {
            gather(&mut cols[..k], 1, 0, i);
            matmul_block::<1>(&cols[..k], w, b, o);
        }
    });
    out
}

/// Pixels per block in [`matmul_block`]: every weight vector loaded is
/// used this many times. Four pixels by eight channels of accumulators
/// (eight vectors) plus the operands fit x86-64's sixteen SIMD registers.
const BLOCK: usize = 4;

/// Calls `f(i, o)` for each run of [`BLOCK`] output pixels starting at
/// pixel `i` (`o`: their `BLOCK × c` values), then for each pixel left
/// over (`o`: its `c` values).
fn by_blocks(out: &mut Tensor, mut f: impl FnMut(usize, &mut [f32])) {
    let c = out.c;
    if c == 0 {
        return;
    }
    let mut blocks = out.data.chunks_exact_mut(BLOCK * c);
    let mut i = 0;
    for o in &mut blocks {
        f(i, o);
        i += BLOCK;
    }
    for o in blocks.into_remainder().chunks_exact_mut(c) {
        f(i, o);
        i += 1;
    }
}

#[inline(always)]
fn f4(s: &[f32], i: usize) -> F4 {
    F4::load(s, i)
}

#[inline(always)]
fn put4(s: &mut [f32], i: usize, v: F4) {
    v.store(s, i);
}

/// `out[p][j] = bias[j] + Σ_r cols[r][p] · weights[r][j]` for `N` pixels:
/// `cols` is `k × N` (the pixels' inputs interleaved, so each step reads
/// one `[f32; N]`), `weights` `k × cout`, `out` `N × cout`. Eight channels
/// at a time, then four, then one; every value is summed in the same
/// order (bias, then `r` ascending, a multiply and an add each) whatever
/// the path, block size or build.
#[inline(always)]
fn matmul_block<const N: usize>(cols: &[f32], weights: &[f32], bias: &[f32], out: &mut [f32]) {
    let co = bias.len();
    if co == 0 {
        return;
    }
    let (cols, _) = cols.as_chunks::<N>();
    let rows = weights.chunks_exact(co);
    let mut j = 0;
    while j + 8 <= co {
        let mut acc = [[f4(bias, j), f4(bias, j + 4)]; N];
        for (v, w) in cols.iter().zip(rows.clone()) {
            let (w0, w1) = (f4(w, j), f4(w, j + 4));
            for (a, &v) in acc.iter_mut().zip(v) {
                let v = F4::splat(v);
                a[0] += v * w0;
                a[1] += v * w1;
            }
        }
        for (p, a) in acc.iter().enumerate() {
            put4(out, p * co + j, a[0]);
            put4(out, p * co + j + 4, a[1]);
        }
        j += 8;
    }
    while j + 4 <= co {
        let mut acc = [f4(bias, j); N];
        for (v, w) in cols.iter().zip(rows.clone()) {
            let w0 = f4(w, j);
            for (a, &v) in acc.iter_mut().zip(v) {
                *a += F4::splat(v) * w0;
            }
        }
        for (p, a) in acc.iter().enumerate() {
            put4(out, p * co + j, *a);
        }
        j += 4;
    }
    while j < co {
        let mut acc = [bias[j]; N];
        for (v, w) in cols.iter().zip(rows.clone()) {
            for (a, &v) in acc.iter_mut().zip(v) {
                *a += v * w[j];
            }
        }
        for (p, a) in acc.iter().enumerate() {
            out[p * co + j] = *a;
        }
        j += 1;
    }
}

/// Depthwise convolution (one `kh × kw` filter per channel, `[kh, kw, c]`),
/// plus `bias` (`c` values) if given.
pub fn depthwise(
    x: &Tensor,
    filter: &[f32],
    (kh, kw): (usize, usize),
    bias: Option<&[f32]>,
    stride: usize,
    padding: Padding,
) -> Tensor {
    let c = x.c;
    assert_eq!(filter.len(), kh * kw * c, "depthwise: filter size mismatch");
    assert!(
        bias.is_none_or(|b| b.len() == c),
        "depthwise: bias size mismatch"
    );
    let (oh, pt) = out_len(x.h, kh, stride, padding);
    let (ow, pl) = out_len(x.w, kw, stride, padding);
    let mut out = Tensor::zeros(oh, ow, c);
    if c == 0 {
        return out;
    }
    for (i, o) in out.data.chunks_exact_mut(c).enumerate() {
        let (oy, ox) = (i / ow, i % ow);
        match bias {
            Some(b) => o.copy_from_slice(b),
            None => o.fill(0.0),
        }
        // Four channels at a time over whole-array chunks (no index
        // checks in the loop), the last `c % 4` one by one.
        let (o4, o1) = o.as_chunks_mut::<4>();
        for ky in 0..kh {
            let Some(iy) = (oy * stride + ky).checked_sub(pt).filter(|&v| v < x.h) else {
                continue;
            };
            for kx in 0..kw {
                let Some(ix) = (ox * stride + kx).checked_sub(pl).filter(|&v| v < x.w) else {
                    continue;
                };
                let (p, f) = ((iy * x.w + ix) * c, (ky * kw + kx) * c);
                let (s4, s1) = x.data[p..p + c].as_chunks::<4>();
                let (w4, w1) = filter[f..f + c].as_chunks::<4>();
                for ((a, s), w) in o4.iter_mut().zip(s4).zip(w4) {
                    (F4::load(a, 0) + F4::load(s, 0) * F4::load(w, 0)).store(a, 0);
                }
                for ((a, s), w) in o1.iter_mut().zip(s1).zip(w1) {
                    *a += s * w;
                }
            }
        }
    }
    out
}

/// 3×3 depthwise convolution (one filter per channel, `[3, 3, c]`), no bias.
pub fn depthwise3x3(x: &Tensor, filter: &[f32], stride: usize, padding: Padding) -> Tensor {
    depthwise(x, filter, (3, 3), None, stride, padding)
}

/// 1×1 convolution `[cin, cout]` plus bias: a matrix product per pixel.
pub fn pointwise(x: &Tensor, weights: &[f32], bias: &[f32]) -> Tensor {
    let (ci, co) = (x.c, bias.len());
    assert_eq!(weights.len(), ci * co, "pointwise: weight size mismatch");
    let mut out = Tensor::zeros(x.h, x.w, co);
    // Interleaving the pixels' inputs costs less than indexing four rows
    // in the inner loop (measured in V8: 17 vs 20 ms for the selfie net).
    let mut cols = vec![0.0; ci * BLOCK];
    by_blocks(&mut out, |i, o| {
        let n = o.len() / co.max(1);
        for p in 0..n {
            let src = &x.data[(i + p) * ci..(i + p + 1) * ci];
            for (r, &v) in src.iter().enumerate() {
                cols[r * n + p] = v;
            }
        }
        if n == BLOCK {
            matmul_block::<BLOCK>(&cols, weights, bias, o);
        } else {
            matmul_block::<1>(&cols[..ci], weights, bias, o);
        }
    });
    out
}

/// `tf.separableConv2d` followed by the bias.
pub fn separable(x: &Tensor, sep: &SeparableConv, stride: usize, padding: Padding) -> Tensor {
    let d = depthwise3x3(x, &sep.depthwise, stride, padding);
    pointwise(&d, &sep.pointwise, &sep.bias)
}

pub fn relu(x: &mut Tensor) {
    map4(&mut x.data, |v| v.max(F4::splat(0.0)));
}

/// Applies `f` to every value, four at a time (one [`F4`] each, the tail
/// as splats), so the SIMD and scalar builds compute the same. Plain
/// `f32::max` would be a libm call in WebAssembly: the scalar ReLU passes
/// took 15% of the segmentation net's time.
#[inline(always)]
fn map4(data: &mut [f32], f: impl Fn(F4) -> F4) {
    let (chunks, tail) = data.as_chunks_mut::<4>();
    for c in chunks {
        f(F4::load(c, 0)).store(c, 0);
    }
    for v in tail {
        *v = f(F4::splat(*v)).to_array()[0];
    }
}

/// Leaky ReLU with slope `alpha` below zero (0.1 in TinyYolov2).
pub fn leaky_relu(x: &mut Tensor, alpha: f32) {
    for v in &mut x.data {
        if *v < 0.0 {
            *v *= alpha;
        }
    }
}

/// `a += b` element-wise; `b` has `a`'s shape or is `1 × 1 × c` (one value
/// per channel, added at every pixel).
pub fn add_assign(a: &mut Tensor, b: &Tensor) {
    broadcast_assign(a, b, |x, y| x + y);
}

/// `a *= b` element-wise; `b` has `a`'s shape or is `1 × 1 × c` (the
/// channel weights of a squeeze-and-excite block).
pub fn mul_assign(a: &mut Tensor, b: &Tensor) {
    broadcast_assign(a, b, |x, y| x * y);
}

fn broadcast_assign(a: &mut Tensor, b: &Tensor, f: impl Fn(f32, f32) -> f32) {
    if (a.h, a.w, a.c) == (b.h, b.w, b.c) {
        for (x, &y) in a.data.iter_mut().zip(&b.data) {
            *x = f(*x, y);
        }
    } else {
        assert!(
            (b.h, b.w, b.c) == (1, 1, a.c),
            "element-wise op: shape mismatch"
        );
        if a.c == 0 {
            return;
        }
        for px in a.data.chunks_exact_mut(a.c) {
            for (x, &y) in px.iter_mut().zip(&b.data) {
                *x = f(*x, y);
            }
        }
    }
}

/// 2×2 max-pool with the given stride ('same' padding: cells past the edge
/// are ignored).
pub fn max_pool2x2(x: &Tensor, stride: usize) -> Tensor {
    let (oh, pt) = out_len(x.h, 2, stride, Padding::Same);
    let (ow, pl) = out_len(x.w, 2, stride, Padding::Same);
    let c = x.c;
    let mut out = Tensor::zeros(oh, ow, c);
    for oy in 0..oh {
        for ox in 0..ow {
            let o = &mut out.data[(oy * ow + ox) * c..(oy * ow + ox + 1) * c];
            o.fill(f32::NEG_INFINITY);
            for ky in 0..2 {
                let iy = (oy * stride + ky) as isize - pt as isize;
                if iy < 0 || iy >= x.h as isize {
                    continue;
                }
                for kx in 0..2 {
                    let ix = (ox * stride + kx) as isize - pl as isize;
                    if ix < 0 || ix >= x.w as isize {
                        continue;
                    }
                    let p = (iy as usize * x.w + ix as usize) * c;
                    for (acc, &v) in o.iter_mut().zip(&x.data[p..p + c]) {
                        *acc = acc.max(v);
                    }
                }
            }
        }
    }
    out
}

/// `k × k` average pool, 'valid' padding.
pub fn avg_pool(x: &Tensor, k: usize, stride: usize) -> Tensor {
    let (oh, _) = out_len(x.h, k, stride, Padding::Valid);
    let (ow, _) = out_len(x.w, k, stride, Padding::Valid);
    let c = x.c;
    let mut out = Tensor::zeros(oh, ow, c);
    let n = (k * k) as f32;
    for oy in 0..oh {
        for ox in 0..ow {
            let o = &mut out.data[(oy * ow + ox) * c..(oy * ow + ox + 1) * c];
            for ky in 0..k {
                for kx in 0..k {
                    let p = ((oy * stride + ky) * x.w + ox * stride + kx) * c;
                    for (acc, &v) in o.iter_mut().zip(&x.data[p..p + c]) {
                        *acc += v;
                    }
                }
            }
            for v in o.iter_mut() {
                *v /= n;
            }
        }
    }
    out
}

/// Fully connected layer: `weights` are `[inputs, outputs]` (tfjs matMul
/// layout).
pub fn fully_connected(x: &[f32], weights: &[f32], bias: &[f32]) -> Vec<f32> {
    let n = bias.len();
    assert_eq!(weights.len(), x.len() * n, "fully_connected: size mismatch");
    let mut out = bias.to_vec();
    for (&v, w) in x.iter().zip(weights.chunks_exact(n)) {
        for (acc, &wv) in out.iter_mut().zip(w) {
            *acc += v * wv;
        }
    }
    out
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// [`sigmoid`] of every value (TFLite's LOGISTIC).
pub fn logistic(x: &mut Tensor) {
    for v in &mut x.data {
        *v = sigmoid(*v);
    }
}

/// `min(max(x, 0), 6)`.
pub fn relu6(x: &mut Tensor) {
    map4(&mut x.data, |v| v.max(F4::splat(0.0)).min(F4::splat(6.0)));
}

/// Hard swish, `x · relu6(x + 3) / 6` (MobileNetV3's cheap swish).
pub fn hard_swish(x: &mut Tensor) {
    let (three, six) = (F4::splat(3.0), F4::splat(6.0));
    map4(&mut x.data, |v| {
        v * (v + three).max(F4::splat(0.0)).min(six) / six
    });
}

/// The mean of each channel over all pixels, as a `1 × 1 × c` tensor (an
/// average pool whose window is the whole map). Summed in f64: a
/// 128 × 128 map would lose about three digits in an f32 sum.
pub fn global_avg_pool(x: &Tensor) -> Tensor {
    let c = x.c;
    let mut sum = vec![0.0f64; c];
    if c > 0 {
        for px in x.data.chunks_exact(c) {
            for (s, &v) in sum.iter_mut().zip(px) {
                *s += v as f64;
            }
        }
    }
    let n = (x.h * x.w).max(1) as f64;
    Tensor {
        h: 1,
        w: 1,
        c,
        data: sum.iter().map(|s| (s / n) as f32).collect(),
    }
}

/// Bilinear resize to `oh × ow` with half-pixel centres (TensorFlow's
/// `half_pixel_centers = true`, `align_corners = false`): output pixel `o`
/// samples input position `(o + 0.5) · in / out − 0.5`, clamped to the
/// edge pixels. An empty input gives zeros.
pub fn resize_bilinear(x: &Tensor, oh: usize, ow: usize) -> Tensor {
    let c = x.c;
    let mut out = Tensor::zeros(oh, ow, c);
    if x.data.is_empty() || c == 0 {
        return out;
    }
    // (lower index, upper index, weight of the upper) per output coordinate.
    let axis = |n_in: usize, n_out: usize| -> Vec<(usize, usize, f32)> {
        let scale = n_in as f32 / n_out as f32;
        (0..n_out)
            .map(|o| {
                let s = ((o as f32 + 0.5) * scale - 0.5).clamp(0.0, (n_in - 1) as f32);
                let lo = s.floor() as usize;
                (lo, (lo + 1).min(n_in - 1), s - lo as f32)
            })
            .collect()
    };
    let (ys, xs) = (axis(x.h, oh), axis(x.w, ow));
    let at = |y: usize, xx: usize| &x.data[(y * x.w + xx) * c..][..c];
    for (o_row, &(y0, y1, ty)) in out.data.chunks_exact_mut(ow * c).zip(&ys) {
        for (o, &(x0, x1, tx)) in o_row.chunks_exact_mut(c).zip(&xs) {
            let (a, b, cc, d) = (at(y0, x0), at(y0, x1), at(y1, x0), at(y1, x1));
            for k in 0..c {
                let top = a[k] + (b[k] - a[k]) * tx;
                let bot = cc[k] + (d[k] - cc[k]) * tx;
                o[k] = top + (bot - top) * ty;
            }
        }
    }
    out
}

/// A transposed convolution ("deconvolution") with bias. `weights` are
/// `[cout, kh, kw, cin]` (TFLite's layout for TRANSPOSE_CONV and
/// MediaPipe's `Convolution2DTransposeBias`).
#[derive(Clone, Debug, PartialEq)]
pub struct TransposeConv {
    pub kh: usize,
    pub kw: usize,
    pub cin: usize,
    pub cout: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

/// Output length and padding before of a transposed convolution: the
/// inverse of [`out_len`] (`Same`: `n · stride`; `Valid`: `(n − 1) ·
/// stride + k`), with the padding TensorFlow gives the convolution it
/// transposes.
pub fn transpose_out_len(n: usize, k: usize, stride: usize, padding: Padding) -> (usize, usize) {
    let full = n.saturating_sub(1) * stride + k;
    match padding {
        Padding::Valid => (full, 0),
        Padding::Same => {
            let out = n * stride;
            (out, full.saturating_sub(out) / 2)
        }
    }
}

/// `Σ a[i] · b[i]`, four lanes at a time (lane sums added pairwise), the
/// last `len % 4` one by one.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a4, a1) = a.as_chunks::<4>();
    let (b4, b1) = b.as_chunks::<4>();
    let mut acc = F4::splat(0.0);
    for (x, y) in a4.iter().zip(b4) {
        acc += F4::load(x, 0) * F4::load(y, 0);
    }
    let l = acc.to_array();
    let mut s = (l[0] + l[1]) + (l[2] + l[3]);
    for (x, y) in a1.iter().zip(b1) {
        s += x * y;
    }
    s
}

/// Transposed convolution: every input pixel adds its kernel, weighted by
/// its values, into the output at `stride` spacing, shifted up/left by the
/// padding; output starts at the bias.
pub fn transpose_conv(x: &Tensor, tc: &TransposeConv, stride: usize, padding: Padding) -> Tensor {
    assert_eq!(x.c, tc.cin, "transpose_conv: channel mismatch");
    let (ci, co) = (tc.cin, tc.cout);
    assert_eq!(
        tc.weights.len(),
        co * tc.kh * tc.kw * ci,
        "transpose_conv: weight size mismatch"
    );
    assert_eq!(tc.bias.len(), co, "transpose_conv: bias size mismatch");
    let (oh, pt) = transpose_out_len(x.h, tc.kh, stride, padding);
    let (ow, pl) = transpose_out_len(x.w, tc.kw, stride, padding);
    let mut out = Tensor::zeros(oh, ow, co);
    if co == 0 {
        return out;
    }
    for px in out.data.chunks_exact_mut(co) {
        px.copy_from_slice(&tc.bias);
    }
    if ci == 0 {
        return out;
    }
    for (i, src) in x.data.chunks_exact(ci).enumerate() {
        let (iy, ix) = (i / x.w, i % x.w);
        for ky in 0..tc.kh {
            let Some(oy) = (iy * stride + ky).checked_sub(pt).filter(|&v| v < oh) else {
                continue;
            };
            for kx in 0..tc.kw {
                let Some(ox) = (ix * stride + kx).checked_sub(pl).filter(|&v| v < ow) else {
                    continue;
                };
                let o = &mut out.data[(oy * ow + ox) * co..][..co];
                for (c, acc) in o.iter_mut().enumerate() {
                    let w = &tc.weights[((c * tc.kh + ky) * tc.kw + kx) * ci..][..ci];
                    *acc += dot(src, w);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: usize, w: usize, c: usize, data: &[f32]) -> Tensor {
        Tensor::from_vec(h, w, c, data.to_vec()).unwrap()
    }

    #[test]
    fn same_padding_follows_tensorflow() {
        // Stride 1, k 3: one on each side.
        assert_eq!(out_len(5, 3, 1, Padding::Same), (5, 1));
        // Even input, stride 2, k 3: total 1, all after.
        assert_eq!(out_len(112, 3, 2, Padding::Same), (56, 0));
        // Odd input, stride 2, k 3: total 2, one before.
        assert_eq!(out_len(15, 3, 2, Padding::Same), (8, 1));
        // Max-pool 2×2 stride 2 on odd: one after; stride 1: one after.
        assert_eq!(out_len(13, 2, 2, Padding::Same), (7, 0));
        assert_eq!(out_len(13, 2, 1, Padding::Same), (13, 0));
        assert_eq!(out_len(416, 3, 1, Padding::Valid), (414, 0));
        assert_eq!(out_len(2, 3, 1, Padding::Valid), (0, 0));
    }

    #[test]
    fn conv2d_valid_and_same_by_hand() {
        // 3×3 single-channel input 1..9, all-ones 3×3 kernel, bias 0.5.
        let x = t(3, 3, 1, &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let conv = Conv {
            kh: 3,
            kw: 3,
            cin: 1,
            cout: 1,
            weights: vec![1.0; 9],
            bias: vec![0.5],
        };
        let v = conv2d(&x, &conv, 1, Padding::Valid);
        assert_eq!((v.h, v.w, v.data.clone()), (1, 1, vec![45.5]));
        let s = conv2d(&x, &conv, 1, Padding::Same);
        // Corners see 4 pixels: 1+2+4+5 = 12; centre sees all 45.
        assert_eq!(s.at(0, 0, 0), 12.5);
        assert_eq!(s.at(1, 1, 0), 45.5);
        assert_eq!(s.at(2, 2, 0), 5. + 6. + 8. + 9. + 0.5);
        // Stride 2 'same' on 3: out 2, pad 1 before.
        let s2 = conv2d(&x, &conv, 2, Padding::Same);
        assert_eq!((s2.h, s2.w), (2, 2));
        assert_eq!(s2.data, vec![12.5, 16.5, 24.5, 28.5]);
    }

    #[test]
    fn conv2d_mixes_channels_in_hwio_order() {
        // 1×1 input with 2 channels, 1×1 kernel [1,1,2,3].
        let x = t(1, 1, 2, &[2.0, 3.0]);
        let conv = Conv {
            kh: 1,
            kw: 1,
            cin: 2,
            cout: 3,
            // ci 0 → (1, 0, 10), ci 1 → (0, 1, 100)
            weights: vec![1., 0., 10., 0., 1., 100.],
            bias: vec![0., 0., 1.],
        };
        let y = conv2d(&x, &conv, 1, Padding::Valid);
        assert_eq!(y.data, vec![2., 3., 321.]);
        // pointwise is the same thing.
        assert_eq!(pointwise(&x, &conv.weights, &conv.bias).data, y.data);
    }

    #[test]
    fn depthwise_keeps_channels_apart() {
        // 2×2, 2 channels; channel 0 = 1,2,3,4; channel 1 = 10,20,30,40.
        let x = t(2, 2, 2, &[1., 10., 2., 20., 3., 30., 4., 40.]);
        // Channel 0: centre tap 1; channel 1: all taps 1.
        let mut f = vec![0.0; 18];
        f[4 * 2] = 1.0;
        for k in 0..9 {
            f[k * 2 + 1] = 1.0;
        }
        let y = depthwise3x3(&x, &f, 1, Padding::Same);
        assert_eq!(y.data, vec![1., 100., 2., 100., 3., 100., 4., 100.]);
        // Stride 2 'same' on 2: out 1, pad after only, so the centre tap
        // lands on pixel (1, 1).
        let y2 = depthwise3x3(&x, &f, 2, Padding::Same);
        assert_eq!(y2.data, vec![4., 100.]);
        let sep = SeparableConv {
            cin: 2,
            cout: 1,
            depthwise: f,
            pointwise: vec![1.0, 0.5],
            bias: vec![-1.0],
        };
        assert_eq!(separable(&x, &sep, 2, Padding::Same).data, vec![53.0]);
    }

    #[test]
    fn activations_pools_and_dense() {
        let mut x = t(1, 4, 1, &[-2., -0.5, 0., 3.]);
        let mut y = x.clone();
        relu(&mut x);
        assert_eq!(x.data, vec![0., 0., 0., 3.]);
        leaky_relu(&mut y, 0.1);
        assert_eq!(y.data, vec![-0.2, -0.05, 0., 3.]);

        // 3×3 max-pool 'same' stride 2 → 2×2; last row/col pooled alone.
        let m = t(3, 3, 1, &[1., 5., 2., 3., 4., 9., 7., 0., -1.]);
        assert_eq!(max_pool2x2(&m, 2).data, vec![5., 9., 7., -1.]);
        // Stride 1 keeps the size, each cell = max of itself, right, below.
        assert_eq!(
            max_pool2x2(&m, 1).data,
            vec![5., 9., 9., 7., 9., 9., 7., 0., -1.]
        );
        let mut a = t(2, 2, 1, &[1., 2., 3., 6.]);
        assert_eq!(avg_pool(&a, 2, 2).data, vec![3.0]);
        add_assign(&mut a, &t(2, 2, 1, &[1., 1., 1., 1.]));
        assert_eq!(a.data, vec![2., 3., 4., 7.]);
        assert_eq!(
            fully_connected(&[1.0, 2.0], &[1., 2., 3., 4., 5., 6.], &[0., 0., 1.]),
            vec![9., 12., 16.]
        );
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-7);
    }

    // ---- The layers against direct definitions, on random tensors. ----

    fn random(rng: &mut crate::rng::Rng, n: usize) -> Vec<f32> {
        (0..n).map(|_| rng.next_f32() * 2.0 - 1.0).collect()
    }

    fn random_tensor(rng: &mut crate::rng::Rng, h: usize, w: usize, c: usize) -> Tensor {
        t(h, w, c, &random(rng, h * w * c))
    }

    fn assert_near(what: &str, got: &Tensor, want: &[f64], shape: (usize, usize, usize)) {
        assert_eq!((got.h, got.w, got.c), shape, "{what}: shape");
        assert_eq!(got.data.len(), want.len(), "{what}: length");
        for (i, (&g, &w)) in got.data.iter().zip(want).enumerate() {
            assert!(
                (g as f64 - w).abs() <= 1e-5 * (1.0 + w.abs()),
                "{what}: value {i}: {g} vs {w}"
            );
        }
    }

    /// TensorFlow 'same' padding before, written out again.
    fn tf_pad(n: usize, k: usize, s: usize) -> (usize, isize) {
        let out = n.div_ceil(s);
        let total = ((out as isize - 1) * s as isize + k as isize - n as isize).max(0);
        (out, total / 2)
    }

    /// Output size and padding for `padding`, by the definitions.
    fn geometry(n: usize, k: usize, s: usize, p: Padding) -> (usize, isize) {
        match p {
            Padding::Same => tf_pad(n, k, s),
            Padding::Valid => ((n - k) / s + 1, 0),
        }
    }

    /// y[oy][ox][co] = b[co] + Σ x[oy·s + ky − pt][ox·s + kx − pl][ci] · w[ky][kx][ci][co].
    #[allow(clippy::too_many_arguments)]
    fn conv_ref(
        x: &Tensor,
        kh: usize,
        kw: usize,
        co: usize,
        w: &[f32],
        b: &[f32],
        s: usize,
        p: Padding,
    ) -> (Vec<f64>, (usize, usize, usize)) {
        let (oh, pt) = geometry(x.h, kh, s, p);
        let (ow, pl) = geometry(x.w, kw, s, p);
        let mut out = Vec::new();
        for oy in 0..oh {
            for ox in 0..ow {
                for o in 0..co {
                    let mut acc = b[o] as f64;
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let iy = (oy * s + ky) as isize - pt;
                            let ix = (ox * s + kx) as isize - pl;
                            if iy < 0 || ix < 0 || iy >= x.h as isize || ix >= x.w as isize {
                                continue;
                            }
                            for ci in 0..x.c {
                                acc += x.at(iy as usize, ix as usize, ci) as f64
                                    * w[((ky * kw + kx) * x.c + ci) * co + o] as f64;
                            }
                        }
                    }
                    out.push(acc);
                }
            }
        }
        (out, (oh, ow, co))
    }

    #[test]
    fn conv2d_and_pointwise_match_the_definition() {
        let mut rng = crate::rng::Rng::new(1);
        // Odd sizes, every channel tail (8s, a 4, singles), both strides
        // and paddings, 1×1, 3×3 and 5×5 kernels, pixel counts that leave
        // a partial block.
        for &(h, w, ci, co, k, s, p) in &[
            (7, 9, 3, 16, 3, 2, Padding::Same),
            (8, 8, 3, 16, 3, 2, Padding::Same),
            (5, 7, 5, 13, 3, 1, Padding::Same),
            (9, 5, 4, 8, 5, 2, Padding::Same),
            (6, 7, 2, 3, 3, 1, Padding::Valid),
            (7, 7, 3, 12, 3, 2, Padding::Valid),
            (3, 5, 11, 21, 1, 1, Padding::Same),
            (1, 1, 24, 96, 1, 1, Padding::Valid),
        ] {
            let x = random_tensor(&mut rng, h, w, ci);
            let conv = Conv {
                kh: k,
                kw: k,
                cin: ci,
                cout: co,
                weights: random(&mut rng, k * k * ci * co),
                bias: random(&mut rng, co),
            };
            let (want, shape) = conv_ref(&x, k, k, co, &conv.weights, &conv.bias, s, p);
            let what = format!("conv {h}×{w}×{ci}→{co} k{k} s{s} {p:?}");
            assert_near(&what, &conv2d(&x, &conv, s, p), &want, shape);
            if k == 1 && s == 1 {
                assert_near(
                    &what,
                    &pointwise(&x, &conv.weights, &conv.bias),
                    &want,
                    shape,
                );
            }
        }
    }

    #[test]
    fn depthwise_matches_the_definition() {
        let mut rng = crate::rng::Rng::new(2);
        for &(h, w, c, k, s, p, with_bias) in &[
            (7, 9, 6, 3, 2, Padding::Same, true),
            (8, 8, 16, 3, 2, Padding::Same, true),
            (9, 7, 9, 5, 2, Padding::Same, true),
            (8, 6, 8, 5, 1, Padding::Same, false),
            (5, 5, 3, 3, 1, Padding::Same, true),
            (7, 6, 5, 5, 1, Padding::Valid, true),
            (16, 16, 12, 5, 2, Padding::Same, true),
        ] {
            let x = random_tensor(&mut rng, h, w, c);
            let f = random(&mut rng, k * k * c);
            let b = random(&mut rng, c);
            // The definition: a dense conv whose weights are zero off the
            // channel diagonal.
            let mut dense = vec![0.0; k * k * c * c];
            for t in 0..k * k {
                for ch in 0..c {
                    dense[(t * c + ch) * c + ch] = f[t * c + ch];
                }
            }
            let zero = vec![0.0; c];
            let bias = if with_bias { &b } else { &zero };
            let (want, shape) = conv_ref(&x, k, k, c, &dense, bias, s, p);
            let got = depthwise(&x, &f, (k, k), with_bias.then_some(&b[..]), s, p);
            assert_near(
                &format!("depthwise {h}×{w}×{c} k{k} s{s} {p:?}"),
                &got,
                &want,
                shape,
            );
        }
    }

    #[test]
    fn transpose_conv_matches_the_definition() {
        let mut rng = crate::rng::Rng::new(3);
        for &(h, w, ci, co, k, s, p) in &[
            (5, 7, 16, 1, 2, 2, Padding::Same),
            (4, 3, 3, 5, 3, 2, Padding::Same),
            (3, 5, 2, 4, 4, 2, Padding::Same),
            (3, 4, 3, 2, 3, 2, Padding::Valid),
            (4, 4, 5, 3, 3, 1, Padding::Same),
        ] {
            let x = random_tensor(&mut rng, h, w, ci);
            let tc = TransposeConv {
                kh: k,
                kw: k,
                cin: ci,
                cout: co,
                weights: random(&mut rng, co * k * k * ci),
                bias: random(&mut rng, co),
            };
            // The definition, gathered per output: output (oy, ox) takes
            // input (iy, ix) through tap (ky, kx) when iy·s + ky − pt = oy.
            let (oh, ow) = match p {
                Padding::Same => (h * s, w * s),
                Padding::Valid => ((h - 1) * s + k, (w - 1) * s + k),
            };
            let pad = |n: usize, o: usize| match p {
                Padding::Same => (((n - 1) * s + k).saturating_sub(o) / 2) as isize,
                Padding::Valid => 0,
            };
            let (pt, pl) = (pad(h, oh), pad(w, ow));
            let mut want = Vec::new();
            for oy in 0..oh {
                for ox in 0..ow {
                    for o in 0..co {
                        let mut acc = tc.bias[o] as f64;
                        for ky in 0..k {
                            for kx in 0..k {
                                let (ny, nx) = (
                                    oy as isize + pt - ky as isize,
                                    ox as isize + pl - kx as isize,
                                );
                                if ny < 0 || nx < 0 || ny % s as isize != 0 || nx % s as isize != 0
                                {
                                    continue;
                                }
                                let (iy, ix) =
                                    ((ny / s as isize) as usize, (nx / s as isize) as usize);
                                if iy >= h || ix >= w {
                                    continue;
                                }
                                for c in 0..ci {
                                    acc += x.at(iy, ix, c) as f64
                                        * tc.weights[((o * k + ky) * k + kx) * ci + c] as f64;
                                }
                            }
                        }
                        want.push(acc);
                    }
                }
            }
            assert_near(
                &format!("transpose {h}×{w}×{ci}→{co} k{k} s{s} {p:?}"),
                &transpose_conv(&x, &tc, s, p),
                &want,
                (oh, ow, co),
            );
        }
    }

    #[test]
    fn resize_matches_tensorflow_half_pixel_rule() {
        let mut rng = crate::rng::Rng::new(4);
        for &(h, w, c, oh, ow) in &[
            (4, 5, 3, 8, 10),
            (3, 3, 2, 6, 6),
            (1, 2, 1, 2, 4),
            (5, 3, 4, 10, 9),
        ] {
            let x = random_tensor(&mut rng, h, w, c);
            // TFLite's reference kernel: unclamped source position, floor
            // and ceil clamped to the image, weights from the unclamped
            // position.
            let src = |o: usize, n: usize, m: usize| {
                let v = (o as f64 + 0.5) * (n as f64 / m as f64) - 0.5;
                let lo = (v.floor() as isize).max(0) as usize;
                let hi = (v.ceil() as usize).min(n - 1);
                (v, lo, hi)
            };
            let mut want = Vec::new();
            for oy in 0..oh {
                let (y, y0, y1) = src(oy, h, oh);
                for ox in 0..ow {
                    let (xx, x0, x1) = src(ox, w, ow);
                    let (dy, dx) = (y - y0 as f64, xx - x0 as f64);
                    for ch in 0..c {
                        let g = |a: usize, b: usize| x.at(a, b, ch) as f64;
                        want.push(
                            g(y0, x0) * (1.0 - dy) * (1.0 - dx)
                                + g(y1, x0) * dy * (1.0 - dx)
                                + g(y0, x1) * (1.0 - dy) * dx
                                + g(y1, x1) * dy * dx,
                        );
                    }
                }
            }
            assert_near(
                &format!("resize {h}×{w} → {oh}×{ow}"),
                &resize_bilinear(&x, oh, ow),
                &want,
                (oh, ow, c),
            );
        }
    }

    #[test]
    fn elementwise_layers_match_their_definitions() {
        let mut rng = crate::rng::Rng::new(5);
        let x = random_tensor(&mut rng, 5, 3, 7);
        let scaled: Vec<f64> = x.data.iter().map(|&v| v as f64 * 5.0).collect();
        let mut y = t(
            5,
            3,
            7,
            &scaled.iter().map(|&v| v as f32).collect::<Vec<_>>(),
        );
        hard_swish(&mut y);
        let want: Vec<f64> = scaled
            .iter()
            .map(|&v| v * (v + 3.0).clamp(0.0, 6.0) / 6.0)
            .collect();
        assert_near("hard swish", &y, &want, (5, 3, 7));
        let mut hs = t(1, 5, 1, &[-4.0, -3.0, 0.0, 1.0, 3.0]);
        hard_swish(&mut hs);
        assert_eq!(hs.data, vec![0.0, 0.0, 0.0, 1.0 * 4.0 / 6.0, 3.0]);

        let mut r6 = t(1, 4, 1, &[-1.0, 2.0, 6.0, 9.0]);
        relu6(&mut r6);
        assert_eq!(r6.data, vec![0.0, 2.0, 6.0, 6.0]);

        let mut l = x.clone();
        logistic(&mut l);
        let want: Vec<f64> = x
            .data
            .iter()
            .map(|&v| 1.0 / (1.0 + (-(v as f64)).exp()))
            .collect();
        assert_near("logistic", &l, &want, (5, 3, 7));

        let g = global_avg_pool(&x);
        let want: Vec<f64> = (0..7)
            .map(|c| {
                x.data
                    .iter()
                    .skip(c)
                    .step_by(7)
                    .map(|&v| v as f64)
                    .sum::<f64>()
                    / 15.0
            })
            .collect();
        assert_near("global average", &g, &want, (1, 1, 7));

        // Squeeze-and-excite style broadcast, and full-shape products.
        let mut m = x.clone();
        mul_assign(&mut m, &g);
        let want: Vec<f64> = x
            .data
            .iter()
            .enumerate()
            .map(|(i, &v)| v as f64 * g.data[i % 7] as f64)
            .collect();
        assert_near("broadcast mul", &m, &want, (5, 3, 7));
        let mut a = x.clone();
        add_assign(&mut a, &m);
        let want: Vec<f64> = x
            .data
            .iter()
            .zip(&m.data)
            .map(|(&p, &q)| p as f64 + q as f64)
            .collect();
        assert_near("add", &a, &want, (5, 3, 7));
    }

    #[test]
    fn blocked_and_single_pixel_paths_agree_exactly() {
        // 4 + 1 pixels: one block of four and one single; the single pixel
        // computed alone must equal the same pixel inside a block.
        let mut rng = crate::rng::Rng::new(6);
        let x = random_tensor(&mut rng, 1, 5, 10);
        let w = random(&mut rng, 10 * 20);
        let b = random(&mut rng, 20);
        let all = pointwise(&x, &w, &b);
        for i in 0..5 {
            let one = t(1, 1, 10, &x.data[i * 10..(i + 1) * 10]);
            assert_eq!(pointwise(&one, &w, &b).data, all.data[i * 20..(i + 1) * 20]);
        }
    }
}
