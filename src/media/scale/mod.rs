//! [`Scaler`]: picture size and pixel-format conversion (libswscale), reused across frames.

mod refusals;

use std::ffi::c_int;

use crate::abi::constants;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::color::{Colorimetry, Matrix, Range};
use crate::media::formats::{FormatArg, PixelFormat};
use crate::media::frame::Frame;
use crate::sys::objects::SwsContext;

/// How pictures are resampled (`SWS_*` flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ScaleQuality {
    /// `SWS_FAST_BILINEAR`.
    Fast,
    /// `SWS_BILINEAR`.
    Bilinear,
    /// `SWS_BICUBIC`, the ffmpeg CLI's default.
    #[default]
    Bicubic,
    /// `SWS_LANCZOS`.
    Lanczos,
    /// `SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT`: reproducible to the bit.
    BitExact,
    /// [`BitExact`](ScaleQuality::BitExact) with `SWS_FULL_CHR_H_INT`: RGB computed from
    /// chroma at full precision. Without it swscale takes YUV to RGB through lookup tables
    /// that round each chroma term, up to 3 steps from the exact value.
    BitExactFullChroma,
}

impl ScaleQuality {
    fn flags(self) -> c_int {
        match self {
            ScaleQuality::Fast => constants::SWS_FAST_BILINEAR,
            ScaleQuality::Bilinear => constants::SWS_BILINEAR,
            ScaleQuality::Bicubic => constants::SWS_BICUBIC,
            ScaleQuality::Lanczos => constants::SWS_LANCZOS,
            ScaleQuality::BitExact => {
                constants::SWS_BICUBIC | constants::SWS_ACCURATE_RND | constants::SWS_BITEXACT
            }
            ScaleQuality::BitExactFullChroma => {
                constants::SWS_BICUBIC
                    | constants::SWS_ACCURATE_RND
                    | constants::SWS_BITEXACT
                    | constants::SWS_FULL_CHR_H_INT
            }
        }
    }
}

/// Whether the conversion reads YUV into RGB, where the YUV matrix and range matter.
fn yuv_to_rgb(source: &Frame, target: &Frame) -> bool {
    source.pixel_format().is_some_and(|format| format.is_yuv())
        && target.pixel_format().is_some_and(|format| format.is_rgb())
}

/// Converts pictures to another size or pixel format. One context is kept and reconfigured
/// only when the source or target changes.
///
/// Some libswscale releases crash the process on a few conversions. Sweeping every format
/// pair at small shapes with every quality on each supported build (`tests/scale_sweep.rs`)
/// found three, which the scaler keeps from libswscale:
///
/// - a Bayer source one row high (4.x and 6.x abort): refused, as demosaicing needs two rows;
/// - a `yaf32le` or `yaf32be` source on libswscale 9 (FFmpeg 8.0 and 8.1 abort): refused;
/// - [`ScaleQuality::Fast`] to a 4:1:1 or 4:1:0 target eight pixels wide (a division by zero
///   in every release from 4.1 to 8.0): converted with [`ScaleQuality::Bilinear`] instead, which libswscale
///   itself switches to below eight pixels.
pub struct Scaler {
    ffmpeg: Ffmpeg,
    context: *mut SwsContext,
    quality: ScaleQuality,
    colorimetry: Option<Colorimetry>,
    /// The sizes and formats and the colorimetry last applied: a context made for others
    /// (possibly at the same address) has not had it.
    colorimetry_applied_for: Option<([c_int; 6], Colorimetry)>,
}

// SAFETY: a SwsContext is used by one thread at a time (`Scaler` is not `Sync`) and holds no
// thread-local state.
unsafe impl Send for Scaler {}

impl Scaler {
    /// A scaler with the given quality; the context is made on first use.
    pub fn new(ffmpeg: &Ffmpeg, quality: ScaleQuality) -> Scaler {
        Scaler {
            ffmpeg: ffmpeg.clone(),
            context: std::ptr::null_mut(),
            quality,
            colorimetry: None,
            colorimetry_applied_for: None,
        }
    }

    /// Whether this FFmpeg's libswscale reads pictures of `pixel_format` (a name or a
    /// [`PixelFormat`](crate::PixelFormat) of this FFmpeg).
    pub fn supports_source(ffmpeg: &Ffmpeg, pixel_format: impl FormatArg<PixelFormat>) -> bool {
        pixel_format
            .number_in(ffmpeg)
            .is_ok_and(|format| refusals::reads(ffmpeg, format))
    }

    /// Whether this FFmpeg's libswscale writes pictures of `pixel_format` (a name or a
    /// [`PixelFormat`](crate::PixelFormat) of this FFmpeg).
    pub fn supports_target(ffmpeg: &Ffmpeg, pixel_format: impl FormatArg<PixelFormat>) -> bool {
        pixel_format
            .number_in(ffmpeg)
            .is_ok_and(|format| refusals::writes(ffmpeg, format))
    }

    /// Reads YUV sources as `colorimetry` says when converting them to RGB, whatever the
    /// frames say. Without it, each source is read as it says ([`Colorimetry::of`]: BT.601
    /// and the format's range where untagged), as the ffmpeg CLI's `scale` filter reads it.
    /// The RGB side is full range.
    pub fn set_colorimetry(&mut self, colorimetry: Colorimetry) {
        self.colorimetry = Some(colorimetry);
        self.colorimetry_applied_for = None;
    }

    /// Tells a context just made how to read YUV.
    fn apply_colorimetry(&self, colorimetry: Colorimetry) -> Result<()> {
        let f = self.ffmpeg.functions();
        let space = match colorimetry.matrix {
            Matrix::Bt601 => constants::SWS_CS_ITU601,
            Matrix::Bt709 => constants::SWS_CS_ITU709,
        };
        let full = c_int::from(colorimetry.range == Range::Full);
        // SAFETY: sws_getCoefficients returns a static table for any value; the context is
        // live and the tables are only read.
        let result = unsafe {
            let table = (f.sws_getCoefficients)(space);
            (f.sws_setColorspaceDetails)(self.context, table, full, table, 1, 0, 1 << 16, 1 << 16)
        };
        // Before libswscale 7 it returns -1 for targets it has no RGB tables for, having
        // taken the ranges; only later majors report real failures.
        if result < 0 && self.ffmpeg.family().major(crate::sys::Library::SwScale) >= 7 {
            check(&self.ffmpeg, "sws_setColorspaceDetails", result)?;
        }
        Ok(())
    }

    /// Converts `source` into `target`, whose size and pixel format (as made by
    /// [`Frame::video`]) say what to produce. Timestamps are carried over.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for a frame of another loaded FFmpeg;
    /// [`Error::Incompatible`] when either frame has no picture; [`Error::Unsupported`] for a
    /// conversion this libswscale is known to abort the process on (see [`Scaler`]); FFmpeg's
    /// error.
    pub fn scale(&mut self, source: &Frame, target: &mut Frame) -> Result<()> {
        self.ffmpeg
            .ensure_same(source.ffmpeg(), "Scaler::scale", "source frame")?;
        self.ffmpeg
            .ensure_same(target.ffmpeg(), "Scaler::scale", "target frame")?;
        let layout = &self.ffmpeg.layout().frame;
        let f = self.ffmpeg.functions();
        let has_picture = |frame: &Frame| frame.width() > 0 && frame.planes().next().is_some();
        if !has_picture(source) || !has_picture(target) {
            return Err(Error::incompatible(
                "Scaler::scale",
                "scaling needs a source picture and an allocated target",
            ));
        }
        let quality = refusals::checked_quality(&self.ffmpeg, source, target, self.quality)?;
        target.make_writable()?;
        let flags = quality.flags();
        let (src_w, src_h, src_f) = (
            source.width() as c_int,
            source.height() as c_int,
            source.format(),
        );
        let (dst_w, dst_h, dst_f) = (
            target.width() as c_int,
            target.height() as c_int,
            target.format(),
        );
        let null = std::ptr::null_mut();
        // SAFETY: returns the same context when nothing changed, a new one otherwise. On
        // failure it has already freed the old one and returns NULL, so ours is forgotten
        // rather than freed twice.
        self.context = unsafe {
            (f.sws_getCachedContext)(
                self.context,
                src_w,
                src_h,
                src_f,
                dst_w,
                dst_h,
                dst_f,
                flags,
                null,
                null,
                std::ptr::null(),
            )
        };
        if self.context.is_null() {
            // The next context made, whatever it is for, has not had the colorimetry.
            self.colorimetry_applied_for = None;
            return Err(Error::unsupported(
                "Scaler::scale",
                format!(
                    "cannot convert {:?} {src_w}x{src_h} to {:?} {dst_w}x{dst_h}",
                    source.format_name(),
                    target.format_name()
                ),
            ));
        }
        let configuration = [src_w, src_h, src_f, dst_w, dst_h, dst_f];
        let colorimetry = self
            .colorimetry
            .or_else(|| yuv_to_rgb(source, target).then(|| Colorimetry::of(source)));
        if let Some(colorimetry) = colorimetry
            && self.colorimetry_applied_for != Some((configuration, colorimetry))
        {
            self.apply_colorimetry(colorimetry)?;
            self.colorimetry_applied_for = Some((configuration, colorimetry));
        }
        // SAFETY: both frames are live pictures of this loaded FFmpeg (so their format numbers
        // are this libswscale's), of the sizes and formats configured above, with every plane
        // their format has; the target's buffers are its alone (make_writable).
        unsafe {
            let (src_data, src_stride) = (
                layout.data.read(source.as_ptr()),
                layout.linesize.read(source.as_ptr()),
            );
            let (dst_data, dst_stride) = (
                layout.data.read(target.as_ptr()),
                layout.linesize.read(target.as_ptr()),
            );
            let src: [*const u8; 8] = src_data.map(|p| p as *const u8);
            let rows = (f.sws_scale)(
                self.context,
                src.as_ptr(),
                src_stride.as_ptr(),
                0,
                src_h,
                dst_data.as_ptr(),
                dst_stride.as_ptr(),
            );
            check(&self.ffmpeg, "sws_scale", rows)?;
            layout
                .pts
                .write(target.as_mut_ptr(), layout.pts.read(source.as_ptr()));
        }
        Ok(())
    }
}

impl Drop for Scaler {
    fn drop(&mut self) {
        // SAFETY: NULL or the context sws_getCachedContext gave; freed once.
        unsafe { (self.ffmpeg.functions().sws_freeContext)(self.context) }
    }
}

impl std::fmt::Debug for Scaler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scaler")
            .field("quality", &self.quality)
            .field("colorimetry", &self.colorimetry)
            .finish_non_exhaustive()
    }
}
