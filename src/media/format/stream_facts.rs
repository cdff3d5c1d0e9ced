//! What ffprobe shows of a [`Stream`] beyond what decoding needs: codec description,
//! profile and level, rates, counts, start, field order, dispositions.

use std::ffi::c_int;

use super::stream::Stream;
use crate::abi::constants::{
    FIELD_BB, FIELD_BT, FIELD_PROGRESSIVE, FIELD_TB, FIELD_TT, LEVEL_UNKNOWN, NOPTS_VALUE,
    PROFILE_UNKNOWN,
};
use crate::sys::Rational;

/// How the lines of interlaced video are ordered (`AVFieldOrder`), named as ffprobe names
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldOrder {
    /// Not said.
    Unknown,
    /// Whole pictures.
    Progressive,
    /// Top field coded and shown first (`tt`).
    TopFirst,
    /// Bottom field coded and shown first (`bb`).
    BottomFirst,
    /// Top field coded first, bottom shown first (`tb`).
    TopCodedBottomFirst,
    /// Bottom field coded first, top shown first (`bt`).
    BottomCodedTopFirst,
}

impl FieldOrder {
    fn from_raw(raw: u32) -> FieldOrder {
        match raw {
            FIELD_PROGRESSIVE => FieldOrder::Progressive,
            FIELD_TT => FieldOrder::TopFirst,
            FIELD_BB => FieldOrder::BottomFirst,
            FIELD_TB => FieldOrder::TopCodedBottomFirst,
            FIELD_BT => FieldOrder::BottomCodedTopFirst,
            _ => FieldOrder::Unknown,
        }
    }

    /// FFmpeg's number (`AVFieldOrder`).
    pub(crate) fn to_raw(self) -> u32 {
        match self {
            FieldOrder::Unknown => 0,
            FieldOrder::Progressive => FIELD_PROGRESSIVE,
            FieldOrder::TopFirst => FIELD_TT,
            FieldOrder::BottomFirst => FIELD_BB,
            FieldOrder::TopCodedBottomFirst => FIELD_TB,
            FieldOrder::BottomCodedTopFirst => FIELD_BT,
        }
    }

    /// ffprobe's name: `progressive`, `tt`, `bb`, `tb`, `bt`, `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            FieldOrder::Unknown => "unknown",
            FieldOrder::Progressive => "progressive",
            FieldOrder::TopFirst => "tt",
            FieldOrder::BottomFirst => "bb",
            FieldOrder::TopCodedBottomFirst => "tb",
            FieldOrder::BottomCodedTopFirst => "bt",
        }
    }
}

/// The `AV_DISPOSITION_*` bits FFmpeg 4.x defines, with the names later releases give them
/// (4.x has no `av_disposition_to_string`).
const DISPOSITIONS_4X: [(&str, u32); 17] = [
    ("default", 0x1),
    ("dub", 0x2),
    ("original", 0x4),
    ("comment", 0x8),
    ("lyrics", 0x10),
    ("karaoke", 0x20),
    ("forced", 0x40),
    ("hearing_impaired", 0x80),
    ("visual_impaired", 0x100),
    ("clean_effects", 0x200),
    ("attached_pic", 0x400),
    ("timed_thumbnails", 0x800),
    ("captions", 0x10000),
    ("descriptions", 0x20000),
    ("metadata", 0x40000),
    ("dependent", 0x80000),
    ("still_image", 0x100000),
];

impl Stream<'_> {
    /// The format's own id of the stream (an MPEG-TS PID, an MP4 track id).
    pub fn id(&self) -> i32 {
        self.read(self.ffmpeg().layout().stream.id)
    }

    /// The codec's descriptive name (`H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10`); `None`
    /// for a codec FFmpeg does not describe.
    pub fn codec_long_name(&self) -> Option<String> {
        let number = self.codec_number();
        // SAFETY: a lookup in the static descriptor table of the loaded library.
        unsafe {
            let descriptor = (self.ffmpeg().functions().avcodec_descriptor_get)(number);
            crate::abi::codec_descriptor_long_name(descriptor).map(str::to_owned)
        }
    }

    /// The codec's profile number, when said.
    pub fn profile(&self) -> Option<i32> {
        let profile = self.parameter(self.ffmpeg().layout().codec_parameters.profile);
        (profile != PROFILE_UNKNOWN).then_some(profile)
    }

    /// FFmpeg's name of the profile (`High`, `LC`, `Main 10`), where it has one.
    pub fn profile_name(&self) -> Option<String> {
        let profile = self.profile()?;
        let number = self.codec_number();
        // SAFETY: a lookup in static tables; NULL for profiles without a name.
        unsafe {
            let name = (self.ffmpeg().functions().avcodec_profile_name)(number, profile);
            crate::sys::c_text_in(name).map(str::to_owned)
        }
    }

    /// The codec's level (H.264's 4.1 is 41), when said.
    pub fn level(&self) -> Option<i32> {
        let level = self.parameter(self.ffmpeg().layout().codec_parameters.level);
        (level != LEVEL_UNKNOWN).then_some(level)
    }

    /// The container's code for the codec (an MP4 `avc1` as `0x31637661`); 0 where none.
    pub fn codec_tag(&self) -> u32 {
        self.parameter(self.ffmpeg().layout().codec_parameters.codec_tag)
    }

    /// The bit rate the container or codec header states, in bits per second.
    pub fn bit_rate(&self) -> Option<u64> {
        let rate = self.parameter(self.ffmpeg().layout().codec_parameters.bit_rate);
        u64::try_from(rate).ok().filter(|&rate| rate > 0)
    }

    /// The number of frames the container states (not counted).
    pub fn frame_count(&self) -> Option<u64> {
        let count = self.read(self.ffmpeg().layout().stream.nb_frames);
        u64::try_from(count).ok().filter(|&count| count > 0)
    }

    /// The first timestamp, in the stream's time base.
    pub fn start_time(&self) -> Option<i64> {
        Some(self.read(self.ffmpeg().layout().stream.start_time)).filter(|&t| t != NOPTS_VALUE)
    }

    /// FFmpeg's guess of the lowest rate all timestamps fit (`r_frame_rate`); `0/0` or
    /// `0/1` when unknown, as ffprobe shows it.
    pub fn real_frame_rate(&self) -> Rational {
        self.read(self.ffmpeg().layout().stream.r_frame_rate)
    }

    /// The rate FFmpeg's `av_guess_frame_rate` gives the stream, which the CLI gives its
    /// filters and encoders: the base rate (`r_frame_rate`), unless that is a field rate far
    /// above a plausible average, or (for codecs of fields, such as H.264) the codec's own
    /// rate is well below it; `None` when none is known.
    pub fn guessed_frame_rate(&self) -> Option<Rational> {
        let functions = self.ffmpeg().functions();
        // SAFETY: the open input and one of its streams, which the call only reads; no frame.
        let rate = unsafe {
            (functions.av_guess_frame_rate)(
                self.input_context(),
                self.as_ptr().cast_mut(),
                std::ptr::null_mut(),
            )
        };
        Some(rate).filter(|r| r.is_positive())
    }

    /// The average frame rate (`avg_frame_rate`); `0/0` when unknown.
    pub fn average_frame_rate(&self) -> Rational {
        self.read(self.ffmpeg().layout().stream.avg_frame_rate)
    }

    /// The codec's name in a MIME type's `codecs` parameter (RFC 6381: `avc1.64000d`,
    /// `mp4a.40.2`, `opus`), from its profile, level and average frame rate, as ffprobe from
    /// 8.1 prints it (`mime_codec_string`). `None` where libavformat names none, and before
    /// libavformat 62.7 (8.1), which first names them.
    pub fn mime_codec_string(&self) -> Option<String> {
        let functions = self.ffmpeg().functions();
        // SAFETY: the stream's live codec parameters, of the loaded family.
        unsafe {
            crate::abi::mime_codec_string(functions, self.parameters(), self.average_frame_rate())
        }
    }

    /// The shape of a pixel as FFmpeg guesses it (`av_guess_sample_aspect_ratio`): the
    /// container's, else the codec header's, in lowest terms, `1:1` included; `None` when
    /// neither says.
    pub fn pixel_aspect_ratio(&self) -> Option<Rational> {
        self.container_aspect_ratio()
            .or_else(|| self.codec_aspect_ratio())
    }

    /// The shape of a pixel as the container states it (Matroska's display size, MP4's
    /// `pasp`), in lowest terms; `None` where it says nothing. The ffmpeg CLI gives each
    /// decoded picture this shape in place of the codec's before filtering it.
    pub fn container_aspect_ratio(&self) -> Option<Rational> {
        first_shape([self.read(self.ffmpeg().layout().stream.sample_aspect_ratio)])
    }

    /// The shape of a pixel as the codec's parameters state it, in lowest terms; `None`
    /// where they say nothing. The ffmpeg CLI sets its graph up from this, not the
    /// container's, where the stream ends before a picture was decoded.
    pub fn codec_aspect_ratio(&self) -> Option<Rational> {
        let codec = self.parameter(self.ffmpeg().layout().codec_parameters.sample_aspect_ratio);
        first_shape([codec])
    }

    /// The shape of `frame`'s pixels as FFmpeg guesses it for this stream
    /// (`av_guess_sample_aspect_ratio` with a frame, as ffprobe's `-show_frames` prints it):
    /// the container's, else the frame's, in lowest terms; `None` when neither says.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignObject`](crate::Error::ForeignObject) for a frame of another loaded
    /// FFmpeg.
    pub fn frame_aspect_ratio(
        &self,
        frame: &crate::media::frame::Frame,
    ) -> crate::ffmpeg::error::Result<Option<Rational>> {
        let ffmpeg = self.ffmpeg();
        ffmpeg.ensure_same(frame.ffmpeg(), "Stream::frame_aspect_ratio", "frame")?;
        Ok(self
            .container_aspect_ratio()
            .or_else(|| first_shape(frame.sample_aspect_ratio())))
    }

    /// The size of the codec's out-of-band header (`extradata`) in bytes.
    pub fn extradata_size(&self) -> usize {
        let size = self.parameter(self.ffmpeg().layout().codec_parameters.extradata_size);
        size.max(0) as usize
    }

    /// How the lines of video are ordered.
    pub fn field_order(&self) -> FieldOrder {
        FieldOrder::from_raw(self.parameter(self.ffmpeg().layout().codec_parameters.field_order))
    }

    /// Bits of each sample or pixel component before coding (8 or 10 for video), when said.
    pub fn bits_per_raw_sample(&self) -> Option<u32> {
        let bits = self.parameter(self.ffmpeg().layout().codec_parameters.bits_per_raw_sample);
        u32::try_from(bits).ok().filter(|&bits| bits > 0)
    }

    /// How many frames a decoder of this video holds back before it gives the first, to
    /// put B-frames in display order, as the headers say (ffprobe's `has_b_frames`); 0 for
    /// video without reordering, and for audio.
    pub fn video_delay(&self) -> u32 {
        let delay = self.parameter(self.ffmpeg().layout().codec_parameters.video_delay);
        delay.max(0) as u32
    }

    /// The samples the encoder put before the first real one, which a player skips (an
    /// AAC's 1024, an Opus stream's pre-skip), as ffprobe from 6.1 prints it for audio.
    pub fn initial_padding(&self) -> u32 {
        self.parameter(self.ffmpeg().layout().codec_parameters.initial_padding)
            .max(0) as u32
    }

    /// Bits per sample the codec stores (16 for `pcm_s16le`; 0 for compressed codecs), as
    /// ffprobe's audio `bits_per_sample`.
    pub fn bits_per_sample(&self) -> u32 {
        let number = self.codec_number();
        // SAFETY: a lookup by codec id.
        let bits = unsafe { (self.ffmpeg().functions().av_get_bits_per_sample)(number) };
        bits.max(0) as u32
    }

    /// Where chroma samples sit (`left`, `center`, `topleft`…), when said.
    pub fn chroma_location(&self) -> Option<String> {
        let location = self.parameter(self.ffmpeg().layout().codec_parameters.chroma_location);
        crate::media::color::chroma_location_name(self.ffmpeg(), location)
    }

    /// Every disposition this FFmpeg names, in ffprobe's order, with whether the stream has
    /// it (`("default", true)`, `("dub", false)`, …).
    pub fn dispositions(&self) -> Vec<(&str, bool)> {
        disposition_names(self.ffmpeg(), self.disposition())
    }
}

/// Every disposition `ffmpeg` names, in ffprobe's order, with whether `bits` has it.
pub(crate) fn disposition_names(ffmpeg: &crate::ffmpeg::Ffmpeg, bits: u32) -> Vec<(&str, bool)> {
    let Some(name_of) = ffmpeg.functions().av_disposition_to_string else {
        return DISPOSITIONS_4X
            .iter()
            .map(|&(name, bit)| (name, bits & bit != 0))
            .collect();
    };
    (0..32)
        .filter_map(|bit: c_int| {
            // SAFETY: a lookup in a static table of the library, which stays loaded while
            // `ffmpeg` lives; NULL for bits without a name.
            let name = unsafe { crate::sys::c_text_in(name_of(1 << bit)) }?;
            Some((name, bits & (1u32 << bit) != 0))
        })
        .collect()
}

/// `av_guess_sample_aspect_ratio`'s choice: the first of `shapes` that is positive, in
/// lowest terms.
fn first_shape(shapes: impl IntoIterator<Item = Rational>) -> Option<Rational> {
    shapes
        .into_iter()
        .filter(|r| r.is_positive())
        .map(|r| Rational::reduce(r.num.into(), r.den.into(), i32::MAX))
        .find(|r| r.num != 0)
}
