//! `--stream-group N`: the picture a HEIF or AVIF tile grid makes, composed from the first
//! picture of each tile's stream as the ffmpeg CLI composes it from 8.0 on.

use std::io::Write;

use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::Input;
use md5::{Digest, Md5};

use crate::error_rate::DecodeTally;

/// Prints the composed picture's line, as `framemd5` prints one picture, and `frames: 1`.
pub fn hash_tile_grid(
    input: &mut Input,
    group: usize,
    threads: u32,
    out: &mut impl Write,
) -> Result<DecodeTally, String> {
    let options = DecoderOptions {
        threads,
        ..DecoderOptions::default()
    };
    let picture = input
        .decode_tile_grid(group, &options)
        .map_err(|e| e.to_string())?;
    let mut packed = Vec::new();
    picture
        .copy_packed(&mut packed)
        .map_err(|e| e.to_string())?;
    let format = picture.format_name().unwrap_or_else(|| "none".into());
    let (width, height) = (picture.width(), picture.height());
    let digest = Md5::digest(&packed);
    let written = writeln!(out, "0,0,{width}x{height},{format},{digest:x}")
        .and_then(|()| writeln!(out, "frames: 1"));
    written.map_err(|e| format!("writing the hashes: {e}"))?;
    Ok(DecodeTally {
        frames: 1,
        errors: 0,
    })
}
