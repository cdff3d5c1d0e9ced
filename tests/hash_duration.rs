//! `framehash --duration D` ends where the CLI's output `-t D` ends `framemd5`: pictures at
//! the graph's `trim` (counted from the first picture) and then at the encoder's check (from
//! the output's start), audio cut to the sample; with and without a seek and a graph that
//! moves the frames, on every build (H.264 and PCM decode bit-exactly, so the 5.1 CLI's
//! frames are every release's).

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::Library;

/// H.264 with B-frames in MPEG-TS (a timeline that starts at 1.4 s), and with a variable
/// frame rate in Matroska.
fn video_clips() -> Vec<PathBuf> {
    let source = "testsrc=size=160x96:rate=25:duration=4";
    let h264 = ["-c:v", "libx264", "-g", "25", "-bf", "3"];
    let ts = [&["-f", "lavfi", "-i", source][..], &h264].concat();
    let vfr = [
        &["-f", "lavfi", "-i", source][..],
        &[
            "-vf",
            "select='lt(n\\,40)+not(mod(n\\,3))'",
            "-fps_mode",
            "vfr",
        ],
        &h264,
    ]
    .concat();
    vec![
        media::generated("duration_h264.ts", &ts),
        media::generated("duration_vfr.mkv", &vfr),
    ]
}

/// The CLI's `(pts, md5)` for `ffmpeg [-ss S] -i FILE ARGS -t D -f framemd5 -`.
fn cli(path: &Path, seek: Option<&str>, args: &[&str], duration: &str) -> Vec<(String, String)> {
    let seek: Vec<&str> = seek.map(|s| vec!["-ss", s]).unwrap_or_default();
    media::cli_pts_and_md5(path, &seek, &[args, &["-t", duration]].concat())
}

/// framehash's `(pts, md5)` for `framehash FILE [--seek S] ARGS --duration D`.
fn framehash(
    path: &Path,
    seek: Option<&str>,
    args: &[&str],
    duration: &str,
) -> Vec<(String, String)> {
    let seek: Vec<&str> = seek.map(|s| vec!["--seek", s]).unwrap_or_default();
    let args = [&seek[..], args, &["--duration", duration]].concat();
    media::framehash_pts_and_md5(path, &args)
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_end_where_the_clis_t_ends_them() {
    let ffmpeg = common::under_test().load();
    let filters = ffmpeg.library(Library::AvFilter).is_some();
    let mut frames = 0;
    for clip in video_clips() {
        for seek in [None, Some("1.3")] {
            for duration in ["0.5", "1.72", "60"] {
                let expected = cli(&clip, seek, &["-map", "0:v:0"], duration);
                let ours = framehash(&clip, seek, &[], duration);
                let what = format!("{} from {seek:?} for {duration} s", clip.display());
                assert_eq!(ours, expected, "{what}");
                frames += ours.len();
            }
        }
        // libavfilter 10 (7.0, 7.1) gives `setpts`'s output another frame rate than 5.1's,
        // and so its CLI other times (tests/filters.rs).
        if !filters || ffmpeg.family().major(Library::AvFilter) == 10 {
            continue;
        }
        // A graph that moves every picture 1 s later: its trim passes 1.5 s from the first,
        // then the encoder's check ends the stream 1.5 s from the output's start. Moved 0.5 s
        // earlier, the trim ends it first.
        for graph in ["setpts=PTS+1/TB", "setpts=PTS-0.5/TB"] {
            let expected = cli(&clip, None, &["-map", "0:v:0", "-vf", graph], "1.5");
            assert_eq!(framehash(&clip, None, &["--vf", graph], "1.5"), expected);
            frames += expected.len();
        }
    }
    assert!(frames > 150, "{frames} pictures compared");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_is_cut_to_the_sample_where_the_clis_t_cuts_it() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return; // (framehash hashes audio through a graph, and refuses without libavfilter.)
    }
    // 44.1 kHz, the source's default, in frames of 4608 samples (the packets of a WAVE file
    // are sized otherwise by other releases): 0.3 s is 13 230 samples, within a frame.
    let tone = media::generated(
        "duration_audio.flac",
        &["-f", "lavfi", "-i", "sine=duration=2"],
    );
    for (seek, graph, duration, samples) in [
        (None, "anull", "0.3", Some(13_230)),
        (Some("0.5"), "anull", "1:00", Some(66_150)),
        // Delayed 0.2 s: the trim passes 0.3 s from the first sample, then the encoder's
        // check takes only the frames that start before 0.3 s from the output's start.
        (None, "asetpts=PTS+0.2/TB", "0.3", None),
    ] {
        let args = ["--af", graph];
        let ours = framehash(&tone, seek, &args, duration);
        let expected = cli(&tone, seek, &["-map", "0:a:0", "-af", graph], duration);
        assert_eq!(ours, expected, "{graph} from {seek:?} for {duration}");
        let fields = media::framehash_fields(
            &tone,
            &[
                &seek.map(|s| vec!["--seek", s]).unwrap_or_default()[..],
                &args,
                &["--duration", duration],
            ]
            .concat(),
        );
        let hashed: usize = fields.iter().map(|f| f[2].parse::<usize>().unwrap()).sum();
        match samples {
            Some(samples) => assert_eq!(hashed, samples, "{graph} from {seek:?} for {duration}"),
            None => assert!(
                hashed < 13_230,
                "{hashed} samples: the delay's were not left out"
            ),
        }
    }
}

#[test]
fn a_duration_that_is_not_one_is_refused_naming_it() {
    let build = common::under_test();
    // Refused as the arguments are read, before the input is looked for.
    let tone = Path::new("absent.wav");
    for text in ["-1", "soon", "1:75"] {
        let mut command = common::example_command("framehash", &build);
        let output = command
            .arg(tone)
            .args(["--duration", text])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{text}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(text), "{text}: {said}");
    }
}
