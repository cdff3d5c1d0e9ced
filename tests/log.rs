//! FFmpeg's own log messages reach the `log` crate, under the target `ffmpeg`, at the mapped
//! level, and the level filter is honoured. (Its own binary: a logger is process-wide.) The
//! warning it provokes is x86's, so the test runs there. What FFmpeg says just before it
//! aborts the process reaches stderr even without a logger.
#![cfg(target_arch = "x86_64")]

mod common;

use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;

use ffmpeg_runtime::{CpuFlags, Library};
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

/// Set for the child process of the test below.
const ABORT_CHILD: &str = "FFMPEG_RUNTIME_TEST_ABORT_MESSAGE_CHILD";

/// In the child (no logger): libavutil logs at `AV_LOG_PANIC` what a failed `av_assert0`
/// logs just before it calls `abort()` (which this does not).
#[test]
#[ignore = "the child process of what_ffmpeg_says_before_it_aborts_reaches_stderr"]
fn abort_message_in_a_child_process() {
    assert!(std::env::var_os(ABORT_CHILD).is_some(), "run by its parent");
    let ffmpeg = common::under_test().load();
    let avutil = ffmpeg.library(Library::AvUtil).expect("a required library");
    type AvLog = unsafe extern "C" fn(*mut c_void, c_int, *const c_char, ...);
    // SAFETY: the libavutil the crate loaded (the same mapping, opened once more), whose
    // `av_log` is variadic with this signature; the format's arguments match it.
    unsafe {
        let library = libloading::Library::new(avutil.path()).unwrap();
        let av_log = library.get::<AvLog>(b"av_log").unwrap();
        av_log(
            std::ptr::null_mut(),
            0, // AV_LOG_PANIC
            c"Assertion %s failed at %s:%d\n".as_ptr(),
            c"x > 0".as_ptr(),
            c"test.c".as_ptr(),
            7 as c_int,
        );
    }
}

/// An FFmpeg assertion ends the process with `abort()` after logging why: without a logger
/// that reason had been lost (a test binary died with exit 134 and no word).
#[test]
fn what_ffmpeg_says_before_it_aborts_reaches_stderr() {
    let output = common::command(&common::this_executable())
        .args([
            "--ignored",
            "--exact",
            "abort_message_in_a_child_process",
            "--nocapture",
        ])
        .env(ABORT_CHILD, "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("ffmpeg aborts: Assertion x > 0 failed at test.c:7"),
        "{said}"
    );
}
