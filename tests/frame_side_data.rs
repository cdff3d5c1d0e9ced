//! What decoders attach to frames (`Frame::side_data`): HDR10 metadata and encoders' SEI
//! messages of HEVC, MPEG-2's GOP timecodes, ATSC captions, and from 6.1 on the stream's own
//! side data; on Debian's 5.1 every frame's list equals `ffprobe -show_frames`, entry by
//! entry. Dolby Vision RPUs and HDR10+ metadata written here bit by bit come back field by
//! field, and from 6.0 the ambient viewing environment. And what callers attach for encoders
//! (`Frame::add_side_data`).

mod common;

use std::path::Path;
use std::process::Command;

use common::dolby_vision_media::{crc32_mpeg2, dolby_vision, dolby_vision_hevc};
use common::hdr_vivid_media::{hdr_vivid, hdr_vivid_hevc};
use common::side_data_media::{
    CAPTIONS, ambient_hevc, captioned_h264, hdr_plus, hdr_plus_hevc, hdr10_hevc,
    png_with_icc_profile, timecoded_mpeg2, x264,
};
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{
    DownmixInfo, DownmixType, DynamicHdrPlus, Input, MasteringDisplay, MediaType, S12mTimecode,
    SideDataValue, Spherical, StereoCamera, Timecode,
};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet, Rational};
use serde_json::Value;

/// One decoded frame's side data: each entry's name and value.
type FrameEntries = Vec<(Option<String>, SideDataValue)>;

/// Every frame of `path`'s first video stream, decoded on one thread, with its side data.
fn frames_side_data(ffmpeg: &Ffmpeg, path: &Path) -> Vec<FrameEntries> {
    let mut frames = Vec::new();
    let input = Input::open(ffmpeg, path).unwrap();
    common::media::each_picture(ffmpeg, input, |frame| {
        let entries = frame.side_data();
        frames.push(entries.iter().map(|e| (e.name(), e.value())).collect());
    });
    frames
}

/// The frames of ffprobe's (Debian 5.1's) `-show_entries frame_side_data_list` of `path`'s
/// first video stream.
fn ffprobe_frames_side_data(path: &Path) -> Vec<Value> {
    let mut command = Command::new("ffprobe");
    command
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-select_streams", "v:0", "-of", "json"])
        .args(["-show_entries", "frame_side_data_list"])
        .arg(path);
    frames_of(&common::stdout_of(&mut command, "ffprobe"))
}

fn frames_of(json: &str) -> Vec<Value> {
    let json: Value = serde_json::from_str(json).unwrap();
    json["frames"].as_array().cloned().unwrap_or_default()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn hdr10_pictures_carry_their_mastering_display_and_light_levels() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let frames = frames_side_data(&ffmpeg, &hdr10_hevc());
    assert_eq!(frames.len(), 25);
    let q = |num, den| Rational::new(num, den);
    for (n, frame) in frames.iter().enumerate() {
        let values: Vec<&SideDataValue> = frame.iter().map(|(_, value)| value).collect();
        let display = values.iter().find_map(|v| match v {
            SideDataValue::MasteringDisplay(display) => Some(display),
            _ => None,
        });
        let display = display.unwrap_or_else(|| panic!("frame {n}: {values:?}"));
        let (primaries, white) = display.primaries.unwrap();
        // x265 orders G, B, R; FFmpeg R, G, B.
        assert_eq!(primaries[0], [q(34000, 50000), q(16000, 50000)]);
        assert_eq!(primaries[1], [q(13250, 50000), q(34500, 50000)]);
        assert_eq!(white, [q(15635, 50000), q(16450, 50000)]);
        assert_eq!(display.luminance, Some((q(1, 10000), q(10000000, 10000))));
        let light = SideDataValue::ContentLightLevel {
            max_content: 1000,
            max_average: 400,
        };
        assert!(values.contains(&&light), "frame {n}: {values:?}");
    }
    // The first picture also carries x265's own SEI message (FFmpeg exports it from 4.4).
    let version = frames[0].iter().find_map(|(_, value)| match value {
        SideDataValue::UserDataUnregistered { payload, .. } => Some(payload.clone()),
        _ => None,
    });
    if build.avcodec >= semver::Version::new(58, 134, 0) {
        let version = String::from_utf8_lossy(&version.expect("x265's SEI message")).into_owned();
        assert!(version.starts_with("x265 (build"), "{version}");
    }
}

/// HDR10+ metadata in HEVC's SEI messages comes with each picture, as written: three
/// windows, both peak luminance tables, curves and weights. The HEVC decoder exports it from
/// 4.4 on.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn hdr10_plus_pictures_carry_their_dynamic_metadata() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let frames = frames_side_data(&ffmpeg, &hdr_plus_hevc());
    assert_eq!(frames.len(), 25);
    // The HEVC decoder leaves the country code out.
    let expected = SideDataValue::DynamicHdrPlus(Box::new(DynamicHdrPlus {
        country_code: 0,
        ..hdr_plus()
    }));
    let exported = build.avcodec >= semver::Version::new(58, 134, 0);
    assert_every_frame_carries(
        &frames,
        exported.then_some(&expected),
        "HDR Dynamic Metadata SMPTE2094-40 (HDR10+)",
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn mpeg2_groups_of_pictures_carry_their_timecodes() {
    let ffmpeg = common::under_test().load();
    let frames = frames_side_data(&ffmpeg, &timecoded_mpeg2());
    let timecodes: Vec<(usize, Timecode)> = frames
        .iter()
        .enumerate()
        .flat_map(|(n, frame)| {
            frame.iter().filter_map(move |(_, value)| match value {
                SideDataValue::GopTimecode(timecode) => Some((n, *timecode)),
                _ => None,
            })
        })
        .collect();
    // The decoder hands a group's timecode out with the picture it outputs as it reads the
    // group's header, a picture early after the first (as ffprobe shows it too).
    let text: Vec<String> = timecodes.iter().map(|(_, t)| t.to_string()).collect();
    assert_eq!(text, ["01:02:03:04", "01:02:03:14", "01:02:03:24"]);
    assert_eq!(timecodes[0].0, 0);
    assert!(timecodes.iter().all(|(_, t)| !t.drop_frame && t.hours == 1));
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn every_frames_side_data_equals_ffprobes_on_its_own_library() {
    let build = common::under_test();
    if build.name != "5.1" {
        return; // ffprobe is Debian's 5.1
    }
    // Also x264's H.264 in FLV cut short mid-picture, which ffprobe decodes past.
    let whole = std::fs::read(x264("flv")).unwrap();
    let cut = common::scratch_dir("frame_side_data_cut").join("cut.flv");
    std::fs::write(&cut, &whole[..whole.len() * 3 / 5]).unwrap();
    let icc = png_with_icc_profile("Test profile", 300);
    let files = [
        hdr10_hevc(),
        hdr_plus_hevc(),
        dolby_vision_hevc(false),
        hdr_vivid_hevc(),
        timecoded_mpeg2(),
        x264("mp4"),
        cut,
        icc,
    ];
    for path in files {
        let mut probe = common::probe_command(&build);
        probe.arg(&path).arg("--frame-side-data");
        let ours = frames_of(&common::stdout_of(&mut probe, "probe"));
        let theirs = ffprobe_frames_side_data(&path);
        assert_eq!(ours.len(), theirs.len(), "{}", path.display());
        for (n, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(ours, theirs, "{} frame {n}", path.display());
        }
    }
}

/// From 6.1 on, decoders hand the stream's side data out with every picture too: the turn,
/// the 360° projection, the stereo packing and the HDR metadata of a phone's clip.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn from_6_1_pictures_carry_their_streams_side_data() {
    let build = common::under_test();
    if build.avcodec < semver::Version::new(60, 31, 0) {
        return;
    }
    let ffmpeg = build.load();
    let path = common::mp4::camera_clip("frame_side_data");
    let stream: Vec<SideDataValue> = common::mp4::video_side_data(&ffmpeg, &path)
        .into_iter()
        .map(|(_, value)| value)
        .filter(|value| !matches!(value, SideDataValue::DolbyVision(_)))
        .collect();
    assert_eq!(stream.len(), 5, "{stream:?}");
    let frames = frames_side_data(&ffmpeg, &path);
    assert_eq!(frames.len(), 25);
    for (n, frame) in frames.iter().enumerate() {
        let values: Vec<&SideDataValue> = frame.iter().map(|(_, value)| value).collect();
        for value in &stream {
            assert!(
                values.contains(&value),
                "frame {n}: {value:?} in {values:?}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn broadcast_captions_come_with_each_picture() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let path = captioned_h264();
    let frames = frames_side_data(&ffmpeg, &path);
    assert_eq!(frames.len(), 25);
    for (n, frame) in frames.iter().enumerate() {
        let captions = frame.iter().find_map(|(name, value)| match value {
            SideDataValue::ClosedCaptions(triplets) => Some((name.clone(), triplets.clone())),
            _ => None,
        });
        let (name, triplets) = captions.unwrap_or_else(|| panic!("frame {n}: {frame:?}"));
        assert_eq!(triplets, CAPTIONS);
        assert_eq!(name.as_deref(), Some("ATSC A53 Part 4 Closed Captions"));
    }
    // The decoder says so once it has seen them; ffprobe's fresh decoder has not.
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let one_thread = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    let mut decoder = Decoder::new(&stream, &one_thread).unwrap();
    assert!(!decoder.has_closed_captions());
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    while !decoder.receive(&mut frame).unwrap() && input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
    }
    let properties_kept = build.avcodec.major < 63; // gone in 9.0
    assert_eq!(decoder.has_closed_captions(), properties_kept);
    if build.name == "5.1" {
        let mut probe = common::probe_command(&build);
        probe.arg(&path).arg("--frame-side-data");
        let ours = frames_of(&common::stdout_of(&mut probe, "probe"));
        assert_eq!(ours, ffprobe_frames_side_data(&path));
    }
}

/// Every kind `add_side_data` writes, as a caller would build it.
fn writable_values() -> Vec<SideDataValue> {
    let q = Rational::new;
    let display = MasteringDisplay {
        primaries: Some((
            [
                [q(34000, 50000), q(16000, 50000)],
                [q(13250, 50000), q(34500, 50000)],
                [q(7500, 50000), q(3000, 50000)],
            ],
            [q(15635, 50000), q(16450, 50000)],
        )),
        luminance: Some((q(1, 10000), q(10_000_000, 10000))),
    };
    let timecode = Timecode {
        hours: 10,
        minutes: 20,
        seconds: 30,
        frames: 12,
        drop_frame: true,
    };
    vec![
        SideDataValue::DisplayMatrix {
            matrix: [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30],
            counterclockwise: Some(-90.0),
        },
        SideDataValue::MasteringDisplay(display),
        SideDataValue::ContentLightLevel {
            max_content: 1000,
            max_average: 400,
        },
        SideDataValue::ActiveFormat(9),
        SideDataValue::GopTimecode(timecode),
        SideDataValue::S12mTimecodes(vec![S12mTimecode(0x12345601), S12mTimecode(0x02)]),
        SideDataValue::ClosedCaptions(CAPTIONS.to_vec()),
        SideDataValue::DownmixInfo(DownmixInfo {
            preferred: DownmixType::LtRt,
            center_mix_level: 0.5,
            center_mix_level_ltrt: 0.25,
            surround_mix_level: 0.125,
            surround_mix_level_ltrt: 1.5,
            lfe_mix_level: 0.0,
        }),
    ]
}

#[test]
fn side_data_added_to_a_frame_reads_back_as_written() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let mut frame = Frame::video(&ffmpeg, 64, 48, "yuv420p").unwrap();
    let mut values = writable_values();
    // HDR10+ came with 4.2 (libavcodec 58.54).
    let hdr_plus = SideDataValue::DynamicHdrPlus(Box::new(hdr_plus()));
    let has_hdr_plus = build.avcodec >= semver::Version::new(58, 54, 0);
    if has_hdr_plus {
        values.push(hdr_plus.clone());
    }
    // The release's own structs: the stereo camera from 7.1 (libavutil 59.24).
    let avutil = ffmpeg
        .library(ffmpeg_runtime::Library::AvUtil)
        .unwrap()
        .version();
    let has_camera = (avutil.major, avutil.minor) >= (59, 24);
    let camera = StereoCamera {
        primary_eye: "right".into(),
        baseline: 64_000,
        horizontal_disparity_adjustment: Rational::new(150, 10_000),
        horizontal_field_of_view: Rational::new(90_000, 1000),
    };
    let stereo = |camera: Option<StereoCamera>| SideDataValue::Stereo3d {
        layout: "side by side".into(),
        inverted: true,
        view: "packed".into(),
        camera,
    };
    values.push(stereo(has_camera.then(|| camera.clone())));
    values.push(SideDataValue::Spherical(Spherical {
        projection: 1,
        projection_name: "cubemap".into(),
        yaw: 90 << 16,
        pitch: -(10 << 16),
        roll: 0,
        bounds: [0; 4],
        padding: 2,
    }));
    // Unregistered SEI messages from 4.4 (libavutil 56.70), the ambient viewing environment
    // from 6.0 (libavutil 58.2).
    let unregistered = SideDataValue::UserDataUnregistered {
        uuid: *b"ffmpeg-runtime!!",
        payload: b"hello".to_vec(),
    };
    let has_unregistered = (avutil.major, avutil.minor) >= (56, 70);
    if has_unregistered {
        values.push(unregistered.clone());
    }
    let ambient = common::side_data_media::ambient();
    let has_ambient = (avutil.major, avutil.minor) >= (58, 2);
    if has_ambient {
        values.push(ambient.clone());
    }
    for value in &values {
        frame.add_side_data(value).unwrap();
    }
    let read: Vec<SideDataValue> = frame.side_data().iter().map(|e| e.value()).collect();
    assert_eq!(read, values);
    // An entry of a kind already there takes its place.
    let brighter = SideDataValue::ContentLightLevel {
        max_content: 4000,
        max_average: 1000,
    };
    frame.add_side_data(&brighter).unwrap();
    let read: Vec<SideDataValue> = frame.side_data().iter().map(|e| e.value()).collect();
    assert_eq!(read.len(), values.len());
    assert_eq!(read.iter().filter(|v| **v == brighter).count(), 1);
    // The display matrix goes, as the CLI drops it once its autorotation turned the picture,
    // and nothing else does; once gone, removing it again changes nothing.
    assert!(frame.display_matrix().is_some());
    frame.remove_display_matrix();
    frame.remove_display_matrix();
    assert_eq!(frame.display_matrix(), None);
    let left: Vec<SideDataValue> = frame.side_data().iter().map(|e| e.value()).collect();
    assert_eq!(left.len(), values.len() - 1);
    assert!(
        !left
            .iter()
            .any(|v| matches!(v, SideDataValue::DisplayMatrix { .. }))
    );
    // Kinds only later releases have or that are read-only, and values that do not fit
    // (the release does not know them, or their struct cannot hold them), are refused.
    let too_late = Timecode {
        hours: 40,
        ..Timecode {
            hours: 0,
            minutes: 0,
            seconds: 0,
            frames: 0,
            drop_frame: false,
        }
    };
    let mut too_many_windows = common::side_data_media::hdr_plus();
    too_many_windows
        .windows
        .push(too_many_windows.windows[1].clone());
    let mut refused = vec![
        SideDataValue::DynamicHdrPlus(Box::new(too_many_windows)),
        SideDataValue::Stereo3d {
            layout: "sideways".into(),
            inverted: false,
            view: "packed".into(),
            camera: None,
        },
        SideDataValue::Spherical(Spherical {
            projection: 99,
            projection_name: String::new(),
            yaw: 0,
            pitch: 0,
            roll: 0,
            bounds: [0; 4],
            padding: 0,
        }),
        SideDataValue::Other,
        SideDataValue::GopTimecode(too_late),
        SideDataValue::S12mTimecodes(vec![S12mTimecode(0); 4]),
        SideDataValue::MpegTsStreamId(0xe0),
        SideDataValue::DolbyVisionMetadata(Box::new(dolby_vision())),
        SideDataValue::DynamicHdrVivid(Box::new(hdr_vivid(false))),
        // A stream's, never a picture's.
        SideDataValue::FrameCropping {
            top: 2,
            bottom: 2,
            left: 0,
            right: 0,
        },
        SideDataValue::ViewId(1),
    ];
    if !has_hdr_plus {
        refused.push(hdr_plus);
    }
    if !has_camera {
        refused.push(stereo(Some(camera)));
    }
    if !has_ambient {
        refused.push(ambient);
    }
    if !has_unregistered {
        refused.push(unregistered);
    }
    for value in &refused {
        let error = frame.add_side_data(value).unwrap_err();
        assert!(
            matches!(error, ffmpeg_runtime::Error::Unsupported { .. }),
            "{value:?}: {error}"
        );
    }
    assert_eq!(frame.side_data().len(), values.len() - 1);
}

/// Captions attached to the pictures given to MPEG-2's encoder come back from its decoder,
/// picture by picture (its `a53cc` is on by default, as libx264's is).
#[test]
fn captions_given_to_an_encoder_come_back_from_its_decoder() {
    use ffmpeg_runtime::codec::{Encoder, VideoSettings};
    use ffmpeg_runtime::format::Output;
    let build = common::under_test();
    if build.avcodec < semver::Version::new(58, 54, 0) {
        return; // 4.1's MPEG-2 encoder has no `a53cc` (4.2 added it)
    }
    let ffmpeg = build.load();
    let path = common::scratch_dir("frame_side_data_encoded").join("captioned.ts");
    let mut output = Output::create(&ffmpeg, &path).unwrap();
    let format = ffmpeg.pixel_format("yuv420p").unwrap();
    let settings = VideoSettings::new(64, 48, format, Rational::new(1, 25));
    let mut encoder = Encoder::video(&ffmpeg, "mpeg2video", &settings).unwrap();
    let stream = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    let mut frame = Frame::video(&ffmpeg, 64, 48, "yuv420p").unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    for index in 0..10u8 {
        frame.planes_mut().unwrap().next().unwrap().fill(index * 20);
        frame.set_pts(Some(index.into()));
        let captions = [[0xfc, 0x80 | index, 0x80], CAPTIONS[1]];
        frame
            .add_side_data(&SideDataValue::ClosedCaptions(captions.to_vec()))
            .unwrap();
        encoder.send(&frame).unwrap();
        while encoder.receive(&mut packet).unwrap() {
            output
                .write_packet(&mut packet, stream, encoder.time_base())
                .unwrap();
        }
    }
    encoder.send_eof().unwrap();
    while encoder.receive(&mut packet).unwrap() {
        output
            .write_packet(&mut packet, stream, encoder.time_base())
            .unwrap();
    }
    output.finish().unwrap();
    let frames = frames_side_data(&ffmpeg, &path);
    assert_eq!(frames.len(), 10);
    for (index, frame) in frames.iter().enumerate() {
        let expected = vec![[0xfc, 0x80 | index as u8, 0x80], CAPTIONS[1]];
        let captions = SideDataValue::ClosedCaptions(expected);
        assert!(
            frame.iter().any(|(_, value)| *value == captions),
            "{index}: {frame:?}"
        );
    }
}

/// A PNG's ICC profile comes with its picture: its bytes, and the name the file gives it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_pngs_icc_profile_comes_with_its_picture() {
    let ffmpeg = common::under_test().load();
    let frame = common::media::first_frame(&ffmpeg, &png_with_icc_profile("Test profile", 300));
    let entries = frame.side_data();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let name = Some("Test profile".to_owned());
    assert_eq!(entries[0].value(), SideDataValue::IccProfile { name });
    let profile: Vec<u8> = (0..300).map(|i| (i % 251) as u8).collect();
    assert_eq!(entries[0].bytes(), profile);
    assert_eq!(
        entries[0].metadata(),
        [("name".to_owned(), "Test profile".to_owned())]
    );
}

/// From 5.0 on, each picture's Dolby Vision RPU comes back as the decoder parsed it, every
/// field as written (polynomial and MMR pieces, NLQ, colour metadata); 4.x has no such kind.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn dolby_vision_pictures_carry_their_rpu() {
    let build = common::under_test();
    let ffmpeg = build.load();
    assert_eq!(crc32_mpeg2(b"123456789"), 0x0376_e6e7, "the RPU's check");
    // 7.1 reads the two NLQ pivots of the syntax, where earlier releases read on without
    // them, and gives the extension blocks, which earlier releases leave out.
    let from_7_1 = build.avcodec >= semver::Version::new(61, 19, 0);
    let frames = frames_side_data(&ffmpeg, &dolby_vision_hevc(from_7_1));
    assert_eq!(frames.len(), 25);
    let mut metadata = dolby_vision();
    if !from_7_1 {
        metadata.extensions = None;
    }
    let expected = SideDataValue::DolbyVisionMetadata(Box::new(metadata));
    let parsed = build.avcodec.major >= 59;
    assert_every_frame_carries(
        &frames,
        parsed.then_some(&expected),
        "Dolby Vision Metadata",
    );
}

/// From 5.0 on, each picture's HDR Vivid metadata comes back field by field, whichever of
/// the three shapes the release gives it in; 4.x has no such kind.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn hdr_vivid_pictures_carry_their_dynamic_metadata() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let frames = frames_side_data(&ffmpeg, &hdr_vivid_hevc());
    assert_eq!(frames.len(), 25);
    // 5.x keeps one spline's parameters, the last coded.
    let one_spline = build.avcodec.major == 59;
    let expected = SideDataValue::DynamicHdrVivid(Box::new(hdr_vivid(one_spline)));
    let parsed = build.avcodec.major >= 59;
    let name = "HDR Dynamic Metadata CUVA 005.1 2021 (Vivid)";
    assert_every_frame_carries(&frames, parsed.then_some(&expected), name);
}

/// From 6.0 on, each picture carries the ambient viewing environment its SEI message gave;
/// 4.x and 5.x have no such kind.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_carry_their_ambient_viewing_environment() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let frames = frames_side_data(&ffmpeg, &ambient_hevc());
    assert_eq!(frames.len(), 25);
    let expected = common::side_data_media::ambient();
    let parsed = build.avcodec.major >= 60;
    let name = "Ambient viewing environment";
    assert_every_frame_carries(&frames, parsed.then_some(&expected), name);
}

/// Each frame carries one entry named `name`, equal to `expected`; where `expected` is
/// `None` (a release without the kind, or that leaves it out), none.
fn assert_every_frame_carries(
    frames: &[FrameEntries],
    expected: Option<&SideDataValue>,
    name: &str,
) {
    for (n, frame) in frames.iter().enumerate() {
        let found = frame
            .iter()
            .find(|(entry, _)| entry.as_deref() == Some(name));
        match (expected, found) {
            (None, None) => {}
            (Some(expected), Some((_, value))) => assert_eq!(value, expected, "frame {n}"),
            _ => panic!("frame {n}: {frame:?}, expected {expected:?}"),
        }
    }
}

/// EXIF metadata: a TIFF header and one directory of one entry (Software, "abc"), as a JPEG's
/// APP1 segment carries it after its `Exif\0\0` mark.
fn exif_tiff() -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0131u16.to_le_bytes()); // Software
    tiff.extend(2u16.to_le_bytes()); // ASCII
    tiff.extend(4u32.to_le_bytes());
    tiff.extend(b"abc\0");
    tiff.extend(0u32.to_le_bytes()); // no next directory
    tiff
}

/// From 8.1 on, a JPEG's EXIF metadata comes with its picture, and a picture given EXIF
/// metadata takes it into the PNG its encoder writes (with the picture's size added), read
/// back with the picture; before 8.1 no release has the kind, and `add_side_data` refuses
/// it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn exif_metadata_comes_with_a_picture_and_goes_into_a_png() {
    use ffmpeg_runtime::codec::{Encoder, VideoSettings};
    use ffmpeg_runtime::format::Output;
    let build = common::under_test();
    let ffmpeg = build.load();
    // 8.1 is libavcodec 62.28.
    let has_kind = build.avcodec >= semver::Version::new(62, 28, 0);
    let base = common::media::generated(
        "exif_base.jpg",
        &["-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1"],
    );
    let jpeg = std::fs::read(base).unwrap();
    let tiff = exif_tiff();
    let mut segment = vec![0xff, 0xe1];
    segment.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    segment.extend(b"Exif\0\0");
    segment.extend(&tiff);
    let dir = common::scratch_dir("frame_side_data_exif");
    let path = dir.join("with_exif.jpg");
    std::fs::write(&path, [&jpeg[..2], &segment, &jpeg[2..]].concat()).unwrap();
    let exif_of = |frame: &Frame| {
        let values = frame
            .side_data()
            .iter()
            .map(|e| e.value())
            .collect::<Vec<_>>();
        let exif = values.into_iter().filter_map(|v| match v {
            SideDataValue::Exif(bytes) => Some(bytes),
            _ => None,
        });
        exif.collect::<Vec<_>>()
    };
    // The directory's one entry, wherever the writer put it.
    let says_abc =
        |bytes: &[u8]| bytes.starts_with(b"II*\0") && bytes.windows(4).any(|w| w == b"abc\0");
    let read = exif_of(&common::media::first_frame(&ffmpeg, &path));
    assert_eq!(read.len(), usize::from(has_kind), "{read:?}");
    assert!(read.iter().all(|bytes| says_abc(bytes)), "{read:?}");
    // `probe --show-frames` gives its size, as 8.1's and 9.0's ffprobe do.
    let mut probe = common::probe_command(&build);
    let report = common::stdout_bytes_of(probe.arg(&path).arg("--show-frames"), "probe");
    let report: Value = serde_json::from_slice(&report).unwrap();
    // (4.x's decoder also lists its QP tables.)
    let listed = report["frames"][0]["side_data_list"].as_array().cloned();
    let listed = listed.unwrap_or_default().into_iter();
    let exif: Vec<Value> = listed
        .filter(|e| e["side_data_type"] == "EXIF metadata")
        .collect();
    let sizes = read
        .iter()
        .map(|bytes| serde_json::json!({ "side_data_type": "EXIF metadata", "size": bytes.len() }));
    assert_eq!(exif, sizes.collect::<Vec<_>>());
    let mut frame = Frame::video(&ffmpeg, 64, 48, "rgb24").unwrap();
    let given = frame.add_side_data(&SideDataValue::Exif(tiff.clone()));
    if !has_kind {
        assert!(
            matches!(given, Err(ffmpeg_runtime::Error::Unsupported { .. })),
            "{given:?}"
        );
        return;
    }
    given.unwrap();
    assert_eq!(exif_of(&frame), [tiff]);
    // Given to a picture, written into a PNG.
    let png = dir.join("given.png");
    let format = ffmpeg.pixel_format("rgb24").unwrap();
    let settings = VideoSettings::new(64, 48, format, Rational::new(1, 25));
    let mut encoder = Encoder::video(&ffmpeg, "png", &settings).unwrap();
    let mut output = Output::create(&ffmpeg, &png).unwrap();
    let stream = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    frame.set_pts(Some(0));
    let mut packet = Packet::new(&ffmpeg).unwrap();
    encoder.send(&frame).unwrap();
    encoder.send_eof().unwrap();
    while encoder.receive(&mut packet).unwrap() {
        let time_base = encoder.time_base();
        output.write_packet(&mut packet, stream, time_base).unwrap();
    }
    output.finish().unwrap();
    let written = exif_of(&common::media::first_frame(&ffmpeg, &png));
    assert_eq!(written.len(), usize::from(has_kind), "{written:?}");
    assert!(written.iter().all(|bytes| says_abc(bytes)), "{written:?}");
}
