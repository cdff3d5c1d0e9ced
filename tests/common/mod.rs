//! What the integration tests share: the FFmpeg build under test (set by `ci/matrix.sh`), the
//! other builds of the matrix, fixtures, scratch directories and child processes.
#![allow(dead_code)] // each test binary uses its own part

pub mod dolby_vision_media;
pub mod fake;
pub mod hdr_vivid_media;
pub mod heif;
pub mod media;
pub mod mp4;
pub mod packets;
pub mod scheduling;
pub mod side_data_media;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use ffmpeg_runtime::Ffmpeg;
use semver::Version;

/// What a hostile program may hand the crate, as a panic's payload or captured by a
/// callback: a value whose `Drop` panics. Counts its drops.
pub struct PanicsWhenDropped(pub std::sync::Arc<AtomicUsize>);

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
        panic!("a value that panics when dropped");
    }
}

/// One FFmpeg build of the matrix.
#[derive(Debug, Clone)]
pub struct Build {
    pub name: String,
    pub dir: PathBuf,
    pub avcodec: Version,
}

impl Build {
    /// Loads this build from its directory.
    pub fn load(&self) -> Ffmpeg {
        // SAFETY: the matrix directories hold genuine FFmpeg builds provisioned by ci/.
        unsafe { Ffmpeg::load_from(&self.dir) }
            .unwrap_or_else(|e| panic!("build {} should load:\n{}", self.name, e.report()))
    }

    /// Whether this process can load the build: 9.0 needs a newer C library than the host's
    /// and loads only in a process started under its own dynamic loader.
    pub fn loadable_here(&self) -> bool {
        !self.needs_own_loader() || launcher_dir().as_deref() == Some(self.dir.as_path())
    }

    fn needs_own_loader(&self) -> bool {
        self.dir.join("ld-linux-x86-64.so.2").exists()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

const HOW: &str = "run the suite through `bash ci/matrix.sh` (it provisions the FFmpeg builds and \
                   sets FFMPEG_RUNTIME_TEST_* for each)";

/// The build this run tests.
pub fn under_test() -> Build {
    let name =
        env("FFMPEG_RUNTIME_TEST_BUILD").unwrap_or_else(|| panic!("no build under test: {HOW}"));
    matrix()
        .into_iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("{name} not in the matrix"))
}

/// Every build of the matrix (name, directory, libavcodec version).
pub fn matrix() -> Vec<Build> {
    let file = env("FFMPEG_RUNTIME_TEST_MATRIX").unwrap_or_else(|| panic!("no matrix file: {HOW}"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Build {
                name: fields[0].to_owned(),
                // On Windows a Unix path (`/root/…`) is relative to the current drive; the
                // loader takes only absolute paths from the environment.
                dir: std::path::absolute(fields[1]).expect("a build directory"),
                avcodec: Version::parse(fields[2]).expect("a version in the matrix file"),
            }
        })
        .collect()
}

/// Another build, of another family, that this process can load beside the one under test.
/// A wheel build: its dependencies carry hashed sonames, so they never collide with the
/// build under test's (within a process, one soname is one library, whoever loaded it first).
pub fn partner() -> Build {
    let this = under_test();
    let preferred = if this.avcodec.major == 61 {
        "8.1"
    } else {
        "7.1"
    };
    matrix()
        .into_iter()
        .find(|b| b.name == preferred)
        .expect("the matrix has the partner build")
}

/// A libavcodec of another architecture than this process's (a fixture), and the name the
/// loader gives that architecture. On Windows, the head of a 32-bit x86 DLL, all the loader
/// reads before it refuses one.
pub fn other_architecture_fixture() -> (PathBuf, &'static str) {
    if cfg!(windows) {
        let dir = scratch_dir("x86-dll");
        let mut head = vec![0u8; 64 + 24];
        head[..2].copy_from_slice(b"MZ");
        head[60] = 64; // e_lfanew: the PE header follows the DOS header
        head[64..68].copy_from_slice(b"PE\0\0");
        head[68..70].copy_from_slice(&0x014c_u16.to_le_bytes()); // IMAGE_FILE_MACHINE_I386
        head[86..88].copy_from_slice(&0x2102_u16.to_le_bytes()); // DLL, 32-bit, executable
        std::fs::write(dir.join("avcodec-59.dll"), head).unwrap();
        (dir, "x86")
    } else if cfg!(target_arch = "aarch64") {
        (fixtures_dir().join("x86_64"), "x86_64")
    } else {
        (fixtures_dir().join("arm64"), "aarch64")
    }
}

/// Test fixtures that are not FFmpeg builds (see ci/provision.sh).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(
        env("FFMPEG_RUNTIME_TEST_FIXTURES").unwrap_or_else(|| panic!("no fixtures: {HOW}")),
    )
}

/// The directory of the dynamic loader this process runs under, when the matrix started it
/// under a build's own loader (9.0).
fn launcher_dir() -> Option<PathBuf> {
    env("FFMPEG_RUNTIME_TEST_LAUNCHER_DIR").map(PathBuf::from)
}

/// The emulator this process runs under (`qemu-aarch64 -L /usr/aarch64-linux-gnu`), when the
/// matrix cross-built the suite for another architecture.
fn emulator() -> Option<Vec<String>> {
    env("FFMPEG_RUNTIME_TEST_EMULATOR")
        .map(|line| line.split_whitespace().map(String::from).collect())
}

/// Whether the suite runs under an emulator, cross-built: facts of the host's architecture
/// (another architecture's library refused, the CLI's own library in-process) do not hold.
pub fn emulated() -> bool {
    emulator().is_some()
}

/// Whether the host's own FFmpeg (Debian's 5.1, found by the system's search) is one this
/// process can load: not under an emulator of another architecture, not on Windows.
pub fn host_ffmpeg_loadable() -> bool {
    !emulated() && cfg!(target_os = "linux")
}

/// A command for a program of this workspace, started the way this process was (under the
/// build's own dynamic loader, or the emulator, when there is one), with no FFmpeg-related
/// environment.
pub fn command(program: &Path) -> Command {
    let mut command = match (launcher_dir(), emulator()) {
        (Some(dir), _) => {
            let mut c = Command::new(dir.join("ld-linux-x86-64.so.2"));
            c.arg("--library-path").arg(&dir).arg(program);
            c
        }
        (None, Some(emulator)) => {
            let mut c = Command::new(&emulator[0]);
            c.args(&emulator[1..]).arg(program);
            c
        }
        (None, None) => Command::new(program),
    };
    command
        .env_remove("FFMPEG_RUNTIME_DIR")
        .env_remove("LD_LIBRARY_PATH");
    command
}

/// The path of this test executable (argv[0] when started under an explicit loader).
pub fn this_executable() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let is_loader = exe
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("ld-linux"));
    if is_loader {
        std::path::absolute(std::env::args_os().next().expect("argv[0]")).unwrap()
    } else {
        exe
    }
}

/// An example built alongside the tests (`target/<profile>/examples/NAME`).
pub fn example(name: &str) -> PathBuf {
    let deps = this_executable().parent().expect("deps dir").to_owned();
    let path = deps
        .parent()
        .expect("profile dir")
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built (cargo test builds examples)",
        path.display()
    );
    path
}

/// The example `name` (see [`example`]) as [`command`] starts programs, loading FFmpeg from
/// `build` (`--lib-dir`); the caller adds the example's own arguments.
pub fn example_command(name: &str, build: &Build) -> Command {
    let mut command = command(&example(name));
    command.arg("--lib-dir").arg(&build.dir);
    command
}

/// The `probe` example printing the fields of 5.1's ffprobe (`--fields 5.1`), the release
/// whose ffprobe the tests compare with; `tests/probe.rs` checks the loaded release's own.
pub fn probe_command(build: &Build) -> Command {
    let mut command = example_command("probe", build);
    command.args(["--fields", "5.1"]);
    command
}

/// A fresh, empty scratch directory unique to this process and call, under the process's
/// [`scratch_root`], which goes when the process exits.
pub fn scratch_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = scratch_root().join(format!("{label}-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const SCRATCH_ROOT_PREFIX: &str = "ffmpeg-runtime-tests-";
static SCRATCH_ROOT: OnceLock<PathBuf> = OnceLock::new();

/// This process's directory of scratch directories. A test run makes hundreds of test
/// processes and some copy whole builds (half a gigabyte), so the directory is removed when
/// the process exits, and a process that died first (an abort, a crash) has its directory
/// removed by the next test process that makes one.
fn scratch_root() -> &'static Path {
    SCRATCH_ROOT.get_or_init(|| {
        remove_scratch_roots_of_ended_processes();
        // SAFETY: `remove_scratch_root` is a plain function without arguments that neither
        // panics nor unwinds; atexit handlers run when the process exits normally (a test
        // binary's main returning or `std::process::exit`).
        unsafe { libc::atexit(remove_scratch_root) };
        std::env::temp_dir().join(format!("{SCRATCH_ROOT_PREFIX}{}", std::process::id()))
    })
}

extern "C" fn remove_scratch_root() {
    // Errors are ignored: on Windows a DLL still loaded from a copy cannot be deleted.
    if let Some(root) = SCRATCH_ROOT.get() {
        let _ = std::fs::remove_dir_all(root);
    }
}

/// Removes the scratch roots whose process no longer runs (Linux, where `/proc` tells).
fn remove_scratch_roots_of_ended_processes() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix(SCRATCH_ROOT_PREFIX))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Runs `command` and returns what it wrote to standard output; a command that cannot start,
/// fails or writes other than UTF-8 panics, `what` naming it, with its standard error.
pub fn stdout_of(command: &mut Command, what: &str) -> String {
    String::from_utf8(stdout_bytes_of(command, what)).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// [`stdout_of`] for output that is not text (raw pictures, a container).
pub fn stdout_bytes_of(command: &mut Command, what: &str) -> Vec<u8> {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Whether the library file `path` is still loaded in this process: mapped (Linux's
/// `/proc/self/maps`), or a module of that name (Windows).
#[cfg(not(windows))]
pub fn is_loaded(path: &Path) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps (Linux)");
    maps.contains(path.to_str().unwrap())
}

/// Whether the library file `path` is still loaded in this process: mapped (Linux's
/// `/proc/self/maps`), or a module of that name (Windows).
#[cfg(windows)]
pub fn is_loaded(path: &Path) -> bool {
    use std::os::windows::ffi::OsStrExt;
    let name: Vec<u16> = path
        .file_name()
        .expect("a file")
        .encode_wide()
        .chain([0])
        .collect();
    // SAFETY: a NUL-terminated wide string; the handle returned is only compared with null
    // (no reference is taken).
    let module =
        unsafe { windows_sys::Win32::System::LibraryLoader::GetModuleHandleW(name.as_ptr()) };
    !module.is_null()
}

/// Sends SIGINT to a child that has not been waited for, as Ctrl+C in its terminal would.
#[cfg(unix)]
pub fn interrupt(child: &std::process::Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    // SAFETY: signals a child process of ours that has not been waited for, so `pid` is still
    // that child's.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

/// Windows has no signals; a test that interrupts a child is ignored there.
#[cfg(windows)]
pub fn interrupt(_child: &std::process::Child) {
    unreachable!("tests that interrupt a child are ignored on Windows");
}

/// `to` names the file `from`: a symbolic link, or a copy on Windows (where making links
/// needs a privilege).
pub fn link_file(from: &Path, to: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(from, to).unwrap();
    #[cfg(windows)]
    std::fs::copy(from, to).map(drop).unwrap();
}

/// Copies the files of `from` (symbolic links as the files they name; not folders) into the
/// directory `to`, made if need be.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The libavcodec file of a build directory.
pub fn avcodec_file(dir: &Path) -> PathBuf {
    library_file(dir, "avcodec")
}

/// The file of `lib<stem>` in a build directory (the one with the longest name, i.e. the real
/// file rather than a soname link); on Windows the DLL `<stem>-<major>[-<hash>].dll`.
pub fn library_file(dir: &Path, stem: &str) -> PathBuf {
    let prefix = if cfg!(windows) {
        format!("{stem}-")
    } else {
        format!("lib{stem}")
    };
    std::fs::read_dir(dir)
        .expect("build dir")
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| {
            n.strip_prefix(&prefix).is_some_and(|rest| {
                if cfg!(windows) {
                    rest.ends_with(".dll")
                } else {
                    rest.starts_with(".so.") || rest.starts_with('-')
                }
            })
        })
        .max_by_key(|n| n.len())
        .map(|n| dir.join(n))
        .unwrap_or_else(|| panic!("no lib{stem} in {}", dir.display()))
}
