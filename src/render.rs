//! Rendering: pick the dots a design shows (in image pixels) and composite
//! them into a view of the photo by multiplying, so skin texture, shine and
//! shadows stay visible through the pigment.

use crate::design::Design;
use crate::geom::{smoothstep, Vec2};
use crate::hairline::{feather_for, DistanceGrid};
use crate::image::{Image, Rect};
use crate::pigment::{look_params, parse_shade, Pigment, HALO_RGB};
use crate::scale::Frame;
use crate::scalp::{ScalpMask, ZoneGrid};
use crate::scatter::DotField;

/// A dot to draw, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisibleDot {
    pub x: f32,
    pub y: f32,
    /// Radius in image pixels before foreshortening.
    pub r: f32,
    /// Foreshortening across and up the face (1 = facing the camera).
    pub sx: f32,
    pub sy: f32,
    /// Opacity at the centre, 0..1.
    pub strength: f32,
}

/// Everything that decides which dots show.
pub struct Scene<'a> {
    pub field: &'a DotField,
    pub design: &'a Design,
    pub frame: &'a Frame,
    pub line: &'a DistanceGrid,
    pub zones: &'a ZoneGrid,
    /// `None` lets dots go anywhere behind the line (tests on flat images).
    pub mask: Option<&'a ScalpMask>,
}

/// Fill `out` with the dots the design shows. Stable: a dot's position and
/// rank never depend on the design, only whether it shows.
pub fn visible_dots(scene: &Scene, out: &mut Vec<VisibleDot>) {
    out.clear();
    let d = scene.design;
    let look = look_params(d.look);
    let pigment = parse_shade(&d.shade).unwrap_or(Pigment {
        rgb: [70, 72, 79],
        strength: 0.74,
    });
    let t = scene.field.threshold(d.density);
    let feather = feather_for(d);
    let r_mm = d.dot_mm * 0.5 * look.size;
    let ppm = scene.frame.px_per_mm;
    let base_strength = pigment.strength * look.strength;
    for dot in &scene.field.dots {
        if dot.u >= t {
            continue;
        }
        let p = Vec2::new(dot.x, dot.y);
        let line = feather.factor(scene.line.sample(p), p, d.seed);
        let mut m = line;
        let Some(q) = scene.frame.try_to_image(p) else {
            continue; // On the far side of the head.
        };
        if m > 0.0 {
            if let Some(mask) = scene.mask {
                m *= mask.sample(q);
            }
        }
        if scene.zones.any {
            let z = scene.zones.sample(p);
            if z > 0.0 {
                m += z * (1.0 - m);
            } else if z < 0.0 {
                m *= 1.0 + z;
            }
        }
        if dot.u >= t * m {
            continue;
        }
        // Hairline dots are made with a single needle: a little smaller.
        let size = dot.size * (0.88 + 0.12 * smoothstep(0.0, 1.0, line));
        let (sx, sy) = scene.frame.head.foreshortening(p);
        out.push(VisibleDot {
            x: q.x,
            y: q.y,
            r: r_mm * size * ppm,
            sx,
            sy,
            strength: (base_strength * dot.dark).min(1.0),
        });
    }
}

/// Per-channel multiply factors for a pigment, 8.8 fixed point:
/// `256 * (255 - c) / 255`.
fn ink(rgb: [u8; 3], darken: f32) -> [u32; 3] {
    rgb.map(|c| {
        let c = c as f32 * darken;
        (256.0 * (255.0 - c) / 255.0).round() as u32
    })
}

/// Composite `dots` (image px) into `out`, which already holds the photo's
/// pixels for `view` (the image rectangle `out` shows).
/// `axes` are the face's x and y directions in the image (unit vectors),
/// along which dots are foreshortened.
pub fn composite(
    out: &mut Image,
    view: Rect,
    axes: (Vec2, Vec2),
    dots: &[VisibleDot],
    design: &Design,
) {
    let look = look_params(design.look);
    let pigment = parse_shade(&design.shade).unwrap_or(Pigment {
        rgb: [70, 72, 79],
        strength: 0.74,
    });
    let k = out.width as f32 / view.w;
    if let Some((radius, strength)) = look.halo {
        let halo = ink(HALO_RGB, 1.0);
        for d in dots {
            let dot = VisibleDot {
                r: d.r * radius,
                strength,
                ..*d
            };
            draw_dot(out, view, k, axes, &dot, halo, 1.0);
        }
    }
    let pig = ink(pigment.rgb, look.darken);
    for d in dots {
        draw_dot(out, view, k, axes, d, pig, look.softness);
    }
}

/// One anti-aliased, soft-edged (elliptical when foreshortened) dot
/// multiplied into `out`.
fn draw_dot(
    out: &mut Image,
    view: Rect,
    k: f32,
    axes: (Vec2, Vec2),
    d: &VisibleDot,
    ink: [u32; 3],
    softness: f32,
) {
    let cx = (d.x - view.x) * k;
    let cy = (d.y - view.y) * k;
    let (rx, ry) = (d.r * k * d.sx, d.r * k * d.sy);
    // Dots smaller than a pixel keep their total darkness instead of
    // vanishing or flickering: widen them and lower their strength.
    let (ex, ey) = (rx.max(0.7), ry.max(0.7));
    let gain = (rx * ry) / (ex * ey);
    let rmin = ex.min(ey);
    let edge = (softness * rmin).max(0.9);
    let reach = ex.max(ey) + edge * 0.5 + 0.5;
    let (w, h) = (out.width as i32, out.height as i32);
    let x0 = ((cx - reach).floor() as i32).max(0);
    let x1 = ((cx + reach).ceil() as i32).min(w - 1);
    let y0 = ((cy - reach).floor() as i32).max(0);
    let y1 = ((cy + reach).ceil() as i32).min(h - 1);
    if x0 > x1 || y0 > y1 {
        return;
    }
    let peak = d.strength * gain * 256.0;
    // Distances in units of the short radius: the edge ramp is `edge` pixels
    // wide across the short axis.
    let (ax, ay) = (axes.0.scale(rmin / ex), axes.1.scale(rmin / ey));
    let inv_edge = 1.0 / edge;
    let stride = out.width as usize * 4;
    for y in y0..=y1 {
        let dy = y as f32 + 0.5 - cy;
        let row = &mut out.data[y as usize * stride..(y as usize + 1) * stride];
        for x in x0..=x1 {
            let dx = x as f32 + 0.5 - cx;
            let u = dx * ax.x + dy * ax.y;
            let v = dx * ay.x + dy * ay.y;
            let dist = (u * u + v * v).sqrt();
            let t = ((rmin - dist) * inv_edge + 0.5).clamp(0.0, 1.0);
            if t <= 0.0 {
                continue;
            }
            let cov = t * t * (3.0 - 2.0 * t);
            let a = (peak * cov) as u32; // 0..=256
            let px = &mut row[x as usize * 4..x as usize * 4 + 3];
            for c in 0..3 {
                let f = 256 - ((a * ink[c]) >> 8);
                px[c] = ((px[c] as u32 * f) >> 8) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hairline::{control_points, curve};
    use crate::scale::{Calibration, Source};

    const AXES: (Vec2, Vec2) = (Vec2::new(1.0, 0.0), Vec2::new(0.0, -1.0));

    fn frame() -> Frame {
        Calibration::new(
            Vec2::new(400.0, 800.0),
            Vec2::new(526.0, 800.0),
            63.0,
            Source::Visitor,
            (1000, 1000),
        )
        .unwrap()
        .frame()
    }

    fn dots_for(design: &Design, field: &DotField) -> Vec<VisibleDot> {
        let f = frame();
        let line = DistanceGrid::build(&curve(&control_points(design), 16));
        let zones = ZoneGrid::from_strokes(&design.zones);
        let scene = Scene {
            field,
            design,
            frame: &f,
            line: &line,
            zones: &zones,
            mask: None,
        };
        let mut out = Vec::new();
        visible_dots(&scene, &mut out);
        out
    }

    #[test]
    fn dots_sit_behind_the_hairline_only() {
        let field = DotField::generate(1);
        let design = Design::default();
        let dots = dots_for(&design, &field);
        assert!(dots.len() > 4_000, "{}", dots.len());
        let f = frame();
        for d in &dots {
            let p = f.to_face(Vec2::new(d.x, d.y));
            // Nothing on the brows or the lower forehead (strays reach 4 mm + jitter).
            assert!(p.y > design.height_mm - 6.5 || p.x.abs() > 30.0, "{p:?}");
            assert!(p.y > 0.0);
        }
    }

    #[test]
    fn density_only_adds_dots_never_moves_them() {
        let field = DotField::generate(1);
        let mut d = Design {
            density: 40.0,
            ..Default::default()
        };
        let sparse = dots_for(&d, &field);
        d.density = 90.0;
        let dense = dots_for(&d, &field);
        assert!(dense.len() > sparse.len() * 2);
        let set: std::collections::HashSet<(u32, u32)> = dense
            .iter()
            .map(|v| (v.x.to_bits(), v.y.to_bits()))
            .collect();
        assert!(sparse
            .iter()
            .all(|v| set.contains(&(v.x.to_bits(), v.y.to_bits()))));
    }

    #[test]
    fn erase_zone_removes_dots_and_add_zone_adds_them_below_the_line() {
        let field = DotField::generate(1);
        let mut d = Design::default();
        let base = dots_for(&d, &field).len();
        d.zones.push(crate::design::Stroke {
            mode: crate::design::ZoneMode::Erase,
            radius_mm: 15.0,
            points: vec![[0.0, 100.0]],
        });
        let erased = dots_for(&d, &field);
        assert!(erased.len() < base);
        let f = frame();
        assert!(erased.iter().all(|v| f
            .to_face(Vec2::new(v.x, v.y))
            .minus(Vec2::new(0.0, 100.0))
            .len()
            > 9.5));
        d.zones.push(crate::design::Stroke {
            mode: crate::design::ZoneMode::Add,
            radius_mm: 5.0,
            points: vec![[0.0, 40.0]],
        });
        let added = dots_for(&d, &field);
        assert!(added.iter().any(|v| f
            .to_face(Vec2::new(v.x, v.y))
            .minus(Vec2::new(0.0, 40.0))
            .len()
            < 3.0));
    }

    #[test]
    fn composite_only_darkens_and_only_near_dots() {
        let mut out = Image::new(100, 100, [200, 160, 140, 255]).unwrap();
        let view = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        let dots = [VisibleDot {
            x: 50.0,
            y: 50.0,
            r: 4.0,
            sx: 1.0,
            sy: 1.0,
            strength: 0.8,
        }];
        composite(&mut out, view, AXES, &dots, &Design::default());
        let centre = out.pixel(50, 50);
        assert!(centre[0] < 110 && centre[0] > 30, "{centre:?}");
        assert_eq!(out.pixel(10, 10), [200, 160, 140, 255]);
        assert_eq!(out.pixel(50, 57), [200, 160, 140, 255]);
        for p in out.data.chunks(4) {
            assert!(p[0] <= 200 && p[1] <= 160 && p[2] <= 140 && p[3] == 255);
        }
        // The cool cast: blue falls least.
        let c = out.pixel(50, 50);
        assert!((c[2] as f32 / 140.0) > (c[0] as f32 / 200.0));
    }

    #[test]
    fn tiny_dots_keep_their_darkness() {
        let darkness = |r: f32| {
            let mut out = Image::new(20, 20, [200, 200, 200, 255]).unwrap();
            let view = Rect {
                x: 0.0,
                y: 0.0,
                w: 20.0,
                h: 20.0,
            };
            composite(
                &mut out,
                view,
                AXES,
                &[VisibleDot {
                    x: 10.3,
                    y: 9.8,
                    r,
                    sx: 1.0,
                    sy: 1.0,
                    strength: 0.5,
                }],
                &Design::default(),
            );
            out.data.chunks(4).map(|p| 200 - p[0] as i32).sum::<i32>() as f32
        };
        let (a, b) = (darkness(0.35), darkness(0.7));
        assert!(a > 0.0, "a sub-pixel dot still shows");
        assert!(
            (b / a - 4.0).abs() < 1.2,
            "darkness follows area: {a} vs {b}"
        );
    }
}
