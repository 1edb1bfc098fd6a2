//! The hair / scalp / face / background segmentation (src/segment/hair.rs)
//! scored against the hand-drawn labels in tests/fixtures/labels/, on the
//! product's own path for every test photo:
//!
//!   decoded pixels → working copy (ScalpMask::working_copy)
//!   → PersonNet on the whole photo → FaceModels::detect
//!   → calibration from the detected irises (63 mm) and glabella
//!   → segment(…, Some(landmarks), HairModel::default())
//!
//! Needs `node_modules` (`npm ci`: face-api's weights and the selfie
//! segmentation model) and `target/face-fixtures/*.rgba` (the photos as
//! Chromium decoded them: `node tests/face/oracle.mjs`, see the Makefile's
//! test-face). Missing inputs skip with a message. Release only:
//!
//!   cargo test --release --test segment_labels -- --nocapture --test-threads=1
//!
//! Regenerating the generated tables (never silently):
//!
//!   UPDATE_HAIR_WEIGHTS=1 cargo test --release --test segment_labels shipped_weights
//!       trains on all eight photos and writes src/segment/hair_weights.rs
//!   UPDATE_MEAN_FACE=1 cargo test --test segment_labels mean_face
//!       writes src/segment/mean_face.rs from tests/face/reference.json
//!
//! IoU is per class at the full photo size: each label pixel takes the
//! class of its nearest segmentation pixel; pixels labelled body are not
//! scored. A class absent from both the labels and the result (hair on
//! the shaved heads) scores 0, as in the prototype's tables, and the
//! tables print its pixel counts instead.
//!
//! Also writes target/hair-review/NAME.png: the working copy with the
//! classes tinted (hair yellow, scalp magenta, face green, body grey).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/png_io.rs"]
#[allow(dead_code)] // only its writer, for the review images
mod png_io;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use hairline_visualizer::face::FaceModels;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::image::{Image, Rect};
use hairline_visualizer::scale::{Calibration, Frame, Head, Source};
use hairline_visualizer::scalp::ScalpMask;
use hairline_visualizer::segment::crf;
use hairline_visualizer::segment::features::{texture, FEATURES};
use hairline_visualizer::segment::hair::{
    analyse, analyse_traced, person_at_work_size, segment, Analysis, Class, HairModel,
    PhotoSamples, Segmentation,
};
use hairline_visualizer::segment::mean_face::MEAN_FACE_MM;
use hairline_visualizer::segment::person::PersonNet;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An 8-bit greyscale PNG (the hand labels).
fn read_labels(path: &Path) -> (u32, u32, Vec<u8>) {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = png::Decoder::new(std::io::BufReader::new(f))
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Grayscale, png::BitDepth::Eight),
        "{}: want 8-bit greyscale",
        path.display()
    );
    buf.truncate((info.width * info.height) as usize);
    (info.width, info.height, buf)
}

/// The hand labels at the working copy's size: each working pixel takes
/// the label under its centre (nearest, like the prototype's PIL resize).
fn labels_at_work(labels: &[u8], lw: u32, lh: u32, w: u32, h: u32, step: f32) -> Vec<u8> {
    let mut out = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let sx = (((x as f32 + 0.5) * step) as u32).min(lw - 1);
            let sy = (((y as f32 + 0.5) * step) as u32).min(lh - 1);
            out.push(labels[(sy * lw + sx) as usize]);
        }
    }
    out
}

/// Per-class scores of one segmentation against the full-size labels.
#[derive(Clone, Debug, Default)]
struct Score {
    /// IoU of hair, scalp, face, background.
    iou: [f64; 4],
    /// Pixels of each class in the union (0: absent from both).
    union: [usize; 4],
    /// Share of labelled hair classified scalp, of labelled scalp
    /// classified hair.
    hair_as_scalp: f64,
    scalp_as_hair: f64,
}

const CLASSES: [(Class, &str); 4] = [
    (Class::Hair, "hair"),
    (Class::Scalp, "scalp"),
    (Class::Face, "face"),
    (Class::Background, "bg"),
];

fn score(seg: &Segmentation, labels: &[u8], lw: u32, lh: u32) -> Score {
    let mut inter = [0usize; 4];
    let mut union = [0usize; 4];
    let (mut hair, mut hair_scalp, mut scalp, mut scalp_hair) = (0usize, 0usize, 0usize, 0usize);
    for y in 0..lh {
        for x in 0..lw {
            let g = labels[(y * lw + x) as usize];
            let p = seg.class_at(x as f32 + 0.5, y as f32 + 0.5);
            for (k, (c, _)) in CLASSES.iter().enumerate() {
                let a = p == *c && g != Class::Body as u8;
                let b = g == *c as u8;
                inter[k] += usize::from(a && b);
                union[k] += usize::from(a || b);
            }
            if g == Class::Hair as u8 {
                hair += 1;
                hair_scalp += usize::from(p == Class::Scalp);
            }
            if g == Class::Scalp as u8 {
                scalp += 1;
                scalp_hair += usize::from(p == Class::Hair);
            }
        }
    }
    Score {
        iou: std::array::from_fn(|k| inter[k] as f64 / union[k].max(1) as f64),
        union,
        hair_as_scalp: hair_scalp as f64 / hair.max(1) as f64,
        scalp_as_hair: scalp_hair as f64 / scalp.max(1) as f64,
    }
}

/// The prototype's results (reference_results.json, in-sample and
/// leave-one-photo-out), for the tables: hair, scalp, face, background.
const REFERENCE_IN: [(&str, [f64; 4]); 8] = [
    ("front-bald-dark-01", [0.214, 0.916, 0.886, 0.990]),
    ("front-bald-light-01", [0.621, 0.926, 0.939, 0.992]),
    ("front-receding-dark-01", [0.666, 0.897, 0.885, 0.992]),
    ("front-receding-light-01", [0.815, 0.938, 0.811, 0.992]),
    ("front-receding-medium-01", [0.820, 0.942, 0.871, 0.994]),
    ("front-shaved-dark-01", [0.0, 0.937, 0.848, 0.996]),
    ("front-shaved-medium-01", [0.0, 0.848, 0.743, 0.988]),
    ("front-thinning-light-01", [0.590, 0.798, 0.814, 0.985]),
];
const REFERENCE_LOO: [(&str, [f64; 4]); 8] = [
    ("front-bald-dark-01", [0.185, 0.916, 0.887, 0.990]),
    ("front-bald-light-01", [0.561, 0.913, 0.939, 0.992]),
    ("front-receding-dark-01", [0.657, 0.896, 0.882, 0.992]),
    ("front-receding-light-01", [0.678, 0.843, 0.803, 0.992]),
    ("front-receding-medium-01", [0.818, 0.940, 0.871, 0.994]),
    ("front-shaved-dark-01", [0.0, 0.936, 0.847, 0.996]),
    ("front-shaved-medium-01", [0.0, 0.821, 0.723, 0.988]),
    ("front-thinning-light-01", [0.559, 0.782, 0.814, 0.985]),
];

fn reference_of(table: &[(&str, [f64; 4]); 8], name: &str) -> Option<[f64; 4]> {
    table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// Floors per photo (hair, scalp, face, background IoU), in-sample with
/// the shipped weights, and the most labelled hair that may be classified
/// scalp (the unsafe error: dots on hair).
///
/// Measured on the product's path (native release, 2026-11-27; the
/// tables this test prints):
///
/// | photo                    | hair  | scalp | face  | bg    | hair→scalp |
/// |--------------------------|-------|-------|-------|-------|------------|
/// | front-bald-dark-01       | 0.217 | 0.911 | 0.882 | 0.990 | 44.8 %     |
/// | front-bald-light-01      | 0.618 | 0.924 | 0.939 | 0.992 | 24.2 %     |
/// | front-receding-dark-01   | 0.659 | 0.898 | 0.884 | 0.992 |  2.0 %     |
/// | front-receding-light-01  | 0.813 | 0.938 | 0.811 | 0.992 |  4.8 %     |
/// | front-receding-medium-01 | 0.820 | 0.941 | 0.870 | 0.994 |  4.9 %     |
/// | front-shaved-dark-01     |   —   | 0.937 | 0.846 | 0.996 |    —       |
/// | front-shaved-medium-01   |   —   | 0.847 | 0.742 | 0.988 |    —       |
/// | front-thinning-light-01  | 0.593 | 0.799 | 0.813 | 0.985 | 27.7 %     |
///
/// The floors are these less 0.03 (hair, which hangs on thin bands of a
/// few hundred pixels), 0.015 (scalp, face) and 0.005 (background),
/// rounded down to 0.005; the ceilings are the shares plus 3 points. The
/// pipeline is deterministic, so only a change of code, model, decoder or
/// labels moves them. Shaved heads have no labelled hair (floor 0).
const FLOORS_IN: [(&str, [f64; 4], f64); 8] = [
    ("front-bald-dark-01", [0.185, 0.895, 0.865, 0.985], 0.48),
    ("front-bald-light-01", [0.585, 0.905, 0.920, 0.985], 0.27),
    ("front-receding-dark-01", [0.625, 0.880, 0.865, 0.985], 0.05),
    (
        "front-receding-light-01",
        [0.780, 0.920, 0.795, 0.985],
        0.08,
    ),
    (
        "front-receding-medium-01",
        [0.790, 0.925, 0.855, 0.985],
        0.08,
    ),
    ("front-shaved-dark-01", [0.0, 0.920, 0.830, 0.990], 0.0),
    ("front-shaved-medium-01", [0.0, 0.830, 0.725, 0.980], 0.0),
    (
        "front-thinning-light-01",
        [0.560, 0.780, 0.795, 0.980],
        0.31,
    ),
];
/// Floor of the mean over the photos, leave-one-photo-out (hair over the
/// six photos with hair; scalp, face, background over all eight).
/// Measured: 0.577, 0.896, 0.848, 0.991 (scalp 0.881 before a hair region
/// as saturated as the forehead and no darker than its shading stopped
/// counting as hair); floors 0.03 / 0.015 / 0.015 / 0.005 below.
const FLOOR_LOO_MEAN: [f64; 4] = [0.545, 0.880, 0.830, 0.985];
/// Scalp IoU floor per photo without landmarks (mean face), 0.02 below
/// the measured 0.922, 0.908, 0.863, 0.922, 0.922, 0.887, 0.818, 0.798.
const FLOORS_NO_LANDMARKS: [(&str, f64); 8] = [
    ("front-bald-dark-01", 0.900),
    ("front-bald-light-01", 0.885),
    ("front-receding-dark-01", 0.840),
    ("front-receding-light-01", 0.900),
    ("front-receding-medium-01", 0.900),
    ("front-shaved-dark-01", 0.865),
    ("front-shaved-medium-01", 0.795),
    ("front-thinning-light-01", 0.775),
];

/// One photo through the product's path up to the model-independent
/// analysis, plus what the tests score against.
struct Photo {
    name: String,
    work: Image,
    step: f32,
    /// Full-size hand labels.
    labels: Vec<u8>,
    lw: u32,
    lh: u32,
    analysis: Analysis,
    /// Without landmarks: the frame from the detected irises alone (as
    /// a visitor's taps), glabella estimated from them.
    analysis_no_lm: Analysis,
    samples: PhotoSamples,
    ms: Timing,
    /// The inputs of `analyse`, for timing it again.
    person: Vec<f32>,
    frame: Frame,
    landmarks: [[f32; 2]; 68],
}

#[derive(Clone, Copy, Debug, Default)]
struct Timing {
    working_copy: f64,
    person: f64,
    detect: f64,
    analyse: f64,
    segment: f64,
    texture: f64,
    meanfield: f64,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn models() -> Option<(PersonNet, FaceModels)> {
    let nm = root().join("node_modules");
    let face = nm.join("@vladmandic/face-api/model");
    let selfie = nm.join("@mediapipe/selfie_segmentation/selfie_segmentation.tflite");
    if !face.join("tiny_face_detector_model.bin").exists() || !selfie.exists() {
        eprintln!("SKIPPED: node_modules is missing the models; run `make tools` (npm ci)");
        return None;
    }
    let read = |name: &str| {
        (
            std::fs::read_to_string(face.join(format!("{name}-weights_manifest.json")))
                .expect("manifest"),
            std::fs::read(face.join(format!("{name}.bin"))).expect("weights"),
        )
    };
    let (dm, db) = read("tiny_face_detector_model");
    let (lm, lb) = read("face_landmark_68_model");
    let faces = FaceModels::load(&dm, &db, &lm, &lb).expect("face models load");
    let net = PersonNet::load(&std::fs::read(selfie).expect("selfie model")).expect("net loads");
    Some((net, faces))
}

/// Every photo, prepared once for all the tests of this file.
fn photos() -> Option<&'static [Photo]> {
    static PHOTOS: OnceLock<Option<Vec<Photo>>> = OnceLock::new();
    PHOTOS.get_or_init(prepare).as_deref()
}

fn prepare() -> Option<Vec<Photo>> {
    let (net, faces) = models()?;
    let reference = json(&root().join("tests/face/reference.json"));
    let pixels = root().join("target/face-fixtures");
    let list = reference["photos"].as_array().expect("photos");
    assert!(
        list.len() >= 8,
        "tests/face/reference.json lists the photos"
    );
    if !list.iter().all(|p| {
        pixels
            .join(format!("{}.rgba", p["name"].as_str().unwrap_or("")))
            .exists()
    }) {
        eprintln!(
            "SKIPPED: photo pixels missing in {}; run `node tests/face/oracle.mjs` (make test-face)",
            pixels.display()
        );
        return None;
    }
    net.warm_up();
    let mut out = Vec::new();
    for p in list {
        let name = p["name"].as_str().expect("name").to_string();
        let (w, h) = (
            p["width"].as_u64().expect("width") as u32,
            p["height"].as_u64().expect("height") as u32,
        );
        let data = std::fs::read(pixels.join(format!("{name}.rgba"))).expect("pixels");
        let img = Image::from_rgba(w, h, data).expect("photo");
        let (lw, lh, labels) =
            read_labels(&root().join(format!("tests/fixtures/labels/{name}.png")));
        assert_eq!((lw, lh), (w, h), "{name}: labels at the photo's size");
        let mut ms_ = Timing::default();

        let t = Instant::now();
        let (work, step) = ScalpMask::working_copy(&img);
        ms_.working_copy = ms(t);
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: w as f32,
            h: h as f32,
        };
        let t = Instant::now();
        let mask = net.run(&img, whole).expect("person mask");
        ms_.person = ms(t);
        let t = Instant::now();
        let det = faces.detect(&img).unwrap_or_else(|e| panic!("{name}: {e}"));
        ms_.detect = ms(t);
        let v = |p: [f32; 2]| Vec2::new(p[0], p[1]);
        let mut cal = Calibration::new(
            v(det.irises[0]),
            v(det.irises[1]),
            63.0,
            Source::Detected,
            (w, h),
        )
        .expect("calibration");
        let tapped = cal.frame();
        cal.glabella = Some(v(det.glabella));
        let frame = cal.frame();

        let person = person_at_work_size(&mask, work.width, work.height, step);
        let t = Instant::now();
        let analysis =
            analyse(&work, step, &person, &frame, Some(&det.landmarks)).expect("analysis");
        ms_.analyse = ms(t);
        let t = Instant::now();
        let _ = analysis.segment(&HairModel::default());
        ms_.segment = ms(t);
        // The two heaviest stages alone, on this photo's data.
        let (ww, wh) = (work.width as usize, work.height as usize);
        let l: Vec<f32> = work
            .data
            .chunks_exact(4)
            .map(|c| hairline_visualizer::color::lab([c[0], c[1], c[2]])[0])
            .collect();
        let head: Vec<f32> = person
            .iter()
            .map(|&p| f32::from(u8::from(p > 0.5)))
            .collect();
        let t = Instant::now();
        let _ = texture(&l, &head, ww, wh);
        ms_.texture = ms(t);
        let labs: Vec<[f32; 3]> = work
            .data
            .chunks_exact(4)
            .map(|c| hairline_visualizer::color::lab([c[0], c[1], c[2]]))
            .collect();
        let z: Vec<f32> = analysis
            .features()
            .iter()
            .map(|f| HairModel::default().score(f))
            .collect();
        let t = Instant::now();
        let _ = crf::meanfield(&labs, ww, wh, &z, analysis.decided(), analysis.forehead());
        ms_.meanfield = ms(t);

        let analysis_no_lm = analyse(&work, step, &person, &tapped, None).expect("no landmarks");
        let at_work = labels_at_work(&labels, lw, lh, work.width, work.height, step);
        let samples = analysis.samples(&at_work).expect("samples");
        out.push(Photo {
            name,
            work,
            step,
            labels,
            lw,
            lh,
            analysis,
            analysis_no_lm,
            samples,
            ms: ms_,
            person,
            frame,
            landmarks: det.landmarks,
        });
    }
    Some(out)
}

fn train_on(photos: &[Photo], skip: Option<usize>) -> HairModel {
    let samples: Vec<PhotoSamples> = photos
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, p)| p.samples.clone())
        .collect();
    HairModel::train(&samples)
}

fn fmt_iou(s: &Score) -> String {
    let mut o = String::new();
    for k in 0..4 {
        if s.union[k] == 0 {
            let _ = write!(o, " {:>6}", "—");
        } else {
            let _ = write!(o, " {:>6.3}", s.iou[k]);
        }
    }
    o
}

fn table(title: &str, rows: &[(String, Score, Option<[f64; 4]>)]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{title}");
    let _ = writeln!(
        o,
        "{:<26} {:>6} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} {:>6} | {:>8} {:>8}",
        "photo",
        "hair",
        "scalp",
        "face",
        "bg",
        "ref h",
        "ref s",
        "ref f",
        "ref bg",
        "hair→sc",
        "sc→hair"
    );
    for (name, s, r) in rows {
        let r = r.map_or(String::from("     —      —      —      —"), |r| {
            format!("{:>6.3} {:>6.3} {:>6.3} {:>6.3}", r[0], r[1], r[2], r[3])
        });
        let _ = writeln!(
            o,
            "{name:<26}{} | {r} | {:>7.1}% {:>7.1}%",
            fmt_iou(s),
            s.hair_as_scalp * 100.0,
            s.scalp_as_hair * 100.0
        );
    }
    let mean = |k: usize, with_hair_only: bool| {
        let v: Vec<f64> = rows
            .iter()
            .filter(|(_, s, _)| !with_hair_only || s.union[0] > 0 && has_hair(s))
            .map(|(_, s, _)| s.iou[k])
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let rmean = |k: usize| {
        let v: Vec<f64> = rows
            .iter()
            .filter_map(|(_, s, r)| r.filter(|_| k != 0 || has_hair(s)).map(|r| r[k]))
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let _ = writeln!(
        o,
        "{:<26} {:>6.3} {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3} {:>6.3}   (hair: photos with labelled hair)",
        "mean",
        mean(0, true),
        mean(1, false),
        mean(2, false),
        mean(3, false),
        rmean(0),
        rmean(1),
        rmean(2),
        rmean(3)
    );
    o
}

/// Whether the photo has hair in its labels (the shaved heads have none).
fn has_hair(s: &Score) -> bool {
    s.hair_as_scalp > 0.0 || s.iou[0] > 0.0
}

/// Mean IoU per class (hair over photos with labelled hair).
fn means(rows: &[(String, Score, Option<[f64; 4]>)]) -> [f64; 4] {
    std::array::from_fn(|k| {
        let v: Vec<f64> = rows
            .iter()
            .filter(|(_, s, _)| k != 0 || has_hair(s))
            .map(|(_, s, _)| s.iou[k])
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    })
}

fn write_review(path: &Path, work: &Image, seg: &Segmentation) {
    let (w, h) = (work.width, work.height);
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for (i, px) in work.data.chunks_exact(4).enumerate() {
        let tint: Option<[f32; 3]> = match Class::from_u8(seg.labels[i]) {
            Some(Class::Hair) => Some([255.0, 210.0, 0.0]),
            Some(Class::Scalp) => Some([255.0, 40.0, 170.0]),
            Some(Class::Face) => Some([0.0, 220.0, 120.0]),
            Some(Class::Body) => Some([150.0, 150.0, 150.0]),
            _ => None,
        };
        let c = match tint {
            Some(t) => [0, 1, 2].map(|k| (px[k] as f32 * 0.55 + t[k] * 0.45) as u8),
            None => [px[0] / 2, px[1] / 2, px[2] / 2],
        };
        out.extend_from_slice(&[c[0], c[1], c[2], 255]);
    }
    let review = Image::from_rgba(w, h, out).expect("review image");
    png_io::write_png(path, &review).expect("review PNG");
}

/// Training on all eight photos gives the shipped weights.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn shipped_weights_are_the_trained_weights() {
    let Some(photos) = photos() else { return };
    let t = Instant::now();
    let model = train_on(photos, None);
    println!(
        "trained on {} photos ({} pixels) in {:.0} ms: {:?}",
        photos.len(),
        photos.iter().map(|p| p.samples.hair.len()).sum::<usize>(),
        ms(t),
        model.weights
    );
    let shipped = HairModel::default();
    let diff = model
        .weights
        .iter()
        .zip(&shipped.weights)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    if std::env::var_os("UPDATE_HAIR_WEIGHTS").is_some() {
        let mut s = String::new();
        s.push_str("//! The shipped hair model weights ([`super::hair::HairModel::default`]).\n");
        s.push_str("//!\n//! Generated by `UPDATE_HAIR_WEIGHTS=1 cargo test --release --test segment_labels\n");
        s.push_str(
            "//! shipped_weights`: `HairModel::train` on the decided-region pixels of the eight\n",
        );
        s.push_str(
            "//! labelled test photos (tests/fixtures/labels/), each through the product's path\n",
        );
        s.push_str(
            "//! (working copy, PersonNet, FaceModels::detect, calibration from the detected\n",
        );
        s.push_str(
            "//! irises and glabella). Do not edit; the test checks that training reproduces\n",
        );
        s.push_str("//! these within 1e-3.\n\n");
        s.push_str("/// Weights of the features in [`super::features::FEATURE_NAMES`] order.\n");
        s.push_str(&format!(
            "#[rustfmt::skip]\npub const WEIGHTS: [f32; {FEATURES}] = [\n"
        ));
        for v in model.weights {
            s.push_str(&format!("    {v:?},\n"));
        }
        s.push_str("];\n");
        let path = root().join("src/segment/hair_weights.rs");
        std::fs::write(&path, s).expect("write weights");
        println!("UPDATED {} (was {:?})", path.display(), shipped.weights);
        return;
    }
    assert!(
        diff <= 1e-3,
        "training gives {:?}, the shipped weights are {:?} (max difference {diff}); \
         if the change is intended, run UPDATE_HAIR_WEIGHTS=1 cargo test --release \
         --test segment_labels shipped_weights",
        model.weights,
        shipped.weights
    );
}

/// In-sample IoU with the shipped weights, per photo, against floors.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn in_sample_iou() {
    let Some(photos) = photos() else { return };
    let model = HairModel::default();
    let review = root().join("target/hair-review");
    std::fs::create_dir_all(&review).expect("target/hair-review");
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    let mut timing = String::new();
    let _ = writeln!(
        timing,
        "{:<26} {:>7} {:>7} {:>7} | {:>8} {:>8} | {:>8} {:>10} {:>9}",
        "stage (ms)",
        "workcp",
        "person",
        "detect",
        "analyse",
        "segment",
        "texture",
        "meanfield",
        "seg total"
    );
    for p in photos {
        let seg = p.analysis.segment(&model);
        write_review(&review.join(format!("{}.png", p.name)), &p.work, &seg);
        let s = score(&seg, &p.labels, p.lw, p.lh);
        let Some(&(_, floor, ceiling)) = FLOORS_IN.iter().find(|(n, _, _)| *n == p.name) else {
            failures.push(format!("{}: no floors for this photo", p.name));
            continue;
        };
        for (k, (_, cname)) in CLASSES.iter().enumerate() {
            if s.iou[k] < floor[k] {
                failures.push(format!(
                    "{}: {cname} IoU {:.3} below the floor {:.3}",
                    p.name, s.iou[k], floor[k]
                ));
            }
        }
        if s.hair_as_scalp > ceiling {
            failures.push(format!(
                "{}: {:.1}% of the labelled hair classified scalp, over {:.0}%",
                p.name,
                s.hair_as_scalp * 100.0,
                ceiling * 100.0
            ));
        }
        let t = p.ms;
        let _ = writeln!(
            timing,
            "{:<26} {:>7.1} {:>7.1} {:>7.1} | {:>8.1} {:>8.1} | {:>8.1} {:>10.1} {:>9.1}   ({}×{}, step {:.3})",
            p.name,
            t.working_copy,
            t.person,
            t.detect,
            t.analyse,
            t.segment,
            t.texture,
            t.meanfield,
            t.analyse + t.segment,
            p.work.width,
            p.work.height,
            p.step
        );
        rows.push((p.name.clone(), s, reference_of(&REFERENCE_IN, &p.name)));
    }
    print!(
        "{}",
        table("IN-SAMPLE (shipped weights) vs prototype in-sample", &rows)
    );
    print!("{timing}");
    println!("(analyse = regions + features + grey-hair boost; segment = model + mean-field + labels; texture and meanfield timed alone on the same data)");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Leave one photo out: train on seven, score the eighth.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn leave_one_photo_out_iou() {
    let Some(photos) = photos() else { return };
    let mut rows = Vec::new();
    for (i, p) in photos.iter().enumerate() {
        let model = train_on(photos, Some(i));
        let seg = p.analysis.segment(&model);
        rows.push((
            p.name.clone(),
            score(&seg, &p.labels, p.lw, p.lh),
            reference_of(&REFERENCE_LOO, &p.name),
        ));
    }
    print!("{}", table("LEAVE-ONE-PHOTO-OUT vs prototype LOO", &rows));
    let m = means(&rows);
    let mut failures = Vec::new();
    for (k, (_, cname)) in CLASSES.iter().enumerate() {
        if m[k] < FLOOR_LOO_MEAN[k] {
            failures.push(format!(
                "mean LOO {cname} IoU {:.3} below the floor {:.3}",
                m[k], FLOOR_LOO_MEAN[k]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Without landmarks (the visitor tapped the pupils): the mean face
/// placed by a calibration from the detected irises alone.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn without_landmarks() {
    let Some(photos) = photos() else { return };
    let model = HairModel::default();
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for p in photos {
        let seg = p.analysis_no_lm.segment(&model);
        let s = score(&seg, &p.labels, p.lw, p.lh);
        let Some(&(_, floor)) = FLOORS_NO_LANDMARKS.iter().find(|(n, _)| *n == p.name) else {
            failures.push(format!("{}: no floor for this photo", p.name));
            continue;
        };
        if s.iou[1] < floor {
            failures.push(format!(
                "{}: scalp IoU without landmarks {:.3} below the floor {floor:.3}",
                p.name, s.iou[1]
            ));
        }
        let with = score(&p.analysis.segment(&model), &p.labels, p.lw, p.lh);
        rows.push((p.name.clone(), s, Some(with.iou)));
    }
    print!(
        "{}",
        table(
            "WITHOUT LANDMARKS (mean face; right: with landmarks, same weights)",
            &rows
        )
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The public entry point gives what analyse + segment give, and the
/// result survives the byte form.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn segment_entry_point_and_bytes() {
    let Some((net, faces)) = models() else { return };
    let Some(photos) = photos() else { return };
    let p = &photos[0];
    let img = Image::from_rgba(
        p.lw,
        p.lh,
        std::fs::read(root().join(format!("target/face-fixtures/{}.rgba", p.name))).unwrap(),
    )
    .unwrap();
    let whole = Rect {
        x: 0.0,
        y: 0.0,
        w: p.lw as f32,
        h: p.lh as f32,
    };
    let mask = net.run(&img, whole).unwrap();
    let det = faces.detect(&img).unwrap();
    let v = |p: [f32; 2]| Vec2::new(p[0], p[1]);
    let mut cal = Calibration::new(
        v(det.irises[0]),
        v(det.irises[1]),
        63.0,
        Source::Detected,
        (p.lw, p.lh),
    )
    .unwrap();
    cal.glabella = Some(v(det.glabella));
    let seg = segment(
        &p.work,
        p.step,
        &mask,
        &cal.frame(),
        Some(&det.landmarks),
        &HairModel::default(),
    )
    .unwrap();
    assert_eq!(seg, p.analysis.segment(&HairModel::default()));
    assert_eq!(Segmentation::from_bytes(&seg.to_bytes()), Ok(seg.clone()));
    assert!(seg.skin_lab.is_some());
    // Bytes per pixel: 3 planes.
    println!(
        "{}: {}×{} segmentation, {} bytes",
        p.name,
        seg.width,
        seg.height,
        seg.to_bytes().len()
    );
}

/// The mean face table is the mean of the eight photos' face-api
/// landmarks in the frame their hand-marked pupils give.
#[test]
fn mean_face_is_the_photos_mean() {
    let reference = json(&root().join("tests/face/reference.json"));
    let pupils = json(&root().join("tests/fixtures/pupils.json"));
    let mut sum = [[0.0f64; 2]; 68];
    let mut count = 0;
    let mut names = Vec::new();
    for p in reference["photos"].as_array().expect("photos") {
        let name = p["name"].as_str().expect("name");
        let pp = &pupils["photos"][format!("{name}.jpg")];
        let pt = |v: &Value| {
            Vec2::new(
                v["x"].as_f64().expect("x") as f32,
                v["y"].as_f64().expect("y") as f32,
            )
        };
        let size = (
            p["width"].as_u64().expect("w") as u32,
            p["height"].as_u64().expect("h") as u32,
        );
        let cal = Calibration::new(
            pt(&pp["leftPupil"]),
            pt(&pp["rightPupil"]),
            63.0,
            Source::Visitor,
            size,
        )
        .expect("calibration");
        let frame = cal.frame();
        let lm = p["landmarks"][0].as_array().expect("landmarks");
        assert_eq!(lm.len(), 68);
        for (k, q) in lm.iter().enumerate() {
            let q = Vec2::new(
                q[0].as_f64().expect("x") as f32,
                q[1].as_f64().expect("y") as f32,
            );
            let m = frame.image_to_plane(q);
            sum[k][0] += m.x as f64;
            sum[k][1] += m.y as f64;
        }
        count += 1;
        names.push(name.to_string());
    }
    assert_eq!(count, 8);
    let mean: Vec<[f32; 2]> = sum
        .iter()
        .map(|s| [(s[0] / count as f64) as f32, (s[1] / count as f64) as f32])
        .collect();
    if std::env::var_os("UPDATE_MEAN_FACE").is_some() {
        let mut s = String::new();
        s.push_str("//! The mean face: where the 68 face landmarks (face-api's numbering, see\n");
        s.push_str("//! [`crate::face`]) sit in the face frame, used by [`super::hair`] when no\n");
        s.push_str("//! landmarks were detected (the visitor placed the face by tapping the pupils).\n//!\n");
        s.push_str(
            "//! Generated by `UPDATE_MEAN_FACE=1 cargo test --test segment_labels mean_face`:\n",
        );
        s.push_str("//! for each of the eight test photos, face-api's 68 landmarks\n");
        s.push_str(
            "//! (tests/face/reference.json) mapped into projected face-frame millimetres by\n",
        );
        s.push_str("//! `Frame::image_to_plane` of the calibration from the photo's hand-marked\n");
        s.push_str(
            "//! pupils (tests/fixtures/pupils.json, 63 mm, no glabella: the glabella is then\n",
        );
        s.push_str(
            "//! estimated 14 mm above the pupils, as for a visitor's taps), then averaged.\n",
        );
        s.push_str("//! x points to the image's right along the pupil line, y up the face; the\n");
        s.push_str("//! origin is that estimated glabella. Do not edit; the test checks it.\n\n");
        s.push_str("/// The 68 mean landmarks, `[x, y]` in face-frame plane millimetres.\n");
        s.push_str("#[rustfmt::skip]\npub const MEAN_FACE_MM: [[f32; 2]; 68] = [\n");
        for (k, m) in mean.iter().enumerate() {
            s.push_str(&format!("    [{:.3}, {:.3}], // {k}\n", m[0], m[1]));
        }
        s.push_str("];\n");
        let path = root().join("src/segment/mean_face.rs");
        std::fs::write(&path, s).expect("write mean face");
        println!("UPDATED {} from {names:?}", path.display());
        return;
    }
    for (k, (a, b)) in mean.iter().zip(MEAN_FACE_MM.iter()).enumerate() {
        assert!(
            (a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < 1e-3,
            "landmark {k}: mean {a:?}, table {b:?}; run UPDATE_MEAN_FACE=1 cargo test --test segment_labels mean_face"
        );
    }
}

/// The port against the numpy prototype on the prototype's own inputs
/// (its working copy, LiteRT person mask, face-api landmarks, hand-marked
/// pupils), stage by stage. Runs when `python3 tools/hair_parity.py` has
/// written target/hair-parity/ (it needs the prototype; see that file),
/// else skips.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn prototype_parity() {
    let dir = root().join("target/hair-parity");
    if !dir.is_dir() {
        eprintln!(
            "SKIPPED: {} missing; run tools/hair_parity.py",
            dir.display()
        );
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            (p.extension()? == "json").then_some(stem)
        })
        .collect();
    names.sort();
    struct Case {
        name: String,
        analysis: Analysis,
        gt: Vec<u8>,
        rg: Vec<u8>,
        fm: Vec<u8>,
        f: Vec<f32>,
        q: Vec<f32>,
        labels: Vec<u8>,
        w: usize,
        h: usize,
        weights: [f32; FEATURES],
    }
    let mut cases = Vec::new();
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{:<26} {:>7} {:>7} | {:>44} {:>8} | {:>7} {:>7} | {:>27} | {:>27}",
        "photo (prototype inputs)",
        "Rg agr",
        "fm agr",
        "features: share within 0.01 over Rg (×8)",
        "max|ΔF|",
        "q>.5 ag",
        "labels",
        "IoU hair scalp face bg",
        "prototype's IoU"
    );
    for name in &names {
        let meta = json(&dir.join(format!("{name}.json")));
        let bin = std::fs::read(dir.join(format!("{name}.bin"))).expect("bin");
        let (w, h) = (
            meta["width"].as_u64().unwrap() as usize,
            meta["height"].as_u64().unwrap() as usize,
        );
        let n = w * h;
        let mut at = 0usize;
        let mut take = |len: usize| {
            let s = &bin[at..at + len];
            at += len;
            s
        };
        let f32s = |b: &[u8]| -> Vec<f32> {
            b.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        let rgb = take(3 * n).to_vec();
        let p = f32s(take(4 * n));
        let gt = take(n).to_vec();
        let rg = take(n).to_vec();
        let fm = take(n).to_vec();
        let f = f32s(take(4 * n * FEATURES));
        let _boost = f32s(take(4 * n));
        let q = f32s(take(4 * n));
        let labels = take(n).to_vec();
        let rgba: Vec<u8> = rgb
            .chunks_exact(3)
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect();
        let work = Image::from_rgba(w as u32, h as u32, rgba).unwrap();
        let v2 =
            |v: &Value| Vec2::new(v[0].as_f64().unwrap() as f32, v[1].as_f64().unwrap() as f32);
        let (ex, ey) = (v2(&meta["ex"]), v2(&meta["ey"]));
        let frame = Frame {
            px_per_mm: meta["ppm"].as_f64().unwrap() as f32,
            roll: ex.y.atan2(ex.x),
            glabella: v2(&meta["glabella"]),
            ex,
            ey,
            head: Head::default(),
        };
        let lm: [[f32; 2]; 68] = std::array::from_fn(|k| {
            let p = v2(&meta["landmarks"][k]);
            [p.x, p.y]
        });
        let weights: [f32; FEATURES] =
            std::array::from_fn(|k| meta["weights"][k].as_f64().unwrap() as f32);
        let analysis = analyse(&work, 1.0, &p, &frame, Some(&lm)).expect("analysis");
        cases.push(Case {
            name: name.clone(),
            analysis,
            gt,
            rg,
            fm,
            f,
            q,
            labels,
            w,
            h,
            weights,
        });
    }
    let mut failures = Vec::new();
    let mut samples = Vec::new();
    for c in &cases {
        let n = c.w * c.h;
        let a = &c.analysis;
        let agree = |x: &[bool], y: &[u8]| {
            x.iter().zip(y).filter(|(a, b)| **a == (**b != 0)).count() as f64 / n as f64
        };
        let rg_agree = agree(a.decided(), &c.rg);
        let fm_agree = agree(a.forehead(), &c.fm);
        let mut within = [0usize; FEATURES];
        let mut count = 0usize;
        let mut max_diff = 0.0f32;
        for i in 0..n {
            // Where both decide (ours are 0 outside our region).
            if c.rg[i] != 0 && a.decided()[i] {
                count += 1;
                let theirs = &c.f[i * FEATURES..(i + 1) * FEATURES];
                for ((wk, ours), theirs) in within.iter_mut().zip(&a.features()[i]).zip(theirs) {
                    let d = (ours - theirs).abs();
                    *wk += usize::from(d < 0.01);
                    max_diff = max_diff.max(d);
                }
            }
        }
        let model = HairModel { weights: c.weights };
        let seg = a.segment(&model);
        let q_agree = (0..n)
            .filter(|&i| c.rg[i] != 0 && a.decided()[i])
            .filter(|&i| (seg.hair[i] > 127) == (c.q[i] > 0.5))
            .count() as f64
            / (0..n)
                .filter(|&i| c.rg[i] != 0 && a.decided()[i])
                .count()
                .max(1) as f64;
        let lab_agree = seg
            .labels
            .iter()
            .zip(&c.labels)
            .filter(|(a, b)| a == b)
            .count() as f64
            / n as f64;
        let shares: String = within
            .iter()
            .map(|&v| format!("{:>5.3}", v as f64 / count.max(1) as f64))
            .collect::<Vec<_>>()
            .join(" ");
        // IoU at the working size, as the prototype scored.
        let iou: Vec<String> = CLASSES
            .iter()
            .map(|(cl, _)| {
                let c8 = *cl as u8;
                let (mut i, mut u) = (0usize, 0usize);
                for (p, g) in seg.labels.iter().zip(&c.gt) {
                    let a = *p == c8 && *g != Class::Body as u8;
                    let b = *g == c8;
                    i += usize::from(a && b);
                    u += usize::from(a || b);
                }
                format!("{:.3}", i as f64 / u.max(1) as f64)
            })
            .collect();
        let r = reference_of(&REFERENCE_IN, &c.name).map_or(String::new(), |r| {
            format!("{:.3} {:.3} {:.3} {:.3}", r[0], r[1], r[2], r[3])
        });
        let _ = writeln!(
            report,
            "{:<26} {:>7.4} {:>7.4} | {shares:>44} {max_diff:>8.4} | {:>7.4} {:>7.4} | {:>27} | {r:>27}",
            c.name,
            rg_agree,
            fm_agree,
            q_agree,
            lab_agree,
            iou.join(" ")
        );
        if lab_agree < 0.99 {
            failures.push(format!("{}: labels agree on {:.4} only", c.name, lab_agree));
        }
        samples.push(a.samples(&c.gt).expect("samples"));
    }
    // Training on the prototype's inputs gives the prototype's weights.
    let model = HairModel::train(&samples);
    let proto = cases.first().map(|c| c.weights).unwrap_or_default();
    let _ = writeln!(
        report,
        "weights trained on the prototype's inputs: {:?}\n                       prototype's weights: {:?}",
        model.weights, proto
    );
    print!("{report}");
    let diff = model
        .weights
        .iter()
        .zip(&proto)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    if diff > 0.05 {
        failures.push(format!("trained weights differ by {diff}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// This thread's CPU time in milliseconds (Linux: `clock_gettime` of
/// `CLOCK_THREAD_CPUTIME_ID`, nanosecond accounting), so the other jobs
/// on a shared machine do not count; elsewhere the wall clock.
fn cpu_ms() -> f64 {
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn clock_gettime(clock: i32, tp: *mut [i64; 2]) -> i32;
        }
        const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
        let mut tp = [0i64; 2];
        // SAFETY: clock_gettime writes one struct timespec (two 64-bit
        // fields on 64-bit Linux) to a valid pointer.
        if unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut tp) } == 0 {
            return tp[0] as f64 * 1e3 + tp[1] as f64 * 1e-6;
        }
    }
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// Runs per photo in [`stage_timings`].
const REPS: usize = 15;

/// Native release run time of each stage, as this thread's CPU time (the
/// machine is shared), the least of [`REPS`] runs per photo.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn stage_timings() {
    let Some(photos) = photos() else { return };
    let model = HairModel::default();
    let mut stages: Vec<&'static str> = Vec::new();
    let mut rows = Vec::new();
    for p in photos {
        let mut best: Vec<f64> = Vec::new();
        let mut best_total = f64::INFINITY;
        for _ in 0..REPS {
            let mut times: Vec<(&'static str, f64)> = Vec::new();
            let start = cpu_ms();
            let mut last = cpu_ms();
            let mut mark = |s: &'static str| {
                let now = cpu_ms();
                times.push((s, now - last));
                last = now;
            };
            let a = analyse_traced(
                &p.work,
                p.step,
                &p.person,
                &p.frame,
                Some(&p.landmarks),
                &mut mark,
            )
            .expect("analysis");
            let seg = a.segment_traced(&model, &mut mark);
            let total = cpu_ms() - start;
            assert_eq!(seg.labels.len(), (p.work.width * p.work.height) as usize);
            if stages.is_empty() {
                stages = times.iter().map(|t| t.0).collect();
            }
            if best.is_empty() {
                best = vec![f64::INFINITY; times.len()];
            }
            for (b, t) in best.iter_mut().zip(&times) {
                *b = b.min(t.1);
            }
            best_total = best_total.min(total);
        }
        rows.push((
            p.name.clone(),
            p.work.width,
            p.work.height,
            best,
            best_total,
        ));
    }
    println!("stage timings, native release, thread CPU time, least of {REPS} runs (ms):");
    for (k, st) in stages.iter().enumerate() {
        let mut line = format!("{st:<22}");
        for r in &rows {
            line.push_str(&format!(" {:>6.2}", r.3[k]));
        }
        println!("{line}");
    }
    let mut line = format!("{:<22}", "total (least)");
    for r in &rows {
        line.push_str(&format!(" {:>6.2}", r.4));
    }
    println!("{line}");
    let mut line = format!("{:<22}", "working copy");
    for r in &rows {
        line.push_str(&format!(" {:>3}x{:<3}", r.1, r.2));
    }
    println!("{line}");
    println!(
        "photos: {}",
        rows.iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The product's second pass (`analyse::refine`: a model trained on the
/// photo itself from the first pass's sure hair and the forehead skin),
/// out of sample: the first pass uses the weights trained on the other
/// seven photos. Printed beside the first pass alone; the mean hair IoU
/// must not drop and the scalp's must stay within 0.01.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn refined_leave_one_photo_out_iou() {
    let Some(photos) = photos() else { return };
    let (mut first, mut refined) = (Vec::new(), Vec::new());
    for (i, p) in photos.iter().enumerate() {
        let model = train_on(photos, Some(i));
        let a = score(&p.analysis.segment(&model), &p.labels, p.lw, p.lh);
        let b = score(
            &hairline_visualizer::analyse::refine(&p.analysis, &model),
            &p.labels,
            p.lw,
            p.lh,
        );
        first.push((p.name.clone(), a, None));
        let ref_ = Some(first.last().expect("a row").1.iou);
        refined.push((p.name.clone(), b, ref_));
    }
    print!(
        "{}",
        table(
            "REFINED, LEAVE-ONE-PHOTO-OUT vs the first pass alone",
            &refined
        )
    );
    // The shaved head under side light: its shadowed side is scalp, not
    // hair (0.750 when it was read as hair, 0.876 since).
    let shadowed = refined
        .iter()
        .find(|r| r.0 == "front-shaved-medium-01")
        .expect("the shaved head");
    assert!(
        shadowed.1.iou[1] >= 0.85,
        "front-shaved-medium-01: refined scalp IoU {:.3}",
        shadowed.1.iou[1]
    );
    let (a, b) = (means(&first), means(&refined));
    assert!(
        b[0] >= a[0],
        "mean hair IoU {:.3} after refining, {:.3} before",
        b[0],
        a[0]
    );
    assert!(
        b[1] >= a[1] - 0.01,
        "mean scalp IoU {:.3} after refining, {:.3} before",
        b[1],
        a[1]
    );
}
