#!/usr/bin/env bash
# Packs one release binary the way the GitHub Action and docs/install.md
# expect it:
#
#   package.sh TARGET EXECUTABLE DIST
#
# writes DIST/biopage-TARGET.tar.gz (biopage-TARGET.zip for Windows targets)
# holding biopage-TARGET/{biopage[.exe],README.md,LICENSE-MIT,LICENSE-APACHE},
# and DIST/<archive>.sha256 in sha256sum's format ("<hex>  <archive>").
# Used by .github/workflows/release.yml, and by .ci/run to test the action
# against an archive made exactly like a released one.
set -euo pipefail

[ $# -eq 3 ] || {
  echo "usage: package.sh TARGET EXECUTABLE DIST" >&2
  exit 2
}
target=$1 exe=$2 dist=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
name="biopage-$target"

mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
case "$target" in
  *-windows-*) cp "$exe" "$stage/$name/biopage.exe" ;;
  *) cp "$exe" "$stage/$name/biopage" && chmod 755 "$stage/$name/biopage" ;;
esac
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"

case "$target" in
  *-windows-*)
    archive="$name.zip"
    rm -f "$dist/$archive"
    (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$dist/$archive" "$name")
    ;;
  *)
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$dist/$archive" "$name"
    ;;
esac

if command -v sha256sum >/dev/null; then
  sum=$(cd "$dist" && sha256sum "$archive")
else
  sum=$(cd "$dist" && shasum -a 256 "$archive")
fi
# one line, "<hex>  <name>", whatever the platform's tool prints around it
echo "${sum%% *}  $archive" >"$dist/$archive.sha256"
cat "$dist/$archive.sha256"
