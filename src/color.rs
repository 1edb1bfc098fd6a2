//! Colour spaces: sRGB bytes, linear light and CIE L*a*b* (D65).
//!
//! Pigment and shading are physics, so they are worked out in linear
//! light; skin comparisons use L*a*b*. Conversions run per dot and per
//! working pixel, so both directions go through tables (`powf` is a
//! software routine in WebAssembly).

use std::sync::OnceLock;

/// sRGB byte → linear light 0..1, tabulated.
pub fn to_linear(c: u8) -> f32 {
    static LINEAR: OnceLock<[f32; 256]> = OnceLock::new();
    LINEAR.get_or_init(|| {
        std::array::from_fn(|c| {
            let c = c as f32 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    })[c as usize]
}

/// Entries of the encoding table over linear 0..1.
const ENCODE_STEPS: usize = 4096;

/// Linear light 0..1 (clamped) → sRGB 0..255 as a float, from a table
/// interpolated linearly (within 0.05 of the exact curve above the table's
/// first step, where the curve is steepest).
pub fn encode(v: f32) -> f32 {
    static ENCODE: OnceLock<Vec<f32>> = OnceLock::new();
    let table = ENCODE.get_or_init(|| {
        (0..=ENCODE_STEPS)
            .map(|i| encode_exact(i as f32 / ENCODE_STEPS as f32))
            .collect()
    });
    if v.is_nan() {
        return 0.0;
    }
    let x = v.clamp(0.0, 1.0) * ENCODE_STEPS as f32;
    let i = (x as usize).min(ENCODE_STEPS - 1);
    let t = x - i as f32;
    table[i] + (table[i + 1] - table[i]) * t
}

fn encode_exact(v: f32) -> f32 {
    let v = if v <= 0.003_130_8 {
        12.92 * v
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    };
    v * 255.0
}

/// Relative luminance (Y) of a linear colour.
pub fn luminance(c: [f32; 3]) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

/// sRGB 0..255 → CIE L*a*b* (D65), good enough for skin comparisons.
pub fn lab(rgb: [u8; 3]) -> [f32; 3] {
    lab_of_linear(rgb.map(to_linear))
}

/// Linear light → CIE L*a*b* (D65).
pub fn lab_of_linear([r, g, b]: [f32; 3]) -> [f32; 3] {
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIE L*a*b* (D65) → linear light (unclamped).
pub fn lab_to_linear(l: [f32; 3]) -> [f32; 3] {
    let fy = (l[0] + 16.0) / 116.0;
    let fx = fy + l[1] / 500.0;
    let fz = fy - l[2] / 200.0;
    let inv = |t: f32| {
        if t > 0.206_893 {
            t * t * t
        } else {
            (t - 16.0 / 116.0) / 7.787
        }
    };
    let (x, y, z) = (inv(fx) * 0.95047, inv(fy), inv(fz) * 1.08883);
    [
        3.2406 * x - 1.5372 * y - 0.4986 * z,
        -0.9689 * x + 1.8758 * y + 0.0415 * z,
        0.0557 * x - 0.2040 * y + 1.0570 * z,
    ]
}

/// CIE L*a*b* (D65) → sRGB 0..255 (clamped).
pub fn lab_to_rgb(l: [f32; 3]) -> [u8; 3] {
    lab_to_linear(l).map(|c| encode_exact(c.clamp(0.0, 1.0)).round() as u8)
}

/// Chroma (distance from grey) and hue angle (radians) of a L*a*b* colour.
pub fn chroma_hue(l: [f32; 3]) -> (f32, f32) {
    (l[1].hypot(l[2]), l[2].atan2(l[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_round_trips() {
        for rgb in [
            [205u8, 160, 132],
            [90, 60, 45],
            [240, 220, 210],
            [30, 30, 30],
        ] {
            let back = lab_to_rgb(lab(rgb));
            for k in 0..3 {
                assert!(
                    (back[k] as i32 - rgb[k] as i32).abs() <= 1,
                    "{rgb:?} -> {back:?}"
                );
            }
        }
        let w = lab([255, 255, 255]);
        assert!((w[0] - 100.0).abs() < 0.5 && w[1].abs() < 1.0 && w[2].abs() < 1.0);
        assert!(lab([0, 0, 0])[0].abs() < 0.5);
    }

    #[test]
    fn the_encoding_table_follows_the_curve() {
        for c in 0..=255u8 {
            assert!(
                (encode(to_linear(c)) - c as f32).abs() < 0.35,
                "{c} -> {}",
                encode(to_linear(c))
            );
        }
        assert_eq!(encode(-1.0), 0.0);
        assert_eq!(encode(f32::NAN), 0.0);
        assert!((encode(2.0) - 255.0).abs() < 1e-3);
    }
}
