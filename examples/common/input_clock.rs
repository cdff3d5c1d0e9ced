//! The ffmpeg CLI's clock of the stream it decodes ([`StreamClock`]), with its rules for
//! pictures.
//!
//! The CLI stamps every video packet with the clock before decoding, and runs it on by each
//! packet's duration (or one frame at the decoder's rate), so the pictures of a stream
//! without timestamps (a raw H.264 file, a cover picture) take their times from it; after
//! the last packet it gives each call that drains the decoder the clock's time, and a picture
//! drained without a timestamp takes the oldest one not yet taken. Audio frames are timed as
//! [`StreamClock::audio_frame`] times them.

use std::collections::VecDeque;

use ffmpeg_runtime::{Frame, Rational};

use crate::stream_clock::StreamClock;

pub struct InputClock {
    clock: StreamClock,
    /// The times of the draining calls not yet taken by a picture, in the stream's time base.
    drained: VecDeque<Option<i64>>,
}

impl InputClock {
    /// For a stream timed in `time_base` whose decoder holds back `video_delay` pictures:
    /// the clock starts that many frames (at `average_rate`, when known) before zero.
    pub fn new(time_base: Rational, video_delay: u32, average_rate: Rational) -> InputClock {
        let start = if average_rate.num != 0 {
            let rate = f64::from(average_rate.num) / f64::from(average_rate.den);
            (-f64::from(video_delay) * 1e6 / rate) as i64
        } else {
            0
        };
        InputClock {
            clock: StreamClock::new(time_base, start),
            drained: VecDeque::new(),
        }
    }

    /// A packet about to be decoded, whose dts is `dts`: the dts the CLI gives it.
    pub fn packet(&mut self, dts: Option<i64>) -> Option<i64> {
        self.clock.packet(dts)
    }

    /// The end of one of the CLI's video decode calls: the next call's time runs on by
    /// `duration` microseconds, or stops (unknown) when that is unknown.
    fn advance(&mut self, duration: Option<i64>) {
        let clock = &mut self.clock;
        clock.next_dts = match (clock.next_dts, duration) {
            (Some(next), Some(duration)) if duration != 0 => next.checked_add(duration),
            _ => None,
        };
    }

    /// The CLI's decode calls for one packet of `packet_duration` (in the stream's time
    /// base; 0 where unknown, then one frame at `frame_rate`), which gave `pictures`
    /// pictures: the clock runs on by that length once for each (once for none); where a
    /// picture came, one more call, which finds none, starts at the time reached.
    pub fn packet_decoded(
        &mut self,
        pictures: usize,
        packet_duration: i64,
        frame_rate: Option<Rational>,
    ) {
        let duration = match packet_duration {
            0 => Self::frame_length(frame_rate),
            duration => self.microseconds(duration),
        };
        for _ in 0..pictures.max(1) {
            self.advance(duration);
        }
        if pictures > 0 {
            self.clock.dts = self.clock.next_dts;
        }
    }

    /// A draining call begins (after the last packet): its time is noted for a picture
    /// that comes without one, and the clock runs on by one frame at `frame_rate`.
    pub fn draining_call(&mut self, frame_rate: Option<Rational>) {
        let clock = &mut self.clock;
        clock.restart_if_stopped();
        clock.dts = clock.next_dts;
        self.drained.push_back(clock.in_time_base(clock.dts));
        self.advance(Self::frame_length(frame_rate));
    }

    /// The timestamp of a picture drained with `best_effort`: its own, else the oldest
    /// draining call's time not yet taken.
    pub fn drained_picture(&mut self, best_effort: Option<i64>) -> Option<i64> {
        best_effort.or_else(|| self.drained.pop_front().flatten())
    }

    /// An audio frame of `samples` at `rate` decoded: the clock's time for it (in
    /// microseconds), after which the clock runs on by its length.
    pub fn audio_frame(&mut self, samples: usize, rate: u32) -> Option<i64> {
        self.clock.audio_frame(samples, rate)
    }

    /// A frame's length in microseconds at `frame_rate`.
    fn frame_length(frame_rate: Option<Rational>) -> Option<i64> {
        frame_rate
            .filter(|rate| rate.num > 0 && rate.den > 0)
            .map(|rate| 1_000_000 * i64::from(rate.den) / i64::from(rate.num))
    }

    /// `duration` (in the stream's time base) in microseconds.
    fn microseconds(&self, duration: i64) -> Option<i64> {
        self.clock
            .time_base
            .rescale(duration, Rational::MICROSECONDS)
    }
}

/// How the CLI from 6.1 on times pictures (`video_frame_process`): each at its decoder's
/// best-effort time, and one the decoder leaves untimed where the last one ended, by
/// `video_duration_estimate`. An input that keeps no timestamps (a raw H.264, HEVC or MPEG
/// video stream: [`Demuxer::gives_timestamps`] false) has its packets decoded untimed, so
/// that every picture is put so: one frame (counted in fields, `repeat_pict`) at the
/// decoder's rate after the last. Elsewhere it matters for a picture drained at the end
/// with no time (an MPEG-2 I-frame read alone after a seek to a GXF's end: 0, which the
/// 5.1 CLI's clock put at the clock's time).
///
/// [`Demuxer::gives_timestamps`]: ffmpeg_runtime::format::Demuxer::gives_timestamps
pub struct UntimedPictures {
    time_base: Rational,
    average_rate: Rational,
    last: Option<i64>,
    last_length: i64,
}

impl UntimedPictures {
    /// For a stream timed in `time_base` whose average rate is `average_rate`.
    pub fn new(time_base: Rational, average_rate: Rational) -> UntimedPictures {
        UntimedPictures {
            time_base,
            average_rate,
            last: None,
            last_length: 0,
        }
    }

    /// The time of `picture` (in the stream's time base), the decoder stating `decoder_rate`.
    pub fn picture(&mut self, picture: &Frame, decoder_rate: Option<Rational>) -> i64 {
        let pts = picture.best_effort_timestamp().unwrap_or_else(|| {
            self.last
                .map_or(0, |last| last.saturating_add(self.last_length))
        });
        let positive = |length: &i64| *length > 0;
        let fields = i64::from(picture.repeat_pict()) + 2;
        let codec_length = decoder_rate
            .filter(|rate| rate.num > 0 && rate.den > 0)
            .and_then(|rate| Some(Rational::new(rate.den, rate.num.checked_mul(2)?)))
            .and_then(|field| field.rescale(fields, self.time_base))
            .filter(positive);
        let since_last = self
            .last
            .and_then(|last| pts.checked_sub(last))
            .filter(positive);
        let average = Some(self.average_rate)
            .and_then(|rate| Rational::new(rate.den, rate.num).rescale(1, self.time_base))
            .filter(positive);
        self.last_length = codec_length
            .or(since_last)
            .or(picture.duration().filter(positive))
            .or(average)
            .unwrap_or(self.last_length.max(1));
        self.last = Some(pts);
        pts
    }
}
