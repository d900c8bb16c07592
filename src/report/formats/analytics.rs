//! Analytics exports: the outbound clicks biopage's pages report (each
//! naming the creator's handle, the channel and the link id; see
//! `crate::analytics`) and the page views of creators' and channel pages.
//!
//! * Plausible: a Stats API v2 query (`POST /api/v2/query`) saved as JSON,
//!   with `time:day` and either the custom properties `event:props:handle`,
//!   `event:props:channel` and `event:props:id` (clicks, metric `events`)
//!   or `event:page` (page views, metric `pageviews`);
//! * Umami: the data export's `event_data.csv` (clicks: one row per
//!   property of an event, grouped by `website_event_id`) and
//!   `website_event.csv` (page views, `event_type` 1);
//! * GoatCounter: the CSV export (events `outbound/<handle>/<channel>/<id>`,
//!   page views by path);
//! * GA4: a Data API `runReport` response saved as JSON, with `date` and the
//!   custom dimensions `customEvent:handle`, `customEvent:channel` and
//!   `customEvent:link_id` (clicks, metric `eventCount`) or `pagePath`
//!   (page views, metric `screenPageViews`).
//!
//! Browsers, systems, locations, sessions and user agents are in some of
//! these files; they are never read.

use super::accesstrade::{json_problem, key_offset};
use super::{day, field, is_blank, Header, Problem, Row, RowKind, Sink, Traffic};
use crate::report::attribute::{Echo, Reason};
use crate::report::date::Day;

// ---------------------------------------------------------------- GoatCounter

#[derive(Debug, Clone)]
pub struct GoatCounter {
    path: usize,
    event: usize,
    bot: Option<usize>,
    date: usize,
}

impl GoatCounter {
    pub fn detect(h: &Header) -> Option<GoatCounter> {
        let first = h.names.first()?.to_ascii_lowercase();
        let version = first.strip_suffix("path")?;
        if version.is_empty() || !version.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(GoatCounter {
            path: 0,
            event: h.find(&["Event"])?,
            bot: h.find(&["Bot"]),
            date: h.find(&["Date"])?,
        })
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let path = field(rec, Some(self.path));
        let day = day(rec, self.date, line, "the date")?;
        let event = field(rec, Some(self.event)).eq_ignore_ascii_case("true");
        let kind = if event {
            RowKind::Click
        } else {
            RowKind::PageView
        };
        let bot = field(rec, self.bot);
        if !bot.is_empty() && bot != "0" {
            sink.row(line, unattributed(kind, day, path, Reason::Bot));
            return Ok(());
        }
        if !event {
            sink.row(
                line,
                Row::PageView(Traffic {
                    day,
                    count: 1,
                    echo: Echo::Page { host: None, path },
                }),
            );
            return Ok(());
        }
        sink.row(line, click_path(day, path, 1));
        Ok(())
    }
}

/// `outbound/<handle>/<channel>/<id>` (GoatCounter's event path).
fn click_path(day: Day, path: &str, count: u64) -> Row<'_> {
    let p = path.trim_start_matches('/');
    let Some(rest) = p.strip_prefix("outbound/") else {
        return Row::Skipped("events that are not biopage's outbound clicks");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [handle, channel, id] if !handle.is_empty() && !id.is_empty() => Row::Click(Traffic {
            day,
            count,
            echo: Echo::Click {
                handle,
                channel,
                id,
            },
        }),
        _ => unattributed_n(
            RowKind::Click,
            day,
            path,
            count,
            Reason::Legacy(path.to_string()),
        ),
    }
}

fn unattributed(kind: RowKind, day: Day, ids: &str, reason: Reason) -> Row<'static> {
    unattributed_n(kind, day, ids, 1, reason)
}

fn unattributed_n(kind: RowKind, day: Day, ids: &str, count: u64, reason: Reason) -> Row<'static> {
    Row::Unattributed {
        kind,
        day: Some(day),
        ids: ids.to_string(),
        count,
        reason,
    }
}

// ---------------------------------------------------------------- Umami

/// `website_event.csv`: page views.
#[derive(Debug, Clone)]
pub struct UmamiEvents {
    path: usize,
    host: Option<usize>,
    kind: usize,
    date: usize,
}

impl UmamiEvents {
    pub fn detect(h: &Header) -> Option<UmamiEvents> {
        Some(UmamiEvents {
            path: h.find(&["url_path"])?,
            host: h.find(&["hostname"]),
            kind: h.find(&["event_type"])?,
            date: h.find(&["created_at"])?,
        })
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let day = day(rec, self.date, line, "created_at")?;
        match field(rec, Some(self.kind)) {
            "1" => {
                let host = Some(field(rec, self.host)).filter(|h| !h.is_empty());
                sink.row(
                    line,
                    Row::PageView(Traffic {
                        day,
                        count: 1,
                        echo: Echo::Page {
                            host,
                            path: field(rec, Some(self.path)),
                        },
                    }),
                );
            }
            "2" => sink.row(
                line,
                Row::Skipped("custom events (their clicks are read from event_data.csv)"),
            ),
            other => {
                return Err(Problem {
                    line,
                    field: Some(self.kind),
                    offset: None,
                    message: format!("unknown event_type \"{}\"", super::short(other)),
                    help: "Umami's event types are 1 (page view) and 2 (custom event)".into(),
                })
            }
        }
        Ok(())
    }
}

/// `event_data.csv`: one row per property of a custom event.
#[derive(Debug, Clone)]
pub struct UmamiData {
    event: usize,
    key: usize,
    value: usize,
    date: usize,
}

impl UmamiData {
    pub fn detect(h: &Header) -> Option<UmamiData> {
        Some(UmamiData {
            event: h.find(&["website_event_id", "event_id"])?,
            key: h.find(&["data_key", "event_key"])?,
            value: h.find(&["string_value"])?,
            date: h.find(&["created_at"])?,
        })
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        g: &mut UmamiGrouper,
        _sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let day = day(rec, self.date, line, "created_at")?;
        let id = field(rec, Some(self.event));
        let e = g.entry(id, line, day);
        let v = field(rec, Some(self.value)).to_string();
        match field(rec, Some(self.key)) {
            "handle" => e.handle = Some(v),
            "channel" => e.channel = Some(v),
            "id" => e.id = Some(v),
            "url" => e.url = true,
            _ => e.other = true,
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct Partial {
    line: u64,
    day: Option<Day>,
    handle: Option<String>,
    channel: Option<String>,
    id: Option<String>,
    url: bool,
    other: bool,
}

/// Umami's event properties, gathered per event (they need not be on
/// neighbouring lines).
#[derive(Debug, Default)]
pub struct UmamiGrouper {
    index: std::collections::HashMap<String, usize>,
    events: Vec<Partial>,
}

impl UmamiGrouper {
    fn entry(&mut self, id: &str, line: u64, day: Day) -> &mut Partial {
        let i = match self.index.get(id) {
            Some(i) => *i,
            None => {
                self.events.push(Partial {
                    line,
                    day: Some(day),
                    ..Partial::default()
                });
                self.index.insert(id.to_string(), self.events.len() - 1);
                self.events.len() - 1
            }
        };
        &mut self.events[i]
    }

    pub fn finish(self, sink: &mut dyn Sink) {
        for e in self.events {
            let day = e.day.unwrap_or(Day(0));
            match (&e.handle, &e.channel, &e.id) {
                (Some(h), Some(c), Some(i)) => sink.row(
                    e.line,
                    Row::Click(Traffic {
                        day,
                        count: 1,
                        echo: Echo::Click {
                            handle: h,
                            channel: c,
                            id: i,
                        },
                    }),
                ),
                (_, _, Some(i)) if e.url => sink.row(
                    e.line,
                    unattributed(
                        RowKind::Click,
                        day,
                        i,
                        Reason::Legacy(format!("outbound {i}")),
                    ),
                ),
                _ if e.other => sink.row(
                    e.line,
                    Row::Skipped("custom events that are not biopage's outbound clicks"),
                ),
                _ => sink.row(
                    e.line,
                    unattributed(
                        RowKind::Click,
                        day,
                        "",
                        Reason::NoIdentifier("handle, channel and id properties"),
                    ),
                ),
            }
        }
    }
}

// ---------------------------------------------------------------- JSON

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn count_of(v: &str) -> Option<u64> {
    let v = v.trim();
    v.parse::<u64>()
        .ok()
        .or_else(|| v.strip_suffix(".0").and_then(|x| x.parse().ok()))
}

fn line_of(text: &str, at: usize) -> u64 {
    (text[..at.min(text.len())].matches('\n').count() + 1) as u64
}

/// What a query's dimensions are, by position.
struct Dims {
    day: usize,
    handle: Option<usize>,
    channel: Option<usize>,
    id: Option<usize>,
    page: Option<usize>,
    host: Option<usize>,
    event: Option<usize>,
}

impl Dims {
    #[allow(clippy::too_many_arguments)]
    fn of(
        names: &[String],
        day: &[&str],
        handle: &str,
        channel: &str,
        id: &str,
        page: &str,
        host: &str,
        event: &str,
    ) -> Result<Dims, String> {
        let pos = |n: &str| names.iter().position(|x| x == n);
        let d = Dims {
            day: day.iter().find_map(|d| pos(d)).ok_or_else(|| {
                format!(
                    "the query has no {} dimension, so its rows have no dates",
                    day[0]
                )
            })?,
            handle: pos(handle),
            channel: pos(channel),
            id: pos(id),
            page: pos(page),
            host: pos(host),
            event: pos(event),
        };
        if d.id.is_none() && d.page.is_none() {
            return Err(format!(
                "the query has neither the {id} dimension (clicks) nor {page} (page views)"
            ));
        }
        Ok(d)
    }
}

#[derive(serde::Deserialize)]
struct PlausibleResponse<'a> {
    #[serde(borrow)]
    results: Vec<&'a serde_json::value::RawValue>,
    query: Option<PlausibleQuery>,
}

#[derive(serde::Deserialize)]
struct PlausibleQuery {
    #[serde(default)]
    metrics: Vec<String>,
    #[serde(default)]
    dimensions: Vec<String>,
}

#[derive(serde::Deserialize)]
struct PlausibleRow {
    #[serde(default)]
    metrics: Vec<serde_json::Value>,
    #[serde(default)]
    dimensions: Vec<serde_json::Value>,
}

/// The custom event biopage's pages send to Plausible.
pub const PLAUSIBLE_GOAL: &str = "Outbound Link";

pub fn read_plausible(
    text: &str,
    sink: &mut dyn Sink,
    problems: &mut Vec<Problem>,
) -> Result<u64, Problem> {
    let resp: PlausibleResponse = serde_json::from_str(text).map_err(|e| json_problem(text, &e))?;
    let at_top = |msg: String, help: &str| Problem {
        line: 1,
        field: None,
        offset: Some(0),
        message: msg,
        help: help.to_string(),
    };
    let q = resp.query.ok_or_else(|| {
        at_top(
            "the response has no \"query\", so its dimensions are unknown".into(),
            "save the whole response of POST /api/v2/query, as received",
        )
    })?;
    let help = "query {\"dimensions\": [\"time:day\", \"event:props:handle\", \"event:props:channel\", \"event:props:id\"], \"metrics\": [\"events\"], \"filters\": [[\"is\", \"event:goal\", [\"Outbound Link\"]]]} for clicks, or {\"dimensions\": [\"time:day\", \"event:page\"], \"metrics\": [\"pageviews\"]} for page views (see docs/report.md)";
    let dims = Dims::of(
        &q.dimensions,
        &["time:day", "time"],
        "event:props:handle",
        "event:props:channel",
        "event:props:id",
        "event:page",
        "event:hostname",
        "event:goal",
    )
    .map_err(|m| at_top(m, help))?;
    let clicks = dims.id.is_some();
    let metric_name = if clicks { "events" } else { "pageviews" };
    let metric = q
        .metrics
        .iter()
        .position(|m| m == metric_name)
        .ok_or_else(|| at_top(format!("the query has no \"{metric_name}\" metric"), help))?;
    let base = text.as_ptr() as usize;
    let mut rows = 0;
    for raw in resp.results {
        rows += 1;
        let at = raw.get().as_ptr() as usize - base;
        let line = line_of(text, at);
        let r: PlausibleRow = match serde_json::from_str(raw.get()) {
            Ok(r) => r,
            Err(_) => {
                problems.push(Problem {
                    line,
                    field: None,
                    offset: Some(at),
                    message: "a result that is not {\"metrics\": […], \"dimensions\": […]}".into(),
                    help: help.into(),
                });
                continue;
            }
        };
        let dim = |i: Option<usize>| {
            i.and_then(|i| r.dimensions.get(i))
                .map(json_text)
                .unwrap_or_default()
        };
        let day_text = dim(Some(dims.day));
        let Some(day) = Day::parse(&day_text) else {
            problems.push(Problem {
                line,
                field: None,
                offset: Some(at + key_offset(raw.get(), "dimensions")),
                message: format!("\"{}\" is not a date", super::short(&day_text)),
                help: "time:day values are dates like 2026-11-24".into(),
            });
            continue;
        };
        let n_text = r.metrics.get(metric).map(json_text).unwrap_or_default();
        let Some(n) = count_of(&n_text) else {
            problems.push(Problem {
                line,
                field: None,
                offset: Some(at + key_offset(raw.get(), "metrics")),
                message: format!(
                    "the {metric_name} \"{}\" is not a count",
                    super::short(&n_text)
                ),
                help: "save the response as received".into(),
            });
            continue;
        };
        traffic(
            sink,
            line,
            day,
            n,
            clicks,
            &dim(dims.event),
            &dim(dims.handle),
            &dim(dims.channel),
            &dim(dims.id),
            &dim(dims.page),
            &dim(dims.host),
            PLAUSIBLE_GOAL,
        );
    }
    Ok(rows)
}

/// One row of an aggregated query: `n` clicks or page views.
#[allow(clippy::too_many_arguments)]
fn traffic(
    sink: &mut dyn Sink,
    line: u64,
    day: Day,
    n: u64,
    clicks: bool,
    event: &str,
    handle: &str,
    channel: &str,
    id: &str,
    page: &str,
    host: &str,
    wanted: &str,
) {
    if !event.is_empty() && event != wanted {
        sink.row(line, Row::Skipped("events of other names"));
        return;
    }
    if clicks {
        if is_blank(handle) || is_blank(channel) || handle == "(none)" || channel == "(none)" {
            sink.row(
                line,
                unattributed_n(
                    RowKind::Click,
                    day,
                    id,
                    n,
                    Reason::Legacy(format!("outbound {id}")),
                ),
            );
            return;
        }
        sink.row(
            line,
            Row::Click(Traffic {
                day,
                count: n,
                echo: Echo::Click {
                    handle,
                    channel,
                    id,
                },
            }),
        );
    } else {
        let host = Some(host).filter(|h| !is_blank(h));
        sink.row(
            line,
            Row::PageView(Traffic {
                day,
                count: n,
                echo: Echo::Page { host, path: page },
            }),
        );
    }
}

#[derive(serde::Deserialize)]
struct Ga4Response<'a> {
    #[serde(rename = "dimensionHeaders", default)]
    dimension_headers: Vec<Ga4Header>,
    #[serde(rename = "metricHeaders", default)]
    metric_headers: Vec<Ga4Header>,
    #[serde(borrow, default)]
    rows: Vec<&'a serde_json::value::RawValue>,
}

#[derive(serde::Deserialize)]
struct Ga4Header {
    name: String,
}

#[derive(serde::Deserialize)]
struct Ga4Row {
    #[serde(rename = "dimensionValues", default)]
    dimension_values: Vec<Ga4Value>,
    #[serde(rename = "metricValues", default)]
    metric_values: Vec<Ga4Value>,
}

#[derive(serde::Deserialize)]
struct Ga4Value {
    #[serde(default)]
    value: String,
}

/// The event biopage's pages send to GA4.
pub const GA4_EVENT: &str = "outbound_click";

pub fn read_ga4(
    text: &str,
    sink: &mut dyn Sink,
    problems: &mut Vec<Problem>,
) -> Result<u64, Problem> {
    let resp: Ga4Response = serde_json::from_str(text).map_err(|e| json_problem(text, &e))?;
    let at_top = |msg: String| {
        Problem {
        line: 1,
        field: None,
        offset: Some(0),
        message: msg,
        help: "run runReport with the dimensions date, customEvent:handle, customEvent:channel, customEvent:link_id and the metric eventCount (clicks), or date and pagePath with screenPageViews (page views); see docs/report.md".into(),
    }
    };
    let names: Vec<String> = resp.dimension_headers.into_iter().map(|h| h.name).collect();
    let dims = Dims::of(
        &names,
        &["date"],
        "customEvent:handle",
        "customEvent:channel",
        "customEvent:link_id",
        "pagePath",
        "hostName",
        "eventName",
    )
    .map_err(at_top)?;
    let clicks = dims.id.is_some();
    let wanted: &[&str] = if clicks {
        &["eventCount"]
    } else {
        &["screenPageViews", "views"]
    };
    let metrics: Vec<String> = resp.metric_headers.into_iter().map(|h| h.name).collect();
    let metric = metrics
        .iter()
        .position(|m| wanted.contains(&m.as_str()))
        .ok_or_else(|| at_top(format!("the report has no {} metric", wanted[0])))?;
    let base = text.as_ptr() as usize;
    let mut rows = 0;
    for raw in resp.rows {
        rows += 1;
        let at = raw.get().as_ptr() as usize - base;
        let line = line_of(text, at);
        let Ok(r) = serde_json::from_str::<Ga4Row>(raw.get()) else {
            problems.push(Problem {
                line,
                field: None,
                offset: Some(at),
                message: "a row that is not {\"dimensionValues\": …, \"metricValues\": …}".into(),
                help: "save the runReport response as received".into(),
            });
            continue;
        };
        let dim = |i: Option<usize>| {
            i.and_then(|i| r.dimension_values.get(i))
                .map(|v| v.value.clone())
                .unwrap_or_default()
        };
        let day_text = dim(Some(dims.day));
        let Some(day) = Day::parse(&day_text) else {
            problems.push(Problem {
                line,
                field: None,
                offset: Some(at + key_offset(raw.get(), "dimensionValues")),
                message: format!("\"{}\" is not a date", super::short(&day_text)),
                help: "GA4 writes dates like 20261124".into(),
            });
            continue;
        };
        let n_text = r
            .metric_values
            .get(metric)
            .map(|v| v.value.clone())
            .unwrap_or_default();
        let Some(n) = count_of(&n_text) else {
            problems.push(Problem {
                line,
                field: None,
                offset: Some(at + key_offset(raw.get(), "metricValues")),
                message: format!("\"{}\" is not a count", super::short(&n_text)),
                help: "save the runReport response as received".into(),
            });
            continue;
        };
        traffic(
            sink,
            line,
            day,
            n,
            clicks,
            &dim(dims.event),
            &dim(dims.handle),
            &dim(dims.channel),
            &dim(dims.id),
            &dim(dims.page),
            &dim(dims.host),
            GA4_EVENT,
        );
    }
    Ok(rows)
}
