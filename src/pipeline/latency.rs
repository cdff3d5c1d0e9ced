//! Per-frame latency in three stages, per picture type, in histograms that allocate nothing
//! once made.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::frame::PictureType;

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
const KINDS: [(&str, Option<PictureType>); 4] = [
    ("I", Some(PictureType::I)),
    ("P", Some(PictureType::P)),
    ("B", Some(PictureType::B)),
    ("other", None),
];

fn kind_index(kind: PictureType) -> usize {
    KINDS
        .iter()
        .position(|(_, k)| *k == Some(kind))
        .unwrap_or(KINDS.len() - 1)
}

/// Microseconds, from 1 µs to 100 s, three significant digits.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000, 3).expect("valid bounds")
}

/// One histogram per picture type and stage.
pub(crate) struct Histograms {
    per_kind: [[Histogram<u64>; 3]; 4],
}

impl Histograms {
    pub(crate) fn new() -> Histograms {
        Histograms {
            per_kind: std::array::from_fn(|_| std::array::from_fn(|_| histogram())),
        }
    }

    pub(crate) fn record(&mut self, kind: PictureType, stage: Stage, latency: Duration) {
        let micros = (latency.as_micros() as u64).clamp(1, 100_000_000);
        let _ = self.per_kind[kind_index(kind)][stage as usize].record(micros);
    }

    pub(crate) fn merge(&mut self, other: &Histograms) {
        for (mine, theirs) in self.per_kind.iter_mut().zip(&other.per_kind) {
            for (mine, theirs) in mine.iter_mut().zip(theirs) {
                let _ = mine.add(theirs);
            }
        }
    }

    pub(crate) fn report(&self) -> Vec<TypeLatency> {
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

/// One stage's latency over the frames of one picture type, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StageLatency {
    /// Frames measured.
    pub count: u64,
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
    fn of(histogram: &Histogram<u64>) -> StageLatency {
        let ms = |micros: u64| micros as f64 / 1000.0;
        StageLatency {
            count: histogram.len(),
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
