//! A picture's Dolby Vision RPU as the HEVC and AV1 decoders parse it: FFmpeg's
//! `AVDOVIMetadata`, three structs placed at offsets the entry itself states. Releases from 5.0
//! on share the fields read here; later ones append fields after them (`nlq_pivots`, the
//! extension blocks), which is why the offsets are read, never assumed.

use crate::sys::Rational;

use super::Bytes;
use super::dolby_vision_extensions::{self, DolbyVisionExtension};

// `AVDOVIMetadata`: three `size_t` offsets from the entry's start.
const HEADER_OFFSET: usize = 0;
const MAPPING_OFFSET: usize = 8;
const COLOR_OFFSET: usize = 16;

/// `AVDOVIRpuDataHeader`'s size up to `disable_residual_flag`.
const HEADER_SIZE: usize = 17;

// `AVDOVIDataMapping`, up to the end of `nlq[2]`.
const CURVES: usize = 8;
const NLQ_METHOD: usize = 5024;
const X_PARTITIONS: usize = 5028;
const Y_PARTITIONS: usize = 5032;
const NLQ: usize = 5040;
const NLQ_SIZE: usize = 32;
const MAPPING_SIZE: usize = NLQ + 3 * NLQ_SIZE;

// `AVDOVIReshapingCurve`.
const CURVE_SIZE: usize = 1672;
const PIVOTS: usize = 2;
const MAPPING_IDC: usize = 20;
const POLY_ORDER: usize = 52;
const POLY_COEF: usize = 64;
const MMR_ORDER: usize = 256;
const MMR_CONSTANT: usize = 264;
const MMR_COEF: usize = 328;

// `AVDOVIColorMetadata`, up to the end of `source_diagonal`.
const YCC_TO_RGB_MATRIX: usize = 4;
const YCC_TO_RGB_OFFSET: usize = 76;
const RGB_TO_LMS_MATRIX: usize = 100;
const SIGNAL_EOTF: usize = 172;
const SIGNAL_BIT_DEPTH: usize = 184;
const SOURCE_PQ: usize = 188;
const COLOR_SIZE: usize = 194;

/// `AV_DOVI_MAX_PIECES`: a curve has at most this many pieces, one more pivots.
const MOST_PIECES: usize = 8;

/// One picture's Dolby Vision metadata: how to rebuild the graded picture from the coded
/// one (the reshaping of each component, and of an enhancement layer's residual) and the
/// colour space the grading was done in. The fields keep FFmpeg's and the RPU syntax's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DolbyVisionMetadata {
    /// The RPU's header: its format, profile and bit depths.
    pub header: DolbyVisionHeader,
    /// The mapping from the coded picture to the graded one.
    pub mapping: DolbyVisionMapping,
    /// The colour space of the grading, and the signal's.
    pub color: DolbyVisionColor,
    /// The display-management extension blocks, from 7.1 on (earlier releases do not read
    /// them: `None`), as FFmpeg orders them: the static levels (6, 10, 254, 255) first, then
    /// the others, each group in the RPU's order.
    pub extensions: Option<Vec<DolbyVisionExtension>>,
}

/// `AVDOVIRpuDataHeader`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DolbyVisionHeader {
    /// 2 for every RPU FFmpeg parses.
    pub rpu_type: u8,
    /// The RPU's format (11 bits); 0 in bits 8–10 says the bit depths follow.
    pub rpu_format: u16,
    /// The RPU profile (not the Dolby Vision profile): 0 or 1.
    pub vdr_rpu_profile: u8,
    /// The RPU level.
    pub vdr_rpu_level: u8,
    /// Whether the chroma resampling filter is given explicitly.
    pub chroma_resampling_explicit_filter_flag: bool,
    /// How the coefficients were coded: 0 fixed point, 1 float (FFmpeg gives them as fixed
    /// point either way).
    pub coef_data_type: u8,
    /// The coefficients' fixed point: each is this many bits of fraction.
    pub coef_log2_denom: u8,
    /// How the output is normalised.
    pub vdr_rpu_normalized_idc: u8,
    /// Whether the base layer is full range.
    pub bl_video_full_range_flag: bool,
    /// The base layer's bit depth, 8–16.
    pub bl_bit_depth: u8,
    /// The enhancement layer's bit depth, 8–16.
    pub el_bit_depth: u8,
    /// The graded picture's bit depth, 8–16.
    pub vdr_bit_depth: u8,
    /// Whether the base layer is resampled spatially.
    pub spatial_resampling_filter_flag: bool,
    /// Whether the enhancement layer is resampled spatially.
    pub el_spatial_resampling_filter_flag: bool,
    /// Whether the enhancement layer's residual is left out.
    pub disable_residual_flag: bool,
}

/// `AVDOVIDataMapping`: per component, a curve from coded values to graded ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DolbyVisionMapping {
    /// The RPU's id, which later RPUs may refer back to.
    pub vdr_rpu_id: u8,
    /// The colour space the mapping works in.
    pub mapping_color_space: u8,
    /// The chroma format the mapping works in.
    pub mapping_chroma_format_idc: u8,
    /// Y, then the two chroma components.
    pub curves: [DolbyVisionCurve; 3],
    /// `AVDOVINLQMethod`: -1 none, 0 linear with a dead zone.
    pub nlq_method_idc: i32,
    /// The picture's partitions across.
    pub num_x_partitions: u32,
    /// The picture's partitions down.
    pub num_y_partitions: u32,
    /// The enhancement layer's non-linear inverse quantisation, per component; `None` where
    /// `nlq_method_idc` is -1.
    pub nlq: Option<[DolbyVisionNlq; 3]>,
}

/// `AVDOVIReshapingCurve`: a piecewise function, one piece between each two pivots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DolbyVisionCurve {
    /// Two to nine pivots, ascending, in coded values.
    pub pivots: Vec<u16>,
    /// One fewer pieces than pivots.
    pub pieces: Vec<DolbyVisionPiece>,
}

/// One piece of a [`DolbyVisionCurve`]; coefficients are fixed point, with
/// [`DolbyVisionHeader::coef_log2_denom`] bits of fraction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DolbyVisionPiece {
    /// A polynomial: its coefficients from x⁰ up, two or three of them (order 1 or 2).
    Polynomial(Vec<i64>),
    /// Multivariate multiple regression over the three components: a constant, then seven
    /// coefficients per order (1 to 3).
    Mmr {
        /// The constant term.
        constant: i64,
        /// Seven coefficients for each order.
        coefficients: Vec<[i64; 7]>,
    },
    /// A mapping method FFmpeg does not describe: its number.
    Other(u32),
}

/// `AVDOVINLQParams`: one component's inverse quantisation of the enhancement layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DolbyVisionNlq {
    /// The offset of the enhancement layer's values.
    pub nlq_offset: u16,
    /// The greatest graded value.
    pub vdr_in_max: u64,
    /// The dead zone's slope (method 0).
    pub linear_deadzone_slope: u64,
    /// The dead zone's threshold (method 0).
    pub linear_deadzone_threshold: u64,
}

/// `AVDOVIColorMetadata`: the grading's colour space (to be used in place of the frame's
/// colour tags) and the signal's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DolbyVisionColor {
    /// The id of the display management metadata.
    pub dm_metadata_id: u8,
    /// Whether a new scene starts (may be more than 1, as coded).
    pub scene_refresh_flag: u8,
    /// YCbCr to RGB, row by row, before PQ linearisation.
    pub ycc_to_rgb_matrix: [Rational; 9],
    /// The input offset of each component's neutral value.
    pub ycc_to_rgb_offset: [Rational; 3],
    /// RGB to LMS, row by row, after PQ linearisation.
    pub rgb_to_lms_matrix: [Rational; 9],
    /// The signal's transfer function.
    pub signal_eotf: u16,
    /// Its first parameter.
    pub signal_eotf_param0: u16,
    /// Its second parameter.
    pub signal_eotf_param1: u16,
    /// Its third parameter.
    pub signal_eotf_param2: u32,
    /// The signal's bit depth, 8–16.
    pub signal_bit_depth: u8,
    /// The signal's colour space.
    pub signal_color_space: u8,
    /// The signal's chroma format.
    pub signal_chroma_format: u8,
    /// The signal's range, 0–3.
    pub signal_full_range_flag: u8,
    /// The mastering display's least luminance, as a 12-bit PQ code.
    pub source_min_pq: u16,
    /// Its greatest luminance, likewise.
    pub source_max_pq: u16,
    /// Its diagonal, in inches.
    pub source_diagonal: u16,
}

/// Reads an `AVDOVIMetadata`; `None` where an offset or a struct lies past the entry's
/// bytes, or a count runs past its array.
pub(crate) fn decode(bytes: &[u8]) -> Option<DolbyVisionMetadata> {
    let b = Bytes(bytes);
    let place = |offset_at: usize, size: usize| {
        let at = usize::try_from(b.u64(offset_at)?).ok()?;
        (at.checked_add(size)? <= bytes.len()).then_some(at)
    };
    let header_at = place(HEADER_OFFSET, HEADER_SIZE)?;
    Some(DolbyVisionMetadata {
        header: header(&b, header_at)?,
        mapping: mapping(&b, place(MAPPING_OFFSET, MAPPING_SIZE)?)?,
        color: color(&b, place(COLOR_OFFSET, COLOR_SIZE)?)?,
        extensions: dolby_vision_extensions::decode(&b, header_at)?,
    })
}

fn header(b: &Bytes<'_>, at: usize) -> Option<DolbyVisionHeader> {
    let byte = |offset: usize| b.u8(at + offset);
    let flag = |offset: usize| Some(byte(offset)? != 0);
    Some(DolbyVisionHeader {
        rpu_type: byte(0)?,
        rpu_format: b.u16(at + 2)?,
        vdr_rpu_profile: byte(4)?,
        vdr_rpu_level: byte(5)?,
        chroma_resampling_explicit_filter_flag: flag(6)?,
        coef_data_type: byte(7)?,
        coef_log2_denom: byte(8)?,
        vdr_rpu_normalized_idc: byte(9)?,
        bl_video_full_range_flag: flag(10)?,
        bl_bit_depth: byte(11)?,
        el_bit_depth: byte(12)?,
        vdr_bit_depth: byte(13)?,
        spatial_resampling_filter_flag: flag(14)?,
        el_spatial_resampling_filter_flag: flag(15)?,
        disable_residual_flag: flag(16)?,
    })
}

fn mapping(b: &Bytes<'_>, at: usize) -> Option<DolbyVisionMapping> {
    let curve = |c: usize| curve(b, at + CURVES + c * CURVE_SIZE);
    let nlq_method_idc = b.i32(at + NLQ_METHOD)?;
    let nlq = |c: usize| {
        let at = at + NLQ + c * NLQ_SIZE;
        Some(DolbyVisionNlq {
            nlq_offset: b.u16(at)?,
            vdr_in_max: b.u64(at + 8)?,
            linear_deadzone_slope: b.u64(at + 16)?,
            linear_deadzone_threshold: b.u64(at + 24)?,
        })
    };
    Some(DolbyVisionMapping {
        vdr_rpu_id: b.u8(at)?,
        mapping_color_space: b.u8(at + 1)?,
        mapping_chroma_format_idc: b.u8(at + 2)?,
        curves: [curve(0)?, curve(1)?, curve(2)?],
        nlq_method_idc,
        num_x_partitions: b.u32(at + X_PARTITIONS)?,
        num_y_partitions: b.u32(at + Y_PARTITIONS)?,
        nlq: match nlq_method_idc {
            -1 => None,
            _ => Some([nlq(0)?, nlq(1)?, nlq(2)?]),
        },
    })
}

fn curve(b: &Bytes<'_>, at: usize) -> Option<DolbyVisionCurve> {
    let pivots = usize::from(b.u8(at)?);
    if pivots > MOST_PIECES + 1 {
        return None;
    }
    let pieces = (0..pivots.saturating_sub(1)).map(|i| piece(b, at, i));
    Some(DolbyVisionCurve {
        pivots: (0..pivots)
            .map(|i| b.u16(at + PIVOTS + 2 * i))
            .collect::<Option<_>>()?,
        pieces: pieces.collect::<Option<_>>()?,
    })
}

/// Piece `i` of the curve at `at`; `None` for an order past its array.
fn piece(b: &Bytes<'_>, at: usize, i: usize) -> Option<DolbyVisionPiece> {
    Some(match b.u32(at + MAPPING_IDC + 4 * i)? {
        0 => {
            let order = usize::from(b.u8(at + POLY_ORDER + i)?);
            if order > 2 {
                return None;
            }
            let coefficient = |k: usize| b.i64(at + POLY_COEF + (i * 3 + k) * 8);
            DolbyVisionPiece::Polynomial((0..=order).map(coefficient).collect::<Option<_>>()?)
        }
        1 => {
            let order = usize::from(b.u8(at + MMR_ORDER + i)?);
            if order > 3 {
                return None;
            }
            let row = |j: usize| -> Option<[i64; 7]> {
                let first = at + MMR_COEF + (i * 21 + j * 7) * 8;
                let values: Option<Vec<i64>> = (0..7).map(|k| b.i64(first + k * 8)).collect();
                values?.try_into().ok()
            };
            DolbyVisionPiece::Mmr {
                constant: b.i64(at + MMR_CONSTANT + i * 8)?,
                coefficients: (0..order).map(row).collect::<Option<_>>()?,
            }
        }
        other => DolbyVisionPiece::Other(other),
    })
}

fn color(b: &Bytes<'_>, at: usize) -> Option<DolbyVisionColor> {
    let q = |offset: usize, i: usize| b.rational(at + offset + i * 8);
    let matrix = |offset: usize| -> Option<[Rational; 9]> {
        let values: Option<Vec<Rational>> = (0..9).map(|i| q(offset, i)).collect();
        values?.try_into().ok()
    };
    let byte = |offset: usize| b.u8(at + offset);
    let word = |offset: usize| b.u16(at + offset);
    Some(DolbyVisionColor {
        dm_metadata_id: byte(0)?,
        scene_refresh_flag: byte(1)?,
        ycc_to_rgb_matrix: matrix(YCC_TO_RGB_MATRIX)?,
        ycc_to_rgb_offset: [
            q(YCC_TO_RGB_OFFSET, 0)?,
            q(YCC_TO_RGB_OFFSET, 1)?,
            q(YCC_TO_RGB_OFFSET, 2)?,
        ],
        rgb_to_lms_matrix: matrix(RGB_TO_LMS_MATRIX)?,
        signal_eotf: word(SIGNAL_EOTF)?,
        signal_eotf_param0: word(SIGNAL_EOTF + 2)?,
        signal_eotf_param1: word(SIGNAL_EOTF + 4)?,
        signal_eotf_param2: b.u32(at + SIGNAL_EOTF + 8)?,
        signal_bit_depth: byte(SIGNAL_BIT_DEPTH)?,
        signal_color_space: byte(SIGNAL_BIT_DEPTH + 1)?,
        signal_chroma_format: byte(SIGNAL_BIT_DEPTH + 2)?,
        signal_full_range_flag: byte(SIGNAL_BIT_DEPTH + 3)?,
        source_min_pq: word(SOURCE_PQ)?,
        source_max_pq: word(SOURCE_PQ + 2)?,
        source_diagonal: word(SOURCE_PQ + 4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry laid out as 5.1's `av_dovi_metadata_alloc` lays it out: the offsets, then the
    /// header at 24, the mapping at 48 and the colour at 5184.
    fn entry() -> Vec<u8> {
        let mut bytes = vec![0u8; 5184 + 196];
        for (slot, offset) in [(0, 24u64), (8, 48), (16, 5184)] {
            bytes[slot..slot + 8].copy_from_slice(&offset.to_ne_bytes());
        }
        bytes[24] = 2;
        bytes[26..28].copy_from_slice(&18u16.to_ne_bytes());
        let curve = 48 + CURVES;
        bytes[curve] = 3;
        bytes[curve + PIVOTS..curve + PIVOTS + 6].copy_from_slice(&[0, 0, 0, 2, 0xff, 3]);
        bytes[curve + MAPPING_IDC + 4] = 1;
        bytes[curve + POLY_ORDER] = 1;
        bytes[curve + POLY_COEF + 8..curve + POLY_COEF + 16]
            .copy_from_slice(&(-5i64).to_ne_bytes());
        bytes[curve + MMR_ORDER + 1] = 1;
        bytes[48 + NLQ_METHOD..48 + NLQ_METHOD + 4].copy_from_slice(&(-1i32).to_ne_bytes());
        bytes[5184 + SIGNAL_BIT_DEPTH] = 12;
        bytes
    }

    #[test]
    fn reads_the_structs_where_the_entry_places_them() {
        let metadata = decode(&entry()).unwrap();
        assert_eq!(
            (metadata.header.rpu_type, metadata.header.rpu_format),
            (2, 18)
        );
        let curve = &metadata.mapping.curves[0];
        assert_eq!(curve.pivots, [0, 512, 1023]);
        assert_eq!(curve.pieces[0], DolbyVisionPiece::Polynomial(vec![0, -5]));
        let mmr = DolbyVisionPiece::Mmr {
            constant: 0,
            coefficients: vec![[0; 7]],
        };
        assert_eq!(curve.pieces[1], mmr);
        assert!(metadata.mapping.curves[1].pieces.is_empty());
        assert_eq!(metadata.mapping.nlq, None);
        assert_eq!(metadata.color.signal_bit_depth, 12);
    }

    #[test]
    fn reads_the_extension_blocks_where_the_struct_has_room_for_them() {
        assert_eq!(decode(&entry()).unwrap().extensions, None, "5.x's struct");
        // 7.0's: the offsets and the blocks' place, size and count, then the header at 48.
        let old = entry();
        let mut bytes = vec![0u8; 5600 + 2 * 68];
        let fields: [(usize, u64); 5] = [(0, 48), (8, 80), (16, 5300), (24, 5600), (32, 68)];
        for (slot, value) in fields {
            bytes[slot..slot + 8].copy_from_slice(&value.to_ne_bytes());
        }
        bytes[40..44].copy_from_slice(&2i32.to_ne_bytes());
        bytes[48..48 + 17].copy_from_slice(&old[24..24 + 17]);
        bytes[80..80 + MAPPING_SIZE].copy_from_slice(&old[48..48 + MAPPING_SIZE]);
        bytes[5300..5300 + COLOR_SIZE].copy_from_slice(&old[5184..5184 + COLOR_SIZE]);
        bytes[5600] = 1;
        for (i, value) in [62u16, 3000, 900].iter().enumerate() {
            bytes[5604 + 2 * i..5606 + 2 * i].copy_from_slice(&value.to_ne_bytes());
        }
        bytes[5600 + 68] = 254;
        let metadata = decode(&bytes).unwrap();
        let level1 = DolbyVisionExtension::Level1 {
            min_pq: 62,
            max_pq: 3000,
            avg_pq: 900,
        };
        let other = DolbyVisionExtension::Other { level: 254 };
        assert_eq!(metadata.extensions, Some(vec![level1, other]));
        assert_eq!(metadata.header, decode(&old).unwrap().header);
        bytes[40..44].copy_from_slice(&33i32.to_ne_bytes());
        assert_eq!(decode(&bytes), None, "more blocks than the array holds");
        bytes[40..44].copy_from_slice(&3i32.to_ne_bytes());
        assert_eq!(decode(&bytes), None, "a block past the entry");
        bytes[40..44].copy_from_slice(&1i32.to_ne_bytes());
        bytes[24..32].copy_from_slice(&(u64::MAX - 1).to_ne_bytes());
        assert_eq!(decode(&bytes), None, "blocks where no offset fits");
    }

    #[test]
    fn refuses_offsets_past_the_entry_and_counts_past_the_arrays() {
        let whole = entry();
        assert_eq!(decode(&whole[..whole.len() - 3]), None, "colour cut short");
        let mut far = whole.clone();
        far[16..24].copy_from_slice(&u64::MAX.to_ne_bytes());
        assert_eq!(decode(&far), None, "colour offset past the end");
        let mut pivots = whole.clone();
        pivots[48 + CURVES] = 10;
        assert_eq!(decode(&pivots), None, "ten pivots");
        let mut order = whole;
        order[48 + CURVES + POLY_ORDER] = 3;
        assert_eq!(decode(&order), None, "a polynomial of order 3");
        assert_eq!(decode(&[]), None);
    }
}
