//! Carrying each packet's position and size to the frames decoded from it, from 6.0 on, as
//! ffprobe does from 6.1 (frames no longer carry them from 8.0): each packet goes to the
//! decoder as a new reference with a buffer of the crate's as its `opaque_ref`, which the
//! decoder (opened with `AV_CODEC_FLAG_COPY_OPAQUE`) gives the frames it makes of it.
//! [`Frame::packet_position`](crate::Frame::packet_position) reads it back.

use std::ffi::c_int;
use std::ptr::NonNull;

use crate::abi::packet_origin::{self, PacketOrigin, PacketOriginLayout};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Result, check};
use crate::media::packet::{Packet, out_of_memory};
use crate::sys::objects::{AVBufferRef, AVCodecContext, AVPacket};

/// A decoder's own packet, through which it sends each packet with its origin attached.
pub(super) struct OriginCarrier {
    ffmpeg: Ffmpeg,
    layout: PacketOriginLayout,
    /// `av_buffer_allocz`, bound in every family whose layout carries packet origins.
    allocate: unsafe extern "C" fn(usize) -> *mut AVBufferRef,
    /// Empty between sends.
    scratch: NonNull<AVPacket>,
}

impl OriginCarrier {
    /// A carrier where the release has the means (`None` before 6.0: frames carry the
    /// origin).
    pub(super) fn for_release(ffmpeg: &Ffmpeg) -> Result<Option<OriginCarrier>> {
        let (Some(layout), Some(allocate)) = (
            ffmpeg.layout().packet_origin,
            ffmpeg.functions().av_buffer_allocz,
        ) else {
            return Ok(None);
        };
        // SAFETY: allocates an empty packet, or NULL.
        let scratch = unsafe { (ffmpeg.functions().av_packet_alloc)() };
        let scratch =
            NonNull::new(scratch).ok_or_else(|| out_of_memory(ffmpeg, "av_packet_alloc"))?;
        Ok(Some(OriginCarrier {
            ffmpeg: ffmpeg.clone(),
            layout,
            allocate,
            scratch,
        }))
    }

    /// Sends `packet` to `context` with its position and size attached: what
    /// `avcodec_send_packet` returned.
    ///
    /// # Errors
    ///
    /// Running out of memory, or FFmpeg's error referencing the packet.
    ///
    /// # Safety
    ///
    /// `context` is an open decoder of this carrier's FFmpeg, and `packet` a live packet of it.
    pub(super) unsafe fn send(
        &mut self,
        context: *mut AVCodecContext,
        packet: &Packet,
    ) -> Result<c_int> {
        let (f, scratch) = (self.ffmpeg.functions(), self.scratch.as_ptr());
        // SAFETY: the scratch packet is empty and ours; it becomes one more reference to the
        // packet's data, with its properties (and a copy of any opaque_ref of its own).
        let status = unsafe { (f.av_packet_ref)(scratch, packet.as_ptr()) };
        check(&self.ffmpeg, "av_packet_ref", status)?;
        // SAFETY: a zeroed buffer of the origin's size, or NULL.
        let mut buffer = unsafe { (self.allocate)(packet_origin::SIZE) };
        let result = if buffer.is_null() {
            Err(out_of_memory(&self.ffmpeg, "av_buffer_allocz"))
        } else {
            let packet_layout = &self.ffmpeg.layout().packet;
            // SAFETY: the buffer was just allocated and is ours alone; the scratch packet's
            // opaque_ref, its own reference, is replaced by it (the packet then holds it), and
            // the decoder takes its own references of what it keeps.
            unsafe {
                let origin = PacketOrigin::new(
                    packet_layout.pos.read(scratch),
                    i64::from(packet_layout.size.read(scratch)),
                );
                self.layout.write(buffer, origin);
                let mut previous = self.layout.packet_opaque_ref.read(scratch);
                (f.av_buffer_unref)(&mut previous);
                self.layout.packet_opaque_ref.write(scratch, buffer);
                buffer = std::ptr::null_mut();
                Ok((f.avcodec_send_packet)(context, scratch))
            }
        };
        // SAFETY: the scratch packet is emptied for the next send (its buffer with it); the
        // buffer, if it was not handed over, is NULL or ours.
        unsafe {
            (f.av_packet_unref)(scratch);
            (f.av_buffer_unref)(&mut buffer);
        }
        result
    }
}

impl Drop for OriginCarrier {
    fn drop(&mut self) {
        let mut scratch = self.scratch.as_ptr();
        // SAFETY: allocated by av_packet_alloc, empty, freed once.
        unsafe { (self.ffmpeg.functions().av_packet_free)(&mut scratch) };
    }
}
