//! Pigment shades and looks, and the optics of a healed dot.
//!
//! Pigment is diluted carbon black in the upper dermis: seen through the
//! epidermis it reads grey-black, much less saturated than the skin around
//! it, with a faint cool cast. Lighter skin gets a more diluted (lighter)
//! shade, darker skin near-black. A dot's colour is therefore not a darker
//! shade of the skin (a multiply by grey keeps the skin's hue and reads as
//! a brown freckle): it is the pigment's own colour, lit by the light that
//! falls on the skin there ([`Light`]): darker in shadow, and lighter under
//! a specular shine, which lies on top of the skin and so over the pigment.

use crate::color::{encode, luminance};
use crate::design::{Hair, Look};

/// A pigment: its colour relative to the skin's lightness, and the strength
/// at a dot's centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pigment {
    /// The dot's colour (sRGB) on skin of full lightness: the pigment seen
    /// through the epidermis multiplies the skin's luminance, not its
    /// colour, by this. Cool: blue is the largest channel.
    pub rgb: [u8; 3],
    /// Opacity at the dot's centre, 0..1.
    pub strength: f32,
}

/// Fitzpatrick presets I–VI: name, multiply colour, centre strength.
pub const PRESETS: [(&str, [u8; 3], f32); 6] = [
    ("I", [96, 99, 106], 0.62),
    ("II", [84, 87, 94], 0.68),
    ("III", [70, 72, 79], 0.74),
    ("IV", [56, 58, 64], 0.80),
    ("V", [42, 43, 48], 0.86),
    ("VI", [30, 31, 35], 0.90),
];

/// Parse `"I"`…`"VI"` or `"#rrggbb"` into a pigment.
pub fn parse_shade(shade: &str) -> Result<Pigment, String> {
    if let Some((_, rgb, strength)) = PRESETS.iter().find(|(n, _, _)| *n == shade) {
        return Ok(Pigment {
            rgb: *rgb,
            strength: *strength,
        });
    }
    if let Some(hex) = shade.strip_prefix('#') {
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            let rgb = [c(0), c(2), c(4)];
            // A custom colour is used as chosen; its strength follows how dark
            // it is, so a near-white pick stays a faint tint.
            let luma = (rgb[0] as f32 * 0.3 + rgb[1] as f32 * 0.59 + rgb[2] as f32 * 0.11) / 255.0;
            return Ok(Pigment {
                rgb,
                strength: 0.95 - 0.35 * luma,
            });
        }
    }
    Err(format!(
        "shade must be a Fitzpatrick type I, II, III, IV, V or VI, or a colour like #46484f; got \"{}\"",
        shade.chars().take(40).collect::<String>()
    ))
}

/// Suggest a Fitzpatrick preset from the forehead's skin colour (CIE L*a*b*)
/// by its individual typology angle, ITA = atan((L* − 50) / b*). The bands
/// are Chardon's (very light > 55° … dark < −30°) shifted down by about 7°
/// for photos, whose exposure lifts skin lightness; checked on the
/// portraits in shared/photos.
/// The shade to suggest for a forehead's skin colour and the visitor's
/// remaining hair: SMP pigment is matched to the hair the dots sit beside,
/// so fair or grey hair takes a step lighter than the skin alone suggests,
/// white hair two.
pub fn suggest_shade(skin_lab: [f32; 3], hair: Hair) -> &'static str {
    let lighter = match hair {
        Hair::Dark | Hair::Brown => 0,
        Hair::Blond | Hair::Grey => 1,
        Hair::White => 2,
    };
    // PRESETS run from lightest (I) to darkest (VI).
    let by_skin = shade_for_skin(skin_lab);
    let at = PRESETS.iter().position(|p| p.0 == by_skin).unwrap_or(3);
    PRESETS[at.saturating_sub(lighter)].0
}

pub fn shade_for_skin(lab: [f32; 3]) -> &'static str {
    let ita = (lab[0] - 50.0).atan2(lab[2].max(1e-3)).to_degrees();
    match ita {
        a if a > 60.0 => "I",
        a if a > 48.0 => "II",
        a if a > 35.0 => "III",
        a if a > 20.0 => "IV",
        a if a > -10.0 => "V",
        _ => "VI",
    }
}

/// How a look changes the dots.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LookParams {
    /// Dot diameter factor.
    pub size: f32,
    /// Strength factor.
    pub strength: f32,
    /// Edge softness as a fraction of the radius.
    pub softness: f32,
    /// Extra darkening of the pigment colour (1 = none).
    pub darken: f32,
    /// Pink halo around fresh dots: (radius factor, strength).
    pub halo: Option<(f32, f32)>,
}

pub fn look_params(look: Look) -> LookParams {
    match look {
        Look::Healed => LookParams {
            size: 0.95,
            strength: 0.9,
            softness: 0.6,
            darken: 1.0,
            halo: None,
        },
        Look::Aged => LookParams {
            size: 0.97,
            strength: 0.74,
            softness: 0.85,
            darken: 1.1,
            halo: None,
        },
        Look::Fresh => LookParams {
            size: 1.08,
            strength: 1.0,
            softness: 0.22,
            darken: 0.8,
            halo: Some((2.4, 0.10)),
        },
    }
}

/// What a treatment session shows: the share of the final dots placed so
/// far and how dark they are. Session 1 lays a light base of about 40 % of
/// the dots, session 2 builds to about 75 %, session 3 completes the
/// density and adds depth (the darker dots a little darker).
pub fn session_params(session: u8) -> (f32, f32) {
    match session {
        1 => (0.4, 0.72),
        2 => (0.75, 0.88),
        _ => (1.0, 1.0),
    }
}

/// Skin-tone tint of the fresh halo: a faint pink multiply colour.
pub const HALO_RGB: [u8; 3] = [255, 222, 222];

/// The light a dot sits in, read from the photo around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Light {
    /// The photo's local colour there, sRGB 0..255.
    pub local: [f32; 3],
    /// Luminance (linear) the skin's diffuse reflection has there: the
    /// skin's own lightness times the shading.
    pub diffuse: f32,
    /// Specular shine on top of the skin (linear, equal in each channel).
    pub shine: f32,
}

impl Light {
    /// Split the local colour `c` (linear light) into the visitor's skin
    /// colour `skin` (linear) under some shading plus white shine,
    /// `c ≈ k·skin + s` with `k, s ≥ 0` (least squares in linear light).
    /// Without a skin colour, or where the photo shows no skin (`on_skin`
    /// false: hair to be shaved), the whole local colour counts as diffuse.
    pub fn read(c: [f32; 3], skin: Option<[f32; 3]>, on_skin: bool) -> Light {
        let local = c.map(encode);
        let plain = Light {
            local,
            diffuse: luminance(c),
            shine: 0.0,
        };
        let Some(r) = skin.filter(|_| on_skin) else {
            return plain;
        };
        let (rr, sr) = (r[0] * r[0] + r[1] * r[1] + r[2] * r[2], r[0] + r[1] + r[2]);
        let (cr, sc) = (c[0] * r[0] + c[1] * r[1] + c[2] * r[2], c[0] + c[1] + c[2]);
        let det = 3.0 * rr - sr * sr;
        if rr.is_nan() || rr <= 1e-6 || !det.is_finite() {
            return plain;
        }
        let (mut k, mut s) = if det.abs() > 1e-9 {
            ((3.0 * cr - sr * sc) / det, (rr * sc - sr * cr) / det)
        } else {
            (cr / rr, 0.0)
        };
        if s < 0.0 {
            s = 0.0;
            k = cr / rr;
        }
        if k < 0.0 {
            k = 0.0;
            s = sc / 3.0;
        }
        if !(k.is_finite() && s.is_finite()) {
            return plain;
        }
        Light {
            local,
            diffuse: k * luminance(r),
            shine: s,
        }
    }

    /// The dot's colour at full strength (sRGB 0..255) for a pigment of
    /// linear colour `pigment` (relative to the skin's lightness).
    pub fn dot_colour(&self, pigment: [f32; 3]) -> [f32; 3] {
        pigment.map(|m| encode(self.diffuse * m + self.shine))
    }

    /// The per-channel multiply (8.8 fixed point, 0 = none, 256 = to black)
    /// that turns the local colour into [`Light::dot_colour`] at full
    /// opacity: `256 · (1 − dot / local)`, never lightening.
    pub fn ink(&self, pigment: [f32; 3]) -> [u16; 3] {
        let dot = self.dot_colour(pigment);
        std::array::from_fn(|c| {
            let ratio = dot[c] / self.local[c].max(1.0);
            (256.0 * (1.0 - ratio)).round().clamp(0.0, 256.0) as u16
        })
    }
}

/// sRGB 0..255 (float) → linear light.
fn decode(v: f32) -> f32 {
    let v = (v / 255.0).clamp(0.0, 1.0);
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

impl Pigment {
    /// The pigment's linear colour for a look (`darken` > 1 is lighter, as
    /// a faded dot; < 1 darker, as a fresh one).
    pub fn linear(&self, darken: f32) -> [f32; 3] {
        self.rgb
            .map(|c| decode((c as f32 * darken).clamp(0.0, 255.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_get_darker_with_type() {
        let mut last = u32::MAX;
        for (name, _, _) in PRESETS {
            let p = parse_shade(name).unwrap();
            let sum = p.rgb.iter().map(|&c| c as u32).sum::<u32>();
            assert!(sum < last, "{name} should be darker than the previous type");
            last = sum;
            // Cool cast: blue is the largest channel.
            assert!(p.rgb[2] > p.rgb[0]);
        }
    }

    #[test]
    fn custom_colours_parse_and_garbage_is_explained() {
        assert_eq!(parse_shade("#102030").unwrap().rgb, [16, 32, 48]);
        let e = parse_shade("<script>").unwrap_err();
        assert!(e.contains("Fitzpatrick"));
        assert!(parse_shade("#12345").is_err());
        assert!(parse_shade("#gggggg").is_err());
        assert!(parse_shade("vii").is_err());
    }

    #[test]
    fn shade_follows_skin_tone() {
        // Forehead colours measured on the shared photos and typical others.
        assert_eq!(shade_for_skin([80.0, 10.0, 12.0]), "I");
        assert_eq!(shade_for_skin([75.6, 20.9, 17.6]), "II");
        assert_eq!(shade_for_skin([65.0, 14.0, 18.0]), "III");
        assert_eq!(shade_for_skin([62.7, 15.3, 31.4]), "IV");
        assert_eq!(shade_for_skin([55.5, 21.7, 24.8]), "V");
        assert_eq!(shade_for_skin([35.0, 12.0, 15.0]), "VI");
    }

    #[test]
    fn lighter_hair_lightens_the_suggestion() {
        let skin = [62.7, 15.3, 31.4]; // IV by skin alone
        assert_eq!(suggest_shade(skin, Hair::Dark), "IV");
        assert_eq!(suggest_shade(skin, Hair::Brown), "IV");
        assert_eq!(suggest_shade(skin, Hair::Grey), "III");
        assert_eq!(suggest_shade(skin, Hair::Blond), "III");
        assert_eq!(suggest_shade(skin, Hair::White), "II");
        // Never past the lightest preset.
        assert_eq!(suggest_shade([80.0, 10.0, 12.0], Hair::White), "I");
    }

    #[test]
    fn fresh_is_darker_crisper_and_larger_than_healed() {
        let h = look_params(Look::Healed);
        let f = look_params(Look::Fresh);
        assert!(f.size > h.size && f.strength > h.strength && f.softness < h.softness);
        assert!(f.halo.is_some() && h.halo.is_none());
        let a = look_params(Look::Aged);
        assert!(a.softness > h.softness && a.strength < h.strength);
    }
}
