//! The build under test loads from its directory, with no LD_LIBRARY_PATH, and reports its
//! true versions.

mod common;

use std::sync::{Mutex, MutexGuard, PoisonError};

use ffmpeg_runtime::{Family, Ffmpeg, Library, Source, SymbolBinding};

#[test]
fn loads_from_its_directory_with_true_versions() {
    let build = common::under_test();
    let ffmpeg = build.load();
    assert_eq!(
        ffmpeg
            .library(Library::AvCodec)
            .expect("a required library")
            .version(),
        &build.avcodec,
        "{}",
        build.name
    );
    let family = Family::from_avcodec_major(build.avcodec.major).unwrap();
    assert_eq!(ffmpeg.family(), family);
    for library in ffmpeg.libraries() {
        assert_eq!(
            library.version().major,
            family.major(library.library()),
            "{}",
            library.library()
        );
        assert!(
            library.version().patch >= 100,
            "FFmpeg micro versions start at 100"
        );
        let dir = std::fs::canonicalize(&build.dir).unwrap();
        let file = std::fs::canonicalize(library.path()).unwrap();
        assert!(
            file.starts_with(&dir),
            "{} is not from {}",
            file.display(),
            dir.display()
        );
    }
    // Debian's and the wheels' strings: "4.3.7-0+deb11u1", "7.1.1", "n4.1.6".
    let release = ffmpeg.release().trim_start_matches('n');
    assert!(
        release.starts_with(&build.name),
        "release {release} for build {}",
        build.name
    );
    let (major, minor) = ffmpeg.release_version();
    assert_eq!(format!("{major}.{minor}"), build.name, "by its libavcodec");
    assert_eq!(ffmpeg.candidate().source(), Source::Explicit);
}

#[test]
fn the_abi_self_check_proved_the_layouts() {
    let ffmpeg = common::under_test().load();
    // Option offsets, defaults, FFmpeg-filled fields and enum values: at least 90 facts.
    assert!(
        ffmpeg.abi_facts_checked() >= 90,
        "{}",
        ffmpeg.abi_facts_checked()
    );
}

#[test]
fn every_real_build_pins_symbols_to_its_version_nodes() {
    let ffmpeg = common::under_test().load();
    if !SymbolBinding::PLATFORM_HAS_VERSIONING {
        // Windows: no version nodes anywhere; every binding says so.
        assert!(!ffmpeg.versioned_symbols());
        for library in ffmpeg.libraries() {
            assert_eq!(library.binding(), &SymbolBinding::Unversioned);
            assert!(
                library
                    .binding()
                    .to_string()
                    .contains("no symbol versioning")
            );
        }
        return;
    }
    assert!(ffmpeg.versioned_symbols());
    for library in ffmpeg.libraries() {
        let node = library.library().version_node(library.version().major);
        assert_eq!(library.binding().node(), Some(node.as_str()));
    }
}

#[test]
fn loads_from_the_path_of_its_libavcodec() {
    let build = common::under_test();
    let avcodec = common::avcodec_file(&build.dir);
    // SAFETY: a genuine FFmpeg build provisioned by ci/.
    let ffmpeg =
        unsafe { Ffmpeg::load_from(&avcodec) }.unwrap_or_else(|e| panic!("{}", e.report()));
    assert_eq!(
        ffmpeg
            .library(Library::AvCodec)
            .expect("a required library")
            .version(),
        &build.avcodec
    );
    assert_eq!(
        std::fs::canonicalize(
            ffmpeg
                .library(Library::AvCodec)
                .expect("a required library")
                .path()
        )
        .unwrap(),
        std::fs::canonicalize(&avcodec).unwrap()
    );
}

#[test]
fn optional_symbols_missing_are_exactly_those_the_release_lacks() {
    let build = common::under_test();
    let ffmpeg = build.load();
    // avcodec_get_supported_config arrived in libavcodec 61.13 (FFmpeg 7.1).
    let lacks_supported_config = build.avcodec.major == 61 && build.avcodec.minor < 13;
    // HDR10+ metadata arrived in FFmpeg 4.2, whose libavcodec is 58.54.
    let lacks_hdr_plus = build.avcodec.major == 58 && build.avcodec.minor < 54;
    let mut expected = Vec::new();
    if lacks_hdr_plus {
        expected.push("av_dynamic_hdr_plus_create_side_data");
    }
    if lacks_supported_config {
        expected.push("avcodec_get_supported_config");
    }
    // FFmpeg 8.0 (libavutil 60.8, libavformat 62.3) lacks what 8.1 (60.11, 62.7) added.
    let (avutil, avformat) = [Library::AvUtil, Library::AvFormat]
        .map(|library| ffmpeg.library(library).unwrap().version().clone())
        .into();
    if avutil.major == 60 && avutil.minor < 11 {
        expected.push("av_alpha_mode_name");
    }
    if avformat.major == 62 && avformat.minor < 7 {
        expected.push("av_mime_codec_str");
    }
    let mut missing = ffmpeg.missing_optional_symbols().to_vec();
    missing.sort_unstable();
    expected.sort_unstable();
    assert_eq!(missing, expected);
}

#[test]
fn strings_and_cpu_flags_are_read() {
    let ffmpeg = common::under_test().load();
    assert!(!ffmpeg.configuration().is_empty());
    // "GPL version 2 or later", "LGPL version 2.1 or later", or 4.1's "nonfree and unredistributable".
    assert!(!ffmpeg.license().is_empty());
    let flags = ffmpeg.cpu_flags();
    // Elsewhere the flags differ by architecture; reading them must not fail.
    #[cfg(not(target_arch = "x86_64"))]
    let _ = flags;
    #[cfg(target_arch = "x86_64")]
    {
        assert!(flags.has("sse2"), "x86_64 always has SSE2: {flags}");
        for feature in ["ssse3", "sse4.1", "avx", "avx2"] {
            let detected = match feature {
                "ssse3" => std::arch::is_x86_feature_detected!("ssse3"),
                "sse4.1" => std::arch::is_x86_feature_detected!("sse4.1"),
                "avx" => std::arch::is_x86_feature_detected!("avx"),
                _ => std::arch::is_x86_feature_detected!("avx2"),
            };
            assert_eq!(
                flags.has(feature),
                detected,
                "{feature}: FFmpeg says {flags}"
            );
        }
    }
}

/// The tests that set the log level take turns. Loads of the same files share one libavutil,
/// so one level, and any other test's load of the build keeps that libavutil, and the level
/// set in it, alive past a test's own drop.
static LOG_LEVEL_TURN: Mutex<()> = Mutex::new(());

fn log_level_turn() -> MutexGuard<'static, ()> {
    LOG_LEVEL_TURN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

#[test]
fn log_level_can_be_changed() {
    let _turn = log_level_turn();
    let ffmpeg = common::under_test().load();
    assert_eq!(
        ffmpeg.log_level(),
        log::LevelFilter::Warn,
        "default: warnings and errors"
    );
    ffmpeg.set_log_level(log::LevelFilter::Debug);
    assert_eq!(ffmpeg.log_level(), log::LevelFilter::Debug);
    ffmpeg.set_log_level(log::LevelFilter::Warn);
}

#[test]
fn clones_share_one_load_and_outlive_the_original() {
    let ffmpeg = common::under_test().load();
    let clone = ffmpeg.clone();
    drop(ffmpeg);
    assert!(!clone.release().is_empty());
    assert!(clone.cpu_flags().bits() != 0);
}

#[test]
fn loading_the_same_build_twice_gives_two_working_handles() {
    let build = common::under_test();
    let (first, second) = (build.load(), build.load());
    drop(first);
    assert_eq!(
        second
            .library(Library::AvCodec)
            .expect("a required library")
            .version(),
        &build.avcodec
    );
}

/// Loads of the same files share one of the log bridge's 16 slots, so loading one build more
/// times than there are slots leaves every load's level settable, and the level is one for
/// all of them.
#[test]
fn more_loads_of_one_build_than_log_slots_share_one_level() {
    let _turn = log_level_turn();
    let build = common::under_test();
    let loads: Vec<Ffmpeg> = (0..20).map(|_| build.load()).collect();
    for (index, ffmpeg) in loads.iter().enumerate() {
        let level = [log::LevelFilter::Info, log::LevelFilter::Debug][index % 2];
        ffmpeg.set_log_level(level);
        for other in &loads {
            assert_eq!(
                other.log_level(),
                level,
                "load {index}'s level, read by all"
            );
        }
    }
    loads[0].set_log_level(log::LevelFilter::Warn);
    drop(loads);

    let again = build.load();
    assert_eq!(again.log_level(), log::LevelFilter::Warn);
    again.set_log_level(log::LevelFilter::Debug);
    assert_eq!(again.log_level(), log::LevelFilter::Debug);
    again.set_log_level(log::LevelFilter::Warn);
}
