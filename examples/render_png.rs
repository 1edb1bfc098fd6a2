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
use std::fs::File;

fn read_png(path: &str) -> Result<Image, String> {
    let f = File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut dec = png::Decoder::new(f);
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let px = (info.width * info.height) as usize;
    let data = match info.color_type {
        png::ColorType::Rgba => buf[..px * 4].to_vec(),
        png::ColorType::Rgb => buf[..px * 3]
            .chunks(3)
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect(),
        png::ColorType::Grayscale => buf[..px].iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::GrayscaleAlpha => buf[..px * 2]
            .chunks(2)
            .flat_map(|c| [c[0], c[0], c[0], 255])
            .collect(),
        other => return Err(format!("unsupported PNG colour type {other:?}")),
    };
    Image::from_rgba(info.width, info.height, data)
}

fn write_png(path: &str, im: &Image) -> Result<(), String> {
    let f = File::create(path).map_err(|e| format!("{path}: {e}"))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(f), im.width, im.height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(&im.data).map_err(|e| e.to_string())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: render_png IN.png OUT.png [DESIGN.json|-] [lx ly rx ry]".into());
    }
    let mut engine = Engine::new();
    engine.set_photo(read_png(&args[0])?)?;
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
        write_png(&path, &Image::from_rgba(m.width, m.height, data)?)?;
    }
    if let (Ok(path), Some(m)) = (std::env::var("HEAD_PNG"), engine.scalp_mask()) {
        let data = m.head.iter().flat_map(|&v| [v, v, v, 255]).collect();
        write_png(&path, &Image::from_rgba(m.width, m.height, data)?)?;
    }
    write_png(&args[1], engine.full().ok_or("no render")?)
}
