//! Stream groups as ffprobe's `-show_stream_groups` prints them (7.0 on).

use ffmpeg_runtime::Ffmpeg;
use ffmpeg_runtime::format::{StreamGroup, StreamGroupKind, TileGrid};
use serde_json::{Map, Value, json};

/// One group as ffprobe's `show_stream_group` prints it, with its streams as `streams`
/// describes them. A tile grid's parameters are printed as its `components`; an IAMF
/// group's are not read, and are left out.
pub fn stream_group(
    ffmpeg: &Ffmpeg,
    group: &StreamGroup,
    streams: &[Value],
    shows_ids: bool,
) -> Value {
    let mut m = Map::new();
    m.insert("index".into(), json!(group.index));
    // As a stream's: only where the demuxer shows ids.
    if shows_ids {
        m.insert("id".into(), json!(format!("0x{:x}", group.id)));
    }
    m.insert("nb_streams".into(), json!(group.streams.len()));
    // No kind (`AV_STREAM_GROUP_PARAMS_NONE`) is left out; one FFmpeg does not name, "unknown".
    match (&group.kind, group.kind_name.as_str()) {
        (StreamGroupKind::Other(0), _) => {}
        (_, "") => drop(m.insert("type".into(), json!("unknown"))),
        (_, name) => drop(m.insert("type".into(), json!(name))),
    }
    if let StreamGroupKind::TileGrid(grid) = &group.kind {
        m.insert(
            "components".into(),
            json!([tile_grid(grid, &group.streams)]),
        );
    }
    m.insert(
        "disposition".into(),
        super::dispositions(group.dispositions(ffmpeg)),
    );
    if let Some(tags) = super::tags(group.metadata.clone()) {
        m.insert("tags".into(), tags);
    }
    let own = group.streams.iter().filter_map(|&index| streams.get(index));
    m.insert("streams".into(), Value::Array(own.cloned().collect()));
    Value::Object(m)
}

/// ffprobe's `print_tile_grid_params`: each tile's stream as its place in the group.
fn tile_grid(grid: &TileGrid, group_streams: &[usize]) -> Value {
    let tiles: Vec<Value> = grid
        .tiles
        .iter()
        .map(|tile| {
            let place = group_streams.iter().position(|&s| s == tile.stream);
            json!({
                "stream_index": place.unwrap_or(tile.stream),
                "tile_horizontal_offset": tile.horizontal,
                "tile_vertical_offset": tile.vertical,
            })
        })
        .collect();
    json!({
        "nb_tiles": grid.tiles.len(),
        "coded_width": grid.coded_width,
        "coded_height": grid.coded_height,
        "horizontal_offset": grid.horizontal_offset,
        "vertical_offset": grid.vertical_offset,
        "width": grid.width,
        "height": grid.height,
        "subcomponents": tiles,
    })
}
