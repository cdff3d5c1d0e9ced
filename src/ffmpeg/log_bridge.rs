//! FFmpeg's log, forwarded to the [`log`] crate under the target `ffmpeg`; and its last
//! error-level message on each thread, kept whether or not a logger is installed, so that the
//! [`Error`](super::Error) of a failed call can say what FFmpeg explained.
//!
//! FFmpeg hands a custom callback every message whatever `av_log_set_level` says (only its
//! default callback filters), so the bridge filters itself, with each loaded FFmpeg's own
//! level. A callback cannot tell which libavutil called it, so each loaded libavutil gets its
//! own trampoline from a fixed pool, whose slot holds its level; two loads of the same files
//! share one mapping, so one callback and one slot. Messages are formatted
//! with the C library's `vsnprintf`, which needs nothing from the libavutil that called.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use log::{Level, LevelFilter};

use crate::abi::constants::{
    LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_PANIC, LOG_QUIET, LOG_TRACE, LOG_WARNING,
};
use crate::loader::functions::{Functions, LogCallback};
use crate::sys::unwind::contain;

/// FFmpeg's own line length for a log message (`LINE_SZ` in libavutil/log.c).
const LINE_SIZE: usize = 1024;

unsafe extern "C" {
    /// `va_list` is passed as a pointer on the supported targets (see [`LogCallback`]).
    fn vsnprintf(buf: *mut c_char, size: usize, format: *const c_char, args: *mut c_void) -> c_int;
}

thread_local! {
    /// FFmpeg's last error-level message on this thread since a checked call last succeeded.
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Takes FFmpeg's last error-level message on this thread, if one was logged since a checked
/// call last succeeded here.
pub(crate) fn take_last_error() -> Option<String> {
    LAST_ERROR
        .try_with(|last| last.borrow_mut().take())
        .ok()
        .flatten()
}

/// Forgets the last error message: a call that succeeded explains no later failure.
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = None;
        }
    });
}

thread_local! {
    /// Every error-level message on this thread while [`collect_errors`] runs.
    static COLLECTED: RefCell<Option<Vec<Logged>>> = const { RefCell::new(None) };
}

/// One error-level message and the name of the context that logged it (`Parsed_scale_0`).
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub context: Option<String>,
    pub message: String,
}

/// Runs `call` and returns, with its result, every error-level message FFmpeg logged on this
/// thread meanwhile: a graph parser explains a failure in several lines, the last of which
/// alone (what [`take_last_error`] keeps) may not name the culprit.
pub(crate) fn collect_errors<R>(call: impl FnOnce() -> R) -> (R, Vec<Logged>) {
    let outer = COLLECTED.with(|collected| collected.borrow_mut().replace(Vec::new()));
    let result = call();
    let messages = COLLECTED.with(|collected| {
        std::mem::replace(&mut *collected.borrow_mut(), outer).unwrap_or_default()
    });
    (result, messages)
}

/// How many loaded libavutils can have a level of their own at once.
const SLOTS: usize = 16;

/// Each slot's level, read by its trampoline on every message.
static LEVELS: [AtomicI32; SLOTS + 1] = [const { AtomicI32::new(LOG_WARNING) }; SLOTS + 1];

/// Which libavutil a slot serves, and how many loads share it.
#[derive(Clone, Copy)]
struct Owner {
    /// The address of that libavutil's `av_log_set_callback`: two loads of the same files
    /// share one mapping, and so one callback, one level and one slot.
    library: usize,
    loads: usize,
}

/// Taken only when a load installs the bridge or drops: never on the logging path.
static OWNERS: Mutex<[Owner; SLOTS]> = Mutex::new(
    [Owner {
        library: 0,
        loads: 0,
    }; SLOTS],
);

fn owners() -> MutexGuard<'static, [Owner; SLOTS]> {
    // The table is consistent after every statement, so a panic elsewhere cannot spoil it.
    OWNERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The slot of the shared fallback, used once every other slot is taken: it forwards every
/// level and leaves the filtering to the `log` crate.
const SHARED: usize = SLOTS;

macro_rules! trampolines {
    ($($index:literal)*) => {
        [$({
            unsafe extern "C" fn trampoline(
                context: *mut c_void,
                level: c_int,
                format: *const c_char,
                args: *mut c_void,
            ) {
                // No panic may unwind into FFmpeg: the application's logger runs here.
                // SAFETY: the arguments are FFmpeg's, passed on unchanged.
                contain((), || unsafe { forward($index, context, level, format, args) })
            }
            trampoline as LogCallback
        },)*]
    };
}

static TRAMPOLINES: [LogCallback; SLOTS + 1] =
    trampolines!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// One loaded FFmpeg's place in the bridge; freed when the last load sharing it drops.
#[derive(Debug)]
pub(crate) struct LogSlot(usize);

impl LogSlot {
    /// Sets the most verbose FFmpeg level forwarded, for every load of the same libavutil.
    pub fn set_level(&self, av_level: c_int) {
        if self.0 != SHARED {
            LEVELS[self.0].store(av_level, Ordering::Relaxed);
        }
    }
}

impl Drop for LogSlot {
    fn drop(&mut self) {
        if self.0 != SHARED {
            let owner = &mut owners()[self.0];
            owner.loads = owner.loads.saturating_sub(1);
        }
    }
}

/// Routes this FFmpeg's log to the bridge: at warnings and errors for the first load of a
/// libavutil; a later load of the same files joins its slot, and its level, as they are.
pub(crate) fn install(functions: &Functions) -> LogSlot {
    let library = functions.av_log_set_callback as usize;
    let mut owners = owners();
    if let Some(index) = owners
        .iter()
        .position(|owner| owner.loads > 0 && owner.library == library)
    {
        // The callback is already this slot's trampoline: storing it again would race with
        // the threads logging through it.
        owners[index].loads += 1;
        return LogSlot(index);
    }
    let index = match owners.iter().position(|owner| owner.loads == 0) {
        Some(index) => {
            owners[index] = Owner { library, loads: 1 };
            LEVELS[index].store(LOG_WARNING, Ordering::Relaxed);
            index
        }
        None => {
            LEVELS[SHARED].store(LOG_TRACE, Ordering::Relaxed);
            SHARED
        }
    };
    // SAFETY: the trampoline has FFmpeg's log-callback signature and lives as long as the
    // process; both calls only store a value inside libavutil. Holding the table's lock, no
    // other load of these files stores at the same time.
    unsafe {
        (functions.av_log_set_callback)(Some(TRAMPOLINES[index]));
        (functions.av_log_set_level)(LOG_WARNING);
    }
    LogSlot(index)
}

pub(crate) fn av_level(level: LevelFilter) -> c_int {
    match level {
        LevelFilter::Off => LOG_QUIET,
        LevelFilter::Error => LOG_ERROR,
        LevelFilter::Warn => LOG_WARNING,
        LevelFilter::Info => LOG_INFO,
        LevelFilter::Debug => LOG_DEBUG,
        LevelFilter::Trace => LOG_TRACE,
    }
}

pub(crate) fn level_filter(av_level: c_int) -> LevelFilter {
    match av_level {
        ..0 => LevelFilter::Off,
        0..=LOG_ERROR => LevelFilter::Error,
        17..=LOG_WARNING => LevelFilter::Warn,
        25..=LOG_INFO => LevelFilter::Info,
        33..=LOG_DEBUG => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    }
}

fn log_level(av_level: c_int) -> Level {
    match av_level {
        ..=LOG_ERROR => Level::Error, // panic, fatal and error
        17..=LOG_WARNING => Level::Warn,
        25..=LOG_INFO => Level::Info,
        33..=LOG_DEBUG => Level::Debug, // verbose and debug
        _ => Level::Trace,
    }
}

/// Forwards one message of the FFmpeg whose slot is `slot`, if its level lets it through.
///
/// # Safety
///
/// The other arguments are those FFmpeg passed to its log callback.
unsafe fn forward(
    slot: usize,
    context: *mut c_void,
    av_level: c_int,
    format: *const c_char,
    args: *mut c_void,
) {
    let level = log_level(av_level);
    let keep = av_level <= LOG_ERROR;
    let forward = av_level <= LEVELS[slot].load(Ordering::Relaxed)
        && log::log_enabled!(target: "ffmpeg", level);
    if format.is_null() || !(keep || forward) {
        return;
    }
    let mut line = [0 as c_char; LINE_SIZE];
    // SAFETY: `format` and `args` are the format string and va_list FFmpeg passed us, consumed
    // once; the buffer's size is passed along.
    let written = unsafe { vsnprintf(line.as_mut_ptr(), LINE_SIZE, format, args) };
    if written < 0 {
        return;
    }
    // SAFETY: `context` is what FFmpeg passes to its log callback.
    let name = unsafe { crate::abi::log_context_name(context) };
    // SAFETY: vsnprintf NUL-terminates within the buffer.
    let message = unsafe { crate::sys::c_text(line.as_ptr()) };
    let message = message.trim_end();
    if message.is_empty() {
        return;
    }
    if av_level <= LOG_PANIC {
        // FFmpeg aborts the process after this (a failed `av_assert0`): the reason goes to
        // stderr whether or not a logger is installed, or the process dies without one.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "ffmpeg aborts: {message}");
    }
    if keep {
        let _ = LAST_ERROR.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some(message.to_owned());
            }
        });
        let _ = COLLECTED.try_with(|collected| {
            if let Ok(mut collected) = collected.try_borrow_mut()
                && let Some(messages) = collected.as_mut()
            {
                messages.push(Logged {
                    context: name.clone(),
                    message: message.to_owned(),
                });
            }
        });
    }
    if !forward {
        return;
    }
    match name {
        Some(name) => log::log!(target: "ffmpeg", level, "[{name} @ {context:p}] {message}"),
        None => log::log!(target: "ffmpeg", level, "{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip() {
        for filter in [
            LevelFilter::Off,
            LevelFilter::Error,
            LevelFilter::Warn,
            LevelFilter::Info,
            LevelFilter::Debug,
            LevelFilter::Trace,
        ] {
            assert_eq!(level_filter(av_level(filter)), filter);
        }
        assert_eq!(log_level(8), Level::Error); // LOG_FATAL
        assert_eq!(log_level(40), Level::Debug); // LOG_VERBOSE
    }
}
