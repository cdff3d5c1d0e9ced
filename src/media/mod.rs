//! The media API: demuxing and muxing ([`format`]), decoding and encoding ([`codec`]), frames,
//! packets, scaling, resampling and the audio FIFO. Each type wraps one FFmpeg object, keeps
//! its [`Ffmpeg`](crate::Ffmpeg) alive, and reads fields only through the ABI layer.

/// The safe accessor of an owner of one live FFmpeg object: `self.field(|l| l.width)` reads a
/// field picked from the owner's own release's layout, so that layout and object are of one
/// family, and the field's type names the object's struct, so that no other struct's field
/// can be picked. The owner needs `ffmpeg: Ffmpeg` and `as_ptr()` giving its live object.
macro_rules! object_fields {
    ($owner:ty, $layout:ident: $layout_type:ty => $object:ty) => {
        impl $owner {
            fn field<T: Copy>(
                &self,
                pick: impl FnOnce(&$layout_type) -> crate::abi::Field<$object, T>,
            ) -> T {
                let field = pick(&self.ffmpeg.layout().$layout);
                // SAFETY: the object is live while `self` is, and of the family whose layout
                // the field was picked from (its own FFmpeg's).
                unsafe { field.read(self.as_ptr()) }
            }
        }
    };
}

/// The escape hatch of an owner of one FFmpeg context (`context: NonNull<…>`): its pointer,
/// for a call the crate does not wrap, under the contract its documentation states.
macro_rules! raw_context {
    ($owner:ty, $object:ident, $changed_by:literal) => {
        impl $owner {
            #[doc = concat!(
                "The `", stringify!($object), "` this wraps, for an FFmpeg call the crate does ",
                "not wrap. It stays valid while `self` lives; reading through it is the caller's ",
                "`unsafe`, and it may reach only the libraries of `self.ffmpeg()`: an object of ",
                "one release must never meet another release's functions."
            )]
            pub fn as_ptr(&self) -> *const $object {
                self.context.as_ptr()
            }

            #[doc = concat!("The `", stringify!($object), "` this wraps, for an FFmpeg call that changes it.")]
            ///
            /// # Safety
            ///
            #[doc = concat!(
                "It must stay a valid `", stringify!($object), "` of `self.ffmpeg()`'s release, ",
                "changed only as ", $changed_by, " of that release change it, and never freed or ",
                "replaced: `self` still frees it, and relies on the state it set up."
            )]
            pub unsafe fn as_mut_ptr(&mut self) -> *mut $object {
                self.context.as_ptr()
            }
        }
    };
}

/// Refuses a time base that is not positive (`what` names it) before FFmpeg divides by it.
pub(crate) fn require_positive(
    what: &'static str,
    base: crate::sys::Rational,
) -> crate::ffmpeg::Result<()> {
    if base.is_positive() {
        Ok(())
    } else {
        Err(crate::ffmpeg::Error::out_of_range(what, base))
    }
}

pub(crate) mod audio_fifo;
pub(crate) mod channel_layout;
pub mod codec;
pub(crate) mod color;
pub(crate) mod dictionary;
pub mod filter;
pub mod format;
pub(crate) mod formats;
pub(crate) mod frame;
pub(crate) mod packet;
pub mod reader;
pub(crate) mod resample;
pub(crate) mod scale;
pub(crate) mod side_data;
pub mod subtitle;
