//! `biopage links --campaign ID`: the table an agency sends the brand. One
//! row per targeted creator × channel × campaign item, with the creator's
//! code, the item's short link, its tagged URL on that channel's page and
//! where its QR code is. Pure: rows are read off a creator's resolved pages.

use crate::resolve::Resolved;
use serde::Serialize;

/// The column names, in order: the CSV header and the JSON keys.
pub const COLUMNS: &[&str] = &[
    "campaign", "handle", "channel", "id", "kind", "title", "code", "short", "tagged", "qr",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub campaign: String,
    pub handle: String,
    pub channel: String,
    pub id: String,
    /// `link` or `product`.
    pub kind: &'static str,
    pub title: String,
    /// The creator's exclusive code, or empty.
    pub code: String,
    /// The short link (`<base_url>go/<id>/`), or empty when the item has
    /// none (a gated item, a `mailto:` link).
    pub short: String,
    /// The URL on that channel's page: the creator's UTMs and networks.
    pub tagged: String,
    /// The QR code of the short link, relative to the build's output
    /// directory (`linh/qr/<id>.svg`), or empty without a short link.
    pub qr: String,
}

impl Row {
    fn values(&self) -> [&str; 10] {
        [
            &self.campaign,
            &self.handle,
            &self.channel,
            &self.id,
            self.kind,
            &self.title,
            &self.code,
            &self.short,
            &self.tagged,
            &self.qr,
        ]
    }
}

/// The rows of one creator: every item of `campaign` on every page.
pub fn rows(campaign: &str, handle: &str, code: Option<&str>, resolved: &Resolved) -> Vec<Row> {
    let mut out = Vec::new();
    for page in &resolved.pages {
        let items = page
            .featured
            .iter()
            .chain(page.groups.iter().flat_map(|g| g.links.iter()))
            .map(|l| (l, "link"))
            .chain(page.products.iter().map(|p| (&p.item, "product")));
        for (item, kind) in items {
            if item.campaign.as_deref() != Some(campaign) {
                continue;
            }
            out.push(Row {
                campaign: campaign.to_string(),
                handle: handle.to_string(),
                channel: page.channel.clone(),
                id: item.id.clone(),
                kind,
                title: item.title.clone(),
                code: code.unwrap_or_default().to_string(),
                short: item.go.clone(),
                tagged: item.href.clone(),
                qr: if item.go.is_empty() {
                    String::new()
                } else {
                    format!("{handle}/{}", crate::qr::campaign_qr_path(&item.id))
                },
            });
        }
    }
    out
}

/// The rows as CSV (RFC 4180, with the header line).
pub fn to_csv(rows: &[Row]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // writing to memory cannot fail
    let _ = w.write_record(COLUMNS);
    for r in rows {
        let _ = w.write_record(r.values());
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The rows as a JSON array of objects.
pub fn to_json(rows: &[Row]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into()) + "\n"
}
