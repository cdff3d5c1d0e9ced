//! The tests' scratch directories go when their test process ends: left behind, a whole run's
//! (copies of FFmpeg builds among them) filled a CI machine's disk.

mod common;

use std::path::PathBuf;

/// How the child process ends: `end` (normally) or `abort`.
const CHILD: &str = "FFMPEG_RUNTIME_TEST_SCRATCH_CHILD";

/// Makes a scratch directory with a file in it, says where, then ends as its parent asks.
#[test]
#[ignore = "the child process of scratch_directories_go_when_their_process_ends"]
fn scratch_in_a_child_process() {
    let how = std::env::var(CHILD).expect("run by its parent");
    let dir = common::scratch_dir("child");
    std::fs::write(dir.join("file"), b"scratch").unwrap();
    println!("scratch: {}", dir.display());
    if how == "abort" {
        std::process::abort();
    }
}

/// Runs [`scratch_in_a_child_process`], ending as `how` says, and returns its directory.
fn child_scratch(how: &str) -> PathBuf {
    let output = common::command(&common::this_executable())
        .args(["--ignored", "--exact", "scratch_in_a_child_process"])
        .arg("--nocapture")
        .env(CHILD, how)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    let line = said.lines().find_map(|line| line.strip_prefix("scratch: "));
    PathBuf::from(line.unwrap_or_else(|| panic!("no directory said: {said}")))
}

#[test]
fn scratch_directories_go_when_their_process_ends() {
    let ended = child_scratch("end");
    let root = ended.parent().unwrap();
    assert!(!root.exists(), "{} is left", root.display());
    if cfg!(target_os = "linux") {
        // A process that aborts leaves its own; the next one to make a scratch directory
        // removes it.
        let aborted = child_scratch("abort");
        let root = aborted.parent().unwrap().to_owned();
        assert!(aborted.join("file").exists());
        child_scratch("end");
        assert!(!root.exists(), "{} is left", root.display());
    }
}
