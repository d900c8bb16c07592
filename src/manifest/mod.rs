//! The link manifest (`biopage links`): every outbound link of every page
//! variant, with its destination and tagged URL, as CSV or JSON, for
//! reconciling with an affiliate network's reports and for reviewing in CI
//! what a change to the profile did to the links.
//!
//! Pure: rows are a function of the loaded site and its resolved pages. The
//! order is stable — main page first, then the channel pages in the order of
//! `[tracking] channels`; within a page: links in the bio, socials, featured
//! links, grouped links, then products, each followed by its review link and
//! the links in its description — so that a diff shows exactly what changed.

use crate::model::Site;
use crate::resolve::{Page, Resolved};
use crate::tracking;
use serde::{Deserialize, Serialize};

/// The column names, in order: the CSV header and the JSON keys.
pub const COLUMNS: &[&str] = &[
    "page",
    "channel",
    "id",
    "kind",
    "title",
    "destination",
    "tagged",
    "short",
    "network",
    "sponsored",
];

/// What a row's link is on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A link inside the bio (Markdown).
    Bio,
    /// A social profile icon.
    Social,
    /// A `[[links]]` entry.
    Link,
    /// A `[[products]]` entry.
    Product,
    /// A product's `review` link.
    Review,
    /// A link inside a product's description (Markdown).
    Description,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bio => "bio",
            Kind::Social => "social",
            Kind::Link => "link",
            Kind::Product => "product",
            Kind::Review => "review",
            Kind::Description => "description",
        }
    }
}

/// One outbound link of one page. Field order is the column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The URL of the page the link is on.
    pub page: String,
    pub channel: String,
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// The destination before tagging (as the URL parser normalised it).
    pub destination: String,
    /// The URL on the page: UTMs and the affiliate network applied.
    pub tagged: String,
    /// The short link (`<base_url>go/<id>/`), or empty.
    pub short: String,
    /// The affiliate network's name, or empty.
    pub network: String,
    pub sponsored: bool,
}

impl Row {
    /// The row's values as text, in column order (`sponsored` as true/false).
    pub fn values(&self) -> [&str; 10] {
        [
            &self.page,
            &self.channel,
            &self.id,
            self.kind.as_str(),
            &self.title,
            &self.destination,
            &self.tagged,
            &self.short,
            &self.network,
            if self.sponsored { "true" } else { "false" },
        ]
    }
}

/// Every outbound link of every page of a resolved site, in a stable order.
/// `site` is the site `resolved` came from: it supplies the untagged
/// destinations of links written inside Markdown (bio, descriptions).
pub fn rows(site: &Site, resolved: &Resolved) -> Vec<Row> {
    let bio_dests = site
        .bio
        .as_ref()
        .map(|b| markdown_dests(&b.value))
        .unwrap_or_default();
    let mut out = Vec::new();
    for page in &resolved.pages {
        page_rows(site, page, &bio_dests, &mut out);
    }
    out
}

fn page_rows(site: &Site, page: &Page, bio_dests: &[String], out: &mut Vec<Row>) {
    let row = |id: &str, kind: Kind, title: &str, dest: &str, tagged: &str| Row {
        page: page.url.clone(),
        channel: page.channel.clone(),
        id: id.to_string(),
        kind,
        title: title.to_string(),
        destination: dest.to_string(),
        tagged: tagged.to_string(),
        short: String::new(),
        network: String::new(),
        sponsored: false,
    };
    for (link, dest) in with_dests(html_links(&page.bio_html), bio_dests) {
        out.push(row("bio", Kind::Bio, &link.text, &dest, &link.href));
    }
    for s in &page.socials {
        out.push(row(&s.platform, Kind::Social, &s.label, &s.dest, &s.href));
    }
    let links = page
        .featured
        .iter()
        .chain(page.groups.iter().flat_map(|g| g.links.iter()));
    for l in links {
        out.push(Row {
            short: l.go.clone(),
            network: l.network.clone().unwrap_or_default(),
            sponsored: l.sponsored,
            ..row(&l.id, Kind::Link, &l.title, &l.dest, &l.href)
        });
    }
    for product in &page.products {
        let p = &product.item;
        out.push(Row {
            short: p.go.clone(),
            network: p.network.clone().unwrap_or_default(),
            sponsored: p.sponsored,
            ..row(&p.id, Kind::Product, &p.title, &p.dest, &p.href)
        });
        if let Some(review) = &product.review {
            let dest = product.review_dest.as_deref().unwrap_or_default();
            out.push(row(
                &format!("{}-review", p.id),
                Kind::Review,
                &p.title,
                dest,
                review,
            ));
        }
        if let Some(html) = &product.description_html {
            let dests = description_dests(site, &p.id, &p.title, &p.dest);
            for (link, dest) in with_dests(html_links(html), &dests) {
                out.push(row(&p.id, Kind::Description, &link.text, &dest, &link.href));
            }
        }
    }
}

/// Pairs the links of rendered Markdown with their untagged destinations,
/// when the source's links line up with the HTML's (they always should;
/// otherwise the destinations are left empty rather than guessed).
fn with_dests(links: Vec<HtmlLink>, dests: &[String]) -> Vec<(HtmlLink, String)> {
    let aligned = links.len() == dests.len();
    links
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let dest = if aligned {
                dests.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            };
            (l, dest)
        })
        .collect()
}

/// The link destinations of Markdown source, in document order, normalised
/// like every other destination.
fn markdown_dests(src: &str) -> Vec<String> {
    let mut dests = Vec::new();
    // Rendering calls back once per link, in order: the same walk that tagged them.
    let _ = crate::markdown::render(src, |u| {
        dests.push(match tracking::classify(u) {
            Ok(d) => d.as_str().to_string(),
            Err(_) => u.to_string(),
        });
        Ok(String::new())
    });
    dests
}

/// The Markdown link destinations of the description of the product that
/// resolved to `id`: matched by its explicit id, else by title and URL.
fn description_dests(site: &Site, id: &str, title: &str, dest: &str) -> Vec<String> {
    let by_id = site
        .products
        .iter()
        .find(|i| i.id.as_ref().is_some_and(|x| x.value == id));
    let item = by_id.or_else(|| {
        site.products.iter().find(|i| {
            i.id.is_none()
                && i.title.value == title
                && tracking::classify(&i.url.value).is_ok_and(|d| d.as_str() == dest)
        })
    });
    item.and_then(|i| i.description.as_ref())
        .map(|d| markdown_dests(&d.value))
        .unwrap_or_default()
}

/// A link found in rendered Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HtmlLink {
    href: String,
    text: String,
}

/// The `<a href>`s of HTML written by [`crate::markdown::render`] (a regular,
/// known shape: double-quoted attributes, escaped text), with their text.
fn html_links(html: &str) -> Vec<HtmlLink> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        let after = &rest[start + 3..];
        let Some(end) = after.find('>') else { break };
        let attrs = &after[..end];
        let body = &after[end + 1..];
        let (inner, next) = match body.find("</a>") {
            Some(close) => (&body[..close], &body[close + 4..]),
            None => (body, ""),
        };
        if let Some(href) = attr(attrs, "href") {
            out.push(HtmlLink {
                href: unescape(href),
                text: unescape(&strip_tags(inner)),
            });
        }
        rest = next;
    }
    out
}

/// The raw value of a double-quoted attribute.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!("{name}=\"");
    let mut from = 0;
    while let Some(pos) = attrs[from..].find(&needle) {
        let at = from + pos;
        // a whole attribute name, not the end of another (data-href=)
        if at == 0 || attrs.as_bytes()[at - 1].is_ascii_whitespace() {
            let value = &attrs[at + needle.len()..];
            return value.find('"').map(|end| &value[..end]);
        }
        from = at + needle.len();
    }
    None
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes the character references HTML text and attributes may hold.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &tail[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The rows as CSV (RFC 4180: a header line, CRLF line ends, fields quoted
/// when they hold a comma, a double quote, CR or LF, quotes doubled).
pub fn to_csv(rows: &[Row]) -> String {
    let mut out = String::new();
    write_record(&mut out, COLUMNS.iter().copied());
    out.push_str(&csv_records(rows));
    out
}

/// The rows as CSV records without the header line: an agency's manifest is
/// one header over every creator's records.
pub fn csv_records(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        write_record(&mut out, r.values().into_iter());
    }
    out
}

fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

/// The rows as a pretty-printed JSON array of objects (keys in column order),
/// ending with a newline.
pub fn to_json(rows: &[Row]) -> String {
    // Serialising plain strings and booleans cannot fail.
    let mut s = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// The objects of [`to_json`]'s array without the brackets around them
/// (`None` for no rows): an agency's manifest writes each creator's items
/// one after another instead of joining them into one huge string.
pub fn json_items(rows: &[Row]) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let mut s = to_json(rows);
    // "[\n" + items + "\n]\n"
    s.truncate(s.len() - 3);
    s.drain(..2);
    Some(s)
}

/// The pieces of one JSON array made of several [`json_items`]: written one
/// after another they are [`to_json`] of all the rows. The items are moved,
/// not copied.
pub fn json_array(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    for item in items {
        out.push(if out.is_empty() { "[\n" } else { ",\n" }.to_string());
        out.push(item);
    }
    out.push(if out.is_empty() { "[]\n" } else { "\n]\n" }.to_string());
    out
}

#[cfg(test)]
mod tests;
