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

/// The conversion as an affine map: output steps (of 255) per input step of Y, U and V,
/// after the offsets are taken away. `g_u` and `g_v` are negative.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Affine {
    pub luma_offset: f64,
    pub chroma_offset: f64,
    pub y: f64,
    pub r_v: f64,
    pub g_u: f64,
    pub g_v: f64,
    pub b_u: f64,
}

impl Affine {
    pub(crate) fn new(bits: u32, colorimetry: Colorimetry) -> Affine {
        let scale = f64::from(1u32 << (bits - 8));
        let (luma_offset, luma_span, chroma_span) = match colorimetry.range {
            Range::Limited => (16.0 * scale, 219.0 * scale, 224.0 * scale),
            Range::Full => {
                let max = f64::from((1u32 << bits) - 1);
                (0.0, max, max)
            }
        };
        let (kr, kb) = coefficients(colorimetry.matrix);
        let kg = 1.0 - kr - kb;
        let chroma = 255.0 / chroma_span;
        Affine {
            luma_offset,
            chroma_offset: 128.0 * scale,
            y: 255.0 / luma_span,
            r_v: 2.0 * (1.0 - kr) * chroma,
            g_u: -2.0 * kb * (1.0 - kb) / kg * chroma,
            g_v: -2.0 * kr * (1.0 - kr) / kg * chroma,
            b_u: 2.0 * (1.0 - kb) * chroma,
        }
    }

    /// One pixel to (R, G, B), rounded to nearest. Samples above the bit depth's largest
    /// value are taken as that value, as the fast path does.
    pub(crate) fn pixel(&self, y: u16, u: u16, v: u16, bits: u32) -> [u8; 3] {
        let max = (1u16 << bits) - 1;
        let level = |sample: u16, offset: f64| f64::from(sample.min(max)) - offset;
        let (y, u, v) = (
            level(y, self.luma_offset) * self.y,
            level(u, self.chroma_offset),
            level(v, self.chroma_offset),
        );
        let r = y + self.r_v * v;
        let g = y + self.g_u * u + self.g_v * v;
        let b = y + self.b_u * u;
        [r, g, b].map(|c| c.clamp(0.0, 255.0).round() as u8)
    }
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
    let affine = Affine::new(planes.bits, colorimetry);
    for row in 0..planes.height {
        for column in 0..planes.width {
            let (y, u, v) = planes.sample(column, row);
            let [r, g, b] = affine.pixel(y, u, v, planes.bits);
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
