//! Stage 2, resolve: the raw model becomes the pages to render.
//!
//! Pure: no I/O and no clock (the build's "now" is an input), so every rule
//! here — precedence, schedules, channel variants, tagging — is tested with
//! plain values. Problems are collected, not returned one at a time. One
//! room per phase: [`settings`] (address, language, networks, channels,
//! wording), [`items`] (ids, destinations, prices, schedules), [`assets`]
//! (the images to make), [`pages`] (every page, tagged per channel, and the
//! short links), [`jsonld`]; [`tagging`] is the context they report into
//! and the one way a URL gets tagged.

mod assets;
mod deploy;
mod items;
mod jsonld;
mod pages;
mod settings;
mod tagging;
#[cfg(test)]
pub(crate) mod testing;

pub use deploy::fallback_base;
pub use items::default_currency;
pub use jsonld::escape_json_for_script;
pub use settings::{agency_template, normalize_base};

use crate::diag::Diagnostics;
use crate::i18n::{self, Lang};
use crate::images;
use crate::model::*;
use serde::Serialize;

/// Inputs of a build that do not come from the site's files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// "Now", in Unix seconds, for schedules.
    pub now: i64,
    /// `--base-url`, which beats every file.
    pub base_url: Option<String>,
    /// `--host`, which beats `[deploy] host`.
    pub host: Option<crate::hosts::Host>,
    /// `GITHUB_REPOSITORY` (`owner/repo`), read by the command line: on
    /// GitHub Pages with no base URL given, the site's address comes from it.
    pub github_repository: Option<String>,
}

/// The built-in UTM defaults, lowest in precedence.
pub const DEFAULT_UTM: &[(&str, &str)] = &[
    ("utm_source", "{channel}"),
    ("utm_medium", "social"),
    ("utm_campaign", "{handle}"),
    ("utm_content", "{id}"),
];
pub const DEFAULT_CHANNEL: &str = "bio";

/// Output paths no channel may take: every folder and extension-less file
/// the build writes at a site's root, and the preview server's own path.
const RESERVED_PATHS: &[&str] = &[
    "go",
    "assets",
    "static",
    "404",
    "index",
    "sitemap",
    "robots",
    "_headers",
    "_redirects",
    "__biopage",
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
    /// Which short links also get a `go/<id>/` page (the others are only
    /// redirect rules).
    pub go_pages: crate::hosts::GoPages,
    /// Where the site is published (`None`: not said; today's output).
    pub host: Option<crate::hosts::Host>,
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
    /// A product's short link (`go_pages = "products"` gives only these a
    /// page). Not serialised: the output keys hash it only where it counts.
    #[serde(skip)]
    pub product: bool,
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

/// What a link and a product share: templates see these keys on both
/// (flattened into a product), so one partial can show either's button.
#[derive(Debug, Clone, Serialize)]
pub struct ItemOut {
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
    /// The campaign the item came from (an agency's `campaigns/<id>.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// A link is exactly what links and products share.
pub type LinkOut = ItemOut;

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub title: Option<String>,
    pub links: Vec<LinkOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductOut {
    #[serde(flatten)]
    pub item: ItemOut,
    pub image: Option<Img>,
    pub price: Option<String>,
    pub compare_at: Option<String>,
    pub discount_percent: Option<u32>,
    pub coupon: Option<String>,
    pub review: Option<String>,
    pub review_dest: Option<String>,
    pub description_html: Option<String>,
    pub tags: Vec<String>,
}

/// One HTML page: the main page or a channel entry page.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// `minify_html` (profile > agency, default yes): whether the renderer
    /// minifies this page; not for templates.
    #[serde(skip)]
    pub minify_html: bool,
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
    /// "Paid partnership with <brand>." for each sponsored campaign on the
    /// page, shown with the disclosure.
    pub partnerships: Vec<String>,
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
    let mut ctx = tagging::Ctx::new(site, agency);
    let basics = settings::basics(site, agency, opts, every_item, &mut ctx);
    let prepared = items::prepare(site, &basics, opts, &mut ctx);
    let socials: Vec<(&Social, Option<crate::tracking::Dest>)> = site
        .socials
        .iter()
        .map(|so| (so, ctx.classify(&so.url, "social url")))
        .collect();
    let assets = assets::plan(site, &basics.base_url, &prepared);
    let wording = settings::wording(site, agency, &basics, &mut ctx);
    items::check_values(site, agency, &wording.disclosure, &prepared, &mut ctx);
    let (pages, redirects) = pages::build(
        site, &basics, &wording, &prepared, &assets, &socials, &mut ctx,
    );
    if ctx.errors.has_errors() {
        let mut all = ctx.errors;
        all.extend(ctx.warnings);
        return Err(all);
    }
    let go_pages = deploy::go_pages(site, agency, basics.host, &mut ctx);
    if ctx.errors.has_errors() {
        let mut all = ctx.errors;
        all.extend(ctx.warnings);
        return Err(all);
    }
    Ok(Resolved {
        lang: basics.lang,
        theme: basics.theme,
        base_url: basics.base_url,
        handle: site.handle.value.clone(),
        name: site.name.value.clone(),
        pages,
        redirects,
        go_pages,
        host: basics.host,
        images: assets.images,
        warnings: ctx.warnings,
    })
}
