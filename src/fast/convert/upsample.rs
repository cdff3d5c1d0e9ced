//! Chroma interpolated to every pixel, as swscale's accurate path with full chroma
//! (`SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT`) does it: each chroma row is filtered
//! horizontally to the picture's width (and, as swscale keeps it in 15 bits, cut just below
//! twice the largest chroma offset), each output row's chroma is filtered vertically from
//! those rows, and only then converted.
//!
//! The filters are swscale's for a 2× enlargement: the same source position for each output
//! sample (chroma sited at the centre of its 2×2 luma block, swscale's default; the positions
//! step by swscale's rounded increment, which is not exactly ½ on odd sizes), the same number
//! of taps (fewer on pictures under 14 pixels, as swscale takes), the same kernel (bicubic
//! with B = 0 and C = 0.6) and samples past an edge taken as the edge's. The
//! weights are worked out in double precision and kept in 2^-14ths; filtered chroma keeps
//! the fast path's 16-bit levels, which carry 7 fraction bits at 8 bits and 5 at 10, so the
//! result stays within a step of the exact interpolation.

use super::YuvPlanes;
use super::fast::{CHUNK, Depth, Fixed, Rows, chroma_terms_of_levels, chunk_of, write_chunk};

/// How the chroma of a 4:2:0 picture reaches each pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum ChromaUpsampling {
    /// Each pixel takes the chroma sample covering it, as swscale's fast path does: the
    /// fastest, and up to about a third of the range off at sharp chroma edges.
    #[default]
    Nearest,
    /// Bicubic interpolation (B = 0, C = 0.6), as swscale with its default bicubic filter and
    /// `SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT` (the ffmpeg CLI's
    /// `-sws_flags accurate_rnd+full_chroma_int`, [`ScaleQuality::BitExactFullChroma`]).
    ///
    /// [`ScaleQuality::BitExactFullChroma`]: crate::ScaleQuality::BitExactFullChroma
    Bicubic,
}

/// Taps the bicubic filter spans when enlarging, in source samples (swscale's size factor).
const BICUBIC_SPAN: i64 = 4;

/// The bicubic kernel's weight at `distance` source samples: Mitchell–Netravali's family
/// with B = 0, C = 0.6.
fn bicubic(distance: f64) -> f64 {
    let (b, c) = (0.0, 0.6);
    let (d, dd, ddd) = (distance, distance * distance, distance.powi(3));
    let sixfold = if d < 1.0 {
        (12.0 - 9.0 * b - 6.0 * c) * ddd + (-18.0 + 12.0 * b + 6.0 * c) * dd + 6.0 - 2.0 * b
    } else if d < 2.0 {
        (-b - 6.0 * c) * ddd
            + (6.0 * b + 30.0 * c) * dd
            + (-12.0 * b - 48.0 * c) * d
            + 8.0 * b
            + 24.0 * c
    } else {
        0.0
    };
    sixfold / 6.0
}

/// Most taps a filter has (bicubic: 1 + its size factor).
pub(super) const TAPS: usize = 5;
/// Fraction bits of the integer weights.
const WEIGHT_BITS: u32 = 14;

/// One direction's filter: for each output sample, the first of `TAPS` consecutive source
/// samples it reads and their weights. Reads before the first sample or past the last are
/// of the edge sample, which a padded row gives.
pub(super) struct Taps {
    starts: Vec<isize>,
    weights: Vec<[i32; TAPS]>,
    exact: Vec<[f64; TAPS]>,
    /// Samples of padding a row needs before its first and after its last.
    padding: (usize, usize),
}

impl Taps {
    /// The bicubic filter taking `source` chroma samples to `target` pixels.
    pub(super) fn new(source: usize, target: usize) -> Taps {
        let (source_i, target_i) = (source as i64, target as i64);
        // swscale's increment in 2^-16ths and first position in 2^-17ths of a source sample,
        // for chroma centred between its two pixels (position 128 of 256 in both).
        let step = ((source_i << 16) + target_i / 2) / target_i.max(1);
        let mut position = step - (1 << 16);
        let size = (1 + BICUBIC_SPAN).min(source_i - 2).max(1);
        let mut taps = Taps {
            starts: Vec::with_capacity(target),
            weights: Vec::with_capacity(target),
            exact: Vec::with_capacity(target),
            padding: (0, 0),
        };
        for _ in 0..target {
            // Truncated towards zero, as swscale's C division does.
            let first = (position - (size - 2) * (1 << 16)) / (1 << 17);
            let mut exact = [0.0; TAPS];
            for (j, weight) in exact.iter_mut().take(size as usize).enumerate() {
                let distance = ((first + j as i64) * (1 << 17) - position).abs();
                *weight = bicubic(distance as f64 / f64::from(1 << 17));
            }
            let sum: f64 = exact.iter().sum();
            let exact = if sum == 0.0 {
                let mut nearest = [0.0; TAPS];
                nearest[0] = 1.0;
                nearest
            } else {
                exact.map(|weight| weight / sum)
            };
            taps.padding.0 = taps.padding.0.max((-first).max(0) as usize);
            let end = first + size;
            taps.padding.1 = taps.padding.1.max((end - source_i).max(0) as usize);
            taps.starts.push(first as isize);
            taps.weights.push(integer_weights(&exact));
            taps.exact.push(exact);
            position += 2 * step;
        }
        // Every read of TAPS samples stays inside the padded row.
        taps.padding.1 += TAPS;
        taps
    }

    /// The exact value at output `index` of a row read through `sample` (indices clamped).
    pub(super) fn exact_at(
        &self,
        index: usize,
        source: usize,
        sample: impl Fn(usize) -> f64,
    ) -> f64 {
        let first = self.starts[index];
        self.exact[index]
            .iter()
            .enumerate()
            .filter(|(_, weight)| **weight != 0.0)
            .map(|(j, weight)| {
                let at = (first + j as isize).clamp(0, source as isize - 1) as usize;
                weight * sample(at)
            })
            .sum()
    }
}

/// Weights in 2^-14ths summing to exactly 2^14, each rounding error carried to the next.
fn integer_weights(exact: &[f64; TAPS]) -> [i32; TAPS] {
    let one = f64::from(1 << WEIGHT_BITS);
    let mut carried = 0.0;
    exact.map(|weight| {
        let wanted = weight * one + carried;
        let rounded = wanted.round();
        carried = wanted - rounded;
        rounded as i32
    })
}

/// `sum` of weighted levels back to a level, rounded.
#[inline(always)]
fn level_of(sum: i32) -> i16 {
    ((sum + (1 << (WEIGHT_BITS - 1))) >> WEIGHT_BITS) as i16
}

/// The largest level a horizontally filtered sample keeps: swscale holds them in 15 bits,
/// so a bicubic overshoot above the largest sample is cut there (a level of
/// `(sample - offset) << shift` is the 15-bit value less the offset's).
const FILTERED_MAX: i32 = (1 << 14) - 1;

/// Chroma rows filtered horizontally, each kept while the vertical filter may want it again.
struct FilteredRows {
    /// Which source row each slot holds.
    rows: [Option<usize>; SLOTS],
    /// Per slot, U then V, `width` levels each.
    levels: Vec<[Vec<i16>; 2]>,
    /// One source row's levels, padded for the horizontal filter.
    padded: Vec<i16>,
}

/// Slots: more than a vertical filter's taps, so that an output row's rows never evict each
/// other (rows are taken in order, `TAPS` at a time).
const SLOTS: usize = 8;

impl FilteredRows {
    fn new(width: usize, padded: usize) -> FilteredRows {
        FilteredRows {
            rows: [None; SLOTS],
            levels: (0..SLOTS)
                .map(|_| [vec![0; width], vec![0; width]])
                .collect(),
            padded: vec![0; padded],
        }
    }

    /// Source row `row`, filtered horizontally: computed on first use.
    #[inline(always)]
    fn get<D: Depth>(
        &mut self,
        rows: &Rows<'_, D>,
        row: usize,
        k: &Fixed,
        horizontal: &Taps,
    ) -> &[Vec<i16>; 2] {
        let slot = row % SLOTS;
        if self.rows[slot] != Some(row) {
            self.rows[slot] = Some(row);
            let chroma_width = rows.width.div_ceil(2);
            let (left, _) = horizontal.padding;
            for plane in 0..2 {
                let line = rows.chroma_line(plane, row);
                let samples = &mut self.padded[left..left + chroma_width];
                if rows.interleaved {
                    let pairs = line[..2 * chroma_width].chunks_exact(2);
                    for (level, pair) in samples.iter_mut().zip(pairs) {
                        *level = k.chroma_level::<D>(pair[plane]);
                    }
                } else {
                    for (level, &unit) in samples.iter_mut().zip(&line[..chroma_width]) {
                        *level = k.chroma_level::<D>(unit);
                    }
                }
                let (first, last) = (samples[0], samples[chroma_width - 1]);
                self.padded[..left].fill(first);
                self.padded[left + chroma_width..].fill(last);
                for (x, target) in self.levels[slot][plane].iter_mut().enumerate() {
                    let from = (horizontal.starts[x] + left as isize) as usize;
                    let samples = &self.padded[from..from + TAPS];
                    let weights = &horizontal.weights[x];
                    let sum: i32 = (0..TAPS).map(|j| weights[j] * i32::from(samples[j])).sum();
                    *target = level_of(sum).min(FILTERED_MAX as i16);
                }
            }
        }
        &self.levels[slot]
    }
}

/// Converts `rows` with chroma filtered by `taps` (horizontal, vertical): horizontally
/// first, as swscale does, for the 15-bit cut to fall where it does there.
#[multiversion::multiversion(targets(
    "x86_64+avx2+fma+avx512f+avx512bw+avx512vl",
    "x86_64+avx2+fma",
    "x86_64+sse4.1",
    "aarch64+neon"
))]
pub(super) fn convert_rows<D: Depth, const FORMAT: u8, const BYTES: usize>(
    rows: &Rows<'_, D>,
    k: &Fixed,
    (out, stride): (&mut [u8], usize),
    (horizontal, vertical): (&Taps, &Taps),
) {
    let chroma_width = rows.width.div_ceil(2);
    let chroma_height = rows.height.div_ceil(2);
    let (left, right) = horizontal.padding;
    let mut filtered = FilteredRows::new(rows.width, left + chroma_width + right);
    let mut sums = vec![0i32; rows.width];
    let mut full = [vec![0i16; rows.width], vec![0i16; rows.width]];
    for (y, out_line) in out.chunks_mut(stride).take(rows.height).enumerate() {
        for (plane, full) in full.iter_mut().enumerate() {
            sums.fill(0);
            for (j, &weight) in vertical.weights[y].iter().enumerate() {
                if weight == 0 {
                    continue;
                }
                let row = (vertical.starts[y] + j as isize).clamp(0, chroma_height as isize - 1);
                let levels = &filtered.get(rows, row as usize, k, horizontal)[plane];
                for (sum, &level) in sums.iter_mut().zip(levels) {
                    *sum += weight * i32::from(level);
                }
            }
            for (target, &sum) in full.iter_mut().zip(&sums) {
                *target = level_of(sum);
            }
        }
        let out_line = &mut out_line[..rows.width * BYTES];
        let luma_line = rows.luma_line(y);
        for x in (0..rows.width).step_by(CHUNK) {
            let u: [i16; CHUNK] = chunk_of(&full[0], x);
            let v: [i16; CHUNK] = chunk_of(&full[1], x);
            let terms = chroma_terms_of_levels(&u, &v, k);
            write_chunk::<D, FORMAT, BYTES>(luma_line, &terms, k, out_line, x);
        }
    }
}

/// The bicubic filters of a picture's chroma, (horizontal, vertical).
pub(super) fn filters(planes: &YuvPlanes<'_>) -> (Taps, Taps) {
    let (width, height) = (planes.width, planes.height);
    (
        Taps::new(width.div_ceil(2), width),
        Taps::new(height.div_ceil(2), height),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bicubic_enlargement_weights_are_swscales() {
        // Interior pixels of an even width sit a quarter of a sample before or after a
        // chroma sample: weights at distances 1.75, 0.75, 0.25, 1.25 and their mirror.
        let taps = Taps::new(8, 16);
        let even = &taps.exact[6];
        let expected = [-0.028125, 0.240625, 0.871875, -0.084375];
        for (got, want) in even.iter().zip(expected) {
            assert!((got - want).abs() < 1e-9, "{even:?}");
        }
        assert_eq!(taps.weights[6].iter().sum::<i32>(), 1 << WEIGHT_BITS);
        let odd = &taps.exact[7];
        assert_eq!(odd[0], 0.0, "{odd:?}");
        for (got, want) in odd[1..].iter().zip(expected.iter().rev()) {
            assert!((got - want).abs() < 1e-9, "{odd:?}");
        }
    }

    #[test]
    fn weights_sum_to_one_at_every_size() {
        for source in 1..20 {
            for target in [2 * source - 1, 2 * source] {
                let taps = Taps::new(source, target);
                for weights in &taps.weights {
                    assert_eq!(weights.iter().sum::<i32>(), 1 << WEIGHT_BITS);
                }
            }
        }
    }
}
