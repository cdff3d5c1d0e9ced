//! `--show-frames` and `--frame-side-data`: ffprobe's `-show_frames`, and its
//! `-show_entries frame_side_data_list`.

use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, MediaType, Stream};
use ffmpeg_runtime::subtitle::{Subtitle, SubtitleDecoder, SubtitleFormat};
use ffmpeg_runtime::{Ffmpeg, Frame, Packet, Rational};
use serde_json::{Map, Value, json};

use crate::ffprobe_json::{frame_side_data_entry, ratio};
use crate::packets::packet_json;
use crate::{Fields, seconds, tags};

/// Each decoded picture of the first video stream as ffprobe's `-show_entries
/// frame_side_data_list` prints it: `{}`, or its `side_data_list`.
pub fn frames_side_data(ffmpeg: &Ffmpeg, mut input: Input) -> ffmpeg_runtime::Result<Vec<Value>> {
    let Some(stream) = input.streams().find(|s| s.media_type() == MediaType::Video) else {
        return Ok(Vec::new());
    };
    // ffprobe reads S12M timecodes at the stream's average rate (0/0 where unknown).
    let (index, rate) = (stream.index(), stream.average_frame_rate());
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default())?;
    let (mut packet, mut frame) = (Packet::new(ffmpeg)?, Frame::new(ffmpeg)?);
    let mut frames = Vec::new();
    // As ffprobe and the CLI, decoding goes on past damage: a packet the decoder refuses or
    // a picture it cannot decode is passed over (up to 100 errors a drain), and a
    // packet it cannot take yet goes again once the pictures ready are out.
    let mut take = |decoder: &mut Decoder, frame: &mut Frame| {
        let mut errors = 0;
        loop {
            match decoder.receive(frame) {
                Ok(true) => {
                    let entries = frame.side_data();
                    let list = entries.iter().map(|e| frame_side_data_entry(e, rate));
                    frames.push(match entries.is_empty() {
                        true => json!({}),
                        false => json!({ "side_data_list": list.collect::<Vec<_>>() }),
                    });
                }
                Err(_) if errors < 100 => errors += 1,
                Ok(false) | Err(_) => return,
            }
        }
    };
    while input.read_packet(&mut packet).unwrap_or(false) {
        if packet.stream_index() == index {
            if let Err(ffmpeg_runtime::Error::Again { .. }) = decoder.send(&packet) {
                take(&mut decoder, &mut frame);
                let _ = decoder.send(&packet);
            }
            take(&mut decoder, &mut frame);
        }
    }
    let _ = decoder.send_eof();
    take(&mut decoder, &mut frame);
    Ok(frames)
}

/// How `-show_frames` decodes one stream: as ffprobe, on one thread; nothing for a stream
/// without a decoder (data, attachments, a codec this FFmpeg lacks).
enum Lane<'a> {
    Decoded(&'a mut Decoder),
    Subtitles(Box<SubtitleDecoder>),
    Skipped,
}

/// What ffprobe's reading loop meets, in its order.
pub enum Met<'a> {
    Packet(&'a Packet),
    Frame(&'a Frame),
    Subtitle(&'a Subtitle),
}

/// Every frame and subtitle as ffprobe's `-show_frames` prints them, in the order it decodes
/// them (see [`read_all`]). `with_packets` puts each packet before its frames, each entry led
/// by its `type`, as ffprobe's `-show_packets -show_frames` does.
pub fn show_frames(
    ffmpeg: &Ffmpeg,
    input: &mut Input,
    decoders: &mut [ffmpeg_runtime::Result<Decoder>],
    with_packets: bool,
    fields: Fields,
) -> ffmpeg_runtime::Result<Vec<Value>> {
    let typed = |kind: &str, entry: Value| match (with_packets, entry) {
        (true, Value::Object(fields)) => {
            let mut typed = Map::new();
            typed.insert("type".into(), json!(kind));
            typed.extend(fields);
            Value::Object(typed)
        }
        (_, entry) => entry,
    };
    let mut list = Vec::new();
    read_all(ffmpeg, input, decoders, true, |stream, met| match met {
        Met::Packet(packet) if with_packets => {
            list.push(typed("packet", packet_json(stream, packet, fields)));
        }
        Met::Packet(_) => {}
        Met::Frame(frame) => list.push(typed("frame", frame_json(stream, frame, fields))),
        Met::Subtitle(subtitle) => list.push(typed("subtitle", subtitle_json(subtitle))),
    })?;
    Ok(list)
}

/// Reads `input` to its end as ffprobe's reading loop does, handing each packet, and where
/// `decoding` each frame and subtitle decoded, to `each`: each packet's as it is read, then
/// each stream's held-back ones in stream order. Decoding errors pass over the packet, as
/// ffprobe's do; a read error ends the reading. `decoders` are those `open_decoders` opened,
/// one per stream, which ffprobe then describes the streams by.
pub fn read_all(
    ffmpeg: &Ffmpeg,
    input: &mut Input,
    decoders: &mut [ffmpeg_runtime::Result<Decoder>],
    decoding: bool,
    mut each: impl FnMut(&Stream<'_>, Met<'_>),
) -> ffmpeg_runtime::Result<()> {
    let mut lanes: Vec<Lane> = input
        .streams()
        .zip(decoders.iter_mut())
        .map(|(s, decoder)| match (decoding, s.media_type()) {
            (false, _) => Lane::Skipped,
            (_, MediaType::Video | MediaType::Audio) => {
                decoder.as_mut().map_or(Lane::Skipped, Lane::Decoded)
            }
            (_, MediaType::Subtitle) => {
                SubtitleDecoder::new(&s).map_or(Lane::Skipped, |d| Lane::Subtitles(Box::new(d)))
            }
            _ => Lane::Skipped,
        })
        .collect();
    let (mut packet, mut frame) = (Packet::new(ffmpeg)?, Frame::new(ffmpeg)?);
    while input.read_packet(&mut packet).unwrap_or(false) {
        let index = packet.stream_index();
        let Some(stream) = input.stream(index) else {
            continue;
        };
        each(&stream, Met::Packet(&packet));
        match lanes.get_mut(index) {
            Some(Lane::Decoded(decoder)) => {
                // A decoder that neither takes the packet nor gives a frame breaks FFmpeg's
                // contract; ffprobe would spin on it, this gives up after a second try.
                let (mut new, mut idle) = (true, 0);
                while let Ok(got) = decode(decoder, Some(&packet), &mut new, &mut frame) {
                    if got {
                        each(&stream, Met::Frame(&frame));
                        idle = 0;
                    } else if !new || idle > 0 {
                        break;
                    } else {
                        idle += 1;
                    }
                }
            }
            Some(Lane::Subtitles(decoder)) => {
                if let Ok(Some(subtitle)) = decoder.decode(&packet) {
                    each(&stream, Met::Subtitle(&subtitle));
                }
            }
            _ => {}
        }
    }
    for (index, lane) in lanes.iter_mut().enumerate() {
        let Some(stream) = input.stream(index) else {
            continue;
        };
        match lane {
            Lane::Decoded(decoder) => {
                while let Ok(true) = decode(decoder, None, &mut true, &mut frame) {
                    each(&stream, Met::Frame(&frame));
                }
            }
            Lane::Subtitles(decoder) => {
                while let Ok(Some(subtitle)) = decoder.drain() {
                    each(&stream, Met::Subtitle(&subtitle));
                }
            }
            Lane::Skipped => {}
        }
    }
    Ok(())
}

/// ffprobe's `process_frame`: sends the packet (the end, for `None`) while `new` says it is
/// not taken yet, then receives one frame into `frame`; whether one came. ffprobe calls it
/// again while a frame comes or the packet still waits; an error ends the packet.
fn decode(
    decoder: &mut Decoder,
    packet: Option<&Packet>,
    new: &mut bool,
    frame: &mut Frame,
) -> ffmpeg_runtime::Result<bool> {
    if *new {
        let sent = match packet {
            Some(packet) => decoder.send(packet),
            None => decoder.send_eof(),
        };
        match sent {
            Ok(()) => *new = false,
            Err(ffmpeg_runtime::Error::Again { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    decoder.receive(frame)
}

/// One frame as the chosen ffprobe's `show_frame` prints it.
fn frame_json(stream: &Stream<'_>, frame: &Frame, fields: Fields) -> Value {
    let base = stream.time_base();
    let mut m = Map::new();
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    let kind = stream.media_type();
    put("media_type", json!(kind.to_string()));
    put("stream_index", json!(stream.index()));
    put("key_frame", json!(u8::from(frame.is_key())));
    let duration = frame.duration();
    let times = [
        ("pts", frame.pts()),
        ("pkt_dts", frame.packet_dts()),
        ("best_effort_timestamp", frame.best_effort_timestamp()),
        ("pkt_duration", duration.filter(|_| !fields.since((7, 0)))),
        ("duration", duration.filter(|_| fields.since((6, 1)))),
    ];
    for (key, value) in times {
        if let Some(value) = value {
            put(key, json!(value));
            put(&format!("{key}_time"), seconds(value, base));
        }
    }
    if let Some(position) = frame.packet_position() {
        put("pkt_pos", json!(position.to_string()));
    }
    if let Some(size) = frame.packet_size() {
        put("pkt_size", json!(size.to_string()));
    }
    if kind == MediaType::Video {
        put("width", json!(frame.width()));
        put("height", json!(frame.height()));
        if fields.since((6, 1)) {
            let sides = ["crop_top", "crop_bottom", "crop_left", "crop_right"];
            for (side, pixels) in sides.into_iter().zip(frame.unapplied_crop()) {
                put(side, json!(pixels));
            }
        }
        if let Some(format) = frame.pixel_format() {
            put("pix_fmt", json!(format.name()));
        }
        if let Ok(Some(sar)) = stream.frame_aspect_ratio(frame) {
            put("sample_aspect_ratio", ratio(sar, ':'));
        }
        put(
            "pict_type",
            json!(frame.picture_type().letter().to_string()),
        );
        // 7.0 and later have no picture numbers; 5.1's ffprobe prints them always.
        if let Some((coded, display)) = frame.picture_numbers() {
            put("coded_picture_number", json!(coded));
            put("display_picture_number", json!(display));
        }
        put("interlaced_frame", json!(u8::from(frame.is_interlaced())));
        put(
            "top_field_first",
            json!(u8::from(frame.is_top_field_first())),
        );
        if fields.since((8, 0)) {
            put("lossless", json!(u8::from(frame.is_lossless())));
        }
        put("repeat_pict", json!(frame.repeat_pict()));
        let color = frame.color();
        if let Some(range) = color.range {
            put("color_range", json!(range.name()));
        }
        for (key, value) in [
            ("color_space", color.matrix),
            ("color_primaries", color.primaries),
            ("color_transfer", color.transfer),
            ("chroma_location", frame.chroma_location()),
            (
                "alpha_mode",
                frame.alpha_mode().filter(|_| fields.since((8, 1))),
            ),
        ] {
            if let Some(value) = value {
                put(key, json!(value));
            }
        }
    } else if kind == MediaType::Audio {
        if let Some(format) = frame.sample_format() {
            put("sample_fmt", json!(format.name()));
        }
        put("nb_samples", json!(frame.samples()));
        put("channels", json!(frame.channels().unwrap_or(0)));
        if let Some(layout) = frame.channel_layout().filter(|l| !l.is_unspecified()) {
            put("channel_layout", json!(layout.name()));
        }
    }
    if let Some(tags) = tags(frame.metadata()) {
        put("tags", tags);
    }
    let entries = frame.side_data();
    if !entries.is_empty() {
        let rate = stream.average_frame_rate();
        let list = entries.iter().map(|e| frame_side_data_entry(e, rate));
        put("side_data_list", Value::Array(list.collect()));
    }
    Value::Object(m)
}

/// One subtitle as ffprobe's `show_subtitle` prints it, among the frames.
fn subtitle_json(subtitle: &Subtitle) -> Value {
    let mut m = Map::new();
    m.insert("media_type".into(), json!("subtitle"));
    if let Some(pts) = subtitle.pts {
        m.insert("pts".into(), json!(pts));
        m.insert("pts_time".into(), seconds(pts, Rational::MICROSECONDS));
    }
    let format = u8::from(subtitle.format == SubtitleFormat::Text);
    m.insert("format".into(), json!(format));
    m.insert(
        "start_display_time".into(),
        json!(subtitle.start_display_time),
    );
    m.insert("end_display_time".into(), json!(subtitle.end_display_time));
    m.insert("num_rects".into(), json!(subtitle.rects.len()));
    Value::Object(m)
}
