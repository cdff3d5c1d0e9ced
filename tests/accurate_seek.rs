//! Frame-exact seeking against the CLI: `framehash --seek S --frames N` equals
//! `ffmpeg -ss S -i FILE -frames:v N -f framemd5 -` (pictures and timestamps) on H.264 with
//! B-frames (MP4, and MPEG-TS whose timeline does not start at zero), HEVC with a B-pyramid,
//! VP9 with hidden frames and a variable frame rate, on every build (these decoders are
//! bit-exact, so the 5.1 CLI's frames are every release's).

mod common;

use std::path::{Path, PathBuf};

use common::media;
use ffmpeg_runtime::Library;

fn clips() -> Vec<PathBuf> {
    let source = "testsrc=size=160x96:rate=25:duration=6";
    vec![
        media::generated(
            "seek_h264.mp4",
            &[
                "-f", "lavfi", "-i", source, "-c:v", "libx264", "-g", "25", "-bf", "3",
            ],
        ),
        media::generated(
            "seek_h264.ts",
            &[
                "-f", "lavfi", "-i", source, "-c:v", "libx264", "-g", "25", "-bf", "3",
            ],
        ),
        media::generated(
            "seek_hevc.mp4",
            &[
                "-f",
                "lavfi",
                "-i",
                source,
                "-c:v",
                "libx265",
                "-x265-params",
                "log-level=error:keyint=30:bframes=4:b-pyramid=1",
            ],
        ),
        media::generated(
            "seek_vp9.webm",
            &[
                "-f",
                "lavfi",
                "-i",
                source,
                "-c:v",
                "libvpx-vp9",
                "-g",
                "30",
                "-auto-alt-ref",
                "1",
                "-lag-in-frames",
                "16",
                "-b:v",
                "200k",
            ],
        ),
        media::generated(
            "seek_vfr.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                source,
                "-vf",
                "select='lt(n\\,40)+not(mod(n\\,3))'",
                "-fps_mode",
                "vfr",
                "-c:v",
                "libx264",
                "-g",
                "20",
            ],
        ),
    ]
}

fn cli(path: &Path, seconds: &str, frames: usize) -> Vec<(String, String)> {
    let mut command = media::cli();
    command.args(["-ss", seconds, "-i"]).arg(path);
    command.args(["-map", "0:v:0", "-frames:v", &frames.to_string()]);
    command.args(["-f", "framemd5", "-"]);
    media::framemd5_fields(command, seconds)
        .into_iter()
        .map(|fields| (fields[2].clone(), fields[5].clone()))
        .collect()
}

fn framehash(path: &Path, seconds: &str, frames: usize) -> Vec<(String, String)> {
    let frames = frames.to_string();
    media::framehash_fields(path, &["--seek", seconds, "--frames", &frames])
        .into_iter()
        .map(|fields| (fields[1].clone(), fields[4].clone()))
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn seeking_gives_the_clis_frames_from_the_position_on() {
    let mut frames = 0;
    for clip in clips() {
        for seconds in ["0", "0.5", "1.72", "3.3", "4.04", "5.9"] {
            let expected = cli(&clip, seconds, 6);
            let ours = framehash(&clip, seconds, 6);
            assert_eq!(ours, expected, "{} at {seconds} s", clip.display());
            frames += ours.len();
        }
    }
    assert!(frames > 120, "{frames} frames compared");
}

/// Past the end there is nothing; audio is sought to the sample, as the CLI's `atrim` after
/// `-ss` cuts it: half of one second of samples remains, the first at time 0.
#[test]
fn seeking_past_the_end_gives_nothing_and_audio_is_cut_to_the_sample() {
    let clip = &clips()[0];
    assert!(framehash(clip, "60", 3).is_empty());
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return; // (framehash hashes audio through a graph, and refuses without libavfilter.)
    }
    // 44.1 kHz, the source's default.
    let tone = media::generated("seek_audio.wav", &["-f", "lavfi", "-i", "sine=duration=1"]);
    let frames = media::framehash_fields(&tone, &["--stream", "0", "--seek", "0.5"]);
    assert_eq!(frames[0][1], "0", "{frames:?}");
    let samples: usize = frames.iter().map(|f| f[2].parse::<usize>().unwrap()).sum();
    assert_eq!(samples, 22_050, "{frames:?}");
}

/// Inputs where the seek is not the plain one, at a position: a raw MPEG-4 stream and an
/// ANSI text (shown by the tty demuxer), which cannot seek, so the CLI reads them from the
/// start; the text, whose pictures are drawn one on the other, is sought without the 3/23 s
/// the CLI leaves for reordering only where a stream reorders; MPEG-PS, where the packets
/// before the position step back and the CLI's timeline moves a frame on; and two MPEG-TS
/// recordings joined, sought far into the second, where the CLI's timeline restarts.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn seeking_where_the_input_cannot_or_its_time_jumps() {
    let pictures = "testsrc2=size=176x144:rate=25:duration=2";
    let raw = media::generated(
        "seek_raw_b_frames.m4v",
        &["-f", "lavfi", "-i", pictures, "-c:v", "mpeg4", "-bf", "2"],
    );
    let program_stream = media::generated(
        "seek_ps.mpg",
        &[
            "-f",
            "lavfi",
            "-i",
            pictures,
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2:sample_rate=48000",
            "-c:v",
            "mpeg1video",
            "-c:a",
            "mp2",
        ],
    );
    let lines: String = (0..200)
        .map(|n| format!("line {n}: \x1b[1mthe quick brown fox\x1b[0m jumps over {n}\n"))
        .collect();
    let text = media::source("seek_text.txt", lines);
    let joined: Vec<u8> = ["100", "300"]
        .iter()
        .map(|offset| {
            let recording = media::generated(
                &format!("seek_recording_at_{offset}.ts"),
                &[
                    "-f",
                    "lavfi",
                    "-i",
                    pictures,
                    "-c:v",
                    "libx264",
                    "-bf",
                    "2",
                    "-output_ts_offset",
                    offset,
                ],
            );
            std::fs::read(recording).unwrap()
        })
        .collect::<Vec<_>>()
        .concat();
    let joined = media::source("seek_joined.ts", joined);
    let ffmpeg = common::under_test().load();
    // Raw MPEG-4's frame rate and MPEG-PS's packets after a seek are other releases' own:
    // there the pictures are compared, not their times.
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    // 4.1's tty demuxer (libavformat 58.20) lands elsewhere in the text.
    let avformat = ffmpeg
        .library(Library::AvFormat)
        .expect("a required library");
    let text_seeks_as_5_1 = avformat.version().major > 58 || avformat.version().minor > 20;
    // (clip, position, times equal on every release, decoded bit-exactly on every
    // architecture: MPEG-1's and MPEG-4's IDCT is each architecture's own).
    let mut cases = vec![
        (&raw, "0.3", false, false),
        (&program_stream, "0.3", false, false),
        (&joined, "74.749", true, true),
    ];
    if text_seeks_as_5_1 {
        cases.push((&text, "0.227", true, true));
    }
    for (clip, seconds, times_everywhere, bit_exact) in cases {
        let what = format!("{} at {seconds} s", clip.display());
        let comparable = |frames: Vec<(String, String)>| -> Vec<(String, String)> {
            if bit_exact || !common::emulated() {
                return frames;
            }
            let other = || "(another architecture)".to_owned();
            frames.into_iter().map(|(pts, _)| (pts, other())).collect()
        };
        let expected = comparable(cli(clip, seconds, 5));
        assert_eq!(expected.len(), 5, "{what}");
        let ours = comparable(framehash(clip, seconds, 5));
        if the_clis_major || times_everywhere {
            assert_eq!(ours, expected, "{what}");
        } else {
            let pictures = |frames: &[(String, String)]| -> Vec<String> {
                frames.iter().map(|(_, md5)| md5.clone()).collect()
            };
            assert_eq!(pictures(&ours), pictures(&expected), "{what}");
        }
    }
}

fn md5_of(frame: &ffmpeg_runtime::Frame) -> String {
    use md5::{Digest, Md5};
    let mut packed = Vec::new();
    frame.copy_packed(&mut packed).unwrap();
    format!("{:x}", Md5::digest(&packed))
}

/// `VideoReader` gives frame N as the CLI decodes it, for frames asked one by one or in a
/// batch in any order (duplicates too), and the frame at a time.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_reader_gives_any_frame_as_the_cli_decodes_it() {
    let ffmpeg = common::under_test().load();
    for clip in clips() {
        check_reader(&ffmpeg, &clip, true);
    }
}

/// Asks `clip`'s reader for frames one by one, in a batch in any order (duplicates too),
/// and (where its frames are `timed`) by time: each as the CLI decodes it, numbered as the
/// CLI numbers them.
fn check_reader(ffmpeg: &ffmpeg_runtime::Ffmpeg, clip: &Path, timed: bool) {
    use ffmpeg_runtime::reader::VideoReader;
    let expected = media::reference_md5s(clip, None);
    let mut reader = VideoReader::open(ffmpeg, clip).unwrap();
    assert_eq!(reader.index().len(), expected.len(), "{}", clip.display());
    let last = expected.len() - 1;
    let wanted = [last, 0, 77 % last, 31 % last, 30 % last, 3, 3, last / 2, 1];
    let frames = reader.frames(&wanted).unwrap();
    for (n, frame) in wanted.iter().zip(&frames) {
        assert_eq!(md5_of(frame), expected[*n], "{} frame {n}", clip.display());
    }
    let mut frame = ffmpeg_runtime::Frame::new(ffmpeg).unwrap();
    for n in [last / 3, last / 3 + 1, 2] {
        reader.frame(n, &mut frame).unwrap();
        assert_eq!(md5_of(&frame), expected[n], "{} frame {n}", clip.display());
        if !timed {
            continue;
        }
        let pts = reader.index().get(n).unwrap().pts;
        let previous = reader.index().get(n - 1).unwrap().pts;
        // Just after the frame before, where the time base is fine enough.
        for at in [pts, pts - 1].into_iter().filter(|&at| at > previous) {
            reader.frame_at(at, &mut frame).unwrap();
            assert_eq!(md5_of(&frame), expected[n], "{} at {at}", clip.display());
        }
    }
    assert!(reader.frame(expected.len(), &mut frame).is_err());
}

/// Streams whose packets carry no usable presentation timestamps are indexed by decoding
/// them once, and their frames numbered as the CLI numbers them (each had been refused or
/// cut short): MPEG-4 with B-frames in AVI (no pts; decoded frames are timed), raw H.264
/// (untimed: reached by decoding from the start, the demuxer cannot seek), two recordings
/// joined with `cat` (their clocks start alike, so timestamps repeat), and RoQ, whose
/// demuxer ends the file with a read error (what was read is kept). Paletted AVI keeps its
/// colours.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_reader_numbers_frames_without_timestamps_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    let source = "testsrc=size=160x96:rate=25:duration=2";
    let make = |name: &str, codec: &[&str]| {
        let mut args = vec!["-f", "lavfi", "-i", source];
        args.extend_from_slice(codec);
        media::generated(name, &args)
    };
    let avi = make(
        "seek_mpeg4_bf.avi",
        &["-c:v", "mpeg4", "-bf", "2", "-g", "12"],
    );
    let raw = make(
        "seek_h264_raw.h264",
        &["-c:v", "libx264", "-g", "12", "-bf", "2"],
    );
    let recording = std::fs::read(make(
        "seek_joined_part.ts",
        &["-c:v", "libx264", "-g", "12"],
    ));
    let joined = media::source("seek_joined.ts", recording.unwrap().repeat(2));
    let roq = make("seek_read_error.roq", &["-s", "128x128"]);
    // Paletted pictures, whose colours the AVI demuxer hands out once, on the first packet
    // (the index pass took it: every picture had come out black).
    let paletted = make("seek_pal8.avi", &["-pix_fmt", "pal8", "-c:v", "rawvideo"]);
    check_reader(&ffmpeg, &avi, true);
    check_reader(&ffmpeg, &paletted, true);
    for clip in [raw, joined, roq] {
        check_reader(&ffmpeg, &clip, false);
    }
}

/// The `random_access` example gives each frame as RGB24 converted as the CLI's `-pix_fmt
/// rgb24` converts it: through libavfilter's `scale`, which takes the picture's colour matrix
/// (libswscale left to its defaults takes BT.601, and 10-bit BT.709 pictures differed). Its
/// MD5s are the 5.1 CLI's; elsewhere it answers.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn random_access_gives_rgb_as_the_cli_converts_it() {
    use md5::{Digest, Md5};
    let build = common::under_test();
    let ffmpeg = build.load();
    let clip = media::generated(
        "seek_h264_10bit_709.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x96:rate=25:duration=1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p10le",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-g",
            "10",
        ],
    );
    let mut example = common::example_command("random_access", &build);
    example.arg(&clip).args(["--frames", "17,0,3"]);
    let printed = common::stdout_of(&mut example, "random_access");
    let frames: Vec<(String, String)> = printed
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (fields[0].to_owned(), fields[2].to_owned())
        })
        .collect();
    assert_eq!(frames.len(), 3, "{printed}");
    let the_clis_major = ffmpeg.family().ffmpeg_major() == 5;
    if !the_clis_major || ffmpeg.library(Library::AvFilter).is_none() {
        return; // the CLI's conversion, which only its major shares
    }
    for (n, md5) in frames {
        let mut cli = media::cli();
        let select = format!("select=eq(n\\,{n})");
        cli.arg("-i").arg(&clip).args([
            "-vf",
            &select,
            "-fps_mode",
            "passthrough",
            "-frames:v",
            "1",
            "-pix_fmt",
            "rgb24",
            "-f",
            "rawvideo",
            "-",
        ]);
        let rgb = common::stdout_bytes_of(&mut cli, &format!("the CLI's frame {n}"));
        assert_eq!(md5, format!("{:x}", Md5::digest(&rgb)), "frame {n}");
    }
}

/// A recording whose video starts after its audio (MPEG-TS: 1.4 s and 1.389 s), its video
/// alone sought to 1.3 s. 5.1's CLI counts from the position (1.3 s from the container's
/// start), as 8.0's and later do here; 6.1's to 7.1's count from the later of the video's
/// start and the position taken from zero (`correct_input_start_times`' operator precedence,
/// fixed in 8.0): from 1.4 s, every picture 1.289 s (32 frames) later than 5.1's.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_recording_whose_video_starts_late_is_sought_as_each_release_counts_it() {
    let clip = media::late_video_ts();
    let hashes = |timing: &str| -> Vec<(String, String)> {
        let args = ["--seek", "1.3", "--frames", "6", "--cli-timing", timing];
        media::framehash_fields(&clip, &args)
            .into_iter()
            .map(|fields| (fields[1].clone(), fields[4].clone()))
            .collect()
    };
    let as_5_1 = hashes("5.1");
    assert_eq!(as_5_1, cli(&clip, "1.3", 6));
    let later: Vec<(String, String)> = (as_5_1.iter())
        .map(|(pts, md5)| ((pts.parse::<i64>().unwrap() + 32).to_string(), md5.clone()))
        .collect();
    assert_eq!(hashes("6.1"), later);
    let release = common::under_test().load().release_version();
    let as_its_cli = if ((6, 1)..(8, 0)).contains(&release) {
        later
    } else {
        as_5_1
    };
    assert_eq!(hashes("loaded"), as_its_cli, "{release:?}");
}
