//! `transcode --duration`, the CLI's output `-t`: every stream ends where the CLI's ends, audio
//! cut to the sample, subtitles and chapters after the end left out, the input's `duration`
//! tag dropped; compared with the installed CLI's own `-t` on lossless codecs, which every
//! build encodes alike.

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Ffmpeg, Packet};

/// Two seconds of 25 fps pictures, 44.1 kHz sound, three subtitles (from 0.2, 1.0 and
/// 1.5 s), three chapters (from 0, 1.0 and 1.8 s) and container tags, one of them `duration`.
fn source() -> PathBuf {
    let dir = common::scratch_dir("transcode-duration-source");
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
    media::generated(
        "tc_duration_source.nut",
        &[
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
            "-c:v",
            "ffv1",
            "-c:a",
            "pcm_s16le",
            "-c:s",
            "ass",
        ],
    )
}

/// What the comparison looks at: per stream, each packet's (pts, duration), in the streams'
/// order (not its size: each release's FFV1 encoder writes its own); the chapters (start, end, title) in milliseconds; the container's tags
/// but `encoder` (which names the libavformat that wrote it).
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
    let needed = ["ffv1", "pcm_s16le", "flac", "ass"];
    if !needed.iter().all(|name| ffmpeg.has_encoder(name)) {
        return;
    }
    let source = source();
    let dir = common::scratch_dir("transcode-duration");
    for audio in ["pcm_s16le", "flac"] {
        let ours = dir.join(format!("ours-{audio}.mkv"));
        let codecs = ["--vcodec", "ffv1", "--acodec", audio];
        let result = transcode(
            &source,
            &ours,
            &[&codecs[..], &["--duration", "1.3"]].concat(),
        );
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{audio}: {stderr}");
        let theirs = dir.join(format!("cli-{audio}.mkv"));
        let mut cli = media::cli();
        cli.arg("-y").arg("-i").arg(&source);
        cli.args(["-t", "1.3", "-c:v", "ffv1", "-c:a", audio])
            .arg(&theirs);
        common::stdout_of(&mut cli, "the CLI's -t");

        let (ours_written, cli_written) = (written(&ffmpeg, &ours), written(&ffmpeg, &theirs));
        assert_eq!(ours_written.packets[0].len(), 33, "{audio}: pictures");
        // 4.1's to 4.3's NUT demuxer knows no ASS stream (a later muxer's tag).
        if let Some(subtitles) = ours_written.packets.get(2) {
            assert_eq!(subtitles.len(), 2, "{audio}: subtitles");
        }
        assert_eq!(samples(&ffmpeg, &ours), 57_330, "{audio}: samples");
        let chapters = &ours_written.chapters;
        assert_eq!(chapters.len(), 2, "{audio}: {chapters:?}");
        assert_eq!((chapters[1].0, chapters[1].1), (1000, 1300), "{audio}");
        assert_eq!(ours_written.chapters, cli_written.chapters, "{audio}");
        assert_eq!(ours_written.tags, cli_written.tags, "{audio}");
        // FLAC's frames are cut otherwise from 9.0 (tests/audio_frame_sizes.rs).
        let streams = match audio {
            "flac" => [0, 2].as_slice(),
            _ => [0, 1, 2].as_slice(),
        };
        for &stream in streams.iter().filter(|&&s| s < ours_written.packets.len()) {
            let (ours, cli) = (&ours_written.packets[stream], &cli_written.packets[stream]);
            assert_eq!(ours, cli, "{audio}: stream {stream}");
        }
        for map in ["0:v", "0:a"] {
            assert_eq!(
                decoded_md5(&ours, map),
                decoded_md5(&theirs, map),
                "{audio} {map}"
            );
        }
    }
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
    if !["ffv1", "pcm_s16le", "ass"]
        .iter()
        .all(|name| ffmpeg.has_encoder(name))
    {
        return;
    }
    let source = source();
    let dir = common::scratch_dir("transcode-duration-forms");
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
