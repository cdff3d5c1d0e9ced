//! The tile grid whose picture the loaded release's CLI takes as the video of an output
//! given no `-map`: from 8.0 a HEIF or AVIF photo cut into tiles is composed, where the 5.1
//! and 7.x CLI take one tile.

use ffmpeg_runtime::format::{Input, Muxer, SelectedVideo};

/// The first release whose CLI composes a tile grid.
const FIRST_COMPOSING_MAJOR: u8 = 8;

/// The index of the grid (in `Input::stream_groups`) whose picture the loaded release's CLI
/// takes for an output written by `muxer`; `None` where it takes a stream, or none.
pub fn selected_tile_grid(input: &Input, muxer: &Muxer) -> Result<Option<usize>, String> {
    if input.ffmpeg().family().ffmpeg_major() < FIRST_COMPOSING_MAJOR {
        return Ok(None);
    }
    match input.auto_selected_video_for(muxer) {
        Ok(Some(SelectedVideo::TileGrid(group))) => Ok(Some(group)),
        Ok(_) => Ok(None),
        Err(error) => Err(error.to_string()),
    }
}
