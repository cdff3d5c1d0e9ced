# Sourced by the reliability scripts: provisions Debian's FFmpeg 5.1 and points the tests at
# it. Sets `root`, `cache`, `dir` (the build's directory) and `partner_dir` (7.1's, the
# release tests mix 5.1's objects with), writes a matrix of 5.1 and the wheels 7.0 and 7.1
# (the tests that pair releases load them) and exports what the tests read
# (FFMPEG_RUNTIME_TEST_BUILD, _MATRIX, _FIXTURES).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cache=${FFMPEG_RUNTIME_CACHE:-$HOME/.cache/ffmpeg-runtime}
export FFMPEG_RUNTIME_CACHE=$cache
matrix=$(mktemp)
trap 'rm -f "$matrix"' EXIT
bash ci/provision.sh 5.1 7.0 7.1 | while IFS=$'\t' read -r name build_dir; do
    printf '%s\t%s\t%s\n' "$name" "$build_dir" "$(awk -F'\t' -v n="$name" '$1 == n {print $2}' ci/builds.tsv)"
done > "$matrix"
dir=$(awk -F'\t' '$1 == "5.1" {print $2}' "$matrix")
partner_dir=$(awk -F'\t' '$1 == "7.1" {print $2}' "$matrix")
export FFMPEG_RUNTIME_TEST_BUILD=5.1 FFMPEG_RUNTIME_TEST_MATRIX=$matrix
export FFMPEG_RUNTIME_TEST_FIXTURES=$cache/fixtures
# The matrix's features, so that the reliability runs reuse its release build instead of
# compiling the crate, its tests and examples again.
features=(--features image,ndarray)
