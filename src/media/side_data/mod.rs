//! What side data say, wherever they sit: a stream's or a packet's (`AV_PKT_DATA_*`) and a
//! frame's (`AV_FRAME_DATA_*`) number their kinds apart but share the structs of the kinds
//! they both have. [`format::SideData`](crate::format::SideData) and
//! [`FrameSideData`](crate::FrameSideData) map their numbers to a [`Meaning`] and read the
//! bytes here.

use std::ffi::c_int;

use crate::abi::constants;
use crate::ffmpeg::Ffmpeg;
use crate::sys::Rational;

/// libavcodec's `ff_sd_global_map`: the kinds a frame and a stream both hold, each frame kind
/// (numbered as since 5.0) with the packet kind of the same meaning and bytes.
pub(crate) const GLOBAL_KINDS: [(u32, u32); 11] = [
    (
        constants::FRAME_DATA_REPLAYGAIN,
        constants::PKT_DATA_REPLAYGAIN,
    ),
    (
        constants::FRAME_DATA_DISPLAYMATRIX,
        constants::PKT_DATA_DISPLAY_MATRIX,
    ),
    (
        constants::FRAME_DATA_SPHERICAL,
        constants::PKT_DATA_SPHERICAL,
    ),
    (
        constants::FRAME_DATA_STEREO3D,
        constants::PKT_DATA_STEREO_3D,
    ),
    (
        constants::FRAME_DATA_AUDIO_SERVICE_TYPE,
        constants::PKT_DATA_AUDIO_SERVICE_TYPE,
    ),
    (
        constants::FRAME_DATA_MASTERING_DISPLAY_METADATA,
        constants::PKT_DATA_MASTERING_DISPLAY,
    ),
    (
        constants::FRAME_DATA_CONTENT_LIGHT_LEVEL,
        constants::PKT_DATA_CONTENT_LIGHT_LEVEL,
    ),
    (
        constants::FRAME_DATA_ICC_PROFILE,
        constants::PKT_DATA_ICC_PROFILE,
    ),
    (
        constants::FRAME_DATA_AMBIENT_VIEWING_ENVIRONMENT,
        constants::PKT_DATA_AMBIENT_VIEWING_ENVIRONMENT,
    ),
    (
        constants::FRAME_DATA_3D_REFERENCE_DISPLAYS,
        constants::PKT_DATA_3D_REFERENCE_DISPLAYS,
    ),
    (constants::FRAME_DATA_EXIF, constants::PKT_DATA_EXIF),
];

mod dolby_vision;
mod dolby_vision_extensions;
mod hdr_plus;
mod hdr_vivid;
mod iamf;
mod values;

pub use dolby_vision::{
    DolbyVisionColor, DolbyVisionCurve, DolbyVisionHeader, DolbyVisionMapping, DolbyVisionMetadata,
    DolbyVisionNlq, DolbyVisionPiece,
};
pub use dolby_vision_extensions::DolbyVisionExtension;
pub use hdr_plus::{DynamicHdrPlus, HdrPlusToneMapping, HdrPlusWindow, HdrPlusWindowArea};
pub use hdr_vivid::{
    DynamicHdrVivid, HdrVividBaseCurve, HdrVividThreeSpline, HdrVividToneMapping, HdrVividWindow,
};
pub use iamf::{IamfParameters, IamfSubblock};

pub use values::{
    CpbProperties, DolbyVisionConfig, DownmixInfo, DownmixType, MasteringDisplay, S12mTimecode,
    SideDataValue, Spherical, StereoCamera, Timecode,
};

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
    DynamicHdrPlus,
    DolbyVisionMetadata,
    DynamicHdrVivid,
    StringsMetadata,
    MetadataUpdate,
    AmbientViewingEnvironment,
    FrameCropping,
    ViewId,
    Exif,
    DownmixInfo,
    BlockAdditional,
    IamfParameters,
    Unknown,
}

/// The meaning of kind `number` in a table of (number, meaning) pairs.
pub(crate) fn meaning_in(table: &[(u32, Meaning)], number: u32) -> Meaning {
    let found = table.iter().find(|(n, _)| *n == number);
    found.map_or(Meaning::Unknown, |(_, meaning)| *meaning)
}

/// The number of the kind that means `meaning` in a table of (number, meaning) pairs.
pub(crate) fn number_in(table: &[(u32, Meaning)], meaning: Meaning) -> Option<u32> {
    let found = table.iter().find(|(_, m)| *m == meaning);
    found.map(|(number, _)| *number)
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
        Meaning::Stereo3d => stereo_3d(ffmpeg, bytes)?,
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
            let q = |at: usize| b.rational(at);
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
                // The record's ninth byte, which FFmpeg sizes the entry for from 7.1.
                metadata_compression: b.u8(8),
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
        Meaning::DynamicHdrPlus => {
            SideDataValue::DynamicHdrPlus(Box::new(hdr_plus::decode(bytes)?))
        }
        Meaning::DynamicHdrVivid => {
            SideDataValue::DynamicHdrVivid(Box::new(hdr_vivid::decode(bytes)?))
        }
        Meaning::DolbyVisionMetadata => {
            SideDataValue::DolbyVisionMetadata(Box::new(dolby_vision::decode(bytes)?))
        }
        Meaning::AmbientViewingEnvironment => SideDataValue::AmbientViewingEnvironment {
            illuminance: b.rational(0)?,
            light_x: b.rational(8)?,
            light_y: b.rational(16)?,
        },
        Meaning::FrameCropping => frame_cropping(bytes)?,
        Meaning::ViewId => SideDataValue::ViewId(b.i32(0)?),
        Meaning::Exif => SideDataValue::Exif(bytes.to_vec()),
        Meaning::DownmixInfo => {
            let level = |at: usize| b.u64(at).map(f64::from_bits);
            SideDataValue::DownmixInfo(DownmixInfo {
                preferred: DownmixType::from_number(b.u32(0)?),
                center_mix_level: level(8)?,
                center_mix_level_ltrt: level(16)?,
                surround_mix_level: level(24)?,
                surround_mix_level_ltrt: level(32)?,
                lfe_mix_level: level(40)?,
            })
        }
        Meaning::IamfParameters => SideDataValue::IamfParameters(iamf::decode(bytes)?),
        Meaning::BlockAdditional => SideDataValue::BlockAdditional {
            id: u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?),
            data: bytes[8..].to_vec(),
        },
        Meaning::StringsMetadata => SideDataValue::StringsMetadata(key_value_pairs(bytes)?),
        Meaning::MetadataUpdate => SideDataValue::MetadataUpdate(key_value_pairs(bytes)?),
        _ => SideDataValue::Other,
    })
}

/// The bytes of FFmpeg's struct for `value`, and what they mean: the inverse of [`decode`]
/// for the kinds whose structs are the same in every release that has them; why not for the
/// rest.
pub(crate) fn encode(value: &SideDataValue) -> Result<(Meaning, Vec<u8>), String> {
    Ok(match value {
        SideDataValue::DisplayMatrix { matrix, .. } => {
            (Meaning::DisplayMatrix, native_bytes(matrix))
        }
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
            (Meaning::MasteringDisplay, native_bytes(&values))
        }
        SideDataValue::ContentLightLevel {
            max_content,
            max_average,
        } => (
            Meaning::ContentLightLevel,
            native_bytes_unsigned(&[*max_content, *max_average]),
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
            (Meaning::S12mTimecodes, native_bytes_unsigned(&values))
        }
        SideDataValue::S12mTimecodes(_) => return Err("at most three S12M timecodes".into()),
        SideDataValue::ClosedCaptions(triplets) => (Meaning::ClosedCaptions, triplets.concat()),
        SideDataValue::UserDataUnregistered { uuid, payload } => {
            (Meaning::UserDataUnregistered, [&uuid[..], payload].concat())
        }
        SideDataValue::DynamicHdrPlus(metadata) => {
            (Meaning::DynamicHdrPlus, hdr_plus::encode(metadata)?)
        }
        SideDataValue::AmbientViewingEnvironment {
            illuminance,
            light_x,
            light_y,
        } => {
            let values = [illuminance, light_x, light_y].map(|r| [r.num, r.den]);
            (
                Meaning::AmbientViewingEnvironment,
                native_bytes(values.as_flattened()),
            )
        }
        SideDataValue::Exif(bytes) => (Meaning::Exif, bytes.clone()),
        SideDataValue::DownmixInfo(info) => {
            let mut bytes = info.preferred.number().to_ne_bytes().to_vec();
            bytes.extend([0; 4]); // the enum's padding before the doubles
            let levels = [
                info.center_mix_level,
                info.center_mix_level_ltrt,
                info.surround_mix_level,
                info.surround_mix_level_ltrt,
                info.lfe_mix_level,
            ];
            bytes.extend(levels.iter().flat_map(|level| level.to_ne_bytes()));
            (Meaning::DownmixInfo, bytes)
        }
        SideDataValue::FrameCropping {
            top,
            bottom,
            left,
            right,
        } => {
            let edges = [top, bottom, left, right].map(|edge| edge.to_le_bytes());
            (Meaning::FrameCropping, edges.concat())
        }
        other => return Err(format!("{other:?} cannot be written")),
    })
}

/// As [`encode`], and for the kinds whose structs depend on the release, the struct of
/// `ffmpeg`'s: a stereo packing (7.1 appends the camera), a projection.
pub(crate) fn encode_for(
    ffmpeg: &Ffmpeg,
    value: &SideDataValue,
) -> Result<(Meaning, Vec<u8>), String> {
    match value {
        SideDataValue::Stereo3d {
            layout,
            inverted,
            view,
            camera,
        } => Ok((
            Meaning::Stereo3d,
            stereo_3d_bytes(ffmpeg, layout, *inverted, view, camera.as_ref())?,
        )),
        SideDataValue::Spherical(spherical) => {
            if projection_name(ffmpeg, spherical.projection) == "unknown" {
                return Err(format!(
                    "projection {} is unknown to this release",
                    spherical.projection
                ));
            }
            let [left, top, right, bottom] = spherical.bounds;
            let values = [
                spherical.projection,
                spherical.yaw as u32,
                spherical.pitch as u32,
                spherical.roll as u32,
                left,
                top,
                right,
                bottom,
                spherical.padding,
            ];
            Ok((Meaning::Spherical, native_bytes_unsigned(&values)))
        }
        other => encode(other),
    }
}

/// The loaded release's `AVStereo3D` for a packing: its type, flags and view, and from 7.1
/// (libavutil 59.24) the camera, unset (`av_stereo3d_alloc`'s defaults) where none is given.
fn stereo_3d_bytes(
    ffmpeg: &Ffmpeg,
    layout: &str,
    inverted: bool,
    view: &str,
    camera: Option<&StereoCamera>,
) -> Result<Vec<u8>, String> {
    let from_name = ffmpeg.functions().av_stereo3d_from_name;
    let name = std::ffi::CString::new(layout).map_err(|_| format!("packing {layout:?}"))?;
    // SAFETY: reads a NUL-terminated name; -1 for one the release does not know.
    let kind = from_name.map_or(-1, |from_name| unsafe { from_name(name.as_ptr()) });
    let kind = u32::try_from(kind)
        .map_err(|_| format!("packing {layout:?} is unknown to this release"))?;
    let view = number_of(&STEREO_VIEWS, view)?;
    let has_camera = ffmpeg.library_is_at_least(crate::sys::Library::AvUtil, (59, 24));
    let mut values = vec![kind as i32, i32::from(inverted), view];
    match (camera, has_camera) {
        (Some(camera), true) => {
            let eye = number_of(&PRIMARY_EYES, &camera.primary_eye)?;
            let (adjustment, field) = (
                camera.horizontal_disparity_adjustment,
                camera.horizontal_field_of_view,
            );
            values.extend([eye, camera.baseline as i32]);
            values.extend([adjustment.num, adjustment.den, field.num, field.den]);
        }
        (None, true) => values.extend([0, 0, 0, 1, 0, 1]),
        (Some(_), false) => return Err("the stereo camera came with FFmpeg 7.1".into()),
        (None, false) => {}
    }
    Ok(native_bytes(&values))
}

/// C `int`s as a struct lays them out.
fn native_bytes(values: &[i32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

/// C `unsigned`s (and enums) as a struct lays them out.
fn native_bytes_unsigned(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

/// A dictionary as `av_packet_pack_dictionary` packs it: each key and value ends with a NUL;
/// `None` where the last string is cut short (as `av_packet_unpack_dictionary` refuses it).
fn key_value_pairs(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let text = |s: &[u8]| Some(String::from_utf8_lossy(s.strip_suffix(&[0])?).into_owned());
    let mut strings = bytes.split_inclusive(|&b| b == 0);
    let mut pairs = Vec::new();
    while let Some(key) = strings.next() {
        let value = strings.next()?;
        pairs.push((text(key)?, text(value)?));
    }
    Some(pairs)
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

/// `AVStereo3D`: its packing, flags and view in every release; 7.1 appends the camera
/// system, and sizes its entries for it.
fn stereo_3d(ffmpeg: &Ffmpeg, bytes: &[u8]) -> Option<SideDataValue> {
    let b = Bytes(bytes);
    Some(SideDataValue::Stereo3d {
        layout: stereo_layout_name(ffmpeg, b.u32(0)?),
        inverted: b.i32(4)? & 1 != 0,
        view: name_of(&STEREO_VIEWS, b.u32(8)?),
        camera: stereo_camera(bytes),
    })
}

/// The camera system 7.1 appends to `AVStereo3D` (primary eye, baseline, disparity
/// adjustment, field of view); `None` for an entry of an earlier release's size.
fn stereo_camera(bytes: &[u8]) -> Option<StereoCamera> {
    let b = Bytes(bytes);
    Some(StereoCamera {
        primary_eye: name_of(&PRIMARY_EYES, b.u32(12)?),
        baseline: b.u32(16)?,
        horizontal_disparity_adjustment: b.rational(20)?,
        horizontal_field_of_view: b.rational(28)?,
    })
}

/// FFmpeg's names of `enum AVStereo3DView` and `enum AVStereo3DPrimaryEye`, by number.
const STEREO_VIEWS: [&str; 4] = ["packed", "left", "right", "unspecified"];
const PRIMARY_EYES: [&str; 3] = ["none", "left", "right"];

/// FFmpeg's name for `number` from its table `names`, `unknown` past it.
fn name_of(names: &[&str], number: u32) -> String {
    let name = usize::try_from(number).ok().and_then(|n| names.get(n));
    name.copied().unwrap_or("unknown").to_owned()
}

/// The number `name` has in FFmpeg's table `names`: the inverse of [`name_of`].
fn number_of(names: &[&str], name: &str) -> Result<i32, String> {
    let number = names.iter().position(|n| *n == name);
    number
        .map(|n| n as i32)
        .ok_or_else(|| format!("{name:?} is not one of {names:?}"))
}

/// The container's cropping: four `uint32_t`s (top, bottom, left, right), little-endian
/// whatever the machine, as FFmpeg writes and reads them.
fn frame_cropping(bytes: &[u8]) -> Option<SideDataValue> {
    let edge = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some(SideDataValue::FrameCropping {
        top: edge(0)?,
        bottom: edge(4)?,
        left: edge(8)?,
        right: edge(12)?,
    })
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
    fn u8(&self, at: usize) -> Option<u8> {
        self.0.get(at).copied()
    }

    fn u16(&self, at: usize) -> Option<u16> {
        Some(u16::from_ne_bytes(self.0.get(at..at + 2)?.try_into().ok()?))
    }

    fn i32(&self, at: usize) -> Option<i32> {
        Some(i32::from_ne_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }

    fn u32(&self, at: usize) -> Option<u32> {
        Some(u32::from_ne_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }

    fn i64(&self, at: usize) -> Option<i64> {
        Some(i64::from_ne_bytes(self.0.get(at..at + 8)?.try_into().ok()?))
    }

    fn u64(&self, at: usize) -> Option<u64> {
        Some(u64::from_ne_bytes(self.0.get(at..at + 8)?.try_into().ok()?))
    }

    /// An `AVRational`: two `int`s.
    fn rational(&self, at: usize) -> Option<Rational> {
        Some(Rational::new(self.i32(at)?, self.i32(at + 4)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stereo_camera_is_read_from_7_1s_size_only() {
        let mut entry: Vec<u8> = [3u32, 0, 0].iter().flat_map(|v| v.to_ne_bytes()).collect();
        assert_eq!(stereo_camera(&entry), None, "5.1's twelve bytes");
        let camera = [1i32, 63_500, -200, 10_000, 63_400, 1000];
        entry.extend(camera.iter().flat_map(|v| v.to_ne_bytes()));
        assert_eq!(entry.len(), 36);
        let expected = StereoCamera {
            primary_eye: "left".to_owned(),
            baseline: 63_500,
            horizontal_disparity_adjustment: Rational::new(-200, 10_000),
            horizontal_field_of_view: Rational::new(63_400, 1000),
        };
        assert_eq!(stereo_camera(&entry), Some(expected));
        entry[12..16].copy_from_slice(&7u32.to_ne_bytes());
        assert_eq!(stereo_camera(&entry).unwrap().primary_eye, "unknown");
        assert_eq!(stereo_camera(&entry[..35]), None, "cut short");
    }

    #[test]
    fn frame_cropping_is_little_endian_on_every_machine() {
        let entry: Vec<u8> = [3u32, 4, 5, 0x0102_0304]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let expected = SideDataValue::FrameCropping {
            top: 3,
            bottom: 4,
            left: 5,
            right: 0x0102_0304,
        };
        assert_eq!(frame_cropping(&entry), Some(expected.clone()));
        assert_eq!(frame_cropping(&entry[..15]), None);
        assert_eq!(
            encode(&expected),
            Ok((Meaning::FrameCropping, entry.to_vec()))
        );
    }

    #[test]
    fn packed_dictionaries_read_pair_by_pair_and_refuse_a_cut_string() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let packed = b"encoder\0Lavc\0title\0\0";
        let expected = vec![pair("encoder", "Lavc"), pair("title", "")];
        assert_eq!(key_value_pairs(packed), Some(expected));
        assert_eq!(key_value_pairs(b""), Some(Vec::new()));
        assert_eq!(key_value_pairs(b"key\0"), None, "no value");
        assert_eq!(key_value_pairs(b"key\0val"), None, "value cut short");
    }

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
}
