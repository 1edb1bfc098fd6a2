//! Four f32 lanes: a `v128` in the `simd128` build, an array otherwise.
//! Every operation is one IEEE operation per lane in both builds (no fused
//! multiply-add; `min`/`max` are WebAssembly's `pmin`/`pmax`), so the two
//! builds compute bit-identical results and draw identical pixels.

#[derive(Clone, Copy, Debug)]
pub struct F4(pub(crate) imp::V);

/// WebAssembly's `pmin`/`pmax` (what `minps`/`maxps` do).
#[inline(always)]
pub fn pmax(a: f32, b: f32) -> f32 {
    if a < b {
        b
    } else {
        a
    }
}
#[inline(always)]
pub fn pmin(a: f32, b: f32) -> f32 {
    if b < a {
        b
    } else {
        a
    }
}

impl F4 {
    /// The four values `s[i..i + 4]` (panics past the end, like indexing).
    /// One `v128.load` in the `simd128` build, where building the vector
    /// from four indexed values compiles to a load per lane.
    #[inline(always)]
    pub fn load(s: &[f32], i: usize) -> F4 {
        Self::load4(&s[i..i + 4])
    }

    /// Writes the lanes to `s[i..i + 4]` (panics past the end).
    #[inline(always)]
    pub fn store(self, s: &mut [f32], i: usize) {
        self.store4(&mut s[i..i + 4]);
    }

    /// Lanes `x` clamped to 0..=1.
    #[inline(always)]
    pub fn clamp01(self) -> F4 {
        self.max(F4::splat(0.0)).min(F4::splat(1.0))
    }
}

impl std::ops::Add for F4 {
    type Output = F4;
    #[inline(always)]
    fn add(self, o: F4) -> F4 {
        self.add_(o)
    }
}
impl std::ops::Sub for F4 {
    type Output = F4;
    #[inline(always)]
    fn sub(self, o: F4) -> F4 {
        self.sub_(o)
    }
}
impl std::ops::Mul for F4 {
    type Output = F4;
    #[inline(always)]
    fn mul(self, o: F4) -> F4 {
        self.mul_(o)
    }
}
impl std::ops::Div for F4 {
    type Output = F4;
    #[inline(always)]
    fn div(self, o: F4) -> F4 {
        self.div_(o)
    }
}
impl std::ops::AddAssign for F4 {
    #[inline(always)]
    fn add_assign(&mut self, o: F4) {
        *self = *self + o;
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    pub type V = v128;

    impl super::F4 {
        #[inline(always)]
        pub fn new(l: [f32; 4]) -> Self {
            Self(f32x4(l[0], l[1], l[2], l[3]))
        }
        /// `s` holds exactly four values (checked by the callers' slicing).
        #[inline(always)]
        pub(super) fn load4(s: &[f32]) -> Self {
            assert!(s.len() == 4);
            // SAFETY: `s` is 16 readable bytes; v128.load needs no alignment.
            Self(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        pub(super) fn store4(self, s: &mut [f32]) {
            assert!(s.len() == 4);
            // SAFETY: `s` is 16 writable bytes; v128.store needs no alignment.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Self(f32x4_splat(x))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        pub(super) fn add_(self, o: Self) -> Self {
            Self(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn sub_(self, o: Self) -> Self {
            Self(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn mul_(self, o: Self) -> Self {
            Self(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn div_(self, o: Self) -> Self {
            Self(f32x4_div(self.0, o.0))
        }
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            Self(f32x4_pmin(self.0, o.0))
        }
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            Self(f32x4_pmax(self.0, o.0))
        }
        #[inline(always)]
        pub fn sqrt(self) -> Self {
            Self(f32x4_sqrt(self.0))
        }
        #[inline(always)]
        pub fn ceil(self) -> Self {
            Self(f32x4_ceil(self.0))
        }
        #[inline(always)]
        pub fn floor(self) -> Self {
            Self(f32x4_floor(self.0))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    use super::{pmax, pmin};

    pub type V = [f32; 4];

    impl super::F4 {
        #[inline(always)]
        pub fn new(l: [f32; 4]) -> Self {
            Self(l)
        }
        #[inline(always)]
        pub(super) fn load4(s: &[f32]) -> Self {
            Self([s[0], s[1], s[2], s[3]])
        }
        #[inline(always)]
        pub(super) fn store4(self, s: &mut [f32]) {
            s[..4].copy_from_slice(&self.0);
        }
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Self([x; 4])
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
        #[inline(always)]
        fn zip(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            Self([
                f(self.0[0], o.0[0]),
                f(self.0[1], o.0[1]),
                f(self.0[2], o.0[2]),
                f(self.0[3], o.0[3]),
            ])
        }
        #[inline(always)]
        pub(super) fn add_(self, o: Self) -> Self {
            self.zip(o, |a, b| a + b)
        }
        #[inline(always)]
        pub(super) fn sub_(self, o: Self) -> Self {
            self.zip(o, |a, b| a - b)
        }
        #[inline(always)]
        pub(super) fn mul_(self, o: Self) -> Self {
            self.zip(o, |a, b| a * b)
        }
        #[inline(always)]
        pub(super) fn div_(self, o: Self) -> Self {
            self.zip(o, |a, b| a / b)
        }
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            self.zip(o, pmin)
        }
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            self.zip(o, pmax)
        }
        #[inline(always)]
        pub fn sqrt(self) -> Self {
            Self(self.0.map(f32::sqrt))
        }
        #[inline(always)]
        pub fn ceil(self) -> Self {
            Self(self.0.map(f32::ceil))
        }
        #[inline(always)]
        pub fn floor(self) -> Self {
            Self(self.0.map(f32::floor))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_do_one_ieee_operation_each() {
        let a = F4::new([1.0, -2.5, 9.0, 0.1]);
        let b = F4::splat(2.0);
        assert_eq!((a + b).to_array(), [3.0, -0.5, 11.0, 2.1]);
        assert_eq!((a - b).to_array(), [-1.0, -4.5, 7.0, 0.1 - 2.0]);
        assert_eq!((a * b).to_array(), [2.0, -5.0, 18.0, 0.2]);
        assert_eq!((a / b).to_array(), [0.5, -1.25, 4.5, 0.05]);
        assert_eq!(a.min(b).to_array(), [1.0, -2.5, 2.0, 0.1]);
        assert_eq!(a.max(b).to_array(), [2.0, 2.0, 9.0, 2.0]);
        assert_eq!(F4::splat(9.0).sqrt().to_array(), [3.0; 4]);
        assert_eq!(a.ceil().to_array(), [1.0, -2.0, 9.0, 1.0]);
        assert_eq!(a.floor().to_array(), [1.0, -3.0, 9.0, 0.0]);
        assert_eq!(a.clamp01().to_array(), [1.0, 0.0, 1.0, 0.1]);
        let mut s = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(F4::load(&s, 2).to_array(), [2.0, 3.0, 4.0, 5.0]);
        F4::splat(9.0).store(&mut s, 1);
        assert_eq!(s, [0.0, 9.0, 9.0, 9.0, 9.0, 5.0]);
    }
}
