//! The hot loop: multiply one row of a dot into the image. A `simd128`
//! version (four pixels per step) is compiled when the wasm target enables
//! it; the scalar version does the same arithmetic in the same order (IEEE
//! `sqrt`, no fused multiply-add), so both builds give identical pixels
//! (checked in the browser tests).
//!
//! Coverage is computed, not looked up: a table lookup needs four scalar
//! loads per group of four pixels; a ramp in the squared distance is a
//! multiply and a subtract.

/// One row of one dot. `s`/`ds`/`dds` give the squared normalised distance
/// (1 at the dot's outer rim) of the first pixel and its forward
/// differences (it is quadratic along the row).
pub struct Row {
    /// Edge sharpness: coverage is `smoothstep(edge · (1 − s))`.
    pub edge: f32,
    /// The dot's strength, 0..=255.
    pub peak: f32,
    /// The pigment's per-channel darkening, 8.8 fixed point (0..=256).
    pub ink: [u16; 3],
}

/// Lane offsets inside a group of four pixels: s(i) = s + i·ds + T(i)·dds.
const LANE_I: [f32; 4] = [0.0, 1.0, 2.0, 3.0];
const LANE_T: [f32; 4] = [0.0, 0.0, 1.0, 3.0];
/// Adding 2²³ to a float in [0, 2²²] leaves its nearest integer in the
/// low mantissa bits: rounding in two instructions in both builds.
const ROUND: f32 = 8_388_608.0;
const ROUND_BITS: u32 = 0x4B00_0000;

/// WebAssembly's `pmin`/`pmax` (what `minps`/`maxps` do), which the scalar
/// build must match bit for bit.
#[inline(always)]
fn pmax(a: f32, b: f32) -> f32 {
    if a < b {
        b
    } else {
        a
    }
}
#[inline(always)]
fn pmin(a: f32, b: f32) -> f32 {
    if b < a {
        b
    } else {
        a
    }
}

impl Row {
    /// Blend `pixels` (RGBA, any length multiple of 4).
    #[inline]
    pub fn blend(&self, pixels: &mut [u8], mut s: f32, mut ds: f32, dds: f32) {
        let mut groups = pixels.chunks_exact_mut(16);
        for group in &mut groups {
            self.blend4(group, s, ds, dds);
            s = (s + 4.0 * ds) + 6.0 * dds;
            ds += 4.0 * dds;
        }
        let rest = groups.into_remainder();
        for (i, px) in rest.chunks_exact_mut(4).enumerate() {
            let si = (s + LANE_I[i] * ds) + LANE_T[i] * dds;
            self.blend1(px, si);
        }
    }

    /// Opacity 0..=255 at squared normalised distance `s`.
    #[inline(always)]
    fn alpha(&self, s: f32) -> u32 {
        let t = pmin(pmax(self.edge - self.edge * s, 0.0), 1.0);
        let a = (t * t) * (3.0 - (t + t)) * self.peak;
        (a + ROUND).to_bits() - ROUND_BITS
    }

    #[inline(always)]
    fn blend1(&self, px: &mut [u8], s: f32) {
        let alpha = self.alpha(s);
        // Unrolled: iterating over `self.ink` by value spills it to the
        // stack on every pixel.
        let [r, g, b] = self.ink.map(u32::from);
        px[0] = ((px[0] as u32 * (256 - ((alpha * r) >> 8))) >> 8) as u8;
        px[1] = ((px[1] as u32 * (256 - ((alpha * g) >> 8))) >> 8) as u8;
        px[2] = ((px[2] as u32 * (256 - ((alpha * b) >> 8))) >> 8) as u8;
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[inline(always)]
    fn blend4(&self, group: &mut [u8], s: f32, ds: f32, dds: f32) {
        for (i, px) in group.chunks_exact_mut(4).enumerate() {
            self.blend1(px, (s + LANE_I[i] * ds) + LANE_T[i] * dds);
        }
    }

    /// Four pixels at once, in the scalar version's order of operations;
    /// every product fits 16 bits (alpha ≤ 255, ink ≤ 256, pixel ≤ 255,
    /// factor ≤ 256), so the blend runs in 16-bit lanes.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn blend4(&self, group: &mut [u8], s: f32, ds: f32, dds: f32) {
        use core::arch::wasm32::*;
        let lane_i = f32x4(LANE_I[0], LANE_I[1], LANE_I[2], LANE_I[3]);
        let lane_t = f32x4(LANE_T[0], LANE_T[1], LANE_T[2], LANE_T[3]);
        let sv = f32x4_add(
            f32x4_add(f32x4_splat(s), f32x4_mul(lane_i, f32x4_splat(ds))),
            f32x4_mul(lane_t, f32x4_splat(dds)),
        );
        let edge = f32x4_splat(self.edge);
        let t = f32x4_pmin(
            f32x4_pmax(f32x4_sub(edge, f32x4_mul(edge, sv)), f32x4_splat(0.0)),
            f32x4_splat(1.0),
        );
        let a = f32x4_mul(
            f32x4_mul(
                f32x4_mul(t, t),
                f32x4_sub(f32x4_splat(3.0), f32x4_add(t, t)),
            ),
            f32x4_splat(self.peak),
        );
        let alpha = i32x4_sub(f32x4_add(a, f32x4_splat(ROUND)), u32x4_splat(ROUND_BITS));
        // Spread per pixel in 16-bit lanes, [a0 a0 a0 a0 a1 a1 a1 a1] and
        // [a2 … a3 …], straight from the 32-bit lanes' low halves (alpha
        // is at most 255, so no saturating narrow is needed).
        let a01 = i8x16_shuffle::<0, 1, 0, 1, 0, 1, 0, 1, 4, 5, 4, 5, 4, 5, 4, 5>(alpha, alpha);
        let a23 =
            i8x16_shuffle::<8, 9, 8, 9, 8, 9, 8, 9, 12, 13, 12, 13, 12, 13, 12, 13>(alpha, alpha);
        let [r, g, b] = self.ink;
        let ink = u16x8(r, g, b, 0, r, g, b, 0);
        let f = |a: v128| i16x8_sub(u16x8_splat(256), u16x8_shr(i16x8_mul(a, ink), 8));
        // SAFETY: `group` is exactly 16 bytes (chunks_exact_mut(16));
        // unaligned loads and stores are allowed for v128.
        unsafe {
            let ptr = group.as_mut_ptr() as *mut v128;
            let px = v128_load(ptr);
            let lo = u16x8_shr(i16x8_mul(u16x8_extend_low_u8x16(px), f(a01)), 8);
            let hi = u16x8_shr(i16x8_mul(u16x8_extend_high_u8x16(px), f(a23)), 8);
            v128_store(ptr, u8x16_narrow_i16x8(lo, hi));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_tail_follow_the_same_quadratic() {
        // s(x) = (x/10)² along the row: groups of four and the tail agree
        // with evaluating each pixel directly.
        let row = Row {
            edge: 1.5,
            peak: 255.0,
            ink: [256, 128, 0],
        };
        let mut a = vec![200u8; 4 * 11];
        row.blend(&mut a, 0.0, 0.01, 0.02);
        for (x, px) in a.chunks(4).enumerate() {
            let s = (x * x) as f32 / 100.0;
            let t = (1.5 - 1.5 * s).clamp(0.0, 1.0);
            let alpha = (t * t * (3.0 - 2.0 * t) * 255.0).round() as u32;
            let expect = |ink: u32| ((200 * (256 - ((alpha * ink) >> 8))) >> 8) as u8;
            let got = px;
            // Forward differences round differently from x² / 100 in the
            // last bit: allow one step of the 8-bit result.
            for c in 0..3 {
                let e = [expect(256), expect(128), 200][c];
                assert!(
                    got[c].abs_diff(e) <= 1,
                    "pixel {x} channel {c}: {got:?} vs {e}"
                );
            }
            assert_eq!(got[3], 200);
        }
        // Full strength at the centre, untouched past the rim.
        assert_eq!(&a[0..4], &[0, 100, 200, 200]);
        assert_eq!(&a[40..44], &[200, 200, 200, 200]);
    }
}
