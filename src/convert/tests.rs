//! The fast path against the exact reference on random pictures of odd sizes and strides.
//! The bound is what yuvutils-rs 0.8.3 measures on legal values (it clamps samples below
//! black first, so those differ more); the target is one step, which needs the crate's own
//! kernels.
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

/// Largest difference between the fast and exact outputs, and how many bytes differ.
fn compare(planes: &YuvPlanes<'_>) -> (u8, usize) {
    let mut worst = (0, 0);
    for colorimetry in COLORIMETRIES {
        for format in FORMATS {
            let stride = planes.width * format.bytes_per_pixel();
            let mut fast_out = vec![0; stride * planes.height];
            let mut exact = vec![0; stride * planes.height];
            fast::convert(planes, format, colorimetry, &mut fast_out, stride).unwrap();
            reference::convert(planes, format, colorimetry, &mut exact, stride);
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

#[test]
fn eight_bit_planar_and_semi_planar_match_the_reference() {
    let mut noise = Noise(7);
    for (width, height) in [(1usize, 1usize), (7, 5), (34, 18), (128, 64), (130, 66)] {
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let (ys, cs) = (width + 13, cw + 7);
        // Legal values: the fast path clamps samples below black before converting.
        let luma = |n: &mut Noise| (16 + n.next() % 220) as u8;
        let chroma = |n: &mut Noise| (16 + n.next() % 225) as u8;
        let y: Vec<u8> = (0..ys * height).map(|_| luma(&mut noise)).collect();
        let u: Vec<u8> = (0..cs * ch).map(|_| chroma(&mut noise)).collect();
        let v: Vec<u8> = (0..cs * ch).map(|_| chroma(&mut noise)).collect();
        let uv: Vec<u8> = (0..(cw * 2) * ch).map(|_| chroma(&mut noise)).collect();
        let planar = YuvPlanes {
            width,
            height,
            bits: 8,
            luma: Samples::Bytes(&y, ys),
            chroma: Chroma::Planar(Samples::Bytes(&u, cs), Samples::Bytes(&v, cs)),
        };
        let (max, _) = compare(&planar);
        assert!(max <= 3, "yuv420p {width}x{height}: {max}");
        let semi = YuvPlanes {
            width,
            height,
            bits: 8,
            luma: Samples::Bytes(&y, ys),
            chroma: Chroma::Interleaved(Samples::Bytes(&uv, cw * 2)),
        };
        let (max, _) = compare(&semi);
        assert!(max <= 3, "nv12 {width}x{height}: {max}");
    }
}

#[test]
fn ten_bit_planar_and_semi_planar_match_the_reference() {
    let mut noise = Noise(11);
    for (width, height) in [(1usize, 1usize), (9, 3), (66, 34)] {
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let (ys, cs) = (width + 3, cw + 1);
        let ten = |n: &mut Noise| n.next() % 1024;
        let y: Vec<u16> = (0..ys * height).map(|_| ten(&mut noise)).collect();
        let u: Vec<u16> = (0..cs * ch).map(|_| ten(&mut noise)).collect();
        let v: Vec<u16> = (0..cs * ch).map(|_| ten(&mut noise)).collect();
        let planar = YuvPlanes {
            width,
            height,
            bits: 10,
            luma: Samples::Words(&y, ys),
            chroma: Chroma::Planar(Samples::Words(&u, cs), Samples::Words(&v, cs)),
        };
        let (max, _) = compare(&planar);
        assert_eq!(max, 0, "yuv420p10 {width}x{height}: the exact path");
        let y_high: Vec<u16> = y.iter().map(|s| s << 6).collect();
        let uv: Vec<u16> = (0..cw * 2 * ch).map(|_| ten(&mut noise) << 6).collect();
        let semi = YuvPlanes {
            width,
            height,
            bits: 10,
            luma: Samples::Words(&y_high, ys),
            chroma: Chroma::Interleaved(Samples::Words(&uv, cw * 2)),
        };
        let (max, _) = compare(&semi);
        assert_eq!(max, 0, "p010 {width}x{height}: the exact path");
    }
}
