//! Copies every stream of a file into another container without re-encoding, as
//! `ffmpeg -i IN -map 0 -c copy OUT` does.
//!
//! ```text
//! cargo run --release --example remux -- INPUT OUTPUT [--faststart] [--lib-dir DIR]
//! ```
//!
//! `INPUT` may be `-`: standard input, read as a stream (`cat clip.mkv | remux - out.mp4`).
//!
//! The same packets, timed as the CLI times them (the input's start moved to zero, copied
//! audio in whole frames of samples); the container's metadata (less its creation time, as the
//! CLI drops it) and every stream's metadata, language and disposition; where several streams
//! of a kind are all unmarked, the first becomes the default, as the CLI marks it; chapters,
//! moved with the start as the CLI moves them.
//! `--faststart` puts an MP4's index first, for playback while downloading.

#[path = "common/cli_copy.rs"]
#[expect(
    dead_code,
    reason = "its stream-tag copy is for encoded streams, `transcode`'s alone"
)]
mod cli_copy;
mod common;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cli_copy::{copy_chapters, copy_container_tags, mark_defaults};
use ffmpeg_runtime::format::{Input, MediaType, Output, Timeline};
use ffmpeg_runtime::{Packet, Rational};

#[derive(Parser)]
#[command(about = "Copy every stream into another container, as ffmpeg -map 0 -c copy")]
struct Args {
    /// The file to read; `-` reads standard input as a stream.
    input: PathBuf,
    /// The file to write; the extension names the container.
    output: PathBuf,
    /// Put an MP4's index before its media (`movflags=+faststart`).
    #[arg(long)]
    faststart: bool,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(packets) => {
            eprintln!("{}: {packets} packets", args.output.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("remux: {message}");
            ExitCode::FAILURE
        }
    }
}

/// What one input stream needs on the way out.
struct Route {
    output: usize,
    time_base: Rational,
    /// The CLI drops what comes before a stream's first keyframe.
    started: bool,
    /// The CLI's clock of the stream, kept as it keeps it, in whole microseconds: where the
    /// next packet starts (`None` before the first). A packet without a dts (every packet of
    /// a raw H.264 file) takes it, as the CLI times it.
    next_dts_us: Option<i64>,
    /// How far the clock runs on past a video packet without a duration: one frame at the
    /// stream's rate, truncated to the microsecond (0 when the rate is unknown).
    frame_us: i64,
    /// For audio of a known rate, how far the clock runs on past any packet: one frame of
    /// the codec's fixed size, truncated to the microsecond (0 where frames vary, as FLAC's
    /// do).
    audio_frame_us: Option<i64>,
    /// Where the clock starts: as many frames before zero as the stream's decoder would
    /// hold back (B-frames), at its average rate.
    start_us: i64,
    /// Audio, whose copied packets the output times in whole frames of samples.
    audio: bool,
}

impl Route {
    /// `dts`, or the clock's time where the packet has none (in the stream's time base, and
    /// in microseconds); the clock then runs on past the packet.
    fn timed(&mut self, pts: Option<i64>, dts: Option<i64>, duration: i64) -> (i64, i64) {
        let to_us = |t: i64| {
            self.time_base
                .rescale(t, Rational::MICROSECONDS)
                .unwrap_or(0)
        };
        let clock = self
            .next_dts_us
            .unwrap_or_else(|| self.start_us + pts.map_or(0, to_us));
        let (dts_us, dts) = match dts {
            Some(dts) => (to_us(dts), dts),
            None => {
                let dts = Rational::MICROSECONDS
                    .rescale(clock, self.time_base)
                    .unwrap_or(0);
                (clock, dts)
            }
        };
        let length = match self.audio_frame_us {
            Some(length) => length,
            None if duration > 0 => to_us(duration),
            None => self.frame_us,
        };
        self.next_dts_us = Some(dts_us + length);
        (dts, dts_us)
    }
}

fn run(args: &Args) -> Result<u64, String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    fn named(path: &std::path::Path) -> impl Fn(ffmpeg_runtime::Error) -> String + '_ {
        move |e| format!("{}: {e}", path.display())
    }
    let mut input = if args.input.as_os_str() == "-" {
        Input::from_stream(&ffmpeg, std::io::stdin())
    } else {
        Input::open(&ffmpeg, &args.input)
    }
    .map_err(named(&args.input))?;
    let mut output = Output::create(&ffmpeg, &args.output).map_err(named(&args.output))?;
    copy_container_tags(&input, &mut output, false).map_err(|e| e.to_string())?;
    let start_us = input.start_time_us().unwrap_or(0);
    copy_chapters(&input, &mut output, start_us, None).map_err(|e| e.to_string())?;
    // As the CLI, which reads every stream it maps, those a demuxer sets aside too (an MP4's
    // chapter track, whose titles it then copies as a data stream).
    let streams: Vec<usize> = input.streams().map(|s| s.index()).collect();
    for &index in &streams {
        input
            .set_discarded(index, false)
            .map_err(named(&args.input))?;
    }
    let mut routes = Vec::new();
    let mut kinds = Vec::new();
    for stream in input.streams() {
        let index = output
            .add_copy_stream(&stream)
            .map_err(named(&args.output))?;
        let time_base = stream.time_base();
        let frame_us = stream
            .frame_rate()
            .filter(|rate| rate.num > 0 && rate.den > 0)
            .map_or(0, |rate| {
                1_000_000 * i64::from(rate.den) / i64::from(rate.num)
            });
        let audio_frame_us = Some(stream.sample_rate())
            .filter(|&rate| stream.media_type() == MediaType::Audio && rate > 0)
            .map(|rate| 1_000_000 * i64::from(stream.frame_size().unwrap_or(0)) / i64::from(rate));
        let average = stream.average_frame_rate();
        let start_us = match average.to_f64() {
            Some(rate) if average.num != 0 => {
                (-f64::from(stream.video_delay()) * 1e6 / rate) as i64
            }
            _ => 0,
        };
        routes.push(Route {
            output: index,
            time_base,
            started: false,
            next_dts_us: None,
            frame_us,
            audio_frame_us,
            start_us,
            audio: stream.media_type() == MediaType::Audio,
        });
        kinds.push((index, stream.media_type(), stream.disposition()));
    }
    mark_defaults(&mut output, &kinds).map_err(|e| e.to_string())?;
    let options: &[(&str, &str)] = if args.faststart {
        &[("movflags", "+faststart")]
    } else {
        &[]
    };
    output
        .write_header_with(options)
        .map_err(named(&args.output))?;

    let mut timeline = Timeline::new(&input, &streams);
    for &stream in &streams {
        timeline.copies(stream);
    }
    let estimates_in_input_base = ffmpeg.release_version() >= (6, 1);
    let mut packet = Packet::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut written = 0;
    loop {
        match input.read_packet(&mut packet) {
            Ok(true) => {}
            Ok(false) => break,
            // As the CLI: a read error ends the input, and the file is made of what was read.
            Err(e) => {
                eprintln!("remux: reading stopped early, what was read is kept: {e}");
                break;
            }
        }
        let Some(route) = routes.get_mut(packet.stream_index()) else {
            continue;
        };
        // As the CLI: counted from the input's start, with any jump taken out.
        timeline.place(&mut packet);
        let (pts, dts) = (packet.pts(), packet.dts());
        let (timed, timed_us) = route.timed(pts, dts, packet.duration());
        if !route.started && !packet.is_key() {
            continue;
        }
        route.started = true;
        // As the CLI, which gives a packet without a dts its clock's time: before 6.1 rescaled
        // from microseconds straight to the output stream's time base (B-frames' first
        // packets in Matroska: -1335/16000 s in MP4 at 24000/1001, not -83 ms rescaled),
        // from 6.1 to the input stream's first (-67 ms, so -1072/16000 s, not -1068).
        let time_base = match output.stream_time_base(route.output) {
            Some(to) if dts.is_none() && !route.audio && !estimates_in_input_base => {
                let from = route.time_base;
                packet.set_pts(pts.and_then(|pts| from.rescale(pts, to)));
                packet.set_duration(from.rescale(packet.duration(), to).unwrap_or(0));
                packet.set_dts(Rational::MICROSECONDS.rescale(timed_us, to));
                to
            }
            _ => {
                packet.set_dts(Some(timed));
                route.time_base
            }
        };
        output
            .write_packet(&mut packet, route.output, time_base)
            .map_err(named(&args.output))?;
        written += 1;
    }
    output.finish().map_err(named(&args.output))?;
    Ok(written)
}
