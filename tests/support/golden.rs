//! Comparing renders with the committed reference PNGs in `tests/golden/`.
//!
//! A render passes when no channel of any pixel differs from the reference
//! by more than [`MAX_DIFF`] and at most [`MAX_SHARE_OVER_1`] of the pixels
//! differ by more than 1 (room for float rounding between platforms, none
//! for a visible change). On failure the actual image and a visual diff are
//! written to `target/golden-diff/`. References are (re)written only when
//! `UPDATE_GOLDEN=1` is set (`make golden`); a missing reference fails.

use super::png_io::{read_png, write_png};
use hairline_visualizer::image::Image;
use std::path::{Path, PathBuf};

/// Largest per-channel difference allowed anywhere.
pub const MAX_DIFF: u8 = 2;
/// Largest share of pixels allowed to differ by more than 1.
pub const MAX_SHARE_OVER_1: f64 = 0.001;

/// How a render compares with its reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Expected and actual sizes, when they differ (nothing else is compared).
    pub size_mismatch: Option<((u32, u32), (u32, u32))>,
    pub pixels: usize,
    /// Largest per-channel absolute difference, and the first pixel with it.
    pub max_diff: u8,
    pub max_at: (u32, u32),
    /// Pixels whose largest channel difference is above 1.
    pub over_1: usize,
    /// Pixels that differ at all.
    pub differing: usize,
}

impl Comparison {
    /// Most pixels allowed to differ by more than 1.
    pub fn allowed_over_1(&self) -> usize {
        (self.pixels as f64 * MAX_SHARE_OVER_1).floor() as usize
    }

    pub fn passes(&self) -> bool {
        self.size_mismatch.is_none()
            && self.max_diff <= MAX_DIFF
            && self.over_1 <= self.allowed_over_1()
    }

    pub fn summary(&self) -> String {
        if let Some((e, a)) = self.size_mismatch {
            return format!(
                "size differs: expected {}×{}, got {}×{}",
                e.0, e.1, a.0, a.1
            );
        }
        format!(
            "max channel difference {} at ({}, {}) (limit {MAX_DIFF}); {} of {} pixels ({:.3}%) differ by more than 1 (limit {} = {}%); {} differ at all",
            self.max_diff,
            self.max_at.0,
            self.max_at.1,
            self.over_1,
            self.pixels,
            self.over_1 as f64 * 100.0 / self.pixels.max(1) as f64,
            self.allowed_over_1(),
            MAX_SHARE_OVER_1 * 100.0,
            self.differing,
        )
    }
}

fn pixel_diff(a: &[u8], b: &[u8]) -> u8 {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

/// Per-channel comparison (RGBA) of `actual` against `expected`.
pub fn compare(expected: &Image, actual: &Image) -> Comparison {
    let pixels = expected.width as usize * expected.height as usize;
    let mut c = Comparison {
        size_mismatch: None,
        pixels,
        max_diff: 0,
        max_at: (0, 0),
        over_1: 0,
        differing: 0,
    };
    if (expected.width, expected.height) != (actual.width, actual.height) {
        c.size_mismatch = Some((
            (expected.width, expected.height),
            (actual.width, actual.height),
        ));
        c.max_diff = 255;
        c.over_1 = pixels;
        c.differing = pixels;
        return c;
    }
    for (i, (e, a)) in expected
        .data
        .chunks_exact(4)
        .zip(actual.data.chunks_exact(4))
        .enumerate()
    {
        let d = pixel_diff(e, a);
        if d > 0 {
            c.differing += 1;
        }
        if d > 1 {
            c.over_1 += 1;
        }
        if d > c.max_diff {
            c.max_diff = d;
            let w = expected.width as usize;
            c.max_at = ((i % w) as u32, (i / w) as u32);
        }
    }
    c
}

/// Colours of the difference panel.
const SAME_DIM: u32 = 3; // unchanged pixels: the expected image's grey, divided by this
const WITHIN: [u8; 3] = [0, 170, 170]; // differs, but within MAX_DIFF
const BEYOND: [u8; 3] = [255, 0, 255]; // differs by more than MAX_DIFF
const GAP: u32 = 4;

/// A side-by-side diff: expected | actual | difference, where the
/// difference panel shows the expected image dimmed to grey, pixels within
/// the tolerance in teal and pixels beyond it in magenta.
pub fn diff_image(expected: &Image, actual: &Image) -> Image {
    let w = expected.width.max(actual.width);
    let h = expected.height.max(actual.height);
    let total_w = w * 3 + GAP * 2;
    let mut out = Image::new(total_w, h, [255, 255, 255, 255]).expect("diff size");
    let mut put = |x: u32, y: u32, rgb: [u8; 3]| {
        let i = ((y * total_w + x) * 4) as usize;
        out.data[i..i + 3].copy_from_slice(&rgb);
    };
    let same_size = (expected.width, expected.height) == (actual.width, actual.height);
    for y in 0..h {
        for x in 0..w {
            let e = (x < expected.width && y < expected.height).then(|| expected.pixel(x, y));
            let a = (x < actual.width && y < actual.height).then(|| actual.pixel(x, y));
            if let Some(e) = e {
                put(x, y, [e[0], e[1], e[2]]);
            }
            if let Some(a) = a {
                put(w + GAP + x, y, [a[0], a[1], a[2]]);
            }
            let d = match (e, a) {
                (Some(e), Some(a)) if same_size => {
                    let d = pixel_diff(&e, &a);
                    if d == 0 {
                        let g = ((e[0] as u32 * 3 + e[1] as u32 * 6 + e[2] as u32) / 10 / SAME_DIM)
                            as u8;
                        [g, g, g]
                    } else if d <= MAX_DIFF {
                        WITHIN
                    } else {
                        BEYOND
                    }
                }
                _ => BEYOND,
            };
            put(2 * (w + GAP) + x, y, d);
        }
    }
    out
}

/// `tests/golden/`.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
}

/// `target/golden-diff/` (under whatever target directory cargo uses).
pub fn diff_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("golden-diff")
}

/// Whether references are being regenerated (`make golden`).
pub fn updating() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Compare `actual` with `tests/golden/<case>.png`, or (with
/// `UPDATE_GOLDEN=1`) write it there. Panics with the numbers and the diff
/// files on a mismatch.
pub fn check(case: &str, actual: &Image) {
    let reference = golden_dir().join(format!("{case}.png"));
    let diff_dir = diff_dir();
    let diff_path = diff_dir.join(format!("{case}.png"));
    let actual_path = diff_dir.join(format!("{case}.actual.png"));
    // Leftovers of an earlier failure would mislead.
    let _ = std::fs::remove_file(&diff_path);
    let _ = std::fs::remove_file(&actual_path);

    let expected = if reference.exists() {
        Some(read_png(&reference))
    } else {
        None
    };
    if updating() {
        if let Some(Ok(e)) = &expected {
            if e == actual {
                return;
            }
        }
        std::fs::create_dir_all(golden_dir()).expect("create tests/golden");
        write_png(&reference, actual).unwrap_or_else(|e| panic!("writing the reference: {e}"));
        eprintln!("golden `{case}`: wrote {}", reference.display());
        return;
    }
    let expected = match expected {
        None => panic!(
            "golden `{case}`: there is no reference image {}.\n\
             Run `make golden` (UPDATE_GOLDEN=1 cargo test --test golden) to create it, \
             look at it, and commit it.",
            reference.display()
        ),
        Some(Err(e)) => panic!(
            "golden `{case}`: the reference image cannot be read ({e}).\n\
             Run `make golden` to regenerate it."
        ),
        Some(Ok(e)) => e,
    };
    let c = compare(&expected, actual);
    if c.passes() {
        return;
    }
    std::fs::create_dir_all(&diff_dir).expect("create target/golden-diff");
    let wrote = write_png(&actual_path, actual)
        .and_then(|_| write_png(&diff_path, &diff_image(&expected, actual)));
    if let Err(e) = wrote {
        eprintln!("golden `{case}`: could not write the diff images: {e}");
    }
    panic!(
        "golden `{case}` does not match its reference: {}.\n  \
         expected: {}\n  \
         actual:   {}\n  \
         diff:     {} (expected | actual | difference: magenta beyond {MAX_DIFF}, teal within)\n\
         If the change is intended, run `make golden`, look at the new image and commit it.",
        c.summary(),
        reference.display(),
        actual_path.display(),
        diff_path.display(),
    );
}
