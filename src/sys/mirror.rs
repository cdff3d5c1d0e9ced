//! Plain C structs that are identical in every supported family, mirrored by hand. The ABI
//! layer proves each against the generated layouts (`abi::layout`'s witnesses).

use std::ffi::{c_int, c_void};

/// A fraction as FFmpeg keeps one (`AVRational`, identical in every family): a time base
/// (`1/90000`), a frame rate (`30000/1001`), a pixel aspect ratio. Compared as written, so
/// `1/2` and `2/4` differ; a zero denominator means "unknown" where FFmpeg says so.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rational {
    /// The numerator.
    pub num: c_int,
    /// The denominator.
    pub den: c_int,
}

impl Rational {
    /// One microsecond, FFmpeg's `AV_TIME_BASE_Q`: the unit of a container's start and
    /// length ([`Input::start_time_us`](crate::format::Input::start_time_us)) and of the
    /// ffmpeg CLI's own clocks.
    pub const MICROSECONDS: Rational = Rational::new(1, 1_000_000);

    /// `num/den`.
    pub const fn new(num: i32, den: i32) -> Rational {
        Rational { num, den }
    }

    /// Whether both parts are above zero: what a time base, a rate or a pixel shape must be
    /// to mean something.
    pub(crate) const fn is_positive(self) -> bool {
        self.num > 0 && self.den > 0
    }

    /// The value, or `None` for a zero denominator.
    pub fn to_f64(self) -> Option<f64> {
        (self.den != 0).then(|| f64::from(self.num) / f64::from(self.den))
    }

    /// `den/num`: a frame rate's frame duration, or back.
    pub const fn invert(self) -> Rational {
        Rational::new(self.den, self.num)
    }
}

impl From<(i32, i32)> for Rational {
    fn from((num, den): (i32, i32)) -> Rational {
        Rational::new(num, den)
    }
}

impl std::fmt::Display for Rational {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// FFmpeg's `AVChannelLayout` (families 5.x to 9.x): order, channel count, mask (or custom map)
/// and opaque, 24 bytes in each.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawChannelLayout {
    pub order: c_int,
    pub nb_channels: c_int,
    pub mask_or_map: u64,
    pub opaque: *mut c_void,
}

/// FFmpeg's `AVIOInterruptCB` (every family): a function FFmpeg polls while it waits on I/O,
/// returning non-zero to give up, and its argument.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawInterruptCallback {
    pub callback: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    pub opaque: *mut c_void,
}
