//! FFmpeg's libraries and release families, from the one list of supported families.

use std::fmt;
use std::ops::RangeInclusive;

use semver::Version;

/// Majors of (libavutil, libswresample, libswscale, libavcodec, libavformat, libavfilter) per
/// family, oldest first, from the one list.
const FAMILY_MAJORS: &[(u8, [u64; Library::COUNT])] = {
    macro_rules! majors {
        ($($ffmpeg:literal => $module:ident by $recipe:ident [$($major:literal),*],)*) => {
            &[$(($ffmpeg, [$($major),*]),)*]
        };
    }
    supported_families!(majors)
};

/// The libavcodec majors this crate speaks, oldest to newest: one per supported family.
pub const SUPPORTED_AVCODEC_MAJORS: RangeInclusive<u64> = FAMILY_MAJORS[0].1
    [Library::AvCodec.index()]
    ..=FAMILY_MAJORS[FAMILY_MAJORS.len() - 1].1[Library::AvCodec.index()];

/// One of the FFmpeg libraries the crate loads: five it needs, and libavfilter when the build
/// has it.
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
    /// libavfilter: filter graphs. Optional: a build without it loads, and only filter graphs
    /// are unavailable.
    AvFilter,
}

impl Library {
    /// How many libraries the crate knows.
    pub const COUNT: usize = 6;

    /// The five every load needs, in an order where each comes after the libraries it needs.
    pub const REQUIRED: [Library; 5] = [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvCodec,
        Library::AvFormat,
    ];

    /// Every library: the required ones in dependency order, then the optional ones.
    pub const ALL: [Library; Library::COUNT] = [
        Library::AvUtil,
        Library::SwResample,
        Library::SwScale,
        Library::AvCodec,
        Library::AvFormat,
        Library::AvFilter,
    ];

    /// Those a load takes when the build has them, and goes on without.
    pub const OPTIONAL: [Library; 1] = [Library::AvFilter];

    /// Whether a load goes on without this library.
    pub fn is_optional(self) -> bool {
        Library::OPTIONAL.contains(&self)
    }

    /// The name without `lib`, as in file names: `avcodec`.
    pub fn stem(self) -> &'static str {
        match self {
            Library::AvUtil => "avutil",
            Library::SwResample => "swresample",
            Library::SwScale => "swscale",
            Library::AvCodec => "avcodec",
            Library::AvFormat => "avformat",
            Library::AvFilter => "avfilter",
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
            Library::AvFilter => "libavfilter",
        }
    }

    /// The ELF version node FFmpeg's linker script gives this library at `major`:
    /// `LIBAVCODEC_61`.
    pub fn version_node(self, major: u64) -> String {
        format!("LIB{}_{major}", self.stem().to_ascii_uppercase())
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An FFmpeg release family, i.e. one ABI: FFmpeg 4.x, 5.x, ….
///
/// Within a family the libraries keep their majors; a loaded set must be all of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Family {
    ffmpeg_major: u8,
}

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

/// The minor releases and the libavcodec (major, minor) each shipped with. A release x.0
/// begins its family: its libavcodec major is the family's.
const MINOR_RELEASES: [((u8, u8), (u64, u64)); 8] = [
    ((4, 1), (58, 35)),
    ((4, 2), (58, 54)),
    ((4, 3), (58, 91)),
    ((4, 4), (58, 134)),
    ((5, 1), (59, 37)),
    ((6, 1), (60, 31)),
    ((7, 1), (61, 19)),
    ((8, 1), (62, 28)),
];

/// The FFmpeg release (major, minor) whose libavcodec `avcodec` is at least: the newest of
/// `family` that shipped one no newer. A build from between two releases counts as the
/// earlier.
pub(crate) fn release_of(family: Family, avcodec: &Version) -> (u8, u8) {
    let major = family.ffmpeg_major();
    let minor = MINOR_RELEASES
        .iter()
        .filter(|((release, _), shipped)| {
            *release == major && (avcodec.major, avcodec.minor) >= *shipped
        })
        .map(|((_, minor), _)| *minor)
        .max();
    (major, minor.unwrap_or(0))
}

/// Decodes FFmpeg's `AV_VERSION_INT` (major << 16 | minor << 8 | micro).
pub(crate) fn decode_version_int(value: u32) -> Version {
    Version::new(
        u64::from(value >> 16),
        u64::from((value >> 8) & 0xff),
        u64::from(value & 0xff),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ints_and_file_names_decode() {
        assert_eq!(
            decode_version_int((61 << 16) | (19 << 8) | 101),
            Version::new(61, 19, 101)
        );
        assert_eq!(Library::AvCodec.version_node(61), "LIBAVCODEC_61");
        assert_eq!(Library::AvFilter.version_node(10), "LIBAVFILTER_10");
    }

    #[test]
    fn releases_follow_the_libavcodec_they_shipped() {
        let release = |major, minor, micro| {
            let family = Family::from_avcodec_major(major).unwrap();
            release_of(family, &Version::new(major, minor, micro))
        };
        assert_eq!(release(58, 35, 100), (4, 1));
        assert_eq!(release(58, 134, 100), (4, 4));
        assert_eq!(release(60, 30, 100), (6, 0), "a build before 6.1");
        assert_eq!(release(60, 31, 102), (6, 1));
        assert_eq!(release(61, 3, 100), (7, 0));
        assert_eq!(release(62, 28, 102), (8, 1));
        assert_eq!(release(63, 1, 102), (9, 0));
    }

    #[test]
    fn libraries_are_listed_by_index_required_first() {
        for (index, library) in Library::ALL.into_iter().enumerate() {
            assert_eq!(library.index(), index);
            assert_eq!(library.is_optional(), !Library::REQUIRED.contains(&library));
        }
        assert_eq!(
            Library::REQUIRED.len() + Library::OPTIONAL.len(),
            Library::COUNT
        );
    }
}
