//! One scheduled stream: its queue and drop policy (the submitting side), its decoder and sink
//! (the worker side), and what it counted.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use super::latency::{ScheduledStage, ScheduledTypeLatency, StreamHistograms};
use super::reference::h264_non_reference;
use super::{Shared, on_worker_of, stopped};
use crate::fast::pipeline::StageLatency;
use crate::fast::pipeline::latency::RecentPackets;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::media::codec::Decoder;
use crate::media::frame::{Frame, PictureType};
use crate::media::packet::Packet;
use crate::sys::unwind::{DropContained, catch};

/// What [`Scheduler::add_stream`](super::Scheduler::add_stream) fixes for a stream.
pub(crate) struct Setup {
    pub(crate) queue_depth: usize,
    pub(crate) frame_pool: usize,
    pub(crate) warm_up_frames: usize,
    pub(crate) deadline: Duration,
    pub(crate) h264: bool,
}

/// What became of a submitted packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Admission {
    /// Queued, after dropping `dropped` queued packets to make room (0 when there was room).
    Queued {
        /// Queued packets dropped for it.
        dropped: usize,
    },
    /// Dropped: a non-reference picture with the queue full, or a packet while the stream
    /// waits for a keyframe.
    Dropped,
}

/// A stream's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamCounts {
    /// Packets submitted.
    pub submitted: u64,
    /// Frames handed to the sink.
    pub decoded: u64,
    /// Non-reference packets dropped because the stream was behind.
    pub dropped_non_reference: u64,
    /// Packets dropped skipping to the next keyframe.
    pub dropped_skipping: u64,
    /// Times the stream skipped to a keyframe.
    pub skips: u64,
    /// Frames whose whole way took longer than the stream's deadline.
    pub late: u64,
    /// Packets the decoder refused (counted and passed over).
    pub decode_errors: u64,
    /// Packets still queued when the stream was abandoned or the scheduler stopped.
    pub abandoned: u64,
}

impl StreamCounts {
    /// Every packet lost to the drop policy.
    pub fn dropped(&self) -> u64 {
        self.dropped_non_reference + self.dropped_skipping
    }

    fn add(&mut self, other: &StreamCounts) {
        self.submitted += other.submitted;
        self.decoded += other.decoded;
        self.dropped_non_reference += other.dropped_non_reference;
        self.dropped_skipping += other.dropped_skipping;
        self.skips += other.skips;
        self.late += other.late;
        self.decode_errors += other.decode_errors;
        self.abandoned += other.abandoned;
    }
}

/// A finished stream's counts and latencies.
#[derive(Clone)]
pub struct StreamReport {
    /// What was counted.
    pub counts: StreamCounts,
    /// Whether every submitted packet was decoded or dropped by the policy (not abandoned).
    pub completed: bool,
    /// Why the stream ended early: a decoding error, or its sink panicking.
    pub error: Option<String>,
    histograms: Box<StreamHistograms>,
}

impl StreamReport {
    /// One stage over every picture type (after the warm-up).
    pub fn stage(&self, stage: ScheduledStage) -> StageLatency {
        self.histograms.stage(stage)
    }

    /// Every stage, per picture type that occurred (after the warm-up).
    pub fn per_type(&self) -> Vec<ScheduledTypeLatency> {
        self.histograms.per_type()
    }

    /// Adds another report (the same stream's next session, or another stream, for totals).
    pub fn merge(&mut self, other: &StreamReport) {
        self.counts.add(&other.counts);
        self.completed &= other.completed;
        if self.error.is_none() {
            self.error.clone_from(&other.error);
        }
        self.histograms.merge(&other.histograms);
    }
}

impl std::fmt::Debug for StreamReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamReport")
            .field("counts", &self.counts)
            .field("completed", &self.completed)
            .field("error", &self.error)
            .field("total", &self.stage(ScheduledStage::Total))
            .finish()
    }
}

/// What waits in a stream's queue.
enum Item {
    Packet {
        packet: Packet,
        queued: Instant,
        non_reference: bool,
    },
    End,
}

/// The submitting side's state, and the scheduling flags both sides read.
struct Queue {
    items: VecDeque<Item>,
    depth: usize,
    spare: Vec<Packet>,
    /// In the ready list or being run by a worker.
    scheduled: bool,
    /// When the stream last went into the ready list.
    ready_since: Instant,
    /// Dropping packets until a keyframe.
    skipping: bool,
    /// The decoder is to be drained and reset before the next packet (a skip happened).
    reset_decoder: bool,
    /// The sender went away without ending it, or the scheduler stopped before its end.
    abandoned: bool,
    /// The decoder and sink are gone: the end was decoded, the stream failed or abandoned.
    finished: bool,
    /// The worker side's histograms, kept when it finishes.
    histograms: Option<Box<StreamHistograms>>,
    counts: StreamCounts,
    error: Option<String>,
}

/// What the worker side counts. Atomics, not fields of [`Work`]: they are read while a
/// worker holds the work for a turn, by the stream's own sink among others.
#[derive(Default)]
struct Progress {
    decoded: AtomicU64,
    late: AtomicU64,
    decode_errors: AtomicU64,
}

impl Progress {
    fn count(counter: &AtomicU64) {
        // One worker at a time counts (the one holding the work); readers only add up.
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn add_to(&self, counts: &mut StreamCounts) {
        counts.decoded += self.decoded.load(Ordering::Relaxed);
        counts.late += self.late.load(Ordering::Relaxed);
        counts.decode_errors += self.decode_errors.load(Ordering::Relaxed);
    }
}

/// The worker side: the decoder, the sink and the measurements.
struct Work {
    decoder: Decoder,
    /// The application's: its `Drop` may panic, and may use its own stream.
    sink: DropContained<Box<dyn FnMut(ScheduledFrame) + Send>>,
    pool: Arc<FramePool>,
    /// A frame the decoder had nothing for last time.
    spare: Option<Frame>,
    recent: RecentPackets<Timing, 32>,
    histograms: Box<StreamHistograms>,
    warm_up_left: usize,
    deadline: Duration,
    progress: Arc<Progress>,
}

/// One stream as the scheduler holds it.
pub(crate) struct Slot {
    queue: Mutex<Queue>,
    /// Signalled when the stream finishes.
    finished: Condvar,
    work: Mutex<Option<Work>>,
    progress: Arc<Progress>,
    ffmpeg: Ffmpeg,
    h264: bool,
}

/// A timed packet on its way: when it was submitted, first in its queue, and sent.
#[derive(Clone, Copy)]
struct Timing {
    queued: Instant,
    at_head: Instant,
    started: Instant,
}

/// A stream's spare frames.
struct FramePool {
    frames: Mutex<Vec<Frame>>,
    capacity: usize,
}

impl FramePool {
    fn take(&self, ffmpeg: &Ffmpeg) -> Result<Frame> {
        let pooled = self
            .frames
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        pooled.map_or_else(|| Frame::new(ffmpeg), Ok)
    }

    fn give_back(&self, mut frame: Frame) {
        frame.clear();
        let mut frames = self.frames.lock().unwrap_or_else(PoisonError::into_inner);
        if frames.len() < self.capacity {
            frames.push(frame);
        }
    }
}

/// A decoded frame handed to a stream's sink; it goes back to the stream's pool when dropped.
pub struct ScheduledFrame {
    frame: Option<Frame>,
    pool: Arc<FramePool>,
    picture_type: PictureType,
    stream_latency: Duration,
}

impl ScheduledFrame {
    /// From its packet's submission to now, when the sink gets it.
    pub fn latency(&self) -> Duration {
        self.stream_latency
    }

    /// Its picture type, as the decoder said.
    pub fn kind(&self) -> PictureType {
        self.picture_type
    }
}

impl std::ops::Deref for ScheduledFrame {
    type Target = Frame;

    fn deref(&self) -> &Frame {
        self.frame.as_ref().expect("present until dropped")
    }
}

impl Drop for ScheduledFrame {
    fn drop(&mut self) {
        if let Some(frame) = self.frame.take() {
            self.pool.give_back(frame);
        }
    }
}

impl std::fmt::Debug for ScheduledFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ScheduledFrame").field(&**self).finish()
    }
}

/// The submitting end of a scheduled stream.
///
/// Dropping it without [`end`](Self::end) abandons the stream: what is queued is discarded
/// (counted) and the decoder released.
pub struct StreamSender {
    slot: Arc<Slot>,
    shared: Arc<Shared>,
    ended: bool,
}

/// A stream whose end is queued; [`wait`](Self::wait) for its report.
pub struct EndingStream {
    slot: Arc<Slot>,
    shared: Arc<Shared>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while these are held (the sink runs outside them, behind `catch`):
    // a poisoned lock still holds whole state.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StreamSender {
    pub(crate) fn new(
        shared: Arc<Shared>,
        decoder: Decoder,
        sink: Box<dyn FnMut(ScheduledFrame) + Send>,
        setup: Setup,
    ) -> StreamSender {
        let ffmpeg = decoder.ffmpeg().clone();
        let progress = Arc::new(Progress::default());
        let work = Work {
            decoder,
            sink: DropContained::new(sink),
            pool: Arc::new(FramePool {
                frames: Mutex::new(Vec::with_capacity(setup.frame_pool)),
                capacity: setup.frame_pool,
            }),
            spare: None,
            recent: RecentPackets::new(),
            histograms: Box::new(StreamHistograms::new()),
            warm_up_left: setup.warm_up_frames,
            deadline: setup.deadline,
            progress: Arc::clone(&progress),
        };
        let queue = Queue {
            // One more than the depth: the end always fits.
            items: VecDeque::with_capacity(setup.queue_depth + 1),
            depth: setup.queue_depth,
            spare: Vec::with_capacity(setup.queue_depth + 2),
            scheduled: false,
            ready_since: Instant::now(),
            skipping: false,
            reset_decoder: false,
            abandoned: false,
            finished: false,
            histograms: None,
            counts: StreamCounts::default(),
            error: None,
        };
        StreamSender {
            slot: Arc::new(Slot {
                queue: Mutex::new(queue),
                finished: Condvar::new(),
                work: Mutex::new(Some(work)),
                progress,
                ffmpeg,
                h264: setup.h264,
            }),
            shared,
            ended: false,
        }
    }

    /// Queues a packet of the stream, stamped now; never waits. When the queue is full the
    /// stream is behind, and the drop policy frees room: the oldest queued non-reference
    /// packet is dropped (or this one, if it is one and none is queued); failing that, every
    /// queued packet is dropped and the stream skips to the next keyframe (this packet, or a
    /// later one: packets until then are dropped), its decoder drained and reset first.
    /// Non-reference packets are those FFmpeg flagged disposable and, for H.264, those whose
    /// slices all have `nal_ref_idc` 0.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for a packet of another loaded FFmpeg than the stream's;
    /// [`Error::OutOfOrder`] once the stream failed or the scheduler stopped. The packet is
    /// dropped then.
    pub fn submit(&self, packet: Packet) -> Result<Admission> {
        self.slot
            .ffmpeg
            .ensure_same(packet.ffmpeg(), "StreamSender::submit", "packet")?;
        if self.shared.is_stopping() {
            return Err(stopped("StreamSender::submit"));
        }
        let queued = Instant::now();
        let non_reference =
            packet.is_disposable() || (self.slot.h264 && h264_non_reference(packet.data()));
        let mut queue = lock(&self.slot.queue);
        if let Some(error) = &queue.error {
            return Err(Error::OutOfOrder {
                operation: "StreamSender::submit",
                reason: format!("the stream has failed: {error}"),
            });
        }
        queue.counts.submitted += 1;
        let admission = queue.admit(packet, queued, non_reference);
        if !queue.scheduled && !queue.items.is_empty() {
            queue.scheduled = true;
            queue.ready_since = queued;
            drop(queue);
            self.shared.make_ready(Arc::clone(&self.slot));
        }
        Ok(admission)
    }

    /// A spent packet to read the next into, if one has come back: with it, a steady stream
    /// allocates no packets.
    pub fn spare_packet(&self) -> Option<Packet> {
        lock(&self.slot.queue).spare.pop()
    }

    /// Packets waiting.
    pub fn queued(&self) -> usize {
        lock(&self.slot.queue).items.len()
    }

    /// Whether a packet submitted now would find room.
    pub fn has_room(&self) -> bool {
        let queue = lock(&self.slot.queue);
        queue.items.len() < queue.depth
    }

    /// The counts so far.
    pub fn counts(&self) -> StreamCounts {
        self.slot.counts(&lock(&self.slot.queue))
    }

    /// The FFmpeg the stream decodes with; its packets must come from it.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.slot.ffmpeg
    }

    /// Queues the end: the packets before it are decoded, then the decoder is drained.
    pub fn end(mut self) -> EndingStream {
        self.ended = true;
        let mut queue = lock(&self.slot.queue);
        if queue.finished {
            return EndingStream {
                slot: Arc::clone(&self.slot),
                shared: Arc::clone(&self.shared),
            };
        }
        queue.items.push_back(Item::End);
        if !queue.scheduled {
            queue.scheduled = true;
            queue.ready_since = Instant::now();
            drop(queue);
            self.shared.make_ready(Arc::clone(&self.slot));
        }
        EndingStream {
            slot: Arc::clone(&self.slot),
            shared: Arc::clone(&self.shared),
        }
    }

    /// Ends the stream and waits for its report.
    ///
    /// # Panics
    ///
    /// As [`EndingStream::wait`]: on a worker of the stream's own scheduler, in a sink (the
    /// end is queued first).
    pub fn finish(self) -> StreamReport {
        self.end().wait()
    }
}

impl Drop for StreamSender {
    fn drop(&mut self) {
        if !self.ended {
            self.slot.abandon(self.shared.is_stopping());
        }
    }
}

impl std::fmt::Debug for StreamSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamSender")
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

impl EndingStream {
    /// Whether the stream has finished (the end decoded, or the stream failed or abandoned).
    pub fn is_finished(&self) -> bool {
        lock(&self.slot.queue).finished
    }

    /// Waits until the stream has finished, or the scheduler stopped (what was still queued
    /// is then abandoned), and returns its report.
    ///
    /// # Panics
    ///
    /// On a worker of the stream's own scheduler, in a sink: the wait would hold a worker
    /// that the stream may need (or, in the stream's own sink, wait for itself).
    pub fn wait(self) -> StreamReport {
        assert!(
            !on_worker_of(&self.shared),
            "EndingStream::wait in a sink, on a worker of its own scheduler: it would hold \
             a worker that the stream may need"
        );
        let mut queue = lock(&self.slot.queue);
        while !queue.finished {
            if self.shared.is_stopping() {
                drop(queue);
                self.slot.abandon(true);
                queue = lock(&self.slot.queue);
                if queue.finished {
                    break;
                }
            }
            // Woken when it finishes; the timeout notices the scheduler stopping (and a
            // worker in a turn of the stream finishing it when the turn ends).
            queue = self
                .slot
                .finished
                .wait_timeout(queue, Duration::from_millis(20))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        drop(queue);
        self.slot.report()
    }
}

impl std::fmt::Debug for EndingStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndingStream")
            .field("finished", &self.is_finished())
            .finish_non_exhaustive()
    }
}

impl Queue {
    /// The drop policy; see [`StreamSender::submit`].
    fn admit(&mut self, packet: Packet, queued: Instant, non_reference: bool) -> Admission {
        if self.skipping {
            if !packet.is_key() {
                self.counts.dropped_skipping += 1;
                self.recycle(packet);
                return Admission::Dropped;
            }
            self.skipping = false;
        }
        let mut dropped = 0;
        if self.items.len() >= self.depth {
            let oldest_non_reference = self.items.iter().position(|item| {
                matches!(
                    item,
                    Item::Packet {
                        non_reference: true,
                        ..
                    }
                )
            });
            if let Some(index) = oldest_non_reference {
                self.counts.dropped_non_reference += 1;
                dropped = 1;
                if let Some(Item::Packet { packet, .. }) = self.items.remove(index) {
                    self.recycle(packet);
                }
            } else if non_reference {
                self.counts.dropped_non_reference += 1;
                self.recycle(packet);
                return Admission::Dropped;
            } else {
                self.counts.skips += 1;
                self.reset_decoder = true;
                while let Some(item) = self.items.pop_front() {
                    if let Item::Packet { packet, .. } = item {
                        self.counts.dropped_skipping += 1;
                        dropped += 1;
                        self.recycle(packet);
                    }
                }
                if !packet.is_key() {
                    self.skipping = true;
                    self.counts.dropped_skipping += 1;
                    self.recycle(packet);
                    return Admission::Dropped;
                }
            }
        }
        self.items.push_back(Item::Packet {
            packet,
            queued,
            non_reference,
        });
        Admission::Queued { dropped }
    }

    fn recycle(&mut self, mut packet: Packet) {
        if self.spare.len() < self.spare.capacity() {
            packet.clear();
            self.spare.push(packet);
        }
    }
}

impl Work {
    /// Releases the decoder, its frames and the application's sink (contained: its `Drop`
    /// may panic); keeps the histograms.
    fn release(self) -> Box<StreamHistograms> {
        self.histograms
    }

    /// Hands every frame the decoder has ready to the sink. `Err` when the stream must end:
    /// a decoding error or a panicking sink, said in words.
    fn hand_over(&mut self) -> std::result::Result<(), String> {
        loop {
            let mut frame = match self.spare.take() {
                Some(frame) => frame,
                None => self
                    .pool
                    .take(self.decoder.ffmpeg())
                    .map_err(|e| e.to_string())?,
            };
            match self.decoder.receive(&mut frame) {
                Ok(true) => {}
                Ok(false) => {
                    self.spare = Some(frame);
                    return Ok(());
                }
                Err(error) if error.is_bad_data() => {
                    Progress::count(&self.progress.decode_errors);
                    self.spare = Some(frame);
                    continue;
                }
                Err(error) => return Err(error.to_string()),
            }
            let out = Instant::now();
            let kind = frame.picture_type();
            let timing = self.recent.find(frame.pts());
            let handed = ScheduledFrame {
                frame: Some(frame),
                pool: Arc::clone(&self.pool),
                picture_type: kind,
                stream_latency: timing.map_or(Duration::ZERO, |t| out - t.queued),
            };
            let sink = &mut **self.sink;
            if let Err(panic) = catch(|| sink(handed)) {
                return Err(Error::panicked("the stream's sink", &panic).to_string());
            }
            let done = Instant::now();
            Progress::count(&self.progress.decoded);
            let Some(timing) = timing else { continue };
            let total = done - timing.queued;
            if total > self.deadline {
                Progress::count(&self.progress.late);
            }
            if self.warm_up_left > 0 {
                self.warm_up_left -= 1;
                continue;
            }
            self.histograms.record(
                kind,
                [
                    timing.at_head - timing.queued,
                    timing.started - timing.at_head,
                    out - timing.started,
                    done - out,
                    total,
                ],
            );
        }
    }

    /// A turn's work on one item: the packet to recycle, and `Ok(true)` when the stream has
    /// ended (its end decoded), `Err` when it failed.
    fn turn(
        &mut self,
        item: Item,
        ready_since: Instant,
        reset: bool,
    ) -> (Option<Packet>, std::result::Result<bool, String>) {
        if reset {
            // Packets were dropped: what the decoder holds comes out before the keyframe.
            let drained = self.decoder.send_eof().map_err(|e| e.to_string());
            if let Err(error) = drained.and_then(|()| self.hand_over()) {
                let spent = match item {
                    Item::Packet { packet, .. } => Some(packet),
                    Item::End => None,
                };
                return (spent, Err(error));
            }
            self.decoder.flush();
        }
        match item {
            Item::Packet { packet, queued, .. } => {
                let started = Instant::now();
                let timing = Timing {
                    queued,
                    at_head: ready_since.max(queued),
                    started,
                };
                self.recent.push(packet.pts(), timing);
                let outcome = match self.decoder.send(&packet) {
                    Ok(()) => Ok(()),
                    Err(error) if error.is_bad_data() => {
                        Progress::count(&self.progress.decode_errors);
                        Ok(())
                    }
                    Err(error) => Err(error.to_string()),
                };
                (
                    Some(packet),
                    outcome.and_then(|()| self.hand_over()).map(|()| false),
                )
            }
            Item::End => {
                let drained = self.decoder.send_eof().map_err(|e| e.to_string());
                (None, drained.and_then(|()| self.hand_over()).map(|()| true))
            }
        }
    }
}

impl Slot {
    /// A worker's turn: decodes the next packet (or the end) and hands over its frames.
    /// Returns whether the stream goes back into the ready list.
    ///
    /// Locks are taken queue before work, never the other way round.
    pub(crate) fn run_one(&self) -> bool {
        let (item, ready_since, reset, mut work_slot) = {
            let mut queue = lock(&self.queue);
            if queue.abandoned {
                drop(queue);
                self.finish_abandoned();
                return false;
            }
            let Some(item) = queue.items.pop_front() else {
                queue.scheduled = false;
                return false;
            };
            let reset = std::mem::take(&mut queue.reset_decoder);
            // The work is taken before the queue is let go: a thread abandoning the stream
            // meanwhile then finds it held, and leaves the stream, with the packet in hand,
            // to this worker to finish.
            (item, queue.ready_since, reset, lock(&self.work))
        };
        let (spent, outcome) = match work_slot.as_mut() {
            Some(work) => work.turn(item, ready_since, reset),
            None => (None, Ok(true)),
        };
        let ended = outcome != Ok(false);
        let work = if ended { work_slot.take() } else { None };
        drop(work_slot);
        let mut queue = lock(&self.queue);
        if let Some(packet) = spent {
            queue.recycle(packet);
        }
        let failure = match outcome {
            Ok(false) if queue.abandoned => {
                drop(queue);
                self.finish_abandoned();
                return false;
            }
            Ok(false) if queue.items.is_empty() => {
                queue.scheduled = false;
                return false;
            }
            Ok(false) => {
                queue.ready_since = Instant::now();
                return true;
            }
            Ok(true) => None,
            Err(error) => Some(error),
        };
        drop(queue);
        // No work: the stream had finished already, by whoever took it out.
        if let Some(work) = work {
            self.finish(work, failure);
        }
        false
    }

    /// Finishes an abandoned stream, if this thread is the one that takes its worker side.
    fn finish_abandoned(&self) {
        let work = lock(&self.work).take();
        if let Some(work) = work {
            self.finish(work, None);
        }
    }

    /// Marks the stream finished, by the thread that took its worker side out (each path that
    /// takes it finishes the stream, and only those), holding no lock: the decoder and its
    /// frames are released (a replaced FFmpeg can then unload) and the application's sink
    /// dropped, outside every lock since the sink may use its own stream; then what is still
    /// queued is abandoned (counted), the histograms kept, and whoever waits woken.
    fn finish(&self, work: Work, failure: Option<String>) {
        let histograms = work.release();
        let mut queue = lock(&self.queue);
        while let Some(item) = queue.items.pop_front() {
            if let Item::Packet { packet, .. } = item {
                queue.counts.abandoned += 1;
                queue.recycle(packet);
            }
        }
        queue.histograms = Some(histograms);
        if queue.error.is_none() {
            queue.error = failure;
        }
        queue.scheduled = false;
        queue.finished = true;
        self.finished.notify_all();
    }

    /// Abandons the stream: queued packets discarded and counted, the decoder released now
    /// if no worker has the stream, else by the worker at its next turn. With `stopped` (the
    /// scheduler is stopping, so no worker will take it again) the decoder is released now
    /// if no worker is in a turn of the stream, else by that worker when its turn ends.
    pub(crate) fn abandon(&self, stopped: bool) {
        let mut queue = lock(&self.queue);
        if queue.finished {
            return;
        }
        queue.abandoned = true;
        if !queue.scheduled || stopped {
            // Queue before work, as everywhere. A worker holds the work for a turn, then
            // takes it out when the stream ended; either way that worker finishes the
            // abandoned stream itself. It may be this very thread, in the stream's own sink:
            // waiting for it would never end.
            let work = match self.work.try_lock() {
                Ok(mut work) => work.take(),
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().take(),
                Err(TryLockError::WouldBlock) => None,
            };
            drop(queue);
            if let Some(work) = work {
                self.finish(work, None);
            }
        }
    }

    /// Both sides' counts so far.
    fn counts(&self, queue: &Queue) -> StreamCounts {
        let mut counts = queue.counts;
        self.progress.add_to(&mut counts);
        counts
    }

    /// The report of a finished stream.
    fn report(&self) -> StreamReport {
        let mut queue = lock(&self.queue);
        StreamReport {
            counts: self.counts(&queue),
            completed: queue.error.is_none() && !queue.abandoned,
            error: queue.error.clone(),
            histograms: queue
                .histograms
                .take()
                .unwrap_or_else(|| Box::new(StreamHistograms::new())),
        }
    }
}
