//! Segmentation: which pixels of a photo belong to the person, and which
//! of those are hair, bare scalp, face or body.
//!
//! - [`person`]: MediaPipe's selfie segmentation net (person vs
//!   background, hair and bald scalp included), run from its TFLite file.
//! - [`tflite`]: the checked reader for that file format.
//! - [`graph`]: the small interpreter that runs the file's operator list on
//!   [`crate::tensor`] layers.
//! - [`hair`]: background / hair / scalp / face / body from the person
//!   mask, the face and the photo's colours ([`hair::segment`]).
//! - [`features`], [`crf`], [`filters`]: its per-pixel cues, its
//!   smoothing and the image filters under both.
//! - [`hair_weights`], [`mean_face`]: generated tables (the shipped hair
//!   model; the mean face used without landmarks).

pub mod crf;
pub mod features;
pub mod filters;
pub mod graph;
pub mod hair;
pub mod hair_weights;
pub mod mean_face;
pub mod person;
pub mod tflite;
