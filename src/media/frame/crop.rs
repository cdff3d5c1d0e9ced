//! Cropping a picture in place: what a decoder applies for the codec's own cropping, and what
//! 7.1's CLI applies for a container's (`SideDataValue::FrameCropping`).

use std::ffi::c_int;

use super::Frame;
use crate::ffmpeg::error::{Error, Result, check};

/// `AV_FRAME_CROP_UNALIGNED`: crop exactly, not less on the left to keep the planes aligned.
const CROP_UNALIGNED: c_int = 1;

impl Frame {
    /// Crops the picture in place, without copying: `top` and `bottom` rows and `left` and
    /// `right` columns go, the planes start later and the picture shrinks, to the pixel
    /// (`av_frame_apply_cropping`; a subsampled plane starts at the first chroma sample the
    /// kept pixels use). The frame keeps its buffers, which it may share: cropping moves no
    /// byte. A container's cropping ([`SideDataValue::FrameCropping`]) is applied so.
    ///
    /// [`SideDataValue::FrameCropping`]: crate::format::SideDataValue::FrameCropping
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`] for an audio frame or a frame with no picture;
    /// [`Error::OutOfRange`] where the crop leaves no row or column;
    /// [`Error::Unsupported`] for `top` or `left` on a format whose planes cannot start later
    /// (1-bit and 4-bit packed formats, hardware pictures). Nothing changes on an error.
    pub fn crop(&mut self, top: u32, bottom: u32, left: u32, right: u32) -> Result<()> {
        const OPERATION: &str = "Frame::crop";
        let (width, height) = (self.width(), self.height());
        if width == 0 || height == 0 || self.spans().next().is_none() {
            return Err(Error::Incompatible {
                operation: OPERATION,
                detail: "a picture to crop".into(),
            });
        }
        let keeps = |size: u32, a: u32, b: u32| a.checked_add(b).is_some_and(|cut| cut < size);
        if !keeps(width, left, right) {
            return Err(Error::out_of_range(
                "columns cropped",
                u64::from(left) + u64::from(right),
            ));
        }
        if !keeps(height, top, bottom) {
            return Err(Error::out_of_range(
                "rows cropped",
                u64::from(top) + u64::from(bottom),
            ));
        }
        // Formats whose planes FFmpeg cannot start later: it crops their bottom and right.
        let fixed_planes = self
            .pixel_format()
            .is_some_and(|format| format.is_bitstream() || format.is_hardware());
        if fixed_planes && (top > 0 || left > 0) {
            return Err(Error::unsupported(
                OPERATION,
                "FFmpeg crops this format's bottom and right only",
            ));
        }
        let f = self.ffmpeg.functions();
        let layout = &self.ffmpeg.layout().frame;
        // Not `as_mut_ptr`, which would borrow all of `self` while `f` and `layout` do.
        let frame = self.frame.as_ptr();
        // SAFETY: a live frame of the layout's family, this one's alone (`&mut self`): four
        // fields written at their proven offsets; av_frame_apply_cropping, given a crop that
        // leaves pixels (checked above, as it checks again), moves each data pointer to the
        // first kept pixel of its plane, inside the rows the picture already had, and sets
        // the smaller size and the crop fields back to zero.
        let status = unsafe {
            for (field, value) in [
                (layout.crop_top, top),
                (layout.crop_bottom, bottom),
                (layout.crop_left, left),
                (layout.crop_right, right),
            ] {
                field.write(frame, value as usize);
            }
            (f.av_frame_apply_cropping)(frame, CROP_UNALIGNED)
        };
        check(&self.ffmpeg, OPERATION, status).map(drop)
    }
}
