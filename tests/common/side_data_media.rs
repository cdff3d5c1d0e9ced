//! Media whose pictures carry side data, made by the ffmpeg CLI: HDR10 HEVC, timecoded
//! MPEG-2, x264's SEI message, ATSC captions, HDR10+.

use std::path::PathBuf;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::{
    DynamicHdrPlus, HdrPlusToneMapping, HdrPlusWindow, HdrPlusWindowArea, SideDataValue,
};

use super::media;

const PICTURES: &str = "testsrc2=size=160x120:rate=25:duration=1";

/// 10-bit HEVC from x265 with HDR10's mastering display and light levels in SEI messages.
pub fn hdr10_hevc() -> PathBuf {
    let hdr10 = "log-level=error:hdr10=1:max-cll=1000,400:master-display=\
        G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)";
    let args = ["-f", "lavfi", "-i", PICTURES, "-pix_fmt", "yuv420p10le"];
    let hevc = ["-c:v", "libx265", "-x265-params", hdr10];
    media::generated("frame_side_data_hdr10.mp4", &[&args[..], &hevc].concat())
}

/// MPEG-2 video whose groups of ten pictures start at 01:02:03:04.
pub fn timecoded_mpeg2() -> PathBuf {
    let args = [
        "-f",
        "lavfi",
        "-i",
        PICTURES,
        "-c:v",
        "mpeg2video",
        "-g",
        "10",
    ];
    let timecode = ["-timecode", "01:02:03:04"];
    media::generated(
        "frame_side_data_timecode.mpg",
        &[&args[..], &timecode].concat(),
    )
}

/// H.264 from x264, which writes its version and settings in an unregistered SEI message, in
/// the container of `extension` (`mp4`, `flv`, `h264` for Annex B).
pub fn x264(extension: &str) -> PathBuf {
    let args = ["-f", "lavfi", "-i", PICTURES, "-c:v", "libx264"];
    media::generated(&format!("frame_side_data_x264.{extension}"), &args)
}

/// Two CEA-708 `cc_data` triplets: "Hi" (odd parity) on field 1, padding on field 2.
pub const CAPTIONS: [[u8; 3]; 2] = [[0xfc, 0xc8, 0xe9], [0xfd, 0x80, 0x80]];

/// H.264 from x264 (Annex B) with an ATSC A/53 caption SEI message, [`CAPTIONS`], before
/// each picture's first slice, as broadcast streams carry them.
pub fn captioned_h264() -> PathBuf {
    let source = std::fs::read(x264("h264")).unwrap();
    // user_data_registered_itu_t_t35: USA, ATSC, "GA94", cc_data with two triplets.
    let mut payload = vec![
        0xb5,
        0x00,
        0x31,
        b'G',
        b'A',
        b'9',
        b'4',
        0x03,
        0x40 | 2,
        0xff,
    ];
    payload.extend(CAPTIONS.concat());
    payload.push(0xff);
    let sei = [
        &[0, 0, 0, 1, 6, 4, payload.len() as u8][..],
        &payload,
        &[0x80],
    ]
    .concat();
    // A slice (types 1 and 5) whose first macroblock is 0 starts a picture.
    let captioned = before_each_picture(&source, &sei, |unit| {
        matches!(unit[0] & 0x1f, 1 | 5) && unit[1] & 0x80 != 0
    });
    let path = super::scratch_dir("captions").join("captioned.h264");
    std::fs::write(&path, captioned).unwrap();
    path
}

/// A PNG picture with an `iCCP` chunk: an ICC profile of `size` bytes named `name`, stored
/// uncompressed in its zlib stream.
pub fn png_with_icc_profile(name: &str, size: usize) -> PathBuf {
    let profile: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    // zlib: a header, one stored deflate block, the Adler-32 of the data.
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &profile {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    let length = u16::try_from(size).expect("one stored block");
    let mut data = [name.as_bytes(), &[0, 0, 0x78, 0x01, 0x01]].concat();
    data.extend_from_slice(&length.to_le_bytes());
    data.extend_from_slice(&(!length).to_le_bytes());
    data.extend_from_slice(&profile);
    data.extend_from_slice(&(b << 16 | a).to_be_bytes());
    png_with_chunk(b"iCCP", &data, "icc")
}

/// A PNG picture with a `tEXt` chunk: `text` under `keyword`, which the decoder gives as the
/// frame's metadata.
pub fn png_with_text(keyword: &str, text: &str) -> PathBuf {
    let data = [keyword.as_bytes(), &[0], text.as_bytes()].concat();
    png_with_chunk(b"tEXt", &data, "text")
}

/// A 32×32 PNG picture with a chunk of `kind` holding `data` before its pixels, in a scratch
/// directory named after `name`.
fn png_with_chunk(kind: &[u8; 4], data: &[u8], name: &str) -> PathBuf {
    let args = ["-f", "lavfi", "-i", "testsrc2=size=32x32", "-frames:v", "1"];
    let plain = std::fs::read(media::generated("frame_side_data_plain.png", &args)).unwrap();
    let kind_and_data = [&kind[..], data].concat();
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(&kind_and_data);
    chunk.extend_from_slice(&crc32(&kind_and_data).to_be_bytes());
    // Before the first IDAT chunk (its length comes four bytes before its type).
    let at = plain.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
    let png = [&plain[..at], &chunk, &plain[at..]].concat();
    let path = super::scratch_dir(name).join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    path
}

/// PNG's CRC-32 (ISO 3309, reflected, polynomial 0xedb88320).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                crc >> 1 ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// HDR10+ metadata with every part present: three windows, both peak luminance tables, a
/// curve where the first window has none, a saturation weight where the second has none.
pub fn hdr_plus() -> DynamicHdrPlus {
    let q = Rational::new;
    let window = |k: i32| HdrPlusWindow {
        area: (k > 0).then(|| HdrPlusWindowArea {
            upper_left_corner: [q(10 * k, 1), q(20 * k, 1)],
            lower_right_corner: [q(100 + k, 1), q(90 + k, 1)],
            center_of_ellipse: [50, 60],
            rotation_angle: 45,
            semimajor_axis_internal_ellipse: 30,
            semimajor_axis_external_ellipse: 40,
            semiminor_axis_external_ellipse: 20,
            overlap_process_option: 1,
        }),
        maxscl: [
            q(10_000 + k, 100_000),
            q(20_000, 100_000),
            q(30_000, 100_000),
        ],
        average_maxrgb: q(5000, 100_000),
        distribution_maxrgb: vec![
            (1, q(100, 100_000)),
            (50, q(2000, 100_000)),
            (99, q(9000, 100_000)),
        ],
        fraction_bright_pixels: q(123 + k, 1000),
        tone_mapping: (k > 0).then(|| HdrPlusToneMapping {
            knee_point: [q(2048, 4095), q(1024 + k, 4095)],
            bezier_curve_anchors: vec![q(300, 1023), q(700 + k, 1023)],
        }),
        color_saturation_weight: (k != 1).then(|| q(5 + k, 8)),
    };
    let table = |rows: i32, columns: i32, first: i32| -> Vec<Vec<Rational>> {
        let row = |r: i32| {
            (0..columns)
                .map(|c| q((first + r * columns + c) % 16, 15))
                .collect()
        };
        (0..rows).map(row).collect()
    };
    DynamicHdrPlus {
        country_code: 0xb5,
        application_version: 1,
        windows: (0..3).map(window).collect(),
        targeted_system_display_maximum_luminance: q(400, 1),
        targeted_system_display_actual_peak_luminance: Some(table(2, 3, 1)),
        mastering_display_actual_peak_luminance: Some(table(2, 2, 12)),
    }
}

/// 10-bit HEVC from x265 (Annex B) with [`hdr_plus`] in a registered SEI message before each
/// picture's first slice, as CTA-861 and HDR10+ streams carry it.
pub fn hdr_plus_hevc() -> PathBuf {
    registered_sei_hevc("hdr_plus", &hdr_plus_t35(&hdr_plus()))
}

/// [`plain_hevc`] with `payload` (an ITU-T T.35 message) in a registered SEI message before
/// each picture's first slice, in the scratch file `name`.hevc.
pub(super) fn registered_sei_hevc(name: &str, payload: &[u8]) -> PathBuf {
    sei_hevc(name, 4, payload)
}

/// An ambient viewing environment of 314 lux at D65, as FFmpeg reads [`ambient_payload`].
pub fn ambient() -> SideDataValue {
    SideDataValue::AmbientViewingEnvironment {
        illuminance: Rational::new(3_140_000, 10_000),
        light_x: Rational::new(15635, 50_000),
        light_y: Rational::new(16450, 50_000),
    }
}

/// [`ambient`] as H.274's SEI message and QuickTime's `amve` box both carry it: the
/// illuminance in 1/10000 lux, then x and y in 1/50000.
pub fn ambient_payload() -> Vec<u8> {
    let mut payload = 3_140_000u32.to_be_bytes().to_vec();
    payload.extend([15635u16, 16450].iter().flat_map(|v| v.to_be_bytes()));
    payload
}

/// 10-bit HEVC from x265 with [`ambient_payload`] in an ambient viewing environment SEI
/// message before each picture.
pub fn ambient_hevc() -> PathBuf {
    sei_hevc("ambient", 148, &ambient_payload())
}

/// [`plain_hevc`] with `payload` in an SEI message of type `kind` before each picture's
/// first slice, in the scratch file `name`.hevc.
fn sei_hevc(name: &str, kind: u8, payload: &[u8]) -> PathBuf {
    let source = std::fs::read(plain_hevc()).unwrap();
    assert!(
        payload.len() < 255 && kind < 255,
        "one byte each of type and size"
    );
    // A prefix SEI unit (type 39), one message, its payload, the stop bit.
    let message = [&[kind, payload.len() as u8][..], payload, &[0x80]].concat();
    let sei = [
        &[0, 0, 0, 1, 39 << 1, 1][..],
        &emulation_prevented(&message),
    ]
    .concat();
    // A slice unit (types 0-31) with first_slice_segment_in_pic_flag starts a picture.
    let tagged = before_each_picture(&source, &sei, |unit| {
        unit[0] >> 1 < 32 && unit[2] & 0x80 != 0
    });
    let path = super::scratch_dir(name).join(format!("{name}.hevc"));
    std::fs::write(&path, tagged).unwrap();
    path
}

/// 10-bit HEVC from x265 (Annex B), one slice per picture, with no side data of its own.
pub(super) fn plain_hevc() -> PathBuf {
    let args = ["-f", "lavfi", "-i", PICTURES, "-pix_fmt", "yuv420p10le"];
    let hevc = ["-c:v", "libx265", "-x265-params", "log-level=error"];
    media::generated("frame_side_data_plain.hevc", &[&args[..], &hevc].concat())
}

/// An Annex B stream with `sei` (a whole NAL unit, start code included) before each unit
/// that `starts_picture` says starts a picture (given the unit after its start code).
fn before_each_picture(
    source: &[u8],
    sei: &[u8],
    starts_picture: impl Fn(&[u8]) -> bool,
) -> Vec<u8> {
    let starts: Vec<usize> = (0..source.len().saturating_sub(2))
        .filter(|&i| source[i..i + 3] == [0, 0, 1])
        .collect();
    let mut out = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(source.len());
        if starts_picture(&source[start + 3..end]) {
            out.extend_from_slice(sei);
        }
        out.extend_from_slice(&source[start..end]);
    }
    out
}

/// `value` as an ITU-T T.35 message (SMPTE ST 2094-40 as CTA-861-H carries it), from the
/// numerators of its rationals, whose denominators are the standard's own.
fn hdr_plus_t35(value: &DynamicHdrPlus) -> Vec<u8> {
    let mut bits = Bits::default();
    // United States; Samsung; HDR10+ message; application 4, then its version.
    bits.put(8, 0xb5);
    bits.put(16, 0x3c);
    bits.put(16, 1);
    bits.put(8, 4);
    bits.put(8, value.application_version.into());
    bits.put(2, value.windows.len() as u32);
    for area in value.windows.iter().filter_map(|w| w.area.as_ref()) {
        for corner in area
            .upper_left_corner
            .iter()
            .chain(&area.lower_right_corner)
        {
            bits.put(16, corner.num as u32);
        }
        bits.put(16, area.center_of_ellipse[0].into());
        bits.put(16, area.center_of_ellipse[1].into());
        bits.put(8, area.rotation_angle.into());
        bits.put(16, area.semimajor_axis_internal_ellipse.into());
        bits.put(16, area.semimajor_axis_external_ellipse.into());
        bits.put(16, area.semiminor_axis_external_ellipse.into());
        bits.put(1, area.overlap_process_option);
    }
    bits.put(
        27,
        value.targeted_system_display_maximum_luminance.num as u32,
    );
    let table = |bits: &mut Bits, table: &Option<Vec<Vec<Rational>>>| {
        bits.put(1, table.is_some().into());
        if let Some(rows) = table {
            bits.put(5, rows.len() as u32);
            bits.put(5, rows[0].len() as u32);
            for cell in rows.iter().flatten() {
                bits.put(4, cell.num as u32);
            }
        }
    };
    table(
        &mut bits,
        &value.targeted_system_display_actual_peak_luminance,
    );
    for window in &value.windows {
        for value in window.maxscl.iter().chain([&window.average_maxrgb]) {
            bits.put(17, value.num as u32);
        }
        bits.put(4, window.distribution_maxrgb.len() as u32);
        for (percentage, percentile) in &window.distribution_maxrgb {
            bits.put(7, (*percentage).into());
            bits.put(17, percentile.num as u32);
        }
        bits.put(10, window.fraction_bright_pixels.num as u32);
    }
    table(&mut bits, &value.mastering_display_actual_peak_luminance);
    for window in &value.windows {
        bits.put(1, window.tone_mapping.is_some().into());
        if let Some(curve) = &window.tone_mapping {
            bits.put(12, curve.knee_point[0].num as u32);
            bits.put(12, curve.knee_point[1].num as u32);
            bits.put(4, curve.bezier_curve_anchors.len() as u32);
            for anchor in &curve.bezier_curve_anchors {
                bits.put(10, anchor.num as u32);
            }
        }
        bits.put(1, window.color_saturation_weight.is_some().into());
        if let Some(weight) = window.color_saturation_weight {
            bits.put(6, weight.num as u32);
        }
    }
    bits.bytes
}

/// A big-endian bit writer: the last byte's unwritten bits are zero.
#[derive(Default)]
pub(super) struct Bits {
    pub(super) bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    pub(super) fn put(&mut self, count: u32, value: u32) {
        for bit in (0..count).rev() {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let last = self.bytes.last_mut().unwrap();
            *last |= (((value >> bit) & 1) as u8) << (7 - self.used % 8);
            self.used += 1;
        }
    }

    /// Zeros up to the next whole byte.
    pub(super) fn align(&mut self) {
        self.used = self.bytes.len() as u32 * 8;
    }
}

/// An SEI message's bytes as a NAL unit carries them: a 3 before any 0-3 that follows two
/// zeros.
pub(super) fn emulation_prevented(bytes: &[u8]) -> Vec<u8> {
    let (mut out, mut zeros) = (Vec::new(), 0);
    for &byte in bytes {
        if zeros >= 2 && byte <= 3 {
            out.push(3);
            zeros = 0;
        }
        out.push(byte);
        zeros = if byte == 0 { zeros + 1 } else { 0 };
    }
    out
}
