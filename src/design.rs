//! The design: everything the visitor chooses, in millimetres relative to the
//! face, versioned and validated. It never contains the photo, so it can be
//! saved, shared and handed to the artist.

use crate::error::{num, Error};
use crate::limits::{self, Range};
use serde::{Deserialize, Serialize};

pub use crate::limits::{MAX_STROKES, MAX_STROKE_POINTS};

/// The only design version this build reads and writes.
pub const VERSION: u32 = 1;
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
    pub fn from_json(text: &str) -> Result<Design, Error> {
        if text.len() as u64 > limits::MAX_DESIGN_BYTES {
            return Err(Error::DesignTooLarge {
                max_bytes: limits::MAX_DESIGN_BYTES,
            });
        }
        // Read the version first so an unknown version gets its own message
        // instead of a complaint about some field it renamed.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::DesignNotJson {
                line: e.line(),
                column: e.column(),
            })?;
        let obj = value.as_object().ok_or(Error::DesignNotObject)?;
        match obj.get("version") {
            None => return Err(Error::DesignNoVersion { supported: VERSION }),
            Some(v) if v.as_u64() == Some(VERSION as u64) => {}
            Some(v) => {
                return Err(Error::DesignVersion {
                    got: v.to_string().chars().take(20).collect(),
                    supported: VERSION,
                })
            }
        }
        let design = Design::deserialize(&value).map_err(|e| field_error(obj, &e))?;
        design.validate()?;
        Ok(design)
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data cannot fail; fall back to an empty object
        // rather than panic if it ever did.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Check every value; the first problem is returned.
    pub fn validate(&self) -> Result<(), Error> {
        if self.version != VERSION {
            return Err(Error::DesignVersion {
                got: self.version.to_string(),
                supported: VERSION,
            });
        }
        range("height_mm", self.height_mm, limits::HEIGHT_MM, "mm")?;
        range(
            "recession_mm",
            self.recession_mm,
            limits::RECESSION_MM,
            "mm",
        )?;
        range("feather_mm", self.feather_mm, limits::FEATHER_MM, "mm")?;
        range("density", self.density, limits::DENSITY, "dots/cm²")?;
        range("dot_mm", self.dot_mm, limits::DOT_MM, "mm")?;
        crate::pigment::parse_shade(&self.shade).map_err(|_| Error::BadShade {
            got: self.shade.chars().take(40).collect(),
        })?;
        range("session", self.session as f32, limits::SESSION, "")?;
        for (i, a) in self.adjust.iter().enumerate() {
            for v in a {
                if !v.is_finite() || v.abs() as f64 > limits::ADJUST_MM {
                    return Err(Error::PointTooFar {
                        point: i + 1,
                        got: num(*v),
                        max: limits::ADJUST_MM,
                    });
                }
            }
        }
        if self.zones.len() > MAX_STROKES {
            return Err(Error::TooManyStrokes {
                got: self.zones.len(),
                max: MAX_STROKES,
            });
        }
        let mut total = 0usize;
        for (i, s) in self.zones.iter().enumerate() {
            if !limits::STROKE_RADIUS_MM.holds(s.radius_mm) {
                return Err(Error::StrokeRadius {
                    stroke: i + 1,
                    got: num(s.radius_mm),
                    min: limits::STROKE_RADIUS_MM.min,
                    max: limits::STROKE_RADIUS_MM.max,
                });
            }
            if s.points.is_empty() {
                return Err(Error::EmptyStroke { stroke: i + 1 });
            }
            total += s.points.len();
            if total > MAX_STROKE_POINTS {
                return Err(Error::TooManyStrokePoints {
                    max: MAX_STROKE_POINTS,
                });
            }
            let far = limits::ZONE_EXTENT_MM as f32;
            for p in &s.points {
                if !p[0].is_finite() || !p[1].is_finite() || p[0].abs() > far || p[1].abs() > far {
                    return Err(Error::StrokeOutside {
                        stroke: i + 1,
                        max_mm: limits::ZONE_EXTENT_MM,
                    });
                }
            }
        }
        Ok(())
    }
}

fn range(field: &str, v: f32, r: Range, unit: &str) -> Result<(), Error> {
    if r.holds(v) {
        Ok(())
    } else {
        Err(Error::out_of_range(field, v, r, unit))
    }
}

/// A field that did not parse: unknown, missing, or of the wrong type or
/// value. serde names an unknown or missing field (in backticks); a wrong
/// value it only describes, so the field is found by putting each of the
/// design's fields alone into the default design until one fails (the
/// same parser again: no second copy of it in the wasm, and only on this
/// path).
fn field_error(obj: &serde_json::Map<String, serde_json::Value>, e: &serde_json::Error) -> Error {
    let detail: String = e.to_string().chars().take(200).collect();
    let quoted = || {
        detail
            .split('`')
            .nth(1)
            .map(|s| s.chars().take(40).collect::<String>())
    };
    if let Some(field) = quoted() {
        if detail.starts_with("unknown field") && obj.contains_key(&field) {
            return Error::DesignUnknownField { field };
        }
        if detail.starts_with("missing field") && !obj.contains_key(&field) {
            return Error::DesignMissingField { field };
        }
    }
    let defaults = serde_json::to_value(Design::default()).unwrap_or_default();
    let field = obj
        .iter()
        .find(|(k, v)| {
            let mut one = defaults.clone();
            one[k.as_str()] = (*v).clone();
            Design::deserialize(&one).is_err()
        })
        .map_or_else(
            || "design".to_string(),
            |(k, _)| k.chars().take(40).collect(),
        );
    Error::DesignWrongValue { field, detail }
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
        assert!(e.to_string().contains("density"), "{e}");
        assert!(e.to_string().contains("between 10 and 150 dots/cm²"), "{e}");
    }

    #[test]
    fn wrong_types_unknown_fields_and_versions_are_rejected() {
        let e = Design::from_json("[1,2]").unwrap_err();
        assert!(e.to_string().contains("object"));
        let e = Design::from_json("{\"version\": 2}").unwrap_err();
        assert!(e.to_string().contains("version 2"), "{e}");
        let e = Design::from_json("{}").unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(&Design::default().to_json()).unwrap();
        v["density"] = serde_json::json!("lots");
        let e = Design::from_json(&v.to_string()).unwrap_err();
        assert!(
            e.to_string().contains("density") || e.to_string().contains("invalid type"),
            "{e}"
        );
        v["density"] = serde_json::json!(70);
        v["colour"] = serde_json::json!("x");
        let e = Design::from_json(&v.to_string()).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
        let e = Design::from_json("{\"version\":1").unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
    }

    #[test]
    fn each_problem_has_its_code_and_the_field_it_is_in() {
        let good: serde_json::Value = serde_json::from_str(&Design::default().to_json()).unwrap();
        let code = |v: &serde_json::Value| Design::from_json(&v.to_string()).unwrap_err();
        let mut v = good.clone();
        v["colour"] = "red".into();
        assert_eq!(
            code(&v),
            Error::DesignUnknownField {
                field: "colour".into()
            }
        );
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove("density");
        assert_eq!(
            code(&v),
            Error::DesignMissingField {
                field: "density".into()
            }
        );
        let mut v = good.clone();
        v["style"] = "mullet".into();
        let e = code(&v);
        assert!(
            matches!(&e, Error::DesignWrongValue { field, detail, .. } if field == "style" && detail.contains("mullet")),
            "{e:?}"
        );
        let mut v = good.clone();
        v["zones"] =
            serde_json::json!([{"mode": "add", "radius_mm": 5, "points": [[0, 0]], "x": 1}]);
        let e = code(&v);
        assert!(
            matches!(&e, Error::DesignWrongValue { field, detail } if field == "zones" && detail.contains("`x`")),
            "{e:?}"
        );
        let mut v = good.clone();
        v["density"] = 400.into();
        assert_eq!(code(&v).code(), "out-of-range");
        assert_eq!(
            Design::from_json("{\n\"version\": 1,").unwrap_err(),
            Error::DesignNotJson {
                line: 2,
                column: 13
            }
        );
        assert_eq!(
            Design::from_json(&"x".repeat(4_000_001))
                .unwrap_err()
                .code(),
            "design-too-large"
        );
        let mut v = good;
        v["shade"] = "purple".into();
        assert_eq!(
            code(&v),
            Error::BadShade {
                got: "purple".into()
            }
        );
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
        assert!(d.validate().unwrap_err().to_string().contains("radius"));
        d.zones = (0..501)
            .map(|_| Stroke {
                mode: ZoneMode::Erase,
                radius_mm: 5.0,
                points: vec![[0.0, 0.0]],
            })
            .collect();
        assert!(d
            .validate()
            .unwrap_err()
            .to_string()
            .contains("at most 500"));
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
            .to_string()
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
