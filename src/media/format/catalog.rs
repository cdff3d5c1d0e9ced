//! Every demuxer and muxer a loaded FFmpeg has, and what each is.

use std::ffi::{c_char, c_int};

use crate::abi::constants::{
    FMT_GLOBALHEADER, FMT_NOFILE, FMT_NOTIMESTAMPS, FMT_SEEK_TO_PTS, FMT_SHOW_IDS, FMT_TS_DISCONT,
    FMT_VARIABLE_FPS,
};
use crate::abi::walk_registry;
use crate::abi::{Field, FormatLayout};
use crate::ffmpeg::Ffmpeg;
use crate::media::codec::CodecId;
use crate::sys::objects::{AVInputFormat, AVOutputFormat};

/// A container format FFmpeg reads (`AVInputFormat`): static data of the library, which it
/// keeps loaded.
#[derive(Clone)]
pub struct Demuxer {
    ffmpeg: Ffmpeg,
    format: *const AVInputFormat,
}

/// A container format FFmpeg writes (`AVOutputFormat`): static data of the library, which it
/// keeps loaded.
#[derive(Clone)]
pub struct Muxer {
    ffmpeg: Ffmpeg,
    format: *const AVOutputFormat,
}

// SAFETY: both point to immutable static data of the library that `ffmpeg` keeps loaded.
unsafe impl Send for Demuxer {}
// SAFETY: as above.
unsafe impl Sync for Demuxer {}
// SAFETY: as above.
unsafe impl Send for Muxer {}
// SAFETY: as above.
unsafe impl Sync for Muxer {}

/// Reads one text field of a registered format.
///
/// # Safety
///
/// `format` is a registered format of the library whose layout `field` comes from.
unsafe fn text<'a, S>(format: *const S, field: Field<S, *const c_char>) -> &'a str {
    // SAFETY: per the contract; the strings are static data of the library.
    unsafe { crate::sys::c_text_in(field.read(format)) }.unwrap_or_default()
}

/// Splits FFmpeg's comma-separated lists (`mkv,mk3d,mka,mks`).
fn list(text: &str) -> Vec<&str> {
    text.split(',').filter(|item| !item.is_empty()).collect()
}

macro_rules! format_info {
    ($type:ident, $raw:ty, $layout:expr) => {
        impl $type {
            /// The FFmpeg it belongs to.
            pub fn ffmpeg(&self) -> &Ffmpeg {
                &self.ffmpeg
            }

            fn layout(&self) -> FormatLayout<$raw> {
                let layout = self.ffmpeg.layout();
                $layout(layout)
            }

            /// Its name (`matroska,webm`, `mp4`), as `-f` takes it (a demuxer's names are
            /// separated by commas).
            pub fn name(&self) -> &str {
                // SAFETY: a registered format of `self.ffmpeg`.
                unsafe { text(self.format, self.layout().name) }
            }

            /// Its descriptive name (`Matroska / WebM`); empty where it has none.
            pub fn long_name(&self) -> &str {
                // SAFETY: as above.
                unsafe { text(self.format, self.layout().long_name) }
            }

            /// The file-name extensions it goes with (`mkv`, `mka`…); may be empty.
            pub fn extensions(&self) -> Vec<&str> {
                // SAFETY: as above.
                list(unsafe { text(self.format, self.layout().extensions) })
            }

            /// The MIME types it goes with; may be empty.
            pub fn mime_types(&self) -> Vec<&str> {
                // SAFETY: as above.
                list(unsafe { text(self.format, self.layout().mime_type) })
            }

            /// Whether it reads or writes through FFmpeg's I/O (false for formats that open
            /// their own: devices, image sequences, `AVFMT_NOFILE`).
            pub fn uses_io(&self) -> bool {
                self.flags() & FMT_NOFILE == 0
            }

            fn flags(&self) -> c_int {
                // SAFETY: as above.
                unsafe { self.layout().flags.read(self.format) }
            }

            /// The format's static description, for an FFmpeg call the crate does not wrap;
            /// valid while [`ffmpeg`](Self::ffmpeg) is loaded, for that release only.
            pub fn as_ptr(&self) -> *const $raw {
                self.format
            }
        }

        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($type))
                    .field("name", &self.name())
                    .finish()
            }
        }
    };
}

format_info!(Demuxer, AVInputFormat, |l: &crate::abi::Layout| l
    .input_format);
format_info!(Muxer, AVOutputFormat, |l: &crate::abi::Layout| l
    .output_format
    .format);

impl Demuxer {
    /// Whether its streams' [`id`](super::Stream::id)s mean something (MPEG-TS PIDs, MP4
    /// track ids: `AVFMT_SHOW_IDS`), so that ffprobe shows them.
    pub fn shows_ids(&self) -> bool {
        self.flags() & FMT_SHOW_IDS != 0
    }

    /// Whether its timestamps may jump mid-stream (MPEG-TS, MPEG-PS: `AVFMT_TS_DISCONT`), as
    /// broadcast captures' do.
    pub fn has_discontinuous_timestamps(&self) -> bool {
        self.flags() & FMT_TS_DISCONT != 0
    }

    /// Whether its packets carry timestamps: false for raw streams (`AVFMT_NOTIMESTAMPS`:
    /// H.264, HEVC, MPEG video, MJPEG), whose timestamps the demuxer makes up; the ffmpeg CLI
    /// from 6.1 on decodes their packets untimed and times each picture by the codec's rate.
    pub fn gives_timestamps(&self) -> bool {
        self.flags() & FMT_NOTIMESTAMPS == 0
    }

    /// Whether seeking it goes by presentation time (`AVFMT_SEEK_TO_PTS`: MP4, Matroska's
    /// not), rather than by decoding time.
    pub fn seeks_by_presentation_time(&self) -> bool {
        self.flags() & FMT_SEEK_TO_PTS != 0
    }

    /// A demuxer of this FFmpeg.
    ///
    /// # Safety
    ///
    /// `format` is a registered input format of `ffmpeg`.
    pub(super) unsafe fn registered(ffmpeg: &Ffmpeg, format: *const AVInputFormat) -> Demuxer {
        Demuxer {
            ffmpeg: ffmpeg.clone(),
            format,
        }
    }
}

impl Muxer {
    /// A muxer of this FFmpeg.
    ///
    /// # Safety
    ///
    /// `format` is a registered output format of `ffmpeg`.
    pub(super) unsafe fn registered(ffmpeg: &Ffmpeg, format: *const AVOutputFormat) -> Muxer {
        Muxer {
            ffmpeg: ffmpeg.clone(),
            format,
        }
    }

    fn codec(&self, field: Field<AVOutputFormat, u32>) -> Option<CodecId> {
        // SAFETY: a registered format of `self.ffmpeg`.
        let number = unsafe { field.read(self.format) };
        // AV_CODEC_ID_NONE is 0 in every release.
        (number != 0).then(|| CodecId::new(&self.ffmpeg, number))
    }

    /// The video codec it writes unless told otherwise, if it takes video.
    pub fn default_video_codec(&self) -> Option<CodecId> {
        self.codec(self.ffmpeg.layout().output_format.video_codec)
    }

    /// The audio codec it writes unless told otherwise, if it takes audio.
    pub fn default_audio_codec(&self) -> Option<CodecId> {
        self.codec(self.ffmpeg.layout().output_format.audio_codec)
    }

    /// The subtitle codec it writes unless told otherwise, if any.
    pub fn default_subtitle_codec(&self) -> Option<CodecId> {
        self.codec(self.ffmpeg.layout().output_format.subtitle_codec)
    }

    /// Whether it can store `codec` (`avformat_query_codec`, at normal compliance): `None`
    /// where the muxer does not say. A codec it stores only as a cover picture counts as
    /// taken; see [`Muxer::takes_only_as_cover_picture`].
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`](crate::Error::Incompatible) for a codec id of another major.
    pub fn takes_codec(&self, codec: &CodecId) -> crate::ffmpeg::error::Result<Option<bool>> {
        let answer = self.query_codec(codec)?;
        Ok((answer >= 0).then_some(answer != 0))
    }

    /// Whether it stores `codec` only as a cover picture (MP3's ID3v2 `APIC` frame, for PNG
    /// or JPEG), as `avformat_query_codec` says with the tag `APIC`. The ffmpeg CLI then
    /// maps an input's cover picture, and no other video, to a muxer whose default video
    /// codec is such a codec.
    ///
    /// # Errors
    ///
    /// [`Error::Incompatible`](crate::Error::Incompatible) for a codec id of another major.
    pub fn takes_only_as_cover_picture(
        &self,
        codec: &CodecId,
    ) -> crate::ffmpeg::error::Result<bool> {
        const COVER_PICTURE_TAG: c_int = c_int::from_le_bytes(*b"APIC");
        Ok(self.query_codec(codec)? == COVER_PICTURE_TAG)
    }

    fn query_codec(&self, codec: &CodecId) -> crate::ffmpeg::error::Result<c_int> {
        let number = codec.number_for(&self.ffmpeg)?;
        // SAFETY: a registered format of `self.ffmpeg` and a codec id of its release.
        Ok(unsafe { (self.ffmpeg.functions().avformat_query_codec)(self.format, number, 0) })
    }

    /// The codec tag a copy of a stream of `codec` (this release's number) tagged `tag` keeps
    /// in this muxer, as the CLI's `-c copy` chooses it: the source's where the muxer has no
    /// tables of tags, where its tables give that tag to the same codec, or where they have
    /// no tag for the codec; otherwise 0, and the muxer writes its own. So an MP4's `hvc1`
    /// stays `hvc1` (cleared, the MP4 muxer writes `hev1`), and a Y4M's `I420` lets Matroska
    /// store raw video.
    pub(crate) fn copied_codec_tag(&self, codec: u32, tag: u32) -> u32 {
        let functions = self.ffmpeg.functions();
        // SAFETY: a registered format of `self.ffmpeg`, read at a proven offset.
        let tables = unsafe {
            self.ffmpeg
                .layout()
                .output_format
                .codec_tag
                .read(self.format)
        };
        if tables.is_null() {
            return tag;
        }
        // SAFETY: lookups in the muxer's static tables, NULL-terminated as FFmpeg keeps them.
        let same_codec = unsafe { (functions.av_codec_get_id)(tables, tag) } == codec;
        let mut own = 0;
        // SAFETY: as above; `own` is written on success.
        let has_own = unsafe { (functions.av_codec_get_tag2)(tables, codec, &mut own) } != 0;
        if same_codec || !has_own { tag } else { 0 }
    }

    /// Whether encoders must put their headers in the container (`AVFMT_GLOBALHEADER`).
    pub fn needs_global_header(&self) -> bool {
        self.flags() & FMT_GLOBALHEADER != 0
    }

    /// Whether it stores timestamps (false for raw streams: `AVFMT_NOTIMESTAMPS`).
    pub fn stores_timestamps(&self) -> bool {
        self.flags() & FMT_NOTIMESTAMPS == 0
    }

    /// Whether it takes pictures at a variable rate as they come (`AVFMT_VARIABLE_FPS`:
    /// Matroska, MPEG-TS, NUT); the ffmpeg CLI gives other muxers (MP4) one picture per
    /// frame interval, copying and dropping pictures to keep it.
    pub fn takes_variable_frame_rate(&self) -> bool {
        self.flags() & FMT_VARIABLE_FPS != 0
    }
}

impl Ffmpeg {
    /// Every demuxer of this FFmpeg (devices excepted: libavdevice is not loaded), in
    /// registration order.
    pub fn demuxers(&self) -> Vec<Demuxer> {
        // SAFETY: each is a registered input format of this FFmpeg.
        walk_registry(self.functions().av_demuxer_iterate, |format| unsafe {
            Demuxer::registered(self, format)
        })
    }

    /// The muxer of this short name (`mp4`, `matroska`, `framemd5`).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownName`](crate::Error::UnknownName) when this FFmpeg has none of that
    /// name, or the name holds a NUL.
    pub fn muxer(&self, name: &str) -> crate::ffmpeg::error::Result<Muxer> {
        let unknown = || crate::ffmpeg::error::Error::unknown_name("muxer", name);
        let c_name = std::ffi::CString::new(name).map_err(|_| unknown())?;
        let functions = self.functions();
        // SAFETY: a lookup among the registered formats by short name alone.
        let format = unsafe {
            (functions.av_guess_format)(c_name.as_ptr(), std::ptr::null(), std::ptr::null())
        };
        if format.is_null() {
            return Err(unknown());
        }
        // SAFETY: av_guess_format returns a registered output format.
        let muxer = unsafe { Muxer::registered(self, format) };
        // It also answers a name it only half matches; the CLI's `-f` does not.
        if muxer.name().split(',').any(|n| n == name) {
            Ok(muxer)
        } else {
            Err(unknown())
        }
    }

    /// Every muxer of this FFmpeg (devices excepted), in registration order.
    pub fn muxers(&self) -> Vec<Muxer> {
        // SAFETY: each is a registered output format of this FFmpeg.
        walk_registry(self.functions().av_muxer_iterate, |format| unsafe {
            Muxer::registered(self, format)
        })
    }
}
