//! [`Encoder`]: frames in, compressed packets out.

use std::ffi::c_int;
use std::ptr::NonNull;

use super::{Codec, EncoderChoice};
use crate::abi::CodecContextLayout;
use crate::abi::constants::{self, CODEC_FLAG_FRAME_DURATION, CODEC_FLAG_GLOBAL_HEADER};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::channel_layout::ChannelLayout;
use crate::media::color::Color;
use crate::media::format::FieldOrder;
use crate::media::formats::{PixelFormat, SampleFormat};
use crate::media::frame::{Frame, frame_entry_of};
use crate::media::packet::{Packet, out_of_memory};
use crate::media::side_data::SideDataValue;
use crate::sys::Rational;
use crate::sys::objects::AVCodecContext;

/// How a video encoder is set up: [`VideoSettings::new`] with what every encoder needs, the
/// rest by field (`VideoSettings { gop: Some(12), ..VideoSettings::new(…) }`).
#[derive(Debug, Clone)]
pub struct VideoSettings {
    /// Picture width.
    pub width: u32,
    /// Picture height.
    pub height: u32,
    /// The pixel format the frames will have ([`Ffmpeg::pixel_format`]).
    pub pixel_format: PixelFormat,
    /// The time base of the frames' timestamps.
    pub time_base: Rational,
    /// The nominal frame rate, when constant.
    pub frame_rate: Option<Rational>,
    /// Target bit rate in bits per second, for encoders that take one.
    pub bit_rate: Option<i64>,
    /// Frames between keyframes.
    pub gop: Option<u32>,
    /// Encoding threads (0: FFmpeg's choice).
    pub threads: u32,
    /// The colour description to signal (the source's, usually); unset properties stay
    /// unspecified.
    pub color: Color,
    /// Non-square pixels, as width : height.
    pub sample_aspect_ratio: Option<Rational>,
    /// How the pictures' lines are ordered, for the container to say (`None`: not said).
    /// The ffmpeg CLI says it from the first picture: interlaced or progressive.
    pub field_order: Option<FieldOrder>,
    /// Encoder options, as the CLI takes them (`("crf", "23")`, `("preset", "medium")`).
    pub options: Vec<(String, String)>,
    /// Put codec headers in the container's header (set it when
    /// [`Output::needs_global_header`](crate::media::format::Output::needs_global_header)).
    pub global_header: bool,
    /// Give each packet the duration of the picture it came from
    /// ([`Frame::set_duration`](crate::Frame::set_duration), in `time_base`), as the ffmpeg
    /// CLI from 6.0 has its encoders do (`AV_CODEC_FLAG_FRAME_DURATION`); otherwise, and
    /// before 6.0 (libavcodec 59.59), a packet without one takes one frame at `frame_rate`.
    pub frame_durations: bool,
    /// Static side data the encoder is opened with (`AVCodecContext.decoded_side_data`), as
    /// the ffmpeg CLI from 7.1 gives its encoders that of the first picture: a mastering
    /// display and light levels, which libx264, libx265 and libsvtav1 write into the stream
    /// as HDR10 metadata, and which every encoder gives its stream's parameters (with a
    /// display matrix, a stereo packing, an ICC profile…), as
    /// [`Output::add_stream`](crate::media::format::Output::add_stream) copies them.
    /// Encoders take it from 7.1 (libavcodec 61.19) on; opening one with any before is
    /// refused ([`Error::Unsupported`]).
    pub side_data: Vec<SideDataValue>,
}

impl VideoSettings {
    /// Pictures of this size and format, timed in `time_base`; nothing else set (FFmpeg's
    /// defaults, the colour unspecified, square pixels, no options).
    pub fn new(width: u32, height: u32, pixel_format: PixelFormat, time_base: Rational) -> Self {
        VideoSettings {
            width,
            height,
            pixel_format,
            time_base,
            frame_rate: None,
            bit_rate: None,
            gop: None,
            threads: 0,
            color: Color::default(),
            sample_aspect_ratio: None,
            field_order: None,
            options: Vec::new(),
            global_header: false,
            frame_durations: false,
            side_data: Vec::new(),
        }
    }
}

/// Whether the release's encoders can give packets their frames' durations
/// (`AV_CODEC_FLAG_FRAME_DURATION`, libavcodec 59.59: FFmpeg 6.0).
fn takes_frame_durations(ffmpeg: &Ffmpeg) -> bool {
    ffmpeg.library_is_at_least(crate::sys::Library::AvCodec, (59, 59))
}

/// Gives a fresh encoder context its static side data: one entry per value, made by FFmpeg
/// in the context's own array, which the context then owns (and frees with itself).
///
/// # Safety
///
/// `context` is a live encoder context of `ffmpeg`, not yet opened.
unsafe fn give_side_data(
    ffmpeg: &Ffmpeg,
    context: *mut AVCodecContext,
    values: &[SideDataValue],
) -> Result<()> {
    const OPERATION: &str = "VideoSettings::side_data";
    if values.is_empty() {
        return Ok(());
    }
    let layout = &ffmpeg.layout().codec_context;
    let (Some(entries), Some(count)) = (layout.decoded_side_data, layout.nb_decoded_side_data)
    else {
        return Err(Error::unsupported(
            OPERATION,
            "encoders take static side data from FFmpeg 7.1",
        ));
    };
    for value in values {
        let (kind, bytes) = frame_entry_of(ffmpeg, OPERATION, value)?;
        // SAFETY: per the contract; the array and count are the context's own, at offsets
        // proven at load, which the context frees with itself.
        let made = unsafe {
            ffmpeg.layout().frame_side_data.append_entry(
                ffmpeg.functions(),
                entries.address(context).cast_mut(),
                count.address(context).cast_mut(),
                kind,
                &bytes,
            )
        };
        if !made {
            return Err(out_of_memory(ffmpeg, "av_frame_side_data_new"));
        }
    }
    Ok(())
}

/// How an audio encoder is set up: [`AudioSettings::new`], then any field.
#[derive(Debug, Clone)]
pub struct AudioSettings {
    /// Samples per second.
    pub sample_rate: u32,
    /// The sample format the frames will have ([`Ffmpeg::sample_format`]).
    pub sample_format: SampleFormat,
    /// The channel layout ([`Ffmpeg::channel_layout`], [`Ffmpeg::default_channel_layout`]).
    pub channel_layout: ChannelLayout,
    /// Target bit rate in bits per second.
    pub bit_rate: Option<i64>,
    /// The samples per frame asked of an encoder of one frame size (without
    /// [`Codec::has_variable_frame_size`]): FLAC and WavPack take it (FFmpeg 9.0's CLI asks
    /// for its first frame's), while AAC, MP3, Opus and AC-3 keep their own. `None`: the
    /// encoder's default. [`Encoder::frame_size`] tells what it settled on.
    pub frame_size: Option<u32>,
    /// Encoder options, as the CLI takes them.
    pub options: Vec<(String, String)>,
    /// Put codec headers in the container's header.
    pub global_header: bool,
    /// Give each packet the duration of the frame it came from
    /// ([`Frame::set_duration`](crate::Frame::set_duration), in samples), as the CLI from 6.0
    /// has its encoders do: a short last frame's packet then lasts as long as its samples,
    /// not the padded frame's (from 9.0 with the padding marked to be discarded). Otherwise,
    /// and before 6.0, a packet lasts as long as the frame the encoder coded.
    pub frame_durations: bool,
}

impl AudioSettings {
    /// Audio of this rate, sample format and layout; nothing else set.
    pub fn new(
        sample_rate: u32,
        sample_format: SampleFormat,
        channel_layout: ChannelLayout,
    ) -> Self {
        AudioSettings {
            sample_rate,
            sample_format,
            channel_layout,
            bit_rate: None,
            frame_size: None,
            options: Vec::new(),
            global_header: false,
            frame_durations: false,
        }
    }
}

/// A video or audio encoder (`AVCodecContext`).
pub struct Encoder {
    ffmpeg: Ffmpeg,
    context: NonNull<AVCodecContext>,
    finished: bool,
}

// SAFETY: as for `Decoder`: the context may move between threads between calls, one thread
// at a time (`Encoder` is not `Sync`).
unsafe impl Send for Encoder {}

object_fields!(Encoder, codec_context: CodecContextLayout => AVCodecContext);

raw_context!(
    Encoder,
    AVCodecContext,
    "the `avcodec_*` functions and options (`av_opt_*`)"
);

impl Encoder {
    /// Opens a video encoder: the one named `codec` (`"libx264"`, `"mpeg4"`, `"ffv1"`, …), or
    /// FFmpeg's preferred one for a [`CodecId`](super::CodecId)
    /// (`ffmpeg.codec_id("h264")?`).
    ///
    /// # Errors
    ///
    /// [`Error::EncoderNotFound`] when the loaded FFmpeg lacks it; [`Error::OptionNotFound`]
    /// for an option it does not take; [`Error::Incompatible`] for a codec id or pixel
    /// format of another FFmpeg major, [`Error::ForeignObject`] for an encoder of another loaded FFmpeg,
    /// [`Error::OutOfRange`] for a size beyond a C `int`; [`Error::Unsupported`] for side data
    /// before 7.1, or of a kind the release lacks (as for
    /// [`Frame::add_side_data`](crate::Frame::add_side_data)); FFmpeg's error when it cannot
    /// open.
    pub fn video<'a>(
        ffmpeg: &Ffmpeg,
        codec: impl Into<EncoderChoice<'a>>,
        settings: &VideoSettings,
    ) -> Result<Encoder> {
        let codec = Codec::encoder(ffmpeg, codec)?;
        let format = settings.pixel_format.number_for(ffmpeg)?;
        let layout = &ffmpeg.layout().codec_context;
        let number = |what, v: u32| c_int::try_from(v).map_err(|_| Error::out_of_range(what, v));
        let (width, height, threads) = (
            number("width", settings.width)?,
            number("height", settings.height)?,
            number("threads", settings.threads)?,
        );
        let gop = settings.gop.map(|gop| number("gop", gop)).transpose()?;
        Encoder::open(
            ffmpeg,
            &codec,
            &settings.options,
            settings.global_header,
            |context| {
                // SAFETY: a fresh context; fields at proven offsets.
                unsafe {
                    layout.width.write(context, width);
                    layout.height.write(context, height);
                    layout.pix_fmt.write(context, format);
                    layout.time_base.write(context, settings.time_base);
                    if let Some(rate) = settings.frame_rate {
                        layout.framerate.write(context, rate);
                    }
                    if let Some(bit_rate) = settings.bit_rate {
                        layout.bit_rate.write(context, bit_rate);
                    }
                    if let Some(gop) = gop {
                        layout.gop_size.write(context, gop);
                    }
                    layout.thread_count.write(context, threads);
                    if let Some(ratio) = settings.sample_aspect_ratio {
                        layout.sample_aspect_ratio.write(context, ratio);
                    }
                    if let Some(order) = settings.field_order {
                        layout.field_order.write(context, order.to_raw());
                    }
                    if settings.frame_durations && takes_frame_durations(ffmpeg) {
                        let flags = layout.flags.read(context);
                        layout
                            .flags
                            .write(context, flags | CODEC_FLAG_FRAME_DURATION);
                    }
                    crate::media::color::write(ffmpeg, context, layout.color, &settings.color)?;
                    give_side_data(ffmpeg, context, &settings.side_data)
                }
            },
        )
    }

    /// Opens an audio encoder: the one named `codec` (`"aac"`, `"libopus"`, `"flac"`, …), or
    /// FFmpeg's preferred one for a [`CodecId`](super::CodecId).
    ///
    /// # Errors
    ///
    /// As for [`Encoder::video`].
    pub fn audio<'a>(
        ffmpeg: &Ffmpeg,
        codec: impl Into<EncoderChoice<'a>>,
        settings: &AudioSettings,
    ) -> Result<Encoder> {
        let codec = Codec::encoder(ffmpeg, codec)?;
        let format = settings.sample_format.number_for(ffmpeg)?;
        let layout = &ffmpeg.layout().codec_context;
        let rate = c_int::try_from(settings.sample_rate)
            .map_err(|_| Error::out_of_range("sample rate", settings.sample_rate))?;
        let frame_size = settings
            .frame_size
            .map(|samples| {
                c_int::try_from(samples).map_err(|_| Error::out_of_range("frame size", samples))
            })
            .transpose()?;
        Encoder::open(
            ffmpeg,
            &codec,
            &settings.options,
            settings.global_header,
            |context| {
                // SAFETY: a fresh context; fields at proven offsets.
                unsafe {
                    layout.sample_fmt.write(context, format);
                    layout.sample_rate.write(context, rate);
                    layout
                        .time_base
                        .write(context, Rational { num: 1, den: rate });
                    if let Some(bit_rate) = settings.bit_rate {
                        layout.bit_rate.write(context, bit_rate);
                    }
                    if let Some(frame_size) = frame_size {
                        layout.frame_size.write(context, frame_size);
                    }
                    if settings.frame_durations && takes_frame_durations(ffmpeg) {
                        let flags = layout.flags.read(context);
                        layout
                            .flags
                            .write(context, flags | CODEC_FLAG_FRAME_DURATION);
                    }
                    crate::media::channel_layout::write(
                        ffmpeg,
                        context,
                        layout.channel_fields(),
                        &settings.channel_layout,
                    )
                }
            },
        )
    }

    /// Opens `codec`, set up by `configure` (the subtitle encoder opens its contexts here
    /// too).
    pub(crate) fn open(
        ffmpeg: &Ffmpeg,
        codec: &Codec,
        options: &[(String, String)],
        global_header: bool,
        configure: impl FnOnce(*mut AVCodecContext) -> Result<()>,
    ) -> Result<Encoder> {
        let f = ffmpeg.functions();
        // SAFETY: allocates a context with the codec's defaults, or NULL.
        let context = unsafe { (f.avcodec_alloc_context3)(codec.as_ptr()) };
        let context =
            NonNull::new(context).ok_or_else(|| out_of_memory(ffmpeg, "avcodec_alloc_context3"))?;
        let encoder = Encoder {
            ffmpeg: ffmpeg.clone(),
            context,
            finished: false,
        };
        configure(encoder.context_ptr())?;
        if global_header {
            let flags = &ffmpeg.layout().codec_context.flags;
            // SAFETY: a field at its proven offset.
            unsafe {
                flags.write(
                    encoder.context_ptr(),
                    flags.read(encoder.context_ptr()) | CODEC_FLAG_GLOBAL_HEADER,
                )
            };
        }
        let mut dictionary = crate::media::dictionary::Dictionary::new(ffmpeg, options)?;
        // SAFETY: opens the configured context; FFmpeg removes the options it used.
        let status = unsafe {
            (f.avcodec_open2)(
                encoder.context_ptr(),
                codec.as_ptr(),
                dictionary.as_mut_ptr(),
            )
        };
        check(ffmpeg, "avcodec_open2", status)?;
        if let Some(unused) = dictionary.first_key() {
            return Err(Error::OptionNotFound {
                owner: codec.name().to_owned(),
                option: unused,
            });
        }
        Ok(encoder)
    }

    pub(crate) fn context_ptr(&self) -> *mut AVCodecContext {
        self.context.as_ptr()
    }

    /// The FFmpeg it was opened with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The time base of the packets it gives.
    pub fn time_base(&self) -> Rational {
        self.field(|l| l.time_base)
    }

    /// The video frame rate it was opened with (`framerate`), where given.
    pub fn frame_rate(&self) -> Option<Rational> {
        Some(self.field(|l| l.framerate)).filter(|rate| rate.is_positive())
    }

    /// Samples per channel each audio frame must have (0: any number, or video).
    pub fn frame_size(&self) -> usize {
        self.field(|l| l.frame_size).max(0) as usize
    }

    /// Samples of priming an audio encoder puts before the first (AAC: 1024): its first
    /// packet's timestamp is that much before the first frame's.
    pub fn initial_padding(&self) -> usize {
        self.field(|l| l.initial_padding).max(0) as usize
    }

    /// Sends one frame.
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`] for a frame unlike what the encoder was opened for (another
    /// size or pixel format; another sample format, rate or channel count; video to an audio
    /// encoder or the reverse; a frame without data, or audio without samples, which
    /// FFmpeg would take for the end and some encoders crash on);
    /// [`Error::ForeignObject`] for a frame of another loaded FFmpeg; [`Error::Again`] when
    /// packets must be received first; FFmpeg's other errors.
    pub fn send(&mut self, frame: &Frame) -> Result<()> {
        self.ffmpeg
            .ensure_same(frame.ffmpeg(), "Encoder::send", "frame")?;
        self.check_matches(frame)?;
        // SAFETY: an open encoder and a live frame of the same loaded FFmpeg, of the size,
        // format and kind the encoder was opened for, with data; FFmpeg references it. Its
        // buffers are not written while the encoder holds them: the frame writes them only
        // through `planes_mut`, which copies shared buffers first.
        let status = unsafe {
            (self.ffmpeg.functions().avcodec_send_frame)(self.context_ptr(), frame.as_ptr())
        };
        check(&self.ffmpeg, "avcodec_send_frame", status).map(drop)
    }

    /// Refuses a frame the encoder was not opened for: FFmpeg's encoders take the frame's
    /// planes to be of the context's size and format, and read out of bounds otherwise.
    fn check_matches(&self, frame: &Frame) -> Result<()> {
        let (kind, width, height) = (
            self.field(|l| l.codec_type),
            self.field(|l| l.width),
            self.field(|l| l.height),
        );
        let (pixel_format, sample_format, sample_rate) = (
            self.field(|l| l.pix_fmt),
            self.field(|l| l.sample_fmt),
            self.field(|l| l.sample_rate),
        );
        let channel_fields = self.ffmpeg.layout().codec_context.channel_fields();
        // SAFETY: the open context, of the family of its own FFmpeg's layout.
        let channels = unsafe { channel_fields.count(self.context_ptr()) };
        let (frame_width, frame_height) = (frame.width() as c_int, frame.height() as c_int);
        let expected = if kind == constants::MEDIA_TYPE_VIDEO {
            (frame_width, frame_height, frame.format()) == (width, height, pixel_format)
        } else {
            frame_width == 0
                && frame.format() == sample_format
                && frame.sample_rate() as c_int == sample_rate
                && frame.channels().map(|c| c as c_int) == channels.map(|c| c as c_int)
        };
        if expected {
            // Audio of no samples has no planes either.
            if frame.planes().next().is_none() {
                return Err(Error::incompatible(
                    "Encoder::send",
                    "the frame has no picture or samples (Encoder::send_eof ends the stream)",
                ));
            }
            return Ok(());
        }
        let name = |video, format| {
            crate::media::formats::format_name(&self.ffmpeg, video, format)
                .unwrap_or_else(|| format.to_string())
        };
        let frame_format = name(frame_width > 0, frame.format());
        Err(Error::incompatible(
            "Encoder::send",
            if kind == constants::MEDIA_TYPE_VIDEO {
                format!(
                    "the encoder takes {width}x{height} {}, not {frame_width}x{frame_height} \
                 {frame_format}",
                    name(true, pixel_format)
                )
            } else {
                format!(
                    "the encoder takes {} at {sample_rate} Hz with {channels:?} channels, not \
                 {frame_format} at {} Hz with {:?}",
                    name(false, sample_format),
                    frame.sample_rate(),
                    frame.channels()
                )
            },
        ))
    }

    /// Signals the end, so that [`Encoder::receive`] flushes the packets still held.
    ///
    /// # Errors
    ///
    /// FFmpeg's error; sending the end twice is not one.
    pub fn send_eof(&mut self) -> Result<()> {
        // SAFETY: a NULL frame is FFmpeg's end-of-stream marker.
        let status = unsafe {
            (self.ffmpeg.functions().avcodec_send_frame)(self.context_ptr(), std::ptr::null())
        };
        super::end_sent(&self.ffmpeg, "avcodec_send_frame", status)
    }

    /// Receives the next packet: `Ok(true)` for a packet; `Ok(false)` when the encoder needs
    /// more frames or has been flushed ([`Encoder::is_finished`]).
    ///
    /// # Errors
    ///
    /// An encoding error; [`Error::ForeignObject`] for a packet of another loaded FFmpeg.
    pub fn receive(&mut self, packet: &mut Packet) -> Result<bool> {
        self.ffmpeg
            .ensure_same(packet.ffmpeg(), "Encoder::receive", "packet")?;
        // SAFETY: an open encoder and a live packet of the same loaded FFmpeg, which
        // receive_packet unrefs (with that library's own free) and refills.
        let status = unsafe {
            (self.ffmpeg.functions().avcodec_receive_packet)(
                self.context_ptr(),
                packet.as_mut_ptr(),
            )
        };
        let received = super::received(
            &self.ffmpeg,
            "avcodec_receive_packet",
            status,
            &mut self.finished,
        )?;
        if received {
            self.fill_duration(packet);
        }
        Ok(received)
    }

    /// Gives a video packet without a duration that of one frame at the encoder's frame rate,
    /// as the ffmpeg CLI does; containers need it for the last frame (MP4's edit list would
    /// otherwise end before it).
    fn fill_duration(&self, packet: &mut Packet) {
        if packet.duration() != 0 {
            return;
        }
        let (rate, base) = (self.field(|l| l.framerate), self.field(|l| l.time_base));
        if !rate.is_positive() || !base.is_positive() {
            return;
        }
        let (numerator, denominator) = (
            i64::from(base.den) * i64::from(rate.den),
            i64::from(base.num) * i64::from(rate.num),
        );
        let duration = (numerator + denominator / 2) / denominator;
        packet.set_duration(duration.max(1));
    }

    /// Whether every packet has been received after [`Encoder::send_eof`].
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

impl Drop for Encoder {
    fn drop(&mut self) {
        let mut context = self.context.as_ptr();
        // SAFETY: allocated by avcodec_alloc_context3; freed once.
        unsafe { (self.ffmpeg.functions().avcodec_free_context)(&mut context) }
    }
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("time_base", &self.time_base())
            .finish_non_exhaustive()
    }
}
