#!/usr/bin/env python3
"""Agency build benchmark: biopage against Hugo and the I/O floor.

    python3 scripts/bench_agency.py [N ...] [--repeat R] [--work DIR] [--out docs/benchmarks.md]

For each N (default: 1000 10000) this generates the shared workload
(../shared/bench/gen_workload.py) as a biopage agency and as a Hugo site, then
measures, in the same run and on the same disk:

  biopage   a clean build (output, cache and image cache removed first)
  products  the same with `go_pages = "products"` in agency.toml: a go/
            page for each product only, links as _redirects rules: the files
            Hugo's output has (one page per creator and one per product), so
            the comparison with Hugo is on equal work
  plain     `products` with `minify_html = false` as well: pages as the
            templates write them, as Hugo's are (the workload's Hugo site does
            not minify)
  nogo      the same with `go_pages = false` in agency.toml (short links as
            _redirects rules only; the file is restored afterwards)
  copy      `cp -r` of biopage's output tree: the I/O floor of writing it
  hugo      `hugo` on the same workload (Debian's hugo)
  hugomin   `hugo --minify`: Hugo's pages minified, as biopage's are by
            default. Every minified biopage row is compared with this one and
            the `plain` row with `hugo`: equal output is the same files in the
            same form
  incr      biopage again after one creator changed (an incremental rebuild)
  incr2     and once more: the steady state of rebuilds (see the comment there)

Wall time, user and system CPU time and peak RSS come from GNU time; files
and bytes per creator are counted in each output. The disk
of this machine is noisy (small-file writes vary 2-4x between runs), so with
--repeat R every measurement is taken R times and the median is reported.
Run `cargo build --release` first. Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_workload.py")
BIOPAGE = os.path.join(REPO, "target", "release", "biopage")


def timed(cmd, cwd=None):
    """Runs cmd under GNU time; returns (wall s, user s, system s, peak RSS MiB)."""
    fmt = "%e %U %S %M"
    out = subprocess.run(["/usr/bin/time", "-f", fmt, "-o", "/tmp/bench-time.txt"] + cmd, cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    wall, user, sys_, rss = open("/tmp/bench-time.txt").read().split()[-4:]
    return float(wall), float(user), float(sys_), int(rss) / 1024


def rm(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def count_files(path):
    """(files, bytes) of a tree; hard links count once per name, as a host
    would upload them."""
    files = size = 0
    for root, _, names in os.walk(path):
        for name in names:
            files += 1
            size += os.lstat(os.path.join(root, name)).st_size
    return files, size


def median(runs):
    return tuple(statistics.median(x) for x in zip(*runs))


def fresh(settle, *paths):
    """Removes earlier output, then waits `settle` seconds. On ext4 without a
    journal (as on this machine) the inode allocator skips inodes freed in the
    last 30 s, so creating files right after deleting hundreds of thousands
    costs several times more kernel time; every contender gets the same wait,
    as a fresh CI machine would. Even so, whoever runs first after a large
    deletion still pays up to twice the system time (measured: the same
    build 9.2 s right after a deletion, 4.5 s after another build), which is
    what --fresh-fs is for."""
    for p in paths:
        rm(p)
    subprocess.run(["sync"])
    time.sleep(settle)


class Place:
    """Where a contender writes: a folder of the work directory (after
    `fresh`), or with --fresh-fs a new ext4 file system made for it alone
    (no journal, as this machine's disk; inode tables written at once, so no
    background zeroing), so that no contender inherits another's deletions."""

    def __init__(self, base, name, fresh_fs, settle):
        self.base, self.name, self.fresh_fs, self.settle = base, name, fresh_fs, settle
        self.image = os.path.join(base, f"{name}.ext4")
        self.dir = os.path.join(base, f"mnt-{name}") if fresh_fs else base

    def __enter__(self):
        if self.fresh_fs:
            self.__exit__()
            subprocess.run(["truncate", "-s", "24G", self.image], check=True)
            subprocess.run(["mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-N", "2000000",
                            "-E", "lazy_itable_init=0,lazy_journal_init=0", self.image], check=True)
            os.makedirs(self.dir, exist_ok=True)
            subprocess.run(["mount", "-o", "loop", self.image, self.dir], check=True)
            subprocess.run(["sync"])
        else:
            self.clear(self.settle)
        return self.dir

    def clear(self, settle):
        """Removes the output and what biopage keeps beside it (record, key,
        image cache, the kept previous output)."""
        fresh(settle, *[os.path.join(self.base, n) for n in os.listdir(self.base)
                        if n == self.name or n.startswith(f".{self.name}.")])

    def __exit__(self, *_):
        if self.fresh_fs:
            if os.path.ismount(self.dir):
                subprocess.run(["umount", self.dir], check=True)
            if os.path.isdir(self.dir):
                os.rmdir(self.dir)
            rm(self.image)


def bench(n, repeat, work, settle, fresh_fs):
    base = os.path.join(work, f"n{n}")
    site, hugo_site = os.path.join(base, "agency"), os.path.join(base, "hugo")
    if not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, str(n), site, "biopage"], check=True)
        subprocess.run([sys.executable, GEN, str(n), hugo_site, "hugo"], check=True)
    agency_toml = os.path.join(site, "agency.toml")
    agency_text = open(agency_toml, encoding="utf-8").read()
    rows = {k: [] for k in ["biopage", "products", "plain", "copy", "hugo", "hugomin", "incr", "incr2", "nogo"]}
    files = {}

    def build(dest, line=None):
        """A build into dest (its record, key, image cache and kept previous
        output beside it), with `line` first in agency.toml (restored after)."""
        cmd = [BIOPAGE, "build", site, "-o", dest, "--date", "2026-11-24", "-q"]
        if not line:
            return timed(cmd)
        try:
            open(agency_toml, "w", encoding="utf-8").write(line + "\n" + agency_text)
            return timed(cmd)
        finally:
            open(agency_toml, "w", encoding="utf-8").write(agency_text)

    for r in range(repeat):
        with Place(base, "public", fresh_fs, settle) as d:
            out = os.path.join(d, "public")
            rows["biopage"].append(build(out))
            files["biopage"] = count_files(out)
            with Place(base, "copy", fresh_fs, settle) as c:
                rows["copy"].append(timed(["cp", "-r", out, os.path.join(c, "copy")]))
                files["copy"] = files["biopage"]
            # change one creator and rebuild incrementally, twice: the first
            # rebuild after a clean build has no kept previous output
            # (emit::Old::Keep) to bring up to date, so it hard-links every
            # unchanged creator; from the second on only what changed is written
            first = sorted(os.listdir(os.path.join(site, "creators")))[0]
            prof = os.path.join(site, "creators", first, "profile.toml")
            text = open(prof, encoding="utf-8").read()
            try:
                for key, word in [("incr", "run"), ("incr2", "again")]:
                    open(prof, "w", encoding="utf-8").write(text.replace('title = "', f'title = "{word} {r} ', 1))
                    subprocess.run(["sync"])
                    rows[key].append(build(out))
                    files[key] = count_files(out)
            finally:
                open(prof, "w", encoding="utf-8").write(text)
        with Place(base, "hugo-public", fresh_fs, settle) as d:
            hugo_out = os.path.join(d, "hugo-public")
            rows["hugo"].append(timed(["hugo", "--quiet", "-s", hugo_site, "-d", hugo_out]))
            files["hugo"] = count_files(hugo_out)
        # and minified, as biopage's pages are by default
        with Place(base, "hugo-min", fresh_fs, settle) as d:
            hugo_out = os.path.join(d, "hugo-min")
            rows["hugomin"].append(timed(["hugo", "--quiet", "--minify", "-s", hugo_site, "-d", hugo_out]))
            files["hugomin"] = count_files(hugo_out)
        # equal work: a go/ page per product only, as Hugo writes
        with Place(base, "public-products", fresh_fs, settle) as d:
            rows["products"].append(build(os.path.join(d, "public-products"), 'go_pages = "products"'))
            files["products"] = count_files(os.path.join(d, "public-products"))
        # and not minified, as Hugo's pages are not
        with Place(base, "public-plain", fresh_fs, settle) as d:
            rows["plain"].append(build(os.path.join(d, "public-plain"), 'go_pages = "products"\nminify_html = false'))
            files["plain"] = count_files(os.path.join(d, "public-plain"))
        # short links as _redirects rules only
        with Place(base, "public-nogo", fresh_fs, settle) as d:
            rows["nogo"].append(build(os.path.join(d, "public-nogo"), "go_pages = false"))
            files["nogo"] = count_files(os.path.join(d, "public-nogo"))
        print(f"N={n} run {r + 1}/{repeat}: " + ", ".join(f"{k} {v[-1][0]:.1f}s" for k, v in rows.items()),
              file=sys.stderr)
    if not fresh_fs:
        for name in ["public", "copy", "hugo-public", "hugo-min", "public-products", "public-plain", "public-nogo"]:
            Place(base, name, False, 0).clear(0)
    return {k: median(v) for k, v in rows.items()}, files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--settle", type=float, default=35, help="seconds to wait after deleting output (see fresh())")
    ap.add_argument("--work", default="/tmp/biopage-bench")
    ap.add_argument("--out", help="append the markdown table to this file")
    ap.add_argument("--fresh-fs", action="store_true",
                    help="each contender writes to a new ext4 file system (root; see Place)")
    a = ap.parse_args()
    if not os.path.exists(BIOPAGE):
        sys.exit("build first: cargo build --release")
    os.makedirs(a.work, exist_ok=True)
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, median of {a.repeat} run(s), "
             + ("each on a new ext4 file system" if a.fresh_fs else f"{a.settle:.0f} s settle time")
             + f", at {commit}.", "",
             "| N | what | files | files / creator | KiB / creator | wall s | user s | sys s | peak RSS MiB "
             "| vs Hugo (wall) | vs Hugo (user) | vs copy (wall) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in a.n:
        res, files = bench(n, a.repeat, a.work, a.settle, a.fresh_fs)
        copy_wall = res["copy"][0]
        for name, label in [("biopage", "biopage build (clean), every go/ page"),
                            ("products", "biopage build (clean), `go_pages = \"products\"` (Hugo's files, minified: against `hugo --minify`)"),
                            ("plain", "biopage build (clean), `go_pages = \"products\"`, `minify_html = false` (Hugo's files, not minified, as Hugo's)"),
                            ("nogo", "biopage build (clean), `go_pages = false`"),
                            ("incr", "biopage rebuild, 1 creator changed (first after a clean build)"),
                            ("incr2", "biopage rebuild, 1 creator changed (the next one)"),
                            ("copy", "cp -r of the output (I/O floor)"), ("hugo", "hugo 0.111"),
                            ("hugomin", "hugo 0.111 --minify")]:
            wall, user, sys_, rss = res[name]
            # against Hugo's output in the same form: minified pages against
            # `hugo --minify`, unminified ones (and the copy) against `hugo`
            base_row = res["hugo" if name in ("plain", "hugo", "copy") else "hugomin"]
            hugo_wall, hugo_user = base_row[0], base_row[1]
            count, size = files[name]
            vs_copy = f"{wall / copy_wall:.2f}×" if name in ("biopage", "incr", "incr2", "copy", "hugo", "hugomin") else ""
            lines.append(f"| {n:,} | {label} | {count:,} | {count / n:.1f} | {size / n / 1024:.0f} | {wall:.1f} "
                         f"| {user:.1f} | {sys_:.1f} | {rss:.0f} | {hugo_wall / wall:.1f}× | {user / hugo_user:.2f} "
                         f"| {vs_copy} |")
        lines.append(f"| {n:,} | incremental / clean (first, next) | | | | "
                     f"{100 * res['incr'][0] / res['biopage'][0]:.1f} %, {100 * res['incr2'][0] / res['biopage'][0]:.1f} % "
                     f"| | | | | | |")
    table = "\n".join(lines) + "\n"
    print(table)
    if a.out:
        with open(a.out, "a", encoding="utf-8") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
