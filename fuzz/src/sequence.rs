//! API sequences: an arbitrary list of operations on one set of objects, dropped in any order.

use std::io::{Cursor, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, OnceLock};

use arbitrary::Arbitrary;
use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::convert::{RgbFormat, RgbPool, Stores, convert_into};
use ffmpeg_runtime::format::{Input, Output, SeekMode};
use ffmpeg_runtime::{
    AudioFormat, Colorimetry, Ffmpeg, Frame, Matrix, Packet, Range, Resampler, ScaleQuality, Scaler,
};

const PIXEL_FORMATS: [&str; 6] = ["yuv420p", "nv12", "rgba", "gray", "yuv444p", "yuv420p10le"];
const SAMPLE_FORMATS: [&str; 4] = ["s16", "fltp", "u8", "s32p"];
const RATES: [u32; 4] = [8000, 22050, 44100, 48000];
const VIDEO_ENCODERS: [&str; 3] = ["mpeg4", "mjpeg", "ffv1"];
const AUDIO_ENCODERS: [&str; 3] = ["pcm_s16le", "flac", "mp2"];
const RGB_FORMATS: [RgbFormat; 3] = [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24];
const STORES: [Stores; 3] = [Stores::Auto, Stores::Cached, Stores::Streaming];

/// One operation. Sizes are small, so that a run stays fast; zero is allowed.
#[derive(Arbitrary, Debug)]
#[allow(missing_docs)] // the fields are the arbitrary choices the variants' docs name
pub enum Op {
    /// Opens the built-in clip through custom I/O (replacing the input).
    OpenInput,
    /// Reads the next packet.
    ReadPacket,
    /// Seeks a stream (index taken modulo 4) to a timestamp.
    Seek {
        stream: u8,
        timestamp: i32,
        any_frame: bool,
    },
    /// Opens a decoder for a stream of the input.
    OpenDecoder { stream: u8, threads: u8 },
    /// Sends the packet to the decoder.
    SendPacket,
    /// Ends the decoder's input.
    SendEofToDecoder,
    /// Receives a frame from the decoder.
    ReceiveFrame,
    /// Flushes the decoder, as after a seek.
    FlushDecoder,
    /// Opens a video encoder (mpeg4, mjpeg or ffv1) of some size and pixel format.
    OpenVideoEncoder {
        codec: u8,
        width: u8,
        height: u8,
        format: u8,
    },
    /// Opens an audio encoder (pcm_s16le, flac or mp2).
    OpenAudioEncoder { codec: u8, channels: u8, rate: u8 },
    /// Sends the frame to the encoder.
    SendFrame,
    /// Ends the encoder's input.
    SendEofToEncoder,
    /// Receives a packet from the encoder.
    ReceivePacket,
    /// Replaces the frame by a new picture.
    NewVideoFrame { width: u16, height: u16, format: u8 },
    /// Replaces the frame by new audio.
    NewAudioFrame {
        samples: u16,
        format: u8,
        channels: u8,
        rate: u8,
    },
    /// Makes the frame writable and fills it.
    MakeWritable,
    /// Sets the frame's timestamp.
    SetPts(i64),
    /// Empties the frame.
    ClearFrame,
    /// Empties the packet.
    ClearPacket,
    /// Scales the frame into a new picture of some size and format.
    Scale {
        width: u16,
        height: u16,
        format: u8,
        quality: u8,
    },
    /// Sets the scaler's colorimetry.
    SetColorimetry { bt709: bool, full: bool },
    /// Resamples the frame (or flushes) to some format.
    Resample {
        format: u8,
        channels: u8,
        rate: u8,
        flush: bool,
    },
    /// Converts the frame to RGB, storing it some way.
    ToRgb { format: u8, stores: u8 },
    /// Converts the frame to RGB into a buffer of the caller's: rows `padding` bytes longer
    /// or shorter than a row (`i8`), the buffer `shortfall % 8` bytes short of the need.
    ToRgbInto {
        format: u8,
        padding: i8,
        shortfall: u8,
    },
    /// Drops one object.
    Drop(Object),
}

/// What [`Op::Drop`] drops.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Object {
    /// The input.
    Input,
    /// The decoder.
    Decoder,
    /// The encoder.
    Encoder,
    /// The scaler.
    Scaler,
    /// The resampler.
    Resampler,
    /// The frame.
    Frame,
    /// The packet.
    Packet,
    /// The image.
    Image,
}

#[derive(Default)]
struct State {
    input: Option<Input>,
    decoder: Option<Decoder>,
    encoder: Option<Encoder>,
    scaler: Option<Scaler>,
    resampler: Option<Resampler>,
    frame: Option<Frame>,
    packet: Option<Packet>,
    image: Option<ffmpeg_runtime::convert::RgbImage>,
}

fn pick<T: Copy>(choices: &[T], index: u8) -> T {
    choices[usize::from(index) % choices.len()]
}

/// The operations `bytes` spell, read one after another until the bytes run out (without
/// libFuzzer's "one more?" byte before each, so that random seeds make long sequences).
pub fn ops_of(bytes: &[u8]) -> Vec<Op> {
    let mut unstructured = arbitrary::Unstructured::new(bytes);
    let mut ops = Vec::new();
    while !unstructured.is_empty() {
        match Op::arbitrary(&mut unstructured) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    ops
}

/// Runs `ops` in order; every result is dropped, as only crashes and panics count.
pub fn run_sequence(ffmpeg: &Ffmpeg, ops: &[Op]) {
    let mut state = State::default();
    let pool = RgbPool::new();
    for op in ops {
        step(ffmpeg, &mut state, &pool, op);
    }
}

fn step(ffmpeg: &Ffmpeg, state: &mut State, pool: &RgbPool, op: &Op) {
    let frame = |state: &mut State| {
        if state.frame.is_none() {
            state.frame = Frame::new(ffmpeg).ok();
        }
    };
    let packet = |state: &mut State| {
        if state.packet.is_none() {
            state.packet = Packet::new(ffmpeg).ok();
        }
    };
    match *op {
        Op::OpenInput => state.input = Input::from_reader(ffmpeg, Cursor::new(clip(ffmpeg))).ok(),
        Op::ReadPacket => {
            packet(state);
            if let (Some(input), Some(packet)) = (&mut state.input, &mut state.packet) {
                let _ = input.read_packet(packet);
            }
        }
        Op::Seek {
            stream,
            timestamp,
            any_frame,
        } => {
            if let Some(input) = &mut state.input {
                let mode = if any_frame {
                    SeekMode::AnyFrame
                } else {
                    SeekMode::KeyframeBefore
                };
                let _ = input.seek(usize::from(stream % 4), i64::from(timestamp), mode);
            }
        }
        Op::OpenDecoder { stream, threads } => {
            if let Some(input) = &state.input {
                let options = DecoderOptions {
                    threads: u32::from(threads % 3),
                    ..DecoderOptions::default()
                };
                state.decoder = input
                    .stream(usize::from(stream % 4))
                    .and_then(|stream| Decoder::new(&stream, &options).ok());
            }
        }
        Op::SendPacket => {
            if let (Some(decoder), Some(packet)) = (&mut state.decoder, &state.packet) {
                let _ = decoder.send(packet);
            }
        }
        Op::SendEofToDecoder => {
            if let Some(decoder) = &mut state.decoder {
                let _ = decoder.send_eof();
            }
        }
        Op::ReceiveFrame => {
            frame(state);
            if let (Some(decoder), Some(frame)) = (&mut state.decoder, &mut state.frame) {
                let _ = decoder.receive(frame);
            }
        }
        Op::FlushDecoder => {
            if let Some(decoder) = &mut state.decoder {
                decoder.flush();
            }
        }
        Op::OpenVideoEncoder {
            codec,
            width,
            height,
            format,
        } => {
            let settings = VideoSettings {
                width: u32::from(width),
                height: u32::from(height),
                pixel_format: pick(&PIXEL_FORMATS, format).into(),
                time_base: (1, 25),
                threads: 1,
                ..VideoSettings::default()
            };
            state.encoder = Encoder::video(ffmpeg, pick(&VIDEO_ENCODERS, codec), &settings).ok();
        }
        Op::OpenAudioEncoder {
            codec,
            channels,
            rate,
        } => {
            let codec = pick(&AUDIO_ENCODERS, codec);
            let sample_format = if codec == "mp2" || codec == "pcm_s16le" {
                "s16"
            } else {
                "s32"
            };
            let settings = AudioSettings {
                sample_rate: pick(&RATES, rate),
                sample_format: sample_format.into(),
                channels: u32::from(channels % 9),
                ..AudioSettings::default()
            };
            state.encoder = Encoder::audio(ffmpeg, codec, &settings).ok();
        }
        Op::SendFrame => {
            if let (Some(encoder), Some(frame)) = (&mut state.encoder, &state.frame) {
                let _ = encoder.send(frame);
            }
        }
        Op::SendEofToEncoder => {
            if let Some(encoder) = &mut state.encoder {
                let _ = encoder.send_eof();
            }
        }
        Op::ReceivePacket => {
            packet(state);
            if let (Some(encoder), Some(packet)) = (&mut state.encoder, &mut state.packet) {
                let _ = encoder.receive(packet);
            }
        }
        Op::NewVideoFrame {
            width,
            height,
            format,
        } => {
            let (width, height) = (u32::from(width % 1024), u32::from(height % 1024));
            state.frame = Frame::video(ffmpeg, width, height, pick(&PIXEL_FORMATS, format)).ok();
        }
        Op::NewAudioFrame {
            samples,
            format,
            channels,
            rate,
        } => {
            state.frame = Frame::audio(
                ffmpeg,
                usize::from(samples % 4096),
                pick(&SAMPLE_FORMATS, format),
                pick(&RATES, rate),
                u32::from(channels % 9),
            )
            .ok();
        }
        Op::MakeWritable => {
            if let Some(frame) = &mut state.frame {
                let _ = frame.make_writable();
                for mut plane in frame.planes_mut().unwrap_or_default() {
                    plane.fill(0x80);
                }
            }
        }
        Op::SetPts(pts) => {
            if let Some(frame) = &mut state.frame {
                frame.set_pts(Some(pts));
            }
        }
        Op::ClearFrame => {
            if let Some(frame) = &mut state.frame {
                frame.clear();
            }
        }
        Op::ClearPacket => {
            if let Some(packet) = &mut state.packet {
                packet.clear();
            }
        }
        Op::Scale {
            width,
            height,
            format,
            quality,
        } => {
            let quality = pick(
                &[
                    ScaleQuality::Fast,
                    ScaleQuality::Bilinear,
                    ScaleQuality::BitExactFullChroma,
                ],
                quality,
            );
            let scaler = state
                .scaler
                .get_or_insert_with(|| Scaler::new(ffmpeg, quality));
            let target = Frame::video(
                ffmpeg,
                u32::from(width % 1024),
                u32::from(height % 1024),
                pick(&PIXEL_FORMATS, format),
            );
            if let (Some(source), Ok(mut target)) = (&state.frame, target) {
                let _ = scaler.scale(source, &mut target);
            }
        }
        Op::SetColorimetry { bt709, full } => {
            if let Some(scaler) = &mut state.scaler {
                scaler.set_colorimetry(Colorimetry {
                    matrix: if bt709 { Matrix::Bt709 } else { Matrix::Bt601 },
                    range: if full { Range::Full } else { Range::Limited },
                });
            }
        }
        Op::Resample {
            format,
            channels,
            rate,
            flush,
        } => {
            let target = AudioFormat {
                sample_format: pick(&SAMPLE_FORMATS, format).into(),
                sample_rate: pick(&RATES, rate),
                channels: u32::from(channels % 9),
            };
            if state.resampler.is_none() {
                state.resampler = Resampler::new(ffmpeg, target).ok();
            }
            if let (Some(resampler), Ok(mut output)) = (&mut state.resampler, Frame::new(ffmpeg)) {
                let input = if flush { None } else { state.frame.as_ref() };
                let _ = resampler.convert(input, &mut output);
            }
        }
        Op::ToRgb { format, stores } => {
            if let Some(frame) = &state.frame {
                let format = pick(&RGB_FORMATS, format);
                // A clone shares the pool's buffers.
                let pool = pool.clone().with_stores(pick(&STORES, stores));
                state.image = pool.convert(frame, format).ok();
            }
        }
        Op::ToRgbInto {
            format,
            padding,
            shortfall,
        } => {
            if let Some(frame) = &state.frame {
                let format = pick(&RGB_FORMATS, format);
                let row = frame.width() as usize * format.bytes_per_pixel();
                let stride = row.saturating_add_signed(isize::from(padding));
                let height = frame.height() as usize;
                let needed = height.checked_sub(1).map_or(0, |rows| stride * rows + row);
                let mut out = vec![0; needed.saturating_sub(usize::from(shortfall % 8))];
                let colorimetry = Colorimetry::of(frame);
                let result = convert_into(frame, format, colorimetry, &mut out, stride);
                // Refused exactly when the buffer cannot hold the picture (or the source
                // format is not one the conversion takes).
                let fits = stride >= row && out.len() >= needed;
                match result {
                    Ok(()) => assert!(fits, "{stride} {row} {needed}"),
                    Err(_) if fits => assert!(pool.convert(frame, format).is_err()),
                    Err(_) => {}
                }
            }
        }
        Op::Drop(object) => match object {
            Object::Input => state.input = None,
            Object::Decoder => state.decoder = None,
            Object::Encoder => state.encoder = None,
            Object::Scaler => state.scaler = None,
            Object::Resampler => state.resampler = None,
            Object::Frame => state.frame = None,
            Object::Packet => state.packet = None,
            Object::Image => state.image = None,
        },
    }
}

/// A sink that several owners share, so the bytes can be read after the output is done.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Cursor<Vec<u8>>>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::ErrorKind::Other)?
            .write(bytes)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Shared {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.0
            .lock()
            .map_err(|_| std::io::ErrorKind::Other)?
            .seek(to)
    }
}

/// A Matroska clip made once by the crate's own encoders (see [`make_clip`]); empty if this
/// FFmpeg cannot make it.
pub fn clip(ffmpeg: &Ffmpeg) -> Vec<u8> {
    static CLIP: OnceLock<Vec<u8>> = OnceLock::new();
    CLIP.get_or_init(|| {
        make_clip(ffmpeg, "matroska", Some("mpeg4"), Some("pcm_s16le")).unwrap_or_default()
    })
    .clone()
}

/// Ten frames (0.4 s) of the named container with a 48×32 video stream of `video` (4:2:0) and
/// a stereo 44.1 kHz audio stream of `audio`, each when named, made by the crate's encoders.
///
/// # Errors
///
/// Any error of the encoders or the muxer, such as a codec this FFmpeg lacks.
pub fn make_clip(
    ffmpeg: &Ffmpeg,
    container: &str,
    video: Option<&str>,
    audio: Option<&str>,
) -> ffmpeg_runtime::Result<Vec<u8>> {
    let sink = Shared::default();
    let mut output = Output::to_writer(ffmpeg, sink.clone(), container)?;
    let global_header = output.needs_global_header();
    let mut tracks = Vec::new();
    if let Some(codec) = video {
        let pixel_format = if codec == "mjpeg" {
            "yuvj420p"
        } else {
            "yuv420p"
        };
        let settings = VideoSettings {
            width: 48,
            height: 32,
            pixel_format: pixel_format.into(),
            time_base: (1, 25),
            gop: Some(4),
            global_header,
            ..VideoSettings::default()
        };
        let encoder = Encoder::video(ffmpeg, codec, &settings)?;
        tracks.push((encoder, Frame::video(ffmpeg, 48, 32, pixel_format)?));
    }
    if let Some(codec) = audio {
        let sample_format = match codec {
            "aac" => "fltp",
            "flac" => "s32",
            _ => "s16",
        };
        let settings = AudioSettings {
            sample_rate: 44100,
            sample_format: sample_format.into(),
            channels: 2,
            global_header,
            ..AudioSettings::default()
        };
        let encoder = Encoder::audio(ffmpeg, codec, &settings)?;
        // The encoder's own frame size where it has one (AAC 1024, MP2 1152).
        let samples = match encoder.frame_size() {
            0 => 1764,
            size => size,
        };
        tracks.push((
            encoder,
            Frame::audio(ffmpeg, samples, sample_format, 44100, 2)?,
        ));
    }
    let streams = tracks
        .iter()
        .map(|(encoder, _)| output.add_stream(encoder))
        .collect::<ffmpeg_runtime::Result<Vec<_>>>()?;
    output.write_header()?;
    let mut packet = Packet::new(ffmpeg)?;
    for ((encoder, frame), &stream) in tracks.iter_mut().zip(&streams) {
        let step = frame.samples().max(1) as i64;
        let count = if frame.samples() > 0 {
            44100 * 4 / 10 / step
        } else {
            10
        };
        for index in 0..count {
            frame.make_writable()?;
            // A moving pattern for pictures, silence for sound (patterned bytes would be
            // NaNs in float samples, which AAC refuses).
            let is_audio = frame.samples() > 0;
            for mut plane in frame.planes_mut()? {
                for (j, byte) in plane.rows_mut().flatten().enumerate() {
                    *byte = if is_audio {
                        0
                    } else {
                        (j as i64 * 7 + index * 13) as u8
                    };
                }
            }
            frame.set_pts(Some(index * step));
            encoder.send(frame)?;
            while encoder.receive(&mut packet)? {
                output.write_packet(&mut packet, stream, encoder.time_base())?;
            }
        }
        encoder.send_eof()?;
        while encoder.receive(&mut packet)? {
            output.write_packet(&mut packet, stream, encoder.time_base())?;
        }
    }
    output.finish()?;
    let bytes = sink
        .0
        .lock()
        .map(|cursor| cursor.get_ref().clone())
        .unwrap_or_default();
    Ok(bytes)
}
