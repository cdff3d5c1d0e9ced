//! ffprobe's JSON for values the `probe` example prints and the tests compare with ffprobe's
//! own: rationals and side data, as ffprobe 5.1 writes them.

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::{SideData, SideDataValue};
use serde_json::{Map, Value, json};

/// A rational as ffprobe prints it: `num/den`, or `num:den` for aspect ratios.
pub fn ratio(r: Rational, separator: char) -> Value {
    json!(format!("{}{separator}{}", r.num, r.den))
}

/// One entry of ffprobe's `side_data_list` (of a stream, or of a packet with
/// `-show_packets`), with the fields its `print_pkt_side_data` adds for the kinds it
/// describes; `picture_size` is the stream's, for a tiled projection's bounds.
pub fn side_data_entry(entry: &SideData<'_>, picture_size: (u32, u32)) -> Value {
    let mut m = Map::new();
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    let name = entry.name().unwrap_or_else(|| "unknown".to_owned());
    put("side_data_type", json!(name));
    let q = |r: Rational| ratio(r, '/');
    // ffprobe prints a double as an integer by C's conversion, which truncates (and on x86
    // turns a NaN into the least integer).
    let truncated = |value: f64| {
        json!(if value.is_nan() {
            i64::MIN
        } else {
            value as i64
        })
    };
    match entry.value() {
        SideDataValue::DisplayMatrix {
            matrix,
            counterclockwise,
        } => {
            put("displaymatrix", json!(integer_rows(&matrix)));
            put("rotation", truncated(counterclockwise.unwrap_or(f64::NAN)));
        }
        SideDataValue::Stereo3d { layout, inverted } => {
            put("type", json!(layout));
            put("inverted", json!(u8::from(inverted)));
        }
        SideDataValue::Spherical(spherical) => {
            put("projection", json!(spherical.projection_name));
            match spherical.projection {
                1 => put("padding", json!(spherical.padding)),
                2 => {
                    let (width, height) = picture_size;
                    let bounds = spherical.tile_bounds(width, height);
                    let [left, top, right, bottom] = bounds.unwrap_or_default();
                    put("bound_left", json!(left as i64));
                    put("bound_top", json!(top as i64));
                    put("bound_right", json!(right as i64));
                    put("bound_bottom", json!(bottom as i64));
                }
                _ => {}
            }
            let degrees = |value: i32| truncated(f64::from(value) / 65536.0);
            put("yaw", degrees(spherical.yaw));
            put("pitch", degrees(spherical.pitch));
            put("roll", degrees(spherical.roll));
        }
        SideDataValue::SkipSamples {
            skip,
            discard_padding,
            skip_reason,
            discard_reason,
        } => {
            put("skip_samples", json!(skip));
            put("discard_padding", json!(discard_padding));
            put("skip_reason", json!(skip_reason));
            put("discard_reason", json!(discard_reason));
        }
        SideDataValue::MasteringDisplay(display) => {
            if let Some((primaries, white)) = display.primaries {
                for (color, [x, y]) in ["red", "green", "blue"].iter().zip(primaries) {
                    put(&format!("{color}_x"), q(x));
                    put(&format!("{color}_y"), q(y));
                }
                put("white_point_x", q(white[0]));
                put("white_point_y", q(white[1]));
            }
            if let Some((min, max)) = display.luminance {
                put("min_luminance", q(min));
                put("max_luminance", q(max));
            }
        }
        SideDataValue::ContentLightLevel {
            max_content,
            max_average,
        } => {
            put("max_content", json!(max_content));
            put("max_average", json!(max_average));
        }
        SideDataValue::DolbyVision(dovi) => {
            put("dv_version_major", json!(dovi.version.0));
            put("dv_version_minor", json!(dovi.version.1));
            put("dv_profile", json!(dovi.profile));
            put("dv_level", json!(dovi.level));
            put("rpu_present_flag", json!(u8::from(dovi.rpu_present)));
            put("el_present_flag", json!(u8::from(dovi.el_present)));
            put("bl_present_flag", json!(u8::from(dovi.bl_present)));
            put(
                "dv_bl_signal_compatibility_id",
                json!(dovi.bl_signal_compatibility_id),
            );
        }
        SideDataValue::AudioServiceType(kind) => put("service_type", json!(kind)),
        SideDataValue::MpegTsStreamId(id) => put("id", json!(id)),
        SideDataValue::CpbProperties(cpb) => {
            put("max_bitrate", json!(cpb.max_bitrate));
            put("min_bitrate", json!(cpb.min_bitrate));
            put("avg_bitrate", json!(cpb.avg_bitrate));
            put("buffer_size", json!(cpb.buffer_size));
            // ffprobe prints the unsigned delay as a signed integer.
            put("vbv_delay", json!(cpb.vbv_delay as i64));
        }
        SideDataValue::ActiveFormat(code) => put("active_format", json!(code)),
        _ => {}
    }
    Value::Object(m)
}

/// ffprobe's `writer_print_integers` of nine values, three to a row: each row its index as
/// eight hex digits, a colon and a space, then each value after a space, right-aligned in
/// eleven columns.
fn integer_rows(values: &[i32; 9]) -> String {
    let mut text = String::from("\n");
    for (row, three) in values.chunks(3).enumerate() {
        text.push_str(&format!("{row:08x}: "));
        for value in three {
            text.push_str(&format!(" {value:11}"));
        }
        text.push('\n');
    }
    text
}
