//! FFmpeg's own log messages reach the `log` crate, under the target `ffmpeg`, at the mapped
//! level, and the level filter is honoured. (Its own binary: a logger is process-wide.) The
//! warning it provokes is x86's, so the test runs there.
#![cfg(target_arch = "x86_64")]

mod common;

use std::sync::Mutex;

use ffmpeg_runtime::CpuFlags;
use log::{Level, LevelFilter, Log, Metadata, Record};

static RECORDS: Mutex<Vec<(String, Level, String)>> = Mutex::new(Vec::new());

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        true
    }
    fn log(&self, record: &Record) {
        let entry = (
            record.target().to_owned(),
            record.level(),
            record.args().to_string(),
        );
        RECORDS.lock().unwrap().push(entry);
    }
    fn flush(&self) {}
}

/// SSE2 without MMX: every FFmpeg 4.x–9.x warns "MMX implied by specified flags" on x86.
#[test]
fn ffmpeg_warnings_reach_the_log_crate_and_the_level_filters_them() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(LevelFilter::Trace);
    let ffmpeg = common::under_test().load();
    let sse2_only = CpuFlags::from_bits(0x0010);
    let warnings = || {
        RECORDS
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, _, m)| m.contains("MMX implied"))
            .cloned()
            .collect::<Vec<_>>()
    };

    ffmpeg.force_cpu_flags(Some(sse2_only));
    let seen = warnings();
    assert_eq!(seen.len(), 1, "{:?}", RECORDS.lock().unwrap());
    assert_eq!(seen[0].0, "ffmpeg");
    assert_eq!(seen[0].1, Level::Warn);
    assert!(ffmpeg.cpu_flags().has("sse2") && ffmpeg.cpu_flags().has("mmx"));

    ffmpeg.set_log_level(LevelFilter::Error);
    ffmpeg.force_cpu_flags(Some(sse2_only));
    assert_eq!(
        warnings().len(),
        1,
        "a warning below the level set is not forwarded"
    );

    ffmpeg.set_log_level(LevelFilter::Warn);
    ffmpeg.force_cpu_flags(None);
    assert!(ffmpeg.cpu_flags().has("sse2"), "detection is back");
}
