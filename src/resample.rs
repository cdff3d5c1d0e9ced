//! [`Resampler`]: audio sample format, channel layout and rate conversion (libswresample).

use std::ffi::c_void;

use crate::ffmpeg::Ffmpeg;
use crate::frame::Frame;
use crate::media_error::{Error, Result, check};

/// What audio a [`Resampler`] produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFormat {
    /// Sample format by FFmpeg's name (`fltp`, `s16`).
    pub sample_format: String,
    /// Samples per second.
    pub sample_rate: u32,
    /// Channels, in FFmpeg's default layout for that count.
    pub channels: u32,
}

/// Converts audio frames to one [`AudioFormat`]; reconfigures itself when the input changes.
pub struct Resampler {
    ffmpeg: Ffmpeg,
    context: *mut c_void,
    target: AudioFormat,
    /// (format, rate, channels) of the input the context is set up for.
    configured_for: Option<(i32, u32, Option<u32>)>,
    /// Kept for inputs whose channels have no layout: a reference to them with the default.
    with_layout: Option<Frame>,
}

// SAFETY: a SwrContext is used by one thread at a time (`Resampler` is not `Sync`).
unsafe impl Send for Resampler {}

impl Resampler {
    /// A resampler producing `target`.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate it.
    pub fn new(ffmpeg: &Ffmpeg, target: AudioFormat) -> Result<Resampler> {
        // SAFETY: allocates an unconfigured context, or NULL.
        let context = unsafe { (ffmpeg.functions().swr_alloc)() };
        if context.is_null() {
            return Err(crate::packet::out_of_memory(ffmpeg, "swr_alloc"));
        }
        Ok(Resampler {
            ffmpeg: ffmpeg.clone(),
            context,
            target,
            configured_for: None,
            with_layout: None,
        })
    }

    /// Converts `input` into `output` (whatever it held is replaced); with `None`, returns the
    /// samples still buffered at the end. `output` may hold fewer samples than `input`, or
    /// none, while the resampler fills its delay.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an unknown target format, or FFmpeg's error.
    pub fn convert(&mut self, input: Option<&Frame>, output: &mut Frame) -> Result<()> {
        let f = self.ffmpeg.functions();
        output.clear();
        self.describe_output(output)?;
        let mut with_layout = None;
        let input = match input {
            Some(frame) if self.lacks_layout(frame) => {
                let scratch = match self.with_layout.take() {
                    Some(scratch) => scratch,
                    None => Frame::new(&self.ffmpeg)?,
                };
                with_layout
                    .insert(scratch)
                    .reference_with_default_layout(frame)?;
                with_layout.as_ref()
            }
            other => other,
        };
        let input_ptr = input.map_or(std::ptr::null(), Frame::as_ptr);
        if let Some(input) = input {
            let config = (input.format(), input.sample_rate(), input.channels());
            if self.configured_for != Some(config) {
                // SAFETY: both frames carry format, rate and layout; the context is re-set up.
                unsafe {
                    check(
                        &self.ffmpeg,
                        "swr_config_frame",
                        (f.swr_config_frame)(self.context, output.as_ptr(), input_ptr),
                    )?;
                    check(&self.ffmpeg, "swr_init", (f.swr_init)(self.context))?;
                }
                self.configured_for = Some(config);
            }
        } else if self.configured_for.is_none() {
            return Ok(());
        }
        // SAFETY: a configured context; `output` is described and gets its buffers from FFmpeg.
        let status = unsafe { (f.swr_convert_frame)(self.context, output.as_mut_ptr(), input_ptr) };
        self.with_layout = self.with_layout.take().or(with_layout);
        check(&self.ffmpeg, "swr_convert_frame", status).map(drop)
    }

    fn lacks_layout(&self, frame: &Frame) -> bool {
        let fields = self.ffmpeg.layout().frame.channel_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { fields.is_unspecified(frame.as_ptr()) }
    }

    fn describe_output(&self, output: &mut Frame) -> Result<()> {
        let layout = &self.ffmpeg.layout().frame;
        let format = crate::codec::sample_format(&self.ffmpeg, &self.target.sample_format)?;
        let rate = i32::try_from(self.target.sample_rate)
            .map_err(|_| Error::InvalidArgument("sample rate".into()))?;
        // SAFETY: an empty frame; fields at proven offsets.
        unsafe {
            layout.format.write(output.as_mut_ptr(), format);
            layout.sample_rate.write(output.as_mut_ptr(), rate);
            crate::codec::set_channels(
                &self.ffmpeg,
                output.as_mut_ptr(),
                layout.channel_fields(),
                self.target.channels,
            )
        }
    }
}

impl Drop for Resampler {
    fn drop(&mut self) {
        // SAFETY: allocated by swr_alloc; freed once.
        unsafe { (self.ffmpeg.functions().swr_free)(&mut self.context) }
    }
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampler")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}
