//! [`SubtitleDecoder`]: a subtitle stream's packets in, [`Subtitle`]s out.

use std::ffi::c_int;

use super::Subtitle;
use crate::abi::CodecContextLayout;
use crate::abi::subtitle::{RectFields, SubtitleRecord, ask_for_plain_events};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::codec::{Codec, Decoder};
use crate::media::format::{MediaType, Stream};
use crate::media::packet::Packet;
use crate::sys::Rational;
use crate::sys::objects::AVCodecContext;

/// A subtitle decoder (`AVCodecContext`) opened for one stream: SubRip, ASS, mov_text,
/// WebVTT and FFmpeg's other text formats, and the bitmaps of DVDs, DVB and Blu-ray (PGS).
///
/// Text comes out as ASS events ([`SubtitleRect::Ass`](super::SubtitleRect::Ass)) in every
/// release, as the CLI asks for them; the script header that styles them is
/// [`SubtitleDecoder::header`].
pub struct SubtitleDecoder {
    decoder: Decoder,
    rects: RectFields,
    text: bool,
}

impl SubtitleDecoder {
    /// Opens the decoder FFmpeg has for `stream`'s codec.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a stream that is not subtitles, or where this FFmpeg's
    /// subtitle structs could not be proven at load; [`Error::DecoderNotFound`] when the
    /// loaded FFmpeg has no decoder for the codec; FFmpeg's error when it cannot open.
    pub fn new(stream: &Stream<'_>) -> Result<SubtitleDecoder> {
        SubtitleDecoder::with_options(stream, &[])
    }

    /// As [`SubtitleDecoder::new`], with decoder options as the CLI takes them:
    /// `("sub_charenc", "cp1252")` for a SubRip file that is not UTF-8, say.
    ///
    /// # Errors
    ///
    /// As for [`SubtitleDecoder::new`]; [`Error::OptionNotFound`] for an option the decoder
    /// does not take.
    pub fn with_options(stream: &Stream<'_>, options: &[(&str, &str)]) -> Result<SubtitleDecoder> {
        let ffmpeg = stream.ffmpeg();
        let rects = ffmpeg.subtitle_rects("SubtitleDecoder::new")?;
        if stream.media_type() != MediaType::Subtitle {
            let detail = format!("stream {} is {:?}", stream.index(), stream.media_type());
            return Err(Error::unsupported("SubtitleDecoder::new", detail));
        }
        let Some(codec) = Codec::decoder(ffmpeg, &stream.codec_id())? else {
            return Err(Error::DecoderNotFound {
                codec: stream.codec_name(),
            });
        };
        let options: Vec<(String, String)> = options
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let functions = ffmpeg.functions();
        let avcodec_major = ffmpeg.family().major(crate::sys::Library::AvCodec);
        let decoder = Decoder::open(stream, &codec, &options, |context| {
            // SAFETY: a fresh context of this FFmpeg, not yet opened.
            unsafe { ask_for_plain_events(functions, avcodec_major, context) }
        })?;
        Ok(SubtitleDecoder {
            decoder,
            rects,
            text: codec.is_text_subtitle(),
        })
    }

    fn context(&self) -> *mut AVCodecContext {
        self.decoder.context_ptr()
    }

    fn field<T: Copy>(
        &self,
        pick: impl FnOnce(&CodecContextLayout) -> crate::abi::Field<AVCodecContext, T>,
    ) -> T {
        let field = pick(&self.ffmpeg().layout().codec_context);
        // SAFETY: the decoder's live context, of its own FFmpeg's layout.
        unsafe { field.read(self.context()) }
    }

    /// The FFmpeg it was opened with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        self.decoder.ffmpeg()
    }

    /// The `AVCodecContext` this wraps, for an FFmpeg call the crate does not wrap; see
    /// [`Decoder::as_ptr`].
    pub fn as_ptr(&self) -> *const AVCodecContext {
        self.decoder.as_ptr()
    }

    /// Decodes one packet: `Ok(Some(_))` when it completes a subtitle, `Ok(None)` when it does
    /// not (or is empty).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidData`] for a packet the decoder rejects, text that is not UTF-8
    /// included (the stream can go on); [`Error::ForeignObject`] for a packet of another
    /// loaded FFmpeg; other FFmpeg errors.
    pub fn decode(&mut self, packet: &Packet) -> Result<Option<Subtitle>> {
        self.ffmpeg()
            .ensure_same(packet.ffmpeg(), "SubtitleDecoder::decode", "packet")?;
        if packet.data().is_empty() {
            return Ok(None);
        }
        self.decode_raw(packet.as_ptr())
    }

    /// Gives what a decoder still holds at the end of the stream (the few that hold a
    /// subtitle back until the next); call it until it gives `Ok(None)`.
    ///
    /// # Errors
    ///
    /// As for [`SubtitleDecoder::decode`].
    pub fn drain(&mut self) -> Result<Option<Subtitle>> {
        let empty = Packet::new(self.ffmpeg())?;
        self.decode_raw(empty.as_ptr())
    }

    fn decode_raw(
        &mut self,
        packet: *const crate::sys::objects::AVPacket,
    ) -> Result<Option<Subtitle>> {
        let ffmpeg = self.decoder.ffmpeg().clone();
        let f = ffmpeg.functions();
        let mut record = SubtitleRecord::empty();
        let mut got: c_int = 0;
        // SAFETY: an open subtitle decoder, a record it fills, and a live packet of the same
        // FFmpeg, which the call only reads (libavcodec 60 declared it const).
        let status = unsafe {
            (f.avcodec_decode_subtitle2)(self.context(), record.as_mut_ptr(), &mut got, packet)
        };
        let subtitle = if status >= 0 && got != 0 {
            // SAFETY: the record that call filled, of this family, not freed yet.
            Some(unsafe { super::record::read(&record, self.rects) })
        } else {
            None
        };
        // SAFETY: frees what the decoder put in the record (also after a failure that left
        // rectangles behind); an empty record frees nothing.
        unsafe { (f.avsubtitle_free)(record.as_mut_ptr()) };
        check(&ffmpeg, "avcodec_decode_subtitle2", status)?;
        subtitle.transpose()
    }

    /// The ASS script header a text decoder gives (styles, play resolution), which encoders of
    /// text subtitles take ([`SubtitleSettings::from_decoder`](super::SubtitleSettings::from_decoder));
    /// `None` for bitmaps.
    pub fn header(&self) -> Option<String> {
        let (header, size) = (
            self.field(|l| l.subtitle_header),
            self.field(|l| l.subtitle_header_size),
        );
        let size = usize::try_from(size).ok().filter(|&size| size > 0)?;
        if header.is_null() {
            return None;
        }
        // SAFETY: the decoder's own header of `subtitle_header_size` bytes, alive with it.
        let bytes = unsafe { std::slice::from_raw_parts(header, size) };
        let text = bytes.split(|&b| b == 0).next().unwrap_or(bytes);
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// Whether it decodes text subtitles (else bitmaps).
    pub fn is_text(&self) -> bool {
        self.text
    }

    /// The size of the video the subtitles are placed on, where the stream says (bitmaps).
    pub fn width(&self) -> u32 {
        self.field(|l| l.width).max(0) as u32
    }

    /// See [`SubtitleDecoder::width`].
    pub fn height(&self) -> u32 {
        self.field(|l| l.height).max(0) as u32
    }

    /// The time base of the stream's packets.
    pub fn time_base(&self) -> Rational {
        self.field(|l| l.pkt_timebase)
    }

    /// Drops what the decoder holds, as after a seek.
    pub fn flush(&mut self) {
        self.decoder.flush();
    }
}

impl std::fmt::Debug for SubtitleDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubtitleDecoder").finish_non_exhaustive()
    }
}
