//! The self-check of `AVCodecContext.decoded_side_data` and its count, from 7.1: a `rawvideo`
//! encoder opened with a display matrix there gives its stream that matrix (libavcodec maps
//! an encoder's static side data into its `coded_side_data`), which
//! `avcodec_parameters_from_context` copies into parameters whose side data are proven.

use super::{AbiMismatch, Checker};
use crate::abi::constants::{FRAME_DATA_DISPLAYMATRIX, PKT_DATA_DISPLAY_MATRIX};
use crate::sys::Rational;

/// A display matrix of a quarter turn, as 16.16 and 2.30 fixed-point numbers: 36 bytes no
/// default could give.
const MATRIX: [i32; 9] = [0, 65_536, 0, -65_536, 0, 0, 0, 0, 1 << 30];

/// `Ok(false)` where the check cannot run (the family has no such field, or the build no
/// `rawvideo` encoder): the field is then left out of the layout.
///
/// # Safety
///
/// See [`super::check`].
pub(super) unsafe fn encoder_side_data(c: &mut Checker) -> Result<bool, AbiMismatch> {
    const S: &str = "AVCodecContext";
    let (f, l, p) = (
        c.functions,
        &c.layout.codec_context,
        &c.layout.codec_parameters,
    );
    let fields = (l.decoded_side_data, l.nb_decoded_side_data);
    let (Some(entries), Some(count)) = fields else {
        return Ok(false);
    };
    let coded = (
        p.coded_side_data,
        p.nb_coded_side_data,
        f.av_frame_side_data_new,
    );
    let (Some(coded), Some(nb_coded), Some(_)) = coded else {
        return Ok(false);
    };
    // SAFETY: a lookup in libavcodec's static table; NULL where the build lacks it.
    let codec = unsafe { (f.avcodec_find_encoder_by_name)(c"rawvideo".as_ptr()) };
    if codec.is_null() {
        return Ok(false);
    }
    // SAFETY: allocates a context with the encoder's defaults, or NULL.
    let mut context = unsafe { (f.avcodec_alloc_context3)(codec) };
    c.allocated(S, context)?;
    // SAFETY: likewise for parameters.
    let mut parameters = unsafe { (f.avcodec_parameters_alloc)() };
    let bytes: Vec<u8> = MATRIX.iter().flat_map(|n| n.to_ne_bytes()).collect();
    let result = (|| {
        c.allocated("AVCodecParameters", parameters)?;
        let yuv420p = super::pixel_format(f, c"yuv420p");
        let kind = c
            .layout
            .frame_side_data
            .number_here(FRAME_DATA_DISPLAYMATRIX);
        // SAFETY: writes into the live context at proven offsets and at the two under test,
        // where FFmpeg makes an array of one entry, owned by the context from then on and freed
        // with it; the parameters then get a copy of what the opened encoder holds.
        unsafe {
            l.width.write(context, 16);
            l.height.write(context, 16);
            l.pix_fmt.write(context, yuv420p);
            l.time_base.write(context, Rational { num: 1, den: 25 });
            let made = c.layout.frame_side_data.append_entry(
                f,
                entries.address(context).cast_mut(),
                count.address(context).cast_mut(),
                kind,
                &bytes,
            );
            c.expect_that(S, "(new decoded side data)", made, "an entry")?;
            c.expect(S, "nb_decoded_side_data", 1, count.read(context))?;
            let status = (f.avcodec_open2)(context, codec, std::ptr::null_mut());
            c.expect(S, "(rawvideo opened)", 0, status)?;
            let status = (f.avcodec_parameters_from_context)(parameters, context);
            c.expect("AVCodecParameters", "(copy from context)", 0, status)?;
        }
        let side = &c.layout.packet_side_data;
        // SAFETY: the parameters' own array of `nb_coded_side_data` entries, whose bytes
        // FFmpeg copied and which live until the parameters are freed below.
        let found = unsafe { side.entries(coded.read(parameters), nb_coded.read(parameters)) }
            .into_iter()
            .find(|&(kind, _)| kind == PKT_DATA_DISPLAY_MATRIX)
            .map(|(_, found)| found.to_vec());
        c.expect(
            S,
            "decoded_side_data",
            format!("{bytes:?}"),
            format!("{:?}", found.unwrap_or_default()),
        )?;
        Ok(true)
    })();
    // SAFETY: both were allocated above by their own allocators (NULL is accepted too); the
    // context frees the entry it holds.
    unsafe {
        (f.avcodec_parameters_free)(&mut parameters);
        (f.avcodec_free_context)(&mut context);
    }
    result
}
