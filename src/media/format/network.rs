//! Inputs that wait on a network: which protocols a URL may use, how long a call may wait,
//! FFmpeg's own options (headers, user agent, reconnection), and a handle that stops any
//! wait from another thread.
//!
//! The wait is bounded through FFmpeg's interrupt callback, which its network code polls at
//! least every 100 ms while it blocks (`ff_poll_interrupt`), whatever the protocol: a call
//! that outlives its timeout, or whose [`Interrupt`] was triggered, gives up there.

use std::ffi::{c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::abi::constants::AVERROR_EXIT;
use crate::ffmpeg::error::Error;

/// How [`Input::open_url`](super::Input::open_url) may reach a URL.
#[derive(Debug, Clone, Default)]
pub struct UrlOptions {
    pub(super) protocols: Vec<String>,
    pub(super) timeout: Option<Duration>,
    pub(super) options: Vec<(String, String)>,
    pub(super) interrupt: Option<Interrupt>,
}

impl UrlOptions {
    /// The protocols FFmpeg may use, and nothing else: `["http", "tcp"]`, `["https", "tls",
    /// "tcp"]`, `["udp"]`. A playlist or redirect cannot lead anywhere else.
    pub fn new(protocols: &[&str]) -> UrlOptions {
        UrlOptions {
            protocols: protocols.iter().map(|p| (*p).to_owned()).collect(),
            ..UrlOptions::default()
        }
    }

    /// The longest any one call may wait (opening, which includes probing; each read; each
    /// seek): past it the call fails with [`Error::TimedOut`].
    pub fn timeout(mut self, timeout: Duration) -> UrlOptions {
        self.timeout = Some(timeout);
        self
    }

    /// An FFmpeg option for the protocol or demuxer, as the CLI takes it before `-i`
    /// (`("user_agent", "…")`, `("headers", "Authorization: …\r\n")`, `("reconnect", "1")`).
    pub fn option(mut self, key: &str, value: &str) -> UrlOptions {
        self.options.push((key.to_owned(), value.to_owned()));
        self
    }

    /// A handle whose [`trigger`](Interrupt::trigger) stops the input's waits.
    pub fn interrupt(mut self, interrupt: &Interrupt) -> UrlOptions {
        self.interrupt = Some(interrupt.clone());
        self
    }
}

/// Stops the waits of the inputs it was given to, from any thread: the call waiting fails
/// with [`Error::Interrupted`] within about 100 ms, and so does every later call until
/// [`reset`](Interrupt::reset).
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// A handle not yet triggered.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Stops the waits.
    pub fn trigger(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether it was triggered (and not reset since).
    pub fn is_triggered(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Lets the inputs wait again.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Release);
    }
}

const NOT_FIRED: u8 = 0;
const TIMED_OUT: u8 = 1;
const INTERRUPTED: u8 = 2;
const NO_DEADLINE: u64 = u64::MAX;

/// What the interrupt callback reads: the handle, the current call's deadline, and why it
/// last told FFmpeg to give up. Boxed by the input, so its address stays put while FFmpeg
/// holds it.
#[derive(Debug)]
pub(crate) struct Watch {
    interrupt: Option<Interrupt>,
    timeout: Option<Duration>,
    started: Instant,
    /// Nanoseconds after `started`, or `NO_DEADLINE`.
    deadline: AtomicU64,
    /// Why it made the current call give up, if it did.
    fired: AtomicU8,
    /// Why it last made a call give up: FFmpeg's I/O keeps failing with `AVERROR_EXIT`
    /// afterwards without asking again, and those failures have the same cause.
    last_fired: AtomicU8,
}

impl Watch {
    pub(crate) fn new(options: &UrlOptions) -> Box<Watch> {
        Box::new(Watch {
            interrupt: options.interrupt.clone(),
            timeout: options.timeout,
            started: Instant::now(),
            deadline: AtomicU64::new(NO_DEADLINE),
            fired: AtomicU8::new(NOT_FIRED),
            last_fired: AtomicU8::new(NOT_FIRED),
        })
    }

    /// Starts a call: its deadline is the timeout from now.
    pub(crate) fn arm(&self) {
        let deadline = self.timeout.map_or(NO_DEADLINE, |timeout| {
            let at = self.started.elapsed().saturating_add(timeout);
            u64::try_from(at.as_nanos()).unwrap_or(NO_DEADLINE)
        });
        self.deadline.store(deadline, Ordering::Relaxed);
        self.fired.store(NOT_FIRED, Ordering::Relaxed);
    }

    /// Why the call that returned `status` failed, if this watch made it give up.
    pub(crate) fn failure(&self, operation: &'static str, status: c_int) -> Option<Error> {
        if status >= 0 {
            return None;
        }
        let reason = match self.fired.swap(NOT_FIRED, Ordering::Relaxed) {
            NOT_FIRED if status == AVERROR_EXIT => self.last_fired.load(Ordering::Relaxed),
            reason => reason,
        };
        match reason {
            TIMED_OUT => Some(Error::TimedOut { operation }),
            INTERRUPTED => Some(Error::Interrupted { operation }),
            _ => None,
        }
    }

    /// The callback and argument for `AVFormatContext.interrupt_callback`.
    pub(crate) fn callback(&self) -> crate::sys::RawInterruptCallback {
        crate::sys::RawInterruptCallback {
            callback: Some(should_give_up),
            opaque: self as *const Watch as *mut c_void,
        }
    }
}

/// FFmpeg's interrupt callback: non-zero once the input's handle was triggered or its call
/// is past its deadline.
unsafe extern "C" fn should_give_up(opaque: *mut c_void) -> c_int {
    // SAFETY: `opaque` is the input's boxed Watch, which outlives its format context.
    let watch = unsafe { &*(opaque as *const Watch) };
    let reason = if watch
        .interrupt
        .as_ref()
        .is_some_and(Interrupt::is_triggered)
    {
        INTERRUPTED
    } else {
        let deadline = watch.deadline.load(Ordering::Relaxed);
        if deadline == NO_DEADLINE || watch.started.elapsed().as_nanos() < u128::from(deadline) {
            return 0;
        }
        TIMED_OUT
    };
    watch.fired.store(reason, Ordering::Relaxed);
    watch.last_fired.store(reason, Ordering::Relaxed);
    1
}
