//! Custom I/O with sources and sinks that lie or cannot do everything (issue 15, findings 5
//! and 12): a `Read` or `Write` reporting more bytes than it was given is a typed error, never
//! a length FFmpeg copies with; a `Read` never sees FFmpeg's uninitialised memory; a source
//! that cannot tell its size or make one seek still opens and reads, as FFmpeg reads WAV and
//! MPEG-TS without a size, and a failed seek does not stop later reads.

mod common;

#[allow(dead_code, unused_imports)] // the fuzz targets use the rest
#[path = "../fuzz/src/lib.rs"]
mod workloads;

use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{Encoder, VideoSettings};
use ffmpeg_runtime::format::{Input, Output, SeekMode};
use ffmpeg_runtime::{Error, Ffmpeg, Frame, Packet};

/// Reads honestly, then from byte `honest_until` on claims `extra` bytes more than it read
/// (a read that fills the buffer then claims more than the buffer holds).
struct OverReporting {
    inner: Cursor<Vec<u8>>,
    honest_until: u64,
    extra: usize,
}

impl Read for OverReporting {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let lying = self.inner.position() >= self.honest_until;
        let read = self.inner.read(buffer)?;
        Ok(if lying && read > 0 {
            read + self.extra
        } else {
            read
        })
    }
}

impl Seek for OverReporting {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

fn clip(ffmpeg: &Ffmpeg, container: &str, video: Option<&str>, audio: Option<&str>) -> Vec<u8> {
    workloads::make_clip(ffmpeg, container, video, audio).unwrap()
}

#[test]
fn a_source_reporting_more_than_it_read_is_a_typed_error() {
    let ffmpeg = common::under_test().load();
    let bytes = clip(&ffmpeg, "matroska", Some("mpeg4"), Some("pcm_s16le"));
    let half = bytes.len() as u64 / 2;
    // A lie that stays within the buffer cannot be told from a read; these do not.
    for (honest_until, extra) in [(0, 100), (0, 1 << 20), (half, 1 << 20)] {
        let source = OverReporting {
            inner: Cursor::new(bytes.clone()),
            honest_until,
            extra,
        };
        let error = match Input::from_reader(&ffmpeg, source) {
            Ok(mut input) => {
                common::packets::count(&mut input).expect_err("the source lies half way")
            }
            Err(error) => error,
        };
        assert!(
            matches!(
                &error,
                Error::BrokenContract {
                    callback: "Read::read",
                    ..
                }
            ),
            "{error:?}"
        );
    }
    // The honest part is read as usual before the lie.
    let source = OverReporting {
        inner: Cursor::new(bytes.clone()),
        honest_until: u64::MAX,
        extra: 1,
    };
    let mut input = Input::from_reader(&ffmpeg, source).unwrap();
    assert!(common::packets::count(&mut input).unwrap() >= 20);
}

/// Looks at the buffer before filling it: what it is given must be initialised (Valgrind
/// reports the branch otherwise).
struct Peeking(Cursor<Vec<u8>>, u64);

impl Read for Peeking {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let sum: u64 = buffer.iter().map(|&b| u64::from(b)).sum();
        if sum % 7 == 3 {
            self.1 += 1;
        }
        self.0.read(buffer)
    }
}

impl Seek for Peeking {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(to)
    }
}

#[test]
fn a_source_sees_only_initialised_bytes() {
    let ffmpeg = common::under_test().load();
    let bytes = clip(&ffmpeg, "matroska", Some("mpeg4"), Some("pcm_s16le"));
    let mut input = Input::from_reader(&ffmpeg, Peeking(Cursor::new(bytes), 0)).unwrap();
    assert!(common::packets::count(&mut input).unwrap() >= 20);
}

/// Cannot tell its size (`SeekFrom::End` fails), and refuses every seek while `refusing`.
struct NoSize {
    inner: Cursor<Vec<u8>>,
    refusing: Arc<AtomicBool>,
}

impl Read for NoSize {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buffer)
    }
}

impl Seek for NoSize {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        match to {
            SeekFrom::End(_) => Err(std::io::ErrorKind::Unsupported.into()),
            _ if self.refusing.load(Ordering::Relaxed) => {
                Err(std::io::Error::other("seek refused"))
            }
            to => self.inner.seek(to),
        }
    }
}

#[test]
fn a_source_without_a_size_opens_and_a_failed_seek_poisons_nothing() {
    let ffmpeg = common::under_test().load();
    let mut clips = vec![("wav", clip(&ffmpeg, "wav", None, Some("pcm_s16le")))];
    if ffmpeg.has_encoder("mpeg2video") && ffmpeg.has_encoder("mp2") {
        clips.push((
            "ts",
            clip(&ffmpeg, "mpegts", Some("mpeg2video"), Some("mp2")),
        ));
    }
    for (name, bytes) in clips {
        let mut input = Input::from_reader(&ffmpeg, Cursor::new(bytes.clone())).unwrap();
        let expected = common::packets::count(&mut input).unwrap();
        let refusing = Arc::new(AtomicBool::new(false));
        let source = NoSize {
            inner: Cursor::new(bytes),
            refusing: refusing.clone(),
        };
        let mut input = match Input::from_reader(&ffmpeg, source) {
            Ok(input) => input,
            Err(error) => panic!("{name} without a size: {error:?}"),
        };
        assert_eq!(
            common::packets::count(&mut input).unwrap(),
            expected,
            "{name}"
        );
        // At the end, back to the start: refused once, the error is that seek's alone. (A
        // clip that fits FFmpeg's buffer seeks there without asking the source.)
        let stream = input.streams().next().unwrap().index();
        refusing.store(true, Ordering::Relaxed);
        match input.seek(stream, 0, SeekMode::KeyframeBefore) {
            Err(Error::Io { operation, source }) => {
                assert_eq!(operation, "Seek::seek");
                assert!(source.to_string().contains("seek refused"), "{source}");
            }
            Ok(()) if name != "wav" => {}
            other => panic!("{name}: {other:?}"),
        }
        refusing.store(false, Ordering::Relaxed);
        input.seek(stream, 0, SeekMode::KeyframeBefore).unwrap();
        assert!(common::packets::count(&mut input).unwrap() > 0, "{name}");
    }
}

/// Claims to write `extra` bytes more than it was given.
struct OverWriting(usize);

impl Write for OverWriting {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        Ok(data.len() + self.0)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for OverWriting {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Ok(0)
    }
}

/// Reports positions a stream cannot have.
struct FarSeeking(Vec<u8>);

impl Write for FarSeeking {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for FarSeeking {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Ok(u64::MAX)
    }
}

fn write_clip<W: Write + Seek + Send + 'static>(ffmpeg: &Ffmpeg, sink: W) -> Result<(), Error> {
    let mut output = Output::to_writer(ffmpeg, sink, "matroska")?;
    let settings = VideoSettings::new(
        64,
        48,
        ffmpeg.pixel_format("yuv420p")?,
        Rational::new(1, 25),
    );
    let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
    let stream = output.add_stream(&encoder)?;
    output.write_header()?;
    let (mut frame, mut packet) = (
        Frame::video(ffmpeg, 64, 48, "yuv420p")?,
        Packet::new(ffmpeg)?,
    );
    for index in 0..10 {
        frame.set_pts(Some(index));
        encoder.send(&frame)?;
        common::packets::write_ready(&mut encoder, &mut packet, &mut output, stream)?;
    }
    output.finish()
}

#[test]
fn a_sink_reporting_more_than_it_wrote_or_an_impossible_position_is_a_typed_error() {
    let ffmpeg = common::under_test().load();
    for extra in [1, 1 << 20] {
        match write_clip(&ffmpeg, OverWriting(extra)) {
            Err(Error::BrokenContract {
                callback: "Write::write",
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
    }
    // Matroska seeks back to finish its header: the position must fit FFmpeg's i64.
    match write_clip(&ffmpeg, FarSeeking(Vec::new())) {
        Err(Error::BrokenContract {
            callback: "Seek::seek",
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}
