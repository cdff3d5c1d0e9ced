//! Finding codecs and formats: the lists of encoders, decoders, demuxers and muxers against
//! the CLI's `-decoders`, `-encoders`, `-demuxers` and `-muxers` (where the build under test is
//! the CLI's own library), and opening a decoder by name.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::media;
use ffmpeg_runtime::codec::{Codec, Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Library, Packet};

/// Whether the build under test is the library the CLI runs on (Debian's 5.1).
fn is_the_clis_library(ffmpeg: &Ffmpeg) -> bool {
    let output = media::cli().arg("-version").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let version = ffmpeg
        .library(Library::AvCodec)
        .expect("a required library")
        .version();
    let cli_line = text
        .lines()
        .find(|line| line.starts_with("libavcodec"))
        .unwrap_or_default()
        .replace(' ', "");
    cli_line.contains(&format!(
        "{}.{}.{}/",
        version.major, version.minor, version.patch
    ))
}

/// One row of a CLI listing after its `---` line: the flag column, the name, the long name.
fn cli_listing(option: &str) -> Vec<(String, String, String)> {
    let output = media::cli().arg(option).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.lines()
        .skip_while(|line| !line.trim_start().starts_with("--"))
        .skip(1)
        .filter_map(|line| {
            let mut parts = line.trim_start_matches(' ').splitn(2, ' ');
            let first = parts.next()?;
            let rest = parts.next()?.trim_start();
            let (name, long) = rest.split_once(' ').unwrap_or((rest, ""));
            Some((first.to_owned(), name.to_owned(), long.trim().to_owned()))
        })
        .collect()
}

fn flags_of(codec: &Codec) -> String {
    let capabilities = codec.capabilities();
    let kind = match codec.media_type() {
        MediaType::Video => 'V',
        MediaType::Audio => 'A',
        MediaType::Subtitle => 'S',
        _ => '?',
    };
    let flag = |on: bool, letter: char| if on { letter } else { '.' };
    format!(
        "{kind}{}{}{}",
        flag(capabilities.frame_threads, 'F'),
        flag(capabilities.slice_threads, 'S'),
        flag(capabilities.experimental, 'X'),
    )
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn codec_lists_match_the_cli() {
    let ffmpeg = common::under_test().load();
    let decoders = ffmpeg.decoders();
    let encoders = ffmpeg.encoders();
    assert!(!decoders.is_empty() && !encoders.is_empty());
    assert_eq!(decoders.len() + encoders.len(), ffmpeg.codecs().len());
    assert!(decoders.iter().all(|c| c.is_decoder() && !c.is_encoder()));
    assert!(encoders.iter().all(|c| c.is_encoder() && !c.is_decoder()));
    if !is_the_clis_library(&ffmpeg) {
        return;
    }
    for (option, ours) in [("-decoders", decoders), ("-encoders", encoders)] {
        // The CLI lists video, audio and subtitles; data codecs have no row.
        let ours: BTreeMap<String, (String, String)> = ours
            .iter()
            .filter(|c| {
                matches!(
                    c.media_type(),
                    MediaType::Video | MediaType::Audio | MediaType::Subtitle
                )
            })
            .map(|c| {
                let flags = flags_of(c);
                (c.name().to_owned(), (flags, c.long_name().to_owned()))
            })
            .collect();
        let cli: BTreeMap<String, (String, String)> = cli_listing(option)
            .into_iter()
            .map(|(flags, name, long)| (name, (flags[..4].to_owned(), long)))
            .collect();
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            cli.keys().collect::<Vec<_>>(),
            "{option}"
        );
        for (name, (flags, long)) in &ours {
            let (cli_flags, cli_long) = &cli[name];
            assert_eq!(flags, cli_flags, "{option} {name}");
            // The CLI adds " (codec NAME)" where the codec is named otherwise.
            assert!(
                cli_long.starts_with(long.as_str()),
                "{option} {name}: {long}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn format_lists_match_the_cli() {
    let ffmpeg = common::under_test().load();
    let demuxers = ffmpeg.demuxers();
    let muxers = ffmpeg.muxers();
    assert!(demuxers.iter().any(|d| d.name() == "matroska,webm"));
    let mp4 = muxers.iter().find(|m| m.name() == "mp4").unwrap();
    assert!(mp4.extensions().contains(&"mp4") && mp4.uses_io());
    assert!(mp4.stores_timestamps() && mp4.needs_global_header());
    // H.264 where the build has libx264, MPEG-4 part 2 otherwise.
    let video = mp4.default_video_codec().unwrap();
    assert!(["h264", "mpeg4"].contains(&video.name()), "{video:?}");
    assert_eq!(mp4.default_audio_codec().unwrap().name(), "aac");
    if !is_the_clis_library(&ffmpeg) {
        return;
    }
    // The CLI also lists libavdevice's devices, which the crate does not load.
    let devices: BTreeSet<String> = cli_listing("-devices")
        .into_iter()
        .map(|(_, name, _)| name)
        .collect();
    for (option, ours) in [
        (
            "-demuxers",
            demuxers
                .iter()
                .map(|d| (d.name(), d.long_name()))
                .collect::<Vec<_>>(),
        ),
        (
            "-muxers",
            muxers.iter().map(|m| (m.name(), m.long_name())).collect(),
        ),
    ] {
        let cli: BTreeMap<String, String> = cli_listing(option)
            .into_iter()
            .filter(|(_, name, _)| !devices.contains(name))
            .map(|(_, name, long)| (name, long))
            .collect();
        // Two muxers are named `matroska` (the second writes .mka): the CLI shows the first.
        let mut first_of_each = BTreeMap::new();
        for (name, long) in ours {
            first_of_each
                .entry(name.to_owned())
                .or_insert_with(|| long.to_owned());
        }
        let ours = first_of_each;
        assert_eq!(ours, cli, "{option}");
    }
}

#[test]
fn a_decoder_chosen_by_name_decodes_as_the_default_does() {
    let ffmpeg = common::under_test().load();
    let path = media::generated(
        "catalog.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=25:duration=0.4",
            "-c:v",
            "mpeg4",
        ],
    );
    let default = media::decode_md5s(&ffmpeg, &path, None).unwrap();
    let input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    let options = DecoderOptions::default();
    let codec = Codec::decoder_named(&ffmpeg, "mpeg4").unwrap();
    assert!(codec.is_decoder() && codec.capabilities().delay);
    let mut decoder = Decoder::with_codec(&stream, &codec, &options).unwrap();
    let index = stream.index();
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    let mut pictures = 0;
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            while decoder.receive(&mut frame).unwrap() {
                pictures += 1;
            }
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive(&mut frame).unwrap() {
        pictures += 1;
    }
    assert_eq!(pictures, default.len());

    // Refusals: no such decoder, an encoder, a decoder of another codec.
    let missing = Codec::decoder_named(&ffmpeg, "no-such-decoder");
    assert!(
        matches!(missing, Err(Error::DecoderNotFound { .. })),
        "{missing:?}"
    );
    let encoder = Codec::encoder(&ffmpeg, "mpeg4").unwrap();
    let refused = Decoder::with_codec(&stream, &encoder, &options);
    assert!(matches!(refused, Err(Error::Incompatible { .. })));
    let other = ffmpeg
        .decoders()
        .into_iter()
        .find(|c| c.media_type() == MediaType::Video && c.name() != "mpeg4")
        .unwrap();
    let refused = Decoder::with_codec(&stream, &other, &options);
    assert!(matches!(refused, Err(Error::Incompatible { .. })));
    // A decoder of another loaded FFmpeg never meets this one's stream.
    let partner = common::partner().load();
    let foreign = Codec::decoder_named(&partner, "mpeg4").unwrap();
    let refused = Decoder::with_codec(&stream, &foreign, &options);
    assert!(
        matches!(refused, Err(Error::ForeignObject { .. })),
        "{refused:?}"
    );
    assert_eq!(input.demuxer().name(), "matroska,webm");
}
