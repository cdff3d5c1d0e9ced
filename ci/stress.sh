#!/usr/bin/env bash
# Release-mode stress: the concurrency tests (8 threads decoding different files with one
# shared Ffmpeg; 8 threads × 25 rounds opening and closing codecs) and the pipeline tests,
# repeated, against Debian's FFmpeg 5.1.
#
#   bash ci/stress.sh [ROUNDS]     (20 by default)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
export FFMPEG_RUNTIME_CACHE=$cache
rounds=${1:-20}
dir=$(bash ci/provision.sh 5.1 | cut -f2)
matrix=$(mktemp)
trap 'rm -f "$matrix"' EXIT
printf '5.1\t%s\t%s\n' "$dir" "$(awk -F'\t' '$1 == "5.1" {print $2}' ci/builds.tsv)" > "$matrix"
export FFMPEG_RUNTIME_TEST_BUILD=5.1 FFMPEG_RUNTIME_TEST_MATRIX=$matrix
export FFMPEG_RUNTIME_TEST_FIXTURES=$cache/fixtures
cargo test --release --quiet --test concurrency --test pipeline --no-run >&2
for round in $(seq "$rounds"); do
    cargo test --release --quiet --test concurrency --test pipeline >/dev/null 2>&1 || {
        echo "stress FAILED in round $round" >&2
        cargo test --release --quiet --test concurrency --test pipeline >&2
        exit 1
    }
done
echo "stress concurrency, pipeline (release): $rounds rounds passed"
