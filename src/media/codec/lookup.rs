//! Asking a loaded FFmpeg which codecs it has.

use super::id::{codec_id_by_name, find_codec};
use super::{Codec, CodecId};
use crate::ffmpeg::{Ffmpeg, Result};

impl Ffmpeg {
    /// Whether this FFmpeg has an encoder of that name (`libx264`, `aac`, …).
    pub fn has_encoder(&self, name: &str) -> bool {
        Codec::encoder(self, name).is_ok()
    }

    /// Whether this FFmpeg has a decoder of that name (`h264`, `libdav1d`, …).
    pub fn has_decoder(&self, name: &str) -> bool {
        Codec::decoder_named(self, name).is_ok()
    }

    /// The codec a decoder or encoder of this name handles: `"h264"`, and also `"libx264"` or
    /// `"libdav1d"`, name codecs.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`](crate::Error::UnknownName) when this FFmpeg has no
    /// decoder or encoder of that name.
    pub fn codec_id(&self, name: &str) -> Result<CodecId> {
        codec_id_by_name(self, name)
    }

    /// Whether this FFmpeg has an encoder for the codec (false for an id of another major).
    pub fn has_encoder_for(&self, codec: &CodecId) -> bool {
        find_codec(self, codec, true).is_ok_and(|c| !c.is_null())
    }

    /// Whether this FFmpeg has a decoder for the codec (false for an id of another major).
    pub fn has_decoder_for(&self, codec: &CodecId) -> bool {
        find_codec(self, codec, false).is_ok_and(|c| !c.is_null())
    }
}
