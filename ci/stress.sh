#!/usr/bin/env bash
# Release-mode stress: the concurrency tests (8 threads decoding different files with one
# shared Ffmpeg; 8 threads × 25 rounds opening and closing codecs) and the pipeline tests,
# repeated, against Debian's FFmpeg 5.1.
#
#   bash ci/stress.sh [ROUNDS]     (20 by default)
set -euo pipefail

rounds=${1:-20}
source "$(dirname "$0")/debian-5.1.sh"
cargo test --release --quiet --test concurrency --test pipeline --no-run >&2
for round in $(seq "$rounds"); do
    cargo test --release --quiet --test concurrency --test pipeline >/dev/null 2>&1 || {
        echo "stress FAILED in round $round" >&2
        cargo test --release --quiet --test concurrency --test pipeline >&2
        exit 1
    }
done
echo "stress concurrency, pipeline (release): $rounds rounds passed"
