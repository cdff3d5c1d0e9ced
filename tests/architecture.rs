//! The layers stay one-way: reads every `crate::` path in `src/` and fails when a module uses a
//! layer above its own. Needs no FFmpeg.
//!
//! The layers, lowest first, are the folders of `src/`: `sys` (C-level primitives), `loader`
//! (finding, opening, probing, binding), `abi` (layouts and the self-check), `ffmpeg` (one
//! loaded FFmpeg, assembled from the two), `media` (the safe API) and `fast` (the fast paths).
//! Inside `src/`, items are reached by their layer's path, never through the crate root's
//! re-exports, so that every use names the layer it depends on.

use std::path::{Path, PathBuf};

const LAYERS: [&str; 6] = ["sys", "loader", "abi", "ffmpeg", "media", "fast"];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|known| *known == layer)
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // Bindgen's output uses nothing of the crate.
            if !path.ends_with("abi/generated") {
                rust_files(&path, files);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The code of a line, without a trailing `//` comment (doc links are not dependencies).
fn code_of(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    match line.find(" //") {
        Some(at) if !line[..at].contains('"') => &line[..at],
        _ => line,
    }
}

/// The first segment of every `crate::` path in `code`, including each member of a
/// `crate::{a, b::c}` group.
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for member in group[..end].split(',') {
                let segment = member.trim().split("::").next().unwrap_or("");
                if !segment.is_empty() {
                    found.push(segment.to_owned());
                }
            }
        } else {
            let segment: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(segment);
        }
    }
    found
}

#[test]
fn no_layer_uses_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(own) = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .and_then(rank)
        else {
            assert_eq!(
                relative,
                Path::new("lib.rs"),
                "{} is in no layer",
                relative.display()
            );
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for target in crate_paths(code_of(line)) {
                checked += 1;
                let place = format!("src/{}:{}", relative.display(), number + 1);
                match rank(&target) {
                    Some(used) if used <= own => {}
                    Some(_) => violations.push(format!(
                        "{place}: {} uses {target}, a higher layer",
                        LAYERS[own]
                    )),
                    None => violations.push(format!(
                        "{place}: crate::{target} is not a layer's path (use the layer's own path)"
                    )),
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} crate paths found: is the scan broken?"
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_crate_is_made_of_the_layers_alone() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let mut declared: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    declared.sort_unstable();
    let mut layers = LAYERS.to_vec();
    layers.sort_unstable();
    assert_eq!(
        declared, layers,
        "src/lib.rs declares the layers and nothing else"
    );
}

#[test]
fn the_scanner_sees_paths_groups_and_skips_comments() {
    assert_eq!(crate_paths("use crate::abi::{Field, Layout};"), ["abi"]);
    assert_eq!(
        crate_paths("use crate::{sys::Library, loader::error::Refusal};"),
        ["sys", "loader"]
    );
    assert_eq!(crate_paths("$crate::loader::symbols::x!()"), ["loader"]);
    assert!(crate_paths("notcrate::x").is_empty());
    assert_eq!(code_of("    /// [`Error`](crate::Error)"), "");
    assert_eq!(code_of("let x = 1; // crate::media"), "let x = 1;");
}
