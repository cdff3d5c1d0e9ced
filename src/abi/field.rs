//! A typed offset into one of FFmpeg's structs: the only way the crate reads or writes a field.

use std::ffi::c_void;
use std::marker::PhantomData;

/// A field of type `T` at a byte offset in some FFmpeg struct.
pub(crate) struct Field<T> {
    offset: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Field<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Field<T> {}

impl<T> std::fmt::Debug for Field<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field(+{})", self.offset)
    }
}

impl<T: Copy> Field<T> {
    /// A field whose Rust type the caller has checked against the C declaration; `layout!`
    /// does that with a witness closure (`|s: &AVFrame| &s.width`) the compiler type-checks.
    pub(crate) fn at<S>(offset: usize, _witness: fn(&S) -> &T) -> Self {
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
    pub(crate) unsafe fn read(self, base: *const c_void) -> T {
        // SAFETY: per the contract the field lies inside the struct at `base`, and FFmpeg's
        // structs align their members naturally.
        unsafe { base.cast::<u8>().add(self.offset).cast::<T>().read() }
    }

    /// Writes the field.
    ///
    /// # Safety
    ///
    /// As for [`Field::read`], and nothing else accesses the field meanwhile.
    pub(crate) unsafe fn write(self, base: *mut c_void, value: T) {
        // SAFETY: as for read.
        unsafe { base.cast::<u8>().add(self.offset).cast::<T>().write(value) }
    }

    /// The field's address.
    pub(crate) fn address(self, base: *const c_void) -> *const T {
        base.cast::<u8>().wrapping_add(self.offset).cast()
    }
}
