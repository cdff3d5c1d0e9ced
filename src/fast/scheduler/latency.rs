//! A scheduled stream's latency: per picture type, five histograms (the four stages and the
//! whole way), made once when the stream is added so that recording allocates nothing.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::fast::pipeline::StageLatency;
use crate::fast::pipeline::latency::{KINDS, kind_index};
use crate::media::frame::PictureType;

/// The stages of a scheduled frame's way, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduledStage {
    /// Queue wait: the packet submitted → first in its stream's queue, the stream's earlier
    /// packets decoded.
    Queue = 0,
    /// Scheduling delay: first in its queue, the stream waiting to run → a worker took it.
    Schedule = 1,
    /// Decoding: the packet sent to the decoder → the frame out of it.
    Decode = 2,
    /// Hand-over: the frame out of the decoder → the stream's sink returned.
    HandOver = 3,
    /// The whole way: the packet submitted → the sink returned.
    Total = 4,
}

impl ScheduledStage {
    /// Every stage, in order.
    pub const ALL: [ScheduledStage; 5] = [
        ScheduledStage::Queue,
        ScheduledStage::Schedule,
        ScheduledStage::Decode,
        ScheduledStage::HandOver,
        ScheduledStage::Total,
    ];

    /// Its name in reports: `queue`, `schedule`, `decode`, `hand_over`, `total`.
    pub fn name(self) -> &'static str {
        ["queue", "schedule", "decode", "hand_over", "total"][self as usize]
    }
}

/// Microseconds, 1 µs to 60 s, two significant digits: twenty of these per stream stay small
/// (20 KiB each) with a hundred streams, and a percentile is still within 1 %.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 2).expect("valid bounds")
}

/// One histogram per picture type and stage.
#[derive(Clone)]
pub(crate) struct StreamHistograms {
    per_kind: [[Histogram<u64>; 5]; 4],
}

impl StreamHistograms {
    pub(crate) fn new() -> StreamHistograms {
        StreamHistograms {
            per_kind: std::array::from_fn(|_| std::array::from_fn(|_| histogram())),
        }
    }

    /// Records one frame's five latencies (in [`ScheduledStage::ALL`]'s order).
    pub(crate) fn record(&mut self, kind: PictureType, stages: [Duration; 5]) {
        for (histogram, latency) in self.per_kind[kind_index(kind)].iter_mut().zip(stages) {
            let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
            // Saturated at the bounds rather than lost.
            let _ = histogram.record(micros.clamp(1, 60_000_000));
        }
    }

    pub(crate) fn merge(&mut self, other: &StreamHistograms) {
        for (mine, theirs) in self.per_kind.iter_mut().zip(&other.per_kind) {
            for (mine, theirs) in mine.iter_mut().zip(theirs) {
                // Same bounds on both sides: adding cannot fail.
                let _ = mine.add(theirs);
            }
        }
    }

    /// One stage over every picture type.
    pub(crate) fn stage(&self, stage: ScheduledStage) -> StageLatency {
        let mut all = histogram();
        for stages in &self.per_kind {
            let _ = all.add(&stages[stage as usize]);
        }
        StageLatency::of(&all)
    }

    /// Per picture type that occurred, every stage.
    pub(crate) fn per_type(&self) -> Vec<ScheduledTypeLatency> {
        KINDS
            .iter()
            .zip(&self.per_kind)
            .filter(|(_, stages)| !stages[ScheduledStage::Total as usize].is_empty())
            .map(|((name, _), stages)| ScheduledTypeLatency {
                picture_type: name,
                stages: std::array::from_fn(|index| StageLatency::of(&stages[index])),
            })
            .collect()
    }
}

/// The latency of one picture type's frames, per stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledTypeLatency {
    /// `I`, `P`, `B` or `other`.
    pub picture_type: &'static str,
    /// In [`ScheduledStage::ALL`]'s order; index with `stage as usize`.
    pub stages: [StageLatency; 5],
}

impl ScheduledTypeLatency {
    /// The latency of `stage`.
    pub fn stage(&self, stage: ScheduledStage) -> &StageLatency {
        &self.stages[stage as usize]
    }
}
