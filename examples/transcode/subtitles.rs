//! Subtitle streams: text converted to the container's own subtitle codec where it names one
//! (Matroska's ASS, WebM's WebVTT), as `ffmpeg -i IN OUT` converts it; otherwise copied where
//! the container takes the codec (bitmaps into Matroska, mov_text into MP4), else text
//! converted to mov_text for MP4 and the MOV family, which name none; else left out with a
//! notice. Data streams, which `-map 0` copies, are copied the same way.

use ffmpeg_runtime::codec::{Codec, EncoderChoice};
use ffmpeg_runtime::format::{Output, Stream};
use ffmpeg_runtime::subtitle::{SubtitleDecoder, SubtitleEncoder, SubtitleSettings};
use ffmpeg_runtime::{Error, Packet, Rational};

use crate::cli_copy::copy_stream_tags;
use crate::pipeline::{Counts, Timing, rescale};
use crate::recording::EncoderLimit;

/// The muxers of the MOV family, whose text subtitles are mov_text.
const MOV_FAMILY: [&str; 6] = ["mov", "mp4", "ipod", "3gp", "3g2", "ismv"];

/// One subtitle or data stream on its way to the output.
pub struct SubtitleLane {
    pub input_index: usize,
    output_index: usize,
    time_base: Rational,
    /// Added to every timestamp (already on the input's timeline), in microseconds: the lead.
    shift_us: i64,
    conversion: Option<(SubtitleDecoder, SubtitleEncoder)>,
    /// The CLI's check under `--duration`: before the encoder, or the muxer for a copy.
    limit: EncoderLimit,
}

impl SubtitleLane {
    /// The lane for `stream`, or `Ok(None)` (and a notice) where `output` cannot hold it.
    pub fn plan(
        stream: &Stream<'_>,
        output: &mut Output,
        timing: Timing,
        notices: &mut Vec<String>,
    ) -> Result<Option<SubtitleLane>, Error> {
        let muxer = output.muxer();
        let codec = stream.codec_id();
        let lane = |output_index, conversion| Self::new(stream, output_index, timing, conversion);
        let mut leave_out = |why: String| {
            notices.push(format!(
                "subtitle stream {} ({}) left out: {why}",
                stream.index(),
                codec.name()
            ));
            Ok(None)
        };
        let decoder = SubtitleDecoder::new(stream);
        let is_text = decoder.as_ref().is_ok_and(SubtitleDecoder::is_text);
        // As the CLI: text is encoded with the container's own subtitle encoder where it
        // names one (SubRip becomes ASS in Matroska), even where it could be copied.
        let own = muxer.default_subtitle_codec().filter(|own| {
            Codec::encoder(stream.ffmpeg(), EncoderChoice::ForCodec(own.clone())).is_ok()
        });
        if !(is_text && own.is_some()) && muxer.takes_codec(&codec)? == Some(true) {
            let output_index = output.add_copy_stream(stream)?;
            return Ok(Some(lane(output_index, None)));
        }
        // MP4 names no subtitle codec of its own (the CLI then leaves subtitles out); it
        // takes mov_text, as do the other formats of the MOV family (4.1's mov muxer takes it
        // though its codec list leaves it out).
        let mov_text = Codec::encoder(stream.ffmpeg(), "mov_text").map(|codec| codec.id());
        let target = match (own, mov_text) {
            (Some(target), _) => target,
            (None, Ok(mov_text))
                if MOV_FAMILY.contains(&muxer.name())
                    || muxer.takes_codec(&mov_text)? == Some(true) =>
            {
                mov_text
            }
            _ => return leave_out(format!("{} holds no subtitles", muxer.name())),
        };
        let decoder = match decoder {
            Ok(decoder) => decoder,
            Err(error) => return leave_out(error.to_string()),
        };
        let settings = SubtitleSettings::from_decoder(&decoder);
        if !is_text {
            return leave_out(format!("bitmaps cannot become {}", target.name()));
        }
        let encoder = SubtitleEncoder::new(stream.ffmpeg(), &target, &settings)?;
        let output_index = output.add_subtitle_stream(&encoder)?;
        // As the CLI, the tag names the codec's first encoder: `ssa` for ASS.
        let first = Codec::encoder(stream.ffmpeg(), EncoderChoice::ForCodec(target.clone()))?;
        copy_stream_tags(output, output_index, stream, first.name(), false)?;
        Ok(Some(lane(output_index, Some((decoder, encoder)))))
    }

    /// The lane that copies `stream` (data: a timecode track, KLV) into `output`, or
    /// `Ok(None)` (and a notice) where the muxer refuses its codec, as it would refuse the
    /// CLI's copy (Matroska and MP4 take no data; MOV, MPEG-TS, NUT take what they are given).
    pub fn copy(
        stream: &Stream<'_>,
        output: &mut Output,
        timing: Timing,
        notices: &mut Vec<String>,
    ) -> Result<Option<SubtitleLane>, Error> {
        let muxer = output.muxer();
        if let Err(error) = header_takes(stream, muxer.name()) {
            notices.push(format!(
                "{} stream {} ({}) left out: {} refuses it ({error}), where the CLI fails",
                stream.media_type(),
                stream.index(),
                stream.codec_id().name(),
                muxer.name()
            ));
            return Ok(None);
        }
        let output_index = output.add_copy_stream(stream)?;
        Ok(Some(Self::new(stream, output_index, timing, None)))
    }

    fn new(
        stream: &Stream<'_>,
        output_index: usize,
        timing: Timing,
        conversion: Option<(SubtitleDecoder, SubtitleEncoder)>,
    ) -> SubtitleLane {
        SubtitleLane {
            input_index: stream.index(),
            output_index,
            time_base: stream.time_base(),
            shift_us: timing.lead_us,
            conversion,
            limit: EncoderLimit::new(timing.limit_us),
        }
    }

    /// The output stream's index.
    pub fn output_index(&self) -> usize {
        self.output_index
    }

    /// Whether the stream's output is over (`--duration`).
    pub fn is_finished(&self) -> bool {
        self.limit.is_over()
    }

    /// Copies, or converts, one packet of the stream.
    pub fn send(
        &mut self,
        packet: &mut Packet,
        output: &mut Output,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        if self.limit.is_over() {
            return Ok(());
        }
        let Some((decoder, encoder)) = &mut self.conversion else {
            // As the CLI, which ends a copy at its first packet decoded at or past the limit.
            if packet
                .dts()
                .is_some_and(|dts| !self.limit.admits(dts, self.time_base))
            {
                return Ok(());
            }
            let shift = rescale(self.shift_us, Rational::MICROSECONDS, self.time_base);
            packet.set_pts(packet.pts().map(|pts| pts + shift));
            packet.set_dts(packet.dts().map(|dts| dts + shift));
            return output.write_packet(packet, self.output_index, self.time_base);
        };
        let mut subtitle = match decoder.decode(packet) {
            Ok(Some(subtitle)) => subtitle,
            Ok(None) => return Ok(()),
            // As the CLI, any error of the decoder's own is counted and skips the packet.
            Err(error) if error.is_bad_data() => {
                counts.decode_errors += 1;
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        counts.decoded += 1;
        // As the CLI: a subtitle that clears the screen, or has no time, is not written.
        let Some(pts) = subtitle.pts.filter(|_| !subtitle.rects.is_empty()) else {
            return Ok(());
        };
        if !self.limit.admits(pts, Rational::MICROSECONDS) {
            return Ok(());
        }
        subtitle.pts = subtitle.pts.map(|pts| pts + self.shift_us);
        let mut encoded = encoder.encode(&subtitle)?;
        output.write_packet(&mut encoded, self.output_index, Rational::MICROSECONDS)
    }
}

/// Whether a `muxer` header holding a copy of `stream` alone is written: what decides, for the
/// CLI, whether a copy of a data stream goes through or fails the whole output.
fn header_takes(stream: &Stream<'_>, muxer: &str) -> Result<(), Error> {
    let mut trial = Output::to_writer(stream.ffmpeg(), std::io::Cursor::new(Vec::new()), muxer)?;
    trial.add_copy_stream(stream)?;
    trial.write_header()
}
