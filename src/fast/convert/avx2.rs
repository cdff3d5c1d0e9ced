//! AVX2 code for 8-bit sources, 32 pixels a step, in safe Rust (the entry point is `unsafe`
//! only for the CPU it needs): the intrinsics are safe inside an `avx2` function, loads go
//! through `bytemuck` on slices, and stores through [`super::streaming`].
//!
//! It computes what the portable code does, with the same coefficients, arranged for the
//! vector unit: each sample becomes `(sample - 128) << 8` (its byte in the high byte of a
//! word, flipped about 128), so the sums are in 32nds of a step and no shift comes before
//! the multiplies; luma's offset is folded into the rounding constant.
//!
//! The 256-bit unpacks work within each 128-bit lane, so the samples go into words in an
//! order that those unpacks turn back into pixel order: 16 samples loaded into both lanes
//! and spread by one `vpshufb` ([`spread`]), or, for NV12's interleaved chroma, 32 bytes
//! permuted by [`LANE_ORDER`]. Each output vector then holds eight whole pixels: one 32-byte
//! store each for RGBA and BGRA, two overlapping 16-byte stores for RGB24, with no permute
//! across lanes before them.
//!
//! Each pair of rows sharing a chroma row runs in one loop with its slices checked once
//! (rows and alignment). With the layout above and a luma multiply that LLVM keeps in 16-bit
//! lanes, that took the kernel from 1.29–1.33× to 1.5–1.6× swscale to RGBA at 1080p in most
//! runs (BENCHMARKS.md).

use std::arch::x86_64::*;

use super::fast::Fixed;
use super::streaming::{self, Streaming, store32};

/// One chroma row.
#[derive(Clone, Copy)]
pub(super) enum ChromaRow<'a> {
    Planar(&'a [u8], &'a [u8]),
    Interleaved(&'a [u8]),
}

#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn load16(bytes: &[u8]) -> __m128i {
    bytemuck::pod_read_unaligned(&bytes[..16])
}

#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn load32(bytes: &[u8]) -> __m256i {
    bytemuck::pod_read_unaligned(&bytes[..32])
}

/// NV12's 16 chroma pairs as 32-bit groups of two in the order [`CHROMA_SPREAD`] gives
/// planar chroma: pairs 0, 1, 4, 5, 8, 9, 12 and 13 in the low lane, the rest in the high.
const LANE_ORDER: [i32; 8] = [0, 2, 4, 6, 1, 3, 5, 7];

/// A `vpshufb` index that spreads 16 bytes, broadcast to both lanes, into the high bytes of
/// words (low bytes zero): groups of `group` bytes, alternately to the low and high lane.
const fn spread(group: usize) -> [i8; 32] {
    let mut index = [-1; 32];
    let mut lane = 0;
    while lane < 2 {
        let mut word = 0;
        while word < 8 {
            let source = group * lane + 2 * group * (word / group) + word % group;
            index[16 * lane + 2 * word + 1] = source as i8;
            word += 1;
        }
        lane += 1;
    }
    index
}

/// Luma, 16 of a step's 32 pixels: lane 0 takes bytes 0–3 and 8–11, lane 1 bytes 4–7 and
/// 12–15. Packed back to bytes with the other 16 and unpacked into 4-byte pixels, each lane
/// then holds four consecutive pixels, the low lane the four before the high lane's.
const LUMA_SPREAD: [i8; 32] = spread(4);
/// Chroma, one sample to two pixels: lane 0 takes samples 0, 1, 4, 5, 8, 9, 12 and 13, lane 1
/// the others.
const CHROMA_SPREAD: [i8; 32] = spread(2);

/// 16 samples as `(sample - 128) << 8` words, spread by `index`.
#[inline]
#[target_feature(enable = "avx2")]
fn spread_levels(bytes: &[u8], index: __m256i) -> __m256i {
    let both = _mm256_broadcastsi128_si256(load16(bytes));
    let high = _mm256_shuffle_epi8(both, index);
    _mm256_xor_si256(high, _mm256_set1_epi16(0x8000_u16 as i16))
}

/// The red, green and blue terms of 16 chroma samples, each doubled for the two pixels that
/// share it, as (low, high) halves in the order of [`LUMA_SPREAD`]'s two halves;
/// `$lane_order` is a [`LANE_ORDER`] vector.
/// (Macros rather than functions: an `avx2` function cannot be forced inline, and a call
/// passes vectors through memory.)
macro_rules! chroma_terms {
    ($chroma:expr, $x:expr, $k:expr, $lane_order:expr) => {{
        // Each chroma sample as `(c - 128) << 8`: the byte flipped about 128, in the high byte.
        let flip = _mm256_set1_epi8(0x80_u8 as i8);
        let order = |pairs| _mm256_permutevar8x32_epi32(pairs, $lane_order);
        let (u, v) = match $chroma {
            ChromaRow::Planar(u, v) => {
                let index = bytemuck::cast(CHROMA_SPREAD);
                (
                    spread_levels(&u[$x / 2..], index),
                    spread_levels(&v[$x / 2..], index),
                )
            }
            ChromaRow::Interleaved(uv) => {
                let pairs = order(_mm256_xor_si256(load32(&uv[$x..]), flip));
                (
                    _mm256_slli_epi16::<8>(pairs),
                    _mm256_and_si256(pairs, _mm256_set1_epi16(0xff00_u16 as i16)),
                )
            }
        };
        let k: &Fixed = $k;
        let round = _mm256_set1_epi16(k.round_about(5, 128));
        let r = _mm256_add_epi16(_mm256_mulhi_epi16(v, _mm256_set1_epi16(k.r_v)), round);
        let g = _mm256_add_epi16(
            _mm256_add_epi16(
                _mm256_mulhi_epi16(u, _mm256_set1_epi16(k.g_u)),
                _mm256_mulhi_epi16(v, _mm256_set1_epi16(k.g_v)),
            ),
            round,
        );
        let b = _mm256_add_epi16(_mm256_mulhi_epi16(u, _mm256_set1_epi16(k.b_u)), round);
        [
            (_mm256_unpacklo_epi16(r, r), _mm256_unpackhi_epi16(r, r)),
            (_mm256_unpacklo_epi16(g, g), _mm256_unpackhi_epi16(g, g)),
            (_mm256_unpacklo_epi16(b, b), _mm256_unpackhi_epi16(b, b)),
        ]
    }};
}

/// One channel of 32 pixels as 16-bit sums in 32nds of a step, (low, high) halves as luma
/// was unpacked.
macro_rules! sums {
    ($luma:expr, $terms:expr) => {{
        let (low, high) = $terms;
        (
            _mm256_srai_epi16::<5>(_mm256_add_epi16($luma.0, low)),
            _mm256_srai_epi16::<5>(_mm256_add_epi16($luma.1, high)),
        )
    }};
}

/// One channel of 32 pixels as bytes, from its [`sums`].
macro_rules! channel {
    ($sums:expr) => {{
        let (low, high) = $sums;
        _mm256_packus_epi16(low, high)
    }};
}

/// One channel of 32 pixels clamped to 0–255 as (low, high) halves of words: two ALU
/// operations each instead of a pack and two unpacks, which would all go to the shuffle
/// ports.
macro_rules! clamped {
    ($sums:expr) => {{
        let (low, high) = $sums;
        let (zero, top) = (_mm256_setzero_si256(), _mm256_set1_epi16(255));
        let clamp = |words| _mm256_min_epi16(_mm256_max_epi16(words, zero), top);
        (clamp(low), clamp(high))
    }};
}

/// The last channel of a pixel with alpha 255 above it, as (low, high) halves of words.
macro_rules! with_alpha {
    ($sums:expr) => {{
        let (low, high) = clamped!($sums);
        let alpha = _mm256_set1_epi16(0xff00_u16 as i16);
        (_mm256_or_si256(low, alpha), _mm256_or_si256(high, alpha))
    }};
}

/// 32 pixels as four vectors of eight 4-byte pixels, from the first two channels'
/// bytes and the third's [`with_alpha`] (or [`clamped`]) words: vector `i` holds pixels
/// `8i` to `8i + 7`.
macro_rules! four_byte_pixels {
    ($first:expr, $green:expr, $third_alpha:expr) => {{
        let first_green = (
            _mm256_unpacklo_epi8($first, $green),
            _mm256_unpackhi_epi8($first, $green),
        );
        let third_alpha = $third_alpha;
        [
            _mm256_unpacklo_epi16(first_green.0, third_alpha.0),
            _mm256_unpackhi_epi16(first_green.0, third_alpha.0),
            _mm256_unpacklo_epi16(first_green.1, third_alpha.1),
            _mm256_unpackhi_epi16(first_green.1, third_alpha.1),
        ]
    }};
}

/// Calls `$steps::<$format, 1>` or `$steps::<$format, 2>` with the one or two rows of a pair
/// (luma lines, output lines) as arrays, then the `$arg`s; `true` where there were one or two.
/// Each kernel's loop is generic over the count, so that it checks both rows' slices once a
/// call rather than once a row.
macro_rules! with_row_arrays {
    ($steps:ident::<$format:ident>($lumas:expr, $outs:expr $(, $arg:expr)* $(,)?)) => {
        match ($lumas, $outs) {
            ([luma], [out]) => {
                $steps::<$format, 1>([luma], [out] $(, $arg)*);
                true
            }
            ([first, second], [out_first, out_second]) => {
                $steps::<$format, 2>([first, second], [out_first, out_second] $(, $arg)*);
                true
            }
            _ => false,
        }
    };
}
pub(super) use with_row_arrays;

/// Converts the whole 32-pixel steps of one or two luma rows sharing `chroma`; returns the
/// pixels done. `FORMAT` is one of [`super::fast`]'s layout constants.
///
/// # Safety
///
/// The CPU must have AVX2. (Unsafe rather than a safe `target_feature` function so
/// that callers compiled where the target already enables it can call it, such as
/// builds with `-C target-cpu=native` on such a CPU: Rust lets only functions that name
/// the feature themselves call a safe one.)
#[target_feature(enable = "avx2")]
pub(super) unsafe fn rows<const FORMAT: u8>(
    lumas: &[&[u8]],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    outs: &mut [&mut [u8]],
    width: usize,
    streaming: Option<&Streaming>,
) -> usize {
    let steps = width / 32;
    let streaming = streaming::where_aligned(streaming, outs, 32);
    if with_row_arrays!(row_steps::<FORMAT>(
        lumas, outs, chroma, k, steps, streaming
    )) {
        steps * 32
    } else {
        0
    }
}

/// [`rows`] for `ROWS` rows, `steps` steps of 32 pixels, streamed when `streaming` is given
/// (every row then starts on a 32-byte boundary).
#[target_feature(enable = "avx2")]
fn row_steps<const FORMAT: u8, const ROWS: usize>(
    lumas: [&[u8]; ROWS],
    outs: [&mut [u8]; ROWS],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    steps: usize,
    streaming: Option<&Streaming>,
) {
    use super::fast::{BGRA, RGB24};
    let drop_alpha = _mm256_setr_epi8(
        0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13,
        14, -1, -1, -1, -1,
    );
    // Half the luma coefficient for a rounding multiply, which shifts one bit less. (The
    // plain high multiply is generic code in `std`: LLVM widened its constant operand to 32-bit
    // lanes outside the loop and narrowed it again in every row, two shuffles a row.)
    let scale = _mm256_set1_epi16(((i32::from(k.y) + 1) >> 1) as i16);
    // Opaque, so that LLVM keeps one permute rather than splitting it in two.
    let lane_order = std::hint::black_box(bytemuck::cast(LANE_ORDER));
    let luma_spread = bytemuck::cast(LUMA_SPREAD);
    let lumas = lumas.map(|luma| &luma[..steps * 32]);
    // Where the last RGB24 step of a row goes when the row has no room after it.
    let mut spare = [0u8; 100];
    for step in 0..steps {
        let x = step * 32;
        let [r_terms, g_terms, b_terms] = chroma_terms!(chroma, x, k, lane_order);
        for row in 0..ROWS {
            let (luma, out) = (lumas[row], &mut *outs[row]);
            let halves = (
                _mm256_mulhrs_epi16(spread_levels(&luma[x..], luma_spread), scale),
                _mm256_mulhrs_epi16(spread_levels(&luma[x + 16..], luma_spread), scale),
            );
            let (r, g, b) = (
                sums!(halves, r_terms),
                sums!(halves, g_terms),
                sums!(halves, b_terms),
            );
            if FORMAT == RGB24 {
                let (r, g, b) = (channel!(r), channel!(g), clamped!(b));
                // Twelve bytes a lane (four pixels), each 16-byte store overlapping the next,
                // so the last needs four bytes of room after the step; the row's end goes
                // through a copy.
                let room = out.len() >= (x + 32) * 3 + 4;
                let target: &mut [u8; 100] = if room {
                    (&mut out[x * 3..x * 3 + 100])
                        .try_into()
                        .expect("100 bytes")
                } else {
                    &mut spare
                };
                let packed = four_byte_pixels!(r, g, b)
                    .map(|pixels| _mm256_shuffle_epi8(pixels, drop_alpha));
                // Each store's last four bytes are the next one's first: in address order.
                for (i, pixels) in packed.iter().enumerate() {
                    let halves = [
                        _mm256_castsi256_si128(*pixels),
                        _mm256_extracti128_si256::<1>(*pixels),
                    ];
                    for (j, half) in halves.iter().enumerate() {
                        let at = 24 * i + 12 * j;
                        target[at..at + 16].copy_from_slice(bytemuck::bytes_of(half));
                    }
                }
                if !room {
                    out[x * 3..(x + 32) * 3].copy_from_slice(&spare[..96]);
                }
            } else {
                let (first, third) = if FORMAT == BGRA { (b, r) } else { (r, b) };
                let (first, g, third) = (channel!(first), channel!(g), with_alpha!(third));
                let out = &mut out[x * 4..(x + 32) * 4];
                for (i, pixels) in four_byte_pixels!(first, g, third).into_iter().enumerate() {
                    store32(&mut out[32 * i..], pixels, streaming);
                }
            }
        }
    }
}
