//! AVX-512 code for 8-bit sources, 64 pixels a step, in safe Rust like [`super::avx2`], whose
//! arithmetic it repeats on vectors twice as wide. The packing differs: with the red, green
//! and blue bytes of 64 pixels in order in three vectors, each output vector is gathered by
//! two byte permutes (VBMI): one across the first two channels, one that merges in the third.
//! That takes half the shuffles of unpacking, which bound the speed.

use std::arch::x86_64::*;

use super::avx2::{ChromaRow, load32};
use super::fast::{BGRA, Fixed, RGB24};

#[inline]
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
fn load64(bytes: &[u8]) -> __m512i {
    bytemuck::pod_read_unaligned(&bytes[..64])
}

#[inline]
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
fn store64(out: &mut [u8], value: __m512i) {
    out[..64].copy_from_slice(bytemuck::bytes_of(&value));
}

/// Where pixel `p` of a 64-pixel step sits in a channel vector: packing even and odd pixels
/// leaves each 16-byte block with eight even pixels, then the eight odd ones between them.
const fn position(p: usize) -> usize {
    16 * (p / 16) + 8 * (p % 2) + (p % 16) / 2
}

/// The byte permutes that build output vector `k` of a layout with `size` bytes a pixel from
/// three channel vectors of 64 pixels: `pair` takes the first two channels (indices below 64
/// from the first, 64 and up from the second), and `third` the third channel, merged in
/// where `third_mask` is set. Bytes of neither (alpha) are left to the caller.
struct Gather {
    pair: [u8; 64],
    third: [u8; 64],
    third_mask: u64,
}

const fn gather(size: usize, k: usize) -> Gather {
    let mut table = Gather {
        pair: [0; 64],
        third: [0; 64],
        third_mask: 0,
    };
    let mut j = 0;
    while j < 64 {
        let (pixel, channel) = ((64 * k + j) / size, (64 * k + j) % size);
        match channel {
            0 | 1 => table.pair[j] = (64 * channel + position(pixel)) as u8,
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

const FOUR_BYTES: [Gather; 4] = [gather(4, 0), gather(4, 1), gather(4, 2), gather(4, 3)];
const THREE_BYTES: [Gather; 3] = [gather(3, 0), gather(3, 1), gather(3, 2)];

/// One output vector from the three channel vectors.
#[inline]
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
fn gathered(table: &Gather, channels: [__m512i; 3]) -> __m512i {
    let pair = bytemuck::cast(table.pair);
    let third = bytemuck::cast(table.third);
    let two = _mm512_permutex2var_epi8(channels[0], pair, channels[1]);
    _mm512_mask_permutexvar_epi8(two, table.third_mask, third, channels[2])
}

/// Converts the whole 64-pixel steps of one or two luma rows sharing `chroma`; returns the
/// pixels done. `FORMAT` is one of [`super::fast`]'s layout constants.
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi")]
pub(super) fn rows<const FORMAT: u8>(
    lumas: &[&[u8]],
    chroma: ChromaRow<'_>,
    k: &Fixed,
    outs: &mut [&mut [u8]],
    width: usize,
) -> usize {
    let done = width / 64 * 64;
    let alpha = _mm512_set1_epi32(0xff00_0000_u32 as i32);
    let (low_bytes, odd_level_bits) = (_mm512_set1_epi16(0xff), _mm512_set1_epi16(0x7f80));
    let scale = _mm512_set1_epi16(k.y);
    let round = _mm512_set1_epi16(k.round_less_luma_offset);
    for x in (0..done).step_by(64) {
        let (u, v) = match chroma {
            ChromaRow::Planar(u, v) => (
                _mm512_cvtepu8_epi16(load32(&u[x / 2..])),
                _mm512_cvtepu8_epi16(load32(&v[x / 2..])),
            ),
            ChromaRow::Interleaved(uv) => {
                let pairs = load64(&uv[x..]);
                (
                    _mm512_and_si512(pairs, low_bytes),
                    _mm512_srli_epi16::<8>(pairs),
                )
            }
        };
        let centre = _mm512_set1_epi16(128);
        let u = _mm512_slli_epi16::<7>(_mm512_sub_epi16(u, centre));
        let v = _mm512_slli_epi16::<7>(_mm512_sub_epi16(v, centre));
        let times = |level, coefficient| _mm512_mulhi_epi16(level, _mm512_set1_epi16(coefficient));
        let r = _mm512_add_epi16(times(v, k.r_v), round);
        let g = _mm512_add_epi16(_mm512_add_epi16(times(u, k.g_u), times(v, k.g_v)), round);
        let b = _mm512_add_epi16(times(u, k.b_u), round);
        for (luma, out) in lumas.iter().zip(outs.iter_mut()) {
            // Even and odd pixels apart, each beside the chroma term it shares, by masks and
            // shifts rather than shuffles; each level is `sample << 7`.
            let y = load64(&luma[x..]);
            let even = _mm512_slli_epi16::<7>(_mm512_and_si512(y, low_bytes));
            let odd = _mm512_and_si512(_mm512_srli_epi16::<1>(y), odd_level_bits);
            let (even, odd) = (
                _mm512_mulhi_epi16(even, scale),
                _mm512_mulhi_epi16(odd, scale),
            );
            let channel = |term| {
                let even = _mm512_srai_epi16::<4>(_mm512_add_epi16(even, term));
                let odd = _mm512_srai_epi16::<4>(_mm512_add_epi16(odd, term));
                _mm512_packus_epi16(even, odd)
            };
            let (r, g, b) = (channel(r), channel(g), channel(b));
            let (first, third) = if FORMAT == BGRA { (b, r) } else { (r, b) };
            let channels = [first, g, third];
            if FORMAT == RGB24 {
                let out = &mut out[x * 3..(x + 64) * 3];
                for (i, table) in THREE_BYTES.iter().enumerate() {
                    store64(&mut out[i * 64..], gathered(table, channels));
                }
            } else {
                let out = &mut out[x * 4..(x + 64) * 4];
                for (i, table) in FOUR_BYTES.iter().enumerate() {
                    let pixels = _mm512_or_si512(gathered(table, channels), alpha);
                    store64(&mut out[i * 64..], pixels);
                }
            }
        }
    }
    done
}
