//! [`DecodePipeline`]: low-latency decoding on a dedicated thread, with the latency of every
//! frame measured per stage and picture type.
//!
//! Three threads, as a live service has them: a reader (the demuxer, standing in for the
//! network) queues packets into a bounded channel; the decoding thread, optionally pinned to
//! a core, decodes them; the consumer takes the frames. Frames move between threads without
//! copying (an `AVFrame` changes hands, its buffers stay where they are) and go back to a
//! pool when dropped, so the steady state allocates nothing.

pub(crate) mod latency;

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use latency::{FrameLatency, Stage, StageLatency, TypeLatency};
use latency::{RecentPackets, Recorder};

use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::media::codec::{Decoder, DecoderOptions};
use crate::media::format::Input;
use crate::media::frame::{Frame, PictureType};
use crate::media::packet::Packet;
use crate::sys::Rational;

/// How a [`DecodePipeline`] decodes.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// The decoder's threads, threading, frame skipping and low-delay flag. Low latency wants
    /// `threads: 1` or slice threading, and `low_delay`.
    pub decoder: DecoderOptions,
    /// Pin the decoding thread to this core (`core_affinity`'s numbering).
    pub pin_to_core: Option<usize>,
    /// Packets the queue holds before the reader waits.
    pub queue_depth: usize,
    /// Queue each packet at its time, as a live source delivers it, rather than as fast as
    /// the input can be read.
    pub live: bool,
    /// Wait for packets by spinning instead of sleeping: the decoding core never idles, so a
    /// packet after a gap starts at once on a warm core, at the cost of that core's time.
    /// For paced (live) streams where the latency's tail matters.
    pub spin: bool,
    /// The first frames, reported one by one in [`LatencyReport::warm_up`] and left out of
    /// the per-type figures. They pay once for the decoder's first allocations: at 1080p
    /// here, about a thousand page faults and 2 ms in each of the first four frames, none
    /// after. A service that runs for hours does not see them again, but with 300 frames
    /// three of them make the p99.
    pub warm_up_frames: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            decoder: DecoderOptions {
                threads: 1,
                low_delay: true,
                ..DecoderOptions::default()
            },
            pin_to_core: None,
            queue_depth: 16,
            live: false,
            spin: false,
            warm_up_frames: 0,
        }
    }
}

/// A decoded frame from a [`DecodePipeline`]; it goes back to the pipeline's pool when
/// dropped.
pub struct DecodedFrame {
    frame: Option<Frame>,
    pool: SyncSender<Frame>,
}

impl std::ops::Deref for DecodedFrame {
    type Target = Frame;

    fn deref(&self) -> &Frame {
        self.frame.as_ref().expect("present until dropped")
    }
}

impl Drop for DecodedFrame {
    fn drop(&mut self) {
        if let Some(mut frame) = self.frame.take() {
            frame.clear();
            // A full pool (or a finished pipeline) lets the frame go instead.
            let _ = self.pool.try_send(frame);
        }
    }
}

impl std::fmt::Debug for DecodedFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DecodedFrame").field(&**self).finish()
    }
}

/// What the reader queues.
enum Queued {
    Packet(Packet, Instant),
    /// The input ended.
    End,
    /// The input failed; what was read before it is decoded first.
    Failed(Error),
}

/// What the decoding thread hands over.
enum Message {
    Frame(Frame, PictureType, Instant),
    Failed(Error),
    /// Every frame was handed over; the thread's measurements.
    End(Box<Recorder>, DecodeSummary),
}

/// What the decoding thread counted.
#[derive(Debug, Clone, Copy, Default)]
struct DecodeSummary {
    decode_errors: u64,
    pinned: bool,
}

/// The latency report of a finished [`DecodePipeline`].
#[derive(Debug, Clone)]
pub struct LatencyReport {
    /// Per picture type, the types that occurred (`I`, `P`, `B`, `other`), after the
    /// warm-up.
    pub types: Vec<TypeLatency>,
    /// The first [`PipelineOptions::warm_up_frames`] frames, in the order they came.
    pub warm_up: Vec<FrameLatency>,
    /// Frames handed over.
    pub frames: u64,
    /// Packets the decoder refused (counted and skipped).
    pub decode_errors: u64,
    /// Whether the decoding thread was pinned as asked.
    pub pinned: bool,
    /// From the pipeline's start to its last frame.
    pub wall: Duration,
}

/// Decodes one stream of an input on a dedicated thread; see the [module](self) docs.
pub struct DecodePipeline {
    frames: Receiver<Message>,
    /// Dropped to stop the reader, even in the middle of waiting for a packet's time.
    stop: Option<SyncSender<()>>,
    pool: SyncSender<Frame>,
    threads: Vec<JoinHandle<()>>,
    deliver: Recorder,
    merged: Option<(Box<Recorder>, DecodeSummary)>,
    delivered: u64,
    started: Instant,
    finished_at: Option<Instant>,
}

/// A packet on its way: when it was queued, and when decoding started on it.
#[derive(Clone, Copy)]
struct Timing {
    queued: Instant,
    started: Instant,
}

impl DecodePipeline {
    /// Starts decoding `stream_index` of `input` (moved to the reader thread).
    ///
    /// # Errors
    ///
    /// [`Error::StreamNotFound`] for a bad index; the decoder's errors; an I/O error when a
    /// thread cannot be started.
    pub fn new(input: Input, stream_index: usize, options: &PipelineOptions) -> Result<Self> {
        let stream = input
            .stream(stream_index)
            .ok_or_else(|| Error::StreamNotFound {
                kind: format!("stream {stream_index}"),
            })?;
        let decoder = Decoder::new(&stream, &options.decoder)?;
        let pace = options.live.then_some(stream.time_base());
        let ffmpeg = input.ffmpeg().clone();
        let depth = options.queue_depth.max(1);
        let (packet_sender, packets) = sync_channel::<Queued>(depth);
        let (stop, stopped) = sync_channel::<()>(0);
        let (spare_packet_sender, spare_packets) = sync_channel::<Packet>(depth + 2);
        let (frame_sender, frames) = sync_channel::<Message>(depth);
        let (pool, pooled) = sync_channel::<Frame>(depth + 4);
        let spawn = |name: &str, body: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(body)
                .map_err(|e| Error::io("std::thread::spawn", e))
        };
        let reader_ffmpeg = ffmpeg.clone();
        let reader = spawn(
            "ffmpeg-reader",
            Box::new(move || {
                read(
                    input,
                    stream_index,
                    reader_ffmpeg,
                    pace,
                    (packet_sender, stopped),
                    spare_packets,
                )
            }),
        )?;
        let (pin, spin, warm_up) = (options.pin_to_core, options.spin, options.warm_up_frames);
        let decoding = spawn(
            "ffmpeg-decoder",
            Box::new(move || {
                let pinned = pin
                    .is_some_and(|id| core_affinity::set_for_current(core_affinity::CoreId { id }));
                let state = Decoding {
                    decoder,
                    ffmpeg,
                    frames: frame_sender,
                    pool: pooled,
                    spare: None,
                    recorder: Box::new(Recorder::new(warm_up)),
                    recent: RecentPackets::new(),
                };
                // A stop has been reported to the consumer, or the consumer is gone.
                let _ = decode(state, packets, spare_packet_sender, pinned, spin);
            }),
        )?;
        Ok(DecodePipeline {
            frames,
            stop: Some(stop),
            pool,
            threads: vec![reader, decoding],
            deliver: Recorder::new(options.warm_up_frames),
            merged: None,
            delivered: 0,
            started: Instant::now(),
            finished_at: None,
        })
    }

    /// The next frame, waiting for it: `Ok(None)` once every frame was handed over.
    ///
    /// # Errors
    ///
    /// A read or decoding error that ends the stream (packets the decoder refuses are
    /// counted in the report instead).
    pub fn next_frame(&mut self) -> Result<Option<DecodedFrame>> {
        if self.finished_at.is_some() {
            return Ok(None);
        }
        match self.frames.recv() {
            Ok(Message::Frame(frame, kind, out)) => {
                self.deliver
                    .record(kind, &[(Stage::Deliver, out.elapsed())]);
                self.delivered += 1;
                Ok(Some(DecodedFrame {
                    frame: Some(frame),
                    pool: self.pool.clone(),
                }))
            }
            Ok(Message::Failed(error)) => {
                self.stop();
                Err(error)
            }
            Ok(Message::End(recorder, summary)) => {
                self.merged = Some((recorder, summary));
                self.stop();
                Ok(None)
            }
            Err(_) => {
                self.stop();
                let silent = std::io::Error::other("the decoding thread ended without a word");
                Err(Error::io("DecodePipeline::next", silent))
            }
        }
    }

    fn stop(&mut self) {
        self.finished_at = Some(Instant::now());
        drop(self.stop.take());
        // Unblock a thread waiting to hand over, then wait for both.
        while let Ok(message) = self.frames.try_recv() {
            drop(message);
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    /// The latency per picture type and stage; complete once [`DecodePipeline::next_frame`]
    /// has answered `Ok(None)`.
    pub fn report(&self) -> LatencyReport {
        let mut recorder = Recorder::new(0);
        recorder.merge(&self.deliver);
        let mut summary = DecodeSummary::default();
        if let Some((decoded, decode_summary)) = &self.merged {
            recorder.merge(decoded);
            summary = *decode_summary;
        }
        let (types, warm_up) = recorder.report();
        LatencyReport {
            types,
            warm_up,
            frames: self.delivered,
            decode_errors: summary.decode_errors,
            pinned: summary.pinned,
            wall: self.finished_at.unwrap_or_else(Instant::now) - self.started,
        }
    }
}

impl Drop for DecodePipeline {
    fn drop(&mut self) {
        if self.finished_at.is_none() {
            // Dropping the stop sender wakes the reader from waiting for a packet's time;
            // dropping the receiver ends the decoding thread at its next hand-over, and so
            // the reader at its next packet.
            drop(self.stop.take());
            let (_, closed) = sync_channel(0);
            drop(std::mem::replace(&mut self.frames, closed));
            for thread in self.threads.drain(..) {
                let _ = thread.join();
            }
        }
    }
}

impl std::fmt::Debug for DecodePipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodePipeline")
            .field("delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

/// The reader thread: the stream's packets into the queue, stamped when queued, then the end
/// or the read error. Spent packets come back for reuse. With `pace` (the stream's time
/// base), each packet waits for its decoding time from the first, or until `stopped` says
/// the pipeline is gone.
fn read(
    mut input: Input,
    stream_index: usize,
    ffmpeg: Ffmpeg,
    pace: Option<Rational>,
    (queue, stopped): (SyncSender<Queued>, Receiver<()>),
    spare: Receiver<Packet>,
) {
    let mut clock: Option<(i64, Instant)> = None;
    let last = loop {
        let mut packet = match spare.try_recv() {
            Ok(packet) => packet,
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => match Packet::new(&ffmpeg) {
                Ok(packet) => packet,
                Err(error) => break Queued::Failed(error),
            },
        };
        match input.read_packet(&mut packet) {
            Ok(true) if packet.stream_index() != stream_index => continue,
            Ok(true) => {
                if let (Some(time_base), Some(time)) = (pace, packet.dts().or(packet.pts())) {
                    let (first, start) = *clock.get_or_insert((time, Instant::now()));
                    let due = start + ticks_to_duration(time.saturating_sub(first), time_base);
                    let wait = due.saturating_duration_since(Instant::now());
                    if !matches!(stopped.recv_timeout(wait), Err(RecvTimeoutError::Timeout)) {
                        return;
                    }
                }
                if queue.send(Queued::Packet(packet, Instant::now())).is_err() {
                    return;
                }
            }
            Ok(false) => break Queued::End,
            Err(error) => break Queued::Failed(error),
        }
    };
    let _ = queue.send(last);
}

/// `ticks` of a time base as a wait: none for negative times or a time base that is not one
/// (a crafted file's `0/0`), at most a day.
fn ticks_to_duration(ticks: i64, time_base: Rational) -> Duration {
    const LONGEST: f64 = 86_400.0;
    let seconds = ticks as f64 * f64::from(time_base.num) / f64::from(time_base.den);
    if seconds.is_finite() && seconds > 0.0 {
        Duration::from_secs_f64(seconds.min(LONGEST))
    } else {
        Duration::ZERO
    }
}

/// The decoding thread's state.
struct Decoding {
    decoder: Decoder,
    ffmpeg: Ffmpeg,
    frames: SyncSender<Message>,
    pool: Receiver<Frame>,
    /// A frame the decoder had nothing for last time, kept for the next.
    spare: Option<Frame>,
    recorder: Box<Recorder>,
    recent: RecentPackets<Timing, 64>,
}

/// The consumer went away, or the stream ended in an error already reported.
struct Stopped;

impl Decoding {
    /// Hands over every frame the decoder has ready.
    fn hand_over(&mut self) -> std::result::Result<(), Stopped> {
        loop {
            let mut frame = match self.spare.take().or_else(|| self.pool.try_recv().ok()) {
                Some(frame) => frame,
                None => Frame::new(&self.ffmpeg).map_err(|error| self.fail(error))?,
            };
            match self.decoder.receive(&mut frame) {
                Ok(true) => {}
                Ok(false) => {
                    self.spare = Some(frame);
                    return Ok(());
                }
                Err(error) if error.is_bad_data() => {
                    self.spare = Some(frame);
                    continue;
                }
                Err(error) => return Err(self.fail(error)),
            }
            let out = Instant::now();
            let kind = frame.picture_type();
            // Every frame counts, timed or not, so that the consumer's n-th is the same frame.
            let stages = self.recent.find(frame.pts()).map(|timing| {
                [
                    (Stage::Queue, timing.started - timing.queued),
                    (Stage::Decode, out - timing.started),
                ]
            });
            self.recorder
                .record(kind, stages.as_ref().map_or(&[][..], |stages| &stages[..]));
            self.frames
                .send(Message::Frame(frame, kind, out))
                .map_err(|_| Stopped)?;
        }
    }

    fn fail(&self, error: Error) -> Stopped {
        let _ = self.frames.send(Message::Failed(error));
        Stopped
    }
}

/// The next item from the queue, waiting by sleeping or, with `spin`, by spinning; the end
/// when the reader is gone.
fn next_packet(packets: &Receiver<Queued>, spin: bool) -> Queued {
    if !spin {
        return packets.recv().unwrap_or(Queued::End);
    }
    loop {
        match packets.try_recv() {
            Ok(next) => return next,
            Err(TryRecvError::Empty) => std::hint::spin_loop(),
            Err(TryRecvError::Disconnected) => return Queued::End,
        }
    }
}

/// The decoding thread: packets from the queue into the decoder, frames out to the consumer.
fn decode(
    mut state: Decoding,
    packets: Receiver<Queued>,
    spare_packets: SyncSender<Packet>,
    pinned: bool,
    spin: bool,
) -> std::result::Result<(), Stopped> {
    let mut summary = DecodeSummary {
        pinned,
        ..DecodeSummary::default()
    };
    let read_error = loop {
        let (packet, queued) = match next_packet(&packets, spin) {
            Queued::Packet(packet, queued) => (packet, queued),
            Queued::End => break None,
            Queued::Failed(error) => break Some(error),
        };
        let started = Instant::now();
        state.recent.push(packet.pts(), Timing { queued, started });
        match state.decoder.send(&packet) {
            Ok(()) => {}
            Err(error) if error.is_bad_data() => summary.decode_errors += 1,
            Err(error) => return Err(state.fail(error)),
        }
        let _ = spare_packets.try_send(packet);
        state.hand_over()?;
    };
    // The frames of every packet read come out before a read error is reported.
    state
        .decoder
        .send_eof()
        .map_err(|error| state.fail(error))?;
    state.hand_over()?;
    if let Some(error) = read_error {
        return Err(state.fail(error));
    }
    let Decoding {
        frames, recorder, ..
    } = state;
    frames
        .send(Message::End(recorder, summary))
        .map_err(|_| Stopped)
}
