//! HDR Vivid dynamic metadata (CUVA 005.1): FFmpeg's `AVDynamicHDRVivid`, from 5.0 on. Its
//! three-spline parameters changed shape twice: 5.x keeps one set in the tone mapping's own
//! fields; 6.0 added an array of two after them (the old fields deprecated); 8.0 dropped the
//! old fields. The three shapes differ in size, which tells them apart.

use crate::sys::Rational;

use super::Bytes;

/// Where one shape of `AVHDRVividColorToneMappingParams` keeps its splines, and its size.
struct Shape {
    /// The size of the whole `AVDynamicHDRVivid`.
    size: usize,
    /// The size of one tone mapping's parameters.
    tone_mapping_size: usize,
    /// Where its first `AVHDRVivid3SplineParams` (or 5.x's fields of the same shape) lies.
    splines: usize,
    /// Whether it holds one spline for however many were coded (5.x).
    one_spline: bool,
}

const SHAPES: [Shape; 3] = [
    Shape {
        size: 1108,
        tone_mapping_size: 128,
        splines: 84,
        one_spline: true,
    },
    Shape {
        size: 1636,
        tone_mapping_size: 216,
        splines: 128,
        one_spline: false,
    },
    Shape {
        size: 1372,
        tone_mapping_size: 172,
        splines: 84,
        one_spline: false,
    },
];

const WINDOWS: usize = 4;
const MOST_WINDOWS: usize = 3;

// In `AVHDRVividColorTransformParams`.
const TONE_MAPPING_FLAG: usize = 32;
const TONE_MAPPING_COUNT: usize = 36;
const TONE_MAPPINGS: usize = 40;
/// After the two tone mappings: the saturation flag, count and eight gains.
const SATURATION_SIZE: usize = 72;
const MOST_GAINS: usize = 8;

// In `AVHDRVividColorToneMappingParams`.
const BASE_FLAG: usize = 8;
const BASE_M: usize = 12;
const BASE_K: usize = 52;
const BASE_DELTA_MODE: usize = 64;
const BASE_DELTA: usize = 68;
const SPLINE_FLAG: usize = 76;
const SPLINE_COUNT: usize = 80;
/// `AVHDRVivid3SplineParams`: its mode, then five rationals.
const SPLINE_SIZE: usize = 44;

/// One picture's HDR Vivid metadata: how to map its brightness to a display's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicHdrVivid {
    /// The system start code: 1 for the one system FFmpeg reads.
    pub system_start_code: u8,
    /// The processing windows (one where the start code is 1).
    pub windows: Vec<HdrVividWindow>,
}

/// What HDR Vivid says of one window of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdrVividWindow {
    /// The least of each pixel's brightest component, of 1 (in 1/4095).
    pub minimum_maxrgb: Rational,
    /// Their average, likewise.
    pub average_maxrgb: Rational,
    /// Their variance, likewise.
    pub variance_maxrgb: Rational,
    /// Their greatest, likewise.
    pub maximum_maxrgb: Rational,
    /// One or two tone mappings, where given.
    pub tone_mappings: Option<Vec<HdrVividToneMapping>>,
    /// Up to seven colour saturation gains (in 1/128), where given.
    pub color_saturation_gains: Option<Vec<Rational>>,
}

/// One tone mapping of a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdrVividToneMapping {
    /// The targeted display's maximum luminance, of 1 (in 1/4095).
    pub targeted_system_display_maximum_luminance: Rational,
    /// The base curve, where given.
    pub base: Option<HdrVividBaseCurve>,
    /// One or two three-spline curves, where given. 5.x reads them with a base curve only,
    /// later releases with or without one; 5.x keeps the last one coded alone, which stands
    /// here for each one coded.
    pub three_splines: Option<Vec<HdrVividThreeSpline>>,
}

/// A tone mapping's base curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdrVividBaseCurve {
    /// `base_param_m_p`, `_m_m`, `_m_a`, `_m_b` and `_m_n`.
    pub m: [Rational; 5],
    /// `base_param_k1`, `_k2` and `_k3`.
    pub k: [i32; 3],
    /// `base_param_Delta_enable_mode`.
    pub delta_enable_mode: i32,
    /// `base_param_Delta` (in 1/127; 5.x makes it negative for modes 2 and 6).
    pub delta: Rational,
}

/// `AVHDRVivid3SplineParams`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HdrVividThreeSpline {
    /// The mode, 0–3.
    pub th_mode: i32,
    /// `3Spline_TH_enable_MB` (in 1/255; modes 0 and 2 only).
    pub th_enable_mb: Rational,
    /// `3Spline_TH_enable` (in 1/4095).
    pub th_enable: Rational,
    /// `3Spline_TH_Delta1` (in 1/1023).
    pub th_delta1: Rational,
    /// `3Spline_TH_Delta2` (in 1/1023).
    pub th_delta2: Rational,
    /// `3Spline_enable_Strength` (in 1/255).
    pub enable_strength: Rational,
}

/// Reads an `AVDynamicHDRVivid` of any release's shape; `None` for a size of none of them,
/// or counts past its arrays.
pub(crate) fn decode(bytes: &[u8]) -> Option<DynamicHdrVivid> {
    let shape = SHAPES.iter().find(|shape| shape.size == bytes.len())?;
    let b = Bytes(bytes);
    let count = usize::from(b.u8(1)?);
    if count > MOST_WINDOWS {
        return None;
    }
    let window_size = TONE_MAPPINGS + 2 * shape.tone_mapping_size + SATURATION_SIZE;
    let windows = (0..count).map(|w| window(&b, shape, WINDOWS + w * window_size));
    Some(DynamicHdrVivid {
        system_start_code: b.u8(0)?,
        windows: windows.collect::<Option<_>>()?,
    })
}

fn window(b: &Bytes<'_>, shape: &Shape, at: usize) -> Option<HdrVividWindow> {
    let q = |offset: usize| b.rational(at + offset);
    let count = |offset: usize, most: usize| {
        usize::try_from(b.i32(at + offset)?)
            .ok()
            .filter(|&n| n <= most)
    };
    let tone_mappings = match b.i32(at + TONE_MAPPING_FLAG)? {
        0 => None,
        _ => Some(
            (0..count(TONE_MAPPING_COUNT, 2)?)
                .map(|i| tone_mapping(b, shape, at + TONE_MAPPINGS + i * shape.tone_mapping_size))
                .collect::<Option<_>>()?,
        ),
    };
    let saturation = at + TONE_MAPPINGS + 2 * shape.tone_mapping_size;
    let color_saturation_gains = match b.i32(saturation)? {
        0 => None,
        _ => Some(
            (0..count(saturation - at + 4, MOST_GAINS)?)
                .map(|i| b.rational(saturation + 8 + i * 8))
                .collect::<Option<_>>()?,
        ),
    };
    Some(HdrVividWindow {
        minimum_maxrgb: q(0)?,
        average_maxrgb: q(8)?,
        variance_maxrgb: q(16)?,
        maximum_maxrgb: q(24)?,
        tone_mappings,
        color_saturation_gains,
    })
}

fn tone_mapping(b: &Bytes<'_>, shape: &Shape, at: usize) -> Option<HdrVividToneMapping> {
    let q = |offset: usize| b.rational(at + offset);
    let int = |offset: usize| b.i32(at + offset);
    let splines = match int(SPLINE_FLAG)? {
        0 => None,
        _ => {
            let coded = usize::try_from(int(SPLINE_COUNT)?)
                .ok()
                .filter(|&n| n <= 2)?;
            let spline = |j: usize| {
                let j = if shape.one_spline { 0 } else { j };
                three_spline(b, at + shape.splines + j * SPLINE_SIZE)
            };
            Some((0..coded).map(spline).collect::<Option<_>>()?)
        }
    };
    let base = HdrVividBaseCurve {
        m: [
            q(BASE_M)?,
            q(BASE_M + 8)?,
            q(BASE_M + 16)?,
            q(BASE_M + 24)?,
            q(BASE_M + 32)?,
        ],
        k: [int(BASE_K)?, int(BASE_K + 4)?, int(BASE_K + 8)?],
        delta_enable_mode: int(BASE_DELTA_MODE)?,
        delta: q(BASE_DELTA)?,
    };
    Some(HdrVividToneMapping {
        targeted_system_display_maximum_luminance: q(0)?,
        base: (int(BASE_FLAG)? != 0).then_some(base),
        three_splines: splines,
    })
}

fn three_spline(b: &Bytes<'_>, at: usize) -> Option<HdrVividThreeSpline> {
    let q = |offset: usize| b.rational(at + offset);
    Some(HdrVividThreeSpline {
        th_mode: b.i32(at)?,
        th_enable_mb: q(4)?,
        th_enable: q(12)?,
        th_delta1: q(20)?,
        th_delta2: q(28)?,
        enable_strength: q(36)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(bytes: &mut [u8], at: usize, values: &[i32]) {
        for (i, value) in values.iter().enumerate() {
            bytes[at + i * 4..at + i * 4 + 4].copy_from_slice(&value.to_ne_bytes());
        }
    }

    /// One window with one tone mapping whose base curve has two splines (the first of mode
    /// 1, the second of mode 2), and two saturation gains, in `shape`.
    fn entry(shape: &Shape) -> Vec<u8> {
        let mut bytes = vec![0u8; shape.size];
        bytes[..2].copy_from_slice(&[1, 1]);
        put(
            &mut bytes,
            WINDOWS,
            &[1, 4095, 2, 4095, 3, 4095, 4, 4095, 1, 1],
        );
        let tone = WINDOWS + TONE_MAPPINGS;
        put(&mut bytes, tone, &[100, 4095, 1, 5, 16383]);
        put(&mut bytes, tone + SPLINE_FLAG, &[1, 2]);
        for (j, mode) in [1, 2].into_iter().enumerate() {
            if shape.one_spline && j == 0 {
                continue; // 5.x keeps the last.
            }
            let at = tone + shape.splines + if shape.one_spline { 0 } else { j * SPLINE_SIZE };
            put(&mut bytes, at, &[mode, 7, 255]);
        }
        let saturation = WINDOWS + TONE_MAPPINGS + 2 * shape.tone_mapping_size;
        put(&mut bytes, saturation, &[1, 2, 64, 128, 96, 128]);
        bytes
    }

    #[test]
    fn reads_each_releases_shape() {
        for shape in &SHAPES {
            let vivid = decode(&entry(shape)).unwrap();
            assert_eq!(vivid.system_start_code, 1);
            let window = &vivid.windows[0];
            assert_eq!(window.variance_maxrgb, Rational::new(3, 4095));
            let gains = window.color_saturation_gains.as_ref().unwrap();
            assert_eq!(gains, &[Rational::new(64, 128), Rational::new(96, 128)]);
            let tone = &window.tone_mappings.as_ref().unwrap()[0];
            let base = tone.base.as_ref().unwrap();
            assert_eq!(base.m[0], Rational::new(5, 16383));
            let modes: Vec<i32> = tone
                .three_splines
                .as_ref()
                .unwrap()
                .iter()
                .map(|s| s.th_mode)
                .collect();
            let expected = if shape.one_spline { [2, 2] } else { [1, 2] };
            assert_eq!(modes, expected, "{} bytes", shape.size);
        }
    }

    #[test]
    fn refuses_other_sizes_and_counts_past_the_arrays() {
        let whole = entry(&SHAPES[2]);
        assert_eq!(decode(&whole[..whole.len() - 4]), None);
        let mut windows = whole.clone();
        windows[1] = 4;
        assert_eq!(decode(&windows), None, "four windows");
        let mut splines = whole;
        put(&mut splines, WINDOWS + TONE_MAPPINGS + SPLINE_COUNT, &[3]);
        assert_eq!(decode(&splines), None, "three splines");
    }
}
