//! [`Packet`]: one compressed unit of a stream, reference counted.

use std::ptr::NonNull;

use crate::abi::constants::{NOPTS_VALUE, PKT_FLAG_KEY};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
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

    /// Sets the duration, in the packet's time base.
    pub(crate) fn set_duration(&mut self, duration: i64) {
        let field = self.ffmpeg.layout().packet.duration;
        // SAFETY: a live AVPacket of the family of its own FFmpeg's layout, borrowed
        // mutably, so nobody else reads the field meanwhile.
        unsafe { field.write(self.packet.as_ptr(), duration) }
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

    /// Whether it starts a keyframe.
    pub fn is_key(&self) -> bool {
        self.read(self.ffmpeg.layout().packet.flags) & PKT_FLAG_KEY != 0
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
