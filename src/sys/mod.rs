//! The leaf layer: C-level primitives every other layer may use, and that use nothing of the
//! crate. The list of supported families, the names of the five libraries and of the release
//! families, text FFmpeg owns, and the plain C structs that never change between families.

#[macro_use]
mod families;
mod mirror;
pub mod objects;
mod release;
pub(crate) mod rescale;
mod text;
pub(crate) mod unwind;

pub use mirror::Rational;
pub(crate) use mirror::{RawChannelLayout, RawInterruptCallback};
pub use release::{Family, Library, SUPPORTED_AVCODEC_MAJORS};
pub(crate) use release::{decode_version_int, release_of};
// A path for the layers above: `crate::sys::supported_families!`.
#[allow(clippy::single_component_path_imports)]
pub(crate) use supported_families;
pub(crate) use text::{c_text, c_text_in};
