#![cfg(not(target_arch = "wasm32"))]
//! Property tests: the core never panics on any input.
//!
//! Designs (as JSON text, as JSON values, as numbers), calibrations,
//! geometry and the engine's calls are fed arbitrary values, including NaN,
//! infinities, huge and negative numbers. Every call must return `Ok` or a
//! readable `Err`; what is accepted must stay valid and round-trip.
//!
//! Rendering cases share one engine with a small photo (building a dot field
//! is slow in a debug build), so each case resets what it changes.

use hairline_visualizer::design::{Design, Look, Stroke, Style, ZoneMode, CONTROL_POINTS};
use hairline_visualizer::engine::Engine;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::hairline::{control_points, curve, move_point, DistanceGrid};
use hairline_visualizer::image::{Image, Rect};
use hairline_visualizer::scale::{Calibration, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use serde_json::Value;
use std::sync::{Mutex, MutexGuard, OnceLock};

// ------------------------------------------------------------ shared engine

const SKIN: [u8; 4] = [205, 160, 132, 255];
const PHOTO: (u32, u32) = (120, 150);
/// Pupils 30 px apart low in the photo: the hairline lands inside it.
const PUPIL_L: Vec2 = Vec2::new(45.0, 125.0);
const PUPIL_R: Vec2 = Vec2::new(75.0, 125.0);
const VIEW: Rect = Rect {
    x: 0.0,
    y: 0.0,
    w: 120.0,
    h: 150.0,
};
const VIEW_SIZE: (u32, u32) = (60, 75);

fn fresh_engine() -> Engine {
    let mut e = Engine::new();
    let photo = Image::new(PHOTO.0, PHOTO.1, SKIN).expect("photo");
    e.set_photo(photo).expect("photo loads");
    e.set_calibration(PUPIL_L, PUPIL_R, 63.0, Source::Visitor)
        .expect("calibration");
    e.set_view(VIEW, VIEW_SIZE.0, VIEW_SIZE.1).expect("view");
    e.render_preview().expect("first render");
    e
}

/// The one engine every rendering case uses (locked for the whole case).
fn engine() -> MutexGuard<'static, Engine> {
    static ENGINE: OnceLock<Mutex<Engine>> = OnceLock::new();
    let m = ENGINE.get_or_init(|| Mutex::new(fresh_engine()));
    m.lock().unwrap_or_else(|poisoned| {
        // A case panicked inside a call and may have left the engine half
        // updated: start the next case (and other tests) on a fresh one.
        let mut e = poisoned.into_inner();
        *e = fresh_engine();
        m.clear_poison();
        e
    })
}

/// Back to the default design and view (cheap when nothing changed).
fn reset(e: &mut Engine) {
    e.set_design(Design::default()).expect("default design");
    e.set_view(VIEW, VIEW_SIZE.0, VIEW_SIZE.1).expect("view");
}

/// The engine's calibration back to the shared one (only when changed: it
/// regrows the scalp mask).
fn reset_calibration(e: &mut Engine) {
    let c = e.calibration().expect("calibrated");
    if (c.left_pupil, c.right_pupil, c.ipd_mm) != (PUPIL_L, PUPIL_R, 63.0) {
        e.set_calibration(PUPIL_L, PUPIL_R, 63.0, Source::Visitor)
            .expect("calibration");
    }
}

/// Every colour channel of `after` is at most `before`'s; alpha unchanged.
fn only_darkens(before: &Image, after: &Image) -> Result<(), TestCaseError> {
    prop_assert_eq!((before.width, before.height), (after.width, after.height));
    prop_assert_eq!(before.data.len(), after.data.len());
    for (i, (b, a)) in before
        .data
        .chunks_exact(4)
        .zip(after.data.chunks_exact(4))
        .enumerate()
    {
        prop_assert!(
            a[0] <= b[0] && a[1] <= b[1] && a[2] <= b[2] && a[3] == b[3],
            "pixel {} went from {:?} to {:?}",
            i,
            b,
            a
        );
    }
    Ok(())
}

/// Render preview and full size; both succeed and only darken the photo.
fn render_checked(e: &mut Engine) -> Result<(), TestCaseError> {
    let stats = e.render_preview();
    prop_assert!(stats.is_ok(), "render_preview failed: {:?}", stats);
    only_darkens(e.preview_base(), e.preview())?;
    let stats = e.render_full();
    prop_assert!(stats.is_ok(), "render_full failed: {:?}", stats);
    only_darkens(e.photo().expect("photo"), e.full().expect("full render"))?;
    e.release_full();
    Ok(())
}

// ------------------------------------------------------------- strategies

/// Any f32 at all, with the awkward ones made likely.
fn wild_f32() -> BoxedStrategy<f32> {
    prop_oneof![
        4 => any::<f32>(),
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(f32::MAX),
        1 => Just(f32::MIN),
        1 => Just(f32::MIN_POSITIVE),
        1 => Just(-0.0f32),
        2 => -1e6f32..1e6f32,
    ]
    .boxed()
}

/// Mostly inside `lo..=hi` (so many designs validate), sometimes anything.
fn num(lo: f32, hi: f32) -> BoxedStrategy<f32> {
    prop_oneof![
        20 => lo..=hi,
        1 => Just(lo),
        1 => Just(hi),
        1 => wild_f32(),
    ]
    .boxed()
}

fn style() -> impl Strategy<Value = Style> {
    prop::sample::select(Style::ALL.to_vec())
}

fn look() -> impl Strategy<Value = Look> {
    prop::sample::select(vec![Look::Healed, Look::Fresh, Look::Aged])
}

/// Brush modes by their JSON names, so modes added later are drawn without
/// this file naming them (names this build lacks fall back to `add`).
fn zone_mode() -> BoxedStrategy<ZoneMode> {
    prop::sample::select(vec!["add", "erase", "scar"])
        .prop_map(|name| serde_json::from_value(Value::from(name)).unwrap_or(ZoneMode::Add))
        .boxed()
}

fn shade() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(vec!["I", "II", "III", "IV", "V", "VI"]).prop_map(String::from),
        4 => "#[0-9a-fA-F]{6}",
        1 => "#[0-9a-fA-F]{0,8}",
        1 => ".{0,12}",
    ]
    .boxed()
}

fn point(lim: f32) -> BoxedStrategy<[f32; 2]> {
    prop::array::uniform2(num(-lim, lim)).boxed()
}

fn stroke() -> BoxedStrategy<Stroke> {
    (
        zone_mode(),
        num(1.0, 60.0),
        prop::collection::vec(point(400.0), 0..6),
    )
        .prop_map(|(mode, radius_mm, points)| Stroke {
            mode,
            radius_mm,
            points,
        })
        .boxed()
}

fn adjust() -> BoxedStrategy<[[f32; 2]; CONTROL_POINTS]> {
    prop_oneof![
        Just([[0.0; 2]; CONTROL_POINTS]),
        prop::array::uniform7(point(60.0)),
    ]
    .boxed()
}

/// A design with every field drawn, each mostly in range but possibly
/// anything (NaN, ±inf, huge, negative).
fn any_design() -> BoxedStrategy<Design> {
    let numbers = (
        num(50.0, 120.0),
        num(0.0, 40.0),
        num(0.0, 20.0),
        num(10.0, 150.0),
        num(0.3, 1.5),
    );
    let rest = (
        prop_oneof![8 => Just(1u32), 1 => any::<u32>()],
        style(),
        shade(),
        look(),
        prop_oneof![8 => 1u8..=3, 1 => any::<u8>()],
        // Any seed validates; rendering pins it (see below).
        any::<u32>(),
        any::<bool>(),
        adjust(),
        prop::collection::vec(stroke(), 0..4),
    );
    (numbers, rest, optional_fields())
        .prop_map(
            |(
                (height_mm, recession_mm, feather_mm, density, dot_mm),
                (version, style, shade, look, session, seed, symmetric, adjust, zones),
                optional,
            )| {
                let mut d = with_optional_fields(Design::default(), optional);
                d.version = version;
                d.style = style;
                d.height_mm = height_mm;
                d.recession_mm = recession_mm;
                d.feather_mm = feather_mm;
                d.density = density;
                d.dot_mm = dot_mm;
                d.shade = shade;
                d.look = look;
                d.session = session;
                d.seed = seed;
                d.symmetric = symmetric;
                d.adjust = adjust;
                d.zones = zones;
                d
            },
        )
        .boxed()
}

/// Values for the design's optional fields (`#[serde(default)]`), by JSON
/// name, so this file keeps compiling while fields are added.
fn optional_fields() -> BoxedStrategy<Vec<(&'static str, Value)>> {
    (
        prop::sample::select(vec!["hairline", "full", "thinning"]),
        any::<bool>(),
    )
        .prop_map(|(mode, buzz)| vec![("mode", Value::from(mode)), ("buzz_cut", Value::from(buzz))])
        .boxed()
}

/// `d` with each optional field set that this build knows.
fn with_optional_fields(d: Design, fields: Vec<(&'static str, Value)>) -> Design {
    let mut d = d;
    for (k, v) in fields {
        let Ok(Value::Object(mut obj)) = serde_json::to_value(&d) else {
            return d;
        };
        obj.insert(k.to_string(), v);
        if let Ok(next) = serde_json::from_value(Value::Object(obj)) {
            d = next;
        }
    }
    d
}

/// A design that validates (arbitrary ones filtered).
fn valid_design() -> impl Strategy<Value = Design> {
    any_design().prop_filter("design must validate", |d| d.validate().is_ok())
}

/// Arbitrary JSON, nested at most 6 deep, with design field names as likely
/// keys.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and inf become null
        (0u32..4).prop_map(Value::from),
        ".{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

const FIELDS: [&str; 17] = [
    "version",
    "style",
    "height_mm",
    "recession_mm",
    "feather_mm",
    "density",
    "dot_mm",
    "shade",
    "look",
    "hair",
    "mode",
    "buzz_cut",
    "session",
    "seed",
    "symmetric",
    "adjust",
    "zones",
];

fn json_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(FIELDS.to_vec()).prop_map(String::from),
        1 => prop::sample::select(vec!["mode", "radius_mm", "points"]).prop_map(String::from),
        1 => ".{0,8}",
    ]
    .boxed()
}

/// A saved design with a few fields replaced by arbitrary JSON or removed,
/// and perhaps an extra field: near misses that reach the deserialiser.
fn mutated_design_json() -> impl Strategy<Value = String> {
    (
        style(),
        prop::collection::vec((json_key(), prop::option::of(json_value())), 1..4),
    )
        .prop_map(|(style, edits)| {
            let mut v = serde_json::to_value(Design::preset(style)).expect("design to value");
            let obj = v.as_object_mut().expect("design is an object");
            for (k, new) in edits {
                match new {
                    Some(x) => obj.insert(k, x),
                    None => obj.remove(&k),
                };
            }
            v.to_string()
        })
}

/// Image-space points: inside the photo, outside it, or not numbers.
fn px_point() -> BoxedStrategy<Vec2> {
    let coord = prop_oneof![
        6 => -20.0f32..170.0,
        1 => wild_f32(),
    ];
    (coord.clone(), coord)
        .prop_map(|(x, y)| Vec2::new(x, y))
        .boxed()
}

// ----------------------------------------------------------------- checks

/// `Design::from_json` either accepts a design that validates and
/// round-trips exactly, or explains what is wrong.
fn check_parse(text: &str) -> Result<(), TestCaseError> {
    match Design::from_json(text) {
        Ok(d) => {
            prop_assert!(d.validate().is_ok(), "accepted design fails validation");
            let json = d.to_json();
            let back = Design::from_json(&json);
            prop_assert_eq!(back.as_ref(), Ok(&d), "to_json output: {}", json);
            prop_assert_eq!(back.expect("checked").to_json(), json);
        }
        Err(e) => prop_assert!(!e.to_string().trim().is_empty(), "empty error message"),
    }
    Ok(())
}

fn grid_is_finite(d: &Design) -> Result<(), TestCaseError> {
    let grid = DistanceGrid::build(&curve(&control_points(d), 16));
    prop_assert_eq!(grid.data.len(), grid.cols * grid.rows);
    prop_assert!(
        grid.data.iter().all(|v| v.is_finite()),
        "non-finite distance"
    );
    Ok(())
}

// ------------------------------------------------------- design parsing

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(256) })]

    #[test]
    fn from_json_any_string(text in "(?s).{0,200}") {
        check_parse(&text)?;
    }

    #[test]
    fn from_json_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_parse(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn from_json_any_json_value(v in json_value()) {
        check_parse(&v.to_string())?;
        check_parse(&serde_json::to_string_pretty(&v).expect("pretty"))?;
    }

    #[test]
    fn from_json_mutated_design(text in mutated_design_json()) {
        check_parse(&text)?;
    }

    #[test]
    fn from_json_nesting_of_any_depth(
        opens in prop::collection::vec(prop_oneof![Just("["), Just("{\"zones\":")], 1..600),
        close in any::<bool>(),
        wrap in any::<bool>(),
    ) {
        let mut text = String::new();
        if wrap {
            text.push_str("{\"version\":1,\"adjust\":");
        }
        for o in &opens {
            text.push_str(o);
        }
        if close {
            for o in opens.iter().rev() {
                text.push(if *o == "[" { ']' } else { '}' });
            }
            if wrap {
                text.push('}');
            }
        }
        check_parse(&text)?;
    }
}

#[test]
fn from_json_deep_nesting() {
    for open in ["[", "{\"a\":", "{\"zones\":[{\"points\":"] {
        let text = open.repeat(100_000);
        let e = Design::from_json(&text).expect_err("deep nesting is rejected");
        assert!(!e.to_string().is_empty());
        let wrapped = format!("{{\"version\":1,\"zones\":{text}");
        assert!(Design::from_json(&wrapped).is_err());
    }
    let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Design::from_json(&closed).is_err());
}

#[test]
fn fuzz_seeds_parse() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/design");
    let natural = std::fs::read_to_string(format!("{dir}/natural.json")).expect("seed");
    let d = Design::from_json(&natural).expect("the natural seed is a valid design");
    assert_eq!(d, Design::default());
    for entry in std::fs::read_dir(dir).expect("seed folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("seed");
        check_parse(&text).expect("seed parses or explains");
    }
}

#[test]
fn from_json_oversized_text() {
    let d = Design::default().to_json();
    let padded = format!("{}{d}", " ".repeat(4_000_001));
    assert!(Design::from_json(&padded).is_err());
}

// --------------------------------------------------------- designs as numbers

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(256) })]

    #[test]
    fn any_design_validates_or_explains(d in any_design()) {
        match d.validate() {
            Ok(()) => check_parse(&d.to_json())?,
            Err(e) => prop_assert!(!e.to_string().trim().is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(48) })]

    #[test]
    fn valid_designs_render_and_only_darken(mut d in valid_design()) {
        // Each seed builds a new dot field (slow in debug); seeds are
        // covered by `any_seed_renders`.
        d.seed = 1;
        let mut e = engine();
        reset(&mut e);
        let set = e.set_design(d);
        prop_assert!(set.is_ok(), "valid design refused: {:?}", set);
        render_checked(&mut e)?;
    }
}

// Each seed builds a dot field, which takes seconds in a debug build: run
// by `cargo test --release` only.
#[cfg(not(debug_assertions))]
proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(3) })]

    #[test]
    fn any_seed_renders(seed in any::<u32>()) {
        let mut e = engine();
        reset(&mut e);
        let d = Design { seed, ..Design::default() };
        prop_assert!(e.set_design(d).is_ok());
        let r = e.render_preview();
        prop_assert!(r.is_ok(), "{:?}", r);
        only_darkens(e.preview_base(), e.preview())?;
        reset(&mut e);
    }
}

// ------------------------------------------------------------ calibration

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(256) })]

    #[test]
    fn calibration_never_panics_and_round_trips(
        a in px_point(),
        b in px_point(),
        ipd in num(40.0, 90.0),
        source in prop_oneof![Just(Source::Estimated), Just(Source::Visitor), Just(Source::Detected)],
        image in (prop_oneof![4 => 1u32..4000, 1 => Just(0u32), 1 => 1u32..20_000],
                  prop_oneof![4 => 1u32..4000, 1 => Just(0u32), 1 => 1u32..20_000]),
        // Points scaled to the photo so many calibrations succeed.
        scaled in any::<bool>(),
        probes in prop::collection::vec((-59.9f32..59.9, 0.1f32..99.9), 1..8),
    ) {
        let (a, b) = if scaled {
            let s = Vec2::new(image.0 as f32 / 120.0, image.1 as f32 / 150.0);
            (Vec2::new(a.x * s.x, a.y * s.y), Vec2::new(b.x * s.x, b.y * s.y))
        } else {
            (a, b)
        };
        match Calibration::new(a, b, ipd, source, image) {
            Err(e) => prop_assert!(!e.to_string().trim().is_empty()),
            Ok(c) => {
                let f = c.frame();
                prop_assert!(f.px_per_mm.is_finite() && f.px_per_mm > 0.0, "{:?}", f);
                prop_assert!(f.roll.is_finite(), "{:?}", f);
                prop_assert!(f.glabella.is_finite() && f.ex.is_finite() && f.ey.is_finite(), "{:?}", f);
                for (x, y) in probes {
                    let p = Vec2::new(x, y);
                    let q = f.to_image(p);
                    prop_assert!(q.is_finite(), "to_image({:?}) = {:?}", p, q);
                    let back = f.to_face(q);
                    prop_assert!(
                        back.minus(p).len() < 1e-2,
                        "{:?} -> {:?} -> {:?} with {:?}", p, q, back, c
                    );
                }
            }
        }
    }
}

// --------------------------------------------------------------- geometry

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(64) })]

    #[test]
    fn move_point_keeps_design_valid(
        mut d in valid_design(),
        moves in prop::collection::vec(
            (0usize..20, prop::array::uniform2(prop_oneof![4 => -200.0f32..200.0, 1 => wild_f32()])),
            1..8,
        ),
    ) {
        for (i, [x, y]) in moves {
            move_point(&mut d, i, Vec2::new(x, y));
            let v = d.validate();
            prop_assert!(v.is_ok(), "after move_point({}, ({}, {})): {:?}", i, x, y, v);
        }
        grid_is_finite(&d)?;
    }

    #[test]
    fn distance_grid_is_finite(d in valid_design(), probes in prop::collection::vec(px_point(), 0..16)) {
        grid_is_finite(&d)?;
        let grid = DistanceGrid::build(&curve(&control_points(&d), 16));
        for p in probes {
            let s = grid.sample(p);
            prop_assert!(s.is_finite(), "sample({:?}) = {}", p, s);
        }
    }
}

// ------------------------------------------------------------- engine API

/// View sizes: usable, zero, or far too large.
fn view_size() -> BoxedStrategy<u32> {
    prop_oneof![
        6 => 1u32..200,
        1 => Just(0u32),
        1 => Just(u32::MAX),
        1 => any::<u32>(),
    ]
    .boxed()
}

fn view_rect() -> BoxedStrategy<Rect> {
    let c = || prop_oneof![4 => -200.0f32..400.0, 1 => wild_f32()];
    let len = || prop_oneof![4 => 0.01f32..400.0, 1 => wild_f32()];
    (c(), c(), len(), len())
        .prop_map(|(x, y, w, h)| Rect { x, y, w, h })
        .boxed()
}

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(64) })]

    #[test]
    fn engine_set_view_never_panics(rect in view_rect(), w in view_size(), h in view_size()) {
        let mut e = engine();
        reset(&mut e);
        if e.set_view(rect, w, h).is_ok() && u64::from(w) * u64::from(h) <= 40_000 {
            let r = e.render_preview();
            prop_assert!(r.is_ok(), "render_preview after set_view({:?}, {}, {}): {:?}", rect, w, h, r);
            only_darkens(e.preview_base(), e.preview())?;
        }
        reset(&mut e);
    }
}

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(24) })]

    #[test]
    fn engine_strokes_keep_design_valid(
        strokes in prop::collection::vec(
            (zone_mode(), num(1.0, 60.0), px_point(), prop::collection::vec(px_point(), 0..12)),
            1..4,
        ),
        moves in prop::collection::vec((0usize..20, px_point()), 0..4),
    ) {
        let mut e = engine();
        reset(&mut e);
        for (mode, radius, at, path) in strokes {
            let _ = e.begin_stroke(mode, radius, at);
            for p in path {
                let _ = e.extend_stroke(p);
            }
            let v = e.design().validate();
            prop_assert!(v.is_ok(), "stroke left an invalid design: {:?}", v);
        }
        for (i, to) in moves {
            let _ = e.move_point(i, to);
            let v = e.design().validate();
            prop_assert!(v.is_ok(), "move_point({}, {:?}) left an invalid design: {:?}", i, to, v);
        }
        // The painted design survives a save and reload.
        check_parse(&e.design().to_json())?;
        render_checked(&mut e)?;
        reset(&mut e);
    }
}

proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::with_cases(16) })]

    #[test]
    fn engine_set_calibration_never_panics(
        a in px_point(),
        b in px_point(),
        ipd in num(40.0, 90.0),
    ) {
        let mut e = engine();
        reset(&mut e);
        match e.set_calibration(a, b, ipd, Source::Visitor) {
            Ok(_) => {
                let r = e.render_preview();
                prop_assert!(r.is_ok(), "{:?}", r);
                only_darkens(e.preview_base(), e.preview())?;
            }
            Err(msg) => prop_assert!(!msg.to_string().trim().is_empty()),
        }
        reset_calibration(&mut e);
    }
}
