//! The picture of a HEIF or AVIF tile grid (a phone's photo), which the CLI of 8.1 and later
//! composes and takes as the video of an output given no `-map`, where the 5.1, 7.x and 8.0
//! CLI take one tile.

use std::path::Path;

use ffmpeg_runtime::Frame;
use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::{Input, Output, StreamGroupKind};

use crate::tile_grids::selected_tile_grid;

/// A grid's composed picture, and the stream of its first tile, whose timing (the grid's own)
/// the picture takes.
pub struct GridPicture {
    /// The input's index of the first tile's stream.
    pub stream: usize,
    /// The composed picture.
    pub picture: Frame,
}

/// The grid whose picture the loaded release's CLI takes as `output`'s video, composed from
/// the input opened afresh from `path` (so that `input` is read from its start as before);
/// `None` where the CLI takes a stream.
pub fn selected_grid(
    input: &Input,
    output: &Output,
    path: &Path,
    threads: u32,
) -> Result<Option<GridPicture>, String> {
    let ffmpeg = input.ffmpeg();
    let Some(group) = selected_tile_grid(input, &output.muxer())? else {
        return Ok(None);
    };
    let groups = input.stream_groups();
    let Some(StreamGroupKind::TileGrid(grid)) = groups.get(group).map(|g| &g.kind) else {
        return Ok(None);
    };
    let Some(stream) = grid.tiles.first().map(|tile| tile.stream) else {
        return Ok(None);
    };
    let mut fresh = Input::open(ffmpeg, path).map_err(|e| format!("{}: {e}", path.display()))?;
    let options = DecoderOptions {
        threads,
        ..DecoderOptions::default()
    };
    let picture = fresh
        .decode_tile_grid(group, &options)
        .map_err(|e| format!("the picture of tile grid {group}: {e}"))?;
    Ok(Some(GridPicture { stream, picture }))
}
