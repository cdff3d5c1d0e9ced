//! Well-typed calls FFmpeg would crash on, or take for something else, are typed errors or
//! do what they say (issue 15, findings 6, 7, 10 and 14): audio of no samples to an encoder,
//! a container's calls out of order, huge strides, empty packets, and frames a queue of
//! samples cannot hold.

mod common;

#[allow(dead_code, unused_imports)] // the fuzz targets use the rest
#[path = "../fuzz/src/lib.rs"]
mod workloads;

use std::io::Cursor;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::convert::{RgbFormat, convert_into};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{AudioFifo, AudioFormat, Colorimetry, Error, Frame, Packet, Resampler};

/// A frame the resampler legitimately gives at the end when it holds nothing: the encoder's
/// format, rate and layout, and no samples.
#[test]
fn audio_of_no_samples_is_refused_by_every_encoder() {
    let ffmpeg = common::under_test().load();
    let mut tried = 0;
    for (codec, sample_format) in [
        ("libmp3lame", "s16p"),
        ("wmav2", "fltp"),
        ("tta", "s16"),
        ("aac", "fltp"),
        ("flac", "s16"),
        ("pcm_s16le", "s16"),
    ] {
        let settings = AudioSettings::new(
            44_100,
            ffmpeg.sample_format(sample_format).unwrap(),
            ffmpeg.default_channel_layout(2).unwrap(),
        );
        let Ok(mut encoder) = Encoder::audio(&ffmpeg, codec, &settings) else {
            continue;
        };
        let target = AudioFormat {
            sample_format: ffmpeg.sample_format(sample_format).unwrap(),
            sample_rate: 44_100,
            channel_layout: ffmpeg.default_channel_layout(2).unwrap(),
        };
        let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
        let input = Frame::audio(&ffmpeg, 64, "s16", 44_100, 2).unwrap();
        let mut nothing = Frame::new(&ffmpeg).unwrap();
        resampler.convert(Some(&input), &mut nothing).unwrap();
        resampler.convert(None, &mut nothing).unwrap();
        resampler.convert(None, &mut nothing).unwrap();
        assert_eq!(nothing.samples(), 0);
        match encoder.send(&nothing) {
            Err(Error::Incompatible { operation, detail }) => {
                assert_eq!(operation, "Encoder::send");
                assert!(detail.contains("no picture or samples"))
            }
            other => panic!("{codec}: {other:?}"),
        }
        // The encoder goes on as if nothing was sent.
        let size = match encoder.frame_size() {
            0 => 1024,
            size => size,
        };
        let frame = Frame::audio(&ffmpeg, size, sample_format, 44_100, 2).unwrap();
        encoder.send(&frame).unwrap();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let mut packets = 0;
        // FFmpeg 4.x's encoders hold a packet back until it is received.
        while encoder.receive(&mut packet).unwrap() {
            packets += 1;
        }
        encoder.send_eof().unwrap();
        while encoder.receive(&mut packet).unwrap() {
            packets += 1;
        }
        assert!(packets >= 1, "{codec}");
        tried += 1;
    }
    assert!(tried >= 3, "{tried} encoders");
}

fn video_encoder(ffmpeg: &ffmpeg_runtime::Ffmpeg, global_header: bool) -> Encoder {
    let settings = VideoSettings {
        frame_rate: Some(Rational::new(25, 1)),
        global_header,
        ..VideoSettings::new(
            64,
            48,
            ffmpeg.pixel_format("yuv420p").unwrap(),
            Rational::new(1, 25),
        )
    };
    Encoder::video(ffmpeg, "mpeg4", &settings).unwrap()
}

fn out_of_order<T: std::fmt::Debug>(result: Result<T, Error>) {
    assert!(
        matches!(result, Err(Error::OutOfOrder { .. })),
        "{result:?}"
    );
}

#[test]
fn a_containers_calls_out_of_order_are_refused_and_the_file_stays_whole() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("out-of-order");
    for extension in ["nut", "mp4", "mkv"] {
        let path = dir.join(format!("clip.{extension}"));
        let mut output = Output::create(&ffmpeg, &path).unwrap();
        let mut encoder = video_encoder(&ffmpeg, output.needs_global_header());
        let stream = output.add_stream(&encoder).unwrap();
        let (mut frame, mut packet) = (
            Frame::video(&ffmpeg, 64, 48, "yuv420p").unwrap(),
            Packet::new(&ffmpeg).unwrap(),
        );
        frame.set_pts(Some(0));
        encoder.send(&frame).unwrap();
        // FFmpeg 4.x's encoders give the packet at once, later ones at the end.
        if !encoder.receive(&mut packet).unwrap() {
            encoder.send_eof().unwrap();
            assert!(encoder.receive(&mut packet).unwrap());
        }
        // Packets before the header.
        out_of_order(output.write_packet(&mut packet, stream, encoder.time_base()));
        output.write_header().unwrap();
        // The header twice, streams after it.
        out_of_order(output.write_header());
        out_of_order(output.add_stream(&encoder));
        output
            .write_packet(&mut packet, stream, encoder.time_base())
            .unwrap();
        out_of_order(output.write_header());
        output.finish().unwrap();
        let input = Input::open(&ffmpeg, &path).unwrap();
        let frames = common::media::decode_input_md5s(&ffmpeg, input, None).unwrap();
        assert_eq!(frames.len(), 1, "{extension}");
    }
    // Finishing what never started, and anything after a header that failed.
    let output = Output::create(&ffmpeg, dir.join("never.mkv")).unwrap();
    out_of_order(output.finish());
    let mut output = Output::create(&ffmpeg, dir.join("empty.mp4")).unwrap();
    assert!(output.write_header().is_err(), "a header without streams");
    out_of_order(output.write_header());
    out_of_order(output.add_stream(&video_encoder(&ffmpeg, true)));
    out_of_order(output.finish());
    // Neither failed setup left its file behind.
    assert!(!dir.join("never.mkv").exists() && !dir.join("empty.mp4").exists());
}

#[test]
fn a_refused_header_says_why_and_leaves_no_file() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("refused-header");
    let subtitles = dir.join("cues.srt");
    std::fs::write(&subtitles, "1\n00:00:00,000 --> 00:00:01,000\nHello\n\n").unwrap();
    let input = Input::open(&ffmpeg, &subtitles).unwrap();
    let stream = input.best_stream(MediaType::Subtitle).unwrap();
    let target = dir.join("cues.mp4");
    let existing = dir.join("kept.mp4");
    std::fs::write(&existing, b"not ours to delete").unwrap();
    for path in [&target, &existing] {
        let mut output = Output::create(&ffmpeg, path).unwrap();
        output.add_copy_stream(&stream).unwrap();
        // MP4 cannot hold SubRip: FFmpeg's own explanation comes with the error, with no
        // logger installed.
        let error = output.write_header().unwrap_err();
        assert!(error.to_string().contains("subrip"), "{error}");
    }
    assert!(!target.exists(), "the file the output created is gone");
    assert!(existing.exists(), "a file that was there before stays");
}

#[test]
fn converting_into_a_buffer_with_a_huge_stride_is_refused() {
    let ffmpeg = common::under_test().load();
    let frame = Frame::video(&ffmpeg, 64, 48, "yuv420p").unwrap();
    let single_row = Frame::video(&ffmpeg, 64, 1, "yuv420p").unwrap();
    let colorimetry = Colorimetry::of(&frame);
    let mut out = vec![0; 64 * 48 * 4];
    for stride in [usize::MAX, usize::MAX / 2 + 1, usize::MAX / 47 + 1] {
        let result = convert_into(&frame, RgbFormat::Rgba, colorimetry, &mut out, stride);
        assert!(
            matches!(result, Err(Error::Incompatible { .. })),
            "{stride}: {result:?}"
        );
        // One row needs no second one, however far away it would be.
        convert_into(&single_row, RgbFormat::Rgba, colorimetry, &mut out, stride).unwrap();
    }
}

#[test]
fn an_empty_packet_is_skipped_not_taken_for_the_end() {
    let ffmpeg = common::under_test().load();
    let clip = workloads::make_clip(&ffmpeg, "matroska", Some("mpeg4"), None).unwrap();
    let mut input = Input::from_reader(&ffmpeg, Cursor::new(clip)).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    let empty = Packet::new(&ffmpeg).unwrap();
    let mut frames = 0;
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&empty).unwrap();
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            frames += 1;
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive(&mut frame).unwrap() {
        frames += 1;
    }
    assert_eq!(frames, 10);
}

#[test]
fn a_queue_of_samples_takes_only_its_own_audio() {
    let ffmpeg = common::under_test().load();
    let mut fifo = AudioFifo::new(&ffmpeg, "s16", 48_000, 2).unwrap();
    let invalid = |result: Result<(), Error>| {
        assert!(
            matches!(result, Err(Error::Incompatible { .. })),
            "{result:?}"
        )
    };
    // A picture of a format whose number is also a sample format's.
    invalid(fifo.push(&Frame::video(&ffmpeg, 16, 16, "yuv420p").unwrap()));
    invalid(fifo.push(&Frame::video(&ffmpeg, 16, 16, "rgb24").unwrap()));
    invalid(fifo.push(&Frame::audio(&ffmpeg, 100, "s16", 44_100, 2).unwrap()));
    invalid(fifo.push(&Frame::audio(&ffmpeg, 100, "s16", 48_000, 1).unwrap()));
    invalid(fifo.push(&Frame::audio(&ffmpeg, 100, "fltp", 48_000, 2).unwrap()));
    assert!(fifo.is_empty());
    fifo.push(&Frame::audio(&ffmpeg, 100, "s16", 48_000, 2).unwrap())
        .unwrap();
    assert_eq!(fifo.len(), 100);
}
