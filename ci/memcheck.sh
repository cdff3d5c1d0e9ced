#!/usr/bin/env bash
# Runs decode, encode, remux, transcode, filter and subtitle workloads, API sequences, and the tests of what safe
# code must never reach (uninitialised planes and palettes, FFmpeg's buffers through a custom
# source, another release's objects) under Valgrind's memcheck against
# Debian's FFmpeg 5.1, and fails on any invalid read or write, use of uninitialised memory, or
# definitely-lost block. Leaks made by the dynamic loader and by the constructors of FFmpeg's
# own dependencies are not the crate's and are suppressed (ci/valgrind.supp).
#
#   bash ci/memcheck.sh
#
# The inputs are the fuzzing seeds the crate's own encoders make (ci/fuzz.sh makes them; this
# script makes them too when they are missing).
set -euo pipefail

command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >&2; }
source "$(dirname "$0")/debian-5.1.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$matrix" "$scratch"' EXIT
export FFMPEG_RUNTIME_DIR=$dir
seeds="$cache/fuzz-corpus/demux_decode"
if [ ! -e "$seeds/seed.mkv" ] || [ ! -e "$seeds/seed.dvdsub.mkv" ] ||
    [ ! -e "$seeds/seed.hdr10plus.hevc" ]; then
    FFMPEG_RUNTIME_FUZZ_CORPUS="$cache/fuzz-corpus" \
        cargo test --release "${features[@]}" --quiet --test fuzz_seeds >&2
fi

echo "== building the workloads" >&2
cargo build --release "${features[@]}" --quiet --example framehash --example transcode --example remux \
    --example probe --example subdump >&2
test_binary() {
    cargo test --release "${features[@]}" --no-run --message-format=json --test "$1" 2>/dev/null |
        python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
        print(msg["executable"])'
}
roundtrip=$(test_binary roundtrip)
fuzz_seeds=$(test_binary fuzz_seeds)
frame_buffers=$(test_binary frame_buffers)
custom_io_contracts=$(test_binary custom_io_contracts)
foreign_objects=$(test_binary foreign_objects)
channel_layouts=$(test_binary channel_layouts)
editing=$(test_binary editing)
network=$(test_binary network)
catalog=$(test_binary catalog)
filters=$(test_binary filters)
bsf=$(test_binary bsf)
accurate_seek=$(test_binary accurate_seek)
subtitles=$(test_binary subtitles)
scheduler=$(test_binary scheduler)
scheduler_sinks=$(test_binary scheduler_sinks)

status=0
check() {
    local name=$1
    shift
    local log="$scratch/$name.log"
    if valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --suppressions=ci/valgrind.supp \
        --log-file="$log" "$@" >"$scratch/$name.out" 2>&1; then
        printf 'memcheck %-34s clean\n' "$name"
    else
        printf 'memcheck %-34s FAILED\n' "$name"
        cat "$log" "$scratch/$name.out" >&2
        status=1
    fi
}
for container in mp4 mkv ts avi nut; do
    check "decode seed.$container" target/release/examples/framehash "$seeds/seed.$container"
done
check "transcode mkv to mp4 (libx264, aac)" \
    target/release/examples/transcode "$seeds/seed.mkv" "$scratch/out.mp4"
check "transcode ts to mkv (libx264, libvorbis)" target/release/examples/transcode "$seeds/seed.ts" "$scratch/out.mkv"
check "remux mkv to mp4" "$roundtrip" remuxing --test-threads=1
check "encode and decode the seeds" "$fuzz_seeds" demux --test-threads=1
check "300 random API sequences, two releases" "$fuzz_seeds" random_api --test-threads=1
check "frame buffers: planes, palettes, sharing" "$frame_buffers" --test-threads=1
check "custom input: lying, size-less sources" "$custom_io_contracts" --test-threads=1
check "objects of two releases refused" "$foreign_objects" --test-threads=1
check "channel layouts written and read back" "$channel_layouts" --test-threads=1
check "packets and frames edited" "$editing" --test-threads=1
check "scheduler: drop policy, stopping mid-flight" "$scheduler" \
    a_stream_behind dropping_the_scheduler a_panicking_sink --test-threads=1
check "scheduler: sinks using their stream, scheduler" "$scheduler_sinks" --test-threads=1
# (Live UDP is left out: under Valgrind's one-thread-at-a-time the receiver drops datagrams.)
check "network inputs: HTTP, timeouts, interrupts" "$network" --test-threads=1 --skip live_mpegts
check "codec and format lists, decoder by name" "$catalog" --test-threads=1
printf ';FFMETADATA1\ntitle=T\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=One\n' \
    > "$scratch/chapters.txt"
ffmpeg -hide_banner -loglevel error -nostdin -i "$seeds/seed.mkv" -i "$scratch/chapters.txt" \
    -map 0 -map_metadata 1 -map_chapters 1 -c copy "$scratch/chapters.mkv"
check "remux example: metadata, chapters" \
    target/release/examples/remux "$scratch/chapters.mkv" "$scratch/remuxed.mkv"
check "probe example" target/release/examples/probe "$scratch/remuxed.mkv"
check "probe --show-packets --show-frames: every packet, frame and subtitle" \
    target/release/examples/probe "$seeds/seed.srt.mkv" --show-packets --show-frames
check "probe --frame-side-data: HDR10+ metadata" \
    target/release/examples/probe "$seeds/seed.hdr10plus.hevc" --frame-side-data
check "framehash --vf split, overlay, scale" target/release/examples/framehash "$seeds/seed.mkv" \
    --vf "split[a][b];[b]hflip,scale=iw/2:-2[c];[a][c]overlay,fps=10"
check "framehash --af aresample, volume" target/release/examples/framehash "$seeds/seed.mkv" \
    --af "aresample=22050,volume=0.5"
check "transcode --vf --af" target/release/examples/transcode "$seeds/seed.mkv" \
    "$scratch/filtered.mkv" --vf "scale=96:-2,fps=5" --af "atempo=1.25"
check "filter graphs: CLI parity, rebuilds, errors" "$filters" --test-threads=1
check "300 random filter-graph sequences" "$fuzz_seeds" random_filter_graph --test-threads=1
check "bitstream filters, muxed and misused" "$bsf" --test-threads=1
check "frame-exact random access" "$accurate_seek" reader --test-threads=1
check "subdump: mov_text to SubRip" target/release/examples/subdump "$seeds/seed.mov_text.mp4"
check "subdump --json: DVD bitmaps" target/release/examples/subdump --json "$seeds/seed.dvdsub.mkv"
check "transcode --all-streams: SubRip as mov_text" target/release/examples/transcode \
    "$seeds/seed.srt.mkv" "$scratch/subtitles.mp4" --all-streams
check "transcode: SubRip as ASS" target/release/examples/transcode \
    "$seeds/seed.srt.mkv" "$scratch/subtitles.mkv"
check "subtitles: decode, encode, misuse, damage" "$subtitles" --test-threads=1
exit "$status"
