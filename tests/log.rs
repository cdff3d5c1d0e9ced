//! FFmpeg's own log messages reach the `log` crate, under the target `ffmpeg`, at the mapped
//! level, and the level filter is honoured. (Its own binary: a logger is process-wide.) The
//! warning it provokes is x86's, so the test runs there. What FFmpeg says just before it
//! aborts the process reaches stderr even without a logger.
#![cfg(target_arch = "x86_64")]

mod common;

use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use ffmpeg_runtime::{CpuFlags, Ffmpeg, Library};
use log::{Level, LevelFilter, Log, Metadata, Record};

static RECORDS: Mutex<Vec<(String, Level, String)>> = Mutex::new(Vec::new());

/// The tests that count warnings take turns: each provokes the same one.
static TURN: Mutex<()> = Mutex::new(());

/// SSE2 without MMX: every FFmpeg 4.x–9.x warns "MMX implied by specified flags" on x86.
const SSE2_ONLY: u32 = 0x0010;

/// Every "MMX implied" warning the logger has received, oldest first.
fn mmx_warnings() -> Vec<(String, Level, String)> {
    let records = RECORDS.lock().unwrap();
    records
        .iter()
        .filter(|(_, _, m)| m.contains("MMX implied"))
        .cloned()
        .collect()
}

/// Asks `ffmpeg` for SSE2 without MMX, which makes it warn, and returns how many such
/// warnings the logger has received by then.
fn provoke_mmx_warning(ffmpeg: &Ffmpeg) -> usize {
    ffmpeg.force_cpu_flags(Some(CpuFlags::from_bits(SSE2_ONLY)));
    mmx_warnings().len()
}

fn install_logger() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(LevelFilter::Trace);
    });
}

/// Set while a test wants the logger to panic, in `enabled` and in `log`.
static PANICKING: AtomicBool = AtomicBool::new(false);

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        assert!(
            !PANICKING.load(Ordering::SeqCst),
            "the logger's enabled panics"
        );
        true
    }
    fn log(&self, record: &Record) {
        assert!(!PANICKING.load(Ordering::SeqCst), "the logger's log panics");
        let entry = (
            record.target().to_owned(),
            record.level(),
            record.args().to_string(),
        );
        RECORDS.lock().unwrap().push(entry);
    }
    fn flush(&self) {}
}

#[test]
fn ffmpeg_warnings_reach_the_log_crate_and_the_level_filters_them() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    install_logger();
    let ffmpeg = common::under_test().load();
    let before = mmx_warnings().len();

    assert_eq!(
        provoke_mmx_warning(&ffmpeg),
        before + 1,
        "{:?}",
        RECORDS.lock().unwrap()
    );
    let (target, level, _) = mmx_warnings().pop().unwrap();
    assert_eq!(target, "ffmpeg");
    assert_eq!(level, Level::Warn);
    assert!(ffmpeg.cpu_flags().has("sse2") && ffmpeg.cpu_flags().has("mmx"));

    ffmpeg.set_log_level(LevelFilter::Error);
    assert_eq!(
        provoke_mmx_warning(&ffmpeg),
        before + 1,
        "a warning below the level set is not forwarded"
    );

    ffmpeg.set_log_level(LevelFilter::Warn);
    ffmpeg.force_cpu_flags(None);
    assert!(ffmpeg.cpu_flags().has("sse2"), "detection is back");
}

/// Two loads of the same files share one libavutil, so one log callback: the level set
/// through the first load still filters after the second load, and after the second drops.
/// (Each load used to install a callback of its own, replacing the first's in the shared
/// libavutil: the first load's level then had no effect.)
#[test]
fn two_loads_of_the_same_files_share_one_log_level() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    install_logger();
    let first = common::under_test().load();
    let second = common::under_test().load();
    assert!(!first.is_same_load(&second));
    let before = mmx_warnings().len();

    first.set_log_level(LevelFilter::Error);
    assert_eq!(
        provoke_mmx_warning(&first),
        before,
        "the first load's level filters"
    );
    assert_eq!(second.log_level(), LevelFilter::Error, "one level for both");

    second.set_log_level(LevelFilter::Warn);
    assert_eq!(
        provoke_mmx_warning(&first),
        before + 1,
        "set through either load"
    );

    drop(second);
    first.set_log_level(LevelFilter::Error);
    assert_eq!(
        provoke_mmx_warning(&first),
        before + 1,
        "still filtered once the second drops"
    );
    first.set_log_level(LevelFilter::Warn);
    assert_eq!(provoke_mmx_warning(&first), before + 2);
    first.force_cpu_flags(None);
}

/// A logger that panics (in `enabled` or in `log`) is called from FFmpeg's log callback: the
/// panic stops there, short of FFmpeg's C frames, where unwinding aborts the process. (A
/// panicking `enabled` did abort it.)
#[test]
fn a_panicking_logger_does_not_unwind_into_ffmpeg() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    install_logger();
    let ffmpeg = common::under_test().load();
    let before = mmx_warnings().len();
    PANICKING.store(true, Ordering::SeqCst);
    let during = provoke_mmx_warning(&ffmpeg);
    PANICKING.store(false, Ordering::SeqCst);
    assert_eq!(during, before, "nothing logged while the logger panics");
    assert_eq!(provoke_mmx_warning(&ffmpeg), before + 1, "logging goes on");
    ffmpeg.force_cpu_flags(None);
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
