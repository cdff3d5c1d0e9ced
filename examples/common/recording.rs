//! Where the output ends under `--duration`, as the CLI's output `-t` ends it: twice, as the
//! CLI does. Its graph ends in a `trim` (`atrim`) that passes `-t` from the first frame it
//! sees; then each encoder takes no frame at or past `-t` from the output's start, and its
//! stream is over. (Subtitles and copied streams meet the second rule alone.)

use ffmpeg_runtime::Rational;

/// A duration as FFmpeg writes one (`av_parse_time`'s), in microseconds: `SECONDS[.FRACTION]`
/// with an optional `s`, `ms` or `us`, or `[HH:]MM:SS[.FRACTION]`; digits past the
/// microsecond are ignored, as FFmpeg ignores them.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("{text}: expected a duration, such as 2.5 or 00:01:30");
    if text.starts_with('-') {
        return Err(format!("{text}: a duration cannot be negative"));
    }
    let (body, unit_us) = match text {
        t if t.ends_with("ms") => (&t[..t.len() - 2], 1_000),
        t if t.ends_with("us") => (&t[..t.len() - 2], 1),
        t if t.ends_with('s') => (&t[..t.len() - 1], 1_000_000),
        t => (t, 1_000_000),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(fraction.is_empty() || digits(fraction)) {
        return Err(bad());
    }
    let parts: Vec<&str> = whole.split(':').collect();
    if parts.len() > 1 && unit_us != 1_000_000 || !parts.iter().all(|p| digits(p)) {
        return Err(bad());
    }
    let number = |s: &str| s.parse::<i64>().map_err(|_| bad());
    let mut seconds = 0i64;
    for (i, part) in parts.iter().enumerate() {
        let value = number(part)?;
        // Minutes and seconds after a colon stay under 60, as FFmpeg requires.
        if i > 0 && (value >= 60 || part.len() != 2) {
            return Err(bad());
        }
        seconds = seconds
            .checked_mul(60)
            .and_then(|s| s.checked_add(value))
            .ok_or_else(bad)?;
    }
    let micros: String = fraction.chars().chain("000000".chars()).take(6).collect();
    let fraction_us = number(&micros)?;
    seconds
        .checked_mul(1_000_000)
        .and_then(|us| us.checked_add(fraction_us))
        .map(|us| us / (1_000_000 / unit_us))
        .filter(|_| parts.len() <= 3)
        .ok_or_else(bad)
}

/// The CLI's check before its encoders: whether a frame at `pts` in `time_base` starts at
/// or past `limit_us` microseconds (compared exactly, as `av_compare_ts` compares).
pub fn past_limit(pts: i64, time_base: Rational, limit_us: i64) -> bool {
    let at = i128::from(pts) * i128::from(time_base.num) * 1_000_000;
    at >= i128::from(limit_us) * i128::from(time_base.den)
}

/// The CLI's check before an encoder (and before the muxer, for a stream copied): the
/// stream is over at its first frame at or past the limit.
#[derive(Clone, Copy)]
pub struct EncoderLimit {
    limit_us: Option<i64>,
    over: bool,
}

impl EncoderLimit {
    pub fn new(limit_us: Option<i64>) -> EncoderLimit {
        EncoderLimit {
            limit_us,
            over: false,
        }
    }

    /// Whether a frame at `pts` in `time_base` (from the output's start) is taken; the first
    /// that is not ends the stream.
    pub fn admits(&mut self, pts: i64, time_base: Rational) -> bool {
        if let Some(limit_us) = self.limit_us.filter(|_| !self.over) {
            self.over = past_limit(pts, time_base, limit_us);
        }
        !self.over
    }

    /// Whether the stream is over.
    pub fn is_over(&self) -> bool {
        self.over
    }
}

/// The end of the CLI's output graph for pictures: `trim` with a duration, which passes
/// pictures until one starts that long after the first, and none from it on.
pub struct PictureTrim {
    /// In the pictures' time base; 0 passes everything, as `trim` takes a zero duration.
    duration: i64,
    first: Option<i64>,
    ended: bool,
}

impl PictureTrim {
    pub fn new(limit_us: i64, time_base: Rational) -> PictureTrim {
        PictureTrim {
            duration: ticks(limit_us, time_base),
            first: None,
            ended: false,
        }
    }

    /// Whether the picture at `pts` passes; once one does not, none does. (An untimed
    /// picture ends the stream, as in `trim`.)
    pub fn passes(&mut self, pts: Option<i64>) -> bool {
        if self.ended || self.duration == 0 {
            return !self.ended;
        }
        let first = *self.first.get_or_insert_with(|| pts.unwrap_or(0));
        let passes = pts.is_some_and(|pts| pts - first < self.duration);
        self.ended = !passes;
        passes
    }
}

/// The end of the CLI's output graph for audio: `atrim` with a duration, in samples at the
/// encoder's rate, which cuts the frame across the end and passes nothing after it.
pub struct SampleTrim {
    /// In samples; 0 passes everything, as `atrim` takes a zero duration.
    duration: i64,
    first: Option<i64>,
    /// Where the next frame starts where it states no time.
    next: i64,
    ended: bool,
}

impl SampleTrim {
    pub fn new(limit_us: i64, sample_rate: u32) -> SampleTrim {
        SampleTrim {
            duration: ticks(limit_us, Rational::new(1, sample_rate.max(1) as i32)),
            first: None,
            next: 0,
            ended: false,
        }
    }

    /// How many of `samples`, the first at `start` (in samples; `None`: right after the
    /// last frame), pass.
    pub fn passes(&mut self, start: Option<i64>, samples: u64) -> u64 {
        if self.ended {
            return 0;
        }
        let start = start.unwrap_or(self.next);
        self.next = start + samples as i64;
        if self.duration == 0 {
            return samples;
        }
        let first = *self.first.get_or_insert(start);
        let room = first + self.duration - start;
        if room <= 0 {
            self.ended = true;
            return 0;
        }
        (room as u64).min(samples)
    }
}

/// `limit_us` counted in `time_base` (0, which passes everything, where it is not positive).
fn ticks(limit_us: i64, time_base: Rational) -> i64 {
    (Rational::MICROSECONDS.rescale(limit_us, time_base)).unwrap_or(0)
}
