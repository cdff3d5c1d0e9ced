//! Stream groups (libavformat 61, 7.0 on): streams of a container that make one thing
//! together, such as the tiles of a HEIF picture or the substreams of an IAMF presentation.
//! Families before 7.0 have none.

use std::ffi::{c_int, c_uint};

use super::field::Field;
use crate::sys::objects::{
    AVDictionary, AVFormatContext, AVPacketSideData, AVStream, AVStreamGroup, AVStreamGroupTileGrid,
};

/// `AVStreamGroupParamsType`'s values the crate reads, the same in every family that has
/// groups.
pub(crate) const KIND_IAMF_AUDIO_ELEMENT: c_uint = 1;
pub(crate) const KIND_IAMF_MIX_PRESENTATION: c_uint = 2;
pub(crate) const KIND_TILE_GRID: c_uint = 3;

/// Where a container's groups and their fields lie.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamGroupLayout {
    pub nb_stream_groups: Field<AVFormatContext, c_uint>,
    pub stream_groups: Field<AVFormatContext, *mut *mut AVStreamGroup>,
    pub index: Field<AVStreamGroup, c_uint>,
    pub id: Field<AVStreamGroup, i64>,
    /// `AVStreamGroupParamsType`.
    pub kind: Field<AVStreamGroup, c_uint>,
    /// The `params` union read as its tile-grid member: valid only where `kind` says so.
    pub tile_grid: Field<AVStreamGroup, *mut AVStreamGroupTileGrid>,
    pub metadata: Field<AVStreamGroup, *mut AVDictionary>,
    pub nb_streams: Field<AVStreamGroup, c_uint>,
    pub streams: Field<AVStreamGroup, *mut *mut AVStream>,
    pub disposition: Field<AVStreamGroup, c_int>,
    pub grid: TileGridLayout,
}

/// `AVStreamGroupTileGrid`'s fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TileGridLayout {
    pub nb_tiles: Field<AVStreamGroupTileGrid, c_uint>,
    pub coded_width: Field<AVStreamGroupTileGrid, c_int>,
    pub coded_height: Field<AVStreamGroupTileGrid, c_int>,
    pub offsets: Field<AVStreamGroupTileGrid, *const TileOffset>,
    pub background: Field<AVStreamGroupTileGrid, [u8; 4]>,
    pub horizontal_offset: Field<AVStreamGroupTileGrid, c_int>,
    pub vertical_offset: Field<AVStreamGroupTileGrid, c_int>,
    pub width: Field<AVStreamGroupTileGrid, c_int>,
    pub height: Field<AVStreamGroupTileGrid, c_int>,
    /// Since libavformat 62 (8.0).
    pub coded_side_data: Option<Field<AVStreamGroupTileGrid, *const AVPacketSideData>>,
    pub nb_coded_side_data: Option<Field<AVStreamGroupTileGrid, c_int>>,
}

/// One tile of a grid (the element of `AVStreamGroupTileGrid.offsets`, the same in every
/// family; the layout proves it against the generated struct).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TileOffset {
    /// The tile's stream, as an index into the group's streams.
    pub stream: c_uint,
    /// Where its top left corner lies on the canvas.
    pub horizontal: c_int,
    pub vertical: c_int,
}
