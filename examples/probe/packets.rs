//! `--show-packets`: ffprobe's `-show_packets`.

use ffmpeg_runtime::format::{Input, MediaType, SideDataValue, Stream};
use ffmpeg_runtime::{Ffmpeg, Packet};
use serde_json::{Map, Value, json};

use crate::ffprobe_json::side_data_entry;
use crate::frames::{Met, read_all};
use crate::{Fields, seconds, tags};

/// Every packet as ffprobe's `-show_packets` prints it, until the end or the first error
/// (where ffprobe stops reading too).
pub fn packets(
    ffmpeg: &Ffmpeg,
    input: &mut Input,
    fields: Fields,
) -> ffmpeg_runtime::Result<Vec<Value>> {
    let mut list = Vec::new();
    read_all(ffmpeg, input, &mut [], false, |stream, met| {
        if let Met::Packet(packet) = met {
            list.push(packet_json(stream, packet, fields));
        }
    })?;
    Ok(list)
}

pub fn packet_json(stream: &Stream<'_>, packet: &Packet, fields: Fields) -> Value {
    let base = stream.time_base();
    let mut m = Map::new();
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    let kind = stream.media_type();
    if kind != MediaType::Other {
        put("codec_type", json!(kind.to_string()));
    }
    put("stream_index", json!(packet.stream_index()));
    for (key, value) in [("pts", packet.pts()), ("dts", packet.dts())] {
        if let Some(value) = value {
            put(key, json!(value));
            put(&format!("{key}_time"), seconds(value, base));
        }
    }
    // A duration of 0 is "unknown" to ffprobe.
    if packet.duration() != 0 {
        put("duration", json!(packet.duration()));
        put("duration_time", seconds(packet.duration(), base));
    }
    put("size", json!(packet.data().len().to_string()));
    if let Some(position) = packet.position() {
        put("pos", json!(position.to_string()));
    }
    let flag = |set: bool, letter: char| if set { letter } else { '_' };
    let mut flags = format!(
        "{}{}",
        flag(packet.is_key(), 'K'),
        flag(packet.is_discarded(), 'D')
    );
    if fields.since((6, 1)) {
        flags.push(flag(packet.is_corrupt(), 'C'));
    }
    put("flags", json!(flags));
    let side_data = packet.side_data();
    let strings = side_data.iter().find_map(|entry| match entry.value() {
        SideDataValue::StringsMetadata(pairs) => Some(pairs),
        _ => None,
    });
    if let Some(tags) = strings.and_then(tags) {
        put("tags", tags);
    }
    if !side_data.is_empty() {
        let size = (stream.width(), stream.height());
        let list = side_data.iter().map(|e| side_data_entry(e, size)).collect();
        put("side_data_list", Value::Array(list));
    }
    Value::Object(m)
}
