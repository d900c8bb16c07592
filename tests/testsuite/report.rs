//! `biopage report`: every export format from hand-made fixtures
//! (tests/fixtures/report/), attribution to creator × channel × link,
//! unattributed rows, malformed rows, currencies, outputs and exit codes.

use crate::{biopage, repo, Run};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fx(name: &str) -> String {
    repo()
        .join("tests/fixtures/report")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn ok(args: &[&str]) -> Run {
    let run = biopage(args);
    assert_eq!(run.code, 0, "biopage {args:?}\n{}", run.stderr);
    run
}

/// `report SITE --conversions FILES --format json --by BY`, parsed.
fn rows(site: &str, flag: &str, files: &[&str], by: &str) -> (Vec<Value>, String) {
    let paths: Vec<String> = files.iter().map(|f| fx(f)).collect();
    let site = fx(site);
    let mut args = vec!["report", site.as_str(), flag];
    args.extend(paths.iter().map(String::as_str));
    args.extend(["--format", "json", "--by", by]);
    let run = ok(&args);
    let v: Value = serde_json::from_str(&run.stdout).expect("--format json is JSON");
    (v.as_array().expect("an array").clone(), run.stderr)
}

fn find<'a>(rows: &'a [Value], keys: &[(&str, &str)]) -> &'a Value {
    rows.iter()
        .find(|r| keys.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| {
            panic!(
                "no row {keys:?} in {}",
                serde_json::to_string_pretty(rows).unwrap()
            )
        })
}

fn money<'a>(row: &'a Value, cur: &str) -> &'a Value {
    &row["money"][cur]
}

fn link<'a>(rows: &'a [Value], channel: &str, id: &str) -> &'a Value {
    find(
        rows,
        &[("creator", "linh"), ("channel", channel), ("link", id)],
    )
}

#[test]
fn shopee_english_export_is_attributed_per_creator_channel_and_link() {
    let (rows, stderr) = rows("site", "--conversions", &["shopee-en.csv"], "link");
    // order 240311000001: two items through linh-tiktok-serumb5
    let serum = link(&rows, "tiktok", "serum-b5");
    assert_eq!(
        (serum["orders"].as_u64(), serum["items"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(money(serum, "VND")["commission"]["approved"], "39180");
    assert_eq!(money(serum, "VND")["revenue"], "728000");
    assert_eq!(serum["kind"], "product");
    assert_eq!(serum["network"], "shopee");
    let shop = link(&rows, "bio", "shopee-shop");
    assert_eq!(money(shop, "VND")["commission"]["pending"], "2970");
    // an expired link still gets its late conversions
    let old = link(&rows, "youtube", "old-sale");
    assert_eq!(money(old, "VND")["commission"]["rejected"], "6000");
    assert_eq!(money(old, "VND")["refunds"], "200000");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        stderr.contains("6 rows): 4 attributed, 2 unattributed"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown sub-id"), "{stderr}");
}

#[test]
fn the_site_may_come_after_the_files() {
    let (site, f) = (fx("site"), fx("shopee-en.csv"));
    let first = ok(&["report", &site, "--conversions", &f, "--format", "csv"]);
    let last = ok(&["report", "--conversions", &f, &site, "--format", "csv"]);
    assert_eq!(first.stdout, last.stdout);
    assert!(last.stdout.contains("serum-b5"), "{}", last.stdout);
}

#[test]
fn vietnamese_shopee_export_gives_the_same_report() {
    let (en, _) = rows("site", "--conversions", &["shopee-en.csv"], "link");
    let (vi, stderr) = rows("site", "--conversions", &["shopee-vi.csv"], "link");
    assert_eq!(en, vi);
    assert!(stderr.contains("Shopee Affiliate (Vietnamese)"), "{stderr}");
}

#[test]
fn accesstrade_api_json_and_csv_agree() {
    let (json, stderr) = rows("site", "--conversions", &["accesstrade.json"], "link");
    let (csv, _) = rows("site", "--conversions", &["accesstrade.csv"], "link");
    assert_eq!(json, csv);
    let tiktok = link(&json, "tiktok", "kem");
    assert_eq!(money(tiktok, "VND")["commission"]["approved"], "12000");
    let bio = link(&json, "bio", "kem");
    assert_eq!(money(bio, "VND")["commission"]["pending"], "24000");
    assert_eq!(bio["items"], 2);
    assert_eq!(bio["network"], "accesstrade");
    // no facebook channel: its UTM values match no link
    assert!(
        stderr.contains("accesstrade.json:60: utm facebook/social/linh/kem/: unknown UTM values"),
        "{stderr}"
    );
}

#[test]
fn amazon_rows_are_attributed_by_tag_and_asin() {
    let (rows, stderr) = rows("site", "--conversions", &["amazon-earnings.csv"], "link");
    // one tag per channel: the channel is known
    let tt = link(&rows, "tiktok", "book");
    assert_eq!(money(tt, "USD")["commission"]["approved"], "1.60");
    assert_eq!(tt["items"], 2);
    let yt = link(&rows, "youtube", "book");
    assert_eq!(money(yt, "USD")["commission"]["approved"], "0.80");
    assert_eq!(money(yt, "USD")["refunds"], "20.00");
    // a product the page did not link: the creator and channel, no link
    let other = find(
        &rows,
        &[("creator", "linh"), ("channel", "bio"), ("link", "")],
    );
    assert_eq!(money(other, "USD")["commission"]["approved"], "1.20");
    assert!(
        stderr.contains("other creator's tag \"other-20\""),
        "{stderr}"
    );
    assert!(stderr.contains("amazon-earnings.csv:6:"), "{stderr}");
}

#[test]
fn a_report_formats_table_reads_another_networks_csv() {
    let (rows, _) = rows("site", "--conversions", &["mynet.csv"], "link");
    assert_eq!(
        money(link(&rows, "tiktok", "mynet-pick"), "EUR")["commission"]["approved"],
        "10.00"
    );
    assert_eq!(
        money(link(&rows, "bio", "mynet-pick"), "EUR")["commission"]["pending"],
        "5.00"
    );
    assert_eq!(
        money(link(&rows, "youtube", "mynet-pick"), "EUR")["commission"]["rejected"],
        "2.00"
    );
}

#[test]
fn clicks_and_page_views_from_every_analytics_provider() {
    let (plausible, stderr) = rows(
        "site",
        "--analytics",
        &["plausible-clicks.json", "plausible-pages.json"],
        "channel",
    );
    let ch = |rows: &[Value], c: &str| find(rows, &[("channel", c)]).clone();
    assert_eq!(ch(&plausible, "tiktok")["clicks"], 12);
    assert_eq!(ch(&plausible, "tiktok")["pageviews"], 40);
    assert_eq!(ch(&plausible, "bio")["pageviews"], 100);
    assert_eq!(ch(&plausible, "youtube")["pageviews"], 10);
    assert_eq!(ch(&plausible, "youtube")["clicks"], 5);
    assert!(
        stderr.contains("click without creator and channel: 1"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown page: 1"), "{stderr}");

    let (clicks, _) = rows("site", "--analytics", &["plausible-clicks.json"], "link");
    assert_eq!(link(&clicks, "tiktok", "serum-b5")["clicks"], 12);
    assert_eq!(link(&clicks, "bio", "shopee-shop")["clicks"], 3);

    let (umami, stderr) = rows(
        "site",
        "--analytics",
        &["umami-event_data.csv", "umami-website_event.csv"],
        "channel",
    );
    assert_eq!(ch(&umami, "tiktok")["clicks"], 1);
    assert_eq!(ch(&umami, "tiktok")["pageviews"], 1);
    assert_eq!(ch(&umami, "youtube")["clicks"], 1);
    assert_eq!(ch(&umami, "bio")["pageviews"], 1);
    assert!(stderr.contains("1 skipped"), "{stderr}");

    let (goat, stderr) = rows("site", "--analytics", &["goatcounter.csv"], "channel");
    assert_eq!(ch(&goat, "tiktok")["clicks"], 1);
    assert_eq!(ch(&goat, "tiktok")["pageviews"], 1);
    assert_eq!(ch(&goat, "bio")["pageviews"], 1);
    assert!(stderr.contains("bot: 1"), "{stderr}");

    let (ga4, _) = rows(
        "site",
        "--analytics",
        &["ga4-clicks.json", "ga4-pages.json"],
        "channel",
    );
    assert_eq!(ch(&ga4, "youtube")["clicks"], 7);
    assert_eq!(ch(&ga4, "youtube")["pageviews"], 8);
    assert_eq!(ch(&ga4, "tiktok")["clicks"], 4);
    assert_eq!(ch(&ga4, "bio")["pageviews"], 30);
}

#[test]
fn conversion_rate_epc_and_aov_combine_clicks_and_sales() {
    let site = fx("site");
    let (a, b) = (fx("shopee-en.csv"), fx("plausible-clicks.json"));
    let run = ok(&[
        "report",
        &site,
        "--conversions",
        &a,
        "--analytics",
        &b,
        "--format",
        "json",
        "--by",
        "link",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let serum = link(&rows, "tiktok", "serum-b5");
    assert_eq!(serum["clicks"], 12);
    assert_eq!(serum["conversion_rate"].as_f64(), Some(0.083333));
    // (approved + pending) / clicks = 39180 / 12
    assert_eq!(money(serum, "VND")["epc"], "3265");
    assert_eq!(money(serum, "VND")["aov"], "728000");
}

#[test]
fn currencies_are_kept_apart() {
    let site = fx("site");
    let (a, b) = (fx("shopee-en.csv"), fx("amazon-earnings.csv"));
    let run = ok(&[
        "report",
        &site,
        "--conversions",
        &a,
        &b,
        "--format",
        "csv",
        "--by",
        "creator",
    ]);
    let mut lines = run.stdout.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| {
        row[head
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name} in {head:?}"))]
    };
    assert_eq!(col("commission_approved_VND"), "39180");
    assert_eq!(col("commission_approved_USD"), "3.60");
    assert_eq!(col("revenue_USD"), "90.00");
    assert_eq!(col("revenue_VND"), "1027000");
    assert!(
        !head
            .iter()
            .any(|h| *h == "revenue" || *h == "commission_approved"),
        "{head:?}"
    );
    // ROI only in the cost's currency (the site's cost is 500000 VND)
    assert_eq!(col("cost"), "500000");
    assert_eq!(col("cost_currency"), "VND");
    let json = ok(&[
        "report",
        &site,
        "--conversions",
        &a,
        &b,
        "--format",
        "json",
        "--by",
        "creator",
    ]);
    let v: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    let m = v[0]["money"].as_object().unwrap();
    assert_eq!(m.keys().collect::<Vec<_>>(), vec!["USD", "VND"]);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const SHOPEE_HEAD: &str = "Order id,Order Status,Order Time,Qty,Purchase Value(₫),Affiliate Net Commission(₫),Sub_id1,Sub_id2,Sub_id3,Sub_id4,Sub_id5\n";

#[test]
fn malformed_rows_are_located_and_all_reported_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(
        tmp.path(),
        "bad.csv",
        &format!(
            "{SHOPEE_HEAD}1,Completed,2026-11-03 10:00:00,1,100,10,linh,bio,shopeeshop,,\n2,Completed,yesterday,1,100,10,linh,bio,shopeeshop,,\n3,Completed,2026-11-03 10:00:00,two,100,10,linh,bio,shopeeshop,,\n4,Completed,2026-11-03 10:00:00,1,100,10,linh\n5,Completed,2026-11-03 10:00:00,1,100,12x,linh,bio,shopeeshop,,\n"
        ),
    );
    let out = tmp.path().join("report");
    let run = biopage(&[
        "report",
        &fx("site"),
        "--conversions",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let e = &run.stderr;
    // line 3: the date (column 16), line 4: the quantity, line 5: the
    // field count, line 6: the amount — every one, in one run
    assert!(
        e.contains("bad.csv:3:13") && e.contains("\"yesterday\" is not a date"),
        "{e}"
    );
    assert!(
        e.contains("bad.csv:4:33") && e.contains("\"two\" is not a whole number"),
        "{e}"
    );
    assert!(
        e.contains("bad.csv:5:") && e.contains("the row has 7 fields, the header 11"),
        "{e}"
    );
    assert!(
        e.contains("bad.csv:6:") && e.contains("\"12x\" is not an amount"),
        "{e}"
    );
    assert!(
        e.contains("3 | 2,Completed,yesterday"),
        "the line is shown: {e}"
    );
    assert!(e.contains("error: 4 errors; no report was written"), "{e}");
    assert!(!out.exists());
}

#[test]
fn an_unknown_header_names_the_file_shows_it_and_lists_the_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "mystery.csv",
        "date,amount,who\n2026-11-01,5,x\n",
    );
    let run = biopage(&["report", &fx("site"), "--conversions", f.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("mystery.csv: the header matches no format biopage knows"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("date,amount,who"), "{}", run.stderr);
    for name in [
        "Shopee Affiliate",
        "AccessTrade",
        "Amazon Associates",
        "Plausible",
        "Umami",
        "GoatCounter",
        "GA4",
        "[report.formats.mynet]",
    ] {
        assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
    }
}

#[test]
fn unattributed_rows_go_to_unattributed_csv_with_file_line_and_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "orders.csv",
        &format!(
            "{SHOPEE_HEAD}1,Completed,2026-11-03 10:00:00,1,100,10,linh,bio,shopeeshop,,\n2,Completed,2026-11-03 10:00:00,1,100,10,linh,bio,nosuchlink,,\n3,Completed,2026-10-01 10:00:00,1,100,10,linh,bio,shopeeshop,,\n4,Completed,2026-11-04 10:00:00,1,100,-,linh,bio,shopeeshop,,\n"
        ),
    );
    let out = tmp.path().join("report");
    let run = ok(&[
        "report",
        &fx("site"),
        "--conversions",
        f.to_str().unwrap(),
        &fx("amazon-earnings.csv"),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.stderr.contains("unattributed"), "{}", run.stderr);
    let text = std::fs::read_to_string(out.join("unattributed.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head,
        [
            "file",
            "line",
            "kind",
            "source",
            "date",
            "identifiers",
            "order_id",
            "status",
            "currency",
            "commission",
            "count",
            "reason"
        ]
    );
    let recs: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let by_line = |file: &str, line: &str| {
        recs.iter()
            .find(|r| r[0].ends_with(file) && r[1] == line)
            .unwrap_or_else(|| panic!("{file}:{line} in {recs:?}"))
            .clone()
    };
    assert!(
        by_line("orders.csv", "3")[11].starts_with("unknown sub-id \"linh-bio-nosuchlink\""),
        "{recs:?}"
    );
    assert_eq!(by_line("orders.csv", "3")[6], "2");
    assert!(
        by_line("orders.csv", "4")[11].starts_with("outside the date range"),
        "{recs:?}"
    );
    assert!(
        by_line("orders.csv", "5")[11].starts_with("unparseable amount \"-\""),
        "{recs:?}"
    );
    assert!(
        by_line("amazon-earnings.csv", "6")[11].starts_with("other creator's tag"),
        "{recs:?}"
    );
    assert_eq!(recs.len(), 4, "{recs:?}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["unattributed"]["rows"], 4);
    assert_eq!(
        report["unattributed"]["by_reason"]["outside the date range"],
        1
    );
    assert_eq!(report["period"]["from"], "2026-11-01");
    assert_eq!(report["previous_period"]["to"], "2026-10-31");
}

#[test]
fn the_report_directory_holds_every_output_and_no_customer_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let files: Vec<String> = [
        "shopee-vi.csv",
        "accesstrade.json",
        "amazon-earnings.csv",
        "mynet.csv",
    ]
    .iter()
    .map(|f| fx(f))
    .collect();
    let analytics: Vec<String> = [
        "plausible-clicks.json",
        "goatcounter.csv",
        "umami-website_event.csv",
        "ga4-pages.json",
    ]
    .iter()
    .map(|f| fx(f))
    .collect();
    let site = fx("site");
    let mut args = vec!["report", site.as_str(), "--conversions"];
    args.extend(files.iter().map(String::as_str));
    args.push("--analytics");
    args.extend(analytics.iter().map(String::as_str));
    args.extend(["-o", out.to_str().unwrap()]);
    let run = ok(&args);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let mut all = String::new();
    for name in [
        "index.html",
        "by-creator.csv",
        "by-channel.csv",
        "by-link.csv",
        "by-day.csv",
        "report.json",
        "unattributed.csv",
    ] {
        let text =
            std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        all.push_str(&text);
    }
    for secret in [
        "SECRET-USER-AGENT",
        "alice@example.com",
        "Googlebot",
        "VN-HN",
        "Chrome 120",
        "Android 14",
        "Hanoi",
        "a1b2",
    ] {
        assert!(
            !all.contains(secret),
            "customer data \"{secret}\" in the report"
        );
    }
    // the HTML: static, charts with accessible names, the link table
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("script")).count(), 0);
    let charts: Vec<_> = doc.select(&sel("svg[role=img]")).collect();
    assert!(charts.len() >= 3, "{} charts", charts.len());
    for c in &charts {
        let id = c.value().attr("aria-labelledby").unwrap();
        assert!(c.select(&sel(&format!("title#{id}"))).next().is_some());
    }
    assert!(html.contains("prefers-color-scheme:dark"));
    let links = crate::texts(
        &html,
        "#links ~ .scroll tbody tr, section[aria-labelledby=links] tbody tr",
    );
    assert!(
        links.iter().any(|t| t.contains("Serum B5 (serum-b5)")),
        "{links:?}"
    );
    let by_link = std::fs::read_to_string(out.join("by-link.csv")).unwrap();
    assert!(by_link.starts_with("creator,channel,link,kind,title,network,pageviews,clicks,orders,items,conversion_rate,"), "{by_link}");
    assert!(by_link.contains("\r\n"));
    // a second run replaces the report
    ok(&args);
    assert!(out.join(".biopage-report").is_file());
}

#[test]
fn status_picks_which_commission_counts() {
    let site = fx("site");
    let f = fx("shopee-en.csv");
    let run = ok(&[
        "report",
        &site,
        "--conversions",
        &f,
        "--status",
        "approved",
        "--format",
        "json",
        "--by",
        "creator",
    ]);
    let v: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let vnd = &v[0]["money"]["VND"];
    assert_eq!(vnd["commission"]["approved"], "39180");
    assert_eq!(vnd["commission"]["pending"], "0");
    assert_eq!(vnd["commission"]["rejected"], "0");
    assert!(
        run.stderr.contains("2 of other statuses left out"),
        "{}",
        run.stderr
    );
}

#[test]
fn agency_leaderboard_tiers_moves_and_roi() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    ok(&[
        "report",
        &fx("agency"),
        "--conversions",
        &fx("agency-shopee.csv"),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "-o",
        out.to_str().unwrap(),
    ]);
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let board = r["leaderboard"].as_array().unwrap();
    assert_eq!(board[0]["creator"], "mei");
    assert_eq!(board[0]["commission"], "20000");
    assert_eq!(board[0]["previous_commission"], "3000");
    assert_eq!(
        (
            board[0]["tier"].as_str(),
            board[0]["previous_tier"].as_str(),
            board[0]["tier_change"].as_str()
        ),
        (Some("micro"), Some("nano"), Some("up"))
    );
    assert_eq!(board[1]["creator"], "linh");
    assert_eq!(
        (board[1]["tier"].as_str(), board[1]["tier_change"].as_str()),
        (Some("nano"), Some("down"))
    );
    let linh = find(r["by_creator"].as_array().unwrap(), &[("creator", "linh")]);
    // agency.toml's cost: 1,000,000 VND; earned 5,000
    assert_eq!(linh["cost"]["amount"], "1000000");
    assert_eq!(linh["roi"].as_f64(), Some(-0.995));
    // [report.costs] in agency.toml beats the creator's own cost
    let mei = find(r["by_creator"].as_array().unwrap(), &[("creator", "mei")]);
    assert_eq!(mei["cost"]["currency"], "USD");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("↑ up from nano") && html.contains("↓ down from micro"),
        "{html}"
    );
    // --only: one creator, the other's sales are listed as unattributed
    let run = ok(&[
        "report",
        &fx("agency"),
        "--conversions",
        &fx("agency-shopee.csv"),
        "--only",
        "linh",
        "--format",
        "csv",
        "--by",
        "creator",
    ]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(run.stderr.contains("other creator's row"), "{}", run.stderr);
    let bad = biopage(&[
        "report",
        &fx("agency"),
        "--conversions",
        &fx("agency-shopee.csv"),
        "--only",
        "lihn",
    ]);
    assert!(
        bad.stderr.contains("did you mean \"linh\""),
        "{}",
        bad.stderr
    );
}

#[test]
fn exit_codes_and_the_report_directory_rules() {
    let site = fx("site");
    let f = fx("shopee-en.csv");
    // into the site (its public/): usage error, nothing written
    let inside = repo().join("tests/fixtures/report/site/public");
    let run = biopage(&[
        "report",
        &site,
        "--conversions",
        &f,
        "-o",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("inside the site"), "{}", run.stderr);
    assert!(!inside.exists());
    // a directory that is not a report
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("thesis.docx"), "x").unwrap();
    let run = biopage(&[
        "report",
        &site,
        "--conversions",
        &f,
        "-o",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(tmp.path().join("thesis.docx").exists());
    // a directory holding an input
    let input = write(
        tmp.path(),
        "orders.csv",
        &std::fs::read_to_string(&f).unwrap(),
    );
    let run = biopage(&[
        "report",
        &site,
        "--conversions",
        input.to_str().unwrap(),
        "-o",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for args in [
        vec![
            "report",
            site.as_str(),
            "--conversions",
            f.as_str(),
            "--format",
            "xml",
        ],
        vec![
            "report",
            site.as_str(),
            "--conversions",
            f.as_str(),
            "--from",
            "Nov 31",
        ],
        vec![
            "report",
            site.as_str(),
            "--conversions",
            f.as_str(),
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-01",
        ],
        vec!["report", site.as_str(), "--conversions", "/nonexistent.csv"],
        vec![
            "report",
            site.as_str(),
            "--conversions",
            f.as_str(),
            "--only",
            "linh",
        ],
        vec!["report", site.as_str()],
    ] {
        let run = biopage(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn check_and_build_warn_when_reports_could_not_tell_links_apart() {
    let f = crate::Fixture::new(
        &format!("{}[networks.shopee]\naffiliate_id = \"173\"\n", crate::BASE_PROFILE),
        Some("[[products]]\nid = \"serum-b5\"\ntitle = \"A\"\nurl = \"https://shopee.vn/product/1/1\"\n\n[[products]]\nid = \"serum_b5\"\ntitle = \"B\"\nurl = \"https://shopee.vn/product/1/2\"\n"),
    );
    let run = biopage(&["check", f.path().to_str().unwrap(), "--date", "2026-11-24"]);
    assert!(run.stderr.contains("warning[ambiguous-sub-id]: \"serum-b5\" and \"serum_b5\" send the same Shopee sub_id \"linhreview-bio-serumb5\""), "{}", run.stderr);
    assert!(run.stderr.contains("products.toml:7:6"), "{}", run.stderr);
    let run = biopage(&[
        "check",
        f.path().to_str().unwrap(),
        "--date",
        "2026-11-24",
        "--deny-warnings",
    ]);
    assert_eq!(run.code, 1);
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[ambiguous-sub-id]"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_amazon_tag_table_needs_a_tag_for_every_channel() {
    let f = crate::Fixture::new(
        &format!("{}[tracking]\nchannels = [\"tiktok\"]\n[networks.amazon]\ntag = {{ tiktok = \"linhtt-20\" }}\n[[links]]\nid = \"b\"\ntitle = \"B\"\nurl = \"https://www.amazon.com/dp/B0ABCDEF12\"\n", crate::BASE_PROFILE),
        None,
    );
    let run = biopage(&["check", f.path().to_str().unwrap(), "--date", "2026-11-24"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no tag for the channel \"bio\""),
        "{}",
        run.stderr
    );
    let f = crate::Fixture::new(
        &format!("{}[tracking]\nchannels = [\"tiktok\"]\n[networks.amazon]\ntag = {{ tiktok = \"linhtt-20\", default = \"linh-20\" }}\n[[links]]\nid = \"b\"\ntitle = \"B\"\nurl = \"https://www.amazon.com/dp/B0ABCDEF12\"\n", crate::BASE_PROFILE),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        crate::hrefs(&f.read("tiktok/index.html"), "a[data-id=b]")[0].ends_with("tag=linhtt-20")
    );
    assert!(crate::hrefs(&f.read("index.html"), "a[data-id=b]")[0].ends_with("tag=linh-20"));
}

#[test]
fn report_settings_are_checked_like_every_other_key() {
    let f = crate::Fixture::new(
        &format!("{}cost = \"lots\"\n[report.formats.net]\norder_id = \"Order\"\ntime = \"Date\"\ncomission = \"Payout\"\n", crate::BASE_PROFILE),
        None,
    );
    let run = biopage(&["check", f.path().to_str().unwrap(), "--date", "2026-11-24"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let e = &run.stderr;
    assert!(
        e.contains("unknown key `comission` in [report.formats.net]")
            && e.contains("did you mean `commission`?"),
        "{e}"
    );
    assert!(e.contains("needs `commission`"), "{e}");
    assert!(e.contains("needs `params`"), "{e}");
    assert!(e.contains("`cost` \"lots\" is not an amount"), "{e}");
    assert!(e.contains("profile.toml:6:"), "{e}");
    // [tiers] is an agency's
    let g = crate::Fixture::new(&format!("{}[tiers]\nnano = 1\n", crate::BASE_PROFILE), None);
    let run = biopage(&["check", g.path().to_str().unwrap()]);
    assert!(
        run.stderr.contains("unknown key `tiers` in profile.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_providers_click_event_names_the_creator_and_the_channel() {
    for (provider, id, event) in [
        (
            "goatcounter",
            "id = \"linh\"",
            "\"outbound/\"+H+\"/\"+C+\"/\"+i",
        ),
        ("plausible", "", "handle:H,channel:C"),
        (
            "umami",
            "id = \"d3b8c2f4-1111-4c6b-9c1e-0123456789ab\"",
            "handle:H,channel:C",
        ),
        ("ga4", "id = \"G-ABC123\"", "handle:H,channel:C"),
    ] {
        let f = crate::Fixture::new(
            &format!("{}[tracking]\nchannels = [\"tiktok\"]\n[analytics]\nprovider = \"{provider}\"\n{id}\n[[links]]\nid = \"shop\"\ntitle = \"Shop\"\nurl = \"https://shop.example/\"\n", crate::BASE_PROFILE),
            None,
        );
        let run = f.build(&[]);
        assert_eq!(run.code, 0, "{provider}: {}", run.stderr);
        let page = f.read("tiktok/index.html");
        assert_eq!(
            crate::select_attr(&page, "script:not([src])", "data-handle"),
            vec!["linhreview"],
            "{provider}"
        );
        assert_eq!(
            crate::select_attr(&page, "script:not([src])", "data-channel"),
            vec!["tiktok"],
            "{provider}"
        );
        let inline = crate::texts(&page, "script:not([src])").remove(0);
        assert!(inline.contains(event), "{provider}: {inline}");
    }
}
