//! Attribution: what a network or analytics tool echoed back, matched
//! exactly against the identifiers biopage sent ([`Index`]). Pure: a
//! function of the index and the echo, never a guess from titles or
//! destinations.

use crate::report::index::{page_path, Cand, Index, NONE};
use std::fmt;

/// What an export row carries that identifies a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Echo<'a> {
    /// Shopee's `Sub_id1` … `Sub_id5` (the `sub_id` split on `-`).
    Shopee([&'a str; 5]),
    /// AccessTrade's `utm_source`, `utm_medium`, `utm_campaign`,
    /// `utm_content`, `utm_term`.
    AccessTrade([&'a str; 5]),
    /// Amazon's `Tracking ID` and `ASIN`.
    Amazon { tag: &'a str, asin: &'a str },
    /// A `[report.formats.NAME]` row: the mapped parameters' values.
    Generic { format: usize, values: Vec<&'a str> },
    /// An analytics click event.
    Click {
        handle: &'a str,
        channel: &'a str,
        id: &'a str,
    },
    /// An analytics page view.
    Page {
        host: Option<&'a str>,
        path: &'a str,
    },
}

/// Who a row is attributed to. `channel` and `link` are `None` when the
/// echo does not tell them (one Amazon tag for every channel; an Amazon
/// purchase of a product that was not linked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    pub creator: u32,
    pub channel: Option<u32>,
    pub link: Option<u32>,
}

/// Why a row is not attributed (the reason column of `unattributed.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    NoIdentifier(&'static str),
    UnknownSubId(String),
    UnknownUtm(String),
    UnknownTag {
        tag: String,
        known: Vec<String>,
    },
    UnknownParams {
        format: String,
        values: String,
    },
    UnknownCreator(String),
    UnknownLink {
        handle: String,
        id: String,
    },
    UnknownChannel {
        handle: String,
        channel: String,
    },
    UnknownPage(String),
    /// The identifier belongs to several creators.
    Shared {
        what: String,
        a: String,
        b: String,
    },
    /// `--only`: the row is another creator's.
    OtherCreator {
        what: &'static str,
        handle: String,
        only: String,
    },
    OutsideRange {
        day: String,
        from: String,
        to: String,
    },
    Bot,
    UnparseableAmount(String),
    /// A click event in the old form, without handle and channel.
    Legacy(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NoIdentifier(what) => write!(f, "no {what}: the sale did not come through a biopage link"),
            Reason::UnknownSubId(s) => write!(f, "unknown sub-id \"{s}\": no link of this site sends it"),
            Reason::UnknownUtm(s) => write!(f, "unknown UTM values \"{s}\": no link of this site sends them"),
            Reason::UnknownTag { tag, known } if known.is_empty() => {
                write!(f, "other creator's tag \"{tag}\": not a tag of this site")
            }
            Reason::UnknownTag { tag, known } => write!(
                f,
                "other creator's tag \"{tag}\": not a tag of this site (its tags: {})",
                known.join(", ")
            ),
            Reason::UnknownParams { format, values } => {
                write!(f, "unknown {format} parameters \"{values}\": no link of this site sends them")
            }
            Reason::UnknownCreator(h) => write!(f, "unknown creator \"{h}\""),
            Reason::UnknownLink { handle, id } => write!(f, "{handle} has no link \"{id}\""),
            Reason::UnknownChannel { handle, channel } => {
                write!(f, "{handle} has no channel \"{channel}\"")
            }
            Reason::UnknownPage(p) => write!(f, "unknown page \"{p}\": not a page of this site"),
            Reason::Shared { what, a, b } => write!(
                f,
                "ambiguous: {what} is sent by more than one creator ({a}, {b}), so the sale is no one's in particular; give each creator its own"
            ),
            Reason::OtherCreator { what, handle, only } => {
                write!(f, "other creator's {what}: {handle}'s (--only {only})")
            }
            Reason::OutsideRange { day, from, to } => {
                write!(f, "outside the date range: {day} is not in {from} … {to}")
            }
            Reason::Bot => write!(f, "a bot, as the analytics tool marked it"),
            Reason::UnparseableAmount(v) => write!(f, "unparseable amount \"{v}\""),
            Reason::Legacy(p) => write!(
                f,
                "click event \"{p}\" names no creator and channel (sent by a page built before biopage added them); rebuild the pages"
            ),
        }
    }
}

/// The creator, channel and link an echo identifies, or why none.
pub fn attribute(ix: &Index, echo: &Echo) -> Result<Target, Reason> {
    match echo {
        Echo::Shopee(subs) => {
            // Shopee's split undone: the non-empty parts joined by '-'
            let mut key = String::with_capacity(48);
            for part in subs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                if !key.is_empty() {
                    key.push('-');
                }
                push_lower(&mut key, part);
            }
            if key.is_empty() {
                return Err(Reason::NoIdentifier("Sub_id"));
            }
            match ix.shopee.get(key.as_str()) {
                Some(c) => found(ix, c, &format!("the sub-id \"{key}\"")),
                None => Err(Reason::UnknownSubId(key)),
            }
        }
        Echo::AccessTrade(utm) => {
            if utm.iter().all(|u| u.trim().is_empty()) {
                return Err(Reason::NoIdentifier("UTM values"));
            }
            let mut key = String::with_capacity(64);
            for (i, u) in utm.iter().enumerate() {
                if i > 0 {
                    key.push('\u{1f}');
                }
                push_lower(&mut key, u.trim());
            }
            match ix.accesstrade.get(key.as_str()) {
                Some(c) => found(ix, c, "these UTM values"),
                None => Err(Reason::UnknownUtm(
                    utm.iter().map(|u| u.trim()).collect::<Vec<_>>().join("/"),
                )),
            }
        }
        Echo::Amazon { tag, asin } => {
            let tag = tag.trim().to_lowercase();
            if tag.is_empty() {
                return Err(Reason::NoIdentifier("Tracking ID"));
            }
            let product = format!("{tag}\u{1f}{}", asin.trim().to_ascii_uppercase());
            if let Some(c) = ix.amazon_products.get(product.as_str()) {
                if c.other == NONE {
                    return found(ix, c, "");
                }
            }
            match ix.amazon_tags.get(tag.as_str()) {
                // the tag alone: the creator (and channel), not the link
                Some(c) => found(ix, c, &format!("the Amazon tag \"{tag}\""))
                    .map(|t| Target { link: None, ..t }),
                None => {
                    let mut known: Vec<String> = ix
                        .creators
                        .iter()
                        .flat_map(|c| c.amazon_tags.iter().cloned())
                        .collect();
                    known.sort();
                    known.dedup();
                    known.truncate(5);
                    Err(Reason::UnknownTag { tag, known })
                }
            }
        }
        Echo::Generic { format, values } => {
            let key = values
                .iter()
                .map(|v| v.trim().to_lowercase())
                .collect::<Vec<_>>()
                .join("\u{1f}");
            if values.iter().all(|v| v.trim().is_empty()) {
                return Err(Reason::NoIdentifier("tracking parameter"));
            }
            match ix.generic.get(*format).and_then(|m| m.get(key.as_str())) {
                Some(c) => found(ix, c, "these parameters"),
                None => Err(Reason::UnknownParams {
                    format: format!("format #{}", format + 1),
                    values: values.join("/"),
                }),
            }
        }
        Echo::Click {
            handle,
            channel,
            id,
        } => {
            let Some(&c) = ix.by_handle.get(*handle) else {
                return Err(Reason::UnknownCreator(handle.to_string()));
            };
            let creator = &ix.creators[c as usize];
            let Some(&link) = creator.link_ids.get(*id) else {
                return Err(Reason::UnknownLink {
                    handle: handle.to_string(),
                    id: id.to_string(),
                });
            };
            let Some(&ch) = creator
                .channels
                .iter()
                .find(|&&ch| ix.channel_name(ch) == *channel)
            else {
                return Err(Reason::UnknownChannel {
                    handle: handle.to_string(),
                    channel: channel.to_string(),
                });
            };
            Ok(Target {
                creator: c,
                channel: Some(ch),
                link: Some(link),
            })
        }
        Echo::Page { host, path } => {
            let p = page_path(path);
            let hit = host
                .map(|h| {
                    format!(
                        "{}{p}",
                        h.trim().trim_start_matches("www.").to_ascii_lowercase()
                    )
                })
                .and_then(|k| ix.pages_on_host.get(k.as_str()))
                .or_else(|| ix.pages.get(p.as_str()));
            match hit {
                Some(c) => {
                    found(ix, c, &format!("the page {p}")).map(|t| Target { link: None, ..t })
                }
                None => Err(Reason::UnknownPage(p)),
            }
        }
    }
}

/// Appends `s` lowercased (without a new string for ASCII, the common case).
fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&s.to_lowercase());
    }
}

fn found(ix: &Index, c: &Cand, what: &str) -> Result<Target, Reason> {
    if c.other != NONE {
        return Err(Reason::Shared {
            what: if what.is_empty() {
                "this identifier".into()
            } else {
                what.to_string()
            },
            a: ix.handle(c.creator).to_string(),
            b: ix.handle(c.other).to_string(),
        });
    }
    Ok(Target {
        creator: c.creator,
        channel: (c.channel != NONE).then_some(c.channel),
        link: (c.link != NONE).then_some(c.link),
    })
}
