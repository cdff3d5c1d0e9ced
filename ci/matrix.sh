#!/usr/bin/env bash
# Runs the whole test suite once per FFmpeg build of ci/builds.tsv and ends with a table.
#
#   bash ci/matrix.sh [NAME ...]      (all ten builds when no name is given)
#   FFMPEG_RUNTIME_TEST_TARGET=aarch64-unknown-linux-gnu bash ci/matrix.sh
#                                     (cross-built, under qemu-user, the builds of
#                                      ci/builds-aarch64.tsv)
#   FFMPEG_RUNTIME_TEST_TARGET=x86_64-pc-windows-gnu bash ci/matrix.sh
#                                     (cross-built with mingw-w64, under Wine, the DLLs of
#                                      ci/builds-windows.tsv)
#
# Provisions the builds (ci/provision.sh, cached outside the repository), checks that the
# committed ABI layouts regenerate from the headers Debian gives (ci/regenerate-abi.sh --check),
# compiles the tests once, then runs every test binary against each build. FFmpeg 9.0 needs a newer C library than
# the host's: its run goes through its own dynamic loader, `ld-linux-x86-64.so.2 --library-path`.
# Exits non-zero when any build fails.
set -Eeuo pipefail
# Names the command that stopped the script, which set -e alone leaves unsaid (not the
# failures that set +e stretches let through).
trap 'stop_status=$?; [[ $- == *e* ]] && echo "matrix.sh: stopped at line $LINENO (exit $stop_status): $BASH_COMMAND" >&2' ERR

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
export FFMPEG_RUNTIME_CACHE=$cache
unset FFMPEG_RUNTIME_DIR LD_LIBRARY_PATH
profile=${FFMPEG_RUNTIME_TEST_PROFILE:-release}

if ! command -v cargo >/dev/null; then
    echo "cargo is needed (https://rustup.rs)" >&2
    exit 1
fi
command -v cc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc >&2; }

# FFMPEG_RUNTIME_TEST_TARGET=aarch64-unknown-linux-gnu cross-builds the suite for Linux on
# aarch64 and runs it under qemu-user against the builds of ci/builds-aarch64.tsv.
target=${FFMPEG_RUNTIME_TEST_TARGET:-}
builds_file=ci/builds.tsv
matrix_file="$cache/matrix.tsv"
runner=()
cargo_target=()
# The tests' own C compiler (fake libraries for the loader's refusals) builds for the target.
cross_env=()
# Children of a test run inside Wine as Windows programs, so Wine is the runner but not an
# emulator the tests start children under.
emulator=()
case "$target" in
'' | aarch64-unknown-linux-gnu) ;;
x86_64-pc-windows-gnu)
    runner_line=$(bash ci/wine.sh)
    read -r -a runner <<< "$runner_line"
    rustup target add "$target" >&2
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
    builds_file=ci/builds-windows.tsv
    matrix_file="$cache/matrix-windows.tsv"
    cargo_target=(--target "$target")
    cross_env=(CC=x86_64-w64-mingw32-gcc)
    ;;
*) echo "unsupported target $target" >&2; exit 1 ;;
esac
if [ "$target" = aarch64-unknown-linux-gnu ]; then
    if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-aarch64-linux-gnu \
            libc6-dev-arm64-cross qemu-user >&2
    fi
    rustup target add "$target" >&2
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
    builds_file=ci/builds-aarch64.tsv
    matrix_file="$cache/matrix-aarch64.tsv"
    runner=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
    emulator=("${runner[@]}")
    cargo_target=(--target "$target")
    cross_env=(CC=aarch64-linux-gnu-gcc)
fi
# Every build is provisioned (cached), so that tests pairing two builds find their partner;
# only the builds named (all by default) are run.
provisioned=$(FFMPEG_RUNTIME_BUILDS=$builds_file bash ci/provision.sh)
: > "$matrix_file"
while IFS=$'\t' read -r name dir; do
    version=$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$builds_file")
    printf '%s\t%s\t%s\n' "$name" "$dir" "$version" >> "$matrix_file"
done <<< "$provisioned"
wanted=" $* "

total_passed=0
total_ignored=0
total_failed=0
if [ -n "$target" ]; then
    regeneration="Cross-built for $target, run under ${runner[*]}"
else
    echo "== ABI layouts: regenerating from the packages' headers (LP64 and Windows)" >&2
    if regeneration=$(bash ci/regenerate-abi.sh --check); then
        total_passed=1
    else
        regeneration="ABI layouts: regeneration does NOT reproduce the committed files (see above)"
        total_failed=1
    fi
fi

echo "== building tests ($profile)" >&2
# The interop features are tested too; ffmpeg-next (benchmarks only) is not.
cargo_profile=(--profile "$profile" --features image,ndarray)
[ "$profile" = dev ] && cargo_profile=(--features image,ndarray)
cargo_profile+=("${cargo_target[@]}")
binaries=$(cargo test "${cargo_profile[@]}" --no-run --message-format=json 2>/dev/null |
    python3 -c '
import json, sys
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["profile"]["test"]:
        print(msg["executable"])
')
if [ -z "$binaries" ]; then
    cargo test "${cargo_profile[@]}" --no-run >&2 # show the compiler's errors
    exit 1
fi

# The libavfilter a build directory holds ("none" for none), as its file names its version.
avfilter_version() { # dir
    local file
    file=$(ls "$1" | grep -E '^libavfilter(-[0-9a-f]+)?\.so\.[0-9]' | head -n 1 || true)
    # A DLL's name carries only the major.
    if [ -z "$file" ] && file=$(ls "$1" | grep -E '^avfilter-[0-9]+' | head -n 1); then
        file=${file#avfilter-}
        echo "${file%%[-.]*} (DLL)"
        return
    fi
    if [ -z "$file" ]; then
        echo none
        return
    fi
    file=$(basename "$(readlink -f "$1/$file")")
    echo "${file#*.so.}"
}

# Under qemu-user or Wine, code runs slower, and the tests that spend a quarter of a minute or
# more there (x264 at 720p, every encoder, every container, every scaler configuration, an
# interrupted transcode, a hundred load cycles, threads racing to the first use of fresh
# loads, the fuzzers' seeds, swapping three releases while streams decode) run on the last
# build of the file only; every other test runs on every build. The summary names them.
slow_once=(
    with_no_input_it_transcodes_its_own_synthetic_clip
    real_world_inputs_transcode_to_mp4_and_mkv_with_the_clis_frames_and_every_sample
    subtitle_streams_are_kept
    each_container_gets_its_own_default_codecs_as_the_cli_gives_them
    ctrl_c_finishes_a_playable_file
    remux_writes_what_the_cli_writes
    size_and_encoders_can_be_chosen
    every_scaler_configuration_is_done_or_refused
    video_round_trips_through_every_available_encoder
    audio_round_trips_through_every_available_encoder
    a_thousand_load_decode_unload_cycles_leave_the_mappings_as_they_were
    threads_loading_and_first_using_a_build_at_once_race_nothing
    demux_seeds_of_every_container_decode
    random_api_sequences_run_clean
    random_filter_graph_sequences_run_clean
    streams_finish_on_their_release_while_reloads_swap_it
    scheduled_streams_finish_on_their_release_while_reloads_swap_it
)
last_build=$(tail -n 1 "$matrix_file" | cut -f1)

# Under qemu-user the slowest binary takes about 80 s; one past this limit has hung.
binary_limit=600
# The tests of the current binary (its lines of $log from line $1 on) that started but never
# ended: libtest names a test still running after 60 s, and every test that ends.
unfinished_tests() { # first line
    local lines
    lines=$(tail -n +$(($1 + 1)) "$log")
    local running
    running=$(sed -nE 's/^test (.+) has been running for over [0-9]+ seconds$/\1/p' <<< "$lines" |
        while read -r test; do
            grep -qF "test $test ... " <<< "$lines" || printf '%s ' "$test"
        done)
    if [ -n "$running" ]; then
        echo "still running: $running"
    else
        echo "no test had run 60 s; its last lines: $(tail -n 3 <<< "$lines" | tr '\n' '|')"
    fi
}

# Runs a test binary against the current build, appending to $log; sets start (the log's
# length before it: only its own lines count), status and summary (its "test result:" line).
run_binary() { # binary
    start=$(wc -l < "$log")
    local began_run=$SECONDS
    set +e
    FFMPEG_RUNTIME_TEST_BUILD=$name FFMPEG_RUNTIME_TEST_MATRIX=$matrix_file \
        FFMPEG_RUNTIME_TEST_FIXTURES="$cache/fixtures" FFMPEG_RUNTIME_TEST_LAUNCHER_DIR=$launcher_dir \
        FFMPEG_RUNTIME_TEST_EMULATOR="${emulator[*]}" \
        timeout -k 30 "$binary_limit" env "${cross_env[@]}" "${launcher[@]}" "$1" --test-threads=2 "${skips[@]}" >> "$log" 2>&1
    status=$?
    set -e
    ran=$((SECONDS - began_run))
    summary=$(summary_since "$start")
}

# The last "test result:" line of $log after line $1: the summary of the run that began there.
# None is that run's failure, counted by the caller (count_run), not the script's end.
summary_since() { # first line
    tail -n +$(($1 + 1)) "$log" | grep -E '^test result:' | tail -n 1 || true
}

# The counts of a run from its summary and exit status: p passed, f failed, i ignored (empty
# when not said). A run that failed without counting a failure (it crashed, hung or did not
# build) counts as one.
count_run() {
    p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<< "$summary")
    f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<< "$summary")
    i=$(sed -nE 's/.* ([0-9]+) ignored.*/\1/p' <<< "$summary")
    p=${p:-0}
    f=${f:-0}
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
}

# Nothing when the binary's last run ended with its summary and Wine started every program it
# was asked to; otherwise how it ended (hung past the limit, died, or Wine's refusal) and, for
# the first two, which of its tests never did. A hung process that ignores timeout's
# SIGTERM (an emulator stuck in its own locks cannot hand it to the program) is killed 30 s
# later, and its status is then SIGKILL's, 137.
how_it_ended() {
    if [ "$status" = 124 ] || { [ "$status" = 137 ] && [ "$ran" -ge "$binary_limit" ]; }; then
        echo "HUNG: stopped after $binary_limit s; $(unfinished_tests "$start")"
    elif [ "$status" != 0 ] && [ -z "$summary" ]; then
        echo "died (exit $status) before its summary; $(unfinished_tests "$start")"
    elif [ "$target" = x86_64-pc-windows-gnu ] && [ "$status" != 0 ] &&
        tail -n +$((start + 1)) "$log" | grep -qE 'Os \{ code: 1359,|\(os error 1359\)'; then
        # Wine 8.0 has failed to start a test's child program with ERROR_INTERNAL_ERROR
        # (network.exe on 6.1, the CI of 2026-12-03's seventh session; transcode.exe on 8.1,
        # that of the thirteenth, whose test printed the error with Display, not Debug), in
        # suites that had passed under it in every run before: Wine's trouble, not the test's.
        echo "failed: Wine could not start a child program (ERROR_INTERNAL_ERROR, 1359)"
    fi
}

results=()
# Binaries that hung or died under the emulator and passed when run again.
recovered=()
run_logs=()
logs="$cache/logs"
mkdir -p "$logs"
while IFS=$'\t' read -r name dir version; do
    if [ "$wanted" != "  " ] && [[ "$wanted" != *" $name "* ]]; then
        continue
    fi
    launcher=("${runner[@]}")
    launcher_dir=""
    if [ -e "$dir/ld-linux-x86-64.so.2" ]; then
        launcher=("$dir/ld-linux-x86-64.so.2" --library-path "$dir")
        launcher_dir=$dir
    fi
    passed=0
    failed=0
    ignored=0
    log="$logs/$name${target:+-$target}.log"
    : > "$log"
    run_logs+=("$log")
    echo "== FFmpeg $name (libavcodec $version) from $dir" >&2
    skips=()
    if [ ${#runner[@]} != 0 ] && [ "$name" != "$last_build" ]; then
        skips=(--exact)
        for test in "${slow_once[@]}"; do skips+=(--skip "$test"); done
    fi
    for binary in $binaries; do
        began=$SECONDS
        run_binary "$binary"
        trouble=$(how_it_ended)
        if [ -n "$trouble" ] && [ ${#runner[@]} != 0 ]; then
            # qemu-user once hung a test binary of 8.1 (the CI of 2026-12-02's last hand-in)
            # that passed under it in every run before and in eleven runs of the 8.1 suite
            # since: under an emulator a binary that hangs, dies or meets the emulator's own
            # failure gets a second run, and only a second such end counts.
            echo "   $(basename "$binary") $trouble; running it once more under ${runner[0]}" |
                tee -a "$log" >&2
            run_binary "$binary"
            again=$(how_it_ended)
            [ -z "$again" ] && recovered+=("$name, $(basename "$binary"): $trouble")
            trouble=$again
        fi
        [ -n "$trouble" ] && echo "   $(basename "$binary") $trouble" | tee -a "$log" >&2
        count_run
        ignored=$((ignored + ${i:-0}))
        passed=$((passed + p))
        failed=$((failed + f))
        echo "   $(basename "$binary"): $p passed, $f failed${i:+, $i ignored} ($((SECONDS - began)) s)" >&2
    done
    if [ "$name" = 5.1 ] && [ -z "$target" ]; then
        # Doc tests run once, against the default discovery (the system's FFmpeg). Their
        # ignored examples (not run by design) stay out of the table's count.
        start=$(wc -l < "$log")
        set +e
        cargo test "${cargo_profile[@]}" --doc >> "$log" 2>&1
        status=$?
        set -e
        summary=$(summary_since "$start")
        count_run
        passed=$((passed + p))
        failed=$((failed + f))
        echo "   doc tests: $p passed, $f failed" >&2
    fi
    if [ "$failed" != 0 ]; then
        echo "   failures of $name (from $log):" >&2
        grep -E -A25 '^---- |panicked at' "$log" | head -n 80 >&2 || true
    fi
    total_passed=$((total_passed + passed))
    total_ignored=$((total_ignored + ignored))
    total_failed=$((total_failed + failed))
    status=PASS
    [ "$failed" != 0 ] && status=FAIL
    results+=("$(printf '| %-6s | %-11s | %-11s | %6s | %6s | %7s | %-4s |' "$name" "$version" "$(avfilter_version "$dir")" "$passed" "$failed" "$ignored" "$status")")
done < "$matrix_file"
# Test processes remove their scratch directories as they exit, but Windows keeps the copies
# of DLLs a process still has loaded then: those go here.
if [ "$target" = x86_64-pc-windows-gnu ]; then
    rm -rf "$cache"/wine-prefix/drive_c/users/*/Temp/ffmpeg-runtime-tests-*
fi

echo
echo "$regeneration"
echo
echo "| FFmpeg | libavcodec  | libavfilter | passed | failed | ignored | ok   |"
echo "|--------|-------------|-------------|--------|--------|---------|------|"
printf '%s\n' "${results[@]}"
echo
echo "$total_passed passed, $total_failed failed, $total_ignored ignored"
if [ ${#runner[@]} != 0 ]; then
    echo
    echo "Run on $last_build only, under ${target:-the host}'s runner (half a minute or more each there):"
    printf '  %s\n' "${slow_once[@]}"
fi
if [ ${#recovered[@]} != 0 ]; then
    echo
    echo "Hung or died once under ${runner[0]}, then passed when run again:"
    printf '  %s\n' "${recovered[@]}"
fi
if [ "$total_ignored" != 0 ]; then
    # Which tests this platform leaves out, and why (their #[ignore] reasons).
    echo
    echo "Ignored here, with the reasons the tests give:"
    cat "${run_logs[@]}" | grep -E '^test .* \.\.\. ignored' |
        sed -E 's/^test ([^ ]+) \.\.\. ignored, ?/  \1: /' | sort -u | head -n 200
fi
[ "$total_failed" = 0 ]
