//! [`Packet`]: one compressed unit of a stream, reference counted.

use std::ffi::c_int;
use std::ptr::NonNull;

use crate::abi::constants::{
    NOPTS_VALUE, PKT_FLAG_CORRUPT, PKT_FLAG_DISCARD, PKT_FLAG_DISPOSABLE, PKT_FLAG_KEY,
};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::sys::Rational;
use crate::sys::objects::AVPacket;

/// A compressed packet (`AVPacket`). Reusable: reading into an existing packet allocates
/// nothing once its buffers are warm.
pub struct Packet {
    ffmpeg: Ffmpeg,
    packet: NonNull<AVPacket>,
}

// SAFETY: an AVPacket is plain data plus a reference to an atomically counted buffer; FFmpeg
// lets any one thread own and use it, which is all `Send` allows (`Packet` is not `Sync`).
unsafe impl Send for Packet {}

impl Packet {
    /// An empty packet.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate it.
    pub fn new(ffmpeg: &Ffmpeg) -> Result<Packet> {
        // SAFETY: allocates an empty packet or returns NULL.
        let packet = unsafe { (ffmpeg.functions().av_packet_alloc)() };
        let packet =
            NonNull::new(packet).ok_or_else(|| out_of_memory(ffmpeg, "av_packet_alloc"))?;
        Ok(Packet {
            ffmpeg: ffmpeg.clone(),
            packet,
        })
    }

    /// The FFmpeg it was made by.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The `AVPacket` this wraps, for an FFmpeg call the crate does not wrap. It stays valid
    /// while the packet lives and is not borrowed mutably; reading through it is the caller's
    /// `unsafe`, and it may reach only the libraries of [`Packet::ffmpeg`].
    pub fn as_ptr(&self) -> *const AVPacket {
        self.packet.as_ptr()
    }

    /// The `AVPacket` this wraps, for an FFmpeg call that changes it.
    ///
    /// # Safety
    ///
    /// The packet must stay a valid `AVPacket` of [`Packet::ffmpeg`]'s release, changed only
    /// as that release's own functions change it (`av_packet_*`, a demuxer or encoder of its
    /// libraries), never freed, and its payload written only when its buffer is its alone.
    pub unsafe fn as_mut_ptr(&mut self) -> *mut AVPacket {
        self.packet.as_ptr()
    }

    /// Takes ownership of an `AVPacket` made elsewhere, to use it with the safe API.
    ///
    /// # Safety
    ///
    /// `packet` was allocated by `av_packet_alloc` of `ffmpeg`'s libavcodec (this very load),
    /// is owned by nobody else, and is a valid packet of that release. The packet frees it
    /// with `av_packet_free` when dropped.
    pub unsafe fn from_raw(ffmpeg: &Ffmpeg, packet: NonNull<AVPacket>) -> Packet {
        Packet {
            ffmpeg: ffmpeg.clone(),
            packet,
        }
    }

    /// Gives up ownership of the `AVPacket`: the caller frees it with `av_packet_free` of
    /// [`Packet::ffmpeg`]'s libavcodec, and keeps that FFmpeg loaded meanwhile.
    pub fn into_raw(self) -> NonNull<AVPacket> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so its `Ffmpeg` handle is moved out
        // exactly once (and released here), while the packet itself is not freed.
        drop(unsafe { std::ptr::read(&this.ffmpeg) });
        this.packet
    }

    /// Drops the payload, keeping the packet for reuse.
    pub fn clear(&mut self) {
        // SAFETY: a live packet; unref leaves it empty and valid.
        unsafe { (self.ffmpeg.functions().av_packet_unref)(self.as_mut_ptr()) }
    }

    fn read<T: Copy>(&self, field: crate::abi::Field<AVPacket, T>) -> T {
        // SAFETY: a live AVPacket of the family whose layout `field` comes from.
        unsafe { field.read(self.as_ptr()) }
    }

    fn write<T: Copy>(&mut self, field: crate::abi::Field<AVPacket, T>, value: T) {
        // SAFETY: a live AVPacket of the family whose layout `field` comes from, borrowed
        // mutably, so nobody else reads the field meanwhile.
        unsafe { field.write(self.packet.as_ptr(), value) }
    }

    /// A packet holding a copy of `bytes` (with FFmpeg's zeroed padding after them), for
    /// data from a demuxer of your own; set its timestamps, key flag and stream index next.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] beyond a C `int` of bytes; when FFmpeg cannot allocate it.
    pub fn from_bytes(ffmpeg: &Ffmpeg, bytes: &[u8]) -> Result<Packet> {
        let size = c_int::try_from(bytes.len())
            .map_err(|_| Error::out_of_range("packet size", bytes.len()))?;
        let packet = Packet::new(ffmpeg)?;
        // SAFETY: an empty packet gets a new buffer of `size` bytes plus zeroed padding.
        let status = unsafe { (ffmpeg.functions().av_new_packet)(packet.packet.as_ptr(), size) };
        crate::ffmpeg::error::check(ffmpeg, "av_new_packet", status)?;
        let data = packet.read(ffmpeg.layout().packet.data);
        // SAFETY: the new buffer, this packet's alone, has room for `size` bytes; they are
        // written without ever being read (FFmpeg left them uninitialised).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len()) };
        Ok(packet)
    }

    /// A new reference to the same payload and properties (no copy of the bytes); writing
    /// either's [`data_mut`](Packet::data_mut) copies first.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot allocate (or, for a payload it does not count references to, copy).
    pub fn try_clone(&self) -> Result<Packet> {
        let clone = Packet::new(&self.ffmpeg)?;
        // SAFETY: a fresh packet takes a reference to this live packet of the same FFmpeg.
        let status = unsafe {
            (self.ffmpeg.functions().av_packet_ref)(clone.packet.as_ptr(), self.as_ptr())
        };
        crate::ffmpeg::error::check(&self.ffmpeg, "av_packet_ref", status)?;
        Ok(clone)
    }

    /// The compressed bytes, to change in place: a payload shared with another packet is
    /// copied first, so no one else sees the change.
    ///
    /// # Errors
    ///
    /// When FFmpeg cannot copy a shared payload.
    pub fn data_mut(&mut self) -> Result<&mut [u8]> {
        if self.data().is_empty() {
            return Ok(&mut []);
        }
        // SAFETY: a live packet; FFmpeg gives it a buffer of its own unless it has one.
        let status =
            unsafe { (self.ffmpeg.functions().av_packet_make_writable)(self.as_mut_ptr()) };
        crate::ffmpeg::error::check(&self.ffmpeg, "av_packet_make_writable", status)?;
        let layout = &self.ffmpeg.layout().packet;
        let (data, size) = (self.read(layout.data), self.read(layout.size));
        // SAFETY: `size` bytes at `data` in a buffer this packet alone references (just made
        // so), initialised (copied or written by whoever filled the packet), and borrowed
        // mutably with the packet.
        Ok(unsafe { std::slice::from_raw_parts_mut(data, size as usize) })
    }

    /// Sets the presentation timestamp (`None`: unknown), in its stream's time base.
    pub fn set_pts(&mut self, pts: Option<i64>) {
        self.write(self.ffmpeg.layout().packet.pts, pts.unwrap_or(NOPTS_VALUE));
    }

    /// Sets the decoding timestamp (`None`: unknown), in its stream's time base.
    pub fn set_dts(&mut self, dts: Option<i64>) {
        self.write(self.ffmpeg.layout().packet.dts, dts.unwrap_or(NOPTS_VALUE));
    }

    /// Sets the duration, in its stream's time base (0: unknown).
    pub fn set_duration(&mut self, duration: i64) {
        self.write(self.ffmpeg.layout().packet.duration, duration);
    }

    /// Sets the index of the stream it belongs to.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] beyond a C `int`.
    pub fn set_stream_index(&mut self, index: usize) -> Result<()> {
        let index =
            c_int::try_from(index).map_err(|_| Error::out_of_range("stream index", index))?;
        self.write(self.ffmpeg.layout().packet.stream_index, index);
        Ok(())
    }

    /// Marks it as starting a keyframe, or not.
    pub fn set_key(&mut self, key: bool) {
        let field = self.ffmpeg.layout().packet.flags;
        let flags = self.read(field);
        let flags = if key {
            flags | PKT_FLAG_KEY
        } else {
            flags & !PKT_FLAG_KEY
        };
        self.write(field, flags);
    }

    /// Converts its timestamps and duration from time base `from` to `to`, rounding as
    /// FFmpeg does (`av_packet_rescale_ts`); unknown timestamps stay unknown.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for a time base that is not positive.
    pub fn rescale_ts(&mut self, from: Rational, to: Rational) -> Result<()> {
        crate::media::require_positive("time base", from)?;
        crate::media::require_positive("time base", to)?;
        // SAFETY: a live packet; FFmpeg rescales three of its fields.
        unsafe { (self.ffmpeg.functions().av_packet_rescale_ts)(self.as_mut_ptr(), from, to) };
        Ok(())
    }

    /// The index of the stream it belongs to.
    pub fn stream_index(&self) -> usize {
        self.read(self.ffmpeg.layout().packet.stream_index).max(0) as usize
    }

    /// Presentation timestamp, in its stream's time base.
    pub fn pts(&self) -> Option<i64> {
        Some(self.read(self.ffmpeg.layout().packet.pts)).filter(|&t| t != NOPTS_VALUE)
    }

    /// Decoding timestamp, in its stream's time base.
    pub fn dts(&self) -> Option<i64> {
        Some(self.read(self.ffmpeg.layout().packet.dts)).filter(|&t| t != NOPTS_VALUE)
    }

    /// Duration, in its stream's time base (0 when unknown).
    pub fn duration(&self) -> i64 {
        self.read(self.ffmpeg.layout().packet.duration)
    }

    /// Its byte position in the file it was read from, when the demuxer says.
    pub fn position(&self) -> Option<i64> {
        Some(self.read(self.ffmpeg.layout().packet.pos)).filter(|&p| p >= 0)
    }

    /// Whether it starts a keyframe.
    pub fn is_key(&self) -> bool {
        self.read(self.ffmpeg.layout().packet.flags) & PKT_FLAG_KEY != 0
    }

    /// Whether the demuxer flagged it disposable: frames no other frame refers to, which a
    /// decoder that falls behind can drop.
    pub fn is_disposable(&self) -> bool {
        self.read(self.ffmpeg.layout().packet.flags) & PKT_FLAG_DISPOSABLE != 0
    }

    /// Whether the demuxer marked it to be decoded but not shown: the part of a stream
    /// before a cut's start (an MP4 edit list), which the decoder needs for what follows
    /// (ffprobe's `D` flag).
    pub fn is_discarded(&self) -> bool {
        self.read(self.ffmpeg.layout().packet.flags) & PKT_FLAG_DISCARD != 0
    }

    /// Whether the demuxer found it damaged (a transport stream's lost or garbled bytes).
    pub fn is_corrupt(&self) -> bool {
        self.read(self.ffmpeg.layout().packet.flags) & PKT_FLAG_CORRUPT != 0
    }

    /// The side data the demuxer or encoder attached (samples to skip, new extradata, an
    /// MPEG-TS stream id…), as ffprobe's `-show_packets` lists it.
    pub fn side_data(&self) -> Vec<crate::media::format::SideData<'_>> {
        let layout = self.ffmpeg.layout();
        let (entries, count) = (
            self.read(layout.packet.side_data),
            self.read(layout.packet.side_data_elems),
        );
        // SAFETY: the packet's own side data array and count, of this family, unchanged while
        // `&self` is borrowed.
        let entries = unsafe { layout.packet_side_data.entries(entries, count) };
        entries
            .into_iter()
            .map(|(kind, bytes)| crate::media::format::SideData::new(&self.ffmpeg, kind, bytes))
            .collect()
    }

    /// Adds a copy of `side_data` (a stream's, from
    /// [`Stream::side_data`](crate::format::Stream::side_data)), unless the packet already
    /// has side data of that kind: `Ok(true)` when added. The ffmpeg CLI adds each stream's
    /// side data but its display matrix to the stream's first packet, so that the decoder
    /// hands it on with the first frame (a stereo layout, HDR metadata), where encoders read
    /// it (libx264 writes a frame-packing SEI for a stereo layout).
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for side data of another loaded FFmpeg (its bytes are that
    /// release's structs); [`Error::OutOfRange`] past 2 GiB; FFmpeg's allocation failing.
    pub fn add_side_data(
        &mut self,
        side_data: &crate::media::format::SideData<'_>,
    ) -> Result<bool> {
        self.ffmpeg
            .ensure_same(side_data.ffmpeg(), "Packet::add_side_data", "side data")?;
        let kind = side_data.kind();
        if self.side_data().iter().any(|entry| entry.kind() == kind) {
            return Ok(false);
        }
        let bytes = side_data.bytes();
        // 4.x takes the size as an `int`.
        let size = i32::try_from(bytes.len())
            .map_err(|_| Error::out_of_range("side data size", bytes.len()))?;
        let kind =
            c_int::try_from(kind).map_err(|_| Error::out_of_range("side data kind", kind))?;
        let f = self.ffmpeg.functions();
        // SAFETY: a live packet this wrapper owns; FFmpeg adds an entry of `size` bytes it
        // owns to the packet's own side data array (no shared buffer is written), or returns
        // NULL.
        let target = unsafe { (f.av_packet_new_side_data)(self.as_mut_ptr(), kind, size as u64) };
        if target.is_null() {
            return Err(out_of_memory(&self.ffmpeg, "av_packet_new_side_data"));
        }
        // SAFETY: `target` holds `size` fresh bytes, disjoint from `bytes`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), target, bytes.len()) };
        Ok(true)
    }

    /// The compressed bytes.
    pub fn data(&self) -> &[u8] {
        let layout = &self.ffmpeg.layout().packet;
        let (data, size) = (self.read(layout.data), self.read(layout.size));
        if data.is_null() || size <= 0 {
            return &[];
        }
        // SAFETY: FFmpeg's packet owns `size` bytes at `data` while it is not modified, and
        // `&self` keeps it unmodified for the borrow.
        unsafe { std::slice::from_raw_parts(data, size as usize) }
    }
}

impl Drop for Packet {
    fn drop(&mut self) {
        let mut packet = self.packet.as_ptr();
        // SAFETY: allocated by av_packet_alloc; freed once.
        unsafe { (self.ffmpeg.functions().av_packet_free)(&mut packet) }
    }
}

impl std::fmt::Debug for Packet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packet")
            .field("stream_index", &self.stream_index())
            .field("pts", &self.pts())
            .field("dts", &self.dts())
            .field("size", &self.data().len())
            .field("key", &self.is_key())
            .finish()
    }
}

pub(crate) fn out_of_memory(ffmpeg: &Ffmpeg, operation: &'static str) -> Error {
    Error::from_code(ffmpeg, operation, -libc::ENOMEM)
}
