//! What a decoder says of a frame beyond its pixels and samples, as ffprobe's `-show_frames`
//! prints it: the packet it came from, its field order and repeats, its place among the
//! pictures, its chroma siting and tags.

use super::Frame;
use crate::abi::packet_origin::PacketOrigin;

impl Frame {
    /// The decoding timestamp of the packet the frame was decoded from (`pkt_dts`), in the
    /// stream's time base; `None` where it had none.
    pub fn packet_dts(&self) -> Option<i64> {
        let dts = self.read(self.ffmpeg.layout().frame.pkt_dts);
        (dts != crate::abi::constants::NOPTS_VALUE).then_some(dts)
    }

    /// The byte position, in its file, of the packet the frame was decoded from (ffprobe's
    /// `pkt_pos`); `None` where the demuxer did not say, and for a frame no [`Decoder`] made.
    ///
    /// # Platform-specific behaviour
    ///
    /// From 6.0 a [`Decoder`] hands each packet's position and size to the frames made of
    /// it itself, as ffprobe does from 6.1 (8.0 dropped the frame's own fields): a frame
    /// gets its whole packet's size even where the decoder made several frames of one
    /// packet, whose own field said what was left of it. Before 6.0, and for frames of 6.x
    /// and 7.x no [`Decoder`] made, the frame's fields answer.
    ///
    /// [`Decoder`]: crate::codec::Decoder
    pub fn packet_position(&self) -> Option<i64> {
        let position = match self.packet_origin() {
            Some(origin) => origin.position,
            None => self.read(self.ffmpeg.layout().frame.pkt_pos?),
        };
        Some(position).filter(|&position| position >= 0)
    }

    /// The size of the packet the frame was decoded from (`pkt_size`); `None` where unknown.
    /// See [`Frame::packet_position`] for where it comes from.
    pub fn packet_size(&self) -> Option<usize> {
        let size = match self.packet_origin() {
            Some(origin) => origin.size,
            None => i64::from(self.read(self.ffmpeg.layout().frame.pkt_size?)),
        };
        usize::try_from(size).ok()
    }

    /// From 6.0: the origin a [`Decoder`](crate::codec::Decoder) attached.
    fn packet_origin(&self) -> Option<PacketOrigin> {
        let layout = self.ffmpeg.layout().packet_origin?;
        // SAFETY: a live frame of the layout's family. Safe code gives a frame no opaque_ref
        // but a decoder's copy of one the crate attached to a packet (see `read`).
        unsafe { layout.read(self.as_ptr()) }
    }

    /// Whether the top field comes first, for an interlaced picture.
    pub fn is_top_field_first(&self) -> bool {
        // SAFETY: a live frame of the layout's family.
        unsafe { self.ffmpeg.layout().frame.is_top_field_first(self.as_ptr()) }
    }

    /// How long to show the picture beyond its duration, in fields (`repeat_pict`: 1 for the
    /// third field of a 3:2 pulldown).
    pub fn repeat_pict(&self) -> i32 {
        self.read(self.ffmpeg.layout().frame.repeat_pict)
    }

    /// The picture's number in coding order and in display order, as the decoders of 4.x to
    /// 6.x numbered them (most leave 0); `None` from 7.0, which dropped them.
    pub fn picture_numbers(&self) -> Option<(i32, i32)> {
        let layout = &self.ffmpeg.layout().frame;
        let (coded, display) = (layout.coded_picture_number?, layout.display_picture_number?);
        Some((self.read(coded), self.read(display)))
    }

    /// Where chroma samples sit relative to luma (`left`, `center`, `topleft`, …); `None`
    /// where unspecified.
    pub fn chroma_location(&self) -> Option<String> {
        let location = self.read(self.ffmpeg.layout().frame.chroma_location);
        crate::media::color::chroma_location_name(&self.ffmpeg, location)
    }

    /// The frame's tags, in order: what a decoder read beside the picture (a PNG's text
    /// chunks, a JPEG's EXIF) or a filter measured (`cropdetect`, `signalstats`).
    pub fn metadata(&self) -> Vec<(String, String)> {
        let dictionary = self.read(self.ffmpeg.layout().frame.metadata);
        // SAFETY: the frame's own dictionary (or NULL), unchanged while `&self` is borrowed,
        // read with that FFmpeg's av_dict_get.
        unsafe { crate::abi::dictionary_entries(dictionary, self.ffmpeg.functions().av_dict_get) }
    }
}
