//! Four f32 lanes for the nets' convolutions: SSE on x86-64 (native
//! builds and tests; part of every x86-64 CPU), `v128` in the `simd128`
//! WebAssembly build. Each operation is one IEEE operation per lane (no
//! fused multiply-add), the same as the scalar loops do one element at a
//! time, so the vector and scalar paths give bit-identical results. Where
//! neither is available ([`FAST`] is false) the layers keep their plain
//! loops.
//!
//! Every function is `#[inline(always)]` and a single instruction: the
//! release profile's `opt-level = "s"` neither unrolls small loops nor
//! vectorises the plain ones, so the blocked kernels in [`super::tensor`]
//! spell out their registers.

#[cfg(target_arch = "x86_64")]
mod imp {
    use std::arch::x86_64::{
        __m128, _mm_add_ps, _mm_loadu_ps, _mm_mul_ps, _mm_set1_ps, _mm_setzero_ps, _mm_storeu_ps,
    };

    pub const FAST: bool = true;

    #[derive(Clone, Copy)]
    pub struct V(__m128);

    // SAFETY (every block below): SSE is part of the x86-64 baseline, and
    // loads and stores go through slices of at least four elements.
    impl V {
        #[inline(always)]
        pub fn zero() -> V {
            V(unsafe { _mm_setzero_ps() })
        }
        #[inline(always)]
        pub fn splat(x: f32) -> V {
            V(unsafe { _mm_set1_ps(x) })
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> V {
            let s = &s[..4];
            V(unsafe { _mm_loadu_ps(s.as_ptr()) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            unsafe { _mm_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        /// `self + a * b` (a multiply, then an add).
        #[inline(always)]
        pub fn mul_add(self, a: V, b: V) -> V {
            V(unsafe { _mm_add_ps(self.0, _mm_mul_ps(a.0, b.0)) })
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_store};

    pub const FAST: bool = true;

    #[derive(Clone, Copy)]
    pub struct V(v128);

    impl V {
        #[inline(always)]
        pub fn zero() -> V {
            V(f32x4_splat(0.0))
        }
        #[inline(always)]
        pub fn splat(x: f32) -> V {
            V(f32x4_splat(x))
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> V {
            let s = &s[..4];
            // SAFETY: four f32s (16 bytes) behind the pointer; v128_load
            // allows unaligned addresses.
            V(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            // SAFETY: as for `load`.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn mul_add(self, a: V, b: V) -> V {
            V(f32x4_add(self.0, f32x4_mul(a.0, b.0)))
        }
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
mod imp {
    /// No vector unit: the layers use their plain loops.
    pub const FAST: bool = false;

    #[derive(Clone, Copy)]
    pub struct V([f32; 4]);

    impl V {
        #[inline(always)]
        pub fn zero() -> V {
            V([0.0; 4])
        }
        #[inline(always)]
        pub fn splat(x: f32) -> V {
            V([x, x, x, x])
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> V {
            V([s[0], s[1], s[2], s[3]])
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            s[..4].copy_from_slice(&self.0);
        }
        #[inline(always)]
        pub fn mul_add(self, a: V, b: V) -> V {
            let (s, a, b) = (self.0, a.0, b.0);
            V([
                s[0] + a[0] * b[0],
                s[1] + a[1] * b[1],
                s[2] + a[2] * b[2],
                s[3] + a[3] * b[3],
            ])
        }
    }
}

pub use imp::{FAST, V};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_multiply_then_add() {
        let mut out = [0.0f32; 5];
        let a = V::load(&[1.0, -2.0, 0.1, 3.0, 99.0]);
        let b = V::splat(0.3);
        V::splat(1.0).mul_add(a, b).store(&mut out);
        // Each lane as the scalar expression `1.0 + x * 0.3` rounds it.
        let want = [1.0f32, -2.0, 0.1, 3.0].map(|x| 1.0 + x * 0.3);
        assert_eq!(out[..4], want);
        assert_eq!(out[4], 0.0);
        V::zero().store(&mut out[1..]);
        assert_eq!(out[1..], [0.0; 4]);
    }
}
