//! What an [`Output`] says about itself and its streams before its header is written:
//! container and stream metadata (title, language, comment…) and dispositions.

use std::ffi::{CString, c_int};

use super::output::Output;
use crate::ffmpeg::error::{Error, Result, check};
use crate::sys::objects::{AVDictionary, AVStream};

impl Output {
    /// Sets the container's metadata `key` (`title`, `comment`, `artist`, `creation_time`…)
    /// to `value`, or removes it with `None`. The muxer writes what its format can hold.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::InvalidText`] for a NUL byte.
    pub fn set_metadata(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        self.expect_configuring("Output::set_metadata")?;
        let field = self.ffmpeg().layout().format_context.metadata;
        // The context's own dictionary field, at its proven offset.
        let dictionary = field.address(self.context_ptr()).cast_mut();
        set_entry(self, dictionary, key, value)
    }

    /// Sets stream `stream`'s metadata `key` (`language`, `title`, `handler_name`…) to
    /// `value`, or removes it with `None`.
    ///
    /// # Errors
    ///
    /// As for [`Output::set_metadata`], and [`Error::StreamNotFound`].
    pub fn set_stream_metadata(
        &mut self,
        stream: usize,
        key: &str,
        value: Option<&str>,
    ) -> Result<()> {
        self.expect_configuring("Output::set_stream_metadata")?;
        let stream = self.stream_ptr(stream)?;
        let field = self.ffmpeg().layout().stream.metadata;
        // The stream's own dictionary field, at its proven offset.
        let dictionary = field.address(stream).cast_mut();
        set_entry(self, dictionary, key, value)
    }

    /// Sets stream `stream`'s disposition: FFmpeg's `AV_DISPOSITION_*` bits, as
    /// [`Stream::disposition`](super::Stream::disposition) reads them (default 1, forced
    /// 0x40, attached picture 0x400…).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::StreamNotFound`].
    pub fn set_stream_disposition(&mut self, stream: usize, disposition: u32) -> Result<()> {
        self.expect_configuring("Output::set_stream_disposition")?;
        let stream = self.stream_ptr(stream)?;
        let field = self.ffmpeg().layout().stream.disposition;
        // SAFETY: a field of a live stream of this context, before the muxer reads it.
        unsafe { field.write(stream, disposition as c_int) };
        Ok(())
    }

    pub(super) fn stream_ptr(&self, index: usize) -> Result<*mut AVStream> {
        let layout = &self.ffmpeg().layout().format_context;
        // SAFETY: the stream table of a live context.
        let stream = unsafe { layout.stream(self.context_ptr(), index) };
        stream.ok_or_else(|| Error::StreamNotFound {
            kind: format!("output stream {index}"),
        })
    }
}

/// Sets or removes one entry of a dictionary the output owns (its own, a stream's, a
/// chapter's).
pub(super) fn set_entry(
    output: &Output,
    dictionary: *mut *mut AVDictionary,
    key: &str,
    value: Option<&str>,
) -> Result<()> {
    let text = |what, text: &str| CString::new(text).map_err(|_| Error::invalid_text(what, text));
    let key = text("metadata key", key)?;
    let value = value.map(|v| text("metadata value", v)).transpose()?;
    let value = value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
    // SAFETY: a dictionary field of the output's live context or stream; FFmpeg copies both
    // strings, and a NULL value removes the key.
    let status =
        unsafe { (output.ffmpeg().functions().av_dict_set)(dictionary, key.as_ptr(), value, 0) };
    check(output.ffmpeg(), "av_dict_set", status).map(drop)
}
