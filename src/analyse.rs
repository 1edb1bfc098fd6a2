//! What the model worker works out about a photo, off the main thread:
//! the face (box and 68 landmarks) and the segmentation into hair, scalp,
//! face, body and backdrop, both from the photo's reduced working copy
//! ([`crate::scalp::ScalpMask::working_copy`], at most 640 px a side).
//!
//! The page's thread then finishes cheaply on the full photo: the irises
//! and checks of [`crate::face::describe`] ([`crate::engine::Engine::place_located`])
//! and the scalp mask from the segmentation
//! ([`crate::engine::Engine::set_segmentation`]).

use crate::face::{describe, DetectOptions, FaceBox, FaceError, FaceModels};
use crate::geom::Vec2;
use crate::image::{Image, Rect};
use crate::scale::{Calibration, Source};
use crate::segment::hair::{self, Class, HairModel, Segmentation};
use crate::segment::person::{PersonMask, PersonNet};

/// The nets a photo is analysed with, loaded once per worker.
pub struct Models {
    faces: FaceModels,
    person: PersonNet,
    hair: HairModel,
}

/// A face found on the working copy, in the full photo's pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub face: FaceBox,
    pub landmarks: [[f32; 2]; 68],
}

/// Everything [`Models::analyse`] found.
#[derive(Debug)]
pub struct Findings {
    /// The single face, or why there is none usable.
    pub face: Result<Located, FaceError>,
    /// The segmentation, when a face gave it a scale (without one the
    /// worker is asked again once the visitor placed the pupils).
    pub segmentation: Option<Segmentation>,
}

impl Models {
    /// The face detector and landmark net (face-api's weights manifests
    /// and binaries) and the person net (`selfie_segmentation.tflite`),
    /// with the shipped hair model.
    pub fn load(
        detector_manifest: &str,
        detector_weights: &[u8],
        landmarks_manifest: &str,
        landmarks_weights: &[u8],
        person_tflite: &[u8],
    ) -> Result<Models, String> {
        Ok(Models {
            faces: FaceModels::load(
                detector_manifest,
                detector_weights,
                landmarks_manifest,
                landmarks_weights,
            )?,
            person: PersonNet::load(person_tflite)?,
            hair: HairModel::default(),
        })
    }

    /// Run every net once on small inputs (idle time), so the first photo
    /// runs optimised WebAssembly.
    pub fn warm_up(&self) {
        self.faces.warm_up();
        self.person.warm_up();
    }

    /// The face and segmentation of a photo from its working copy `work`
    /// (`step` photo pixels per working pixel), with `ipd_mm` between the
    /// pupils for the scale the segmentation's millimetre rules use.
    pub fn analyse(&self, work: &Image, step: f32, ipd_mm: f32) -> Result<Findings, String> {
        check_step(step)?;
        let person = self.person_mask(work, step)?;
        // Sizes in the options are photo pixels; the nets see the copy.
        let defaults = DetectOptions::default();
        let opts = DetectOptions {
            min_ipd_px: defaults.min_ipd_px / step,
            ..defaults
        };
        let found = self
            .faces
            .locate(work, &opts)
            .and_then(|(face, marks)| Ok((face, marks, describe(work, face, marks, &opts)?)));
        let (face, marks, det) = match found {
            Ok(f) => f,
            Err(e) => {
                return Ok(Findings {
                    face: Err(e),
                    segmentation: None,
                })
            }
        };
        let up = |p: [f32; 2]| [p[0] * step, p[1] * step];
        let located = Located {
            face: FaceBox {
                x: face.x * step,
                y: face.y * step,
                width: face.width * step,
                height: face.height * step,
                score: face.score,
            },
            landmarks: marks.map(up),
        };
        let v = |p: [f32; 2]| Vec2::new(p[0] * step, p[1] * step);
        let photo_size = (
            (work.width as f32 * step).round() as u32,
            (work.height as f32 * step).round() as u32,
        );
        let mut calibration = Calibration::new(
            v(det.irises[0]),
            v(det.irises[1]),
            ipd_mm,
            Source::Detected,
            photo_size,
        )?;
        calibration.glabella = Some(v(det.glabella));
        let segmentation =
            self.segmentation(work, step, &person, &calibration, Some(&located.landmarks))?;
        Ok(Findings {
            face: Ok(located),
            segmentation: Some(segmentation),
        })
    }

    /// The segmentation for a calibration the visitor gave by hand (no
    /// landmarks: a mean face placed by the pupils stands in).
    pub fn segment(
        &self,
        work: &Image,
        step: f32,
        calibration: &Calibration,
    ) -> Result<Segmentation, String> {
        check_step(step)?;
        let person = self.person_mask(work, step)?;
        self.segmentation(work, step, &person, calibration, None)
    }

    /// Both passes of the segmentation (see [`refine`]).
    fn segmentation(
        &self,
        work: &Image,
        step: f32,
        person: &PersonMask,
        calibration: &Calibration,
        landmarks: Option<&[[f32; 2]; 68]>,
    ) -> Result<Segmentation, String> {
        let analysis = hair::analyse(
            work,
            step,
            &hair::person_at_work_size(person, work.width, work.height, step),
            &calibration.frame(),
            landmarks,
        )?;
        Ok(refine(&analysis, &self.hair))
    }

    /// The person net on the whole working copy, its region in photo
    /// pixels.
    fn person_mask(&self, work: &Image, step: f32) -> Result<PersonMask, String> {
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: work.width as f32,
            h: work.height as f32,
        };
        let mut mask = self.person.run(work, whole)?;
        mask.region = Rect {
            x: 0.0,
            y: 0.0,
            w: whole.w * step,
            h: whole.h * step,
        };
        Ok(mask)
    }
}

/// The segmentation with a model fitted to this photo: the shipped model
/// segments it once; its confident hair (mean-field probability at least
/// [`SURE_HAIR`], reaching the rim) and the landmark-anchored forehead skin
/// then train a per-photo model ([`HairModel::train`]) that segments it
/// again: hair the shipped model missed but that looks like this head's own
/// hair follows (on the test photos the default design then darkens 1.5 %
/// of the hair instead of 3.0 %, tests/render_photos.rs; out of sample the
/// mean hair IoU rises from 0.58 to 0.62, tests/segment_labels.rs). Its
/// cost: where the first pass keeps some shadow as hair (the shaved head
/// under side light) the second learns that shadow too (scalp IoU 0.95 to
/// 0.88 there). Without enough of either sample the first pass stands.
pub fn refine(analysis: &hair::Analysis, shipped: &HairModel) -> Segmentation {
    let first = analysis.segment(shipped);
    let forehead = analysis.forehead();
    let pseudo: Vec<u8> = (0..first.labels.len())
        .map(|i| {
            if first.labels[i] == Class::Hair as u8 && first.hair[i] as f32 >= SURE_HAIR * 255.0 {
                Class::Hair as u8
            } else if forehead[i] {
                Class::Scalp as u8
            } else {
                Class::Background as u8 // left out
            }
        })
        .collect();
    let Ok(samples) = analysis.samples(&pseudo) else {
        return first;
    };
    let hair = samples.hair.iter().filter(|&&h| h).count();
    let skin = samples.hair.len() - hair;
    if hair < MIN_SAMPLES || skin < MIN_SAMPLES {
        return first;
    }
    analysis.segment(&HairModel::train(&[samples]))
}

/// Hair the first pass is sure of (mean-field probability).
const SURE_HAIR: f32 = 0.9;
/// Fewest pixels of each class a per-photo model is trained on.
const MIN_SAMPLES: usize = 200;

fn check_step(step: f32) -> Result<(), String> {
    if step.is_finite() && (1.0..=64.0).contains(&step) {
        Ok(())
    } else {
        Err(format!(
            "the working copy's step must be between 1 and 64 photo pixels; got {step}"
        ))
    }
}
