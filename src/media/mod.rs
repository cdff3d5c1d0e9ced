//! The media API: demuxing and muxing ([`format`]), decoding and encoding ([`codec`]), frames,
//! packets, scaling, resampling and the audio FIFO. Each type wraps one FFmpeg object, keeps
//! its [`Ffmpeg`](crate::Ffmpeg) alive, and reads fields only through the ABI layer.

pub(crate) mod audio_fifo;
pub mod codec;
pub(crate) mod color;
pub(crate) mod dictionary;
pub mod format;
pub(crate) mod formats;
pub(crate) mod frame;
pub(crate) mod packet;
pub(crate) mod resample;
pub(crate) mod scale;
