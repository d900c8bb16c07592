#!/usr/bin/env python3
"""Agency build benchmark: biopage against Hugo and the I/O floor.

    python3 scripts/bench_agency.py [N ...] [--repeat R] [--work DIR] [--out docs/benchmarks.md]

For each N (default: 1000 10000) this generates the shared workload
(../shared/bench/gen_workload.py) as a biopage agency and as a Hugo site, then
measures, in the same run and on the same disk:

  biopage   a clean build (output and cache removed first)
  copy      `cp -r` of biopage's output tree: the I/O floor of writing it
  hugo      `hugo` on the same workload (Debian's hugo)
  incr      biopage again after one creator changed (an incremental rebuild)

Wall time, CPU time (user + system) and peak RSS come from GNU time. The disk
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
    """Runs cmd under GNU time; returns (wall s, cpu s, peak RSS MiB)."""
    fmt = "%e %U %S %M"
    out = subprocess.run(["/usr/bin/time", "-f", fmt, "-o", "/tmp/bench-time.txt"] + cmd, cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    wall, user, sys_, rss = open("/tmp/bench-time.txt").read().split()[-4:]
    return float(wall), float(user) + float(sys_), int(rss) / 1024


def rm(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def count_files(path):
    return sum(len(files) for _, _, files in os.walk(path))


def median(runs):
    return tuple(statistics.median(x) for x in zip(*runs))


def bench(n, repeat, work):
    base = os.path.join(work, f"n{n}")
    site, hugo_site = os.path.join(base, "agency"), os.path.join(base, "hugo")
    out, copy, hugo_out = os.path.join(base, "public"), os.path.join(base, "copy"), os.path.join(base, "hugo-public")
    cache = os.path.join(base, ".public.biopage-cache.json")
    if not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, str(n), site, "biopage"], check=True)
        subprocess.run([sys.executable, GEN, str(n), hugo_site, "hugo"], check=True)
    build = [BIOPAGE, "build", site, "-o", out, "--date", "2026-11-24", "-q"]
    rows = {"biopage": [], "copy": [], "hugo": [], "incr": []}
    for r in range(repeat):
        rm(out), rm(cache), rm(copy), rm(hugo_out)
        subprocess.run(["sync"])
        rows["biopage"].append(timed(build))
        subprocess.run(["sync"])
        rows["copy"].append(timed(["cp", "-r", out, copy]))
        subprocess.run(["sync"])
        rows["hugo"].append(timed(["hugo", "--quiet", "-s", hugo_site, "-d", hugo_out]))
        # change one creator and rebuild incrementally
        first = sorted(os.listdir(os.path.join(site, "creators")))[0]
        prof = os.path.join(site, "creators", first, "profile.toml")
        text = open(prof, encoding="utf-8").read()
        open(prof, "w", encoding="utf-8").write(text.replace('title = "', f'title = "run {r} ', 1))
        subprocess.run(["sync"])
        rows["incr"].append(timed(build))
        print(f"N={n} run {r + 1}/{repeat}: " + ", ".join(f"{k} {v[-1][0]:.1f}s" for k, v in rows.items()), file=sys.stderr)
    files = count_files(out)
    hugo_files = count_files(hugo_out)
    return {k: median(v) for k, v in rows.items()}, files, hugo_files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--work", default="/tmp/biopage-bench")
    ap.add_argument("--out", help="append the markdown table to this file")
    a = ap.parse_args()
    if not os.path.exists(BIOPAGE):
        sys.exit("build first: cargo build --release")
    os.makedirs(a.work, exist_ok=True)
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, median of {a.repeat} run(s).", "",
             "| N | what | files | wall s | CPU s | peak RSS MiB | vs Hugo (wall) | vs copy (wall) |",
             "|---|---|---|---|---|---|---|---|"]
    for n in a.n:
        res, files, hugo_files = bench(n, a.repeat, a.work)
        hugo_wall, copy_wall = res["hugo"][0], res["copy"][0]
        for name, label, nfiles in [("biopage", "biopage build (clean)", files), ("incr", "biopage rebuild, 1 creator changed", files),
                                    ("copy", "cp -r of the output (I/O floor)", files), ("hugo", "hugo 0.111", hugo_files)]:
            wall, cpu, rss = res[name]
            lines.append(f"| {n:,} | {label} | {nfiles:,} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | "
                         f"{hugo_wall / wall:.1f}× | {wall / copy_wall:.2f}× |")
        lines.append(f"| {n:,} | incremental / clean | | {100 * res['incr'][0] / res['biopage'][0]:.1f} % | | | | |")
    table = "\n".join(lines) + "\n"
    print(table)
    if a.out:
        with open(a.out, "a", encoding="utf-8") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
