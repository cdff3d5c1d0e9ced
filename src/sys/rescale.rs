//! FFmpeg's timestamp arithmetic (`av_rescale_q_rnd`), in 128-bit integers so that nothing
//! overflows and no FFmpeg call is needed.

use super::Rational;

/// Rounding, as FFmpeg's `AVRounding` for the modes the crate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// Toward negative infinity.
    Down,
    /// Toward positive infinity.
    Up,
    /// To the nearest, halves away from zero (`av_rescale_q`'s).
    Nearest,
}

/// `value × from / to`, rounded as `av_rescale_q_rnd` rounds; both time bases positive.
pub(crate) fn rescale(value: i64, from: Rational, to: Rational, round: Round) -> i64 {
    let scale = i128::from(from.num) * i128::from(to.den);
    let divisor = i128::from(to.num) * i128::from(from.den);
    let magnitude = i128::from(value).abs() * scale;
    // FFmpeg rounds the magnitude, with the direction mirrored for negative values.
    let round = match (value < 0, round) {
        (true, Round::Down) => Round::Up,
        (true, Round::Up) => Round::Down,
        (_, round) => round,
    };
    let rounded = match round {
        Round::Down => magnitude / divisor,
        Round::Up => (magnitude + divisor - 1) / divisor,
        Round::Nearest => (magnitude + divisor / 2) / divisor,
    };
    let signed = if value < 0 { -rounded } else { rounded };
    signed.clamp(i128::from(i64::MIN + 1), i128::from(i64::MAX)) as i64
}

impl Rational {
    /// `value`, counted in this time base, counted in `to` instead: rounded to the nearest,
    /// halves away from zero, exactly as FFmpeg's `av_rescale_q`. `None` when either time
    /// base is not positive.
    pub fn rescale(self, value: i64, to: Rational) -> Option<i64> {
        let positive = |r: Rational| r.num > 0 && r.den > 0;
        (positive(self) && positive(to)).then(|| rescale(value, self, to, Round::Nearest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_matches_ffmpegs() {
        let (half, one) = (Rational::new(1, 2), Rational::new(1, 1));
        let ms = Rational::new(1, 1000);
        assert_eq!(Rational::new(1, 30_000).rescale(1001, ms), Some(33));
        assert_eq!(Rational::new(1, 30_000).rescale(-1001, ms), Some(-33));
        assert_eq!(half.rescale(3, one), Some(2));
        assert_eq!(half.rescale(-3, one), Some(-2));
        assert_eq!(rescale(5, half, one, Round::Down), 2);
        assert_eq!(rescale(-5, half, one, Round::Down), -3);
        assert_eq!(rescale(5, half, one, Round::Up), 3);
        assert_eq!(rescale(-5, half, one, Round::Up), -2);
        assert_eq!(Rational::new(0, 1).rescale(1, one), None);
        assert_eq!(one.rescale(1, Rational::new(1, -2)), None);
    }
}
