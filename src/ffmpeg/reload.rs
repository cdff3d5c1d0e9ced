//! Replacing the FFmpeg a long-running program uses without a restart: new work takes the
//! current release, work already started finishes on its own, and a release unloads when its
//! last object drops.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};

use super::Ffmpeg;
use crate::loader::error::LoadError;

/// The FFmpeg that new work takes, replaceable while older work goes on.
///
/// [`get`](Self::get) hands out a clone of the current [`Ffmpeg`]; every object made from it
/// keeps that release loaded. [`reload`](Self::reload) loads and fully checks another release
/// (version probe, family, symbols, ABI self-check: all of [`Ffmpeg::load_from`]) before it
/// swaps; if anything fails the current release keeps serving. A replaced release unloads when
/// the last clone and the last object made from it are gone.
///
/// ```no_run
/// use ffmpeg_runtime::{Ffmpeg, ReloadableFfmpeg};
/// // SAFETY: genuine FFmpeg builds.
/// let current = ReloadableFfmpeg::new(unsafe { Ffmpeg::load_from("/opt/ffmpeg-7.1") }?);
/// let for_a_new_stream = current.get();
/// if let Err(error) = unsafe { current.reload("/opt/ffmpeg-8.1") } {
///     eprintln!("still on {}: {error}", current.get().release());
/// }
/// # Ok::<(), ffmpeg_runtime::LoadError>(())
/// ```
pub struct ReloadableFfmpeg {
    current: RwLock<Ffmpeg>,
    swaps: AtomicU64,
}

impl ReloadableFfmpeg {
    /// Starts with `ffmpeg` as the current release.
    pub fn new(ffmpeg: Ffmpeg) -> Self {
        ReloadableFfmpeg {
            current: RwLock::new(ffmpeg),
            swaps: AtomicU64::new(0),
        }
    }

    /// The current release, for new work.
    pub fn get(&self) -> Ffmpeg {
        // Nothing panics while the lock is held (a clone, a swap), so a poisoned lock still
        // holds a whole value.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads the FFmpeg at `path` as [`Ffmpeg::load_from`] does and, once every check has
    /// passed, makes it the current release. Returns the release it replaced, which unloads
    /// when it and everything made from it are dropped.
    ///
    /// # Errors
    ///
    /// The [`LoadError`] of the load; the current release is then unchanged.
    ///
    /// # Safety
    ///
    /// As for [`Ffmpeg::load_from`]: loading runs the initialisers of the files at `path`.
    pub unsafe fn reload(&self, path: impl AsRef<Path>) -> Result<Ffmpeg, LoadError> {
        // SAFETY: forwarded to the caller's contract. The load happens outside the lock, so
        // new work keeps taking the current release meanwhile.
        let loaded = unsafe { Ffmpeg::load_from(path) }?;
        Ok(self.replace(loaded))
    }

    /// Makes `ffmpeg`, loaded and checked already, the current release; returns the one it
    /// replaced.
    pub fn replace(&self, ffmpeg: Ffmpeg) -> Ffmpeg {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        let previous = std::mem::replace(&mut *current, ffmpeg);
        self.swaps.fetch_add(1, Ordering::Relaxed);
        previous
    }

    /// How many times the current release has been replaced.
    pub fn reloads(&self) -> u64 {
        self.swaps.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for ReloadableFfmpeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReloadableFfmpeg")
            .field("current", &self.get().release().to_owned())
            .field("reloads", &self.reloads())
            .finish()
    }
}
