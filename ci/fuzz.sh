#!/usr/bin/env bash
# Fuzzes the crate against Debian's FFmpeg 5.1 with cargo-fuzz (libFuzzer), one target after
# the other: demux_decode (bytes through custom I/O, every stream decoded), api_sequence
# (operations on inputs, decoders, encoders, outputs, scalers, resamplers, queues, filter
# graphs and frames, made by 5.1 or by the 7.1 wheel and handed to each other's calls) and
# filter_graph (graphs from random CLI-syntax text, fed frames that change size and format).
#
#   bash ci/fuzz.sh [SECONDS | -runs=N]     (60 seconds per target by default)
#
# The seed corpora are made by the test suite (tests/fuzz_seeds.rs) into a cache directory,
# where they grow from run to run. Runs on stable Rust without a sanitizer (`-s none`): the
# libraries under test are not instrumented anyway; crashes, panics and hangs are what count.
# A crash leaves its input in fuzz/artifacts/TARGET/ and fails the script. Prints one line per
# target with its executions.
set -euo pipefail

budget=${1:-60}
case "$budget" in
    -runs=*) limit=("$budget") ;;
    *) limit=("-max_total_time=$budget") ;;
esac

command -v cargo-fuzz >/dev/null || cargo install --locked --quiet cargo-fuzz@0.13.2 >&2
source "$(dirname "$0")/debian-5.1.sh"
corpus="$cache/fuzz-corpus"
mkdir -p "$corpus"

echo "== making the seed corpora (tests/fuzz_seeds.rs on 5.1)" >&2
FFMPEG_RUNTIME_FUZZ_CORPUS="$corpus" cargo test --release "${features[@]}" --quiet --test fuzz_seeds >&2

status=0
for target in demux_decode api_sequence filter_graph; do
    echo "== fuzzing $target (${limit[*]})" >&2
    log=$(mktemp)
    # -rss_limit_mb and -timeout: an input FFmpeg takes too long or too much memory on counts
    # as a finding too; -max_len bounds the inputs near the seeds' size.
    if FFMPEG_RUNTIME_DIR="$dir" FFMPEG_RUNTIME_FUZZ_PARTNER="$partner_dir" cargo fuzz run --sanitizer none --release "$target" \
        "$corpus/$target" -- "${limit[@]}" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
        -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
        tail -n 60 "$log" >&2
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    printf 'fuzz %-13s %s: %s executions in %s s, corpus %s inputs\n' "$target" "$result" \
        "${runs:-?}" "${seconds:-?}" "$(ls "$corpus/$target" | wc -l)"
    rm -f "$log"
done
exit "$status"
