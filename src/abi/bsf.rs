//! `AVBSFContext`, the bitstream-filter state whose parameters and time bases the crate reads
//! and writes. libavcodec 58 (4.x) still had an `internal` pointer before `priv_data`; from 59
//! (5.0) on it is gone and the rest moved up (Debian's headers of 58, 59, 61 and 63 say so).
//! The self-check ([`check`]) proves the fields on the loaded library.

use std::ffi::c_void;
use std::mem::offset_of;

use super::field::Field;
use crate::sys::Rational;
use crate::sys::objects::{AVBSFContext, AVBitStreamFilter, AVCodecParameters};

/// The head in libavcodec 58.
#[repr(C)]
struct Head58 {
    av_class: *const c_void,
    filter: *const c_void,
    internal: *mut c_void,
    priv_data: *mut c_void,
    par_in: *mut AVCodecParameters,
    par_out: *mut AVCodecParameters,
    time_base_in: Rational,
    time_base_out: Rational,
}

/// The head from libavcodec 59 on.
#[repr(C)]
struct Head59 {
    av_class: *const c_void,
    filter: *const c_void,
    priv_data: *mut c_void,
    par_in: *mut AVCodecParameters,
    par_out: *mut AVCodecParameters,
    time_base_in: Rational,
    time_base_out: Rational,
}

/// Where the fields lie in one family's `AVBSFContext`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BsfFields {
    pub filter: Field<AVBSFContext, *const c_void>,
    pub par_in: Field<AVBSFContext, *mut AVCodecParameters>,
    pub par_out: Field<AVBSFContext, *mut AVCodecParameters>,
    pub time_base_in: Field<AVBSFContext, Rational>,
    pub time_base_out: Field<AVBSFContext, Rational>,
}

macro_rules! fields_of {
    ($head:ident) => {
        BsfFields {
            filter: Field::same_layout(offset_of!($head, filter)),
            par_in: Field::same_layout(offset_of!($head, par_in)),
            par_out: Field::same_layout(offset_of!($head, par_out)),
            time_base_in: Field::same_layout(offset_of!($head, time_base_in)),
            time_base_out: Field::same_layout(offset_of!($head, time_base_out)),
        }
    };
}

/// The fields of the family whose libavcodec major is `avcodec_major`.
pub(crate) fn bsf_fields(avcodec_major: u64) -> BsfFields {
    if avcodec_major <= 58 {
        fields_of!(Head58)
    } else {
        fields_of!(Head59)
    }
}

/// The name of a registered bitstream filter: `AVBitStreamFilter` has begun with its name in
/// every family (the self-check finds `null` by it).
///
/// # Safety
///
/// `filter` is what that FFmpeg's `av_bsf_iterate` or `av_bsf_get_by_name` returned.
pub(crate) unsafe fn filter_name(filter: *const AVBitStreamFilter) -> String {
    // SAFETY: per the contract; the first member is a static NUL-terminated name.
    unsafe { crate::sys::c_text(*filter.cast::<*const std::ffi::c_char>()) }
}

/// What the self-check found: `(field, expected, found)`.
pub(super) type Fact = (&'static str, String, String);

/// Proves the fields with the `null` filter: its context names it, holds two distinct fresh
/// parameter sets (of unknown media type), and after `av_bsf_init` gives out the time base it
/// was given.
///
/// # Safety
///
/// `functions` and `codec_type` are the loaded library's.
pub(super) unsafe fn check(
    functions: &crate::loader::functions::Functions,
    codec_type: Field<AVCodecParameters, std::ffi::c_int>,
    fields: BsfFields,
) -> Vec<Fact> {
    let f = functions;
    let mut facts = Vec::new();
    // SAFETY: a context of FFmpeg's own `null` filter, read at the offsets being proven in
    // order (each read only once the one before proved its struct), and freed.
    unsafe {
        let null = (f.av_bsf_get_by_name)(c"null".as_ptr());
        let mut context = std::ptr::null_mut();
        if null.is_null() || (f.av_bsf_alloc)(null, &mut context) < 0 || context.is_null() {
            facts.push(("(allocation)", "a null filter".into(), "none".into()));
            return facts;
        }
        let same = |a: bool| if a { "yes" } else { "no" }.to_owned();
        facts.push(("AVBitStreamFilter.name", "null".into(), filter_name(null)));
        let named = fields.filter.read(context) == null.cast();
        facts.push(("filter", same(true), same(named)));
        let (par_in, par_out) = (fields.par_in.read(context), fields.par_out.read(context));
        let distinct = named && !par_in.is_null() && !par_out.is_null() && par_in != par_out;
        facts.push(("par_in/par_out", same(true), same(distinct)));
        if distinct {
            let unknown = (codec_type.read(par_in), codec_type.read(par_out));
            facts.push((
                "par_in/par_out",
                "-1/-1".into(),
                format!("{}/{}", unknown.0, unknown.1),
            ));
            fields.time_base_in.write(context, Rational::new(1, 90_000));
            let status = (f.av_bsf_init)(context);
            let out = fields.time_base_out.read(context);
            let found = if status < 0 {
                format!("av_bsf_init failed ({status})")
            } else {
                out.to_string()
            };
            facts.push(("time_base_in/out", "1/90000".into(), found));
        }
        (f.av_bsf_free)(&mut context);
    }
    facts
}
