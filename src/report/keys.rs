//! The identifiers a network echoes back, read from the tagged URLs
//! themselves: what a report can match a conversion on is exactly what the
//! page sent, so the report and the page can never disagree about them.
//!
//! * Shopee: `sub_id` (`<handle>-<channel>-<id>`, each part letters and
//!   digits only), which Shopee splits on `-` into `Sub_id1` … `Sub_id5`;
//! * AccessTrade: the UTM values on the deep link, which it stores as its
//!   sub-ids (`utm_source`, `utm_medium`, `utm_campaign`, `utm_content`,
//!   `utm_term`);
//! * Amazon: the `tag`, and the ASIN of the product page linked to;
//! * generic networks: the query parameters of the tracking URL.
//!
//! [`ambiguities`] warns, in `check` and `build`, when two links of a
//! creator would send the same identifiers: a report could not tell them
//! apart, so it would have to merge them or guess.

use crate::diag::{Diagnostic, Loc};
use crate::networks::{Network, Rule};
use url::Url;

/// The UTM keys AccessTrade echoes, in the order of [`Key::AccessTrade`].
pub const ACCESSTRADE_UTM: [&str; 5] = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
];

/// What identifies a link in a network's report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// The whole `sub_id`, lowercased.
    Shopee(String),
    /// The five UTM values (empty when unset), lowercased, `\x1f`-joined.
    AccessTrade(String),
    /// The tag (lowercased) and the ASIN (uppercased) when the URL is a
    /// product page.
    Amazon { tag: String, asin: Option<String> },
    /// The tracking URL's query pairs that are not the destination,
    /// sorted, values lowercased.
    Generic(Vec<(String, String)>),
}

/// The key of a link tagged by `network` into `href`; `None` when the URL
/// carries nothing the network echoes (a `mailto:`, a malformed template).
pub fn of(network: &Network, href: &str) -> Option<Key> {
    // The tagged URL is already a parsed and serialised URL: its query is
    // read as it is, without parsing the whole URL again (an agency's report
    // reads a million of them).
    let query = href
        .split('#')
        .next()?
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match &network.rule {
        Rule::Shopee { .. } => Some(Key::Shopee(get("sub_id")?.to_lowercase())),
        Rule::AccessTrade { .. } => Some(Key::AccessTrade(
            ACCESSTRADE_UTM
                .iter()
                .map(|k| get(k).unwrap_or("").to_lowercase())
                .collect::<Vec<_>>()
                .join("\u{1f}"),
        )),
        Rule::Amazon { .. } => Some(Key::Amazon {
            tag: get("tag")?.to_lowercase(),
            asin: Url::parse(href).ok().and_then(|u| asin(&u)),
        }),
        Rule::Template(_) | Rule::Params(_) => {
            let mut kept: Vec<(String, String)> = pairs
                .into_iter()
                .filter(|(_, v)| !is_destination(v))
                .map(|(k, v)| (k, v.to_lowercase()))
                .collect();
            kept.sort();
            Some(Key::Generic(kept))
        }
    }
}

/// Whether a query value is a whole URL (a wrapped destination).
fn is_destination(v: &str) -> bool {
    v.starts_with("http://") || v.starts_with("https://")
}

/// The ASIN of an Amazon product URL: `/dp/<ASIN>`, `/gp/product/<ASIN>`,
/// `/gp/aw/d/<ASIN>`, `/exec/obidos/ASIN/<ASIN>`, `/o/ASIN/<ASIN>`, also
/// after a slug (`/Some-Title/dp/<ASIN>/`).
pub fn asin(url: &Url) -> Option<String> {
    let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    for (i, s) in segs.iter().enumerate() {
        let marker = matches!(
            s.to_ascii_lowercase().as_str(),
            "dp" | "product" | "d" | "asin"
        );
        if marker {
            if let Some(next) = segs.get(i + 1) {
                if is_asin(next) {
                    return Some(next.to_ascii_uppercase());
                }
            }
        }
    }
    None
}

/// Ten letters and digits: Amazon's product ids (ISBN-10s included).
pub fn is_asin(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// One network-tagged link on one channel page (see `resolve`).
pub struct Tagged<'a> {
    pub id: &'a str,
    pub loc: Option<Loc>,
    pub network: &'a Network,
    pub channel: &'a str,
    pub href: &'a str,
}

/// Warnings for links of one creator that send the same identifiers to
/// their network (on any channel): `ambiguous-sub-id` for Shopee,
/// `ambiguous-key` for the others. Amazon links that are not product pages
/// are left out: a report attributes those to the creator anyway.
pub fn ambiguities(items: &[Tagged]) -> Vec<Diagnostic> {
    let mut first: std::collections::HashMap<(&str, Key), usize> = Default::default();
    let mut reported: std::collections::HashSet<(&str, &str)> = Default::default();
    let mut out = Vec::new();
    for (i, t) in items.iter().enumerate() {
        let Some(key) = of(t.network, t.href) else {
            continue;
        };
        if matches!(&key, Key::Amazon { asin: None, .. }) {
            continue;
        }
        let slot = first
            .entry((t.network.name.as_str(), key.clone()))
            .or_insert(i);
        let other = &items[*slot];
        if other.id == t.id || !reported.insert((other.id, t.id)) {
            continue;
        }
        let (code, what, help) = match &key {
            Key::Shopee(sub) => (
                "ambiguous-sub-id",
                format!("the same Shopee sub_id \"{sub}\""),
                "Shopee keeps only letters and digits of each part of sub_id, so ids that differ only in '-' or '_' collide; rename one id".to_string(),
            ),
            Key::AccessTrade(_) => (
                "ambiguous-key",
                "the same UTM values to AccessTrade".to_string(),
                "AccessTrade reports only the UTM values; keep {id} in utm_content (the default) or give each link its own".to_string(),
            ),
            Key::Amazon { tag, asin } => (
                "ambiguous-key",
                format!(
                    "the same Amazon tag \"{tag}\" and product {}",
                    asin.as_deref().unwrap_or("")
                ),
                "Amazon reports only the tag and the product; remove one link, or give a channel its own tag ([networks.amazon] tag = { tiktok = \"…\" })".to_string(),
            ),
            Key::Generic(_) => (
                "ambiguous-key",
                format!("the same tracking parameters to {}", t.network.name),
                "a report of this network cannot tell the links apart: put {id} in the network's template or params".to_string(),
            ),
        };
        let on = if other.channel == t.channel {
            format!("on the {} page", t.channel)
        } else {
            format!(
                "(\"{}\" on the {} page, \"{}\" on the {} page)",
                other.id, other.channel, t.id, t.channel
            )
        };
        out.push(
            Diagnostic::warning(
                code,
                format!(
                    "\"{}\" and \"{}\" send {what} {on}: a report cannot tell their sales apart",
                    other.id, t.id
                ),
            )
            .at(t.loc.clone())
            .help(help),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{At, NetworkInput};

    fn net(name: &str, f: impl FnOnce(&mut NetworkInput)) -> Network {
        let mut input = NetworkInput {
            name: At::bare(name.into()),
            tag: None,
            tags: vec![],
            affiliate_id: None,
            id: None,
            template: None,
            params: vec![],
            domains: vec![],
            utm: None,
            tld: None,
        };
        f(&mut input);
        Network::from_input(&input).unwrap()
    }

    #[test]
    fn keys_come_from_the_tagged_url() {
        let shopee = net("shopee", |i| i.affiliate_id = Some(At::bare("1".into())));
        assert_eq!(
            of(
                &shopee,
                "https://s.shopee.vn/an_redir?origin_link=x&affiliate_id=1&sub_id=Linh-bio-SerumB5"
            ),
            Some(Key::Shopee("linh-bio-serumb5".into()))
        );
        let at = net("accesstrade", |i| i.id = Some(At::bare("4".into())));
        assert_eq!(
            of(&at, "https://go.isclix.com/deep_link/4?url=https%3A%2F%2Ftiki.vn&utm_source=tiktok&utm_content=a"),
            Some(Key::AccessTrade("tiktok\u{1f}\u{1f}\u{1f}a\u{1f}".into()))
        );
        let amazon = net("amazon", |i| i.tag = Some(At::bare("x-20".into())));
        assert_eq!(
            of(
                &amazon,
                "https://www.amazon.com/Some-Thing/dp/b0abcdef12/?th=1&tag=X-20"
            ),
            Some(Key::Amazon {
                tag: "x-20".into(),
                asin: Some("B0ABCDEF12".into())
            })
        );
        assert_eq!(
            of(&amazon, "https://www.amazon.com/shop/linh?tag=x-20"),
            Some(Key::Amazon {
                tag: "x-20".into(),
                asin: None
            })
        );
        let tpl = net("mynet", |i| {
            i.template = Some(At::bare(
                "https://t.example/c?dest={url}&sub={handle}-{id}".into(),
            ))
        });
        assert_eq!(
            of(
                &tpl,
                "https://t.example/c?dest=https%3A%2F%2Fshop.example%2F&sub=Linh-a"
            ),
            Some(Key::Generic(vec![("sub".into(), "linh-a".into())]))
        );
    }

    #[test]
    fn colliding_sub_ids_are_reported_once_with_their_place() {
        let shopee = net("shopee", |i| i.affiliate_id = Some(At::bare("1".into())));
        let href = |id: &str, ch: &str| {
            format!(
                "https://s.shopee.vn/an_redir?origin_link=x&affiliate_id=1&sub_id=linh-{ch}-{id}"
            )
        };
        let (a_bio, b_bio, a_tt, b_tt, c_bio) = (
            href("serumb5", "bio"),
            href("serumb5", "bio"),
            href("serumb5", "tiktok"),
            href("serumb5", "tiktok"),
            href("toner", "bio"),
        );
        let loc = |line| {
            Some(Loc {
                file: std::sync::Arc::from(std::path::Path::new("products.toml")),
                line,
                col: 6,
                line_text: String::new(),
                len: 1,
            })
        };
        let items = [
            Tagged {
                id: "serum-b5",
                loc: loc(2),
                network: &shopee,
                channel: "bio",
                href: &a_bio,
            },
            Tagged {
                id: "serum_b5",
                loc: loc(9),
                network: &shopee,
                channel: "bio",
                href: &b_bio,
            },
            Tagged {
                id: "serum-b5",
                loc: loc(2),
                network: &shopee,
                channel: "tiktok",
                href: &a_tt,
            },
            Tagged {
                id: "serum_b5",
                loc: loc(9),
                network: &shopee,
                channel: "tiktok",
                href: &b_tt,
            },
            Tagged {
                id: "toner",
                loc: loc(15),
                network: &shopee,
                channel: "bio",
                href: &c_bio,
            },
        ];
        let w = ambiguities(&items);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code, "ambiguous-sub-id");
        assert_eq!(w[0].loc.as_ref().unwrap().line, 9);
        assert!(
            w[0].message.contains("\"serum-b5\" and \"serum_b5\""),
            "{}",
            w[0].message
        );
        assert!(
            w[0].message.contains("linh-bio-serumb5"),
            "{}",
            w[0].message
        );
        // the same link on two channels is not ambiguous
        assert!(ambiguities(&[items[0].clone_ref(), items[2].clone_ref()]).is_empty());
    }

    impl Tagged<'_> {
        fn clone_ref(&self) -> Tagged<'_> {
            Tagged {
                id: self.id,
                loc: self.loc.clone(),
                network: self.network,
                channel: self.channel,
                href: self.href,
            }
        }
    }
}
