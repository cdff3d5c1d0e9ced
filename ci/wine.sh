#!/usr/bin/env bash
# Prepares Wine to run the crate's Windows programs headless, and prints the runner to use.
#
#   runner=$(bash ci/wine.sh)      then: $runner PROGRAM.exe ARGS…
#
# Installs Debian's mingw-w64 linker and Wine 8.0 when absent, makes a Wine prefix under the
# cache, and puts in it a bcryptprimitives.dll: Rust's std (≥ 1.78) imports ProcessPrng from it,
# which Wine 8.0 lacks, so every Rust program would exit with 0xc0000135 at start. The stub
# forwards to BCryptGenRandom, which Wine has. Nothing here is needed on a real Windows.
set -euo pipefail

cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
log() { printf '[wine] %s\n' "$*" >&2; }

if ! command -v x86_64-w64-mingw32-gcc >/dev/null || [ ! -x /usr/lib/wine/wine64 ]; then
    log "installing gcc-mingw-w64-x86-64 and wine64"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 wine64 >&2
fi

export WINEPREFIX="$cache/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
stub="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -e "$stub" ]; then
    log "making the Wine prefix $WINEPREFIX"
    /usr/lib/wine/wine64 wineboot --init >/dev/null 2>&1 || true
    /usr/lib/wine/wineserver -w || true
    src=$(mktemp -d)
    cat > "$src/bcryptprimitives.c" <<'C'
#include <windows.h>
#include <bcrypt.h>
/* What Rust's std calls for random bytes; Wine 8.0 has no bcryptprimitives.dll. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C
    printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\n    ProcessPrng\n' > "$src/bcryptprimitives.def"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$stub" "$src/bcryptprimitives.c" \
        "$src/bcryptprimitives.def" -lbcrypt
    rm -rf "$src"
fi
echo "env WINEPREFIX=$WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= /usr/lib/wine/wine64"
