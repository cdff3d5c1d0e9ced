#!/usr/bin/env bash
# Release-mode stress: the concurrency tests (8 threads decoding different files with one
# shared Ffmpeg; 8 threads × 25 rounds opening and closing codecs) the pipeline tests and the
# scheduler tests (streams on shared workers, the drop policy, stopping mid-flight, what a
# sink may do with its own stream and scheduler),
# repeated, against Debian's FFmpeg 5.1.
#
#   bash ci/stress.sh [ROUNDS]     (20 by default)
set -euo pipefail

rounds=${1:-20}
source "$(dirname "$0")/debian-5.1.sh"
tests=(concurrency pipeline scheduler scheduler_sinks)
cargo test --release "${features[@]}" --quiet "${tests[@]/#/--test=}" --no-run >&2
for round in $(seq "$rounds"); do
    cargo test --release "${features[@]}" --quiet "${tests[@]/#/--test=}" >/dev/null 2>&1 || {
        echo "stress FAILED in round $round" >&2
        cargo test --release "${features[@]}" --quiet "${tests[@]/#/--test=}" >&2
        exit 1
    }
done
echo "stress ${tests[*]} (release): $rounds rounds passed"
