//! [`Resampler`]: audio sample format, channel layout and rate conversion (libswresample).

use std::ffi::{CString, c_int};

use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::channel_layout::ChannelLayout;
use crate::media::formats::SampleFormat;
use crate::media::frame::Frame;
use crate::media::side_data::{DownmixInfo, DownmixType};
use crate::sys::objects::SwrContext;

/// What audio a [`Resampler`] produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFormat {
    /// The sample format ([`Ffmpeg::sample_format`]).
    pub sample_format: SampleFormat,
    /// Samples per second.
    pub sample_rate: u32,
    /// The channel layout ([`Ffmpeg::channel_layout`], [`Ffmpeg::default_channel_layout`]);
    /// one of a count only becomes FFmpeg's default layout for that count, as in the CLI.
    pub channel_layout: ChannelLayout,
}

/// Converts audio frames to one [`AudioFormat`]; reconfigures itself when the input changes.
pub struct Resampler {
    ffmpeg: Ffmpeg,
    context: *mut SwrContext,
    target: AudioFormat,
    /// The target's sample format and rate as this FFmpeg numbers them, looked up once, and
    /// its layout with the channels named.
    target_format: c_int,
    target_rate: c_int,
    target_layout: ChannelLayout,
    /// (format, rate, channels) of the input the context is set up for.
    configured_for: Option<(i32, u32, Option<u32>)>,
    /// Kept for inputs whose channels have no layout: a reference to them with the default.
    with_layout: Option<Frame>,
    /// The levels to mix down by, and whether any were ever given (then `None` sets
    /// libswresample's own back).
    downmix: Option<DownmixInfo>,
    downmix_given: bool,
}

// SAFETY: a SwrContext is used by one thread at a time (`Resampler` is not `Sync`).
unsafe impl Send for Resampler {}

impl Resampler {
    /// A resampler producing `target`.
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`] for a sample format of another libavutil major,
    /// [`Error::OutOfRange`] for a rate beyond a C `int` or no channels; when FFmpeg cannot
    /// allocate it.
    pub fn new(ffmpeg: &Ffmpeg, target: AudioFormat) -> Result<Resampler> {
        let target_format = target.sample_format.number_for(ffmpeg)?;
        let target_rate = c_int::try_from(target.sample_rate)
            .map_err(|_| Error::out_of_range("sample rate", target.sample_rate))?;
        let target_layout = target.channel_layout.clone().or_default(ffmpeg)?;
        // SAFETY: allocates an unconfigured context, or NULL.
        let context = unsafe { (ffmpeg.functions().swr_alloc)() };
        if context.is_null() {
            return Err(crate::media::packet::out_of_memory(ffmpeg, "swr_alloc"));
        }
        Ok(Resampler {
            ffmpeg: ffmpeg.clone(),
            context,
            target,
            target_format,
            target_rate,
            target_layout,
            configured_for: None,
            with_layout: None,
            downmix: None,
            downmix_given: false,
        })
    }

    /// Mixes down by `downmix` (an AC-3's levels, [`SideDataValue::DownmixInfo`] of its
    /// frames) from the next frame on, as the 8.0 and later CLI's `aresample` mixes by the
    /// levels of the first frame; with `None`, by libswresample's own, as earlier releases
    /// (and a resampler given none) do. An Lt/Rt or Pro Logic II preference is followed only
    /// into stereo, with its own levels. Giving the levels already given changes nothing.
    ///
    /// [`SideDataValue::DownmixInfo`]: crate::format::SideDataValue::DownmixInfo
    pub fn set_downmix(&mut self, downmix: Option<DownmixInfo>) {
        if self.downmix != downmix {
            self.downmix = downmix;
            self.downmix_given = true;
            self.configured_for = None;
        }
    }

    /// Converts `input` into `output` (whatever it held is replaced); with `None`, returns the
    /// samples still buffered at the end. `output` may hold fewer samples than `input`, or
    /// none, while the resampler fills its delay. A change of the input's format, rate or
    /// channel layout (even to another layout of as many channels) sets the resampler up
    /// anew; samples it still held for the old input are dropped.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for a frame of another loaded FFmpeg, or FFmpeg's error.
    pub fn convert(&mut self, input: Option<&Frame>, output: &mut Frame) -> Result<()> {
        if let Some(input) = input {
            self.ffmpeg
                .ensure_same(input.ffmpeg(), "Resampler::convert", "input frame")?;
        }
        self.ffmpeg
            .ensure_same(output.ffmpeg(), "Resampler::convert", "output frame")?;
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
        let result = self.convert_described(input, output);
        self.with_layout = self.with_layout.take().or(with_layout);
        result
    }

    /// [`Resampler::convert`] once `output` is described and `input` has a layout.
    fn convert_described(&mut self, input: Option<&Frame>, output: &mut Frame) -> Result<()> {
        /// `AVERROR_INPUT_CHANGED` and `AVERROR_OUTPUT_CHANGED`: swr_convert_frame found the
        /// frames unlike what the context was set up for.
        const CHANGED: [c_int; 2] = [-0x636e_6701, -0x636e_6702];
        match input {
            Some(input) if self.configured_for != Some(configuration_of(input)) => {
                self.configure(input, output)?;
            }
            Some(_) => {}
            None if self.configured_for.is_none() => return Ok(()),
            None => {}
        }
        let mut status = self.convert_frame(input, output);
        if let (true, Some(input)) = (CHANGED.contains(&status), input) {
            // Another layout of as many channels: FFmpeg compares layouts, not counts.
            self.configure(input, output)?;
            status = self.convert_frame(Some(input), output);
        }
        check(&self.ffmpeg, "swr_convert_frame", status).map(drop)
    }

    /// How long the samples still held inside (input not yet converted, and the filter's
    /// own delay) last, in units of `1 / base` seconds, rounded up (`swr_get_delay`); 0
    /// before the first frame. The CLI's `aresample` times each frame it gives out at its
    /// input frame's time less this delay, taken before converting the frame, with `base`
    /// the product of the two rates.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for a `base` of 0 or beyond an `i64`.
    pub fn delay(&self, base: u64) -> Result<i64> {
        let base = i64::try_from(base)
            .ok()
            .filter(|&b| b > 0)
            .ok_or_else(|| Error::out_of_range("delay base", base))?;
        if self.configured_for.is_none() {
            return Ok(0);
        }
        // SAFETY: a configured context (both rates set, so the division it makes is by a
        // non-zero product); it only reads the context.
        Ok(unsafe { (self.ffmpeg.functions().swr_get_delay)(self.context, base) })
    }

    /// `swr_convert_frame` on a configured context.
    fn convert_frame(&self, input: Option<&Frame>, output: &mut Frame) -> c_int {
        let input = input.map_or(std::ptr::null(), Frame::as_ptr);
        // SAFETY: a configured context; both frames are live and of this loaded FFmpeg;
        // `output` is described and gets its buffers from FFmpeg.
        unsafe {
            (self.ffmpeg.functions().swr_convert_frame)(self.context, output.as_mut_ptr(), input)
        }
    }

    /// Sets the context up for `input`'s format, rate and layout, into `output`'s.
    fn configure(&mut self, input: &Frame, output: &Frame) -> Result<()> {
        let f = self.ffmpeg.functions();
        self.configured_for = None;
        // SAFETY: both frames carry format, rate and layout, and are of this loaded FFmpeg;
        // the context is set up anew.
        unsafe {
            check(
                &self.ffmpeg,
                "swr_config_frame",
                (f.swr_config_frame)(self.context, output.as_ptr(), input.as_ptr()),
            )?;
        }
        if self.downmix_given {
            self.set_mix_levels()?;
        }
        // SAFETY: the context, set up above.
        unsafe {
            check(&self.ffmpeg, "swr_init", (f.swr_init)(self.context))?;
        }
        self.configured_for = Some(configuration_of(input));
        Ok(())
    }

    /// The mix levels and matrix encoding of [`Resampler::set_downmix`], as `aresample` sets
    /// them; libswresample's defaults where none.
    fn set_mix_levels(&self) -> Result<()> {
        let into_stereo =
            self.target_layout.channels() == 2 && self.target_layout.mask() == Some(3);
        // libswresample's defaults: -3 dB for centre and surround, no LFE, no matrix.
        let (mut center, mut surround, mut lfe, mut matrix) = (
            std::f64::consts::FRAC_1_SQRT_2,
            std::f64::consts::FRAC_1_SQRT_2,
            0.0,
            "none",
        );
        if let Some(levels) = self.downmix {
            (center, surround, lfe) = (
                levels.center_mix_level,
                levels.surround_mix_level,
                levels.lfe_mix_level,
            );
            let matrix_wanted = match levels.preferred {
                DownmixType::LtRt => Some("dolby"),
                DownmixType::DolbyProLogicII => Some("dplii"),
                _ => None,
            };
            if let (Some(wanted), true) = (matrix_wanted, into_stereo) {
                (center, surround, matrix) = (
                    levels.center_mix_level_ltrt,
                    levels.surround_mix_level_ltrt,
                    wanted,
                );
            }
        }
        for (name, value) in [
            (c"clev", center.to_string()),
            (c"slev", surround.to_string()),
            (c"lfe_mix_level", lfe.to_string()),
            (c"matrix_encoding", matrix.to_owned()),
        ] {
            let value = CString::new(value).expect("no NUL in a number or a name");
            // SAFETY: options of the resampler's own context, by NUL-terminated names and
            // values (a number as Rust writes it, which reads back as the same double).
            let status = unsafe {
                (self.ffmpeg.functions().av_opt_set)(
                    self.context.cast(),
                    name.as_ptr(),
                    value.as_ptr(),
                    0,
                )
            };
            check(&self.ffmpeg, "av_opt_set", status)?;
        }
        Ok(())
    }

    fn lacks_layout(&self, frame: &Frame) -> bool {
        let fields = self.ffmpeg.layout().frame.channel_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { fields.is_unspecified(frame.as_ptr()) }
    }

    fn describe_output(&self, output: &mut Frame) -> Result<()> {
        let layout = &self.ffmpeg.layout().frame;
        let (format, rate) = (self.target_format, self.target_rate);
        // SAFETY: an empty frame; fields at proven offsets.
        unsafe {
            layout.format.write(output.as_mut_ptr(), format);
            layout.sample_rate.write(output.as_mut_ptr(), rate);
            crate::media::channel_layout::write(
                &self.ffmpeg,
                output.as_mut_ptr(),
                layout.channel_fields(),
                &self.target_layout,
            )
        }
    }
}

/// What the context is set up for of an input: (format, rate, channels).
fn configuration_of(input: &Frame) -> (i32, u32, Option<u32>) {
    (input.format(), input.sample_rate(), input.channels())
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
