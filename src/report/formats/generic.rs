//! Any network's CSV, described by a `[report.formats.NAME]` table: which
//! column is the order id, the time, the status (and which of its values
//! are pending, approved, rejected), the amounts and the currency, and which
//! column echoes which URL parameter biopage's link sent (for networks set
//! up with `template` or `params`).

use super::{
    amount, amount_or_zero, count, field, Conversion, Header, Problem, Row, RowKind, Sink, Status,
};
use crate::report::attribute::{Echo, Reason};
use crate::report::config::FormatInput;
use crate::report::date::Day;
use crate::report::money::Cur;

#[derive(Debug, Clone)]
pub struct Columns {
    pub name: String,
    pub format: usize,
    pub delim: char,
    order: usize,
    time: usize,
    time_format: Option<String>,
    status: Option<usize>,
    values: Vec<(String, Status)>,
    amount: Option<usize>,
    commission: usize,
    currency: Option<usize>,
    currency_code: Option<Cur>,
    quantity: Option<usize>,
    refund: Option<usize>,
    params: Vec<usize>,
}

impl Columns {
    /// The columns a format names, for the "unknown header" message.
    pub fn wanted(f: &FormatInput) -> Vec<String> {
        let mut out: Vec<String> = [
            &f.order_id,
            &f.time,
            &f.commission,
            &f.status,
            &f.amount,
            &f.currency,
            &f.quantity,
            &f.refund,
        ]
        .iter()
        .filter_map(|c| c.as_ref().map(|c| c.value.clone()))
        .collect();
        out.extend(f.params.iter().map(|(_, c)| c.value.clone()));
        out
    }

    /// The format, when the header has every column it names.
    pub fn detect(h: &Header, f: &FormatInput, index: usize) -> Option<Columns> {
        let col = |c: &Option<crate::model::At<String>>| -> Option<Option<usize>> {
            match c {
                None => Some(None),
                Some(c) => h.find(&[c.value.as_str()]).map(Some),
            }
        };
        let mut values = Vec::new();
        for (list, st) in [
            (&f.pending, Status::Pending),
            (&f.approved, Status::Approved),
            (&f.rejected, Status::Rejected),
        ] {
            for v in list {
                values.push((v.value.trim().to_lowercase(), st));
            }
        }
        Some(Columns {
            name: f.name.value.clone(),
            format: index,
            delim: ',',
            order: col(&f.order_id)??,
            time: col(&f.time)??,
            time_format: f.time_format.as_ref().map(|t| t.value.clone()),
            status: col(&f.status)?,
            values,
            amount: col(&f.amount)?,
            commission: col(&f.commission)??,
            // `currency = "USD"` naming no column is the export's one currency
            currency: match &f.currency {
                Some(c)
                    if h.find(&[c.value.as_str()]).is_none() && Cur::parse(&c.value).is_some() =>
                {
                    None
                }
                c => col(c)?,
            },
            currency_code: f
                .currency_code
                .as_ref()
                .or(f
                    .currency
                    .as_ref()
                    .filter(|c| h.find(&[c.value.as_str()]).is_none()))
                .and_then(|c| Cur::parse(&c.value)),
            quantity: col(&f.quantity)?,
            refund: col(&f.refund)?,
            params: f
                .params
                .iter()
                .map(|(_, c)| h.find(&[c.value.as_str()]))
                .collect::<Option<Vec<usize>>>()?,
        })
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let order_id = field(rec, Some(self.order));
        let t = field(rec, Some(self.time));
        let day = match &self.time_format {
            Some(tf) => Day::parse_with(t, tf),
            None => Day::parse(t),
        }
        .ok_or_else(|| Problem {
            line,
            field: Some(self.time),
            offset: None,
            message: format!("\"{}\" is not a date", super::short(t)),
            help: match &self.time_format {
                Some(tf) => format!("[report.formats.{}] says dates are written {tf}", self.name),
                None => format!("dates are written like 2026-11-24; for another form set time_format (e.g. \"DD/MM/YYYY\") under [report.formats.{}]", self.name),
            },
        })?;
        let st = match self.status {
            None => Status::Approved,
            Some(i) => {
                let v = field(rec, Some(i)).to_lowercase();
                self.values
                    .iter()
                    .find(|(x, _)| *x == v)
                    .map(|(_, s)| *s)
                    .ok_or_else(|| Problem {
                        line,
                        field: Some(i),
                        offset: None,
                        message: format!("unknown status \"{}\"", super::short(&v)),
                        help: format!(
                            "list it under [report.formats.{}] in pending, approved or rejected",
                            self.name
                        ),
                    })?
            }
        };
        let currency = match (self.currency, self.currency_code) {
            (Some(i), _) if !field(rec, Some(i)).is_empty() => {
                let v = field(rec, Some(i));
                Cur::parse(v).ok_or_else(|| Problem {
                    line,
                    field: Some(i),
                    offset: None,
                    message: format!("\"{}\" is not a currency code", super::short(v)),
                    help: "a currency is an ISO 4217 code such as USD".into(),
                })?
            }
            (_, Some(c)) => c,
            (Some(i), None) => {
                return Err(Problem {
                    line,
                    field: Some(i),
                    offset: None,
                    message: "no currency".into(),
                    help: format!(
                        "set currency_code under [report.formats.{}] for rows without one",
                        self.name
                    ),
                })
            }
            (None, None) => Cur(*b"XXX"),
        };
        let revenue = amount_or_zero(rec, self.amount, line, "the amount")?;
        let refund = amount_or_zero(rec, self.refund, line, "the refund")?;
        let items = count(rec, self.quantity, line, "the quantity", 1)?;
        let values: Vec<&str> = self.params.iter().map(|i| field(rec, Some(*i))).collect();
        let Some(commission) = amount(rec, self.commission, line, "the commission")? else {
            sink.row(
                line,
                Row::Unattributed {
                    kind: RowKind::Conversion,
                    day: Some(day),
                    ids: format!("order {order_id}"),
                    count: 1,
                    reason: Reason::UnparseableAmount(
                        field(rec, Some(self.commission)).to_string(),
                    ),
                },
            );
            return Ok(());
        };
        sink.row(
            line,
            Row::Conversion(Conversion {
                order_id,
                own_order: false,
                day,
                status: st,
                currency,
                revenue,
                commission,
                refund,
                items,
                echo: Echo::Generic {
                    format: self.format,
                    values,
                },
            }),
        );
        Ok(())
    }
}
