//! Subtitles: [`SubtitleDecoder`] turns a subtitle stream's packets into [`Subtitle`]s (text,
//! ASS events or bitmaps with their palette), [`SubtitleEncoder`] turns text subtitles (and
//! bitmaps, for the DVD and DVB encoders) back into packets to mux.
//!
//! FFmpeg decodes subtitles through other calls than pictures and sound
//! (`avcodec_decode_subtitle2`, `avcodec_encode_subtitle`), into a struct the caller
//! allocates; a [`Subtitle`] is a copy in Rust's memory, so it outlives the decoder and
//! crosses threads and loaded FFmpegs freely.

mod decoder;
mod encoder;
mod record;

pub use decoder::SubtitleDecoder;
pub use encoder::{DEFAULT_ASS_HEADER, SubtitleEncoder, SubtitleSettings};

/// One subtitle: what to show, from when to when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subtitle {
    /// Bitmaps or text (`AVSubtitle.format`), as the decoder said.
    pub format: SubtitleFormat,
    /// The packet's time, in microseconds on the stream's timeline; `None` when it had none.
    pub pts: Option<i64>,
    /// When to show it, in milliseconds after [`Subtitle::pts`].
    pub start_display_time: u32,
    /// When to stop showing it, in milliseconds after [`Subtitle::pts`]. Bitmap streams often
    /// leave it open (`u32::MAX` or 0) and end a subtitle with the next, empty, one.
    pub end_display_time: u32,
    /// What to show; none clears the screen.
    pub rects: Vec<SubtitleRect>,
}

/// Whether a subtitle is made of bitmaps or of text (`AVSubtitle.format` 0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubtitleFormat {
    /// Pictures (DVD, DVB, PGS).
    Bitmap,
    /// Text or ASS events.
    Text,
}

/// One rectangle of a subtitle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubtitleRect {
    /// A picture of palette indices.
    Bitmap(Bitmap),
    /// Plain text.
    Text(String),
    /// An ASS event, as FFmpeg's text decoders give them and its encoders take them:
    /// `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text` (no `Dialogue:` and no
    /// times; those are the subtitle's).
    Ass(String),
    /// A rectangle of no kind (`SUBTITLE_NONE`).
    Empty,
}

/// A bitmap rectangle: `width` × `height` palette indices, placed at (`x`, `y`) on the
/// video.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bitmap {
    /// Left edge on the video, in pixels.
    pub x: i32,
    /// Top edge on the video, in pixels.
    pub y: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// One palette index per pixel, row after row (`width` × `height`).
    pub pixels: Vec<u8>,
    /// The colours, as FFmpeg's palettes hold them: `0xAARRGGBB`.
    pub palette: Vec<u32>,
    /// Shown even when subtitles are off (`AV_SUBTITLE_FLAG_FORCED`).
    pub forced: bool,
}

impl Subtitle {
    /// Text shown from `start_us` to `end_us` (microseconds), as one ASS event in the
    /// `Default` style (line breaks become ASS's `\N`): what a text encoder takes.
    pub fn text(start_us: i64, end_us: i64, text: &str) -> Subtitle {
        let duration_ms = (end_us.saturating_sub(start_us) / 1000).clamp(0, u32::MAX.into());
        Subtitle {
            format: SubtitleFormat::Text,
            pts: Some(start_us),
            start_display_time: 0,
            end_display_time: duration_ms as u32,
            rects: vec![SubtitleRect::Text(text.to_owned())],
        }
    }

    /// When it appears, in microseconds on the stream's timeline.
    pub fn start_us(&self) -> Option<i64> {
        self.pts
            .map(|pts| pts.saturating_add(i64::from(self.start_display_time) * 1000))
    }

    /// When it disappears, in microseconds on the stream's timeline.
    pub fn end_us(&self) -> Option<i64> {
        self.pts
            .map(|pts| pts.saturating_add(i64::from(self.end_display_time) * 1000))
    }
}

impl SubtitleRect {
    /// The text of a text or ASS rectangle, without ASS's fields and override tags
    /// (`{\i1}`) and with `\N` as a line break: what a viewer shows.
    pub fn plain_text(&self) -> Option<String> {
        match self {
            SubtitleRect::Text(text) => Some(text.clone()),
            SubtitleRect::Ass(event) => Some(record::ass_plain_text(event)),
            _ => None,
        }
    }
}
