//! [`FrameSideData`]: what a decoder attached to one picture or block of samples: HDR
//! metadata, closed captions, timecodes, an encoder's SEI messages, and from 6.1 on what the
//! container said of the stream (its display matrix, its mastering display).

use crate::abi::FrameSideDataEntry;
use crate::abi::constants as kind;
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};
use crate::media::side_data::{
    DownmixInfo, GLOBAL_KINDS, Meaning, SideDataValue, decode, encode_for, meaning_in, number_in,
};
use crate::sys::objects::AVDictionary;

use super::{Frame, out_of_memory};

/// The frame kinds whose bytes the crate reads, by their number since 5.0.
const MEANINGS: [(u32, Meaning); 22] = [
    (kind::FRAME_DATA_A53_CC, Meaning::ClosedCaptions),
    (kind::FRAME_DATA_STEREO3D, Meaning::Stereo3d),
    (kind::FRAME_DATA_DOWNMIX_INFO, Meaning::DownmixInfo),
    (kind::FRAME_DATA_DISPLAYMATRIX, Meaning::DisplayMatrix),
    (kind::FRAME_DATA_AFD, Meaning::ActiveFormat),
    (kind::FRAME_DATA_SKIP_SAMPLES, Meaning::SkipSamples),
    (
        kind::FRAME_DATA_AUDIO_SERVICE_TYPE,
        Meaning::AudioServiceType,
    ),
    (
        kind::FRAME_DATA_MASTERING_DISPLAY_METADATA,
        Meaning::MasteringDisplay,
    ),
    (kind::FRAME_DATA_GOP_TIMECODE, Meaning::GopTimecode),
    (kind::FRAME_DATA_SPHERICAL, Meaning::Spherical),
    (
        kind::FRAME_DATA_CONTENT_LIGHT_LEVEL,
        Meaning::ContentLightLevel,
    ),
    (kind::FRAME_DATA_S12M_TIMECODE, Meaning::S12mTimecodes),
    (
        kind::FRAME_DATA_SEI_UNREGISTERED,
        Meaning::UserDataUnregistered,
    ),
    (kind::FRAME_DATA_DYNAMIC_HDR_PLUS, Meaning::DynamicHdrPlus),
    (kind::FRAME_DATA_DOVI_METADATA, Meaning::DolbyVisionMetadata),
    (kind::FRAME_DATA_DYNAMIC_HDR_VIVID, Meaning::DynamicHdrVivid),
    (
        kind::FRAME_DATA_AMBIENT_VIEWING_ENVIRONMENT,
        Meaning::AmbientViewingEnvironment,
    ),
    (kind::FRAME_DATA_VIEW_ID, Meaning::ViewId),
    (kind::FRAME_DATA_EXIF, Meaning::Exif),
    (
        kind::FRAME_DATA_IAMF_MIX_GAIN_PARAM,
        Meaning::IamfParameters,
    ),
    (
        kind::FRAME_DATA_IAMF_DEMIXING_INFO_PARAM,
        Meaning::IamfParameters,
    ),
    (
        kind::FRAME_DATA_IAMF_RECON_GAIN_INFO_PARAM,
        Meaning::IamfParameters,
    ),
];

/// One entry of a frame's side data (`AVFrameSideData`), in the order the decoder added
/// them, as ffprobe's `-show_frames` lists them.
#[derive(Clone)]
pub struct FrameSideData<'a> {
    ffmpeg: &'a Ffmpeg,
    entry: FrameSideDataEntry<'a>,
}

impl Frame {
    /// The frame's side data, in the order the decoder added it (ffprobe's
    /// `side_data_list` of a frame).
    pub fn side_data(&self) -> Vec<FrameSideData<'_>> {
        self.side_data_entries().collect()
    }

    /// The frame's side data, one entry at a time: what the accessors of one kind walk, so
    /// that a frame read per packet costs no allocation.
    fn side_data_entries(&self) -> impl Iterator<Item = FrameSideData<'_>> {
        let layout = self.ffmpeg.layout();
        let (entries, count) = (
            self.read(layout.frame.side_data),
            self.read(layout.frame.nb_side_data),
        );
        // SAFETY: the frame's own array of entries and its count, of this family, unchanged
        // while `&self` is borrowed (only `&mut self` methods change a frame).
        let entries = unsafe { layout.frame_side_data.entries(entries, count) };
        entries.map(|entry| FrameSideData {
            ffmpeg: &self.ffmpeg,
            entry,
        })
    }
}

impl Frame {
    /// The display matrix the decoder attached (a JPEG's EXIF orientation; in later
    /// releases, the container's too): the nine values, row by row; `None` when it attached none. The CLI
    /// turns pictures by the first picture's, else by the stream's
    /// ([`upright_filters_for`](crate::filter::upright_filters_for)).
    pub fn display_matrix(&self) -> Option<[i32; 9]> {
        self.side_data_of(kind::FRAME_DATA_DISPLAYMATRIX)
            .and_then(|entry| match entry.value() {
                SideDataValue::DisplayMatrix { matrix, .. } => Some(matrix),
                _ => None,
            })
    }

    /// The levels to mix the frame's sound down by, where the decoder attached them (an
    /// AC-3's or E-AC-3's): from 8.0 the CLI's `aresample` mixes by them
    /// ([`AudioInput::downmix`](crate::filter::AudioInput::downmix),
    /// [`Resampler::set_downmix`](crate::Resampler::set_downmix)).
    pub fn downmix_info(&self) -> Option<DownmixInfo> {
        self.side_data_of(kind::FRAME_DATA_DOWNMIX_INFO)
            .and_then(|entry| match entry.value() {
                SideDataValue::DownmixInfo(levels) => Some(levels),
                _ => None,
            })
    }

    /// The frame's first entry of `kind` (numbered as since 5.0).
    fn side_data_of(&self, kind: u32) -> Option<FrameSideData<'_>> {
        self.side_data_entries()
            .find(|entry| entry.number_since_5() == Some(kind))
    }

    /// Removes the frame's display matrix, if it has one: what the CLI does to every picture
    /// its autorotation has shown upright (it turns them by the matrix, then drops it), so
    /// that an encoder that writes a frame's matrix (9.0's PNG encoder, as EXIF orientation)
    /// does not turn the pictures a second time.
    pub fn remove_display_matrix(&mut self) {
        let kind =
            (self.ffmpeg.layout().frame_side_data).number_here(kind::FRAME_DATA_DISPLAYMATRIX);
        // SAFETY: the frame is this one's alone (`&mut self`); removing unrefs its own
        // entries of the kind, which no `FrameSideData` borrows while `self` is borrowed
        // mutably.
        unsafe { (self.ffmpeg.functions().av_frame_remove_side_data)(self.frame.as_ptr(), kind) };
    }

    /// Attaches `value` to the frame for an encoder to write, in place of any entry of its
    /// kind: closed captions (libx264 and MPEG-2 write them by default, `a53cc`), an SEI
    /// message (libx264's `udu_sei`), HDR10's mastering display and light levels, HDR10+
    /// metadata, a display matrix, an active format, GOP and S12M timecodes, a stereo
    /// packing (libx264's frame-packing SEI), a 360° projection, and a downmix's levels for
    /// sound (which FFmpeg's own encoders do not read). The bytes are FFmpeg's
    /// structs for the kind, as the loaded release lays them out (7.1 appends the stereo
    /// camera).
    ///
    /// ```
    /// use ffmpeg_runtime::Frame;
    /// use ffmpeg_runtime::format::SideDataValue;
    ///
    /// let ffmpeg = ffmpeg_runtime::global().map_err(|e| e.report().to_string())?;
    /// let mut picture = Frame::video(ffmpeg, 64, 48, "yuv420p")?;
    /// let light = SideDataValue::ContentLightLevel { max_content: 1000, max_average: 400 };
    /// picture.add_side_data(&light)?;
    /// let entries = picture.side_data();
    /// assert_eq!(entries[0].name().as_deref(), Some("Content light level metadata"));
    /// assert_eq!(entries[0].value(), light);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) for a value of another kind (the
    /// read-only ones: Dolby Vision RPUs, HDR Vivid, view ids, Matroska's block additions;
    /// a container's cropping, which is a stream's), of a kind the loaded release does not have (unregistered SEI messages
    /// before 4.4, the ambient viewing environment before 6.0), a GOP timecode whose fields do not fit a GOP
    /// header, more than three S12M timecodes, HDR10+ metadata with more windows or entries
    /// than its struct holds or on 4.1 (which has no HDR10+), a packing or projection the
    /// release does not name, a stereo camera before 7.1; an FFmpeg error when it cannot
    /// allocate the entry.
    pub fn add_side_data(&mut self, value: &SideDataValue) -> Result<()> {
        const OPERATION: &str = "Frame::add_side_data";
        let (kind, bytes) = frame_entry_of(&self.ffmpeg, OPERATION, value)?;
        let functions = self.ffmpeg.functions();
        let frame = self.frame.as_ptr();
        let layout = &self.ffmpeg.layout().frame_side_data;
        // SAFETY: the frame is this one's alone (`&mut self`); removing unrefs its own entries
        // of the kind, and the new entry has `bytes.len()` bytes of FFmpeg's allocation, all
        // written before anything reads them.
        unsafe {
            (functions.av_frame_remove_side_data)(frame, kind);
            let entry = (functions.av_frame_new_side_data)(frame, kind, bytes.len());
            if entry.is_null() {
                return Err(out_of_memory(&self.ffmpeg, "av_frame_new_side_data"));
            }
            let (_, data, size, _) = layout.fields(entry);
            debug_assert_eq!(size, bytes.len());
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data.cast_mut(), bytes.len());
        }
        Ok(())
    }
}

/// The loaded release's frame side-data kind number for `value`, and its struct's bytes.
///
/// # Errors
///
/// [`Error::Unsupported`], for `operation`, as [`Frame::add_side_data`] lists them.
pub(crate) fn frame_entry_of(
    ffmpeg: &Ffmpeg,
    operation: &'static str,
    value: &SideDataValue,
) -> Result<(u32, Vec<u8>)> {
    let (meaning, bytes) =
        encode_for(ffmpeg, value).map_err(|detail| Error::unsupported(operation, detail))?;
    let number = number_in(&MEANINGS, meaning)
        .ok_or_else(|| Error::unsupported(operation, "not frame side data"))?;
    let functions = ffmpeg.functions();
    if meaning == Meaning::DynamicHdrPlus
        && functions.av_dynamic_hdr_plus_create_side_data.is_none()
    {
        return Err(Error::unsupported(operation, "HDR10+ came with FFmpeg 4.2"));
    }
    let kind = ffmpeg.layout().frame_side_data.number_here(number);
    // SAFETY: returns a static string, or NULL for a kind the release does not have.
    if unsafe { (functions.av_frame_side_data_name)(kind) }.is_null() {
        return Err(Error::unsupported(
            operation,
            "not side data of this release",
        ));
    }
    Ok((kind, bytes))
}

impl<'a> FrameSideData<'a> {
    /// The FFmpeg whose struct the bytes are.
    pub fn ffmpeg(&self) -> &'a Ffmpeg {
        self.ffmpeg
    }

    /// The loaded FFmpeg's number for the kind (`AV_FRAME_DATA_*`). 4.x numbers the kinds
    /// from the S12M timecode on two higher than later releases: compare names or values,
    /// not numbers, across releases.
    pub fn kind(&self) -> u32 {
        self.entry.kind
    }

    /// The loaded FFmpeg's name for the kind (`Mastering display metadata`, `GOP timecode`),
    /// as ffprobe's `side_data_type` prints it; `None` for a kind it does not know.
    pub fn name(&self) -> Option<String> {
        // SAFETY: av_frame_side_data_name returns a static string, or NULL for an unknown kind.
        let name = unsafe { (self.ffmpeg.functions().av_frame_side_data_name)(self.entry.kind) };
        // SAFETY: NULL or a NUL-terminated static string.
        (!name.is_null()).then(|| unsafe { crate::sys::c_text(name) })
    }

    /// The number of the stream side data kind (`AV_PKT_DATA_*`) of the same meaning, for
    /// the kinds a stream holds too (libavcodec's `ff_sd_global_map`: a mastering display,
    /// light levels, a projection, a stereo packing, a display matrix, an ICC profile, an
    /// ambient viewing environment, 3D reference displays, EXIF, replay gain, an audio
    /// service type); `None` for a picture's own kinds (captions, SEI messages, timecodes).
    /// From 7.1 an encoder gives its stream these of the first frame it is given
    /// ([`Output::copy_frame_side_data`](crate::format::Output::copy_frame_side_data)).
    pub fn stream_kind(&self) -> Option<u32> {
        let kind = self.number_since_5()?;
        GLOBAL_KINDS
            .iter()
            .find_map(|&(frame, packet)| (frame == kind).then_some(packet))
    }

    /// The raw bytes: a C struct of the loaded release for most kinds.
    pub fn bytes(&self) -> &'a [u8] {
        self.entry.bytes
    }

    /// The entry's own key-value pairs (an ICC profile's `name`), in order.
    pub fn metadata(&self) -> Vec<(String, String)> {
        let dictionary: *const AVDictionary = self.entry.metadata;
        // SAFETY: the entry's own dictionary (or NULL), alive while the frame is borrowed,
        // read with that FFmpeg's av_dict_get.
        unsafe { crate::abi::dictionary_entries(dictionary, self.ffmpeg.functions().av_dict_get) }
    }

    /// What the bytes say, for the kinds ffprobe describes and those a caller most often
    /// wants (closed captions, SEI messages); [`SideDataValue::Other`] for the rest, and for
    /// an entry too short for its kind.
    pub fn value(&self) -> SideDataValue {
        let kind = self.number_since_5();
        if kind == Some(kind::FRAME_DATA_ICC_PROFILE) {
            let mut metadata = self.metadata().into_iter();
            let name = metadata.find(|(key, _)| key == "name").map(|(_, v)| v);
            return SideDataValue::IccProfile { name };
        }
        let meaning = kind.map_or(Meaning::Unknown, |kind| meaning_in(&MEANINGS, kind));
        decode(self.ffmpeg, meaning, self.entry.bytes).unwrap_or(SideDataValue::Other)
    }

    fn number_since_5(&self) -> Option<u32> {
        let layout = &self.ffmpeg.layout().frame_side_data;
        layout.number_since_5(self.entry.kind)
    }
}

impl std::fmt::Debug for FrameSideData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameSideData")
            .field("kind", &self.entry.kind)
            .field("size", &self.entry.bytes.len())
            .finish()
    }
}
