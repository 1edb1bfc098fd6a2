//! Head pose from the 68 landmarks: roll from the pupils (as
//! [`crate::scale::Calibration`] takes it), yaw, pitch, scale and position
//! by fitting a mean 3D face under weak perspective (scaled orthographic
//! projection).
//!
//! ## The mean face
//!
//! [`MEAN_FACE`] and [`MOUTH_CORNERS`] hold 3D positions (millimetres) for 32
//! of the 68 points (24 weigh in the fit, the other eight eyelid points
//! only define the eyes' centres):
//! `x` towards the image's right on a frontal face (the subject's left),
//! `y` up, `z` towards the camera; the origin is the midpoint between the
//! pupils, which lie at `(±31.5, 0, 0)` for the 63 mm interpupillary
//! distance ([`crate::scale::DEFAULT_IPD_MM`]): each eye's six contour
//! points average to its pupil, which is how the landmark pupils are
//! taken. No code or data was copied; the numbers are ours, from:
//!
//! - Widths and heights: rounded adult means of the classic
//!   anthropometric survey (L. G. Farkas, *Anthropometry of the Head and
//!   Face*, 2nd ed., 1994): eye-corner spans ex–ex ≈ 88–91 mm and en–en
//!   ≈ 32–33 mm, nose width ≈ 31–35 mm, mouth width ≈ 50–54 mm, face
//!   width at the cheekbones ≈ 130–139 mm, nasion to chin ≈ 112–121 mm,
//!   scaled to the 63 mm IPD. Where the 68-point scheme marks a point
//!   differently from the anthropometric landmark (the net marks the
//!   corners of the *visible* eye opening, point 27 at eye level, and
//!   0/16 on the face outline), the value was checked against the
//!   landmark net's own mean on the eight frontal test photos (normalised
//!   to the same IPD and roll) and follows it within about 2 mm.
//! - Depths, which a frontal photo cannot give: profile norms of facial
//!   analysis, rounded. The corneal plane is `z = 0`; the nose's root lies
//!   9–14 mm in front of it (11 here) and the tip a further ~25 mm (the
//!   dorsum at the usual ~36° from the face's plane); the subnasale ~15 mm
//!   behind the tip; the lateral eye corner ~12 mm behind the cornea
//!   (Hertel exophthalmometry puts the orbital rim ~16 mm behind it), the
//!   inner corner ~6 mm; the brows' inner ends on the brow ridge ahead of
//!   the eyes; the mouth corners and chin a little ahead of the corneal
//!   plane; the outline at eye level (0, 16) near the ears, 75 mm back.
//!
//! These are averages: a real face differs by millimetres, which the
//! weights and the fit's residual absorb. What matters for drawing is that
//! a frontal face reads as frontal and a turned one turns the right way by
//! about the right amount; the tests check both (synthetic, including
//! true perspective) and the tracker's tests check frontal photos read
//! near zero.
//!
//! ## Weak perspective
//!
//! A webcam at arm's length (40–60 cm) sees the face's depth (±8 cm about
//! the eyes) magnified by up to ±15 % front to back. Scaled orthographic
//! projection ([`fit`]) ignores that; the test
//! `weak_perspective_is_close_enough` projects the mean face with a true
//! pinhole camera at 45 cm: yaw comes out within 3°, but the nose, nearer
//! the camera and so larger, reads as a nod of 3–5° (pitch off by up to
//! 4.7°), which moves the top of a design by up to 8 % of the IPD.
//! [`fit_perspective`] adds the depth magnification for a focal length
//! the caller guesses (the tracker: 0.9 × the frame's width, a typical
//! webcam); with the right one the angles come out within 0.13°, and 30 %
//! off within 1.4°.
//!
//! ## Angles
//!
//! `R = Rz(roll) · Ry(yaw) · Rx(pitch)`: pitch (a nod) about the head's
//! own left–right axis, then yaw about the vertical, then roll in the
//! image plane. With this order the line between the pupils (the model's
//! x axis) projects exactly at the roll angle whatever the yaw and pitch,
//! so roll is taken straight from the pupils and only yaw, pitch, scale
//! and position are fitted (5 unknowns, 48 equations, Levenberg–Marquardt
//! from a frontal start, a few iterations).

use std::fmt;

use crate::geom::Vec2;
use crate::scale::{DEFAULT_IPD_MM, GLABELLA_ABOVE_PUPILS_MM};

/// One point of the mean face: landmark index, position (mm), weight in
/// the fit (0 = only used to define the pupils).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelPoint {
    pub index: usize,
    pub pos: [f32; 3],
    pub weight: f32,
}

const fn mp(index: usize, x: f32, y: f32, z: f32, weight: f32) -> ModelPoint {
    ModelPoint {
        index,
        pos: [x, y, z],
        weight,
    }
}

/// The mean face (see the module docs for the sources). Weights: 1 for
/// points fixed to bone or cartilage (eye corners, nose), 0.5 for brows,
/// the nose's ridge and the mouth corners (they move with expression or
/// are loosely defined along the ridge), 0.7 for the chin, 0.3 for the
/// outline points, which slide over the cheek as the head turns. The
/// eyelid points (weight 0) only define each eye's centre.
pub const MEAN_FACE: [ModelPoint; 30] = [
    // Face outline at eye level and at the mouth, and the chin.
    mp(0, -71.0, 0.0, -75.0, 0.3),
    mp(4, -58.0, -71.0, -45.0, 0.3),
    mp(8, 0.0, -114.0, 5.0, 0.7),
    mp(12, 58.0, -71.0, -45.0, 0.3),
    mp(16, 71.0, 0.0, -75.0, 0.3),
    // Brows: outer end, middle, inner end.
    mp(17, -57.0, 15.0, -12.0, 0.5),
    mp(19, -37.5, 22.0, 4.0, 0.5),
    mp(21, -17.5, 18.0, 10.0, 0.5),
    mp(22, 17.5, 18.0, 10.0, 0.5),
    mp(24, 37.5, 22.0, 4.0, 0.5),
    mp(26, 57.0, 15.0, -12.0, 0.5),
    // Nose: root, ridge, tip, nostrils' outer corners, subnasale.
    mp(27, 0.0, -1.5, 11.0, 1.0),
    mp(28, 0.0, -14.5, 19.0, 0.5),
    mp(29, 0.0, -26.5, 27.0, 0.5),
    mp(30, 0.0, -38.0, 35.0, 1.0),
    mp(31, -13.0, -43.5, 13.0, 1.0),
    mp(33, 0.0, -47.0, 20.0, 1.0),
    mp(35, 13.0, -43.5, 13.0, 1.0),
    // Image-left eye: outer corner, upper lid, inner corner, lower lid.
    mp(36, -44.0, 0.5, -12.0, 1.0),
    mp(37, -36.5, 3.5, -3.0, 0.0),
    mp(38, -27.0, 3.5, -1.0, 0.0),
    mp(39, -18.0, -0.5, -6.0, 1.0),
    mp(40, -27.0, -3.5, -1.0, 0.0),
    mp(41, -36.5, -3.5, -3.0, 0.0),
    // Image-right eye: inner corner, upper lid, outer corner, lower lid.
    mp(42, 18.0, -0.5, -6.0, 1.0),
    mp(43, 27.0, 3.5, -1.0, 0.0),
    mp(44, 36.5, 3.5, -3.0, 0.0),
    mp(45, 44.0, 0.5, -12.0, 1.0),
    mp(46, 36.5, -3.5, -3.0, 0.0),
    mp(47, 27.0, -3.5, -1.0, 0.0),
];

/// Mouth corners (48, 54) are listed separately only to keep the table
/// above in landmark order by region.
pub const MOUTH_CORNERS: [ModelPoint; 2] = [
    mp(48, -29.0, -64.0, 8.0, 0.5),
    mp(54, 29.0, -64.0, 8.0, 0.5),
];

/// The glabella on the mean face (mm): [`GLABELLA_ABOVE_PUPILS_MM`] above
/// the pupils, on the skin in front of the brow ridge (a little ahead of
/// the nose's root). It is the origin of the design's head model.
pub const GLABELLA: [f32; 3] = [0.0, GLABELLA_ABOVE_PUPILS_MM, 13.0];

fn model_points() -> impl Iterator<Item = &'static ModelPoint> {
    MEAN_FACE.iter().chain(MOUTH_CORNERS.iter())
}

/// Why no pose could be fitted.
#[derive(Clone, Debug, PartialEq)]
pub enum PoseError {
    /// A landmark the fit uses is NaN or infinite.
    NonFinite,
    /// The landmarks are collapsed (no face-sized spread, or the eyes on
    /// top of each other).
    Degenerate,
    /// The fit did not settle on a plausible pose.
    NoFit,
}

impl fmt::Display for PoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoseError::NonFinite => write!(f, "a face landmark is not a number"),
            PoseError::Degenerate => write!(f, "the face landmarks are collapsed"),
            PoseError::NoFit => write!(f, "no head pose fits the face landmarks"),
        }
    }
}

impl std::error::Error for PoseError {}

/// A head pose in the image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    /// Head turn, radians; positive when the nose points to the image's
    /// right (as [`crate::face::Detection::yaw`]).
    pub yaw: f32,
    /// Nod, radians; positive when the chin comes up (the nose points up
    /// the image).
    pub pitch: f32,
    /// Tilt of the line between the pupils in the image, radians; positive
    /// when the right pupil is lower (clockwise on screen), as
    /// [`crate::scale::Frame::roll`].
    pub roll: f32,
    /// Image pixels per millimetre of face.
    pub scale: f32,
    /// Where the model's origin (the midpoint between the pupils) is in
    /// the image, pixels.
    pub origin: Vec2,
    /// Weighted RMS distance between the fitted model's points and the
    /// landmarks, pixels.
    pub rms_px: f32,
}

/// `Ry(yaw) · Rx(pitch)` (y up, z towards the camera, positive pitch
/// lifts the nose, positive yaw turns it to +x).
fn turn(yaw: f64, pitch: f64, p: [f64; 3]) -> [f64; 3] {
    let (sy, cy) = yaw.sin_cos();
    let (sp, cp) = pitch.sin_cos();
    let y1 = p[1] * cp + p[2] * sp;
    let z1 = p[2] * cp - p[1] * sp;
    [p[0] * cy + z1 * sy, y1, z1 * cy - p[0] * sy]
}

/// The matrix of `Ry(yaw) · Rx(pitch)` (rows), the head's turn without
/// the roll (see the module docs).
pub fn rotation(yaw: f32, pitch: f32) -> [[f32; 3]; 3] {
    let cols = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        .map(|e| turn(yaw as f64, pitch as f64, e).map(|v| v as f32));
    [0, 1, 2].map(|r| [cols[0][r], cols[1][r], cols[2][r]])
}

impl Pose {
    /// Unit vectors of the face's x (along the pupils) and up directions
    /// in the image (image y points down).
    pub fn axes(&self) -> (Vec2, Vec2) {
        let (s, c) = self.roll.sin_cos();
        (Vec2::new(c, s), Vec2::new(s, -c))
    }

    /// A point of the face model (mm, origin between the pupils) → image
    /// pixels.
    pub fn project(&self, p: [f32; 3]) -> Vec2 {
        let q = turn(
            self.yaw as f64,
            self.pitch as f64,
            [p[0] as f64, p[1] as f64, p[2] as f64],
        );
        let (ex, ey) = self.axes();
        self.origin
            .plus(ex.scale(q[0] as f32 * self.scale))
            .plus(ey.scale(q[1] as f32 * self.scale))
    }

    /// The fit's residual as a share of the interpupillary distance the
    /// face would show if it faced the camera: about 0.01–0.04 for a real
    /// face, far more when the landmarks are not a face.
    pub fn rms_rel(&self) -> f32 {
        self.rms_px / (self.scale * DEFAULT_IPD_MM).max(1e-6)
    }

    /// The glabella (the design's origin) in the image.
    pub fn glabella(&self) -> Vec2 {
        self.project(GLABELLA)
    }
}

/// The mean face's landmarks as seen in `pose`: the 30 points of
/// [`MEAN_FACE`] and the two mouth corners; the others are NaN (the fit
/// never reads them). For tests and synthetic input.
pub fn model_landmarks(pose: &Pose) -> [[f32; 2]; 68] {
    let mut lm = [[f32::NAN; 2]; 68];
    for m in model_points() {
        let q = pose.project(m.pos);
        lm[m.index] = [q.x, q.y];
    }
    lm
}

fn mean(pts: &[[f32; 2]]) -> [f64; 2] {
    let n = pts.len() as f64;
    let (x, y) = pts
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p[0] as f64, a.1 + p[1] as f64));
    [x / n, y / n]
}

/// Solve the 5×5 system `a x = b` (Gaussian elimination with partial
/// pivoting); `None` when singular.
fn solve5(mut a: [[f64; 5]; 5], mut b: [f64; 5]) -> Option<[f64; 5]> {
    for col in 0..5 {
        let piv = (col..5).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let (pivot, pb) = (a[col], b[col]);
        for row in col + 1..5 {
            let f = a[row][col] / pivot[col];
            for (v, p) in a[row][col..].iter_mut().zip(&pivot[col..]) {
                *v -= f * p;
            }
            b[row] -= f * pb;
        }
    }
    let mut x = [0.0; 5];
    for row in (0..5).rev() {
        let s: f64 = (row + 1..5).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Fit the mean face to 68 landmarks (image pixels) under weak
/// perspective.
pub fn fit(landmarks: &[[f32; 2]; 68]) -> Result<Pose, PoseError> {
    fit_with(landmarks, 0.0)
}

/// Like [`fit`], but with the depth magnification of a camera whose focal
/// length is `focal_px` pixels: a point `z` mm nearer the camera than the
/// pupils shows `1 / (1 - z · scale / focal_px)` times larger. At arm's
/// length the nose is ~9 % larger than the eyes, which weak perspective
/// reads as a nod of 3–5° (see the tests); this removes it. The focal
/// length need only be roughly right (a webcam's is 0.8–1.0 × the frame's
/// width): 30 % off leaves about a degree. The pose returned still
/// projects in weak perspective ([`Pose::project`]), with the corrected
/// angles. A non-finite or non-positive `focal_px` fits as [`fit`].
pub fn fit_perspective(landmarks: &[[f32; 2]; 68], focal_px: f32) -> Result<Pose, PoseError> {
    let inv_f = if focal_px.is_finite() && focal_px > 0.0 {
        1.0 / focal_px as f64
    } else {
        0.0
    };
    fit_with(landmarks, inv_f)
}

/// Depth magnification `1 / (1 - k c)`, kept finite (points behind the
/// camera would be nonsense).
fn magnify(k: f64, c: f64) -> f64 {
    1.0 / (1.0 - k * c).max(0.2)
}

/// A model point (mm), its observation (roll-free image frame, px) and
/// its weight.
type Obs = ([f64; 3], [f64; 2], f64);

fn fit_with(landmarks: &[[f32; 2]; 68], inv_f: f64) -> Result<Pose, PoseError> {
    let eyes = &landmarks[36..48];
    if !model_points().all(|m| landmarks[m.index].iter().all(|v| v.is_finite()))
        || !eyes.iter().flatten().all(|v| v.is_finite())
    {
        return Err(PoseError::NonFinite);
    }
    let l = mean(&landmarks[36..42]);
    let r = mean(&landmarks[42..48]);
    let d = [r[0] - l[0], r[1] - l[1]];
    let ipd = d[0].hypot(d[1]);
    let roll = d[1].atan2(d[0]);
    // Observations in the roll-free frame: along the pupils' line and up.
    let (sr, cr) = roll.sin_cos();
    let (ex, ey) = ([cr, sr], [sr, -cr]);
    let m = [(l[0] + r[0]) / 2.0, (l[1] + r[1]) / 2.0];
    let pts: Vec<Obs> = model_points()
        .filter(|p| p.weight > 0.0)
        .map(|p| {
            let q = landmarks[p.index];
            let v = [q[0] as f64 - m[0], q[1] as f64 - m[1]];
            (
                [p.pos[0] as f64, p.pos[1] as f64, p.pos[2] as f64],
                [v[0] * ex[0] + v[1] * ex[1], v[0] * ey[0] + v[1] * ey[1]],
                p.weight as f64,
            )
        })
        .collect();
    // Start: frontal, scale and shift from the spreads (weighted centroids
    // and squared spreads of the observations and of the model's x, y).
    let wsum: f64 = pts.iter().map(|p| p.2).sum();
    let stats = |get: fn(&Obs) -> [f64; 2]| {
        let c = pts.iter().fold([0.0, 0.0], |a, p| {
            let v = get(p);
            [a[0] + p.2 * v[0] / wsum, a[1] + p.2 * v[1] / wsum]
        });
        let spread: f64 = pts
            .iter()
            .map(|p| {
                let v = get(p);
                p.2 * ((v[0] - c[0]).powi(2) + (v[1] - c[1]).powi(2))
            })
            .sum();
        (c, spread)
    };
    let (cu, su) = stats(|p| p.1);
    let (cx, sx) = stats(|p| [p.0[0], p.0[1]]);
    let s0 = (su / sx).sqrt();
    if !s0.is_finite() || s0 < 1e-3 || ipd < 1e-3 * s0 * DEFAULT_IPD_MM as f64 {
        return Err(PoseError::Degenerate);
    }
    let mut p = [0.0, 0.0, s0, cu[0] - s0 * cx[0], cu[1] - s0 * cx[1]];
    let cost = |p: &[f64; 5]| -> f64 {
        pts.iter()
            .map(|(x, u, w)| {
                let q = turn(p[0], p[1], *x);
                let sg = p[2] * magnify(p[2] * inv_f, q[2]);
                w * ((p[3] + sg * q[0] - u[0]).powi(2) + (p[4] + sg * q[1] - u[1]).powi(2))
            })
            .sum()
    };
    let mut c = cost(&p);
    let mut lambda = 1e-3;
    let limit = 80f64.to_radians();
    for _ in 0..50 {
        // Normal equations of the weighted least squares.
        let (sy, cy) = p[0].sin_cos();
        let (sp, cp) = p[1].sin_cos();
        let s = p[2];
        let mut jtj = [[0.0; 5]; 5];
        let mut jtr = [0.0; 5];
        let k = s * inv_f;
        for (x, u, w) in &pts {
            let (xx, yy, zz) = (x[0], x[1], x[2]);
            let z1 = zz * cp - yy * sp;
            let y1 = yy * cp + zz * sp;
            let a = xx * cy + z1 * sy;
            // Depth towards the camera and its magnification g (1 in weak
            // perspective); d/ds of s·g is g².
            let c = z1 * cy - xx * sy;
            let g = magnify(k, c);
            let (c_yaw, c_pitch) = (-z1 * sy - xx * cy, (-zz * sp - yy * cp) * cy);
            let (a_yaw, a_pitch) = (-xx * sy + z1 * cy, (-zz * sp - yy * cp) * sy);
            let gg = g * g * k;
            let rx = p[3] + s * g * a - u[0];
            let ry = p[4] + s * g * y1 - u[1];
            let jx = [
                s * (a_yaw * g + a * gg * c_yaw),
                s * (a_pitch * g + a * gg * c_pitch),
                a * g * g,
                1.0,
                0.0,
            ];
            let jy = [
                s * y1 * gg * c_yaw,
                s * (z1 * g + y1 * gg * c_pitch),
                y1 * g * g,
                0.0,
                1.0,
            ];
            for i in 0..5 {
                jtr[i] += w * (jx[i] * rx + jy[i] * ry);
                for k in 0..5 {
                    jtj[i][k] += w * (jx[i] * jx[k] + jy[i] * jy[k]);
                }
            }
        }
        let mut improved = false;
        for _ in 0..8 {
            let mut a = jtj;
            for (i, row) in a.iter_mut().enumerate() {
                row[i] += lambda * jtj[i][i].max(1e-9);
            }
            let Some(step) = solve5(a, jtr.map(|v| -v)) else {
                lambda *= 10.0;
                continue;
            };
            let mut q = p;
            for i in 0..5 {
                q[i] += step[i];
            }
            q[0] = q[0].clamp(-limit, limit);
            q[1] = q[1].clamp(-limit, limit);
            let cq = cost(&q);
            if cq.is_finite() && cq <= c {
                let small = step[0].abs() < 1e-6 && step[1].abs() < 1e-6;
                p = q;
                c = cq;
                lambda = (lambda / 10.0).max(1e-9);
                improved = !small;
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    if !(p.iter().all(|v| v.is_finite()) && p[2] > 0.0) {
        return Err(PoseError::NoFit);
    }
    let origin = Vec2::new(
        (m[0] + p[3] * ex[0] + p[4] * ey[0]) as f32,
        (m[1] + p[3] * ex[1] + p[4] * ey[1]) as f32,
    );
    let pose = Pose {
        yaw: p[0] as f32,
        pitch: p[1] as f32,
        roll: roll as f32,
        scale: p[2] as f32,
        origin,
        rms_px: (c / wsum).sqrt() as f32,
    };
    let finite = [pose.yaw, pose.pitch, pose.roll, pose.scale, pose.rms_px]
        .iter()
        .all(|v| v.is_finite())
        && pose.origin.is_finite()
        && pose.scale > 0.0;
    finite.then_some(pose).ok_or(PoseError::NoFit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn noise(rng: &mut Rng, sigma: f32) -> f32 {
        let s: f32 = (0..6).map(|_| rng.next_f32()).sum::<f32>() - 3.0;
        s * sigma * std::f32::consts::SQRT_2
    }

    fn pose(yaw: f32, pitch: f32, roll: f32, scale: f32) -> Pose {
        Pose {
            yaw: yaw.to_radians(),
            pitch: pitch.to_radians(),
            roll: roll.to_radians(),
            scale,
            origin: Vec2::new(320.0, 240.0),
            rms_px: 0.0,
        }
    }

    #[test]
    fn eyes_average_to_the_pupils() {
        for (range, x) in [(36..42, -31.5f32), (42..48, 31.5)] {
            let pts: Vec<_> = MEAN_FACE
                .iter()
                .filter(|m| range.contains(&m.index))
                .collect();
            assert_eq!(pts.len(), 6);
            let c = [0, 1, 2].map(|k| pts.iter().map(|m| m.pos[k]).sum::<f32>() / 6.0);
            assert!((c[0] - x).abs() < 1e-4 && c[1].abs() < 1e-4, "{c:?}");
            // Both eyes at the same depth, so the pupils' line is the x axis.
            assert!((c[2] + 13.0 / 3.0).abs() < 1e-4, "{c:?}");
        }
        // Mirror symmetric.
        for m in model_points() {
            if m.pos[0] != 0.0 {
                assert!(model_points()
                    .any(|o| o.pos == [-m.pos[0], m.pos[1], m.pos[2]] && o.weight == m.weight));
            }
        }
    }

    #[test]
    fn frontal_projection_is_the_model_scaled() {
        let p = pose(0.0, 0.0, 0.0, 2.0);
        let lm = model_landmarks(&p);
        assert_eq!(lm[36], [320.0 - 88.0, 240.0 - 1.0]);
        assert!(lm[1][0].is_nan());
        let f = fit(&lm).unwrap();
        assert!(f.yaw.abs() < 1e-4 && f.pitch.abs() < 1e-4, "{f:?}");
        assert!((f.scale - 2.0).abs() < 1e-4 && f.rms_px < 1e-3);
        assert!(f.origin.minus(p.origin).len() < 1e-3);
    }

    #[test]
    fn recovers_known_poses_from_noisy_landmarks() {
        let mut rng = Rng::new(42);
        let mut worst = [0.0f32; 4];
        let mut n = 0;
        for yaw in [-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0] {
            for pitch in [-30.0, -15.0, 0.0, 15.0, 30.0] {
                for roll in [-30.0, 0.0, 15.0] {
                    for scale in [1.2f32, 2.5] {
                        let mut truth = pose(yaw, pitch, roll, scale);
                        truth.origin = Vec2::new(200.0 + 7.0 * yaw, 300.0 - 3.0 * pitch);
                        let mut lm = model_landmarks(&truth);
                        // Landmark noise of 1.5 % of the IPD (1–2.4 px).
                        let sigma = 0.015 * 63.0 * scale;
                        for p in lm.iter_mut().filter(|p| p[0].is_finite()) {
                            p[0] += noise(&mut rng, sigma);
                            p[1] += noise(&mut rng, sigma);
                        }
                        let f = fit(&lm).unwrap();
                        let e = [
                            (f.yaw.to_degrees() - yaw).abs(),
                            (f.pitch.to_degrees() - pitch).abs(),
                            (f.roll.to_degrees() - roll).abs(),
                            (f.scale / scale - 1.0).abs() * 100.0,
                        ];
                        for k in 0..4 {
                            worst[k] = worst[k].max(e[k]);
                        }
                        n += 1;
                    }
                }
            }
        }
        println!(
            "{n} poses, worst |error|: yaw {:.2}°, pitch {:.2}°, roll {:.2}°, scale {:.2} %",
            worst[0], worst[1], worst[2], worst[3]
        );
        assert!(worst[0] < 3.0 && worst[1] < 3.0, "{worst:?}");
        assert!(worst[2] < 1.5 && worst[3] < 3.0, "{worst:?}");
    }

    /// The mean face through a pinhole camera `dist_mm` in front of the
    /// pupils' midpoint (focal length `f_px`), off-centre by `off_mm`.
    fn perspective(truth: &Pose, dist_mm: f32, f_px: f32, off_mm: [f32; 2]) -> [[f32; 2]; 68] {
        let mut lm = [[f32::NAN; 2]; 68];
        let (ex, ey) = truth.axes();
        for m in model_points() {
            let q = turn(
                truth.yaw as f64,
                truth.pitch as f64,
                [m.pos[0] as f64, m.pos[1] as f64, m.pos[2] as f64],
            );
            let k = f_px / (dist_mm - q[2] as f32);
            let (a, b) = ((q[0] as f32 + off_mm[0]) * k, (q[1] as f32 + off_mm[1]) * k);
            let p = Vec2::new(320.0, 240.0).plus(ex.scale(a)).plus(ey.scale(b));
            lm[m.index] = [p.x, p.y];
        }
        lm
    }

    #[test]
    fn weak_perspective_is_close_enough() {
        // A 640×480 webcam (≈ 56° across, f ≈ 600 px) at 45 cm: the IPD is
        // ~84 px.
        let (dist, f_px) = (450.0, 600.0);
        let k0 = f_px / dist;
        let ipd_px = 63.0 * k0;
        // Points on the forehead and scalp (from the glabella up to the
        // crown and round to the temples, on a rough head shape), mm from
        // the pupils' midpoint.
        let scalp = [
            [0.0, 14.0, 13.0],
            [0.0, 60.0, 5.0],
            [0.0, 94.0, -20.0],
            [-45.0, 80.0, -30.0],
            [45.0, 80.0, -30.0],
            [-60.0, 50.0, -50.0],
            [60.0, 50.0, -50.0],
        ];
        let mut worst = [0.0f32; 5];
        for yaw in [-30.0, -15.0, 0.0, 15.0, 30.0] {
            for pitch in [-20.0, 0.0, 20.0] {
                let truth = pose(yaw, pitch, 10.0, k0);
                let lm = perspective(&truth, dist, f_px, [0.0, 0.0]);
                let f = fit(&lm).unwrap();
                let ey = (f.yaw.to_degrees() - yaw).abs();
                let ep = (f.pitch.to_degrees() - pitch).abs();
                // Scalp points placed by the fitted pose against the same
                // view under weak perspective (the error the fit adds), and
                // against the pinhole (adding the depth magnification that
                // a frontal, orthographic head model ignores as well).
                let (ex, eyv) = truth.axes();
                let (mut e_pose, mut e_pin): (f32, f32) = (0.0, 0.0);
                for x in scalp {
                    let got = f.project(x);
                    e_pose = e_pose.max(got.minus(truth.project(x)).len() / ipd_px);
                    let q = turn(truth.yaw as f64, truth.pitch as f64, x.map(|v| v as f64));
                    let k = f_px / (dist - q[2] as f32);
                    let pin = truth
                        .origin
                        .plus(ex.scale(q[0] as f32 * k))
                        .plus(eyv.scale(q[1] as f32 * k));
                    e_pin = e_pin.max(got.minus(pin).len() / ipd_px);
                }
                for (w, e) in worst
                    .iter_mut()
                    .zip([ey, ep, e_pose * 100.0, e_pin * 100.0])
                {
                    *w = w.max(e);
                }
            }
        }
        // Off-centre (10 cm aside, 6 cm up) the camera sees the face from
        // the side: the fit reads the *apparent* turn, the true one plus
        // the viewing angle (added here as if the angles commuted, which
        // is close for these sizes).
        for yaw in [-15.0, 0.0, 15.0] {
            let truth = pose(yaw, 0.0, 0.0, k0);
            let lm = perspective(&truth, dist, f_px, [100.0, 60.0]);
            let f = fit(&lm).unwrap();
            let want = (
                yaw + (100.0f32 / dist).atan().to_degrees(),
                (60.0f32 / dist).atan().to_degrees(),
            );
            let e = (f.yaw.to_degrees() - want.0)
                .abs()
                .max((f.pitch.to_degrees() - want.1).abs());
            worst[4] = worst[4].max(e);
        }
        println!(
            "pinhole at 45 cm: worst yaw error {:.1}°, pitch {:.1}°; scalp points {:.1} % of the IPD \
             from the same view in weak perspective, {:.1} % from the pinhole; off-centre angles {:.1}°",
            worst[0], worst[1], worst[2], worst[3], worst[4]
        );
        assert!(worst[0] < 4.0 && worst[1] < 5.0, "{worst:?}");
        assert!(worst[2] < 10.0 && worst[4] < 5.0, "{worst:?}");
    }

    #[test]
    fn a_rough_focal_length_removes_the_perspective_bias() {
        let (dist, f_px) = (450.0, 600.0);
        let mut worst = [0.0f32; 3];
        for yaw in [-30.0, -15.0, 0.0, 15.0, 30.0] {
            for pitch in [-20.0, 0.0, 20.0] {
                let truth = pose(yaw, pitch, -8.0, f_px / dist);
                let lm = perspective(&truth, dist, f_px, [0.0, 0.0]);
                for (k, f_guess) in [f_px, 0.7 * f_px, 1.3 * f_px].into_iter().enumerate() {
                    let f = fit_perspective(&lm, f_guess).unwrap();
                    let e = (f.yaw.to_degrees() - yaw)
                        .abs()
                        .max((f.pitch.to_degrees() - pitch).abs());
                    worst[k] = worst[k].max(e);
                    if k == 0 {
                        assert!((f.scale / truth.scale - 1.0).abs() < 0.01, "{f:?}");
                        assert!(f.rms_px < 0.3, "{f:?}");
                    }
                }
            }
        }
        println!(
            "pinhole at 45 cm, fitted with its focal length: worst angle error {:.2}°; \
             with it 30 % short {:.1}°, 30 % long {:.1}°",
            worst[0], worst[1], worst[2]
        );
        assert!(
            worst[0] < 0.3 && worst[1] < 2.0 && worst[2] < 2.0,
            "{worst:?}"
        );
        // No focal length: weak perspective.
        let lm = model_landmarks(&pose(12.0, -7.0, 3.0, 2.0));
        assert_eq!(fit_perspective(&lm, f32::NAN), fit(&lm));
        assert_eq!(fit_perspective(&lm, -5.0), fit(&lm));
    }

    #[test]
    fn degenerate_input_is_an_error() {
        let good = model_landmarks(&pose(10.0, 5.0, 0.0, 2.0));
        let mut bad = good;
        bad[30] = [f32::NAN, 1.0];
        assert_eq!(fit(&bad), Err(PoseError::NonFinite));
        let mut bad = good;
        bad[40][1] = f32::INFINITY;
        assert_eq!(fit(&bad), Err(PoseError::NonFinite));
        assert_eq!(fit(&[[5.0, 5.0]; 68]), Err(PoseError::Degenerate));
        assert_eq!(fit(&[[0.0, 0.0]; 68]), Err(PoseError::Degenerate));
        // Eyes on top of each other, the rest spread out.
        let mut bad = good;
        for p in &mut bad[36..48] {
            *p = [100.0, 100.0];
        }
        assert_eq!(fit(&bad), Err(PoseError::Degenerate));
        // Huge or random values: an error or a pose, never a panic or NaN.
        let mut rng = Rng::new(1);
        for k in 0..200 {
            let mut lm = [[0.0f32; 2]; 68];
            let span = [1.0, 1e3, 1e30, f32::MAX][k % 4];
            for p in &mut lm {
                *p = [rng.next_f32() * span, rng.next_f32() * span];
            }
            if let Ok(p) = fit(&lm) {
                assert!(p.yaw.is_finite() && p.pitch.is_finite() && p.scale.is_finite());
                assert!(p.origin.is_finite() && p.rms_px.is_finite());
            }
        }
        assert!(PoseError::Degenerate.to_string().contains("collapsed"));
    }
}
