//! Conversions some libswscale releases crash the process on (an `abort`, a division by
//! zero), found by sweeping every format pair at small shapes on each build
//! (`tests/scale_sweep.rs`): refused with a typed error before libswscale sees them, or made
//! another way that gives a picture.

use std::ffi::c_int;

use super::ScaleQuality;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::media::frame::Frame;

/// Targets whose chroma is a quarter of the width (4:1:1 and 4:1:0).
const QUARTER_WIDTH_CHROMA: [&str; 3] = ["yuv410p", "yuv411p", "yuvj411p"];

/// Whether libswscale reads pictures of pixel format `format` (this release's number).
pub(super) fn reads(ffmpeg: &Ffmpeg, format: c_int) -> bool {
    // SAFETY: a lookup in libswscale's static table; any number is accepted.
    unsafe { (ffmpeg.functions().sws_isSupportedInput)(format) > 0 }
}

/// Whether libswscale writes pictures of pixel format `format` (this release's number).
pub(super) fn writes(ffmpeg: &Ffmpeg, format: c_int) -> bool {
    // SAFETY: as for `reads`.
    unsafe { (ffmpeg.functions().sws_isSupportedOutput)(format) > 0 }
}

/// The quality to convert `source` into `target` with: `quality`, or another where that one
/// crashes; an error where every one does.
///
/// # Errors
///
/// [`Error::Unsupported`] for a format libswscale cannot read or write, or a
/// conversion it aborts on.
pub(super) fn checked_quality(
    ffmpeg: &Ffmpeg,
    source: &Frame,
    target: &Frame,
    quality: ScaleQuality,
) -> Result<ScaleQuality> {
    let (source_name, target_name) = (
        source.format_name_in_library().unwrap_or_default(),
        target.format_name_in_library().unwrap_or_default(),
    );
    let (reads, writes) = (
        reads(ffmpeg, source.format()),
        writes(ffmpeg, target.format()),
    );
    if !reads || !writes {
        let (format, role) = if reads {
            (target_name, "write")
        } else {
            (source_name, "read")
        };
        return Err(Error::unsupported(
            "Scaler::scale",
            format!("libswscale cannot {role} {format}"),
        ));
    }
    // Demosaicing takes two rows at a time: 4.x and 6.x abort on a one-row Bayer picture.
    if source_name.starts_with("bayer_") && source.height() < 2 {
        return Err(Error::unsupported(
            "Scaler::scale",
            format!(
                "a {source_name} picture needs two rows to demosaic, not {}",
                source.height()
            ),
        ));
    }
    // libswscale 9 (FFmpeg 8.0 and 8.1) aborts on every conversion from yaf32.
    let swscale = ffmpeg.family().major(crate::sys::Library::SwScale);
    if swscale == 9 && source_name.starts_with("yaf32") {
        return Err(Error::unsupported(
            "Scaler::scale",
            format!("libswscale {swscale} aborts converting from {source_name}"),
        ));
    }
    // On aarch64, libswscale 9 (FFmpeg 8.x) converts packed 4:2:2 to yuv420p (and yuva420p)
    // unscaled two rows at a time in NEON code that reads a second row a one-row picture
    // lacks (the aarch64 sweep under qemu-user segfaults on every width; 6.1 and 7.x do
    // not). Later majors are refused too until an aarch64 run shows them right.
    if cfg!(target_arch = "aarch64")
        && swscale >= 9
        && matches!(source_name, "yuyv422" | "uyvy422")
        && matches!(target_name, "yuv420p" | "yuva420p")
        && source.height() == 1
        && (source.width(), source.height()) == (target.width(), target.height())
    {
        return Err(Error::unsupported(
            "Scaler::scale",
            format!(
                "libswscale {swscale} on aarch64 reads past a one-row {source_name} picture \
                 converting it to {target_name}"
            ),
        ));
    }
    // Fast bilinear divides by the target's chroma width less two, zero for 4:1:x
    // eight pixels wide (narrower pictures make libswscale switch to bilinear itself).
    if quality == ScaleQuality::Fast
        && target.width() == 8
        && QUARTER_WIDTH_CHROMA.contains(&target_name)
    {
        return Ok(ScaleQuality::Bilinear);
    }
    Ok(quality)
}
