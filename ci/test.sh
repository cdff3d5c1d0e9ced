#!/usr/bin/env bash
# The whole test run (the README's test command; .ci/run calls it): the suite against the
# ten-build matrix, the suite cross-built for aarch64 under qemu-user against its four builds
# and for Windows under Wine against its four, framehash.exe against the Linux framehash, the
# macOS and Windows compile and lint check, then the reliability runs on Debian's 5.1: bounded
# fuzzing of the three targets, Valgrind memcheck, the thread sanitizer (where a nightly
# toolchain exists) and release stress.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
bash ci/matrix.sh || status=1
FFMPEG_RUNTIME_TEST_TARGET=aarch64-unknown-linux-gnu bash ci/matrix.sh || status=1
FFMPEG_RUNTIME_TEST_TARGET=x86_64-pc-windows-gnu bash ci/matrix.sh || status=1
bash ci/framehash-windows.sh || status=1
bash ci/cross-check.sh || status=1
bash ci/fuzz.sh "${FFMPEG_RUNTIME_FUZZ_SECONDS:-60}" || status=1
bash ci/memcheck.sh || status=1
bash ci/tsan.sh || status=1
bash ci/stress.sh || status=1
exit "$status"
