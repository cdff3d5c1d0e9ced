//! Prints what FFmpeg this machine would give a program, or why none could be loaded.
//!
//! ```text
//! cargo run --release --example ffinfo -- [--lib-dir DIR] [--json]
//! ```
//!
//! Without `--lib-dir` it searches the default way (see the crate docs). Exits non-zero, with
//! the whole refusal report on stderr, when nothing usable is found; a library whose struct
//! layouts fail the ABI self-check is among the refused, with the struct and field named.

mod common;
#[path = "common/stdout.rs"]
mod stdout;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ffmpeg_runtime::{Ffmpeg, Library, SymbolBinding};
use serde_json::json;

#[derive(Parser)]
#[command(about = "Show which FFmpeg ffmpeg-runtime loads, and how")]
struct Args {
    /// Load from this directory (or libavcodec file) instead of searching.
    #[arg(long)]
    lib_dir: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let loaded = common::load(args.lib_dir.as_ref());
    let ffmpeg = match loaded {
        Ok(ffmpeg) => ffmpeg,
        Err(error) => {
            eprint!("{}", error.report());
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        stdout::line(format_args!("{}", as_json(&ffmpeg)));
    } else {
        print_text(&ffmpeg);
    }
    ExitCode::SUCCESS
}

fn as_json(ffmpeg: &Ffmpeg) -> serde_json::Value {
    let libraries: serde_json::Map<String, serde_json::Value> = ffmpeg
        .libraries()
        .map(|lib| {
            let entry = json!({
                "path": lib.path(),
                "version": lib.version().to_string(),
                "soname": lib.soname(),
                "version_node": lib.binding().node(),
            });
            (lib.library().name().to_owned(), entry)
        })
        .collect();
    json!({
        "ffmpeg": ffmpeg.release(),
        "family": ffmpeg.family().to_string(),
        "libavcodec": ffmpeg.library(Library::AvCodec).expect("a required library").version().to_string(),
        "versioned_symbols": ffmpeg.versioned_symbols(),
        "platform_has_symbol_versioning": SymbolBinding::PLATFORM_HAS_VERSIONING,
        // A library whose layout fails the self-check is refused, so a loaded one passed.
        "abi_check": "passed",
        "abi_facts_checked": ffmpeg.abi_facts_checked(),
        "missing_optional_symbols": ffmpeg.missing_optional_symbols(),
        "libraries": libraries,
        "cpu_flags": ffmpeg.cpu_flags().names().collect::<Vec<_>>(),
        "source": ffmpeg.candidate().source().to_string(),
        "location": ffmpeg.candidate().location().to_string(),
        "license": ffmpeg.license(),
        "configuration": ffmpeg.configuration(),
    })
}

fn print_text(ffmpeg: &Ffmpeg) {
    stdout::line(format_args!(
        "FFmpeg {} ({} family), found: {}",
        ffmpeg.release(),
        ffmpeg.family(),
        ffmpeg.candidate()
    ));
    for lib in ffmpeg.libraries() {
        stdout::line(format_args!(
            "  {:<14} {:<10} {}  [{}]",
            lib.library().name(),
            lib.version(),
            lib.path().display(),
            lib.binding()
        ));
    }
    let pinned = if ffmpeg.versioned_symbols() {
        "yes (dlvsym)"
    } else if !SymbolBinding::PLATFORM_HAS_VERSIONING {
        "no: this platform has no symbol versioning; the version probe, the family checks and \
         the ABI self-check carry the proof"
    } else {
        "no (plain dlsym somewhere)"
    };
    stdout::line(format_args!("symbols pinned to version nodes: {pinned}"));
    stdout::line(format_args!(
        "ABI self-check: passed ({} facts of the struct layouts proven)",
        ffmpeg.abi_facts_checked()
    ));
    let missing = ffmpeg.missing_optional_symbols();
    stdout::line(format_args!(
        "optional symbols missing: {}{}",
        missing.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" ({})", missing.join(", "))
        }
    ));
    stdout::line(format_args!("cpu flags: {}", ffmpeg.cpu_flags()));
    stdout::line(format_args!("license: {}", ffmpeg.license()));
    stdout::line(format_args!("configuration: {}", ffmpeg.configuration()));
}
