//! The hot loop: multiply one dot into the image, four pixels per step.
//! A `simd128` version is compiled when the wasm target enables it; the
//! scalar version does the same arithmetic in the same order on each lane
//! (no fused multiply-add, the same rounding), so both builds give
//! identical pixels (checked in the browser tests).
//!
//! Coverage is computed, not looked up (a table needs four scalar loads
//! per four pixels). The ramp `u = E·(1 − s)` in a dot's squared
//! normalised distance `s` is quadratic in x and in y, so it is carried
//! across and down the dot by forward differences: two additions per four
//! pixels, then a clamp and a smoothstep. The blend runs in 16-bit lanes:
//! every product fits (alpha ≤ 255, ink ≤ 256, pixel ≤ 255, factor ≤ 256).
//!
//! Hair lies on top of the skin, over the pigment: a pixel clearly lighter
//! than the skin the dot sits in (a white or grey strand crossing it, a
//! glint of shine) keeps its light. Its alpha is scaled by
//! `clamp(8 · (top − luma), 0, 256) / 256`, with `luma` the pixel's
//! `(77 r + 150 g + 29 b) >> 8` and `top` per dot ([`InkLanes::over`]):
//! full above `top − 32`, none from `top` up.

use crate::f4::F4;

/// Adding 2²³ to a float in [0, 2²²] leaves its nearest integer in the
/// low mantissa bits: rounding in two instructions in both builds.
const ROUND: f32 = 8_388_608.0;
const ROUND_BITS: u32 = 0x4B00_0000;
/// Full opacity: a dot's peak (and so its alpha) is at most this.
pub const OPAQUE: f32 = 255.0;

/// A `top` no pixel reaches: every pixel takes the dot.
pub const NO_STRANDS: u16 = 1024;

/// A pigment's per-channel darkening at full opacity, 8.8 fixed point
/// (0 = none, 256 = to black): `256 · (255 − c) / 255`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ink(pub [u16; 3]);

impl Ink {
    /// The multiply colour `rgb`, darkened by `darken`.
    pub fn new(rgb: [u8; 3], darken: f32) -> Ink {
        Ink(rgb.map(|c| {
            let c = (c as f32 * darken).clamp(0.0, 255.0);
            (256.0 * (255.0 - c) / 255.0).round() as u16
        }))
    }
}

/// One dot's coverage, ready to be stepped across its pixel box: `u` for
/// the four pixels of the first group of the first row, how it changes one
/// group to the right (`right`) and one row down (`down`), and how those
/// change in turn (constant: the ramp is quadratic).
pub struct Coverage {
    u: F4,
    right: F4,
    down: F4,
    right_right: F4,
    right_down: F4,
    down_down: F4,
    /// The smoothstep's `3·peak` and `2·peak`.
    k3: F4,
    k2: F4,
}

impl Coverage {
    /// A dot whose squared normalised distance is
    /// `s = a dx² + b2 dx dy + c dy²` (1 at the outer rim), with coverage
    /// `smoothstep(clamp(edge · (1 − s)))` scaled to `peak` (0..=[`OPAQUE`]),
    /// starting at the pixel centre `(dx0, dy0)` from the dot's centre.
    pub fn new(q: [f32; 3], edge: f32, peak: f32, dx0: f32, dy0: f32) -> Coverage {
        let [a, b2, c] = q;
        // The same operations, in the same order, as on each lane alone.
        let splat = F4::splat;
        let (e, a4, b4, c4, dy) = (splat(edge), splat(a), splat(b2), splat(c), splat(dy0));
        let dx = splat(dx0) + F4::new([0.0, 1.0, 2.0, 3.0]);
        let u = e - e * (a4 * dx * dx + b4 * dx * dy + c4 * dy * dy);
        // u(dx + 4) − u(dx) and u(dy + 1) − u(dy).
        let minus_e = splat(-edge);
        let right = minus_e * (a4 * (splat(8.0) * dx + splat(16.0)) + splat(4.0) * b4 * dy);
        let down = minus_e * (b4 * dx + c4 * (splat(2.0) * dy + splat(1.0)));
        Coverage {
            u,
            right,
            down,
            right_right: F4::splat(-32.0 * edge * a),
            right_down: F4::splat(-4.0 * edge * b2),
            down_down: F4::splat(-2.0 * edge * c),
            k3: F4::splat(3.0 * peak),
            k2: F4::splat(2.0 * peak),
        }
    }

    /// Blend the dot into `data` (RGBA rows `stride` bytes apart): `rows`
    /// rows of `width` pixels, the first at byte `first`. Panics if that
    /// box does not lie inside `data`.
    #[inline]
    pub fn blend(
        mut self,
        data: &mut [u8],
        (first, stride): (usize, usize),
        (rows, width): (usize, usize),
        ink: &imp::InkLanes,
    ) {
        if rows == 0 || width == 0 {
            return;
        }
        // One bounds check for the whole box instead of one per row.
        let end = first + (rows - 1) * stride + width * 4;
        assert!(end <= data.len(), "dot box outside the image");
        let (groups, tail) = (width / 4, width % 4);
        let base = data.as_mut_ptr();
        for r in 0..rows {
            let row = first + r * stride;
            let (mut u, mut right) = (self.u, self.right);
            for g in 0..groups {
                // SAFETY: the group lies inside the box checked above.
                unsafe { imp::blend4(base.add(row + g * 16), self.alpha(u), ink) };
                u += right;
                right += self.right_right;
            }
            if tail > 0 {
                // A part-group (only in images narrower than the dot):
                // blended in a copy of its pixels.
                let px = &mut data[row + groups * 16..][..tail * 4];
                let mut group = [0u8; 16];
                group[..px.len()].copy_from_slice(px);
                // SAFETY: `group` is 16 bytes.
                unsafe { imp::blend4(group.as_mut_ptr(), self.alpha(u), ink) };
                px.copy_from_slice(&group[..px.len()]);
            }
            self.u += self.down;
            self.down += self.down_down;
            self.right += self.right_down;
        }
    }

    /// Opacity 0..=peak for ramp values `u`, rounded, as integer lanes.
    #[inline(always)]
    fn alpha(&self, u: F4) -> F4 {
        let t = u.clamp01();
        t * t * (self.k3 - self.k2 * t) + F4::splat(ROUND)
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use super::{Ink, ROUND_BITS};
    use core::arch::wasm32::*;

    /// The ink for two pixels' channels: `[r g b 0 r g b 0]`.
    pub struct InkLanes {
        ink: v128,
        top: v128,
    }

    impl InkLanes {
        /// `ink`, kept off pixels whose luma comes near `top`.
        pub fn over(Ink([r, g, b]): Ink, top: u16) -> Self {
            InkLanes {
                ink: u16x8(r, g, b, 0, r, g, b, 0),
                top: i32x4_splat(i32::from(top)),
            }
        }
    }

    /// Multiply four pixels by `1 − alpha · ink`; `alpha` holds rounded
    /// integers (≤ 255) in its lanes' low mantissa bits.
    ///
    /// # Safety
    /// `group` must point to 16 writable bytes.
    #[inline(always)]
    pub unsafe fn blend4(group: *mut u8, alpha: crate::f4::F4, ink: &InkLanes) {
        // Unaligned loads and stores are allowed for v128.
        let ptr = group as *mut v128;
        let px = v128_load(ptr);
        let (lo8, hi8) = (u16x8_extend_low_u8x16(px), u16x8_extend_high_u8x16(px));
        // Luma per pixel: pairwise products summed, then the pairs added.
        let w = i16x8(77, 150, 29, 0, 77, 150, 29, 0);
        let (dl, dh) = (i32x4_dot_i16x8(lo8, w), i32x4_dot_i16x8(hi8, w));
        let luma = u32x4_shr(
            i32x4_add(
                i32x4_shuffle::<0, 2, 4, 6>(dl, dh),
                i32x4_shuffle::<1, 3, 5, 7>(dl, dh),
            ),
            8,
        );
        let keep = i32x4_min(
            i32x4_max(i32x4_shl(i32x4_sub(ink.top, luma), 3), i32x4_splat(0)),
            i32x4_splat(256),
        );
        let alpha = i32x4_sub(alpha.0, u32x4_splat(ROUND_BITS));
        let alpha = u32x4_shr(i32x4_mul(alpha, keep), 8);
        // Spread per pixel in 16-bit lanes, [a0 a0 a0 a0 a1 a1 a1 a1] and
        // [a2 … a3 …], straight from the 32-bit lanes' low halves.
        let dup = v128_or(alpha, i32x4_shl(alpha, 16));
        let a01 = i32x4_shuffle::<0, 0, 1, 1>(dup, dup);
        let a23 = i32x4_shuffle::<2, 2, 3, 3>(dup, dup);
        let f = |a: v128| i16x8_sub(u16x8_splat(256), u16x8_shr(i16x8_mul(a, ink.ink), 8));
        let lo = u16x8_shr(i16x8_mul(lo8, f(a01)), 8);
        let hi = u16x8_shr(i16x8_mul(hi8, f(a23)), 8);
        v128_store(ptr, u8x16_narrow_i16x8(lo, hi));
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    use super::{Ink, ROUND_BITS};

    pub struct InkLanes {
        ink: [u16; 3],
        top: i32,
    }

    impl InkLanes {
        /// `ink`, kept off pixels whose luma comes near `top`.
        pub fn over(ink: Ink, top: u16) -> Self {
            InkLanes {
                ink: ink.0,
                top: i32::from(top),
            }
        }
    }

    /// # Safety
    /// `group` must point to 16 writable bytes.
    #[inline(always)]
    pub unsafe fn blend4(group: *mut u8, alpha: crate::f4::F4, ink: &InkLanes) {
        let group = core::slice::from_raw_parts_mut(group, 16);
        for (px, a) in group.chunks_exact_mut(4).zip(alpha.to_array()) {
            let luma = (77 * px[0] as i32 + 150 * px[1] as i32 + 29 * px[2] as i32) >> 8;
            let keep = ((ink.top - luma) << 3).clamp(0, 256) as u32;
            let a = (a.to_bits().wrapping_sub(ROUND_BITS) * keep) >> 8;
            // Unrolled: iterating over the ink by value spills it to the
            // stack on every pixel.
            let [r, g, b] = ink.ink.map(u32::from);
            px[0] = ((px[0] as u32 * (256 - ((a * r) >> 8))) >> 8) as u8;
            px[1] = ((px[1] as u32 * (256 - ((a * g) >> 8))) >> 8) as u8;
            px[2] = ((px[2] as u32 * (256 - ((a * b) >> 8))) >> 8) as u8;
        }
    }
}

impl From<Ink> for InkLanes {
    /// `ink` on every pixel, however light.
    fn from(ink: Ink) -> Self {
        InkLanes::over(ink, NO_STRANDS)
    }
}

pub use imp::InkLanes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepped_coverage_follows_the_quadratic() {
        // A round dot of radius 5 px (s = (dx² + dy²)/25), ramp 1.5, full
        // strength, black ink, over grey: every pixel of a 12×12 box agrees
        // with evaluating its coverage directly, within one 8-bit step
        // (forward differences round differently in the last bit).
        let (w, h) = (12usize, 12usize);
        let mut img = vec![200u8; w * h * 4];
        let q = [1.0 / 25.0, 0.0, 1.0 / 25.0];
        let (cx, cy) = (6.0, 6.0);
        let ink = Ink::new([0, 0, 0], 1.0);
        assert_eq!(ink, Ink([256; 3]));
        Coverage::new(q, 1.5, OPAQUE, 0.5 - cx, 0.5 - cy).blend(
            &mut img,
            (0, w * 4),
            (h, w),
            &ink.into(),
        );
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                let s = (dx * dx + dy * dy) / 25.0;
                let t = (1.5 - 1.5 * s).clamp(0.0, 1.0);
                let cover = t * t * (3.0 - 2.0 * t);
                let expect = (200.0 * (1.0 - cover)).round();
                let px = &img[(y * w + x) * 4..][..4];
                for (c, &got) in px[..3].iter().enumerate() {
                    assert!(
                        (got as f32 - expect).abs() <= 1.0,
                        "pixel ({x}, {y}) channel {c}: {got} vs {expect}"
                    );
                }
                assert_eq!(px[3], 200, "alpha is never touched");
            }
        }
        // Black at the centre, untouched in the corner (past the rim).
        assert_eq!(&img[(6 * w + 6) * 4..][..4], &[0, 0, 0, 200]);
        assert_eq!(&img[..4], &[200, 200, 200, 200]);
    }

    #[test]
    fn no_ink_or_no_coverage_leaves_pixels_exactly() {
        assert_eq!(Ink::new([255, 255, 255], 1.0), Ink([0; 3]));
        let ink = Ink::new([70, 72, 79], 1.0);
        assert_eq!(ink, Ink([186, 184, 177]));
        // Zero coverage (a dot 9 px away, radius 1) under the dark ink,
        // or full coverage (the dot's centre) under white ink, leave every
        // value as it was.
        for (ink, dx) in [(ink, 9.0), (Ink([0; 3]), 0.0)] {
            let mut px: Vec<u8> = (0..=255).collect();
            let before = px.clone();
            for row in px.chunks_mut(16) {
                let dot = Coverage::new([1.0, 0.0, 1.0], 1.0, OPAQUE, dx, 0.0);
                dot.blend(row, (0, 16), (1, 1), &ink.into());
            }
            assert_eq!(px, before);
        }
    }
}
