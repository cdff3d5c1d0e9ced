//! Finding, opening, probing and binding FFmpeg's libraries: the layer above `sys` and
//! below the ABI layer. It knows files, the dynamic loader and the function table, never a
//! struct layout.
//!
//! Data flows one way: [`discovery`] lists candidates; each is opened (from a directory with its
//! siblings preloaded, or by soname through the system's loader) through the [`platform`]
//! back-end, its versions are [`probe`]d and checked to be one supported release, and the
//! [`symbols`] table is resolved pinned to that release's version nodes. The result is a
//! [`LoadedLibraries`]; any failure is a [`Refusal`] for that candidate, and the next one is
//! tried.

pub(crate) mod directory;
pub(crate) mod discovery;
#[cfg(all(unix, not(target_os = "macos")))]
pub(crate) mod elf;
pub(crate) mod error;
pub(crate) mod functions;
pub(crate) mod image;
pub(crate) mod library_info;
#[cfg(any(target_os = "macos", test))]
pub(crate) mod macho;
#[cfg(any(windows, all(test, unix)))]
pub(crate) mod pe;
pub(crate) mod platform;
pub(crate) mod preload;
pub(crate) mod probe;
pub(crate) mod symbols;

use std::path::{Path, PathBuf};

use crate::sys::{Family, Library};
use discovery::{Candidate, Location, Source};
use error::Refusal;
use functions::Functions;
use image::ImageInfo;
use library_info::LibraryInfo;
use platform::{DynLib, Handles};

/// One entry per library, by [`Library::index`]: every required library's once chosen, an
/// optional one's where the build has it.
pub(crate) type ByLibrary<T> = [Option<T>; Library::COUNT];

/// The libraries opened, before any check.
pub(crate) struct Opened {
    pub handles: Handles,
    /// Index into `handles` of each library opened.
    pub slots: ByLibrary<usize>,
    pub files: ByLibrary<(PathBuf, ImageInfo)>,
    /// Optional libraries the build has but that could not be opened, and why.
    pub refused: Vec<(Library, Refusal)>,
}

/// One candidate's libraries, opened, probed to be one supported release, and with every
/// function bound: what the ABI layer proves its layouts against.
pub(crate) struct LoadedLibraries {
    pub functions: Functions,
    /// The libraries bound, in [`Library::index`] order: the five required, then the optional
    /// ones the build has.
    pub libraries: Vec<LibraryInfo>,
    /// Optional libraries left out, and why.
    pub unavailable: Vec<(Library, String)>,
    pub family: Family,
    pub release: String,
    pub configuration: String,
    pub license: String,
    pub candidate: Candidate,
    pub missing_optional: Vec<&'static str>,
    /// Last, so that nothing above can outlive the code it points into.
    pub handles: Handles,
}

/// Opens, probes, checks and binds one candidate.
///
/// # Safety
///
/// Opening runs the initialisers of the files the candidate reaches; the caller vouches that
/// they are genuine FFmpeg builds or harmless.
pub(crate) unsafe fn open_candidate(candidate: &Candidate) -> Result<LoadedLibraries, Refusal> {
    let opened = match candidate.location() {
        Location::Path(path) => {
            if candidate.source() == Source::Environment && !path.is_absolute() {
                return Err(Refusal::RelativePath);
            }
            let selection = select_for_path(path)?;
            // SAFETY: forwarded to the caller's contract.
            unsafe { preload::open_selection(selection) }?
        }
        Location::Files(files) => {
            let absolute = |path: &PathBuf| {
                std::path::absolute(path).map_err(|source| Refusal::Io {
                    path: path.clone(),
                    source,
                })
            };
            let files: Vec<PathBuf> = files.iter().map(absolute).collect::<Result<_, _>>()?;
            let selection = directory::select_files(&files.try_into().expect("five files"))?;
            // SAFETY: forwarded to the caller's contract.
            unsafe { preload::open_selection(selection) }?
        }
        // SAFETY: forwarded to the caller's contract.
        Location::Soname(name) => unsafe { open_system(name) }?,
    };
    probe::bind(opened, candidate.clone())
}

fn select_for_path(path: &Path) -> Result<directory::Selection, Refusal> {
    let io = |source| Refusal::io(path, source);
    let path = std::path::absolute(path).map_err(io)?;
    if std::fs::metadata(&path).map_err(io)?.is_dir() {
        directory::select(&path, None)
    } else {
        let dir = path.parent().unwrap_or(Path::new("/"));
        directory::select(dir, Some(&path))
    }
}

/// Opens libavcodec by name through the system's search, then its siblings by the names of
/// its family (or unversioned names when libavcodec was found unversioned); an optional
/// library the system lacks is left out.
unsafe fn open_system(name: &str) -> Result<Opened, Refusal> {
    // SAFETY: forwarded to the caller's contract.
    let avcodec =
        unsafe { DynLib::open(name) }.map_err(|refusal| not_found_if_absent(name, refusal))?;
    let avcodec_file = probe::locate(&avcodec, Library::AvCodec)?;
    let major = probe::probe_version(
        &avcodec,
        Library::AvCodec,
        &probe::binding_for(Library::AvCodec, &avcodec_file.1),
    )
    .map(|v| v.major)?;
    let family = Family::from_avcodec_major(major);
    let mut handles = Handles::default();
    let mut slots = ByLibrary::default();
    let mut files = ByLibrary::default();
    let mut refused = Vec::new();
    slots[Library::AvCodec.index()] = Some(0);
    files[Library::AvCodec.index()] = Some(avcodec_file);
    handles.push(avcodec);
    let siblings = [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvFormat,
    ];
    for library in siblings.into_iter().chain(Library::OPTIONAL) {
        let versioned = image::library_file_major(name, Library::AvCodec).flatten();
        let sibling = match (versioned, family) {
            (Some(_), Some(family)) => image::system_name(library, Some(family.major(library))),
            _ => image::system_name(library, None),
        };
        // SAFETY: forwarded to the caller's contract.
        let opened = unsafe { DynLib::open(&sibling) }
            .and_then(|handle| Ok((probe::locate(&handle, library)?, handle)));
        match opened {
            Ok((file, handle)) => {
                files[library.index()] = Some(file);
                slots[library.index()] = Some(handles.len());
                handles.push(handle);
            }
            Err(refusal) if library.is_optional() => {
                let refusal = not_found_if_absent(&sibling, refusal);
                if !matches!(refusal, Refusal::NotFound) {
                    refused.push((library, refusal));
                }
            }
            Err(refusal) => return Err(refusal),
        }
    }
    Ok(Opened {
        handles,
        slots,
        files,
        refused,
    })
}

pub(crate) fn undefined_symbol_in(refusal: &Refusal) -> Option<String> {
    undefined_symbol(&loader_message(refusal)?).map(str::to_owned)
}

/// The dynamic loader's own message (`dlerror`) behind an open failure.
fn loader_message(refusal: &Refusal) -> Option<String> {
    let Refusal::OpenFailed { source, .. } = refusal else {
        return None;
    };
    // libloading's Display is generic ("dlopen failed"); the loader's own text is its source.
    let detail =
        std::error::Error::source(source).map_or_else(|| source.to_string(), |e| e.to_string());
    Some(detail)
}

/// The symbol named by glibc's "undefined symbol: NAME[, version V]" message.
fn undefined_symbol(message: &str) -> Option<&str> {
    let rest = &message[message.find("undefined symbol: ")? + "undefined symbol: ".len()..];
    rest.split([',', ' ', '\n'])
        .next()
        .filter(|name| !name.is_empty())
}

/// A soname the loader cannot find at all is "not found", not a loader failure; a missing
/// dependency of a found library stays a loader failure (its message names the dependency).
fn not_found_if_absent(name: &str, refusal: Refusal) -> Refusal {
    match &refusal {
        Refusal::OpenFailed { .. }
            if loader_message(&refusal).is_some_and(|m| DynLib::names_absent_library(&m, name)) =>
        {
            Refusal::NotFound
        }
        _ => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_from_the_environment_is_refused() {
        let location = Location::Path("relative/ffmpeg".into());
        let candidate = Candidate::new(Source::Environment, location);
        // SAFETY: refused before anything is opened.
        let refusal = unsafe { open_candidate(&candidate) }.err().unwrap();
        assert!(matches!(refusal, Refusal::RelativePath), "{refusal}");
    }

    #[test]
    fn a_soname_the_system_lacks_is_not_found() {
        let location = Location::Soname(image::system_name(Library::AvCodec, Some(99)));
        let candidate = Candidate::new(Source::System, location);
        // SAFETY: no such library exists, so nothing is opened.
        let refusal = unsafe { open_candidate(&candidate) }.err().unwrap();
        assert!(matches!(refusal, Refusal::NotFound), "{refusal}");
    }

    #[test]
    fn undefined_symbols_are_read_from_glibc_messages() {
        let plain = "/x/libtheoraenc.so.1: undefined symbol: th_comment_query_count";
        assert_eq!(undefined_symbol(plain), Some("th_comment_query_count"));
        let versioned = "/x/liba.so: undefined symbol: foo, version LIBB_1";
        assert_eq!(undefined_symbol(versioned), Some("foo"));
        assert_eq!(
            undefined_symbol("/x/liba.so: cannot open shared object file"),
            None
        );
    }
}
