//! Segmentation: which pixels of a photo belong to the person.
//!
//! - [`tflite`]: a checked reader for the TFLite model format.

pub mod tflite;
