//! The picture a HEIF or AVIF tile grid makes, composed from the first picture of each tile's
//! stream as the ffmpeg CLI composes it from 8.1 on: the video that CLI takes without `-map`
//! where the grid ranks first, or `--stream-group N`.

use std::io::Write;

use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::Input;
use md5::{Digest, Md5};

use crate::error_rate::DecodeTally;

/// How a grid's picture is hashed: as the CLI's `framemd5` of the grid's one picture, at
/// time 0.
pub struct GridHashing {
    /// The grid's index in `Input::stream_groups`.
    pub group: usize,
    /// Decoding threads for the tiles (0: FFmpeg's choice).
    pub threads: u32,
    /// `--seek`: the picture is at 0, so a seek past it leaves nothing, as under the CLI.
    pub seek: Option<f64>,
    /// `--frames`: 0 leaves the picture out.
    pub limit: Option<usize>,
    /// `--count-only`: only the count is printed.
    pub count_only: bool,
}

impl GridHashing {
    /// Prints the composed picture's line, as `framemd5` prints one picture, and `frames: N`.
    pub fn run(&self, input: &mut Input, out: &mut impl Write) -> Result<DecodeTally, String> {
        let options = DecoderOptions {
            threads: self.threads,
            ..DecoderOptions::default()
        };
        let picture = input
            .decode_tile_grid(self.group, &options)
            .map_err(|e| e.to_string())?;
        let kept = self.seek.is_none_or(|seconds| seconds <= 0.0) && self.limit != Some(0);
        if kept && !self.count_only {
            let mut packed = Vec::new();
            picture
                .copy_packed(&mut packed)
                .map_err(|e| e.to_string())?;
            let format = picture.format_name().unwrap_or_else(|| "none".into());
            let (width, height) = (picture.width(), picture.height());
            let digest = Md5::digest(&packed);
            writeln!(out, "0,0,{width}x{height},{format},{digest:x}")
                .map_err(|e| format!("writing the hashes: {e}"))?;
        }
        writeln!(out, "frames: {}", u8::from(kept))
            .and_then(|()| out.flush())
            .map_err(|e| format!("writing the hashes: {e}"))?;
        Ok(DecodeTally {
            frames: 1,
            errors: 0,
        })
    }
}
