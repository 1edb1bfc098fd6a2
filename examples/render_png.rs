//! Developer tool: render a design onto a PNG photo natively.
//!
//! `cargo run --release --example render_png -- IN.png OUT.png [DESIGN.json] [lx ly rx ry]`
//!
//! Without pupil points the engine's own estimate is used. The browser is the
//! product; this exists to look at the renderer's output quickly and to build
//! contact sheets.

use hairline_visualizer::design::Design;
use hairline_visualizer::engine::Engine;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::image::Image;
use hairline_visualizer::scale::Source;
use std::path::Path;

#[path = "../tests/support/png_io.rs"]
mod png_io;
use png_io::{read_png, write_png};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: render_png IN.png OUT.png [DESIGN.json|-] [lx ly rx ry]".into());
    }
    let mut engine = Engine::new();
    engine.set_photo(read_png(Path::new(&args[0]))?)?;
    if let Some(path) = args.get(2).filter(|p| *p != "-") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        engine
            .set_design(Design::from_json(&text).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    }
    if args.len() >= 7 {
        let n: Vec<f32> = args[3..7]
            .iter()
            .map(|s| s.parse().unwrap_or(f32::NAN))
            .collect();
        engine.set_calibration(
            Vec2::new(n[0], n[1]),
            Vec2::new(n[2], n[3]),
            63.0,
            Source::Visitor,
        )?;
    }
    let stats = engine.render_full()?;
    let cal = engine.calibration();
    eprintln!(
        "{stats:?} calibration {cal:?} head {:?} shade {:?}",
        engine.head(),
        engine.suggested_shade()
    );
    if let Some(m) = engine.scalp_mask() {
        eprintln!("skin {:?}", m.skin_lab);
    }
    if let (Ok(path), Some(m)) = (std::env::var("MASK_PNG"), engine.scalp_mask()) {
        let data = m.data.iter().flat_map(|&v| [v, v, v, 255]).collect();
        write_png(
            Path::new(&path),
            &Image::from_rgba(m.width, m.height, data)?,
        )?;
    }
    if let (Ok(path), Some(m)) = (std::env::var("HEAD_PNG"), engine.scalp_mask()) {
        let data = m.head.iter().flat_map(|&v| [v, v, v, 255]).collect();
        write_png(
            Path::new(&path),
            &Image::from_rgba(m.width, m.height, data)?,
        )?;
    }
    write_png(Path::new(&args[1]), engine.full().ok_or("no render")?)
}
