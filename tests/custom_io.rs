//! Inputs read through any `Read + Seek`: identical to reading the file, and a failing or
//! panicking source gives a typed error without unwinding into FFmpeg.

mod common;

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::PanicsWhenDropped;
use common::media::{self, CLIPS};
use ffmpeg_runtime::Error;
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::Input;

#[test]
fn decoding_from_memory_equals_decoding_the_file() {
    let ffmpeg = common::under_test().load();
    // MP4 keeps its index at the end, so this needs seeking; MKV and TS read straight on.
    for name in [
        "h264_8bit.mp4",
        "vp9_profile2.webm",
        "h264_interlaced.ts",
        "two_video.mkv",
    ] {
        let clip = CLIPS.iter().find(|c| c.name == name).unwrap();
        let path = media::path(clip);
        let from_file = media::decode_md5s(&ffmpeg, &path, clip.stream).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let input = Input::from_reader(&ffmpeg, Cursor::new(bytes)).unwrap();
        let from_memory = media::decode_input_md5s(&ffmpeg, input, clip.stream).unwrap();
        assert_eq!(from_memory, from_file, "{name}");
        assert!(!from_file.is_empty());
    }
}

/// Reads normally until `limit` bytes, then fails the way `failure` says.
struct Failing {
    inner: Cursor<Vec<u8>>,
    limit: u64,
    panic: bool,
}

impl Read for Failing {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.inner.position() >= self.limit {
            if self.panic {
                panic!("source exploded");
            }
            return Err(std::io::Error::other("disk on fire"));
        }
        let room = (self.limit - self.inner.position()) as usize;
        let take = buffer.len().min(room);
        self.inner.read(&mut buffer[..take])
    }
}

impl Seek for Failing {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

#[test]
fn a_panicking_or_failing_source_gives_a_typed_error() {
    let ffmpeg = common::under_test().load();
    let clip = CLIPS
        .iter()
        .find(|c| c.name == "h264_interlaced.ts")
        .unwrap();
    let bytes = std::fs::read(media::path(clip)).unwrap();
    for panic in [true, false] {
        // Fails mid-file: opening works, reading stops with the source's error.
        let source = Failing {
            inner: Cursor::new(bytes.clone()),
            limit: bytes.len() as u64 / 2,
            panic,
        };
        let error = match Input::from_reader(&ffmpeg, source) {
            Ok(mut input) => {
                common::packets::count(&mut input).expect_err("the source fails half way")
            }
            Err(error) => error,
        };
        match (&error, panic) {
            (Error::Panicked(message), true) => {
                assert_eq!(message, "Read::read: source exploded")
            }
            (Error::Io { operation, source }, false) => {
                // The application's own io::Error comes back whole, as the source.
                assert_eq!(*operation, "Read::read");
                let cause = std::error::Error::source(&error).expect("the io::Error");
                let io = cause
                    .downcast_ref::<std::io::Error>()
                    .expect("an io::Error");
                assert_eq!(io.kind(), source.kind());
                assert!(io.to_string().contains("disk on fire"), "{io}");
            }
            _ => panic!("unexpected {error:?} (panic: {panic})"),
        }
        // Fails at once: opening reports it.
        let source = Failing {
            inner: Cursor::new(bytes.clone()),
            limit: 0,
            panic,
        };
        let error = Input::from_reader(&ffmpeg, source).expect_err("nothing can be read");
        assert!(
            matches!(error, Error::Panicked(_) | Error::Io { .. }),
            "{error:?}"
        );
    }
}

/// A `Write + Seek` the test can read back after the output owned it.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Cursor<Vec<u8>>>>);

impl std::io::Write for Shared {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(data)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Shared {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.0.lock().unwrap().seek(to)
    }
}

struct Exploding;

impl std::io::Write for Exploding {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        panic!("sink exploded")
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Exploding {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Ok(0)
    }
}

#[test]
fn an_output_written_to_memory_reads_back_and_a_panicking_sink_is_an_error() {
    use ffmpeg_runtime::codec::{Encoder, VideoSettings};
    use ffmpeg_runtime::format::Output;
    use ffmpeg_runtime::{Frame, Packet};
    let ffmpeg = common::under_test().load();
    let shared = Shared::default();
    let mut output = Output::to_writer(&ffmpeg, shared.clone(), "matroska").unwrap();
    let settings = VideoSettings::new(
        64,
        48,
        ffmpeg.pixel_format("yuv420p").unwrap(),
        Rational::new(1, 25),
    );
    let mut encoder = Encoder::video(&ffmpeg, "mpeg4", &settings).unwrap();
    let stream = output.add_stream(&encoder).unwrap();
    output.write_header().unwrap();
    let (mut frame, mut packet) = (
        Frame::video(&ffmpeg, 64, 48, "yuv420p").unwrap(),
        Packet::new(&ffmpeg).unwrap(),
    );
    for index in 0..10 {
        frame.make_writable().unwrap();
        frame.set_pts(Some(index));
        encoder.send(&frame).unwrap();
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    }
    encoder.send_eof().unwrap();
    common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream).unwrap();
    output.finish().unwrap();
    let bytes = shared.0.lock().unwrap().get_ref().clone();
    assert!(
        bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]),
        "an EBML (Matroska) header"
    );
    let input = Input::from_reader(&ffmpeg, Cursor::new(bytes)).unwrap();
    assert_eq!(
        media::decode_input_md5s(&ffmpeg, input, None)
            .unwrap()
            .len(),
        10
    );

    let mut output = Output::to_writer(&ffmpeg, Exploding, "matroska").unwrap();
    let encoder = Encoder::video(&ffmpeg, "mpeg4", &settings).unwrap();
    output.add_stream(&encoder).unwrap();
    match output.write_header().and_then(|_| output.finish()) {
        Err(Error::Panicked(message)) => assert!(
            message.starts_with("Write::write: ") && message.contains("sink exploded"),
            "{message}"
        ),
        other => panic!("expected the sink's panic, got {other:?}"),
    }
}

/// A source that panics on its first read, with a payload that panics when dropped.
struct ThrowsAPanickingPayload(Arc<AtomicUsize>);

impl Read for ThrowsAPanickingPayload {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        std::panic::panic_any(PanicsWhenDropped(Arc::clone(&self.0)))
    }
}

impl Seek for ThrowsAPanickingPayload {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Ok(0)
    }
}

/// The payload of a source's panic is dropped by the crate, inside FFmpeg's read callback:
/// its own panic stops there too (it unwound into FFmpeg and aborted the process).
#[test]
fn a_source_panicking_with_a_payload_that_panics_when_dropped_is_an_error() {
    let ffmpeg = common::under_test().load();
    let drops = Arc::new(AtomicUsize::new(0));
    let source = ThrowsAPanickingPayload(Arc::clone(&drops));
    match Input::from_reader(&ffmpeg, source) {
        Err(Error::Panicked(message)) => {
            assert_eq!(message, "Read::read: a panic without a message")
        }
        Err(other) => panic!("expected the source's panic, got {other}"),
        Ok(_) => panic!("nothing could be read"),
    }
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the payload was dropped once"
    );
    let clip = CLIPS
        .iter()
        .find(|c| c.name == "h264_interlaced.ts")
        .unwrap();
    let bytes = std::fs::read(media::path(clip)).unwrap();
    assert!(
        Input::from_reader(&ffmpeg, Cursor::new(bytes)).is_ok(),
        "reading goes on"
    );
}
