//! Stream groups (7.0 on): streams of a container that make one thing together, such as the
//! tiles of a HEIF picture or the substreams of an IAMF presentation (ffprobe's
//! `-show_stream_groups`).

use super::SideData;
use super::input::Input;
use super::tile_grid::{Tile, TileGrid};
use crate::abi::stream_group::{
    KIND_IAMF_AUDIO_ELEMENT, KIND_IAMF_MIX_PRESENTATION, KIND_TILE_GRID, StreamGroupLayout,
    TileOffset,
};
use crate::ffmpeg::Ffmpeg;
use crate::media::side_data::SideDataValue;
use crate::sys::objects::{AVStreamGroup, AVStreamGroupTileGrid};

/// A group of streams a container declares: what they make together, and which they are.
/// Releases before 7.0 declare none.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamGroup {
    /// Its place in the container's list of groups.
    pub index: usize,
    /// Its id in the container (HEIF: the grid's item id; IAMF: the element's or
    /// presentation's id).
    pub id: i64,
    /// What the streams make together.
    pub kind: StreamGroupKind,
    /// FFmpeg's name for the kind ("Tile Grid", "IAMF Audio Element", …), as ffprobe prints it.
    pub kind_name: String,
    /// The container's indexes of its streams, in the group's order.
    pub streams: Vec<usize>,
    /// `AV_DISPOSITION_*` bits, as [`Stream::disposition`](super::Stream::disposition).
    pub disposition: u32,
    /// Its tags in order (HEIF: the picture's `title`).
    pub metadata: Vec<(String, String)>,
}

impl StreamGroup {
    /// Every disposition `ffmpeg` (the group's) names, in ffprobe's order, with whether the
    /// group has it, as [`Stream::dispositions`](super::Stream::dispositions).
    pub fn dispositions<'a>(&self, ffmpeg: &'a Ffmpeg) -> Vec<(&'a str, bool)> {
        super::stream_facts::disposition_names(ffmpeg, self.disposition)
    }
}

/// What the streams of a [`StreamGroup`] make together.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamGroupKind {
    /// One picture cut into tiles, each tile a stream of one coded picture (HEIF and AVIF
    /// grids).
    TileGrid(TileGrid),
    /// An IAMF audio element: the substreams that make one channel-based or ambisonic sound.
    IamfAudioElement,
    /// An IAMF mix presentation: how audio elements mix into what is played.
    IamfMixPresentation,
    /// A kind the crate does not read (LCEVC enhancement layers, 9.0's track references and
    /// Dolby Vision layers): `AVStreamGroupParamsType`'s value.
    Other(u32),
}

impl Input {
    /// The groups of streams the container declares, in its order: a HEIF or AVIF picture
    /// cut into tiles, an IAMF stream's elements and presentations. Empty before 7.0, which
    /// has no groups, and for most containers.
    pub fn stream_groups(&self) -> Vec<StreamGroup> {
        let ffmpeg = self.ffmpeg();
        let Some(layout) = ffmpeg.layout().stream_group else {
            return Vec::new();
        };
        let context = self.context_ptr();
        // SAFETY: the live context holds `nb_stream_groups` group pointers, read through this
        // family's proven fields; the groups live as long as the context.
        let groups = unsafe {
            let count = layout.nb_stream_groups.read(context) as usize;
            let groups = layout.stream_groups.read(context);
            match groups.is_null() {
                true => Vec::new(),
                false => std::slice::from_raw_parts(groups, count).to_vec(),
            }
        };
        groups
            .into_iter()
            .filter(|group| !group.is_null())
            // SAFETY: each a live group of this context.
            .map(|group| unsafe { self.stream_group(&layout, group) })
            .collect()
    }

    /// # Safety
    ///
    /// `group` is a live group of this input's context, of `layout`'s family.
    unsafe fn stream_group(
        &self,
        layout: &StreamGroupLayout,
        group: *mut AVStreamGroup,
    ) -> StreamGroup {
        let ffmpeg = self.ffmpeg();
        let stream_index = ffmpeg.layout().stream.index;
        // SAFETY: per the contract: the group's streams are live streams of the context, and
        // its kind says which member of its `params` union is set.
        unsafe {
            let count = layout.nb_streams.read(group) as usize;
            let streams = layout.streams.read(group);
            let streams: Vec<usize> = match streams.is_null() {
                true => Vec::new(),
                false => std::slice::from_raw_parts(streams, count)
                    .iter()
                    .map(|&stream| stream_index.read(stream) as usize)
                    .collect(),
            };
            let code = layout.kind.read(group);
            let kind = match code {
                KIND_IAMF_AUDIO_ELEMENT => StreamGroupKind::IamfAudioElement,
                KIND_IAMF_MIX_PRESENTATION => StreamGroupKind::IamfMixPresentation,
                KIND_TILE_GRID => match layout.tile_grid.read(group) {
                    grid if grid.is_null() => StreamGroupKind::Other(code),
                    grid => StreamGroupKind::TileGrid(tile_grid(ffmpeg, layout, grid, &streams)),
                },
                _ => StreamGroupKind::Other(code),
            };
            let name = ffmpeg
                .functions()
                .avformat_stream_group_name
                .map(|name| crate::sys::c_text(name(code)))
                .unwrap_or_default();
            StreamGroup {
                index: layout.index.read(group) as usize,
                id: layout.id.read(group),
                kind,
                kind_name: name,
                streams,
                disposition: layout.disposition.read(group) as u32,
                metadata: crate::abi::dictionary_entries(
                    layout.metadata.read(group),
                    ffmpeg.functions().av_dict_get,
                ),
            }
        }
    }
}

/// What the grid's own side data say (8.0 on).
///
/// # Safety
///
/// `grid` is the live tile grid of a group of `layout`'s family.
unsafe fn grid_side_data(
    ffmpeg: &Ffmpeg,
    layout: &StreamGroupLayout,
    grid: *mut AVStreamGroupTileGrid,
) -> Vec<SideDataValue> {
    let (Some(data), Some(count)) = (layout.grid.coded_side_data, layout.grid.nb_coded_side_data)
    else {
        return Vec::new();
    };
    // SAFETY: per the contract: the grid's array of `count` entries, which live as long as
    // the group; the values are copied out before it returns.
    let entries = unsafe {
        ffmpeg
            .layout()
            .packet_side_data
            .entries(data.read(grid), count.read(grid))
    };
    entries
        .into_iter()
        .map(|(kind, bytes)| SideData::new(ffmpeg, kind, bytes).value())
        .collect()
}

/// The grid's fields; a tile whose stream is not one of the group's is left out.
///
/// # Safety
///
/// `grid` is the live tile grid of a group of `layout`'s family, whose streams are `streams`.
unsafe fn tile_grid(
    ffmpeg: &Ffmpeg,
    layout: &StreamGroupLayout,
    grid: *mut AVStreamGroupTileGrid,
    streams: &[usize],
) -> TileGrid {
    let g = &layout.grid;
    let unsigned = |value: i32| value.max(0) as u32;
    // SAFETY: per the contract; `offsets` holds `nb_tiles` entries.
    unsafe {
        let offsets = g.offsets.read(grid);
        let offsets: &[TileOffset] = match offsets.is_null() {
            true => &[],
            false => std::slice::from_raw_parts(offsets, g.nb_tiles.read(grid) as usize),
        };
        TileGrid {
            coded_width: unsigned(g.coded_width.read(grid)),
            coded_height: unsigned(g.coded_height.read(grid)),
            horizontal_offset: unsigned(g.horizontal_offset.read(grid)),
            vertical_offset: unsigned(g.vertical_offset.read(grid)),
            width: unsigned(g.width.read(grid)),
            height: unsigned(g.height.read(grid)),
            background: g.background.read(grid),
            side_data: grid_side_data(ffmpeg, layout, grid),
            tiles: offsets
                .iter()
                .filter_map(|offset| {
                    Some(Tile {
                        stream: *streams.get(offset.stream as usize)?,
                        horizontal: unsigned(offset.horizontal),
                        vertical: unsigned(offset.vertical),
                    })
                })
                .collect(),
        }
    }
}
