//! Sources and sinks that cannot seek (pipes, sockets, standard input and output): formats
//! that stream are read and written front to back and give the same frames as files; one
//! that must go back says so.

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::media;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::format::{Input, MediaType, Output};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Packet, Rational};
use md5::{Digest, Md5};

/// A source that can only read, as a pipe.
struct Pipe(File);

impl Read for Pipe {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buffer)
    }
}

/// A sink that can only write, as a pipe; what it got stays readable.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Write for Collected {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const VIDEO: &str = "testsrc2=size=176x144:rate=25:duration=1";
const AUDIO: &str = "sine=frequency=440:sample_rate=44100:duration=1";

/// Streaming formats made by the CLI: (file, arguments between the inputs and the output).
fn streaming_sources() -> Vec<(PathBuf, bool)> {
    let both = |name: &str, codecs: &[&str]| {
        let mut args = vec!["-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", AUDIO];
        args.extend_from_slice(codecs);
        (media::generated(name, &args), true)
    };
    let only = |name: &str, source: &str, codecs: &[&str]| {
        let mut args = vec!["-f", "lavfi", "-i", source];
        args.extend_from_slice(codecs);
        (media::generated(name, &args), source == VIDEO)
    };
    vec![
        both("pipe.mkv", &["-c:v", "mpeg4", "-c:a", "mp2"]),
        both("pipe.webm", &["-c:v", "libvpx", "-c:a", "libvorbis"]),
        both("pipe.ts", &["-c:v", "mpeg2video", "-c:a", "mp2"]),
        both("pipe.nut", &["-c:v", "ffv1", "-c:a", "pcm_s16le"]),
        both(
            "pipe_fragmented.mp4",
            &[
                "-c:v",
                "mpeg4",
                "-c:a",
                "aac",
                "-movflags",
                "frag_keyframe+empty_moov",
            ],
        ),
        both("pipe.flv", &["-c:v", "flv", "-c:a", "mp3"]),
        only("pipe.wav", AUDIO, &["-c:a", "pcm_s16le"]),
        only("pipe.h264", VIDEO, &["-c:v", "libx264"]),
        only(
            "pipe.hevc",
            VIDEO,
            &["-c:v", "libx265", "-x265-params", "log-level=error"],
        ),
        only("pipe.aac", AUDIO, &["-c:a", "aac"]),
    ]
}

/// The MD5 of every decoded frame of stream `index`: a picture's pixels packed, audio's planes.
fn frame_md5s(ffmpeg: &Ffmpeg, mut input: Input, index: usize) -> Result<Vec<String>, Error> {
    let stream = input.stream(index).expect("the stream");
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default())?;
    let (mut packet, mut frame, mut packed) =
        (Packet::new(ffmpeg)?, Frame::new(ffmpeg)?, Vec::new());
    let mut md5s = Vec::new();
    let mut take = |decoder: &mut Decoder, md5s: &mut Vec<String>| -> Result<(), Error> {
        while decoder.receive(&mut frame)? {
            if frame.width() > 0 {
                frame.copy_packed(&mut packed)?;
            } else {
                packed.clear();
                frame
                    .planes()
                    .for_each(|p| p.rows().for_each(|r| packed.extend_from_slice(r)));
            }
            md5s.push(format!("{:x}", Md5::digest(&packed)));
        }
        Ok(())
    };
    while input.read_packet(&mut packet)? {
        if packet.stream_index() == index {
            decoder.send(&packet)?;
            take(&mut decoder, &mut md5s)?;
        }
    }
    decoder.send_eof()?;
    take(&mut decoder, &mut md5s)?;
    Ok(md5s)
}

fn stream_of(input: &Input, kind: MediaType) -> Option<usize> {
    input.best_stream(kind).map(|stream| stream.index())
}

#[test]
fn streaming_formats_read_from_a_pipe_give_the_frames_of_the_file() {
    let ffmpeg = common::under_test().load();
    let mut checked = 0;
    for (path, has_video) in streaming_sources() {
        let from_file = Input::open(&ffmpeg, &path).unwrap();
        let kinds = [MediaType::Video, MediaType::Audio];
        for kind in kinds
            .into_iter()
            .filter(|&k| has_video || k == MediaType::Audio)
        {
            let Some(index) = stream_of(&from_file, kind) else {
                continue;
            };
            let expected = match frame_md5s(&ffmpeg, Input::open(&ffmpeg, &path).unwrap(), index) {
                Ok(md5s) => md5s,
                // A build without this decoder (the opencv wheel has no libvpx, say).
                Err(Error::DecoderNotFound { .. }) => continue,
                Err(error) => panic!("{}: {error}", path.display()),
            };
            let piped = Input::from_stream(&ffmpeg, Pipe(File::open(&path).unwrap()))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let md5s = frame_md5s(&ffmpeg, piped, index).unwrap();
            assert!(!md5s.is_empty(), "{}", path.display());
            assert_eq!(md5s, expected, "{} {kind:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked} streams checked");
}

#[test]
fn an_mp4_indexed_at_its_end_needs_seeking_and_says_so() {
    let ffmpeg = common::under_test().load();
    let path = media::generated(
        "moov_at_end.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=10:size=640x480:rate=25",
            "-c:v",
            "mpeg4",
            "-q:v",
            "2",
        ],
    );
    let outcome = Input::from_stream(&ffmpeg, Pipe(File::open(&path).unwrap()))
        .and_then(|input| media::decode_input_md5s(&ffmpeg, input, None));
    assert!(
        matches!(outcome, Err(Error::NeedsSeeking { .. })),
        "{outcome:?}"
    );
    // From a seekable source it is fine.
    let input = Input::from_reader(&ffmpeg, File::open(&path).unwrap()).unwrap();
    assert_eq!(
        media::decode_input_md5s(&ffmpeg, input, None)
            .unwrap()
            .len(),
        250
    );
}

/// Encodes a second of pictures into `output` (mpeg4), with the muxer's `options`.
fn write_clip(ffmpeg: &Ffmpeg, mut output: Output, options: &[(&str, &str)]) -> Result<(), Error> {
    let settings = VideoSettings {
        gop: Some(5),
        global_header: output.needs_global_header(),
        ..VideoSettings::new(
            64,
            48,
            ffmpeg.pixel_format("yuv420p")?,
            Rational::new(1, 25),
        )
    };
    let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
    let stream = output.add_stream(&encoder)?;
    output.write_header_with(options)?;
    let (mut frame, mut packet) = (
        Frame::video(ffmpeg, 64, 48, "yuv420p")?,
        Packet::new(ffmpeg)?,
    );
    for index in 0..25 {
        for mut plane in frame.planes_mut()? {
            plane
                .rows_mut()
                .flatten()
                .for_each(|b| *b = (index * 9) as u8);
        }
        frame.set_pts(Some(index));
        encoder.send(&frame)?;
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream)?;
    }
    encoder.send_eof()?;
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream)?;
    output.finish()
}

fn frames_in(ffmpeg: &Ffmpeg, bytes: Vec<u8>) -> usize {
    let input = Input::from_reader(ffmpeg, std::io::Cursor::new(bytes)).unwrap();
    media::decode_input_md5s(ffmpeg, input, None).unwrap().len()
}

#[test]
fn streaming_formats_are_written_into_a_pipe() {
    let ffmpeg = common::under_test().load();
    for (format, options) in [
        ("mpegts", &[][..]),
        ("nut", &[]),
        ("matroska", &[("live", "1")]),
        ("mp4", &[("movflags", "frag_keyframe+empty_moov")]),
    ] {
        let sink = Collected::default();
        let output = Output::to_stream(&ffmpeg, sink.clone(), format).unwrap();
        write_clip(&ffmpeg, output, options).unwrap_or_else(|e| panic!("{format}: {e}"));
        let bytes = std::mem::take(&mut *sink.0.lock().unwrap());
        assert_eq!(frames_in(&ffmpeg, bytes), 25, "{format}");
    }
    // A plain MP4 must go back to write its index: FFmpeg's reason comes with the error.
    let output = Output::to_stream(&ffmpeg, Collected::default(), "mp4").unwrap();
    let error = write_clip(&ffmpeg, output, &[]).unwrap_err();
    assert!(error.to_string().contains("seekable"), "{error}");
}

#[test]
fn an_unknown_muxer_option_is_refused_before_anything_is_written() {
    let ffmpeg = common::under_test().load();
    let dir = common::scratch_dir("muxer-options");
    let path = dir.join("refused.mp4");
    let output = Output::create(&ffmpeg, &path).unwrap();
    let error = write_clip(&ffmpeg, output, &[("no_such_flag", "1")]).unwrap_err();
    assert!(
        matches!(&error, Error::OptionNotFound { option, .. } if option == "no_such_flag"),
        "{error:?}"
    );
    assert!(!path.exists());
    let faststart = dir.join("faststart.mp4");
    let output = Output::create(&ffmpeg, &faststart).unwrap();
    write_clip(&ffmpeg, output, &[("movflags", "+faststart")]).unwrap();
    // The index now comes first: a pipe reads it.
    assert!(moov_before_mdat(&faststart));
    let piped = Input::from_stream(&ffmpeg, Pipe(File::open(&faststart).unwrap())).unwrap();
    let from_file = media::decode_md5s(&ffmpeg, &faststart, None).unwrap();
    assert_eq!(
        media::decode_input_md5s(&ffmpeg, piped, None).unwrap(),
        from_file
    );
}

/// Whether the file's `moov` box comes before its `mdat`.
fn moov_before_mdat(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag);
    matches!((find(b"moov"), find(b"mdat")), (Some(moov), Some(mdat)) if moov < mdat)
}

#[test]
fn the_examples_read_standard_input_and_write_standard_output() {
    use std::process::Stdio;
    let build = common::under_test();
    let ffmpeg = build.load();
    let (clip, _) = &streaming_sources()[2]; // MPEG-TS
    let framehash = |input: &str, stdin: Stdio| {
        let mut command = common::example_command("framehash", &build);
        command.arg(input).stdin(stdin);
        common::stdout_of(&mut command, &format!("framehash {input}"))
    };
    let from_file = framehash(clip.to_str().unwrap(), Stdio::null());
    let from_stdin = framehash("-", File::open(clip).unwrap().into());
    assert!(from_file.ends_with("frames: 25\n"), "{from_file}");
    assert_eq!(from_stdin, from_file);

    let mut transcode = common::example_command("transcode", &build);
    transcode
        .arg(clip)
        .args(["-", "--format", "mpegts", "--vcodec", "mpeg4"]);
    let transcoded = common::stdout_bytes_of(&mut transcode, "transcode to standard output");
    assert_eq!(frames_in(&ffmpeg, transcoded), 25);
}

/// A reader that goes away (`framehash clip | head`) ends framehash with one line and a
/// failure status; it had panicked on the broken pipe.
#[test]
#[cfg_attr(
    windows,
    ignore = "a write into a closed pipe is checked on Linux; Wine's answer to it is not what this tests"
)]
fn framehash_into_a_closed_pipe_fails_without_panicking() {
    let build = common::under_test();
    let (clip, _) = &streaming_sources()[2];
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let result = common::example_command("framehash", &build)
        .arg(clip)
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("writing the hashes"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
