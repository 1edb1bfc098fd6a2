//! Live mirror (issue #15): follow a face through a stream of camera
//! frames so the design can be drawn on the visitor's scalp in real time.
//!
//! - [`filter`]: One Euro filters (scalars, points, angles) that take the
//!   jitter out of per-frame measurements without visible lag.
pub mod filter;
pub mod pose;
