//! Every way a core call can fail, in one enum: a stable code per distinct
//! failure (what the element translates for the visitor), the values a
//! message needs (field, min, max, got, …), and an English [`Display`] for
//! developers. The binding turns it into a JS `Error` with `code` and
//! `params` in one place (`wasm.rs`); `www/i18n.js` phrases each code in the
//! visitor's language from those params.
//!
//! Field names in params are the design's JSON names (`height_mm`,
//! `density`, …), so the element can name them in the visitor's words.

use serde::Serialize;
use std::fmt;

/// A failure in the core. Serialised as `{code, params}` (the code in
/// kebab-case, the params in camelCase).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "code",
    content = "params",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Error {
    // ---- photos and buffers
    /// An image of zero pixels.
    ImageEmpty,
    /// An image over the core's size limit.
    ImageTooLarge {
        width: u32,
        height: u32,
        max_megapixels: u32,
    },
    /// A photo too small to place a hairline on.
    ImageTooSmall {
        width: u32,
        height: u32,
        min_side: u32,
    },
    /// The browser could not give WebAssembly the memory for an image.
    OutOfMemory { width: u32, height: u32 },
    /// Pixel data of the wrong length for the size given.
    PixelCount { expected: u64, got: u64 },
    /// `commitPhoto` (or a working copy) without a staged photo.
    NothingStaged,
    /// A working copy offered for a photo small enough to be its own.
    NoWorkingCopy,
    /// A call that needs a photo, before one was loaded.
    NoPhoto,

    // ---- the preview and export
    /// A preview size of zero or over the preview limit.
    ViewSize {
        width: u32,
        height: u32,
        max_pixels: u32,
    },
    /// A view rectangle that is empty or not made of numbers.
    ViewRect,
    /// Rendering the preview before its view was set.
    NoView,
    /// Presenting a frame that was not rendered.
    NotRendered,
    /// Presenting into something that is not a canvas 2D context.
    NotACanvas,

    // ---- designs
    /// Design text over the size limit.
    DesignTooLarge { max_bytes: u64 },
    /// Design text that is not JSON.
    DesignNotJson { line: usize, column: usize },
    /// JSON that is not an object.
    DesignNotObject,
    /// A design without its version.
    DesignNoVersion { supported: u32 },
    /// A design of a version this build does not read.
    DesignVersion { got: String, supported: u32 },
    /// A field this version of the design does not have.
    DesignUnknownField { field: String },
    /// A required field that is missing.
    DesignMissingField { field: String },
    /// A field whose value has the wrong type or is not one of its
    /// choices (`detail`: the parser's words, for developers).
    DesignWrongValue { field: String, detail: String },
    /// A number outside its range (`unit`: `mm`, `dots/cm²` or empty).
    OutOfRange {
        field: String,
        min: f64,
        max: f64,
        got: f64,
        unit: String,
    },
    /// A shade that is neither a Fitzpatrick type nor `#rrggbb`.
    BadShade { got: String },
    /// A control point moved further than allowed (`point` counts from 1).
    PointTooFar { point: usize, got: f64, max: f64 },
    /// More painted strokes than a design may hold.
    TooManyStrokes { got: usize, max: usize },
    /// More stroke points, in total, than a design may hold.
    TooManyStrokePoints { max: usize },
    /// A painted stroke with a brush radius outside the allowed range
    /// (`stroke` counts from 1).
    StrokeRadius {
        stroke: usize,
        got: f64,
        min: f64,
        max: f64,
    },
    /// A painted stroke without points.
    EmptyStroke { stroke: usize },
    /// A painted stroke reaching too far from the face.
    StrokeOutside { stroke: usize, max_mm: f64 },
    /// A hairline style that does not exist.
    UnknownStyle { got: String },

    // ---- editing
    /// A control point index that does not exist.
    NoControlPoint { index: usize, max: usize },
    /// A position or step that is not a number (`what`: `pupil-points`,
    /// `brush-position` or `step`).
    NotANumber { what: String },
    /// A brush other than add, erase or scar.
    UnknownBrush { got: String },
    /// A brush radius outside the brush's range.
    BrushRadius { got: f64, min: f64, max: f64 },
    /// A new stroke when the design already holds the most allowed.
    StrokeLimit { max: usize },
    /// Extending a stroke that was never started.
    NoStroke,

    // ---- calibration
    /// A distance between the pupils outside what adults have.
    IpdOutOfRange {
        got: f64,
        min: f64,
        max: f64,
        typical_min: f64,
        typical_max: f64,
    },
    /// A pupil point outside the photo.
    PupilOutside {
        x: f64,
        y: f64,
        width: u32,
        height: u32,
    },
    /// Two pupil points on top of each other.
    PupilsTooClose { distance: f64, min: f64 },
    /// Pupils tilted more than a portrait's can be.
    PupilsTilted { max_degrees: f64 },

    // ---- automatic placement
    /// No face in the photo.
    NoFace,
    /// More than one face.
    SeveralFaces { count: usize },
    /// A face too small to measure.
    FaceTooSmall { ipd_px: f64, min_px: f64 },
    /// A face turned too far to the side (positive: the nose points to
    /// the image's right).
    FaceTurned { yaw_degrees: f64, max_degrees: f64 },
    /// A face whose measurements make no sense.
    FaceInvalid { detail: String },
    /// The photo or calibration changed between finding the face and
    /// placing it.
    Stale,
    /// Face-detection weights that could not be read.
    ModelsInvalid { detail: String },

    // ---- segmentation
    /// A segmentation whose grid does not cover the photo.
    SegmentationSize {
        width: u32,
        height: u32,
        step: f64,
        photo_width: u32,
        photo_height: u32,
    },
    /// A segmentation that could not be read.
    SegmentationInvalid { detail: String },

    // ---- the rest
    /// A dot field (made in a worker) that could not be read.
    FieldInvalid { detail: String },
    /// Something that should not happen; `detail` says what.
    Internal { detail: String },
}

/// A `f32` as the `f64` with the same shortest decimal form (0.3 stays 0.3,
/// not 0.30000001192092896), for messages and params.
pub fn num(x: f32) -> f64 {
    if !x.is_finite() {
        return x as f64;
    }
    x.to_string().parse().unwrap_or(x as f64)
}

impl Error {
    /// The stable kebab-case code (what `code` is in JS).
    pub fn code(&self) -> &'static str {
        use Error::*;
        match self {
            ImageEmpty => "image-empty",
            ImageTooLarge { .. } => "image-too-large",
            ImageTooSmall { .. } => "image-too-small",
            OutOfMemory { .. } => "out-of-memory",
            PixelCount { .. } => "pixel-count",
            NothingStaged => "nothing-staged",
            NoWorkingCopy => "no-working-copy",
            NoPhoto => "no-photo",
            ViewSize { .. } => "view-size",
            ViewRect => "view-rect",
            NoView => "no-view",
            NotRendered => "not-rendered",
            NotACanvas => "not-a-canvas",
            DesignTooLarge { .. } => "design-too-large",
            DesignNotJson { .. } => "design-not-json",
            DesignNotObject => "design-not-object",
            DesignNoVersion { .. } => "design-no-version",
            DesignVersion { .. } => "design-version",
            DesignUnknownField { .. } => "design-unknown-field",
            DesignMissingField { .. } => "design-missing-field",
            DesignWrongValue { .. } => "design-wrong-value",
            OutOfRange { .. } => "out-of-range",
            BadShade { .. } => "bad-shade",
            PointTooFar { .. } => "point-too-far",
            TooManyStrokes { .. } => "too-many-strokes",
            TooManyStrokePoints { .. } => "too-many-stroke-points",
            StrokeRadius { .. } => "stroke-radius",
            EmptyStroke { .. } => "empty-stroke",
            StrokeOutside { .. } => "stroke-outside",
            UnknownStyle { .. } => "unknown-style",
            NoControlPoint { .. } => "no-control-point",
            NotANumber { .. } => "not-a-number",
            UnknownBrush { .. } => "unknown-brush",
            BrushRadius { .. } => "brush-radius",
            StrokeLimit { .. } => "stroke-limit",
            NoStroke => "no-stroke",
            IpdOutOfRange { .. } => "ipd-out-of-range",
            PupilOutside { .. } => "pupil-outside",
            PupilsTooClose { .. } => "pupils-too-close",
            PupilsTilted { .. } => "pupils-tilted",
            NoFace => "no-face",
            SeveralFaces { .. } => "several-faces",
            FaceTooSmall { .. } => "face-too-small",
            FaceTurned { .. } => "face-turned",
            FaceInvalid { .. } => "face-invalid",
            Stale => "stale",
            ModelsInvalid { .. } => "models-invalid",
            SegmentationSize { .. } => "segmentation-size",
            SegmentationInvalid { .. } => "segmentation-invalid",
            FieldInvalid { .. } => "field-invalid",
            Internal { .. } => "internal",
        }
    }

    /// A number out of its range, for a design field.
    pub fn out_of_range(field: &str, v: f32, range: crate::limits::Range, unit: &str) -> Error {
        Error::OutOfRange {
            field: field.into(),
            min: range.min,
            max: range.max,
            got: num(v),
            unit: unit.into(),
        }
    }

    pub fn internal(detail: impl fmt::Display) -> Error {
        Error::Internal {
            detail: detail.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Error::*;
        match self {
            ImageEmpty => f.write_str("the image is empty (0 pixels wide or high)"),
            ImageTooLarge {
                width,
                height,
                max_megapixels,
            } => write!(
                f,
                "the image is {width}×{height}, over the {max_megapixels} megapixel limit"
            ),
            ImageTooSmall {
                width,
                height,
                min_side,
            } => write!(
                f,
                "this image is only {width}×{height} pixels; use a photo at least {min_side} pixels across"
            ),
            OutOfMemory { width, height } => {
                write!(f, "not enough memory for a {width}×{height} image")
            }
            PixelCount { expected, got } => write!(
                f,
                "expected {expected} bytes of RGBA pixels for this size, got {got}"
            ),
            NothingStaged => f.write_str("no photo was staged"),
            NoWorkingCopy => f.write_str("this photo is its own working copy"),
            NoPhoto => f.write_str("load a photo first"),
            ViewSize {
                width,
                height,
                max_pixels,
            } => write!(
                f,
                "the preview size {width}×{height} is not usable (1 to {max_pixels} pixels)"
            ),
            ViewRect => f.write_str(
                "the view rectangle must have a positive size, at most 1024 preview pixels per photo pixel",
            ),
            NoView => f.write_str("the preview has no size yet"),
            NotRendered => f.write_str("nothing has been rendered yet"),
            NotACanvas => f.write_str("expected a canvas 2D context"),
            DesignTooLarge { max_bytes } => write!(
                f,
                "the design is too large (over {} MB); it cannot be a saved design",
                max_bytes / 1_000_000
            ),
            DesignNotJson { line, column } => write!(
                f,
                "the design is not valid JSON (line {line}, column {column})"
            ),
            DesignNotObject => f.write_str("the design must be a JSON object"),
            DesignNoVersion { supported } => {
                write!(f, "the design has no \"version\" (expected {supported})")
            }
            DesignVersion { got, supported } => write!(
                f,
                "design version {got} is not supported by this visualizer (it reads version {supported})"
            ),
            DesignUnknownField { field } => {
                write!(f, "the design has a problem: unknown field `{field}`")
            }
            DesignMissingField { field } => {
                write!(f, "the design has a problem: missing field `{field}`")
            }
            DesignWrongValue { field, detail } => {
                write!(f, "the design has a problem in `{field}`: {detail}")
            }
            OutOfRange {
                field,
                min,
                max,
                got,
                unit,
            } => {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                };
                write!(
                    f,
                    "{} ({field}) must be between {min} and {max}{unit}; got {got}",
                    describe(field)
                )
            }
            BadShade { got } => write!(
                f,
                "shade \"{got}\" is not a Fitzpatrick type (I–VI) or a colour like #46484f"
            ),
            PointTooFar { point, got, max } => write!(
                f,
                "control point {point} is moved {got} mm; adjustments must be within ±{max} mm"
            ),
            TooManyStrokes { got, max } => write!(
                f,
                "the design has {got} painted strokes; at most {max} are allowed"
            ),
            TooManyStrokePoints { max } => {
                write!(f, "the painted zones have more than {max} points in total")
            }
            StrokeRadius {
                stroke,
                got,
                min,
                max,
            } => write!(
                f,
                "painted stroke {stroke} has brush radius {got} mm; it must be between {min} and {max} mm"
            ),
            EmptyStroke { stroke } => write!(f, "painted stroke {stroke} has no points"),
            StrokeOutside { stroke, max_mm } => write!(
                f,
                "painted stroke {stroke} has a point outside ±{max_mm} mm of the face"
            ),
            UnknownStyle { got } => write!(f, "unknown hairline style \"{got}\""),
            NoControlPoint { index, max } => {
                write!(f, "there is no control point {index} (0–{max})")
            }
            NotANumber { what } => match what.as_str() {
                "pupil-points" => f.write_str("the pupil points must be numbers"),
                "brush-position" => f.write_str("the brush position must be a number"),
                other => write!(f, "the {other} must be a number"),
            },
            UnknownBrush { got } => write!(f, "unknown brush \"{got}\" (add, erase or scar)"),
            BrushRadius { got, min, max } => write!(
                f,
                "brush radius must be between {min} and {max} mm; got {got}"
            ),
            StrokeLimit { max } => write!(
                f,
                "this design has the most painted strokes allowed ({max}); undo or reset some first"
            ),
            NoStroke => f.write_str("no stroke was started"),
            IpdOutOfRange {
                got,
                min,
                max,
                typical_min,
                typical_max,
            } => write!(
                f,
                "the distance between the pupils must be between {min} and {max} mm (adults: {typical_min}–{typical_max} mm); got {got}"
            ),
            PupilOutside {
                x,
                y,
                width,
                height,
            } => write!(
                f,
                "a pupil point ({x:.0}, {y:.0}) is outside the {width}×{height} photo"
            ),
            PupilsTooClose { distance, .. } => write!(
                f,
                "the two pupil points are only {distance:.0} px apart; tap the centre of each pupil"
            ),
            PupilsTilted { max_degrees } => write!(
                f,
                "the pupils are tilted more than {max_degrees}°; tap the left pupil, then the right one"
            ),
            NoFace => f.write_str("no face was found in the photo"),
            SeveralFaces { count } => write!(
                f,
                "{count} faces were found; use a photo showing only one face"
            ),
            FaceTooSmall { ipd_px, min_px } => write!(
                f,
                "the face is too small: the eyes are {ipd_px:.0} px apart, at least {min_px:.0} px are needed"
            ),
            FaceTurned {
                yaw_degrees,
                max_degrees,
            } => write!(
                f,
                "the head is turned about {:.0}° to the side (at most {max_degrees:.0}° works); face the camera",
                yaw_degrees.abs()
            ),
            FaceInvalid { detail } => write!(f, "the face could not be measured: {detail}"),
            Stale => f.write_str("the photo or calibration changed while the face was being found"),
            ModelsInvalid { detail } => {
                write!(f, "the face-detection weights could not be read: {detail}")
            }
            SegmentationSize {
                width,
                height,
                step,
                photo_width,
                photo_height,
            } => write!(
                f,
                "a {width}×{height} segmentation of {step} px cells does not cover the {photo_width}×{photo_height} photo"
            ),
            SegmentationInvalid { detail } => {
                write!(f, "the segmentation could not be read: {detail}")
            }
            FieldInvalid { detail } => write!(f, "the dot field could not be read: {detail}"),
            Internal { detail } => write!(f, "internal error: {detail}"),
        }
    }
}

/// The English words for a design field (developer messages).
fn describe(field: &str) -> &str {
    match field {
        "height_mm" => "hairline height",
        "recession_mm" => "temple recession",
        "feather_mm" => "feather width",
        "dot_mm" => "dot diameter",
        other => other,
    }
}

impl std::error::Error for Error {}

/// Code that still reports errors as text (`Result<_, String>`) can `?`
/// these; the English message is kept.
impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}

impl From<crate::face::FaceError> for Error {
    fn from(e: crate::face::FaceError) -> Error {
        use crate::face::FaceError as F;
        match e {
            F::NoFace => Error::NoFace,
            F::SeveralFaces { count } => Error::SeveralFaces { count },
            F::FaceTooSmall { ipd_px, min_px } => Error::FaceTooSmall {
                ipd_px: num(ipd_px),
                min_px: num(min_px),
            },
            F::TurnedTooFar { yaw_deg, max_deg } => Error::FaceTurned {
                yaw_degrees: num(yaw_deg),
                max_degrees: num(max_deg),
            },
            F::Invalid(detail) => Error::FaceInvalid { detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_params_serialise_for_the_element() {
        let e = Error::out_of_range("density", 400.0, crate::limits::DENSITY, "dots/cm²");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "out-of-range");
        assert_eq!(v["code"], e.code());
        assert_eq!(v["params"]["field"], "density");
        assert_eq!(v["params"]["min"], 10.0);
        assert_eq!(v["params"]["max"], 150.0);
        assert_eq!(v["params"]["got"], 400.0);
        assert_eq!(
            e.to_string(),
            "density (density) must be between 10 and 150 dots/cm²; got 400"
        );
        // Unit variants carry no params; struct variants name theirs in camelCase.
        assert_eq!(
            serde_json::to_value(Error::NoPhoto).unwrap()["code"],
            "no-photo"
        );
        let v = serde_json::to_value(Error::FaceTurned {
            yaw_degrees: 40.0,
            max_degrees: 30.0,
        })
        .unwrap();
        assert_eq!(v["params"]["yawDegrees"], 40.0);
    }

    #[test]
    fn f32_params_keep_their_decimal_form() {
        assert_eq!(num(0.3), 0.3);
        assert_eq!(num(0.7), 0.7);
        assert_eq!(num(63.5), 63.5);
        assert!(num(f32::NAN).is_nan());
    }
}
