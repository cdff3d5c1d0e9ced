//! [`Plane`] and [`PlaneMut`]: a frame's pixels or samples, row by row.
//!
//! A picture's rows lie `stride` bytes apart (upwards in memory where the stride is
//! negative, as `vflip` leaves a picture), and the bytes between the end of one row's
//! pixels and the start of the next row are padding that decoders leave uninitialised. Rust
//! may not read uninitialised memory through a `&[u8]`, so a plane is never one slice over
//! rows and padding: it hands out each row's pixels ([`Plane::row`], [`Plane::rows`]), and
//! one slice only where the rows are back to back ([`Plane::contiguous`]).
//!
//! This costs nothing per frame: nothing is copied or filled, and a row is a pointer and a
//! length. Decoding 1080p H.264 and converting each frame to RGBA through the rows ran at the
//! same speed as through whole-plane slices before (BENCHMARKS.md).

use std::marker::PhantomData;
use std::ptr::NonNull;

/// Where one plane's rows are: `rows` rows of `row_len` bytes, row `i` at `start + i ×
/// stride` (a negative stride: rows going up in memory).
///
/// Whoever makes a `Span` vouches that `row_len <= |stride|` when there is more than one
/// row, and that the `row_len` bytes of every row are initialised and inside one live
/// allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: NonNull<u8>,
    pub row_len: usize,
    pub rows: usize,
    pub stride: isize,
}

impl Span {
    /// Row `index`'s first byte; `index < rows`.
    fn row_start(&self, index: usize) -> *mut u8 {
        debug_assert!(index < self.rows);
        // The rows lie in one allocation (the `Span` contract), so the offset stays in it.
        self.start
            .as_ptr()
            .wrapping_offset(index as isize * self.stride)
    }

    /// Every row back to back, when they are: one row, or no padding between rows.
    fn contiguous_len(&self) -> Option<usize> {
        (self.rows <= 1 || self.stride == self.row_len as isize).then(|| self.row_len * self.rows)
    }

    /// The row lowest in memory: the first, or the last where rows go up.
    pub fn lowest_row(&self) -> *mut u8 {
        match self.rows {
            0 => self.start.as_ptr(),
            rows if self.stride < 0 => self.row_start(rows - 1),
            _ => self.start.as_ptr(),
        }
    }
}

/// One plane of a picture (luma, a chroma plane, …) or of audio (one channel when planar,
/// all of them interleaved otherwise), read-only.
///
/// Rows hold exactly the plane's pixels (or samples): [`row_len`](Plane::row_len) bytes each,
/// [`stride`](Plane::stride) bytes apart in memory (a negative stride where rows go up in
/// memory: what `vflip` gives, its rows read in place). The padding between rows is never
/// reachable, because decoders leave it uninitialised.
///
/// Audio has one row, and its stride is its length. For a planar sample format (`fltp`,
/// `s16p`) there is one plane per channel, in the layout's order, each row `samples ×
/// bytes per sample` long; for a packed one (`s16`, `flt`) one plane of interleaved samples
/// (left, right, left, … for stereo), `samples × channels × bytes per sample` long. FFmpeg's
/// padding after the samples is not part of the row.
#[derive(Clone, Copy)]
pub struct Plane<'a> {
    span: Span,
    _bytes: PhantomData<&'a [u8]>,
}

// SAFETY: a `Plane` is a shared view of initialised bytes, as a `&[u8]` is, which is `Send`
// and `Sync`; nothing writes them while it lives (see `Plane::new`).
unsafe impl Send for Plane<'_> {}
// SAFETY: as above.
unsafe impl Sync for Plane<'_> {}

impl<'a> Plane<'a> {
    /// # Safety
    ///
    /// `span` keeps the [`Span`] contract for `'a`, and nothing writes those bytes for `'a`.
    pub(crate) unsafe fn new(span: Span) -> Plane<'a> {
        Plane {
            span,
            _bytes: PhantomData,
        }
    }

    /// A plane over `bytes` held elsewhere (for tests of code that reads planes): `rows` rows of `row_len` bytes, `stride` apart.
    /// `None` when `bytes` is too short or the rows would overlap.
    #[cfg(test)]
    pub(crate) fn over(
        bytes: &'a [u8],
        row_len: usize,
        rows: usize,
        stride: usize,
    ) -> Option<Self> {
        let needed = match rows {
            0 => 0,
            rows => stride.checked_mul(rows - 1)?.checked_add(row_len)?,
        };
        if needed > bytes.len() || (rows > 1 && row_len > stride) {
            return None;
        }
        let span = Span {
            start: NonNull::from(bytes).cast(),
            row_len,
            rows,
            stride: isize::try_from(stride).ok()?,
        };
        // SAFETY: every row lies within `bytes`, initialised and borrowed for 'a.
        Some(unsafe { Plane::new(span) })
    }

    /// Bytes of pixels (or samples) in each row.
    pub fn row_len(&self) -> usize {
        self.span.row_len
    }

    /// Where its rows are, for views that step over the padding between them.
    #[cfg(feature = "ndarray")]
    pub(super) fn span(&self) -> &Span {
        &self.span
    }

    /// The number of rows (1 for audio).
    pub fn row_count(&self) -> usize {
        self.span.rows
    }

    /// Bytes from the start of one row to the start of the next, padding included (for
    /// audio's one row, its length); negative where each row lies before the one above it
    /// in memory (a picture from `vflip`).
    pub fn stride(&self) -> isize {
        self.span.stride
    }

    /// The pixels of row `index` (`row_len` bytes), or `None` past the last row.
    pub fn row(&self, index: usize) -> Option<&'a [u8]> {
        (index < self.span.rows).then(|| {
            // SAFETY: a row of the span, initialised and unwritten for 'a (`Plane::new`).
            unsafe { std::slice::from_raw_parts(self.span.row_start(index), self.span.row_len) }
        })
    }

    /// Every row, top to bottom.
    pub fn rows(&self) -> PlaneRows<'a> {
        PlaneRows {
            plane: *self,
            next: 0,
            end: self.span.rows,
        }
    }

    /// All rows as one slice, when they are back to back (one row, as audio has, or rows with
    /// no padding between them); `None` otherwise.
    pub fn contiguous(&self) -> Option<&'a [u8]> {
        let len = self.span.contiguous_len()?;
        // SAFETY: the rows are back to back, so the `len` bytes are exactly theirs.
        Some(unsafe { std::slice::from_raw_parts(self.span.start.as_ptr(), len) })
    }
}

impl std::fmt::Debug for Plane<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plane")
            .field("row_len", &self.span.row_len)
            .field("rows", &self.span.rows)
            .field("stride", &self.span.stride)
            .finish()
    }
}

/// The rows of a [`Plane`], top to bottom.
#[derive(Clone, Debug)]
pub struct PlaneRows<'a> {
    plane: Plane<'a>,
    next: usize,
    end: usize,
}

impl<'a> Iterator for PlaneRows<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.next == self.end {
            return None;
        }
        self.next += 1;
        self.plane.row(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.end - self.next, Some(self.end - self.next))
    }
}

impl DoubleEndedIterator for PlaneRows<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next == self.end {
            return None;
        }
        self.end -= 1;
        self.plane.row(self.end)
    }
}

impl ExactSizeIterator for PlaneRows<'_> {}

/// One plane of a frame, writable: from [`Frame::planes_mut`](crate::Frame::planes_mut),
/// which first makes the frame's buffers its own. As with [`Plane`], only the pixels of each
/// row are reachable.
pub struct PlaneMut<'a> {
    span: Span,
    _bytes: PhantomData<&'a mut [u8]>,
}

// SAFETY: a `PlaneMut` is an exclusive view of initialised bytes, as a `&mut [u8]` is, which
// is `Send` and `Sync`.
unsafe impl Send for PlaneMut<'_> {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for PlaneMut<'_> {}

impl<'a> PlaneMut<'a> {
    /// # Safety
    ///
    /// `span` keeps the [`Span`] contract for `'a`, nothing else reads or writes those bytes
    /// for `'a`, and no other `PlaneMut` overlaps them.
    pub(crate) unsafe fn new(span: Span) -> PlaneMut<'a> {
        PlaneMut {
            span,
            _bytes: PhantomData,
        }
    }

    /// Bytes of pixels (or samples) in each row.
    pub fn row_len(&self) -> usize {
        self.span.row_len
    }

    /// The number of rows (1 for audio).
    pub fn row_count(&self) -> usize {
        self.span.rows
    }

    /// Bytes from the start of one row to the start of the next, padding included;
    /// negative where rows go up in memory.
    pub fn stride(&self) -> isize {
        self.span.stride
    }

    /// The plane, read-only, for as long as this borrow.
    pub fn as_plane(&self) -> Plane<'_> {
        // SAFETY: the same span, borrowed shared from the exclusive view.
        unsafe { Plane::new(self.span) }
    }

    /// The pixels of row `index`, writable, or `None` past the last row.
    pub fn row_mut(&mut self, index: usize) -> Option<&mut [u8]> {
        (index < self.span.rows).then(|| {
            // SAFETY: a row of the span, this view's alone, borrowed through `&mut self`.
            unsafe { std::slice::from_raw_parts_mut(self.span.row_start(index), self.span.row_len) }
        })
    }

    /// Every row, top to bottom, writable.
    pub fn rows_mut(&mut self) -> PlaneRowsMut<'_> {
        PlaneRowsMut {
            span: self.span,
            next: 0,
            end: self.span.rows,
            _bytes: PhantomData,
        }
    }

    /// All rows as one writable slice, when they are back to back; `None` otherwise.
    pub fn contiguous_mut(&mut self) -> Option<&mut [u8]> {
        let len = self.span.contiguous_len()?;
        // SAFETY: the rows are back to back, so the `len` bytes are exactly this view's.
        Some(unsafe { std::slice::from_raw_parts_mut(self.span.start.as_ptr(), len) })
    }

    /// Sets every pixel byte of the plane to `value`.
    pub fn fill(&mut self, value: u8) {
        self.rows_mut().for_each(|row| row.fill(value));
    }
}

impl std::fmt::Debug for PlaneMut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PlaneMut").field(&self.as_plane()).finish()
    }
}

/// The rows of a [`PlaneMut`], top to bottom, each writable.
#[derive(Debug)]
pub struct PlaneRowsMut<'a> {
    span: Span,
    next: usize,
    end: usize,
    _bytes: PhantomData<&'a mut [u8]>,
}

// SAFETY: hands out disjoint `&mut [u8]` rows of an exclusive view, as `ChunksMut` does.
unsafe impl Send for PlaneRowsMut<'_> {}
// SAFETY: as above; `&PlaneRowsMut` gives no access to the bytes.
unsafe impl Sync for PlaneRowsMut<'_> {}

impl<'a> PlaneRowsMut<'a> {
    fn row(&self, index: usize) -> &'a mut [u8] {
        // SAFETY: rows are disjoint (row_len <= |stride|) and each index is handed out once,
        // from the exclusive borrow this iterator holds for 'a.
        unsafe { std::slice::from_raw_parts_mut(self.span.row_start(index), self.span.row_len) }
    }
}

impl<'a> Iterator for PlaneRowsMut<'a> {
    type Item = &'a mut [u8];

    fn next(&mut self) -> Option<&'a mut [u8]> {
        if self.next == self.end {
            return None;
        }
        self.next += 1;
        Some(self.row(self.next - 1))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.end - self.next, Some(self.end - self.next))
    }
}

impl DoubleEndedIterator for PlaneRowsMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next == self.end {
            return None;
        }
        self.end -= 1;
        Some(self.row(self.end))
    }
}

impl ExactSizeIterator for PlaneRowsMut<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stop_at_the_pixels_and_skip_the_padding() {
        let bytes: Vec<u8> = (0..20).collect();
        let plane = Plane::over(&bytes, 3, 4, 5).unwrap();
        let rows: Vec<&[u8]> = plane.rows().collect();
        assert_eq!(
            rows,
            [&[0, 1, 2][..], &[5, 6, 7], &[10, 11, 12], &[15, 16, 17]]
        );
        assert_eq!(plane.rows().next_back(), Some(&[15, 16, 17][..]));
        assert_eq!(plane.row(4), None);
        assert_eq!(plane.contiguous(), None);
        let packed = Plane::over(&bytes, 5, 4, 5).unwrap();
        assert_eq!(packed.contiguous(), Some(&bytes[..]));
        // Too short, or overlapping rows, are refused.
        assert!(Plane::over(&bytes, 3, 5, 5).is_none());
        assert!(Plane::over(&bytes, 6, 2, 5).is_none());
        assert!(Plane::over(&bytes, 1, usize::MAX, usize::MAX).is_none());
    }
}
