//! The raw input model: what `load` read from the TOML files, with the
//! location of every value a later stage may need to complain about.
//!
//! Nothing here is resolved: defaults are not applied, URLs are not checked
//! and dates are not compared. That is `resolve`'s job, which keeps it pure.

use crate::diag::Loc;
use std::path::PathBuf;

/// A value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub loc: Option<Loc>,
}

impl<T> At<T> {
    pub fn new(value: T, loc: Option<Loc>) -> Self {
        At { value, loc }
    }

    /// A value that was not written by the user (a default, or a test).
    pub fn bare(value: T) -> Self {
        At { value, loc: None }
    }
}

/// The site-wide keys shared by profile.toml and agency.toml. Every field is
/// optional so that the layers (built-in < agency < profile) can be merged.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub base_url: Option<At<String>>,
    pub language: Option<At<String>>,
    pub theme: Option<At<String>>,
    pub tracking: TrackingInput,
    pub disclosure: Option<At<String>>,
    pub networks: Vec<NetworkInput>,
    pub analytics: Option<AnalyticsInput>,
    /// `go_pages`: which short links get a `go/<id>/` page (`"all"` or
    /// `true`, `"products"`, `false`); the others are redirect rules only.
    pub go_pages: Option<At<crate::hosts::GoPages>>,
    /// `minify_html`: whether pages are minified (`None`: not said; yes).
    pub minify_html: Option<bool>,
    /// `[deploy] host`: where the output is published.
    pub host: Option<At<crate::hosts::Host>>,
    pub style: StyleInput,
    /// `[strings]`: UI string overrides (keys already checked), in file order.
    pub strings: Vec<(String, At<String>)>,
    /// What `biopage report` reads from the files: `cost`, `[tiers]` and
    /// `[report]` (generic export formats, per-creator costs).
    pub report: crate::report::config::ReportInput,
}

/// `[style]`: the few look-and-feel choices a creator makes without
/// touching templates. Checked and turned into CSS by `style`.
#[derive(Debug, Clone, Default)]
pub struct StyleInput {
    pub accent: Option<At<String>>,
    /// The accent in dark mode; derived from `accent` when absent.
    pub accent_dark: Option<At<String>>,
    pub buttons: Option<At<String>>,
    pub background: Option<At<String>>,
}

/// `[analytics]`: one opt-in provider.
#[derive(Debug, Clone)]
pub struct AnalyticsInput {
    pub provider: At<String>,
    pub id: Option<At<String>>,
    pub domain: Option<At<String>>,
    /// A self-hosted or proxied script (ad blockers block the default paths).
    pub script: Option<At<String>>,
    /// Where events are sent, when not the provider's default.
    pub endpoint: Option<At<String>>,
}

/// `[tracking]`.
#[derive(Debug, Clone, Default)]
pub struct TrackingInput {
    /// `utm_*` defaults, in file order. An empty string removes a default.
    pub utm: Vec<(String, At<String>)>,
    pub channels: Option<Vec<At<String>>>,
    pub default_channel: Option<At<String>>,
}

/// `[networks.NAME]`: a preset (by its id keys) or a generic network.
#[derive(Debug, Clone)]
pub struct NetworkInput {
    pub name: At<String>,
    /// Preset identifiers (`tag`, `affiliate_id`, `id`) and generic keys, as written.
    pub tag: Option<At<String>>,
    /// `tag = { tiktok = "…", youtube = "…" }`: an Amazon tag per channel, so
    /// that Amazon's reports (which echo only the tag) tell channels apart.
    /// `default` is the tag of channels not listed.
    pub tags: Vec<(String, At<String>)>,
    pub affiliate_id: Option<At<String>>,
    pub id: Option<At<String>>,
    pub template: Option<At<String>>,
    pub params: Vec<(String, At<String>)>,
    pub domains: Vec<At<String>>,
    pub utm: Option<bool>,
    pub tld: Option<At<String>>,
}

/// `utm = …` on a link or product.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum UtmOverride {
    #[default]
    Inherit,
    Off,
    Set(Vec<(String, At<String>)>),
}

/// A schedule bound, in Unix seconds (UTC). A bare date as `ends` means the
/// end of that day, so `ends = 2026-12-31` includes the 31st.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Link,
    Product,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Link => "link",
            ItemKind::Product => "product",
        }
    }
}

/// An image the site names, checked on load: inside the site directory, an
/// existing file, and a readable image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageInput {
    /// As written, relative to the site directory.
    pub rel: String,
    /// The real path, checked to lie inside the site when it was loaded.
    pub abs: PathBuf,
    pub width: u32,
    pub height: u32,
    /// A short content hash, for fingerprinted output names.
    pub hash: String,
    /// The full content hash (SHA-256, hex), for the image cache.
    pub digest: String,
    pub ext: &'static str,
    /// Size of the source file.
    pub bytes: u64,
    /// EXIF orientation (1 to 8); `width` and `height` are already turned.
    pub orientation: u8,
    /// Whether the format carries an alpha channel (the fallback is then PNG).
    pub alpha: bool,
    /// Where the profile names the image, for errors found while encoding it.
    pub loc: Option<Loc>,
}

/// A `[[links]]` or `[[products]]` entry. One type for both, because the
/// tracking rules treat them alike.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// Where the entry starts (its `[[links]]` header), for errors about the
    /// entry as a whole.
    pub loc: Option<Loc>,
    pub id: Option<At<String>>,
    pub title: At<String>,
    pub url: At<String>,
    pub group: Option<At<String>>,
    pub featured: bool,
    pub sponsored: Option<bool>,
    pub network: Option<At<String>>,
    pub utm: UtmOverride,
    pub starts: Option<At<Instant>>,
    pub ends: Option<At<Instant>>,
    pub enabled: bool,
    /// Behind an age confirmation (`sensitive = true`).
    pub sensitive: bool,
    // products only
    pub image: Option<ImageInput>,
    pub image_alt: Option<At<String>>,
    pub price: Option<At<f64>>,
    pub compare_at_price: Option<At<f64>>,
    pub currency: Option<At<String>>,
    pub coupon: Option<At<String>>,
    pub review: Option<At<String>>,
    pub description: Option<At<String>>,
    /// Where each link of the description is written (see `bio_links`).
    pub description_links: Vec<(String, Loc)>,
    pub tags: Vec<String>,
    /// The campaign the item was rolled out by (see `campaign`), `None` for
    /// the creator's own items.
    pub campaign: Option<std::sync::Arc<CampaignMark>>,
}

/// What a page needs to know of the campaign an item came from: its id
/// (the `{campaign}` placeholder), the brand a paid partnership names, and
/// the creator's exclusive code.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignMark {
    pub id: String,
    pub brand: String,
    /// Whether the campaign is a paid partnership: its items are sponsored
    /// and the page names the brand in its disclosure.
    pub sponsored: bool,
    /// The campaign's own disclosure text in the creator's language, when it
    /// gives one (otherwise the built-in "Paid partnership with …").
    pub disclosure: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Social {
    pub platform: At<String>,
    pub url: At<String>,
    pub label: Option<String>,
}

/// One creator: profile.toml and products.toml.
#[derive(Debug, Clone)]
pub struct Site {
    pub dir: PathBuf,
    pub settings: Settings,
    pub name: At<String>,
    pub handle: At<String>,
    pub bio: Option<At<String>>,
    pub avatar: Option<ImageInput>,
    pub socials: Vec<Social>,
    pub links: Vec<Item>,
    pub products: Vec<Item>,
    /// `sensitive = true`: the page's links and products are behind an age
    /// confirmation.
    pub sensitive: bool,
    /// `tier = "micro"`: the creator's tier, for campaigns that target tiers
    /// (one of agency.toml's `[tiers]`).
    pub tier: Option<At<String>>,
    /// `followers = 23000`: the creator's audience, which places them in a
    /// tier by agency.toml's `[tiers]` thresholds when `tier` is not given.
    pub followers: Option<At<u64>>,
    /// Instants at which the page changes other than its items' own
    /// `starts` and `ends`: the windows of the campaigns that target it.
    pub bounds: Vec<i64>,
    /// Where each link of the bio is written, by destination, so that a bad
    /// one is reported at its own line and column.
    pub bio_links: Vec<(String, Loc)>,
    /// `templates/` of the site, when present: overrides of theme templates.
    pub templates_dir: Option<PathBuf>,
    /// `static/`, copied verbatim to the output root.
    pub static_dir: Option<PathBuf>,
    /// Where the site's files may be read from (see `input`); `None` only
    /// for sites parsed from memory.
    pub root: Option<crate::input::Root>,
}
