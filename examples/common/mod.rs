//! What the examples share: loading FFmpeg the way their `--lib-dir` option says.

use std::path::PathBuf;

use ffmpeg_runtime::{Ffmpeg, LoadError};

/// FFmpeg from the directory given on the command line, else found the default way.
pub fn load(lib_dir: Option<&PathBuf>) -> Result<Ffmpeg, LoadError> {
    match lib_dir {
        // SAFETY: the user named this directory on the command line as holding FFmpeg.
        Some(dir) => unsafe { Ffmpeg::load_from(dir) },
        None => Ffmpeg::load(),
    }
}
