//! FFmpeg for Rust, found and loaded at run time.
//!
//! `ffmpeg-runtime` builds with no FFmpeg on the machine: no libraries, no headers, no pkg-config
//! and no libclang. At run time it finds an FFmpeg 4.x–9.x (the libavcodec majors of
//! [`SUPPORTED_AVCODEC_MAJORS`]), loads its five libraries (and libavfilter where the build has
//! it), checks that they belong to one release, and resolves every function it uses pinned to
//! the ABI it found (`avcodec_open2@LIBAVCODEC_61`). One binary therefore runs on
//! any Linux that has one of those FFmpeg releases, or on one that ships its own beside the
//! program. When nothing usable is found, the caller gets a [`LoadError`] that lists every
//! candidate and why it was refused; loading never panics and never aborts the process.
//!
//! # Quick start
//!
//! ```
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! println!("FFmpeg {} ({} family)", ffmpeg.release(), ffmpeg.family());
//! for library in ffmpeg.libraries() {
//!     println!("{} {} from {}", library.library(), library.version(), library.path().display());
//! }
//! # Ok::<(), String>(())
//! ```
//!
//! # Writing media: encode and mux
//!
//! ```
//! use ffmpeg_runtime::codec::{Encoder, VideoSettings};
//! use ffmpeg_runtime::format::Output;
//! use ffmpeg_runtime::{Frame, Packet, Rational};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! let path = std::env::temp_dir().join(format!("ffmpeg-runtime-doc-{}.mkv", std::process::id()));
//! let mut output = Output::create(ffmpeg, &path)?;
//! // Formats are resolved once, in the FFmpeg at hand (releases number them differently).
//! let yuv420p = ffmpeg.pixel_format("yuv420p")?;
//! let settings = VideoSettings {
//!     frame_rate: Some(Rational::new(25, 1)),
//!     global_header: output.needs_global_header(),
//!     ..VideoSettings::new(160, 120, yuv420p.clone(), Rational::new(1, 25))
//! };
//! let codec = if ffmpeg.has_encoder("libx264") { "libx264" } else { "mpeg4" };
//! let mut encoder = Encoder::video(ffmpeg, codec, &settings)?;
//! let stream = output.add_stream(&encoder)?;
//! output.write_header()?;
//! let (mut frame, mut packet) = (Frame::video(ffmpeg, 160, 120, &yuv420p)?, Packet::new(ffmpeg)?);
//! for index in 0..25 {
//!     // The frame was sent to the encoder before: planes_mut() copies any buffer the
//!     // encoder still holds, so the write never changes what it was given.
//!     for mut plane in frame.planes_mut()? {
//!         plane.fill(index as u8 * 8);
//!     }
//!     frame.set_pts(Some(index));
//!     encoder.send(&frame)?;
//!     while encoder.receive(&mut packet)? {
//!         output.write_packet(&mut packet, stream, encoder.time_base())?;
//!     }
//! }
//! encoder.send_eof()?;
//! while encoder.receive(&mut packet)? {
//!     output.write_packet(&mut packet, stream, encoder.time_base())?;
//! }
//! output.finish()?;
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Reading media: demux, decode, seek, scale
//!
//! End of input and "needs more input" are `Ok(false)`, never errors; packets and frames are
//! reused, so the loop allocates nothing per frame.
//!
//! ```
//! # use ffmpeg_runtime::codec::{Encoder, VideoSettings};
//! # use ffmpeg_runtime::format::Output;
//! # use ffmpeg_runtime::Rational;
//! # fn make_clip(ffmpeg: &ffmpeg_runtime::Ffmpeg, path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
//! #     let mut output = Output::create(ffmpeg, path)?;
//! #     let settings = VideoSettings { frame_rate: Some(Rational::new(25, 1)), gop: Some(10), ..VideoSettings::new(160, 120, ffmpeg.pixel_format("yuv420p")?, Rational::new(1, 25)) };
//! #     let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
//! #     let stream = output.add_stream(&encoder)?;
//! #     output.write_header()?;
//! #     let (mut frame, mut packet) = (Frame::video(ffmpeg, 160, 120, "yuv420p")?, Packet::new(ffmpeg)?);
//! #     for index in 0..50 {
//! #         frame.make_writable()?;
//! #         frame.set_pts(Some(index));
//! #         encoder.send(&frame)?;
//! #         while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; }
//! #     }
//! #     encoder.send_eof()?;
//! #     while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; }
//! #     Ok(output.finish()?)
//! # }
//! use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
//! use ffmpeg_runtime::format::{Input, MediaType, SeekMode};
//! use ffmpeg_runtime::{Frame, Packet, ScaleQuality, Scaler};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! # let path = std::env::temp_dir().join(format!("ffmpeg-runtime-doc-read-{}.avi", std::process::id()));
//! # make_clip(ffmpeg, &path)?;
//! let mut input = Input::open(ffmpeg, &path)?;
//! let stream = input.best_stream(MediaType::Video).ok_or("no video")?;
//! let (index, time_base) = (stream.index(), stream.time_base());
//! let mut decoder = Decoder::new(&stream, &DecoderOptions::default())?;
//! let mut scaler = Scaler::new(ffmpeg, ScaleQuality::Bicubic);
//! let mut rgb = Frame::video(ffmpeg, 80, 60, "rgb24")?;
//! let (mut packet, mut frame) = (Packet::new(ffmpeg)?, Frame::new(ffmpeg)?);
//! let mut frames = 0;
//! while input.read_packet(&mut packet)? {
//!     if packet.stream_index() != index {
//!         continue;
//!     }
//!     decoder.send(&packet)?;
//!     while decoder.receive(&mut frame)? {
//!         scaler.scale(&frame, &mut rgb)?; // 80x60 RGB, ready for display
//!         frames += 1;
//!     }
//! }
//! decoder.send_eof()?;
//! while decoder.receive(&mut frame)? {
//!     frames += 1;
//! }
//! assert_eq!(frames, 50);
//!
//! // Seek to 1 s (in the stream's time base): the keyframe at or before it, then decode on.
//! input.seek(index, i64::from(time_base.den / time_base.num), SeekMode::KeyframeBefore)?;
//! decoder.flush();
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Custom I/O and remuxing
//!
//! Any `Read + Seek` can be an input; a panic inside it comes back as
//! [`Error::Panicked`] instead of unwinding into C. Streams can be copied to another container
//! without decoding:
//!
//! ```
//! # use ffmpeg_runtime::codec::{Encoder, VideoSettings};
//! # use ffmpeg_runtime::{Frame, Packet, Rational};
//! # fn make_clip(ffmpeg: &ffmpeg_runtime::Ffmpeg, path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
//! #     let mut output = Output::create(ffmpeg, path)?;
//! #     let settings = VideoSettings { global_header: true, ..VideoSettings::new(64, 48, ffmpeg.pixel_format("yuv420p")?, Rational::new(1, 25)) };
//! #     let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
//! #     let stream = output.add_stream(&encoder)?;
//! #     output.write_header()?;
//! #     let (mut frame, mut packet) = (Frame::video(ffmpeg, 64, 48, "yuv420p")?, Packet::new(ffmpeg)?);
//! #     for index in 0..10 { frame.make_writable()?; frame.set_pts(Some(index)); encoder.send(&frame)?; while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; } }
//! #     encoder.send_eof()?;
//! #     while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; }
//! #     Ok(output.finish()?)
//! # }
//! use ffmpeg_runtime::format::{Input, Output};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! # let dir = std::env::temp_dir();
//! # let source = dir.join(format!("ffmpeg-runtime-doc-io-{}.mkv", std::process::id()));
//! # make_clip(ffmpeg, &source)?;
//! let bytes = std::fs::read(&source)?;
//! let mut input = Input::from_reader(ffmpeg, std::io::Cursor::new(bytes))?;
//! let target = dir.join(format!("ffmpeg-runtime-doc-io-{}.mp4", std::process::id()));
//! let mut output = Output::create(ffmpeg, &target)?;
//! let mut time_bases = Vec::new();
//! for stream in input.streams() {
//!     output.add_copy_stream(&stream)?;
//!     time_bases.push(stream.time_base());
//! }
//! output.write_header()?;
//! for packet in input.packets() {
//!     let mut packet = packet?;
//!     let index = packet.stream_index();
//!     output.write_packet(&mut packet, index, time_bases[index])?;
//! }
//! output.finish()?;
//! # std::fs::remove_file(&source).ok();
//! # std::fs::remove_file(&target).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Pipes, metadata, chapters and what ffprobe shows
//!
//! A source that cannot seek ([`format::Input::from_stream`]: a pipe, a socket) reads the
//! formats that stream; an output can carry metadata, dispositions and chapters, and every
//! stream tells what ffprobe prints of it:
//!
//! ```
//! # use ffmpeg_runtime::codec::{Encoder, VideoSettings};
//! # use ffmpeg_runtime::{Frame, Packet, Rational};
//! use ffmpeg_runtime::format::{Chapter, Input, MediaType, Output};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! let path = std::env::temp_dir().join(format!("ffmpeg-runtime-doc-tags-{}.mkv", std::process::id()));
//! let mut output = Output::create(ffmpeg, &path)?;
//! let settings = VideoSettings { global_header: true, ..VideoSettings::new(64, 48, ffmpeg.pixel_format("yuv420p")?, Rational::new(1, 25)) };
//! let mut encoder = Encoder::video(ffmpeg, "mpeg4", &settings)?;
//! let stream = output.add_stream(&encoder)?;
//! output.set_metadata("title", Some("A test"))?;
//! output.set_stream_metadata(stream, "language", Some("fre"))?;
//! let artist = vec![("artist".to_owned(), "Someone".to_owned())];
//! output.add_chapter(&Chapter { id: 7, start: 0, end: 200, time_base: Rational::new(1, 1000), title: Some("Start".into()), metadata: artist })?;
//! output.write_header()?;
//! # let (mut frame, mut packet) = (Frame::video(ffmpeg, 64, 48, "yuv420p")?, Packet::new(ffmpeg)?);
//! # for index in 0..10 { frame.make_writable()?; frame.set_pts(Some(index)); encoder.send(&frame)?; while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; } }
//! # encoder.send_eof()?;
//! # while encoder.receive(&mut packet)? { output.write_packet(&mut packet, stream, encoder.time_base())?; }
//! output.finish()?;
//!
//! /// A reader that cannot seek, as a pipe is.
//! struct Pipe(std::io::Cursor<Vec<u8>>);
//! impl std::io::Read for Pipe {
//!     fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> { self.0.read(buf) }
//! }
//! let input = Input::from_stream(ffmpeg, Pipe(std::io::Cursor::new(std::fs::read(&path)?)))?;
//! assert_eq!(input.demuxer().name(), "matroska,webm");
//! assert!(input.metadata().contains(&("title".into(), "A test".into())));
//! let chapter = &input.chapters()[0];
//! assert_eq!((chapter.id, chapter.title.as_deref()), (7, Some("Start"))); // Matroska keeps no artist
//! let video = input.best_stream(MediaType::Video).unwrap();
//! assert_eq!(video.language().as_deref(), Some("fre"));
//! println!("{} ({}), profile {:?}, {} fps", video.codec_name(),
//!     video.codec_long_name().unwrap_or_default(), video.profile_name(), video.real_frame_rate().to_f64().unwrap_or(0.0));
//!
//! // Finding codecs: every decoder with what it can do, and one chosen by name.
//! let threaded = ffmpeg.decoders().into_iter().filter(|c| c.capabilities().frame_threads).count();
//! println!("{threaded} decoders decode several frames at once");
//! let mpeg4 = ffmpeg_runtime::codec::Codec::decoder_named(ffmpeg, "mpeg4")?;
//! let _decoder = ffmpeg_runtime::codec::Decoder::with_codec(&video, &mpeg4, &Default::default())?;
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A URL is reached only through the protocols named, each call bounded by a timeout, and
//! any thread can stop the wait:
//!
//! ```no_run
//! use std::time::Duration;
//! use ffmpeg_runtime::format::{Input, Interrupt, UrlOptions};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! let stop = Interrupt::new();
//! let options = UrlOptions::new(&["http", "tcp"])
//!     .timeout(Duration::from_secs(5))
//!     .option("user_agent", "my-app/1.0")
//!     .interrupt(&stop);
//! let watcher = stop.clone();
//! std::thread::spawn(move || { std::thread::sleep(Duration::from_secs(60)); watcher.trigger() });
//! match Input::open_url(ffmpeg, "http://127.0.0.1:8080/live.ts", &options) {
//!     Ok(input) => println!("{} streams", input.stream_count()),
//!     Err(ffmpeg_runtime::Error::TimedOut { .. }) => println!("the server said nothing for 5 s"),
//!     Err(ffmpeg_runtime::Error::Interrupted { .. }) => println!("stopped"),
//!     Err(error) => return Err(error.into()),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Resampling audio
//!
//! ```
//! use ffmpeg_runtime::{AudioFormat, Frame, Resampler};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! let target = AudioFormat {
//!     sample_format: ffmpeg.sample_format("s16")?,
//!     sample_rate: 48_000,
//!     channel_layout: ffmpeg.channel_layout("stereo")?,
//! };
//! let mut resampler = Resampler::new(ffmpeg, target)?;
//! let mono = Frame::audio(ffmpeg, 441, "fltp", 44_100, 1)?; // 10 ms of 44.1 kHz mono
//! let mut stereo = Frame::new(ffmpeg)?;
//! resampler.convert(Some(&mono), &mut stereo)?;
//! resampler.convert(None, &mut stereo)?; // what is still buffered, at the end
//! assert_eq!((stereo.sample_rate(), stereo.channels()), (48_000, Some(2)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Audio, stream facts and codecs by id
//!
//! An encoder can be named (`"libopus"`) or asked for by codec: a [`codec::CodecId`] comes
//! from a name, or from a stream to re-encode to its own codec.
//!
//! ```
//! use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder};
//! use ffmpeg_runtime::format::{Input, MediaType, Output};
//! use ffmpeg_runtime::{Frame, Packet};
//!
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! let path = std::env::temp_dir().join(format!("ffmpeg-runtime-doc-audio-{}.mkv", std::process::id()));
//! let flac = ffmpeg.codec_id("flac")?;
//! let stereo = ffmpeg.channel_layout("stereo")?;
//! let settings = AudioSettings::new(44_100, ffmpeg.sample_format("s16")?, stereo.clone());
//! let mut encoder = Encoder::audio(ffmpeg, &flac, &settings)?;
//! let mut output = Output::create(ffmpeg, &path)?;
//! let stream = output.add_stream(&encoder)?;
//! output.write_header()?;
//! let mut packet = Packet::new(ffmpeg)?;
//! for chunk in 0..10 {
//!     let mut frame = Frame::audio(ffmpeg, encoder.frame_size(), "s16", 44_100, &stereo)?;
//!     frame.set_pts(Some((chunk * encoder.frame_size()) as i64));
//!     encoder.send(&frame)?; // silence
//!     while encoder.receive(&mut packet)? {
//!         output.write_packet(&mut packet, stream, encoder.time_base())?;
//!     }
//! }
//! encoder.send_eof()?;
//! while encoder.receive(&mut packet)? {
//!     output.write_packet(&mut packet, stream, encoder.time_base())?;
//! }
//! output.finish()?;
//!
//! let mut input = Input::open(ffmpeg, &path)?;
//! println!("{} for {} µs, metadata {:?}", input.format_name(), input.duration_us().unwrap_or(0), input.metadata());
//! let audio = input.best_stream(MediaType::Audio).ok_or("no audio")?;
//! assert_eq!(audio.codec_id(), flac);
//! assert_eq!(audio.channel_layout(), Some(stereo));
//! println!("{} {:?} {} Hz", audio.codec_name(), audio.sample_format(), audio.sample_rate());
//! let mut decoder = Decoder::new(&audio, &DecoderOptions::default())?;
//! let (mut frame, mut samples) = (Frame::new(ffmpeg)?, 0);
//! for packet in input.packets() {
//!     decoder.send(&packet?)?;
//!     while decoder.receive(&mut frame)? {
//!         samples += frame.samples(); // frame.planes(): the samples, per channel when planar
//!     }
//! }
//! decoder.send_eof()?;
//! while decoder.receive(&mut frame)? {
//!     samples += frame.samples();
//! }
//! assert_eq!(samples, 10 * encoder.frame_size());
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Filter graphs
//!
//! [`filter::FilterGraph`] runs FFmpeg's filters from the CLI's own syntax: `simple` as
//! `-vf`/`-af` (`scale=1280:-2,fps=30`), `complex` with named inputs as `-filter_complex`.
//! libavfilter is optional: a build without it loads, and a graph is then
//! [`Error::LibraryMissing`]. The [`filter`] module has a runnable example.
//!
//! # Where FFmpeg is looked for
//!
//! [`Ffmpeg::load`] (and [`global`]) try, in order, and take the first that passes every check:
//!
//! 1. the path in the environment variable [`ENV_VAR`] (`FFMPEG_RUNTIME_DIR`): a directory, or
//!    the path of a libavcodec file;
//! 2. the directory [`APP_DIR_NAME`] (`ffmpeg-libs`) next to the running executable, which is
//!    how an application ships its own FFmpeg;
//! 3. the system's libraries through the dynamic loader's own search, newest major first:
//!    `libavcodec.so.<major>` for each of [`SUPPORTED_AVCODEC_MAJORS`], newest first, then
//!    `libavcodec.so` (Windows: `avcodec-<major>.dll`, then `avcodec.dll`, by the DLL search
//!    order; macOS: `libavcodec.<major>.dylib`, then `libavcodec.dylib`).
//!
//! The current directory and relative paths are never searched implicitly.
//! [`Ffmpeg::load_from`] loads one explicit directory or file, and [`Discovery`] builds any other
//! search order.
//!
//! # Several FFmpeg releases in one process
//!
//! Every library is opened with `RTLD_LOCAL` (on Windows, by full path), and everything created from an [`Ffmpeg`] keeps it
//! alive, so two releases can be loaded and used side by side; a release is unloaded only when
//! its last handle goes.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

// The layers, lowest first: sys, loader, abi, ffmpeg, media, fast. A module uses only its own
// layer and those below it (tests/architecture.rs).
mod abi;
mod fast;
mod ffmpeg;
mod loader;
mod media;
mod sys;

pub use fast::convert;
#[cfg(feature = "pipeline")]
pub use fast::pipeline;
#[cfg(feature = "pipeline")]
pub use fast::scheduler;
pub use ffmpeg::cpu::CpuFlags;
pub use ffmpeg::reload::ReloadableFfmpeg;
pub use ffmpeg::{Error, Ffmpeg, FilterError, Result, global};
pub use loader::discovery::{APP_DIR_NAME, Candidate, Discovery, ENV_VAR, Location, Source};
pub use loader::error::{Attempt, LoadError, Refusal, VersionedFile};
pub use loader::library_info::LibraryInfo;
pub use loader::symbols::SymbolBinding;
pub use media::audio_fifo::AudioFifo;
pub use media::channel_layout::{ChannelLayout, ChannelLayoutArg};
pub use media::color::{Color, Colorimetry, Matrix, Range};
pub use media::formats::{FormatArg, PixelFormat, SampleFormat};
pub use media::frame::{
    Frame, FrameSideData, PictureType, Plane, PlaneMut, PlaneRows, PlaneRowsMut,
};
pub use media::packet::Packet;
pub use media::resample::{AudioFormat, Resampler};
pub use media::scale::{ScaleQuality, Scaler};
pub use media::{codec, filter, format, reader, subtitle};
pub use sys::objects as ffi;
pub use sys::{Family, Library, Rational, SUPPORTED_AVCODEC_MAJORS};
