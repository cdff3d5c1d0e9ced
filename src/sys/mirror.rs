//! Plain C structs that are identical in every supported family, mirrored by hand. The ABI
//! layer proves each against the generated layouts (`abi::layout`'s witnesses).

use std::ffi::{c_int, c_void};

/// FFmpeg's `AVRational`, identical in every family.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rational {
    pub num: c_int,
    pub den: c_int,
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
pub(crate) struct ChannelLayout {
    pub order: c_int,
    pub nb_channels: c_int,
    pub mask_or_map: u64,
    pub opaque: *mut c_void,
}
