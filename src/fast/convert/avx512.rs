//! AVX-512 code for 8-bit sources, 64 pixels a step, in safe Rust like [`super::avx2`], with
//! the same arithmetic: the portable code's 16-bit fixed point with one more fraction bit,
//! arranged to need fewer shifts. The packing differs: with the red, green and blue bytes of
//! 64 pixels in order in three vectors, each output vector is gathered by two byte permutes
//! (VBMI): one across the first two channels, one that merges in the third. That takes half
//! the shuffles of unpacking. Shuffles, shifts and multiplies bound the speed, so the code counts them.

use std::arch::x86_64::*;

use super::avx2::{ChromaRow, load32, with_row_arrays};
use super::fast::{BGRA, Fixed, RGB24};
use super::streaming::{self, Streaming, store64};

#[inline]
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
fn load64(bytes: &[u8]) -> __m512i {
    bytemuck::pod_read_unaligned(&bytes[..64])
}

/// Where pixel `p` of a 64-pixel step sits in a channel vector: packing even and odd pixels
/// leaves each 16-byte block with eight even pixels, then the eight odd ones between them.
const fn position(p: usize) -> usize {
    16 * (p / 16) + 8 * (p % 2) + (p % 16) / 2
}

/// The byte permutes that build output vector `k` of a layout with `size` bytes a pixel from
/// three channel vectors of 64 pixels: `pair` takes the first two channels (indices below 64
/// from the first, 64 and up from the second) where `pair_mask` is set, and `third` the
/// third channel, merged in where `third_mask` is set. Alpha bytes are in neither mask: the
/// pair permute leaves its index byte there, which is 0xff, so alpha needs no OR of its own.
struct Gather {
    pair: [u8; 64],
    pair_mask: u64,
    third: [u8; 64],
    third_mask: u64,
}

const fn gather(size: usize, k: usize) -> Gather {
    let mut table = Gather {
        pair: [0xff; 64],
        pair_mask: 0,
        third: [0; 64],
        third_mask: 0,
    };
    let mut j = 0;
    while j < 64 {
        let (pixel, channel) = ((64 * k + j) / size, (64 * k + j) % size);
        match channel {
            0 | 1 => {
                table.pair[j] = (64 * channel + position(pixel)) as u8;
                table.pair_mask |= 1 << j;
            }
            2 => {
                table.third[j] = position(pixel) as u8;
                table.third_mask |= 1 << j;
            }
            _ => {}
        }
        j += 1;
    }
    table
}

/// Byte `i` of 32 to the high byte of word `i`.
const HIGH_BYTE_OF_WORD: [u8; 64] = {
    let mut index = [0; 64];
    let mut i = 0;
    while i < 32 {
        index[2 * i + 1] = i as u8;
        i += 1;
    }
    index
};
const ODD_BYTES: u64 = 0xaaaa_aaaa_aaaa_aaaa;

const FOUR_BYTES: [Gather; 4] = [gather(4, 0), gather(4, 1), gather(4, 2), gather(4, 3)];
const THREE_BYTES: [Gather; 3] = [gather(3, 0), gather(3, 1), gather(3, 2)];

/// One output vector from the three channel vectors.
#[inline]
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
fn gathered(table: &Gather, channels: [__m512i; 3]) -> __m512i {
    let pair = bytemuck::cast(table.pair);
    let third = bytemuck::cast(table.third);
    // The masked form whose untouched bytes keep the index vector's: 0xff where alpha goes.
    let two = _mm512_mask2_permutex2var_epi8(channels[0], pair, table.pair_mask, channels[1]);
    _mm512_mask_permutexvar_epi8(two, table.third_mask, third, channels[2])
}

/// Converts the whole 64-pixel steps of one or two luma rows sharing `chroma`; returns the
/// pixels done. `FORMAT` is one of [`super::fast`]'s layout constants.
///
/// # Safety
///
/// The CPU must have AVX-512 BW, VL and VBMI. (Unsafe rather than a safe `target_feature`
/// function so that callers compiled where the target already enables them can call it,
/// such as builds with `-C target-cpu=native` on such a CPU: Rust lets only functions that
/// name the features themselves call a safe one.)
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
pub(super) unsafe fn rows<const FORMAT: u8>(
    lumas: &[&[u8]],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    outs: &mut [&mut [u8]],
    width: usize,
    streaming: Option<&Streaming>,
) -> usize {
    let steps = width / 64;
    let streaming = streaming::where_aligned(streaming, outs, 64);
    if with_row_arrays!(row_steps::<FORMAT>(
        lumas, outs, chroma, k, steps, streaming
    )) {
        steps * 64
    } else {
        0
    }
}

/// [`rows`] for `ROWS` rows, `steps` steps of 64 pixels, streamed when `streaming` is given
/// (every row then starts on a 64-byte boundary).
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
fn row_steps<const FORMAT: u8, const ROWS: usize>(
    lumas: [&[u8]; ROWS],
    outs: [&mut [u8]; ROWS],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    steps: usize,
    streaming: Option<&Streaming>,
) {
    // Sums in 32nds of a step, one fraction bit more than the portable code. Each sample becomes
    // `(sample - 128) << 8`: its byte flipped about 128 and moved to the high byte. Luma
    // then splits into even and odd pixels with one shift and one mask, and chroma needs no
    // subtraction. Shuffles, shifts and multiplies cost about a cycle each on the CPUs with
    // VBMI measured, and they bound the speed. (`vpmulhuw` is several times slower than
    // `vpmulhw` there, hence signed levels.)
    let high_bytes = _mm512_set1_epi16(0xff00_u16 as i16);
    let flip = _mm512_set1_epi8(0x80_u8 as i8);
    let scale = _mm512_set1_epi16(k.y);
    let round = _mm512_set1_epi16(k.round_about(5, 128));
    let lumas = lumas.map(|luma| &luma[..steps * 64]);
    for step in 0..steps {
        let x = step * 64;
        let (u, v) = match chroma {
            ChromaRow::Planar(u, v) => {
                let high = |bytes: &[u8]| {
                    let index = bytemuck::cast(HIGH_BYTE_OF_WORD);
                    let bytes = _mm512_zextsi256_si512(load32(&bytes[x / 2..]));
                    let words = _mm512_maskz_permutexvar_epi8(ODD_BYTES, index, bytes);
                    _mm512_xor_si512(words, _mm512_set1_epi16(0x8000_u16 as i16))
                };
                (high(u), high(v))
            }
            ChromaRow::Interleaved(uv) => {
                let pairs = _mm512_xor_si512(load64(&uv[x..]), flip);
                (
                    _mm512_slli_epi16::<8>(pairs),
                    _mm512_and_si512(pairs, high_bytes),
                )
            }
        };
        let times = |level, coefficient| _mm512_mulhi_epi16(level, _mm512_set1_epi16(coefficient));
        let r = _mm512_add_epi16(times(v, k.r_v), round);
        let g = _mm512_add_epi16(_mm512_add_epi16(times(u, k.g_u), times(v, k.g_v)), round);
        let b = _mm512_add_epi16(times(u, k.b_u), round);
        for row in 0..ROWS {
            let (luma, out) = (lumas[row], &mut *outs[row]);
            // Even and odd pixels apart, each beside the chroma term it shares.
            let y = _mm512_xor_si512(load64(&luma[x..]), flip);
            let even = _mm512_slli_epi16::<8>(y);
            let odd = _mm512_and_si512(y, high_bytes);
            let (even, odd) = (
                _mm512_mulhi_epi16(even, scale),
                _mm512_mulhi_epi16(odd, scale),
            );
            let channel = |term| {
                let even = _mm512_srai_epi16::<5>(_mm512_add_epi16(even, term));
                let odd = _mm512_srai_epi16::<5>(_mm512_add_epi16(odd, term));
                _mm512_packus_epi16(even, odd)
            };
            let (r, g, b) = (channel(r), channel(g), channel(b));
            let (first, third) = if FORMAT == BGRA { (b, r) } else { (r, b) };
            let channels = [first, g, third];
            if FORMAT == RGB24 {
                let out = &mut out[x * 3..(x + 64) * 3];
                for (i, table) in THREE_BYTES.iter().enumerate() {
                    store64(&mut out[i * 64..], gathered(table, channels), streaming);
                }
            } else {
                let out = &mut out[x * 4..(x + 64) * 4];
                for (i, table) in FOUR_BYTES.iter().enumerate() {
                    store64(&mut out[i * 64..], gathered(table, channels), streaming);
                }
            }
        }
    }
}
