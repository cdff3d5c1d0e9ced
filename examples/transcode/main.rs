//! Transcodes a media file the way `ffmpeg -i INPUT OUTPUT` does: by default with the codecs
//! the container writes by default, through FFmpeg's preferred encoder of each (for MP4,
//! H.264 through libx264 at crf 23, preset medium, and AAC at the encoder's default rate,
//! 128 kb/s for stereo), leaving out a kind the container cannot hold (video in WAV).
//!
//! ```text
//! cargo run --release --example transcode -- [INPUT] [OUTPUT] [--vcodec NAME] [--acodec NAME]
//!     [--size WxH] [--crf N] [--preset NAME] [--threads N] [--vf GRAPH] [--af GRAPH]
//!     [--fps-mode auto|vfr|cfr|passthrough] [--cli-timing 5.1|6.1|loaded] [--all-streams]
//!     [--seek SECONDS] [--duration SECONDS] [--lib-dir DIR]
//! ```
//!
//! With no INPUT it makes five seconds of synthetic 720p video with a tone and transcodes
//! that. OUTPUT defaults to `transcoded.mp4`. As the CLI, it keeps one stream of each kind
//! the container holds, the one the CLI takes (the largest picture, only a cover picture for
//! MP3; the most channels; the first subtitle stream the container's encoder takes; where the
//! loaded release is 8.1 or later, the picture of a HEIF or AVIF photo cut into tiles,
//! composed from them, as that CLI takes it: `Input::auto_selected_video`), or with
//! `--all-streams` what the CLI's `-map 0` keeps, in the input's order (every video, audio
//! and subtitle stream, Matroska's attachments, and data streams copied where the container
//! takes them, left out with a notice where the CLI fails); through the filters `--vf` and `--af`
//! give (the CLI's `-vf`/`-af`), pictures a display matrix turns (a phone's) turned upright
//! first, as the CLI does; pictures are converted to what the encoder takes through
//! libavfilter's `scale` where the build has it (as the CLI's graph converts them), audio
//! resampled and cut to the encoder's frame size; each encoder is opened for the first frame
//! its stream decodes to, as the CLI opens it (a picture's size, format and colours, audio's
//! format, rate and layout, which the headers may state otherwise);
//! pictures are placed in frame intervals as the CLI's
//! `-fps_mode` places them (by default, one per interval in MP4 before FFmpeg 7.1, each at its
//! own time in Matroska), each encoded for the length it was placed for from 6.0, as the CLI
//! gives it (its packet's duration; the last one's ends the stream); decoded frames are timed
//! as the 5.1 CLI times them, or with `--cli-timing 6.1` as 6.1 and later CLIs do (audio
//! frames by their gaps, a raw stream's pictures decoded untimed at the codec's rate;
//! `loaded`: as the loaded release's). Text
//! subtitle streams are converted to the container's own subtitle codec (ASS for Matroska),
//! as the CLI converts them, or to mov_text for MP4; others are copied where the container
//! takes their codec. As the CLI, the
//! output keeps the container's tags and chapters, and each stream its tags (language…),
//! disposition and side data (from 7.1 also that of its first frame, as the encoder takes
//! it: an HEVC's HDR10 metadata from its SEI messages), with an `encoder` tag naming its
//! encoder. `--seek` starts the output as the CLI's `-ss` before `-i` starts it: the input
//! sought to the keyframe before the position, what decodes before it dropped (audio cut to
//! the sample, in the graph's first filter), the timestamps counted from it, chapters moved
//! back by it. `--duration` ends the output as the CLI's output `-t` ends it: each stream at its
//! graph's first frame that long after its first (audio cut to the sample), then at the
//! first frame at or past that time from the output's start; subtitles and chapters after
//! it left out, the last chapter cut there, and the input's `duration` tag dropped.
//! Reading stops once every stream has ended. The output is written under a
//! temporary name and renamed at the end, so an error leaves nothing behind; Ctrl-C finishes
//! the file with what was done (a second Ctrl-C abandons it).

#[path = "../common/audio_clock.rs"]
mod audio_clock;
#[path = "../common/cli_copy.rs"]
mod cli_copy;
#[path = "../common/mod.rs"]
mod common;
#[path = "../common/error_rate.rs"]
mod error_rate;
#[path = "../common/input_clock.rs"]
mod input_clock;
mod pipeline;
mod plan;
mod progress;
mod read_ahead;
#[path = "../common/recording.rs"]
mod recording;
mod sample_clock;
#[path = "../common/stream_clock.rs"]
mod stream_clock;
mod streams;
mod subtitles;
mod synthetic;
mod tile_grid;
#[path = "../common/tile_grids.rs"]
mod tile_grids;
#[path = "../common/video_sync.rs"]
mod video_sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use audio_clock::CliTiming;
use clap::Parser;
use cli_copy::{copy_chapters, copy_container_tags, mark_defaults};
use error_rate::DecodeTally;
use ffmpeg_runtime::codec::Encoder;
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{AudioFormat, Ffmpeg, Frame, Library};

use pipeline::{AudioLane, Counts, Lanes, Placing, Timing, VideoLane};
use plan::Request;
use progress::Progress;
use recording::parse_duration;
use subtitles::SubtitleLane;
use video_sync::{FpsChoice, FpsMode};

#[derive(Parser)]
#[command(about = "Transcode a media file to H.264 and AAC (or what the loaded FFmpeg has)")]
struct Args {
    /// The file to transcode (default: a synthetic clip made on the spot).
    input: Option<PathBuf>,
    /// Where to write; the extension names the container. `-` writes to standard output
    /// (with `--format`).
    #[arg(default_value = "transcoded.mp4")]
    output: PathBuf,
    /// The container format (`matroska`, `mpegts`, `nut`…), instead of the extension's;
    /// needed for standard output, which takes formats that stream.
    #[arg(long)]
    format: Option<String>,
    /// Video encoder (default: as the CLI, the container's own: libx264 for MP4 and
    /// Matroska where the build has it, mpeg2video for MPEG-TS…).
    #[arg(long)]
    vcodec: Option<String>,
    /// Audio encoder (default: as the CLI, the container's own: aac for MP4, libvorbis (or
    /// ac3) for Matroska, mp2 for MPEG-TS…).
    #[arg(long)]
    acodec: Option<String>,
    /// Output picture size, as WxH (default: the input's).
    #[arg(long, value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// Constant rate factor, for encoders that have one (libx264's default is 23).
    #[arg(long)]
    crf: Option<String>,
    /// Encoder preset, for encoders that have one (libx264's default is medium).
    #[arg(long)]
    preset: Option<String>,
    /// Decoding and encoding threads (0: FFmpeg's choice).
    #[arg(long, default_value_t = 0)]
    threads: u32,
    /// Filters for the video stream, in the CLI's `-vf` syntax (`scale=1280:720,fps=30`).
    #[arg(long)]
    vf: Option<String>,
    /// Filters for the audio streams kept, in the CLI's `-af` syntax (`volume=0.5`).
    #[arg(long)]
    af: Option<String>,
    /// Which pictures are encoded, as the CLI's `-fps_mode`: `cfr` one per frame interval
    /// (copies fill gaps, pictures beyond an interval's are dropped), `vfr` each at its own
    /// time (those that come too early dropped), `passthrough` all; `auto` is the CLI's
    /// choice for the container (`cfr` for MP4 before FFmpeg 7.1, `vfr` for Matroska).
    #[arg(long, value_enum, default_value_t = FpsChoice::Auto)]
    fps_mode: FpsChoice,
    /// Whose CLI's timing of decoded frames to follow: `5.1` (Debian 12's) whichever release
    /// is loaded, `6.1` (which later releases keep: Matroska's millisecond timestamps give
    /// gapless audio frames more often, and the pictures of a raw stream follow one another
    /// at the codec's rate), or `loaded`, the loaded release's own.
    #[arg(long, value_enum, default_value_t = CliTiming::Debian12)]
    cli_timing: CliTiming,
    /// Keep what the CLI's `-map 0` keeps, in the input's order: every video, audio and
    /// subtitle stream, and attachments (into Matroska), not only the one of each kind that
    /// the CLI takes for the container.
    #[arg(long)]
    all_streams: bool,
    /// Write this much and no more, as the CLI's output `-t`: `SECONDS[.FRACTION]` or
    /// `[HH:]MM:SS[.FRACTION]`. Each stream ends at its first frame at or past it (audio cut
    /// to the sample), chapters after it are left out, and reading stops once every stream
    /// has ended.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<i64>,
    /// Start this far into the input, as the CLI's `-ss` before `-i`: the input is sought to
    /// the keyframe before it, and what is decoded before it is dropped (audio to the
    /// sample); the output starts at zero there. Written as `--duration` is.
    #[arg(long, value_parser = parse_duration)]
    seek: Option<i64>,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or("expected WxH, such as 1280x720")?;
    let number = |s: &str| s.parse::<u32>().ok().filter(|&n| n > 0);
    number(w)
        .zip(number(h))
        .ok_or_else(|| format!("{text}: expected WxH, such as 1280x720"))
}

/// Set by the first Ctrl-C: the loop stops reading and finishes the file.
static STOP: AtomicBool = AtomicBool::new(false);
/// The file being written, removed if a second Ctrl-C abandons it.
static PARTIAL: OnceLock<PathBuf> = OnceLock::new();

fn main() -> ExitCode {
    let args = Args::parse();
    // FFmpeg's own messages go through `log`: RUST_LOG=ffmpeg=warning shows them.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("off")).init();
    let handler = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            if let Some(path) = PARTIAL.get() {
                let _ = std::fs::remove_file(path);
            }
            std::process::exit(130);
        }
    });
    if let Err(error) = handler {
        eprintln!("transcode: Ctrl-C will not finish the file: {error}");
    }
    match run(&args) {
        Ok(Outcome::Done(counts)) => DecodeTally {
            frames: counts.decoded,
            errors: counts.decode_errors,
        }
        .exit_code("transcode"),
        Ok(Outcome::Interrupted(counts)) => {
            eprintln!(
                "transcode: interrupted; {} holds the first {:.2} s",
                args.output.display(),
                counts.position_us as f64 / 1e6
            );
            ExitCode::from(130)
        }
        Err(message) => {
            eprintln!("transcode: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Outcome {
    Done(Counts),
    Interrupted(Counts),
}

fn run(args: &Args) -> Result<Outcome, String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    ffmpeg.set_log_level(log::max_level());
    let synthetic;
    let input_path = match &args.input {
        Some(path) => path.clone(),
        None => {
            let path = std::env::temp_dir().join(format!(
                "ffmpeg-runtime-synthetic-{}.mkv",
                std::process::id()
            ));
            synthetic = RemovedOnDrop(path.clone());
            synthetic::make(&ffmpeg, &synthetic.0, 5)
                .map_err(|e| format!("making the synthetic input: {e}"))?;
            path
        }
    };
    if same_file(&input_path, &args.output) {
        return Err(format!(
            "{} is both input and output",
            args.output.display()
        ));
    }
    let input =
        Input::open(&ffmpeg, &input_path).map_err(|e| format!("{}: {e}", input_path.display()))?;
    let request = Request {
        vcodec: args.vcodec.clone(),
        acodec: args.acodec.clone(),
        size: args.size,
        crf: args.crf.clone(),
        preset: args.preset.clone(),
        threads: args.threads,
        video_filters: args.vf.clone(),
        fps_mode: args.fps_mode.mode(),
        // After a seek, as the CLI: its graph's first filter cuts the samples before the
        // position, to the sample.
        audio_filters: match args.seek {
            Some(_) => Some(format!(
                "atrim=start=0,{}",
                args.af.as_deref().unwrap_or("anull")
            )),
            None => args.af.clone(),
        },
        all_streams: args.all_streams,
        cli_timing: args.cli_timing,
        limit_us: args.duration,
        seek_us: args.seek,
        source: input_path.clone(),
    };
    let counts = if args.output.as_os_str() == "-" {
        let format = args
            .format
            .as_deref()
            .ok_or("standard output needs --format (matroska, mpegts, nut, …)")?;
        let written = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let sink = Counted(std::io::stdout(), written.clone());
        let output = Output::to_stream(&ffmpeg, sink, format).map_err(|e| format!("-: {e}"))?;
        let size = || written.load(Ordering::Relaxed);
        transcode(&ffmpeg, input, output, &request, Path::new("-"), &size)?
    } else {
        let partial = Partial::new(&args.output)?;
        let output = Output::create_as(&ffmpeg, &partial.path, args.format.as_deref())
            .map_err(|e| format!("{}: {e}", args.output.display()))?;
        let size = || std::fs::metadata(&partial.path).map_or(0, |m| m.len());
        let counts = transcode(&ffmpeg, input, output, &request, &args.output, &size)?;
        partial.commit()?;
        counts
    };
    Ok(if STOP.load(Ordering::SeqCst) {
        Outcome::Interrupted(counts)
    } else {
        Outcome::Done(counts)
    })
}

/// Sets the lanes up, runs them, and finishes the output.
fn transcode(
    ffmpeg: &Ffmpeg,
    mut input: Input,
    mut output: Output,
    request: &Request,
    target: &Path,
    written: &dyn Fn() -> u64,
) -> Result<Counts, String> {
    let global_header = output.needs_global_header();
    let mut notices = Vec::new();
    if let Some(position) = request.seek_us {
        if ffmpeg.library(Library::AvFilter).is_none() {
            return Err(
                "--seek cuts audio at the position with libavfilter, which the \
                        loaded FFmpeg lacks"
                    .into(),
            );
        }
        // As the CLI; where the input cannot seek (a raw stream), it is read from the start
        // and what comes before the position dropped.
        if let Err(error) = input.seek_to_position_us(position) {
            eprintln!("transcode: could not seek, reading from the start: {error}");
        }
    }
    // As the CLI: the container's tags and chapters, the chapters moved with the start (and
    // the position sought).
    let start_us =
        (input.start_time_us().unwrap_or(0)).saturating_add(request.seek_us.unwrap_or(0));
    let limit_us = request.limit_us;
    copy_container_tags(&input, &mut output, limit_us.is_some()).map_err(|e| e.to_string())?;
    copy_chapters(&input, &mut output, start_us, limit_us).map_err(|e| e.to_string())?;
    let muxer = output.muxer();
    let all = request.all_streams;
    // Every encoder is opened before any output stream is added, so that the streams can be
    // added in the order asked for.
    // From 8.0, as that CLI: a tile grid's picture, where it ranks first (not with `-map 0`).
    let mut grid = match all {
        true => None,
        false => tile_grid::selected_grid(&input, &output, &request.source, request.threads)?,
    };
    if grid.is_some() && request.seek_us.is_some() {
        return Err(
            "--seek was given for a photo composed from tiles, which has one picture \
                    and no time to seek in"
                .into(),
        );
    }
    let video_streams = match &grid {
        Some(grid) => vec![grid.stream],
        None => streams::video_streams(&input, &output, all, &mut notices)?,
    };
    let is_grid = |index: usize| grid.as_ref().is_some_and(|grid| grid.stream == index);
    let video_codec = match video_streams.is_empty() {
        true => None,
        false => plan::encoder_for(ffmpeg, request.vcodec.as_deref(), &output, MediaType::Video)?,
    };
    let audio_streams = streams::kept_streams(&input, MediaType::Audio, &muxer, all)?;
    let audio_codec = match audio_streams.is_empty() {
        true => None,
        false => plan::encoder_for(ffmpeg, request.acodec.as_deref(), &output, MediaType::Audio)?,
    };
    // As the CLI, each encoder is opened from the first frame its stream gives.
    let mut encoded = Vec::new();
    if video_codec.is_some() {
        // A grid's tiles were read from an input of their own.
        encoded.extend(video_streams.iter().filter(|&&index| !is_grid(index)));
    }
    if audio_codec.is_some() {
        encoded.extend(&audio_streams);
    }
    let subtitle_streams = streams::kept_streams(&input, MediaType::Subtitle, &muxer, all)?;
    // Said after the encoders' notices, as they were found after them.
    let mut copy_notices = Vec::new();
    let copied_streams = match all {
        true => streams::copied_streams(&input, &muxer, &mut copy_notices),
        false => Vec::new(),
    };
    // As the CLI, which reads no stream that no output uses (an MP4's MPEG-4 systems
    // streams, whose data a cut file may lack, which would end the reading), and every one
    // an output uses, those a demuxer sets aside too (an MP4's chapter track, copied).
    let used: Vec<usize> = (encoded.iter().chain(&subtitle_streams).copied())
        .chain(copied_streams.iter().map(|&(index, _)| index))
        .collect();
    for index in 0..input.stream_count() {
        input
            .set_discarded(index, !used.contains(&index))
            .map_err(|e| e.to_string())?;
    }
    let read_ahead = read_ahead::read_ahead(&mut input, &encoded).map_err(|e| e.to_string())?;
    let mut planned_video = Vec::new();
    if let Some(codec) = &video_codec {
        for &index in &video_streams {
            let stream = input.stream(index).expect("listed above");
            let first = match &grid {
                Some(grid) if grid.stream == index => Some(&grid.picture),
                _ => read_ahead.first_frame(index),
            };
            let planned =
                streams::plan_video(&stream, first, codec, request, global_header, &mut notices)?;
            planned_video.push(planned);
        }
    }
    let mut planned_audio = Vec::new();
    if let Some(codec) = &audio_codec {
        for &index in &audio_streams {
            let stream = input.stream(index).expect("listed above");
            let first = read_ahead.first_frame(index);
            let planned = streams::plan_audio(&stream, first, codec, request, global_header)?;
            planned_audio.push(planned);
        }
    }
    notices.append(&mut copy_notices);
    let timing = Timing {
        lead_us: lead_us(
            ffmpeg,
            &output,
            planned_audio.iter().map(|a| (&a.encoder, &a.target)),
        ),
        cli: request.cli_timing,
        pictures_as_6_1: request.cli_timing.follows_6_1(ffmpeg),
        untimed_packets: request.cli_timing.follows_6_1(ffmpeg)
            && !input.demuxer().gives_timestamps(),
        limit_us,
        start_us: request.seek_us,
    };
    // As the CLI: video, audio, then subtitles; with `-map 0` (`--all-streams`) the input's
    // order.
    let mut order: Vec<(usize, MediaType)> = (planned_video.iter())
        .map(|planned| (planned.index, MediaType::Video))
        .chain(planned_audio.iter().map(|a| (a.index, MediaType::Audio)))
        .chain(subtitle_streams.iter().map(|&i| (i, MediaType::Subtitle)))
        .chain(copied_streams.iter().copied())
        .collect();
    if all {
        order.sort_by_key(|&(index, _)| index);
    }
    let mut kinds = Vec::new();
    let mut subtitles = Vec::new();
    for (index, kind) in order {
        let stream = input.stream(index).expect("listed above");
        let out_index = match kind {
            MediaType::Video => {
                let planned = planned_video.iter_mut().find(|p| p.index == index);
                let planned = planned.expect("planned");
                match is_grid(index) {
                    // As the CLI, a graph's output takes no stream's tags or disposition.
                    true => {
                        let out_index = planned.add_from_graph_to(&mut output)?;
                        kinds.push((out_index, kind, 0));
                        continue;
                    }
                    false => planned.add_to(&mut output, &stream)?,
                }
            }
            MediaType::Audio => {
                let planned = planned_audio.iter_mut().find(|p| p.index == index);
                planned.expect("planned").add_to(&mut output, &stream)?
            }
            MediaType::Attachment => {
                // Carried in the header alone (an attachment has no packets).
                output.add_copy_stream(&stream).map_err(|e| e.to_string())?;
                continue;
            }
            _ => {
                let lane = match kind {
                    MediaType::Data => {
                        SubtitleLane::copy(&stream, &mut output, timing, &mut notices)
                    }
                    _ => SubtitleLane::plan(&stream, &mut output, timing, &mut notices),
                };
                let lane = lane.map_err(|e| format!("{kind} stream {index}: {e}"))?;
                let Some(lane) = lane else {
                    continue;
                };
                let out_index = lane.output_index();
                subtitles.push(lane);
                out_index
            }
        };
        kinds.push((out_index, kind, stream.disposition()));
    }
    mark_defaults(&mut output, &kinds).map_err(|e| e.to_string())?;
    // As the CLI's `-fps_mode auto`.
    let placing = Placing {
        mode: request
            .fps_mode
            .unwrap_or_else(|| FpsMode::auto(&output.muxer(), input.streams().count())),
        filters_asked: request.video_filters.is_some(),
    };
    let mut video = Vec::new();
    for planned in planned_video {
        let out_index = planned.out_index.expect("added above");
        let stream = input.stream(planned.index).expect("listed above");
        let settings = &planned.settings;
        let scaled = Frame::video(
            ffmpeg,
            settings.width,
            settings.height,
            &settings.pixel_format,
        )
        .map_err(|e| e.to_string())?;
        let lane = VideoLane::new(
            &stream,
            planned.encoder,
            scaled,
            out_index,
            timing,
            request.threads,
            planned.filtering,
            placing,
        );
        let mut lane = lane.map_err(|e| e.to_string())?;
        if let Some(grid) = grid.take().filter(|grid| grid.stream == planned.index) {
            lane.take_composed(grid.picture);
        }
        video.push(lane);
    }
    let mut audio = Vec::new();
    for planned in planned_audio {
        let out_index = planned.out_index.expect("added above");
        let stream = input.stream(planned.index).expect("listed above");
        let lane = AudioLane::new(
            &stream,
            planned.encoder,
            planned.target,
            out_index,
            timing,
            planned.decoder,
            planned.filtering,
        );
        audio.push(lane.map_err(|e| e.to_string())?);
    }
    if video.is_empty() && audio.is_empty() && subtitles.is_empty() {
        return Err(match notices.is_empty() {
            true => "the input has no video, audio or subtitle stream".into(),
            false => format!("nothing to write: {}", notices.join("; ")),
        });
    }
    for notice in &notices {
        eprintln!("transcode: {notice}");
    }
    output.write_header().map_err(|e| e.to_string())?;
    // Over what will be written: the input's length from the position sought, or less
    // (`--duration`).
    let left_us = (input.duration_us()).map(|us| us - request.seek_us.unwrap_or(0));
    let length_us = match (left_us, limit_us) {
        (Some(duration), Some(limit)) => Some(duration.min(limit)),
        (duration, limit) => duration.or(limit),
    };
    let mut progress = Progress::new(length_us);
    let lanes = Lanes {
        video,
        audio,
        subtitles,
    };
    let counts = pipeline::run(
        &mut input,
        read_ahead,
        &mut output,
        lanes,
        timing,
        &STOP,
        |c| progress.update(c),
    )
    .map_err(|e| e.to_string())?;
    output.finish().map_err(|e| e.to_string())?;
    progress.finish();
    if let Some(error) = &counts.read_error {
        eprintln!("transcode: reading stopped early, what was read is kept: {error}");
    }
    let seconds = progress.elapsed().as_secs_f64().max(1e-6);
    eprintln!(
        "{}: {} frames, {:.2} s, {}, {:.0} fps average{}",
        target.display(),
        counts.video_frames,
        counts.position_us as f64 / 1e6,
        size_of(written()),
        counts.video_frames as f64 / seconds,
        match counts.decode_errors {
            0 => String::new(),
            n => format!(", {n} decoding errors skipped"),
        }
    );
    Ok(counts)
}

/// The delay that keeps libavformat 4.x from meeting negative timestamps (see
/// [`Timing::lead_us`]): the longest audio priming, for containers that cannot store negative
/// timestamps; MP4 and MOV can (in an edit list), and newer libavformat shifts correctly.
fn lead_us<'a>(
    ffmpeg: &Ffmpeg,
    output: &Output,
    audio: impl Iterator<Item = (&'a Encoder, &'a AudioFormat)>,
) -> i64 {
    let edit_lists = ["mp4", "mov", "ipod", "3gp", "3g2", "psp", "ismv", "f4v"];
    let shifts_badly = ffmpeg
        .library(Library::AvFormat)
        .expect("a required library")
        .version()
        .major
        == 58;
    if !shifts_badly || edit_lists.contains(&output.format_name().as_str()) {
        return 0;
    }
    audio
        .map(|(encoder, format)| {
            encoder.initial_padding() as i64 * 1_000_000 / i64::from(format.sample_rate.max(1))
        })
        .max()
        .unwrap_or(0)
}

fn size_of(bytes: u64) -> String {
    let bytes = bytes as f64;
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", bytes / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KiB", bytes / 1024.0)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Standard output, counting what goes through.
struct Counted(
    std::io::Stdout,
    std::sync::Arc<std::sync::atomic::AtomicU64>,
);

impl std::io::Write for Counted {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let written = self.0.write(data)?;
        self.1.fetch_add(written as u64, Ordering::Relaxed);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `.NAME.partial.EXT` beside `output`: hidden, and with the extension that names the format.
fn partial_path(output: &Path) -> Result<PathBuf, String> {
    let extension = output.extension().and_then(|e| e.to_str()).ok_or_else(|| {
        format!(
            "{}: the name needs an extension that names the container (.mp4, .mkv)",
            output.display()
        )
    })?;
    let stem = output
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("output");
    Ok(output.with_file_name(format!(".{stem}.partial.{extension}")))
}

/// The file being written: removed unless committed, so failures leave nothing behind.
struct Partial {
    path: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Partial {
    fn new(target: &Path) -> Result<Partial, String> {
        let path = partial_path(target)?;
        let _ = PARTIAL.set(path.clone());
        Ok(Partial {
            path,
            target: target.to_owned(),
            committed: false,
        })
    }

    fn commit(mut self) -> Result<(), String> {
        std::fs::rename(&self.path, &self.target)
            .map_err(|e| format!("{}: {e}", self.target.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

struct RemovedOnDrop(PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
