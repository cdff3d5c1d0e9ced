//! The timeline the ffmpeg CLI puts an input's packets on: counted from the input's start (or
//! the position sought), and kept continuous where a demuxer's timestamps jump.
//!
//! MPEG-TS and MPEG-PS recordings jump: two recordings joined with `cat`, a broadcast whose
//! clock restarts, an HLS stream after a discontinuity. Read as they are, the packets after
//! the jump lie hours away or in the past, and a muxer refuses them or writes a file of
//! absurd length. The CLI (5.1's `process_input`) moves the rest of the input so that the
//! packet after the jump comes where the stream's clock expected it: this is that rule.

use std::collections::HashMap;

use super::{Input, MediaType};
use crate::media::packet::Packet;
use crate::sys::Rational;

/// A jump of more than this (the CLI's `-dts_delta_threshold`, 10 s) is a discontinuity.
const JUMP_US: u64 = 10_000_000;
/// A step back of more than this (a tenth of a second) is one too.
const STEP_BACK_US: i64 = 100_000;
/// Where timestamps may not jump, one further than this (the CLI's `-dts_error_threshold`,
/// 30 hours) from the clock is dropped as invalid.
const INVALID_US: u64 = 30 * 3600 * 1_000_000;

/// Puts the packets of an [`Input`] on the ffmpeg CLI's timeline: every timestamp counted
/// from the input's start (or the position sought) and, for a demuxer whose timestamps may
/// jump ([`Demuxer::has_discontinuous_timestamps`](super::Demuxer::has_discontinuous_timestamps)),
/// a jump taken out, as `ffmpeg -i` takes it out.
///
/// One offset serves every stream, so streams stay in step across a jump: the stream whose
/// packet jumps first moves them all. For a demuxer whose timestamps may not jump, a
/// timestamp more than 30 hours from where its stream's clock stands is dropped (`None`), as
/// the CLI drops it.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use ffmpeg_runtime::Packet;
/// use ffmpeg_runtime::format::{Input, Timeline};
///
/// let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
/// let mut input = Input::open(ffmpeg, "joined.ts")?;
/// let streams: Vec<usize> = input.streams().map(|s| s.index()).collect();
/// let mut timeline = Timeline::new(&input, &streams);
/// let mut packet = Packet::new(ffmpeg)?;
/// while input.read_packet(&mut packet)? {
///     timeline.place(&mut packet);
///     // packet.pts() now counts from the start, with no jump.
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Added to every timestamp, in microseconds (the CLI's `ts_offset`).
    offset_us: i64,
    /// Whether jumps are taken out (else wild timestamps are dropped).
    discontinuous: bool,
    clocks: HashMap<usize, StreamClock>,
    /// The last dts placed, of any stream, in microseconds (the CLI's `last_ts`).
    last_dts_us: Option<i64>,
    corrections: u64,
}

/// The CLI's clock of one stream (its `ist->dts`, `next_dts` and `pts`), in microseconds.
#[derive(Debug, Clone)]
struct StreamClock {
    time_base: Rational,
    /// One frame, for a packet without a duration (video at a known rate).
    frame_us: Option<i64>,
    /// The stream's kind, which says how the CLI times it decoded.
    media_type: MediaType,
    /// Audio's sample rate: the CLI counts an audio packet's length in whole samples.
    sample_rate: Option<u32>,
    /// Audio's fixed frame size, where its codec has one.
    frame_size: Option<u32>,
    /// Whether the packets are copied, not decoded: the CLI then counts an audio packet as
    /// one frame of the codec's fixed size (none where frames vary), not its own length.
    copied: bool,
    /// Whether decoded audio frames, not the packets, run the clock on.
    audio_decoded: bool,
    /// Where the next packet should start (`None` before the first).
    next_dts_us: Option<i64>,
    /// The last packet's dts.
    dts_us: i64,
    /// The last presentation time: the last picture's for decoded video, else the last dts.
    presented_us: i64,
    /// Whether the pictures, not the packets, set the presentation time.
    pictures: bool,
}

impl Timeline {
    /// The timeline of a program that uses `streams` (absolute indexes) of `input`: it
    /// starts where [`Input::start_time_us_for`] says, as `ffmpeg -i` starts it.
    pub fn new(input: &Input, streams: &[usize]) -> Timeline {
        let start = input.start_time_us_for(streams).unwrap_or(0);
        Timeline::starting_at(input, streams, start)
    }

    /// The timeline after seeking `input` to `position_us` microseconds from its start, as
    /// `ffmpeg -ss POSITION -i` counts it: the position sought is zero. (5.1's CLI; see
    /// [`Timeline::from_position_as`] for later ones.)
    pub fn from_position(input: &Input, streams: &[usize], position_us: i64) -> Timeline {
        Timeline::from_position_as(input, streams, position_us, (5, 1))
    }

    /// [`Timeline::from_position`] as the CLI of FFmpeg `release` (major, minor) counts
    /// it. They differ where the demuxer's timestamps may jump (MPEG-TS, MPEG-PS) and
    /// `streams` start later than the container (its audio starts first, and only the
    /// video is used):
    /// - before 6.1 the position sought is zero;
    /// - 6.1's to 7.1's CLI start at the later of those streams' start and the position
    ///   itself, counted from zero rather than from the container's start (an operator
    ///   precedence slip in `correct_input_start_times`, fixed in 8.0): a recording whose
    ///   video starts at 2.8 s, sought to 1.3 s, starts at 2.8 s, 1.3 s before the position;
    /// - from 8.0 they start at the later of those streams' start and the position.
    pub fn from_position_as(
        input: &Input,
        streams: &[usize],
        position_us: i64,
        release: (u8, u8),
    ) -> Timeline {
        let start = input.start_time_us().unwrap_or(0);
        let position = start.saturating_add(position_us);
        let streams_start = input.start_time_us_for(streams).unwrap_or(start);
        let timeline_start = match release {
            _ if streams_start == start => position,
            release if release < (6, 1) => position,
            release if release < (8, 0) => position_us.max(streams_start),
            _ => position.max(streams_start),
        };
        Timeline::starting_at(input, streams, timeline_start)
    }

    fn starting_at(input: &Input, streams: &[usize], start_us: i64) -> Timeline {
        let clocks = streams.iter().filter_map(|&index| {
            let stream = input.stream(index)?;
            let mut clock = StreamClock::new(stream.time_base(), None);
            clock.media_type = stream.media_type();
            match stream.media_type() {
                MediaType::Video => {
                    clock.frame_us = stream
                        .frame_rate()
                        .and_then(|rate| rate.invert().rescale(1, Rational::MICROSECONDS));
                }
                MediaType::Audio => {
                    clock.sample_rate = Some(stream.sample_rate()).filter(|&rate| rate > 0);
                    clock.frame_size = stream.frame_size();
                }
                _ => {}
            }
            Some((index, clock))
        });
        Timeline::with_clocks(
            start_us,
            input.demuxer().has_discontinuous_timestamps(),
            clocks,
        )
    }

    fn with_clocks(
        start_us: i64,
        discontinuous: bool,
        clocks: impl IntoIterator<Item = (usize, StreamClock)>,
    ) -> Timeline {
        Timeline {
            offset_us: start_us.saturating_neg(),
            discontinuous,
            clocks: clocks.into_iter().collect(),
            // As 5.1's CLI: zero before the first packet, so that a first packet more than
            // 10 s from the start (a seek that landed far from the position) starts there.
            last_dts_us: Some(0),
            corrections: 0,
        }
    }

    /// Marks `stream` as decoded pictures whose timestamps the caller reports with
    /// [`picture`](Self::picture): a packet stepping back is then judged against the last
    /// picture shown rather than the last packet, as the CLI judges a video it decodes.
    pub fn decodes_pictures(&mut self, stream: usize) {
        if let Some(clock) = self.clocks.get_mut(&stream) {
            clock.pictures = true;
            clock.presented_us = 0;
        }
    }

    /// Marks `stream` as decoded, as the CLI of FFmpeg `release` (major, minor) times a stream
    /// it decodes. 5.1's judges a video packet against the pictures decoded
    /// ([`decodes_pictures`](Self::decodes_pictures)) and runs audio's clock on by the
    /// samples decoded ([`decodes_audio`](Self::decodes_audio)). From 6.1 its demuxer, on a
    /// thread of its own, knows neither: a video packet is judged against the packets alone,
    /// and audio's clock runs on by one frame of the codec's fixed size a packet, as for a
    /// stream copied ([`copies`](Self::copies)). A chained Ogg file whose second chain
    /// restarts at zero (FLAC, before 8.0's demuxer made chains continuous) then goes on
    /// where the last packet started, not where its samples ended.
    pub fn decodes_as(&mut self, stream: usize, release: (u8, u8)) {
        let Some(kind) = self.clocks.get(&stream).map(|clock| clock.media_type) else {
            return;
        };
        match kind {
            MediaType::Audio if release >= (6, 1) => self.copies(stream),
            MediaType::Audio => self.decodes_audio(stream),
            MediaType::Video if release < (6, 1) => self.decodes_pictures(stream),
            _ => {}
        }
    }

    /// Marks `stream` as copied rather than decoded (`ffmpeg -c copy`): the CLI then
    /// expects an audio packet to last one frame of its codec's fixed size (AAC's 1024
    /// samples), and no time at all where the codec's frames vary (Vorbis, Opus), whatever
    /// the packet's own duration. That is where the packet after a jump is put: in a chained
    /// Ogg file, say, the second chain's first packet.
    pub fn copies(&mut self, stream: usize) {
        if let Some(clock) = self.clocks.get_mut(&stream) {
            clock.copied = true;
        }
    }

    /// Marks `stream` as decoded audio whose frames the caller reports with
    /// [`samples_decoded`](Self::samples_decoded): as the CLI's, the stream's clock then
    /// stands at each packet's time and runs on by the samples of each frame decoded, not
    /// by the packets' durations. Where the decoder holds frames back (FLAC's, ALAC's frame
    /// threads), the clock is behind by them at a jump, as the CLI's is.
    pub fn decodes_audio(&mut self, stream: usize) {
        if let Some(clock) = self.clocks.get_mut(&stream) {
            clock.audio_decoded = true;
        }
    }

    /// A frame of `samples` decoded from `stream`, one marked with
    /// [`decodes_audio`](Self::decodes_audio): its clock runs on by the frame's length in
    /// whole microseconds at `sample_rate`, as the CLI's. The CLI counts at the decoder's
    /// rate as it stands ([`Decoder::sample_rate`](crate::codec::Decoder::sample_rate)),
    /// which can differ from the frame's where the rate changes or damaged data decodes.
    pub fn samples_decoded(&mut self, stream: usize, samples: u32, sample_rate: u32) {
        if let Some(clock) = self.clocks.get_mut(&stream).filter(|c| c.audio_decoded)
            && sample_rate > 0
            && let Some(next) = clock.next_dts_us
        {
            let length = i64::from(samples) * 1_000_000 / i64::from(sample_rate);
            let next = next.saturating_add(length);
            clock.next_dts_us = Some(next);
            // The CLI's decoding loop moves its dts and pts on with the clock, which a later
            // packet stepping back is judged against.
            clock.dts_us = next;
            clock.presented_us = next;
        }
    }

    /// Pictures of `stream` came from the packet just placed: `pts` is the last one's
    /// best-effort timestamp and `duration` its own duration, both in the stream's time base
    /// (from packets this timeline placed). Call it only for a packet that gave a picture.
    ///
    /// As the CLI's decoding loop, which goes round once more after such a packet, the
    /// stream's clock then stands at the packet's end, and the picture is shown until its
    /// own end (the packet's, where it has no duration; the last picture's end moved on by
    /// as much, where it has no timestamp). A later packet stepping back is judged against
    /// both.
    pub fn picture(&mut self, stream: usize, pts: Option<i64>, duration: Option<i64>) {
        let Some(clock) = self.clocks.get_mut(&stream).filter(|c| c.pictures) else {
            return;
        };
        let packet_us = clock
            .next_dts_us
            .map(|next| next.saturating_sub(clock.dts_us));
        let shown_us = duration
            .and_then(|duration| clock.time_base.rescale(duration, Rational::MICROSECONDS))
            .or(packet_us)
            .unwrap_or(0);
        let start_us = pts.and_then(|pts| clock.time_base.rescale(pts, Rational::MICROSECONDS));
        clock.presented_us = start_us
            .unwrap_or(clock.presented_us)
            .saturating_add(shown_us);
        if let Some(next) = clock.next_dts_us {
            clock.dts_us = next;
        }
    }

    /// Moves `packet` onto the timeline: its pts and dts count from the start, with any jump
    /// before it taken out. Returns whether this packet revealed a jump (and so moved the
    /// timeline). A packet of a stream not named at creation is left as it is.
    pub fn place(&mut self, packet: &mut Packet) -> bool {
        let placed = self.place_timestamps(
            packet.stream_index(),
            packet.pts(),
            packet.dts(),
            packet.duration(),
        );
        let Some((pts, dts, jumped)) = placed else {
            return false;
        };
        packet.set_pts(pts);
        packet.set_dts(dts);
        jumped
    }

    /// [`place`](Self::place) on the timestamps of a packet of `stream`: the new (pts, dts)
    /// and whether they jumped; `None` for a stream not on the timeline.
    fn place_timestamps(
        &mut self,
        stream: usize,
        pts: Option<i64>,
        dts: Option<i64>,
        duration: i64,
    ) -> Option<(Option<i64>, Option<i64>, bool)> {
        let time_base = self.clocks.get(&stream)?.time_base;
        let offset = Rational::MICROSECONDS.rescale(self.offset_us, time_base)?;
        let mut pts = pts.map(|t| t.saturating_add(offset));
        let mut dts = dts.map(|t| t.saturating_add(offset));
        let dts_us = dts.and_then(|d| time_base.rescale(d, Rational::MICROSECONDS));
        let mut jumped = false;
        if let Some(delta) = dts_us.and_then(|d| self.jump(d, stream)) {
            self.offset_us = self.offset_us.saturating_sub(delta);
            self.corrections += 1;
            let back = Rational::MICROSECONDS
                .rescale(delta, time_base)
                .unwrap_or(0);
            dts = dts.map(|d| d.saturating_sub(back));
            pts = pts.map(|p| p.saturating_sub(back));
            jumped = true;
        } else if !self.discontinuous {
            (pts, dts) = self.drop_invalid(stream, pts, dts);
        }
        self.advance(stream, dts, duration);
        Some((pts, dts, jumped))
    }

    /// How far the packet at `dts_us` jumped from where `stream`'s clock (or, for its first
    /// packet, the input's) expected it, where the CLI would take that out.
    fn jump(&self, dts_us: i64, stream: usize) -> Option<i64> {
        if !self.discontinuous {
            return None;
        }
        let clock = &self.clocks[&stream];
        match clock.next_dts_us {
            Some(next) => {
                let delta = dts_us.saturating_sub(next);
                let stepped_back =
                    dts_us.saturating_add(STEP_BACK_US) < clock.presented_us.max(clock.dts_us);
                (delta.unsigned_abs() > JUMP_US || stepped_back).then_some(delta)
            }
            None => {
                let delta = dts_us.saturating_sub(self.last_dts_us?);
                (delta.unsigned_abs() > JUMP_US).then_some(delta)
            }
        }
    }

    /// Where timestamps may not jump: those too far from the clock are dropped.
    fn drop_invalid(
        &self,
        stream: usize,
        pts: Option<i64>,
        dts: Option<i64>,
    ) -> (Option<i64>, Option<i64>) {
        let clock = &self.clocks[&stream];
        let Some(next) = clock.next_dts_us else {
            return (pts, dts);
        };
        let valid = |t: Option<i64>| {
            t.filter(|&t| {
                clock
                    .time_base
                    .rescale(t, Rational::MICROSECONDS)
                    .is_none_or(|us| us.saturating_sub(next).unsigned_abs() <= INVALID_US)
            })
        };
        (valid(pts), valid(dts))
    }

    /// The clock runs on past the packet just placed.
    fn advance(&mut self, stream: usize, dts: Option<i64>, duration: i64) {
        let clock = self.clocks.get_mut(&stream).expect("a stream placed");
        let dts_us = dts.and_then(|d| clock.time_base.rescale(d, Rational::MICROSECONDS));
        let Some(at) = dts_us.or(clock.next_dts_us) else {
            return;
        };
        let length = match (duration, clock.sample_rate) {
            // Decoded audio: the frames run the clock on (`samples_decoded`).
            _ if clock.audio_decoded => Some(0),
            // As the CLI's stream copy: one frame of the codec's size, whatever the packet's.
            (_, Some(rate)) if clock.copied => {
                let samples = i64::from(clock.frame_size.unwrap_or(0));
                Some(samples.saturating_mul(1_000_000) / i64::from(rate))
            }
            (0, _) => clock.frame_us,
            (duration, None) => clock.time_base.rescale(duration, Rational::MICROSECONDS),
            // As the CLI: the samples, each a whole number of microseconds long.
            (duration, Some(rate)) => {
                let samples = clock
                    .time_base
                    .rescale(duration, Rational::new(1, rate as i32));
                samples.map(|samples| samples.saturating_mul(1_000_000) / i64::from(rate))
            }
        };
        clock.dts_us = at;
        if !clock.pictures {
            clock.presented_us = at;
        }
        clock.next_dts_us = length.map(|length| at.saturating_add(length));
        if dts_us.is_some() {
            self.last_dts_us = dts_us;
        }
    }

    /// What is added to every timestamp now, in microseconds: minus the start at first, and
    /// moved by every jump taken out since.
    pub fn offset_us(&self) -> i64 {
        self.offset_us
    }

    /// How many jumps have been taken out.
    pub fn corrections(&self) -> u64 {
        self.corrections
    }
}

impl StreamClock {
    fn new(time_base: Rational, frame_us: Option<i64>) -> StreamClock {
        StreamClock {
            time_base,
            frame_us,
            media_type: MediaType::Other,
            sample_rate: None,
            frame_size: None,
            copied: false,
            audio_decoded: false,
            next_dts_us: None,
            dts_us: 0,
            presented_us: 0,
            pictures: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TB: Rational = Rational::new(1, 90_000);
    const FRAME: i64 = 3600;

    fn place_values(
        timeline: &mut Timeline,
        stream: usize,
        pts: Option<i64>,
        dts: Option<i64>,
        duration: i64,
    ) -> (Option<i64>, Option<i64>, bool) {
        timeline
            .place_timestamps(stream, pts, dts, duration)
            .expect("a stream on the timeline")
    }

    fn joined(discontinuous: bool) -> Timeline {
        Timeline::with_clocks(
            100_000_000,
            discontinuous,
            [
                (0, StreamClock::new(TB, Some(40_000))),
                (1, {
                    let mut audio = StreamClock::new(Rational::new(1, 44_100), None);
                    audio.sample_rate = Some(44_100);
                    audio
                }),
            ],
        )
    }

    #[test]
    fn a_jump_back_comes_where_the_clock_expected() {
        let mut timeline = joined(true);
        let start = 100 * 90_000;
        for n in 0..50 {
            let t = start + n * FRAME;
            let placed = place_values(&mut timeline, 0, Some(t), Some(t), FRAME);
            assert_eq!(placed, (Some(n * FRAME), Some(n * FRAME), false));
        }
        // The second recording starts at 10 s: it follows the first.
        let placed = place_values(&mut timeline, 0, Some(900_000), Some(900_000), FRAME);
        assert_eq!(placed, (Some(50 * FRAME), Some(50 * FRAME), true));
        let placed = place_values(&mut timeline, 0, Some(903_600), Some(903_600), FRAME);
        assert_eq!(placed, (Some(51 * FRAME), Some(51 * FRAME), false));
        // The audio, read after the jump, is moved with it.
        let (pts, _, jumped) = place_values(&mut timeline, 1, Some(441_000), Some(441_000), 1024);
        assert!(!jumped);
        assert_eq!(pts, Some(2 * 44_100));
    }

    #[test]
    fn a_small_gap_forward_stays_and_a_step_back_does_not() {
        let mut timeline = joined(true);
        let start = 100 * 90_000;
        place_values(&mut timeline, 0, Some(start), Some(start), FRAME);
        // 5 s forward: below the threshold, kept.
        let t = start + 5 * 90_000;
        assert_eq!(
            place_values(&mut timeline, 0, Some(t), Some(t), FRAME),
            (Some(450_000), Some(450_000), false)
        );
        // 0.5 s back: taken out.
        let t = start + 90_000 * 9 / 2;
        assert_eq!(
            place_values(&mut timeline, 0, Some(t), Some(t), FRAME),
            (Some(453_600), Some(453_600), true)
        );
    }

    #[test]
    fn the_first_packet_of_a_stream_is_judged_by_the_last_of_any() {
        let mut timeline = joined(true);
        let start = 100 * 90_000;
        place_values(&mut timeline, 0, Some(start), Some(start), FRAME);
        // The audio's first packet, 50 s on: a jump from the video's last.
        let (pts, _, jumped) = place_values(
            &mut timeline,
            1,
            Some(150 * 44_100),
            Some(150 * 44_100),
            1024,
        );
        assert!(jumped);
        assert_eq!(pts, Some(0));
    }

    #[test]
    fn without_jumps_wild_timestamps_are_dropped() {
        let mut timeline = joined(false);
        let start = 100 * 90_000;
        place_values(&mut timeline, 0, Some(start), Some(start), FRAME);
        let wild = start + 31 * 3600 * 90_000;
        assert_eq!(
            place_values(&mut timeline, 0, Some(wild), Some(start + FRAME), FRAME),
            (None, Some(FRAME), false)
        );
        // A jump is kept as it is.
        let t = start + 60 * 90_000;
        assert_eq!(
            place_values(&mut timeline, 0, Some(t), Some(t), FRAME),
            (Some(60 * 90_000), Some(60 * 90_000), false)
        );
    }

    #[test]
    fn a_decoded_video_is_judged_by_its_pictures() {
        let mut timeline = joined(true);
        timeline.decodes_pictures(0);
        let start = 100 * 90_000;
        // After a seek, packets before the position come at negative times; the CLI's
        // presentation time is still zero, so one that does not follow the clock moves
        // the timeline.
        timeline.offset_us = -(100_000_000 + 1_000_000);
        place_values(&mut timeline, 0, Some(start), Some(start), FRAME);
        let placed = place_values(&mut timeline, 0, None, Some(start), FRAME);
        assert_eq!(placed, (None, Some(-90_000 + FRAME), true));
    }

    /// A damaged MPEG-2 stream: a packet that says it lasts six frames gives a picture, so
    /// the CLI's decoding loop goes round again and its clock stands at that packet's end;
    /// the next packet, a frame later, is then more than a tenth of a second behind it, and
    /// is moved on to where the clock stands.
    #[test]
    fn a_packet_that_gave_a_picture_moves_the_clock_to_its_end() {
        for gave_picture in [false, true] {
            let mut timeline = joined(true);
            timeline.decodes_pictures(0);
            let start = 100 * 90_000;
            place_values(&mut timeline, 0, Some(start), Some(start), FRAME);
            // Pictures are timed on the timeline, from zero.
            timeline.picture(0, Some(0), Some(FRAME));
            place_values(&mut timeline, 0, None, Some(start + FRAME), 6 * FRAME);
            if gave_picture {
                timeline.picture(0, Some(FRAME), Some(FRAME));
            }
            let placed = place_values(&mut timeline, 0, None, Some(start + 2 * FRAME), FRAME);
            let jump = if gave_picture { 5 * FRAME } else { 0 };
            assert_eq!(placed, (None, Some(2 * FRAME + jump), gave_picture));
        }
    }

    /// A picture lasts its own duration, or its packet's where it has none; one without a
    /// timestamp moves the last picture's end on by as much.
    #[test]
    fn a_picture_is_shown_until_its_end() {
        let mut timeline = joined(true);
        timeline.decodes_pictures(0);
        let start = 100 * 90_000;
        place_values(&mut timeline, 0, Some(start), Some(start), FRAME);
        timeline.picture(0, Some(2 * FRAME), Some(2 * FRAME));
        assert_eq!(timeline.clocks[&0].presented_us, 160_000);
        place_values(&mut timeline, 0, None, Some(start + FRAME), FRAME);
        timeline.picture(0, None, None);
        assert_eq!(timeline.clocks[&0].presented_us, 200_000);
        assert_eq!(timeline.clocks[&0].dts_us, 80_000);
    }
    /// An Ogg chain of Vorbis at 48 kHz: packets of varying length, restarting at zero.
    fn chained(copied: bool, decoded: bool) -> Timeline {
        let mut audio = StreamClock::new(Rational::new(1, 48_000), None);
        audio.sample_rate = Some(48_000);
        let mut timeline = Timeline::with_clocks(0, true, [(0, audio)]);
        if copied {
            timeline.copies(0);
        }
        if decoded {
            timeline.decodes_audio(0);
        }
        timeline
    }

    #[test]
    fn a_copied_stream_is_expected_where_its_codecs_frames_put_it() {
        // Frames that vary (no fixed size): the CLI's copy expects the next packet where the
        // last one starts, whatever that packet's duration.
        let mut timeline = chained(true, false);
        place_values(&mut timeline, 0, Some(95_616), Some(95_616), 192);
        place_values(&mut timeline, 0, Some(95_808), Some(95_808), 192);
        let placed = place_values(&mut timeline, 0, Some(0), Some(0), 0);
        assert_eq!(placed, (Some(95_808), Some(95_808), true));
        // With a fixed size, one frame of it on.
        let mut timeline = chained(true, false);
        timeline.clocks.get_mut(&0).unwrap().frame_size = Some(1024);
        place_values(&mut timeline, 0, Some(95_808), Some(95_808), 192);
        let placed = place_values(&mut timeline, 0, Some(0), Some(0), 0);
        assert_eq!(placed, (Some(96_832), Some(96_832), true));
        // Neither: the packet's duration.
        let mut timeline = chained(false, false);
        place_values(&mut timeline, 0, Some(95_808), Some(95_808), 192);
        let placed = place_values(&mut timeline, 0, Some(0), Some(0), 0);
        assert_eq!(placed, (Some(96_000), Some(96_000), true));
    }

    #[test]
    fn decoded_audio_is_expected_where_its_decoded_samples_put_it() {
        let mut timeline = chained(false, true);
        place_values(&mut timeline, 0, Some(90_000), Some(90_000), 4_608);
        // A decoder a frame behind gives the frame before, of 4,608 samples, for it.
        timeline.samples_decoded(0, 4_608, 48_000);
        let placed = place_values(&mut timeline, 0, Some(0), Some(0), 1_638);
        assert_eq!(placed, (Some(94_608), Some(94_608), true));
        // Frames decoded since move the clock on: a packet 0.1 s or more behind them has
        // stepped back, as the CLI judges it against its dts moved on by the decoding.
        timeline.samples_decoded(0, 9_600, 48_000);
        let placed = place_values(&mut timeline, 0, Some(4_000), Some(4_000), 1_024);
        assert_eq!(placed, (Some(104_208), Some(104_208), true));
        // A stream not so marked ignores decoded samples.
        let mut timeline = chained(false, false);
        place_values(&mut timeline, 0, Some(90_000), Some(90_000), 4_608);
        timeline.samples_decoded(0, 48_000, 48_000);
        let placed = place_values(&mut timeline, 0, Some(0), Some(0), 0);
        assert_eq!(placed, (Some(94_608), Some(94_608), true));
    }

    #[test]
    fn a_decoded_stream_is_timed_as_the_releases_cli_times_it() {
        // FLAC in a chained Ogg file: the second chain restarts at zero after a short frame.
        let chain = |release: (u8, u8)| {
            let mut timeline = chained(false, false);
            timeline.clocks.get_mut(&0).unwrap().media_type = MediaType::Audio;
            timeline.decodes_as(0, release);
            place_values(&mut timeline, 0, Some(69_120), Some(69_120), 2_880);
            timeline.samples_decoded(0, 2_880, 48_000);
            place_values(&mut timeline, 0, Some(0), Some(0), 2_880)
        };
        // 5.1's decoder ran its clock on by the samples; 6.1's demuxer, by no codec frame.
        assert_eq!(chain((5, 1)), (Some(72_000), Some(72_000), true));
        assert_eq!(chain((7, 1)), (Some(69_120), Some(69_120), true));
        let mut video = StreamClock::new(TB, Some(40_000));
        video.media_type = MediaType::Video;
        for (release, pictures) in [((5, 1), true), ((6, 1), false)] {
            let mut timeline = Timeline::with_clocks(0, true, [(0, video.clone())]);
            timeline.decodes_as(0, release);
            assert_eq!(timeline.clocks[&0].pictures, pictures, "{release:?}");
        }
    }

    #[test]
    fn extreme_timestamps_neither_overflow_nor_panic() {
        for discontinuous in [true, false] {
            let mut timeline = joined(discontinuous);
            timeline.decodes_pictures(0);
            for t in [
                i64::MIN,
                i64::MIN + 1,
                -1,
                0,
                i64::MAX - 1,
                i64::MAX,
                0,
                i64::MIN,
            ] {
                place_values(&mut timeline, 0, Some(t), Some(t), i64::MAX);
                place_values(&mut timeline, 1, Some(t), Some(t), t);
                timeline.picture(0, Some(t), Some(t));
            }
        }
    }
}
