//! The self-check of stream groups (7.0 on): a tile-grid group added to a fresh context, its
//! fields read back as `avformat_stream_group_create` sets them, its options' offsets from
//! FFmpeg's own tables, then a stream added to it.

use std::ffi::CStr;

use super::{AbiMismatch, Checker};
use crate::abi::stream_group::KIND_TILE_GRID;
use crate::sys::objects::{AVFormatContext, AVStream};

/// # Safety
///
/// `context` is a live context of this layout's family whose only stream is `stream`; the
/// group is the context's, freed with it.
pub(super) unsafe fn stream_group(
    c: &mut Checker,
    context: *mut AVFormatContext,
    stream: *mut AVStream,
) -> Result<(), AbiMismatch> {
    let Some(l) = c.layout.stream_group else {
        return Ok(());
    };
    let f = c.functions;
    const S: &str = "AVStreamGroup";
    const T: &str = "AVStreamGroupTileGrid";
    let (Some(create), Some(add_stream)) = (
        f.avformat_stream_group_create,
        f.avformat_stream_group_add_stream,
    ) else {
        return c.expect_that(S, "(avformat_stream_group_create)", false, "bound");
    };
    // Sets an option of a live object with an AVClass; FFmpeg parses the text.
    let set = |object: *mut std::ffi::c_void, name: &CStr, value: &CStr| {
        // SAFETY: per the callers: a live object with an AVClass; both strings outlive the call.
        unsafe { (f.av_opt_set)(object, name.as_ptr(), value.as_ptr(), 0) }
    };
    // SAFETY: per the contract; FFmpeg allocates the group (and its grid) into the context's
    // list. Every read is of the group or grid this family's layout describes, as created.
    unsafe {
        let group = create(context, KIND_TILE_GRID, std::ptr::null_mut());
        c.allocated(S, group)?;
        const F: &str = "AVFormatContext";
        c.expect(F, "nb_stream_groups", 1, l.nb_stream_groups.read(context))?;
        let groups = l.stream_groups.read(context);
        let listed = !groups.is_null() && *groups == group;
        c.expect_that(F, "stream_groups", listed, "the new group")?;
        c.expect(S, "index", 0, l.index.read(group))?;
        c.expect(S, "type", KIND_TILE_GRID, l.kind.read(group))?;
        c.expect(S, "metadata", true, l.metadata.read(group).is_null())?;
        c.expect(S, "nb_streams", 0, l.nb_streams.read(group))?;
        c.option_offset(S, group, c"disposition", l.disposition)?;
        // The `id` option came after the first release with groups; without it, the default.
        let id = match set(group.cast(), c"id", c"4660") >= 0 {
            true => 4660,
            false => 0,
        };
        c.expect(S, "id", id, l.id.read(group))?;

        let grid = l.tile_grid.read(group);
        c.allocated(T, grid)?;
        let g = &l.grid;
        c.option_offset(T, grid, c"grid_size", g.coded_width)?;
        c.option_offset(T, grid, c"output_size", g.width)?;
        c.option_offset(T, grid, c"background_color", g.background)?;
        c.option_offset(T, grid, c"horizontal_offset", g.horizontal_offset)?;
        c.option_offset(T, grid, c"vertical_offset", g.vertical_offset)?;
        let black = g.background.read(grid) == [0, 0, 0, 255];
        c.expect_that(T, "background", black, "black, opaque")?;
        c.expect(T, "nb_tiles", 0, g.nb_tiles.read(grid))?;
        c.expect(T, "offsets", true, g.offsets.read(grid).is_null())?;
        if let (Some(data), Some(count)) = (g.coded_side_data, g.nb_coded_side_data) {
            c.expect(T, "coded_side_data", true, data.read(grid).is_null())?;
            c.expect(T, "nb_coded_side_data", 0, count.read(grid))?;
        }
        // An image size fills a width and the height after it.
        set(grid.cast(), c"grid_size", c"64x48");
        set(grid.cast(), c"output_size", c"60x40");
        c.expect(T, "coded_height", 48, g.coded_height.read(grid))?;
        c.expect(T, "height", 40, g.height.read(grid))?;

        c.expect(S, "(add stream)", 0, add_stream(group, stream))?;
        c.expect(S, "nb_streams", 1, l.nb_streams.read(group))?;
        let streams = l.streams.read(group);
        let first = !streams.is_null() && *streams == stream;
        c.expect_that(S, "streams", first, "the stream added")?;
    }
    Ok(())
}
