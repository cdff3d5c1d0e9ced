//! Scaler and Resampler: conversions FFmpeg's CLI makes the same way, reconfiguration, and
//! the amount of audio that comes out; and the frames they take start zeroed.

mod common;

use common::media::{self, CLIPS};
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{AudioFormat, Error, Ffmpeg, Frame, Packet, Resampler, ScaleQuality, Scaler};
use md5::{Digest, Md5};

fn first_frame(ffmpeg: &Ffmpeg, name: &str) -> Frame {
    let clip = CLIPS.iter().find(|c| c.name == name).unwrap();
    let mut input = Input::open(ffmpeg, media::path(clip)).unwrap();
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
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            if decoder.receive(&mut frame).unwrap() {
                return frame;
            }
        }
    }
    decoder.send_eof().unwrap();
    assert!(decoder.receive(&mut frame).unwrap());
    frame
}

fn md5(frame: &Frame) -> String {
    let mut packed = Vec::new();
    frame.copy_packed(&mut packed).unwrap();
    format!("{:x}", Md5::digest(&packed))
}

#[test]
fn bit_exact_scaling_matches_the_cli_and_the_identity_is_a_no_op() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = first_frame(&ffmpeg, "h264_8bit.mp4");
    let mut scaler = Scaler::new(&ffmpeg, ScaleQuality::BitExact);
    let mut same = Frame::video(&ffmpeg, source.width(), source.height(), "yuv420p").unwrap();
    scaler.scale(&source, &mut same).unwrap();
    assert_eq!(
        md5(&same),
        md5(&source),
        "yuv420p to itself at the same size"
    );
    let mut rgb = Frame::video(&ffmpeg, source.width(), source.height(), "rgb24").unwrap();
    scaler.scale(&source, &mut rgb).unwrap();
    if build.name == "5.1" {
        let clip = CLIPS.iter().find(|c| c.name == "h264_8bit.mp4").unwrap();
        let reference = media::cli()
            .arg("-i")
            .arg(media::path(clip))
            .args([
                "-frames:v",
                "1",
                "-sws_flags",
                "bicubic+accurate_rnd+bitexact",
                "-pix_fmt",
                "rgb24",
                "-f",
                "framemd5",
                "-",
            ])
            .output()
            .unwrap();
        let reference = String::from_utf8(reference.stdout).unwrap();
        let expected = reference
            .lines()
            .rfind(|l| !l.starts_with('#'))
            .and_then(|l| l.rsplit(',').next())
            .unwrap()
            .trim();
        assert_eq!(
            md5(&rgb),
            expected,
            "the CLI's own scaler with the same flags"
        );
    }
}

#[test]
fn one_scaler_follows_changing_sources_and_targets() {
    let ffmpeg = common::under_test().load();
    let mut scaler = Scaler::new(&ffmpeg, ScaleQuality::Bicubic);
    let big = first_frame(&ffmpeg, "h264_8bit.mp4");
    let small = first_frame(&ffmpeg, "png.mkv");
    let ten_bit = first_frame(&ffmpeg, "h264_10bit.mkv");
    for (source, (w, h, format)) in [
        (&big, (88, 72, "yuv420p")),
        (&small, (88, 72, "yuv420p")),
        (&ten_bit, (200, 100, "rgba")),
        (&big, (176, 144, "nv12")),
    ] {
        let mut target = Frame::video(&ffmpeg, w, h, format).unwrap();
        scaler.scale(source, &mut target).unwrap();
        assert_eq!((target.width(), target.height()), (w, h));
        assert_eq!(target.format_name().as_deref(), Some(format));
        assert_eq!(target.pts(), source.pts());
    }
    let mut empty = Frame::new(&ffmpeg).unwrap();
    assert!(
        scaler.scale(&big, &mut empty).is_err(),
        "a target without a picture is refused"
    );
    let mut again = Frame::video(&ffmpeg, 32, 32, "gray").unwrap();
    scaler.scale(&big, &mut again).unwrap();
}

/// A colorimetry set once holds for every context the scaler makes afterwards: after other
/// targets, and after a target swscale cannot make (its context is freed on failure).
#[test]
fn the_colorimetry_holds_across_reconfiguration_and_failure() {
    let ffmpeg = common::under_test().load();
    let source = first_frame(&ffmpeg, "h264_8bit.mp4");
    let rgba = |scaler: &mut Scaler| {
        let mut target = Frame::video(&ffmpeg, 96, 64, "rgba").unwrap();
        scaler.scale(&source, &mut target).unwrap();
        md5(&target)
    };
    let bt709_full = ffmpeg_runtime::Colorimetry {
        matrix: ffmpeg_runtime::Matrix::Bt709,
        range: ffmpeg_runtime::Range::Full,
    };
    let mut scaler = Scaler::new(&ffmpeg, ScaleQuality::BitExact);
    let swscale_default = rgba(&mut scaler);
    scaler.set_colorimetry(bt709_full);
    let first = rgba(&mut scaler);
    assert_ne!(
        first, swscale_default,
        "the colorimetry changes the colours"
    );
    let mut other = Frame::video(&ffmpeg, 64, 48, "nv12").unwrap();
    scaler.scale(&source, &mut other).unwrap();
    assert_eq!(rgba(&mut scaler), first, "after another target");
    // swscale writes no Bayer pictures (on the releases that do, this is one more target).
    let mut bayer = Frame::video(&ffmpeg, 96, 64, "bayer_rggb8").unwrap();
    let _ = scaler.scale(&source, &mut bayer);
    assert_eq!(rgba(&mut scaler), first, "after a failed target");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_is_resampled_to_the_target_format_layout_and_rate() {
    let ffmpeg = common::under_test().load();
    let path = common::scratch_dir("resample").join("tone.mkv");
    let status = media::cli()
        .args([
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=1",
            "-ac",
            "1",
            "-c:a",
            "flac",
            "-y",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let target = AudioFormat {
        sample_format: ffmpeg.sample_format("s16").unwrap(),
        sample_rate: 48_000,
        channel_layout: ffmpeg.default_channel_layout(2).unwrap(),
    };
    let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
    let (mut packet, mut frame, mut out) = (
        Packet::new(&ffmpeg).unwrap(),
        Frame::new(&ffmpeg).unwrap(),
        Frame::new(&ffmpeg).unwrap(),
    );
    // What the resampler holds, in units of 1 / (44 100 × 48 000) s: none before it starts,
    // then the samples read less those written, within a sample of each rate.
    let base = 44_100 * 48_000;
    assert_eq!(resampler.delay(base).unwrap(), 0);
    assert!(matches!(resampler.delay(0), Err(Error::OutOfRange { .. })));
    let holds_the_rest = |resampler: &Resampler, read: usize, written: usize| {
        let rest = read as i64 * 48_000 - written as i64 * 44_100;
        let delay = resampler.delay(base).unwrap();
        assert!(
            delay >= 0 && (delay - rest).abs() < 48_000 + 44_100,
            "{delay} for {rest}"
        );
    };
    let (mut read, mut written) = (0usize, 0usize);
    let check = |out: &Frame| {
        if out.samples() > 0 {
            assert_eq!(out.format_name().as_deref(), Some("s16"));
            assert_eq!((out.sample_rate(), out.channels()), (48_000, Some(2)));
            assert_eq!(out.plane_count(), 1, "s16 is interleaved");
            assert_eq!(out.plane(0).unwrap().row_len(), out.samples() * 2 * 2);
        }
        out.samples()
    };
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            read += frame.samples();
            resampler.convert(Some(&frame), &mut out).unwrap();
            written += check(&out);
            holds_the_rest(&resampler, read, written);
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive(&mut frame).unwrap() {
        read += frame.samples();
        resampler.convert(Some(&frame), &mut out).unwrap();
        written += check(&out);
    }
    resampler.convert(None, &mut out).unwrap();
    written += check(&out);
    assert_eq!(read, 44_100);
    let expected = read * 48_000 / 44_100;
    assert!(
        written.abs_diff(expected) <= 64,
        "{written} samples out for {expected} expected"
    );
}

/// Every byte a new frame exposes is zero, so that nothing reads uninitialised memory through
/// `planes()` or hands it to swscale. (Valgrind found this once; its run now suppresses
/// swscale's branches on its own scratch memory, so this test keeps the guarantee.)
#[test]
fn new_frames_start_zeroed() {
    let ffmpeg = common::under_test().load();
    for (width, height, format) in [
        (940, 849, "yuv444p"),
        (7, 5, "yuv420p"),
        (33, 17, "nv12"),
        (65, 3, "rgba"),
        (31, 9, "yuv420p10le"),
    ] {
        let frame = Frame::video(&ffmpeg, width, height, format).unwrap();
        for plane in frame.planes() {
            assert!(
                plane.rows().flatten().all(|&b| b == 0),
                "{format} {width}x{height}"
            );
        }
    }
    for (format, channels) in [("s16", 2), ("fltp", 6), ("s32p", 1)] {
        let frame = Frame::audio(&ffmpeg, 1000, format, 48_000, channels).unwrap();
        for plane in frame.planes() {
            assert!(
                plane.contiguous().unwrap().iter().all(|&b| b == 0),
                "{format} x{channels}"
            );
        }
    }
}

/// Every audio frame of a generated file.
fn audio_frames(ffmpeg: &Ffmpeg, path: &std::path::Path) -> Vec<Frame> {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut frames = Vec::new();
    let mut take = |decoder: &mut Decoder| loop {
        let mut frame = Frame::new(ffmpeg).unwrap();
        if !decoder.receive(&mut frame).unwrap() {
            break;
        }
        frames.push(frame);
    };
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        take(&mut decoder);
    }
    decoder.send_eof().unwrap();
    take(&mut decoder);
    frames
}

/// Another layout of as many channels (3.0 and 2.1) sets the resampler up anew, as another
/// channel count does (issue 15, finding 11: each 2.1 frame failed with "Input changed").
#[test]
fn a_layout_change_of_the_same_channel_count_reconfigures_the_resampler() {
    let ffmpeg = common::under_test().load();
    let layout = |name: &str, pan: &str| {
        media::generated(
            name,
            &[
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=0.2:sample_rate=48000",
                "-af",
                pan,
                "-c:a",
                "pcm_s16le",
            ],
        )
    };
    let surround = audio_frames(
        &ffmpeg,
        &layout("layout_3.0.wav", "pan=3.0|FL=c0|FR=c0|FC=c0"),
    );
    let with_lfe = audio_frames(
        &ffmpeg,
        &layout("layout_2.1.wav", "pan=2.1|FL=c0|FR=c0|LFE=c0"),
    );
    assert_eq!(
        surround[0].channel_layout().as_ref().map(|v| v.name()),
        Some("3.0")
    );
    assert_eq!(
        with_lfe[0].channel_layout().as_ref().map(|v| v.name()),
        Some("2.1")
    );
    let target = AudioFormat {
        sample_format: ffmpeg.sample_format("s16").unwrap(),
        sample_rate: 48_000,
        channel_layout: ffmpeg.default_channel_layout(2).unwrap(),
    };
    let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
    let mut out = Frame::new(&ffmpeg).unwrap();
    let (mut read, mut written) = (0, 0);
    for (a, b) in surround.iter().zip(&with_lfe) {
        for frame in [a, b] {
            read += frame.samples();
            resampler.convert(Some(frame), &mut out).unwrap();
            written += out.samples();
        }
    }
    resampler.convert(None, &mut out).unwrap();
    written += out.samples();
    assert_eq!(written, read);
}
