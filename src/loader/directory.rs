//! Loading from a directory: which file is each of the five libraries, and in which order to
//! open them and the siblings they need, so that no `LD_LIBRARY_PATH` or RPATH is required.
//!
//! Files may carry hashed names (`libavcodec-5e6b81c2.so.62.28.102`, as in Python wheels). The
//! libraries a file needs (`DT_NEEDED`) that are present in the directory are opened first, by
//! full path, dependencies before dependents; the dynamic loader then matches each later
//! `DT_NEEDED` entry to the already-loaded file by its soname.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::Refusal;
use crate::loader::elf::{self, ElfInfo};
use crate::loader::version::{Library, major_from_file_name};

/// What to open, in order, to load the five libraries from one directory.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The five libraries, indexed by [`Library::index`], with their ELF facts.
    pub libraries: [(PathBuf, ElfInfo); 5],
    /// Every file to open, dependencies first; the five are among them.
    pub order: Vec<Step>,
}

/// One file of a [`Plan`].
#[derive(Debug)]
pub(crate) struct Step {
    pub path: PathBuf,
    /// The name other files need it by; a library of that name already in the process is
    /// used instead (one soname is one library in a process: a second copy would never be
    /// bound to). `None` for the five, which are always opened from the directory.
    pub needed_as: Option<String>,
    /// A compiler runtime (libstdc++, libgcc_s, …): these stay backward compatible within a
    /// soname, so the system's copy, usually the newest, is preferred to a bundled older one
    /// that would starve every library loaded later.
    pub prefer_system: bool,
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

fn is_c_library(name: &str) -> bool {
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

fn is_compiler_runtime(name: &str) -> bool {
    COMPILER_RUNTIMES
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// If `name` is a file of `library` (`libavcodec.so`, `libavcodec.so.61[.x.y]`,
/// `libavcodec-<hash>.so.61[.x.y]`), the major it carries (`None` when unversioned).
fn library_file_major(name: &str, library: Library) -> Option<Option<u64>> {
    let rest = name.strip_prefix("lib")?.strip_prefix(library.stem())?;
    let rest = match rest.strip_prefix('-') {
        Some(hashed) => &hashed[hashed.find(".so")?..],
        None => rest,
    };
    let suffix = rest.strip_prefix(".so")?;
    if suffix.is_empty() {
        return Some(None);
    }
    let numbers = suffix.strip_prefix('.')?;
    if numbers
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    {
        Some(major_from_file_name(name))
    } else {
        None
    }
}

/// Shared objects by file name, from one or more directories.
#[derive(Default)]
struct Listing {
    dirs: Vec<(PathBuf, HashMap<String, PathBuf>)>,
}

impl Listing {
    fn read(dir: &Path) -> Result<Listing, Refusal> {
        let mut listing = Listing::default();
        listing.add(dir)?;
        Ok(listing)
    }

    fn add(&mut self, dir: &Path) -> Result<(), Refusal> {
        if self.dirs.iter().any(|(known, _)| known == dir) {
            return Ok(());
        }
        let entries = std::fs::read_dir(dir).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Refusal::NotFound,
            _ => Refusal::Io {
                path: dir.to_owned(),
                source,
            },
        })?;
        let mut by_name = HashMap::new();
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.contains(".so") {
                by_name.insert(name, entry.path());
            }
        }
        self.dirs.push((dir.to_owned(), by_name));
        Ok(())
    }

    /// The file named `needed`, from the directory of the file that needs it when it has one.
    fn find(&self, needed: &str, needed_by: &Path) -> Option<&PathBuf> {
        let home = needed_by.parent();
        let own = self
            .dirs
            .iter()
            .filter(|(dir, _)| Some(dir.as_path()) == home);
        let others = self
            .dirs
            .iter()
            .filter(|(dir, _)| Some(dir.as_path()) != home);
        own.chain(others)
            .find_map(|(_, by_name)| by_name.get(needed))
    }

    /// Files of `library`, one per distinct file (symlinks folded), newest major first.
    fn files_of(&self, library: Library) -> Vec<(Option<u64>, PathBuf)> {
        let mut files: Vec<(Option<u64>, String, PathBuf)> = Vec::new();
        let mut seen = HashSet::new();
        let mut names: Vec<(&String, &PathBuf)> = self
            .dirs
            .iter()
            .flat_map(|(_, by_name)| by_name.iter())
            .collect();
        // Shorter names first, so `libavutil.so.57` stands for its symlinked target.
        names.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(b.0)));
        for (name, path) in names {
            let Some(major) = library_file_major(name, library) else {
                continue;
            };
            let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            if seen.insert(identity) {
                files.push((major, name.clone(), path.clone()));
            }
        }
        files.sort_by_key(|file| std::cmp::Reverse(file.0));
        files
            .into_iter()
            .map(|(major, _, path)| (major, path))
            .collect()
    }
}

/// Plans loading from `dir`, with `avcodec` as libavcodec when the caller named the file.
pub(crate) fn plan(dir: &Path, avcodec: Option<&Path>) -> Result<Plan, Refusal> {
    let listing = Listing::read(dir)?;
    let avcodec_path = match avcodec {
        Some(path) => path.to_owned(),
        None => match listing.files_of(Library::AvCodec).into_iter().next() {
            Some((_, path)) => path,
            None => return Err(Refusal::NoLibavcodec),
        },
    };
    let avcodec_elf = elf::inspect(&avcodec_path)?;
    let mut chosen: Vec<(Library, PathBuf, ElfInfo)> =
        vec![(Library::AvCodec, avcodec_path.clone(), avcodec_elf)];
    for library in [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvFormat,
    ] {
        let (path, info) = choose_sibling(&listing, library, &chosen, &avcodec_path)?;
        chosen.push((library, path, info));
    }
    let libraries = Library::ALL.map(|library| {
        let (_, path, info) = chosen
            .iter()
            .find(|(l, _, _)| *l == library)
            .expect("all chosen");
        (path.clone(), info.clone())
    });
    let order = dependency_order(&listing, &libraries)?;
    Ok(Plan { libraries, order })
}

/// Plans loading exactly these five files (absolute paths, by [`Library::index`]); the
/// libraries they need are taken from their own directories.
pub(crate) fn plan_files(files: &[PathBuf; 5]) -> Result<Plan, Refusal> {
    let mut listing = Listing::default();
    for file in files {
        if let Some(dir) = file.parent() {
            listing.add(dir)?;
        }
    }
    let mut libraries = Vec::with_capacity(5);
    for file in files {
        libraries.push((file.clone(), elf::inspect(file)?));
    }
    let libraries: [(PathBuf, ElfInfo); 5] = libraries.try_into().expect("five files");
    let order = dependency_order(&listing, &libraries)?;
    Ok(Plan { libraries, order })
}

/// Picks `library`'s file: one linked to the files chosen so far (either needs the other) if
/// there is one, else the newest major.
fn choose_sibling(
    listing: &Listing,
    library: Library,
    chosen: &[(Library, PathBuf, ElfInfo)],
    avcodec: &Path,
) -> Result<(PathBuf, ElfInfo), Refusal> {
    let mut first_error = None;
    let mut fallback = None;
    for (_, path) in listing.files_of(library) {
        let info = match elf::inspect(&path) {
            Ok(info) => info,
            Err(refusal) => {
                first_error.get_or_insert(refusal);
                continue;
            }
        };
        let names = names_of(&path, &info);
        let linked = chosen.iter().any(|(_, chosen_path, chosen_info)| {
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
            return Ok((path, info));
        }
        fallback.get_or_insert((path, info));
    }
    fallback.ok_or_else(|| {
        first_error.unwrap_or(Refusal::MissingSibling {
            library,
            avcodec: avcodec.to_owned(),
        })
    })
}

/// The names a file can be needed by: its file name and its soname.
fn names_of<'a>(path: &'a Path, info: &'a ElfInfo) -> HashSet<&'a str> {
    let file_name = path.file_name().and_then(|n| n.to_str());
    file_name
        .into_iter()
        .chain(info.soname.as_deref())
        .collect()
}

/// Every file of the directory the five need, directly or not, dependencies first.
fn dependency_order(
    listing: &Listing,
    libraries: &[(PathBuf, ElfInfo); 5],
) -> Result<Vec<Step>, Refusal> {
    let mut infos: HashMap<PathBuf, ElfInfo> = HashMap::new();
    let mut order = Vec::new();
    let mut state: HashMap<PathBuf, bool> = HashMap::new(); // false: in progress, true: done
    for (path, info) in libraries {
        infos.insert(canonical(path), info.clone());
    }
    for (path, _) in libraries {
        visit(listing, path, None, &mut infos, &mut state, &mut order)?;
    }
    Ok(order)
}

fn visit(
    listing: &Listing,
    path: &Path,
    needed_as: Option<&str>,
    infos: &mut HashMap<PathBuf, ElfInfo>,
    state: &mut HashMap<PathBuf, bool>,
    order: &mut Vec<Step>,
) -> Result<(), Refusal> {
    let key = canonical(path);
    if state.contains_key(&key) {
        return Ok(()); // done, or a cycle, which the dynamic loader resolves by itself
    }
    state.insert(key.clone(), false);
    let info = match infos.get(&key) {
        Some(info) => info.clone(),
        None => {
            let info = elf::inspect(path)?;
            infos.insert(key.clone(), info.clone());
            info
        }
    };
    for needed in &info.needed {
        if is_c_library(needed) {
            continue;
        }
        if let Some(dep) = listing.find(needed, path) {
            visit(listing, dep, Some(needed), infos, state, order)?;
        }
    }
    state.insert(key, true);
    order.push(Step {
        path: path.to_owned(),
        needed_as: needed_as.map(str::to_owned),
        prefer_system: needed_as.is_some_and(is_compiler_runtime),
    });
    Ok(())
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_file_names_are_recognised() {
        let codec = Library::AvCodec;
        assert_eq!(library_file_major("libavcodec.so", codec), Some(None));
        assert_eq!(
            library_file_major("libavcodec.so.58", codec),
            Some(Some(58))
        );
        assert_eq!(
            library_file_major("libavcodec.so.58.91.100", codec),
            Some(Some(58))
        );
        assert_eq!(
            library_file_major("libavcodec-5e6b81c2.so.62.28.102", codec),
            Some(Some(62))
        );
        assert_eq!(library_file_major("libavcodec.so.58.debug", codec), None);
        assert_eq!(library_file_major("libavcodec.a", codec), None);
        assert_eq!(library_file_major("libavformat.so.58", codec), None);
        assert_eq!(
            library_file_major("libavutil.so.56", Library::AvUtil),
            Some(Some(56))
        );
    }

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
