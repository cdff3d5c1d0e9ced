//! Synthetic frames → encode → mux → demux → decode, for every encoder the build has; and a
//! remux that keeps every packet.

mod common;

use std::path::Path;

use common::media::{self, CLIPS};
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{
    AudioSettings, Decoder, DecoderOptions, Encoder, EncoderChoice, VideoSettings,
};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Packet};
use md5::{Digest, Md5};

const FRAMES: i64 = 12;
const WIDTH: u32 = 128;
const HEIGHT: u32 = 96;

/// A moving gradient, different in every frame.
fn paint(frame: &mut Frame, index: i64) {
    frame.make_writable().unwrap();
    for (plane_index, mut plane) in frame.planes_mut().unwrap().enumerate() {
        for (row, line) in plane.rows_mut().enumerate() {
            for (column, byte) in line.iter_mut().enumerate() {
                *byte = (row * 3 + column * 2 + index as usize * 7 + plane_index * 50) as u8;
            }
        }
    }
    frame.set_pts(Some(index));
}

fn drain(encoder: &mut Encoder, output: &mut Output, stream: usize, packet: &mut Packet) {
    while encoder.receive(packet).unwrap() {
        output
            .write_packet(packet, stream, encoder.time_base())
            .unwrap();
    }
}

/// Encodes FRAMES pictures to `path`; `Ok(None)` when the build lacks the encoder.
fn encode_video<'a>(
    ffmpeg: &Ffmpeg,
    codec: impl Into<EncoderChoice<'a>>,
    pixel_format: &str,
    path: &Path,
) -> Result<Option<Vec<String>>, Error> {
    let mut output = Output::create(ffmpeg, path)?;
    let settings = VideoSettings {
        frame_rate: Some(Rational::new(25, 1)),
        gop: Some(5),
        threads: 1,
        global_header: output.needs_global_header(),
        // FFmpeg 4.3 still calls libaom-av1 experimental, as `-strict experimental` says.
        options: vec![("strict".into(), "experimental".into())],
        ..VideoSettings::new(
            WIDTH,
            HEIGHT,
            ffmpeg.pixel_format(pixel_format)?,
            Rational::new(1, 25),
        )
    };
    let mut encoder = match Encoder::video(ffmpeg, codec, &settings) {
        Err(Error::EncoderNotFound { .. }) => return Ok(None),
        other => other?,
    };
    let stream = output.add_stream(&encoder)?;
    output.write_header()?;
    let mut frame = Frame::video(ffmpeg, WIDTH, HEIGHT, pixel_format)?;
    let mut packet = Packet::new(ffmpeg)?;
    let mut sent = Vec::new();
    let mut packed = Vec::new();
    for index in 0..FRAMES {
        paint(&mut frame, index);
        frame.copy_packed(&mut packed)?;
        sent.push(format!("{:x}", Md5::digest(&packed)));
        encoder.send(&frame)?;
        drain(&mut encoder, &mut output, stream, &mut packet);
    }
    encoder.send_eof()?;
    drain(&mut encoder, &mut output, stream, &mut packet);
    output.finish()?;
    Ok(Some(sent))
}

#[test]
fn video_round_trips_through_every_available_encoder() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("roundtrip");
    let cases = [
        ("libx264", "yuv420p", "mp4"),
        ("libx265", "yuv420p", "mkv"),
        ("libvpx-vp9", "yuv420p", "webm"),
        ("libaom-av1", "yuv420p", "mkv"),
        ("libsvtav1", "yuv420p", "mkv"),
        ("mpeg4", "yuv420p", "avi"),
        ("mjpeg", "yuvj420p", "mkv"),
        ("ffv1", "yuv420p", "mkv"),
    ];
    let mut encoded = Vec::new();
    for (codec, pixel_format, container) in cases {
        let path = dir.join(format!("{codec}.{container}"));
        let Some(sent) = encode_video(&ffmpeg, codec, pixel_format, &path)
            .unwrap_or_else(|e| panic!("{codec}: {e}"))
        else {
            continue;
        };
        let decoded =
            media::decode_md5s(&ffmpeg, &path, None).unwrap_or_else(|e| panic!("{codec}: {e}"));
        assert_eq!(
            decoded.len(),
            FRAMES as usize,
            "{codec}: every frame comes back"
        );
        let input = Input::open(&ffmpeg, &path).unwrap();
        let stream = input.best_stream(MediaType::Video).unwrap();
        assert_eq!(
            (stream.width(), stream.height()),
            (WIDTH, HEIGHT),
            "{codec}"
        );
        if codec == "ffv1" {
            assert_eq!(decoded, sent, "ffv1 is lossless");
        }
        encoded.push(codec);
    }
    assert!(encoded.len() >= 3, "too few encoders ran: {encoded:?}");
}

#[test]
fn encoders_open_by_codec_id_as_well_as_by_name() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("codec-id");
    let mpeg4 = ffmpeg.codec_id("mpeg4").unwrap();
    assert_eq!(mpeg4.name(), "mpeg4");
    assert!(ffmpeg.has_encoder_for(&mpeg4) && ffmpeg.has_decoder_for(&mpeg4));
    let path = dir.join("by-id.mkv");
    encode_video(&ffmpeg, &mpeg4, "yuv420p", &path)
        .unwrap()
        .expect("every build has mpeg4");
    let input = Input::open(&ffmpeg, &path).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap();
    assert_eq!(video.codec_id(), mpeg4);
    assert_eq!(
        video.pixel_format().as_ref().map(|v| v.name()),
        Some("yuv420p")
    );
    assert_eq!((video.sample_format(), video.channels()), (None, None));

    // An implementation's name names its codec.
    for (implementation, codec) in [
        ("libx264", "h264"),
        ("libdav1d", "av1"),
        ("libopus", "opus"),
    ] {
        if ffmpeg.has_encoder(implementation) || ffmpeg.has_decoder(implementation) {
            assert_eq!(ffmpeg.codec_id(implementation).unwrap().name(), codec);
        }
    }
    // VP6 has decoders and no encoder in every FFmpeg.
    let vp6 = ffmpeg.codec_id("vp6").unwrap();
    assert!(!ffmpeg.has_encoder_for(&vp6) && ffmpeg.has_decoder_for(&vp6));
    let error = encode_video(&ffmpeg, vp6, "yuv420p", &dir.join("vp6.mkv"));
    assert_eq!(error.unwrap(), None, "no encoder for vp6");
    assert!(matches!(
        ffmpeg.codec_id("no-such-codec"),
        Err(Error::UnknownName { kind: "codec", .. })
    ));
    let settings = VideoSettings {
        options: vec![("no_such_option".into(), "1".into())],
        ..VideoSettings::new(
            WIDTH,
            HEIGHT,
            ffmpeg.pixel_format("yuv420p").unwrap(),
            Rational::new(1, 25),
        )
    };
    let error = Encoder::video(&ffmpeg, &mpeg4, &settings).unwrap_err();
    assert!(
        matches!(&error, Error::OptionNotFound { owner, option }
            if owner == "mpeg4" && option == "no_such_option"),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "mpeg4 has no option no_such_option");
}

#[test]
fn audio_round_trips_through_every_available_encoder() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("audio-roundtrip");
    let cases = [
        ("aac", "fltp", "mp4", 48_000),
        ("libopus", "flt", "mkv", 48_000),
        ("flac", "s16", "mkv", 44_100),
    ];
    let mut encoded = Vec::new();
    for (codec, sample_format, container, rate) in cases {
        let path = dir.join(format!("{codec}.{container}"));
        let mut output = Output::create(&ffmpeg, &path).unwrap();
        let settings = AudioSettings {
            bit_rate: Some(128_000),
            global_header: output.needs_global_header(),
            ..AudioSettings::new(
                rate,
                ffmpeg.sample_format(sample_format).unwrap(),
                ffmpeg.default_channel_layout(2).unwrap(),
            )
        };
        let mut encoder = match Encoder::audio(&ffmpeg, codec, &settings) {
            Err(Error::EncoderNotFound { .. }) => continue,
            other => other.unwrap_or_else(|e| panic!("{codec}: {e}")),
        };
        let stream = output.add_stream(&encoder).unwrap();
        output.write_header().unwrap();
        let samples = if encoder.frame_size() > 0 {
            encoder.frame_size()
        } else {
            1024
        };
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let chunks = 20;
        for chunk in 0..chunks {
            let mut frame = Frame::audio(&ffmpeg, samples, sample_format, rate, 2).unwrap();
            frame.set_pts(Some((chunk * samples) as i64));
            for mut plane in frame.planes_mut().unwrap() {
                plane
                    .contiguous_mut()
                    .unwrap()
                    .iter_mut()
                    .enumerate()
                    .for_each(|(i, b)| *b = (i as u8).wrapping_mul(3) & 0x1f);
            }
            encoder.send(&frame).unwrap();
            drain(&mut encoder, &mut output, stream, &mut packet);
        }
        encoder.send_eof().unwrap();
        drain(&mut encoder, &mut output, stream, &mut packet);
        output.finish().unwrap();

        let mut input = Input::open(&ffmpeg, &path).unwrap();
        let audio = input
            .best_stream(MediaType::Audio)
            .expect("the audio stream");
        assert_eq!(audio.sample_rate(), rate, "{codec}");
        assert_eq!(audio.channels(), Some(2), "{codec}");
        assert_eq!(
            audio.channel_layout().as_ref().map(|v| v.name()),
            Some("stereo"),
            "{codec}"
        );
        assert!(audio.sample_format().is_some() && audio.pixel_format().is_none());
        let mut decoder = Decoder::new(&audio, &DecoderOptions::default()).unwrap();
        let (mut frame, mut decoded) = (Frame::new(&ffmpeg).unwrap(), 0usize);
        while input.read_packet(&mut packet).unwrap() {
            decoder.send(&packet).unwrap();
            while decoder.receive(&mut frame).unwrap() {
                assert_eq!(frame.channels(), Some(2), "{codec}");
                assert_eq!(
                    frame.channel_layout().as_ref().map(|v| v.name()),
                    Some("stereo"),
                    "{codec}"
                );
                decoded += frame.samples();
            }
        }
        decoder.send_eof().unwrap();
        while decoder.receive(&mut frame).unwrap() {
            decoded += frame.samples();
        }
        let sent = chunks * samples;
        // Codec delay and padding may add or trim up to one frame at either end.
        assert!(
            decoded + samples >= sent && decoded <= sent + 2 * samples,
            "{codec}: {decoded} of {sent} samples"
        );
        encoded.push(codec);
    }
    assert!(!encoded.is_empty(), "no audio encoder ran");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn remuxing_mkv_to_mp4_keeps_every_packet() {
    let ffmpeg = common::under_test().load();
    let clip = CLIPS.iter().find(|c| c.name == "two_video.mkv").unwrap();
    let source = media::path(clip);
    let target = common::scratch_dir("remux").join("two_video.mp4");
    let packets_of = |path: &Path| -> Vec<(usize, String, bool)> {
        let mut input = Input::open(&ffmpeg, path).unwrap();
        input
            .packets()
            .map(|p| p.unwrap())
            .map(|p| {
                (
                    p.stream_index(),
                    format!("{:x}", Md5::digest(p.data())),
                    p.is_key(),
                )
            })
            .collect()
    };
    {
        let mut input = Input::open(&ffmpeg, &source).unwrap();
        let mut output = Output::create(&ffmpeg, &target).unwrap();
        let mut time_bases = Vec::new();
        for stream in input.streams() {
            output.add_copy_stream(&stream).unwrap();
            time_bases.push(stream.time_base());
        }
        output.write_header().unwrap();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        while input.read_packet(&mut packet).unwrap() {
            let index = packet.stream_index();
            output
                .write_packet(&mut packet, index, time_bases[index])
                .unwrap();
        }
        output.finish().unwrap();
    }
    let (mut before, mut after) = (packets_of(&source), packets_of(&target));
    // Interleaving may differ between containers; each stream's sequence must not.
    before.sort_by_key(|p| p.0);
    after.sort_by_key(|p| p.0);
    assert_eq!(after.len(), before.len());
    assert_eq!(after, before);
    // And it still decodes to the same pictures.
    assert_eq!(
        media::decode_md5s(&ffmpeg, &target, Some(1)).unwrap(),
        media::reference_md5s(&source, Some(1))
    );
}

/// Packets take the durations of the frames they came from where the settings ask for it
/// and the release can (libavcodec 59.59, FFmpeg 6.0); otherwise one frame at the rate.
#[test]
fn packets_take_their_frames_durations_where_asked() {
    let ffmpeg = common::under_test().load();
    let takes_durations = ffmpeg.library_is_at_least(ffmpeg_runtime::Library::AvCodec, (59, 59));
    for frame_durations in [false, true] {
        let settings = VideoSettings {
            frame_rate: Some(Rational::new(25, 1)),
            threads: 1,
            frame_durations,
            ..VideoSettings::new(
                WIDTH,
                HEIGHT,
                ffmpeg.pixel_format("yuv420p").unwrap(),
                Rational::new(1, 25),
            )
        };
        let mut encoder = Encoder::video(&ffmpeg, "mpeg4", &settings).unwrap();
        let mut frame = Frame::video(&ffmpeg, WIDTH, HEIGHT, "yuv420p").unwrap();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let mut durations = Vec::new();
        for index in 0..3 {
            paint(&mut frame, index);
            frame.set_pts(Some(index * 3));
            frame.set_duration(Some(3));
            encoder.send(&frame).unwrap();
            while encoder.receive(&mut packet).unwrap() {
                durations.push(packet.duration());
            }
        }
        encoder.send_eof().unwrap();
        while encoder.receive(&mut packet).unwrap() {
            durations.push(packet.duration());
        }
        let expected = if frame_durations && takes_durations {
            3
        } else {
            1
        };
        assert_eq!(
            durations, [expected; 3],
            "frame_durations {frame_durations}"
        );
    }
}
