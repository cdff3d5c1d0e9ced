//! Pictures for the `image` and `ndarray` crates (features `image` and `ndarray`): views
//! without a copy where the frame's memory allows, copies where it does not.

use super::Frame;
use crate::ffmpeg::error::{Error, Result};

/// Bytes per pixel of the packed 8-bit formats the views take.
fn packed_channels(format: &str) -> Option<usize> {
    match format {
        "gray" => Some(1),
        "ya8" => Some(2),
        "rgb24" | "bgr24" => Some(3),
        "rgba" | "bgra" | "argb" | "abgr" | "rgb0" | "bgr0" | "0rgb" | "0bgr" => Some(4),
        _ => None,
    }
}

impl Frame {
    /// The packed picture's first plane and its bytes per pixel, or why it is not one.
    fn packed_plane(&self, operation: &'static str) -> Result<(super::Plane<'_>, usize)> {
        let format = self.pixel_format().map(|f| f.name().to_owned());
        let channels = format.as_deref().and_then(packed_channels);
        let (Some(channels), Some(plane)) = (channels, self.plane(0)) else {
            return Err(Error::unsupported(
                operation,
                format!(
                    "{} is not a packed 8-bit picture (gray, rgb24, rgba…): convert it with a \
                     Scaler or RgbPool first",
                    format.as_deref().unwrap_or("an audio or empty frame")
                ),
            ));
        };
        Ok((plane, channels))
    }
}

#[cfg(feature = "ndarray")]
mod ndarray_views {
    use ndarray::{ArrayView2, ArrayView3, Axis, ShapeBuilder};

    use super::super::{Frame, Plane};
    use crate::ffmpeg::error::Result;

    impl<'a> Plane<'a> {
        /// The plane as rows × bytes, without a copy: the padding between rows is stepped
        /// over, never viewed.
        pub fn as_ndarray(&self) -> ArrayView2<'a, u8> {
            let span = self.span();
            let stride = span.stride.unsigned_abs();
            let shape = (span.rows, span.row_len).strides((stride, 1));
            // ndarray takes non-negative strides: rows going up in memory are viewed from
            // the lowest, then turned back to top-to-bottom order.
            // SAFETY: every element indexed (row < rows, column < row_len) lies in a row of
            // the span, initialised and unwritten for 'a (`Plane::new`), counted from the
            // row lowest in memory; rows do not overlap (row_len ≤ |stride|).
            let mut view =
                unsafe { ArrayView2::from_shape_ptr(shape, span.lowest_row().cast_const()) };
            if span.stride < 0 {
                view.invert_axis(Axis(0));
            }
            view
        }
    }

    impl Frame {
        /// A packed 8-bit picture (`gray`, `rgb24`, `bgr24`, `rgba`…) as height × width ×
        /// channels, without a copy (rows keep their stride).
        ///
        /// # Errors
        ///
        /// [`Error::Unsupported`](crate::Error::Unsupported) for audio, planar or deeper
        /// formats (convert with a [`Scaler`](crate::Scaler) or
        /// [`RgbPool`](crate::convert::RgbPool) first).
        pub fn as_ndarray(&self) -> Result<ArrayView3<'_, u8>> {
            let (plane, channels) = self.packed_plane("Frame::as_ndarray")?;
            let rows = plane.as_ndarray();
            let width = plane.row_len() / channels;
            let (height, stride) = (plane.row_count(), plane.stride());
            let shape = (height, width, channels).strides((stride.unsigned_abs(), channels, 1));
            // Built from the row lowest in memory, as `Plane::as_ndarray`.
            let lowest = match stride {
                stride if stride < 0 => rows.row(height - 1).as_ptr(),
                _ => rows.as_ptr(),
            };
            // SAFETY: the same bytes as `rows`, each row split into `width` pixels of
            // `channels` bytes, within the row (width × channels ≤ row_len).
            let mut view = unsafe { ArrayView3::from_shape_ptr(shape, lowest) };
            if stride < 0 {
                view.invert_axis(Axis(0));
            }
            Ok(view)
        }
    }
}

#[cfg(feature = "image")]
mod image_buffers {
    use image::{DynamicImage, ImageBuffer, Rgb};

    use super::super::Frame;
    use crate::ffmpeg::error::{Error, Result};

    impl Frame {
        /// An `rgb24` picture as an `image` buffer over the frame's own bytes, without a
        /// copy.
        ///
        /// # Errors
        ///
        /// [`Error::Unsupported`] for another format; [`Error::Incompatible`] when the rows
        /// have padding between them (use [`Frame::to_image`], which copies).
        pub fn as_rgb_image(&self) -> Result<ImageBuffer<Rgb<u8>, &[u8]>> {
            let (plane, _) = self.packed_plane("Frame::as_rgb_image")?;
            if self.pixel_format().is_none_or(|f| f.name() != "rgb24") {
                return Err(Error::unsupported(
                    "Frame::as_rgb_image",
                    "the picture is not rgb24",
                ));
            }
            let bytes = plane.contiguous().ok_or_else(|| {
                Error::incompatible(
                    "Frame::as_rgb_image",
                    "its rows are padded; Frame::to_image copies them",
                )
            })?;
            ImageBuffer::from_raw(self.width(), self.height(), bytes).ok_or_else(|| {
                Error::incompatible("Frame::as_rgb_image", "fewer bytes than the picture")
            })
        }

        /// The picture as an `image` value, its rows copied: `gray` as Luma8, `ya8` as
        /// LumaA8, `rgb24` as Rgb8, `rgba` as Rgba8.
        ///
        /// # Errors
        ///
        /// [`Error::Unsupported`] for other formats (convert with a
        /// [`Scaler`](crate::Scaler) first).
        pub fn to_image(&self) -> Result<DynamicImage> {
            let (plane, channels) = self.packed_plane("Frame::to_image")?;
            let name = self.pixel_format().map(|f| f.name().to_owned());
            // The image type first, so that no other format is copied for nothing.
            let wrap: fn(u32, u32, Vec<u8>) -> Option<DynamicImage> = match name.as_deref() {
                Some("gray") => {
                    |w, h, b| ImageBuffer::from_raw(w, h, b).map(DynamicImage::ImageLuma8)
                }
                Some("ya8") => {
                    |w, h, b| ImageBuffer::from_raw(w, h, b).map(DynamicImage::ImageLumaA8)
                }
                Some("rgb24") => {
                    |w, h, b| ImageBuffer::from_raw(w, h, b).map(DynamicImage::ImageRgb8)
                }
                Some("rgba") => {
                    |w, h, b| ImageBuffer::from_raw(w, h, b).map(DynamicImage::ImageRgba8)
                }
                other => {
                    return Err(Error::unsupported(
                        "Frame::to_image",
                        format!(
                            "{} has no image type: convert to rgb24, rgba or gray first",
                            other.unwrap_or("?")
                        ),
                    ));
                }
            };
            let mut bytes = Vec::with_capacity(plane.row_len() * plane.row_count());
            for row in plane.rows() {
                bytes.extend_from_slice(row);
            }
            let width = (plane.row_len() / channels) as u32;
            wrap(width, plane.row_count() as u32, bytes).ok_or_else(|| {
                Error::incompatible("Frame::to_image", "fewer bytes than the picture")
            })
        }
    }
}
