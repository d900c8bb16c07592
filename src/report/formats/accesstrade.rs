//! AccessTrade transactions: the publisher API's `GET /v1/transactions`
//! (JSON, `{"data": [...]}`), or a CSV with the same field names. One row
//! per product of a transaction. AccessTrade stores the UTM values of the
//! deep link as its sub-ids and returns them here; biopage's AccessTrade
//! links carry the creator, channel and link in them.
//!
//! Source: AccessTrade Vietnam's publisher API, "Lấy danh sách giao dịch"
//! (<https://developers.accesstrade.vn/api-publisher-vietnamese>). The
//! `_extra` object (device, browser, the click's user agent) is customer
//! data and is never read.

use super::{
    amount, amount_or_zero, count, day, field, Conversion, Header, Problem, Row, RowKind, Sink,
    Status,
};
use crate::report::attribute::{Echo, Reason};
use crate::report::date::Day;
use crate::report::keys::ACCESSTRADE_UTM;
use crate::report::money::{Amount, Cur};

/// AccessTrade Vietnam reports in đồng; a `currency` field, where an
/// export has one, wins.
pub const DEFAULT_CURRENCY: Cur = Cur(*b"VND");

#[derive(Debug, Clone)]
pub struct Columns {
    transaction: usize,
    status: usize,
    time: usize,
    value: Option<usize>,
    commission: usize,
    quantity: Option<usize>,
    currency: Option<usize>,
    utm: [Option<usize>; 5],
}

/// `status`: 0 pending (hold), 1 approved, 2 rejected; also the words.
pub fn status(text: &str) -> Option<Status> {
    match text.trim().to_lowercase().as_str() {
        "0" | "0.0" | "pending" | "hold" => Some(Status::Pending),
        "1" | "1.0" | "approved" => Some(Status::Approved),
        "2" | "2.0" | "rejected" | "cancelled" => Some(Status::Rejected),
        _ => None,
    }
}

impl Columns {
    pub fn detect(h: &Header) -> Option<Columns> {
        Some(Columns {
            transaction: h.find(&["transaction_id"])?,
            status: h.find(&["status"])?,
            time: h.find(&["transaction_time"])?,
            value: h.find(&["transaction_value"]),
            commission: h.find(&["commission"])?,
            quantity: h.find(&["product_quantity"]),
            currency: h.find(&["currency"]),
            utm: ACCESSTRADE_UTM.map(|k| h.find(&[k])),
        })
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let id = field(rec, Some(self.transaction));
        let day = day(rec, self.time, line, "transaction_time")?;
        let st_text = field(rec, Some(self.status));
        let st =
            status(st_text).ok_or_else(|| bad_status(line, Some(self.status), None, st_text))?;
        let revenue = amount_or_zero(rec, self.value, line, "transaction_value")?;
        let items = count(rec, self.quantity, line, "product_quantity", 1)?;
        let currency = currency(field(rec, self.currency), line, self.currency, None)?;
        let utm = self.utm.map(|i| field(rec, i));
        match amount(rec, self.commission, line, "commission")? {
            Some(commission) => sink.row(
                line,
                Row::Conversion(Conversion {
                    order_id: id,
                    own_order: false,
                    day,
                    status: st,
                    currency,
                    revenue,
                    commission,
                    refund: Amount::ZERO,
                    items,
                    echo: Echo::AccessTrade(utm),
                }),
            ),
            None => unparseable(sink, line, day, id, field(rec, Some(self.commission))),
        }
        Ok(())
    }
}

fn unparseable(sink: &mut dyn Sink, line: u64, day: Day, id: &str, v: &str) {
    sink.row(
        line,
        Row::Unattributed {
            kind: RowKind::Conversion,
            day: Some(day),
            ids: format!("transaction {id}"),
            count: 1,
            reason: Reason::UnparseableAmount(v.to_string()),
        },
    );
}

fn bad_status(line: u64, field: Option<usize>, offset: Option<usize>, v: &str) -> Problem {
    Problem {
        line,
        field,
        offset,
        message: format!("unknown AccessTrade status \"{}\"", super::short(v)),
        help: "AccessTrade's statuses are 0 (pending), 1 (approved) and 2 (rejected)".into(),
    }
}

fn currency(
    v: &str,
    line: u64,
    field: Option<usize>,
    offset: Option<usize>,
) -> Result<Cur, Problem> {
    if v.is_empty() {
        return Ok(DEFAULT_CURRENCY);
    }
    Cur::parse(v).ok_or_else(|| Problem {
        line,
        field,
        offset,
        message: format!("\"{}\" is not a currency code", super::short(v)),
        help: "a currency is an ISO 4217 code such as VND".into(),
    })
}

/// A JSON value as text: strings as they are, numbers as written.
fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The byte offset of `"key"`'s value inside an element's raw text.
pub fn key_offset(raw: &str, key: &str) -> usize {
    raw.find(&format!("\"{key}\""))
        .map(|i| {
            let after = i + key.len() + 2;
            after
                + raw[after..]
                    .find(|c: char| c != ':' && !c.is_whitespace())
                    .unwrap_or(0)
        })
        .unwrap_or(0)
}

#[derive(serde::Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    data: Vec<&'a serde_json::value::RawValue>,
}

/// `{"data": [ {transaction …}, … ]}`.
pub fn read_json(
    text: &str,
    sink: &mut dyn Sink,
    problems: &mut Vec<Problem>,
) -> Result<u64, Problem> {
    let page: Page = serde_json::from_str(text).map_err(|e| json_problem(text, &e))?;
    let base = text.as_ptr() as usize;
    let mut rows = 0;
    for raw in page.data {
        rows += 1;
        let at = raw.get().as_ptr() as usize - base;
        let line = (text[..at].matches('\n').count() + 1) as u64;
        if let Err(p) = json_row(raw.get(), at, line, sink) {
            if problems.len() < super::MAX_PROBLEMS {
                problems.push(p);
            }
        }
    }
    Ok(rows)
}

fn json_row(raw: &str, at: usize, line: u64, sink: &mut dyn Sink) -> Result<(), Problem> {
    let obj: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(raw).map_err(|_| Problem {
            line,
            field: None,
            offset: Some(at),
            message: "a transaction that is not an object".into(),
            help: "each element of \"data\" is one transaction object".into(),
        })?;
    let get = |k: &str| obj.get(k).and_then(text).unwrap_or_default();
    let off = |k: &str| Some(at + key_offset(raw, k));
    let missing = |k: &str| Problem {
        line,
        field: None,
        offset: Some(at),
        message: format!("a transaction without \"{k}\""),
        help: "export the transactions again from GET /v1/transactions".into(),
    };
    let id = obj
        .get("transaction_id")
        .and_then(text)
        .ok_or_else(|| missing("transaction_id"))?;
    let time = get("transaction_time");
    let day = Day::parse(&time).ok_or_else(|| Problem {
        line,
        field: None,
        offset: off("transaction_time"),
        message: format!("transaction_time \"{}\" is not a date", super::short(&time)),
        help: "AccessTrade writes times like 2023-01-04T09:02:45".into(),
    })?;
    let st_text = get("status");
    let st = status(&st_text).ok_or_else(|| bad_status(line, None, off("status"), &st_text))?;
    let num = |k: &str, what: &str| -> Result<Option<Amount>, Problem> {
        let v = get(k);
        if super::is_blank(&v) {
            return Ok(None);
        }
        Amount::parse(&v).map(Some).map_err(|e| Problem {
            line,
            field: None,
            offset: off(k),
            message: format!("{what}: {}", e.0),
            help: "amounts are numbers, like 262.0".into(),
        })
    };
    let revenue = num("transaction_value", "transaction_value")?.unwrap_or_default();
    let qty = get("product_quantity");
    let items = if super::is_blank(&qty) {
        1
    } else {
        qty.trim_end_matches(".0")
            .parse::<u64>()
            .map_err(|_| Problem {
                line,
                field: None,
                offset: off("product_quantity"),
                message: format!(
                    "product_quantity \"{}\" is not a whole number",
                    super::short(&qty)
                ),
                help: "a count is written like 1".into(),
            })?
    };
    let currency = currency(&get("currency"), line, None, off("currency"))?;
    let utm: Vec<String> = ACCESSTRADE_UTM.iter().map(|k| get(k)).collect();
    let utm_ref: [&str; 5] = [&utm[0], &utm[1], &utm[2], &utm[3], &utm[4]];
    match num("commission", "commission")? {
        Some(commission) => sink.row(
            line,
            Row::Conversion(Conversion {
                order_id: &id,
                own_order: false,
                day,
                status: st,
                currency,
                revenue,
                commission,
                refund: Amount::ZERO,
                items,
                echo: Echo::AccessTrade(utm_ref),
            }),
        ),
        None => unparseable(sink, line, day, &id, &get("commission")),
    }
    Ok(())
}

/// A serde_json error as a problem at its line and column.
pub fn json_problem(text: &str, e: &serde_json::Error) -> Problem {
    let offset = line_col_offset(text, e.line(), e.column());
    Problem {
        line: e.line() as u64,
        field: None,
        offset: Some(offset),
        message: format!("not the JSON expected: {e}"),
        help: "export it again from the API; the file must be the response as it was received"
            .into(),
    }
}

pub fn line_col_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line_text = text[start.min(text.len())..]
        .split('\n')
        .next()
        .unwrap_or("");
    start
        + line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(line_text.len())
}
