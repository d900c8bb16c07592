//! Stage 2, resolve: the raw model becomes the pages to render.
//!
//! Pure: no I/O and no clock (the build's "now" is an input), so every rule
//! here — precedence, schedules, channel variants, tagging — is tested with
//! plain values. Problems are collected, not returned one at a time.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Loc};
use crate::i18n::{self, Currency, Lang};
use crate::images;
use crate::model::*;
use crate::networks::Network;
use crate::tracking::{self, Dest, Vars};
use serde::Serialize;
use std::collections::HashMap;

/// Inputs of a build that do not come from the site's files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// "Now", in Unix seconds, for schedules.
    pub now: i64,
    /// `--base-url`, which beats every file.
    pub base_url: Option<String>,
}

/// The built-in UTM defaults, lowest in precedence.
pub const DEFAULT_UTM: &[(&str, &str)] = &[
    ("utm_source", "{channel}"),
    ("utm_medium", "social"),
    ("utm_campaign", "{handle}"),
    ("utm_content", "{id}"),
];
pub const DEFAULT_CHANNEL: &str = "bio";

/// Output paths no channel may take.
const RESERVED_PATHS: &[&str] = &[
    "go", "assets", "static", "404", "index", "sitemap", "robots",
];

/// Everything render and emit need for one creator.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub lang: Lang,
    pub theme: At<String>,
    pub base_url: String,
    pub handle: String,
    pub name: String,
    pub pages: Vec<Page>,
    /// Short links of the main page's channel: `/go/<id>/` → tagged URL.
    pub redirects: Vec<Redirect>,
    /// Whether each short link also gets a `go/<id>/` page (the default) or
    /// only its `_redirects` line.
    pub go_pages: bool,
    pub images: Vec<ImageCopy>,
    pub warnings: Diagnostics,
}

#[derive(Debug, Clone, Serialize)]
pub struct Redirect {
    pub id: String,
    pub title: String,
    pub path: String,
    pub target: String,
    pub sponsored: bool,
}

/// A file the image pipeline makes (see `images`), and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageCopy {
    /// The source image; `None` for what is drawn from the name alone.
    pub src: Option<ImageInput>,
    pub make: images::Make,
    /// Output path relative to the site root: fingerprinted under `assets/`,
    /// or `favicon.ico` and `apple-touch-icon.png` where browsers look.
    pub out: String,
}

/// An image as templates show it: a `<picture>` with a WebP `srcset` and a
/// JPEG or PNG fallback.
#[derive(Debug, Clone, Serialize)]
pub struct Img {
    /// The 1x fallback file, relative to the site root.
    pub src: String,
    /// Of the 1x file (the CSS size it is made for), for layout without shift.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    /// `srcset` of the fallback files, URLs from the host root ("/assets/…").
    pub srcset: String,
    /// `srcset` of the WebP files.
    pub webp_srcset: String,
    /// The largest fallback file, relative to the site root (for JSON-LD).
    pub large: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SocialOut {
    pub platform: String,
    pub label: String,
    /// The destination as written (for the link manifest).
    pub dest: String,
    pub href: String,
    pub icon: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkOut {
    pub id: String,
    pub title: String,
    /// The destination before tagging, as the URL parser normalised it.
    pub dest: String,
    pub href: String,
    pub go: String,
    pub rel: String,
    pub sponsored: bool,
    pub featured: bool,
    pub network: Option<String>,
    /// Behind its own age confirmation (never on a page that is gated as
    /// a whole).
    pub sensitive: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub title: Option<String>,
    pub links: Vec<LinkOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductOut {
    pub id: String,
    pub title: String,
    pub dest: String,
    pub href: String,
    pub go: String,
    pub rel: String,
    pub sponsored: bool,
    pub featured: bool,
    pub network: Option<String>,
    pub image: Option<Img>,
    pub price: Option<String>,
    pub compare_at: Option<String>,
    pub discount_percent: Option<u32>,
    pub coupon: Option<String>,
    pub review: Option<String>,
    pub review_dest: Option<String>,
    pub description_html: Option<String>,
    pub tags: Vec<String>,
    pub sensitive: bool,
}

/// One HTML page: the main page or a channel entry page.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Output directory relative to the site root: "" or "tiktok/".
    pub path: String,
    pub url: String,
    pub canonical: String,
    pub noindex: bool,
    pub channel: String,
    pub lang: &'static str,
    pub og_locale: &'static str,
    pub name: String,
    pub handle: String,
    pub bio_html: String,
    pub description: String,
    pub avatar: Option<Img>,
    pub socials: Vec<SocialOut>,
    pub featured: Vec<LinkOut>,
    pub groups: Vec<Group>,
    pub products: Vec<ProductOut>,
    pub has_sponsored: bool,
    pub disclosure: String,
    pub t: i18n::Strings,
    pub jsonld: String,
    pub og_image: Option<String>,
    /// `[analytics]`, when the creator opted in.
    pub analytics: Option<crate::analytics::Analytics>,
    pub base_url: String,
    /// `[style]` as CSS custom properties, appended to the theme's
    /// stylesheet (so the page's style hash covers it).
    pub style_css: String,
    /// `sensitive = true`: links and products behind one age confirmation.
    pub sensitive: bool,
    /// Whether anything on the page is for adults (`<meta name=rating>`).
    pub adult: bool,
    /// The page's one inline script (analytics, coupon copier, or both).
    pub script: Option<String>,
    /// `'sha256-…'` of `script`.
    pub script_hash: Option<String>,
}

/// A URL-safe id from a title: "Shop của Linh" → "shop-cua-linh",
/// "我的淘宝店" → "wo-de-tao-bao-dian".
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let mut out: String = out.chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "link".into()
    } else {
        out
    }
}

/// An item checked and prepared once, then tagged per channel.
struct Prepared<'a> {
    item: &'a Item,
    id: String,
    dest: Dest,
    network: Option<&'a Network>,
    sponsored: bool,
    visible: bool,
    review: Option<Dest>,
    price: Option<(Currency, i64, Option<i64>)>,
}

struct Ctx {
    utm_defaults: Vec<(String, At<String>)>,
    warnings: Diagnostics,
    errors: Diagnostics,
    warned: std::collections::HashSet<(String, Option<(usize, usize)>)>,
}

fn loc_key(loc: &Option<Loc>) -> Option<(usize, usize)> {
    loc.as_ref().map(|l| (l.line, l.col))
}

impl Ctx {
    fn error(&mut self, loc: Option<Loc>, message: String, help: String) {
        self.errors
            .push(Diagnostic::error(message).at(loc).help(help));
    }

    /// Warns once per message and place (channel pages repeat the same work).
    fn warn(&mut self, code: &'static str, loc: Option<Loc>, message: String, help: String) {
        if self.warned.insert((message.clone(), loc_key(&loc))) {
            self.warnings
                .push(Diagnostic::warning(code, message).at(loc).help(help));
        }
    }

    /// The UTM pairs of an item, precedence applied, placeholders expanded,
    /// values normalised.
    fn utm_pairs(&mut self, item: Option<&Item>, vars: &Vars<'_>) -> Vec<(&'static str, String)> {
        let overrides: &[(String, At<String>)] = match item.map(|i| &i.utm) {
            Some(UtmOverride::Off) => return Vec::new(),
            Some(UtmOverride::Set(v)) => v,
            _ => &[],
        };
        let mut out = Vec::new();
        for key in tracking::UTM_KEYS {
            let chosen = overrides
                .iter()
                .rev()
                .chain(self.utm_defaults.iter().rev())
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone());
            let Some(template) = chosen else { continue };
            let (expanded, unknown) = tracking::expand(&template.value, vars);
            for u in unknown {
                let help = match did_you_mean(u, tracking::PLACEHOLDERS.iter().copied()) {
                    Some(s) => format!("did you mean {{{s}}}? It is left as written"),
                    None => format!(
                        "the placeholders are {}; it is left as written",
                        tracking::PLACEHOLDERS
                            .iter()
                            .map(|p| format!("{{{p}}}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                };
                self.warn(
                    "unknown-placeholder",
                    template.loc.clone(),
                    format!("unknown placeholder {{{u}}} in {key}"),
                    help,
                );
            }
            let value = tracking::normalize(&expanded);
            if !value.is_empty() {
                out.push((*key, value));
            }
        }
        out
    }

    /// Tags one destination: UTMs (unless the network forbids), then the network.
    fn tag(
        &mut self,
        dest: &Dest,
        item: Option<&Item>,
        network: Option<&Network>,
        vars: &Vars<'_>,
    ) -> String {
        let Dest::Web(url) = dest else {
            return dest.as_str().to_string();
        };
        let pairs = self.utm_pairs(item, vars);
        match network {
            None => tracking::append_params(url, &pairs).to_string(),
            Some(n) => {
                let tagged =
                    if n.utm && !matches!(n.rule, crate::networks::Rule::AccessTrade { .. }) {
                        tracking::append_params(url, &pairs)
                    } else {
                        url.clone()
                    };
                let (out, warning) = n.apply(&tagged, &pairs, vars);
                if let Some(w) = warning {
                    let loc = item.map(|i| i.url.loc.clone()).unwrap_or_default();
                    self.warn(
                        "affiliate-tag-replaced",
                        loc,
                        w,
                        "remove the other tag from the URL to silence this".into(),
                    );
                }
                out
            }
        }
    }

    fn classify(&mut self, url: &At<String>, what: &str) -> Option<Dest> {
        match tracking::classify(&url.value) {
            Ok(d) => Some(d),
            Err(p) => {
                self.error(url.loc.clone(), format!("{what}: {}", p.message), p.help);
                None
            }
        }
    }
}

fn layer<'a, T>(profile: &'a Option<T>, agency: Option<&'a Option<T>>) -> Option<&'a T> {
    profile.as_ref().or_else(|| agency.and_then(|a| a.as_ref()))
}

/// Resolves one creator. `agency` holds the agency's defaults, if any.
pub fn resolve(
    site: &Site,
    agency: Option<&Settings>,
    opts: &Options,
) -> Result<Resolved, Diagnostics> {
    resolve_with(site, agency, opts, false)
}

/// [`resolve`], with every link and product on the pages, whatever its
/// schedule or `enabled`: `biopage report` attributes conversions that
/// arrive weeks after a link was taken down, so it needs the identifiers of
/// every link the page ever carried. And only those: the pages it returns
/// have no bio, socials, reviews, descriptions or JSON-LD (an agency's
/// report resolves ten thousand creators and renders none).
pub fn resolve_every_item(
    site: &Site,
    agency: Option<&Settings>,
    opts: &Options,
) -> Result<Resolved, Diagnostics> {
    resolve_with(site, agency, opts, true)
}

fn resolve_with(
    site: &Site,
    agency: Option<&Settings>,
    opts: &Options,
    every_item: bool,
) -> Result<Resolved, Diagnostics> {
    let s = &site.settings;
    let handle = site.handle.value.clone();
    let mut ctx = Ctx {
        utm_defaults: DEFAULT_UTM
            .iter()
            .map(|(k, v)| (k.to_string(), At::bare(v.to_string())))
            .collect(),
        warnings: Diagnostics::default(),
        errors: Diagnostics::default(),
        warned: Default::default(),
    };
    if let Some(a) = agency {
        ctx.utm_defaults.extend(a.tracking.utm.iter().cloned());
    }
    ctx.utm_defaults.extend(s.tracking.utm.iter().cloned());

    // base_url: --base-url > profile > agency (which may hold {handle})
    let base_raw = match (
        &opts.base_url,
        layer(&s.base_url, agency.map(|a| &a.base_url)),
    ) {
        (Some(cli), _) => Some(At::bare(cli.clone())),
        (None, Some(b)) => Some(b.clone()),
        (None, None) => None,
    };
    let base_url = match base_raw {
        None => {
            ctx.error(
                Some(Loc::file_only(&site.dir.join("profile.toml"))),
                "no base_url: biopage needs the address the page is published at".into(),
                "add `base_url = \"https://your.domain/\"` to profile.toml, or pass --base-url"
                    .into(),
            );
            String::new()
        }
        Some(b) => {
            let expanded = b.value.replace("{handle}", &handle);
            match tracking::classify(&expanded) {
                Ok(Dest::Web(mut u)) => {
                    u.set_query(None);
                    u.set_fragment(None);
                    if !u.path().ends_with('/') {
                        let p = format!("{}/", u.path());
                        u.set_path(&p);
                    }
                    u.to_string()
                }
                Ok(Dest::Contact(_)) | Err(_) => {
                    ctx.error(
                        b.loc.clone(),
                        format!("base_url \"{}\" is not an http(s) address", b.value),
                        "write it like base_url = \"https://linh.example/\"".into(),
                    );
                    String::new()
                }
            }
        }
    };

    let lang = match layer(&s.language, agency.map(|a| &a.language)) {
        None => Lang::En,
        Some(l) => match Lang::parse(&l.value) {
            Some(lang) => lang,
            None => {
                let help = match did_you_mean(&l.value, i18n::SUPPORTED_LANGUAGES.iter().copied()) {
                    Some(s) => format!(
                        "did you mean \"{s}\"? Supported: {}",
                        i18n::SUPPORTED_LANGUAGES.join(", ")
                    ),
                    None => format!(
                        "supported languages: {}",
                        i18n::SUPPORTED_LANGUAGES.join(", ")
                    ),
                };
                ctx.error(
                    l.loc.clone(),
                    format!("unknown language \"{}\"", l.value),
                    help,
                );
                Lang::En
            }
        },
    };
    let theme = layer(&s.theme, agency.map(|a| &a.theme))
        .cloned()
        .unwrap_or_else(|| At::bare("default".into()));

    // networks: the agency's, then the profile's (same name: profile wins)
    let mut inputs: Vec<&NetworkInput> = agency
        .map(|a| a.networks.iter().collect())
        .unwrap_or_default();
    for n in &s.networks {
        inputs.retain(|i| i.name.value != n.name.value);
        inputs.push(n);
    }
    let mut networks = Vec::new();
    for input in &inputs {
        for w in crate::networks::lint(input) {
            ctx.warnings.push(w);
        }
        match Network::from_input(input) {
            Ok(n) => networks.push(n),
            Err(d) => ctx.errors.push(d),
        }
    }

    // channels
    let default_channel = layer(
        &s.tracking.default_channel,
        agency.map(|a| &a.tracking.default_channel),
    )
    .map(|c| c.value.clone())
    .unwrap_or_else(|| DEFAULT_CHANNEL.into());
    let mut channels = Vec::new();
    if let Some(list) = layer(&s.tracking.channels, agency.map(|a| &a.tracking.channels)) {
        for c in list {
            let ok = !c.value.is_empty()
                && c.value.len() <= 40
                && c.value.chars().all(|ch| {
                    ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_'
                });
            if !ok {
                ctx.error(
                    c.loc.clone(),
                    format!(
                        "the channel \"{}\" may only use a-z, 0-9, '-' and '_'",
                        c.value
                    ),
                    format!(
                        "channels name folders of the site: try \"{}\"",
                        slugify(&c.value)
                    ),
                );
            } else if RESERVED_PATHS.contains(&c.value.as_str()) {
                ctx.error(
                    c.loc.clone(),
                    format!(
                        "\"{}\" cannot be a channel: the site uses /{}/ itself",
                        c.value, c.value
                    ),
                    "pick another name".into(),
                );
            } else if channels.contains(&c.value) || c.value == default_channel {
                ctx.error(
                    c.loc.clone(),
                    format!(
                        "the channel \"{}\" is listed twice (or is the default channel)",
                        c.value
                    ),
                    "list each channel once".into(),
                );
            } else {
                channels.push(c.value.clone());
            }
        }
    }

    let page_channels: Vec<&str> = std::iter::once(default_channel.as_str())
        .chain(channels.iter().map(String::as_str))
        .collect();
    for input in &inputs {
        if let Some(d) = crate::networks::missing_channel_tag(input, &page_channels) {
            ctx.errors.push(d);
        }
    }

    // items: ids, destinations, networks, prices
    let mut used_ids: HashMap<String, Option<Loc>> = HashMap::new();
    let all: Vec<&Item> = site.links.iter().chain(site.products.iter()).collect();
    // explicit ids first, so generated ones never take an explicit id
    for item in &all {
        if let Some(id) = &item.id {
            if let Some(first) = used_ids.get(&id.value) {
                let at = first
                    .as_ref()
                    .map(|l| format!(" (first used at {}:{}:{})", l.file.display(), l.line, l.col))
                    .unwrap_or_default();
                ctx.error(
                    id.loc.clone(),
                    format!("duplicate id \"{}\"{at}", id.value),
                    "ids are unique across links and products; rename one of them".into(),
                );
            } else {
                used_ids.insert(id.value.clone(), id.loc.clone());
            }
        }
    }
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut seen_dest: HashMap<String, (String, Option<Loc>)> = HashMap::new();
    for item in all {
        let id = match &item.id {
            Some(id) => id.value.clone(),
            None => {
                let base = slugify(&item.title.value);
                let mut candidate = base.clone();
                let mut n = 2;
                while used_ids.contains_key(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                used_ids.insert(candidate.clone(), item.loc.clone());
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
                    let help = match did_you_mean(&c.value, codes.iter().copied()) {
                        Some(s) => format!("did you mean \"{s}\"? Supported: {}", codes.join(", ")),
                        None => format!("use an ISO 4217 code; supported: {}", codes.join(", ")),
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

    let socials: Vec<(&Social, Option<Dest>)> = site
        .socials
        .iter()
        .map(|so| (so, ctx.classify(&so.url, "social url")))
        .collect();

    let root = crate::render::root_path(&base_url);
    let avatar = site
        .avatar
        .as_ref()
        .map(|a| image_out(a, images::Kind::Avatar, &site.name.value, &root));
    let mut images: Vec<ImageCopy> = Vec::new();
    let mut add = |src: Option<&ImageInput>, make: images::Make, out: String| {
        if !images.iter().any(|c| c.out == out) {
            images.push(ImageCopy {
                src: src.cloned(),
                make,
                out,
            });
        }
    };
    let mut add_image = |i: &ImageInput, kind: images::Kind| {
        for side in images::sides(kind.css_width(), i.width.min(i.height)) {
            for format in [images::Format::WebP, images::fallback(i)] {
                add(
                    Some(i),
                    images::Make::Square { side, format },
                    images::square_name(i, side, format),
                );
            }
        }
    };
    if let Some(a) = &site.avatar {
        add_image(a, images::Kind::Avatar);
    }
    for p in prepared.iter().filter(|p| p.visible) {
        if let Some(i) = &p.item.image {
            add_image(i, images::Kind::Product);
        }
    }
    // Icons and the sharing card, from the avatar (or the initial) and name.
    let og_out = images::og_name(site.avatar.as_ref(), &site.name.value, &handle);
    if let Some(a) = &site.avatar {
        add(Some(a), images::Make::Favicon, "favicon.ico".into());
    }
    add(
        site.avatar.as_ref(),
        images::Make::TouchIcon {
            letter: images::initial(&site.name.value, &handle),
        },
        "apple-touch-icon.png".into(),
    );
    add(
        site.avatar.as_ref(),
        images::Make::OgCard {
            name: site.name.value.clone(),
            handle: handle.clone(),
        },
        og_out.clone(),
    );

    // UI strings: built-in < agency [strings] < profile [strings]
    let mut strings = i18n::strings(lang);
    for (key, value) in agency
        .map(|a| a.strings.as_slice())
        .unwrap_or_default()
        .iter()
        .chain(s.strings.iter())
    {
        strings.set(key, &value.value);
    }
    // The profile's own wording beats the agency's, whichever table holds it.
    let profile_disclosure_string = s.strings.iter().any(|(k, _)| k == "disclosure");
    let disclosure = match (&s.disclosure, profile_disclosure_string) {
        (Some(d), _) => d.value.clone(),
        (None, true) => strings.disclosure.clone(),
        (None, false) => agency
            .and_then(|a| a.disclosure.as_ref())
            .map(|d| d.value.clone())
            .unwrap_or_else(|| strings.disclosure.clone()),
    };
    let (style, style_diags) = crate::style::resolve(&s.style, agency.map(|a| &a.style));
    for d in style_diags.0 {
        if d.severity == crate::diag::Severity::Error {
            ctx.errors.push(d);
        } else {
            ctx.warnings.push(d);
        }
    }
    let description = site
        .bio
        .as_ref()
        .map(|b| crate::markdown::plain_text(&b.value))
        .unwrap_or_default();
    let description = truncate_chars(&description, 160);

    if let Some(a) = agency {
        check_utm_values(&mut ctx, &a.tracking.utm);
    }
    check_utm_values(&mut ctx, &s.tracking.utm);
    for item in site.links.iter().chain(site.products.iter()) {
        if let UtmOverride::Set(v) = &item.utm {
            check_utm_values(&mut ctx, v);
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
    let analytics = match layer(&s.analytics, agency.map(|a| &a.analytics)) {
        None => None,
        Some(input) => match crate::analytics::resolve(input, &base_url) {
            Ok(a) => Some(a),
            Err(d) => {
                ctx.errors.push(d);
                None
            }
        },
    };
    let mut pages = Vec::new();
    let mut redirects = Vec::new();
    // every network-tagged URL of every item (shown or not), for the check
    // that reports can tell the links apart
    let mut network_tagged: Vec<(usize, usize, String)> = Vec::new();
    for (ci, channel) in std::iter::once(&default_channel)
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
                let result = crate::markdown::render(&b.value, |u| match tracking::classify(u) {
                    Ok(d) => {
                        let vars = Vars {
                            handle: &handle,
                            id: "bio",
                            channel,
                            kind: "bio",
                            group: "",
                        };
                        Ok(ctx.tag(&d, None, None, &vars))
                    }
                    Err(p) => Err(crate::markdown::BadLink {
                        url: u.to_string(),
                        message: p.message,
                        help: p.help,
                    }),
                });
                match result {
                    Ok(h) => h,
                    Err(bad) => {
                        if ci == 0 {
                            for p in bad {
                                ctx.error(
                                    b.loc.clone(),
                                    format!("a link in the bio: {}", p.message),
                                    p.help,
                                );
                            }
                        }
                        String::new()
                    }
                }
            }
        };
        let socials_out: Vec<SocialOut> = socials
            .iter()
            .filter(|_| !every_item)
            .filter_map(|(so, dest)| {
                let dest = dest.as_ref()?;
                let platform = so.platform.value.trim().to_lowercase();
                let icon = crate::icons::lookup(&platform);
                let vars = Vars {
                    handle: &handle,
                    id: &platform,
                    channel,
                    kind: "social",
                    group: "",
                };
                Some(SocialOut {
                    label: so.label.clone().unwrap_or_else(|| {
                        icon.map(|i| i.title.to_string())
                            .unwrap_or_else(|| so.platform.value.clone())
                    }),
                    href: ctx.tag(dest, None, None, &vars),
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
        for (pi, p) in prepared.iter().enumerate() {
            let item = p.item;
            let group = item
                .group
                .as_ref()
                .map(|g| g.value.trim().to_string())
                .filter(|g| !g.is_empty());
            let vars = Vars {
                handle: &handle,
                id: &p.id,
                channel,
                kind: item.kind.as_str(),
                group: group.as_deref().unwrap_or(""),
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
                });
            }
            has_sponsored |= p.sponsored;
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
            match item.kind {
                ItemKind::Link => {
                    let out = LinkOut {
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
                    };
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
                            handle: &handle,
                            id: &rid,
                            channel,
                            kind: "review",
                            group: "",
                        };
                        ctx.tag(r, None, None, &vars)
                    });
                    let description = item.description.as_ref().filter(|_| !every_item);
                    let description_html = description.map(|d| {
                        match crate::markdown::render(&d.value, |u| match tracking::classify(u) {
                            Ok(dd) => Ok(ctx.tag(
                                &dd,
                                None,
                                None,
                                &Vars {
                                    handle: &handle,
                                    id: &p.id,
                                    channel,
                                    kind: "description",
                                    group: "",
                                },
                            )),
                            Err(pr) => Err(crate::markdown::BadLink {
                                url: u.to_string(),
                                message: pr.message,
                                help: pr.help,
                            }),
                        }) {
                            Ok(h) => h,
                            Err(bad) => {
                                if ci == 0 {
                                    for b in bad {
                                        ctx.error(
                                            d.loc.clone(),
                                            format!("a link in the description: {}", b.message),
                                            b.help,
                                        );
                                    }
                                }
                                String::new()
                            }
                        }
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
                        id: p.id.clone(),
                        title: item.title.value.clone(),
                        dest: p.dest.as_str().to_string(),
                        href,
                        go,
                        rel,
                        sponsored: p.sponsored,
                        featured: item.featured,
                        network: p.network.map(|n| n.name.clone()),
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
                        sensitive: item.sensitive && !site.sensitive,
                    };
                    products.push(out);
                }
            }
        }
        // featured products first, otherwise file order
        products.sort_by_key(|p| !p.featured);
        let og_image = Some(format!("{base_url}{og_out}"));
        let adult = site.sensitive
            || featured.iter().any(|l| l.sensitive)
            || groups.iter().flat_map(|g| &g.links).any(|l| l.sensitive)
            || products.iter().any(|p| p.sensitive);
        let script = crate::analytics::page_script(
            analytics.as_ref(),
            products.iter().any(|p| p.coupon.is_some()),
        );
        let script_hash = script.as_deref().map(crate::analytics::csp_hash);
        let mut page = Page {
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
            has_sponsored,
            disclosure: disclosure.clone(),
            t: strings.clone(),
            jsonld: String::new(),
            og_image,
            analytics: analytics.clone(),
            base_url: base_url.clone(),
            style_css: style.css.clone(),
            sensitive: site.sensitive,
            adult,
            script,
            script_hash,
        };
        if !every_item {
            page.jsonld = jsonld(&page, site, &prepared);
        }
        pages.push(page);
    }

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

    if ctx.errors.has_errors() {
        let mut all = ctx.errors;
        all.extend(ctx.warnings);
        return Err(all);
    }
    Ok(Resolved {
        lang,
        theme,
        base_url,
        handle,
        name: site.name.value.clone(),
        pages,
        redirects,
        go_pages: layer(&s.go_pages, agency.map(|a| &a.go_pages)).is_none_or(|g| g.value),
        images,
        warnings: ctx.warnings,
    })
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

/// Warns about UTM values the normaliser will change, so the value in the
/// file matches what the reports show.
fn check_utm_values(ctx: &mut Ctx, values: &[(String, At<String>)]) {
    for (key, v) in values {
        // placeholders expand to "" here: only the written text is judged
        let (written, _) = tracking::expand(&v.value, &Vars::default());
        let normal = tracking::normalize(&written);
        if written != normal && !written.trim().is_empty() {
            ctx.warn(
                "utm-normalized",
                v.loc.clone(),
                format!(
                    "{key} \"{}\" is written as \"{}\" in links",
                    v.value,
                    tracking::normalize(&v.value)
                ),
                format!(
                    "write {key} = \"{}\" to match your reports",
                    tracking::normalize(&v.value)
                ),
            );
        }
    }
}

pub(crate) fn default_currency(lang: Lang) -> Currency {
    let code = match lang {
        Lang::Vi => "VND",
        Lang::ZhHans => "CNY",
        Lang::ZhHant => "TWD",
        Lang::En => "USD",
    };
    Currency::lookup(code).expect("default currencies are in the table")
}

/// What a template needs to show an image: the names [`images`] will make,
/// as `srcset`s with their widths, from the site root `root`.
fn image_out(i: &ImageInput, kind: images::Kind, alt: &str, root: &str) -> Img {
    let sides = images::sides(kind.css_width(), i.width.min(i.height));
    let fallback = images::fallback(i);
    let srcset = |format| {
        sides
            .iter()
            .map(|s| format!("{root}{} {s}w", images::square_name(i, *s, format)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Img {
        src: images::square_name(i, sides[0], fallback),
        width: sides[0],
        height: sides[0],
        alt: alt.to_string(),
        srcset: srcset(fallback),
        webp_srcset: srcset(images::Format::WebP),
        large: images::square_name(i, sides[sides.len() - 1], fallback),
    }
}

fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let cut: String = s.chars().take(n - 1).collect();
    format!("{}…", cut.trim_end())
}

/// JSON-LD for the page: a ProfilePage about a Person, and an ItemList of the
/// products with their offers. Serialised by serde_json and made safe for a
/// `<script>` element by escaping `<`, `>` and `&`, so no input can close it.
fn jsonld(page: &Page, site: &Site, prepared: &[Prepared]) -> String {
    use serde_json::{json, Value};
    let same_as: Vec<&str> = site
        .socials
        .iter()
        .filter(|s| matches!(tracking::classify(&s.url.value), Ok(Dest::Web(_))))
        .map(|s| s.url.value.as_str())
        .collect();
    let mut person = json!({
        "@type": "Person",
        "@id": format!("{}#person", page.canonical),
        "name": page.name,
        "alternateName": format!("@{}", page.handle),
        "url": page.canonical,
    });
    if !page.description.is_empty() {
        person["description"] = json!(page.description);
    }
    if let Some(img) = &page.avatar {
        person["image"] = json!(format!("{}{}", page.base_url, img.large));
    }
    if !same_as.is_empty() {
        person["sameAs"] = json!(same_as);
    }
    let mut graph = vec![
        json!({
            "@type": "ProfilePage",
            "@id": format!("{}#page", page.canonical),
            "url": page.canonical,
            "name": page.name,
            "inLanguage": page.lang,
            "mainEntity": {"@id": format!("{}#person", page.canonical)},
        }),
        person,
    ];
    // Gated products are left out: structured data would show what the gate
    // hides.
    let items: Vec<Value> = page
        .products
        .iter()
        .filter(|p| !p.sensitive && !page.sensitive)
        .enumerate()
        .map(|(i, p)| {
            let mut product = json!({"@type": "Product", "name": p.title, "url": p.href});
            if let Some(img) = &p.image {
                product["image"] = json!(format!("{}{}", page.base_url, img.large));
            }
            if let Some(prep) = prepared.iter().find(|x| x.id == p.id) {
                if let Some(d) = &prep.item.description {
                    product["description"] = json!(crate::markdown::plain_text(&d.value));
                }
                if let Some((cur, minor, _)) = prep.price {
                    product["offers"] = json!({
                        "@type": "Offer",
                        "price": cur.plain(minor),
                        "priceCurrency": cur.code,
                        "url": p.href,
                        "availability": "https://schema.org/InStock",
                    });
                }
            }
            json!({"@type": "ListItem", "position": i + 1, "item": product})
        })
        .collect();
    if !items.is_empty() {
        graph.push(json!({"@type": "ItemList", "itemListElement": items}));
    }
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    escape_json_for_script(&doc.to_string())
}

/// Escapes the characters that could end a `<script>` element or start a
/// comment inside it; the result is still valid JSON with the same value.
pub fn escape_json_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Shop của Linh"), "shop-cua-linh");
        assert_eq!(slugify("Đặt lịch <b>!</b>"), "dat-lich-b-b");
        assert_eq!(slugify("我的淘宝店"), "wo-de-tao-bao-dian");
        assert_eq!(slugify("!!!"), "link");
    }

    #[test]
    fn json_for_script_cannot_close_the_element() {
        let s = escape_json_for_script(&serde_json::json!({"a": "</script><!--&"}).to_string());
        assert!(!s.contains('<') && !s.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><!--&");
    }
}
