#!/usr/bin/env bash
# The whole test run (the README's test command; .ci/run calls it): the suite against the
# ten-build matrix, the suite cross-built for aarch64 under qemu-user against three builds
# and for Windows under Wine against its four, framehash.exe against the Linux framehash, the
# macOS and Windows compile and lint check, the conversion's tests on emulated AVX2-only and
# SSE4.1-only CPUs, then the reliability runs on Debian's 5.1: bounded
# fuzzing of the three targets, Valgrind memcheck, the thread sanitizer (where a nightly
# toolchain exists) and release stress. Ends with each stage's time, so that a run that grows
# shows where.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
timings=()
stage() { # NAME COMMAND...
    local name=$1 began=$SECONDS
    shift
    "$@" || status=1
    timings+=("$(printf '%-28s %5d s' "$name" $((SECONDS - began)))")
}
stage "matrix, x86_64" bash ci/matrix.sh
# On aarch64, one release of each family (7.0 shares 7.1's libavcodec 61; run it by naming it).
stage "matrix, aarch64 (qemu)" env FFMPEG_RUNTIME_TEST_TARGET=aarch64-unknown-linux-gnu \
    bash ci/matrix.sh 6.1 7.1 8.1
stage "matrix, Windows (Wine)" env FFMPEG_RUNTIME_TEST_TARGET=x86_64-pc-windows-gnu bash ci/matrix.sh
stage "framehash, Windows" bash ci/framehash-windows.sh
stage "cross-check" bash ci/cross-check.sh
stage "older x86-64 CPUs (qemu)" bash ci/older-cpus.sh
stage "fuzzing" bash ci/fuzz.sh "${FFMPEG_RUNTIME_FUZZ_SECONDS:-45}"
stage "memcheck" bash ci/memcheck.sh
stage "thread sanitizer" bash ci/tsan.sh
stage "stress" bash ci/stress.sh
echo
echo "Time per stage:"
printf '  %s\n' "${timings[@]}"
echo "  whole run                    $SECONDS s"
exit "$status"
