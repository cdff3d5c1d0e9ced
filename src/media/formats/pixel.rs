//! What a pixel format is made of, as its descriptor in the loaded release says (the table
//! `ffmpeg -pix_fmts` prints): a format's name says much, but not reliably (`gbrp` is RGB,
//! `bayer_rggb8` too, `pal8` is neither), and releases add formats.

use super::PixelFormat;
use crate::abi::PixelFormatFacts;
use crate::abi::constants::{
    PIX_FMT_FLAG_ALPHA, PIX_FMT_FLAG_BAYER, PIX_FMT_FLAG_BITSTREAM, PIX_FMT_FLAG_FLOAT,
    PIX_FMT_FLAG_HWACCEL, PIX_FMT_FLAG_PAL, PIX_FMT_FLAG_PLANAR, PIX_FMT_FLAG_RGB,
    PIX_FMT_FLAG_XYZ,
};

impl PixelFormat {
    /// How many components a pixel has, colours and alpha: 3 for `yuv420p` and `rgb24`, 4 for
    /// `rgba`, 2 for `ya8`, 1 for `gray` and for `pal8` (whose palette is not a component).
    pub fn components(&self) -> u8 {
        self.facts().components
    }

    /// Whether the components are red, green and blue (in any order, packed or planar:
    /// `rgb24`, `bgra`, `gbrp`, `x2rgb10le`, the Bayer formats) rather than luma and chroma.
    pub fn is_rgb(&self) -> bool {
        self.has(PIX_FMT_FLAG_RGB)
    }

    /// Whether pixels are luma and chroma, with alpha or not (`yuv420p`, `yuvj444p`, `nv12`,
    /// `yuyv422`, `p010le`): three components or more, none of them red, green or blue, a
    /// palette index or CIE XYZ, and not a hardware surface. Gray is not.
    pub fn is_yuv(&self) -> bool {
        let other = PIX_FMT_FLAG_RGB | PIX_FMT_FLAG_PAL | PIX_FMT_FLAG_HWACCEL;
        self.components() >= 3 && !self.has(other) && !self.is_xyz()
    }

    /// Whether each pixel is an index into a palette (`pal8`).
    pub fn has_palette(&self) -> bool {
        self.has(PIX_FMT_FLAG_PAL)
    }

    /// Whether pixels carry alpha (`rgba`, `yuva420p`, `ya8`; `pal8` too, whose palette's
    /// colours hold it, though it is not a component).
    pub fn has_alpha(&self) -> bool {
        self.has(PIX_FMT_FLAG_ALPHA)
    }

    /// Whether at least one component has a plane of its own (`yuv420p`, `nv12`, `gbrp`),
    /// rather than every component interleaved in one (`rgb24`, `yuyv422`).
    pub fn is_planar(&self) -> bool {
        self.has(PIX_FMT_FLAG_PLANAR)
    }

    /// Whether components are floating point (`grayf32le`, `gbrpf32le`, `rgbaf16le`).
    pub fn is_float(&self) -> bool {
        self.has(PIX_FMT_FLAG_FLOAT)
    }

    /// Whether the components are CIE XYZ (`xyz12le`, Digital Cinema's). Releases before 7.0
    /// have no flag for it; there `xyz12` was the only such format.
    pub fn is_xyz(&self) -> bool {
        self.has(PIX_FMT_FLAG_XYZ) || self.name().starts_with("xyz")
    }

    /// Whether pixels are a camera's Bayer mosaic (`bayer_rggb8`…).
    pub fn is_bayer(&self) -> bool {
        self.has(PIX_FMT_FLAG_BAYER)
    }

    /// Whether pixels are packed as bits, several to a byte (`monow`, `monob`, `rgb4`).
    pub fn is_bitstream(&self) -> bool {
        self.has(PIX_FMT_FLAG_BITSTREAM)
    }

    /// Whether the format names a hardware surface (`vaapi`, `cuda`, `videotoolbox_vld`…)
    /// whose pixels are not in memory the CPU reads.
    pub fn is_hardware(&self) -> bool {
        self.has(PIX_FMT_FLAG_HWACCEL)
    }

    /// How much smaller the chroma planes are than the luma plane, as powers of two across
    /// and down: (1, 1) for 4:2:0 (`yuv420p`, `nv12`), (1, 0) for 4:2:2, (2, 0) for 4:1:1,
    /// (2, 2) for `yuv410p`, (0, 0) for 4:4:4, RGB and gray. A picture of such a format has whole chroma samples
    /// only at sizes that are multiples of 2 to those powers.
    pub fn chroma_subsampling(&self) -> (u8, u8) {
        self.facts().log2_chroma
    }

    /// The bits of each component, in the descriptor's order (luma or red first, alpha
    /// last): `[8, 8, 8]` for `yuv420p`, `[10, 10, 10]` for `p010le`, `[8, 8, 8, 8]` for
    /// `rgba`; `[8]` for `pal8`'s index.
    pub fn component_depths(&self) -> Vec<u8> {
        let facts = self.facts();
        facts.depths[..usize::from(facts.components).min(4)].to_vec()
    }

    /// The bits of the deepest component: 8 for `yuv420p` and `rgba`, 10 for `p010le` and
    /// `yuv420p10le`, 16 for `rgb48le`, 32 for `grayf32le`; 0 for a hardware surface.
    pub fn bit_depth(&self) -> u8 {
        self.facts().depths.into_iter().max().unwrap_or(0)
    }

    fn has(&self, flags: u64) -> bool {
        self.facts().flags & flags != 0
    }

    fn facts(&self) -> PixelFormatFacts {
        let f = self.ffmpeg.functions();
        // SAFETY: a lookup in libavutil's static table, of a number this FFmpeg knows;
        // NULL never comes back for it, and would give zero facts.
        let descriptor = unsafe { (f.av_pix_fmt_desc_get)(self.number) };
        // SAFETY: what av_pix_fmt_desc_get returned, read by its own FFmpeg's layout.
        unsafe { crate::abi::pixel_format_facts(descriptor, self.ffmpeg.layout()) }
    }
}
