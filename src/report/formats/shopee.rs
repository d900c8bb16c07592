//! The Shopee Affiliate conversion report (Affiliate Portal → Reports →
//! Conversion Report → Export), in English or Vietnamese. One row per item
//! of an order; biopage's links send `sub_id=<handle>-<channel>-<id>`, which
//! Shopee splits on `-` into `Sub_id1` … `Sub_id5`.
//!
//! Shopee publishes no specification of this file: the column names are
//! those of real exports (47 columns in 2025), matched by name, so extra or
//! reordered columns do not matter.

use super::{
    amount, amount_or_zero, count, day, field, Conversion, Header, Problem, Row, RowKind, Sink,
    Status,
};
use crate::diag::Diagnostic;
use crate::report::attribute::{Echo, Reason};
use crate::report::money::Cur;

#[derive(Debug, Clone)]
pub struct Columns {
    pub vietnamese: bool,
    order: usize,
    status: usize,
    time: usize,
    qty: Option<usize>,
    value: Option<usize>,
    refund: Option<usize>,
    commission: usize,
    item_status: Option<usize>,
    subs: [Option<usize>; 5],
    currency: Cur,
}

const ORDER: &[&str] = &["Order id", "ID đơn hàng", "Mã đơn hàng"];
const STATUS: &[&str] = &["Order Status", "Trạng thái đặt hàng", "Trạng thái đơn hàng"];
const TIME: &[&str] = &["Order Time", "Thời Gian Đặt Hàng", "Thời gian đơn hàng"];
const QTY: &[&str] = &["Qty", "Số lượng"];
const VALUE: &[&str] = &["Purchase Value", "Giá trị đơn hàng", "Giá trị mua"];
const REFUND: &[&str] = &["Refund Amount", "Số tiền hoàn trả"];
const COMMISSION: &[&str] = &[
    "Affiliate Net Commission",
    "Hoa hồng ròng tiếp thị liên kết",
];
const ITEM_STATUS: &[&str] = &["Affiliate Item Status", "Trạng thái sản phẩm liên kết"];

/// Order statuses, English and Vietnamese (compared lowercased).
const APPROVED: &[&str] = &["completed", "complete", "hoàn thành", "đã hoàn thành"];
const PENDING: &[&str] = &[
    "pending",
    "đang chờ xử lý",
    "chờ xử lý",
    "unpaid",
    "chưa thanh toán",
    "to ship",
    "shipping",
    "to receive",
];
const REJECTED: &[&str] = &[
    "cancelled",
    "canceled",
    "đã hủy",
    "đã huỷ",
    "invalid",
    "không hợp lệ",
];

pub fn status(text: &str) -> Option<Status> {
    // the export's own spelling first: no lowercased copy per row
    match text.trim() {
        "Completed" | "Hoàn thành" => return Some(Status::Approved),
        "Pending" | "Đang chờ xử lý" => return Some(Status::Pending),
        "Cancelled" | "Đã hủy" => return Some(Status::Rejected),
        _ => {}
    }
    let t = text.trim().to_lowercase();
    if APPROVED.contains(&t.as_str()) {
        Some(Status::Approved)
    } else if PENDING.contains(&t.as_str()) {
        Some(Status::Pending)
    } else if REJECTED.contains(&t.as_str()) {
        Some(Status::Rejected)
    } else {
        None
    }
}

impl Columns {
    /// `None`: not a Shopee export; an error: a Shopee export whose
    /// currency cannot be told.
    pub fn detect(h: &Header) -> Option<Result<Columns, Diagnostic>> {
        let order = h.find(ORDER)?;
        let sub1 = h.find(&["Sub_id1"])?;
        let (commission, sign) = h.find_money(COMMISSION)?;
        let status = h.find(STATUS)?;
        let time = h.find(TIME)?;
        let vietnamese = h.find(&["ID đơn hàng"]).is_some();
        let sign = if sign.is_empty() {
            h.find_money(VALUE).map(|(_, s)| s).unwrap_or_default()
        } else {
            sign
        };
        let Some(currency) = Cur::from_sign(&sign, "SGD") else {
            return Some(Err(Diagnostic::error(format!(
                "a Shopee export whose commission column \"{}\" names no currency",
                h.names[commission]
            ))
            .help("Shopee writes the currency after the column name, like \"Affiliate Net Commission(₫)\"; export the report again")));
        };
        Some(Ok(Columns {
            vietnamese,
            order,
            status,
            time,
            qty: h.find(QTY),
            value: h.find_money(VALUE).map(|(i, _)| i),
            refund: h.find_money(REFUND).map(|(i, _)| i),
            commission,
            item_status: h.find(ITEM_STATUS),
            subs: [
                Some(sub1),
                h.find(&["Sub_id2"]),
                h.find(&["Sub_id3"]),
                h.find(&["Sub_id4"]),
                h.find(&["Sub_id5"]),
            ],
            currency,
        }))
    }

    pub fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Problem> {
        let order_id = field(rec, Some(self.order));
        let day = day(rec, self.time, line, "the order time")?;
        let status_text = field(rec, Some(self.status));
        let mut st = status(status_text).ok_or_else(|| Problem {
            line,
            field: Some(self.status),
            offset: None,
            message: format!("unknown order status \"{}\"", super::short(status_text)),
            help: "Shopee's statuses are Completed/Hoàn thành (approved), Pending/Đang chờ xử lý (pending) and Cancelled/Đã hủy (rejected)".into(),
        })?;
        // an item cancelled inside a completed order earns nothing
        if let Some(Status::Rejected) = status(field(rec, self.item_status)) {
            st = Status::Rejected;
        }
        let items = count(rec, self.qty, line, "the quantity", 1)?;
        let revenue = amount_or_zero(rec, self.value, line, "the purchase value")?;
        let refund = amount_or_zero(rec, self.refund, line, "the refund amount")?;
        let subs = self.subs.map(|i| field(rec, i));
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
                currency: self.currency,
                revenue,
                commission,
                refund,
                items,
                echo: Echo::Shopee(subs),
            }),
        );
        Ok(())
    }
}
