//! The exact conversion, in double precision, one pixel at a time: what the fast path is
//! measured against. Chroma is taken from the sample covering each pixel (no interpolation),
//! as the fast path does.

use super::{Colorimetry, Matrix, Range, RgbFormat, YuvPlanes};

/// `Kr` and `Kb` of each matrix.
fn coefficients(matrix: Matrix) -> (f64, f64) {
    match matrix {
        Matrix::Bt601 => (0.299, 0.114),
        Matrix::Bt709 => (0.2126, 0.0722),
    }
}

/// One pixel to (R, G, B) in 0..=255, rounded to nearest.
pub(crate) fn pixel(y: u16, u: u16, v: u16, bits: u32, colorimetry: Colorimetry) -> [u8; 3] {
    let scale = f64::from(1u32 << (bits - 8));
    let (y, u, v) = (
        f64::from(y),
        f64::from(u) - 128.0 * scale,
        f64::from(v) - 128.0 * scale,
    );
    let (luma, cb, cr) = match colorimetry.range {
        Range::Limited => (
            (y - 16.0 * scale) / (219.0 * scale),
            u / (224.0 * scale),
            v / (224.0 * scale),
        ),
        Range::Full => {
            let max = f64::from((1u32 << bits) - 1);
            (y / max, u / max, v / max)
        }
    };
    let (kr, kb) = coefficients(colorimetry.matrix);
    let kg = 1.0 - kr - kb;
    let r = luma + 2.0 * (1.0 - kr) * cr;
    let g = luma - 2.0 * kb * (1.0 - kb) / kg * cb - 2.0 * kr * (1.0 - kr) / kg * cr;
    let b = luma + 2.0 * (1.0 - kb) * cb;
    [r, g, b].map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// Converts the whole picture into `out` (rows `stride` bytes apart).
pub(crate) fn convert(
    planes: &YuvPlanes<'_>,
    format: RgbFormat,
    colorimetry: Colorimetry,
    out: &mut [u8],
    stride: usize,
) {
    let bytes = format.bytes_per_pixel();
    for row in 0..planes.height {
        for column in 0..planes.width {
            let (y, u, v) = planes.sample(column, row);
            let [r, g, b] = pixel(y, u, v, planes.bits, colorimetry);
            let at = row * stride + column * bytes;
            let target = &mut out[at..at + bytes];
            match format {
                RgbFormat::Rgba => target.copy_from_slice(&[r, g, b, 255]),
                RgbFormat::Bgra => target.copy_from_slice(&[b, g, r, 255]),
                RgbFormat::Rgb24 => target.copy_from_slice(&[r, g, b]),
            }
        }
    }
}
