//! Hostile and broken inputs give typed errors or a clean end, never a crash.

mod common;

use std::path::Path;

use common::media::{self, CLIPS};
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::{Error, Frame, Library, Packet};

fn open(path: &Path) -> Result<Input, Error> {
    Input::open(&common::under_test().load(), path)
}

#[test]
fn empty_text_and_random_files_are_refused_with_typed_errors() {
    let dir = common::scratch_dir("bad");
    let empty = dir.join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.join("notes.mkv");
    std::fs::write(&text, "this is not a video\n".repeat(50)).unwrap();
    let random = dir.join("random.ts");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(&random, bytes).unwrap();
    for path in [&empty, &text, &random] {
        match open(path) {
            Err(
                Error::InvalidData { .. }
                | Error::UnknownFormat { .. }
                | Error::Ffmpeg { .. }
                | Error::Eof { .. },
            ) => {}
            Err(other) => panic!("{}: unexpected error {other:?}", path.display()),
            // A few random bytes can look like some format; then it must have nothing to decode.
            Ok(input) => assert!(
                input.best_stream(MediaType::Video).is_none(),
                "{}",
                path.display()
            ),
        }
    }
    let missing = open(&dir.join("missing.mp4")).unwrap_err();
    assert!(
        matches!(missing, Error::Ffmpeg { code, .. } if code == -libc::ENOENT),
        "{missing:?}"
    );
}

#[test]
fn truncated_and_mutated_files_decode_to_an_error_or_an_end() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("mutated");
    for clip in CLIPS.iter().filter(|c| {
        [
            "h264_8bit.mp4",
            "hevc_10bit.mkv",
            "vp9_profile2.webm",
            "mpeg2.ts",
        ]
        .contains(&c.name)
    }) {
        let original = std::fs::read(media::path(clip)).unwrap();
        let truncated = dir.join(format!("truncated-{}", clip.name));
        std::fs::write(&truncated, &original[..original.len() / 2]).unwrap();
        let mutated = dir.join(format!("mutated-{}", clip.name));
        let mut bytes = original.clone();
        for i in (64..bytes.len()).step_by(97) {
            bytes[i] ^= 0x5a;
        }
        std::fs::write(&mutated, bytes).unwrap();
        for path in [truncated, mutated] {
            // Any typed outcome is fine; the process must simply survive and report.
            let _ = media::decode_md5s(&ffmpeg, &path, None);
        }
    }
}

/// Seeded mutations (flipped, zeroed, repeated and cut-out bytes) of real files of several
/// containers and codecs, each decoded to its end: every outcome is a typed result.
#[test]
fn seeded_mutations_of_many_containers_decode_to_an_error_or_an_end() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("seeded-mutations");
    let names = [
        "h264_8bit.mp4",
        "hevc_10bit.mkv",
        "vp9_profile2.webm",
        "mpeg2.ts",
        "mpeg4.avi",
        "mjpeg.avi",
        "prores.mov",
        "gif.gif",
        "h264_raw.h264",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    for clip in CLIPS.iter().filter(|c| names.contains(&c.name)) {
        let original = std::fs::read(media::path(clip)).unwrap();
        for round in 0..40 {
            let mut bytes = original.clone();
            for _ in 0..1 + next(8) {
                let at = next(bytes.len());
                let span = 1 + next(64).min(bytes.len() - at - 1);
                match next(4) {
                    0 => bytes[at] ^= 1 << next(8),
                    1 => bytes[at..at + span].fill(0),
                    2 => {
                        let copy = bytes[at..at + span].to_vec();
                        bytes.splice(at..at, copy);
                    }
                    _ => {
                        bytes.drain(at..at + span);
                    }
                }
            }
            let path = dir.join(format!("{round}-{}", clip.name));
            std::fs::write(&path, &bytes).unwrap();
            // Any typed outcome is fine; the process must survive and report.
            let _ = media::decode_md5s(&ffmpeg, &path, clip.stream);
            if round % 4 == 0 {
                read_at_random(&ffmpeg, &path);
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn an_audio_only_file_has_no_video_stream() {
    let dir = common::scratch_dir("audio-only");
    let path = dir.join("tone.m4a");
    let status = media::cli()
        .args([
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1",
            "-c:a",
            "aac",
            "-y",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let input = open(&path).unwrap();
    assert!(input.best_stream(MediaType::Video).is_none());
    let audio = input
        .best_stream(MediaType::Audio)
        .expect("the audio stream");
    assert_eq!(audio.sample_rate(), 44_100);
    let output = framehash_found_the_default_way()
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no video stream"), "{stderr}");
}

/// The framehash example finding FFmpeg the default way (the system's 5.1); under the
/// emulator, whose system FFmpeg is the host's (x86_64), the build under test instead.
fn framehash_found_the_default_way() -> std::process::Command {
    if !common::host_ffmpeg_loadable() {
        common::example_command("framehash", &common::under_test())
    } else {
        common::command(&common::example("framehash"))
    }
}

/// Frames of a damaged file by number, as `VideoReader` finds them: any typed outcome.
fn read_at_random(ffmpeg: &ffmpeg_runtime::Ffmpeg, path: &Path) {
    let Ok(mut reader) = ffmpeg_runtime::reader::VideoReader::open(ffmpeg, path) else {
        return;
    };
    let last = reader.index().len().saturating_sub(1);
    let _ = reader.frames(&[last, 0, last / 2, last + 1]);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start (ci/framehash-windows.sh compares framehash.exe with the Linux framehash instead)"
)]
fn framehash_prints_one_line_per_frame_and_the_count() {
    let clip = CLIPS.iter().find(|c| c.name == "two_video.mkv").unwrap();
    let path = media::path(clip);
    let mut command = framehash_found_the_default_way();
    command.arg(&path).args(["--stream", "1"]);
    let stdout = common::stdout_of(&mut command, "framehash --stream 1");
    let lines: Vec<&str> = stdout.lines().collect();
    let expected = media::reference_md5s(&path, Some(1));
    assert_eq!(
        lines.last(),
        Some(&format!("frames: {}", expected.len()).as_str())
    );
    for (line, md5) in lines.iter().zip(&expected) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert_eq!(fields[2], "96x64");
        assert_eq!(fields[3], "yuv444p"); // mandelbrot is RGB, so libx264 keeps 4:4:4
        assert_eq!(fields[4], md5);
    }
    let counted = framehash_found_the_default_way()
        .arg(&path)
        .arg("--count-only")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(counted.stdout).unwrap().trim(),
        "frames: 25"
    );
    let unopenable = common::command(&common::example("framehash"))
        .arg("/nonexistent.mp4")
        .output()
        .unwrap();
    assert!(!unopenable.status.success());
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn container_and_stream_facts_are_read() {
    let dir = common::scratch_dir("facts");
    let chapters = dir.join("chapters.txt");
    std::fs::write(&chapters, ";FFMETADATA1\ntitle=Facts\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=First\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=500\nEND=1000\ntitle=Second\n").unwrap();
    let path = dir.join("facts.mkv");
    let status = media::cli()
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=10:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
        ])
        .arg("-i")
        .arg(&chapters)
        .args([
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-map_metadata",
            "2",
            "-map_chapters",
            "2",
            "-c:v",
            "mpeg4",
            "-c:a",
            "flac",
        ])
        .args([
            "-metadata:s:a:0",
            "language=fra",
            "-disposition:a:0",
            "default",
            "-disposition:v:0",
            "0",
            "-y",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let input = open(&path).unwrap();
    assert!(
        input
            .metadata()
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("title") && v == "Facts"),
        "{:?}",
        input.metadata()
    );
    assert!(input.bit_rate().is_some());
    let chapters = input.chapters();
    let titles: Vec<_> = chapters
        .iter()
        .map(|c| c.title.clone().unwrap_or_default())
        .collect();
    assert_eq!(titles, ["First", "Second"]);
    let second = &chapters[1];
    assert_eq!(
        second.start * 1000 * i64::from(second.time_base.num) / i64::from(second.time_base.den),
        500
    );
    let audio = input.best_stream(MediaType::Audio).unwrap();
    assert_eq!(audio.language().as_deref(), Some("fra"));
    assert!(audio.is_default());
    let video = input.best_stream(MediaType::Video).unwrap();
    assert!(!video.is_default() && !video.is_attached_picture());
    assert_eq!(
        video.pixel_format().as_ref().map(|v| v.name()),
        Some("yuv420p")
    );
    assert_eq!((video.width(), video.height()), (64, 48));
    assert_eq!(
        audio.channel_layout().as_ref().map(|v| v.name()),
        Some("mono")
    );
    assert_eq!((audio.channels(), audio.sample_rate()), (Some(1), 44_100));
    assert!(
        audio
            .sample_format()
            .is_some_and(|f| f.name().starts_with("s")),
        "flac: s16 or s32"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_rotated_phone_video_reports_its_rotation() {
    let path = media::turned_mp4("rotated_90.mp4", 90);
    let input = open(&path).unwrap();
    assert_eq!(
        input.best_stream(MediaType::Video).unwrap().rotation(),
        Some(90),
        "turn 90° clockwise to display"
    );
    let clip = CLIPS.iter().find(|c| c.name == "h264_8bit.mp4").unwrap();
    let plain = open(&media::path(clip)).unwrap();
    assert_eq!(
        plain.best_stream(MediaType::Video).unwrap().rotation(),
        None
    );
}

/// FFmpeg's encoders read a frame as the size and format they were opened for: a mismatched
/// frame crashed inside avcodec_send_frame (found by the API-sequence fuzz target) and is
/// now refused before FFmpeg sees it.
#[test]
fn frames_unlike_the_encoder_are_refused() {
    use ffmpeg_runtime::Frame;
    use ffmpeg_runtime::codec::{AudioSettings, Encoder, VideoSettings};
    let ffmpeg = common::under_test().load();
    let settings = VideoSettings::new(
        48,
        32,
        ffmpeg.pixel_format("yuv420p").unwrap(),
        Rational::new(1, 25),
    );
    let mut video = Encoder::video(&ffmpeg, "mpeg4", &settings).unwrap();
    let audio_settings = AudioSettings::new(
        44100,
        ffmpeg.sample_format("s16").unwrap(),
        ffmpeg.default_channel_layout(2).unwrap(),
    );
    let mut audio = Encoder::audio(&ffmpeg, "pcm_s16le", &audio_settings).unwrap();
    let wrong_video = [
        Frame::video(&ffmpeg, 640, 480, "yuv420p").unwrap(),
        Frame::video(&ffmpeg, 48, 32, "rgba").unwrap(),
        Frame::audio(&ffmpeg, 1024, "s16", 44100, 2).unwrap(),
    ];
    for frame in &wrong_video {
        let refused = video.send(frame).unwrap_err();
        assert!(matches!(refused, Error::Incompatible { .. }), "{refused:?}");
    }
    let wrong_audio = [
        Frame::audio(&ffmpeg, 1024, "s16", 48000, 2).unwrap(),
        Frame::audio(&ffmpeg, 1024, "s16", 44100, 6).unwrap(),
        Frame::audio(&ffmpeg, 1024, "fltp", 44100, 2).unwrap(),
        Frame::video(&ffmpeg, 48, 32, "yuv420p").unwrap(),
    ];
    for frame in &wrong_audio {
        let refused = audio.send(frame).unwrap_err();
        assert!(matches!(refused, Error::Incompatible { .. }), "{refused:?}");
    }
    // The encoders still take what they were opened for.
    video
        .send(&Frame::video(&ffmpeg, 48, 32, "yuv420p").unwrap())
        .unwrap();
    audio
        .send(&Frame::audio(&ffmpeg, 1024, "s16", 44100, 2).unwrap())
        .unwrap();
}

/// A subtitle stream gets no `Decoder`: FFmpeg decodes subtitles through another call, and
/// FFmpeg 5.1 aborts the process when `avcodec_send_packet` is given a subtitle decoder. The
/// first input is the one the fuzzer found that with (13 bytes, taken for LRC lyrics).
#[test]
fn subtitle_streams_are_refused_a_decoder() {
    use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
    let ffmpeg = common::under_test().load();
    let srt =
        b"1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nWorld\n";
    for bytes in [&b"[00:00:0TION]"[..], &srt[..]] {
        let input = Input::from_reader(&ffmpeg, std::io::Cursor::new(bytes.to_vec())).unwrap();
        let streams: Vec<_> = input.streams().collect();
        assert!(!streams.is_empty());
        for stream in streams {
            assert_eq!(stream.media_type(), MediaType::Subtitle);
            let decoder = Decoder::new(&stream, &DecoderOptions::default());
            assert!(
                matches!(decoder, Err(Error::Unsupported { .. })),
                "{:?}",
                decoder.err()
            );
        }
    }
}

/// FLAC whose last packets are damaged, decoded on frame threads: the error of a packet still
/// in a thread comes out as the end is sent. The end is taken all the same, the error comes
/// from the next `receive`, and the frames after it still drain, as one thread gives them.
#[test]
#[cfg_attr(
    windows,
    ignore = "makes its media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_damaged_packet_in_a_frame_thread_at_the_end_leaves_the_rest_to_drain() {
    let ffmpeg = common::under_test().load();
    let source = media::generated(
        "bad_flac_tail.flac",
        &["-f", "lavfi", "-i", "sine=duration=3", "-c:a", "flac"],
    );
    let mut input = Input::open(&ffmpeg, &source).unwrap();
    let [one_thread, four_threads] = [1, 4].map(|threads| {
        let options = DecoderOptions {
            threads,
            ..DecoderOptions::default()
        };
        Decoder::new(&input.stream(0).unwrap(), &options).unwrap()
    });
    let mut packets = Vec::new();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        packets.push(packet.try_clone().unwrap());
    }
    let damaged = packets.len() - 3;
    for packet in &mut packets[damaged..damaged + 2] {
        for byte in packet.data_mut().unwrap().iter_mut().skip(8) {
            *byte ^= 0xa5;
        }
    }
    let one_thread = decode_counting_errors(one_thread, &packets);
    assert_eq!(one_thread, (packets.len() - 2, 2));
    assert_eq!(decode_counting_errors(four_threads, &packets), one_thread);
}

/// Decodes `packets` to the end: the frames given and the errors met, each skipped.
fn decode_counting_errors(mut decoder: Decoder, packets: &[Packet]) -> (usize, usize) {
    let mut frame = Frame::new(decoder.ffmpeg()).unwrap();
    let (mut frames, mut errors) = (0, 0);
    for packet in packets.iter().map(Some).chain([None]) {
        let sent = match packet {
            Some(packet) => decoder.send(packet),
            None => decoder.send_eof(),
        };
        match sent {
            Ok(()) => {}
            Err(Error::InvalidData { .. }) if packet.is_some() => errors += 1,
            Err(other) => panic!("{other}"),
        }
        loop {
            match decoder.receive(&mut frame) {
                Ok(true) => frames += 1,
                Ok(false) => break,
                Err(Error::InvalidData { .. }) => errors += 1,
                Err(other) => panic!("{other}"),
            }
        }
    }
    assert!(decoder.is_finished());
    (frames, errors)
}

/// MJPEG whose pictures are nearly all blank, and SubRip in Latin-1 read as UTF-8: as the
/// CLI, whose `-max_error_rate` (2/3) counts a decoding failure against each frame decoded,
/// `transcode`, `framehash` and `subdump` write what decodes and end with status 69 (they
/// had ended with success). The 5.1 CLI's status is the same.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn decoding_that_fails_too_often_ends_with_the_clis_status_69() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let source = media::generated(
        "bad_to_blank.avi",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=10:duration=1",
            "-c:v",
            "mjpeg",
        ],
    );
    let mut bytes = std::fs::read(&source).unwrap();
    let mut input = Input::open(&ffmpeg, &source).unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let mut pictures = 0;
    while input.read_packet(&mut packet).unwrap() {
        pictures += 1;
        if pictures > 2 {
            let at = packet.position().unwrap() as usize;
            bytes[at..at + packet.data().len()].fill(0);
        }
    }
    assert_eq!(pictures, 10);
    let dir = common::scratch_dir("error-rate");
    let blank = dir.join("blank.avi");
    std::fs::write(&blank, bytes).unwrap();
    let latin1 = dir.join("latin1.srt");
    std::fs::write(&latin1, b"1\n00:00:00,500 --> 00:00:01,500\nCaf\xe9\n").unwrap();
    let status = |command: &mut std::process::Command| command.output().unwrap().status.code();
    let output = dir.join("blank.mkv");
    let mut transcode = common::example_command("transcode", &build);
    assert_eq!(status(transcode.arg(&blank).arg(&output)), Some(69));
    assert!(output.exists(), "what decoded is written");
    let mut framehash = common::example_command("framehash", &build);
    let hashed = framehash.arg(&blank).output().unwrap();
    assert_eq!(hashed.status.code(), Some(69));
    assert!(String::from_utf8_lossy(&hashed.stdout).ends_with("frames: 2\n"));
    let mut subdump = common::example_command("subdump", &build);
    assert_eq!(status(subdump.arg(&latin1)), Some(69));
    let mut subdump = common::example_command("subdump", &build);
    assert_eq!(
        status(subdump.arg(&latin1).arg("--json")),
        Some(0),
        "ffprobe's way"
    );
    if ffmpeg.family().ffmpeg_major() != 5 {
        return; // compared with the CLI of its own major
    }
    let mut cli = media::cli();
    cli.args(["-y", "-i"]).arg(&blank).arg(dir.join("cli.mkv"));
    assert_eq!(status(&mut cli), Some(69));
    let mut cli = media::cli();
    cli.arg("-i").arg(&latin1).args(["-f", "srt", "-"]);
    assert_eq!(status(&mut cli), Some(69));
}

/// A PNG whose header is followed by its end: one stream, of no stated pixel format, that
/// decodes to nothing. The CLI sets its graph up from the first frame, else at the end from
/// the format the container states, and with neither fails ("Cannot determine format of
/// input stream 0:0 after EOF"); so do `framehash` and `transcode` (Pillow's APNG samples of
/// broken chunks; `framehash` had printed no frames and succeeded).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_stream_of_no_frame_and_no_stated_format_fails_as_in_the_cli() {
    let build = common::under_test();
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut bytes = (data.len() as u32).to_be_bytes().to_vec();
        bytes.extend(kind);
        bytes.extend(data);
        bytes.extend([0; 4]); // the CRC, which FFmpeg does not check by default
        bytes
    };
    let mut header = Vec::new();
    header.extend(16u32.to_be_bytes());
    header.extend(16u32.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]); // 8-bit RGBA
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IEND", b""));
    let dir = common::scratch_dir("no-frame");
    let path = dir.join("header_alone.png");
    std::fs::write(&path, png).unwrap();
    let ffmpeg = build.load();
    let input = Input::open(&ffmpeg, &path).unwrap();
    assert_eq!(input.stream(0).unwrap().pixel_format(), None);
    for args in [&[][..], &["--vf", "null"]] {
        let hashed = common::example_command("framehash", &build)
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        let message = String::from_utf8_lossy(&hashed.stderr);
        assert_eq!(hashed.status.code(), Some(1), "{args:?}: {message}");
        assert!(
            message.contains("Cannot determine format of input stream 0:0"),
            "{args:?}: {message}"
        );
    }
    let output = dir.join("header_alone.mkv");
    let transcoded = common::example_command("transcode", &build)
        .arg(&path)
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(transcoded.status.code(), Some(1));
    assert!(!output.exists());
    if ffmpeg.family().ffmpeg_major() == 5 {
        let mut cli = media::cli();
        cli.arg("-i").arg(&path).args(["-f", "framemd5", "-"]);
        assert_eq!(cli.output().unwrap().status.code(), Some(1));
    }
}

/// The CLI's graph, set up at the end from what the container states where no frame came,
/// fails where its buffer source would be of no rate (a time base of 1/0): so does framehash.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_of_no_frame_and_no_stated_rate_fails_as_in_the_cli() {
    let build = common::under_test();
    // ADTS frames of rate index 15, the escape ADTS does not allow: AAC of rate 0.
    let mut adts = Vec::new();
    for _ in 0..8 {
        adts.extend([0xff, 0xf1, 0x7c, 0x80, 0x03, 0x7f, 0xfc]);
        adts.extend([0; 20]);
    }
    let dir = common::scratch_dir("no-rate");
    let path = dir.join("rate_escape.aac");
    std::fs::write(&path, adts).unwrap();
    let ffmpeg = build.load();
    let input = Input::open(&ffmpeg, &path).unwrap();
    assert_eq!(input.stream(0).unwrap().sample_rate(), 0);
    // The seek, which this stream cannot take, leaves its one packet undecoded, as the CLI's.
    let says = "Error configuring filter graph";
    assert_audio_hash_fails_as_the_cli(&build, &path, Some("0.7"), says);
}

/// Asserts that `framehash --af anull` of `path` (after a seek to `seek` seconds) exits 1,
/// saying `says` and printing no count of frames, and that the 5.1 CLI's framemd5 exits 1.
#[track_caller]
fn assert_audio_hash_fails_as_the_cli(
    build: &common::Build,
    path: &Path,
    seek: Option<&str>,
    says: &str,
) {
    let mut framehash = common::example_command("framehash", build);
    framehash.arg(path).args(["--af", "anull"]);
    framehash.args(seek.map(|at| ["--seek", at]).into_iter().flatten());
    let hashed = framehash.output().unwrap();
    let message = String::from_utf8_lossy(&hashed.stderr);
    assert_eq!(hashed.status.code(), Some(1), "{seek:?}: {message}");
    assert!(message.contains(says), "{seek:?}: {message}");
    assert!(!String::from_utf8_lossy(&hashed.stdout).contains("frames:"));
    if build.load().family().ffmpeg_major() == 5 {
        let mut cli = media::cli();
        cli.args(seek.map(|at| ["-ss", at]).into_iter().flatten());
        cli.arg("-i")
            .arg(path)
            .args(["-af", "anull", "-f", "framemd5", "-"]);
        assert_eq!(cli.output().unwrap().status.code(), Some(1), "{seek:?}");
    }
}

/// Audio that the decoder gives at no rate ends every CLI (5.1: "Sample rate 0 invalid",
/// then "Error while processing the decoded data", status 1), whether or not its frames
/// would be kept after a seek: an MPEG-TS cut inside its first AC-3 frame, whose header the
/// demuxer never parsed and whose decoder then conceals the frame at no rate (exiftool's
/// `M2TS.mts`). framehash had hashed nothing and exited 0 after a seek.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn audio_the_decoder_gives_at_no_rate_fails_as_in_the_cli() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if !ffmpeg.has_decoder("ac3") {
        return;
    }
    let whole = media::generated(
        "ac3_second.ts",
        &["-f", "lavfi", "-i", "sine=d=1", "-c:a", "ac3"],
    );
    let dir = common::scratch_dir("no-rate-decoded");
    let path = dir.join("cut_in_first_frame.ts");
    // Four packets of 188 bytes: the tables, then the start of the first AC-3 frame.
    std::fs::write(&path, &std::fs::read(&whole).unwrap()[..752]).unwrap();
    let input = Input::open(&ffmpeg, &path).unwrap();
    assert_eq!(input.stream(0).unwrap().sample_rate(), 0);
    // (From 6.1 the AC-3 decoder refuses the frame instead; no frame comes, and the graph
    // the CLI then sets up from the stream fails for want of a rate.)
    for seek in [None, Some("0.7")] {
        assert_audio_hash_fails_as_the_cli(&build, &path, seek, "sample rate");
    }
}

/// Where no frame came, the CLI sets its graph up from what the stream states, and fails
/// where a filter of it does: float audio of 208 channels, more than the resampler that
/// converts it to framemd5's `s16` takes (lofty's WAVE_FORMAT_EXTENSIBLE sample, whose one
/// block is short).
/// framehash had printed 0 frames and exited 0 after a seek past the end.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_graph_the_cli_cannot_set_up_from_the_stream_fails_where_no_frame_came() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let (channels, rate) = (208u16, 44_100u32);
    let block = 4 * u32::from(channels);
    let mut wav = Vec::new();
    wav.extend(b"RIFF");
    wav.extend((36u32 + 16).to_le_bytes());
    wav.extend(b"WAVEfmt ");
    wav.extend(16u32.to_le_bytes());
    wav.extend(3u16.to_le_bytes()); // IEEE float
    wav.extend(channels.to_le_bytes());
    wav.extend(rate.to_le_bytes());
    wav.extend((rate * block).to_le_bytes());
    wav.extend((block as u16).to_le_bytes());
    wav.extend(32u16.to_le_bytes());
    wav.extend(b"data");
    wav.extend(16u32.to_le_bytes());
    wav.extend([0; 16]);
    let dir = common::scratch_dir("graph-from-stream");
    let path = dir.join("channels_208.wav");
    std::fs::write(&path, wav).unwrap();
    let input = Input::open(&ffmpeg, &path).unwrap();
    assert_eq!(input.stream(0).unwrap().channels(), Some(208));
    for seek in [None, Some("3.3")] {
        assert_audio_hash_fails_as_the_cli(&build, &path, seek, "Error configuring filter graph");
    }
}

/// An empty audio packet (a G.729 frame erasure in ITU's bitstream format) is one decoding
/// error to the 5.1 CLI, which hands it to the decoder and is refused (`EINVAL`); from 6.1
/// the CLI skips it, as every release skips an empty video packet. So `framehash` and
/// `transcode` count it by the CLI they follow, and more such packets than 2/3 of all end
/// with the 5.1 CLI's status 69 (minimp3's `l3-he_free.bit`, read as this format).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn empty_audio_packets_are_decoding_errors_to_the_5_1_cli() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if !ffmpeg.has_decoder("g729") {
        return;
    }
    // Frames of 80 bits (each bit a word: 0x7f for 0, 0x81 for 1), then erasures.
    let mut bitstream = Vec::new();
    for frame in 0..11 {
        bitstream.extend([0x21, 0x6b]);
        if frame < 3 {
            bitstream.extend([0x50, 0x00]);
            for bit in 0..80 {
                bitstream.extend([if bit % 3 == 0 { 0x81 } else { 0x7f }, 0x00]);
            }
        } else {
            bitstream.extend([0x00, 0x00]);
        }
    }
    let dir = common::scratch_dir("empty-packets");
    let path = dir.join("erasures.bit");
    std::fs::write(&path, bitstream).unwrap();
    let Ok(mut input) = Input::open(&ffmpeg, &path) else {
        return; // a build without ITU's bitstream demuxer
    };
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let mut sizes = Vec::new();
    while input.read_packet(&mut packet).unwrap() {
        sizes.push(packet.data().len());
    }
    assert_eq!(sizes, [10, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
    // framehash takes audio through a graph, as the CLI.
    let filters = ffmpeg.library(Library::AvFilter).is_some();
    for (timing, expected) in [("5.1", Some(69)), ("6.1", Some(0))] {
        let output = dir.join(format!("erasures-{timing}.mka"));
        let transcoded = common::example_command("transcode", &build)
            .arg(&path)
            .arg(&output)
            .args(["--cli-timing", timing])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&transcoded.stderr);
        assert_eq!(transcoded.status.code(), expected, "{timing}: {stderr}");
        assert!(output.exists(), "what decoded is written");
        if !filters {
            continue;
        }
        let hashed = common::example_command("framehash", &build)
            .arg(&path)
            .args(["--af", "anull", "--cli-timing", timing])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&hashed.stderr);
        assert_eq!(hashed.status.code(), expected, "{timing}: {stderr}");
        assert!(
            String::from_utf8_lossy(&hashed.stdout).ends_with("frames: 3\n"),
            "{timing}"
        );
    }
    if ffmpeg.family().ffmpeg_major() == 5 {
        let mut cli = media::cli();
        cli.arg("-i")
            .arg(&path)
            .args(["-af", "anull", "-f", "framemd5", "-"]);
        assert_eq!(cli.output().unwrap().status.code(), Some(69));
    }
}
