//! How an [`RgbPool`](super::RgbPool) with [`Stores::Auto`](super::Stores::Auto) chooses
//! between streaming and cached stores for big pictures: by timing both on the caller's own
//! workload.
//!
//! Neither wins everywhere. In a decode loop the decoder evicts the output between frames, and
//! streaming saves reading each line of it first: converting 1080p RGBA took about half as
//! long. Converting the same frame over and over, the output stays in the cache, and cached
//! stores are about 10% faster. Only the caller's loop knows which it is, so the pool measures.
//!
//! A conversion's time says something about its way of storing only if the one before was
//! stored the same way: the first cached conversion after streaming ones finds the output out
//! of the cache and pays for it. So only conversions that follow one of the same way are
//! timed, and the way not in use is tried again now and then in a short run.

use std::time::Duration;

/// Big conversions between two trials of the way not in use.
const TRIAL_EVERY: u64 = 32;
/// Conversions in a trial: the first, after a change of way, is not timed.
const TRIAL_LENGTH: u32 = 3;

/// What a pool has learnt about the two ways of storing.
#[derive(Debug, Default)]
pub(super) struct StoreTuning {
    /// Nanoseconds per output byte, a moving average, for cached (0) and streamed (1) stores.
    cost: [Option<f64>; 2],
    /// The way the last big conversion was stored.
    last: Option<bool>,
    /// Conversions left in a trial run, and its way.
    trial: (u32, bool),
    /// Big conversions chosen for.
    count: u64,
}

impl StoreTuning {
    /// Whether to stream the next big conversion.
    pub(super) fn stream_next(&mut self) -> bool {
        self.count += 1;
        if self.trial.0 > 0 {
            self.trial.0 -= 1;
            return self.trial.1;
        }
        match self.cost {
            // Each way in turn until both have a timed conversion.
            [None, _] => false,
            [_, None] => true,
            [Some(cached), Some(streamed)] => {
                let faster = streamed < cached;
                if self.count.is_multiple_of(TRIAL_EVERY) {
                    self.trial = (TRIAL_LENGTH - 1, !faster);
                    !faster
                } else {
                    faster
                }
            }
        }
    }

    /// Records a big conversion of `bytes` that took `took`. `fresh` says its buffer was just
    /// allocated, whose first writes pay for page faults: it is not timed.
    pub(super) fn record(&mut self, streamed: bool, bytes: usize, took: Duration, fresh: bool) {
        let timed = !fresh && self.last == Some(streamed) && bytes > 0;
        self.last = Some(streamed);
        if timed {
            let cost = took.as_nanos() as f64 / bytes as f64;
            let slot = &mut self.cost[usize::from(streamed)];
            // Half the weight on the newest, so that a stalled moment fades within a few.
            *slot = Some(slot.map_or(cost, |old| (old + cost) / 2.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `conversions` big conversions costing `cost(streamed, follows_same_way)` ns a byte;
    /// returns how many were streamed.
    fn run(conversions: u32, cost: impl Fn(bool, bool) -> u64) -> u32 {
        let mut tuning = StoreTuning::default();
        let mut streamed_count = 0;
        let mut last = None;
        for _ in 0..conversions {
            let streamed = tuning.stream_next();
            let nanos = cost(streamed, last == Some(streamed));
            tuning.record(streamed, 1, Duration::from_nanos(nanos), false);
            streamed_count += u32::from(streamed);
            last = Some(streamed);
        }
        streamed_count
    }

    #[test]
    fn a_decode_loop_streams() {
        // Streaming 5, cached 9: the output is never in the cache.
        let streamed = run(1000, |streamed, _| if streamed { 5 } else { 9 });
        assert!(streamed > 850, "{streamed}");
    }

    #[test]
    fn a_hot_buffer_stays_cached_though_a_change_of_way_costs() {
        // Cached 4 once in the cache, 12 straight after streaming; streaming 5.
        let cost = |streamed, same_way| match (streamed, same_way) {
            (true, _) => 5,
            (false, true) => 4,
            (false, false) => 12,
        };
        let streamed = run(1000, cost);
        assert!(streamed < 100, "{streamed}");
    }

    #[test]
    fn fresh_buffers_and_first_conversions_after_a_change_are_not_timed() {
        let mut tuning = StoreTuning::default();
        tuning.record(false, 100, Duration::from_nanos(100), true);
        tuning.record(true, 100, Duration::from_nanos(100), false);
        assert_eq!(tuning.cost, [None, None]);
        tuning.record(true, 100, Duration::from_nanos(300), false);
        assert_eq!(tuning.cost, [None, Some(3.0)]);
    }
}
