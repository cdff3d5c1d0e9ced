//! Seeking to a timestamp lands on the frame that decoding from the start finds there.

mod common;

use common::media::{self, CLIPS};
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType, SeekMode};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet};
use md5::{Digest, Md5};

/// (timestamp, md5) of every frame from the current position to the end, or until `stop`.
fn decode(
    ffmpeg: &Ffmpeg,
    input: &mut Input,
    decoder: &mut Decoder,
    stop: Option<i64>,
) -> Vec<(i64, String)> {
    let index = input.best_stream(MediaType::Video).unwrap().index();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    let mut frames = Vec::new();
    let mut packed = Vec::new();
    let mut take = |decoder: &mut Decoder, frames: &mut Vec<(i64, String)>| {
        while decoder.receive(&mut frame).unwrap() {
            frame.copy_packed(&mut packed).unwrap();
            frames.push((
                frame.best_effort_timestamp().unwrap(),
                format!("{:x}", Md5::digest(&packed)),
            ));
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            take(decoder, &mut frames);
            if stop.is_some_and(|stop| frames.iter().any(|(t, _)| *t >= stop)) {
                return frames;
            }
        }
    }
    decoder.send_eof().unwrap();
    take(decoder, &mut frames);
    frames
}

#[test]
fn seeking_lands_on_the_frame_decoding_from_the_start_finds() {
    let ffmpeg = common::under_test().load();
    let clip = CLIPS.iter().find(|c| c.name == "h264_gop10.mp4").unwrap();
    let path = media::path(clip);
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let index = stream.index();
    let mut decoder = Decoder::new(
        &stream,
        &DecoderOptions {
            threads: 1,
            ..DecoderOptions::default()
        },
    )
    .unwrap();
    let all = decode(&ffmpeg, &mut input, &mut decoder, None);
    assert_eq!(all.len(), 50);
    for target in [all[13].0, all[37].0, all[20].0, all[3].0] {
        input.seek(index, target, SeekMode::KeyframeBefore).unwrap();
        decoder.flush();
        let after = decode(&ffmpeg, &mut input, &mut decoder, Some(target));
        assert!(
            after.first().is_some_and(|(t, _)| *t <= target),
            "landed after the target: {after:?}"
        );
        let landed = after
            .iter()
            .find(|(t, _)| *t == target)
            .expect("the target frame decodes");
        let expected = all.iter().find(|(t, _)| *t == target).unwrap();
        assert_eq!(landed, expected, "frame at {target}");
    }
}

#[test]
fn seeking_to_any_frame_may_land_between_keyframes() {
    let ffmpeg = common::under_test().load();
    let clip = CLIPS.iter().find(|c| c.name == "h264_gop10.mp4").unwrap();
    let mut input = Input::open(&ffmpeg, media::path(clip)).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let (index, time_base) = (stream.index(), stream.time_base());
    let frame = i64::from(time_base.den) / (25 * i64::from(time_base.num)); // one frame at 25 fps
    let first_key = |input: &mut Input, target: i64, mode: SeekMode| {
        input.seek(index, target, mode).unwrap();
        let first = input
            .packets()
            .map(Result::unwrap)
            .find(|p| p.stream_index() == index);
        first.expect("a packet after the seek").is_key()
    };
    // Frames 13, 17, 37 and 43 are none of them keyframes (one every 10).
    let targets = [13, 17, 37, 43].map(|n| n * frame);
    for target in targets {
        assert!(
            first_key(&mut input, target, SeekMode::KeyframeBefore),
            "{target}"
        );
    }
    let between = targets
        .iter()
        .filter(|&&target| !first_key(&mut input, target, SeekMode::AnyFrame))
        .count();
    assert!(between > 0, "every any-frame seek landed on a keyframe");
}

#[test]
fn keyframes_only_decoding_gives_exactly_the_keyframes() {
    use ffmpeg_runtime::codec::SkipFrames;
    let ffmpeg = common::under_test().load();
    let clip = CLIPS.iter().find(|c| c.name == "h264_gop10.mp4").unwrap();
    let path = media::path(clip);
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let keyframes = input
        .packets()
        .map(|p| p.unwrap())
        .filter(|p| p.is_key())
        .count();
    assert!(keyframes >= 5, "one every 10 frames at least: {keyframes}");
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let options = DecoderOptions {
        threads: 1,
        skip: SkipFrames::NonKey,
        low_delay: true,
        ..DecoderOptions::default()
    };
    let mut decoder = Decoder::new(&stream, &options).unwrap();
    let all = decode(&ffmpeg, &mut input, &mut decoder, None);
    assert_eq!(all.len(), keyframes);
}

/// An Olympus DSS recording (SP mode) of `blocks` audio blocks, each marked as starting on
/// the second half of a byte-swapped frame pair: a demuxer sought into it asks to be called
/// again for its first packet, which it cannot finish until it has read the next.
fn dss_recording(blocks: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; 1024];
    // Version 2 (a header of two 512-byte blocks) and the magic.
    bytes[..4].copy_from_slice(&[2, b'd', b's', b's']);
    // When it was recorded, as the demuxer parses it: YYMMDDhhmmss.
    bytes[0x26..0x32].copy_from_slice(b"261206101500");
    bytes[0x32..0x3e].copy_from_slice(b"261206101510");
    // Codec 0: DSS SP.
    bytes[0x2a4] = 0;
    for block in 0..blocks {
        // Swapped (0x80), and the first frame 2 × 2 + 2 bytes in: right after the header.
        bytes.extend([0x80, 2, 0, 0, 0, 0]);
        bytes.extend((0..506).map(|i| (block * 7 + i) as u8));
    }
    bytes
}

/// On every build: after a seek, a demuxer that asks to be called again (DSS, for its first
/// packet) gives its packets, as the CLI's reading does; `read_packet` had answered
/// `Error::Again` and a caller stopped there.
#[test]
fn a_demuxer_that_asks_to_be_called_again_after_a_seek_gives_its_packets() {
    let ffmpeg = common::under_test().load();
    let path = common::scratch_dir("seek_dss").join("recording.dss");
    std::fs::write(&path, dss_recording(40)).unwrap();
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    assert_eq!(input.demuxer().name(), "dss");
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let from_start = input.packets().count();
    assert!(from_start > 400, "{from_start}");
    input.seek_us(500_000).unwrap();
    let mut after_seek = 0;
    while input.read_packet(&mut packet).unwrap() {
        after_seek += 1;
    }
    assert!(
        after_seek > 0 && after_seek < from_start,
        "{after_seek} of {from_start}"
    );
}
