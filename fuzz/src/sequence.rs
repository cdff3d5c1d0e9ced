//! API sequences: an arbitrary list of operations on one set of objects, dropped in any order,
//! made by either of two loaded FFmpegs and handed to each other's calls.

use std::io::Cursor;

use arbitrary::Arbitrary;
use ffmpeg_runtime::Rational;
use ffmpeg_runtime::codec::{AudioSettings, Decoder, DecoderOptions, Encoder, VideoSettings};
use ffmpeg_runtime::convert::{RgbFormat, RgbPool, Stores, convert_into};
use ffmpeg_runtime::format::{Input, Output, SeekMode};
use ffmpeg_runtime::subtitle::{
    Bitmap, Subtitle, SubtitleDecoder, SubtitleEncoder, SubtitleFormat, SubtitleRect,
    SubtitleSettings,
};
use ffmpeg_runtime::{
    AudioFifo, AudioFormat, Colorimetry, Ffmpeg, Frame, Matrix, Packet, Range, Resampler,
    ScaleQuality, Scaler,
};

use super::clip::{Shared, clip};

const PIXEL_FORMATS: [&str; 8] = [
    "yuv420p",
    "nv12",
    "rgba",
    "gray",
    "yuv444p",
    "yuv420p10le",
    "pal8",
    "yuv410p",
];
const SAMPLE_FORMATS: [&str; 4] = ["s16", "fltp", "u8", "s32p"];
const RATES: [u32; 4] = [8000, 22050, 44100, 48000];
const VIDEO_ENCODERS: [&str; 3] = ["mpeg4", "mjpeg", "ffv1"];
const AUDIO_ENCODERS: [&str; 3] = ["pcm_s16le", "flac", "mp2"];
const CONTAINERS: [&str; 5] = ["matroska", "nut", "mp4", "mpegts", "avi"];
const RGB_FORMATS: [RgbFormat; 3] = [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24];
const STORES: [Stores; 3] = [Stores::Auto, Stores::Cached, Stores::Streaming];
const QUALITIES: [ScaleQuality; 4] = [
    ScaleQuality::Fast,
    ScaleQuality::Bilinear,
    ScaleQuality::Lanczos,
    ScaleQuality::BitExactFullChroma,
];

/// One operation. Sizes are small, so that a run stays fast; zero is allowed.
#[derive(Arbitrary, Debug)]
#[allow(missing_docs)] // the fields are the arbitrary choices the variants' docs name
pub enum Op {
    /// Makes the next objects with the second loaded FFmpeg (`true`) or the first.
    UseRelease(bool),
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
    /// Opens a subtitle decoder for a stream of the input (video and audio are refused).
    OpenSubtitleDecoder { stream: u8 },
    /// Decodes the packet as a subtitle (`drain`: the end of the stream instead).
    DecodeSubtitle { drain: bool },
    /// Encodes a subtitle of text, or of a bitmap, with SubRip or dvdsub.
    EncodeSubtitle {
        bitmap: bool,
        dvd: bool,
        width: u8,
        height: u8,
    },
    /// Opens a video encoder (mpeg4, mjpeg or ffv1) of some size and pixel format.
    OpenVideoEncoder {
        codec: u8,
        width: u8,
        height: u8,
        format: u8,
        threads: u8,
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
    /// Replaces the frame by an empty one.
    NewFrame,
    /// Replaces the packet by an empty one.
    NewPacket,
    /// Makes the frame writable and fills it.
    MakeWritable,
    /// Writes a byte over every plane through `planes_mut`, as a program preparing the next
    /// picture in the frame it just sent does.
    Scribble(u8),
    /// Attaches side data of some kind (taken modulo 9), made of the numbers and bytes, then
    /// reads the frame's side data back.
    AddSideData {
        kind: u8,
        numbers: [i32; 9],
        bytes: Vec<u8>,
    },
    /// Sets the frame's timestamp.
    SetPts(i64),
    /// Crops the frame's picture (rows off the top and bottom, columns off the sides), then
    /// reads its planes.
    Crop([u16; 4]),
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
    /// Makes a queue of samples of some format.
    NewFifo { format: u8, channels: u8, rate: u8 },
    /// Queues the frame's samples.
    PushFifo,
    /// Takes samples from the queue into the frame.
    PopFifo { samples: u16 },
    /// Converts the frame to RGB, storing it some way.
    ToRgb { format: u8, stores: u8 },
    /// Converts the frame to RGB into a buffer of the caller's: rows `padding` bytes longer
    /// or shorter than a row (`i8`), the buffer `shortfall % 8` bytes short of the need.
    ToRgbInto {
        format: u8,
        padding: i8,
        shortfall: u8,
    },
    /// Starts an output of some container, written to memory.
    OpenOutput { container: u8 },
    /// Adds a stream for the encoder's packets.
    AddStream,
    /// Adds a stream copying one of the input's.
    AddCopyStream { stream: u8 },
    /// Gives a stream of the output side data of some kind, as `AddSideData` makes it.
    AddStreamSideData {
        stream: u8,
        kind: u8,
        numbers: [i32; 9],
        bytes: Vec<u8>,
    },
    /// Gives the output a program of some of its streams (or of streams it has not), with a
    /// tag of arbitrary bytes.
    AddProgram {
        id: i32,
        streams: Vec<u8>,
        name: Vec<u8>,
    },
    /// Writes the output's header.
    WriteHeader,
    /// Writes the packet to a stream of the output.
    WritePacket { stream: u8 },
    /// Finishes the output.
    FinishOutput,
    /// A filter-graph operation.
    Graph(super::graphs::GraphOp),
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
    /// The queue of samples.
    Fifo,
    /// The output.
    Output,
}

#[derive(Default)]
struct State {
    /// Which loaded FFmpeg makes the next objects.
    release: usize,
    input: Option<Input>,
    decoder: Option<Decoder>,
    subtitle_decoder: Option<ffmpeg_runtime::subtitle::SubtitleDecoder>,
    encoder: Option<Encoder>,
    scaler: Option<Scaler>,
    resampler: Option<Resampler>,
    fifo: Option<AudioFifo>,
    output: Option<Output>,
    frame: Option<Frame>,
    packet: Option<Packet>,
    image: Option<ffmpeg_runtime::convert::RgbImage>,
    graph: Option<ffmpeg_runtime::filter::FilterGraph>,
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

/// Runs `ops` in order with objects made by any of `releases` (one or two loaded FFmpegs);
/// every result is dropped, as only crashes and panics count.
pub fn run_sequence(releases: &[Ffmpeg], ops: &[Op]) {
    let mut state = State::default();
    let pool = RgbPool::new();
    for op in ops {
        let ffmpeg = &releases[state.release % releases.len()];
        step(ffmpeg, &mut state, &pool, op);
    }
}

fn step(ffmpeg: &Ffmpeg, state: &mut State, pool: &RgbPool, op: &Op) {
    if let Op::UseRelease(second) = *op {
        state.release = usize::from(second);
    } else if let Op::Graph(op) = op {
        super::graphs::step(ffmpeg, &mut state.graph, &mut state.frame, op);
    } else if !stream_step(ffmpeg, state, op)
        && !codec_step(ffmpeg, state, op)
        && !frame_step(ffmpeg, state, pool, op)
    {
        output_step(ffmpeg, state, op);
    }
}

/// Inputs and decoders; false for other operations.
fn stream_step(ffmpeg: &Ffmpeg, state: &mut State, op: &Op) -> bool {
    match *op {
        Op::OpenInput => state.input = Input::from_reader(ffmpeg, Cursor::new(clip(ffmpeg))).ok(),
        Op::ReadPacket => {
            let packet = state
                .packet
                .get_or_insert_with(|| Packet::new(ffmpeg).unwrap());
            if let Some(input) = &mut state.input {
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
            let frame = state
                .frame
                .get_or_insert_with(|| Frame::new(ffmpeg).unwrap());
            if let Some(decoder) = &mut state.decoder {
                let _ = decoder.receive(frame);
            }
        }
        Op::FlushDecoder => {
            if let Some(decoder) = &mut state.decoder {
                decoder.flush();
            }
            if let Some(decoder) = &mut state.subtitle_decoder {
                decoder.flush();
            }
        }
        Op::OpenSubtitleDecoder { stream } => {
            if let Some(input) = &state.input {
                state.subtitle_decoder = input
                    .stream(usize::from(stream % 4))
                    .and_then(|stream| SubtitleDecoder::new(&stream).ok());
            }
        }
        Op::DecodeSubtitle { drain } => {
            if let Some(decoder) = &mut state.subtitle_decoder {
                match (&state.packet, drain) {
                    (Some(packet), false) => drop(decoder.decode(packet)),
                    _ => drop(decoder.drain()),
                }
            }
        }
        Op::EncodeSubtitle {
            bitmap,
            dvd,
            width,
            height,
        } => encode_subtitle(ffmpeg, bitmap, dvd, width, height),
        _ => return false,
    }
    true
}

/// A subtitle of text or of a `width`×`height` bitmap (pixels cycling through four
/// colours), given to SubRip or to dvdsub: mismatches must be refused, not crash.
fn encode_subtitle(ffmpeg: &Ffmpeg, bitmap: bool, dvd: bool, width: u8, height: u8) {
    let settings = SubtitleSettings {
        width: 64,
        height: 48,
        ..SubtitleSettings::default()
    };
    let Ok(mut encoder) =
        SubtitleEncoder::new(ffmpeg, if dvd { "dvdsub" } else { "srt" }, &settings)
    else {
        return;
    };
    let subtitle = if bitmap {
        let (width, height) = (u32::from(width % 40), u32::from(height % 20));
        Subtitle {
            format: SubtitleFormat::Bitmap,
            pts: Some(0),
            start_display_time: 0,
            end_display_time: 500,
            rects: vec![SubtitleRect::Bitmap(Bitmap {
                x: i32::from(width as u8 % 7) - 3,
                y: 30,
                width,
                height,
                pixels: (0..width * height).map(|i| (i % 4) as u8).collect(),
                palette: vec![0, 0xffff_ffff, 0xff00_0000, 0xff80_8080],
                forced: false,
            })],
        }
    } else {
        Subtitle::text(0, 500_000, "{\\i1}text{\\i0}")
    };
    let _ = encoder.encode(&subtitle);
}

/// Audio of a fuzzed format, rate and channel count (0 to 8, where 0 is refused).
fn audio_format(
    ffmpeg: &Ffmpeg,
    sample_format: &str,
    rate: u8,
    channels: u8,
) -> ffmpeg_runtime::Result<AudioFormat> {
    Ok(AudioFormat {
        sample_format: ffmpeg.sample_format(sample_format)?,
        sample_rate: pick(&RATES, rate),
        channel_layout: ffmpeg.default_channel_layout(u32::from(channels % 9))?,
    })
}

/// Encoders; false for other operations.
fn codec_step(ffmpeg: &Ffmpeg, state: &mut State, op: &Op) -> bool {
    match *op {
        Op::OpenVideoEncoder {
            codec,
            width,
            height,
            format,
            threads,
        } => {
            let format = ffmpeg.pixel_format(pick(&PIXEL_FORMATS, format));
            let settings = format.map(|format| VideoSettings {
                threads: u32::from(threads % 5),
                ..VideoSettings::new(
                    u32::from(width),
                    u32::from(height),
                    format,
                    Rational::new(1, 25),
                )
            });
            let codec = pick(&VIDEO_ENCODERS, codec);
            state.encoder = settings
                .and_then(|settings| Encoder::video(ffmpeg, codec, &settings))
                .ok();
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
            let settings = audio_format(ffmpeg, sample_format, rate, channels)
                .map(|f| AudioSettings::new(f.sample_rate, f.sample_format, f.channel_layout));
            state.encoder = settings
                .and_then(|settings| Encoder::audio(ffmpeg, codec, &settings))
                .ok();
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
            let packet = state
                .packet
                .get_or_insert_with(|| Packet::new(ffmpeg).unwrap());
            if let Some(encoder) = &mut state.encoder {
                let _ = encoder.receive(packet);
            }
        }
        _ => return false,
    }
    true
}

/// Frames, packets and what converts frames; false for other operations.
fn frame_step(ffmpeg: &Ffmpeg, state: &mut State, pool: &RgbPool, op: &Op) -> bool {
    match *op {
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
        Op::NewFrame => state.frame = Frame::new(ffmpeg).ok(),
        Op::NewPacket => state.packet = Packet::new(ffmpeg).ok(),
        Op::MakeWritable => {
            if let Some(frame) = &mut state.frame {
                let _ = frame.make_writable();
                for mut plane in frame.planes_mut().into_iter().flatten() {
                    plane.fill(0x80);
                }
            }
        }
        Op::Scribble(value) => {
            if let Some(frame) = &mut state.frame {
                for mut plane in frame.planes_mut().into_iter().flatten() {
                    for (i, byte) in plane.rows_mut().flatten().enumerate() {
                        *byte = value.wrapping_add(i as u8);
                    }
                }
            }
        }
        Op::AddSideData {
            kind,
            numbers,
            ref bytes,
        } => {
            if let Some(frame) = &mut state.frame {
                let _ = frame.add_side_data(&side_data_value(kind, numbers, bytes.clone()));
                for entry in frame.side_data() {
                    let _ = (entry.name(), entry.value(), entry.metadata());
                }
            }
        }
        Op::SetPts(pts) => {
            if let Some(frame) = &mut state.frame {
                frame.set_pts(Some(pts));
            }
        }
        Op::Crop([top, bottom, left, right]) => {
            if let Some(frame) = &mut state.frame {
                let edges = [top, bottom, left, right].map(u32::from);
                let _ = frame.crop(edges[0], edges[1], edges[2], edges[3]);
                for plane in frame.planes() {
                    let _ = plane.rows().map(|row| row.len()).sum::<usize>();
                }
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
            let scaler = state
                .scaler
                .get_or_insert_with(|| Scaler::new(ffmpeg, pick(&QUALITIES, quality)));
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
            let target = audio_format(ffmpeg, pick(&SAMPLE_FORMATS, format), rate, channels);
            if state.resampler.is_none() {
                state.resampler = target
                    .and_then(|target| Resampler::new(ffmpeg, target))
                    .ok();
            }
            if let (Some(resampler), Ok(mut output)) = (&mut state.resampler, Frame::new(ffmpeg)) {
                let input = if flush { None } else { state.frame.as_ref() };
                if resampler.convert(input, &mut output).is_ok() {
                    // What the resampler gives, even nothing at all, becomes the frame.
                    state.frame = Some(output);
                }
            }
        }
        Op::NewFifo {
            format,
            channels,
            rate,
        } => {
            state.fifo = AudioFifo::new(
                ffmpeg,
                pick(&SAMPLE_FORMATS, format),
                pick(&RATES, rate),
                u32::from(channels % 9),
            )
            .ok();
        }
        Op::PushFifo => {
            if let (Some(fifo), Some(frame)) = (&mut state.fifo, &state.frame) {
                let _ = fifo.push(frame);
            }
        }
        Op::PopFifo { samples } => {
            let frame = state
                .frame
                .get_or_insert_with(|| Frame::new(ffmpeg).unwrap());
            if let Some(fifo) = &mut state.fifo {
                let _ = fifo.pop(usize::from(samples), frame);
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
                to_rgb_into(frame, pool, pick(&RGB_FORMATS, format), padding, shortfall);
            }
        }
        _ => return false,
    }
    true
}

/// Converts into a buffer of the caller's and checks the refusal is exact: refused when the
/// buffer cannot hold the picture (or the source format is not one the conversion takes).
fn to_rgb_into(frame: &Frame, pool: &RgbPool, format: RgbFormat, padding: i8, shortfall: u8) {
    let row = frame.width() as usize * format.bytes_per_pixel();
    let stride = row.saturating_add_signed(isize::from(padding));
    let height = frame.height() as usize;
    let needed = height.checked_sub(1).map_or(0, |rows| stride * rows + row);
    let mut out = vec![0; needed.saturating_sub(usize::from(shortfall % 8))];
    let colorimetry = Colorimetry::of(frame);
    let result = convert_into(frame, format, colorimetry, &mut out, stride);
    let fits = stride >= row && out.len() >= needed;
    match result {
        Ok(()) => assert!(fits, "{stride} {row} {needed}"),
        Err(_) if fits => assert!(pool.convert(frame, format).is_err()),
        Err(_) => {}
    }
}

/// Outputs and dropping; every operation not handled before.
fn output_step(ffmpeg: &Ffmpeg, state: &mut State, op: &Op) {
    match *op {
        Op::OpenOutput { container } => {
            state.output =
                Output::to_writer(ffmpeg, Shared::default(), pick(&CONTAINERS, container)).ok();
        }
        Op::AddStream => {
            if let (Some(output), Some(encoder)) = (&mut state.output, &state.encoder) {
                let _ = output.add_stream(encoder);
            }
        }
        Op::AddCopyStream { stream } => {
            let stream = state
                .input
                .as_ref()
                .and_then(|i| i.stream(usize::from(stream % 4)));
            if let (Some(output), Some(stream)) = (&mut state.output, stream) {
                let _ = output.add_copy_stream(&stream);
            }
        }
        Op::AddStreamSideData {
            stream,
            kind,
            numbers,
            ref bytes,
        } => {
            if let Some(output) = &mut state.output {
                let value = side_data_value(kind, numbers, bytes.clone());
                let _ = output.add_side_data(usize::from(stream % 3), &value);
            }
        }
        Op::AddProgram {
            id,
            ref streams,
            ref name,
        } => {
            if let Some(output) = &mut state.output {
                let streams = streams.iter().map(|&s| usize::from(s % 4)).collect();
                let name = String::from_utf8_lossy(name).into_owned();
                let metadata = vec![("service_name".to_owned(), name)];
                let program = ffmpeg_runtime::format::Program::new(id, streams, metadata);
                let _ = output.add_program(&program);
            }
        }
        Op::WriteHeader => {
            if let Some(output) = &mut state.output {
                let _ = output.write_header();
            }
        }
        Op::WritePacket { stream } => {
            let time_base = state
                .encoder
                .as_ref()
                .map_or(Rational::new(1, 1000), Encoder::time_base);
            if let (Some(output), Some(packet)) = (&mut state.output, &mut state.packet) {
                let _ = output.write_packet(packet, usize::from(stream % 3), time_base);
            }
        }
        Op::FinishOutput => {
            if let Some(output) = state.output.take() {
                let _ = output.finish();
            }
        }
        Op::Drop(object) => match object {
            Object::Input => state.input = None,
            Object::Decoder => {
                state.decoder = None;
                state.subtitle_decoder = None;
            }
            Object::Encoder => state.encoder = None,
            Object::Scaler => state.scaler = None,
            Object::Resampler => state.resampler = None,
            Object::Frame => state.frame = None,
            Object::Packet => state.packet = None,
            Object::Image => state.image = None,
            Object::Fifo => state.fifo = None,
            Object::Output => state.output = None,
        },
        _ => unreachable!("every operation is handled"),
    }
}

/// A side data value of the kind `kind % 15`, out of arbitrary numbers and bytes (values the
/// writers refuse among them).
fn side_data_value(kind: u8, n: [i32; 9], bytes: Vec<u8>) -> ffmpeg_runtime::format::SideDataValue {
    use ffmpeg_runtime::format::{
        DownmixInfo, DownmixType, MasteringDisplay, S12mTimecode, SideDataValue, Timecode,
    };
    let q = |i: usize| Rational::new(n[i % 9], n[(i + 1) % 9]);
    let u = |i: usize| n[i] as u32;
    match kind % 15 {
        0 => SideDataValue::DisplayMatrix {
            matrix: n,
            counterclockwise: None,
        },
        1 => SideDataValue::MasteringDisplay(MasteringDisplay {
            primaries: (n[0] & 1 == 0)
                .then(|| ([[q(1), q(2)], [q(3), q(4)], [q(5), q(6)]], [q(7), q(8)])),
            luminance: (n[0] & 2 == 0).then(|| (q(2), q(5))),
        }),
        2 => SideDataValue::ContentLightLevel {
            max_content: u(0),
            max_average: u(1),
        },
        3 => SideDataValue::ActiveFormat(n[0] as u8),
        4 => SideDataValue::GopTimecode(Timecode {
            hours: u(0),
            minutes: u(1),
            seconds: u(2),
            frames: u(3),
            drop_frame: n[4] & 1 != 0,
        }),
        5 => SideDataValue::S12mTimecodes(
            n[..(u(8) % 5) as usize]
                .iter()
                .map(|&v| S12mTimecode(v as u32))
                .collect(),
        ),
        6 => SideDataValue::ClosedCaptions(
            bytes.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
        ),
        7 => SideDataValue::UserDataUnregistered {
            uuid: [n[0] as u8; 16],
            payload: bytes,
        },
        8 => SideDataValue::DynamicHdrPlus(Box::new(hdr_plus(n, &bytes))),
        9 => SideDataValue::AmbientViewingEnvironment {
            illuminance: q(0),
            light_x: q(2),
            light_y: q(4),
        },
        11 => SideDataValue::Exif(bytes),
        12 => SideDataValue::DownmixInfo(DownmixInfo {
            preferred: [DownmixType::LoRo, DownmixType::DolbyProLogicII][u(0) as usize % 2],
            center_mix_level: f64::from(n[1]) / 7.0,
            center_mix_level_ltrt: f64::from(n[2]),
            surround_mix_level: f64::from_bits(u64::from(u(3))),
            surround_mix_level_ltrt: f64::NAN,
            lfe_mix_level: f64::NEG_INFINITY,
        }),
        13 => SideDataValue::BlockAdditional {
            id: u64::from(u(0)),
            data: bytes,
        },
        10 => SideDataValue::FrameCropping {
            top: u(0),
            bottom: u(1),
            left: u(2),
            right: u(3),
        },
        _ => SideDataValue::Stereo3d {
            layout: "side by side".into(),
            inverted: false,
            view: "packed".into(),
            camera: None,
        },
    }
}

/// HDR10+ metadata out of arbitrary numbers and bytes: zero to four windows, up to 16
/// percentiles and anchors, ragged or oversized tables (all past the struct refused).
fn hdr_plus(n: [i32; 9], bytes: &[u8]) -> ffmpeg_runtime::format::DynamicHdrPlus {
    use ffmpeg_runtime::format::{
        DynamicHdrPlus, HdrPlusToneMapping, HdrPlusWindow, HdrPlusWindowArea,
    };
    let q = |i: usize| Rational::new(n[i % 9], n[(i + 3) % 9]);
    let count = |i: usize, most: u32| (n[i % 9] as u32 % (most + 1)) as usize;
    let window = |k: usize| HdrPlusWindow {
        area: (k > 0).then(|| HdrPlusWindowArea {
            upper_left_corner: [q(k), q(k + 1)],
            lower_right_corner: [q(k + 2), q(k + 3)],
            center_of_ellipse: [n[k] as u16, n[k + 1] as u16],
            rotation_angle: n[k] as u8,
            semimajor_axis_internal_ellipse: n[2] as u16,
            semimajor_axis_external_ellipse: n[3] as u16,
            semiminor_axis_external_ellipse: n[4] as u16,
            overlap_process_option: n[5] as u32,
        }),
        maxscl: [q(k), q(k + 4), q(k + 5)],
        average_maxrgb: q(6),
        distribution_maxrgb: bytes
            .iter()
            .take(count(k + 1, 16))
            .map(|&b| (b, q(b.into())))
            .collect(),
        fraction_bright_pixels: q(7),
        tone_mapping: (n[k] & 1 != 0).then(|| HdrPlusToneMapping {
            knee_point: [q(1), q(2)],
            bezier_curve_anchors: (0..count(k + 2, 16)).map(q).collect(),
        }),
        color_saturation_weight: (n[k] & 2 != 0).then(|| q(8)),
    };
    let table = |i: usize| {
        let (rows, columns) = (count(i, 26), count(i + 1, 26));
        (n[i] & 4 != 0).then(|| {
            (0..rows)
                .map(|r| (0..columns + r % 2).map(q).collect())
                .collect()
        })
    };
    DynamicHdrPlus {
        country_code: n[0] as u8,
        application_version: n[1] as u8,
        windows: (0..count(0, 4)).map(window).collect(),
        targeted_system_display_maximum_luminance: q(3),
        targeted_system_display_actual_peak_luminance: table(1),
        mastering_display_actual_peak_luminance: table(2),
    }
}
