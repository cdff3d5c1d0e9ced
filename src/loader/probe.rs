//! Probing an opened set: where each library came from, the version it reports, the version
//! node its symbols are pinned to, whether they are one supported release, and binding the
//! function table to them.

use std::ffi::{CStr, CString, c_char, c_uint, c_void};
use std::path::PathBuf;

use super::discovery::Candidate;
use super::error::{Refusal, VersionedFile};
use super::functions::Functions;
use super::image::{self, ImageInfo};
use super::library_info::LibraryInfo;
use super::platform::DynLib;
use super::symbols::{SymbolBinding, SymbolSource};
use super::{ByLibrary, LoadedLibraries, Opened};
use crate::sys::{Family, Library, c_text, decode_version_int};

/// The file a library handle was opened from, and its ELF facts.
pub(super) fn locate(handle: &DynLib, library: Library) -> Result<(PathBuf, ImageInfo), Refusal> {
    let address = handle
        .symbol(&version_symbol(library), None)
        .ok_or_else(|| missing_version_symbol(library))?;
    let path = DynLib::path_of(address).unwrap_or_default();
    let info = image::inspect(&path)?;
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
pub(super) fn binding_for(library: Library, info: &ImageInfo) -> SymbolBinding {
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
pub(super) fn probe_version(
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
    Ok(decode_version_int(unsafe { version_fn() }))
}

struct Bound<'a> {
    handles: ByLibrary<&'a DynLib>,
    nodes: ByLibrary<CString>,
}

impl SymbolSource for Bound<'_> {
    fn address(&self, library: Library, name: &CStr) -> Option<*mut c_void> {
        let index = library.index();
        self.handles[index]?.symbol(name, self.nodes[index].as_deref())
    }

    fn has(&self, library: Library) -> bool {
        self.handles[library.index()].is_some()
    }
}

/// Probes, checks and resolves an opened set: the libraries bound, ready for the ABI layer.
pub(super) fn bind(opened: Opened, candidate: Candidate) -> Result<LoadedLibraries, Refusal> {
    let handle =
        |library: Library| opened.slots[library.index()].map(|slot| opened.handles.get(slot));
    let file = |library: Library| {
        opened.files[library.index()]
            .as_ref()
            .expect("an opened library has its file")
    };
    let bindings: ByLibrary<SymbolBinding> = std::array::from_fn(|index| {
        Some(binding_for(
            Library::ALL[index],
            &opened.files[index].as_ref()?.1,
        ))
    });
    let mut versioned = Vec::with_capacity(Library::COUNT);
    for library in Library::ALL
        .into_iter()
        .filter(|l| opened.slots[l.index()].is_some())
    {
        let binding = bindings[library.index()]
            .as_ref()
            .expect("bound with its file");
        let file = VersionedFile {
            library,
            path: file(library).0.clone(),
            version: probe_version(handle(library).expect("opened"), library, binding)?,
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
    let family = check_release(&versioned)?;
    let bound = Bound {
        handles: std::array::from_fn(|index| handle(Library::ALL[index])),
        nodes: std::array::from_fn(|index| node_cstring(bindings[index].as_ref()?)),
    };
    let (functions, missing) =
        Functions::resolve(&bound, family.major(Library::AvCodec)).map_err(|missing| {
            Refusal::MissingSymbols {
                symbols: missing.required,
            }
        })?;
    let libraries = versioned
        .into_iter()
        .map(|file| {
            let index = file.library.index();
            LibraryInfo::new(
                file.library,
                file.path,
                file.version,
                bindings[index].clone().expect("bound with its file"),
                opened.files[index]
                    .as_ref()
                    .and_then(|(_, elf)| elf.soname.clone()),
            )
        })
        .collect();
    // SAFETY: these FFmpeg functions return pointers to static NUL-terminated strings.
    let text = |f: unsafe extern "C" fn() -> *const c_char| unsafe { c_text(f()) };
    Ok(LoadedLibraries {
        release: text(functions.av_version_info),
        configuration: text(functions.avcodec_configuration),
        license: text(functions.avcodec_license),
        functions,
        libraries,
        unavailable: opened
            .refused
            .iter()
            .map(|(library, refusal)| (*library, with_causes(refusal)))
            .collect(),
        family,
        candidate,
        missing_optional: missing.optional,
        handles: opened.handles,
    })
}

/// A refusal and what caused it (the dynamic loader's own message), on one line.
fn with_causes(refusal: &Refusal) -> String {
    let mut text = refusal.to_string();
    let mut cause = std::error::Error::source(refusal);
    while let Some(error) = cause {
        let detail = error.to_string();
        if !text.contains(&detail) {
            text = format!("{text}: {detail}");
        }
        cause = error.source();
    }
    text
}

/// Checks that the probed versions are FFmpeg (not Libav), of a supported major, and all of
/// one family; returns that family.
pub(crate) fn check_release(files: &[VersionedFile]) -> Result<Family, Refusal> {
    if let Some(libav) = files.iter().find(|f| f.version.patch < 100) {
        return Err(Refusal::Libav(Box::new(libav.clone())));
    }
    let avcodec = files
        .iter()
        .find(|file| file.library == Library::AvCodec)
        .expect("libavcodec is always probed");
    let family = Family::from_avcodec_major(avcodec.version.major).ok_or_else(|| {
        Refusal::UnsupportedMajor {
            file: Box::new(avcodec.clone()),
            major: avcodec.version.major,
        }
    })?;
    for file in files {
        if file.version.major != family.major(file.library) {
            return Err(Refusal::MixedReleases {
                avcodec: Box::new(avcodec.clone()),
                family,
                other: Box::new(file.clone()),
            });
        }
    }
    Ok(family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::SUPPORTED_AVCODEC_MAJORS;
    use semver::Version;
    use std::path::PathBuf;

    fn files(majors: [u64; 5], micro: u64) -> [VersionedFile; 5] {
        Library::REQUIRED.map(|library| VersionedFile {
            library,
            path: PathBuf::from(format!("/x/{}.so", library.name())),
            version: Version::new(majors[library.index()], 1, micro),
        })
    }

    #[test]
    fn every_family_accepts_its_own_majors() {
        for family in Family::all() {
            let majors = Library::REQUIRED.map(|l| family.major(l));
            assert_eq!(check_release(&files(majors, 100)).unwrap(), family);
            let mut with_filters = files(majors, 100).to_vec();
            with_filters.push(VersionedFile {
                library: Library::AvFilter,
                path: PathBuf::from("/x/libavfilter.so"),
                version: Version::new(family.major(Library::AvFilter), 1, 100),
            });
            assert_eq!(check_release(&with_filters).unwrap(), family);
        }
        assert_eq!(Family::all().count(), SUPPORTED_AVCODEC_MAJORS.count());
    }

    #[test]
    fn a_mixed_set_names_the_odd_library() {
        let err = check_release(&files([57, 5, 8, 61, 61], 100)).unwrap_err();
        match err {
            Refusal::MixedReleases { other, family, .. } => {
                assert_eq!(other.library, Library::AvUtil);
                assert_eq!(family.ffmpeg_major(), 7);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unsupported_majors_and_libav_are_refused() {
        assert!(matches!(
            check_release(&files([62, 8, 11, 64, 64], 100)),
            Err(Refusal::UnsupportedMajor { major: 64, .. })
        ));
        assert!(matches!(
            check_release(&files([56, 3, 5, 58, 58], 1)),
            Err(Refusal::Libav(_))
        ));
    }
}
