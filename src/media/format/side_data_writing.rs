//! Side data an [`Output`] gives its streams before its header: what the CLI carries from an
//! input stream to the stream it encodes or copies (display matrix, HDR mastering display and
//! light levels, Dolby Vision, stereo and 360° projections), and what a caller says of a
//! stream it makes (its turn, its HDR mastering display and light levels, its stereo packing
//! and projection).

use std::ffi::c_int;

use super::output::Output;
use super::side_data::{SideData, packet_kind, packet_kind_name};
use crate::ffmpeg::error::{Error, Result};
use crate::media::frame::FrameSideData;
use crate::media::packet::out_of_memory;
use crate::media::side_data::{SideDataValue, encode_for};
use crate::sys::objects::AVStream;

impl Output {
    /// Gives output stream `index` a copy of `side_data`, an input stream's entry (see
    /// [`Stream::side_data`](super::Stream::side_data)), replacing one of the same kind: what
    /// the CLI does for every entry but the CPB properties when it encodes a stream, so that
    /// an HDR video keeps its mastering display and light levels. The muxer writes the kinds
    /// its format holds (MP4: the turn, mastering display, light levels; Matroska: stereo,
    /// projection, HDR, Dolby Vision) and ignores the rest. Copying a display matrix keeps
    /// the turn: leave it out where the pictures were turned upright.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfOrder`] after the header; [`Error::StreamNotFound`] for an index no
    /// stream has; [`Error::ForeignObject`] for side data of another loaded FFmpeg (its bytes
    /// are that release's structs).
    pub fn copy_side_data(&mut self, index: usize, side_data: &SideData<'_>) -> Result<()> {
        self.ffmpeg()
            .ensure_same(side_data.ffmpeg(), "Output::copy_side_data", "side data")?;
        self.expect_configuring("Output::copy_side_data")?;
        let stream = self.stream_ptr(index)?;
        // SAFETY: a stream of this output, not yet written; the entry's bytes are a struct
        // of this loaded FFmpeg, of the kind it names.
        unsafe { self.attach_side_data(stream, side_data.kind(), side_data.bytes()) }
    }

    /// Gives output stream `index` a copy of a frame's side data of a kind streams hold too
    /// ([`FrameSideData::stream_kind`](crate::FrameSideData::stream_kind): a mastering
    /// display, light levels, a projection…),
    /// replacing one of the same kind: what encoders from 7.1 do with those of the first
    /// frame they are given, which the CLI gives them (an HEVC's HDR10 metadata, which its
    /// SEI messages carry and its container may not, reaches the new container so).
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a picture's own kind (captions, SEI messages, timecodes)
    /// or one the release has no stream kind for; [`Error::OutOfOrder`] after the header;
    /// [`Error::StreamNotFound`] for an index no stream has; [`Error::ForeignObject`] for
    /// side data of another loaded FFmpeg.
    pub fn copy_frame_side_data(
        &mut self,
        index: usize,
        side_data: &FrameSideData<'_>,
    ) -> Result<()> {
        const OPERATION: &str = "Output::copy_frame_side_data";
        self.ffmpeg()
            .ensure_same(side_data.ffmpeg(), OPERATION, "frame side data")?;
        let kind = (side_data.stream_kind())
            .filter(|&kind| packet_kind_name(self.ffmpeg(), kind).is_some())
            .ok_or_else(|| Error::unsupported(OPERATION, "a picture's own kind of side data"))?;
        self.expect_configuring(OPERATION)?;
        let stream = self.stream_ptr(index)?;
        // SAFETY: a stream of this output, not yet written; the frame entry's bytes are this
        // loaded FFmpeg's struct of a kind whose stream kind has the same struct.
        unsafe { self.attach_side_data(stream, kind, side_data.bytes()) }
    }

    /// Gives output stream `index` side data that says `value`, replacing one of the same
    /// kind: what the muxer writes of the stream beside its packets. A display matrix turns
    /// the pictures for display (MP4's track header; see [`SideDataValue::display_turned`]);
    /// a mastering display and light levels are HDR10's static metadata (MP4's `mdcv` and
    /// `clli`, Matroska's colour elements); a stereo packing and a projection are Matroska's
    /// `StereoMode` and `Projection`, and from 7.1 a stereo camera is QuickTime's `vexu` (a
    /// spatial video); from 7.1 an ambient viewing environment is MP4's `amve`, and a
    /// cropping ([`SideDataValue::FrameCropping`]) MP4's `clap` and Matroska's `PixelCrop*`.
    /// The kinds are those [`Frame::add_side_data`] writes, but timecodes, captions and SEI
    /// messages, which are a picture's, and the cropping, which only a stream has; a muxer
    /// ignores those its format cannot hold.
    ///
    /// [`Frame::add_side_data`]: crate::Frame::add_side_data
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a value of another kind, of a kind the loaded release
    /// does not know (HDR10+ before 4.4, the ambient viewing environment before 7.0, the
    /// cropping before 7.1), or that its struct cannot hold (as for
    /// [`Frame::add_side_data`]); [`Error::OutOfOrder`] after the header;
    /// [`Error::StreamNotFound`] for an index no stream has.
    pub fn add_side_data(&mut self, index: usize, value: &SideDataValue) -> Result<()> {
        const OPERATION: &str = "Output::add_side_data";
        let (meaning, bytes) = encode_for(self.ffmpeg(), value)
            .map_err(|detail| Error::unsupported(OPERATION, detail))?;
        let kind = packet_kind(meaning)
            .filter(|&kind| packet_kind_name(self.ffmpeg(), kind).is_some())
            .ok_or_else(|| Error::unsupported(OPERATION, "not stream side data of this release"))?;
        self.expect_configuring(OPERATION)?;
        let stream = self.stream_ptr(index)?;
        // SAFETY: a stream of this output, not yet written; `encode_for` gave the bytes of
        // this loaded release's struct of `kind`, a kind the release knows.
        unsafe { self.attach_side_data(stream, kind, &bytes) }
    }

    /// Adds `bytes` as side data of `kind` to `stream`, where the family keeps it: in the
    /// codec parameters from 6.1, on the stream before.
    ///
    /// # Safety
    ///
    /// `stream` is a live stream of this output, not yet written; `bytes` are what this
    /// loaded FFmpeg gave as side data of `kind`.
    pub(super) unsafe fn attach_side_data(
        &self,
        stream: *mut AVStream,
        kind: u32,
        bytes: &[u8],
    ) -> Result<()> {
        let ffmpeg = self.ffmpeg();
        let (f, layout) = (ffmpeg.functions(), ffmpeg.layout());
        let kind =
            c_int::try_from(kind).map_err(|_| Error::out_of_range("side data kind", kind))?;
        let parameters_side_data = (
            layout.codec_parameters.coded_side_data,
            layout.codec_parameters.nb_coded_side_data,
            f.av_packet_side_data_new,
        );
        // SAFETY: per the contract; FFmpeg allocates `bytes.len()` bytes it owns, or
        // returns NULL, and the copy fills them.
        let target = unsafe {
            match (parameters_side_data, f.av_stream_new_side_data) {
                ((Some(entries), Some(count), Some(new)), _) => {
                    let parameters = layout.stream.codecpar.read(stream);
                    let entry = new(
                        entries.address(parameters).cast_mut(),
                        count.address(parameters).cast_mut(),
                        kind,
                        bytes.len(),
                        0,
                    );
                    match entry.is_null() {
                        true => std::ptr::null_mut(),
                        false => layout.packet_side_data.data.read(entry).cast_mut(),
                    }
                }
                (_, Some(new)) => new(stream, kind, bytes.len() as u64),
                _ => return Ok(()),
            }
        };
        if target.is_null() {
            return Err(out_of_memory(ffmpeg, "side data"));
        }
        // SAFETY: `target` has room for `bytes.len()` bytes and is not `bytes`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), target, bytes.len()) };
        Ok(())
    }
}
