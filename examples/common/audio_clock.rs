//! How the ffmpeg CLI times decoded audio before its filters: FFmpeg 5.1's `decode_audio`,
//! or from 6.1 on `audio_ts_process` (both through `av_rescale_delta`).

use ffmpeg_runtime::{Ffmpeg, Packet, Rational};

/// The CLI's timing of decoded audio for its filters: a frame that starts within a tick of
/// where the last one ended starts exactly there, so that millisecond timestamps
/// (Matroska's) give gapless sample counts. The releases differ in what counts as a gap
/// and in how an untimed frame is timed.
pub struct AudioClock {
    rule: Rule,
    /// Where the last frame ended, in the time base that rounding counts in
    /// (`av_rescale_delta`'s `last`).
    end: Option<i64>,
    /// The last packet's timestamp (5.1's gap rule).
    last_packet: Option<i64>,
    /// 6.1's own clock of the stream: its time base, sample rate, and the last frame's
    /// start and estimated length in it.
    counted_in: Rational,
    counted_rate: u32,
    last_start: Option<i64>,
    last_length: i64,
}

/// Which release's CLI the clock follows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Up to 6.0: a packet later than the last one's time and its own duration opens a gap;
    /// an untimed frame takes the CLI's clock of the stream.
    PacketGaps,
    /// From 6.1: a frame later than where the last one ended, rounded up, opens a gap; an
    /// untimed frame starts where the last one ended.
    FrameGaps,
}

/// Which CLI's audio timing to follow (`--cli-timing`): the releases differ in what they
/// take for a gap between frames, and so in where a frame of millisecond timestamps starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CliTiming {
    /// FFmpeg 5.1's (Debian 12's), whichever release is loaded.
    #[default]
    #[value(name = "5.1")]
    Debian12,
    /// FFmpeg 6.1's, which later releases keep.
    #[value(name = "6.1")]
    Newer,
    /// The loaded release's own CLI's.
    Loaded,
}

impl CliTiming {
    /// The release (major, minor) whose CLI it names, `ffmpeg` being the release loaded.
    pub fn release(self, ffmpeg: &Ffmpeg) -> (u8, u8) {
        match self {
            CliTiming::Debian12 => (5, 1),
            CliTiming::Newer => (6, 1),
            CliTiming::Loaded => ffmpeg.release_version(),
        }
    }

    /// Whether the CLI it names keeps 6.1's rules, `ffmpeg` being the release loaded.
    pub fn follows_6_1(self, ffmpeg: &Ffmpeg) -> bool {
        self.release(ffmpeg) >= (6, 1)
    }
}

impl AudioClock {
    /// The clock of the CLI that `timing` names, `ffmpeg` being the release loaded.
    pub fn new(ffmpeg: &Ffmpeg, timing: CliTiming) -> AudioClock {
        let rule = match timing.follows_6_1(ffmpeg) {
            true => Rule::FrameGaps,
            false => Rule::PacketGaps,
        };
        AudioClock {
            rule,
            end: None,
            last_packet: None,
            counted_in: Rational::new(1, 1),
            counted_rate: 0,
            last_start: None,
            last_length: 0,
        }
    }

    /// Notes a packet sent to the audio decoder (see [`AudioClock::packet`]), and says whether
    /// this CLI counts it a decoding error: an empty one before 6.1, which the CLI hands to
    /// the decoder, which refuses a packet of no data (`EINVAL`); 6.1 skips it, as every
    /// release skips an empty video packet.
    pub fn arrives(&mut self, packet: &Packet) -> bool {
        let duration = Some(packet.duration()).filter(|&d| d != 0);
        self.packet(packet.pts(), duration);
        packet.data().is_empty() && self.rule == Rule::PacketGaps
    }

    /// Notes a packet sent to the decoder: before 6.1, one that starts later than the last
    /// one's timestamp plus its own duration opens a gap, and the next frame is not pulled
    /// back.
    fn packet(&mut self, pts: Option<i64>, duration: Option<i64>) {
        if self.rule != Rule::PacketGaps {
            return;
        }
        if let (Some(pts), Some(last), Some(duration)) = (pts, self.last_packet, duration)
            && pts.saturating_sub(last) > duration
        {
            self.end = None;
        }
        self.last_packet = pts;
    }

    /// Where a frame of `samples` samples at `rate` starts, in `1/rate`: `pts` is its own
    /// timestamp and time base, `untimed` what the 5.1 CLI's clock of the stream gives a
    /// frame without one.
    pub fn place(
        &mut self,
        pts: Option<(i64, Rational)>,
        untimed: Option<(i64, Rational)>,
        rate: u32,
        samples: u32,
    ) -> Option<i64> {
        match self.rule {
            Rule::FrameGaps if rate > 0 => Some(self.place_counted(pts, rate, samples)),
            _ => {
                let per_sample = Rational::new(1, rate as i32);
                let timed = pts.or(untimed)?;
                Some(rescale_delta(timed, per_sample, samples, &mut self.end))
            }
        }
    }

    /// 6.1's `audio_ts_process`: the frame is counted in a time base that holds every rate
    /// seen so far, and pulled onto the end of the last frame unless it starts after it.
    fn place_counted(&mut self, pts: Option<(i64, Rational)>, rate: u32, samples: u32) -> i64 {
        let per_sample = Rational::new(1, rate as i32);
        self.count_in(rate, pts.map(|(_, time_base)| time_base));
        let counted_in = self.counted_in;
        let expected = self
            .last_start
            .map_or(0, |start| start.saturating_add(self.last_length));
        let (pts, time_base) = match pts {
            None => (expected, counted_in),
            Some((pts, time_base)) => {
                if self.last_start.is_some()
                    && pts > rescale_rounding(expected, counted_in, time_base, true)
                {
                    self.end = None;
                }
                (pts, time_base)
            }
        };
        // As FFmpeg, the length added to the end is in samples whatever the time base.
        let start = rescale_delta((pts, time_base), counted_in, samples, &mut self.end);
        self.last_start = Some(start);
        self.last_length = rescale_nearest(i64::from(samples), per_sample, counted_in);
        rescale_nearest(start, counted_in, per_sample)
    }

    /// 6.1's `audio_samplerate_update`: from the first rate, or a new one, the time base
    /// becomes `1/LCM` of the rates (`1/28224000` where that does not fit), or the frame's
    /// own where that is finer and a multiple of it.
    fn count_in(&mut self, rate: u32, frame_base: Option<Rational>) {
        if rate == self.counted_rate {
            return;
        }
        let previous = i64::from(self.counted_in.den);
        let rate_wide = i64::from(rate);
        let common = gcd(previous, rate_wide);
        let mut den = if previous / common >= i64::from(i32::MAX) / rate_wide {
            28_224_000
        } else {
            previous / common * rate_wide
        };
        if let Some(base) = frame_base
            && base.num == 1
            && i64::from(base.den) > den
            && i64::from(base.den) % den == 0
        {
            den = i64::from(base.den);
        }
        let counted_in = Rational::new(1, den as i32);
        self.last_start =
            (self.last_start).map(|s| rescale_nearest(s, self.counted_in, counted_in));
        self.last_length = rescale_nearest(self.last_length, self.counted_in, counted_in);
        self.counted_in = counted_in;
        self.counted_rate = rate;
    }
}

/// FFmpeg's `av_rescale_delta` where the rounding base and the result's are the same
/// (`base`): `value` rescaled, but pulled onto `end` where that lies within half a tick of
/// it either way, `end` then moved on by `length`.
fn rescale_delta(
    (value, from): (i64, Rational),
    base: Rational,
    length: u32,
    end: &mut Option<i64>,
) -> i64 {
    let finer =
        i128::from(from.num) * i128::from(base.den) > i128::from(base.num) * i128::from(from.den);
    let simple = |end: &mut Option<i64>| {
        let placed = rescale_nearest(value, from, base);
        *end = Some(placed.saturating_add(i64::from(length)));
        placed
    };
    let Some(last) = end.filter(|_| length > 0 && finer) else {
        return simple(end);
    };
    let twice = value.saturating_mul(2);
    let low = rescale_rounding(twice.saturating_sub(1), from, base, false) >> 1;
    let high = rescale_rounding(twice.saturating_add(1), from, base, true).saturating_add(1) >> 1;
    let (low_wide, high_wide, last_wide) = (i128::from(low), i128::from(high), i128::from(last));
    if last_wide < 2 * low_wide - high_wide || last_wide > 2 * high_wide - low_wide {
        return simple(end);
    }
    let placed = last.clamp(low, high);
    *end = Some(placed.saturating_add(i64::from(length)));
    placed
}

/// `value` from one time base to another, rounded down or (`up`) up.
fn rescale_rounding(value: i64, from: Rational, to: Rational, up: bool) -> i64 {
    let numerator = i128::from(value) * i128::from(from.num) * i128::from(to.den);
    let denominator = i128::from(from.den) * i128::from(to.num);
    if denominator == 0 {
        return value;
    }
    let quotient = numerator.div_euclid(denominator);
    let inexact = numerator.rem_euclid(denominator) != 0;
    (quotient + i128::from(up && inexact)).clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

/// `value` from one time base to another, to the nearest (`av_rescale_q`).
fn rescale_nearest(value: i64, from: Rational, to: Rational) -> i64 {
    from.rescale(value, to).unwrap_or(value)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}
