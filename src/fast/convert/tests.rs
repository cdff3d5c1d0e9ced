//! The fast path against the exact reference on random pictures of odd sizes and strides,
//! every sample value included (below black, above white, and 16-bit words above 1023): at
//! most one step apart, and alpha exactly 255. Each hand-written kernel this CPU can run is
//! checked, then the portable code, each through the cache and with streaming stores (which
//! must give the same bytes, aligned or not); other instruction sets run the portable code's
//! integer arithmetic, so what holds for it holds for them.
use super::fast::HandWritten;
use super::pool::ALIGNMENT;
use super::*;

/// A deterministic pseudo-random byte stream.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u16 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u16
    }
}

const COLORIMETRIES: [Colorimetry; 4] = [
    Colorimetry {
        matrix: Matrix::Bt601,
        range: Range::Limited,
    },
    Colorimetry {
        matrix: Matrix::Bt601,
        range: Range::Full,
    },
    Colorimetry {
        matrix: Matrix::Bt709,
        range: Range::Limited,
    },
    Colorimetry {
        matrix: Matrix::Bt709,
        range: Range::Full,
    },
];
const FORMATS: [RgbFormat; 3] = [RgbFormat::Rgba, RgbFormat::Bgra, RgbFormat::Rgb24];

/// Largest difference between the fast and exact outputs, and how many bytes differ, over
/// every kernel this CPU has and every way of bringing chroma to the pixels.
fn compare(planes: &YuvPlanes<'_>) -> (u8, usize) {
    let mut worst = (0, 0);
    for upsampling in UPSAMPLINGS {
        let (max, off) = compare_upsampled(planes, upsampling);
        worst = (worst.0.max(max), worst.1 + off);
    }
    worst
}

const UPSAMPLINGS: [ChromaUpsampling; 2] = [ChromaUpsampling::Nearest, ChromaUpsampling::Bicubic];

/// [`compare`] for one way of bringing chroma to the pixels (interpolation has no
/// hand-written kernels and never streams).
fn compare_upsampled(planes: &YuvPlanes<'_>, upsampling: ChromaUpsampling) -> (u8, usize) {
    let mut worst = (0, 0);
    let nearest = upsampling == ChromaUpsampling::Nearest;
    // Each hand-written kernel under the widest dispatch, then each narrower dispatch.
    let kernels = match nearest {
        true => &[
            (HandWritten::Widest, SimdLimit::Widest),
            (HandWritten::Avx2, SimdLimit::Widest),
            (HandWritten::None, SimdLimit::Widest),
            (HandWritten::Widest, SimdLimit::Avx2),
            (HandWritten::Widest, SimdLimit::Sse41),
        ][..],
        false => &[(HandWritten::Widest, SimdLimit::Widest)][..],
    };
    for (colorimetry, &(widest, limit)) in COLORIMETRIES
        .into_iter()
        .flat_map(|c| kernels.iter().map(move |k| (c, k)))
    {
        for format in FORMATS {
            let stride = planes.width * format.bytes_per_pixel();
            let mut fast_out = vec![0; stride * planes.height];
            let mut exact = vec![0; stride * planes.height];
            let cached = ((widest, None), upsampling, limit);
            fast::convert_with(planes, format, colorimetry, (&mut fast_out, stride), cached);
            let exact_out = (&mut exact[..], stride);
            reference::convert(planes, format, colorimetry, exact_out, upsampling);
            for start in [0, 32, 1].into_iter().filter(|_| nearest) {
                let streamed = streamed(planes, format, colorimetry, (widest, limit), start);
                assert!(
                    streamed == fast_out,
                    "{format:?} with {widest:?} {limit:?}, streamed from byte {start} of a line: \
                     other bytes than through the cache"
                );
            }
            if format.bytes_per_pixel() == 4 {
                let alpha_ok = fast_out.chunks(4).all(|pixel| pixel[3] == 255);
                assert!(alpha_ok, "{format:?} with {widest:?}: alpha other than 255");
            }
            let max = fast_out
                .iter()
                .zip(&exact)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            let off = fast_out.iter().zip(&exact).filter(|(a, b)| a != b).count();
            worst = (worst.0.max(max), worst.1 + off);
        }
    }
    worst
}

/// The fast path's output with streaming stores, into rows starting `start` bytes into a
/// cache line and padded to whole lines, so that every row starts alike; returned unpadded.
fn streamed(
    planes: &YuvPlanes<'_>,
    format: RgbFormat,
    colorimetry: Colorimetry,
    (widest, limit): (HandWritten, SimdLimit),
    start: usize,
) -> Vec<u8> {
    let row = planes.width * format.bytes_per_pixel();
    let stride = row.next_multiple_of(ALIGNMENT);
    let mut buffer = vec![0xa5; stride * planes.height + 2 * ALIGNMENT];
    let first = buffer.as_ptr().align_offset(ALIGNMENT) + start;
    let streaming = streaming::Streaming::begin();
    let out = (&mut buffer[first..], stride);
    let kernels = ((widest, Some(&streaming)), ChromaUpsampling::Nearest, limit);
    fast::convert_with(planes, format, colorimetry, out, kernels);
    drop(streaming);
    let padding_kept = buffer[first..]
        .chunks(stride)
        .all(|line| line[row.min(line.len())..].iter().all(|&b| b == 0xa5));
    assert!(padding_kept, "{format:?}: streaming wrote past a row");
    buffer[first..]
        .chunks(stride)
        .take(planes.height)
        .flat_map(|line| &line[..row])
        .copied()
        .collect()
}

/// A plane of `rows` rows of `width` bytes, `stride` apart, over `data`.
fn bytes_plane(data: &[u8], width: usize, rows: usize, stride: usize) -> Samples<'_> {
    Samples::Bytes(Plane::over(data, width, rows, stride).unwrap())
}

/// A plane of `rows` rows of `width` 16-bit words, `stride` words apart, over `data`.
fn words_plane(data: &[u16], width: usize, rows: usize, stride: usize) -> Samples<'_> {
    let bytes = bytemuck::cast_slice(data);
    Samples::Words(Plane::over(bytes, 2 * width, rows, 2 * stride).unwrap())
}

/// Sizes with one pixel, odd widths and heights, and chunks with and without a tail.
const SIZES: [(usize, usize); 7] = [
    (1, 1),
    (7, 5),
    (34, 18),
    (63, 3),
    (64, 2),
    (129, 66),
    (250, 9),
];

#[test]
fn eight_bit_planar_and_semi_planar_match_the_reference() {
    let mut noise = Noise(7);
    for (width, height) in SIZES {
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let (ys, cs, uvs) = (width + 13, cw + 7, cw * 2 + 5);
        let mut bytes =
            |count: usize| -> Vec<u8> { (0..count).map(|_| noise.next() as u8).collect() };
        let (y, u, v, uv) = (
            bytes(ys * height),
            bytes(cs * ch),
            bytes(cs * ch),
            bytes(uvs * ch),
        );
        let (luma, u, v) = (
            bytes_plane(&y, width, height, ys),
            bytes_plane(&u, cw, ch, cs),
            bytes_plane(&v, cw, ch, cs),
        );
        let planar = YuvPlanes::new((width, height), 8, luma, Chroma::Planar(u, v)).unwrap();
        let (max, _) = compare(&planar);
        assert!(max <= 1, "yuv420p {width}x{height}: {max}");
        let uv = bytes_plane(&uv, 2 * cw, ch, uvs);
        let semi = YuvPlanes::new((width, height), 8, luma, Chroma::Interleaved(uv)).unwrap();
        let (max, _) = compare(&semi);
        assert!(max <= 1, "nv12 {width}x{height}: {max}");
    }
}

#[test]
fn ten_bit_planar_and_semi_planar_match_the_reference() {
    let mut noise = Noise(11);
    for (width, height) in SIZES {
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let (ys, cs, uvs) = (width + 3, cw + 1, cw * 2 + 4);
        // Any word: yuv420p10le words above 1023 are taken as 1023.
        let mut words =
            |count: usize| -> Vec<u16> { (0..count).map(|_| noise.next() % 1100).collect() };
        let (y, u, v, uv) = (
            words(ys * height),
            words(cs * ch),
            words(cs * ch),
            words(uvs * ch),
        );
        let (luma, u, v) = (
            words_plane(&y, width, height, ys),
            words_plane(&u, cw, ch, cs),
            words_plane(&v, cw, ch, cs),
        );
        let planar = YuvPlanes::new((width, height), 10, luma, Chroma::Planar(u, v)).unwrap();
        let (max, _) = compare(&planar);
        assert!(max <= 1, "yuv420p10 {width}x{height}: {max}");
        let high = |words: &[u16]| -> Vec<u16> {
            words.iter().map(|s| s.wrapping_shl(6) | s >> 10).collect()
        };
        let (y_high, uv_high) = (high(&y), high(&uv));
        let (luma, uv) = (
            words_plane(&y_high, width, height, ys),
            words_plane(&uv_high, 2 * cw, ch, uvs),
        );
        let semi = YuvPlanes::new((width, height), 10, luma, Chroma::Interleaved(uv)).unwrap();
        let (max, _) = compare(&semi);
        assert!(max <= 1, "p010 {width}x{height}: {max}");
    }
}

#[test]
fn auto_streams_big_pictures_unless_their_buffer_is_still_cached() {
    let big = STREAMING_FROM;
    assert!(Stores::Auto.streams(big, false));
    assert!(!Stores::Auto.streams(big, true));
    assert!(!Stores::Auto.streams(big - 1, false));
    // 4K RGBA does not fit in the cache, however recently it was written.
    assert!(Stores::Auto.streams(3840 * 2160 * 4, true));
    assert!(!Stores::Cached.streams(big, false));
    assert!(Stores::Streaming.streams(1, true));
}
