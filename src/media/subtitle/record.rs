//! Between FFmpeg's `AVSubtitle` and [`Subtitle`]: a decoded record copied out (every
//! pointer and size checked before it is followed), and a [`Subtitle`] laid out as the
//! loaded family's record for an encoder to read.

use std::ffi::{CString, c_int};

use super::{Bitmap, Subtitle, SubtitleFormat, SubtitleRect};
use crate::abi::constants::NOPTS_VALUE;
use crate::abi::subtitle::{
    RectFields, SUBTITLE_ASS, SUBTITLE_BITMAP, SUBTITLE_FLAG_FORCED, SUBTITLE_TEXT, SubtitleRecord,
};
use crate::ffmpeg::error::{Error, Result};
use crate::sys::objects::AVSubtitleRect;

/// The most colours a subtitle palette has (PGS, DVB: 256).
const MAX_COLORS: usize = 256;

fn malformed(detail: impl Into<String>) -> Error {
    Error::InvalidData {
        operation: "avcodec_decode_subtitle2",
        message: detail.into(),
    }
}

/// Copies a record `avcodec_decode_subtitle2` filled.
///
/// # Safety
///
/// `record` was filled by that call of the family whose rectangles `fields` describes, and
/// not freed yet.
pub(super) unsafe fn read(record: &SubtitleRecord, fields: RectFields) -> Result<Subtitle> {
    let count = record.num_rects as usize;
    if count > 0 && record.rects.is_null() {
        return Err(malformed("rectangles counted but absent"));
    }
    let mut rects = Vec::with_capacity(count.min(64));
    for index in 0..count {
        // SAFETY: per the contract, `rects` holds `num_rects` rectangle pointers.
        let rect = unsafe { *record.rects.add(index) };
        if rect.is_null() {
            return Err(malformed("a rectangle is missing"));
        }
        // SAFETY: a rectangle of the record, of the fields' family.
        rects.push(unsafe { read_rect(rect, fields) }?);
    }
    Ok(Subtitle {
        format: if record.format == 0 {
            SubtitleFormat::Bitmap
        } else {
            SubtitleFormat::Text
        },
        pts: (record.pts != NOPTS_VALUE).then_some(record.pts),
        start_display_time: record.start_display_time,
        end_display_time: record.end_display_time,
        rects,
    })
}

/// # Safety
///
/// `rect` is a live rectangle FFmpeg filled, of the family of `fields`.
unsafe fn read_rect(rect: *const AVSubtitleRect, fields: RectFields) -> Result<SubtitleRect> {
    // SAFETY: per the contract; the strings are NULL or NUL-terminated.
    unsafe {
        Ok(match fields.kind.read(rect) {
            SUBTITLE_BITMAP => SubtitleRect::Bitmap(read_bitmap(rect, fields)?),
            SUBTITLE_TEXT => SubtitleRect::Text(crate::sys::c_text(fields.text.read(rect))),
            SUBTITLE_ASS => SubtitleRect::Ass(crate::sys::c_text(fields.ass.read(rect))),
            _ => SubtitleRect::Empty,
        })
    }
}

/// The bitmap's `w` bytes of each of its `h` rows (the padding up to `linesize` is not
/// FFmpeg's to have set) and its `nb_colors` palette entries.
///
/// # Safety
///
/// As for [`read_rect`], and the rectangle is a bitmap.
unsafe fn read_bitmap(rect: *const AVSubtitleRect, fields: RectFields) -> Result<Bitmap> {
    // SAFETY: per the contract.
    let (x, y, w, h, colors, data, linesize, flags) = unsafe {
        (
            fields.x.read(rect),
            fields.y.read(rect),
            fields.w.read(rect),
            fields.h.read(rect),
            fields.nb_colors.read(rect),
            fields.data.read(rect),
            fields.linesize.read(rect),
            fields.flags.read(rect),
        )
    };
    let (Ok(width), Ok(height), Ok(colors)) = (
        usize::try_from(w),
        usize::try_from(h),
        usize::try_from(colors),
    ) else {
        return Err(malformed(format!("a bitmap of {w}x{h}, {colors} colours")));
    };
    let mut pixels = Vec::new();
    if width > 0 && height > 0 {
        let stride = usize::try_from(linesize[0]).unwrap_or(0);
        if data[0].is_null() || stride < width {
            return Err(malformed("a bitmap without its pixels"));
        }
        pixels.reserve_exact(width * height);
        for row in 0..height {
            // SAFETY: FFmpeg allocated `h` rows of `linesize` bytes and wrote the first `w`
            // of each.
            let bytes = unsafe { std::slice::from_raw_parts(data[0].add(row * stride), width) };
            pixels.extend_from_slice(bytes);
        }
    }
    if colors > MAX_COLORS || (colors > 0 && data[1].is_null()) {
        return Err(malformed(format!("a palette of {colors} colours")));
    }
    let palette = (0..colors)
        // SAFETY: the palette holds `nb_colors` 32-bit entries.
        .map(|i| unsafe { data[1].cast::<u32>().add(i).read_unaligned() })
        .collect();
    Ok(Bitmap {
        x,
        y,
        width: width as u32,
        height: height as u32,
        pixels,
        palette,
        forced: flags & SUBTITLE_FLAG_FORCED != 0,
    })
}

/// A [`Subtitle`] laid out for an encoder: the record, and the rectangles, pointer table,
/// strings and palettes it points into. The bitmaps' pixels stay the caller's, borrowed for
/// `'a`; encoders only read them.
pub(super) struct Laid<'a> {
    pub record: SubtitleRecord,
    _rects: Vec<Box<[u64]>>,
    _table: Vec<*mut AVSubtitleRect>,
    _texts: Vec<CString>,
    // Boxed: each palette's address is in a rectangle, so it must not move as the Vec grows.
    #[allow(clippy::vec_box)]
    _palettes: Vec<Box<[u32; MAX_COLORS]>>,
    _borrowed: std::marker::PhantomData<&'a Subtitle>,
}

/// Lays `subtitle` out as the family of `fields` has it, shifted as the CLI shifts what it
/// encodes: shown from its start (`start_display_time` 0, `pts` moved by it).
pub(super) fn lay_out(subtitle: &Subtitle, fields: RectFields) -> Result<Laid<'_>> {
    let words = fields.size.div_ceil(8);
    let mut rects = Vec::with_capacity(subtitle.rects.len());
    let mut texts = Vec::new();
    let mut palettes = Vec::new();
    for rect in &subtitle.rects {
        let mut storage = vec![0u64; words].into_boxed_slice();
        let base = storage.as_mut_ptr().cast::<AVSubtitleRect>();
        // SAFETY: `base` is a zeroed, 8-aligned block of the family's rectangle size, which
        // the fields lie inside; the pointers written stay alive in `Laid`.
        unsafe {
            match rect {
                SubtitleRect::Bitmap(bitmap) => {
                    palettes.push(lay_out_bitmap(bitmap, base, fields)?);
                }
                SubtitleRect::Text(text) => {
                    let event = CString::new(ass_event(text))
                        .map_err(|_| Error::invalid_text("subtitle text", text))?;
                    fields.kind.write(base, SUBTITLE_ASS);
                    fields.ass.write(base, event.as_ptr().cast_mut());
                    texts.push(event);
                }
                SubtitleRect::Ass(event) => {
                    let event = CString::new(event.as_str())
                        .map_err(|_| Error::invalid_text("ASS event", event))?;
                    fields.kind.write(base, SUBTITLE_ASS);
                    fields.ass.write(base, event.as_ptr().cast_mut());
                    texts.push(event);
                }
                SubtitleRect::Empty => {}
            }
        }
        rects.push(storage);
    }
    let mut table: Vec<*mut AVSubtitleRect> = rects
        .iter_mut()
        .map(|storage| storage.as_mut_ptr().cast())
        .collect();
    let shown = subtitle
        .end_display_time
        .saturating_sub(subtitle.start_display_time);
    let record = SubtitleRecord {
        format: match subtitle.format {
            SubtitleFormat::Bitmap => 0,
            SubtitleFormat::Text => 1,
        },
        start_display_time: 0,
        end_display_time: shown,
        num_rects: u32::try_from(table.len())
            .map_err(|_| Error::out_of_range("subtitle rectangles", table.len()))?,
        rects: table.as_mut_ptr(),
        pts: subtitle.start_us().unwrap_or(NOPTS_VALUE),
    };
    Ok(Laid {
        record,
        _rects: rects,
        _table: table,
        _texts: texts,
        _palettes: palettes,
        _borrowed: std::marker::PhantomData,
    })
}

/// Lays a bitmap out in the rectangle at `base`, with its palette copied into the full
/// 256 entries FFmpeg's palettes have (`AVPALETTE_SIZE`): its DVD encoder reads all of them
/// whatever `nb_colors` says. The copy is returned, to live as long as the rectangle.
///
/// # Safety
///
/// `base` is a zeroed rectangle of the family of `fields`.
unsafe fn lay_out_bitmap(
    bitmap: &Bitmap,
    base: *mut AVSubtitleRect,
    fields: RectFields,
) -> Result<Box<[u32; MAX_COLORS]>> {
    let size = (bitmap.width as usize).checked_mul(bitmap.height as usize);
    if size != Some(bitmap.pixels.len()) {
        let detail = format!(
            "{} pixels for a {}x{} bitmap",
            bitmap.pixels.len(),
            bitmap.width,
            bitmap.height
        );
        return Err(Error::incompatible("SubtitleEncoder::encode", detail));
    }
    let colors = bitmap.palette.len();
    if colors == 0 || colors > MAX_COLORS {
        return Err(Error::out_of_range("palette colours", colors));
    }
    if let Some(index) = bitmap.pixels.iter().find(|&&i| usize::from(i) >= colors) {
        let detail = format!("pixel index {index} beyond a palette of {colors}");
        return Err(Error::incompatible("SubtitleEncoder::encode", detail));
    }
    let int =
        |what, value: u32| c_int::try_from(value).map_err(|_| Error::out_of_range(what, value));
    let (w, h) = (int("width", bitmap.width)?, int("height", bitmap.height)?);
    let mut palette = Box::new([0u32; MAX_COLORS]);
    palette[..colors].copy_from_slice(&bitmap.palette);
    let mut data = [std::ptr::null_mut(); 4];
    data[0] = bitmap.pixels.as_ptr().cast_mut();
    data[1] = palette.as_mut_ptr().cast::<u8>();
    // SAFETY: per the contract; the encoder only reads the pixels and palette.
    unsafe {
        fields.kind.write(base, SUBTITLE_BITMAP);
        fields.x.write(base, bitmap.x);
        fields.y.write(base, bitmap.y);
        fields.w.write(base, w);
        fields.h.write(base, h);
        fields.nb_colors.write(base, colors as c_int);
        fields.data.write(base, data);
        fields.linesize.write(base, [w, 0, 0, 0]);
        fields.flags.write(
            base,
            if bitmap.forced {
                SUBTITLE_FLAG_FORCED
            } else {
                0
            },
        );
    }
    Ok(palette)
}

/// Plain text as an ASS event in the `Default` style, escaped as ASS needs: line breaks as
/// `\N`, braces (which open override tags) as `\{` and `\}`.
fn ass_event(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 16);
    escaped.push_str("0,0,Default,,0,0,0,,");
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            escaped.push_str("\\N");
        }
        for c in line.chars() {
            match c {
                '{' | '}' | '\\' => {
                    escaped.push('\\');
                    escaped.push(c);
                }
                c => escaped.push(c),
            }
        }
    }
    escaped
}

/// The text of an ASS event without its eight leading fields and its override tags, with
/// `\N`/`\n` as line breaks and `\h` as a space.
pub(super) fn ass_plain_text(event: &str) -> String {
    let text = event.splitn(9, ',').nth(8).unwrap_or(event);
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
            }
            '\\' => match chars.next() {
                Some('N' | 'n') => plain.push('\n'),
                Some('h') => plain.push(' '),
                Some(other) => plain.push(other),
                None => plain.push('\\'),
            },
            c => plain.push(c),
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_becomes_one_escaped_event_and_back() {
        let event = ass_event("Hello {there}\nsecond line");
        assert_eq!(event, "0,0,Default,,0,0,0,,Hello \\{there\\}\\Nsecond line");
        assert_eq!(ass_plain_text(&event), "Hello {there}\nsecond line");
    }

    #[test]
    fn override_tags_and_fields_are_dropped() {
        let event = "3,0,Default,,0,0,0,,{\\i1}Hi{\\i0},\\hyou\\Nthere";
        assert_eq!(ass_plain_text(event), "Hi, you\nthere");
    }
}
