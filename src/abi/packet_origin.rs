//! The position and size of the packet a frame was decoded from, carried from 6.0 on as
//! ffprobe carries them from 6.1 (`AVFrame.pkt_pos` and `pkt_size`, deprecated then, went
//! with 8.0; and where a decoder makes several frames of one packet, they hold what was left
//! of it, not its size): a decoder opened with `AV_CODEC_FLAG_COPY_OPAQUE` hands each
//! packet's `opaque_ref` to the frames decoded from it; the crate puts a small tagged buffer
//! there. A frame whose buffer is not one of these (another size, another tag) has no known
//! origin.

use super::field::Field;
use crate::sys::objects::{AVBufferRef, AVFrame, AVPacket};

/// Where the buffers travel, in each family that needs them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PacketOriginLayout {
    pub packet_opaque_ref: Field<AVPacket, *mut AVBufferRef>,
    pub frame_opaque_ref: Field<AVFrame, *mut AVBufferRef>,
    pub buffer_data: Field<AVBufferRef, *mut u8>,
    pub buffer_size: Field<AVBufferRef, usize>,
}

/// What the buffer holds: a tag that tells it from anyone else's, then the packet's position
/// and size as FFmpeg gave them (-1 for an unknown position).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PacketOrigin {
    tag: [u8; 8],
    pub position: i64,
    pub size: i64,
}

const TAG: [u8; 8] = *b"ffrt-pkt";

/// The size of the buffer to allocate for one [`PacketOrigin`].
pub(crate) const SIZE: usize = size_of::<PacketOrigin>();

impl PacketOrigin {
    pub(crate) fn new(position: i64, size: i64) -> PacketOrigin {
        PacketOrigin {
            tag: TAG,
            position,
            size,
        }
    }
}

impl PacketOriginLayout {
    /// Writes `origin` into a buffer of [`SIZE`] bytes.
    ///
    /// # Safety
    ///
    /// `buffer` is a live `AVBufferRef` of this family whose data holds [`SIZE`] writable
    /// bytes that no one else reads meanwhile (a buffer just allocated).
    pub(crate) unsafe fn write(&self, buffer: *mut AVBufferRef, origin: PacketOrigin) {
        // SAFETY: per the contract; unaligned, as FFmpeg's buffer data need not suit i64.
        unsafe {
            let data = self.buffer_data.read(buffer);
            data.cast::<PacketOrigin>().write_unaligned(origin);
        }
    }

    /// The origin the crate attached to `frame`, if it did.
    ///
    /// # Safety
    ///
    /// `frame` is a live frame of this family, whose `opaque_ref`, if any, FFmpeg copied from
    /// a packet the crate sent (safe code can attach no other: FFmpeg's libraries only copy
    /// one along, from packet to frame where a decoder is opened to, and `Decoder::send`
    /// replaces any other with the crate's, allocated zeroed and written whole).
    pub(crate) unsafe fn read(&self, frame: *const AVFrame) -> Option<PacketOrigin> {
        // SAFETY: per the contract, a non-NULL opaque_ref is a live reference to a buffer of
        // initialised bytes, `size` of them, alive while the frame holds it.
        unsafe {
            let buffer = self.frame_opaque_ref.read(frame);
            if buffer.is_null() || self.buffer_size.read(buffer) != SIZE {
                return None;
            }
            let data = self.buffer_data.read(buffer);
            let origin = data.cast::<PacketOrigin>().read_unaligned();
            (origin.tag == TAG).then_some(origin)
        }
    }
}
