//! HDR10+ dynamic metadata (SMPTE ST 2094-40): FFmpeg's `AVDynamicHDRPlus`, the same struct
//! in the headers of every major 4.x–9.x; the ABI self-check proves its size on each load.

use crate::abi::constants::DYNAMIC_HDR_PLUS_SIZE as SIZE;
use crate::sys::Rational;

use super::Bytes;

// Offsets by C's layout rules (checked against both ends' headers with `offsetof`).
const COUNTRY_CODE: usize = 0;
const APPLICATION_VERSION: usize = 1;
const NUM_WINDOWS: usize = 2;
const WINDOWS: usize = 4;
const WINDOW_SIZE: usize = 428;
const TARGETED_MAXIMUM: usize = 1288;
const TARGETED_PEAK: usize = 1296;
const MASTERING_PEAK: usize = 6300;

// In `AVHDRPlusColorTransformParams`.
const CORNERS: usize = 0;
const CENTER_OF_ELLIPSE: usize = 32;
const ROTATION_ANGLE: usize = 36;
const AXES: usize = 38;
const OVERLAP_PROCESS: usize = 44;
const MAXSCL: usize = 48;
const AVERAGE_MAXRGB: usize = 72;
const NUM_PERCENTILES: usize = 80;
/// `AVHDRPlusPercentile`: its `uint8_t`, then its rational at 4; 12 bytes each.
const PERCENTILES: usize = 84;
const FRACTION_BRIGHT_PIXELS: usize = 264;
const TONE_MAPPING_FLAG: usize = 272;
const KNEE_POINT: usize = 276;
const NUM_ANCHORS: usize = 292;
const ANCHORS: usize = 296;
const SATURATION_FLAG: usize = 416;
const SATURATION_WEIGHT: usize = 420;

/// The most percentiles and Bézier anchors a window has, and rows and columns a peak
/// luminance table has: the struct's array sizes.
const MOST_PERCENTILES: usize = 15;
const MOST_ANCHORS: usize = 15;
const MOST_ROWS: usize = 25;

/// One picture's HDR10+ metadata: how to map its brightness to a display dimmer than the
/// one it was graded on. The rationals are as FFmpeg gives them (`maxscl` in units of
/// 1/100000 of the maximum, luminances in cd/m²).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicHdrPlus {
    /// The ITU-T T.35 country code: 0xB5, the United States.
    pub country_code: u8,
    /// 0 or 1.
    pub application_version: u8,
    /// One to three windows; the first is the whole picture.
    pub windows: Vec<HdrPlusWindow>,
    /// The brightness of the display the metadata targets, in cd/m².
    pub targeted_system_display_maximum_luminance: Rational,
    /// That display's normalised peak luminance, row by row (2–25 rows of 2–25), where given.
    pub targeted_system_display_actual_peak_luminance: Option<Vec<Vec<Rational>>>,
    /// The mastering display's, likewise.
    pub mastering_display_actual_peak_luminance: Option<Vec<Vec<Rational>>>,
}

/// What HDR10+ says of one window of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdrPlusWindow {
    /// Where the window lies: `None` for the first window, which is the whole picture.
    pub area: Option<HdrPlusWindowArea>,
    /// The brightest red, green and blue component, of 1.
    pub maxscl: [Rational; 3],
    /// The average of each pixel's brightest component.
    pub average_maxrgb: Rational,
    /// Up to 15 points of the distribution of that brightest component: each a percentage
    /// of the pixels, and the value that many pixels stay under.
    pub distribution_maxrgb: Vec<(u8, Rational)>,
    /// The fraction of pixels brighter than the last percentile.
    pub fraction_bright_pixels: Rational,
    /// The tone-mapping curve, where given.
    pub tone_mapping: Option<HdrPlusToneMapping>,
    /// How much to saturate colours, where given.
    pub color_saturation_weight: Option<Rational>,
}

/// The place and blending of a window after the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdrPlusWindowArea {
    /// The top-left corner (x, y), in pixels.
    pub upper_left_corner: [Rational; 2],
    /// The bottom-right corner (x, y), in pixels.
    pub lower_right_corner: [Rational; 2],
    /// The centre of the window's ellipses (x, y), in pixels.
    pub center_of_ellipse: [u16; 2],
    /// The ellipses' turn, in 180/128 degree steps clockwise.
    pub rotation_angle: u8,
    /// The inner ellipse's semi-major axis, in pixels.
    pub semimajor_axis_internal_ellipse: u16,
    /// The outer ellipse's semi-major axis, in pixels.
    pub semimajor_axis_external_ellipse: u16,
    /// The outer ellipse's semi-minor axis, in pixels.
    pub semiminor_axis_external_ellipse: u16,
    /// How overlapping windows combine: 0 weighted, 1 layered.
    pub overlap_process_option: u32,
}

/// A window's tone-mapping curve: a knee point, then a Bézier curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdrPlusToneMapping {
    /// The knee point (x, y), of 1.
    pub knee_point: [Rational; 2],
    /// Up to 15 anchors of the curve, of 1.
    pub bezier_curve_anchors: Vec<Rational>,
}

/// Reads an `AVDynamicHDRPlus`; `None` for bytes too short, or counts past its arrays.
pub(crate) fn decode(bytes: &[u8]) -> Option<DynamicHdrPlus> {
    if bytes.len() < SIZE {
        return None;
    }
    let b = Bytes(bytes);
    let count = usize::from(b.u8(NUM_WINDOWS)?);
    if !(1..=3).contains(&count) {
        return None;
    }
    let windows = (0..count).map(|k| window(&b, WINDOWS + k * WINDOW_SIZE, k > 0));
    Some(DynamicHdrPlus {
        country_code: b.u8(COUNTRY_CODE)?,
        application_version: b.u8(APPLICATION_VERSION)?,
        windows: windows.collect::<Option<_>>()?,
        targeted_system_display_maximum_luminance: b.rational(TARGETED_MAXIMUM)?,
        targeted_system_display_actual_peak_luminance: peak_luminance(&b, TARGETED_PEAK)?,
        mastering_display_actual_peak_luminance: peak_luminance(&b, MASTERING_PEAK)?,
    })
}

fn window(b: &Bytes<'_>, at: usize, has_area: bool) -> Option<HdrPlusWindow> {
    let q = |offset: usize| b.rational(at + offset);
    let area = HdrPlusWindowArea {
        upper_left_corner: [q(CORNERS)?, q(CORNERS + 8)?],
        lower_right_corner: [q(CORNERS + 16)?, q(CORNERS + 24)?],
        center_of_ellipse: [
            b.u16(at + CENTER_OF_ELLIPSE)?,
            b.u16(at + CENTER_OF_ELLIPSE + 2)?,
        ],
        rotation_angle: b.u8(at + ROTATION_ANGLE)?,
        semimajor_axis_internal_ellipse: b.u16(at + AXES)?,
        semimajor_axis_external_ellipse: b.u16(at + AXES + 2)?,
        semiminor_axis_external_ellipse: b.u16(at + AXES + 4)?,
        overlap_process_option: b.u32(at + OVERLAP_PROCESS)?,
    };
    let percentiles = usize::from(b.u8(at + NUM_PERCENTILES)?);
    let anchors = usize::from(b.u8(at + NUM_ANCHORS)?);
    if percentiles > MOST_PERCENTILES || anchors > MOST_ANCHORS {
        return None;
    }
    let percentile = |i: usize| {
        let entry = at + PERCENTILES + i * 12;
        Some((b.u8(entry)?, b.rational(entry + 4)?))
    };
    let tone_mapping = HdrPlusToneMapping {
        knee_point: [q(KNEE_POINT)?, q(KNEE_POINT + 8)?],
        bezier_curve_anchors: (0..anchors)
            .map(|i| q(ANCHORS + i * 8))
            .collect::<Option<_>>()?,
    };
    Some(HdrPlusWindow {
        area: has_area.then_some(area),
        maxscl: [q(MAXSCL)?, q(MAXSCL + 8)?, q(MAXSCL + 16)?],
        average_maxrgb: q(AVERAGE_MAXRGB)?,
        distribution_maxrgb: (0..percentiles).map(percentile).collect::<Option<_>>()?,
        fraction_bright_pixels: q(FRACTION_BRIGHT_PIXELS)?,
        tone_mapping: (b.u8(at + TONE_MAPPING_FLAG)? != 0).then_some(tone_mapping),
        color_saturation_weight: match b.u8(at + SATURATION_FLAG)? {
            0 => None,
            _ => Some(q(SATURATION_WEIGHT)?),
        },
    })
}

/// A flag, a row count, a column count, then a 25×25 table of rationals: `Some(None)` when
/// the flag is clear, `None` for counts past the table.
fn peak_luminance(b: &Bytes<'_>, at: usize) -> Option<Option<Vec<Vec<Rational>>>> {
    if b.u8(at)? == 0 {
        return Some(None);
    }
    let (rows, columns) = (usize::from(b.u8(at + 1)?), usize::from(b.u8(at + 2)?));
    if rows > MOST_ROWS || columns > MOST_ROWS {
        return None;
    }
    let value = |row: usize, column: usize| b.rational(at + 4 + (row * MOST_ROWS + column) * 8);
    let row = |row: usize| {
        (0..columns)
            .map(|c| value(row, c))
            .collect::<Option<Vec<_>>>()
    };
    Some(Some((0..rows).map(row).collect::<Option<_>>()?))
}

/// The `AVDynamicHDRPlus` that says `value`; why not, for more windows, percentiles,
/// anchors or table cells than the struct holds.
pub(crate) fn encode(value: &DynamicHdrPlus) -> Result<Vec<u8>, String> {
    let mut out = Out(vec![0; SIZE]);
    if !(1..=3).contains(&value.windows.len()) {
        return Err("HDR10+ has one to three windows".into());
    }
    out.u8(COUNTRY_CODE, value.country_code);
    out.u8(APPLICATION_VERSION, value.application_version);
    out.u8(NUM_WINDOWS, value.windows.len() as u8);
    for (k, window) in value.windows.iter().enumerate() {
        encode_window(&mut out, WINDOWS + k * WINDOW_SIZE, window)?;
    }
    out.rational(
        TARGETED_MAXIMUM,
        value.targeted_system_display_maximum_luminance,
    );
    let tables = [
        (
            TARGETED_PEAK,
            &value.targeted_system_display_actual_peak_luminance,
        ),
        (
            MASTERING_PEAK,
            &value.mastering_display_actual_peak_luminance,
        ),
    ];
    for (at, table) in tables {
        let Some(rows) = table else { continue };
        let columns = rows.first().map_or(0, Vec::len);
        if rows.len() > MOST_ROWS || columns > MOST_ROWS || rows.iter().any(|r| r.len() != columns)
        {
            return Err(
                "a peak luminance table has up to 25 rows, each of the same up to 25 values".into(),
            );
        }
        out.u8(at, 1);
        out.u8(at + 1, rows.len() as u8);
        out.u8(at + 2, columns as u8);
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                out.rational(at + 4 + (r * MOST_ROWS + c) * 8, *cell);
            }
        }
    }
    Ok(out.0)
}

fn encode_window(out: &mut Out, at: usize, window: &HdrPlusWindow) -> Result<(), String> {
    if window.distribution_maxrgb.len() > MOST_PERCENTILES {
        return Err("an HDR10+ window has up to 15 percentiles".into());
    }
    if let Some(area) = &window.area {
        let corners = area
            .upper_left_corner
            .iter()
            .chain(&area.lower_right_corner);
        for (i, corner) in corners.enumerate() {
            out.rational(at + CORNERS + i * 8, *corner);
        }
        out.u16(at + CENTER_OF_ELLIPSE, area.center_of_ellipse[0]);
        out.u16(at + CENTER_OF_ELLIPSE + 2, area.center_of_ellipse[1]);
        out.u8(at + ROTATION_ANGLE, area.rotation_angle);
        out.u16(at + AXES, area.semimajor_axis_internal_ellipse);
        out.u16(at + AXES + 2, area.semimajor_axis_external_ellipse);
        out.u16(at + AXES + 4, area.semiminor_axis_external_ellipse);
        out.u32(at + OVERLAP_PROCESS, area.overlap_process_option);
    }
    for (i, value) in window.maxscl.iter().enumerate() {
        out.rational(at + MAXSCL + i * 8, *value);
    }
    out.rational(at + AVERAGE_MAXRGB, window.average_maxrgb);
    out.u8(at + NUM_PERCENTILES, window.distribution_maxrgb.len() as u8);
    for (i, (percentage, percentile)) in window.distribution_maxrgb.iter().enumerate() {
        out.u8(at + PERCENTILES + i * 12, *percentage);
        out.rational(at + PERCENTILES + i * 12 + 4, *percentile);
    }
    out.rational(at + FRACTION_BRIGHT_PIXELS, window.fraction_bright_pixels);
    if let Some(curve) = &window.tone_mapping {
        if curve.bezier_curve_anchors.len() > MOST_ANCHORS {
            return Err("an HDR10+ curve has up to 15 anchors".into());
        }
        out.u8(at + TONE_MAPPING_FLAG, 1);
        out.rational(at + KNEE_POINT, curve.knee_point[0]);
        out.rational(at + KNEE_POINT + 8, curve.knee_point[1]);
        out.u8(at + NUM_ANCHORS, curve.bezier_curve_anchors.len() as u8);
        for (i, anchor) in curve.bezier_curve_anchors.iter().enumerate() {
            out.rational(at + ANCHORS + i * 8, *anchor);
        }
    }
    if let Some(weight) = window.color_saturation_weight {
        out.u8(at + SATURATION_FLAG, 1);
        out.rational(at + SATURATION_WEIGHT, weight);
    }
    Ok(())
}

/// Native-endian writes of a C struct's members into zeroed bytes.
struct Out(Vec<u8>);

impl Out {
    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.0[at..at + bytes.len()].copy_from_slice(bytes);
    }

    fn u8(&mut self, at: usize, value: u8) {
        self.0[at] = value;
    }

    fn u16(&mut self, at: usize, value: u16) {
        self.put(at, &value.to_ne_bytes());
    }

    fn u32(&mut self, at: usize, value: u32) {
        self.put(at, &value.to_ne_bytes());
    }

    fn rational(&mut self, at: usize, value: Rational) {
        self.put(at, &value.num.to_ne_bytes());
        self.put(at + 4, &value.den.to_ne_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(num: i32, den: i32) -> Rational {
        Rational::new(num, den)
    }

    fn window(k: i32, area: bool) -> HdrPlusWindow {
        HdrPlusWindow {
            // Every field of the area apart, to catch one read at another's offset.
            area: area.then(|| {
                let [a, b, c, d, e, f, g, h] = std::array::from_fn(|i| k * 8 + i as i32 + 1);
                HdrPlusWindowArea {
                    upper_left_corner: [q(a, 1), q(b, 2)],
                    lower_right_corner: [q(c, 3), q(d, 4)],
                    center_of_ellipse: [e as u16, f as u16],
                    rotation_angle: g as u8,
                    semimajor_axis_internal_ellipse: h as u16,
                    semimajor_axis_external_ellipse: 300,
                    semiminor_axis_external_ellipse: 301,
                    overlap_process_option: 0,
                }
            }),
            maxscl: [
                q(10_000 + k, 100_000),
                q(20_000, 100_000),
                q(30_000, 100_000),
            ],
            average_maxrgb: q(5000, 100_000),
            distribution_maxrgb: (0..15)
                .map(|i| (i as u8 * 6, q(i * 100, 100_000)))
                .collect(),
            fraction_bright_pixels: q(123, 1000),
            tone_mapping: (k != 1).then(|| HdrPlusToneMapping {
                knee_point: [q(2048, 4095), q(1024, 4095)],
                bezier_curve_anchors: (0..15).map(|i| q(i * 60, 1023)).collect(),
            }),
            color_saturation_weight: (k != 2).then(|| q(5, 8)),
        }
    }

    #[test]
    fn hdr_plus_reads_back_what_it_wrote_at_its_arrays_fullest() {
        let table = |rows: usize, columns: usize, base: i32| -> Vec<Vec<Rational>> {
            let cell = |r: usize, c: usize| q(base + (r * columns + c) as i32 % 16, 15);
            (0..rows)
                .map(|r| (0..columns).map(|c| cell(r, c)).collect())
                .collect()
        };
        let value = DynamicHdrPlus {
            country_code: 0xb5,
            application_version: 1,
            windows: vec![window(0, false), window(1, true), window(2, true)],
            targeted_system_display_maximum_luminance: q(400, 1),
            targeted_system_display_actual_peak_luminance: Some(table(25, 25, 0)),
            mastering_display_actual_peak_luminance: Some(table(2, 3, 5)),
        };
        let bytes = encode(&value).unwrap();
        assert_eq!(bytes.len(), SIZE);
        assert_eq!(decode(&bytes), Some(value.clone()));
        assert_eq!(decode(&bytes[..SIZE - 1]), None, "too short");
        let one = DynamicHdrPlus {
            windows: vec![window(0, false)],
            targeted_system_display_actual_peak_luminance: None,
            ..value
        };
        assert_eq!(decode(&encode(&one).unwrap()), Some(one));
    }

    #[test]
    fn hdr_plus_counts_past_the_arrays_are_refused_both_ways() {
        let mut bytes = encode(&DynamicHdrPlus {
            country_code: 0xb5,
            application_version: 0,
            windows: vec![window(0, false)],
            targeted_system_display_maximum_luminance: q(1000, 1),
            targeted_system_display_actual_peak_luminance: None,
            mastering_display_actual_peak_luminance: None,
        })
        .unwrap();
        for (at, value) in [
            (NUM_WINDOWS, 0),
            (NUM_WINDOWS, 4),
            (WINDOWS + NUM_PERCENTILES, 16),
            (WINDOWS + NUM_ANCHORS, 16),
        ] {
            let kept = bytes[at];
            bytes[at] = value;
            assert_eq!(decode(&bytes), None, "{value} at {at}");
            bytes[at] = kept;
        }
        bytes[MASTERING_PEAK..MASTERING_PEAK + 3].copy_from_slice(&[1, 26, 2]);
        assert_eq!(decode(&bytes), None, "26 rows");
        let mut too_many = decode(
            &encode(&DynamicHdrPlus {
                country_code: 0xb5,
                application_version: 0,
                windows: vec![window(0, false)],
                targeted_system_display_maximum_luminance: q(1000, 1),
                targeted_system_display_actual_peak_luminance: Some(vec![vec![q(1, 15); 2]; 2]),
                mastering_display_actual_peak_luminance: None,
            })
            .unwrap(),
        )
        .unwrap();
        too_many.windows[0].distribution_maxrgb.push((1, q(1, 1)));
        assert!(encode(&too_many).is_err(), "16 percentiles");
        too_many.windows.clear();
        assert!(encode(&too_many).is_err(), "no window");
        too_many.windows = vec![window(0, false); 4];
        assert!(encode(&too_many).is_err(), "four windows");
        too_many.windows = vec![window(0, false)];
        too_many.targeted_system_display_actual_peak_luminance =
            Some(vec![vec![q(1, 15); 2], vec![q(1, 15); 3]]);
        assert!(encode(&too_many).is_err(), "ragged rows");
    }
}
