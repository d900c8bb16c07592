#!/usr/bin/env bash
# The example site, built for each host, served or parsed by that host's own
# software on 127.0.0.1, with no network (a network namespace of its own
# when the machine allows one): Cloudflare's workerd (wrangler pages dev),
# Netlify's redirect and headers parsers, Debian's nginx and Caddy; GitHub
# Pages has no local runtime, so its output is checked file by file.
#
#   BIOPAGE_BIN=target/debug/biopage bash scripts/host-checks.sh
#
# Needs: node and npm (hosts/package-lock.json pins wrangler and Netlify's
# parsers), nginx and caddy (Debian), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIOPAGE_HOST_CHECKS_NETNS:-}" ]; then
  # the hosts' packages, pinned: the only step that needs the registry
  (cd hosts && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
if [ -z "${BIOPAGE_HOST_CHECKS_NETNS:-}" ] && command -v unshare >/dev/null \
  && unshare -n true 2>/dev/null; then
  # no route out: whatever these programs try to reach, they cannot
  # shellcheck disable=SC2016 # expanded by the inner shell
  exec unshare -n env BIOPAGE_HOST_CHECKS_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
bin=$(realpath "${BIOPAGE_BIN:-target/debug/biopage}")
date=2026-11-24
work=$(mktemp -d)
pids=()
# a server's whole tree: wrangler runs under a subshell and starts workerd,
# and killing the subshell alone left both running after CI; wrangler
# ignores SIGTERM, and these servers hold nothing worth a clean shutdown
kill_tree() {
  local c
  for c in $(pgrep -P "$1"); do kill_tree "$c"; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  for p in "${pids[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build() { "$bin" build example-site -o "$work/$1" --date "$date" -q --host "$1"; }

# What every host must answer, from biopage's link manifest (not from the
# host files under test) and the default build's _headers.
"$bin" build example-site -o "$work/default" --date "$date" -q
"$bin" links example-site --format json --date "$date" >"$work/links.json"
python3 - "$work" <<'PY'
import json, os, sys, urllib.parse
work = sys.argv[1]
links = {}
for row in json.load(open(os.path.join(work, "links.json"))):
    if row["short"] and row["channel"] == "bio":
        links[urllib.parse.urlsplit(row["short"]).path] = row["tagged"]
headers, rule = {}, None
for line in open(os.path.join(work, "default", "_headers")):
    if not line.startswith(" "):
        rule = line.strip()
    elif rule == "/*":
        k, v = line.strip().split(": ", 1)
        headers[k] = v
pages = ["/"] + [f"/{d}/" for d in sorted(os.listdir(os.path.join(work, "default")))
                 if os.path.isfile(os.path.join(work, "default", d, "index.html")) and d not in ("go",)]
asset = "/assets/" + sorted(os.listdir(os.path.join(work, "default", "assets")))[0]
assert links and headers and len(pages) > 1, (links, headers, pages)
json.dump({"links": links, "headers": headers, "pages": pages, "asset": asset},
          open(os.path.join(work, "expect.json"), "w"), indent=1)
print(f"expected: {len(links)} short links, {len(headers)} headers, pages {' '.join(pages)}")
PY

# a free port on 127.0.0.1
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "== cloudflare: wrangler pages dev (workerd)"
build cloudflare
wrangler=$PWD/hosts/node_modules/.bin/wrangler
# the newest date its workerd knows (its version is 1.YYYYMMDD.N)
# shellcheck disable=SC2016 # a JavaScript replacement pattern
compat=$(node -p 'require("./hosts/node_modules/workerd/package.json").version.split(".")[1].replace(/(\d{4})(\d{2})(\d{2})/, "$1-$2-$3")')
# `wrangler pages dev` on $work/NAME (offline, no banner or metrics) on a
# free port, left in $p; its log in $work/wrangler-NAME.log
serve_pages() {
  p=$(port)
  (cd "$work" && WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false WRANGLER_HIDE_BANNER=true \
    CLOUDFLARE_CF_FETCH_ENABLED=false CI=true NO_COLOR=1 \
    "$wrangler" pages dev "$work/$1" --ip 127.0.0.1 --port "$p" \
    --compatibility-date "$compat" --show-interactive-dev-session=false >"$work/wrangler-$1.log" 2>&1) &
  pids+=($!)
}
serve_pages cloudflare
# (Cloudflare Pages never serves _redirects and _headers; wrangler's local
# server answers them with a 502 of its own, so they are not asked for here)
if ! python3 scripts/host_http_check.py cloudflare "http://127.0.0.1:$p" "$work/cloudflare" "$work/expect.json"; then
  cat "$work/wrangler-cloudflare.log" >&2
  exit 1
fi
grep -E "Parsed [0-9]+ valid (redirect|header) rules" "$work/wrangler-cloudflare.log"
if grep -iE "invalid|skipped" "$work/wrangler-cloudflare.log"; then
  echo "wrangler found rules it would not apply" >&2
  exit 1
fi
# go_pages = "products": links' short links are _redirects rules only (no
# folder for Cloudflare's own slash redirect: biopage's one dynamic rule)
cp -r example-site "$work/products-site"
rm -rf "$work/products-site/public"
sed -i '1i go_pages = "products"' "$work/products-site/profile.toml"
"$bin" build "$work/products-site" -o "$work/cloudflare-products" --date "$date" -q --host cloudflare
serve_pages cloudflare-products
python3 scripts/host_http_check.py 'cloudflare (go_pages = "products")' "http://127.0.0.1:$p" \
  "$work/cloudflare-products" "$work/expect.json" || { cat "$work/wrangler-cloudflare-products.log" >&2; exit 1; }

echo "== agency: each creator's assets cached for a year (workerd, Netlify's parser)"
agency=$work/agency-src
for h in an bao; do
  mkdir -p "$agency/creators/$h"
  printf 'name = "%s"\nhandle = "%s"\n[[links]]\nid = "l"\ntitle = "L"\nurl = "https://l.example/%s"\n' \
    "$h" "$h" "$h" >"$agency/creators/$h/profile.toml"
done
printf 'base_url = "https://bio.example/{handle}/"\n' >"$agency/agency.toml"
"$bin" build "$agency" -o "$work/agency-cloudflare" --date "$date" -q --host cloudflare
"$bin" build "$agency" -o "$work/agency-netlify" --date "$date" -q --host netlify
serve_pages agency-cloudflare
python3 - "http://127.0.0.1:$p" "$work/agency-cloudflare" an bao <<'PY' || { cat "$work/wrangler-agency-cloudflare.log" >&2; exit 1; }
import os, sys, time, urllib.request
base, out, handles = sys.argv[1], sys.argv[2], sys.argv[3:]
def cache(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        assert r.status == 200, (path, r.status)
        return r.headers.get("Cache-Control", "")
for _ in range(120):  # wrangler takes a while to start
    try:
        cache("/an/")
        break
    except OSError:
        time.sleep(0.5)
assets = 0
for h in handles:
    for f in sorted(os.listdir(os.path.join(out, h, "assets"))):
        assets += 1
        assert "immutable" in cache(f"/{h}/assets/{f}"), (h, f, cache(f"/{h}/assets/{f}"))
    assert "immutable" not in cache(f"/{h}/"), h
assert assets, "no assets"
print(f"cloudflare (agency): {assets} assets of {len(handles)} creators cached for a year, their pages not")
PY
node hosts/netlify-agency-check.mjs "$work/agency-netlify" an bao

echo "== netlify: Netlify's redirect and headers parsers"
build netlify
node hosts/netlify-check.mjs "$work/netlify" "$work/expect.json"

echo "== nginx: Debian's nginx with the emitted snippet"
build nginx
p=$(port)
mkdir -p "$work/nginx-tmp"
# workers as the user running this (a root master would drop to nobody,
# who cannot read the temporary directory)
cat >"$work/nginx.conf" <<CONF
user $(id -un) $(id -gn);
daemon off;
pid $work/nginx.pid;
error_log stderr warn;
worker_processes 1;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    log_not_found off;
    client_body_temp_path $work/nginx-tmp;
    proxy_temp_path $work/nginx-tmp;
    fastcgi_temp_path $work/nginx-tmp;
    uwsgi_temp_path $work/nginx-tmp;
    scgi_temp_path $work/nginx-tmp;
    server {
        listen 127.0.0.1:$p;
        root $work/nginx;
        include $work/nginx/biopage.nginx.conf;
    }
}
CONF
nginx -t -q -c "$work/nginx.conf" -p "$work"
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
python3 scripts/host_http_check.py nginx "http://127.0.0.1:$p" "$work/nginx" "$work/expect.json" \
  --hidden biopage.nginx.conf .biopage-output

echo "== caddy: Debian's Caddy with the emitted snippet"
build caddy
p=$(port)
cat >"$work/Caddyfile" <<CONF
{
    admin off
    auto_https off
}
http://127.0.0.1:$p {
    root * $work/caddy
    import $work/caddy/biopage.caddy
    file_server
}
CONF
export HOME=$work XDG_DATA_HOME=$work XDG_CONFIG_HOME=$work
caddy validate --config "$work/Caddyfile" --adapter caddyfile 2>"$work/caddy-validate.log" \
  || { cat "$work/caddy-validate.log" >&2; exit 1; }
caddy run --config "$work/Caddyfile" --adapter caddyfile >"$work/caddy.log" 2>&1 &
pids+=($!)
python3 scripts/host_http_check.py caddy "http://127.0.0.1:$p" "$work/caddy" "$work/expect.json" \
  --hidden biopage.caddy .biopage-output || { cat "$work/caddy.log" >&2; exit 1; }

echo "== nginx and caddy: an agency (one snippet for every creator; each creator's own 404 page)"
"$bin" init --agency "$work/agency" >/dev/null
"$bin" build "$work/agency" -o "$work/agency-default" --date "$date" -q
"$bin" links "$work/agency" --format json --date "$date" >"$work/agency-links.json"
python3 - "$work" <<'PY'
import json, os, sys, urllib.parse
work = sys.argv[1]
links = {urllib.parse.urlsplit(r["short"]).path: r["tagged"]
         for r in json.load(open(os.path.join(work, "agency-links.json"))) if r["short"] and r["channel"] == "bio"}
headers, rule = {}, None
for line in open(os.path.join(work, "agency-default", "_headers")):
    if not line.startswith(" "):
        rule = line.strip()
    elif rule == "/*":
        k, v = line.strip().split(": ", 1)
        headers[k] = v
creators = sorted(d for d in os.listdir(os.path.join(work, "agency-default"))
                  if os.path.isfile(os.path.join(work, "agency-default", d, "index.html")))
asset = f"/{creators[0]}/assets/" + sorted(os.listdir(os.path.join(work, "agency-default", creators[0], "assets")))[0]
not_found = {}
for c in creators:
    not_found[f"/{c}/no-such-page"] = f"{c}/404.html"
    not_found[f"/{c}/go/no-such-link/"] = f"{c}/404.html"
assert len(links) >= 2 and len(creators) == 2, (links, creators)
json.dump({"links": links, "headers": headers, "pages": [f"/{c}/" for c in creators], "asset": asset,
           "not_found": not_found}, open(os.path.join(work, "agency-expect.json"), "w"), indent=1)
PY
for host in nginx caddy; do
  "$bin" build "$work/agency" -o "$work/agency-$host" --date "$date" -q --host "$host"
done
p=$(port)
sed -e "s|listen 127.0.0.1:[0-9]*;|listen 127.0.0.1:$p;|" -e "s|$work/nginx|$work/agency-nginx|g" \
  -e "s|pid $work/nginx.pid|pid $work/agency-nginx.pid|" "$work/nginx.conf" >"$work/agency-nginx.conf"
nginx -t -q -c "$work/agency-nginx.conf" -p "$work"
nginx -c "$work/agency-nginx.conf" -p "$work" &
pids+=($!)
python3 scripts/host_http_check.py "nginx (agency)" "http://127.0.0.1:$p" "$work/agency-nginx" \
  "$work/agency-expect.json" --hidden biopage.nginx.conf .biopage-output
p=$(port)
sed -e "s|http://127.0.0.1:[0-9]*|http://127.0.0.1:$p|" -e "s|$work/caddy|$work/agency-caddy|g" \
  "$work/Caddyfile" >"$work/agency-Caddyfile"
caddy validate --config "$work/agency-Caddyfile" --adapter caddyfile 2>"$work/caddy-validate.log" \
  || { cat "$work/caddy-validate.log" >&2; exit 1; }
caddy run --config "$work/agency-Caddyfile" --adapter caddyfile >"$work/agency-caddy.log" 2>&1 &
pids+=($!)
python3 scripts/host_http_check.py "caddy (agency)" "http://127.0.0.1:$p" "$work/agency-caddy" \
  "$work/agency-expect.json" --hidden biopage.caddy .biopage-output \
  || { cat "$work/agency-caddy.log" >&2; exit 1; }

echo "== github-pages: files and paths under the repository's base path"
site=$work/gh-site
cp -r example-site "$site"
rm -rf "$site/public"
sed -i '/^base_url *=/d' "$site/profile.toml"
GITHUB_REPOSITORY=Linh-Review/bio-page "$bin" build "$site" -o "$work/github-pages" --date "$date" -q --host github-pages
python3 scripts/github_pages_check.py "$work/github-pages" "https://linh-review.github.io/bio-page/"

echo "== s3 and static: go pages and metadata"
build s3
build static
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
meta = json.load(open(os.path.join(work, "s3", "biopage.s3.json")))
files = sorted(os.path.relpath(os.path.join(d, n), os.path.join(work, "s3"))
               for d, _, ns in os.walk(os.path.join(work, "s3")) for n in ns)
listed = set(meta["files"])
assert listed == set(files) - set(meta["exclude"]), set(files) ^ listed
assert meta["files"]["index.html"]["content_type"] == "text/html; charset=utf-8"
assert all(v["cache_control"].endswith("immutable") for k, v in meta["files"].items() if k.startswith("assets/"))
expect = json.load(open(os.path.join(work, "expect.json")))
for host in ("s3", "static"):
    for path in expect["links"]:
        assert os.path.isfile(os.path.join(work, host, path.lstrip("/"), "index.html")), (host, path)
    assert not os.path.exists(os.path.join(work, host, "_redirects")), host
print(f"s3: {len(listed)} files with their metadata; s3 and static: {len(expect['links'])} go pages each")
PY
echo "host checks passed"
