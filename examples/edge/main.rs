//! An edge node's day: N copies of a clip replayed as live streams, decoded by the crate's
//! scheduler on M workers, with the latency of every frame per stage and, per stream, the
//! frames decoded, dropped and late.
//!
//! ```text
//! cargo run --release --example edge -- --streams N --workers M [--pin] --clip FILE [--live]
//!     [--duration S] [--json] [--max-streams [--pace]] [--thread-per-stream] [--lib-dir DIR]
//!     [--reload-every S --builds DIR,DIR,...]
//! ```
//!
//! `--max-streams` searches for the largest N at which every stream's p99 latency (packet
//! submitted → frame handed over) stays under one frame interval with nothing dropped.
//! With `--pace` a stream is judged by its p99 less its fastest frame instead: whether it keeps
//! pace, which is what can be measured of `ffmpeg -re` from outside (`benches/edge.py`).
//! `--thread-per-stream` gives each stream a worker of its own instead (the comparison).
//! `--reload-every S` swaps the FFmpeg between the `--builds` directories every S seconds
//! while the streams run: a stream moves to the new release when its clip next loops.

#[path = "../common/mod.rs"]
mod common;
mod replay;
#[path = "../common/stdout.rs"]
mod stdout;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use ffmpeg_runtime::ReloadableFfmpeg;
use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::pipeline::StageLatency;
use ffmpeg_runtime::scheduler::{ScheduledStage, SchedulerOptions, StreamReport};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "Many live streams decoded on few workers, latency per stage")]
struct Args {
    /// Streams (copies of the clip).
    #[arg(long, default_value_t = 4)]
    streams: usize,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Pin each worker to a core.
    #[arg(long)]
    pin: bool,
    /// Idle workers poll instead of sleeping (keeps their cores awake).
    #[arg(long)]
    spin: bool,
    /// The clip to replay.
    #[arg(long)]
    clip: PathBuf,
    /// Submit each packet at its time, as a live source delivers it (default: as fast as
    /// the queues take them).
    #[arg(long)]
    live: bool,
    /// Seconds of media each stream plays (the clip loops); default: the clip once.
    #[arg(long)]
    duration: Option<f64>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Search for the largest number of streams held within one frame interval at p99.
    #[arg(long)]
    max_streams: bool,
    /// One worker thread per stream instead of the shared scheduler.
    #[arg(long)]
    thread_per_stream: bool,
    /// Judge a stream held by its pace rather than its latency: its p99 less its fastest
    /// frame under one frame interval (what can be measured of the ffmpeg CLI from outside).
    #[arg(long)]
    pace: bool,
    /// Packets each stream's queue holds.
    #[arg(long, default_value_t = 8)]
    queue_depth: usize,
    /// Each stream's first frames, left out of the latency figures.
    #[arg(long, default_value_t = 4)]
    warm_up: usize,
    /// Load FFmpeg from this directory instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// Swap the FFmpeg every this many seconds, between the --builds.
    #[arg(long, requires = "builds")]
    reload_every: Option<f64>,
    /// FFmpeg directories to swap between, comma-separated.
    #[arg(long, value_delimiter = ',')]
    builds: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("edge: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One run's outcome.
struct Outcome {
    streams: usize,
    reports: Vec<StreamReport>,
    reloads: u64,
    reload_failures: u64,
}

/// What a stream must keep under one frame interval to be held.
#[derive(Clone, Copy)]
enum Criterion {
    /// Its p99 latency, packet submitted → frame handed over.
    Latency,
    /// Its p99 latency less its least: lateness against its own best, as the ffmpeg CLI's
    /// can be measured from outside.
    Pace,
}

impl Outcome {
    /// Every stream within one frame interval by `criterion`, nothing dropped or abandoned.
    fn held(&self, interval_ms: f64, criterion: Criterion) -> bool {
        self.reports.iter().all(|report| {
            let total = report.stage(ScheduledStage::Total);
            let measure = match criterion {
                Criterion::Latency => total.p99_ms,
                Criterion::Pace => total.p99_ms - total.min_ms,
            };
            report.completed && report.counts.dropped() == 0 && measure < interval_ms
        })
    }

    fn total(&self) -> StreamReport {
        let mut total = self.reports[0].clone();
        for report in &self.reports[1..] {
            total.merge(report);
        }
        total
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.streams == 0 || args.workers == 0 {
        return Err("--streams and --workers must be at least 1".into());
    }
    let ffmpeg = common::load(args.lib_dir.as_ref()).map_err(|e| e.to_string())?;
    let (interval_ms, clip_seconds) = {
        let input = Input::open(&ffmpeg, &args.clip)
            .map_err(|e| format!("{}: {e}", args.clip.display()))?;
        let stream = input
            .best_stream(MediaType::Video)
            .ok_or_else(|| format!("{}: no video stream", args.clip.display()))?;
        let rate = stream.frame_rate().filter(|r| r.num > 0 && r.den > 0);
        let interval = rate.map_or(40.0, |r| 1000.0 * f64::from(r.den) / f64::from(r.num));
        (interval, input.duration_us().unwrap_or(0) as f64 / 1e6)
    };
    let release = ffmpeg.release().to_string();
    let criterion = if args.pace {
        Criterion::Pace
    } else {
        Criterion::Latency
    };
    let reloadable = ReloadableFfmpeg::new(ffmpeg);
    let duration = Duration::from_secs_f64(args.duration.unwrap_or(clip_seconds).max(0.1));
    let trial = |streams: usize| -> Result<Outcome, String> {
        let plan = replay::Plan {
            clip: args.clip.clone(),
            streams,
            live: args.live,
            duration,
            thread_per_stream: args.thread_per_stream,
            scheduler: SchedulerOptions {
                workers: args.workers,
                pin: args.pin,
                queue_depth: args.queue_depth,
                warm_up_frames: args.warm_up,
                spin: args.spin,
                decoder: DecoderOptions {
                    threads: 1,
                    low_delay: true,
                    ..DecoderOptions::default()
                },
                ..SchedulerOptions::default()
            },
            ffmpeg: &reloadable,
        };
        let (reports, reloads, reload_failures) =
            with_reloads(&reloadable, args, || replay::run(&plan));
        Ok(Outcome {
            streams,
            reports: reports?,
            reloads,
            reload_failures,
        })
    };
    let (outcome, max_streams) = if args.max_streams {
        let (outcome, found) = search(&trial, interval_ms, criterion, args.json)?;
        (outcome, Some(found))
    } else {
        (Some(trial(args.streams)?), None)
    };
    let Some(outcome) = outcome else {
        return Err("not even one stream was held within one frame interval".into());
    };
    let mode = if args.thread_per_stream {
        "thread per stream".to_string()
    } else {
        format!(
            "{} workers{}",
            args.workers,
            if args.pin { ", pinned" } else { "" }
        )
    };
    if args.json {
        let held = outcome.held(interval_ms, criterion);
        let object = to_json(&outcome, interval_ms, held, max_streams, &mode, &release);
        stdout::line(format_args!("{object}"));
    } else {
        print_table(
            &outcome,
            interval_ms,
            criterion,
            max_streams,
            &mode,
            &release,
        );
    }
    Ok(())
}

/// Doubles the streams while they hold, then halves the gap: the largest N that held, and
/// its outcome (`None` when one stream did not). A number that fails gets a second trial.
fn search(
    trial: &dyn Fn(usize) -> Result<Outcome, String>,
    interval_ms: f64,
    criterion: Criterion,
    quiet: bool,
) -> Result<(Option<Outcome>, usize), String> {
    let mut best: Option<Outcome> = None;
    let mut failed_at = None;
    let mut streams = 1;
    // A number that fails is tried once more: a stall of a shared host can fail one trial.
    let mut try_one = |streams: usize| -> Result<bool, String> {
        for _ in 0..2 {
            let outcome = trial(streams)?;
            let held = outcome.held(interval_ms, criterion);
            if !quiet {
                let p99 = outcome.total().stage(ScheduledStage::Total).p99_ms;
                let dropped: u64 = outcome.reports.iter().map(|r| r.counts.dropped()).sum();
                let verdict = if held { "held" } else { "not held" };
                eprintln!("{streams:4} streams: p99 {p99:.2} ms, dropped {dropped}: {verdict}");
            }
            if held {
                best = Some(outcome);
                return Ok(true);
            }
        }
        Ok(false)
    };
    while streams <= 1024 && try_one(streams)? {
        streams *= 2;
    }
    if streams <= 1024 {
        failed_at = Some(streams);
    }
    let (mut low, mut high) = (streams / 2, failed_at.unwrap_or(streams));
    while high - low > 1 {
        let middle = (low + high) / 2;
        if try_one(middle)? {
            low = middle;
        } else {
            high = middle;
        }
    }
    let found = best.as_ref().map_or(0, |b| b.streams);
    debug_assert!(found == low || best.is_none());
    Ok((best, found))
}

/// Runs `body` while a thread swaps the FFmpeg every `--reload-every` seconds between the
/// `--builds`; returns what `body` gave, the swaps made and the swaps that failed.
fn with_reloads<T>(
    reloadable: &ReloadableFfmpeg,
    args: &Args,
    body: impl FnOnce() -> T,
) -> (T, u64, u64) {
    let stop = AtomicBool::new(false);
    let (reloads, failures) = (AtomicU64::new(0), AtomicU64::new(0));
    let value = std::thread::scope(|scope| {
        if let Some(every) = args.reload_every {
            let every = Duration::from_secs_f64(every.max(0.01));
            let (stop, reloads, failures) = (&stop, &reloads, &failures);
            scope.spawn(move || {
                for build in args.builds.iter().cycle() {
                    let deadline = Instant::now() + every;
                    while Instant::now() < deadline {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    // SAFETY: the --builds directories are FFmpeg builds the user named.
                    match unsafe { reloadable.reload(build) } {
                        Ok(_) => reloads.fetch_add(1, Ordering::Relaxed),
                        Err(error) => {
                            eprintln!("edge: reload from {}: {error}", build.display());
                            failures.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            });
        }
        let value = body();
        stop.store(true, Ordering::Relaxed);
        value
    });
    (value, reloads.into_inner(), failures.into_inner())
}

fn stage_json(latency: &StageLatency) -> Value {
    json!({
        "min_ms": latency.min_ms,
        "mean_ms": latency.mean_ms,
        "p50_ms": latency.p50_ms,
        "p95_ms": latency.p95_ms,
        "p99_ms": latency.p99_ms,
        "max_ms": latency.max_ms,
    })
}

fn to_json(
    outcome: &Outcome,
    interval_ms: f64,
    held: bool,
    max_streams: Option<usize>,
    mode: &str,
    release: &str,
) -> Value {
    let total = outcome.total();
    let stages: serde_json::Map<String, Value> = ScheduledStage::ALL
        .iter()
        .map(|&stage| (stage.name().to_string(), stage_json(&total.stage(stage))))
        .collect();
    let per_type: serde_json::Map<String, Value> = total
        .per_type()
        .iter()
        .map(|kind| {
            let stages: serde_json::Map<String, Value> = ScheduledStage::ALL
                .iter()
                .map(|&stage| (stage.name().to_string(), stage_json(kind.stage(stage))))
                .collect();
            (kind.picture_type.to_string(), Value::Object(stages))
        })
        .collect();
    let streams: Vec<Value> = outcome
        .reports
        .iter()
        .map(|report| {
            json!({
                "decoded": report.counts.decoded,
                "dropped": report.counts.dropped(),
                "late": report.counts.late,
                "p99_ms": report.stage(ScheduledStage::Total).p99_ms,
                "min_ms": report.stage(ScheduledStage::Total).min_ms,
                "skips": report.counts.skips,
                "decode_errors": report.counts.decode_errors,
                "completed": report.completed,
            })
        })
        .collect();
    let mut object = json!({
        "release": release,
        "mode": mode,
        "frame_interval_ms": interval_ms,
        "held": held,
        "held_by_latency": outcome.held(interval_ms, Criterion::Latency),
        "held_by_pace": outcome.held(interval_ms, Criterion::Pace),
        "streams": streams,
        "stages": stages,
        "per_type": per_type,
        "reloads": outcome.reloads,
        "reload_failures": outcome.reload_failures,
    });
    if let Some(found) = max_streams {
        object["max_streams"] = json!(found);
    }
    object
}

fn print_table(
    outcome: &Outcome,
    interval_ms: f64,
    criterion: Criterion,
    max_streams: Option<usize>,
    mode: &str,
    release: &str,
) {
    let total = outcome.total();
    if let Some(found) = max_streams {
        stdout::line(format_args!(
            "largest number of streams held within one frame interval ({interval_ms:.1} ms) at p99: {found}"
        ));
    }
    stdout::line(format_args!(
        "{} streams, {mode}, FFmpeg {release}; reloads {} (failed {}); {}",
        outcome.streams,
        outcome.reloads,
        outcome.reload_failures,
        if outcome.held(interval_ms, criterion) {
            "held"
        } else {
            "not held"
        }
    ));
    stdout::line(format_args!(
        "{:<10} {:>9} {:>9} {:>9} {:>9} {:>9}   (ms)",
        "stage", "mean", "p50", "p95", "p99", "max"
    ));
    for stage in ScheduledStage::ALL {
        let s = total.stage(stage);
        stdout::line(format_args!(
            "{:<10} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3}",
            stage.name(),
            s.mean_ms,
            s.p50_ms,
            s.p95_ms,
            s.p99_ms,
            s.max_ms
        ));
    }
    stdout::line(format_args!("per picture type, mean / p95 (ms):"));
    print!("{:<6} {:>7}", "type", "frames");
    for stage in ScheduledStage::ALL {
        print!(" {:>17}", stage.name());
    }
    stdout::line(format_args!(""));
    for kind in total.per_type() {
        print!(
            "{:<6} {:>7}",
            kind.picture_type,
            kind.stage(ScheduledStage::Total).count
        );
        for stage in ScheduledStage::ALL {
            let s = kind.stage(stage);
            print!(" {:>8.3}/{:<8.3}", s.mean_ms, s.p95_ms);
        }
        stdout::line(format_args!(""));
    }
    stdout::line(format_args!(
        "{:>6} {:>8} {:>8} {:>6} {:>9}",
        "stream", "decoded", "dropped", "late", "p99_ms"
    ));
    for (index, report) in outcome.reports.iter().enumerate() {
        stdout::line(format_args!(
            "{index:>6} {:>8} {:>8} {:>6} {:>9.3}",
            report.counts.decoded,
            report.counts.dropped(),
            report.counts.late,
            report.stage(ScheduledStage::Total).p99_ms
        ));
    }
}
