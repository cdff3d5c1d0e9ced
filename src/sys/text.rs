//! Text FFmpeg hands over as C strings.

use std::ffi::{CStr, c_char};

/// Copies a C string FFmpeg owns; empty for NULL.
///
/// # Safety
///
/// `text` is NULL or points to a NUL-terminated string alive for the duration of the call.
pub(crate) unsafe fn c_text(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: non-null and NUL-terminated per the contract.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// A C string FFmpeg keeps for as long as its library is loaded (names in static tables), as
/// UTF-8, borrowed; `None` for NULL or text that is not UTF-8.
///
/// # Safety
///
/// `text` is NULL or NUL-terminated, and stays valid for the caller's chosen lifetime `'a`
/// (the library it lives in stays loaded).
pub(crate) unsafe fn c_text_in<'a>(text: *const c_char) -> Option<&'a str> {
    if text.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated, valid for 'a, per the contract.
    unsafe { CStr::from_ptr(text) }.to_str().ok()
}
