//! ffprobe's JSON for values the `probe` example prints and the tests compare with ffprobe's
//! own: rationals and side data, as ffprobe 5.1 writes them.

#[path = "ffprobe_dolby_vision.rs"]
mod dolby_vision;
#[path = "ffprobe_hdr_vivid.rs"]
mod hdr_vivid;

use ffmpeg_runtime::format::{
    DownmixInfo, DynamicHdrPlus, IamfParameters, IamfSubblock, SideData, SideDataValue,
};
use ffmpeg_runtime::{Ffmpeg, FrameSideData, Rational};
use serde_json::{Map, Value, json};

/// A rational as ffprobe prints it: `num/den`, or `num:den` for aspect ratios.
pub fn ratio(r: Rational, separator: char) -> Value {
    json!(format!("{}{separator}{}", r.num, r.den))
}

/// One entry of ffprobe's `side_data_list` (of a stream, or of a packet with
/// `-show_packets`), with the fields its `print_pkt_side_data` adds for the kinds it
/// describes; `picture_size` is the stream's, for a tiled projection's bounds.
pub fn side_data_entry(entry: &SideData<'_>, picture_size: (u32, u32)) -> Value {
    let ffmpeg = entry.ffmpeg();
    entry_json(entry.name(), entry.value(), |value, put| match value {
        SideDataValue::Stereo3d {
            layout,
            inverted,
            view,
            camera,
        } => {
            put("type", json!(layout));
            put("inverted", json!(u8::from(inverted)));
            // 7.1's ffprobe adds the view and the camera, which 7.1 gives.
            if let Some(camera) = camera {
                put("view", json!(view));
                put("primary_eye", json!(camera.primary_eye));
                put("baseline", json!(camera.baseline));
                let q = |r: Rational| ratio(r, '/');
                put(
                    "horizontal_disparity_adjustment",
                    q(camera.horizontal_disparity_adjustment),
                );
                put(
                    "horizontal_field_of_view",
                    q(camera.horizontal_field_of_view),
                );
            }
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
            if let Some(name) = dovi.metadata_compression_name() {
                put("dv_md_compression", json!(name));
            }
        }
        SideDataValue::FrameCropping {
            top,
            bottom,
            left,
            right,
        } => {
            put("crop_top", json!(top));
            put("crop_bottom", json!(bottom));
            put("crop_left", json!(left));
            put("crop_right", json!(right));
        }
        SideDataValue::AudioServiceType(kind) => put("service_type", json!(kind)),
        SideDataValue::MpegTsStreamId(id) => put("id", json!(id)),
        // 8.1's ffprobe adds the id.
        SideDataValue::BlockAdditional { id, .. } if ffprobe_prints_since(ffmpeg, (8, 1)) => {
            put("block_additional_id", json!(id));
        }
        SideDataValue::CpbProperties(cpb) => {
            put("max_bitrate", json!(cpb.max_bitrate));
            put("min_bitrate", json!(cpb.min_bitrate));
            put("avg_bitrate", json!(cpb.avg_bitrate));
            put("buffer_size", json!(cpb.buffer_size));
            // ffprobe prints the unsigned delay as a signed integer.
            put("vbv_delay", json!(cpb.vbv_delay as i64));
        }
        // 8.1's ffprobe, which gives it, prints its size (a HEIF picture's EXIF item).
        SideDataValue::Exif(bytes) => put("size", json!(bytes.len())),
        _ => {}
    })
}

/// One entry of ffprobe's `side_data_list` of a frame (`-show_frames`), which describes
/// fewer kinds than for streams and packets and adds timecodes and ICC profiles;
/// `frame_rate` is the stream's average, which S12M timecodes are read at.
pub fn frame_side_data_entry(entry: &FrameSideData<'_>, frame_rate: Rational) -> Value {
    entry_json(entry.name(), entry.value(), |value, put| match value {
        SideDataValue::GopTimecode(timecode) => put("timecode", json!(timecode.to_string())),
        SideDataValue::S12mTimecodes(timecodes) => {
            let values = timecodes
                .iter()
                .map(|timecode| json!({ "value": timecode.timecode(frame_rate).to_string() }));
            put("timecodes", Value::Array(values.collect()));
        }
        SideDataValue::IccProfile { name } => {
            if let Some(name) = name {
                put("name", json!(name));
            }
            put("size", json!(entry.bytes().len()));
        }
        // 9.0's ffprobe adds the levels.
        SideDataValue::DownmixInfo(info) if ffprobe_prints_since(entry.ffmpeg(), (9, 0)) => {
            downmix_fields(&info, put)
        }
        SideDataValue::DolbyVisionMetadata(metadata) => {
            dolby_vision::dolby_vision_fields(&metadata, put)
        }
        SideDataValue::IamfParameters(parameters) => iamf_fields(&parameters, put),
        SideDataValue::DynamicHdrVivid(metadata) => hdr_vivid::hdr_vivid_fields(&metadata, put),
        SideDataValue::ViewId(id) => put("view_id", json!(id)),
        SideDataValue::Exif(bytes) => put("size", json!(bytes.len())),
        _ => {}
    })
}

/// Whether the loaded release's ffprobe prints what release `since` (major, minor) added.
fn ffprobe_prints_since(ffmpeg: &Ffmpeg, since: (u8, u8)) -> bool {
    ffmpeg.release_version() >= since
}

/// 9.0's ffprobe's downmix levels: in decibels, to one decimal (`-inf` for none).
fn downmix_fields(info: &DownmixInfo, put: &mut dyn FnMut(&str, Value)) {
    put("preferred_downmix_type", json!(info.preferred.name()));
    let levels = [
        ("center_mix_level_db", info.center_mix_level),
        ("center_mix_level_ltrt_db", info.center_mix_level_ltrt),
        ("surround_mix_level_db", info.surround_mix_level),
        ("surround_mix_level_ltrt_db", info.surround_mix_level_ltrt),
        ("lfe_mix_level_db", info.lfe_mix_level),
    ];
    for (key, gain) in levels {
        put(key, json!(format!("{:.1}", 20.0 * gain.log10())));
    }
}

/// 9.0's ffprobe's IAMF parameters of a block of samples (the only release whose blocks
/// carry them): the block, then each subblock as a component.
fn iamf_fields(parameters: &IamfParameters, put: &mut dyn FnMut(&str, Value)) {
    put("nb_subblocks", json!(parameters.subblocks.len()));
    put("type", json!(parameters.kind));
    put("parameter_id", json!(parameters.parameter_id));
    put("parameter_rate", json!(parameters.parameter_rate));
    put("duration", json!(parameters.duration));
    let constant = parameters.constant_subblock_duration;
    put("constant_subblock_duration", json!(constant));
    if parameters.subblocks.is_empty() {
        return;
    }
    let q = |r: Rational| ratio(r, '/');
    let components = parameters.subblocks.iter().map(|subblock| match subblock {
        IamfSubblock::MixGain {
            duration,
            animation_type,
            start_point_value,
            end_point_value,
            control_point_value,
            control_point_relative_time,
        } => json!({
            "subblock_duration": duration,
            "animation_type": animation_type,
            "start_point_value": q(*start_point_value),
            "end_point_value": q(*end_point_value),
            "control_point_value": q(*control_point_value),
            "control_point_relative_time": q(*control_point_relative_time),
        }),
        IamfSubblock::Demixing { duration, mode } => {
            json!({ "subblock_duration": duration, "dmixp_mode": mode })
        }
        IamfSubblock::ReconGain { duration, .. } => json!({ "subblock_duration": duration }),
        _ => json!({}),
    });
    put("components", Value::Array(components.collect()));
}

/// ffprobe's `print_dynamic_hdr10_plus`. It repeats keys (`maxscl` thrice, each window's
/// fields); a JSON object cannot, and a JSON reader of ffprobe's output keeps each key's
/// last value at its first place: so does this.
fn hdr_plus_fields(m: &DynamicHdrPlus, put: &mut dyn FnMut(&str, Value)) {
    let q = |r: Rational| ratio(r, '/');
    put("application version", json!(m.application_version));
    put("num_windows", json!(m.windows.len()));
    for area in m.windows.iter().filter_map(|w| w.area.as_ref()) {
        let [left, top] = area.upper_left_corner;
        let [right, bottom] = area.lower_right_corner;
        put("window_upper_left_corner_x", q(left));
        put("window_upper_left_corner_y", q(top));
        put("window_lower_right_corner_x", q(right));
        put("window_lower_right_corner_y", q(bottom));
        put("center_of_ellipse_x", json!(area.center_of_ellipse[0]));
        put("center_of_ellipse_y", json!(area.center_of_ellipse[1]));
        put("rotation_angle", json!(area.rotation_angle));
        let axes = [
            (
                "semimajor_axis_internal_ellipse",
                area.semimajor_axis_internal_ellipse,
            ),
            (
                "semimajor_axis_external_ellipse",
                area.semimajor_axis_external_ellipse,
            ),
            (
                "semiminor_axis_external_ellipse",
                area.semiminor_axis_external_ellipse,
            ),
        ];
        for (key, axis) in axes {
            put(key, json!(axis));
        }
        put("overlap_process_option", json!(area.overlap_process_option));
    }
    let max = m.targeted_system_display_maximum_luminance;
    put("targeted_system_display_maximum_luminance", q(max));
    let targeted = &m.targeted_system_display_actual_peak_luminance;
    luminance_table(
        "targeted_system_display_actual_peak_luminance",
        targeted,
        put,
    );
    for window in &m.windows {
        for &value in &window.maxscl {
            put("maxscl", q(value));
        }
        put("average_maxrgb", q(window.average_maxrgb));
        let percentiles = &window.distribution_maxrgb;
        put(
            "num_distribution_maxrgb_percentiles",
            json!(percentiles.len()),
        );
        for &(percentage, percentile) in percentiles {
            put("distribution_maxrgb_percentage", json!(percentage));
            put("distribution_maxrgb_percentile", q(percentile));
        }
        put("fraction_bright_pixels", q(window.fraction_bright_pixels));
    }
    let mastering = &m.mastering_display_actual_peak_luminance;
    luminance_table("mastering_display_actual_peak_luminance", mastering, put);
    for window in &m.windows {
        if let Some(curve) = &window.tone_mapping {
            put("knee_point_x", q(curve.knee_point[0]));
            put("knee_point_y", q(curve.knee_point[1]));
            let anchors = &curve.bezier_curve_anchors;
            put("num_bezier_curve_anchors", json!(anchors.len()));
            for &anchor in anchors {
                put("bezier_curve_anchors", q(anchor));
            }
        }
        if let Some(weight) = window.color_saturation_weight {
            put("color_saturation_weight", q(weight));
        }
    }
}

/// One entry of a `side_data_list`: its `side_data_type` (FFmpeg's name for the kind), then
/// the fields ffprobe prints alike for every holder of side data or, for another kind, those
/// `own_fields` puts.
fn entry_json(
    name: Option<String>,
    value: SideDataValue,
    own_fields: impl FnOnce(SideDataValue, &mut dyn FnMut(&str, Value)),
) -> Value {
    let mut m = Map::new();
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    put(
        "side_data_type",
        json!(name.unwrap_or_else(|| "unknown".to_owned())),
    );
    if !described_alike(&value, &mut put) {
        own_fields(value, &mut put);
    }
    Value::Object(m)
}

/// The fields ffprobe prints alike for a stream's, a packet's and a frame's side data;
/// whether `value` is of such a kind.
fn described_alike(value: &SideDataValue, put: &mut impl FnMut(&str, Value)) -> bool {
    let q = |r: Rational| ratio(r, '/');
    match value {
        SideDataValue::DisplayMatrix {
            matrix,
            counterclockwise,
        } => {
            put("displaymatrix", json!(integer_rows(matrix)));
            put("rotation", truncated(counterclockwise.unwrap_or(f64::NAN)));
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
        SideDataValue::ActiveFormat(code) => put("active_format", json!(code)),
        // A packet's (Matroska's, from 6.1) as a picture's.
        SideDataValue::DynamicHdrPlus(metadata) => hdr_plus_fields(metadata, put),
        SideDataValue::AmbientViewingEnvironment {
            illuminance,
            light_x,
            light_y,
        } => {
            put("ambient_illuminance", q(*illuminance));
            put("ambient_light_x", q(*light_x));
            put("ambient_light_y", q(*light_y));
        }
        _ => return false,
    }
    true
}

/// A peak luminance table of HDR10+ named `name`, where given: its size, then its cells.
fn luminance_table(
    name: &str,
    rows: &Option<Vec<Vec<Rational>>>,
    put: &mut dyn FnMut(&str, Value),
) {
    let Some(rows) = rows else { return };
    put(&format!("num_rows_{name}"), json!(rows.len()));
    put(
        &format!("num_cols_{name}"),
        json!(rows.first().map_or(0, Vec::len)),
    );
    for &cell in rows.iter().flatten() {
        put(name, ratio(cell, '/'));
    }
}

/// A double as ffprobe prints it as an integer: by C's conversion, which truncates (and on
/// x86 turns a NaN into the least integer).
fn truncated(value: f64) -> Value {
    json!(if value.is_nan() {
        i64::MIN
    } else {
        value as i64
    })
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
