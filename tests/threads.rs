//! The `Send` types move between threads mid-stream and carry on exactly where they were.

mod common;

use common::media::{self, CLIPS};
use ffmpeg_runtime::codec::{Decoder, DecoderOptions, Encoder, Threading};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{Frame, Packet, Resampler, Scaler};
use md5::{Digest, Md5};

#[test]
fn the_media_types_are_send() {
    fn send<T: Send>() {}
    send::<ffmpeg_runtime::Ffmpeg>();
    send::<Input>();
    send::<Output>();
    send::<Decoder>();
    send::<Encoder>();
    send::<Packet>();
    send::<Frame>();
    send::<Scaler>();
    send::<Resampler>();
}

#[test]
fn decoding_moves_to_another_thread_mid_stream() {
    let ffmpeg = common::under_test().load();
    let clip = CLIPS.iter().find(|c| c.name == "h264_gop10.mp4").unwrap();
    let path = media::path(clip);
    let expected = media::decode_md5s(&ffmpeg, &path, None).unwrap();

    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let options = DecoderOptions {
        threads: 2,
        ..DecoderOptions::default()
    };
    let mut decoder = Decoder::new(&stream, &options).unwrap();
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    let mut md5s = Vec::new();
    let mut step =
        move |input: &mut Input, decoder: &mut Decoder, md5s: &mut Vec<String>, packets: usize| {
            let mut packed = Vec::new();
            for _ in 0..packets {
                if !input.read_packet(&mut packet).unwrap() {
                    decoder.send_eof().unwrap();
                } else if packet.stream_index() == index {
                    decoder.send(&packet).unwrap();
                }
                while decoder.receive(&mut frame).unwrap() {
                    frame.copy_packed(&mut packed).unwrap();
                    md5s.push(format!("{:x}", Md5::digest(&packed)));
                }
            }
        };
    step(&mut input, &mut decoder, &mut md5s, 20);
    // Everything moves to a new thread halfway, and back.
    let (mut input, mut decoder, mut md5s, mut step) = std::thread::spawn(move || {
        step(&mut input, &mut decoder, &mut md5s, 15);
        (input, decoder, md5s, step)
    })
    .join()
    .unwrap();
    step(&mut input, &mut decoder, &mut md5s, 100);
    assert_eq!(md5s, expected);
}

#[test]
fn every_threading_mode_decodes_the_same_frames() {
    let ffmpeg = common::under_test().load();
    for name in ["h264_gop10.mp4", "hevc_10bit.mkv", "vp9_profile2.webm"] {
        let clip = CLIPS.iter().find(|c| c.name == name).unwrap();
        let path = media::path(clip);
        let Ok(expected) = media::decode_md5s(&ffmpeg, &path, None) else {
            continue; // a build without this decoder
        };
        for threading in [Threading::Auto, Threading::Frame, Threading::Slice] {
            let options = DecoderOptions {
                threads: 3,
                threading,
                ..DecoderOptions::default()
            };
            let input = Input::open(&ffmpeg, &path).unwrap();
            let md5s = media::decode_md5s_with(&ffmpeg, input, None, &options).unwrap();
            assert_eq!(md5s, expected, "{name} with {threading:?}");
        }
    }
}
