#!/usr/bin/env python3
"""Checks every relative link of README.md, ARCHITECTURE.md and docs/*.md:
the file exists, and a #fragment names a heading of it (GitHub's slugs).
Exit status 1 lists the broken ones. Run from the repository root."""
import glob, os, re, sys

def slug(heading):
    t = heading.strip().lower()
    t = re.sub(r"[^\w\- ]", "", t)
    return t.replace(" ", "-")

def anchors(path):
    out, seen = set(), {}
    in_code = False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        m = re.match(r"^#{1,6} (.*)", line)
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            out.add(s if n == 0 else f"{s}-{n}")
            seen[s] = n + 1
    return out

files = ["README.md", "ARCHITECTURE.md"] + sorted(glob.glob("docs/*.md"))
bad = []
for f in files:
    if not os.path.exists(f):
        continue
    text = open(f, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, frag = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(dest):
            bad.append(f"{f}: {target}: no such file")
        elif frag and dest.endswith(".md") and frag not in anchors(dest):
            bad.append(f"{f}: {target}: no heading #{frag}")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
