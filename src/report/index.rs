//! The attribution index: every link of every creator (shown or not, on
//! every channel page) with the exact identifiers its tagged URL carries,
//! in hash maps from identifier to creator × channel × link.
//!
//! Built from the resolved pages (see [`crate::resolve::resolve_every_item`]),
//! one creator at a time into a compact [`CreatorPart`] (the pages are
//! dropped at once: an agency has ten thousand of them), then merged.

use crate::model::{NetworkInput, Settings, Site};
use crate::networks::{Network, Rule};
use crate::report::config::{CostInput, FormatInput};
use crate::report::fxhash::FxHashMap as HashMap;
use crate::report::keys::{self, Key};
use crate::report::money::{Amount, Cur};
use crate::resolve::Resolved;

/// "None" in the compact fields of [`Cand`].
pub const NONE: u32 = u32::MAX;

/// What an identifier points at. When one identifier is carried by several
/// links, the fields they do not share become [`NONE`] (same creator, other
/// link: the creator is still known); a second creator is remembered for
/// the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cand {
    pub creator: u32,
    /// Another creator carrying the same identifier, or [`NONE`].
    pub other: u32,
    pub channel: u32,
    pub link: u32,
}

impl Cand {
    pub fn new(creator: u32, channel: u32, link: u32) -> Cand {
        Cand {
            creator,
            other: NONE,
            channel,
            link,
        }
    }

    /// The part of `self` and `b` that is common to both.
    pub fn merge(&mut self, b: Cand) {
        if self.creator != b.creator {
            if self.other == NONE {
                self.other = b.creator;
            }
            self.channel = NONE;
            self.link = NONE;
            return;
        }
        if self.other == NONE {
            self.other = b.other;
        }
        if self.channel != b.channel {
            self.channel = NONE;
        }
        if self.link != b.link {
            self.link = NONE;
        }
    }
}

/// A link or product of a creator.
#[derive(Debug, Clone)]
pub struct Link {
    pub creator: u32,
    pub id: Box<str>,
    pub title: Box<str>,
    /// `link` or `product`.
    pub kind: &'static str,
    pub network: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub struct Creator {
    pub handle: String,
    pub name: String,
    /// Global channel ids, the main page's first.
    pub channels: Vec<u32>,
    /// Its links' ids → global link index.
    pub link_ids: HashMap<Box<str>, u32>,
    /// Effective cost, with its currency.
    pub cost: Option<(Amount, Cur)>,
    /// The creator's Amazon tags, for messages.
    pub amazon_tags: Vec<String>,
    /// The creator's tier by its profile (`tier`, or `followers` on the
    /// `[tiers]` ladder), which the leaderboard shows when tiers measure
    /// followers.
    pub tier: Option<String>,
}

/// The maps a conversion or click is looked up in.
#[derive(Debug, Default)]
pub struct Index {
    pub creators: Vec<Creator>,
    pub channels: Vec<String>,
    pub links: Vec<Link>,
    pub by_handle: HashMap<String, u32>,
    pub shopee: HashMap<Box<str>, Cand>,
    pub accesstrade: HashMap<Box<str>, Cand>,
    /// Amazon tag → creator (and channel, with a tag per channel).
    pub amazon_tags: HashMap<Box<str>, Cand>,
    /// `tag \x1f ASIN` → the product link.
    pub amazon_products: HashMap<Box<str>, Cand>,
    /// One map per `[report.formats.NAME]`: the mapped parameters' values,
    /// `\x1f`-joined → link.
    pub generic: Vec<HashMap<Box<str>, Cand>>,
    /// Page path → creator and channel; `host + path` in `pages_on_host`.
    pub pages: HashMap<Box<str>, Cand>,
    pub pages_on_host: HashMap<Box<str>, Cand>,
    /// Whether the site is an agency (messages say "creator" then).
    pub agency: bool,
}

/// Where an entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Shopee,
    AccessTrade,
    AmazonTag,
    AmazonProduct,
    Generic(usize),
    Page,
    PageOnHost,
}

/// One creator, compact: what the index needs of its resolved pages.
#[derive(Debug)]
pub struct CreatorPart {
    handle: String,
    name: String,
    channels: Vec<String>,
    links: Vec<Link>,
    /// (table, key, local channel or NONE, local link or NONE)
    entries: Vec<(Table, Box<str>, u32, u32)>,
    cost: Option<(Amount, Cur)>,
    amazon_tags: Vec<String>,
    tier: Option<String>,
}

/// The networks of a creator as resolve builds them: the agency's, then
/// the profile's (a network of the same name replaces the agency's).
fn networks(site: &Site, agency: Option<&Settings>) -> HashMap<String, Network> {
    let mut inputs: Vec<&NetworkInput> = agency
        .map(|a| a.networks.iter().collect())
        .unwrap_or_default();
    for n in &site.settings.networks {
        inputs.retain(|i| i.name.value != n.name.value);
        inputs.push(n);
    }
    inputs
        .into_iter()
        .filter_map(|i| Network::from_input(i).ok().map(|n| (n.name.clone(), n)))
        .collect()
}

/// A page URL as analytics tools report it: the path, with a trailing `/`
/// and without `index.html`, query or fragment.
pub fn page_path(path: &str) -> String {
    let p = path.split(['?', '#']).next().unwrap_or("");
    let p = p.strip_suffix("index.html").unwrap_or(p);
    let mut out = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    };
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

impl CreatorPart {
    /// The compact form of one resolved creator (every item resolved).
    pub fn new(
        site: &Site,
        resolved: &Resolved,
        agency: Option<&Settings>,
        formats: &[FormatInput],
        agency_cost: Option<&CostInput>,
    ) -> CreatorPart {
        let nets = networks(site, agency);
        let mut part = CreatorPart {
            handle: resolved.handle.clone(),
            name: resolved.name.clone(),
            channels: resolved.pages.iter().map(|p| p.channel.clone()).collect(),
            links: Vec::new(),
            entries: Vec::new(),
            cost: None,
            amazon_tags: Vec::new(),
            tier: crate::campaign::target::tier_of(
                site,
                agency.and_then(|a| a.report.tiers.as_ref()),
            )
            .ok()
            .flatten(),
        };
        let default_cur = Cur::parse(crate::resolve::default_currency(resolved.lang).code)
            .unwrap_or(Cur(*b"USD"));
        let cost = agency_cost
            .or(site.settings.report.cost.as_ref())
            .or_else(|| agency.and_then(|a| a.report.cost.as_ref()));
        part.cost = cost.map(|c| {
            (
                c.amount,
                c.currency
                    .as_deref()
                    .and_then(Cur::parse)
                    .unwrap_or(default_cur),
            )
        });
        let mut local_ids: HashMap<String, u32> = HashMap::default();
        for (ci, page) in resolved.pages.iter().enumerate() {
            let ci = ci as u32;
            if let Ok(u) = url::Url::parse(&page.url) {
                let path = page_path(u.path());
                if let Some(host) = u.host_str() {
                    let host = host.trim_start_matches("www.").to_ascii_lowercase();
                    part.entries.push((
                        Table::PageOnHost,
                        format!("{host}{path}").into(),
                        ci,
                        NONE,
                    ));
                }
                part.entries.push((Table::Page, path.into(), ci, NONE));
            }
            // Amazon tags serve the whole page, links or not: Amazon pays
            // for what a visitor buys after any tagged click.
            for n in nets.values() {
                if let Rule::Amazon { tag, per_channel } = &n.rule {
                    let t = per_channel
                        .iter()
                        .find(|(c, _)| *c == page.channel)
                        .map(|(_, t)| t)
                        .unwrap_or(tag);
                    if !t.is_empty() {
                        part.entries
                            .push((Table::AmazonTag, t.to_lowercase().into(), ci, NONE));
                        if !part.amazon_tags.contains(t) {
                            part.amazon_tags.push(t.clone());
                        }
                    }
                }
            }
            let links = page
                .featured
                .iter()
                .chain(page.groups.iter().flat_map(|g| g.links.iter()))
                .map(|l| (&l.id, &l.title, "link", &l.network, &l.href))
                .chain(page.products.iter().map(|p| {
                    (
                        &p.item.id,
                        &p.item.title,
                        "product",
                        &p.item.network,
                        &p.item.href,
                    )
                }));
            for (id, title, kind, network, href) in links {
                let li = *local_ids.entry(id.clone()).or_insert_with(|| {
                    part.links.push(Link {
                        creator: 0,
                        id: id.as_str().into(),
                        title: title.as_str().into(),
                        kind,
                        network: network.as_deref().map(Into::into),
                    });
                    part.links.len() as u32 - 1
                });
                if let Some(n) = network.as_ref().and_then(|n| nets.get(n)) {
                    match keys::of(n, href) {
                        Some(Key::Shopee(sub)) => {
                            part.entries.push((Table::Shopee, sub.into(), ci, li))
                        }
                        Some(Key::AccessTrade(k)) => {
                            part.entries.push((Table::AccessTrade, k.into(), ci, li))
                        }
                        Some(Key::Amazon {
                            tag,
                            asin: Some(asin),
                        }) => part.entries.push((
                            Table::AmazonProduct,
                            format!("{tag}\u{1f}{asin}").into(),
                            ci,
                            li,
                        )),
                        _ => {}
                    }
                }
                // formats describe networks' exports: links through one
                if !formats.is_empty() && network.is_some() {
                    if let Ok(u) = url::Url::parse(href) {
                        let pairs: Vec<(String, String)> = u
                            .query_pairs()
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect();
                        for (fi, f) in formats.iter().enumerate() {
                            if let Some(only) = &f.network {
                                if network.as_deref() != Some(only.value.as_str()) {
                                    continue;
                                }
                            }
                            let values: Option<Vec<String>> = f
                                .params
                                .iter()
                                .map(|(p, _)| {
                                    pairs
                                        .iter()
                                        .find(|(k, _)| k == p)
                                        .map(|(_, v)| v.to_lowercase())
                                })
                                .collect();
                            if let Some(v) = values {
                                part.entries.push((
                                    Table::Generic(fi),
                                    v.join("\u{1f}").into(),
                                    ci,
                                    li,
                                ));
                            }
                        }
                    }
                }
            }
        }
        part
    }
}

impl Index {
    /// Merges the creators (in the order given: handle order) into one
    /// index.
    pub fn from_parts(parts: Vec<CreatorPart>, formats: usize, agency: bool) -> Index {
        let mut ix = Index {
            generic: (0..formats).map(|_| HashMap::default()).collect(),
            agency,
            ..Index::default()
        };
        let mut channel_ids: HashMap<String, u32> = HashMap::default();
        for part in parts {
            let c = ix.creators.len() as u32;
            let channels: Vec<u32> = part
                .channels
                .iter()
                .map(|name| {
                    *channel_ids.entry(name.clone()).or_insert_with(|| {
                        ix.channels.push(name.clone());
                        ix.channels.len() as u32 - 1
                    })
                })
                .collect();
            let first_link = ix.links.len() as u32;
            let mut link_ids = HashMap::default();
            link_ids.reserve(part.links.len());
            for (i, mut l) in part.links.into_iter().enumerate() {
                l.creator = c;
                link_ids.insert(l.id.clone(), first_link + i as u32);
                ix.links.push(l);
            }
            for (table, key, ch, li) in part.entries {
                let cand = Cand::new(
                    c,
                    if ch == NONE {
                        NONE
                    } else {
                        channels[ch as usize]
                    },
                    if li == NONE { NONE } else { first_link + li },
                );
                let map = match table {
                    Table::Shopee => &mut ix.shopee,
                    Table::AccessTrade => &mut ix.accesstrade,
                    Table::AmazonTag => &mut ix.amazon_tags,
                    Table::AmazonProduct => &mut ix.amazon_products,
                    Table::Generic(i) => &mut ix.generic[i],
                    Table::Page => &mut ix.pages,
                    Table::PageOnHost => &mut ix.pages_on_host,
                };
                map.entry(key).and_modify(|e| e.merge(cand)).or_insert(cand);
            }
            ix.by_handle.insert(part.handle.clone(), c);
            ix.creators.push(Creator {
                handle: part.handle,
                name: part.name,
                channels,
                link_ids,
                cost: part.cost,
                amazon_tags: part.amazon_tags,
                tier: part.tier,
            });
        }
        ix
    }

    pub fn channel_name(&self, ch: u32) -> &str {
        self.channels
            .get(ch as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn handle(&self, c: u32) -> &str {
        self.creators
            .get(c as usize)
            .map(|c| c.handle.as_str())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_what_is_common() {
        let mut a = Cand::new(1, 2, 3);
        a.merge(Cand::new(1, 2, 3));
        assert_eq!(a, Cand::new(1, 2, 3));
        a.merge(Cand::new(1, 5, 3));
        assert_eq!((a.creator, a.channel, a.link), (1, NONE, 3));
        a.merge(Cand::new(1, 5, 4));
        assert_eq!(
            (a.creator, a.channel, a.link, a.other),
            (1, NONE, NONE, NONE)
        );
        a.merge(Cand::new(7, 0, 0));
        assert_eq!((a.creator, a.other, a.link), (1, 7, NONE));
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_path("/linh/tiktok"), "/linh/tiktok/");
        assert_eq!(page_path("/"), "/");
        assert_eq!(page_path(""), "/");
        assert_eq!(page_path("/tiktok/index.html?x=1"), "/tiktok/");
        assert_eq!(page_path("tiktok/#a"), "/tiktok/");
    }
}
