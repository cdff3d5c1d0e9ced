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
    /// The CLI's clock of the stream: where the next packet starts, in `time_base` (`None`
    /// before the first). A packet without a dts (every packet of a raw H.264 file) takes
    /// it, as the CLI times it.
    next_dts: Option<i64>,
    /// One frame at the stream's rate in `time_base`, for a packet without a duration (0
    /// when the rate is unknown).
    frame: i64,
    /// For audio of a known rate, how far the CLI's clock runs on past any packet: one
    /// frame of the codec's fixed size, in `time_base` (0 where frames vary, as FLAC's do).
    audio_frame: Option<i64>,
    /// The frames the stream's decoder would hold back (B-frames): the clock starts that
    /// many frames early.
    delay: i64,
}

impl Route {
    /// `dts`, or the clock's time where the packet has none; the clock then runs on past
    /// the packet.
    fn timed(&mut self, pts: Option<i64>, dts: Option<i64>, duration: i64) -> i64 {
        let start = || pts.unwrap_or(0) - self.delay * self.frame;
        let dts = dts.or(self.next_dts).unwrap_or_else(start);
        let length = match self.audio_frame {
            Some(length) => length,
            None if duration > 0 => duration,
            None => self.frame,
        };
        self.next_dts = Some(dts + length);
        dts
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
    copy_container_tags(&input, &mut output).map_err(|e| e.to_string())?;
    let start_us = input.start_time_us().unwrap_or(0);
    copy_chapters(&input, &mut output, start_us).map_err(|e| e.to_string())?;
    let mut routes = Vec::new();
    let mut kinds = Vec::new();
    for stream in input.streams() {
        let index = output
            .add_copy_stream(&stream)
            .map_err(named(&args.output))?;
        let time_base = stream.time_base();
        let frame = stream
            .frame_rate()
            .and_then(|rate| rate.invert().rescale(1, time_base))
            .unwrap_or(0);
        let audio_frame = Some(stream.sample_rate())
            .filter(|&rate| stream.media_type() == MediaType::Audio && rate > 0)
            .map(|rate| {
                let samples = i64::from(stream.frame_size().unwrap_or(0));
                Rational::new(1, rate as i32)
                    .rescale(samples, time_base)
                    .unwrap_or(0)
            });
        routes.push(Route {
            output: index,
            time_base,
            started: false,
            next_dts: None,
            frame,
            audio_frame,
            delay: i64::from(stream.video_delay()),
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

    let streams: Vec<usize> = input.streams().map(|s| s.index()).collect();
    let mut timeline = Timeline::new(&input, &streams);
    for &stream in &streams {
        timeline.copies(stream);
    }
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
        packet.set_dts(Some(route.timed(pts, dts, packet.duration())));
        if !route.started && !packet.is_key() {
            continue;
        }
        route.started = true;
        output
            .write_packet(&mut packet, route.output, route.time_base)
            .map_err(named(&args.output))?;
        written += 1;
    }
    output.finish().map_err(named(&args.output))?;
    Ok(written)
}
