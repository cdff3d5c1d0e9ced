//! FFmpeg's struct layouts. Only this module reads or writes fields of FFmpeg structs.
//!
//! For now it holds the one layout the loader needs, which every family from 58 to 63 shares;
//! per-major layouts, proven against the live library at load, come with the ABI layer.

use std::ffi::{c_char, c_void};

/// The head of `AVClass`: `class_name` and `item_name` have been its first two members since
/// FFmpeg 0.x and are identical in every family 4.x–9.x.
#[repr(C)]
struct AvClassHead {
    class_name: *const c_char,
    item_name: Option<unsafe extern "C" fn(*mut c_void) -> *const c_char>,
}

/// The name FFmpeg gives a logging context (`h264`, `mov,mp4,m4a,3gp,3g2,mj2`, …), as its own
/// log prefix does.
///
/// # Safety
///
/// `context` is NULL or points to a struct whose first member is a `const AVClass *` (NULL or
/// valid), which is what FFmpeg passes to its log callback.
pub(crate) unsafe fn log_context_name(context: *mut c_void) -> Option<String> {
    if context.is_null() {
        return None;
    }
    // SAFETY: per the contract, the first member of *context is a `const AVClass *`.
    let class = unsafe { *(context as *const *const AvClassHead) };
    if class.is_null() {
        return None;
    }
    // SAFETY: a non-null AVClass pointer given to av_log points to a live static AVClass.
    let class = unsafe { &*class };
    let name = match class.item_name {
        // SAFETY: item_name takes the context it belongs to and returns a static string.
        Some(item_name) => unsafe { item_name(context) },
        None => class.class_name,
    };
    // SAFETY: FFmpeg's names are NULL or NUL-terminated static strings.
    let name = unsafe { crate::loader::c_text(name) };
    (!name.is_empty()).then_some(name)
}
