//! The hairline: control points from the style presets, a smooth curve
//! through them, and a signed-distance grid (positive behind the line, where
//! dots go) that the renderer samples per dot for feathering.

use crate::design::{Design, Style, CONTROL_POINTS};
use crate::geom::{smoothstep, Vec2};
use crate::rng::hash01;
use crate::scatter::{DOMAIN_X, DOMAIN_Y};

/// Names of the control points, in order (image left → image right).
pub const POINT_NAMES: [&str; CONTROL_POINTS] = [
    "left temporal point",
    "left frontotemporal corner",
    "left front",
    "mid-frontal point",
    "right front",
    "right frontotemporal corner",
    "right temporal point",
];
/// Index of the mid-frontal point.
pub const MID: usize = 3;

/// The index that mirrors `i` across the face's midline.
pub fn mirror_index(i: usize) -> usize {
    CONTROL_POINTS - 1 - i
}

/// Surface distance of the frontotemporal corners from the midline: on an
/// average head they show at about the mid-pupil lines.
pub const CORNER_X: f32 = 34.0;
/// Surface distance of the temporal points from the midline.
pub const TEMPORAL_X: f32 = 66.0;

/// Control points of the preset before the visitor's adjustments (face mm).
pub fn preset_points(style: Style, height: f32, recession: f32) -> [Vec2; CONTROL_POINTS] {
    let corner_y = height + recession;
    let temporal_y = corner_y - 48.0;
    let (front_x, front_y) = match style {
        // The V: the front points sit well above the peak.
        Style::WidowsPeak => (14.0, height + 9.0),
        _ => (17.0, height + 1.5),
    };
    [
        Vec2::new(-TEMPORAL_X, temporal_y),
        Vec2::new(-CORNER_X, corner_y),
        Vec2::new(-front_x, front_y),
        Vec2::new(0.0, height),
        Vec2::new(front_x, front_y),
        Vec2::new(CORNER_X, corner_y),
        Vec2::new(TEMPORAL_X, temporal_y),
    ]
}

/// The design's control points (preset + adjustments), face mm.
pub fn control_points(d: &Design) -> [Vec2; CONTROL_POINTS] {
    let mut p = preset_points(d.style, d.height_mm, d.recession_mm);
    for (q, a) in p.iter_mut().zip(d.adjust.iter()) {
        q.x += a[0];
        q.y += a[1];
    }
    p
}

/// Move control point `i` to `to` (face mm), mirroring when the design is
/// symmetric. Moving the mid-frontal point vertically changes the height and
/// leaves the other points where they are. Adjustments are clamped to ±60 mm.
pub fn move_point(d: &mut Design, i: usize, to: Vec2) {
    if i >= CONTROL_POINTS || !to.is_finite() {
        return;
    }
    let base = preset_points(d.style, d.height_mm, d.recession_mm);
    if i == MID {
        let new_h = (to.y - d.adjust[MID][1]).clamp(50.0, 120.0);
        let dh = new_h - d.height_mm;
        d.height_mm = new_h;
        for (k, a) in d.adjust.iter_mut().enumerate() {
            if k != MID {
                a[1] = (a[1] - dh).clamp(-60.0, 60.0);
            }
        }
        // The peak stays on the midline when symmetric.
        d.adjust[MID][0] = if d.symmetric {
            0.0
        } else {
            to.x.clamp(-60.0, 60.0)
        };
        return;
    }
    let a = [
        (to.x - base[i].x).clamp(-60.0, 60.0),
        (to.y - base[i].y).clamp(-60.0, 60.0),
    ];
    d.adjust[i] = a;
    if d.symmetric {
        d.adjust[mirror_index(i)] = [-a[0], a[1]];
    }
}

/// A placement warning: the design is allowed, but an artist would question it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Guardrail {
    /// `too-low`, `too-straight` or `asymmetric`.
    pub code: &'static str,
    /// The measured value the warning is about (mm).
    pub value_mm: f32,
}

/// Check a design against the placement rules of hair-restoration practice:
/// the mid-frontal point at least 6.5 cm above the glabella, a line that
/// rises from the peak to the corners (not ruler-straight), and left and
/// right within a few millimetres of each other.
pub fn guardrails(d: &Design) -> Vec<Guardrail> {
    let p = control_points(d);
    let mut out = Vec::new();
    if p[MID].y < 65.0 {
        out.push(Guardrail {
            code: "too-low",
            value_mm: p[MID].y,
        });
    }
    // How far the corners rise above the peak: a natural frame rises.
    let rise = (p[1].y + p[5].y) * 0.5 - p[MID].y;
    if rise < 4.0 {
        out.push(Guardrail {
            code: "too-straight",
            value_mm: rise,
        });
    }
    let asym = (0..MID)
        .map(|i| {
            let (l, r) = (p[i], p[mirror_index(i)]);
            (l.x + r.x).abs().max((l.y - r.y).abs())
        })
        .fold(0.0f32, f32::max);
    if asym > 4.0 {
        out.push(Guardrail {
            code: "asymmetric",
            value_mm: asym,
        });
    }
    out
}

/// The line's landmarks as an artist measures them on the head before
/// drawing it with a pencil: the mid-frontal point, the frontotemporal
/// corners and the temporal points (face mm on the surface, origin at the
/// glabella; index 0 of each pair is on the image's left, the client's
/// right), and the distances between them along the skin (straight chords
/// of the surface coordinates, what a flexible ruler laid on the head
/// reads).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Landmarks {
    pub mid_frontal: Vec2,
    pub corners: [Vec2; 2],
    pub temples: [Vec2; 2],
    /// From one corner to the other.
    pub corner_width_mm: f32,
    /// From one temporal point to the other.
    pub temple_width_mm: f32,
    /// From the mid-frontal point to each corner.
    pub mid_to_corner_mm: [f32; 2],
    /// From each corner down to its temporal point.
    pub corner_to_temple_mm: [f32; 2],
}

/// The landmarks of a design (see [`Landmarks`]).
pub fn landmarks(d: &Design) -> Landmarks {
    let p = control_points(d);
    let (m, c, t) = (p[MID], [p[1], p[5]], [p[0], p[6]]);
    Landmarks {
        mid_frontal: m,
        corners: c,
        temples: t,
        corner_width_mm: c[1].minus(c[0]).len(),
        temple_width_mm: t[1].minus(t[0]).len(),
        mid_to_corner_mm: [c[0].minus(m).len(), c[1].minus(m).len()],
        corner_to_temple_mm: [t[0].minus(c[0]).len(), t[1].minus(c[1]).len()],
    }
}

/// The face's vertical thirds, the proportion hair-restoration surgeons
/// check a hairline against: forehead (glabella to the mid-frontal point),
/// nose (glabella to subnasale) and chin (subnasale to menton), in mm.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Thirds {
    pub upper_mm: f32,
    pub middle_mm: f32,
    pub lower_mm: f32,
    /// `balanced`, `high` (the forehead third more than 25 % longer than
    /// the mean of the others) or `low` (more than 10 % shorter). Lenient
    /// upwards: surgeons place adult lines conservatively, a little high.
    pub balance: &'static str,
}

/// The thirds for a design on `head`, given the lower two measured on the
/// face. All three are measured as the photo shows them (straight, in the
/// face's plane): the forehead's mid-frontal point is projected off the
/// head's curve, as the nose and chin are measured straight.
pub fn thirds(d: &Design, head: &crate::scale::Head, middle_mm: f32, lower_mm: f32) -> Thirds {
    let upper_mm = head.project_clamped(control_points(d)[MID]).y;
    let ratio = upper_mm / ((middle_mm + lower_mm) * 0.5);
    Thirds {
        upper_mm,
        middle_mm,
        lower_mm,
        balance: if ratio > 1.25 {
            "high"
        } else if ratio < 0.9 {
            "low"
        } else {
            "balanced"
        },
    }
}

/// Centripetal Catmull-Rom through `pts`, `per` samples per span, with the
/// ends extended out and down to the sideburns and then sideways.
pub fn curve(pts: &[Vec2; CONTROL_POINTS], per: usize) -> Vec<Vec2> {
    let n = pts.len();
    let get = |i: isize| -> Vec2 {
        if i < 0 {
            pts[0].plus(pts[0].minus(pts[1]))
        } else if i as usize >= n {
            pts[n - 1].plus(pts[n - 1].minus(pts[n - 2]))
        } else {
            pts[i as usize]
        }
    };
    let mut out = Vec::with_capacity(n * per + 4);
    let l = pts[0];
    out.push(Vec2::new(-400.0, l.y - 12.0));
    out.push(Vec2::new(l.x - 10.0, l.y - 12.0));
    for s in 0..n - 1 {
        let (p0, p1, p2, p3) = (
            get(s as isize - 1),
            get(s as isize),
            get(s as isize + 1),
            get(s as isize + 2),
        );
        let knot = |a: Vec2, b: Vec2| b.minus(a).len().max(1e-3).sqrt();
        let t1 = knot(p0, p1);
        let t2 = t1 + knot(p1, p2);
        let t3 = t2 + knot(p2, p3);
        for k in 0..per {
            let t = t1 + (t2 - t1) * k as f32 / per as f32;
            let lerp = |a: Vec2, b: Vec2, ta: f32, tb: f32| {
                a.scale((tb - t) / (tb - ta))
                    .plus(b.scale((t - ta) / (tb - ta)))
            };
            let a1 = lerp(p0, p1, 0.0, t1);
            let a2 = lerp(p1, p2, t1, t2);
            let a3 = lerp(p2, p3, t2, t3);
            let b1 = lerp(a1, a2, 0.0, t2);
            let b2 = lerp(a2, a3, t1, t3);
            out.push(lerp(b1, b2, t1, t2));
        }
    }
    let r = pts[n - 1];
    out.push(r);
    out.push(Vec2::new(r.x + 10.0, r.y - 12.0));
    out.push(Vec2::new(400.0, r.y - 12.0));
    out
}

/// How a style feathers: fade width comes from the design; this adds the
/// edge irregularity and the stray dots ahead of the line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feather {
    pub width: f32,
    /// Amplitude (mm) of the irregular micro-zigzag of the edge.
    pub jitter: f32,
    /// Chance (relative to full density) of a stray dot just ahead of the line.
    pub stray: f32,
    /// How far ahead of the line strays reach (mm).
    pub stray_reach: f32,
    /// Density right at the line, as a fraction of full density.
    pub floor: f32,
}

pub fn feather_for(d: &Design) -> Feather {
    let width = d.feather_mm;
    match d.style {
        Style::Natural | Style::Mature => Feather {
            width,
            jitter: 1.3,
            stray: 0.07,
            stray_reach: 4.0,
            floor: 0.12,
        },
        Style::WidowsPeak => Feather {
            width,
            jitter: 0.9,
            stray: 0.05,
            stray_reach: 3.0,
            floor: 0.15,
        },
        Style::Soft => Feather {
            width,
            jitter: 0.7,
            stray: 0.025,
            stray_reach: 3.0,
            floor: 0.05,
        },
        Style::Defined => Feather {
            width,
            jitter: 0.12,
            stray: 0.0,
            stray_reach: 0.0,
            floor: 0.85,
        },
    }
}

impl Feather {
    /// Density factor in `[0, 1]` at signed distance `d` (mm, positive
    /// behind the line) for a dot whose edge noise is `noise` (in `[-1, 1]`,
    /// from [`edge_noise`]).
    pub fn factor(&self, d: f32, noise: f32) -> f32 {
        let d = d + self.jitter * noise;
        if d >= self.width {
            1.0
        } else if d >= 0.0 {
            let t = if self.width > 0.0 {
                d / self.width
            } else {
                1.0
            };
            self.floor + (1.0 - self.floor) * smoothstep(0.0, 1.0, t)
        } else if d > -self.stray_reach {
            self.stray * (1.0 + d / self.stray_reach)
        } else {
            0.0
        }
    }
}

/// The irregular micro-zigzag of the hairline's edge at face position `p`,
/// in `[-1, 1]` (features about 3.5 mm across).
pub fn edge_noise(p: Vec2, seed: u32) -> f32 {
    value_noise(p, 3.5, seed) * 2.0 - 1.0
}

/// Smooth 2D value noise in `[0, 1]` with features about `scale` mm across.
pub fn value_noise(p: Vec2, scale: f32, seed: u32) -> f32 {
    let (x, y) = (p.x / scale, p.y / scale);
    let (xi, yi) = (x.floor(), y.floor());
    let (fx, fy) = (x - xi, y - yi);
    let h = |i: f32, j: f32| {
        let key = ((i as i64 as u64) << 32) ^ (j as i64 as u64 & 0xffff_ffff);
        hash01(seed as u64 ^ 0x0a15e, key, 11)
    };
    let sx = fx * fx * (3.0 - 2.0 * fx);
    let sy = fy * fy * (3.0 - 2.0 * fy);
    let a = h(xi, yi) + (h(xi + 1.0, yi) - h(xi, yi)) * sx;
    let b = h(xi, yi + 1.0) + (h(xi + 1.0, yi + 1.0) - h(xi, yi + 1.0)) * sx;
    a + (b - a) * sy
}

/// Signed distance to the hairline on a 1 mm grid over the field's domain,
/// clamped to ±`BAND` mm. Positive = behind the line (scalp side).
#[derive(Clone, Debug)]
pub struct DistanceGrid {
    pub cols: usize,
    pub rows: usize,
    pub data: Vec<f32>,
}

pub const GRID_MM: f32 = 1.0;
pub const BAND: f32 = 30.0;

impl DistanceGrid {
    pub fn build(line: &[Vec2]) -> DistanceGrid {
        let cols = ((DOMAIN_X.1 - DOMAIN_X.0) / GRID_MM) as usize + 1;
        let rows = ((DOMAIN_Y.1 - DOMAIN_Y.0) / GRID_MM) as usize + 1;
        let mut data = vec![BAND * BAND; cols * rows];
        // Unsigned distance (squared) in a band around every segment.
        for w in line.windows(2) {
            let (a, b) = (w[0], w[1]);
            let gx = |x: f32| ((x - DOMAIN_X.0) / GRID_MM).round() as isize;
            let gy = |y: f32| ((y - DOMAIN_Y.0) / GRID_MM).round() as isize;
            let band = (BAND / GRID_MM).ceil() as isize;
            let x0 = (gx(a.x.min(b.x)) - band).max(0);
            let x1 = (gx(a.x.max(b.x)) + band).min(cols as isize - 1);
            let y0 = (gy(a.y.min(b.y)) - band).max(0);
            let y1 = (gy(a.y.max(b.y)) + band).min(rows as isize - 1);
            // segment_dist2 unrolled with the segment's constants hoisted:
            // this runs for every node near every segment on each drag frame.
            let ab = b.minus(a);
            let l2 = ab.dot(ab);
            let inv = if l2 > 0.0 { 1.0 / l2 } else { 0.0 };
            for j in y0..=y1 {
                let py = DOMAIN_Y.0 + j as f32 * GRID_MM - a.y;
                let row = &mut data[j as usize * cols..][..cols];
                for i in x0..=x1 {
                    let px = DOMAIN_X.0 + i as f32 * GRID_MM - a.x;
                    let t = ((px * ab.x + py * ab.y) * inv).clamp(0.0, 1.0);
                    let (dx, dy) = (px - ab.x * t, py - ab.y * t);
                    let d2 = dx * dx + dy * dy;
                    let c = &mut row[i as usize];
                    if d2 < *c {
                        *c = d2;
                    }
                }
            }
        }
        // Sign by scanline: close the line over the top of the domain and
        // count crossings along each row.
        let mut poly: Vec<Vec2> = line.to_vec();
        poly.push(Vec2::new(400.0, 1000.0));
        poly.push(Vec2::new(-400.0, 1000.0));
        let mut xs: Vec<f32> = Vec::new();
        for j in 0..rows {
            let y = DOMAIN_Y.0 + j as f32 * GRID_MM;
            xs.clear();
            for k in 0..poly.len() {
                let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
                if (a.y <= y) != (b.y <= y) {
                    xs.push(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
                }
            }
            xs.sort_by(|a, b| a.total_cmp(b));
            let mut k = 0;
            let mut inside = false;
            for i in 0..cols {
                let x = DOMAIN_X.0 + i as f32 * GRID_MM;
                while k < xs.len() && xs[k] <= x {
                    inside = !inside;
                    k += 1;
                }
                let c = &mut data[j * cols + i];
                let d = c.sqrt();
                *c = if inside { d } else { -d };
            }
        }
        DistanceGrid { cols, rows, data }
    }

    /// Every grid node: its face position (mm) and signed distance.
    pub fn nodes(&self) -> impl Iterator<Item = (Vec2, f32)> + '_ {
        self.data.iter().enumerate().map(|(i, &d)| {
            let (c, r) = (i % self.cols, i / self.cols);
            let at = Vec2::new(
                DOMAIN_X.0 + c as f32 * GRID_MM,
                DOMAIN_Y.0 + r as f32 * GRID_MM,
            );
            (at, d)
        })
    }

    /// Bilinear signed distance at face position `p` (mm). Outside the
    /// domain, far outside the scalp.
    pub fn sample(&self, p: Vec2) -> f32 {
        let gx = (p.x - DOMAIN_X.0) / GRID_MM;
        let gy = (p.y - DOMAIN_Y.0) / GRID_MM;
        if !(gx >= 0.0 && gy >= 0.0 && gx < (self.cols - 1) as f32 && gy < (self.rows - 1) as f32) {
            return -BAND;
        }
        let (i, j) = (gx as usize, gy as usize);
        let (fx, fy) = (gx - i as f32, gy - j as f32);
        let at = |i: usize, j: usize| self.data[j * self.cols + i];
        let a = at(i, j) + (at(i + 1, j) - at(i, j)) * fx;
        let b = at(i, j + 1) + (at(i + 1, j + 1) - at(i, j + 1)) * fx;
        a + (b - a) * fy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_for(d: &Design) -> DistanceGrid {
        DistanceGrid::build(&curve(&control_points(d), 16))
    }

    #[test]
    fn grid_nodes_hold_the_distance_to_the_nearest_segment() {
        let line = curve(&control_points(&Design::default()), 16);
        let grid = DistanceGrid::build(&line);
        for (at, d) in grid.nodes().step_by(37) {
            let nearest = line
                .windows(2)
                .map(|w| crate::geom::segment_dist2(at, w[0], w[1]).0)
                .fold(BAND * BAND, f32::min)
                .sqrt();
            assert!((d.abs() - nearest).abs() < 1e-3, "{at:?}: {d} vs {nearest}");
        }
    }

    #[test]
    fn presets_are_symmetric_and_at_the_asked_height() {
        for s in Style::ALL {
            let d = Design::preset(s);
            let p = control_points(&d);
            assert_eq!(p[MID], Vec2::new(0.0, d.height_mm));
            for i in 0..CONTROL_POINTS {
                let m = p[mirror_index(i)];
                assert!((p[i].x + m.x).abs() < 1e-5 && (p[i].y - m.y).abs() < 1e-5);
            }
            // Corners turn near the mid-pupil lines and sit higher than the peak.
            assert!(p[5].x > 31.5 && p[5].x < 50.0 && p[5].y > d.height_mm);
            let shown = crate::scale::Head::default().project(p[5]).unwrap();
            assert!((shown.x - 31.5).abs() < 6.0, "corner shows at {shown:?}");
            // Temporal points about 5 cm below the corners.
            assert!((p[5].y - p[6].y - 48.0).abs() < 1e-4);
        }
    }

    #[test]
    fn landmarks_measure_the_line_an_artist_draws() {
        let mut d = Design::default();
        let l = landmarks(&d);
        assert_eq!(l.mid_frontal, Vec2::new(0.0, d.height_mm));
        // Corners at the mid-pupil lines, as high as the recession puts them.
        assert!((l.corner_width_mm - 2.0 * CORNER_X).abs() < 1e-4);
        assert!((l.temple_width_mm - 2.0 * TEMPORAL_X).abs() < 1e-4);
        assert!((l.corners[1].y - (d.height_mm + d.recession_mm)).abs() < 1e-4);
        let chord = (CORNER_X * CORNER_X + d.recession_mm * d.recession_mm).sqrt();
        assert!((l.mid_to_corner_mm[0] - chord).abs() < 1e-3);
        assert_eq!(l.mid_to_corner_mm[0], l.mid_to_corner_mm[1]);
        let drop = ((TEMPORAL_X - CORNER_X).powi(2) + 48.0f32.powi(2)).sqrt();
        assert!((l.corner_to_temple_mm[1] - drop).abs() < 1e-3);
        // A moved corner shows in its own side's measures only.
        d.symmetric = false;
        move_point(&mut d, 5, Vec2::new(40.0, l.corners[1].y + 6.0));
        let m = landmarks(&d);
        assert_eq!(m.corners[1], Vec2::new(40.0, l.corners[1].y + 6.0));
        assert_eq!(m.corners[0], l.corners[0]);
        assert!(m.mid_to_corner_mm[1] > m.mid_to_corner_mm[0]);
        assert!((m.corner_width_mm - (40.0 + CORNER_X).hypot(6.0)).abs() < 1e-3);
    }

    #[test]
    fn curve_passes_through_control_points() {
        let d = Design::default();
        let pts = control_points(&d);
        let c = curve(&pts, 16);
        for p in pts {
            let best = c.iter().map(|q| q.minus(p).len()).fold(f32::MAX, f32::min);
            assert!(best < 1e-3, "{p:?} missed by {best}");
        }
    }

    #[test]
    fn sign_and_distance() {
        let d = Design::default();
        let g = grid_for(&d);
        // 20 mm above the peak: scalp; 20 mm below: forehead.
        assert!((g.sample(Vec2::new(0.0, 100.0)) - 20.0).abs() < 0.6);
        assert!((g.sample(Vec2::new(0.0, 60.0)) + 20.0).abs() < 0.6);
        // The temple recession beside the corner is forehead, the temple
        // beyond the temporal curve is scalp.
        assert!(g.sample(Vec2::new(52.0, 60.0)) < 0.0);
        assert!(g.sample(Vec2::new(90.0, 60.0)) > 0.0);
        // The brows and the eyes are never behind the line.
        assert!(g.sample(Vec2::new(0.0, 0.0)) < 0.0);
        assert!(g.sample(Vec2::new(-30.0, -14.0)) < 0.0);
        // Outside the domain counts as outside.
        assert!(g.sample(Vec2::new(0.0, 500.0)) < 0.0);
    }

    #[test]
    fn moving_the_peak_changes_height_only() {
        let mut d = Design::default();
        let before = control_points(&d);
        move_point(&mut d, MID, Vec2::new(5.0, 90.0));
        let after = control_points(&d);
        assert_eq!(d.height_mm, 90.0);
        assert_eq!(
            after[MID],
            Vec2::new(0.0, 90.0),
            "symmetric keeps the peak centred"
        );
        for i in [0, 1, 2, 4, 5, 6] {
            assert!(after[i].minus(before[i]).len() < 1e-4);
        }
        d.validate().unwrap();
    }

    #[test]
    fn moving_a_corner_mirrors_when_symmetric() {
        let mut d = Design::default();
        move_point(&mut d, 5, Vec2::new(45.0, 100.0));
        let p = control_points(&d);
        assert!((p[5].x - 45.0).abs() < 1e-4 && (p[5].y - 100.0).abs() < 1e-4);
        assert!((p[1].x + 45.0).abs() < 1e-4 && (p[1].y - 100.0).abs() < 1e-4);
        d.symmetric = false;
        move_point(&mut d, 5, Vec2::new(48.0, 90.0));
        let q = control_points(&d);
        assert_eq!(q[1], p[1]);
        // Far drags are clamped, and NaN is ignored.
        move_point(&mut d, 0, Vec2::new(-1000.0, 0.0));
        assert!(d.validate().is_ok());
        move_point(&mut d, 0, Vec2::new(f32::NAN, 0.0));
        assert!(d.validate().is_ok());
    }

    #[test]
    fn thirds_compare_the_forehead_with_the_rest_of_the_face() {
        let head = crate::scale::Head::default();
        let mut d = Design::preset(Style::Natural);
        let t = thirds(&d, &head, 65.0, 68.0);
        // Measured straight: shorter than the 80 mm over the curve.
        let over_curve = control_points(&d)[MID].y;
        assert!(
            t.upper_mm < over_curve && t.upper_mm > 0.7 * over_curve,
            "{t:?}"
        );
        assert_eq!(t.balance, "balanced", "{t:?}");
        d.height_mm = 50.0;
        assert_eq!(thirds(&d, &head, 65.0, 68.0).balance, "low");
        d.height_mm = 120.0;
        assert_eq!(thirds(&d, &head, 55.0, 55.0).balance, "high");
    }

    #[test]
    fn guardrails_warn_about_low_straight_and_lopsided_lines() {
        for s in Style::ALL {
            assert!(
                guardrails(&Design::preset(s)).is_empty(),
                "{s:?} preset warns"
            );
        }
        let low = Design {
            height_mm: 60.0,
            ..Default::default()
        };
        assert_eq!(guardrails(&low)[0].code, "too-low");
        let straight = Design {
            recession_mm: 0.0,
            ..Default::default()
        };
        assert!(guardrails(&straight)
            .iter()
            .any(|g| g.code == "too-straight"));
        let mut lopsided = Design {
            symmetric: false,
            ..Default::default()
        };
        let c = control_points(&lopsided)[5];
        move_point(&mut lopsided, 5, Vec2::new(c.x, c.y + 8.0));
        let g = guardrails(&lopsided);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].code, "asymmetric");
        assert!((g[0].value_mm - 8.0).abs() < 0.01);
    }

    #[test]
    fn feather_profiles() {
        let p = Vec2::new(0.0, 80.0);
        for s in Style::ALL {
            let f = feather_for(&Design::preset(s));
            assert_eq!(f.factor(40.0, edge_noise(p, 1)), 1.0);
            assert_eq!(f.factor(-40.0, edge_noise(p, 1)), 0.0);
        }
        let natural = feather_for(&Design::preset(Style::Natural));
        let defined = feather_for(&Design::preset(Style::Defined));
        // Natural has strays ahead; defined has none and is dense right at the line.
        let ahead: f32 = (0..200)
            .map(|i| natural.factor(-2.0, edge_noise(Vec2::new(i as f32, 80.0), 1)))
            .sum();
        assert!(ahead > 0.0);
        let ahead_def: f32 = (0..200)
            .map(|i| defined.factor(-1.0, edge_noise(Vec2::new(i as f32, 80.0), 1)))
            .sum();
        assert_eq!(ahead_def, 0.0);
        assert!(defined.factor(2.0, 0.0) > natural.factor(2.0, 0.0));
    }
}
