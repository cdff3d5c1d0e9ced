//! Decoding and encoding.

mod bsf;
mod catalog;
mod decoder;
mod encoder;
mod id;
mod info;
mod lookup;
mod packet_origin;

use std::ffi::c_int;

pub use bsf::BitstreamFilter;
pub use catalog::Capabilities;
pub use decoder::{Decoder, DecoderOptions, SkipFrames, Threading};
pub use encoder::{AudioSettings, Encoder, VideoSettings};
use id::find_codec;
pub use id::{CodecId, EncoderChoice};
pub use info::{Codec, Supported};

use crate::abi::constants::{AVERROR_EAGAIN, AVERROR_EOF};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Result, check};

/// The answer to a receive call (`avcodec_receive_frame`/`_packet`): `Ok(true)` for output,
/// `Ok(false)` for "needs more input" or the end (which sets `finished`).
pub(crate) fn received(
    ffmpeg: &Ffmpeg,
    operation: &'static str,
    status: c_int,
    finished: &mut bool,
) -> Result<bool> {
    match status {
        AVERROR_EAGAIN => Ok(false),
        AVERROR_EOF => {
            *finished = true;
            Ok(false)
        }
        status => check(ffmpeg, operation, status).map(|_| true),
    }
}

/// The answer to sending the end of stream: sending it twice is not an error.
pub(crate) fn end_sent(ffmpeg: &Ffmpeg, operation: &'static str, status: c_int) -> Result<()> {
    match status {
        AVERROR_EOF => Ok(()),
        status => check(ffmpeg, operation, status).map(drop),
    }
}
