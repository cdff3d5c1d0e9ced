//! Decodes the best video stream through the low-latency pipeline and reports each frame's
//! latency per picture type and stage.
//!
//! ```text
//! cargo run --release --example pframe -- INPUT [--lib-dir DIR] [--threads N] [--pin CORE] [--no-simd] [--live] [--spin] [--warm-up N] [--json]
//! ```
//!
//! Stages: queue (packet queued → decoding starts on it), decode (packet sent → frame out),
//! deliver (frame out → taken by the consumer). `--no-simd` makes FFmpeg use its plain C
//! code (`av_force_cpu_flags(0)`) for comparison. With `--warm-up N`, the first N frames
//! are listed one by one and left out of the table, which then shows the steady state (the
//! first frames pay once for the decoder's first allocations; 8 covers them at 1080p).

mod common;
#[path = "common/stdout.rs"]
mod stdout;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ffmpeg_runtime::CpuFlags;
use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::pipeline::{
    DecodePipeline, FrameLatency, LatencyReport, PipelineOptions, StageLatency,
};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "Per-frame decode latency by picture type, through the decode pipeline")]
struct Args {
    /// The media file.
    input: PathBuf,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// Decoding threads (1: lowest latency).
    #[arg(long, default_value_t = 1)]
    threads: u32,
    /// Pin the decoding thread to this core.
    #[arg(long)]
    pin: Option<usize>,
    /// Make FFmpeg use its plain C code instead of its SIMD code.
    #[arg(long)]
    no_simd: bool,
    /// Feed packets at the stream's rate, as a live source would (default: as fast as read).
    #[arg(long)]
    live: bool,
    /// The decoding thread waits for packets by spinning, keeping its core awake.
    #[arg(long)]
    spin: bool,
    /// Frames listed on their own before the table: the decoder's first allocations.
    #[arg(long, default_value_t = 0)]
    warm_up: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pframe: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    if args.no_simd {
        ffmpeg.force_cpu_flags(Some(CpuFlags::from_bits(0)));
    }
    let cpu_flags = ffmpeg.cpu_flags();
    let input =
        Input::open(&ffmpeg, &args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let index = input
        .best_stream(MediaType::Video)
        .ok_or_else(|| format!("{}: no video stream", args.input.display()))?
        .index();
    let options = PipelineOptions {
        decoder: DecoderOptions {
            threads: args.threads,
            low_delay: true,
            ..DecoderOptions::default()
        },
        pin_to_core: args.pin,
        live: args.live,
        spin: args.spin,
        warm_up_frames: args.warm_up,
        ..PipelineOptions::default()
    };
    let mut pipeline = DecodePipeline::new(input, index, &options).map_err(|e| e.to_string())?;
    while let Some(frame) = pipeline.next_frame().map_err(|e| e.to_string())? {
        drop(frame); // back to the pool
    }
    let report = pipeline.report();
    if args.json {
        stdout::line(format_args!("{}", to_json(&report, cpu_flags)));
    } else {
        print_table(&report, cpu_flags, args.pin);
    }
    Ok(())
}

fn stage_json(stage: &StageLatency) -> Value {
    json!({
        "mean": stage.mean_ms, "p50": stage.p50_ms, "p95": stage.p95_ms,
        "p99": stage.p99_ms, "max": stage.max_ms,
    })
}

fn to_json(report: &LatencyReport, cpu_flags: CpuFlags) -> Value {
    let types: serde_json::Map<String, Value> = report
        .types
        .iter()
        .map(|t| {
            let entry = json!({
                "count": t.count,
                "queue_ms": stage_json(&t.queue),
                "decode_ms": stage_json(&t.decode),
                "deliver_ms": stage_json(&t.deliver),
            });
            (t.picture_type.to_owned(), entry)
        })
        .collect();
    json!({
        "simd": cpu_flags.bits() != 0,
        "cpu_flags": cpu_flags.names().collect::<Vec<_>>(),
        "wall_s": report.wall.as_secs_f64(),
        "frames": report.frames,
        "decode_errors": report.decode_errors,
        "pinned": report.pinned,
        "types": types,
        "warm_up": report.warm_up.iter().map(warm_up_json).collect::<Vec<_>>(),
    })
}

fn warm_up_json(frame: &FrameLatency) -> Value {
    json!({
        "type": frame.picture_type, "queue_ms": frame.queue_ms,
        "decode_ms": frame.decode_ms, "deliver_ms": frame.deliver_ms,
    })
}

fn print_table(report: &LatencyReport, cpu_flags: CpuFlags, pin: Option<usize>) {
    let simd = if cpu_flags.bits() != 0 {
        "on"
    } else {
        "off (plain C)"
    };
    stdout::line(format_args!("SIMD: {simd}; CPU flags: {cpu_flags}"));
    let pinned = match (pin, report.pinned) {
        (Some(core), true) => format!("pinned to core {core}"),
        (Some(core), false) => format!("not pinned (core {core} refused)"),
        (None, _) => "not pinned".into(),
    };
    stdout::line(format_args!(
        "{} frames in {:.3} s ({:.0} fps), decoding thread {pinned}",
        report.frames,
        report.wall.as_secs_f64(),
        report.frames as f64 / report.wall.as_secs_f64().max(1e-9)
    ));
    if !report.warm_up.is_empty() {
        let frames: Vec<String> = report
            .warm_up
            .iter()
            .map(|frame| format!("{} {:.2}", frame.picture_type, frame.decode_ms))
            .collect();
        stdout::line(format_args!(
            "warm-up, not in the table (decode ms): {}",
            frames.join(", ")
        ));
    }
    stdout::line(format_args!(
        "type  count  stage     mean ms   p50 ms   p95 ms   p99 ms   max ms"
    ));
    for kind in &report.types {
        for (name, stage) in [
            ("queue", &kind.queue),
            ("decode", &kind.decode),
            ("deliver", &kind.deliver),
        ] {
            let label = if name == "queue" {
                format!("{:<5} {:>5}", kind.picture_type, kind.count)
            } else {
                " ".repeat(11)
            };
            stdout::line(format_args!(
                "{label}  {name:<8} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                stage.mean_ms, stage.p50_ms, stage.p95_ms, stage.p99_ms, stage.max_ms
            ));
        }
    }
    if report.decode_errors > 0 {
        stdout::line(format_args!(
            "{} packets refused by the decoder",
            report.decode_errors
        ));
    }
}
