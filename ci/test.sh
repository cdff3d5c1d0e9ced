#!/usr/bin/env bash
# The whole test run (the README's test command; .ci/run calls it): the suite against the
# ten-build matrix, the suite cross-built for aarch64 under qemu-user against three builds
# and for Windows under Wine against its four, framehash.exe against the Linux framehash, the
# macOS and Windows compile and lint check, the conversion's tests on emulated AVX2-only and
# SSE4.1-only CPUs, then the reliability runs on Debian's 5.1: bounded
# fuzzing of the three targets, Valgrind memcheck, the thread sanitizer (where a nightly
# toolchain exists) and release stress. Ends with each stage's time, so that a run that grows
# shows where, and repeats a failed stage's failure lines, so that a log read from its tail
# shows what failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
timings=()
stage_logs=$(mktemp -d)
trap 'rm -rf "$stage_logs"' EXIT
stage() { # NAME COMMAND...
    local name=$1 began=$SECONDS log rc
    shift
    log=$(printf '%s/%02d.log' "$stage_logs" ${#timings[@]})
    # Each stage's output is kept too, so that a failed stage's own lines can be shown again
    # at the end: a long run's log is often read from its tail only.
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    timings+=("$(printf '%-28s %5d s' "$name" $((SECONDS - began)))")
    [ "$rc" = 0 ] && return
    status=1
    {
        echo "== $name failed (exit $rc): its failure lines, then its last lines"
        grep -E 'FAIL| [1-9][0-9]* failed|failures of|^---- |HUNG|died|panicked|^error|stopped at line|differ|^    [<>] |NOT' "$log" | head -n 40
        echo "   ..."
        tail -n 15 "$log"
    } > "$log.failure"
}
# On a CI machine (.ci/run sets FFMPEG_RUNTIME_CI_PRUNE=1) each build folder goes as soon as
# no later stage needs it: kept, the run's builds would hold 9 GB at once on a disk that CI
# machines share. Elsewhere they stay, for the next run.
prune() { # FOLDER... (under the target directory)
    [ "${FFMPEG_RUNTIME_CI_PRUNE:-0}" = 1 ] || return 0
    local folder
    for folder in "$@"; do rm -rf "${CARGO_TARGET_DIR:-target}/$folder"; done
}
stage "matrix, x86_64" bash ci/matrix.sh
prune regenerate-abi
# On aarch64, one release of each family (7.0 shares 7.1's libavcodec 61; run it by naming it).
stage "matrix, aarch64 (qemu)" env FFMPEG_RUNTIME_TEST_TARGET=aarch64-unknown-linux-gnu \
    bash ci/matrix.sh 6.1 7.1 8.1
prune aarch64-unknown-linux-gnu
stage "matrix, Windows (Wine)" env FFMPEG_RUNTIME_TEST_TARGET=x86_64-pc-windows-gnu bash ci/matrix.sh
stage "framehash, Windows" bash ci/framehash-windows.sh
stage "cross-check" bash ci/cross-check.sh
prune x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin x86-64-v4
stage "older x86-64 CPUs (qemu)" bash ci/older-cpus.sh
stage "fuzzing" bash ci/fuzz.sh "${FFMPEG_RUNTIME_FUZZ_SECONDS:-45}"
stage "memcheck" bash ci/memcheck.sh
stage "thread sanitizer" bash ci/tsan.sh
prune tsan
stage "stress" bash ci/stress.sh
echo
echo "Time per stage:"
printf '  %s\n' "${timings[@]}"
echo "  whole run                    $SECONDS s"
if [ "$status" != 0 ]; then
    echo
    echo "Failed stages:"
    cat "$stage_logs"/*.failure
fi
exit "$status"
