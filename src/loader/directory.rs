//! Loading from a directory: which file is each library. Files may carry hashed names
//! (`libavcodec-5e6b81c2.so.62.28.102`, `avcodec-62-984de331….dll`, as in Python wheels); when a directory holds several,
//! the one linked to the libavcodec chosen wins. An optional library (libavfilter) is taken
//! only when a file of it is linked to the five chosen. [`preload`](super::preload) then opens
//! them with the siblings they need.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::loader::ByLibrary;
use crate::loader::error::Refusal;
use crate::loader::image::{self, ImageInfo};
use crate::sys::Library;

/// The files chosen, with their ELF facts, and the directories their siblings come from.
pub(crate) struct Selection {
    /// Every required library's file; an optional library's where the directory has one.
    pub libraries: ByLibrary<(PathBuf, ImageInfo)>,
    pub listing: Listing,
}

/// Shared objects the host's C library provides; a directory's copies are never preloaded
/// (mixing two C libraries in one process breaks it).
const C_LIBRARY_FAMILY: &[&str] = &[
    "libc.so",
    "libm.so",
    "libpthread.so",
    "libdl.so",
    "librt.so",
    "libresolv.so",
    "libnsl.so",
    "libutil.so",
    "libanl.so",
    "libmvec.so",
    "libBrokenLocale.so",
    "libthread_db.so",
    "ld-linux",
    "libnss_",
    "libc_malloc_debug.so",
];

pub(crate) fn is_c_library(name: &str) -> bool {
    C_LIBRARY_FAMILY
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// GCC's runtime libraries, which keep backward compatibility within a soname.
const COMPILER_RUNTIMES: &[&str] = &[
    "libstdc++.so.",
    "libgcc_s.so.",
    "libgomp.so.",
    "libatomic.so.",
    "libquadmath.so.",
];

pub(crate) fn is_compiler_runtime(name: &str) -> bool {
    COMPILER_RUNTIMES
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// The directories a load draws on, and the files in them that may be FFmpeg libraries.
#[derive(Default)]
pub(crate) struct Listing {
    dirs: Vec<PathBuf>,
    /// `lib{av,sw}*` shared objects of those directories, by file name.
    ffmpeg_files: Vec<(String, PathBuf)>,
}

impl Listing {
    fn read(dir: &Path) -> Result<Listing, Refusal> {
        let mut listing = Listing::default();
        listing.add(dir)?;
        Ok(listing)
    }

    fn add(&mut self, dir: &Path) -> Result<(), Refusal> {
        if self.dirs.iter().any(|known| known == dir) {
            return Ok(());
        }
        let entries = std::fs::read_dir(dir).map_err(|source| Refusal::io(dir, source))?;
        for entry in entries.flatten() {
            if let Ok(name) = entry.file_name().into_string()
                && image::may_be_ffmpeg_file(&name)
            {
                self.ffmpeg_files.push((name, entry.path()));
            }
        }
        self.dirs.push(dir.to_owned());
        Ok(())
    }

    /// The file named `needed`, from the directory of the file that needs it first.
    pub fn find(&self, needed: &str, needed_by: &Path) -> Option<PathBuf> {
        let home = needed_by.parent();
        let own = self.dirs.iter().filter(|dir| Some(dir.as_path()) == home);
        let others = self.dirs.iter().filter(|dir| Some(dir.as_path()) != home);
        own.chain(others)
            .map(|dir| dir.join(needed))
            .find(|path| path.exists())
    }

    /// Files of `library`, one per distinct file (symlinks folded), newest major first.
    fn files_of(&self, library: Library) -> Vec<(Option<u64>, PathBuf)> {
        let mut matching: Vec<(Option<u64>, &String, &PathBuf)> = self
            .ffmpeg_files
            .iter()
            .filter_map(|(name, path)| {
                Some((image::library_file_major(name, library)?, name, path))
            })
            .collect();
        // Newest major first; among one file's names the shortest (`libavutil.so.57`) stands
        // for its symlinked target.
        matching.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.len().cmp(&b.1.len()))
                .then(a.1.cmp(b.1))
        });
        let mut seen = HashSet::new();
        matching
            .into_iter()
            .filter(|(_, _, path)| seen.insert(FileId::of(path)))
            .map(|(major, _, path)| (major, path.clone()))
            .collect()
    }
}

/// Chooses the files in `dir`, with `avcodec` as libavcodec when the caller named it.
pub(crate) fn select(dir: &Path, avcodec: Option<&Path>) -> Result<Selection, Refusal> {
    let listing = Listing::read(dir)?;
    let avcodec_path = match avcodec {
        Some(path) => path.to_owned(),
        None => match listing.files_of(Library::AvCodec).into_iter().next() {
            Some((_, path)) => path,
            None => return Err(Refusal::NoLibavcodec),
        },
    };
    let avcodec_info = image::inspect(&avcodec_path)?;
    let mut libraries = ByLibrary::default();
    libraries[Library::AvCodec.index()] = Some((avcodec_path.clone(), avcodec_info));
    for library in [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvFormat,
    ] {
        let sibling = match choose_sibling(&listing, library, &libraries) {
            Sibling::Linked(path, info) | Sibling::Unlinked(path, info) => (path, info),
            Sibling::None(first_error) => {
                return Err(first_error.unwrap_or(Refusal::MissingSibling {
                    library,
                    avcodec: avcodec_path,
                }));
            }
        };
        libraries[library.index()] = Some(sibling);
    }
    for library in Library::OPTIONAL {
        if let Sibling::Linked(path, info) = choose_sibling(&listing, library, &libraries) {
            libraries[library.index()] = Some((path, info));
        }
    }
    Ok(Selection { libraries, listing })
}

/// Takes exactly these five files (absolute paths, by [`Library::index`]), and no optional
/// library; the libraries they need are taken from their own directories.
pub(crate) fn select_files(files: &[PathBuf; 5]) -> Result<Selection, Refusal> {
    let mut listing = Listing::default();
    for file in files {
        if let Some(dir) = file.parent() {
            listing.add(dir)?;
        }
    }
    let mut libraries = ByLibrary::default();
    for (library, file) in Library::REQUIRED.into_iter().zip(files) {
        libraries[library.index()] = Some((file.clone(), image::inspect(file)?));
    }
    Ok(Selection { libraries, listing })
}

/// What a directory offers for one library.
enum Sibling {
    /// A file linked to those chosen so far (either needs the other).
    Linked(PathBuf, ImageInfo),
    /// None is linked: the newest major.
    Unlinked(PathBuf, ImageInfo),
    /// No readable file, and the first error met reading one.
    None(Option<Refusal>),
}

/// Picks `library`'s file among the directory's.
fn choose_sibling(
    listing: &Listing,
    library: Library,
    chosen: &ByLibrary<(PathBuf, ImageInfo)>,
) -> Sibling {
    let mut first_error = None;
    let mut fallback = None;
    for (_, path) in listing.files_of(library) {
        let info = match image::inspect(&path) {
            Ok(info) => info,
            Err(refusal) => {
                first_error.get_or_insert(refusal);
                continue;
            }
        };
        let names = names_of(&path, &info);
        let linked = chosen.iter().flatten().any(|(chosen_path, chosen_info)| {
            chosen_info
                .needed
                .iter()
                .any(|needed| names.contains(needed.as_str()))
                || info
                    .needed
                    .iter()
                    .any(|needed| names_of(chosen_path, chosen_info).contains(needed.as_str()))
        });
        if linked {
            return Sibling::Linked(path, info);
        }
        fallback.get_or_insert((path, info));
    }
    match fallback {
        Some((path, info)) => Sibling::Unlinked(path, info),
        None => Sibling::None(first_error),
    }
}

/// The names a file can be needed by: its file name and its soname.
fn names_of<'a>(path: &'a Path, info: &'a ImageInfo) -> HashSet<&'a str> {
    let file_name = path.file_name().and_then(|n| n.to_str());
    file_name
        .into_iter()
        .chain(info.soname.as_deref())
        .collect()
}

/// A file's identity, whatever path or symlink names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FileId(FileKey);

#[cfg(unix)]
type FileKey = (u64, u64);
/// Windows: the canonical path (std gives no stable file index there).
#[cfg(not(unix))]
type FileKey = PathBuf;

impl FileId {
    /// One `stat`; a file that cannot be read gets an identity of its own (it fails later).
    #[cfg(unix)]
    pub fn of(path: &Path) -> FileId {
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(path) {
            Ok(meta) => FileId((meta.dev(), meta.ino())),
            Err(_) => FileId((u64::MAX, path.as_os_str().len() as u64)),
        }
    }

    /// The canonical path, or the path itself when it cannot be resolved (it fails later).
    #[cfg(not(unix))]
    pub fn of(path: &Path) -> FileId {
        FileId(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_library_is_never_preloaded() {
        assert!(is_c_library("libc.so.6"));
        assert!(is_c_library("ld-linux-x86-64.so.2"));
        assert!(is_c_library("libnss_files.so.2"));
        assert!(!is_c_library("libcodec2.so.0.9"));
        assert!(!is_c_library("libmp3lame.so.0"));
        assert!(is_compiler_runtime("libstdc++.so.6") && is_compiler_runtime("libgcc_s.so.1"));
        assert!(!is_compiler_runtime("libstdc++fs.a"));
    }
}
