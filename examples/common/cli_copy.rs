//! What the ffmpeg CLI carries from its input to its output unless told otherwise, shared by
//! `remux` and `transcode`: the container's tags, the chapters, and, for an encoded stream,
//! its source's tags and disposition.

use ffmpeg_runtime::format::{Input, MediaType, Output, Stream};
use ffmpeg_runtime::{Library, Rational};

/// The container tags the CLI does not carry over.
const DROPPED: [&str; 4] = [
    "creation_time",
    "company_name",
    "product_name",
    "product_version",
];

/// `AV_DISPOSITION_DEFAULT` and `AV_DISPOSITION_ATTACHED_PIC`.
const DEFAULT: u32 = 0x1;
const ATTACHED_PICTURE: u32 = 0x400;

/// The input's container tags but those the CLI drops, and the muxer's `encoder`
/// (`Lavf` and the loaded libavformat's version), as the CLI writes it. As the CLI, every
/// tag is copied and the dropped ones then removed: FFmpeg's dictionary fills the place of
/// a removed tag with its last one, which is the order the CLI writes them in. Where the
/// output is `limited` in time (the CLI's `-t`), the input's `duration` tag goes too.
pub fn copy_container_tags(
    input: &Input,
    output: &mut Output,
    limited: bool,
) -> ffmpeg_runtime::Result<()> {
    for (key, value) in input.metadata() {
        output.set_metadata(&key, Some(&value))?;
    }
    if limited {
        output.set_metadata("duration", None)?;
    }
    for key in DROPPED {
        output.set_metadata(key, None)?;
    }
    let avformat = output.ffmpeg().library(Library::AvFormat);
    let version = avformat.expect("a required library").version();
    let ident = format!("Lavf{}.{}.{}", version.major, version.minor, version.patch);
    output.set_metadata("encoder", Some(&ident))
}

/// An encoded stream's tags and disposition from the stream it was encoded from, and its
/// `encoder` tag naming the encoder (`Lavc59.37.100 libx264`), as the CLI sets them; with
/// `turned_upright`, without 4.x's `rotate` tag, as the CLI drops it when it turns the
/// pictures. As for the container's tags, those dropped are removed after the copy, in the
/// CLI's order (FFmpeg's keys ignore case). From 8.0 the CLI names the encoder first and
/// copies the other tags after it, so that the tag comes first in what is written.
pub fn copy_stream_tags(
    output: &mut Output,
    index: usize,
    source: &Stream<'_>,
    encoder: &str,
    turned_upright: bool,
) -> ffmpeg_runtime::Result<()> {
    let encoder_first = output.ffmpeg().release_version() >= ENCODER_TAG_FIRST;
    if encoder_first {
        set_encoder_tag(output, index, encoder)?;
    }
    for (key, value) in source.metadata() {
        // The source's encoder is not this stream's.
        if !key.eq_ignore_ascii_case("encoder") {
            output.set_stream_metadata(index, &key, Some(&value))?;
        }
    }
    if turned_upright {
        output.set_stream_metadata(index, "rotate", None)?;
    }
    if !encoder_first {
        set_encoder_tag(output, index, encoder)?;
    }
    output.set_stream_disposition(index, source.disposition())
}

/// The first release whose CLI sets an encoded stream's `encoder` tag before copying the
/// input stream's tags (8.0; 7.1 set it after).
const ENCODER_TAG_FIRST: (u8, u8) = (8, 0);

/// An encoded stream's `encoder` tag naming its encoder (`Lavc59.37.100 libx264`), as the CLI
/// sets it.
pub fn set_encoder_tag(
    output: &mut Output,
    index: usize,
    encoder: &str,
) -> ffmpeg_runtime::Result<()> {
    let avcodec = output.ffmpeg().library(Library::AvCodec);
    let version = avcodec.expect("a required library").version();
    let ident = format!(
        "Lavc{}.{}.{} {encoder}",
        version.major, version.minor, version.patch
    );
    output.set_stream_metadata(index, "encoder", Some(&ident))
}

/// Of each kind with several streams none of which is the default, the first (not a cover
/// picture) becomes the default, as the CLI marks it; `kinds` holds each output stream's
/// index, kind and disposition.
pub fn mark_defaults(
    output: &mut Output,
    kinds: &[(usize, MediaType, u32)],
) -> ffmpeg_runtime::Result<()> {
    for kind in [MediaType::Video, MediaType::Audio, MediaType::Subtitle] {
        let of_kind: Vec<_> = kinds.iter().filter(|(_, k, _)| *k == kind).collect();
        if of_kind.len() < 2 || of_kind.iter().any(|(_, _, d)| d & DEFAULT != 0) {
            continue;
        }
        if let Some((index, _, disposition)) =
            of_kind.iter().find(|(_, _, d)| d & ATTACHED_PICTURE == 0)
        {
            output.set_stream_disposition(*index, disposition | DEFAULT)?;
        }
    }
    Ok(())
}

/// The input's chapters, with their ids and tags, moved back by the input's start as the
/// CLI moves them (those that end before it are dropped, one that straddles it starts at
/// zero); where the output ends at `limit_us` (the CLI's `-t`), those that start after it
/// are dropped and the last ends there at the latest.
pub fn copy_chapters(
    input: &Input,
    output: &mut Output,
    start_us: i64,
    limit_us: Option<i64>,
) -> ffmpeg_runtime::Result<()> {
    for mut chapter in input.chapters() {
        let ticks = |us: i64| Rational::MICROSECONDS.rescale(us, chapter.time_base);
        let offset = ticks(start_us).unwrap_or(0);
        let limit = limit_us.map(|us| ticks(us).unwrap_or(i64::MAX));
        if chapter.end < offset {
            continue;
        }
        if limit.is_some_and(|limit| chapter.start > limit.saturating_add(offset)) {
            break;
        }
        chapter.start = (chapter.start - offset).max(0);
        chapter.end = (chapter.end - offset).min(limit.unwrap_or(i64::MAX));
        output.add_chapter(&chapter)?;
    }
    Ok(())
}
