//! [`Decoder`]: compressed packets in, frames out.

use std::ffi::c_int;
use std::ptr::NonNull;

use crate::abi::CodecContextLayout;
use crate::abi::constants::{
    CODEC_FLAG_COPY_OPAQUE, CODEC_FLAG_LOW_DELAY, CODEC_PROPERTY_CLOSED_CAPTIONS,
    CODEC_PROPERTY_FILM_GRAIN, DISCARD_BIDIR, DISCARD_DEFAULT, DISCARD_NONKEY, DISCARD_NONREF,
    MEDIA_TYPE_VIDEO, THREAD_FRAME, THREAD_SLICE,
};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::channel_layout::ChannelLayout;
use crate::media::format::{MediaType, Stream};
use crate::media::formats::{PixelFormat, SampleFormat};
use crate::media::frame::Frame;
use crate::media::packet::{Packet, out_of_memory};
use crate::sys::Rational;
use crate::sys::objects::AVCodecContext;

use super::Codec;
use super::packet_origin::OriginCarrier;

/// How a decoder is set up.
#[derive(Debug, Clone, Default)]
pub struct DecoderOptions {
    /// Decoding threads; 0 lets FFmpeg choose (one per core), 1 decodes on the calling thread.
    pub threads: u32,
    /// How those threads share the work.
    pub threading: Threading,
    /// Which frames not to decode at all.
    pub skip: SkipFrames,
    /// Output each frame as soon as possible (`AV_CODEC_FLAG_LOW_DELAY`), at some cost in
    /// compression features the decoder may use.
    pub low_delay: bool,
}

/// How a decoder's threads share the work (`AVCodecContext.thread_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Threading {
    /// Frame threading where the codec has it, else slices: the most throughput.
    #[default]
    Auto,
    /// Several frames at once: throughput, at a latency of one frame per thread.
    Frame,
    /// Slices of one frame at once: no added latency, where the stream has slices.
    Slice,
}

impl Threading {
    fn thread_type(self) -> c_int {
        match self {
            Threading::Auto => THREAD_FRAME | THREAD_SLICE,
            Threading::Frame => THREAD_FRAME,
            Threading::Slice => THREAD_SLICE,
        }
    }
}

/// Frames a decoder may skip (`AVCodecContext.skip_frame`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SkipFrames {
    /// Decode every frame.
    #[default]
    None,
    /// Skip frames no other frame refers to (most B-frames).
    NonReference,
    /// Skip bi-directional frames.
    Bidirectional,
    /// Decode keyframes only.
    NonKey,
}

impl SkipFrames {
    fn discard(self) -> c_int {
        match self {
            SkipFrames::None => DISCARD_DEFAULT,
            SkipFrames::NonReference => DISCARD_NONREF,
            SkipFrames::Bidirectional => DISCARD_BIDIR,
            SkipFrames::NonKey => DISCARD_NONKEY,
        }
    }
}

/// A video or audio decoder (`AVCodecContext`) opened for one stream.
pub struct Decoder {
    ffmpeg: Ffmpeg,
    context: NonNull<AVCodecContext>,
    finished: bool,
    /// A decoding error met as the end was taken, which the next `receive` reports.
    held_error: Option<Error>,
    /// From 6.0, what gives frames their packet's position and size.
    origin: Option<OriginCarrier>,
}

// SAFETY: an AVCodecContext may move between threads between calls (FFmpeg's own threads
// belong to the context and synchronise internally), and so may the carrier's packet, which
// only the decoder uses; `Decoder` is `Send` but not `Sync`, so only one thread calls into it
// at a time.
unsafe impl Send for Decoder {}

raw_context!(
    Decoder,
    AVCodecContext,
    "the `avcodec_*` functions and options (`av_opt_*`)"
);

object_fields!(Decoder, codec_context: CodecContextLayout => AVCodecContext);

impl Decoder {
    /// Opens the decoder FFmpeg has for `stream`'s codec, set up from its parameters.
    ///
    /// # Errors
    ///
    /// [`Error::DecoderNotFound`] when the loaded FFmpeg has no decoder for the codec;
    /// [`Error::Unsupported`] when its decoder is neither video nor audio (subtitles go to a
    /// [`SubtitleDecoder`](crate::media::subtitle::SubtitleDecoder), through another FFmpeg call:
    /// FFmpeg 5.1 aborts the process on a subtitle decoder given to `avcodec_send_packet`);
    /// FFmpeg's error when it cannot open.
    pub fn new(stream: &Stream<'_>, options: &DecoderOptions) -> Result<Decoder> {
        let Some(codec) = Codec::decoder(stream.ffmpeg(), &stream.codec_id())? else {
            return Err(Error::DecoderNotFound {
                codec: stream.codec_name(),
            });
        };
        Decoder::with_codec(stream, &codec, options)
    }

    /// Opens the decoder given (from [`Codec::decoder_named`] or [`Ffmpeg::decoders`]) for
    /// `stream`, set up from its parameters: `libdav1d` rather than FFmpeg's first choice,
    /// say.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for a decoder of another loaded FFmpeg;
    /// [`Error::Incompatible`] for an encoder, or a decoder of another codec than the
    /// stream's; otherwise as [`Decoder::new`].
    pub fn with_codec(
        stream: &Stream<'_>,
        codec: &Codec,
        options: &DecoderOptions,
    ) -> Result<Decoder> {
        let ffmpeg = stream.ffmpeg().clone();
        ffmpeg.ensure_same(codec.ffmpeg(), "Decoder::with_codec", "decoder")?;
        if !codec.is_decoder() {
            let detail = format!("{} is not a decoder", codec.name());
            return Err(Error::incompatible("Decoder::with_codec", detail));
        }
        if codec.id() != stream.codec_id() {
            let detail = format!(
                "{} decodes {}, the stream is {}",
                codec.name(),
                codec.id().name(),
                stream.codec_id().name()
            );
            return Err(Error::incompatible("Decoder::with_codec", detail));
        }
        let kind = codec.media_type();
        if !matches!(kind, MediaType::Video | MediaType::Audio) {
            let advice = match kind {
                MediaType::Subtitle => "; subtitles go to a SubtitleDecoder",
                _ => "",
            };
            return Err(Error::unsupported(
                "Decoder::new",
                format!(
                    "{} decodes {kind:?}; a Decoder takes video or audio{advice}",
                    codec.name()
                ),
            ));
        }
        let layout = &ffmpeg.layout().codec_context;
        let threads = c_int::try_from(options.threads)
            .map_err(|_| Error::out_of_range("threads", options.threads))?;
        let origin = OriginCarrier::for_release(stream.ffmpeg())?;
        let copy_opaque = origin.is_some();
        let mut decoder = Decoder::open(stream, codec, &[], |context| {
            // SAFETY: a fresh context, set up from the stream; fields at proven offsets.
            unsafe {
                layout.thread_count.write(context, threads);
                layout
                    .thread_type
                    .write(context, options.threading.thread_type());
                layout.skip_frame.write(context, options.skip.discard());
                let mut flags = layout.flags.read(context);
                if options.low_delay {
                    flags |= CODEC_FLAG_LOW_DELAY;
                }
                if copy_opaque {
                    flags |= CODEC_FLAG_COPY_OPAQUE;
                }
                layout.flags.write(context, flags);
            }
        })?;
        decoder.origin = origin;
        Ok(decoder)
    }

    /// Opens `codec` for `stream`: a context set up from the stream's parameters and time
    /// base, then by `configure`, opened with `options` (the codec's or the context's, as the
    /// CLI takes them). The subtitle decoder opens its contexts through here too.
    ///
    /// # Errors
    ///
    /// [`Error::OptionNotFound`] for an option nothing took; FFmpeg's error.
    pub(crate) fn open(
        stream: &Stream<'_>,
        codec: &Codec,
        options: &[(String, String)],
        configure: impl FnOnce(*mut AVCodecContext),
    ) -> Result<Decoder> {
        let ffmpeg = stream.ffmpeg().clone();
        let f = ffmpeg.functions();
        // SAFETY: allocates a context with the codec's defaults, or NULL.
        let context = unsafe { (f.avcodec_alloc_context3)(codec.as_ptr()) };
        let context = NonNull::new(context)
            .ok_or_else(|| out_of_memory(&ffmpeg, "avcodec_alloc_context3"))?;
        let decoder = Decoder {
            ffmpeg: ffmpeg.clone(),
            context,
            finished: false,
            held_error: None,
            origin: None,
        };
        let mut dictionary = crate::media::dictionary::Dictionary::new(&ffmpeg, options)?;
        // SAFETY: copies the stream's parameters into the fresh context and sets its packet
        // time base at a proven offset before `configure` and opening.
        unsafe {
            let status =
                (f.avcodec_parameters_to_context)(decoder.context_ptr(), stream.parameters());
            check(&ffmpeg, "avcodec_parameters_to_context", status)?;
            let layout = &ffmpeg.layout().codec_context;
            layout
                .pkt_timebase
                .write(decoder.context_ptr(), stream.time_base());
            configure(decoder.context_ptr());
            let status = (f.avcodec_open2)(
                decoder.context_ptr(),
                codec.as_ptr(),
                dictionary.as_mut_ptr(),
            );
            check(&ffmpeg, "avcodec_open2", status)?;
        }
        if let Some(unused) = dictionary.first_key() {
            return Err(Error::OptionNotFound {
                owner: codec.name().to_owned(),
                option: unused,
            });
        }
        Ok(decoder)
    }

    pub(crate) fn context_ptr(&self) -> *mut AVCodecContext {
        self.context.as_ptr()
    }

    /// The FFmpeg it was opened with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// Sends one packet. An empty packet is skipped, as the ffmpeg CLI skips it: FFmpeg would
    /// take it for the end of the stream ([`Decoder::send_eof`] says that).
    ///
    /// # Errors
    ///
    /// [`Error::Again`] when frames must be received first; [`Error::InvalidData`] for a packet
    /// the decoder rejects (the stream can go on); [`Error::ForeignObject`] for a packet of
    /// another loaded FFmpeg; other FFmpeg errors.
    pub fn send(&mut self, packet: &Packet) -> Result<()> {
        self.ffmpeg
            .ensure_same(packet.ffmpeg(), "Decoder::send", "packet")?;
        if packet.data().is_empty() {
            return Ok(());
        }
        let context = self.context_ptr();
        // SAFETY: an open decoder and a live packet of the same loaded FFmpeg (so of the
        // layout the decoder expects), with data; FFmpeg references, not takes, its data.
        let status = unsafe {
            match &mut self.origin {
                Some(carrier) => carrier.send(context, packet)?,
                None => (self.ffmpeg.functions().avcodec_send_packet)(context, packet.as_ptr()),
            }
        };
        check(&self.ffmpeg, "avcodec_send_packet", status).map(drop)
    }

    /// Signals the end of input, so that [`Decoder::receive`] drains the frames still held.
    ///
    /// FFmpeg takes the end even where decoding what it held fails at that moment (a damaged
    /// packet still in a frame thread reports its error here). That error is the data's, not
    /// the end's: the next [`Decoder::receive`] reports it, as it reports every decoding
    /// error, and the frames after it still drain, as the ffmpeg CLI drains them.
    ///
    /// # Errors
    ///
    /// None today: the end is always taken (sending it twice included), and a decoding error
    /// comes from [`Decoder::receive`].
    pub fn send_eof(&mut self) -> Result<()> {
        // SAFETY: a NULL packet is FFmpeg's end-of-stream marker.
        let status = unsafe {
            (self.ffmpeg.functions().avcodec_send_packet)(self.context_ptr(), std::ptr::null())
        };
        if let Err(error) = super::end_sent(&self.ffmpeg, "avcodec_send_packet", status) {
            self.held_error = Some(error);
        }
        Ok(())
    }

    /// Receives the next frame into `frame`: `Ok(true)` for a frame; `Ok(false)` when the
    /// decoder needs more input, or has been drained ([`Decoder::is_finished`] tells which).
    ///
    /// # Errors
    ///
    /// A decoding error (one met as [`Decoder::send_eof`] took the end included: the frames
    /// after it still come from the next calls); [`Error::ForeignObject`] for a frame of
    /// another loaded FFmpeg.
    pub fn receive(&mut self, frame: &mut Frame) -> Result<bool> {
        self.ffmpeg
            .ensure_same(frame.ffmpeg(), "Decoder::receive", "frame")?;
        if let Some(error) = self.held_error.take() {
            return Err(error);
        }
        // SAFETY: an open decoder and a live frame of the same loaded FFmpeg, which
        // receive_frame unrefs (with that library's own free) and refills.
        let status = unsafe {
            (self.ffmpeg.functions().avcodec_receive_frame)(self.context_ptr(), frame.as_mut_ptr())
        };
        super::received(
            &self.ffmpeg,
            "avcodec_receive_frame",
            status,
            &mut self.finished,
        )
    }

    /// Whether it decodes pictures (`true`) or audio.
    pub fn is_video(&self) -> bool {
        self.field(|c| c.codec_type) == MEDIA_TYPE_VIDEO
    }

    /// The size of the pictures it gives, as far as it knows (from the stream's headers until
    /// it has decoded one); 0 for audio.
    pub fn width(&self) -> u32 {
        self.field(|c| c.width).max(0) as u32
    }

    /// See [`Decoder::width`].
    pub fn height(&self) -> u32 {
        self.field(|c| c.height).max(0) as u32
    }

    /// The pixel format of the pictures it gives, when known; `None` for audio.
    pub fn pixel_format(&self) -> Option<PixelFormat> {
        let number = self.field(|c| c.pix_fmt);
        self.is_video()
            .then(|| self.ffmpeg.pixel_format_numbered(number))
            .flatten()
    }

    /// The shape of a pixel, when known.
    pub fn sample_aspect_ratio(&self) -> Option<Rational> {
        Some(self.field(|c| c.sample_aspect_ratio)).filter(|r| r.is_positive())
    }

    /// The sample format of the audio it gives, when known; `None` for video.
    pub fn sample_format(&self) -> Option<SampleFormat> {
        let number = self.field(|c| c.sample_fmt);
        (!self.is_video())
            .then(|| self.ffmpeg.sample_format_numbered(number))
            .flatten()
    }

    /// Audio samples per second (0 for video).
    pub fn sample_rate(&self) -> u32 {
        self.field(|c| c.sample_rate).max(0) as u32
    }

    /// The channel layout of the audio it gives, when known.
    pub fn channel_layout(&self) -> Option<ChannelLayout> {
        let fields = self.ffmpeg.layout().codec_context.channel_fields();
        // SAFETY: the decoder's live context, of the layout's family.
        unsafe { crate::media::channel_layout::read(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// The colour description its headers give.
    pub fn color(&self) -> crate::media::color::Color {
        let fields = self.ffmpeg.layout().codec_context.color;
        // SAFETY: the decoder's live context, of the layout's family.
        unsafe { crate::media::color::read(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// The time base of its frames' timestamps: its stream's (`pkt_timebase`).
    pub fn time_base(&self) -> Rational {
        self.field(|c| c.pkt_timebase)
    }

    /// The frame rate the codec's headers say, when they say one.
    pub fn frame_rate(&self) -> Option<Rational> {
        Some(self.field(|c| c.framerate)).filter(|r| r.is_positive())
    }

    /// The size of the pictures as coded, before cropping: 1088 rows for 1080p H.264 (ffprobe's
    /// `coded_width` and `coded_height`); what decoders report once open, 0 where they wait
    /// for a picture; 0 for audio.
    pub fn coded_width(&self) -> u32 {
        self.field(|c| c.coded_width).max(0) as u32
    }

    /// See [`Decoder::coded_width`].
    pub fn coded_height(&self) -> u32 {
        self.field(|c| c.coded_height).max(0) as u32
    }

    /// The reference frames the decoder says it keeps (ffprobe's `refs`; 1 unless the
    /// decoder says otherwise).
    pub fn reference_frames(&self) -> u32 {
        self.field(|c| c.refs).max(0) as u32
    }

    /// The most bits per second the stream may take, where the decoder has read it from the
    /// stream (ffprobe's `max_bit_rate`).
    pub fn max_bit_rate(&self) -> Option<u64> {
        u64::try_from(self.field(|c| c.rc_max_rate))
            .ok()
            .filter(|&rate| rate > 0)
    }

    /// Bits per sample of the raw pictures or audio, where the decoder knows them.
    pub fn bits_per_raw_sample(&self) -> Option<u32> {
        u32::try_from(self.field(|c| c.bits_per_raw_sample))
            .ok()
            .filter(|&bits| bits > 0)
    }

    /// Whether the pictures decoded so far carried closed captions (ATSC A/53 in H.264 or
    /// MPEG-2): a decoder learns it as it decodes. The captions themselves come with each
    /// picture ([`Frame::side_data`](crate::Frame::side_data)).
    ///
    /// # Platform-specific behaviour
    ///
    /// Always `false` with FFmpeg 9, which no longer reports it here; with 4.x and frame
    /// threads too, whose decoding threads keep it to themselves (decode on one thread where
    /// this matters).
    pub fn has_closed_captions(&self) -> bool {
        self.has_property(CODEC_PROPERTY_CLOSED_CAPTIONS)
    }

    /// Whether the pictures decoded so far carried film grain to synthesise (AV1, H.274).
    /// Always `false` with FFmpeg 9, as [`Decoder::has_closed_captions`].
    pub fn has_film_grain(&self) -> bool {
        self.has_property(CODEC_PROPERTY_FILM_GRAIN)
    }

    fn has_property(&self, bit: std::ffi::c_uint) -> bool {
        let Some(properties) = self.ffmpeg.layout().codec_context.properties else {
            return false;
        };
        // SAFETY: the decoder's live context, of the layout's family.
        unsafe { properties.read(self.as_ptr()) & bit != 0 }
    }

    /// The values the decoder exports about the stream it reads, by name (its read-only
    /// options, `AV_OPT_FLAG_EXPORT`): H.264's `is_avc` and `nal_length_size`, MPEG-4 part 2's
    /// `quarter_sample` and `divx_packed`, as ffprobe prints them. 4.x's frame-threaded
    /// decoders keep these to their threads: open with one thread, as ffprobe does, to read
    /// them there.
    pub fn exported_values(&self) -> Vec<(String, String)> {
        let (f, layout) = (self.ffmpeg.functions(), self.ffmpeg.layout());
        // SAFETY: the decoder's live, open context, of the layout's family.
        unsafe { crate::abi::exported_codec_options(f, layout, self.as_ptr()) }
    }

    /// Whether the decoder has given its last frame after [`Decoder::send_eof`].
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Drops every frame held and starts anew, as after a seek.
    pub fn flush(&mut self) {
        // SAFETY: an open decoder.
        unsafe { (self.ffmpeg.functions().avcodec_flush_buffers)(self.context_ptr()) };
        self.finished = false;
        self.held_error = None;
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        let mut context = self.context.as_ptr();
        // SAFETY: allocated by avcodec_alloc_context3; freed once (it closes the codec too).
        unsafe { (self.ffmpeg.functions().avcodec_free_context)(&mut context) }
    }
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
