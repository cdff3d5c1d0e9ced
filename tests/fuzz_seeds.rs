//! The fuzzing workloads of `fuzz/` on this build: every seed of both targets runs clean, and
//! with `FFMPEG_RUNTIME_FUZZ_CORPUS=DIR` the seeds are written to `DIR/<target>/` for
//! `ci/fuzz.sh`. The API-sequence seeds also make a small fuzzing run of their own: a few
//! hundred random sequences, every build, mixing its objects with another release's.

mod common;

#[allow(dead_code, unused_imports)] // the fuzz targets and other tests use the rest
#[path = "../fuzz/src/lib.rs"]
mod workloads;

use std::path::PathBuf;

type Seed = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// Containers and codecs the demux seeds are made of, each where this build has them: video,
/// audio, subtitles (text and bitmaps).
const CLIPS: [Seed; 13] = [
    ("mkv", "matroska", Some("mpeg4"), Some("pcm_s16le"), None),
    ("mp4", "mp4", Some("mpeg4"), Some("aac"), None),
    ("avi", "avi", Some("mjpeg"), Some("pcm_s16le"), None),
    ("ts", "mpegts", Some("mpeg2video"), Some("mp2"), None),
    ("nut", "nut", Some("ffv1"), Some("flac"), None),
    ("wav", "wav", None, Some("pcm_s16le"), None),
    ("ogg", "ogg", None, Some("flac"), None),
    ("srt.mkv", "matroska", Some("mpeg4"), None, Some("srt")),
    ("mov_text.mp4", "mp4", Some("mpeg4"), None, Some("mov_text")),
    ("ass", "ass", None, None, Some("ass")),
    ("vtt", "webvtt", None, None, Some("webvtt")),
    ("dvdsub.mkv", "matroska", None, None, Some("dvdsub")),
    ("dvbsub.ts", "mpegts", None, None, Some("dvbsub")),
];

fn corpus_dir(target: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("FFMPEG_RUNTIME_FUZZ_CORPUS")?).join(target);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

#[test]
fn demux_seeds_of_every_container_decode() {
    let ffmpeg = common::under_test().load();
    let out = corpus_dir("demux_decode");
    let mut made = 0;
    for (name, container, video, audio, subtitles) in CLIPS {
        let wanted = [video, audio, subtitles].into_iter().flatten();
        if !wanted.clone().all(|codec| ffmpeg.has_encoder(codec)) {
            continue;
        }
        let bytes =
            workloads::make_clip_with_subtitles(&ffmpeg, container, video, audio, subtitles)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        let frames = workloads::demux_and_decode(&ffmpeg, &bytes);
        assert!(frames >= 3, "{name}: {frames} frames");
        if let Some(dir) = &out {
            std::fs::write(dir.join(format!("seed.{name}")), &bytes).unwrap();
        }
        made += 1;
    }
    assert!(made >= 10, "only {made} seed containers on this build");
}

/// A seed with every kind of stream side data ffprobe describes (a camera's MP4: Dolby
/// Vision, turn, stereo, 360°, HDR mastering display and light levels), from which the fuzzer
/// makes side data cut short or out of range.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_camera_clip_with_side_data_seeds_the_demuxing() {
    let ffmpeg = common::under_test().load();
    let bytes = std::fs::read(common::mp4::camera_clip("fuzz")).unwrap();
    assert!(workloads::demux_and_decode(&ffmpeg, &bytes) >= 3);
    if let Some(dir) = corpus_dir("demux_decode") {
        std::fs::write(dir.join("seed.camera.mp4"), &bytes).unwrap();
    }
}

/// Seeds whose pictures carry side data (HDR10 and HDR10+ HEVC, ATSC captions in H.264), from
/// which the fuzzer makes SEI messages cut short or out of range.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn pictures_with_side_data_seed_the_decoding() {
    let ffmpeg = common::under_test().load();
    let clips = [
        ("hdr10.mp4", common::side_data_media::hdr10_hevc()),
        ("captions.h264", common::side_data_media::captioned_h264()),
        ("hdr10plus.hevc", common::side_data_media::hdr_plus_hevc()),
    ];
    for (name, path) in clips {
        let bytes = std::fs::read(path).unwrap();
        assert!(workloads::demux_and_decode(&ffmpeg, &bytes) >= 3, "{name}");
        if let Some(dir) = corpus_dir("demux_decode") {
            std::fs::write(dir.join(format!("seed.{name}")), &bytes).unwrap();
        }
    }
}

/// A HEIF picture cut into tiles (7.0 on a tile-grid group), from which the fuzzer makes
/// grids whose offsets and sizes do not fit their tiles; the workload composes each grid.
#[test]
#[cfg_attr(
    windows,
    ignore = "compares with or makes media by the ffmpeg CLI, a Linux program that a Windows program under Wine cannot start"
)]
fn a_heif_grid_seeds_the_demuxing() {
    let ffmpeg = common::under_test().load();
    let bytes = std::fs::read(common::heif::grid_heic()).unwrap();
    // Before 7.0 the MOV demuxer reads no picture items.
    let tiles = if ffmpeg.family().ffmpeg_major() >= 7 {
        4
    } else {
        0
    };
    assert_eq!(workloads::demux_and_decode(&ffmpeg, &bytes), tiles);
    if let Some(dir) = corpus_dir("demux_decode") {
        std::fs::write(dir.join("seed.grid.heic"), &bytes).unwrap();
    }
}

/// Inputs the fuzzer once crashed on, run again on every build.
#[test]
fn inputs_that_crashed_once_run_clean() {
    let ffmpeg = common::under_test().load();
    // LRC lyrics: a subtitle stream, once given to `avcodec_send_packet` (FFmpeg 5.1 aborts);
    // now decoded through the subtitle call, into one subtitle where the demuxer found a cue.
    let subtitles = workloads::demux_and_decode(&ffmpeg, b"[00:00:0TION]");
    assert!(subtitles <= 1, "{subtitles}");
}

/// A deterministic pseudo-random byte stream.
fn noise(seed: u64, count: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn random_api_sequences_run_clean() {
    let ffmpeg = common::under_test().load();
    let partner = common::partner().load();
    ffmpeg.set_log_level(log::LevelFilter::Off);
    partner.set_log_level(log::LevelFilter::Off);
    let releases = [ffmpeg, partner];
    let out = corpus_dir("api_sequence");
    let mut operations = 0;
    for seed in 0..300 {
        let bytes = noise(seed, 64 + (seed as usize % 8) * 96);
        let ops = workloads::ops_of(&bytes);
        operations += ops.len();
        workloads::run_sequence(&releases, &ops);
        if let Some(dir) = &out {
            std::fs::write(dir.join(format!("seed-{seed:03}")), &bytes).unwrap();
        }
    }
    assert!(operations > 3000, "{operations} operations");
}

#[test]
fn random_filter_graph_sequences_run_clean() {
    let ffmpeg = common::under_test().load();
    ffmpeg.set_log_level(log::LevelFilter::Off);
    let out = corpus_dir("filter_graph");
    let mut operations = 0;
    for seed in 0..300 {
        let bytes = noise(seed + 1000, 48 + (seed as usize % 8) * 64);
        let ops = workloads::graph_ops_of(&bytes);
        operations += ops.len();
        workloads::run_graph_sequence(&ffmpeg, &ops);
        if let Some(dir) = &out {
            std::fs::write(dir.join(format!("seed-{seed:03}")), &bytes).unwrap();
        }
    }
    assert!(operations > 1000, "{operations} operations");
}
