//! Channel layouts as typed values: found by name and by count as the CLI finds them, written
//! by the encoder, the FIFO and the resampler, and read back by the demuxer and the decoder
//! (and by ffprobe where installed) unchanged, on every family's channel API.

mod common;

use std::path::Path;
use std::process::Command;

use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{
    AudioFifo, AudioFormat, ChannelLayout, Error, Ffmpeg, Frame, Library, Packet, Resampler,
};

/// (name, channels, `AV_CH_*` mask) of layouts every release names the same.
const NAMED: [(&str, u32, u64); 7] = [
    ("mono", 1, 0x4),
    ("stereo", 2, 0x3),
    ("2.1", 3, 0xB),
    ("quad", 4, 0x33),
    ("5.1", 6, 0x3F),
    ("5.1(side)", 6, 0x60F),
    ("7.1", 8, 0x63F),
];

#[test]
fn layouts_are_found_by_name_as_the_cli_names_them() {
    let ffmpeg = common::under_test().load();
    for (name, channels, mask) in NAMED {
        let layout = ffmpeg.channel_layout(name).unwrap();
        assert_eq!(
            (layout.name(), layout.channels(), layout.mask()),
            (name, channels, Some(mask))
        );
        assert_eq!(layout.to_string(), name);
    }
    // A list of channels is the layout with those channels.
    let listed = ffmpeg.channel_layout("FL+FR+LFE").unwrap();
    assert_eq!(listed, ffmpeg.channel_layout("2.1").unwrap());
    // A count followed by `c` is the default layout of that count.
    let counted = ffmpeg.channel_layout("3c").unwrap();
    assert_eq!(counted, ffmpeg.default_channel_layout(3).unwrap());
    assert!(!counted.is_unspecified());
    for bad in ["no-such-layout", ""] {
        assert!(
            matches!(
                ffmpeg.channel_layout(bad),
                Err(Error::UnknownName {
                    kind: "channel layout",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        ffmpeg.channel_layout("st\0ereo"),
        Err(Error::InvalidText { .. })
    ));
}

#[test]
fn default_layouts_follow_the_channel_count() {
    let ffmpeg = common::under_test().load();
    for (channels, name) in [(1, "mono"), (2, "stereo"), (6, "5.1"), (8, "7.1")] {
        let layout = ffmpeg.default_channel_layout(channels).unwrap();
        assert_eq!(layout, ffmpeg.channel_layout(name).unwrap());
    }
    for channels in [0, u32::MAX] {
        assert!(matches!(
            ffmpeg.default_channel_layout(channels),
            Err(Error::OutOfRange { .. })
        ));
    }
}

/// Encodes 16-bit PCM of `layout` into a WAV file (which stores the mask beyond two channels).
fn encode_wav(ffmpeg: &Ffmpeg, layout: &ChannelLayout, path: &Path) {
    let mut output = Output::create(ffmpeg, path).unwrap();
    let settings = AudioSettings::new(48_000, ffmpeg.sample_format("s16").unwrap(), layout.clone());
    let mut encoder = Encoder::audio(ffmpeg, "pcm_s16le", &settings).unwrap();
    let stream = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    let mut fifo = AudioFifo::new(ffmpeg, "s16", 48_000, layout).unwrap();
    let mut chunk = Frame::audio(ffmpeg, 4800, "s16", 48_000, layout).unwrap();
    assert_eq!(chunk.channel_layout().as_ref(), Some(layout));
    chunk.planes_mut().unwrap().for_each(|mut plane| {
        let bytes = plane.contiguous_mut().unwrap();
        bytes.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    });
    fifo.push(&chunk).unwrap();
    let (mut frame, mut packet) = (Frame::new(ffmpeg).unwrap(), Packet::new(ffmpeg).unwrap());
    let mut pts = 0;
    while fifo.pop(1024, &mut frame).unwrap() {
        assert_eq!(
            frame.channel_layout().as_ref(),
            Some(layout),
            "from the FIFO"
        );
        frame.set_pts(Some(pts));
        pts += frame.samples() as i64;
        encoder.send(&frame).unwrap();
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    }
    encoder.send_eof().unwrap();
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    output.finish().unwrap();
}

/// ffprobe's `channel_layout` of the first audio stream, where ffprobe is installed.
fn ffprobe_layout(path: &Path) -> Option<String> {
    let output = Command::new("ffprobe")
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .args(["stream=channel_layout", "-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[test]
fn multichannel_layouts_survive_encoding_muxing_and_decoding() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("channel-layouts");
    for name in ["2.1", "quad", "5.1", "5.1(side)", "7.1"] {
        let layout = ffmpeg.channel_layout(name).unwrap();
        let path = dir.join(format!("{name}.wav"));
        encode_wav(&ffmpeg, &layout, &path);
        if let Some(probed) = ffprobe_layout(&path) {
            assert_eq!(probed, name, "ffprobe reads what was written");
        }
        let mut input = Input::open(&ffmpeg, &path).unwrap();
        let stream = input.best_stream(MediaType::Audio).unwrap();
        assert_eq!(stream.channel_layout().as_ref(), Some(&layout), "{name}");
        assert_eq!(stream.channels(), Some(layout.channels()));
        let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
        let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
        let mut decoded = 0;
        while input.read_packet(&mut packet).unwrap() {
            decoder.send(&packet).unwrap();
            while decoder.receive(&mut frame).unwrap() {
                assert_eq!(frame.channel_layout().as_ref(), Some(&layout), "{name}");
                decoded += frame.samples();
            }
        }
        assert_eq!(decoded, 4800, "{name}");
    }
}

#[test]
fn the_resampler_produces_the_layout_asked_for() {
    let ffmpeg = common::under_test().load();
    let source = Frame::audio(&ffmpeg, 480, "fltp", 48_000, "stereo").unwrap();
    for name in ["mono", "5.1(side)", "7.1"] {
        let layout = ffmpeg.channel_layout(name).unwrap();
        let target = AudioFormat {
            sample_format: ffmpeg.sample_format("s16").unwrap(),
            sample_rate: 48_000,
            channel_layout: layout.clone(),
        };
        let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
        let mut output = Frame::new(&ffmpeg).unwrap();
        resampler.convert(Some(&source), &mut output).unwrap();
        assert_eq!(output.channel_layout().as_ref(), Some(&layout), "{name}");
    }
    // A target by count gets the default layout for it, as the CLI does.
    let target = AudioFormat {
        sample_format: ffmpeg.sample_format("s16").unwrap(),
        sample_rate: 48_000,
        channel_layout: ffmpeg.channel_layout("2c").unwrap(),
    };
    let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
    let mut output = Frame::new(&ffmpeg).unwrap();
    resampler.convert(Some(&source), &mut output).unwrap();
    let stereo = ffmpeg.channel_layout("stereo").unwrap();
    assert_eq!(output.channel_layout(), Some(stereo));
}

#[test]
fn a_count_without_a_layout_is_unspecified_and_still_resamples() {
    let ffmpeg = common::under_test().load();
    // Matroska stores PCM's channel count only.
    let path = common::media::generated(
        "three_unspecified_channels.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=0.1,pan=2.1|c0=c0|c1=c0|c2=c0",
            "-c:a",
            "pcm_s16le",
        ],
    );
    if let Some(probed) = ffprobe_layout(&path) {
        assert_eq!(probed, "unknown");
    }
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let layout = stream.channel_layout().unwrap();
    assert!(layout.is_unspecified(), "{layout:?}");
    assert_eq!((layout.channels(), layout.mask()), (3, None));
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let target = AudioFormat {
        sample_format: ffmpeg.sample_format("s16").unwrap(),
        sample_rate: 48_000,
        channel_layout: ffmpeg.channel_layout("stereo").unwrap(),
    };
    let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
    let (mut packet, mut frame, mut output) = (
        Packet::new(&ffmpeg).unwrap(),
        Frame::new(&ffmpeg).unwrap(),
        Frame::new(&ffmpeg).unwrap(),
    );
    let mut resampled = 0;
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            assert_eq!(frame.channels(), Some(3));
            resampler.convert(Some(&frame), &mut output).unwrap();
            assert_eq!(output.channels(), Some(2));
            resampled += output.samples();
        }
    }
    assert!(resampled > 0);
}

/// An ambisonic order (Opus's channel mapping family 2, the sound of 360° video) is a layout
/// of its own, not a count only: the stream's and its frames' layout read by FFmpeg's name
/// of it, as ffprobe prints it, and kept when written to a frame. Releases without the
/// channel layout API (4.x) know only the mask's order: a count only there.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn an_ambisonic_order_is_a_layout_as_ffprobe_names_it() {
    let ffmpeg = common::under_test().load();
    let path = common::media::ambisonic_opus();
    if let Some(probed) = ffprobe_layout(&path) {
        assert_eq!(probed, "ambisonic 1");
    }
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let layout = stream.channel_layout().unwrap();
    if ffmpeg.family().major(Library::AvUtil) < 57 {
        assert!(layout.is_unspecified(), "{layout:?}");
        return;
    }
    assert_eq!(
        (layout.name(), layout.channels(), layout.mask()),
        ("ambisonic 1", 4, None)
    );
    assert!(!layout.is_unspecified());
    assert_eq!(ffmpeg.channel_layout("ambisonic 1").unwrap(), layout);
    let index = stream.index();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    let mut decoded = 0;
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() != index {
            continue;
        }
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            assert_eq!(frame.channel_layout().as_ref(), Some(&layout));
            decoded += 1;
        }
    }
    assert!(decoded > 0);
    let made = Frame::audio(&ffmpeg, 64, "flt", 48_000, &layout).unwrap();
    assert_eq!(made.channel_layout(), Some(layout));
}

#[test]
fn encoders_list_the_layouts_they_take() {
    let ffmpeg = common::under_test().load();
    let stereo = ffmpeg.channel_layout("stereo").unwrap();
    for codec in ["aac", "ac3", "mp2"] {
        let Ok(codec) = ffmpeg_runtime::codec::Codec::encoder(&ffmpeg, codec) else {
            continue;
        };
        let layouts = codec.channel_layouts();
        assert!(layouts.contains(&stereo), "{codec:?}: {layouts:?}");
        let counts = codec.channel_counts();
        assert!(counts.contains(&2));
    }
}
