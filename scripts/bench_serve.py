#!/usr/bin/env python3
"""Benchmark of `biopage serve`: how long from saving profile.toml until the
browser can show the change.

It starts `target/release/biopage serve --port 0` on a copy of example-site,
subscribes to the live-reload event stream as a browser does, then saves
profile.toml N times (a new bio each time, one save at a time, the server idle
in between) and measures, for each save, the time from the write to:

  event  the `reload` event arriving on the stream;
  page   that event having arrived AND a GET of / returning the new bio
         (what a reloading browser needs).

The debounce is included: this is the latency a creator feels. Standard
library only. Build the binary first:

    cargo build --release
    python3 scripts/bench_serve.py            # 50 saves
    python3 scripts/bench_serve.py --saves 200 --gap 0.1
"""

import argparse
import http.client
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIO = re.compile(r'^bio = """.*?"""$', re.S | re.M)


def percentile(values, p):
    """Nearest-rank percentile: the smallest value with at least p% at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def read_events(host, port, out):
    """Puts (name, data, time received) for every event of the stream on `out`."""
    conn = http.client.HTTPConnection(host, port, timeout=None)
    conn.request("GET", "/__biopage/events", headers={"Accept": "text/event-stream"})
    resp = conn.getresponse()
    if resp.status != 200:
        out.put(("http-error", str(resp.status), time.perf_counter()))
        return
    name, data = None, []
    while True:
        line = resp.readline()
        if not line:
            out.put(("closed", "", time.perf_counter()))
            return
        line = line.decode("utf-8").rstrip("\r\n")
        if line == "":
            if name is not None:
                out.put((name, "\n".join(data), time.perf_counter()))
            name, data = None, []
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))


def get_root(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--saves", type=int, default=50, help="measured saves (default 50)")
    ap.add_argument("--warmup", type=int, default=3, help="unmeasured saves first (default 3)")
    ap.add_argument("--gap", type=float, default=0.15,
                    help="idle seconds between saves (default 0.15), so that each is its own rebuild")
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "biopage"))
    args = ap.parse_args()

    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} not found: run `cargo build --release` first")

    work = tempfile.mkdtemp(prefix="biopage-bench-")
    site = os.path.join(work, "site")
    shutil.copytree(os.path.join(REPO, "example-site"), site,
                    ignore=shutil.ignore_patterns("public"))
    profile_path = os.path.join(site, "profile.toml")
    with open(profile_path, encoding="utf-8") as f:
        profile = f.read()
    if not BIO.search(profile):
        sys.exit("example-site/profile.toml has no bio = \"\"\"…\"\"\" block to edit")

    server = subprocess.Popen(
        [args.binary, "serve", site, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    stderr_lines = []
    threading.Thread(target=lambda: stderr_lines.extend(iter(server.stderr.readline, "")),
                     daemon=True).start()
    try:
        url = server.stdout.readline().strip()
        m = re.fullmatch(r"http://([\d.]+):(\d+)/", url)
        if not m:
            sys.exit(f"unexpected first line from serve: {url!r}\n{''.join(stderr_lines)}")
        host, port = m.group(1), int(m.group(2))

        events = queue.Queue()
        threading.Thread(target=read_events, args=(host, port, events), daemon=True).start()
        time.sleep(0.3)  # let the stream connect before the first save

        event_ms, page_ms, extra_reloads, stale_gets = [], [], 0, 0
        total = args.warmup + args.saves
        for i in range(total):
            marker = f"Bench save {i} {os.getpid()}"
            text = BIO.sub(f'bio = """{marker}"""', profile, count=1)
            t0 = time.perf_counter()
            with open(profile_path, "w", encoding="utf-8") as f:
                f.write(text)
            while True:
                name, data, t_event = events.get(timeout=10)
                if name == "reload":
                    break
                if name in ("build-error", "closed", "http-error"):
                    sys.exit(f"save {i}: {name}: {data}")
            while True:
                status, body = get_root(host, port)
                if status == 200 and marker in body:
                    break
                stale_gets += 1
                if time.perf_counter() - t0 > 10:
                    sys.exit(f"save {i}: the page never showed the new bio")
            t_page = time.perf_counter()
            if i >= args.warmup:
                event_ms.append((t_event - t0) * 1000)
                page_ms.append((t_page - t0) * 1000)
            time.sleep(args.gap)
            # One save, one rebuild: nothing else should have arrived.
            while not events.empty():
                name, _, _ = events.get_nowait()
                if name == "reload":
                    extra_reloads += 1
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)

    builds = [int(m.group(1)) for m in
              (re.search(r"built \d+ page\(s\) in (\d+) ms", l) for l in stderr_lines) if m]
    rebuilds = builds[1 + args.warmup:]  # the first is the initial build

    def row(label, xs):
        return (f"| {label:<28} | {statistics.median(xs):7.1f} | {percentile(xs, 95):7.1f} "
                f"| {min(xs):7.1f} | {max(xs):7.1f} |")

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"biopage serve: {args.saves} saves of profile.toml (after {args.warmup} warm-up), "
          f"{os.cpu_count()} CPUs, load average {load}, {args.gap:.2f} s between saves")
    print("| measure (ms)                 |  median |     p95 |     min |     max |")
    print("|------------------------------|--------:|--------:|--------:|--------:|")
    print(row("write → reload event", event_ms))
    print(row("write → new page served", page_ms))
    if rebuilds:
        print(row("build alone (server log)", rebuilds))
    print(f"extra reloads: {extra_reloads}; GETs that were still stale: {stale_gets}")
    if extra_reloads or stale_gets:
        sys.exit(1)


if __name__ == "__main__":
    main()
