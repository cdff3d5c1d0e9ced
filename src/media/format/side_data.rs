//! [`SideData`]: what a stream carries beside its packets: how to turn its pictures, its HDR
//! mastering display, its buffer sizes, the kind of audio service it is.

use std::ffi::c_int;

use crate::abi::constants as kind;
use crate::ffmpeg::Ffmpeg;
use crate::sys::Rational;

/// One entry of a stream's side data (`AVPacketSideData`), in the order the demuxer added
/// them: its kind, its bytes, and what they say where the crate knows the kind.
#[derive(Clone)]
pub struct SideData<'a> {
    ffmpeg: &'a Ffmpeg,
    kind: u32,
    bytes: &'a [u8],
}

impl<'a> SideData<'a> {
    pub(crate) fn new(ffmpeg: &'a Ffmpeg, kind: u32, bytes: &'a [u8]) -> SideData<'a> {
        SideData {
            ffmpeg,
            kind,
            bytes,
        }
    }

    /// The FFmpeg whose struct the bytes are.
    pub fn ffmpeg(&self) -> &'a Ffmpeg {
        self.ffmpeg
    }

    /// FFmpeg's number for the kind (`AV_PKT_DATA_*`: 5 is a display matrix).
    pub fn kind(&self) -> u32 {
        self.kind
    }

    /// The loaded FFmpeg's name for the kind (`Display Matrix`, `CPB properties`), as
    /// ffprobe's `side_data_type` prints it; `None` for a kind it does not know.
    pub fn name(&self) -> Option<String> {
        let kind = c_int::try_from(self.kind).ok()?;
        // SAFETY: av_packet_side_data_name returns a static string, or NULL for an unknown kind.
        let name = unsafe { (self.ffmpeg.functions().av_packet_side_data_name)(kind) };
        // SAFETY: NULL or a NUL-terminated static string.
        (!name.is_null()).then(|| unsafe { crate::sys::c_text(name) })
    }

    /// The raw bytes: a C struct of the loaded release for most kinds.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// What the bytes say, for the kinds ffprobe describes; [`SideDataValue::Other`] for the
    /// rest, and for an entry too short for its kind.
    pub fn value(&self) -> SideDataValue {
        self.decode().unwrap_or(SideDataValue::Other)
    }

    fn decode(&self) -> Option<SideDataValue> {
        let b = Bytes(self.bytes);
        Some(match self.kind {
            kind::PKT_DATA_DISPLAY_MATRIX => {
                let matrix = display_matrix(self.bytes)?;
                // SAFETY: reads the nine values of a local array.
                let turn =
                    unsafe { (self.ffmpeg.functions().av_display_rotation_get)(matrix.as_ptr()) };
                SideDataValue::DisplayMatrix {
                    matrix,
                    counterclockwise: Some(turn).filter(|t| !t.is_nan()),
                }
            }
            kind::PKT_DATA_STEREO_3D => SideDataValue::Stereo3d {
                layout: self.stereo_layout_name(b.u32(0)?),
                inverted: b.i32(4)? & 1 != 0,
            },
            kind::PKT_DATA_SPHERICAL => {
                let projection = b.u32(0)?;
                SideDataValue::Spherical(Spherical {
                    projection,
                    projection_name: self.projection_name(projection),
                    yaw: b.i32(4)?,
                    pitch: b.i32(8)?,
                    roll: b.i32(12)?,
                    bounds: [b.u32(16)?, b.u32(20)?, b.u32(24)?, b.u32(28)?],
                    padding: b.u32(32)?,
                })
            }
            kind::PKT_DATA_SKIP_SAMPLES if self.bytes.len() == 10 => SideDataValue::SkipSamples {
                skip: u32::from_le_bytes(self.bytes[..4].try_into().ok()?),
                discard_padding: u32::from_le_bytes(self.bytes[4..8].try_into().ok()?),
                skip_reason: self.bytes[8],
                discard_reason: self.bytes[9],
            },
            kind::PKT_DATA_MASTERING_DISPLAY => {
                let q = |at: usize| Some(Rational::new(b.i32(at)?, b.i32(at + 4)?));
                let primaries = [q(0)?, q(8)?, q(16)?, q(24)?, q(32)?, q(40)?];
                let white_point = [q(48)?, q(56)?];
                let luminance = [q(64)?, q(72)?];
                SideDataValue::MasteringDisplay(MasteringDisplay {
                    primaries: (b.i32(80)? != 0).then_some((
                        [
                            [primaries[0], primaries[1]],
                            [primaries[2], primaries[3]],
                            [primaries[4], primaries[5]],
                        ],
                        white_point,
                    )),
                    luminance: (b.i32(84)? != 0).then_some((luminance[0], luminance[1])),
                })
            }
            kind::PKT_DATA_CONTENT_LIGHT_LEVEL => SideDataValue::ContentLightLevel {
                max_content: b.u32(0)?,
                max_average: b.u32(4)?,
            },
            kind::PKT_DATA_DOLBY_VISION_CONFIG => {
                let v = self.bytes.get(..8)?;
                SideDataValue::DolbyVision(DolbyVisionConfig {
                    version: (v[0], v[1]),
                    profile: v[2],
                    level: v[3],
                    rpu_present: v[4] != 0,
                    el_present: v[5] != 0,
                    bl_present: v[6] != 0,
                    bl_signal_compatibility_id: v[7],
                })
            }
            kind::PKT_DATA_AUDIO_SERVICE_TYPE => SideDataValue::AudioServiceType(b.i32(0)?),
            kind::PKT_DATA_MPEGTS_STREAM_ID => SideDataValue::MpegTsStreamId(*self.bytes.first()?),
            kind::PKT_DATA_ACTIVE_FORMAT => SideDataValue::ActiveFormat(*self.bytes.first()?),
            kind::PKT_DATA_CPB_PROPERTIES => SideDataValue::CpbProperties(self.cpb_properties()?),
            _ => SideDataValue::Other,
        })
    }

    /// `AVCPBProperties`: four `int`s then the delay in 4.x, four `int64_t`s since; FFmpeg
    /// stores the struct's own size with it, which tells the two apart.
    fn cpb_properties(&self) -> Option<CpbProperties> {
        let b = Bytes(self.bytes);
        if self.bytes.len() >= 40 {
            Some(CpbProperties {
                max_bitrate: b.i64(0)?,
                min_bitrate: b.i64(8)?,
                avg_bitrate: b.i64(16)?,
                buffer_size: b.i64(24)?,
                vbv_delay: b.i64(32)? as u64,
            })
        } else {
            Some(CpbProperties {
                max_bitrate: b.i32(0)?.into(),
                min_bitrate: b.i32(4)?.into(),
                avg_bitrate: b.i32(8)?.into(),
                buffer_size: b.i32(12)?.into(),
                vbv_delay: b.i64(16)? as u64,
            })
        }
    }

    fn stereo_layout_name(&self, kind: u32) -> String {
        let name = self.ffmpeg.functions().av_stereo3d_type_name;
        // SAFETY: the function answers "unknown" for a number past its table.
        name.map(|name| unsafe { crate::sys::c_text(name(kind)) })
            .unwrap_or_else(|| "unknown".to_owned())
    }

    fn projection_name(&self, projection: u32) -> String {
        let name = self.ffmpeg.functions().av_spherical_projection_name;
        let projection = c_int::try_from(projection).unwrap_or(c_int::MAX);
        // SAFETY: the function answers "unknown" for a number past its table.
        name.map(|name| unsafe { crate::sys::c_text(name(projection)) })
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

impl std::fmt::Debug for SideData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SideData")
            .field("kind", &self.kind)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// What a [`SideData`] entry says.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SideDataValue {
    /// How to turn and flip the pictures for display: a 3×3 matrix of 16.16 fixed-point
    /// values (2.30 in the last column), and the turn it makes, counterclockwise in degrees
    /// (`av_display_rotation_get`; `None` for a matrix that is not a turn).
    DisplayMatrix {
        /// The nine values, row by row.
        matrix: [i32; 9],
        /// Degrees counterclockwise: -90 for a phone held upright.
        counterclockwise: Option<f64>,
    },
    /// Two views packed in one picture.
    Stereo3d {
        /// FFmpeg's name for the packing (`side by side`, `top and bottom`).
        layout: String,
        /// Whether the right view comes first.
        inverted: bool,
    },
    /// A 360° video's projection.
    Spherical(Spherical),
    /// Samples to drop at the start or end (`AV_PKT_DATA_SKIP_SAMPLES`).
    SkipSamples {
        /// Samples to drop from the start.
        skip: u32,
        /// Samples to drop from the end.
        discard_padding: u32,
        /// Why the start is dropped.
        skip_reason: u8,
        /// Why the end is dropped.
        discard_reason: u8,
    },
    /// The display the video was mastered on (SMPTE ST 2086).
    MasteringDisplay(MasteringDisplay),
    /// The brightest pixel and the brightest frame's average, in cd/m² (CTA-861.3).
    ContentLightLevel {
        /// MaxCLL.
        max_content: u32,
        /// MaxFALL.
        max_average: u32,
    },
    /// A Dolby Vision configuration record.
    DolbyVision(DolbyVisionConfig),
    /// `enum AVAudioServiceType`: 0 main, 1 effects, 2 visually impaired, 3 hearing impaired,
    /// 4 dialogue, 5 commentary, 6 emergency, 7 voice over, 8 karaoke.
    AudioServiceType(i32),
    /// The MPEG-TS stream id of the elementary stream.
    MpegTsStreamId(u8),
    /// The buffer sizes and bit rates the stream was coded for.
    CpbProperties(CpbProperties),
    /// An active format description code.
    ActiveFormat(u8),
    /// A kind the crate does not decode, or an entry too short for its kind: its bytes are
    /// in [`SideData::bytes`].
    Other,
}

/// A 360° video's projection (`AVSphericalMapping`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spherical {
    /// FFmpeg's number for the projection: 0 equirectangular, 1 cubemap, 2 tiled
    /// equirectangular, …
    pub projection: u32,
    /// FFmpeg's name for it.
    pub projection_name: String,
    /// Yaw, pitch and roll, in degrees as 16.16 fixed point.
    pub yaw: i32,
    /// See `yaw`.
    pub pitch: i32,
    /// See `yaw`.
    pub roll: i32,
    /// A tiled projection's bounds (left, top, right, bottom), as 0.32 fractions.
    pub bounds: [u32; 4],
    /// A cubemap's padding in pixels.
    pub padding: u32,
}

impl Spherical {
    /// A tiled projection's bounds in pixels (left, top, right, bottom) for pictures of
    /// `width`×`height`, as `av_spherical_tile_bounds` works them out; `None` where its
    /// division would be by zero.
    pub fn tile_bounds(&self, width: u32, height: u32) -> Option<[u64; 4]> {
        let [left, top, right, bottom] = self.bounds;
        let full = |size: u32, a: u32, b: u32| {
            let span = u32::MAX.wrapping_sub(a).wrapping_sub(b);
            (u64::from(size) * u64::from(u32::MAX)).checked_div(u64::from(span))
        };
        let (full_width, full_height) = (full(width, right, left)?, full(height, bottom, top)?);
        let part = |full: u64, bound: u32| {
            full.wrapping_mul(u64::from(bound))
                .wrapping_add(u64::from(u32::MAX) - 1)
                / u64::from(u32::MAX)
        };
        let (left, top) = (part(full_width, left), part(full_height, top));
        Some([
            left,
            top,
            full_width.wrapping_sub(width.into()).wrapping_sub(left),
            full_height.wrapping_sub(height.into()).wrapping_sub(top),
        ])
    }
}

/// The display a video was mastered on (`AVMasteringDisplayMetadata`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MasteringDisplay {
    /// The red, green and blue primaries (x, y each), and the white point, when given.
    pub primaries: Option<([[Rational; 2]; 3], [Rational; 2])>,
    /// The least and the most luminance, in cd/m², when given.
    pub luminance: Option<(Rational, Rational)>,
}

/// A Dolby Vision configuration record (`AVDOVIDecoderConfigurationRecord`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DolbyVisionConfig {
    /// Major and minor version.
    pub version: (u8, u8),
    /// The profile.
    pub profile: u8,
    /// The level.
    pub level: u8,
    /// Whether a reference processing unit is present.
    pub rpu_present: bool,
    /// Whether an enhancement layer is present.
    pub el_present: bool,
    /// Whether a base layer is present.
    pub bl_present: bool,
    /// What the base layer is compatible with.
    pub bl_signal_compatibility_id: u8,
}

/// The buffer sizes and bit rates a stream was coded for (`AVCPBProperties`); 0 where unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpbProperties {
    /// Bits per second at most.
    pub max_bitrate: i64,
    /// Bits per second at least.
    pub min_bitrate: i64,
    /// Bits per second on average.
    pub avg_bitrate: i64,
    /// The size of the decoder's buffer, in bits.
    pub buffer_size: i64,
    /// The delay before decoding, in periods of a 27 MHz clock; `u64::MAX` where unknown.
    pub vbv_delay: u64,
}

/// The nine values of a display matrix, `None` when there are fewer bytes than that (a
/// crafted file's). Copied out, as side data need not be aligned for `i32`.
fn display_matrix(bytes: &[u8]) -> Option<[i32; 9]> {
    let b = Bytes(bytes);
    b.i32(8 * 4)?;
    Some(std::array::from_fn(|i| b.i32(i * 4).unwrap_or(0)))
}

/// Native-endian reads of a C struct's members, `None` past the end.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn i32(&self, at: usize) -> Option<i32> {
        Some(i32::from_ne_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }

    fn u32(&self, at: usize) -> Option<u32> {
        Some(u32::from_ne_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }

    fn i64(&self, at: usize) -> Option<i64> {
        Some(i64::from_ne_bytes(self.0.get(at..at + 8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_matrix_needs_nine_values() {
        let identity: Vec<u8> = [0x10000i32, 0, 0, 0, 0x10000, 0, 0, 0, 0x4000_0000]
            .iter()
            .flat_map(|v| v.to_ne_bytes())
            .collect();
        assert_eq!(display_matrix(&identity).unwrap()[4], 0x10000);
        assert_eq!(display_matrix(&identity[..35]), None);
        assert_eq!(display_matrix(&[]), None);
        // Unaligned and longer: the first nine values, copied out.
        let mut shifted = vec![0u8];
        shifted.extend_from_slice(&identity);
        shifted.extend_from_slice(&[1, 2, 3]);
        assert_eq!(display_matrix(&shifted[1..]).unwrap()[8], 0x4000_0000);
    }

    #[test]
    fn tile_bounds_match_ffmpegs_arithmetic_and_refuse_a_zero_span() {
        let tiled = Spherical {
            projection: 2,
            projection_name: String::new(),
            yaw: 0,
            pitch: 0,
            roll: 0,
            // A quarter of the full width cut on each side.
            bounds: [1 << 30, 0, 1 << 30, 0],
            padding: 0,
        };
        // FFmpeg rounds the left bound up, and the right takes what is left: 101 and 99 of
        // the 400 pixels (tests/probe.rs compares a file's with ffprobe's).
        assert_eq!(tiled.tile_bounds(200, 100), Some([101, 0, 99, 0]));
        let zero_span = Spherical {
            bounds: [u32::MAX, 0, 0, 0],
            ..tiled
        };
        assert_eq!(zero_span.tile_bounds(200, 100), None);
    }
}
