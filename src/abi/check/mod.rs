//! The self-check at load: before first use, the chosen [`Layout`] is proven against the
//! library itself, and a library whose layout cannot be proven is refused.
//!
//! Three kinds of evidence, none of which trusts our own offsets:
//! - FFmpeg's option tables report the real offsets of AVCodecContext and AVFormatContext
//!   fields (`av_opt_find(...)->offset`), and the option's name reads back (proving AVOption);
//! - freshly allocated objects have documented defaults (`pts == AV_NOPTS_VALUE`,
//!   `format == -1`, …) at our offsets;
//! - FFmpeg functions read what we wrote and write where we read: `av_frame_get_buffer` on our
//!   width, height and format fills `data` and `linesize`; `avcodec_parameters_from_context`
//!   copies our context fields into parameters; `avformat_new_stream` and
//!   `avio_alloc_context` fill stream and I/O fields we then read;
//! - libavfilter parses small graphs, whose open pads and filters we read back.

mod encoder_side_data;
mod packet_origin;
mod pixel_format;
mod stream_group;

use std::ffi::{CStr, c_int, c_void};
use std::fmt::Display;

use super::constants;
use super::field::Field;
use super::layout::Layout;
use crate::loader::error::Refusal;
use crate::loader::functions::Functions;
use crate::sys::objects::{AVFormatContext, AVFrame};
use crate::sys::{Rational, RawChannelLayout};

use constants::NOPTS_VALUE as NOPTS;
use constants::{CHANNEL_MASK_STEREO, CHANNEL_ORDER_NATIVE};
const UNSET: Rational = Rational { num: 0, den: 1 };

/// What the check found wrong: the struct, the field, what was expected and what was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AbiMismatch {
    pub structure: &'static str,
    pub field: &'static str,
    pub expected: String,
    pub found: String,
}

impl From<AbiMismatch> for Refusal {
    fn from(mismatch: AbiMismatch) -> Refusal {
        Refusal::AbiMismatch {
            structure: mismatch.structure,
            field: mismatch.field,
            expected: mismatch.expected,
            found: mismatch.found,
        }
    }
}

struct Checker<'a> {
    functions: &'a Functions,
    layout: &'a Layout,
    passed: usize,
}

impl Checker<'_> {
    fn expect<T: PartialEq + Display>(
        &mut self,
        structure: &'static str,
        field: &'static str,
        expected: T,
        found: T,
    ) -> Result<(), AbiMismatch> {
        if expected == found {
            self.passed += 1;
            Ok(())
        } else {
            let (expected, found) = (expected.to_string(), found.to_string());
            Err(AbiMismatch {
                structure,
                field,
                expected,
                found,
            })
        }
    }

    fn expect_that(
        &mut self,
        structure: &'static str,
        field: &'static str,
        holds: bool,
        expected: &str,
    ) -> Result<(), AbiMismatch> {
        let found = if holds { expected } else { "something else" };
        self.expect(structure, field, expected, found)
    }

    fn allocated<O>(&self, structure: &'static str, object: *const O) -> Result<(), AbiMismatch> {
        if object.is_null() {
            let expected = "an allocation".into();
            return Err(AbiMismatch {
                structure,
                field: "(allocation)",
                expected,
                found: "NULL".into(),
            });
        }
        Ok(())
    }

    /// The field that FFmpeg's own option `name` of `object` describes is `field`.
    ///
    /// # Safety
    ///
    /// `object` is a live object with an AVClass whose options include `name`.
    unsafe fn option_offset<O, T: Copy>(
        &mut self,
        structure: &'static str,
        object: *mut O,
        name: &'static CStr,
        field: Field<O, T>,
    ) -> Result<(), AbiMismatch> {
        let what = name.to_str().unwrap_or("?");
        // SAFETY: av_opt_find only reads the object's class and its static option table.
        let option = unsafe {
            (self.functions.av_opt_find)(object.cast(), name.as_ptr(), std::ptr::null(), 0, 0)
        };
        if option.is_null() {
            let (expected, found) = (format!("option {what}"), "no such option".into());
            return Err(AbiMismatch {
                structure,
                field: what,
                expected,
                found,
            });
        }
        let option_layout = &self.layout.option;
        // SAFETY: a non-null AVOption from FFmpeg's static table; its name is a static string.
        let (read_name, offset) = unsafe {
            (
                CStr::from_ptr(option_layout.name.read(option)),
                option_layout.offset.read(option),
            )
        };
        self.expect(
            "AVOption",
            "name",
            name.to_string_lossy(),
            read_name.to_string_lossy(),
        )?;
        self.expect(structure, what, field.offset() as c_int, offset)
    }
}

/// Proves `layout` against the library; returns how many facts were checked.
///
/// # Errors
///
/// The first mismatch, naming the struct and field.
pub(crate) fn check(functions: &Functions, layout: &Layout) -> Result<usize, AbiMismatch> {
    let mut checker = Checker {
        functions,
        layout,
        passed: 0,
    };
    // SAFETY: each step allocates its objects with FFmpeg's own allocators, touches them only
    // through fields whose offsets it is verifying in order (each read is inside the struct in
    // every family), and frees them whether the step passed or not.
    unsafe {
        codec_context(&mut checker)?;
        format_context(&mut checker)?;
        frame(&mut checker)?;
        frame_side_data(&mut checker)?;
        packet(&mut checker)?;
        packet_origin::packet_origin(&mut checker)?;
        io_context(&mut checker)?;
        constants(&mut checker)?;
        pixel_format::pixel_format_descriptor(&mut checker)?;
        codecs_and_formats(&mut checker)?;
    }
    Ok(checker.passed)
}

/// Proves `AVBSFContext`'s fields for the family of libavcodec `avcodec_major`.
pub(crate) fn check_bitstream_filters(
    functions: &Functions,
    layout: &Layout,
    avcodec_major: u64,
) -> Result<usize, AbiMismatch> {
    let mut checker = Checker {
        functions,
        layout,
        passed: 0,
    };
    let fields = super::bsf::bsf_fields(avcodec_major);
    let codec_type = layout.codec_parameters.codec_type;
    // SAFETY: `functions` and the layout are the loaded library's own.
    for (field, expected, found) in unsafe { super::bsf::check(functions, codec_type, fields) } {
        checker.expect("AVBSFContext", field, expected, found)?;
    }
    Ok(checker.passed)
}

/// Proves `AVCodecContext.decoded_side_data` (7.1 on): `Ok(None)` where it cannot be proven
/// (no such field, or no `rawvideo` encoder to prove it with). Apart from [`check`]: where
/// it is not proven, the field is left out, not the whole FFmpeg.
pub(crate) fn check_encoder_side_data(
    functions: &Functions,
    layout: &Layout,
) -> Result<Option<usize>, AbiMismatch> {
    let mut checker = Checker {
        functions,
        layout,
        passed: 0,
    };
    // SAFETY: `functions` and the layout are the loaded library's own; the step allocates
    // its objects with FFmpeg's allocators and frees them whether it passed or not.
    let proven = unsafe { encoder_side_data::encoder_side_data(&mut checker)? };
    Ok(proven.then_some(checker.passed))
}

/// Proves the subtitle structs for the family of libavcodec `avcodec_major`: `Ok(None)` when
/// the build has no SubRip decoder to prove them with (subtitles are then refused).
pub(crate) fn check_subtitles(
    functions: &Functions,
    layout: &Layout,
    avcodec_major: u64,
) -> Result<Option<usize>, AbiMismatch> {
    let mut checker = Checker {
        functions,
        layout,
        passed: 0,
    };
    let rect = super::subtitle::rect_fields(avcodec_major);
    // SAFETY: `functions` and the layout are the loaded library's own.
    let facts = unsafe {
        super::subtitle::check(
            functions,
            &layout.codec_context,
            &layout.packet,
            avcodec_major,
            rect,
        )
    };
    let Some(facts) = facts else {
        return Ok(None);
    };
    for (structure, field, expected, found) in facts {
        checker.expect(structure, field, expected, found)?;
    }
    Ok(Some(checker.passed))
}

/// Proves libavfilter's structs (when the build has it) by parsing small graphs. Apart from
/// [`check`]: libavfilter is optional, so a failure here leaves only filters out.
pub(crate) fn check_filters(
    functions: &Functions,
    layout: &Layout,
    avfilter_major: u64,
) -> Result<usize, AbiMismatch> {
    let mut checker = Checker {
        functions,
        layout,
        passed: 0,
    };
    // SAFETY: `functions` are the loaded library's own.
    for (structure, expected, found) in unsafe { super::filter::check(functions, avfilter_major) } {
        checker.expect(structure, "(parsed graph)", expected, found)?;
    }
    // SAFETY: as above; the layout is the loaded family's.
    let carried = unsafe {
        super::filter::check_source_side_data(functions, &layout.frame_side_data, avfilter_major)
    };
    for (structure, expected, found) in carried {
        checker.expect(structure, "(configured graph)", expected, found)?;
    }
    Ok(checker.passed)
}

/// # Safety
///
/// See [`check`].
unsafe fn codec_context(c: &mut Checker) -> Result<(), AbiMismatch> {
    let (f, l) = (c.functions, &c.layout.codec_context);
    const S: &str = "AVCodecContext";
    // SAFETY: a NULL codec gives a context with defaults only.
    let mut context = unsafe { (f.avcodec_alloc_context3)(std::ptr::null()) };
    c.allocated(S, context)?;
    // SAFETY: likewise for parameters.
    let mut parameters = unsafe { (f.avcodec_parameters_alloc)() };
    let result = (|| {
        c.allocated("AVCodecParameters", parameters)?;
        // SAFETY: `context` is live and has AVCodecContext's options.
        unsafe {
            c.option_offset(S, context, c"b", l.bit_rate)?;
            c.option_offset(S, context, c"flags", l.flags)?;
            c.option_offset(S, context, c"flags2", l.flags2)?;
            c.option_offset(S, context, c"g", l.gop_size)?;
            c.option_offset(S, context, c"bf", l.max_b_frames)?;
            c.option_offset(S, context, c"ar", l.sample_rate)?;
            c.option_offset(S, context, c"threads", l.thread_count)?;
            c.option_offset(S, context, c"thread_type", l.thread_type)?;
            c.option_offset(S, context, c"skip_frame", l.skip_frame)?;
            c.option_offset(S, context, c"pixel_format", l.pix_fmt)?;
            c.option_offset(S, context, c"time_base", l.time_base)?;
            c.option_offset(S, context, c"pkt_timebase", l.pkt_timebase)?;
            c.option_offset(S, context, c"video_size", l.width)?;
            c.option_offset(S, context, c"refs", l.refs)?;
            c.option_offset(S, context, c"maxrate", l.rc_max_rate)?;
            if let Some(channels) = l.channels {
                c.option_offset(S, context, c"ac", channels)?;
            }
            if let Some(ch_layout) = l.ch_layout {
                c.option_offset(S, context, c"ch_layout", ch_layout)?;
            }
        }
        // SAFETY: reads of a live context at offsets proven above or inside the struct.
        unsafe {
            c.expect(S, "av_class", true, !l.av_class.read(context).is_null())?;
            c.expect(S, "time_base", UNSET, l.time_base.read(context))?;
            c.expect(
                S,
                "sample_aspect_ratio",
                UNSET,
                l.sample_aspect_ratio.read(context),
            )?;
            c.expect(S, "pix_fmt", -1, l.pix_fmt.read(context))?;
            c.expect(S, "sample_fmt", -1, l.sample_fmt.read(context))?;
        }
        // Values FFmpeg copies into AVCodecParameters: proves both layouts at once.
        let yuv420p = pixel_format(f, c"yuv420p");
        // SAFETY: writes into the live context at proven offsets; then FFmpeg copies them.
        unsafe {
            l.codec_type.write(context, 0); // AVMEDIA_TYPE_VIDEO
            l.width.write(context, 320);
            l.height.write(context, 240);
            l.pix_fmt.write(context, yuv420p);
            l.bit_rate.write(context, 123_456);
            l.has_b_frames.write(context, 2);
            l.sample_aspect_ratio
                .write(context, Rational { num: 4, den: 3 });
            let status = (f.avcodec_parameters_from_context)(parameters, context);
            c.expect("AVCodecParameters", "(copy from context)", 0, status)?;
        }
        let p = &c.layout.codec_parameters;
        const P: &str = "AVCodecParameters";
        // SAFETY: reads of live parameters.
        unsafe {
            c.expect(P, "codec_type", 0, p.codec_type.read(parameters))?;
            c.expect(P, "width", 320, p.width.read(parameters))?;
            c.expect(P, "height", 240, p.height.read(parameters))?;
            c.expect(P, "format", yuv420p, p.format.read(parameters))?;
            c.expect(P, "bit_rate", 123_456, p.bit_rate.read(parameters))?;
            c.expect(P, "video_delay", 2, p.video_delay.read(parameters))?;
            let sar = Rational { num: 4, den: 3 };
            c.expect(
                P,
                "sample_aspect_ratio",
                sar,
                p.sample_aspect_ratio.read(parameters),
            )?;
        }
        Ok(())
    })();
    // SAFETY: both were allocated above by their own allocators (NULL is accepted too).
    unsafe {
        (f.avcodec_parameters_free)(&mut parameters);
        (f.avcodec_free_context)(&mut context);
    }
    result
}

/// # Safety
///
/// See [`check`].
unsafe fn format_context(c: &mut Checker) -> Result<(), AbiMismatch> {
    let (f, l) = (c.functions, &c.layout.format_context);
    const S: &str = "AVFormatContext";
    // SAFETY: allocates a context with defaults.
    let context = unsafe { (f.avformat_alloc_context)() };
    c.allocated(S, context)?;
    let result = (|| {
        // SAFETY: `context` is live and has AVFormatContext's options.
        unsafe {
            c.option_offset(S, context, c"probesize", l.probesize)?;
            c.option_offset(S, context, c"fflags", l.flags)?;
            c.option_offset(S, context, c"analyzeduration", l.max_analyze_duration)?;
            c.option_offset(S, context, c"packetsize", l.packet_size)?;
            c.option_offset(S, context, c"max_delay", l.max_delay)?;
        }
        // SAFETY: reads of the live context; the stream is FFmpeg's, owned by the context.
        unsafe {
            c.expect(S, "av_class", true, !l.av_class.read(context).is_null())?;
            c.expect(S, "nb_streams", 0, l.nb_streams.read(context))?;
            let stream = (f.avformat_new_stream)(context, std::ptr::null());
            c.allocated("AVStream", stream)?;
            c.expect(S, "nb_streams", 1, l.nb_streams.read(context))?;
            let streams = l.streams.read(context);
            c.expect_that(
                S,
                "streams",
                !streams.is_null() && *streams == stream,
                "the new stream",
            )?;
            let s = &c.layout.stream;
            const T: &str = "AVStream";
            c.expect(T, "index", 0, s.index.read(stream))?;
            c.expect(T, "start_time", NOPTS, s.start_time.read(stream))?;
            c.expect(T, "duration", NOPTS, s.duration.read(stream))?;
            c.expect(T, "nb_frames", 0, s.nb_frames.read(stream))?;
            c.expect(T, "disposition", 0, s.disposition.read(stream))?;
            c.expect(T, "discard", 0, s.discard.read(stream))?; // AVDISCARD_DEFAULT
            c.expect(T, "event_flags", 0, s.event_flags.read(stream))?;
            if let Some(frames) = s.codec_info_nb_frames {
                c.expect(T, "codec_info_nb_frames", 0, frames.read(stream))?;
            }
            let parameters = s.codecpar.read(stream);
            c.expect_that(T, "codecpar", !parameters.is_null(), "parameters")?;
            let p = &c.layout.codec_parameters;
            c.expect(
                "AVCodecParameters",
                "codec_type",
                -1,
                p.codec_type.read(parameters),
            )?;
            c.expect("AVCodecParameters", "format", -1, p.format.read(parameters))?;
        }
        // SAFETY: the program and the group are FFmpeg's, owned by the live context, whose
        // one stream is the first of its list.
        unsafe {
            program(c, context)?;
            let stream = *l.streams.read(context);
            stream_group::stream_group(c, context, stream)
        }
    })();
    // SAFETY: allocated above; frees its streams too.
    unsafe { (f.avformat_free_context)(context) };
    result
}

/// A program added to `context` (a live context with one stream): its fields as
/// `av_new_program` sets them, then its stream list as `av_program_add_stream_index` grows it.
///
/// # Safety
///
/// `context` is a live context with one stream, this layout's.
unsafe fn program(c: &mut Checker, context: *mut AVFormatContext) -> Result<(), AbiMismatch> {
    let (f, l, p) = (c.functions, &c.layout.format_context, &c.layout.program);
    const S: &str = "AVProgram";
    const ID: c_int = 0x1234;
    // SAFETY: per the contract; FFmpeg allocates the program into the context's list.
    unsafe {
        let program = (f.av_new_program)(context, ID);
        c.allocated(S, program)?;
        c.expect(
            "AVFormatContext",
            "nb_programs",
            1,
            l.nb_programs.read(context),
        )?;
        let programs = l.programs.read(context);
        let listed = !programs.is_null() && *programs == program;
        c.expect_that("AVFormatContext", "programs", listed, "the new program")?;
        c.expect(S, "id", ID, p.id.read(program))?;
        c.expect(S, "discard", -16, p.discard.read(program))?; // AVDISCARD_NONE
        c.expect(S, "nb_stream_indexes", 0, p.nb_stream_indexes.read(program))?;
        c.expect(S, "program_num", 0, p.program_num.read(program))?;
        c.expect(S, "pcr_pid", 0, p.pcr_pid.read(program))?;
        (f.av_program_add_stream_index)(context, ID, 0);
        c.expect(S, "nb_stream_indexes", 1, p.nb_stream_indexes.read(program))?;
        let indexes = p.stream_index.read(program);
        let first = !indexes.is_null() && *indexes == 0;
        c.expect_that(S, "stream_index", first, "the stream added")?;
    }
    Ok(())
}

/// # Safety
///
/// See [`check`].
unsafe fn frame(c: &mut Checker) -> Result<(), AbiMismatch> {
    let (f, l) = (c.functions, &c.layout.frame);
    const S: &str = "AVFrame";
    // SAFETY: allocates a frame with defaults.
    let mut frame = unsafe { (f.av_frame_alloc)() };
    c.allocated(S, frame)?;
    let result = (|| {
        // SAFETY: reads and writes of the live frame at the offsets under test, then FFmpeg
        // allocates buffers from what we wrote.
        unsafe {
            c.expect(S, "pts", NOPTS, l.pts.read(frame))?;
            c.expect(S, "pkt_dts", NOPTS, l.pkt_dts.read(frame))?;
            c.expect(
                S,
                "best_effort_timestamp",
                NOPTS,
                l.best_effort_timestamp.read(frame),
            )?;
            c.expect(S, "format", -1, l.format.read(frame))?;
            c.expect(S, "width", 0, l.width.read(frame))?;
            c.expect(
                S,
                "sample_aspect_ratio",
                UNSET,
                l.sample_aspect_ratio.read(frame),
            )?;
            if let Some(key_frame) = l.key_frame {
                // 1 until FFmpeg 6.1 moved the key flag into `flags`, 0 since: a boolean.
                let value = key_frame.read(frame);
                c.expect_that(S, "key_frame", value == 0 || value == 1, "0 or 1")?;
            }
            if let Some(time_base) = l.time_base {
                c.expect(S, "time_base", UNSET, time_base.read(frame))?;
            }
            if let Some(duration) = l.duration {
                c.expect(S, "duration", 0, duration.read(frame))?;
            }
            // The packet's position and size default to -1 ("unknown"); the rest to zero.
            if let (Some(position), Some(size)) = (l.pkt_pos, l.pkt_size) {
                c.expect(S, "pkt_pos", -1, position.read(frame))?;
                c.expect(S, "pkt_size", -1, size.read(frame))?;
            }
            c.expect(S, "repeat_pict", 0, l.repeat_pict.read(frame))?;
            c.expect(S, "chroma_location", 0, l.chroma_location.read(frame))?;
            c.expect_that(S, "metadata", l.metadata.read(frame).is_null(), "none")?;
            l.width.write(frame, 66);
            l.height.write(frame, 50);
            l.format.write(frame, pixel_format(f, c"yuv420p"));
            c.expect(
                S,
                "(get_buffer: video)",
                0,
                (f.av_frame_get_buffer)(frame, 0),
            )?;
            let data = l.data.read(frame);
            let linesize = l.linesize.read(frame);
            let planes = data.iter().take_while(|p| !p.is_null()).count();
            c.expect(S, "data", 3, planes)?;
            c.expect_that(
                S,
                "linesize",
                linesize[0] >= 66 && linesize[1] >= 33 && linesize[2] >= 33 && linesize[3] == 0,
                "three planes of 66, 33, 33",
            )?;
            let data_address = l.data.address(frame) as *mut *mut u8;
            c.expect_that(
                S,
                "extended_data",
                l.extended_data.read(frame) == data_address,
                "&data",
            )?;
            c.expect_that(S, "buf", !l.buf.read(frame)[0].is_null(), "a buffer")?;
        }
        // SAFETY: releases the video buffers and resets the frame, then tests audio fields.
        unsafe {
            (f.av_frame_free)(&mut frame);
            frame = (f.av_frame_alloc)();
            c.allocated(S, frame)?;
            audio_frame(c, frame)
        }
    })();
    // SAFETY: allocated above (NULL is accepted).
    unsafe { (f.av_frame_free)(&mut frame) };
    result
}

/// # Safety
///
/// `frame` is a fresh frame.
unsafe fn audio_frame(c: &mut Checker, frame: *mut AVFrame) -> Result<(), AbiMismatch> {
    let (f, l) = (c.functions, &c.layout.frame);
    const S: &str = "AVFrame";
    // SAFETY: writes of the audio description at the offsets under test; FFmpeg sizes the
    // buffer from them.
    unsafe {
        l.nb_samples.write(frame, 1000);
        l.format.write(frame, sample_format(f, c"s16"));
        l.sample_rate.write(frame, 48_000);
        match (l.ch_layout, f.av_channel_layout_default) {
            (Some(ch_layout), Some(set_default)) => {
                set_default(ch_layout.address(frame).cast_mut(), 2);
                let written: RawChannelLayout = ch_layout.read(frame);
                c.expect(S, "ch_layout.nb_channels", 2, written.nb_channels)?;
                c.expect(
                    S,
                    "AV_CHANNEL_ORDER_NATIVE",
                    CHANNEL_ORDER_NATIVE,
                    written.order,
                )?;
                c.expect(
                    S,
                    "AV_CH_LAYOUT_STEREO",
                    CHANNEL_MASK_STEREO,
                    written.mask_or_map,
                )?;
            }
            _ => {
                let (Some(channels), Some(layout)) = (l.channels, l.channel_layout) else {
                    return c.expect(S, "channels", "a channel field", "none").map(drop);
                };
                channels.write(frame, 2);
                layout.write(frame, CHANNEL_MASK_STEREO);
            }
        }
        c.expect(
            S,
            "(get_buffer: audio)",
            0,
            (f.av_frame_get_buffer)(frame, 0),
        )?;
        let linesize = l.linesize.read(frame)[0];
        c.expect_that(
            S,
            "nb_samples",
            linesize >= 1000 * 2 * 2,
            "room for 1000 stereo s16 samples",
        )?;
        c.expect_that(S, "data", !l.data.read(frame)[0].is_null(), "a buffer")?;
    }
    Ok(())
}

/// # Safety
///
/// See [`check`].
unsafe fn frame_side_data(c: &mut Checker) -> Result<(), AbiMismatch> {
    let (f, l, sd) = (c.functions, &c.layout.frame, &c.layout.frame_side_data);
    const S: &str = "AVFrameSideData";
    // A kind that 4.x numbers two higher than later releases: its name proves the numbering.
    let s12m = sd.number_here(constants::FRAME_DATA_S12M_TIMECODE);
    // SAFETY: a static string or NULL.
    let name = unsafe { crate::sys::c_text_in((f.av_frame_side_data_name)(s12m)) };
    c.expect(
        S,
        "(S12M timecode's number)",
        "SMPTE 12-1 timecode",
        name.unwrap_or("none"),
    )?;
    // SAFETY: allocates a frame with defaults.
    let mut frame = unsafe { (f.av_frame_alloc)() };
    c.allocated("AVFrame", frame)?;
    let result = (|| {
        // SAFETY: FFmpeg adds 16 bytes of side data to the live frame, then a zeroed HDR10+
        // struct; the array, count and entries are read back at the offsets under test (the
        // array holds the two entries FFmpeg just added, once the count says so). The first
        // entry's bytes are left uninitialised by `av_frame_new_side_data`: only addresses
        // and sizes are read.
        unsafe {
            c.expect("AVFrame", "nb_side_data", 0, l.nb_side_data.read(frame))?;
            let added = (f.av_frame_new_side_data)(frame, s12m, 16);
            c.expect_that(S, "(new side data)", !added.is_null(), "16 bytes")?;
            c.expect("AVFrame", "nb_side_data", 1, l.nb_side_data.read(frame))?;
            let array = l.side_data.read(frame);
            c.expect_that("AVFrame", "side_data", !array.is_null(), "an array")?;
            let first = *array;
            c.expect_that(
                "AVFrame",
                "side_data",
                first == added.cast_const(),
                "the entry",
            )?;
            let (kind, data, size, metadata) = sd.fields(first);
            c.expect(S, "type", s12m, kind)?;
            c.expect(S, "size", 16, size)?;
            c.expect_that(S, "data", !data.is_null(), "the bytes")?;
            c.expect_that(S, "metadata", metadata.is_null(), "none")?;
            // HDR10+ metadata (4.2 on): its number here, and the struct's size.
            let Some(create) = f.av_dynamic_hdr_plus_create_side_data else {
                return Ok(());
            };
            let hdr_plus = create(frame);
            c.expect_that(S, "(new HDR10+)", !hdr_plus.is_null(), "an entry")?;
            c.expect("AVFrame", "nb_side_data", 2, l.nb_side_data.read(frame))?;
            let (kind, data, size, _) = sd.fields(*l.side_data.read(frame).add(1));
            let number = sd.number_here(constants::FRAME_DATA_DYNAMIC_HDR_PLUS);
            c.expect(S, "type (HDR10+)", number, kind)?;
            let same = data.cast::<std::ffi::c_void>() == hdr_plus.cast_const();
            c.expect_that(S, "data (HDR10+)", same, "the struct")?;
            c.expect(
                "AVDynamicHDRPlus",
                "(size)",
                constants::DYNAMIC_HDR_PLUS_SIZE,
                size,
            )?;
        }
        Ok(())
    })();
    // SAFETY: allocated above.
    unsafe { (f.av_frame_free)(&mut frame) };
    result
}

/// # Safety
///
/// See [`check`].
unsafe fn packet(c: &mut Checker) -> Result<(), AbiMismatch> {
    let (f, l) = (c.functions, &c.layout.packet);
    const S: &str = "AVPacket";
    const SKIP_SAMPLES: u32 = constants::PKT_DATA_SKIP_SAMPLES;
    // SAFETY: allocates a packet with defaults.
    let mut packet = unsafe { (f.av_packet_alloc)() };
    c.allocated(S, packet)?;
    let result = (|| {
        // SAFETY: reads of the live packet, then FFmpeg gives it a payload and ten bytes of
        // side data, read back through its array (one entry, which FFmpeg just added).
        unsafe {
            c.expect(S, "pts", NOPTS, l.pts.read(packet))?;
            c.expect(S, "dts", NOPTS, l.dts.read(packet))?;
            c.expect(S, "pos", -1, l.pos.read(packet))?;
            c.expect(S, "size", 0, l.size.read(packet))?;
            c.expect(S, "duration", 0, l.duration.read(packet))?;
            c.expect(S, "stream_index", 0, l.stream_index.read(packet))?;
            if let Some(time_base) = l.time_base {
                c.expect(S, "time_base", UNSET, time_base.read(packet))?;
            }
            c.expect(S, "(new_packet)", 0, (f.av_new_packet)(packet, 100))?;
            c.expect(S, "size", 100, l.size.read(packet))?;
            c.expect_that(S, "data", !l.data.read(packet).is_null(), "a payload")?;
            c.expect_that(S, "buf", !l.buf.read(packet).is_null(), "a buffer")?;
            c.expect(S, "pts", NOPTS, l.pts.read(packet))?;
            // Ten bytes of skip samples: the packet's array and each entry's fields.
            let added = (f.av_packet_new_side_data)(packet, SKIP_SAMPLES as c_int, 10);
            c.expect_that(S, "(new side data)", !added.is_null(), "ten bytes")?;
            c.expect(S, "side_data_elems", 1, l.side_data_elems.read(packet))?;
            let entries = c
                .layout
                .packet_side_data
                .entries(l.side_data.read(packet), 1);
            let (kind, bytes) = entries[0];
            c.expect("AVPacketSideData", "type", SKIP_SAMPLES, kind)?;
            c.expect("AVPacketSideData", "size", 10, bytes.len())?;
            let same = std::ptr::eq(added.cast_const(), bytes.as_ptr());
            c.expect_that("AVPacketSideData", "data", same, "the bytes added")?;
        }
        Ok(())
    })();
    // SAFETY: allocated above.
    unsafe { (f.av_packet_free)(&mut packet) };
    result
}

/// # Safety
///
/// See [`check`].
unsafe fn io_context(c: &mut Checker) -> Result<(), AbiMismatch> {
    let (f, l) = (c.functions, &c.layout.io_context);
    const S: &str = "AVIOContext";
    const SIZE: c_int = 4096;
    /// Given as the seek callback so that FFmpeg marks the context seekable; never called.
    unsafe extern "C" fn never_seeks(_: *mut c_void, _: i64, _: c_int) -> i64 {
        -1
    }
    // SAFETY: a buffer from FFmpeg's allocator, handed to a write context that is never used
    // for I/O (so its seek callback is never called); the opaque pointer is only compared.
    unsafe {
        let buffer = (f.av_malloc)(SIZE as usize) as *mut u8;
        c.allocated(S, buffer as *mut c_void)?;
        let marker = buffer as *mut c_void;
        let null = std::ptr::null();
        let seek = never_seeks as unsafe extern "C" fn(*mut c_void, i64, c_int) -> i64;
        let seek = seek as *const c_void;
        let mut io = (f.avio_alloc_context)(buffer, SIZE, 1, marker, null, null, seek);
        if io.is_null() {
            (f.av_free)(buffer as *mut c_void);
            return c.allocated(S, io);
        }
        let result = (|| {
            c.expect_that(S, "buffer", l.buffer.read(io) == buffer, "our buffer")?;
            c.expect(S, "buffer_size", SIZE, l.buffer_size.read(io))?;
            c.expect_that(S, "buf_ptr", l.buf_ptr.read(io) == buffer, "our buffer")?;
            c.expect_that(
                S,
                "buf_end",
                l.buf_end.read(io) == buffer.add(SIZE as usize),
                "its end",
            )?;
            c.expect_that(S, "opaque", l.opaque.read(io) == marker, "our opaque")?;
            c.expect(S, "write_flag", 1, l.write_flag.read(io))?;
            c.expect(S, "pos", 0, l.pos.read(io))?;
            c.expect(S, "eof_reached", 0, l.eof_reached.read(io))?;
            c.expect(S, "error", 0, l.error.read(io))?;
            c.expect(
                S,
                "seekable",
                constants::IO_SEEKABLE_NORMAL,
                l.seekable.read(io),
            )
        })();
        // The context does not own its buffer: free what it holds now, then the context.
        (f.av_free)(l.buffer.read(io) as *mut c_void);
        (f.avio_context_free)(&mut io);
        result
    }
}

/// Read-only registry structs: a codec and formats found by name must read back that name, and
/// the codec id read from AVCodec must be the one FFmpeg names the same.
///
/// # Safety
///
/// See [`check`].
unsafe fn codecs_and_formats(c: &mut Checker) -> Result<(), AbiMismatch> {
    let f = c.functions;
    let text = |p: *const std::ffi::c_char| {
        // SAFETY: names in FFmpeg's static tables are NULL or static strings.
        unsafe { crate::sys::c_text(p) }
    };
    // SAFETY: lookups in FFmpeg's static registries; the answers are static and never freed.
    unsafe {
        let l = &c.layout.codec;
        let decoder = (f.avcodec_find_decoder_by_name)(c"rawvideo".as_ptr());
        c.allocated("AVCodec", decoder as *mut c_void)?;
        c.expect(
            "AVCodec",
            "name",
            "rawvideo".to_owned(),
            text(l.name.read(decoder)),
        )?;
        c.expect(
            "AVCodec",
            "type",
            constants::MEDIA_TYPE_VIDEO,
            l.media_type.read(decoder),
        )?;
        let id_name = text((f.avcodec_get_name)(l.id.read(decoder)));
        c.expect("AVCodec", "id", "rawvideo".to_owned(), id_name)?;
        let descriptor = (f.avcodec_descriptor_get)(l.id.read(decoder));
        c.allocated("AVCodecDescriptor", descriptor)?;
        let (name, id, media_type) = super::codec_descriptor_head(descriptor);
        c.expect("AVCodecDescriptor", "id", l.id.read(decoder), id)?;
        let video = constants::MEDIA_TYPE_VIDEO;
        c.expect("AVCodecDescriptor", "type", video, media_type)?;
        c.expect("AVCodecDescriptor", "name", "rawvideo".to_owned(), name)?;
        let long_name = super::codec_descriptor_long_name(descriptor).unwrap_or_default();
        c.expect("AVCodecDescriptor", "long_name", "raw video", long_name)?;
        let encoder = (f.avcodec_find_encoder_by_name)(c"pcm_s16le".as_ptr());
        c.allocated("AVCodec", encoder as *mut c_void)?;
        c.expect(
            "AVCodec",
            "type",
            constants::MEDIA_TYPE_AUDIO,
            l.media_type.read(encoder),
        )?;
        c.expect(
            "AVCodec",
            "name",
            "pcm_s16le".to_owned(),
            text(l.name.read(encoder)),
        )?;

        let l = &c.layout.input_format;
        let wav = (f.av_find_input_format)(c"wav".as_ptr());
        c.allocated("AVInputFormat", wav as *mut c_void)?;
        c.expect(
            "AVInputFormat",
            "name",
            "wav".to_owned(),
            text(l.name.read(wav)),
        )?;
        let l = &c.layout.output_format;
        let mp4 = (f.av_guess_format)(c"mp4".as_ptr(), std::ptr::null(), std::ptr::null());
        c.allocated("AVOutputFormat", mp4 as *mut c_void)?;
        c.expect(
            "AVOutputFormat",
            "name",
            "mp4".to_owned(),
            text(l.format.name.read(mp4)),
        )?;
        let extensions = text(l.format.extensions.read(mp4));
        c.expect("AVOutputFormat", "extensions", "mp4".to_owned(), extensions)?;
        c.expect_that(
            "AVOutputFormat",
            "video_codec",
            l.video_codec.read(mp4) != 0,
            "a default codec",
        )?;
        // mp4's tables of tags give its default video codec a tag that maps back to it.
        let tables = l.codec_tag.read(mp4);
        c.expect_that(
            "AVOutputFormat",
            "codec_tag",
            !tables.is_null(),
            "mp4's tables of tags",
        )?;
        let video = l.video_codec.read(mp4);
        let mut tag = 0;
        let found = (f.av_codec_get_tag2)(tables, video, &mut tag);
        c.expect_that(
            "AVOutputFormat",
            "codec_tag",
            found != 0 && tag != 0 && (f.av_codec_get_id)(tables, tag) == video,
            "a tag for mp4's default video codec that names it",
        )?;
        // The muxer flags the crate tests: mp4 wants global headers and a file; the null
        // muxer (where the build has it) needs no file.
        let flags = l.format.flags.read(mp4);
        c.expect_that(
            "AVOutputFormat",
            "flags (mp4)",
            flags & constants::FMT_GLOBALHEADER != 0 && flags & constants::FMT_NOFILE == 0,
            "AVFMT_GLOBALHEADER without AVFMT_NOFILE",
        )?;
        let strictly_timed = constants::FMT_NOTIMESTAMPS | constants::FMT_TS_NONSTRICT;
        c.expect_that(
            "AVOutputFormat",
            "flags (mp4)",
            flags & strictly_timed == 0,
            "neither AVFMT_NOTIMESTAMPS nor AVFMT_TS_NONSTRICT",
        )?;
        let null = (f.av_guess_format)(c"null".as_ptr(), std::ptr::null(), std::ptr::null());
        if !null.is_null() {
            let flags = l.format.flags.read(null);
            c.expect_that(
                "AVOutputFormat",
                "flags (null)",
                flags & constants::FMT_NOFILE != 0
                    && flags & constants::FMT_NOTIMESTAMPS != 0
                    && flags & constants::FMT_GLOBALHEADER == 0,
                "AVFMT_NOFILE and AVFMT_NOTIMESTAMPS without AVFMT_GLOBALHEADER",
            )?;
        }
        let mkv = (f.av_guess_format)(c"matroska".as_ptr(), std::ptr::null(), std::ptr::null());
        if !mkv.is_null() {
            c.expect_that(
                "AVOutputFormat",
                "flags (matroska)",
                l.format.flags.read(mkv) & constants::FMT_TS_NONSTRICT != 0,
                "AVFMT_TS_NONSTRICT",
            )?;
        }
    }
    Ok(())
}

/// The enum values the crate uses as constants are FFmpeg's.
///
/// # Safety
///
/// See [`check`].
unsafe fn constants(c: &mut Checker) -> Result<(), AbiMismatch> {
    let f = c.functions;
    for (value, letter) in constants::PICTURE_TYPES {
        // `c_char` is signed on x86_64 and unsigned on aarch64: the byte either way.
        // SAFETY: a lookup in a static table; unknown values give '?'.
        let found = unsafe { (f.av_get_picture_type_char)(value as c_int) }.to_ne_bytes()[0];
        c.expect(
            "AVPictureType",
            "(value)",
            char::from(letter),
            char::from(found),
        )?;
    }
    let media = [
        (constants::MEDIA_TYPE_VIDEO, "video"),
        (constants::MEDIA_TYPE_AUDIO, "audio"),
        (constants::MEDIA_TYPE_DATA, "data"),
        (constants::MEDIA_TYPE_SUBTITLE, "subtitle"),
        (constants::MEDIA_TYPE_ATTACHMENT, "attachment"),
    ];
    for (value, name) in media {
        // SAFETY: a lookup in a static table; the answer is NULL or a static string.
        let found = unsafe { crate::sys::c_text((f.av_get_media_type_string)(value)) };
        c.expect("AVMediaType", "(value)", name, found.as_str())?;
    }
    for (code, message) in constants::ERROR_TEXTS {
        let mut buffer = [0 as std::ffi::c_char; 128];
        // SAFETY: av_strerror writes at most the given size, NUL-terminated.
        let found = unsafe {
            (f.av_strerror)(code, buffer.as_mut_ptr(), buffer.len());
            crate::sys::c_text(buffer.as_ptr())
        };
        c.expect("AVERROR", "(code)", message, found.as_str())?;
    }
    for (space, first) in constants::SWS_CS_FIRST_COEFFICIENTS {
        // SAFETY: sws_getCoefficients returns one of swscale's static tables of four ints
        // (the default one for a value it does not know).
        let found = unsafe { *(f.sws_getCoefficients)(space) };
        c.expect("SWS_CS", "(value)", first, found)?;
    }
    Ok(())
}

fn pixel_format(f: &Functions, name: &CStr) -> c_int {
    // SAFETY: looks a name up in FFmpeg's static table.
    unsafe { (f.av_get_pix_fmt)(name.as_ptr()) }
}

fn sample_format(f: &Functions, name: &CStr) -> c_int {
    // SAFETY: looks a name up in FFmpeg's static table.
    unsafe { (f.av_get_sample_fmt)(name.as_ptr()) }
}
