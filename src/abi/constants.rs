//! Values the crate relies on that are identical in every family 4.x–9.x. Values that moved
//! between majors (pixel and sample formats, codec ids) are never constants here: they are
//! looked up by name at run time (`av_get_pix_fmt`, `av_get_sample_fmt`, …). The self-check
//! confirms the ones FFmpeg can name (`av_get_picture_type_char`, `av_get_media_type_string`).

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

/// `AV_FRAME_FLAG_*` (libavutil 58+; earlier families use `key_frame`, `interlaced_frame` and
/// `top_field_first`, which the accessors read instead).
pub(crate) const FRAME_FLAG_KEY: c_int = 1 << 1;
pub(crate) const FRAME_FLAG_INTERLACED: c_int = 1 << 3;

/// `AV_CODEC_FLAG_LOW_DELAY`, `AV_CODEC_FLAG_GLOBAL_HEADER`.
pub(crate) const CODEC_FLAG_LOW_DELAY: c_int = 1 << 19;
pub(crate) const CODEC_FLAG_GLOBAL_HEADER: c_int = 1 << 22;

/// `AV_CODEC_CAP_EXPERIMENTAL`, `AV_CODEC_CAP_VARIABLE_FRAME_SIZE`.
pub(crate) const CODEC_CAP_EXPERIMENTAL: c_int = 1 << 9;
pub(crate) const CODEC_CAP_VARIABLE_FRAME_SIZE: c_int = 1 << 16;

/// `enum AVCodecConfig` (libavcodec 61.13+): what `avcodec_get_supported_config` lists.
pub(crate) const CODEC_CONFIG_PIX_FORMAT: c_int = 0;
pub(crate) const CODEC_CONFIG_SAMPLE_RATE: c_int = 2;
pub(crate) const CODEC_CONFIG_SAMPLE_FORMAT: c_int = 3;
pub(crate) const CODEC_CONFIG_CHANNEL_LAYOUT: c_int = 4;

/// `FF_LOSS_ALPHA`, in what `av_get_pix_fmt_loss` reports.
pub(crate) const LOSS_ALPHA: c_int = 0x0008;

/// `FF_THREAD_FRAME`, `FF_THREAD_SLICE`.
pub(crate) const THREAD_FRAME: c_int = 1;
pub(crate) const THREAD_SLICE: c_int = 2;

/// `enum AVDiscard`.
pub(crate) const DISCARD_DEFAULT: c_int = 0;
pub(crate) const DISCARD_NONREF: c_int = 8;
pub(crate) const DISCARD_BIDIR: c_int = 16;
pub(crate) const DISCARD_NONKEY: c_int = 32;
