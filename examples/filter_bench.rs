//! What a filter costs: decodes a video file and scales every picture to 1280x720, once
//! through a `scale` filter graph and once through a [`Scaler`], and prints frames per second
//! of each (decoding included, as it is in any real use).
//!
//! ```text
//! cargo run --release --example filter_bench -- INPUT [--lib-dir DIR] [--runs N] [--size WxH]
//! ```
//!
//! Both use libswscale with bicubic interpolation (the CLI's default for `-vf scale`), one
//! thread for scaling; the decoder uses FFmpeg's default threads. Runs alternate between the
//! two, and the median and best of each are printed.

mod common;
#[path = "common/stdout.rs"]
mod stdout;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::filter::{FilterGraph, FilterInput, FilterOptions};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet, ScaleQuality, Scaler};

#[derive(Parser)]
#[command(about = "Decode + scale: a filter graph against the Scaler")]
struct Args {
    /// A video file.
    input: PathBuf,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// Runs of each method.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The target size.
    #[arg(long, default_value = "1280x720")]
    size: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("filter_bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let (width, height) = args
        .size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .ok_or("--size is WxH")?;
    let (mut graph_fps, mut scaler_fps) = (Vec::new(), Vec::new());
    for _ in 0..args.runs {
        graph_fps.push(decode_and_scale(&ffmpeg, &args.input, width, height, true)?);
        scaler_fps.push(decode_and_scale(
            &ffmpeg,
            &args.input,
            width,
            height,
            false,
        )?);
    }
    let report = |name: &str, fps: &mut Vec<f64>| {
        fps.sort_by(f64::total_cmp);
        let median = fps[fps.len() / 2];
        let best = fps[fps.len() - 1];
        stdout::line(format_args!(
            "{name}: {median:.1} fps median, {best:.1} best"
        ));
        median
    };
    let graph = report("decode + scale filter", &mut graph_fps);
    let scaler = report("decode + Scaler", &mut scaler_fps);
    stdout::line(format_args!("filter / Scaler: {:.3}", graph / scaler));
    Ok(())
}

/// Frames per second of decoding `path` and scaling every picture to `width`x`height`.
fn decode_and_scale(
    ffmpeg: &Ffmpeg,
    path: &Path,
    width: u32,
    height: u32,
    through_graph: bool,
) -> Result<f64, String> {
    let err = |e: ffmpeg_runtime::Error| e.to_string();
    let mut input = Input::open(ffmpeg, path).map_err(err)?;
    let stream = input
        .best_stream(MediaType::Video)
        .ok_or("no video stream")?;
    let index = stream.index();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).map_err(err)?;
    let options = FilterOptions {
        threads: 1,
        ..FilterOptions::default()
    };
    let described = FilterInput::from_stream(&stream).map_err(err)?;
    let mut graph = FilterGraph::complex(
        ffmpeg,
        &format!("[in]scale={width}:{height}[out]"),
        [("in", described)],
        &options,
    )
    .map_err(err)?;
    let format = stream.pixel_format().ok_or("no pixel format")?;
    let mut scaler = Scaler::new(ffmpeg, ScaleQuality::Bicubic);
    let mut scaled = Frame::video(ffmpeg, width, height, &format).map_err(err)?;
    let (mut packet, mut frame, mut out) = (
        Packet::new(ffmpeg).map_err(err)?,
        Frame::new(ffmpeg).map_err(err)?,
        Frame::new(ffmpeg).map_err(err)?,
    );
    let mut count = 0usize;
    let start = Instant::now();
    let mut pictures = |decoder: &mut Decoder, end: bool| -> Result<(), String> {
        if end {
            decoder.send_eof().map_err(err)?;
        }
        while decoder.receive(&mut frame).map_err(err)? {
            if through_graph {
                graph.send(0, &frame).map_err(err)?;
                while graph.receive(0, &mut out).map_err(err)? {
                    count += 1;
                }
            } else {
                scaler.scale(&frame, &mut scaled).map_err(err)?;
                count += 1;
            }
        }
        if end && through_graph {
            graph.send_eof(0).map_err(err)?;
            while graph.receive(0, &mut out).map_err(err)? {
                count += 1;
            }
        }
        Ok(())
    };
    while input.read_packet(&mut packet).map_err(err)? {
        if packet.stream_index() == index {
            decoder.send(&packet).map_err(err)?;
            pictures(&mut decoder, false)?;
        }
    }
    pictures(&mut decoder, true)?;
    Ok(count as f64 / start.elapsed().as_secs_f64())
}
