//! Packets and frames a program edits: setters, packets from bytes, timestamp rescaling,
//! references and deep copies; trimming while stream-copying, and decoding packets that a
//! demuxer of the program's own handed over as bytes.

mod common;

use std::path::Path;

use common::media;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{Error, Frame, Packet, Rational};
use md5::{Digest, Md5};

#[test]
fn packets_take_their_properties_and_bytes() {
    let ffmpeg = common::under_test().load();
    let mut packet = Packet::from_bytes(&ffmpeg, &[1, 2, 3, 4]).unwrap();
    assert_eq!(packet.data(), [1, 2, 3, 4]);
    assert_eq!(
        (packet.pts(), packet.dts(), packet.is_key()),
        (None, None, false)
    );
    packet.set_pts(Some(10));
    packet.set_dts(Some(9));
    packet.set_duration(2);
    packet.set_stream_index(3).unwrap();
    packet.set_key(true);
    assert_eq!(
        (
            packet.pts(),
            packet.dts(),
            packet.duration(),
            packet.stream_index(),
            packet.is_key()
        ),
        (Some(10), Some(9), 2, 3, true)
    );
    packet.set_pts(None);
    packet.set_key(false);
    assert_eq!((packet.pts(), packet.is_key()), (None, false));
    assert!(matches!(
        packet.set_stream_index(usize::MAX),
        Err(Error::OutOfRange { .. })
    ));
    assert_eq!(packet.stream_index(), 3, "a refused index changes nothing");
    let empty = Packet::from_bytes(&ffmpeg, &[]).unwrap();
    assert!(empty.data().is_empty());
}

#[test]
fn a_cloned_packet_shares_until_written() {
    let ffmpeg = common::under_test().load();
    let mut original = Packet::from_bytes(&ffmpeg, b"payload").unwrap();
    original.set_pts(Some(7));
    let mut clone = original.try_clone().unwrap();
    assert_eq!((clone.data(), clone.pts()), (&b"payload"[..], Some(7)));
    assert_eq!(clone.data().as_ptr(), original.data().as_ptr(), "shared");
    clone.data_mut().unwrap()[0] = b'P';
    assert_eq!(clone.data(), b"Payload");
    assert_eq!(original.data(), b"payload", "the original is untouched");
    original.data_mut().unwrap()[1] = b'A';
    assert_eq!(original.data(), b"pAyload");
}

#[test]
fn timestamps_rescale_as_ffmpeg_rounds_them() {
    let ffmpeg = common::under_test().load();
    let mut packet = Packet::from_bytes(&ffmpeg, &[0]).unwrap();
    packet.set_pts(Some(1001));
    packet.set_dts(None);
    packet.set_duration(1001);
    packet
        .rescale_ts(Rational::new(1, 30_000), Rational::new(1, 1000))
        .unwrap();
    // 1001/30 ms = 33.37 ms: rounded to the nearest.
    assert_eq!(
        (packet.pts(), packet.dts(), packet.duration()),
        (Some(33), None, 33)
    );
    packet
        .rescale_ts(Rational::new(1, 1000), Rational::new(1, 90_000))
        .unwrap();
    assert_eq!(packet.pts(), Some(2970));
    for bad in [
        Rational::new(0, 1),
        Rational::new(1, 0),
        Rational::new(-1, 25),
    ] {
        assert!(matches!(
            packet.rescale_ts(bad, Rational::new(1, 1000)),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            packet.rescale_ts(Rational::new(1, 1000), bad),
            Err(Error::OutOfRange { .. })
        ));
    }
    assert_eq!(
        packet.pts(),
        Some(2970),
        "a refused rescale changes nothing"
    );
}

fn first_plane(frame: &Frame) -> Vec<u8> {
    frame.plane(0).unwrap().rows().flatten().copied().collect()
}

#[test]
fn frames_clone_by_reference_and_copy_deeply() {
    let ffmpeg = common::under_test().load();
    let mut original = Frame::video(&ffmpeg, 32, 16, "yuv420p").unwrap();
    for mut plane in original.planes_mut().unwrap() {
        plane
            .rows_mut()
            .flatten()
            .enumerate()
            .for_each(|(i, b)| *b = i as u8);
    }
    original.set_pts(Some(5));
    let reference = original.try_clone().unwrap();
    let copy = original.deep_copy().unwrap();
    for other in [&reference, &copy] {
        assert_eq!(
            (other.width(), other.height(), other.pts()),
            (32, 16, Some(5))
        );
        assert_eq!(other.pixel_format(), original.pixel_format());
        assert_eq!(first_plane(other), first_plane(&original));
    }
    let data = |frame: &Frame| frame.plane(0).unwrap().row(0).unwrap().as_ptr();
    assert_eq!(
        data(&reference),
        data(&original),
        "a reference shares the buffers"
    );
    assert_ne!(data(&copy), data(&original), "a deep copy has its own");
    let mut reference = reference;
    reference
        .planes_mut()
        .unwrap()
        .for_each(|mut p| p.rows_mut().flatten().for_each(|b| *b = 0));
    assert!(
        first_plane(&original).iter().any(|&b| b != 0),
        "writing a reference copies"
    );
    assert_eq!(first_plane(&copy), first_plane(&original));

    let mut audio = Frame::audio(&ffmpeg, 64, "fltp", 48_000, "5.1(side)").unwrap();
    audio.planes_mut().unwrap().for_each(|mut p| {
        p.rows_mut()
            .flatten()
            .enumerate()
            .for_each(|(i, b)| *b = i as u8);
    });
    let audio_copy = audio.deep_copy().unwrap();
    assert_eq!(audio_copy.channel_layout(), audio.channel_layout());
    assert_eq!(audio_copy.samples(), 64);
    let planes = |f: &Frame| -> Vec<Vec<u8>> {
        f.planes()
            .map(|p| p.rows().flatten().copied().collect())
            .collect()
    };
    assert_eq!(planes(&audio_copy), planes(&audio));
    let empty = Frame::new(&ffmpeg).unwrap();
    assert_eq!(empty.deep_copy().unwrap().plane_count(), 0);
}

/// An all-keyframe clip: any packet starts a decodable cut.
fn intra_clip() -> std::path::PathBuf {
    media::generated(
        "intra_only.nut",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=64x48:rate=25",
            "-c:v",
            "mjpeg",
        ],
    )
}

fn frame_md5s(ffmpeg: &ffmpeg_runtime::Ffmpeg, path: &Path) -> Vec<String> {
    media::decode_md5s(ffmpeg, path, None).unwrap()
}

#[test]
fn trimming_while_stream_copying_keeps_exactly_the_range() {
    let ffmpeg = common::under_test().load();
    let source = intra_clip();
    let target = common::scratch_dir("trim").join("trimmed.mkv");
    let (first, last) = (10, 29); // frames kept, at 25 fps: 0.4 s to 1.16 s
    {
        let mut input = Input::open(&ffmpeg, &source).unwrap();
        let stream = input.best_stream(MediaType::Video).unwrap();
        let (index, time_base) = (stream.index(), stream.time_base());
        let mut output = Output::create(&ffmpeg, &target).unwrap();
        let out_index = output.add_copy_stream(&stream).unwrap();
        output.write_header().unwrap();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let (mut seen, mut offset) = (0, None);
        while input.read_packet(&mut packet).unwrap() {
            if packet.stream_index() != index {
                continue;
            }
            seen += 1;
            if !(first + 1..=last + 1).contains(&seen) {
                continue;
            }
            // The cut starts at zero.
            let start = *offset.get_or_insert(packet.dts().unwrap());
            packet.set_pts(packet.pts().map(|t| t - start));
            packet.set_dts(packet.dts().map(|t| t - start));
            output
                .write_packet(&mut packet, out_index, time_base)
                .unwrap();
        }
        output.finish().unwrap();
    }
    let all = frame_md5s(&ffmpeg, &source);
    assert_eq!(frame_md5s(&ffmpeg, &target), all[first..=last]);
    let input = Input::open(&ffmpeg, &target).unwrap();
    assert_eq!(input.start_time_us(), Some(0));
}

#[test]
fn packets_from_a_demuxer_of_ones_own_decode_the_same() {
    let ffmpeg = common::under_test().load();
    for clip in ["intra_only.nut", "h264_gop10.mp4", "mpeg2.ts"] {
        let path = match media::CLIPS.iter().find(|c| c.name == clip) {
            Some(clip) => media::path(clip),
            None => intra_clip(),
        };
        // The "outside demuxer": each packet's bytes and timing, as plain values.
        let mut input = Input::open(&ffmpeg, &path).unwrap();
        let stream = input.best_stream(MediaType::Video).unwrap();
        let index = stream.index();
        let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
        let mut units = Vec::new();
        while let Some(packet) = input.packets().next() {
            let packet = packet.unwrap();
            if packet.stream_index() == index {
                let timing = (
                    packet.pts(),
                    packet.dts(),
                    packet.duration(),
                    packet.is_key(),
                );
                units.push((packet.data().to_vec(), timing));
            }
        }
        let mut md5s = Vec::new();
        let (mut frame, mut packed) = (Frame::new(&ffmpeg).unwrap(), Vec::new());
        let mut take = |decoder: &mut Decoder| {
            while decoder.receive(&mut frame).unwrap() {
                frame.copy_packed(&mut packed).unwrap();
                md5s.push(format!("{:x}", Md5::digest(&packed)));
            }
        };
        for (bytes, (pts, dts, duration, key)) in units {
            let mut packet = Packet::from_bytes(&ffmpeg, &bytes).unwrap();
            packet.set_pts(pts);
            packet.set_dts(dts);
            packet.set_duration(duration);
            packet.set_key(key);
            decoder.send(&packet).unwrap();
            take(&mut decoder);
        }
        decoder.send_eof().unwrap();
        take(&mut decoder);
        assert_eq!(
            md5s,
            media::decode_md5s(&ffmpeg, &path, None).unwrap(),
            "{clip}"
        );
    }
}
