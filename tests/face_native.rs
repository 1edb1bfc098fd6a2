//! The native face detector (src/face/) against the reference
//! implementation, @vladmandic/face-api 1.7.15 in Chromium.
//!
//! Needs `node_modules/@vladmandic/face-api/model/` (from `npm ci`) for the
//! weights; the photo test also needs `target/face-fixtures/*.rgba`, the
//! photos' pixels as the browser decoded them, written by
//! `node tests/face/oracle.mjs` (which also rewrites the committed
//! `tests/face/reference.json`). Missing inputs skip with a message.
//!
//! The photo test is slow unoptimised; it runs under `cargo test --release`
//! only.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::time::Instant;

use hairline_visualizer::face::{detector, landmarks, FaceError, FaceModels};
use hairline_visualizer::image::Image;
use hairline_visualizer::tensor::{max_pool2x2, Tensor};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn model_dir() -> Option<PathBuf> {
    let d = root().join("node_modules/@vladmandic/face-api/model");
    if d.join("tiny_face_detector_model.bin").exists() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: {} is missing; run `make tools` (npm ci) to get face-api's weights",
            d.display()
        );
        None
    }
}

fn read(dir: &Path, name: &str) -> (String, Vec<u8>) {
    let manifest = std::fs::read_to_string(dir.join(format!("{name}-weights_manifest.json")))
        .expect("manifest");
    let bin = std::fs::read(dir.join(format!("{name}.bin"))).expect("weights");
    (manifest, bin)
}

fn models(dir: &Path, landmark_model: &str) -> FaceModels {
    let (dm, db) = read(dir, "tiny_face_detector_model");
    let (lm, lb) = read(dir, landmark_model);
    FaceModels::load(&dm, &db, &lm, &lb).expect("models load")
}

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("tests/face/reference.json"))
        .expect("tests/face/reference.json (run node tests/face/oracle.mjs)");
    serde_json::from_str(&text).expect("reference.json parses")
}

/// Same formula as `make` in tests/face/oracle.mjs, normalised like the
/// nets' inputs.
fn fixed_input(h: usize, w: usize, mean: [f32; 3]) -> Tensor {
    let mut t = Tensor::zeros(h, w, 3);
    for y in 0..h {
        for x in 0..w {
            for (c, m) in mean.iter().enumerate() {
                let v = (x * 37 + y * 91 + c * 53 + ((x * y) % 23) * 11) % 256;
                t.data[(y * w + x) * 3 + c] = (v as f32 - m) / 255.0;
            }
        }
    }
    t
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

/// Max |ours - reference| relative to the reference's scale.
fn assert_close(what: &str, ours: &[f32], reference: &[f32], tol: f32) {
    assert_eq!(ours.len(), reference.len(), "{what}: length");
    let scale = reference.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    let err = ours
        .iter()
        .zip(reference)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    println!(
        "{what}: {} values, max abs error {err:.2e} (scale {scale:.2})",
        ours.len()
    );
    assert!(
        err <= tol * scale,
        "{what}: max error {err} > {tol} × {scale}"
    );
}

fn check_shape(what: &str, t: &Tensor, v: &Value) {
    let s: Vec<usize> = v["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(vec![t.h, t.w, t.c], s, "{what}: shape");
}

#[test]
fn layers_match_reference_on_fixed_inputs() {
    let Some(dir) = model_dir() else { return };
    let r = reference();
    let fixed = &r["fixed"];
    let full = models(&dir, "face_landmark_68_model");
    let det = full.detector();

    let d = &fixed["detector_17"];
    let x = fixed_input(17, 17, detector::MEAN_RGB);
    let c0 = det.conv0(&x);
    check_shape("detector conv0", &c0, &d["conv0"]);
    assert_close(
        "detector conv0",
        &c0.data,
        &floats(&d["conv0"]["data"]),
        1e-5,
    );
    let p0 = max_pool2x2(&c0, 2);
    check_shape("detector pool0", &p0, &d["pool0"]);
    assert_close(
        "detector pool0",
        &p0.data,
        &floats(&d["pool0"]["data"]),
        1e-5,
    );
    let c1 = det.sep(1, &p0);
    check_shape("detector conv1", &c1, &d["conv1"]);
    assert_close(
        "detector conv1",
        &c1.data,
        &floats(&d["conv1"]["data"]),
        1e-5,
    );
    let p1 = max_pool2x2(&c1, 1);
    check_shape("detector pool1/1", &p1, &d["pool1_stride1"]);
    assert_close(
        "detector pool1/1",
        &p1.data,
        &floats(&d["pool1_stride1"]["data"]),
        1e-5,
    );

    let whole = det.forward(&fixed_input(64, 64, detector::MEAN_RGB));
    assert_eq!((whole.h, whole.w, whole.c), (2, 2, 25));
    assert_close(
        "detector 64×64 output",
        &whole.data,
        &floats(&fixed["detector_64"]["data"]),
        1e-4,
    );

    let tiny = models(&dir, "face_landmark_68_tiny_model");
    assert!(!full.tiny_landmarks() && tiny.tiny_landmarks());
    for (key, m) in [("landmarks", &full), ("landmarks_tiny", &tiny)] {
        let net = m.landmark_net();
        let f = &fixed[format!("{key}_15")];
        let x = fixed_input(15, 15, landmarks::MEAN_RGB);
        let c0 = net.first_conv(&x);
        check_shape(key, &c0, &f["conv0"]);
        assert_close(
            &format!("{key} conv0 (stride 2)"),
            &c0.data,
            &floats(&f["conv0"]["data"]),
            1e-5,
        );
        let s2 = net.dense0_conv1_stride2(&c0);
        check_shape(key, &s2, &f["sep_stride2"]);
        assert_close(
            &format!("{key} separable stride 2"),
            &s2.data,
            &floats(&f["sep_stride2"]["data"]),
            1e-5,
        );
        let out = net.forward(&fixed_input(112, 112, landmarks::MEAN_RGB));
        assert_close(
            &format!("{key} 112×112 output"),
            &out,
            &floats(&fixed[format!("{key}_112")]["data"]),
            1e-4,
        );
    }
}

fn pupils(lm: &[[f32; 2]]) -> ([f32; 2], [f32; 2]) {
    let mean = |r: std::ops::Range<usize>| {
        let n = r.len() as f32;
        let (x, y) = lm[r]
            .iter()
            .fold((0.0, 0.0), |a, p| (a.0 + p[0], a.1 + p[1]));
        [x / n, y / n]
    };
    let (a, b) = (mean(36..42), mean(42..48));
    if a[0] <= b[0] {
        (a, b)
    } else {
        (b, a)
    }
}

fn glabella(lm: &[[f32; 2]]) -> [f32; 2] {
    let b = [(lm[21][0] + lm[22][0]) / 2.0, (lm[21][1] + lm[22][1]) / 2.0];
    [
        b[0] + 0.25 * (lm[27][0] - b[0]),
        b[1] + 0.25 * (lm[27][1] - b[1]),
    ]
}

fn points(v: &Value) -> Vec<[f32; 2]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let p = floats(p);
            [p[0], p[1]]
        })
        .collect()
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn photos_match_reference_landmarks() {
    let Some(dir) = model_dir() else { return };
    let fixtures = root().join("target/face-fixtures");
    let r = reference();
    let photos = r["photos"].as_array().unwrap();
    if !photos.iter().all(|p| {
        fixtures
            .join(format!("{}.rgba", p["name"].as_str().unwrap()))
            .exists()
    }) {
        eprintln!(
            "SKIPPED: photo pixels missing in {}; run `node tests/face/oracle.mjs`",
            fixtures.display()
        );
        return;
    }
    let t0 = Instant::now();
    let full = models(&dir, "face_landmark_68_model");
    let tiny = models(&dir, "face_landmark_68_tiny_model");
    println!(
        "models loaded in {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>6} {:>6} {:>6}",
        "photo (errors % of IPD)",
        "detMs",
        "score",
        "ref",
        "IPDpx",
        "Lpup",
        "Rpup",
        "glab",
        "lmMax",
        "ms",
        "ms(t)",
        "tLpup",
        "tRpup",
        "yaw°"
    );
    let mut worst: f32 = 0.0;
    let mut failures = Vec::new();
    for p in photos {
        let name = p["name"].as_str().unwrap();
        let (w, h) = (
            p["width"].as_u64().unwrap() as u32,
            p["height"].as_u64().unwrap() as u32,
        );
        let data = std::fs::read(fixtures.join(format!("{name}.rgba"))).unwrap();
        let img = Image::from_rgba(w, h, data).unwrap();
        let ref_lm = points(&p["landmarks"][0]);
        let ref_tiny = points(&p["landmarks_tiny"][0]);
        let ref_score = p["faces"][0]["score"].as_f64().unwrap() as f32;
        let (rl, rr) = pupils(&ref_lm);
        let ipd = dist(rl, rr);

        let t = Instant::now();
        let boxes = full.find_faces(&img, &Default::default());
        let ms_det = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(boxes.map(|b| b.len()), Ok(1), "{name}: one face");
        let t = Instant::now();
        let d = full.detect(&img);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let dt = tiny.detect(&img);
        let ms_tiny = t.elapsed().as_secs_f64() * 1e3;
        let (d, dt) = match (d, dt) {
            (Ok(d), Ok(dt)) => (d, dt),
            (d, dt) => {
                println!("{name:<26} FAILED: {:?} / {:?}", d.err(), dt.err());
                failures.push(name.to_string());
                continue;
            }
        };
        let pct = |e: f32| 100.0 * e / ipd;
        let el = pct(dist(d.left_pupil, rl));
        let er = pct(dist(d.right_pupil, rr));
        let eg = pct(dist(d.glabella, glabella(&ref_lm)));
        let emax = pct(d
            .landmarks
            .iter()
            .zip(&ref_lm)
            .fold(0.0f32, |m, (a, b)| m.max(dist(*a, *b))));
        let (tl, tr) = pupils(&ref_tiny);
        let etl = pct(dist(dt.left_pupil, tl));
        let etr = pct(dist(dt.right_pupil, tr));
        println!(
            "{name:<26} {:>6.1} {:>6.3} {:>6.3} {:>6.1} {:>6.2} {:>6.2} {:>6.2} {:>6.2} {:>7.1} {:>7.1} {:>6.2} {:>6.2} {:>6.1}",
            ms_det,
            d.face.score,
            ref_score,
            ipd,
            el,
            er,
            eg,
            emax,
            ms,
            ms_tiny,
            etl,
            etr,
            d.yaw.to_degrees()
        );
        worst = worst.max(el).max(er);
        if el > 1.5 || er > 1.5 {
            failures.push(format!("{name}: pupil error {el:.2}% / {er:.2}% of IPD"));
        }
    }
    println!("worst pupil error: {worst:.2}% of the interpupillary distance");
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn non_faces_are_rejected() {
    let Some(dir) = model_dir() else { return };
    let m = models(&dir, "face_landmark_68_model");
    let (w, h) = (450u32, 550u32);

    let blank = Image::new(w, h, [200, 200, 200, 255]).unwrap();
    assert_eq!(m.detect(&blank), Err(FaceError::NoFace));

    // Landscape-like: sky gradient, green hills, value noise.
    let mut land = Image::new(w, h, [0, 0, 0, 255]).unwrap();
    let mut s: u32 = 12345;
    for y in 0..h {
        for x in 0..w {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let n = ((s >> 16) % 40) as f32 - 20.0;
            let fx = x as f32 / w as f32;
            let hill = 300.0 + 60.0 * (fx * 6.0).sin() + 30.0 * (fx * 17.0).cos();
            let c = if (y as f32) < hill {
                let t = y as f32 / hill;
                [90.0 + 100.0 * t, 140.0 + 80.0 * t, 230.0 - 20.0 * t]
            } else {
                [60.0, 120.0 + 40.0 * ((x / 7 + y / 5) % 3) as f32, 50.0]
            };
            let i = ((y * w + x) * 4) as usize;
            for (k, v) in c.iter().enumerate() {
                land.data[i + k] = (v + n).clamp(0.0, 255.0) as u8;
            }
        }
    }
    assert_eq!(m.detect(&land), Err(FaceError::NoFace));

    // A cartoon-ish house with a sun: outlines and flat fills.
    let mut cart = Image::new(w, h, [250, 250, 240, 255]).unwrap();
    let mut set = |x: i64, y: i64, c: [u8; 3]| {
        if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
            let i = ((y as u32 * w + x as u32) * 4) as usize;
            cart.data[i..i + 3].copy_from_slice(&c);
        }
    };
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            let (dx, dy) = (x - 360, y - 90);
            if dx * dx + dy * dy < 45 * 45 {
                set(x, y, [250, 200, 40]);
            }
            if (100..350).contains(&x) && (300..500).contains(&y) {
                let edge = !(104..346).contains(&x) || !(304..496).contains(&y);
                set(x, y, if edge { [20, 20, 20] } else { [200, 60, 50] });
            }
            if (200..250).contains(&x) && (400..500).contains(&y) {
                set(x, y, [90, 60, 30]);
            }
            // Roof: a triangle.
            if (180..300).contains(&y) && (x - 225).abs() < (y - 180) * 130 / 120 {
                set(x, y, [60, 60, 70]);
            }
        }
    }
    assert_eq!(m.detect(&cart), Err(FaceError::NoFace));

    // Bad input never panics.
    let bad = Image {
        width: 10,
        height: 10,
        data: vec![0; 7],
    };
    assert!(matches!(m.detect(&bad), Err(FaceError::Invalid(_))));
    let tiny_img = Image::new(1, 1, [0, 0, 0, 255]).unwrap();
    assert_eq!(m.detect(&tiny_img), Err(FaceError::NoFace));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn a_found_face_is_placed_only_on_the_photo_and_calibration_it_was_found_on() {
    use hairline_visualizer::engine::Engine;
    use hairline_visualizer::error::Error;
    use hairline_visualizer::geom::Vec2;
    use hairline_visualizer::scale::Source;
    let Some(dir) = model_dir() else { return };
    let r = reference();
    let p = &r["photos"][0];
    let name = p["name"].as_str().unwrap();
    let Ok(data) = std::fs::read(root().join(format!("target/face-fixtures/{name}.rgba"))) else {
        eprintln!("SKIPPED: photo pixels missing; run `node tests/face/oracle.mjs`");
        return;
    };
    let (w, h) = (
        p["width"].as_u64().unwrap() as u32,
        p["height"].as_u64().unwrap() as u32,
    );
    let m = models(&dir, "face_landmark_68_model");
    let load = || {
        let mut e = Engine::new();
        e.set_photo(Image::from_rgba(w, h, data.clone()).unwrap())
            .unwrap();
        e
    };
    // Found, then placed: the detected calibration.
    let mut e = load();
    let found = e.find_face(&m).expect("a face");
    assert_ne!(
        e.calibration().unwrap().source,
        Source::Detected,
        "finding changes nothing"
    );
    e.place_face(&found).unwrap();
    assert_eq!(e.calibration(), Some(found.calibration));
    // A calibration tapped in between wins: the found face is stale.
    let mut e = load();
    let found = e.find_face(&m).unwrap();
    let tapped = e
        .set_calibration(
            Vec2::new(150.0, 200.0),
            Vec2::new(290.0, 205.0),
            63.0,
            Source::Visitor,
        )
        .unwrap();
    assert!(matches!(e.place_face(&found), Err(Error::Stale)));
    assert_eq!(e.calibration(), Some(tapped));
    // And so does another photo.
    let mut e = load();
    let found = e.find_face(&m).unwrap();
    e.set_photo(Image::from_rgba(w, h, data.clone()).unwrap())
        .unwrap();
    assert!(matches!(e.place_face(&found), Err(Error::Stale)));
}
