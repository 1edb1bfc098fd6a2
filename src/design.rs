//! The design: everything the visitor chooses, in millimetres relative to the
//! face, versioned and validated. It never contains the photo, so it can be
//! saved, shared and handed to the artist.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The only design version this build reads and writes.
pub const VERSION: u32 = 1;

/// Most painted strokes a design may carry.
pub const MAX_STROKES: usize = 500;
/// Most stroke points a design may carry in total.
pub const MAX_STROKE_POINTS: usize = 20_000;
/// Number of hairline control points (left temporal → right temporal).
pub const CONTROL_POINTS: usize = 7;

/// Frontal hairline styles offered by SMP clinics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// Natural / broken: feathered over 5–10 mm with stray dots ahead.
    Natural,
    /// Soft / faded: wider, smoother fade.
    Soft,
    /// Defined / edge-up: crisp barber line.
    Defined,
    /// Mature / receded: temporal recession kept.
    Mature,
    /// Widow's peak: a central V at the mid-frontal point.
    WidowsPeak,
}

impl Style {
    pub const ALL: [Style; 5] = [
        Style::Natural,
        Style::Soft,
        Style::Defined,
        Style::Mature,
        Style::WidowsPeak,
    ];
}

/// Healed (the lasting result, default) or fresh (the first days).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Look {
    #[default]
    Healed,
    Fresh,
    /// A few years on: softer and a little lighter.
    Aged,
}

/// Whether a painted stroke adds dots, removes them, or marks scar tissue
/// (which takes pigment lighter; the brush adds dots there too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ZoneMode {
    Add,
    Erase,
    Scar,
}

/// What the treatment covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Behind the hairline, where the scalp's skin shows.
    #[default]
    Hairline,
    /// The whole head behind the hairline, hair regions included: the
    /// classic shaved SMP look.
    Full,
    /// Density under thinning hair: dots only where scalp shows between
    /// the hairs.
    Thinning,
}

/// The colour of the visitor's remaining hair, which the pigment is
/// matched to (designs without it: dark, which changes nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Hair {
    #[default]
    Dark,
    Brown,
    Blond,
    Grey,
    White,
}

/// One brush stroke in face millimetres.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stroke {
    pub mode: ZoneMode,
    pub radius_mm: f32,
    pub points: Vec<[f32; 2]>,
}

/// The whole design. Field names are the JSON names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    pub version: u32,
    pub style: Style,
    /// Height of the mid-frontal point above the glabella.
    pub height_mm: f32,
    /// How far the frontotemporal corners sit above the mid-frontal point.
    pub recession_mm: f32,
    /// Width of the fade at the front of the hairline.
    pub feather_mm: f32,
    /// Dots per square centimetre at full density.
    pub density: f32,
    /// Mean dot diameter at the skin.
    pub dot_mm: f32,
    /// Fitzpatrick type `"I"`…`"VI"`, or a custom colour `"#rrggbb"`.
    pub shade: String,
    pub look: Look,
    /// The visitor's remaining hair colour (for the shade suggestion).
    #[serde(default)]
    pub hair: Hair,
    /// What the treatment covers (designs without it: hairline).
    #[serde(default)]
    pub mode: Mode,
    /// Tone the visitor's remaining hair down to stubble, as it would be
    /// shaved to match the SMP.
    #[serde(default)]
    pub buzz_cut: bool,
    /// Treatment session shown: 1 (light base), 2 (build-up), 3 (full
    /// density with depth). Designs without it show the finished result.
    #[serde(default = "full_session")]
    pub session: u8,
    pub seed: u32,
    /// Dragging a point moves its mirror image too.
    pub symmetric: bool,
    /// Offsets in mm added to each preset control point
    /// (left temporal, left corner, left front, mid-frontal, right front,
    /// right corner, right temporal; "left" = the image's left).
    pub adjust: [[f32; 2]; CONTROL_POINTS],
    /// Painted zones, applied in order.
    pub zones: Vec<Stroke>,
}

fn full_session() -> u8 {
    3
}

impl Default for Design {
    fn default() -> Self {
        Design::preset(Style::Natural)
    }
}

/// A design that failed validation: the message says what to fix.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignError(pub String);

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DesignError {}

fn err<T>(msg: impl Into<String>) -> Result<T, DesignError> {
    Err(DesignError(msg.into()))
}

/// Style-specific defaults: (feather mm, recession mm, height mm).
fn style_defaults(style: Style) -> (f32, f32, f32) {
    match style {
        Style::Natural => (7.0, 12.0, 80.0),
        Style::Soft => (12.0, 12.0, 80.0),
        Style::Defined => (1.5, 10.0, 80.0),
        Style::Mature => (7.0, 24.0, 84.0),
        Style::WidowsPeak => (6.0, 14.0, 80.0),
    }
}

impl Design {
    /// The default design for a style.
    pub fn preset(style: Style) -> Design {
        let (feather_mm, recession_mm, height_mm) = style_defaults(style);
        Design {
            version: VERSION,
            style,
            height_mm,
            recession_mm,
            feather_mm,
            density: 70.0,
            dot_mm: 0.7,
            shade: "III".into(),
            look: Look::Healed,
            hair: Hair::Dark,
            mode: Mode::Hairline,
            buzz_cut: false,
            session: 3,
            seed: 1,
            symmetric: true,
            adjust: [[0.0; 2]; CONTROL_POINTS],
            zones: Vec::new(),
        }
    }

    /// Switch style: takes the style's feather, recession and height and
    /// drops point adjustments; keeps density, dots, shade, look, seed, zones.
    pub fn with_style(&self, style: Style) -> Design {
        let (feather_mm, recession_mm, height_mm) = style_defaults(style);
        Design {
            style,
            feather_mm,
            recession_mm,
            height_mm,
            adjust: [[0.0; 2]; CONTROL_POINTS],
            ..self.clone()
        }
    }

    /// Parse and validate design JSON.
    pub fn from_json(text: &str) -> Result<Design, DesignError> {
        if text.len() > 4_000_000 {
            return err("the design is too large (over 4 MB); it cannot be a saved design");
        }
        // Read the version first so an unknown version gets its own message
        // instead of a complaint about some field it renamed.
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| DesignError(format!("the design is not valid JSON: {e}")))?;
        let obj = match value.as_object() {
            Some(o) => o,
            None => return err("the design must be a JSON object"),
        };
        match obj.get("version") {
            None => return err("the design has no \"version\" (expected 1)"),
            Some(v) if v.as_u64() == Some(VERSION as u64) => {}
            Some(v) => {
                return err(format!(
                    "design version {v} is not supported by this visualizer (it reads version {VERSION})"
                ))
            }
        }
        let design: Design = serde_json::from_value(value)
            .map_err(|e| DesignError(format!("the design has a problem: {e}")))?;
        design.validate()?;
        Ok(design)
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data cannot fail; fall back to an empty object
        // rather than panic if it ever did.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Check every value; the first problem is returned as a sentence.
    pub fn validate(&self) -> Result<(), DesignError> {
        if self.version != VERSION {
            return err(format!(
                "design version {} is not supported (expected {VERSION})",
                self.version
            ));
        }
        range(
            "height_mm",
            "hairline height",
            self.height_mm,
            50.0,
            120.0,
            "mm",
        )?;
        range(
            "recession_mm",
            "temple recession",
            self.recession_mm,
            0.0,
            40.0,
            "mm",
        )?;
        range(
            "feather_mm",
            "feather width",
            self.feather_mm,
            0.0,
            20.0,
            "mm",
        )?;
        range("density", "density", self.density, 10.0, 150.0, "dots/cm²")?;
        range("dot_mm", "dot diameter", self.dot_mm, 0.3, 1.5, "mm")?;
        crate::pigment::parse_shade(&self.shade).map_err(DesignError)?;
        if !(1..=3).contains(&self.session) {
            return err(format!("session must be 1, 2 or 3; got {}", self.session));
        }
        for (i, a) in self.adjust.iter().enumerate() {
            for v in a {
                if !v.is_finite() || v.abs() > 60.0 {
                    return err(format!(
                        "control point {} is moved {v} mm; adjustments must be within ±60 mm",
                        i + 1
                    ));
                }
            }
        }
        if self.zones.len() > MAX_STROKES {
            return err(format!(
                "the design has {} painted strokes; at most {MAX_STROKES} are allowed",
                self.zones.len()
            ));
        }
        let mut total = 0usize;
        for (i, s) in self.zones.iter().enumerate() {
            if !s.radius_mm.is_finite() || !(1.0..=60.0).contains(&s.radius_mm) {
                return err(format!(
                    "painted stroke {} has brush radius {} mm; it must be between 1 and 60 mm",
                    i + 1,
                    s.radius_mm
                ));
            }
            if s.points.is_empty() {
                return err(format!("painted stroke {} has no points", i + 1));
            }
            total += s.points.len();
            if total > MAX_STROKE_POINTS {
                return err(format!(
                    "the painted zones have more than {MAX_STROKE_POINTS} points in total"
                ));
            }
            for p in &s.points {
                if !p[0].is_finite()
                    || !p[1].is_finite()
                    || p[0].abs() > 400.0
                    || p[1].abs() > 400.0
                {
                    return err(format!(
                        "painted stroke {} has a point outside ±400 mm of the face",
                        i + 1
                    ));
                }
            }
        }
        Ok(())
    }
}

fn range(field: &str, what: &str, v: f32, lo: f32, hi: f32, unit: &str) -> Result<(), DesignError> {
    if !v.is_finite() || v < lo || v > hi {
        return err(format!(
            "{what} ({field}) must be between {lo} and {hi} {unit}; got {v}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_through_json() {
        let d = Design::default();
        let back = Design::from_json(&d.to_json()).unwrap();
        assert_eq!(d, back);
        assert!(d.to_json().contains("\"version\":1"));
        assert!(d.to_json().contains("\"style\":\"natural\""));
    }

    #[test]
    fn every_preset_is_valid() {
        for s in Style::ALL {
            Design::preset(s).validate().unwrap();
        }
        let w = serde_json::to_string(&Style::WidowsPeak).unwrap();
        assert_eq!(w, "\"widows-peak\"");
    }

    #[test]
    fn density_out_of_range_says_the_range() {
        let d = Design {
            density: 400.0,
            ..Default::default()
        };
        let e = Design::from_json(&d.to_json()).unwrap_err();
        assert!(e.0.contains("density"), "{e}");
        assert!(e.0.contains("between 10 and 150 dots/cm²"), "{e}");
    }

    #[test]
    fn wrong_types_unknown_fields_and_versions_are_rejected() {
        let e = Design::from_json("[1,2]").unwrap_err();
        assert!(e.0.contains("object"));
        let e = Design::from_json("{\"version\": 2}").unwrap_err();
        assert!(e.0.contains("version 2"), "{e}");
        let e = Design::from_json("{}").unwrap_err();
        assert!(e.0.contains("version"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(&Design::default().to_json()).unwrap();
        v["density"] = serde_json::json!("lots");
        let e = Design::from_json(&v.to_string()).unwrap_err();
        assert!(
            e.0.contains("density") || e.0.contains("invalid type"),
            "{e}"
        );
        v["density"] = serde_json::json!(70);
        v["colour"] = serde_json::json!("x");
        let e = Design::from_json(&v.to_string()).unwrap_err();
        assert!(e.0.contains("colour"), "{e}");
        let e = Design::from_json("{\"version\":1").unwrap_err();
        assert!(e.0.contains("not valid JSON"), "{e}");
    }

    #[test]
    fn nan_and_huge_zones_are_rejected() {
        let mut d = Design::default();
        d.zones.push(Stroke {
            mode: ZoneMode::Add,
            radius_mm: 5.0,
            points: vec![[f32::NAN, 0.0]],
        });
        assert!(d.validate().is_err());
        d.zones = vec![Stroke {
            mode: ZoneMode::Add,
            radius_mm: 500.0,
            points: vec![[0.0, 0.0]],
        }];
        assert!(d.validate().unwrap_err().0.contains("radius"));
        d.zones = (0..501)
            .map(|_| Stroke {
                mode: ZoneMode::Erase,
                radius_mm: 5.0,
                points: vec![[0.0, 0.0]],
            })
            .collect();
        assert!(d.validate().unwrap_err().0.contains("at most 500"));
        let deep = "[".repeat(10_000);
        assert!(Design::from_json(&deep).is_err());
    }

    #[test]
    fn session_defaults_to_the_finished_result() {
        let mut v: serde_json::Value = serde_json::from_str(&Design::default().to_json()).unwrap();
        v.as_object_mut().unwrap().remove("session");
        assert_eq!(Design::from_json(&v.to_string()).unwrap().session, 3);
        v["session"] = serde_json::json!(4);
        assert!(Design::from_json(&v.to_string())
            .unwrap_err()
            .0
            .contains("session"));
        v["session"] = serde_json::json!(1);
        v["look"] = serde_json::json!("aged");
        let d = Design::from_json(&v.to_string()).unwrap();
        assert_eq!((d.session, d.look), (1, Look::Aged));
    }

    #[test]
    fn with_style_keeps_visitor_choices() {
        let mut d = Design {
            density: 90.0,
            ..Default::default()
        };
        d.adjust[3] = [1.0, 2.0];
        let w = d.with_style(Style::Defined);
        assert_eq!(w.style, Style::Defined);
        assert_eq!(w.density, 90.0);
        assert_eq!(w.adjust[3], [0.0, 0.0]);
        assert!(w.feather_mm < 2.0);
    }
}
