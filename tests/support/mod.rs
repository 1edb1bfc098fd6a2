//! Helpers for the native image tests: synthetic portraits and the golden
//! reference comparison.

pub mod golden;
pub mod photo;
pub mod png_io;
