//! The self-check of the fields that carry a frame's packet origin (6.0 on): a buffer is
//! allocated and its size read back, then set as a packet's and a frame's `opaque_ref`, and
//! FFmpeg's own copy of each object's properties must hold a reference to that same buffer.

use super::{AbiMismatch, Checker};
use crate::abi::packet_origin::SIZE;

/// # Safety
///
/// See [`super::check`].
pub(super) unsafe fn packet_origin(c: &mut Checker) -> Result<(), AbiMismatch> {
    let Some(l) = c.layout.packet_origin else {
        return Ok(());
    };
    let f = c.functions;
    const S: &str = "AVBufferRef";
    let Some(allocate) = f.av_buffer_allocz else {
        return c.expect_that(S, "(av_buffer_allocz)", false, "bound");
    };
    // SAFETY: allocates two packets, two frames and two zeroed buffers, or NULLs.
    let mut objects = unsafe {
        (
            [(f.av_packet_alloc)(), (f.av_packet_alloc)()],
            [(f.av_frame_alloc)(), (f.av_frame_alloc)()],
            [allocate(SIZE), allocate(SIZE)],
        )
    };
    let result = (|| {
        let ([packet, packet_copy], [frame, frame_copy], [for_packet, for_frame]) = objects;
        c.allocated("AVPacket", packet)?;
        c.allocated("AVPacket", packet_copy)?;
        c.allocated("AVFrame", frame)?;
        c.allocated("AVFrame", frame_copy)?;
        c.allocated(S, for_packet)?;
        c.allocated(S, for_frame)?;
        // SAFETY: reads of live buffer references; each is then handed to its object (which
        // unreferences it when freed), and FFmpeg copies the objects' properties.
        unsafe {
            c.expect(S, "size", SIZE, l.buffer_size.read(for_packet))?;
            let packet_data = l.buffer_data.read(for_packet);
            let frame_data = l.buffer_data.read(for_frame);
            c.expect_that(S, "data", !packet_data.is_null(), "the buffer's bytes")?;
            l.packet_opaque_ref.write(packet, for_packet);
            objects.2[0] = std::ptr::null_mut();
            l.frame_opaque_ref.write(frame, for_frame);
            objects.2[1] = std::ptr::null_mut();
            let status = (f.av_packet_copy_props)(packet_copy, packet);
            c.expect("AVPacket", "(copy_props)", 0, status)?;
            let copied = l.packet_opaque_ref.read(packet_copy);
            let same = !copied.is_null() && l.buffer_data.read(copied) == packet_data;
            c.expect_that("AVPacket", "opaque_ref", same, "the buffer set")?;
            let status = (f.av_frame_copy_props)(frame_copy, frame);
            c.expect("AVFrame", "(copy_props)", 0, status)?;
            let copied = l.frame_opaque_ref.read(frame_copy);
            let same = !copied.is_null() && l.buffer_data.read(copied) == frame_data;
            c.expect_that("AVFrame", "opaque_ref", same, "the buffer set")?;
        }
        Ok(())
    })();
    // SAFETY: each allocated above (or NULL) and freed once; a buffer handed to its object
    // is NULL here, freed with the object.
    unsafe {
        for packet in &mut objects.0 {
            (f.av_packet_free)(packet);
        }
        for frame in &mut objects.1 {
            (f.av_frame_free)(frame);
        }
        for buffer in &mut objects.2 {
            (f.av_buffer_unref)(buffer);
        }
    }
    result
}
