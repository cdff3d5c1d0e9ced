//! `transcode --seek` and `--duration`, the CLI's `-ss` before `-i` and its output `-t`: every
//! stream starts and ends where the CLI's do, audio cut to the sample, subtitles and chapters
//! moved with the start and those after the end left out, the input's `duration` tag
//! dropped; compared with the installed CLI's own on lossless codecs, which every build
//! decodes and encodes alike.

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Ffmpeg, Library, Packet};

/// Two seconds of 25 fps pictures, 44.1 kHz sound, three subtitles (from 0.2, 1.0 and
/// 1.5 s), three chapters (from 0, 1.0 and 1.8 s) and container tags, one of them `duration`,
/// in `name`'s container: NUT with pictures each whole (FFV1), or Matroska with lossless
/// H.264 in groups of 12 with B-frames, which a seek lands before.
fn source(name: &str) -> PathBuf {
    let dir = common::scratch_dir("transcode-range-source");
    let subtitles = dir.join("cues.srt");
    media::write_whole(
        &subtitles,
        "1\n00:00:00,200 --> 00:00:00,600\none\n\n\
         2\n00:00:01,000 --> 00:00:01,200\ntwo\n\n\
         3\n00:00:01,500 --> 00:00:01,800\nthree\n",
    );
    let chapters = dir.join("chapters.txt");
    media::write_whole(
        &chapters,
        ";FFMETADATA1\ntitle=limited\nduration=2\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=first\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=1800\ntitle=second\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=1800\nEND=2000\ntitle=third\n",
    );
    let (subtitles, chapters) = (subtitles.to_str().unwrap(), chapters.to_str().unwrap());
    let video: &[&str] = match name.ends_with(".nut") {
        true => &["-c:v", "ffv1"],
        false => &["-c:v", "libx264", "-qp", "0", "-g", "12", "-bf", "2"],
    };
    let args = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=96x64:rate=25:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=44100:duration=2",
        "-i",
        subtitles,
        "-i",
        chapters,
        "-map",
        "0",
        "-map",
        "1",
        "-map",
        "2",
        "-map_metadata",
        "3",
        "-map_chapters",
        "3",
        "-c:a",
        "pcm_s16le",
        "-c:s",
        "ass",
    ];
    media::generated(name, &[&args[..], video].concat())
}

const INTRA_ONLY: &str = "tc_range_source.nut";
const WITH_B_FRAMES: &str = "tc_range_source_b_frames.mkv";

/// What the comparison looks at: per stream, each packet's (pts, duration), in the streams'
/// order (not its size: each release's FFV1 encoder writes its own); the chapters (start,
/// end, title) in milliseconds; the container's tags but `encoder` (which names the
/// libavformat that wrote it).
#[derive(Debug, PartialEq)]
struct Written {
    packets: Vec<Vec<(Option<i64>, i64)>>,
    chapters: Vec<(i64, i64, Option<String>)>,
    tags: Vec<(String, String)>,
}

fn written(ffmpeg: &Ffmpeg, path: &Path) -> Written {
    let mut input = Input::open(ffmpeg, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut packets = vec![Vec::new(); input.stream_count()];
    let mut packet = Packet::new(ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        let entry = (packet.pts(), packet.duration());
        packets[packet.stream_index()].push(entry);
    }
    let chapters = input.chapters().into_iter().map(|chapter| {
        let ms =
            |t: i64| t * 1000 * i64::from(chapter.time_base.num) / i64::from(chapter.time_base.den);
        (ms(chapter.start), ms(chapter.end), chapter.title)
    });
    let tags = input.metadata().into_iter();
    Written {
        packets,
        chapters: chapters.collect(),
        tags: tags
            .filter(|(key, _)| !key.eq_ignore_ascii_case("encoder"))
            .collect(),
    }
}

/// The MD5 of what stream `map` (`0:v`, `0:a`) of `path` decodes to, by the installed CLI.
fn decoded_md5(path: &Path, map: &str) -> String {
    let mut cli = media::cli();
    cli.arg("-i")
        .arg(path)
        .args(["-map", map, "-f", "md5", "-"]);
    common::stdout_of(&mut cli, "an MD5")
}

/// How many samples the audio stream of `path` decodes to.
fn samples(ffmpeg: &Ffmpeg, path: &Path) -> u64 {
    let mut total = 0;
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let index = stream.index();
    let mut decoder = ffmpeg_runtime::codec::Decoder::new(&stream, &Default::default()).unwrap();
    let (mut packet, mut frame) = (
        Packet::new(ffmpeg).unwrap(),
        ffmpeg_runtime::Frame::new(ffmpeg).unwrap(),
    );
    let mut take = |decoder: &mut ffmpeg_runtime::codec::Decoder| {
        while decoder.receive(&mut frame).unwrap() {
            total += frame.samples() as u64;
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            decoder.send(&packet).unwrap();
            take(&mut decoder);
        }
    }
    decoder.send_eof().unwrap();
    take(&mut decoder);
    total
}

fn transcode(source: &Path, output: &Path, extra: &[&str]) -> std::process::Output {
    let mut command = common::example_command("transcode", &common::under_test());
    command.arg(source).arg(output).args(extra);
    command.output().expect("the transcode example runs")
}

/// What `transcode` with `ours` and the installed CLI with `before_input` and `after_input`
/// write of `source` into Matroska, FFV1 pictures and 16-bit PCM or `audio` (FLAC), as named
/// files in `dir`.
fn both(
    source: &Path,
    dir: &Path,
    name: &str,
    ours: &[&str],
    (before_input, after_input): (&[&str], &[&str]),
    audio: &str,
) -> (PathBuf, PathBuf) {
    let ours_file = dir.join(format!("ours-{name}-{audio}.mkv"));
    let codecs = ["--vcodec", "ffv1", "--acodec", audio];
    let result = transcode(source, &ours_file, &[&codecs[..], ours].concat());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{name} {audio}: {stderr}");
    let cli_file = dir.join(format!("cli-{name}-{audio}.mkv"));
    let mut cli = media::cli();
    cli.arg("-y").args(before_input).arg("-i").arg(source);
    cli.args(after_input).args(["-c:v", "ffv1", "-c:a", audio]);
    common::stdout_of(cli.arg(&cli_file), "the CLI");
    (ours_file, cli_file)
}

/// `ours` and `cli` (from [`both`]) hold the same chapters, tags, timestamps (but FLAC's,
/// which 9.0 cuts otherwise: tests/audio_frame_sizes.rs) and decoded pictures and samples.
fn assert_same(ffmpeg: &Ffmpeg, ours: &Path, cli: &Path, audio: &str) -> Written {
    let (ours_written, cli_written) = (written(ffmpeg, ours), written(ffmpeg, cli));
    let what = ours.display();
    assert_eq!(ours_written.chapters, cli_written.chapters, "{what}");
    assert_eq!(ours_written.tags, cli_written.tags, "{what}");
    let streams = match audio {
        "flac" => [0, 2].as_slice(),
        _ => [0, 1, 2].as_slice(),
    };
    // 4.1's to 4.3's NUT demuxer knows no ASS stream (a later muxer's tag).
    for &stream in streams.iter().filter(|&&s| s < ours_written.packets.len()) {
        let (ours, cli) = (&ours_written.packets[stream], &cli_written.packets[stream]);
        assert_eq!(ours, cli, "{what}: stream {stream}");
    }
    for map in ["0:v", "0:a"] {
        assert_eq!(
            decoded_md5(ours, map),
            decoded_md5(cli, map),
            "{what} {map}"
        );
    }
    ours_written
}

/// The numbers of pictures and subtitles, the samples and the chapters (start and end in
/// milliseconds) written to `path`.
fn assert_counts(
    ffmpeg: &Ffmpeg,
    path: &Path,
    written: &Written,
    (pictures, samples_written, subtitles): (usize, u64, usize),
    chapters: &[(i64, i64)],
) {
    let what = path.display();
    assert_eq!(written.packets[0].len(), pictures, "{what}: pictures");
    if let Some(written) = written.packets.get(2) {
        assert_eq!(written.len(), subtitles, "{what}: subtitles");
    }
    assert_eq!(samples(ffmpeg, path), samples_written, "{what}: samples");
    let written: Vec<(i64, i64)> = (written.chapters.iter())
        .map(|&(start, end, _)| (start, end))
        .collect();
    assert_eq!(written, chapters, "{what}: chapters");
}

fn has_encoders(ffmpeg: &Ffmpeg, names: &[&str]) -> bool {
    names.iter().all(|name| ffmpeg.has_encoder(name))
}

/// At 1.3 s: 33 pictures (the last at 1.28 s), 57 330 samples (the last frame cut), the
/// subtitles from 0.2 and 1.0 s (Matroska's ASS), the first chapter and the second cut to
/// 1.3 s. Each as the CLI's `-t 1.3` writes it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_duration_ends_every_stream_where_the_clis_t_ends_it() {
    let ffmpeg = common::under_test().load();
    if !has_encoders(&ffmpeg, &["ffv1", "pcm_s16le", "flac", "ass"]) {
        return;
    }
    let source = source(INTRA_ONLY);
    let dir = common::scratch_dir("transcode-duration");
    for audio in ["pcm_s16le", "flac"] {
        let cli: (&[&str], &[&str]) = (&[], &["-t", "1.3"]);
        let (ours, theirs) = both(&source, &dir, "t", &["--duration", "1.3"], cli, audio);
        let written = assert_same(&ffmpeg, &ours, &theirs, audio);
        let chapters = [(0, 1000), (1000, 1300)];
        assert_counts(&ffmpeg, &ours, &written, (33, 57_330, 2), &chapters);
    }
}

/// From 0.7 s, in an input whose pictures come in groups of 12 with B-frames: the input
/// sought to the group before, the 32 pictures from 0.72 s (the first at 0.02 s, which
/// FFV1's ticks of 1/25 s write at 0.04 s), 57 348 samples (the frame across 0.7 s cut where
/// its millisecond timestamp puts it, 18 samples late), the subtitles from 1.0 and 1.5 s,
/// the chapters moved back by 0.7 s (the first from 0); and with `--duration 0.8` as well,
/// 19 pictures, 35 282 samples, one subtitle, two chapters. Each as the CLI's `-ss 0.7 -i`
/// (`-t 0.8`) writes it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_seek_starts_every_stream_where_the_clis_ss_starts_it() {
    let ffmpeg = common::under_test().load();
    let has_filters = ffmpeg.library(Library::AvFilter).is_some();
    if !has_filters || !has_encoders(&ffmpeg, &["ffv1", "pcm_s16le", "ass"]) {
        return;
    }
    let source = source(WITH_B_FRAMES);
    let dir = common::scratch_dir("transcode-seek");
    let audio = "pcm_s16le";
    let cli: (&[&str], &[&str]) = (&["-ss", "0.7"], &[]);
    let (ours, theirs) = both(&source, &dir, "ss", &["--seek", "0.7"], cli, audio);
    let written = assert_same(&ffmpeg, &ours, &theirs, audio);
    let chapters = [(0, 300), (300, 1100), (1100, 1300)];
    assert_counts(&ffmpeg, &ours, &written, (32, 57_348, 2), &chapters);
    assert_eq!(
        written.packets[0][0].0,
        Some(40),
        "the first picture, in milliseconds"
    );

    let cli: (&[&str], &[&str]) = (&["-ss", "0.7"], &["-t", "0.8"]);
    let ours_args = ["--seek", "0.7", "--duration", "0.8"];
    let (ours, theirs) = both(&source, &dir, "ss-t", &ours_args, cli, audio);
    let written = assert_same(&ffmpeg, &ours, &theirs, audio);
    let chapters = [(0, 300), (300, 800)];
    assert_counts(&ffmpeg, &ours, &written, (19, 35_282, 1), &chapters);
}

/// FFmpeg's ways of writing a duration give the same file, without the input's `duration`
/// tag (NUT keeps any tag), which is kept without `--duration`; a negative duration or words
/// are refused with a message, and nothing is written.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_duration_is_read_as_ffmpeg_writes_one() {
    let ffmpeg = common::under_test().load();
    if !has_encoders(&ffmpeg, &["ffv1", "pcm_s16le", "ass"]) {
        return;
    }
    let source = source(INTRA_ONLY);
    let dir = common::scratch_dir("transcode-range-forms");
    let codecs = ["--vcodec", "ffv1", "--acodec", "pcm_s16le"];
    let mut files = Vec::new();
    for (i, form) in [
        "1.3",
        "00:00:01.3",
        "0:01.300",
        "1300ms",
        "1300000us",
        "1.3s",
    ]
    .iter()
    .enumerate()
    {
        let output = dir.join(format!("form-{i}.nut"));
        let result = transcode(
            &source,
            &output,
            &[&codecs[..], &["--duration", form]].concat(),
        );
        assert!(
            result.status.success(),
            "{form}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        files.push(written(&ffmpeg, &output));
    }
    assert!(files.windows(2).all(|pair| pair[0] == pair[1]), "{files:?}");
    let has = |written: &Written, tag: &str| written.tags.iter().any(|(key, _)| key == tag);
    assert!(
        has(&files[0], "title") && !has(&files[0], "duration"),
        "{files:?}"
    );
    let whole = dir.join("whole.nut");
    let result = transcode(&source, &whole, &codecs);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(has(&written(&ffmpeg, &whole), "duration"));
    for form in ["-1", "abc", "1:75", "1.x"] {
        let output = dir.join("refused.nut");
        let result = transcode(
            &source,
            &output,
            &[&codecs[..], &["--duration", form]].concat(),
        );
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(!result.status.success(), "{form}");
        assert!(stderr.contains(form), "{form}: {stderr}");
        assert!(!output.exists(), "{form}");
    }
}

/// The audio packets of `path`, as (pts, duration).
fn audio_packets(ffmpeg: &Ffmpeg, path: &Path) -> Vec<(Option<i64>, i64)> {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let index = input.best_stream(MediaType::Audio).unwrap().index();
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut packets = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            packets.push((packet.pts(), packet.duration()));
        }
    }
    packets
}

/// A DVD's MPEG-PS sought to 0.5 s: its first picture packet is the end of a picture cut by
/// the seek, and the next packet steps back from the picture decoded. 5.1's CLI takes that
/// for a jump in the timestamps and moves every stream by it; from 6.1 its demuxer judges
/// packets by their own timestamps alone, and moves nothing. Under `--cli-timing 6.1` the
/// audio is then cut where the 5.1 CLI cuts it with no video read (`-vn`), and under 5.1's
/// timing where it cuts it with the video.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn after_a_seek_only_5_1s_timing_takes_a_picture_stepping_back_for_a_jump() {
    let ffmpeg = common::under_test().load();
    let has_filters = ffmpeg.library(Library::AvFilter).is_some();
    if !has_filters || !has_encoders(&ffmpeg, &["ffv1", "pcm_s16le"]) {
        return;
    }
    let source = media::generated(
        "tc_dvd_seek.vob",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=720x480:rate=30000/1001:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=48000:duration=2",
            "-target",
            "ntsc-dvd",
        ],
    );
    let dir = common::scratch_dir("transcode-seek-dvd");
    let audio = "pcm_s16le";
    for (timing, cli_after_input) in [("5.1", &[][..]), ("6.1", &["-vn"][..])] {
        let ours = ["--seek", "0.5", "--cli-timing", timing];
        let cli: (&[&str], &[&str]) = (&["-ss", "0.5"], cli_after_input);
        let (ours, theirs) = both(&source, &dir, timing, &ours, cli, audio);
        let (ours, theirs) = (
            audio_packets(&ffmpeg, &ours),
            audio_packets(&ffmpeg, &theirs),
        );
        assert!(ours.len() > 10, "{timing}: {ours:?}");
        assert_eq!(ours, theirs, "{timing}");
    }
}

/// A recording whose video starts after its audio (MPEG-TS: 1.4 s and 1.389 s), sought to
/// 1.3 s into a container of video alone at a constant rate (YUV4MPEG). 5.1's CLI counts
/// from the position, and its output opens with the first picture decoded; 6.1's to 7.1's
/// count from the video's start, 1.289 s earlier (tests/accurate_seek.rs), and fill those
/// 32 frame intervals with copies of it, as 7.1.5's CLI does.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_late_video_sought_alone_opens_where_each_releases_cli_opens_it() {
    let ffmpeg = common::under_test().load();
    let has_filters = ffmpeg.library(Library::AvFilter).is_some();
    let has_y4m = ffmpeg.muxer("yuv4mpegpipe").is_ok();
    if !has_filters || !has_y4m || !has_encoders(&ffmpeg, &["wrapped_avframe"]) {
        return;
    }
    let source = media::late_video_ts();
    let dir = common::scratch_dir("transcode-late-video");
    let pictures = |path: &Path| -> Vec<String> {
        (media::cli_pts_and_md5(path, &[], &["-map", "0:v"]).into_iter())
            .map(|(_, md5)| md5)
            .collect()
    };
    let ours = |timing: &str| -> Vec<String> {
        let output = dir.join(format!("ours-{timing}.y4m"));
        let result = transcode(&source, &output, &["--seek", "1.3", "--cli-timing", timing]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{timing}: {stderr}");
        pictures(&output)
    };
    let cli_output = dir.join("cli.y4m");
    let mut cli = media::cli();
    cli.args(["-y", "-ss", "1.3", "-i"]).arg(&source);
    common::stdout_of(cli.arg(&cli_output), "the CLI");
    let as_5_1 = ours("5.1");
    assert_eq!(as_5_1, pictures(&cli_output));
    assert!(as_5_1.len() > 20, "{} pictures", as_5_1.len());
    let copies = std::iter::repeat_n(as_5_1[0].clone(), 32);
    let as_6_1: Vec<String> = copies.chain(as_5_1.iter().cloned()).collect();
    assert_eq!(ours("6.1"), as_6_1);
}
