#!/usr/bin/env bash
# Browser acceptance checks for every built-in theme: Lighthouse (mobile,
# median of 3 runs, 100 required in every category), axe-core, the Nu HTML
# Checker, horizontal overflow at 390 px, gzipped size, plus screenshots into
# docs/screenshots/. CI runs it with --no-screenshots. See browser/check.mjs
# and docs/themes.md.
#
#   scripts/browser-checks.sh                     all themes, everything
#   scripts/browser-checks.sh --themes shop       one theme
#   scripts/browser-checks.sh --lighthouse-only   just the Lighthouse scores
#   scripts/browser-checks.sh --no-screenshots --no-lighthouse
#
# Needs: cargo, Node >= 18.20 with npm, Java >= 11 (for vnu.jar) and a
# Chromium (CHROME_PATH, default /usr/bin/chromium; never downloaded).
# Exit status: 0 all checks passed, 1 a check failed, 2 could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1

for tool in node npm java; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done
[ -x "$CHROME_PATH" ] || { echo "error: no Chromium at $CHROME_PATH (set CHROME_PATH)" >&2; exit 2; }

# --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime;
# the jar itself ships in the package and runs on the system's java.
if [ ! -d browser/node_modules ] || [ browser/package-lock.json -nt browser/node_modules ]; then
  (cd browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch browser/node_modules
fi

# BIOPAGE_BIN: a biopage binary already built (CI reuses the test build).
bin="${BIOPAGE_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=target/release/biopage
fi
exec node browser/check.mjs --bin "$bin" "$@"
