//! Which streams are used: [`Input::auto_selected_stream`] and
//! [`Input::auto_selected_stream_for`], the stream of each kind that the ffmpeg CLI takes
//! when it is given no `-map`, and [`Input::set_discarded`], which leaves a
//! stream unread as the CLI leaves those no output uses.

use std::ffi::c_int;

use super::catalog::Muxer;
use super::input::Input;
use super::stream::{MediaType, Stream};
use crate::abi::constants::{
    CODEC_PROP_BITMAP_SUB, CODEC_PROP_TEXT_SUB, DISCARD_ALL, DISCARD_DEFAULT,
};
use crate::ffmpeg::error::{Error, Result};
use crate::media::codec::{Codec, CodecId, EncoderChoice};

/// What ranks a stream above its size or channel count in the CLI's choice: packets read
/// while the input was opened, then the default mark (the CLI's own weights).
pub(super) const READ_WHILE_OPENING: i64 = 100_000_000;
pub(super) const MARKED_DEFAULT: i64 = 5_000_000;

/// The descriptor properties that say a subtitle codec's kind.
const SUBTITLE_KIND: c_int = CODEC_PROP_TEXT_SUB | CODEC_PROP_BITMAP_SUB;

/// How the CLI weighs cover pictures (attached pictures) among video streams.
#[derive(Clone, Copy)]
pub(super) enum CoverPictures {
    /// Below every other video stream: most outputs.
    RankLast,
    /// Nothing else: an output that stores video only as a cover picture (MP3).
    Only,
}

impl CoverPictures {
    /// How an output written by `muxer`, whose default codec of the kind is `codec`, weighs
    /// them.
    pub(super) fn for_muxer(muxer: &Muxer, codec: &CodecId) -> Result<CoverPictures> {
        Ok(match muxer.takes_only_as_cover_picture(codec)? {
            true => CoverPictures::Only,
            false => CoverPictures::RankLast,
        })
    }
}

impl Input {
    /// The stream of `kind` that the ffmpeg CLI takes for an output when no `-map` is given
    /// (its automatic stream selection): of the video streams, the one of the largest
    /// picture; of the audio streams, the one of the most channels; the first subtitle
    /// stream. Above size and channels, a stream whose packets were read while the input was
    /// opened ranks first, then a stream marked default; a cover picture ranks below every
    /// other video stream; among equals, the first wins. The default mark only ranks: a
    /// video stream of unknown size and an audio stream of unknown channels, whose packets
    /// were not read while opening, are not taken even when marked default (a cover
    /// picture marked default neither, unless the input's last stream is a cover picture,
    /// as 5.1's CLI reads it). Data
    /// and attachment streams never are: `None`. This knows no output; what the CLI takes
    /// for a given one (no video for WAV, no subtitles for MP4, text subtitles only for
    /// Matroska) is [`Input::auto_selected_stream_for`].
    ///
    /// [`Input::best_stream`] is FFmpeg's own choice, which weighs bit rate instead, and
    /// differs where two video streams share a size or two audio streams a channel count.
    pub fn auto_selected_stream(&self, kind: MediaType) -> Option<Stream<'_>> {
        self.ranked_first(kind, CoverPictures::RankLast)
    }

    /// The stream of `kind` that the ffmpeg CLI takes for an output written by `muxer` when
    /// no `-map` is given: as [`Input::auto_selected_stream`], except that a muxer with no
    /// default codec of `kind` takes none (no video in WAV), and a muxer that stores its
    /// default video codec only as a cover picture (MP3, see
    /// [`Muxer::takes_only_as_cover_picture`]) takes the largest cover picture and no other
    /// video. Of subtitles, where the muxer's default subtitle codec has an encoder, the first
    /// stream that encoder can take: text for text, bitmaps for bitmaps (a codec of neither
    /// kind, DVB teletext, goes with either); none for a muxer that names no subtitle codec
    /// (MP4). Data and attachment streams: none.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for a muxer of another loaded FFmpeg.
    pub fn auto_selected_stream_for(
        &self,
        kind: MediaType,
        muxer: &Muxer,
    ) -> Result<Option<Stream<'_>>> {
        self.ffmpeg()
            .ensure_same(muxer.ffmpeg(), "Input::auto_selected_stream_for", "muxer")?;
        let default_codec = match kind {
            MediaType::Video => muxer.default_video_codec(),
            MediaType::Audio => muxer.default_audio_codec(),
            MediaType::Subtitle => return self.subtitle_stream_for(muxer),
            _ => return Ok(None),
        };
        let Some(default_codec) = default_codec else {
            return Ok(None);
        };
        let covers = CoverPictures::for_muxer(muxer, &default_codec)?;
        Ok(self.ranked_first(kind, covers))
    }

    /// The CLI's subtitle rule: where the muxer's default subtitle codec has an encoder, the
    /// first subtitle stream of its kind (text or bitmap), or of a codec with no kind
    /// (DVB teletext) where both have descriptors.
    fn subtitle_stream_for(&self, muxer: &Muxer) -> Result<Option<Stream<'_>>> {
        let ffmpeg = self.ffmpeg();
        let Some(target) = muxer.default_subtitle_codec() else {
            return Ok(None);
        };
        if Codec::encoder(ffmpeg, EncoderChoice::ForCodec(target.clone())).is_err() {
            return Ok(None);
        }
        let out = target.properties(ffmpeg)?;
        for stream in self.streams() {
            if stream.media_type() != MediaType::Subtitle {
                continue;
            }
            let input = stream.codec_id().properties(ffmpeg)?;
            let taken = match (input, out) {
                (Some(input), Some(out)) => {
                    input & out & SUBTITLE_KIND != 0 || input == 0 || out == 0
                }
                _ => false,
            };
            if taken {
                return Ok(Some(stream));
            }
        }
        Ok(None)
    }

    fn ranked_first(&self, kind: MediaType, covers: CoverPictures) -> Option<Stream<'_>> {
        if kind == MediaType::Subtitle {
            return self.streams().find(|s| s.media_type() == kind);
        }
        let (score, stream) = self.ranked_best(kind, covers)?;
        self.taken_at(score, stream, covers)
    }

    /// The stream of `kind` that scores highest in the CLI's ranking (the first of equals),
    /// with its score, the default mark included; `None` where none scores above zero.
    pub(super) fn ranked_best(
        &self,
        kind: MediaType,
        covers: CoverPictures,
    ) -> Option<(i64, Stream<'_>)> {
        let measure: fn(&Stream<'_>) -> i64 = match kind {
            MediaType::Video => |s| i64::from(s.width()) * i64::from(s.height()),
            MediaType::Audio => |s| s.channels().map_or(0, i64::from),
            _ => return None,
        };
        let score = |stream: &Stream<'_>| {
            match (covers, stream.is_attached_picture()) {
                (CoverPictures::RankLast, true) => return 1,
                (CoverPictures::Only, false) => return 0,
                _ => {}
            }
            let read = self.read_while_opening.get(stream.index()) == Some(&true);
            measure(stream)
                + READ_WHILE_OPENING * i64::from(read)
                + MARKED_DEFAULT * i64::from(stream.is_default())
        };
        let mut best: Option<(i64, Stream<'_>)> = None;
        for stream in self.streams().filter(|s| s.media_type() == kind) {
            let score = score(&stream);
            if score > best.as_ref().map_or(0, |(best, _)| *best) {
                best = Some((score, stream));
            }
        }
        best
    }

    /// `stream`, the ranking's winner at `score`, where the CLI takes it.
    pub(super) fn taken_at<'a>(
        &self,
        score: i64,
        stream: Stream<'a>,
        covers: CoverPictures,
    ) -> Option<Stream<'a>> {
        let kind = stream.media_type();
        // The default mark only breaks ties: the winner is taken if it scores without it.
        // 5.1's CLI keeps the mark of a video winner when the input's last stream is a
        // cover picture (it looks at the last stream it ranked, not at the winner).
        let last_is_cover = self
            .streams()
            .last()
            .is_some_and(|last| last.is_attached_picture());
        let keeps_mark =
            kind == MediaType::Video && matches!(covers, CoverPictures::RankLast) && last_is_cover;
        let unmarked = match stream.is_default() && !keeps_mark {
            true => score - MARKED_DEFAULT,
            false => score,
        };
        (unmarked > 0).then_some(stream)
    }

    /// Discards the stream at `index` (`AVDISCARD_ALL`), or with `false` takes it back, as
    /// the ffmpeg CLI discards every stream that no output uses once it has opened and sought
    /// an input. Demuxers that can (Matroska, MP4, MPEG-TS, …) then skip its packets; one
    /// still read is the caller's to ignore. It can change which packets of the other streams
    /// come first after a seek: a Matroska demuxer that skips to the sought keyframe no longer
    /// sees the discarded video's keyframe end the skip, just as under the CLI's `-ss S -vn`.
    ///
    /// # Errors
    ///
    /// [`Error::StreamNotFound`] for an index past the last stream.
    pub fn set_discarded(&mut self, index: usize, discarded: bool) -> Result<()> {
        let stream = self.stream(index).ok_or_else(|| Error::StreamNotFound {
            kind: format!("stream {index}"),
        })?;
        let field = self.ffmpeg().layout().stream.discard;
        let value = if discarded {
            DISCARD_ALL
        } else {
            DISCARD_DEFAULT
        };
        // SAFETY: a live stream of this input, of the layout's family; the input is borrowed
        // mutably, so no other call reads the field meanwhile.
        unsafe { field.write(stream.as_ptr().cast_mut(), value) };
        Ok(())
    }
}
