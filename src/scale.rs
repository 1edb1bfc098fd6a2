//! Calibration: two pupil points in image pixels and the interpupillary
//! distance give pixels per millimetre, head roll and the glabella, and so
//! the map between the face frame (mm) and the image (px).

use crate::error::{num, Error};
use crate::geom::Vec2;
use crate::limits::{IPD_MM, MAX_ROLL_DEGREES, TYPICAL_IPD_MM};
use serde::{Deserialize, Serialize};

/// Mean adult interpupillary distance (see [`crate::limits`]).
pub const DEFAULT_IPD_MM: f32 = crate::limits::DEFAULT_IPD_MM;
/// How far the glabella sits above the line between the pupils.
pub const GLABELLA_ABOVE_PUPILS_MM: f32 = 14.0;

/// Where the scale came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Guessed from the photo; the visitor is told to calibrate.
    Estimated,
    /// The visitor tapped the pupils (or set them through the API).
    Visitor,
    /// Found by automatic face detection.
    Detected,
    /// Followed by the live mirror's tracker on a camera frame (a
    /// snapshot taken from the mirror).
    Tracked,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Calibration {
    /// The pupil on the image's left.
    pub left_pupil: Vec2,
    /// The pupil on the image's right.
    pub right_pupil: Vec2,
    pub ipd_mm: f32,
    pub source: Source,
    /// Where face detection put the glabella (between the brows); without
    /// it the glabella is estimated from the pupils.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glabella: Option<Vec2>,
}

/// A simple head model for a frontal photo. Designs are in millimetres *on
/// the head* (what the artist measures with a tape); the photo sees them
/// projected onto its plane.
///
/// Up the midline the forehead is flat for `flat_mm` above the glabella, then
/// the scalp curves back: a surface arc of `arc_mm` reaches the vertex,
/// which the photo shows `top_mm` above the glabella. Across, the head is
/// round with the radius `half_width_mm` the photo shows, narrowing towards
/// the top. Both follow a sine, so dots and spacing foreshorten with height
/// and towards the temples. `top_mm` and `half_width_mm` are fitted to the
/// photo's head outline; `arc_mm` follows from `top_mm` (see
/// `estimate::fit_head`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Head {
    pub flat_mm: f32,
    pub top_mm: f32,
    pub arc_mm: f32,
    pub half_width_mm: f32,
}

impl Default for Head {
    fn default() -> Self {
        Head {
            flat_mm: 10.0,
            top_mm: 88.0,
            arc_mm: 145.0,
            half_width_mm: 75.0,
        }
    }
}

/// Largest angle (radians) at which a point still faces the camera.
pub const HORIZON: f32 = 1.45;

impl Head {
    /// Surface arc from the midline to the side of the head: across, the
    /// head is taken as round, so the face's centre is seen at full scale.
    fn side_arc(&self) -> f32 {
        self.half_width_mm * std::f32::consts::FRAC_PI_2
    }

    /// Angle up the head at surface height `y` (0 on the flat forehead).
    fn pitch(&self, y: f32) -> f32 {
        ((y - self.flat_mm) / self.arc_mm * std::f32::consts::FRAC_PI_2).max(0.0)
    }

    /// How much narrower the head is at angle `phi` than at the brows.
    fn narrowing(phi: f32) -> f32 {
        (phi * 0.75).cos().max(0.3)
    }

    /// Angle across the head at surface position `x`, height angle `phi`.
    fn yaw(&self, x: f32, phi: f32) -> f32 {
        x / (self.side_arc() * Self::narrowing(phi)) * std::f32::consts::FRAC_PI_2
    }

    /// Surface mm → projected mm in the photo's plane, or `None` when the
    /// point is on the far side of the head.
    pub fn project(&self, p: Vec2) -> Option<Vec2> {
        let phi = self.pitch(p.y);
        if phi > HORIZON || self.yaw(p.x, phi).abs() > HORIZON {
            return None;
        }
        Some(self.project_clamped(p))
    }

    /// Like [`Head::project`], but points on the far side land on the
    /// outline.
    pub fn project_clamped(&self, p: Vec2) -> Vec2 {
        let phi = self.pitch(p.y).min(HORIZON);
        let theta = self.yaw(p.x, phi).clamp(-HORIZON, HORIZON);
        let y = if p.y <= self.flat_mm {
            p.y
        } else {
            self.flat_mm + (self.top_mm - self.flat_mm) * phi.sin()
        };
        Vec2::new(self.half_width_mm * Self::narrowing(phi) * theta.sin(), y)
    }

    /// Projected mm → surface mm (points beyond the outline map to it).
    pub fn unproject(&self, q: Vec2) -> Vec2 {
        let lim = HORIZON.sin();
        let (y, phi) = if q.y <= self.flat_mm {
            (q.y, 0.0)
        } else {
            let phi = ((q.y - self.flat_mm) / (self.top_mm - self.flat_mm))
                .min(lim)
                .asin();
            (
                self.flat_mm + phi / std::f32::consts::FRAC_PI_2 * self.arc_mm,
                phi,
            )
        };
        let n = Self::narrowing(phi);
        let theta = (q.x / (self.half_width_mm * n)).clamp(-lim, lim).asin();
        Vec2::new(theta / std::f32::consts::FRAC_PI_2 * self.side_arc() * n, y)
    }

    /// How much a small length along the surface shrinks in the photo,
    /// across (x) and up (y), at surface point `p`.
    pub fn foreshortening(&self, p: Vec2) -> (f32, f32) {
        use std::f32::consts::FRAC_PI_2;
        let phi = self.pitch(p.y);
        let theta = self.yaw(p.x, phi);
        let sx = self.half_width_mm / self.side_arc() * FRAC_PI_2 * theta.cos();
        let sy = if p.y <= self.flat_mm {
            1.0
        } else {
            (self.top_mm - self.flat_mm) / self.arc_mm * FRAC_PI_2 * phi.cos()
        };
        (sx.clamp(0.1, 1.0), sy.clamp(0.1, 1.0))
    }
}

/// A point of the head model in 3D, with the surface's tangents there.
///
/// Millimetres, origin at the glabella on the skin, `x` across (towards the
/// image's right in a frontal photo), `y` up, `z` towards the camera of a
/// frontal photo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfacePoint {
    pub pos: [f32; 3],
    /// Change of `pos` per millimetre across the surface (design x).
    pub dx: [f32; 3],
    /// Change of `pos` per millimetre up the surface (design y).
    pub dy: [f32; 3],
}

impl SurfacePoint {
    /// The outward normal (not normalised): `dx × dy`.
    pub fn normal(&self) -> [f32; 3] {
        let (a, b) = (self.dx, self.dy);
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    }
}

/// The [`Head`] model as a surface in 3D, for views other than the frontal
/// photo (the live mirror turns the head).
///
/// Seen from the front it is exactly [`Head::project_clamped`]: `x` and `y`
/// of [`HeadSurface::point`] are computed by the same expressions. Across,
/// each height is a circle of the radius the front view shows
/// (`half_width_mm`, narrowing towards the top), so the surface `x` is true
/// arc length. Up the midline the profile rises as the front view shows
/// (`flat_mm + (top_mm - flat_mm)·sin φ`) and leans back just enough for
/// the surface `y` to be true arc length too (`arc_mm` from the flat
/// forehead to the vertex): its depth is `-∫ √(c² - b² cos² t) dt` with
/// `b = top_mm - flat_mm`, `c = 2·arc_mm / π`, tabulated once per head. A
/// head whose outline fit gives `b > c` (impossible for true lengths) gets a
/// vertical forehead until the two agree. Beyond the vertex the surface
/// carries on down the back of the head (to `φ = π`) and across past the
/// ears (to [`HeadSurface::ROUND`]); past those there is no surface.
#[derive(Clone, Debug, PartialEq)]
pub struct HeadSurface {
    head: Head,
    /// Sagittal depth at `φ = k·π / DEPTH_STEPS`.
    depth: Vec<f32>,
}

const DEPTH_STEPS: usize = 512;

impl HeadSurface {
    pub fn new(head: Head) -> Self {
        let n = DEPTH_STEPS;
        let h = std::f64::consts::PI / n as f64;
        let mut depth = Vec::with_capacity(n + 1);
        let mut z = 0.0f64;
        depth.push(0.0);
        for k in 0..n {
            // Simpson on each step: the integrand is smooth.
            let t0 = k as f64 * h;
            let f = |t: f64| -(Self::slope2(&head, t)).sqrt();
            z += h / 6.0 * (f(t0) + 4.0 * f(t0 + h / 2.0) + f(t0 + h));
            depth.push(z as f32);
        }
        HeadSurface { head, depth }
    }

    /// How far round the head (radians from the front, across) the
    /// surface goes up to the vertex: 126°, past the ears, further than
    /// any design goes and than a face turned by 40° shows. Further round,
    /// the circles that narrow towards the top would fold over at the
    /// back of the crown. Past the vertex (down the back) it goes 90°
    /// round: the crown a bowed head shows, not the back of the head's
    /// sides, which the narrowing circles do not model.
    pub const ROUND: f32 = 2.2;

    pub fn head(&self) -> Head {
        self.head
    }

    /// `(dZ/dφ)²` of the midline profile (clamped at 0).
    fn slope2(head: &Head, phi: f64) -> f64 {
        let b = (head.top_mm - head.flat_mm) as f64;
        let c = 2.0 * head.arc_mm as f64 / std::f64::consts::PI;
        (c * c - (b * phi.cos()).powi(2)).max(0.0)
    }

    fn sagittal(&self, phi: f32) -> f32 {
        let t = (phi / std::f32::consts::PI * DEPTH_STEPS as f32).clamp(0.0, DEPTH_STEPS as f32);
        let i = (t as usize).min(DEPTH_STEPS - 1);
        let f = t - i as f32;
        self.depth[i] + (self.depth[i + 1] - self.depth[i]) * f
    }

    /// The surface point at design position `p` (surface mm), or `None`
    /// past the model's extent (see [`HeadSurface::ROUND`]) or for
    /// non-finite input.
    pub fn point(&self, p: Vec2) -> Option<SurfacePoint> {
        use std::f32::consts::PI;
        let h = &self.head;
        let phi = h.pitch(p.y);
        let theta = h.yaw(p.x, phi);
        let round = if phi <= PI / 2.0 {
            Self::ROUND
        } else {
            PI / 2.0
        };
        if !(phi <= PI && theta.abs() <= round) {
            return None;
        }
        let n = Head::narrowing(phi);
        let r = h.half_width_mm * n;
        let (st, ct) = theta.sin_cos();
        let x = h.half_width_mm * Head::narrowing(phi) * theta.sin();
        let dx = [ct, 0.0, -st];
        if p.y <= h.flat_mm {
            return Some(SurfacePoint {
                pos: [x, p.y, r * (ct - 1.0)],
                dx,
                dy: [0.0, 1.0, 0.0],
            });
        }
        let b = h.top_mm - h.flat_mm;
        let y = h.flat_mm + (h.top_mm - h.flat_mm) * phi.sin();
        // d/dφ, then × dφ/dy = π / (2 arc).
        let dn = if (phi * 0.75).cos() > 0.3 {
            -0.75 * (phi * 0.75).sin()
        } else {
            0.0
        };
        let dr = h.half_width_mm * dn;
        let ds = -(Self::slope2(h, phi as f64).sqrt() as f32);
        let k = PI / (2.0 * h.arc_mm);
        Some(SurfacePoint {
            pos: [x, y, r * (ct - 1.0) + self.sagittal(phi)],
            dx,
            dy: [
                dr * (st - theta * ct) * k,
                b * phi.cos() * k,
                (dr * (ct - 1.0 + theta * st) + ds) * k,
            ],
        })
    }
}

/// What the renderer needs from a frame: face (surface) millimetres to
/// image pixels, and how a small length there shrinks. [`Frame`] is the
/// frontal photo's; the live mirror's posed frame implements it too.
pub trait Projection {
    /// Image pixels, or `None` where the surface faces away.
    fn try_to_image(&self, p: Vec2) -> Option<Vec2>;
    /// How much a small length along the surface shrinks in the image,
    /// across (x) and up (y), at surface point `p`.
    fn foreshortening(&self, p: Vec2) -> (f32, f32);
    /// Both at once (what the renderer places each dot with); frames whose
    /// two answers share work override it.
    fn project(&self, p: Vec2) -> Option<(Vec2, (f32, f32))> {
        Some((self.try_to_image(p)?, self.foreshortening(p)))
    }
    /// Image pixels per millimetre at the face.
    fn px_per_mm(&self) -> f32;
}

impl Projection for Frame {
    fn px_per_mm(&self) -> f32 {
        self.px_per_mm
    }

    fn try_to_image(&self, p: Vec2) -> Option<Vec2> {
        Frame::try_to_image(self, p)
    }

    fn foreshortening(&self, p: Vec2) -> (f32, f32) {
        self.head.foreshortening(p)
    }
}

/// The derived frame: all the numbers the renderer needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Image pixels per millimetre.
    pub px_per_mm: f32,
    /// Head roll in radians (positive: the right pupil is lower).
    pub roll: f32,
    /// Glabella in image pixels.
    pub glabella: Vec2,
    /// Unit vector of face +x in image pixels.
    pub ex: Vec2,
    /// Unit vector of face +y (up the forehead) in image pixels.
    pub ey: Vec2,
    pub head: Head,
}

impl Calibration {
    /// Validate and build a calibration from two taps. The points may come in
    /// either order; they are sorted so `left_pupil` is on the image's left.
    pub fn new(
        a: Vec2,
        b: Vec2,
        ipd_mm: f32,
        source: Source,
        image: (u32, u32),
    ) -> Result<Self, Error> {
        if !a.is_finite() || !b.is_finite() {
            return Err(Error::NotANumber {
                what: "pupil-points".into(),
            });
        }
        if !IPD_MM.holds(ipd_mm) {
            return Err(Error::IpdOutOfRange {
                got: num(ipd_mm),
                min: IPD_MM.min,
                max: IPD_MM.max,
                typical_min: TYPICAL_IPD_MM.min,
                typical_max: TYPICAL_IPD_MM.max,
            });
        }
        let (w, h) = (image.0 as f32, image.1 as f32);
        for p in [a, b] {
            if p.x < 0.0 || p.y < 0.0 || p.x > w || p.y > h {
                return Err(Error::PupilOutside {
                    x: num(p.x),
                    y: num(p.y),
                    width: image.0,
                    height: image.1,
                });
            }
        }
        let d = b.minus(a).len();
        let min = (w.max(h) * 0.01).max(4.0);
        if d < min {
            return Err(Error::PupilsTooClose {
                distance: num(d),
                min: num(min),
            });
        }
        let (left_pupil, right_pupil) = if a.x <= b.x { (a, b) } else { (b, a) };
        let c = Calibration {
            left_pupil,
            right_pupil,
            ipd_mm,
            source,
            glabella: None,
        };
        if c.frame().roll.abs() as f64 > MAX_ROLL_DEGREES.to_radians() {
            return Err(Error::PupilsTilted {
                max_degrees: MAX_ROLL_DEGREES,
            });
        }
        Ok(c)
    }

    pub fn frame(&self) -> Frame {
        let d = self.right_pupil.minus(self.left_pupil);
        let len = d.len().max(1e-3);
        let ex = d.scale(1.0 / len);
        // Image y points down, so "up the face" is ex turned a quarter left.
        let ey = Vec2::new(ex.y, -ex.x);
        let px_per_mm = len / self.ipd_mm;
        let mid = self.left_pupil.plus(self.right_pupil).scale(0.5);
        let glabella = self
            .glabella
            .filter(|g| g.is_finite())
            .unwrap_or_else(|| mid.plus(ey.scale(GLABELLA_ABOVE_PUPILS_MM * px_per_mm)));
        Frame {
            px_per_mm,
            roll: ex.y.atan2(ex.x),
            glabella,
            ex,
            ey,
            head: Head::default(),
        }
    }
}

impl Frame {
    /// Projected millimetres (in the photo's plane) → image pixels.
    pub fn plane_to_image(&self, p: Vec2) -> Vec2 {
        self.glabella
            .plus(self.ex.scale(p.x * self.px_per_mm))
            .plus(self.ey.scale(p.y * self.px_per_mm))
    }

    /// Image pixels → projected millimetres.
    pub fn image_to_plane(&self, q: Vec2) -> Vec2 {
        let r = q.minus(self.glabella);
        Vec2::new(
            r.dot(self.ex) / self.px_per_mm,
            r.dot(self.ey) / self.px_per_mm,
        )
    }

    /// Face (surface) millimetres → image pixels; `None` on the far side of
    /// the head.
    pub fn try_to_image(&self, p: Vec2) -> Option<Vec2> {
        self.head.project(p).map(|q| self.plane_to_image(q))
    }

    /// Face (surface) millimetres → image pixels; points on the far side
    /// land on the head's outline.
    pub fn to_image(&self, p: Vec2) -> Vec2 {
        self.plane_to_image(self.head.project_clamped(p))
    }

    /// Image pixels → face (surface) millimetres.
    pub fn to_face(&self, q: Vec2) -> Vec2 {
        self.head.unproject(self.image_to_plane(q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(a: (f32, f32), b: (f32, f32)) -> Calibration {
        Calibration::new(
            Vec2::new(a.0, a.1),
            Vec2::new(b.0, b.1),
            63.0,
            Source::Visitor,
            (1000, 1000),
        )
        .unwrap()
    }

    #[test]
    fn level_pupils_give_scale_and_glabella() {
        let c = cal((400.0, 500.0), (526.0, 500.0));
        let f = c.frame();
        assert!((f.px_per_mm - 2.0).abs() < 1e-5);
        assert!(f.roll.abs() < 1e-6);
        assert!((f.glabella.x - 463.0).abs() < 1e-3);
        assert!((f.glabella.y - (500.0 - 28.0)).abs() < 1e-3);
        // 8 mm above the glabella (flat forehead) is 16 px higher.
        let p = f.to_image(Vec2::new(0.0, 8.0));
        assert!((p.y - (472.0 - 16.0)).abs() < 1e-3);
        // Higher up the head curves away: 80 mm on the head shows shorter.
        let p = f.to_image(Vec2::new(0.0, 80.0));
        let shown = (472.0 - p.y) / 2.0;
        assert!(shown > 55.0 && shown < 72.0, "{shown}");
    }

    #[test]
    fn round_trip_with_roll() {
        let c = cal((400.0, 500.0), (520.0, 540.0));
        let f = c.frame();
        assert!(f.roll > 0.3 && f.roll < 0.33);
        for p in [Vec2::new(10.0, 80.0), Vec2::new(-55.0, 30.0)] {
            let q = f.to_face(f.to_image(p));
            assert!((q.x - p.x).abs() < 1e-3 && (q.y - p.y).abs() < 1e-3);
        }
        // Up the face is perpendicular to the pupil line.
        assert!(f.ex.dot(f.ey).abs() < 1e-6);
    }

    #[test]
    fn head_model_round_trips_and_foreshortens() {
        let h = Head::default();
        for p in [
            Vec2::new(0.0, 5.0),
            Vec2::new(30.0, 60.0),
            Vec2::new(-50.0, 110.0),
            Vec2::new(70.0, 20.0),
        ] {
            let q = h.unproject(h.project(p).unwrap());
            assert!(q.minus(p).len() < 1e-2, "{p:?} -> {q:?}");
        }
        // Behind the vertex and behind the ears: not visible.
        assert!(h.project(Vec2::new(0.0, 200.0)).is_none());
        assert!(h.project(Vec2::new(130.0, 20.0)).is_none());
        // Spacing shrinks with height and towards the sides.
        let (sx0, sy0) = h.foreshortening(Vec2::new(0.0, 5.0));
        let (sx1, sy1) = h.foreshortening(Vec2::new(60.0, 100.0));
        assert!(sx0 > 0.8 && sy0 == 1.0, "{sx0} {sy0}");
        assert!(sx1 < 0.7 && sy1 < 0.6, "{sx1} {sy1}");
        // Monotone up the midline.
        let mut last = -1.0;
        for s in 0..115 {
            let y = h.project(Vec2::new(0.0, s as f32)).unwrap().y;
            assert!(y > last);
            last = y;
        }
    }

    #[test]
    fn head_surface_seen_from_the_front_is_the_head_model() {
        let heads = [
            Head::default(),
            Head {
                flat_mm: 10.0,
                top_mm: 120.0,
                arc_mm: 106.0,
                half_width_mm: 90.0,
            },
        ];
        for h in heads {
            let s = HeadSurface::new(h);
            let mut shown = 0;
            for yi in -20..=60 {
                for xi in -40..=40 {
                    let p = Vec2::new(xi as f32 * 3.5, yi as f32 * 3.5);
                    let phi = h.pitch(p.y);
                    let round = h.yaw(p.x, phi).abs();
                    let Some(sp) = s.point(p) else {
                        let lim = if phi > std::f32::consts::FRAC_PI_2 {
                            std::f32::consts::FRAC_PI_2
                        } else {
                            HeadSurface::ROUND
                        };
                        assert!(phi > std::f32::consts::PI || round > lim);
                        continue;
                    };
                    assert!(sp
                        .pos
                        .iter()
                        .chain(&sp.dx)
                        .chain(&sp.dy)
                        .all(|v| v.is_finite()));
                    if let Some(q) = h.project(p) {
                        // Bit for bit.
                        assert_eq!((sp.pos[0], sp.pos[1]), (q.x, q.y), "{p:?}");
                        // Facing the camera.
                        assert!(sp.normal()[2] > 0.0, "{p:?} {sp:?}");
                        shown += 1;
                    }
                    // The tangents match the positions (finite differences).
                    let e = 0.05;
                    let at = |dx: f32, dy: f32| {
                        s.point(Vec2::new(p.x + dx, p.y + dy))
                            .map_or([f32::NAN; 3], |q| q.pos)
                    };
                    let (ax0, ax1) = (at(-e, 0.0), at(e, 0.0));
                    let (ay0, ay1) = (at(0.0, -e), at(0.0, e));
                    let smooth = (p.y - h.flat_mm).abs() > 0.1
                        && (p.y - h.flat_mm - h.arc_mm / 0.75 * 0.8054).abs() > 0.1
                        && phi < 3.0
                        && round < 2.15;
                    if smooth {
                        for k in 0..3 {
                            let nx = (ax1[k] - ax0[k]) / (2.0 * e);
                            let ny = (ay1[k] - ay0[k]) / (2.0 * e);
                            assert!(
                                (nx - sp.dx[k]).abs() < 0.02,
                                "{p:?} dx[{k}] {nx} {:?}",
                                sp.dx
                            );
                            assert!(
                                (ny - sp.dy[k]).abs() < 0.02,
                                "{p:?} dy[{k}] {ny} {:?}",
                                sp.dy
                            );
                        }
                    }
                }
            }
            assert!(shown > 1000);
        }
        // Surface lengths are true: across at the brows, and up the midline.
        let h = Head::default();
        let s = HeadSurface::new(h);
        let mut len = 0.0;
        for k in 0..145 {
            let a = s.point(Vec2::new(0.0, 10.0 + k as f32)).unwrap().pos;
            let b = s.point(Vec2::new(0.0, 11.0 + k as f32)).unwrap().pos;
            len += ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt();
        }
        assert!((len - 145.0).abs() < 0.1, "{len}");
        // The vertex: top_mm above the glabella, about 11 cm behind it.
        let v = s.point(Vec2::new(0.0, 155.0)).unwrap().pos;
        assert!(
            (v[1] - 88.0).abs() < 1e-3 && v[2] < -90.0 && v[2] > -130.0,
            "{v:?}"
        );
        // Ears: half_width_mm out, as far back.
        let e = s
            .point(Vec2::new(75.0 * std::f32::consts::FRAC_PI_2, 0.0))
            .unwrap()
            .pos;
        assert!(s.point(Vec2::new(250.0, 0.0)).is_none());
        assert!(s.point(Vec2::new(0.0, 320.0)).is_none());
        assert!(s.point(Vec2::new(f32::NAN, 0.0)).is_none());
        assert!(
            (e[0] - 75.0).abs() < 1e-3 && (e[2] + 75.0).abs() < 1e-3,
            "{e:?}"
        );
        // The frame's projection trait is the frame itself.
        let f = cal((400.0, 500.0), (526.0, 500.0)).frame();
        let p = Vec2::new(20.0, 60.0);
        assert_eq!(Projection::try_to_image(&f, p), f.try_to_image(p));
        assert_eq!(Projection::foreshortening(&f, p), f.head.foreshortening(p));
    }

    #[test]
    fn taps_in_either_order_and_bad_taps() {
        let c = cal((526.0, 500.0), (400.0, 500.0));
        assert_eq!(c.left_pupil.x, 400.0);
        let img = (1000, 1000);
        let v = |x, y| Vec2::new(x, y);
        assert!(
            Calibration::new(v(10.0, 10.0), v(11.0, 10.0), 63.0, Source::Visitor, img)
                .unwrap_err()
                .to_string()
                .contains("apart")
        );
        assert!(
            Calibration::new(v(-5.0, 10.0), v(100.0, 10.0), 63.0, Source::Visitor, img)
                .unwrap_err()
                .to_string()
                .contains("outside")
        );
        assert!(
            Calibration::new(v(0.0, 0.0), v(100.0, 0.0), 20.0, Source::Visitor, img)
                .unwrap_err()
                .to_string()
                .contains("between 40 and 90")
        );
        assert_eq!(
            Calibration::new(v(f32::NAN, 0.0), v(100.0, 0.0), 63.0, Source::Visitor, img)
                .unwrap_err()
                .code(),
            "not-a-number"
        );
        let tilted = Calibration::new(v(100.0, 0.0), v(110.0, 200.0), 63.0, Source::Visitor, img)
            .unwrap_err();
        assert!(tilted.to_string().contains("45°"), "{tilted}");
        assert_eq!(tilted.code(), "pupils-tilted");
    }
}
