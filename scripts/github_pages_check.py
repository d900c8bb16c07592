#!/usr/bin/env python3
"""GitHub Pages has no local runtime: check what it needs of an output.

    python3 scripts/github_pages_check.py OUT BASE_URL

Asserts .nojekyll and 404.html, no _redirects or _headers (GitHub Pages
would serve them as files), every short link a go/<id>/index.html page,
and that every same-site link and asset of every page (href, src, srcset,
content of og:image …) lies under BASE_URL's path and names a file of the
output. Standard library only.
"""
import html.parser
import os
import sys
import urllib.parse


class Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if v is None:
                continue
            if k in ("href", "src", "action"):
                self.refs.append(v)
            elif k in ("srcset", "imagesrcset"):
                self.refs += [part.strip().split(" ")[0] for part in v.split(",") if part.strip()]
            elif k == "content" and v.startswith(("http://", "https://", "/")):
                self.refs.append(v)


def main():
    out, base = sys.argv[1:3]
    u = urllib.parse.urlsplit(base)
    root = u.path
    failures = []
    for need in (".nojekyll", "404.html", "index.html"):
        if not os.path.isfile(os.path.join(out, need)):
            failures.append(f"{need} is missing")
    for never in ("_redirects", "_headers"):
        if os.path.exists(os.path.join(out, never)):
            failures.append(f"{never} is written, and GitHub Pages would serve it as a file")
    pages = checked = 0
    for dirpath, _, names in os.walk(out):
        for n in names:
            if not n.endswith(".html"):
                continue
            pages += 1
            path = os.path.join(dirpath, n)
            p = Refs()
            p.feed(open(path, encoding="utf-8").read())
            for ref in p.refs:
                r = urllib.parse.urlsplit(urllib.parse.urljoin(base + os.path.relpath(path, out), ref))
                if r.scheme not in ("http", "https") or r.netloc != u.netloc:
                    continue
                checked += 1
                if not r.path.startswith(root):
                    failures.append(f"{os.path.relpath(path, out)}: {ref} is outside {root}")
                    continue
                rel = urllib.parse.unquote(r.path[len(root):])
                target = os.path.join(out, rel)
                if rel == "" or rel.endswith("/"):
                    target = os.path.join(target, "index.html")
                if not os.path.isfile(target):
                    failures.append(f"{os.path.relpath(path, out)}: {ref} names no file of the output")
    for f in failures:
        print(f"FAIL github-pages: {f}", file=sys.stderr)
    if failures:
        sys.exit(f"github-pages: {len(failures)} failure(s)")
    print(f"github-pages: {pages} pages, {checked} same-site links and assets under {root}, all resolve")


if __name__ == "__main__":
    main()
