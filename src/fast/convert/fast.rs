//! The fast path: 16-bit fixed point, written so that the compiler vectorises it, and
//! compiled once per instruction set with `multiversion`, which picks one at run time.
//!
//! Samples become signed 16-bit levels, `(sample - offset) << shift` with `shift` 7 at 8 bits
//! and 5 at 10, which keeps every level within `i16`. Each is multiplied by its coefficient,
//! keeping the high half of the product (`pmulhw` on x86, `sqdmulh`-like on NEON): with
//! coefficients scaled by `2^(20 - shift)`, the products are in sixteenths of an output step.
//! Three truncated products and a rounding constant stay within 0.15 of a step of the exact
//! value, so the rounded result is never more than one step away.

use std::marker::PhantomData;

use multiversion::multiversion;

#[cfg(target_arch = "x86_64")]
use super::{avx2, avx2::ChromaRow, avx512, sse41};

use super::reference::Affine;
use super::streaming::Streaming;
use super::upsample::{self, ChromaUpsampling, Taps};
use super::{Chroma, Colorimetry, Options, RgbFormat, Samples, SimdLimit, YuvPlanes};
use crate::media::frame::Plane;

/// Pixels converted together: a multiple of every vector width.
pub(super) const CHUNK: usize = 64;
const HALF: usize = CHUNK / 2;
/// Fraction bits of the sums: sixteenths of a step.
const FRACTION: u32 = 4;

/// The fixed-point form of an [`Affine`] for one bit depth.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fixed {
    luma_offset: i16,
    chroma_offset: i16,
    shift: u32,
    pub y: i16,
    pub r_v: i16,
    pub g_u: i16,
    pub g_v: i16,
    pub b_u: i16,
}

impl Fixed {
    fn new(bits: u32, colorimetry: Colorimetry) -> Fixed {
        let affine = Affine::new(bits, colorimetry);
        let shift = 15 - bits;
        let scale = f64::from(1u32 << (16 + FRACTION - shift));
        let fixed = |coefficient: f64| (coefficient * scale).round() as i16;
        Fixed {
            luma_offset: affine.luma_offset as i16,
            chroma_offset: affine.chroma_offset as i16,
            shift,
            y: fixed(affine.y),
            r_v: fixed(affine.r_v),
            g_u: fixed(affine.g_u),
            g_v: fixed(affine.g_v),
            b_u: fixed(affine.b_u),
        }
    }

    /// A chroma sample as a signed level: `(sample - offset) << shift`.
    #[inline(always)]
    pub(super) fn chroma_level<D: Depth>(&self, unit: D::Unit) -> i16 {
        (D::value(unit) - self.chroma_offset) << self.shift
    }

    /// The rounding constant for sums in `2^fraction`ths of a step, for code that takes
    /// `centre` rather than the luma offset from luma before multiplying: the difference's
    /// share is folded in.
    #[cfg(target_arch = "x86_64")]
    pub(super) fn round_about(&self, fraction: u32, centre: i16) -> i16 {
        let share = i32::from(centre - self.luma_offset) * i32::from(self.y);
        let share = share >> (16 + FRACTION - self.shift - fraction);
        (i32::from(ROUND) << (fraction - FRACTION)) as i16 + share as i16
    }
}

/// Half a step, plus the mean loss of the truncated products (half a sixteenth each).
const ROUND: i16 = (1 << (FRACTION - 1)) + 1;

/// The high half of a 16 × 16-bit product (rounded down).
#[inline(always)]
fn high(a: i16, b: i16) -> i16 {
    ((i32::from(a) * i32::from(b)) >> 16) as i16
}

/// A sample layout and how its values become levels in its bit depth.
pub(super) trait Depth {
    type Unit: bytemuck::Pod + Default;
    /// The sample's value, out-of-range values taken as the largest.
    fn value(unit: Self::Unit) -> i16;
}

/// 8-bit samples.
struct Eight;

impl Depth for Eight {
    type Unit = u8;
    #[inline(always)]
    fn value(unit: u8) -> i16 {
        i16::from(unit)
    }
}

/// 10 bits in the low bits of a 16-bit word (`yuv420p10le`).
struct Low10;

impl Depth for Low10 {
    type Unit = u16;
    #[inline(always)]
    fn value(unit: u16) -> i16 {
        unit.min(1023) as i16
    }
}

/// 10 bits in the high bits of a 16-bit word (`p010le`).
struct High10;

impl Depth for High10 {
    type Unit = u16;
    #[inline(always)]
    fn value(unit: u16) -> i16 {
        (unit >> 6) as i16
    }
}

/// The chroma terms of one chunk, each pair of pixels sharing theirs, with the rounding
/// constants in.
pub(super) struct ChromaTerms {
    r: [i16; CHUNK],
    g: [i16; CHUNK],
    b: [i16; CHUNK],
}

/// The red, green and blue terms of `N` chroma levels, with the rounding constants in.
#[inline(always)]
fn terms_of_levels<const N: usize>(u: &[i16; N], v: &[i16; N], k: &Fixed) -> [[i16; N]; 3] {
    [
        std::array::from_fn(|i| high(v[i], k.r_v) + ROUND),
        std::array::from_fn(|i| high(u[i], k.g_u) + high(v[i], k.g_v) + ROUND),
        std::array::from_fn(|i| high(u[i], k.b_u) + ROUND),
    ]
}

/// The terms of `HALF` chroma pairs, each doubled for the two pixels that share it.
#[inline(always)]
fn chroma_terms<D: Depth>(u: &[D::Unit; HALF], v: &[D::Unit; HALF], k: &Fixed) -> ChromaTerms {
    let levels = |units: &[D::Unit; HALF]| -> [i16; HALF] {
        std::array::from_fn(|i| k.chroma_level::<D>(units[i]))
    };
    let twice = |terms: [i16; HALF]| -> [i16; CHUNK] { std::array::from_fn(|i| terms[i / 2]) };
    let [r, g, b] = terms_of_levels(&levels(u), &levels(v), k);
    ChromaTerms {
        r: twice(r),
        g: twice(g),
        b: twice(b),
    }
}

/// The terms of one chunk of chroma levels, one a pixel.
#[inline(always)]
pub(super) fn chroma_terms_of_levels(u: &[i16; CHUNK], v: &[i16; CHUNK], k: &Fixed) -> ChromaTerms {
    let [r, g, b] = terms_of_levels(u, v, k);
    ChromaTerms { r, g, b }
}

/// One chunk of a row: `luma` with `terms` into `out`, `BYTES` a pixel.
#[inline(always)]
fn pixels<D: Depth, const FORMAT: u8, const BYTES: usize>(
    luma: &[D::Unit; CHUNK],
    terms: &ChromaTerms,
    k: &Fixed,
    out: &mut [u8],
) {
    let channel = |sum: i16| (sum >> FRACTION).clamp(0, 255) as u16;
    let (r_terms, g_terms, b_terms) = (&terms.r, &terms.g, &terms.b);
    if BYTES == 4 {
        // Two 16-bit words a pixel: (R, G) and (B, A), or (B, G) and (R, A).
        let mut words = [0u16; 2 * CHUNK];
        for i in 0..CHUNK {
            let y = high((D::value(luma[i]) - k.luma_offset) << k.shift, k.y);
            let (r, g, b) = (
                channel(y + r_terms[i]),
                channel(y + g_terms[i]),
                channel(y + b_terms[i]),
            );
            let (first, third) = if FORMAT == RGBA { (r, b) } else { (b, r) };
            words[2 * i] = first | g << 8;
            words[2 * i + 1] = third | 0xff00;
        }
        for (target, word) in out[..CHUNK * 4].chunks_exact_mut(2).zip(words) {
            target.copy_from_slice(&word.to_le_bytes());
        }
    } else {
        let out = &mut out[..CHUNK * 3];
        for i in 0..CHUNK {
            let y = high((D::value(luma[i]) - k.luma_offset) << k.shift, k.y);
            out[i * 3] = channel(y + r_terms[i]) as u8;
            out[i * 3 + 1] = channel(y + g_terms[i]) as u8;
            out[i * 3 + 2] = channel(y + b_terms[i]) as u8;
        }
    }
}

pub(super) const RGBA: u8 = 0;
pub(super) const BGRA: u8 = 1;
pub(super) const RGB24: u8 = 2;

/// Pixels `x..x + CHUNK` of one row (fewer at its end): `luma_line` with `terms` into
/// `out_line`.
#[inline(always)]
pub(super) fn write_chunk<D: Depth, const FORMAT: u8, const BYTES: usize>(
    luma_line: &[D::Unit],
    terms: &ChromaTerms,
    k: &Fixed,
    out_line: &mut [u8],
    x: usize,
) {
    let luma: [D::Unit; CHUNK] = chunk_of(luma_line, x);
    let target = &mut out_line[x * BYTES..];
    if target.len() >= CHUNK * BYTES {
        pixels::<D, FORMAT, BYTES>(&luma, terms, k, target);
    } else {
        let mut tail = [0u8; CHUNK * 4];
        pixels::<D, FORMAT, BYTES>(&luma, terms, k, &mut tail);
        let count = target.len();
        target.copy_from_slice(&tail[..count]);
    }
}

/// `source[from..]` in a full chunk, padded with defaults past the end.
#[inline(always)]
pub(super) fn chunk_of<T: Copy + Default, const N: usize>(source: &[T], from: usize) -> [T; N] {
    match source.get(from..from + N) {
        Some(full) => full.try_into().expect("N samples"),
        None => {
            let mut padded = [T::default(); N];
            let rest = source.get(from..).unwrap_or_default();
            padded[..rest.len()].copy_from_slice(rest);
            padded
        }
    }
}

/// One picture's rows, as the conversion needs them.
pub(super) struct Rows<'a, D: Depth> {
    luma: Plane<'a>,
    /// U and V planes, or the interleaved plane twice.
    chroma: [Plane<'a>; 2],
    pub(super) interleaved: bool,
    pub(super) width: usize,
    pub(super) height: usize,
    _depth: PhantomData<D>,
}

impl<'a, D: Depth> Rows<'a, D> {
    /// The luma plane; the chroma planes (or the interleaved one twice) and whether they are
    /// interleaved; and the picture's size. [`YuvPlanes`] has checked that the planes hold
    /// every row and sample read, with 16-bit samples aligned.
    fn new(
        luma: Plane<'a>,
        (chroma, interleaved): ([Plane<'a>; 2], bool),
        (width, height): (usize, usize),
    ) -> Rows<'a, D> {
        Rows {
            luma,
            chroma,
            interleaved,
            width,
            height,
            _depth: PhantomData,
        }
    }

    /// The first `width` samples of luma row `row`.
    #[inline(always)]
    pub(super) fn luma_line(&self, row: usize) -> &'a [D::Unit] {
        &units::<D>(self.luma.row(row))[..self.width]
    }

    /// Chroma row `row` of plane `plane` (0 or 1), all of its samples.
    #[inline(always)]
    pub(super) fn chroma_line(&self, plane: usize, row: usize) -> &'a [D::Unit] {
        units::<D>(self.chroma[plane].row(row))
    }
}

/// A row's bytes as samples of `D` (aligned, as [`YuvPlanes`] checked).
#[inline(always)]
fn units<D: Depth>(row: Option<&[u8]>) -> &[D::Unit] {
    bytemuck::cast_slice(row.unwrap_or_default())
}

impl<'a> Rows<'a, Low10> {
    /// The same words, read as another 16-bit layout.
    fn read_as<E: Depth<Unit = u16>>(&self) -> Rows<'a, E> {
        Rows::new(
            self.luma,
            (self.chroma, self.interleaved),
            (self.width, self.height),
        )
    }
}

impl<D: Depth> Rows<'_, D> {
    /// The U and V of the chunk starting at pixel `x` on chroma row `row`.
    #[inline(always)]
    fn chroma(&self, row: usize, x: usize) -> ([D::Unit; HALF], [D::Unit; HALF]) {
        let width = self.width.div_ceil(2);
        if self.interleaved {
            let line = &self.chroma_line(0, row)[..2 * width];
            let pairs: [D::Unit; CHUNK] = chunk_of(line, x);
            (
                std::array::from_fn(|i| pairs[2 * i]),
                std::array::from_fn(|i| pairs[2 * i + 1]),
            )
        } else {
            let line = |plane: usize| -> [D::Unit; HALF] {
                chunk_of(&self.chroma_line(plane, row)[..width], x / 2)
            };
            (line(0), line(1))
        }
    }
}

/// Calls `each` with every pair of rows (one at an odd height's end) that shares a chroma
/// row: its index, its luma lines and its output lines.
#[inline(always)]
fn row_pairs<'a, D: Depth, const BYTES: usize>(
    rows: &Rows<'a, D>,
    out: &mut [u8],
    stride: usize,
    mut each: impl FnMut(usize, &[&'a [D::Unit]], &mut [&mut [u8]]),
) {
    for (pair, out_pair) in out
        .chunks_mut(stride.saturating_mul(2))
        .take(rows.height.div_ceil(2))
        .enumerate()
    {
        let count = (rows.height - 2 * pair).min(2);
        let lumas = [
            rows.luma_line(2 * pair),
            rows.luma_line(2 * pair + count - 1),
        ];
        let (first, second) = out_pair.split_at_mut(stride.min(out_pair.len()));
        let second_width = if count == 2 { rows.width * BYTES } else { 0 };
        let mut outs = [
            &mut first[..rows.width * BYTES],
            &mut second[..second_width],
        ];
        each(pair, &lumas[..count], &mut outs[..count]);
    }
}

/// The portable code for row pair `pair` (its luma lines and output lines), from pixel
/// `done` on.
#[inline(always)]
fn portable_pair<D: Depth, const FORMAT: u8, const BYTES: usize>(
    rows: &Rows<'_, D>,
    k: &Fixed,
    pair: usize,
    (lumas, outs): (&[&[D::Unit]], &mut [&mut [u8]]),
    done: usize,
) {
    for x in (done..rows.width).step_by(CHUNK) {
        let (u, v) = rows.chroma(pair, x);
        let terms = chroma_terms::<D>(&u, &v, k);
        for (luma_line, out_line) in lumas.iter().zip(outs.iter_mut()) {
            write_chunk::<D, FORMAT, BYTES>(luma_line, &terms, k, out_line, x);
        }
    }
}

/// Converts with the widest instruction set this CPU has, hand-written code for 8-bit
/// sources up to `widest`. Two rows share each chroma row; their terms are worked out once.
///
/// The hand-written kernels are unsafe functions whose one condition is the CPU's features.
/// Each `match_target!` arm below runs only where its features are present: `match_target!`
/// compiles an arm only into a clone whose targets include the arm's features, and
/// multiversion calls a clone only after detecting those features on this CPU, or compiles
/// it as the only version where the build's target enables them all (`-C target-cpu=native`,
/// or SSE4.1 on x86_64-apple-darwin). The arms call only the kernels their features cover.
#[multiversion(targets(
    "x86_64+avx2+fma+avx512f+avx512bw+avx512vl+avx512vbmi",
    "x86_64+avx2+fma+avx512f+avx512bw+avx512vl",
    "x86_64+avx2+fma",
    "x86_64+sse4.1",
    "aarch64+neon"
))]
fn convert_rows<D: Depth, const FORMAT: u8, const BYTES: usize>(
    rows: &Rows<'_, D>,
    k: &Fixed,
    out: &mut [u8],
    stride: usize,
    kernels: (HandWritten, Option<&Streaming>),
) {
    let eight_bit = size_of::<D::Unit>() == 1;
    row_pairs::<D, BYTES>(rows, out, stride, |pair, lumas, outs| {
        let (widest, streaming) = kernels;
        let count = lumas.len();
        let done = multiversion::target::match_target! {
            "x86_64+avx512bw+avx512vl+avx512vbmi" => if !eight_bit || widest == HandWritten::None {
                0
            } else {
                let (luma_rows, chroma) = byte_rows(rows, pair, lumas);
                let luma_rows = &luma_rows[..count];
                let width = rows.width;
                if widest == HandWritten::Avx2 {
                    // SAFETY: this arm's features include AVX2 (see the documentation above).
                    unsafe { avx2::rows::<FORMAT>(luma_rows, chroma, k, outs, width, streaming) }
                } else {
                    // SAFETY: this arm's features are the AVX-512 code's.
                    unsafe { avx512::rows::<FORMAT>(luma_rows, chroma, k, outs, width, streaming) }
                }
            },
            "x86_64+avx2" => if !eight_bit || widest == HandWritten::None {
                0
            } else {
                let (luma_rows, chroma) = byte_rows(rows, pair, lumas);
                let luma_rows = &luma_rows[..count];
                // SAFETY: this arm's features are the AVX2 code's.
                unsafe { avx2::rows::<FORMAT>(luma_rows, chroma, k, outs, rows.width, streaming) }
            },
            "x86_64+sse4.1" => if !eight_bit || widest == HandWritten::None {
                0
            } else {
                // The SSE4.1 code writes through the cache.
                let _ = streaming;
                let (luma_rows, chroma) = byte_rows(rows, pair, lumas);
                // SAFETY: this arm's features are the SSE4.1 code's.
                unsafe { sse41::rows::<FORMAT>(&luma_rows[..count], chroma, k, outs, rows.width) }
            },
            _ => {
                let _ = (eight_bit, widest, streaming, count);
                0
            },
        };
        portable_pair::<D, FORMAT, BYTES>(rows, k, pair, (lumas, outs), done);
    });
}

/// [`convert_rows`] on AVX2 at most: what a CPU without AVX-512 runs. (Its arms are safe as
/// [`convert_rows`] says.)
#[multiversion(targets("x86_64+avx2+fma"))]
fn convert_rows_avx2<D: Depth, const FORMAT: u8, const BYTES: usize>(
    rows: &Rows<'_, D>,
    k: &Fixed,
    out: &mut [u8],
    stride: usize,
    streaming: Option<&Streaming>,
) {
    let eight_bit = size_of::<D::Unit>() == 1;
    row_pairs::<D, BYTES>(rows, out, stride, |pair, lumas, outs| {
        let done = multiversion::target::match_target! {
            "x86_64+avx2" => if eight_bit {
                let (luma_rows, chroma) = byte_rows(rows, pair, lumas);
                let luma_rows = &luma_rows[..lumas.len()];
                // SAFETY: this arm's features are the AVX2 code's.
                unsafe { avx2::rows::<FORMAT>(luma_rows, chroma, k, outs, rows.width, streaming) }
            } else {
                0
            },
            _ => {
                let _ = (eight_bit, streaming);
                0
            },
        };
        portable_pair::<D, FORMAT, BYTES>(rows, k, pair, (lumas, outs), done);
    });
}

/// [`convert_rows`] on SSE4.1 at most. (Its arms are safe as [`convert_rows`] says.)
#[multiversion(targets("x86_64+sse4.1"))]
fn convert_rows_sse41<D: Depth, const FORMAT: u8, const BYTES: usize>(
    rows: &Rows<'_, D>,
    k: &Fixed,
    out: &mut [u8],
    stride: usize,
) {
    let eight_bit = size_of::<D::Unit>() == 1;
    row_pairs::<D, BYTES>(rows, out, stride, |pair, lumas, outs| {
        let done = multiversion::target::match_target! {
            "x86_64+sse4.1" => if eight_bit {
                let (luma_rows, chroma) = byte_rows(rows, pair, lumas);
                let luma_rows = &luma_rows[..lumas.len()];
                // SAFETY: this arm's features are the SSE4.1 code's.
                unsafe { sse41::rows::<FORMAT>(luma_rows, chroma, k, outs, rows.width) }
            } else {
                0
            },
            _ => {
                let _ = eight_bit;
                0
            },
        };
        portable_pair::<D, FORMAT, BYTES>(rows, k, pair, (lumas, outs), done);
    });
}

/// The instruction set [`convert_rows`] runs with on this CPU (the same targets, in the same
/// order).
#[multiversion(targets(
    "x86_64+avx2+fma+avx512f+avx512bw+avx512vl+avx512vbmi",
    "x86_64+avx2+fma+avx512f+avx512bw+avx512vl",
    "x86_64+avx2+fma",
    "x86_64+sse4.1",
    "aarch64+neon"
))]
pub(super) fn simd_level() -> &'static str {
    multiversion::target::match_target! {
        "x86_64+avx512bw+avx512vbmi" => "avx512vbmi",
        "x86_64+avx2+fma+avx512f+avx512bw+avx512vl" => "avx512",
        "x86_64+avx2+fma" => "avx2",
        "x86_64+sse4.1" => "sse4.1",
        "aarch64+neon" => "neon",
        _ => "scalar",
    }
}

/// A row pair of 8-bit samples as the hand-written x86 code takes them: the luma rows and
/// the chroma row they share.
#[cfg(target_arch = "x86_64")]
fn byte_rows<'a, D: Depth>(
    rows: &Rows<'a, D>,
    pair: usize,
    lumas: &[&'a [D::Unit]],
) -> ([&'a [u8]; 2], ChromaRow<'a>) {
    use bytemuck::cast_slice as bytes;
    let width = rows.width.div_ceil(2);
    let chroma = if rows.interleaved {
        ChromaRow::Interleaved(&bytes(rows.chroma_line(0, pair))[..2 * width])
    } else {
        ChromaRow::Planar(
            &bytes(rows.chroma_line(0, pair))[..width],
            &bytes(rows.chroma_line(1, pair))[..width],
        )
    };
    ([bytes(lumas[0]), bytes(lumas[lumas.len() - 1])], chroma)
}

/// The widest hand-written code a conversion may use: tests use the narrower choices to check
/// each kernel on a CPU that would otherwise pick only the widest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HandWritten {
    /// AVX-512 with VBMI, else AVX2, as the CPU allows.
    Widest,
    /// AVX2 at most.
    #[cfg_attr(not(test), allow(dead_code))]
    Avx2,
    /// None: the portable code only.
    #[cfg_attr(not(test), allow(dead_code))]
    None,
}

/// The conversion's target: layout, colours and where the rows go.
struct Target<'a> {
    format: RgbFormat,
    colorimetry: Colorimetry,
    out: &'a mut [u8],
    stride: usize,
    /// The widest hand-written code allowed, and whether it streams.
    kernels: (HandWritten, Option<&'a Streaming>),
    /// The chroma filters (horizontal, vertical), or `None` for the nearest sample.
    filters: Option<&'a (Taps, Taps)>,
    /// The widest instructions allowed.
    limit: SimdLimit,
}

/// Converts a picture of `D` samples.
fn convert_depth<D: Depth>(
    rows: &Rows<'_, D>,
    bits: u32,
    Target {
        format,
        colorimetry,
        out,
        stride,
        kernels,
        filters,
        limit,
    }: Target<'_>,
) {
    let k = Fixed::new(bits, colorimetry);
    if let Some((horizontal, vertical)) = filters {
        let filters = (horizontal, vertical);
        let out = (out, stride);
        return match format {
            RgbFormat::Rgba => upsample::convert_rows::<D, RGBA, 4>(rows, &k, out, filters),
            RgbFormat::Bgra => upsample::convert_rows::<D, BGRA, 4>(rows, &k, out, filters),
            RgbFormat::Rgb24 => upsample::convert_rows::<D, RGB24, 3>(rows, &k, out, filters),
        };
    }
    let streaming = kernels.1;
    match (limit, format) {
        (SimdLimit::Widest, RgbFormat::Rgba) => {
            convert_rows::<D, RGBA, 4>(rows, &k, out, stride, kernels)
        }
        (SimdLimit::Widest, RgbFormat::Bgra) => {
            convert_rows::<D, BGRA, 4>(rows, &k, out, stride, kernels)
        }
        (SimdLimit::Widest, RgbFormat::Rgb24) => {
            convert_rows::<D, RGB24, 3>(rows, &k, out, stride, kernels)
        }
        (SimdLimit::Avx2, RgbFormat::Rgba) => {
            convert_rows_avx2::<D, RGBA, 4>(rows, &k, out, stride, streaming)
        }
        (SimdLimit::Avx2, RgbFormat::Bgra) => {
            convert_rows_avx2::<D, BGRA, 4>(rows, &k, out, stride, streaming)
        }
        (SimdLimit::Avx2, RgbFormat::Rgb24) => {
            convert_rows_avx2::<D, RGB24, 3>(rows, &k, out, stride, streaming)
        }
        (SimdLimit::Sse41, RgbFormat::Rgba) => {
            convert_rows_sse41::<D, RGBA, 4>(rows, &k, out, stride)
        }
        (SimdLimit::Sse41, RgbFormat::Bgra) => {
            convert_rows_sse41::<D, BGRA, 4>(rows, &k, out, stride)
        }
        (SimdLimit::Sse41, RgbFormat::Rgb24) => {
            convert_rows_sse41::<D, RGB24, 3>(rows, &k, out, stride)
        }
    }
}

/// Converts into `out`, rows `stride` bytes apart, as `options` say.
pub(super) fn convert(
    planes: &YuvPlanes<'_>,
    format: RgbFormat,
    colorimetry: Colorimetry,
    (out, stride): (&mut [u8], usize),
    options: Options,
) {
    // Dropped, and so fenced, when the conversion is over.
    let streaming = options.streamed.then(Streaming::begin);
    let kernels = (HandWritten::Widest, streaming.as_ref());
    let how = (kernels, options.upsampling, options.limit);
    convert_with(planes, format, colorimetry, (out, stride), how);
}

/// [`convert`] with `kernels`: at most the widest hand-written code named, streaming its
/// stores if given a [`Streaming`].
pub(super) fn convert_with(
    planes: &YuvPlanes<'_>,
    format: RgbFormat,
    colorimetry: Colorimetry,
    (out, stride): (&mut [u8], usize),
    (kernels, upsampling, limit): (
        (HandWritten, Option<&Streaming>),
        ChromaUpsampling,
        SimdLimit,
    ),
) {
    let filters = (upsampling != ChromaUpsampling::Nearest).then(|| upsample::filters(planes));
    let target = Target {
        format,
        colorimetry,
        out,
        stride,
        kernels,
        filters: filters.as_ref(),
        limit,
    };
    let (width, height) = (planes.width, planes.height);
    let (chroma, interleaved) = match planes.chroma {
        Chroma::Planar(u, v) => ([u.plane(), v.plane()], false),
        Chroma::Interleaved(uv) => ([uv.plane(), uv.plane()], true),
    };
    match planes.luma {
        Samples::Bytes(luma) => {
            let rows = Rows::<Eight>::new(luma, (chroma, interleaved), (width, height));
            convert_depth(&rows, planes.bits, target);
        }
        Samples::Words(luma) => {
            let rows = Rows::<Low10>::new(luma, (chroma, interleaved), (width, height));
            // p010 keeps its bits at the top of each word: the same rows, read differently.
            if rows.interleaved {
                convert_depth(&rows.read_as::<High10>(), planes.bits, target);
            } else {
                convert_depth(&rows, planes.bits, target);
            }
        }
    }
}
