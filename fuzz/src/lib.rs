//! The fuzzing workloads, shared by the cargo-fuzz targets and the crate's tests
//! (`tests/fuzz_seeds.rs`, which make the seed corpora and run every seed): any outcome but a
//! crash, a panic or a hang is fine.
#![warn(missing_docs)]

// Explicit paths, so that the tests can include this file as a module of their own.
#[path = "clip.rs"]
mod clip;
#[path = "graphs.rs"]
mod graphs;
#[path = "sequence.rs"]
mod sequence;

use std::io::Cursor;
use std::sync::OnceLock;

use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType};
use ffmpeg_runtime::subtitle::SubtitleDecoder;
use ffmpeg_runtime::{Ffmpeg, Frame, Packet};

pub use clip::{make_clip, make_clip_with_subtitles};
pub use graphs::{graph_ops_of, run_graph_sequence};
pub use sequence::{ops_of, run_sequence};

/// Frames decoded per input at most: a few seconds of fuzzing per input would stall the run.
const MAX_FRAMES: usize = 300;
/// Packets read per input at most.
const MAX_PACKETS: usize = 2000;
/// The largest block FFmpeg may allocate: a few bytes of damaged input can make a decoder
/// ask for 2 GiB (a DVB subtitle stream), which under the fuzzer's memory limit is a failure
/// of the run, not a finding of ours.
const MAX_ALLOCATION: usize = 256 << 20;

/// The FFmpeg under test, loaded once: `FFMPEG_RUNTIME_DIR` or the system's, its log quiet.
pub fn ffmpeg() -> &'static Ffmpeg {
    static FFMPEG: OnceLock<Ffmpeg> = OnceLock::new();
    FFMPEG.get_or_init(|| {
        let ffmpeg = Ffmpeg::load().expect("an FFmpeg to fuzz (FFMPEG_RUNTIME_DIR)");
        ffmpeg.set_log_level(log::LevelFilter::Off);
        ffmpeg.set_max_allocation(MAX_ALLOCATION);
        ffmpeg
    })
}

/// The FFmpegs API sequences mix objects of: the one under test, and the one in
/// `FFMPEG_RUNTIME_FUZZ_PARTNER` (a directory) when it names one, loaded once.
pub fn releases() -> &'static [Ffmpeg] {
    static RELEASES: OnceLock<Vec<Ffmpeg>> = OnceLock::new();
    RELEASES.get_or_init(|| {
        let mut releases = vec![ffmpeg().clone()];
        if let Some(dir) = std::env::var_os("FFMPEG_RUNTIME_FUZZ_PARTNER") {
            // SAFETY: the fuzzing script names a directory of FFmpeg builds it provisioned.
            let partner = unsafe { Ffmpeg::load_from(dir) }.expect("the partner FFmpeg loads");
            partner.set_log_level(log::LevelFilter::Off);
            partner.set_max_allocation(MAX_ALLOCATION);
            releases.push(partner);
        }
        releases
    })
}

/// Opens `bytes` as a container through custom I/O and decodes every stream it can, subtitles
/// included; returns the frames and subtitles decoded.
pub fn demux_and_decode(ffmpeg: &Ffmpeg, bytes: &[u8]) -> usize {
    let Ok(mut input) = Input::from_reader(ffmpeg, Cursor::new(bytes.to_vec())) else {
        return 0;
    };
    let options = DecoderOptions {
        threads: 1,
        ..DecoderOptions::default()
    };
    let mut decoders: Vec<Option<Decoder>> = input
        .streams()
        .map(|stream| Decoder::new(&stream, &options).ok())
        .collect();
    // What ffprobe reads before decoding: side data a crafted file may cut short or fill with
    // any values, and what each decoder reports once open.
    for stream in input.streams() {
        read_side_data(&stream);
    }
    for decoder in decoders.iter().flatten() {
        read_decoder_facts(decoder);
    }
    let mut subtitle_decoders: Vec<Option<SubtitleDecoder>> = input
        .streams()
        .map(|stream| {
            (stream.media_type() == MediaType::Subtitle)
                .then(|| SubtitleDecoder::new(&stream).ok())
                .flatten()
        })
        .collect();
    let (Ok(mut packet), Ok(mut frame)) = (Packet::new(ffmpeg), Frame::new(ffmpeg)) else {
        return 0;
    };
    let mut frames = 0;
    // A picture of each stream, for the tile grids the container declares.
    let mut pictures: Vec<Option<Frame>> = input.streams().map(|_| None).collect();
    for _ in 0..MAX_PACKETS {
        match input.read_packet(&mut packet) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        for entry in packet.side_data() {
            let _ = (entry.name(), entry.value());
        }
        if let Some(Some(decoder)) = subtitle_decoders.get_mut(packet.stream_index()) {
            frames += usize::from(matches!(decoder.decode(&packet), Ok(Some(_))));
            continue;
        }
        let Some(Some(decoder)) = decoders.get_mut(packet.stream_index()) else {
            continue;
        };
        if decoder.send(&packet).is_ok() {
            let decoded = drain(decoder, &mut frame);
            keep_a_picture(&mut pictures, packet.stream_index(), decoded, &frame);
            frames += decoded;
        }
        if frames >= MAX_FRAMES {
            return frames;
        }
    }
    for (index, decoder) in decoders.iter_mut().enumerate() {
        if let Some(decoder) = decoder
            && decoder.send_eof().is_ok()
        {
            let decoded = drain(decoder, &mut frame);
            keep_a_picture(&mut pictures, index, decoded, &frame);
            frames += decoded;
        }
    }
    compose_tile_grids(&input, &pictures);
    for decoder in subtitle_decoders.iter_mut().flatten() {
        while let Ok(Some(_)) = decoder.drain() {
            frames += 1;
            if frames >= MAX_FRAMES {
                break;
            }
        }
    }
    frames
}

/// Keeps the picture last decoded for stream `index`, where it has none yet.
fn keep_a_picture(pictures: &mut [Option<Frame>], index: usize, decoded: usize, frame: &Frame) {
    if let Some(kept @ None) = pictures.get_mut(index)
        && decoded > 0
    {
        *kept = frame.try_clone().ok();
    }
}

/// Composes each tile grid of `input` whose tiles all gave a picture, as a crafted file's
/// offsets and sizes say (up to a canvas of 16 million pixels, to keep runs short).
fn compose_tile_grids(input: &Input, pictures: &[Option<Frame>]) {
    use ffmpeg_runtime::format::StreamGroupKind;
    for group in input.stream_groups() {
        let StreamGroupKind::TileGrid(grid) = group.kind else {
            continue;
        };
        if u64::from(grid.coded_width) * u64::from(grid.coded_height) > 1 << 24 {
            continue;
        }
        let tiles: Option<Vec<Frame>> = grid
            .tiles
            .iter()
            .map(|tile| pictures.get(tile.stream)?.as_ref()?.try_clone().ok())
            .collect();
        if let Some(tiles) = tiles {
            let _ = grid.compose(&tiles);
        }
    }
}

/// Every side data entry of `stream`, decoded, as the `probe` example prints it.
fn read_side_data(stream: &ffmpeg_runtime::format::Stream<'_>) {
    use ffmpeg_runtime::format::SideDataValue;
    for entry in stream.side_data() {
        let _ = (entry.name(), entry.bytes().len());
        if let SideDataValue::Spherical(spherical) = entry.value() {
            let _ = spherical.tile_bounds(stream.width(), stream.height());
        }
    }
    let _ = stream.rotation();
}

/// What `probe --show-frames` reads of a decoded frame, and every side data entry decoded,
/// timecodes read at a rate past 30 per second (the path that doubles frame counts).
fn read_frame_side_data(frame: &Frame) {
    use ffmpeg_runtime::format::SideDataValue;
    // What `probe --show-frames` prints of a frame beside its side data.
    let _ = (
        frame.metadata(),
        frame.chroma_location(),
        frame.picture_numbers(),
    );
    let _ = (
        frame.packet_position(),
        frame.packet_size(),
        frame.packet_dts(),
    );
    let _ = (
        frame.is_top_field_first(),
        frame.repeat_pict(),
        frame.picture_type().letter(),
    );
    for entry in frame.side_data() {
        let _ = (entry.name(), entry.metadata());
        match entry.value() {
            SideDataValue::S12mTimecodes(timecodes) => {
                for timecode in timecodes {
                    let _ = timecode
                        .timecode(ffmpeg_runtime::Rational::new(60, 1))
                        .to_string();
                }
            }
            // Written back, as a caller passing metadata on to an encoder would.
            SideDataValue::DynamicHdrPlus(metadata) => {
                let mut copy = Frame::new(frame.ffmpeg()).expect("a frame");
                let _ = copy.add_side_data(&SideDataValue::DynamicHdrPlus(metadata));
            }
            _ => {}
        }
    }
}

fn read_decoder_facts(decoder: &Decoder) {
    let _ = (
        decoder.coded_width(),
        decoder.coded_height(),
        decoder.reference_frames(),
    );
    let _ = (decoder.max_bit_rate(), decoder.bits_per_raw_sample());
    let _ = (decoder.has_closed_captions(), decoder.has_film_grain());
    let _ = decoder.exported_values();
}

fn drain(decoder: &mut Decoder, frame: &mut Frame) -> usize {
    let mut frames = 0;
    while let Ok(true) = decoder.receive(frame) {
        read_frame_side_data(frame);
        frames += 1;
        if frames >= MAX_FRAMES {
            break;
        }
    }
    frames
}
