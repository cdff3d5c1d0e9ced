//! Remuxing as `ffmpeg -i IN -map 0 -c copy OUT` does: the `remux` example against the CLI
//! (the same packets by the CLI's own `-c copy -f framemd5`, the same metadata, languages,
//! dispositions and durations), copied audio timed in whole frames, muxer options, and the
//! metadata setters read back.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::media;
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{Library, Packet};

const VIDEO: &str = "testsrc2=size=176x144:rate=25:duration=2";
const AUDIO: &str = "sine=frequency=440:sample_rate=48000:duration=2";

/// Sources with what a remux must keep: titles, languages, dispositions, two audio tracks
/// none of which is the default, a start time that is not zero.
fn sources() -> Vec<PathBuf> {
    let two_audio = [
        "-f",
        "lavfi",
        "-i",
        VIDEO,
        "-f",
        "lavfi",
        "-i",
        AUDIO,
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=800:sample_rate=44100:duration=2",
        "-map",
        "0",
        "-map",
        "1",
        "-map",
        "2",
        "-c:v",
        "mpeg4",
        "-c:a",
        "aac",
        "-metadata",
        "title=Two tracks",
        "-metadata",
        "comment=kept",
        "-metadata",
        "creation_time=2020-01-01T00:00:00Z",
        "-metadata:s:a:0",
        "language=fra",
        "-metadata:s:a:1",
        "language=deu",
        "-metadata:s:a:1",
        "title=Commentary",
        "-disposition:a:0",
        "0",
        "-disposition:a:1",
        "0",
    ];
    let late_start = [
        "-f",
        "lavfi",
        "-i",
        VIDEO,
        "-f",
        "lavfi",
        "-i",
        AUDIO,
        "-c:v",
        "mpeg2video",
        "-c:a",
        "mp2",
        "-output_ts_offset",
        "3",
    ];
    let reordered = [
        "-f",
        "lavfi",
        "-i",
        VIDEO,
        "-f",
        "lavfi",
        "-i",
        AUDIO,
        "-c:v",
        "libx264",
        "-bf",
        "2",
        "-c:a",
        "aac",
        "-metadata:s:v",
        "language=eng",
    ];
    // HEVC tagged `hvc1` (which Apple's players need; the MP4 muxer's own tag is `hev1`).
    let hvc1 = [
        "-f",
        "lavfi",
        "-i",
        VIDEO,
        "-c:v",
        "libx265",
        "-x265-params",
        "log-level=error",
        "-tag:v",
        "hvc1",
    ];
    // Raw video tagged `I420`, which lets Matroska store it; H.264 with no timestamps.
    let raw = ["-f", "lavfi", "-i", VIDEO];
    let untimed = ["-f", "lavfi", "-i", VIDEO, "-c:v", "libx264", "-bf", "0"];
    // At 24000/1001 a frame is 41708.3 µs, which the CLI's clock keeps in whole
    // microseconds: the 13th picture starts at 500.496 ms, not 500.5.
    let untimed_ntsc = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=176x144:rate=24000/1001:duration=1",
        "-c:v",
        "libx264",
        "-bf",
        "0",
    ];
    // B-frames in Matroska, whose first packets have no dts: 5.1's CLI times them from
    // microseconds straight in the output's time base (-1335/16000 s in MP4, not -83 ms;
    // from 6.1 through the input's, as `an_untimed_packets_clock_reaches_the_output_...`
    // checks).
    let reordered_ntsc = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=176x144:rate=24000/1001:duration=1",
        "-c:v",
        "libx264",
        "-bf",
        "2",
    ];
    vec![
        media::generated("remux_two_audio.mkv", &two_audio),
        media::generated("remux_late_start.ts", &late_start),
        media::generated("remux_reordered.mp4", &reordered),
        media::generated("remux_hvc1.mp4", &hvc1),
        media::generated("remux_raw.y4m", &raw),
        media::generated("remux_untimed.h264", &untimed),
        media::generated("remux_untimed_24000_1001.h264", &untimed_ntsc),
        media::generated("remux_reordered_24000_1001.mkv", &reordered_ntsc),
    ]
}

/// The CLI's `-map 0 -c copy -f framemd5` of a file: every packet's timing, size and hash.
fn packet_md5s(path: &Path) -> String {
    let mut command = media::cli();
    command
        .arg("-i")
        .arg(path)
        .args(["-map", "0", "-c", "copy", "-f", "framemd5", "-"]);
    common::stdout_of(&mut command, "the CLI's packet framemd5")
}

/// What ffprobe says of the container's and streams' tags, dispositions and durations.
fn probed(path: &Path) -> String {
    let mut command = Command::new("ffprobe");
    command
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-show_entries"])
        .args([
            "format_tags:stream_tags:stream_disposition:stream=time_base,duration,codec_tag_string",
        ])
        .args(["-of", "compact"])
        .arg(path);
    common::stdout_of(&mut command, "ffprobe's tags")
}

fn remux(input: &Path, output: &Path, extra: &[&str]) {
    let build = common::under_test();
    let mut command = common::example_command("remux", &build);
    command.arg(input).arg(output).args(extra);
    common::stdout_bytes_of(&mut command, &input.display().to_string());
}

/// The CLI's `-map 0 -c copy` of `input` into `output`.
fn cli_copy(input: &Path, output: &Path) {
    let mut command = media::cli();
    command
        .arg("-i")
        .arg(input)
        .args(["-map", "0", "-c", "copy", "-y"])
        .arg(output);
    common::stdout_bytes_of(&mut command, "the CLI's copy");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn remux_writes_what_the_cli_writes() {
    let ffmpeg = common::under_test().load();
    // The CLI is Debian's 5.1: containers are compared where the build under test muxes as
    // that release does; older and newer muxers write other (valid) headers and edit lists.
    let same_muxers = ffmpeg
        .library(Library::AvFormat)
        .expect("a required library")
        .version()
        .major
        == 59;
    let dir = common::scratch_dir("remux");
    // (The CLI's framemd5 cannot copy AAC out of MPEG-TS, so those go to NUT.)
    let targets = [
        ["mkv", "mp4", "nut"],
        ["mkv", "mp4", "ts"],
        ["mkv", "mp4", "nut"],
        ["mkv", "mp4", "mov"],
        ["mkv", "nut", "avi"],
        ["mkv", "mp4", "nut"],
        ["mkv", "mp4", "nut"],
        ["mp4", "mov", "nut"],
    ];
    for (source, extensions) in sources().into_iter().zip(targets) {
        for extension in extensions {
            let name = source.file_stem().unwrap().to_str().unwrap();
            let (ours, theirs) = (
                dir.join(format!("{name}.ours.{extension}")),
                dir.join(format!("{name}.cli.{extension}")),
            );
            remux(&source, &ours, &[]);
            cli_copy(&source, &theirs);
            let what = format!("{name} -> {extension}");
            if name == "remux_untimed" {
                // In every build: a frame apart (the last of 50 at 1.96 s), as the CLI's
                // clock puts packets without timestamps; they had come 1 ms apart.
                let mut input = Input::open(&ffmpeg, &ours).unwrap();
                let time_base = input.stream(0).unwrap().time_base();
                let (mut packet, mut last) = (Packet::new(&ffmpeg).unwrap(), 0);
                while input.read_packet(&mut packet).unwrap() {
                    last = last.max(packet.dts().unwrap());
                }
                let seconds = last as f64 * f64::from(time_base.num) / f64::from(time_base.den);
                assert!((seconds - 1.96).abs() < 0.002, "{what}: last at {seconds}");
            }
            if name == "remux_hvc1" && extension != "mkv" {
                // In every build: cleared, the tag would become the muxer's `hev1`.
                let input = Input::open(&ffmpeg, &ours).unwrap();
                let tag = input.stream(0).unwrap().codec_tag();
                assert_eq!(tag.to_le_bytes(), *b"hvc1", "{what}");
            }
            // Every stream's packets, in every build: the same count, sizes and bytes.
            // Each stream's packets in order (muxers of other releases interleave otherwise).
            let sizes_and_hashes = |text: &str| -> Vec<String> {
                let lines = text.lines().filter(|l| !l.starts_with('#'));
                let fields = lines.map(|l| l.split(',').map(str::trim).collect::<Vec<_>>());
                let mut packets: Vec<String> = fields
                    .map(|f| format!("{} {} {}", f[0], f[4], f[5]))
                    .collect();
                packets.sort_by_key(|p| p.split(' ').next().unwrap_or_default().to_owned());
                packets
            };
            let (ours_md5, theirs_md5) = (packet_md5s(&ours), packet_md5s(&theirs));
            let same = sizes_and_hashes(&ours_md5) == sizes_and_hashes(&theirs_md5);
            assert!(same, "{what}: the packets differ\n{ours_md5}\n{theirs_md5}");
            if same_muxers {
                assert!(
                    ours_md5 == theirs_md5,
                    "{what}: timing\n{ours_md5}\n{theirs_md5}"
                );
                assert_eq!(probed(&ours), probed(&theirs), "{what}: tags");
            }
        }
    }
}

#[test]
fn copied_aac_keeps_whole_frames_out_of_millisecond_timestamps() {
    let ffmpeg = common::under_test().load();
    let source = &sources()[0]; // AAC in Matroska, timed in milliseconds
    let target = common::scratch_dir("remux-aac").join("aac.mp4");
    remux(source, &target, &[]);
    let mut input = Input::open(&ffmpeg, &target).unwrap();
    let audio = input.best_stream(MediaType::Audio).unwrap();
    let (index, rate) = (audio.index(), audio.sample_rate());
    assert_eq!(audio.time_base().den as u32, rate);
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let mut starts = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == index {
            starts.push(packet.dts().unwrap());
        }
    }
    let steps: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    let whole = steps.iter().filter(|&&step| step == 1024).count();
    // Rescaled as they are, millisecond timestamps give steps of 1008 and 1056 samples; the
    // CLI's rescaling keeps 1024 but where the source's rounding leaves no choice.
    assert!(whole * 10 >= steps.len() * 9, "{steps:?}");
}

#[test]
fn faststart_puts_the_index_first_and_metadata_is_written() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("remux-faststart");
    let target = dir.join("fast.mp4");
    remux(&sources()[2], &target, &["--faststart"]);
    let bytes = std::fs::read(&target).unwrap();
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).unwrap();
    assert!(find(b"moov") < find(b"mdat"));

    // The setters, read back by the crate itself.
    let mut source = Input::open(&ffmpeg, &sources()[0]).unwrap();
    let path = dir.join("tagged.mkv");
    let mut output = Output::create(&ffmpeg, &path).unwrap();
    let audio = source.best_stream(MediaType::Audio).unwrap();
    let (from, time_base) = (audio.index(), audio.time_base());
    let index = output.add_copy_stream(&audio).unwrap();
    output.set_metadata("title", Some("Set here")).unwrap();
    output.set_metadata("comment", Some("gone")).unwrap();
    output.set_metadata("comment", None).unwrap();
    output
        .set_stream_metadata(index, "language", Some("spa"))
        .unwrap();
    output.set_stream_disposition(index, 0x1 | 0x40).unwrap();
    assert!(
        output
            .set_stream_metadata(7, "language", Some("spa"))
            .is_err()
    );
    output.write_header().unwrap();
    assert!(
        output.set_metadata("title", Some("late")).is_err(),
        "after the header"
    );
    let mut packet = Packet::new(&ffmpeg).unwrap();
    while source.read_packet(&mut packet).unwrap() {
        if packet.stream_index() == from {
            output.write_packet(&mut packet, index, time_base).unwrap();
        }
    }
    output.finish().unwrap();
    let input = Input::open(&ffmpeg, &path).unwrap();
    let metadata = input.metadata();
    let value = |key: &str| metadata.iter().find(|(k, _)| k.eq_ignore_ascii_case(key));
    assert_eq!(value("title").map(|(_, v)| v.as_str()), Some("Set here"));
    assert!(value("comment").is_none());
    let stream = input.stream(0).unwrap();
    assert_eq!(stream.language().as_deref(), Some("spa"));
    assert_eq!(stream.disposition() & 0x41, 0x41, "default and forced");
}

/// Chapters as `chapters_of` prints them, less their time bases and their times in them.
fn in_seconds(chapters: &str) -> Vec<String> {
    let kept = |field: &&str| {
        !["time_base=", "start=", "end="]
            .iter()
            .any(|k| field.starts_with(k))
    };
    let line = |line: &str| line.split('|').filter(kept).collect::<Vec<_>>().join("|");
    chapters.lines().map(line).collect()
}

/// ffprobe's chapters of a file: ids, times and titles.
fn chapters_of(path: &Path) -> String {
    let mut command = Command::new("ffprobe");
    command
        .env_remove("LD_LIBRARY_PATH")
        .args(["-v", "error", "-show_chapters", "-of", "compact"])
        .arg(path);
    common::stdout_of(&mut command, "ffprobe's chapters")
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn chapters_are_copied_as_the_cli_copies_them() {
    let build = common::under_test();
    let dir = common::scratch_dir("remux_chapters");
    let metadata = dir.join("chapters.txt");
    std::fs::write(
        &metadata,
        ";FFMETADATA1\ntitle=With chapters\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=400\n\
         title=Opening\nartist=Someone\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=400\nEND=1000\n\
         title=Second part\n",
    )
    .unwrap();
    let metadata = metadata.to_str().unwrap();
    let video = "testsrc2=size=96x64:rate=25:duration=1";
    let args = |container| {
        let chapters = ["-map_metadata", "1", "-map_chapters", "1"];
        let rest = ["-map", "0", "-c:v", "mpeg4", "-f", container];
        [
            &["-f", "lavfi", "-i", video, "-i", metadata][..],
            &chapters,
            &rest,
        ]
        .concat()
    };
    // Matroska keeps the titles, NUT every tag (the crate had copied only titles).
    let sources = [
        media::generated("remux_chapters.mkv", &args("matroska")),
        media::generated("remux_chapters.nut", &args("nut")),
    ];
    for (n, source) in sources.iter().enumerate() {
        for extension in ["mkv", "mp4", "nut"] {
            let ours = dir.join(format!("ours{n}.{extension}"));
            let theirs = dir.join(format!("cli{n}.{extension}"));
            remux(source, &ours, &[]);
            cli_copy(source, &theirs);
            let chapters = chapters_of(&ours);
            let at = format!("{} to {extension}", source.display());
            assert!(chapters.contains("title=Second part"), "{at}: {chapters}");
            let theirs = chapters_of(&theirs);
            // Other releases' muxers than the CLI's (5.1) may keep other time bases (9.0's
            // MP4 keeps a NUT's chapters in 1/51200): there the times are compared in seconds.
            if build.name == "5.1" {
                assert_eq!(chapters, theirs, "{at}");
            } else {
                assert_eq!(in_seconds(&chapters), in_seconds(&theirs), "{at}");
            }
        }
    }
    let tagged = chapters_of(&dir.join("ours1.nut"));
    assert!(tagged.contains("tag:artist=Someone"), "{tagged}");
}

/// A phone video's turn (its display matrix) is stream side data, which the copy keeps as
/// the CLI's does: on 5.x it had been dropped, and the copy showed sideways.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_turned_video_stays_turned() {
    let ffmpeg = common::under_test().load();
    // Other releases' muxers write their own version tags: there the turn is compared.
    let same_muxers = ffmpeg.library(Library::AvFormat).unwrap().version().major == 59;
    let dir = common::scratch_dir("remux_turned");
    for degrees in [90, 270] {
        let source = media::turned_mp4(&format!("remux_turned_{degrees}.mp4"), degrees);
        for extension in ["mp4", "mov"] {
            let ours = dir.join(format!("ours_{degrees}.{extension}"));
            remux(&source, &ours, &[]);
            let turn = media::turn_of(&ffmpeg, &ours);
            assert_eq!(turn, Some(degrees as i32), "{degrees} into {extension}");
            if same_muxers {
                let theirs = dir.join(format!("cli_{degrees}.{extension}"));
                cli_copy(&source, &theirs);
                assert_eq!(probed(&ours), probed(&theirs), "{degrees} into {extension}");
            }
        }
    }
}

/// Six channels in Matroska, which stores no layout, are copied as 5.1, the layout the CLI
/// guesses for them: a WAV then says so (`WAVEFORMATEXTENSIBLE`), and so does a MOV; they
/// had been written as six channels of no layout.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn channels_without_a_layout_are_copied_with_the_one_the_cli_guesses() {
    let ffmpeg = common::under_test().load();
    let source = media::generated(
        "remux_six_channels.mkv",
        &["-f", "lavfi", "-i", AUDIO, "-ac", "6", "-c:a", "pcm_s16le"],
    );
    let layout_of = |path: &Path| {
        let input = Input::open(&ffmpeg, path).unwrap();
        let audio = input.best_stream(MediaType::Audio).unwrap();
        audio
            .channel_layout()
            .map(|layout| layout.name().to_owned())
    };
    let unspecified = layout_of(&source).unwrap();
    assert_ne!(unspecified, "5.1", "Matroska states no layout");
    let dir = common::scratch_dir("remux_layout");
    for extension in ["wav", "mov"] {
        let ours = dir.join(format!("ours.{extension}"));
        remux(&source, &ours, &[]);
        let theirs = dir.join(format!("cli.{extension}"));
        cli_copy(&source, &theirs);
        assert_eq!(
            layout_of(&theirs).as_deref(),
            Some("5.1"),
            "the CLI's {extension}"
        );
        assert_eq!(layout_of(&ours).as_deref(), Some("5.1"), "{extension}");
        assert_eq!(packet_md5s(&ours), packet_md5s(&theirs), "{extension}");
    }
}

/// A camera's stream side data (HDR mastering display and light levels, Dolby Vision,
/// stereo, 360°, the turn) is copied whole and in order: the copy says what the source said
/// of every kind the muxer writes, on every build, and on 5.1 exactly what the CLI's copy says.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn camera_metadata_is_copied_as_the_cli_copies_it() {
    use common::mp4::{assert_said_by, camera_clip, ffprobe_side_data, video_side_data};
    let ffmpeg = common::under_test().load();
    let same_muxers = ffmpeg.library(Library::AvFormat).unwrap().version().major == 59;
    let source = camera_clip("remux");
    let written = video_side_data(&ffmpeg, &source);
    let dir = common::scratch_dir("remux_camera");
    for extension in ["mp4", "mkv"] {
        let ours = dir.join(format!("ours.{extension}"));
        remux(&source, &ours, &[]);
        let copied = video_side_data(&ffmpeg, &ours);
        assert!(!copied.is_empty(), "{extension}");
        assert_said_by(&written, &copied, extension);
        if same_muxers {
            let theirs = dir.join(format!("cli.{extension}"));
            cli_copy(&source, &theirs);
            assert_eq!(
                ffprobe_side_data(&ours),
                ffprobe_side_data(&theirs),
                "{extension}"
            );
        }
    }
}

/// `Output::copy_side_data` takes side data of its own release only (the bytes are that
/// release's structs), for a stream it has, before the header.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn side_data_is_copied_within_one_release_before_the_header() {
    use ffmpeg_runtime::Error;
    use ffmpeg_runtime::format::{Input, MediaType, Output};
    let (this, other) = (common::under_test().load(), common::partner().load());
    let source = common::mp4::camera_clip("remux");
    let (mine, theirs) = (
        Input::open(&this, &source).unwrap(),
        Input::open(&other, &source).unwrap(),
    );
    let (my_video, their_video) = (
        mine.best_stream(MediaType::Video).unwrap(),
        theirs.best_stream(MediaType::Video).unwrap(),
    );
    let (my_entries, their_entries) = (my_video.side_data(), their_video.side_data());
    let path = common::scratch_dir("remux_side_data_checks").join("checked.mkv");
    let mut output = Output::create(&this, &path).unwrap();
    let index = output.add_copy_stream(&my_video).unwrap();
    let foreign = output.copy_side_data(index, &their_entries[0]);
    assert!(
        matches!(foreign, Err(Error::ForeignObject { .. })),
        "{foreign:?}"
    );
    let missing = output.copy_side_data(index + 1, &my_entries[0]);
    assert!(
        matches!(missing, Err(Error::StreamNotFound { .. })),
        "{missing:?}"
    );
    output.copy_side_data(index, &my_entries[0]).unwrap();
    output.write_header().unwrap();
    let late = output.copy_side_data(index, &my_entries[0]);
    assert!(matches!(late, Err(Error::OutOfOrder { .. })), "{late:?}");
}

#[test]
fn chapters_are_checked_before_the_header() {
    use ffmpeg_runtime::format::{Chapter, Output};
    use ffmpeg_runtime::{Error, Rational};
    let ffmpeg = common::under_test().load();
    let path = common::scratch_dir("remux_chapter_checks").join("checked.mkv");
    let mut output = Output::create(&ffmpeg, &path).unwrap();
    let chapter = |start, end, base: Rational| Chapter {
        id: 0,
        start,
        end,
        time_base: base,
        title: Some("x".into()),
        metadata: Vec::new(),
    };
    let ms = Rational::new(1, 1000);
    let bad_base = output.add_chapter(&chapter(0, 1, Rational::new(0, 1)));
    assert!(
        matches!(bad_base, Err(Error::OutOfRange { .. })),
        "{bad_base:?}"
    );
    let backwards = output.add_chapter(&chapter(10, 1, ms));
    assert!(
        matches!(backwards, Err(Error::OutOfRange { .. })),
        "{backwards:?}"
    );
    let nul = Chapter {
        title: Some("a\0b".into()),
        ..chapter(0, 1, ms)
    };
    assert!(matches!(
        output.add_chapter(&nul),
        Err(Error::InvalidText { .. })
    ));
    output.add_chapter(&chapter(0, 1, ms)).unwrap();
    drop(output);
}

/// libavformat 4.1 and 5.1 end a RoQ file with an I/O error rather than its end: as the CLI,
/// the copy is finished with what was read, and succeeds (it had failed). (RoQ marks no
/// packet a keyframe, so the copy holds none, as the CLI's.)
#[test]
fn a_read_error_keeps_what_was_read() {
    let source = media::generated(
        "tc_read_error.roq",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=128x128:rate=30:duration=1",
        ],
    );
    let output = common::scratch_dir("remux_read_error").join("roq.avi");
    remux(&source, &output, &[]);
    assert!(output.exists());
}

/// The container tags the CLI drops (`company_name` here) leave the others in the order the
/// CLI writes them: it copies every tag and then removes those, and FFmpeg's dictionary fills
/// a removed tag's place with its last one (`aaa, ccc, bbb`). Both `remux` and `transcode`
/// copy them so; compared with the 5.1 CLI where the muxers are its own (they had kept the
/// source's order, `aaa, bbb, ccc`).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn dropped_tags_leave_the_others_in_the_clis_order() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let same_muxers = ffmpeg.library(Library::AvFormat).unwrap().version().major == 59;
    let source = media::generated(
        "remux_dropped_tag.nut",
        &[
            "-f",
            "lavfi",
            "-i",
            AUDIO,
            "-c:a",
            "pcm_s16le",
            "-metadata",
            "aaa=1",
            "-metadata",
            "company_name=x",
            "-metadata",
            "bbb=2",
            "-metadata",
            "ccc=3",
        ],
    );
    let tags = |path: &Path| -> Vec<String> {
        let input = Input::open(&ffmpeg, path).unwrap();
        let keys = input.metadata().into_iter().map(|(key, _)| key);
        keys.filter(|key| key != "encoder").collect()
    };
    let dir = common::scratch_dir("remux_dropped_tags");
    let remuxed = dir.join("remuxed.nut");
    remux(&source, &remuxed, &[]);
    let transcoded = dir.join("transcoded.nut");
    let mut command = common::example_command("transcode", &build);
    command.arg(&source).arg(&transcoded);
    common::stdout_bytes_of(&mut command, "transcode");
    for written in [&remuxed, &transcoded] {
        let mut sorted = tags(written);
        sorted.sort();
        assert_eq!(sorted, ["aaa", "bbb", "ccc"], "{}", written.display());
        if same_muxers {
            let theirs = dir.join("cli.nut");
            cli_copy(&source, &theirs);
            assert_eq!(
                tags(written),
                ["aaa", "ccc", "bbb"],
                "{}",
                written.display()
            );
            assert_eq!(tags(written), tags(&theirs), "{}", written.display());
        }
    }
}

/// FLAC damaged by FFmpeg's noise filter (the same bytes every time): one packet comes
/// without a timestamp. The CLI's clock of copied audio runs on by one frame of the codec's
/// fixed size, which FLAC has not, so that packet is timed at the one before; it had been
/// timed a packet's duration later. Packet for packet the 5.1 CLI's (its demuxer's packets,
/// which other releases cut otherwise); elsewhere, copied.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_copied_packet_without_a_timestamp_is_timed_by_the_clis_clock() {
    let ffmpeg = common::under_test().load();
    let damaged = media::generated(
        "remux_damaged.flac",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=4",
            "-c:a",
            "flac",
            "-bsf:a",
            "noise=amount=3",
        ],
    );
    let dir = common::scratch_dir("remux-damaged");
    for extension in ["mkv", "ts"] {
        let (ours, theirs) = (
            dir.join(format!("ours.{extension}")),
            dir.join(format!("cli.{extension}")),
        );
        remux(&damaged, &ours, &[]);
        if ffmpeg.family().ffmpeg_major() != 5 {
            continue;
        }
        cli_copy(&damaged, &theirs);
        assert_eq!(packet_md5s(&ours), packet_md5s(&theirs), "{extension}");
    }
}

/// A Matroska packet without a dts takes the CLI's clock of the stream, in microseconds: 5.1's
/// CLI rescales it straight to the output's time base, 6.1's and later to the input's (here
/// milliseconds) first, so that the first B-frame packets of a 24000/1001 stream land on
/// -83 ms in MP4 (-1328/16000 s) where 5.1's put them at -1335/16000 s.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn an_untimed_packets_clock_reaches_the_output_as_the_releases_cli_rescales_it() {
    let ffmpeg = common::under_test().load();
    let source = sources()
        .into_iter()
        .find(|path| path.ends_with("remux_reordered_24000_1001.mkv"))
        .unwrap();
    let dir = common::scratch_dir("remux-untimed-clock");
    let output = dir.join("ours.mp4");
    remux(&source, &output, &[]);
    let mut input = Input::open(&ffmpeg, &output).unwrap();
    let time_base = input.stream(0).unwrap().time_base();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    assert!(input.read_packet(&mut packet).unwrap());
    let dts = packet.dts().unwrap();
    assert!(dts < 0, "B-frames start the decoding early: {dts}");
    // In whole milliseconds where it went through the input's time base.
    let whole_ms = (i64::from(time_base.num) * dts * 1000) % i64::from(time_base.den) == 0;
    let through_input = ffmpeg.library_is_at_least(Library::AvCodec, (60, 31));
    assert_eq!(whole_ms, through_input, "{dts} in {time_base}");
    let _ = std::fs::remove_dir_all(dir);
}

/// An MP4's chapter track, which its demuxer sets aside, is a stream the CLI maps and so
/// reads: titles it reads are copied as a data stream beside the new file's own chapter
/// track (the copy had had no packets, and the muxer left the stream out).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn an_mp4s_chapter_track_is_copied_as_the_cli_copies_it() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("remux-chapter-track");
    let metadata = dir.join("chapters.txt");
    std::fs::write(
        &metadata,
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=One\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Two\n",
    )
    .unwrap();
    let source = media::generated(
        "remux_chapter_track.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=48000:duration=2",
            "-i",
            metadata.to_str().unwrap(),
            "-map_chapters",
            "2",
            "-map",
            "0",
            "-map",
            "1",
            "-c:v",
            "mpeg4",
            "-c:a",
            "aac",
        ],
    );
    let packets_by_stream = |path: &Path| -> Vec<usize> {
        let mut input = Input::open(&ffmpeg, path).unwrap();
        for index in 0..input.stream_count() {
            input.set_discarded(index, false).unwrap();
        }
        let mut counts = vec![0; input.stream_count()];
        let mut packet = Packet::new(&ffmpeg).unwrap();
        while input.read_packet(&mut packet).unwrap() {
            counts[packet.stream_index()] += 1;
        }
        counts
    };
    let (ours, theirs) = (dir.join("ours.mp4"), dir.join("cli.mp4"));
    remux(&source, &ours, &[]);
    cli_copy(&source, &theirs);
    // (Which titles come as packets depends on where the muxer put them: one of a file
    // 9.0.2's CLI made, none of this one, which 5.1's made.)
    assert_eq!(packets_by_stream(&ours), packets_by_stream(&theirs));
    let _ = std::fs::remove_dir_all(dir);
}
