//! The stream side data that releases after 5.1 read from a file: a spatial video's stereo
//! camera (7.1), the ambient viewing environment (7.0), the container's cropping (7.1) and
//! Dolby Vision's metadata compression (7.1), each read back as written, and printed by
//! the `probe` example as 7.1's and later ffprobe print them.

mod common;

use ffmpeg_runtime::format::{Input, MediaType, SideDataValue, StereoCamera};
use ffmpeg_runtime::{Library, Rational};

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
    let input = Input::open(&ffmpeg, common::mp4::spatial_clip("later_side_data")).unwrap();
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
    let expected = SideDataValue::AmbientViewingEnvironment {
        illuminance: Rational::new(3_140_000, 10_000),
        light_x: Rational::new(15635, 50_000),
        light_y: Rational::new(16450, 50_000),
    };
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
