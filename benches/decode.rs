//! Decode speed of 1080p H.264 through the crate, beside the ffmpeg CLI on the same library,
//! and Rust-side heap allocations per frame in the steady state; then the same decode with
//! each frame converted to RGBA on the same thread (`convert::RgbPool`, which streams its
//! stores at this size), and again through the cache (`Stores::Cached`); and, as the floor
//! for that, the same decode writing as many bytes as RGBA takes (`fill` of a buffer of
//! that size) instead of converting.
//!
//! ```text
//! cargo bench --bench decode -- [--lib-dir DIR] [--threads N] [--runs R]
//! ```
//!
//! The input (1080p30 H.264 High, 300 frames, 3 B-frames) is made once with the ffmpeg CLI
//! into `$FFMPEG_RUNTIME_CACHE/media/bench_1080p.mp4`. Each figure is the best of R runs; each
//! run takes the passes in turn.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::convert::{RgbFormat, RgbPool, Stores};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet};

#[path = "../tests/common/counting.rs"]
mod counting;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn input_file() -> PathBuf {
    let cache = std::env::var_os("FFMPEG_RUNTIME_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/ffmpeg-runtime")
        });
    let path = cache.join("media/bench_1080p.mp4");
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let status = Command::new("ffmpeg")
            .args([
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostdin",
                "-f",
                "lavfi",
                "-i",
            ])
            .arg("testsrc2=size=1920x1080:rate=30:duration=10")
            .args([
                "-c:v",
                "libx264",
                "-profile:v",
                "high",
                "-bf",
                "3",
                "-pix_fmt",
                "yuv420p",
                "-y",
            ])
            .arg(&path)
            .status()
            .expect("the ffmpeg CLI makes the input");
        assert!(status.success());
    }
    path
}

/// What each decoded frame gets.
#[derive(Clone, Copy)]
enum Work {
    Nothing,
    /// Converted to RGBA, as `RgbPool` does by default (streaming at this size).
    Rgba,
    /// Converted to RGBA through the cache (`Stores::Cached`).
    RgbaCached,
    /// A buffer of RGBA's size filled: what writing the output costs, with no computing.
    FillRgbaSizedBuffer,
}

/// Does `work` on one frame.
fn work_on(frame: &Frame, work: Work, pool: &RgbPool, buffer: &mut Vec<u8>) {
    match work {
        Work::Nothing => {}
        Work::Rgba | Work::RgbaCached => drop(pool.convert(frame, RgbFormat::Rgba).unwrap()),
        Work::FillRgbaSizedBuffer => {
            buffer.resize(frame.width() as usize * frame.height() as usize * 4, 0);
            buffer.fill(frame.pts().unwrap_or(0) as u8);
            std::hint::black_box(&buffer);
        }
    }
}

/// Decodes the whole file, doing `work` on each frame; returns (frames, seconds, allocations
/// after the first 30 frames).
fn decode(ffmpeg: &Ffmpeg, path: &Path, threads: u32, work: Work) -> (usize, f64, usize) {
    let pool = match work {
        Work::RgbaCached => RgbPool::new().with_stores(Stores::Cached),
        _ => RgbPool::new(),
    };
    let mut buffer = Vec::new();
    let start = Instant::now();
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let mut decoder = Decoder::new(
        &stream,
        &DecoderOptions {
            threads,
            ..DecoderOptions::default()
        },
    )
    .unwrap();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    let (mut frames, mut steady_from) = (0usize, None);
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() != index {
            continue;
        }
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            frames += 1;
            work_on(&frame, work, &pool, &mut buffer);
            if frames == 30 {
                steady_from = Some(counting::allocations());
            }
        }
    }
    let steady = steady_from.map_or(0, |from| counting::allocations() - from);
    decoder.send_eof().unwrap();
    while decoder.receive(&mut frame).unwrap() {
        frames += 1;
        work_on(&frame, work, &pool, &mut buffer);
    }
    (frames, start.elapsed().as_secs_f64(), steady)
}

/// The CLI's own figure (`-benchmark`'s rtime) for the same decode on the same library.
fn cli_seconds(path: &Path, threads: u32) -> Option<f64> {
    let output = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-nostdin",
            "-benchmark",
            "-threads",
            &threads.to_string(),
            "-i",
        ])
        .arg(path)
        .args(["-an", "-f", "null", "-"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stderr);
    let rtime = text.split("rtime=").nth(1)?.split('s').next()?;
    rtime.trim().parse().ok()
}

fn main() {
    let lib_dir = arg("--lib-dir");
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let threads_list: Vec<u32> = match arg("--threads") {
        Some(t) => vec![t.parse().unwrap()],
        None => vec![1, 0],
    };
    let ffmpeg = match &lib_dir {
        // SAFETY: the user names a directory holding FFmpeg.
        Some(dir) => unsafe { Ffmpeg::load_from(dir) }.unwrap(),
        None => Ffmpeg::load().unwrap(),
    };
    let path = input_file();
    println!("FFmpeg {} from {}", ffmpeg.release(), ffmpeg.candidate());
    println!(
        "| threads | crate fps | allocations/frame (steady) | ffmpeg CLI fps (same library) \
         | crate + RGBA fps | allocations/frame | RGBA / decode only \
         | crate + RGBA through the cache fps | ratio \
         | decode + filling RGBA's bytes fps | filling / decode only |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    const WORKS: [Work; 4] = [
        Work::Nothing,
        Work::Rgba,
        Work::RgbaCached,
        Work::FillRgbaSizedBuffer,
    ];
    for threads in threads_list {
        // Runs take the passes in turn, so that a busy moment of the machine falls on each.
        let mut best = [f64::MAX; WORKS.len()];
        let (mut frames, mut allocations) = (0, [0; WORKS.len()]);
        for _ in 0..runs {
            for (i, work) in WORKS.into_iter().enumerate() {
                let (f, seconds, a) = decode(&ffmpeg, &path, threads, work);
                (frames, allocations[i]) = (f, a);
                best[i] = best[i].min(seconds);
            }
        }
        let [best, best_rgba, best_cached, best_fill] = best;
        // The CLI on the machine is linked to the system's FFmpeg: compare only on that one.
        let same_library = lib_dir.is_none();
        let cli = (0..runs)
            .filter(|_| same_library)
            .filter_map(|_| cli_seconds(&path, threads))
            .reduce(f64::min);
        let cli = cli.map_or("–".into(), |s| format!("{:.0}", frames as f64 / s));
        let per_frame =
            |allocations: usize| allocations as f64 / (frames.saturating_sub(30).max(1)) as f64;
        let label = if threads == 0 {
            "default".to_owned()
        } else {
            threads.to_string()
        };
        println!(
            "| {label} | {:.0} | {:.2} | {cli} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.0} \
             | {:.2} |",
            frames as f64 / best,
            per_frame(allocations[0]),
            frames as f64 / best_rgba,
            per_frame(allocations[1]),
            best / best_rgba,
            frames as f64 / best_cached,
            best / best_cached,
            frames as f64 / best_fill,
            best / best_fill
        );
    }
}
