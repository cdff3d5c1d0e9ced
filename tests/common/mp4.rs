//! MP4 files with the metadata cameras write and Debian 5.1's CLI cannot: boxes added to the
//! video track's sample entry after the CLI made the file.

use std::path::{Path, PathBuf};
use std::process::Command;

use ffmpeg_runtime::format::{Input, MasteringDisplay, MediaType, SideDataValue, StereoCamera};
use ffmpeg_runtime::{Ffmpeg, Rational};

use super::media;

/// The boxes of a camera's HDR 360° stereo clip, as the stream side data FFmpeg reads from
/// them: Dolby Vision configuration (profile 8, level 4), stereo (top and bottom), spherical
/// (tiled equirectangular, a quarter cut on the left and on the right, yaw 90°, pitch -45°,
/// roll 30.5°), mastering display (BT.2020 primaries, D65, 0.005–1000 cd/m²) and light
/// levels (1000 and 400 cd/m²).
pub fn camera_boxes() -> Vec<([u8; 4], Vec<u8>)> {
    let child = mp4_box;
    let be32 = |values: &[i64]| -> Vec<u8> {
        values
            .iter()
            .flat_map(|&v| (v as u32).to_be_bytes())
            .collect()
    };
    let be16 =
        |values: &[u16]| -> Vec<u8> { values.iter().flat_map(|v| v.to_be_bytes()).collect() };
    let spherical = [
        child(b"svhd", &full_box(b"\0")),
        child(
            b"proj",
            &[
                child(
                    b"prhd",
                    &full_box(&be32(&[90 << 16, -45 << 16, 30 << 16 | 1 << 15])),
                ),
                // Top, bottom, left, right, as 0.32 fractions.
                child(b"equi", &full_box(&be32(&[0, 0, 1 << 30, 1 << 30]))),
            ]
            .concat(),
        ),
    ]
    .concat();
    // Green, blue, red (x, y) in 1/50000, then the white point; luminance in 1/10000 cd/m².
    let mut mastering = be16(&[8500, 39850, 6550, 2300, 35400, 14600, 15635, 16450]);
    mastering.extend(be32(&[10_000_000, 50]));
    vec![
        (*b"dvcC", dolby_vision_record(0)),
        (*b"st3d", full_box(&[1])),
        (*b"sv3d", spherical),
        (*b"mdcv", mastering),
        (*b"clli", be16(&[1000, 400])),
    ]
}

/// An MP4 box: its size, its kind, its payload.
pub fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let size = u32::try_from(8 + payload.len()).unwrap();
    [&size.to_be_bytes()[..], kind, payload].concat()
}

/// A full box's payload: version 0 and no flags, then `payload`.
fn full_box(payload: &[u8]) -> Vec<u8> {
    [&[0u8; 4][..], payload].concat()
}

/// A Dolby Vision configuration record (`dvcC`): version 1.0, profile 8, level 4, RPU and
/// base layer present, compatible with HDR10 (1), its metadata compressed as `compression`
/// says (0 none, 1 limited).
fn dolby_vision_record(compression: u8) -> Vec<u8> {
    let dolby_vision: u16 = (8 << 9) | (4 << 3) | (1 << 2) | 1;
    let mut record = vec![1, 0];
    record.extend(dolby_vision.to_be_bytes());
    record.push(1 << 4 | compression << 2);
    record.resize(24, 0);
    record
}

/// A stereo camera as FFmpeg leaves it where no box states one (7.1 and later).
pub fn unset_stereo_camera() -> StereoCamera {
    StereoCamera {
        primary_eye: "none".to_owned(),
        baseline: 0,
        horizontal_disparity_adjustment: Rational::new(0, 1),
        horizontal_field_of_view: Rational::new(0, 1),
    }
}

/// The mastering display and light levels [`camera_boxes`] state, as FFmpeg reads them.
pub fn camera_hdr10() -> [SideDataValue; 2] {
    let chroma = |x, y| [Rational::new(x, 50000), Rational::new(y, 50000)];
    let display = MasteringDisplay {
        primaries: Some((
            [
                chroma(35400, 14600),
                chroma(8500, 39850),
                chroma(6550, 2300),
            ],
            chroma(15635, 16450),
        )),
        luminance: Some((Rational::new(50, 10000), Rational::new(10_000_000, 10000))),
    };
    let light = SideDataValue::ContentLightLevel {
        max_content: 1000,
        max_average: 400,
    };
    [SideDataValue::MasteringDisplay(display), light]
}

/// The boxes of a phone's spatial HDR clip, which releases after 5.1 read: the stereo pair's
/// camera (`vexu`: both eyes, the left one primary, a 63.5 mm baseline, a disparity
/// adjustment of -0.02; `hfov`: 63.4°), the ambient viewing environment (`amve`: 314 lux at
/// D65), a clean aperture 150×90 centred in the 160×96 pictures (`clap`: 3 rows off the top
/// and bottom, 5 columns off each side) and a Dolby Vision record whose metadata is
/// compressed (`limited`).
pub fn spatial_boxes() -> Vec<([u8; 4], Vec<u8>)> {
    let child = mp4_box;
    let eyes = [
        // Left and right views present.
        child(b"stri", &full_box(&[0b11])),
        // The left eye is the hero.
        child(b"hero", &full_box(&[1])),
        child(
            b"cams",
            &child(b"blin", &full_box(&63_500u32.to_be_bytes())),
        ),
        child(
            b"cmfy",
            &child(b"dadj", &full_box(&(-200i32).to_be_bytes())),
        ),
    ]
    .concat();
    let clean_aperture: Vec<u8> = [150u32, 1, 90, 1, 0, 1, 0, 1]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect();
    vec![
        (*b"dvcC", dolby_vision_record(1)),
        (*b"vexu", child(b"eyes", &eyes)),
        (*b"hfov", 63_400u32.to_be_bytes().to_vec()),
        (*b"amve", super::side_data_media::ambient_payload()),
        (*b"clap", clean_aperture),
    ]
}

/// `{prefix}_spatial.mp4` in the media cache: a second of 160×96 H.264 with
/// [`spatial_boxes`] in its sample entry.
pub fn spatial_clip(prefix: &str) -> PathBuf {
    let pictures = "testsrc=size=160x96:rate=25:duration=1";
    let base = media::generated(
        &format!("{prefix}_spatial_base.mp4"),
        &["-f", "lavfi", "-i", pictures, "-c:v", "libx264"],
    );
    with_video_boxes(&format!("{prefix}_spatial.mp4"), &base, &spatial_boxes())
}

/// `name` in the media cache: `base` (an MP4 the CLI made, its index after its media) with
/// `boxes` appended to its first video sample entry. Every box that holds the entry grows by
/// as much; no media moves, so no chunk offset changes.
pub fn with_video_boxes(name: &str, base: &Path, boxes: &[([u8; 4], Vec<u8>)]) -> PathBuf {
    let path = media::media_dir().join(name);
    if path.exists() {
        return path;
    }
    let mut bytes = std::fs::read(base).unwrap();
    let added: Vec<u8> = boxes
        .iter()
        .flat_map(|(kind, payload)| mp4_box(kind, payload))
        .collect();
    let mdat = find_box(&bytes, 0, bytes.len(), b"mdat").unwrap();
    let moov = find_box(&bytes, 0, bytes.len(), b"moov").unwrap();
    assert!(mdat.0 < moov.0, "the index follows the media");
    // The chain of boxes down to the entry, each (start, size). A box's children follow its
    // 8-byte header; stsd's entries follow 8 more bytes (version, flags, entry count).
    let mut chain = vec![moov];
    for kind in [b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"avc1"] {
        let (start, size) = *chain.last().unwrap();
        let header = if kind == b"avc1" { 16 } else { 8 };
        chain.push(find_box(&bytes, start + header, start + size, kind).unwrap());
    }
    let (entry_start, entry_size) = *chain.last().unwrap();
    let end = entry_start + entry_size;
    bytes.splice(end..end, added.iter().copied());
    for (start, size) in chain {
        let grown = u32::try_from(size + added.len()).unwrap();
        bytes[start..start + 4].copy_from_slice(&grown.to_be_bytes());
    }
    media::write_whole(&path, bytes);
    path
}

/// `name` in the media cache: `base` (an MP4 the CLI made) with no track, each `trak` box
/// turned into a `free` one, and a duration of 0 in its movie header: a file that says it
/// holds nothing.
pub fn without_tracks(name: &str, base: &Path) -> PathBuf {
    let path = media::media_dir().join(name);
    if path.exists() {
        return path;
    }
    let mut bytes = std::fs::read(base).unwrap();
    let (moov, moov_size) = find_box(&bytes, 0, bytes.len(), b"moov").unwrap();
    let end = moov + moov_size;
    while let Some((trak, _)) = find_box(&bytes, moov + 8, end, b"trak") {
        bytes[trak + 4..trak + 8].copy_from_slice(b"free");
    }
    let (mvhd, _) = find_box(&bytes, moov + 8, end, b"mvhd").unwrap();
    assert_eq!(bytes[mvhd + 8], 0, "a version 0 movie header");
    // (After the header: version and flags, creation and modification times, time scale.)
    bytes[mvhd + 24..mvhd + 28].fill(0);
    media::write_whole(&path, bytes);
    path
}

/// The (start, size) of the first box of `kind` among the boxes from `from` to `to`.
fn find_box(bytes: &[u8], mut from: usize, to: usize, kind: &[u8; 4]) -> Option<(usize, usize)> {
    while from + 8 <= to {
        let size = u32::from_be_bytes(bytes[from..from + 4].try_into().unwrap()) as usize;
        if size < 8 {
            return None;
        }
        if &bytes[from + 4..from + 8] == kind {
            return Some((from, size));
        }
        from += size;
    }
    None
}

/// Equal side data, where Matroska's floating-point mastering display may come back as other
/// fractions of the same values (177/250 for 35400/50000).
fn same_side_data(a: &(u32, SideDataValue), b: &(u32, SideDataValue)) -> bool {
    match (&a.1, &b.1) {
        (SideDataValue::MasteringDisplay(x), SideDataValue::MasteringDisplay(y)) => {
            let values = |m: &MasteringDisplay| -> Vec<f64> {
                let (primaries, white) = m.primaries.unwrap_or_default();
                let (least, most) = m.luminance.unwrap_or_default();
                let all = primaries
                    .iter()
                    .flatten()
                    .chain(&white)
                    .chain([&least, &most]);
                all.map(|r| r.to_f64().unwrap_or(0.0)).collect()
            };
            values(x)
                .iter()
                .zip(values(y))
                .all(|(p, q)| (p - q).abs() < 1e-9)
        }
        _ => a == b,
    }
}

/// `{prefix}_camera.mp4` in the media cache: a clip turned 90° by its track header whose
/// video carries [`camera_boxes`].
pub fn camera_clip(prefix: &str) -> PathBuf {
    let turned = media::turned_mp4(&format!("{prefix}_camera_turned.mp4"), 90);
    with_video_boxes(&format!("{prefix}_camera.mp4"), &turned, &camera_boxes())
}

/// The kind and value of each side data entry of `path`'s video stream, in order.
pub fn video_side_data(ffmpeg: &Ffmpeg, path: &Path) -> Vec<(u32, SideDataValue)> {
    let input = Input::open(ffmpeg, path).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap();
    let entries = video.side_data();
    entries.iter().map(|e| (e.kind(), e.value())).collect()
}

/// Asserts every entry of `copied` is one `source` has (`what` names the copy).
pub fn assert_said_by(
    source: &[(u32, SideDataValue)],
    copied: &[(u32, SideDataValue)],
    what: &str,
) {
    for entry in copied {
        let said = source.iter().any(|s| same_side_data(s, entry));
        assert!(said, "{what}: {entry:?} of {source:?}");
    }
}

/// ffprobe's (Debian 5.1's) `side_data_list` of `path`'s video streams.
pub fn ffprobe_side_data(path: &Path) -> String {
    let mut command = Command::new("ffprobe");
    command
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-select_streams", "v"])
        .args(["-show_entries", "stream_side_data_list"])
        .arg(path);
    super::stdout_of(&mut command, "ffprobe's side data")
}
