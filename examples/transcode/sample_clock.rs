//! Where the transcoder's audio frames start. The CLI's filters time each frame they cut at
//! the timestamp of the frame its first sample came from, plus that sample's place in it, so
//! audio stays with the video after a damaged stretch instead of moving earlier; each frame's
//! timestamp holds from its first sample, even where it steps back a little.

use std::collections::VecDeque;

#[derive(Default)]
pub struct SampleClock {
    /// Where each run of unbroken samples still queued begins: (its first sample's place in
    /// the queue, counted from the start; its timestamp, in samples).
    runs: VecDeque<(u64, i64)>,
    /// Samples queued since the start.
    queued: u64,
    /// Samples taken since the start.
    taken: u64,
}

impl SampleClock {
    /// `samples` about to be queued, the first of them due at `start` (in samples; `None`
    /// when unknown, and then at `first` if they are the first).
    pub fn queue(&mut self, start: Option<i64>, first: i64, samples: u64) {
        match (self.due(self.queued), start) {
            (None, start) => self.runs.push_back((self.queued, start.unwrap_or(first))),
            (Some(due), Some(start)) if start != due => {
                self.runs.push_back((self.queued, start));
            }
            _ => {}
        }
        self.queued += samples;
    }

    /// The timestamp (in samples) of the next `samples` taken from the queue.
    pub fn take(&mut self, samples: u64) -> i64 {
        let pts = self.due(self.taken).unwrap_or(0);
        self.taken += samples;
        while self.runs.len() > 1 && self.runs[1].0 <= self.taken {
            self.runs.pop_front();
        }
        pts
    }

    /// The timestamp of the sample at `place` in the queue, once a run has begun.
    fn due(&self, place: u64) -> Option<i64> {
        self.runs
            .iter()
            .rev()
            .find(|(start, _)| *start <= place)
            .map(|(start, pts)| pts + (place - start) as i64)
    }
}
