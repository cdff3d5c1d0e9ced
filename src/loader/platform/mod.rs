//! The operating system's dynamic loader: one back-end per platform behind one name, as
//! libloading does.
//!
//! A back-end provides [`DynLib`]: open a library by path or by the system's search (running
//! its initialisers), take another reference to one already loaded, look a symbol up pinned to
//! a version node where the platform has them, and tell which file defines an address: `unix`
//! for Linux and macOS (`dlopen`, `dlvsym` where it exists, `dladdr`), `windows`
//! (`LoadLibraryExW`, `GetProcAddress`, `GetModuleFileNameW`). Reading the files before they
//! are opened is [`image`](super::image)'s.

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub(crate) use unix::DynLib;
#[cfg(windows)]
pub(crate) use windows::DynLib;

/// The references of one load, released in the reverse order of opening.
#[derive(Debug, Default)]
pub(crate) struct Handles(Vec<DynLib>);

impl Handles {
    pub fn push(&mut self, handle: DynLib) {
        self.0.push(handle);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn get(&self, index: usize) -> &DynLib {
        &self.0[index]
    }
}

impl Drop for Handles {
    fn drop(&mut self) {
        while let Some(handle) = self.0.pop() {
            drop(handle);
        }
    }
}
