//! hairline-visualizer: draws scalp-micropigmentation (SMP) dots onto a photo.
//!
//! The core is plain Rust with no browser types, so every piece is tested
//! natively with `cargo test`. Only [`wasm`] (compiled for `wasm32`) knows
//! about wasm-bindgen; it translates calls from the `<hairline-visualizer>`
//! element in `www/` into [`engine::Engine`] calls.
//!
//! Units: designs are in millimetres in a *face frame* whose origin is the
//! glabella (between the brows), `x` towards the image's right along the
//! line between the pupils and `y` up the forehead. [`scale::Calibration`]
//! maps that frame to image pixels.
//!
//! - [`design`]: the versioned, validated design model (serde).
//! - [`geom`]: small vector helpers.
//! - [`color`]: sRGB, linear light and L*a*b*.
//! - [`scale`]: pupils → pixels per millimetre, head roll, glabella.
//! - [`estimate`]: a first calibration guessed from the photo's skin region.
//! - [`face`]: face box and 68 landmarks (a port of face-api's nets) → pupils,
//!   glabella, roll.
//! - [`segment`]: person-vs-background mask (MediaPipe's selfie segmentation
//!   net, read from its TFLite file), and from it, the face and the photo's
//!   colours, which pixels are hair, bare scalp, face, body or background
//!   ([`segment::hair::segment`]; scored against hand labels in
//!   `tests/segment_labels.rs`), so dots land on bare scalp only.
//! - [`tensor`]: the CNN layers both nets run on (HWC f32 tensors).
//! - [`hairline`]: style presets, the curve through control points and the
//!   signed-distance grid used for feathering.
//! - [`scalp`]: where dots may go (skin grown from the forehead) and the
//!   painted zones.
//! - [`scatter`]: the stable blue-noise dot field (fixed positions and ranks).
//! - [`pigment`]: shades and the healed / fresh looks.
//! - [`image`]: RGBA8 buffers and resampling.
//! - [`render`]: picks the visible dots and composites them into a view.
//! - [`f4`]: four f32 lanes, the same arithmetic in the scalar and `simd128` builds.
//! - [`blend`]: the per-dot multiply loop (scalar and `simd128`).
//! - [`engine`]: the stateful session the binding layer drives.
//! - [`error`]: every way a call can fail, with a code and the values a
//!   message needs.
//! - [`limits`]: every range, limit and default, written once.
//! - [`track`]: following a face through camera frames (head pose, smoothing)
//!   for the live mirror.

pub mod analyse;
pub mod blend;
pub mod color;
pub mod design;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod f4;
pub mod face;
pub mod geom;
pub mod hairline;
pub mod image;
pub mod limits;
pub mod pigment;
pub mod render;
pub mod rng;
pub mod scale;
pub mod scalp;
pub mod scatter;
pub mod segment;
pub mod tensor;
pub mod track;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
