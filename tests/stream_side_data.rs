//! Stream side data beyond the camera clip's (tests/probe.rs): what releases after 5.1 read
//! from a file (a spatial video's stereo camera from 7.1, the ambient viewing environment
//! from 7.0, the container's cropping and Dolby Vision's metadata compression from 7.1),
//! read back as written and printed by `probe` as 7.1's and later ffprobe print them; and
//! what a caller gives a stream it writes (`Output::add_side_data`).

mod common;

use std::path::Path;

use ffmpeg_runtime::filter::container_crop_filter;
use ffmpeg_runtime::format::{Input, MediaType, Output, SideDataValue, Spherical, StereoCamera};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Library, Rational};
use md5::{Digest, Md5};

/// On every build: the spatial clip's video stream carries what the release reads of its
/// boxes, and nothing of what it does not.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_spatial_clips_boxes_read_back_as_written() {
    let ffmpeg = common::under_test().load();
    let version = |library| {
        let version = ffmpeg.library(library).unwrap().version();
        (version.major, version.minor)
    };
    // 7.0 is libavformat 61.1, 7.1 libavformat 61.7 and libavutil 59.39.
    let (from_7_0, from_7_1) = (
        version(Library::AvFormat) >= (61, 1),
        version(Library::AvUtil) >= (59, 39),
    );
    let input = Input::open(&ffmpeg, common::mp4::spatial_clip("stream_side_data")).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap();
    let values: Vec<SideDataValue> = video.side_data().iter().map(|e| e.value()).collect();
    let find = |wanted: fn(&SideDataValue) -> bool| values.iter().find(|v| wanted(v)).cloned();

    let stereo = find(|v| matches!(v, SideDataValue::Stereo3d { .. }));
    let camera = StereoCamera {
        primary_eye: "left".to_owned(),
        baseline: 63_500,
        horizontal_disparity_adjustment: Rational::new(-200, 10_000),
        horizontal_field_of_view: Rational::new(63_400, 1000),
    };
    let expected = SideDataValue::Stereo3d {
        layout: "unspecified".to_owned(),
        inverted: false,
        view: "packed".to_owned(),
        camera: Some(camera),
    };
    assert_eq!(stereo, from_7_1.then_some(expected), "{values:?}");

    let ambient = find(|v| matches!(v, SideDataValue::AmbientViewingEnvironment { .. }));
    let expected = common::side_data_media::ambient();
    assert_eq!(ambient, from_7_0.then_some(expected), "{values:?}");

    let cropping = find(|v| matches!(v, SideDataValue::FrameCropping { .. }));
    let expected = SideDataValue::FrameCropping {
        top: 3,
        bottom: 3,
        left: 5,
        right: 5,
    };
    assert_eq!(cropping, from_7_1.then_some(expected), "{values:?}");

    // 4.3 (libavformat 58.45) reads Dolby Vision records; 4.1 does not.
    if version(Library::AvFormat) < (58, 45) {
        return;
    }
    let Some(SideDataValue::DolbyVision(record)) =
        find(|v| matches!(v, SideDataValue::DolbyVision(_)))
    else {
        panic!("a Dolby Vision record: {values:?}");
    };
    assert_eq!(record.metadata_compression, from_7_1.then_some(1));
    let name = from_7_1.then_some("limited");
    assert_eq!(record.metadata_compression_name(), name);
}

/// `source`'s video copied into `target`, its stream given `values` before the header.
fn copy_with_side_data(ffmpeg: &Ffmpeg, source: &Path, target: &Path, values: &[SideDataValue]) {
    copy_video(ffmpeg, source, target, |output, index| {
        for value in values {
            output.add_side_data(index, value).unwrap();
        }
    });
}

/// `source`'s best video stream copied into `target`; `configure` is given the output and
/// the stream's index before the header.
fn copy_video(
    ffmpeg: &Ffmpeg,
    source: &Path,
    target: &Path,
    configure: impl FnOnce(&mut Output, usize),
) {
    let input = Input::open(ffmpeg, source).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap().index();
    let keep = |stream: &ffmpeg_runtime::format::Stream<'_>| stream.index() == video;
    common::media::copy_streams(ffmpeg, source, target, keep, |output, kept| {
        configure(output, kept[0])
    });
}

/// On every build: a turn given to a stream is the MP4's (and from 6.1 Matroska's), read back
/// as ffprobe reads it; HDR10's static metadata given to a stream is Matroska's (and from 4.3
/// MP4's), read back as given; the side data the copied stream had is kept. On 5.1, ffprobe
/// reads the same.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn side_data_given_to_a_stream_is_what_the_muxer_writes() {
    let ffmpeg = common::under_test().load();
    let avformat = ffmpeg.library(Library::AvFormat).unwrap().version();
    let avformat = (avformat.major, avformat.minor);
    let source = common::mp4::spatial_clip("stream_side_data");
    let dir = common::scratch_dir("stream_side_data_given");
    let turned = (5, SideDataValue::display_turned(-90.0));
    let [display, light] = common::mp4::camera_hdr10();
    let hdr10 = [(20, display), (22, light)];
    let given: Vec<SideDataValue> = [turned.clone()]
        .iter()
        .chain(&hdr10)
        .map(|(_, value)| value.clone())
        .collect();
    for (extension, writes_turn, writes_hdr10) in [
        ("mp4", true, avformat >= (58, 45)),
        ("mkv", avformat >= (60, 0), true),
    ] {
        let target = dir.join(format!("given.{extension}"));
        copy_with_side_data(&ffmpeg, &source, &target, &given);
        let read = common::mp4::video_side_data(&ffmpeg, &target);
        let mut expected = Vec::new();
        if writes_turn {
            expected.push(turned.clone());
        }
        if writes_hdr10 {
            expected.extend(hdr10.iter().cloned());
        }
        common::mp4::assert_said_by(&read, &expected, extension);
        let kept = common::mp4::video_side_data(&ffmpeg, &source)
            .into_iter()
            .filter(|(_, value)| matches!(value, SideDataValue::FrameCropping { .. }));
        common::mp4::assert_said_by(&read, &kept.collect::<Vec<_>>(), "kept");
        if avformat.0 == 59 && extension == "mp4" {
            let said = common::mp4::ffprobe_side_data(&target);
            for line in [
                "rotation=-90",
                "max_content=1000",
                "max_luminance=10000000/10000",
            ] {
                assert!(said.contains(line), "{line} in {said}");
            }
        }
    }
}

/// On every build: what `add_side_data` cannot write, or not now, is refused with the
/// error that says why, before anything is written.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn side_data_a_stream_cannot_take_is_refused() {
    let ffmpeg = common::under_test().load();
    let input = Input::open(&ffmpeg, common::mp4::spatial_clip("stream_side_data")).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap();
    let path = common::scratch_dir("stream_side_data_refused").join("refused.mkv");
    let mut output = Output::create(&ffmpeg, &path).unwrap();
    let index = output.add_copy_stream(&video).unwrap();
    let unwritable = [
        // A frame's kind, which no stream carries.
        SideDataValue::UserDataUnregistered {
            uuid: [7; 16],
            payload: b"x264".to_vec(),
        },
        // Release-specific structs, read-only.
        SideDataValue::ViewId(1),
        SideDataValue::Other,
    ];
    for value in &unwritable {
        let refused = output.add_side_data(index, value);
        assert!(
            matches!(refused, Err(Error::Unsupported { .. })),
            "{value:?}: {refused:?}"
        );
    }
    let turned = SideDataValue::display_turned(90.0);
    let missing = output.add_side_data(index + 1, &turned);
    assert!(
        matches!(missing, Err(Error::StreamNotFound { .. })),
        "{missing:?}"
    );
    output.add_side_data(index, &turned).unwrap();
    output.write_header().unwrap();
    let late = output.add_side_data(index, &turned);
    assert!(matches!(late, Err(Error::OutOfOrder { .. })), "{late:?}");
}

/// On every build: each picture cropped as the spatial clip's `clap` says (3 rows off the top
/// and bottom, 5 columns off each side, odd ones that split chroma samples) equals the 5.1
/// CLI's `crop` filter in its exact mode, picture for picture; from 7.1, the stream's
/// cropping says so.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_cropped_as_the_container_says_equal_the_clis_crop() {
    let ffmpeg = common::under_test().load();
    let clip = common::mp4::spatial_clip("stream_side_data");
    let input = Input::open(&ffmpeg, &clip).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let cropping = SideDataValue::FrameCropping {
        top: 3,
        bottom: 3,
        left: 5,
        right: 5,
    };
    let stated = stream
        .side_data()
        .iter()
        .map(|e| e.value())
        .find(|v| *v == cropping);
    let avutil = ffmpeg.library(Library::AvUtil).unwrap().version();
    assert_eq!(stated.is_some(), (avutil.major, avutil.minor) >= (59, 39));
    let mut md5s = Vec::new();
    let mut packed = Vec::new();
    common::media::each_picture(&ffmpeg, input, |frame| {
        frame.crop(3, 3, 5, 5).unwrap();
        assert_eq!((frame.width(), frame.height()), (150, 90));
        frame.copy_packed(&mut packed).unwrap();
        md5s.push(format!("{:x}", Md5::digest(&packed)));
    });
    let mut cli = common::media::cli();
    cli.arg("-i")
        .arg(&clip)
        .args(["-vf", "crop=150:90:5:3:exact=1", "-f", "framemd5", "-"]);
    let theirs: Vec<String> = common::media::framemd5_fields(cli, "the CLI's crop")
        .into_iter()
        .map(|fields| fields[5].clone())
        .collect();
    assert_eq!(md5s.len(), 25);
    assert_eq!(md5s, theirs);
}

/// On every build: what a picture cannot be cropped by is refused with the error that says
/// why, and the picture stays as it was.
#[test]
fn crops_a_picture_cannot_take_are_refused_and_change_nothing() {
    let ffmpeg = common::under_test().load();
    let mut picture = Frame::video(&ffmpeg, 64, 48, "yuv420p").unwrap();
    for (top, bottom, left, right) in [(0, 0, 32, 32), (48, 0, 0, 0), (0, 0, u32::MAX, 1)] {
        let refused = picture.crop(top, bottom, left, right);
        assert!(
            matches!(refused, Err(Error::OutOfRange { .. })),
            "{refused:?}"
        );
        assert_eq!((picture.width(), picture.height()), (64, 48));
    }
    picture.crop(0, 47, 0, 63).unwrap();
    assert_eq!((picture.width(), picture.height()), (1, 1));
    // 1-bit pictures: FFmpeg crops their bottom and right only.
    let mut bits = Frame::video(&ffmpeg, 64, 48, "monob").unwrap();
    let refused = bits.crop(1, 0, 0, 0);
    assert!(
        matches!(refused, Err(Error::Unsupported { .. })),
        "{refused:?}"
    );
    bits.crop(0, 8, 0, 8).unwrap();
    assert_eq!((bits.width(), bits.height()), (56, 40));
    let mut audio = Frame::audio(&ffmpeg, 1024, "s16", 2, 48000).unwrap();
    let refused = audio.crop(0, 0, 0, 0);
    assert!(
        matches!(refused, Err(Error::Incompatible { .. })),
        "{refused:?}"
    );
}

/// On every build: a stereo packing and a 360° projection given to a stream are Matroska's
/// (`StereoMode`, `Projection`), read back as given, with the camera from 7.1 unset (Matroska
/// has no room for it); from 7.1 a spatial video's camera given to a QuickTime stream is its
/// `vexu` and `hfov`, read back whole (the `eyes` box names no packing).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_stereo_packing_and_projection_given_to_a_stream_read_back() {
    let ffmpeg = common::under_test().load();
    let avutil = ffmpeg.library(Library::AvUtil).unwrap().version();
    let from_7_1 = (avutil.major, avutil.minor) >= (59, 24);
    let camera = StereoCamera {
        primary_eye: "left".to_owned(),
        baseline: 63_500,
        horizontal_disparity_adjustment: Rational::new(-200, 10_000),
        horizontal_field_of_view: Rational::new(63_400, 1000),
    };
    let unset = common::mp4::unset_stereo_camera();
    let stereo = |layout: &str, camera: Option<StereoCamera>| SideDataValue::Stereo3d {
        layout: layout.to_owned(),
        inverted: false,
        view: "packed".to_owned(),
        camera,
    };
    let projection = SideDataValue::Spherical(Spherical {
        projection: 1,
        projection_name: "cubemap".to_owned(),
        yaw: 90 << 16,
        pitch: -(10 << 16),
        roll: 0,
        bounds: [0; 4],
        padding: 2,
    });
    let given = [
        stereo("side by side", from_7_1.then(|| camera.clone())),
        projection.clone(),
    ];
    let source = common::mp4::spatial_clip("stream_side_data");
    let dir = common::scratch_dir("stream_side_data_stereo");
    let read_back = |extension: &str| {
        let target = dir.join(format!("given.{extension}"));
        copy_with_side_data(&ffmpeg, &source, &target, &given);
        let read = common::mp4::video_side_data(&ffmpeg, &target);
        let kinds = |v: &SideDataValue| {
            matches!(
                v,
                SideDataValue::Stereo3d { .. } | SideDataValue::Spherical(_)
            )
        };
        read.into_iter()
            .map(|(_, v)| v)
            .filter(kinds)
            .collect::<Vec<_>>()
    };
    let mut matroska = read_back("mkv");
    matroska.sort_by_key(|v| matches!(v, SideDataValue::Spherical(_)));
    let packed = stereo("side by side", from_7_1.then(|| unset.clone()));
    assert_eq!(matroska, [packed, projection]);
    let quicktime: Vec<_> = read_back("mov")
        .into_iter()
        .filter(|v| matches!(v, SideDataValue::Stereo3d { .. }))
        .collect();
    let spatial = from_7_1.then(|| stereo("unspecified", Some(camera)));
    assert_eq!(quicktime, Vec::from_iter(spatial));
}

/// On every build: an ambient viewing environment and a cropping given to a stream are written
/// where the release's muxers write them, and read back as given: the environment into MP4
/// and QuickTime from 7.0, the cropping into MP4, QuickTime and Matroska from 7.1. Releases
/// without the kind refuse it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn an_ambient_environment_and_a_cropping_given_to_a_stream_read_back() {
    let ffmpeg = common::under_test().load();
    let avformat = ffmpeg.library(Library::AvFormat).unwrap().version();
    let (from_7_0, from_7_1) = (
        (avformat.major, avformat.minor) >= (61, 1),
        (avformat.major, avformat.minor) >= (61, 7),
    );
    let source = common::media::generated(
        "stream_side_data_plain.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=10:duration=1",
            "-c:v",
            "mpeg4",
        ],
    );
    let dir = common::scratch_dir("stream_side_data_ambient_cropping");
    let ambient = common::side_data_media::ambient();
    let cropping = SideDataValue::FrameCropping {
        top: 2,
        bottom: 4,
        left: 6,
        right: 8,
    };
    for (extension, holds_ambient) in [("mp4", true), ("mov", true), ("mkv", false)] {
        let target = dir.join(format!("given.{extension}"));
        copy_video(&ffmpeg, &source, &target, |output, index| {
            for (value, known) in [(&ambient, from_7_0), (&cropping, from_7_1)] {
                match output.add_side_data(index, value) {
                    Err(Error::Unsupported { .. }) if !known => {}
                    taken => assert!(known && taken.is_ok(), "{value:?}: {taken:?}"),
                }
            }
        });
        let mut read: Vec<SideDataValue> = common::mp4::video_side_data(&ffmpeg, &target)
            .into_iter()
            .map(|(_, value)| value)
            .collect();
        read.sort_by_key(|value| format!("{value:?}"));
        let mut expected = Vec::new();
        if from_7_0 && holds_ambient {
            expected.push(ambient.clone());
        }
        if from_7_1 {
            expected.push(cropping.clone());
        }
        assert_eq!(read, expected, "{extension}");
    }
}

/// From 7.1, the ffmpeg CLI crops pictures as their container says before any other filter,
/// and what it encodes has no cropping left: `filter::container_crop_filter` gives its `crop`,
/// `framehash --vf` hashes the pictures the 5.1 CLI's same `crop` gives (before 7.1, which
/// reads no cropping, the pictures as stored), and `transcode` writes them cropped, with no
/// cropping stated, and from 7.0 without the source's Dolby Vision record, as the 7.1 and
/// later CLI.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_examples_crop_as_the_container_says_and_keep_what_the_cli_keeps() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let clip = common::mp4::spatial_clip("stream_side_data");
    let input = Input::open(&ffmpeg, &clip).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let avutil = ffmpeg.library(Library::AvUtil).unwrap().version();
    let from_7_1 = (avutil.major, avutil.minor) >= (59, 39);
    let crop = "crop=w=iw-5-5:h=ih-3-3:x=5:y=3";
    assert_eq!(
        container_crop_filter(&stream),
        from_7_1.then(|| crop.to_owned())
    );
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let graph = if from_7_1 { crop } else { "null" };
    let cli = common::media::cli_pts_and_md5(&clip, &[], &["-vf", graph]);
    let ours = common::media::framehash_pts_and_md5(&clip, &["--vf", "null"]);
    assert_eq!(ours.len(), 25);
    assert_eq!(ours, cli);

    let dir = common::scratch_dir("crop-transcode");
    let out = dir.join("cropped.mkv");
    let mut transcode = common::example_command("transcode", &build);
    transcode.arg(&clip).arg(&out);
    common::stdout_bytes_of(&mut transcode, "transcode");
    let written = Input::open(&ffmpeg, &out).unwrap();
    let video = written.best_stream(MediaType::Video).unwrap();
    let size = if from_7_1 { (150, 90) } else { (160, 96) };
    assert_eq!((video.width(), video.height()), size);
    let values: Vec<SideDataValue> = video.side_data().iter().map(|e| e.value()).collect();
    let cropping = values
        .iter()
        .find(|v| matches!(v, SideDataValue::FrameCropping { .. }));
    assert_eq!(cropping, None, "{values:?}");
    // From 7.0 the CLI carries side data through the frames, which no Dolby Vision record
    // reaches; 5.1's and 6.1's copied it to what they encoded.
    let dolby = values
        .iter()
        .any(|v| matches!(v, SideDataValue::DolbyVision(_)));
    match ffmpeg.family().ffmpeg_major() {
        5 | 6 => assert!(dolby, "{values:?}"),
        7.. => assert!(!dolby, "{values:?}"),
        _ => {}
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// On every build: a frame's HDR10 metadata given to a stream is the Matroska's, read back
/// as given; a picture's own kind (closed captions) is refused, and nothing of it written.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_frames_side_data_of_a_streams_kind_given_to_a_stream_is_what_the_muxer_writes() {
    let ffmpeg = common::under_test().load();
    let source = common::mp4::spatial_clip("stream_side_data");
    let dir = common::scratch_dir("frame_side_data_given");
    let [display, light] = common::mp4::camera_hdr10();
    let mut picture = Frame::video(&ffmpeg, 16, 16, "yuv420p").unwrap();
    picture.add_side_data(&display).unwrap();
    picture.add_side_data(&light).unwrap();
    picture
        .add_side_data(&SideDataValue::ClosedCaptions(vec![[0xfc, 0x80, 0x80]]))
        .unwrap();
    let target = dir.join("from_frame.mkv");
    copy_video(&ffmpeg, &source, &target, |output, index| {
        for entry in picture.side_data() {
            let given = output.copy_frame_side_data(index, &entry);
            match entry.stream_kind() {
                Some(_) => given.unwrap(),
                None => assert!(matches!(given, Err(Error::Unsupported { .. })), "{given:?}"),
            }
        }
    });
    let read = common::mp4::video_side_data(&ffmpeg, &target);
    common::mp4::assert_said_by(&read, &[(20, display), (22, light)], "from a frame");
    let _ = std::fs::remove_dir_all(dir);
}

/// From 7.1 the encoder gives its stream the HDR10 metadata of the first picture, which an
/// HEVC's SEI messages carry where its container states none: `transcode` keeps it, as the
/// 7.1.5, 8.0.1, 8.1.2 and 9.0.2 CLIs keep it, in the container and (libx264's) in the SEI
/// messages of the stream it writes; the 5.1 and 6.1.1 CLIs lose it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn hdr10_metadata_the_pictures_carry_reaches_the_output_from_7_1() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = common::media::generated(
        "hevc_sei_hdr10.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.2",
            "-pix_fmt",
            "yuv420p10le",
            "-c:v",
            "libx265",
            "-x265-params",
            "log-level=none:hdr10=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400",
        ],
    );
    let stated = common::mp4::video_side_data(&ffmpeg, &source);
    assert!(stated.is_empty(), "the container states none: {stated:?}");
    let dir = common::scratch_dir("hdr10-transcode");
    let out = dir.join("hdr10.mkv");
    let mut transcode = common::example_command("transcode", &build);
    transcode.arg(&source).arg(&out);
    common::stdout_bytes_of(&mut transcode, "transcode");
    let written = common::mp4::video_side_data(&ffmpeg, &out);
    let light = written
        .iter()
        .find(|(_, value)| matches!(value, SideDataValue::ContentLightLevel { .. }));
    let display = written
        .iter()
        .find(|(_, value)| matches!(value, SideDataValue::MasteringDisplay(_)));
    let avcodec = ffmpeg.library(Library::AvCodec).unwrap().version();
    if (avcodec.major, avcodec.minor) >= (61, 19) {
        let expected = SideDataValue::ContentLightLevel {
            max_content: 1000,
            max_average: 400,
        };
        assert_eq!(
            light.map(|(_, value)| value),
            Some(&expected),
            "{written:?}"
        );
        assert!(display.is_some(), "{written:?}");
    } else {
        assert!(light.is_none() && display.is_none(), "{written:?}");
    }
    // From 7.1 libx264 is opened with them too, and writes them into its SEI messages: a bare
    // H.264 stream, which has no container to state them, decodes to pictures that carry them.
    if ffmpeg.has_encoder("libx264") {
        let bare = dir.join("hdr10.h264");
        let mut transcode = common::example_command("transcode", &build);
        transcode.arg(&source).arg(&bare);
        common::stdout_bytes_of(&mut transcode, "transcode");
        let input = ffmpeg_runtime::format::Input::open(&ffmpeg, &bare).unwrap();
        let mut first = None;
        common::media::each_picture(&ffmpeg, input, |picture| {
            let values: Vec<SideDataValue> =
                picture.side_data().iter().map(|e| e.value()).collect();
            first.get_or_insert(values);
        });
        let carried = first.expect("a picture");
        let has_light = carried
            .iter()
            .any(|value| matches!(value, SideDataValue::ContentLightLevel { .. }));
        // (Proven at load with a `rawvideo` encoder, which every build tested has.)
        let from_7_1 = (avcodec.major, avcodec.minor) >= (61, 19) && ffmpeg.has_encoder("rawvideo");
        assert_eq!(has_light, from_7_1, "{carried:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
