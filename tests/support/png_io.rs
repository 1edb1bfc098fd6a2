//! Reading and writing PNGs as RGBA [`Image`]s, for the golden-image tests
//! and the `render_png` developer tool (which includes this file).

use hairline_visualizer::image::Image;
use std::fs::File;
use std::path::Path;

pub fn read_png(path: &Path) -> Result<Image, String> {
    let f = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut dec = png::Decoder::new(f);
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec
        .read_info()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("{}: {e}", path.display()))?;
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
        other => {
            return Err(format!(
                "{}: unexpected PNG colour type {other:?}",
                path.display()
            ))
        }
    };
    Ok(Image::from_rgba(info.width, info.height, data)?)
}

/// Write `im` as an 8-bit PNG: RGB when every pixel is opaque (the renders
/// are), which keeps the references small.
pub fn write_png(path: &Path, im: &Image) -> Result<(), String> {
    let opaque = im.data.chunks_exact(4).all(|p| p[3] == 255);
    let f = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(f), im.width, im.height);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Best);
    enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let data: Vec<u8> = if opaque {
        enc.set_color(png::ColorType::Rgb);
        im.data
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    } else {
        enc.set_color(png::ColorType::Rgba);
        im.data.clone()
    };
    let mut w = enc
        .write_header()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    w.write_image_data(&data)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    w.finish().map_err(|e| format!("{}: {e}", path.display()))
}
