//! MPEG-TS recordings joined end to end (`cat a.ts b.ts`), whose timestamps jump back 90 s,
//! forward 200 s, or start again: `Timeline` takes the jump out as the ffmpeg CLI does, so
//! `framehash` equals the CLI's framemd5 (timestamps and pictures), `remux` writes the
//! CLI's packet times, and `transcode` writes 4 s, not 26 hours. On every build.

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::format::{Input, MediaType, Timeline};
use ffmpeg_runtime::{Library, Packet};

/// 2 s of H.264 (with B-frames) and AAC in MPEG-TS, its clock starting at `offset` seconds.
fn recording(offset: &str) -> PathBuf {
    media::generated(
        &format!("recording_at_{offset}.ts"),
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x96:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:v",
            "libx264",
            "-g",
            "25",
            "-bf",
            "2",
            "-c:a",
            "aac",
            "-output_ts_offset",
            offset,
        ],
    )
}

/// The recordings at `first` and `second` seconds, one after the other in one file.
fn joined(first: &str, second: &str) -> PathBuf {
    let bytes = [recording(first), recording(second)]
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect::<Vec<_>>()
        .concat();
    media::source(&format!("joined_{first}_{second}.ts"), bytes)
}

/// Back 92 s (which libavformat reads as a wrap of the 33-bit clock, 26 hours on), forward
/// 198 s, and the same 2 s twice.
fn joined_recordings() -> Vec<PathBuf> {
    vec![
        joined("100", "10"),
        joined("100", "300"),
        joined("100", "100"),
    ]
}

/// Each stream's dts (or pts) in seconds, in reading order: as read, or placed on a
/// `Timeline`; and how many jumps it took out.
fn dts_seconds(path: &Path, placed: bool) -> (Vec<Vec<f64>>, u64) {
    let ffmpeg = common::under_test().load();
    let mut input = Input::open(&ffmpeg, path).unwrap();
    let streams: Vec<usize> = input.streams().map(|s| s.index()).collect();
    let time_bases: Vec<_> = input.streams().map(|s| s.time_base()).collect();
    let mut timeline = Timeline::new(&input, &streams);
    let mut times = vec![Vec::new(); streams.len()];
    let mut packet = Packet::new(&ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        if placed {
            timeline.place(&mut packet);
        }
        let index = packet.stream_index();
        let time_base = time_bases[index];
        // (A Matroska copy leaves some packets with only a pts.)
        if let Some(dts) = packet.dts().or(packet.pts()) {
            times[index].push(dts as f64 * f64::from(time_base.num) / f64::from(time_base.den));
        }
    }
    (times, timeline.corrections())
}

/// From the earliest to the latest of `times`.
fn span(times: &[f64]) -> f64 {
    let (low, high) = times.iter().fold((f64::MAX, f64::MIN), |(low, high), &t| {
        (low.min(t), high.max(t))
    });
    high - low
}

#[test]
fn the_jump_is_taken_out_and_every_stream_moves_with_it() {
    for path in joined_recordings() {
        let name = path.display();
        let (read, _) = dts_seconds(&path, false);
        let (placed, corrections) = dts_seconds(&path, true);
        assert_eq!(corrections, 1, "{name}");
        for (stream, (read, placed)) in read.iter().zip(&placed).enumerate() {
            // As read, the second recording lies far from the first (or on top of it).
            assert!(
                span(read) > 10.0 || read.windows(2).any(|w| w[1] < w[0] - 1.0),
                "{name} stream {stream}: {}",
                span(read)
            );
            // Placed, the streams run 4 s from zero, a stream never more than a frame back.
            assert!(placed[0].abs() < 0.2, "{name} stream {stream}: {placed:?}");
            assert!((3.9..4.2).contains(&span(placed)), "{name} stream {stream}");
            assert!(
                placed.windows(2).all(|w| w[1] > w[0] - 0.05),
                "{name} stream {stream}: {placed:?}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn framehash_times_every_frame_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return; // (4.4 here: framehash refuses `--vf` without libavfilter, as it should.)
    }
    // The AAC decoder's samples are the 5.1 CLI's on its own major; elsewhere the times are.
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    // The CLI's copy of a joined recording: no jump left, but its audio steps back 43 ms
    // where the recordings meet, and the CLI writes those frames at the last time written.
    let joined = joined("100", "10");
    let joined = joined.to_str().expect("a UTF-8 cache path");
    let copy = media::generated(
        "joined_100_10_copy.ts",
        &["-i", joined, "-map", "0", "-c", "copy"],
    );
    for path in joined_recordings().into_iter().chain([copy]) {
        let name = path.display();
        let expected = media::cli_pts_and_md5(&path, &[], &["-map", "0:v:0", "-vf", "null"]);
        assert_eq!(expected.len(), 100, "{name}");
        let ours = media::framehash_pts_and_md5(&path, &["--vf", "null"]);
        assert_eq!(ours, expected, "{name}");

        let expected = media::cli_pts_and_md5(&path, &[], &["-map", "0:a:0", "-af", "anull"]);
        let ours = media::framehash_pts_and_md5(&path, &["--af", "anull"]);
        media::assert_same_frames(&ours, &expected, the_clis_major, &name.to_string());
    }
}

/// Every packet's (pts, dts) in `path`, as ffprobe reads them.
fn packet_times(path: &Path) -> String {
    let mut command = std::process::Command::new("ffprobe");
    command.env_remove("LD_LIBRARY_PATH");
    command.args([
        "-v",
        "error",
        "-show_entries",
        "packet=stream_index,pts,dts",
    ]);
    command.args(["-of", "csv=p=0"]).arg(path);
    common::stdout_of(&mut command, "ffprobe's packets")
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn remux_writes_the_clis_packet_times() {
    let build = common::under_test();
    // Muxers of other releases than the CLI's (libavformat 59) shift and edit otherwise:
    // there the copy must hold the 4 s, without the jump.
    let same_muxers = build
        .load()
        .library(Library::AvFormat)
        .expect("a required library")
        .version()
        .major
        == 59;
    let dir = common::scratch_dir("timeline_remux");
    for (n, path) in joined_recordings().iter().enumerate() {
        for extension in ["mkv", "mp4"] {
            let what = format!("{} into {extension}", path.display());
            let ours = dir.join(format!("ours_{n}.{extension}"));
            let mut remux = common::example_command("remux", &build);
            common::stdout_bytes_of(remux.arg(path).arg(&ours), &what);
            let (times, _) = dts_seconds(&ours, false);
            for stream in times {
                let seconds = span(&stream);
                assert!((3.8..4.2).contains(&seconds), "{what}: {seconds} s");
            }
            if same_muxers {
                let theirs = dir.join(format!("cli_{n}.{extension}"));
                let mut copy = media::cli();
                copy.arg("-i")
                    .arg(path)
                    .args(["-map", "0", "-c", "copy", "-y"]);
                common::stdout_bytes_of(copy.arg(&theirs), "the CLI's copy");
                assert_eq!(packet_times(&ours), packet_times(&theirs), "{what}");
            }
        }
    }
}

/// Two Ogg recordings of `codec` joined end to end (`cat`), as a radio stream's next
/// programme is chained: the second restarts its timestamps at zero, at another rate and
/// channel count.
fn chained_ogg(codec: &str) -> PathBuf {
    let part = |n: usize, tone: &str, channels: &str| {
        let name = format!("chain_{codec}_{n}.ogg");
        let args = ["-f", "lavfi", "-i", tone, "-ac", channels, "-c:a", codec];
        std::fs::read(media::generated(&name, &args)).unwrap()
    };
    let first = part(1, "sine=frequency=440:duration=1.5:sample_rate=48000", "1");
    let second = part(2, "sine=frequency=880:duration=1:sample_rate=44100", "2");
    media::source(&format!("chained_{codec}.ogg"), [first, second].concat())
}

/// A chained Ogg file's second chain is put where the CLI's clock expected it: copied, where
/// the last packet of the first starts (Vorbis frames vary in length, so the CLI's copy
/// counts none of it); decoded, where the samples decoded so far end (FLAC's frame threads
/// hold frames back, and the CLI's clock is behind by them). The copies had come 4 ms late,
/// and the decoded FLAC frames up to 0.17 s early, where the CLI judges a second jump.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_chained_ogg_continues_where_the_clis_clock_expects_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let same_muxers = ffmpeg.library(Library::AvFormat).unwrap().version().major == 59;
    let dir = common::scratch_dir("timeline_chained");
    let vorbis = chained_ogg("libvorbis");
    for extension in ["mkv", "nut"] {
        let what = format!("chained Vorbis into {extension}");
        let ours = dir.join(format!("ours.{extension}"));
        let mut remux = common::example_command("remux", &build);
        common::stdout_bytes_of(remux.arg(&vorbis).arg(&ours), &what);
        let theirs = dir.join(format!("cli.{extension}"));
        let mut copy = media::cli();
        copy.arg("-i")
            .arg(&vorbis)
            .args(["-map", "0", "-c", "copy"]);
        common::stdout_bytes_of(copy.arg("-y").arg(&theirs), "the CLI's copy");
        if same_muxers {
            assert_eq!(packet_times(&ours), packet_times(&theirs), "{what}");
        }
    }
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let flac = chained_ogg("flac");
    let expected = media::cli_pts_and_md5(&flac, &[], &["-map", "0:a:0", "-af", "anull"]);
    assert!(expected.len() > 20);
    let ours = media::framehash_pts_and_md5(&flac, &["--af", "anull"]);
    // Other releases' FLAC decoders hold back other frames (their frame threads differ),
    // and the CLI's clock is the 5.1 decoder's; where the second chain lands moves what the
    // graph resamples it to. Elsewhere as many frames come, each after the one before.
    if ffmpeg.family().ffmpeg_major() == 5 {
        assert_eq!(ours, expected, "chained FLAC");
    } else {
        assert_eq!(ours.len(), expected.len(), "chained FLAC");
        let times: Vec<i64> = ours.iter().map(|(pts, _)| pts.parse().unwrap()).collect();
        assert!(times.windows(2).all(|t| t[0] < t[1]), "{times:?}");
    }
}

/// From 6.1 the CLI's demuxer, not its decoder, runs a decoded audio stream's clock: by one
/// codec frame a packet, none for FLAC, whose frames vary. Where a chained Ogg file's second
/// chain restarts at zero (libavformat before 8.0's), its first frame goes where the last
/// packet before the restart started (69 120, 1.44 s, the first chain's last frame of
/// 2 880 samples), as 7.1.5's CLI puts it; 5.1's CLI, whose decoder ran the clock, put it
/// where those samples end. From 8.0 the demuxer makes the chains continuous: 72 000.
#[test]
fn a_chained_oggs_second_chain_is_timed_as_6_1s_demuxer_times_it() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let flac = chained_ogg("flac");
    let mut input = Input::open(&ffmpeg, &flac).unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    // Where the last packet before the restart starts (4.1's demuxer gives the second
    // chain's first header packet the first chain's end, 72 000, before it restarts).
    let mut restart = None;
    let mut last = 0;
    while input.read_packet(&mut packet).unwrap() {
        let pts = packet.pts().unwrap_or(last);
        if pts < last && restart.is_none() {
            restart = Some(last);
        }
        last = pts;
    }
    let frames = media::framehash_pts_and_md5(&flac, &["--af", "anull", "--cli-timing", "6.1"]);
    let times: Vec<&str> = frames[14..17].iter().map(|(pts, _)| pts.as_str()).collect();
    let second = restart.unwrap_or(72_000).to_string();
    assert_eq!(
        times,
        ["64512", "69120", &second],
        "restart after {restart:?}"
    );
}

/// MPEG-PS audio read from a seek: the first packets are pieces of frames, one of which
/// decodes as a short frame while the decoder still states another rate. As the CLI, the
/// clock runs on at the decoder's rate as it stands, not the frame's: at the frame's it
/// ran 0.1 s ahead of the next packet, which then counted as a jump back and moved every
/// sample after it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_read_from_a_seek_in_mpeg_ps_is_timed_as_the_cli_times_it() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    let program = media::generated(
        "timeline_program.mpg",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1:sample_rate=48000",
            "-c:v",
            "mpeg1video",
            "-c:a",
            "mp2",
        ],
    );
    for seconds in ["0.7", "0.3"] {
        let args = ["-vn", "-af", "anull", "-frames:a", "6"];
        let expected = media::cli_pts_and_md5(&program, &["-ss", seconds], &args);
        assert_eq!(expected.len(), 6, "{seconds}");
        let ours = media::framehash_pts_and_md5(
            &program,
            &["--seek", seconds, "--af", "anull", "--frames", "6"],
        );
        media::assert_same_frames(&ours, &expected, the_clis_major, seconds);
    }
}

#[test]
fn transcode_writes_the_four_seconds() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let dir = common::scratch_dir("timeline_transcode");
    let path = joined("100", "10");
    let output = dir.join("joined.mkv");
    let mut transcode = common::example_command("transcode", &build);
    common::stdout_bytes_of(transcode.arg(&path).arg(&output), "transcode");
    let input = Input::open(&ffmpeg, &output).unwrap();
    let seconds = input.duration_us().expect("a duration") as f64 / 1e6;
    assert!((3.9..4.3).contains(&seconds), "{seconds} s");
    let video = input.best_stream(MediaType::Video).unwrap();
    assert_eq!(video.frame_count().unwrap_or(100), 100);
}
