//! [`AudioFifo`]: audio samples buffered and cut into frames of the size an encoder wants.

use std::ffi::c_int;
use std::ptr::NonNull;

use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result, check};
use crate::media::channel_layout::{ChannelLayout, ChannelLayoutArg};
use crate::media::formats::{FormatArg, SampleFormat};
use crate::media::frame::Frame;
use crate::media::packet::out_of_memory;
use crate::sys::objects::AVAudioFifo;

/// A queue of audio samples of one format (`AVAudioFifo`): frames of any size go in, frames
/// of the size asked for come out. Encoders such as AAC (1024 samples) or Opus (960) need
/// exactly [`Encoder::frame_size`](crate::media::codec::Encoder::frame_size) samples a frame.
pub struct AudioFifo {
    ffmpeg: Ffmpeg,
    fifo: NonNull<AVAudioFifo>,
    format: c_int,
    sample_rate: u32,
    channel_layout: ChannelLayout,
}

// SAFETY: an AVAudioFifo is plain memory used by one thread at a time (`AudioFifo` is not
// `Sync`).
unsafe impl Send for AudioFifo {}

impl AudioFifo {
    /// An empty queue for audio of this sample format (by FFmpeg's name or resolved), rate
    /// and channel layout (a [`ChannelLayout`], its name, or a count for its default layout),
    /// which the frames it gives out carry. It grows as needed.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`] for an unknown format name, [`Error::Incompatible`] for a
    /// [`SampleFormat`](crate::SampleFormat) of another libavutil major,
    /// [`Error::OutOfRange`] for a zero channel count, [`Error::UnknownName`] for an unknown
    /// layout name.
    pub fn new(
        ffmpeg: &Ffmpeg,
        sample_format: impl FormatArg<SampleFormat>,
        sample_rate: u32,
        channel_layout: impl ChannelLayoutArg,
    ) -> Result<AudioFifo> {
        let format = sample_format.number_in(ffmpeg)?;
        let channel_layout = channel_layout.layout_in(ffmpeg)?;
        let channels = channel_layout.channels();
        let count = c_int::try_from(channels)
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| Error::out_of_range("channels", channels))?;
        // SAFETY: allocates an empty queue, or NULL.
        let fifo = unsafe { (ffmpeg.functions().av_audio_fifo_alloc)(format, count, 1024) };
        let fifo =
            NonNull::new(fifo).ok_or_else(|| out_of_memory(ffmpeg, "av_audio_fifo_alloc"))?;
        Ok(AudioFifo {
            ffmpeg: ffmpeg.clone(),
            fifo,
            format,
            sample_rate,
            channel_layout,
        })
    }

    /// Samples per channel queued.
    pub fn len(&self) -> usize {
        // SAFETY: a live queue.
        unsafe { (self.ffmpeg.functions().av_audio_fifo_size)(self.fifo.as_ptr()) }.max(0) as usize
    }

    /// Whether no sample is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Queues the samples of `frame`; an audio frame of no samples adds nothing.
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`] for a picture, or audio whose format, rate or channel count
    /// is not the queue's; [`Error::ForeignObject`] for a frame of another loaded FFmpeg;
    /// FFmpeg's error when it cannot grow.
    pub fn push(&mut self, frame: &Frame) -> Result<()> {
        self.ffmpeg
            .ensure_same(frame.ffmpeg(), "AudioFifo::push", "frame")?;
        if frame.width() > 0 {
            return Err(Error::incompatible(
                "AudioFifo::push",
                "a picture into a queue of audio samples",
            ));
        }
        if frame.samples() == 0 {
            return Ok(());
        }
        let queue = (
            self.format,
            self.sample_rate,
            Some(self.channel_layout.channels()),
        );
        if (frame.format(), frame.sample_rate(), frame.channels()) != queue
            || frame.planes().next().is_none()
        {
            return Err(Error::incompatible(
                "AudioFifo::push",
                format!(
                    "a {:?} frame at {} Hz with {:?} channels into a queue of {} at {} Hz with {} \
                 channels",
                    frame.format_name(),
                    frame.sample_rate(),
                    frame.channels(),
                    crate::media::formats::format_name(&self.ffmpeg, false, self.format)
                        .unwrap_or_default(),
                    self.sample_rate,
                    self.channel_layout.channels()
                ),
            ));
        }
        let samples = c_int::try_from(frame.samples())
            .map_err(|_| Error::out_of_range("samples", frame.samples()))?;
        // SAFETY: a frame of this loaded FFmpeg whose planes hold `samples` samples of the
        // queue's format and channel count.
        let written = unsafe {
            (self.ffmpeg.functions().av_audio_fifo_write)(
                self.fifo.as_ptr(),
                frame.extended_data(),
                samples,
            )
        };
        check(&self.ffmpeg, "av_audio_fifo_write", written).map(drop)
    }

    /// Moves up to `samples` samples per channel, oldest first, into `frame` (whatever it held
    /// is replaced): `Ok(false)` and an empty frame when the queue is empty.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`] for a frame of another loaded FFmpeg; FFmpeg's error when it
    /// cannot allocate the frame's buffers.
    pub fn pop(&mut self, samples: usize, frame: &mut Frame) -> Result<bool> {
        self.ffmpeg
            .ensure_same(frame.ffmpeg(), "AudioFifo::pop", "frame")?;
        let count = samples.min(self.len());
        frame.clear();
        if count == 0 {
            return Ok(false);
        }
        frame.allocate_audio(count, self.format, self.sample_rate, &self.channel_layout)?;
        // SAFETY: the frame was just given buffers for `count` samples of the queue's format
        // and layout, and the queue holds at least that many.
        let read = unsafe {
            (self.ffmpeg.functions().av_audio_fifo_read)(
                self.fifo.as_ptr(),
                frame.extended_data(),
                count as c_int,
            )
        };
        if read < 0 {
            // The buffers were never filled: leave nothing uninitialised behind.
            frame.clear();
        }
        check(&self.ffmpeg, "av_audio_fifo_read", read).map(|_| true)
    }
}

impl Drop for AudioFifo {
    fn drop(&mut self) {
        // SAFETY: allocated by av_audio_fifo_alloc; freed once.
        unsafe { (self.ffmpeg.functions().av_audio_fifo_free)(self.fifo.as_ptr()) }
    }
}

impl std::fmt::Debug for AudioFifo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioFifo")
            .field("samples", &self.len())
            .field("channel_layout", &self.channel_layout.name())
            .finish_non_exhaustive()
    }
}
