//! [`SideData`]: what a stream carries beside its packets: how to turn its pictures, its HDR
//! mastering display, its buffer sizes, the kind of audio service it is.

use std::ffi::c_int;

use crate::abi::constants as kind;
use crate::ffmpeg::Ffmpeg;
use crate::media::side_data::{
    GLOBAL_KINDS, Meaning, SideDataValue, decode, meaning_in, number_in,
};

/// One entry of a stream's side data (`AVPacketSideData`), in the order the demuxer added
/// them: its kind, its bytes, and what they say where the crate knows the kind.
#[derive(Clone)]
pub struct SideData<'a> {
    ffmpeg: &'a Ffmpeg,
    kind: u32,
    bytes: &'a [u8],
}

impl<'a> SideData<'a> {
    pub(crate) fn new(ffmpeg: &'a Ffmpeg, kind: u32, bytes: &'a [u8]) -> SideData<'a> {
        SideData {
            ffmpeg,
            kind,
            bytes,
        }
    }

    /// The FFmpeg whose struct the bytes are.
    pub fn ffmpeg(&self) -> &'a Ffmpeg {
        self.ffmpeg
    }

    /// FFmpeg's number for the kind (`AV_PKT_DATA_*`: 5 is a display matrix).
    pub fn kind(&self) -> u32 {
        self.kind
    }

    /// The loaded FFmpeg's name for the kind (`Display Matrix`, `CPB properties`), as
    /// ffprobe's `side_data_type` prints it; `None` for a kind it does not know.
    pub fn name(&self) -> Option<String> {
        packet_kind_name(self.ffmpeg, self.kind)
    }

    /// The raw bytes: a C struct of the loaded release for most kinds.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// What the bytes say, for the kinds ffprobe describes; [`SideDataValue::Other`] for the
    /// rest, and for an entry too short for its kind.
    pub fn value(&self) -> SideDataValue {
        decode(self.ffmpeg, self.meaning(), self.bytes).unwrap_or(SideDataValue::Other)
    }

    /// Whether FFmpeg carries this kind from a stream to the frames decoded from it, and
    /// from the frames an encoder is opened with to the stream it encodes: libavcodec's
    /// global kinds (the replay gain, display matrix, stereo 3D, audio service type,
    /// mastering display, spherical mapping, light levels, ICC profile, ambient viewing
    /// environment, 3D reference displays and EXIF; each where the release has it). The 7.0
    /// and later CLI give what they encode these kinds of its source's side data, and no
    /// other (a Dolby Vision record, a container's cropping, MPEG-TS stream ids stay
    /// behind); the 6.1 and earlier CLI gave every kind but the CPB properties.
    pub fn reaches_frames(&self) -> bool {
        GLOBAL_KINDS.iter().any(|&(_, packet)| packet == self.kind)
    }

    fn meaning(&self) -> Meaning {
        meaning_in(&MEANINGS, self.kind)
    }
}

/// The packet kinds whose bytes the crate reads, by their number (the same in every release).
const MEANINGS: [(u32, Meaning); 21] = [
    (kind::PKT_DATA_DISPLAY_MATRIX, Meaning::DisplayMatrix),
    (kind::PKT_DATA_STEREO_3D, Meaning::Stereo3d),
    (kind::PKT_DATA_SPHERICAL, Meaning::Spherical),
    (kind::PKT_DATA_SKIP_SAMPLES, Meaning::SkipSamples),
    (kind::PKT_DATA_MASTERING_DISPLAY, Meaning::MasteringDisplay),
    (
        kind::PKT_DATA_CONTENT_LIGHT_LEVEL,
        Meaning::ContentLightLevel,
    ),
    (
        kind::PKT_DATA_DOLBY_VISION_CONFIG,
        Meaning::DolbyVisionConfig,
    ),
    (kind::PKT_DATA_AUDIO_SERVICE_TYPE, Meaning::AudioServiceType),
    (kind::PKT_DATA_MPEGTS_STREAM_ID, Meaning::MpegTsStreamId),
    (kind::PKT_DATA_ACTIVE_FORMAT, Meaning::ActiveFormat),
    (kind::PKT_DATA_CPB_PROPERTIES, Meaning::CpbProperties),
    (kind::PKT_DATA_DYNAMIC_HDR10_PLUS, Meaning::DynamicHdrPlus),
    (kind::PKT_DATA_STRINGS_METADATA, Meaning::StringsMetadata),
    (
        kind::PKT_DATA_MATROSKA_BLOCKADDITIONAL,
        Meaning::BlockAdditional,
    ),
    (kind::PKT_DATA_METADATA_UPDATE, Meaning::MetadataUpdate),
    (
        kind::PKT_DATA_AMBIENT_VIEWING_ENVIRONMENT,
        Meaning::AmbientViewingEnvironment,
    ),
    (kind::PKT_DATA_FRAME_CROPPING, Meaning::FrameCropping),
    (kind::PKT_DATA_EXIF, Meaning::Exif),
    (kind::PKT_DATA_IAMF_MIX_GAIN_PARAM, Meaning::IamfParameters),
    (
        kind::PKT_DATA_IAMF_DEMIXING_INFO_PARAM,
        Meaning::IamfParameters,
    ),
    (
        kind::PKT_DATA_IAMF_RECON_GAIN_INFO_PARAM,
        Meaning::IamfParameters,
    ),
];

/// The packet kind that means `meaning`, where one does.
pub(crate) fn packet_kind(meaning: Meaning) -> Option<u32> {
    number_in(&MEANINGS, meaning)
}

/// The loaded FFmpeg's name for packet side data of kind `kind`; `None` for a kind it does
/// not know.
pub(crate) fn packet_kind_name(ffmpeg: &Ffmpeg, kind: u32) -> Option<String> {
    let kind = c_int::try_from(kind).ok()?;
    // SAFETY: av_packet_side_data_name returns a static string, or NULL for an unknown kind.
    let name = unsafe { (ffmpeg.functions().av_packet_side_data_name)(kind) };
    // SAFETY: NULL or a NUL-terminated static string.
    (!name.is_null()).then(|| unsafe { crate::sys::c_text(name) })
}

impl std::fmt::Debug for SideData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SideData")
            .field("kind", &self.kind)
            .field("size", &self.bytes.len())
            .finish()
    }
}
