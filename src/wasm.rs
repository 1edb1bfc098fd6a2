//! The binding layer: the only file that knows wasm-bindgen. It translates
//! JS calls into [`Engine`] calls and owns everything about memory: pixels
//! come in from typed arrays and go out into canvas contexts (an
//! `ImageData` over the pixels in WASM memory, then `putImageData`), so JS
//! never builds views on WASM memory or computes buffer sizes. Every
//! failure is a [`crate::error::Error`], turned into a JS `Error` with
//! `code` and `params` in one place (`From<Error> for JsValue` below).

use crate::design::{Design, ZoneMode};
use crate::engine::Engine;
use crate::error::Error;
use crate::geom::Vec2;
use crate::image::{Image, Rect};
use crate::scale::Source;
use crate::scalp::ScalpMask;
use js_sys::Uint8ClampedArray;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = globalThis, js_name = __hairlineVisualizerPanic)]
    fn report_panic(message: &str);
}

/// Install a panic hook once: a panic is reported to the element (which
/// shows an error and rebuilds its state) instead of a silent dead widget.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        report_panic(&info.to_string());
    }));
}

/// The one place a core error becomes a JS value: an `Error` (name
/// `CoreError`) whose `message` is the English text for developers, `code`
/// the stable code and `params` the values a translated message needs.
impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name("CoreError");
        let params = json(&e)
            .ok()
            .and_then(|v| js_sys::Reflect::get(&v, &"params".into()).ok())
            .filter(|p| p.is_object())
            .unwrap_or_else(|| js_sys::Object::new().into());
        // Setting properties on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
        let _ = js_sys::Reflect::set(&err, &"params".into(), &params);
        err.into()
    }
}

/// A value as a plain JS object, through JSON (numbers keep their shortest
/// decimal form: 0.05 stays 0.05).
fn json<T: serde::Serialize>(v: &T) -> Result<JsValue, Error> {
    let text = serde_json::to_string(v).map_err(Error::internal)?;
    js_sys::JSON::parse(&text).map_err(|_| Error::internal("JSON.parse refused the core's JSON"))
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, Error> {
    serde_wasm_bindgen::to_value(v).map_err(Error::internal)
}

/// Put `im` into a 2D context (on screen or offscreen) with its top left at
/// (`dx`, `dy`), only its left `width` columns if given. The ImageData is a
/// view of the pixels in WASM memory (no copy here; `putImageData` copies
/// them into the canvas), used before anything can grow the memory.
fn put(ctx: &JsValue, im: &Image, dx: f64, dy: f64, width: Option<u32>) -> Result<(), Error> {
    use wasm_bindgen::{Clamped, JsCast};
    use web_sys::{CanvasRenderingContext2d, ImageData, OffscreenCanvasRenderingContext2d};
    if im.width == 0 || im.height == 0 {
        return Err(Error::NotRendered);
    }
    let data =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&im.data[..]), im.width, im.height)
            .map_err(|_| Error::internal("the browser refused the image data"))?;
    let (w, h) = (
        width.map_or(im.width, |w| w.min(im.width)) as f64,
        im.height as f64,
    );
    let done = if let Some(c) = ctx.dyn_ref::<CanvasRenderingContext2d>() {
        c.put_image_data_with_dirty_x_and_dirty_y_and_dirty_width_and_dirty_height(
            &data, dx, dy, 0.0, 0.0, w, h,
        )
    } else if let Some(c) = ctx.dyn_ref::<OffscreenCanvasRenderingContext2d>() {
        c.put_image_data_with_dirty_x_and_dirty_y_and_dirty_width_and_dirty_height(
            &data, dx, dy, 0.0, 0.0, w, h,
        )
    } else {
        return Err(Error::NotACanvas);
    };
    done.map_err(|_| Error::internal("the canvas refused the image data"))
}

/// Every range, limit and default the element shows or enforces (see
/// `src/limits.rs`), as `{heightMm: {min, max, step}, …}`.
#[wasm_bindgen]
pub fn limits() -> Result<JsValue, Error> {
    json(&crate::limits::limits())
}

/// The default design and the controls' starting values:
/// `{design, ipdMm, brushMm}`.
#[wasm_bindgen]
pub fn defaults() -> Result<JsValue, Error> {
    json(&crate::limits::defaults())
}

/// Bytes of WebAssembly memory in use (it only grows), for tests and the
/// benchmark.
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size::<0>() * 65536) as f64
}

/// The model worker's nets: the face and the segmentation of a photo's
/// working copy (see [`crate::analyse`]). Made in a worker, where the
/// seconds of net inference on a phone do not freeze the page.
#[wasm_bindgen]
pub struct Analyst {
    models: crate::analyse::Models,
    /// The last segmentation, in [`crate::segment::hair::Segmentation::to_bytes`]'s form.
    segmentation: Option<Vec<u8>>,
}

/// A located face as flat numbers: the box (x, y, width, height, score)
/// then the 68 landmarks' x, y, in photo pixels.
const LOCATED_LEN: usize = 5 + 68 * 2;

/// A dot field handed over from `dotField` (made in a worker).
fn field_from_flat(seed: u32, data: &[f32]) -> Result<crate::scatter::DotField, Error> {
    crate::scatter::DotField::from_flat(seed, data).map_err(|detail| Error::FieldInvalid { detail })
}

fn rgba(data: &[u8], width: u32, height: u32) -> Result<Image, Error> {
    Image::from_rgba(width, height, data.to_vec()).map_err(|_| Error::PixelCount {
        expected: width as u64 * height as u64 * 4,
        got: data.len() as u64,
    })
}

#[wasm_bindgen]
impl Analyst {
    /// face-api's detector and landmark manifests and weights, and
    /// `selfie_segmentation.tflite`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        detector_manifest: &str,
        detector_weights: &[u8],
        landmarks_manifest: &str,
        landmarks_weights: &[u8],
        person_tflite: &[u8],
    ) -> Result<Analyst, Error> {
        Ok(Analyst {
            models: crate::analyse::Models::load(
                detector_manifest,
                detector_weights,
                landmarks_manifest,
                landmarks_weights,
                person_tflite,
            )
            .map_err(|detail| Error::ModelsInvalid { detail })?,
            segmentation: None,
        })
    }

    /// Run every net once on small inputs (idle time).
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up(&self) {
        self.models.warm_up();
    }

    /// The face and segmentation of a working copy (`width`×`height` RGBA,
    /// `step` photo pixels per pixel): the located face as
    /// `LOCATED_LEN` numbers for `Visualizer.placeLocated` (then
    /// `takeSegmentation()` holds the segmentation), or an error with the
    /// face codes (`no-face`, `several-faces`, `face-too-small`,
    /// `face-turned`, `face-invalid`).
    pub fn analyse(
        &mut self,
        data: &[u8],
        width: u32,
        height: u32,
        step: f32,
        ipd_mm: f32,
    ) -> Result<Vec<f32>, Error> {
        self.segmentation = None;
        let work = rgba(data, width, height)?;
        let found = self
            .models
            .analyse(&work, step, ipd_mm)
            .map_err(|detail| Error::FaceInvalid { detail })?;
        self.segmentation = found.segmentation.map(|s| s.to_bytes());
        let at = found.face?;
        let b = at.face;
        let mut face = vec![b.x, b.y, b.width, b.height, b.score];
        face.extend(at.landmarks.iter().flatten());
        Ok(face)
    }

    /// The segmentation for pupils the visitor placed (photo pixels, either
    /// order; `ipd_mm` apart) when no face was found: a mean face stands in
    /// for the landmarks. `takeSegmentation()` then holds it.
    #[allow(clippy::too_many_arguments)]
    pub fn segment(
        &mut self,
        data: &[u8],
        width: u32,
        height: u32,
        step: f32,
        left_x: f32,
        left_y: f32,
        right_x: f32,
        right_y: f32,
        ipd_mm: f32,
    ) -> Result<(), Error> {
        self.segmentation = None;
        let work = rgba(data, width, height)?;
        let size = (
            (width as f32 * step).round() as u32,
            (height as f32 * step).round() as u32,
        );
        let c = crate::scale::Calibration::new(
            Vec2::new(left_x, left_y),
            Vec2::new(right_x, right_y),
            ipd_mm,
            Source::Visitor,
            size,
        )?;
        let s = self
            .models
            .segment(&work, step, &c)
            .map_err(|detail| Error::SegmentationInvalid { detail })?;
        self.segmentation = Some(s.to_bytes());
        Ok(())
    }

    /// The last segmentation's bytes (for `Visualizer.setSegmentation`),
    /// once.
    #[wasm_bindgen(js_name = takeSegmentation)]
    pub fn take_segmentation(&mut self) -> Option<Vec<u8>> {
        self.segmentation.take()
    }
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`, on the page and in workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The live mirror (issue #15): the face nets, the tracker and the design,
/// in a worker (or on the page where workers or `OffscreenCanvas` are
/// missing). Each camera frame goes through a 2D context: the caller draws
/// the frame into it, [`MirrorSession::frame`] reads it into WASM memory
/// (one copy), tracks the face, draws the design on the tracked head and
/// puts the result back into the same context.
#[wasm_bindgen(js_name = Mirror)]
pub struct MirrorSession {
    mirror: crate::track::mirror::Mirror,
}

/// What one mirror frame gave, for the `mirror-frame` event.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct MirrorReport {
    width: u32,
    height: u32,
    tracked: bool,
    searched: bool,
    left_pupil: Vec2,
    right_pupil: Vec2,
    roll: f32,
    yaw: f32,
    pitch: f32,
    dots: u32,
    /// Milliseconds per stage (see `MirrorTimes`).
    stages: crate::track::mirror::MirrorTimes,
}

#[wasm_bindgen(js_class = Mirror)]
impl MirrorSession {
    /// face-api's detector and landmark manifests and weights.
    #[wasm_bindgen(constructor)]
    pub fn new(
        detector_manifest: &str,
        detector_weights: &[u8],
        landmarks_manifest: &str,
        landmarks_weights: &[u8],
    ) -> Result<MirrorSession, Error> {
        let models = crate::face::FaceModels::load(
            detector_manifest,
            detector_weights,
            landmarks_manifest,
            landmarks_weights,
        )
        .map_err(|detail| Error::ModelsInvalid { detail })?;
        let mut mirror = crate::track::mirror::Mirror::new(models, Default::default());
        mirror.set_clock(Some(performance_now));
        Ok(MirrorSession { mirror })
    }

    /// Validate and use a design given as JSON text, from the next frame on.
    #[wasm_bindgen(js_name = setDesign)]
    pub fn set_design(&mut self, json: &str) -> Result<(), Error> {
        self.mirror.set_design(Design::from_json(json)?)
    }

    /// The interpupillary distance (mm) the design is scaled by.
    #[wasm_bindgen(js_name = setIpdMm)]
    pub fn set_ipd_mm(&mut self, ipd_mm: f32) -> Result<(), Error> {
        self.mirror.set_ipd_mm(ipd_mm)
    }

    /// Hand over the dot field for `seed` (from `dotField`).
    #[wasm_bindgen(js_name = setField)]
    pub fn set_field(&mut self, seed: u32, data: &[f32]) -> Result<(), Error> {
        self.mirror.set_field(field_from_flat(seed, data)?);
        Ok(())
    }

    /// Whether the dot field for the design's seed is ready.
    #[wasm_bindgen(js_name = hasField)]
    pub fn has_field(&self) -> bool {
        self.mirror.has_field()
    }

    /// Forget the face: the next frame searches the whole frame.
    pub fn reset(&mut self) {
        self.mirror.reset();
    }

    /// The camera frame drawn into `ctx` (its top left `width`×`height`;
    /// a `CanvasRenderingContext2D` or its offscreen kind), taken at `t_ms`:
    /// read, tracked, and replaced by the frame with the design on the
    /// head. Returns `{width, height, tracked, searched, leftPupil,
    /// rightPupil, roll, yaw, pitch, dots, stages}` (pupils in frame
    /// pixels, angles in degrees, stage times in ms).
    pub fn frame(
        &mut self,
        ctx: &JsValue,
        width: u32,
        height: u32,
        t_ms: f64,
    ) -> Result<JsValue, Error> {
        use wasm_bindgen::JsCast;
        use web_sys::{CanvasRenderingContext2d, OffscreenCanvasRenderingContext2d};
        let (w, h) = (width as f64, height as f64);
        let data = if let Some(c) = ctx.dyn_ref::<CanvasRenderingContext2d>() {
            c.get_image_data(0.0, 0.0, w, h)
        } else if let Some(c) = ctx.dyn_ref::<OffscreenCanvasRenderingContext2d>() {
            c.get_image_data(0.0, 0.0, w, h)
        } else {
            return Err(Error::NotACanvas);
        }
        .map_err(|_| Error::internal("the canvas refused to give its pixels"))?;
        // The pixels as the browser holds them, copied once into the
        // mirror's frame buffer (ImageData::data would copy twice).
        let pixels: Uint8ClampedArray = js_sys::Reflect::get(&data, &"data".into())
            .map_err(|_| Error::internal("image data without pixels"))?
            .unchecked_into();
        let expected = width as u64 * height as u64 * 4;
        if pixels.length() as u64 != expected {
            return Err(Error::PixelCount {
                expected,
                got: pixels.length() as u64,
            });
        }
        pixels.copy_to(self.mirror.frame_buffer(width, height)?);
        let out = self.mirror.process(t_ms)?;
        put(ctx, self.mirror.output(), 0.0, 0.0, None)?;
        let t = &out.track;
        json(&MirrorReport {
            width,
            height,
            tracked: t.tracked,
            searched: t.searched,
            left_pupil: t.left_pupil,
            right_pupil: t.right_pupil,
            roll: t.roll,
            yaw: t.yaw,
            pitch: t.pitch,
            dots: out.dots,
            stages: out.ms,
        })
    }

    /// Put the last camera frame, without dots, into a 2D context (for a
    /// snapshot).
    #[wasm_bindgen(js_name = presentFrame)]
    pub fn present_frame(&self, ctx: &JsValue) -> Result<(), Error> {
        put(ctx, self.mirror.frame(), 0.0, 0.0, None)
    }
}

/// Where `placeFace` put the face.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Placed {
    left_pupil: Vec2,
    right_pupil: Vec2,
    glabella: Vec2,
    roll: f32,
    px_per_mm: f32,
    confidence: f32,
    landmarks: Vec<[f32; 2]>,
}

/// One visualizer session (one per element).
#[wasm_bindgen]
pub struct Visualizer {
    engine: Engine,
    /// The size of the staged photo, to check its working copy's length.
    staged: Option<(u32, u32)>,
}

impl Default for Visualizer {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Visualizer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Visualizer {
        Visualizer {
            engine: Engine::new(),
            staged: None,
        }
    }

    /// Copy the next photo's RGBA pixels (`width`×`height`, 4 bytes each)
    /// into WASM memory; `commitPhoto` then makes them the photo. The
    /// current photo stays until then.
    #[wasm_bindgen(js_name = stagePhoto)]
    pub fn stage_photo(
        &mut self,
        width: u32,
        height: u32,
        pixels: &Uint8ClampedArray,
    ) -> Result<(), Error> {
        self.staged = None;
        let expected = width as u64 * height as u64 * 4;
        if pixels.length() as u64 != expected {
            return Err(Error::PixelCount {
                expected,
                got: pixels.length() as u64,
            });
        }
        let buf = self.engine.stage_photo(width, height)?;
        pixels.copy_to(buf);
        self.staged = Some((width, height));
        Ok(())
    }

    /// Hand over the staged photo scaled to `workingSize` (the browser
    /// scales it in a worker); optional, the core makes one otherwise.
    #[wasm_bindgen(js_name = stageWorkingCopy)]
    pub fn stage_working_copy(&mut self, pixels: &Uint8ClampedArray) -> Result<(), Error> {
        let (w, h) = self.staged.ok_or(Error::NothingStaged)?;
        let (ww, wh, _) = ScalpMask::working_size(w, h);
        let expected = ww as u64 * wh as u64 * 4;
        if pixels.length() as u64 != expected {
            return Err(Error::PixelCount {
                expected,
                got: pixels.length() as u64,
            });
        }
        let buf = self.engine.stage_working_copy()?;
        pixels.copy_to(buf);
        Ok(())
    }

    /// `[width, height]` of the working copy of a `width`×`height` photo
    /// (the photo's own size when it is small enough already).
    #[wasm_bindgen(js_name = workingSize)]
    pub fn working_size(width: u32, height: u32) -> Vec<u32> {
        let (w, h, _) = ScalpMask::working_size(width, height);
        vec![w, h]
    }

    /// Place the dots for the current photo and design ahead of the next
    /// render (which would otherwise do it).
    #[wasm_bindgen(js_name = prepareDots)]
    pub fn prepare_dots(&mut self) -> Result<(), Error> {
        self.engine.prepare_dots()
    }

    /// Take a small synthetic portrait through the whole pipeline once, in
    /// an engine of its own, so the WebAssembly engine optimises that code
    /// before the visitor's photo (see `Engine::warm_up`).
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up() -> Result<(), Error> {
        Engine::warm_up().map(|_| ())
    }

    /// Make the staged pixels the photo; returns the estimated calibration.
    #[wasm_bindgen(js_name = commitPhoto)]
    pub fn commit_photo(&mut self) -> Result<JsValue, Error> {
        self.staged = None;
        let c = self.engine.commit_photo()?;
        to_js(&c)
    }

    #[wasm_bindgen(js_name = clearPhoto)]
    pub fn clear_photo(&mut self) {
        self.staged = None;
        self.engine.clear_photo();
    }

    /// Validate and apply a design given as JSON text.
    #[wasm_bindgen(js_name = setDesign)]
    pub fn set_design(&mut self, json: &str) -> Result<(), Error> {
        let d = Design::from_json(json)?;
        self.engine.set_design(d)
    }

    #[wasm_bindgen(js_name = designJson)]
    pub fn design_json(&self) -> String {
        self.engine.design().to_json()
    }

    /// A preset's design, keeping the current density, dots, shade, look,
    /// seed and zones.
    #[wasm_bindgen(js_name = withStyle)]
    pub fn with_style(&self, style: &str) -> Result<String, Error> {
        let s = serde_json::from_value(serde_json::Value::String(style.into())).map_err(|_| {
            Error::UnknownStyle {
                got: style.chars().take(40).collect(),
            }
        })?;
        Ok(self.engine.design().with_style(s).to_json())
    }

    /// A Fitzpatrick shade ("I"…"VI") suggested by the forehead's skin tone.
    #[wasm_bindgen(js_name = suggestedShade)]
    pub fn suggested_shade(&self) -> Option<String> {
        self.engine.suggested_shade().map(String::from)
    }

    /// Calibrate from the pupils (image px); `source` is "visitor",
    /// "detected", "estimated" or "tracked"; `yaw_deg`, if given, is the
    /// head's turn (degrees, positive: the nose towards the image's right,
    /// as the mirror reports it). Returns the calibration.
    #[wasm_bindgen(js_name = setCalibration)]
    #[allow(clippy::too_many_arguments)]
    pub fn set_calibration(
        &mut self,
        lx: f32,
        ly: f32,
        rx: f32,
        ry: f32,
        ipd_mm: f32,
        source: &str,
        yaw_deg: Option<f32>,
    ) -> Result<JsValue, Error> {
        let source = match source {
            "detected" => Source::Detected,
            "tracked" => Source::Tracked,
            "estimated" => Source::Estimated,
            _ => Source::Visitor,
        };
        let (a, b) = (Vec2::new(lx, ly), Vec2::new(rx, ry));
        let c = match yaw_deg {
            Some(yaw) => {
                self.engine
                    .set_calibration_turned(a, b, ipd_mm, source, yaw.to_radians())?
            }
            None => self.engine.set_calibration(a, b, ipd_mm, source)?,
        };
        to_js(&c)
    }

    /// `{leftPupil, rightPupil, ipdMm, source}`, or undefined without a photo.
    pub fn calibration(&self) -> Result<JsValue, Error> {
        to_js(&self.engine.calibration())
    }

    /// Pixels per millimetre, head roll (radians) and glabella (image px).
    pub fn frame(&self) -> Result<JsValue, Error> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct F {
            px_per_mm: f32,
            roll: f32,
            glabella: Vec2,
        }
        to_js(&self.engine.frame().map(|f| F {
            px_per_mm: f.px_per_mm,
            roll: f.roll,
            glabella: f.glabella,
        }))
    }

    /// Show `w`×`h` image pixels from (`x`, `y`) in a preview of
    /// `width`×`height`.
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: u32,
        height: u32,
    ) -> Result<(), Error> {
        self.engine.set_view(Rect { x, y, w, h }, width, height)
    }

    /// Render the preview; returns `{width, height, dots}`.
    #[wasm_bindgen(js_name = renderPreview)]
    pub fn render_preview(&mut self) -> Result<JsValue, Error> {
        let s = self.engine.render_preview()?;
        to_js(&s)
    }

    /// Put the preview (photo and dots, as last rendered) into a 2D
    /// context (`CanvasRenderingContext2D` or its offscreen kind) with its
    /// top left at (`dx`, `dy`).
    #[wasm_bindgen(js_name = presentPreview)]
    pub fn present_preview(&self, ctx: &JsValue, dx: f64, dy: f64) -> Result<(), Error> {
        put(ctx, self.engine.preview(), dx, dy, None)
    }

    /// Put the photo for the current view without dots (the "before")
    /// into a 2D context at (`dx`, `dy`): only its left `width` columns if
    /// given (the compare split).
    #[wasm_bindgen(js_name = presentBase)]
    pub fn present_base(
        &self,
        ctx: &JsValue,
        dx: f64,
        dy: f64,
        width: Option<u32>,
    ) -> Result<(), Error> {
        put(ctx, self.engine.preview_base(), dx, dy, width)
    }

    /// Render at full resolution and keep the result for `presentFull`;
    /// returns `{width, height, dots}`.
    #[wasm_bindgen(js_name = renderFull)]
    pub fn render_full(&mut self) -> Result<JsValue, Error> {
        let s = self.engine.render_full()?;
        to_js(&s)
    }

    /// Put the full-resolution render into a 2D context.
    #[wasm_bindgen(js_name = presentFull)]
    pub fn present_full(&self, ctx: &JsValue) -> Result<(), Error> {
        let im = self.engine.full().ok_or(Error::NotRendered)?;
        put(ctx, im, 0.0, 0.0, None)
    }

    /// Free the full-resolution render once it has been presented.
    #[wasm_bindgen(js_name = releaseFull)]
    pub fn release_full(&mut self) {
        self.engine.release_full();
    }

    /// Put the photo itself, at full resolution and without dots, into a
    /// 2D context.
    #[wasm_bindgen(js_name = presentPhoto)]
    pub fn present_photo(&self, ctx: &JsValue) -> Result<(), Error> {
        let im = self.engine.photo().ok_or(Error::NoPhoto)?;
        put(ctx, im, 0.0, 0.0, None)
    }

    /// The visible dots in image pixels: `[x, y, radius, strength, …]`
    /// (radius is the mean of the foreshortened axes).
    #[wasm_bindgen(js_name = visibleDots)]
    pub fn visible_dots(&mut self) -> Result<Vec<f32>, Error> {
        let dots = self.engine.visible_dots()?;
        Ok(dots
            .iter()
            .flat_map(|d| [d.x, d.y, d.r * (d.sx * d.sy).sqrt(), d.strength])
            .collect())
    }

    /// Hand over the dot field for `seed` made by `dotField` in a worker.
    #[wasm_bindgen(js_name = setField)]
    pub fn set_field(&mut self, seed: u32, data: &[f32]) -> Result<(), Error> {
        self.engine.set_field(field_from_flat(seed, data)?);
        Ok(())
    }

    /// Whether the dot field for the design's seed is ready.
    #[wasm_bindgen(js_name = hasField)]
    pub fn has_field(&self) -> bool {
        self.engine.has_field()
    }

    /// Placement warnings for the current design: `[{code, value_mm}]`.
    pub fn guardrails(&self) -> Result<JsValue, Error> {
        to_js(&crate::hairline::guardrails(self.engine.design()))
    }

    /// What lies just behind the design's line: `{hair, scalp, inHair}`
    /// (shares of the head there; `inHair` when the visitor's own hairline
    /// is already at or below it), or `null` before a segmentation.
    #[wasm_bindgen(js_name = lineFit)]
    pub fn line_fit(&mut self) -> Result<JsValue, Error> {
        to_js(&self.engine.line_fit())
    }

    /// The face's thirds `{upper_mm, middle_mm, lower_mm, balance}` for the
    /// current design, or `null` until a face was found.
    pub fn thirds(&self) -> Result<JsValue, Error> {
        to_js(&self.engine.thirds())
    }

    /// The photo's working copy for the model worker: `{width, height,
    /// step, data}` (a copy of its RGBA pixels, at most 640 px a side).
    #[wasm_bindgen(js_name = workingCopy)]
    pub fn working_copy(&self) -> Result<JsValue, Error> {
        #[derive(serde::Serialize)]
        struct Copy {
            width: u32,
            height: u32,
            step: f32,
        }
        let (im, step) = self.engine.working_copy().ok_or(Error::NoPhoto)?;
        let out = to_js(&Copy {
            width: im.width,
            height: im.height,
            step,
        })?;
        let data = js_sys::Uint8Array::from(im.data.as_slice());
        js_sys::Reflect::set(&out, &JsValue::from_str("data"), &data)
            .map_err(|_| Error::internal("could not hand out the working copy"))?;
        Ok(out)
    }

    /// Place a face the model worker located (`Analyst.analyse`'s
    /// `face`), finding its irises in the full photo. Returns `{leftPupil,
    /// rightPupil, glabella, roll, pxPerMm, confidence, landmarks}`; fails
    /// with the face codes (`face-too-small`, `face-turned`, …).
    #[wasm_bindgen(js_name = placeLocated)]
    pub fn place_located(&mut self, face: &[f32]) -> Result<JsValue, Error> {
        if face.len() != LOCATED_LEN {
            return Err(Error::FaceInvalid {
                detail: format!(
                    "a located face is {LOCATED_LEN} numbers; got {}",
                    face.len()
                ),
            });
        }
        let mut landmarks = [[0f32; 2]; 68];
        for (i, p) in landmarks.iter_mut().enumerate() {
            *p = [face[5 + 2 * i], face[6 + 2 * i]];
        }
        let at = crate::analyse::Located {
            face: crate::face::FaceBox {
                x: face[0],
                y: face[1],
                width: face[2],
                height: face[3],
                score: face[4],
            },
            landmarks,
        };
        let det = self.engine.place_located(&at)?;
        let frame = self
            .engine
            .frame()
            .ok_or_else(|| Error::internal("no calibration after placing the face"))?;
        let v = |p: [f32; 2]| Vec2::new(p[0], p[1]);
        to_js(&Placed {
            left_pupil: v(det.irises[0]),
            right_pupil: v(det.irises[1]),
            glabella: frame.glabella,
            roll: frame.roll,
            px_per_mm: frame.px_per_mm,
            confidence: det.confidence,
            landmarks: det.landmarks.to_vec(),
        })
    }

    /// Use the model worker's segmentation (`Analyst.takeSegmentation()`)
    /// for the current photo: dots then keep to its scalp.
    #[wasm_bindgen(js_name = setSegmentation)]
    pub fn set_segmentation(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let s = crate::segment::hair::Segmentation::from_bytes(bytes)
            .map_err(|detail| Error::SegmentationInvalid { detail })?;
        self.engine.set_segmentation(s.into())
    }

    /// Panic on purpose: lets the browser tests prove that a panic becomes
    /// an `error` event and a recovered widget, not a dead one. Only in the
    /// test build (feature `test-panic`, `make build-test`).
    #[cfg(feature = "test-panic")]
    #[wasm_bindgen(js_name = testPanic)]
    pub fn test_panic(&mut self) {
        panic!("test panic requested");
    }

    /// What the artist's brief draws: `{landmarks: {midFrontal, corners,
    /// temples, cornerWidthMm, templeWidthMm, midToCornerMm,
    /// cornerToTempleMm}, glabellaPx, midFrontalPx, cornersPx, templesPx,
    /// pxPerMm, linePx}` (face mm on the head; pairs start on the image's
    /// left).
    #[wasm_bindgen(js_name = briefGeometry)]
    pub fn brief_geometry(&self) -> Result<JsValue, Error> {
        json(&self.engine.brief_geometry().ok_or(Error::NoPhoto)?)
    }

    /// Control points in image pixels: `[x0, y0, x1, y1, …]`.
    #[wasm_bindgen(js_name = controlPoints)]
    pub fn control_points(&self) -> Vec<f32> {
        self.engine.control_points_px()
    }

    /// The hairline curve in image pixels: `[x0, y0, …]`.
    #[wasm_bindgen(js_name = hairlinePath)]
    pub fn hairline_path(&self) -> Vec<f32> {
        self.engine.hairline_px()
    }

    #[wasm_bindgen(js_name = movePoint)]
    pub fn move_point(&mut self, index: usize, x: f32, y: f32) -> Result<(), Error> {
        self.engine.move_point(index, Vec2::new(x, y))
    }

    /// Move control point `index` by (`dx_mm`, `dy_mm`) on the head: right
    /// and up the face.
    #[wasm_bindgen(js_name = nudgePoint)]
    pub fn nudge_point(&mut self, index: usize, dx_mm: f32, dy_mm: f32) -> Result<(), Error> {
        self.engine.nudge_point(index, Vec2::new(dx_mm, dy_mm))
    }

    /// Start a brush stroke: `mode` is "add", "erase" or "scar".
    #[wasm_bindgen(js_name = beginStroke)]
    pub fn begin_stroke(
        &mut self,
        mode: &str,
        radius_mm: f32,
        x: f32,
        y: f32,
    ) -> Result<(), Error> {
        let mode = match mode {
            "add" => ZoneMode::Add,
            "erase" => ZoneMode::Erase,
            "scar" => ZoneMode::Scar,
            other => {
                return Err(Error::UnknownBrush {
                    got: other.chars().take(20).collect(),
                })
            }
        };
        self.engine.begin_stroke(mode, radius_mm, Vec2::new(x, y))
    }

    #[wasm_bindgen(js_name = extendStroke)]
    pub fn extend_stroke(&mut self, x: f32, y: f32) -> Result<(), Error> {
        self.engine.extend_stroke(Vec2::new(x, y))
    }
}

/// The dot field for `seed` as flat numbers (see `Visualizer.setField`):
/// generated in a worker, so the page never waits on it.
#[wasm_bindgen(js_name = dotField)]
pub fn dot_field(seed: u32) -> Vec<f32> {
    crate::scatter::DotField::generate(seed).to_flat()
}

/// The benchmark's fixtures: the memcpy floor and the compositor stress
/// test. Only in the test build (feature `bench`, `make build-test`).
#[cfg(feature = "bench")]
mod bench {
    use super::put;
    use crate::design::Design;
    use crate::error::Error;
    use crate::geom::Vec2;
    use crate::image::{Image, Rect};
    use wasm_bindgen::prelude::*;

    /// Two buffers for the benchmark's floor: one full-image copy inside
    /// WASM, and presenting the copied buffer (putImageData).
    #[wasm_bindgen]
    pub struct CopyBench {
        from: Vec<u8>,
        to: Image,
    }

    #[wasm_bindgen]
    impl CopyBench {
        #[wasm_bindgen(constructor)]
        pub fn new(width: u32, height: u32) -> Result<CopyBench, Error> {
            let from = Image::new(width, height, [7, 7, 7, 7])?.data;
            let to = Image::zeroed(width, height)?;
            Ok(CopyBench { from, to })
        }

        /// Copy the whole buffer once, with the renderer's copy.
        pub fn copy(&mut self) {
            crate::image::copy_pixels(&mut self.to.data, &self.from);
        }

        /// Put the copied buffer into a 2D context.
        pub fn present(&self, ctx: &JsValue) -> Result<(), Error> {
            put(ctx, &self.to, 0.0, 0.0, None)
        }
    }

    /// The benchmark's compositor stress test: a 12 MP scalp close-up with
    /// ~100,000 dots (more than a frontal photo ever shows), drawn by the
    /// same band compositor as every render. Dots sit on a jittered grid at
    /// the design's default density (70 dots/cm²) and healed dot size;
    /// sizes and darkness vary ±15 % as in the field.
    #[wasm_bindgen]
    pub struct CompositeBench {
        photo: Image,
        out: Image,
        dots: Vec<crate::render::VisibleDot>,
        design: Design,
        scratch: crate::render::Scratch,
    }

    #[wasm_bindgen]
    impl CompositeBench {
        #[wasm_bindgen(constructor)]
        pub fn new(width: u32, height: u32, count: u32) -> Result<CompositeBench, Error> {
            let mut photo = Image::new(width, height, [196, 146, 116, 255])?;
            let out = Image::new(width, height, [0, 0, 0, 255])?;
            // Skin with a gentle light falloff, so the copy is not of a constant.
            for (y, row) in photo.data.chunks_exact_mut(width as usize * 4).enumerate() {
                let f = 1.0 - 0.25 * y as f32 / height as f32;
                for px in row.chunks_exact_mut(4) {
                    for c in &mut px[..3] {
                        *c = (*c as f32 * f) as u8;
                    }
                }
            }
            let design = Design::default();
            // Grid spacing for `count` dots over the image; at 70 dots/cm²
            // that spacing is 1.195 mm, which sets the scale and the dot size.
            let spacing = ((width as f32 * height as f32) / count.max(1) as f32).sqrt();
            let px_per_mm = spacing / (10.0 / design.density.sqrt());
            let look = crate::pigment::look_params(design.look);
            let r = design.dot_mm * 0.5 * look.size * px_per_mm;
            // The default pigment's colour on this skin.
            let shade = crate::pigment::parse_shade(&design.shade).map_err(Error::internal)?;
            let light = crate::pigment::Light::read(
                [196u8, 146, 116].map(crate::color::to_linear),
                None,
                true,
            );
            let ink = light.ink(shade.linear(look.darken));
            let top = crate::render::strand_top(light.local);
            let mut rng = crate::rng::Rng::new(7);
            let mut dots = Vec::with_capacity(count as usize);
            let (cols, rows) = (
                (width as f32 / spacing) as u32,
                (height as f32 / spacing) as u32,
            );
            for j in 0..rows {
                for i in 0..cols {
                    let mut jitter = |amount: f32| (rng.next_f32() - 0.5) * amount;
                    dots.push(crate::render::VisibleDot {
                        x: (i as f32 + 0.5 + jitter(0.6)) * spacing,
                        y: (j as f32 + 0.5 + jitter(0.6)) * spacing,
                        r: r * (1.0 + jitter(0.3)),
                        sx: 1.0,
                        sy: 1.0,
                        strength: 0.67 * (1.0 + jitter(0.3)),
                        soft: 1.0 + jitter(0.4),
                        ink,
                        top,
                    });
                }
            }
            dots.sort_by(|a, b| crate::render::raster_order((a.x, a.y), (b.x, b.y)));
            Ok(CompositeBench {
                photo,
                out,
                dots,
                design,
                scratch: Default::default(),
            })
        }

        /// Photo + all dots into the output, as a full render does.
        pub fn render(&mut self) -> Result<(), Error> {
            let view = Rect {
                x: 0.0,
                y: 0.0,
                w: self.photo.width as f32,
                h: self.photo.height as f32,
            };
            let axes = (Vec2::new(1.0, 0.0), Vec2::new(0.0, -1.0));
            crate::render::render_over(
                &mut self.out,
                &self.photo,
                view,
                axes,
                &self.dots,
                &self.design,
                None,
                &mut self.scratch,
            )
            .map_err(Error::internal)
        }

        /// The dots as `[x, y, r, strength, …]` (for the Canvas2D baseline).
        pub fn dots(&self) -> Vec<f32> {
            self.dots
                .iter()
                .flat_map(|d| [d.x, d.y, d.r, d.strength.min(1.0)])
                .collect()
        }

        /// Put the photo (without dots; the Canvas2D baseline draws on it)
        /// into a 2D context.
        #[wasm_bindgen(js_name = presentPhoto)]
        pub fn present_photo(&self, ctx: &JsValue) -> Result<(), Error> {
            put(ctx, &self.photo, 0.0, 0.0, None)
        }
    }
}
