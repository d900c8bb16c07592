//! The report as tables: one row per creator, channel, link or day, as
//! aligned text (a terminal), CSV or JSON; and `report.json`, everything.
//!
//! Money is written per currency (a set of columns for each currency in
//! CSV and text, an object per currency in JSON), exact: CSV and JSON hold
//! plain decimals (`289000`, `12.5`), never floats.

use crate::report::aggregate::{leaderboard, main_currency, Metrics, Standing};
use crate::report::index::NONE;
use crate::report::money::{Amount, Cur};
use crate::report::{Report, StatusFilter};
use std::borrow::Cow;

/// A breakdown (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Creator,
    Channel,
    Link,
    Day,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Creator => "creator",
            By::Channel => "channel",
            By::Link => "link",
            By::Day => "day",
        }
    }
}

/// One row of a breakdown: its key columns and metrics.
pub struct Line<'a> {
    /// Borrowed from the index where they can be: by-link has a row per
    /// link and channel, written three times (CSV, JSON, HTML).
    pub keys: Vec<(&'static str, Cow<'a, str>)>,
    pub m: &'a Metrics,
    /// A creator's cost, for ROI.
    pub cost: Option<(Amount, Cur)>,
}

/// What an unknown channel or link is shown as.
pub const UNKNOWN: &str = "";

/// The rows of a breakdown, in a stable order: creators and links by
/// handle, channel and id; channels by name (unknown last); days by date.
pub fn lines(r: &Report, by: By) -> Vec<Line<'_>> {
    let ix = &r.index;
    match by {
        By::Creator => {
            let mut out: Vec<Line> = (0..ix.creators.len())
                .filter(|c| r.only.is_none_or(|o| o as usize == *c))
                .map(|c| Line {
                    keys: vec![
                        ("creator", Cow::Borrowed(ix.creators[c].handle.as_str())),
                        ("name", Cow::Borrowed(ix.creators[c].name.as_str())),
                    ],
                    m: &r.now.creators[c],
                    cost: ix.creators[c].cost,
                })
                .collect();
            out.sort_by(|a, b| a.keys[0].1.cmp(&b.keys[0].1));
            out
        }
        By::Channel => {
            let mut out: Vec<Line> = r
                .now
                .channels
                .iter()
                .enumerate()
                .filter(|(_, m)| **m != Metrics::default())
                .map(|(i, m)| Line {
                    keys: vec![(
                        "channel",
                        Cow::Borrowed(ix.channels.get(i).map(String::as_str).unwrap_or_default()),
                    )],
                    m,
                    cost: None,
                })
                .collect();
            out.sort_by(|a, b| {
                (a.keys[0].1.is_empty(), &a.keys[0].1).cmp(&(b.keys[0].1.is_empty(), &b.keys[0].1))
            });
            out
        }
        By::Link => {
            let mut out: Vec<Line> = r
                .now
                .links
                .iter()
                .map(|((c, ch, l), m)| {
                    let link = (*l != NONE).then(|| &ix.links[*l as usize]);
                    Line {
                        keys: vec![
                            ("creator", Cow::Borrowed(ix.handle(*c))),
                            (
                                "channel",
                                Cow::Borrowed(if *ch == NONE {
                                    UNKNOWN
                                } else {
                                    ix.channel_name(*ch)
                                }),
                            ),
                            (
                                "link",
                                Cow::Borrowed(link.map(|l| &*l.id).unwrap_or_default()),
                            ),
                            (
                                "kind",
                                Cow::Borrowed(link.map(|l| l.kind).unwrap_or_default()),
                            ),
                            (
                                "title",
                                Cow::Borrowed(link.map(|l| &*l.title).unwrap_or_default()),
                            ),
                            (
                                "network",
                                Cow::Borrowed(
                                    link.and_then(|l| l.network.as_deref()).unwrap_or_default(),
                                ),
                            ),
                        ],
                        m,
                        cost: None,
                    }
                })
                .collect();
            out.sort_by(|a, b| {
                fn k<'l>(l: &'l Line) -> (&'l str, bool, &'l str, bool, &'l str) {
                    (
                        &l.keys[0].1,
                        l.keys[1].1.is_empty(),
                        &l.keys[1].1,
                        l.keys[2].1.is_empty(),
                        &l.keys[2].1,
                    )
                }
                k(a).cmp(&k(b))
            });
            out
        }
        By::Day => r
            .now
            .days
            .iter()
            .map(|(d, m)| Line {
                keys: vec![("day", Cow::Owned(d.to_string()))],
                m,
                cost: None,
            })
            .collect(),
    }
}

/// Every currency the report has money in, sorted.
pub fn currencies(r: &Report) -> Vec<Cur> {
    r.now.total.money.iter().map(|(c, _)| *c).collect()
}

/// A rate as a decimal fraction with up to 6 places (`0.05`).
pub fn rate(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(x) => {
            let s = format!("{x:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s.is_empty() || s == "-" {
                "0".into()
            } else {
                s.to_string()
            }
        }
    }
}

fn amt(a: Amount, c: Cur) -> String {
    a.plain(c.digits())
}

fn opt_amt(a: Option<Amount>, c: Cur) -> String {
    a.map(|a| amt(a, c)).unwrap_or_default()
}

/// The CSV header of a breakdown.
fn csv_head(r: &Report, by: By) -> Vec<String> {
    let mut head: Vec<String> = key_names(by).iter().map(|k| k.to_string()).collect();
    head.extend(["pageviews", "clicks", "orders", "items", "conversion_rate"].map(String::from));
    for c in &currencies(r) {
        for m in [
            "revenue",
            "commission_pending",
            "commission_approved",
            "commission_rejected",
            "refunds",
            "epc",
            "aov",
        ] {
            head.push(format!("{m}_{c}"));
        }
    }
    if by == By::Creator {
        head.extend(["cost", "cost_currency", "roi"].map(String::from));
    }
    head
}

/// One line of a breakdown as CSV fields.
fn csv_row(l: &Line, curs: &[Cur], by: By) -> Vec<String> {
    let mut row: Vec<String> = l.keys.iter().map(|(_, v)| v.to_string()).collect();
    let m = l.m;
    row.extend([
        m.pageviews.to_string(),
        m.clicks.to_string(),
        m.orders.to_string(),
        m.items.to_string(),
        rate(m.conversion_rate()),
    ]);
    for c in curs {
        let x = m.money(*c);
        row.extend([
            amt(x.revenue, *c),
            amt(x.pending, *c),
            amt(x.approved, *c),
            amt(x.rejected, *c),
            amt(x.refunds, *c),
            opt_amt(m.epc(*c), *c),
            opt_amt(m.aov(*c), *c),
        ]);
    }
    if by == By::Creator {
        match l.cost {
            Some((a, c)) => row.extend([amt(a, c), c.to_string(), rate(m.roi(a, c))]),
            None => row.extend([String::new(), String::new(), String::new()]),
        }
    }
    row
}

/// Writes a breakdown as RFC 4180 CSV (CRLF line ends, fields quoted when
/// needed), row by row: an agency's by-link has hundreds of thousands.
pub fn write_csv(r: &Report, by: By, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let curs = currencies(r);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(csv_head(r, by))?;
    for l in lines(r, by) {
        w.write_record(csv_row(&l, &curs, by))?;
    }
    w.flush()
}

fn key_names(by: By) -> &'static [&'static str] {
    match by {
        By::Creator => &["creator", "name"],
        By::Channel => &["channel"],
        By::Link => &["creator", "channel", "link", "kind", "title", "network"],
        By::Day => &["day"],
    }
}

pub fn to_csv(r: &Report, by: By) -> String {
    let mut buf = Vec::new();
    // writing to memory cannot fail
    let _ = write_csv(r, by, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// JSON whose object keys stay in the order they were written
/// (`serde_json`'s own maps sort them, and its `preserve_order` feature
/// would change every page's JSON-LD).
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl serde::Serialize for J {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            J::Null => s.serialize_none(),
            J::Bool(b) => s.serialize_bool(*b),
            J::Int(i) => s.serialize_i128(*i),
            J::Float(f) => s.serialize_f64(*f),
            J::Str(v) => s.serialize_str(v),
            J::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            J::Obj(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl From<&str> for J {
    fn from(v: &str) -> J {
        J::Str(v.to_string())
    }
}
impl From<String> for J {
    fn from(v: String) -> J {
        J::Str(v)
    }
}
impl From<u64> for J {
    fn from(v: u64) -> J {
        J::Int(v as i128)
    }
}
impl From<usize> for J {
    fn from(v: usize) -> J {
        J::Int(v as i128)
    }
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> J {
        v.map(Into::into).unwrap_or(J::Null)
    }
}

/// An object from (key, value) pairs, in order.
pub fn obj<const N: usize>(fields: [(&str, J); N]) -> J {
    J::Obj(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn float(v: Option<f64>) -> J {
    v.map(|x| J::Float((x * 1e6).round() / 1e6))
        .unwrap_or(J::Null)
}

/// A group's metrics as JSON: counts as numbers, money as exact decimal
/// strings, per currency.
pub fn metrics_json(m: &Metrics, cost: Option<(Amount, Cur)>) -> Vec<(String, J)> {
    let money = m
        .money
        .iter()
        .map(|(c, x)| {
            (
                c.to_string(),
                obj([
                    ("revenue", amt(x.revenue, *c).into()),
                    (
                        "commission",
                        obj([
                            ("pending", amt(x.pending, *c).into()),
                            ("approved", amt(x.approved, *c).into()),
                            ("rejected", amt(x.rejected, *c).into()),
                        ]),
                    ),
                    ("refunds", amt(x.refunds, *c).into()),
                    ("orders", x.orders.into()),
                    ("epc", m.epc(*c).map(|a| amt(a, *c)).into()),
                    ("aov", m.aov(*c).map(|a| amt(a, *c)).into()),
                ]),
            )
        })
        .collect();
    let mut v = vec![
        ("pageviews".to_string(), J::from(m.pageviews)),
        ("clicks".into(), m.clicks.into()),
        ("orders".into(), m.orders.into()),
        ("items".into(), m.items.into()),
        ("conversion_rate".into(), float(m.conversion_rate())),
        ("money".into(), J::Obj(money)),
    ];
    if let Some((a, c)) = cost {
        v.push((
            "cost".into(),
            obj([
                ("amount", amt(a, c).into()),
                ("currency", c.to_string().into()),
            ]),
        ));
        v.push(("roi".into(), float(m.roi(a, c))));
    }
    v
}

fn row_json(l: &Line) -> J {
    let mut fields: Vec<(String, J)> = l
        .keys
        .iter()
        .map(|(k, v)| (k.to_string(), J::from(v.to_string())))
        .collect();
    fields.extend(metrics_json(l.m, l.cost));
    J::Obj(fields)
}

/// `v` pretty-printed, every line after the first indented by `indent`.
fn pretty_at(v: &J, indent: &str) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_else(|_| "null".into())
        .replace('\n', &format!("\n{indent}"))
}

/// Writes a breakdown as a JSON array, one object at a time, one object
/// per line: an agency's by-link has hundreds of thousands of rows, and a
/// row per line is what `grep`, `jq -c` and a diff handle best.
fn write_rows_json(
    r: &Report,
    by: By,
    out: &mut dyn std::io::Write,
    indent: &str,
) -> std::io::Result<()> {
    let rows = lines(r, by);
    if rows.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (i, l) in rows.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(out, "{sep}\n{indent}  ")?;
        serde_json::to_writer(&mut *out, &row_json(l)).map_err(std::io::Error::other)?;
    }
    write!(out, "\n{indent}]")
}

/// A breakdown as a JSON array, streamed.
pub fn to_json_into(r: &Report, by: By, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_rows_json(r, by, out, "")?;
    out.write_all(b"\n")
}

pub fn to_json(r: &Report, by: By) -> String {
    let mut buf = Vec::new();
    let _ = write_rows_json(r, by, &mut buf, "");
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_default()
}

/// The leaderboard of an agency (empty for a single site).
pub fn standings(r: &Report) -> Vec<Standing> {
    if !r.index.agency {
        return Vec::new();
    }
    let preferred = r
        .tiers
        .as_ref()
        .and_then(|t| t.currency.as_ref())
        .and_then(|c| Cur::parse(&c.value));
    leaderboard(
        &r.index,
        &r.now,
        r.previous.as_ref(),
        main_currency(&r.now.total, preferred),
        r.tiers.as_ref(),
        r.only,
    )
}

/// Everything, as `report.json`, written piece by piece (the breakdowns
/// one row at a time).
pub fn write_report_json(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let day = |d: Option<crate::report::date::Day>| J::from(d.map(|d| d.to_string()));
    let cur = main_currency(
        &r.now.total,
        r.tiers
            .as_ref()
            .and_then(|t| t.currency.as_ref())
            .and_then(|c| Cur::parse(&c.value)),
    );
    let board: Vec<J> = standings(r)
        .iter()
        .map(|s| {
            let m = &r.now.creators[s.creator as usize];
            obj([
                ("rank", s.rank.into()),
                ("creator", r.index.handle(s.creator).into()),
                ("commission", cur.map(|c| amt(s.commission, c)).into()),
                (
                    "previous_commission",
                    s.previous.and_then(|p| cur.map(|c| amt(p, c))).into(),
                ),
                ("orders", m.orders.into()),
                ("clicks", m.clicks.into()),
                ("conversion_rate", float(m.conversion_rate())),
                ("epc", cur.and_then(|c| m.epc(c).map(|a| amt(a, c))).into()),
                ("tier", s.tier.clone().into()),
                ("previous_tier", s.previous_tier.clone().into()),
                (
                    "tier_change",
                    (!s.change.as_str().is_empty())
                        .then_some(s.change.as_str())
                        .into(),
                ),
            ])
        })
        .collect();
    let counts = |m: &std::collections::BTreeMap<&'static str, u64>| {
        J::Obj(
            m.iter()
                .map(|(k, v)| (k.to_string(), J::from(*v)))
                .collect(),
        )
    };
    let v = obj([
        (
            "generator",
            format!("biopage {}", env!("CARGO_PKG_VERSION")).into(),
        ),
        ("title", r.title.clone().into()),
        (
            "period",
            obj([("from", day(r.period.0)), ("to", day(r.period.1))]),
        ),
        (
            "previous_period",
            r.previous_period
                .map(|(f, t)| obj([("from", f.to_string().into()), ("to", t.to_string().into())]))
                .unwrap_or(J::Null),
        ),
        (
            "status",
            match r.status {
                StatusFilter::All => "all",
                StatusFilter::Only(s) => s.as_str(),
            }
            .into(),
        ),
        ("currency", cur.map(|c| c.to_string()).into()),
        (
            "files",
            J::Arr(
                r.files
                    .iter()
                    .map(|f| {
                        obj([
                            ("path", f.path.display().to_string().into()),
                            ("format", f.format.clone().into()),
                            ("rows", f.rows.into()),
                            ("attributed", f.attributed.into()),
                            ("unattributed", f.unattributed.into()),
                            ("skipped", f.skipped.into()),
                            ("left_out_by_status", f.filtered.into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("totals", J::Obj(metrics_json(&r.now.total, None))),
        (
            "previous_totals",
            r.previous
                .as_ref()
                .map(|p| J::Obj(metrics_json(&p.total, None)))
                .unwrap_or(J::Null),
        ),
        ("by_creator", J::Null),
        ("by_channel", J::Null),
        ("by_link", J::Null),
        ("by_day", J::Null),
        ("leaderboard", J::Arr(board)),
        (
            "tiers",
            r.tiers
                .as_ref()
                .map(|t| {
                    obj([
                        ("metric", t.metric.value.clone().into()),
                        (
                            "currency",
                            t.currency.as_ref().map(|c| c.value.clone()).into(),
                        ),
                        (
                            "tiers",
                            J::Arr(
                                t.ladder(&t.metric.value)
                                    .iter()
                                    .map(|(n, a)| {
                                        obj([
                                            ("name", n.clone().into()),
                                            ("threshold", a.plain(0).into()),
                                        ])
                                    })
                                    .collect(),
                            ),
                        ),
                    ])
                })
                .unwrap_or(J::Null),
        ),
        (
            "unattributed",
            obj([
                ("rows", r.unattributed.total.into()),
                ("by_reason", counts(&r.unattributed_by_reason)),
            ]),
        ),
        ("skipped", counts(&r.skipped)),
    ]);
    let J::Obj(fields) = v else {
        return Ok(());
    };
    out.write_all(b"{")?;
    for (i, (k, v)) in fields.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(
            out,
            "{sep}\n  {}: ",
            serde_json::to_string(k).unwrap_or_default()
        )?;
        let by = match k.as_str() {
            "by_creator" => Some(By::Creator),
            "by_channel" => Some(By::Channel),
            "by_link" => Some(By::Link),
            "by_day" => Some(By::Day),
            _ => None,
        };
        match by {
            Some(by) => write_rows_json(r, by, out, "  ")?,
            None => out.write_all(pretty_at(v, "  ").as_bytes())?,
        }
    }
    out.write_all(b"\n}\n")
}

/// [`write_report_json`] into a string.
pub fn report_json(r: &Report) -> String {
    let mut buf = Vec::new();
    let _ = write_report_json(r, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// Aligned text for a terminal: the breakdown's key columns, counts and
/// each currency's commission (approved/pending/rejected), revenue and EPC.
pub fn to_text(r: &Report, by: By) -> String {
    let curs = currencies(r);
    let rows = lines(r, by);
    let keys: Vec<&str> = match by {
        By::Link => vec!["creator", "channel", "link"],
        By::Creator => vec!["creator"],
        By::Channel => vec!["channel"],
        By::Day => vec!["day"],
    };
    let mut head: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    head.extend(["views", "clicks", "orders", "items", "CR"].map(String::from));
    for c in &curs {
        head.extend([
            format!("approved {c}"),
            format!("pending {c}"),
            format!("rejected {c}"),
            format!("revenue {c}"),
            format!("EPC {c}"),
        ]);
    }
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{:.1}%", x * 100.0))
            .unwrap_or_else(|| "–".into())
    };
    let mut body: Vec<Vec<String>> = rows
        .iter()
        .map(|l| {
            let mut row: Vec<String> = keys
                .iter()
                .map(|k| {
                    let v = l
                        .keys
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.to_string())
                        .unwrap_or_default();
                    if !v.is_empty() {
                        v
                    } else if *k == "link" {
                        "(other items)".into()
                    } else {
                        "(unknown)".into()
                    }
                })
                .collect();
            row.extend([
                l.m.pageviews.to_string(),
                l.m.clicks.to_string(),
                l.m.orders.to_string(),
                l.m.items.to_string(),
                pct(l.m.conversion_rate()),
            ]);
            for c in &curs {
                let x = l.m.money(*c);
                let d = c.digits();
                row.extend([
                    x.approved.display(d),
                    x.pending.display(d),
                    x.rejected.display(d),
                    x.revenue.display(d),
                    l.m.epc(*c)
                        .map(|a| a.display(d))
                        .unwrap_or_else(|| "–".into()),
                ]);
            }
            row
        })
        .collect();
    // totals
    let mut total: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i == 0 {
                "total".into()
            } else {
                String::new()
            }
        })
        .collect();
    let m = &r.now.total;
    total.extend([
        m.pageviews.to_string(),
        m.clicks.to_string(),
        m.orders.to_string(),
        m.items.to_string(),
        pct(m.conversion_rate()),
    ]);
    for c in &curs {
        let x = m.money(*c);
        let d = c.digits();
        total.extend([
            x.approved.display(d),
            x.pending.display(d),
            x.rejected.display(d),
            x.revenue.display(d),
            m.epc(*c)
                .map(|a| a.display(d))
                .unwrap_or_else(|| "–".into()),
        ]);
    }
    body.push(total);
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(head[i].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if i < keys.len() {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut out, &head);
    let n = body.len();
    for (i, r) in body.iter().enumerate() {
        if i + 1 == n {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
        line(&mut out, r);
    }
    out
}
