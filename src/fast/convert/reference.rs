//! The exact conversion, in double precision, one pixel at a time: what the fast path is
//! measured against. Chroma is taken from the sample covering each pixel, or interpolated
//! with the same filters as the fast path's, in double precision.

use super::upsample::{self, ChromaUpsampling};
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
        let value = |sample: u16| f64::from(sample.min((1u16 << bits) - 1));
        self.pixel_of_values(value(y), value(u), value(v))
    }

    /// One pixel from sample values (interpolated chroma has fractions) to (R, G, B).
    fn pixel_of_values(&self, y: f64, u: f64, v: f64) -> [u8; 3] {
        let (y, u, v) = (
            (y - self.luma_offset) * self.y,
            u - self.chroma_offset,
            v - self.chroma_offset,
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
    (out, stride): (&mut [u8], usize),
    upsampling: ChromaUpsampling,
) {
    let bytes = format.bytes_per_pixel();
    let affine = Affine::new(planes.bits, colorimetry);
    let filters = (upsampling != ChromaUpsampling::Nearest).then(|| upsample::filters(planes));
    let max = (1u16 << planes.bits) - 1;
    // The largest value swscale's 15-bit intermediate holds, in samples.
    let cut = f64::from((1 << 15) - 1) / f64::from(1 << (15 - planes.bits));
    let (chroma_width, chroma_height) = (planes.width.div_ceil(2), planes.height.div_ceil(2));
    for row in 0..planes.height {
        for column in 0..planes.width {
            let (y, u, v) = planes.sample(column, row);
            let [r, g, b] = match &filters {
                None => affine.pixel(y, u, v, planes.bits),
                Some((horizontal, vertical)) => {
                    // Horizontally, cut as swscale's 15 bits cut it, then vertically.
                    let chroma = |plane: usize| {
                        vertical.exact_at(row, chroma_height, |y| {
                            let filtered = horizontal.exact_at(column, chroma_width, |x| {
                                let (u, v) = planes.chroma_at(x, y);
                                f64::from([u, v][plane].min(max))
                            });
                            filtered.min(cut)
                        })
                    };
                    let luma = f64::from(y.min(max));
                    affine.pixel_of_values(luma, chroma(0), chroma(1))
                }
            };
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
