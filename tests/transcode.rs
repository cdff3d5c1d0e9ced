//! The transcode example on what real files bring, checked with the crate's own demuxer and
//! decoder (and ffprobe where installed): every input frame present with its timestamp, the
//! duration kept, every audio stream present with its length.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::media::{self, CLIPS};
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Codec, Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType, Muxer};
use ffmpeg_runtime::{Ffmpeg, Frame, Library, Packet};
use serde_json::Value;

/// What decoding a file finds.
#[derive(Debug, Default)]
struct Facts {
    /// Presentation time in seconds of every video frame, in output order.
    video_times: Vec<f64>,
    video_sizes: Vec<(u32, u32)>,
    /// (seconds of samples, first timestamp in seconds, sample rate) per audio stream.
    audio: Vec<(f64, Option<f64>, u32)>,
}

fn facts(ffmpeg: &Ffmpeg, path: &Path) -> Facts {
    let mut input = Input::open(ffmpeg, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let video = input
        .auto_selected_stream(MediaType::Video)
        .map(|s| s.index());
    // (stream index, time base, decoder, slot in `audio` or None for the video stream)
    let mut lanes = Vec::new();
    for stream in input.streams() {
        let slot = match stream.media_type() {
            MediaType::Audio => Some(lanes.iter().filter(|l: &&Lane| l.3.is_some()).count()),
            _ if Some(stream.index()) == video => None,
            _ => continue,
        };
        let decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
        lanes.push((stream.index(), stream.time_base(), decoder, slot));
    }
    let mut facts = Facts {
        audio: vec![(0.0, None, 0); lanes.iter().filter(|l| l.3.is_some()).count()],
        ..Facts::default()
    };
    let (mut packet, mut frame) = (Packet::new(ffmpeg).unwrap(), Frame::new(ffmpeg).unwrap());
    let take = |lane: &mut Lane, frame: &mut Frame, facts: &mut Facts| {
        while lane.2.receive(frame).unwrap() {
            let tb = lane.1;
            let time = frame
                .best_effort_timestamp()
                .map(|t| t as f64 * f64::from(tb.num) / f64::from(tb.den));
            match lane.3 {
                None => {
                    facts
                        .video_times
                        .push(time.expect("a timestamp on every frame"));
                    facts.video_sizes.push((frame.width(), frame.height()));
                }
                Some(slot) => {
                    let entry = &mut facts.audio[slot];
                    entry.0 += frame.samples() as f64 / f64::from(frame.sample_rate());
                    entry.1 = entry.1.or(time);
                    entry.2 = frame.sample_rate();
                }
            }
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        if let Some(lane) = lanes.iter_mut().find(|l| l.0 == packet.stream_index()) {
            lane.2.send(&packet).unwrap();
            take(lane, &mut frame, &mut facts);
        }
    }
    for lane in &mut lanes {
        lane.2.send_eof().unwrap();
        take(lane, &mut frame, &mut facts);
    }
    facts
}

type Lane = (usize, Rational, Decoder, Option<usize>);

/// The example transcoding `input` to `output` with the build under test.
fn transcode_command(input: &Path, output: &Path, extra: &[&str]) -> Command {
    let build = common::under_test();
    let mut command = common::example_command("transcode", &build);
    command.arg(input).arg(output).args(extra);
    command
}

fn transcode(input: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut command = transcode_command(input, output, extra);
    command.output().expect("the transcode example runs")
}

/// Transcodes `input` to `output`, which must succeed.
fn transcode_ok(input: &Path, output: &Path, extra: &[&str]) {
    let mut command = transcode_command(input, output, extra);
    common::stdout_bytes_of(&mut command, &output.display().to_string());
}

fn partial_of(output: &Path) -> PathBuf {
    let name = output.file_name().unwrap().to_str().unwrap();
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    output.with_file_name(format!(".{stem}.partial.{extension}"))
}

/// Frame times relative to the first, sorted (output order of both files is presentation
/// order; relative times compare files whose starts were moved to zero).
fn relative(times: &[f64]) -> Vec<f64> {
    let first = times.iter().copied().fold(f64::INFINITY, f64::min);
    let mut relative: Vec<f64> = times.iter().map(|t| t - first).collect();
    relative.sort_by(f64::total_cmp);
    relative
}

/// Transcodes `source` to `output` and checks it against the source.
fn check_transcode(ffmpeg: &Ffmpeg, source: &Path, output: &Path, extra: &[&str]) -> Facts {
    let result = transcode(source, output, extra);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        result.status.success(),
        "{} → {}: {stderr}",
        source.display(),
        output.display()
    );
    assert!(!partial_of(output).exists(), "the partial file is gone");
    // Run from a script (stderr is a pipe here), it still says what it did.
    let summary = stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with(&output.display().to_string()) && summary.contains(" frames, "),
        "{stderr}"
    );
    let (before, after) = (facts(ffmpeg, source), facts(ffmpeg, output));
    let what = format!("{} → {}", source.display(), output.display());

    // As the CLI's own transcode to the same container: a muxer that wants a constant rate
    // (MP4) gets one picture per frame interval, copies filling gaps; others (Matroska) each
    // picture in its own interval. Under Wine, where the CLI does not run, pictures in order.
    let relative_after = relative(&after.video_times);
    match cli_video_times(ffmpeg, source, output) {
        Some(expected) => {
            assert_eq!(
                relative_after.len(),
                expected.len(),
                "{what}: as many pictures as the CLI's"
            );
            // libavformat 58 shifts Matroska's times only from the first negative one on:
            // pictures written before the audio encoder's first (primed, so negative)
            // packet keep their times while the rest move by the priming.
            let some_kept = ffmpeg.family().major(Library::AvFormat) == 58
                && output.extension().is_some_and(|e| e == "mkv");
            let offsets = relative_after.iter().zip(&expected).map(|(o, t)| o - t);
            let shift = match some_kept {
                true => offsets.fold(0.0, f64::max),
                false => 0.0,
            };
            assert!(shift < 0.2, "{what}: shifted by {shift} s");
            for (n, (ours, theirs)) in relative_after.iter().zip(&expected).enumerate() {
                assert!(
                    (ours - theirs).abs() < 0.0015 || (ours - theirs - shift).abs() < 0.0015,
                    "{what}: picture {n} at {ours:.4} s, the CLI's at {theirs:.4} s"
                );
            }
        }
        None => assert!(
            after.video_times.windows(2).all(|pair| pair[0] < pair[1])
                && after.video_times.len() >= before.video_times.len().min(1),
            "{what}: pictures in order"
        ),
    }
    if let Some(&first) = after.video_times.iter().min_by(|a, b| a.total_cmp(b)) {
        // Near zero, as the CLI starts it (not at the source's 10 s); Matroska may shift all
        // streams by an audio encoder's priming (1024 samples at 8 kHz: 0.128 s).
        assert!(first.abs() < 0.2, "{what}: the output starts at {first} s");
        let size = after.video_sizes[0];
        assert!(
            after.video_sizes.iter().all(|s| *s == size),
            "{what}: one size throughout"
        );
    }
    // The audio stream the CLI takes for the container (of the most channels), or every one
    // with `--all-streams`.
    let source_input = Input::open(ffmpeg, source).unwrap();
    let audio_indices: Vec<usize> = source_input
        .streams()
        .filter(|s| s.media_type() == MediaType::Audio)
        .map(|s| s.index())
        .collect();
    let kept: Vec<usize> = if extra.contains(&"--all-streams") {
        (0..audio_indices.len()).collect()
    } else {
        let selected = source_input
            .auto_selected_stream_for(MediaType::Audio, &muxer_of(ffmpeg, output))
            .unwrap();
        let slot = selected.and_then(|s| audio_indices.iter().position(|&i| i == s.index()));
        slot.into_iter().collect()
    };
    assert_eq!(after.audio.len(), kept.len(), "{what}: the audio kept");
    for (&slot, (seconds_after, start, rate)) in kept.iter().zip(&after.audio) {
        let (seconds_before, ..) = before.audio[slot];
        // Lossy encoders add priming and padding (Matroska keeps AAC's priming): up to two
        // frames of 1152 samples.
        let tolerance = 0.02 + 2304.0 / f64::from(*rate);
        assert!(
            (seconds_after - seconds_before).abs() < tolerance,
            "{what}: {seconds_before:.3} s of audio became {seconds_after:.3} s"
        );
        assert!(
            start.is_some_and(|s| s.abs() < 0.2),
            "{what}: audio starts at {start:?}"
        );
    }
    if let Some(frames) = ffprobe_frames(output) {
        assert_eq!(
            frames,
            after.video_times.len(),
            "{what}: ffprobe counts every frame"
        );
    }
    after
}

/// The CLI's own transcode of `source` with `args` to `output` (overwritten).
fn cli_transcode(source: &Path, args: &[&str], output: &Path) {
    let mut command = media::cli();
    command
        .arg("-y")
        .arg("-i")
        .arg(source)
        .args(args)
        .arg(output);
    common::stdout_bytes_of(&mut command, "the CLI's transcode");
}

/// The muxer that writes `output`, as its extension names it.
fn muxer_of(ffmpeg: &Ffmpeg, output: &Path) -> Muxer {
    let name = match output.extension().and_then(|e| e.to_str()) {
        Some("mkv") => "matroska",
        Some(other) => other,
        None => panic!("{}: no extension", output.display()),
    };
    ffmpeg.muxer(name).unwrap()
}

/// The times of the pictures of the CLI's own transcode of `source` to `output`'s container,
/// relative to the first; `None` where the CLI does not run (under Wine). The CLI installed
/// is 5.1's; where the release under test takes a variable rate in that container and 5.1
/// does not (MP4 since 7.1), it is told to, as that release's CLI chooses.
fn cli_video_times(ffmpeg: &Ffmpeg, source: &Path, output: &Path) -> Option<Vec<f64>> {
    if cfg!(windows) {
        return None;
    }
    let name = output.file_name()?.to_str()?;
    let variable_rate = muxer_of(ffmpeg, output).takes_variable_frame_rate();
    let cli_output = output.with_file_name(format!("cli-{name}"));
    let args: &[&str] = if variable_rate {
        &["-fps_mode", "vfr"]
    } else {
        &[]
    };
    cli_transcode(source, args, &cli_output);
    Some(relative(&facts(ffmpeg, &cli_output).video_times))
}

/// The video frames ffprobe decodes, where ffprobe is installed.
fn ffprobe_frames(path: &Path) -> Option<usize> {
    let output = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-count_frames"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(path)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().ok()
}

const SRC: &str = "testsrc2=size=176x144:rate=25:duration=1";

/// Sources made for these tests: alpha with 5.1 sound at 44.1 kHz; RGB with 8-bit mono
/// 8 kHz sound; MPEG-TS starting at 10 s with two audio streams.
fn own_sources() -> Vec<PathBuf> {
    let alpha_src = format!("{SRC},format=yuva420p");
    vec![
        media::generated(
            "tc_alpha_51.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                &alpha_src,
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=300:duration=1:sample_rate=44100",
                "-c:v",
                "ffv1",
                "-c:a",
                "pcm_s16le",
                "-ac",
                "6",
            ],
        ),
        media::generated(
            "tc_rgb_u8.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                SRC,
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=500:duration=1:sample_rate=8000",
                "-pix_fmt",
                "bgr0",
                "-c:v",
                "ffv1",
                "-c:a",
                "pcm_u8",
                "-ac",
                "1",
            ],
        ),
        // Pictures that start 0.08 s after the sound (B-frames, no edit list): the CLI's
        // constant rate fills the slots before with the first picture.
        media::generated(
            "tc_late_video.mp4",
            &[
                "-f",
                "lavfi",
                "-i",
                SRC,
                "-f",
                "lavfi",
                "-i",
                "sine=duration=1",
                "-c:v",
                "libx264",
                "-bf",
                "2",
                "-use_editlist",
                "0",
            ],
        ),
        media::generated(
            "tc_offset_two_audio.ts",
            &[
                "-f",
                "lavfi",
                "-i",
                SRC,
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=1",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=880:duration=1",
                "-map",
                "0:v",
                "-map",
                "1:a",
                "-map",
                "2:a",
                "-c:v",
                "mpeg2video",
                "-c:a",
                "mp2",
                "-output_ts_offset",
                "10",
            ],
        ),
    ]
}

/// Clips of the decode corpus that bring what the example must cope with: 10-bit, 4:2:2
/// 10-bit, a palette, interlacing, a variable frame rate, a size change, two video streams.
const CORPUS: [&str; 8] = [
    "h264_10bit.mkv",
    "hevc_10bit.mkv",
    "prores.mov",
    "gif.gif",
    "h264_interlaced.ts",
    "vfr.mkv",
    "size_change.ts",
    "two_video.mkv",
];

#[test]
fn real_world_inputs_transcode_to_mp4_and_mkv_with_the_clis_frames_and_every_sample() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode");
    let mut sources = own_sources();
    sources.extend(
        CORPUS
            .iter()
            .map(|name| media::path(CLIPS.iter().find(|c| c.name == *name).unwrap())),
    );
    for source in &sources {
        let stem = source.file_stem().unwrap().to_str().unwrap();
        for container in ["mp4", "mkv"] {
            check_transcode(
                &ffmpeg,
                source,
                &dir.join(format!("{stem}.{container}")),
                &[],
            );
        }
    }
    // The CLI takes one of the two audio streams; `--all-streams` keeps both.
    let two_audio = sources
        .iter()
        .find(|s| s.ends_with("tc_offset_two_audio.ts"));
    let all = dir.join("tc_offset_two_audio_all.mkv");
    let kept = check_transcode(&ffmpeg, two_audio.unwrap(), &all, &["--all-streams"]);
    assert_eq!(kept.audio.len(), 2);
}

/// Of two video streams of one size, the CLI keeps the first, not the one of the higher bit
/// rate that `av_find_best_stream` prefers.
#[test]
fn of_two_pictures_of_one_size_the_one_the_cli_takes_is_kept() {
    let ffmpeg = common::under_test().load();
    let source = media::generated(
        "tc_two_of_one_size.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=176x144:rate=10:duration=1",
            "-map",
            "0",
            "-map",
            "1",
            "-c:v:0",
            "mpeg4",
            "-c:v:1",
            "mpeg2video",
            "-b:v:1",
            "4M",
            "-disposition:v",
            "0",
        ],
    );
    let output = common::scratch_dir("transcode_two_of_one_size").join("kept.mp4");
    transcode_ok(&source, &output, &[]);
    let kept = facts(&ffmpeg, &output);
    assert_eq!(kept.video_times.len(), 25, "the first stream's 25 pictures");
    let input = Input::open(&ffmpeg, &source).unwrap();
    assert_eq!(input.best_stream(MediaType::Video).unwrap().index(), 1);
}

/// A raw H.264 file has no timestamps at all: as the CLI times it, each picture comes one
/// frame after the last (they had come one tick apart: 2 s of pictures in 0.09 s).
#[test]
fn pictures_without_timestamps_come_one_frame_apart() {
    let ffmpeg = common::under_test().load();
    let source = media::generated(
        "tc_untimed.h264",
        &["-f", "lavfi", "-i", SRC, "-c:v", "libx264", "-bf", "3"],
    );
    let output = common::scratch_dir("transcode_untimed").join("untimed.mp4");
    transcode_ok(&source, &output, &[]);
    let times = relative(&facts(&ffmpeg, &output).video_times);
    assert_eq!(times.len(), 25);
    for (n, time) in times.iter().enumerate() {
        let expected = n as f64 / 25.0;
        assert!(
            (time - expected).abs() < 0.0015,
            "picture {n} at {time:.4} s"
        );
    }
}

/// The rate an encoder is told is the one FFmpeg guesses for the CLI (`av_guess_frame_rate`):
/// raw H.264's 25 pictures a second where 6.1 and later state its field rate, 50, as the
/// base rate; and a variable rate's base rate rather than its average, so that a Matroska
/// copy states the CLI's 25 a second (it had stated the average, 1250/97).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn encoders_are_told_the_rate_the_cli_guesses() {
    let ffmpeg = common::under_test().load();
    let untimed = media::generated(
        "tc_untimed.h264",
        &["-f", "lavfi", "-i", SRC, "-c:v", "libx264", "-bf", "3"],
    );
    let input = Input::open(&ffmpeg, &untimed).unwrap();
    let stream = input.best_stream(MediaType::Video).unwrap();
    assert_eq!(stream.guessed_frame_rate(), Some(Rational::new(25, 1)));
    drop(input);
    let variable = media::variable_rate_mp4();
    let dir = common::scratch_dir("transcode-guessed-rate");
    let output = dir.join("variable.mkv");
    transcode_ok(&variable, &output, &[]);
    let cli_output = dir.join("cli-variable.mkv");
    cli_transcode(&variable, &[], &cli_output);
    let rate = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let video = input.best_stream(MediaType::Video).unwrap();
        video.real_frame_rate()
    };
    assert_eq!(rate(&cli_output), Rational::new(25, 1));
    assert_eq!(rate(&output), rate(&cli_output));
    assert_eq!(facts(&ffmpeg, &output).video_times.len(), 50);
}

/// A stream counts in its encoder's time base in lowest terms, as the CLI's: a GIF of one
/// picture has a rate of 100/10 before 6.1, and MP4 had counted in hundredths (1/12800)
/// where the CLI counts in tenths (1/10240).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_stream_counts_in_the_encoders_time_base_in_lowest_terms() {
    let ffmpeg = common::under_test().load();
    let gif = media::generated(
        "tc_one_picture.gif",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=16x16:rate=10",
            "-frames:v",
            "1",
        ],
    );
    let input = Input::open(&ffmpeg, &gif).unwrap();
    let rate = input.stream(0).unwrap().guessed_frame_rate().unwrap();
    if ffmpeg.family().ffmpeg_major() <= 5 {
        // (6.1 and later state 100/1.)
        let unreduced = (rate.num, rate.den) == (100, 10);
        assert!(unreduced, "as the GIF demuxer states it: {rate:?}");
    }
    let dir = common::scratch_dir("transcode-lowest-terms");
    let output = dir.join("one.mp4");
    transcode_ok(&gif, &output, &[]);
    let time_base = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        input.stream(0).unwrap().time_base()
    };
    // MP4 doubles a time base's denominator until it reaches 10000.
    let mut expected = Rational::reduce(rate.num.into(), rate.den.into(), i32::MAX).num;
    while expected < 10_000 {
        expected *= 2;
    }
    assert_eq!(time_base(&output), Rational::new(1, expected));
    if ffmpeg.family().ffmpeg_major() == 5 {
        let cli_output = dir.join("cli-one.mp4");
        cli_transcode(&gif, &[], &cli_output);
        assert_eq!(time_base(&output), time_base(&cli_output));
    }
}

/// Pictures at a variable rate are placed in frame intervals as the CLI's `-fps_mode` places
/// them: `cfr` copies the last picture into the gaps (into MP4 before 7.1 by default), `vfr`
/// keeps each picture once at its own time. Losslessly encoded, every picture and its time
/// equal the CLI's; every picture had kept its own time whatever the container. (Through a
/// graph, as the CLI judges pictures by the graph's rate alone: without one it trusts each
/// picture's own duration, which decoders since 8.0 state otherwise than 5.1's CLI sees.)
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_at_a_variable_rate_are_placed_as_the_clis_fps_mode_places_them() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("ffv1") || ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let variable = media::variable_rate_mp4();
    let dir = common::scratch_dir("transcode-fps-mode");
    let pictures = |path: &Path| media::cli_pts_and_md5(path, &[], &["-map", "0:v:0"]);
    for (mode, expected) in [("cfr", 99), ("vfr", 50), ("auto", 50)] {
        let output = dir.join(format!("{mode}.mkv"));
        transcode_ok(
            &variable,
            &output,
            &["--vcodec", "ffv1", "--vf", "null", "--fps-mode", mode],
        );
        let cli_output = dir.join(format!("cli-{mode}.mkv"));
        let mut args = vec!["-c:v", "ffv1", "-vf", "null"];
        if mode != "auto" {
            args.extend(["-fps_mode", mode]);
        }
        cli_transcode(&variable, &args, &cli_output);
        let ours = pictures(&output);
        assert_eq!(ours.len(), expected, "{mode}");
        assert_eq!(ours, pictures(&cli_output), "{mode}");
    }
}

/// AAC is encoded at the rate its encoder chooses for the channels, as the CLI leaves it:
/// 69 kb/s for mono and 341 for 5.1 (128 had been set for every layout). The encoder is
/// deterministic, so the audio equals the CLI's byte for byte with the CLI's own release.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn aac_is_encoded_at_its_own_rate_for_the_channels_as_the_cli_leaves_it() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-aac-rate");
    let audio_bytes = |path: &Path| {
        let mut input = Input::open(&ffmpeg, path).unwrap();
        let index = input.best_stream(MediaType::Audio).unwrap().index();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let mut bytes = Vec::new();
        while input.read_packet(&mut packet).unwrap() {
            if packet.stream_index() == index {
                bytes.extend_from_slice(packet.data());
            }
        }
        bytes
    };
    for channels in ["1", "6"] {
        let source = media::generated(
            &format!("tc_sine_{channels}ch.wav"),
            &[
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=1",
                "-ac",
                channels,
            ],
        );
        let output = dir.join(format!("{channels}ch.m4a"));
        transcode_ok(&source, &output, &["--acodec", "aac"]);
        let cli_output = dir.join(format!("cli-{channels}ch.m4a"));
        cli_transcode(&source, &["-c:a", "aac"], &cli_output);
        let (ours, theirs) = (audio_bytes(&output), audio_bytes(&cli_output));
        if ffmpeg.release().starts_with("5.1") {
            assert_eq!(ours, theirs, "{channels} channels");
        } else if ffmpeg.family().major(Library::AvCodec) >= 59 {
            // Other releases' encoders differ a little (4.x's choose other defaults, as its
            // CLI leaves them); 128 kb/s was 1.9 or 0.4 times.
            let ratio = ours.len() as f64 / theirs.len() as f64;
            assert!(
                (0.8..1.25).contains(&ratio),
                "{channels} channels: {ratio:.2}"
            );
        }
    }
}

/// Audio is timed as the CLI times it: each decoded frame at its packet's time, pulled onto
/// the samples before it within a tick (`av_rescale_delta`), and each frame the encoder is
/// given at the time of the frame its first sample came from. Opus in Matroska (millisecond
/// timestamps, 6.5 ms of priming skipped) carries a step of 24 samples after its first frame
/// into every later frame, as the CLI's does, with or without a graph (which takes audio
/// timed in samples, as the CLI's): FLAC packets had come 1 ms early from the second on.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_frames_are_timed_as_the_clis_filters_time_them() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("flac") || !ffmpeg.has_decoder("opus") {
        return;
    }
    let source = media::generated(
        "tc_opus_in_mkv.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-f",
            "lavfi",
            "-i",
            "sine=r=48000:d=1",
            "-c:v",
            "libx264",
            "-c:a",
            "libopus",
        ],
    );
    let dir = common::scratch_dir("transcode-audio-timing");
    let audio_times = |path: &Path| {
        let mut input = Input::open(&ffmpeg, path).unwrap();
        let index = input.best_stream(MediaType::Audio).unwrap().index();
        let mut packet = Packet::new(&ffmpeg).unwrap();
        let mut times = Vec::new();
        while input.read_packet(&mut packet).unwrap() {
            if packet.stream_index() == index {
                times.push(packet.pts());
            }
        }
        times
    };
    // From the first: where the first frame lands after the priming is the decoder's, and
    // 4.1's, 8.1's and 9.0's put it 7 ms earlier than 5.1's, which the installed CLI has.
    let from_first = |times: Vec<Option<i64>>| -> Vec<i64> {
        let first = times[0].unwrap();
        times.iter().map(|t| t.unwrap() - first).collect()
    };
    // 9.0's CLI cuts FLAC frames to its first frame's size, 5.1's to FLAC's own (4608):
    // tests/audio_frame_sizes.rs checks that rule.
    if ffmpeg.family().ffmpeg_major() >= 9 {
        return;
    }
    let has_filters = ffmpeg.library(Library::AvFilter).is_some();
    for (name, filters) in [("plain", None), ("graph", Some("volume=0.5"))] {
        if filters.is_some() && !has_filters {
            continue;
        }
        let (mut ours_args, mut cli_args) = (vec!["--acodec", "flac"], vec!["-c:a", "flac"]);
        if let Some(graph) = filters {
            ours_args.extend(["--af", graph]);
            cli_args.extend(["-af", graph]);
        }
        let output = dir.join(format!("{name}.mkv"));
        transcode_ok(&source, &output, &ours_args);
        let cli_output = dir.join(format!("cli-{name}.mkv"));
        cli_transcode(&source, &cli_args, &cli_output);
        let ours = from_first(audio_times(&output));
        assert!(ours.len() > 5, "{name}: {ours:?}");
        assert_eq!(ours, from_first(audio_times(&cli_output)), "{name}");
    }
}

/// A graph ends as the CLI's ends it, with the encoder's formats (and `--size`, the CLI's
/// `-s`): it scales and converts in one pass. HuffYUV takes 4:2:2, not the source's 4:2:0:
/// scaled in the graph and converted after it, the pictures had differed from the CLI's;
/// `atempo` had worked on floating-point samples where the CLI's works on FLAC's 32-bit ones.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_graph_ends_with_the_encoders_formats_as_the_clis_does() {
    let ffmpeg = common::under_test().load();
    let needed = ["huffyuv", "flac"];
    if ffmpeg.library(Library::AvFilter).is_none() || !needed.iter().all(|e| ffmpeg.has_encoder(e))
    {
        return;
    }
    let source = media::generated(
        "tc_for_graph_endings_pcm.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-f",
            "lavfi",
            "-i",
            "sine=r=48000:d=1",
            "-c:v",
            "libx264",
            "-c:a",
            "pcm_s16le",
        ],
    );
    let dir = common::scratch_dir("transcode-graph-ending");
    let cases: [(&str, &[&str], &[&str]); 3] = [
        (
            "scaled",
            &["--vf", "scale=160:-2"],
            &["-vf", "scale=160:-2"],
        ),
        (
            "sized",
            &["--vf", "hflip", "--size", "88x72"],
            &["-vf", "hflip", "-s", "88x72"],
        ),
        ("tempo", &["--af", "atempo=1.25"], &["-af", "atempo=1.25"]),
    ];
    for (name, ours, theirs) in cases {
        let output = dir.join(format!("{name}.mkv"));
        let codecs = ["--vcodec", "huffyuv", "--acodec", "flac"];
        transcode_ok(&source, &output, &[&codecs[..], ours].concat());
        let cli_output = dir.join(format!("cli-{name}.mkv"));
        let cli_codecs = ["-c:v", "huffyuv", "-c:a", "flac"];
        cli_transcode(&source, &[&cli_codecs[..], theirs].concat(), &cli_output);
        for stream in ["0:v:0", "0:a:0"] {
            // 9.0's CLI cuts FLAC frames otherwise than the installed 5.1's (see
            // tests/audio_frame_sizes.rs): the samples, not their frames, are compared.
            if stream == "0:a:0" && ffmpeg.family().ffmpeg_major() >= 9 {
                let expected = stream_md5(&cli_output, stream);
                assert_eq!(stream_md5(&output, stream), expected, "{name} {stream}");
                continue;
            }
            let frames = |path: &Path| media::cli_pts_and_md5(path, &[], &["-map", stream]);
            let expected = frames(&cli_output);
            assert!(!expected.is_empty(), "{name} {stream}");
            assert_eq!(frames(&output), expected, "{name} {stream}");
        }
    }
}

/// The MD5 of everything `stream` of `path` decodes to, by the installed CLI.
fn stream_md5(path: &Path, stream: &str) -> String {
    let mut cli = media::cli();
    cli.arg("-i")
        .arg(path)
        .args(["-map", stream, "-f", "md5", "-"]);
    let md5 = String::from_utf8(common::stdout_bytes_of(&mut cli, "an MD5")).unwrap();
    assert!(md5.starts_with("MD5="), "{md5}");
    md5
}

/// Where the first audio stream of `path` ends, in seconds: its last packet's end.
fn audio_end(ffmpeg: &Ffmpeg, path: &Path) -> f64 {
    let mut input = Input::open(ffmpeg, path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let (index, time_base) = (stream.index(), stream.time_base());
    let mut packet = Packet::new(ffmpeg).unwrap();
    let mut end = 0;
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            end = end.max(packet.pts().unwrap() + packet.duration());
        }
    }
    end as f64 * f64::from(time_base.num) / f64::from(time_base.den)
}

/// Audio with 0.2 s missing in the middle (frames lost to damage leave such a gap): the
/// samples after the gap keep their time, as the CLI keeps it, so the sound stays with the
/// pictures; counted on from the first, they had come 0.2 s early.
#[test]
fn audio_after_a_gap_keeps_its_time() {
    let ffmpeg = common::under_test().load();
    let source = media::generated(
        "tc_audio_gap.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1:sample_rate=44100,asetnsamples=1024,aselect='not(between(t,0.4,0.6))'",
            "-c:v",
            "mpeg4",
            "-c:a",
            "pcm_s16le",
        ],
    );
    let before = audio_end(&ffmpeg, &source);
    assert!(
        (before - 1.0).abs() < 0.03,
        "the source's audio ends at {before}"
    );
    let output = common::scratch_dir("transcode_gap").join("gap.mp4");
    transcode_ok(&source, &output, &[]);
    // The encoder's last frame is padded to its size: up to 1024 samples more.
    let after = audio_end(&ffmpeg, &output);
    assert!(
        after > before - 0.01 && after < before + 0.035,
        "{before:.3} s of audio ends at {after:.3} s"
    );
}

/// AAC with 30 bytes changed: the decoder refuses some frames, one of them with `EPERM`
/// (a damaged channel map), which had ended the transcode; as the CLI, every refusal is
/// counted and skipped. (FLAC out: 4.1's AAC decoder gives NaN for some damaged frames, which
/// its AAC encoder refuses, as its CLI's would.)
#[test]
fn every_frame_the_decoder_refuses_is_skipped() {
    let source = media::generated(
        "tc_to_damage.aac",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2:sample_rate=44100",
            "-c:a",
            "aac",
        ],
    );
    let mut bytes = std::fs::read(&source).unwrap();
    let start = bytes.len() / 4;
    for k in 0..30 {
        if let Some(byte) = bytes.get_mut(start + k * 997) {
            *byte = (k * 37 + 11) as u8;
        }
    }
    let dir = common::scratch_dir("transcode_damaged");
    let damaged = dir.join("damaged.aac");
    std::fs::write(&damaged, bytes).unwrap();
    let output = dir.join("damaged.mkv");
    let result = transcode(&damaged, &output, &["--acodec", "flac"]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("decoding errors skipped"), "{stderr}");
}

/// libavformat 4.1 and 5.1 end a RoQ file with an I/O error rather than its end: as the CLI,
/// the file is made of what was read, and the error is said (later releases end it plainly).
#[test]
fn a_read_error_keeps_what_was_read() {
    let ffmpeg = common::under_test().load();
    let source = media::generated(
        "tc_read_error.roq",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=128x128:rate=30:duration=1",
        ],
    );
    let output = common::scratch_dir("transcode_read_error").join("roq.mp4");
    transcode_ok(&source, &output, &[]);
    assert_eq!(facts(&ffmpeg, &output).video_times.len(), 30);
}

#[test]
fn size_and_encoders_can_be_chosen() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-choices");
    let source = &own_sources()[0];
    let after = check_transcode(
        &ffmpeg,
        source,
        &dir.join("small.mkv"),
        &["--size", "96x64", "--vcodec", "mpeg4"],
    );
    assert_eq!(after.video_sizes[0], (96, 64));
    let input = Input::open(&ffmpeg, dir.join("small.mkv")).unwrap();
    assert_eq!(
        input.best_stream(MediaType::Video).unwrap().codec_name(),
        "mpeg4"
    );
    // MP3 takes two channels at most: the 5.1 source is downmixed.
    if ffmpeg.has_encoder("libmp3lame") {
        check_transcode(
            &ffmpeg,
            source,
            &dir.join("mp3.mkv"),
            &["--acodec", "libmp3lame"],
        );
        let input = Input::open(&ffmpeg, dir.join("mp3.mkv")).unwrap();
        let audio = input.best_stream(MediaType::Audio).unwrap();
        assert_eq!(
            (audio.codec_name().as_str(), audio.channels()),
            ("mp3", Some(2))
        );
    }
    // Opus takes 48 kHz float only: the 44.1 kHz s16 source is resampled.
    if ffmpeg.has_encoder("libopus") {
        check_transcode(
            &ffmpeg,
            source,
            &dir.join("opus.mkv"),
            &["--acodec", "libopus"],
        );
        let input = Input::open(&ffmpeg, dir.join("opus.mkv")).unwrap();
        let audio = input.best_stream(MediaType::Audio).unwrap();
        assert_eq!(
            (audio.codec_name().as_str(), audio.sample_rate()),
            ("opus", 48_000)
        );
    }
    if ffmpeg.has_encoder("libx264") {
        check_transcode(
            &ffmpeg,
            source,
            &dir.join("x264.mp4"),
            &["--crf", "30", "--preset", "ultrafast"],
        );
    }
}

#[test]
fn the_source_channel_layout_is_kept_where_the_encoder_takes_it() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-layout");
    let source = media::generated(
        "side_5.1.wav",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=0.5,pan=5.1(side)|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0",
            "-c:a",
            "pcm_s16le",
        ],
    );
    let side = ffmpeg.channel_layout("5.1(side)").unwrap();
    // (AAC would do, but its decoder gives a layout outside the standard ones as a count.)
    for (codec, container) in [("flac", "mkv"), ("pcm_s16le", "wav")] {
        let output = dir.join(format!("{codec}.{container}"));
        transcode_ok(&source, &output, &["--acodec", codec]);
        let encoder = Codec::encoder(&ffmpeg, codec).unwrap();
        // As the CLI: the source's layout where the encoder takes it, else the default of the
        // same channel count.
        let expected = if encoder.channel_layouts().contains(&side) {
            side.clone()
        } else {
            ffmpeg.default_channel_layout(6).unwrap()
        };
        let mut input = Input::open(&ffmpeg, &output).unwrap();
        let stream = input.best_stream(MediaType::Audio).unwrap();
        let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
        let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
        let mut layouts = Vec::new();
        while input.read_packet(&mut packet).unwrap() {
            decoder.send(&packet).unwrap();
            while decoder.receive(&mut frame).unwrap() {
                layouts.extend(frame.channel_layout());
            }
        }
        assert!(
            !layouts.is_empty() && layouts.iter().all(|l| *l == expected),
            "{codec}: {layouts:?}"
        );
    }
}

#[test]
fn colour_description_and_pixel_shape_are_kept() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-colour");
    let source = media::generated(
        "tc_hdr_anamorphic.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-vf",
            "setsar=4/3",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p10le",
            "-color_primaries",
            "bt2020",
            "-color_trc",
            "smpte2084",
            "-colorspace",
            "bt2020nc",
            "-color_range",
            "tv",
        ],
    );
    let stream_facts = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let video = input.best_stream(MediaType::Video).unwrap();
        (video.color(), video.sample_aspect_ratio())
    };
    let (color, shape) = stream_facts(&source);
    assert_eq!(color.primaries.as_deref(), Some("bt2020"));
    assert_eq!(color.transfer.as_deref(), Some("smpte2084"));
    assert_eq!(shape, Some(Rational::new(4, 3)));
    for container in ["mp4", "mkv"] {
        let output = dir.join(format!("hdr.{container}"));
        check_transcode(&ffmpeg, &source, &output, &[]);
        let (after, after_shape) = stream_facts(&output);
        assert_eq!(
            (after.primaries, after.transfer, after.matrix),
            (
                color.primaries.clone(),
                color.transfer.clone(),
                color.matrix.clone()
            ),
            "{container}"
        );
        assert_eq!(after_shape, Some(Rational::new(4, 3)), "{container}");
    }
    // Half the width: each pixel twice as wide, the picture's shape kept.
    let narrow = dir.join("narrow.mkv");
    check_transcode(&ffmpeg, &source, &narrow, &["--size", "88x144"]);
    assert_eq!(stream_facts(&narrow).1, Some(Rational::new(8, 3)));
}

/// RGB pictures (H.264 from libx264rgb, matrix `gbr`) encoded as YUV do not state the RGB
/// matrix, as the CLI's do not: stated `gbr`, the YUV pictures had decoded as `gbrp`, luma
/// shown as green.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn rgb_pictures_encoded_as_yuv_do_not_state_the_rgb_matrix() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("libx264") {
        return;
    }
    let source = media::generated(
        "tc_rgb_h264.mkv",
        &["-f", "lavfi", "-i", SRC, "-c:v", "libx264rgb", "-t", "0.4"],
    );
    let facts = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let video = input.best_stream(MediaType::Video).unwrap();
        let format = video.pixel_format().map(|f| f.name().to_owned());
        (format, video.color().matrix)
    };
    assert_eq!(facts(&source).1.as_deref(), Some("gbr"));
    let dir = common::scratch_dir("transcode-rgb-matrix");
    let output = dir.join("yuv.mp4");
    transcode_ok(&source, &output, &["--vcodec", "libx264"]);
    let cli_output = dir.join("cli-yuv.mp4");
    cli_transcode(&source, &["-c:v", "libx264"], &cli_output);
    assert_eq!(facts(&cli_output), (Some("yuv444p".to_owned()), None));
    assert_eq!(facts(&output), facts(&cli_output));
}

/// Square pixels the source marks square (x264 writes 1:1) stay marked so, as the CLI marks
/// them, and a picture scaled to another shape keeps its look through its pixels' shape,
/// whether `--size` or a `--vf` graph scales it; the CLI's own outputs say the same.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn square_pixels_stay_marked_square_as_the_cli_marks_them() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-square");
    let source = media::generated(
        "tc_square.mkv",
        &["-f", "lavfi", "-i", SRC, "-c:v", "libx264", "-t", "0.4"],
    );
    let shape = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let video = input.best_stream(MediaType::Video).unwrap();
        video.pixel_aspect_ratio()
    };
    assert_eq!(shape(&source), Some(Rational::new(1, 1)));
    let cases: [(&str, &[&str], &[&str], Rational); 3] = [
        ("kept", &[], &[], Rational::new(1, 1)),
        (
            "sized",
            &["--size", "80x80"],
            &["-s", "80x80"],
            Rational::new(11, 9),
        ),
        (
            "graph",
            &["--vf", "scale=80:80"],
            &["-vf", "scale=80:80"],
            Rational::new(11, 9),
        ),
    ];
    let has_filters = ffmpeg.library(ffmpeg_runtime::Library::AvFilter).is_some();
    for container in ["mp4", "mkv"] {
        for (name, ours, theirs, expected) in cases {
            if name == "graph" && !has_filters {
                continue;
            }
            let output = dir.join(format!("{name}.{container}"));
            transcode_ok(&source, &output, ours);
            assert_eq!(shape(&output), Some(expected), "{name}.{container}");
            let cli_output = dir.join(format!("cli-{name}.{container}"));
            cli_transcode(&source, theirs, &cli_output);
            assert_eq!(
                shape(&cli_output),
                Some(expected),
                "the CLI's {name}.{container}"
            );
        }
    }
}

/// A pixel shape the encoder cannot store in its own stream (FFV1's first versions) is
/// stated by the container, as the CLI states it: Matroska's display size had been left out.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_shape_the_encoder_cannot_store_is_stated_by_the_container_as_the_cli_states_it() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("ffv1") {
        return;
    }
    let dir = common::scratch_dir("transcode-container-shape");
    let source = media::generated(
        "tc_sar_16_15.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            SRC,
            "-vf",
            "setsar=16/15",
            "-c:v",
            "libx264",
            "-t",
            "0.4",
        ],
    );
    let shape = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let video = input.best_stream(MediaType::Video).unwrap();
        video.container_aspect_ratio()
    };
    for container in ["mkv", "nut"] {
        let output = dir.join(format!("ffv1.{container}"));
        transcode_ok(&source, &output, &["--vcodec", "ffv1"]);
        let cli_output = dir.join(format!("cli-ffv1.{container}"));
        cli_transcode(&source, &["-c:v", "ffv1"], &cli_output);
        assert_eq!(
            shape(&cli_output),
            Some(Rational::new(16, 15)),
            "the CLI's {container}"
        );
        assert_eq!(shape(&output), shape(&cli_output), "{container}");
    }
}

/// Audio the encoder cannot take as it is goes to the format and rate the CLI's filters
/// settle on: 32-bit FLAC from floating-point AAC (16-bit had been chosen, the encoder's
/// first), and FLAC and AC-3 at the nearest rate, 44.1 kHz from 46 kHz (48 kHz had been
/// chosen, the nearest above).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_takes_the_format_and_rate_the_clis_filters_choose() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-audio-format");
    let source = media::generated(
        "tc_aac_46k.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=r=46000:d=0.5",
            "-c:a",
            "aac",
            "-ac",
            "2",
        ],
    );
    let facts = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let audio = input.best_stream(MediaType::Audio).unwrap();
        (
            audio.sample_format().map(|f| f.name().to_owned()),
            audio.sample_rate(),
        )
    };
    for (codec, expected) in [("flac", ("s32", 44_100)), ("ac3", ("fltp", 44_100))] {
        if !ffmpeg.has_encoder(codec) {
            continue;
        }
        let output = dir.join(format!("{codec}.mkv"));
        transcode_ok(&source, &output, &["--acodec", codec]);
        let cli_output = dir.join(format!("cli-{codec}.mkv"));
        cli_transcode(&source, &["-c:a", codec], &cli_output);
        let expected = (Some(expected.0.to_owned()), expected.1);
        assert_eq!(facts(&cli_output), expected, "the CLI's {codec}");
        assert_eq!(facts(&output), expected, "{codec}");
    }
}

/// Pictures of a new size go through a graph rebuilt with the pixel shape the container
/// states, as the CLI gives it to every picture; losslessly encoded, every picture equals
/// the CLI's (the 25 after the size change had differed).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_graph_rebuilt_for_a_new_size_keeps_the_shape_the_container_states() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(ffmpeg_runtime::Library::AvFilter).is_none() || !ffmpeg.has_encoder("ffv1") {
        return;
    }
    let dir = common::scratch_dir("transcode-rebuilt-shape");
    let graph = "scale=iw*sar:ih,crop=96:64:0:0";
    let pictures = |path: &Path| -> Vec<String> {
        let frames = media::cli_pts_and_md5(path, &[], &["-map", "0:v:0"]);
        frames.into_iter().map(|(_, md5)| md5).collect()
    };
    for container in ["mkv", "mp4"] {
        let source = media::size_change_stating_a_shape(container);
        let output = dir.join(format!("from-{container}.mkv"));
        transcode_ok(&source, &output, &["--vcodec", "ffv1", "--vf", graph]);
        let cli_output = dir.join(format!("cli-from-{container}.mkv"));
        cli_transcode(&source, &["-vf", graph, "-c:v", "ffv1"], &cli_output);
        let ours = pictures(&output);
        assert_eq!(ours.len(), 50, "{container}");
        assert_eq!(ours, pictures(&cli_output), "{container}");
    }
}

/// Theora in Matroska whose picture starts 2 columns in: 300×200 by its header, but
/// libavcodec crops only on aligned columns, so its pictures come out 302 wide.
fn theora_cropped_off_alignment() -> PathBuf {
    let path = media::media_dir().join("theora_cropped_at_2.mkv");
    if !path.exists() {
        let plain = media::generated(
            "theora_300x200.mkv",
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=300x200:rate=10:duration=1",
                "-c:v",
                "libtheora",
            ],
        );
        let mut bytes = std::fs::read(plain).unwrap();
        // The identification header: its signature, version (3 bytes), size in macroblocks
        // (2 + 2), picture size (3 + 3), then the picture's column offset.
        let header = bytes.windows(7).position(|w| w == b"\x80theora").unwrap();
        assert_eq!(
            bytes[header + 20],
            0,
            "libtheora puts the picture at column 0"
        );
        bytes[header + 20] = 2;
        media::write_whole(&path, bytes);
    }
    path
}

/// As the CLI, the encoder opens at the size of the first picture decoded, which need not
/// be the one the headers state.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_encoder_opens_for_the_first_picture_as_the_clis_does() {
    let ffmpeg = common::under_test().load();
    if !ffmpeg.has_encoder("ffv1") {
        return;
    }
    let source = theora_cropped_off_alignment();
    let input = Input::open(&ffmpeg, &source).unwrap();
    let stream = input.stream(0).unwrap();
    assert_eq!((stream.width(), stream.height()), (300, 200));
    let dir = common::scratch_dir("transcode-first-picture");
    let graphs = match ffmpeg.library(Library::AvFilter) {
        Some(_) => &[&[][..], &["--vf", "null"]][..],
        None => &[&[][..]],
    };
    for filters in graphs {
        let output = dir.join("ours.mkv");
        let args = [&["--vcodec", "ffv1"][..], filters].concat();
        transcode_ok(&source, &output, &args);
        let facts = facts(&ffmpeg, &output);
        assert_eq!(facts.video_sizes.len(), 10, "{filters:?}");
        assert!(
            facts.video_sizes.iter().all(|&size| size == (302, 200)),
            "{filters:?}"
        );
        if ffmpeg.family().ffmpeg_major() == 5 {
            let cli_output = dir.join("cli.mkv");
            cli_transcode(&source, &["-c:v", "ffv1"], &cli_output);
            let pictures = |path: &Path| media::cli_pts_and_md5(path, &[], &["-map", "0:v:0"]);
            assert_eq!(pictures(&output), pictures(&cli_output), "{filters:?}");
        }
    }
}

/// As the CLI, the audio encoder opens for the first frame decoded: an MP3 that starts mono
/// and goes on in stereo is encoded mono, as the CLI encodes it, though 9.0's headers state
/// stereo (5.1's state mono).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_audio_encoder_opens_for_the_first_frame() {
    let ffmpeg = common::under_test().load();
    let path = media::media_dir().join("tc_mono_then_stereo.mp3");
    if !path.exists() {
        let part = |name: &str, channels: &str| {
            let args = ["-f", "lavfi", "-i", "sine=duration=1", "-ac", channels];
            std::fs::read(media::generated(name, &args)).unwrap()
        };
        let joined = [part("tc_mono.mp3", "1"), part("tc_stereo.mp3", "2")].concat();
        media::write_whole(&path, joined);
    }
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let mut decoder = Decoder::new(&input.stream(0).unwrap(), &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame) = (Packet::new(&ffmpeg).unwrap(), Frame::new(&ffmpeg).unwrap());
    while !decoder.receive(&mut frame).unwrap_or(false) {
        assert!(input.read_packet(&mut packet).unwrap());
        let _ = decoder.send(&packet);
    }
    assert_eq!(frame.channels(), Some(1));
    let output = common::scratch_dir("transcode-first-frame").join("joined.mka");
    transcode_ok(&path, &output, &[]);
    let output = Input::open(&ffmpeg, &output).unwrap();
    assert_eq!(output.stream(0).unwrap().channels(), Some(1));
}

#[test]
fn with_no_input_it_transcodes_its_own_synthetic_clip() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-synthetic");
    let output = dir.join("transcoded.mp4");
    let build = common::under_test();
    let mut command = common::example_command("transcode", &build);
    common::stdout_bytes_of(command.current_dir(&dir), "the synthetic transcode");
    let after = facts(&ffmpeg, &output);
    assert_eq!(after.video_times.len(), 125, "five seconds at 25 fps");
    assert_eq!(after.video_sizes[0], (1280, 720));
    assert_eq!(after.audio.len(), 1);
    assert!((after.audio[0].0 - 5.0).abs() < 0.05, "{:?}", after.audio);
    let input = Input::open(&ffmpeg, &output).unwrap();
    let expected = if ffmpeg.has_encoder("libx264") {
        "h264"
    } else {
        "mpeg4"
    };
    assert_eq!(
        input.best_stream(MediaType::Video).unwrap().codec_name(),
        expected
    );
}

/// One line on stderr, a failure status, and no output or partial file.
fn assert_refused(result: &Output, output: &Path, expected: &str) {
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(
        !output.exists() && !partial_of(output).exists(),
        "nothing left behind"
    );
}

#[test]
fn bad_input_and_missing_codecs_are_one_line_and_leave_nothing() {
    let dir = common::scratch_dir("transcode-refusals");
    // (Not text: FFmpeg 4.1 reads a .txt file as ANSI art.)
    let empty = dir.join("empty.mkv");
    std::fs::write(&empty, b"").unwrap();
    let output = dir.join("out.mp4");
    assert_refused(&transcode(&empty, &output, &[]), &output, "empty.mkv");
    assert_refused(
        &transcode(&dir.join("missing.mkv"), &output, &[]),
        &output,
        "missing.mkv",
    );

    let source = media::path(CLIPS.iter().find(|c| c.name == "vfr.mkv").unwrap());
    let result = transcode(&source, &output, &["--vcodec", "no_such_encoder"]);
    assert_refused(&result, &output, "no encoder no_such_encoder");
    let result = transcode(&source, &output, &["--vcodec", "mpeg4", "--crf", "20"]);
    assert_refused(&result, &output, "mpeg4 has no option crf");
    let result = transcode(&source, &dir.join("no_extension"), &[]);
    assert_refused(&result, &dir.join("no_extension"), "extension");
    // A truncated file: what can be read is transcoded, or it is refused; never a crash.
    let bytes = std::fs::read(&source).unwrap();
    let truncated = dir.join("truncated.mkv");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let result = transcode(&truncated, &output, &[]);
    assert!(result.status.code().is_some(), "exited, not killed");
    if !result.status.success() {
        assert_refused(&result, &output, "");
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "SIGINT is a Unix signal; Ctrl+C reaches a Windows program as a console event"
)]
fn ctrl_c_finishes_a_playable_file() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-interrupt");
    // A small picture, as what is tested is the interruption (encoding enough 720p frames
    // for the first write took qemu-user about 100 s alone); natively, four minutes of it,
    // so that the transcode is still running when interrupted.
    let (name, source, all) = if common::emulated() {
        (
            "tc_long_320p.mkv",
            "testsrc2=size=320x180:rate=25:duration=60",
            1500,
        )
    } else {
        (
            "tc_long_320p_240s.mkv",
            "testsrc2=size=320x180:rate=25:duration=240",
            6000,
        )
    };
    let long = media::generated(
        name,
        &["-f", "lavfi", "-i", source, "-c:v", "mpeg4", "-q:v", "5"],
    );
    let output = dir.join("interrupted.mkv");
    let mut child = transcode_command(&long, &output, &[])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the header is written, let it encode a little, then interrupt. Under qemu-user,
    // with the other tests of the binary running, starting alone has taken over a minute.
    let partial = partial_of(&output);
    let started = std::time::Instant::now();
    let patience = if common::emulated() { 600 } else { 60 };
    while std::fs::metadata(&partial).map_or(0, |m| m.len()) == 0 {
        if child.try_wait().unwrap().is_some() {
            let result = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&result.stderr);
            panic!(
                "the transcode ended before writing: {}\n{stderr}",
                result.status
            );
        }
        assert!(
            started.elapsed().as_secs() < patience,
            "the transcode never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(700));
    common::interrupt(&child);
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!partial.exists());
    let after = facts(&ffmpeg, &output);
    let frames = after.video_times.len();
    assert!(
        frames > 0 && frames < all,
        "{frames} frames: some, not all {all}"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn filters_shape_what_is_encoded_as_the_cli_does() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-filters");
    let source = &own_sources()[0];
    let filters = [
        "--vf",
        "scale=160:-2,fps=10",
        "--af",
        "aresample=22050,volume=0.5",
        "--vcodec",
        "mpeg4",
        "--acodec",
        "pcm_s16le",
    ];
    let output = dir.join("filtered.mkv");
    if ffmpeg.library(ffmpeg_runtime::Library::AvFilter).is_none() {
        let result = transcode(source, &output, &filters);
        assert_refused(&result, &output, "libavfilter is missing");
        return;
    }
    let ours = check_filtered(&ffmpeg, source, &output, &filters);
    let reference = dir.join("cli.mkv");
    let mut reference_command = media::cli();
    reference_command
        .arg("-i")
        .arg(source)
        .args([
            "-vf",
            "scale=160:-2,fps=10",
            "-af",
            "aresample=22050,volume=0.5",
        ])
        .args(["-c:v", "mpeg4", "-c:a", "pcm_s16le", "-y"])
        .arg(&reference);
    common::stdout_bytes_of(&mut reference_command, "the CLI's filtered reference");
    let theirs = facts(&ffmpeg, &reference);
    assert_eq!(ours.video_sizes, theirs.video_sizes);
    let (mine, cli) = (relative(&ours.video_times), relative(&theirs.video_times));
    assert_eq!(mine.len(), cli.len());
    for (a, b) in mine.iter().zip(&cli) {
        assert!((a - b).abs() < 0.001, "{mine:?} {cli:?}");
    }
    assert_eq!(ours.audio.len(), theirs.audio.len());
    for (mine, cli) in ours.audio.iter().zip(&theirs.audio) {
        assert_eq!(mine.2, 22_050);
        assert_eq!(mine.2, cli.2);
        assert!((mine.0 - cli.0).abs() < 0.05, "{mine:?} {cli:?}");
    }
}

/// Transcodes with filters, which change what the checks against the source expect.
fn check_filtered(ffmpeg: &Ffmpeg, source: &Path, output: &Path, extra: &[&str]) -> Facts {
    transcode_ok(source, output, extra);
    facts(ffmpeg, output)
}

/// `(timing line, text without markup)` of each cue the CLI reads from subtitle stream `n`.
fn srt_cues(file: &Path, n: usize) -> Vec<(String, String)> {
    let without_markup = |line: &str| {
        let mut kept = String::new();
        let mut in_tag = false;
        for c in line.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => kept.push(c),
                _ => {}
            }
        }
        kept
    };
    media::srt_cues(&media::cli_srt(file, n))
        .into_iter()
        .map(|(timing, text)| {
            let text = text.lines().map(without_markup).collect::<Vec<_>>();
            (timing, text.join("\n"))
        })
        .collect()
}

fn subtitle_codecs(ffmpeg: &Ffmpeg, file: &Path) -> Vec<String> {
    Input::open(ffmpeg, file)
        .unwrap()
        .streams()
        .filter(|s| s.media_type() == MediaType::Subtitle)
        .map(|s| s.codec_id().name().to_owned())
        .collect()
}

/// Subtitle streams are kept: text converted to the container's own codec where it names
/// one (SubRip and mov_text to ASS in Matroska, as the CLI converts them), else copied where
/// the container takes the codec (mov_text in MP4), else converted to mov_text (MP4 and MOV);
/// every cue at its time, with its text.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn subtitle_streams_are_kept() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("transcode-subtitles");
    let (srt, ass) = (media::subtitle_source_srt(), media::subtitle_source_ass());
    let with_subtitles = |name: &str, codecs: [&str; 2]| {
        media::generated(
            name,
            &[
                "-f",
                "lavfi",
                "-i",
                SRC,
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=300:duration=5:sample_rate=44100",
                "-i",
                srt.to_str().unwrap(),
                "-i",
                ass.to_str().unwrap(),
                "-map",
                "0",
                "-map",
                "1",
                "-map",
                "2",
                "-map",
                "3",
                "-c:v",
                "mpeg4",
                "-c:a",
                "aac",
                "-c:s:0",
                codecs[0],
                "-c:s:1",
                codecs[1],
            ],
        )
    };
    let mkv = with_subtitles("tc_subtitles.mkv", ["srt", "ass"]);
    let mp4 = with_subtitles("tc_subtitles.mp4", ["mov_text", "mov_text"]);
    // The same files made by the CLI (`-c:s` as we chose), whose timeline ours must match.
    let cases = [
        (&mkv, "to_ass.mkv", ["ass", "ass"], "ass"),
        (&mkv, "converted.mp4", ["mov_text", "mov_text"], "mov_text"),
        (&mkv, "converted.mov", ["mov_text", "mov_text"], "mov_text"),
        (&mp4, "copied.mp4", ["mov_text", "mov_text"], "copy"),
        (&mp4, "converted.mkv", ["ass", "ass"], "ass"),
    ];
    for (source, name, codecs, cli_codec) in cases {
        let output = dir.join(name);
        let args = ["--vcodec", "mpeg4", "--acodec", "aac", "--all-streams"];
        transcode_ok(source, &output, &args);
        assert_eq!(subtitle_codecs(&ffmpeg, &output), codecs, "{name}");
        let reference = dir.join(format!("cli-{name}"));
        let mut reference_command = media::cli();
        reference_command
            .arg("-i")
            .arg(source)
            .args([
                "-map", "0", "-c:v", "mpeg4", "-c:a", "aac", "-c:s", cli_codec, "-y",
            ])
            .arg(&reference);
        common::stdout_bytes_of(&mut reference_command, "the CLI's reference");
        for n in 0..2 {
            let (ours, theirs) = (srt_cues(&output, n), srt_cues(&reference, n));
            assert_eq!(ours.len(), srt_cues(source, n).len(), "{name} stream s:{n}");
            assert_eq!(ours, theirs, "{name} stream s:{n}");
        }
    }
    // Without `--all-streams`, the CLI's own choice: the first subtitle stream the
    // container's encoder takes (ASS for Matroska), none for MP4, which names no codec.
    for (name, codecs) in [("chosen.mkv", vec!["ass"]), ("chosen.mp4", vec![])] {
        let output = dir.join(name);
        transcode_ok(&mp4, &output, &["--vcodec", "mpeg4", "--acodec", "aac"]);
        assert_eq!(subtitle_codecs(&ffmpeg, &output), codecs, "{name}");
    }
}

/// A phone video's pictures are turned upright first, as the CLI's autorotation turns them:
/// the output has the turned size and no turn of its own; on 5.1 (the CLI's own library and
/// libx264) its pictures are the CLI's. Before, they were encoded as stored and the turn
/// dropped, so the output showed sideways. Without libavfilter the output keeps the turn.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn turned_pictures_are_turned_upright_as_the_cli_turns_them() {
    let ffmpeg = common::under_test().load();
    let exact = common::under_test().name == "5.1";
    let dir = common::scratch_dir("transcode_turned");
    for degrees in [90, 180, 270] {
        let source = media::turned_mp4(&format!("transcode_turned_{degrees}.mp4"), degrees);
        assert_eq!(
            media::turn_of(&ffmpeg, &source),
            Some(degrees as i32),
            "the source is turned"
        );
        let ours = dir.join(format!("ours_{degrees}.mkv"));
        transcode_ok(&source, &ours, &[]);
        if ffmpeg.library(Library::AvFilter).is_none() {
            // 4.4 here: nothing turns them; the transcode says so and goes on, and an MP4
            // keeps the input's turn so that it still shows upright.
            assert_eq!(facts(&ffmpeg, &ours).video_sizes[0], (160, 96));
            let mp4 = dir.join(format!("ours_{degrees}.mp4"));
            transcode_ok(&source, &mp4, &[]);
            assert_eq!(media::turn_of(&ffmpeg, &mp4), Some(degrees as i32));
            continue;
        }
        let upright = if degrees == 180 { (160, 96) } else { (96, 160) };
        assert_eq!(facts(&ffmpeg, &ours).video_sizes[0], upright, "{degrees}");
        assert_eq!(
            media::turn_of(&ffmpeg, &ours),
            None,
            "{degrees}: no turn left"
        );
        // Nor on the picture: 9.0's PNG encoder writes a picture's matrix as EXIF, which the
        // CLI drops once it has turned the picture (before, viewers turned it twice).
        let png = dir.join(format!("ours_{degrees}.png"));
        transcode_ok(&source, &png, &["--vf", "select=eq(n\\,0)"]);
        let picture = media::first_frame(&ffmpeg, &png);
        assert_eq!((picture.width(), picture.height()), upright, "{degrees}");
        assert_eq!(
            picture.display_matrix(),
            None,
            "{degrees}: no turn on the PNG"
        );
        if exact {
            let theirs = dir.join(format!("cli_{degrees}.mkv"));
            cli_transcode(&source, &[], &theirs);
            let pictures = |path: &Path| media::cli_pts_and_md5(path, &[], &["-map", "0:v:0"]);
            assert_eq!(pictures(&ours), pictures(&theirs), "{degrees}");
        }
    }
}

/// The input stream's side data goes with the stream encoded from it, as the CLI carries it:
/// an HDR video keeps its mastering display and light levels (and in Matroska its Dolby
/// Vision, stereo and 360° metadata). On every build what the output says equals what the
/// input said; on 5.1 the output's side data equals the CLI's transcode's. Before, all of it
/// was dropped.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn hdr_and_camera_metadata_go_with_the_encoded_stream() {
    use common::mp4::{assert_said_by, camera_clip, ffprobe_side_data, video_side_data};
    use ffmpeg_runtime::format::SideDataValue;
    let ffmpeg = common::under_test().load();
    let exact = common::under_test().name == "5.1";
    let source = camera_clip("transcode");
    let light = SideDataValue::ContentLightLevel {
        max_content: 1000,
        max_average: 400,
    };
    let said = video_side_data(&ffmpeg, &source);
    assert!(said.iter().any(|(_, v)| *v == light), "the source says it");
    let dir = common::scratch_dir("transcode_camera");
    for extension in ["mp4", "mkv"] {
        let ours = dir.join(format!("ours.{extension}"));
        transcode_ok(&source, &ours, &[]);
        let carried = video_side_data(&ffmpeg, &ours);
        assert_said_by(&said, &carried, extension);
        // Every release's Matroska muxer writes the light levels (4.1's MP4 muxer does not).
        if extension == "mkv" {
            assert!(carried.iter().any(|(_, v)| *v == light), "{carried:?}");
        }
        if exact {
            let theirs = dir.join(format!("cli.{extension}"));
            cli_transcode(&source, &[], &theirs);
            assert_eq!(
                ffprobe_side_data(&ours),
                ffprobe_side_data(&theirs),
                "{extension}"
            );
        }
    }
}

/// What the CLI carries to the file it encodes, the crate's transcode carries too: the
/// container's tags, the chapters with their ids and tags, each encoded stream's tags (its
/// language) and disposition, and an `encoder` tag naming the encoder. On 5.1 all of it
/// equals the CLI's transcode, in MP4 and Matroska (less Matroska's measured `DURATION`, and
/// the encoder's name, as the CLI encodes Matroska's audio as Vorbis), with MP4's timecode
/// track, which needs the video's frame rate on its stream.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn tags_chapters_and_dispositions_go_with_the_encoded_streams() {
    let build = common::under_test();
    let dir = common::scratch_dir("transcode_tags");
    let chapters = dir.join("chapters.txt");
    std::fs::write(
        &chapters,
        ";FFMETADATA1\ntitle=Tagged\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=400\n\
         title=Opening\nartist=Someone\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=400\nEND=1000\n\
         title=Second part\n",
    )
    .unwrap();
    let source = media::generated(
        "transcode_tags.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=25:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            "-i",
            chapters.to_str().unwrap(),
            "-map",
            "0",
            "-map",
            "1",
            "-map_metadata",
            "2",
            "-map_chapters",
            "2",
            "-metadata:s:a:0",
            "language=fre",
            "-disposition:a:0",
            "default+comment",
            "-timecode",
            "01:02:03:04",
            "-c:v",
            "mpeg4",
            "-c:a",
            "ac3",
        ],
    );
    // ffprobe's view of a file's tags, chapters and dispositions, less what the muxer
    // measures and the encoder's name.
    let described = |path: &Path| -> Value {
        let mut command = Command::new("ffprobe");
        command
            .env_remove("LD_LIBRARY_PATH")
            .args(["-v", "error", "-of", "json"]);
        command.args(["-show_chapters", "-show_entries"]);
        command.arg("format_tags:stream=codec_type:stream_tags:stream_disposition");
        let mut json: Value =
            serde_json::from_slice(&common::stdout_bytes_of(command.arg(path), "ffprobe")).unwrap();
        for stream in json["streams"].as_array_mut().unwrap() {
            let Some(tags) = stream["tags"].as_object_mut() else {
                continue;
            };
            tags.remove("DURATION");
            for key in ["encoder", "ENCODER"] {
                if let Some(Value::String(value)) = tags.get_mut(key) {
                    *value = value.split(' ').next().unwrap().to_owned();
                }
            }
        }
        json
    };
    for extension in ["mp4", "mkv"] {
        let ours = dir.join(format!("ours.{extension}"));
        transcode_ok(&source, &ours, &[]);
        let seen = described(&ours);
        let at = format!("{extension}: {seen}");
        assert_eq!(seen["format"]["tags"]["title"], "Tagged", "{at}");
        let chapters = seen["chapters"].as_array().unwrap();
        assert_eq!(chapters.len(), 2, "{at}");
        assert_eq!(chapters[1]["tags"]["title"], "Second part", "{at}");
        let audio = seen["streams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["codec_type"] == "audio")
            .unwrap();
        assert_eq!(audio["tags"]["language"], "fre", "{at}");
        // MP4's timecode track, which its muxer makes only where the video's stream has a
        // frame rate.
        if extension == "mp4" {
            let streams = seen["streams"].as_array().unwrap();
            let timed = streams
                .iter()
                .any(|s| s["tags"]["timecode"] == "01:02:03:04");
            assert!(timed, "{at}");
        }
        // Matroska keeps every stream's encoder, MP4 from 5.0 a video stream's; Matroska keeps
        // a commentary from 4.4, MP4 from 5.0.
        let since =
            |version: (u64, u64)| build.avcodec >= semver::Version::new(version.0, version.1, 0);
        let mp4_keeps = since((59, 0));
        if extension == "mkv" || mp4_keeps {
            let video = &seen["streams"][0]["tags"];
            let encoder = video["encoder"].as_str().or(video["ENCODER"].as_str());
            assert!(encoder.unwrap_or("").starts_with("Lavc"), "{at}");
        }
        if (extension == "mkv" && since((58, 134))) || mp4_keeps {
            assert_eq!(audio["disposition"]["comment"], 1, "{at}");
        }
        if build.name == "5.1" {
            let theirs = dir.join(format!("cli.{extension}"));
            cli_transcode(&source, &[], &theirs);
            assert_eq!(seen, described(&theirs), "{extension}");
        }
    }
}
