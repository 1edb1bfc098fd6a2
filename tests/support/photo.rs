//! Synthetic test portraits, generated in code so the golden tests need no
//! external photos and the pupils (hence the calibration) are known exactly.
//!
//! A 320×400 frontal portrait: a smooth blue-grey backdrop, a bald head
//! (ellipse) lit from the upper left with a faint, deterministic skin
//! texture, ears, brows, eyes, nostrils and a mouth. The pupils are
//! 94.5 px apart, so with a 63 mm interpupillary distance the photo has
//! 1.5 px/mm; the head's outline sits 100 mm above the glabella and about
//! 75 mm to each side, as the engine's head model expects of an adult.
//!
//! Only `+ - * /`, `sqrt` and integer hashing are used per pixel (all exactly
//! rounded in IEEE arithmetic), so the photos are bit-identical on every
//! platform; the roll's sine and cosine are computed once.

use hairline_visualizer::color::lab;
use hairline_visualizer::engine::Labels;
use hairline_visualizer::geom::Vec2;
use hairline_visualizer::image::Image;
use hairline_visualizer::scalp::label;

pub const WIDTH: u32 = 320;
pub const HEIGHT: u32 = 400;
/// The interpupillary distance to calibrate with.
pub const IPD_MM: f32 = 63.0;
/// Image pixels per millimetre at the face.
pub const PX_PER_MM: f32 = 1.5;
/// Distance between the pupils in pixels (63 mm at 1.5 px/mm).
const IPD_PX: f32 = IPD_MM * PX_PER_MM;
/// The head's centre in the image; the head rolls about it.
const CENTRE: Vec2 = Vec2::new(160.0, 220.0);
const HEAD_RX: f32 = 118.0;
const HEAD_RY: f32 = 166.0;
/// How far the pupils sit below the head's centre (upright, px).
const EYE_Y: f32 = 5.0;

/// Skin tones of the synthetic head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skin {
    /// Fair (Fitzpatrick I–II).
    Light,
    /// Olive / light brown (III–IV).
    Medium,
    /// Deep brown (V–VI).
    Dark,
}

impl Skin {
    fn rgb(self) -> [f32; 3] {
        match self {
            Skin::Light => [238.0, 204.0, 182.0],
            Skin::Medium => [200.0, 148.0, 114.0],
            Skin::Dark => [116.0, 78.0, 58.0],
        }
    }
}

/// A generated photo and where its pupils are.
pub struct Portrait {
    pub image: Image,
    /// The pupil on the image's left (px).
    pub left_pupil: Vec2,
    /// The pupil on the image's right (px).
    pub right_pupil: Vec2,
    roll: Roll,
}

impl Portrait {
    /// Whether pixel (x, y) is on the head (the ears not counted), allowing
    /// one pixel past the outline for anti-aliasing: a changed pixel
    /// elsewhere is a dot on the backdrop or an ear.
    pub fn on_head(&self, x: u32, y: u32) -> bool {
        let u = self.roll.to_head(Vec2::new(x as f32 + 0.5, y as f32 + 0.5));
        let (nx, ny) = (u.x / HEAD_RX, u.y / HEAD_RY);
        let r = (nx * nx + ny * ny).sqrt();
        if r <= 1.0 {
            return true;
        }
        // Distance past the outline, to first order: (r − 1) / |∇r|.
        let grad = ((nx / HEAD_RX).powi(2) + (ny / HEAD_RY).powi(2)).sqrt() / r;
        (r - 1.0) / grad <= 1.0
    }

    /// The portrait's segmentation, as the core's segmentation would give
    /// it, known exactly: the head above the brows is scalp, below it and
    /// the ears face, the rest backdrop; a band at each side above the ears
    /// is labelled hair (a horseshoe fringe, so the fade into hair and the
    /// buzz cut have something to work on; its pixels are skin-coloured).
    pub fn labels(&self) -> Labels {
        let labels = (0..WIDTH * HEIGHT)
            .map(|i| {
                let p = Vec2::new((i % WIDTH) as f32 + 0.5, (i / WIDTH) as f32 + 0.5);
                let u = self.roll.to_head(p);
                let (nx, ny) = (u.x / HEAD_RX, u.y / HEAD_RY);
                let e = nx * nx + ny * ny;
                let ear = [-116.0f32, 116.0].iter().any(|&cx| {
                    let (dx, dy) = ((u.x - cx) / 12.0, u.y / 25.0);
                    dx * dx + dy * dy <= 1.0
                });
                if e > 1.0 {
                    if ear {
                        label::FACE
                    } else {
                        label::BACKGROUND
                    }
                } else if u.y > EYE_Y - 28.0 {
                    label::FACE
                } else if e > 0.8 && u.y > -100.0 {
                    label::HAIR
                } else {
                    label::SCALP
                }
            })
            .collect();
        // The forehead's colour, 40 px above the pupils.
        let f = self.roll.to_image(Vec2::new(0.0, EYE_Y - 40.0));
        let px = self.image.pixel(f.x as u32, f.y as u32);
        Labels {
            width: WIDTH,
            height: HEIGHT,
            step: 1.0,
            labels,
            skin_lab: Some(lab([px[0], px[1], px[2]])),
            outline_px: 0.0,
        }
    }
}

/// Rotation of the head in the image: `+roll` turns face-upright offsets
/// clockwise on screen (the right pupil goes down), like the engine's roll.
#[derive(Clone, Copy)]
struct Roll {
    cos: f32,
    sin: f32,
}

impl Roll {
    fn new(deg: f32) -> Roll {
        if deg == 0.0 {
            return Roll { cos: 1.0, sin: 0.0 };
        }
        let r = deg.to_radians();
        Roll {
            cos: r.cos(),
            sin: r.sin(),
        }
    }
    /// Upright head offset → image point.
    fn to_image(self, u: Vec2) -> Vec2 {
        Vec2::new(
            CENTRE.x + u.x * self.cos - u.y * self.sin,
            CENTRE.y + u.x * self.sin + u.y * self.cos,
        )
    }
    /// Image point → upright head offset.
    fn to_head(self, p: Vec2) -> Vec2 {
        let d = p.minus(CENTRE);
        Vec2::new(
            d.x * self.cos + d.y * self.sin,
            -d.x * self.sin + d.y * self.cos,
        )
    }
}

/// A portrait with the given skin, the head rolled by `roll_deg` degrees
/// (positive: the right pupil is lower).
pub fn portrait(skin: Skin, roll_deg: f32) -> Portrait {
    let roll = Roll::new(roll_deg);
    let mut data = Vec::with_capacity((WIDTH * HEIGHT * 4) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let c = shade_pixel(skin.rgb(), p, roll.to_head(p));
            data.extend_from_slice(&[q8(c[0]), q8(c[1]), q8(c[2]), 255]);
        }
    }
    Portrait {
        image: Image::from_rgba(WIDTH, HEIGHT, data).expect("valid size"),
        left_pupil: roll.to_image(Vec2::new(-IPD_PX / 2.0, EYE_Y)),
        right_pupil: roll.to_image(Vec2::new(IPD_PX / 2.0, EYE_Y)),
        roll,
    }
}

fn q8(v: f32) -> u8 {
    (v + 0.5).clamp(0.0, 255.0) as u8
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale(c: [f32; 3], k: [f32; 3]) -> [f32; 3] {
    [c[0] * k[0], c[1] * k[1], c[2] * k[2]]
}

/// Coverage of a pixel by an ellipse (≈1 px anti-aliased edge).
fn ellipse(u: Vec2, centre: Vec2, rx: f32, ry: f32) -> f32 {
    let (dx, dy) = ((u.x - centre.x) / rx, (u.y - centre.y) / ry);
    let r = (dx * dx + dy * dy).sqrt();
    ((1.0 - r) * rx.min(ry) + 0.5).clamp(0.0, 1.0)
}

/// One pixel: `p` in the image, `u` the same point in upright head offsets.
fn shade_pixel(skin: [f32; 3], p: Vec2, u: Vec2) -> [f32; 3] {
    // Backdrop: blue-grey, a little darker towards the bottom and the sides.
    let t = p.y / HEIGHT as f32;
    let side = (p.x - CENTRE.x) / CENTRE.x;
    let fall = 6.0 * side * side;
    let mut c = [
        126.0 - 16.0 * t - fall,
        138.0 - 16.0 * t - fall,
        158.0 - 16.0 * t - fall,
    ];

    let (nx, ny) = (u.x / HEAD_RX, u.y / HEAD_RY);
    let e = nx * nx + ny * ny;
    // Light from the upper left, falling off towards the outline.
    let light = (1.03 - 0.07 * nx - 0.05 * ny) * (1.0 - 0.2 * e * e);
    // A soft sheen on the upper forehead.
    let (hx, hy) = ((u.x + 25.0) / 45.0, (u.y + 85.0) / 35.0);
    let sheen = (1.0 - (hx * hx + hy * hy)).max(0.0);
    let grain = 2.2 * value_noise(u, 6.0, 0) + 1.0 * value_noise(u, 2.5, 1);
    let lit = |k: f32| {
        let s = sheen * sheen * 10.0 + grain;
        [
            skin[0] * light * k + s,
            skin[1] * light * k + s,
            skin[2] * light * k + s,
        ]
    };

    // Ears, behind the head's outline.
    for side in [-1.0, 1.0] {
        let cov = ellipse(u, Vec2::new(side * 116.0, 0.0), 12.0, 25.0);
        if cov > 0.0 {
            c = mix(c, lit(0.88), cov);
        }
    }
    let head = ((1.0 - e.sqrt()) * HEAD_RX + 0.5).clamp(0.0, 1.0);
    if head <= 0.0 {
        return c;
    }
    let mut s = lit(1.0);

    for side in [-1.0, 1.0] {
        let eye = Vec2::new(side * IPD_PX / 2.0, EYE_Y);
        // Brow: an arched band about 13 mm above the pupil.
        let bx = (u.x - side * 48.0) / 28.0;
        if bx.abs() < 1.0 {
            let centre = EYE_Y - 20.0 - 4.0 * (1.0 - bx * bx);
            let half = 3.4 * (1.0 - 0.5 * bx * bx);
            let across = (half - (u.y - centre).abs() + 0.5).clamp(0.0, 1.0);
            let ends = ((1.0 - bx.abs()) * 7.0).clamp(0.0, 1.0);
            s = mix(s, scale(s, [0.36, 0.33, 0.32]), across * ends);
        }
        // Eye: sclera, iris, pupil.
        s = mix(
            s,
            scale([224.0, 219.0, 214.0], [light; 3]),
            ellipse(u, eye, 14.0, 5.5),
        );
        s = mix(s, [82.0, 58.0, 42.0], ellipse(u, eye, 5.0, 5.0));
        s = mix(s, [16.0, 12.0, 10.0], ellipse(u, eye, 2.2, 2.2));
        // Nostril.
        let nostril = ellipse(u, Vec2::new(side * 8.0, 78.0), 4.0, 2.4);
        s = mix(s, scale(s, [0.45, 0.42, 0.42]), nostril);
    }
    // Mouth.
    let lips = ellipse(u, Vec2::new(0.0, 112.0), 25.0, 6.0);
    s = mix(s, scale(s, [0.8, 0.6, 0.6]), lips);

    mix(c, s, head)
}

/// Smooth value noise in −1..1 on a lattice of `cell` px (integer hash,
/// bilinear with a smoothstep ease).
fn value_noise(u: Vec2, cell: f32, channel: u32) -> f32 {
    let (x, y) = (u.x / cell + 1000.0, u.y / cell + 1000.0);
    let (ix, iy) = (x as i32, y as i32);
    let (fx, fy) = (x - ix as f32, y - iy as f32);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let v = |i: i32, j: i32| lattice(i, j, channel);
    let a = v(ix, iy) + (v(ix + 1, iy) - v(ix, iy)) * sx;
    let b = v(ix, iy + 1) + (v(ix + 1, iy + 1) - v(ix, iy + 1)) * sx;
    a + (b - a) * sy
}

fn lattice(i: i32, j: i32, channel: u32) -> f32 {
    let mut h = (i as u32).wrapping_mul(0x9E37_79B1)
        ^ (j as u32).wrapping_mul(0x85EB_CA77)
        ^ channel.wrapping_mul(0xC2B2_AE3D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297A_2D39);
    h ^= h >> 15;
    (h >> 8) as f32 / (1u32 << 23) as f32 - 1.0
}
