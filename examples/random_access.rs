//! Fetches frames by number from a video file, frame-exactly, as RGB24, and prints how long
//! it took (opening and indexing included).
//!
//! ```text
//! cargo run --release --example random_access -- INPUT --frames 12,480,3 [--lib-dir DIR]
//! ```
//!
//! `reader::VideoReader` indexes the stream in one demux pass, then decodes each group of
//! pictures the frames fall in once, in the order of the file, and hands them back in the
//! order asked. Prints the seconds taken, then one line per frame: its number, timestamp and
//! the MD5 of its RGB24 pixels.

mod common;
#[path = "common/stdout.rs"]
mod stdout;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use ffmpeg_runtime::codec::{DecoderOptions, Threading};
use ffmpeg_runtime::filter::{FilterGraph, FilterInput, VideoInput};
use ffmpeg_runtime::reader::VideoReader;
use ffmpeg_runtime::{Ffmpeg, Frame, Library, PixelFormat, Rational, ScaleQuality, Scaler};
use md5::{Digest, Md5};

#[derive(Parser)]
#[command(about = "Frames by number, frame-exactly, as RGB24")]
struct Args {
    /// A video file.
    input: PathBuf,
    /// The frame numbers (presentation order), comma-separated, in any order.
    #[arg(long, value_delimiter = ',', required = true)]
    frames: Vec<usize>,
    /// Decoding threads (0: FFmpeg's choice).
    #[arg(long, default_value_t = 0)]
    threads: u32,
    /// How the threads share the work.
    #[arg(long, value_enum, default_value_t = ThreadingArg::Auto)]
    threading: ThreadingArg,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ThreadingArg {
    Auto,
    Frame,
    Slice,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("random_access: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let err = |e: ffmpeg_runtime::Error| e.to_string();
    let start = Instant::now();
    let options = DecoderOptions {
        threads: args.threads,
        threading: match args.threading {
            ThreadingArg::Auto => Threading::Auto,
            ThreadingArg::Frame => Threading::Frame,
            ThreadingArg::Slice => Threading::Slice,
        },
        ..DecoderOptions::default()
    };
    let mut reader = VideoReader::open_with(&ffmpeg, &args.input, &options).map_err(err)?;
    let frames = reader.frames(&args.frames).map_err(err)?;
    let rgb = to_rgb24(&ffmpeg, &frames, reader.index().time_base())?;
    let seconds = start.elapsed().as_secs_f64();
    stdout::line(format_args!("{seconds:.4}"));
    let mut packed = Vec::new();
    for ((n, frame), picture) in args.frames.iter().zip(&frames).zip(&rgb) {
        picture.copy_packed(&mut packed).map_err(err)?;
        let pts = frame.pts().map_or("NOPTS".into(), |t| t.to_string());
        stdout::line(format_args!("{n},{pts},{:x}", Md5::digest(&packed)));
    }
    Ok(())
}

/// `frames` as RGB24, each converted as the CLI's `-pix_fmt rgb24` converts a picture:
/// through libavfilter's `format` (its `scale`, which takes each picture's colour matrix and
/// range), one graph for each size and format met (a graph rebuilt for a new size would keep
/// the first); else, without libavfilter, through libswscale.
fn to_rgb24(ffmpeg: &Ffmpeg, frames: &[Frame], time_base: Rational) -> Result<Vec<Frame>, String> {
    let err = |e: ffmpeg_runtime::Error| e.to_string();
    let mut rgb = Vec::with_capacity(frames.len());
    if ffmpeg.library(Library::AvFilter).is_some() {
        let mut current: Option<(Shape, FilterGraph)> = None;
        let mut picture = Frame::new(ffmpeg).map_err(err)?;
        for frame in frames {
            let shape = (frame.width(), frame.height(), frame.pixel_format());
            if current
                .as_ref()
                .is_none_or(|(built_for, _)| *built_for != shape)
            {
                let format = shape
                    .2
                    .clone()
                    .ok_or("a picture of no known pixel format")?;
                let input = VideoInput::new(shape.0, shape.1, format, time_base);
                let graph = FilterGraph::simple(ffmpeg, "format=rgb24", FilterInput::Video(input));
                current = Some((shape, graph.map_err(err)?));
            }
            let Some((_, graph)) = current.as_mut() else {
                unreachable!("a graph was just built")
            };
            graph.send(0, frame).map_err(err)?;
            while graph.receive(0, &mut picture).map_err(err)? {
                rgb.push(picture.try_clone().map_err(err)?);
            }
        }
        return Ok(rgb);
    }
    let mut scaler = Scaler::new(ffmpeg, ScaleQuality::Bicubic);
    for frame in frames {
        let mut picture =
            Frame::video(ffmpeg, frame.width(), frame.height(), "rgb24").map_err(err)?;
        scaler.scale(frame, &mut picture).map_err(err)?;
        rgb.push(picture);
    }
    Ok(rgb)
}

/// A picture's size and format, which a conversion graph is built for.
type Shape = (u32, u32, Option<PixelFormat>);
