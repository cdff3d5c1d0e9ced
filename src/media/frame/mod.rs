//! [`Frame`]: decoded pictures and audio, reference counted, with zero-copy plane views.

mod crop;
mod facts;
#[cfg(any(feature = "image", feature = "ndarray"))]
mod interop;
mod plane;
mod side_data;
mod spans;

use std::ffi::c_int;
use std::ptr::NonNull;

pub use plane::{Plane, PlaneMut, PlaneRows, PlaneRowsMut};
pub use side_data::FrameSideData;
pub(crate) use side_data::frame_entry_of;

use crate::abi::Field;
use crate::abi::constants::NOPTS_VALUE;
use crate::abi::constants::PICTURE_TYPES;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Result, check};
use crate::media::channel_layout::{ChannelLayout, ChannelLayoutArg};
use crate::media::color::{Color, Colorimetry};
use crate::media::formats::{FormatArg, PixelFormat, SampleFormat};
use crate::media::packet::out_of_memory;
use crate::sys::objects::AVFrame;

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

impl PictureType {
    /// FFmpeg's letter for the type (`av_get_picture_type_char`): `I`, `P`, `B`, `S`, `i`,
    /// `p`, `b`, and `?` for none.
    pub fn letter(self) -> char {
        match self {
            PictureType::I => 'I',
            PictureType::P => 'P',
            PictureType::B => 'B',
            PictureType::S => 'S',
            PictureType::SI => 'i',
            PictureType::SP => 'p',
            PictureType::BI => 'b',
            PictureType::None => '?',
        }
    }
}

fn dimension(what: &'static str, value: u32) -> Result<c_int> {
    c_int::try_from(value)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| crate::ffmpeg::Error::out_of_range(what, value))
}

/// A decoded video picture or audio chunk (`AVFrame`). Reusable: receiving into an existing
/// frame allocates nothing in the steady state.
pub struct Frame {
    ffmpeg: Ffmpeg,
    frame: NonNull<AVFrame>,
}

// SAFETY: an AVFrame is plain data plus references to atomically counted buffers, so any one
// thread may own and use it, as FFmpeg's own frame threading does. The buffers may be shared
// with holders on other threads (an encoder's frame threads read a frame sent to it), but
// this frame writes them only through `planes_mut`, which first makes them its alone, so it
// never writes what another thread reads. Not `Sync`.
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
    /// [`Error::UnknownName`](crate::Error::UnknownName) for an unknown format name,
    /// [`Error::Incompatible`](crate::Error::Incompatible) for a [`PixelFormat`] of another
    /// libavutil major, [`Error::OutOfRange`](crate::Error::OutOfRange) for a size FFmpeg
    /// refuses.
    pub fn video(
        ffmpeg: &Ffmpeg,
        width: u32,
        height: u32,
        pixel_format: impl FormatArg<PixelFormat>,
    ) -> Result<Frame> {
        let format = pixel_format.number_in(ffmpeg)?;
        let mut frame = Frame::new(ffmpeg)?;
        let layout = &ffmpeg.layout().frame;
        let (width, height) = (dimension("width", width)?, dimension("height", height)?);
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
    /// (`s16`, `fltp`, …) or resolved; `channel_layout` a [`ChannelLayout`], FFmpeg's name
    /// of one, or a count (its default layout).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`](crate::Error::UnknownName) for an unknown format name,
    /// [`Error::Incompatible`](crate::Error::Incompatible) for a [`SampleFormat`] of another
    /// libavutil major, [`Error::OutOfRange`](crate::Error::OutOfRange) for counts FFmpeg
    /// refuses.
    pub fn audio(
        ffmpeg: &Ffmpeg,
        samples: usize,
        sample_format: impl FormatArg<SampleFormat>,
        sample_rate: u32,
        channel_layout: impl ChannelLayoutArg,
    ) -> Result<Frame> {
        let format = sample_format.number_in(ffmpeg)?;
        let channel_layout = channel_layout.layout_in(ffmpeg)?;
        let mut frame = Frame::new(ffmpeg)?;
        frame.allocate_audio(samples, format, sample_rate, &channel_layout)?;
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
        channel_layout: &ChannelLayout,
    ) -> Result<()> {
        self.clear();
        let ffmpeg = self.ffmpeg.clone();
        let layout = &ffmpeg.layout().frame;
        let samples = c_int::try_from(samples)
            .map_err(|_| crate::ffmpeg::Error::out_of_range("samples", samples))?;
        // SAFETY: an empty frame; the fields are set at proven offsets, then FFmpeg allocates.
        unsafe {
            layout.nb_samples.write(self.as_mut_ptr(), samples);
            layout.format.write(self.as_mut_ptr(), format);
            layout
                .sample_rate
                .write(self.as_mut_ptr(), dimension("sample rate", sample_rate)?);
            crate::media::channel_layout::write(
                &ffmpeg,
                self.as_mut_ptr(),
                layout.channel_fields(),
                channel_layout,
            )?;
            let status = (ffmpeg.functions().av_frame_get_buffer)(self.as_mut_ptr(), 0);
            check(&ffmpeg, "av_frame_get_buffer", status).map(drop)
        }
    }

    /// Becomes a reference to `source` (its buffers shared, not copied) with the default
    /// layout for its channel count, for audio whose input did not say.
    pub(crate) fn reference_with_default_layout(&mut self, source: &Frame) -> Result<()> {
        self.ffmpeg
            .ensure_same(source.ffmpeg(), "Frame::reference", "frame")?;
        let channel_layout = self
            .ffmpeg
            .default_channel_layout(source.channels().unwrap_or(0))?;
        self.clear();
        // SAFETY: both frames are live and of the same loaded FFmpeg; this one references
        // the source's buffers (taking a reference, never writing them) and copies its
        // properties.
        let status =
            unsafe { (self.ffmpeg.functions().av_frame_ref)(self.as_mut_ptr(), source.as_ptr()) };
        check(&self.ffmpeg, "av_frame_ref", status)?;
        let fields = self.ffmpeg.layout().frame.channel_fields();
        let ffmpeg = self.ffmpeg.clone();
        // SAFETY: a live frame of the layout's family, used by no one else.
        unsafe {
            crate::media::channel_layout::write(&ffmpeg, self.as_mut_ptr(), fields, &channel_layout)
        }
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

    /// A new reference to the same buffers and properties: no pixel or sample is copied.
    /// Writing either frame's planes ([`Frame::planes_mut`]) copies its buffers first, so the
    /// other never sees the change. A frame without data clones to an empty frame.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate the frame (or copy buffers it does not count references to).
    pub fn try_clone(&self) -> Result<Frame> {
        let mut clone = Frame::new(&self.ffmpeg)?;
        if self.spans().next().is_none() {
            // FFmpeg refuses to reference a frame without data; its clone is as empty.
            return Ok(clone);
        }
        // SAFETY: a fresh frame takes a reference to this live frame of the same FFmpeg.
        let status =
            unsafe { (self.ffmpeg.functions().av_frame_ref)(clone.as_mut_ptr(), self.as_ptr()) };
        check(&self.ffmpeg, "av_frame_ref", status)?;
        Ok(clone)
    }

    /// A copy with buffers of its own: the pixels or samples and every property, sharing
    /// nothing with this frame (FFmpeg's `av_frame_make_writable` of a new reference).
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate the copy.
    pub fn deep_copy(&self) -> Result<Frame> {
        let mut copy = self.try_clone()?;
        if copy.spans().next().is_some() {
            copy.make_writable()?;
        }
        Ok(copy)
    }

    /// The planes, writable; see [`Frame::planes`]. The frame's buffers are first made its
    /// own ([`Frame::make_writable`]): a buffer it shares (with a decoder's reference
    /// pictures, an encoder still working on it, or the packet a raw video frame came from)
    /// is copied, so that writing here never changes what anyone else sees.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate the copy. A frame without data has no planes.
    pub fn planes_mut(&mut self) -> Result<impl Iterator<Item = PlaneMut<'_>>> {
        if self.spans().next().is_some() {
            self.make_writable()?;
        }
        // SAFETY: after av_frame_make_writable every buffer of the frame has one reference,
        // this frame's, so nobody else reads or writes it; the planes are disjoint parts of
        // those buffers, each handed out once, for the `&mut self` borrow.
        Ok(self.spans().map(|span| unsafe { PlaneMut::new(span) }))
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

    /// The FFmpeg it was made by.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The `AVFrame` this wraps, for an FFmpeg call the crate does not wrap. It stays valid
    /// while the frame lives and is not borrowed mutably; reading through it is the caller's
    /// `unsafe`, and it may reach only the libraries of [`Frame::ffmpeg`]: a frame of one
    /// release must never meet another release's functions.
    pub fn as_ptr(&self) -> *const AVFrame {
        self.frame.as_ptr()
    }

    /// The `AVFrame` this wraps, for an FFmpeg call that changes it.
    ///
    /// # Safety
    ///
    /// The frame must stay a valid `AVFrame` of [`Frame::ffmpeg`]'s release, changed only as
    /// that release's own functions change it (`av_frame_*` of its libavutil, a decoder of its
    /// libavcodec), never freed, and its buffers written only once they are its alone
    /// (`av_frame_make_writable`), as [`Frame::planes_mut`] does.
    pub unsafe fn as_mut_ptr(&mut self) -> *mut AVFrame {
        self.frame.as_ptr()
    }

    /// Takes ownership of an `AVFrame` made elsewhere, to use it with the safe API.
    ///
    /// # Safety
    ///
    /// `frame` was allocated by `av_frame_alloc` of `ffmpeg`'s libavutil (this very load, not
    /// another of the same files), is owned by nobody else, and is a valid frame of that
    /// release: empty, or holding reference-counted buffers that match its size and format.
    /// The frame frees it with `av_frame_free` when dropped.
    pub unsafe fn from_raw(ffmpeg: &Ffmpeg, frame: NonNull<AVFrame>) -> Frame {
        Frame {
            ffmpeg: ffmpeg.clone(),
            frame,
        }
    }

    /// Gives up ownership of the `AVFrame`: the caller frees it with `av_frame_free` of
    /// [`Frame::ffmpeg`]'s libavutil, and keeps that FFmpeg loaded meanwhile.
    pub fn into_raw(self) -> NonNull<AVFrame> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so its `Ffmpeg` handle is moved out
        // exactly once (and released here), while the frame itself is not freed.
        drop(unsafe { std::ptr::read(&this.ffmpeg) });
        this.frame
    }

    /// Drops the picture or samples, keeping the frame for reuse.
    pub fn clear(&mut self) {
        // SAFETY: a live frame; unref leaves it empty and valid.
        unsafe { (self.ffmpeg.functions().av_frame_unref)(self.as_mut_ptr()) }
    }

    pub(crate) fn read<T: Copy>(&self, field: Field<AVFrame, T>) -> T {
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

    /// FFmpeg's pixel or sample format number in the loaded release (-1 when unset).
    pub(crate) fn format(&self) -> i32 {
        self.read(self.ffmpeg.layout().frame.format)
    }

    /// A picture's pixel format; `None` for audio or an empty frame.
    pub fn pixel_format(&self) -> Option<PixelFormat> {
        let known = self.ffmpeg.pixel_format_numbered(self.format());
        known.filter(|_| self.width() > 0)
    }

    /// Audio's sample format; `None` for a picture or an empty frame.
    pub fn sample_format(&self) -> Option<SampleFormat> {
        let known = self.ffmpeg.sample_format_numbered(self.format());
        known.filter(|_| self.width() == 0)
    }

    /// The pixel format's name for pictures (`yuv420p`), the sample format's for audio (`fltp`).
    pub fn format_name(&self) -> Option<String> {
        self.format_name_in_library().map(str::to_owned)
    }

    /// [`Frame::format_name`], borrowed from the library's static table (no allocation).
    pub(crate) fn format_name_in_library(&self) -> Option<&str> {
        crate::media::formats::format_name_in(&self.ffmpeg, self.width() > 0, self.format())
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

    /// Sets the duration (in the time base of the encoder it goes to; `None`: unknown).
    /// Encoders from 6.0 on give their packets the durations of the frames they came from
    /// (before 6.0 the field is `pkt_duration`, which encoders do not read).
    pub fn set_duration(&mut self, duration: Option<i64>) {
        let Some(field) = self.ffmpeg.layout().frame.duration else {
            return;
        };
        // SAFETY: a live frame; writes one field at its proven offset.
        unsafe { field.write(self.as_mut_ptr(), duration.unwrap_or(0)) }
    }

    /// The shape of a pixel (width : height), when known.
    pub fn sample_aspect_ratio(&self) -> Option<crate::sys::Rational> {
        Some(self.read(self.ffmpeg.layout().frame.sample_aspect_ratio)).filter(|r| r.is_positive())
    }

    /// Sets the shape of a pixel; `None` (or a shape that is not positive) leaves it
    /// unknown. The ffmpeg CLI gives every decoded picture the shape its container states
    /// ([`Stream::container_aspect_ratio`](crate::format::Stream::container_aspect_ratio))
    /// before filtering it, so that a graph rebuilt for a new picture size keeps that shape.
    pub fn set_sample_aspect_ratio(&mut self, shape: Option<crate::sys::Rational>) {
        let shape = shape
            .filter(|r| r.is_positive())
            .unwrap_or(crate::sys::Rational::new(0, 1));
        // SAFETY: a live frame; writes one field at its proven offset.
        unsafe {
            self.ffmpeg
                .layout()
                .frame
                .sample_aspect_ratio
                .write(self.as_mut_ptr(), shape)
        }
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
        unsafe { crate::media::color::read(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// FFmpeg's names of the matrix and range, without allocating (for per-frame paths).
    pub(crate) fn matrix_and_range_names(&self) -> (Option<&str>, Option<&str>) {
        let fields = self.ffmpeg.layout().frame.color_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { crate::media::color::matrix_and_range_names(&self.ffmpeg, self.as_ptr(), fields) }
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

    /// Whether the decoder says the picture was coded losslessly (`AV_FRAME_FLAG_LOSSLESS`,
    /// from 8.0: a lossless JPEG XL or WebP, say; `false` before).
    pub fn is_lossless(&self) -> bool {
        let flags = self.read(self.ffmpeg.layout().frame.flags);
        flags & crate::abi::constants::FRAME_FLAG_LOSSLESS != 0
    }

    /// How the picture's colour and alpha combine (`premultiplied`, `straight`), where its
    /// decoder says (a PNG's are straight), as 8.1's ffprobe prints it (`alpha_mode`); `None`
    /// where unstated, and before libavutil 60.11 (8.1).
    pub fn alpha_mode(&self) -> Option<String> {
        let mode = self.read(self.ffmpeg.layout().frame.alpha_mode?);
        let name = self.ffmpeg.functions().av_alpha_mode_name?;
        // SAFETY: a lookup in libavutil's static names; NULL for a mode it does not know.
        let text = unsafe { name(mode) };
        // SAFETY: a static NUL-terminated name, checked not NULL first.
        (mode != 0 && !text.is_null()).then(|| unsafe { crate::sys::c_text(text) })
    }

    /// The cropping the frame states but has not had applied, in pixels: top, bottom, left
    /// and right (`crop_*`; all 0 once a decoder cropped, as decoders do by default).
    pub fn unapplied_crop(&self) -> [usize; 4] {
        let layout = &self.ffmpeg.layout().frame;
        [
            layout.crop_top,
            layout.crop_bottom,
            layout.crop_left,
            layout.crop_right,
        ]
        .map(|field| self.read(field))
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

    /// The audio channel layout (its [`name`](ChannelLayout::name): `stereo`, `5.1(side)`);
    /// `None` for video.
    pub fn channel_layout(&self) -> Option<ChannelLayout> {
        let fields = self.ffmpeg.layout().frame.channel_fields();
        // SAFETY: a live frame of the layout's family.
        unsafe { crate::media::channel_layout::read(&self.ffmpeg, self.as_ptr(), fields) }
    }

    /// The planes, without copying: a picture's (luma, chroma, …), or audio's (one per channel
    /// for planar sample formats, one interleaved otherwise). Each gives the pixels of its
    /// rows, never the padding between them (see [`Plane`]). Empty for a frame without data,
    /// and for hardware or paletted formats' palette (not a plane).
    /// Nothing is allocated: each plane is a pointer and a size, made as the iterator goes.
    pub fn planes(&self) -> impl Iterator<Item = Plane<'_>> {
        // SAFETY: each span holds initialised bytes of this frame's buffers (`spans`), alive
        // while `&self` is borrowed. Nobody writes them meanwhile: this frame writes its
        // buffers only through `&mut self`, and only once they are its alone
        // (`planes_mut`), and other holders of a shared buffer (a decoder's reference
        // pictures, an encoder's queue, a packet) never write it: FFmpeg copies a buffer
        // whose reference count is above one before writing it.
        self.spans().map(|span| unsafe { Plane::new(span) })
    }

    /// Plane `index` of [`Frame::planes`], if the frame has that many.
    pub fn plane(&self, index: usize) -> Option<Plane<'_>> {
        self.planes().nth(index)
    }

    /// How many planes [`Frame::planes`] gives.
    pub fn plane_count(&self) -> usize {
        self.spans().count()
    }

    /// The picture packed with no row padding, as `av_image_copy_to_buffer` with alignment 1
    /// gives (what FFmpeg's `framemd5` hashes), into `out` (reused; resized as needed).
    ///
    /// # Errors
    ///
    /// For audio frames or a format FFmpeg cannot pack.
    pub fn copy_packed(&self, out: &mut Vec<u8>) -> Result<()> {
        let layout = &self.ffmpeg.layout().frame;
        let data = self.read(layout.data);
        // av_image_copy_to_buffer reads every plane, and the palette of pal8.
        let paletted = self
            .pixel_format()
            .is_some_and(|format| format.has_palette());
        if self.width() == 0 || self.planes().next().is_none() || (paletted && data[1].is_null()) {
            return Err(crate::ffmpeg::Error::incompatible(
                "Frame::copy_packed",
                "copy_packed needs a picture with its planes",
            ));
        }
        let f = self.ffmpeg.functions();
        let (width, height, format) =
            (self.width() as c_int, self.height() as c_int, self.format());
        // SAFETY: computes a size from the description.
        let size = unsafe { (f.av_image_get_buffer_size)(format, width, height, 1) };
        let size = check(&self.ffmpeg, "av_image_get_buffer_size", size)? as usize;
        out.resize(size, 0);
        let linesize = self.read(layout.linesize);
        let planes: [*const u8; 4] = [data[0], data[1], data[2], data[3]];
        // SAFETY: `out` holds `size` bytes; the source planes are the frame's own, every one
        // its format has present, and pal8's palette (checked above).
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

impl Colorimetry {
    /// What the frame says; where it says nothing, what libswscale and the ffmpeg CLI's
    /// `scale` filter assume: BT.601 whatever the picture's size, full range for the `yuvj`
    /// formats, limited otherwise. [`RgbPool`](crate::convert::RgbPool) and
    /// [`Scaler`](crate::Scaler) both read YUV so.
    pub fn of(frame: &Frame) -> Colorimetry {
        let (matrix, range) = frame.matrix_and_range_names();
        Colorimetry::guess(matrix, range, frame.format_name_in_library())
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
