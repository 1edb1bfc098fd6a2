#![cfg(not(target_arch = "wasm32"))]
//! Measure what is drawn: render onto a flat skin-coloured image at a known
//! scale (a flat "head", so nothing is foreshortened), find the dots, and
//! check their size and spacing against the design.

use hairline_visualizer::color::{chroma_hue, lab};
use hairline_visualizer::design::Design;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::hairline::{control_points, curve, DistanceGrid};
use hairline_visualizer::image::{Image, Rect};
use hairline_visualizer::pigment::shade_for_skin;
use hairline_visualizer::render::{composite, place, visible_dots, Scene};
use hairline_visualizer::scale::{Calibration, Frame, Head, Source};
use hairline_visualizer::scalp::ZoneGrid;
use hairline_visualizer::scatter::DotField;

const PPM: f32 = 16.0; // pixels per mm
const SKIN: [u8; 4] = [205, 160, 132, 255];

struct Render {
    photo: Image,
    out: Image,
    frame: Frame,
}

fn render(design: &Design) -> Render {
    render_on(design, SKIN)
}

fn render_on(design: &Design, skin: [u8; 4]) -> Render {
    // 100 × 90 mm of skin; the glabella 10 mm below the bottom edge.
    let (w, h) = ((100.0 * PPM) as u32, (90.0 * PPM) as u32);
    let photo = Image::new(w, h, skin).unwrap();
    let ipd_px = 63.0 * PPM;
    let eye_y = h as f32 + (10.0 + 14.0) * PPM; // pupils 14 mm below the glabella
    let cal = Calibration {
        left_pupil: Vec2::new(w as f32 / 2.0 - ipd_px / 2.0, eye_y),
        right_pupil: Vec2::new(w as f32 / 2.0 + ipd_px / 2.0, eye_y),
        ipd_mm: 63.0,
        source: Source::Visitor,
        glabella: None,
    };
    let flat = Head {
        flat_mm: 10_000.0,
        top_mm: 20_000.0,
        arc_mm: 20_000.0,
        half_width_mm: 10_000.0,
    };
    let frame = Frame {
        head: flat,
        ..cal.frame()
    };
    assert!((frame.px_per_mm - PPM).abs() < 1e-3);
    let field = DotField::generate(design.seed);
    let placed = place(&field, &frame, None, Some(&photo));
    let line = DistanceGrid::build(&curve(&control_points(design), 16));
    let zones = ZoneGrid::from_strokes(&design.zones);
    let scene = Scene {
        placed: &placed,
        threshold: field.threshold(design.density),
        design,
        px_per_mm: frame.px_per_mm,
        line: &line,
        zones: &zones,
    };
    let mut dots = Vec::new();
    visible_dots(&scene, &mut dots);
    let mut out = photo.clone();
    composite(
        &mut out,
        Rect {
            x: 0.0,
            y: 0.0,
            w: w as f32,
            h: h as f32,
        },
        (frame.ex, frame.ey),
        &dots,
        design,
    );
    Render { photo, out, frame }
}

/// Dots found in the render: each local maximum of darkening (in a window
/// narrower than the closest two dots can be) is a dot centre; its diameter
/// is where the darkening falls to half of the centre's, averaged over 16
/// directions. Centres in mm (face frame), diameters in mm.
fn detect(r: &Render) -> Vec<(Vec2, f32)> {
    let (w, h) = (r.out.width as i64, r.out.height as i64);
    let dark: Vec<i32> = r
        .out
        .data
        .chunks(4)
        .zip(r.photo.data.chunks(4))
        .map(|(a, b)| b[1] as i32 - a[1] as i32)
        .collect();
    let at = |x: i64, y: i64| {
        if x < 0 || y < 0 || x >= w || y >= h {
            0
        } else {
            dark[(y * w + x) as usize]
        }
    };
    let max = *dark.iter().max().unwrap();
    assert!(max > 40, "dots are visible: deepest darkening {max}");
    let win = (0.25 * PPM) as i64; // dots are at least 0.6 mm apart
    let mut blobs = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = at(x, y);
            if v * 4 < max {
                continue;
            }
            // Strict maximum (ties broken towards the first pixel in scan order).
            let mut is_max = true;
            'win: for dy in -win..=win {
                for dx in -win..=win {
                    let u = at(x + dx, y + dy);
                    if u > v || (u == v && (dy, dx) < (0, 0)) {
                        is_max = false;
                        break 'win;
                    }
                }
            }
            if !is_max {
                continue;
            }
            // Darkening between pixel centres, bilinear.
            let sample = |fx: f32, fy: f32| {
                let (ix, iy) = (fx.floor(), fy.floor());
                let (tx, ty) = (fx - ix, fy - iy);
                let (ix, iy) = (ix as i64, iy as i64);
                let a = at(ix, iy) as f32 * (1.0 - tx) + at(ix + 1, iy) as f32 * tx;
                let b = at(ix, iy + 1) as f32 * (1.0 - tx) + at(ix + 1, iy + 1) as f32 * tx;
                a * (1.0 - ty) + b * ty
            };
            // The centre: darkening-weighted centroid of the pixels above half
            // (a saturated core is a plateau, not a single peak).
            let half = v as f32 / 2.0;
            let (mut sw, mut sx, mut sy) = (0f32, 0f32, 0f32);
            let reach = (0.6 * PPM) as i64;
            for dy in -reach..=reach {
                for dx in -reach..=reach {
                    let u = at(x + dx, y + dy) as f32;
                    if u > half && dx * dx + dy * dy <= reach * reach {
                        sw += u;
                        sx += u * (x + dx) as f32;
                        sy += u * (y + dy) as f32;
                    }
                }
            }
            let (cx, cy) = (sx / sw, sy / sw);
            let mut radius = 0.0;
            for k in 0..16 {
                let (dy, dx) = (k as f32 * std::f32::consts::TAU / 16.0).sin_cos();
                let mut t = 0.0f32;
                while sample(cx + dx * t, cy + dy * t) > half && t < 4.0 * PPM {
                    t += 0.05;
                }
                radius += t / 16.0;
            }
            let c = r.frame.to_face(Vec2::new(cx + 0.5, cy + 0.5));
            blobs.push((c, 2.0 * radius / PPM));
        }
    }
    blobs
}

fn nearest(p: Vec2, pts: &[Vec2]) -> f32 {
    pts.iter()
        .filter(|q| **q != p)
        .map(|q| q.minus(p).len())
        .fold(f32::MAX, f32::min)
}

#[test]
fn dots_have_the_designed_size_and_spacing() {
    let design = Design {
        height_mm: 20.0,
        ..Design::default()
    };
    let r = render(&design);
    let blobs = detect(&r);
    // Full density: behind the feathered line (7 mm fade + 1.3 mm edge
    // wander + a dot), and away from the photo's edges.
    let line = DistanceGrid::build(&curve(&control_points(&design), 16));
    let inside = |p: Vec2| line.sample(p) > 9.5 && p.y > 32.0 && p.y < 95.0 && p.x.abs() < 45.0;
    let full: Vec<(Vec2, f32)> = blobs.iter().copied().filter(|b| inside(b.0)).collect();
    assert!(full.len() > 1000, "found {} dots", full.len());

    // Diameter: healed dots are 0.95 × the design's 0.7 mm, within 15 %.
    let mean_d = full.iter().map(|b| b.1).sum::<f32>() / full.len() as f32;
    assert!(
        (mean_d / design.dot_mm - 1.0).abs() < 0.15,
        "mean diameter {mean_d} mm"
    );

    // Density and spacing: count per cm², and nearest-neighbour spacing
    // against a blue-noise set of that density.
    let mut cells = 0;
    let mut y = 32.0;
    while y < 95.0 {
        let mut x = -45.0;
        while x < 45.0 {
            cells += inside(Vec2::new(x + 0.25, y + 0.25)) as usize;
            x += 0.5;
        }
        y += 0.5;
    }
    let area_cm2 = cells as f32 * 0.25 / 100.0;
    let per_cm2 = full.len() as f32 / area_cm2;
    assert!(
        (per_cm2 / design.density - 1.0).abs() < 0.05,
        "{per_cm2} dots/cm²"
    );
    let spacing = 10.0 / design.density.sqrt(); // mm between dots at this density
    let pts: Vec<Vec2> = blobs.iter().map(|b| b.0).collect();
    let nn: Vec<f32> = full.iter().map(|b| nearest(b.0, &pts)).collect();
    let mean_nn = nn.iter().sum::<f32>() / nn.len() as f32;
    // The bound: within 15 % of 1/√density. (A plain Poisson-disk
    // set sits at about 0.84×; the relaxed field measures 0.87–0.89×, a
    // random set 0.5×.)
    assert!(
        (mean_nn / spacing - 1.0).abs() < 0.15,
        "mean nearest neighbour {mean_nn} mm vs {spacing} mm"
    );
    let min_nn = nn.iter().copied().fold(f32::MAX, f32::min);
    assert!(
        min_nn >= spacing * 0.5,
        "closest pair {min_nn} mm (< half of {spacing} mm)"
    );

    // No hole: every point of the full-density area is within one spacing
    // of a dot (no empty circle wider than twice the spacing).
    let mut worst = (0.0f32, Vec2::default());
    let mut y = 34.0;
    while y < 93.0 {
        let mut x = -43.0;
        while x < 43.0 {
            let p = Vec2::new(x, y);
            let d = if inside(p) { nearest(p, &pts) } else { 0.0 };
            if d > worst.0 {
                worst = (d, p);
            }
            x += 0.5;
        }
        y += 0.5;
    }
    assert!(
        worst.0 <= spacing,
        "largest hole radius {} mm at {:?} > {spacing} mm",
        worst.0,
        worst.1
    );
}

#[test]
fn nothing_changes_outside_the_zone() {
    let design = Design {
        height_mm: 40.0,
        ..Design::default()
    };
    let r = render(&design);
    let f = r.frame;
    let line = DistanceGrid::build(&curve(&control_points(&design), 16));
    let mut changed = 0;
    for y in 0..r.out.height {
        for x in 0..r.out.width {
            if r.out.pixel(x, y) != r.photo.pixel(x, y) {
                changed += 1;
                let p = f.to_face(Vec2::new(x as f32 + 0.5, y as f32 + 0.5));
                // Strays reach 4 mm ahead of the line, its edge wanders
                // 1.3 mm, and a dot (with its soft rim) is under 0.6 mm.
                let ahead = -line.sample(p);
                assert!(
                    ahead < 4.0 + 1.3 + 0.6,
                    "pixel changed {ahead} mm in front of the hairline at {p:?}"
                );
            }
            // Only darker, never lighter or tinted towards another hue.
            let (a, b) = (r.out.pixel(x, y), r.photo.pixel(x, y));
            assert!(a[0] <= b[0] && a[1] <= b[1] && a[2] <= b[2] && a[3] == 255);
        }
    }
    assert!(changed > 10_000);
}

#[test]
fn healed_dots_read_grey_black_not_as_darker_skin() {
    // Skin of every type, each with the shade its tone suggests: at the
    // dots' centres the colour is the pigment's (DOMAIN.md): at most half
    // the skin's chroma, a hue of its own (a multiply by grey keeps the
    // skin's hue within a degree: a brown freckle), with a cool cast (the
    // yellow-blue axis falls more than the red-green one).
    for skin in [
        [236u8, 204, 184],
        [224, 180, 152],
        [205, 160, 132],
        [176, 124, 92],
        [128, 84, 58],
        [78, 52, 40],
    ] {
        let skin_lab = lab(skin);
        let design = Design {
            height_mm: 20.0,
            shade: shade_for_skin(skin_lab).into(),
            ..Design::default()
        };
        let r = render_on(&design, [skin[0], skin[1], skin[2], 255]);
        let (skin_c, skin_h) = chroma_hue(skin_lab);
        let mut centres = 0;
        let (mut sum_c, mut sum_b, mut sum_a, mut worst) = (0.0, 0.0, 0.0, 0.0f32);
        for (c, _) in detect(&r) {
            if c.y < 35.0 || c.y > 90.0 || c.x.abs() > 40.0 {
                continue;
            }
            let q = r.frame.to_image(c);
            let p = r.out.pixel(q.x as u32, q.y as u32);
            let l = lab([p[0], p[1], p[2]]);
            let (ch, _) = chroma_hue(l);
            sum_c += ch;
            sum_a += l[1];
            sum_b += l[2];
            worst = worst.max(ch / skin_c);
            centres += 1;
        }
        assert!(centres > 500, "{skin:?}: {centres} dot centres");
        let n = centres as f32;
        let mean_ratio = sum_c / n / skin_c;
        let hue = (sum_b / n).atan2(sum_a / n);
        let hue_gap = (hue - skin_h).abs().to_degrees();
        println!(
            "skin {skin:?} (L* {:.0}, chroma {skin_c:.1}) shade {}: centre chroma {:.2}x (worst {worst:.2}x), hue {:.0}° vs skin {:.0}°",
            skin_lab[0],
            design.shade,
            mean_ratio,
            hue.to_degrees(),
            skin_h.to_degrees()
        );
        assert!(
            mean_ratio <= 0.5,
            "{skin:?}: centres keep {mean_ratio:.2} of the skin's chroma"
        );
        assert!(
            worst <= 0.6,
            "{skin:?}: a centre keeps {worst:.2} of the skin's chroma"
        );
        assert!(
            hue_gap > 4.0,
            "{skin:?}: the dots keep the skin's hue ({hue_gap:.1}° apart)"
        );
        // Cool: relative to the skin, b* (yellow) falls further than a* (red).
        let (ka, kb) = (sum_a / n / skin_lab[1], sum_b / n / skin_lab[2]);
        assert!(kb < ka, "{skin:?}: no cool cast (a* x{ka:.2}, b* x{kb:.2})");
    }
}
