//! Pixel and sample formats and channel layouts as the loaded release numbers and names them:
//! the lookups every part of the media API shares.

use std::ffi::{CString, c_char, c_int};

use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};

mod pixel;

impl Ffmpeg {
    /// Every pixel format this FFmpeg knows (`yuv420p`, `nv12`, `rgba`, …), in the order
    /// `ffmpeg -pix_fmts` lists them. Releases add formats, and number them differently.
    pub fn pixel_formats(&self) -> Vec<PixelFormat> {
        let f = self.functions();
        let mut formats = Vec::new();
        let mut descriptor = std::ptr::null();
        loop {
            // SAFETY: walks FFmpeg's static table of descriptors, from NULL to NULL.
            descriptor = unsafe { (f.av_pix_fmt_desc_next)(descriptor) };
            if descriptor.is_null() {
                return formats;
            }
            // SAFETY: a descriptor of the table; its id names it.
            let number = unsafe { (f.av_pix_fmt_desc_get_id)(descriptor) };
            formats.extend(self.pixel_format_numbered(number));
        }
    }

    /// The pixel format of this name, as this FFmpeg numbers it.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] when this FFmpeg has none of that name.
    pub fn pixel_format(&self, name: &str) -> Result<PixelFormat> {
        let number = pixel_format(self, name)?;
        Ok(PixelFormat::new(self, number))
    }

    /// The sample format of this name (`s16`, `fltp`, …), as this FFmpeg numbers it.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] when this FFmpeg has none of that name.
    pub fn sample_format(&self, name: &str) -> Result<SampleFormat> {
        let number = sample_format(self, name)?;
        Ok(SampleFormat::new(self, number))
    }

    /// The pixel format this FFmpeg numbers so; `None` for unset or unknown numbers.
    pub(crate) fn pixel_format_numbered(&self, number: c_int) -> Option<PixelFormat> {
        format_name_in(self, true, number).map(|_| PixelFormat::new(self, number))
    }

    /// The sample format this FFmpeg numbers so; `None` for unset or unknown numbers.
    pub(crate) fn sample_format_numbered(&self, number: c_int) -> Option<SampleFormat> {
        format_name_in(self, false, number).map(|_| SampleFormat::new(self, number))
    }
}

/// A format type whose numbers belong to one libavutil major.
macro_rules! numbered_format {
    ($(#[doc = $doc:literal])* $type:ident, $what:literal, video $video:literal, by name $lookup:ident) => {
        $(#[doc = $doc])*
        ///
        /// FFmpeg renumbers formats between majors, so a value belongs to the libavutil major
        /// it came from: another major refuses it with [`Error::Incompatible`]. Compare by
        /// [`name`](Self::name) across releases. Holding one keeps its FFmpeg loaded, and
        /// costs no allocation.
        #[derive(Clone)]
        pub struct $type {
            ffmpeg: Ffmpeg,
            number: c_int,
        }

        impl $type {
            /// `number` must be a format `ffmpeg` knows.
            pub(crate) fn new(ffmpeg: &Ffmpeg, number: c_int) -> $type {
                $type {
                    ffmpeg: ffmpeg.clone(),
                    number,
                }
            }

            /// FFmpeg's name of the format, borrowed from its library's static table.
            pub fn name(&self) -> &str {
                format_name_in(&self.ffmpeg, $video, self.number).unwrap_or_default()
            }

            fn avutil_major(&self) -> u64 {
                avutil_major(&self.ffmpeg)
            }

            /// The number in `ffmpeg`'s release, refused when the format came from another
            /// major.
            pub(crate) fn number_for(&self, ffmpeg: &Ffmpeg) -> Result<c_int> {
                if self.avutil_major() != avutil_major(ffmpeg) {
                    return Err(Error::incompatible(
                        stringify!($type),
                        format!(
                            "{} {} comes from libavutil {}, not {}",
                            $what,
                            self.name(),
                            self.avutil_major(),
                            avutil_major(ffmpeg)
                        ),
                    ));
                }
                Ok(self.number)
            }
        }

        /// The same format of the same libavutil major.
        impl PartialEq for $type {
            fn eq(&self, other: &$type) -> bool {
                (self.number, self.avutil_major()) == (other.number, other.avutil_major())
            }
        }

        impl Eq for $type {}

        /// By FFmpeg's name: `format == "yuv420p"`.
        impl PartialEq<str> for $type {
            fn eq(&self, name: &str) -> bool {
                self.name() == name
            }
        }

        impl PartialEq<&str> for $type {
            fn eq(&self, name: &&str) -> bool {
                self.name() == *name
            }
        }

        impl std::hash::Hash for $type {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                (self.number, self.avutil_major()).hash(state);
            }
        }

        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    "{}({} = {} in libavutil {})",
                    stringify!($type),
                    self.name(),
                    self.number,
                    self.avutil_major()
                )
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl sealed::Sealed for &$type {}

        impl FormatArg<$type> for &$type {
            fn number_in(&self, ffmpeg: &Ffmpeg) -> Result<c_int> {
                self.number_for(ffmpeg)
            }
        }

        impl FormatArg<$type> for &str {
            fn number_in(&self, ffmpeg: &Ffmpeg) -> Result<c_int> {
                $lookup(ffmpeg, self)
            }
        }

        impl FormatArg<$type> for &String {
            fn number_in(&self, ffmpeg: &Ffmpeg) -> Result<c_int> {
                $lookup(ffmpeg, self)
            }
        }
    };
}

numbered_format! {
    /// A pixel format (`yuv420p`, `nv12`, …) as one loaded FFmpeg numbers it.
    PixelFormat, "pixel format", video true, by name pixel_format
}

numbered_format! {
    /// A sample format (`s16`, `fltp`, …) as one loaded FFmpeg numbers it.
    SampleFormat, "sample format", video false, by name sample_format
}

impl SampleFormat {
    /// The bytes one sample of one channel takes: 2 for `s16` and `s16p`.
    pub fn bytes_per_sample(&self) -> usize {
        // SAFETY: a lookup in FFmpeg's static table, of a number this FFmpeg knows.
        let bytes = unsafe { (self.ffmpeg.functions().av_get_bytes_per_sample)(self.number) };
        bytes.max(0) as usize
    }

    /// Whether each channel has a plane of its own (`fltp`) rather than sharing one,
    /// interleaved (`flt`).
    pub fn is_planar(&self) -> bool {
        // SAFETY: as for `bytes_per_sample`.
        unsafe { (self.ffmpeg.functions().av_sample_fmt_is_planar)(self.number) != 0 }
    }

    /// Whether `other` holds the same samples, planar or interleaved (`flt` and `fltp`):
    /// FFmpeg names a planar format after its interleaved twin, with a `p`.
    pub fn holds_same_samples_as(&self, other: &SampleFormat) -> bool {
        let interleaved = |format: &SampleFormat| {
            let name = format.name();
            if format.is_planar() {
                name.strip_suffix('p').unwrap_or(name).to_owned()
            } else {
                name.to_owned()
            }
        };
        avutil_major(&self.ffmpeg) == avutil_major(&other.ffmpeg)
            && interleaved(self) == interleaved(other)
    }
}

/// What a call taking a format accepts: FFmpeg's name (looked up in the FFmpeg at hand), or a
/// format already resolved (refused by an FFmpeg of another libavutil major).
pub trait FormatArg<Format>: sealed::Sealed {
    /// The format's number in `ffmpeg`.
    #[doc(hidden)]
    fn number_in(&self, ffmpeg: &Ffmpeg) -> Result<c_int>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for &String {}
}

fn avutil_major(ffmpeg: &Ffmpeg) -> u64 {
    ffmpeg.family().major(crate::sys::Library::AvUtil)
}

/// FFmpeg's number for a pixel format name in the loaded release.
pub(crate) fn pixel_format(ffmpeg: &Ffmpeg, name: &str) -> Result<c_int> {
    format_number(name, ffmpeg.functions().av_get_pix_fmt, "pixel format")
}

/// FFmpeg's number for a sample format name in the loaded release.
pub(crate) fn sample_format(ffmpeg: &Ffmpeg, name: &str) -> Result<c_int> {
    format_number(name, ffmpeg.functions().av_get_sample_fmt, "sample format")
}

/// A format's number by name through FFmpeg's `lookup` (-1 for unknown names).
fn format_number(
    name: &str,
    lookup: unsafe extern "C" fn(*const c_char) -> c_int,
    kind: &'static str,
) -> Result<c_int> {
    let c_name = CString::new(name).map_err(|_| Error::invalid_text(kind, name))?;
    // SAFETY: a lookup in FFmpeg's static table.
    let format = unsafe { lookup(c_name.as_ptr()) };
    if format < 0 {
        return Err(Error::unknown_name(kind, name));
    }
    Ok(format)
}

/// The name of a pixel (`video`) or sample format number; `None` when unset or unknown.
pub(crate) fn format_name(ffmpeg: &Ffmpeg, video: bool, number: c_int) -> Option<String> {
    format_name_in(ffmpeg, video, number).map(str::to_owned)
}

/// [`format_name`] borrowed from FFmpeg's static table, which lives as long as the library
/// that `ffmpeg` keeps loaded: no allocation.
pub(crate) fn format_name_in(ffmpeg: &Ffmpeg, video: bool, number: c_int) -> Option<&str> {
    let f = ffmpeg.functions();
    let lookup = if video {
        f.av_get_pix_fmt_name
    } else {
        f.av_get_sample_fmt_name
    };
    // SAFETY: a lookup in a static table of the loaded library; NULL for unknown values.
    let name = unsafe { crate::sys::c_text_in(lookup(number)) }?;
    Some(name).filter(|n| !n.is_empty())
}
