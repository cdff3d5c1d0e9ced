//! YUV to RGB on frames FFmpeg allocates: the fast path against the exact reference, and
//! refusals.

mod common;

use ffmpeg_runtime::convert::{Backend, RgbFormat, RgbPool};
use ffmpeg_runtime::{Colorimetry, Matrix, Range};
use ffmpeg_runtime::{Frame, ScaleQuality, Scaler};

const BT601_LIMITED: Colorimetry = Colorimetry {
    matrix: Matrix::Bt601,
    range: Range::Limited,
};

/// The largest difference between two pictures' bytes.
fn max_difference(a: &[u8], b: &[u8]) -> u8 {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

#[test]
fn the_fast_path_is_within_one_step_of_the_reference() {
    let ffmpeg = common::under_test().load();
    let pool = RgbPool::new();
    let mut frame = Frame::video(&ffmpeg, 1920, 1080, "yuv420p").unwrap();
    let mut state = 1u32;
    for mut plane in frame.planes_mut().unwrap() {
        for byte in plane.rows_mut().flatten() {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *byte = (state >> 16) as u8;
        }
    }
    for colorimetry in [
        BT601_LIMITED,
        Colorimetry {
            matrix: Matrix::Bt709,
            range: Range::Full,
        },
    ] {
        for format in [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24] {
            let fast = pool
                .convert_with(&frame, format, colorimetry, Backend::Simd)
                .unwrap();
            let exact = pool
                .convert_with(&frame, format, colorimetry, Backend::Scalar)
                .unwrap();
            let difference = max_difference(fast.data(), exact.data());
            assert!(difference <= 1, "{colorimetry:?} {format:?}: {difference}");
            // Pooled buffers change format from one round to the next.
            for image in [&fast, &exact] {
                assert_eq!(image.data().len(), 1920 * 1080 * format.bytes_per_pixel());
                assert_eq!(image.data().as_ptr().align_offset(64), 0, "64-byte aligned");
            }
        }
    }
    let nv12 = {
        let mut target = Frame::video(&ffmpeg, 1920, 1080, "nv12").unwrap();
        Scaler::new(&ffmpeg, ScaleQuality::BitExact)
            .scale(&frame, &mut target)
            .unwrap();
        target
    };
    let fast = pool
        .convert_with(&nv12, RgbFormat::Rgba, BT601_LIMITED, Backend::Simd)
        .unwrap();
    let exact = pool
        .convert_with(&nv12, RgbFormat::Rgba, BT601_LIMITED, Backend::Scalar)
        .unwrap();
    let difference = max_difference(fast.data(), exact.data());
    assert!(difference <= 1, "nv12: {difference}");
}

/// A 256×2 picture: every luma value along a row, one chroma pair throughout.
fn flat_chroma(ffmpeg: &ffmpeg_runtime::Ffmpeg, format: &str, u: u16, v: u16) -> Frame {
    let mut frame = Frame::video(ffmpeg, 256, 2, format).unwrap();
    let ten_bit = format.contains("10");
    for (index, mut plane) in frame.planes_mut().unwrap().enumerate() {
        for row in plane.rows_mut() {
            let samples = if ten_bit { row.len() / 2 } else { row.len() };
            for x in 0..samples {
                let value = match index {
                    0 if ten_bit => x as u16 * 4 + (x as u16 % 4),
                    0 => x as u16,
                    1 => u,
                    _ => v,
                };
                if ten_bit {
                    row[x * 2..x * 2 + 2].copy_from_slice(&value.to_le_bytes());
                } else {
                    row[x] = value as u8;
                }
            }
        }
    }
    frame
}

/// The colour maths: the exact reference against swscale computing at full precision, for
/// both matrices and ranges, every legal luma value and a grid of legal chroma. (swscale 5.1
/// wraps around to black on BT.709 limited-range blue from luma 253 with chroma 240.) Chroma
/// is flat so that swscale's chroma interpolation, which the reference does not do, changes
/// nothing.
#[test]
fn the_reference_is_within_one_step_of_swscale_at_full_precision() {
    let ffmpeg = common::under_test().load();
    let pool = RgbPool::new();
    for (format, scale) in [("yuv420p", 1), ("yuv420p10le", 4)] {
        for matrix in [Matrix::Bt601, Matrix::Bt709] {
            for range in [Range::Limited, Range::Full] {
                let colorimetry = Colorimetry { matrix, range };
                let (luma, chroma) = match range {
                    Range::Limited => (16..=235, (16..=240).step_by(8)),
                    Range::Full => (0..=255, (0..=255).step_by(15)),
                };
                let mut scaler = Scaler::new(&ffmpeg, ScaleQuality::BitExactFullChroma);
                scaler.set_colorimetry(colorimetry);
                let mut target = Frame::video(&ffmpeg, 256, 2, "rgba").unwrap();
                let mut worst = (0, 0, 0);
                for u in chroma.clone() {
                    for v in chroma.clone() {
                        let source = flat_chroma(&ffmpeg, format, u * scale, v * scale);
                        let exact = pool
                            .convert_with(&source, RgbFormat::Rgba, colorimetry, Backend::Scalar)
                            .unwrap();
                        scaler.scale(&source, &mut target).unwrap();
                        let plane = target.plane(0).unwrap();
                        let legal = luma.start() * 4..(luma.end() + 1) * 4;
                        let difference = max_difference(
                            &exact.data()[legal.clone()],
                            &plane.row(0).unwrap()[legal.clone()],
                        );
                        if difference > worst.0 {
                            worst = (difference, u, v);
                        }
                    }
                }
                assert!(
                    worst.0 <= 1,
                    "{format} {colorimetry:?}: (difference, u, v) {worst:?}"
                );
            }
        }
    }
}

#[test]
fn unsupported_sources_are_refused() {
    let ffmpeg = common::under_test().load();
    let frame = Frame::video(&ffmpeg, 16, 16, "yuv444p").unwrap();
    assert!(matches!(
        RgbPool::new().convert(&frame, RgbFormat::Rgba),
        Err(ffmpeg_runtime::Error::Unsupported { .. })
    ));
}

#[test]
fn conversion_into_a_callers_buffer_matches_the_pool_and_keeps_the_padding() {
    let ffmpeg = common::under_test().load();
    let pool = RgbPool::new();
    let (width, height) = (101, 37);
    for source in ["yuv420p", "nv12", "yuv420p10le"] {
        let mut frame = Frame::video(&ffmpeg, width, height, source).unwrap();
        let mut state = 7u32;
        for mut plane in frame.planes_mut().unwrap() {
            for byte in plane.rows_mut().flatten() {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                // For 10-bit, bytes of at most 3 keep every word within 10 bits.
                *byte = (state >> 16) as u8 & if source.contains("10") { 0x03 } else { 0xff };
            }
        }
        for format in [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24] {
            let image = pool.convert(&frame, format).unwrap();
            let row = image.stride();
            let stride = row + 13;
            let mut out = vec![0xab; stride * (height as usize - 1) + row];
            let colorimetry = Colorimetry::of(&frame);
            ffmpeg_runtime::convert::convert_into(&frame, format, colorimetry, &mut out, stride)
                .unwrap();
            for (y, expected) in image.data().chunks(row).enumerate() {
                let line = &out[y * stride..];
                assert_eq!(&line[..row], expected, "{source} {format:?} row {y}");
                if y + 1 < height as usize {
                    assert!(line[row..stride].iter().all(|&b| b == 0xab), "padding kept");
                }
            }
            // Too short a stride, or too small a buffer: refused, nothing written.
            let mut small = vec![0xab; out.len() - 1];
            for (buffer, stride) in [(&mut small, stride), (&mut out.clone(), row - 1)] {
                let result = ffmpeg_runtime::convert::convert_into(
                    &frame,
                    format,
                    colorimetry,
                    buffer,
                    stride,
                );
                assert!(
                    matches!(result, Err(ffmpeg_runtime::Error::Incompatible { .. })),
                    "{result:?}"
                );
            }
            assert!(small.iter().all(|&b| b == 0xab), "nothing written");
        }
    }
}

/// Streaming stores write the same bytes as stores through the cache: for a picture big
/// enough that `Stores::Auto` streams it and one small enough that it does not, into pooled
/// (aligned) images and into a caller's buffer starting one byte past a cache line.
#[test]
fn every_way_of_storing_gives_the_same_pixels() {
    use ffmpeg_runtime::convert::{STREAMING_FROM, Stores, convert_into};
    let ffmpeg = common::under_test().load();
    for (width, height) in [(1920, 1080), (130, 66)] {
        let mut frame = Frame::video(&ffmpeg, width, height, "yuv420p").unwrap();
        let mut state = 3u32;
        for mut plane in frame.planes_mut().unwrap() {
            for byte in plane.rows_mut().flatten() {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                *byte = (state >> 16) as u8;
            }
        }
        let big = (width * height * 3) as usize >= STREAMING_FROM;
        assert_eq!(big, width == 1920, "one of each size");
        for format in [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24] {
            let cached = RgbPool::new().with_stores(Stores::Cached);
            let expected = cached.convert(&frame, format).unwrap();
            for stores in [Stores::Auto, Stores::Streaming] {
                let pool = RgbPool::new().with_stores(stores);
                let image = pool.convert(&frame, format).unwrap();
                assert!(image.data() == expected.data(), "{stores:?} {format:?}");
            }
            let mut buffer = vec![0; expected.data().len() + 64];
            let start = buffer.as_ptr().align_offset(64) + 1;
            let out = &mut buffer[start..][..expected.data().len()];
            let (colorimetry, stride) = (Colorimetry::of(&frame), expected.stride());
            convert_into(&frame, format, colorimetry, out, stride).unwrap();
            assert!(
                out == expected.data(),
                "into a buffer off the line: {format:?}"
            );
        }
    }
}

/// Every row of a picture's first plane, without padding.
fn picture_rows(frame: &Frame) -> Vec<u8> {
    frame.plane(0).unwrap().rows().flatten().copied().collect()
}

fn scaled_to_rgba(
    ffmpeg: &ffmpeg_runtime::Ffmpeg,
    source: &Frame,
    colorimetry: Option<Colorimetry>,
) -> Vec<u8> {
    let mut scaler = Scaler::new(ffmpeg, ScaleQuality::BitExactFullChroma);
    if let Some(colorimetry) = colorimetry {
        scaler.set_colorimetry(colorimetry);
    }
    let mut target = Frame::video(ffmpeg, source.width(), source.height(), "rgba").unwrap();
    scaler.scale(source, &mut target).unwrap();
    picture_rows(&target)
}

#[test]
fn the_scaler_and_the_pool_read_untagged_and_tagged_yuv_alike() {
    let ffmpeg = common::under_test().load();
    // Untagged, and high definition: still BT.601, as libswscale and the CLI assume. One
    // colour, so that chroma interpolation plays no part.
    let mut untagged = Frame::video(&ffmpeg, 1280, 720, "yuv420p").unwrap();
    for (mut plane, value) in untagged.planes_mut().unwrap().zip([120, 90, 170]) {
        plane.rows_mut().flatten().for_each(|byte| *byte = value);
    }
    assert_eq!(Colorimetry::of(&untagged), BT601_LIMITED);
    // Tagged BT.709 by its container.
    let path = common::media::generated(
        "tagged_bt709.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:duration=0.1",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "ffv1",
            "-colorspace",
            "bt709",
            "-color_range",
            "tv",
        ],
    );
    let tagged = common::media::first_frame(&ffmpeg, &path);
    let bt709 = Colorimetry {
        matrix: Matrix::Bt709,
        range: Range::Limited,
    };
    assert_eq!(Colorimetry::of(&tagged), bt709);
    for frame in [&untagged, &tagged] {
        let read_as_it_says = scaled_to_rgba(&ffmpeg, frame, Some(Colorimetry::of(frame)));
        assert_eq!(scaled_to_rgba(&ffmpeg, frame, None), read_as_it_says);
    }
    // The pool is within a step of the exact reference, which is within a step of libswscale
    // at full precision: the same picture, not BT.709's.
    let pooled = RgbPool::new().convert(&untagged, RgbFormat::Rgba).unwrap();
    let scaled = scaled_to_rgba(&ffmpeg, &untagged, None);
    assert!(max_difference(pooled.data(), &scaled) <= 2);
    let as_bt709 = scaled_to_rgba(
        &ffmpeg,
        &untagged,
        Some(Colorimetry {
            range: Range::Limited,
            ..bt709
        }),
    );
    assert!(max_difference(pooled.data(), &as_bt709) > 2);
    assert_ne!(
        scaled_to_rgba(&ffmpeg, &tagged, None),
        scaled_to_rgba(&ffmpeg, &tagged, Some(BT601_LIMITED)),
        "the tag is read"
    );
}

/// A picture of noise (luma 16–235, chroma 32–224, or 4 times those at 10 bits): every
/// sample random, so that chroma changes sharply everywhere. Chroma keeps clear of the
/// limited range's ends: with bicubic overshoot, blue beyond them wraps to black in swscale's
/// own arithmetic.
fn noise_picture(ffmpeg: &ffmpeg_runtime::Ffmpeg, width: u32, height: u32, format: &str) -> Frame {
    let mut frame = Frame::video(ffmpeg, width, height, format).unwrap();
    let mut state = width * 31 + height;
    let ten_bit = format.contains("10");
    let high_bits = format == "p010le";
    for (index, mut plane) in frame.planes_mut().unwrap().enumerate() {
        let (bottom, top) = if index == 0 { (16, 235) } else { (32, 224) };
        for row in plane.rows_mut() {
            let mut next = || {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 8) % ((top - bottom) * 4 + 1) + bottom * 4
            };
            if ten_bit {
                for word in row.chunks_exact_mut(2) {
                    let value = next() as u16;
                    let value = if high_bits { value << 6 } else { value };
                    word.copy_from_slice(&value.to_le_bytes());
                }
            } else {
                row.iter_mut().for_each(|byte| *byte = (next() / 4) as u8);
            }
        }
    }
    frame
}

/// Interpolated chroma against swscale's accurate full-chroma path with the same filter,
/// on noise (the hardest case: a chroma edge at every sample), 8- and 10-bit, even and odd
/// sizes down to swscale's shortened filters, both matrices and ranges: within one step.
/// With nearest chroma, the same pictures are many steps off.
#[test]
fn interpolated_chroma_is_within_one_step_of_swscales_full_chroma() {
    use ffmpeg_runtime::convert::ChromaUpsampling;
    let ffmpeg = common::under_test().load();
    let bicubic = RgbPool::new().with_chroma_upsampling(ChromaUpsampling::Bicubic);
    for format in ["yuv420p", "yuv420p10le", "nv12", "p010le"] {
        for (width, height) in [(320, 180), (101, 37), (7, 9), (2, 2), (1, 1), (1920, 1080)] {
            let source = noise_picture(&ffmpeg, width, height, format);
            for colorimetry in [
                BT601_LIMITED,
                Colorimetry {
                    matrix: Matrix::Bt709,
                    range: Range::Full,
                },
            ] {
                {
                    let expected = scaled_to_rgba(&ffmpeg, &source, Some(colorimetry));
                    let ours = bicubic
                        .convert_with(&source, RgbFormat::Rgba, colorimetry, Backend::Simd)
                        .unwrap();
                    let difference = max_difference(ours.data(), &expected);
                    assert!(
                        difference <= 1,
                        "{format} {width}x{height} {colorimetry:?}: {difference}"
                    );
                }
                if width >= 101 {
                    let expected = scaled_to_rgba(&ffmpeg, &source, Some(colorimetry));
                    let nearest = RgbPool::new()
                        .convert_with(&source, RgbFormat::Rgba, colorimetry, Backend::Simd)
                        .unwrap();
                    let difference = max_difference(nearest.data(), &expected);
                    assert!(difference > 20, "{format} {width}x{height}: {difference}");
                }
            }
        }
    }
}

/// Decoded pictures with sharp colour edges (H.264 with its chroma sited left, as x264
/// writes it, and 10-bit FFV1) against the ffmpeg CLI's accurate full-chroma conversion.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn interpolated_chroma_is_within_one_step_of_the_clis_full_chroma() {
    use ffmpeg_runtime::convert::ChromaUpsampling;
    let ffmpeg = common::under_test().load();
    let pool = RgbPool::new().with_chroma_upsampling(ChromaUpsampling::Bicubic);
    let clips = [
        (
            "full_chroma_h264.mkv",
            ["-c:v", "libx264", "-pix_fmt", "yuv420p"],
        ),
        (
            "full_chroma_10bit.mkv",
            ["-c:v", "ffv1", "-pix_fmt", "yuv420p10le"],
        ),
    ];
    for (name, codec) in clips {
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=318x178:rate=25:duration=0.2",
        ];
        args.extend(codec);
        let path = common::media::generated(name, &args);
        let source = common::media::first_frame(&ffmpeg, &path);
        let ours = pool.convert(&source, RgbFormat::Rgba).unwrap();
        let cli = common::media::cli_first_picture(&path, "rgba");
        let difference = max_difference(ours.data(), &cli);
        assert_eq!(ours.data().len(), cli.len());
        assert!(difference <= 1, "{name}: {difference}");
        let nearest = RgbPool::new().convert(&source, RgbFormat::Rgba).unwrap();
        let difference = max_difference(nearest.data(), &cli);
        assert!(difference > 8, "{name}: nearest chroma {difference} off");
    }
}

/// The conversion takes the code of the CPU it runs on. `ci/older-cpus.sh` runs this file
/// under qemu-user as CPUs without AVX-512 and without AVX, and names the level each must
/// give in `FFMPEG_RUNTIME_TEST_SIMD`; the other tests here then check that level's kernels
/// through the default (widest) dispatch, which a host with AVX-512 never takes to them.
#[test]
fn the_conversion_uses_the_code_of_the_cpu_it_runs_on() {
    let level = ffmpeg_runtime::convert::simd_level();
    let known = ["avx512vbmi", "avx512", "avx2", "sse4.1", "neon", "scalar"];
    assert!(known.contains(&level), "unknown level {level}");
    if let Ok(expected) = std::env::var("FFMPEG_RUNTIME_TEST_SIMD") {
        assert_eq!(level, expected, "the level this CPU should give");
    }
}
