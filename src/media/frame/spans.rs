//! Where a frame's planes lie in its buffers, as FFmpeg lays pictures and audio out.

use std::ffi::c_int;
use std::ptr::NonNull;

use super::Frame;
use super::plane::Span;

/// Pixel formats have at most four planes.
const MAX_PLANES: usize = 4;

/// A picture's planes, and its palette for paletted formats.
struct Picture {
    planes: [Option<Span>; MAX_PLANES],
    palette: Option<(NonNull<u8>, usize)>,
}

/// Rows per plane of a pixel format at a height, and the palette's size where it has one.
struct PlaneRows {
    rows: [usize; MAX_PLANES],
    palette: usize,
}

impl Frame {
    /// Where each plane's pixels (or samples) are.
    pub(super) fn spans(&self) -> impl Iterator<Item = Span> + use<'_> {
        let video = self.width() > 0;
        let pictures = video.then(|| self.picture()).flatten();
        let pictures = pictures.into_iter().flat_map(|p| p.planes).flatten();
        let audio = (!video).then(|| self.audio_spans()).into_iter().flatten();
        pictures.chain(audio)
    }

    /// Zeroes the buffers FFmpeg has just allocated, which it leaves uninitialised: every row
    /// with its padding, and the palette, so that whatever reads them (encoders, swscale, the
    /// planes) reads defined bytes.
    pub(super) fn zero_new_buffers(&mut self) {
        if self.width() > 0 {
            let Some(picture) = self.picture() else {
                return;
            };
            for span in picture.planes.into_iter().flatten() {
                let len = match span.stride {
                    stride if stride > 0 => span.rows * stride.unsigned_abs(),
                    // Rows going up in memory, which av_frame_get_buffer never lays: the
                    // span from the lowest row's start to the highest row's end.
                    stride => (span.rows - 1) * stride.unsigned_abs() + span.row_len,
                };
                // SAFETY: av_frame_get_buffer gave each plane `rows × stride` bytes of the
                // frame's own, unshared buffer; `len` stays inside its rows.
                unsafe { std::ptr::write_bytes(span.lowest_row(), 0, len) }
            }
            if let Some((palette, size)) = picture.palette {
                // SAFETY: av_frame_get_buffer gave paletted formats a palette of this size.
                unsafe { std::ptr::write_bytes(palette.as_ptr(), 0, size) }
            }
            return;
        }
        // Each audio plane is one buffer of `linesize[0]` bytes (av_frame_get_buffer).
        let allocated = self.read(self.ffmpeg.layout().frame.linesize)[0].max(0) as usize;
        for span in self.audio_spans() {
            let size = allocated.max(span.row_len);
            // SAFETY: the plane's own, unshared buffer of at least `size` bytes.
            unsafe { std::ptr::write_bytes(span.start.as_ptr(), 0, size) }
        }
    }

    /// A picture's planes: rows of the plane's pixel bytes, `linesize` apart. `None` when the
    /// format is unknown or a hardware format, or the frame lacks a plane its format has.
    fn picture(&self) -> Option<Picture> {
        let f = self.ffmpeg.functions();
        let (format, width) = (self.format(), self.width());
        let mut row_lens = [0 as c_int; MAX_PLANES];
        // SAFETY: writes four linesizes: the bytes of one row of pixels in each plane.
        let status =
            unsafe { (f.av_image_fill_linesizes)(row_lens.as_mut_ptr(), format, width as c_int) };
        if status < 0 {
            return None;
        }
        // A format with one plane of pixels may have a palette instead of a second plane.
        let rows = self.plane_rows(row_lens[1] == 0)?;
        let layout = &self.ffmpeg.layout().frame;
        let (data, linesize) = (self.read(layout.data), self.read(layout.linesize));
        let mut planes = [None; MAX_PLANES];
        for (index, plane) in planes.iter_mut().enumerate() {
            let row_len = usize::try_from(row_lens[index]).ok().filter(|&l| l > 0);
            let Some(row_len) = row_len else {
                break;
            };
            // Negative where rows go up in memory (`vflip`'s pictures).
            let stride = isize::try_from(linesize[index]).ok()?;
            if stride.unsigned_abs() < row_len || rows.rows[index] == 0 {
                return None;
            }
            *plane = Some(Span {
                start: NonNull::new(data[index])?,
                row_len,
                rows: rows.rows[index],
                stride,
            });
        }
        let palette = (rows.palette > 0)
            .then(|| NonNull::new(data[1]))
            .flatten()
            .map(|palette| (palette, rows.palette));
        Some(Picture { planes, palette })
    }

    /// Rows per plane of this frame's format and height, as `av_image_fill_pointers` counts
    /// them: with every linesize 1, each plane's size is its row count. `one_plane`: the
    /// format has one plane of pixels.
    fn plane_rows(&self, one_plane: bool) -> Option<PlaneRows> {
        let f = self.ffmpeg.functions();
        let height = c_int::try_from(self.height()).ok().filter(|&h| h > 0)?;
        let ones = [1 as c_int; MAX_PLANES];
        let mut offsets = [std::ptr::null_mut::<u8>(); MAX_PLANES];
        // A nominal base: av_image_fill_pointers only adds plane sizes to it.
        let base = std::ptr::without_provenance_mut::<u8>(4096);
        // SAFETY: computes offsets from the format and linesizes; nothing is dereferenced.
        let total = unsafe {
            (f.av_image_fill_pointers)(
                offsets.as_mut_ptr(),
                self.format(),
                height,
                base,
                ones.as_ptr(),
            )
        };
        let total = usize::try_from(total).ok()?;
        let start = |i: usize| offsets[i].addr().saturating_sub(base.addr());
        let count = offsets.iter().take_while(|p| !p.is_null()).count();
        let mut rows = [0; MAX_PLANES];
        for (i, plane_rows) in rows.iter_mut().enumerate().take(count) {
            let end = if i + 1 < count { start(i + 1) } else { total };
            *plane_rows = end.saturating_sub(start(i));
        }
        // Paletted formats (and 4.x's pseudo-paletted ones) end with a 1024-byte palette at
        // data[1], which the offsets count as a second "plane" of that size.
        let palette = if count == 2 && one_plane {
            std::mem::take(&mut rows[1])
        } else {
            0
        };
        Some(PlaneRows { rows, palette })
    }

    /// Audio's planes: one row of samples × sample size, times channels when interleaved.
    fn audio_spans(&self) -> impl Iterator<Item = Span> + use<'_> {
        let f = self.ffmpeg.functions();
        let (samples, channels) = (self.samples(), self.channels().unwrap_or(0) as usize);
        let extended = self.read(self.ffmpeg.layout().frame.extended_data);
        // SAFETY: lookups of the sample format in FFmpeg's static tables.
        let (bytes, planar) = unsafe {
            (
                (f.av_get_bytes_per_sample)(self.format()),
                (f.av_sample_fmt_is_planar)(self.format()) != 0,
            )
        };
        let bytes = usize::try_from(bytes).unwrap_or(0);
        let per_plane = if planar { Some(1) } else { Some(channels) };
        let row_len = per_plane
            .and_then(|c| samples.checked_mul(bytes)?.checked_mul(c))
            .unwrap_or(0);
        let count = match (row_len == 0 || extended.is_null(), planar) {
            (true, _) => 0,
            (false, true) => channels,
            (false, false) => 1,
        };
        // SAFETY: `extended_data` has one pointer per plane.
        let pointer = move |plane: usize| unsafe { *extended.add(plane) };
        // A plane without data means no planes at all, rather than some.
        let complete = (0..count).all(|plane| !pointer(plane).is_null());
        (0..if complete { count } else { 0 }).filter_map(move |plane| {
            Some(Span {
                start: NonNull::new(pointer(plane))?,
                row_len,
                rows: 1,
                stride: row_len as isize,
            })
        })
    }
}
