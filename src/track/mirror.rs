//! [`Mirror`]: the live mirror's whole frame loop in the core, free of
//! browser types: a camera frame in, the [`Tracker`] on it, the design
//! re-projected with the frame's [`PosedFrame`] and composited over it,
//! the rendered frame out.
//!
//! What the design shows does not depend on the camera frame: without a
//! scalp mask (a mirror has none; the line is drawn like the artist's
//! pencil, on the head model) a dot shows or not by its rank, the line
//! and the zones alone. So on a design change the field is cut down once
//! to the dots that can show ([`Mirror::set_design`]), and a frame only
//! projects those few thousand dots and reads the light under them.
//!
//! The head model is fitted to the head's outline as on a photo
//! ([`crate::estimate::fit_head_to`]), when a face is found and then every
//! [`HEAD_FIT_MS`], so the dots keep to this head rather than an average
//! one; where no outline is found the average head is kept. The backdrop's
//! colours are read where no head reaches: the frame's top corners (as on
//! a photo) and an arc round the face, well beyond the widest and tallest
//! heads ([`backdrop_samples`]).
//!
//! The pitch fitted against the mean 3D face is off by a few degrees to
//! over ten for a given face (its brow, nose and chin differ from the
//! mean's), which would tip the design up or down the head. A visitor
//! starting the mirror faces it: the mean pitch of the first
//! [`NEUTRAL_FRAMES`] tracked frames (within ±[`MAX_NEUTRAL_PITCH`]) is
//! taken as their level head, and the design is drawn with the pitch
//! relative to it (the reported pitch stays the measured one).

use super::tracker::{Clock, StageTimes, TrackFrame, Tracker, TrackerOptions};
use crate::design::Design;
use crate::error::Error;
use crate::face::FaceModels;
use crate::hairline::{self, edge_noise, feather_for, DistanceGrid};
use crate::image::{Image, Rect};
use crate::pigment::session_params;
use crate::render::{place, render_over, visible_dots, Scene, Scratch, VisibleDot};
use crate::scale::{Head, DEFAULT_IPD_MM};
use crate::scalp::ZoneGrid;
use crate::scatter::DotField;
use serde::Serialize;

/// Tracked frames whose mean pitch is taken as the visitor's level head.
pub const NEUTRAL_FRAMES: u32 = 10;
/// The most pitch (degrees) taken as a level head's.
pub const MAX_NEUTRAL_PITCH: f32 = 20.0;

/// How often (ms) the head model is fitted again while a face is followed.
pub const HEAD_FIT_MS: f64 = 1000.0;

/// Milliseconds per stage of one [`Mirror::process`] call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct MirrorTimes {
    /// The tracker's stages (detector, crop, landmarks, iris, pose, check).
    pub detect: f32,
    pub crop: f32,
    pub landmarks: f32,
    pub iris: f32,
    pub pose: f32,
    pub check: f32,
    /// The whole tracker call.
    pub track: f32,
    /// Projecting the design's dots with the frame's pose.
    pub place: f32,
    /// Copying the frame and compositing the dots.
    pub render: f32,
    /// The whole call.
    pub total: f32,
}

/// What [`Mirror::process`] made of one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct MirrorFrame {
    pub track: TrackFrame,
    /// Dots drawn on the frame (0 when no face is tracked).
    pub dots: u32,
    pub ms: MirrorTimes,
}

/// The design's dots that can show, for a field seed and a design.
struct Candidates {
    seed: u32,
    design: Design,
    field: DotField,
}

/// Tracks a face through camera frames and draws the design on it; see the
/// module docs.
pub struct Mirror {
    models: FaceModels,
    tracker: Tracker,
    clock: Option<Clock>,
    design: Design,
    ipd_mm: f32,
    head: Head,
    /// When the head model was last fitted (ms), while a face is followed.
    head_fitted: Option<f64>,
    /// The level head's pitch (degrees): the sum and count of the first
    /// tracked frames' pitches.
    neutral: (f32, u32),
    field: Option<DotField>,
    candidates: Option<Candidates>,
    line: DistanceGrid,
    zones: ZoneGrid,
    frame: Image,
    out: Image,
    dots: Vec<VisibleDot>,
    scratch: Scratch,
    last: Option<TrackFrame>,
}

impl Mirror {
    pub fn new(models: FaceModels, opts: TrackerOptions) -> Mirror {
        let design = Design::default();
        Mirror {
            models,
            tracker: Tracker::new(opts),
            clock: super::tracker::default_clock(),
            line: line_for(&design),
            zones: ZoneGrid::from_strokes(&design.zones),
            design,
            ipd_mm: DEFAULT_IPD_MM,
            head: Head::default(),
            head_fitted: None,
            neutral: (0.0, 0),
            field: None,
            candidates: None,
            frame: Image::default(),
            out: Image::default(),
            dots: Vec::new(),
            scratch: Scratch::default(),
            last: None,
        }
    }

    /// The clock for the stage times (see [`Tracker::set_clock`]; native
    /// builds have one, WebAssembly needs `performance.now()`).
    pub fn set_clock(&mut self, clock: Option<Clock>) {
        self.clock = clock;
        self.tracker.set_clock(clock);
    }

    fn now(&self) -> f64 {
        self.clock.map_or(0.0, |c| c())
    }

    /// The visitor's interpupillary distance (mm) the design is scaled by.
    pub fn set_ipd_mm(&mut self, ipd_mm: f32) -> Result<(), Error> {
        use crate::limits::{IPD_MM, TYPICAL_IPD_MM};
        if !IPD_MM.holds(ipd_mm) {
            return Err(Error::IpdOutOfRange {
                got: crate::error::num(ipd_mm),
                min: IPD_MM.min,
                max: IPD_MM.max,
                typical_min: TYPICAL_IPD_MM.min,
                typical_max: TYPICAL_IPD_MM.max,
            });
        }
        self.ipd_mm = ipd_mm;
        Ok(())
    }

    /// Use a validated design from the next frame on.
    pub fn set_design(&mut self, d: Design) -> Result<(), Error> {
        d.validate()?;
        if d.zones != self.design.zones {
            self.zones = ZoneGrid::from_strokes(&d.zones);
        }
        if hairline::control_points(&d) != hairline::control_points(&self.design) {
            self.line = line_for(&d);
        }
        self.design = d;
        Ok(())
    }

    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Use a dot field made elsewhere (a worker); the design's seed's
    /// field is generated on the first frame otherwise.
    pub fn set_field(&mut self, field: DotField) {
        self.field = Some(field);
    }

    /// Whether the field for the design's seed is ready.
    pub fn has_field(&self) -> bool {
        self.field.as_ref().map(|f| f.seed) == Some(self.design.seed)
    }

    /// The next camera frame's RGBA buffer (`width`×`height`), to be filled
    /// by the caller before [`Mirror::process`].
    pub fn frame_buffer(&mut self, width: u32, height: u32) -> Result<&mut [u8], Error> {
        self.frame.resize(width, height)?;
        Ok(&mut self.frame.data)
    }

    /// The camera frame last processed (without dots).
    pub fn frame(&self) -> &Image {
        &self.frame
    }

    /// The rendered frame: the camera frame with the design drawn on the
    /// tracked head (the plain frame when no face is tracked).
    pub fn output(&self) -> &Image {
        &self.out
    }

    /// The dots drawn on the last frame (frame pixels).
    pub fn dots(&self) -> &[VisibleDot] {
        &self.dots
    }

    /// The last frame's tracking result.
    pub fn last(&self) -> Option<&TrackFrame> {
        self.last.as_ref()
    }

    /// Forget the face (the next frame searches the whole frame).
    pub fn reset(&mut self) {
        self.tracker.reset();
        self.last = None;
        self.head = Head::default();
        self.head_fitted = None;
        self.neutral = (0.0, 0);
    }

    /// The pitch (degrees) taken as the visitor's level head so far.
    pub fn neutral_pitch(&self) -> f32 {
        let (sum, n) = self.neutral;
        if n == 0 {
            0.0
        } else {
            (sum / n as f32).clamp(-MAX_NEUTRAL_PITCH, MAX_NEUTRAL_PITCH)
        }
    }

    /// The head model the design is drawn on.
    pub fn head(&self) -> Head {
        self.head
    }

    /// Take the first tracked frames' pitch as the level head's, and fit
    /// the head model to this frame's outline when a face was just found
    /// or the last fit is [`HEAD_FIT_MS`] old; the average head while no
    /// face is followed.
    fn update_head(&mut self, track: &TrackFrame, t_ms: f64) {
        if !track.tracked || track.searched {
            self.neutral = (0.0, 0);
        }
        if !track.tracked {
            self.head = Head::default();
            self.head_fitted = None;
            return;
        }
        if self.neutral.1 < NEUTRAL_FRAMES && track.pitch.is_finite() {
            self.neutral = (self.neutral.0 + track.pitch, self.neutral.1 + 1);
        }
        let due = match self.head_fitted {
            None => true,
            Some(t) => track.searched || t_ms - t >= HEAD_FIT_MS || t_ms < t,
        };
        if !due {
            return;
        }
        let Some(frontal) = super::posed::PosedFrame::from_pupils(
            track.left_pupil,
            track.right_pupil,
            self.ipd_mm,
            0.0,
            0.0,
            Head::default(),
        ) else {
            return;
        };
        let frame = frontal.frame();
        let bg = backdrop_samples(&self.frame, frame);
        let im = &self.frame;
        let fitted = crate::estimate::fit_head_to(frame, |q| {
            if !(q.x >= 0.0 && q.y >= 0.0 && q.x < im.width as f32 && q.y < im.height as f32) {
                return None;
            }
            let p = im.pixel(q.x as u32, q.y as u32);
            let l = crate::color::lab([p[0], p[1], p[2]]);
            Some(bg.iter().any(|b| lab_close(&l, b)))
        });
        self.head = smaller_head(fitted);
        self.head_fitted = Some(t_ms);
    }

    /// Track the face into the frame in [`Mirror::frame_buffer`], taken at
    /// `t_ms`, and render the design on it into [`Mirror::output`].
    pub fn process(&mut self, t_ms: f64) -> Result<MirrorFrame, Error> {
        let t0 = self.now();
        if self.frame.width == 0 || self.frame.height == 0 {
            return Err(Error::NotRendered);
        }
        // Opaque whatever the browser read back.
        self.frame.data.chunks_exact_mut(4).for_each(|p| p[3] = 255);
        let track = self.tracker.track(&self.models, &self.frame, t_ms);
        let t1 = self.now();
        self.update_head(&track, t_ms);
        let level = TrackFrame {
            pitch: track.pitch - self.neutral_pitch(),
            ..track.clone()
        };
        let posed = level.posed_frame(self.ipd_mm, self.head);
        self.dots.clear();
        if let Some(posed) = &posed {
            self.update_candidates();
            if let Some(c) = &self.candidates {
                let placed = place(&c.field, posed, None, Some(&self.frame));
                let px_per_mm = posed.frame().px_per_mm;
                let scene = Scene {
                    placed: &placed,
                    threshold: c.field.threshold(self.design.density),
                    design: &self.design,
                    px_per_mm,
                    line: &self.line,
                    zones: &self.zones,
                };
                visible_dots(&scene, &mut self.dots);
            }
        }
        let t2 = self.now();
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            w: self.frame.width as f32,
            h: self.frame.height as f32,
        };
        let axes = posed.as_ref().map_or(
            (
                crate::geom::Vec2::new(1.0, 0.0),
                crate::geom::Vec2::new(0.0, -1.0),
            ),
            |p| (p.frame().ex, p.frame().ey),
        );
        render_over(
            &mut self.out,
            &self.frame,
            rect,
            axes,
            &self.dots,
            &self.design,
            None,
            &mut self.scratch,
        )
        .map_err(Error::internal)?;
        let t3 = self.now();
        let s: StageTimes = track.ms;
        let ms = MirrorTimes {
            detect: s.detect,
            crop: s.crop,
            landmarks: s.landmarks,
            iris: s.iris,
            pose: s.pose,
            check: s.check,
            track: (t1 - t0) as f32,
            place: (t2 - t1) as f32,
            render: (t3 - t2) as f32,
            total: (t3 - t0) as f32,
        };
        let dots = self.dots.len() as u32;
        self.last = Some(track.clone());
        Ok(MirrorFrame { track, dots, ms })
    }

    /// Cut the field down to the dots the design can show (see the module
    /// docs), when the seed or design changed.
    fn update_candidates(&mut self) {
        if self
            .candidates
            .as_ref()
            .is_some_and(|c| c.seed == self.design.seed && c.design == self.design)
        {
            return;
        }
        if !self.has_field() {
            self.field = Some(DotField::generate(self.design.seed));
        }
        let Some(field) = self.field.as_ref() else {
            return;
        };
        let d = &self.design;
        let (share, _) = session_params(d.session);
        let t = field.threshold(d.density) * share;
        let feather = feather_for(d);
        let dots = field
            .dots
            .iter()
            .filter(|dot| {
                if dot.u >= t {
                    return false;
                }
                let p = crate::geom::Vec2::new(dot.x, dot.y);
                self.zones.any
                    || feather.factor(self.line.sample(p), edge_noise(p, field.seed)) > 0.0
            })
            .copied()
            .collect();
        self.candidates = Some(Candidates {
            seed: d.seed,
            design: d.clone(),
            field: DotField {
                seed: field.seed,
                dots,
                density: field.density,
            },
        });
    }
}

/// The fitted head where it is smaller than the average one, else the
/// average. An outline above the average head's top or beyond its sides
/// is mostly hair (the visitor's own, which the dots would overlay up to
/// its edge and past the scalp onto the backdrop: on the three test photos
/// with hair, up to 4.6 % of the dots instead of at most 1.1 %); below or
/// inside it the outline is the scalp's, and keeping to it keeps the dots
/// off the backdrop (the five others: 0.3-12.6 % of the dots on the
/// backdrop instead of 4.2-18.5 %; tests/track_native.rs).
fn smaller_head(fitted: Head) -> Head {
    let avg = Head::default();
    let mut h = avg;
    if fitted.top_mm < avg.top_mm {
        h.top_mm = fitted.top_mm;
        h.arc_mm = fitted.arc_mm;
    }
    h.half_width_mm = fitted.half_width_mm.min(avg.half_width_mm);
    h
}

/// Whether two CIELAB colours are the same backdrop (the photo's rule in
/// [`crate::estimate::fit_head`]).
fn lab_close(a: &[f32; 3], b: &[f32; 3]) -> bool {
    ((a[0] - b[0]).powi(2) * 0.5 + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt() < 10.0
}

/// Distance (mm, in the face's plane) from the glabella of the arc where
/// the backdrop is sampled: beyond the widest heads' sides (~80 mm) and
/// tallest heads' tops (~130 mm above the glabella), hair included.
const BACKDROP_ARC_MM: f32 = 150.0;
/// The same beside the head, up to 30° above the eyes' line: beyond the
/// widest heads (~80 mm from the midline) with a margin.
const BACKDROP_SIDE_MM: f32 = 115.0;

/// The backdrop's colours (CIELAB) round the face in `frame`: the mean of
/// each top corner (5 % of the frame's side) and single pixels on an arc
/// [`BACKDROP_ARC_MM`] from the glabella, every 15° from the eyes' line on
/// one side over the top to the other, and closer in beside the head
/// ([`BACKDROP_SIDE_MM`]), where inside the image.
pub fn backdrop_samples(im: &Image, frame: &crate::scale::Frame) -> Vec<[f32; 3]> {
    let (w, h) = (im.width, im.height);
    let mut out = Vec::new();
    let patch = (w.min(h) / 20).max(1);
    for x0 in [0, w.saturating_sub(patch)] {
        let mut acc = [0f32; 3];
        let mut n = 0.0;
        for y in 0..patch.min(h) {
            for x in x0..(x0 + patch).min(w) {
                let p = im.pixel(x, y);
                let l = crate::color::lab([p[0], p[1], p[2]]);
                (0..3).for_each(|k| acc[k] += l[k]);
                n += 1.0;
            }
        }
        if n > 0.0 {
            out.push(acc.map(|v| v / n));
        }
    }
    // The arc, and beside the head closer in (no head is that wide).
    let arc = (0..=12).map(|k| (BACKDROP_ARC_MM, 15.0 * k as f32));
    let sides = [0.0f32, 10.0, 20.0, 30.0, 150.0, 160.0, 170.0, 180.0]
        .into_iter()
        .map(|a| (BACKDROP_SIDE_MM, a));
    for (r, deg) in arc.chain(sides) {
        let a = deg.to_radians();
        let q = frame.plane_to_image(crate::geom::Vec2::new(r * a.cos(), r * a.sin()));
        if q.x >= 0.0 && q.y >= 0.0 && q.x < w as f32 && q.y < h as f32 {
            let p = im.pixel(q.x as u32, q.y as u32);
            out.push(crate::color::lab([p[0], p[1], p[2]]));
        }
    }
    out
}

fn line_for(d: &Design) -> DistanceGrid {
    DistanceGrid::build(&hairline::curve(&hairline::control_points(d), 16))
}
