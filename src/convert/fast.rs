//! The fast path: `yuvutils-rs`, whose SIMD code is chosen at run time.

use yuvutils_rs::{
    YuvBiPlanarImage, YuvConversionMode, YuvPlanarImage, YuvRange, YuvStandardMatrix,
};

use super::{Chroma, Colorimetry, Matrix, Range, RgbFormat, Samples, YuvPlanes};
use crate::media_error::{Error, Result};

fn range(range: Range) -> YuvRange {
    match range {
        Range::Limited => YuvRange::Limited,
        Range::Full => YuvRange::Full,
    }
}

fn matrix(matrix: Matrix) -> YuvStandardMatrix {
    match matrix {
        Matrix::Bt601 => YuvStandardMatrix::Bt601,
        Matrix::Bt709 => YuvStandardMatrix::Bt709,
    }
}

fn failed(error: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("RGB conversion: {error}"))
}

/// Converts into `out`, rows `stride` bytes apart.
pub(super) fn convert(
    planes: &YuvPlanes<'_>,
    format: RgbFormat,
    colorimetry: Colorimetry,
    out: &mut [u8],
    stride: usize,
) -> Result<()> {
    let (width, height) = (planes.width as u32, planes.height as u32);
    // yuvutils-rs 0.8.3 refuses some odd sizes whose planes are right; those (rare in
    // video) take the exact path.
    // It also takes interleaved chroma only without row padding.
    let padded_chroma = matches!(planes.chroma, Chroma::Interleaved(Samples::Bytes(_, stride)) if stride != planes.width);
    if width % 2 == 1 || height % 2 == 1 || padded_chroma {
        super::reference::convert(planes, format, colorimetry, out, stride);
        return Ok(());
    }
    let (r, m, s) = (
        range(colorimetry.range),
        matrix(colorimetry.matrix),
        stride as u32,
    );
    let mode = YuvConversionMode::Balanced;
    use RgbFormat::{Bgra, Rgb24, Rgba};
    match (&planes.luma, &planes.chroma) {
        (Samples::Bytes(y, ys), Chroma::Planar(Samples::Bytes(u, us), Samples::Bytes(v, vs))) => {
            let image = YuvPlanarImage {
                y_plane: y,
                y_stride: *ys as u32,
                u_plane: u,
                u_stride: *us as u32,
                v_plane: v,
                v_stride: *vs as u32,
                width,
                height,
            };
            match format {
                Rgba => yuvutils_rs::yuv420_to_rgba(&image, out, s, r, m),
                Bgra => yuvutils_rs::yuv420_to_bgra(&image, out, s, r, m),
                Rgb24 => yuvutils_rs::yuv420_to_rgb(&image, out, s, r, m),
            }
        }
        (Samples::Bytes(y, ys), Chroma::Interleaved(Samples::Bytes(uv, uvs))) => {
            let image = YuvBiPlanarImage {
                y_plane: y,
                y_stride: *ys as u32,
                uv_plane: uv,
                uv_stride: *uvs as u32,
                width,
                height,
            };
            match format {
                Rgba => yuvutils_rs::yuv_nv12_to_rgba(&image, out, s, r, m, mode),
                Bgra => yuvutils_rs::yuv_nv12_to_bgra(&image, out, s, r, m, mode),
                Rgb24 => yuvutils_rs::yuv_nv12_to_rgb(&image, out, s, r, m, mode),
            }
        }
        // yuvutils-rs 0.8.3's 10-bit kernels wrap instead of clamping on out-of-range
        // samples (a green of 255 came out as 69): 10-bit goes through the exact path.
        (Samples::Words(..), _) => {
            super::reference::convert(planes, format, colorimetry, out, stride);
            return Ok(());
        }
        _ => return Err(failed("mixed sample sizes")),
    }
    .map_err(failed)
}
