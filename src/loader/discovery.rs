//! Where FFmpeg is looked for, in order.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::error::{Attempt, LoadError, Refusal};
use super::image;
use crate::sys::{Library, SUPPORTED_AVCODEC_MAJORS};

/// The environment variable [`Ffmpeg::load`](crate::Ffmpeg::load) reads first: an absolute path to a directory
/// holding FFmpeg's libraries, or to a libavcodec file.
pub const ENV_VAR: &str = "FFMPEG_RUNTIME_DIR";

/// The directory next to the running executable that [`Ffmpeg::load`](crate::Ffmpeg::load) searches second; an
/// application ships its own FFmpeg there.
pub const APP_DIR_NAME: &str = "ffmpeg-libs";

/// How a candidate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Named by the program ([`Ffmpeg::load_from`](crate::Ffmpeg::load_from), [`Discovery::path`]).
    Explicit,
    /// Read from an environment variable ([`ENV_VAR`] by default).
    Environment,
    /// The [`APP_DIR_NAME`] directory next to the executable.
    BesideExecutable,
    /// A name searched by the system's dynamic loader (on Windows: the DLL search order,
    /// `PATH` included).
    System,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Explicit => "explicit",
            Source::Environment => "environment",
            Source::BesideExecutable => "beside executable",
            Source::System => "system",
        })
    }
}

/// Where a candidate points.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A directory, or the path of a libavcodec file.
    Path(PathBuf),
    /// One file for each of the five libraries, in the order of [`Library::REQUIRED`].
    Files(Box<[PathBuf; 5]>),
    /// A libavcodec name for the system's loader to find: `libavcodec.so.61` on Linux,
    /// `avcodec-61.dll` on Windows, `libavcodec.61.dylib` on macOS.
    Soname(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Path(path) => write!(f, "{}", path.display()),
            Location::Files(files) => {
                let named = Library::REQUIRED.iter().zip(files.iter());
                let named: Vec<String> = named
                    .map(|(library, path)| format!("{library}={}", path.display()))
                    .collect();
                f.write_str(&named.join(" "))
            }
            Location::Soname(name) => f.write_str(name),
        }
    }
}

/// One place FFmpeg may be loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    source: Source,
    location: Location,
}

impl Candidate {
    /// A candidate from `source` at `location`.
    pub fn new(source: Source, location: Location) -> Self {
        Candidate { source, location }
    }

    /// How it was found.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Where it points.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.source, self.location)
    }
}

/// A search order for FFmpeg.
///
/// The default is the one [`Ffmpeg::load`](crate::Ffmpeg::load) uses: [`ENV_VAR`], then [`APP_DIR_NAME`] next to the
/// executable, then the system. Explicit paths added with [`Discovery::path`] come before all
/// of them.
///
/// ```
/// use ffmpeg_runtime::{Discovery, Source};
/// let search = Discovery::new().env_var(Some("MYAPP_FFMPEG")).beside_executable(false);
/// assert!(search.candidates().iter().all(|c| c.source() != Source::BesideExecutable));
/// ```
#[derive(Debug, Clone)]
pub struct Discovery {
    paths: Vec<PathBuf>,
    env_var: Option<String>,
    beside_executable: bool,
    system: bool,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery::new()
    }
}

impl Discovery {
    /// The default search order.
    pub fn new() -> Self {
        Discovery {
            paths: Vec::new(),
            env_var: Some(ENV_VAR.to_owned()),
            beside_executable: true,
            system: true,
        }
    }

    /// A search that looks nowhere until told.
    pub fn empty() -> Self {
        Discovery {
            paths: Vec::new(),
            env_var: None,
            beside_executable: false,
            system: false,
        }
    }

    /// Adds an explicit directory or libavcodec file, tried before the environment.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// Reads this environment variable instead of [`ENV_VAR`], or none.
    pub fn env_var(mut self, name: Option<&str>) -> Self {
        self.env_var = name.map(str::to_owned);
        self
    }

    /// Whether to search [`APP_DIR_NAME`] next to the executable.
    pub fn beside_executable(mut self, enabled: bool) -> Self {
        self.beside_executable = enabled;
        self
    }

    /// Whether to fall back to the system's libraries.
    pub fn system(mut self, enabled: bool) -> Self {
        self.system = enabled;
        self
    }

    /// The candidates this search tries, in order. Reads the environment; loads nothing.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut candidates: Vec<Candidate> = self
            .paths
            .iter()
            .map(|p| Candidate::new(Source::Explicit, Location::Path(p.clone())))
            .collect();
        if let Some(value) = self.env_var.as_deref().and_then(std::env::var_os)
            && !value.is_empty()
        {
            candidates.push(Candidate::new(
                Source::Environment,
                Location::Path(value.into()),
            ));
        }
        if self.beside_executable
            && let Some(dir) = executable_dir()
        {
            let location = Location::Path(dir.join(APP_DIR_NAME));
            candidates.push(Candidate::new(Source::BesideExecutable, location));
        }
        if self.system {
            let majors = SUPPORTED_AVCODEC_MAJORS.rev().map(Some).chain([None]);
            for major in majors {
                let name = image::system_name(Library::AvCodec, major);
                candidates.push(Candidate::new(Source::System, Location::Soname(name)));
            }
        }
        candidates
    }

    /// Tries every candidate in order with `open` and returns the first it accepts; otherwise
    /// every candidate and why it was refused.
    pub(crate) fn first_accepted<T>(
        &self,
        mut open: impl FnMut(&Candidate) -> Result<T, Refusal>,
    ) -> Result<T, LoadError> {
        let mut attempts = Vec::new();
        for candidate in self.candidates() {
            match open(&candidate) {
                Ok(accepted) => return Ok(accepted),
                Err(refusal) => attempts.push(Attempt::new(candidate, refusal)),
            }
        }
        Err(LoadError::new(attempts))
    }
}

fn executable_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // Under an explicit loader (`ld-linux.so --library-path … program`), /proc/self/exe names
    // the loader; the program itself is argv[0].
    let exe = if is_dynamic_loader(&exe) {
        let argv0: OsString = std::env::args_os().next()?;
        std::path::absolute(Path::new(&argv0)).ok()?
    } else {
        exe
    };
    exe.parent().map(Path::to_path_buf)
}

fn is_dynamic_loader(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("ld-linux"))
}
