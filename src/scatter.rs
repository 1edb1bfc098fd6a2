//! The dot field: a stable, progressive blue-noise point set over the head in
//! face millimetres.
//!
//! Every dot gets a fixed position and a rank `u ∈ [0, 1)`. A design at
//! density `D` shows the dots with `u < D / field_density` (times the local
//! feather and zone factors), so changing density, moving the hairline or
//! painting a zone never moves any dot: it only decides which ranks show.
//!
//! The set is built in phases of Poisson-disk sampling (Bridson's algorithm
//! seeded with the previous phases' points), each phase with a radius
//! `√2` smaller than the last, so every phase doubles the density and the
//! points of all phases so far form a maximal Poisson-disk set. Each phase's
//! new points are then relaxed (short-range repulsion, never closer than the
//! phase's radius) and ranked farthest-first, so any prefix of ranks is
//! evenly spread: no grid, no clumps, no holes, and a mean nearest-neighbour
//! distance within 15 % of `1/√density`.

use crate::rng::{hash01, Rng};

/// The face-frame area the field covers (mm): wide enough for a whole head
/// seen from the front.
pub const DOMAIN_X: (f32, f32) = (-115.0, 115.0);
pub const DOMAIN_Y: (f32, f32) = (-40.0, 175.0);
/// Minimum distance between any two dots of the finished field.
pub const FINAL_RADIUS_MM: f32 = 0.5;
const PHASES: i32 = 7;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Position in face mm.
    pub x: f32,
    pub y: f32,
    /// Rank in `[0, 1)`: lower ranks appear first as density rises.
    pub u: f32,
    /// Size factor (≈ 0.85–1.15).
    pub size: f32,
    /// Darkness factor (≈ 0.85–1.15).
    pub dark: f32,
    /// Edge softness factor (≈ 0.8–1.2): pigment spreads a little more
    /// under some dots than others.
    pub soft: f32,
    /// Extra threshold used by feathering, in `[0, 1)`, independent of `u`.
    pub v: f32,
}

#[derive(Clone, Debug)]
pub struct DotField {
    pub seed: u32,
    pub dots: Vec<Dot>,
    /// Dots per cm² of the whole field.
    pub density: f32,
}

impl DotField {
    pub fn generate(seed: u32) -> DotField {
        Self::generate_in(seed, DOMAIN_X, DOMAIN_Y)
    }

    /// Generate over a custom domain (tests use small ones).
    pub fn generate_in(seed: u32, dx: (f32, f32), dy: (f32, f32)) -> DotField {
        let mut rng = Rng::new(seed as u64 ^ 0x5eed_d07f);
        let (w, h) = (dx.1 - dx.0, dy.1 - dy.0);
        let cell = FINAL_RADIUS_MM / std::f32::consts::SQRT_2;
        let gw = (w / cell).ceil() as usize + 1;
        let gh = (h / cell).ceil() as usize + 1;
        // Every point so far, stored in its cell (the cell's diagonal is the
        // minimum distance, so a cell holds at most one); NaN marks an empty
        // cell, whose distance comparisons are all false.
        let mut grid: Vec<(f32, f32)> = vec![(f32::NAN, f32::NAN); gw * gh];
        // Points already ranked (all earlier phases, then this phase's in
        // rank order), the same way.
        let mut ranked: Vec<(f32, f32)> = vec![(f32::NAN, f32::NAN); gw * gh];
        let mut pts: Vec<(f32, f32)> = Vec::new();
        let cell_of = |x: f32, y: f32| -> (usize, usize) {
            (((x - dx.0) / cell) as usize, ((y - dy.0) / cell) as usize)
        };

        for phase in 0..PHASES {
            let r = FINAL_RADIUS_MM * std::f32::consts::SQRT_2.powi(PHASES - 1 - phase);
            let r2 = r * r;
            let reach = (r / cell).ceil() as isize;
            let first_new = pts.len();
            let mut active: Vec<u32> = (0..pts.len() as u32).collect();
            if active.is_empty() {
                let p = (dx.0 + rng.next_f32() * w, dy.0 + rng.next_f32() * h);
                let (cx, cy) = cell_of(p.0, p.1);
                grid[cy * gw + cx] = p;
                pts.push(p);
                active.push(0);
            }
            let tries = if phase == 0 { 30 } else { 16 };
            while !active.is_empty() {
                let ai = rng.below(active.len());
                let (ax, ay) = pts[active[ai] as usize];
                let mut placed = false;
                for _ in 0..tries {
                    // Uniform in the annulus [r, 2r], by rejection.
                    let (ox, oy) = loop {
                        let ox = (rng.next_f32() * 4.0 - 2.0) * r;
                        let oy = (rng.next_f32() * 4.0 - 2.0) * r;
                        if (r2..=4.0 * r2).contains(&(ox * ox + oy * oy)) {
                            break (ox, oy);
                        }
                    };
                    let (x, y) = (ax + ox, ay + oy);
                    if x < dx.0 || x >= dx.1 || y < dy.0 || y >= dy.1 {
                        continue;
                    }
                    let (cx, cy) = cell_of(x, y);
                    if !clear_of(&grid, gw, gh, cell, (cx, cy), reach, (x, y), r2) {
                        continue;
                    }
                    grid[cy * gw + cx] = (x, y);
                    active.push(pts.len() as u32);
                    pts.push((x, y));
                    placed = true;
                    break;
                }
                if !placed {
                    active.swap_remove(ai);
                }
            }
            relax(&mut pts[first_new..], &mut grid, gw, gh, cell, dx, dy, r);
            // Rank this phase's new points farthest-first, so every prefix of
            // ranks is as evenly spread as a Poisson-disk set of its density.
            let order = farthest_first(
                &pts,
                first_new,
                &mut ranked,
                gw,
                gh,
                cell,
                dx.0,
                dy.0,
                2.0 * r,
            );
            let reordered: Vec<(f32, f32)> = order.iter().map(|&i| pts[i]).collect();
            pts.truncate(first_new);
            pts.extend(reordered);
        }

        let n = pts.len();
        let s = seed as u64;
        let dots = pts
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| {
                let jitter = |ch: u64, amount: f32| {
                    // Sum of two uniforms: a soft triangle around 1 ± amount.
                    let t = hash01(s, i as u64, ch) + hash01(s, i as u64, ch + 1) - 1.0;
                    1.0 + amount * t
                };
                Dot {
                    x,
                    y,
                    u: (i as f32 + 0.5) / n as f32,
                    size: jitter(1, 0.15),
                    dark: jitter(3, 0.15),
                    soft: jitter(6, 0.2),
                    v: hash01(s, i as u64, 5),
                }
            })
            .collect();
        DotField {
            seed,
            dots,
            density: n as f32 / (w * h / 100.0),
        }
    }

    /// Values per dot in [`DotField::to_flat`].
    pub const FLAT: usize = 7;

    /// The field as flat numbers (x, y, u, size, dark, soft, v per dot), to
    /// hand a field generated in a worker to the page's engine.
    pub fn to_flat(&self) -> Vec<f32> {
        self.dots
            .iter()
            .flat_map(|d| [d.x, d.y, d.u, d.size, d.dark, d.soft, d.v])
            .collect()
    }

    /// A field from [`DotField::to_flat`]'s numbers, checked: whole dots,
    /// finite values, positions in the domain, ranks and jitters in range.
    pub fn from_flat(seed: u32, data: &[f32]) -> Result<DotField, String> {
        if data.is_empty() || !data.len().is_multiple_of(Self::FLAT) {
            return Err(format!(
                "a dot field needs {} numbers per dot, got {}",
                Self::FLAT,
                data.len()
            ));
        }
        let mut dots = Vec::with_capacity(data.len() / Self::FLAT);
        for c in data.chunks_exact(Self::FLAT) {
            let d = Dot {
                x: c[0],
                y: c[1],
                u: c[2],
                size: c[3],
                dark: c[4],
                soft: c[5],
                v: c[6],
            };
            let ok = (DOMAIN_X.0..=DOMAIN_X.1).contains(&d.x)
                && (DOMAIN_Y.0..=DOMAIN_Y.1).contains(&d.y)
                && (0.0..1.0).contains(&d.u)
                && (0.0..1.0).contains(&d.v)
                && [d.size, d.dark, d.soft]
                    .iter()
                    .all(|j| (0.5..=1.5).contains(j));
            if !ok {
                return Err(format!("dot field value out of range: {d:?}"));
            }
            dots.push(d);
        }
        let area = (DOMAIN_X.1 - DOMAIN_X.0) * (DOMAIN_Y.1 - DOMAIN_Y.0);
        Ok(DotField {
            seed,
            density: dots.len() as f32 / (area / 100.0),
            dots,
        })
    }

    /// Rank threshold that shows `density` dots/cm² where nothing thins them.
    pub fn threshold(&self, density: f32) -> f32 {
        (density / self.density).min(1.0)
    }
}

/// Greedy farthest-point order of `pts[first..]` against the points already
/// in `ranked` (a grid of cell size `cell`, origin `(x0, y0)`): each next
/// point is the one farthest from every point ranked before it. Lazy: a
/// point's stored distance only ever shrinks, so the heap's top is accepted
/// once a re-check confirms it. Distances are capped at `cap`.
#[allow(clippy::too_many_arguments)]
fn farthest_first(
    pts: &[(f32, f32)],
    first: usize,
    ranked: &mut [(f32, f32)],
    gw: usize,
    gh: usize,
    cell: f32,
    x0: f32,
    y0: f32,
    cap: f32,
) -> Vec<usize> {
    use std::collections::BinaryHeap;
    let cell_of = |x: f32, y: f32| (((x - x0) / cell) as usize, ((y - y0) / cell) as usize);
    let nearest = |ranked: &[(f32, f32)], x: f32, y: f32, limit: f32| -> f32 {
        let (cx, cy) = cell_of(x, y);
        let reach = (limit / cell).ceil() as isize;
        let mut best = limit * limit;
        for gy in (cy as isize - reach).max(0)..=(cy as isize + reach).min(gh as isize - 1) {
            for gx in (cx as isize - reach).max(0)..=(cx as isize + reach).min(gw as isize - 1) {
                let (qx, qy) = ranked[gy as usize * gw + gx as usize];
                if !qx.is_nan() {
                    best = best.min((qx - x) * (qx - x) + (qy - y) * (qy - y));
                }
            }
        }
        best.sqrt()
    };
    // Max-heap on (distance bits, reversed index): non-negative floats order
    // like their bits; ties go to the earlier (randomly generated) point.
    let mut heap: BinaryHeap<(u32, std::cmp::Reverse<usize>)> = (first..pts.len())
        .map(|i| {
            (
                nearest(ranked, pts[i].0, pts[i].1, cap).to_bits(),
                std::cmp::Reverse(i),
            )
        })
        .collect();
    let mut order = Vec::with_capacity(pts.len() - first);
    while let Some((bits, std::cmp::Reverse(i))) = heap.pop() {
        let stored = f32::from_bits(bits);
        let (x, y) = pts[i];
        let now = nearest(ranked, x, y, stored);
        if now < stored {
            heap.push((now.to_bits(), std::cmp::Reverse(i)));
            continue;
        }
        let (cx, cy) = cell_of(x, y);
        ranked[cy * gw + cx] = (x, y);
        order.push(i);
    }
    order
}

/// Whether `p` is at least `√r2` from every point in `grid` within `reach`
/// cells of its cell `c`.
#[allow(clippy::too_many_arguments)]
#[inline]
fn clear_of(
    grid: &[(f32, f32)],
    gw: usize,
    gh: usize,
    cell: f32,
    c: (usize, usize),
    reach: isize,
    p: (f32, f32),
    r2: f32,
) -> bool {
    let (cx, cy) = (c.0 as isize, c.1 as isize);
    for gy in (cy - reach).max(0)..=(cy + reach).min(gh as isize - 1) {
        // Cells whose nearest corner is already `r` away cannot conflict.
        let ny = ((gy - cy).abs() - 1).max(0) as f32 * cell;
        for gx in (cx - reach).max(0)..=(cx + reach).min(gw as isize - 1) {
            let nx = ((gx - cx).abs() - 1).max(0) as f32 * cell;
            if nx * nx + ny * ny >= r2 {
                continue;
            }
            let (qx, qy) = grid[gy as usize * gw + gx as usize];
            if (qx - p.0) * (qx - p.0) + (qy - p.1) * (qy - p.1) < r2 {
                return false;
            }
        }
    }
    true
}

/// Spread one phase's new points more evenly before they are ranked: a few
/// rounds of short-range repulsion from every neighbour (earlier phases
/// stay put) closer than 1.2× the spacing at the phase's density. A move is
/// kept only if the point stays at least `r` from every other point, so the
/// set stays a Poisson-disk set of radius `r` that has lost its tighter
/// clusters: the mean nearest-neighbour distance of every density prefix
/// rises from about 0.84 to 0.87–0.89 of `1/√density`.
#[allow(clippy::too_many_arguments)]
fn relax(
    new: &mut [(f32, f32)],
    grid: &mut [(f32, f32)],
    gw: usize,
    gh: usize,
    cell: f32,
    dx: (f32, f32),
    dy: (f32, f32),
    r: f32,
) {
    const ROUNDS: usize = 4;
    const RATE: f32 = 0.2;
    // All points so far over the domain: the spacing at this phase's density.
    let count = grid.iter().filter(|p| !p.0.is_nan()).count().max(1);
    let spacing = ((dx.1 - dx.0) * (dy.1 - dy.0) / count as f32).sqrt();
    let reach_mm = 1.2 * spacing;
    let reach = (reach_mm / cell).ceil() as isize;
    let cell_of = |x: f32, y: f32| (((x - dx.0) / cell) as usize, ((y - dy.0) / cell) as usize);
    let min_reach = (r / cell).ceil() as isize;
    for _ in 0..ROUNDS {
        for p in new.iter_mut() {
            let (x, y) = *p;
            let (cx, cy) = cell_of(x, y);
            let (mut fx, mut fy) = (0.0f32, 0.0f32);
            for gy in (cy as isize - reach).max(0)..=(cy as isize + reach).min(gh as isize - 1) {
                for gx in (cx as isize - reach).max(0)..=(cx as isize + reach).min(gw as isize - 1)
                {
                    let (qx, qy) = grid[gy as usize * gw + gx as usize];
                    let (ex, ey) = (x - qx, y - qy);
                    let d = (ex * ex + ey * ey).sqrt();
                    // NaN (empty cell) fails the test, as does the point itself.
                    if d < reach_mm && d > 0.0 {
                        let w = (reach_mm - d) / (reach_mm * d);
                        fx += ex * w;
                        fy += ey * w;
                    }
                }
            }
            let (nx, ny) = (x + RATE * spacing * fx, y + RATE * spacing * fy);
            if nx < dx.0 || nx >= dx.1 || ny < dy.0 || ny >= dy.1 {
                continue;
            }
            let (ncx, ncy) = cell_of(nx, ny);
            let (here, there) = (cy * gw + cx, ncy * gw + ncx);
            if there != here && !grid[there].0.is_nan() {
                continue;
            }
            grid[here] = (f32::NAN, f32::NAN);
            if clear_of(grid, gw, gh, cell, (ncx, ncy), min_reach, (nx, ny), r * r) {
                grid[there] = (nx, ny);
                *p = (nx, ny);
            } else {
                grid[here] = (x, y);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(seed: u32) -> DotField {
        DotField::generate_in(seed, (0.0, 40.0), (0.0, 40.0))
    }

    fn min_dist(pts: &[(f32, f32)]) -> f32 {
        let mut best = f32::MAX;
        for i in 0..pts.len() {
            for j in i + 1..pts.len() {
                let d = ((pts[i].0 - pts[j].0).powi(2) + (pts[i].1 - pts[j].1).powi(2)).sqrt();
                best = best.min(d);
            }
        }
        best
    }

    #[test]
    fn deterministic_per_seed() {
        let a = small(5);
        let b = small(5);
        assert_eq!(a.dots, b.dots);
        assert_ne!(small(6).dots[..10], a.dots[..10]);
    }

    #[test]
    fn field_is_dense_enough_for_the_maximum_design_density() {
        let f = small(1);
        assert!(f.density >= 150.0, "field density {}", f.density);
        assert!(f.density < 260.0, "field density {}", f.density);
        let all: Vec<_> = f.dots.iter().map(|d| (d.x, d.y)).collect();
        assert!(min_dist(&all) >= FINAL_RADIUS_MM * 0.999);
    }

    #[test]
    fn every_density_prefix_is_even() {
        let f = small(2);
        for density in [20.0f32, 70.0, 150.0] {
            let t = f.threshold(density);
            let pts: Vec<_> = f
                .dots
                .iter()
                .filter(|d| d.u < t)
                .map(|d| (d.x, d.y))
                .collect();
            // Count close to the asked density over 16 cm².
            let got = pts.len() as f32 / 16.0;
            assert!(
                (got - density).abs() < density * 0.03 + 1.0,
                "asked {density}, got {got}"
            );
            // No clumps: nobody much closer than 0.6 × mean spacing, and the
            // mean nearest neighbour within 15 % of the spacing (interior
            // points only: the domain's edge has neighbours on one side).
            let mean_spacing = 10.0 / density.sqrt();
            assert!(min_dist(&pts) > 0.5 * mean_spacing, "density {density}");
            let inner: Vec<_> = pts
                .iter()
                .filter(|p| p.0 > 5.0 && p.0 < 35.0 && p.1 > 5.0 && p.1 < 35.0)
                .collect();
            let mean_nn = inner
                .iter()
                .map(|p| {
                    pts.iter()
                        .filter(|q| q != p)
                        .map(|q| ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt())
                        .fold(f32::MAX, f32::min)
                })
                .sum::<f32>()
                / inner.len() as f32;
            assert!(
                (mean_nn / mean_spacing - 1.0).abs() < 0.15,
                "density {density}: mean nearest neighbour {mean_nn} vs {mean_spacing}"
            );
            // No holes: every 4×4-spacing square of the interior has dots.
            let s = 4.0 * mean_spacing;
            let mut y = 2.0;
            while y + s < 38.0 {
                let mut x = 2.0;
                while x + s < 38.0 {
                    let n = pts
                        .iter()
                        .filter(|p| p.0 >= x && p.0 < x + s && p.1 >= y && p.1 < y + s)
                        .count();
                    assert!(
                        n >= 5,
                        "hole near ({x}, {y}) at density {density}: {n} dots"
                    );
                    x += s;
                }
                y += s;
            }
        }
    }

    #[test]
    fn flat_numbers_round_trip_and_bad_ones_are_refused() {
        let f = DotField::generate(4);
        let back = DotField::from_flat(4, &f.to_flat()).unwrap();
        assert_eq!(back.dots, f.dots);
        assert_eq!(back.density, f.density);
        assert_eq!(back.seed, 4);
        let mut flat = f.to_flat();
        assert!(DotField::from_flat(4, &flat[..flat.len() - 1]).is_err());
        assert!(DotField::from_flat(4, &[]).is_err());
        flat[2] = f32::NAN;
        assert!(DotField::from_flat(4, &flat).is_err());
        flat[2] = 0.5;
        flat[0] = 1e9;
        assert!(DotField::from_flat(4, &flat).is_err());
    }

    #[test]
    fn jitter_is_within_fifteen_percent() {
        let f = small(3);
        for d in &f.dots {
            assert!((0.85..=1.15).contains(&d.size) && (0.85..=1.15).contains(&d.dark));
            assert!((0.8..=1.2).contains(&d.soft));
            assert!((0.0..1.0).contains(&d.u) && (0.0..1.0).contains(&d.v));
        }
        let mean = f.dots.iter().map(|d| d.size).sum::<f32>() / f.dots.len() as f32;
        assert!((mean - 1.0).abs() < 0.01);
    }
}
