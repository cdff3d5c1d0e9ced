//! How the ffmpeg CLI times decoded audio before its filters (FFmpeg 5.1's `decode_audio`,
//! `av_rescale_delta` into `1/sample rate`).

use ffmpeg_runtime::Rational;

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
