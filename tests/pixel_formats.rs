//! What pixel formats are made of, read from each release's descriptors: the classes a
//! converter or an encoder's setup asks about (RGB or YUV, palette, alpha, planes, chroma
//! subsampling), against formats every release describes alike and against the CLI's own
//! table (`ffmpeg -pix_fmts`).

mod common;

use ffmpeg_runtime::{Ffmpeg, PixelFormat};

fn format(ffmpeg: &Ffmpeg, name: &str) -> PixelFormat {
    ffmpeg.pixel_format(name).unwrap()
}

#[test]
fn formats_read_as_their_descriptors_state_them() {
    let ffmpeg = common::under_test().load();
    // name, components, chroma subsampling, RGB, YUV, planar, alpha
    let cases = [
        ("yuv420p", 3, (1, 1), false, true, true, false),
        ("yuvj444p", 3, (0, 0), false, true, true, false),
        ("yuva420p", 4, (1, 1), false, true, true, true),
        ("nv12", 3, (1, 1), false, true, true, false),
        ("yuyv422", 3, (1, 0), false, true, false, false),
        ("yuv411p", 3, (2, 0), false, true, true, false),
        ("p010le", 3, (1, 1), false, true, true, false),
        ("rgb24", 3, (0, 0), true, false, false, false),
        ("bgra", 4, (0, 0), true, false, false, true),
        ("gbrp", 3, (0, 0), true, false, true, false),
        ("x2rgb10le", 3, (0, 0), true, false, false, false),
        ("gray", 1, (0, 0), false, false, false, false),
        ("ya8", 2, (0, 0), false, false, false, true),
        ("pal8", 1, (0, 0), false, false, false, true),
        ("xyz12le", 3, (0, 0), false, false, false, false),
    ];
    for (name, components, subsampling, rgb, yuv, planar, alpha) in cases {
        let Ok(format) = ffmpeg.pixel_format(name) else {
            // x2rgb10le is from 4.4 (libavutil 56.55).
            assert_eq!(name, "x2rgb10le", "every release has {name}");
            continue;
        };
        let read = (
            format.components(),
            format.chroma_subsampling(),
            format.is_rgb(),
            format.is_yuv(),
            format.is_planar(),
            format.has_alpha(),
        );
        let stated = (components, subsampling, rgb, yuv, planar, alpha);
        assert_eq!(read, stated, "{name}");
    }
    assert!(format(&ffmpeg, "pal8").has_palette());
    assert!(
        !format(&ffmpeg, "rgb8").has_palette(),
        "a fixed palette is RGB"
    );
    assert!(format(&ffmpeg, "rgb8").is_rgb());
    assert!(format(&ffmpeg, "xyz12le").is_xyz());
    assert!(format(&ffmpeg, "grayf32le").is_float());
    assert!(format(&ffmpeg, "monow").is_bitstream());
    assert!(format(&ffmpeg, "vaapi").is_hardware());
    for (name, depths) in [
        ("yuv420p", vec![8, 8, 8]),
        ("p010le", vec![10, 10, 10]),
        ("yuva444p16le", vec![16; 4]),
        ("rgba", vec![8; 4]),
        ("rgb565le", vec![5, 6, 5]),
        ("monow", vec![1]),
        ("pal8", vec![8]),
        ("vaapi", vec![]),
    ] {
        let format = format(&ffmpeg, name);
        assert_eq!(format.component_depths(), depths, "{name}");
        let deepest = depths.iter().copied().max().unwrap_or(0);
        assert_eq!(format.bit_depth(), deepest, "{name}");
    }
    assert_eq!(format(&ffmpeg, "grayf32le").bit_depth(), 32);
    let bayer = format(&ffmpeg, "bayer_rggb8");
    assert!(bayer.is_bayer() && bayer.is_rgb() && !bayer.is_yuv());
}

#[test]
fn no_format_is_both_rgb_and_yuv() {
    let ffmpeg = common::under_test().load();
    let formats = ffmpeg.pixel_formats();
    assert!(formats.len() > 150, "{} formats", formats.len());
    for format in formats {
        let name = format.name();
        assert!(!(format.is_rgb() && format.is_yuv()), "{name}");
        if format.has_palette() {
            assert_eq!(format.components(), 1, "{name}");
        }
        if format.is_hardware() {
            assert!(!format.is_yuv() && !format.is_rgb(), "{name}: a surface");
        }
        let (across, down) = format.chroma_subsampling();
        assert!(across <= 2 && down <= 2, "{name}: {across}, {down}");
    }
}

/// The installed CLI's table: per format, whether it is a hardware surface, paletted or
/// packed in bits, its components and their depths (`8-8-8`).
fn cli_table() -> Vec<(String, [bool; 3], u8, String)> {
    let output = common::media::cli().arg("-pix_fmts").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let rows = text
        .lines()
        .skip_while(|line| !line.starts_with("-----"))
        .skip(1);
    rows.map(|row| {
        let fields: Vec<&str> = row.split_whitespace().collect();
        let flags = fields[0].as_bytes();
        let components = fields[2].parse().unwrap();
        let marks = [flags[2] == b'H', flags[3] == b'P', flags[4] == b'B'];
        let depths = fields.get(4).copied().unwrap_or_default().to_owned();
        (fields[1].to_owned(), marks, components, depths)
    })
    .collect()
}

#[test]
fn formats_read_as_the_clis_table_on_its_library() {
    let build = common::under_test();
    if build.name != "5.1" || !common::host_ffmpeg_loadable() {
        return; // the installed CLI is Debian's 5.1, and reads that library's table
    }
    let ffmpeg = build.load();
    let table = cli_table();
    assert_eq!(table.len(), ffmpeg.pixel_formats().len());
    for (name, [hardware, paletted, bitstream], components, depths) in table {
        let format = format(&ffmpeg, &name);
        // The CLI prints the first component's depth even where there is none (0).
        let mut depths_read: Vec<String> = format
            .component_depths()
            .iter()
            .map(u8::to_string)
            .collect();
        if depths_read.is_empty() {
            depths_read.push("0".into());
        }
        let read = (
            format.is_hardware(),
            format.has_palette(),
            format.is_bitstream(),
            format.components(),
            depths_read.join("-"),
        );
        let stated = (hardware, paletted, bitstream, components, depths);
        assert_eq!(read, stated, "{name}");
    }
}
