//! [`Frame`]: decoded pictures and audio, reference counted, with zero-copy plane views.

use std::ffi::{c_int, c_void};
use std::ptr::NonNull;

use crate::abi::Field;
use crate::abi::constants::NOPTS_VALUE;
use crate::abi::constants::PICTURE_TYPES;
use crate::color::Color;
use crate::ffmpeg::Ffmpeg;
use crate::media_error::{Result, check};
use crate::packet::out_of_memory;

/// The kind of a decoded picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PictureType {
    /// Intra.
    I,
    /// Predicted.
    P,
    /// Bi-directionally predicted.
    B,
    /// S(GMC)-VOP MPEG-4.
    S,
    /// Switching intra.
    SI,
    /// Switching predicted.
    SP,
    /// BI type.
    BI,
    /// Unknown or audio.
    None,
}

/// The kinds in the order of `abi::constants::PICTURE_TYPES`, which holds their values.
const PICTURE_KINDS: [PictureType; 8] = [
    PictureType::None,
    PictureType::I,
    PictureType::P,
    PictureType::B,
    PictureType::S,
    PictureType::SI,
    PictureType::SP,
    PictureType::BI,
];

/// One plane of a picture: its bytes (every row, `stride` apart) and the stride.
#[derive(Debug, Clone, Copy)]
pub struct Plane<'a> {
    /// The plane's bytes, `rows × stride` long (the last row may be padded).
    pub data: &'a [u8],
    /// Bytes from one row to the next.
    pub stride: usize,
}

/// One plane of a picture, writable.
#[derive(Debug)]
pub struct PlaneMut<'a> {
    /// The plane's bytes, `rows × stride` long.
    pub data: &'a mut [u8],
    /// Bytes from one row to the next.
    pub stride: usize,
}

/// One plane's bytes in the frame's buffers: FFmpeg sized the buffers from the same
/// linesizes or sample counts, so `size` bytes from `start` are the frame's.
struct Span {
    start: *const u8,
    stride: usize,
    size: usize,
}

fn dimension(value: u32) -> Result<c_int> {
    c_int::try_from(value)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| crate::Error::InvalidArgument(format!("{value} is out of range")))
}

/// A decoded video picture or audio chunk (`AVFrame`). Reusable: receiving into an existing
/// frame allocates nothing in the steady state.
pub struct Frame {
    ffmpeg: Ffmpeg,
    frame: NonNull<c_void>,
}

// SAFETY: an AVFrame is plain data plus references to atomically counted buffers; any one
// thread may own and use it, as FFmpeg's own frame threading does. Not `Sync`.
unsafe impl Send for Frame {}

impl Frame {
    /// An empty frame.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate it.
    pub fn new(ffmpeg: &Ffmpeg) -> Result<Frame> {
        // SAFETY: allocates an empty frame or returns NULL.
        let frame = unsafe { (ffmpeg.functions().av_frame_alloc)() };
        let frame = NonNull::new(frame).ok_or_else(|| out_of_memory(ffmpeg, "av_frame_alloc"))?;
        Ok(Frame {
            ffmpeg: ffmpeg.clone(),
            frame,
        })
    }

    /// A picture with its own buffers, for encoding: `pixel_format` by FFmpeg's name
    /// (`yuv420p`, `yuv420p10le`, `rgb24`, …).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an unknown format or a
    /// size FFmpeg refuses.
    pub fn video(ffmpeg: &Ffmpeg, width: u32, height: u32, pixel_format: &str) -> Result<Frame> {
        let format = crate::codec::pixel_format(ffmpeg, pixel_format)?;
        let mut frame = Frame::new(ffmpeg)?;
        let layout = &ffmpeg.layout().frame;
        let (width, height) = (dimension(width)?, dimension(height)?);
        // SAFETY: a fresh frame; the fields are set at proven offsets, then FFmpeg allocates.
        unsafe {
            layout.width.write(frame.as_mut_ptr(), width);
            layout.height.write(frame.as_mut_ptr(), height);
            layout.format.write(frame.as_mut_ptr(), format);
            let status = (ffmpeg.functions().av_frame_get_buffer)(frame.as_mut_ptr(), 0);
            check(ffmpeg, "av_frame_get_buffer", status)?;
        }
        frame.zero_new_buffers();
        Ok(frame)
    }

    /// An audio chunk with its own buffers, for encoding: `sample_format` by FFmpeg's name
    /// (`s16`, `fltp`, …), the default layout for `channels`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an unknown format or
    /// counts FFmpeg refuses.
    pub fn audio(
        ffmpeg: &Ffmpeg,
        samples: usize,
        sample_format: &str,
        sample_rate: u32,
        channels: u32,
    ) -> Result<Frame> {
        let format = crate::codec::sample_format(ffmpeg, sample_format)?;
        let mut frame = Frame::new(ffmpeg)?;
        frame.allocate_audio(samples, format, sample_rate, channels)?;
        frame.zero_new_buffers();
        Ok(frame)
    }

    /// Replaces whatever the frame held by new buffers for `samples` of audio (the sample
    /// format by its number in this release). FFmpeg leaves them uninitialised: the caller
    /// fills them (as [`crate::AudioFifo::pop`] does) or zeroes them.
    pub(crate) fn allocate_audio(
        &mut self,
        samples: usize,
        format: c_int,
        sample_rate: u32,
        channels: u32,
    ) -> Result<()> {
        self.clear();
        let ffmpeg = self.ffmpeg.clone();
        let layout = &ffmpeg.layout().frame;
        let samples = c_int::try_from(samples)
            .map_err(|_| crate::Error::InvalidArgument("samples".into()))?;
        // SAFETY: an empty frame; the fields are set at proven offsets, then FFmpeg allocates.
        unsafe {
            layout.nb_samples.write(self.as_mut_ptr(), samples);
            layout.format.write(self.as_mut_ptr(), format);
            layout
                .sample_rate
                .write(self.as_mut_ptr(), dimension(sample_rate)?);
            crate::codec::set_channels(
                &ffmpeg,
                self.as_mut_ptr(),
                layout.channel_fields(),
                channels,
            )?;
            let status = (ffmpeg.functions().av_frame_get_buffer)(self.as_mut_ptr(), 0);
            check(&ffmpeg, "av_frame_get_buffer", status).map(drop)
        }
    }

    /// Becomes a reference to `source` (its buffers shared, not copied) with the default
    /// layout for its channel count, for audio whose input did not say.
    pub(crate) fn reference_with_default_layout(&mut self, source: &Frame) -> Result<()> {
        let channels = source.channels().unwrap_or(0);
        self.clear();
        // SAFETY: references the live frame's buffers and copies its properties.
        let status =
            unsafe { (self.ffmpeg.functions().av_frame_ref)(self.as_mut_ptr(), source.as_ptr()) };
        check(&self.ffmpeg, "av_frame_ref", status)?;
        let fields = self.ffmpeg.layout().frame.channel_fields();
        let ffmpeg = self.ffmpeg.clone();
        // SAFETY: an unspecified layout owns no memory, so it may be overwritten.
        unsafe { crate::codec::set_channels(&ffmpeg, self.as_mut_ptr(), fields, channels) }
    }

    /// The pointer to each plane's data (`extended_data`), for FFmpeg calls that fill or
    /// read a whole audio frame.
    pub(crate) fn extended_data(&self) -> *mut *mut u8 {
        self.read(self.ffmpeg.layout().frame.extended_data)
    }

    /// Makes the frame's buffers writable (copying them if an encoder still holds them), as
    /// needed before refilling a frame that was sent to an encoder.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate the copy.
    pub fn make_writable(&mut self) -> Result<()> {
        // SAFETY: a live frame.
        let status = unsafe { (self.ffmpeg.functions().av_frame_make_writable)(self.as_mut_ptr()) };
        check(&self.ffmpeg, "av_frame_make_writable", status).map(drop)
    }

    /// The planes, writable; see [`Frame::planes`]. Call [`Frame::make_writable`] first for a
    /// frame that may share its buffers.
    pub fn planes_mut(&mut self) -> Vec<PlaneMut<'_>> {
        let planes = self.planes();
        planes
            .into_iter()
            .map(|plane| PlaneMut {
                // SAFETY: the frame owns these buffers, and `&mut self` makes this the only
                // view of them for the borrow.
                data: unsafe {
                    std::slice::from_raw_parts_mut(plane.data.as_ptr() as *mut u8, plane.data.len())
                },
                stride: plane.stride,
            })
            .collect()
    }

    /// Sets the presentation timestamp (in the time base of the encoder it goes to).
    pub fn set_pts(&mut self, pts: Option<i64>) {
        // SAFETY: a live frame; writes one field at its proven offset.
        unsafe {
            self.ffmpeg
                .layout()
                .frame
                .pts
                .write(self.as_mut_ptr(), pts.unwrap_or(NOPTS_VALUE))
        }
    }

    pub(crate) fn as_ptr(&self) -> *const c_void {
        self.frame.as_ptr()
    }

    pub(crate) fn as_mut_ptr(&mut self) -> *mut c_void {
        self.frame.as_ptr()
    }

    /// Drops the picture or samples, keeping the frame for reuse.
    pub fn clear(&mut self) {
        // SAFETY: a live frame; unref leaves it empty and valid.
        unsafe { (self.ffmpeg.functions().av_frame_unref)(self.as_mut_ptr()) }
    }

    fn read<T: Copy>(&self, field: Field<T>) -> T {
        // SAFETY: a live AVFrame of the family whose layout `field` comes from.
        unsafe { field.read(self.as_ptr()) }
    }

    /// Width in pixels (0 for audio).
    pub fn width(&self) -> u32 {
        self.read(self.ffmpeg.layout().frame.width).max(0) as u32
    }

    /// Height in pixels (0 for audio).
    pub fn height(&self) -> u32 {
        self.read(self.ffmpeg.layout().frame.height).max(0) as u32
    }

    /// FFmpeg's pixel or sample format number in the loaded release (-1 when unset). Numbers
    /// differ between releases; compare names ([`Frame::format_name`]).
    pub fn format(&self) -> i32 {
        self.read(self.ffmpeg.layout().frame.format)
    }

    /// The pixel format's name for pictures (`yuv420p`), the sample format's for audio (`fltp`).
    pub fn format_name(&self) -> Option<String> {
        self.format_name_in_library().map(str::to_owned)
    }

    /// [`Frame::format_name`], borrowed from the library's static table (no allocation).
    pub(crate) fn format_name_in_library(&self) -> Option<&str> {
        crate::codec::format_name_in(&self.ffmpeg, self.width() > 0, self.format())
    }

    /// Presentation timestamp, in the time base of the stream it came from.
    pub fn pts(&self) -> Option<i64> {
        Some(self.read(self.ffmpeg.layout().frame.pts)).filter(|&t| t != NOPTS_VALUE)
    }

    /// FFmpeg's best guess at the presentation timestamp (the CLI's choice).
    pub fn best_effort_timestamp(&self) -> Option<i64> {
        let timestamp = self.read(self.ffmpeg.layout().frame.best_effort_timestamp);
        Some(timestamp).filter(|&t| t != NOPTS_VALUE)
    }

    /// Duration in the stream's time base, when known.
    pub fn duration(&self) -> Option<i64> {
        let field = self.ffmpeg.layout().frame.duration?;
        Some(self.read(field)).filter(|&d| d > 0)
    }

    /// The picture type the decoder reported.
    pub fn picture_type(&self) -> PictureType {
        let raw = self.read(self.ffmpeg.layout().frame.pict_type);
        let index = PICTURE_TYPES.iter().position(|(value, _)| *value == raw);
        index.map_or(PictureType::None, |i| PICTURE_KINDS[i])
    }

    /// Sets the picture type an encoder should give this frame: [`PictureType::I`] forces a
    /// keyframe, [`PictureType::None`] leaves the choice to the encoder. Decoded frames carry
    /// the type they had; clear it before encoding them, or the encoder copies the source's
    /// structure (as the ffmpeg CLI knows to avoid).
    pub fn set_picture_type(&mut self, kind: PictureType) {
        let index = PICTURE_KINDS.iter().position(|k| *k == kind).unwrap_or(0);
        let raw = PICTURE_TYPES[index].0;
        // SAFETY: a live frame; writes one field at its proven offset.
        unsafe {
            self.ffmpeg
                .layout()
                .frame
                .pict_type
                .write(self.as_mut_ptr(), raw)
        }
    }

    /// The picture's colour description, by FFmpeg's names (`tv`/`pc` range, `bt709` matrix,
    /// primaries and transfer); `None` where unspecified.
    pub fn color(&self) -> Color {
        let fields = self.ffmpeg.layout().frame.color_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { crate::color::read(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// FFmpeg's names of the matrix and range, without allocating (for per-frame paths).
    pub(crate) fn matrix_and_range_names(&self) -> (Option<&str>, Option<&str>) {
        let fields = self.ffmpeg.layout().frame.color_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { crate::color::matrix_and_range_names(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// Whether it is a keyframe.
    pub fn is_key(&self) -> bool {
        // SAFETY: a live frame of the layout's family.
        unsafe { self.ffmpeg.layout().frame.is_key(self.as_ptr()) }
    }

    /// Whether the picture is interlaced.
    pub fn is_interlaced(&self) -> bool {
        // SAFETY: as above.
        unsafe { self.ffmpeg.layout().frame.is_interlaced(self.as_ptr()) }
    }

    /// Audio samples per channel (0 for pictures).
    pub fn samples(&self) -> usize {
        self.read(self.ffmpeg.layout().frame.nb_samples).max(0) as usize
    }

    /// Audio sample rate (0 for pictures).
    pub fn sample_rate(&self) -> u32 {
        self.read(self.ffmpeg.layout().frame.sample_rate).max(0) as u32
    }

    /// Audio channel count, when known.
    pub fn channels(&self) -> Option<u32> {
        // SAFETY: a live frame of the layout's family.
        let count = unsafe {
            self.ffmpeg
                .layout()
                .frame
                .channel_fields()
                .count(self.as_ptr())
        }?;
        u32::try_from(count).ok().filter(|&c| c > 0)
    }

    /// The audio channel layout's description (`stereo`, `5.1(side)`); `None` for video.
    pub fn channel_layout(&self) -> Option<String> {
        let fields = self.ffmpeg.layout().frame.channel_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { crate::codec::channel_layout_name(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// The planes, without copying: a picture's (luma, chroma, …), or audio's (one per channel
    /// for planar sample formats, one interleaved otherwise). Empty for a frame without data.
    pub fn planes(&self) -> Vec<Plane<'_>> {
        self.plane_iter().collect()
    }

    /// [`Frame::planes`] without allocating, for per-frame paths.
    pub(crate) fn plane_iter(&self) -> impl Iterator<Item = Plane<'_>> {
        self.spans().map(|span| Plane {
            // SAFETY: the frame's buffers hold `size` initialised bytes from the span's
            // start (see `Span`), alive while `&self` is borrowed.
            data: unsafe { std::slice::from_raw_parts(span.start, span.size) },
            stride: span.stride,
        })
    }

    /// Zeroes the planes of buffers FFmpeg has just allocated, which it leaves uninitialised:
    /// reading them through [`Frame::planes`], or encoding or scaling them, is then defined.
    fn zero_new_buffers(&mut self) {
        for span in self.spans() {
            // SAFETY: the span lies within the frame's own, writable buffers (see `Span`).
            unsafe { std::ptr::write_bytes(span.start.cast_mut(), 0, span.size) }
        }
    }

    /// Where each plane's bytes are.
    fn spans(&self) -> impl Iterator<Item = Span> {
        let video = self.width() > 0;
        let pictures = video.then(|| self.picture_spans()).into_iter().flatten();
        let audio = (!video).then(|| self.audio_spans()).into_iter().flatten();
        pictures.chain(audio)
    }

    /// A picture's planes: rows × linesize, as FFmpeg lays it out.
    fn picture_spans(&self) -> impl Iterator<Item = Span> {
        let layout = &self.ffmpeg.layout().frame;
        let (data, linesize) = (self.read(layout.data), self.read(layout.linesize));
        let sizes = self
            .plane_sizes(&linesize, self.height() as usize)
            .unwrap_or_default();
        data.into_iter()
            .zip(linesize)
            .zip(sizes)
            .take_while(|((pointer, stride), size)| !pointer.is_null() && *stride > 0 && *size > 0)
            .map(|((pointer, stride), size)| Span {
                start: pointer.cast_const(),
                stride: stride as usize,
                size,
            })
    }

    /// Audio's planes: samples × sample size, times channels when interleaved.
    fn audio_spans(&self) -> impl Iterator<Item = Span> {
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
        let (count, size) = match (samples == 0 || extended.is_null(), planar) {
            (true, _) => (0, 0),
            (false, true) => (channels, samples * bytes),
            (false, false) => (1, samples * bytes * channels),
        };
        (0..count)
            .filter(move |_| size > 0)
            .map(move |channel| Span {
                // SAFETY: `extended_data` has one pointer per plane.
                start: unsafe { *extended.add(channel) }.cast_const(),
                stride: size,
                size,
            })
    }

    /// Byte sizes of each plane (rows × linesize), as FFmpeg lays a picture out.
    fn plane_sizes(&self, linesize: &[c_int; 8], height: usize) -> Option<[usize; 8]> {
        if self.width() == 0 || height == 0 {
            return None;
        }
        let f = self.ffmpeg.functions();
        let linesizes4 = [linesize[0], linesize[1], linesize[2], linesize[3]];
        let mut offsets = [std::ptr::null_mut::<u8>(); 4];
        // A nominal base: av_image_fill_pointers only adds plane sizes to it.
        let base = std::ptr::without_provenance_mut::<u8>(4096);
        // SAFETY: computes offsets from the format and linesizes; nothing is dereferenced.
        let total = unsafe {
            (f.av_image_fill_pointers)(
                offsets.as_mut_ptr(),
                self.format(),
                height as c_int,
                base,
                linesizes4.as_ptr(),
            )
        };
        let total = usize::try_from(total).ok()?;
        let mut sizes = [0usize; 8];
        let count = offsets.iter().take_while(|p| !p.is_null()).count();
        let start = |i: usize| offsets[i].addr() - base.addr();
        for (i, size) in sizes.iter_mut().enumerate().take(count) {
            let end = if i + 1 < count { start(i + 1) } else { total };
            *size = end.saturating_sub(start(i));
        }
        Some(sizes)
    }

    /// The picture packed with no row padding, as `av_image_copy_to_buffer` with alignment 1
    /// gives (what FFmpeg's `framemd5` hashes), into `out` (reused; resized as needed).
    ///
    /// # Errors
    ///
    /// For audio frames or a format FFmpeg cannot pack.
    pub fn copy_packed(&self, out: &mut Vec<u8>) -> Result<()> {
        let f = self.ffmpeg.functions();
        let (width, height, format) =
            (self.width() as c_int, self.height() as c_int, self.format());
        // SAFETY: computes a size from the description.
        let size = unsafe { (f.av_image_get_buffer_size)(format, width, height, 1) };
        let size = check(&self.ffmpeg, "av_image_get_buffer_size", size)? as usize;
        out.resize(size, 0);
        let layout = &self.ffmpeg.layout().frame;
        let data = self.read(layout.data);
        let linesize = self.read(layout.linesize);
        let planes: [*const u8; 4] = [data[0], data[1], data[2], data[3]];
        // SAFETY: `out` holds `size` bytes; the source planes are the frame's own.
        let written = unsafe {
            (f.av_image_copy_to_buffer)(
                out.as_mut_ptr(),
                size as c_int,
                planes.as_ptr(),
                linesize.as_ptr(),
                format,
                width,
                height,
                1,
            )
        };
        check(&self.ffmpeg, "av_image_copy_to_buffer", written).map(drop)
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        let mut frame = self.frame.as_ptr();
        // SAFETY: allocated by av_frame_alloc; freed once.
        unsafe { (self.ffmpeg.functions().av_frame_free)(&mut frame) }
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("width", &self.width())
            .field("height", &self.height())
            .field("format", &self.format_name())
            .field("pts", &self.pts())
            .field("picture_type", &self.picture_type())
            .finish()
    }
}
