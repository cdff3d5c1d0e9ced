//! A HEIF or AVIF picture cut into tiles ([`TileGrid`], a kind of
//! [`StreamGroup`](super::StreamGroup)), and the picture composed from its decoded tiles.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::input::Input;
use super::stream_group::StreamGroupKind;
use crate::ffmpeg::{Error, Result};
use crate::media::codec::{Decoder, DecoderOptions};
use crate::media::filter::{FilterGraph, FilterInput, FilterOptions, upright_filters_for};
use crate::media::frame::Frame;
use crate::media::packet::Packet;
use crate::media::side_data::SideDataValue;
use crate::sys::Rational;

/// How the tiles of a picture make it up: each tile goes on a canvas of
/// `coded_width`×`coded_height` at its offsets, the rest of the canvas is `background`, and
/// the picture is the `width`×`height` rectangle at `horizontal_offset`, `vertical_offset` of
/// the canvas (as the ffmpeg CLI composes it from 8.1 on).
#[derive(Debug, Clone, PartialEq)]
pub struct TileGrid {
    /// The canvas's width.
    pub coded_width: u32,
    /// The canvas's height.
    pub coded_height: u32,
    /// Where the picture starts on the canvas, from its left edge.
    pub horizontal_offset: u32,
    /// Where the picture starts on the canvas, from its top edge.
    pub vertical_offset: u32,
    /// The picture's width.
    pub width: u32,
    /// The picture's height.
    pub height: u32,
    /// The colour of the canvas where no tile lies, as red, green, blue and alpha.
    pub background: [u8; 4],
    /// The tiles in the grid's order.
    pub tiles: Vec<Tile>,
    /// The picture's own side data, from 8.0 (HEIF's turn and mirroring as a
    /// [`SideDataValue::DisplayMatrix`], which [`TileGrid::compose`] applies as the CLI
    /// does; empty before 8.0, which does not read them).
    pub side_data: Vec<SideDataValue>,
}

/// One tile of a [`TileGrid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// The container's index of the tile's stream.
    pub stream: usize,
    /// Where the tile's left edge lies on the canvas.
    pub horizontal: u32,
    /// Where the tile's top edge lies on the canvas.
    pub vertical: u32,
}

impl TileGrid {
    /// The filters that compose the picture from its tiles, as the ffmpeg CLI (8.0 on) builds
    /// them: `xstack` lays the tiles, labelled `[tile0]`, `[tile1]`, … in the grid's order, on
    /// the canvas filled with the background, `crop` cuts the picture out of it, and where
    /// the grid's display matrix says to show it turned or mirrored, the CLI's autorotation
    /// filters turn it ([`upright_filters_for`]). A grid of one tile pads it onto the canvas
    /// instead (`xstack` takes two or more).
    pub fn filter_description(&self) -> String {
        self.description(true)
    }

    /// The filters, with the canvas filled or (`fill` false, for tiles that cover it) not:
    /// 4.1's `xstack` has no `fill`.
    fn description(&self, fill: bool) -> String {
        let [red, green, blue, alpha] = self.background;
        let colour = format!("0x{red:02X}{green:02X}{blue:02X}@0x{alpha:02X}");
        let labels: String = (0..self.tiles.len())
            .map(|i| format!("[tile{i}]"))
            .collect();
        let lay = match self.tiles.as_slice() {
            [one] => format!(
                "pad=w={}:h={}:x={}:y={}:color={colour}",
                self.coded_width, self.coded_height, one.horizontal, one.vertical
            ),
            tiles => {
                let layout: Vec<String> = tiles
                    .iter()
                    .map(|tile| format!("{}_{}", tile.horizontal, tile.vertical))
                    .collect();
                let layout = layout.join("|");
                let fill = if fill {
                    format!(":fill={colour}")
                } else {
                    String::new()
                };
                format!("xstack=inputs={}:layout={layout}{fill}", tiles.len())
            }
        };
        let crop = format!(
            "crop=w={}:h={}:x={}:y={}",
            self.width, self.height, self.horizontal_offset, self.vertical_offset
        );
        match upright_filters_for(self.display_matrix()) {
            Some(upright) => format!("{labels}{lay},{crop},{upright}"),
            None => format!("{labels}{lay},{crop}"),
        }
    }

    /// The display matrix among the grid's side data.
    fn display_matrix(&self) -> Option<&[i32; 9]> {
        self.side_data.iter().find_map(|value| match value {
            SideDataValue::DisplayMatrix { matrix, .. } => Some(matrix),
            _ => None,
        })
    }

    /// Whether `tiles`, placed at the grid's offsets, cover the canvas once each: inside it,
    /// apart, and as large as it together.
    fn covered_by(&self, tiles: &[Frame]) -> bool {
        let rectangles: Vec<[u64; 4]> = self
            .tiles
            .iter()
            .zip(tiles)
            .map(|(tile, picture)| {
                let (x, y) = (u64::from(tile.horizontal), u64::from(tile.vertical));
                [
                    x,
                    y,
                    x + u64::from(picture.width()),
                    y + u64::from(picture.height()),
                ]
            })
            .collect();
        let (width, height) = (u64::from(self.coded_width), u64::from(self.coded_height));
        let inside = rectangles.iter().all(|r| r[2] <= width && r[3] <= height);
        let apart = rectangles.iter().enumerate().all(|(i, a)| {
            rectangles[i + 1..]
                .iter()
                .all(|b| a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1])
        });
        let area: u64 = rectangles
            .iter()
            .map(|r| (r[2] - r[0]) * (r[3] - r[1]))
            .sum();
        inside && apart && area == width * height
    }

    /// The picture, composed from `tiles` (one decoded picture per tile, in the grid's order:
    /// the first picture of each tile's stream) as the ffmpeg CLI composes it from 8.1 on,
    /// with [`TileGrid::filter_description`]'s filters: equal to what `ffmpeg -i PICTURE`
    /// decodes there. (4.1's `xstack` cannot fill a canvas: there, tiles that leave a gap
    /// are refused with its error.) Tiles of differing pixel formats are converted to one, as
    /// the CLI's graph does; a grid whose side data say to show it turned or mirrored is
    /// turned as the CLI's autorotation turns it.
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`] for a number of pictures other than the grid's tiles, or a
    /// picture that is audio; [`Error::LibraryMissing`] without libavfilter;
    /// [`Error::ForeignObject`] for pictures of two loaded FFmpegs; the filters' errors (a
    /// picture that the grid's canvas cannot hold, say).
    pub fn compose(&self, tiles: &[Frame]) -> Result<Frame> {
        const OPERATION: &str = "TileGrid::compose";
        if tiles.is_empty() || tiles.len() != self.tiles.len() {
            let detail = format!("{} pictures for {} tiles", tiles.len(), self.tiles.len());
            return Err(Error::incompatible(OPERATION, detail));
        }
        if tiles.iter().any(|tile| tile.pixel_format().is_none()) {
            return Err(Error::incompatible(
                OPERATION,
                "a tile that is not a picture",
            ));
        }
        let ffmpeg = tiles[0].ffmpeg();
        for tile in tiles {
            ffmpeg.ensure_same(tile.ffmpeg(), OPERATION, "tile")?;
        }
        // Every tile at the same time, so that `xstack` takes them as one picture.
        let time_base = Rational::new(1, 1);
        let inputs = tiles
            .iter()
            .enumerate()
            .map(|(i, tile)| {
                Ok((
                    format!("tile{i}"),
                    FilterInput::from_frame(tile, time_base)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        // Where the tiles leave no gap, the fill shows nowhere: left out, so that 4.1's
        // `xstack` composes too.
        let description = self.description(!self.covered_by(tiles));
        let mut graph =
            FilterGraph::complex(ffmpeg, &description, inputs, &FilterOptions::default())?;
        for (i, tile) in tiles.iter().enumerate() {
            let mut tile = tile.try_clone()?;
            tile.set_pts(Some(0));
            graph.send(i, &tile)?;
            graph.send_eof(i)?;
        }
        let mut picture = Frame::new(ffmpeg)?;
        match graph.receive(0, &mut picture)? {
            true => Ok(picture),
            false => Err(Error::incompatible(
                OPERATION,
                "the filters gave no picture",
            )),
        }
    }
}

impl Input {
    /// The picture of tile-grid group `group` (an index into
    /// [`Input::stream_groups`]): the first picture of each tile's stream, decoded with
    /// `options` (each stream once, however many tiles show it), composed with
    /// [`TileGrid::compose`]. What `ffmpeg -i PHOTO.heic` decodes from 8.1 on. Packets are
    /// read from where the input is: open it afresh.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for no such group; [`Error::Unsupported`] for a group that is
    /// not a tile grid; [`Error::InvalidData`] for a tile whose stream gives no picture (with
    /// its decoder's error, where it gave one); the decoders' and [`TileGrid::compose`]'s.
    pub fn decode_tile_grid(&mut self, group: usize, options: &DecoderOptions) -> Result<Frame> {
        const OPERATION: &str = "Input::decode_tile_grid";
        let groups = self.stream_groups();
        let found = groups
            .get(group)
            .ok_or_else(|| Error::out_of_range("stream group", group))?;
        let StreamGroupKind::TileGrid(grid) = &found.kind else {
            let detail = format!("stream group {group} is not a tile grid");
            return Err(Error::unsupported(OPERATION, detail));
        };
        let mut tiles: BTreeMap<usize, TileDecoder> = BTreeMap::new();
        for tile in &grid.tiles {
            if let Entry::Vacant(entry) = tiles.entry(tile.stream) {
                let stream = self.stream(tile.stream).ok_or(Error::StreamNotFound {
                    kind: tile.stream.to_string(),
                })?;
                entry.insert(TileDecoder {
                    decoder: Decoder::new(&stream, options)?,
                    first: None,
                    refusal: None,
                });
            }
        }
        let mut packet = Packet::new(self.ffmpeg())?;
        while tiles.values().any(|tile| tile.first.is_none()) && self.read_packet(&mut packet)? {
            if let Some(tile) = tiles.get_mut(&packet.stream_index()) {
                tile.send(&packet)?;
            }
        }
        for tile in tiles.values_mut() {
            tile.finish()?;
        }
        let pictures = grid
            .tiles
            .iter()
            .map(|tile| tiles[&tile.stream].picture(tile.stream, OPERATION))
            .collect::<Result<Vec<Frame>>>()?;
        grid.compose(&pictures)
    }
}

/// One tile stream's decoder, the first picture it gave, and why it gave none where it
/// refused a packet.
struct TileDecoder {
    decoder: Decoder,
    first: Option<Frame>,
    refusal: Option<Error>,
}

impl TileDecoder {
    fn send(&mut self, packet: &Packet) -> Result<()> {
        if self.first.is_some() {
            return Ok(());
        }
        // A tile that cannot be decoded is reported by `picture`, with the decoder's error.
        if let Err(refusal) = self.decoder.send(packet) {
            self.refusal = Some(refusal);
        }
        self.take_first()
    }

    fn finish(&mut self) -> Result<()> {
        if self.first.is_none() {
            self.decoder.send_eof()?;
            self.take_first()?;
        }
        Ok(())
    }

    /// Keeps the decoder's first picture, if it has one ready (called while it has none).
    fn take_first(&mut self) -> Result<()> {
        let mut frame = Frame::new(self.decoder.ffmpeg())?;
        if self.decoder.receive(&mut frame)? {
            self.first = Some(frame);
        }
        Ok(())
    }

    fn picture(&self, stream: usize, operation: &'static str) -> Result<Frame> {
        match (&self.first, &self.refusal) {
            (Some(first), _) => first.try_clone(),
            (None, refusal) => Err(Error::InvalidData {
                operation,
                message: match refusal {
                    Some(refusal) => format!("tile stream {stream} gave no picture: {refusal}"),
                    None => format!("tile stream {stream} gave no picture"),
                },
            }),
        }
    }
}
