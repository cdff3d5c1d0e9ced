//! Pictures handed to `image` and `ndarray` (features `image` and `ndarray`): the same
//! pixels as the frame's rows and as the CLI's `rgb24`, without a copy where the rows are
//! back to back.
#![cfg(all(feature = "image", feature = "ndarray"))]

mod common;

use common::media;
use ffmpeg_runtime::{Error, Frame, ScaleQuality, Scaler};

/// A packed picture whose every byte says where it is.
fn patterned(ffmpeg: &ffmpeg_runtime::Ffmpeg, width: u32, height: u32, format: &str) -> Frame {
    let mut frame = Frame::video(ffmpeg, width, height, format).unwrap();
    for mut plane in frame.planes_mut().unwrap() {
        for (y, row) in plane.rows_mut().enumerate() {
            for (x, byte) in row.iter_mut().enumerate() {
                *byte = (x * 7 + y * 13) as u8;
            }
        }
    }
    frame
}

#[test]
fn views_show_the_frames_pixels() {
    let ffmpeg = common::under_test().load();
    // 50 × 3 bytes per row get padded to FFmpeg's alignment; 64 × 3 do not.
    for (width, format, channels) in [
        (50, "rgb24", 3),
        (64, "rgb24", 3),
        (33, "gray", 1),
        (20, "rgba", 4),
    ] {
        let frame = patterned(&ffmpeg, width, 9, format);
        let plane = frame.plane(0).unwrap();
        let view = frame.as_ndarray().unwrap();
        assert_eq!(view.shape(), &[9, width as usize, channels]);
        let rows = plane.as_ndarray();
        assert_eq!(rows.shape(), &[9, width as usize * channels]);
        for y in 0..9 {
            let row = plane.row(y).unwrap();
            for x in 0..width as usize {
                for c in 0..channels {
                    assert_eq!(view[[y, x, c]], row[x * channels + c]);
                    assert_eq!(rows[[y, x * channels + c]], row[x * channels + c]);
                }
            }
        }
        let image = frame.to_image().unwrap();
        assert_eq!((image.width(), image.height()), (width, 9));
        let packed: Vec<u8> = plane.rows().flatten().copied().collect();
        assert_eq!(image.as_bytes(), &packed[..]);
        if format == "rgb24" {
            match frame.as_rgb_image() {
                Ok(view) => {
                    assert!(plane.contiguous().is_some());
                    assert_eq!(
                        view.as_raw().as_ptr(),
                        plane.row(0).unwrap().as_ptr(),
                        "no copy"
                    );
                    assert_eq!(&view.as_raw()[..], &packed[..]);
                }
                Err(error) => {
                    assert!(plane.contiguous().is_none(), "{error}");
                    assert!(matches!(error, Error::Incompatible { .. }));
                }
            }
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_decoded_picture_converted_to_rgb_is_the_clis() {
    let ffmpeg = common::under_test().load();
    let path = media::generated(
        "interop.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=25:duration=0.2",
            "-c:v",
            "ffv1",
        ],
    );
    let source = media::first_frame(&ffmpeg, &path);
    let mut scaler = Scaler::new(&ffmpeg, ScaleQuality::BitExactFullChroma);
    let mut rgb = Frame::video(&ffmpeg, 96, 64, "rgb24").unwrap();
    scaler.scale(&source, &mut rgb).unwrap();
    let cli = media::cli_first_picture(&path, "rgb24");
    let image = rgb.to_image().unwrap().to_rgb8();
    assert_eq!(image.as_raw(), &cli);
    let view = rgb.as_ndarray().unwrap();
    assert_eq!(view.iter().copied().collect::<Vec<u8>>(), cli);
}

#[test]
fn other_formats_are_refused_with_a_reason() {
    let ffmpeg = common::under_test().load();
    let yuv = Frame::video(&ffmpeg, 16, 16, "yuv420p").unwrap();
    assert!(matches!(yuv.as_ndarray(), Err(Error::Unsupported { .. })));
    assert!(matches!(yuv.to_image(), Err(Error::Unsupported { .. })));
    assert!(matches!(yuv.as_rgb_image(), Err(Error::Unsupported { .. })));
    // Each YUV plane is still viewable.
    let chroma = yuv.plane(1).unwrap().as_ndarray();
    assert_eq!(chroma.shape(), &[8, 8]);
    let gray = patterned(&ffmpeg, 8, 8, "gray");
    assert!(matches!(
        gray.as_rgb_image(),
        Err(Error::Unsupported { .. })
    ));
    let empty = Frame::new(&ffmpeg).unwrap();
    assert!(empty.as_ndarray().is_err() && empty.to_image().is_err());
}

/// What `vflip` gives lies bottom row first in memory (negative linesizes): its planes,
/// views, image and packed copy read it in place, top to bottom as it shows, and its rows
/// are written in place once the picture is its own. Its planes had read as none at all
/// (`framehash --vf vflip` printed an error for every picture).
#[test]
fn a_flipped_picture_reads_top_to_bottom_in_place() {
    use ffmpeg_runtime::filter::{FilterGraph, FilterInput};
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(ffmpeg_runtime::Library::AvFilter).is_none() {
        return;
    }
    for format in ["rgb24", "yuv420p"] {
        let source = patterned(&ffmpeg, 50, 9, format);
        let input = FilterInput::from_frame(&source, ffmpeg_runtime::Rational::new(1, 25));
        let mut graph = FilterGraph::simple(&ffmpeg, "vflip", input.unwrap()).unwrap();
        graph.send(0, &source).unwrap();
        let mut flipped = Frame::new(&ffmpeg).unwrap();
        assert!(graph.receive(0, &mut flipped).unwrap());
        assert_eq!(flipped.plane_count(), source.plane_count(), "{format}");
        let mut expected_packed = Vec::new();
        for (plane, original) in flipped.planes().zip(source.planes()) {
            assert!(plane.stride() < 0, "{format}: vflip flips in place");
            assert!(plane.contiguous().is_none());
            let rows: Vec<&[u8]> = plane.rows().collect();
            let expected: Vec<&[u8]> = original.rows().rev().collect();
            assert_eq!(rows, expected, "{format}");
            let view = plane.as_ndarray();
            for (y, row) in rows.iter().enumerate() {
                assert_eq!(view.row(y).to_vec(), row.to_vec(), "{format} row {y}");
            }
            expected_packed.extend(expected.concat());
        }
        let mut packed = Vec::new();
        flipped.copy_packed(&mut packed).unwrap();
        assert_eq!(packed, expected_packed, "{format}");
        if format == "rgb24" {
            let view = flipped.as_ndarray().unwrap();
            let original = source.plane(0).unwrap();
            for y in 0..9 {
                let row = original.row(8 - y).unwrap();
                for x in 0..50 {
                    for c in 0..3 {
                        assert_eq!(view[[y, x, c]], row[x * 3 + c]);
                    }
                }
            }
            assert_eq!(flipped.to_image().unwrap().as_bytes(), &expected_packed[..]);
            assert!(
                flipped.as_rgb_image().is_err(),
                "no slice over rows going up"
            );
        }
        // Once the source lets go, the flipped picture is written where it lies.
        drop(source);
        let mut plane = flipped.planes_mut().unwrap().next().unwrap();
        assert!(plane.stride() < 0);
        plane.row_mut(0).unwrap().fill(0xee);
        plane.rows_mut().last().unwrap().fill(0x11);
        let plane = flipped.plane(0).unwrap();
        assert!(plane.row(0).unwrap().iter().all(|&b| b == 0xee));
        assert!(plane.row(8).unwrap().iter().all(|&b| b == 0x11));
    }
}
