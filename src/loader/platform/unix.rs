//! A thin layer over the dynamic loader of Linux and macOS: open with `RTLD_NOW | RTLD_LOCAL`,
//! look symbols up pinned to a version node (`dlvsym`) or plainly (`dlsym`), and ask where a
//! library came from.
//!
//! # Platform-specific behaviour
//!
//! macOS has neither `dlvsym` nor version nodes (Mach-O files define none, so none is ever
//! asked for): symbols are looked up with `dlsym`, and the version probe, the family checks
//! and the ABI self-check carry the proof.

use std::ffi::{CStr, c_void};
use std::path::{Path, PathBuf};

use libloading::os::unix::{Library as RawLibrary, RTLD_LOCAL, RTLD_NOW};

use crate::loader::error::Refusal;

/// One `dlopen` reference; `dlclose`d when dropped.
#[derive(Debug)]
pub(crate) struct DynLib {
    /// Kept only so the reference is released on drop; symbols go through `handle`.
    _library: RawLibrary,
    handle: *mut c_void,
}

// SAFETY: a dlopen handle is a process-wide token that the C library lets any thread use for
// dlsym, dlvsym, dladdr and dlclose; nothing here is tied to the thread that opened it.
unsafe impl Send for DynLib {}
// SAFETY: every method takes &self and only calls thread-safe dl* functions with the handle.
unsafe impl Sync for DynLib {}

impl DynLib {
    /// Opens `name` (a path containing `/`, or a bare soname searched by the system's rules).
    ///
    /// # Safety
    ///
    /// Opening runs the library's initialisers and those of everything it needs; the caller
    /// vouches that they are sound (as they are for genuine FFmpeg builds).
    pub unsafe fn open(name: &str) -> Result<DynLib, Refusal> {
        // SAFETY: forwarded to the caller's contract above.
        unsafe { DynLib::open_with(name, RTLD_NOW | RTLD_LOCAL) }
    }

    /// `dlopen(name, flags)`, keeping the raw handle for `dlvsym`.
    ///
    /// # Safety
    ///
    /// As for [`DynLib::open`], unless `flags` has `RTLD_NOLOAD` (then no code runs).
    unsafe fn open_with(name: &str, flags: i32) -> Result<DynLib, Refusal> {
        // SAFETY: forwarded to the caller's contract.
        let library = unsafe { RawLibrary::open(Some(name), flags) }.map_err(|source| {
            Refusal::OpenFailed {
                name: name.to_owned(),
                source,
            }
        })?;
        let handle = library.into_raw();
        // SAFETY: `handle` was just returned by dlopen and is handed back at once.
        let library = unsafe { RawLibrary::from_raw(handle) };
        Ok(DynLib {
            _library: library,
            handle,
        })
    }

    /// Opens the file at `path`, which must be absolute.
    ///
    /// # Safety
    ///
    /// As for [`DynLib::open`].
    pub unsafe fn open_path(path: &Path) -> Result<DynLib, Refusal> {
        debug_assert!(path.is_absolute());
        let name = path.to_str().ok_or_else(|| Refusal::BadSharedLibrary {
            path: path.to_owned(),
            reason: "path is not UTF-8".into(),
        })?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { DynLib::open(name) }
    }

    /// Makes the already-loaded library at `path` visible to the symbol lookups of libraries
    /// loaded later (`RTLD_GLOBAL`), returning one more reference to it. Loads nothing new.
    pub fn promote_global(path: &Path) -> Result<DynLib, Refusal> {
        let flags = RTLD_NOW | libc::RTLD_NOLOAD | libc::RTLD_GLOBAL;
        // SAFETY: RTLD_NOLOAD only succeeds for a library already in the process, whose
        // initialisers have run; no new code runs.
        unsafe { DynLib::open_with(&path.to_string_lossy(), flags) }
    }

    /// A new reference to the library whose soname (or load name) is `name`, if one is already
    /// in the process. Holding it keeps that library loaded for as long as we rely on it.
    pub fn open_loaded(name: &str) -> Option<DynLib> {
        // SAFETY: as in promote_global, RTLD_NOLOAD runs no code.
        unsafe { DynLib::open_with(name, RTLD_NOW | RTLD_LOCAL | libc::RTLD_NOLOAD) }.ok()
    }

    /// The address of `name`, pinned to version `node` when given (`dlvsym`), else the
    /// default version (`dlsym`). `None` when absent.
    pub fn symbol(&self, name: &CStr, node: Option<&CStr>) -> Option<*mut c_void> {
        // SAFETY: `handle` is a live dlopen handle (self owns a reference) and both strings are
        // NUL-terminated; looking a symbol up runs no code of the library.
        let address = unsafe {
            match node {
                #[cfg(not(target_os = "macos"))]
                Some(node) => libc::dlvsym(self.handle, name.as_ptr(), node.as_ptr()),
                #[cfg(target_os = "macos")]
                Some(_) => std::ptr::null_mut(),
                None => libc::dlsym(self.handle, name.as_ptr()),
            }
        };
        (!address.is_null()).then_some(address)
    }

    /// Whether `message`, the loader's refusal of `name`, says that no such library was found
    /// (rather than that a library it needs is missing or broken).
    pub fn names_absent_library(message: &str, name: &str) -> bool {
        if cfg!(target_os = "macos") {
            // dyld: "dlopen(NAME, 0x0006): tried: '…' (no such file), …"
            message.starts_with(&format!("dlopen({name},"))
                && !message.contains("Library not loaded")
        } else {
            message.starts_with(&format!("{name}: cannot open shared object file"))
        }
    }

    /// The path of the file that defines `address`, as the dynamic loader recorded it.
    pub fn path_of(address: *mut c_void) -> Option<PathBuf> {
        let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
        // SAFETY: dladdr only reads the loader's own tables and writes `info`.
        let found = unsafe { libc::dladdr(address, info.as_mut_ptr()) } != 0;
        // SAFETY: zero-initialised, and filled by dladdr when it succeeded.
        let info = unsafe { info.assume_init() };
        if !found || info.dli_fname.is_null() {
            return None;
        }
        // SAFETY: dli_fname is a NUL-terminated string owned by the loader, valid while the
        // library stays loaded, which it does while `self`'s caller holds a reference.
        let name = unsafe { CStr::from_ptr(info.dli_fname) };
        Some(PathBuf::from(std::ffi::OsStr::new(name.to_str().ok()?)))
    }
}
