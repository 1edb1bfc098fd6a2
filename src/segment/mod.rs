//! Segmentation: which pixels of a photo belong to the person.
//!
//! - [`person`]: MediaPipe's selfie segmentation net (person vs
//!   background, hair and bald scalp included), run from its TFLite file.
//! - [`tflite`]: the checked reader for that file format.
//! - [`graph`]: the small interpreter that runs the file's operator list on
//!   [`crate::tensor`] layers.
//! - [`features`]: per-pixel hair cues relative to the forehead skin
//!   (colour split, texture, robust shading fit).
//! - [`crf`]: mean-field smoothing of per-pixel hair scores.
//! - [`filters`]: scipy.ndimage's blur, box mean, erosion and labelling.

pub mod crf;
pub mod features;
pub mod filters;
pub mod graph;
pub mod person;
pub mod tflite;
