//! Every encoder and decoder a loaded FFmpeg has, what each can do, and a decoder by name.

use std::ffi::CString;

use super::Codec;
use crate::abi::constants::{
    CODEC_CAP_DELAY, CODEC_CAP_EXPERIMENTAL, CODEC_CAP_FRAME_THREADS, CODEC_CAP_HARDWARE,
    CODEC_CAP_HYBRID, CODEC_CAP_SLICE_THREADS, CODEC_CAP_VARIABLE_FRAME_SIZE,
};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};

/// What an encoder or decoder can do (`AVCodec.capabilities`), as `ffmpeg -decoders` and
/// `-encoders` show part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Capabilities {
    /// Decodes or encodes several frames at once on threads (the CLI's `F`).
    pub frame_threads: bool,
    /// Splits one frame into slices on threads (the CLI's `S`).
    pub slice_threads: bool,
    /// Experimental: opening it needs `strict` set to `experimental` (the CLI's `X`).
    pub experimental: bool,
    /// Holds frames back and needs the end of stream sent to give them all
    /// (`AV_CODEC_CAP_DELAY`).
    pub delay: bool,
    /// Runs on dedicated hardware (`AV_CODEC_CAP_HARDWARE`).
    pub hardware: bool,
    /// May run on hardware or fall back to software (`AV_CODEC_CAP_HYBRID`).
    pub hybrid: bool,
    /// An audio encoder that takes frames of any size.
    pub variable_frame_size: bool,
}

impl Ffmpeg {
    /// Every encoder and decoder of this FFmpeg, in its registration order (the order its
    /// lookups prefer: the first decoder of a codec is the one [`Decoder::new`] opens).
    ///
    /// [`Decoder::new`]: super::Decoder::new
    pub fn codecs(&self) -> Vec<Codec> {
        // SAFETY: each is a registered codec of this FFmpeg.
        crate::abi::walk_registry(self.functions().av_codec_iterate, |codec| unsafe {
            Codec::registered(self, codec)
        })
    }

    /// The names of this FFmpeg's bitstream filters, in registration order (what
    /// `ffmpeg -bsfs` lists), for [`BitstreamFilter::new`](super::BitstreamFilter::new).
    pub fn bitstream_filters(&self) -> Vec<String> {
        crate::abi::walk_registry(self.functions().av_bsf_iterate, |filter| {
            // SAFETY: a registered filter of this FFmpeg: static, never freed.
            unsafe { crate::abi::bsf::filter_name(filter) }
        })
    }

    /// Every decoder of this FFmpeg, in registration order.
    pub fn decoders(&self) -> Vec<Codec> {
        self.codecs()
            .into_iter()
            .filter(Codec::is_decoder)
            .collect()
    }

    /// Every encoder of this FFmpeg, in registration order.
    pub fn encoders(&self) -> Vec<Codec> {
        self.codecs()
            .into_iter()
            .filter(Codec::is_encoder)
            .collect()
    }
}

impl Codec {
    /// The decoder of that name (`libdav1d` rather than the `av1` FFmpeg would pick first),
    /// to open with [`Decoder::with_codec`](super::Decoder::with_codec).
    ///
    /// # Errors
    ///
    /// [`Error::DecoderNotFound`] when this FFmpeg has no decoder of that name.
    pub fn decoder_named(ffmpeg: &Ffmpeg, name: &str) -> Result<Codec> {
        let not_found = || Error::DecoderNotFound {
            codec: name.to_owned(),
        };
        let c_name = CString::new(name).map_err(|_| not_found())?;
        // SAFETY: a lookup in FFmpeg's static registry.
        let codec = unsafe { (ffmpeg.functions().avcodec_find_decoder_by_name)(c_name.as_ptr()) };
        if codec.is_null() {
            return Err(not_found());
        }
        // SAFETY: a registered codec of this FFmpeg.
        Ok(unsafe { Codec::registered(ffmpeg, codec) })
    }

    /// Whether it encodes.
    pub fn is_encoder(&self) -> bool {
        // SAFETY: a registered codec.
        unsafe { (self.ffmpeg().functions().av_codec_is_encoder)(self.as_ptr()) != 0 }
    }

    /// Whether it decodes.
    pub fn is_decoder(&self) -> bool {
        // SAFETY: a registered codec.
        unsafe { (self.ffmpeg().functions().av_codec_is_decoder)(self.as_ptr()) != 0 }
    }

    /// What it can do.
    pub fn capabilities(&self) -> Capabilities {
        let bits = self.capability_bits();
        let has = |bit| bits & bit != 0;
        Capabilities {
            frame_threads: has(CODEC_CAP_FRAME_THREADS),
            slice_threads: has(CODEC_CAP_SLICE_THREADS),
            experimental: has(CODEC_CAP_EXPERIMENTAL),
            delay: has(CODEC_CAP_DELAY),
            hardware: has(CODEC_CAP_HARDWARE),
            hybrid: has(CODEC_CAP_HYBRID),
            variable_frame_size: has(CODEC_CAP_VARIABLE_FRAME_SIZE),
        }
    }
}
