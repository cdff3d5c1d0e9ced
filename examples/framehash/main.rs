//! Decodes one stream and prints an MD5 per frame, comparable with FFmpeg's `framemd5`;
//! optionally through a filter graph, as `ffmpeg -i IN -vf GRAPH -f framemd5 -` does.
//!
//! ```text
//! cargo run --release --example framehash -- INPUT [--lib-dir DIR] [--stream INDEX] [--threads N]
//!     [--vf GRAPH | --af GRAPH] [--fps-mode auto|vfr|cfr|passthrough] [--seek SECONDS] [--frames N]
//!     [--duration SECONDS] [--cli-timing 5.1|6.1|loaded] [--count-only] [--stream-group N]
//! ```
//!
//! `INPUT` may be `-`: standard input, read as a stream (`cat clip.ts | framehash -`), or a
//! URL, reached only through the protocols `--protocols` names and waiting at most
//! `--timeout` seconds in any one call (`framehash http://host/clip.ts --protocols http,tcp
//! --timeout 5`).
//!
//! One line per frame in output order, `<n>,<pts>,<W>x<H>,<pix_fmt>,<md5>` for pictures and
//! `<n>,<pts>,<samples>,<sample_fmt>,<md5>` for audio, the MD5 taken over the planes packed
//! with no padding; then `frames: N`.
//!
//! Without a filter, pictures are those the decoder gives, stamped with their best-effort
//! timestamps; as the CLI's graph without `-vf`, where libavfilter is loaded, turns them
//! upright (from 7.1 cropped first as the container says; `--noautorotate` leaves them as
//! stored) and after a change of size or format mid-stream scales and converts them to the
//! first picture's, so does `framehash`. The stream is the one the CLI takes without
//! `-map` (the largest picture, or with `--af` the most channels), or `--stream`.
//! `--vf GRAPH` filters the video stream as the CLI's `-vf` does, and then, as the CLI
//! writing `framemd5`, stamps each picture in
//! `1/frame rate` of the graph's output and drops those that would come too early
//! (`--fps-mode passthrough` keeps every one). `--af GRAPH` filters the audio stream; an
//! audio stream is hashed as the CLI hashes it, converted to `s16` samples, timestamps in
//! `1/sample rate`. Where the decoder leaves a frame untimed (every picture of a raw H.264
//! file, a cover picture, a picture or audio frame drained after the last packet), the
//! CLI's own clock of the input times it, as the CLI does. With `--vf`, pictures that a
//! display matrix shows turned or mirrored are turned first, as the CLI's autorotation turns
//! them: by the first picture's matrix (a JPEG's EXIF orientation), else the stream's
//! (`--noautorotate` leaves them); before that, from 7.1, they are cropped as the container
//! says (`filter::container_crop_filter`), as that CLI crops them. `--seek S` starts at the
//! first picture at or after S seconds, or at the sample at S, as `ffmpeg -ss S -i` (an
//! input that cannot seek is read from the start). As the CLI, the streams not hashed are
//! left unread once the input is sought. `--duration D` ends the hashes where
//! `ffmpeg -i IN -t D -f framemd5` ends them (audio cut to the sample), and reading with
//! them. With `--vf`, `--af`, `--seek` or `--duration`, packets go on the CLI's timeline
//! (`format::Timeline`), which takes out the jumps of MPEG-TS and MPEG-PS. Decode errors
//! inside the stream are counted and reported on stderr, as the ffmpeg CLI does; an input
//! that cannot be opened, a stream of another kind, a graph that cannot be built, a stream
//! that gives no frame and whose container states no format (the CLI's "Cannot determine
//! format"), or standard output closed early exits non-zero with one line.
//!
//! Where the loaded release is 8.1 or later, the video the CLI takes may be the one picture
//! of a HEIF or AVIF tile grid (a phone's photo), composed from its tiles
//! (`Input::auto_selected_video`, `TileGrid::compose`), where the 5.1, 7.x and 8.0 CLI take
//! a tile; `--stream-group N` takes grid N whatever the release (the CLI's `-map 0:g:N`). As
//! the CLI, `--vf` is refused for a grid's picture, and `--seek` past its time leaves none.
//!
//! Frames are timed as the 5.1 CLI (Debian 12's) times them, whichever release is loaded.
//! The pictures and samples are the loaded release's, and equal its own CLI's (compared on
//! 4.3, 7.1 and 9.0); those CLIs time a few things otherwise (with a graph: the pictures of a
//! raw stream, audio after a step in its packets' timestamps). `--cli-timing 6.1` times them
//! as 6.1 and later CLIs do (equal to 6.1's to 9.0's on the corpus): audio frames by their
//! gaps, and pictures each at its decoder's time, one left untimed where the last one ended
//! (the pictures of a raw H.264, HEVC or MPEG video stream, a demuxer that keeps no
//! timestamps, are all decoded untimed, and so follow one another at the codec's rate);
//! `loaded` as the loaded release's own CLI.

#[path = "../common/audio_clock.rs"]
mod audio_clock;
#[path = "../common/mod.rs"]
mod common;
mod ending;
#[path = "../common/error_rate.rs"]
mod error_rate;
mod first_shape;
#[path = "../common/input_clock.rs"]
mod input_clock;
#[path = "../common/recording.rs"]
mod recording;
#[path = "../common/stream_clock.rs"]
mod stream_clock;
mod stream_group;
#[path = "../common/tile_grids.rs"]
mod tile_grids;
#[path = "../common/video_sync.rs"]
mod video_sync;

use std::io::{BufWriter, Stdout, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use audio_clock::{AudioClock, CliTiming};
use clap::Parser;
use ending::Ending;
use error_rate::DecodeTally;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::filter::{
    AudioInput, FilterGraph, FilterInput, FilterOptions, VideoInput, container_crop_filter,
    upright_filters_for,
};
use ffmpeg_runtime::format::{Input, MediaType, Stream, Timeline, UrlOptions};
use ffmpeg_runtime::{Ffmpeg, Frame, Library, Packet, Rational};
use first_shape::FirstShape;
use input_clock::{InputClock, UntimedPictures};
use md5::{Digest, Md5};
use recording::parse_duration;
use video_sync::{FpsChoice, FpsMode as SyncMode, Placement, VideoSync};

#[derive(Parser)]
#[command(about = "MD5 of every decoded (and filtered) frame of one stream")]
struct Args {
    /// The media file, or `-` for standard input.
    input: PathBuf,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// The absolute index of the stream to decode (default: the video the CLI takes without
    /// `-map`, the largest picture, from 8.1 a tile grid's; with `--af`, its audio stream,
    /// the most channels).
    #[arg(long)]
    stream: Option<usize>,
    /// The picture of this stream group instead (a HEIF or AVIF tile grid), composed from
    /// its tiles as the 8.1 and later CLI compose it (their `-map 0:g:N`).
    #[arg(long, conflicts_with_all = ["stream", "vf", "af"])]
    stream_group: Option<usize>,
    /// Decoding threads (0: FFmpeg's choice).
    #[arg(long, default_value_t = 0)]
    threads: u32,
    /// Filters for a video stream, in the CLI's `-vf` syntax.
    #[arg(long, conflicts_with = "af")]
    vf: Option<String>,
    /// Filters for an audio stream, in the CLI's `-af` syntax.
    #[arg(long)]
    af: Option<String>,
    /// Which pictures to keep, as the CLI's `-fps_mode`: `vfr` drops those that come too
    /// early, `cfr` also fills gaps with copies (one per frame interval), `passthrough` keeps
    /// all; `auto` is the CLI's choice for framemd5 (`vfr`) with `--vf` or `--seek`,
    /// `passthrough` otherwise.
    #[arg(long, value_enum, default_value_t = FpsChoice::Auto)]
    fps_mode: FpsChoice,
    /// Leave pictures as stored rather than turned as their display matrix says (the CLI's
    /// `-noautorotate`).
    #[arg(long)]
    noautorotate: bool,
    /// Whose CLI's timing of decoded frames to follow: `5.1` (Debian 12's) whichever release
    /// is loaded, `6.1` (which later releases keep: Matroska's millisecond timestamps give
    /// gapless audio frames more often, and a raw stream's pictures follow one another at
    /// the codec's rate), or `loaded`, the loaded release's own.
    #[arg(long, value_enum, default_value_t = CliTiming::Debian12)]
    cli_timing: CliTiming,
    /// Start at the first picture at or after this many seconds from the file's start, or
    /// the sample there, as the CLI's `-ss` before `-i` (the keyframe before it is sought,
    /// what comes before it is decoded and dropped); timestamps then count from it.
    #[arg(long)]
    seek: Option<f64>,
    /// Stop after this many frames (the CLI's `-frames:v`).
    #[arg(long)]
    frames: Option<usize>,
    /// Hash this much and no more, as the CLI's output `-t`: `SECONDS[.FRACTION]` or
    /// `[HH:]MM:SS[.FRACTION]`. Frames are then timed as the CLI times them (as with `--vf`);
    /// pictures end at the first that starts that long after the first, or at or past it
    /// from the output's start; audio is cut to the sample.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<i64>,
    /// Only count the frames.
    #[arg(long)]
    count_only: bool,
    /// The protocols a URL may use, comma-separated (`http,tcp`); a plain path uses `file`.
    #[arg(long, value_delimiter = ',')]
    protocols: Vec<String>,
    /// The longest any one call may wait on a URL, in seconds.
    #[arg(long)]
    timeout: Option<f64>,
}

/// What the CLI's framemd5 takes of audio, converted by the graph's last filter: 16-bit
/// samples (a graph rebuilt for another rate converts to its first rate in the same filter).
const AUDIO_ENDING: &str = "aformat=sample_fmts=s16";

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(tally) => tally.exit_code("framehash"),
        Err(message) => {
            eprintln!("framehash: {message}");
            ExitCode::FAILURE
        }
    }
}

fn open(ffmpeg: &Ffmpeg, args: &Args) -> Result<Input, String> {
    let text = args.input.to_string_lossy();
    let input = if text == "-" {
        Input::from_stream(ffmpeg, std::io::stdin())
    } else if text.contains("://") {
        let protocols: Vec<&str> = args.protocols.iter().map(String::as_str).collect();
        let mut options = UrlOptions::new(&protocols);
        if let Some(seconds) = args.timeout {
            let timeout = Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())?;
            options = options.timeout(timeout);
        }
        Input::open_url(ffmpeg, &text, &options)
    } else {
        Input::open(ffmpeg, &args.input)
    };
    input.map_err(|e| format!("{}: {e}", args.input.display()))
}

fn run(args: &Args) -> Result<DecodeTally, String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let mut input = open(&ffmpeg, args)?;
    let grid = match (args.stream_group, args.stream, &args.af) {
        (Some(group), ..) => Some(group),
        (None, None, None) => {
            let muxer = ffmpeg.muxer("framemd5").map_err(|e| e.to_string())?;
            tile_grids::selected_tile_grid(&input, &muxer)?
        }
        _ => None,
    };
    if let Some(group) = grid {
        let mut out = BufWriter::new(std::io::stdout());
        let hashing = stream_group::GridHashing {
            group,
            threads: args.threads,
            seek: args.seek,
            limit: args.frames,
            count_only: args.count_only,
        };
        return match &args.vf {
            None => hashing.run(&mut input, &mut out),
            // The CLI's own refusal.
            Some(graph) => Err(format!(
                "--vf {graph} was given for the picture of tile grid {group}, which the CLI \
                 composes in a graph of its own: simple and complex filtering cannot be \
                 used together for the same stream (use --stream to hash a tile)"
            )),
        };
    }
    let wanted = if args.af.is_some() {
        MediaType::Audio
    } else {
        MediaType::Video
    };
    let stream = match args.stream {
        Some(index) => input
            .stream(index)
            .ok_or_else(|| format!("no stream {index}"))?,
        None => input
            .auto_selected_stream(wanted)
            .ok_or_else(|| format!("no {wanted} stream"))?,
    };
    let kind = stream.media_type();
    // As the CLI, which turns pictures upright (and from 7.1 crops them as the container
    // says) without `-vf` too: through a graph of its own, taken only where the first
    // picture needs it, and timed as the pictures decoded.
    let turns_only = kind == MediaType::Video
        && args.vf.is_none()
        && args.af.is_none()
        && !args.noautorotate
        && ffmpeg.library(Library::AvFilter).is_some();
    let filters = match kind {
        // As the CLI, a picture meant to be shown turned is turned first.
        MediaType::Video if args.af.is_none() => {
            (args.vf.clone()).or_else(|| turns_only.then(|| "null".to_owned()))
        }
        // After a seek, the CLI's first filter cuts the samples before the position, to the
        // sample. (It hashes audio as 16-bit samples: the graph's ending, `AUDIO_ENDING`.)
        MediaType::Audio if args.vf.is_none() => Some(format!(
            "{}{}",
            if args.seek.is_some() {
                "atrim=start=0,"
            } else {
                ""
            },
            args.af.as_deref().unwrap_or("anull")
        )),
        other => {
            return Err(format!(
                "stream {} is {other}, not what {} filters",
                stream.index(),
                if args.af.is_some() { "--af" } else { "--vf" }
            ));
        }
    };
    let sync_mode = match args.fps_mode.mode() {
        // What the CLI chooses for framemd5.
        None if args.vf.is_some() || args.seek.is_some() || args.duration.is_some() => {
            let muxer = ffmpeg.muxer("framemd5").map_err(|e| e.to_string())?;
            Some(SyncMode::auto(&muxer, input.streams().count()))
        }
        // Each picture printed at its own time, in the stream's time base.
        None | Some(SyncMode::Passthrough) => None,
        placing => placing,
    }
    .filter(|_| kind == MediaType::Video);
    let mut hasher = FrameHasher {
        audio: kind == MediaType::Audio,
        count: 0,
        count_only: args.count_only,
        limit: args.frames,
        trim: args.seek.is_some(),
        ending: Ending::new(args.duration),
        time_base: stream.time_base(),
        first_shape: FirstShape::new(
            kind == MediaType::Video && ffmpeg.library(Library::AvFilter).is_some(),
        ),
        direct: sync_mode.filter(|_| args.vf.is_none()).map(|mode| {
            let rate = stream.guessed_frame_rate();
            VideoSync::new(mode, rate, rate, stream.time_base())
        }),
        previous: None,
        packed: Vec::new(),
        out: BufWriter::new(std::io::stdout()),
        clock: None,
        untimed: None,
        strip_timestamps: false,
        draining: false,
        received: 0,
        audio_frames: Vec::new(),
        last_picture: (None, None),
        filtering: filters.map(|description| Filtering {
            description,
            upright: (kind == MediaType::Video && !args.noautorotate)
                .then(|| stream.display_matrix()),
            crop: match kind {
                MediaType::Video => container_crop_filter(&stream),
                _ => None,
            },
            time_base: stream.time_base(),
            frame_rate: stream.guessed_frame_rate(),
            container_shape: stream.container_aspect_ratio(),
            turns_only,
            graph: None,
            sync: None,
            sync_mode,
            audio_clock: AudioClock::new(stream.ffmpeg(), args.cli_timing),
            last_written: None,
        }),
    };
    let (index, time_base) = (stream.index(), stream.time_base());
    // As the CLI: the timeline starts where the stream does (MPEG-TS, MPEG-PS) or the file
    // does, or at the position sought from the file's start; a jump in it is taken out.
    let position_us = args.seek.map(|seconds| (seconds * 1e6).round() as i64);
    let mut timeline = match position_us {
        Some(position) => {
            let release = args.cli_timing.release(&ffmpeg);
            Timeline::from_position_as(&input, &[index], position, release)
        }
        None => Timeline::new(&input, &[index]),
    };
    // As the CLI, whose clock of a decoded stream is 5.1's decoder's, and from 6.1 its
    // demuxer's, which knows nothing of what is decoded.
    timeline.decodes_as(index, args.cli_timing.release(&ffmpeg));
    let shift_packets = hasher.filtering.as_ref().is_some_and(|f| !f.turns_only)
        || hasher.direct.is_some()
        || args.seek.is_some()
        || args.duration.is_some();
    if shift_packets {
        // Where the output claims the CLI's, what has no timestamp is timed by its clock.
        hasher.clock = Some(InputClock::new(
            time_base,
            stream.video_delay(),
            stream.average_frame_rate(),
        ));
        // From 6.1 the CLI decodes video packets as read (a raw stream's made-up timestamps
        // taken away), and times each picture itself.
        let pictures_as_6_1 = args.cli_timing.follows_6_1(&ffmpeg) && kind == MediaType::Video;
        hasher.strip_timestamps = pictures_as_6_1 && !input.demuxer().gives_timestamps();
        hasher.untimed =
            pictures_as_6_1.then(|| UntimedPictures::new(time_base, stream.average_frame_rate()));
    }
    let average_rate = Some(stream.average_frame_rate());
    if let Some(position) = position_us {
        // As the CLI; where the input cannot seek (a raw stream), it is read from the start
        // and the frames before the position dropped.
        if let Err(e) = input.seek_to_position_us(position) {
            eprintln!("framehash: could not seek, reading from the start: {e}");
        }
    }
    // As the CLI, the decoder is set up after the seek, from what the demuxer's parser then
    // states (an MP3 whose rate changes: the rate where it landed).
    let stream = input.stream(index).expect("the stream chosen above");
    // What the CLI's graph would be set up from at the end where no frame came: the
    // format, then what its buffer source needs beside (a size; a rate and channels).
    let format_stated = match kind {
        MediaType::Video => stream.pixel_format().is_some(),
        _ => stream.sample_format().is_some(),
    };
    let shape_stated = match kind {
        MediaType::Video => stream.width() > 0 && stream.height() > 0,
        _ => stream.sample_rate() > 0 && stream.channels().is_some_and(|n| n > 0),
    };
    let mut decoder = Decoder::new(
        &stream,
        &DecoderOptions {
            threads: args.threads,
            ..DecoderOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    // As the CLI, which reads no stream that no output uses, and leaves them once it has
    // sought: a Matroska demuxer that skips to the sought keyframe then skips this stream's
    // packets before it, where the keyframe's own packet, now unread, would have ended the skip.
    for other in (0..input.stream_count()).filter(|&other| other != index) {
        input
            .set_discarded(other, true)
            .map_err(|e| e.to_string())?;
    }
    let mut packet = Packet::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut frame = Frame::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut errors = 0usize;
    while !hasher.done_reading() {
        match input.read_packet(&mut packet) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("framehash: reading stopped: {e}");
                break;
            }
        }
        if packet.stream_index() != index {
            continue;
        }
        if shift_packets {
            timeline.place(&mut packet);
        }
        if let Some(filtering) = hasher.filtering.as_mut() {
            let refused = filtering.audio_clock.arrives(&packet);
            if kind == MediaType::Audio && refused {
                errors += 1;
                eprintln!(
                    "framehash: decoding error: an empty packet, which the CLI's decoder refuses"
                );
            }
        }
        if let Some(clock) = hasher.clock.as_mut() {
            let dts = clock.packet(packet.dts());
            if hasher.strip_timestamps {
                packet.set_pts(None);
                packet.set_dts(None);
            } else if kind == MediaType::Video && hasher.untimed.is_none() {
                packet.set_dts(dts);
            }
        }
        if let Err(e) = decoder.send(&packet) {
            errors += 1;
            eprintln!("framehash: decoding error: {e}");
        }
        let before = hasher.received;
        errors += hasher.drain(&mut decoder, &mut frame)?;
        if hasher.received > before {
            let (pts, duration) = hasher.last_picture;
            timeline.picture(index, pts, duration);
        }
        for (samples, rate) in hasher.audio_frames.drain(..) {
            timeline.samples_decoded(index, samples, rate);
        }
        if let Some(clock) = hasher.clock.as_mut().filter(|_| kind == MediaType::Video) {
            // The CLI's decode calls for the packet run its clock on.
            let rate = decoder.frame_rate().or(average_rate);
            clock.packet_decoded(hasher.received - before, packet.duration(), rate);
        }
    }
    if !hasher.done() {
        decoder.send_eof().map_err(|e| e.to_string())?;
        let rate = decoder.frame_rate().or(average_rate);
        errors += if kind == MediaType::Video {
            hasher.drain_at_end(&mut decoder, &mut frame, rate)?
        } else {
            hasher.draining = true;
            hasher.drain(&mut decoder, &mut frame)?
        };
        // The CLI sets its graph up from the first frame, else at the end from the format
        // the container states, and fails where there is neither.
        if hasher.received == 0 && !format_stated {
            return Err(format!(
                "Cannot determine format of input stream 0:{index} after EOF"
            ));
        }
        // The CLI's graph, set up from what the stream states, fails where its buffer source
        // refuses a picture of no size, or audio of no rate (a time base of 1/0) or of no
        // channels, or where a filter does (the resampler, of more than 64 channels).
        if hasher.received == 0 && !shape_stated {
            return Err(format!(
                "Error configuring filter graph: stream 0:{index} states no {}",
                if kind == MediaType::Video {
                    "picture size"
                } else {
                    "sample rate or channels"
                }
            ));
        }
        let graph_stated = hasher.filtering.as_mut().filter(|f| !f.turns_only);
        if let Some(filtering) = graph_stated.filter(|_| hasher.received == 0) {
            let stream = input.stream(index).expect("the stream chosen above");
            filtering
                .set_up_from_stream(&stream)
                .map_err(|e| format!("Error configuring filter graph: {e}"))?;
        }
        hasher.finish()?;
    }
    writeln!(hasher.out, "frames: {}", hasher.count)
        .and_then(|()| hasher.out.flush())
        .map_err(writing)?;
    if errors > 0 {
        eprintln!("framehash: {errors} decoding errors");
    }
    Ok(DecodeTally {
        frames: hasher.received as u64,
        errors: errors as u64,
    })
}

/// A filtered frame's timestamp, and the time base it is in: its own (with the samples an
/// audio frame keeps), or the slots the CLI places it in.
enum Placed {
    Own(Option<i64>, Rational, usize),
    Slots(Placement, Rational),
}

fn writing(error: std::io::Error) -> String {
    format!("writing the hashes: {error}")
}

/// The graph decoded frames go through, built on the first frame as the CLI builds it.
struct Filtering {
    description: String,
    /// Where pictures are turned upright first: the stream's display matrix, which the
    /// first picture's replaces.
    upright: Option<Option<[i32; 9]>>,
    /// The container's cropping, which the CLI (7.1 on) applies before the turn.
    crop: Option<String>,
    /// The stream's time base (pictures are timed in it; audio is moved to `1/sample rate`).
    time_base: Rational,
    frame_rate: Option<Rational>,
    /// The pixels' shape the container states, which the CLI gives every picture.
    container_shape: Option<Rational>,
    /// Whether the graph only turns (and crops) pictures, no `--vf` being given: where the
    /// first picture needs neither, it is left out.
    turns_only: bool,
    graph: Option<FilterGraph>,
    sync: Option<VideoSync>,
    /// How the CLI places filtered pictures, where framehash claims its output.
    sync_mode: Option<SyncMode>,
    audio_clock: AudioClock,
    /// The last timestamp written: as the CLI's muxer (framemd5 takes equal ones), a frame
    /// whose timestamp would go back (audio that overlaps) is written at it.
    last_written: Option<i64>,
}

impl Filtering {
    /// Whether `frame`, the first, is turned or cropped before the user's graph.
    fn changes_the_first(&self, frame: &Frame) -> bool {
        let turned = self.upright.is_some_and(|stream_matrix| {
            upright_filters_for(frame.display_matrix().or(stream_matrix).as_ref()).is_some()
        });
        turned || self.crop.is_some()
    }

    /// The graph for `frame`'s input, made on the first frame.
    fn graph_for(&mut self, frame: &Frame) -> Result<&mut FilterGraph, String> {
        if self.graph.is_none() {
            let input =
                FilterInput::from_frame(frame, self.time_base).map_err(|e| e.to_string())?;
            self.set_up(frame.ffmpeg(), input, frame.display_matrix())?;
        }
        Ok(self.graph.as_mut().expect("made above"))
    }

    /// Sets the graph up from what `stream` states, as the CLI does at the end where no
    /// frame came; it fails where the CLI's would (a rate of 0, more channels than the
    /// resampler takes).
    fn set_up_from_stream(&mut self, stream: &Stream<'_>) -> Result<(), String> {
        let input = FilterInput::from_stream(stream).map_err(|e| e.to_string())?;
        self.set_up(stream.ffmpeg(), input, None)
    }

    /// Sets the graph up for `input`, as the CLI does: audio timed in samples, pictures
    /// turned upright first by `picture_matrix`, else the stream's.
    fn set_up(
        &mut self,
        ffmpeg: &Ffmpeg,
        input: FilterInput,
        picture_matrix: Option<[i32; 9]>,
    ) -> Result<(), String> {
        let input = match input {
            FilterInput::Video(video) => FilterInput::Video(VideoInput {
                frame_rate: self.frame_rate,
                ..video
            }),
            // Timed in samples, as the CLI times audio, with the source's downmix levels.
            FilterInput::Audio(audio) => FilterInput::Audio(AudioInput {
                downmix: audio.downmix,
                ..AudioInput::new(audio.sample_rate, audio.sample_format, audio.channel_layout)
            }),
        };
        let audio = matches!(input, FilterInput::Audio(_));
        let options = FilterOptions {
            audio_timed_in_samples: true,
            output_ending: audio.then(|| AUDIO_ENDING.to_owned()),
            ..FilterOptions::default()
        };
        let turn = self.upright.and_then(|stream_matrix| {
            upright_filters_for(picture_matrix.or(stream_matrix).as_ref())
        });
        let description = (self.crop.iter().cloned().chain(turn))
            .chain([self.description.clone()])
            .collect::<Vec<_>>()
            .join(",");
        let graph = FilterGraph::simple_with_options(ffmpeg, &description, input, &options)
            .map_err(|e| e.to_string())?;
        self.graph = Some(graph);
        Ok(())
    }
}

struct FrameHasher {
    /// Whether the stream hashed is audio (else video).
    audio: bool,
    count: usize,
    count_only: bool,
    /// Frames to print at most.
    limit: Option<usize>,
    /// Whether pictures before the timeline's zero are dropped (after a seek).
    trim: bool,
    /// Where `--duration` ends the hashes.
    ending: Ending,
    /// The stream's time base, which pictures that go through no graph are stamped in.
    time_base: Rational,
    /// Pictures that go through no graph, kept in the first one's size and format.
    first_shape: FirstShape,
    /// The CLI's placement of pictures that go through no graph.
    direct: Option<VideoSync>,
    /// The last picture placed, which the CLI's `cfr` copies into empty slots.
    previous: Option<Frame>,
    packed: Vec<u8>,
    /// Standard output, buffered; a reader that goes away (`| head`) ends the run with an
    /// error rather than a panic.
    out: BufWriter<Stdout>,
    /// The CLI's clock of the stream, where the output claims the CLI's.
    clock: Option<InputClock>,
    /// How the CLI from 6.1 times pictures, where it is followed: each at its decoder's
    /// best-effort time, one the decoder leaves untimed where the last one ended.
    untimed: Option<UntimedPictures>,
    /// Whether packets are decoded untimed, as the CLI from 6.1 decodes a raw stream.
    strip_timestamps: bool,
    /// Whether the decoder is being drained after the last packet.
    draining: bool,
    /// Frames received from the decoder so far.
    received: usize,
    /// The samples and rate of each audio frame received, for the input's timeline.
    audio_frames: Vec<(u32, u32)>,
    /// The best-effort timestamp and duration of the last frame received.
    last_picture: (Option<i64>, Option<i64>),
    filtering: Option<Filtering>,
}

impl FrameHasher {
    /// Receives every frame the decoder has ready; returns the errors met.
    fn drain(&mut self, decoder: &mut Decoder, frame: &mut Frame) -> Result<usize, String> {
        let mut errors = 0;
        while self.receive_one(decoder, frame, &mut errors)? {}
        Ok(errors)
    }

    /// [`FrameHasher::drain`] after the last packet, one picture a call as the CLI drains
    /// video: each call's time is noted on the clock, which then runs on by one frame at
    /// `frame_rate`.
    fn drain_at_end(
        &mut self,
        decoder: &mut Decoder,
        frame: &mut Frame,
        frame_rate: Option<Rational>,
    ) -> Result<usize, String> {
        self.draining = true;
        let mut errors = 0;
        loop {
            if let Some(clock) = self.clock.as_mut() {
                clock.draining_call(frame_rate);
            }
            if !self.receive_one(decoder, frame, &mut errors)? {
                return Ok(errors);
            }
        }
    }

    /// Receives one frame and hashes it: `false` when the decoder has none ready (or gave
    /// up); a decoding error is counted in `errors` and the decoder asked again.
    fn receive_one(
        &mut self,
        decoder: &mut Decoder,
        frame: &mut Frame,
        errors: &mut usize,
    ) -> Result<bool, String> {
        loop {
            match decoder.receive(frame) {
                Ok(true) => {
                    self.received += 1;
                    let rate = decoder.frame_rate();
                    let untimed_time = (self.untimed.as_mut()).map(|u| u.picture(frame, rate));
                    let own_time = untimed_time.or(frame.best_effort_timestamp());
                    self.last_picture = (own_time, frame.duration());
                    // As the CLI, counted at the decoder's rate as it stands.
                    if self.audio {
                        self.audio_frames
                            .push((frame.samples() as u32, decoder.sample_rate()));
                    }
                    self.decoded(frame, decoder.sample_rate(), untimed_time)?;
                    return Ok(true);
                }
                Ok(false) => return Ok(false),
                Err(error) if error.is_bad_data() && *errors < 1000 => {
                    *errors += 1;
                }
                Err(e) => {
                    eprintln!("framehash: decoding error: {e}");
                    *errors += 1;
                    return Ok(false);
                }
            }
        }
    }

    /// Whether no further frame is hashed.
    fn done(&self) -> bool {
        self.limit.is_some_and(|limit| self.count >= limit) || self.ending.is_over()
    }

    /// Whether no further packet can give a frame that is hashed: the graph's trim has
    /// ended too (the pictures it passed may still be copied at the end).
    fn done_reading(&self) -> bool {
        self.done() || self.ending.is_trimmed()
    }

    /// Hashes a decoded frame, or sends it through the graph. `decoder_rate` is the decoder's
    /// sample rate as it stands, which the CLI counts audio in (a frame where the rate
    /// changes may have the old one).
    /// `untimed_time` is a picture's time where the CLI decodes the stream untimed.
    fn decoded(
        &mut self,
        frame: &mut Frame,
        decoder_rate: u32,
        untimed_time: Option<i64>,
    ) -> Result<(), String> {
        if self.done() {
            return Ok(());
        }
        let audio = self.audio;
        // Every CLI gives up on audio that the decoder gives at no rate (5.1's "Sample rate 0
        // invalid", its graph's time base of 1/0 in later releases), whether or not the
        // frame would be kept: a damaged AC-3 frame whose header never parsed, say.
        if audio && decoder_rate == 0 && frame.sample_rate() == 0 {
            return Err("Error while processing the decoded data: audio of sample rate 0".into());
        }
        let counting_rate = if decoder_rate > 0 {
            decoder_rate
        } else {
            frame.sample_rate()
        };
        // The CLI's clock times what the decoder left untimed: audio frames, and pictures
        // drained after the last packet.
        let clock_time = match self.clock.as_mut() {
            Some(clock) if audio => clock.audio_frame(frame.samples(), counting_rate),
            _ => None,
        };
        let picture_time = match self.clock.as_mut() {
            _ if untimed_time.is_some() => untimed_time,
            Some(clock) if self.draining && !audio => {
                clock.drained_picture(frame.best_effort_timestamp())
            }
            _ => frame.best_effort_timestamp(),
        };
        // (Audio is cut in the graph, where a frame across the position keeps its later part.)
        if self.trim && !audio && picture_time.is_some_and(|t| t < 0) {
            return Ok(());
        }
        // A graph that would only turn pictures is taken or left at the first one.
        let undecided = |f: &&Filtering| f.turns_only && f.graph.is_none();
        if let Some(turning) = self.filtering.as_ref().filter(undecided) {
            if turning.changes_the_first(frame) {
                self.direct = None;
            } else {
                self.filtering = None;
            }
        }
        let Some(filtering) = self.filtering.as_mut() else {
            // The end of the CLI's graph, which here changes nothing else.
            if !audio && !self.ending.picture_passes(picture_time, self.time_base) {
                return Ok(());
            }
            // As the CLI's graph, which passes them in the size and format they began with.
            let converted = (self.first_shape).convert(frame, self.time_base);
            let picture = converted.as_ref().unwrap_or(frame);
            let Some(sync) = self.direct.as_mut() else {
                return self.emit(picture, picture_time, self.time_base);
            };
            // The CLI drops a picture without a timestamp; without filters, it trusts a
            // picture's own duration.
            let Some(pts) = picture_time else {
                return Ok(());
            };
            let time_base = sync.input_time_base();
            let placed = sync.place(Some(pts), time_base, frame.duration());
            let sync_time_base = sync.time_base;
            return self.emit_placed(picture, placed, sync_time_base);
        };
        // As the CLI: pictures go in at their best-effort timestamp, audio counted in samples.
        let pts = if audio {
            let own = frame.pts().map(|pts| (pts, filtering.time_base));
            let untimed = clock_time.map(|t| (t, Rational::MICROSECONDS));
            let samples = frame.samples() as u32;
            (filtering.audio_clock).place(own, untimed, counting_rate, samples)
        } else {
            picture_time
        };
        frame.set_pts(pts);
        // As the CLI: every picture takes the shape its container states, so that a graph
        // rebuilt for a new size keeps it.
        if !audio && filtering.container_shape.is_some() {
            frame.set_sample_aspect_ratio(filtering.container_shape);
        }
        filtering
            .graph_for(frame)?
            .send(0, frame)
            .map_err(|e| e.to_string())?;
        self.filtered()
    }

    /// Hashes every frame the graph has ready.
    fn filtered(&mut self) -> Result<(), String> {
        let Some(filtering) = self.filtering.as_mut() else {
            return Ok(());
        };
        let Some(graph) = filtering.graph.as_mut() else {
            return Ok(());
        };
        let mut out = Frame::new(graph.ffmpeg()).map_err(|e| e.to_string())?;
        let mut ready = Vec::new();
        while graph.receive(0, &mut out).map_err(|e| e.to_string())? {
            let facts = graph.output(0).expect("a simple graph has output 0");
            // The end of the CLI's graph under `-t`: `trim`, or `atrim`, which cuts audio.
            let samples = if self.audio {
                let passing =
                    self.ending
                        .samples_passing(out.pts(), out.samples(), out.sample_rate());
                (passing > 0).then_some(passing)
            } else {
                self.ending
                    .picture_passes(out.pts(), facts.time_base)
                    .then_some(0)
            };
            let Some(samples) = samples else {
                continue;
            };
            let frame = out.try_clone().map_err(|e| e.to_string())?;
            let Some(mode) = filtering.sync_mode else {
                let pts = out.pts();
                let pts = pts.map(|pts| filtering.last_written.map_or(pts, |last| pts.max(last)));
                filtering.last_written = pts.or(filtering.last_written);
                ready.push((frame, Placed::Own(pts, facts.time_base, samples)));
                continue;
            };
            let sync = filtering.sync.get_or_insert_with(|| {
                let (rate, time_base) = (facts.frame_rate, facts.time_base);
                VideoSync::new(mode, rate, filtering.frame_rate, time_base)
            });
            // The CLI drops a picture without a timestamp.
            if let Some(pts) = out.pts() {
                let placement = sync.place(Some(pts), facts.time_base, None);
                ready.push((frame, Placed::Slots(placement, sync.time_base)));
            }
        }
        for (frame, placed) in ready {
            match placed {
                Placed::Own(pts, time_base, samples) if !self.done() => {
                    self.emit_cut(&frame, pts, time_base, samples)?
                }
                Placed::Own(..) => {}
                Placed::Slots(placement, time_base) => {
                    self.emit_placed(&frame, placement, time_base)?
                }
            }
        }
        Ok(())
    }

    /// Ends the graph's input and hashes what it still gives, then the copies of the last
    /// picture that the CLI's `cfr` adds at the end.
    fn finish(&mut self) -> Result<(), String> {
        if let Some(graph) = self.filtering.as_mut().and_then(|f| f.graph.as_mut()) {
            graph.send_eof(0).map_err(|e| e.to_string())?;
        }
        self.filtered()?;
        let filtered_sync = self.filtering.as_mut().and_then(|f| f.sync.as_mut());
        let Some(sync) = filtered_sync.or(self.direct.as_mut()) else {
            return Ok(());
        };
        let (placed, time_base) = (sync.finish(), sync.time_base);
        match self.previous.take() {
            Some(last) => self.emit_placed(&last, placed, time_base),
            None => Ok(()),
        }
    }

    /// Hashes the pictures a placement gives: copies of the picture before `frame`, then
    /// `frame`, one slot apart (slots of `time_base`); `frame` is the one copies come from
    /// next.
    fn emit_placed(
        &mut self,
        frame: &Frame,
        placed: Placement,
        time_base: Rational,
    ) -> Result<(), String> {
        let previous = self.previous.take();
        for slot in 0..placed.slots {
            let picture = match &previous {
                Some(previous) if slot < placed.repeats => previous,
                _ => frame,
            };
            if !self.done() {
                self.emit(picture, Some(placed.first + slot as i64), time_base)?;
            }
        }
        self.previous = Some(frame.try_clone().map_err(|e| e.to_string())?);
        Ok(())
    }

    /// Hashes `frame`, stamped `pts` in `time_base`, unless the encoder would take no frame
    /// that late.
    fn emit(&mut self, frame: &Frame, pts: Option<i64>, time_base: Rational) -> Result<(), String> {
        self.emit_cut(frame, pts, time_base, frame.samples())
    }

    /// [`FrameHasher::emit`] for the first `samples` of an audio frame.
    fn emit_cut(
        &mut self,
        frame: &Frame,
        pts: Option<i64>,
        time_base: Rational,
        samples: usize,
    ) -> Result<(), String> {
        if !self.ending.admits(pts, time_base) {
            return Ok(());
        }
        let n = self.count;
        self.count += 1;
        if self.count_only {
            return Ok(());
        }
        let pts = pts.map_or("NOPTS".to_owned(), |t| t.to_string());
        let format = frame.format_name().unwrap_or_else(|| "none".into());
        let digest = if self.audio {
            let mut md5 = Md5::new();
            for plane in frame.planes() {
                // Each plane holds the same bytes per sample.
                let bytes = plane.row(0).unwrap_or_default();
                md5.update(&bytes[..bytes.len() / frame.samples().max(1) * samples]);
            }
            format!("{:x}", md5.finalize())
        } else {
            match frame.copy_packed(&mut self.packed) {
                Ok(()) => format!("{:x}", Md5::digest(&self.packed)),
                Err(e) => format!("error: {e}"),
            }
        };
        let shape = if self.audio {
            samples.to_string()
        } else {
            format!("{}x{}", frame.width(), frame.height())
        };
        writeln!(self.out, "{n},{pts},{shape},{format},{digest}").map_err(writing)
    }
}
