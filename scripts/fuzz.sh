#!/usr/bin/env bash
# Bounded fuzzing of loading/resolving and of URL tagging (libFuzzer via cargo-fuzz).
#   bash scripts/fuzz.sh [SECONDS per target, default 60]
#   FUZZ_SANITIZER=address bash scripts/fuzz.sh 600    # with AddressSanitizer
# No sanitizer by default: biopage has no unsafe code, and what the targets
# hunt is panics, overflows (debug assertions stay on) and wrong results;
# AddressSanitizer made the build take ~520 s instead of ~330 s on 2 cores,
# more than half of CI, and each run slower.
# cargo-fuzz needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the
# machine's stable toolchain accept them (no other toolchain can be fetched here).
# A crash leaves its input in fuzz/artifacts/<target>/: turn it into a
# regression test (tests/hostile/ for inputs, a unit test in src/tracking.rs
# for URLs) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
sanitizer="${FUZZ_SANITIZER:-none}"
for target in load_resolve tag; do
  mkdir -p "corpus/$target"
  echo "== fuzz $target for ${seconds}s"
  log="$(mktemp)"
  if ! cargo fuzz run -s "$sanitizer" "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=8192 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $target failed: see fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E "^Done [0-9]+ runs" "$log" || tail -n 5 "$log"
done
