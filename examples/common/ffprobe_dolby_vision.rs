//! ffprobe 5.1's `print_dovi_metadata`: a picture's Dolby Vision RPU, its header's and
//! mapping's fields, each component's curve as `components`, then the colour metadata.

use ffmpeg_runtime::Rational;
use ffmpeg_runtime::format::{DolbyVisionMetadata, DolbyVisionPiece};
use serde_json::{Map, Value, json};

/// Puts the fields of `m` in ffprobe's order.
pub fn dolby_vision_fields(m: &DolbyVisionMetadata, put: &mut dyn FnMut(&str, Value)) {
    let h = &m.header;
    let flag = |set: bool| json!(u8::from(set));
    put("rpu_type", json!(h.rpu_type));
    put("rpu_format", json!(h.rpu_format));
    put("vdr_rpu_profile", json!(h.vdr_rpu_profile));
    put("vdr_rpu_level", json!(h.vdr_rpu_level));
    let explicit_filter = flag(h.chroma_resampling_explicit_filter_flag);
    put("chroma_resampling_explicit_filter_flag", explicit_filter);
    put("coef_data_type", json!(h.coef_data_type));
    put("coef_log2_denom", json!(h.coef_log2_denom));
    put("vdr_rpu_normalized_idc", json!(h.vdr_rpu_normalized_idc));
    put("bl_video_full_range_flag", flag(h.bl_video_full_range_flag));
    put("bl_bit_depth", json!(h.bl_bit_depth));
    put("el_bit_depth", json!(h.el_bit_depth));
    put("vdr_bit_depth", json!(h.vdr_bit_depth));
    let spatial = flag(h.spatial_resampling_filter_flag);
    put("spatial_resampling_filter_flag", spatial);
    let el_spatial = flag(h.el_spatial_resampling_filter_flag);
    put("el_spatial_resampling_filter_flag", el_spatial);
    put("disable_residual_flag", flag(h.disable_residual_flag));

    let mapping = &m.mapping;
    put("vdr_rpu_id", json!(mapping.vdr_rpu_id));
    put("mapping_color_space", json!(mapping.mapping_color_space));
    let chroma_format = json!(mapping.mapping_chroma_format_idc);
    put("mapping_chroma_format_idc", chroma_format);
    put("nlq_method_idc", json!(mapping.nlq_method_idc));
    let nlq_name = match mapping.nlq_method_idc {
        -1 => "none",
        0 => "linear_dz",
        _ => "unknown",
    };
    put("nlq_method_idc_name", json!(nlq_name));
    put("num_x_partitions", json!(mapping.num_x_partitions));
    put("num_y_partitions", json!(mapping.num_y_partitions));
    let components = mapping.curves.iter().enumerate().map(|(c, curve)| {
        let mut component = Map::new();
        component.insert("pivots".into(), json!(spaced(&curve.pivots)));
        let pieces = curve.pieces.iter().map(piece_json).collect();
        component.insert("pieces".into(), Value::Array(pieces));
        if let Some(nlq) = &mapping.nlq {
            let nlq = &nlq[c];
            // ffprobe prints the unsigned values as signed integers.
            component.insert("nlq_offset".into(), json!(nlq.nlq_offset));
            component.insert("vdr_in_max".into(), json!(nlq.vdr_in_max as i64));
            if mapping.nlq_method_idc == 0 {
                let slope = json!(nlq.linear_deadzone_slope as i64);
                component.insert("linear_deadzone_slope".into(), slope);
                let threshold = json!(nlq.linear_deadzone_threshold as i64);
                component.insert("linear_deadzone_threshold".into(), threshold);
            }
        }
        Value::Object(component)
    });
    put("components", Value::Array(components.collect()));

    let color = &m.color;
    // `Rational` displays as `num/den`, as ffprobe's `%d/%d`.
    let fractions = |values: &[Rational]| json!(spaced(values));
    put("dm_metadata_id", json!(color.dm_metadata_id));
    put("scene_refresh_flag", json!(color.scene_refresh_flag));
    put("ycc_to_rgb_matrix", fractions(&color.ycc_to_rgb_matrix));
    put("ycc_to_rgb_offset", fractions(&color.ycc_to_rgb_offset));
    put("rgb_to_lms_matrix", fractions(&color.rgb_to_lms_matrix));
    put("signal_eotf", json!(color.signal_eotf));
    put("signal_eotf_param0", json!(color.signal_eotf_param0));
    put("signal_eotf_param1", json!(color.signal_eotf_param1));
    put("signal_eotf_param2", json!(color.signal_eotf_param2));
    put("signal_bit_depth", json!(color.signal_bit_depth));
    put("signal_color_space", json!(color.signal_color_space));
    put("signal_chroma_format", json!(color.signal_chroma_format));
    put(
        "signal_full_range_flag",
        json!(color.signal_full_range_flag),
    );
    put("source_min_pq", json!(color.source_min_pq));
    put("source_max_pq", json!(color.source_max_pq));
    put("source_diagonal", json!(color.source_diagonal));
}

/// One of a component's `pieces`.
fn piece_json(piece: &DolbyVisionPiece) -> Value {
    match piece {
        DolbyVisionPiece::Polynomial(coefficients) => json!({
            "mapping_idc": 0,
            "mapping_idc_name": "polynomial",
            "poly_order": coefficients.len() - 1,
            "poly_coef": spaced(coefficients),
        }),
        DolbyVisionPiece::Mmr {
            constant,
            coefficients,
        } => json!({
            "mapping_idc": 1,
            "mapping_idc_name": "mmr",
            "mmr_order": coefficients.len(),
            "mmr_constant": constant,
            "mmr_coef": spaced(coefficients.as_flattened()),
        }),
        DolbyVisionPiece::Other(idc) => json!({
            "mapping_idc": *idc as i32,
            "mapping_idc_name": "unknown",
        }),
        _ => json!({}),
    }
}

/// Values as ffprobe's `print_list_fmt` writes them: one string, spaced.
fn spaced<T: ToString>(values: &[T]) -> String {
    let text: Vec<String> = values.iter().map(T::to_string).collect();
    text.join(" ")
}
