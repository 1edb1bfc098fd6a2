//! The binding layer: the only file that knows wasm-bindgen. It translates
//! JS calls into [`Engine`] calls and errors into `JsError`s; pixel buffers
//! stay in WASM memory and JS reads them through views (pointer + length).

use crate::design::{Design, ZoneMode};
use crate::engine::Engine;
use crate::geom::Vec2;
use crate::image::Rect;
use crate::scale::Source;
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

fn js<E: std::fmt::Display>(e: E) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(v).map_err(js)
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

/// What `Analyst.analyse` found.
#[derive(serde::Serialize, Default)]
struct Analysed {
    ok: bool,
    code: Option<&'static str>,
    message: Option<String>,
    /// `LOCATED_LEN` numbers for `Visualizer.placeLocated`.
    face: Option<Vec<f32>>,
}

fn rgba(data: &[u8], width: u32, height: u32) -> Result<crate::image::Image, JsError> {
    crate::image::Image::from_rgba(width, height, data.to_vec()).map_err(js)
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
    ) -> Result<Analyst, JsError> {
        Ok(Analyst {
            models: crate::analyse::Models::load(
                detector_manifest,
                detector_weights,
                landmarks_manifest,
                landmarks_weights,
                person_tflite,
            )
            .map_err(js)?,
            segmentation: None,
        })
    }

    /// Run every net once on small inputs (idle time).
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up(&self) {
        self.models.warm_up();
    }

    /// The face and segmentation of a working copy (`width`×`height` RGBA,
    /// `step` photo pixels per pixel): `{ok: true, face}` (then
    /// `takeSegmentation()` holds the segmentation) or `{ok: false, code,
    /// message}` with the face codes of `autoPlace`.
    pub fn analyse(
        &mut self,
        data: &[u8],
        width: u32,
        height: u32,
        step: f32,
        ipd_mm: f32,
    ) -> Result<JsValue, JsError> {
        self.segmentation = None;
        let work = rgba(data, width, height)?;
        let found = self.models.analyse(&work, step, ipd_mm).map_err(js)?;
        self.segmentation = found.segmentation.map(|s| s.to_bytes());
        to_js(&match found.face {
            Ok(at) => {
                let mut face = vec![at.face.x, at.face.y, at.face.width, at.face.height];
                face.push(at.face.score);
                face.extend(at.landmarks.iter().flatten());
                Analysed {
                    ok: true,
                    face: Some(face),
                    ..Analysed::default()
                }
            }
            Err(e) => {
                let e = crate::engine::AutoPlaceError::Face(e);
                Analysed {
                    code: Some(e.code()),
                    message: Some(e.to_string()),
                    ..Analysed::default()
                }
            }
        })
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
    ) -> Result<(), JsError> {
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
        )
        .map_err(js)?;
        let s = self.models.segment(&work, step, &c).map_err(js)?;
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

/// What `autoPlace` found: either a calibration or why not.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct AutoPlaced {
    ok: bool,
    code: Option<&'static str>,
    message: Option<String>,
    left_pupil: Option<Vec2>,
    right_pupil: Option<Vec2>,
    glabella: Option<Vec2>,
    roll: Option<f32>,
    px_per_mm: Option<f32>,
    confidence: Option<f32>,
    landmarks: Option<Vec<[f32; 2]>>,
}

impl AutoPlaced {
    fn failed(e: &crate::engine::AutoPlaceError) -> AutoPlaced {
        AutoPlaced {
            code: Some(e.code()),
            message: Some(e.to_string()),
            ..AutoPlaced::default()
        }
    }
}

/// One visualizer session (one per element).
#[wasm_bindgen]
pub struct Visualizer {
    engine: Engine,
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
        }
    }

    /// Reserve the next photo's pixel buffer in WASM memory and return its
    /// address; JS copies the decoded RGBA there once, then calls
    /// `commitPhoto`.
    #[wasm_bindgen(js_name = stagePhoto)]
    pub fn stage_photo(&mut self, width: u32, height: u32) -> Result<u32, JsError> {
        let buf = self.engine.stage_photo(width, height).map_err(js)?;
        Ok(buf.as_mut_ptr() as u32)
    }

    /// Reserve the staged photo's working copy (see `workingSize`) and
    /// return its address; optional (the core makes one otherwise).
    #[wasm_bindgen(js_name = stageWorkingCopy)]
    pub fn stage_working_copy(&mut self) -> Result<u32, JsError> {
        let buf = self.engine.stage_working_copy().map_err(js)?;
        Ok(buf.as_mut_ptr() as u32)
    }

    /// `[width, height]` of the working copy of a `width`×`height` photo
    /// (the photo's own size when it is small enough already).
    #[wasm_bindgen(js_name = workingSize)]
    pub fn working_size(width: u32, height: u32) -> Vec<u32> {
        let (w, h, _) = crate::scalp::ScalpMask::working_size(width, height);
        vec![w, h]
    }

    /// Place the dots for the current photo and design ahead of the next
    /// render (which would otherwise do it).
    #[wasm_bindgen(js_name = prepareDots)]
    pub fn prepare_dots(&mut self) -> Result<(), JsError> {
        self.engine.prepare_dots().map_err(js)
    }

    /// Take a small synthetic portrait through the whole pipeline once, in
    /// an engine of its own, so the WebAssembly engine optimises that code
    /// before the visitor's photo (see `Engine::warm_up`).
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up() -> Result<(), JsError> {
        Engine::warm_up().map(|_| ()).map_err(js)
    }

    /// Make the staged pixels the photo; returns the estimated calibration.
    #[wasm_bindgen(js_name = commitPhoto)]
    pub fn commit_photo(&mut self) -> Result<JsValue, JsError> {
        let c = self.engine.commit_photo().map_err(js)?;
        to_js(&c)
    }

    #[wasm_bindgen(js_name = clearPhoto)]
    pub fn clear_photo(&mut self) {
        self.engine.clear_photo();
    }

    /// Validate and apply a design given as JSON text.
    #[wasm_bindgen(js_name = setDesign)]
    pub fn set_design(&mut self, json: &str) -> Result<(), JsError> {
        let d = Design::from_json(json).map_err(js)?;
        self.engine.set_design(d).map_err(js)
    }

    #[wasm_bindgen(js_name = designJson)]
    pub fn design_json(&self) -> String {
        self.engine.design().to_json()
    }

    /// A preset's design, keeping the current density, dots, shade, look,
    /// seed and zones.
    #[wasm_bindgen(js_name = withStyle)]
    pub fn with_style(&self, style: &str) -> Result<String, JsError> {
        let s = serde_json::from_value(serde_json::Value::String(style.into()))
            .map_err(|_| js(format!("unknown hairline style \"{style}\"")))?;
        Ok(self.engine.design().with_style(s).to_json())
    }

    /// A Fitzpatrick shade ("I"…"VI") suggested by the forehead's skin tone.
    #[wasm_bindgen(js_name = suggestedShade)]
    pub fn suggested_shade(&self) -> Option<String> {
        self.engine.suggested_shade().map(String::from)
    }

    #[wasm_bindgen(js_name = setCalibration)]
    pub fn set_calibration(
        &mut self,
        lx: f32,
        ly: f32,
        rx: f32,
        ry: f32,
        ipd_mm: f32,
        source: &str,
    ) -> Result<JsValue, JsError> {
        let source = match source {
            "detected" => Source::Detected,
            "estimated" => Source::Estimated,
            _ => Source::Visitor,
        };
        let c = self
            .engine
            .set_calibration(Vec2::new(lx, ly), Vec2::new(rx, ry), ipd_mm, source)
            .map_err(js)?;
        to_js(&c)
    }

    pub fn calibration(&self) -> Result<JsValue, JsError> {
        to_js(&self.engine.calibration())
    }

    /// Pixels per millimetre, head roll (radians) and glabella (image px).
    pub fn frame(&self) -> Result<JsValue, JsError> {
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

    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: u32,
        height: u32,
    ) -> Result<(), JsError> {
        self.engine
            .set_view(Rect { x, y, w, h }, width, height)
            .map_err(js)
    }

    /// Render the preview; returns `{width, height, dots}`.
    #[wasm_bindgen(js_name = renderPreview)]
    pub fn render_preview(&mut self) -> Result<JsValue, JsError> {
        let s = self.engine.render_preview().map_err(js)?;
        to_js(&s)
    }

    #[wasm_bindgen(js_name = previewPtr)]
    pub fn preview_ptr(&self) -> u32 {
        self.engine.preview().data.as_ptr() as u32
    }

    #[wasm_bindgen(js_name = basePtr)]
    pub fn base_ptr(&self) -> u32 {
        self.engine.preview_base().data.as_ptr() as u32
    }

    /// Render at full resolution; returns `{width, height, dots}`.
    #[wasm_bindgen(js_name = renderFull)]
    pub fn render_full(&mut self) -> Result<JsValue, JsError> {
        let s = self.engine.render_full().map_err(js)?;
        to_js(&s)
    }

    #[wasm_bindgen(js_name = fullPtr)]
    pub fn full_ptr(&self) -> Result<u32, JsError> {
        let im = self
            .engine
            .full()
            .ok_or_else(|| js("nothing has been rendered at full size"))?;
        Ok(im.data.as_ptr() as u32)
    }

    #[wasm_bindgen(js_name = releaseFull)]
    pub fn release_full(&mut self) {
        self.engine.release_full();
    }

    /// The visible dots in image pixels: `[x, y, radius, strength, …]`
    /// (radius is the mean of the foreshortened axes).
    #[wasm_bindgen(js_name = visibleDots)]
    pub fn visible_dots(&mut self) -> Result<Vec<f32>, JsError> {
        let dots = self.engine.visible_dots().map_err(js)?;
        Ok(dots
            .iter()
            .flat_map(|d| [d.x, d.y, d.r * (d.sx * d.sy).sqrt(), d.strength])
            .collect())
    }

    /// Hand over the dot field for `seed` made by `dotField` in a worker.
    #[wasm_bindgen(js_name = setField)]
    pub fn set_field(&mut self, seed: u32, data: &[f32]) -> Result<(), JsError> {
        let field = crate::scatter::DotField::from_flat(seed, data).map_err(js)?;
        self.engine.set_field(field);
        Ok(())
    }

    /// Whether the dot field for the design's seed is ready.
    #[wasm_bindgen(js_name = hasField)]
    pub fn has_field(&self) -> bool {
        self.engine.has_field()
    }

    /// Placement warnings for the current design: `[{code, value_mm}]`.
    pub fn guardrails(&self) -> Result<JsValue, JsError> {
        to_js(&crate::hairline::guardrails(self.engine.design()))
    }

    /// The face's thirds `{upper_mm, middle_mm, lower_mm, balance}` for the
    /// current design, or `null` until a face was found.
    pub fn thirds(&self) -> Result<JsValue, JsError> {
        to_js(&self.engine.thirds())
    }
}

#[wasm_bindgen]
impl Visualizer {
    /// The photo's working copy for the model worker: `{width, height,
    /// step, data}` (a copy of its RGBA pixels, at most 640 px a side).
    #[wasm_bindgen(js_name = workingCopy)]
    pub fn working_copy(&self) -> Result<JsValue, JsError> {
        #[derive(serde::Serialize)]
        struct Copy {
            width: u32,
            height: u32,
            step: f32,
        }
        let (im, step) = self
            .engine
            .working_copy()
            .ok_or_else(|| js("load a photo first"))?;
        let out = to_js(&Copy {
            width: im.width,
            height: im.height,
            step,
        })?;
        let data = js_sys::Uint8Array::from(im.data.as_slice());
        js_sys::Reflect::set(&out, &JsValue::from_str("data"), &data)
            .map_err(|_| js("could not hand out the working copy"))?;
        Ok(out)
    }

    /// Place a face the model worker located (`Analyst.analyse`'s `face`):
    /// returns what `autoPlace` returns.
    #[wasm_bindgen(js_name = placeLocated)]
    pub fn place_located(&mut self, face: &[f32]) -> Result<JsValue, JsError> {
        if face.len() != LOCATED_LEN {
            return Err(js(format!(
                "a located face is {LOCATED_LEN} numbers; got {}",
                face.len()
            )));
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
        let placed = self.engine.place_located(&at);
        self.placed(placed)
    }

    /// Use the model worker's segmentation (`Analyst.takeSegmentation()`)
    /// for the current photo: dots then keep to its scalp.
    #[wasm_bindgen(js_name = setSegmentation)]
    pub fn set_segmentation(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        let s = crate::segment::hair::Segmentation::from_bytes(bytes).map_err(js)?;
        self.engine.set_segmentation(s.into()).map_err(js)
    }
}

impl Visualizer {
    /// What `autoPlace` reports for a face placed (or not).
    fn placed(
        &mut self,
        placed: Result<crate::face::Detection, crate::engine::AutoPlaceError>,
    ) -> Result<JsValue, JsError> {
        to_js(&match placed {
            Ok(det) => {
                let frame = self
                    .engine
                    .frame()
                    .ok_or_else(|| js("no calibration after detection"))?;
                let v = |p: [f32; 2]| Vec2::new(p[0], p[1]);
                AutoPlaced {
                    ok: true,
                    left_pupil: Some(v(det.irises[0])),
                    right_pupil: Some(v(det.irises[1])),
                    glabella: Some(frame.glabella),
                    roll: Some(frame.roll),
                    px_per_mm: Some(frame.px_per_mm),
                    confidence: Some(det.confidence),
                    landmarks: Some(det.landmarks.to_vec()),
                    ..AutoPlaced::default()
                }
            }
            Err(e) => AutoPlaced::failed(&e),
        })
    }
}

#[wasm_bindgen]
impl Visualizer {
    /// Panic on purpose: lets the browser tests prove that a panic becomes
    /// an `error` event and a recovered widget, not a dead one.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = testPanic)]
    pub fn test_panic(&mut self) {
        panic!("test panic requested");
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
    pub fn move_point(&mut self, index: usize, x: f32, y: f32) -> Result<(), JsError> {
        self.engine.move_point(index, Vec2::new(x, y)).map_err(js)
    }

    /// Move control point `index` by (`dx_mm`, `dy_mm`) on the head: right
    /// and up the face.
    #[wasm_bindgen(js_name = nudgePoint)]
    pub fn nudge_point(&mut self, index: usize, dx_mm: f32, dy_mm: f32) -> Result<(), JsError> {
        self.engine
            .nudge_point(index, Vec2::new(dx_mm, dy_mm))
            .map_err(js)
    }

    /// Start a brush stroke: `mode` is "add", "erase" or "scar".
    #[wasm_bindgen(js_name = beginStroke)]
    pub fn begin_stroke(
        &mut self,
        mode: &str,
        radius_mm: f32,
        x: f32,
        y: f32,
    ) -> Result<(), JsError> {
        let mode = match mode {
            "add" => ZoneMode::Add,
            "erase" => ZoneMode::Erase,
            "scar" => ZoneMode::Scar,
            other => {
                return Err(js(format!(
                    "unknown brush \"{}\" (add, erase or scar)",
                    other.chars().take(20).collect::<String>()
                )))
            }
        };
        self.engine
            .begin_stroke(mode, radius_mm, Vec2::new(x, y))
            .map_err(js)
    }

    #[wasm_bindgen(js_name = extendStroke)]
    pub fn extend_stroke(&mut self, x: f32, y: f32) -> Result<(), JsError> {
        self.engine.extend_stroke(Vec2::new(x, y)).map_err(js)
    }
}

/// The dot field for `seed` as flat numbers (see `Visualizer.setField`):
/// generated in a worker, so the page never waits on it.
#[wasm_bindgen(js_name = dotField)]
pub fn dot_field(seed: u32) -> Vec<f32> {
    crate::scatter::DotField::generate(seed).to_flat()
}

/// Two buffers for the benchmark's floor: one full-image copy inside WASM.
#[wasm_bindgen]
pub struct CopyBench {
    from: Vec<u8>,
    to: Vec<u8>,
}

#[wasm_bindgen]
impl CopyBench {
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: usize) -> Result<CopyBench, JsError> {
        let mut from = Vec::new();
        let mut to = Vec::new();
        from.try_reserve_exact(bytes).map_err(js)?;
        to.try_reserve_exact(bytes).map_err(js)?;
        from.resize(bytes, 7);
        to.resize(bytes, 0);
        Ok(CopyBench { from, to })
    }

    /// Copy the whole buffer once, with the renderer's copy.
    pub fn copy(&mut self) {
        crate::image::copy_pixels(&mut self.to, &self.from);
    }

    /// Address of the copied buffer (for `putImageData`).
    pub fn ptr(&self) -> u32 {
        self.to.as_ptr() as u32
    }
}

/// The benchmark's compositor stress test: a 12 MP scalp close-up with
/// ~100,000 dots (more than a frontal photo ever shows), drawn by the same
/// band compositor as every render. Dots sit on a jittered grid at the
/// design's default density (70 dots/cm²) and healed dot size; sizes and
/// darkness vary ±15 % as in the field.
#[wasm_bindgen]
pub struct CompositeBench {
    photo: crate::image::Image,
    out: crate::image::Image,
    dots: Vec<crate::render::VisibleDot>,
    design: Design,
    scratch: crate::render::Scratch,
}

#[wasm_bindgen]
impl CompositeBench {
    #[wasm_bindgen(constructor)]
    pub fn new(width: u32, height: u32, count: u32) -> Result<CompositeBench, JsError> {
        use crate::image::Image;
        let mut photo = Image::new(width, height, [196, 146, 116, 255]).map_err(js)?;
        let out = Image::new(width, height, [0, 0, 0, 255]).map_err(js)?;
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
        // Grid spacing for `count` dots over the image; at 70 dots/cm² that
        // spacing is 1.195 mm, which sets the scale and the dot size.
        let spacing = ((width as f32 * height as f32) / count.max(1) as f32).sqrt();
        let px_per_mm = spacing / (10.0 / design.density.sqrt());
        let look = crate::pigment::look_params(design.look);
        let r = design.dot_mm * 0.5 * look.size * px_per_mm;
        // The default pigment's colour on this skin.
        let ink =
            crate::pigment::Light::read([196u8, 146, 116].map(crate::color::to_linear), None, true)
                .ink(
                    crate::pigment::parse_shade(&design.shade)
                        .map_err(js)?
                        .linear(look.darken),
                );
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
    pub fn render(&mut self) -> Result<(), JsError> {
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
        .map_err(js)
    }

    /// The dots as `[x, y, r, strength, …]` (for the Canvas2D baseline).
    pub fn dots(&self) -> Vec<f32> {
        self.dots
            .iter()
            .flat_map(|d| [d.x, d.y, d.r, d.strength.min(1.0)])
            .collect()
    }

    /// Address of the photo's pixels (the Canvas2D baseline draws on them).
    #[wasm_bindgen(js_name = photoPtr)]
    pub fn photo_ptr(&self) -> u32 {
        self.photo.data.as_ptr() as u32
    }
}
