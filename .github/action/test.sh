#!/usr/bin/env bash
# Tests the GitHub Action's shell steps (biopage-action.sh) as action.yml runs
# them, against a local stand-in for GitHub's release pages: an HTTPS server
# on 127.0.0.1 with a self-signed certificate, serving an archive that
# .github/release/package.sh made exactly as the release workflow does.
#
#   bash .github/action/test.sh BIOPAGE_EXECUTABLE
#
# Covers: "latest" and explicit versions, the repository taken from the
# action's path, checksum verification (a corrupt cache is fetched again, a
# tampered release fails), the cache being used, check + sharded build with
# extra arguments, and inputs that try to inject shell code.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exe=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
action="$root/.github/action/biopage-action.sh"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
ok() {
  echo "ok: $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAILED: $*" >&2
  failed=$((failed + 1))
}

target=x86_64-unknown-linux-musl
tag=v0.1.0
rel="$work/releases/$tag"
bash "$root/.github/release/package.sh" "$target" "$exe" "$rel" >/dev/null

# a self-signed certificate for 127.0.0.1 that curl trusts via CURL_CA_BUNDLE
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

cat >"$work/server.py" <<'EOF'
# GitHub's release URLs, as the action uses them:
#   /OWNER/NAME/releases/latest            302 to /OWNER/NAME/releases/tag/TAG
#   /OWNER/NAME/releases/tag/TAG           200
#   /OWNER/NAME/releases/download/TAG/F    the file F of release TAG
import http.server, os, ssl, sys
releases, cert, key, log, portfile = sys.argv[1:6]
class H(http.server.BaseHTTPRequestHandler):
    def send(self, head):
        with open(log, "a") as f:
            f.write(self.command + " " + self.path + "\n")
        parts = self.path.split("/")
        if len(parts) == 5 and parts[1:] == ["biopage", "biopage", "releases", "latest"]:
            self.send_response(302)
            self.send_header("Location", "/biopage/biopage/releases/tag/v0.1.0")
            self.end_headers()
            return
        if len(parts) == 6 and parts[1:4] == ["biopage", "biopage", "releases"] and parts[4] == "tag":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if len(parts) == 7 and parts[1:5] == ["biopage", "biopage", "releases", "download"]:
            path = os.path.join(releases, parts[5], parts[6])
            if "/" not in parts[5] + parts[6] and os.path.isfile(path):
                data = open(path, "rb").read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not head:
                    self.wfile.write(data)
                return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def do_GET(self):
        self.send(False)
    def do_HEAD(self):
        self.send(True)
    def log_message(self, *args):
        pass
httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
with open(portfile, "w") as f:
    f.write(str(httpd.server_address[1]))
httpd.serve_forever()
EOF
python3 "$work/server.py" "$work/releases" "$work/cert.pem" "$work/key.pem" "$work/requests.log" "$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || {
  echo "the test server did not start" >&2
  exit 1
}

# The environment a GitHub-hosted Linux x86_64 runner gives a composite
# action's step, for `uses: biopage/biopage@v1`.
GITHUB_SERVER_URL="https://127.0.0.1:$(cat "$work/port")"
export GITHUB_SERVER_URL
export CURL_CA_BUNDLE="$work/cert.pem"
export RUNNER_OS=Linux RUNNER_ARCH=X64
export GITHUB_WORKSPACE="$work/workspace"
export GITHUB_ACTION_PATH="$work/runner/_actions/biopage/biopage/v1"
export GITHUB_REPOSITORY=someone/agency
mkdir -p "$GITHUB_WORKSPACE"

# step NAME: runs one of the action's steps with fresh output files; the
# step's outputs are then in $out (a file of name=value lines)
step() {
  out="$work/out.$RANDOM"
  : >"$out"
  : >"$work/path"
  GITHUB_OUTPUT="$out" GITHUB_PATH="$work/path" bash "$action" "$@"
}
get() { sed -n "s/^$1=//p" "$out" | tail -n 1; }
new_runner_temp() {
  RUNNER_TEMP=$(mktemp -d "$work/temp.XXXX")
  export RUNNER_TEMP
}

# --- resolve -----------------------------------------------------------------
new_runner_temp
if step resolve >/dev/null && [ "$(get version)" = "$tag" ] && [ "$(get repository)" = biopage/biopage ] &&
  [ "$(get target)" = "$target" ] && [ "$(get cache-dir)" = "$RUNNER_TEMP/biopage-dl-$tag-$target" ]; then
  ok "resolve: latest is $tag, the repository comes from the action's path"
else fail "resolve latest: $(cat "$out")"; fi
cache_dir=$(get cache-dir)

if BIOPAGE_VERSION=0.1.0 step resolve >/dev/null && [ "$(get version)" = v0.1.0 ]; then
  ok "resolve: 0.1.0 means v0.1.0"
else fail "resolve 0.1.0"; fi

if BIOPAGE_VERSION=$tag BIOPAGE_REPOSITORY=fork/biopage step resolve >/dev/null && [ "$(get repository)" = fork/biopage ]; then
  ok "resolve: the repository input wins"
else fail "resolve repository input"; fi

if BIOPAGE_VERSION=$tag GITHUB_ACTION_PATH="$GITHUB_WORKSPACE/." step resolve >/dev/null && [ "$(get repository)" = someone/agency ]; then
  ok "resolve: uses: ./ takes the workflow's repository"
else fail "resolve local action: $(cat "$out")"; fi

# shellcheck disable=SC2016 # the \$( ) are meant literally
for bad in '../../etc' 'v1.0;touch x' '$(touch x)' 'main'; do
  if BIOPAGE_VERSION="$bad" step resolve >/dev/null 2>&1; then fail "resolve accepted version '$bad'"; else ok "resolve: rejects version '$bad'"; fi
done
if BIOPAGE_REPOSITORY='a/b/../c' step resolve >/dev/null 2>&1; then fail "resolve accepted repository a/b/../c"; else ok "resolve: rejects repository a/b/../c"; fi
if RUNNER_OS=FreeBSD step resolve >/dev/null 2>&1; then fail "resolve accepted FreeBSD"; else ok "resolve: no binary for an unknown runner OS"; fi
if BIOPAGE_REPOSITORY=nobody/nothing step resolve >/dev/null 2>&1; then fail "resolve found a release of a repository without one"; else ok "resolve: a repository without releases is an error"; fi

# --- install -----------------------------------------------------------------
install_env() {
  BIOPAGE_REPOSITORY=biopage/biopage BIOPAGE_VERSION=$tag BIOPAGE_TARGET=$target BIOPAGE_CACHE_DIR="$cache_dir" step install
}
: >"$work/requests.log"
if install_env >"$work/log" 2>&1 && [ -x "$(get path)" ] && "$(get path)" --version >/dev/null &&
  grep -q "^$(dirname "$(get path)")\$" "$work/path" && grep -q "SHA-256 verified" "$work/log" &&
  grep -q "download/$tag/biopage-$target.tar.gz\$" "$work/requests.log"; then
  ok "install: downloaded, verified, unpacked, on PATH"
else fail "install: $(cat "$work/log")"; fi
biopage=$(get path)

: >"$work/requests.log"
if install_env >"$work/log" 2>&1 && grep -q "using the cached" "$work/log" &&
  ! grep -q "\.tar\.gz\$" "$work/requests.log" && grep -q "\.tar\.gz\.sha256\$" "$work/requests.log"; then
  ok "install: a cached archive is used, and checked against the release's .sha256"
else fail "install from cache: $(cat "$work/log")"; fi

echo corrupt >>"$cache_dir/biopage-$target.tar.gz"
if install_env >"$work/log" 2>&1 && grep -q "did not match its checksum" "$work/log"; then
  ok "install: a corrupt cached archive is downloaded again"
else fail "install with a corrupt cache: $(cat "$work/log")"; fi

cp "$rel/biopage-$target.tar.gz" "$work/good.tar.gz"
echo tampered >>"$rel/biopage-$target.tar.gz"
rm -f "$cache_dir/biopage-$target.tar.gz"
if install_env >"$work/log" 2>&1; then
  fail "install accepted an archive whose checksum differs from the release's"
elif grep -q "SHA-256 .* but release $tag says" "$work/log"; then
  ok "install: an archive that does not match the release's checksum fails"
else fail "install with a tampered archive: $(cat "$work/log")"; fi
cp "$work/good.tar.gz" "$rel/biopage-$target.tar.gz"

# --- run ---------------------------------------------------------------------
"$biopage" init --agency "$GITHUB_WORKSPACE/agency" >/dev/null
run_env() {
  BIOPAGE="$biopage" BIOPAGE_DIRECTORY="$GITHUB_WORKSPACE/agency" step run
}
if BIOPAGE_SHARD=1/2 BIOPAGE_OUTPUT="$work/public-1" BIOPAGE_BASE_URL=https://agency.example/ \
  BIOPAGE_ARGS="--date 2026-01-01 -q" BIOPAGE_CHECK_ARGS="--date 2026-01-01" run_env >"$work/log" 2>&1 &&
  [ "$(get output)" = "$work/public-1" ] && [ -s "$work/public-1/sitemap.xml" ] &&
  grep -q "biopage check .* --base-url https://agency.example/ --date 2026-01-01" "$work/log" &&
  grep -q "biopage build .* -o $work/public-1 --shard 1/2 --base-url https://agency.example/ --date 2026-01-01 -q" "$work/log"; then
  ok "run: check, then build of shard 1/2 with base URL, output and extra arguments"
else fail "run: $(cat "$work/log")"; fi

if BIOPAGE_CHECK=false BIOPAGE_ARGS="-q" run_env >"$work/log" 2>&1 && ! grep -q "biopage check" "$work/log" &&
  [ "$(get output)" = "$GITHUB_WORKSPACE/agency/public" ] && [ -s "$GITHUB_WORKSPACE/agency/public/linh/index.html" ]; then
  ok "run: check false skips the check; the default output is DIRECTORY/public"
else fail "run without check: $(cat "$work/log")"; fi

if BIOPAGE_CHECK=yes run_env >"$work/log" 2>&1; then fail "run accepted check: yes"; else ok "run: check must be true or false"; fi

# Inputs are data: none of these may run a command. Each reaches biopage as
# literal arguments (which it rejects) or as a directory name.
cd "$work"
# shellcheck disable=SC2016 # the \$( ) and backquotes are meant literally
for evil in '$(touch pwned-1)' '`touch pwned-2`' '; touch pwned-3' '--date 2026-01-01 && touch pwned-4' '*'; do
  BIOPAGE_ARGS="$evil" BIOPAGE_CHECK=false run_env >/dev/null 2>&1 || true
  BIOPAGE_CHECK_ARGS="$evil" BIOPAGE_BUILD=false run_env >/dev/null 2>&1 || true
  BIOPAGE_BASE_URL="$evil" run_env >/dev/null 2>&1 || true
  BIOPAGE_SHARD="$evil" BIOPAGE_CHECK=false run_env >/dev/null 2>&1 || true
  BIOPAGE_DIRECTORY="$evil" BIOPAGE="$biopage" step run >/dev/null 2>&1 || true
done
if ls "$work"/pwned-* "$GITHUB_WORKSPACE"/pwned-* >/dev/null 2>&1; then
  fail "an input ran a command: $(ls "$work"/pwned-* "$GITHUB_WORKSPACE"/pwned-* 2>/dev/null)"
else ok "run: inputs holding shell code run nothing"; fi
cd "$root"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
