//! The person segmentation net (src/segment/) against LiteRT, the runtime
//! it was built for, on every test photo.
//!
//! Needs `node_modules/@mediapipe/selfie_segmentation/` (from `npm ci`) for
//! the model, and `target/face-fixtures/*.rgba`, the photos' pixels as
//! Chromium decoded them, written by `node tests/face/oracle.mjs` (as for
//! tests/face_native.rs). Only a missing `node_modules` skips.
//!
//! The reference: for each photo this test writes the net's exact 256×256
//! input to `target/segment-inputs/` (RGB bytes, plus a manifest with
//! hashes of the decoded photo and of the input), and
//! `tools/segment_reference.py` runs LiteRT on those inputs and commits the
//! probabilities as 16-bit PNGs in `tests/fixtures/segment/`. To regenerate:
//!
//!   node tests/face/oracle.mjs           # decoded photos
//!   cargo test --release --test segment_native   # writes the inputs
//!   python3 tools/segment_reference.py   # LiteRT → tests/fixtures/segment/
//!
//! When the decoded photo still hashes the same, the input must too (it
//! is integer resampling): a changed input then fails, since the reference
//! would no longer test the same thing. When Chromium decoded the JPEG
//! differently (a new libjpeg-turbo), the comparison still runs, bounding
//! the mean difference instead of the maximum, and says so.
//!
//! Also writes `target/segment-review/<photo>.png`: the photo with the mask
//! (red = person) for a look by eye.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/png_io.rs"]
#[allow(dead_code)] // only its writer, for the review images
mod png_io;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use hairline_visualizer::image::{Image, Rect};
use hairline_visualizer::segment::person::{PersonMask, PersonNet};
use serde_json::Value;

/// Bounds when the inputs are the reference's. Measured: max difference
/// 1.8e-5 (the 16-bit reference itself is good to 7.6e-6), mean 1e-7, and
/// the 0.5 masks agree on every pixel of all eight photos.
const MAX_DIFF: f32 = 1e-4;
const MIN_AGREE: f64 = 0.999;
/// When only the photo's decoding differs, single edge pixels can move a
/// lot, so the mean is bounded instead of the maximum. Measured by adding
/// random −2..2 to every channel of every decoded pixel: mean difference
/// at most 1.9e-4, agreement at least 99.97%, maximum up to 0.25.
const MEAN_DIFF_REDECODED: f64 = 1e-3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The model bytes, or `None` (skip) without node_modules.
fn model_bytes() -> Option<Vec<u8>> {
    let nm = root().join("node_modules");
    if !nm.is_dir() {
        eprintln!(
            "SKIPPED: {} is missing; run `make tools` (npm ci) to get @mediapipe/selfie_segmentation",
            nm.display()
        );
        return None;
    }
    let path = nm.join("@mediapipe/selfie_segmentation/selfie_segmentation.tflite");
    Some(std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; node_modules is there but the model is not: run `npm ci`",
            path.display()
        )
    }))
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// FNV-1a, 64 bit: a stable fingerprint the Python script can recompute.
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn rgb(im: &Image) -> Vec<u8> {
    im.data
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// A 16-bit greyscale PNG as values 0..1.
fn read_probabilities(path: &Path) -> (u32, u32, Vec<f32>) {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = png::Decoder::new(std::io::BufReader::new(f))
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Grayscale, png::BitDepth::Sixteen),
        "{}: want 16-bit greyscale",
        path.display()
    );
    let v = buf[..(info.width * info.height * 2) as usize]
        .chunks_exact(2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]) as f32 / 65535.0)
        .collect();
    (info.width, info.height, v)
}

/// The photo darkened where the net sees background, tinted red where it
/// sees the person, with the 0.5 contour in yellow.
fn write_review(path: &Path, img: &Image, mask: &PersonMask) {
    let (w, h) = (img.width, img.height);
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let p = mask.at_pixel(x, y);
            let edge = (p >= 0.5) != (mask.at_pixel((x + 1).min(w - 1), y) >= 0.5)
                || (p >= 0.5) != (mask.at_pixel(x, (y + 1).min(h - 1)) >= 0.5);
            let px = img.pixel(x, y);
            let c = if edge {
                [255, 230, 0]
            } else {
                let k = 0.35 + 0.65 * p;
                [
                    (px[0] as f32 * k + 70.0 * p).min(255.0) as u8,
                    (px[1] as f32 * k) as u8,
                    (px[2] as f32 * k) as u8,
                ]
            };
            out.extend_from_slice(&[c[0], c[1], c[2], 255]);
        }
    }
    let review = Image::from_rgba(w, h, out).expect("review image");
    png_io::write_png(path, &review).expect("review PNG");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn photos_match_litert() {
    let Some(bytes) = model_bytes() else { return };
    let t = Instant::now();
    let net = PersonNet::load(&bytes).expect("model loads");
    println!("model loaded in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    net.warm_up();
    println!("warm-up (64×64) {:.1} ms", t.elapsed().as_secs_f64() * 1e3);

    let fixtures = root().join("tests/fixtures/segment");
    // Every photo the face oracle decoded; the reference must cover each.
    let sizes = json(&root().join("tests/face/reference.json"));
    let ref_path = fixtures.join("reference.json");
    let reference = if ref_path.exists() {
        json(&ref_path)
    } else {
        Value::Null
    };
    let pixels = root().join("target/face-fixtures");
    let inputs = root().join("target/segment-inputs");
    let review = root().join("target/segment-review");
    std::fs::create_dir_all(&inputs).expect("target/segment-inputs");
    std::fs::create_dir_all(&review).expect("target/segment-review");

    let mut failures = Vec::new();
    if !reference.is_null() && reference["model"]["fnv1a64"] != fnv1a(&bytes).as_str() {
        failures.push(format!(
            "the reference was made with another model file ({}); regenerate it",
            reference["model"]["package"]
        ));
    }
    let photos = sizes["photos"].as_array().expect("photos");
    assert!(
        photos.len() >= 8,
        "tests/face/reference.json lists the test photos"
    );
    let mut manifest = serde_json::Map::new();
    let mut report = String::new();
    let mut times = Vec::new();
    let mut last_input = None;
    let _ = writeln!(
        report,
        "{:<26} {:>9} {:>9} {:>9} {:>8} {:>8} {:>7}",
        "photo", "maxDiff", "meanDiff", "agree%", "person%", "ref%", "ms"
    );
    for size in photos {
        let name = size["name"].as_str().expect("name");
        let (w, h) = (
            size["width"].as_u64().expect("width") as u32,
            size["height"].as_u64().expect("height") as u32,
        );
        let file = pixels.join(format!("{name}.rgba"));
        let data = std::fs::read(&file).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `node tests/face/oracle.mjs` (make test-face) to decode the photos",
                file.display()
            )
        });
        let img = Image::from_rgba(w, h, data).expect("photo pixels");
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: w as f32,
            h: h as f32,
        };
        let input = net.prepare(&img, whole).expect("input");
        last_input = Some(input.clone());
        let input_rgb = rgb(&input);
        std::fs::write(inputs.join(format!("{name}.rgb")), &input_rgb).expect("write input");
        let (photo_hash, input_hash) = (fnv1a(&img.data), fnv1a(&input_rgb));
        manifest.insert(
            name.into(),
            serde_json::json!({
                "width": input.width, "height": input.height,
                "photo_width": w, "photo_height": h,
                "photo_fnv1a64": photo_hash, "input_fnv1a64": input_hash,
            }),
        );

        let t = Instant::now();
        let mask = net.run(&img, whole).expect("run");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        times.push(ms);
        write_review(&review.join(format!("{name}.png")), &img, &mask);

        let Some(p) = reference["photos"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["name"] == name))
        else {
            failures.push(format!(
                "{name}: no LiteRT reference in {}; run `python3 tools/segment_reference.py`",
                fixtures.display()
            ));
            continue;
        };
        let (rw, rh, want) = read_probabilities(&fixtures.join(format!("{name}.png")));
        assert_eq!((rw, rh), (mask.width, mask.height), "{name}: mask size");
        let same_photo = p["photo_fnv1a64"] == photo_hash.as_str();
        let same_input = p["input_fnv1a64"] == input_hash.as_str();

        if same_photo && !same_input {
            failures.push(format!(
                "{name}: the photo decodes as before but the net's input changed (resampling?); \
                 if that is intended, regenerate the reference (see this file's docs)"
            ));
        }
        if !same_photo {
            println!(
                "NOTE {name}: Chromium decoded the photo differently from when the reference \
                 was made; bounding the mean difference ({MEAN_DIFF_REDECODED:.0e}) instead \
                 of the maximum"
            );
        }
        let n = want.len();
        let (mut max, mut sum, mut agree) = (0.0f32, 0.0f64, 0usize);
        for (&a, &b) in mask.data.iter().zip(&want) {
            let d = (a - b).abs();
            max = max.max(d);
            sum += d as f64;
            agree += usize::from((a >= 0.5) == (b >= 0.5));
        }
        let agree = agree as f64 / n as f64;
        let frac = |v: &[f32]| v.iter().filter(|&&x| x >= 0.5).count() as f64 / v.len() as f64;
        let _ = writeln!(
            report,
            "{name:<26} {max:>9.2e} {:>9.2e} {:>9.4} {:>8.2} {:>8.2} {ms:>7.1}",
            sum / n as f64,
            agree * 100.0,
            frac(&mask.data) * 100.0,
            frac(&want) * 100.0,
        );
        let mean = sum / n as f64;
        let close = if same_input {
            max <= MAX_DIFF
        } else {
            mean <= MEAN_DIFF_REDECODED
        };
        if !close || agree < MIN_AGREE {
            failures.push(format!(
                "{name}: max difference {max:.2e} (bound {MAX_DIFF:.0e} for the reference's own \
                 input), mean {mean:.2e} (bound {MEAN_DIFF_REDECODED:.0e} otherwise), \
                 0.5-threshold agreement {:.4}% (bound {}%)",
                agree * 100.0,
                MIN_AGREE * 100.0
            ));
        }
    }
    std::fs::write(
        inputs.join("manifest.json"),
        serde_json::to_string_pretty(&Value::Object(manifest)).expect("json"),
    )
    .expect("write manifest");
    times.sort_by(f64::total_cmp);
    print!("{report}");
    println!(
        "run time per photo (native release, resample + net): median {:.1} ms, min {:.1} ms",
        times[times.len() / 2],
        times[0]
    );
    // The net alone: a 256×256 image as the region resamples 1:1.
    if let Some(small) = last_input {
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: small.width as f32,
            h: small.height as f32,
        };
        let mut net_times: Vec<f64> = (0..10)
            .map(|_| {
                let t = Instant::now();
                let _ = net.run(&small, whole);
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        net_times.sort_by(f64::total_cmp);
        println!(
            "net alone, 10 runs at {}×{}: min {:.1} ms, median {:.1} ms",
            small.width, small.height, net_times[0], net_times[5]
        );
    }
    println!(
        "inputs for tools/segment_reference.py in {}; masks over the photos in {}",
        inputs.display(),
        review.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Damaged copies of the real model: every prefix (at a stride, and all of
/// the last 64) fails to load with a message, and random byte changes
/// either fail the same way or give a net that still runs without a panic.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn damaged_model_files_are_errors() {
    let Some(bytes) = model_bytes() else { return };
    let n = bytes.len();
    let mut cuts: Vec<usize> = (0..n).step_by(997).collect();
    cuts.extend(n - 64..n);
    for &cut in &cuts {
        match PersonNet::load(&bytes[..cut]) {
            Ok(_) => panic!("a prefix of {cut} of {n} bytes loaded"),
            Err(e) => assert!(e.starts_with("segmentation model: "), "{e}"),
        }
    }
    println!(
        "{} prefixes rejected, e.g.: {}",
        cuts.len(),
        PersonNet::load(&bytes[..n / 2]).unwrap_err()
    );
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut loaded, mut ran) = (0, 0);
    for round in 0..400 {
        let mut g = bytes.clone();
        // Most of the file is weights; aim half the flips at the first
        // and last 8 KB, where the structure is.
        for _ in 0..1 + next() % 3 {
            let r = next() as usize;
            let i = match round % 3 {
                0 => r % n,
                1 => r % 8192,
                _ => n - 1 - r % 8192,
            };
            g[i] ^= 1 << (next() % 8);
        }
        if let Ok(net) = PersonNet::load(&g) {
            loaded += 1;
            if loaded <= 40 {
                net.warm_up();
                ran += 1;
            }
        }
    }
    println!("400 damaged copies: {loaded} still loaded ({ran} of them run), none panicked");
}
