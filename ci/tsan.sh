#!/usr/bin/env bash
# Runs the multi-threaded tests under the thread sanitizer against Debian's FFmpeg 5.1:
# concurrency (8 threads, one shared Ffmpeg; codecs opened and closed at once), the decode
# pipeline and its thread hand-over, the many-stream scheduler (and sinks using it), decoding threads, custom I/O and two versions side by side.
#
#   bash ci/tsan.sh
#
# Needs a nightly toolchain with rust-src (-Zsanitizer, -Zbuild-std); where there is none it
# says so and exits 0. FFmpeg itself is not instrumented: ci/tsan.supp leaves its own
# accesses out. One test is skipped: it checks the pipeline keeps a stream's pace, which the
# sanitizer's slowdown cannot.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
export FFMPEG_RUNTIME_CACHE=$cache
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "tsan skipped: no nightly toolchain"
    exit 0
fi
if ! rustup component list --toolchain nightly --installed | grep -c '^rust-src' >/dev/null; then
    rustup component add rust-src --toolchain nightly >&2 || {
        echo "tsan skipped: nightly has no rust-src"
        exit 0
    }
fi
# Every build, as ci/matrix.sh lists them: the side-by-side test pairs 5.1 with another.
matrix=$(mktemp)
trap 'rm -f "$matrix"' EXIT
bash ci/provision.sh | while IFS=$'\t' read -r name dir; do
    printf '%s\t%s\t%s\n' "$name" "$dir" "$(awk -F'\t' -v n="$name" '$1 == n {print $2}' ci/builds.tsv)"
done > "$matrix"
export FFMPEG_RUNTIME_TEST_BUILD=5.1 FFMPEG_RUNTIME_TEST_MATRIX=$matrix
export FFMPEG_RUNTIME_TEST_FIXTURES=$cache/fixtures
export TSAN_OPTIONS="suppressions=$root/ci/tsan.supp halt_on_error=1"
tests=(concurrency pipeline scheduler scheduler_sinks threads custom_io side_by_side)
echo "== thread sanitizer: ${tests[*]}" >&2
RUSTFLAGS="-Zsanitizer=thread" CARGO_TARGET_DIR=target/tsan \
    cargo +nightly test --quiet -Zbuild-std --target x86_64-unknown-linux-gnu \
    "${tests[@]/#/--test=}" -- --skip live_pacing_delivers_at_the_streams_rate >&2
# Filter graphs on four threads at once (the rest of tests/filters.rs needs the examples).
RUSTFLAGS="-Zsanitizer=thread" CARGO_TARGET_DIR=target/tsan \
    cargo +nightly test --quiet -Zbuild-std --target x86_64-unknown-linux-gnu \
    --test=filters -- graphs_run_on_several_threads_at_once >&2
echo "tsan ${tests[*]} filters: no data race"
