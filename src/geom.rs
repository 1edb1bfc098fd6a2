//! Small 2D vector helpers shared by the geometry modules.

use serde::{Deserialize, Serialize};

/// A point or vector in whatever unit the caller uses (mm or px).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Vec2 {
    pub x: f32,
    pub y: f32,
}

impl Vec2 {
    pub const fn new(x: f32, y: f32) -> Self {
        Vec2 { x, y }
    }
    pub fn plus(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x + o.x, self.y + o.y)
    }
    pub fn minus(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x - o.x, self.y - o.y)
    }
    pub fn scale(self, k: f32) -> Vec2 {
        Vec2::new(self.x * k, self.y * k)
    }
    pub fn dot(self, o: Vec2) -> f32 {
        self.x * o.x + self.y * o.y
    }
    pub fn len(self) -> f32 {
        self.dot(self).sqrt()
    }
    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}

/// Squared distance from `p` to the segment `a`–`b`, and the parameter
/// `t ∈ [0, 1]` of the closest point.
pub fn segment_dist2(p: Vec2, a: Vec2, b: Vec2) -> (f32, f32) {
    let ab = b.minus(a);
    let l2 = ab.dot(ab);
    let t = if l2 > 0.0 {
        (p.minus(a).dot(ab) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = a.plus(ab.scale(t));
    let d = p.minus(q);
    (d.dot(d), t)
}

/// Hermite smoothstep of `x` between `e0` and `e1`.
pub fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    if e1 <= e0 {
        return if x >= e1 { 1.0 } else { 0.0 };
    }
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_distance_clamps_to_ends() {
        let (d2, t) = segment_dist2(
            Vec2::new(-3.0, 4.0),
            Vec2::new(0.0, 0.0),
            Vec2::new(10.0, 0.0),
        );
        assert_eq!(t, 0.0);
        assert!((d2 - 25.0).abs() < 1e-5);
        let (d2, t) = segment_dist2(
            Vec2::new(5.0, 2.0),
            Vec2::new(0.0, 0.0),
            Vec2::new(10.0, 0.0),
        );
        assert!((t - 0.5).abs() < 1e-6);
        assert!((d2 - 4.0).abs() < 1e-5);
    }

    #[test]
    fn smoothstep_is_monotone_and_clamped() {
        assert_eq!(smoothstep(0.0, 1.0, -1.0), 0.0);
        assert_eq!(smoothstep(0.0, 1.0, 2.0), 1.0);
        assert!((smoothstep(0.0, 1.0, 0.5) - 0.5).abs() < 1e-6);
        assert_eq!(smoothstep(1.0, 1.0, 1.0), 1.0);
    }
}
