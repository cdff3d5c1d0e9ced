#!/usr/bin/env bash
# Regenerates the committed per-major struct layouts, src/abi/generated/v<major>.rs for each
# family of src/sys/families.rs, from FFmpeg's headers with bindgen (build.rs, feature
# `regenerate-abi`). Maintainers only: users' builds never run bindgen. MAINTAINING.md says how
# to add a family.
#
#   bash ci/regenerate-abi.sh           regenerate every major whose headers are in the cache
#   bash ci/regenerate-abi.sh --check   regenerate the majors whose headers came from packages
#                                       (those provision.sh marks .debian) and fail if that does
#                                       not reproduce the committed files, which are left as they were
#
# Headers live in $FFMPEG_RUNTIME_CACHE/headers/<libavcodec major>/ (ci/provision.sh headers:
# Debian's -dev packages, Ubuntu's for 6.1 and 8.1). Each major is generated twice: for LP64
# (Linux, macOS) into src/abi/generated/, for Windows (LLP64, through mingw-w64's headers) into
# src/abi/generated/windows/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
export FFMPEG_RUNTIME_CACHE=$cache
check=0
[ "${1:-}" = --check ] && check=1

log() { printf '[regenerate-abi] %s\n' "$*" >&2; }

bash ci/provision.sh headers >/dev/null
# bindgen needs libclang and clang's own headers (stddef.h …), which come with libclang-dev;
# the Windows layouts need mingw-w64's C headers, which clang finds through mingw-w64's gcc
# (without it, on a fresh machine, `errno.h` is "not found").
missing=()
dpkg -s libclang-dev >/dev/null 2>&1 || missing+=(libclang-dev)
dpkg -s mingw-w64-x86-64-dev >/dev/null 2>&1 || missing+=(mingw-w64-x86-64-dev)
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
if [ ${#missing[@]} != 0 ]; then
    log "installing ${missing[*]} (for bindgen)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# libclang's own headers, which it leaves out for a Windows target.
FFMPEG_RUNTIME_CLANG_INCLUDE=$(ls -d /usr/lib/llvm-*/lib/clang/*/include | sort -V | tail -n 1)
export FFMPEG_RUNTIME_CLANG_INCLUDE

headers="$cache/headers"
if [ "$check" = 1 ]; then
    headers=$(mktemp -d)
    debian_majors=()
    for tree in "$cache"/headers/*/.debian; do
        major=$(basename "$(dirname "$tree")")
        debian_majors+=("$major")
        ln -s "$cache/headers/$major" "$headers/$major"
    done
    saved=$(mktemp -d)
    cp -a src/abi/generated/. "$saved/"
fi

# A failed build fails the script: a check whose regeneration stopped half-way would compare
# files it never rewrote. (pipefail gives cargo's status; grep's "nothing left" is forgiven.)
build_status=0
FFMPEG_RUNTIME_HEADERS=$headers cargo build --quiet --features regenerate-abi \
    --target-dir target/regenerate-abi 2>&1 |
    { grep -v '^warning: ffmpeg-runtime@' || true; } >&2 || build_status=$?

if [ "$check" = 1 ]; then
    status=0
    if [ "$build_status" != 0 ]; then
        echo "ABI layouts: regeneration failed (cargo exited with $build_status), nothing compared" >&2
        status=1
    elif diff -r "$saved" src/abi/generated >/tmp/regenerate-abi.diff; then
        echo "ABI layouts: regeneration from the packages' headers (${debian_majors[*]}; LP64 and Windows) reproduces the committed files"
    else
        echo "ABI layouts: regeneration differs from the committed files:" >&2
        head -n 40 /tmp/regenerate-abi.diff >&2
        status=1
    fi
    cp -a "$saved/." src/abi/generated/
    rm -rf "$saved" "$headers"
    exit $status
fi
[ "$build_status" = 0 ] || exit "$build_status"
log "regenerated: $(ls src/abi/generated | tr '\n' ' ')"
