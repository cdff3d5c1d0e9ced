//! Which encoders and settings: the ffmpeg CLI's defaults, adapted to what the build has and
//! to what each encoder takes.

use std::path::PathBuf;

use ffmpeg_runtime::codec::{AudioSettings, Codec, EncoderChoice, Supported, VideoSettings};
use ffmpeg_runtime::filter::{AudioInput, FilterGraph, FilterInput, FilterOptions, OutputFacts};
use ffmpeg_runtime::format::{FieldOrder, MediaType, Output, Stream};
use ffmpeg_runtime::{
    ChannelLayout, Color, Ffmpeg, Frame, Library, PixelFormat, Range, Rational, SampleFormat,
};

use crate::audio_clock::CliTiming;
use crate::video_sync::FpsMode;

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub vcodec: Option<String>,
    pub acodec: Option<String>,
    pub size: Option<(u32, u32)>,
    pub crf: Option<String>,
    pub preset: Option<String>,
    pub threads: u32,
    /// Filters for the video stream (`-vf`) and for every audio stream (`-af`).
    pub video_filters: Option<String>,
    pub audio_filters: Option<String>,
    /// How pictures are placed (`--fps-mode`); `None`: as the CLI chooses for the container.
    pub fps_mode: Option<FpsMode>,
    /// What `-map 0` keeps, in the input's order (`--all-streams`), not the CLI's one of
    /// each kind.
    pub all_streams: bool,
    /// Whose CLI's timing of decoded frames to follow (`--cli-timing`).
    pub cli_timing: CliTiming,
    /// Where the output ends (`--duration`), in microseconds from its start.
    pub limit_us: Option<i64>,
    /// Where in the input the output starts (`--seek`), in microseconds from its start.
    pub seek_us: Option<i64>,
    /// Where the input is, to open it again for a tile grid's picture.
    pub source: PathBuf,
}

/// A stream's pictures as its decoder gives them: as its first picture is, where one was
/// decoded ahead, else as the headers state.
pub struct Shown {
    pub width: u32,
    pub height: u32,
    pub pixel_format: Option<PixelFormat>,
    pub sample_aspect_ratio: Option<Rational>,
    pub color: Color,
    /// As the 5.1 CLI tells the encoder from the first picture; `None` without one.
    pub field_order: Option<FieldOrder>,
}

impl Shown {
    /// As the CLI sets its graph up where no picture came: from the codec's parameters
    /// (not the container's pixel shape, which it gives decoded pictures alone).
    pub fn of_stream(stream: &Stream<'_>) -> Shown {
        Shown {
            width: stream.width(),
            height: stream.height(),
            pixel_format: stream.pixel_format(),
            sample_aspect_ratio: stream.codec_aspect_ratio(),
            color: stream.color(),
            field_order: None,
        }
    }

    /// `picture`, a picture of `stream`, with the container's pixel shape where it states
    /// one (as the lane gives it every picture).
    pub fn of_picture(stream: &Stream<'_>, picture: &Frame) -> Shown {
        Shown {
            width: picture.width(),
            height: picture.height(),
            pixel_format: picture.pixel_format(),
            sample_aspect_ratio: stream.frame_aspect_ratio(picture).ok().flatten(),
            color: picture.color(),
            field_order: Some(
                match (picture.is_interlaced(), picture.is_top_field_first()) {
                    (false, _) => FieldOrder::Progressive,
                    (true, true) => FieldOrder::TopCodedBottomFirst,
                    (true, false) => FieldOrder::BottomCodedTopFirst,
                },
            ),
        }
    }
}

/// The pictures an encoder will be given: a stream's, or a filter graph's output.
pub struct VideoSource {
    pub width: u32,
    pub height: u32,
    pub pixel_format: Option<PixelFormat>,
    pub frame_rate: Option<Rational>,
    pub sample_aspect_ratio: Option<Rational>,
    pub color: Color,
    pub field_order: Option<FieldOrder>,
}

impl VideoSource {
    /// `shown`, `stream`'s pictures, unfiltered.
    pub fn of_shown(shown: Shown, stream: &Stream<'_>) -> VideoSource {
        VideoSource {
            width: shown.width,
            height: shown.height,
            pixel_format: shown.pixel_format,
            frame_rate: stream.guessed_frame_rate(),
            sample_aspect_ratio: shown.sample_aspect_ratio,
            color: shown.color,
            field_order: shown.field_order,
        }
    }

    /// What `graph`'s output gives from `shown`. From 7.0, whose libavfilter negotiates
    /// matrix and range, with those it settled on (a range unstated becomes limited where
    /// the encoder states its ranges, from 7.1), as that CLI gives its encoder the colours
    /// of the graph's first picture; before, the colours shown, or those the 5.1 CLI's
    /// `scale` gives the pictures it converts ([`converted_color`]). From 8.0 the pictures
    /// leave a graph that scales (or converts) them with no chroma location stated.
    pub fn of_graph(shown: &Shown, graph: &FilterGraph) -> VideoSource {
        let facts = graph.output(0).expect("a simple graph's output");
        let mut color = match (
            &facts.negotiated_color,
            &facts.pixel_format,
            &shown.pixel_format,
        ) {
            (Some(negotiated), _, _) if keeps_own_colors(shown, graph) => Color {
                matrix: shown.color.matrix.clone().or(negotiated.matrix.clone()),
                range: shown.color.range.or(negotiated.range),
                ..shown.color.clone()
            },
            (Some(negotiated), _, _) => Color {
                matrix: negotiated.matrix.clone(),
                range: negotiated.range,
                ..shown.color.clone()
            },
            (None, Some(to), from) if from.as_ref() != Some(to) => {
                converted_color(shown.color.clone(), to)
            }
            _ => shown.color.clone(),
        };
        if scale_unstates_chroma(graph) {
            color.chroma_location = None;
        }
        VideoSource {
            width: facts.width,
            height: facts.height,
            pixel_format: facts.pixel_format.clone(),
            frame_rate: facts.frame_rate,
            sample_aspect_ratio: facts.sample_aspect_ratio,
            color,
            field_order: shown.field_order,
        }
    }
}

/// Whether pictures as `shown` leave `graph` with the colours they state, where libavfilter
/// (7.0 on) negotiates none: it settles a link's matrix and range for YUV of three
/// components alone, and a picture of another format (gray, RGB, a palette) that no `scale`
/// converts or resizes keeps its own, which the CLI gives its encoder (a gray PNG's `gbr`).
fn keeps_own_colors(shown: &Shown, graph: &FilterGraph) -> bool {
    let format = graph.output(0).and_then(|facts| facts.pixel_format.clone());
    let unconverted = format.is_some() && format == shown.pixel_format;
    unconverted
        && format.is_some_and(|format| !is_regular_yuv(&format))
        && !graph.filters().iter().any(|filter| filter == "scale")
}

/// libavfilter's "regular YUV" (`ff_fmt_is_regular_yuv`): YUV, not floating point.
fn is_regular_yuv(format: &PixelFormat) -> bool {
    format.is_yuv() && !format.is_float()
}

/// Whether `graph` runs a `scale` (one it names, or one libavfilter inserted to convert)
/// whose release leaves the pictures it passes with no chroma location stated: from 8.0 the
/// filter overwrites theirs with its `in_chroma_loc` option (`auto`: unstated), so that the
/// CLI's encoder is told none.
fn scale_unstates_chroma(graph: &FilterGraph) -> bool {
    graph.ffmpeg().release_version() >= SCALE_UNSTATES_CHROMA
        && graph.filters().iter().any(|filter| filter == "scale")
}

/// The first release whose `scale` leaves pictures' chroma location unstated.
const SCALE_UNSTATES_CHROMA: (u8, u8) = (8, 0);

/// The colours of pictures of `color` the 5.1 CLI's `scale` converts into YUV or gray `to`:
/// primaries, transfer and chroma location as they were, the matrix as
/// [`converted_matrix`] leaves it, and the range of the new format (full for `yuvj…` and
/// gray). Into RGB, none is stated.
fn converted_color(color: Color, to: &PixelFormat) -> Color {
    if to.is_rgb() {
        return Color::default();
    }
    let full = to.name().starts_with("yuvj") || to.name().starts_with("gray");
    Color {
        range: Some(if full { Range::Full } else { Range::Limited }),
        matrix: converted_matrix(color.matrix, false),
        ..color
    }
}

/// The matrix pictures keep through the 5.1 CLI's `scale` into RGB (`made_rgb`) or YUV: none
/// into RGB; into YUV the one they state unless it is RGB's own (`gbr`, which on YUV pictures
/// would tell players to show luma as green; a JPEG decoder's RGB pictures state `bt470bg`,
/// which stays).
fn converted_matrix(matrix: Option<String>, made_rgb: bool) -> Option<String> {
    matrix.filter(|matrix| !made_rgb && matrix != "gbr")
}

/// The audio an encoder will be given: a stream's, or a filter graph's output.
pub struct AudioSource {
    pub sample_format: Option<SampleFormat>,
    pub sample_rate: u32,
    pub channel_layout: Option<ChannelLayout>,
    pub channels: Option<u32>,
}

impl AudioSource {
    /// The stream's audio, in the format the decoder gives where it says (`decoded`).
    pub fn of_stream(stream: &Stream<'_>, decoded: Option<SampleFormat>) -> AudioSource {
        AudioSource {
            sample_format: decoded.or_else(|| stream.sample_format()),
            sample_rate: stream.sample_rate(),
            channel_layout: stream.channel_layout(),
            channels: stream.channels(),
        }
    }

    /// The stream's audio as `frame`, its first, is.
    pub fn of_frame(frame: &Frame) -> AudioSource {
        AudioSource {
            sample_format: frame.sample_format(),
            sample_rate: frame.sample_rate(),
            channel_layout: frame.channel_layout(),
            channels: frame.channels(),
        }
    }

    pub fn of_graph(facts: &OutputFacts) -> AudioSource {
        AudioSource {
            sample_format: facts.sample_format.clone(),
            sample_rate: facts.sample_rate,
            channel_layout: facts.channel_layout.clone(),
            channels: Some(facts.channels).filter(|&c| c > 0),
        }
    }
}

/// The encoder to use for `kind`: the one asked for, else, as the CLI chooses, FFmpeg's
/// preferred encoder of the codec `output` writes by default (an image sequence's, the one
/// its extension names) (this build's: for MP4 H.264
/// where it has libx264, else MPEG-4 part 2, and AAC; for Matroska H.264 and Vorbis, or AC-3
/// without libvorbis; for MPEG-TS MPEG-2 and MP2). `None` where the container names no codec
/// of `kind` (no video in WAV), even where one was asked for: the CLI then leaves the stream
/// out.
pub fn encoder_for(
    ffmpeg: &Ffmpeg,
    asked: Option<&str>,
    output: &Output,
    kind: MediaType,
) -> Result<Option<Codec>, String> {
    let muxer = output.muxer();
    let Some(codec) = output.default_codec(kind) else {
        return Ok(None);
    };
    if let Some(name) = asked {
        return Codec::encoder(ffmpeg, name)
            .map(Some)
            .map_err(|_| format!("this FFmpeg ({}) has no encoder {name}", ffmpeg.release()));
    }
    let option = match kind {
        MediaType::Video => "--vcodec",
        _ => "--acodec",
    };
    let (release, codec_name, muxer_name) = (ffmpeg.release(), codec.name(), muxer.name());
    let encoder = Codec::encoder(ffmpeg, EncoderChoice::ForCodec(codec.clone())).map_err(|_| {
        format!(
            "{muxer_name} writes {kind} as {codec_name} by default, and this FFmpeg \
             ({release}) has no encoder of it: name one with {option}"
        )
    })?;
    // As the CLI, which opens an experimental encoder only when told to (`-strict -2`).
    if encoder.is_experimental() {
        return Err(format!(
            "{muxer_name} writes {kind} as {codec_name} by default, and this FFmpeg's \
             ({release}) only encoder of it, {}, is experimental: name it with {option} to use \
             it anyway, or name another",
            encoder.name()
        ));
    }
    Ok(Some(encoder))
}

/// The filters the CLI ends a graph with before `codec`: the size asked for (`--size`, the
/// CLI's `-s`) and the pixel formats, or the sample formats, rates and channel layouts, the
/// encoder takes, so that the graph scales and converts in one pass as the CLI's does (a
/// graph that scaled, then a conversion after it, gave other pixels). `None` where the
/// encoder takes anything.
pub fn graph_ending(codec: &Codec, size: Option<(u32, u32)>) -> Option<String> {
    let mut filters = Vec::new();
    if let Some((width, height)) = size {
        filters.push(format!("scale={width}:{height}"));
    }
    let list = |names: Vec<String>| names.join("|");
    // As the CLI's `format`: the pixel formats, and from 7.1 the YUV ranges the encoder takes.
    let mut picture = Vec::new();
    if let Supported::Only(formats) = codec.pixel_formats_at_normal_compliance() {
        let names = formats.iter().map(|f| f.name().to_owned()).collect();
        picture.push(format!("pix_fmts={}", list(names)));
    }
    if let Supported::Only(ranges) = codec.color_ranges() {
        let names = ranges.iter().map(|r| r.name().to_owned()).collect();
        picture.push(format!("color_ranges={}", list(names)));
    }
    if !picture.is_empty() {
        filters.push(format!("format={}", picture.join(":")));
    }
    let mut audio = Vec::new();
    if let Supported::Only(formats) = codec.sample_formats() {
        let names = formats.iter().map(|f| f.name().to_owned()).collect();
        audio.push(format!("sample_fmts={}", list(names)));
    }
    if let Supported::Only(rates) = codec.sample_rates() {
        let rates = rates.iter().map(u32::to_string).collect();
        audio.push(format!("sample_rates={}", list(rates)));
    }
    if let Supported::Only(layouts) = codec.channel_layouts() {
        // As the 5.1 CLI names them: by mask, which every release reads.
        let masks: Vec<String> = layouts
            .iter()
            .filter_map(|l| l.mask().map(|mask| format!("0x{mask:x}")))
            .collect();
        if !masks.is_empty() {
            audio.push(format!("channel_layouts={}", list(masks)));
        }
    }
    if !audio.is_empty() {
        filters.push(format!("aformat={}", audio.join(":")));
    }
    (!filters.is_empty()).then(|| filters.join(","))
}

/// The encoder's settings for `stream`: its size (or the one asked for), the pixel format
/// of the encoder's that loses least, and, as the CLI, a time base of one frame at the rate
/// the pictures come at (the pictures are placed in those slots, see `VideoSync`).
pub fn video_settings(
    codec: &Codec,
    source: &VideoSource,
    request: &Request,
    global_header: bool,
) -> Result<VideoSettings, String> {
    let source_format = match source.pixel_format.clone() {
        Some(format) => format,
        None => codec
            .ffmpeg()
            .pixel_format("yuv420p")
            .map_err(|e| e.to_string())?,
    };
    let pixel_format = codec
        .best_pixel_format(&source_format)
        .map_err(|e| e.to_string())?;
    let (width, height) = request.size.unwrap_or((source.width, source.height));
    if width == 0 || height == 0 {
        return Err("the video has no picture size".into());
    }
    let mut options = Vec::new();
    if let Some(crf) = &request.crf {
        options.push(("crf".to_owned(), crf.clone()));
    }
    if let Some(preset) = &request.preset {
        options.push(("preset".to_owned(), preset.clone()));
    }
    // As the CLI: the encoder counts in frames of the rate the pictures come at (25 a
    // second where that is unknown), the nearest it takes (MPEG-2: of its standard rates), in
    // terms MPEG-4 part 2 can state.
    let mut frame_rate = codec.nearest_frame_rate(
        source
            .frame_rate
            .filter(|r| r.num > 0 && r.den > 0)
            .unwrap_or(Rational::new(25, 1)),
    );
    if codec.id().name() == "mpeg4" {
        let (num, den) = (i64::from(frame_rate.num), i64::from(frame_rate.den));
        frame_rate = Rational::reduce(num, den, MPEG4_LARGEST_TERM);
    }
    if codec.is_experimental() {
        options.push(("strict".into(), "experimental".into()));
    }
    // Colours are signalled as the source's; the range only where no conversion changes it,
    // and the matrix, where pictures change between RGB and YUV, as the CLI's `scale`
    // leaves it.
    let mut color = source.color.clone();
    if pixel_format != source_format {
        color.range = None;
    }
    let made_rgb = pixel_format.is_rgb();
    if made_rgb != source_format.is_rgb() {
        color.matrix = converted_matrix(color.matrix, made_rgb);
    }
    // As FFmpeg's scale filter does: a picture scaled to another shape keeps its display
    // aspect through its pixels' shape, when the source says what that is.
    let sample_aspect_ratio = source.sample_aspect_ratio.map(|Rational { num, den }| {
        let (num, den) = (
            i64::from(num) * i64::from(height) * i64::from(source.width),
            i64::from(den) * i64::from(width) * i64::from(source.height),
        );
        Rational::reduce(num, den, i32::MAX)
    });
    let time_base = frame_rate.invert();
    // As the 5.1 CLI, which says MJPEG's interlaced pictures are coded and shown in one order.
    let field_order = source
        .field_order
        .map(|order| match (codec.id().name(), order) {
            ("mjpeg", FieldOrder::TopCodedBottomFirst) => FieldOrder::TopFirst,
            ("mjpeg", FieldOrder::BottomCodedTopFirst) => FieldOrder::BottomFirst,
            (_, order) => order,
        });
    Ok(VideoSettings {
        color,
        sample_aspect_ratio,
        field_order,
        frame_rate: Some(frame_rate),
        threads: request.threads,
        options,
        global_header,
        // As the CLI (6.0 on), which gives each picture the length it placed it for.
        frame_durations: true,
        ..VideoSettings::new(width, height, pixel_format, time_base)
    })
}

/// The largest numerator or denominator of an MPEG-4 part 2 frame rate.
const MPEG4_LARGEST_TERM: i32 = 65_535;

/// The encoder's settings for an audio stream: its format, rate and channel layout where
/// the encoder takes them, else those the CLI's filters settle on (the format that loses
/// least, the nearest rate; the default layout of the channel count chosen).
pub fn audio_settings(
    codec: &Codec,
    source: &AudioSource,
    global_header: bool,
) -> Result<AudioSettings, String> {
    let ffmpeg = codec.ffmpeg();
    let source_format = match source.sample_format.clone() {
        Some(format) => format,
        None => ffmpeg.sample_format("fltp").map_err(|e| e.to_string())?,
    };
    let sample_format = codec
        .best_sample_format(&source_format)
        .map_err(|e| e.to_string())?;
    let rate = if source.sample_rate > 0 {
        source.sample_rate
    } else {
        48_000
    };
    let source_layout = source
        .channel_layout
        .clone()
        .filter(|l| !l.is_unspecified());
    let channel_layout = match source_layout {
        Some(layout) if codec.channel_layouts().contains(&layout) => layout,
        Some(layout)
            if let Some(chosen) = negotiated_layout(codec, &layout, rate, &source_format) =>
        {
            chosen
        }
        _ => {
            let channels = source.channels.unwrap_or(2);
            let channels = fewer_or_nearest(codec.channel_counts(), channels);
            ffmpeg
                .default_channel_layout(channels)
                .map_err(|e| e.to_string())?
        }
    };
    let mut options = Vec::new();
    if codec.is_experimental() {
        options.push(("strict".into(), "experimental".into()));
    }
    Ok(AudioSettings {
        options,
        global_header,
        // As the CLI (6.0 on), whose frames last as long as their samples.
        frame_durations: true,
        ..AudioSettings::new(codec.best_sample_rate(rate), sample_format, channel_layout)
    })
}

/// The layout of those `codec` takes that libavfilter chooses for audio of `layout`, as the
/// CLI's graph ends with them: its own rules (7.1 into ALAC's list becomes 6.1, which the
/// count alone would not give). `None` without libavfilter.
fn negotiated_layout(
    codec: &Codec,
    layout: &ChannelLayout,
    rate: u32,
    format: &SampleFormat,
) -> Option<ChannelLayout> {
    let ffmpeg = codec.ffmpeg();
    ffmpeg.library(Library::AvFilter)?;
    let options = FilterOptions {
        audio_timed_in_samples: true,
        output_ending: graph_ending(codec, None),
        ..FilterOptions::default()
    };
    let input = FilterInput::Audio(AudioInput::new(rate, format.clone(), layout.clone()));
    let graph = FilterGraph::simple_with_options(ffmpeg, "anull", input, &options).ok()?;
    graph.output(0)?.channel_layout
}

/// `wanted` if supported, else the most channels below it (a downmix), else the fewest.
fn fewer_or_nearest(supported: Supported<u32>, wanted: u32) -> u32 {
    match supported {
        Supported::Only(values) if !values.is_empty() && !values.contains(&wanted) => values
            .iter()
            .copied()
            .filter(|&v| v < wanted)
            .max()
            .or_else(|| values.iter().copied().min())
            .unwrap_or(wanted),
        _ => wanted,
    }
}
