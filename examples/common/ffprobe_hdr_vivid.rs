//! ffprobe 5.1's `print_dynamic_hdr_vivid`. Like its HDR10+ printing it repeats keys (each
//! window's, each spline's); a JSON reader keeps each key's last value at its first place,
//! and so does `put`.

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::DynamicHdrVivid;
use serde_json::{Value, json};

/// Puts the fields of `m` in ffprobe's order.
pub fn hdr_vivid_fields(m: &DynamicHdrVivid, put: &mut dyn FnMut(&str, Value)) {
    let q = |r: Rational| super::ratio(r, '/');
    put("system_start_code", json!(m.system_start_code));
    put("num_windows", json!(m.windows.len()));
    for window in &m.windows {
        put("minimum_maxrgb", q(window.minimum_maxrgb));
        put("average_maxrgb", q(window.average_maxrgb));
        put("variance_maxrgb", q(window.variance_maxrgb));
        put("maximum_maxrgb", q(window.maximum_maxrgb));
    }
    for window in &m.windows {
        let mappings = window.tone_mappings.as_deref();
        put(
            "tone_mapping_mode_flag",
            json!(u8::from(mappings.is_some())),
        );
        put(
            "tone_mapping_param_num",
            json!(mappings.map_or(0, <[_]>::len)),
        );
        for mapping in mappings.unwrap_or_default() {
            let luminance = mapping.targeted_system_display_maximum_luminance;
            put("targeted_system_display_maximum_luminance", q(luminance));
            put("base_enable_flag", json!(u8::from(mapping.base.is_some())));
            let splines = mapping.three_splines.as_deref();
            if let Some(base) = &mapping.base {
                let names = ["m_p", "m_m", "m_a", "m_b", "m_n"];
                for (name, value) in names.iter().zip(base.m) {
                    put(&format!("base_param_{name}"), q(value));
                }
                for (name, value) in ["k1", "k2", "k3"].iter().zip(base.k) {
                    put(&format!("base_param_{name}"), json!(value));
                }
                put(
                    "base_param_Delta_enable_mode",
                    json!(base.delta_enable_mode),
                );
                put("base_param_Delta", q(base.delta));
            }
            put("3Spline_enable_flag", json!(u8::from(splines.is_some())));
            if let Some(splines) = splines {
                put("3Spline_num", json!(splines.len()));
                if let Some(first) = splines.first() {
                    put("3Spline_TH_mode", json!(first.th_mode));
                }
                for spline in splines {
                    put("3Spline_TH_enable_MB", q(spline.th_enable_mb));
                    put("3Spline_TH_enable", q(spline.th_enable));
                    put("3Spline_TH_Delta1", q(spline.th_delta1));
                    put("3Spline_TH_Delta2", q(spline.th_delta2));
                    put("3Spline_enable_Strength", q(spline.enable_strength));
                }
            }
        }
        let gains = window.color_saturation_gains.as_deref();
        put(
            "color_saturation_mapping_flag",
            json!(u8::from(gains.is_some())),
        );
        if let Some(gains) = gains {
            put("color_saturation_num", json!(gains.len()));
            for &gain in gains {
                put("color_saturation_gain", q(gain));
            }
        }
    }
}
