//! Finding, opening, probing and binding FFmpeg's five libraries.
//!
//! Data flows one way: [`discovery`] lists candidates; each is opened (from a directory with its
//! siblings preloaded, or by soname through the system's loader), its versions are probed and
//! checked to be one supported release, and the [`symbols`] table is resolved pinned to that
//! release's version nodes. The result is an [`Ffmpeg`]; any failure is a
//! [`Refusal`] for that candidate, and the next one is tried.

pub(crate) mod directory;
pub mod discovery;
pub(crate) mod dl;
pub(crate) mod elf;
pub(crate) mod functions;
pub(crate) mod preload;
pub mod symbols;
pub mod version;

use std::ffi::{CStr, CString, c_char, c_uint, c_void};

use std::path::{Path, PathBuf};

pub use symbols::{Requirement, SYMBOLS, SymbolBinding, SymbolSpec};

use crate::abi::{self, Layout};
use crate::error::{Refusal, VersionedFile};
use crate::ffmpeg::{Ffmpeg, Handles, LibraryInfo, Parts};
use discovery::{Candidate, Location, Source};
use dl::DynLib;
use elf::ElfInfo;
use functions::Functions;
use symbols::SymbolSource;
use version::{Family, Library};

/// The five libraries opened, before any check.
pub(crate) struct Opened {
    pub handles: Handles,
    /// Index into `handles` of each library, by [`Library::index`].
    pub slots: [usize; 5],
    pub files: [(PathBuf, ElfInfo); 5],
}

/// Opens, probes, checks and binds one candidate.
///
/// # Safety
///
/// Opening runs the initialisers of the files the candidate reaches; the caller vouches that
/// they are genuine FFmpeg builds or harmless.
pub(crate) unsafe fn open_candidate(candidate: &Candidate) -> Result<Ffmpeg, Refusal> {
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
    bind(opened, candidate.clone())
}

fn select_for_path(path: &Path) -> Result<directory::Selection, Refusal> {
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => Refusal::NotFound,
        _ => Refusal::Io {
            path: path.to_owned(),
            source,
        },
    };
    let path = std::path::absolute(path).map_err(io)?;
    if std::fs::metadata(&path).map_err(io)?.is_dir() {
        directory::select(&path, None)
    } else {
        let dir = path.parent().unwrap_or(Path::new("/"));
        directory::select(dir, Some(&path))
    }
}

/// Opens libavcodec by soname through the system's search, then its siblings by the sonames
/// of its family (or unversioned names when libavcodec was found unversioned).
unsafe fn open_system(name: &str) -> Result<Opened, Refusal> {
    // SAFETY: forwarded to the caller's contract.
    let avcodec =
        unsafe { DynLib::open(name) }.map_err(|refusal| not_found_if_absent(name, refusal))?;
    let avcodec_file = locate(&avcodec, Library::AvCodec)?;
    let major = probe_version(
        &avcodec,
        Library::AvCodec,
        &binding_for(Library::AvCodec, &avcodec_file.1),
    )
    .map(|v| v.major)?;
    let family = Family::from_avcodec_major(major);
    let mut handles = Handles::default();
    let mut slots = [usize::MAX; 5];
    let mut files: [Option<(PathBuf, ElfInfo)>; 5] = Default::default();
    slots[Library::AvCodec.index()] = 0;
    files[Library::AvCodec.index()] = Some(avcodec_file);
    handles.push(avcodec);
    for library in [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvFormat,
    ] {
        let sibling = match (name.contains(".so."), family) {
            (true, Some(family)) => format!("lib{}.so.{}", library.stem(), family.major(library)),
            _ => format!("lib{}.so", library.stem()),
        };
        // SAFETY: forwarded to the caller's contract.
        let handle = unsafe { DynLib::open(&sibling) }?;
        files[library.index()] = Some(locate(&handle, library)?);
        slots[library.index()] = handles.len();
        handles.push(handle);
    }
    Ok(Opened {
        handles,
        slots,
        files: files.map(|f| f.expect("all five opened")),
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
    // libloading's Display is generic ("dlopen failed"); dlerror's text is its source.
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
            if loader_message(&refusal).is_some_and(|m| {
                m.starts_with(&format!("{name}: cannot open shared object file"))
            }) =>
        {
            Refusal::NotFound
        }
        _ => refusal,
    }
}

/// The file a library handle was opened from, and its ELF facts.
fn locate(handle: &DynLib, library: Library) -> Result<(PathBuf, ElfInfo), Refusal> {
    let address = handle
        .symbol(&version_symbol(library), None)
        .ok_or_else(|| missing_version_symbol(library))?;
    let path = DynLib::path_of(address).unwrap_or_default();
    let info = elf::inspect(&path)?;
    Ok((path, info))
}

/// `<library>_version`, the one function every FFmpeg library has had since 2010.
fn version_symbol(library: Library) -> CString {
    CString::new(format!("{}_version", library.stem())).expect("no NUL")
}

fn missing_version_symbol(library: Library) -> Refusal {
    Refusal::MissingSymbols {
        symbols: vec![format!("{library}:{}_version", library.stem())],
    }
}

/// Pinned to the library's own `LIB<NAME>_<major>` node when it defines one.
fn binding_for(library: Library, info: &ElfInfo) -> SymbolBinding {
    let prefix = format!("LIB{}_", library.stem().to_ascii_uppercase());
    info.version_nodes
        .iter()
        .filter_map(|node| Some((node.strip_prefix(&prefix)?.parse::<u64>().ok()?, node)))
        .max()
        .map_or(SymbolBinding::Unversioned, |(_, node)| {
            SymbolBinding::Versioned(node.clone())
        })
}

fn node_cstring(binding: &SymbolBinding) -> Option<CString> {
    binding
        .node()
        .map(|node| CString::new(node).expect("node names have no NUL"))
}

/// Calls `<library>_version()`.
fn probe_version(
    handle: &DynLib,
    library: Library,
    binding: &SymbolBinding,
) -> Result<semver::Version, Refusal> {
    let node = node_cstring(binding);
    let address = handle
        .symbol(&version_symbol(library), node.as_deref())
        .ok_or_else(|| missing_version_symbol(library))?;
    // SAFETY: every FFmpeg release declares `unsigned <library>_version(void)`, which returns a
    // constant and touches no state.
    let version_fn =
        unsafe { std::mem::transmute::<*mut c_void, unsafe extern "C" fn() -> c_uint>(address) };
    // SAFETY: as above; it takes no arguments.
    Ok(version::decode_version_int(unsafe { version_fn() }))
}

struct Bound<'a> {
    handles: [&'a DynLib; 5],
    nodes: [Option<CString>; 5],
}

impl SymbolSource for Bound<'_> {
    fn address(&self, library: Library, name: &CStr) -> Option<*mut c_void> {
        let index = library.index();
        self.handles[index].symbol(name, self.nodes[index].as_deref())
    }
}

/// Probes, checks and resolves an opened set.
fn bind(opened: Opened, candidate: Candidate) -> Result<Ffmpeg, Refusal> {
    let handle = |library: Library| opened.handles.get(opened.slots[library.index()]);
    let bindings =
        Library::ALL.map(|library| binding_for(library, &opened.files[library.index()].1));
    let mut versioned = Vec::with_capacity(5);
    for library in Library::ALL {
        let binding = &bindings[library.index()];
        let file = VersionedFile {
            library,
            path: opened.files[library.index()].0.clone(),
            version: probe_version(handle(library), library, binding)?,
        };
        if let Some(node) = binding.node()
            && node != library.version_node(file.version.major)
        {
            return Err(Refusal::VersionNodeMismatch {
                file: Box::new(file),
                node: node.to_owned(),
            });
        }
        versioned.push(file);
    }
    let versioned: [VersionedFile; 5] = versioned.try_into().expect("five libraries");
    let family = version::check_release(&versioned)?;
    let bound = Bound {
        handles: Library::ALL.map(handle),
        nodes: Library::ALL.map(|library| node_cstring(&bindings[library.index()])),
    };
    let (functions, missing) =
        Functions::resolve(&bound, family.major(Library::AvCodec)).map_err(|missing| {
            Refusal::MissingSymbols {
                symbols: missing.required,
            }
        })?;
    let versions = versioned.each_ref().map(|file| file.version.clone());
    let layout = Layout::for_versions(&versions).expect("a supported family has a layout");
    let abi_facts_checked = abi::check(&functions, &layout).map_err(Refusal::from)?;
    let libraries = Library::ALL.map(|library| {
        let index = library.index();
        let file = &versioned[index];
        LibraryInfo::new(
            library,
            file.path.clone(),
            file.version.clone(),
            bindings[index].clone(),
            opened.files[index].1.soname.clone(),
        )
    });
    // SAFETY: these FFmpeg functions return pointers to static NUL-terminated strings.
    let text = |f: unsafe extern "C" fn() -> *const c_char| unsafe { c_text(f()) };
    let parts = Parts {
        release: text(functions.av_version_info),
        configuration: text(functions.avcodec_configuration),
        license: text(functions.avcodec_license),
        functions,
        libraries,
        family,
        candidate,
        missing_optional: missing.optional,
        layout,
        abi_facts_checked,
        handles: opened.handles,
    };
    Ok(Ffmpeg::from_parts(parts))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_from_the_environment_is_refused() {
        let location = Location::Path("relative/ffmpeg".into());
        let candidate = Candidate::new(Source::Environment, location);
        // SAFETY: refused before anything is opened.
        let refusal = unsafe { open_candidate(&candidate) }.unwrap_err();
        assert!(matches!(refusal, Refusal::RelativePath), "{refusal}");
    }

    #[test]
    fn a_soname_the_system_lacks_is_not_found() {
        let location = Location::Soname("libavcodec.so.99".into());
        let candidate = Candidate::new(Source::System, location);
        // SAFETY: no such library exists, so nothing is opened.
        let refusal = unsafe { open_candidate(&candidate) }.unwrap_err();
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
