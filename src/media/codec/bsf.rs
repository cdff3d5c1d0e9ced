//! [`BitstreamFilter`]: compressed packets rewritten without decoding (`-bsf`).

use std::ptr::NonNull;

use crate::abi::bsf::{BsfFields, bsf_fields};
use crate::abi::constants::{AVERROR_EAGAIN, AVERROR_EOF};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::format::Stream;
use crate::media::packet::Packet;
use crate::sys::objects::AVBSFContext;
use crate::sys::{Library, Rational};

/// A bitstream filter, or a chain of them, as the CLI's `-bsf` takes it
/// (`h264_mp4toannexb`, `filter_units=remove_types=6,dump_extra`), set up for one stream:
/// packets in, packets out, in the stream's order.
pub struct BitstreamFilter {
    ffmpeg: Ffmpeg,
    context: NonNull<AVBSFContext>,
    /// The packet handed to FFmpeg, which takes its reference.
    sending: Packet,
    ended: bool,
    finished: bool,
}

// SAFETY: an AVBSFContext is plain state used by one call at a time; `&mut self` on every
// call that touches it keeps it so. Not `Sync`.
unsafe impl Send for BitstreamFilter {}

impl BitstreamFilter {
    /// The filters `description` names (comma-separated, each with `=option=value:…`), set
    /// up for the packets of `stream`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] naming a filter the loaded libavcodec lacks; the filter's
    /// error when it refuses its options or the stream (`aac_adtstoasc` on H.264, say).
    pub fn new(stream: &Stream<'_>, description: &str) -> Result<BitstreamFilter> {
        let ffmpeg = stream.ffmpeg().clone();
        let f = ffmpeg.functions();
        for name in description
            .split(',')
            .map(|part| part.split('=').next().unwrap_or(""))
        {
            let known = std::ffi::CString::new(name.trim())
                .ok()
                .is_some_and(|name| {
                    // SAFETY: a lookup of a NUL-terminated name in a static list.
                    !unsafe { (f.av_bsf_get_by_name)(name.as_ptr()) }.is_null()
                });
            if !known {
                return Err(Error::unknown_name("bitstream filter", name));
            }
        }
        let text = std::ffi::CString::new(description)
            .map_err(|_| Error::invalid_text("bitstream filters", description))?;
        let mut context = std::ptr::null_mut();
        // SAFETY: parses the chain into a fresh context, or leaves it NULL.
        let status = unsafe { (f.av_bsf_list_parse_str)(text.as_ptr(), &mut context) };
        check(&ffmpeg, "av_bsf_list_parse_str", status)?;
        let context = NonNull::new(context)
            .ok_or_else(|| crate::media::packet::out_of_memory(&ffmpeg, "av_bsf_list_parse_str"))?;
        let filter = BitstreamFilter {
            sending: Packet::new(&ffmpeg)?,
            ffmpeg,
            context,
            ended: false,
            finished: false,
        };
        let fields = filter.fields();
        let f = filter.ffmpeg.functions();
        // SAFETY: the context's own parameters (allocated with it) take a copy of the
        // stream's; its input time base is set before init, as FFmpeg asks.
        let status = unsafe {
            let par_in = fields.par_in.read(filter.context.as_ptr());
            let copied = (f.avcodec_parameters_copy)(par_in, stream.parameters());
            fields
                .time_base_in
                .write(filter.context.as_ptr(), stream.time_base());
            if copied < 0 {
                copied
            } else {
                (f.av_bsf_init)(filter.context.as_ptr())
            }
        };
        check(&filter.ffmpeg, "av_bsf_init", status)?;
        Ok(filter)
    }

    fn fields(&self) -> BsfFields {
        bsf_fields(self.ffmpeg.family().major(Library::AvCodec))
    }

    /// The FFmpeg it was made with.
    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.ffmpeg
    }

    /// The parameters of the packets it gives (`par_out`), alive while `self` is.
    pub(crate) fn output_parameters(&self) -> *const crate::sys::objects::AVCodecParameters {
        // SAFETY: a live, initialised context of this family.
        unsafe { self.fields().par_out.read(self.context.as_ptr()) }
    }

    /// The time base of the packets it gives.
    pub fn time_base(&self) -> Rational {
        // SAFETY: a live, initialised context of this family.
        unsafe { self.fields().time_base_out.read(self.context.as_ptr()) }
    }

    /// Sends one packet (its payload is shared, not copied; the caller's packet is left as
    /// it was).
    ///
    /// # Errors
    ///
    /// [`Error::Again`] when packets must be received first; [`Error::ForeignObject`] for a
    /// packet of another loaded FFmpeg; [`Error::OutOfOrder`] after [`BitstreamFilter::send_eof`];
    /// the filter's error for a packet it cannot rewrite.
    pub fn send(&mut self, packet: &Packet) -> Result<()> {
        self.ffmpeg
            .ensure_same(packet.ffmpeg(), "BitstreamFilter::send", "packet")?;
        if self.ended {
            return Err(Error::OutOfOrder {
                operation: "BitstreamFilter::send",
                reason: "the input has ended".into(),
            });
        }
        if packet.data().is_empty() {
            return Ok(());
        }
        self.sending.clear();
        // SAFETY: a fresh reference to a live packet of the same FFmpeg, which the filter
        // then takes over (leaving `sending` empty).
        let status = unsafe {
            let f = self.ffmpeg.functions();
            let status = (f.av_packet_ref)(self.sending.as_mut_ptr(), packet.as_ptr());
            if status < 0 {
                status
            } else {
                (f.av_bsf_send_packet)(self.context.as_ptr(), self.sending.as_mut_ptr())
            }
        };
        check(&self.ffmpeg, "av_bsf_send_packet", status).map(drop)
    }

    /// Ends the input, so that [`BitstreamFilter::receive`] gives what the filter still holds.
    ///
    /// # Errors
    ///
    /// FFmpeg's error; ending twice is not one.
    pub fn send_eof(&mut self) -> Result<()> {
        self.ended = true;
        // SAFETY: a NULL packet is FFmpeg's end-of-stream marker.
        let status = unsafe {
            (self.ffmpeg.functions().av_bsf_send_packet)(
                self.context.as_ptr(),
                std::ptr::null_mut(),
            )
        };
        match status {
            AVERROR_EOF => Ok(()),
            status => check(&self.ffmpeg, "av_bsf_send_packet", status).map(drop),
        }
    }

    /// Takes the next packet into `packet`: `Ok(true)` for one, `Ok(false)` when the filter
    /// needs more input or has given its last ([`BitstreamFilter::is_finished`]).
    ///
    /// # Errors
    ///
    /// The filter's error; [`Error::ForeignObject`] for a packet of another loaded FFmpeg.
    pub fn receive(&mut self, packet: &mut Packet) -> Result<bool> {
        self.ffmpeg
            .ensure_same(packet.ffmpeg(), "BitstreamFilter::receive", "packet")?;
        packet.clear();
        // SAFETY: a live context and an empty packet of the same FFmpeg, which it fills.
        let status = unsafe {
            (self.ffmpeg.functions().av_bsf_receive_packet)(
                self.context.as_ptr(),
                packet.as_mut_ptr(),
            )
        };
        match status {
            AVERROR_EAGAIN => Ok(false),
            AVERROR_EOF => {
                self.finished = true;
                Ok(false)
            }
            status => check(&self.ffmpeg, "av_bsf_receive_packet", status).map(|_| true),
        }
    }

    /// Whether the filter has given its last packet after [`BitstreamFilter::send_eof`].
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Drops every packet held and starts anew, as after a seek.
    pub fn flush(&mut self) {
        // SAFETY: a live, initialised context.
        unsafe { (self.ffmpeg.functions().av_bsf_flush)(self.context.as_ptr()) };
        (self.ended, self.finished) = (false, false);
    }
}

impl Drop for BitstreamFilter {
    fn drop(&mut self) {
        let mut context = self.context.as_ptr();
        // SAFETY: allocated by av_bsf_list_parse_str; freed once, with its parameters.
        unsafe { (self.ffmpeg.functions().av_bsf_free)(&mut context) }
    }
}

impl std::fmt::Debug for BitstreamFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BitstreamFilter")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
