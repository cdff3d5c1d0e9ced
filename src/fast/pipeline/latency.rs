//! Per-frame latency in three stages, per picture type, in histograms that allocate nothing
//! once made. The first frames (the warm-up) are kept one by one instead: they pay once for
//! the decoder's first allocations, and a service that runs for hours never sees them again.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::media::frame::PictureType;

/// The stages a frame's latency is split into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Its packet waiting in the queue: read and queued → taken by the decoding thread.
    Queue = 0,
    /// Decoding: its packet sent to the decoder → the frame out of it.
    Decode = 1,
    /// Hand-over: the frame out of the decoder → taken by the consumer.
    Deliver = 2,
}

/// The picture types reported separately; everything else (S, SI, SP, BI, none) is `Other`.
pub(crate) const KINDS: [(&str, Option<PictureType>); 4] = [
    ("I", Some(PictureType::I)),
    ("P", Some(PictureType::P)),
    ("B", Some(PictureType::B)),
    ("other", None),
];

pub(crate) fn kind_index(kind: PictureType) -> usize {
    KINDS
        .iter()
        .position(|(_, k)| *k == Some(kind))
        .unwrap_or(KINDS.len() - 1)
}

fn kind_name(kind: PictureType) -> &'static str {
    KINDS[kind_index(kind)].0
}

/// Microseconds, from 1 µs to 100 s, three significant digits.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000, 3).expect("valid bounds")
}

/// One histogram per picture type and stage.
struct Histograms {
    per_kind: [[Histogram<u64>; 3]; 4],
}

impl Histograms {
    fn new() -> Histograms {
        Histograms {
            per_kind: std::array::from_fn(|_| std::array::from_fn(|_| histogram())),
        }
    }

    fn record(&mut self, kind: PictureType, stage: Stage, latency: Duration) {
        let micros = (latency.as_micros() as u64).clamp(1, 100_000_000);
        let _ = self.per_kind[kind_index(kind)][stage as usize].record(micros);
    }

    fn merge(&mut self, other: &Histograms) {
        for (mine, theirs) in self.per_kind.iter_mut().zip(&other.per_kind) {
            for (mine, theirs) in mine.iter_mut().zip(theirs) {
                let _ = mine.add(theirs);
            }
        }
    }

    fn report(&self) -> Vec<TypeLatency> {
        KINDS
            .iter()
            .zip(&self.per_kind)
            .filter(|(_, stages)| !stages[Stage::Decode as usize].is_empty())
            .map(|((name, _), stages)| TypeLatency {
                picture_type: name,
                count: stages[Stage::Decode as usize].len(),
                queue: StageLatency::of(&stages[Stage::Queue as usize]),
                decode: StageLatency::of(&stages[Stage::Decode as usize]),
                deliver: StageLatency::of(&stages[Stage::Deliver as usize]),
            })
            .collect()
    }
}

/// What one side of the pipeline measures: the warm-up frames one by one, then histograms.
/// Each side records every frame, in the order frames pass, so that the n-th frame of both
/// sides is the same frame.
pub(crate) struct Recorder {
    histograms: Histograms,
    warm_up: Vec<FrameLatency>,
    warm_up_frames: usize,
}

impl Recorder {
    pub(crate) fn new(warm_up_frames: usize) -> Recorder {
        Recorder {
            histograms: Histograms::new(),
            warm_up: Vec::with_capacity(warm_up_frames),
            warm_up_frames,
        }
    }

    /// Records the next frame: its type and the stages this side measured.
    pub(crate) fn record(&mut self, kind: PictureType, stages: &[(Stage, Duration)]) {
        if self.warm_up.len() < self.warm_up_frames {
            let mut frame = FrameLatency {
                picture_type: kind_name(kind),
                ..FrameLatency::default()
            };
            for &(stage, latency) in stages {
                *frame.stage_mut(stage) = latency.as_secs_f64() * 1000.0;
            }
            self.warm_up.push(frame);
        } else {
            for &(stage, latency) in stages {
                self.histograms.record(kind, stage, latency);
            }
        }
    }

    /// Adds the other side's measurements of the same frames.
    pub(crate) fn merge(&mut self, other: &Recorder) {
        self.histograms.merge(&other.histograms);
        for (index, theirs) in other.warm_up.iter().enumerate() {
            match self.warm_up.get_mut(index) {
                // Each side measured other stages: the rest are zero.
                Some(mine) => {
                    for stage in [Stage::Queue, Stage::Decode, Stage::Deliver] {
                        *mine.stage_mut(stage) += theirs.stage(stage);
                    }
                }
                None => self.warm_up.push(*theirs),
            }
        }
    }

    /// The steady state per picture type, and the warm-up frames in order.
    pub(crate) fn report(&self) -> (Vec<TypeLatency>, Vec<FrameLatency>) {
        (self.histograms.report(), self.warm_up.clone())
    }
}

/// One frame of the warm-up: its type and its latency per stage, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FrameLatency {
    /// `I`, `P`, `B` or `other`.
    pub picture_type: &'static str,
    /// Queued → decode start.
    pub queue_ms: f64,
    /// Packet sent → frame out.
    pub decode_ms: f64,
    /// Frame out → consumer.
    pub deliver_ms: f64,
}

impl FrameLatency {
    /// The latency of `stage`, in milliseconds.
    pub fn stage(&self, stage: Stage) -> f64 {
        match stage {
            Stage::Queue => self.queue_ms,
            Stage::Decode => self.decode_ms,
            Stage::Deliver => self.deliver_ms,
        }
    }

    fn stage_mut(&mut self, stage: Stage) -> &mut f64 {
        match stage {
            Stage::Queue => &mut self.queue_ms,
            Stage::Decode => &mut self.decode_ms,
            Stage::Deliver => &mut self.deliver_ms,
        }
    }
}

/// One stage's latency over the frames of one picture type, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StageLatency {
    /// Frames measured.
    pub count: u64,
    /// Fastest.
    pub min_ms: f64,
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

impl StageLatency {
    pub(crate) fn of(histogram: &Histogram<u64>) -> StageLatency {
        let ms = |micros: u64| micros as f64 / 1000.0;
        StageLatency {
            count: histogram.len(),
            min_ms: ms(histogram.min()),
            mean_ms: histogram.mean() / 1000.0,
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p95_ms: ms(histogram.value_at_quantile(0.95)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
    }
}

/// The latency of the frames of one picture type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeLatency {
    /// `I`, `P`, `B` or `other`.
    pub picture_type: &'static str,
    /// Frames of this type.
    pub count: u64,
    /// Queued → decode start.
    pub queue: StageLatency,
    /// Packet sent → frame out.
    pub decode: StageLatency,
    /// Frame out → consumer.
    pub deliver: StageLatency,
}

/// The last `N` packets' timings, each under its packet's timestamp, to find the packet a
/// frame came from (frames leave a decoder in another order than their packets enter it).
pub(crate) struct RecentPackets<T, const N: usize> {
    ring: [Option<(Option<i64>, T)>; N],
    next: usize,
}

impl<T: Copy, const N: usize> RecentPackets<T, N> {
    pub(crate) fn new() -> Self {
        RecentPackets {
            ring: [None; N],
            next: 0,
        }
    }

    pub(crate) fn push(&mut self, pts: Option<i64>, timing: T) {
        self.ring[self.next % N] = Some((pts, timing));
        self.next += 1;
    }

    /// The packet with this timestamp, else the latest.
    pub(crate) fn find(&self, pts: Option<i64>) -> Option<T> {
        let latest = self.ring[(self.next + N - 1) % N].map(|(_, timing)| timing);
        let matching = pts.and_then(|pts| {
            self.ring
                .iter()
                .flatten()
                .find(|(packet_pts, _)| *packet_pts == Some(pts))
                .map(|(_, timing)| *timing)
        });
        matching.or(latest)
    }
}
