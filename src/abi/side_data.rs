//! Where side data lie: the entries of a packet's or a stream's `AVPacketSideData` array, and
//! of a frame's `AVFrameSideData` pointers. Both give their size as an `int` in 4.x and a
//! `size_t` since.

use std::ffi::c_int;

use super::field::Field;
use crate::loader::functions::Functions;
use crate::sys::objects::{AVDictionary, AVFrameSideData, AVPacketSideData};

/// One entry of an `AVPacketSideData` array.
#[derive(Debug, Clone)]
pub(crate) struct PacketSideDataLayout {
    /// `sizeof(AVPacketSideData)`: the stride of an array of them.
    pub entry_size: usize,
    pub data: Field<AVPacketSideData, *const u8>,
    pub size_int: Option<Field<AVPacketSideData, c_int>>,
    pub size_wide: Option<Field<AVPacketSideData, usize>>,
    pub kind: Field<AVPacketSideData, u32>,
}

/// One `AVFrameSideData`, which a frame holds by pointer.
#[derive(Debug, Clone)]
pub(crate) struct FrameSideDataLayout {
    pub kind: Field<AVFrameSideData, u32>,
    pub data: Field<AVFrameSideData, *const u8>,
    pub size_int: Option<Field<AVFrameSideData, c_int>>,
    pub size_wide: Option<Field<AVFrameSideData, usize>>,
    pub metadata: Field<AVFrameSideData, *const AVDictionary>,
    /// 4.x numbers two QP-table kinds after the ICC profile (16 and 17), which 5.0 removed:
    /// there every later kind's number is two higher than since.
    pub qp_tables_numbered: bool,
}

/// One frame side data entry as [`FrameSideDataLayout::entries`] reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FrameSideDataEntry<'a> {
    /// `AV_FRAME_DATA_*` as the loaded release numbers it.
    pub kind: u32,
    pub bytes: &'a [u8],
    /// The entry's own key-value pairs (an ICC profile's name), or NULL.
    pub metadata: *const AVDictionary,
}

/// The first kind whose number 5.0 lowered by two, and how many 4.x had before it.
const FIRST_RENUMBERED_FRAME_KIND: u32 = 16;
const QP_TABLE_KINDS: u32 = 2;

impl PacketSideDataLayout {
    /// The `AV_PKT_DATA_*` kind and bytes of the `count` entries of an `AVPacketSideData`
    /// array.
    ///
    /// # Safety
    ///
    /// `entries` is NULL or points to `count` live entries of this layout's family, whose
    /// data stay alive and unchanged for `'a`.
    pub(crate) unsafe fn entries<'a>(
        &self,
        entries: *const AVPacketSideData,
        count: c_int,
    ) -> Vec<(u32, &'a [u8])> {
        if entries.is_null() {
            return Vec::new();
        }
        (0..usize::try_from(count).unwrap_or(0))
            .map(|index| {
                // SAFETY: per the contract `entries` holds `count` entries of `entry_size` bytes.
                let entry = unsafe { entries.byte_add(index * self.entry_size) };
                // SAFETY: fields of a live entry of this family; the size field is the one the
                // family has; the bytes are the entry's, alive for `'a`.
                unsafe {
                    let size = read_size(entry, self.size_int, self.size_wide);
                    (self.kind.read(entry), bytes(self.data.read(entry), size))
                }
            })
            .collect()
    }
}

impl FrameSideDataLayout {
    /// The `count` entries that `entries` points to, NULL ones left out.
    ///
    /// # Safety
    ///
    /// `entries` is NULL or points to `count` pointers, each NULL or to a live entry of this
    /// layout's family, whose data stay alive and unchanged for `'a`.
    pub(crate) unsafe fn entries<'a>(
        &self,
        entries: *const *const AVFrameSideData,
        count: c_int,
    ) -> impl Iterator<Item = FrameSideDataEntry<'a>> {
        let count = match entries.is_null() {
            true => 0,
            false => usize::try_from(count).unwrap_or(0),
        };
        (0..count)
            // SAFETY: per the contract `entries` holds `count` pointers.
            .map(move |index| unsafe { *entries.add(index) })
            .filter(|entry| !entry.is_null())
            .map(|entry| {
                // SAFETY: a live entry of this family, whose bytes FFmpeg filled (every
                // decoder and helper that adds side data writes or zeroes it), alive for `'a`.
                unsafe {
                    let (kind, data, size, metadata) = self.fields(entry);
                    FrameSideDataEntry {
                        kind,
                        bytes: bytes(data, size),
                        metadata,
                    }
                }
            })
    }

    /// Appends an entry of `kind` holding `bytes` to the `AVFrameSideData` array at `entries`
    /// (its count at `count`), as `av_frame_side_data_new` makes one: `false` where none was
    /// made (out of memory, or a release without the function).
    ///
    /// # Safety
    ///
    /// `functions` are the loaded library's, of this layout's family; `entries` and `count`
    /// point to a live array (or NULL) and its count, whose holder frees the entry with it.
    pub(crate) unsafe fn append_entry(
        &self,
        functions: &Functions,
        entries: *mut *mut *mut AVFrameSideData,
        count: *mut c_int,
        kind: u32,
        bytes: &[u8],
    ) -> bool {
        let Some(new_entry) = functions.av_frame_side_data_new else {
            return false;
        };
        // SAFETY: per the contract; FFmpeg allocates `bytes.len()` bytes for the entry (or
        // returns NULL), all written here before anything reads them.
        unsafe {
            let entry = new_entry(entries, count, kind, bytes.len(), 0);
            if entry.is_null() {
                return false;
            }
            let (_, data, _, _) = self.fields(entry);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data.cast_mut(), bytes.len());
        }
        true
    }

    /// An entry's kind, data pointer, size and metadata, as they are (the self-check reads
    /// an entry whose bytes are still uninitialised this way, with no slice over them).
    ///
    /// # Safety
    ///
    /// `entry` points to a live entry of this layout's family.
    pub(crate) unsafe fn fields(
        &self,
        entry: *const AVFrameSideData,
    ) -> (u32, *const u8, usize, *const AVDictionary) {
        // SAFETY: per the contract; the size field is the one the family has.
        unsafe {
            let size = read_size(entry, self.size_int, self.size_wide);
            let metadata = self.metadata.read(entry);
            (self.kind.read(entry), self.data.read(entry), size, metadata)
        }
    }

    /// `kind` as 5.0 and later number it (the numbering of `constants::FRAME_DATA_*`);
    /// `None` for 4.x's QP tables, which have no number since.
    pub(crate) fn number_since_5(&self, kind: u32) -> Option<u32> {
        match kind.checked_sub(FIRST_RENUMBERED_FRAME_KIND) {
            Some(past) if self.qp_tables_numbered => past
                .checked_sub(QP_TABLE_KINDS)
                .map(|past| past + FIRST_RENUMBERED_FRAME_KIND),
            _ => Some(kind),
        }
    }

    /// The loaded release's number for `kind`, numbered as 5.0 and later number it.
    pub(crate) fn number_here(&self, kind: u32) -> u32 {
        match kind >= FIRST_RENUMBERED_FRAME_KIND && self.qp_tables_numbered {
            true => kind + QP_TABLE_KINDS,
            false => kind,
        }
    }
}

/// The size field the family has.
///
/// # Safety
///
/// `entry` points to a live entry of the family these fields describe.
unsafe fn read_size<S>(
    entry: *const S,
    size_int: Option<Field<S, c_int>>,
    size_wide: Option<Field<S, usize>>,
) -> usize {
    // SAFETY: per the contract.
    unsafe {
        match (size_int, size_wide) {
            (Some(size), _) => usize::try_from(size.read(entry)).unwrap_or(0),
            (None, Some(size)) => size.read(entry),
            (None, None) => 0,
        }
    }
}

/// # Safety
///
/// `data` is NULL or points to `size` bytes alive and unchanged for `'a`.
unsafe fn bytes<'a>(data: *const u8, size: usize) -> &'a [u8] {
    match data.is_null() {
        true => &[],
        // SAFETY: per the contract.
        false => unsafe { std::slice::from_raw_parts(data, size) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbering(qp_tables_numbered: bool) -> FrameSideDataLayout {
        FrameSideDataLayout {
            kind: Field::same_layout(0),
            data: Field::same_layout(8),
            size_int: None,
            size_wide: None,
            metadata: Field::same_layout(24),
            qp_tables_numbered,
        }
    }

    #[test]
    fn kinds_after_the_icc_profile_are_two_higher_in_4x() {
        let (old, new) = (numbering(true), numbering(false));
        // The ICC profile (15) and those before keep their numbers; S12M timecodes are 18
        // in 4.x and 16 since; the QP tables have no number since.
        for (kind, since) in [(15, Some(15)), (16, None), (17, None), (18, Some(16))] {
            assert_eq!(old.number_since_5(kind), since);
        }
        assert_eq!(new.number_since_5(16), Some(16));
        assert_eq!(old.number_here(16), 18);
        assert_eq!(old.number_here(6), 6);
        assert_eq!(new.number_here(16), 16);
    }
}
