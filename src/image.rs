//! RGBA8 image buffers (straight alpha, sRGB) and resampling.

use crate::error::Error;

/// Largest image the core accepts (pixels); see [`crate::limits`].
pub const MAX_PIXELS: u64 = crate::limits::MAX_PIXELS;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// `width * height * 4` bytes, row-major RGBA.
    pub data: Vec<u8>,
}

impl Image {
    /// A new image filled with one colour.
    /// An image of zero bytes (transparent black), for pixels that are
    /// about to be overwritten: no fill loop, just zeroed memory.
    pub fn zeroed(width: u32, height: u32) -> Result<Image, Error> {
        check_size(width, height)?;
        let n = width as usize * height as usize * 4;
        let mut data = Vec::new();
        data.try_reserve_exact(n)
            .map_err(|_| Error::OutOfMemory { width, height })?;
        data.resize(n, 0);
        Ok(Image {
            width,
            height,
            data,
        })
    }

    pub fn new(width: u32, height: u32, rgba: [u8; 4]) -> Result<Image, Error> {
        check_size(width, height)?;
        let n = width as usize * height as usize;
        let mut data = Vec::new();
        data.try_reserve_exact(n * 4)
            .map_err(|_| Error::OutOfMemory { width, height })?;
        for _ in 0..n {
            data.extend_from_slice(&rgba);
        }
        Ok(Image {
            width,
            height,
            data,
        })
    }

    pub fn from_rgba(width: u32, height: u32, data: Vec<u8>) -> Result<Image, Error> {
        check_size(width, height)?;
        let expected = width as u64 * height as u64 * 4;
        if data.len() as u64 != expected {
            return Err(Error::PixelCount {
                expected,
                got: data.len() as u64,
            });
        }
        Ok(Image {
            width,
            height,
            data,
        })
    }

    /// Resize in place to `width`×`height`, keeping the allocation when it is
    /// large enough (used for per-frame buffers).
    pub fn resize(&mut self, width: u32, height: u32) -> Result<(), Error> {
        check_size(width, height)?;
        let n = width as usize * height as usize * 4;
        if n > self.data.len() {
            self.data
                .try_reserve_exact(n - self.data.len())
                .map_err(|_| Error::OutOfMemory { width, height })?;
        }
        self.data.resize(n, 0);
        self.width = width;
        self.height = height;
        Ok(())
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [
            self.data[i],
            self.data[i + 1],
            self.data[i + 2],
            self.data[i + 3],
        ]
    }
}

/// Copy `src` into `dst` (the same length). The `simd128` build copies
/// 64 bytes per step with v128 loads and stores: in Chromium here that
/// copies a 12 MP image in about 2.9 ms where `memory.copy` (what
/// `copy_from_slice` compiles to) takes about 3.8 ms, for any length from
/// a few rows up. The benchmark's memcpy floor uses this too.
pub fn copy_pixels(dst: &mut [u8], src: &[u8]) {
    assert_eq!(dst.len(), src.len(), "copy_pixels needs equal lengths");
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::{v128, v128_load, v128_store};
        let blocks = dst.len() / 64;
        let (d, s) = (dst.as_mut_ptr() as *mut v128, src.as_ptr() as *const v128);
        for i in 0..blocks {
            // SAFETY: block i is bytes 64·i..64·i + 64 of both slices,
            // which are at least 64·blocks long; v128 access may be
            // unaligned.
            unsafe {
                let (s, d) = (s.add(4 * i), d.add(4 * i));
                let (a, b, c, e) = (
                    v128_load(s),
                    v128_load(s.add(1)),
                    v128_load(s.add(2)),
                    v128_load(s.add(3)),
                );
                v128_store(d, a);
                v128_store(d.add(1), b);
                v128_store(d.add(2), c);
                v128_store(d.add(3), e);
            }
        }
        dst[blocks * 64..].copy_from_slice(&src[blocks * 64..]);
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    dst.copy_from_slice(src);
}

fn check_size(width: u32, height: u32) -> Result<(), Error> {
    if width == 0 || height == 0 {
        return Err(Error::ImageEmpty);
    }
    if width as u64 * height as u64 > MAX_PIXELS {
        return Err(Error::ImageTooLarge {
            width,
            height,
            max_megapixels: (MAX_PIXELS / 1_000_000) as u32,
        });
    }
    Ok(())
}

/// A skin-coloured ellipse (a "head") on a blue backdrop: the tests'
/// photos, and the engine's warm-up ([`crate::engine::Engine::warm_up`]).
pub(crate) fn ellipse_head(
    size: (u32, u32),
    centre: (f32, f32),
    radii: (f32, f32),
    skin: [u8; 3],
) -> Image {
    let (w, h) = size;
    let mut im = Image::new(w, h, [65, 105, 165, 255]).expect("small synthetic image");
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (
                (x as f32 - centre.0) / radii.0,
                (y as f32 - centre.1) / radii.1,
            );
            if dx * dx + dy * dy < 1.0 {
                let i = ((y * w + x) * 4) as usize;
                im.data[i..i + 3].copy_from_slice(&skin);
            }
        }
    }
    im
}

/// A rectangle of the source image in pixels (may be fractional and may
/// extend past the edges, which are clamped).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// Filter taps for one output coordinate: first source index and weights
/// (16.16 fixed point, summing to 65536).
struct Taps {
    start: Vec<u32>,
    count: Vec<u32>,
    weights: Vec<u32>,
    offsets: Vec<u32>,
}

fn taps(src_len: u32, start: f32, len: f32, dst_len: u32) -> Taps {
    let scale = len / dst_len as f32; // source pixels per output pixel
    let support = scale.max(1.0);
    let mut t = Taps {
        start: vec![],
        count: vec![],
        weights: vec![],
        offsets: vec![],
    };
    let last = src_len as i64 - 1;
    for i in 0..dst_len {
        let centre = start + (i as f32 + 0.5) * scale - 0.5;
        // Clamp in floating point first: a view far outside the image must
        // not overflow the integer maths (it just repeats the edge pixel).
        let bound = src_len as f32 + 2.0;
        let lo = ((centre - support).floor() + 1.0).clamp(-bound, bound) as i64;
        let hi = ((centre + support).ceil() - 1.0).clamp(-bound, bound) as i64;
        let mut ws: Vec<(u32, f32)> = Vec::new();
        for s in lo.max(0).min(last)..=hi.min(last).max(0) {
            let w = 1.0 - ((s as f32 - centre).abs() / support);
            if w > 0.0 {
                ws.push((s as u32, w));
            }
        }
        if ws.is_empty() {
            // Entirely outside the image: repeat the nearest edge pixel.
            ws.push((centre.round().clamp(0.0, last as f32) as u32, 1.0));
        }
        let sum: f32 = ws.iter().map(|w| w.1).sum();
        t.offsets.push(t.weights.len() as u32);
        t.start.push(ws[0].0);
        t.count.push(ws.len() as u32);
        let mut acc = 0u32;
        for (k, (_, w)) in ws.iter().enumerate() {
            let q = if k + 1 == ws.len() {
                65536 - acc
            } else {
                (w / sum * 65536.0) as u32
            };
            acc += q;
            t.weights.push(q);
        }
    }
    t
}

/// Resample `rect` of `src` into all of `dst` with a tent filter whose
/// support widens when shrinking (area-averaging, no aliasing on skin
/// texture) and is bilinear when enlarging. Alpha is set to 255.
pub fn resample(src: &Image, rect: Rect, dst: &mut Image) {
    let tx = taps(src.width, rect.x, rect.w, dst.width);
    let ty = taps(src.height, rect.y, rect.h, dst.height);
    let sw = src.width as usize;
    let dw = dst.width as usize;
    // Horizontal pass over only the source rows the vertical pass needs,
    // into 16-bit channels with 8 fractional bits (a sum of weights ≤ 2¹⁶
    // times 255, shifted right by 8, is at most 65280).
    let row_lo = ty.start.iter().copied().min().unwrap_or(0) as usize;
    let row_hi = ty
        .start
        .iter()
        .zip(&ty.count)
        .map(|(s, c)| (s + c) as usize)
        .max()
        .unwrap_or(0);
    let rows = row_hi - row_lo;
    let mut tmp = vec![0u16; rows * dw * 4];
    for (r, trow) in tmp.chunks_exact_mut(dw * 4).enumerate() {
        let srow = &src.data[(row_lo + r) * sw * 4..(row_lo + r + 1) * sw * 4];
        for (x, out) in trow.chunks_exact_mut(4).enumerate() {
            let (s0, n, o) = (
                tx.start[x] as usize,
                tx.count[x] as usize,
                tx.offsets[x] as usize,
            );
            row_taps(&srow[s0 * 4..(s0 + n) * 4], &tx.weights[o..o + n], out);
        }
    }
    // Vertical pass, a whole row at a time. 65280 · 2¹⁶ plus the rounding
    // still fits 32 bits, so the sums are exact in u32.
    let mut acc = vec![0u32; dw * 4];
    for y in 0..dst.height as usize {
        let (s0, n, o) = (
            ty.start[y] as usize - row_lo,
            ty.count[y] as usize,
            ty.offsets[y] as usize,
        );
        acc.fill(1 << 23);
        for k in 0..n {
            let w = ty.weights[o + k];
            let row = &tmp[(s0 + k) * dw * 4..(s0 + k + 1) * dw * 4];
            for (a, &t) in acc.iter_mut().zip(row) {
                *a += t as u32 * w;
            }
        }
        let drow = &mut dst.data[y * dw * 4..(y + 1) * dw * 4];
        for (d, &a) in drow.iter_mut().zip(&acc) {
            *d = (a >> 24) as u8;
        }
        for px in drow.chunks_exact_mut(4) {
            px[3] = 255;
        }
    }
}

/// One output pixel of the horizontal pass: the weighted sum of the RGBA
/// pixels `px` (one per weight), with 8 fractional bits.
#[inline(always)]
fn row_taps(px: &[u8], weights: &[u32], out: &mut [u16]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let mut acc = u32x4_splat(0);
        for (p, &w) in px.chunks_exact(4).zip(weights) {
            // SAFETY: `p` is 4 readable bytes.
            let v = unsafe { v128_load32_zero(p.as_ptr() as *const u32) };
            let v = u32x4_extend_low_u16x8(u16x8_extend_low_u8x16(v));
            acc = i32x4_add(acc, i32x4_mul(v, u32x4_splat(w)));
        }
        let acc = u32x4_shr(acc, 8);
        out.copy_from_slice(&[
            u32x4_extract_lane::<0>(acc) as u16,
            u32x4_extract_lane::<1>(acc) as u16,
            u32x4_extract_lane::<2>(acc) as u16,
            u32x4_extract_lane::<3>(acc) as u16,
        ]);
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut acc = [0u32; 4];
        for (p, &w) in px.chunks_exact(4).zip(weights) {
            for c in 0..4 {
                acc[c] += p[c] as u32 * w;
            }
        }
        for c in 0..4 {
            out[c] = (acc[c] >> 8) as u16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked() {
        assert!(Image::new(0, 10, [0; 4]).is_err());
        assert!(Image::new(100_000, 100_000, [0; 4])
            .unwrap_err()
            .to_string()
            .contains("megapixel"));
        assert!(Image::from_rgba(2, 2, vec![0; 15]).is_err());
        let mut im = Image::new(2, 2, [1, 2, 3, 4]).unwrap();
        assert_eq!(im.pixel(1, 1), [1, 2, 3, 4]);
        im.resize(3, 1).unwrap();
        assert_eq!(im.data.len(), 12);
    }

    #[test]
    fn identity_resample_is_exact() {
        let mut src = Image::new(7, 5, [0; 4]).unwrap();
        for (i, b) in src.data.iter_mut().enumerate() {
            *b = if i % 4 == 3 {
                255
            } else {
                (i * 37 % 251) as u8
            };
        }
        let mut dst = Image::new(7, 5, [0; 4]).unwrap();
        resample(
            &src,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 7.0,
                h: 5.0,
            },
            &mut dst,
        );
        assert_eq!(src, dst);
    }

    #[test]
    fn downscale_averages_and_keeps_flat_colour() {
        let src = Image::new(64, 48, [200, 150, 100, 255]).unwrap();
        let mut dst = Image::new(16, 12, [0; 4]).unwrap();
        resample(
            &src,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 64.0,
                h: 48.0,
            },
            &mut dst,
        );
        assert!(dst.data.chunks(4).all(|p| p == [200, 150, 100, 255]));
        // A checkerboard averages to mid-grey instead of aliasing.
        let mut cb = Image::new(64, 64, [0; 4]).unwrap();
        for y in 0..64 {
            for x in 0..64 {
                let v = if (x + y) % 2 == 0 { 255 } else { 0 };
                let i = (y * 64 + x) * 4;
                cb.data[i..i + 4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        let mut small = Image::new(8, 8, [0; 4]).unwrap();
        resample(
            &cb,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 64.0,
                h: 64.0,
            },
            &mut small,
        );
        for p in small.data.chunks(4) {
            assert!((p[0] as i32 - 128).abs() <= 12, "{p:?}");
        }
    }

    #[test]
    fn absurd_rects_do_not_overflow() {
        let src = Image::new(4, 4, [10, 20, 30, 255]).unwrap();
        let mut dst = Image::new(2, 2, [0; 4]).unwrap();
        for x in [f32::MAX, -f32::MAX, 1e30, -1e30] {
            resample(
                &src,
                Rect {
                    x,
                    y: 0.0,
                    w: 0.01,
                    h: 0.01,
                },
                &mut dst,
            );
            resample(
                &src,
                Rect {
                    x: 0.0,
                    y: x,
                    w: 1e30,
                    h: 0.01,
                },
                &mut dst,
            );
            assert!(dst.data.chunks(4).all(|p| p == [10, 20, 30, 255]));
        }
    }

    #[test]
    fn out_of_bounds_rect_is_clamped() {
        let src = Image::new(4, 4, [10, 20, 30, 255]).unwrap();
        let mut dst = Image::new(8, 8, [0; 4]).unwrap();
        resample(
            &src,
            Rect {
                x: -10.0,
                y: -10.0,
                w: 30.0,
                h: 30.0,
            },
            &mut dst,
        );
        assert!(dst.data.chunks(4).all(|p| p == [10, 20, 30, 255]));
    }
}
