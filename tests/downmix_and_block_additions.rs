//! Side data of sound and of Matroska blocks: AC-3's downmix levels, given with every block
//! of samples (`SideDataValue::DownmixInfo`), and a WebM picture's alpha plane, given with its
//! packet as a BlockAdditional (`SideDataValue::BlockAdditional`); and what `probe` prints of
//! them: nothing more than the kind up to 8.0, the BlockAdditional's id from 8.1 and the
//! levels from 9.0, as those releases' ffprobe print them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ffmpeg_runtime::Packet;
use ffmpeg_runtime::codec::{Decoder, DecoderOptions};
use ffmpeg_runtime::format::{DownmixInfo, DownmixType, Input, MediaType, SideDataValue};
use serde_json::Value;

/// A fifth of a second of 5.1 AC-3 from the CLI's encoder, with its default mix levels.
fn surround_ac3() -> PathBuf {
    let sound = "sine=frequency=440:duration=0.2:sample_rate=48000";
    let args = [
        "-f",
        "lavfi",
        "-i",
        sound,
        "-af",
        "aformat=channel_layouts=5.1",
    ];
    common::media::generated("downmix.ac3", &[&args[..], &["-c:a", "ac3"]].concat())
}

/// Five VP8 pictures with an alpha plane, which libvpx codes as a second stream and the WebM
/// muxer stores as each block's BlockAdditional of id 1.
fn vp8_with_alpha() -> PathBuf {
    let pictures = "testsrc2=size=64x48:rate=10:duration=0.5,format=yuva420p";
    let vp8 = ["-c:v", "libvpx", "-auto-alt-ref", "0", "-b:v", "200k"];
    let args = [&["-f", "lavfi", "-i", pictures][..], &vp8].concat();
    common::media::generated("alpha.webm", &args)
}

/// The `probe` example's or ffprobe's (Debian 5.1's) report of `path` with `flags`.
fn report(command: &mut Command, path: &Path, flags: &[&str]) -> Value {
    let text = common::stdout_of(command.arg(path).args(flags), "the probe");
    serde_json::from_str(&text).unwrap()
}

/// The `side_data_list` of each entry of a report's list `name`.
fn side_data_lists(report: &Value, name: &str) -> Vec<Value> {
    let entries = report[name].as_array().cloned().unwrap_or_default();
    entries
        .iter()
        .map(|e| e["side_data_list"].clone())
        .collect()
}

/// The side data list of each entry of `probe`'s list `list` (`frames`, `packets`) of
/// `path`; on 5.1 asserted equal to ffprobe's.
fn probed_side_data(build: &common::Build, path: &Path, list: &str) -> Vec<Value> {
    let mut probe = common::probe_command(build);
    let flag = format!("--show-{list}");
    let ours = side_data_lists(&report(&mut probe, path, &[&flag]), list);
    if build.name == "5.1" {
        let mut ffprobe = Command::new("ffprobe");
        ffprobe
            .env_remove("LD_LIBRARY_PATH")
            .args(["-v", "error", "-of", "json"]);
        let flag = format!("-show_{list}");
        let theirs = side_data_lists(&report(&mut ffprobe, path, &[&flag]), list);
        assert_eq!(ours, theirs, "{}: probe and ffprobe", path.display());
    }
    ours
}

/// What libavcodec's AC-3 decoder gives for the encoder's defaults (no preference, -4.5 dB
/// for the centre and -6 dB for the surrounds, -3 dB for both in Lt/Rt, no LFE level).
fn default_levels() -> DownmixInfo {
    let minus_3_db = std::f64::consts::FRAC_1_SQRT_2;
    DownmixInfo {
        preferred: DownmixType::Unknown,
        center_mix_level: 2f64.powf(-0.75),
        center_mix_level_ltrt: minus_3_db,
        surround_mix_level: 0.5,
        surround_mix_level_ltrt: minus_3_db,
        lfe_mix_level: 0.0,
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn every_block_of_ac3_carries_the_downmix_levels() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let path = surround_ac3();
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let stream = input.best_stream(MediaType::Audio).unwrap();
    let mut decoder = Decoder::new(&stream, &DecoderOptions::default()).unwrap();
    let (mut packet, mut frame) = (
        Packet::new(&ffmpeg).unwrap(),
        ffmpeg_runtime::Frame::new(&ffmpeg).unwrap(),
    );
    let mut blocks = 0;
    let expected = default_levels();
    let check = |frame: &ffmpeg_runtime::Frame| {
        let levels = frame
            .side_data()
            .iter()
            .find_map(|entry| match entry.value() {
                SideDataValue::DownmixInfo(levels) => Some(levels),
                _ => None,
            });
        let levels = levels.unwrap_or_else(|| panic!("{}: no downmix levels", build.name));
        assert_eq!(levels.preferred, expected.preferred);
        let pairs = [
            (levels.center_mix_level, expected.center_mix_level),
            (levels.center_mix_level_ltrt, expected.center_mix_level_ltrt),
            (levels.surround_mix_level, expected.surround_mix_level),
            (
                levels.surround_mix_level_ltrt,
                expected.surround_mix_level_ltrt,
            ),
            (levels.lfe_mix_level, expected.lfe_mix_level),
        ];
        for (got, wanted) in pairs {
            // The decoder's tables are single-precision.
            assert!((got - wanted).abs() < 1e-6, "{}: {levels:?}", build.name);
        }
    };
    while input.read_packet(&mut packet).unwrap() {
        decoder.send(&packet).unwrap();
        while decoder.receive(&mut frame).unwrap() {
            check(&frame);
            blocks += 1;
        }
    }
    assert!(blocks >= 5, "{}: {blocks} blocks", build.name);

    let ours = probed_side_data(&build, &path, "frames");
    assert_eq!(ours.len(), blocks);
    let name = "Metadata relevant to a downmix procedure";
    let mut expected = serde_json::json!({ "side_data_type": name });
    if build.avcodec.major >= 63 {
        let levels = [
            ("preferred_downmix_type", "unknown"),
            ("center_mix_level_db", "-4.5"),
            ("center_mix_level_ltrt_db", "-3.0"),
            ("surround_mix_level_db", "-6.0"),
            ("surround_mix_level_ltrt_db", "-3.0"),
            ("lfe_mix_level_db", "-inf"),
        ];
        for (key, value) in levels {
            expected[key] = value.into();
        }
    }
    // Before 8.0 an AVMatrixEncoding entry comes first.
    for list in &ours {
        let entries = list.as_array().unwrap();
        let found = entries.iter().find(|entry| entry["side_data_type"] == name);
        assert_eq!(found, Some(&expected), "{}", build.name);
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn every_packet_of_vp8_with_alpha_carries_its_block_addition() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let path = vp8_with_alpha();
    let mut input = Input::open(&ffmpeg, &path).unwrap();
    let mut packet = Packet::new(&ffmpeg).unwrap();
    let mut packets = 0;
    while input.read_packet(&mut packet).unwrap() {
        let additions: Vec<_> = packet
            .side_data()
            .iter()
            .filter_map(|entry| match entry.value() {
                SideDataValue::BlockAdditional { id, data } => Some((id, data.len())),
                _ => None,
            })
            .collect();
        assert!(
            matches!(additions[..], [(1, size)] if size > 0),
            "{} packet {packets}: {additions:?}",
            build.name
        );
        packets += 1;
    }
    assert_eq!(packets, 5, "{}", build.name);

    let ours = probed_side_data(&build, &path, "packets");
    let mut expected = serde_json::json!({ "side_data_type": "Matroska BlockAdditional" });
    if (build.avcodec.major, build.avcodec.minor) >= (62, 28) {
        expected["block_additional_id"] = 1.into();
    }
    assert_eq!(
        ours,
        vec![serde_json::json!([expected]); packets],
        "{}",
        build.name
    );
}

/// Neither kind can be given to an output stream (both are a block's or a packet's), and a
/// block addition to nothing: both are refused as unsupported, whatever the release.
#[test]
fn a_block_addition_cannot_be_written_and_downmix_levels_only_to_frames() {
    let build = common::under_test();
    let ffmpeg = build.load();
    let mut frame = ffmpeg_runtime::Frame::video(&ffmpeg, 16, 16, "yuv420p").unwrap();
    let addition = SideDataValue::BlockAdditional {
        id: 1,
        data: vec![1, 2, 3],
    };
    let error = frame.add_side_data(&addition).unwrap_err();
    assert!(
        matches!(error, ffmpeg_runtime::Error::Unsupported { .. }),
        "{error}"
    );
    let dir = common::scratch_dir("downmix_output");
    let mut output = ffmpeg_runtime::format::Output::create(&ffmpeg, dir.join("out.mkv")).unwrap();
    let settings = ffmpeg_runtime::codec::AudioSettings::new(
        48_000,
        ffmpeg.sample_format("fltp").unwrap(),
        ffmpeg.default_channel_layout(2).unwrap(),
    );
    let Ok(encoder) = ffmpeg_runtime::codec::Encoder::audio(&ffmpeg, "ac3", &settings) else {
        return;
    };
    let index = output.add_stream(&encoder).unwrap();
    for value in [SideDataValue::DownmixInfo(default_levels()), addition] {
        let error = output.add_side_data(index, &value).unwrap_err();
        assert!(
            matches!(error, ffmpeg_runtime::Error::Unsupported { .. }),
            "{}: {error}",
            build.name
        );
    }
}
