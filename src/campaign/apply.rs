//! One creator's share of the campaigns: the items a targeted creator's
//! page carries while a campaign's window is open, with `{code}`,
//! `{campaign}` and `{url}` filled in. Pure: a function of the creator's
//! loaded site and the campaigns; the resolver then tags the items with the
//! creator's tracking and networks exactly like the creator's own.
//!
//! Outside its window a campaign adds nothing (no item, no short link, no
//! warning): the page is as if it did not exist. Its window's bounds are
//! still recorded on the site, so that an incremental build rebuilds the
//! page the moment the campaign starts or ends.

use super::{Campaign, Disclosure, Placement};
use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::Lang;
use crate::model::{At, CampaignMark, Item, ItemKind, Site, UtmOverride};
use std::sync::Arc;

/// Who the creator is, and when.
pub struct For<'a> {
    /// The creator's handle (their folder's name).
    pub handle: &'a str,
    pub tier: Option<&'a str>,
    /// The page's language (for a campaign's disclosure per language).
    pub lang: Lang,
    /// "Now", as the build sees it (`--date`).
    pub now: i64,
    /// Every item whatever its window (the report attributes sales that
    /// arrive after a campaign ended).
    pub every_item: bool,
}

/// Adds the campaigns' items to `site`; returns the errors (a targeted
/// creator without the code the items need) and warnings (an item the
/// creator's own replaces).
pub fn apply(site: &mut Site, campaigns: &[Campaign], who: &For<'_>) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let own: Vec<(String, Option<crate::diag::Loc>)> = site
        .links
        .iter()
        .chain(&site.products)
        .map(|i| match &i.id {
            Some(id) => (id.value.to_ascii_lowercase(), id.loc.clone()),
            None => (crate::text::id_from_title(&i.title.value).0, i.loc.clone()),
        })
        .collect();
    let mut links = Vec::new();
    let mut products = Vec::new();
    let mut taken: Vec<(String, String)> = Vec::new();
    for c in campaigns {
        if !super::target::targets(c, who.handle, who.tier) {
            continue;
        }
        // Errors hold whatever the window: a page built for a later
        // `--date` must not find a creator without a code.
        let row = c.code_of(who.handle);
        if let (Some(at), None) = (&c.code_use, row) {
            diags.push(super::missing_code(c, who.handle, at.clone()));
            continue;
        }
        let url = row.and_then(|r| r.url.clone());
        if let (Some(at), None) = (&c.url_use, &url) {
            let codes_file = c.codes_file();
            diags.push(
                Diagnostic::error(format!(
                    "the campaign \"{}\" writes {{url}}, but {codes_file} gives \"{}\" no url",
                    c.id, who.handle
                ))
                .at(at.clone())
                .help(format!(
                    "add their exclusive link in the `url` column of {codes_file}"
                )),
            );
            continue;
        }
        site.bounds.extend(
            [c.starts.as_ref(), c.ends.as_ref()]
                .into_iter()
                .flatten()
                .map(|b| b.value.0),
        );
        let open = c.open_at(who.now);
        if !open && !who.every_item {
            continue;
        }
        let mark = Arc::new(CampaignMark {
            id: c.id.clone(),
            brand: c.brand.value.clone(),
            sponsored: c.sponsored,
            disclosure: disclosure(c, who.lang, &mut diags),
            code: row.map(|r| r.code.value.clone()),
        });
        let mut first_link = true;
        for template in &c.items {
            let mut item = fill(
                template,
                c,
                row.map(|r| r.code.value.as_str()),
                url.as_ref(),
            );
            if c.url_use.is_none() && item.kind == ItemKind::Link && first_link {
                if let Some(u) = &url {
                    item.url = u.clone();
                }
            }
            if item.kind == ItemKind::Link {
                first_link = false;
            }
            let id = item
                .id
                .as_ref()
                .map(|i| i.value.to_ascii_lowercase())
                .unwrap_or_default();
            if let Some((_, loc)) = own.iter().find(|(o, _)| *o == id) {
                if open {
                    diags.push(
                        Diagnostic::warning(
                            "campaign-item-replaced",
                            format!(
                                "\"{id}\" of the campaign \"{}\" is replaced by the creator's own item with that id",
                                c.id
                            ),
                        )
                        .at(loc.clone())
                        .help("the creator's own item wins; give one of them another id to show both"),
                    );
                }
                continue;
            }
            if let Some((_, first)) = taken.iter().find(|(t, _)| *t == id) {
                if open {
                    diags.push(
                        Diagnostic::warning(
                            "campaign-item-replaced",
                            format!(
                                "\"{id}\" of the campaign \"{}\" is left out: the campaign \"{first}\" gives the creator an item with that id",
                                c.id
                            ),
                        )
                        .at(template.id.as_ref().and_then(|i| i.loc.clone()))
                        .help("give the items of campaigns that run at the same time different ids"),
                    );
                }
                continue;
            }
            taken.push((id, c.id.clone()));
            item.campaign = Some(mark.clone());
            match item.kind {
                ItemKind::Link => links.push(item),
                ItemKind::Product => products.push(item),
            }
        }
    }
    // The campaign's items come first: at the top of their group, and
    // before the creator's own featured links.
    links.append(&mut site.links);
    site.links = links;
    products.append(&mut site.products);
    site.products = products;
    diags
}

/// One item of the campaign as one creator's: placeholders filled in, the
/// campaign's window, placement, sponsorship and UTMs applied where the
/// item does not set its own.
fn fill(template: &Item, c: &Campaign, code: Option<&str>, url: Option<&At<String>>) -> Item {
    let mut item = template.clone();
    let sub = |s: &mut At<String>| {
        if s.value.contains('{') {
            let mut v = s.value.replace("{campaign}", &c.id);
            if let Some(code) = code {
                v = v.replace("{code}", code);
            }
            if let Some(u) = url {
                v = v.replace("{url}", &u.value);
            }
            s.value = v;
        }
    };
    sub(&mut item.title);
    sub(&mut item.url);
    for f in [
        &mut item.coupon,
        &mut item.description,
        &mut item.review,
        &mut item.image_alt,
        &mut item.group,
    ]
    .into_iter()
    .flatten()
    {
        sub(f);
    }
    if template.url.value.contains("{url}") {
        // problems with the address are the codes file's
        if let Some(loc) = url.and_then(|u| u.loc.clone()) {
            item.url.loc = Some(loc);
        }
    }
    if matches!(item.utm, UtmOverride::Inherit) {
        item.utm = c.utm.clone();
    }
    if let UtmOverride::Set(pairs) = &mut item.utm {
        for (_, v) in pairs.iter_mut() {
            sub(v);
        }
    }
    item.starts = later(item.starts.take(), c.starts.clone());
    item.ends = earlier(item.ends.take(), c.ends.clone());
    if item.group.is_none() && !item.featured {
        match &c.placement {
            Placement::Featured => item.featured = true,
            Placement::Group(g) => item.group = Some(At::bare(g.clone())),
        }
    }
    if c.sponsored && item.sponsored.is_none() {
        item.sponsored = Some(true);
    }
    item
}

fn later<T: PartialOrd + Copy>(a: Option<At<T>>, b: Option<At<T>>) -> Option<At<T>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.value > a.value { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn earlier<T: PartialOrd + Copy>(a: Option<At<T>>, b: Option<At<T>>) -> Option<At<T>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.value < a.value { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The campaign's own disclosure in `lang`, if it gives one; a campaign
/// with texts per language but none in `lang` is warned about (the page
/// then shows the built-in wording).
pub(super) fn disclosure(c: &Campaign, lang: Lang, diags: &mut Diagnostics) -> Option<String> {
    match &c.disclosure {
        Disclosure::Builtin => None,
        Disclosure::One(t) => Some(t.value.clone()),
        Disclosure::PerLanguage(texts, loc) => {
            let found = texts
                .iter()
                .find(|(l, _)| crate::i18n::Lang::parse(l) == Some(lang))
                .map(|(_, t)| t.value.clone());
            if found.is_none() && c.sponsored {
                diags.push(
                    Diagnostic::warning(
                        "campaign-disclosure",
                        format!(
                            "the campaign \"{}\" has no disclosure in {}, the language of this page",
                            c.id,
                            lang.html_lang()
                        ),
                    )
                    .at(loc.clone())
                    .help(format!(
                        "add `{} = \"…\"` to its [disclosure]; until then the page shows biopage's standard wording",
                        lang.html_lang()
                    )),
                );
            }
            found
        }
    }
}
