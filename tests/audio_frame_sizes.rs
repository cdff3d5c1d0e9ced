//! Audio encoders' frame sizes and packet lengths as the CLI sets them: the frame size
//! asked of an encoder of one frame size (FFmpeg 9.0's CLI asks for its first frame's), the
//! length of a short last frame's packet (the CLI from 6.0 gives frames their lengths), and
//! the layout libavfilter chooses where the encoder lacks the source's.

mod common;

use std::path::Path;

use common::media;
use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Library, Packet};

fn stereo_s16(ffmpeg: &Ffmpeg, frame_size: Option<u32>) -> AudioSettings {
    AudioSettings {
        frame_size,
        ..AudioSettings::new(
            48_000,
            ffmpeg.sample_format("s16").unwrap(),
            ffmpeg.default_channel_layout(2).unwrap(),
        )
    }
}

#[test]
fn an_encoder_of_one_frame_size_takes_the_size_asked_where_it_can() {
    let ffmpeg = common::under_test().load();
    let flac = Encoder::audio(&ffmpeg, "flac", &stereo_s16(&ffmpeg, Some(1024))).unwrap();
    assert_eq!(flac.frame_size(), 1024, "FLAC takes it");
    let default = Encoder::audio(&ffmpeg, "flac", &stereo_s16(&ffmpeg, None)).unwrap();
    assert_eq!(default.frame_size(), 4608, "FLAC's own at 48 kHz");
    // MP2 codes 1152 samples a frame whatever it is asked (AC-3 refuses another size).
    let mp2 = Encoder::audio(&ffmpeg, "mp2", &stereo_s16(&ffmpeg, Some(1024))).unwrap();
    assert_eq!(mp2.frame_size(), 1152);
    let too_big = Encoder::audio(&ffmpeg, "flac", &stereo_s16(&ffmpeg, Some(u32::MAX)));
    assert!(
        matches!(too_big, Err(Error::OutOfRange { .. })),
        "{:?}",
        too_big.err()
    );
}

/// The packets' lengths of three whole MP2 frames and a last one of 500 samples, with each
/// frame's length given (`durations`) or not, and the encoder's initial padding.
fn packet_lengths(ffmpeg: &Ffmpeg, durations: bool) -> (Vec<i64>, i64) {
    let settings = AudioSettings {
        frame_durations: durations,
        bit_rate: Some(128_000),
        ..stereo_s16(ffmpeg, None)
    };
    let mut encoder = Encoder::audio(ffmpeg, "mp2", &settings).unwrap();
    let whole = encoder.frame_size();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut lengths = Vec::new();
    let mut pts = 0;
    for samples in [whole, whole, whole, 500] {
        let mut frame = Frame::audio(ffmpeg, samples, "s16", 48_000, 2).unwrap();
        for mut plane in frame.planes_mut().unwrap() {
            plane.contiguous_mut().unwrap().fill(0);
        }
        frame.set_pts(Some(pts));
        frame.set_duration(Some(samples as i64));
        pts += samples as i64;
        encoder.send(&frame).unwrap();
        while encoder.receive(&mut packet).unwrap() {
            lengths.push(packet.duration());
        }
    }
    encoder.send_eof().unwrap();
    while encoder.receive(&mut packet).unwrap() {
        lengths.push(packet.duration());
    }
    (lengths, encoder.initial_padding() as i64)
}

#[test]
fn a_short_last_frames_packet_lasts_as_its_samples_where_the_release_can() {
    let ffmpeg = common::under_test().load();
    let whole = 1152;
    let (padded, _) = packet_lengths(&ffmpeg, false);
    assert_eq!(padded, vec![whole; 4], "the padded frame's length");
    let (given, initial_padding) = packet_lengths(&ffmpeg, true);
    // libavcodec 59.59 (6.0) on gives a packet its frame's length; 9.0's adds the samples
    // the encoder delays by (and marks the rest of the frame to be discarded).
    let last = if ffmpeg.family().ffmpeg_major() >= 9 {
        (500 + initial_padding).min(whole)
    } else if ffmpeg.library_is_at_least(Library::AvCodec, (59, 59)) {
        500
    } else {
        whole
    };
    assert_eq!(given, vec![whole, whole, whole, last]);
}

/// A second of a tone at 44.1 kHz in WAV, whose demuxer gives packets of 4096 samples.
fn tone_wav(name: &str, channels: &str) -> std::path::PathBuf {
    media::generated(
        name,
        &[
            "-f",
            "lavfi",
            "-i",
            &format!(
                "sine=duration=1:sample_rate=44100,pan={channels}|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0"
            ),
            "-c:a",
            "pcm_s16le",
        ],
    )
}

fn first_frame_samples(ffmpeg: &Ffmpeg, path: &Path) -> usize {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        if decoder.receive(&mut frame).unwrap() {
            return frame.samples();
        }
    }
    panic!("{}: no audio frame", path.display())
}

fn transcode(source: &Path, output: &Path, args: &[&str]) {
    let build = common::under_test();
    let mut command = common::example_command("transcode", &build);
    command.arg(source).arg(output).args(args);
    common::stdout_bytes_of(&mut command, &output.display().to_string());
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn flac_frames_take_the_first_frames_size_from_9_0() {
    let ffmpeg = common::under_test().load();
    let source = tone_wav("tone_44k_octo.wav", "7.1");
    let dir = common::scratch_dir("flac-frame-sizes");
    let output = dir.join("tone.mkv");
    transcode(&source, &output, &["--acodec", "flac"]);
    let first = first_frame_samples(&ffmpeg, &source);
    let expected = match ffmpeg.family().ffmpeg_major() >= 9 {
        true => first,
        // FLAC's own block size at 44.1 kHz.
        false => 4608,
    };
    assert_eq!(first_frame_samples(&ffmpeg, &output), expected);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn seven_one_into_alac_takes_the_layout_libavfilter_chooses() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let source = tone_wav("tone_44k_octo.wav", "7.1");
    let dir = common::scratch_dir("alac-layout");
    let output = dir.join("tone.m4a");
    // ALAC takes 7.1(wide) but not 7.1: the count alone chose 7.1 and the encoder refused it.
    transcode(&source, &output, &["--acodec", "alac"]);
    let input = Input::open(&ffmpeg, &output).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let layout = stream.channel_layout().unwrap();
    // As every CLI from 5.1 to 9.0 chooses.
    assert_eq!(layout.to_string(), "6.1(back)");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_gray_pictures_own_matrix_reaches_the_encoder_where_libavfilter_negotiates_colour() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let source = media::png_picture("gray");
    let dir = common::scratch_dir("gray-matrix");
    let output = dir.join("gray.mkv");
    transcode(&source, &output, &[]);
    let stated = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let stream = input.best_stream(MediaType::Video).unwrap();
        stream.color().matrix
    };
    let picture = stated(&source);
    // From 7.0 (libavfilter 10) a gray picture leaves the graph with its own matrix (the
    // PNG decoder's `gbr` from 6.1), which the CLI gives its encoder.
    if ffmpeg.family().major(Library::AvFilter) >= 10 {
        assert_eq!(stated(&output), picture);
    }
    let _ = std::fs::remove_dir_all(dir);
}
