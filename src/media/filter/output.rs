//! What a graph's outputs give, read from their sinks, and the filters that hold an output to
//! what it first gave when the graph is rebuilt.

use std::ffi::c_int;

use super::{FilterContext, FilterOptions};
use crate::abi::constants::MEDIA_TYPE_VIDEO;
use crate::ffmpeg::Ffmpeg;
use crate::media::channel_layout::ChannelLayout;
use crate::media::color::{self, Range};
use crate::media::formats::{PixelFormat, SampleFormat};
use crate::sys::Rational;
use crate::sys::objects::AVFilterContext;

/// What one output of a graph gives, as libavfilter negotiated it.
#[derive(Debug, Clone)]
pub struct OutputFacts {
    /// Its label in the description (`out` for `[out]`), or its index for an unlabelled one.
    pub name: String,
    /// `true` for pictures, `false` for audio.
    pub is_video: bool,
    /// The unit of the timestamps of the frames it gives.
    pub time_base: Rational,
    /// The frame rate, when the filters know it (`fps=10` does).
    pub frame_rate: Option<Rational>,
    /// Picture size (0 for audio).
    pub width: u32,
    /// Picture height (0 for audio).
    pub height: u32,
    /// The pixel format of pictures.
    pub pixel_format: Option<PixelFormat>,
    /// The shape of a pixel, when known.
    pub sample_aspect_ratio: Option<Rational>,
    /// Samples per second (0 for video).
    pub sample_rate: u32,
    /// The sample format of audio.
    pub sample_format: Option<SampleFormat>,
    /// The channel count of audio (0 for video).
    pub channels: u32,
    /// The channel layout of audio.
    pub channel_layout: Option<ChannelLayout>,
    /// The YUV matrix and range the pictures leave with, which libavfilter negotiates from
    /// 7.0 (libavfilter 10) and stamps on pictures that came unstated; `None` before 7.0
    /// and for audio.
    pub negotiated_color: Option<NegotiatedColor>,
}

/// The colours libavfilter settled on for an output's pictures (see
/// [`OutputFacts::negotiated_color`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NegotiatedColor {
    /// The matrix (`bt709`); `None` where it stays unspecified.
    pub matrix: Option<String>,
    /// The range; `None` where it stays unspecified.
    pub range: Option<Range>,
}

/// The filters that hold an output to what it first gave, as the CLI's encoders are held:
/// `scale` and `format` for pictures, `aformat` for audio.
pub(super) fn keeping(facts: &OutputFacts, options: &FilterOptions) -> Vec<(&'static str, String)> {
    if facts.is_video {
        let mut filters = vec![(
            "scale",
            format!(
                "{}:{}:flags={}",
                facts.width, facts.height, options.scale_flags
            ),
        )];
        if let Some(format) = &facts.pixel_format {
            filters.push(("format", format!("pix_fmts={}", format.name())));
        }
        filters
    } else {
        let mut arguments = Vec::new();
        if let Some(format) = &facts.sample_format {
            arguments.push(format!("sample_fmts={}", format.name()));
        }
        if facts.sample_rate > 0 {
            arguments.push(format!("sample_rates={}", facts.sample_rate));
        }
        if let Some(mask) = facts.channel_layout.as_ref().and_then(ChannelLayout::mask) {
            arguments.push(format!("channel_layouts=0x{mask:x}"));
        }
        vec![("aformat", arguments.join(":"))]
    }
}

/// What a configured sink gives.
pub(super) fn output_facts(ffmpeg: &Ffmpeg, sink: FilterContext, name: &str) -> OutputFacts {
    let f = ffmpeg.functions();
    let sink = sink.cast_const();
    // SAFETY: each getter reads a field of a configured sink's input link.
    let read_int = |getter: Option<unsafe extern "C" fn(*const AVFilterContext) -> c_int>| {
        getter.map_or(0, |get| unsafe { get(sink) })
    };
    // SAFETY: as above.
    let read_rational = |getter: Option<
        unsafe extern "C" fn(*const AVFilterContext) -> Rational,
    >| { getter.map_or(Rational::new(0, 1), |get| unsafe { get(sink) }) };
    let is_video = read_int(f.av_buffersink_get_type) == MEDIA_TYPE_VIDEO;
    let format = read_int(f.av_buffersink_get_format);
    let positive = |r: Rational| Some(r).filter(|r| r.is_positive());
    OutputFacts {
        name: name.to_owned(),
        is_video,
        time_base: read_rational(f.av_buffersink_get_time_base),
        frame_rate: positive(read_rational(f.av_buffersink_get_frame_rate)),
        width: read_int(f.av_buffersink_get_w).max(0) as u32,
        height: read_int(f.av_buffersink_get_h).max(0) as u32,
        pixel_format: is_video
            .then(|| ffmpeg.pixel_format_numbered(format))
            .flatten(),
        sample_aspect_ratio: positive(read_rational(f.av_buffersink_get_sample_aspect_ratio)),
        sample_rate: read_int(f.av_buffersink_get_sample_rate).max(0) as u32,
        sample_format: (!is_video)
            .then(|| ffmpeg.sample_format_numbered(format))
            .flatten(),
        channels: read_int(f.av_buffersink_get_channels).max(0) as u32,
        channel_layout: (!is_video)
            .then(|| crate::media::channel_layout::of_sink(ffmpeg, sink))
            .flatten(),
        negotiated_color: match (
            f.av_buffersink_get_colorspace,
            f.av_buffersink_get_color_range,
        ) {
            (Some(matrix), Some(range)) if is_video => {
                // SAFETY: as above.
                let (matrix, range) = unsafe { (matrix(sink), range(sink)) };
                Some(NegotiatedColor {
                    matrix: u32::try_from(matrix)
                        .ok()
                        .and_then(|matrix| color::matrix_name(ffmpeg, matrix)),
                    range: color::range_numbered(range),
                })
            }
            _ => None,
        },
    }
}
