//! [`Ffmpeg`]: one loaded FFmpeg, kept alive by every handle and object made from it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use log::LevelFilter;
use semver::Version;

use crate::abi::Layout;
use crate::cpu::CpuFlags;
use crate::error::{Attempt, LoadError};
use crate::loader::discovery::{Candidate, Discovery, Location, Source};
use crate::loader::dl::DynLib;
use crate::loader::functions::Functions;
use crate::loader::symbols::SymbolBinding;
use crate::loader::version::{Family, Library};
use crate::log_bridge;

/// A loaded FFmpeg: its five libraries, their versions and the functions bound to them.
///
/// Cheap to clone (an [`Arc`] inside). The libraries stay loaded while any clone, or anything
/// made from one, is alive; two `Ffmpeg`s of different releases can be used side by side.
#[derive(Clone)]
pub struct Ffmpeg {
    inner: Arc<Inner>,
}

struct Inner {
    functions: Functions,
    libraries: [LibraryInfo; 5],
    family: Family,
    release: String,
    configuration: String,
    license: String,
    candidate: Candidate,
    missing_optional: Vec<&'static str>,
    layout: Layout,
    abi_facts_checked: usize,
    log_slot: OnceLock<log_bridge::LogSlot>,
    // Last, so that nothing above can outlive the code it points into.
    _handles: Handles,
}

/// Everything the loader gathered, to build an [`Ffmpeg`] from.
pub(crate) struct Parts {
    pub functions: Functions,
    pub libraries: [LibraryInfo; 5],
    pub family: Family,
    pub release: String,
    pub configuration: String,
    pub license: String,
    pub candidate: Candidate,
    pub missing_optional: Vec<&'static str>,
    pub layout: Layout,
    pub abi_facts_checked: usize,
    pub handles: Handles,
}

/// The `dlopen` references of one load, released in the reverse order of opening.
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

impl Ffmpeg {
    /// Finds and loads FFmpeg the default way: [`ENV_VAR`](crate::ENV_VAR), then
    /// [`APP_DIR_NAME`](crate::APP_DIR_NAME) next to the executable, then the system's
    /// libraries, newest major first.
    ///
    /// This is safe to call, unlike [`Ffmpeg::load_from`]: it only reaches places that the
    /// program's environment and installation already control (as `LD_LIBRARY_PATH` does for
    /// every dynamically linked program), never a path chosen at run time by other input.
    ///
    /// # Errors
    ///
    /// A [`LoadError`] listing every candidate tried and why it was refused.
    pub fn load() -> Result<Ffmpeg, LoadError> {
        // SAFETY: the default search reaches only the environment variable's path, the
        // application's own directory and the system loader's libraries, all of which the
        // process's environment vouches for as it does for its own shared libraries.
        unsafe { Discovery::new().load() }
    }

    /// Loads FFmpeg from one directory, or from the path of a libavcodec file (its siblings
    /// are taken from the same directory). Files may carry hashed names, and the libraries
    /// they need are loaded from the same directory first, so no `LD_LIBRARY_PATH` is needed.
    ///
    /// # Safety
    ///
    /// Loading runs the initialisers of every library reached before anything can be checked:
    /// `path` must hold genuine FFmpeg libraries (and their dependencies), not arbitrary code.
    ///
    /// # Errors
    ///
    /// A [`LoadError`] with the one candidate and why it was refused.
    ///
    /// # Platform-specific behaviour
    ///
    /// Linux (glibc) on x86_64 and aarch64: libraries are opened with `RTLD_NOW | RTLD_LOCAL`,
    /// and the host's C library is always used, never a copy found in `path`.
    pub unsafe fn load_from(path: impl AsRef<Path>) -> Result<Ffmpeg, LoadError> {
        // SAFETY: forwarded to the caller's contract.
        unsafe { Discovery::empty().path(path.as_ref()).load() }
    }

    /// Loads exactly these five files, given in [`Library::ALL`] order (libavutil,
    /// libswresample, libswscale, libavcodec, libavformat). The libraries they need are loaded
    /// from their own directories first, as with [`Ffmpeg::load_from`].
    ///
    /// # Safety
    ///
    /// As for [`Ffmpeg::load_from`]: the files must be genuine FFmpeg libraries.
    ///
    /// # Errors
    ///
    /// A [`LoadError`] with the one candidate, for example
    /// [`Refusal::MixedReleases`](crate::Refusal::MixedReleases) when the files come from
    /// different FFmpeg releases.
    pub unsafe fn load_files(files: [impl AsRef<Path>; 5]) -> Result<Ffmpeg, LoadError> {
        let files = Box::new(files.map(|file| file.as_ref().to_path_buf()));
        let candidate = Candidate::new(Source::Explicit, Location::Files(files));
        // SAFETY: forwarded to the caller's contract.
        match unsafe { crate::loader::open_candidate(&candidate) } {
            Ok(ffmpeg) => Ok(ffmpeg),
            Err(refusal) => Err(LoadError::new(vec![Attempt::new(candidate, refusal)])),
        }
    }

    pub(crate) fn from_parts(parts: Parts) -> Ffmpeg {
        let ffmpeg = Ffmpeg {
            inner: Arc::new(Inner {
                functions: parts.functions,
                libraries: parts.libraries,
                family: parts.family,
                release: parts.release,
                configuration: parts.configuration,
                license: parts.license,
                candidate: parts.candidate,
                missing_optional: parts.missing_optional,
                layout: parts.layout,
                abi_facts_checked: parts.abi_facts_checked,
                log_slot: OnceLock::new(),
                _handles: parts.handles,
            }),
        };
        let slot = log_bridge::install(&ffmpeg.inner.functions);
        let _ = ffmpeg.inner.log_slot.set(slot);
        ffmpeg
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
    ) -> crate::Result<()> {
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
    ) -> crate::Error {
        crate::Error::ForeignObject {
            operation,
            object,
            object_release: object_ffmpeg.release().to_owned(),
            release: self.release().to_owned(),
        }
    }

    pub(crate) fn functions(&self) -> &Functions {
        &self.inner.functions
    }

    /// Whether this FFmpeg has an encoder of that name (`libx264`, `aac`, …).
    pub fn has_encoder(&self, name: &str) -> bool {
        crate::codec::Codec::encoder(self, name).is_ok()
    }

    /// Every pixel format this FFmpeg knows, by name (`yuv420p`, `nv12`, `rgba`, …), as
    /// `ffmpeg -pix_fmts` lists them. Releases add formats, and number them differently.
    pub fn pixel_formats(&self) -> Vec<String> {
        crate::codec::pixel_format_names(self)
    }

    /// Whether this FFmpeg has a decoder of that name (`h264`, `libdav1d`, …).
    pub fn has_decoder(&self, name: &str) -> bool {
        let Ok(name) = std::ffi::CString::new(name) else {
            return false;
        };
        // SAFETY: a lookup in FFmpeg's static registry.
        !unsafe { (self.functions().avcodec_find_decoder_by_name)(name.as_ptr()) }.is_null()
    }

    /// The codec a decoder or encoder of this name handles: `"h264"`, and also `"libx264"` or
    /// `"libdav1d"`, name codecs.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when this FFmpeg has no
    /// decoder or encoder of that name.
    pub fn codec_id(&self, name: &str) -> crate::Result<crate::codec::CodecId> {
        crate::codec::codec_id_by_name(self, name)
    }

    /// Whether this FFmpeg has an encoder for the codec (false for an id of another major).
    pub fn has_encoder_for(&self, codec: &crate::codec::CodecId) -> bool {
        crate::codec::find_codec(self, codec, true).is_ok_and(|c| !c.is_null())
    }

    /// Whether this FFmpeg has a decoder for the codec (false for an id of another major).
    pub fn has_decoder_for(&self, codec: &crate::codec::CodecId) -> bool {
        crate::codec::find_codec(self, codec, false).is_ok_and(|c| !c.is_null())
    }

    /// FFmpeg's message for an error code (`av_strerror`).
    pub fn error_message(&self, code: std::ffi::c_int) -> String {
        let mut buffer = [0 as std::ffi::c_char; 256];
        // SAFETY: av_strerror writes at most the given size, NUL-terminated.
        unsafe {
            (self.functions().av_strerror)(code, buffer.as_mut_ptr(), buffer.len());
            crate::loader::c_text(buffer.as_ptr())
        }
    }

    /// The struct layouts of this release, proven at load.
    #[allow(dead_code)] // the safe API reads fields through it
    pub(crate) fn layout(&self) -> &Layout {
        &self.inner.layout
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

    /// The release family, i.e. the ABI: 4.x to 9.x.
    pub fn family(&self) -> Family {
        self.inner.family
    }

    /// One library's facts.
    pub fn library(&self, library: Library) -> &LibraryInfo {
        &self.inner.libraries[library.index()]
    }

    /// All five libraries, dependencies first.
    pub fn libraries(&self) -> impl Iterator<Item = &LibraryInfo> {
        self.inner.libraries.iter()
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

    /// Sets which of this FFmpeg's log messages reach the [`log`] crate (target `ffmpeg`).
    /// The default passes warnings and errors.
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

static GLOBAL: OnceLock<Result<Ffmpeg, LoadError>> = OnceLock::new();

/// The process-wide FFmpeg, loaded with [`Ffmpeg::load`] on first use and kept for the life of
/// the process. Later calls return the same outcome, success or failure.
///
/// # Errors
///
/// The [`LoadError`] of that first load.
pub fn global() -> Result<&'static Ffmpeg, &'static LoadError> {
    GLOBAL.get_or_init(Ffmpeg::load).as_ref()
}
