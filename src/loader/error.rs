//! Why FFmpeg could not be loaded: one [`Refusal`] per candidate, gathered in a [`LoadError`].

use std::fmt;
use std::path::{Path, PathBuf};

use semver::Version;

use crate::loader::discovery::Candidate;
use crate::sys::{Family, Library};

/// One library file with the version it reported, as named in a [`Refusal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedFile {
    /// Which of the five libraries.
    pub library: Library,
    /// The file the dynamic loader opened.
    pub path: PathBuf,
    /// What its `*_version()` function answered.
    pub version: Version,
}

impl fmt::Display for VersionedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.library,
            self.version,
            self.path.display()
        )
    }
}

/// Why one candidate was not used.
///
/// Variants are ordered roughly by how far loading got; [`Refusal::rank`] makes that explicit so
/// that the most telling refusal can be shown first.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// Nothing exists at the candidate's location.
    #[error("not found")]
    NotFound,
    /// The directory exists but holds no libavcodec.
    #[error("no libavcodec in this directory")]
    NoLibavcodec,
    /// One of the five libraries has no file in the directory.
    #[error("no {library} beside {avcodec}")]
    MissingSibling {
        /// The library that is missing.
        library: Library,
        /// The libavcodec that was chosen.
        avcodec: PathBuf,
    },
    /// The candidate is relative; only absolute paths are taken from the environment.
    #[error("relative path ignored (it must be absolute)")]
    RelativePath,
    /// A file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a shared library of this platform's format (ELF on Linux, a PE DLL on
    /// Windows, Mach-O on macOS).
    #[error("{path} is not {}", crate::loader::image::FORMAT)]
    NotSharedLibrary {
        /// The file.
        path: PathBuf,
    },
    /// The file is a shared library for another architecture or word size.
    #[error("{path} is built for {found}, this process for {expected}")]
    WrongArchitecture {
        /// The file.
        path: PathBuf,
        /// The file's architecture.
        found: String,
        /// This process's architecture.
        expected: &'static str,
    },
    /// The file is damaged, or is not a library (an executable, an object without a dynamic
    /// section).
    #[error("{path} is not a usable shared library: {reason}")]
    BadSharedLibrary {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The dynamic loader refused the library (`dlopen` or `LoadLibraryExW` failed; on
    /// Windows a missing dependency shows as "the specified module could not be found").
    #[error("the dynamic loader refused {name}")]
    OpenFailed {
        /// The path or name given to the loader.
        name: String,
        /// The loader's message (`dlerror`, or the Windows error).
        #[source]
        source: libloading::Error,
    },
    /// Windows refused a DLL because DLLs it imports are nowhere to be found: not in its
    /// folder, not loaded, not in the system folder. (Windows' own message names none of
    /// them; the crate reads the DLL's imports to say which.)
    #[error("{} needs {}, found neither beside it nor in the system", path.display(), names.join(", "))]
    DependenciesMissing {
        /// The DLL.
        path: PathBuf,
        /// The DLLs it imports that are missing.
        names: Vec<String>,
        /// The loader's own error.
        #[source]
        source: libloading::Error,
    },
    /// The library is from Libav, not FFmpeg (its micro version is below 100).
    #[error("{0} is Libav, not FFmpeg")]
    Libav(Box<VersionedFile>),
    /// A major version outside the supported range.
    #[error("{file}: major {major} is not supported (supported: libavcodec {} to {})",
        crate::sys::SUPPORTED_AVCODEC_MAJORS.start(), crate::sys::SUPPORTED_AVCODEC_MAJORS.end())]
    UnsupportedMajor {
        /// The library and the version it reported.
        file: Box<VersionedFile>,
        /// The offending major.
        major: u64,
    },
    /// The five libraries come from different FFmpeg releases.
    #[error("mixed FFmpeg releases: {avcodec} is FFmpeg {family}, but {other} is not")]
    MixedReleases {
        /// The libavcodec, which decides the release family.
        avcodec: Box<VersionedFile>,
        /// The family libavcodec belongs to.
        family: Family,
        /// The library that belongs to another release.
        other: Box<VersionedFile>,
    },
    /// A library's ELF version node disagrees with the major its version function reports.
    #[error("{file} exports version node {node}, which does not match its major")]
    VersionNodeMismatch {
        /// The library and the version it reported.
        file: Box<VersionedFile>,
        /// The version node found in the file.
        node: String,
    },
    /// The library does not have the struct layout its version promises: a field is not where
    /// the crate would read or write it. Never used on a layout that could not be proven.
    #[error("ABI self-check failed: {structure}.{field} is {found}, expected {expected}")]
    AbiMismatch {
        /// The FFmpeg struct.
        structure: &'static str,
        /// The field (or the operation that exercised it).
        field: &'static str,
        /// What the crate's layout predicts.
        expected: String,
        /// What the library showed.
        found: String,
    },
    /// Required functions are absent.
    #[error("missing required symbols: {}", .symbols.join(", "))]
    MissingSymbols {
        /// `library:symbol@node` for each missing one.
        symbols: Vec<String>,
    },
}

impl Refusal {
    /// `path` could not be read: [`Refusal::NotFound`] when it does not exist, otherwise
    /// [`Refusal::Io`] with the operating system's error.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Refusal {
        match source.kind() {
            std::io::ErrorKind::NotFound => Refusal::NotFound,
            _ => Refusal::Io {
                path: path.to_owned(),
                source,
            },
        }
    }

    /// How far loading got before this refusal: higher means closer to usable.
    ///
    /// A missing file ranks lowest, a bad file next, then the loader's refusal, then version
    /// checks, then missing symbols, then the ABI self-check.
    pub fn rank(&self) -> u8 {
        match self {
            Refusal::NotFound | Refusal::NoLibavcodec | Refusal::RelativePath => 0,
            Refusal::MissingSibling { .. } => 1,
            Refusal::Io { .. }
            | Refusal::NotSharedLibrary { .. }
            | Refusal::WrongArchitecture { .. }
            | Refusal::BadSharedLibrary { .. } => 2,
            Refusal::OpenFailed { .. } | Refusal::DependenciesMissing { .. } => 3,
            Refusal::Libav(_)
            | Refusal::UnsupportedMajor { .. }
            | Refusal::MixedReleases { .. }
            | Refusal::VersionNodeMismatch { .. } => 4,
            Refusal::MissingSymbols { .. } => 5,
            Refusal::AbiMismatch { .. } => 6,
        }
    }
}

/// One candidate that was tried and refused.
#[derive(Debug)]
pub struct Attempt {
    candidate: Candidate,
    refusal: Refusal,
}

impl Attempt {
    pub(crate) fn new(candidate: Candidate, refusal: Refusal) -> Self {
        Attempt { candidate, refusal }
    }

    /// Where the candidate came from and where it points.
    pub fn candidate(&self) -> &Candidate {
        &self.candidate
    }

    /// Why it was refused.
    pub fn refusal(&self) -> &Refusal {
        &self.refusal
    }
}

/// No usable FFmpeg was found: every candidate tried, each with its [`Refusal`].
///
/// `Display` is one short line; [`LoadError::report`] lists every candidate.
#[derive(Debug)]
pub struct LoadError {
    attempts: Vec<Attempt>,
}

impl LoadError {
    pub(crate) fn new(attempts: Vec<Attempt>) -> Self {
        LoadError { attempts }
    }

    /// Every candidate, in the order tried.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// The attempt that got furthest (the first of equals), if any candidate was tried.
    pub fn most_relevant(&self) -> Option<&Attempt> {
        // max_by_key keeps the last of equals; walk backwards to keep the first.
        self.attempts.iter().rev().max_by_key(|a| a.refusal.rank())
    }

    /// A multi-line report naming every directory or file looked at and why it was refused.
    pub fn report(&self) -> impl fmt::Display + '_ {
        Report(self)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.most_relevant() {
            None => write!(f, "no usable FFmpeg: no candidate to try"),
            Some(best) => write!(
                f,
                "no usable FFmpeg among {} candidate(s) (closest: {}: {})",
                self.attempts.len(),
                best.candidate,
                best.refusal
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.most_relevant().map(|a| &a.refusal as _)
    }
}

struct Report<'a>(&'a LoadError);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = &self.0.attempts;
        let plural = if attempts.len() == 1 { "" } else { "s" };
        let count = attempts.len();
        writeln!(
            f,
            "no usable FFmpeg found; {count} candidate{plural} refused:"
        )?;
        for attempt in attempts {
            write!(f, "  {}: {}", attempt.candidate, attempt.refusal)?;
            let mut cause = std::error::Error::source(&attempt.refusal);
            while let Some(err) = cause {
                write!(f, ": {err}")?;
                cause = err.source();
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
