//! `AVSubtitle` and `AVSubtitleRect`, which `avcodec_decode_subtitle2` fills and
//! `avcodec_encode_subtitle` reads.
//!
//! `AVSubtitle` is allocated by the caller and has been the same in every family 4.x–9.x.
//! `AVSubtitleRect` has three layouts (Debian's headers of 58, 59, 61 and 63 say so):
//! libavcodec 58 still embeds the deprecated `AVPicture pict` before `data`; 59 drops it;
//! from 61 (7.0) `flags` comes before `type` instead of last (6.1's libavcodec 60 still has
//! 59's order, as its self-check showed). The self-check ([`check`]) decodes one SubRip cue
//! and reads it back, which tells the three apart: each puts `type` or `ass` elsewhere.

use std::ffi::{c_char, c_int, c_uint};
use std::mem::offset_of;

use super::field::Field;
use super::layout::{CodecContextLayout, PacketLayout};
use crate::sys::Rational;
use crate::sys::objects::{AVCodecContext, AVSubtitle, AVSubtitleRect};

/// `AVSubtitleType`: what a rectangle holds.
pub(crate) const SUBTITLE_BITMAP: c_int = 1;
pub(crate) const SUBTITLE_TEXT: c_int = 2;
pub(crate) const SUBTITLE_ASS: c_int = 3;
/// `AV_SUBTITLE_FLAG_FORCED`.
pub(crate) const SUBTITLE_FLAG_FORCED: c_int = 1;

/// `AVSubtitle`, as every family declares it.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct SubtitleRecord {
    pub format: u16,
    pub start_display_time: u32,
    pub end_display_time: u32,
    pub num_rects: c_uint,
    pub rects: *mut *mut AVSubtitleRect,
    pub pts: i64,
}

impl SubtitleRecord {
    /// What `avcodec_decode_subtitle2` expects to fill: nothing in it.
    pub(crate) fn empty() -> SubtitleRecord {
        SubtitleRecord {
            format: 0,
            start_display_time: 0,
            end_display_time: 0,
            num_rects: 0,
            rects: std::ptr::null_mut(),
            pts: super::constants::NOPTS_VALUE,
        }
    }

    /// The record as FFmpeg's functions take it.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut AVSubtitle {
        (self as *mut SubtitleRecord).cast()
    }
}

// The record and the libavcodec 58 rectangle are those bindgen generated from 58's headers.
const _: () = {
    use super::generated::v58;
    assert!(size_of::<SubtitleRecord>() == size_of::<v58::AVSubtitle>());
    assert!(offset_of!(SubtitleRecord, rects) == offset_of!(v58::AVSubtitle, rects));
    assert!(offset_of!(SubtitleRecord, pts) == offset_of!(v58::AVSubtitle, pts));
    assert!(size_of::<Rect58>() == size_of::<v58::AVSubtitleRect>());
    assert!(offset_of!(Rect58, data) == offset_of!(v58::AVSubtitleRect, data));
    assert!(offset_of!(Rect58, kind) == offset_of!(v58::AVSubtitleRect, type_));
    assert!(offset_of!(Rect58, flags) == offset_of!(v58::AVSubtitleRect, flags));
};

/// libavcodec 58: `AVPicture pict` (eight data pointers, eight line sizes) before `data`.
#[repr(C)]
struct Rect58 {
    x: c_int,
    y: c_int,
    w: c_int,
    h: c_int,
    nb_colors: c_int,
    pict: ([*mut u8; 8], [c_int; 8]),
    data: [*mut u8; 4],
    linesize: [c_int; 4],
    kind: c_int,
    text: *mut c_char,
    ass: *mut c_char,
    flags: c_int,
}

/// libavcodec 59 and 60.
#[repr(C)]
struct Rect59 {
    x: c_int,
    y: c_int,
    w: c_int,
    h: c_int,
    nb_colors: c_int,
    data: [*mut u8; 4],
    linesize: [c_int; 4],
    kind: c_int,
    text: *mut c_char,
    ass: *mut c_char,
    flags: c_int,
}

/// libavcodec 61 and later.
#[repr(C)]
struct Rect61 {
    x: c_int,
    y: c_int,
    w: c_int,
    h: c_int,
    nb_colors: c_int,
    data: [*mut u8; 4],
    linesize: [c_int; 4],
    flags: c_int,
    kind: c_int,
    text: *mut c_char,
    ass: *mut c_char,
}

/// Where the members of one family's `AVSubtitleRect` lie, and its size (the crate builds
/// rectangles of its own to encode).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RectFields {
    pub x: Field<AVSubtitleRect, c_int>,
    pub y: Field<AVSubtitleRect, c_int>,
    pub w: Field<AVSubtitleRect, c_int>,
    pub h: Field<AVSubtitleRect, c_int>,
    pub nb_colors: Field<AVSubtitleRect, c_int>,
    pub data: Field<AVSubtitleRect, [*mut u8; 4]>,
    pub linesize: Field<AVSubtitleRect, [c_int; 4]>,
    pub kind: Field<AVSubtitleRect, c_int>,
    pub text: Field<AVSubtitleRect, *mut c_char>,
    pub ass: Field<AVSubtitleRect, *mut c_char>,
    pub flags: Field<AVSubtitleRect, c_int>,
    pub size: usize,
}

macro_rules! rect_fields_of {
    ($rect:ident) => {
        RectFields {
            x: Field::same_layout(offset_of!($rect, x)),
            y: Field::same_layout(offset_of!($rect, y)),
            w: Field::same_layout(offset_of!($rect, w)),
            h: Field::same_layout(offset_of!($rect, h)),
            nb_colors: Field::same_layout(offset_of!($rect, nb_colors)),
            data: Field::same_layout(offset_of!($rect, data)),
            linesize: Field::same_layout(offset_of!($rect, linesize)),
            kind: Field::same_layout(offset_of!($rect, kind)),
            text: Field::same_layout(offset_of!($rect, text)),
            ass: Field::same_layout(offset_of!($rect, ass)),
            flags: Field::same_layout(offset_of!($rect, flags)),
            size: size_of::<$rect>(),
        }
    };
}

/// The rectangle layout of the family whose libavcodec major is `avcodec_major`.
pub(crate) fn rect_fields(avcodec_major: u64) -> RectFields {
    match avcodec_major {
        ..=58 => rect_fields_of!(Rect58),
        59 | 60 => rect_fields_of!(Rect59),
        _ => rect_fields_of!(Rect61),
    }
}

/// What the self-check found: `(structure, field, expected, found)`.
pub(super) type Fact = (&'static str, &'static str, String, String);

/// Proves the subtitle structs, and the codec context's `subtitle_header`, by opening FFmpeg's
/// SubRip decoder and decoding one cue: the header it writes is an ASS script, and the cue
/// comes back as one ASS rectangle with the packet's time. `None` when the build has no
/// SubRip decoder, so nothing could be proven.
///
/// # Safety
///
/// `functions`, `context` and `packet` are the loaded library's.
pub(super) unsafe fn check(
    functions: &crate::loader::functions::Functions,
    context_layout: &CodecContextLayout,
    packet_layout: &PacketLayout,
    avcodec_major: u64,
    rect: RectFields,
) -> Option<Vec<Fact>> {
    let f = functions;
    let mut facts = Vec::new();
    // SAFETY: FFmpeg's own decoder, context and packet, each field read only once the fields
    // before it proved their struct; everything is freed on every path.
    unsafe {
        let codec = (f.avcodec_find_decoder_by_name)(c"subrip".as_ptr());
        if codec.is_null() {
            return None;
        }
        let mut context = (f.avcodec_alloc_context3)(codec);
        let mut packet = (f.av_packet_alloc)();
        let cue = b"proof";
        let ready = !context.is_null()
            && !packet.is_null()
            && (f.av_new_packet)(packet, cue.len() as c_int) >= 0;
        if !ready {
            facts.push((
                "AVSubtitle",
                "(allocation)",
                "a decoder".into(),
                "none".into(),
            ));
        } else {
            context_layout
                .pkt_timebase
                .write(context, Rational::new(1, 1000));
            ask_for_plain_events(functions, avcodec_major, context);
            let opened = (f.avcodec_open2)(context, codec, std::ptr::null_mut());
            facts.push((
                "AVCodecContext",
                "(subrip opened)",
                "0".into(),
                opened.min(0).to_string(),
            ));
            if opened >= 0 {
                facts.extend(header_facts(context_layout, context));
                let data = packet_layout.data.read(packet);
                std::ptr::copy_nonoverlapping(cue.as_ptr(), data, cue.len());
                packet_layout.pts.write(packet, 2000);
                packet_layout.dts.write(packet, 2000);
                packet_layout.duration.write(packet, 1500);
                let mut subtitle = SubtitleRecord::empty();
                let mut got = 0;
                let status =
                    (f.avcodec_decode_subtitle2)(context, subtitle.as_mut_ptr(), &mut got, packet);
                facts.push((
                    "AVSubtitle",
                    "(decoded)",
                    "1".into(),
                    if status < 0 { status } else { got }.to_string(),
                ));
                if status >= 0 && got != 0 {
                    facts.extend(decoded_facts(&subtitle, rect));
                    (f.avsubtitle_free)(subtitle.as_mut_ptr());
                }
            }
        }
        (f.av_packet_free)(&mut packet);
        (f.avcodec_free_context)(&mut context);
    }
    Some(facts)
}

/// Asks a text subtitle decoder for ASS events without timings, the only kind from
/// libavcodec 59 on: libavcodec 58 gave events with timings (`Dialogue: 0,0:00:02.00,…`) unless
/// its `sub_text_format` option said `ass`, as the 4.x CLI set it. Later releases are left
/// alone (59 warns that the option does nothing; 60 removed it).
///
/// # Safety
///
/// `context` is a decoder context of that FFmpeg, not yet opened.
pub(crate) unsafe fn ask_for_plain_events(
    functions: &crate::loader::functions::Functions,
    avcodec_major: u64,
    context: *mut AVCodecContext,
) {
    if avcodec_major > 58 {
        return;
    }
    // SAFETY: per the contract; av_opt_set only finds the option in the context's class.
    unsafe {
        (functions.av_opt_set)(
            context.cast(),
            c"sub_text_format".as_ptr(),
            c"ass".as_ptr(),
            0,
        );
    }
}

/// The SubRip decoder's header: a NUL-terminated ASS script of the size given.
///
/// # Safety
///
/// `context` is an open decoder context of the layout's family.
unsafe fn header_facts(layout: &CodecContextLayout, context: *const AVCodecContext) -> Vec<Fact> {
    // SAFETY: per the contract; the header is NULL or a NUL-terminated string.
    let (header, size) = unsafe {
        (
            crate::sys::c_text(layout.subtitle_header.read(context).cast()),
            layout.subtitle_header_size.read(context),
        )
    };
    vec![
        (
            "AVCodecContext",
            "subtitle_header",
            "[Script Info]".into(),
            header.get(..13).unwrap_or(&header).to_owned(),
        ),
        (
            "AVCodecContext",
            "subtitle_header_size",
            header.len().to_string(),
            size.to_string(),
        ),
    ]
}

/// The decoded cue: text, shown from 0 to 1.5 s after 2 s, one ASS rectangle saying `proof`.
///
/// # Safety
///
/// `subtitle` was filled by `avcodec_decode_subtitle2` of the rectangles' family.
unsafe fn decoded_facts(subtitle: &SubtitleRecord, rect: RectFields) -> Vec<Fact> {
    let mut facts: Vec<Fact> = vec![
        (
            "AVSubtitle",
            "format",
            "1".into(),
            subtitle.format.to_string(),
        ),
        (
            "AVSubtitle",
            "start/end_display_time",
            "0/1500".into(),
            format!(
                "{}/{}",
                subtitle.start_display_time, subtitle.end_display_time
            ),
        ),
        (
            "AVSubtitle",
            "pts",
            "2000000".into(),
            subtitle.pts.to_string(),
        ),
        (
            "AVSubtitle",
            "num_rects",
            "1".into(),
            subtitle.num_rects.to_string(),
        ),
    ];
    if subtitle.num_rects != 1 || subtitle.rects.is_null() {
        return facts;
    }
    // SAFETY: one rectangle FFmpeg allocated, read at the offsets being proven; `ass` is read
    // only once `type` proved where the layout puts the members after it.
    unsafe {
        let first = *subtitle.rects;
        let kind = rect.kind.read(first);
        facts.push((
            "AVSubtitleRect",
            "type",
            SUBTITLE_ASS.to_string(),
            kind.to_string(),
        ));
        facts.push((
            "AVSubtitleRect",
            "flags",
            "0".into(),
            rect.flags.read(first).to_string(),
        ));
        if kind == SUBTITLE_ASS {
            let expected = "an event ending in ,proof";
            let ass = crate::sys::c_text(rect.ass.read(first));
            let found = if ass.ends_with(",proof") {
                expected.into()
            } else {
                ass
            };
            facts.push(("AVSubtitleRect", "ass", expected.into(), found));
        }
    }
    facts
}
