//! What a visitor sees on the real test photos: the element's default
//! design (natural, healed, 70 dots/cm² of 0.7 mm) rendered at full size
//! on every photo in ../shared/photos, measured against the hand-drawn
//! labels in tests/fixtures/labels/:
//!
//! - fewer than 1 % of the labelled hair pixels are darkened;
//! - at least 90 % of the labelled scalp behind the hairline (where the
//!   design asks for full density) lies within one dot spacing of a dot;
//! - no dot sits on the backdrop, the face or the body, and no pixel there
//!   is darkened.
//!
//! RENDER_PHOTOS_OUT=dir writes each render as dir/NAME-PATH.png.
//!
//! Calibration comes from the face the core finds itself (the product's
//! path). Needs `target/face-fixtures/*.rgba` (the photos as Chromium
//! decodes them, written by `node tests/face/oracle.mjs`) and the weights in
//! node_modules; missing inputs skip with a message. Release only (slow
//! unoptimised).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/png_io.rs"]
mod png_io;

use std::path::PathBuf;

use hairline_visualizer::analyse::Models;
use hairline_visualizer::design::Design;
use hairline_visualizer::engine::{Engine, Labels};
use hairline_visualizer::face::FaceModels;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::hairline::{control_points, curve, feather_for, DistanceGrid};
use hairline_visualizer::image::Image;
use hairline_visualizer::scale::DEFAULT_IPD_MM;
use hairline_visualizer::scalp::{label, ScalpMask};
use png_io::{read_png, write_png};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const PHOTOS: [&str; 8] = [
    "front-bald-dark-01",
    "front-bald-light-01",
    "front-receding-dark-01",
    "front-receding-light-01",
    "front-receding-medium-01",
    "front-shaved-dark-01",
    "front-shaved-medium-01",
    "front-thinning-light-01",
];

fn face_models() -> Option<FaceModels> {
    let d = root().join("node_modules/@vladmandic/face-api/model");
    let read = |name: &str| {
        let m = std::fs::read_to_string(d.join(format!("{name}-weights_manifest.json"))).ok()?;
        let b = std::fs::read(d.join(format!("{name}.bin"))).ok()?;
        Some((m, b))
    };
    let ((dm, db), (lm, lb)) = (
        read("tiny_face_detector_model")?,
        read("face_landmark_68_model")?,
    );
    FaceModels::load(&dm, &db, &lm, &lb).ok()
}

/// The model worker's nets (face detection, person net, hair model).
fn models() -> Option<Models> {
    let nm = root().join("node_modules");
    let d = nm.join("@vladmandic/face-api/model");
    let text = |p: PathBuf| std::fs::read_to_string(p).ok();
    let bytes = |p: PathBuf| std::fs::read(p).ok();
    Models::load(
        &text(d.join("tiny_face_detector_model-weights_manifest.json"))?,
        &bytes(d.join("tiny_face_detector_model.bin"))?,
        &text(d.join("face_landmark_68_model-weights_manifest.json"))?,
        &bytes(d.join("face_landmark_68_model.bin"))?,
        &bytes(nm.join("@mediapipe/selfie_segmentation/selfie_segmentation.tflite"))?,
    )
    .ok()
}

/// The photo as Chromium decodes it (written by the face oracle, whose
/// reference.json holds the sizes).
fn photo(name: &str) -> Option<Image> {
    let data = std::fs::read(root().join(format!("target/face-fixtures/{name}.rgba"))).ok()?;
    let text = std::fs::read_to_string(root().join("tests/face/reference.json")).ok()?;
    let reference: serde_json::Value = serde_json::from_str(&text).ok()?;
    let entry = reference["photos"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?;
    let (w, h) = (
        entry["width"].as_u64()? as u32,
        entry["height"].as_u64()? as u32,
    );
    Image::from_rgba(w, h, data).ok()
}

/// The hand labels (values 0..4) at full photo size.
fn hand_labels(name: &str) -> Vec<u8> {
    let im = read_png(&root().join(format!("tests/fixtures/labels/{name}.png"))).expect("labels");
    im.data.chunks_exact(4).map(|p| p[0]).collect()
}

/// The hand labels on the working grid the core segments on (nearest).
fn labels_on_grid(full: &[u8], width: u32, height: u32) -> Labels {
    let (gw, gh, step) = ScalpMask::working_size(width, height);
    let labels = (0..gw * gh)
        .map(|i| {
            let (x, y) = (i % gw, i / gw);
            let fx = (((x as f32 + 0.5) * step) as u32).min(width - 1);
            let fy = (((y as f32 + 0.5) * step) as u32).min(height - 1);
            full[(fy * width + fx) as usize]
        })
        .collect();
    Labels {
        width: gw,
        height: gh,
        step,
        labels,
        skin_lab: None,
        outline_px: 0.0,
    }
}

struct Measured {
    hair_darkened: f32,
    scalp_covered: f32,
    dots_off_head: usize,
    off_head_darkened: usize,
    dots: usize,
    /// The skin type read from the forehead (Fitzpatrick, by ITA).
    skin: Option<&'static str>,
    /// Share of the head just behind the line that is hair, and whether
    /// the core calls the line inside the visitor's own hair.
    behind_hair: Option<f32>,
    in_hair: Option<bool>,
    /// How the face's thirds read with the default line.
    balance: Option<&'static str>,
}

fn luma(p: [u8; 4]) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

/// Render the default design on `name` with `segment` deciding the
/// segmentation, and measure it against the hand labels.
fn measure(name: &str, path: &Path) -> Option<Measured> {
    let im = photo(name)?;
    let (w, h) = (im.width, im.height);
    let gt = hand_labels(name);
    assert_eq!(gt.len(), (w * h) as usize, "{name}: label size");
    let mut e = Engine::new();
    e.set_photo(im.clone()).expect("photo");
    let seg = match path {
        Path::Colour(faces) => {
            let found = e.find_face(faces).expect("a face");
            e.place_face(&found).expect("placed");
            None
        }
        Path::HandLabels(faces) => {
            let found = e.find_face(faces).expect("a face");
            e.place_face(&found).expect("placed");
            let p = e.photo().expect("photo");
            Some(labels_on_grid(&gt, p.width, p.height))
        }
        Path::Product(models) => {
            let (work, step) = e.working_copy().expect("working copy");
            let found = models
                .analyse(&work.clone(), step, DEFAULT_IPD_MM)
                .expect("analysis");
            e.place_located(&found.face.expect("a face"))
                .expect("placed");
            Some(found.segmentation.expect("a segmentation").into())
        }
    };
    if let Some(seg) = seg {
        e.set_segmentation(seg).expect("segmentation");
    }
    let stats = e.render_full().expect("render");
    let out = e.full().expect("full render").clone();
    if let Ok(dir) = std::env::var("RENDER_PHOTOS_OUT") {
        let _ = std::fs::create_dir_all(&dir);
        let _ = write_png(
            &PathBuf::from(dir).join(format!("{name}-{}.png", path.tag())),
            &out,
        );
    }
    let frame = e.frame().expect("frame");
    let view = e.view().expect("view");
    let design = Design::default();

    // Darkened: the render's luma at least 3 levels below the photo's.
    let darkened = |i: usize| {
        let (x, y) = ((i as u32) % w, (i as u32) / w);
        luma(im.pixel(x, y)) - luma(out.pixel(x, y)) >= 3.0
    };
    let hair: Vec<usize> = (0..gt.len()).filter(|&i| gt[i] == label::HAIR).collect();
    let hair_darkened = if hair.is_empty() {
        0.0
    } else {
        hair.iter().filter(|&&i| darkened(i)).count() as f32 / hair.len() as f32
    };
    let off_head_darkened = (0..gt.len())
        .filter(|&i| matches!(gt[i], label::BACKGROUND | label::FACE | label::BODY) && darkened(i))
        .count();

    // Dot centres (image px).
    let dots: Vec<Vec2> = e
        .visible_dots()
        .expect("dots")
        .iter()
        .map(|d| Vec2::new(d.x, d.y))
        .collect();
    assert_eq!(dots.len() as u32, stats.dots);
    let dots_off_head = dots
        .iter()
        .filter(|d| {
            let (x, y) = (d.x as u32, d.y as u32);
            x < w
                && y < h
                && matches!(
                    gt[(y * w + x) as usize],
                    label::BACKGROUND | label::FACE | label::BODY
                )
        })
        .count();

    // Coverage of the scalp behind the hairline, past the feather (where
    // the design asks for full density), on a coarse grid of the photo.
    let line = DistanceGrid::build(&curve(&control_points(&design), 16));
    let feather = feather_for(&design);
    let spacing_px = 10.0 / design.density.sqrt() * frame.px_per_mm;
    let cell = (spacing_px * 2.0).max(4.0);
    let gw = (w as f32 / cell).ceil() as usize + 1;
    let gh = (h as f32 / cell).ceil() as usize + 1;
    let mut buckets: Vec<Vec<Vec2>> = vec![Vec::new(); gw * gh];
    for d in &dots {
        if d.x >= 0.0 && d.y >= 0.0 {
            let (i, j) = ((d.x / cell) as usize, (d.y / cell) as usize);
            if i < gw && j < gh {
                buckets[j * gw + i].push(*d);
            }
        }
    }
    let near_dot = |p: Vec2| {
        let (i, j) = ((p.x / cell) as isize, (p.y / cell) as isize);
        (-1..=1).any(|dj| {
            (-1..=1).any(|di| {
                let (a, b) = (i + di, j + dj);
                a >= 0
                    && b >= 0
                    && (a as usize) < gw
                    && (b as usize) < gh
                    && buckets[b as usize * gw + a as usize]
                        .iter()
                        .any(|d| d.minus(p).len() <= spacing_px)
            })
        })
    };
    let (mut behind, mut covered) = (0usize, 0usize);
    let stride = ((spacing_px / 2.0) as u32).max(1);
    for y in (0..h).step_by(stride as usize) {
        for x in (0..w).step_by(stride as usize) {
            if gt[(y * w + x) as usize] != label::SCALP {
                continue;
            }
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let face = view.to_face(p);
            if line.sample(face) < feather.width + feather.jitter {
                continue;
            }
            behind += 1;
            covered += near_dot(p) as usize;
        }
    }
    let scalp_covered = if behind == 0 {
        1.0
    } else {
        covered as f32 / behind as f32
    };
    let skin = e
        .scalp_mask()
        .and_then(|m| m.skin_lab)
        .map(hairline_visualizer::pigment::shade_for_skin);
    let fit = e.line_fit();
    let (behind_hair, in_hair) = (fit.map(|f| f.hair), fit.map(|f| f.in_hair));
    let balance = e.thirds().map(|t| t.balance);
    Some(Measured {
        balance,
        in_hair,
        behind_hair,
        skin,
        hair_darkened,
        scalp_covered,
        dots_off_head,
        off_head_darkened,
        dots: dots.len(),
    })
}

/// How the face is found and the photo segmented.
enum Path {
    /// The core's face detection on the full photo, the hand labels as the
    /// segmentation: what the renderer reaches when the segmentation is
    /// right.
    HandLabels(FaceModels),
    /// The product's path: the model worker's analysis of the working
    /// copy (face and segmentation), the face finished on the full photo.
    Product(Models),
    /// Without a segmentation: the scalp grown from the forehead by colour
    /// (the fallback when the person net is unavailable).
    Colour(FaceModels),
}

impl Path {
    /// A short name for file names.
    fn tag(&self) -> &'static str {
        match self {
            Path::HandLabels(_) => "hand-labels",
            Path::Product(_) => "product",
            Path::Colour(_) => "colour",
        }
    }
}

/// What a path must meet on a photo: at most this share of the hair
/// darkened, at least this share of the scalp behind the line covered, at
/// most this many dots off the head (backdrop, face, body).
#[derive(Clone, Copy)]
struct Floor {
    hair_darkened: f32,
    scalp_covered: f32,
    dots_off_head: usize,
}

/// The renderer on a right segmentation: no more than 1 % of the hair,
/// at least 90 % of the scalp, nothing off the head.
const HAND_LABELS: Floor = Floor {
    hair_darkened: 0.01,
    scalp_covered: 0.9,
    dots_off_head: 0,
};

/// The product's segmentation, per photo: what it measured here when it
/// was written (hair darkened %, scalp covered %, dots off the head), with
/// a margin of 1.5 points of hair, 5 points of scalp and 10 dots. The
/// known misses, each visible in target/hair-review/ (make test-labels):
/// bald-light's thin side hair is partly read as scalp, so the fade runs
/// into it (3.7 %, looks like SMP under thinning hair); thinning-light's
/// thin white hair at the left temple reads as scalp (5.5 %);
/// shaved-medium's outline on top is a few pixels wider than the
/// hand-drawn one on that small, soft photo (39 faint dots at the rim).
/// Its shadowed side, read as hair and left bare until a hair region had
/// to be paler or darker than the skin as a whole, is dotted now (scalp
/// covered 56.6 % before, 87.7 % since).
fn product_floor(name: &str) -> Floor {
    let (hair, scalp, off) = match name {
        "front-bald-dark-01" => (1.41, 91.3, 0),
        "front-bald-light-01" => (3.74, 97.1, 0),
        "front-receding-dark-01" => (0.84, 97.0, 0),
        "front-receding-light-01" => (0.27, 100.0, 0),
        "front-receding-medium-01" => (0.10, 100.0, 0),
        "front-shaved-dark-01" => (0.0, 92.1, 0),
        "front-shaved-medium-01" => (0.0, 87.7, 39),
        "front-thinning-light-01" => (5.47, 99.9, 0),
        _ => panic!("no floor for {name}"),
    };
    Floor {
        hair_darkened: (hair + 1.5f32).max(1.0) / 100.0,
        scalp_covered: (scalp - 5.0) / 100.0,
        dots_off_head: off + 10,
    }
}

/// Renders the default design on every photo along `path`, prints the
/// table, checks each photo against `floor` and returns the measurements.
fn run(path: &Path, floor: &dyn Fn(&str) -> Floor, what: &str) -> Vec<Measured> {
    if photo(PHOTOS[0]).is_none() {
        eprintln!(
            "SKIPPED: no decoded photos in target/face-fixtures (run `node tests/face/oracle.mjs`)"
        );
        return Vec::new();
    }
    println!("{what}: photo | dots | hair darkened | scalp behind the line covered | dots / darkened px off the head | skin | hair behind the line");
    let mut failures = Vec::new();
    let mut all = Vec::new();
    for name in PHOTOS {
        let m = measure(name, path).expect("photo");
        println!(
            "{name:26} {:6} {:7.2} % {:7.1} % {:5} / {:<5} {:4} {}",
            m.dots,
            100.0 * m.hair_darkened,
            100.0 * m.scalp_covered,
            m.dots_off_head,
            m.off_head_darkened,
            m.skin.unwrap_or("-"),
            m.behind_hair
                .map_or("-".to_string(), |h| format!("{:.0} %", 100.0 * h))
        );
        let f = floor(name);
        if m.hair_darkened > f.hair_darkened {
            failures.push(format!(
                "{name}: {:.2} % of hair darkened",
                100.0 * m.hair_darkened
            ));
        }
        if m.scalp_covered < f.scalp_covered {
            failures.push(format!(
                "{name}: only {:.1} % of the scalp behind the line near a dot",
                100.0 * m.scalp_covered
            ));
        }
        if m.dots_off_head > f.dots_off_head {
            failures.push(format!(
                "{name}: {} dots on the backdrop, face or body",
                m.dots_off_head
            ));
        }
        if f.dots_off_head == 0 && m.off_head_darkened > 0 {
            failures.push(format!(
                "{name}: {} darkened pixels on the backdrop, face or body",
                m.off_head_darkened
            ));
        }
        all.push(m);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    all
}

/// The renderer's rules on a perfect segmentation (the hand labels
/// themselves): what the product can reach when the segmentation is right.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn the_default_design_on_hand_labels() {
    let Some(faces) = face_models() else {
        eprintln!("SKIPPED: no face weights in node_modules (run `npm ci`)");
        return;
    };
    run(&Path::HandLabels(faces), &|_| HAND_LABELS, "hand labels");
}

/// The product's own segmentation (src/analyse.rs, as the model worker
/// runs it), measured against the hand labels, and against the colour-grown
/// mask it replaced: on average it darkens less hair and covers more scalp.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow unoptimised; run with --release")]
fn the_default_design_on_the_products_segmentation() {
    let (Some(models), Some(faces)) = (models(), face_models()) else {
        eprintln!("SKIPPED: no face weights or person net in node_modules (run `npm ci`)");
        return;
    };
    let product = run(&Path::Product(models), &product_floor, "product");
    let colour = run(
        &Path::Colour(faces),
        &|_| Floor {
            hair_darkened: 1.0,
            scalp_covered: 0.0,
            dots_off_head: usize::MAX,
        },
        "colour-grown mask (the fallback)",
    );
    let mean = |v: &[Measured], f: fn(&Measured) -> f32| {
        v.iter().map(f).sum::<f32>() / v.len().max(1) as f32
    };
    let (ph, ch) = (
        mean(&product, |m| m.hair_darkened),
        mean(&colour, |m| m.hair_darkened),
    );
    let (ps, cs) = (
        mean(&product, |m| m.scalp_covered),
        mean(&colour, |m| m.scalp_covered),
    );
    println!(
        "mean hair darkened: product {:.2} %, colour-grown {:.2} %; scalp covered: {:.1} %, {:.1} %",
        100.0 * ph,
        100.0 * ch,
        100.0 * ps,
        100.0 * cs
    );
    assert!(
        ph < 0.3 * ch,
        "the segmentation darkens {ph} of the hair, the colour mask {ch}"
    );
    assert!(
        ps > cs,
        "the segmentation covers {ps} of the scalp, the colour mask {cs}"
    );
    // The default line lies inside the remaining hair exactly where a
    // visitor sees little change: the receding hairlines already at or
    // below it, and the thinning head whose hair covers it.
    for (name, m) in PHOTOS.iter().zip(&product) {
        let want = matches!(
            *name,
            "front-receding-light-01" | "front-receding-medium-01" | "front-thinning-light-01"
        );
        assert_eq!(m.in_hair, Some(want), "{name}: line inside the hair");
        // The line the widget places by the usual rules is never called too
        // high for the face (the thirds measure all three straight).
        assert_ne!(m.balance, Some("high"), "{name}: thirds after placement");
        assert!(m.balance.is_some(), "{name}: thirds after placement");
        // The skin type read from the forehead's less lit half, against
        // what the photos show: the dark skins V–VI (IV when the lit half
        // counted), the medium ones III–V (II for the shaved head under
        // its warm key light before), the light ones I–II. The known miss:
        // bald-light's light skin under warm light still reads IV.
        let want: &[&str] = match *name {
            "front-bald-dark-01" | "front-receding-dark-01" | "front-shaved-dark-01" => {
                &["V", "VI"]
            }
            "front-receding-medium-01" | "front-shaved-medium-01" => &["III", "IV", "V"],
            "front-receding-light-01" | "front-thinning-light-01" => &["I", "II"],
            _ => &["I", "II", "III", "IV"],
        };
        let skin = m.skin.unwrap_or("-");
        assert!(want.contains(&skin), "{name}: skin read as type {skin}");
    }
}
