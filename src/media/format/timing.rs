//! How the ffmpeg CLI times the packets it muxes, so that an [`Output`](super::Output) writes
//! the timestamps the CLI would: copied audio keeps whole frames of samples when its input
//! counted in coarser units (`av_rescale_delta`), and a timestamp that would go backwards is
//! moved forward rather than refused by the muxer.
//!
//! The arithmetic is FFmpeg's, done here in 128-bit integers: `av_rescale_delta` asserts (and
//! so aborts the process) on input it does not expect, which this code never hands it.

use crate::sys::Rational;

use crate::sys::rescale::{Round, rescale};

/// `av_rescale_q`: to the nearest; both time bases positive.
pub(crate) fn rescale_q(value: i64, from: Rational, to: Rational) -> i64 {
    rescale(value, from, to, Round::Nearest)
}

/// `av_rescale_delta`: `timestamp` from `from` to `to`, keeping the run of frames of
/// `duration` samples (at `samples`, one over the sample rate) unbroken where the input's
/// coarser timestamps allow, so that 1024-sample AAC frames timed in milliseconds stay 1024
/// samples apart. `last` carries the expected next sample position between calls.
pub(crate) fn rescale_delta(
    from: Rational,
    timestamp: i64,
    samples: Rational,
    duration: i64,
    last: &mut Option<i64>,
    to: Rational,
) -> i64 {
    let input_is_finer =
        i128::from(from.num) * i128::from(to.den) <= i128::from(to.num) * i128::from(from.den);
    let expected = match *last {
        Some(expected) if duration > 0 && !input_is_finer => expected,
        _ => {
            *last = Some(rescale_q(timestamp, from, samples) + duration);
            return rescale_q(timestamp, from, to);
        }
    };
    let twice = i64::from(2).saturating_mul(timestamp);
    let low = rescale(twice.saturating_sub(1), from, samples, Round::Down) >> 1;
    let high = (rescale(twice.saturating_add(1), from, samples, Round::Up).saturating_add(1)) >> 1;
    let (low2, high2) = (i128::from(low), i128::from(high));
    let expected2 = i128::from(expected);
    if expected2 < 2 * low2 - high2 || expected2 > 2 * high2 - low2 {
        *last = Some(rescale_q(timestamp, from, samples) + duration);
        return rescale_q(timestamp, from, to);
    }
    let this = expected.clamp(low, high);
    *last = Some(this + duration);
    rescale_q(this, samples, to)
}

/// What the CLI does before handing a packet to the muxer: a decoding timestamp after the
/// presentation one becomes the median of the two and the last one plus one, and one that
/// does not move forward (strictly, unless the muxer allows equal ones) is moved to the
/// least it may be. Returns the new (pts, dts).
pub(crate) fn monotonic(
    pts: Option<i64>,
    dts: Option<i64>,
    last_dts: Option<i64>,
    strict: bool,
) -> (Option<i64>, Option<i64>) {
    let (mut pts, mut dts) = (pts, dts);
    if let (Some(p), Some(d)) = (pts, dts)
        && d > p
    {
        let next = last_dts.map_or(i128::from(i64::MIN) + 1, |l| i128::from(l) + 1);
        let values = [i128::from(p), i128::from(d), next];
        let sum: i128 = values.iter().sum();
        let median = sum - values.iter().min().unwrap() - values.iter().max().unwrap();
        let median = median as i64;
        (pts, dts) = (Some(median), Some(median));
    }
    if let (Some(d), Some(last)) = (dts, last_dts) {
        let least = last.saturating_add(i64::from(strict));
        if d < least {
            if let Some(p) = pts
                && p >= d
            {
                pts = Some(p.max(least));
            }
            dts = Some(least);
        }
    }
    (pts, dts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Rational = Rational::new(1, 1000);
    const SAMPLES: Rational = Rational::new(1, 48_000);

    #[test]
    fn rounding_matches_ffmpegs() {
        assert_eq!(rescale_q(1001, Rational::new(1, 30_000), MS), 33);
        assert_eq!(rescale_q(-1001, Rational::new(1, 30_000), MS), -33);
        assert_eq!(rescale_q(3, Rational::new(1, 2), Rational::new(1, 1)), 2);
        assert_eq!(rescale_q(-3, Rational::new(1, 2), Rational::new(1, 1)), -2);
        assert_eq!(
            rescale(5, Rational::new(1, 2), Rational::new(1, 1), Round::Down),
            2
        );
        assert_eq!(
            rescale(-5, Rational::new(1, 2), Rational::new(1, 1), Round::Down),
            -3
        );
        assert_eq!(
            rescale(5, Rational::new(1, 2), Rational::new(1, 1), Round::Up),
            3
        );
        assert_eq!(
            rescale(-5, Rational::new(1, 2), Rational::new(1, 1), Round::Up),
            -2
        );
    }

    #[test]
    fn whole_frames_survive_millisecond_timestamps() {
        // 1024-sample frames at 48 kHz, stored in milliseconds: 0, 21, 43, 64, …
        let mut last = None;
        let written: Vec<i64> = (0..6)
            .map(|frame| {
                let ms = rescale_q(frame * 1024, SAMPLES, MS);
                rescale_delta(MS, ms, SAMPLES, 1024, &mut last, SAMPLES)
            })
            .collect();
        assert_eq!(written, [0, 1024, 2048, 3072, 4096, 5120]);
        // Rescaled as they are, they would not be.
        assert_eq!(rescale_q(rescale_q(1024, SAMPLES, MS), MS, SAMPLES), 1008);
    }

    #[test]
    fn a_finer_input_is_rescaled_plainly() {
        let mut last = None;
        assert_eq!(
            rescale_delta(SAMPLES, 1024, SAMPLES, 1024, &mut last, MS),
            21
        );
        assert_eq!(
            rescale_delta(SAMPLES, 2048, SAMPLES, 1024, &mut last, MS),
            43
        );
    }

    #[test]
    fn timestamps_never_go_back() {
        assert_eq!(
            monotonic(Some(5), Some(3), Some(3), true),
            (Some(5), Some(4))
        );
        assert_eq!(
            monotonic(Some(5), Some(3), Some(3), false),
            (Some(5), Some(3))
        );
        assert_eq!(
            monotonic(Some(2), Some(2), Some(3), true),
            (Some(4), Some(4))
        );
        // A decoding time after the presentation time: the median with last + 1.
        assert_eq!(
            monotonic(Some(10), Some(12), Some(10), true),
            (Some(11), Some(11))
        );
        assert_eq!(
            monotonic(Some(10), Some(12), None, true),
            (Some(10), Some(10))
        );
        assert_eq!(monotonic(None, None, Some(3), true), (None, None));
    }
}
