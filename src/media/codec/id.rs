//! [`CodecId`]: a codec as the loaded FFmpeg numbers it, and [`EncoderChoice`].

use std::ffi::{CString, c_int, c_uint};

use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::sys::Library;
use crate::sys::objects::AVCodec;

/// A codec (H.264, AAC, …), as opposed to one implementation of it (`libx264`).
///
/// FFmpeg's `AVCodecID` values move between majors, so an id belongs to the libavcodec major
/// it came from: using it with an FFmpeg of another major is refused with
/// [`Error::Incompatible`], never silently taken for another codec.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CodecId {
    number: c_uint,
    avcodec_major: u64,
    name: String,
}

impl CodecId {
    pub(crate) fn new(ffmpeg: &Ffmpeg, number: c_uint) -> CodecId {
        // SAFETY: a lookup in a static table; "unknown_codec" for unknown ids.
        let name = unsafe { crate::sys::c_text((ffmpeg.functions().avcodec_get_name)(number)) };
        CodecId {
            number,
            avcodec_major: avcodec_major(ffmpeg),
            name,
        }
    }

    /// FFmpeg's name of the codec (`h264`, `aac`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `AV_CODEC_PROP_*` bits of its descriptor in `ffmpeg`'s release (a release of its
    /// major); `None` for a codec without a descriptor.
    pub(crate) fn properties(&self, ffmpeg: &Ffmpeg) -> Result<Option<c_int>> {
        let number = self.number_for(ffmpeg)?;
        // SAFETY: a lookup in a static table; NULL for an id without a descriptor.
        let descriptor = unsafe { (ffmpeg.functions().avcodec_descriptor_get)(number) };
        if descriptor.is_null() {
            return Ok(None);
        }
        // SAFETY: a descriptor of this release's table, not NULL.
        Ok(Some(unsafe {
            crate::abi::codec_descriptor_properties(descriptor)
        }))
    }

    /// The number in `ffmpeg`'s release, refused when the id came from another major.
    pub(crate) fn number_for(&self, ffmpeg: &Ffmpeg) -> Result<c_uint> {
        if self.avcodec_major != avcodec_major(ffmpeg) {
            return Err(Error::incompatible(
                "CodecId",
                format!(
                    "codec id {} comes from libavcodec {}, not {}",
                    self.name,
                    self.avcodec_major,
                    avcodec_major(ffmpeg)
                ),
            ));
        }
        Ok(self.number)
    }
}

impl std::fmt::Debug for CodecId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CodecId({} = {} in libavcodec {})",
            self.name, self.number, self.avcodec_major
        )
    }
}

impl std::fmt::Display for CodecId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

fn avcodec_major(ffmpeg: &Ffmpeg) -> u64 {
    ffmpeg.family().major(Library::AvCodec)
}

/// The codec a decoder or encoder of this name (`h264`, `libdav1d`, `libx264`) handles.
pub(crate) fn codec_id_by_name(ffmpeg: &Ffmpeg, name: &str) -> Result<CodecId> {
    let f = ffmpeg.functions();
    let c_name = CString::new(name).map_err(|_| Error::invalid_text("codec name", name))?;
    // SAFETY: lookups in FFmpeg's static registry.
    let codec = unsafe {
        let decoder = (f.avcodec_find_decoder_by_name)(c_name.as_ptr());
        if decoder.is_null() {
            (f.avcodec_find_encoder_by_name)(c_name.as_ptr())
        } else {
            decoder
        }
    };
    if codec.is_null() {
        return Err(Error::unknown_name("codec", name));
    }
    // SAFETY: a registered AVCodec, read at a proven offset.
    let number = unsafe { ffmpeg.layout().codec.id.read(codec) };
    Ok(CodecId::new(ffmpeg, number))
}

/// FFmpeg's preferred encoder or decoder for a codec, NULL when the build has none.
pub(crate) fn find_codec(ffmpeg: &Ffmpeg, id: &CodecId, encoder: bool) -> Result<*const AVCodec> {
    let number = id.number_for(ffmpeg)?;
    let f = ffmpeg.functions();
    let find = if encoder {
        f.avcodec_find_encoder
    } else {
        f.avcodec_find_decoder
    };
    // SAFETY: a lookup in FFmpeg's static registry.
    Ok(unsafe { find(number) })
}

/// Which encoder [`Encoder::video`](super::Encoder::video) and
/// [`Encoder::audio`](super::Encoder::audio) open: one by name (`"libx264"`), or FFmpeg's
/// preferred encoder for a codec (a [`CodecId`]). Both convert with `into()`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EncoderChoice<'a> {
    /// The encoder of this name.
    Named(&'a str),
    /// The encoder FFmpeg prefers for this codec.
    ForCodec(CodecId),
    /// This encoder, found before (it must come from the same [`Ffmpeg`]).
    Encoder(&'a super::Codec),
}

impl<'a> From<&'a super::Codec> for EncoderChoice<'a> {
    fn from(codec: &'a super::Codec) -> Self {
        EncoderChoice::Encoder(codec)
    }
}

impl<'a> From<&'a str> for EncoderChoice<'a> {
    fn from(name: &'a str) -> Self {
        EncoderChoice::Named(name)
    }
}

impl<'a> From<&'a String> for EncoderChoice<'a> {
    fn from(name: &'a String) -> Self {
        EncoderChoice::Named(name)
    }
}

impl From<CodecId> for EncoderChoice<'_> {
    fn from(id: CodecId) -> Self {
        EncoderChoice::ForCodec(id)
    }
}

impl From<&CodecId> for EncoderChoice<'_> {
    fn from(id: &CodecId) -> Self {
        EncoderChoice::ForCodec(id.clone())
    }
}

impl std::fmt::Display for EncoderChoice<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EncoderChoice::Named(name) => f.write_str(name),
            EncoderChoice::ForCodec(id) => write!(f, "for {id}"),
            EncoderChoice::Encoder(codec) => f.write_str(codec.name()),
        }
    }
}
