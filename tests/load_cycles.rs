//! Loading and unloading over and over: load → decode a clip → drop everything, with no
//! crash, the libraries really unmapped each time, and no growth of the process's mappings;
//! and many threads making the first use of each fresh load at once.

mod common;

use std::sync::{Barrier, Mutex};

use common::media::{self, CLIPS};
use ffmpeg_runtime::{Frame, ScaleQuality, Scaler};

/// One test at a time: each needs the build under test loaded by no one else, so that every
/// load of it maps it afresh (and the first counts the process's mappings).
static ALONE: Mutex<()> = Mutex::new(());

/// (mappings, mapped bytes) of this process.
fn mapped() -> (usize, u64) {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let bytes = maps
        .lines()
        .filter_map(|line| {
            let range = line.split_whitespace().next()?;
            let (start, end) = range.split_once('-')?;
            Some(u64::from_str_radix(end, 16).ok()? - u64::from_str_radix(start, 16).ok()?)
        })
        .sum();
    (maps.lines().count(), bytes)
}

fn cycle(build: &common::Build) -> std::path::PathBuf {
    let ffmpeg = build.load();
    let clip = &CLIPS[0];
    let frames = media::decode_md5s(&ffmpeg, &media::path(clip), clip.stream).unwrap();
    assert!(!frames.is_empty());
    avcodec_path(&ffmpeg)
}

fn avcodec_path(ffmpeg: &ffmpeg_runtime::Ffmpeg) -> std::path::PathBuf {
    let avcodec = ffmpeg_runtime::Library::AvCodec;
    ffmpeg
        .library(avcodec)
        .expect("a required library")
        .path()
        .canonicalize()
        .unwrap()
}

/// Cycles to run: a thousand on the system's build, a hundred on each of the others, which
/// keeps the matrix within CI's time (a cycle takes about 40 ms here).
fn cycles(build: &common::Build) -> usize {
    if build.name == "5.1" { 1000 } else { 100 }
}

#[test]
fn a_thousand_load_decode_unload_cycles_leave_the_mappings_as_they_were() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let build = common::under_test();
    // Warm-up: the C library, the allocator's arenas and the test harness settle first.
    for _ in 0..20 {
        cycle(&build);
    }
    let before = mapped();
    for _ in 0..cycles(&build) {
        let avcodec = cycle(&build);
        assert!(
            !common::is_loaded(&avcodec),
            "{} still mapped after everything was dropped",
            avcodec.display()
        );
    }
    let after = mapped();
    assert!(
        after.0 <= before.0 + 8,
        "mappings grew from {} to {}",
        before.0,
        after.0
    );
    assert!(
        after.1 <= before.1 + (64 << 20),
        "mapped bytes grew from {} to {}",
        before.1,
        after.1
    );
}

/// Threads loading the same build and making the first use of it at once: more than CI's two
/// cores.
const THREADS: usize = 4;

/// Four threads load the build at the same moment, and make the first use of it at once, load
/// after load: each opens an MPEG-4 file (whose parser builds its code tables on first use)
/// and converts its first picture to RGB (swscale sets its converters on first use). FFmpeg
/// 4.x does both without a lock, so the load must have done them already, one load at a time.
/// Before it did, 4.1 aborted inside FFmpeg ("Assertion ret >= 0 failed at
/// libavcodec/bitstream.c:346") on some fresh loads.
#[test]
fn threads_loading_and_first_using_a_build_at_once_race_nothing() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let build = common::under_test();
    let clip = CLIPS.iter().find(|clip| clip.name == "mpeg4.avi").unwrap();
    let path = media::path(clip);
    // Without the load's own first use, 4.1 aborted within 100 fresh loads four times in five.
    let loads = if build.avcodec.major == 58 { 200 } else { 25 };
    for _ in 0..loads {
        let start = Barrier::new(THREADS);
        let results: Vec<(Vec<u8>, std::path::PathBuf)> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        let ffmpeg = build.load();
                        let picture = media::first_frame(&ffmpeg, &path);
                        let (width, height) = (picture.width(), picture.height());
                        let mut rgb = Frame::video(&ffmpeg, width, height, "rgb24").unwrap();
                        Scaler::new(&ffmpeg, ScaleQuality::BitExact)
                            .scale(&picture, &mut rgb)
                            .unwrap();
                        let mut packed = Vec::new();
                        rgb.copy_packed(&mut packed).unwrap();
                        (packed, avcodec_path(&ffmpeg))
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(
            results.iter().all(|(picture, _)| *picture == results[0].0),
            "every thread converts the same picture alike"
        );
        let avcodec = &results[0].1;
        assert!(!common::is_loaded(avcodec), "{}", avcodec.display());
    }
}
