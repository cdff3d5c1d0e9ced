//! FFmpeg for Rust, found and loaded at run time.
//!
//! `ffmpeg-runtime` builds with no FFmpeg on the machine: no libraries, no headers, no pkg-config
//! and no libclang. At run time it finds an FFmpeg 4.x–9.x (libavcodec majors 58 to 63), loads
//! its five libraries, checks that they belong to one release, and resolves every function it
//! uses pinned to the ABI it found (`avcodec_open2@LIBAVCODEC_61`). One binary therefore runs on
//! any Linux that has one of those FFmpeg releases, or on one that ships its own beside the
//! program. When nothing usable is found, the caller gets a [`LoadError`] that lists every
//! candidate and why it was refused; loading never panics and never aborts the process.
//!
//! # Quick start
//!
//! ```
//! let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
//! println!("FFmpeg {} ({} family)", ffmpeg.release(), ffmpeg.family());
//! for library in ffmpeg.libraries() {
//!     println!("{} {} from {}", library.library(), library.version(), library.path().display());
//! }
//! # Ok::<(), String>(())
//! ```
//!
//! # Where FFmpeg is looked for
//!
//! [`Ffmpeg::load`] (and [`global`]) try, in order, and take the first that passes every check:
//!
//! 1. the path in the environment variable [`ENV_VAR`] (`FFMPEG_RUNTIME_DIR`): a directory, or
//!    the path of a libavcodec file;
//! 2. the directory [`APP_DIR_NAME`] (`ffmpeg-libs`) next to the running executable, which is
//!    how an application ships its own FFmpeg;
//! 3. the system's libraries through the dynamic loader's own search, newest major first:
//!    `libavcodec.so.63` down to `libavcodec.so.58`, then `libavcodec.so`.
//!
//! The current directory and relative paths are never searched implicitly.
//! [`Ffmpeg::load_from`] loads one explicit directory or file, and [`Discovery`] builds any other
//! search order.
//!
//! # Several FFmpeg releases in one process
//!
//! Every library is opened with `RTLD_LOCAL`, and everything created from an [`Ffmpeg`] keeps it
//! alive, so two releases can be loaded and used side by side; a release is unloaded only when
//! its last handle goes.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod abi;
pub mod codec;
mod cpu;
mod dictionary;
mod error;
mod ffmpeg;
pub mod format;
mod frame;
pub mod loader;
mod log_bridge;
mod media_error;
mod packet;
mod resample;
mod scale;

pub use cpu::CpuFlags;
pub use error::{Attempt, LoadError, Refusal, VersionedFile};
pub use ffmpeg::{Ffmpeg, LibraryInfo, global};
pub use frame::{Frame, PictureType, Plane, PlaneMut};
pub use loader::discovery::{APP_DIR_NAME, Candidate, Discovery, ENV_VAR, Location, Source};
pub use loader::symbols::SymbolBinding;
pub use loader::version::{Family, Library, SUPPORTED_AVCODEC_MAJORS};
pub use media_error::{Error, Result};
pub use packet::Packet;
pub use resample::{AudioFormat, Resampler};
pub use scale::{ScaleQuality, Scaler};
