//! `index.html` of a report: static, no JavaScript, readable offline and
//! printable; light and dark; readable at 390 px (tables scroll inside
//! their own focusable region, never the page).

use crate::report::aggregate::{main_currency, Move};
use crate::report::charts;
use crate::report::money::{Amount, Cur};
use crate::report::write::{self, By};
use crate::report::{Report, StatusFilter};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use std::fmt::Write as _;

/// Rows of the HTML tables (the CSV files hold every row).
pub const MAX_ROWS: usize = 100;

/// The stylesheet. Chart colours: plotters draws in [`charts::INK`],
/// [`charts::BAR`] and [`charts::BACKGROUND`]; these rules recolour them
/// (author CSS beats SVG presentation attributes).
pub const STYLE: &str = r##":root{color-scheme:light dark;--bg:#fff;--fg:#1a1a1a;--muted:#555;--line:#d6d6d6;--card:#f4f5f7;--accent:#1d5fa8;--area:rgba(29,95,168,.22);--good:#1a6b32;--bad:#a3261b}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#eceff2;--muted:#b3b9c0;--line:#3a4048;--card:#1c2127;--accent:#7db5f0;--area:rgba(125,181,240,.25);--good:#7fd492;--bad:#ff9b8f}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:68rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 .25rem}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1rem 0 .25rem}
p,li{max-width:48rem}
.meta{color:var(--muted);margin:0}
a{color:var(--accent)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.5rem;margin:0;padding:0}
.cards div{background:var(--card);border-radius:.5rem;padding:.6rem .75rem;min-width:0}
.cards dt{color:var(--muted);font-size:.85rem}
.cards dd{margin:0;font-size:1.2rem;font-weight:600;overflow-wrap:anywhere;font-variant-numeric:tabular-nums}
figure{margin:0 0 1rem}
figcaption{color:var(--muted);font-size:.9rem}
svg.chart{display:block;width:100%;max-width:40rem;height:auto}
svg.chart [fill="#000000"]{fill:var(--fg)}
svg.chart [stroke="#000000"]{stroke:var(--fg)}
svg.chart [fill="#FFFFFF"]{fill:transparent}
svg.chart [stroke="#FFFFFF"]{stroke:transparent}
svg.chart [fill="#1F77B4"]{fill:var(--accent)}
svg.chart [stroke="#1F77B4"]{stroke:var(--accent)}
svg.chart polygon[fill="#1F77B4"]{fill:var(--area);opacity:1}
.scroll{overflow-x:auto;max-width:100%;margin:.25rem 0 1rem}
.scroll:focus{outline:2px solid var(--accent);outline-offset:2px}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
caption{text-align:start;color:var(--muted);padding:.25rem 0}
th,td{padding:.35rem .6rem;border-bottom:1px solid var(--line);text-align:end;white-space:nowrap}
th:first-child,td:first-child,.t{text-align:start}
td.t{white-space:normal;min-width:10rem}
thead th{position:sticky;top:0;background:var(--bg)}
.up{color:var(--good)}.down{color:var(--bad)}
details{margin:.5rem 0}
summary{cursor:pointer;color:var(--accent)}
footer{color:var(--muted);font-size:.85rem;margin-top:2rem}
@media print{body{font-size:11pt}main{max-width:none;padding:0}.scroll{overflow:visible}thead th{position:static}figure,table{break-inside:avoid}a{color:inherit}details{display:block}}"##;

fn money(a: Amount, c: Cur) -> String {
    format!("{}\u{a0}{c}", a.display(c.digits()))
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "–".into())
}

fn num(n: u64) -> String {
    Amount((n as i64).saturating_mul(10_000)).display(0)
}

/// A table in a focusable scrolling region (axe: scrollable regions must be
/// reachable by keyboard).
fn table(out: &mut String, label: &str, head: &[&str], rows: &[Vec<String>], text_cols: &[usize]) {
    let _ = write!(
        out,
        "<div class=\"scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\"><table><caption>{}</caption><thead><tr>",
        attr(label),
        esc(label)
    );
    for (i, h) in head.iter().enumerate() {
        let class = if text_cols.contains(&i) {
            " class=\"t\""
        } else {
            ""
        };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            // cells are already escaped
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{c}</th>");
            } else if text_cols.contains(&i) {
                let _ = write!(out, "<td class=\"t\">{c}</td>");
            } else {
                let _ = write!(out, "<td>{c}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// The report as one HTML page.
pub fn page(r: &Report) -> String {
    let ix = &r.index;
    let preferred = r
        .tiers
        .as_ref()
        .and_then(|t| t.currency.as_ref())
        .and_then(|c| Cur::parse(&c.value));
    let main = main_currency(&r.now.total, preferred);
    // the main currency first
    let mut curs = write::currencies(r);
    curs.sort_by_key(|c| Some(*c) != main);
    let period = match r.period {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("until {t}"),
        (None, None) => match (r.now.days.keys().next(), r.now.days.keys().next_back()) {
            (Some(f), Some(t)) => format!("{f} to {t} (every row of the exports)"),
            _ => "every row of the exports".into(),
        },
    };
    let scope = match r.only {
        Some(o) => format!("@{}", ix.handle(o)),
        None => r.title.clone(),
    };
    let mut b = String::with_capacity(64 * 1024);
    let style_hash = crate::analytics::csp_hash(STYLE);
    let _ = write!(
        b,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {style_hash}; img-src data:; base-uri 'none'; form-action 'none'\"><link rel=\"icon\" href=\"data:,\"><meta name=\"robots\" content=\"noindex\"><meta name=\"color-scheme\" content=\"light dark\"><meta name=\"generator\" content=\"biopage {}\"><title>Sales report: {} ({})</title><style>{STYLE}</style></head><body><main>",
        env!("CARGO_PKG_VERSION"),
        esc(&scope),
        esc(&period)
    );
    let status = match r.status {
        StatusFilter::All => String::new(),
        StatusFilter::Only(s) => format!(" · {} commission only", s.as_str()),
    };
    let _ = write!(
        b,
        "<header><h1>Sales report: {}</h1><p class=\"meta\">{}{}</p></header>",
        esc(&scope),
        esc(&period),
        esc(&status)
    );

    // summary
    let t = &r.now.total;
    b.push_str(
        "<section aria-labelledby=\"summary\"><h2 id=\"summary\">Summary</h2><dl class=\"cards\">",
    );
    let card = |b: &mut String, k: &str, v: String| {
        let _ = write!(b, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), esc(&v));
    };
    card(&mut b, "Page views", num(t.pageviews));
    card(&mut b, "Clicks", num(t.clicks));
    card(&mut b, "Orders", num(t.orders));
    card(&mut b, "Items", num(t.items));
    card(&mut b, "Conversion rate", pct(t.conversion_rate()));
    if let Some(c) = main {
        card(
            &mut b,
            &format!("Commission ({c})"),
            money(t.money(c).earning(), c),
        );
    }
    card(&mut b, "Unattributed rows", num(r.unattributed.total));
    b.push_str("</dl>");
    if !curs.is_empty() {
        let rows: Vec<Vec<String>> = curs
            .iter()
            .map(|c| {
                let m = t.money(*c);
                vec![
                    c.to_string(),
                    money(m.approved, *c),
                    money(m.pending, *c),
                    money(m.rejected, *c),
                    money(m.revenue, *c),
                    money(m.refunds, *c),
                    t.epc(*c)
                        .map(|a| money(a, *c))
                        .unwrap_or_else(|| "–".into()),
                    t.aov(*c)
                        .map(|a| money(a, *c))
                        .unwrap_or_else(|| "–".into()),
                ]
                .into_iter()
                .map(|s| esc(&s).into_owned())
                .collect()
            })
            .collect();
        table(
            &mut b,
            "Money per currency (never added across currencies)",
            &[
                "Currency", "Approved", "Pending", "Rejected", "Revenue", "Refunds", "EPC", "AOV",
            ],
            &rows,
            &[],
        );
    }
    if let Some(p) = &r.previous {
        if let (Some(c), Some((f, to))) = (main, r.previous_period) {
            let now = t.money(c).earning();
            let before = p.total.money(c).earning();
            let _ = write!(
                b,
                "<p>Commission (approved + pending) {} against {} in the previous period ({f} to {to}).</p>",
                esc(&money(now, c)),
                esc(&money(before, c))
            );
        }
    }
    b.push_str("</section>");

    // commission by day
    if !curs.is_empty() {
        b.push_str("<section aria-labelledby=\"days\"><h2 id=\"days\">Commission by day</h2>");
        for (i, c) in curs.iter().enumerate() {
            let mut points: Vec<_> = r
                .now
                .days
                .iter()
                .map(|(d, m)| (*d, m.money(*c).earning().to_f64()))
                .collect();
            // the whole period, when it was given, days without sales at 0
            if let Some(f) = r
                .period
                .0
                .filter(|f| points.first().is_none_or(|p| p.0 > *f))
            {
                points.insert(0, (f, 0.0));
            }
            if let Some(t) = r
                .period
                .1
                .filter(|t| points.last().is_none_or(|p| p.0 < *t))
            {
                points.push((t, 0.0));
            }
            let title = format!("Commission (approved + pending) by day, {c}");
            let svg = charts::by_day(&points, &format!("chart-day-{i}"), &title);
            let _ = write!(
                b,
                "<figure>{svg}<figcaption>{}</figcaption></figure>",
                esc(&title)
            );
            let rows: Vec<Vec<String>> = r
                .now
                .days
                .iter()
                .filter(|(_, m)| !m.money(*c).earning().is_zero() || m.orders > 0)
                .take(400)
                .map(|(d, m)| {
                    let x = m.money(*c);
                    vec![
                        d.to_string(),
                        money(x.approved, *c),
                        money(x.pending, *c),
                        num(m.orders),
                    ]
                })
                .map(|v| v.into_iter().map(|s| esc(&s).into_owned()).collect())
                .collect();
            b.push_str("<details><summary>The chart's numbers</summary>");
            table(
                &mut b,
                &format!("Commission by day ({c})"),
                &["Day", "Approved", "Pending", "Orders"],
                &rows,
                &[],
            );
            b.push_str("</details>");
        }
        b.push_str("</section>");
    }

    // bars by creator and by channel (in the main currency)
    if let Some(c) = main {
        if ix.agency && r.only.is_none() {
            let items: Vec<(String, f64)> = ix
                .creators
                .iter()
                .enumerate()
                .map(|(i, cr)| {
                    (
                        cr.handle.clone(),
                        r.now.creators[i].money(c).earning().to_f64(),
                    )
                })
                .collect();
            let svg = charts::bars(
                &items,
                "chart-creators",
                &format!("Commission by creator, {c} (the 15 highest)"),
                15,
            );
            if !svg.is_empty() {
                let _ = write!(b, "<section aria-labelledby=\"creators\"><h2 id=\"creators\">By creator</h2><figure>{svg}<figcaption>Commission (approved + pending), {c}: the 15 highest. Every creator is in by-creator.csv.</figcaption></figure></section>");
            }
        }
        let items: Vec<(String, f64)> = r
            .now
            .channels
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let name = ix
                    .channels
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "(unknown)".into());
                (name, m.money(c).earning().to_f64())
            })
            .collect();
        let svg = charts::bars(
            &items,
            "chart-channels",
            &format!("Commission by channel, {c}"),
            12,
        );
        if !svg.is_empty() {
            let _ = write!(b, "<section aria-labelledby=\"channels\"><h2 id=\"channels\">By channel</h2><figure>{svg}<figcaption>Commission (approved + pending) by channel page, {c}. \"(unknown)\": sales whose network does not say the channel (one Amazon tag for every channel).</figcaption></figure>");
            let rows: Vec<Vec<String>> = write::lines(r, By::Channel)
                .iter()
                .map(|l| {
                    let name = if l.keys[0].1.is_empty() {
                        "(unknown)".to_string()
                    } else {
                        l.keys[0].1.to_string()
                    };
                    vec![
                        name,
                        num(l.m.pageviews),
                        num(l.m.clicks),
                        num(l.m.orders),
                        pct(l.m.conversion_rate()),
                        money(l.m.money(c).earning(), c),
                    ]
                })
                .map(|v| v.into_iter().map(|s| esc(&s).into_owned()).collect())
                .collect();
            table(
                &mut b,
                "Channels",
                &[
                    "Channel",
                    "Page views",
                    "Clicks",
                    "Orders",
                    "CR",
                    &format!("Commission {c}"),
                ],
                &rows,
                &[],
            );
            b.push_str("</section>");
        }
    }

    // leaderboard
    let board = write::standings(r);
    if !board.is_empty() {
        let c = main.unwrap_or(Cur(*b"XXX"));
        b.push_str(
            "<section aria-labelledby=\"leaderboard\"><h2 id=\"leaderboard\">Leaderboard</h2>",
        );
        let tier_note = match &r.tiers {
            Some(t) if t.metric.value == "followers" => " Tiers are measured in followers ([tiers] metric), which a sales report does not know.".to_string(),
            Some(t) => format!(" Tiers by {} ([tiers] in agency.toml){}.", t.metric.value, if r.previous.is_some() { ", against the previous period" } else { "; give --from and --to for a previous period to compare with" }),
            None => String::new(),
        };
        let _ = write!(
            b,
            "<p>Creators ranked by commission (approved + pending, {c}).{}</p>",
            esc(&tier_note)
        );
        let rows: Vec<Vec<String>> = board
            .iter()
            .take(MAX_ROWS)
            .map(|s| {
                let m = &r.now.creators[s.creator as usize];
                let mv = match s.change {
                    Move::Up => format!(
                        "<span class=\"up\">↑ up from {}</span>",
                        esc(s.previous_tier.as_deref().unwrap_or("no tier"))
                    ),
                    Move::Down => format!(
                        "<span class=\"down\">↓ down from {}</span>",
                        esc(s.previous_tier.as_deref().unwrap_or("no tier"))
                    ),
                    Move::Same => "=".into(),
                    Move::Unknown => String::new(),
                };
                vec![
                    s.rank.to_string(),
                    esc(&format!("@{}", ix.handle(s.creator))).into_owned(),
                    esc(&money(s.commission, c)).into_owned(),
                    s.previous
                        .map(|p| esc(&money(p, c)).into_owned())
                        .unwrap_or_else(|| "–".into()),
                    num(m.orders),
                    esc(&pct(m.conversion_rate())).into_owned(),
                    m.epc(c)
                        .map(|a| esc(&money(a, c)).into_owned())
                        .unwrap_or_else(|| "–".into()),
                    esc(s.tier.as_deref().unwrap_or("–")).into_owned(),
                    mv,
                ]
            })
            .collect();
        table(
            &mut b,
            "Creators by commission",
            &[
                "Rank",
                "Creator",
                "Commission",
                "Previous period",
                "Orders",
                "CR",
                "EPC",
                "Tier",
                "Move",
            ],
            &rows,
            &[1],
        );
        if board.len() > MAX_ROWS {
            let _ = write!(
                b,
                "<p>The first {MAX_ROWS} of {} creators; all of them are in report.json.</p>",
                board.len()
            );
        }
        b.push_str("</section>");
    }

    // links
    let mut links = write::lines(r, By::Link);
    if !links.is_empty() {
        let c = main;
        links.sort_by(|a, b| {
            let v = |l: &write::Line| c.map(|c| l.m.money(c).earning()).unwrap_or_default();
            v(b).cmp(&v(a)).then(b.m.clicks.cmp(&a.m.clicks))
        });
        b.push_str("<section aria-labelledby=\"links\"><h2 id=\"links\">Links</h2>");
        let mut head = vec![];
        if ix.agency {
            head.push("Creator");
        }
        head.extend(["Link", "Channel", "Network", "Clicks", "Orders", "CR"]);
        let money_head = c.map(|c| format!("Commission {c}")).unwrap_or_default();
        if c.is_some() {
            head.push(&money_head);
        }
        let rows: Vec<Vec<String>> = links
            .iter()
            .take(MAX_ROWS)
            .map(|l| {
                let k = |n: &str| {
                    l.keys
                        .iter()
                        .find(|(x, _)| *x == n)
                        .map(|(_, v)| v.to_string())
                        .unwrap_or_default()
                };
                let link = if k("link").is_empty() {
                    "(other items)".to_string()
                } else {
                    format!("{} ({})", k("title"), k("link"))
                };
                let mut row = vec![];
                if ix.agency {
                    row.push(format!("@{}", k("creator")));
                }
                let ch = k("channel");
                row.extend([
                    link,
                    if ch.is_empty() {
                        "(unknown)".into()
                    } else {
                        ch
                    },
                    k("network"),
                    num(l.m.clicks),
                    num(l.m.orders),
                    pct(l.m.conversion_rate()),
                ]);
                if let Some(c) = c {
                    row.push(money(l.m.money(c).earning(), c));
                }
                row.into_iter().map(|s| esc(&s).into_owned()).collect()
            })
            .collect();
        let text_col = if ix.agency { 1 } else { 0 };
        table(
            &mut b,
            "Links, most commission first",
            &head,
            &rows,
            &[text_col],
        );
        if links.len() > MAX_ROWS {
            let _ = write!(
                b,
                "<p>The first {MAX_ROWS} of {} rows; every one is in by-link.csv.</p>",
                links.len()
            );
        }
        b.push_str("</section>");
    }

    // unattributed
    b.push_str(
        "<section aria-labelledby=\"unattributed\"><h2 id=\"unattributed\">Unattributed rows</h2>",
    );
    if r.unattributed.total == 0 {
        b.push_str("<p>Every row was attributed to a creator.</p>");
    } else {
        let _ = write!(
            b,
            "<p>{} rows matched no link; each is in <a href=\"unattributed.csv\">unattributed.csv</a> with its file, line and reason.</p>",
            num(r.unattributed.total)
        );
        let rows: Vec<Vec<String>> = r
            .unattributed_by_reason
            .iter()
            .map(|(k, v)| vec![esc(k).into_owned(), num(*v)])
            .collect();
        table(
            &mut b,
            "Unattributed rows by reason",
            &["Reason", "Rows"],
            &rows,
            &[],
        );
        let rows: Vec<Vec<String>> = r
            .unattributed
            .examples
            .iter()
            .take(20)
            .map(|u| {
                vec![
                    format!(
                        "{}:{}",
                        u.file
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        u.line
                    ),
                    u.identifiers.clone(),
                    u.reason.clone(),
                ]
                .into_iter()
                .map(|s| esc(&s).into_owned())
                .collect()
            })
            .collect();
        table(
            &mut b,
            "The first unattributed rows",
            &["Row", "Identifiers", "Reason"],
            &rows,
            &[1, 2],
        );
    }
    b.push_str("</section>");

    // files
    b.push_str("<footer><h2 id=\"files\">Files read</h2><ul>");
    for f in &r.files {
        let _ = write!(
            b,
            "<li>{}: {} ({} rows: {} attributed, {} unattributed{}{})</li>",
            esc(&f
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()),
            esc(&f.format),
            num(f.rows),
            num(f.attributed),
            num(f.unattributed),
            if f.skipped > 0 {
                format!(", {} skipped", num(f.skipped))
            } else {
                String::new()
            },
            if f.filtered > 0 {
                format!(", {} of other statuses left out", num(f.filtered))
            } else {
                String::new()
            },
        );
    }
    let _ = write!(
        b,
        "</ul><p>Made by biopage {}. Money is never added across currencies. The tables are in by-creator.csv, by-channel.csv, by-link.csv, by-day.csv and report.json.</p></footer></main></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    b.push('\n');
    b
}
