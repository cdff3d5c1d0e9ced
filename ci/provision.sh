#!/usr/bin/env bash
# Provisions the FFmpeg builds listed in ci/builds.tsv into a cache outside the repository.
#
#   ci/provision.sh [NAME ...]     (all builds and the fixtures when no name is given;
#                                   the name "fixtures" asks for the test fixtures, "headers"
#                                   for FFmpeg's headers per major)
#
# Each build ends up as one flat directory of shared libraries, $FFMPEG_RUNTIME_CACHE/builds/NAME,
# except the "system" build, which is installed with apt-get and lives in the system's libdir.
# Prints "NAME<TAB>DIR" for every provisioned build on stdout; progress goes to stderr.
# Test fixtures that are not FFmpeg builds go to $FFMPEG_RUNTIME_CACHE/fixtures.
# Idempotent: a build whose directory carries a .complete marker naming its row of builds.tsv is not fetched again.
# FFMPEG_RUNTIME_BUILDS names another list (ci/builds-aarch64.tsv), whose builds go to
# $FFMPEG_RUNTIME_CACHE/builds-aarch64/NAME.
set -Eeuo pipefail
# Names the command that stopped the script, which set -e alone leaves unsaid (not the
# failures that set +e stretches let through).
trap 'stop_status=$?; [[ $- == *e* ]] && echo "provision.sh: stopped at line $LINENO (exit $stop_status): $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
builds_file=${FFMPEG_RUNTIME_BUILDS:-$here/builds.tsv}
builds_name=$(basename "$builds_file" .tsv)
builds="$cache/$builds_name"
mkdir -p "$builds" "$cache/downloads"

log() { printf '[provision] %s\n' "$*" >&2; }
# A fresh CI machine's downloads should not fail the run for one dropped connection.
apt_retries=(-o Acquire::Retries=3)

apt_updated=0
apt_update_once() {
    if [ "$apt_updated" = 0 ]; then
        log "apt-get update"
        apt-get "${apt_retries[@]}" update -qq >&2
        apt_updated=1
    fi
}

need_tool() { # tool package
    command -v "$1" >/dev/null 2>&1 && return 0
    apt_update_once
    log "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_retries[@]}" install -y -qq "$2" >&2
}

# Copies every shared library (or DLL) below $1 into the flat directory $2, keeping symlinks as
# symlinks.
flatten_libs() {
    local from=$1 to=$2
    mkdir -p "$to"
    find "$from" \( -type f -o -type l \) \( -name '*.so*' -o -name '*.dll' \) -print0 |
        while IFS= read -r -d '' f; do
            local base
            base=$(basename "$f")
            [ -e "$to/$base" ] || [ -L "$to/$base" ] || cp -P "$f" "$to/$base"
        done
}

provision_wheel() { # name spec python-version[:platform[:debian-arm64-packages]]
    local name=$1 spec=$2 dest="$builds/$1"
    local py platform debs
    IFS=: read -r py platform debs <<< "$3"
    local platforms=(--platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64
        --platform manylinux2014_x86_64 --platform manylinux2010_x86_64)
    local dl="$cache/downloads/$1"
    if [ -n "$platform" ]; then
        platforms=(--platform "$platform")
        dl="$cache/downloads/$platform-$1"
    fi
    mkdir -p "$dl"
    log "$name: pip download $spec ${platform:-x86_64}"
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$py" \
        "${platforms[@]}" -d "$dl" "$spec" >&2
    local wheel
    wheel=$(ls "$dl"/*.whl | head -n 1)
    local tmp
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    python3 - "$wheel" "$tmp" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    def library(name):
        return ".so" in name or name.endswith(".dll")
    members = [m for m in z.namelist() if ".libs/" in m and library(m.rsplit("/", 1)[-1])]
    z.extractall(out, members)
PY
    if [ -n "$debs" ]; then
        # What the wheel expects of the system (zlib), from Debian's arm64 packages.
        need_tool dpkg-deb dpkg
        private_apt bookworm arm64
        # shellcheck disable=SC2086
        (cd "$apt_debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -qq download ${debs//,/ } >&2)
        for deb in "$apt_debs"/*.deb; do dpkg -x "$deb" "$tmp"; done
    fi
    rm -rf "$dest"
    flatten_libs "$tmp" "$dest"
    rm -rf "$tmp"
}

# The C library family: run by the host's own glibc unless the build must bring its own (sid).
glibc_family='^(libc|libm|libpthread|libdl|librt|libresolv|libnsl|libutil|libanl|libmvec|libBrokenLocale|libthread_db|libc_malloc_debug|libmemusage|libpcprofile)\.so|^ld-linux|^libnss_|^libSegFault'

# Sets apt_opts to a private apt configuration for SUITE and ARCH under $cache, and updates it.
# Nothing is installed into the system: packages are only downloaded and unpacked.
private_apt() { # suite arch
    local suite=$1 arch=$2
    local root="$cache/apt-$suite-$arch"
    mkdir -p "$root/etc" "$root/state/lists/partial" "$root/cache/archives/partial" "$root/debs"
    : > "$root/state/status"
    local mirror
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
        > "$root/etc/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$root/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State=$root/state" -o "Dir::State::status=$root/state/status"
        -o "Dir::Cache=$root/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root
        -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" "${apt_retries[@]}")
    apt_debs="$root/debs"
    log "apt-get update ($suite, $arch)"
    apt-get "${apt_opts[@]}" -qq update >&2
}

provision_debian() { # name packages suite[+libc]
    local name=$1 pkgs=$2 suite=${3%%+*} keep_libc=0 dest="$builds/$1"
    [ "$3" != "$suite" ] && keep_libc=1
    need_tool dpkg-deb dpkg
    private_apt "$suite" amd64
    local closure
    # shellcheck disable=SC2086
    closure=$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
        --no-conflicts --no-breaks --no-replaces --no-enhances $pkgs | grep -v '^ ' | grep -v '<' | sort -u)
    log "$name: downloading $(echo "$closure" | wc -l) packages"
    # shellcheck disable=SC2086
    (cd "$apt_debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -qq download $closure >&2)
    local tmp
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    for deb in "$apt_debs"/*.deb; do dpkg -x "$deb" "$tmp"; done
    rm -rf "$dest"
    flatten_libs "$tmp" "$dest"
    rm -rf "$tmp"
    if [ "$keep_libc" = 0 ]; then
        find "$dest" -maxdepth 1 \( -type f -o -type l \) -printf '%f\n' | grep -E "$glibc_family" |
            while read -r f; do rm -f "$dest/$f"; done
    fi
}

# Test fixtures that are not FFmpeg builds: a libavcodec59 of another architecture than the
# process's, which must be refused as such: Debian's arm64 one for x86_64 runs, its amd64 one
# for the aarch64 run (under qemu-user).
provision_fixtures() {
    local arch
    for arch in arm64 x86_64; do
        local dest="$cache/fixtures/$arch"
        [ -e "$dest/.complete" ] && continue
        need_tool dpkg-deb dpkg
        private_apt bookworm "${arch/x86_64/amd64}"
        (cd "$apt_debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -qq download libavcodec59 >&2)
        local tmp
        tmp=$(mktemp -d "$cache/unpack.XXXXXX")
        dpkg -x "$apt_debs"/libavcodec59_*.deb "$tmp"
        rm -rf "$dest"
        flatten_libs "$tmp" "$dest"
        rm -rf "$tmp"
        touch "$dest/.complete"
        log "fixtures: $arch libavcodec in $dest"
    done
}

provision_system() { # name packages
    local name=$1 pkgs=$2
    if ! ls /usr/lib/x86_64-linux-gnu/libavcodec.so.59* >/dev/null 2>&1 || ! command -v ffmpeg >/dev/null; then
        apt_update_once
        log "$name: apt-get install $pkgs"
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get "${apt_retries[@]}" install -y -qq --no-install-recommends $pkgs >&2
    fi
}

# Downloads PACKAGES (amd64) of Ubuntu's SUITE into DIR, each checked against the digest the
# suite's package index gives. Debian has no 6.x or 8.x -dev packages; Ubuntu has both.
ubuntu_download() { # suite dir packages...
    local suite=$1 dir=$2
    shift 2
    python3 - "$suite" "$dir" "$@" <<'PY'
import gzip, hashlib, sys, time, urllib.request
suite, out, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
base = "http://archive.ubuntu.com/ubuntu/"

def fetch(url, timeout):
    # A fresh CI machine's one download should not fail the run for one dropped connection.
    for attempt in range(3):
        try:
            return urllib.request.urlopen(url, timeout=timeout).read()
        except OSError as error:
            if attempt == 2:
                raise
            print(f"[provision] {url}: {error}; trying again", file=sys.stderr)
            time.sleep(5 * (attempt + 1))

index = fetch(f"{base}dists/{suite}/universe/binary-amd64/Packages.gz", 120)
for stanza in gzip.decompress(index).decode().split("\n\n"):
    fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line.startswith(" "))
    if fields.get("Package") not in wanted:
        continue
    wanted.discard(fields["Package"])
    data = fetch(base + fields["Filename"], 300)
    algorithm = "SHA512" if "SHA512" in fields else "SHA256"
    if hashlib.new(algorithm.lower(), data).hexdigest() != fields[algorithm]:
        sys.exit(f"{fields['Filename']}: {algorithm} differs from the {suite} index")
    open(f"{out}/{fields['Package']}.deb", "wb").write(data)
if wanted:
    sys.exit(f"not in Ubuntu {suite}: {' '.join(sorted(wanted))}")
PY
}

# FFmpeg's public headers per libavcodec major, from Debian's -dev packages (unpacked, never
# installed), for regenerating src/abi/ (ci/regenerate-abi.sh); 60 (6.1) and 62 (8.1) from
# Ubuntu's, which Debian lacks.
provision_headers() {
    local suite major
    local dev=(libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev)
    for pair in bullseye:58 bookworm:59 ubuntu-noble:60 trixie:61 ubuntu-stonking:62 sid:63; do
        suite=${pair%%:*}
        major=${pair##*:}
        local dest="$cache/headers/$major"
        # Marks the trees a package gave (regenerate-abi.sh --check regenerates only these).
        [ -e "$dest/.complete" ] && touch "$dest/.debian" && continue
        need_tool dpkg-deb dpkg
        local debs
        if [[ $suite == ubuntu-* ]]; then
            debs=$(mktemp -d "$cache/debs.XXXXXX")
            ubuntu_download "${suite#ubuntu-}" "$debs" "${dev[@]}"
        else
            private_apt "$suite" amd64
            debs=$apt_debs
            (cd "$debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -qq download "${dev[@]}" >&2)
        fi
        local tmp
        tmp=$(mktemp -d "$cache/unpack.XXXXXX")
        for deb in "$debs"/*.deb; do dpkg -x "$deb" "$tmp"; done
        [[ $suite == ubuntu-* ]] && rm -rf "$debs"
        rm -rf "$dest"
        mkdir -p "$dest"
        cp -r "$tmp"/usr/include/x86_64-linux-gnu/lib* "$dest"/
        rm -rf "$tmp"
        touch "$dest/.complete" "$dest/.debian"
        log "headers: libavcodec $major in $dest"
    done
}

wanted=("$@")
is_wanted() {
    [ ${#wanted[@]} = 0 ] && [ "$1" != fixtures ] && [ "$1" != headers ] && return 0
    local w
    for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

if [ "$builds_name" = builds ] && { [ ${#wanted[@]} = 0 ] || is_wanted fixtures; }; then
    provision_fixtures
fi
if is_wanted headers && [ ${#wanted[@]} != 0 ]; then
    provision_headers
fi

while IFS=$'\t' read -r name version kind source extra; do
    case "$name" in ''|'#'*) continue ;; esac
    is_wanted "$name" || continue
    if [ "$kind" = system ]; then
        provision_system "$name" "$source"
        printf '%s\t%s\n' "$name" /usr/lib/x86_64-linux-gnu
        continue
    fi
    dest="$builds/$name"
    # .complete records what the build was made from: a changed row in builds.tsv remakes it.
    if [ "$(cat "$dest/.complete" 2>/dev/null)" != "$version $source" ]; then
        case "$kind" in
            wheel) provision_wheel "$name" "$source" "$extra" ;;
            debian) provision_debian "$name" "$source" "$extra" ;;
            *) log "unknown kind $kind for $name"; exit 1 ;;
        esac
        # grep -c reads everything: grep -q could quit early and, under pipefail, fail ls with SIGPIPE.
        if ! ls "$dest" | grep -Ec '^libavcodec(-[0-9a-f]+)?\.so|^avcodec-[0-9]+(-[0-9a-f]+)?\.dll' >/dev/null; then
            log "$name: no libavcodec in $dest"
            exit 1
        fi
        echo "$version $source" > "$dest/.complete"
        log "$name: ready in $dest ($(ls "$dest" | wc -l) files)"
    fi
    printf '%s\t%s\n' "$name" "$dest"
done < "$builds_file"
