//! `VideoSettings::side_data`: the static side data an encoder is opened with
//! (`AVCodecContext.decoded_side_data`, 7.1 on). The encoder gives its stream what it holds,
//! libx264 writes HDR10's into the pictures' SEI messages (which `transcode` now does as the
//! 7.1 to 9.0 CLIs do), and a release before 7.1 refuses it.

mod common;

use ffmpeg_runtime::codec::{Encoder, VideoSettings};
use ffmpeg_runtime::format::{Input, MediaType, Output, SideDataValue};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Library, Packet, Rational};

/// Whether the loaded libavcodec is 7.1's (61.19) or later, whose encoders take it (proven
/// at load with a `rawvideo` encoder, which every build tested has).
fn encoders_take_side_data(ffmpeg: &Ffmpeg) -> bool {
    let avcodec = ffmpeg.library(Library::AvCodec).unwrap().version();
    (avcodec.major, avcodec.minor) >= (61, 19) && ffmpeg.has_encoder("rawvideo")
}

fn settings(ffmpeg: &Ffmpeg, side_data: Vec<SideDataValue>) -> VideoSettings {
    let format = ffmpeg.pixel_format("yuv420p").unwrap();
    VideoSettings {
        side_data,
        frame_rate: Some(Rational::new(25, 1)),
        ..VideoSettings::new(64, 48, format, Rational::new(1, 25))
    }
}

/// Encodes three grey pictures with `encoder` into `output`'s one stream and finishes it.
fn encode_three(ffmpeg: &Ffmpeg, mut encoder: Encoder, mut output: Output) {
    let index = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut picture = Frame::video(ffmpeg, 64, 48, "yuv420p").unwrap();
    for mut plane in picture.planes_mut().unwrap() {
        plane.fill(0x80);
    }
    for pts in 0..3 {
        picture.set_pts(Some(pts));
        encoder.send(&picture).unwrap();
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, index).unwrap();
    }
    encoder.send_eof().unwrap();
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, index).unwrap();
    output.finish().unwrap();
}

/// From 7.1: an FFV1 encoder opened with HDR10's metadata gives its Matroska stream both,
/// read back as given. Before: refused, and nothing opens.
#[test]
fn an_encoder_gives_its_stream_the_side_data_it_is_opened_with_from_7_1() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("ffv1") {
        return;
    }
    let [display, light] = common::mp4::camera_hdr10();
    let given = vec![display.clone(), light.clone()];
    let opened = Encoder::video(&ffmpeg, "ffv1", &settings(&ffmpeg, given));
    if !encoders_take_side_data(&ffmpeg) {
        assert!(
            matches!(opened, Err(Error::Unsupported { .. })),
            "{:?}",
            opened.err()
        );
        return;
    }
    let dir = common::scratch_dir("encoder-side-data");
    let path = dir.join("hdr10.mkv");
    encode_three(
        &ffmpeg,
        opened.unwrap(),
        Output::create(&ffmpeg, &path).unwrap(),
    );
    let read = common::mp4::video_side_data(&ffmpeg, &path);
    common::mp4::assert_said_by(&read, &[(20, display), (22, light)], "from the encoder");
    assert_eq!(read.len(), 2, "{read:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// From 7.1 libx264 writes the mastering display and light levels it is opened with into its
/// stream's SEI messages: a bare H.264 stream, which has no container to state them, decodes
/// to pictures that carry them; without, to pictures that carry none.
#[test]
fn libx264_writes_hdr10_metadata_into_its_stream_from_7_1() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("libx264") || !encoders_take_side_data(&ffmpeg) {
        return;
    }
    let [display, light] = common::mp4::camera_hdr10();
    let dir = common::scratch_dir("encoder-sei");
    for (name, given) in [("with", vec![display, light]), ("without", Vec::new())] {
        let path = dir.join(format!("{name}.h264"));
        let encoder = Encoder::video(&ffmpeg, "libx264", &settings(&ffmpeg, given.clone()));
        encode_three(
            &ffmpeg,
            encoder.unwrap(),
            Output::create(&ffmpeg, &path).unwrap(),
        );
        let input = Input::open(&ffmpeg, &path).unwrap();
        let stated = input
            .best_stream(MediaType::Video)
            .unwrap()
            .side_data()
            .len();
        assert_eq!(stated, 0, "{name}: the container states none");
        let mut first = None;
        common::media::each_picture(&ffmpeg, input, |picture| {
            let values: Vec<SideDataValue> = picture
                .side_data()
                .iter()
                .map(|entry| entry.value())
                .collect();
            first.get_or_insert(values);
        });
        let carried = first.expect("a picture");
        for value in &given {
            assert!(carried.contains(value), "{name}: {value:?} in {carried:?}");
        }
        if given.is_empty() {
            let hdr = carried.iter().filter(|value| {
                matches!(
                    value,
                    SideDataValue::MasteringDisplay(_) | SideDataValue::ContentLightLevel { .. }
                )
            });
            assert_eq!(hdr.count(), 0, "{name}: {carried:?}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
