//! The items (links and products): ids (unique whatever their case, made
//! short from titles when missing), destinations, networks, prices,
//! schedules, and the warnings about each, checked once before any page is
//! tagged.

use super::settings::{layer, Basics};
use super::tagging::{check_utm_values, Ctx};
use super::Options;
use crate::diag::{did_you_mean, Loc};
use crate::i18n::{self, Currency, Lang};
use crate::model::*;
use crate::networks::Network;
use crate::tracking::Dest;
use std::collections::HashMap;

/// An item checked and prepared once, then tagged per channel.
pub(super) struct Prepared<'a> {
    pub item: &'a Item,
    pub id: String,
    pub dest: Dest,
    pub network: Option<&'a Network>,
    pub sponsored: bool,
    pub visible: bool,
    pub review: Option<Dest>,
    pub price: Option<(Currency, i64, Option<i64>)>,
}

/// Every item of the site, checked and prepared.
pub(super) fn prepare<'a>(
    site: &'a Site,
    basics: &'a Basics,
    opts: &Options,
    ctx: &mut Ctx,
) -> Vec<Prepared<'a>> {
    let every_item = basics.every_item;
    let networks = &basics.networks;
    let lang = basics.lang;
    // items: ids, destinations, networks, prices
    // Ids name folders (go/<id>/), so they are compared without case:
    // `Sale` and `sale` would be one folder on macOS and Windows.
    let mut used_ids: HashMap<String, (String, Option<Loc>)> = HashMap::new();
    let all: Vec<&Item> = site.links.iter().chain(site.products.iter()).collect();
    // explicit ids first, so generated ones never take an explicit id
    for item in &all {
        if let Some(id) = &item.id {
            if let Some((first_id, first)) = used_ids.get(&id.value.to_ascii_lowercase()) {
                let at = first
                    .as_ref()
                    .map(|l| format!(" (first used at {}:{}:{})", l.file.display(), l.line, l.col))
                    .unwrap_or_default();
                let what = if *first_id == id.value {
                    format!("duplicate id \"{}\"{at}", id.value)
                } else {
                    format!(
                        "the id \"{}\" differs from \"{first_id}\"{at} only in case",
                        id.value
                    )
                };
                ctx.error(
                    id.loc.clone(),
                    what,
                    "ids are unique across links and products, whatever their case (they name folders); rename one of them".into(),
                );
            } else {
                used_ids.insert(
                    id.value.to_ascii_lowercase(),
                    (id.value.clone(), id.loc.clone()),
                );
            }
        }
    }
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut seen_dest: HashMap<String, (String, Option<Loc>)> = HashMap::new();
    for item in all {
        let id = match &item.id {
            Some(id) => id.value.clone(),
            None => {
                let (base, cut) = crate::text::id_from_title(&item.title.value);
                if cut {
                    ctx.warn(
                        "long-id",
                        item.loc.clone(),
                        format!(
                            "\"{}\" has no id: its short link is /go/{base}/, cut from its title",
                            item.title.value
                        ),
                        "write a short, readable id (id = \"…\"): it is the short link people type and the key in your reports".into(),
                    );
                }
                let mut candidate = base.clone();
                let mut n = 2;
                while used_ids.contains_key(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                used_ids.insert(candidate.clone(), (candidate.clone(), item.loc.clone()));
                candidate
            }
        };
        let dest = ctx.classify(&item.url, "url");
        let review = item.review.as_ref().and_then(|r| ctx.classify(r, "review"));
        let Some(dest) = dest else {
            continue;
        };
        let network = match &item.network {
            Some(n) if n.value == "none" => None,
            Some(n) => match networks.iter().find(|x| x.name == n.value) {
                Some(x) => Some(x),
                None => {
                    let names: Vec<&str> = networks.iter().map(|x| x.name.as_str()).collect();
                    let help = match did_you_mean(&n.value, names.iter().copied()) {
                        Some(s) => format!("did you mean \"{s}\"?"),
                        None if names.is_empty() => format!("define it under [networks.{}] in profile.toml, or write network = \"none\"", n.value),
                        None => format!("defined networks: {}; or write network = \"none\"", names.join(", ")),
                    };
                    ctx.error(
                        n.loc.clone(),
                        format!("unknown network \"{}\"", n.value),
                        help,
                    );
                    None
                }
            },
            None => match &dest {
                Dest::Web(u) => networks.iter().find(|x| x.matches(u)),
                Dest::Contact(_) => None,
            },
        };
        let mut price = None;
        let cur = match &item.currency {
            Some(c) => match Currency::lookup(&c.value) {
                Some(cur) => Some(cur),
                None => {
                    let codes: Vec<&str> = i18n::CURRENCIES.iter().map(|c| c.code).collect();
                    let ambiguous = i18n::AMBIGUOUS
                        .iter()
                        .find(|(sign, _)| *sign == c.value.trim().to_lowercase());
                    let help = match (ambiguous, did_you_mean(&c.value, codes.iter().copied())) {
                        (Some((sign, which)), _) => format!("\"{sign}\" is the sign of several currencies: write the ISO code, {which}"),
                        (None, Some(s)) => format!("did you mean \"{s}\"? Supported: {}", codes.join(", ")),
                        (None, None) => format!("use an ISO 4217 code; supported: {}", codes.join(", ")),
                    };
                    ctx.error(
                        c.loc.clone(),
                        format!("unknown currency \"{}\"", c.value),
                        help,
                    );
                    None
                }
            },
            None => Some(default_currency(lang)),
        };
        if let Some(p) = &item.price {
            if let Some(cur) = cur {
                match cur.to_minor(p.value) {
                    None => ctx.error(
                        p.loc.clone(),
                        "the price is too large".into(),
                        "write the amount in the currency's major unit".into(),
                    ),
                    Some(minor) => {
                        let compare = item.compare_at_price.as_ref().and_then(|c| {
                            let m = cur.to_minor(c.value)?;
                            if m <= minor {
                                ctx.warn("compare-at-not-higher", c.loc.clone(), "compare_at_price is not higher than price, so it is not shown".into(), "compare_at_price is the old price, shown struck through; remove it or raise it".into());
                                None
                            } else {
                                Some(m)
                            }
                        });
                        price = Some((cur, minor, compare));
                    }
                }
            }
        } else if let Some(c) = &item.compare_at_price {
            ctx.error(
                c.loc.clone(),
                "compare_at_price without price".into(),
                "add `price = …`, the current price".into(),
            );
        }
        let visible = every_item
            || (item.enabled
                && item.starts.as_ref().is_none_or(|s| s.value.0 <= opts.now)
                && item.ends.as_ref().is_none_or(|e| opts.now < e.value.0));
        if let (Some(s), Some(e)) = (&item.starts, &item.ends) {
            if e.value.0 <= s.value.0 {
                ctx.error(
                    e.loc.clone(),
                    "`ends` is not after `starts`".into(),
                    "swap the dates, or fix the one that is wrong".into(),
                );
            }
        }
        if item.enabled {
            if let Some(e) = item.ends.as_ref().filter(|e| e.value.0 <= opts.now) {
                ctx.warn(
                    "expired",
                    e.loc.clone(),
                    format!("\"{id}\" has ended, so it is not shown"),
                    "remove the entry, or move `ends` if the offer still runs".into(),
                );
            }
            if let Some(st) = item.starts.as_ref().filter(|st| st.value.0 > opts.now) {
                ctx.warn(
                    "not-started",
                    st.loc.clone(),
                    format!("\"{id}\" has not started yet, so it is not shown"),
                    "it appears on the first build on or after `starts`; schedule a daily build"
                        .into(),
                );
            }
        }
        if let Dest::Web(u) = &dest {
            if u.scheme() == "http" {
                ctx.warn(
                    "insecure-url",
                    item.url.loc.clone(),
                    format!("\"{id}\" links to an unencrypted http:// address"),
                    "use https:// if the site supports it; browsers warn visitors about http"
                        .into(),
                );
            }
            match seen_dest.get(u.as_str()) {
                Some((first, loc)) => {
                    let at = loc
                        .as_ref()
                        .map(|l| format!(" (line {})", l.line))
                        .unwrap_or_default();
                    ctx.warn(
                        "duplicate-destination",
                        item.url.loc.clone(),
                        format!("\"{id}\" links to the same address as \"{first}\"{at}"),
                        "remove one, or give them different destinations; reports cannot tell them apart except by utm_content".into(),
                    );
                }
                None => {
                    seen_dest.insert(u.as_str().to_string(), (id.clone(), item.url.loc.clone()));
                }
            }
        }
        if let Some(img) = &item.image {
            let alt_ok = item
                .image_alt
                .as_ref()
                .is_some_and(|a| meaningful_alt(&a.value));
            if !alt_ok {
                ctx.warn(
                    "image-alt",
                    item.image_alt.as_ref().and_then(|a| a.loc.clone()).or_else(|| item.loc.clone()),
                    format!("the image of \"{id}\" has no meaningful alt text"),
                    "add image_alt = \"…\" saying what the picture shows, for people who cannot see it".into(),
                );
            }
            if img.bytes > 5 * 1024 * 1024 {
                ctx.warn(
                    "large-image",
                    item.loc.clone(),
                    format!(
                        "the image {} is {:.1} MB",
                        img.rel,
                        img.bytes as f64 / 1048576.0
                    ),
                    "images over 5 MB slow builds and uploads; save it at most 2000 px wide".into(),
                );
            }
        }
        let sponsored = item.sponsored.unwrap_or(network.is_some());
        prepared.push(Prepared {
            item,
            id,
            dest,
            network,
            sponsored,
            visible,
            review,
            price,
        });
    }

    prepared
}

/// The warnings about the site's UTM values and its disclosure, once the
/// items are known.
pub(super) fn check_values(
    site: &Site,
    agency: Option<&Settings>,
    disclosure: &str,
    prepared: &[Prepared],
    ctx: &mut Ctx,
) {
    let s = &site.settings;
    if let Some(a) = agency {
        check_utm_values(ctx, &a.tracking.utm);
    }
    check_utm_values(ctx, &s.tracking.utm);
    for item in site.links.iter().chain(site.products.iter()) {
        if let UtmOverride::Set(v) = &item.utm {
            check_utm_values(ctx, v);
        }
    }
    if disclosure.trim().is_empty() && prepared.iter().any(|p| p.visible && p.sponsored) {
        let loc = layer(&s.disclosure, agency.map(|a| &a.disclosure)).and_then(|d| d.loc.clone());
        ctx.warn(
            "missing-disclosure",
            loc,
            "sponsored links are shown without a disclosure".into(),
            "the law in the US, the EU, Vietnam and China requires one: remove `text = \"\"` to use the standard wording, or write your own".into(),
        );
    }
}

/// Whether alt text says something: not empty, not a file name, not a
/// placeholder word.
fn meaningful_alt(alt: &str) -> bool {
    let a = alt.trim().to_lowercase();
    let generic = [
        "image",
        "img",
        "photo",
        "picture",
        "ảnh",
        "hình",
        "hình ảnh",
        "图片",
        "圖片",
        "product",
    ];
    let file_like = [".jpg", ".jpeg", ".png", ".webp", ".gif"]
        .iter()
        .any(|e| a.ends_with(e));
    a.chars().count() >= 3 && !generic.contains(&a.as_str()) && !file_like
}

pub fn default_currency(lang: Lang) -> Currency {
    let code = match lang {
        Lang::Vi => "VND",
        Lang::ZhHans => "CNY",
        Lang::ZhHant => "TWD",
        Lang::En => "USD",
    };
    Currency::lookup(code).expect("default currencies are in the table")
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn links(toml: &str) -> String {
        format!("{BASE}{toml}")
    }

    #[test]
    fn ids_are_unique_whatever_their_case_and_made_short_from_titles() {
        let r = resolve(&links(
            "[[links]]\ntitle = \"Shop của Linh\"\nurl = \"https://a.example/\"\n[[links]]\ntitle = \"Shop của Linh\"\nurl = \"https://b.example/\"\n[[links]]\ntitle = \"双十二护肤清单小红书笔记\"\nurl = \"https://c.example/\"\n",
        ));
        let ids: Vec<&str> = r.redirects.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "shop-cua-linh",
                "shop-cua-linh-2",
                "shuang-shi-er-hu-fu-qing"
            ]
        );
        assert!(r.warnings.iter().any(|w| w.code == "long-id"));
        let e = resolve_with(
            &links("[[links]]\nid = \"Sale\"\ntitle = \"a\"\nurl = \"https://a.example/\"\n[[links]]\nid = \"sale\"\ntitle = \"b\"\nurl = \"https://b.example/\"\n"),
            None,
            None,
        )
        .unwrap_err();
        assert!(messages(&e)[0].contains("only in case"), "{e:?}");
    }

    #[test]
    fn schedules_and_enabled_decide_what_is_shown() {
        let r = resolve(&links(
            "[[links]]\nid = \"past\"\ntitle = \"a\"\nurl = \"https://a.example/\"\nends = 2026-11-23\n[[links]]\nid = \"now\"\ntitle = \"b\"\nurl = \"https://b.example/\"\nstarts = 2026-11-24\nends = 2026-11-24\n[[links]]\nid = \"later\"\ntitle = \"c\"\nurl = \"https://c.example/\"\nstarts = 2026-11-25\n[[links]]\nid = \"off\"\ntitle = \"d\"\nurl = \"https://d.example/\"\nenabled = false\n",
        ));
        let ids: Vec<&str> = r.redirects.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["now"]);
        let codes: Vec<&str> = r.warnings.iter().map(|w| w.code).collect();
        assert!(
            codes.contains(&"expired") && codes.contains(&"not-started"),
            "{codes:?}"
        );
    }

    #[test]
    fn prices_currencies_and_the_old_price() {
        let r = resolve_with(
            &format!("{BASE}language = \"vi\"\n"),
            Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = 289000\ncompare_at_price = 350000\n[[products]]\nid = \"q\"\ntitle = \"Q\"\nurl = \"https://b.example/\"\nprice = 100\ncompare_at_price = 90\ncurrency = \"RMB\"\n"),
            None,
        )
        .unwrap();
        let p = &r.pages[0].products;
        assert_eq!(p[0].price.as_deref(), Some("289.000\u{a0}₫"));
        assert_eq!(p[0].discount_percent, Some(17));
        assert!(p[1].price.as_deref().is_some_and(|x| x.contains("100")));
        assert_eq!(p[1].compare_at, None);
        assert!(r.warnings.iter().any(|w| w.code == "compare-at-not-higher"));
    }

    #[test]
    fn sponsored_without_a_disclosure_is_a_warning() {
        let r = resolve(&links(
            "[disclosure]\ntext = \"\"\n[[links]]\ntitle = \"S\"\nurl = \"https://a.example/\"\nsponsored = true\n",
        ));
        assert!(r.warnings.iter().any(|w| w.code == "missing-disclosure"));
        let r = resolve(&links(
            "[[links]]\ntitle = \"S\"\nurl = \"https://a.example/\"\nsponsored = true\n",
        ));
        assert!(!r.warnings.iter().any(|w| w.code == "missing-disclosure"));
    }
}
