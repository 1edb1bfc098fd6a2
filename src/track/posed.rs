//! The design on a turned head: [`PosedFrame`] maps design millimetres (on
//! the head's surface) to camera pixels for a head pose, so the hairline
//! wraps round the temple as the head turns, the far side foreshortens and
//! what turns away is not drawn.
//!
//! The head is [`HeadSurface`], the frontal [`crate::scale::Head`] model
//! in 3D; the pose turns it by `Ry(yaw) · Rx(pitch)` (the convention of
//! [`super::pose`]) and the frontal frame's roll, scale and glabella place
//! it in the image (weak perspective). At yaw = pitch = 0 it *is* the
//! frontal [`Frame`]: [`PosedFrame::try_to_image`] and
//! [`PosedFrame::foreshortening`] return exactly what the frame and its
//! head return, so a renderer switched to posed frames draws the same
//! pixels for a frontal face (the golden images stay).
//!
//! Turned, a point is drawn when its surface normal is within [`HORIZON`]
//! of the line of sight (the frontal model's "largest angle at which a
//! point still faces the camera"). Seen from the front, that rule and the
//! frontal model's own (the angles across and up each within [`HORIZON`])
//! differ only where the surface is within 12.5° of edge-on, at the top
//! corners of the forehead and the sides of the crown, where dots are
//! drawn at a fifth of their size or less (the tests measure it).
//!
//! Weak perspective: the whole head is drawn at the scale of the face.
//! A webcam at arm's length shows the back of the head ~15 % smaller than
//! the face, which neither this nor the frontal model (fitted to a photo's
//! outline) follows; the pose itself can be fitted with the depth
//! magnification ([`super::pose::fit_perspective`]), which is what the
//! tracker does.

use super::pose::{rotation, GLABELLA};
use crate::geom::Vec2;
use crate::scale::{
    Calibration, Frame, Head, HeadSurface, Projection, Source, SurfacePoint, HORIZON,
};

/// A frame for a head turned by `yaw` and `pitch` (radians, see
/// [`super::pose::Pose`]); roll, scale and the glabella's image position
/// come from a frontal [`Frame`].
#[derive(Clone, Debug, PartialEq)]
pub struct PosedFrame {
    frame: Frame,
    yaw: f32,
    pitch: f32,
    surface: HeadSurface,
    rot: [[f32; 3]; 3],
    frontal: bool,
}

/// Below this (radians, ~0.00006°) a pose counts as frontal: no point
/// moves by a ten-thousandth of a millimetre.
const FRONTAL: f32 = 1e-6;

fn apply(m: &[[f32; 3]; 3], v: [f32; 3]) -> [f32; 3] {
    m.map(|r| r[0] * v[0] + r[1] * v[1] + r[2] * v[2])
}

impl PosedFrame {
    /// `frame` turned by `yaw` and `pitch`: its `px_per_mm` is taken as
    /// the face's scale and its `glabella` as where the glabella is in the
    /// image (for a frame calibrated from the pupils of a turned face, see
    /// [`PosedFrame::from_pupils`]). Non-finite angles count as 0; angles
    /// are limited to ±80°.
    pub fn new(frame: Frame, yaw: f32, pitch: f32) -> Self {
        let lim = 80f32.to_radians();
        let clean = |a: f32| {
            if a.is_finite() {
                a.clamp(-lim, lim)
            } else {
                0.0
            }
        };
        let (yaw, pitch) = (clean(yaw), clean(pitch));
        PosedFrame {
            surface: HeadSurface::new(frame.head),
            rot: rotation(yaw, pitch),
            frontal: yaw.abs() < FRONTAL && pitch.abs() < FRONTAL,
            frame,
            yaw,
            pitch,
        }
    }

    /// The frame for a face whose pupils are at `left` and `right` (image
    /// pixels, image left first) with the head turned by `yaw` and `pitch`,
    /// as the tracker reports them. The scale is the pupils' distance
    /// divided by `ipd_mm · cos(yaw)` (the pupils' line shortens as the
    /// head turns); the glabella sits where the mean face puts it for this
    /// pose. At yaw = pitch = 0 this is exactly the frame of a
    /// [`Calibration`] from the same pupils. `None` for non-finite or
    /// coincident pupils or a non-positive IPD.
    pub fn from_pupils(
        left: Vec2,
        right: Vec2,
        ipd_mm: f32,
        yaw: f32,
        pitch: f32,
        head: Head,
    ) -> Option<Self> {
        if !(left.is_finite() && right.is_finite() && ipd_mm.is_finite() && ipd_mm > 0.0) {
            return None;
        }
        if right.minus(left).len() < 1e-3 {
            return None;
        }
        let posed = PosedFrame::new(
            Calibration {
                left_pupil: left,
                right_pupil: right,
                ipd_mm,
                source: Source::Detected,
                glabella: None,
            }
            .frame(),
            yaw,
            pitch,
        );
        let mut frame = posed.frame;
        frame.head = head;
        // Turned by more than ~72° the pupils' distance says little.
        frame.px_per_mm /= posed.yaw.cos().max(0.3);
        let g = apply(&posed.rot, GLABELLA);
        let mid = left.plus(right).scale(0.5);
        frame.glabella = mid
            .plus(frame.ex.scale(g[0] * frame.px_per_mm))
            .plus(frame.ey.scale(g[1] * frame.px_per_mm));
        Some(PosedFrame::new(frame, posed.yaw, posed.pitch))
    }

    /// The frontal frame this one turns (roll, scale, glabella, head).
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    pub fn yaw(&self) -> f32 {
        self.yaw
    }

    pub fn pitch(&self) -> f32 {
        self.pitch
    }

    /// Whether this is the frontal frame (yaw and pitch below 1e-6 rad).
    pub fn is_frontal(&self) -> bool {
        self.frontal
    }

    /// Turned head coordinates (mm, glabella origin) → image pixels.
    fn place(&self, q: [f32; 3]) -> Vec2 {
        let f = &self.frame;
        f.glabella
            .plus(f.ex.scale(q[0] * f.px_per_mm))
            .plus(f.ey.scale(q[1] * f.px_per_mm))
    }

    /// Design (surface) millimetres → image pixels, or `None` where the
    /// surface faces away from the camera.
    pub fn try_to_image(&self, p: Vec2) -> Option<Vec2> {
        if self.frontal {
            return self.frame.try_to_image(p);
        }
        let sp = self.visible(p)?;
        Some(self.place(apply(&self.rot, sp.pos)))
    }

    /// Like [`PosedFrame::try_to_image`], but a point that faces away lands
    /// where the frontal frame puts it (for handles the visitor may drag
    /// round to the far side).
    pub fn to_image(&self, p: Vec2) -> Vec2 {
        self.try_to_image(p)
            .unwrap_or_else(|| self.frame.to_image(p))
    }

    /// Image pixels → design (surface) millimetres: the inverse of
    /// [`PosedFrame::try_to_image`] on the side that faces the camera, by
    /// Newton steps from the frontal frame's inverse (a few steps reach a
    /// thousandth of a pixel). Where they cannot (beyond the outline), the
    /// frontal inverse.
    pub fn to_face(&self, q: Vec2) -> Vec2 {
        let start = self.frame.to_face(q);
        if self.frontal || !q.is_finite() {
            return start;
        }
        let mut p = start;
        let Some(mut at) = self.try_to_image(p) else {
            return start;
        };
        const H: f32 = 0.01;
        for _ in 0..12 {
            let r = q.minus(at);
            if r.len() < 1e-3 {
                return p;
            }
            let (Some(ax), Some(ay)) = (
                self.try_to_image(Vec2::new(p.x + H, p.y)),
                self.try_to_image(Vec2::new(p.x, p.y + H)),
            ) else {
                break;
            };
            let (jx, jy) = (ax.minus(at).scale(1.0 / H), ay.minus(at).scale(1.0 / H));
            let det = jx.x * jy.y - jy.x * jx.y;
            if det.is_nan() || det.abs() <= 1e-9 {
                break;
            }
            let step = Vec2::new(
                (r.x * jy.y - jy.x * r.y) / det,
                (jx.x * r.y - r.x * jx.y) / det,
            );
            // Halve the step until it stays on the visible surface.
            let mut k = 1.0;
            let next = loop {
                let c = p.plus(step.scale(k));
                if let Some(a) = self.try_to_image(c) {
                    break Some((c, a));
                }
                k *= 0.5;
                if k < 1e-3 {
                    break None;
                }
            };
            let Some((c, a)) = next else { break };
            p = c;
            at = a;
        }
        if q.minus(at).len() < 0.05 {
            p
        } else {
            start
        }
    }

    /// The surface point at `p` if it faces the camera.
    fn visible(&self, p: Vec2) -> Option<SurfacePoint> {
        let sp = self.surface.point(p)?;
        let n = sp.normal();
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let facing = apply(&self.rot, n)[2];
        (facing.partial_cmp(&(HORIZON.cos() * len)) == Some(std::cmp::Ordering::Greater))
            .then_some(sp)
    }

    /// [`PosedFrame::try_to_image`] and [`PosedFrame::foreshortening`]
    /// together, from one evaluation of the surface (35,000 dots: ~1.6 ms
    /// natively, against ~2.7 ms for the two calls).
    pub fn project(&self, p: Vec2) -> Option<(Vec2, (f32, f32))> {
        if self.frontal {
            return Some((
                self.frame.try_to_image(p)?,
                self.frame.head.foreshortening(p),
            ));
        }
        let sp = self.visible(p)?;
        Some((self.place(apply(&self.rot, sp.pos)), self.lengths(&sp)))
    }

    /// How much a small length along the surface shrinks in the image,
    /// across (x) and up (y), at design point `p`: how far a millimetre
    /// across the surface moves along the frame's x axis in the image, and
    /// a millimetre up it along the y axis (the axes the renderer draws a
    /// dot's ellipse on), within 0.1..1. These are the quantities
    /// [`Head::foreshortening`] gives for the frontal view (exactly, when
    /// frontal; turned by a hair they differ by float rounding).
    pub fn foreshortening(&self, p: Vec2) -> (f32, f32) {
        if self.frontal {
            return self.frame.head.foreshortening(p);
        }
        match self.surface.point(p) {
            Some(sp) => self.lengths(&sp),
            None => (0.1, 0.1),
        }
    }

    fn lengths(&self, sp: &SurfacePoint) -> (f32, f32) {
        let along = |t: [f32; 3], axis: usize| {
            let v = apply(&self.rot, t)[axis].abs();
            if v.is_finite() {
                v.clamp(0.1, 1.0)
            } else {
                0.1
            }
        };
        (along(sp.dx, 0), along(sp.dy, 1))
    }
}

impl Projection for PosedFrame {
    fn px_per_mm(&self) -> f32 {
        self.frame.px_per_mm
    }

    fn try_to_image(&self, p: Vec2) -> Option<Vec2> {
        PosedFrame::try_to_image(self, p)
    }

    fn foreshortening(&self, p: Vec2) -> (f32, f32) {
        PosedFrame::foreshortening(self, p)
    }

    fn project(&self, p: Vec2) -> Option<(Vec2, (f32, f32))> {
        PosedFrame::project(self, p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_face_inverts_try_to_image_on_a_turned_head() {
        let posed = PosedFrame::new(frame(), 0.3, 0.0);
        for p in [
            Vec2::new(0.0, 60.0),
            Vec2::new(40.0, 80.0),
            Vec2::new(-45.0, 70.0),
            Vec2::new(10.0, 110.0),
        ] {
            let q = posed.try_to_image(p).expect("visible");
            let back = posed.to_face(q);
            assert!(back.minus(p).len() < 0.01, "{p:?} -> {q:?} -> {back:?}");
            assert_eq!(posed.to_image(p), q);
        }
        // Frontal: exactly the frame's inverse.
        let f = PosedFrame::new(frame(), 0.0, 0.0);
        let q = Vec2::new(460.0, 380.0);
        assert_eq!(f.to_face(q), frame().to_face(q));
    }
    use crate::track::pose::{fit, fit_perspective, model_landmarks, Pose};

    fn frame() -> Frame {
        Calibration::new(
            Vec2::new(400.0, 500.0),
            Vec2::new(520.0, 530.0),
            63.0,
            Source::Visitor,
            (1000, 1000),
        )
        .unwrap()
        .frame()
    }

    fn grid() -> impl Iterator<Item = Vec2> {
        (-10..=60)
            .flat_map(|yi| (-45..=45).map(move |xi| Vec2::new(xi as f32 * 3.1, yi as f32 * 3.3)))
    }

    #[test]
    fn frontal_is_the_frame_exactly_and_a_hair_off_is_close() {
        let f = frame();
        let front = PosedFrame::new(f, 0.0, 0.0);
        assert!(front.is_frontal());
        // Just past the frontal threshold: the general path, where no
        // point moves by more than 1e-3 px.
        let near = PosedFrame::new(f, 2e-6, -2e-6);
        assert!(!near.is_frontal());
        let surface = HeadSurface::new(f.head);
        let (mut n, mut edge, mut worst_px, mut worst_fs) = (0, 0, 0.0f32, 0.0f32);
        for p in grid() {
            assert_eq!(front.try_to_image(p), f.try_to_image(p));
            assert_eq!(front.foreshortening(p), f.head.foreshortening(p));
            match (near.try_to_image(p), f.try_to_image(p)) {
                (Some(a), Some(b)) => {
                    worst_px = worst_px.max(a.minus(b).len());
                    let (fa, fb) = (near.foreshortening(p), f.head.foreshortening(p));
                    worst_fs = worst_fs.max((fa.0 - fb.0).abs()).max((fa.1 - fb.1).abs());
                    n += 1;
                }
                (None, None) => {}
                _ => {
                    // The two visibility rules differ only where the
                    // surface is within 12.5° of edge-on: the frontal rule
                    // limits the angles across and up separately, which at
                    // the top corners and the sides of the crown keeps a
                    // little more or less than the normal does.
                    let nv = surface.point(p).unwrap().normal();
                    let cos = nv[2] / (nv[0] * nv[0] + nv[1] * nv[1] + nv[2] * nv[2]).sqrt();
                    assert!(cos < 12.5f32.to_radians().sin(), "{p:?}: {cos}");
                    edge += 1;
                }
            }
        }
        assert!(n > 3000 && edge < n / 20, "{n} {edge}");
        assert!(worst_px < 1e-3, "{worst_px} px");
        assert!(worst_fs < 0.01, "{worst_fs}");
        println!(
            "yaw 2e-6: {n} points within {worst_px:.4} px, foreshortening within {worst_fs:.4}; \
             {edge} near edge-on points shown by one rule only"
        );
    }

    #[test]
    fn a_turned_head_wraps_the_temple_and_hides_the_far_side() {
        let f = frame();
        let yaw = 30f32.to_radians();
        // Nose to the image right: the image-left side comes round.
        let turned = PosedFrame::new(f, yaw, 0.0);
        let h = f.head;
        let temple = |x: f32| Vec2::new(x, 40.0);
        // Frontal: both temples at 60 mm along the surface show about as
        // far from the glabella; turned, the near one (image left, x < 0)
        // spreads out, the far one (x > 0) bunches up.
        let along = |fr: &dyn Projection, x: f32| {
            let q = fr.try_to_image(temple(x)).unwrap();
            let g = fr.try_to_image(Vec2::new(0.0, 40.0)).unwrap();
            q.minus(g).dot(f.ex).abs()
        };
        let (near0, far0) = (along(&f, -60.0), along(&f, 60.0));
        let (near1, far1) = (along(&turned, -60.0), along(&turned, 60.0));
        assert!((near0 - far0).abs() < 1e-3);
        // Turning about the glabella (on the skin): the near temple comes
        // out by ~8 %, the far one folds in by ~35 %.
        assert!(
            near1 > near0 * 1.05 && far1 < far0 * 0.7,
            "{near1} {far1} vs {near0}"
        );
        let (fx_near, _) = turned.foreshortening(temple(-60.0));
        let (fx_far, _) = turned.foreshortening(temple(60.0));
        let (fx0, _) = f.head.foreshortening(temple(60.0));
        assert!(
            fx_near > fx0 + 0.2 && fx_far < fx0 - 0.2,
            "{fx_near} {fx_far} {fx0}"
        );
        // Behind the frontal horizon on the near side: now in view; on the
        // far side, 70° round: now hidden.
        let behind = Vec2::new(-0.95 * h.half_width_mm * std::f32::consts::FRAC_PI_2, 20.0);
        assert!(f.try_to_image(behind).is_none());
        assert!(turned.try_to_image(behind).is_some());
        let far = Vec2::new(70f32.to_radians() * h.half_width_mm, 20.0);
        assert!(f.try_to_image(far).is_some());
        assert!(turned.try_to_image(far).is_none());
        // Chin down 35°: the crown past the vertex comes into view; chin
        // up, the top of the head goes out of it.
        let crown = Vec2::new(0.0, h.flat_mm + 1.1 * h.arc_mm);
        assert!(f.try_to_image(crown).is_none());
        assert!(PosedFrame::new(f, 0.0, -35f32.to_radians())
            .try_to_image(crown)
            .is_some());
        let top = Vec2::new(0.0, h.flat_mm + 0.85 * h.arc_mm);
        assert!(f.try_to_image(top).is_some());
        assert!(PosedFrame::new(f, 0.0, 35f32.to_radians())
            .try_to_image(top)
            .is_none());
        // One call for both answers, the same as two.
        for p in grid() {
            for fr in [&turned, &PosedFrame::new(f, 0.0, 0.0)] {
                let both = fr.project(p);
                let two = fr.try_to_image(p).map(|q| (q, fr.foreshortening(p)));
                assert_eq!(both, two, "{p:?}");
                assert_eq!(Projection::project(fr, p), two);
            }
            assert_eq!(
                Projection::project(&f, p),
                f.try_to_image(p).map(|q| (q, f.head.foreshortening(p)))
            );
        }
        // Nothing panics or goes NaN, whatever the input.
        for (yaw, pitch) in [(f32::NAN, 0.0), (9.0, -9.0), (0.3, f32::INFINITY)] {
            let t = PosedFrame::new(f, yaw, pitch);
            for p in [
                Vec2::new(f32::NAN, 0.0),
                Vec2::new(1e30, -1e30),
                Vec2::new(0.0, 50.0),
            ] {
                if let Some(q) = t.try_to_image(p) {
                    // (A NaN point maps to NaN, as in the frontal frame.)
                    assert!(q.is_finite() || !p.is_finite());
                }
                let (a, b) = t.foreshortening(p);
                if p.is_finite() {
                    assert!(
                        (0.1..=1.0).contains(&a) && (0.1..=1.0).contains(&b),
                        "{a} {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn from_pupils_matches_the_calibration_and_the_fitted_pose() {
        let (l, r) = (Vec2::new(400.0, 500.0), Vec2::new(520.0, 530.0));
        let c = Calibration::new(l, r, 63.0, Source::Visitor, (1000, 1000)).unwrap();
        let p = PosedFrame::from_pupils(l, r, 63.0, 0.0, 0.0, Head::default()).unwrap();
        assert!(p.is_frontal());
        assert_eq!(p.frame(), &c.frame());
        for q in grid() {
            assert_eq!(p.try_to_image(q), c.frame().try_to_image(q));
        }
        assert!(PosedFrame::from_pupils(l, l, 63.0, 0.0, 0.0, Head::default()).is_none());
        assert!(PosedFrame::from_pupils(l, r, 0.0, 0.0, 0.0, Head::default()).is_none());
        let nan = Vec2::new(f32::NAN, 0.0);
        assert!(PosedFrame::from_pupils(nan, r, 63.0, 0.0, 0.0, Head::default()).is_none());
        // A turned mean face: the frame from its pupils puts the glabella
        // where the pose does and keeps the true scale.
        for (yaw, pitch) in [(25.0f32, 0.0f32), (-20.0, 15.0), (10.0, -25.0)] {
            let pose = Pose {
                yaw: yaw.to_radians(),
                pitch: pitch.to_radians(),
                roll: 0.2,
                scale: 1.7,
                origin: Vec2::new(300.0, 260.0),
                rms_px: 0.0,
            };
            let pl = pose.project([-31.5, 0.0, 0.0]);
            let pr = pose.project([31.5, 0.0, 0.0]);
            let f = PosedFrame::from_pupils(pl, pr, 63.0, pose.yaw, pose.pitch, Head::default())
                .unwrap();
            assert!((f.frame().px_per_mm - 1.7).abs() < 1e-4);
            assert!((f.frame().roll - 0.2).abs() < 1e-5);
            let g = f.try_to_image(Vec2::new(0.0, 0.0)).unwrap();
            assert!(g.minus(pose.glabella()).len() < 1e-3, "{g:?}");
            // And a fit of its landmarks gives the same angles back.
            let fitted = fit(&model_landmarks(&pose)).unwrap();
            assert!((fitted.yaw - pose.yaw).abs() < 1e-4);
            assert!((fitted.pitch - pose.pitch).abs() < 1e-4);
        }
    }

    #[test]
    fn the_tracker_path_against_a_pinhole_camera() {
        // Landmarks of the mean face seen by a 640×480 webcam (f ≈ 600 px)
        // at 45 cm; the frame built the way the tracker builds it (pupils
        // = eye centres, yaw and pitch fitted with a rough focal length)
        // against design points on the head (the glabella, the hairline
        // 60–90 mm up, ±60 mm across) as the true pose shows them in weak
        // perspective, and as the pinhole does (which adds the depth
        // magnification a frontal, orthographic head model ignores too).
        let (dist, f_px) = (450.0f32, 600.0f32);
        let head = Head::default();
        let surface = HeadSurface::new(head);
        let ipd_px = 63.0 * f_px / dist;
        let mut worst: f32 = 0.0;
        let mut worst_weak: f32 = 0.0;
        for yaw in [-30.0f32, -15.0, 0.0, 15.0, 30.0] {
            for pitch in [-15.0f32, 0.0, 15.0] {
                let rot = rotation(yaw.to_radians(), pitch.to_radians());
                let pin = |m: [f32; 3]| {
                    let q = apply(&rot, m);
                    let k = f_px / (dist - q[2]);
                    Vec2::new(320.0 + q[0] * k, 240.0 - q[1] * k)
                };
                let mut lm = [[f32::NAN; 2]; 68];
                let truth = Pose {
                    yaw: 0.0,
                    pitch: 0.0,
                    roll: 0.0,
                    scale: 1.0,
                    origin: Vec2::new(0.0, 0.0),
                    rms_px: 0.0,
                };
                for (i, q) in model_landmarks(&truth).iter().enumerate() {
                    if q[0].is_finite() {
                        let v = pin([q[0], -q[1], model_z(i)]);
                        lm[i] = [v.x, v.y];
                    }
                }
                // The tracker's guess at the focal length: 10 % off.
                let fitted = fit_perspective(&lm, 0.9 * f_px).unwrap();
                let eye = |r: std::ops::Range<usize>| {
                    let n = r.len() as f32;
                    let s = lm[r]
                        .iter()
                        .fold([0.0, 0.0], |a, p| [a[0] + p[0], a[1] + p[1]]);
                    Vec2::new(s[0] / n, s[1] / n)
                };
                let frame = PosedFrame::from_pupils(
                    eye(36..42),
                    eye(42..48),
                    63.0,
                    fitted.yaw,
                    fitted.pitch,
                    head,
                )
                .unwrap();
                let weak_truth = PosedFrame::from_pupils(
                    pin([-31.5, 0.0, 0.0]),
                    pin([31.5, 0.0, 0.0]),
                    63.0,
                    yaw.to_radians(),
                    pitch.to_radians(),
                    head,
                )
                .unwrap();
                for y in [0.0f32, 60.0, 75.0, 90.0] {
                    for x in [-60.0f32, -30.0, 0.0, 30.0, 60.0] {
                        let p = Vec2::new(x, y);
                        let Some(got) = frame.try_to_image(p) else {
                            continue;
                        };
                        let s = surface.point(p).unwrap().pos;
                        let want =
                            pin([s[0] + GLABELLA[0], s[1] + GLABELLA[1], s[2] + GLABELLA[2]]);
                        worst = worst.max(got.minus(want).len() / ipd_px);
                        if let Some(w) = weak_truth.try_to_image(p) {
                            worst_weak = worst_weak.max(got.minus(w).len() / ipd_px);
                        }
                    }
                }
            }
        }
        println!(
            "hairline points: {:.1} % of the IPD from the pinhole image, {:.1} % from the true pose in weak perspective",
            worst * 100.0,
            worst_weak * 100.0
        );
        assert!(worst_weak < 0.06, "{worst_weak}");
        assert!(worst < 0.25, "{worst}");
    }

    fn model_z(index: usize) -> f32 {
        crate::track::pose::MEAN_FACE
            .iter()
            .chain(crate::track::pose::MOUTH_CORNERS.iter())
            .find(|m| m.index == index)
            .map_or(0.0, |m| m.pos[2])
    }
}
