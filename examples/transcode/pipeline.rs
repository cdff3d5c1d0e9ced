//! The transcoding loop: packets in, decoded, filtered (`--vf`, `--af`), converted where the
//! encoder needs it, encoded and muxed, with timestamps kept.

use std::sync::atomic::{AtomicBool, Ordering};

use ffmpeg_runtime::Rational;

use crate::audio_clock::{AudioClock, CliTiming};
use crate::input_clock::{InputClock, UntimedPictures};
use crate::read_ahead::ReadAhead;
use crate::recording::{EncoderLimit, PictureTrim, SampleTrim};
use crate::sample_clock::SampleClock;
use crate::subtitles::SubtitleLane;
use crate::video_sync::{FpsMode, VideoSync};
use ffmpeg_runtime::codec::{Decoder, DecoderOptions, Encoder};
use ffmpeg_runtime::filter::FilterGraph;
use ffmpeg_runtime::format::{Input, Output, Stream, Timeline};
use ffmpeg_runtime::{
    AudioFifo, AudioFormat, ChannelLayout, Error, Ffmpeg, Frame, Packet, PictureType, Resampler,
    SampleFormat, ScaleQuality, Scaler,
};

/// What was done, for the progress line and the summary.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub video_frames: u64,
    pub audio_samples: u64,
    /// The furthest timestamp written, in microseconds from the start.
    pub position_us: i64,
    /// Frames and subtitles the decoders gave.
    pub decoded: u64,
    /// Packets or frames the decoders refused (counted and skipped, as the CLI does).
    pub decode_errors: u64,
    /// Why reading stopped before the input's end, if it did: as the CLI, what was read is
    /// transcoded and the file finished.
    pub read_error: Option<String>,
}

/// Where output timestamps start.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    /// A delay added to every stream. libavformat 4.x shifts negative timestamps (an audio
    /// encoder's priming) only from the packet where it first meets one, moving some frames
    /// of the other streams and not others; starting every stream late by the longest
    /// priming means it never meets one.
    pub lead_us: i64,
    /// Whose CLI times decoded frames (`--cli-timing`).
    pub cli: CliTiming,
    /// Whether pictures are timed as the CLI from 6.1 times them: each at its decoder's
    /// best-effort time, one the decoder leaves untimed where the last one ended.
    pub pictures_as_6_1: bool,
    /// Whether packets are decoded untimed, as the CLI from 6.1 decodes an input that keeps
    /// no timestamps (a raw H.264 or MPEG video stream).
    pub untimed_packets: bool,
    /// Where the output ends (`--duration`, the CLI's output `-t`), in microseconds from its
    /// start.
    pub limit_us: Option<i64>,
    /// Where in the input the output starts (`--seek`), in microseconds from its start: the
    /// timeline's zero, before which pictures are dropped (audio is cut in its graph).
    pub start_us: Option<i64>,
}

/// `value` from one time base to another, rounded to nearest.
pub fn rescale(value: i64, from: Rational, to: Rational) -> i64 {
    let numerator = i128::from(value) * i128::from(from.num) * i128::from(to.den);
    let denominator = i128::from(from.den) * i128::from(to.num);
    (numerator + denominator / 2).div_euclid(denominator) as i64
}

pub fn decoder_for(stream: &Stream<'_>, threads: u32) -> Result<Decoder, Error> {
    Decoder::new(
        stream,
        &DecoderOptions {
            threads,
            ..DecoderOptions::default()
        },
    )
}

/// Sends `packet` to the decoder; one it refuses is counted and skipped, as the CLI does.
fn feed(decoder: &mut Decoder, packet: &Packet, counts: &mut Counts) -> Result<(), Error> {
    match decoder.send(packet) {
        Err(error) if error.is_bad_data() => {
            counts.decode_errors += 1;
            Ok(())
        }
        other => other,
    }
}

/// The decoder's next frame into `frame`: `Ok(false)` when it needs input or is done. Frames
/// it fails on are counted and skipped; a decoder that fails on every try is given up on
/// (treated as needing input) after [`ERRORS_IN_A_ROW`].
fn decoded(decoder: &mut Decoder, frame: &mut Frame, counts: &mut Counts) -> Result<bool, Error> {
    for _ in 0..ERRORS_IN_A_ROW {
        match decoder.receive(frame) {
            Err(error) if error.is_bad_data() => counts.decode_errors += 1,
            Ok(true) => {
                counts.decoded += 1;
                return Ok(true);
            }
            other => return other,
        }
    }
    Ok(false)
}

/// How many failures in a row one call of [`decoded`] skips.
pub const ERRORS_IN_A_ROW: usize = 1000;

/// A lane's filter graph, when `--vf`/`--af` asked for one: decoded frames go in stamped from
/// the file's start (as the CLI stamps them), filtered frames come out in its time base.
pub struct Filtering {
    pub graph: FilterGraph,
    out: Frame,
}

impl Filtering {
    pub fn new(graph: FilterGraph) -> Result<Filtering, Error> {
        let out = Frame::new(graph.ffmpeg())?;
        Ok(Filtering { graph, out })
    }

    fn time_base(&self) -> Rational {
        self.graph
            .output(0)
            .map_or(Rational::new(1, 1), |facts| facts.time_base)
    }

    /// Pushes `frame` (`None`: the end) and hands every filtered frame ready to `each`.
    fn run(
        &mut self,
        frame: Option<&Frame>,
        mut each: impl FnMut(&mut Frame) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match frame {
            Some(frame) => self.graph.send(0, frame)?,
            None => self.graph.send_eof(0)?,
        }
        while self.graph.receive(0, &mut self.out)? {
            each(&mut self.out)?;
        }
        Ok(())
    }
}

/// How many samples the CLI's encoder gets in its first frame: `first`, the first frame
/// decoded, through `scratch` (a graph like the stream's, where `--af` asked for one) and
/// converted to `target` as the lane converts it; `None` where nothing comes of it yet.
pub fn first_converted_samples(
    first: &Frame,
    scratch: Option<Filtering>,
    target: AudioFormat,
) -> Result<Option<u32>, Error> {
    let ffmpeg = first.ffmpeg();
    let mut filtered = None;
    if let Some(mut filtering) = scratch {
        filtering.run(Some(first), |out| {
            if filtered.is_none() {
                filtered = Some(out.try_clone()?);
            }
            Ok(())
        })?;
        if filtered.is_none() {
            return Ok(None);
        }
    }
    let mut resampler = Resampler::new(ffmpeg, target)?;
    let mut converted = Frame::new(ffmpeg)?;
    resampler.convert(Some(filtered.as_ref().unwrap_or(first)), &mut converted)?;
    Ok(u32::try_from(converted.samples()).ok().filter(|&n| n > 0))
}

/// A lane's encoding end: the encoder and the output stream its packets go to.
struct Sink {
    encoder: Encoder,
    output_index: usize,
    packet: Packet,
}

impl Sink {
    fn new(ffmpeg: &Ffmpeg, encoder: Encoder, output_index: usize) -> Result<Sink, Error> {
        Ok(Sink {
            encoder,
            output_index,
            packet: Packet::new(ffmpeg)?,
        })
    }

    fn time_base(&self) -> Rational {
        self.encoder.time_base()
    }

    /// Encodes `frame` and writes every packet the encoder has ready.
    fn encode(&mut self, frame: &Frame, output: &mut Output) -> Result<(), Error> {
        self.encoder.send(frame)?;
        self.drain(output)
    }

    /// Flushes the encoder into the output.
    fn finish(&mut self, output: &mut Output) -> Result<(), Error> {
        self.encoder.send_eof()?;
        self.drain(output)
    }

    fn drain(&mut self, output: &mut Output) -> Result<(), Error> {
        while self.encoder.receive(&mut self.packet)? {
            let time_base = self.encoder.time_base();
            output.write_packet(&mut self.packet, self.output_index, time_base)?;
        }
        Ok(())
    }
}

/// The video stream: decoded, scaled to the encoder's size and format when it differs,
/// placed in frame slots as the CLI places them ([`VideoSync`]: by default, one picture per
/// slot where the muxer wants a constant rate, such as MP4's), and encoded.
pub struct VideoLane {
    pub input_index: usize,
    filtering: Option<Filtering>,
    /// Added to every timestamp, in the encoder's time base (see [`Timing`]).
    lead: i64,
    /// Which slots, in the encoder's time base, each picture takes.
    sync: VideoSync,
    /// Whether the CLI would trust each picture's own duration (no filters were asked for),
    /// given in `stream_time_base`.
    own_durations: bool,
    stream_time_base: Rational,
    /// The pixels' shape the container states, which the CLI gives every decoded picture.
    container_shape: Option<Rational>,
    decoder: Decoder,
    sink: Sink,
    scaler: Scaler,
    scaled: Frame,
    /// The last picture encoded, as encoded, which copies into empty slots repeat.
    previous: Option<Frame>,
    last_pts: Option<i64>,
    /// The best-effort timestamp of the last picture decoded.
    last_picture: Option<i64>,
    /// The CLI's clock of the stream, which times the pictures drained at the end untimed.
    clock: InputClock,
    /// How the CLI from 6.1 times pictures, where it is followed.
    untimed: Option<UntimedPictures>,
    /// Whether packets are decoded untimed ([`Timing::untimed_packets`]).
    untimed_packets: bool,
    /// Whether the CLI gives the encoder each picture's length, which its packets take
    /// (from 6.0, whose frames have a duration).
    gives_lengths: bool,
    /// The stream's average rate, which times a packet without a duration where the decoder
    /// states no rate.
    average_rate: Rational,
    /// Whether the decoder is being drained after the last packet.
    draining: bool,
    /// The best-effort timestamp and duration of the last picture the last packet gave,
    /// for the input's timeline; `None` where it gave none.
    pub picture_of_packet: Option<(Option<i64>, Option<i64>)>,
    /// A picture made before the input was read (a tile grid's, composed from its tiles),
    /// encoded at the start of the drain in place of what the stream decodes to: until
    /// then the stream's packets, which a demuxer may give although the stream is left
    /// unread, are ignored.
    composed: Option<Frame>,
    /// The end of the CLI's graph under `--duration`.
    trim: Option<PictureTrim>,
    /// The CLI's check before the encoder under `--duration`.
    limit: EncoderLimit,
    /// Whether the trim ended the stream.
    trimmed: bool,
    /// Whether pictures before the timeline's zero are dropped (`--seek`), as the CLI's
    /// `trim` at its graph's start drops them.
    drops_before_zero: bool,
}

/// The first release whose frames carry a duration that encoders give their packets, and
/// whose CLI gives each picture the length it placed it for.
const FIRST_LENGTH_GIVING: (u8, u8) = (6, 0);

/// How a [`VideoLane`] places pictures.
#[derive(Clone, Copy)]
pub struct Placing {
    pub mode: FpsMode,
    /// Whether filters were asked for (`--vf`): the CLI then judges pictures by the graph's
    /// rate, not by their own durations.
    pub filters_asked: bool,
}

impl VideoLane {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        stream: &Stream<'_>,
        encoder: Encoder,
        scaled: Frame,
        output_index: usize,
        timing: Timing,
        threads: u32,
        filtering: Option<Filtering>,
        placing: Placing,
    ) -> Result<VideoLane, Error> {
        let ffmpeg = stream.ffmpeg().clone();
        let source_time_base = filtering
            .as_ref()
            .map_or(stream.time_base(), Filtering::time_base);
        // The rate pictures come at, where known; the encoder counts in frames of it (or
        // of 25 a second).
        let known_rate = match &filtering {
            Some(filtering) => filtering.graph.output(0).and_then(|facts| facts.frame_rate),
            None => stream.guessed_frame_rate(),
        };
        let encoder_rate = encoder.frame_rate();
        let sync = VideoSync::new(
            placing.mode,
            known_rate.and(encoder_rate),
            encoder_rate,
            source_time_base,
        );
        Ok(VideoLane {
            own_durations: !placing.filters_asked,
            stream_time_base: stream.time_base(),
            container_shape: stream.container_aspect_ratio(),
            input_index: stream.index(),
            filtering,
            lead: ceil_ticks(timing.lead_us, encoder.time_base()),
            decoder: decoder_for(stream, threads)?,
            sink: Sink::new(&ffmpeg, encoder, output_index)?,
            scaler: Scaler::new(&ffmpeg, ScaleQuality::Bicubic),
            scaled,
            previous: None,
            last_pts: None,
            last_picture: None,
            clock: InputClock::new(
                stream.time_base(),
                stream.video_delay(),
                stream.average_frame_rate(),
            ),
            gives_lengths: ffmpeg.release_version() >= FIRST_LENGTH_GIVING,
            untimed: timing
                .pictures_as_6_1
                .then(|| UntimedPictures::new(stream.time_base(), stream.average_frame_rate())),
            untimed_packets: timing.untimed_packets,
            average_rate: stream.average_frame_rate(),
            draining: false,
            picture_of_packet: None,
            composed: None,
            trim: (timing.limit_us).map(|limit| PictureTrim::new(limit, sync.input_time_base())),
            limit: EncoderLimit::new(timing.limit_us),
            trimmed: false,
            drops_before_zero: timing.start_us.is_some(),
            sync,
        })
    }

    /// Whether the stream's output is over (`--duration`): its packets are left undecoded.
    pub fn is_finished(&self) -> bool {
        self.trimmed || self.limit.is_over()
    }

    /// Encodes `picture`, at the start of the stream, instead of what the stream's packets
    /// decode to (none reach the lane: its stream is left unread).
    pub fn take_composed(&mut self, picture: Frame) {
        self.composed = Some(picture);
    }

    pub fn send(
        &mut self,
        packet: &mut Packet,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        self.picture_of_packet = None;
        if self.composed.is_some() || self.is_finished() {
            return Ok(());
        }
        // As the 5.1 CLI, which stamps each packet with its clock before decoding it; from
        // 6.1 the CLI leaves packets as read, but takes away a raw stream's made-up
        // timestamps.
        let dts = self.clock.packet(packet.dts());
        if self.untimed_packets {
            packet.set_pts(None);
            packet.set_dts(None);
        } else if self.untimed.is_none() {
            packet.set_dts(dts);
        }
        feed(&mut self.decoder, packet, counts)?;
        let mut pictures = 0;
        while self.receive_one(frame, output, counts)? {
            pictures += 1;
        }
        // The CLI's decode calls for the packet run its clock on.
        let rate = self.frame_rate();
        self.clock.packet_decoded(pictures, packet.duration(), rate);
        Ok(())
    }

    /// The decoder's frame rate, else the stream's average.
    fn frame_rate(&self) -> Option<Rational> {
        self.decoder.frame_rate().or(Some(self.average_rate))
    }

    /// Receives one picture and encodes it: `false` when the decoder has none ready.
    fn receive_one(
        &mut self,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<bool, Error> {
        if !decoded(&mut self.decoder, frame, counts)? {
            return Ok(false);
        }
        let decoder_rate = self.decoder.frame_rate();
        self.last_picture = match (&mut self.untimed, self.draining) {
            (Some(untimed), _) => Some(untimed.picture(frame, decoder_rate)),
            // As the CLI: a picture drained untimed takes a draining call's time.
            (None, true) => self.clock.drained_picture(frame.best_effort_timestamp()),
            (None, false) => frame.best_effort_timestamp(),
        };
        self.picture_of_packet = Some((self.last_picture, frame.duration()));
        if self.drops_before_zero && self.last_picture.is_some_and(|pts| pts < 0) {
            return Ok(true);
        }
        // A picture the decoder leaves untimed (a cover) goes to the next free slot; a
        // graph is told that time, as the CLI's clock tells it, for 7.1's and 8.0's
        // `scale` turn a missing timestamp into a large negative one.
        let pts = match (self.last_picture, &self.filtering) {
            (None, Some(_)) => Some(rescale(
                self.sync.next,
                self.sync.time_base,
                self.stream_time_base,
            )),
            (pts, _) => pts,
        };
        frame.set_pts(pts);
        // As the CLI, so that a graph rebuilt for a new picture size keeps the shape.
        if self.container_shape.is_some() {
            frame.set_sample_aspect_ratio(self.container_shape);
        }
        // As the CLI's autorotation, which is libavfilter's: the graph shows the picture
        // upright, and the matrix goes (9.0's PNG encoder would write it as EXIF).
        if self.filtering.is_some() {
            frame.remove_display_matrix();
        }
        self.filter(Some(frame), output, counts)?;
        Ok(true)
    }

    /// Encodes `frame` (`None`: the end), through the graph when there is one.
    fn filter(
        &mut self,
        frame: Option<&mut Frame>,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let Some(mut filtering) = self.filtering.take() else {
            return frame.map_or(Ok(()), |frame| self.encode(frame, output, counts));
        };
        let result = filtering.run(frame.as_deref(), |out| self.encode(out, output, counts));
        self.filtering = Some(filtering);
        result
    }

    /// Encodes `frame`, whose timestamp counts from the file's start in the source time base,
    /// in the slots the CLI gives it: after copies of the picture before it where it comes
    /// late, or not at all where it comes too early.
    fn encode(
        &mut self,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        if self.is_finished() {
            return Ok(());
        }
        let passes = self
            .trim
            .as_mut()
            .is_none_or(|trim| trim.passes(frame.pts()));
        if !passes {
            // As the CLI's graph at its end: the last picture fills the slots it was placed
            // for.
            self.trimmed = true;
            return self.fill_to_end(output, counts);
        }
        let time_base = self.sync.input_time_base();
        let own_duration = frame
            .duration()
            .filter(|_| self.own_durations)
            .map(|d| rescale(d, self.stream_time_base, time_base));
        let placed = self.sync.place(frame.pts(), time_base, own_duration);
        // Copies of the picture before, where there is one: the first picture fills the
        // slots before it itself, as the CLI's.
        let repeats = match self.previous.take() {
            Some(previous) => {
                self.repeat(&previous, placed.first, placed.repeats, output, counts)?;
                placed.repeats
            }
            None => 0,
        };
        let own_slots = placed.slots - repeats;
        let converted = frame.width() != self.scaled.width()
            || frame.height() != self.scaled.height()
            || frame.pixel_format() != self.scaled.pixel_format();
        let picture = if converted {
            self.scaler.scale(frame, &mut self.scaled)?;
            &mut self.scaled
        } else {
            frame
        };
        // The source's I/P/B structure is the decoder's business, not the encoder's.
        picture.set_picture_type(PictureType::None);
        if self.gives_lengths {
            picture.set_duration(Some(placed.length));
        }
        let first = placed.first + repeats as i64;
        let slots = Slots {
            first,
            count: own_slots,
            lead: self.lead,
        };
        let (sink, last_pts, limit) = (&mut self.sink, &mut self.last_pts, &mut self.limit);
        encode_in_slots(sink, last_pts, limit, picture, slots, output, counts)?;
        self.previous = Some(picture.try_clone()?);
        self.note_position(placed.first + placed.slots as i64, counts);
        Ok(())
    }

    /// Encodes `count` copies of `picture` in the slots from `first` on.
    fn repeat(
        &mut self,
        picture: &Frame,
        first: i64,
        count: u64,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let mut copy = picture.try_clone()?;
        let slots = Slots {
            first,
            count,
            lead: self.lead,
        };
        let (sink, last_pts, limit) = (&mut self.sink, &mut self.last_pts, &mut self.limit);
        encode_in_slots(sink, last_pts, limit, &mut copy, slots, output, counts)
    }

    /// Notes where the pictures encoded end, `end` slots from the start, for the position
    /// shown.
    fn note_position(&self, end: i64, counts: &mut Counts) {
        let us = rescale(end, self.sink.time_base(), Rational::MICROSECONDS);
        counts.position_us = counts.position_us.max(us);
    }

    /// Drains the decoder and the graph into the encoder, and fills the slots left at the
    /// end; the encoder is flushed by [`finish_encoders`].
    pub fn drain(
        &mut self,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        if self.is_finished() {
            return Ok(());
        }
        if let Some(mut picture) = self.composed.take() {
            // The grid's one picture, at the start: as the CLI's graph gives it.
            picture.set_pts(Some(0));
            self.last_picture = Some(0);
            self.filter(Some(&mut picture), output, counts)?;
        }
        self.decoder.send_eof()?;
        // As the CLI, one picture a draining call, each call's time noted on the clock.
        self.draining = true;
        let rate = self.frame_rate();
        loop {
            self.clock.draining_call(rate);
            if !self.receive_one(frame, output, counts)? {
                break;
            }
        }
        self.filter(None, output, counts)?;
        self.fill_to_end(output, counts)
    }

    /// Fills the slots left after the last picture, at the stream's end.
    fn fill_to_end(&mut self, output: &mut Output, counts: &mut Counts) -> Result<(), Error> {
        let placed = self.sync.finish();
        if let Some(previous) = self.previous.take() {
            self.repeat(&previous, placed.first, placed.slots, output, counts)?;
            self.note_position(placed.first + placed.slots as i64, counts);
        }
        Ok(())
    }
}

/// Where copies of a picture go: `count` slots from `first`, in the encoder's time base
/// from the output's start; `lead` ticks later in what is written (see [`Timing::lead_us`]).
struct Slots {
    first: i64,
    count: u64,
    lead: i64,
}

/// Encodes `picture` in its `slots`, each one tick after the last slot used where rounding
/// gave an earlier one (encoders need rising timestamps; only `passthrough` can round two
/// alike), up to the `limit`.
fn encode_in_slots(
    sink: &mut Sink,
    last_pts: &mut Option<i64>,
    limit: &mut EncoderLimit,
    picture: &mut Frame,
    slots: Slots,
    output: &mut Output,
    counts: &mut Counts,
) -> Result<(), Error> {
    for slot in 0..slots.count {
        let pts = slots.first + slots.lead + slot as i64;
        let pts = last_pts.map_or(pts, |last| pts.max(last + 1));
        if !limit.admits(pts - slots.lead, sink.time_base()) {
            return Ok(());
        }
        *last_pts = Some(pts);
        picture.set_pts(Some(pts));
        sink.encode(picture, output)?;
        counts.video_frames += 1;
    }
    Ok(())
}

/// Flushes every encoder into the output, in the output's order of streams, as the CLI does.
fn finish_encoders<'a>(
    sinks: impl Iterator<Item = &'a mut Sink>,
    output: &mut Output,
) -> Result<(), Error> {
    let mut sinks: Vec<&mut Sink> = sinks.collect();
    sinks.sort_by_key(|sink| sink.output_index);
    sinks.into_iter().try_for_each(|sink| sink.finish(output))
}

/// `us` microseconds in whole ticks of `time_base`, rounded up.
fn ceil_ticks(us: i64, time_base: Rational) -> i64 {
    let numerator = i128::from(us) * i128::from(time_base.den);
    let denominator = i128::from(time_base.num) * 1_000_000;
    (numerator + denominator - 1).div_euclid(denominator.max(1)) as i64
}

/// What the CLI's graph compares frames by, to rebuild itself for one unlike the last.
#[derive(Clone, PartialEq)]
struct InputFormat {
    sample_format: Option<SampleFormat>,
    sample_rate: u32,
    channel_layout: Option<ChannelLayout>,
}

/// One audio stream: decoded, timed as the CLI times decoded audio ([`AudioClock`]),
/// resampled to what the encoder takes, cut into frames of the encoder's size, each timed
/// from the frame its first sample came from ([`SampleClock`]).
pub struct AudioLane {
    pub input_index: usize,
    /// The time base of the frames resampled: the stream's, or the graph's.
    source_time_base: Rational,
    stream_time_base: Rational,
    filtering: Option<Filtering>,
    /// The CLI's timing of the decoded frames, in samples at the decoder's rate.
    arrival: AudioClock,
    /// The CLI's clock of the stream, which times frames the decoder leaves untimed.
    input_clock: InputClock,
    /// The samples and the decoder's rate of each frame decoded since last taken, for the
    /// input's timeline.
    pub decoded: Vec<(u32, u32)>,
    /// In samples.
    lead: i64,
    decoder: Decoder,
    sink: Sink,
    resampler: Resampler,
    resampled: Frame,
    fifo: AudioFifo,
    chunk: Frame,
    /// The encoder's frame size; 0 where it takes frames of any size.
    frame_size: usize,
    /// The format, rate and layout of the last frame decoded, which the CLI's graph takes.
    input_format: Option<InputFormat>,
    sample_rate: u32,
    clock: SampleClock,
    /// Whether the resampler mixes down by the levels the frames give (8.0 on, as that CLI's
    /// `aresample` does).
    follows_downmix: bool,
    /// The end of the CLI's graph under `--duration`.
    trim: Option<SampleTrim>,
    /// How many of the samples queued may still be encoded, once the trim cut them.
    allowed: Option<u64>,
    /// The CLI's check before the encoder under `--duration`.
    limit: EncoderLimit,
    /// Whether the CLI checks the limit on the frames its graph gives, before they are cut to
    /// the encoder's frame size (6.1's, whose encoding queue cuts them), not on those cut.
    limits_before_cutting: bool,
}

/// The releases whose CLI cuts audio to the encoder's frame size after its check of `-t`:
/// 6.1's queue before its encoders, which 7.0's scheduler replaced.
const LIMITS_BEFORE_CUTTING: std::ops::Range<(u8, u8)> = (6, 1)..(7, 0);

/// The first release whose CLI gives its graph the levels to mix down by that the frames
/// carry (an AC-3's), which its `aresample` follows.
const FIRST_DOWNMIXING: (u8, u8) = (8, 0);

impl AudioLane {
    pub fn new(
        stream: &Stream<'_>,
        encoder: Encoder,
        target: AudioFormat,
        output_index: usize,
        timing: Timing,
        decoder: Decoder,
        filtering: Option<Filtering>,
    ) -> Result<AudioLane, Error> {
        let ffmpeg = stream.ffmpeg().clone();
        let frame_size = encoder.frame_size();
        let sample_rate = target.sample_rate;
        // Frames are timed as the CLI times them (resampled ones as its `aresample` does),
        // so they are cut exactly as its filters cut them.
        let clock = SampleClock::default();
        Ok(AudioLane {
            input_index: stream.index(),
            source_time_base: filtering
                .as_ref()
                .map_or(stream.time_base(), Filtering::time_base),
            stream_time_base: stream.time_base(),
            filtering,
            arrival: AudioClock::new(stream.ffmpeg(), timing.cli),
            input_clock: InputClock::new(stream.time_base(), 0, Rational::new(0, 1)),
            decoded: Vec::new(),
            lead: rescale(
                timing.lead_us,
                Rational::MICROSECONDS,
                Rational::new(1, target.sample_rate as i32),
            ),
            decoder,
            sink: Sink::new(&ffmpeg, encoder, output_index)?,
            fifo: AudioFifo::new(
                &ffmpeg,
                &target.sample_format,
                target.sample_rate,
                &target.channel_layout,
            )?,
            sample_rate: target.sample_rate,
            resampler: Resampler::new(&ffmpeg, target)?,
            resampled: Frame::new(&ffmpeg)?,
            chunk: Frame::new(&ffmpeg)?,
            frame_size,
            input_format: None,
            clock,
            follows_downmix: ffmpeg.release_version() >= FIRST_DOWNMIXING,
            trim: (timing.limit_us).map(|limit| SampleTrim::new(limit, sample_rate)),
            allowed: None,
            limit: EncoderLimit::new(timing.limit_us),
            limits_before_cutting: LIMITS_BEFORE_CUTTING.contains(&ffmpeg.release_version()),
        })
    }

    /// Whether the stream's output is over (`--duration`): its packets are left undecoded.
    pub fn is_finished(&self) -> bool {
        self.allowed == Some(0) || self.limit.is_over() && !self.limits_before_cutting
    }

    pub fn send(
        &mut self,
        packet: &Packet,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        if self.is_finished() {
            return Ok(());
        }
        let refused = self.arrival.arrives(packet);
        self.input_clock.packet(packet.dts());
        if refused {
            counts.decode_errors += 1;
        }
        feed(&mut self.decoder, packet, counts)?;
        self.receive(frame, output, counts)
    }

    fn receive(
        &mut self,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        while decoded(&mut self.decoder, frame, counts)? {
            // As the CLI, counted at the decoder's rate as it stands.
            let decoder_rate = match self.decoder.sample_rate() {
                0 => frame.sample_rate(),
                rate => rate,
            };
            let samples = frame.samples() as u32;
            self.decoded.push((samples, decoder_rate));
            // As the CLI: a frame the decoder left untimed (one drained at the end) takes the
            // time of its clock of the stream.
            let clock_time = self.input_clock.audio_frame(samples as usize, decoder_rate);
            let own = frame.pts().map(|pts| (pts, self.stream_time_base));
            let untimed = clock_time.map(|time| (time, Rational::MICROSECONDS));
            // As the CLI: each frame at its packet's time, pulled onto the samples before it
            // within a tick, in samples of the decoder's rate (as the graph takes them).
            let placed = match decoder_rate {
                0 => None,
                rate => (self.arrival).place(own, untimed, rate, samples),
            };
            // The CLI's graph is rebuilt for a frame unlike the last, and loses what it held.
            let rebuilt = self.input_changed(frame);
            if rebuilt {
                self.drop_partial_frame()?;
            }
            match self.filtering.take() {
                Some(mut filtering) => {
                    frame.set_pts(placed);
                    let result = filtering.run(Some(frame), |out| {
                        let start = out.pts().map(|t| self.in_samples(t, self.source_time_base));
                        self.queue(out, start, output, counts)
                    });
                    self.filtering = Some(filtering);
                    result?;
                }
                None => {
                    if self.follows_downmix {
                        self.resampler.set_downmix(frame.downmix_info());
                    }
                    // As the CLI's graph, which takes a frame's timestamp in samples of the
                    // frame's own rate.
                    let rate = match frame.sample_rate() {
                        0 => decoder_rate,
                        rate => rate,
                    };
                    let start = placed.map(|placed| self.resampled_start(placed, rate, rebuilt));
                    self.queue(frame, start.transpose()?, output, counts)?;
                }
            }
        }
        Ok(())
    }

    /// Where the resampled samples of a frame due at `placed` (in samples at `rate`) start,
    /// in samples at the encoder's rate from the output's start, as the CLI's `aresample`
    /// times them: the frame's time less what the resampler still holds from the frames
    /// before (nothing in a graph `rebuilt` for it), to the nearest sample.
    fn resampled_start(&self, placed: i64, rate: u32, rebuilt: bool) -> Result<i64, Error> {
        let (from, to) = (i128::from(rate), i128::from(self.sample_rate));
        let delay = match rebuilt {
            true => 0,
            false => self.resampler.delay((from * to) as u64)?,
        };
        let units = i128::from(placed) * to - i128::from(delay);
        // FFmpeg's ROUNDED_DIV: halves away from zero.
        let half = from / 2;
        let start = if units >= 0 {
            units + half
        } else {
            units - half
        } / from;
        Ok(start as i64 + self.lead)
    }

    /// Whether `frame` differs in format, rate or channel layout from the frame before it:
    /// where the CLI rebuilds its graph, and the resampler starts anew.
    fn input_changed(&mut self, frame: &Frame) -> bool {
        let format = InputFormat {
            sample_format: frame.sample_format(),
            sample_rate: frame.sample_rate(),
            channel_layout: frame.channel_layout(),
        };
        self.input_format
            .replace(format.clone())
            .is_some_and(|previous| previous != format)
    }

    /// Drops the samples queued short of a whole encoder frame, which the CLI's old graph
    /// still held when it was rebuilt. (An encoder of any frame size has none queued.)
    fn drop_partial_frame(&mut self) -> Result<(), Error> {
        let held = self.fifo.len();
        if held > 0 {
            self.fifo.pop(held, &mut self.chunk)?;
            self.clock.take(held as u64);
        }
        Ok(())
    }

    /// `time` in `time_base` as a sample count at the encoder's rate, from the output's start.
    fn in_samples(&self, time: i64, time_base: Rational) -> i64 {
        rescale(time, time_base, Rational::new(1, self.sample_rate as i32)) + self.lead
    }

    /// Resamples `frame`, whose first sample is due at `start` (in samples at the encoder's
    /// rate), into the queue, and encodes what is ready.
    fn queue(
        &mut self,
        frame: &Frame,
        start: Option<i64>,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        if self.allowed.is_some() {
            return Ok(());
        }
        self.resampler.convert(Some(frame), &mut self.resampled)?;
        let cut = self.push_resampled(start)?;
        self.encode_ready(cut, output, counts)
    }

    /// Queues the samples just resampled, the first due at `start`, and cuts them where the
    /// trim ends: `true` where it did, and what is queued is then the stream's last.
    fn push_resampled(&mut self, start: Option<i64>) -> Result<bool, Error> {
        let time_base = Rational::new(1, self.sample_rate as i32);
        let past_limit = self.limits_before_cutting
            && start.is_some_and(|start| !self.limit.admits(start - self.lead, time_base));
        if past_limit {
            self.allowed = Some(self.fifo.len() as u64);
            return Ok(true);
        }
        let samples = self.resampled.samples() as u64;
        let passing = match &mut self.trim {
            Some(trim) => trim.passes(start.map(|start| start - self.lead), samples),
            None => samples,
        };
        self.clock.queue(start, self.lead, samples);
        self.fifo.push(&self.resampled)?;
        if passing < samples {
            self.allowed = Some((self.fifo.len() as u64).saturating_sub(samples - passing));
        }
        Ok(passing < samples)
    }

    /// Encodes every whole frame queued, and at the `end` the last, shorter one.
    fn encode_ready(
        &mut self,
        end: bool,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        loop {
            let held = match self.allowed {
                Some(allowed) => self.fifo.len().min(allowed as usize),
                None => self.fifo.len(),
            };
            let size = match self.frame_size {
                // As the CLI, which gives such an encoder each frame as it comes.
                0 => held,
                size if held >= size => size,
                _ if end => held,
                _ => 0,
            };
            if size == 0 {
                return Ok(());
            }
            self.fifo.pop(size, &mut self.chunk)?;
            if let Some(allowed) = &mut self.allowed {
                *allowed -= size as u64;
            }
            let pts = self.clock.take(self.chunk.samples() as u64);
            let time_base = Rational::new(1, self.sample_rate as i32);
            if !self.limits_before_cutting && !self.limit.admits(pts - self.lead, time_base) {
                return Ok(());
            }
            self.chunk.set_pts(Some(pts));
            self.chunk.set_duration(Some(self.chunk.samples() as i64));
            counts.audio_samples += self.chunk.samples() as u64;
            let ends_at = pts + self.chunk.samples() as i64 - self.lead;
            let us = rescale(
                ends_at,
                Rational::new(1, self.sample_rate as i32),
                Rational::MICROSECONDS,
            );
            counts.position_us = counts.position_us.max(us);
            self.sink.encode(&self.chunk, output)?;
        }
    }

    /// Drains the decoder, the resampler's delay and the queue into the encoder; the encoder
    /// is flushed by [`finish_encoders`].
    pub fn drain(
        &mut self,
        frame: &mut Frame,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        if self.is_finished() {
            return Ok(());
        }
        self.decoder.send_eof()?;
        self.receive(frame, output, counts)?;
        if let Some(mut filtering) = self.filtering.take() {
            let result = filtering.run(None, |out| {
                let start = out.pts().map(|t| self.in_samples(t, self.source_time_base));
                self.queue(out, start, output, counts)
            });
            self.filtering = Some(filtering);
            result?;
        }
        if self.allowed.is_none() {
            self.resampler.convert(None, &mut self.resampled)?;
            self.push_resampled(None)?;
        }
        self.encode_ready(true, output, counts)
    }
}

/// The lanes that transcode the input's streams.
pub struct Lanes {
    pub video: Vec<VideoLane>,
    pub audio: Vec<AudioLane>,
    pub subtitles: Vec<SubtitleLane>,
}

/// Reads `input` to its end, or until `stop` is set, through the lanes, the packets read
/// ahead first; then flushes them so that the output holds every frame decoded so far.
pub fn run(
    input: &mut Input,
    mut read_ahead: ReadAhead,
    output: &mut Output,
    lanes: Lanes,
    timing: Timing,
    stop: &AtomicBool,
    mut progress: impl FnMut(&Counts),
) -> Result<Counts, Error> {
    let Lanes {
        mut video,
        mut audio,
        mut subtitles,
    } = lanes;
    let ffmpeg = input.ffmpeg().clone();
    let (mut packet, mut frame) = (Packet::new(&ffmpeg)?, Frame::new(&ffmpeg)?);
    let mut counts = Counts::default();
    // As the CLI: the timeline starts where the streams transcoded start.
    let mut kept: Vec<usize> = video.iter().map(|lane| lane.input_index).collect();
    kept.extend(audio.iter().map(|lane| lane.input_index));
    kept.extend(subtitles.iter().map(|lane| lane.input_index));
    let mut timeline = match timing.start_us {
        Some(position) => {
            Timeline::from_position_as(input, &kept, position, timing.cli.release(&ffmpeg))
        }
        None => Timeline::new(input, &kept),
    };
    // As the CLI, whose clock of a decoded stream is 5.1's decoder's, and from 6.1 its
    // demuxer's, which knows nothing of what is decoded.
    let release = timing.cli.release(&ffmpeg);
    let decoded = video.iter().map(|lane| lane.input_index);
    for index in decoded.chain(audio.iter().map(|lane| lane.input_index)) {
        timeline.decodes_as(index, release);
    }
    while !stop.load(Ordering::Relaxed) {
        match read_ahead.next_packet(input, &mut packet) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                counts.read_error = Some(error.to_string());
                break;
            }
        }
        // As the CLI: counted from the input's start, with any jump taken out.
        timeline.place(&mut packet);
        let index = packet.stream_index();
        if let Some(lane) = video.iter_mut().find(|lane| lane.input_index == index) {
            lane.send(&mut packet, &mut frame, output, &mut counts)?;
            if let Some((pts, duration)) = lane.picture_of_packet {
                timeline.picture(index, pts, duration);
            }
        } else if let Some(lane) = audio.iter_mut().find(|lane| lane.input_index == index) {
            lane.send(&packet, &mut frame, output, &mut counts)?;
            for (samples, rate) in lane.decoded.drain(..) {
                timeline.samples_decoded(index, samples, rate);
            }
        } else if let Some(lane) = subtitles.iter_mut().find(|lane| lane.input_index == index) {
            lane.send(&mut packet, output, &mut counts)?;
        }
        progress(&counts);
        // As the CLI, which stops reading once every stream it writes is over.
        let over = video.iter().all(VideoLane::is_finished)
            && audio.iter().all(AudioLane::is_finished)
            && subtitles.iter().all(SubtitleLane::is_finished);
        if over {
            break;
        }
    }
    // As the CLI at the input's end: each stream's decoder drained into its encoder, in the
    // input's order, before any encoder is flushed. (What the drained frames encode to goes
    // into the muxer's queue before a picture the encoder still holds: a cover's.)
    let mut drained: Vec<usize> = video.iter().map(|lane| lane.input_index).collect();
    drained.extend(audio.iter().map(|lane| lane.input_index));
    drained.sort_unstable();
    for index in drained {
        if let Some(lane) = video.iter_mut().find(|lane| lane.input_index == index) {
            lane.drain(&mut frame, output, &mut counts)?;
        } else if let Some(lane) = audio.iter_mut().find(|lane| lane.input_index == index) {
            lane.drain(&mut frame, output, &mut counts)?;
        }
    }
    let sinks = video.iter_mut().map(|lane| &mut lane.sink);
    finish_encoders(
        sinks.chain(audio.iter_mut().map(|lane| &mut lane.sink)),
        output,
    )?;
    progress(&counts);
    Ok(counts)
}
