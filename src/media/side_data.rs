//! What side data say, wherever they sit: a stream's or a packet's (`AV_PKT_DATA_*`) and a
//! frame's (`AV_FRAME_DATA_*`) number their kinds apart but share the structs of the kinds
//! they both have. [`format::SideData`](crate::format::SideData) and
//! [`FrameSideData`](crate::FrameSideData) map their numbers to a [`Meaning`] and read the
//! bytes here.

use std::ffi::c_int;

use crate::ffmpeg::Ffmpeg;
use crate::sys::Rational;

/// The kinds whose bytes the crate reads, whichever numbering named them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meaning {
    DisplayMatrix,
    Stereo3d,
    Spherical,
    SkipSamples,
    MasteringDisplay,
    ContentLightLevel,
    DolbyVisionConfig,
    AudioServiceType,
    MpegTsStreamId,
    ActiveFormat,
    CpbProperties,
    GopTimecode,
    S12mTimecodes,
    ClosedCaptions,
    UserDataUnregistered,
    Unknown,
}

/// What `bytes` say, read as `meaning`; `None` for an entry too short for it.
pub(crate) fn decode(ffmpeg: &Ffmpeg, meaning: Meaning, bytes: &[u8]) -> Option<SideDataValue> {
    let b = Bytes(bytes);
    Some(match meaning {
        Meaning::DisplayMatrix => {
            let matrix = display_matrix(bytes)?;
            // SAFETY: reads the nine values of a local array.
            let turn = unsafe { (ffmpeg.functions().av_display_rotation_get)(matrix.as_ptr()) };
            SideDataValue::DisplayMatrix {
                matrix,
                counterclockwise: Some(turn).filter(|t| !t.is_nan()),
            }
        }
        Meaning::Stereo3d => SideDataValue::Stereo3d {
            layout: stereo_layout_name(ffmpeg, b.u32(0)?),
            inverted: b.i32(4)? & 1 != 0,
        },
        Meaning::Spherical => {
            let projection = b.u32(0)?;
            SideDataValue::Spherical(Spherical {
                projection,
                projection_name: projection_name(ffmpeg, projection),
                yaw: b.i32(4)?,
                pitch: b.i32(8)?,
                roll: b.i32(12)?,
                bounds: [b.u32(16)?, b.u32(20)?, b.u32(24)?, b.u32(28)?],
                padding: b.u32(32)?,
            })
        }
        Meaning::SkipSamples if bytes.len() == 10 => SideDataValue::SkipSamples {
            skip: u32::from_le_bytes(bytes[..4].try_into().ok()?),
            discard_padding: u32::from_le_bytes(bytes[4..8].try_into().ok()?),
            skip_reason: bytes[8],
            discard_reason: bytes[9],
        },
        Meaning::MasteringDisplay => {
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
        Meaning::ContentLightLevel => SideDataValue::ContentLightLevel {
            max_content: b.u32(0)?,
            max_average: b.u32(4)?,
        },
        Meaning::DolbyVisionConfig => {
            let v = bytes.get(..8)?;
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
        Meaning::AudioServiceType => SideDataValue::AudioServiceType(b.i32(0)?),
        Meaning::MpegTsStreamId => SideDataValue::MpegTsStreamId(*bytes.first()?),
        Meaning::ActiveFormat => SideDataValue::ActiveFormat(*bytes.first()?),
        Meaning::CpbProperties => SideDataValue::CpbProperties(cpb_properties(bytes)?),
        Meaning::GopTimecode => SideDataValue::GopTimecode(Timecode::of_gop(b.i64(0)? as u32)),
        Meaning::S12mTimecodes if bytes.len() == 16 => {
            let count = b.u32(0)?.min(3) as usize;
            let values = (1..=count).map(|i| b.u32(i * 4).map(S12mTimecode));
            SideDataValue::S12mTimecodes(values.collect::<Option<_>>()?)
        }
        Meaning::ClosedCaptions => SideDataValue::ClosedCaptions(
            bytes.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
        ),
        Meaning::UserDataUnregistered => SideDataValue::UserDataUnregistered {
            uuid: bytes.get(..16)?.try_into().ok()?,
            payload: bytes[16..].to_vec(),
        },
        _ => SideDataValue::Other,
    })
}

/// The bytes of FFmpeg's struct for `value`, and what they mean: the inverse of [`decode`]
/// for the kinds whose structs are the same in every release 4.x–9.x; why not for the rest.
pub(crate) fn encode(value: &SideDataValue) -> Result<(Meaning, Vec<u8>), String> {
    let ints = |values: &[i32]| values.iter().flat_map(|v| v.to_ne_bytes()).collect();
    let words = |values: &[u32]| values.iter().flat_map(|v| v.to_ne_bytes()).collect();
    Ok(match value {
        SideDataValue::DisplayMatrix { matrix, .. } => (Meaning::DisplayMatrix, ints(matrix)),
        SideDataValue::MasteringDisplay(display) => {
            let unset = Rational::new(0, 0);
            let (primaries, white) = display.primaries.unwrap_or(([[unset; 2]; 3], [unset; 2]));
            let (least, most) = display.luminance.unwrap_or((unset, unset));
            let rationals = primaries
                .iter()
                .flatten()
                .chain(&white)
                .chain([&least, &most]);
            let mut values: Vec<i32> = rationals.flat_map(|r| [r.num, r.den]).collect();
            values.push(display.primaries.is_some().into());
            values.push(display.luminance.is_some().into());
            (Meaning::MasteringDisplay, ints(&values))
        }
        SideDataValue::ContentLightLevel {
            max_content,
            max_average,
        } => (
            Meaning::ContentLightLevel,
            words(&[*max_content, *max_average]),
        ),
        SideDataValue::ActiveFormat(code) => (Meaning::ActiveFormat, vec![*code]),
        SideDataValue::GopTimecode(timecode) => {
            let bits = timecode.gop_bits().ok_or_else(|| {
                format!("{timecode} does not fit an MPEG-2 GOP header (hours 0-31, others 0-63)")
            })?;
            (Meaning::GopTimecode, i64::from(bits).to_ne_bytes().to_vec())
        }
        SideDataValue::S12mTimecodes(timecodes) if timecodes.len() <= 3 => {
            let mut values = [0u32; 4];
            values[0] = timecodes.len() as u32;
            for (slot, timecode) in values[1..].iter_mut().zip(timecodes) {
                *slot = timecode.0;
            }
            (Meaning::S12mTimecodes, words(&values))
        }
        SideDataValue::S12mTimecodes(_) => return Err("at most three S12M timecodes".into()),
        SideDataValue::ClosedCaptions(triplets) => (Meaning::ClosedCaptions, triplets.concat()),
        SideDataValue::UserDataUnregistered { uuid, payload } => {
            (Meaning::UserDataUnregistered, [&uuid[..], payload].concat())
        }
        other => return Err(format!("{other:?} cannot be written")),
    })
}

/// `AVCPBProperties`: four `int`s then the delay in 4.x, four `int64_t`s since; FFmpeg
/// stores the struct's own size with it, which tells the two apart.
fn cpb_properties(bytes: &[u8]) -> Option<CpbProperties> {
    let b = Bytes(bytes);
    if bytes.len() >= 40 {
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

fn stereo_layout_name(ffmpeg: &Ffmpeg, kind: u32) -> String {
    let name = ffmpeg.functions().av_stereo3d_type_name;
    // SAFETY: the function answers "unknown" for a number past its table.
    name.map(|name| unsafe { crate::sys::c_text(name(kind)) })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn projection_name(ffmpeg: &Ffmpeg, projection: u32) -> String {
    let name = ffmpeg.functions().av_spherical_projection_name;
    let projection = c_int::try_from(projection).unwrap_or(c_int::MAX);
    // SAFETY: the function answers "unknown" for a number past its table.
    name.map(|name| unsafe { crate::sys::c_text(name(projection)) })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// What a side data entry says ([`SideData::value`](crate::format::SideData::value),
/// [`FrameSideData::value`](crate::FrameSideData::value)).
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
    /// The SMPTE 12M timecode of an MPEG-2 group of pictures.
    GopTimecode(Timecode),
    /// Up to three SMPTE 12M timecodes of a picture (H.264 and HEVC picture timing); each
    /// reads as a [`Timecode`] at the stream's frame rate.
    S12mTimecodes(Vec<S12mTimecode>),
    /// ATSC A/53 closed captions: CEA-708 `cc_data` triplets (marker bits, `cc_valid` and
    /// `cc_type` in the first byte; two bytes of caption data).
    ClosedCaptions(Vec<[u8; 3]>),
    /// An H.264 or HEVC user data unregistered SEI message (an encoder's version text, say).
    UserDataUnregistered {
        /// The UUID that says whose data it is.
        uuid: [u8; 16],
        /// The message.
        payload: Vec<u8>,
    },
    /// An ICC colour profile: its bytes are in the entry's `bytes`.
    IccProfile {
        /// The profile's description, where the decoder gave one.
        name: Option<String>,
    },
    /// A kind the crate does not decode, or an entry too short for its kind: its bytes are
    /// in the entry's `bytes`.
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

/// A SMPTE 12M timecode: hours, minutes, seconds and frames; written `HH:MM:SS:FF`, with `;`
/// before the frames where frames are dropped (NTSC's 29.97 per second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timecode {
    /// Hours.
    pub hours: u32,
    /// Minutes.
    pub minutes: u32,
    /// Seconds.
    pub seconds: u32,
    /// Frames.
    pub frames: u32,
    /// Whether frame numbers are dropped to keep time with a 1000/1001 rate.
    pub drop_frame: bool,
}

impl Timecode {
    /// The 25 bits of an MPEG-2 GOP header, read as `av_timecode_make_mpeg_tc_string` does.
    fn of_gop(bits: u32) -> Timecode {
        Timecode {
            hours: bits >> 19 & 0x1f,
            minutes: bits >> 13 & 0x3f,
            seconds: bits >> 6 & 0x3f,
            frames: bits & 0x3f,
            drop_frame: bits & 1 << 24 != 0,
        }
    }
}

impl Timecode {
    /// The 25 bits of an MPEG-2 GOP header, as the decoder gives them; `None` where a field
    /// does not fit its bits.
    fn gop_bits(&self) -> Option<u32> {
        let fits = self.hours < 32 && self.minutes < 64 && self.seconds < 64 && self.frames < 64;
        fits.then(|| {
            // The marker bit between minutes and seconds is set, as in a GOP header.
            u32::from(self.drop_frame) << 24
                | self.hours << 19
                | 1 << 12
                | self.minutes << 13
                | self.seconds << 6
                | self.frames
        })
    }
}

impl std::fmt::Display for Timecode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let separator = if self.drop_frame { ';' } else { ':' };
        write!(
            f,
            "{:02}:{:02}:{:02}{separator}{:02}",
            self.hours, self.minutes, self.seconds, self.frames
        )
    }
}

/// One SMPTE 12M timecode as H.264 and HEVC code it: binary-coded decimal digits and flags in
/// 32 bits (`AV_FRAME_DATA_S12M_TIMECODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct S12mTimecode(pub u32);

impl S12mTimecode {
    /// The timecode at `rate` frames per second (the stream's average frame rate, as ffprobe
    /// takes it): above 30 per second the frame count is doubled and the field bit added, as
    /// `av_timecode_make_smpte_tc_string2` does. A digit pair that is not decimal reads 0.
    pub fn timecode(&self, rate: Rational) -> Timecode {
        let bits = self.0;
        let decimal = |bcd: u32| {
            let (low, high) = (bcd & 0xf, bcd >> 4);
            if low > 9 || high > 9 {
                0
            } else {
                low + 10 * high
            }
        };
        let mut frames = decimal(bits >> 24 & 0x3f);
        if compare_rationals(rate, Rational::new(30, 1)) == 1 {
            let field_bit = match compare_rationals(rate, Rational::new(50, 1)) {
                0 => 1 << 7,
                _ => 1 << 23,
            };
            frames = frames * 2 + u32::from(bits & field_bit != 0);
        }
        Timecode {
            hours: decimal(bits & 0x3f),
            minutes: decimal(bits >> 8 & 0x7f),
            seconds: decimal(bits >> 16 & 0x7f),
            frames,
            drop_frame: bits & 1 << 30 != 0,
        }
    }
}

/// `av_cmp_q`: 1, 0 or -1, and `i32::MIN` where a rate of 0/0 makes the order unknown.
fn compare_rationals(a: Rational, b: Rational) -> i32 {
    let difference = i64::from(a.num) * i64::from(b.den) - i64::from(b.num) * i64::from(a.den);
    if difference != 0 {
        ((difference ^ i64::from(a.den) ^ i64::from(b.den)) >> 63 | 1) as i32
    } else if a.den != 0 && b.den != 0 {
        0
    } else if a.num != 0 && b.num != 0 {
        (a.num >> 31) - (b.num >> 31)
    } else {
        i32::MIN
    }
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

    #[test]
    fn timecodes_read_as_ffmpeg_writes_them() {
        // 01:02:03:04 in a GOP header's 25 bits, then with the drop-frame flag.
        let gop = 1 << 19 | 2 << 13 | 3 << 6 | 4;
        assert_eq!(Timecode::of_gop(gop).to_string(), "01:02:03:04");
        assert_eq!(Timecode::of_gop(gop | 1 << 24).to_string(), "01:02:03;04");
        // 12:34:56:23 in BCD, with the field bit (bit 23, or bit 7 at 50 per second).
        let s12m = S12mTimecode(0x23 << 24 | 0x56 << 16 | 0x34 << 8 | 0x12 | 1 << 23);
        assert_eq!(
            s12m.timecode(Rational::new(25, 1)).to_string(),
            "12:34:56:23"
        );
        assert_eq!(
            s12m.timecode(Rational::new(60, 1)).to_string(),
            "12:34:56:47"
        );
        assert_eq!(
            s12m.timecode(Rational::new(50, 1)).to_string(),
            "12:34:56:46"
        );
        assert_eq!(s12m.timecode(Rational::new(0, 0)).frames, 23);
        let dropped = S12mTimecode(s12m.0 | 1 << 30);
        assert_eq!(
            dropped.timecode(Rational::new(30000, 1001)).to_string(),
            "12:34:56;23"
        );
        // A digit pair that is not decimal reads 0.
        assert_eq!(S12mTimecode(0x1a).timecode(Rational::new(25, 1)).hours, 0);
    }
}
