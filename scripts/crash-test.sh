#!/usr/bin/env bash
# Crash safety from outside the process: strace kills `biopage build` with
# SIGKILL at the N-th rename or unlink it makes (syscall fault injection),
# for N = 1, 2, … until a build gets through. After every kill the output
# must be the complete old one or the complete new one (diff -r against
# both), and the next build must finish the job and leave nothing beside
# the output but its caches. The cargo tests do the same with biopage's own
# fault points (tests/testsuite/crash.rs); this checks the real system calls.
#
#   BIOPAGE_BIN=target/debug/biopage bash scripts/crash-test.sh
set -euo pipefail
bin=${BIOPAGE_BIN:-target/debug/biopage}
bin=$(realpath "$bin")
command -v strace >/dev/null || { echo "crash-test: strace is needed (apt-get install strace)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
calls=rename,renameat,renameat2,unlink,unlinkat,rmdir

same() { diff -r "$1" "$2" >/dev/null 2>&1; }

leftovers() {
  find "$(dirname "$1")" -maxdepth 1 -name ".$(basename "$1").biopage-*" \
    ! -name '*-images' ! -name '*-lock' ! -name '*-key' ! -name '*-shadow' ! -name '*-cache.json' | grep . || true
}

# every_step NAME SITE CHANGE: builds SITE, runs CHANGE, then kills the
# next build at every step in turn.
every_step() {
  local name=$1 site=$2 change=$3
  local out="$work/$name-out" old="$work/$name-old" new="$work/$name-new"
  local cache="$work/.$name-out.biopage-cache.json"
  "$bin" build "$site" -o "$out" --date 2026-11-24 -q
  cp -a "$out" "$old"
  [ -f "$cache" ] && cp -a "$cache" "$work/$name-old.cache" || true
  $change
  "$bin" build "$site" -o "$new" --date 2026-11-24 -q
  local n=1 status
  while :; do
    rm -rf "$out"; cp -a "$old" "$out"
    [ -f "$work/$name-old.cache" ] && cp -a "$work/$name-old.cache" "$cache" || true
    set +e
    strace -f -qq -o /dev/null -e trace=$calls -e inject=$calls:signal=KILL:when=$n \
      "$bin" build "$site" -o "$out" --date 2026-11-24 -q 2>/dev/null
    status=$?
    set -e
    if ! same "$out" "$old" && ! same "$out" "$new"; then
      echo "crash-test: $name: killed at call $n, the output is neither the old nor the new one" >&2
      diff -r "$out" "$new" | head -5 >&2 || true
      exit 1
    fi
    [ $status -eq 0 ] && break
    "$bin" build "$site" -o "$out" --date 2026-11-24 -q
    if ! same "$out" "$new"; then
      echo "crash-test: $name: the build after a kill at call $n did not finish the job" >&2
      exit 1
    fi
    if [ -n "$(leftovers "$out")" ]; then
      echo "crash-test: $name: left beside the output after call $n: $(leftovers "$out")" >&2
      exit 1
    fi
    n=$((n + 1))
  done
  echo "crash-test: $name: killed at each of $((n - 1)) calls; always the old or the new output"
}

# one site
site="$work/site"
"$bin" init "$site" >/dev/null
change_site() { sed -i 's/^name = .*/name = "Changed"/' "$site/profile.toml"; }
every_step site "$site" change_site

# an agency, incrementally: two creators change, one leaves, one arrives
agency="$work/agency"
"$bin" init --agency "$agency" >/dev/null
for h in an binh chi; do
  mkdir -p "$agency/creators/$h"
  printf 'name = "%s"\nhandle = "%s"\n[[links]]\nid = "l"\ntitle = "L"\nurl = "https://l.example/%s"\n' "$h" "$h" "$h" \
    > "$agency/creators/$h/profile.toml"
done
change_agency() {
  sed -i 's/title = "L"/title = "M"/' "$agency/creators/an/profile.toml" "$agency/creators/binh/profile.toml"
  rm -rf "$agency/creators/chi"
  mkdir -p "$agency/creators/dung"
  printf 'name = "Dung"\nhandle = "dung"\n' > "$agency/creators/dung/profile.toml"
}
every_step agency "$agency" change_agency
