//! Frame-exact random access to one video stream: a [`FrameIndex`] made by one demux pass
//! (no decoding), and a [`VideoReader`] that returns frame N, the frame at a time, or a batch
//! of either in any order, decoding each group of pictures once.
//!
//! A seek lands on the keyframe the index names for the frame wanted (one group further back
//! should the demuxer land later), decodes on and drops what comes before it: the frame given
//! is the one the stream shows at that time, whatever the GOP structure (open GOPs,
//! B-pyramids, VP9's hidden frames, variable frame rates, a first timestamp that is not zero).
//!
//! ```
//! # use ffmpeg_runtime::codec::{Encoder, VideoSettings};
//! # use ffmpeg_runtime::format::Output;
//! # use ffmpeg_runtime::{Frame, Packet, Rational};
//! # let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! # let path = std::env::temp_dir().join(format!("ffmpeg-runtime-doc-reader-{}.mkv", std::process::id()));
//! # {
//! #     let mut output = Output::create(ffmpeg, &path)?;
//! #     let settings = VideoSettings { gop: Some(12), ..VideoSettings::new(64, 48, ffmpeg.pixel_format("yuv420p")?, Rational::new(1, 25)) };
//! #     let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
//! #     let stream = output.add_stream(&encoder)?;
//! #     output.write_header()?;
//! #     let (mut frame, mut packet) = (Frame::video(ffmpeg, 64, 48, "yuv420p")?, Packet::new(ffmpeg)?);
//! #     for index in 0..50 {
//! #         frame.planes_mut()?.next().unwrap().fill(index as u8 * 5);
//! #         frame.set_pts(Some(index));
//! #         encoder.send(&frame)?;
//! #         while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; }
//! #     }
//! #     encoder.send_eof()?;
//! #     while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; }
//! #     output.finish()?;
//! # }
//! use ffmpeg_runtime::reader::VideoReader;
//!
//! let mut reader = VideoReader::open(ffmpeg, &path)?;
//! assert_eq!(reader.index().len(), 50);
//! // Frames 40, 3 and 41, in that order: two groups of pictures decoded, once each.
//! let frames = reader.frames(&[40, 3, 41])?;
//! assert_eq!(frames[1].pts(), reader.index().get(3).map(|f| f.pts));
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use crate::abi::constants::PKT_DATA_PALETTE;
use crate::ffmpeg::{Error, Ffmpeg, Result};
use crate::media::codec::{Decoder, DecoderOptions};
use crate::media::format::{Input, MediaType, SeekMode};
use crate::media::frame::Frame;
use crate::media::packet::Packet;
use crate::sys::Rational;

/// One frame of a [`FrameIndex`], in presentation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedFrame {
    /// Its presentation timestamp, in the stream's time base.
    pub pts: i64,
    /// Whether its packet is a keyframe.
    pub key: bool,
    /// Its packet's byte position in the file, when the demuxer says.
    pub position: Option<i64>,
}

/// Every frame of one stream in presentation order, from one demux pass (no decoding).
#[derive(Debug, Clone)]
pub struct FrameIndex {
    time_base: Rational,
    frames: Vec<IndexedFrame>,
}

impl FrameIndex {
    /// Reads `input` to its end, noting each packet of `stream`; the caller seeks back
    /// before decoding. A read error after the first packet ends the index there, as the
    /// CLI ends its input where reading fails and keeps what was read.
    ///
    /// # Errors
    ///
    /// [`Error::StreamNotFound`] for no such stream; [`Error::Unsupported`] for a stream whose
    /// packets carry no presentation timestamps (raw H.264, say) or repeat one (recordings
    /// joined with `cat`, their clocks starting alike); the demuxer's errors.
    pub fn build(input: &mut Input, stream: usize) -> Result<FrameIndex> {
        let time_base = input
            .stream(stream)
            .ok_or_else(|| Error::StreamNotFound {
                kind: format!("stream {stream}"),
            })?
            .time_base();
        let mut packet = Packet::new(input.ffmpeg())?;
        let mut frames = Vec::new();
        while read_on(input, &mut packet, frames.is_empty())? {
            if packet.stream_index() != stream {
                continue;
            }
            let pts = packet.pts().ok_or_else(|| {
                Error::unsupported(
                    "FrameIndex::build",
                    "the stream's packets carry no presentation timestamps",
                )
            })?;
            frames.push(IndexedFrame {
                pts,
                key: packet.is_key(),
                position: packet.position(),
            });
        }
        frames.sort_by_key(|frame| frame.pts);
        if frames.windows(2).any(|pair| pair[0].pts == pair[1].pts) {
            return Err(Error::unsupported(
                "FrameIndex::build",
                "the stream's packets repeat a presentation timestamp",
            ));
        }
        Ok(FrameIndex { time_base, frames })
    }

    /// How many frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Frame `n`, in presentation order.
    pub fn get(&self, n: usize) -> Option<&IndexedFrame> {
        self.frames.get(n)
    }

    /// The time base of the timestamps.
    pub fn time_base(&self) -> Rational {
        self.time_base
    }

    /// The first frame shown at or after `pts` (in the stream's time base): the one on screen
    /// from then on; `None` after the last.
    pub fn frame_at(&self, pts: i64) -> Option<usize> {
        let n = self.frames.partition_point(|frame| frame.pts < pts);
        (n < self.frames.len()).then_some(n)
    }

    /// The first frame at or after `seconds` from the stream's first frame.
    pub fn frame_at_seconds(&self, seconds: f64) -> Option<usize> {
        let first = self.frames.first()?.pts;
        let ticks = seconds * f64::from(self.time_base.den) / f64::from(self.time_base.num);
        self.frame_at(first.saturating_add(ticks.round() as i64))
    }

    /// The last keyframe at or before frame `n`.
    fn keyframe_before(&self, n: usize) -> usize {
        (0..=n)
            .rev()
            .find(|&k| self.frames.get(k).is_some_and(|frame| frame.key))
            .unwrap_or(0)
    }
}

/// Frame-exact access to the best video stream of a file.
pub struct VideoReader {
    input: Input,
    /// The file, opened again where the demuxer cannot seek back.
    path: PathBuf,
    decoder: Decoder,
    stream: usize,
    index: FrameIndex,
    packet: Packet,
    /// The timestamp of the last frame decoded since the last seek, if any.
    position: Option<i64>,
    ended: bool,
    /// Where the stream's frames have no usable timestamps: how many were decoded since the
    /// start, which numbers them (every seek goes back to the start).
    counted: Option<i64>,
}

impl VideoReader {
    /// Opens `path`, indexes its best video stream (one pass over the file) and readies a
    /// decoder. Where the stream's packets carry no presentation timestamps (AVI with
    /// B-frames, some MPEG-PS, raw H.264), the index is made by decoding the stream once, and
    /// frames are those the decoder gives, in its order, as the CLI numbers them; where even
    /// the decoded frames are untimed (raw streams), each frame is reached by decoding from
    /// the start.
    ///
    /// # Errors
    ///
    /// The errors of opening, indexing and decoding; [`Error::StreamNotFound`] without video.
    pub fn open(ffmpeg: &Ffmpeg, path: impl AsRef<Path>) -> Result<VideoReader> {
        Self::open_with(ffmpeg, path, &DecoderOptions::default())
    }

    /// As [`VideoReader::open`], with the decoder set up as `options` say (threads: frame
    /// threads pay a start-up delay after every seek, slice threads do not).
    ///
    /// # Errors
    ///
    /// As for [`VideoReader::open`].
    pub fn open_with(
        ffmpeg: &Ffmpeg,
        path: impl AsRef<Path>,
        options: &DecoderOptions,
    ) -> Result<VideoReader> {
        let path = path.as_ref().to_path_buf();
        let mut input = Input::open(ffmpeg, &path)?;
        let stream = input
            .best_stream(MediaType::Video)
            .ok_or_else(|| Error::StreamNotFound {
                kind: "video".into(),
            })?;
        let (index, decoder) = (stream.index(), Decoder::new(&stream, options)?);
        let time_base = stream.time_base();
        let paletted = stream
            .pixel_format()
            .is_some_and(|format| format.name() == "pal8");
        let frames = match FrameIndex::build(&mut input, index) {
            Ok(frames) => Some(frames),
            Err(Error::Unsupported { .. }) => None,
            Err(other) => return Err(other),
        };
        let mut reader = VideoReader {
            packet: Packet::new(ffmpeg)?,
            input,
            path,
            decoder,
            stream: index,
            index: FrameIndex {
                time_base,
                frames: Vec::new(),
            },
            position: None,
            ended: false,
            counted: None,
        };
        match frames {
            Some(frames) => {
                reader.index = frames;
                if paletted {
                    reader.take_palette()?;
                }
            }
            None => reader.index_by_decoding()?,
        }
        reader.seek_before(0, 0)?;
        Ok(reader)
    }

    /// Gives the decoder the colours of a paletted stream (AVI's and QuickTime's raw or RLE
    /// pictures), which the demuxer hands out once, on the stream's first packet: a demuxer
    /// just opened is read to that packet, which the decoder decodes and forgets but for its
    /// palette (kept, as every seek keeps it). The index pass had taken that packet.
    fn take_palette(&mut self) -> Result<()> {
        self.input = Input::open(&self.input.ffmpeg().clone(), &self.path)?;
        while read_on(&mut self.input, &mut self.packet, false)? {
            if self.packet.stream_index() != self.stream {
                continue;
            }
            let palette = self
                .packet
                .side_data()
                .iter()
                .any(|side| side.kind() == PKT_DATA_PALETTE);
            if palette {
                let mut frame = Frame::new(self.input.ffmpeg())?;
                match self.decoder.send(&self.packet) {
                    Err(error) if error.is_bad_data() => {}
                    other => other?,
                }
                while !matches!(self.decoder.receive(&mut frame), Ok(false) | Err(_)) {}
            }
            break;
        }
        Ok(())
    }

    /// Indexes the stream by decoding it from the start: each frame the decoder gives, at
    /// its best-effort timestamp where those rise from frame to frame, else numbered from
    /// zero (and then reached by decoding from the start).
    fn index_by_decoding(&mut self) -> Result<()> {
        self.seek_before(0, 3)?;
        let mut frame = Frame::new(self.input.ffmpeg())?;
        let mut decoded = Vec::new();
        while self.next_frame(&mut frame)? {
            decoded.push((frame.best_effort_timestamp(), frame.is_key()));
        }
        let timed = decoded.iter().all(|(pts, _)| pts.is_some())
            && decoded.windows(2).all(|pair| pair[0].0 < pair[1].0);
        self.counted = (!timed).then_some(0);
        self.index.frames = (0..)
            .zip(decoded)
            .map(|(n, (pts, key))| IndexedFrame {
                pts: if timed { pts.unwrap_or(n) } else { n },
                key,
                position: None,
            })
            .collect();
        Ok(())
    }

    /// The number a frame just decoded goes by: its best-effort timestamp, or where frames
    /// are counted, how many came before it since the start.
    fn number_of(&mut self, frame: &Frame) -> i64 {
        match self.counted.as_mut() {
            Some(count) => {
                *count += 1;
                *count - 1
            }
            None => frame.best_effort_timestamp().unwrap_or(i64::MIN),
        }
    }

    /// The index of the stream's frames.
    pub fn index(&self) -> &FrameIndex {
        &self.index
    }

    /// Decodes frame `n` (presentation order) into `frame`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] past the last frame; the demuxer's and decoder's errors.
    pub fn frame(&mut self, n: usize, frame: &mut Frame) -> Result<()> {
        let target = self
            .index
            .get(n)
            .ok_or_else(|| Error::out_of_range("frame number", n))?
            .pts;
        let reachable = self.position.is_some_and(|at| {
            // Decoding on from where the decoder is beats seeking while no keyframe lies
            // between here and the frame wanted (counted frames are only ever decoded on).
            at < target
                && (self.counted.is_some()
                    || self.index.keyframe_before(n) <= self.index.frame_at(at).unwrap_or(n))
        });
        let mut back = 0;
        if !reachable {
            self.seek_before(n, back)?;
        }
        loop {
            if !self.next_frame(frame)? {
                if self.position.is_none() && back < 3 {
                    // Nothing came after the seek (it landed past every keyframe left).
                    back += 1;
                    self.seek_before(n, back)?;
                    continue;
                }
                return Err(Error::unsupported(
                    "VideoReader::frame",
                    format!("the stream ended before frame {n}"),
                ));
            }
            let pts = self.number_of(frame);
            let first = self.position.is_none();
            self.position = Some(pts);
            if first && pts > target && back < 3 {
                // The demuxer landed after the group wanted: one group further back.
                back += 1;
                self.seek_before(n, back)?;
                continue;
            }
            if pts >= target {
                return Ok(());
            }
        }
    }

    /// Frames `numbers` (presentation order), in the order asked, each group of pictures
    /// decoded once.
    ///
    /// # Errors
    ///
    /// As for [`VideoReader::frame`].
    pub fn frames(&mut self, numbers: &[usize]) -> Result<Vec<Frame>> {
        let mut order: Vec<usize> = (0..numbers.len()).collect();
        order.sort_by_key(|&i| numbers[i]);
        let mut found: Vec<Option<Frame>> = (0..numbers.len()).map(|_| None).collect();
        let mut frame = Frame::new(self.input.ffmpeg())?;
        let mut last: Option<(usize, usize)> = None;
        for i in order {
            if let Some((n, at)) = last
                && n == numbers[i]
            {
                found[i] = found[at].as_ref().map(Frame::try_clone).transpose()?;
                continue;
            }
            self.frame(numbers[i], &mut frame)?;
            found[i] = Some(frame.try_clone()?);
            last = Some((numbers[i], i));
        }
        Ok(found
            .into_iter()
            .map(|f| f.expect("every number decoded"))
            .collect())
    }

    /// Decodes the first frame shown at or after `pts` (the stream's time base) into `frame`,
    /// as the CLI's accurate seek does.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] after the last frame; as for [`VideoReader::frame`].
    pub fn frame_at(&mut self, pts: i64, frame: &mut Frame) -> Result<()> {
        let n = self
            .index
            .frame_at(pts)
            .ok_or_else(|| Error::out_of_range("timestamp", pts))?;
        self.frame(n, frame)
    }

    /// Seeks to the keyframe that begins frame `n`'s group of pictures (`back` groups
    /// earlier, should the demuxer have landed after it) and empties the decoder.
    fn seek_before(&mut self, n: usize, back: usize) -> Result<()> {
        let mut key = self
            .index
            .keyframe_before(n.min(self.index.len().saturating_sub(1)));
        for _ in 0..back {
            key = self.index.keyframe_before(key.saturating_sub(1));
        }
        let start = match self.index.get(key) {
            Some(frame) if back < 3 && self.counted.is_none() => frame.pts,
            // Still too late, or counted from the start: from the very start.
            _ => i64::MIN,
        };
        let sought = self
            .input
            .seek(self.stream, start, SeekMode::KeyframeBefore);
        if sought.is_err() {
            // A demuxer that cannot seek (raw H.264, SWF): read from the start again.
            self.input = Input::open(&self.input.ffmpeg().clone(), &self.path)?;
        }
        self.decoder.flush();
        (self.position, self.ended) = (None, false);
        self.counted = self.counted.map(|_| 0);
        Ok(())
    }

    /// The decoder's next frame, reading packets as it needs; `false` at the end.
    fn next_frame(&mut self, frame: &mut Frame) -> Result<bool> {
        let mut failures = 0;
        loop {
            match self.decoder.receive(frame) {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                // A picture it cannot decode is skipped, as the CLI skips it; a decoder that
                // fails on every try is given more input, or at the end given up on.
                Err(error) if error.is_bad_data() => {
                    failures += 1;
                    match failures {
                        ..FAILURES_IN_A_ROW => continue,
                        _ if self.ended => return Ok(false),
                        _ => {}
                    }
                }
                Err(other) => return Err(other),
            }
            if self.decoder.is_finished() {
                return Ok(false);
            }
            if self.ended {
                self.decoder.send_eof()?;
                continue;
            }
            if !read_on(&mut self.input, &mut self.packet, false)? {
                self.ended = true;
                continue;
            }
            if self.packet.stream_index() == self.stream {
                match self.decoder.send(&self.packet) {
                    // A packet it refuses is skipped, as the CLI skips it.
                    Err(error) if error.is_bad_data() => {}
                    Ok(()) => {}
                    Err(other) => return Err(other),
                }
            }
        }
    }
}

impl std::fmt::Debug for VideoReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoReader")
            .field("stream", &self.stream)
            .field("frames", &self.index.len())
            .finish_non_exhaustive()
    }
}

/// How many decoding failures in a row [`VideoReader`] skips before it reads on.
const FAILURES_IN_A_ROW: usize = 1000;

/// The next packet of `input`, or `false` at its end or (unless `strict`) where reading
/// fails: as the CLI, a read error ends the input, and what was read is kept.
fn read_on(input: &mut Input, packet: &mut Packet, strict: bool) -> Result<bool> {
    match input.read_packet(packet) {
        Err(error) if !strict => {
            log::warn!("reading stopped early, what was read is kept: {error}");
            Ok(false)
        }
        other => other,
    }
}
