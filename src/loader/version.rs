//! The five libraries, FFmpeg's release families and the checks that keep a loaded set in one.

use std::fmt;
use std::ops::RangeInclusive;

use semver::Version;

use crate::error::{Refusal, VersionedFile};

/// The libavcodec majors this crate speaks: FFmpeg 4.x (58) to 9.x (63).
pub const SUPPORTED_AVCODEC_MAJORS: RangeInclusive<u64> = 58..=63;

/// One of the five FFmpeg libraries the crate loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Library {
    /// libavutil: memory, logging, CPU flags, pixel and sample formats.
    AvUtil,
    /// libswresample: audio resampling and conversion.
    SwResample,
    /// libswscale: image scaling and pixel-format conversion.
    SwScale,
    /// libavcodec: encoders and decoders.
    AvCodec,
    /// libavformat: demuxers, muxers and I/O.
    AvFormat,
}

impl Library {
    /// All five, in an order where each comes after the libraries it needs.
    pub const ALL: [Library; 5] = [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvCodec,
        Library::AvFormat,
    ];

    /// The name without `lib`, as in file names: `avcodec`.
    pub fn stem(self) -> &'static str {
        match self {
            Library::AvUtil => "avutil",
            Library::SwResample => "swresample",
            Library::SwScale => "swscale",
            Library::AvCodec => "avcodec",
            Library::AvFormat => "avformat",
        }
    }

    /// The library's name: `libavcodec`.
    pub fn name(self) -> &'static str {
        match self {
            Library::AvUtil => "libavutil",
            Library::SwResample => "libswresample",
            Library::SwScale => "libswscale",
            Library::AvCodec => "libavcodec",
            Library::AvFormat => "libavformat",
        }
    }

    /// The ELF version node FFmpeg's linker script gives this library at `major`:
    /// `LIBAVCODEC_61`.
    pub fn version_node(self, major: u64) -> String {
        format!("LIB{}_{major}", self.stem().to_ascii_uppercase())
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An FFmpeg release family, i.e. one ABI: FFmpeg 4.x to 9.x.
///
/// Within a family the five libraries keep their majors; a loaded set must be all of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Family {
    ffmpeg_major: u8,
}

/// Majors of (libavutil, libswresample, libswscale, libavcodec, libavformat) per family.
/// libswresample 4 serves both 5.x and 6.x.
const FAMILY_MAJORS: [(u8, [u64; 5]); 6] = [
    (4, [56, 3, 5, 58, 58]),
    (5, [57, 4, 6, 59, 59]),
    (6, [58, 4, 7, 60, 60]),
    (7, [59, 5, 8, 61, 61]),
    (8, [60, 6, 9, 62, 62]),
    (9, [61, 7, 10, 63, 63]),
];

impl Family {
    /// Every supported family, oldest first.
    pub fn all() -> impl Iterator<Item = Family> {
        FAMILY_MAJORS.iter().map(|(ffmpeg_major, _)| Family {
            ffmpeg_major: *ffmpeg_major,
        })
    }

    /// The family of a libavcodec major, if supported.
    pub fn from_avcodec_major(major: u64) -> Option<Family> {
        Family::all().find(|family| family.major(Library::AvCodec) == major)
    }

    /// FFmpeg's own major: 4 for 4.x, … 9 for 9.x.
    pub fn ffmpeg_major(self) -> u8 {
        self.ffmpeg_major
    }

    /// The major `library` has in this family.
    pub fn major(self, library: Library) -> u64 {
        let (_, majors) = FAMILY_MAJORS
            .iter()
            .find(|(ffmpeg_major, _)| *ffmpeg_major == self.ffmpeg_major)
            .expect("a Family is only built from FAMILY_MAJORS");
        majors[library.index()]
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.x", self.ffmpeg_major)
    }
}

/// Decodes FFmpeg's `AV_VERSION_INT` (major << 16 | minor << 8 | micro).
pub(crate) fn decode_version_int(value: u32) -> Version {
    Version::new(
        u64::from(value >> 16),
        u64::from((value >> 8) & 0xff),
        u64::from(value & 0xff),
    )
}

/// The major a file name or soname carries: `libavcodec-5e6b81c2.so.62.28.102` → 62.
pub(crate) fn major_from_file_name(name: &str) -> Option<u64> {
    let (_, after) = name.split_once(".so.")?;
    after.split('.').next()?.parse().ok()
}

/// Checks that the five probed versions are FFmpeg (not Libav), of a supported major, and all
/// of one family; returns that family.
pub(crate) fn check_release(files: &[VersionedFile; 5]) -> Result<Family, Refusal> {
    if let Some(libav) = files.iter().find(|f| f.version.patch < 100) {
        return Err(Refusal::Libav(Box::new(libav.clone())));
    }
    let avcodec = &files[Library::AvCodec.index()];
    let family = Family::from_avcodec_major(avcodec.version.major).ok_or_else(|| {
        Refusal::UnsupportedMajor {
            file: Box::new(avcodec.clone()),
            major: avcodec.version.major,
        }
    })?;
    for file in files {
        if file.version.major != family.major(file.library) {
            return Err(Refusal::MixedReleases {
                avcodec: Box::new(avcodec.clone()),
                family,
                other: Box::new(file.clone()),
            });
        }
    }
    Ok(family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn files(majors: [u64; 5], micro: u64) -> [VersionedFile; 5] {
        Library::ALL.map(|library| VersionedFile {
            library,
            path: PathBuf::from(format!("/x/{}.so", library.name())),
            version: Version::new(majors[library.index()], 1, micro),
        })
    }

    #[test]
    fn every_family_accepts_its_own_majors() {
        for family in Family::all() {
            let majors = Library::ALL.map(|l| family.major(l));
            assert_eq!(check_release(&files(majors, 100)).unwrap(), family);
        }
        assert_eq!(Family::all().count(), SUPPORTED_AVCODEC_MAJORS.count());
    }

    #[test]
    fn a_mixed_set_names_the_odd_library() {
        let err = check_release(&files([57, 5, 8, 61, 61], 100)).unwrap_err();
        match err {
            Refusal::MixedReleases { other, family, .. } => {
                assert_eq!(other.library, Library::AvUtil);
                assert_eq!(family.ffmpeg_major(), 7);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unsupported_majors_and_libav_are_refused() {
        assert!(matches!(
            check_release(&files([62, 8, 11, 64, 64], 100)),
            Err(Refusal::UnsupportedMajor { major: 64, .. })
        ));
        assert!(matches!(
            check_release(&files([56, 3, 5, 58, 58], 1)),
            Err(Refusal::Libav(_))
        ));
    }

    #[test]
    fn version_ints_and_file_names_decode() {
        assert_eq!(
            decode_version_int((61 << 16) | (19 << 8) | 101),
            Version::new(61, 19, 101)
        );
        assert_eq!(
            major_from_file_name("libavcodec-5e6b81c2.so.62.28.102"),
            Some(62)
        );
        assert_eq!(major_from_file_name("libavcodec.so.58"), Some(58));
        assert_eq!(major_from_file_name("libavcodec.so"), None);
        assert_eq!(Library::AvCodec.version_node(61), "LIBAVCODEC_61");
    }
}
