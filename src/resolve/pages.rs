//! The pages: the main page and one per channel, each with every item
//! tagged for its channel, the short links of the main page, and the
//! JSON-LD.

use super::assets::{image_out, Assets};
use super::items::Prepared;
use super::settings::{Basics, Wording};
use super::tagging::Ctx;
use super::*;
use crate::diag::did_you_mean;
use crate::images;
use crate::model::*;
use crate::tracking::{Dest, Vars};

/// Every page of the creator, and the short links (of the main page).
pub(super) fn build(
    site: &Site,
    basics: &Basics,
    wording: &Wording,
    prepared: &[Prepared],
    assets: &Assets,
    socials: &[(&Social, Option<Dest>)],
    ctx: &mut Ctx,
) -> (Vec<Page>, Vec<Redirect>) {
    let every_item = basics.every_item;
    let handle = &site.handle.value;
    let base_url = &basics.base_url;
    let lang = basics.lang;
    let default_channel = &basics.default_channel;
    let channels = &basics.channels;
    let root = crate::text::root_path(base_url);
    let strings = &wording.strings;
    let disclosure = &wording.disclosure;
    let description = &wording.description;
    let analytics = &wording.analytics;
    let avatar = &assets.avatar;
    let og_out = &assets.og_out;
    let mut pages = Vec::new();
    let mut redirects = Vec::new();
    // every network-tagged URL of every item (shown or not), for the check
    // that reports can tell the links apart
    let mut network_tagged: Vec<(usize, usize, String)> = Vec::new();
    for (ci, channel) in std::iter::once(default_channel)
        .chain(channels.iter())
        .enumerate()
    {
        let path = if ci == 0 {
            String::new()
        } else {
            format!("{channel}/")
        };
        let page_url = format!("{base_url}{path}");
        // `every_item` (the report) needs only the links and products
        let bio_html = match &site.bio {
            _ if every_item => String::new(),
            None => String::new(),
            Some(b) => {
                let vars = Vars {
                    handle,
                    id: "bio",
                    channel,
                    kind: "bio",
                    group: "",
                    campaign: "",
                };
                ctx.tagged_markdown(
                    &b.value,
                    &vars,
                    &site.bio_links,
                    b.loc.as_ref(),
                    "bio",
                    ci == 0,
                )
            }
        };
        let socials_out: Vec<SocialOut> = socials
            .iter()
            .filter(|_| !every_item)
            .filter_map(|(so, dest)| {
                let dest = dest.as_ref()?;
                let platform = so.platform.value.trim().to_lowercase();
                let icon = crate::icons::lookup(&platform);
                if icon.is_none() {
                    let known = crate::icons::ICONS
                        .iter()
                        .map(|i| i.slug)
                        .chain(crate::icons::ALIASES.iter().map(|(a, _)| *a));
                    let help = match did_you_mean(&platform, known) {
                        Some(s) => format!("did you mean \"{s}\"? Otherwise it gets the generic website icon and the name as written (set `label` to choose the name)"),
                        None => "it gets the generic website icon and the name as written; `biopage` knows TikTok, YouTube, Instagram, Facebook, Zalo, Shopee, Xiaohongshu, Douyin and more (see docs/profile.md)".into(),
                    };
                    ctx.warn(
                        "unknown-platform",
                        so.platform.loc.clone(),
                        format!("unknown platform \"{}\"", so.platform.value),
                        help,
                    );
                }
                let vars = Vars {
                    handle,
                    id: &platform,
                    channel,
                    kind: "social",
                    group: "",
                    campaign: "",
                };
                Some(SocialOut {
                    label: so.label.clone().unwrap_or_else(|| {
                        icon.map(|i| i.title.to_string())
                            .unwrap_or_else(|| so.platform.value.clone())
                    }),
                    href: ctx.tag_at(dest, None, None, &vars, so.url.loc.clone()),
                    dest: dest.as_str().to_string(),
                    icon: Some(
                        crate::icons::for_social(&platform, dest.as_str())
                            .path
                            .to_string(),
                    ),
                    platform,
                })
            })
            .collect();

        let mut featured = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut products = Vec::new();
        let mut has_sponsored = false;
        let mut partnerships: Vec<String> = Vec::new();
        for (pi, p) in prepared.iter().enumerate() {
            let item = p.item;
            let group = item
                .group
                .as_ref()
                .map(|g| g.value.trim().to_string())
                .filter(|g| !g.is_empty());
            let vars = Vars {
                handle,
                id: &p.id,
                channel,
                kind: item.kind.as_str(),
                group: group.as_deref().unwrap_or(""),
                campaign: item.campaign.as_ref().map_or("", |c| c.id.as_str()),
            };
            // the report needs tagged URLs only of links through a network
            // (what networks echo back); clicks name the link by its id
            let href = if every_item && p.network.is_none() {
                String::new()
            } else {
                ctx.tag(&p.dest, Some(item), p.network, &vars)
            };
            if p.network.is_some() {
                network_tagged.push((pi, ci, href.clone()));
            }
            if !p.visible {
                continue;
            }
            // Short links exist for what is on the page: a disabled or
            // scheduled item must not be reachable early through /go/.
            // Nor may a gated item be: a short link would skip the gate.
            let gated = site.sensitive || item.sensitive;
            if ci == 0 && matches!(p.dest, Dest::Web(_)) && !gated {
                redirects.push(Redirect {
                    id: p.id.clone(),
                    title: item.title.value.clone(),
                    path: format!("go/{}/", p.id),
                    target: href.clone(),
                    sponsored: p.sponsored,
                    product: item.kind == ItemKind::Product,
                });
            }
            has_sponsored |= p.sponsored;
            if let Some(c) = item.campaign.as_ref().filter(|c| c.sponsored) {
                let text = c
                    .disclosure
                    .clone()
                    .unwrap_or_else(|| strings.partnership.replace("{brand}", &c.brand));
                if !text.trim().is_empty() && !partnerships.contains(&text) {
                    partnerships.push(text);
                }
            }
            let rel = if p.sponsored {
                "sponsored noopener"
            } else {
                "noopener"
            }
            .to_string();
            let go = if matches!(p.dest, Dest::Web(_)) && !gated {
                format!("{base_url}go/{}/", p.id)
            } else {
                String::new()
            };
            let out = ItemOut {
                id: p.id.clone(),
                title: item.title.value.clone(),
                dest: p.dest.as_str().to_string(),
                href,
                go,
                rel,
                sponsored: p.sponsored,
                featured: item.featured,
                network: p.network.map(|n| n.name.clone()),
                sensitive: item.sensitive && !site.sensitive,
                campaign: item.campaign.as_ref().map(|c| c.id.clone()),
            };
            match item.kind {
                ItemKind::Link => {
                    if item.featured {
                        featured.push(out);
                    } else {
                        match groups.iter_mut().find(|g| g.title == group) {
                            Some(g) => g.links.push(out),
                            None => groups.push(Group {
                                title: group,
                                links: vec![out],
                            }),
                        }
                    }
                }
                ItemKind::Product => {
                    let review = p.review.as_ref().filter(|_| !every_item).map(|r| {
                        let rid = format!("{}-review", p.id);
                        let vars = Vars {
                            handle,
                            id: &rid,
                            channel,
                            kind: "review",
                            group: "",
                            campaign: "",
                        };
                        let at = item.review.as_ref().and_then(|r| r.loc.clone());
                        ctx.tag_at(r, None, None, &vars, at)
                    });
                    let description = item.description.as_ref().filter(|_| !every_item);
                    let description_html = description.map(|d| {
                        let vars = Vars {
                            handle,
                            id: &p.id,
                            channel,
                            kind: "description",
                            group: "",
                            campaign: "",
                        };
                        ctx.tagged_markdown(
                            &d.value,
                            &vars,
                            &item.description_links,
                            d.loc.as_ref(),
                            "description",
                            ci == 0,
                        )
                    });
                    let (price, compare_at, discount_percent) = match p.price {
                        _ if every_item => (None, None, None),
                        None => (None, None, None),
                        Some((cur, minor, compare)) => (
                            Some(cur.format(minor, lang)),
                            compare.map(|c| cur.format(c, lang)),
                            compare
                                .map(|c| (((c - minor) as f64 / c as f64) * 100.0).round() as u32)
                                .filter(|d| *d > 0),
                        ),
                    };
                    let alt = item
                        .image_alt
                        .as_ref()
                        .map(|a| a.value.clone())
                        .unwrap_or_else(|| item.title.value.clone());
                    let out = ProductOut {
                        item: out,
                        image: item
                            .image
                            .as_ref()
                            .filter(|_| !every_item)
                            .map(|i| image_out(i, images::Kind::Product, &alt, &root)),
                        price,
                        compare_at,
                        discount_percent,
                        coupon: item
                            .coupon
                            .as_ref()
                            .map(|c| c.value.trim().to_string())
                            .filter(|c| !c.is_empty()),
                        review,
                        review_dest: p.review.as_ref().map(|r| r.as_str().to_string()),
                        description_html,
                        tags: item.tags.clone(),
                    };
                    products.push(out);
                }
            }
        }
        // featured products first, otherwise file order
        products.sort_by_key(|p| !p.item.featured);
        let og_image = Some(format!("{base_url}{og_out}"));
        let adult = site.sensitive
            || featured.iter().any(|l| l.sensitive)
            || groups.iter().flat_map(|g| &g.links).any(|l| l.sensitive)
            || products.iter().any(|p| p.item.sensitive);
        let script = crate::analytics::page_script(
            analytics.as_ref(),
            products.iter().any(|p| p.coupon.is_some()),
        );
        let script_hash = script.as_deref().map(crate::analytics::csp_hash);
        let mut page = Page {
            minify_html: basics.minify_html,
            path: path.clone(),
            url: page_url.clone(),
            canonical: base_url.clone(),
            noindex: ci != 0,
            channel: channel.clone(),
            lang: lang.html_lang(),
            og_locale: lang.og_locale(),
            name: site.name.value.clone(),
            handle: handle.clone(),
            bio_html,
            description: description.clone(),
            avatar: avatar.clone(),
            socials: socials_out,
            featured,
            groups,
            products,
            has_sponsored: has_sponsored || !partnerships.is_empty(),
            disclosure: disclosure.clone(),
            partnerships,
            t: strings.clone(),
            jsonld: String::new(),
            og_image,
            analytics: analytics.clone(),
            base_url: base_url.clone(),
            style_css: wording.style_css.clone(),
            sensitive: site.sensitive,
            adult,
            script,
            script_hash,
        };
        if !every_item {
            page.jsonld = jsonld::jsonld(&page, site, prepared);
        }
        pages.push(page);
    }
    let page_channels: Vec<&str> = std::iter::once(default_channel.as_str())
        .chain(channels.iter().map(String::as_str))
        .collect();
    let keyed: Vec<crate::report::keys::Tagged> = network_tagged
        .iter()
        .filter(|_| !every_item)
        .filter_map(|(pi, ci, href)| {
            let p = &prepared[*pi];
            Some(crate::report::keys::Tagged {
                id: &p.id,
                loc: p
                    .item
                    .id
                    .as_ref()
                    .and_then(|i| i.loc.clone())
                    .or_else(|| p.item.loc.clone()),
                network: p.network?,
                channel: page_channels.get(*ci).copied().unwrap_or_default(),
                href,
            })
        })
        .collect();
    for w in crate::report::keys::ambiguities(&keyed) {
        ctx.warnings.push(w);
    }

    (pages, redirects)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn channel_pages_tag_for_their_channel_and_short_links_are_the_main_pages() {
        let r = resolve(&format!("{BASE}[tracking]\nchannels = [\"tiktok\"]\n[[links]]\nid = \"s\"\ntitle = \"S\"\nurl = \"https://a.example/\"\n"));
        assert_eq!(r.pages.len(), 2);
        let main = &r.pages[0].groups[0].links[0];
        let tiktok = &r.pages[1].groups[0].links[0];
        assert!(main.href.contains("utm_source=bio"));
        assert!(tiktok.href.contains("utm_source=tiktok"));
        assert!(r.pages[1].noindex && !r.pages[0].noindex);
        assert_eq!(r.pages[1].canonical, "https://linh.example/");
        assert_eq!(r.redirects.len(), 1);
        assert_eq!(r.redirects[0].path, "go/s/");
        assert_eq!(r.redirects[0].target, main.href);
    }

    #[test]
    fn gated_items_get_no_short_link() {
        let r = resolve(&format!("{BASE}[[links]]\nid = \"g\"\ntitle = \"G\"\nurl = \"https://a.example/\"\nsensitive = true\n"));
        assert!(r.redirects.is_empty());
        assert!(r.pages[0].adult);
        assert_eq!(r.pages[0].groups[0].links[0].go, "");
    }

    #[test]
    fn featured_links_come_first_and_groups_keep_file_order() {
        let r = resolve(&format!("{BASE}[[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\ngroup = \"G1\"\n[[links]]\ntitle = \"B\"\nurl = \"https://b.example/\"\nfeatured = true\n[[links]]\ntitle = \"C\"\nurl = \"https://c.example/\"\ngroup = \"G2\"\n"));
        let page = &r.pages[0];
        assert_eq!(page.featured[0].title, "B");
        let groups: Vec<Option<&str>> = page.groups.iter().map(|g| g.title.as_deref()).collect();
        assert_eq!(groups, [Some("G1"), Some("G2")]);
    }
}
