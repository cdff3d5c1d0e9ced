//! [`Stream`]: one stream of an [`Input`](super::Input).

use std::ffi::c_int;
use std::ptr::NonNull;

use super::input::Input;
use crate::abi::constants::{
    DISCARD_ALL, MEDIA_TYPE_ATTACHMENT, MEDIA_TYPE_AUDIO, MEDIA_TYPE_DATA, MEDIA_TYPE_SUBTITLE,
    MEDIA_TYPE_VIDEO, NOPTS_VALUE, STREAM_EVENT_FLAG_NEW_PACKETS,
};
use crate::media::channel_layout::ChannelLayout;
use crate::media::formats::{PixelFormat, SampleFormat};
use crate::sys::Rational;
use crate::sys::objects::{AVCodecParameters, AVStream};

/// The kind of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaType {
    /// Pictures.
    Video,
    /// Sound.
    Audio,
    /// Subtitles.
    Subtitle,
    /// Timed data that no decoder turns into media (a QuickTime timecode track, KLV, SCTE-35
    /// cues).
    Data,
    /// A file carried whole in the container (a Matroska font or cover).
    Attachment,
    /// A kind FFmpeg does not know.
    Other,
}

impl MediaType {
    pub(crate) fn raw(self) -> i32 {
        match self {
            MediaType::Video => MEDIA_TYPE_VIDEO,
            MediaType::Audio => MEDIA_TYPE_AUDIO,
            MediaType::Subtitle => MEDIA_TYPE_SUBTITLE,
            MediaType::Data => MEDIA_TYPE_DATA,
            MediaType::Attachment => MEDIA_TYPE_ATTACHMENT,
            MediaType::Other => -1,
        }
    }

    pub(crate) fn from_raw(raw: i32) -> MediaType {
        match raw {
            MEDIA_TYPE_VIDEO => MediaType::Video,
            MEDIA_TYPE_AUDIO => MediaType::Audio,
            MEDIA_TYPE_SUBTITLE => MediaType::Subtitle,
            MEDIA_TYPE_DATA => MediaType::Data,
            MEDIA_TYPE_ATTACHMENT => MediaType::Attachment,
            _ => MediaType::Other,
        }
    }
}

impl std::fmt::Display for MediaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MediaType::Video => "video",
            MediaType::Audio => "audio",
            MediaType::Subtitle => "subtitle",
            MediaType::Data => "data",
            MediaType::Attachment => "attachment",
            MediaType::Other => "other",
        })
    }
}

/// A stream of an open input, borrowed from it.
#[derive(Clone, Copy)]
pub struct Stream<'a> {
    input: &'a Input,
    stream: NonNull<AVStream>,
}

impl<'a> Stream<'a> {
    pub(super) fn new(input: &'a Input, stream: NonNull<AVStream>) -> Self {
        Stream { input, stream }
    }

    /// The live `AVStream`, owned by the borrowed input.
    pub(super) fn as_ptr(&self) -> *const AVStream {
        self.stream.as_ptr()
    }

    /// The open input's format context, for FFmpeg's functions that take a stream with it.
    pub(super) fn input_context(&self) -> *mut crate::sys::objects::AVFormatContext {
        self.input.context_ptr()
    }

    pub(super) fn read<T: Copy>(&self, field: crate::abi::Field<AVStream, T>) -> T {
        // SAFETY: a live AVStream owned by the borrowed input, of the layout's family.
        unsafe { field.read(self.stream.as_ptr()) }
    }

    /// The FFmpeg of the input it belongs to.
    pub fn ffmpeg(&self) -> &crate::ffmpeg::Ffmpeg {
        self.input.ffmpeg()
    }

    pub(crate) fn parameters(&self) -> *mut AVCodecParameters {
        self.read(self.input.ffmpeg().layout().stream.codecpar)
    }

    pub(super) fn parameter<T: Copy>(&self, field: crate::abi::Field<AVCodecParameters, T>) -> T {
        // SAFETY: every stream has its live AVCodecParameters.
        unsafe { field.read(self.parameters()) }
    }

    /// Whether any of its packets were read so far: `codec_info_nb_frames` on 4.x, the
    /// `AVSTREAM_EVENT_FLAG_NEW_PACKETS` flag (which nothing clears) from 5.x.
    pub(super) fn packets_were_read(&self) -> bool {
        let layout = &self.input.ffmpeg().layout().stream;
        match layout.codec_info_nb_frames {
            Some(frames) => self.read(frames) > 0,
            None => self.read(layout.event_flags) & STREAM_EVENT_FLAG_NEW_PACKETS != 0,
        }
    }

    /// Its index in the input.
    pub fn index(&self) -> usize {
        self.read(self.input.ffmpeg().layout().stream.index).max(0) as usize
    }

    /// Video, audio, …
    pub fn media_type(&self) -> MediaType {
        MediaType::from_raw(
            self.parameter(self.input.ffmpeg().layout().codec_parameters.codec_type),
        )
    }

    /// The codec, to open FFmpeg's preferred encoder for it
    /// ([`Encoder::video`](crate::media::codec::Encoder::video)) or compare with
    /// [`Ffmpeg::codec_id`](crate::Ffmpeg::codec_id).
    pub fn codec_id(&self) -> crate::media::codec::CodecId {
        crate::media::codec::CodecId::new(self.input.ffmpeg(), self.codec_number())
    }

    /// The codec's number in this release (`AVCodecID`), for FFmpeg's lookups by codec.
    pub(super) fn codec_number(&self) -> u32 {
        self.parameter(self.input.ffmpeg().layout().codec_parameters.codec_id)
    }

    /// The codec's name (`h264`, `aac`, …).
    pub fn codec_name(&self) -> String {
        self.codec_id().name().to_owned()
    }

    /// The time base its timestamps count in.
    pub fn time_base(&self) -> Rational {
        self.read(self.input.ffmpeg().layout().stream.time_base)
    }

    /// The frame rate: the average where the demuxer knows it,
    /// else FFmpeg's guess of the base rate (`r_frame_rate`, as for Matroska files without
    /// stream durations).
    pub fn frame_rate(&self) -> Option<Rational> {
        let layout = &self.input.ffmpeg().layout().stream;
        [layout.avg_frame_rate, layout.r_frame_rate]
            .into_iter()
            .map(|field| self.read(field))
            .find(|rate| rate.is_positive())
    }

    /// Duration in the stream's time base, when known.
    pub fn duration(&self) -> Option<i64> {
        Some(self.read(self.input.ffmpeg().layout().stream.duration)).filter(|&d| d != NOPTS_VALUE)
    }

    /// Picture width (0 for audio).
    pub fn width(&self) -> u32 {
        self.parameter(self.input.ffmpeg().layout().codec_parameters.width)
            .max(0) as u32
    }

    /// Picture height (0 for audio).
    pub fn height(&self) -> u32 {
        self.parameter(self.input.ffmpeg().layout().codec_parameters.height)
            .max(0) as u32
    }

    /// The stream's metadata (`language`, `title`, `handler_name`, …), in order.
    pub fn metadata(&self) -> Vec<(String, String)> {
        let ffmpeg = self.input.ffmpeg();
        let dictionary = self.read(ffmpeg.layout().stream.metadata);
        // SAFETY: the stream's own dictionary, read with that FFmpeg's av_dict_get.
        unsafe { crate::abi::dictionary_entries(dictionary, ffmpeg.functions().av_dict_get) }
    }

    /// The language tag, when the container gives one (`eng`, `fra`, …).
    pub fn language(&self) -> Option<String> {
        self.metadata()
            .into_iter()
            .find(|(key, _)| key == "language")
            .map(|(_, value)| value)
    }

    /// FFmpeg's `AV_DISPOSITION_*` bits (default 1, dub 2, original 4, comment 8, forced
    /// 0x40, hearing impaired 0x80, visual impaired 0x100, attached picture 0x400, …).
    pub fn disposition(&self) -> u32 {
        self.read(self.input.ffmpeg().layout().stream.disposition) as u32
    }

    /// Whether the stream is discarded ([`Input::set_discarded`](super::Input::set_discarded)).
    pub fn is_discarded(&self) -> bool {
        self.read(self.input.ffmpeg().layout().stream.discard) == DISCARD_ALL
    }

    /// Whether the stream is marked as the default of its kind.
    pub fn is_default(&self) -> bool {
        self.disposition() & 1 != 0
    }

    /// Whether the stream is a cover picture rather than video (`AV_DISPOSITION_ATTACHED_PIC`).
    pub fn is_attached_picture(&self) -> bool {
        self.disposition() & 0x400 != 0
    }

    /// The clockwise rotation to apply for display, in degrees (0, 90, 180 or 270 for the usual
    /// phone video), from the stream's display matrix; `None` when it has none.
    pub fn rotation(&self) -> Option<i32> {
        let (_, counterclockwise) = self.display_matrix_entry()?;
        Some((-counterclockwise?).round().rem_euclid(360.0) as i32)
    }

    /// The stream's display matrix (`AV_PKT_DATA_DISPLAYMATRIX`): the nine values, row by
    /// row, that turn or mirror its pictures for display; `None` when it has none. See
    /// [`upright_filters_for`](crate::filter::upright_filters_for).
    pub fn display_matrix(&self) -> Option<[i32; 9]> {
        Some(self.display_matrix_entry()?.0)
    }

    /// The display matrix entry's values and turn; a stream has at most one.
    fn display_matrix_entry(&self) -> Option<([i32; 9], Option<f64>)> {
        self.side_data()
            .iter()
            .find_map(|entry| match entry.value() {
                super::SideDataValue::DisplayMatrix {
                    matrix,
                    counterclockwise,
                } => Some((matrix, counterclockwise)),
                _ => None,
            })
    }

    /// The stream's side data, in the order the demuxer added it (ffprobe's `side_data_list`):
    /// display matrix, HDR mastering display and light levels, CPB properties, ….
    pub fn side_data(&self) -> Vec<super::SideData<'_>> {
        let ffmpeg = self.input.ffmpeg();
        let layout = ffmpeg.layout();
        let (p, s) = (&layout.codec_parameters, &layout.stream);
        // SAFETY: the array and count of the live stream or its parameters, at the family's
        // offsets; both live, unchanged, while the stream is borrowed.
        let entries = unsafe {
            match (
                p.coded_side_data,
                p.nb_coded_side_data,
                s.side_data,
                s.nb_side_data,
            ) {
                (Some(data), Some(count), _, _) => layout
                    .packet_side_data
                    .entries(data.read(self.parameters()), count.read(self.parameters())),
                (None, _, Some(data), Some(count)) => layout.packet_side_data.entries(
                    data.read(self.stream.as_ptr()),
                    count.read(self.stream.as_ptr()),
                ),
                _ => Vec::new(),
            }
        };
        entries
            .into_iter()
            .map(|(kind, bytes)| super::SideData::new(ffmpeg, kind, bytes))
            .collect()
    }

    /// The pixel format of video (its name: `yuv420p10le`); `None` for other kinds or when
    /// the demuxer could not tell.
    pub fn pixel_format(&self) -> Option<PixelFormat> {
        let number = self.format_number(MediaType::Video)?;
        self.input.ffmpeg().pixel_format_numbered(number)
    }

    /// The sample format of audio (its name: `fltp`, `s16`); `None` for other kinds or when
    /// unknown.
    pub fn sample_format(&self) -> Option<SampleFormat> {
        let number = self.format_number(MediaType::Audio)?;
        self.input.ffmpeg().sample_format_numbered(number)
    }

    fn format_number(&self, kind: MediaType) -> Option<c_int> {
        (self.media_type() == kind)
            .then(|| self.parameter(self.input.ffmpeg().layout().codec_parameters.format))
    }

    /// The colour description of video, as the container or codec header gives it.
    pub fn color(&self) -> crate::media::color::Color {
        let fields = self.input.ffmpeg().layout().codec_parameters.color;
        // SAFETY: the stream's live parameters, of the layout's family.
        unsafe { crate::media::color::read(self.input.ffmpeg(), self.parameters(), fields) }
    }

    /// The shape of a pixel (width : height) for video that is not square-pixelled (DVDs,
    /// anamorphic HD); `None` for square or unknown.
    pub fn sample_aspect_ratio(&self) -> Option<Rational> {
        let layout = self.input.ffmpeg().layout();
        let container = self.read(layout.stream.sample_aspect_ratio);
        let codec = self.parameter(layout.codec_parameters.sample_aspect_ratio);
        [container, codec]
            .into_iter()
            .find(|r| r.is_positive())
            .filter(|r| r.num != r.den)
    }

    /// Audio channel count, when known (`None` for video), as [`Frame::channels`](crate::Frame::channels).
    pub fn channels(&self) -> Option<u32> {
        let fields = self.channel_fields();
        // SAFETY: the stream's live parameters, of the layout's family.
        let count = unsafe { fields.count(self.parameters()) };
        count.filter(|&c| c > 0).map(|c| c as u32)
    }

    /// The audio channel layout (its name: `stereo`, `5.1(side)`); `None` for video.
    pub fn channel_layout(&self) -> Option<ChannelLayout> {
        let fields = self.channel_fields();
        // SAFETY: the stream's live parameters, of the layout's family.
        unsafe {
            crate::media::channel_layout::read(self.input.ffmpeg(), self.parameters(), fields)
        }
    }

    fn channel_fields(&self) -> crate::abi::ChannelFields<AVCodecParameters> {
        self.input
            .ffmpeg()
            .layout()
            .codec_parameters
            .channel_fields()
    }

    /// Audio sample rate (0 for video).
    pub fn sample_rate(&self) -> u32 {
        self.parameter(self.input.ffmpeg().layout().codec_parameters.sample_rate)
            .max(0) as u32
    }

    /// Samples in every audio frame, where the codec's frames are all one size (AAC's 1024,
    /// MP3's 1152); `None` where they vary (Vorbis, Opus, FLAC, PCM) or for video.
    pub fn frame_size(&self) -> Option<u32> {
        let samples = self.parameter(self.input.ffmpeg().layout().codec_parameters.frame_size);
        u32::try_from(samples).ok().filter(|&samples| samples > 0)
    }
}

impl std::fmt::Debug for Stream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("index", &self.index())
            .field("media_type", &self.media_type())
            .field("codec", &self.codec_name())
            .field("time_base", &self.time_base())
            .finish()
    }
}
