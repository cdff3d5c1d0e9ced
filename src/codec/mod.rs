//! Decoding (and, later, encoding).

mod decoder;

pub use decoder::{Decoder, DecoderOptions};
