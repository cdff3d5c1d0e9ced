//! Where each field the crate uses sits, per release family: one [`Layout`] per libavcodec
//! major, built from the generated `#[repr(C)]` structs with `offset_of!`. A field a family
//! lacks is `None`; the accessors in `abi` emulate it or answer `None`.

use std::ffi::{c_char, c_int, c_uint, c_void};

use semver::Version;

use super::constants::{FRAME_FLAG_INTERLACED, FRAME_FLAG_KEY, FRAME_FLAG_TOP_FIELD_FIRST};
use super::field::Field;
use super::generated::*;
use super::packet_origin::PacketOriginLayout;
use super::side_data::{FrameSideDataLayout, PacketSideDataLayout};
use super::stream_group::{StreamGroupLayout, TileGridLayout, TileOffset};
use crate::sys::Library;
use crate::sys::objects::{
    self, AVChapter, AVCodec, AVCodecContext, AVCodecParameters, AVDictionary, AVFormatContext,
    AVFrame, AVFrameSideData, AVIOContext, AVInputFormat, AVOption, AVOutputFormat, AVPacket,
    AVPacketSideData, AVProgram, AVStream,
};
use crate::sys::{Rational, RawChannelLayout, RawInterruptCallback};

/// `Field::at` with a witness the compiler type-checks against the generated struct.
macro_rules! field {
    ($m:ident :: $s:ident . $f:ident) => {
        Field::<objects::$s, _>::at(core::mem::offset_of!($m::$s, $f), |s: &$m::$s| &s.$f)
    };
    ($m:ident :: $s:ident . $f:ident as same) => {
        Field::<objects::$s, _>::same_layout(core::mem::offset_of!($m::$s, $f))
    };
    // A field of one of the generated structs `sys` mirrors by hand: the function proves the
    // field has that generated type, and `mirror_witness!` that the mirror matches it.
    ($m:ident :: $s:ident . $f:ident as mirror $generated:ident) => {{
        fn _witness(s: &$m::$s) -> &$m::$generated {
            &s.$f
        }
        Field::<objects::$s, _>::same_layout(core::mem::offset_of!($m::$s, $f))
    }};
}

/// Compile-time proof that a hand-written mirror in `sys` has the generated struct's size,
/// alignment and member offsets.
macro_rules! mirror_witness {
    ($m:ident :: $generated:ident as $mirror:ty { $($field:ident => $mirrored:ident),* }) => {
        const _: () = {
            assert!(size_of::<$m::$generated>() == size_of::<$mirror>());
            assert!(align_of::<$m::$generated>() == align_of::<$mirror>());
            $(assert!(
                core::mem::offset_of!($m::$generated, $field)
                    == core::mem::offset_of!($mirror, $mirrored)
            );)*
        };
    };
}

/// Copy and Clone for the field groups, whatever struct they belong to (a derive would ask
/// the marker type for them too).
macro_rules! copy_clone_debug {
    ($($group:ident),*) => {$(
        impl<S> Clone for $group<S> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<S> Copy for $group<S> {}
        impl<S> std::fmt::Debug for $group<S> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($group))
            }
        }
    )*};
}

#[derive(Debug, Clone)]
pub(crate) struct FrameLayout {
    pub data: Field<AVFrame, [*mut u8; 8]>,
    pub linesize: Field<AVFrame, [c_int; 8]>,
    pub extended_data: Field<AVFrame, *mut *mut u8>,
    pub buf: Field<AVFrame, [*mut c_void; 8]>,
    pub width: Field<AVFrame, c_int>,
    pub height: Field<AVFrame, c_int>,
    pub nb_samples: Field<AVFrame, c_int>,
    pub format: Field<AVFrame, c_int>,
    pub pict_type: Field<AVFrame, u32>,
    pub sample_aspect_ratio: Field<AVFrame, Rational>,
    pub pts: Field<AVFrame, i64>,
    pub pkt_dts: Field<AVFrame, i64>,
    pub best_effort_timestamp: Field<AVFrame, i64>,
    pub flags: Field<AVFrame, c_int>,
    pub sample_rate: Field<AVFrame, c_int>,
    pub color_range: Field<AVFrame, u32>,
    pub color_primaries: Field<AVFrame, u32>,
    pub color_trc: Field<AVFrame, u32>,
    pub colorspace: Field<AVFrame, u32>,
    pub side_data: Field<AVFrame, *const *const AVFrameSideData>,
    pub nb_side_data: Field<AVFrame, c_int>,
    /// Gone with libavutil 60 (8.0): the key flag lives in `flags` since libavutil 58.
    pub key_frame: Option<Field<AVFrame, c_int>>,
    /// Gone with libavutil 60: `flags` carries them.
    pub interlaced_frame: Option<Field<AVFrame, c_int>>,
    /// Since libavutil 57.10 (5.0).
    pub time_base: Option<Field<AVFrame, Rational>>,
    /// `duration` since libavutil 57.30 (6.0); before, `pkt_duration`, with the same meaning.
    pub duration: Option<Field<AVFrame, i64>>,
    /// The legacy channel fields, until libavutil 59 (7.0).
    pub channels: Option<Field<AVFrame, c_int>>,
    pub channel_layout: Option<Field<AVFrame, u64>>,
    /// Since libavutil 57.24 (5.1).
    pub ch_layout: Option<Field<AVFrame, RawChannelLayout>>,
    pub repeat_pict: Field<AVFrame, c_int>,
    /// What to crop off each edge (`size_t`s), as `av_frame_apply_cropping` reads them.
    pub crop_top: Field<AVFrame, usize>,
    pub crop_bottom: Field<AVFrame, usize>,
    pub crop_left: Field<AVFrame, usize>,
    pub crop_right: Field<AVFrame, usize>,
    pub chroma_location: Field<AVFrame, u32>,
    pub metadata: Field<AVFrame, *mut AVDictionary>,
    /// Gone with libavutil 60 (8.0): `AV_FRAME_FLAG_TOP_FIELD_FIRST` in `flags` since 6.1.
    pub top_field_first: Option<Field<AVFrame, c_int>>,
    /// How colour and alpha combine (`enum AVAlphaMode`), since libavutil 60.11 (8.1).
    pub alpha_mode: Option<Field<AVFrame, c_int>>,
    /// The position and size of the packet the frame came from, gone with libavutil 60.
    pub pkt_pos: Option<Field<AVFrame, i64>>,
    pub pkt_size: Option<Field<AVFrame, c_int>>,
    /// Gone with libavutil 59 (7.0).
    pub coded_picture_number: Option<Field<AVFrame, c_int>>,
    pub display_picture_number: Option<Field<AVFrame, c_int>>,
}

#[derive(Debug, Clone)]
pub(crate) struct PacketLayout {
    pub buf: Field<AVPacket, *mut c_void>,
    pub pts: Field<AVPacket, i64>,
    pub dts: Field<AVPacket, i64>,
    pub data: Field<AVPacket, *mut u8>,
    pub size: Field<AVPacket, c_int>,
    pub stream_index: Field<AVPacket, c_int>,
    pub flags: Field<AVPacket, c_int>,
    pub duration: Field<AVPacket, i64>,
    pub pos: Field<AVPacket, i64>,
    pub side_data: Field<AVPacket, *const AVPacketSideData>,
    pub side_data_elems: Field<AVPacket, c_int>,
    /// Since libavcodec 59.4 (5.0).
    pub time_base: Option<Field<AVPacket, Rational>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CodecContextLayout {
    pub av_class: Field<AVCodecContext, *const c_void>,
    pub codec_type: Field<AVCodecContext, c_int>,
    pub bit_rate: Field<AVCodecContext, i64>,
    pub flags: Field<AVCodecContext, c_int>,
    pub flags2: Field<AVCodecContext, c_int>,
    pub time_base: Field<AVCodecContext, Rational>,
    pub pkt_timebase: Field<AVCodecContext, Rational>,
    pub framerate: Field<AVCodecContext, Rational>,
    pub width: Field<AVCodecContext, c_int>,
    pub height: Field<AVCodecContext, c_int>,
    pub pix_fmt: Field<AVCodecContext, c_int>,
    pub sample_rate: Field<AVCodecContext, c_int>,
    pub sample_fmt: Field<AVCodecContext, c_int>,
    pub frame_size: Field<AVCodecContext, c_int>,
    pub thread_count: Field<AVCodecContext, c_int>,
    pub thread_type: Field<AVCodecContext, c_int>,
    pub skip_frame: Field<AVCodecContext, c_int>,
    pub gop_size: Field<AVCodecContext, c_int>,
    pub max_b_frames: Field<AVCodecContext, c_int>,
    /// The decoder's reordering delay in frames; copied to `AVCodecParameters.video_delay`.
    pub has_b_frames: Field<AVCodecContext, c_int>,
    pub sample_aspect_ratio: Field<AVCodecContext, Rational>,
    pub channels: Option<Field<AVCodecContext, c_int>>,
    pub channel_layout: Option<Field<AVCodecContext, u64>>,
    /// Since libavcodec 59.24 (5.1).
    pub ch_layout: Option<Field<AVCodecContext, RawChannelLayout>>,
    pub initial_padding: Field<AVCodecContext, c_int>,
    pub color: ColorFields<AVCodecContext>,
    pub field_order: Field<AVCodecContext, u32>,
    /// The ASS script header of a text subtitle decoder, or the one an encoder is given.
    pub subtitle_header: Field<AVCodecContext, *mut u8>,
    pub subtitle_header_size: Field<AVCodecContext, c_int>,
    /// What a decoder reports once open (ffprobe prints them from its decoder).
    pub coded_width: Field<AVCodecContext, c_int>,
    pub coded_height: Field<AVCodecContext, c_int>,
    pub refs: Field<AVCodecContext, c_int>,
    pub rc_max_rate: Field<AVCodecContext, i64>,
    pub bits_per_raw_sample: Field<AVCodecContext, c_int>,
    /// `FF_CODEC_PROPERTY_*` bits.
    /// Gone in 9.x.
    pub properties: Option<Field<AVCodecContext, c_uint>>,
    /// The codec's own options (`AVCodec.priv_class`), read through `av_opt_*` only.
    pub priv_data: Field<AVCodecContext, *mut c_void>,
    pub codec: Field<AVCodecContext, *const AVCodec>,
    /// The static side data an encoder is opened with (HDR10's mastering display and light
    /// levels), which it writes into its stream. Since libavcodec 61.2; used from 61.19
    /// (7.1), whose encoders also give their stream what it holds, which proves it at load.
    pub decoded_side_data: Option<Field<AVCodecContext, *mut *mut AVFrameSideData>>,
    pub nb_decoded_side_data: Option<Field<AVCodecContext, c_int>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CodecParametersLayout {
    pub codec_type: Field<AVCodecParameters, c_int>,
    pub codec_id: Field<AVCodecParameters, u32>,
    pub codec_tag: Field<AVCodecParameters, u32>,
    pub format: Field<AVCodecParameters, c_int>,
    pub bit_rate: Field<AVCodecParameters, i64>,
    pub width: Field<AVCodecParameters, c_int>,
    pub height: Field<AVCodecParameters, c_int>,
    pub sample_aspect_ratio: Field<AVCodecParameters, Rational>,
    pub sample_rate: Field<AVCodecParameters, c_int>,
    pub frame_size: Field<AVCodecParameters, c_int>,
    /// Samples the encoder put before the first real one (an AAC's 1024).
    pub initial_padding: Field<AVCodecParameters, c_int>,
    /// Since libavcodec 60.11 (6.1).
    pub framerate: Option<Field<AVCodecParameters, Rational>>,
    /// Since libavcodec 60.30 (6.1): the stream's side data (display matrix, …).
    pub coded_side_data: Option<Field<AVCodecParameters, *mut AVPacketSideData>>,
    pub nb_coded_side_data: Option<Field<AVCodecParameters, c_int>>,
    pub channels: Option<Field<AVCodecParameters, c_int>>,
    pub channel_layout: Option<Field<AVCodecParameters, u64>>,
    /// Since libavcodec 59.24 (5.1).
    pub ch_layout: Option<Field<AVCodecParameters, RawChannelLayout>>,
    pub color: ColorFields<AVCodecParameters>,
    pub chroma_location: Field<AVCodecParameters, u32>,
    pub field_order: Field<AVCodecParameters, u32>,
    pub profile: Field<AVCodecParameters, c_int>,
    pub level: Field<AVCodecParameters, c_int>,
    pub bits_per_raw_sample: Field<AVCodecParameters, c_int>,
    pub extradata_size: Field<AVCodecParameters, c_int>,
    pub video_delay: Field<AVCodecParameters, c_int>,
}

#[derive(Debug, Clone)]
pub(crate) struct StreamLayout {
    pub id: Field<AVStream, c_int>,
    pub index: Field<AVStream, c_int>,
    pub codecpar: Field<AVStream, *mut AVCodecParameters>,
    pub time_base: Field<AVStream, Rational>,
    pub start_time: Field<AVStream, i64>,
    pub duration: Field<AVStream, i64>,
    pub nb_frames: Field<AVStream, i64>,
    pub disposition: Field<AVStream, c_int>,
    pub discard: Field<AVStream, c_int>,
    pub sample_aspect_ratio: Field<AVStream, Rational>,
    pub metadata: Field<AVStream, *mut AVDictionary>,
    pub avg_frame_rate: Field<AVStream, Rational>,
    pub r_frame_rate: Field<AVStream, Rational>,
    /// `AVSTREAM_EVENT_FLAG_*`: from 5.x, whether packets of the stream were read.
    pub event_flags: Field<AVStream, c_int>,
    /// Frames read while probing; public until 5.x made it private.
    pub codec_info_nb_frames: Option<Field<AVStream, c_int>>,
    /// The stream's side data, until the codec parameters carried it (6.1).
    pub side_data: Option<Field<AVStream, *const AVPacketSideData>>,
    pub nb_side_data: Option<Field<AVStream, c_int>>,
}

#[derive(Debug, Clone)]
pub(crate) struct FormatContextLayout {
    pub av_class: Field<AVFormatContext, *const c_void>,
    pub iformat: Field<AVFormatContext, *const AVInputFormat>,
    pub oformat: Field<AVFormatContext, *const AVOutputFormat>,
    /// The (de)muxer's own options (`priv_class`), read through `av_opt_*` only.
    pub priv_data: Field<AVFormatContext, *mut c_void>,
    pub pb: Field<AVFormatContext, *mut AVIOContext>,
    pub nb_streams: Field<AVFormatContext, c_uint>,
    pub streams: Field<AVFormatContext, *mut *mut AVStream>,
    pub start_time: Field<AVFormatContext, i64>,
    pub duration: Field<AVFormatContext, i64>,
    pub bit_rate: Field<AVFormatContext, i64>,
    pub packet_size: Field<AVFormatContext, c_uint>,
    pub max_delay: Field<AVFormatContext, c_int>,
    pub flags: Field<AVFormatContext, c_int>,
    pub probesize: Field<AVFormatContext, i64>,
    pub max_analyze_duration: Field<AVFormatContext, i64>,
    pub metadata: Field<AVFormatContext, *mut AVDictionary>,
    pub nb_chapters: Field<AVFormatContext, c_uint>,
    pub chapters: Field<AVFormatContext, *mut *mut AVChapter>,
    pub interrupt_callback: Field<AVFormatContext, RawInterruptCallback>,
    pub probe_score: Field<AVFormatContext, c_int>,
    pub nb_programs: Field<AVFormatContext, c_uint>,
    pub programs: Field<AVFormatContext, *mut *mut AVProgram>,
}

#[derive(Debug, Clone)]
pub(crate) struct IoContextLayout {
    pub buffer: Field<AVIOContext, *mut u8>,
    pub buffer_size: Field<AVIOContext, c_int>,
    pub buf_ptr: Field<AVIOContext, *mut u8>,
    pub buf_end: Field<AVIOContext, *mut u8>,
    pub opaque: Field<AVIOContext, *mut c_void>,
    pub pos: Field<AVIOContext, i64>,
    pub eof_reached: Field<AVIOContext, c_int>,
    pub write_flag: Field<AVIOContext, c_int>,
    pub error: Field<AVIOContext, c_int>,
    pub seekable: Field<AVIOContext, c_int>,
}

/// `AVChapter`: its `id` is an int until 4.x, 64-bit since.
#[derive(Debug, Clone)]
pub(crate) struct ChapterLayout {
    /// `sizeof(AVChapter)`: FFmpeg allocates chapters at exactly this size, and so does an
    /// output adding one.
    pub size: usize,
    pub id_int: Option<Field<AVChapter, c_int>>,
    pub id_wide: Option<Field<AVChapter, i64>>,
    pub time_base: Field<AVChapter, Rational>,
    pub start: Field<AVChapter, i64>,
    pub end: Field<AVChapter, i64>,
    pub metadata: Field<AVChapter, *mut AVDictionary>,
}

/// `AVProgram` (an MPEG-TS service): the fields before `pmt_version` (which 4.2 added),
/// laid out alike in every release.
#[derive(Debug, Clone)]
pub(crate) struct ProgramLayout {
    pub id: Field<AVProgram, c_int>,
    pub discard: Field<AVProgram, c_int>,
    pub stream_index: Field<AVProgram, *mut c_uint>,
    pub nb_stream_indexes: Field<AVProgram, c_uint>,
    pub metadata: Field<AVProgram, *mut AVDictionary>,
    pub program_num: Field<AVProgram, c_int>,
    pub pmt_pid: Field<AVProgram, c_int>,
    pub pcr_pid: Field<AVProgram, c_int>,
}

/// The channel fields of a frame, codec context or codec parameters: `ch_layout` where the
/// family has it (5.1 on), the legacy `channels` and `channel_layout` mask until 6.x.
pub(crate) struct ChannelFields<S> {
    pub ch_layout: Option<Field<S, RawChannelLayout>>,
    pub channels: Option<Field<S, c_int>>,
    pub mask: Option<Field<S, u64>>,
}

impl<S> ChannelFields<S> {
    /// Whether the channels have a count but no layout (`AV_CHANNEL_ORDER_UNSPEC`, or a zero
    /// mask): what demuxers give when the file does not say, and what libswresample refuses.
    ///
    /// # Safety
    ///
    /// As for [`ChannelFields::count`].
    pub(crate) unsafe fn is_unspecified(self, base: *const S) -> bool {
        // SAFETY: per the contract.
        unsafe {
            match (self.ch_layout, self.mask) {
                (Some(layout), _) => {
                    layout.read(base).order == super::constants::CHANNEL_ORDER_UNSPEC
                }
                (None, Some(mask)) => mask.read(base) == 0,
                (None, None) => false,
            }
        }
    }

    /// The channel count, from whichever API the family has.
    ///
    /// # Safety
    ///
    /// `base` points to a live struct these fields belong to.
    pub(crate) unsafe fn count(self, base: *const S) -> Option<c_int> {
        // SAFETY: per the contract.
        unsafe {
            match (self.ch_layout, self.channels) {
                (Some(layout), _) => Some(layout.read(base).nb_channels),
                (None, Some(channels)) => Some(channels.read(base)),
                (None, None) => None,
            }
        }
    }
}

macro_rules! channel_fields {
    ($($layout:ident for $object:ident),*) => {$(
        impl $layout {
            pub(crate) fn channel_fields(&self) -> ChannelFields<$object> {
                ChannelFields {
                    ch_layout: self.ch_layout,
                    channels: self.channels,
                    mask: self.channel_layout,
                }
            }
        }
    )*};
}
channel_fields!(
    FrameLayout for AVFrame,
    CodecContextLayout for AVCodecContext,
    CodecParametersLayout for AVCodecParameters
);

impl FrameLayout {
    pub(crate) fn color_fields(&self) -> ColorFields<AVFrame> {
        ColorFields {
            range: self.color_range,
            primaries: self.color_primaries,
            transfer: self.color_trc,
            matrix: self.colorspace,
            chroma_location: self.chroma_location,
        }
    }
}

/// The colour description of a frame, codec context or codec parameters.
pub(crate) struct ColorFields<S> {
    pub range: Field<S, u32>,
    pub primaries: Field<S, u32>,
    pub transfer: Field<S, u32>,
    pub matrix: Field<S, u32>,
    pub chroma_location: Field<S, u32>,
}

/// `AVCodec`, read only.
#[derive(Debug, Clone)]
pub(crate) struct CodecLayout {
    pub name: Field<AVCodec, *const c_char>,
    pub long_name: Field<AVCodec, *const c_char>,
    pub media_type: Field<AVCodec, c_int>,
    pub id: Field<AVCodec, u32>,
    pub capabilities: Field<AVCodec, c_int>,
    /// The class of the codec's private options; NULL for a codec without them, whose
    /// private data then has no class to read options through.
    pub priv_class: Field<AVCodec, *const c_void>,
    /// The supported-value lists, until 8.x (9.0 answers through
    /// `avcodec_get_supported_config` only): -1-terminated formats, 0-terminated rates.
    pub pix_fmts: Option<Field<AVCodec, *const c_int>>,
    pub sample_fmts: Option<Field<AVCodec, *const c_int>>,
    pub supported_samplerates: Option<Field<AVCodec, *const c_int>>,
    /// Frame rates ended by {0, 0}.
    pub supported_framerates: Option<Field<AVCodec, *const Rational>>,
    /// 0-terminated channel masks, until 6.x.
    pub channel_layouts: Option<Field<AVCodec, *const u64>>,
    /// Layouts terminated by one of zero channels, since libavcodec 59.24 (5.1).
    pub ch_layouts: Option<Field<AVCodec, *const RawChannelLayout>>,
}

/// `AVInputFormat` and `AVOutputFormat`, read only.
pub(crate) struct FormatLayout<S> {
    pub name: Field<S, *const c_char>,
    pub long_name: Field<S, *const c_char>,
    pub mime_type: Field<S, *const c_char>,
    pub flags: Field<S, c_int>,
    pub extensions: Field<S, *const c_char>,
    /// The class of its own options; NULL for none.
    pub priv_class: Field<S, *const c_void>,
}

#[derive(Debug, Clone)]
pub(crate) struct OutputFormatLayout {
    pub format: FormatLayout<AVOutputFormat>,
    pub video_codec: Field<AVOutputFormat, u32>,
    pub audio_codec: Field<AVOutputFormat, u32>,
    pub subtitle_codec: Field<AVOutputFormat, u32>,
    /// The muxer's tables of codec tags (`const AVCodecTag *const *`; NULL for none).
    pub codec_tag: Field<AVOutputFormat, *const *const c_void>,
}

#[derive(Debug, Clone)]
pub(crate) struct OptionLayout {
    pub name: Field<AVOption, *const c_char>,
    pub offset: Field<AVOption, c_int>,
    /// `AV_OPT_FLAG_*` bits.
    pub flags: Field<AVOption, c_int>,
    /// Whether a codec marks the values it exports by giving their options no flags at all,
    /// as 4.x does (5.0 flagged them `AV_OPT_FLAG_EXPORT`).
    pub unflagged_are_exported: bool,
}

copy_clone_debug!(ChannelFields, ColorFields, FormatLayout);

/// Every layout of one family, for the versions actually loaded.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub frame: FrameLayout,
    pub packet: PacketLayout,
    pub codec_context: CodecContextLayout,
    pub codec_parameters: CodecParametersLayout,
    pub stream: StreamLayout,
    pub packet_side_data: PacketSideDataLayout,
    pub frame_side_data: FrameSideDataLayout,
    pub format_context: FormatContextLayout,
    pub io_context: IoContextLayout,
    pub codec: CodecLayout,
    pub chapter: ChapterLayout,
    pub program: ProgramLayout,
    pub input_format: FormatLayout<AVInputFormat>,
    pub output_format: OutputFormatLayout,
    pub option: OptionLayout,
    /// Families whose frames lost their packet's position and size (8.0 on).
    pub packet_origin: Option<PacketOriginLayout>,
    /// Families with stream groups (7.0 on).
    pub stream_group: Option<StreamGroupLayout>,
    /// The bytes of an `AVComponentDescriptor` (a pixel format's `comp[i]`), whose header
    /// the generated modules leave out: five ints, and in 4.x three deprecated ones after
    /// them (`FF_API_PLUS1_MINUS1`). The self-check proves it on `p010le`'s components.
    pub pixel_component_size: usize,
}

/// The fields every family 4.x–9.x has, with their optional ones unset.
macro_rules! common {
    ($m:ident) => {{
        mirror_witness!($m::AVRational as Rational { num => num, den => den });
        Layout {
            frame: FrameLayout {
                data: field!($m::AVFrame.data),
                linesize: field!($m::AVFrame.linesize),
                extended_data: field!($m::AVFrame.extended_data),
                buf: field!($m::AVFrame.buf as same),
                width: field!($m::AVFrame.width),
                height: field!($m::AVFrame.height),
                nb_samples: field!($m::AVFrame.nb_samples),
                format: field!($m::AVFrame.format),
                pict_type: field!($m::AVFrame.pict_type),
                sample_aspect_ratio: field!($m::AVFrame.sample_aspect_ratio as mirror AVRational),
                pts: field!($m::AVFrame.pts),
                pkt_dts: field!($m::AVFrame.pkt_dts),
                best_effort_timestamp: field!($m::AVFrame.best_effort_timestamp),
                flags: field!($m::AVFrame.flags),
                sample_rate: field!($m::AVFrame.sample_rate),
                color_range: field!($m::AVFrame.color_range),
                color_primaries: field!($m::AVFrame.color_primaries),
                color_trc: field!($m::AVFrame.color_trc),
                colorspace: field!($m::AVFrame.colorspace),
                side_data: field!($m::AVFrame.side_data as same),
                nb_side_data: field!($m::AVFrame.nb_side_data),
                key_frame: None,
                interlaced_frame: None,
                time_base: None,
                duration: None,
                channels: None,
                channel_layout: None,
                ch_layout: None,
                repeat_pict: field!($m::AVFrame.repeat_pict),
                crop_top: field!($m::AVFrame.crop_top),
                crop_bottom: field!($m::AVFrame.crop_bottom),
                crop_left: field!($m::AVFrame.crop_left),
                crop_right: field!($m::AVFrame.crop_right),
                chroma_location: field!($m::AVFrame.chroma_location),
                metadata: field!($m::AVFrame.metadata as same),
                top_field_first: None,
                alpha_mode: None,
                pkt_pos: None,
                pkt_size: None,
                coded_picture_number: None,
                display_picture_number: None,
            },
            packet: PacketLayout {
                buf: field!($m::AVPacket.buf as same),
                pts: field!($m::AVPacket.pts),
                dts: field!($m::AVPacket.dts),
                data: field!($m::AVPacket.data),
                size: field!($m::AVPacket.size),
                stream_index: field!($m::AVPacket.stream_index),
                flags: field!($m::AVPacket.flags),
                duration: field!($m::AVPacket.duration),
                pos: field!($m::AVPacket.pos),
                side_data: field!($m::AVPacket.side_data as same),
                side_data_elems: field!($m::AVPacket.side_data_elems),
                time_base: None,
            },
            codec_context: CodecContextLayout {
                av_class: field!($m::AVCodecContext.av_class as same),
                codec_type: field!($m::AVCodecContext.codec_type),
                bit_rate: field!($m::AVCodecContext.bit_rate),
                flags: field!($m::AVCodecContext.flags),
                flags2: field!($m::AVCodecContext.flags2),
                time_base: field!($m::AVCodecContext.time_base as mirror AVRational),
                pkt_timebase: field!($m::AVCodecContext.pkt_timebase as mirror AVRational),
                framerate: field!($m::AVCodecContext.framerate as mirror AVRational),
                width: field!($m::AVCodecContext.width),
                height: field!($m::AVCodecContext.height),
                pix_fmt: field!($m::AVCodecContext.pix_fmt),
                sample_rate: field!($m::AVCodecContext.sample_rate),
                sample_fmt: field!($m::AVCodecContext.sample_fmt),
                frame_size: field!($m::AVCodecContext.frame_size),
                initial_padding: field!($m::AVCodecContext.initial_padding),
                subtitle_header: field!($m::AVCodecContext.subtitle_header),
                subtitle_header_size: field!($m::AVCodecContext.subtitle_header_size),
                coded_width: field!($m::AVCodecContext.coded_width),
                coded_height: field!($m::AVCodecContext.coded_height),
                refs: field!($m::AVCodecContext.refs),
                rc_max_rate: field!($m::AVCodecContext.rc_max_rate),
                bits_per_raw_sample: field!($m::AVCodecContext.bits_per_raw_sample),
                properties: None,
                priv_data: field!($m::AVCodecContext.priv_data),
                codec: field!($m::AVCodecContext.codec as same),
                color: ColorFields {
                    range: field!($m::AVCodecContext.color_range),
                    primaries: field!($m::AVCodecContext.color_primaries),
                    transfer: field!($m::AVCodecContext.color_trc),
                    matrix: field!($m::AVCodecContext.colorspace),
                    chroma_location: field!($m::AVCodecContext.chroma_sample_location),
                },
                field_order: field!($m::AVCodecContext.field_order),
                thread_count: field!($m::AVCodecContext.thread_count),
                thread_type: field!($m::AVCodecContext.thread_type),
                skip_frame: field!($m::AVCodecContext.skip_frame),
                gop_size: field!($m::AVCodecContext.gop_size),
                max_b_frames: field!($m::AVCodecContext.max_b_frames),
                has_b_frames: field!($m::AVCodecContext.has_b_frames),
                sample_aspect_ratio: field!($m::AVCodecContext.sample_aspect_ratio as mirror AVRational),
                channels: None,
                channel_layout: None,
                ch_layout: None,
                decoded_side_data: None,
                nb_decoded_side_data: None,
            },
            codec_parameters: CodecParametersLayout {
                codec_type: field!($m::AVCodecParameters.codec_type),
                codec_id: field!($m::AVCodecParameters.codec_id),
                codec_tag: field!($m::AVCodecParameters.codec_tag),
                format: field!($m::AVCodecParameters.format),
                bit_rate: field!($m::AVCodecParameters.bit_rate),
                width: field!($m::AVCodecParameters.width),
                height: field!($m::AVCodecParameters.height),
                color: ColorFields {
                    range: field!($m::AVCodecParameters.color_range),
                    primaries: field!($m::AVCodecParameters.color_primaries),
                    transfer: field!($m::AVCodecParameters.color_trc),
                    matrix: field!($m::AVCodecParameters.color_space),
                    chroma_location: field!($m::AVCodecParameters.chroma_location),
                },
                sample_aspect_ratio: field!($m::AVCodecParameters.sample_aspect_ratio as mirror AVRational),
                sample_rate: field!($m::AVCodecParameters.sample_rate),
                frame_size: field!($m::AVCodecParameters.frame_size),
                initial_padding: field!($m::AVCodecParameters.initial_padding),
                chroma_location: field!($m::AVCodecParameters.chroma_location),
                field_order: field!($m::AVCodecParameters.field_order),
                profile: field!($m::AVCodecParameters.profile),
                level: field!($m::AVCodecParameters.level),
                bits_per_raw_sample: field!($m::AVCodecParameters.bits_per_raw_sample),
                extradata_size: field!($m::AVCodecParameters.extradata_size),
                video_delay: field!($m::AVCodecParameters.video_delay),
                framerate: None,
                coded_side_data: None,
                nb_coded_side_data: None,
                channels: None,
                channel_layout: None,
                ch_layout: None,
            },
            stream: StreamLayout {
                index: field!($m::AVStream.index),
                id: field!($m::AVStream.id),
                codecpar: field!($m::AVStream.codecpar as same),
                time_base: field!($m::AVStream.time_base as mirror AVRational),
                start_time: field!($m::AVStream.start_time),
                duration: field!($m::AVStream.duration),
                nb_frames: field!($m::AVStream.nb_frames),
                disposition: field!($m::AVStream.disposition),
                discard: field!($m::AVStream.discard),
                sample_aspect_ratio: field!($m::AVStream.sample_aspect_ratio as mirror AVRational),
                metadata: field!($m::AVStream.metadata as same),
                avg_frame_rate: field!($m::AVStream.avg_frame_rate as mirror AVRational),
                r_frame_rate: field!($m::AVStream.r_frame_rate as mirror AVRational),
                event_flags: field!($m::AVStream.event_flags),
                codec_info_nb_frames: None,
                side_data: None,
                nb_side_data: None,
            },
            packet_side_data: PacketSideDataLayout {
                entry_size: size_of::<$m::AVPacketSideData>(),
                data: field!($m::AVPacketSideData.data as same),
                size_int: None,
                size_wide: None,
                kind: field!($m::AVPacketSideData.type_),
            },
            frame_side_data: FrameSideDataLayout {
                kind: field!($m::AVFrameSideData.type_),
                data: field!($m::AVFrameSideData.data as same),
                size_int: None,
                size_wide: None,
                metadata: field!($m::AVFrameSideData.metadata as same),
                qp_tables_numbered: false,
            },
            format_context: FormatContextLayout {
                av_class: field!($m::AVFormatContext.av_class as same),
                iformat: field!($m::AVFormatContext.iformat as same),
                priv_data: field!($m::AVFormatContext.priv_data),
                oformat: field!($m::AVFormatContext.oformat as same),
                pb: field!($m::AVFormatContext.pb as same),
                nb_streams: field!($m::AVFormatContext.nb_streams),
                streams: field!($m::AVFormatContext.streams as same),
                start_time: field!($m::AVFormatContext.start_time),
                duration: field!($m::AVFormatContext.duration),
                bit_rate: field!($m::AVFormatContext.bit_rate),
                packet_size: field!($m::AVFormatContext.packet_size),
                max_delay: field!($m::AVFormatContext.max_delay),
                flags: field!($m::AVFormatContext.flags),
                probesize: field!($m::AVFormatContext.probesize),
                max_analyze_duration: field!($m::AVFormatContext.max_analyze_duration),
                metadata: field!($m::AVFormatContext.metadata as same),
                nb_chapters: field!($m::AVFormatContext.nb_chapters),
                chapters: field!($m::AVFormatContext.chapters as same),
                interrupt_callback: {
                    mirror_witness!($m::AVIOInterruptCB as RawInterruptCallback {
                        callback => callback,
                        opaque => opaque
                    });
                    field!($m::AVFormatContext.interrupt_callback as mirror AVIOInterruptCB)
                },
                probe_score: field!($m::AVFormatContext.probe_score),
                nb_programs: field!($m::AVFormatContext.nb_programs),
                programs: field!($m::AVFormatContext.programs as same),
            },
            io_context: IoContextLayout {
                buffer: field!($m::AVIOContext.buffer),
                buffer_size: field!($m::AVIOContext.buffer_size),
                buf_ptr: field!($m::AVIOContext.buf_ptr),
                buf_end: field!($m::AVIOContext.buf_end),
                opaque: field!($m::AVIOContext.opaque),
                pos: field!($m::AVIOContext.pos),
                eof_reached: field!($m::AVIOContext.eof_reached),
                write_flag: field!($m::AVIOContext.write_flag),
                error: field!($m::AVIOContext.error),
                seekable: field!($m::AVIOContext.seekable),
            },
            codec: CodecLayout {
                name: field!($m::AVCodec.name),
                long_name: field!($m::AVCodec.long_name),
                media_type: field!($m::AVCodec.type_),
                id: field!($m::AVCodec.id),
                capabilities: field!($m::AVCodec.capabilities),
                priv_class: field!($m::AVCodec.priv_class as same),
                pix_fmts: None,
                sample_fmts: None,
                supported_samplerates: None,
                supported_framerates: None,
                channel_layouts: None,
                ch_layouts: None,
            },
            chapter: ChapterLayout {
                size: size_of::<$m::AVChapter>(),
                id_int: None,
                id_wide: None,
                time_base: field!($m::AVChapter.time_base as mirror AVRational),
                start: field!($m::AVChapter.start),
                end: field!($m::AVChapter.end),
                metadata: field!($m::AVChapter.metadata as same),
            },
            program: ProgramLayout {
                id: field!($m::AVProgram.id),
                discard: field!($m::AVProgram.discard),
                stream_index: field!($m::AVProgram.stream_index),
                nb_stream_indexes: field!($m::AVProgram.nb_stream_indexes),
                metadata: field!($m::AVProgram.metadata as same),
                program_num: field!($m::AVProgram.program_num),
                pmt_pid: field!($m::AVProgram.pmt_pid),
                pcr_pid: field!($m::AVProgram.pcr_pid),
            },
            input_format: FormatLayout {
                name: field!($m::AVInputFormat.name),
                long_name: field!($m::AVInputFormat.long_name),
                mime_type: field!($m::AVInputFormat.mime_type),
                flags: field!($m::AVInputFormat.flags),
                extensions: field!($m::AVInputFormat.extensions),
                priv_class: field!($m::AVInputFormat.priv_class as same),
            },
            output_format: OutputFormatLayout {
                format: FormatLayout {
                    name: field!($m::AVOutputFormat.name),
                    long_name: field!($m::AVOutputFormat.long_name),
                    mime_type: field!($m::AVOutputFormat.mime_type),
                    flags: field!($m::AVOutputFormat.flags),
                    extensions: field!($m::AVOutputFormat.extensions),
                priv_class: field!($m::AVOutputFormat.priv_class as same),
                },
                video_codec: field!($m::AVOutputFormat.video_codec),
                audio_codec: field!($m::AVOutputFormat.audio_codec),
                subtitle_codec: field!($m::AVOutputFormat.subtitle_codec),
                codec_tag: field!($m::AVOutputFormat.codec_tag as same),
            },
            option: OptionLayout {
                name: field!($m::AVOption.name),
                offset: field!($m::AVOption.offset),
                flags: field!($m::AVOption.flags),
                unflagged_are_exported: false,
            },
            packet_origin: None,
            stream_group: None,
            pixel_component_size: 5 * size_of::<c_int>(),
        }
    }};
}

/// The legacy channel fields of families 4.x to 6.x.
macro_rules! legacy_channels {
    ($m:ident, $layout:ident) => {
        $layout.frame.channels = Some(field!($m::AVFrame.channels));
        $layout.frame.channel_layout = Some(field!($m::AVFrame.channel_layout));
        $layout.codec_context.channels = Some(field!($m::AVCodecContext.channels));
        $layout.codec_context.channel_layout = Some(field!($m::AVCodecContext.channel_layout));
        $layout.codec_parameters.channels = Some(field!($m::AVCodecParameters.channels));
        $layout.codec_parameters.channel_layout =
            Some(field!($m::AVCodecParameters.channel_layout));
        $layout.codec.channel_layouts = Some(field!($m::AVCodec.channel_layouts));
    };
}

/// `AVChannelLayout` fields of families 5.x to 9.x.
macro_rules! channel_layouts {
    ($m:ident, $layout:ident) => {
        mirror_witness!($m::AVChannelLayout as RawChannelLayout {
            order => order,
            nb_channels => nb_channels,
            u => mask_or_map,
            opaque => opaque
        });
        $layout.frame.ch_layout = Some(field!($m::AVFrame.ch_layout as mirror AVChannelLayout));
        $layout.codec_context.ch_layout = Some(field!($m::AVCodecContext.ch_layout as mirror AVChannelLayout));
        $layout.codec_parameters.ch_layout = Some(field!($m::AVCodecParameters.ch_layout as mirror AVChannelLayout));
    };
}

/// `AVCodec`'s list of channel layouts, families 5.x to 8.x.
macro_rules! codec_channel_layouts {
    ($m:ident, $layout:ident) => {
        $layout.codec.ch_layouts = Some(field!($m::AVCodec.ch_layouts as same));
    };
}

/// `AVCodec`'s supported-value lists, families 4.x to 8.x.
macro_rules! codec_lists {
    ($m:ident, $layout:ident) => {
        $layout.codec.pix_fmts = Some(field!($m::AVCodec.pix_fmts));
        $layout.codec.sample_fmts = Some(field!($m::AVCodec.sample_fmts));
        $layout.codec.supported_samplerates = Some(field!($m::AVCodec.supported_samplerates));
        $layout.codec.supported_framerates = Some(field!($m::AVCodec.supported_framerates as same));
    };
}

/// Fields of families 4.x to 7.x that 8.x dropped: the flags it folded into `AVFrame.flags`,
/// and the position and size of the frame's packet.
macro_rules! frame_flag_fields {
    ($m:ident, $layout:ident) => {
        $layout.frame.key_frame = Some(field!($m::AVFrame.key_frame));
        $layout.frame.interlaced_frame = Some(field!($m::AVFrame.interlaced_frame));
        $layout.frame.top_field_first = Some(field!($m::AVFrame.top_field_first));
        $layout.frame.pkt_pos = Some(field!($m::AVFrame.pkt_pos));
        $layout.frame.pkt_size = Some(field!($m::AVFrame.pkt_size));
    };
}

/// The coded and display picture numbers of families 4.x to 6.x.
macro_rules! picture_numbers {
    ($m:ident, $layout:ident) => {
        $layout.frame.coded_picture_number = Some(field!($m::AVFrame.coded_picture_number));
        $layout.frame.display_picture_number = Some(field!($m::AVFrame.display_picture_number));
    };
}

/// Time bases carried by frames and packets, families 5.x to 9.x.
macro_rules! time_bases {
    ($m:ident, $layout:ident) => {
        $layout.frame.time_base = Some(field!($m::AVFrame.time_base as mirror AVRational));
        $layout.packet.time_base = Some(field!($m::AVPacket.time_base as mirror AVRational));
    };
}

/// Codec parameters' frame rate and coded side data, families 6.x to 9.x.
macro_rules! codec_parameter_extras {
    ($m:ident, $layout:ident) => {
        $layout.codec_parameters.framerate = Some(field!($m::AVCodecParameters.framerate as mirror AVRational));
        $layout.codec_parameters.coded_side_data =
            Some(field!($m::AVCodecParameters.coded_side_data as same));
        $layout.codec_parameters.nb_coded_side_data =
            Some(field!($m::AVCodecParameters.nb_coded_side_data));
    };
}

// The recipes of the family list: each builds the `Layout` of one generated module `$m`, as
// the common fields plus what that family changed. A new family whose structs changed only
// where the crate does not look reuses the newest recipe.

/// The stream's own side data array, families 4.x to 6.x.
macro_rules! stream_side_data {
    ($m:ident, $layout:ident) => {
        $layout.stream.side_data = Some(field!($m::AVStream.side_data as same));
        $layout.stream.nb_side_data = Some(field!($m::AVStream.nb_side_data));
    };
}

/// What 4.x and 5.x share: `AVCodec`'s lists, the legacy channel fields, the frame flag
/// fields and `pkt_duration`.
macro_rules! before_6 {
    ($m:ident, $layout:ident) => {
        codec_lists!($m, $layout);
        legacy_channels!($m, $layout);
        frame_flag_fields!($m, $layout);
        picture_numbers!($m, $layout);
        $layout.frame.duration = Some(field!($m::AVFrame.pkt_duration));
        $layout.codec_context.properties = Some(field!($m::AVCodecContext.properties));
        stream_side_data!($m, $layout);
    };
}

/// FFmpeg 4.x: the legacy channel fields, `pkt_duration`, no time bases.
macro_rules! shape_4 {
    ($m:ident) => {{
        let mut layout = common!($m);
        layout.chapter.id_int = Some(field!($m::AVChapter.id));
        layout.packet_side_data.size_int = Some(field!($m::AVPacketSideData.size));
        layout.frame_side_data.size_int = Some(field!($m::AVFrameSideData.size));
        layout.frame_side_data.qp_tables_numbered = true;
        layout.option.unflagged_are_exported = true;
        layout.stream.codec_info_nb_frames = Some(field!($m::AVStream.codec_info_nb_frames));
        layout.pixel_component_size = 8 * size_of::<c_int>();
        before_6!($m, layout);
        layout
    }};
}

/// FFmpeg 5.x: `AVChannelLayout` beside the legacy fields, time bases on frames and packets.
macro_rules! shape_5 {
    ($m:ident) => {{
        let mut layout = common!($m);
        layout.chapter.id_wide = Some(field!($m::AVChapter.id));
        layout.packet_side_data.size_wide = Some(field!($m::AVPacketSideData.size));
        layout.frame_side_data.size_wide = Some(field!($m::AVFrameSideData.size));
        before_6!($m, layout);
        channel_layouts!($m, layout);
        codec_channel_layouts!($m, layout);
        time_bases!($m, layout);
        layout
    }};
}

/// The fields through which a decoder opened with `AV_CODEC_FLAG_COPY_OPAQUE` (6.0 on) hands
/// each packet's `opaque_ref` to its frames, where the crate carries the packet's position and
/// size, as ffprobe does from 6.1 on.
macro_rules! packet_origins {
    ($m:ident, $layout:ident) => {
        $layout.packet_origin = Some(PacketOriginLayout {
            packet_opaque_ref: field!($m::AVPacket.opaque_ref as same),
            frame_opaque_ref: field!($m::AVFrame.opaque_ref as same),
            buffer_data: field!($m::AVBufferRef.data),
            buffer_size: field!($m::AVBufferRef.size),
        });
    };
}

/// Stream groups and tile grids, families 7.x to 9.x.
macro_rules! stream_groups {
    ($m:ident, $layout:ident) => {
        mirror_witness!($m::AVStreamGroupTileGrid__bindgen_ty_1 as TileOffset {
            idx => stream,
            horizontal => horizontal,
            vertical => vertical
        });
        // `params` is a union of pointers, each at its start.
        const _: () = assert!(size_of::<$m::AVStreamGroup__bindgen_ty_1>() == size_of::<*mut c_void>());
        $layout.stream_group = Some(StreamGroupLayout {
            nb_stream_groups: field!($m::AVFormatContext.nb_stream_groups),
            stream_groups: field!($m::AVFormatContext.stream_groups as same),
            index: field!($m::AVStreamGroup.index),
            id: field!($m::AVStreamGroup.id),
            kind: field!($m::AVStreamGroup.type_),
            tile_grid: field!($m::AVStreamGroup.params as same),
            metadata: field!($m::AVStreamGroup.metadata as same),
            nb_streams: field!($m::AVStreamGroup.nb_streams),
            streams: field!($m::AVStreamGroup.streams as same),
            disposition: field!($m::AVStreamGroup.disposition),
            grid: TileGridLayout {
                nb_tiles: field!($m::AVStreamGroupTileGrid.nb_tiles),
                coded_width: field!($m::AVStreamGroupTileGrid.coded_width),
                coded_height: field!($m::AVStreamGroupTileGrid.coded_height),
                offsets: field!($m::AVStreamGroupTileGrid.offsets as same),
                background: field!($m::AVStreamGroupTileGrid.background),
                horizontal_offset: field!($m::AVStreamGroupTileGrid.horizontal_offset),
                vertical_offset: field!($m::AVStreamGroupTileGrid.vertical_offset),
                width: field!($m::AVStreamGroupTileGrid.width),
                height: field!($m::AVStreamGroupTileGrid.height),
                coded_side_data: None,
                nb_coded_side_data: None,
            },
        });
    };
}

/// A tile grid's own side data (its display matrix: HEIF's `irot` and `imir`), families 8.x
/// and 9.x.
macro_rules! grid_side_data {
    ($m:ident, $layout:ident) => {
        if let Some(groups) = $layout.stream_group.as_mut() {
            groups.grid.coded_side_data =
                Some(field!($m::AVStreamGroupTileGrid.coded_side_data as same));
            groups.grid.nb_coded_side_data =
                Some(field!($m::AVStreamGroupTileGrid.nb_coded_side_data));
        }
    };
}

/// FFmpeg 6.x: `AVFrame.duration`, codec parameters that carry the frame rate and the
/// stream's side data, and packet origins carried to frames.
macro_rules! shape_6 {
    ($m:ident) => {{
        let mut layout = shape_5!($m);
        packet_origins!($m, layout);
        layout.frame.duration = Some(field!($m::AVFrame.duration));
        picture_numbers!($m, layout);
        codec_parameter_extras!($m, layout);
        layout
    }};
}

/// FFmpeg 7.x: 8.x's fields but the tile grids' side data, and still `key_frame` and
/// `interlaced_frame` (the legacy channel fields are gone).
macro_rules! shape_7 {
    ($m:ident) => {{
        let mut layout = shape_8!($m, before_grid_side_data);
        frame_flag_fields!($m, layout);
        layout
    }};
}

/// FFmpeg 8.x: 9.x's fields, and still `AVCodec`'s supported-value lists (`key_frame`,
/// `interlaced_frame` and `top_field_first` are folded into `flags`).
macro_rules! shape_8 {
    ($m:ident) => {{
        let mut layout = shape_8!($m, before_grid_side_data);
        grid_side_data!($m, layout);
        layout.frame.alpha_mode = Some(field!($m::AVFrame.alpha_mode as same));
        layout
    }};
    ($m:ident, before_grid_side_data) => {{
        let mut layout = shape_9!($m, before_grid_side_data);
        layout.codec_context.properties = Some(field!($m::AVCodecContext.properties));
        codec_lists!($m, layout);
        codec_channel_layouts!($m, layout);
        layout
    }};
}

/// FFmpeg 9.x: `AVCodec`'s supported-value lists are gone (`avcodec_get_supported_config`).
/// Stream groups (7.0 on). Frames carry their packet's position and size only in `opaque_ref`, where the crate puts
/// them (as it does from 6.x on).
macro_rules! shape_9 {
    ($m:ident) => {{
        let mut layout = shape_9!($m, before_grid_side_data);
        grid_side_data!($m, layout);
        layout.frame.alpha_mode = Some(field!($m::AVFrame.alpha_mode as same));
        layout
    }};
    // What 7.x shares with the later families: all but the tile grids' side data.
    ($m:ident, before_grid_side_data) => {{
        let mut layout = common!($m);
        packet_origins!($m, layout);
        stream_groups!($m, layout);
        layout.chapter.id_wide = Some(field!($m::AVChapter.id));
        layout.packet_side_data.size_wide = Some(field!($m::AVPacketSideData.size));
        layout.frame_side_data.size_wide = Some(field!($m::AVFrameSideData.size));
        channel_layouts!($m, layout);
        time_bases!($m, layout);
        layout.frame.duration = Some(field!($m::AVFrame.duration));
        codec_parameter_extras!($m, layout);
        layout.codec_context.decoded_side_data =
            Some(field!($m::AVCodecContext.decoded_side_data as same));
        layout.codec_context.nb_decoded_side_data =
            Some(field!($m::AVCodecContext.nb_decoded_side_data));
        layout
    }};
}

/// The layout of each family in the list, by libavcodec major.
macro_rules! layout_of_family {
    ($($ffmpeg:literal => $module:ident by $recipe:ident
        [$avutil:literal, $swresample:literal, $swscale:literal, $avcodec:literal, $avformat:literal, $avfilter:literal],)*) => {
        fn family_layout(avcodec_major: u64) -> Option<Layout> {
            match avcodec_major {
                $($avcodec => Some($recipe!($module)),)*
                _ => None,
            }
        }
    };
}
crate::sys::supported_families!(layout_of_family);

/// The libavcodec 61 minor (7.1) from which encoders give their stream the static side data
/// they are opened with, as the self-check proves `decoded_side_data` by.
const ENCODERS_MAP_DECODED_SIDE_DATA: u64 = 19;

/// Fields appended within a family after its first release: (library, major, minor since).
fn appended_since(versions: &[Version; 5], library: Library, major: u64, minor: u64) -> bool {
    let version = &versions[library.index()];
    version.major != major || version.minor >= minor
}

impl Layout {
    /// The layout of the family of `versions` (by [`Library::REQUIRED`]), without the fields the
    /// loaded minor versions do not have yet. `None` for an unsupported family.
    pub(crate) fn for_versions(versions: &[Version; 5]) -> Option<Layout> {
        let mut layout = family_layout(versions[Library::AvCodec.index()].major)?;
        if !appended_since(versions, Library::AvUtil, 57, 24) {
            layout.frame.ch_layout = None;
        }
        if !appended_since(versions, Library::AvCodec, 59, 24) {
            layout.codec_context.ch_layout = None;
            layout.codec_parameters.ch_layout = None;
            layout.codec.ch_layouts = None;
        }
        if !appended_since(versions, Library::AvUtil, 60, 11) {
            layout.frame.alpha_mode = None;
        }
        if !appended_since(versions, Library::AvCodec, 60, 11) {
            layout.codec_parameters.framerate = None;
        }
        if !appended_since(versions, Library::AvCodec, 60, 30) {
            layout.codec_parameters.coded_side_data = None;
            layout.codec_parameters.nb_coded_side_data = None;
        }
        if !appended_since(
            versions,
            Library::AvCodec,
            61,
            ENCODERS_MAP_DECODED_SIDE_DATA,
        ) {
            layout.codec_context.decoded_side_data = None;
            layout.codec_context.nb_decoded_side_data = None;
        }
        Some(layout)
    }
}

impl FormatContextLayout {
    /// The `index`th stream of a format context, or `None` past the last.
    ///
    /// # Safety
    ///
    /// `context` points to a live AVFormatContext of this layout's family.
    pub(crate) unsafe fn stream(
        &self,
        context: *const AVFormatContext,
        index: usize,
    ) -> Option<*mut AVStream> {
        // SAFETY: `streams` holds `nb_streams` live AVStream pointers owned by the context.
        unsafe {
            if index >= self.nb_streams.read(context) as usize {
                return None;
            }
            Some(*self.streams.read(context).add(index)).filter(|stream| !stream.is_null())
        }
    }
}

impl FrameLayout {
    /// A key frame: `key_frame` where the family has it, else `AV_FRAME_FLAG_KEY` in `flags`.
    ///
    /// # Safety
    ///
    /// `frame` points to a live AVFrame of this layout's family.
    pub(crate) unsafe fn is_key(&self, frame: *const AVFrame) -> bool {
        // SAFETY: per the contract.
        unsafe { self.flag_or_field(frame, self.key_frame, FRAME_FLAG_KEY) }
    }

    /// Interlaced: `interlaced_frame`, or `AV_FRAME_FLAG_INTERLACED`.
    ///
    /// # Safety
    ///
    /// As for [`FrameLayout::is_key`].
    pub(crate) unsafe fn is_interlaced(&self, frame: *const AVFrame) -> bool {
        // SAFETY: per the contract.
        unsafe { self.flag_or_field(frame, self.interlaced_frame, FRAME_FLAG_INTERLACED) }
    }

    /// The top field first: `top_field_first`, or `AV_FRAME_FLAG_TOP_FIELD_FIRST`.
    ///
    /// # Safety
    ///
    /// As for [`FrameLayout::is_key`].
    pub(crate) unsafe fn is_top_field_first(&self, frame: *const AVFrame) -> bool {
        // SAFETY: per the contract.
        unsafe { self.flag_or_field(frame, self.top_field_first, FRAME_FLAG_TOP_FIELD_FIRST) }
    }

    /// # Safety
    ///
    /// As for [`FrameLayout::is_key`].
    unsafe fn flag_or_field(
        &self,
        frame: *const AVFrame,
        field: Option<Field<AVFrame, c_int>>,
        flag: c_int,
    ) -> bool {
        // SAFETY: per the contract.
        unsafe {
            match field {
                // Families that have the field set it (and, from 6.1, the flag too).
                Some(field) => field.read(frame) != 0,
                None => self.flags.read(frame) & flag != 0,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::SUPPORTED_AVCODEC_MAJORS;

    fn versions(avutil: (u64, u64), avcodec: (u64, u64)) -> [Version; 5] {
        let mut versions = std::array::from_fn(|_| Version::new(0, 0, 100));
        versions[Library::AvUtil.index()] = Version::new(avutil.0, avutil.1, 100);
        versions[Library::AvCodec.index()] = Version::new(avcodec.0, avcodec.1, 100);
        versions
    }

    #[test]
    fn the_key_flag_comes_from_the_field_or_from_flags() {
        // 7.x still has `key_frame`.
        let layout = Layout::for_versions(&versions((59, 39), (61, 19)))
            .unwrap()
            .frame;
        // SAFETY: an all-zero AVFrame of family 61 is a valid value of the generated struct.
        let mut frame: v61::AVFrame = unsafe { std::mem::zeroed() };
        let base = (&raw mut frame).cast::<AVFrame>();
        // SAFETY: `base` is that frame.
        unsafe {
            assert!(!layout.is_key(base));
            layout.key_frame.unwrap().write(base, 1);
            assert!(layout.is_key(base));
        }
        // 8.x has only the flag.
        let layout = Layout::for_versions(&versions((60, 8), (62, 11)))
            .unwrap()
            .frame;
        assert!(layout.key_frame.is_none() && layout.interlaced_frame.is_none());
        // SAFETY: as above, for family 62.
        let mut frame: v62::AVFrame = unsafe { std::mem::zeroed() };
        let base = (&raw mut frame).cast::<AVFrame>();
        // SAFETY: `base` is that frame.
        unsafe {
            assert!(!layout.is_key(base) && !layout.is_interlaced(base));
            layout
                .flags
                .write(base, FRAME_FLAG_KEY | FRAME_FLAG_INTERLACED);
            assert!(layout.is_key(base) && layout.is_interlaced(base));
        }
    }

    #[test]
    fn channel_counts_come_from_ch_layout_or_the_legacy_field() {
        let legacy = Layout::for_versions(&versions((56, 22), (58, 35)))
            .unwrap()
            .frame;
        assert!(legacy.ch_layout.is_none());
        // SAFETY: all-zero generated frames are valid values.
        let mut frame: v58::AVFrame = unsafe { std::mem::zeroed() };
        frame.channels = 6;
        // SAFETY: the pointer is that frame.
        assert_eq!(
            unsafe {
                legacy
                    .channel_fields()
                    .count((&raw const frame).cast::<AVFrame>())
            },
            Some(6)
        );
        let modern = Layout::for_versions(&versions((59, 39), (61, 19)))
            .unwrap()
            .frame;
        // SAFETY: as above.
        let mut frame: v61::AVFrame = unsafe { std::mem::zeroed() };
        frame.ch_layout.nb_channels = 2;
        // SAFETY: the pointer is that frame.
        assert_eq!(
            unsafe {
                modern
                    .channel_fields()
                    .count((&raw const frame).cast::<AVFrame>())
            },
            Some(2)
        );
    }

    #[test]
    fn fields_appended_within_a_family_are_dropped_for_older_minors() {
        let early_5 = Layout::for_versions(&versions((57, 17), (59, 18))).unwrap();
        assert!(early_5.frame.ch_layout.is_none() && early_5.codec_context.ch_layout.is_none());
        assert!(
            early_5.frame.channels.is_some(),
            "5.0 still has the legacy fields"
        );
        let late_5 = Layout::for_versions(&versions((57, 28), (59, 37))).unwrap();
        assert!(late_5.frame.ch_layout.is_some() && late_5.codec_context.ch_layout.is_some());
        let early_6 = Layout::for_versions(&versions((58, 2), (60, 3))).unwrap();
        assert!(early_6.codec_parameters.framerate.is_none());
        let past_newest = SUPPORTED_AVCODEC_MAJORS.end() + 1;
        assert!(Layout::for_versions(&versions((99, 0), (past_newest, 0))).is_none());
    }
}
