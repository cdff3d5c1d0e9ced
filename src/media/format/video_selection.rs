//! The video the ffmpeg CLI of 8.1 and later takes without `-map`, which may be the picture a
//! tile grid composes rather than a stream: [`Input::auto_selected_video`].

use super::catalog::Muxer;
use super::input::Input;
use super::stream::MediaType;
use super::stream_group::StreamGroupKind;
use super::stream_selection::{CoverPictures, MARKED_DEFAULT, READ_WHILE_OPENING};
use crate::ffmpeg::error::Result;

/// Where the video of an output comes from when no `-map` is given, as the ffmpeg CLI of
/// 8.1 and later chooses it ([`Input::auto_selected_video`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SelectedVideo {
    /// The stream at this index, decoded.
    Stream(usize),
    /// The picture that the tile grid at this index of [`Input::stream_groups`] composes
    /// ([`Input::decode_tile_grid`]): a HEIF or AVIF photo cut into tiles.
    TileGrid(usize),
}

impl Input {
    /// The video the ffmpeg CLI of 8.1 and later takes for an output when no `-map` is given:
    /// the stream [`Input::auto_selected_stream`] names, unless a tile grid of more than one
    /// tile ranks above it. The CLI ranks a grid as a stream, by its picture's size, above
    /// that where a packet of one of its streams was read while the input was opened, then
    /// where the group is marked default, and takes a stream over it only where the stream
    /// ranks strictly higher (in a phone's HEIC photo, the grid is the picture marked default,
    /// its tiles are not). The 7.x and 8.0 CLI compose no grid: they take the stream, as
    /// releases before 7.0, which declare no groups, do here too.
    pub fn auto_selected_video(&self) -> Option<SelectedVideo> {
        self.selected_video(CoverPictures::RankLast)
    }

    /// The video the ffmpeg CLI of 8.1 and later takes for an output written by `muxer` when
    /// no `-map` is given: as [`Input::auto_selected_video`], with the streams ranked as
    /// [`Input::auto_selected_stream_for`] ranks them; none for a muxer with no default video
    /// codec (WAV). The CLI ranks grids the same for every muxer, MP3's too.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`](crate::Error::ForeignObject) for a muxer of another loaded
    /// FFmpeg.
    pub fn auto_selected_video_for(&self, muxer: &Muxer) -> Result<Option<SelectedVideo>> {
        self.ffmpeg()
            .ensure_same(muxer.ffmpeg(), "Input::auto_selected_video_for", "muxer")?;
        let Some(codec) = muxer.default_video_codec() else {
            return Ok(None);
        };
        let covers = CoverPictures::for_muxer(muxer, &codec)?;
        Ok(self.selected_video(covers))
    }

    fn selected_video(&self, covers: CoverPictures) -> Option<SelectedVideo> {
        let grid = self.best_tile_grid();
        let stream = self.ranked_best(MediaType::Video, covers);
        // A stream wins only where it ranks strictly above the grid.
        let outranks =
            |(score, _): &(i64, _)| grid.is_none_or(|(grid_score, _)| *score > grid_score);
        if let Some((score, stream)) = stream.filter(outranks) {
            let taken = self.taken_at(score, stream, covers);
            return taken.map(|s| SelectedVideo::Stream(s.index()));
        }
        let (score, (index, marked)) = grid?;
        let unmarked = score - MARKED_DEFAULT * i64::from(marked);
        (unmarked > 0).then_some(SelectedVideo::TileGrid(index))
    }

    /// The tile grid of more than one tile that ranks highest (the first of equals), with its
    /// score, its index and whether it is marked default; `None` where none scores above zero.
    fn best_tile_grid(&self) -> Option<(i64, (usize, bool))> {
        let mut best: Option<(i64, (usize, bool))> = None;
        for group in self.stream_groups() {
            let StreamGroupKind::TileGrid(grid) = &group.kind else {
                continue;
            };
            // The CLI builds no graph, and so ranks nothing, for a grid of one tile.
            if grid.tiles.len() < 2 {
                continue;
            }
            let read = (group.streams.iter())
                .any(|&index| self.read_while_opening.get(index) == Some(&true));
            let marked = group.disposition & 1 != 0;
            let score = i64::from(grid.width) * i64::from(grid.height)
                + READ_WHILE_OPENING * i64::from(read)
                + MARKED_DEFAULT * i64::from(marked);
            if score > best.map_or(0, |(best, _)| best) {
                best = Some((score, (group.index, marked)));
            }
        }
        best
    }
}
