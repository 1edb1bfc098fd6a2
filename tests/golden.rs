#![cfg(not(target_arch = "wasm32"))]
//! Golden-image tests: fixed designs rendered onto synthetic portraits
//! (tests/support/photo.rs) and compared with the reference PNGs in
//! tests/golden/ within a small tolerance (tests/support/golden.rs).
//!
//!   cargo test --test golden     compare; on failure see target/golden-diff/
//!   make golden                  regenerate the references (then look at them)
//!
//! A missing reference fails; references are written only by `make golden`
//! (`UPDATE_GOLDEN=1`). The invariant tests at the end keep the references
//! meaningful: renders are deterministic, only the scalp changes, the seed
//! matters, and the comparison really catches a 10 % change in dot
//! darkness or a hairline moved by 2 mm.

mod support;

use hairline_visualizer::design::{Design, Look, Mode, Stroke, Style, ZoneMode};
use hairline_visualizer::engine::Engine;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::image::{Image, Rect};
use hairline_visualizer::scale::{Frame, Source};
use std::sync::{Mutex, MutexGuard, OnceLock};
use support::golden::{check, compare, diff_image, golden_dir, MAX_DIFF};
use support::photo::{portrait, Portrait, Skin, HEIGHT, IPD_MM, WIDTH};

/// The test photos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Photo {
    Light,
    Medium,
    Dark,
    /// Medium skin, head rolled 10° (the right pupil lower).
    MediumRolled,
}

impl Photo {
    const ALL: [Photo; 4] = [
        Photo::Light,
        Photo::Medium,
        Photo::Dark,
        Photo::MediumRolled,
    ];

    fn generate(self) -> Portrait {
        match self {
            Photo::Light => portrait(Skin::Light, 0.0),
            Photo::Medium => portrait(Skin::Medium, 0.0),
            Photo::Dark => portrait(Skin::Dark, 0.0),
            Photo::MediumRolled => portrait(Skin::Medium, 10.0),
        }
    }
}

/// A fresh engine with `photo` loaded and calibrated on its known pupils.
fn fresh_engine(photo: &Portrait) -> Engine {
    let mut e = Engine::new();
    e.set_photo(photo.image.clone()).expect("photo loads");
    e.set_calibration(photo.left_pupil, photo.right_pupil, IPD_MM, Source::Visitor)
        .expect("calibration");
    e.set_segmentation(photo.labels()).expect("segmentation");
    e
}

/// One loaded engine per photo, shared by the tests: building the dot field
/// takes over a second in a debug build, switching designs milliseconds.
/// `renders_are_deterministic` checks that a shared engine renders exactly
/// what a fresh one does.
struct Session {
    photo: Portrait,
    engine: Engine,
}

fn session(photo: Photo) -> MutexGuard<'static, Session> {
    static SESSIONS: [OnceLock<Mutex<Session>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let i = Photo::ALL.iter().position(|p| *p == photo).unwrap();
    SESSIONS[i]
        .get_or_init(|| {
            let photo = photo.generate();
            let engine = fresh_engine(&photo);
            Mutex::new(Session { photo, engine })
        })
        .lock()
        // A test that failed while holding the lock leaves a usable engine.
        .unwrap_or_else(|e| e.into_inner())
}

/// Render `design` at full resolution on `engine`.
fn render_on(engine: &mut Engine, design: Design) -> Image {
    engine.set_design(design).expect("valid design");
    let stats = engine.render_full().expect("render");
    assert!(stats.dots > 100, "hardly any dots: {stats:?}");
    engine.full().expect("full render").clone()
}

/// The full-resolution render of `design` on `photo`.
fn render(photo: Photo, design: Design) -> Image {
    render_on(&mut session(photo).engine, design)
}

fn style(s: Style) -> Image {
    render(Photo::Medium, Design::preset(s))
}

/// The preview's view: the hairline region, 3× enlarged.
const VIEW: Rect = Rect {
    x: 100.0,
    y: 50.0,
    w: 120.0,
    h: 90.0,
};

fn preview_on(engine: &mut Engine, design: Design) -> Image {
    engine.set_design(design).expect("valid design");
    engine.set_view(VIEW, 360, 270).expect("view");
    let stats = engine.render_preview().expect("preview");
    assert_eq!((stats.width, stats.height), (360, 270));
    engine.preview().clone()
}

/// One `#[test]` per case, each comparing with `tests/golden/<file>.png`;
/// `CASES` lists the files so stray references are noticed.
macro_rules! golden_cases {
    ($($test:ident => $file:literal: $render:expr;)*) => {
        const CASES: &[&str] = &[$($file),*];
        $(
            #[test]
            fn $test() {
                check($file, &$render);
            }
        )*
    };
}

golden_cases! {
    golden_style_natural => "style-natural": style(Style::Natural);
    golden_style_soft => "style-soft": style(Style::Soft);
    golden_style_defined => "style-defined": style(Style::Defined);
    golden_style_mature => "style-mature": style(Style::Mature);
    golden_style_widows_peak => "style-widows-peak": style(Style::WidowsPeak);
    golden_look_fresh => "look-fresh": render(Photo::Medium, Design {
        look: Look::Fresh,
        ..Design::preset(Style::Natural)
    });
    golden_shade_custom => "shade-custom": render(Photo::Medium, Design {
        shade: "#5a4636".into(),
        ..Design::preset(Style::Natural)
    });
    golden_shade_fitzpatrick_i_light => "shade-i-light-skin": render(Photo::Light, Design {
        shade: "I".into(),
        ..Design::preset(Style::Natural)
    });
    golden_shade_fitzpatrick_vi_dark => "shade-vi-dark-skin": render(Photo::Dark, Design {
        shade: "VI".into(),
        ..Design::preset(Style::Natural)
    });
    golden_zones_add_and_erase => "zones-add-erase": render(Photo::Medium, zoned_design());
    golden_look_aged => "look-aged": render(Photo::Medium, Design {
        look: Look::Aged,
        ..Design::preset(Style::Natural)
    });
    golden_session_one => "session-1": render(Photo::Medium, Design {
        session: 1,
        ..Design::preset(Style::Natural)
    });
    golden_mode_full_buzz_cut => "mode-full-buzz-cut": render(Photo::Medium, Design {
        mode: Mode::Full,
        buzz_cut: true,
        ..Design::preset(Style::Natural)
    });
    golden_mode_thinning => "mode-thinning": render(Photo::Light, Design {
        mode: Mode::Thinning,
        ..Design::preset(Style::Natural)
    });
    golden_scar_brush => "scar-brush": render(Photo::Medium, Design {
        zones: vec![Stroke {
            mode: ZoneMode::Scar,
            radius_mm: 5.0,
            points: vec![[-30.0, 110.0], [30.0, 110.0]],
        }],
        ..Design::preset(Style::Soft)
    });
    golden_rolled_head => "roll-10deg": render(Photo::MediumRolled, Design::preset(Style::Natural));
    golden_preview_zoomed => "preview-zoom": preview_on(
        &mut session(Photo::Medium).engine,
        Design::preset(Style::Natural),
    );
}

/// Painted zones on Mature (receded temples): an add stroke over the crown
/// (behind the line the scalp is covered already, so it shows only where
/// the scalp mask fades towards the top outline), an add stroke filling the
/// left temple recession below the line, and a patch erased behind the line
/// on the right (e.g. around a scar).
fn zoned_design() -> Design {
    let mut d = Design::preset(Style::Mature);
    d.zones = vec![
        Stroke {
            mode: ZoneMode::Add,
            radius_mm: 20.0,
            points: vec![[0.0, 125.0], [0.0, 140.0]],
        },
        Stroke {
            mode: ZoneMode::Add,
            radius_mm: 7.0,
            points: vec![[-50.0, 72.0], [-42.0, 84.0], [-34.0, 92.0]],
        },
        Stroke {
            mode: ZoneMode::Erase,
            radius_mm: 6.0,
            points: vec![[18.0, 100.0], [30.0, 104.0]],
        },
    ];
    d
}

// ---- the comparison itself ---------------------------------------------

#[test]
fn every_reference_belongs_to_a_case() {
    let Ok(dir) = std::fs::read_dir(golden_dir()) else {
        return; // No references yet: every case fails and says so.
    };
    let mut stray = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(case) = name.strip_suffix(".png") {
            if !CASES.contains(&case) {
                stray.push(name);
            }
        }
    }
    assert!(
        stray.is_empty(),
        "tests/golden/ holds references no case uses (delete them): {stray:?}"
    );
}

/// A flat test image with a few marks.
fn pattern() -> Image {
    let mut im = Image::new(100, 50, [120, 130, 140, 255]).unwrap();
    for (i, b) in im.data.iter_mut().enumerate() {
        if i % 4 != 3 {
            *b = b.wrapping_add((i * 7 % 50) as u8);
        }
    }
    im
}

/// Set the green channel of pixel (x, y) of `im` to `base`'s plus `by`.
fn offset(im: &mut Image, base: &Image, x: u32, y: u32, by: i16) {
    let i = ((y * im.width + x) * 4) as usize;
    im.data[i + 1] = (base.data[i + 1] as i16 + by).clamp(0, 255) as u8;
}

#[test]
fn tolerance_allows_rounding_and_nothing_more() {
    let a = pattern();
    assert!(compare(&a, &a).passes());
    assert_eq!(compare(&a, &a).differing, 0);
    // Off by one everywhere: rounding, passes.
    let mut b = a.clone();
    for y in 0..50 {
        for x in 0..100 {
            offset(&mut b, &a, x, y, if (x + y) % 2 == 0 { 1 } else { -1 });
        }
    }
    let c = compare(&a, &b);
    assert!(c.passes(), "{}", c.summary());
    assert_eq!((c.max_diff, c.over_1, c.differing), (1, 0, 5000));
    // 5000 pixels: 0.1 % is 5 pixels that may differ by 2.
    for x in 0..5 {
        offset(&mut b, &a, x * 7, 3, 2);
    }
    let c = compare(&a, &b);
    assert!(c.passes(), "{}", c.summary());
    offset(&mut b, &a, 50, 40, -2);
    let c = compare(&a, &b);
    assert!(!c.passes(), "six pixels off by 2 is too many");
    // A single pixel off by 3 fails.
    let mut d = a.clone();
    offset(&mut d, &a, 10, 20, 3);
    let c = compare(&a, &d);
    assert!(!c.passes());
    assert_eq!((c.max_diff, c.max_at), (3, (10, 20)));
    assert!(c.summary().contains("at (10, 20)"), "{}", c.summary());
    // Sizes must match.
    let e = Image::new(100, 49, [0, 0, 0, 255]).unwrap();
    assert!(!compare(&a, &e).passes());
    assert!(compare(&a, &e).summary().contains("size"));
    let diff = diff_image(&a, &e);
    assert_eq!((diff.width, diff.height), (100 * 3 + 8, 50));
}

#[test]
fn diff_image_marks_the_differences() {
    let a = pattern();
    let mut b = a.clone();
    offset(&mut b, &a, 5, 5, 1);
    offset(&mut b, &a, 6, 5, 40);
    let d = diff_image(&a, &b);
    assert_eq!((d.width, d.height), (308, 50));
    let panel = 2 * (100 + 4);
    assert_eq!(d.pixel(panel + 6, 5), [255, 0, 255, 255], "beyond: magenta");
    assert_eq!(d.pixel(panel + 5, 5), [0, 170, 170, 255], "within: teal");
    let same = d.pixel(panel + 7, 5);
    assert!(same[0] == same[1] && same[1] == same[2] && same[0] < 100);
    // Left and middle panels are the images themselves.
    assert_eq!(d.pixel(6, 5), a.pixel(6, 5));
    assert_eq!(d.pixel(104 + 6, 5), b.pixel(6, 5));
}

/// `photo` with the render's darkening (photo − render, per channel)
/// scaled by `k`: k = 1.1 is dots 10 % darker, 0.9 10 % lighter.
fn scale_darkening(photo: &Image, render: &Image, k: f32) -> Image {
    let mut out = render.clone();
    for (o, (p, r)) in out.data.iter_mut().zip(photo.data.iter().zip(&render.data)) {
        let dark = *p as f32 - *r as f32;
        *o = (*p as f32 - dark * k).round().clamp(0.0, 255.0) as u8;
    }
    out
}

#[test]
fn a_10_percent_change_in_dot_darkness_fails() {
    let mut s = session(Photo::Medium);
    let s = &mut *s;
    for style in [Style::Natural, Style::Soft] {
        let base = render_on(&mut s.engine, Design::preset(style));
        // Scaling by exactly 1 reproduces the render: the perturbation is
        // only the darkness.
        assert_eq!(scale_darkening(&s.photo.image, &base, 1.0), base);
        for k in [0.9, 1.1] {
            let c = compare(&base, &scale_darkening(&s.photo.image, &base, k));
            assert!(
                !c.passes(),
                "{style:?}: dots {k}× as dark still pass: {}",
                c.summary()
            );
            assert!(c.max_diff > MAX_DIFF, "{style:?} {k}: {}", c.summary());
        }
    }
}

#[test]
fn moving_the_hairline_2mm_fails() {
    let mut s = session(Photo::Medium);
    for style in [Style::Natural, Style::Soft, Style::Defined] {
        let design = Design::preset(style);
        let base = render_on(&mut s.engine, design.clone());
        for dh in [-2.0, 2.0] {
            let moved = Design {
                height_mm: design.height_mm + dh,
                ..design.clone()
            };
            let c = compare(&base, &render_on(&mut s.engine, moved));
            assert!(
                !c.passes(),
                "{style:?}: hairline moved {dh} mm still passes: {}",
                c.summary()
            );
            assert!(c.max_diff > MAX_DIFF, "{style:?} {dh}: {}", c.summary());
            assert!(
                c.over_1 > c.allowed_over_1(),
                "{style:?} {dh}: {}",
                c.summary()
            );
        }
    }
}

// ---- invariants that make the references meaningful ---------------------

#[test]
fn renders_are_deterministic() {
    let design = Design::preset(Style::Natural);
    // A fresh engine on a freshly generated photo ...
    let photo = Photo::Medium.generate();
    let mut fresh = fresh_engine(&photo);
    let a = render_on(&mut fresh, design.clone());
    let a_preview = preview_on(&mut fresh, design.clone());
    // ... renders the same bytes again ...
    assert!(a == render_on(&mut fresh, design.clone()));
    assert!(a_preview == preview_on(&mut fresh, design.clone()));
    // ... and the same as the shared engine, whatever it rendered before:
    // the caches depend on nothing but their inputs.
    let mut s = session(Photo::Medium);
    assert!(
        s.photo.image == photo.image,
        "the photo generator is stable"
    );
    for other in [Style::Defined, Style::WidowsPeak] {
        render_on(&mut s.engine, Design::preset(other));
        let b = render_on(&mut s.engine, design.clone());
        assert!(a == b, "renders differ: {}", compare(&a, &b).summary());
        preview_on(&mut s.engine, Design::preset(other));
        let b = preview_on(&mut s.engine, design.clone());
        assert!(
            a_preview == b,
            "previews differ: {}",
            compare(&a, &b).summary()
        );
    }
}

#[test]
fn a_different_seed_gives_a_different_image() {
    let one = render(Photo::Medium, Design::preset(Style::Natural));
    // A fresh engine, so the shared one keeps seed 1's field.
    let mut e = fresh_engine(&Photo::Medium.generate());
    let two = render_on(
        &mut e,
        Design {
            seed: 2,
            ..Design::preset(Style::Natural)
        },
    );
    let c = compare(&one, &two);
    assert!(!c.passes(), "seed 2 looks like seed 1: {}", c.summary());
}

/// Renders `design` and checks that it only darkens, changes enough,
/// changes nothing off the head, and nothing lower than `min_mm` above the glabella (the brows are at
/// about 0 mm), nor on the middle of the forehead (|x| ≤ 25 mm) more than
/// 8 mm below the mid-frontal point.
fn assert_only_scalp_changes(photo: Photo, design: Design, min_mm: f32) {
    let mut s = session(photo);
    let s = &mut *s;
    let out = render_on(&mut s.engine, design.clone());
    let frame: Frame = s.engine.frame().unwrap();
    let mut changed = 0;
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let (a, b) = (s.photo.image.pixel(x, y), out.pixel(x, y));
            if a == b {
                continue;
            }
            changed += 1;
            assert!(
                b[0] <= a[0] && b[1] <= a[1] && b[2] <= a[2] && b[3] == a[3],
                "{photo:?} {:?}: pixel ({x}, {y}) was lightened: {a:?} → {b:?}",
                design.style
            );
            assert!(
                s.photo.on_head(x, y),
                "{photo:?} {:?}: pixel ({x}, {y}) is off the head (backdrop or ear) but changed: {a:?} → {b:?}",
                design.style
            );
            let p = frame.to_face(Vec2::new(x as f32 + 0.5, y as f32 + 0.5));
            assert!(
                p.y > min_mm,
                "{photo:?} {:?}: pixel ({x}, {y}) changed {:.1} mm above the glabella, below {min_mm} mm",
                design.style,
                p.y
            );
            assert!(
                p.x.abs() > 25.0 || p.y > design.height_mm - 8.0,
                "{photo:?} {:?}: pixel ({x}, {y}) changed on the mid forehead at {p:?}; the hairline is at {} mm",
                design.style,
                design.height_mm
            );
        }
    }
    assert!(changed > 2000, "{photo:?}: only {changed} pixels changed");
}

#[test]
fn only_the_scalp_above_the_hairline_changes() {
    for s in Style::ALL {
        assert_only_scalp_changes(Photo::Medium, Design::preset(s), 25.0);
    }
    // Rolled, and on other skin tones: the calibration and mask hold.
    for photo in [Photo::MediumRolled, Photo::Light, Photo::Dark] {
        assert_only_scalp_changes(photo, Design::preset(Style::Natural), 25.0);
    }
}

#[test]
fn skin_tones_get_matching_shade_suggestions() {
    const ORDER: [&str; 6] = ["I", "II", "III", "IV", "V", "VI"];
    let rank = |photo| {
        let shade = session(photo)
            .engine
            .suggested_shade()
            .expect("the forehead is found");
        ORDER.iter().position(|s| *s == shade).unwrap()
    };
    let (light, medium, dark) = (rank(Photo::Light), rank(Photo::Medium), rank(Photo::Dark));
    assert!(
        light < medium && medium < dark,
        "suggested shades: light {}, medium {}, dark {}",
        ORDER[light],
        ORDER[medium],
        ORDER[dark]
    );
}

/// Regression test: the engine caches the placed dots; a new calibration or
/// photo after a render must place them afresh.
#[test]
fn recalibrating_after_a_render_moves_the_dots() {
    let design = Design::preset(Style::Natural);
    let direct = render(Photo::Medium, design.clone());
    let photo = Photo::Medium.generate();
    let mut e = Engine::new();
    e.set_photo(photo.image.clone()).unwrap();
    e.set_design(design.clone()).unwrap();
    e.render_full().unwrap(); // with the estimated calibration
    e.set_calibration(photo.left_pupil, photo.right_pupil, IPD_MM, Source::Visitor)
        .unwrap();
    e.set_segmentation(photo.labels()).unwrap();
    let c = compare(&direct, &render_on(&mut e, design.clone()));
    assert!(c.differing == 0, "after recalibrating: {}", c.summary());
    // Loading another photo into the same engine.
    let rolled = Photo::MediumRolled.generate();
    e.set_photo(rolled.image.clone()).unwrap();
    e.set_calibration(
        rolled.left_pupil,
        rolled.right_pupil,
        IPD_MM,
        Source::Visitor,
    )
    .unwrap();
    e.set_segmentation(rolled.labels()).unwrap();
    let expected = render(Photo::MediumRolled, design.clone());
    let c = compare(&expected, &render_on(&mut e, design));
    assert!(c.differing == 0, "after a new photo: {}", c.summary());
}

/// Regression test: an add stroke overrides the skin region but never the
/// backdrop, even where the stroke reaches past the head's outline.
#[test]
fn an_add_zone_never_paints_the_backdrop() {
    let mut s = session(Photo::Medium);
    let s = &mut *s;
    let out = render_on(&mut s.engine, zoned_design());
    let mut off_head = Vec::new();
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            if s.photo.image.pixel(x, y) != out.pixel(x, y) && !s.photo.on_head(x, y) {
                off_head.push((x, y));
            }
        }
    }
    assert!(
        off_head.is_empty(),
        "{} pixels off the head were darkened, e.g. {:?}",
        off_head.len(),
        &off_head[..off_head.len().min(8)]
    );
}
