#!/usr/bin/env bash
# The whole test run (the README's test command; .ci/run calls it): the suite against the
# ten-build matrix, then the reliability runs on Debian's 5.1: bounded fuzzing of both targets,
# Valgrind memcheck, the thread sanitizer (where a nightly toolchain exists) and release stress.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
bash ci/matrix.sh || status=1
bash ci/fuzz.sh "${FFMPEG_RUNTIME_FUZZ_SECONDS:-60}" || status=1
bash ci/memcheck.sh || status=1
bash ci/tsan.sh || status=1
bash ci/stress.sh || status=1
exit "$status"
