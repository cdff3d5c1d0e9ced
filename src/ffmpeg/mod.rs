//! The layer that assembles one loaded FFmpeg: the loader's bound libraries with the ABI
//! layer's proven layouts, as [`Ffmpeg`], kept alive by every handle and object made from it.
//! It also holds what every media call shares: the crate's [`Error`], the log bridge and the
//! CPU flags.

pub(crate) mod cpu;
pub(crate) mod error;
mod load;
pub(crate) mod log_bridge;
pub(crate) mod reload;
mod warm_up;

use std::fmt;
use std::sync::{Arc, OnceLock};

use log::LevelFilter;

use crate::abi::Layout;
use crate::abi::subtitle::RectFields;
use crate::loader::discovery::Candidate;
use crate::loader::functions::Functions;
use crate::loader::library_info::LibraryInfo;
use crate::loader::platform::Handles;
use crate::sys::{Family, Library};
use cpu::CpuFlags;
pub use error::{Error, FilterError, Result};
pub use load::global;

/// A loaded FFmpeg: its five libraries (and libavfilter when the build has it), their versions
/// and the functions bound to them.
///
/// Cheap to clone (an [`Arc`] inside). The libraries stay loaded while any clone, or anything
/// made from one, is alive; two `Ffmpeg`s of different releases can be used side by side.
#[derive(Clone)]
pub struct Ffmpeg {
    inner: Arc<Inner>,
}

struct Inner {
    functions: Functions,
    /// In [`Library::index`] order: the five required, then the optional ones loaded.
    libraries: Vec<LibraryInfo>,
    /// Optional libraries the build has but that could not be loaded, and why.
    unavailable: Vec<(Library, String)>,
    family: Family,
    release: String,
    configuration: String,
    license: String,
    candidate: Candidate,
    missing_optional: Vec<&'static str>,
    layout: Layout,
    /// The subtitle rectangles' layout, when the self-check could prove it.
    subtitle_rects: Option<RectFields>,
    abi_facts_checked: usize,
    log_slot: OnceLock<log_bridge::LogSlot>,
    // Last, so that nothing above can outlive the code it points into.
    _handles: Handles,
}

impl Ffmpeg {
    /// Whether `other` is this very load (a clone of it), not merely the same release: two
    /// loads of the same files are two FFmpegs, whose objects never mix.
    pub fn is_same_load(&self, other: &Ffmpeg) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Refuses an object of another loaded FFmpeg, before anything reaches FFmpeg: the check
    /// every call that takes two objects makes (a pointer comparison). Two loads of the same
    /// files count as two FFmpegs: each frees only what it allocated.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`](crate::Error::ForeignObject) naming `object` and `operation`.
    #[inline]
    pub(crate) fn ensure_same(
        &self,
        object_ffmpeg: &Ffmpeg,
        operation: &'static str,
        object: &'static str,
    ) -> Result<()> {
        if Arc::ptr_eq(&self.inner, &object_ffmpeg.inner) {
            return Ok(());
        }
        Err(self.foreign(object_ffmpeg, operation, object))
    }

    #[cold]
    fn foreign(
        &self,
        object_ffmpeg: &Ffmpeg,
        operation: &'static str,
        object: &'static str,
    ) -> Error {
        Error::ForeignObject {
            operation,
            object,
            object_release: object_ffmpeg.release().to_owned(),
            release: self.release().to_owned(),
        }
    }

    pub(crate) fn functions(&self) -> &Functions {
        &self.inner.functions
    }

    /// FFmpeg's message for an error code (`av_strerror`).
    pub fn error_message(&self, code: std::ffi::c_int) -> String {
        let mut buffer = [0 as std::ffi::c_char; 256];
        // SAFETY: av_strerror writes at most the given size, NUL-terminated.
        unsafe {
            (self.functions().av_strerror)(code, buffer.as_mut_ptr(), buffer.len());
            crate::sys::c_text(buffer.as_ptr())
        }
    }

    /// The struct layouts of this release, proven at load.
    pub(crate) fn layout(&self) -> &Layout {
        &self.inner.layout
    }

    /// The subtitle rectangles' layout.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when this build has no SubRip decoder, with which the
    /// self-check proves it: subtitles are then refused rather than read unproven.
    pub(crate) fn subtitle_rects(&self, operation: &'static str) -> error::Result<RectFields> {
        self.inner.subtitle_rects.ok_or_else(|| {
            error::Error::unsupported(
                operation,
                "this FFmpeg has no SubRip decoder, with which the subtitle structs are \
                 proven at load",
            )
        })
    }

    /// How many facts of the struct layouts the self-check proved against this library before
    /// it was accepted (field offsets from FFmpeg's option tables, defaults of fresh objects,
    /// fields FFmpeg filled from ours). A library that fails any is refused with
    /// [`Refusal::AbiMismatch`](crate::Refusal::AbiMismatch).
    pub fn abi_facts_checked(&self) -> usize {
        self.inner.abi_facts_checked
    }

    /// FFmpeg's own version string (`av_version_info()`), e.g. `7.1.1` or `n4.1.6`.
    pub fn release(&self) -> &str {
        &self.inner.release
    }

    /// The FFmpeg release (major, minor) loaded, by the libavcodec each release shipped
    /// with: `(6, 1)` from libavcodec 60.31, which 6.1 brought. A build from between two
    /// releases counts as the earlier. How to ask whether the release has what came in a
    /// minor release, when [`release`](Self::release)'s text may be a git description:
    /// `ffmpeg.release_version() >= (6, 1)`.
    pub fn release_version(&self) -> (u8, u8) {
        // libavcodec is one of the required libraries: always loaded.
        self.library(Library::AvCodec)
            .map_or((self.family().ffmpeg_major(), 0), |avcodec| {
                crate::sys::release_of(self.family(), avcodec.version())
            })
    }

    /// The release family, i.e. the ABI: 4.x to 9.x.
    pub fn family(&self) -> Family {
        self.inner.family
    }

    /// One library's facts; `None` only for an optional library ([`Library::OPTIONAL`]) this
    /// build lacks.
    pub fn library(&self, library: Library) -> Option<&LibraryInfo> {
        self.inner
            .libraries
            .iter()
            .find(|info| info.library() == library)
    }

    /// Whether `library` is loaded at version `major.minor` or later: how to ask whether the
    /// release has what came in a minor version (libavcodec 61.19 is FFmpeg 7.1). `false`
    /// for an optional library this build lacks.
    pub fn library_is_at_least(&self, library: Library, (major, minor): (u64, u64)) -> bool {
        self.library(library).is_some_and(|info| {
            let version = info.version();
            (version.major, version.minor) >= (major, minor)
        })
    }

    /// Every library loaded, dependencies first: the five required ones, then the optional
    /// ones the build has.
    pub fn libraries(&self) -> impl Iterator<Item = &LibraryInfo> {
        self.inner.libraries.iter()
    }

    /// Why an optional library this build has could not be loaded (a dependency missing, say);
    /// `None` when it loaded, or when the build has none.
    pub fn unavailable_reason(&self, library: Library) -> Option<&str> {
        self.inner
            .unavailable
            .iter()
            .find(|(l, _)| *l == library)
            .map(|(_, reason)| reason.as_str())
    }

    /// libavcodec's `configure` line.
    pub fn configuration(&self) -> &str {
        &self.inner.configuration
    }

    /// libavcodec's licence, e.g. `GPL version 2 or later`.
    pub fn license(&self) -> &str {
        &self.inner.license
    }

    /// Where this FFmpeg was found.
    pub fn candidate(&self) -> &Candidate {
        &self.inner.candidate
    }

    /// True when every library's functions are pinned to its version node (`dlvsym`).
    pub fn versioned_symbols(&self) -> bool {
        self.libraries()
            .all(|library| library.binding().node().is_some())
    }

    /// Optional functions this release could have had but lacks; the features that need them
    /// report themselves unavailable.
    pub fn missing_optional_symbols(&self) -> &[&'static str] {
        &self.inner.missing_optional
    }

    /// The CPU features FFmpeg detected and uses (`av_get_cpu_flags()`).
    pub fn cpu_flags(&self) -> CpuFlags {
        // SAFETY: av_get_cpu_flags takes no arguments and reads FFmpeg's cached detection.
        CpuFlags::from_bits(unsafe { (self.functions().av_get_cpu_flags)() } as u32)
    }

    /// Makes FFmpeg use exactly these CPU features (`av_force_cpu_flags`), e.g. none at all to
    /// compare its SIMD code with its plain C code; `None` returns to detection. Affects every
    /// user of this FFmpeg in the process, and codecs opened afterwards.
    pub fn force_cpu_flags(&self, flags: Option<CpuFlags>) {
        let bits = flags.map_or(-1, |flags| flags.bits() as i32);
        // SAFETY: av_force_cpu_flags stores the flags atomically; -1 re-enables detection.
        unsafe { (self.functions().av_force_cpu_flags)(bits) }
    }

    /// Caps the size of any one block FFmpeg's allocator (`av_malloc`) hands out, as the
    /// CLI's `-max_alloc` does (`av_max_alloc`): a larger request fails, and the call that
    /// made it reports `ENOMEM` (a decoder's as a decoding error), rather than taking the
    /// memory. FFmpeg's own cap is `INT_MAX` bytes; a few bytes of damaged input can make a
    /// decoder ask for that much (a 1.7 KB DVB subtitle stream makes 5.1's ask twice for
    /// 1.9 GiB), so a program decoding untrusted input may want far less. It caps single
    /// blocks, not the total.
    ///
    /// Like the log level, it belongs to the loaded libavutil: every load of the same files
    /// shares it, and it holds for every object of this FFmpeg from then on, pictures
    /// included (a 4K YUV 4:2:0 picture needs blocks of 8 MiB).
    pub fn set_max_allocation(&self, bytes: usize) {
        // SAFETY: av_max_alloc only stores the size, which av_malloc reads (atomically in
        // recent releases; before, a plain aligned word, as the log level is).
        unsafe { (self.functions().av_max_alloc)(bytes) }
    }

    /// Sets which of this FFmpeg's log messages reach the [`log`] crate (target `ffmpeg`).
    /// The default passes warnings and errors. Two loads of the same files share one
    /// libavutil and so one level: setting it through either sets it for both.
    pub fn set_log_level(&self, level: LevelFilter) {
        let av_level = log_bridge::av_level(level);
        if let Some(slot) = self.inner.log_slot.get() {
            slot.set_level(av_level);
        }
        // SAFETY: av_log_set_level only stores an int.
        unsafe { (self.functions().av_log_set_level)(av_level) }
    }

    /// The level set by [`Ffmpeg::set_log_level`].
    pub fn log_level(&self) -> LevelFilter {
        // SAFETY: av_log_get_level only reads an int.
        log_bridge::level_filter(unsafe { (self.functions().av_log_get_level)() })
    }
}

/// Handles are equal when they come from one load (clones of each other), whatever the
/// release: two loads of the same files are different FFmpegs.
impl PartialEq for Ffmpeg {
    fn eq(&self, other: &Ffmpeg) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Ffmpeg {}

impl fmt::Debug for Ffmpeg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ffmpeg")
            .field("release", &self.inner.release)
            .field("family", &self.inner.family)
            .field("candidate", &self.inner.candidate)
            .field("libraries", &self.inner.libraries)
            .finish_non_exhaustive()
    }
}
