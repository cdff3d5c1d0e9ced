//! Windows' loader: `LoadLibraryExW` by full path, with the DLL's own folder searched for the
//! DLLs it imports (so a wheel's hashed names, which import each other by those names, resolve
//! with no renaming and no `PATH`); `GetProcAddress`; `GetModuleFileNameW` for where an
//! address lives.
//!
//! # Platform-specific behaviour
//!
//! Windows has no symbol versioning: a version node is never asked for (PE files define none),
//! and the version probe, the family checks and the ABI self-check carry the proof that each
//! function is the one the crate expects.

use std::ffi::{CStr, OsString, c_void};
use std::os::windows::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use libloading::os::windows::{
    LOAD_LIBRARY_SEARCH_DEFAULT_DIRS, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR, Library as RawLibrary,
};
use windows_sys::Win32::System::LibraryLoader::{
    GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
    GetModuleFileNameW, GetModuleHandleExW,
};
use windows_sys::Win32::System::SystemInformation::GetSystemDirectoryW;

use crate::loader::error::Refusal;
use crate::loader::image;

/// One module reference; `FreeLibrary`d when dropped.
#[derive(Debug)]
pub(crate) struct DynLib {
    library: RawLibrary,
}

impl DynLib {
    /// Opens `name`, a full path or a DLL name that Windows searches for by its standard order
    /// (the executable's folder, the system folders, `PATH`).
    ///
    /// # Safety
    ///
    /// Opening runs `DllMain` of the library and of everything it imports; the caller vouches
    /// that they are sound (as they are for genuine FFmpeg builds).
    pub unsafe fn open(name: &str) -> Result<DynLib, Refusal> {
        // SAFETY: forwarded to the caller's contract.
        let library = unsafe { RawLibrary::new(name) };
        library
            .map(|library| DynLib { library })
            .map_err(|source| Refusal::OpenFailed {
                name: name.to_owned(),
                source,
            })
    }

    /// Opens the DLL at `path` (absolute); the DLLs it imports are looked for in its own
    /// folder first, then in the system's.
    ///
    /// # Safety
    ///
    /// As for [`DynLib::open`].
    pub unsafe fn open_path(path: &Path) -> Result<DynLib, Refusal> {
        debug_assert!(path.is_absolute());
        let flags = LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS;
        // SAFETY: forwarded to the caller's contract.
        let library = unsafe { RawLibrary::load_with_flags(path, flags) };
        let library = library.map_err(|source| {
            let names = missing_imports(path);
            if names.is_empty() {
                Refusal::OpenFailed {
                    name: path.display().to_string(),
                    source,
                }
            } else {
                Refusal::DependenciesMissing {
                    path: path.to_owned(),
                    names,
                    source,
                }
            }
        })?;
        if is_gcc_runtime(path) {
            // Best effort: unpinned, it is as it was before.
            let _ = library.pin();
        }
        Ok(DynLib { library })
    }

    /// Windows resolves every import by module name across the process: there is nothing to
    /// promote. One more reference to the module, as on Linux.
    pub fn promote_global(path: &Path) -> Result<DynLib, Refusal> {
        let name = path.display().to_string();
        RawLibrary::open_already_loaded(path)
            .map(|library| DynLib { library })
            .map_err(|source| Refusal::OpenFailed { name, source })
    }

    /// A new reference to the module named `name`, if one is already in the process. Holding
    /// it keeps that module loaded for as long as we rely on it. Loads nothing.
    pub fn open_loaded(name: &str) -> Option<DynLib> {
        RawLibrary::open_already_loaded(name)
            .ok()
            .map(|library| DynLib { library })
    }

    /// The address of `name`. `node` is always `None` here: PE files define no version nodes.
    pub fn symbol(&self, name: &CStr, node: Option<&CStr>) -> Option<*mut c_void> {
        debug_assert!(node.is_none(), "Windows has no symbol versioning");
        // SAFETY: only the address is taken (as an untyped function pointer, which is what
        // GetProcAddress returns); nothing is called or read through it here.
        let symbol = unsafe {
            self.library
                .get::<unsafe extern "system" fn()>(name.to_bytes())
        };
        symbol.ok().map(|symbol| symbol.as_raw_ptr())
    }

    /// The path of the module that holds `address`.
    pub fn path_of(address: *mut c_void) -> Option<PathBuf> {
        let mut module = std::ptr::null_mut();
        let flags =
            GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT;
        // SAFETY: with FROM_ADDRESS the "name" is an address inside a module, which the
        // function only compares against the loader's module list; it writes `module`.
        let found = unsafe { GetModuleHandleExW(flags, address as *const u16, &mut module) } != 0;
        if !found {
            return None;
        }
        let mut buffer = vec![0u16; 1024];
        loop {
            let capacity = u32::try_from(buffer.len()).ok()?;
            // SAFETY: `buffer` has `capacity` writable u16s; `module` stays loaded while the
            // caller holds a reference to it, as every caller here does.
            let written = unsafe { GetModuleFileNameW(module, buffer.as_mut_ptr(), capacity) };
            let written = usize::try_from(written).ok()?;
            if written == 0 {
                return None;
            }
            // A result that fills the buffer may be truncated: try again with more room.
            if written < buffer.len() {
                return Some(PathBuf::from(OsString::from_wide(&buffer[..written])));
            }
            if buffer.len() >= 32 * 1024 {
                return None;
            }
            buffer.resize(buffer.len() * 4, 0);
        }
    }

    /// Whether `message`, the loader's refusal of a search by `name`, says that no such DLL
    /// was found. Windows says the same for a missing import of a found DLL
    /// (ERROR_MOD_NOT_FOUND); a name search that fails so is taken as "not found".
    pub fn names_absent_library(message: &str, _name: &str) -> bool {
        message.contains("(os error 126)")
    }
}

/// The DLLs `path` imports that are in neither its folder, the process, nor the system folder.
/// API sets (`api-ms-win-*`, `ext-ms-*`) are names Windows resolves by itself and are left out.
fn missing_imports(path: &Path) -> Vec<String> {
    let Ok(info) = image::inspect(path) else {
        return Vec::new();
    };
    let folder = path.parent();
    let system = system_folder();
    info.needed
        .into_iter()
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            let api_set = lower.starts_with("api-ms-") || lower.starts_with("ext-ms-");
            let found = |dir: &Path| dir.join(name).exists();
            let present = api_set
                || folder.is_some_and(found)
                || system.as_deref().is_some_and(found)
                || DynLib::open_loaded(name).is_some();
            !present
        })
        .collect()
}

/// `GetSystemDirectoryW`: where Windows' own DLLs are.
fn system_folder() -> Option<PathBuf> {
    let mut buffer = [0u16; 512];
    let capacity = u32::try_from(buffer.len()).ok()?;
    // SAFETY: `buffer` has `capacity` writable u16s.
    let written = unsafe { GetSystemDirectoryW(buffer.as_mut_ptr(), capacity) };
    let written = usize::try_from(written).ok()?;
    (written > 0 && written < buffer.len())
        .then(|| PathBuf::from(OsString::from_wide(&buffer[..written])))
}

/// Whether `path` is one of GCC's runtime DLLs (mingw-w64 builds bundle them): winpthreads,
/// libgcc_s, libstdc++. They are pinned for the life of the process: a thread that used them
/// (through FFmpeg) runs their thread-exit destructors when it ends, and if the last FFmpeg
/// had been unloaded by then, that code would be gone. Under Wine such a thread died holding
/// the loader lock, and the next load in any thread waited forever.
fn is_gcc_runtime(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    ["libwinpthread-", "libgcc_s_", "libstdc++-"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}
