//! [`Scheduler`]: many live streams decoded on a few worker threads, as an edge node serves
//! them.
//!
//! Each stream has a bounded queue of packets and one decoder; a worker takes a stream from
//! the ready list, decodes one packet and hands its frames to the stream's sink, then puts
//! the stream back at the end of the list if more is queued. So a stream's packets are
//! decoded in order by one worker at a time, and streams take turns packet by packet: a busy
//! stream cannot starve a quiet one. A stream whose queue is full when a packet comes has
//! fallen behind; it loses its non-reference pictures first, then skips to the next keyframe
//! (see [`StreamSender::submit`]); every packet lost is counted.
//!
//! Every frame's latency is measured in four stages (queue wait, scheduling delay, decoding,
//! hand-over) and as a whole, per stream and picture type, in histograms made when the stream
//! is added. Frames come from a per-stream pool and go back to it when dropped, packets come
//! back through [`StreamSender::spare_packet`]: once warm, nothing allocates per frame.
//!
//! ```no_run
//! use ffmpeg_runtime::format::{Input, MediaType};
//! use ffmpeg_runtime::scheduler::{ScheduledStage, Scheduler, SchedulerOptions, StreamOptions};
//! use ffmpeg_runtime::{Ffmpeg, Packet};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ffmpeg = Ffmpeg::load()?;
//! let scheduler = Scheduler::new(&SchedulerOptions { workers: 2, pin: true, ..Default::default() })?;
//! let mut input = Input::open(&ffmpeg, "camera-7.ts")?;
//! let stream = input.best_stream(MediaType::Video).ok_or("no video")?;
//! let index = stream.index();
//! let sender = scheduler.add_stream(&stream, &StreamOptions::default(), |frame| {
//!     // On a worker thread; the frame goes back to the stream's pool when dropped.
//!     println!("{:?} {:?} after {:?}", frame.pts(), frame.kind(), frame.latency());
//! })?;
//! loop {
//!     let mut packet = match sender.spare_packet() {
//!         Some(packet) => packet,
//!         None => Packet::new(&ffmpeg)?,
//!     };
//!     if !input.read_packet(&mut packet)? {
//!         break;
//!     }
//!     if packet.stream_index() == index {
//!         sender.submit(packet)?; // never waits: a stream behind drops, and counts it
//!     }
//! }
//! let report = sender.finish();
//! println!("dropped {}, p99 {:.2} ms", report.counts.dropped(), report.stage(ScheduledStage::Total).p99_ms);
//! # Ok(())
//! # }
//! ```

mod latency;
mod reference;
mod stream;

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

pub use latency::{ScheduledStage, ScheduledTypeLatency};
use stream::Slot;
pub use stream::{
    Admission, EndingStream, ScheduledFrame, StreamCounts, StreamReport, StreamSender,
};

use crate::ffmpeg::error::{Error, Result};
use crate::media::codec::{Decoder, DecoderOptions};
use crate::media::format::Stream;

/// How a [`Scheduler`] runs.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Worker threads; at least one.
    pub workers: usize,
    /// Pin worker `i` to core `i` (modulo the cores there are).
    pub pin: bool,
    /// Packets a stream's queue holds; a packet beyond them finds the stream behind.
    pub queue_depth: usize,
    /// Frames each stream keeps for reuse.
    pub frame_pool: usize,
    /// Each stream's decoder. Many streams on few cores want `threads: 1` and `low_delay`:
    /// the parallelism is across streams.
    pub decoder: DecoderOptions,
    /// Each stream's first frames, counted but left out of the histograms: they pay once for
    /// the decoder's first allocations.
    pub warm_up_frames: usize,
    /// Idle workers poll for work (yielding to other threads) instead of sleeping: a packet
    /// starts at once on a warm core, at the cost of those cores' idle time. For a machine
    /// that does nothing else.
    pub spin: bool,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            workers: std::thread::available_parallelism().map_or(1, usize::from),
            pin: false,
            queue_depth: 8,
            frame_pool: 4,
            decoder: DecoderOptions {
                threads: 1,
                low_delay: true,
                ..DecoderOptions::default()
            },
            warm_up_frames: 0,
            spin: false,
        }
    }
}

/// How one stream is served.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamOptions {
    /// A frame whose whole way (submitted → sink returned) takes longer is late. `None`: one
    /// frame interval of the stream's frame rate, or 40 ms when it has none.
    pub deadline: Option<Duration>,
}

thread_local! {
    /// The address of the [`Shared`] of the scheduler this thread is a worker of, or 0.
    static WORKER_OF: Cell<usize> = const { Cell::new(0) };
}

/// Whether this thread is a worker of the scheduler of `shared` (so running a sink of it).
pub(crate) fn on_worker_of(shared: &Arc<Shared>) -> bool {
    WORKER_OF.with(|worker_of| worker_of.get() == Arc::as_ptr(shared) as usize)
}

/// What the workers and every stream share.
pub(crate) struct Shared {
    /// The streams ready to run, in turn order.
    ready: Mutex<VecDeque<Arc<Slot>>>,
    wake: Condvar,
    stopping: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Arc<Slot>>> {
        // Nothing panics while the list is held: a poisoned lock still holds a whole list.
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts a stream at the end of the turn order and wakes a worker.
    fn make_ready(&self, slot: Arc<Slot>) {
        self.lock().push_back(slot);
        self.wake.notify_one();
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }
}

/// Decodes many streams on a few workers; see the [module](self) docs.
///
/// Dropping it stops the workers once each has finished the packet in hand (so it waits for
/// a sink that is running, however long it takes); streams not yet finished are then
/// abandoned: what they had queued is counted in [`StreamCounts::abandoned`], their
/// [`EndingStream::wait`] returns at once with `completed: false`, and their
/// [`StreamSender::submit`] refuses packets. Dropped in one of its sinks, it waits for the
/// other workers; the sink's own worker stops when the sink returns.
pub struct Scheduler {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    pinned: Arc<AtomicUsize>,
    options: SchedulerOptions,
}

impl Scheduler {
    /// Starts the workers.
    ///
    /// # Errors
    ///
    /// An I/O error when a thread cannot be started (those already started are stopped).
    pub fn new(options: &SchedulerOptions) -> Result<Scheduler> {
        let shared = Arc::new(Shared {
            ready: Mutex::new(VecDeque::with_capacity(64)),
            wake: Condvar::new(),
            stopping: AtomicBool::new(false),
        });
        let cores = if options.pin {
            core_affinity::get_core_ids().unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut scheduler = Scheduler {
            shared,
            workers: Vec::new(),
            pinned: Arc::new(AtomicUsize::new(0)),
            options: options.clone(),
        };
        for index in 0..options.workers.max(1) {
            let shared = Arc::clone(&scheduler.shared);
            let pinned = Arc::clone(&scheduler.pinned);
            // Live as long as the worker, which holds a clone of the Arc.
            let address = Arc::as_ptr(&shared) as usize;
            let core = (!cores.is_empty()).then(|| cores[index % cores.len()]);
            let spin = options.spin;
            let worker = std::thread::Builder::new()
                .name(format!("ffmpeg-worker-{index}"))
                .spawn(move || {
                    if core.is_some_and(core_affinity::set_for_current) {
                        pinned.fetch_add(1, Ordering::Relaxed);
                    }
                    WORKER_OF.with(|worker_of| worker_of.set(address));
                    work(&shared, spin);
                    WORKER_OF.with(|worker_of| worker_of.set(0));
                })
                .map_err(|e| Error::io("std::thread::spawn", e))?;
            scheduler.workers.push(worker);
        }
        Ok(scheduler)
    }

    /// Adds a stream: opens its decoder (with the scheduler's [`DecoderOptions`]) on the
    /// FFmpeg `stream` comes from; every frame goes to `sink`, on a worker thread. A frame
    /// the sink keeps goes back to the stream's pool when dropped.
    ///
    /// A sink that panics ends its stream (the report carries [`Error::Panicked`], with the
    /// panic's message); the workers and the other streams go on. A sink may use its own
    /// stream's sender (read its counts, submit, end or drop it) and drop the scheduler; it
    /// must not wait for a stream of this scheduler, which panics in the sink instead (see
    /// [`EndingStream::wait`]). The sink is dropped when its stream finishes, before the
    /// stream's report is ready, holding no lock of the scheduler's (so its `Drop` may use
    /// the stream too); a panic in its `Drop`, or in the `Drop` of a panic's payload, stops
    /// there.
    ///
    /// # Errors
    ///
    /// As [`Decoder::new`]; [`Error::OutOfOrder`] once the scheduler is stopping.
    pub fn add_stream(
        &self,
        stream: &Stream<'_>,
        options: &StreamOptions,
        sink: impl FnMut(ScheduledFrame) + Send + 'static,
    ) -> Result<StreamSender> {
        if self.shared.is_stopping() {
            return Err(stopped("Scheduler::add_stream"));
        }
        let decoder = Decoder::new(stream, &self.options.decoder)?;
        let deadline = options.deadline.unwrap_or_else(|| {
            stream
                .frame_rate()
                .filter(|rate| rate.num > 0 && rate.den > 0)
                .map_or(Duration::from_millis(40), |rate| {
                    Duration::from_secs_f64(f64::from(rate.den) / f64::from(rate.num))
                })
        });
        let h264 = stream.codec_id().name() == "h264";
        Ok(StreamSender::new(
            Arc::clone(&self.shared),
            decoder,
            Box::new(sink),
            stream::Setup {
                queue_depth: self.options.queue_depth.max(1),
                frame_pool: self.options.frame_pool,
                warm_up_frames: self.options.warm_up_frames,
                deadline,
                h264,
            },
        ))
    }

    /// Worker threads.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Workers pinned to a core as asked, so far (each pins itself as it starts).
    pub fn pinned_workers(&self) -> usize {
        self.pinned.load(Ordering::Relaxed)
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Release);
        // Taking the lock after the store: a worker either saw the flag under the lock or is
        // already waiting when the notification comes.
        drop(self.shared.lock());
        self.shared.wake.notify_all();
        let this_thread = std::thread::current().id();
        for worker in self.workers.drain(..) {
            // Dropped in a sink, on a worker: that one stops when the sink returns (joining
            // it here would be joining this thread).
            if worker.thread().id() != this_thread {
                let _ = worker.join();
            }
        }
        // Streams left in the list are released by their senders (abandoned: no worker
        // will take them again). Dropped outside the lock: a stream dropped here last drops
        // its sink, the application's, which may use the scheduler.
        let left = std::mem::take(&mut *self.shared.lock());
        drop(left);
    }
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("workers", &self.workers.len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn stopped(operation: &'static str) -> Error {
    Error::OutOfOrder {
        operation,
        reason: "the scheduler has stopped".into(),
    }
}

/// A worker: streams from the ready list, one packet each turn, until the scheduler stops.
fn work(shared: &Shared, spin: bool) {
    loop {
        let slot = {
            let mut ready = shared.lock();
            loop {
                if shared.is_stopping() {
                    return;
                }
                if let Some(slot) = ready.pop_front() {
                    break slot;
                }
                if spin {
                    // Keep the core awake, but let the threads that feed the streams run.
                    drop(ready);
                    std::thread::yield_now();
                    ready = shared.lock();
                    continue;
                }
                ready = shared
                    .wake
                    .wait(ready)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        if slot.run_one() {
            shared.make_ready(slot);
        }
    }
}
