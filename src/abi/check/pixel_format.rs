//! The self-check of the head of `AVPixFmtDescriptor` that [`crate::abi::pixel_format_facts`]
//! reads: formats whose descriptors every release states alike must read back so.

use super::{AbiMismatch, Checker};
use crate::abi::constants::{PIX_FMT_FLAG_ALPHA, PIX_FMT_FLAG_PLANAR, PIX_FMT_FLAG_RGB};

/// # Safety
///
/// See [`super::check`].
pub(super) unsafe fn pixel_format_descriptor(c: &mut Checker) -> Result<(), AbiMismatch> {
    const S: &str = "AVPixFmtDescriptor";
    let f = c.functions;
    // p010le's components are 10 bits deep each, at the component size the layout states.
    let formats = [
        (c"yuv420p", 3, (1, 1), PIX_FMT_FLAG_PLANAR, [8, 8, 8, 0]),
        (
            c"rgba",
            4,
            (0, 0),
            PIX_FMT_FLAG_RGB | PIX_FMT_FLAG_ALPHA,
            [8; 4],
        ),
        (c"p010le", 3, (1, 1), PIX_FMT_FLAG_PLANAR, [10, 10, 10, 0]),
    ];
    for (name, components, log2_chroma, flags, depths) in formats {
        // SAFETY: lookups in libavutil's static tables; the descriptor is static data.
        let descriptor = unsafe { (f.av_pix_fmt_desc_get)(super::pixel_format(f, name)) };
        c.allocated(S, descriptor)?;
        // SAFETY: a descriptor av_pix_fmt_desc_get returned, not NULL.
        let (read_name, facts) = unsafe {
            (
                crate::abi::pixel_format_descriptor_name(descriptor),
                crate::abi::pixel_format_facts(descriptor, c.layout),
            )
        };
        c.expect(S, "name", name.to_string_lossy(), read_name.into())?;
        c.expect(S, "nb_components", components, facts.components)?;
        c.expect(S, "log2_chroma_w", log2_chroma.0, facts.log2_chroma.0)?;
        c.expect(S, "log2_chroma_h", log2_chroma.1, facts.log2_chroma.1)?;
        c.expect(S, "flags", flags, facts.flags)?;
        for (depth, read) in depths.into_iter().zip(facts.depths) {
            c.expect(S, "comp[].depth", depth, read)?;
        }
    }
    Ok(())
}
