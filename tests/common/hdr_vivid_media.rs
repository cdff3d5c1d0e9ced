//! HEVC whose pictures carry HDR Vivid metadata (CUVA 005.1), written here bit by bit from
//! the value the decoder should give back, in the registered SEI message China's broadcasts
//! carry it in.

use std::path::PathBuf;

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::{
    DynamicHdrVivid, HdrVividBaseCurve, HdrVividThreeSpline, HdrVividToneMapping, HdrVividWindow,
};

use super::side_data_media::{Bits, registered_sei_hevc};

/// Metadata with every part FFmpeg reads: two tone mappings with a base curve each, the
/// first with two splines (the first of a mode without `TH_enable_MB`, which stays 0/0), the
/// second with none; three saturation gains. `one_spline`: as 5.x gives it back, keeping the
/// last spline coded for each one coded. (5.x reads a spline flag only after a base curve,
/// later releases after each tone mapping, and 5.x alone makes the delta of modes 2 and 6
/// negative: both tone mappings have a base curve, and the delta's mode is 1.)
pub fn hdr_vivid(one_spline: bool) -> DynamicHdrVivid {
    let q = Rational::new;
    let first = HdrVividThreeSpline {
        th_mode: 1,
        th_enable_mb: q(0, 0),
        th_enable: q(1000, 4095),
        th_delta1: q(100, 1023),
        th_delta2: q(200, 1023),
        enable_strength: q(128, 255),
    };
    let second = HdrVividThreeSpline {
        th_mode: 2,
        th_enable_mb: q(77, 255),
        th_enable: q(2000, 4095),
        th_delta1: q(300, 1023),
        th_delta2: q(400, 1023),
        enable_strength: q(250, 255),
    };
    let base = |k: i32| HdrVividBaseCurve {
        m: [
            q(8000, 16383),
            q(24, 10),
            q(500, 1023),
            q(300, 1023),
            q(10 + k, 10),
        ],
        k: [1, 0, 2 + k],
        delta_enable_mode: 1,
        delta: q(5 + k, 127),
    };
    DynamicHdrVivid {
        system_start_code: 1,
        windows: vec![HdrVividWindow {
            minimum_maxrgb: q(100, 4095),
            average_maxrgb: q(1000, 4095),
            variance_maxrgb: q(50, 4095),
            maximum_maxrgb: q(3000, 4095),
            tone_mappings: Some(vec![
                HdrVividToneMapping {
                    targeted_system_display_maximum_luminance: q(2000, 4095),
                    base: Some(base(0)),
                    three_splines: Some(match one_spline {
                        true => vec![second, second],
                        false => vec![first, second],
                    }),
                },
                HdrVividToneMapping {
                    targeted_system_display_maximum_luminance: q(4095, 4095),
                    base: Some(base(1)),
                    three_splines: None,
                },
            ]),
            color_saturation_gains: Some(vec![q(64, 128), q(100, 128), q(200, 128)]),
        }],
    }
}

/// x265's pictures, each with [`hdr_vivid`]'s metadata (as 6.0 and later give it back).
pub fn hdr_vivid_hevc() -> PathBuf {
    registered_sei_hevc("hdr_vivid", &hdr_vivid_t35(&hdr_vivid(false)))
}

/// `value` as a T.35 message: China, CUVA, HDR Vivid, then the metadata from the numerators
/// of its rationals, whose denominators are the standard's own.
fn hdr_vivid_t35(value: &DynamicHdrVivid) -> Vec<u8> {
    let mut b = Bits::default();
    b.put(8, 0x26);
    b.put(16, 0x04);
    b.put(16, 0x05);
    b.put(8, value.system_start_code.into());
    let num = |r: Rational| r.num.unsigned_abs();
    for w in &value.windows {
        for q in [
            w.minimum_maxrgb,
            w.average_maxrgb,
            w.variance_maxrgb,
            w.maximum_maxrgb,
        ] {
            b.put(12, num(q));
        }
    }
    for w in &value.windows {
        b.put(1, w.tone_mappings.is_some().into());
        if let Some(mappings) = &w.tone_mappings {
            b.put(1, mappings.len() as u32 - 1);
            for mapping in mappings {
                b.put(12, num(mapping.targeted_system_display_maximum_luminance));
                b.put(1, mapping.base.is_some().into());
                if let Some(base) = &mapping.base {
                    base_curve(&mut b, base);
                }
                splines(&mut b, mapping.three_splines.as_deref());
            }
        }
        b.put(1, w.color_saturation_gains.is_some().into());
        if let Some(gains) = &w.color_saturation_gains {
            b.put(3, gains.len() as u32);
            gains.iter().for_each(|&gain| b.put(8, num(gain)));
        }
    }
    b.bytes
}

fn base_curve(b: &mut Bits, base: &HdrVividBaseCurve) {
    let num = |r: Rational| r.num.unsigned_abs();
    for (bits, m) in [14, 6, 10, 10, 6].into_iter().zip(base.m) {
        b.put(bits, num(m));
    }
    for (bits, k) in [2, 2, 4].into_iter().zip(base.k) {
        b.put(bits, k as u32);
    }
    b.put(3, base.delta_enable_mode as u32);
    b.put(7, num(base.delta));
}

/// A tone mapping's splines, where releases from 6.0 read them: after its base curve or
/// the flag saying it has none (5.x reads them after a base curve only).
fn splines(b: &mut Bits, splines: Option<&[HdrVividThreeSpline]>) {
    let num = |r: Rational| r.num.unsigned_abs();
    b.put(1, splines.is_some().into());
    let Some(splines) = splines else {
        return;
    };
    b.put(1, splines.len() as u32 - 1);
    for spline in splines {
        b.put(2, spline.th_mode as u32);
        if matches!(spline.th_mode, 0 | 2) {
            b.put(8, num(spline.th_enable_mb));
        }
        b.put(12, num(spline.th_enable));
        b.put(10, num(spline.th_delta1));
        b.put(10, num(spline.th_delta2));
        b.put(8, num(spline.enable_strength));
    }
}
