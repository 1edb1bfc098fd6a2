//! wasm-bindgen tests of the binding layer (`hairline_visualizer::wasm::Visualizer`),
//! run in headless Chromium by `make test-wasm`. They drive the class the way
//! the element does: pixels go in as a typed array, frames come out into a
//! canvas context (read back with getImageData), results come back as JS
//! objects and errors as JS `Error`s with a code, params and a readable
//! message.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use hairline_visualizer::error::Error;
use hairline_visualizer::wasm::Visualizer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{OffscreenCanvas, OffscreenCanvasRenderingContext2d};

const W: u32 = 300;
const H: u32 = 400;
const BACKDROP: [u8; 4] = [70, 110, 170, 255];
const SKIN: [u8; 4] = [205, 160, 130, 255];
/// Visitor pupils used by most tests (image px); 50 px apart.
const LEFT: (f32, f32) = (125.0, 200.0);
const RIGHT: (f32, f32) = (175.0, 200.0);

/// A blue backdrop with a skin-coloured head (ellipse), RGBA.
fn head_pixels() -> Vec<u8> {
    let mut data = Vec::with_capacity((W * H * 4) as usize);
    for y in 0..H {
        for x in 0..W {
            data.extend_from_slice(if in_head(x, y) { &SKIN } else { &BACKDROP });
        }
    }
    data
}

fn in_head(x: u32, y: u32) -> bool {
    let (cx, cy, rx, ry) = (
        W as f32 * 0.5,
        H as f32 * 0.45,
        W as f32 * 0.3,
        H as f32 * 0.4,
    );
    let (dx, dy) = ((x as f32 - cx) / rx, (y as f32 - cy) / ry);
    dx * dx + dy * dy < 1.0
}

/// The message of a core error as JS sees it: the binding turns every
/// error into a JS `Error` with a string `code` and an object `params`.
fn message(e: Error) -> String {
    let code = e.code();
    let v = JsValue::from(e);
    let err: js_sys::Error = v
        .dyn_into()
        .expect("the binding layer throws JS Error objects");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some(code));
    assert!(get(&err, "params").is_object(), "params is an object");
    String::from(err.message())
}

fn ok<T>(r: Result<T, Error>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("unexpected error: {}", message(e)),
    }
}

fn err<T>(r: Result<T, Error>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => message(e),
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).expect("Reflect.get")
}

fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

fn design(vis: &Visualizer) -> serde_json::Value {
    serde_json::from_str(&vis.design_json()).expect("designJson is JSON")
}

/// RGBA bytes as the typed array the element hands over.
fn typed(data: &[u8]) -> js_sys::Uint8ClampedArray {
    js_sys::Uint8ClampedArray::from(data)
}

/// Stage and commit the synthetic head; returns commitPhoto's result.
fn stage_head(vis: &mut Visualizer) -> JsValue {
    ok(vis.stage_photo(W, H, &typed(&head_pixels())));
    ok(vis.commit_photo())
}

/// What `present` puts into a `w`×`h` offscreen canvas, read back.
fn presented(w: u32, h: u32, present: impl FnOnce(&JsValue) -> Result<(), Error>) -> Vec<u8> {
    let canvas = OffscreenCanvas::new(w, h).expect("an OffscreenCanvas");
    let ctx = canvas
        .get_context("2d")
        .expect("getContext")
        .expect("a 2d context");
    ok(present(&ctx));
    let ctx: OffscreenCanvasRenderingContext2d = ctx.dyn_into().unwrap();
    ctx.get_image_data(0.0, 0.0, w as f64, h as f64)
        .expect("getImageData")
        .data()
        .0
}

/// A session with the head photo and a visitor calibration.
fn loaded() -> Visualizer {
    let mut vis = Visualizer::new();
    stage_head(&mut vis);
    ok(vis.set_calibration(LEFT.0, LEFT.1, RIGHT.0, RIGHT.1, 63.0, "visitor", None));
    vis
}

#[wasm_bindgen_test]
fn stage_and_commit_photo_estimate_a_calibration() {
    let mut vis = Visualizer::new();
    // Nothing to calibrate or draw before a photo.
    assert!(ok(vis.calibration()).is_undefined());
    assert!(vis.control_points().is_empty());
    assert!(vis.hairline_path().is_empty());

    let cal = stage_head(&mut vis);
    assert_eq!(
        get(&cal, "source").as_string().as_deref(),
        Some("estimated")
    );
    assert_eq!(num(&cal, "ipdMm"), 63.0);
    let l = get(&cal, "leftPupil");
    let r = get(&cal, "rightPupil");
    for p in [&l, &r] {
        let (x, y) = (num(p, "x"), num(p, "y"));
        assert!(
            x > 0.0 && x < W as f64 && y > 0.0 && y < H as f64,
            "pupil ({x}, {y}) outside the photo"
        );
    }
    assert!(
        num(&l, "x") < num(&r, "x"),
        "left pupil is on the image's left"
    );
    // calibration() reports what commitPhoto returned.
    let now = ok(vis.calibration());
    assert_eq!(
        get(&now, "source").as_string().as_deref(),
        Some("estimated")
    );
    assert_eq!(num(&get(&now, "leftPupil"), "x"), num(&l, "x"));
    assert_eq!(num(&get(&now, "rightPupil"), "y"), num(&r, "y"));
    // Skin was found: a Fitzpatrick shade is suggested.
    let shade = vis
        .suggested_shade()
        .expect("a shade for the skin-coloured head");
    assert!(
        ["I", "II", "III", "IV", "V", "VI"].contains(&shade.as_str()),
        "{shade}"
    );
    // The frame follows the calibration: 63 mm between the pupils.
    let f = ok(vis.frame());
    let ipd_px = num(&r, "x") - num(&l, "x");
    assert!((num(&f, "pxPerMm") - ipd_px / 63.0).abs() < 1e-3);
}

#[wasm_bindgen_test]
fn bad_photos_are_refused_and_keep_the_previous_one() {
    let mut vis = loaded();
    let msg = err(vis.stage_photo(0, 10, &typed(&[])));
    assert!(msg.contains("empty"), "{msg}");
    // The size is checked before the pixels are looked at.
    let big = js_sys::Uint8ClampedArray::new_with_length(0);
    let msg = err(vis.stage_photo(10_000, 10_000, &big));
    assert!(
        msg.contains("400000000 bytes") && msg.contains("got 0"),
        "{msg}"
    );
    let msg = err(vis.stage_photo(10, 10, &typed(&[0; 399])));
    assert!(
        msg.contains("400 bytes") && msg.contains("got 399"),
        "{msg}"
    );
    let msg = err(vis.commit_photo());
    assert!(msg.contains("no photo was staged"), "{msg}");
    ok(vis.stage_photo(10, 10, &typed(&[0; 400])));
    let msg = err(vis.commit_photo());
    assert!(msg.contains("10×10") && msg.contains("200 pixels"), "{msg}");
    // The head photo and the visitor calibration are still in place.
    let cal = ok(vis.calibration());
    assert_eq!(get(&cal, "source").as_string().as_deref(), Some("visitor"));
    let s = ok(vis.render_full());
    assert_eq!((num(&s, "width"), num(&s, "height")), (W as f64, H as f64));
    vis.release_full();
}

#[wasm_bindgen_test]
fn set_design_rejects_bad_input_with_the_problem_and_changes_nothing() {
    let mut vis = loaded();
    let before = vis.design_json();

    let msg = err(vis.set_design("{not json"));
    assert!(msg.contains("not valid JSON"), "{msg}");
    let msg = err(vis.set_design("[1, 2]"));
    assert!(msg.contains("must be a JSON object"), "{msg}");
    let msg = err(vis.set_design(r#"{"version": 2}"#));
    assert!(
        msg.contains("version 2") && msg.contains("not supported"),
        "{msg}"
    );

    let mut d = design(&vis);
    d["density"] = 999.into();
    let msg = err(vis.set_design(&d.to_string()));
    assert!(msg.contains("density") && msg.contains("999"), "{msg}");

    let mut d = design(&vis);
    d["colour"] = "red".into();
    let msg = err(vis.set_design(&d.to_string()));
    assert!(
        msg.contains("unknown field") && msg.contains("colour"),
        "{msg}"
    );

    let mut d = design(&vis);
    d["shade"] = "purple".into();
    let msg = err(vis.set_design(&d.to_string()));
    assert!(msg.contains("purple"), "{msg}");

    assert_eq!(vis.design_json(), before);

    // A valid design is applied as given and round-trips.
    let mut d = design(&vis);
    d["density"] = serde_json::json!(30.0);
    d["height_mm"] = serde_json::json!(95.0);
    d["look"] = "fresh".into();
    ok(vis.set_design(&d.to_string()));
    let now = design(&vis);
    assert_eq!(now["density"], 30.0);
    assert_eq!(now["height_mm"], 95.0);
    assert_eq!(now["look"], "fresh");
    assert_eq!(now, d);
}

#[wasm_bindgen_test]
fn with_style_returns_the_preset_and_rejects_unknown_styles() {
    let vis = loaded();
    let d: serde_json::Value = serde_json::from_str(&ok(vis.with_style("defined"))).unwrap();
    assert_eq!(d["style"], "defined");
    assert_eq!(d["feather_mm"], 1.5);
    assert_eq!(d["recession_mm"], 10.0);
    assert_eq!(d["height_mm"], 80.0);
    // It is only a proposal: the session's design is unchanged.
    assert_eq!(design(&vis)["style"], "natural");
    let msg = err(vis.with_style("mohawk"));
    assert!(
        msg.contains("unknown hairline style") && msg.contains("mohawk"),
        "{msg}"
    );
}

#[wasm_bindgen_test]
fn render_preview_after_set_view_draws_dots_on_the_scalp_only() {
    let mut vis = Visualizer::new();
    let msg = err(vis.render_preview());
    assert!(msg.contains("load a photo first"), "{msg}");
    stage_head(&mut vis);
    ok(vis.set_calibration(LEFT.0, LEFT.1, RIGHT.0, RIGHT.1, 63.0, "visitor", None));
    let msg = err(vis.render_preview());
    assert!(msg.contains("no size yet"), "{msg}");
    let msg = err(vis.set_view(0.0, 0.0, 0.0, 10.0, 10, 10));
    assert!(msg.contains("positive size"), "{msg}");
    let msg = err(vis.set_view(0.0, 0.0, 300.0, 400.0, 0, 200));
    assert!(msg.contains("0×200"), "{msg}");

    ok(vis.set_view(0.0, 0.0, W as f32, H as f32, 150, 200));
    let s = ok(vis.render_preview());
    assert_eq!(num(&s, "width"), 150.0);
    assert_eq!(num(&s, "height"), 200.0);
    let dots = num(&s, "dots");
    assert!(dots > 500.0, "only {dots} dots");

    let preview = presented(150, 200, |ctx| vis.present_preview(ctx, 0.0, 0.0));
    let base = presented(150, 200, |ctx| vis.present_base(ctx, 0.0, 0.0, None));
    let mut darker = 0;
    for (i, (p, b)) in preview.chunks(4).zip(base.chunks(4)).enumerate() {
        assert!(
            p[0] <= b[0] && p[1] <= b[1] && p[2] <= b[2],
            "pixel {i} got brighter"
        );
        if p != b {
            darker += 1;
        }
    }
    assert!(darker > 200, "only {darker} preview pixels darkened");

    // Lower density: fewer dots.
    let mut d = design(&vis);
    d["density"] = 20.into();
    ok(vis.set_design(&d.to_string()));
    let fewer = num(&ok(vis.render_preview()), "dots");
    assert!(
        fewer > 0.0 && fewer < dots * 0.5,
        "{fewer} dots at density 20 vs {dots} at 70"
    );
}

#[wasm_bindgen_test]
fn control_points_and_move_point() {
    let mut vis = Visualizer::new();
    let msg = err(vis.move_point(3, 150.0, 50.0));
    assert!(msg.contains("load a photo first"), "{msg}");
    stage_head(&mut vis);
    ok(vis.set_calibration(LEFT.0, LEFT.1, RIGHT.0, RIGHT.1, 63.0, "visitor", None));

    let pts = vis.control_points();
    assert_eq!(pts.len(), 14);
    assert!(pts.iter().all(|v| v.is_finite()));
    // Left temporal → right temporal, all above the pupils; symmetric about
    // the pupils' midline (x = 150) by default.
    for i in 0..6 {
        assert!(
            pts[i * 2] < pts[i * 2 + 2],
            "points are ordered left to right"
        );
    }
    for i in 0..7 {
        assert!(pts[i * 2 + 1] < LEFT.1, "point {i} is above the pupils");
        let mirror = 6 - i;
        assert!(
            (pts[i * 2] - 150.0 + pts[mirror * 2] - 150.0).abs() < 0.5,
            "point {i} mirrors {mirror}"
        );
    }
    assert!(vis.hairline_path().len() >= 14);

    for i in [7usize, 99] {
        let msg = err(vis.move_point(i, 150.0, 50.0));
        assert!(msg.contains(&format!("no control point {i}")), "{msg}");
    }
    assert_eq!(vis.control_points(), pts);

    // Raising the mid-frontal point raises the hairline height.
    let h0 = design(&vis)["height_mm"].as_f64().unwrap();
    ok(vis.move_point(3, pts[6], pts[7] - 8.0));
    let h1 = design(&vis)["height_mm"].as_f64().unwrap();
    assert!(h1 > h0 + 5.0, "height {h0} -> {h1}");
    let moved = vis.control_points();
    assert!(
        (moved[7] - (pts[7] - 8.0)).abs() < 0.5,
        "point 3 is where it was put: {} vs {}",
        moved[7],
        pts[7] - 8.0
    );
    // The other points stay put.
    for i in [0usize, 1, 2, 4, 5, 6] {
        assert!(
            (moved[i * 2 + 1] - pts[i * 2 + 1]).abs() < 0.5,
            "point {i} moved"
        );
    }
}

#[wasm_bindgen_test]
fn render_full_present_full_release_full() {
    let mut vis = loaded();
    let msg = err(vis.present_full(&JsValue::NULL));
    assert!(msg.contains("nothing has been rendered"), "{msg}");

    let s = ok(vis.render_full());
    assert_eq!(num(&s, "width"), W as f64);
    assert_eq!(num(&s, "height"), H as f64);
    assert!(num(&s, "dots") > 500.0);

    let msg = err(vis.present_full(&JsValue::from_str("not a canvas")));
    assert!(msg.contains("canvas 2D context"), "{msg}");
    let out = presented(W, H, |ctx| vis.present_full(ctx));
    let photo = head_pixels();
    // The photo itself comes out unchanged.
    assert_eq!(presented(W, H, |ctx| vis.present_photo(ctx)), photo);
    let mut darker = 0;
    for y in 0..H {
        for x in 0..W {
            let i = ((y * W + x) * 4) as usize;
            let (a, b) = (&photo[i..i + 4], &out[i..i + 4]);
            assert!(
                b[0] <= a[0] && b[1] <= a[1] && b[2] <= a[2],
                "({x}, {y}) got brighter"
            );
            assert_eq!(b[3], 255);
            if a != b {
                darker += 1;
                assert!((y as f32) < LEFT.1, "darkened ({x}, {y}) below the pupils");
                assert!(in_head(x, y), "darkened ({x}, {y}) on the backdrop");
            }
        }
    }
    assert!(darker > 1000, "only {darker} pixels darkened");

    vis.release_full();
    let msg = err(vis.present_full(&JsValue::NULL));
    assert!(msg.contains("nothing has been rendered"), "{msg}");
}

#[wasm_bindgen_test]
fn set_calibration_validates_and_keeps_the_previous_one() {
    let mut vis = Visualizer::new();
    let msg = err(vis.set_calibration(10.0, 10.0, 60.0, 10.0, 63.0, "visitor", None));
    assert!(msg.contains("load a photo"), "{msg}");
    let mut vis = loaded();

    let msg = err(vis.set_calibration(150.0, 200.0, 150.0, 200.0, 63.0, "visitor", None));
    assert!(msg.contains("0 px apart"), "{msg}");
    let msg = err(vis.set_calibration(125.0, 200.0, 175.0, 200.0, 20.0, "visitor", None));
    assert!(msg.contains("between 40 and 90 mm"), "{msg}");
    let msg = err(vis.set_calibration(-5.0, 200.0, 175.0, 200.0, 63.0, "visitor", None));
    assert!(msg.contains("outside the 300×400 photo"), "{msg}");
    let msg = err(vis.set_calibration(f32::NAN, 200.0, 175.0, 200.0, 63.0, "visitor", None));
    assert!(msg.contains("must be numbers"), "{msg}");

    let c = ok(vis.calibration());
    assert_eq!(get(&c, "source").as_string().as_deref(), Some("visitor"));
    assert_eq!(num(&get(&c, "leftPupil"), "x"), LEFT.0 as f64);
    assert_eq!(num(&get(&c, "rightPupil"), "x"), RIGHT.0 as f64);
    assert_eq!(num(&c, "ipdMm"), 63.0);

    // Taps in either order: the left pupil is the one on the image's left.
    let c = ok(vis.set_calibration(180.0, 205.0, 120.0, 205.0, 60.0, "visitor", None));
    assert_eq!(num(&get(&c, "leftPupil"), "x"), 120.0);
    assert_eq!(num(&get(&c, "rightPupil"), "x"), 180.0);
    assert_eq!(num(&c, "ipdMm"), 60.0);
    assert!((num(&ok(vis.frame()), "pxPerMm") - 1.0).abs() < 1e-4);
}

#[wasm_bindgen_test]
fn strokes_become_design_zones() {
    let mut vis = loaded();
    let msg = err(vis.extend_stroke(150.0, 60.0));
    assert!(msg.contains("no stroke was started"), "{msg}");
    let msg = err(vis.begin_stroke("add", 0.5, 150.0, 60.0));
    assert!(msg.contains("between 1 and 60 mm"), "{msg}");
    assert_eq!(design(&vis)["zones"], serde_json::json!([]));

    ok(vis.set_view(0.0, 0.0, W as f32, H as f32, W, H));
    let before = num(&ok(vis.render_preview()), "dots");
    ok(vis.begin_stroke("erase", 20.0, 150.0, 60.0));
    ok(vis.extend_stroke(150.0, 80.0));
    let d = design(&vis);
    let zones = d["zones"].as_array().unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0]["mode"], "erase");
    assert_eq!(zones[0]["radius_mm"], 20.0);
    assert_eq!(zones[0]["points"].as_array().unwrap().len(), 2);
    let after = num(&ok(vis.render_preview()), "dots");
    assert!(
        after < before,
        "erasing removed no dots ({before} -> {after})"
    );

    ok(vis.begin_stroke("add", 5.0, 150.0, 150.0));
    let d = design(&vis);
    assert_eq!(d["zones"][1]["mode"], "add");
    ok(vis.begin_stroke("scar", 4.0, 150.0, 120.0));
    assert_eq!(design(&vis)["zones"][2]["mode"], "scar");
    let msg = err(vis.begin_stroke("glue", 4.0, 150.0, 120.0));
    assert!(msg.contains("unknown brush"), "{msg}");
    // The zones round-trip through setDesign.
    let mut other = loaded();
    ok(other.set_design(&vis.design_json()));
    assert_eq!(other.design_json(), vis.design_json());
}

#[wasm_bindgen_test]
fn clear_photo_forgets_everything_derived_from_it() {
    let mut vis = loaded();
    ok(vis.set_view(0.0, 0.0, W as f32, H as f32, 150, 200));
    ok(vis.render_preview());
    vis.clear_photo();
    assert!(vis.control_points().is_empty());
    assert!(ok(vis.calibration()).is_undefined());
    let msg = err(vis.render_preview());
    assert!(msg.contains("load a photo first"), "{msg}");
    let msg = err(vis.render_full());
    assert!(msg.contains("load a photo first"), "{msg}");
    // A new photo works again.
    stage_head(&mut vis);
    assert_eq!(vis.control_points().len(), 14);
}

#[wasm_bindgen_test]
fn errors_reach_js_with_their_code_and_params() {
    let mut vis = loaded();
    let mut d = design(&vis);
    d["density"] = 400.into();
    let e = vis.set_design(&d.to_string()).unwrap_err();
    let js: js_sys::Error = JsValue::from(e).dyn_into().unwrap();
    assert_eq!(String::from(js.name()), "CoreError");
    assert_eq!(
        get(&js, "code").as_string().as_deref(),
        Some("out-of-range")
    );
    let params = get(&js, "params");
    assert_eq!(
        get(&params, "field").as_string().as_deref(),
        Some("density")
    );
    assert_eq!(num(&params, "min"), 10.0);
    assert_eq!(num(&params, "max"), 150.0);
    assert_eq!(num(&params, "got"), 400.0);
    assert_eq!(
        String::from(js.message()),
        "density (density) must be between 10 and 150 dots/cm²; got 400"
    );
    // f32 values keep their decimal form (0.2, not 0.20000000298…).
    let mut d = design(&vis);
    d["dot_mm"] = serde_json::json!(0.2);
    let js: js_sys::Error = JsValue::from(vis.set_design(&d.to_string()).unwrap_err())
        .dyn_into()
        .unwrap();
    assert_eq!(num(&get(&js, "params"), "got"), 0.2);
    assert_eq!(num(&get(&js, "params"), "min"), 0.3);
    // A failure without values still has an (empty) params object.
    let mut empty = Visualizer::new();
    let js: js_sys::Error = JsValue::from(empty.render_preview().unwrap_err())
        .dyn_into()
        .unwrap();
    assert_eq!(get(&js, "code").as_string().as_deref(), Some("no-photo"));
    assert!(get(&js, "params").is_object());
}

#[wasm_bindgen_test]
fn a_working_copy_must_fit_the_staged_photo() {
    let mut vis = Visualizer::new();
    let msg = err(vis.stage_working_copy(&typed(&[0; 16])));
    assert!(msg.contains("no photo was staged"), "{msg}");
    // A small photo is its own working copy.
    ok(vis.stage_photo(W, H, &typed(&head_pixels())));
    let (ww, wh) = {
        let s = Visualizer::working_size(W, H);
        (s[0], s[1])
    };
    assert_eq!((ww, wh), (W, H));
    let msg = err(vis.stage_working_copy(&typed(&head_pixels())));
    assert!(msg.contains("its own working copy"), "{msg}");
    // A large one takes a copy of exactly the working size.
    let (bw, bh) = (1400, 1000);
    ok(vis.stage_photo(bw, bh, &typed(&vec![128; (bw * bh * 4) as usize])));
    let s = Visualizer::working_size(bw, bh);
    assert!(s[0] < bw && s[1] < bh, "{s:?}");
    let msg = err(vis.stage_working_copy(&typed(&[0; 400])));
    assert!(msg.contains("got 400"), "{msg}");
    ok(vis.stage_working_copy(&typed(&vec![128; (s[0] * s[1] * 4) as usize])));
    ok(vis.commit_photo());
    assert!(hairline_visualizer::wasm::memory_bytes() > (bw * bh * 4) as f64);
}

#[wasm_bindgen_test]
fn limits_and_defaults_come_from_the_core() {
    let l = ok(hairline_visualizer::wasm::limits());
    let range = |k: &str| get(&l, k);
    assert_eq!(num(&range("heightMm"), "min"), 50.0);
    assert_eq!(num(&range("heightMm"), "max"), 120.0);
    assert_eq!(num(&range("density"), "max"), 150.0);
    assert_eq!(num(&range("dotMm"), "step"), 0.05);
    assert_eq!(num(&range("brushMm"), "min"), 2.0);
    assert_eq!(num(&range("ipdControlMm"), "step"), 0.5);
    assert_eq!(num(&l, "maxDesignBytes"), 4_000_000.0);
    assert_eq!(num(&l, "minPhotoSide"), 200.0);
    let d = ok(hairline_visualizer::wasm::defaults());
    assert_eq!(num(&d, "ipdMm"), 63.0);
    assert_eq!(num(&d, "brushMm"), 8.0);
    let design = get(&d, "design");
    assert_eq!(num(&design, "density"), 70.0);
    assert_eq!(num(&design, "dot_mm"), 0.7);
}
