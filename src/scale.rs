//! Calibration: two pupil points in image pixels and the interpupillary
//! distance give pixels per millimetre, head roll and the glabella, and so
//! the map between the face frame (mm) and the image (px).

use crate::geom::Vec2;
use serde::{Deserialize, Serialize};

/// Mean adult interpupillary distance.
pub const DEFAULT_IPD_MM: f32 = 63.0;
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
    ) -> Result<Self, String> {
        if !a.is_finite() || !b.is_finite() {
            return Err("the pupil points must be numbers".into());
        }
        if !(40.0..=90.0).contains(&ipd_mm) || !ipd_mm.is_finite() {
            return Err(format!(
                "the distance between the pupils must be between 40 and 90 mm (adults: 54–74 mm); got {ipd_mm}"
            ));
        }
        let (w, h) = (image.0 as f32, image.1 as f32);
        for p in [a, b] {
            if p.x < 0.0 || p.y < 0.0 || p.x > w || p.y > h {
                return Err(format!(
                    "a pupil point ({:.0}, {:.0}) is outside the {}×{} photo",
                    p.x, p.y, image.0, image.1
                ));
            }
        }
        let d = b.minus(a).len();
        let min = (w.max(h) * 0.01).max(4.0);
        if d < min {
            return Err(format!(
                "the two pupil points are only {d:.0} px apart; tap the centre of each pupil"
            ));
        }
        let (left_pupil, right_pupil) = if a.x <= b.x { (a, b) } else { (b, a) };
        let c = Calibration {
            left_pupil,
            right_pupil,
            ipd_mm,
            source,
        };
        if c.frame().roll.abs() > 45f32.to_radians() {
            return Err(
                "the pupils are tilted more than 45°; tap the left pupil, then the right one"
                    .into(),
            );
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
        let glabella = mid.plus(ey.scale(GLABELLA_ABOVE_PUPILS_MM * px_per_mm));
        Frame {
            px_per_mm,
            roll: ex.y.atan2(ex.x),
            glabella,
            ex,
            ey,
        }
    }
}

impl Frame {
    /// Face millimetres → image pixels.
    pub fn to_image(&self, p: Vec2) -> Vec2 {
        self.glabella
            .plus(self.ex.scale(p.x * self.px_per_mm))
            .plus(self.ey.scale(p.y * self.px_per_mm))
    }

    /// Image pixels → face millimetres.
    pub fn to_face(&self, q: Vec2) -> Vec2 {
        let r = q.minus(self.glabella);
        Vec2::new(
            r.dot(self.ex) / self.px_per_mm,
            r.dot(self.ey) / self.px_per_mm,
        )
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
        // 80 mm above the glabella is 160 px higher in the image.
        let p = f.to_image(Vec2::new(0.0, 80.0));
        assert!((p.y - (472.0 - 160.0)).abs() < 1e-3);
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
    fn taps_in_either_order_and_bad_taps() {
        let c = cal((526.0, 500.0), (400.0, 500.0));
        assert_eq!(c.left_pupil.x, 400.0);
        let img = (1000, 1000);
        let v = |x, y| Vec2::new(x, y);
        assert!(
            Calibration::new(v(10.0, 10.0), v(11.0, 10.0), 63.0, Source::Visitor, img)
                .unwrap_err()
                .contains("apart")
        );
        assert!(
            Calibration::new(v(-5.0, 10.0), v(100.0, 10.0), 63.0, Source::Visitor, img)
                .unwrap_err()
                .contains("outside")
        );
        assert!(
            Calibration::new(v(0.0, 0.0), v(100.0, 0.0), 20.0, Source::Visitor, img)
                .unwrap_err()
                .contains("between 40 and 90")
        );
        assert!(
            Calibration::new(v(f32::NAN, 0.0), v(100.0, 0.0), 63.0, Source::Visitor, img).is_err()
        );
        assert!(
            Calibration::new(v(100.0, 0.0), v(110.0, 200.0), 63.0, Source::Visitor, img)
                .unwrap_err()
                .contains("45°")
        );
    }
}
