#!/usr/bin/env bash
# The conversion's tests on older x86-64 CPUs, emulated by qemu-user: Haswell (AVX2, no
# AVX-512) and Nehalem (SSE4.1, no AVX). The runtime dispatch then takes the AVX2 and SSE4.1
# kernels as those CPUs do, through every path tests/rgb.rs takes (the default widest one
# included); on a host with AVX-512 they otherwise run only when capped (`SimdLimit`, the
# library's unit tests). Against Debian's FFmpeg 5.1; the ffmpeg CLI the tests start runs
# natively.
#
#   bash ci/older-cpus.sh
set -euo pipefail
source "$(dirname "$0")/debian-5.1.sh"
if ! command -v qemu-x86_64 >/dev/null; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >&2
fi
cargo test --release "${features[@]}" --quiet --lib --test rgb --no-run >&2
status=0
for cpu_level in Haswell:avx2 Nehalem:sse4.1; do
    cpu=${cpu_level%%:*} level=${cpu_level#*:}
    # Cargo starts each test binary through the runner; what it runs is the native build.
    export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="qemu-x86_64 -cpu $cpu"
    export FFMPEG_RUNTIME_TEST_SIMD=$level
    log=$(mktemp)
    if cargo test --release "${features[@]}" --quiet --lib -- fast::convert:: >"$log" 2>&1 &&
        cargo test --release "${features[@]}" --quiet --test rgb >>"$log" 2>&1; then
        passed=$(grep -o '[0-9]* passed' "$log" | awk '{n += $1} END {print n}')
        echo "conversion on an emulated $cpu ($level): $passed tests passed"
    else
        cat "$log" >&2
        echo "conversion on an emulated $cpu ($level): FAILED"
        status=1
    fi
    rm -f "$log"
done
exit $status
