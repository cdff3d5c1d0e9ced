//! The `transcode` example's encoders, chosen as `ffmpeg -i IN OUT` chooses them: each
//! container's own default codecs, through FFmpeg's preferred encoder of each, and no stream
//! of a kind the container does not hold. Checked on every build against what that build's
//! muxers state, and on the CLI's own major against the CLI's output, packet for packet.

mod common;

use std::path::Path;

use common::media;
use ffmpeg_runtime::codec::{Codec, Decoder, DecoderOptions, EncoderChoice};
use ffmpeg_runtime::format::{Input, MediaType, Muxer, SideDataValue};
use ffmpeg_runtime::{Ffmpeg, Library, Packet, Range};

/// Output extensions and the muxers they pick.
const CONTAINERS: [(&str, &str); 10] = [
    ("mkv", "matroska"),
    ("mp4", "mp4"),
    ("ts", "mpegts"),
    ("webm", "webm"),
    ("avi", "avi"),
    ("ogg", "ogg"),
    ("flv", "flv"),
    ("nut", "nut"),
    ("wav", "wav"),
    ("mp3", "mp3"),
];

/// The codecs of `path`'s streams, one per stream, in order.
fn stream_codecs(ffmpeg: &Ffmpeg, path: &Path) -> Vec<String> {
    let input = Input::open(ffmpeg, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let codecs = input.streams().map(|s| s.codec_id().name().to_owned());
    codecs.collect()
}

/// Runs the `transcode` example from `source` to `output` with `options`: its stderr and
/// whether it succeeded.
fn run_transcode(
    build: &common::Build,
    source: &Path,
    output: &Path,
    options: &[&str],
) -> (bool, String) {
    let ran = common::example_command("transcode", build)
        .arg(source)
        .arg(output)
        .args(options)
        .output()
        .expect("the transcode example runs");
    let stderr = String::from_utf8_lossy(&ran.stderr).into_owned();
    (ran.status.success(), stderr)
}

/// Transcodes `source` to `output`, which must succeed.
fn transcode_ok(build: &common::Build, source: &Path, output: &Path) {
    transcode_ok_with(build, source, output, &[]);
}

/// Transcodes `source` to `output` with `options`, which must succeed.
fn transcode_ok_with(build: &common::Build, source: &Path, output: &Path, options: &[&str]) {
    let (succeeded, stderr) = run_transcode(build, source, output, options);
    assert!(
        succeeded,
        "{} → {}: {stderr}",
        source.display(),
        output.display()
    );
}

/// Transcodes `source` to `output`, which must fail and leave no file: its stderr.
fn transcode_refused(build: &common::Build, source: &Path, output: &Path) -> String {
    let (succeeded, stderr) = run_transcode(build, source, output, &[]);
    assert!(
        !succeeded,
        "{} → {}: {stderr}",
        source.display(),
        output.display()
    );
    assert!(!output.exists(), "{}: no file", output.display());
    stderr
}

/// The CLI's own `ffmpeg -i SOURCE OUTPUT`.
fn cli_transcode(source: &Path, output: &Path) {
    cli_transcode_with(source, output, &[]);
}

/// The CLI's own `ffmpeg -i SOURCE OPTIONS OUTPUT`.
fn cli_transcode_with(source: &Path, output: &Path, options: &[&str]) {
    let mut cli = media::cli();
    cli.args(["-y", "-i"]).arg(source).args(options).arg(output);
    common::stdout_bytes_of(&mut cli, &format!("the CLI's {}", output.display()));
}

/// The codecs this build's CLI would write for `source` into `muxer`, from what the muxer
/// states; `None` where the build has no encoder for one of them.
fn expected_codecs(ffmpeg: &Ffmpeg, source: &Path, muxer: &Muxer) -> Option<Vec<String>> {
    let input = Input::open(ffmpeg, source).unwrap();
    let mut codecs = Vec::new();
    for kind in [MediaType::Video, MediaType::Audio] {
        if input
            .auto_selected_stream_for(kind, muxer)
            .unwrap()
            .is_none()
        {
            continue;
        }
        let default = match kind {
            MediaType::Video => muxer.default_video_codec(),
            _ => muxer.default_audio_codec(),
        };
        let default = default.expect("a stream is taken only of a kind the muxer holds");
        let encoder = Codec::encoder(ffmpeg, EncoderChoice::ForCodec(default.clone())).ok()?;
        // The CLI opens an experimental encoder (4.1's Vorbis) only when told to.
        if encoder.is_experimental() {
            return None;
        }
        codecs.push(default.name().to_owned());
    }
    codecs.sort();
    Some(codecs)
}

fn sources() -> [std::path::PathBuf; 2] {
    let audio = "sine=frequency=300:duration=1:sample_rate=44100";
    [
        media::generated(
            "tcc_video_audio.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=176x144:rate=25:duration=1",
                "-f",
                "lavfi",
                "-i",
                audio,
                "-c:v",
                "ffv1",
                "-c:a",
                "pcm_s16le",
            ],
        ),
        // Sound with a cover picture: MP3 keeps it, where other containers encode it as video.
        media::generated(
            "tcc_cover.mp3",
            &[
                "-f",
                "lavfi",
                "-i",
                audio,
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=64x48:rate=1:duration=1",
                "-map",
                "0",
                "-map",
                "1",
                "-frames:v",
                "1",
                "-c:v",
                "png",
                "-disposition:v",
                "attached_pic",
            ],
        ),
    ]
}

#[test]
fn each_container_gets_its_own_default_codecs_as_the_cli_gives_them() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let the_clis_major = !cfg!(windows) && ffmpeg.family().ffmpeg_major() == 5;
    let dir = common::scratch_dir("transcode-containers");
    for source in sources() {
        let stem = source.file_stem().unwrap().to_str().unwrap().to_owned();
        for (extension, muxer_name) in CONTAINERS {
            let muxer = ffmpeg.muxer(muxer_name).unwrap();
            let output = dir.join(format!("{stem}.{extension}"));
            let what = format!("{stem} → {extension}");
            if stem == "tcc_cover" && extension == "mp4" {
                // Encoded as H.264, a cover picture is refused by MP4's muxer, the CLI's too.
                transcode_refused(&build, &source, &output);
                continue;
            }
            let Some(expected) = expected_codecs(&ffmpeg, &source, &muxer) else {
                // As the CLI, which asks for an encoder to be named.
                let stderr = transcode_refused(&build, &source, &output);
                assert!(stderr.contains("name "), "{what}: {stderr}");
                continue;
            };
            transcode_ok(&build, &source, &output);
            // In the order the demuxer finds them (FLV's: the first packet's stream first).
            let written = stream_codecs(&ffmpeg, &output);
            let mut sorted = written.clone();
            sorted.sort();
            assert_eq!(sorted, expected, "{what}");
            if the_clis_major {
                let cli_output = dir.join(format!("cli-{stem}.{extension}"));
                cli_transcode(&source, &cli_output);
                assert_eq!(written, stream_codecs(&ffmpeg, &cli_output), "{what}");
                // Every encoder here is deterministic: packet for packet the CLI's.
                assert_same_packets(&ffmpeg, &output, &cli_output, &what);
            }
        }
    }
}

/// Where the container holds no video (WAV), or video only as a cover picture (MP3), the
/// video is left out with a notice; with nothing left to write, transcode says why and
/// writes nothing, where the CLI says that its output "does not contain any stream".
#[test]
fn video_the_container_cannot_hold_is_left_out_with_a_notice() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let [with_audio, _] = sources();
    let video_only = media::generated(
        "tcc_video_only.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=1",
            "-c:v",
            "ffv1",
        ],
    );
    let dir = common::scratch_dir("transcode-left-out");
    for (extension, holds) in [("wav", "no video"), ("mp3", "video only as a cover")] {
        let muxer = ffmpeg.muxer(extension).unwrap();
        let sound = muxer.default_audio_codec().unwrap();
        if Codec::encoder(&ffmpeg, EncoderChoice::ForCodec(sound)).is_err() {
            continue; // 4.1 has no MP3 encoder
        }
        let output = dir.join(format!("sound.{extension}"));
        let (succeeded, stderr) = run_transcode(&build, &with_audio, &output, &[]);
        assert!(succeeded, "{extension}: {stderr}");
        assert!(stderr.contains("video stream 0 left out"), "{stderr}");
        assert!(stderr.contains(holds), "{stderr}");
        assert_eq!(stream_codecs(&ffmpeg, &output).len(), 1, "{extension}");

        let nothing = dir.join(format!("nothing.{extension}"));
        let stderr = transcode_refused(&build, &video_only, &nothing);
        assert!(stderr.contains("nothing to write"), "{stderr}");
    }
}

/// Asserts that the file at `ours` holds the packets of the CLI's at `cli`, byte for byte and
/// time for time; on a difference, says which packet first differs rather than printing both.
#[track_caller]
fn assert_same_packets(ffmpeg: &Ffmpeg, ours: &Path, cli: &Path, what: &str) {
    let (ours, cli) = (packets(ffmpeg, ours), packets(ffmpeg, cli));
    let summary = |(stream, pts, bytes): &(usize, Option<i64>, Vec<u8>)| {
        format!("stream {stream}, pts {pts:?}, {} bytes", bytes.len())
    };
    if let Some(at) = ours.iter().zip(&cli).position(|(a, b)| a != b) {
        let (a, b) = (summary(&ours[at]), summary(&cli[at]));
        panic!("{what}: packet {at} differs from the CLI's: ours {a}; the CLI's {b}");
    }
    assert_eq!(ours.len(), cli.len(), "{what}: packets, ours and the CLI's");
}

/// On 5.1 (the CLI is Debian's), asserts `output` is packet for packet what `ffmpeg -i
/// SOURCE OPTIONS` writes into a file of the same extension; elsewhere nothing.
fn assert_as_the_cli_on_5_1(
    ffmpeg: &Ffmpeg,
    source: &Path,
    output: &Path,
    options: &[&str],
    what: &str,
) {
    if ffmpeg.family().ffmpeg_major() != 5 {
        return;
    }
    let extension = output.extension().unwrap().to_string_lossy();
    let cli_output = output.with_file_name(format!("cli.{extension}"));
    cli_transcode_with(source, &cli_output, options);
    assert_same_packets(ffmpeg, output, &cli_output, what);
}

/// The packets of `path`: (stream index, time, bytes).
fn packets(ffmpeg: &Ffmpeg, path: &Path) -> Vec<(usize, Option<i64>, Vec<u8>)> {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut all = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        let bytes = packet.data().to_vec();
        all.push((packet.stream_index(), packet.pts(), bytes));
    }
    all
}

/// A file of subtitles only is converted as the CLI converts it: SubRip into Matroska's ASS
/// and WebM's WebVTT, packet for packet; MP4, which names no subtitle codec, takes nothing,
/// and nothing is written.
#[test]
fn a_subtitle_file_becomes_the_containers_own_subtitles() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let the_clis_major = !cfg!(windows) && ffmpeg.family().ffmpeg_major() == 5;
    let source = media::subtitle_source_srt();
    let dir = common::scratch_dir("transcode-subtitles-only");
    for (extension, codec) in [("mkv", "ass"), ("webm", "webvtt")] {
        let output = dir.join(format!("cues.{extension}"));
        transcode_ok(&build, &source, &output);
        assert_eq!(stream_codecs(&ffmpeg, &output), [codec], "{extension}");
        let ours = packets(&ffmpeg, &output);
        assert!(ours.len() >= 3, "{extension}: {} packets", ours.len());
        if the_clis_major {
            let cli_output = dir.join(format!("cli-cues.{extension}"));
            cli_transcode(&source, &cli_output);
            assert_same_packets(&ffmpeg, &output, &cli_output, extension);
        }
    }
    let stderr = transcode_refused(&build, &source, &dir.join("cues.mp4"));
    assert!(stderr.contains("no video, audio or subtitle"), "{stderr}");
}

/// An odd picture size is kept where the encoder takes it (MPEG-2 in MPEG-TS, MPEG-4 part 2
/// in AVI), as the CLI keeps it; the pictures had been cut to 32×16.
#[test]
fn an_odd_picture_size_is_kept_where_the_encoder_takes_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let the_clis_major = !cfg!(windows) && ffmpeg.family().ffmpeg_major() == 5;
    let source = media::generated(
        "tcc_odd_size.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=33x17:rate=25:duration=1",
            // Not subsampled: the CLI would cut 4:2:0 pictures to 32×16 here.
            "-pix_fmt",
            "yuv444p",
            "-c:v",
            "ffv1",
        ],
    );
    let dir = common::scratch_dir("transcode-odd-size");
    for extension in ["ts", "avi"] {
        let output = dir.join(format!("odd.{extension}"));
        transcode_ok(&build, &source, &output);
        let input = Input::open(&ffmpeg, &output).unwrap();
        let video = input.auto_selected_stream(MediaType::Video).unwrap();
        assert_eq!((video.width(), video.height()), (33, 17), "{extension}");
        if the_clis_major {
            let cli_output = dir.join(format!("cli-odd.{extension}"));
            cli_transcode(&source, &cli_output);
            assert_same_packets(&ffmpeg, &output, &cli_output, extension);
        }
    }
}

/// Audio timed as the CLI times it, packet for packet its own transcode's:
/// - resampled for the encoder (MP3 at 44.1 kHz from FLV into WebM's Opus at 48 kHz), each
///   frame at its input frame's time less what the resampler still holds, as the CLI's
///   `aresample` times it (some packets had come a millisecond late);
/// - the last frame of a WMA decoder, drained untimed at the end, at the time of the CLI's
///   clock of the stream (the last Vorbis packet in Matroska had come a millisecond late);
/// - FLAC from Matroska (blocks of 4608 samples at 44.1 kHz, stamped in milliseconds),
///   decoded on the CLI's threads: a gap in the packets' timestamps reaches the frame the
///   decoder hands back after that packet, as in the CLI (decoded on one thread, the Vorbis
///   packets after the 18th block had come 21 samples late).
#[test]
fn audio_is_timed_as_the_clis_resampler_and_clock_time_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if cfg!(windows) || ffmpeg.family().ffmpeg_major() != 5 {
        return; // compared with the CLI's own encoders, which only its major shares
    }
    let flv = media::generated(
        "tcc_mp3_44k.flv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=1",
            "-c:v",
            "flv",
            "-c:a",
            "mp3",
        ],
    );
    let wma = media::generated(
        "tcc_wma.asf",
        &["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "wmav2"],
    );
    let flac = media::generated(
        "tcc_flac.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=2",
            "-c:a",
            "flac",
        ],
    );
    let dir = common::scratch_dir("transcode-audio-timing");
    let sources = [
        (&flv, "resampled.webm"),
        (&wma, "drained.mkv"),
        (&flac, "threaded.mkv"),
    ];
    for (source, name) in sources {
        let output = dir.join(name);
        transcode_ok(&build, source, &output);
        let cli_output = dir.join(format!("cli-{name}"));
        cli_transcode(source, &cli_output);
        let times = |path: &Path| -> Vec<(usize, Option<i64>)> {
            let all = packets(&ffmpeg, path).into_iter();
            all.map(|(stream, pts, _)| (stream, pts)).collect()
        };
        assert_eq!(times(&output), times(&cli_output), "{name}");
        assert_same_packets(&ffmpeg, &output, &cli_output, name);
    }
}

/// The formats the encoders are given are those the CLI's graph gives them:
/// - audio in the format the decoder gives, where the headers state another: MP2 in MPEG-TS
///   is stated as `fltp`, decoded as `s16p` (FFmpeg's first MP2 decoder), so FLAC, which takes
///   `s16` and `s32`, is given `s16` (on every build, from what its decoder says), and Opus
///   `s16` (had been `flt`, its packets other than the 5.1 CLI's);
/// - BGR24 pictures into MPEG-4's `yuv420p` through libavfilter's `scale`, which makes the
///   chroma otherwise than libswscale left to its defaults (the first packet had differed
///   from the 5.1 CLI's);
/// - BT.709 `yuv444p` into MPEG-2's `yuv420p` keeps its matrix, primaries and transfer, as
///   the CLI's `scale` keeps them, on every build (through a graph they had been left
///   unstated).
#[test]
fn encoders_are_given_the_formats_the_clis_graph_gives_them() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let the_clis_major = !cfg!(windows) && ffmpeg.family().ffmpeg_major() == 5;
    let mp2 = media::generated(
        "tcc_mp2.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=1",
            "-c:a",
            "mp2",
        ],
    );
    let bgr24 = media::generated(
        "tcc_bgr24.nut",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.2",
            "-pix_fmt",
            "bgr24",
            "-c:v",
            "rawvideo",
        ],
    );
    let bt709 = media::generated(
        "tcc_bt709.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.2",
            "-pix_fmt",
            "yuv444p",
            "-c:v",
            "ffv1",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-color_range",
            "tv",
        ],
    );
    let dir = common::scratch_dir("transcode-encoder-formats");
    let mpeg2 = dir.join("bt709.ts");
    transcode_ok(&build, &bt709, &mpeg2);
    let written = Input::open(&ffmpeg, &mpeg2).unwrap();
    let color = written.stream(0).unwrap().color();
    let names = [color.matrix, color.primaries, color.transfer].map(Option::unwrap_or_default);
    assert_eq!(names, ["bt709", "bt709", "bt709"].map(String::from));
    let input = Input::open(&ffmpeg, &mp2).unwrap();
    let stream = input.auto_selected_stream(MediaType::Audio).unwrap();
    let decoded = Decoder::new(&stream, &DecoderOptions::default())
        .unwrap()
        .sample_format()
        .unwrap();
    let flac = dir.join("mp2.flac");
    transcode_ok_with(&build, &mp2, &flac, &["--acodec", "flac"]);
    let written = Input::open(&ffmpeg, &flac).unwrap();
    let given = written.stream(0).unwrap().sample_format().unwrap();
    let expected = if decoded.bytes_per_sample() == 2 {
        "s16"
    } else {
        "s32"
    };
    assert_eq!(given.name(), expected, "decoded as {}", decoded.name());
    if !the_clis_major {
        return; // compared with the CLI's own encoders, which only its major shares
    }
    let sources = [
        (&mp2, "mp2.webm"),
        (&bgr24, "bgr24.avi"),
        (&bt709, "bt709.ts"),
    ];
    for (source, name) in sources {
        let output = dir.join(name);
        transcode_ok(&build, source, &output);
        let cli_output = dir.join(format!("cli-{name}"));
        cli_transcode(source, &cli_output);
        assert_same_packets(&ffmpeg, &output, &cli_output, name);
    }
}

/// From 7.1 the CLI converts full-range pictures to limited range for an encoder that takes
/// only limited (MPEG-2 into MPEG-TS), as its `format` filter says; before 7.1 it gave them as
/// they were. `transcode` does the same on each release.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn full_range_pictures_become_limited_where_the_encoder_takes_only_limited() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    // Black and white halves, full range: luma 0 and 255.
    let full = media::generated(
        "tcc_full_range.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=black:size=64x48:rate=25:duration=1,\
             drawbox=x=32:w=32:h=48:c=white:t=fill",
            "-vf",
            "scale=out_range=pc",
            "-pix_fmt",
            "yuv420p",
            "-color_range",
            "pc",
            "-c:v",
            "ffv1",
        ],
    );
    let source = Input::open(&ffmpeg, &full).unwrap();
    assert_eq!(source.stream(0).unwrap().color().range, Some(Range::Full));
    let dir = common::scratch_dir("transcode-full-range");
    let mpeg2 = dir.join("full.ts");
    transcode_ok(&build, &full, &mpeg2);
    let avcodec = ffmpeg.library(Library::AvCodec).unwrap().version();
    let converts = (avcodec.major, avcodec.minor) >= (61, 13);
    let picture = media::first_frame(&ffmpeg, &mpeg2);
    let luma = picture.planes().next().unwrap();
    let values: Vec<u8> = (0..picture.height() as usize)
        .flat_map(|y| luma.row(y).unwrap().to_vec())
        .collect();
    let extremes = (values.iter().min().copied(), values.iter().max().copied());
    let expected = if converts { (16, 235) } else { (0, 255) };
    assert_eq!(extremes, (Some(expected.0), Some(expected.1)));
    let _ = std::fs::remove_dir_all(dir);
}

/// Pictures whose range is unstated are written with the range the graph settles on, as the
/// CLI gives its encoder the colours of the graph's first picture: from 7.1, limited where the
/// encoder states the ranges it takes (MPEG-4 part 2), unstated where it states none (raw
/// video); before, unstated. From 8.0 the `encoder` tag comes before the tags copied from the
/// input, as that CLI sets it first; before, after them. Both as the 5.1, 7.1, 8.0 and 9.0
/// CLIs write them.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn unstated_ranges_and_the_encoder_tag_are_written_as_the_releases_cli_writes_them() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let source = media::generated(
        "tcc_unstated_range.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.4",
            "-metadata:s:v",
            "comment=pictures",
            "-c:v",
            "ffv1",
        ],
    );
    let stated = |path: &Path| {
        Input::open(&ffmpeg, path)
            .unwrap()
            .stream(0)
            .unwrap()
            .color()
    };
    assert_eq!(stated(&source).range, None);
    let dir = common::scratch_dir("transcode-unstated-range");
    let avcodec = ffmpeg.library(Library::AvCodec).unwrap().version();
    let encoders_state_ranges = (avcodec.major, avcodec.minor) >= (61, 13);
    let encoder_first = ffmpeg.family().ffmpeg_major() >= 8;
    for (codec, states_ranges) in [("mpeg4", true), ("rawvideo", false)] {
        let output = dir.join(format!("{codec}.mkv"));
        transcode_ok_with(&build, &source, &output, &["--vcodec", codec]);
        let expected = (encoders_state_ranges && states_ranges).then_some(Range::Limited);
        assert_eq!(stated(&output).range, expected, "{codec}");
        let written = Input::open(&ffmpeg, &output).unwrap();
        let keys: Vec<String> = (written.stream(0).unwrap().metadata().into_iter())
            .map(|(key, _)| key.to_ascii_lowercase())
            .collect();
        let expected = match encoder_first {
            true => ["encoder", "comment", "duration"],
            false => ["comment", "encoder", "duration"],
        };
        assert_eq!(keys, expected, "{codec}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Pictures that a graph converts keep their chroma location before 8.0 and lose it from
/// 8.0, whose `scale` leaves it unstated: MJPEG's `yuvj420p`, sited at the centre, into FFV1,
/// as the 5.1 and 7.1 CLIs (centre) and the 8.0 and 9.0 CLIs (unstated) write it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_converted_pictures_chroma_location_is_kept_as_the_releases_scale_keeps_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let source = media::generated(
        "tcc_centred_chroma.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.4",
            "-pix_fmt",
            "yuvj420p",
            "-c:v",
            "mjpeg",
        ],
    );
    let sited = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        input.stream(0).unwrap().color().chroma_location
    };
    assert_eq!(sited(&source).as_deref(), Some("center"));
    let dir = common::scratch_dir("transcode-chroma-location");
    let output = dir.join("ffv1.mkv");
    transcode_ok_with(&build, &source, &output, &["--vcodec", "ffv1"]);
    let kept = ffmpeg.family().ffmpeg_major() < 8;
    assert_eq!(sited(&output).as_deref(), kept.then_some("center"));
    let _ = std::fs::remove_dir_all(dir);
}

/// Audio whose rate and layout change mid-stream (joined AAC, joined MP3; a damaged MP3
/// header that decodes at another rate does the same): as the CLI, whose graph is rebuilt for
/// the new format, the samples short of a whole encoder frame are lost, and the frames after
/// are timed afresh in samples of their own rate; an encoder that takes frames of any size
/// (PCM) is given each frame as it comes; so too through `--af`. Packet for packet the 5.1
/// CLI's (the joined MP3 into Vorbis, and through `--af`, the AAC into Opus and PCM into
/// Matroska differed); elsewhere, written.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_changing_format_is_encoded_as_the_clis_rebuilt_graph_gives_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    let dir = common::scratch_dir("transcode-format-change");
    let clips = [
        media::rate_change("aac", "aac", "44100", "48000"),
        media::rate_change("mp3", "libmp3lame", "44100", "22050"),
    ];
    let outputs: [(&str, &[&str], &[&str]); 5] = [
        ("mkv", &[], &[]),
        ("webm", &[], &[]),
        ("mp4", &[], &[]),
        ("mkv", &["--acodec", "pcm_s16le"], &["-c:a", "pcm_s16le"]),
        ("mp4", &["--af", "volume=0.5"], &["-af", "volume=0.5"]),
    ];
    let has_filters = ffmpeg.library(Library::AvFilter).is_some();
    for clip in &clips {
        for (n, (extension, options, cli_options)) in outputs.iter().enumerate() {
            let (_, muxer) = CONTAINERS.iter().find(|(e, _)| e == extension).unwrap();
            let muxer = ffmpeg.muxer(muxer).unwrap();
            let own_codec = !options.contains(&"--acodec");
            if own_codec && expected_codecs(&ffmpeg, clip, &muxer).is_none() {
                continue; // no encoder (or only an experimental one) for the container's own
            }
            if options.contains(&"--af") && !has_filters {
                continue;
            }
            let name = format!("{n}.{extension}");
            let output = dir.join(&name);
            transcode_ok_with(&build, clip, &output, options);
            let written = packets(&ffmpeg, &output);
            assert!(written.len() > 20, "{}: {name}", clip.display());
            if !the_clis_major {
                continue; // compared with the CLI's own encoders, which only its major shares
            }
            let cli_output = dir.join(format!("cli-{name}"));
            cli_transcode_with(clip, &cli_output, cli_options);
            let what = format!("{} into {name}", clip.display());
            assert_same_packets(&ffmpeg, &output, &cli_output, &what);
        }
    }
}

/// `--cli-timing 6.1` reaches the encoder: PCM from millisecond-timed Matroska into NUT
/// (which counts audio in samples) is gapless, as FFmpeg 6.1 and later CLIs time it, where
/// the default, 5.1's CLI, opens gaps wherever a packet starts more than its duration after
/// the last; the samples are the same.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_is_timed_as_the_release_chosen_times_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = media::generated(
        "tcc_pcm_ms.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=2",
            "-c:a",
            "pcm_s16le",
        ],
    );
    let dir = common::scratch_dir("transcode-cli-timing");
    let gaps_and_bytes = |timing: &str| {
        let output = dir.join(format!("{timing}.nut"));
        let options = ["--acodec", "pcm_s16le", "--cli-timing", timing];
        transcode_ok_with(&build, &source, &output, &options);
        let packets = packets(&ffmpeg, &output);
        let (mut gaps, mut end, mut bytes) = (0, None, Vec::new());
        for (_, pts, data) in packets {
            let pts = pts.expect("a timed packet");
            gaps += usize::from(end.is_some_and(|end| end != pts));
            end = Some(pts + data.len() as i64 / 2);
            bytes.extend(data);
        }
        (gaps, bytes)
    };
    let (debian12_gaps, debian12_bytes) = gaps_and_bytes("5.1");
    let (newer_gaps, newer_bytes) = gaps_and_bytes("6.1");
    assert!(debian12_gaps > 0);
    assert_eq!(newer_gaps, 0);
    assert_eq!(debian12_bytes, newer_bytes);
}

/// `--all-streams` keeps what the CLI's `-map 0` keeps, in the input's order: audio before
/// video where the input has it so, both video streams (one had been kept, and the streams
/// put in the CLI's default order, video first), SubRip as ASS, and a font attachment,
/// copied into Matroska; on 5.1 packet for packet and tag for tag the CLI's.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn all_streams_keeps_what_map_0_keeps_in_the_inputs_order() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let dir = common::scratch_dir("transcode-all-streams");
    let font = dir.join("font.ttf");
    std::fs::write(&font, b"not really a font, but an attachment all the same").unwrap();
    let cues = dir.join("cues.srt");
    std::fs::write(&cues, "1\n00:00:00,200 --> 00:00:00,700\nHello\n").unwrap();
    let source = media::generated(
        "tcc_audio_first_two_video.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=176x144:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=96x64:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=880:duration=1",
            "-i",
            cues.to_str().unwrap(),
            "-map",
            "0",
            "-map",
            "1",
            "-map",
            "2",
            "-map",
            "3",
            "-map",
            "4",
            "-c:a",
            "pcm_s16le",
            "-c:v",
            "ffv1",
            "-attach",
            font.to_str().unwrap(),
            "-metadata:s:t",
            "mimetype=application/x-truetype-font",
        ],
    );
    let codecs = ["--vcodec", "mpeg4", "--acodec", "aac"];
    let output = dir.join("ours.mkv");
    transcode_ok_with(
        &build,
        &source,
        &output,
        &[&codecs[..], &["--all-streams"]].concat(),
    );
    let kinds = |path: &Path| -> Vec<(MediaType, String)> {
        let input = Input::open(&ffmpeg, path).unwrap();
        let kinds = input.streams().map(|s| {
            let name = s.metadata().into_iter().find(|(key, _)| key == "filename");
            (
                s.media_type(),
                name.map(|(_, value)| value).unwrap_or_default(),
            )
        });
        kinds.collect()
    };
    let expected = [
        (MediaType::Audio, String::new()),
        (MediaType::Video, String::new()),
        (MediaType::Video, String::new()),
        (MediaType::Audio, String::new()),
        (MediaType::Subtitle, String::new()),
        (MediaType::Attachment, "font.ttf".to_owned()),
    ];
    assert_eq!(kinds(&output), expected);
    if ffmpeg.family().ffmpeg_major() != 5 {
        return; // compared with the CLI's own encoders, which only its major shares
    }
    let cli_output = dir.join("cli.mkv");
    let cli_options = ["-map", "0", "-c:v", "mpeg4", "-c:a", "aac"];
    cli_transcode_with(&source, &cli_output, &cli_options);
    assert_eq!(kinds(&cli_output), expected);
    assert_same_packets(&ffmpeg, &output, &cli_output, "every stream, -map 0");
    // Each stream's tags, its encoder's name among them (the CLI names ASS's first encoder,
    // `ssa`; `ass` had been written).
    let tags = |path: &Path| -> Vec<Vec<(String, String)>> {
        let input = Input::open(&ffmpeg, path).unwrap();
        let tags = input.streams().map(|s| {
            let kept = s
                .metadata()
                .into_iter()
                .filter(|(key, _)| key != "DURATION");
            kept.collect()
        });
        tags.collect()
    };
    assert_eq!(tags(&output), tags(&cli_output));
}

/// With `--all-streams`, a data stream (a timecode track) is copied where the container
/// takes it (NUT, MPEG-TS, MOV), as `-map 0` copies it, and left out with a notice where the
/// CLI fails (Matroska); on 5.1 the NUT is packet for packet the CLI's.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn all_streams_copies_data_where_the_container_takes_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if !ffmpeg.has_encoder("mpeg4") {
        return;
    }
    let source = media::generated(
        "tcc_timecode_track.mov",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=25:duration=1",
            "-c:v",
            "mpeg4",
            "-timecode",
            "01:00:00:00",
        ],
    );
    let data_of = |path: &Path| -> Vec<Vec<u8>> {
        let input = Input::open(&ffmpeg, path).unwrap();
        let data = input.streams().find(|s| s.media_type() == MediaType::Data);
        let Some(index) = data.map(|s| s.index()) else {
            return Vec::new();
        };
        drop(input);
        let packets = packets(&ffmpeg, path).into_iter();
        let of_data = packets.filter(|(stream, _, _)| *stream == index);
        of_data.map(|(_, _, bytes)| bytes).collect()
    };
    let timecode = data_of(&source);
    assert_eq!(timecode.len(), 1, "one packet: the first frame's number");
    let dir = common::scratch_dir("transcode-data-streams");
    let options = ["--all-streams", "--vcodec", "mpeg4"];
    for container in ["nut", "ts", "mov"] {
        let output = dir.join(format!("ours.{container}"));
        let (succeeded, stderr) = run_transcode(&build, &source, &output, &options);
        assert!(succeeded, "{container}: {stderr}");
        assert!(!stderr.contains("left out"), "{container}: {stderr}");
        assert_eq!(data_of(&output), timecode, "{container}");
    }
    let output = dir.join("ours.mkv");
    let (succeeded, stderr) = run_transcode(&build, &source, &output, &options);
    assert!(
        succeeded && stderr.contains("data stream 1 (none) left out"),
        "{stderr}"
    );
    assert!(data_of(&output).is_empty());
    if ffmpeg.family().ffmpeg_major() == 5 {
        let output = dir.join("ours.nut");
        let cli_output = dir.join("cli.nut");
        cli_transcode_with(&source, &cli_output, &["-map", "0", "-c:v", "mpeg4"]);
        assert_same_packets(&ffmpeg, &output, &cli_output, "data streams into NUT");
    }
}

/// What the CLI's ffprobe says of the streams' pictures: codec, format, colours, chroma
/// location and field order.
fn pictures_described(path: &Path) -> String {
    let mut command = std::process::Command::new("ffprobe");
    command
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-select_streams", "v", "-show_entries"])
        .arg(
            "stream=codec_name,pix_fmt,color_range,color_space,color_transfer,color_primaries,\
             chroma_location,field_order",
        )
        .args(["-of", "compact"])
        .arg(path);
    common::stdout_of(&mut command, "ffprobe's pictures")
}

/// As the 5.1 CLI, whose encoder is told of the pictures by the first one its graph gives:
/// - the chroma location with the colours (a JPEG's `center`; had been left unstated);
/// - the field order: `progressive`, or for interlaced pictures which field comes first
///   (`tb` for top first; had been left unstated, so an interlaced source was written as
///   progressive where the container says so);
/// - a matrix the pictures state stays through a conversion into YUV unless it is RGB's
///   (a JPEG-LS decoder's RGB pictures state `bt470bg`; it had been dropped); from 7.0,
///   whose `scale` settles the matrix, none is stated, as the 7.1 to 9.0 CLIs state none;
/// - an image file's codec is the one its extension names (`.png`: PNG, `.bmp`: BMP; had
///   been the image muxer's own default, JPEG, whatever the name);
/// - MJPEG is given its full-range formats alone (`yuvj444p` for RGB; it had been offered
///   `yuv444p`, refused it, and fallen back to `yuvj420p`).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn encoders_are_told_of_the_pictures_as_the_clis_first_picture_tells_them() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    let picture = "testsrc2=size=64x48:rate=25:duration=0.2";
    let jpeg = media::generated(
        "tcc_mjpeg.avi",
        &["-f", "lavfi", "-i", picture, "-c:v", "mjpeg"],
    );
    let interlaced = media::generated(
        "tcc_interlaced.ts",
        &[
            "-f",
            "lavfi",
            "-i",
            picture,
            "-c:v",
            "mpeg2video",
            "-flags",
            "+ildct+ilme",
            "-top",
            "1",
        ],
    );
    let rgb_jpeg_ls = media::generated(
        "tcc_rgb.jls",
        &[
            "-f",
            "lavfi",
            "-i",
            picture,
            "-frames:v",
            "1",
            "-pix_fmt",
            "rgb24",
            "-c:v",
            "jpegls",
        ],
    );
    let png = media::generated(
        "tcc_rgb.png",
        &["-f", "lavfi", "-i", picture, "-frames:v", "1"],
    );
    let dir = common::scratch_dir("transcode-pictures-told");
    let outputs = [
        (&jpeg, "mjpeg.mkv"),
        (&interlaced, "interlaced.mkv"),
        (&rgb_jpeg_ls, "jpeg_ls.mkv"),
        (&png, "picture.png"),
        (&png, "picture.bmp"),
        (&png, "picture.jpg"),
    ];
    for (source, name) in outputs {
        let output = dir.join(name);
        transcode_ok(&build, source, &output);
        let first = media::first_frame(&ffmpeg, source);
        let written = Input::open(&ffmpeg, &output).unwrap();
        let stream = written.stream(0).unwrap();
        match name {
            // 4.x's libx264 wrapper passes no chroma location on: H.264's default (`left`)
            // is read back.
            "mjpeg.mkv" if ffmpeg.family().ffmpeg_major() > 4 => {
                assert_eq!(stream.chroma_location(), first.chroma_location())
            }
            "interlaced.mkv" if first.is_interlaced() => {
                assert_eq!(stream.field_order().name(), "tb", "{name}")
            }
            // From 7.0 the matrix is the one libavfilter's `scale` settles on into YUV:
            // none stated, as the 7.1, 8.0 and 9.0 CLIs write it.
            "jpeg_ls.mkv" if ffmpeg.family().ffmpeg_major() >= 7 => {
                assert_eq!(stream.color().matrix, None, "{name}");
            }
            "jpeg_ls.mkv" => {
                let stated = first.color().matrix.filter(|m| m != "gbr");
                assert_eq!(stream.color().matrix, stated, "{name}");
            }
            "picture.png" | "picture.bmp" => {
                assert_eq!(stream.codec_id().name(), &name[8..], "{name}")
            }
            "picture.jpg" => {
                let mjpeg = Codec::encoder(&ffmpeg, "mjpeg").unwrap();
                let best = mjpeg.best_pixel_format("rgb24").unwrap();
                assert_eq!(best.name(), "yuvj444p");
                assert_eq!(stream.pixel_format().unwrap().name(), "yuvj444p");
            }
            _ => {}
        }
        if the_clis_major {
            let cli_output = dir.join(format!("cli-{name}"));
            cli_transcode(source, &cli_output);
            assert_eq!(
                pictures_described(&output),
                pictures_described(&cli_output),
                "{name}"
            );
            assert_same_packets(&ffmpeg, &output, &cli_output, name);
        }
    }
}

/// A display matrix the CLI's autorotation finds no turn in (all zeros, as in mp4parse's
/// `no_timescale.mp4`) is written as one of no turn, as every matrix it autorotates: the
/// output states none, where it had been copied as it was.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_display_matrix_of_no_turn_is_not_carried_over() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return; // no autorotation: the matrix is kept with the pictures as stored
    }
    let source = media::generated(
        "tcc_upright.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.2",
            "-c:v",
            "mpeg4",
        ],
    );
    // The track header's matrix (identity: 1, 0, 0 / 0, 1, 0 / 0, 0, 1 in 16.16 and 2.30)
    // zeroed.
    let identity: Vec<u8> = [0x10000u32, 0, 0, 0, 0x10000, 0, 0, 0, 0x4000_0000]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect();
    let mut bytes = std::fs::read(&source).unwrap();
    let at = bytes
        .windows(identity.len())
        .position(|w| w == identity.as_slice())
        .expect("a track header's matrix");
    bytes[at..at + identity.len()].fill(0);
    let dir = common::scratch_dir("transcode-zero-matrix");
    let zeroed = dir.join("zeroed.mp4");
    std::fs::write(&zeroed, bytes).unwrap();
    let input = Input::open(&ffmpeg, &zeroed).unwrap();
    assert_eq!(input.stream(0).unwrap().display_matrix(), Some([0; 9]));
    let output = dir.join("out.mp4");
    transcode_ok(&build, &zeroed, &output);
    let written = Input::open(&ffmpeg, &output).unwrap();
    assert_eq!(written.stream(0).unwrap().display_matrix(), None);
    if ffmpeg.family().ffmpeg_major() == 5 {
        let cli_output = dir.join("cli.mp4");
        cli_transcode(&zeroed, &cli_output);
        let cli_written = Input::open(&ffmpeg, &cli_output).unwrap();
        assert_eq!(cli_written.stream(0).unwrap().display_matrix(), None);
    }
}

/// Where no picture decodes, the CLI sets its graph up at the end from the codec's
/// parameters, which give no pixel shape here, not from the container's (WebM's display
/// size): the encoder is told none (libwebm's `accurate_cluster_duration_two_tracks.webm`;
/// had been told the container's, which libx264 wrote into its header).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn with_no_picture_decoded_the_pixel_shape_is_the_codecs() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = media::generated(
        "tcc_shaped.webm",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=10:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=1",
            "-c:v",
            "libvpx",
            "-aspect",
            "16:9",
            "-c:a",
            "libvorbis",
        ],
    );
    // Every picture's bytes zeroed where they lie: none decodes, the container is whole.
    let mut bytes = std::fs::read(&source).unwrap();
    let mut input = Input::open(&ffmpeg, &source).unwrap();
    let video = input.best_stream(MediaType::Video).unwrap().index();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == video {
            let data = packet.data();
            let from = packet.position().unwrap() as usize;
            let at = from
                + bytes[from..]
                    .windows(data.len())
                    .position(|w| w == data)
                    .unwrap();
            bytes[at..at + data.len()].fill(0);
        }
    }
    drop(input);
    let dir = common::scratch_dir("transcode-no-picture-shape");
    let blank = dir.join("blank.webm");
    std::fs::write(&blank, bytes).unwrap();
    let input = Input::open(&ffmpeg, &blank).unwrap();
    let stream = input.stream(video).unwrap();
    let container_shape = stream.container_aspect_ratio();
    assert!(container_shape.is_some());
    assert_eq!(stream.codec_aspect_ratio(), None);
    let output = dir.join("out.mkv");
    transcode_ok(&build, &blank, &output);
    let written = Input::open(&ffmpeg, &output).unwrap();
    let picture = written.best_stream(MediaType::Video).unwrap();
    // (An encoder may state square pixels of its own accord: MPEG-4 part 2 does.)
    assert_ne!(picture.pixel_aspect_ratio(), container_shape);
    if ffmpeg.family().ffmpeg_major() == 5 {
        let cli_output = dir.join("cli.mkv");
        cli_transcode(&blank, &cli_output);
        assert_eq!(pictures_described(&output), pictures_described(&cli_output));
        let shape = |path: &Path| {
            let input = Input::open(&ffmpeg, path).unwrap();
            let stream = input.best_stream(MediaType::Video).unwrap();
            (stream.pixel_aspect_ratio(), stream.extradata_size())
        };
        assert_eq!(shape(&output), shape(&cli_output));
    }
}

/// As the CLI, a stream's first packet carries the stream's side data (but its display
/// matrix), which the decoder hands on with the first picture: a stereo layout from
/// Matroska's `StereoMode` reaches libx264, which writes a frame-packing SEI (libwebm's
/// `test_stereo_left_right.webm`: the keyframes had been 16 bytes short of the CLI's).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_streams_stereo_layout_reaches_the_encoder_with_the_first_picture() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = media::generated(
        "tcc_stereo.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=128x48:rate=25:duration=0.4",
            "-c:v",
            "ffv1",
            "-metadata:s:v",
            "stereo_mode=left_right",
        ],
    );
    let input = Input::open(&ffmpeg, &source).unwrap();
    let stream = input.stream(0).unwrap();
    let stated = stream.side_data();
    assert!(
        stated
            .iter()
            .any(|e| matches!(e.value(), SideDataValue::Stereo3d { .. })),
        "the source states its stereo layout"
    );
    // Packet::add_side_data, as the CLI carries it: once per kind.
    let mut packet = Packet::from_bytes(&ffmpeg, &[0; 8]).unwrap();
    for entry in &stated {
        assert!(packet.add_side_data(entry).unwrap());
        assert!(!packet.add_side_data(entry).unwrap(), "already there");
    }
    let carried: Vec<(u32, Vec<u8>)> = (packet.side_data().iter())
        .map(|e| (e.kind(), e.bytes().to_vec()))
        .collect();
    let expected: Vec<(u32, Vec<u8>)> = (stated.iter())
        .map(|e| (e.kind(), e.bytes().to_vec()))
        .collect();
    assert_eq!(carried, expected);
    if !ffmpeg.has_encoder("libx264") {
        return; // the frame-packing SEI is libx264's
    }
    let dir = common::scratch_dir("transcode-stereo");
    let output = dir.join("stereo.mkv");
    transcode_ok_with(&build, &source, &output, &["--vcodec", "libx264"]);
    let first = media::first_frame(&ffmpeg, &output);
    let packed = first
        .side_data()
        .iter()
        .any(|e| matches!(e.value(), SideDataValue::Stereo3d { .. }));
    assert!(packed, "the encoded pictures say how they are packed");
    assert_as_the_cli_on_5_1(
        &ffmpeg,
        &source,
        &output,
        &["-c:v", "libx264"],
        "a stereo layout into MKV",
    );
}

/// Pictures whose size changes mid-stream (RGB images one after another, as a pipe of PNGs
/// gives them), into an encoder of another format: as the CLI, whose graph is rebuilt for
/// each new size, one scaler scales each picture to the first size and converts it at once
/// (a rebuilt graph that converted first and scaled after gave other pixels: FFmpeg's own
/// DPX sample of four sizes). Packet for packet the 5.1 CLI's; elsewhere, written.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_changing_size_are_scaled_and_converted_as_the_clis_rebuilt_graph_does() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let dir = common::scratch_dir("transcode-size-change");
    let images: Vec<u8> = ["130x130", "140x120", "120x140"]
        .iter()
        .flat_map(|size| {
            let picture = format!("testsrc2=size={size}:rate=25");
            let png = media::generated(
                &format!("size_change_{size}.png"),
                &["-f", "lavfi", "-i", &picture, "-frames:v", "1"],
            );
            std::fs::read(png).unwrap()
        })
        .collect();
    let source = dir.join("pictures.png_pipe");
    std::fs::write(&source, images).unwrap();
    let output = dir.join("ours.mkv");
    transcode_ok(&build, &source, &output);
    let written = packets(&ffmpeg, &output);
    assert_eq!(written.len(), 3, "{written:?}");
    assert_as_the_cli_on_5_1(&ffmpeg, &source, &output, &[], "pictures of three sizes");
}

/// A stream no output uses is not read, as the CLI reads none: an MP4 whose timecode track's
/// one sample lies past the end of the file (as in a cut file, FATE's `wwwq_cut.mp4`) is
/// transcoded whole, where reading that sample had ended the reading after 28 of 50
/// pictures. Packet for packet the 5.1 CLI's; elsewhere, every picture.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_stream_no_output_uses_is_not_read() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let made = media::generated(
        "timecoded_for_cutting.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x96:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-timecode",
            "01:00:00:00",
            "-movflags",
            "+faststart",
        ],
    );
    let mut bytes = std::fs::read(&made).unwrap();
    let timecode = ffmpeg_runtime::format::Input::open(&ffmpeg, &made).unwrap();
    let data = timecode
        .streams()
        .find(|s| s.media_type() == MediaType::Data);
    let data = data.expect("the timecode track").index();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let mut at = None;
    let mut reading = timecode;
    while at.is_none() && reading.read_packet(&mut packet).unwrap() {
        at = (packet.stream_index() == data)
            .then(|| packet.position())
            .flatten();
    }
    // The one chunk offset of the timecode track, moved past the end.
    let offset = u32::try_from(at.expect("the timecode sample's position")).unwrap();
    let entry = [&b"stco\0\0\0\0\0\0\0\x01"[..], &offset.to_be_bytes()].concat();
    let found = bytes
        .windows(entry.len())
        .position(|w| w == entry.as_slice())
        .unwrap();
    let past_end = u32::try_from(bytes.len() + 4096).unwrap();
    bytes[found + 12..found + 16].copy_from_slice(&past_end.to_be_bytes());
    let dir = common::scratch_dir("transcode-unused-stream");
    let source = dir.join("cut.mp4");
    std::fs::write(&source, bytes).unwrap();
    let output = dir.join("ours.mkv");
    transcode_ok(&build, &source, &output);
    let pictures = packets(&ffmpeg, &output)
        .iter()
        .filter(|(i, ..)| *i == 0)
        .count();
    assert_eq!(pictures, 50);
    assert_as_the_cli_on_5_1(&ffmpeg, &source, &output, &[], "an unread timecode track");
}

/// A picture drained from the decoder at the end without a timestamp is timed by the CLI's
/// clock of the stream, as the CLI times it: a raw MPEG-2 stream whose every other picture
/// repeats its first field (soft pulldown, as FFmpeg's `sony-ct3.mp4`), whose last picture
/// had gone into the slot after the one before it, a frame early. Packet for packet the 5.1
/// CLI's; elsewhere, 15 pictures, the last at 800 ms.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_picture_drained_untimed_takes_the_time_of_the_clis_clock() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let made = media::generated(
        "for_pulldown.m2v",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x96:rate=30:duration=0.5",
            "-c:v",
            "mpeg2video",
            "-bf",
            "0",
        ],
    );
    let mut bytes = std::fs::read(made).unwrap();
    // Each picture coding extension (extension start code, then identifier 8): every other
    // one gets repeat_first_field, the second-to-last bit of its fourth byte.
    let extensions: Vec<usize> = (0..bytes.len() - 8)
        .filter(|&at| bytes[at..at + 4] == [0, 0, 1, 0xb5] && bytes[at + 4] >> 4 == 8)
        .collect();
    assert_eq!(extensions.len(), 15);
    for at in extensions.iter().step_by(2) {
        bytes[at + 7] |= 0x02;
    }
    let dir = common::scratch_dir("transcode-pulldown");
    let source = dir.join("pulldown.m2v");
    std::fs::write(&source, bytes).unwrap();
    let output = dir.join("ours.mkv");
    transcode_ok(&build, &source, &output);
    let written = packets(&ffmpeg, &output);
    let last = written.iter().filter_map(|(_, pts, _)| *pts).max();
    assert_eq!(
        (written.len(), last),
        (15, Some(800)),
        "pictures, last time"
    );
    assert_as_the_cli_on_5_1(&ffmpeg, &source, &output, &[], "a pulldown stream");
}

/// At the input's end every decoder is drained into its encoder before any encoder is
/// flushed, as the CLI does: a cover picture, which libx264 gives only when flushed, reaches
/// the muxer after the last frame of sound (FLAC, which the encoder gives at once), and so
/// after the older packets that frame pushes out of the muxer's queue (a cover's stream holds
/// no packet for more than the queue's ten seconds). The cover had been one packet early.
/// Packet for packet the 5.1 CLI's; elsewhere, every packet written.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn every_decoder_is_drained_before_the_encoders_are_flushed() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = media::generated(
        "long_with_cover.mp3",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=15",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=1:duration=1",
            "-map",
            "0",
            "-map",
            "1",
            "-frames:v",
            "1",
            "-c:v",
            "mjpeg",
            "-disposition:v",
            "attached_pic",
        ],
    );
    let dir = common::scratch_dir("transcode-drain-order");
    let output = dir.join("ours.mkv");
    let encoder = "flac";
    transcode_ok_with(&build, &source, &output, &["--acodec", encoder]);
    let written = packets(&ffmpeg, &output);
    let pictures = written.iter().filter(|(stream, ..)| *stream == 0).count();
    assert_eq!(pictures, 1);
    assert!(written.len() > 100, "{} packets", written.len());
    assert_as_the_cli_on_5_1(
        &ffmpeg,
        &source,
        &output,
        &["-c:a", encoder],
        "a cover and 15 s of FLAC",
    );
}
