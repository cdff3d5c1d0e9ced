//! The ffmpeg CLI's own clock of a stream it decodes (FFmpeg 5.1's `ist->dts` and
//! `ist->next_dts`), which times what has no timestamp of its own.
//!
//! The clock reads a packet's dts where it has one and otherwise runs on; an audio frame
//! without a timestamp (one drained from the decoder at the end) takes the clock's time,
//! which runs on by each frame's samples. `InputClock` (`input_clock.rs`) adds the CLI's
//! rules for pictures.

use ffmpeg_runtime::Rational;

pub struct StreamClock {
    /// The stream's time base.
    pub time_base: Rational,
    /// The time of the decode call under way, in microseconds.
    pub dts: Option<i64>,
    /// The time of the next call, in microseconds.
    pub next_dts: Option<i64>,
}

impl StreamClock {
    /// For a stream timed in `time_base`, starting at `start` microseconds.
    pub fn new(time_base: Rational, start: i64) -> StreamClock {
        StreamClock {
            time_base,
            dts: Some(start),
            next_dts: Some(start),
        }
    }

    /// A packet about to be decoded, whose dts is `dts`: the dts the CLI gives it.
    pub fn packet(&mut self, dts: Option<i64>) -> Option<i64> {
        self.restart_if_stopped();
        if let Some(dts) = dts {
            self.next_dts = self.time_base.rescale(dts, Rational::MICROSECONDS);
        }
        self.dts = self.next_dts;
        self.in_time_base(self.dts)
    }

    /// As the CLI at the start of each packet's decoding and each draining call: a clock
    /// stopped by a duration it did not know starts again at the last call's time.
    pub fn restart_if_stopped(&mut self) {
        if self.next_dts.is_none() {
            self.next_dts = self.dts;
        }
    }

    /// An audio frame of `samples` at `rate` decoded: the clock's time for it (in
    /// microseconds), after which the clock runs on by its length.
    pub fn audio_frame(&mut self, samples: usize, rate: u32) -> Option<i64> {
        let at = self.next_dts;
        if rate > 0 {
            let length = 1_000_000 * samples as i64 / i64::from(rate);
            self.next_dts = self.next_dts.map(|next| next.saturating_add(length));
        }
        self.dts = self.next_dts;
        at
    }

    /// `microseconds` in the stream's time base.
    pub fn in_time_base(&self, microseconds: Option<i64>) -> Option<i64> {
        microseconds.and_then(|t| Rational::MICROSECONDS.rescale(t, self.time_base))
    }
}
