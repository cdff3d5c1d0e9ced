//! The tile grid whose picture the loaded release's CLI takes as the video of an output
//! given no `-map`: from 8.1 a HEIF or AVIF photo cut into tiles is composed, where the 5.1,
//! 7.x and 8.0 CLI take one tile.

use ffmpeg_runtime::Ffmpeg;
use ffmpeg_runtime::format::{Input, Muxer, SelectedVideo};

/// The first release whose CLI composes a tile grid. Its changelog names "ffmpeg CLI tiled
/// HEIF support"; 8.0.1's CLI, run here, took the first tile.
const FIRST_COMPOSING: (u8, u8) = (8, 1);

/// Whether the loaded release's CLI composes tile grids (8.1 on).
pub fn composes_grids(ffmpeg: &Ffmpeg) -> bool {
    ffmpeg.release_version() >= FIRST_COMPOSING
}

/// The index of the grid (in `Input::stream_groups`) whose picture the loaded release's CLI
/// takes for an output written by `muxer`; `None` where it takes a stream, or none.
pub fn selected_tile_grid(input: &Input, muxer: &Muxer) -> Result<Option<usize>, String> {
    if !composes_grids(input.ffmpeg()) {
        return Ok(None);
    }
    match input.auto_selected_video_for(muxer) {
        Ok(Some(SelectedVideo::TileGrid(group))) => Ok(Some(group)),
        Ok(_) => Ok(None),
        Err(error) => Err(error.to_string()),
    }
}
