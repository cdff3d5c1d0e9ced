//! The display-management extension blocks of a Dolby Vision RPU, which FFmpeg 7.1 and later
//! add to `AVDOVIMetadata`: per block an `AVDOVIDmData`, its level then a union of the
//! levels' structs.

use super::Bytes;

// In `AVDOVIMetadata`, after the three offsets: where the blocks start, each one's size,
// and how many there are.
const BLOCKS_OFFSET: usize = 24;
const BLOCK_SIZE: usize = 32;
const BLOCK_COUNT: usize = 40;
/// `AV_DOVI_MAX_EXT_BLOCKS`.
const MOST_BLOCKS: usize = 32;
/// Where the level's struct starts in `AVDOVIDmData` (the union holds `AVRational`s).
const LEVEL_STRUCT: usize = 4;
/// The largest level's struct FFmpeg reads here (level 2's), from the block's start.
const READ_SIZE: usize = LEVEL_STRUCT + 14;

/// One display-management extension block: metadata for mapping the picture to a display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DolbyVisionExtension {
    /// Level 1: the picture's brightness, as 12-bit PQ codes.
    Level1 {
        /// The darkest.
        min_pq: u16,
        /// The brightest.
        max_pq: u16,
        /// The average.
        avg_pq: u16,
    },
    /// Level 2: trims for one target display.
    Level2 {
        /// The target display's brightest, as a 12-bit PQ code.
        target_max_pq: u16,
        /// The slope trim.
        trim_slope: u16,
        /// The offset trim.
        trim_offset: u16,
        /// The power trim.
        trim_power: u16,
        /// The chroma weight trim.
        trim_chroma_weight: u16,
        /// The saturation gain trim.
        trim_saturation_gain: u16,
        /// The weight of mid-tone detail, -1 to 4095.
        ms_weight: i16,
    },
    /// Level 5: the active area, as offsets from each edge in pixels.
    Level5 {
        /// From the left edge.
        left_offset: u16,
        /// From the right edge.
        right_offset: u16,
        /// From the top.
        top_offset: u16,
        /// From the bottom.
        bottom_offset: u16,
    },
    /// Level 6: HDR10's static metadata.
    Level6 {
        /// The mastering display's greatest luminance, in cd/m².
        max_luminance: u16,
        /// Its least, in 1/10000 cd/m².
        min_luminance: u16,
        /// MaxCLL.
        max_cll: u16,
        /// MaxFALL.
        max_fall: u16,
    },
    /// Another level (3, 4, 8–11, 254, 255), not described here.
    Other {
        /// The level.
        level: u8,
    },
}

/// The blocks of an `AVDOVIMetadata` of 7.1 or later; `Some(None)` before, where the struct
/// ends before the blocks' fields (the header, at `header_at`, follows it); `None` for blocks
/// past the entry or their array.
pub(crate) fn decode(b: &Bytes<'_>, header_at: usize) -> Option<Option<Vec<DolbyVisionExtension>>> {
    if header_at < BLOCK_COUNT + 4 {
        return Some(None);
    }
    let first = usize::try_from(b.u64(BLOCKS_OFFSET)?).ok()?;
    let size = usize::try_from(b.u64(BLOCK_SIZE)?).ok()?;
    let count = usize::try_from(b.i32(BLOCK_COUNT)?).ok()?;
    // Every block whole inside the entry, so that no offset read below overflows.
    let end = size.checked_mul(count)?.checked_add(first)?;
    if count > MOST_BLOCKS || (count > 0 && size < READ_SIZE) || end > b.0.len() {
        return None;
    }
    let block = |i: usize| block(b, first + i * size);
    Some(Some((0..count).map(block).collect::<Option<_>>()?))
}

fn block(b: &Bytes<'_>, at: usize) -> Option<DolbyVisionExtension> {
    let word = |i: usize| b.u16(at + LEVEL_STRUCT + 2 * i);
    Some(match b.u8(at)? {
        1 => DolbyVisionExtension::Level1 {
            min_pq: word(0)?,
            max_pq: word(1)?,
            avg_pq: word(2)?,
        },
        2 => DolbyVisionExtension::Level2 {
            target_max_pq: word(0)?,
            trim_slope: word(1)?,
            trim_offset: word(2)?,
            trim_power: word(3)?,
            trim_chroma_weight: word(4)?,
            trim_saturation_gain: word(5)?,
            ms_weight: word(6)? as i16,
        },
        5 => DolbyVisionExtension::Level5 {
            left_offset: word(0)?,
            right_offset: word(1)?,
            top_offset: word(2)?,
            bottom_offset: word(3)?,
        },
        6 => DolbyVisionExtension::Level6 {
            max_luminance: word(0)?,
            min_luminance: word(1)?,
            max_cll: word(2)?,
            max_fall: word(3)?,
        },
        level => DolbyVisionExtension::Other { level },
    })
}
