//! Opening the chosen files together with the libraries they need from their directories, so
//! that no `LD_LIBRARY_PATH` or RPATH is required.
//!
//! A depth-first walk over `DT_NEEDED` opens each file after the files it needs, by full path
//! (`RTLD_NOW | RTLD_LOCAL`); the dynamic loader then matches every later `DT_NEEDED` entry to
//! the already-loaded file by its soname. The walk stops at any library the process already
//! has under that soname (one soname is one library in a process) and holds a reference to it
//! so that it cannot be unloaded meanwhile; whatever it needs is then loaded already too.
//! GCC's runtimes (libstdc++, libgcc_s, …) stay backward compatible within a soname, so the
//! system's copy is preferred: a bundled older one would starve every library loaded after it.

use std::collections::HashSet;
use std::ffi::CString;
use std::path::{Path, PathBuf};

use super::directory::{self, FileId, Selection};
use super::error::Refusal;
use super::image::{self, ImageInfo};
use super::platform::{DynLib, Handles};
use super::{ByLibrary, Opened, undefined_symbol_in};
use crate::sys::Library;

/// Opens a selection: its libraries and, first, what they need from their directories. An
/// optional library that fails to open is left out, with its refusal.
///
/// # Safety
///
/// Opening runs the initialisers of every file reached; the caller vouches that they are
/// genuine FFmpeg builds and their dependencies.
pub(crate) unsafe fn open_selection(selection: Selection) -> Result<Opened, Refusal> {
    let main_ids = selection
        .libraries
        .each_ref()
        .map(|file| file.as_ref().map(|(path, _)| FileId::of(path)));
    let mut walk = Walk {
        selection: &selection,
        main_ids,
        visited: HashSet::new(),
        names_seen: HashSet::new(),
        handles: Handles::default(),
        slots: ByLibrary::default(),
        deferred: Vec::new(),
    };
    let mut refused = Vec::new();
    for library in Library::REQUIRED.into_iter().chain(Library::OPTIONAL) {
        let Some((path, _)) = &selection.libraries[library.index()] else {
            continue;
        };
        // SAFETY: forwarded to the caller's contract.
        match unsafe { walk.visit(path, None) } {
            Ok(()) => {}
            Err(refusal) if library.is_optional() => refused.push((library, refusal)),
            Err(refusal) => return Err(refusal),
        }
    }
    let Walk { handles, slots, .. } = walk;
    let mut files = selection.libraries;
    for (index, file) in files.iter_mut().enumerate() {
        if slots[index].is_none() {
            *file = None;
        }
    }
    Ok(Opened {
        handles,
        slots,
        files,
        refused,
    })
}

struct Walk<'a> {
    selection: &'a Selection,
    main_ids: ByLibrary<FileId>,
    visited: HashSet<FileId>,
    /// `DT_NEEDED` names already dealt with.
    names_seen: HashSet<String>,
    handles: Handles,
    slots: ByLibrary<usize>,
    /// Underlinked dependencies whose symbol provider had not been opened yet.
    deferred: Vec<PathBuf>,
}

impl Walk<'_> {
    /// Opens `path` after what it needs. `needed_as` is the name a dependent needs it by
    /// (`None` when reached as one of the chosen libraries).
    unsafe fn visit(&mut self, path: &Path, needed_as: Option<&str>) -> Result<(), Refusal> {
        let id = FileId::of(path);
        if !self.visited.insert(id.clone()) {
            return Ok(()); // done, or a cycle, which the dynamic loader resolves by itself
        }
        let main = self
            .main_ids
            .iter()
            .position(|main| main.as_ref() == Some(&id));
        if let (None, Some(name)) = (main, needed_as)
            && directory::is_compiler_runtime(name)
        {
            // SAFETY: the system's own copy, found as any program would find it.
            if let Ok(handle) = unsafe { DynLib::open(name) } {
                self.handles.push(handle);
                return Ok(());
            }
        }
        let inspected;
        let info: &ImageInfo = match main {
            Some(index) => {
                let (_, info) = self.selection.libraries[index]
                    .as_ref()
                    .expect("a main id belongs to a chosen file");
                info
            }
            None => {
                inspected = image::inspect(path)?;
                &inspected
            }
        };
        for needed in &info.needed {
            if directory::is_c_library(needed) || !self.names_seen.insert(needed.clone()) {
                continue;
            }
            // Already in the process under that name: hold it, and what it needs is loaded too.
            if let Some(loaded) = DynLib::open_loaded(needed) {
                self.handles.push(loaded);
                continue;
            }
            if let Some(dependency) = self.selection.listing.find(needed, path) {
                // SAFETY: forwarded to the caller's contract.
                unsafe { self.visit(&dependency, Some(needed)) }?;
            }
        }
        match main {
            Some(index) => {
                for deferred in std::mem::take(&mut self.deferred) {
                    // SAFETY: forwarded to the caller's contract.
                    let handle = unsafe { open_dependency(&deferred, &mut self.handles) }?;
                    self.handles.push(handle);
                }
                // SAFETY: forwarded to the caller's contract.
                let handle = unsafe { DynLib::open_path(path) }?;
                self.slots[index] = Some(self.handles.len());
                self.handles.push(handle);
            }
            // SAFETY: forwarded to the caller's contract.
            None => match unsafe { open_dependency(path, &mut self.handles) } {
                Ok(handle) => self.handles.push(handle),
                Err(refusal) if undefined_symbol_in(&refusal).is_some() => {
                    self.deferred.push(path.to_owned())
                }
                Err(refusal) => return Err(refusal),
            },
        }
        Ok(())
    }
}

/// Opens a dependency by full path. Some distributions ship *underlinked* libraries, which use
/// a sibling's symbols without naming it in `DT_NEEDED` (Debian's libtheoraenc calls
/// libtheoradec). The system's loader copes because it relocates a whole dependency group at
/// once; opened alone, such a library fails with "undefined symbol". Then the library this load
/// already opened that defines the symbol is made `RTLD_GLOBAL` and the open is retried.
unsafe fn open_dependency(path: &Path, handles: &mut Handles) -> Result<DynLib, Refusal> {
    let mut promoted = 0;
    loop {
        // SAFETY: forwarded to the caller's contract.
        let refusal = match unsafe { DynLib::open_path(path) } {
            Ok(handle) => return Ok(handle),
            Err(refusal) => refusal,
        };
        let Some(symbol) = undefined_symbol_in(&refusal) else {
            return Err(refusal);
        };
        let provider = (0..handles.len())
            .map(|i| handles.get(i))
            .find_map(|handle| {
                let address = handle.symbol(&CString::new(symbol.as_str()).ok()?, None)?;
                DynLib::path_of(address)
            });
        match provider {
            Some(provider) if promoted < handles.len() => {
                handles.push(DynLib::promote_global(&provider)?);
                promoted += 1;
            }
            _ => return Err(refusal),
        }
    }
}
