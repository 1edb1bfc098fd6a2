//! Every range, limit and default the core enforces or the element offers,
//! written once. The core validates with them; the binding hands them to
//! the element (`limits()`, `defaults()`), which builds its sliders and
//! checks from them, so no number lives in both Rust and JavaScript.

use serde::Serialize;

/// A closed range; `step` is the control's step where one shows it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

impl Range {
    const fn new(min: f64, max: f64) -> Range {
        Range {
            min,
            max,
            step: None,
        }
    }

    const fn stepped(min: f64, max: f64, step: f64) -> Range {
        Range {
            min,
            max,
            step: Some(step),
        }
    }

    /// Whether `v` is a number within the range.
    pub fn holds(&self, v: f32) -> bool {
        v.is_finite() && (self.min..=self.max).contains(&(v as f64))
    }
}

// ---- the design (mm on the head unless said otherwise)

/// Height of the mid-frontal point above the glabella.
pub const HEIGHT_MM: Range = Range::stepped(50.0, 120.0, 1.0);
/// How far the temple corners sit above the mid-frontal point.
pub const RECESSION_MM: Range = Range::new(0.0, 40.0);
/// Width of the fade at the front of the hairline.
pub const FEATHER_MM: Range = Range::new(0.0, 20.0);
/// Dots per cm² at full density.
pub const DENSITY: Range = Range::stepped(10.0, 150.0, 1.0);
/// Mean dot diameter.
pub const DOT_MM: Range = Range::stepped(0.3, 1.5, 0.05);
/// Treatment session shown (3: the finished result).
pub const SESSION: Range = Range::stepped(1.0, 3.0, 1.0);
/// How far a control point may be moved from its preset, each way.
pub const ADJUST_MM: f64 = 60.0;
/// Brush radius a painted stroke may have.
pub const STROKE_RADIUS_MM: Range = Range::new(1.0, 60.0);
/// How far from the glabella a painted point may lie, each way.
pub const ZONE_EXTENT_MM: f64 = 400.0;
/// Most painted strokes a design may carry.
pub const MAX_STROKES: usize = 500;
/// Most stroke points a design may carry in total.
pub const MAX_STROKE_POINTS: usize = 20_000;
/// Longest design text read (bytes).
pub const MAX_DESIGN_BYTES: u64 = 4_000_000;

// ---- calibration

/// Distance between the pupils a calibration accepts.
pub const IPD_MM: Range = Range::new(40.0, 90.0);
/// Where adults' interpupillary distances lie (for messages).
pub const TYPICAL_IPD_MM: Range = Range::new(54.0, 74.0);
/// The interpupillary distance assumed until the visitor sets theirs.
pub const DEFAULT_IPD_MM: f32 = 63.0;
/// Pupils tilted more than this are taken for a mistake.
pub const MAX_ROLL_DEGREES: f64 = 45.0;

// ---- the element's controls (a part of what the core accepts)

/// The brush-size control (radius).
pub const BRUSH_MM: Range = Range::stepped(2.0, 40.0, 1.0);
/// The brush size before the visitor picks one.
pub const DEFAULT_BRUSH_MM: f64 = 8.0;
/// The interpupillary-distance control.
pub const IPD_CONTROL_MM: Range = Range::stepped(50.0, 75.0, 0.5);

// ---- photos and previews

/// Shortest side of a photo a hairline can be placed on (pixels).
pub const MIN_PHOTO_SIDE: u32 = 200;
/// Largest image the core holds (pixels); the element scales larger
/// photos down before handing them over.
pub const MAX_PIXELS: u64 = 64_000_000;
/// Largest preview the element may ask for (pixels).
pub const MAX_PREVIEW_PIXELS: u32 = 8_000_000;

/// The limits as the element reads them (`limits()` in JS).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub height_mm: Range,
    pub recession_mm: Range,
    pub feather_mm: Range,
    pub density: Range,
    pub dot_mm: Range,
    pub session: Range,
    pub adjust_mm: f64,
    pub stroke_radius_mm: Range,
    pub max_strokes: usize,
    pub max_stroke_points: usize,
    pub max_design_bytes: u64,
    pub ipd_mm: Range,
    pub brush_mm: Range,
    pub ipd_control_mm: Range,
    pub min_photo_side: u32,
    pub max_pixels: u64,
    pub max_preview_pixels: u32,
}

pub fn limits() -> Limits {
    Limits {
        height_mm: HEIGHT_MM,
        recession_mm: RECESSION_MM,
        feather_mm: FEATHER_MM,
        density: DENSITY,
        dot_mm: DOT_MM,
        session: SESSION,
        adjust_mm: ADJUST_MM,
        stroke_radius_mm: STROKE_RADIUS_MM,
        max_strokes: MAX_STROKES,
        max_stroke_points: MAX_STROKE_POINTS,
        max_design_bytes: MAX_DESIGN_BYTES,
        ipd_mm: IPD_MM,
        brush_mm: BRUSH_MM,
        ipd_control_mm: IPD_CONTROL_MM,
        min_photo_side: MIN_PHOTO_SIDE,
        max_pixels: MAX_PIXELS,
        max_preview_pixels: MAX_PREVIEW_PIXELS,
    }
}

/// The defaults as the element reads them (`defaults()` in JS): the
/// default design and the controls' starting values.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    pub design: crate::design::Design,
    pub ipd_mm: f32,
    pub brush_mm: f64,
}

pub fn defaults() -> Defaults {
    Defaults {
        design: crate::design::Design::default(),
        ipd_mm: DEFAULT_IPD_MM,
        brush_mm: DEFAULT_BRUSH_MM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_lie_within_the_limits() {
        let d = defaults();
        d.design.validate().unwrap();
        assert!(IPD_CONTROL_MM.holds(d.ipd_mm) && IPD_MM.holds(d.ipd_mm));
        assert!(BRUSH_MM.holds(d.brush_mm as f32));
        // Every brush the control offers is a radius a stroke may have.
        assert!(STROKE_RADIUS_MM.holds(BRUSH_MM.min as f32));
        assert!(STROKE_RADIUS_MM.holds(BRUSH_MM.max as f32));
        assert!(IPD_MM.holds(IPD_CONTROL_MM.min as f32) && IPD_MM.holds(IPD_CONTROL_MM.max as f32));
        assert!(IPD_MM.holds(TYPICAL_IPD_MM.min as f32) && IPD_MM.holds(TYPICAL_IPD_MM.max as f32));
        // Slider steps divide their ranges.
        for r in [
            HEIGHT_MM,
            DENSITY,
            DOT_MM,
            BRUSH_MM,
            IPD_CONTROL_MM,
            SESSION,
        ] {
            let n = (r.max - r.min) / r.step.unwrap();
            assert!((n - n.round()).abs() < 1e-9, "{r:?}");
        }
    }

    #[test]
    fn limits_serialise_in_camel_case() {
        let v = serde_json::to_value(limits()).unwrap();
        assert_eq!(v["heightMm"]["min"], 50.0);
        assert_eq!(v["dotMm"]["step"], 0.05);
        assert!(v["recessionMm"].get("step").is_none());
        assert_eq!(v["maxDesignBytes"], 4_000_000);
        let d = serde_json::to_value(defaults()).unwrap();
        assert_eq!(d["design"]["density"], 70.0);
        assert_eq!(d["ipdMm"], 63.0);
    }
}
