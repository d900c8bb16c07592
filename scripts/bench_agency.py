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
  nogo      the same with `go_pages = false` in agency.toml (short links as
            _redirects rules only; the file is restored afterwards)
  copy      `cp -r` of biopage's output tree: the I/O floor of writing it
  hugo      `hugo` on the same workload (Debian's hugo)
  incr      biopage again after one creator changed (an incremental rebuild)

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
    as a fresh CI machine would."""
    for p in paths:
        rm(p)
    subprocess.run(["sync"])
    time.sleep(settle)


def bench(n, repeat, work, settle):
    base = os.path.join(work, f"n{n}")
    site, hugo_site = os.path.join(base, "agency"), os.path.join(base, "hugo")
    out, copy, hugo_out = os.path.join(base, "public"), os.path.join(base, "copy"), os.path.join(base, "hugo-public")
    nogo_out, prod_out = os.path.join(base, "public-nogo"), os.path.join(base, "public-products")
    cache = os.path.join(base, ".public.biopage-cache.json")
    nogo_cache = os.path.join(base, ".public-nogo.biopage-cache.json")
    prod_cache = os.path.join(base, ".public-products.biopage-cache.json")
    # image caches: a clean build makes every image (here: each creator's icons and card)
    images, nogo_images = os.path.join(base, ".public.biopage-images"), os.path.join(base, ".public-nogo.biopage-images")
    prod_images = os.path.join(base, ".public-products.biopage-images")
    if not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, str(n), site, "biopage"], check=True)
        subprocess.run([sys.executable, GEN, str(n), hugo_site, "hugo"], check=True)
    build = [BIOPAGE, "build", site, "-o", out, "--date", "2026-11-24", "-q"]
    agency_toml = os.path.join(site, "agency.toml")
    agency_text = open(agency_toml, encoding="utf-8").read()
    rows = {"biopage": [], "products": [], "copy": [], "hugo": [], "incr": [], "nogo": []}

    def variant(line, dest):
        """A clean build with `line` first in agency.toml (restored after)."""
        try:
            open(agency_toml, "w", encoding="utf-8").write(line + "\n" + agency_text)
            return timed([BIOPAGE, "build", site, "-o", dest, "--date", "2026-11-24", "-q"])
        finally:
            open(agency_toml, "w", encoding="utf-8").write(agency_text)

    for r in range(repeat):
        fresh(settle, out, cache, images, copy, hugo_out, nogo_out, nogo_cache, nogo_images,
              prod_out, prod_cache, prod_images)
        rows["biopage"].append(timed(build))
        fresh(settle)
        rows["copy"].append(timed(["cp", "-r", out, copy]))
        fresh(settle, copy)
        rows["hugo"].append(timed(["hugo", "--quiet", "-s", hugo_site, "-d", hugo_out]))
        hugo_files = count_files(hugo_out)
        fresh(settle, hugo_out)
        # equal work: a go/ page per product only, as Hugo writes
        rows["products"].append(variant('go_pages = "products"', prod_out))
        prod_files = count_files(prod_out)
        fresh(settle, prod_out, prod_cache, prod_images)
        # the same agency with go_pages = false: short links as _redirects rules only
        rows["nogo"].append(variant("go_pages = false", nogo_out))
        nogo_files = count_files(nogo_out)
        fresh(settle, nogo_out, nogo_cache, nogo_images)
        # change one creator and rebuild incrementally
        first = sorted(os.listdir(os.path.join(site, "creators")))[0]
        prof = os.path.join(site, "creators", first, "profile.toml")
        text = open(prof, encoding="utf-8").read()
        open(prof, "w", encoding="utf-8").write(text.replace('title = "', f'title = "run {r} ', 1))
        subprocess.run(["sync"])
        rows["incr"].append(timed(build))
        print(f"N={n} run {r + 1}/{repeat}: " + ", ".join(f"{k} {v[-1][0]:.1f}s" for k, v in rows.items()), file=sys.stderr)
    files = count_files(out)
    fresh(0, out, cache, images)
    return {k: median(v) for k, v in rows.items()}, {"biopage": files, "incr": files, "copy": files,
                                                       "hugo": hugo_files, "nogo": nogo_files,
                                                       "products": prod_files}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--settle", type=float, default=35, help="seconds to wait after deleting output (see fresh())")
    ap.add_argument("--work", default="/tmp/biopage-bench")
    ap.add_argument("--out", help="append the markdown table to this file")
    a = ap.parse_args()
    if not os.path.exists(BIOPAGE):
        sys.exit("build first: cargo build --release")
    os.makedirs(a.work, exist_ok=True)
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, median of {a.repeat} run(s), "
             f"{a.settle:.0f} s settle time, at {commit}.", "",
             "| N | what | files | files / creator | KiB / creator | wall s | user s | sys s | peak RSS MiB "
             "| vs Hugo (wall) | vs Hugo (user) | vs copy (wall) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in a.n:
        res, files = bench(n, a.repeat, a.work, a.settle)
        hugo_wall, hugo_user, copy_wall = res["hugo"][0], res["hugo"][1], res["copy"][0]
        for name, label in [("biopage", "biopage build (clean), every go/ page"),
                            ("products", "biopage build (clean), `go_pages = \"products\"` (Hugo's files)"),
                            ("nogo", "biopage build (clean), `go_pages = false`"),
                            ("incr", "biopage rebuild, 1 creator changed"),
                            ("copy", "cp -r of the output (I/O floor)"), ("hugo", "hugo 0.111")]:
            wall, user, sys_, rss = res[name]
            count, size = files[name]
            vs_copy = f"{wall / copy_wall:.2f}×" if name in ("biopage", "incr", "copy", "hugo") else ""
            lines.append(f"| {n:,} | {label} | {count:,} | {count / n:.1f} | {size / n / 1024:.0f} | {wall:.1f} "
                         f"| {user:.1f} | {sys_:.1f} | {rss:.0f} | {hugo_wall / wall:.1f}× | {user / hugo_user:.2f} "
                         f"| {vs_copy} |")
        lines.append(f"| {n:,} | incremental / clean | | | | {100 * res['incr'][0] / res['biopage'][0]:.1f} % "
                     f"| | | | | | |")
    table = "\n".join(lines) + "\n"
    print(table)
    if a.out:
        with open(a.out, "a", encoding="utf-8") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
