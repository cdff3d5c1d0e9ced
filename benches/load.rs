//! What `Ffmpeg::load_from` costs beyond the bare `dlopen` of the same five libraries.
//!
//! ```text
//! cargo bench --bench load [-- RUNS]        (needs the matrix: bash ci/provision.sh)
//! ```
//!
//! Every figure comes from a fresh child process, so every `dlopen` maps the files anew:
//! - `bare`: `dlopen` of the five libraries (`RTLD_NOW | RTLD_LOCAL`, dependencies first) with
//!   `LD_LIBRARY_PATH` set to the build's directory, as a program linked at build time pays;
//! - `load_from`: `Ffmpeg::load_from(dir)`, no `LD_LIBRARY_PATH`;
//! - `beyond dlopen`: in one process, the bare `dlopen` first, then `Ffmpeg::load_from(dir)`
//!   timed: every file is already mapped, so this is the crate's own work (directory scan, ELF
//!   reads, probe, checks, symbol binding, log setup);
//! - `warm reload`: a second `load_from` in that process.

// Bare `dlopen` with `LD_LIBRARY_PATH` is the baseline: the benchmark is Linux's.
#[cfg(unix)]
fn main() {
    linux::main();
}

#[cfg(not(unix))]
fn main() {
    eprintln!("the load benchmark compares with a bare dlopen: it runs on Linux");
}

#[cfg(unix)]
mod linux {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::Instant;

    use ffmpeg_runtime::Ffmpeg;
    use hdrhistogram::Histogram;

    const STEMS: [&str; 5] = ["avutil", "swresample", "swscale", "avcodec", "avformat"];

    pub fn main() {
        let args: Vec<String> = std::env::args().collect();
        if args.get(1).map(String::as_str) == Some("--child") {
            child(&args[2], Path::new(&args[3]));
            return;
        }
        let runs: u64 = args
            .iter()
            .skip(1)
            .find_map(|a| a.parse().ok())
            .unwrap_or(15);
        let cache = std::env::var("FFMPEG_RUNTIME_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/ffmpeg-runtime")
            });
        let builds = std::fs::read_to_string(cache.join("matrix.tsv"))
            .expect("run `bash ci/matrix.sh` (or ci/provision.sh) first: it writes matrix.tsv");
        println!(
            "| FFmpeg | bare dlopen ×5 (ms) | load_from (ms) | beyond dlopen (ms) | warm reload (ms) |"
        );
        println!("|---|---|---|---|---|");
        for line in builds.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let (name, dir) = (fields[0], Path::new(fields[1]));
            let median = |mode: &str| median_ms(mode, dir, runs);
            let bare = median("bare");
            let load = median("load");
            let beyond = median("beyond");
            let warm = median("warm");
            println!("| {name} | {bare} | {load} | {beyond} | {warm} |");
        }
        if Path::new("/usr/lib/x86_64-linux-gnu/libavcodec.so.59").exists() {
            let system = Path::new("system");
            let median = |mode: &str| median_ms(mode, system, runs);
            let (bare, load, beyond) = (median("bare"), median("load"), median("beyond"));
            println!(
                "| 5.1 by soname (`Ffmpeg::load()`, system) | {bare} | {load} | {beyond} | – |"
            );
        }
    }

    /// The median of `runs` fresh-process measurements, in milliseconds.
    fn median_ms(mode: &str, dir: &Path, runs: u64) -> String {
        let mut histogram = Histogram::<u64>::new(3).unwrap();
        for _ in 0..runs {
            histogram.record(run_child(mode, dir).max(1)).unwrap();
        }
        format!("{:.2}", histogram.value_at_quantile(0.5) as f64 / 1000.0)
    }

    /// Runs one measurement in a fresh process and returns its microseconds.
    fn run_child(mode: &str, dir: &Path) -> u64 {
        let me = std::env::current_exe().unwrap();
        let own_loader = dir.join("ld-linux-x86-64.so.2");
        // "system" stands for the system's own FFmpeg, found by soname.
        let mut command = if own_loader.exists() {
            let mut c = Command::new(own_loader);
            c.arg("--library-path").arg(dir).arg(&me);
            c
        } else {
            Command::new(&me)
        };
        command
            .arg("--child")
            .arg(mode)
            .arg(dir)
            .env_remove("LD_LIBRARY_PATH");
        if mode != "load" {
            command.env("LD_LIBRARY_PATH", dir);
        }
        let output = command.output().expect("child runs");
        assert!(
            output.status.success(),
            "{mode} {}: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .trim()
            .parse()
            .expect("microseconds")
    }

    fn child(mode: &str, dir: &Path) {
        let micros = |start: Instant| start.elapsed().as_micros();
        let _bare = (mode != "load").then(|| {
            let start = Instant::now();
            let handles = bare_dlopen(dir);
            (micros(start), handles)
        });
        let result = match mode {
            "bare" => _bare.as_ref().unwrap().0,
            "load" | "beyond" => time_load(dir),
            "warm" => {
                time_load(dir);
                time_load(dir)
            }
            _ => panic!("unknown mode {mode}"),
        };
        println!("{result}");
    }

    fn time_load(dir: &Path) -> u128 {
        let start = Instant::now();
        let ffmpeg = if dir == Path::new("system") {
            // The system's sonames only (newest libavcodec soname first, in turn), as Ffmpeg::load() ends.
            // SAFETY: the system's own FFmpeg.
            unsafe { ffmpeg_runtime::Discovery::empty().system(true).load() }
        } else {
            // SAFETY: the matrix directories hold genuine FFmpeg builds.
            unsafe { Ffmpeg::load_from(dir) }
        }
        .unwrap_or_else(|e| panic!("{}", e.report()));
        let elapsed = start.elapsed().as_micros();
        std::mem::forget(ffmpeg); // keep the libraries mapped: unloading is not part of the figure
        elapsed
    }

    /// `dlopen` of the five libraries by full path, dependencies first, relying on
    /// `LD_LIBRARY_PATH` for everything else they need.
    fn bare_dlopen(dir: &Path) -> Vec<libloading::os::unix::Library> {
        use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
        if dir == Path::new("system") {
            let sonames = [
                "libavutil.so.57",
                "libswresample.so.4",
                "libswscale.so.6",
                "libavcodec.so.59",
                "libavformat.so.59",
            ];
            // SAFETY: the system's own FFmpeg 5.1.
            return sonames
                .iter()
                .map(|s| unsafe { Library::open(Some(*s), RTLD_NOW | RTLD_LOCAL) }.unwrap())
                .collect();
        }
        let names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        STEMS
            .iter()
            .map(|stem| {
                let prefix = format!("lib{stem}");
                let name = names
                    .iter()
                    .filter(|n| {
                        n.strip_prefix(&prefix)
                            .is_some_and(|r| r.starts_with(".so.") || r.starts_with('-'))
                    })
                    .max_by_key(|n| n.len())
                    .unwrap_or_else(|| panic!("no lib{stem} in {}", dir.display()));
                // SAFETY: a genuine FFmpeg library of the matrix.
                unsafe { Library::open(Some(dir.join(name)), RTLD_NOW | RTLD_LOCAL) }.unwrap()
            })
            .collect()
    }
}
