//! Which streams are used: [`Input::auto_selected_stream`], the stream of each kind that the
//! ffmpeg CLI takes when it is given no `-map`, and [`Input::set_discarded`], which leaves a
//! stream unread as the CLI leaves those no output uses.

use super::input::Input;
use super::stream::{MediaType, Stream};
use crate::abi::constants::{DISCARD_ALL, DISCARD_DEFAULT};
use crate::ffmpeg::error::{Error, Result};

/// What ranks a stream above its size or channel count in the CLI's choice: packets read
/// while the input was opened, then the default mark (the CLI's own weights).
const READ_WHILE_OPENING: i64 = 100_000_000;
const MARKED_DEFAULT: i64 = 5_000_000;

impl Input {
    /// The stream of `kind` that the ffmpeg CLI takes for an output when no `-map` is given
    /// (its automatic stream selection): of the video streams, the one of the largest
    /// picture; of the audio streams, the one of the most channels; the first subtitle
    /// stream. Above size and channels, a stream whose packets were read while the input was
    /// opened ranks first, then a stream marked default; a cover picture ranks below every
    /// other video stream; among equals, the first wins. A video stream of unknown size and
    /// an audio stream of unknown channels, neither read nor marked, are never taken. Data
    /// and attachment streams never are: `None`. (Of subtitles, the CLI then skips one that
    /// its output's subtitle encoder cannot take, a bitmap one for a text encoder, say; this
    /// knows no output.)
    ///
    /// [`Input::best_stream`] is FFmpeg's own choice, which weighs bit rate instead, and
    /// differs where two video streams share a size or two audio streams a channel count.
    pub fn auto_selected_stream(&self, kind: MediaType) -> Option<Stream<'_>> {
        let measure: fn(&Stream<'_>) -> i64 = match kind {
            MediaType::Subtitle => {
                return self.streams().find(|s| s.media_type() == kind);
            }
            MediaType::Video => |s| i64::from(s.width()) * i64::from(s.height()),
            MediaType::Audio => |s| s.channels().map_or(0, i64::from),
            _ => return None,
        };
        let score = |stream: &Stream<'_>| {
            if stream.is_attached_picture() {
                return 1;
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
        best.map(|(_, stream)| stream)
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
