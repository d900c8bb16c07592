#!/usr/bin/env python3
"""HTTP assertions on a built example served by a host's own software.

    python3 scripts/host_http_check.py NAME BASE OUT EXPECT.json [--hidden FILE ...]

EXPECT.json (written by scripts/host-checks.sh from `biopage links` and
the default build's _headers): {"links": {"/go/<id>/": tagged URL},
"headers": {name: value}, "pages": ["/", "/tiktok/", ...]}. Asserts: every
/go/<id>/ answers 302 with exactly the tagged URL; /go/<id> too, or the
host's redirect to /go/<id>/; the security headers on pages, short links
and the 404; an unknown path gets the custom 404 page with status 404;
channel pages answer 200; each --hidden file is not served. Standard
library only; requests go to BASE (127.0.0.1) only.
"""
import http.client
import json
import os
import sys
import time
import urllib.parse

failures = []


def get(base, path):
    u = urllib.parse.urlsplit(base)
    for attempt in range(60):
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            c.request("GET", path, headers={"Host": f"{u.hostname}:{u.port}"})
            r = c.getresponse()
            body = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, body
        except (ConnectionError, OSError):
            time.sleep(0.5)
    sys.exit(f"{base} does not answer")


def check(name, cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL {name}: {what}", file=sys.stderr)


def main():
    name, base, out, expect_file = sys.argv[1:5]
    hidden = sys.argv[6:] if len(sys.argv) > 5 and sys.argv[5] == "--hidden" else []
    expect = json.load(open(expect_file, encoding="utf-8"))

    def headers_ok(path, h):
        for k, v in expect["headers"].items():
            check(name, h.get(k.lower()) == v, f"{path}: {k} is {h.get(k.lower())!r}, expected {v!r}")

    for path in expect["pages"]:
        status, h, _ = get(base, path)
        check(name, status == 200, f"{path}: status {status}, expected 200")
        headers_ok(path, h)
    for path, tagged in expect["links"].items():
        status, h, _ = get(base, path)
        check(name, status == 302, f"{path}: status {status}, expected 302")
        check(name, h.get("location") == tagged, f"{path}: Location {h.get('location')!r}, expected {tagged!r}")
        headers_ok(path, h)
        bare = path.rstrip("/")
        status, h, _ = get(base, bare)
        if status == 302:
            check(name, h.get("location") == tagged, f"{bare}: Location {h.get('location')!r}, expected {tagged!r}")
        else:
            # the host's own redirect to the folder, which then answers 302
            check(name, status in (301, 308) and h.get("location", "").endswith(path),
                  f"{bare}: status {status} Location {h.get('location')!r}, expected 302 to the tagged URL or a redirect to {path}")
    # unknown paths: status 404 and the custom page (an agency: the
    # creator's own, by folder)
    not_found = expect.get("not_found") or {p: "404.html" for p in
                                             ["/no-such-page", "/go/no-such-link/", "/assets/no-such.png"]}
    for path, page in not_found.items():
        custom_404 = open(os.path.join(out, page), "rb").read()
        status, h, body = get(base, path)
        check(name, status == 404, f"{path}: status {status}, expected 404")
        check(name, body == custom_404, f"{path}: the body is not the custom {page} ({len(body)} bytes)")
        headers_ok(path, h)
    for f in hidden:
        status, _, body = get(base, "/" + f)
        own = open(os.path.join(out, f), "rb").read()
        check(name, status == 404 and body != own, f"/{f}: status {status}, expected 404 (the file must not be served)")
    status, h, _ = get(base, expect["asset"])
    check(name, status == 200 and "immutable" in h.get("cache-control", ""),
          f"{expect['asset']}: status {status}, Cache-Control {h.get('cache-control')!r}")
    n = len(expect["links"])
    if failures:
        sys.exit(f"{name}: {len(failures)} failure(s)")
    print(f"{name}: {n} short links (with and without the slash), {len(expect['pages'])} pages, the 404 page, "
          f"headers and {len(hidden)} hidden file(s) as expected")


if __name__ == "__main__":
    main()
