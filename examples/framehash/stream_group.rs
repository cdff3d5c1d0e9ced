//! `--stream-group N`: the picture a HEIF or AVIF tile grid makes, composed from the first
//! picture of each tile's stream as the ffmpeg CLI composes it from 8.0 on (`-map 0:g:N`).

use std::collections::BTreeMap;
use std::io::Write;

use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{Input, StreamGroupKind};
use ffmpeg_runtime::{Frame, Packet};
use md5::{Digest, Md5};

use crate::error_rate::DecodeTally;

/// One tile stream's decoder and the first picture it gave.
struct TileDecoder {
    decoder: Decoder,
    first: Option<Frame>,
}

impl TileDecoder {
    /// Takes the decoder's first picture, if it has one ready.
    fn take_first(&mut self) -> Result<(), String> {
        if self.first.is_some() {
            return Ok(());
        }
        let mut frame = Frame::new(self.decoder.ffmpeg()).map_err(|e| e.to_string())?;
        if self
            .decoder
            .receive(&mut frame)
            .map_err(|e| e.to_string())?
        {
            self.first = Some(frame);
        }
        Ok(())
    }
}

/// Prints the composed picture's line, as `framemd5` prints one picture, and `frames: 1`.
pub fn hash_tile_grid(
    input: &mut Input,
    group: usize,
    threads: u32,
    out: &mut impl Write,
) -> Result<DecodeTally, String> {
    let groups = input.stream_groups();
    let found = groups
        .get(group)
        .ok_or_else(|| format!("no stream group {group}"))?;
    let StreamGroupKind::TileGrid(grid) = &found.kind else {
        return Err(format!(
            "stream group {group} is {}, not a tile grid",
            found.kind_name
        ));
    };
    let options = DecoderOptions {
        threads,
        ..DecoderOptions::default()
    };
    // A picture may show one tile in several places: each stream is decoded once.
    let mut tiles = BTreeMap::new();
    for tile in &grid.tiles {
        if tiles.contains_key(&tile.stream) {
            continue;
        }
        let stream = input
            .stream(tile.stream)
            .ok_or_else(|| format!("no stream {}", tile.stream))?;
        let decoder = Decoder::new(&stream, &options).map_err(|e| e.to_string())?;
        let first = None;
        tiles.insert(tile.stream, TileDecoder { decoder, first });
    }
    let ffmpeg = input.ffmpeg().clone();
    let mut packet = Packet::new(&ffmpeg).map_err(|e| e.to_string())?;
    let mut errors = 0;
    while tiles.values().any(|tile| tile.first.is_none()) {
        if !input.read_packet(&mut packet).map_err(|e| e.to_string())? {
            break;
        }
        let Some(tile) = tiles.get_mut(&packet.stream_index()) else {
            continue;
        };
        if tile.first.is_none() {
            if let Err(e) = tile.decoder.send(&packet) {
                errors += 1;
                eprintln!("framehash: decoding error: {e}");
            }
            tile.take_first()?;
        }
    }
    for tile in tiles.values_mut().filter(|tile| tile.first.is_none()) {
        tile.decoder.send_eof().map_err(|e| e.to_string())?;
        tile.take_first()?;
    }
    let pictures = grid
        .tiles
        .iter()
        .map(|tile| {
            let first = tiles[&tile.stream].first.as_ref();
            let first = first.ok_or_else(|| format!("stream {} gave no picture", tile.stream))?;
            first.try_clone().map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let picture = grid.compose(&pictures).map_err(|e| e.to_string())?;
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
    Ok(DecodeTally { frames: 1, errors })
}
