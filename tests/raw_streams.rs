//! Raw video streams (a bare MPEG-1 or H.264 file), whose demuxer makes up timestamps
//! (`AVFMT_NOTIMESTAMPS`): from 6.1 the CLI decodes their packets untimed and puts each
//! picture where the last one ended, at the codec's rate, and from 6.0 its encoders give
//! each packet the length the CLI placed its picture for. `framehash` and `transcode` follow
//! the release `--cli-timing` names; 5.1's rules stay the default.

mod common;

use std::path::Path;

use common::media;
use ffmpeg_runtime::format::Input;
use ffmpeg_runtime::{Ffmpeg, Library, Packet};

/// Ten pictures of MPEG-1 video at 25 a second, as a bare stream.
fn raw_mpeg1() -> std::path::PathBuf {
    media::generated(
        "raw_mpeg1.m1v",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.4",
            "-c:v",
            "mpeg1video",
        ],
    )
}

/// Whether the loaded release's CLI keeps 6.1's rules (libavcodec 60.31 on).
fn follows_6_1(ffmpeg: &Ffmpeg) -> bool {
    ffmpeg.library_is_at_least(Library::AvCodec, (60, 31))
}

fn pts_of(frames: &[Vec<String>]) -> Vec<i64> {
    frames
        .iter()
        .map(|fields| fields[1].parse().unwrap())
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_raw_streams_pictures_follow_one_another_as_6_1_and_later_clis_time_them() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let clip = raw_mpeg1();
    // The raw video demuxers say they keep no timestamps from 6.1 (4.4's did too).
    let untimed = !Input::open(&ffmpeg, &clip)
        .unwrap()
        .demuxer()
        .gives_timestamps();
    let newer = media::framehash_fields(&clip, &["--vf", "null", "--cli-timing", "6.1"]);
    if untimed {
        assert_eq!(pts_of(&newer), (0..10).collect::<Vec<_>>());
    }
    // 5.1's CLI stamps each packet with its clock, and the decoder, a picture behind, gives
    // the second picture the third's time.
    let older = media::framehash_fields(&clip, &["--vf", "null", "--cli-timing", "5.1"]);
    let md5s =
        |frames: &[Vec<String>]| -> Vec<String> { frames.iter().map(|f| f[4].clone()).collect() };
    assert_eq!(md5s(&older), md5s(&newer), "the same pictures");
    let loaded = media::framehash_fields(&clip, &["--vf", "null", "--cli-timing", "loaded"]);
    let expected = if follows_6_1(&ffmpeg) { &newer } else { &older };
    assert_eq!(&loaded, expected);
    if ffmpeg.family().ffmpeg_major() == 5 {
        let ours = media::framehash_pts_and_md5(&clip, &["--vf", "null"]);
        let cli = media::cli_pts_and_md5(&clip, &[], &["-vf", "null"]);
        assert_eq!(ours, cli, "as the 5.1 CLI");
    }
}

/// From 6.1 the CLI times pictures itself (`video_frame_process`), leaving packets as read:
/// a picture the decoder gives without a time takes 0, or the last one's end. Sought to its
/// end, a one-second GXF gives its last MPEG-2 I-frame drained, untimed: 6.1's to 9.0's CLI
/// keep it at the position (9.0.2's, run here, prints it at 0); 5.1's clock put it before
/// the position, where the seek's trim drops it.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_picture_drained_untimed_after_a_seek_is_timed_as_6_1_and_later_clis_time_it() {
    let clip = media::generated(
        "one_second.gxf",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=720x576:rate=25:duration=1",
            "-c:v",
            "mpeg2video",
            "-b:v",
            "10M",
        ],
    );
    let sought = |timing: &str| {
        let args = ["--seek", "1.5", "--cli-timing", timing];
        pts_of(&media::framehash_fields(&clip, &args))
    };
    assert_eq!(sought("6.1"), [0]);
    assert_eq!(sought("5.1"), [] as [i64; 0]);
}

/// `(pts, duration)` of every packet of `path`, in seconds.
fn packet_times(ffmpeg: &Ffmpeg, path: &Path) -> Vec<(f64, f64)> {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let time_base = input.stream(0).unwrap().time_base();
    let seconds = |ticks: i64| ticks as f64 * f64::from(time_base.num) / f64::from(time_base.den);
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut all = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        all.push((seconds(packet.pts().unwrap()), seconds(packet.duration())));
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all
}

/// A bare H.264 stream of interlaced pictures at 12.5 a second, which from 6.1 the demuxer
/// guesses at 25 (its fields'): each picture lasts two of the encoder's frame slots, and the
/// last one's length ends the stream (the 6.1 to 9.0 CLIs write 0.8 s, as we now do; it was
/// one slot less).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_pictures_length_reaches_its_packet_as_the_releases_cli_gives_it() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let source = media::generated(
        "raw_interlaced_pictures.h264",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=25:duration=0.8,tinterlace=mode=interleave_top",
            "-c:v",
            "libx264",
            "-flags",
            "+ildct+ilme",
            "-r",
            "12.5",
        ],
    );
    let dir = common::scratch_dir("raw-stream-lengths");
    let output = dir.join("ours.mp4");
    let ran = common::example_command("transcode", &build)
        .arg(&source)
        .arg(&output)
        .args(["--cli-timing", "loaded", "--fps-mode", "vfr"])
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let ours = packet_times(&ffmpeg, &output);
    // From 6.1 the demuxer guesses 25 pictures a second, the rate of the encoder's slots
    // (4.x guesses 12.5, and an average of its own).
    if follows_6_1(&ffmpeg) {
        assert_eq!(ours.len(), 10);
        let starts: Vec<f64> = ours.iter().map(|(pts, _)| *pts).collect();
        let spaced = starts.windows(2).all(|w| (w[1] - w[0] - 0.08).abs() < 1e-6);
        assert!(spaced, "a picture every 0.08 s: {starts:?}");
        let input = Input::open(&ffmpeg, &output).unwrap();
        let stream = input.stream(0).unwrap();
        let time_base = stream.time_base();
        let ticks = stream.duration().unwrap();
        let lasts = ticks as f64 * f64::from(time_base.num) / f64::from(time_base.den);
        assert!(
            (lasts - 0.8).abs() < 1e-6,
            "the last picture's length ends it: {lasts}"
        );
    }
    if ffmpeg.family().ffmpeg_major() == 5 {
        let cli_output = dir.join("cli.mp4");
        let mut cli = media::cli();
        cli.arg("-y")
            .arg("-i")
            .arg(&source)
            .args(["-fps_mode", "vfr"]);
        cli.arg(&cli_output);
        common::stdout_bytes_of(&mut cli, "the CLI's MP4");
        assert_eq!(ours, packet_times(&ffmpeg, &cli_output), "as the 5.1 CLI");
    }
    let _ = std::fs::remove_dir_all(dir);
}
