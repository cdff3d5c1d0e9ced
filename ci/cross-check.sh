#!/usr/bin/env bash
# Compiles the crate, its tests, examples and benchmarks for the platforms CI cannot run, and
# lints them: macOS on Apple silicon and on Intel (cargo check and clippy; no machine here can
# run them), and Windows (clippy; ci/matrix.sh runs Windows under Wine).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for target in aarch64-apple-darwin x86_64-apple-darwin x86_64-pc-windows-gnu; do
    rustup target add "$target" >&2
    rustup component add clippy >/dev/null 2>&1 || true
    echo "== $target: cargo check, cargo clippy -D warnings (all targets, features image, ndarray)" >&2
    if cargo check --quiet --target "$target" --all-targets --features image,ndarray &&
        cargo clippy --quiet --target "$target" --all-targets --features image,ndarray -- -D warnings; then
        echo "$target: compiles, clippy clean"
    else
        echo "$target: FAILED"
        status=1
    fi
done
exit $status
