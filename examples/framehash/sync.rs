//! Which filtered video frames the ffmpeg CLI writes to `framemd5`, and with what timestamp;
//! and how it times decoded audio for its filters.
//!
//! The CLI's encoder stage (FFmpeg 5.1's `do_video_out`) times pictures in `1/frame rate` of
//! the filter graph's output and, for a muxer with variable frame rate such as `framemd5`,
//! drops a picture that would land more than 0.6 of a frame before the next free slot. Only
//! pictures that went through `--vf` are judged this way, as only then does framehash claim
//! the CLI's output of the same command.

use ffmpeg_runtime::Rational;

/// The CLI's `-fps_mode vfr` for one output stream.
pub struct VariableRate {
    /// The encoder's time base: the inverse of the output's frame rate.
    pub time_base: Rational,
    /// The time base of the pictures placed, when no graph changes it.
    input_time_base: Rational,
    /// One frame's length in `time_base` (1, or 0 when the output's rate is unknown).
    duration: f64,
    /// The next free slot, in `time_base`.
    next: i64,
}

impl VariableRate {
    /// For an output whose filters give `frame_rate` (`None`: unknown), from a stream whose
    /// own rate guess is `stream_rate`, timed in `filter_time_base` when no rate is known.
    pub fn new(
        frame_rate: Option<Rational>,
        stream_rate: Option<Rational>,
        filter_time_base: Rational,
    ) -> VariableRate {
        let rate = frame_rate.or(stream_rate).unwrap_or(Rational::new(25, 1));
        let time_base = if rate.num > 0 && rate.den > 0 {
            rate.invert()
        } else {
            filter_time_base
        };
        let duration = match frame_rate {
            Some(rate) => 1.0 / (to_f64(rate) * to_f64(time_base)),
            None => 0.0,
        };
        VariableRate {
            time_base,
            input_time_base: filter_time_base,
            duration: duration.min(1.0 / (to_f64(rate) * to_f64(time_base))),
            next: 0,
        }
    }

    /// The time base given at creation, for pictures that go through no graph.
    pub fn input_time_base(&self) -> Rational {
        self.input_time_base
    }

    /// The timestamp the CLI writes for a picture stamped `pts` in `filter_time_base`, or
    /// `None` when it drops the picture.
    pub fn place(&mut self, pts: Option<i64>, filter_time_base: Rational) -> Option<i64> {
        let exact = match pts {
            Some(pts) => precise(pts, filter_time_base, self.time_base),
            None => i64::MIN as f64,
        };
        let delta0 = exact - self.next as f64;
        let delta = delta0 + self.duration;
        // A picture a little early is moved to the next free slot rather than dropped.
        let exact = if delta0 < 0.0 && delta > 0.0 {
            self.next as f64
        } else {
            exact
        };
        if delta <= -0.6 {
            return None;
        }
        if delta > 0.6 {
            self.next = exact.round_ties_even() as i64;
        }
        let placed = self.next;
        self.next += 1;
        Some(placed)
    }
}

fn to_f64(rate: Rational) -> f64 {
    f64::from(rate.num) / f64::from(rate.den)
}

/// `pts` from `from` in `to` with 16 more bits of precision, nudged off exact halves, as the
/// CLI's `adjust_frame_pts_to_encoder_tb` computes it.
fn precise(pts: i64, from: Rational, to: Rational) -> f64 {
    let log2 = 31 - (to.den.max(1) as u32).leading_zeros() as i32;
    let extra_bits = (29 - log2).clamp(0, 16);
    let finer = Rational::new(to.num, to.den << extra_bits);
    let value = from.rescale(pts, finer).unwrap_or(pts) as f64 / f64::from(1u32 << extra_bits);
    let sign = if value > 0.0 { 1.0 } else { -1.0 };
    value + sign / f64::from(1u32 << 17)
}

/// The CLI's timing of decoded audio for its filters (`av_rescale_delta` into `1/sample
/// rate`): a frame that starts within a tick of where the last one ended starts exactly there,
/// so that millisecond timestamps (Matroska's) give gapless sample counts.
#[derive(Default)]
pub struct AudioClock {
    /// Where the last frame ended, in samples.
    end: Option<i64>,
    /// The last packet's timestamp.
    last_packet: Option<i64>,
}

impl AudioClock {
    /// Notes a packet sent to the decoder: one that starts later than the last one's
    /// timestamp plus its own duration opens a gap, and the next frame is not pulled back.
    pub fn packet(&mut self, pts: Option<i64>, duration: Option<i64>) {
        if let (Some(pts), Some(last), Some(duration)) = (pts, self.last_packet, duration)
            && pts - last > duration
        {
            self.end = None;
        }
        self.last_packet = pts;
    }

    /// `pts` (in `time_base`) of a frame of `samples` samples at `rate`, in `1/rate`.
    pub fn place(&mut self, pts: i64, time_base: Rational, rate: u32, samples: u32) -> i64 {
        let samples_base = Rational::new(1, rate as i32);
        let simple = |end: &mut Option<i64>| {
            let placed = time_base.rescale(pts, samples_base).unwrap_or(pts);
            *end = Some(placed + i64::from(samples));
            placed
        };
        let finer = i128::from(time_base.num) * i128::from(rate) > i128::from(time_base.den);
        let Some(end) = self.end.filter(|_| samples > 0 && finer) else {
            return simple(&mut self.end);
        };
        // The tick of `pts`, widened by half a tick either way, in samples.
        let ticks = |value: i64, up: bool| {
            let numerator = i128::from(value) * i128::from(time_base.num) * i128::from(rate);
            let denominator = i128::from(time_base.den);
            let quotient = numerator.div_euclid(denominator);
            let inexact = numerator.rem_euclid(denominator) != 0;
            (quotient + i128::from(up && inexact)) as i64
        };
        let low = ticks(2 * pts - 1, false) >> 1;
        let high = (ticks(2 * pts + 1, true) + 1) >> 1;
        if end < 2 * low - high || end > 2 * high - low {
            return simple(&mut self.end);
        }
        let placed = end.clamp(low, high);
        self.end = Some(placed + i64::from(samples));
        placed
    }
}
