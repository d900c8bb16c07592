//! The keys each table accepts: anything else is an error with a "did you mean".

/// Keys of the site-wide settings shared by profile.toml and agency.toml.
pub const SETTINGS_KEYS: &[&str] = &[
    "base_url",
    "language",
    "theme",
    "tracking",
    "disclosure",
    "networks",
    "analytics",
    "go_pages",
    "minify_html",
    "deploy",
    "style",
    "strings",
    "cost",
    "report",
];
/// agency.toml takes the site-wide keys and these.
pub(super) const AGENCY_MORE_KEYS: &[&str] = &["tiers"];
/// profile.toml takes the site-wide keys and these.
pub(super) const PROFILE_MORE_KEYS: &[&str] = &[
    "name",
    "handle",
    "bio",
    "avatar",
    "socials",
    "links",
    "sensitive",
    "tier",
    "followers",
];
/// `[tracking]`: the UTM keys (`tracking::UTM_KEYS`) and these.
pub(super) const TRACKING_MORE_KEYS: &[&str] = &["channels", "default_channel"];
pub(super) const DEPLOY_KEYS: &[&str] = &["host", "go_pages"];
pub(super) const DISCLOSURE_KEYS: &[&str] = &["text"];
pub(super) const STYLE_KEYS: &[&str] = &["accent", "accent_dark", "buttons", "background"];
pub(super) const ANALYTICS_KEYS: &[&str] = &["provider", "id", "domain", "script", "endpoint"];
pub(super) const NETWORK_KEYS: &[&str] = &[
    "tag",
    "affiliate_id",
    "id",
    "template",
    "params",
    "domains",
    "utm",
    "tld",
];
pub(super) const SOCIAL_KEYS: &[&str] = &["platform", "url", "label"];
pub(super) const LINK_KEYS: &[&str] = &[
    "id",
    "title",
    "url",
    "group",
    "featured",
    "sponsored",
    "network",
    "utm",
    "starts",
    "ends",
    "enabled",
    "sensitive",
];
/// A product takes a link's keys and these.
pub(super) const PRODUCT_MORE_KEYS: &[&str] = &[
    "image",
    "image_alt",
    "price",
    "compare_at_price",
    "currency",
    "coupon",
    "review",
    "description",
    "tags",
];
