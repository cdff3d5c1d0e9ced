//! What one input of a filter graph receives, described from a stream, a decoder's first frame
//! or explicit values, and written as the buffer source's arguments.

use crate::abi::filter::buffer_source_takes_color;
use crate::ffmpeg::{Error, Ffmpeg, Result};
use crate::media::channel_layout::ChannelLayout;
use crate::media::codec::Decoder;
use crate::media::color::Range;
use crate::media::format::{MediaType, Stream};
use crate::media::formats::{PixelFormat, SampleFormat};
use crate::media::frame::Frame;
use crate::media::side_data::DownmixInfo;
use crate::sys::{Library, Rational};

/// The frames one input of a [`FilterGraph`](super::FilterGraph) takes: video or audio, and
/// their parameters. When a frame arrives whose size or format differs, the graph is rebuilt
/// for it, as the ffmpeg CLI does.
#[derive(Debug, Clone)]
pub enum FilterInput {
    /// Pictures.
    Video(VideoInput),
    /// Audio samples.
    Audio(AudioInput),
}

/// Pictures of one size and pixel format.
#[derive(Debug, Clone)]
pub struct VideoInput {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixel format.
    pub pixel_format: PixelFormat,
    /// The unit of the frames' timestamps.
    pub time_base: Rational,
    /// The shape of a pixel; `0/1` when unknown.
    pub sample_aspect_ratio: Rational,
    /// The nominal frame rate, when known (filters such as `fps` do not need it).
    pub frame_rate: Option<Rational>,
    /// The YUV matrix by FFmpeg's name (`bt709`), when known; given to libavfilter 10 (7.0)
    /// and later, whose filters negotiate it.
    pub color_matrix: Option<String>,
    /// The YUV range, when known; given to libavfilter 10 and later.
    pub color_range: Option<Range>,
}

/// Audio of one rate, sample format and channel layout.
#[derive(Debug, Clone)]
pub struct AudioInput {
    /// Samples per second.
    pub sample_rate: u32,
    /// The sample format.
    pub sample_format: SampleFormat,
    /// The channels.
    pub channel_layout: ChannelLayout,
    /// The unit of the frames' timestamps (the ffmpeg CLI uses `1/sample_rate`, and follows
    /// a change of rate: see [`FilterOptions::audio_timed_in_samples`](super::FilterOptions)).
    pub time_base: Rational,
    /// How the source says to mix it down (an AC-3's levels), when it says: given to
    /// libavfilter 11 (8.0) and later, whose `aresample` mixes down by it, as the 8.0 and
    /// later CLI gives its graph the first frame's.
    pub downmix: Option<DownmixInfo>,
}

impl VideoInput {
    /// Pictures of this size and format, timed in `time_base`, with nothing else known.
    pub fn new(width: u32, height: u32, pixel_format: PixelFormat, time_base: Rational) -> Self {
        VideoInput {
            width,
            height,
            pixel_format,
            time_base,
            sample_aspect_ratio: Rational::new(0, 1),
            frame_rate: None,
            color_matrix: None,
            color_range: None,
        }
    }
}

impl AudioInput {
    /// Audio of this rate, format and layout, timed in `1/sample_rate`.
    pub fn new(
        sample_rate: u32,
        sample_format: SampleFormat,
        channel_layout: ChannelLayout,
    ) -> Self {
        AudioInput {
            sample_rate,
            sample_format,
            channel_layout,
            time_base: samples_of(sample_rate),
            downmix: None,
        }
    }
}

/// `1/sample_rate`: a time base that counts samples.
fn samples_of(sample_rate: u32) -> Rational {
    Rational::new(1, sample_rate.min(i32::MAX as u32) as i32)
}

impl FilterInput {
    /// What a decoder of `stream` gives, as its container and codec headers tell it, timed in
    /// the stream's time base (audio too: rescale to `1/sample_rate` and say so with
    /// [`AudioInput::new`] to time it as the CLI does).
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a stream that is neither video nor audio, or whose format
    /// or size the headers do not tell (describe it from its first decoded frame instead,
    /// [`FilterInput::from_frame`]).
    pub fn from_stream(stream: &Stream<'_>) -> Result<FilterInput> {
        let unknown = |what: &str| {
            Error::unsupported(
                "FilterInput::from_stream",
                format!("stream {}: its {what} is unknown", stream.index()),
            )
        };
        match stream.media_type() {
            MediaType::Video => {
                let pixel_format = stream
                    .pixel_format()
                    .ok_or_else(|| unknown("pixel format"))?;
                if stream.width() == 0 || stream.height() == 0 {
                    return Err(unknown("size"));
                }
                let color = stream.color();
                Ok(FilterInput::Video(VideoInput {
                    width: stream.width(),
                    height: stream.height(),
                    pixel_format,
                    time_base: stream.time_base(),
                    // As the CLI's: the container's, else the codec's, square included.
                    sample_aspect_ratio: stream.pixel_aspect_ratio().unwrap_or(Rational::new(0, 1)),
                    frame_rate: stream.guessed_frame_rate(),
                    color_matrix: color.matrix,
                    color_range: color.range,
                }))
            }
            MediaType::Audio => {
                let sample_format = stream
                    .sample_format()
                    .ok_or_else(|| unknown("sample format"))?;
                // A count only: the decoder's frames, and so the graph, get the default layout.
                let channel_layout = stream
                    .channel_layout()
                    .ok_or_else(|| unknown("layout"))?
                    .or_default(stream.ffmpeg())?;
                if stream.sample_rate() == 0 {
                    return Err(unknown("sample rate"));
                }
                Ok(FilterInput::Audio(AudioInput {
                    sample_rate: stream.sample_rate(),
                    sample_format,
                    channel_layout,
                    time_base: stream.time_base(),
                    downmix: None,
                }))
            }
            other => Err(Error::unsupported(
                "FilterInput::from_stream",
                format!("stream {} is {other}, not video or audio", stream.index()),
            )),
        }
    }

    /// What `decoder` gives, as far as it knows before its first frame (its stream's
    /// headers), timed in its time base.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the format or size (or rate and layout) is not known yet:
    /// describe the input from the first decoded frame then ([`FilterInput::from_frame`]).
    pub fn from_decoder(decoder: &Decoder) -> Result<FilterInput> {
        let unknown = |what: &str| {
            Error::unsupported(
                "FilterInput::from_decoder",
                format!("its {what} is unknown"),
            )
        };
        if decoder.is_video() {
            let pixel_format = decoder
                .pixel_format()
                .ok_or_else(|| unknown("pixel format"))?;
            if decoder.width() == 0 || decoder.height() == 0 {
                return Err(unknown("size"));
            }
            return Ok(FilterInput::Video(VideoInput {
                width: decoder.width(),
                height: decoder.height(),
                pixel_format,
                time_base: decoder.time_base(),
                sample_aspect_ratio: decoder.sample_aspect_ratio().unwrap_or(Rational::new(0, 1)),
                frame_rate: decoder.frame_rate(),
                color_matrix: decoder.color().matrix,
                color_range: decoder.color().range,
            }));
        }
        let sample_format = decoder
            .sample_format()
            .ok_or_else(|| unknown("sample format"))?;
        let channel_layout = decoder
            .channel_layout()
            .ok_or_else(|| unknown("layout"))?
            .or_default(decoder.ffmpeg())?;
        if decoder.sample_rate() == 0 {
            return Err(unknown("sample rate"));
        }
        Ok(FilterInput::Audio(AudioInput {
            sample_rate: decoder.sample_rate(),
            sample_format,
            channel_layout,
            time_base: decoder.time_base(),
            downmix: None,
        }))
    }

    /// What `frame` is (a decoder's first frame, say), timed in `time_base`.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for an empty frame.
    pub fn from_frame(frame: &Frame, time_base: Rational) -> Result<FilterInput> {
        if let Some(pixel_format) = frame.pixel_format() {
            let color = frame.color();
            Ok(FilterInput::Video(VideoInput {
                width: frame.width(),
                height: frame.height(),
                pixel_format,
                time_base,
                sample_aspect_ratio: frame.sample_aspect_ratio().unwrap_or(Rational::new(0, 1)),
                frame_rate: None,
                color_matrix: color.matrix,
                color_range: color.range,
            }))
        } else if let (Some(sample_format), Some(channel_layout)) =
            (frame.sample_format(), frame.channel_layout())
        {
            let downmix = frame.downmix_info();
            Ok(FilterInput::Audio(AudioInput {
                sample_rate: frame.sample_rate(),
                sample_format,
                channel_layout,
                time_base,
                downmix,
            }))
        } else {
            Err(Error::unsupported(
                "FilterInput::from_frame",
                "an empty frame describes no input",
            ))
        }
    }

    /// `video` or `audio`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            FilterInput::Video(_) => "video",
            FilterInput::Audio(_) => "audio",
        }
    }

    /// The unit of the frames' timestamps.
    pub fn time_base(&self) -> Rational {
        match self {
            FilterInput::Video(video) => video.time_base,
            FilterInput::Audio(audio) => audio.time_base,
        }
    }

    /// Whether `frame` has other parameters than these in what a graph is built for (size and
    /// pixel format; rate, sample format and layout), so that the graph must be rebuilt.
    pub(crate) fn differs_from(&self, frame: &Frame) -> bool {
        match self {
            FilterInput::Video(video) => {
                frame.width() != video.width
                    || frame.height() != video.height
                    || frame.pixel_format().as_ref().map(PixelFormat::name)
                        != Some(video.pixel_format.name())
            }
            FilterInput::Audio(audio) => {
                frame.sample_rate() != audio.sample_rate
                    || frame.sample_format().as_ref().map(SampleFormat::name)
                        != Some(audio.sample_format.name())
                    || frame.channel_layout().as_ref() != Some(&audio.channel_layout)
            }
        }
    }

    /// These parameters with `frame`'s size and format (or rate, format and layout), in the
    /// same time base; audio in `1/new rate` where `in_samples` (the CLI's timing).
    pub(crate) fn updated_from(&self, frame: &Frame, in_samples: bool) -> Result<FilterInput> {
        let mut updated = FilterInput::from_frame(frame, self.time_base())?;
        match (self, &mut updated) {
            (FilterInput::Video(old), FilterInput::Video(new)) => {
                new.frame_rate = old.frame_rate;
                if !new.sample_aspect_ratio.is_positive() {
                    new.sample_aspect_ratio = old.sample_aspect_ratio;
                }
            }
            (FilterInput::Audio(_), FilterInput::Audio(new)) if in_samples => {
                new.time_base = samples_of(new.sample_rate);
            }
            _ => {}
        }
        Ok(updated)
    }

    /// The buffer source's filter name and arguments, as the ffmpeg CLI writes them.
    pub(crate) fn source_arguments(&self, ffmpeg: &Ffmpeg) -> Result<(&'static str, String)> {
        match self {
            FilterInput::Video(video) => {
                crate::media::require_positive("input time base", video.time_base)?;
                let format = video.pixel_format.number_for(ffmpeg)?;
                let sar = video.sample_aspect_ratio;
                let sar = if sar.is_positive() {
                    sar
                } else {
                    Rational::new(0, 1)
                };
                let mut args = format!(
                    "video_size={}x{}:pix_fmt={format}:time_base={}:pixel_aspect={sar}",
                    positive("width", video.width)?,
                    positive("height", video.height)?,
                    video.time_base,
                );
                if let Some(rate) = video.frame_rate.filter(|r| r.is_positive()) {
                    args.push_str(&format!(":frame_rate={rate}"));
                }
                // libavfilter 10 (7.0) negotiates colour; earlier ones have no such options.
                if buffer_source_takes_color(ffmpeg.family().major(Library::AvFilter)) {
                    if let Some(number) = video
                        .color_matrix
                        .as_deref()
                        .and_then(|name| crate::media::color::matrix_number(ffmpeg, name))
                    {
                        args.push_str(&format!(":colorspace={number}"));
                    }
                    if let Some(range) = video.color_range {
                        let number = match range {
                            Range::Limited => 1,
                            Range::Full => 2,
                        };
                        args.push_str(&format!(":range={number}"));
                    }
                }
                Ok(("buffer", args))
            }
            FilterInput::Audio(audio) => {
                crate::media::require_positive("input time base", audio.time_base)?;
                let format = audio.sample_format.number_for(ffmpeg)?;
                let name =
                    crate::media::formats::format_name(ffmpeg, false, format).ok_or_else(|| {
                        Error::unknown_name("sample format", audio.sample_format.name())
                    })?;
                let mut args = format!(
                    "time_base={}:sample_rate={}:sample_fmt={name}",
                    audio.time_base,
                    positive("sample rate", audio.sample_rate)?,
                );
                let layout = &audio.channel_layout;
                // A custom or ambisonic order by FFmpeg's own description of it, as the CLI
                // gives it, where the buffer source can parse it back; one whose description
                // would break the argument list (a channel named with `:`) by its count.
                let described = !layout.is_unspecified()
                    && !layout.name().contains([':', '\\', '\'', '='])
                    && ffmpeg
                        .channel_layout(layout.name())
                        .is_ok_and(|parsed| parsed.channels() == layout.channels());
                match layout.mask() {
                    Some(mask) => args.push_str(&format!(":channel_layout=0x{mask:x}")),
                    None if described => {
                        args.push_str(&format!(":channel_layout={}", layout.name()));
                    }
                    None => args.push_str(&format!(
                        ":channels={}",
                        positive("channels", audio.channel_layout.channels())?
                    )),
                }
                Ok(("abuffer", args))
            }
        }
    }
}

fn positive(what: &'static str, value: u32) -> Result<u32> {
    if value == 0 || value > i32::MAX as u32 {
        return Err(Error::out_of_range(what, value));
    }
    Ok(value)
}
