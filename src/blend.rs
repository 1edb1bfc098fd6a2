//! The hot loop: multiply one row of a dot into the image. A `simd128`
//! version (four pixels per step) is compiled when the wasm target enables
//! it; the scalar version does the same arithmetic in the same order, so
//! both builds give identical pixels (checked in the browser tests).

/// Entries per coverage table; index `LUT_SIZE` reads 0 (outside the dot).
pub const LUT_SIZE: usize = 256;
pub type Lut = [u16; LUT_SIZE + 1];

/// One row of one dot. `q`/`dq`/`ddq` give the table index of the first
/// pixel and its forward differences (the squared distance is quadratic
/// along the row); `peak` is the dot's strength (0..=256) and `ink` the
/// pigment's per-channel darkening (8.8 fixed point).
pub struct Row<'a> {
    pub lut: &'a Lut,
    pub peak: u32,
    pub ink: [u32; 3],
}

/// Lane offsets inside a group of four pixels: q(i) = q + i·dq + T(i)·ddq.
const LANE_I: [f32; 4] = [0.0, 1.0, 2.0, 3.0];
const LANE_T: [f32; 4] = [0.0, 0.0, 1.0, 3.0];

impl Row<'_> {
    /// Blend `pixels` (RGBA, any length multiple of 4).
    #[inline]
    pub fn blend(&self, pixels: &mut [u8], mut q: f32, mut dq: f32, ddq: f32) {
        let mut groups = pixels.chunks_exact_mut(16);
        for group in &mut groups {
            self.blend4(group, q, dq, ddq);
            q = (q + 4.0 * dq) + 6.0 * ddq;
            dq += 4.0 * ddq;
        }
        let rest = groups.into_remainder();
        for (i, px) in rest.chunks_exact_mut(4).enumerate() {
            let qi = (q + LANE_I[i] * dq) + LANE_T[i] * ddq;
            self.blend1(px, qi);
        }
    }

    #[inline(always)]
    fn index(q: f32) -> usize {
        // `as` saturates: negatives (rounding near the centre) read entry 0.
        (q as u32).min(LUT_SIZE as u32) as usize
    }

    #[inline(always)]
    fn blend1(&self, px: &mut [u8], q: f32) {
        let alpha = (self.peak * self.lut[Self::index(q)] as u32) >> 8;
        for (c, ink) in px.iter_mut().zip(self.ink) {
            let f = 256 - ((alpha * ink) >> 8);
            *c = ((*c as u32 * f) >> 8) as u8;
        }
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[inline(always)]
    fn blend4(&self, group: &mut [u8], q: f32, dq: f32, ddq: f32) {
        for (i, px) in group.chunks_exact_mut(4).enumerate() {
            self.blend1(px, (q + LANE_I[i] * dq) + LANE_T[i] * ddq);
        }
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn blend4(&self, group: &mut [u8], q: f32, dq: f32, ddq: f32) {
        use core::arch::wasm32::*;
        let lane_i = f32x4(LANE_I[0], LANE_I[1], LANE_I[2], LANE_I[3]);
        let lane_t = f32x4(LANE_T[0], LANE_T[1], LANE_T[2], LANE_T[3]);
        let qv = f32x4_add(
            f32x4_add(f32x4_splat(q), f32x4_mul(lane_i, f32x4_splat(dq))),
            f32x4_mul(lane_t, f32x4_splat(ddq)),
        );
        let idx = u32x4_min(
            i32x4_max(i32x4_trunc_sat_f32x4(qv), i32x4_splat(0)),
            u32x4_splat(LUT_SIZE as u32),
        );
        let lut = self.lut;
        let cov = u32x4(
            lut[u32x4_extract_lane::<0>(idx) as usize] as u32,
            lut[u32x4_extract_lane::<1>(idx) as usize] as u32,
            lut[u32x4_extract_lane::<2>(idx) as usize] as u32,
            lut[u32x4_extract_lane::<3>(idx) as usize] as u32,
        );
        let alpha = u32x4_shr(i32x4_mul(cov, u32x4_splat(self.peak)), 8);
        let f = |ink: u32| {
            i32x4_sub(
                u32x4_splat(256),
                u32x4_shr(i32x4_mul(alpha, u32x4_splat(ink)), 8),
            )
        };
        let rg = u16x8_narrow_i32x4(f(self.ink[0]), f(self.ink[1]));
        let b_ = u16x8_narrow_i32x4(f(self.ink[2]), u32x4_splat(256));
        // Per pixel: [r g b 256] factors for pixels 0,1 and 2,3.
        let f01 = u16x8_shuffle::<0, 4, 8, 12, 1, 5, 9, 13>(rg, b_);
        let f23 = u16x8_shuffle::<2, 6, 10, 14, 3, 7, 11, 15>(rg, b_);
        // SAFETY: `group` is exactly 16 bytes (chunks_exact_mut(16));
        // unaligned loads and stores are allowed for v128.
        unsafe {
            let ptr = group.as_mut_ptr() as *mut v128;
            let px = v128_load(ptr);
            let lo = u16x8_shr(i16x8_mul(u16x8_extend_low_u8x16(px), f01), 8);
            let hi = u16x8_shr(i16x8_mul(u16x8_extend_high_u8x16(px), f23), 8);
            v128_store(ptr, u8x16_narrow_i16x8(lo, hi));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_tail_follow_the_same_quadratic() {
        // q(x) = x² along the row: groups of four and the tail agree with
        // evaluating each pixel directly.
        let mut lut = [0u16; LUT_SIZE + 1];
        for (i, v) in lut.iter_mut().enumerate().take(LUT_SIZE) {
            *v = (256 - i) as u16;
        }
        let row = Row {
            lut: &lut,
            peak: 256,
            ink: [256, 128, 0],
        };
        let mut a = vec![200u8; 4 * 11];
        row.blend(&mut a, 0.0, 1.0, 2.0);
        for (x, px) in a.chunks(4).enumerate() {
            let q = (x * x) as u32;
            let alpha = (256 * lut[q.min(256) as usize] as u32) >> 8;
            let expect = |ink: u32| ((200 * (256 - ((alpha * ink) >> 8))) >> 8) as u8;
            assert_eq!(px, [expect(256), expect(128), 200, 200], "pixel {x}");
        }
    }
}
