//! SSE4.1 code for 8-bit sources, 16 pixels a step, in safe Rust: the AVX2 code's arithmetic
//! ([`super::avx2`]) on 128-bit vectors, where nothing crosses a lane, so the interleave
//! needs no permutes. Stores go through the cache.

use std::arch::x86_64::*;

use super::avx2::{ChromaRow, with_row_arrays};
use super::fast::{BGRA, Fixed, RGB24};

#[inline]
#[target_feature(enable = "sse4.1")]
fn load8(bytes: &[u8]) -> __m128i {
    let eight: [u8; 8] = bytes[..8].try_into().expect("8 bytes");
    _mm_cvtsi64_si128(i64::from_le_bytes(eight))
}

#[inline]
#[target_feature(enable = "sse4.1")]
fn load16(bytes: &[u8]) -> __m128i {
    bytemuck::pod_read_unaligned(&bytes[..16])
}

/// The red, green and blue terms of 8 chroma pairs, each doubled for the two pixels that
/// share it: (pixels 0–7, pixels 8–15). (Macros rather than functions, as in the AVX2 code:
/// a call would pass vectors through memory.)
macro_rules! chroma_terms {
    ($chroma:expr, $x:expr, $k:expr) => {{
        // Each chroma sample as `(c - 128) << 8`: the byte flipped about 128, in the high byte.
        let flip = _mm_set1_epi8(0x80_u8 as i8);
        let (u, v) = match $chroma {
            ChromaRow::Planar(u, v) => {
                let level = |bytes: &[u8]| {
                    let signed = _mm_xor_si128(load8(&bytes[$x / 2..]), flip);
                    _mm_slli_epi16::<8>(_mm_cvtepu8_epi16(signed))
                };
                (level(u), level(v))
            }
            ChromaRow::Interleaved(uv) => {
                let pairs = _mm_xor_si128(load16(&uv[$x..]), flip);
                (
                    _mm_slli_epi16::<8>(pairs),
                    _mm_and_si128(pairs, _mm_set1_epi16(0xff00_u16 as i16)),
                )
            }
        };
        let k: &Fixed = $k;
        let round = _mm_set1_epi16(k.round_about(5, 128));
        let r = _mm_add_epi16(_mm_mulhi_epi16(v, _mm_set1_epi16(k.r_v)), round);
        let g = _mm_add_epi16(
            _mm_add_epi16(
                _mm_mulhi_epi16(u, _mm_set1_epi16(k.g_u)),
                _mm_mulhi_epi16(v, _mm_set1_epi16(k.g_v)),
            ),
            round,
        );
        let b = _mm_add_epi16(_mm_mulhi_epi16(u, _mm_set1_epi16(k.b_u)), round);
        [
            (_mm_unpacklo_epi16(r, r), _mm_unpackhi_epi16(r, r)),
            (_mm_unpacklo_epi16(g, g), _mm_unpackhi_epi16(g, g)),
            (_mm_unpacklo_epi16(b, b), _mm_unpackhi_epi16(b, b)),
        ]
    }};
}

/// One channel of 16 pixels as 16-bit sums in 32nds of a step, (low, high) halves.
macro_rules! sums {
    ($luma:expr, $terms:expr) => {{
        let (low, high) = $terms;
        (
            _mm_srai_epi16::<5>(_mm_add_epi16($luma.0, low)),
            _mm_srai_epi16::<5>(_mm_add_epi16($luma.1, high)),
        )
    }};
}

/// One channel of 16 pixels as bytes, in order, from its [`sums`].
macro_rules! channel {
    ($sums:expr) => {{
        let (low, high) = $sums;
        _mm_packus_epi16(low, high)
    }};
}

/// The last channel of a pixel with alpha 255 above it, as (low, high) halves of words,
/// clamped by ALU operations rather than packed and unpacked with alpha (as in the AVX2
/// code).
macro_rules! with_alpha {
    ($sums:expr) => {{
        let (low, high) = $sums;
        let (zero, top, alpha) = (
            _mm_setzero_si128(),
            _mm_set1_epi16(255),
            _mm_set1_epi16(0xff00_u16 as i16),
        );
        let clamp = |words| _mm_min_epi16(_mm_max_epi16(words, zero), top);
        (
            _mm_or_si128(clamp(low), alpha),
            _mm_or_si128(clamp(high), alpha),
        )
    }};
}

/// 16 pixels as four vectors of four 4-byte pixels, in order, from the first two channels'
/// bytes and the third's [`with_alpha`] words.
macro_rules! four_byte_pixels {
    ($first:expr, $green:expr, $third_alpha:expr) => {{
        let first_green = (
            _mm_unpacklo_epi8($first, $green),
            _mm_unpackhi_epi8($first, $green),
        );
        let third_alpha = $third_alpha;
        [
            _mm_unpacklo_epi16(first_green.0, third_alpha.0),
            _mm_unpackhi_epi16(first_green.0, third_alpha.0),
            _mm_unpacklo_epi16(first_green.1, third_alpha.1),
            _mm_unpackhi_epi16(first_green.1, third_alpha.1),
        ]
    }};
}

/// Converts the whole 16-pixel steps of one or two luma rows sharing `chroma`; returns the
/// pixels done. `FORMAT` is one of [`super::fast`]'s layout constants.
///
/// # Safety
///
/// The CPU must have SSE4.1. (Unsafe rather than a safe `target_feature` function so
/// that callers compiled where the target already enables it can call it, such as
/// x86_64-apple-darwin, whose baseline has SSE4.1, and builds for `x86-64-v2` and up: Rust
/// lets only functions that name the feature themselves call a safe one.)
#[target_feature(enable = "sse4.1")]
pub(super) unsafe fn rows<const FORMAT: u8>(
    lumas: &[&[u8]],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    outs: &mut [&mut [u8]],
    width: usize,
) -> usize {
    let steps = width / 16;
    if with_row_arrays!(row_steps::<FORMAT>(lumas, outs, chroma, k, steps)) {
        steps * 16
    } else {
        0
    }
}

/// [`rows`] for `ROWS` rows and `steps` steps of 16 pixels.
#[target_feature(enable = "sse4.1")]
fn row_steps<const FORMAT: u8, const ROWS: usize>(
    lumas: [&[u8]; ROWS],
    outs: [&mut [u8]; ROWS],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    steps: usize,
) {
    let drop_alpha = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    let zero = _mm_setzero_si128();
    let flip = _mm_set1_epi8(0x80_u8 as i8);
    let scale = _mm_set1_epi16(k.y);
    let lumas = lumas.map(|luma| &luma[..steps * 16]);
    // Where the last RGB24 step of a row goes when the row has no room after it.
    let mut spare = [0u8; 52];
    for step in 0..steps {
        let x = step * 16;
        let [r_terms, g_terms, b_terms] = chroma_terms!(chroma, x, k);
        for row in 0..ROWS {
            let (luma, out) = (lumas[row], &mut *outs[row]);
            // `(y - 128) << 8` by unpacking the flipped bytes into the high byte of each word.
            let y = _mm_xor_si128(load16(&luma[x..]), flip);
            let halves = (
                _mm_mulhi_epi16(_mm_unpacklo_epi8(zero, y), scale),
                _mm_mulhi_epi16(_mm_unpackhi_epi8(zero, y), scale),
            );
            let (r, g, b) = (
                sums!(halves, r_terms),
                sums!(halves, g_terms),
                sums!(halves, b_terms),
            );
            if FORMAT == RGB24 {
                let (r, g, b) = (channel!(r), channel!(g), with_alpha!(b));
                // Twelve bytes a vector, each 16-byte store overlapping the next, so the last
                // needs four bytes of room after the step; the row's end goes through a copy.
                let room = out.len() >= (x + 16) * 3 + 4;
                let target: &mut [u8; 52] = if room {
                    (&mut out[x * 3..x * 3 + 52]).try_into().expect("52 bytes")
                } else {
                    &mut spare
                };
                for (i, pixels) in four_byte_pixels!(r, g, b).into_iter().enumerate() {
                    let packed = _mm_shuffle_epi8(pixels, drop_alpha);
                    target[i * 12..i * 12 + 16].copy_from_slice(bytemuck::bytes_of(&packed));
                }
                if !room {
                    out[x * 3..(x + 16) * 3].copy_from_slice(&spare[..48]);
                }
            } else {
                let (first, third) = if FORMAT == BGRA { (b, r) } else { (r, b) };
                let (first, g, third) = (channel!(first), channel!(g), with_alpha!(third));
                let out = &mut out[x * 4..(x + 16) * 4];
                for (i, pixels) in four_byte_pixels!(first, g, third).into_iter().enumerate() {
                    out[i * 16..(i + 1) * 16].copy_from_slice(bytemuck::bytes_of(&pixels));
                }
            }
        }
    }
}
