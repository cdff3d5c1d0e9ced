//! The ffinfo example, run as a user would: discovery through the environment variable, the
//! directory beside the executable and the system, and its refusal report.

mod common;

use std::path::Path;
use std::process::Output;

use ffmpeg_runtime::SymbolBinding;
use serde_json::Value;

fn ffinfo(args: &[&str], env: &[(&str, &Path)]) -> Output {
    ffinfo_at(&common::example("ffinfo"), args, env)
}

fn ffinfo_at(program: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = common::command(program);
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("ffinfo runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "ffinfo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn the_environment_variable_is_searched_first() {
    let build = common::under_test();
    let info = json(&ffinfo(&["--json"], &[("FFMPEG_RUNTIME_DIR", &build.dir)]));
    assert_eq!(info["source"], "environment");
    assert_eq!(info["libavcodec"], build.avcodec.to_string());
    // Windows has no symbol versioning; ffinfo says so.
    let versioning = SymbolBinding::PLATFORM_HAS_VERSIONING;
    assert_eq!(info["versioned_symbols"], versioning);
    assert_eq!(info["platform_has_symbol_versioning"], versioning);
    assert_eq!(info["abi_check"], "passed");
    assert!(info["abi_facts_checked"].as_u64().is_some_and(|n| n >= 90));
    assert!(info["ffmpeg"].as_str().is_some_and(|s| !s.is_empty()));
    let libraries = info["libraries"].as_object().unwrap();
    // The five, and libavfilter where the build has it.
    let filters = build
        .load()
        .library(ffmpeg_runtime::Library::AvFilter)
        .is_some();
    assert_eq!(libraries.len(), 5 + usize::from(filters));
    assert_eq!(libraries.contains_key("libavfilter"), filters);
    for name in [
        "libavutil",
        "libswresample",
        "libswscale",
        "libavcodec",
        "libavformat",
    ] {
        assert!(
            libraries[name]["path"].is_string() && libraries[name]["version"].is_string(),
            "{name}"
        );
    }
    assert!(
        info["cpu_flags"]
            .as_array()
            .is_some_and(|flags| !flags.is_empty())
    );
}

#[test]
fn without_the_variable_the_system_is_used() {
    if !common::host_ffmpeg_loadable() {
        eprintln!("skipped: the system's FFmpeg is the host's (x86_64 Linux)");
        return;
    }
    let info = json(&ffinfo(&["--json"], &[]));
    assert_eq!(info["source"], "system", "{info}");
    assert!(
        info["location"]
            .as_str()
            .unwrap()
            .starts_with("libavcodec.so")
    );
}

#[test]
fn a_directory_beside_the_executable_comes_before_the_system() {
    let build = common::under_test();
    let app = common::scratch_dir("app");
    let program = app.join("ffinfo");
    // A hard link, not a copy: a copy's write descriptor, inherited by a child another test
    // thread forks meanwhile, makes exec fail with ETXTBSY.
    if std::fs::hard_link(common::example("ffinfo"), &program).is_err() {
        std::fs::copy(common::example("ffinfo"), &program).unwrap();
    }
    let beside = app.join(ffmpeg_runtime::APP_DIR_NAME);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&build.dir, &beside).unwrap();
    #[cfg(windows)]
    common::copy_dir(&build.dir, &beside);
    let info = json(&ffinfo_at(&program, &["--json"], &[]));
    assert_eq!(info["source"], "beside executable");
    assert_eq!(info["libavcodec"], build.avcodec.to_string());
}

#[test]
fn lib_dir_loads_exactly_that_directory() {
    let build = common::under_test();
    let info = json(&ffinfo(
        &["--json", "--lib-dir", build.dir.to_str().unwrap()],
        &[],
    ));
    assert_eq!(info["source"], "explicit");
    assert_eq!(info["libavcodec"], build.avcodec.to_string());
    let text = ffinfo(&["--lib-dir", build.dir.to_str().unwrap()], &[]);
    assert!(text.status.success());
    let expected = if SymbolBinding::PLATFORM_HAS_VERSIONING {
        "symbols pinned to version nodes: yes"
    } else {
        "symbols pinned to version nodes: no: this platform has no symbol versioning"
    };
    assert!(String::from_utf8_lossy(&text.stdout).contains(expected));
}

#[test]
fn nothing_usable_exits_non_zero_with_the_whole_report() {
    let empty = common::scratch_dir("ffinfo-empty");
    let output = ffinfo(&["--lib-dir", empty.to_str().unwrap()], &[]);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains(&empty.display().to_string()), "{report}");
    assert!(
        report.contains("no libavcodec in this directory"),
        "{report}"
    );
    assert!(output.stdout.is_empty());
}
