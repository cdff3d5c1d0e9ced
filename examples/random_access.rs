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

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use ffmpeg_runtime::codec::{DecoderOptions, Threading};
use ffmpeg_runtime::reader::VideoReader;
use ffmpeg_runtime::{Frame, ScaleQuality, Scaler};
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
    let mut scaler = Scaler::new(&ffmpeg, ScaleQuality::Bilinear);
    let mut rgb = Vec::with_capacity(frames.len());
    for frame in &frames {
        let mut picture =
            Frame::video(&ffmpeg, frame.width(), frame.height(), "rgb24").map_err(err)?;
        scaler.scale(frame, &mut picture).map_err(err)?;
        rgb.push(picture);
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{seconds:.4}");
    let mut packed = Vec::new();
    for ((n, frame), picture) in args.frames.iter().zip(&frames).zip(&rgb) {
        picture.copy_packed(&mut packed).map_err(err)?;
        let pts = frame.pts().map_or("NOPTS".into(), |t| t.to_string());
        println!("{n},{pts},{:x}", Md5::digest(&packed));
    }
    Ok(())
}
