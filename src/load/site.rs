//! The site-wide keys (shared by profile.toml and agency.toml), the
//! profile, agency.toml and products.toml as documents.

use super::doc::{as_table, get, Doc};
use super::keys::*;
use crate::diag::Diagnostic;
use crate::model::*;
use toml::de::{DeTable, DeValue};

/// `tag`, and the tags per channel of `tag = { … }`.
type AmazonTag = (Option<At<String>>, Vec<(String, At<String>)>);

impl<'a> Doc<'a> {
    pub(super) fn settings(&mut self, root: &DeTable<'_>, agency: bool) -> Settings {
        let mut s = Settings {
            base_url: self.string(root, "base_url"),
            language: self.string(root, "language"),
            theme: self.string(root, "theme"),
            go_pages: self.go_pages(root),
            minify_html: self.boolean(root, "minify_html"),
            ..Settings::default()
        };
        if let Some(v) = self.table(root, "deploy") {
            let t = as_table(v);
            self.unknown_keys(t, DEPLOY_KEYS, "[deploy]");
            s.host = self.host(t);
            // `go_pages` is a deploy choice too: it may sit beside `host`
            if let Some(g) = self.go_pages(t) {
                if s.go_pages.is_some() {
                    let span = get(t, "go_pages").map(|v| v.span()).unwrap_or(0..0);
                    self.err(
                        span,
                        "`go_pages` is set twice: at the top level and in [deploy]".into(),
                        "keep one of them (either place means the same)",
                    );
                } else {
                    s.go_pages = Some(g);
                }
            }
        }
        if let Some(v) = self.table(root, "tracking") {
            let t = as_table(v);
            self.unknown_keys(
                t,
                &[crate::tracking::UTM_KEYS, TRACKING_MORE_KEYS].concat(),
                "[tracking]",
            );
            for key in crate::tracking::UTM_KEYS {
                if let Some(val) = self.string(t, key) {
                    s.tracking.utm.push((key.to_string(), val));
                }
            }
            s.tracking.channels = self.string_array(t, "channels");
            s.tracking.default_channel = self.string(t, "default_channel");
        }
        if let Some(v) = self.table(root, "disclosure") {
            let t = as_table(v);
            self.unknown_keys(t, DISCLOSURE_KEYS, "[disclosure]");
            s.disclosure = self.string(t, "text");
            if let Some(d) = s
                .disclosure
                .as_ref()
                .filter(|d| !d.value.is_empty() && !crate::text::visible(&d.value))
            {
                self.diags.push(
                    Diagnostic::error("the disclosure text has no visible character")
                        .at(d.loc.clone())
                        .help("write the disclosure visitors must read (the law asks that it be seen), or text = \"\" for none, which is a warning"),
                );
            }
        }
        if let Some(v) = self.table(root, "analytics") {
            let t = as_table(v);
            self.unknown_keys(t, ANALYTICS_KEYS, "[analytics]");
            if let Some(provider) = self.required_string(t, v.span(), "provider", "[analytics]") {
                s.analytics = Some(AnalyticsInput {
                    provider,
                    id: self.string(t, "id"),
                    domain: self.string(t, "domain"),
                    script: self.string(t, "script"),
                    endpoint: self.string(t, "endpoint"),
                });
            }
        }
        if let Some(v) = self.table(root, "style") {
            let t = as_table(v);
            self.unknown_keys(t, STYLE_KEYS, "[style]");
            s.style = StyleInput {
                accent: self.string(t, "accent"),
                accent_dark: self.string(t, "accent_dark"),
                buttons: self.string(t, "buttons"),
                background: self.string(t, "background"),
            };
        }
        if let Some(v) = self.table(root, "strings") {
            let t = as_table(v);
            self.unknown_keys(t, crate::i18n::STRING_KEYS, "[strings]");
            for key in crate::i18n::STRING_KEYS {
                if let Some(val) = self.string(t, key) {
                    // white label: `made_with = ""` removes the footer's credit
                    if *key == "made_with" && val.value.is_empty() {
                        s.strings.push((key.to_string(), val));
                        continue;
                    }
                    if !crate::text::visible(&val.value) {
                        let span = get(t, key).map(|v| v.span()).unwrap_or(0..0);
                        let help = if *key == "disclosure" {
                            "write the wording you want; to show no disclosure at all, use [disclosure] text = \"\"".to_string()
                        } else {
                            format!("write a text for `{key}`, or remove the line to keep the built-in one")
                        };
                        let what = if val.value.trim().is_empty() {
                            "must not be empty"
                        } else {
                            "has no visible character"
                        };
                        self.err(span, format!("`{key}` in [strings] {what}"), help);
                        continue;
                    }
                    s.strings.push((key.to_string(), val));
                }
            }
        }
        if let Some(v) = self.table(root, "networks") {
            for (name, nv) in as_table(v).iter() {
                let name_s = name.get_ref().to_string();
                let what = format!("[networks.{name_s}]");
                let DeValue::Table(t) = nv.get_ref() else {
                    self.wrong_type(
                        &format!("networks.{name_s}"),
                        nv,
                        "a table",
                        &format!("{what} on its own line"),
                    );
                    continue;
                };
                self.unknown_keys(t, NETWORK_KEYS, &what);
                let params = match get(t, "params") {
                    Some(pv) => match pv.get_ref() {
                        DeValue::Table(pt) => {
                            let mut out = Vec::new();
                            for (k, _) in pt.iter() {
                                if let Some(val) = self.string(pt, k.get_ref()) {
                                    out.push((k.get_ref().to_string(), val));
                                }
                            }
                            out
                        }
                        _ => {
                            self.wrong_type("params", pv, "a table", "params = { ref = \"linh\" }");
                            Vec::new()
                        }
                    },
                    None => Vec::new(),
                };
                let (tag, tags) = self.amazon_tag(t);
                s.networks.push(NetworkInput {
                    name: At::new(name_s, self.loc(name.span())),
                    tag,
                    tags,
                    affiliate_id: self.string(t, "affiliate_id"),
                    id: self.string(t, "id"),
                    template: self.string(t, "template"),
                    params,
                    domains: self.string_array(t, "domains").unwrap_or_default(),
                    utm: self.boolean(t, "utm"),
                    tld: self.string(t, "tld"),
                });
            }
        }
        s.report = self.report_input(root, agency);
        s
    }

    /// `go_pages = "all" | "products" | false` (`true` is "all").
    fn go_pages(&mut self, t: &DeTable<'_>) -> Option<At<crate::hosts::GoPages>> {
        use crate::hosts::GoPages;
        let v = get(t, "go_pages")?;
        let loc = self.loc(v.span());
        let value = match v.get_ref() {
            DeValue::Boolean(true) => GoPages::All,
            DeValue::Boolean(false) => GoPages::None,
            DeValue::String(s) => match GoPages::parse_word(s) {
                Some(g) => g,
                None => {
                    let help = match crate::diag::did_you_mean(s, GoPages::WORDS.iter().copied()) {
                        Some(w) => format!("did you mean \"{w}\"?"),
                        None => "write go_pages = \"all\" (every short link gets a page), \"products\" (only products do) or false (none: redirect rules only)".into(),
                    };
                    self.err(v.span(), format!("`go_pages` cannot be \"{s}\""), help);
                    return None;
                }
            },
            _ => {
                self.wrong_type(
                    "go_pages",
                    v,
                    "\"all\", \"products\" or false",
                    "go_pages = \"products\"",
                );
                return None;
            }
        };
        Some(At::new(value, loc))
    }

    /// `[deploy] host`: one of the hosts biopage knows.
    fn host(&mut self, t: &DeTable<'_>) -> Option<At<crate::hosts::Host>> {
        use crate::hosts::Host;
        let name = self.string(t, "host")?;
        match Host::parse(&name.value) {
            Some(h) => Some(At::new(h, name.loc)),
            None => {
                let span = get(t, "host").map(|v| v.span()).unwrap_or(0..0);
                let help = match crate::diag::did_you_mean(&name.value, Host::names()) {
                    Some(h) => format!("did you mean \"{h}\"?"),
                    None => format!("the hosts are: {}", Host::names().join(", ")),
                };
                self.err(span, format!("unknown host \"{}\"", name.value), help);
                None
            }
        }
    }

    /// `tag`: a string, or a table of tags per channel (`default` for the
    /// channels not listed).
    fn amazon_tag(&mut self, t: &DeTable<'_>) -> AmazonTag {
        match get(t, "tag").map(|v| v.get_ref()) {
            Some(DeValue::Table(tt)) => {
                let mut tags = Vec::new();
                for (k, _) in tt.iter() {
                    if let Some(v) = self.string(tt, k.get_ref()) {
                        tags.push((k.get_ref().to_string(), v));
                    }
                }
                (None, tags)
            }
            _ => (self.string(t, "tag"), Vec::new()),
        }
    }

    pub(super) fn profile(&mut self) -> Site {
        let empty = Site {
            dir: self.dir.to_path_buf(),
            settings: Settings::default(),
            name: At::bare(String::new()),
            handle: At::bare(String::new()),
            bio: None,
            avatar: None,
            socials: Vec::new(),
            links: Vec::new(),
            products: Vec::new(),
            sensitive: false,
            tier: None,
            followers: None,
            bounds: Vec::new(),
            templates_dir: None,
            static_dir: None,
            root: None,
            bio_links: Vec::new(),
        };
        let Some(root) = self.parse() else {
            return empty;
        };
        let root = root.get_ref();
        self.unknown_keys(
            root,
            &[SETTINGS_KEYS, PROFILE_MORE_KEYS].concat(),
            "profile.toml",
        );
        let settings = self.settings(root, false);
        let name = self.required_string(root, 0..0, "name", "profile.toml");
        if let Some(n) = name.as_ref().filter(|n| n.value.chars().count() > MAX_NAME) {
            self.diags.push(
                Diagnostic::error(format!(
                    "`name` is {} characters long; the most a page shows is {MAX_NAME}",
                    n.value.chars().count()
                ))
                .at(n.loc.clone())
                .help(
                    "shorten it: the name heads the page and its sharing card; say more in `bio`",
                ),
            );
        }
        let handle = self.required_string(root, 0..0, "handle", "profile.toml");
        if let Some(h) = &handle {
            self.check_handle(h);
        }
        let bio = self.string(root, "bio");
        let bio_links = self.link_locs(get(root, "bio"), bio.as_ref());
        let sensitive = self.boolean(root, "sensitive").unwrap_or(false);
        let tier = self.string(root, "tier");
        let followers = self.count(root, "followers");
        let avatar = self.string(root, "avatar").and_then(|p| self.image(&p));
        let mut socials = Vec::new();
        for (i, v) in self.tables(root, "socials").into_iter().enumerate() {
            let t = as_table(v);
            let what = format!("[[socials]] #{}", i + 1);
            self.unknown_keys(t, SOCIAL_KEYS, &what);
            let platform = self.required_string(t, v.span(), "platform", &what);
            let url = self.required_string(t, v.span(), "url", &what);
            let label = self.string(t, "label").map(|l| l.value);
            if let (Some(platform), Some(url)) = (platform, url) {
                socials.push(Social {
                    platform,
                    url,
                    label,
                });
            }
        }
        let links = self
            .tables(root, "links")
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| self.item(v, ItemKind::Link, i))
            .collect();
        Site {
            settings,
            name: name.unwrap_or_else(|| At::bare(String::new())),
            handle: handle.unwrap_or_else(|| At::bare(String::new())),
            bio,
            avatar,
            socials,
            links,
            sensitive,
            tier,
            followers,
            bio_links,
            ..empty
        }
    }

    /// A count (`followers = 23000`): a whole number, zero or more.
    pub(crate) fn count(&mut self, t: &DeTable<'_>, key: &str) -> Option<At<u64>> {
        let v = get(t, key)?;
        let example = format!("{key} = 23000 (a whole number, no quotes)");
        match v.get_ref() {
            DeValue::Integer(i) => {
                match u64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some(At::new(n, self.loc(v.span()))),
                    Err(_) => {
                        self.err(
                            v.span(),
                            format!("`{key}` must be a whole number, zero or more"),
                            format!("write {example}"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(key, v, "a whole number", &example);
                None
            }
        }
    }

    pub(super) fn agency_file(&mut self) -> Settings {
        let Some(root) = self.parse() else {
            return Settings::default();
        };
        let root = root.get_ref();
        self.unknown_keys(
            root,
            &[SETTINGS_KEYS, AGENCY_MORE_KEYS].concat(),
            "agency.toml",
        );
        self.settings(root, true)
    }

    pub(super) fn products_file(&mut self) -> Vec<Item> {
        let Some(root) = self.parse() else {
            return Vec::new();
        };
        let root = root.get_ref();
        self.unknown_keys(root, &["products"], "products.toml");
        self.tables(root, "products")
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| self.item(v, ItemKind::Product, i))
            .collect()
    }

    pub(super) fn check_handle(&mut self, h: &At<String>) {
        let ok = !h.value.is_empty()
            && h.value.len() <= 64
            && !h.value.starts_with('.')
            && h.value.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if !ok {
            let suggestion: String = crate::text::slugify(&h.value);
            self.diags.push(
                Diagnostic::error(format!("the handle \"{}\" may only use a-z, 0-9, '.', '_' and '-'", h.value))
                    .at(h.loc.clone())
                    .help(format!("the handle names output folders and tracking values; try handle = \"{suggestion}\"")),
            );
        }
    }
}

/// The longest name (characters): it heads the page and is drawn on the
/// sharing card.
const MAX_NAME: usize = 200;
