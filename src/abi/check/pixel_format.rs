//! The self-check of the head of `AVPixFmtDescriptor` that [`crate::abi::pixel_format_facts`]
//! reads: two formats whose descriptors every release states alike must read back so.

use super::{AbiMismatch, Checker};
use crate::abi::constants::{PIX_FMT_FLAG_ALPHA, PIX_FMT_FLAG_PLANAR, PIX_FMT_FLAG_RGB};

/// # Safety
///
/// See [`super::check`].
pub(super) unsafe fn pixel_format_descriptor(c: &mut Checker) -> Result<(), AbiMismatch> {
    const S: &str = "AVPixFmtDescriptor";
    let f = c.functions;
    let formats = [
        (c"yuv420p", 3, (1, 1), PIX_FMT_FLAG_PLANAR),
        (c"rgba", 4, (0, 0), PIX_FMT_FLAG_RGB | PIX_FMT_FLAG_ALPHA),
    ];
    for (name, components, log2_chroma, flags) in formats {
        // SAFETY: lookups in libavutil's static tables; the descriptor is static data.
        let descriptor = unsafe { (f.av_pix_fmt_desc_get)(super::pixel_format(f, name)) };
        c.allocated(S, descriptor)?;
        // SAFETY: a descriptor av_pix_fmt_desc_get returned, not NULL.
        let (read_name, facts) = unsafe {
            (
                crate::abi::pixel_format_descriptor_name(descriptor),
                crate::abi::pixel_format_facts(descriptor),
            )
        };
        c.expect(S, "name", name.to_string_lossy(), read_name.into())?;
        c.expect(S, "nb_components", components, facts.components)?;
        c.expect(S, "log2_chroma_w", log2_chroma.0, facts.log2_chroma.0)?;
        c.expect(S, "log2_chroma_h", log2_chroma.1, facts.log2_chroma.1)?;
        c.expect(S, "flags", flags, facts.flags)?;
    }
    Ok(())
}
