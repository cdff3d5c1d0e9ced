//! The files shared libraries come in on this platform, behind one name: ELF on Linux
//! ([`elf`](super::elf)), PE on Windows ([`pe`](super::pe)), Mach-O on macOS
//! ([`macho`](super::macho)). Each format module reads a file's facts before it is opened
//! ([`inspect`]) and knows how FFmpeg's files of that platform are named
//! ([`library_file_major`], [`may_be_ffmpeg_file`], [`system_name`]).
//!
//! The PE and Mach-O readers are compiled for the unit tests of other platforms too.

use std::fs::File;
use std::path::Path;

use object::ReadCache;

use super::error::Refusal;

#[cfg(all(unix, not(target_os = "macos")))]
pub(crate) use super::elf::{inspect, library_file_major, may_be_ffmpeg_file, system_name};
#[cfg(target_os = "macos")]
pub(crate) use super::macho::{inspect, library_file_major, may_be_ffmpeg_file, system_name};
#[cfg(windows)]
pub(crate) use super::pe::{inspect, library_file_major, may_be_ffmpeg_file, system_name};

/// Opens `path` for one of the readers, which read only the parts they need through the
/// cache, never the whole (often 20 MB) file.
pub(super) fn open(path: &Path) -> Result<ReadCache<File>, Refusal> {
    File::open(path)
        .map(ReadCache::new)
        .map_err(|source| Refusal::io(path, source))
}

/// What this platform's shared libraries are, for messages.
#[cfg(all(unix, not(target_os = "macos")))]
pub(crate) const FORMAT: &str = "an ELF shared library";
/// What this platform's shared libraries are, for messages.
#[cfg(target_os = "macos")]
pub(crate) const FORMAT: &str = "a Mach-O dynamic library";
/// What this platform's shared libraries are, for messages.
#[cfg(windows)]
pub(crate) const FORMAT: &str = "a PE DLL";

/// Facts read from one shared library file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageInfo {
    /// The name other libraries need it by, where the file records one (ELF's `DT_SONAME`,
    /// Mach-O's install name); a DLL is needed by its file name.
    pub soname: Option<String>,
    /// The file names of the libraries it needs (ELF's `DT_NEEDED`, PE's import descriptors,
    /// the last component of Mach-O's `LC_LOAD_DYLIB` paths).
    pub needed: Vec<String>,
    /// Names of the ELF `SHT_GNU_VERDEF` entries, without the file's own base entry; empty on
    /// platforms without symbol versioning.
    pub version_nodes: Vec<String>,
}

/// The architecture this crate is compiled for, as messages name it.
pub(crate) const PROCESS_ARCHITECTURE: &str = if cfg!(target_arch = "x86_64") {
    "x86_64"
} else {
    "aarch64"
};

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("ffmpeg-runtime supports x86_64 and aarch64");

/// Splits `name` into what comes before and after `library`'s stem, when `name` starts with
/// `prefix` and the stem (`libavcodec`, `avcodec`).
pub(super) fn after_stem<'a>(
    name: &'a str,
    prefix: &str,
    library: crate::sys::Library,
) -> Option<&'a str> {
    name.strip_prefix(prefix)?.strip_prefix(library.stem())
}

/// True when `text` is one or more dot-separated runs of digits (`.so.61.19.101`,
/// `.61.19.100.dylib`; DLL names carry one major only).
#[cfg(any(unix, test))]
pub(super) fn is_dotted_number(text: &str) -> bool {
    text.split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}
