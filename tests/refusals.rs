//! Every way a candidate can be unusable gives a typed refusal, never a crash, and the process
//! can go on to load a good FFmpeg afterwards.

mod common;

use std::path::Path;

use common::fake::FakeSet;
use ffmpeg_runtime::{Discovery, Ffmpeg, Library, LoadError, Refusal, SUPPORTED_AVCODEC_MAJORS};

fn load(path: &Path) -> LoadError {
    // SAFETY: the paths are test fixtures: empty, text, foreign or fake libraries whose only
    // code is trivial functions, or genuine FFmpeg builds.
    unsafe { Ffmpeg::load_from(path) }.expect_err("this candidate must be refused")
}

fn unexpected(error: &LoadError) -> ! {
    panic!("unexpected refusal:\n{}", error.report())
}

fn only_refusal(error: &LoadError) -> &Refusal {
    assert_eq!(error.attempts().len(), 1, "{}", error.report());
    error.attempts()[0].refusal()
}

#[test]
fn an_empty_directory_has_no_libavcodec() {
    let dir = common::scratch_dir("empty");
    let error = load(&dir);
    assert!(
        matches!(only_refusal(&error), Refusal::NoLibavcodec),
        "{}",
        error.report()
    );
    assert!(
        error
            .report()
            .to_string()
            .contains(&dir.display().to_string())
    );
}

#[test]
fn a_missing_path_is_not_found() {
    let error = load(&common::scratch_dir("gone").join("nothing-here"));
    assert!(
        matches!(only_refusal(&error), Refusal::NotFound),
        "{}",
        error.report()
    );
}

#[test]
fn a_text_file_named_like_libavcodec_is_not_a_shared_library() {
    let dir = common::scratch_dir("text");
    let name = if cfg!(windows) {
        "avcodec-61.dll"
    } else {
        "libavcodec.so.61"
    };
    std::fs::write(dir.join(name), "not a library\n").unwrap();
    for path in [dir.clone(), dir.join(name)] {
        let error = load(&path);
        assert!(
            matches!(only_refusal(&error), Refusal::NotSharedLibrary { .. }),
            "{}",
            error.report()
        );
    }
}

#[test]
fn a_library_of_another_architecture_is_refused_before_dlopen() {
    let (dir, architecture) = common::other_architecture_fixture();
    let error = load(&dir);
    match only_refusal(&error) {
        Refusal::WrongArchitecture {
            found,
            expected,
            path,
        } => {
            assert!(found.starts_with(architecture), "{found}");
            assert_eq!(*expected, std::env::consts::ARCH);
            assert!(path.starts_with(&dir));
        }
        _ => unexpected(&error),
    }
}

#[test]
fn libavcodec_of_one_release_with_libavutil_of_another_is_refused() {
    let (this, other) = (common::under_test(), common::partner());
    let mut files =
        Library::REQUIRED.map(|library| common::library_file(&this.dir, library.stem()));
    let foreign_avutil = common::library_file(&other.dir, "avutil");
    files[0] = foreign_avutil.clone();
    // SAFETY: genuine FFmpeg libraries from two provisioned builds.
    let error = unsafe { Ffmpeg::load_files(files.clone()) }.expect_err("a mixed set");
    match only_refusal(&error) {
        Refusal::MixedReleases {
            avcodec,
            other: odd,
            family,
        } => {
            assert_eq!(avcodec.path, files[Library::AvCodec as usize]);
            assert_eq!(avcodec.version, this.avcodec);
            assert_eq!(odd.library, Library::AvUtil);
            assert_eq!(odd.path, foreign_avutil);
            assert_eq!(u64::from(family.ffmpeg_major()), this_family_major(&this));
            let text = error.report().to_string();
            assert!(
                text.contains(&foreign_avutil.display().to_string()),
                "{text}"
            );
            assert!(text.contains(&avcodec.path.display().to_string()), "{text}");
        }
        _ => unexpected(&error),
    }
}

fn this_family_major(build: &common::Build) -> u64 {
    u64::from(
        ffmpeg_runtime::Family::from_avcodec_major(build.avcodec.major)
            .unwrap()
            .ffmpeg_major(),
    )
}

#[test]
#[cfg_attr(
    windows,
    ignore = "builds fake libraries with a C compiler, a Linux program that a Windows program under Wine cannot start"
)]
fn a_future_major_is_refused_with_the_supported_range() {
    let (oldest, newest) = SUPPORTED_AVCODEC_MAJORS.into_inner();
    let past_newest = newest + 1;
    let mut set = FakeSet::like_7_1();
    let next = past_newest as u32;
    set.versions = [
        (next - 2, 0, 100),
        (8, 0, 100),
        (11, 0, 100),
        (next, 0, 100),
        (next, 0, 100),
    ];
    let error = load(&set.build(&common::scratch_dir("major-past-newest")));
    let refusal = only_refusal(&error);
    assert!(
        matches!(refusal, Refusal::UnsupportedMajor { major, .. } if *major == past_newest),
        "{refusal}"
    );
    let range = format!("{oldest} to {newest}");
    assert!(refusal.to_string().contains(&range), "{refusal}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "builds fake libraries with a C compiler, a Linux program that a Windows program under Wine cannot start"
)]
fn libav_is_refused() {
    let mut set = FakeSet::like_7_1();
    set.versions = [(56, 1, 0), (3, 1, 0), (5, 1, 0), (58, 1, 0), (58, 1, 0)];
    let error = load(&set.build(&common::scratch_dir("libav")));
    assert!(
        matches!(only_refusal(&error), Refusal::Libav(_)),
        "{}",
        error.report()
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "builds fake libraries with a C compiler, a Linux program that a Windows program under Wine cannot start"
)]
fn missing_required_symbols_are_listed_together() {
    for version_nodes in [true, false] {
        let mut set = FakeSet::like_7_1();
        set.version_nodes = version_nodes;
        set.omit = vec!["avcodec_license", "av_force_cpu_flags"];
        let error = load(&set.build(&common::scratch_dir("missing")));
        match only_refusal(&error) {
            // Everything else was found, through dlvsym or (no version nodes) dlsym.
            Refusal::MissingSymbols { symbols } => {
                assert_eq!(
                    symbols,
                    &["libavutil:av_force_cpu_flags", "libavcodec:avcodec_license"]
                )
            }
            _ => unexpected(&error),
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "builds fake libraries with a C compiler, a Linux program that a Windows program under Wine cannot start"
)]
fn a_version_node_that_contradicts_the_version_is_refused() {
    let mut set = FakeSet::like_7_1();
    set.node_major_override = Some((Library::AvCodec, 60));
    let error = load(&set.build(&common::scratch_dir("liar")));
    match only_refusal(&error) {
        Refusal::VersionNodeMismatch { node, file } => {
            assert_eq!(node, "LIBAVCODEC_60");
            assert_eq!(file.version.major, 61);
        }
        _ => unexpected(&error),
    }
}

#[test]
fn every_candidate_is_reported_and_the_closest_ranks_first() {
    let empty = common::scratch_dir("report-empty");
    let (foreign, _) = common::other_architecture_fixture();
    let missing = common::scratch_dir("report").join("missing");
    // SAFETY: fixtures only; none can load.
    let error = unsafe {
        Discovery::empty()
            .path(&empty)
            .path(&foreign)
            .path(&missing)
            .load()
    }
    .unwrap_err();
    assert_eq!(error.attempts().len(), 3);
    let report = error.report().to_string();
    for path in [&empty, &foreign, &missing] {
        assert!(report.contains(&path.display().to_string()), "{report}");
    }
    let closest = error.most_relevant().unwrap();
    assert!(matches!(
        closest.refusal(),
        Refusal::WrongArchitecture { .. }
    ));
    assert!(std::error::Error::source(&error).is_some());
    assert!(
        !error.to_string().contains('\n'),
        "Display is one line: {error}"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "builds fake libraries with a C compiler, a Linux program that a Windows program under Wine cannot start"
)]
fn after_refusals_a_good_build_still_loads() {
    let mut set = FakeSet::like_7_1();
    set.omit = vec!["avformat_version"];
    let fake = set.build(&common::scratch_dir("then-good"));
    let good = common::under_test();
    // SAFETY: a fake whose code is trivial, then a genuine FFmpeg build.
    let ffmpeg = unsafe { Discovery::empty().path(&fake).path(&good.dir).load() }.unwrap();
    assert_eq!(
        ffmpeg
            .library(Library::AvCodec)
            .expect("a required library")
            .version(),
        &good.avcodec
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "builds fake libraries with a C compiler, a Linux program that a Windows program under Wine cannot start"
)]
fn a_library_whose_option_offsets_disagree_fails_the_abi_self_check() {
    let mut set = FakeSet::like_7_1();
    set.option_offset = Some(4242);
    let error = load(&set.build(&common::scratch_dir("abi")));
    match only_refusal(&error) {
        Refusal::AbiMismatch {
            structure,
            field,
            expected,
            found,
        } => {
            assert_eq!((*structure, *field), ("AVCodecContext", "b"));
            assert_eq!(found, "4242");
            assert_ne!(expected, "4242");
            let text = error.report().to_string();
            assert!(
                text.contains("ABI self-check failed: AVCodecContext.b"),
                "{text}"
            );
        }
        _ => unexpected(&error),
    }
    // It ranks above every other refusal: everything else about the library was right.
    assert_eq!(error.attempts()[0].refusal().rank(), 6);
}

/// A real build whose five `*_version()` functions are patched to claim the next release
/// (or the previous, for the newest): its symbols carry their true version nodes, so the lie
/// is caught and the build refused, never trusted with another major's layouts.
#[cfg(target_arch = "x86_64")]
#[test]
fn a_real_build_whose_version_functions_lie_about_the_major_is_refused() {
    use ffmpeg_runtime::{Family, SymbolBinding};
    use object::{Object, ObjectSection};

    let build = common::under_test();
    let genuine = build.load();
    let major = genuine
        .library(Library::AvCodec)
        .expect("a required library")
        .version()
        .major;
    let family = Family::from_avcodec_major(major).expect("a supported build");
    let claimed = Family::from_avcodec_major(major + 1)
        .or_else(|| Family::from_avcodec_major(major - 1))
        .expect("a neighbouring release");
    let dir = common::scratch_dir("lying-version");
    // Wheels keep their dependencies beside the libraries: copy those too.
    let system = genuine
        .library(Library::AvCodec)
        .expect("a required library")
        .path()
        .starts_with("/usr/lib");
    if !system {
        common::copy_dir(&build.dir, &dir);
    }
    // Without version nodes (Windows) every library must lie alike, libavfilter too, or the
    // family check alone would catch it.
    let liars: Vec<Library> = if SymbolBinding::PLATFORM_HAS_VERSIONING {
        Library::REQUIRED.to_vec()
    } else {
        genuine.libraries().map(|info| info.library()).collect()
    };
    for library in liars {
        let original = genuine.library(library).expect("a required library").path();
        let copy = dir.join(original.file_name().unwrap());
        let mut bytes = std::fs::read(original).unwrap();
        let offset = {
            // ELF's dynamic symbols or PE's exports: both give the function's address.
            let file = object::File::parse(&*bytes).unwrap();
            let name = format!("{}_version", library.stem().trim_start_matches("lib"));
            let address = file
                .exports()
                .unwrap()
                .flatten()
                .find_map(|export| match (export.name(), export.target()) {
                    (
                        object::read::NameOrOrdinal::Name(found),
                        object::read::ExportTarget::Address { address },
                    ) if found == name.as_bytes() => Some(address),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{name} in {}", original.display()));
            let text = file.section_by_name(".text").unwrap();
            let (file_start, _) = text.file_range().unwrap();
            (file_start + address - text.address()) as usize
        };
        // mov eax, AV_VERSION_INT(major, 0, 100); ret
        let lie = (claimed.major(library) as u32) << 16 | 100;
        bytes[offset] = 0xb8;
        bytes[offset + 1..offset + 5].copy_from_slice(&lie.to_le_bytes());
        bytes[offset + 5] = 0xc3;
        std::fs::write(&copy, bytes).unwrap();
    }
    drop(genuine);
    let error = load(&dir);
    match only_refusal(&error) {
        // Windows: a consistent lie passes the version and family checks; proving the claimed
        // family's layouts against the real library refuses it.
        Refusal::AbiMismatch { .. } | Refusal::MissingSymbols { .. }
            if !SymbolBinding::PLATFORM_HAS_VERSIONING => {}
        Refusal::VersionNodeMismatch { file, node } => {
            assert_eq!(file.version.major, claimed.major(file.library));
            assert!(
                node.ends_with(&format!("_{}", family.major(file.library))),
                "{node}"
            );
        }
        _ => unexpected(&error),
    }
}
