//! A small f32 tensor in HWC layout (one image, channels last, like tfjs's
//! NHWC with N = 1) and the handful of CNN layers the two face nets need.
//!
//! Padding follows TensorFlow: `Same` gives `ceil(n / stride)` outputs and
//! pads `total = max((out - 1) * stride + k - n, 0)` with `total / 2`
//! (rounded down) before and the rest after, so an even input with stride 2
//! is padded on the bottom/right only. Convolutions pad with zeros, max-pool
//! ignores the padded cells.

use super::simd::{FAST, V};

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
fn out_len(n: usize, k: usize, stride: usize, padding: Padding) -> (usize, usize) {
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
    let (oh, pt) = out_len(x.h, conv.kh, stride, padding);
    let (ow, pl) = out_len(x.w, conv.kw, stride, padding);
    let co = conv.cout;
    let mut out = Tensor::zeros(oh, ow, co);
    if FAST && co.is_multiple_of(8) {
        conv2d_lanes(x, conv, stride, (pt, pl), &mut out);
    } else {
        conv2d_plain(x, conv, stride, (pt, pl), &mut out);
    }
    out
}

/// [`conv2d`] one element at a time: the reference for the vector path.
fn conv2d_plain(x: &Tensor, conv: &Conv, stride: usize, pad: (usize, usize), out: &mut Tensor) {
    let (pt, pl) = pad;
    let (oh, ow, co) = (out.h, out.w, out.c);
    for oy in 0..oh {
        for ox in 0..ow {
            let o = &mut out.data[(oy * ow + ox) * co..(oy * ow + ox + 1) * co];
            o.copy_from_slice(&conv.bias);
            for ky in 0..conv.kh {
                let iy = (oy * stride + ky) as isize - pt as isize;
                if iy < 0 || iy >= x.h as isize {
                    continue;
                }
                for kx in 0..conv.kw {
                    let ix = (ox * stride + kx) as isize - pl as isize;
                    if ix < 0 || ix >= x.w as isize {
                        continue;
                    }
                    let px = (iy as usize * x.w + ix as usize) * x.c;
                    let wbase = (ky * conv.kw + kx) * conv.cin * co;
                    for ci in 0..conv.cin {
                        let v = x.data[px + ci];
                        let w = &conv.weights[wbase + ci * co..wbase + (ci + 1) * co];
                        for (acc, &wv) in o.iter_mut().zip(w) {
                            *acc += v * wv;
                        }
                    }
                }
            }
        }
    }
}

/// [`conv2d`] eight output channels at a time in vector lanes: the same
/// operations, in the same order, per output.
fn conv2d_lanes(x: &Tensor, conv: &Conv, stride: usize, pad: (usize, usize), out: &mut Tensor) {
    let (co, ow) = (out.c, out.w);
    for oy in 0..out.h {
        for ox in 0..ow {
            for k0 in (0..co).step_by(8) {
                let (mut a0, mut a1) = (V::load(&conv.bias[k0..]), V::load(&conv.bias[k0 + 4..]));
                for ky in 0..conv.kh {
                    let iy = (oy * stride + ky) as isize - pad.0 as isize;
                    if iy < 0 || iy >= x.h as isize {
                        continue;
                    }
                    for kx in 0..conv.kw {
                        let ix = (ox * stride + kx) as isize - pad.1 as isize;
                        if ix < 0 || ix >= x.w as isize {
                            continue;
                        }
                        let px = (iy as usize * x.w + ix as usize) * x.c;
                        let mut wo = (ky * conv.kw + kx) * conv.cin * co + k0;
                        for &v in &x.data[px..px + x.c] {
                            let v = V::splat(v);
                            a0 = a0.mul_add(v, V::load(&conv.weights[wo..]));
                            a1 = a1.mul_add(v, V::load(&conv.weights[wo + 4..]));
                            wo += co;
                        }
                    }
                }
                let o = (oy * ow + ox) * co + k0;
                a0.store(&mut out.data[o..]);
                a1.store(&mut out.data[o + 4..]);
            }
        }
    }
}

/// 3×3 depthwise convolution (one filter per channel, `[3, 3, c]`), no bias.
pub fn depthwise3x3(x: &Tensor, filter: &[f32], stride: usize, padding: Padding) -> Tensor {
    let c = x.c;
    assert_eq!(filter.len(), 9 * c, "depthwise: filter size mismatch");
    let (oh, pt) = out_len(x.h, 3, stride, padding);
    let (ow, pl) = out_len(x.w, 3, stride, padding);
    let mut out = Tensor::zeros(oh, ow, c);
    if FAST && c.is_multiple_of(4) {
        depthwise_lanes(x, filter, stride, (pt, pl), &mut out);
    } else {
        depthwise_plain(x, filter, stride, (pt, pl), &mut out);
    }
    out
}

/// [`depthwise3x3`] one element at a time: the reference.
fn depthwise_plain(
    x: &Tensor,
    filter: &[f32],
    stride: usize,
    pad: (usize, usize),
    out: &mut Tensor,
) {
    let (pt, pl) = pad;
    let (oh, ow, c) = (out.h, out.w, out.c);
    for oy in 0..oh {
        for ox in 0..ow {
            let o = &mut out.data[(oy * ow + ox) * c..(oy * ow + ox + 1) * c];
            for ky in 0..3 {
                let iy = (oy * stride + ky) as isize - pt as isize;
                if iy < 0 || iy >= x.h as isize {
                    continue;
                }
                for kx in 0..3 {
                    let ix = (ox * stride + kx) as isize - pl as isize;
                    if ix < 0 || ix >= x.w as isize {
                        continue;
                    }
                    let p = (iy as usize * x.w + ix as usize) * c;
                    let src = &x.data[p..p + c];
                    let w = &filter[(ky * 3 + kx) * c..(ky * 3 + kx + 1) * c];
                    for ((acc, &v), &wv) in o.iter_mut().zip(src).zip(w) {
                        *acc += v * wv;
                    }
                }
            }
        }
    }
}

/// [`depthwise3x3`] four channels at a time in vector lanes, the nine
/// taps of a channel block held while it sweeps the image; interior
/// pixels (all taps inside) written out, the border through the loop.
/// Per output: 0, then the taps in row order, as the plain loop.
fn depthwise_lanes(
    x: &Tensor,
    filter: &[f32],
    stride: usize,
    pad: (usize, usize),
    out: &mut Tensor,
) {
    let (c, ow) = (x.c, out.w);
    let (h, w) = (x.h as isize, x.w as isize);
    for c0 in (0..c).step_by(4) {
        let t: [V; 9] = std::array::from_fn(|k| V::load(&filter[k * c + c0..]));
        for oy in 0..out.h {
            let iy = (oy * stride) as isize - pad.0 as isize;
            for ox in 0..ow {
                let ix = (ox * stride) as isize - pad.1 as isize;
                let at = |y: isize, x: isize| ((y * w + x) as usize) * c + c0;
                let d = &x.data;
                let mut acc = V::zero();
                if iy >= 0 && ix >= 0 && iy + 2 < h && ix + 2 < w {
                    let (r0, r1, r2) = (at(iy, ix), at(iy + 1, ix), at(iy + 2, ix));
                    acc = acc.mul_add(V::load(&d[r0..]), t[0]);
                    acc = acc.mul_add(V::load(&d[r0 + c..]), t[1]);
                    acc = acc.mul_add(V::load(&d[r0 + 2 * c..]), t[2]);
                    acc = acc.mul_add(V::load(&d[r1..]), t[3]);
                    acc = acc.mul_add(V::load(&d[r1 + c..]), t[4]);
                    acc = acc.mul_add(V::load(&d[r1 + 2 * c..]), t[5]);
                    acc = acc.mul_add(V::load(&d[r2..]), t[6]);
                    acc = acc.mul_add(V::load(&d[r2 + c..]), t[7]);
                    acc = acc.mul_add(V::load(&d[r2 + 2 * c..]), t[8]);
                } else {
                    for ky in 0..3 {
                        let y = iy + ky as isize;
                        if y < 0 || y >= h {
                            continue;
                        }
                        for kx in 0..3 {
                            let xx = ix + kx as isize;
                            if xx < 0 || xx >= w {
                                continue;
                            }
                            acc = acc.mul_add(V::load(&d[at(y, xx)..]), t[ky * 3 + kx]);
                        }
                    }
                }
                acc.store(&mut out.data[(oy * ow + ox) * c + c0..]);
            }
        }
    }
}

/// 1×1 convolution `[cin, cout]` plus bias: a matrix product per pixel.
///
/// With vector lanes ([`FAST`]), four pixels × eight output channels are
/// summed in registers over all input channels, each weight column block
/// staying in cache across all pixels (3.3× the plain loop on x86-64);
/// each output is still `bias + x₀w₀ + x₁w₁ + …` in that order, so the
/// result is bit-identical to the plain loop (which takes any remainder).
pub fn pointwise(x: &Tensor, weights: &[f32], bias: &[f32]) -> Tensor {
    let (ci, co) = (x.c, bias.len());
    assert_eq!(weights.len(), ci * co, "pointwise: weight size mismatch");
    let mut out = Tensor::zeros(x.h, x.w, co);
    let npx = x.h * x.w;
    let blocked = if FAST && co.is_multiple_of(8) {
        npx / 4 * 4
    } else {
        0
    };
    if blocked > 0 {
        for k0 in (0..co).step_by(8) {
            let (b0, b1) = (V::load(&bias[k0..]), V::load(&bias[k0 + 4..]));
            for (p0, src) in (0..blocked).step_by(4).zip(x.data.chunks_exact(4 * ci)) {
                let (r0, rest) = src.split_at(ci);
                let (r1, rest) = rest.split_at(ci);
                let (r2, r3) = rest.split_at(ci);
                let (mut a00, mut a01, mut a10, mut a11) = (b0, b1, b0, b1);
                let (mut a20, mut a21, mut a30, mut a31) = (b0, b1, b0, b1);
                let mut wi = k0;
                for c in 0..ci {
                    let (w0, w1) = (V::load(&weights[wi..]), V::load(&weights[wi + 4..]));
                    let v = V::splat(r0[c]);
                    a00 = a00.mul_add(v, w0);
                    a01 = a01.mul_add(v, w1);
                    let v = V::splat(r1[c]);
                    a10 = a10.mul_add(v, w0);
                    a11 = a11.mul_add(v, w1);
                    let v = V::splat(r2[c]);
                    a20 = a20.mul_add(v, w0);
                    a21 = a21.mul_add(v, w1);
                    let v = V::splat(r3[c]);
                    a30 = a30.mul_add(v, w0);
                    a31 = a31.mul_add(v, w1);
                    wi += co;
                }
                for (p, (lo, hi)) in [(a00, a01), (a10, a11), (a20, a21), (a30, a31)]
                    .into_iter()
                    .enumerate()
                {
                    let o = (p0 + p) * co + k0;
                    lo.store(&mut out.data[o..]);
                    hi.store(&mut out.data[o + 4..]);
                }
            }
        }
    }
    pointwise_plain(
        &x.data[blocked * ci..],
        weights,
        bias,
        &mut out.data[blocked * co..],
    );
    out
}

/// [`pointwise`] one element at a time over whole pixels of `src`: the
/// reference.
fn pointwise_plain(src: &[f32], weights: &[f32], bias: &[f32], out: &mut [f32]) {
    let (ci, co) = (weights.len() / bias.len().max(1), bias.len());
    if ci == 0 || co == 0 {
        return;
    }
    for (src, o) in src.chunks_exact(ci).zip(out.chunks_exact_mut(co)) {
        o.copy_from_slice(bias);
        for (&v, w) in src.iter().zip(weights.chunks_exact(co)) {
            for (acc, &wv) in o.iter_mut().zip(w) {
                *acc += v * wv;
            }
        }
    }
}

/// `tf.separableConv2d` followed by the bias.
pub fn separable(x: &Tensor, sep: &SeparableConv, stride: usize, padding: Padding) -> Tensor {
    let d = depthwise3x3(x, &sep.depthwise, stride, padding);
    pointwise(&d, &sep.pointwise, &sep.bias)
}

pub fn relu(x: &mut Tensor) {
    for v in &mut x.data {
        *v = v.max(0.0);
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

/// `a += b` element-wise (same shape).
pub fn add_assign(a: &mut Tensor, b: &Tensor) {
    assert_eq!((a.h, a.w, a.c), (b.h, b.w, b.c), "add: shape mismatch");
    for (x, y) in a.data.iter_mut().zip(&b.data) {
        *x += y;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(n: usize, seed: u64) -> Vec<f32> {
        let mut r = crate::rng::Rng::new(seed);
        (0..n).map(|_| r.next_f32() * 2.0 - 1.0).collect()
    }

    #[test]
    fn vector_paths_equal_the_plain_loops_bit_for_bit() {
        // Odd sizes (borders, pixel remainders), both strides, the channel
        // counts of both nets.
        for (h, w, cin, cout) in [(9, 7, 3, 16), (11, 13, 8, 32), (5, 6, 32, 64), (3, 3, 4, 8)] {
            let x = Tensor::from_vec(h, w, cin, noise(h * w * cin, 1)).unwrap();
            for stride in [1, 2] {
                for padding in [Padding::Same, Padding::Valid] {
                    let conv = Conv {
                        kh: 3,
                        kw: 3,
                        cin,
                        cout,
                        weights: noise(9 * cin * cout, 2),
                        bias: noise(cout, 3),
                    };
                    let got = conv2d(&x, &conv, stride, padding);
                    let mut want = Tensor::zeros(got.h, got.w, got.c);
                    let (_, pt) = out_len(h, 3, stride, padding);
                    let (_, pl) = out_len(w, 3, stride, padding);
                    conv2d_plain(&x, &conv, stride, (pt, pl), &mut want);
                    assert_eq!(got, want, "conv2d {h}×{w}×{cin}→{cout} /{stride}");
                    let filter = noise(9 * cin, 4);
                    let got = depthwise3x3(&x, &filter, stride, padding);
                    let mut want = Tensor::zeros(got.h, got.w, got.c);
                    depthwise_plain(&x, &filter, stride, (pt, pl), &mut want);
                    assert_eq!(got, want, "depthwise {h}×{w}×{cin} /{stride}");
                }
            }
            let (wts, bias) = (noise(cin * cout, 5), noise(cout, 6));
            let got = pointwise(&x, &wts, &bias);
            let mut want = vec![0.0; h * w * cout];
            pointwise_plain(&x.data, &wts, &bias, &mut want);
            assert_eq!(got.data, want, "pointwise {h}×{w}×{cin}→{cout}");
        }
    }

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
}
