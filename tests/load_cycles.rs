//! Loading and unloading over and over: load → decode a clip → drop everything, with no
//! crash, the libraries really unmapped each time, and no growth of the process's mappings.

mod common;

use common::media::{self, CLIPS};

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
