#!/usr/bin/env python3
"""Synthetic Shopee conversion exports for an agency, for `biopage report`'s
benchmark and for checking its attribution at scale.

    python3 scripts/gen_conversions.py AGENCY OUT.csv --rows 1000000 \
        [--bin target/release/biopage] [--prepare] [--seed S] \
        [--expected expected.json]
    python3 scripts/gen_conversions.py --check expected.json REPORT/report.json

AGENCY is an agency directory, e.g. one made by the shared workload
generator (../shared/bench/gen_workload.py N AGENCY biopage). --prepare
appends to its agency.toml what a real agency's has for reports: two
channel pages and the Shopee and AccessTrade networks (only if agency.toml
has no [tracking] channels and no [networks] yet). The rows are made from
the agency's own link manifest (`biopage links AGENCY`), so every sub_id is
one a page really sends: each row is one item of an order through one
Shopee link, Shopee's Sub_id1..3 being the link's sub_id split on '-'.
About 1% of the rows carry a sub_id no page sends, and should come back
unattributed.

--expected writes what the report must find: per creator, orders and
commission by status, plus the unattributed rows. --check compares a
report.json with it and exits 1 on any difference.

The CSV has the 47 columns of Shopee's English export (the width matters
to the benchmark: most of the bytes are the columns biopage does not read).
Standard library only; deterministic for a seed.
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

HEADER = ["Order id", "Order Status", "Conversion id", "Order Time", "Complete Time", "Click Time",
          "Shop Name", "Shop id", "Shop Type", "Item id", "Item Name", "Model id", "Product Type",
          "Promotion id", "L1 Global Category", "L2 Global Category", "L3 Global Category",
          "Price(₫)", "Qty", "Offer Type", "Campaign Partner", "Purchase Value(₫)",
          "Refund Amount(₫)", "Item Shopee Commission Rate", "Item Shopee Commission(₫)",
          "Item Seller Commission Rate", "Item Seller Commission(₫)", "Item Total Commission(₫)",
          "Order Shopee Commission(₫)", "Order Seller Commission(₫)", "Total Order Commission(₫)",
          "Linked MCN Name", "MCN Contract id", "MCN Management Fee Rate", "MCN Management Fee(₫)",
          "Affiliate Agreement Fee Rate", "Affiliate Net Commission(₫)", "Affiliate Item Status",
          "Item Note", "Attribution Type", "Buyer Status", "Sub_id1", "Sub_id2", "Sub_id3",
          "Sub_id4", "Sub_id5", "Channel"]
assert len(HEADER) == 47

CHANNELS = 'channels = ["tiktok", "youtube"]\n'
NETWORKS = """
# added by scripts/gen_conversions.py --prepare: the networks reports read
[networks.shopee]
affiliate_id = "17300000000"

[networks.accesstrade]
id = "4348614231480407549"
domains = ["tiki.vn", "lazada.vn"]
"""

STATUSES = [("Completed", "approved", 70), ("Pending", "pending", 20), ("Cancelled", "rejected", 10)]


def prepare(agency):
    path = os.path.join(agency, "agency.toml")
    text = open(path, encoding="utf-8").read()
    if "[networks." in text or "channels" in text:
        print(f"{path} already has networks or channels; left as it is", file=sys.stderr)
        return
    if "[tracking]\n" in text:
        text = text.replace("[tracking]\n", "[tracking]\n" + CHANNELS, 1)
    else:
        text += "\n[tracking]\n" + CHANNELS
    open(path, "w", encoding="utf-8").write(text + NETWORKS)


def shopee_links(agency, binary):
    """(handle, channel, id, sub_id) of every Shopee link of every page."""
    proc = subprocess.Popen([binary, "links", agency, "--format", "csv"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    out = []
    for row in csv.DictReader(proc.stdout):
        if row["network"] != "shopee" or row["kind"] not in ("link", "product"):
            continue
        sub = parse_qs(urlsplit(row["tagged"]).query).get("sub_id", [""])[0]
        parts = sub.split("-")
        if len(parts) != 3:
            continue
        handle = urlsplit(row["page"]).path.strip("/").split("/")[0]
        out.append((handle, row["channel"], row["id"], parts))
    if proc.wait() != 0:
        sys.exit(f"{binary} links {agency} failed")
    return out


def generate(args):
    if args.prepare:
        prepare(args.agency)
    links = shopee_links(args.agency, args.bin)
    if not links:
        sys.exit("the agency has no Shopee links (run with --prepare?)")
    r = random.Random(args.seed)
    expected = {"rows": args.rows, "unattributed": 0, "creators": {}}
    statuses = [s for s in STATUSES for _ in range(s[2])]
    orders_of = {}
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        order_no = 0
        i = 0
        while i < args.rows:
            order_no += 1
            order = f"26{order_no:010d}"
            items = 1 if r.random() < 0.75 else 2
            stranger = r.random() < 0.01
            handle, channel, lid, parts = links[r.randrange(len(links))]
            if stranger:
                parts = ["nobody", "bio", f"x{order_no}"]
            st_en, st, _ = statuses[r.randrange(len(statuses))]
            day = r.randrange(1, 31)
            t = f"2026-11-{day:02d} {r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}"
            for k in range(items):
                if i >= args.rows:
                    break
                i += 1
                price = r.randrange(20, 2000) * 1000
                qty = 1 if r.random() < 0.9 else 2
                value = price * qty
                commission = value * r.choice((3, 4, 5, 7, 10)) // 100
                refund = value if st == "rejected" else 0
                w.writerow([order, st_en, f"9{order_no}", t, "" if st != "approved" else t, t,
                            f"Shop {order_no % 977}", str(100000 + order_no % 977), "Mall",
                            str(700000 + k), f"Item {k}", "1", "Normal", "", "Beauty", "Skincare",
                            "Serum", str(price), str(qty), "Brand Commission", "", str(value),
                            str(refund), "3%", str(commission), "0%", "0", str(commission),
                            str(commission), "0", str(commission), "", "", "", "0", "0%",
                            str(commission), st_en, "", "Same Shop", "New", parts[0], parts[1],
                            parts[2], "", "", "Others"])
                if stranger:
                    expected["unattributed"] += 1
                    continue
                c = expected["creators"].setdefault(
                    handle, {"orders": 0, "items": 0, "approved": 0, "pending": 0, "rejected": 0})
                c["items"] += qty
                c[st] += commission
                if k == 0:
                    c["orders"] += 1
    if args.expected:
        with open(args.expected, "w", encoding="utf-8") as f:
            json.dump(expected, f, indent=1, sort_keys=True)
    size = os.path.getsize(args.out)
    print(f"wrote {args.rows} rows ({size / 1e6:.0f} MB) over {len(expected['creators'])} creators "
          f"and {len(links)} Shopee link-pages to {args.out}", file=sys.stderr)


def check(expected_path, report_path):
    expected = json.load(open(expected_path, encoding="utf-8"))
    report = json.load(open(report_path, encoding="utf-8"))
    problems = []
    got = {row["creator"]: row for row in report["by_creator"]}
    for handle, e in expected["creators"].items():
        row = got.get(handle)
        if row is None:
            problems.append(f"{handle}: missing")
            continue
        vnd = row["money"].get("VND", {"commission": {"approved": "0", "pending": "0", "rejected": "0"}})
        for k in ("orders", "items"):
            if row[k] != e[k]:
                problems.append(f"{handle}: {k} {row[k]} != {e[k]}")
        for k in ("approved", "pending", "rejected"):
            if int(vnd["commission"][k]) != e[k]:
                problems.append(f"{handle}: {k} {vnd['commission'][k]} != {e[k]}")
    for handle, row in got.items():
        if handle not in expected["creators"] and row["orders"]:
            problems.append(f"{handle}: {row['orders']} orders, none expected")
    if report["unattributed"]["rows"] != expected["unattributed"]:
        problems.append(f"unattributed {report['unattributed']['rows']} != {expected['unattributed']}")
    for p in problems[:50]:
        print(p, file=sys.stderr)
    print(f"{len(expected['creators'])} creators checked: "
          f"{'OK' if not problems else f'{len(problems)} differences'}", file=sys.stderr)
    return 1 if problems else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        if len(sys.argv) != 4:
            sys.exit("usage: gen_conversions.py --check expected.json report.json")
        sys.exit(check(sys.argv[2], sys.argv[3]))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("agency")
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--bin", default="target/release/biopage")
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--prepare", action="store_true")
    ap.add_argument("--expected")
    generate(ap.parse_args())


if __name__ == "__main__":
    main()
