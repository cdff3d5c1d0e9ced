//! Mixing down by the levels a source gives (an AC-3's `AVDownmixInfo`): a graph built from a
//! frame carrying them follows them from 8.0, as that release's `aresample` does with what
//! the CLI gives its graph; a `Resampler` told them follows them on every release; and the
//! examples, from 8.0, mix an AC-3 down by its own levels as the 8.0 and later CLI does.

mod common;

use std::f64::consts::FRAC_1_SQRT_2;

use common::media;
use ffmpeg_runtime::filter::{FilterGraph, FilterInput};
use ffmpeg_runtime::format::{DownmixInfo, DownmixType, SideDataValue};
use ffmpeg_runtime::{AudioFormat, Ffmpeg, Frame, Library, Rational, Resampler};

/// What a source prefers: plain stereo, its centre at half, its surrounds at a quarter.
const LEVELS: DownmixInfo = DownmixInfo {
    preferred: DownmixType::LoRo,
    center_mix_level: 0.5,
    center_mix_level_ltrt: 0.25,
    surround_mix_level: 0.25,
    surround_mix_level_ltrt: 0.125,
    lfe_mix_level: 0.0,
};

/// The value of every sample of the centre channel.
const CENTRE: f32 = 0.8;

/// 256 samples of 5.1 (`fltp`): silence but for the centre, at [`CENTRE`], with `levels`.
fn centre_only(ffmpeg: &Ffmpeg, levels: Option<DownmixInfo>) -> Frame {
    let mut frame = Frame::audio(ffmpeg, 256, "fltp", 48000, 6).unwrap();
    {
        let mut planes = frame.planes_mut().unwrap();
        let mut centre = planes.nth(2).expect("5.1's third channel is the centre");
        let samples = centre.row_mut(0).unwrap();
        for sample in samples.chunks_exact_mut(4) {
            sample.copy_from_slice(&CENTRE.to_ne_bytes());
        }
    }
    frame.set_pts(Some(0));
    if let Some(levels) = levels {
        frame
            .add_side_data(&SideDataValue::DownmixInfo(levels))
            .unwrap();
    }
    frame
}

/// The first sample of the left channel.
fn first_left(frame: &Frame) -> f32 {
    let plane = frame.planes().next().expect("a left channel");
    let bytes = plane.row(0).unwrap();
    f32::from_ne_bytes(bytes[..4].try_into().unwrap())
}

fn approximately(found: f32, expected: f64) -> bool {
    (f64::from(found) - expected).abs() < 1e-4
}

#[test]
fn a_graph_mixes_down_by_the_levels_its_first_frame_gives_from_8_0() {
    let ffmpeg = common::under_test().load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let frame = centre_only(&ffmpeg, Some(LEVELS));
    assert_eq!(frame.downmix_info(), Some(LEVELS));
    assert_eq!(centre_only(&ffmpeg, None).downmix_info(), None);
    let input = FilterInput::from_frame(&frame, Rational::new(1, 48000)).unwrap();
    let FilterInput::Audio(audio) = &input else {
        panic!("audio describes audio");
    };
    assert_eq!(audio.downmix, Some(LEVELS));
    let mut graph = FilterGraph::simple(
        &ffmpeg,
        "aformat=sample_fmts=fltp:channel_layouts=stereo",
        input,
    )
    .unwrap();
    graph.send(0, &frame).unwrap();
    graph.send_eof(0).unwrap();
    let mut mixed = Frame::new(&ffmpeg).unwrap();
    assert!(graph.receive(0, &mut mixed).unwrap());
    let follows = ffmpeg.family().ffmpeg_major() >= 8;
    let level = if follows { 0.5 } else { FRAC_1_SQRT_2 };
    let left = first_left(&mixed);
    assert!(approximately(left, f64::from(CENTRE) * level), "{left}");
}

#[test]
fn a_resampler_mixes_down_by_the_levels_it_is_given() {
    let ffmpeg = common::under_test().load();
    let target = AudioFormat {
        sample_format: ffmpeg.sample_format("fltp").unwrap(),
        sample_rate: 48000,
        channel_layout: ffmpeg.channel_layout("stereo").unwrap(),
    };
    let mut resampler = Resampler::new(&ffmpeg, target).unwrap();
    let frame = centre_only(&ffmpeg, None);
    let mut mixed = Frame::new(&ffmpeg).unwrap();
    for (levels, level) in [
        (None, FRAC_1_SQRT_2),
        (Some(LEVELS), 0.5),
        // An Lt/Rt preference into stereo takes its own levels.
        (
            Some(DownmixInfo {
                preferred: DownmixType::LtRt,
                ..LEVELS
            }),
            0.25,
        ),
        (None, FRAC_1_SQRT_2),
    ] {
        resampler.set_downmix(levels);
        resampler.convert(Some(&frame), &mut mixed).unwrap();
        let left = first_left(&mixed);
        assert!(
            approximately(left, f64::from(CENTRE) * level),
            "{levels:?}: {left}"
        );
    }
}

/// An AC-3 whose centre and surrounds are mixed at -6 dB: from 8.0 `framehash --af` hashes it
/// mixed down by those levels (as with them named to `aresample`), before by libswresample's
/// own, as the 5.1 CLI (compared on its release); `transcode` into MPEG-TS (MP2, stereo at
/// most) mixes it alike whether or not it filters (`--af`).
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn the_examples_mix_an_ac3_down_by_its_levels_from_8_0() {
    let build = common::under_test();
    let ffmpeg = build.load();
    if ffmpeg.library(Library::AvFilter).is_none() {
        return;
    }
    let ac3 = media::generated(
        "downmix_levels.ac3",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=1,aformat=channel_layouts=5.1",
            "-c:a",
            "ac3",
            "-center_mixlev",
            "0.5",
            "-surround_mixlev",
            "0.5",
        ],
    );
    let stereo = "aformat=sample_fmts=fltp:channel_layouts=stereo";
    let follows = ffmpeg.family().ffmpeg_major() >= 8;
    // Whole lines, MD5s included, compared within the build: under emulation the helpers
    // that compare with the x86_64 CLI leave MD5s out.
    let plain = media::framehash_fields(&ac3, &["--af", stereo]);
    let at_its_levels = format!("aresample=clev=0.5:slev=0.5,{stereo}");
    let at_its_levels = media::framehash_fields(&ac3, &["--af", &at_its_levels]);
    assert_eq!(plain == at_its_levels, follows);
    // Another release's AC-3 decoder rounds otherwise: compared with the CLI's own release.
    if ffmpeg.family().ffmpeg_major() == 5 {
        let ours = media::framehash_pts_and_md5(&ac3, &["--af", stereo]);
        assert_eq!(ours, media::cli_pts_and_md5(&ac3, &[], &["-af", stereo]));
    }

    let dir = common::scratch_dir("downmix-levels");
    let (plain, filtered) = (dir.join("plain.ts"), dir.join("filtered.ts"));
    for (output, options) in [(&plain, &[][..]), (&filtered, &["--af", "anull"][..])] {
        let status = common::example_command("transcode", &build)
            .arg(&ac3)
            .arg(output)
            .args(options)
            .output()
            .unwrap();
        assert!(status.status.success(), "{options:?}");
    }
    let decoded = |path: &std::path::Path| media::framehash_fields(path, &["--af", "anull"]);
    assert_eq!(decoded(&plain), decoded(&filtered));
    let _ = std::fs::remove_dir_all(dir);
}
