//! Which input streams are encoded, each one's encoder opened before any output stream is
//! added, and the output streams then added in the CLI's order: video, audio, subtitles
//! without `-map`, or the input's own with `--all-streams` (as `-map 0` orders them).

use ffmpeg_runtime::codec::{Codec, Decoder, Encoder, VideoSettings};
use ffmpeg_runtime::filter::{
    AudioInput, FilterGraph, FilterInput, FilterOptions, VideoInput, container_crop_filter,
    upright_filters_for,
};
use ffmpeg_runtime::format::{Input, MediaType, Muxer, Output, SideDataValue, Stream};
use ffmpeg_runtime::{AudioFormat, Error, Ffmpeg, Frame, Library, Rational};

use crate::cli_copy::{copy_stream_tags, set_encoder_tag};
use crate::pipeline::{self, Filtering};
use crate::plan::{self, AudioSource, Request, Shown, VideoSource};

/// A video stream planned for encoding.
pub struct PlannedVideo {
    pub index: usize,
    pub encoder: Encoder,
    pub settings: VideoSettings,
    pub filtering: Option<Filtering>,
    /// The encoder's name, for the stream's `encoder` tag.
    codec_name: String,
    /// Whether its pictures are turned upright first (the CLI's autorotation).
    turned: bool,
    /// The first picture decoded ahead, whose side data of the stream's kinds the encoder
    /// gives its stream from 7.1.
    first: Option<Frame>,
    /// Its output stream, once added.
    pub out_index: Option<usize>,
}

/// An audio stream planned for encoding: its decoder already open, as the CLI's is before it
/// builds the stream's graph.
pub struct PlannedAudio {
    pub index: usize,
    pub encoder: Encoder,
    pub target: AudioFormat,
    pub decoder: Decoder,
    pub filtering: Option<Filtering>,
    codec_name: String,
    /// The first frame decoded ahead (see [`PlannedVideo`]'s).
    first: Option<Frame>,
    /// Its output stream, once added.
    pub out_index: Option<usize>,
}

/// The video streams encoded: the one the CLI takes for the container, or with `all` every
/// one (only cover pictures where the container holds video only as a cover, as MP3).
pub fn video_streams(
    input: &Input,
    output: &Output,
    all: bool,
    notices: &mut Vec<String>,
) -> Result<Vec<usize>, String> {
    let muxer = output.muxer();
    let default_codec = output.default_codec(MediaType::Video);
    let selected = input
        .auto_selected_stream_for(MediaType::Video, &muxer)
        .map_err(|e| e.to_string())?;
    let Some(selected) = selected else {
        if let Some(stream) = input.auto_selected_stream(MediaType::Video) {
            notices.push(format!(
                "video stream {} left out, as the CLI leaves it: {} holds {}",
                stream.index(),
                muxer.name(),
                match default_codec {
                    Some(_) => "video only as a cover picture",
                    None => "no video",
                }
            ));
        }
        return Ok(Vec::new());
    };
    if !all {
        return Ok(vec![selected.index()]);
    }
    let covers_only = match &default_codec {
        Some(codec) => muxer
            .takes_only_as_cover_picture(codec)
            .map_err(|e| e.to_string())?,
        None => false,
    };
    let kept = input.streams().filter(|s| {
        s.media_type() == MediaType::Video && (!covers_only || s.is_attached_picture())
    });
    Ok(kept.map(|s| s.index()).collect())
}

/// The audio or subtitle streams encoded: the one the CLI takes for the container, or with
/// `all` every one.
pub fn kept_streams(
    input: &Input,
    kind: MediaType,
    muxer: &Muxer,
    all: bool,
) -> Result<Vec<usize>, String> {
    if all {
        let of_kind = input.streams().filter(|s| s.media_type() == kind);
        return Ok(of_kind.map(|s| s.index()).collect());
    }
    let selected = input
        .auto_selected_stream_for(kind, muxer)
        .map_err(|e| e.to_string())?;
    Ok(selected.map(|s| s.index()).into_iter().collect())
}

/// The streams that `-map 0` copies: attachments (fonts) into Matroska, the one container
/// that stores them, and data streams (a camera's timecode track), which the CLI copies
/// where the container takes them (MOV, MPEG-TS, NUT) and fails on elsewhere (Matroska, MP4;
/// the data lane leaves them out with a notice there). A stream of no known kind is left out
/// with a notice, where the CLI fails.
pub fn copied_streams(
    input: &Input,
    muxer: &Muxer,
    notices: &mut Vec<String>,
) -> Vec<(usize, MediaType)> {
    let mut copied = Vec::new();
    for stream in input.streams() {
        let kind = stream.media_type();
        match kind {
            MediaType::Attachment if muxer.name() != "matroska" => notices.push(format!(
                "{kind} stream {} left out: {} stores no attachments",
                stream.index(),
                muxer.name()
            )),
            MediaType::Attachment | MediaType::Data => copied.push((stream.index(), kind)),
            MediaType::Other => notices.push(format!(
                "stream {} of no known kind left out, where the CLI fails (unless told \
                 -ignore_unknown)",
                stream.index()
            )),
            _ => {}
        }
    }
    copied
}

/// Opens the encoder of `stream`'s pictures, through the graph `--vf` and the turn upright
/// make, ending in the CLI's conversion for `codec`.
pub fn plan_video(
    stream: &Stream<'_>,
    first_picture: Option<&Frame>,
    codec: &Codec,
    request: &Request,
    global_header: bool,
    notices: &mut Vec<String>,
) -> Result<PlannedVideo, String> {
    let ffmpeg = codec.ffmpeg();
    // As the CLI, pictures meant to be shown turned (by the first picture's display matrix,
    // a JPEG's EXIF orientation, else the stream's) are turned first; the output then shows
    // them upright without a turn of its own.
    let matrix = first_picture.and_then(Frame::display_matrix);
    let mut turn = upright_filters_for(matrix.or_else(|| stream.display_matrix()).as_ref());
    if turn.is_some() && ffmpeg.library(Library::AvFilter).is_none() {
        notices.push(format!(
            "this FFmpeg ({}) has no libavfilter: the pictures are encoded as stored, \
             without the turn the input shows them with",
            ffmpeg.release()
        ));
        turn = None;
    }
    let turned = turn.is_some();
    // As the CLI from 7.1: the container's cropping first, then the turn.
    let crop = container_crop_filter(stream);
    if crop.is_some() && ffmpeg.library(Library::AvFilter).is_none() {
        notices.push(format!(
            "this FFmpeg ({}) has no libavfilter: the pictures are encoded uncropped, \
             without the cropping the container states",
            ffmpeg.release()
        ));
    }
    let adjusting: Vec<String> = (crop.filter(|_| ffmpeg.library(Library::AvFilter).is_some()))
        .into_iter()
        .chain(turn)
        .collect();
    let adjusting = (!adjusting.is_empty()).then(|| adjusting.join(","));
    let video_filters = match (adjusting, &request.video_filters) {
        (Some(adjusting), Some(filters)) => Some(format!("{adjusting},{filters}")),
        // As the CLI, whose own filters (none given: `null`) follow its autorotation.
        (Some(adjusting), None) => Some(format!("{adjusting},null")),
        (None, Some(filters)) => Some(filters.clone()),
        // As the CLI: pictures reach the encoder through libavfilter's `scale`, which
        // converts otherwise than libswscale left to its defaults (BGR24 into YUV).
        (None, None) => ffmpeg
            .library(Library::AvFilter)
            .is_some()
            .then(|| "null".to_owned()),
    };
    let ending = plan::graph_ending(codec, request.size);
    let describe = || match first_picture {
        Some(picture) => described_by_picture(stream, picture),
        // As the CLI where no picture came: the codec's pixel shape, not the container's.
        None => match FilterInput::from_stream(stream).map_err(|e| e.to_string())? {
            FilterInput::Video(video) => Ok(FilterInput::Video(VideoInput {
                sample_aspect_ratio: stream.codec_aspect_ratio().unwrap_or(Rational::new(0, 1)),
                ..video
            })),
            other => Ok(other),
        },
    };
    let filtering = filtering(ffmpeg, stream, describe, video_filters.as_deref(), ending)?;
    let shown = match first_picture {
        Some(picture) => Shown::of_picture(stream, picture),
        None => Shown::of_stream(stream),
    };
    let source = match &filtering {
        Some(filtering) => VideoSource::of_graph(&shown, &filtering.graph),
        None => VideoSource::of_shown(shown, stream),
    };
    let mut settings = plan::video_settings(codec, &source, request, global_header)?;
    if let Some(first) = first_picture.filter(|_| encoders_take_frame_side_data(ffmpeg)) {
        settings.side_data = hdr10_side_data(first);
    }
    let (encoder, settings) = open_video(codec, settings, notices)?;
    Ok(PlannedVideo {
        index: stream.index(),
        encoder,
        settings,
        filtering,
        codec_name: codec.name().to_owned(),
        turned,
        first: first_picture.and_then(|picture| picture.try_clone().ok()),
        out_index: None,
    })
}

/// Opens `codec` for `stream`'s audio as the CLI's graph would give it, through `--af`:
/// audio as its first frame is, where one was decoded ahead, else as the headers state.
pub fn plan_audio(
    stream: &Stream<'_>,
    first_frame: Option<&Frame>,
    codec: &Codec,
    request: &Request,
    global_header: bool,
) -> Result<PlannedAudio, String> {
    let ffmpeg = codec.ffmpeg();
    let index = stream.index();
    // As the CLI, whose graph takes the format the decoder gives, which may not be the one
    // the headers state (MP2 in MPEG-TS: decoded as s16p, stated as fltp).
    let decoder = pipeline::decoder_for(stream, request.threads)
        .map_err(|e| format!("stream {index}: {e}"))?;
    let decoded = decoder.sample_format();
    let ending = plan::graph_ending(codec, None);
    let filters = request.audio_filters.as_deref();
    // As the CLI: audio goes in timed in samples of its own rate.
    let describe = || {
        let described = match first_frame {
            Some(frame) => FilterInput::from_frame(frame, stream.time_base()),
            None => FilterInput::from_stream(stream),
        };
        match described.map_err(|e| e.to_string())? {
            FilterInput::Audio(audio) => Ok(FilterInput::Audio(AudioInput {
                downmix: audio.downmix,
                ..AudioInput::new(
                    audio.sample_rate,
                    match first_frame {
                        Some(_) => audio.sample_format,
                        None => decoded.clone().unwrap_or(audio.sample_format),
                    },
                    audio.channel_layout,
                )
            })),
            FilterInput::Video(_) => Err(format!("stream {index}: pictures, not audio")),
        }
    };
    let graph = filtering(ffmpeg, stream, describe, filters, ending.clone())?;
    let source = match (&graph, first_frame) {
        (Some(graph), _) => {
            AudioSource::of_graph(&graph.graph.output(0).expect("a simple graph's output"))
        }
        (None, Some(frame)) => AudioSource::of_frame(frame),
        (None, None) => AudioSource::of_stream(stream, decoded.clone()),
    };
    let mut settings = plan::audio_settings(codec, &source, global_header)?;
    let target = AudioFormat {
        sample_format: settings.sample_format.clone(),
        sample_rate: settings.sample_rate,
        channel_layout: settings.channel_layout.clone(),
    };
    if let Some(first) = first_frame.filter(|_| sizes_frames_by_the_first(codec)) {
        // A graph of its own, so that the stream's starts with nothing taken from it.
        let scratch = filtering(ffmpeg, stream, describe, filters, ending)?;
        settings.frame_size = pipeline::first_converted_samples(first, scratch, target.clone())
            .map_err(|e| format!("stream {index}: {e}"))?;
    }
    let encoder =
        Encoder::audio(ffmpeg, codec, &settings).map_err(|e| format!("{}: {e}", codec.name()))?;
    Ok(PlannedAudio {
        index,
        encoder,
        target,
        decoder,
        filtering: graph,
        codec_name: codec.name().to_owned(),
        first: first_frame.and_then(|frame| frame.try_clone().ok()),
        out_index: None,
    })
}

/// Whether the release's CLI asks `codec`, an encoder of one frame size, for frames of its
/// first frame's size (9.0 on): FLAC and WavPack take it (FLAC's own is 4608 samples), while
/// AAC, MP3 and AC-3 keep theirs.
fn sizes_frames_by_the_first(codec: &Codec) -> bool {
    codec.ffmpeg().release_version() >= FIRST_SIZING_BY_FIRST_FRAME
        && !codec.has_variable_frame_size()
}

/// The first release whose CLI asks an encoder for frames of its first frame's size.
const FIRST_SIZING_BY_FIRST_FRAME: (u8, u8) = (9, 0);

/// How a stream's turn comes out: `turned` upright first, or `autorotated` (the CLI's
/// autorotation, which states no turn on the output whether or not it made one).
#[derive(Clone, Copy, Default)]
struct Turn {
    turned: bool,
    autorotated: bool,
}

/// Adds the output stream `encoder` (named `codec_name`) writes, encoded from `stream`, with
/// its side data and tags as the CLI carries them (from 7.1, with the side data of the
/// stream's kinds of its `first` frame); its index.
fn add_encoded(
    output: &mut Output,
    stream: &Stream<'_>,
    encoder: &Encoder,
    codec_name: &str,
    turn: Turn,
    first: Option<&Frame>,
) -> Result<usize, String> {
    let index = output.add_stream(encoder).map_err(|e| e.to_string())?;
    let upright = turn.turned || turn.autorotated;
    let copied = copy_side_data(output, index, stream, upright)?;
    if let Some(first) = first.filter(|_| encoders_take_frame_side_data(stream.ffmpeg())) {
        copy_first_frames_side_data(output, index, first, &copied, upright)?;
    }
    copy_stream_tags(output, index, stream, codec_name, turn.turned).map_err(|e| e.to_string())?;
    Ok(index)
}

impl PlannedVideo {
    /// Adds its output stream, encoded from `stream`, and notes its index.
    pub fn add_to(&mut self, output: &mut Output, stream: &Stream<'_>) -> Result<usize, String> {
        // The CLI's autorotation is libavfilter's: without it no turn is made or cleared.
        let turn = Turn {
            turned: self.turned,
            autorotated: self.encoder.ffmpeg().library(Library::AvFilter).is_some(),
        };
        let first = self.first.as_ref();
        let added = add_encoded(output, stream, &self.encoder, &self.codec_name, turn, first)?;
        self.out_index = Some(added);
        Ok(added)
    }
}

impl PlannedVideo {
    /// Adds its output stream, encoded from a graph's pictures (a tile grid's): as the CLI,
    /// with no stream's tags, side data or disposition, only its `encoder` tag.
    pub fn add_from_graph_to(&mut self, output: &mut Output) -> Result<usize, String> {
        let added = output
            .add_stream(&self.encoder)
            .map_err(|e| e.to_string())?;
        set_encoder_tag(output, added, &self.codec_name).map_err(|e| e.to_string())?;
        self.out_index = Some(added);
        Ok(added)
    }
}

impl PlannedAudio {
    /// Adds its output stream, encoded from `stream`, and notes its index.
    pub fn add_to(&mut self, output: &mut Output, stream: &Stream<'_>) -> Result<usize, String> {
        let added = add_encoded(
            output,
            stream,
            &self.encoder,
            &self.codec_name,
            Turn::default(),
            self.first.as_ref(),
        )?;
        self.out_index = Some(added);
        Ok(added)
    }
}

/// Carries the input stream's side data to the stream encoded from it, as the loaded
/// release's CLI does: an HDR video keeps its mastering display and light levels, a stereo or
/// 360° video its projection. Not the CPB properties (the encoder's buffer is its own), nor
/// the container's cropping (applied to the pictures), nor a display matrix where `upright`:
/// the CLI's autorotation writes one of no turn, whether it turned the pictures or found the
/// matrix turned them by no angle it knows (all zeros, say). From 7.0 the CLI passes side
/// data through the frames, and so keeps only the kinds that reach them
/// (`SideData::reaches_frames`): not a Dolby Vision record, which the pictures encoded no
/// longer carry (5.1's and 6.1's CLI copied it).
fn copy_side_data(
    output: &mut Output,
    index: usize,
    stream: &Stream<'_>,
    upright: bool,
) -> Result<Vec<u32>, String> {
    let through_frames = stream.ffmpeg().release_version() >= (7, 0);
    let mut copied = Vec::new();
    for entry in stream.side_data() {
        let skipped = match entry.value() {
            SideDataValue::CpbProperties(_) => true,
            // Applied to the pictures (the CLI's from 7.1), and so none is left.
            SideDataValue::FrameCropping { .. } => true,
            SideDataValue::DisplayMatrix { .. } => upright,
            _ => through_frames && !entry.reaches_frames(),
        };
        if !skipped {
            output
                .copy_side_data(index, &entry)
                .map_err(|e| e.to_string())?;
            copied.push(entry.kind());
        }
    }
    Ok(copied)
}

/// Whether the release's encoders give their stream the side data of the stream's kinds
/// that the first frame the CLI gives them carries (7.1 on): an
/// HEVC's HDR10 metadata, which its SEI messages carry, reaches the new container so.
fn encoders_take_frame_side_data(ffmpeg: &Ffmpeg) -> bool {
    ffmpeg.release_version() >= (7, 1)
}

/// HDR10's static metadata that `first` carries (from its stream or its SEI messages), which
/// the CLI from 7.1 opens its encoder with among the picture's side data: libx264, libx265
/// and libsvtav1 write it into their stream. (The other kinds the CLI gives reach the output
/// stream through [`copy_first_frames_side_data`], as the encoder would give them.)
fn hdr10_side_data(first: &Frame) -> Vec<SideDataValue> {
    (first.side_data().iter().map(|entry| entry.value()))
        .filter(|value| {
            matches!(
                value,
                SideDataValue::MasteringDisplay(_) | SideDataValue::ContentLightLevel { .. }
            )
        })
        .collect()
}

/// Gives output stream `index` the side data of the stream's kinds that `first` carries,
/// but those the stream's own `copied` gave it, as the encoder does from the first frame;
/// a display matrix stays behind where the pictures were shown upright.
fn copy_first_frames_side_data(
    output: &mut Output,
    index: usize,
    first: &Frame,
    copied: &[u32],
    upright: bool,
) -> Result<(), String> {
    for entry in first.side_data() {
        let Some(kind) = entry.stream_kind() else {
            continue;
        };
        let turn = matches!(entry.value(), SideDataValue::DisplayMatrix { .. });
        if copied.contains(&kind) || (turn && upright) {
            continue;
        }
        output
            .copy_frame_side_data(index, &entry)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The graph `filters` describe for what `describe` tells (`stream`'s pictures or samples),
/// as `-vf`/`-af` build it, with the CLI's `ending` for the encoder; `None` without filters.
fn filtering(
    ffmpeg: &Ffmpeg,
    stream: &Stream<'_>,
    describe: impl FnOnce() -> Result<FilterInput, String>,
    filters: Option<&str>,
    ending: Option<String>,
) -> Result<Option<Filtering>, String> {
    let Some(filters) = filters else {
        return Ok(None);
    };
    let described = describe()?;
    let options = FilterOptions {
        audio_timed_in_samples: matches!(described, FilterInput::Audio(_)),
        output_ending: ending,
        ..FilterOptions::default()
    };
    let graph = FilterGraph::simple_with_options(ffmpeg, filters, described, &options)
        .map_err(|e| format!("stream {}: {e}", stream.index()))?;
    Filtering::new(graph).map(Some).map_err(|e| e.to_string())
}

/// `stream`'s pictures as the CLI's graph takes them in, from the first one: its size,
/// format and colours, in the stream's time base and rate, with the container's pixel
/// shape where it states one (as the lane gives every picture).
fn described_by_picture(stream: &Stream<'_>, picture: &Frame) -> Result<FilterInput, String> {
    let described = FilterInput::from_frame(picture, stream.time_base());
    match described.map_err(|e| e.to_string())? {
        FilterInput::Video(mut video) => {
            video.frame_rate = stream.guessed_frame_rate();
            if let Some(shape) = stream.container_aspect_ratio() {
                video.sample_aspect_ratio = shape;
            }
            Ok(FilterInput::Video(video))
        }
        FilterInput::Audio(_) => Err(format!("stream {}: audio, not a picture", stream.index())),
    }
}

/// Opens the video encoder; should the pixel format chosen not open (an 8-bit-only libx264
/// offered 10-bit), falls back to the encoder's first format.
fn open_video(
    codec: &Codec,
    settings: VideoSettings,
    notices: &mut Vec<String>,
) -> Result<(Encoder, VideoSettings), String> {
    let first_error = match Encoder::video(codec.ffmpeg(), codec, &settings) {
        Ok(encoder) => return Ok((encoder, settings)),
        Err(
            error @ (Error::OptionNotFound { .. }
            | Error::UnknownName { .. }
            | Error::OutOfRange { .. }
            | Error::Incompatible { .. }),
        ) => {
            return Err(error.to_string());
        }
        Err(error) => error,
    };
    // As the CLI, an odd size is kept where the encoder takes it (MPEG-2, MPEG-4 part 2);
    // one that needs even sizes for subsampled chroma (libx264) is given the even size below,
    // the Scaler dropping the odd row or column, where the CLI fails.
    let odd = settings.width % 2 == 1 || settings.height % 2 == 1;
    if odd && settings.pixel_format.chroma_subsampling() != (0, 0) {
        let even = VideoSettings {
            width: (settings.width & !1).max(2),
            height: (settings.height & !1).max(2),
            ..settings.clone()
        };
        if let Ok(encoder) = Encoder::video(codec.ffmpeg(), codec, &even) {
            notices.push(format!(
                "{} did not open at {}x{} ({first_error}); encoding {}x{}",
                codec.name(),
                settings.width,
                settings.height,
                even.width,
                even.height
            ));
            return Ok((encoder, even));
        }
    }
    let fallback = match codec.pixel_formats() {
        ffmpeg_runtime::codec::Supported::Only(formats) => formats.first().cloned(),
        ffmpeg_runtime::codec::Supported::Any => None,
    };
    let Some(fallback) = fallback.filter(|f| *f != settings.pixel_format) else {
        return Err(format!("{}: {first_error}", codec.name()));
    };
    notices.push(format!(
        "{} did not open with {} ({first_error}); using {fallback}",
        codec.name(),
        settings.pixel_format
    ));
    let settings = VideoSettings {
        pixel_format: fallback,
        ..settings
    };
    let encoder = Encoder::video(codec.ffmpeg(), codec, &settings)
        .map_err(|e| format!("{}: {e}", codec.name()))?;
    Ok((encoder, settings))
}
