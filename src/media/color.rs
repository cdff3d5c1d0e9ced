//! [`Color`]: a picture's colour description, read from and written to FFmpeg's structs by
//! name, since the enum values are FFmpeg's business; and [`Colorimetry`], the part of it
//! that says how YUV values map to RGB (`Colorimetry::of` a frame lives with `Frame`).

use std::ffi::{CString, c_char, c_int, c_uint};

use crate::abi::ColorFields;
use crate::abi::constants::{COLOR_RANGE_JPEG, COLOR_RANGE_MPEG};
use crate::ffmpeg::Ffmpeg;
use crate::ffmpeg::error::{Error, Result};

/// A picture's colour description; `None` where unspecified. The range is the same [`Range`]
/// a [`Colorimetry`] uses; the others are FFmpeg's names, since releases add values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Color {
    /// Limited (FFmpeg's `tv`) or full (`pc`).
    pub range: Option<Range>,
    /// The YUV matrix (`bt709`, `bt470bg`, `smpte170m`, …).
    pub matrix: Option<String>,
    /// The primaries (`bt709`, `bt2020`, …).
    pub primaries: Option<String>,
    /// The transfer characteristic (`bt709`, `smpte2084`, …).
    pub transfer: Option<String>,
    /// Where chroma samples sit against luma (`left` for MPEG-2 and H.264, `center` for
    /// JPEG, `topleft`, …), which the ffmpeg CLI hands to the encoder with the colours.
    pub chroma_location: Option<String>,
}

/// The YUV matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Matrix {
    /// BT.601 (standard definition; also JPEG with full range).
    Bt601,
    /// BT.709 (high definition).
    Bt709,
}

/// The YUV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Range {
    /// Studio swing: Y from 16 to 235 (at 8 bits).
    Limited,
    /// Full swing: Y from 0 to 255 (JPEG).
    Full,
}

impl Range {
    /// FFmpeg's name: `tv` for limited, `pc` for full.
    pub fn name(self) -> &'static str {
        match self {
            Range::Limited => "tv",
            Range::Full => "pc",
        }
    }

    /// The range FFmpeg names so (`tv`, `pc`, or `mpeg` and `jpeg` as aliases).
    pub fn from_name(name: &str) -> Option<Range> {
        match name {
            "tv" | "mpeg" | "limited" => Some(Range::Limited),
            "pc" | "jpeg" | "full" => Some(Range::Full),
            _ => None,
        }
    }
}

/// How a picture's YUV values map to colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colorimetry {
    /// The matrix.
    pub matrix: Matrix,
    /// The range.
    pub range: Range,
}

impl Colorimetry {
    /// From FFmpeg's names of a picture's matrix and range, assuming what libswscale and the
    /// ffmpeg CLI assume where they say nothing: BT.601 whatever the size, full range for the
    /// `yuvj` pixel formats and limited otherwise.
    pub(crate) fn guess(
        matrix: Option<&str>,
        range: Option<&str>,
        pixel_format: Option<&str>,
    ) -> Colorimetry {
        let matrix = match matrix {
            Some("bt709") => Matrix::Bt709,
            _ => Matrix::Bt601,
        };
        let full = range.and_then(Range::from_name) == Some(Range::Full)
            || pixel_format.is_some_and(|name| name.starts_with("yuvj"));
        Colorimetry {
            matrix,
            range: if full { Range::Full } else { Range::Limited },
        }
    }
}

type NameOf = unsafe extern "C" fn(c_uint) -> *const c_char;
type ValueOf = unsafe extern "C" fn(*const c_char) -> c_int;
type Member = fn(&mut Color) -> &mut Option<String>;
/// One property: its field, FFmpeg's name of a value, its value of a name, and the member.
type Property<S> = (crate::abi::Field<S, u32>, NameOf, ValueOf, Member);

/// The properties FFmpeg names (the range is typed, and read and written on its own).
fn properties<S>(ffmpeg: &Ffmpeg, fields: ColorFields<S>) -> [Property<S>; 4] {
    let f = ffmpeg.functions();
    [
        (
            fields.matrix,
            f.av_color_space_name,
            f.av_color_space_from_name,
            |c| &mut c.matrix,
        ),
        (
            fields.primaries,
            f.av_color_primaries_name,
            f.av_color_primaries_from_name,
            |c| &mut c.primaries,
        ),
        (
            fields.transfer,
            f.av_color_transfer_name,
            f.av_color_transfer_from_name,
            |c| &mut c.transfer,
        ),
        (
            fields.chroma_location,
            f.av_chroma_location_name,
            f.av_chroma_location_from_name,
            |c| &mut c.chroma_location,
        ),
    ]
}

/// Reads the description.
///
/// # Safety
///
/// `object` is a live struct the fields belong to.
pub(crate) unsafe fn read<S>(ffmpeg: &Ffmpeg, object: *const S, fields: ColorFields<S>) -> Color {
    let mut color = Color::default();
    for (field, name_of, _, member) in properties(ffmpeg, fields) {
        // SAFETY: per the contract.
        *member(&mut color) = known_name(name_of, unsafe { field.read(object) });
    }
    // SAFETY: as above.
    let (_, range) = unsafe { matrix_and_range_names(ffmpeg, object, fields) };
    color.range = range.and_then(Range::from_name);
    color
}

/// FFmpeg's name of a chroma location (`left`, `center`, `topleft`…); `None` for an
/// unspecified one or a number it does not know.
pub(crate) fn chroma_location_name(ffmpeg: &Ffmpeg, location: c_uint) -> Option<String> {
    known_name(ffmpeg.functions().av_chroma_location_name, location)
}

/// FFmpeg's name of a YUV matrix (`bt709`); `None` for an unspecified one or a number it
/// does not know.
pub(crate) fn matrix_name(ffmpeg: &Ffmpeg, matrix: c_uint) -> Option<String> {
    known_name(ffmpeg.functions().av_color_space_name, matrix)
}

/// The range of FFmpeg's `enum AVColorRange` number; `None` for an unspecified one.
pub(crate) fn range_numbered(number: c_int) -> Option<Range> {
    match number {
        COLOR_RANGE_MPEG => Some(Range::Limited),
        COLOR_RANGE_JPEG => Some(Range::Full),
        _ => None,
    }
}

/// The name one of FFmpeg's colour tables gives `value`; `None` for a value it does not
/// know or an unspecified one (FFmpeg names an unspecified colour "unknown", an unspecified
/// chroma location "unspecified").
fn known_name(name_of: NameOf, value: c_uint) -> Option<String> {
    // SAFETY: a lookup in a static table; NULL for values it does not know.
    let name = unsafe { name_of(value) };
    // SAFETY: a static string of the library, or NULL.
    unsafe { crate::sys::c_text_in(name) }
        .filter(|name| !name.is_empty() && !matches!(*name, "unknown" | "unspecified"))
        .map(str::to_owned)
}

/// FFmpeg's names of the matrix and the range, borrowed from its static tables (no
/// allocation); `None` where unknown.
///
/// # Safety
///
/// `object` is a live struct the fields belong to.
pub(crate) unsafe fn matrix_and_range_names<S>(
    ffmpeg: &Ffmpeg,
    object: *const S,
    fields: ColorFields<S>,
) -> (Option<&str>, Option<&str>) {
    let f = ffmpeg.functions();
    // SAFETY: per the contract; the lookups return names in static tables of the library
    // `ffmpeg` keeps loaded, or NULL.
    unsafe {
        (
            crate::sys::c_text_in((f.av_color_space_name)(fields.matrix.read(object))),
            crate::sys::c_text_in((f.av_color_range_name)(fields.range.read(object))),
        )
    }
}

/// Writes the properties `color` specifies, leaving the others.
///
/// # Safety
///
/// As for [`read`], and nothing else accesses the fields meanwhile.
pub(crate) unsafe fn write<S>(
    ffmpeg: &Ffmpeg,
    object: *mut S,
    fields: ColorFields<S>,
    color: &Color,
) -> Result<()> {
    if let Some(range) = color.range {
        let f = ffmpeg.functions();
        let name = CString::new(range.name()).expect("no NUL");
        // SAFETY: a lookup in a static table, which knows both names in every family.
        let value = unsafe { (f.av_color_range_from_name)(name.as_ptr()) };
        let value =
            u32::try_from(value).map_err(|_| Error::unknown_name("colour range", range.name()))?;
        // SAFETY: per the contract.
        unsafe { fields.range.write(object, value) };
    }
    let mut color = color.clone();
    for (field, _, value_of, member) in properties(ffmpeg, fields) {
        let Some(name) = member(&mut color).as_deref() else {
            continue;
        };
        let c_name =
            CString::new(name).map_err(|_| Error::invalid_text("colour property", name))?;
        // SAFETY: a lookup in a static table; negative for unknown names.
        let value = unsafe { value_of(c_name.as_ptr()) };
        let value =
            u32::try_from(value).map_err(|_| Error::unknown_name("colour property", name))?;
        // SAFETY: per the contract.
        unsafe { field.write(object, value) };
    }
    Ok(())
}

/// FFmpeg's number of a YUV matrix by its name (`bt709`); `None` for a name it does not know.
pub(crate) fn matrix_number(ffmpeg: &Ffmpeg, name: &str) -> Option<c_int> {
    let name = CString::new(name).ok()?;
    // SAFETY: a lookup of a NUL-terminated name in a static table; -1 when unknown.
    let number = unsafe { (ffmpeg.functions().av_color_space_from_name)(name.as_ptr()) };
    (number >= 0).then_some(number)
}
