//! A HEIF picture cut into tiles, which no CLI the tests run can write: four HEVC tiles of
//! 64×64 (each a test pattern framed in its own colour, encoded by the CLI), laid 2×2 on a
//! 128×128 canvas, of which the picture is the top left 120×100.

use std::path::PathBuf;

use super::media;
use super::mp4::mp4_box;

/// The tiles' frame colours, in the grid's order (left to right, top to bottom).
const COLOURS: [&str; 4] = ["red", "green", "blue", "yellow"];

/// The picture's size on the canvas (`ispe` and the grid's output size).
pub const PICTURE: (u32, u32) = (120, 100);

/// Each tile's size.
pub const TILE: u32 = 64;

/// Tile `index`'s raw HEVC stream (VPS, SPS, PPS, SEI, one IDR slice).
pub fn tile_hevc(index: usize) -> PathBuf {
    let source = format!(
        "testsrc=s={TILE}x{TILE}:r=1,drawbox=c={}:t=8",
        COLOURS[index]
    );
    media::generated(
        &format!("heif_tile{index}.hevc"),
        &[
            "-f",
            "lavfi",
            "-i",
            &source,
            "-frames:v",
            "1",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx265",
            "-x265-params",
            "log-level=error",
        ],
    )
}

/// The HEIF file: a `grid` item (the primary) deriving the picture from four `hvc1` items.
pub fn grid_heic() -> PathBuf {
    heif_file("grid.heic", None, None)
}

/// The HEIF file with the picture turned a quarter anticlockwise for display (an `irot` of
/// 1 on the grid item), which 8.0 and later read as the grid's display matrix.
pub fn turned_grid_heic() -> PathBuf {
    heif_file("grid_turned.heic", Some(1), None)
}

/// The HEIF file with the third tile's slice overwritten with zeros, which no decoder can
/// read.
pub fn grid_heic_with_a_broken_tile() -> PathBuf {
    heif_file("grid_broken_tile.heic", None, Some(2))
}

/// The file `name` in the media cache, made on first use: the grid of the four tiles, turned
/// by `quarter_turns` and with the slice of tile `broken` zeroed where given.
fn heif_file(name: &str, quarter_turns: Option<u8>, broken: Option<usize>) -> PathBuf {
    let path = media::media_dir().join(name);
    if !path.exists() {
        let mut tiles: Vec<Vec<Vec<u8>>> = (0..4)
            .map(|i| nal_units(&std::fs::read(tile_hevc(i)).unwrap()))
            .collect();
        if let Some(broken) = broken {
            for unit in tiles[broken].iter_mut().filter(|u| nal_type(u) < 32) {
                unit.fill(0);
            }
        }
        media::write_whole(&path, heif(&tiles, quarter_turns));
    }
    path
}

/// The NAL units of an Annex B stream, without their start codes.
fn nal_units(stream: &[u8]) -> Vec<Vec<u8>> {
    let starts: Vec<usize> = (0..stream.len().saturating_sub(2))
        .filter(|&i| stream[i..i + 3] == [0, 0, 1])
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(stream.len());
            let mut unit = stream[start + 3..end].to_vec();
            // The next start code's leading zero, where it has four bytes.
            while unit.last() == Some(&0) {
                unit.pop();
            }
            unit
        })
        .collect()
}

fn nal_type(unit: &[u8]) -> u8 {
    (unit[0] >> 1) & 0x3f
}

/// A full box: `version`, no flags, then `payload`.
fn full_box(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    mp4_box(kind, &[&[version, 0, 0, 0][..], payload].concat())
}

fn be16(value: usize) -> [u8; 2] {
    u16::try_from(value).unwrap().to_be_bytes()
}

fn be32(value: usize) -> [u8; 4] {
    u32::try_from(value).unwrap().to_be_bytes()
}

/// The HEVC decoder configuration record (`hvcC`) of the first tile's parameter sets, with
/// four-byte NAL lengths; the profile fields are left zero (FFmpeg reads the parameter sets).
fn hvcc(units: &[Vec<u8>]) -> Vec<u8> {
    let sets: Vec<&Vec<u8>> = units
        .iter()
        .filter(|u| (32..=34).contains(&nal_type(u)))
        .collect();
    let mut record = vec![1];
    record.extend([0; 20]);
    record.push(0xfc | 3);
    record.push(sets.len() as u8);
    for set in sets {
        record.push(0x80 | nal_type(set));
        record.extend(be16(1));
        record.extend(be16(set.len()));
        record.extend(set.iter());
    }
    record
}

/// The file of `tiles`, the picture turned by `quarter_turns` anticlockwise (`irot`) where
/// given.
fn heif(tiles: &[Vec<Vec<u8>>], quarter_turns: Option<u8>) -> Vec<u8> {
    let (width, height) = PICTURE;
    // The grid: version 0, 16-bit sizes, 2 rows and 2 columns, the picture's size.
    let grid = [
        &[0, 0, 1, 1][..],
        &be16(width as usize),
        &be16(height as usize),
    ]
    .concat();
    // Each tile's slices, each preceded by its length.
    let slices = tiles.iter().map(|units| {
        let slices = units.iter().filter(|u| nal_type(u) < 32);
        slices
            .flat_map(|u| [&be32(u.len())[..], u].concat())
            .collect::<Vec<u8>>()
    });
    let mut items: Vec<(u16, &[u8; 4], Vec<u8>)> = vec![(1, b"grid", grid)];
    items.extend((2..).zip(slices).map(|(id, data)| (id, b"hvc1", data)));
    let ftyp = mp4_box(b"ftyp", b"heic\0\0\0\0mif1heic");
    // The offsets go in `iloc`, whose size does not depend on them.
    let size_of_meta = meta(&items, &[0; 5], &tiles[0], quarter_turns).len();
    let mut offset = ftyp.len() + size_of_meta + 8;
    let offsets: Vec<usize> = items
        .iter()
        .map(|(_, _, data)| {
            offset += data.len();
            offset - data.len()
        })
        .collect();
    let data: Vec<u8> = items.iter().flat_map(|(_, _, data)| data.clone()).collect();
    let meta = meta(&items, &offsets, &tiles[0], quarter_turns);
    [ftyp, meta, mp4_box(b"mdat", &data)].concat()
}

fn meta(
    items: &[(u16, &[u8; 4], Vec<u8>)],
    offsets: &[usize],
    first_tile: &[Vec<u8>],
    quarter_turns: Option<u8>,
) -> Vec<u8> {
    let (width, height) = PICTURE;
    let handler = full_box(b"hdlr", 0, &[&[0; 4][..], b"pict", &[0; 13]].concat());
    let primary = full_box(b"pitm", 0, &be16(1));
    let entries: Vec<u8> = items
        .iter()
        .flat_map(|(id, kind, _)| {
            full_box(
                b"infe",
                2,
                &[&id.to_be_bytes()[..], &[0, 0], *kind, &[0]].concat(),
            )
        })
        .collect();
    let infos = full_box(b"iinf", 0, &[&be16(items.len())[..], &entries].concat());
    let tile_ids: Vec<u8> = items[1..]
        .iter()
        .flat_map(|(id, _, _)| id.to_be_bytes())
        .collect();
    let derived = mp4_box(
        b"dimg",
        &[&be16(1)[..], &be16(items.len() - 1), &tile_ids].concat(),
    );
    let references = full_box(b"iref", 0, &derived);
    // Properties 1-3: the tiles' configuration and size, the picture's size; 4: its turn.
    let size =
        |w: u32, h: u32| full_box(b"ispe", 0, &[be32(w as usize), be32(h as usize)].concat());
    let mut properties = [
        mp4_box(b"hvcC", &hvcc(first_tile)),
        size(TILE, TILE),
        size(width, height),
    ]
    .concat();
    let mut associations = be32(items.len()).to_vec();
    match quarter_turns {
        Some(turns) => {
            properties.extend(mp4_box(b"irot", &[turns]));
            associations.extend([&be16(1)[..], &[2, 3, 4]].concat());
        }
        None => associations.extend([&be16(1)[..], &[1, 3]].concat()),
    }
    let properties = mp4_box(b"ipco", &properties);
    for (id, _, _) in &items[1..] {
        // The configuration is essential (the top bit).
        associations.extend([&id.to_be_bytes()[..], &[2, 0x81, 2]].concat());
    }
    let associated = full_box(b"ipma", 0, &associations);
    let item_properties = mp4_box(b"iprp", &[properties, associated].concat());
    // Four-byte offsets and lengths, no base offset; one extent per item, in this file.
    let mut locations = vec![0x44, 0x00];
    locations.extend(be16(items.len()));
    for ((id, _, data), &offset) in items.iter().zip(offsets) {
        locations.extend([&id.to_be_bytes()[..], &be16(0), &be16(1)].concat());
        locations.extend([be32(offset), be32(data.len())].concat());
    }
    let location = full_box(b"iloc", 0, &locations);
    let boxes = [
        handler,
        primary,
        infos,
        references,
        item_properties,
        location,
    ];
    full_box(b"meta", 0, &boxes.concat())
}
