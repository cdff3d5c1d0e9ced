//! Stream groups (7.0 on): a HEIF picture cut into tiles is one tile-grid group of its tile
//! streams, and `TileGrid::compose` makes the picture as the ffmpeg CLI's `xstack` and
//! `crop` make it. The file is the tests' own (`common::heif`): four HEVC tiles, 2×2 on a
//! 128×128 canvas, of which the picture is the top left 120×100.

mod common;

use std::path::Path;
use std::process::Command;

use common::heif::{self, PICTURE, TILE};
use common::media;
use ffmpeg_runtime::codec::DecoderOptions;
use ffmpeg_runtime::format::{
    Input, MediaType, SelectedVideo, SideDataValue, StreamGroup, StreamGroupKind, Tile, TileGrid,
};
use ffmpeg_runtime::{Error, Ffmpeg, FilterError, Frame, Library};

/// The grid the file declares.
fn declared_grid() -> TileGrid {
    let (width, height) = PICTURE;
    let place = |stream: usize| Tile {
        stream,
        horizontal: (stream as u32 % 2) * TILE,
        vertical: (stream as u32 / 2) * TILE,
    };
    TileGrid {
        coded_width: 2 * TILE,
        coded_height: 2 * TILE,
        horizontal_offset: 0,
        vertical_offset: 0,
        width,
        height,
        background: [0, 0, 0, 255],
        tiles: (0..4).map(place).collect(),
        side_data: Vec::new(),
    }
}

/// What Debian 5.1's CLI makes of `inputs` through `graph` (its inputs `[0:v]`, `[1:v]`, …),
/// as packed `yuv420p`.
fn cli_picture(inputs: &[&Path], graph: &str) -> Vec<u8> {
    let mut command: Command = media::cli();
    for input in inputs {
        command.arg("-i").arg(input);
    }
    command.args(["-filter_complex", graph, "-frames:v", "1"]);
    command.args(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]);
    common::stdout_bytes_of(&mut command, "the CLI's picture")
}

fn packed(frame: &Frame) -> Vec<u8> {
    let mut bytes = Vec::new();
    frame.copy_packed(&mut bytes).unwrap();
    bytes
}

/// Whether the build has libavfilter (4.1's and 4.4's wheels have not): where it has not,
/// composing is refused with a typed error.
fn composes(ffmpeg: &Ffmpeg) -> bool {
    if ffmpeg.library(Library::AvFilter).is_some() {
        return true;
    }
    let refused = declared_grid().compose(&tile_pictures(ffmpeg));
    assert!(matches!(
        refused,
        Err(Error::LibraryMissing {
            library: Library::AvFilter,
            ..
        })
    ));
    false
}

fn tile_pictures(ffmpeg: &Ffmpeg) -> Vec<Frame> {
    (0..4)
        .map(|i| media::first_frame(ffmpeg, &heif::tile_hevc(i)))
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_heif_grid_is_one_group_of_its_tiles() {
    let ffmpeg = common::under_test().load();
    let path = heif::grid_heic();
    if ffmpeg.family().ffmpeg_major() < 7 {
        // Before 7.0 the MOV demuxer reads no picture items: a HEIF file has no `moov`.
        assert!(matches!(
            Input::open(&ffmpeg, &path),
            Err(Error::InvalidData { .. })
        ));
        return;
    }
    let input = Input::open(&ffmpeg, &path).unwrap();
    assert_eq!(input.stream_count(), 4);
    let expected = StreamGroup {
        index: 0,
        id: 1,
        kind: StreamGroupKind::TileGrid(declared_grid()),
        kind_name: "Tile Grid".into(),
        streams: vec![0, 1, 2, 3],
        disposition: 1,
        metadata: Vec::new(),
    };
    assert_eq!(input.stream_groups(), [expected]);
    let group = &input.stream_groups()[0];
    let dispositions = group.dispositions(&ffmpeg);
    assert!(dispositions.contains(&("default", true)));
    assert!(dispositions.contains(&("dependent", false)));
    // Each tile is a stream of its own that depends on the group.
    for stream in input.streams() {
        assert_eq!((stream.width(), stream.height()), (TILE, TILE));
        assert!(stream.dispositions().contains(&("dependent", true)));
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_clip_without_groups_has_none() {
    let ffmpeg = common::under_test().load();
    let input = Input::open(&ffmpeg, heif::tile_hevc(0)).unwrap();
    assert_eq!(input.stream_groups(), []);
}

/// The picture composed from the tiles is the CLI's `xstack` and `crop` of them, byte for
/// byte, on every build (the tiles decoded from their own streams); from 7.0 the tiles the
/// HEIF file's streams give make the same picture.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_composed_picture_is_the_clis() {
    let ffmpeg = common::under_test().load();
    if !composes(&ffmpeg) {
        return;
    }
    let grid = declared_grid();
    let picture = grid.compose(&tile_pictures(&ffmpeg)).unwrap();
    assert_eq!((picture.width(), picture.height()), PICTURE);
    let tiles: Vec<_> = (0..4).map(heif::tile_hevc).collect();
    let tiles: Vec<&Path> = tiles.iter().map(|p| p.as_path()).collect();
    let graph = "[0:v][1:v][2:v][3:v]xstack=inputs=4:layout=0_0|64_0|0_64|64_64:\
                 fill=0x000000@0xFF,crop=w=120:h=100:x=0:y=0";
    assert_eq!(packed(&picture), cli_picture(&tiles, graph));
    assert_eq!(
        grid.filter_description(),
        "[tile0][tile1][tile2][tile3]xstack=inputs=4:layout=0_0|64_0|0_64|64_64:\
         fill=0x000000@0xFF,crop=w=120:h=100:x=0:y=0"
    );

    if ffmpeg.family().ffmpeg_major() >= 7 {
        let frames = frames_of_each_stream(&ffmpeg, &heif::grid_heic());
        let from_file = grid.compose(&frames).unwrap();
        assert_eq!(packed(&from_file), packed(&picture));
        let mut input = Input::open(&ffmpeg, heif::grid_heic()).unwrap();
        let decoded = input
            .decode_tile_grid(0, &DecoderOptions::default())
            .unwrap();
        assert_eq!(packed(&decoded), packed(&picture));
    }
}

/// `Input::decode_tile_grid` refuses what is not a grid's picture with a typed error: a
/// group the input lacks, and a tile no decoder can read (its decoder's error given).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_grid_that_cannot_be_decoded_is_refused() {
    let ffmpeg = common::under_test().load();
    let options = DecoderOptions::default();
    let mut clip = Input::open(&ffmpeg, heif::tile_hevc(0)).unwrap();
    let refused = clip.decode_tile_grid(0, &options);
    assert!(
        matches!(refused, Err(Error::OutOfRange { .. })),
        "{refused:?}"
    );
    if ffmpeg.family().ffmpeg_major() < 7 || !composes(&ffmpeg) {
        return;
    }
    let mut input = Input::open(&ffmpeg, heif::grid_heic()).unwrap();
    let refused = input.decode_tile_grid(1, &options);
    assert!(
        matches!(refused, Err(Error::OutOfRange { .. })),
        "{refused:?}"
    );
    let mut broken = Input::open(&ffmpeg, heif::grid_heic_with_a_broken_tile()).unwrap();
    match broken.decode_tile_grid(0, &options) {
        Err(Error::InvalidData { message, .. }) => {
            assert!(
                message.starts_with("tile stream 2 gave no picture"),
                "{message}"
            )
        }
        other => panic!("a broken tile gave {other:?}"),
    }
}

/// The first picture of each stream of `path`, in stream order.
fn frames_of_each_stream(ffmpeg: &Ffmpeg, path: &Path) -> Vec<Frame> {
    use ffmpeg_runtime::Packet;
    use ffmpeg_runtime::codec::Decoder;
    let mut input = Input::open(ffmpeg, path).unwrap();
    let mut decoders: Vec<Decoder> = input
        .streams()
        .map(|s| Decoder::new(&s, &DecoderOptions::default()).unwrap())
        .collect();
    let mut packet = Packet::new(ffmpeg).unwrap();
    while input.read_packet(&mut packet).unwrap() {
        decoders[packet.stream_index()].send(&packet).unwrap();
    }
    decoders
        .iter_mut()
        .map(|decoder| {
            decoder.send_eof().unwrap();
            let mut frame = Frame::new(ffmpeg).unwrap();
            assert!(decoder.receive(&mut frame).unwrap());
            frame
        })
        .collect()
}

/// Where no tile lies, the canvas is the background; a grid of one tile is padded onto it.
/// Both equal the CLI's filters of the same tiles.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_canvas_is_the_background_where_no_tile_lies() {
    let ffmpeg = common::under_test().load();
    if !composes(&ffmpeg) {
        return;
    }
    let wide = colour_tile("0x204060", 64, 32);
    let square = colour_tile("0xC0A080", 64, 64);
    let tile = |stream, horizontal, vertical| Tile {
        stream,
        horizontal,
        vertical,
    };
    let grid = TileGrid {
        coded_width: 128,
        coded_height: 96,
        horizontal_offset: 8,
        vertical_offset: 8,
        width: 100,
        height: 80,
        background: [255, 0, 0, 255],
        tiles: vec![tile(0, 0, 0), tile(1, 64, 32)],
        side_data: Vec::new(),
    };
    let tiles = [
        media::first_frame(&ffmpeg, &wide),
        media::first_frame(&ffmpeg, &square),
    ];
    let picture = match grid.compose(&tiles) {
        // 4.1's `xstack` has no `fill`.
        Err(Error::Filter(FilterError::UnknownOption { filter, option }))
            if common::under_test().name == "4.1" =>
        {
            assert_eq!((filter.as_str(), option.as_str()), ("xstack", "fill"));
            return;
        }
        composed => composed.unwrap(),
    };
    let graph = "[0:v][1:v]xstack=inputs=2:layout=0_0|64_32:fill=0xFF0000@0xFF,\
                 crop=w=100:h=80:x=8:y=8";
    assert_eq!(packed(&picture), cli_picture(&[&wide, &square], graph));

    let one = TileGrid {
        coded_width: 96,
        coded_height: 96,
        tiles: vec![tile(0, 16, 24)],
        horizontal_offset: 0,
        vertical_offset: 0,
        width: 96,
        height: 96,
        background: [0, 0, 255, 255],
        side_data: Vec::new(),
    };
    let picture = one.compose(&tiles[1..]).unwrap();
    let graph = "[0:v]pad=w=96:h=96:x=16:y=24:color=0x0000FF@0xFF,crop=w=96:h=96:x=0:y=0";
    assert_eq!(packed(&picture), cli_picture(&[&square], graph));
}

fn colour_tile(colour: &str, width: u32, height: u32) -> std::path::PathBuf {
    let source = format!("color=c={colour}:s={width}x{height}");
    media::generated(
        &format!("tile_{colour}_{width}x{height}.y4m"),
        &[
            "-f",
            "lavfi",
            "-i",
            &source,
            "-frames:v",
            "1",
            "-pix_fmt",
            "yuv420p",
        ],
    )
}

/// Pictures that do not fit the grid are refused with a typed error, before any filter runs.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_that_do_not_fit_the_grid_are_refused() {
    let ffmpeg = common::under_test().load();
    let grid = declared_grid();
    let tiles = tile_pictures(&ffmpeg);
    for count in [0, 3, 5] {
        let given: Vec<Frame> = tiles
            .iter()
            .cycle()
            .take(count)
            .map(|t| t.try_clone().unwrap())
            .collect();
        let refused = grid.compose(&given);
        assert!(
            matches!(refused, Err(Error::Incompatible { .. })),
            "{count} pictures: {refused:?}"
        );
    }
    let mut with_empty = tiles;
    with_empty[2] = Frame::new(&ffmpeg).unwrap();
    assert!(matches!(
        grid.compose(&with_empty),
        Err(Error::Incompatible { .. })
    ));
}

/// Tiles decoded by two loaded FFmpegs never meet in one graph.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn tiles_of_two_loads_are_refused() {
    let (this, other) = (common::under_test().load(), common::partner().load());
    let mut tiles = tile_pictures(&this);
    tiles[3] = tile_pictures(&other).remove(3);
    let refused = declared_grid().compose(&tiles);
    assert!(
        matches!(refused, Err(Error::ForeignObject { .. })),
        "{refused:?}"
    );
}

/// `probe --show-stream-groups` prints the group as 7.1's and later ffprobe print it (its
/// tiles as `components`, its streams as the streams' own entries), and `framehash
/// --stream-group 0` hashes the composed picture.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_examples_show_the_grid_and_its_picture() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.family().ffmpeg_major() < 7 || !composes(&ffmpeg) {
        return;
    }
    let path = heif::grid_heic();
    let mut probe = common::probe_command(&build);
    probe.arg(&path).arg("--show-stream-groups");
    let report: serde_json::Value =
        serde_json::from_slice(&common::stdout_bytes_of(&mut probe, "probe")).unwrap();
    let group = &report["stream_groups"][0];
    assert_eq!(report["stream_groups"].as_array().unwrap().len(), 1);
    assert_eq!(group["id"], "0x1");
    assert_eq!(group["nb_streams"], 4);
    assert_eq!(group["type"], "Tile Grid");
    assert_eq!(group["disposition"]["default"], 1);
    let offsets: Vec<serde_json::Value> = declared_grid()
        .tiles
        .iter()
        .map(|tile| {
            serde_json::json!({
                "stream_index": tile.stream,
                "tile_horizontal_offset": tile.horizontal,
                "tile_vertical_offset": tile.vertical,
            })
        })
        .collect();
    let components = serde_json::json!([{
        "nb_tiles": 4, "coded_width": 128, "coded_height": 128, "horizontal_offset": 0,
        "vertical_offset": 0, "width": 120, "height": 100, "subcomponents": offsets,
    }]);
    assert_eq!(group["components"], components);
    assert_eq!(group["streams"], report["streams"]);

    let picture = declared_grid().compose(&tile_pictures(&ffmpeg)).unwrap();
    let md5 = {
        use md5::{Digest, Md5};
        format!("{:x}", Md5::digest(packed(&picture)))
    };
    let lines = media::framehash_fields(&path, &["--stream-group", "0"]);
    assert_eq!(lines, [["0", "0", "120x100", "yuv420p", md5.as_str()]]);
}

/// A grid whose picture is to be shown turned (HEIF's `irot`): from 8.0 its display matrix is
/// the grid's, and the composed picture is turned as the CLI turns it (by its autorotation's
/// filters, after the crop); before 8.0 the turn is not read and the picture stays as laid.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_turned_grid_composes_turned() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.family().ffmpeg_major() < 7 || !composes(&ffmpeg) {
        return;
    }
    let mut input = Input::open(&ffmpeg, heif::turned_grid_heic()).unwrap();
    let StreamGroupKind::TileGrid(grid) = input.stream_groups().remove(0).kind else {
        panic!("no tile grid");
    };
    let picture = input
        .decode_tile_grid(0, &DecoderOptions::default())
        .unwrap();
    let tiles: Vec<_> = (0..4).map(heif::tile_hevc).collect();
    let tiles: Vec<&Path> = tiles.iter().map(|p| p.as_path()).collect();
    let laid = "[0:v][1:v][2:v][3:v]xstack=inputs=4:layout=0_0|64_0|0_64|64_64:\
                fill=0x000000@0xFF,crop=w=120:h=100:x=0:y=0";
    if ffmpeg.family().ffmpeg_major() < 8 {
        assert_eq!(grid.side_data, []);
        assert_eq!(packed(&picture), cli_picture(&tiles, laid));
        return;
    }
    let [
        SideDataValue::DisplayMatrix {
            counterclockwise, ..
        },
    ] = grid.side_data.as_slice()
    else {
        panic!("side data {:?}", grid.side_data);
    };
    assert_eq!(*counterclockwise, Some(90.0));
    assert_eq!((picture.width(), picture.height()), (100, 120));
    let turned = format!("{laid},transpose=cclock");
    assert!(grid.filter_description().ends_with(",transpose=cclock"));
    assert_eq!(packed(&picture), cli_picture(&tiles, &turned));
}

/// Without `-map`, the 8.1 and later CLI take a grid's picture as the video where the grid
/// ranks first (here it is the picture marked default, its tiles are not):
/// `Input::auto_selected_video` names the grid from 7.0 (which has groups), a plain clip's
/// stream on every build, and nothing for a muxer that holds no video.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_video_taken_without_map_is_the_grids_picture() {
    let ffmpeg = common::under_test().load();
    let clip = Input::open(&ffmpeg, heif::tile_hevc(0)).unwrap();
    assert_eq!(clip.auto_selected_video(), Some(SelectedVideo::Stream(0)));
    if ffmpeg.family().ffmpeg_major() < 7 {
        return;
    }
    let input = Input::open(&ffmpeg, heif::grid_heic()).unwrap();
    assert_eq!(
        input.auto_selected_video(),
        Some(SelectedVideo::TileGrid(0))
    );
    let mp4 = ffmpeg.muxer("mp4").unwrap();
    let wav = ffmpeg.muxer("wav").unwrap();
    let for_mp4 = input.auto_selected_video_for(&mp4).unwrap();
    assert_eq!(for_mp4, Some(SelectedVideo::TileGrid(0)));
    assert_eq!(input.auto_selected_video_for(&wav).unwrap(), None);
    // The 7.x and 8.0 CLI's choice, a tile, is still the stream's.
    let tile = input.auto_selected_stream(MediaType::Video).unwrap();
    assert!(
        declared_grid()
            .tiles
            .iter()
            .any(|t| t.stream == tile.index())
    );
}

/// The examples take what the loaded release's CLI takes without `-map`: from 8.1 the grid's
/// picture (`framehash` hashes it, `transcode` writes it), before 8.1 its first tile (8.0.1's
/// CLI takes the tile too); as the CLI, `framehash --vf` is refused for the grid's picture and
/// `--seek` past it leaves none.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_examples_take_the_grids_picture_from_8_1() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.family().ffmpeg_major() < 7 || !composes(&ffmpeg) {
        return;
    }
    let path = heif::grid_heic();
    let avcodec = ffmpeg.library(Library::AvCodec).unwrap().version();
    let composing = (avcodec.major, avcodec.minor) >= (62, 28);
    let picture = match composing {
        true => declared_grid().compose(&tile_pictures(&ffmpeg)).unwrap(),
        false => tile_pictures(&ffmpeg).remove(0),
    };
    let md5 = {
        use md5::{Digest, Md5};
        format!("{:x}", Md5::digest(packed(&picture)))
    };
    let shape = format!("{}x{}", picture.width(), picture.height());
    let lines = media::framehash_fields(&path, &[]);
    assert_eq!(lines, [["0", "0", shape.as_str(), "yuv420p", md5.as_str()]]);
    if composing {
        assert!(media::framehash_fields(&path, &["--seek", "0.5"]).is_empty());
        let mut filtered = common::example_command("framehash", &build);
        filtered.arg(&path).args(["--vf", "null"]);
        let refused = filtered.output().unwrap();
        assert!(!refused.status.success());
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("simple and complex filtering"), "{said}");
    }

    let dir = common::scratch_dir("grid-transcode");
    let out = dir.join("picture.png");
    let mut transcode = common::example_command("transcode", &build);
    transcode.arg(&path).arg(&out);
    common::stdout_bytes_of(&mut transcode, "transcode");
    let written = media::first_frame(&ffmpeg, &out);
    assert_eq!(
        (written.width(), written.height()),
        (picture.width(), picture.height())
    );
    let _ = std::fs::remove_dir_all(dir);
}
