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
//! points of all phases so far form a maximal Poisson-disk set. Ranks inside
//! a phase are shuffled, so any prefix of ranks is evenly spread: no grid,
//! no clumps, no holes.

use crate::rng::{hash01, Rng};

/// The face-frame area the field covers (mm): wide enough for a whole head
/// seen from the front.
pub const DOMAIN_X: (f32, f32) = (-115.0, 115.0);
pub const DOMAIN_Y: (f32, f32) = (-40.0, 140.0);
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
        let mut grid = vec![u32::MAX; gw * gh];
        // Points already ranked (all earlier phases, then this phase's in
        // rank order): one per cell, holding the point itself.
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
                grid[cy * gw + cx] = 0;
                pts.push(p);
                active.push(0);
            }
            let tries = if phase == 0 { 30 } else { 16 };
            while !active.is_empty() {
                let ai = rng.below(active.len());
                let (ax, ay) = pts[active[ai] as usize];
                let mut placed = false;
                for _ in 0..tries {
                    // Uniform in the annulus [r, 2r].
                    let rad = r * (1.0 + 3.0 * rng.next_f32()).sqrt();
                    let ang = rng.next_f32() * std::f32::consts::TAU;
                    let (x, y) = (ax + rad * ang.cos(), ay + rad * ang.sin());
                    if x < dx.0 || x >= dx.1 || y < dy.0 || y >= dy.1 {
                        continue;
                    }
                    let (cx, cy) = cell_of(x, y);
                    let mut ok = true;
                    'scan: for gy in
                        (cy as isize - reach).max(0)..=(cy as isize + reach).min(gh as isize - 1)
                    {
                        for gx in (cx as isize - reach).max(0)
                            ..=(cx as isize + reach).min(gw as isize - 1)
                        {
                            let j = grid[gy as usize * gw + gx as usize];
                            if j != u32::MAX {
                                let (qx, qy) = pts[j as usize];
                                if (qx - x) * (qx - x) + (qy - y) * (qy - y) < r2 {
                                    ok = false;
                                    break 'scan;
                                }
                            }
                        }
                    }
                    if ok {
                        let id = pts.len() as u32;
                        grid[cy * gw + cx] = id;
                        pts.push((x, y));
                        active.push(id);
                        placed = true;
                        break;
                    }
                }
                if !placed {
                    active.swap_remove(ai);
                }
            }
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
            // Reordering moved points: rebuild the grid's indices.
            for (i, &(x, y)) in pts.iter().enumerate().skip(first_new) {
                let (cx, cy) = cell_of(x, y);
                grid[cy * gw + cx] = i as u32;
            }
        }

        let n = pts.len();
        let s = seed as u64;
        let dots = pts
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| {
                let jitter = |ch: u64| {
                    // Sum of two uniforms: a soft triangle around 1 ± 0.15.
                    let t = hash01(s, i as u64, ch) + hash01(s, i as u64, ch + 1) - 1.0;
                    1.0 + 0.15 * t
                };
                Dot {
                    x,
                    y,
                    u: (i as f32 + 0.5) / n as f32,
                    size: jitter(1),
                    dark: jitter(3),
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
            // No clumps: nobody much closer than 0.6 × mean spacing.
            let mean_spacing = 10.0 / density.sqrt();
            assert!(min_dist(&pts) > 0.5 * mean_spacing, "density {density}");
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
    fn jitter_is_within_fifteen_percent() {
        let f = small(3);
        for d in &f.dots {
            assert!((0.85..=1.15).contains(&d.size) && (0.85..=1.15).contains(&d.dark));
            assert!((0.0..1.0).contains(&d.u) && (0.0..1.0).contains(&d.v));
        }
        let mean = f.dots.iter().map(|d| d.size).sum::<f32>() / f.dots.len() as f32;
        assert!((mean - 1.0).abs() < 0.01);
    }
}
