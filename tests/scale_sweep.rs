//! Scaler configurations on every build (issue 15, finding 8): each pixel format libswscale
//! reads, to each it writes, at shapes down to one pixel, with every quality. Some
//! libswscale releases abort the process or divide by zero on a few of them (one-row Bayer
//! pictures, `yaf32` sources in 8.x, fast bilinear to 4:1:x eight pixels wide); the `Scaler`
//! refuses those or converts another way, so the sweep must run to its end with every
//! conversion done or refused with a typed error. It runs in a child process, so that a
//! crash is reported with the configuration that caused it rather than killing the suite.

mod common;

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use ffmpeg_runtime::{Error, Ffmpeg, Frame, ScaleQuality, Scaler};

const QUALITIES: [ScaleQuality; 6] = [
    ScaleQuality::Fast,
    ScaleQuality::Bilinear,
    ScaleQuality::Bicubic,
    ScaleQuality::Lanczos,
    ScaleQuality::BitExact,
    ScaleQuality::BitExactFullChroma,
];

/// The qualities every pair of formats is tried with: one of each of libswscale's paths (fast
/// bilinear; filters, which bilinear and Lanczos share with bicubic; accurate rounding; full
/// chroma interpolation). The common targets take all six.
const PATHS: [ScaleQuality; 4] = [
    ScaleQuality::Fast,
    ScaleQuality::Bicubic,
    ScaleQuality::BitExact,
    ScaleQuality::BitExactFullChroma,
];

/// (source, target) sizes every pair of formats is tried at: unscaled, scaled down, one
/// pixel, and one row or column.
const EVERY_PAIR_AT: [((u32, u32), (u32, u32)); 5] = [
    ((17, 9), (17, 9)),
    ((17, 9), (8, 5)),
    ((1, 1), (1, 1)),
    ((1, 2), (3, 1)),
    ((2, 1), (2, 1)),
];

/// Source shapes each source is tried at with the common targets.
const SHAPES: [(u32, u32); 7] = [(1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (5, 3), (17, 9)];

/// The targets every source goes to at every shape.
const COMMON: [&str; 5] = ["yuv420p", "rgba", "gray", "nv12", "yuv444p16le"];

/// Set for the child process, to the directory of its progress files: it runs the sweep.
const CHILD: &str = "FFMPEG_RUNTIME_SCALE_SWEEP_CHILD";
/// Threads the child sweeps on.
const WORKERS: usize = 2;

/// A picture of `format` filled with pseudo-random bytes.
fn picture(ffmpeg: &Ffmpeg, (width, height): (u32, u32), format: &str, seed: u32) -> Option<Frame> {
    let mut frame = Frame::video(ffmpeg, width, height, format).ok()?;
    let mut state = seed | 1;
    for mut plane in frame.planes_mut().ok()? {
        for byte in plane.rows_mut().flatten() {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *byte = (state >> 16) as u8;
        }
    }
    Some(frame)
}

/// A source's configurations: (target, source size, target size, quality).
type Configuration = (String, (u32, u32), (u32, u32), ScaleQuality);

fn configurations(targets: &[String]) -> impl Iterator<Item = Configuration> + '_ {
    let every_pair = targets.iter().flat_map(|target| {
        EVERY_PAIR_AT
            .into_iter()
            .flat_map(move |(from, to)| PATHS.map(|quality| (target.clone(), from, to, quality)))
    });
    let shapes = COMMON.iter().flat_map(|target| {
        SHAPES.iter().flat_map(move |&from| {
            [from, (1, 1), (16, 16)].into_iter().flat_map(move |to| {
                QUALITIES.map(|quality| (target.to_string(), from, to, quality))
            })
        })
    });
    every_pair.chain(shapes)
}

/// Where a worker names the conversion it is about to try, over the name before.
fn progress_file(dir: &Path, worker: usize) -> PathBuf {
    dir.join(format!("worker-{worker}"))
}

/// Sweeps the sources `worker` of `workers` takes, naming each configuration in its progress
/// file before trying it; returns the conversions done and refused.
fn sweep(ffmpeg: &Ffmpeg, worker: usize, workers: usize, progress: &Path) -> (u64, u64) {
    let progress = std::fs::File::create(progress_file(progress, worker)).unwrap();
    let formats = ffmpeg.pixel_formats();
    let sources = formats
        .iter()
        .filter(|f| Scaler::supports_source(ffmpeg, *f))
        .map(|f| f.name());
    let targets: Vec<String> = formats
        .iter()
        .filter(|f| Scaler::supports_target(ffmpeg, *f))
        .map(|f| f.name().to_owned())
        .collect();
    let (mut done, mut refused) = (0u64, 0u64);
    for source in sources.skip(worker).step_by(workers) {
        for (index, (target, from, to, quality)) in configurations(&targets).enumerate() {
            let Some(input) = picture(ffmpeg, from, source, index as u32) else {
                continue;
            };
            let Ok(mut output) = Frame::video(ffmpeg, to.0, to.1, &target) else {
                continue;
            };
            let line = format!(
                "{source} {}x{} -> {target} {}x{} {quality:?}",
                from.0, from.1, to.0, to.1
            );
            // One write at the start, padded over the longer names before it.
            let mut record = &progress;
            record.seek(std::io::SeekFrom::Start(0)).unwrap();
            record.write_all(format!("{line:<120}").as_bytes()).unwrap();
            match Scaler::new(ffmpeg, quality).scale(&input, &mut output) {
                Ok(()) => done += 1,
                Err(Error::Unsupported { .. } | Error::Ffmpeg { .. }) => refused += 1,
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
    }
    (done, refused)
}

/// The sweep, in the child, on two threads: prints the counts at the end.
#[test]
#[ignore = "the child process of every_scaler_configuration_is_done_or_refused"]
fn sweep_in_a_child_process() {
    let progress = PathBuf::from(std::env::var_os(CHILD).expect("run by the sweep's parent"));
    let ffmpeg = common::under_test().load();
    ffmpeg.set_log_level(log::LevelFilter::Off);
    let counts: Vec<(u64, u64)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let ffmpeg = &ffmpeg;
                let progress = &progress;
                scope.spawn(move || sweep(ffmpeg, worker, WORKERS, progress))
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let (done, refused) = counts
        .iter()
        .fold((0, 0), |(d, r), (done, refused)| (d + done, r + refused));
    eprintln!("SWEEP {done} done, {refused} refused");
}

#[test]
fn every_scaler_configuration_is_done_or_refused() {
    let progress = common::scratch_dir("scale-sweep");
    let output = common::command(&common::this_executable())
        .args([
            "--ignored",
            "--exact",
            "sweep_in_a_child_process",
            "--nocapture",
        ])
        .env(CHILD, &progress)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    let Some(summary) = said
        .lines()
        .find(|line| line.starts_with("SWEEP "))
        .filter(|_| output.status.success())
    else {
        let last: Vec<String> = (0..WORKERS)
            .map(|w| std::fs::read_to_string(progress_file(&progress, w)).unwrap_or_default())
            .map(|line| line.trim_end().to_owned())
            .collect();
        panic!(
            "the sweep ended with {}; each worker's last conversion:\n{}\n{said}",
            output.status,
            last.join("\n")
        );
    };
    eprintln!("{summary}");
}
