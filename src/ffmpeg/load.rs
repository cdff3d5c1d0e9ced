//! Loading: the loader opens and binds a candidate, the ABI layer proves its layouts against
//! it, and only then does it become an [`Ffmpeg`].

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::{Ffmpeg, Inner, log_bridge, warm_up};
use crate::abi::{self, Layout};
use crate::loader::discovery::{Candidate, Discovery, Location, Source};
use crate::loader::error::{Attempt, LoadError, Refusal};
use crate::loader::{self, LoadedLibraries};
use crate::sys::Library;

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
    /// and the host's C library is always used, never a copy found in `path`; functions are
    /// pinned to their version nodes (`dlvsym`).
    ///
    /// Windows: DLLs are opened by full path with `LoadLibraryExW`, the DLLs they import found
    /// in their own folder first (hashed names as shipped in Python wheels work); GCC's runtime
    /// DLLs a build bundles stay loaded for the life of the process. There is no symbol
    /// versioning: the version probe, the family checks and the ABI self-check carry the proof.
    ///
    /// macOS (compiled, not run-tested): `dlopen` by full path, `dlsym`.
    pub unsafe fn load_from(path: impl AsRef<Path>) -> Result<Ffmpeg, LoadError> {
        // SAFETY: forwarded to the caller's contract.
        unsafe { Discovery::empty().path(path.as_ref()).load() }
    }

    /// Loads exactly these five files, given in [`Library::REQUIRED`](crate::Library::REQUIRED)
    /// order (libavutil, libswresample, libswscale, libavcodec, libavformat), and no libavfilter
    /// (filter graphs need [`Ffmpeg::load_from`] or the search). The libraries they need are
    /// loaded from their own directories first, as with [`Ffmpeg::load_from`].
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
        match unsafe { Ffmpeg::open(&candidate) } {
            Ok(ffmpeg) => Ok(ffmpeg),
            Err(refusal) => Err(LoadError::new(vec![Attempt::new(candidate, refusal)])),
        }
    }

    /// Opens, probes and binds one candidate, then proves its layouts.
    ///
    /// # Safety
    ///
    /// Opening runs the initialisers of the files the candidate reaches; the caller vouches
    /// that they are genuine FFmpeg builds or harmless.
    unsafe fn open(candidate: &Candidate) -> Result<Ffmpeg, Refusal> {
        // SAFETY: forwarded to the caller's contract.
        let loaded = unsafe { loader::open_candidate(candidate) }?;
        Ffmpeg::assemble(loaded)
    }

    /// The ABI layer's part: the layout of the loaded versions, proven against the library
    /// before anything else may use it.
    fn assemble(loaded: LoadedLibraries) -> Result<Ffmpeg, Refusal> {
        let versions =
            Library::REQUIRED.map(|library| loaded.libraries[library.index()].version().clone());
        let mut layout = Layout::for_versions(&versions).expect("a supported family has a layout");
        let mut abi_facts_checked = abi::check(&loaded.functions, &layout)?;
        // An encoder's static side data, where it can be proven, else left out (encoders are
        // then opened without, as before 7.1), not the whole FFmpeg.
        match abi::check_encoder_side_data(&loaded.functions, &layout) {
            Ok(Some(facts)) => abi_facts_checked += facts,
            proof => {
                if let Err(mismatch) = proof {
                    log::warn!("encoders' static side data left out: {mismatch:?}");
                }
                layout.codec_context.decoded_side_data = None;
                layout.codec_context.nb_decoded_side_data = None;
            }
        }
        let avcodec_major = loaded.family.major(Library::AvCodec);
        abi_facts_checked +=
            abi::check_bitstream_filters(&loaded.functions, &layout, avcodec_major)?;
        let subtitle_facts = abi::check_subtitles(&loaded.functions, &layout, avcodec_major)?;
        abi_facts_checked += subtitle_facts.unwrap_or(0);
        let subtitle_rects = subtitle_facts.map(|_| abi::subtitle::rect_fields(avcodec_major));
        let (mut libraries, mut unavailable) = (loaded.libraries, loaded.unavailable);
        // libavfilter is optional: one whose structs cannot be proven is left out, not the
        // whole FFmpeg.
        let avfilter_major = loaded.family.major(Library::AvFilter);
        match abi::check_filters(&loaded.functions, &layout, avfilter_major) {
            Ok(facts) => abi_facts_checked += facts,
            Err(mismatch) => {
                libraries.retain(|info| info.library() != Library::AvFilter);
                unavailable.push((Library::AvFilter, Refusal::from(mismatch).to_string()));
            }
        }
        let ffmpeg = Ffmpeg {
            inner: Arc::new(Inner {
                functions: loaded.functions,
                libraries,
                unavailable,
                family: loaded.family,
                release: loaded.release,
                configuration: loaded.configuration,
                license: loaded.license,
                candidate: loaded.candidate,
                missing_optional: loaded.missing_optional,
                layout,
                subtitle_rects,
                abi_facts_checked,
                log_slot: OnceLock::new(),
                _handles: loaded.handles,
            }),
        };
        let slot = log_bridge::install(&ffmpeg.inner.functions);
        let _ = ffmpeg.inner.log_slot.set(slot);
        // After the bridge, so that whatever FFmpeg says meanwhile goes where its logs go.
        warm_up::initialise_unguarded_statics(&ffmpeg.inner.functions, ffmpeg.inner.family);
        Ok(ffmpeg)
    }
}

impl Discovery {
    /// Tries every candidate in order and returns the first FFmpeg that passes every check.
    ///
    /// # Safety
    ///
    /// Loading a library runs its initialisers before anything can be checked. The caller
    /// vouches that every file this search can reach is a genuine FFmpeg build (or something
    /// harmless): the explicit paths, and the environment variable's directory.
    ///
    /// # Errors
    ///
    /// A [`LoadError`] listing every candidate and why it was refused.
    pub unsafe fn load(&self) -> Result<Ffmpeg, LoadError> {
        // SAFETY: forwarded to the caller's contract.
        self.first_accepted(|candidate| unsafe { Ffmpeg::open(candidate) })
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
