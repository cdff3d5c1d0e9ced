//! Decoding matches FFmpeg's own `framemd5`, frame for frame: every clip of the corpus on
//! Debian's 5.1 (the CLI's own library), and the bit-exact codecs on every build of the matrix.

mod common;

use common::media::{self, CLIPS};

/// Clips whose decoding differs from the CLI's `framemd5` (made with Debian 5.1's CLI).
fn mismatches(
    ffmpeg: &ffmpeg_runtime::Ffmpeg,
    clips: impl Iterator<Item = &'static media::Clip>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for clip in clips {
        let path = media::path(clip);
        let expected = media::reference_md5s(&path, clip.stream);
        match media::decode_md5s(ffmpeg, &path, clip.stream) {
            Ok(md5s) if md5s == expected => {}
            Ok(md5s) => failures.push(format!(
                "{}: {} frames vs the CLI's {}",
                clip.name,
                md5s.len(),
                expected.len()
            )),
            Err(e) => failures.push(format!("{}: {e}", clip.name)),
        }
    }
    failures
}

/// Debian 5.1 ships the CLI: the crate's frames must equal the CLI's, for every clip.
#[test]
fn every_clip_decodes_like_the_cli_on_its_own_library() {
    let build = common::under_test();
    if build.name != "5.1" {
        return; // the CLI's library is 5.1; other builds are compared on bit-exact codecs below
    }
    let failures = mismatches(&build.load(), CLIPS.iter());
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Bit-exact codecs decode identically on every FFmpeg 4.x–9.x: this proves every struct field
/// the decode path reads is at the right offset in every family.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn bit_exact_codecs_decode_identically_on_every_build() {
    let failures = mismatches(
        &common::under_test().load(),
        CLIPS.iter().filter(|c| c.bit_exact),
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn colour_properties_are_read() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("colour");
    let path = dir.join("bt709.mkv");
    let status = media::cli()
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:duration=0.2",
            "-c:v",
            "ffv1",
        ])
        .args([
            "-color_range",
            "tv",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-y",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let mut input = ffmpeg_runtime::format::Input::open(&ffmpeg, &path).unwrap();
    let stream = input
        .best_stream(ffmpeg_runtime::format::MediaType::Video)
        .unwrap();
    let mut decoder = ffmpeg_runtime::codec::Decoder::new(&stream, &Default::default()).unwrap();
    let (mut packet, mut frame) = (
        ffmpeg_runtime::Packet::new(&ffmpeg).unwrap(),
        ffmpeg_runtime::Frame::new(&ffmpeg).unwrap(),
    );
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        if decoder.receive(&mut frame).unwrap() {
            break;
        }
    }
    let color = frame.color();
    assert_eq!(color.range, Some(ffmpeg_runtime::Range::Limited));
    assert_eq!(color.matrix.as_deref(), Some("bt709"));
    assert_eq!(color.primaries.as_deref(), Some("bt709"));
    assert_eq!(color.transfer.as_deref(), Some("bt709"));
}

/// Every decoded picture knows the position and size of the packet it came from, on every
/// build: from 6.0 the decoder hands them over itself, as ffprobe does from 6.1 (8.0's
/// frames no longer carry them). Pictures come out in another order than their packets (B-frames,
/// frame threads), so each is matched to its packet by presentation time. A frame no decoder
/// made knows none; a copy of a decoded one keeps them.
#[test]
fn every_picture_knows_the_position_and_size_of_its_packet() {
    use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
    use ffmpeg_runtime::format::{Input, MediaType};
    use ffmpeg_runtime::{Frame, Packet};
    use std::collections::HashMap;
    let ffmpeg = common::under_test().load();
    for name in ["h264_gop10.mp4", "mpeg2.ts", "vp8.webm"] {
        let clip = CLIPS.iter().find(|clip| clip.name == name).unwrap();
        let mut input = Input::open(&ffmpeg, media::path(clip)).unwrap();
        let stream = input.best_stream(MediaType::Video).unwrap();
        let index = stream.index();
        let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
        let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
        let mut packets = HashMap::new();
        let mut pictures = Vec::new();
        let mut take = |decoder: &mut Decoder, frame: &mut Frame| {
            while decoder.receive(frame).unwrap() {
                let copy = frame.try_clone().unwrap();
                pictures.push((frame.pts(), frame.packet_position(), frame.packet_size()));
                assert_eq!(copy.packet_position(), frame.packet_position(), "{name}");
            }
        };
        while input.read_packet(&mut packet).unwrap() {
            if packet.stream_index() == index {
                let origin = (packet.position(), Some(packet.data().len()));
                packets.insert(packet.pts(), origin);
                decoder.send(&packet).unwrap();
                take(&mut decoder, &mut frame);
            }
        }
        decoder.send_eof().unwrap();
        take(&mut decoder, &mut frame);
        assert!(pictures.len() >= 10, "{name}: {} pictures", pictures.len());
        for (pts, position, size) in pictures {
            assert!(
                position.is_some(),
                "{name}: picture at {pts:?} has no packet position"
            );
            assert_eq!(
                packets[&pts],
                (position, size),
                "{name}: picture at {pts:?}"
            );
        }
    }
    let made = Frame::video(&ffmpeg, 16, 16, "yuv420p").unwrap();
    assert_eq!((made.packet_position(), made.packet_size()), (None, None));
}

/// Where a decoder makes several blocks of samples of one packet (two MP2 frames sent as one
/// packet here), each block knows the whole packet's size from 6.0 on, where the `Decoder`
/// hands it over as ffprobe does from 6.1; before, each knows what FFmpeg's own field says:
/// what was left of the packet when the block was decoded.
#[test]
fn blocks_decoded_from_one_packet_know_its_size() {
    use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder};
    use ffmpeg_runtime::format::{Input, MediaType, Output};
    use ffmpeg_runtime::{Frame, Packet};
    let build = common::under_test();
    let ffmpeg = build.load();
    let path = common::scratch_dir("one-packet").join("tone.mp2");
    let mut output = Output::create(&ffmpeg, &path).unwrap();
    let settings = AudioSettings {
        bit_rate: Some(128_000),
        ..AudioSettings::new(
            48_000,
            ffmpeg.sample_format("s16").unwrap(),
            ffmpeg.default_channel_layout(2).unwrap(),
        )
    };
    let mut encoder = Encoder::audio(&ffmpeg, "mp2", &settings).unwrap();
    let stream = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let (samples, time_base) = (encoder.frame_size(), encoder.time_base());
    for block in 0..4 {
        let mut frame = Frame::audio(&ffmpeg, samples, "s16", 48_000, 2).unwrap();
        frame.set_pts(Some((block * samples) as i64));
        for mut plane in frame.planes_mut().unwrap() {
            let bytes = plane.contiguous_mut().unwrap();
            bytes
                .iter_mut()
                .enumerate()
                .for_each(|(i, b)| *b = (i % 61) as u8);
        }
        encoder.send(&frame).unwrap();
        while encoder.receive(&mut packet).unwrap() {
            output.write_packet(&mut packet, stream, time_base).unwrap();
        }
    }
    encoder.send_eof().unwrap();
    while encoder.receive(&mut packet).unwrap() {
        output.write_packet(&mut packet, stream, time_base).unwrap();
    }
    output.finish().unwrap();

    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let audio = input.best_stream(MediaType::Audio).unwrap();
    let mut decoder = Decoder::new(&audio, &DecoderOptions::default()).unwrap();
    let mut joined = Vec::new();
    let mut sizes = Vec::new();
    while sizes.len() < 2 && input.read_packet(&mut packet).unwrap() {
        sizes.push(packet.data().len());
        joined.extend_from_slice(packet.data());
    }
    let one_packet = Packet::from_bytes(&ffmpeg, &joined).unwrap();
    decoder.send(&one_packet).unwrap();
    decoder.send_eof().unwrap();
    let mut frame = Frame::new(&ffmpeg).unwrap();
    let mut known = Vec::new();
    while decoder.receive(&mut frame).unwrap() {
        known.push(frame.packet_size());
    }
    let whole = Some(joined.len());
    let expected = match build.avcodec.major >= 60 {
        true => vec![whole, whole],
        false => vec![whole, Some(sizes[1])],
    };
    assert_eq!(known, expected, "{}", build.name);
}
