//! The Amazon Associates earnings report (Associates Central → Reports →
//! Earnings → Download reports → "Earnings" as CSV: `Fee-Earnings-….csv`),
//! which starts with a title line ("Fee-Earnings reports from … to …")
//! before its header. One row per product shipped on a day through a
//! tracking ID; its rows are earned fees, so they count as approved.
//!
//! Amazon echoes only the tracking ID (and the product), never a sub-id:
//! a row is attributed to the creator by the tag (to the channel too when
//! the profile gives each channel its own tag) and to the product link by
//! ASIN. The report has no order ids, so each row counts as one order.

use super::{
    amount, amount_or_zero, count, field, Conversion, Header, Problem, Row, RowKind, Sink, Status,
};
use crate::diag::Diagnostic;
use crate::report::attribute::{Echo, Reason};
use crate::report::date::Day;
use crate::report::money::Cur;

#[derive(Debug, Clone)]
pub struct Columns {
    pub skip: usize,
    pub delim: char,
    tag: usize,
    asin: usize,
    date: usize,
    price: Option<usize>,
    shipped: Option<usize>,
    returns: Option<usize>,
    revenue: Option<usize>,
    fees: usize,
    currency: Cur,
}

impl Columns {
    pub fn detect(h: &Header, skip: usize, delim: char) -> Option<Result<Columns, Diagnostic>> {
        let tag = h.find(&["Tracking ID", "Tracking Id", "Tag"])?;
        let asin = h.find(&["ASIN"])?;
        let date = h.find(&["Date Shipped"])?;
        let (fees, sign) = h.find_money(&["Ad Fees", "Earnings"])?;
        let sign = if sign.is_empty() {
            h.find_money(&["Revenue", "Price"])
                .map(|(_, s)| s)
                .unwrap_or_default()
        } else {
            sign
        };
        let Some(currency) = Cur::from_sign(&sign, "USD") else {
            return Some(Err(Diagnostic::error(format!(
                "an Amazon earnings report whose fee column \"{}\" names no currency",
                h.names[fees]
            ))
            .help("Amazon writes the currency after the column name, like \"Ad Fees($)\"; download the report again")));
        };
        Some(Ok(Columns {
            skip,
            delim,
            tag,
            asin,
            date,
            price: h.find_money(&["Price"]).map(|(i, _)| i),
            shipped: h.find(&["Items Shipped"]),
            returns: h.find(&["Returns"]),
            revenue: h.find_money(&["Revenue"]).map(|(i, _)| i),
            fees,
            currency,
        }))
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let tag = field(rec, Some(self.tag));
        let asin = field(rec, Some(self.asin));
        // the report's own totals line
        if tag.is_empty() && asin.is_empty() {
            sink.row(line, Row::Skipped("a totals line"));
            return Ok(());
        }
        let date = field(rec, Some(self.date));
        let day = Day::parse(date)
            .or_else(|| {
                Day::parse_slashed(
                    date,
                    self.currency.code() != "USD" && self.currency.code() != "CAD",
                )
            })
            .ok_or_else(|| Problem {
                line,
                field: Some(self.date),
                offset: None,
                message: format!("Date Shipped \"{}\" is not a date", super::short(date)),
                help: "dates are written like 2026-11-24".into(),
            })?;
        let shipped = count(rec, self.shipped, line, "Items Shipped", 1)?;
        let returns = count(rec, self.returns, line, "Returns", 0)?;
        let price = amount_or_zero(rec, self.price, line, "the price")?;
        let revenue = amount_or_zero(rec, self.revenue, line, "the revenue")?;
        // what came back, at the item price: the report's "refunds"
        let refund = price.checked_mul(returns as i64).ok_or_else(|| Problem {
            line,
            field: self.returns,
            offset: None,
            message: "Returns × Price is too large".into(),
            help: "check the row".into(),
        })?;
        let Some(fees) = amount(rec, self.fees, line, "the ad fees")? else {
            sink.row(
                line,
                Row::Unattributed {
                    kind: RowKind::Conversion,
                    day: Some(day),
                    ids: format!("tag {tag}, ASIN {asin}"),
                    count: 1,
                    reason: Reason::UnparseableAmount(field(rec, Some(self.fees)).to_string()),
                },
            );
            return Ok(());
        };
        sink.row(
            line,
            Row::Conversion(Conversion {
                order_id: "",
                own_order: true,
                day,
                status: Status::Approved,
                currency: self.currency,
                revenue,
                commission: fees,
                refund,
                items: shipped,
                echo: Echo::Amazon { tag, asin },
            }),
        );
        Ok(())
    }
}
