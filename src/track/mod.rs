//! Live mirror (issue #15): follow a face through a stream of camera
//! frames so the design can be drawn on the visitor's scalp in real time.
//!
//! - [`filter`]: One Euro filters (scalars, points, angles) that take the
//!   jitter out of per-frame measurements without visible lag.
//! - [`pose`]: head pose (roll, yaw, pitch, scale, position) from the 68
//!   landmarks, by fitting a mean 3D face.
//! - [`posed`]: [`posed::PosedFrame`], the design's millimetres on a turned
//!   head → camera pixels, with visibility and foreshortening; the frontal
//!   [`crate::scale::Frame`] exactly when the head faces the camera.
//! - [`tracker`]: [`tracker::Tracker`], the per-frame state machine: the
//!   face detector to find the face, the landmark net to follow it, pupils,
//!   pose, smoothing, and per-stage timings.
//! - [`mirror`]: [`mirror::Mirror`], the whole frame loop: track, then
//!   draw the design re-projected on the tracked head.

pub mod filter;
pub mod mirror;
pub mod pose;
pub mod posed;
pub mod tracker;
