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
        (self.is_positive() && to.is_positive()).then(|| rescale(value, self, to, Round::Nearest))
    }
}

impl Rational {
    /// `num/den` in lowest terms with neither part above `max`: the closest such fraction
    /// where the exact one does not fit, as FFmpeg's `av_reduce` (continued fractions).
    /// `0/1`-like results keep FFmpeg's conventions (`x/0` gives `1/0`).
    pub fn reduce(num: i64, den: i64, max: i32) -> Rational {
        let negative = (num < 0) != (den < 0);
        let (mut num, mut den) = (i128::from(num).abs(), i128::from(den).abs());
        let max = i128::from(max.max(0));
        let gcd = gcd(num, den);
        if gcd != 0 {
            (num, den) = (num / gcd, den / gcd);
        }
        let (mut a0, mut a1) = ((0i128, 1i128), (1i128, 0i128));
        if num <= max && den <= max {
            a1 = (num, den);
            den = 0;
        }
        while den != 0 {
            let mut x = num / den;
            let next_den = num - den * x;
            let a2 = (x * a1.0 + a0.0, x * a1.1 + a0.1);
            if a2.0 > max || a2.1 > max {
                if a1.0 != 0 {
                    x = (max - a0.0) / a1.0;
                }
                if a1.1 != 0 {
                    x = x.min((max - a0.1) / a1.1);
                }
                if den * (2 * x * a1.1 + a0.1) > num * a1.1 {
                    a1 = (x * a1.0 + a0.0, x * a1.1 + a0.1);
                }
                break;
            }
            (a0, a1) = (a1, a2);
            (num, den) = (den, next_den);
        }
        // Both parts are at most `max`, an i32.
        let num = if negative { -a1.0 } else { a1.0 };
        Rational::new(num as i32, a1.1 as i32)
    }
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_matches_av_reduce() {
        assert_eq!(
            Rational::reduce(176, 144, 1024 * 1024),
            Rational::new(11, 9)
        );
        assert_eq!(Rational::reduce(-6, 4, i32::MAX), Rational::new(-3, 2));
        assert_eq!(Rational::reduce(0, 5, i32::MAX), Rational::new(0, 1));
        // 1920·4 : 1080·3 fits; an exact ratio past `max` is approximated.
        assert_eq!(Rational::reduce(7680, 3240, 1 << 20), Rational::new(64, 27));
        assert_eq!(
            Rational::reduce(3_141_592_653, 1_000_000_000, 1000),
            Rational::new(355, 113)
        );
    }

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
