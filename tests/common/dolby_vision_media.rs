//! HEVC whose pictures carry a Dolby Vision RPU, written here bit by bit from the value the
//! decoder should give back: x265's pictures with an RPU unit (type 62) after each one's
//! slice, as Dolby Vision profiles 7 and 8 carry it.

use std::path::PathBuf;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::{
    DolbyVisionColor, DolbyVisionCurve, DolbyVisionExtension, DolbyVisionHeader,
    DolbyVisionMapping, DolbyVisionMetadata, DolbyVisionNlq, DolbyVisionPiece,
};

use super::side_data_media::{Bits, emulation_prevented, plain_hevc};

/// Fractional bits of every coefficient.
const DENOM_BITS: u32 = 23;

/// An RPU with every part FFmpeg parses: polynomial pieces of both orders and MMR pieces
/// of every order, the enhancement layer's inverse quantisation, and colour metadata with
/// an offset past `INT_MAX` (which FFmpeg halves, with its denominator).
pub fn dolby_vision() -> DolbyVisionMetadata {
    let curve = |pivots: &[u16], pieces: Vec<DolbyVisionPiece>| DolbyVisionCurve {
        pivots: pivots.to_vec(),
        pieces,
    };
    let mmr = |constant: i64, order: i64| DolbyVisionPiece::Mmr {
        constant,
        coefficients: (0..order)
            .map(|j| std::array::from_fn(|k| (j * 7 + k as i64 - 10) * 1_234_567))
            .collect(),
    };
    let nlq = |c: u16| DolbyVisionNlq {
        nlq_offset: 500 + c,
        vdr_in_max: (3 << DENOM_BITS) + 12_345,
        linear_deadzone_slope: 7 << 20,
        linear_deadzone_threshold: u64::from(c) * 99,
    };
    let q = Rational::new;
    let ycc = [9574, 0, 13802, 9574, -1540, -5348, 9574, 17610, 0];
    let lms = [7222, 8771, 390, 2654, 12430, 1300, 0, 422, 15962];
    DolbyVisionMetadata {
        header: DolbyVisionHeader {
            rpu_type: 2,
            rpu_format: 18,
            vdr_rpu_profile: 1,
            vdr_rpu_level: 0,
            chroma_resampling_explicit_filter_flag: false,
            coef_data_type: 0,
            coef_log2_denom: DENOM_BITS as u8,
            vdr_rpu_normalized_idc: 1,
            bl_video_full_range_flag: false,
            bl_bit_depth: 10,
            el_bit_depth: 10,
            vdr_bit_depth: 12,
            spatial_resampling_filter_flag: false,
            el_spatial_resampling_filter_flag: true,
            disable_residual_flag: false,
        },
        mapping: DolbyVisionMapping {
            vdr_rpu_id: 0,
            mapping_color_space: 0,
            mapping_chroma_format_idc: 0,
            curves: [
                curve(
                    &[63, 132, 362, 942],
                    vec![
                        DolbyVisionPiece::Polynomial(vec![-409_680, 16_721_463, -20_276_640]),
                        DolbyVisionPiece::Polynomial(vec![1_317_527, 5_338_528]),
                        mmr(-4_200_453, 1),
                    ],
                ),
                curve(&[0, 1023], vec![mmr(8_388_608, 3)]),
                curve(
                    &[0, 512, 1023],
                    vec![mmr(-1, 2), DolbyVisionPiece::Polynomial(vec![0, 8_388_608])],
                ),
            ],
            nlq_method_idc: 0,
            num_x_partitions: 1,
            num_y_partitions: 1,
            nlq: Some([nlq(0), nlq(1), nlq(2)]),
        },
        color: DolbyVisionColor {
            dm_metadata_id: 0,
            scene_refresh_flag: 1,
            ycc_to_rgb_matrix: ycc.map(|v| q(v, 1 << 13)),
            ycc_to_rgb_offset: [
                q(1 << 24, 1 << 28),
                q(1 << 27, 1 << 28),
                q(1 << 30, 1 << 27),
            ],
            rgb_to_lms_matrix: lms.map(|v| q(v, 1 << 14)),
            signal_eotf: 65535,
            signal_eotf_param0: 1,
            signal_eotf_param1: 2,
            signal_eotf_param2: 70_000,
            signal_bit_depth: 12,
            signal_color_space: 0,
            signal_chroma_format: 0,
            signal_full_range_flag: 1,
            source_min_pq: 62,
            source_max_pq: 3696,
            source_diagonal: 42,
        },
        extensions: Some(vec![
            // As FFmpeg orders them: the static levels first.
            DolbyVisionExtension::Level6 {
                max_luminance: 1000,
                min_luminance: 50,
                max_cll: 800,
                max_fall: 400,
            },
            DolbyVisionExtension::Other { level: 254 },
            DolbyVisionExtension::Level1 {
                min_pq: 62,
                max_pq: 3000,
                avg_pq: 900,
            },
            DolbyVisionExtension::Level2 {
                target_max_pq: 2081,
                trim_slope: 2048,
                trim_offset: 2047,
                trim_power: 2049,
                trim_chroma_weight: 2048,
                trim_saturation_gain: 1900,
                ms_weight: -1,
            },
            DolbyVisionExtension::Level5 {
                left_offset: 0,
                right_offset: 2,
                top_offset: 140,
                bottom_offset: 138,
            },
        ]),
    }
}

/// x265's 10-bit pictures, each followed by [`dolby_vision`]'s RPU. `nlq_pivots`: whether
/// the RPU codes the two NLQ pivots that the syntax has there, which 7.1 and later read and
/// earlier releases skip, reading on as if they were not there.
pub fn dolby_vision_hevc(nlq_pivots: bool) -> PathBuf {
    let source = std::fs::read(plain_hevc()).unwrap();
    let rpu = [
        &[0, 0, 1, 62 << 1, 1][..],
        &emulation_prevented(&rpu(&dolby_vision(), nlq_pivots)),
    ]
    .concat();
    let starts: Vec<usize> = (0..source.len() - 2)
        .filter(|&i| source[i..i + 3] == [0, 0, 1])
        .collect();
    let mut out = Vec::new();
    let (mut slices, mut pictures) = (0, 0);
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(source.len());
        out.extend_from_slice(&source[start..end]);
        // A slice unit (types 0-31) ends the picture: x265 writes one per picture here.
        if source[start + 3] >> 1 < 32 {
            slices += 1;
            pictures += usize::from(source[start + 5] & 0x80 != 0);
            out.extend_from_slice(&rpu);
        }
    }
    assert_eq!((slices, pictures), (25, 25), "one slice per picture");
    let name = if nlq_pivots {
        "dovi_nlq_pivots"
    } else {
        "dovi"
    };
    let path = super::scratch_dir(name).join(format!("{name}.hevc"));
    std::fs::write(&path, out).unwrap();
    path
}

/// The RPU's bytes from its prefix (0x19) to its end (0x80), before emulation prevention.
fn rpu(m: &DolbyVisionMetadata, nlq_pivots: bool) -> Vec<u8> {
    let (h, mapping, color) = (&m.header, &m.mapping, &m.color);
    let mut b = Bits::default();
    b.put(6, h.rpu_type.into());
    b.put(11, h.rpu_format.into());
    b.put(4, h.vdr_rpu_profile.into());
    b.put(4, h.vdr_rpu_level.into());
    b.put(1, 1); // vdr_seq_info_present_flag
    b.put(1, h.chroma_resampling_explicit_filter_flag.into());
    b.put(2, h.coef_data_type.into());
    ue(&mut b, h.coef_log2_denom.into());
    b.put(2, h.vdr_rpu_normalized_idc.into());
    b.put(1, h.bl_video_full_range_flag.into());
    for depth in [h.bl_bit_depth, h.el_bit_depth, h.vdr_bit_depth] {
        ue(&mut b, u64::from(depth) - 8);
    }
    b.put(1, h.spatial_resampling_filter_flag.into());
    b.put(3, 0);
    b.put(1, h.el_spatial_resampling_filter_flag.into());
    b.put(1, h.disable_residual_flag.into());
    b.put(1, 1); // vdr_dm_metadata_present_flag
    b.put(1, 0); // use_prev_vdr_rpu_flag
    ue(&mut b, mapping.vdr_rpu_id.into());
    ue(&mut b, mapping.mapping_color_space.into());
    ue(&mut b, mapping.mapping_chroma_format_idc.into());
    let depth = u32::from(h.bl_bit_depth);
    for curve in &mapping.curves {
        ue(&mut b, curve.pivots.len() as u64 - 2);
        let mut last = 0;
        for &pivot in &curve.pivots {
            b.put(depth, u32::from(pivot - last));
            last = pivot;
        }
    }
    b.put(3, mapping.nlq_method_idc as u32);
    if nlq_pivots {
        b.put(depth, 0);
        b.put(depth, 1023);
    }
    ue(&mut b, u64::from(mapping.num_x_partitions) - 1);
    ue(&mut b, u64::from(mapping.num_y_partitions) - 1);
    for piece in mapping.curves.iter().flat_map(|c| &c.pieces) {
        match piece {
            DolbyVisionPiece::Polynomial(coefficients) => {
                ue(&mut b, 0);
                ue(&mut b, coefficients.len() as u64 - 2);
                if coefficients.len() == 2 {
                    b.put(1, 0); // linear_interp_flag
                }
                coefficients.iter().for_each(|&c| se_coef(&mut b, c));
            }
            DolbyVisionPiece::Mmr {
                constant,
                coefficients,
            } => {
                ue(&mut b, 1);
                b.put(2, coefficients.len() as u32 - 1);
                se_coef(&mut b, *constant);
                coefficients
                    .iter()
                    .flatten()
                    .for_each(|&c| se_coef(&mut b, c));
            }
            other => panic!("{other:?}"),
        }
    }
    for nlq in mapping.nlq.iter().flatten() {
        b.put(u32::from(h.el_bit_depth), nlq.nlq_offset.into());
        for value in [
            nlq.vdr_in_max,
            nlq.linear_deadzone_slope,
            nlq.linear_deadzone_threshold,
        ] {
            ue(&mut b, value >> DENOM_BITS);
            b.put(DENOM_BITS, (value & ((1 << DENOM_BITS) - 1)) as u32);
        }
    }
    ue(&mut b, color.dm_metadata_id.into()); // affected_dm_metadata_id
    ue(&mut b, color.dm_metadata_id.into()); // current_dm_metadata_id
    ue(&mut b, color.scene_refresh_flag.into());
    for value in color.ycc_to_rgb_matrix {
        b.put(16, value.num as u16 as u32);
    }
    for value in color.ycc_to_rgb_offset {
        // An offset past INT_MAX comes back halved, over a halved denominator.
        let coded = if value.den == 1 << 27 {
            (value.num as u32) << 1 | 1
        } else {
            value.num as u32
        };
        b.put(32, coded);
    }
    for value in color.rgb_to_lms_matrix {
        b.put(16, value.num as u16 as u32);
    }
    b.put(16, color.signal_eotf.into());
    b.put(16, color.signal_eotf_param0.into());
    b.put(16, color.signal_eotf_param1.into());
    b.put(32, color.signal_eotf_param2);
    b.put(5, color.signal_bit_depth.into());
    b.put(2, color.signal_color_space.into());
    b.put(2, color.signal_chroma_format.into());
    b.put(2, color.signal_full_range_flag.into());
    b.put(12, color.source_min_pq.into());
    b.put(12, color.source_max_pq.into());
    b.put(10, color.source_diagonal.into());
    let blocks = m.extensions.as_deref().unwrap_or_default();
    let (first, second): (Vec<_>, Vec<_>) = blocks
        .iter()
        .partition(|block| !matches!(block, DolbyVisionExtension::Other { .. }));
    extension_blocks(&mut b, &first);
    // A second group (display management v2) follows where more than 48 bits are left.
    if !second.is_empty() {
        extension_blocks(&mut b, &second);
    }
    b.align();
    let crc = crc32_mpeg2(&b.bytes);
    [&[0x19][..], &b.bytes, &crc.to_be_bytes(), &[0x80]].concat()
}

/// A group of extension blocks: their count, then each block's length in bytes, level and
/// fields, padded to its length (levels 1, 2, 5 and 6 as written; level 254's two fields 0).
fn extension_blocks(b: &mut Bits, blocks: &[&DolbyVisionExtension]) {
    ue(b, blocks.len() as u64);
    b.align();
    for block in blocks {
        let (level, fields): (u32, Vec<(u32, u32)>) = match **block {
            DolbyVisionExtension::Level1 {
                min_pq,
                max_pq,
                avg_pq,
            } => (1, [min_pq, max_pq, avg_pq].map(|v| (12, v.into())).to_vec()),
            DolbyVisionExtension::Level2 {
                target_max_pq: a,
                trim_slope: b,
                trim_offset: c,
                trim_power: d,
                trim_chroma_weight: e,
                trim_saturation_gain: f,
                ms_weight,
            } => {
                let mut fields: Vec<(u32, u32)> =
                    [a, b, c, d, e, f].map(|v| (12, v.into())).to_vec();
                fields.push((13, ms_weight as u16 as u32 & 0x1fff));
                (2, fields)
            }
            DolbyVisionExtension::Level5 {
                left_offset,
                right_offset,
                top_offset,
                bottom_offset,
            } => {
                let offsets = [left_offset, right_offset, top_offset, bottom_offset];
                (5, offsets.map(|v| (13, v.into())).to_vec())
            }
            DolbyVisionExtension::Level6 {
                max_luminance,
                min_luminance,
                max_cll,
                max_fall,
            } => {
                let values = [max_luminance, min_luminance, max_cll, max_fall];
                (6, values.map(|v| (16, v.into())).to_vec())
            }
            DolbyVisionExtension::Other { level } => (level.into(), vec![(8, 0), (8, 0)]),
            other => panic!("{other:?}"),
        };
        let bits: u32 = fields.iter().map(|(count, _)| count).sum();
        let length = bits.div_ceil(8);
        ue(b, length.into());
        b.put(8, level);
        fields
            .iter()
            .for_each(|&(count, value)| b.put(count, value));
        b.put(length * 8 - bits, 0);
    }
}

/// Exp-Golomb, unsigned.
fn ue(b: &mut Bits, value: u64) {
    let coded = value + 1;
    let width = 64 - coded.leading_zeros();
    b.put(width - 1, 0);
    b.put(width, coded as u32);
}

/// A signed fixed-point coefficient: its integer part as signed Exp-Golomb, its fraction
/// in `DENOM_BITS` bits.
fn se_coef(b: &mut Bits, value: i64) {
    let whole = value >> DENOM_BITS;
    let signed = if whole > 0 {
        2 * whole as u64 - 1
    } else {
        whole.unsigned_abs() * 2
    };
    ue(b, signed);
    b.put(DENOM_BITS, (value & ((1 << DENOM_BITS) - 1)) as u32);
}

/// CRC-32/MPEG-2 (polynomial 0x04c11db7, not reflected), which an RPU ends with.
pub fn crc32_mpeg2(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                crc << 1 ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
    }
    crc
}
