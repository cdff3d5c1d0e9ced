//! Values the crate relies on that are identical in every family 4.x–9.x. Values that moved
//! between majors (pixel and sample formats, codec ids) are never constants here: they are
//! looked up by name at run time (`av_get_pix_fmt`, `av_get_sample_fmt`, …). The self-check
//! confirms the ones FFmpeg can name or show: picture and media types by their names, error
//! codes by `av_strerror`'s text, swscale's colour spaces by their coefficients, the muxer
//! flags on muxers known to have them. The log levels, the other flags and the seek `whence`
//! values have no function that could confirm them; they are fixed by FFmpeg's headers.

use std::ffi::c_int;

/// `AV_NOPTS_VALUE`: no timestamp.
pub(crate) const NOPTS_VALUE: i64 = i64::MIN;

/// `enum AVMediaType`.
pub(crate) const MEDIA_TYPE_VIDEO: c_int = 0;
pub(crate) const MEDIA_TYPE_AUDIO: c_int = 1;
pub(crate) const MEDIA_TYPE_DATA: c_int = 2;
pub(crate) const MEDIA_TYPE_SUBTITLE: c_int = 3;
pub(crate) const MEDIA_TYPE_ATTACHMENT: c_int = 4;

/// `enum AVPictureType`, with the letter `av_get_picture_type_char` gives each.
pub(crate) const PICTURE_TYPES: [(u32, u8); 8] = [
    (0, b'?'),
    (1, b'I'),
    (2, b'P'),
    (3, b'B'),
    (4, b'S'),
    (5, b'i'),
    (6, b'p'),
    (7, b'b'),
];

/// `AV_PKT_FLAG_KEY`, `AV_PKT_FLAG_CORRUPT`, `AV_PKT_FLAG_DISCARD`.
pub(crate) const PKT_FLAG_KEY: c_int = 0x0001;
pub(crate) const PKT_FLAG_CORRUPT: c_int = 0x0002;
pub(crate) const PKT_FLAG_DISCARD: c_int = 0x0004;
/// `AV_PKT_FLAG_DISPOSABLE`: the packet holds frames no other frame refers to.
pub(crate) const PKT_FLAG_DISPOSABLE: c_int = 0x0010;

/// `AV_FRAME_FLAG_*` (libavutil 58+; earlier families use `key_frame`, `interlaced_frame` and
/// `top_field_first`, which the accessors read instead).
pub(crate) const FRAME_FLAG_KEY: c_int = 1 << 1;
pub(crate) const FRAME_FLAG_INTERLACED: c_int = 1 << 3;
pub(crate) const FRAME_FLAG_TOP_FIELD_FIRST: c_int = 1 << 4;
/// `AV_FRAME_FLAG_LOSSLESS`: coded losslessly (libavutil 60, 8.0; the bit is unused before).
pub(crate) const FRAME_FLAG_LOSSLESS: c_int = 1 << 5;

/// `AV_PIX_FMT_FLAG_*`: what a pixel format's descriptor says of it. XYZ is set from
/// libavutil 59 (7.0); before, `xyz12` was the only such format and had no flag.
pub(crate) const PIX_FMT_FLAG_PAL: u64 = 1 << 1;
pub(crate) const PIX_FMT_FLAG_BITSTREAM: u64 = 1 << 2;
pub(crate) const PIX_FMT_FLAG_HWACCEL: u64 = 1 << 3;
pub(crate) const PIX_FMT_FLAG_PLANAR: u64 = 1 << 4;
pub(crate) const PIX_FMT_FLAG_RGB: u64 = 1 << 5;
pub(crate) const PIX_FMT_FLAG_ALPHA: u64 = 1 << 7;
pub(crate) const PIX_FMT_FLAG_BAYER: u64 = 1 << 8;
pub(crate) const PIX_FMT_FLAG_FLOAT: u64 = 1 << 9;
pub(crate) const PIX_FMT_FLAG_XYZ: u64 = 1 << 10;

/// `AV_CODEC_FLAG_LOW_DELAY`, `AV_CODEC_FLAG_GLOBAL_HEADER`.
pub(crate) const CODEC_FLAG_LOW_DELAY: c_int = 1 << 19;
/// `AV_CODEC_FLAG_COPY_OPAQUE` (6.0 on): decoders give frames their packet's `opaque_ref`.
pub(crate) const CODEC_FLAG_COPY_OPAQUE: c_int = 1 << 7;
pub(crate) const CODEC_FLAG_GLOBAL_HEADER: c_int = 1 << 22;
/// `AV_CODEC_FLAG_FRAME_DURATION` (libavcodec 59.59 on): encoders give packets their frames'
/// durations.
pub(crate) const CODEC_FLAG_FRAME_DURATION: c_int = 1 << 8;

/// `AV_CODEC_PROP_BITMAP_SUB` and `AV_CODEC_PROP_TEXT_SUB`, in a codec descriptor's
/// properties: the same bits in every release 4.x–9.x.
pub(crate) const CODEC_PROP_BITMAP_SUB: c_int = 1 << 16;
pub(crate) const CODEC_PROP_TEXT_SUB: c_int = 1 << 17;

/// `FF_CODEC_PROPERTY_CLOSED_CAPTIONS` and `FF_CODEC_PROPERTY_FILM_GRAIN`, in a codec
/// context's `properties`.
pub(crate) const CODEC_PROPERTY_CLOSED_CAPTIONS: std::ffi::c_uint = 0x2;
pub(crate) const CODEC_PROPERTY_FILM_GRAIN: std::ffi::c_uint = 0x4;

/// `enum AVPacketSideDataType`: appended to, never renumbered, in every release 4.x–9.x
/// (the self-check adds skip samples by number; tests/probe.rs compares the names
/// `av_packet_side_data_name` gives with ffprobe's).
pub(crate) const PKT_DATA_PALETTE: u32 = 0;
pub(crate) const PKT_DATA_REPLAYGAIN: u32 = 4;
pub(crate) const PKT_DATA_DISPLAY_MATRIX: u32 = 5;
pub(crate) const PKT_DATA_STEREO_3D: u32 = 6;
pub(crate) const PKT_DATA_AUDIO_SERVICE_TYPE: u32 = 7;
pub(crate) const PKT_DATA_CPB_PROPERTIES: u32 = 10;
pub(crate) const PKT_DATA_SKIP_SAMPLES: u32 = 11;
pub(crate) const PKT_DATA_STRINGS_METADATA: u32 = 13;
/// Matroska's BlockAdditional: its id (8 bytes, big-endian), then its bytes.
pub(crate) const PKT_DATA_MATROSKA_BLOCKADDITIONAL: u32 = 15;
pub(crate) const PKT_DATA_METADATA_UPDATE: u32 = 18;
pub(crate) const PKT_DATA_MPEGTS_STREAM_ID: u32 = 19;
pub(crate) const PKT_DATA_MASTERING_DISPLAY: u32 = 20;
pub(crate) const PKT_DATA_SPHERICAL: u32 = 21;
pub(crate) const PKT_DATA_CONTENT_LIGHT_LEVEL: u32 = 22;
pub(crate) const PKT_DATA_ACTIVE_FORMAT: u32 = 26;
pub(crate) const PKT_DATA_ICC_PROFILE: u32 = 28;
pub(crate) const PKT_DATA_DOLBY_VISION_CONFIG: u32 = 29;
/// Since 5.0; 4.x has no kind of this number.
pub(crate) const PKT_DATA_DYNAMIC_HDR10_PLUS: u32 = 31;
/// Since 7.0: IAMF mix gain, demixing and reconstruction gain parameters
/// (`AVIAMFParamDefinition`).
pub(crate) const PKT_DATA_IAMF_MIX_GAIN_PARAM: u32 = 32;
pub(crate) const PKT_DATA_IAMF_DEMIXING_INFO_PARAM: u32 = 33;
pub(crate) const PKT_DATA_IAMF_RECON_GAIN_INFO_PARAM: u32 = 34;
/// Since 7.0 (`AVAmbientViewingEnvironment`).
pub(crate) const PKT_DATA_AMBIENT_VIEWING_ENVIRONMENT: u32 = 35;
/// Since 7.1: four little-endian `uint32_t`s, top, bottom, left, right.
pub(crate) const PKT_DATA_FRAME_CROPPING: u32 = 36;
/// In 8.1, not in 7.1 (`AV3DReferenceDisplaysInfo`).
pub(crate) const PKT_DATA_3D_REFERENCE_DISPLAYS: u32 = 38;
/// Since 8.1: EXIF metadata, a TIFF header and its directories.
pub(crate) const PKT_DATA_EXIF: u32 = 40;

/// `enum AVFrameSideDataType` as 5.0 and later number it: 4.x numbers the kinds from the S12M
/// timecode on two higher (`FrameSideDataLayout::number_since_5`; the self-check compares
/// the names `av_frame_side_data_name` gives).
pub(crate) const FRAME_DATA_A53_CC: u32 = 1;
pub(crate) const FRAME_DATA_STEREO3D: u32 = 2;
/// `AVDownmixInfo`: the same struct in every release.
pub(crate) const FRAME_DATA_DOWNMIX_INFO: u32 = 4;
pub(crate) const FRAME_DATA_REPLAYGAIN: u32 = 5;
pub(crate) const FRAME_DATA_DISPLAYMATRIX: u32 = 6;
pub(crate) const FRAME_DATA_AFD: u32 = 7;
pub(crate) const FRAME_DATA_SKIP_SAMPLES: u32 = 9;
pub(crate) const FRAME_DATA_AUDIO_SERVICE_TYPE: u32 = 10;
pub(crate) const FRAME_DATA_MASTERING_DISPLAY_METADATA: u32 = 11;
pub(crate) const FRAME_DATA_GOP_TIMECODE: u32 = 12;
pub(crate) const FRAME_DATA_SPHERICAL: u32 = 13;
pub(crate) const FRAME_DATA_CONTENT_LIGHT_LEVEL: u32 = 14;
pub(crate) const FRAME_DATA_ICC_PROFILE: u32 = 15;
pub(crate) const FRAME_DATA_S12M_TIMECODE: u32 = 16;
pub(crate) const FRAME_DATA_DYNAMIC_HDR_PLUS: u32 = 17;
pub(crate) const FRAME_DATA_SEI_UNREGISTERED: u32 = 20;
/// Since 5.0 (`AVDOVIMetadata`).
pub(crate) const FRAME_DATA_DOVI_METADATA: u32 = 24;
/// Since 5.0 (`AVDynamicHDRVivid`).
pub(crate) const FRAME_DATA_DYNAMIC_HDR_VIVID: u32 = 25;
/// Since 6.0 (`AVAmbientViewingEnvironment`).
pub(crate) const FRAME_DATA_AMBIENT_VIEWING_ENVIRONMENT: u32 = 26;
/// Since 7.1: an `int`, the view's id.
pub(crate) const FRAME_DATA_VIEW_ID: u32 = 29;
/// Since 8.1: EXIF metadata, a TIFF header and its directories.
pub(crate) const FRAME_DATA_3D_REFERENCE_DISPLAYS: u32 = 30;
pub(crate) const FRAME_DATA_EXIF: u32 = 31;
/// Since 9.0: IAMF parameters, as the packets' (`AVIAMFParamDefinition`).
pub(crate) const FRAME_DATA_IAMF_MIX_GAIN_PARAM: u32 = 33;
pub(crate) const FRAME_DATA_IAMF_DEMIXING_INFO_PARAM: u32 = 34;
pub(crate) const FRAME_DATA_IAMF_RECON_GAIN_INFO_PARAM: u32 = 35;

/// `sizeof(AVDynamicHDRPlus)`: the same struct in every release 4.x–9.x (the self-check
/// adds one to a frame and reads the entry's size).
pub(crate) const DYNAMIC_HDR_PLUS_SIZE: usize = 11_304;

/// `AV_OPT_FLAG_EXPORT`: an option that reports a value rather than takes one.
pub(crate) const OPT_FLAG_EXPORT: c_int = 1 << 6;

/// `AV_CODEC_CAP_*`, in a codec's capabilities: the same bits in every release 4.x–9.x
/// (tests/catalog.rs compares them with the CLI's `-decoders` and `-encoders` columns).
pub(crate) const CODEC_CAP_DELAY: c_int = 1 << 5;
pub(crate) const CODEC_CAP_EXPERIMENTAL: c_int = 1 << 9;
pub(crate) const CODEC_CAP_FRAME_THREADS: c_int = 1 << 12;
pub(crate) const CODEC_CAP_SLICE_THREADS: c_int = 1 << 13;
pub(crate) const CODEC_CAP_VARIABLE_FRAME_SIZE: c_int = 1 << 16;
pub(crate) const CODEC_CAP_HARDWARE: c_int = 1 << 18;
pub(crate) const CODEC_CAP_HYBRID: c_int = 1 << 19;

/// `FF_PROFILE_UNKNOWN` and `FF_LEVEL_UNKNOWN` (`AV_PROFILE_UNKNOWN`, `AV_LEVEL_UNKNOWN`).
pub(crate) const PROFILE_UNKNOWN: c_int = -99;
pub(crate) const LEVEL_UNKNOWN: c_int = -99;

/// `enum AVFieldOrder`: unknown, progressive, then `tt`, `bb`, `tb`, `bt`.
pub(crate) const FIELD_PROGRESSIVE: u32 = 1;
pub(crate) const FIELD_TT: u32 = 2;
pub(crate) const FIELD_BB: u32 = 3;
pub(crate) const FIELD_TB: u32 = 4;
pub(crate) const FIELD_BT: u32 = 5;

/// `enum AVCodecConfig` (libavcodec 61.13+): what `avcodec_get_supported_config` lists.
pub(crate) const CODEC_CONFIG_PIX_FORMAT: c_int = 0;
pub(crate) const CODEC_CONFIG_FRAME_RATE: c_int = 1;
pub(crate) const CODEC_CONFIG_SAMPLE_RATE: c_int = 2;
pub(crate) const CODEC_CONFIG_SAMPLE_FORMAT: c_int = 3;
pub(crate) const CODEC_CONFIG_CHANNEL_LAYOUT: c_int = 4;
pub(crate) const CODEC_CONFIG_COLOR_RANGE: c_int = 5;

/// `enum AVColorRange`: limited (MPEG) and full (JPEG) range.
pub(crate) const COLOR_RANGE_MPEG: c_int = 1;
pub(crate) const COLOR_RANGE_JPEG: c_int = 2;

/// `FF_THREAD_FRAME`, `FF_THREAD_SLICE`.
pub(crate) const THREAD_FRAME: c_int = 1;
pub(crate) const THREAD_SLICE: c_int = 2;

/// `enum AVDiscard`.
pub(crate) const DISCARD_DEFAULT: c_int = 0;
pub(crate) const DISCARD_NONREF: c_int = 8;
pub(crate) const DISCARD_BIDIR: c_int = 16;
pub(crate) const DISCARD_NONKEY: c_int = 32;
/// `AVDISCARD_ALL`: a stream the demuxer may skip entirely.
pub(crate) const DISCARD_ALL: c_int = 48;

/// `AVERROR(EAGAIN)`: the call needs the other side first (more input, or output received).
pub(crate) const AVERROR_EAGAIN: c_int = -libc::EAGAIN;

/// `FFERRTAG`: FFmpeg's own error codes are four characters, negated.
const fn tag(a: u8, b: u8, c: u8, d: u8) -> c_int {
    -((a as c_int) | ((b as c_int) << 8) | ((c as c_int) << 16) | ((d as c_int) << 24))
}

/// FFmpeg's own error codes, with the text `av_strerror` gives each in every family.
pub(crate) const AVERROR_EOF: c_int = tag(b'E', b'O', b'F', b' ');
pub(crate) const AVERROR_INVALIDDATA: c_int = tag(b'I', b'N', b'D', b'A');
pub(crate) const AVERROR_DECODER_NOT_FOUND: c_int = tag(0xF8, b'D', b'E', b'C');
pub(crate) const AVERROR_DEMUXER_NOT_FOUND: c_int = tag(0xF8, b'D', b'E', b'M');
pub(crate) const AVERROR_STREAM_NOT_FOUND: c_int = tag(0xF8, b'S', b'T', b'R');
pub(crate) const AVERROR_ENCODER_NOT_FOUND: c_int = tag(0xF8, b'E', b'N', b'C');
pub(crate) const AVERROR_MUXER_NOT_FOUND: c_int = tag(0xF8, b'M', b'U', b'X');
pub(crate) const AVERROR_OPTION_NOT_FOUND: c_int = tag(0xF8, b'O', b'P', b'T');
/// What FFmpeg returns once an interrupt callback told it to give up.
pub(crate) const AVERROR_EXIT: c_int = tag(b'E', b'X', b'I', b'T');
pub(crate) const ERROR_TEXTS: [(c_int, &str); 9] = [
    (AVERROR_EOF, "End of file"),
    (
        AVERROR_INVALIDDATA,
        "Invalid data found when processing input",
    ),
    (AVERROR_DECODER_NOT_FOUND, "Decoder not found"),
    (AVERROR_DEMUXER_NOT_FOUND, "Demuxer not found"),
    (AVERROR_STREAM_NOT_FOUND, "Stream not found"),
    (AVERROR_ENCODER_NOT_FOUND, "Encoder not found"),
    (AVERROR_MUXER_NOT_FOUND, "Muxer not found"),
    (AVERROR_OPTION_NOT_FOUND, "Option not found"),
    (AVERROR_EXIT, "Immediate exit requested"),
];

/// `AV_LOG_*` levels.
pub(crate) const LOG_QUIET: c_int = -8;
/// `AV_LOG_PANIC`: what a failed `av_assert0` logs before FFmpeg aborts the process.
pub(crate) const LOG_PANIC: c_int = 0;
pub(crate) const LOG_ERROR: c_int = 16;
pub(crate) const LOG_WARNING: c_int = 24;
pub(crate) const LOG_INFO: c_int = 32;
pub(crate) const LOG_DEBUG: c_int = 48;
pub(crate) const LOG_TRACE: c_int = 56;

/// `AV_CHANNEL_ORDER_UNSPEC`: a channel count without a layout.
pub(crate) const CHANNEL_ORDER_UNSPEC: c_int = 0;
/// `AV_CHANNEL_ORDER_NATIVE`: the channels a mask of `AV_CH_*` bits names, in bit order.
pub(crate) const CHANNEL_ORDER_NATIVE: c_int = 1;
/// `AV_CH_LAYOUT_STEREO`: front left and right. The `AV_CH_*` bits are the same in every
/// release, so a mask means the same channels whichever FFmpeg reads it.
pub(crate) const CHANNEL_MASK_STEREO: u64 = 0x3;

/// `AV_DICT_IGNORE_SUFFIX`: with an empty key, walks every entry.
pub(crate) const DICT_IGNORE_SUFFIX: c_int = 2;

/// `AVFMT_NOFILE` and `AVFMT_GLOBALHEADER`, in a muxer's flags.
pub(crate) const FMT_NOFILE: c_int = 0x0001;
pub(crate) const FMT_GLOBALHEADER: c_int = 0x0040;
/// `AVFMT_SHOW_IDS`: a demuxer whose stream ids mean something (PIDs, track ids).
pub(crate) const FMT_SHOW_IDS: c_int = 0x0008;
/// `AVFMT_TS_DISCONT`: a demuxer whose timestamps may jump (MPEG-TS, MPEG-PS).
pub(crate) const FMT_TS_DISCONT: c_int = 0x0200;
/// `AVFMT_SEEK_TO_PTS`: a demuxer that seeks by presentation time (MP4).
pub(crate) const FMT_SEEK_TO_PTS: c_int = 0x0400_0000;
/// `AVFMT_NOTIMESTAMPS` and `AVFMT_TS_NONSTRICT`: a muxer that writes no timestamps, one
/// that takes equal consecutive ones.
pub(crate) const FMT_NOTIMESTAMPS: c_int = 0x0080;
pub(crate) const FMT_TS_NONSTRICT: c_int = 0x20000;
/// `AVFMT_VARIABLE_FPS`: a muxer that takes pictures at a variable rate.
pub(crate) const FMT_VARIABLE_FPS: c_int = 0x0400;
/// `AVSTREAM_EVENT_FLAG_NEW_PACKETS` (libavformat 59+): packets of the stream were read.
pub(crate) const STREAM_EVENT_FLAG_NEW_PACKETS: c_int = 0x0002;

/// `AVFMT_FLAG_CUSTOM_IO`, in a format context's flags.
pub(crate) const FMT_FLAG_CUSTOM_IO: c_int = 0x0080;
/// `AVIO_FLAG_WRITE`.
pub(crate) const IO_FLAG_WRITE: c_int = 2;

/// `AVSEEK_FLAG_ANY`: seek to any frame, not only keyframes.
pub(crate) const SEEK_FLAG_ANY: c_int = 4;
/// `AVIO_SEEKABLE_NORMAL`, in an I/O context's `seekable`: it can seek anywhere.
pub(crate) const IO_SEEKABLE_NORMAL: c_int = 1;
/// `AVSEEK_SIZE`: asks a custom I/O's seek for the stream's size instead of seeking.
pub(crate) const SEEK_SIZE: c_int = 0x10000;
/// `AVSEEK_FORCE`: a hint FFmpeg may add to `whence`.
pub(crate) const SEEK_FORCE: c_int = 0x20000;

/// `SWS_*` scaler flags.
pub(crate) const SWS_FAST_BILINEAR: c_int = 1;
pub(crate) const SWS_BILINEAR: c_int = 2;
pub(crate) const SWS_BICUBIC: c_int = 4;
pub(crate) const SWS_LANCZOS: c_int = 0x200;
pub(crate) const SWS_FULL_CHR_H_INT: c_int = 0x2000;
pub(crate) const SWS_ACCURATE_RND: c_int = 0x40000;
pub(crate) const SWS_BITEXACT: c_int = 0x80000;

/// `SWS_CS_ITU709` and `SWS_CS_ITU601`, with the first of the four coefficients
/// `sws_getCoefficients` gives each (`ff_yuv2rgb_coeffs`).
pub(crate) const SWS_CS_ITU709: c_int = 1;
pub(crate) const SWS_CS_ITU601: c_int = 5;
pub(crate) const SWS_CS_FIRST_COEFFICIENTS: [(c_int, c_int); 2] =
    [(SWS_CS_ITU709, 117_489), (SWS_CS_ITU601, 104_597)];

// libavfilter's buffer source and sink flags (buffersrc.h, buffersink.h), unchanged since 2012.
/// Run the graph on the frame at once.
pub(crate) const BUFFERSRC_FLAG_PUSH: c_int = 4;
/// Take a new reference to the frame, leaving the caller's as it was.
pub(crate) const BUFFERSRC_FLAG_KEEP_REF: c_int = 8;
/// Give only a frame already waiting; never run the graph for one.
pub(crate) const BUFFERSINK_FLAG_NO_REQUEST: c_int = 2;
