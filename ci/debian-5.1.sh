# Sourced by the reliability scripts: provisions Debian's FFmpeg 5.1 and points the tests at
# it. Sets `root`, `cache` and `dir` (the build's directory), writes a one-build matrix and
# exports what the tests read (FFMPEG_RUNTIME_TEST_BUILD, _MATRIX, _FIXTURES).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
export FFMPEG_RUNTIME_CACHE=$cache
dir=$(bash ci/provision.sh 5.1 | cut -f2)
matrix=$(mktemp)
trap 'rm -f "$matrix"' EXIT
printf '5.1\t%s\t%s\n' "$dir" "$(awk -F'\t' '$1 == "5.1" {print $2}' ci/builds.tsv)" > "$matrix"
export FFMPEG_RUNTIME_TEST_BUILD=5.1 FFMPEG_RUNTIME_TEST_MATRIX=$matrix
export FFMPEG_RUNTIME_TEST_FIXTURES=$cache/fixtures
