//! A typed offset into one of FFmpeg's structs: the only way the crate reads or writes a field.

use std::marker::PhantomData;

/// What a [`Field`] is of: a `T`, inside an `S`.
type Of<S, T> = PhantomData<(fn() -> T, fn(*const S))>;

/// A field of type `T` at a byte offset in the FFmpeg struct `S` (a type of
/// `sys::objects`): it reads and writes only through a pointer to an `S`.
pub(crate) struct Field<S, T> {
    offset: usize,
    _type: Of<S, T>,
}

impl<S, T> Clone for Field<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, T> Copy for Field<S, T> {}

impl<S, T> std::fmt::Debug for Field<S, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field(+{})", self.offset)
    }
}

impl<S, T: Copy> Field<S, T> {
    /// A field whose Rust type the caller has checked against the C declaration; `layout!`
    /// does that with a witness closure (`|s: &AVFrame| &s.width`) the compiler type-checks.
    pub(crate) fn at<Generated>(offset: usize, _witness: fn(&Generated) -> &T) -> Self {
        Field {
            offset,
            _type: PhantomData,
        }
    }

    /// A field whose C type is layout-identical to `T` in every family (AVRational,
    /// AVChannelLayout, pointers to structs the crate treats as opaque).
    pub(crate) fn same_layout(offset: usize) -> Self {
        Field {
            offset,
            _type: PhantomData,
        }
    }

    /// The byte offset.
    pub(crate) fn offset(self) -> usize {
        self.offset
    }

    /// Reads the field.
    ///
    /// # Safety
    ///
    /// `base` points to a live struct of the family this field's layout belongs to.
    pub(crate) unsafe fn read(self, base: *const S) -> T {
        // SAFETY: per the contract the field lies inside the struct at `base`, and FFmpeg's
        // structs align their members naturally.
        unsafe { base.cast::<u8>().add(self.offset).cast::<T>().read() }
    }

    /// Writes the field.
    ///
    /// # Safety
    ///
    /// As for [`Field::read`], and nothing else accesses the field meanwhile.
    pub(crate) unsafe fn write(self, base: *mut S, value: T) {
        // SAFETY: as for read.
        unsafe { base.cast::<u8>().add(self.offset).cast::<T>().write(value) }
    }

    /// The field's address.
    pub(crate) fn address(self, base: *const S) -> *const T {
        base.cast::<u8>().wrapping_add(self.offset).cast()
    }
}
