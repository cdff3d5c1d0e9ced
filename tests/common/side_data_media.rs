//! Media whose pictures carry side data, made by the ffmpeg CLI: HDR10 HEVC, timecoded
//! MPEG-2, x264's SEI message, ATSC captions.

use std::path::PathBuf;

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
    let starts: Vec<usize> = (0..source.len().saturating_sub(2))
        .filter(|&i| source[i..i + 3] == [0, 0, 1])
        .collect();
    let mut captioned = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(source.len());
        let unit = &source[start + 3..end];
        // A slice (types 1 and 5) whose first macroblock is 0 starts a picture.
        let starts_picture = matches!(unit[0] & 0x1f, 1 | 5) && unit[1] & 0x80 != 0;
        if starts_picture {
            captioned.extend_from_slice(&sei);
        }
        captioned.extend_from_slice(&source[start..end]);
    }
    let path = super::scratch_dir("captions").join("captioned.h264");
    std::fs::write(&path, captioned).unwrap();
    path
}

/// A PNG picture with an `iCCP` chunk: an ICC profile of `size` bytes named `name`, stored
/// uncompressed in its zlib stream.
pub fn png_with_icc_profile(name: &str, size: usize) -> PathBuf {
    let args = ["-f", "lavfi", "-i", "testsrc2=size=32x32", "-frames:v", "1"];
    let plain = std::fs::read(media::generated("frame_side_data_plain.png", &args)).unwrap();
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
    let kind_and_data = [&b"iCCP"[..], &data].concat();
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(&kind_and_data);
    chunk.extend_from_slice(&crc32(&kind_and_data).to_be_bytes());
    // Before the first IDAT chunk (its length comes four bytes before its type).
    let at = plain.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
    let png = [&plain[..at], &chunk, &plain[at..]].concat();
    let path = super::scratch_dir("icc").join("icc.png");
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
