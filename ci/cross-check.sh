#!/usr/bin/env bash
# Compiles the crate, its tests, examples and benchmarks for the platforms CI cannot run, and
# lints them: macOS on Apple silicon and on Intel (no machine here can run them) and Windows
# (ci/matrix.sh runs Windows under Wine), with clippy, which compiles as `cargo check` does
# (a `cargo check` before it only checked everything twice). Then the library for
# Linux with every x86-64 extension the SIMD code uses enabled for the whole build, as
# `-C target-cpu=native` does on a recent CPU: multiversion then compiles no clones, and the
# SIMD kernels are called from code without their `target_feature`s.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for target in aarch64-apple-darwin x86_64-apple-darwin x86_64-pc-windows-gnu; do
    rustup target add "$target" >&2
    rustup component add clippy >/dev/null 2>&1 || true
    echo "== $target: cargo clippy -D warnings (all targets, features image, ndarray)" >&2
    if cargo clippy --quiet --target "$target" --all-targets --features image,ndarray -- -D warnings; then
        echo "$target: compiles, clippy clean"
    else
        echo "$target: FAILED"
        status=1
    fi
done
echo "== x86_64-unknown-linux-gnu with -C target-cpu=x86-64-v4: cargo clippy -D warnings (library)" >&2
# A target directory of its own: other flags would rebuild the shared one's dependencies.
if CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/x86-64-v4" RUSTFLAGS="-C target-cpu=x86-64-v4" \
    cargo clippy --quiet --lib -- -D warnings; then
    echo "x86-64-v4 (AVX-512 enabled for the whole build): compiles, clippy clean"
else
    echo "x86-64-v4 (AVX-512 enabled for the whole build): FAILED"
    status=1
fi
exit $status
