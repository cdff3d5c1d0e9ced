//! Which pictures the ffmpeg CLI encodes, how many times, and with what timestamp: its
//! `-fps_mode` (FFmpeg 5.1's `do_video_out`).
//!
//! Pictures are timed in slots of `1/frame rate`. In `cfr` every slot gets one picture: a
//! picture that comes late is preceded by copies of the one before, and one that comes more
//! than a slot early is dropped. In `vfr` a picture keeps its own slot and is dropped only
//! when it would land more than 0.6 of a slot before the next free one. `passthrough` keeps
//! every picture at its own slot.

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::Muxer;

/// The CLI's `-fps_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FpsMode {
    /// Every picture, at its own slot.
    Passthrough,
    /// Pictures at their own slots; one that would come too early is dropped.
    Vfr,
    /// One picture per slot: copies fill gaps, pictures beyond a slot's are dropped.
    Cfr,
    /// As `Cfr`, but a late first picture starts the output rather than being preceded by
    /// copies (the CLI's `vscfr`).
    CfrFromFirst,
}

impl FpsMode {
    /// The CLI's `-fps_mode auto` for `muxer`: `vfr` for AVI and muxers that take a variable
    /// rate, `passthrough` among those for one that writes no timestamps, else `cfr`, from
    /// the first picture where the input has only the one stream.
    pub fn auto(muxer: &Muxer, input_streams: usize) -> FpsMode {
        if muxer.name() == "avi" {
            FpsMode::Vfr
        } else if muxer.takes_variable_frame_rate() {
            match muxer.stores_timestamps() {
                true => FpsMode::Vfr,
                false => FpsMode::Passthrough,
            }
        } else if input_streams == 1 {
            FpsMode::CfrFromFirst
        } else {
            FpsMode::Cfr
        }
    }
}

/// The CLI's `-fps_mode` as a command-line option: `auto` leaves the choice to the caller
/// (the CLI's own is [`FpsMode::auto`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FpsChoice {
    Auto,
    Vfr,
    Cfr,
    Passthrough,
}

impl FpsChoice {
    /// The mode chosen; `None` for `auto`.
    pub fn mode(self) -> Option<FpsMode> {
        match self {
            FpsChoice::Auto => None,
            FpsChoice::Vfr => Some(FpsMode::Vfr),
            FpsChoice::Cfr => Some(FpsMode::Cfr),
            FpsChoice::Passthrough => Some(FpsMode::Passthrough),
        }
    }
}

/// Where one picture goes: `slots` slots from `first` on, one apart, of which the first
/// `repeats` take copies of the picture before it and the rest this picture; none when the
/// picture is dropped. `length` is the duration, in slots, the CLI gives the picture it
/// encodes: one slot where it keeps a constant rate, else the picture's own length (from
/// 6.0 encoders pass it on to their packets; the last one's is the stream's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub first: i64,
    pub repeats: u64,
    pub slots: u64,
    pub length: i64,
}

/// The CLI's timing of one output stream's pictures.
pub struct VideoSync {
    mode: FpsMode,
    /// The encoder's time base: the inverse of the output's frame rate.
    pub time_base: Rational,
    /// The time base of the pictures placed, when no graph changes it.
    input_time_base: Rational,
    /// One picture's length in `time_base` (1, or 0 when the output's rate is unknown).
    duration: f64,
    /// The next free slot, in `time_base`.
    pub next: i64,
    /// Pictures placed in slots so far.
    placed: u64,
    /// The copies before each of the last three pictures, newest first: at the end the CLI
    /// adds their median of the last picture.
    recent_repeats: [u64; 3],
}

impl VideoSync {
    /// For an output whose filters give `frame_rate` (`None`: unknown), from a stream whose
    /// own rate guess is `stream_rate`, timed in `filter_time_base` when no rate is known.
    pub fn new(
        mode: FpsMode,
        frame_rate: Option<Rational>,
        stream_rate: Option<Rational>,
        filter_time_base: Rational,
    ) -> VideoSync {
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
        VideoSync {
            mode,
            time_base,
            input_time_base: filter_time_base,
            duration: duration.min(1.0 / (to_f64(rate) * to_f64(time_base))),
            next: 0,
            placed: 0,
            recent_repeats: [0; 3],
        }
    }

    /// The time base given at creation, for pictures that go through no graph.
    pub fn input_time_base(&self) -> Rational {
        self.input_time_base
    }

    /// Where a picture stamped `pts` in `time_base` goes (`None`: in the next free slot).
    /// `own_duration`, in `time_base`, is the picture's own length where the CLI trusts it
    /// (no filters were asked for) rather than one slot.
    pub fn place(
        &mut self,
        pts: Option<i64>,
        time_base: Rational,
        own_duration: Option<i64>,
    ) -> Placement {
        let mut exact = pts.map_or(self.next as f64, |pts| {
            precise(pts, time_base, self.time_base)
        });
        let mut duration = self.duration;
        // The CLI's (6.1 on) length, not rounded to whole slots.
        let mut length = own_duration
            .map(|own| own as f64 * to_f64(time_base) / to_f64(self.time_base))
            .filter(|length| *length > 0.0)
            .unwrap_or(self.duration);
        if let Some(own) = own_duration {
            let slots = (own as f64 * to_f64(time_base) / to_f64(self.time_base)) as f32;
            let slots = slots.round_ties_even() as i64;
            if slots > 0 {
                duration = slots as f64;
            }
        }
        let mut delta0 = exact - self.next as f64;
        let mut delta = delta0 + duration;
        // A picture a little early moves to the next free slot rather than being dropped.
        if delta0 < 0.0 && delta > 0.0 && self.mode != FpsMode::Passthrough {
            exact = self.next as f64;
            length += delta0;
            delta0 = 0.0;
        }
        let (mut repeats, mut slots) = (0, 1);
        match self.mode {
            FpsMode::Cfr | FpsMode::CfrFromFirst => {
                if self.mode == FpsMode::CfrFromFirst && self.placed == 0 && delta0 >= 0.5 {
                    delta = duration;
                    delta0 = 0.0;
                    self.next = exact.round_ties_even() as i64;
                }
                if delta < -1.1 {
                    slots = 0;
                } else if delta > 1.1 {
                    slots = (delta as f32).round_ties_even() as u64;
                    if delta0 > 1.1 {
                        repeats = ((delta0 - 0.6) as f32).round_ties_even() as u64;
                    }
                }
            }
            FpsMode::Vfr => {
                if delta <= -0.6 {
                    slots = 0;
                } else if delta > 0.6 {
                    self.next = exact.round_ties_even() as i64;
                }
            }
            FpsMode::Passthrough => self.next = exact.round_ties_even() as i64,
        }
        let length = match self.mode {
            FpsMode::Vfr | FpsMode::Passthrough => length.round_ties_even() as i64,
            FpsMode::Cfr | FpsMode::CfrFromFirst => 1,
        };
        self.take(repeats.min(slots), slots, length)
    }

    /// The copies of the last picture the CLI adds at the end: as many as the median of the
    /// copies before each of the last three pictures.
    pub fn finish(&mut self) -> Placement {
        let [a, b, c] = self.recent_repeats;
        let median = a.max(b).min(a.min(b).max(c));
        self.take(median, median, 1)
    }

    fn take(&mut self, repeats: u64, slots: u64, length: i64) -> Placement {
        self.recent_repeats = [repeats, self.recent_repeats[0], self.recent_repeats[1]];
        let first = self.next;
        self.next += slots as i64;
        self.placed += slots;
        Placement {
            first,
            repeats,
            slots,
            length,
        }
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
