//! What the loader tells about each library it bound.

use std::path::{Path, PathBuf};

use semver::Version;

use super::symbols::SymbolBinding;
use crate::sys::Library;

/// One of the five loaded libraries.
#[derive(Debug, Clone)]
pub struct LibraryInfo {
    library: Library,
    path: PathBuf,
    version: Version,
    binding: SymbolBinding,
    soname: Option<String>,
}

impl LibraryInfo {
    pub(crate) fn new(
        library: Library,
        path: PathBuf,
        version: Version,
        binding: SymbolBinding,
        soname: Option<String>,
    ) -> Self {
        LibraryInfo {
            library,
            path,
            version,
            binding,
            soname,
        }
    }

    /// Which library this is.
    pub fn library(&self) -> Library {
        self.library
    }

    /// The file the dynamic loader opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The version its `*_version()` function reports.
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// How its functions were bound: pinned to a version node, or plain `dlsym`.
    pub fn binding(&self) -> &SymbolBinding {
        &self.binding
    }

    /// Its `DT_SONAME`, if it has one.
    pub fn soname(&self) -> Option<&str> {
        self.soname.as_deref()
    }
}
