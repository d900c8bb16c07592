#!/usr/bin/env bash
# The steps of the biopage GitHub Action (action.yml at the repository root):
#
#   biopage-action.sh resolve   which release, target and repository
#   biopage-action.sh install   download (unless cached), verify, unpack, PATH
#   biopage-action.sh run       biopage check, then biopage build
#
# Every input arrives in a BIOPAGE_* environment variable (action.yml never
# puts ${{ }} into shell code) and is used as data: quoted, never evaluated.
# Runs on the runners' bash: Linux, macOS (bash 3.2 compatible: no mapfile,
# empty arrays expanded with ${a[@]+"${a[@]}"}) and Windows (Git Bash).
set -euo pipefail

die() {
  echo "::error title=biopage action::$*" >&2
  exit 1
}

# `name=value` to the step's outputs (values here never hold a newline).
output() { echo "$1=$2" >>"${GITHUB_OUTPUT:?not running in GitHub Actions}"; }

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

fetch() { # URL FILE
  curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 \
    --retry 4 --retry-delay 2 --output "$2" "$1"
}

is_windows() { [ "${RUNNER_OS:-}" = Windows ]; }

# A path as this bash can use it (Git Bash takes D:\a\… too, but a uniform
# form keeps the messages readable), and as Windows programs expect it.
unix_path() { if is_windows && command -v cygpath >/dev/null; then cygpath -u "$1"; else echo "$1"; fi; }
native_path() { if is_windows && command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }

server() { echo "${GITHUB_SERVER_URL:-https://github.com}"; }

target_for_runner() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    # Windows on Arm runs x86_64 programs under emulation
    Windows/X64 | Windows/ARM64) echo x86_64-pc-windows-msvc ;;
    *) die "no biopage release binary for a ${RUNNER_OS:-unknown} ${RUNNER_ARCH:-unknown} runner; build it from source with cargo install --locked" ;;
  esac
}

# The repository whose releases to use: the input, else the action's own.
# github.action_repository is empty inside composite actions on some runner
# versions (actions/runner#2525), so the action's checkout path tells it:
# …/_actions/OWNER/NAME/REF for `uses: OWNER/NAME@REF`, or a folder of the
# workspace for `uses: ./` (then it is the workflow's own repository).
action_repository() {
  if [ -n "${BIOPAGE_REPOSITORY:-}" ]; then
    echo "$BIOPAGE_REPOSITORY"
    return
  fi
  if [ -n "${BIOPAGE_ACTION_REPOSITORY:-}" ]; then
    echo "$BIOPAGE_ACTION_REPOSITORY"
    return
  fi
  local path="${GITHUB_ACTION_PATH:-}" workspace="${GITHUB_WORKSPACE:-}"
  path="${path//\\//}"
  workspace="${workspace//\\//}"
  case "$path" in
    */_actions/*/*)
      local rest="${path#*/_actions/}"
      local owner="${rest%%/*}"
      rest="${rest#*/}"
      echo "$owner/${rest%%/*}"
      return
      ;;
  esac
  if [ -n "$workspace" ] && [ -n "$path" ]; then
    case "$path/" in
      "$workspace"/*)
        echo "${GITHUB_REPOSITORY:?}"
        return
        ;;
    esac
  fi
  die "cannot tell which repository this action comes from; set its 'repository' input (OWNER/NAME)"
}

resolve() {
  local repo target version tag url
  repo=$(action_repository)
  [[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || die "repository must be OWNER/NAME, not '$repo'"
  target=$(target_for_runner)
  version="${BIOPAGE_VERSION:-latest}"
  if [ "$version" = latest ]; then
    # The releases/latest page redirects to the newest release's tag; unlike
    # the REST API it needs no token and has no per-runner rate limit.
    url=$(curl --fail --silent --show-error --location --head --proto '=https' \
      --retry 4 --retry-delay 2 --output /dev/null \
      --write-out '%{url_effective}' "$(server)/$repo/releases/latest") ||
      die "could not look up the latest release of $repo"
    case "$url" in
      */releases/tag/*) tag="${url##*/releases/tag/}" ;;
      *) die "$repo has no release yet (set 'version', or build from source)" ;;
    esac
  else
    tag="v${version#v}"
  fi
  [[ "$tag" =~ ^v[0-9][0-9A-Za-z.+-]*$ ]] || die "version must be 'latest' or a release tag such as v0.2.0, not '$version'"
  echo "biopage $tag for $target, from $(server)/$repo/releases"
  output repository "$repo"
  output version "$tag"
  output target "$target"
  output cache-dir "${RUNNER_TEMP:?}/biopage-dl-$tag-$target"
}

archive_name() {
  case "$1" in
    *-windows-*) echo "biopage-$1.zip" ;;
    *) echo "biopage-$1.tar.gz" ;;
  esac
}

install() {
  local repo="${BIOPAGE_REPOSITORY:?}" tag="${BIOPAGE_VERSION:?}" target="${BIOPAGE_TARGET:?}"
  local cache_dir archive base expected actual bin_dir exe tries
  cache_dir=$(unix_path "${BIOPAGE_CACHE_DIR:?}")
  archive=$(archive_name "$target")
  base="$(server)/$repo/releases/download/$tag"
  mkdir -p "$cache_dir"

  # The expected checksum comes from the release every time, so that a cached
  # archive is verified exactly like a downloaded one.
  fetch "$base/$archive.sha256" "$cache_dir/$archive.sha256.new" ||
    die "no $archive.sha256 in release $tag of $repo"
  expected=$(cut -d' ' -f1 <"$cache_dir/$archive.sha256.new" | tr 'A-F' 'a-f')
  rm -f "$cache_dir/$archive.sha256.new"
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$archive.sha256 of release $tag holds no SHA-256"

  for tries in 1 2; do
    if [ -f "$cache_dir/$archive" ]; then
      echo "using the cached $archive"
    else
      echo "downloading $base/$archive"
      fetch "$base/$archive" "$cache_dir/$archive" || die "could not download $archive from release $tag of $repo"
    fi
    actual=$(sha256 "$cache_dir/$archive")
    [ "$actual" = "$expected" ] && break
    rm -f "$cache_dir/$archive"
    if [ "$tries" = 2 ]; then die "$archive: SHA-256 $actual, but release $tag says $expected"; fi
    echo "::warning title=biopage action::$archive did not match its checksum; downloading it again"
  done
  echo "SHA-256 verified: $actual  $archive"

  bin_dir=$(unix_path "${RUNNER_TEMP:?}")/biopage-$tag-$target
  rm -rf "$bin_dir"
  mkdir -p "$bin_dir"
  if is_windows; then
    # pwsh reads the paths from the environment: nothing is quoted into code
    # shellcheck disable=SC2016 # $env:… is PowerShell's, not this shell's
    ARCHIVE="$(native_path "$cache_dir/$archive")" DEST="$(native_path "$bin_dir")" \
      pwsh -NoLogo -NoProfile -NonInteractive -Command \
      'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DEST -Force'
    exe="$bin_dir/biopage-$target/biopage.exe"
  else
    tar -xzf "$cache_dir/$archive" -C "$bin_dir"
    exe="$bin_dir/biopage-$target/biopage"
  fi
  [ -f "$exe" ] || die "$archive holds no biopage-$target/$(basename "$exe")"
  chmod +x "$exe" 2>/dev/null || true
  "$exe" --version
  native_path "$(dirname "$exe")" >>"${GITHUB_PATH:?}"
  output path "$(native_path "$exe")"
}

# Splits an input on whitespace into the array named $1 (no globbing, no
# quote removal: the words are passed as they are).
split_words() { # ARRAY_NAME STRING
  local IFS=$' \t\n'
  read -r -d '' -a "$1" <<<"$2" || true
}

bool() { # NAME VALUE
  case "$2" in
    true | True | TRUE) return 0 ;;
    false | False | FALSE) return 1 ;;
    *) die "input '$1' must be true or false, not '$2'" ;;
  esac
}

run() {
  local exe dir out
  exe=$(unix_path "${BIOPAGE:?}")
  dir="${BIOPAGE_DIRECTORY:-.}"
  local common=() extra=() check_extra=()
  if [ -n "${BIOPAGE_BASE_URL:-}" ]; then common+=(--base-url "$BIOPAGE_BASE_URL"); fi
  split_words extra "${BIOPAGE_ARGS:-}"
  split_words check_extra "${BIOPAGE_CHECK_ARGS:-}"

  if bool check "${BIOPAGE_CHECK:-true}"; then
    echo "::group::biopage check $dir"
    (set -x && "$exe" check "$dir" ${common[@]+"${common[@]}"} ${check_extra[@]+"${check_extra[@]}"})
    echo "::endgroup::"
  fi

  if bool build "${BIOPAGE_BUILD:-true}"; then
    local build=(build "$dir")
    if [ -n "${BIOPAGE_OUTPUT:-}" ]; then build+=(-o "$BIOPAGE_OUTPUT"); fi
    if [ -n "${BIOPAGE_SHARD:-}" ]; then build+=(--shard "$BIOPAGE_SHARD"); fi
    (set -x && "$exe" "${build[@]}" ${common[@]+"${common[@]}"} ${extra[@]+"${extra[@]}"})
    out="${BIOPAGE_OUTPUT:-$dir/public}"
    output output "$out"
  fi
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  run) run ;;
  *) die "usage: biopage-action.sh resolve|install|run" ;;
esac
