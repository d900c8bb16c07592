//! Stage 1, load: read the site's files and turn them into the raw model,
//! collecting every problem with its file, line and column.
//!
//! The TOML is parsed with `toml`'s span-preserving document parser and
//! walked by hand rather than deserialised with serde, because serde stops at
//! the first problem, while a creator should see every typo, wrong type and
//! missing key of a file in one run.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Loc, SourceFile};
use crate::model::*;
use std::path::{Component, Path};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

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
    "style",
    "strings",
    "cost",
    "report",
    "tiers",
];
const PROFILE_KEYS: &[&str] = &[
    "base_url",
    "language",
    "theme",
    "tracking",
    "disclosure",
    "networks",
    "analytics",
    "go_pages",
    "style",
    "strings",
    "name",
    "handle",
    "bio",
    "avatar",
    "socials",
    "links",
    "sensitive",
    "cost",
    "report",
];
const TRACKING_KEYS: &[&str] = &[
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
    "channels",
    "default_channel",
];
const DISCLOSURE_KEYS: &[&str] = &["text"];
const STYLE_KEYS: &[&str] = &["accent", "accent_dark", "buttons", "background"];
const ANALYTICS_KEYS: &[&str] = &["provider", "id", "domain", "script", "endpoint"];
const NETWORK_KEYS: &[&str] = &[
    "tag",
    "affiliate_id",
    "id",
    "template",
    "params",
    "domains",
    "utm",
    "tld",
];
const SOCIAL_KEYS: &[&str] = &["platform", "url", "label"];
const LINK_KEYS: &[&str] = &[
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
const PRODUCT_KEYS: &[&str] = &[
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

/// What loading produced: the site as far as it could be read, and every
/// problem found. `site` is `None` only when nothing usable was read (no
/// profile.toml, or a file that is not TOML at all); otherwise later stages
/// still run on it, so that one run reports every problem.
pub struct Loaded {
    pub site: Option<Site>,
    pub diags: Diagnostics,
}

/// Reads one creator's site directory; any problem is an error.
pub fn load_site(dir: &Path) -> Result<Site, Diagnostics> {
    let loaded = load(dir);
    match loaded.site {
        Some(site) if !loaded.diags.has_errors() => Ok(site),
        _ => Err(loaded.diags),
    }
}

/// Reads one creator's site directory, keeping what could be read.
pub fn load(dir: &Path) -> Loaded {
    let mut diags = Diagnostics::default();
    let profile_path = dir.join("profile.toml");
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(format!(
                "the site directory {} does not exist",
                dir.display()
            ))
            .help(format!("create one with `biopage init {}`", dir.display())),
        );
        return Loaded { site: None, diags };
    }
    let Some(profile_src) = read_source(&profile_path, true, &mut diags) else {
        return Loaded { site: None, diags };
    };
    let products_src = read_source(&dir.join("products.toml"), false, &mut diags);
    let usable = !diags.has_errors();
    let mut loaded = from_sources(dir, &profile_src, products_src.as_ref());
    diags.extend(loaded.diags);
    loaded.diags = diags;
    if !usable {
        loaded.site = None;
    }
    if let Some(site) = &mut loaded.site {
        let templates = dir.join("templates");
        site.templates_dir = templates.is_dir().then_some(templates);
        let statics = dir.join("static");
        site.static_dir = statics.is_dir().then_some(statics);
    }
    loaded
}

/// Parses a site from sources already in memory (the fuzz targets use it;
/// images are still looked up under `dir`).
pub fn from_sources(
    dir: &Path,
    profile_src: &SourceFile,
    products_src: Option<&SourceFile>,
) -> Loaded {
    let mut diags = Diagnostics::default();
    let mut usable = true;
    let (mut site, ok) = {
        let mut doc = Doc::new(profile_src, dir, &mut diags);
        let site = doc.profile();
        (site, doc.parsed)
    };
    usable &= ok;
    if let Some(src) = products_src {
        let mut doc = Doc::new(src, dir, &mut diags);
        site.products = doc.products_file();
        usable &= doc.parsed;
    }
    Loaded {
        site: usable.then_some(site),
        diags,
    }
}

/// Reads an agency's `agency.toml`: the site-wide keys every creator inherits.
pub fn load_agency(dir: &Path) -> Result<Settings, Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(src) = read_source(&dir.join("agency.toml"), true, &mut diags) else {
        return Err(diags);
    };
    let settings = Doc::new(&src, dir, &mut diags).agency_file();
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(settings)
    }
}

/// Reads a UTF-8 source file. Invalid UTF-8 is reported at the line and
/// column of the first bad byte instead of as an opaque I/O error.
pub fn read_source(path: &Path, required: bool, diags: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = path.parent().unwrap_or(Path::new("."));
            diags.push(
                Diagnostic::error(format!("{} not found", path.display())).help(format!(
                    "a site needs a profile.toml; `biopage init {}` writes a working one",
                    dir.display()
                )),
            );
            return None;
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read {}: {e}", path.display()))
                    .at(Some(Loc::file_only(path))),
            );
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(SourceFile::new(path, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let src = SourceFile::new(path, prefix.clone() + "\u{FFFD}");
            diags.push(
                Diagnostic::error("the file is not valid UTF-8")
                    .at(Some(src.loc(prefix.len()..prefix.len() + 1)))
                    .help("save the file as UTF-8 (every modern editor can; in VS Code: \"Save with Encoding\")"),
            );
            None
        }
    }
}

/// `tag`, and the tags per channel of `tag = { … }`.
type AmazonTag = (Option<At<String>>, Vec<(String, At<String>)>);

/// A walker over one parsed TOML document that records problems as it goes.
/// (`pub(crate)` so that `report::config` reads its own tables with the same
/// helpers, and the same "did you mean".)
pub(crate) struct Doc<'a> {
    src: &'a SourceFile,
    dir: &'a Path,
    pub(crate) diags: &'a mut Diagnostics,
    /// False once the document had a syntax error.
    parsed: bool,
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub(crate) fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

impl<'a> Doc<'a> {
    fn new(src: &'a SourceFile, dir: &'a Path, diags: &'a mut Diagnostics) -> Self {
        Doc {
            src,
            dir,
            diags,
            parsed: true,
        }
    }

    pub(crate) fn loc(&self, span: std::ops::Range<usize>) -> Option<Loc> {
        Some(self.src.loc(span))
    }

    pub(crate) fn err(
        &mut self,
        span: std::ops::Range<usize>,
        message: String,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::error(message).at(self.loc(span)).help(help);
        self.diags.push(d);
    }

    /// Parses the document, reporting every syntax error.
    fn parse(&mut self) -> Option<Spanned<DeTable<'a>>> {
        let (table, errors) = DeTable::parse_recoverable(&self.src.text);
        if errors.is_empty() {
            return Some(table);
        }
        self.parsed = false;
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            self.err(
                span,
                format!("invalid TOML: {msg}"),
                "check the syntax near this spot: strings need double quotes, \
                 keys are `key = value`, and tables are `[name]` or `[[name]]`",
            );
        }
        None
    }

    pub(crate) fn unknown_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], what: &str) {
        for (k, _) in table.iter() {
            let key = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let help = match did_you_mean(key, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the keys allowed in {what} are: {}", allowed.join(", ")),
            };
            self.err(k.span(), format!("unknown key `{key}` in {what}"), help);
        }
    }

    pub(crate) fn wrong_type(&mut self, key: &str, v: &Value<'_>, expected: &str, example: &str) {
        self.err(
            v.span(),
            format!(
                "`{key}` must be {expected}, but it is {}",
                type_name(v.get_ref())
            ),
            format!("write it like this: {example}"),
        );
    }

    pub(crate) fn string(&mut self, t: &DeTable<'_>, key: &str) -> Option<At<String>> {
        let v = get(t, key)?;
        match v.get_ref() {
            DeValue::String(s) if s.len() > MAX_STRING => {
                self.err(
                    v.span(),
                    format!(
                        "`{key}` is {} KB long; the most biopage accepts in one value is {} KB",
                        s.len() / 1024,
                        MAX_STRING / 1024
                    ),
                    "shorten it: a page is read on a phone",
                );
                None
            }
            DeValue::String(s) => {
                if let Some(c) = s.chars().find(|c| is_forbidden_control(*c)) {
                    self.err(
                        v.span(),
                        format!("`{key}` contains the control character U+{:04X}", c as u32),
                        "remove it: control characters are invisible, break HTML validity and are often pasted by accident",
                    );
                    return None;
                }
                Some(At::new(s.to_string(), self.loc(v.span())))
            }
            _ => {
                self.wrong_type(key, v, "a string", &format!("{key} = \"…\""));
                None
            }
        }
    }

    fn required_string(
        &mut self,
        t: &DeTable<'_>,
        span: std::ops::Range<usize>,
        key: &str,
        what: &str,
    ) -> Option<At<String>> {
        if get(t, key).is_none() {
            let header = self.src.text[span.start.min(self.src.text.len())..]
                .lines()
                .next()
                .unwrap_or("")
                .trim();
            let span = if header.starts_with('[') {
                span.start..span.start + header.len()
            } else {
                span.start..span.start
            };
            self.err(
                span,
                format!("missing required key `{key}` in {what}"),
                format!("add `{key} = \"…\"` to {what}"),
            );
            return None;
        }
        let s = self.string(t, key)?;
        if s.value.trim().is_empty() {
            self.err(
                get(t, key).map(|v| v.span()).unwrap_or(0..0),
                format!("`{key}` must not be empty"),
                format!("write a value for `{key}`"),
            );
            return None;
        }
        Some(s)
    }

    pub(crate) fn boolean(&mut self, t: &DeTable<'_>, key: &str) -> Option<bool> {
        let v = get(t, key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, v, "true or false", &format!("{key} = true"));
                None
            }
        }
    }

    fn boolean_at(&mut self, t: &DeTable<'_>, key: &str) -> Option<At<bool>> {
        let span = get(t, key)?.span();
        let b = self.boolean(t, key)?;
        Some(At::new(b, self.loc(span)))
    }

    pub(crate) fn number(&mut self, t: &DeTable<'_>, key: &str) -> Option<At<f64>> {
        let v = get(t, key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong_type(
                    key,
                    v,
                    "a number",
                    &format!("{key} = 289000 (no quotes, no currency sign)"),
                );
                return None;
            }
        };
        match n {
            Some(n) if n.is_finite() && n >= 0.0 => Some(At::new(n, self.loc(v.span()))),
            _ => {
                self.err(
                    v.span(),
                    format!("`{key}` must be a positive number"),
                    "write the amount in the currency's major unit, e.g. 289000 or 19.90",
                );
                None
            }
        }
    }

    fn datetime(&mut self, t: &DeTable<'_>, key: &str, end_of_day: bool) -> Option<At<Instant>> {
        let v = get(t, key)?;
        let example = format!("{key} = 2026-12-31 or {key} = 2026-12-01T00:00:00+07:00");
        let DeValue::Datetime(dt) = v.get_ref() else {
            self.wrong_type(key, v, "a date or date-time (without quotes)", &example);
            return None;
        };
        let Some(secs) = instant_of(dt, end_of_day) else {
            self.err(
                v.span(),
                format!("`{key}` has a time but no date"),
                format!("write {example}"),
            );
            return None;
        };
        Some(At::new(Instant(secs), self.loc(v.span())))
    }

    pub(crate) fn string_array(&mut self, t: &DeTable<'_>, key: &str) -> Option<Vec<At<String>>> {
        let v = get(t, key)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                key,
                v,
                "an array of strings",
                &format!("{key} = [\"a\", \"b\"]"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(At::new(s.to_string(), self.loc(item.span()))),
                _ => self.wrong_type(
                    key,
                    item,
                    "an array of strings",
                    &format!("{key} = [\"a\", \"b\"]"),
                ),
            }
        }
        Some(out)
    }

    pub(crate) fn table<'t, 'i>(&mut self, t: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
        let v = get(t, key)?;
        if matches!(v.get_ref(), DeValue::Table(_)) {
            Some(v)
        } else {
            self.wrong_type(
                key,
                v,
                "a table",
                &format!("[{key}] on its own line, followed by its keys"),
            );
            None
        }
    }

    /// An array of tables (`[[key]]`), each with its span.
    fn tables<'t, 'i>(&mut self, t: &'t DeTable<'i>, key: &str) -> Vec<&'t Value<'i>> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                key,
                v,
                "an array of tables",
                &format!("[[{key}]] before each entry"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if matches!(item.get_ref(), DeValue::Table(_)) {
                out.push(item);
            } else {
                self.wrong_type(
                    key,
                    item,
                    "an array of tables",
                    &format!("[[{key}]] before each entry"),
                );
            }
        }
        out
    }

    fn settings(&mut self, root: &DeTable<'_>, agency: bool) -> Settings {
        let mut s = Settings {
            base_url: self.string(root, "base_url"),
            language: self.string(root, "language"),
            theme: self.string(root, "theme"),
            go_pages: self.boolean_at(root, "go_pages"),
            ..Settings::default()
        };
        if let Some(v) = self.table(root, "tracking") {
            let t = as_table(v);
            self.unknown_keys(t, TRACKING_KEYS, "[tracking]");
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
                    if val.value.trim().is_empty() {
                        let span = get(t, key).map(|v| v.span()).unwrap_or(0..0);
                        let help = if *key == "disclosure" {
                            "write the wording you want; to show no disclosure at all, use [disclosure] text = \"\"".to_string()
                        } else {
                            format!("write a text for `{key}`, or remove the line to keep the built-in one")
                        };
                        self.err(
                            span,
                            format!("`{key}` in [strings] must not be empty"),
                            help,
                        );
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

    fn profile(&mut self) -> Site {
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
            templates_dir: None,
            static_dir: None,
        };
        let Some(root) = self.parse() else {
            return empty;
        };
        let root = root.get_ref();
        self.unknown_keys(root, PROFILE_KEYS, "profile.toml");
        let settings = self.settings(root, false);
        let name = self.required_string(root, 0..0, "name", "profile.toml");
        let handle = self.required_string(root, 0..0, "handle", "profile.toml");
        if let Some(h) = &handle {
            self.check_handle(h);
        }
        let bio = self.string(root, "bio");
        let sensitive = self.boolean(root, "sensitive").unwrap_or(false);
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
            ..empty
        }
    }

    fn agency_file(&mut self) -> Settings {
        let Some(root) = self.parse() else {
            return Settings::default();
        };
        let root = root.get_ref();
        self.unknown_keys(root, SETTINGS_KEYS, "agency.toml");
        self.settings(root, true)
    }

    fn products_file(&mut self) -> Vec<Item> {
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

    fn check_handle(&mut self, h: &At<String>) {
        let ok = !h.value.is_empty()
            && h.value.len() <= 64
            && !h.value.starts_with('.')
            && h.value.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if !ok {
            let suggestion: String = crate::resolve::slugify(&h.value);
            self.diags.push(
                Diagnostic::error(format!("the handle \"{}\" may only use a-z, 0-9, '.', '_' and '-'", h.value))
                    .at(h.loc.clone())
                    .help(format!("the handle names output folders and tracking values; try handle = \"{suggestion}\"")),
            );
        }
    }

    fn item(&mut self, v: &Value<'_>, kind: ItemKind, index: usize) -> Option<Item> {
        let t = as_table(v);
        let (allowed, what) = match kind {
            ItemKind::Link => (LINK_KEYS, format!("[[links]] #{}", index + 1)),
            ItemKind::Product => (PRODUCT_KEYS, format!("[[products]] #{}", index + 1)),
        };
        self.unknown_keys(t, allowed, &what);
        let title = self.required_string(t, v.span(), "title", &what);
        let url = self.required_string(t, v.span(), "url", &what);
        let id = self.string(t, "id");
        if let Some(id) = &id {
            self.check_id(id);
        }
        let utm = match get(t, "utm") {
            None => UtmOverride::Inherit,
            Some(uv) => match uv.get_ref() {
                DeValue::Boolean(false) => UtmOverride::Off,
                DeValue::Boolean(true) => UtmOverride::Inherit,
                DeValue::Table(ut) => {
                    self.unknown_keys(ut, crate::tracking::UTM_KEYS, &format!("`utm` of {what}"));
                    let mut set = Vec::new();
                    for key in crate::tracking::UTM_KEYS {
                        if let Some(val) = self.string(ut, key) {
                            set.push((key.to_string(), val));
                        }
                    }
                    UtmOverride::Set(set)
                }
                _ => {
                    self.wrong_type(
                        "utm",
                        uv,
                        "false or a table",
                        "utm = false, or utm = { utm_campaign = \"tet-2027\" }",
                    );
                    UtmOverride::Inherit
                }
            },
        };
        let image_path = self.string(t, "image");
        let image = image_path.and_then(|p| self.image(&p));
        // Every field is read (and checked) before a missing one drops the entry.
        let mut item = Item {
            kind,
            loc: self.loc(v.span().start..v.span().start),
            id,
            title: At::bare(String::new()),
            url: At::bare(String::new()),
            group: self.string(t, "group"),
            featured: self.boolean(t, "featured").unwrap_or(false),
            sponsored: self.boolean(t, "sponsored"),
            network: self.string(t, "network"),
            utm,
            starts: self.datetime(t, "starts", false),
            ends: self.datetime(t, "ends", true),
            enabled: self.boolean(t, "enabled").unwrap_or(true),
            sensitive: self.boolean(t, "sensitive").unwrap_or(false),
            image,
            image_alt: self.string(t, "image_alt"),
            price: self.number(t, "price"),
            compare_at_price: self.number(t, "compare_at_price"),
            currency: self.string(t, "currency"),
            coupon: self.string(t, "coupon"),
            review: self.string(t, "review"),
            description: self.string(t, "description"),
            tags: self
                .string_array(t, "tags")
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.value)
                .collect(),
        };
        item.title = title?;
        item.url = url?;
        Some(item)
    }

    fn check_id(&mut self, id: &At<String>) {
        let ok = !id.value.is_empty()
            && id.value.len() <= 80
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !ok {
            let suggestion = crate::resolve::slugify(&id.value);
            self.diags.push(
                Diagnostic::error(format!(
                    "the id \"{}\" may only use ASCII letters, digits, '-' and '_'",
                    id.value
                ))
                .at(id.loc.clone())
                .help(format!(
                    "ids become short links like /go/<id>/; try id = \"{suggestion}\""
                )),
            );
        }
    }

    /// Checks an image path: relative, inside the site directory (also after
    /// following symlinks), an existing file, and an image we can read.
    fn image(&mut self, p: &At<String>) -> Option<ImageInput> {
        let rel = p.value.trim();
        let path = Path::new(rel);
        let bad = |msg: String, help: &str, diags: &mut Diagnostics| {
            diags.push(
                Diagnostic::error(msg)
                    .at(p.loc.clone())
                    .help(help.to_string()),
            );
        };
        if rel.is_empty() {
            bad(
                "the image path is empty".into(),
                "write a path relative to the site directory, like \"images/avatar.jpg\"",
                self.diags,
            );
            return None;
        }
        if path.is_absolute()
            || rel.starts_with('/')
            || rel.starts_with('\\')
            || path
                .components()
                .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
        {
            bad(format!("the image path \"{rel}\" is absolute"), "write it relative to the site directory, like \"images/avatar.jpg\", and copy the file there", self.diags);
            return None;
        }
        if path.components().any(|c| matches!(c, Component::ParentDir)) || rel.contains('\\') {
            bad(
                format!("the image path \"{rel}\" leaves the site directory"),
                "copy the image into the site's images/ folder and write \"images/<name>\"",
                self.diags,
            );
            return None;
        }
        let abs = self.dir.join(path);
        let meta = match std::fs::metadata(&abs) {
            Ok(m) => m,
            Err(_) => {
                let help = match suggest_file(&abs) {
                    Some(s) => format!(
                        "did you mean \"{}\"?",
                        Path::new(rel).with_file_name(s).display()
                    ),
                    None => format!("put the file at {} or fix the path", abs.display()),
                };
                bad(
                    format!("the image \"{rel}\" does not exist"),
                    &help,
                    self.diags,
                );
                return None;
            }
        };
        if !meta.is_file() {
            bad(
                format!("the image path \"{rel}\" is not a file"),
                "point it at an image file",
                self.diags,
            );
            return None;
        }
        match (abs.canonicalize(), self.dir.canonicalize()) {
            (Ok(real), Ok(root)) if real.starts_with(&root) => {}
            _ => {
                bad(
                    format!("the image \"{rel}\" is a link to a file outside the site directory"),
                    "copy the file into the site directory instead of linking to it",
                    self.diags,
                );
                return None;
            }
        }
        if meta.len() > 50 * 1024 * 1024 {
            bad(
                format!(
                    "the image \"{rel}\" is {} MB, too big for a web page",
                    meta.len() / (1024 * 1024)
                ),
                "resize it to at most 2000 px wide and save it as JPEG or WebP",
                self.diags,
            );
            return None;
        }
        let bytes = match std::fs::read(&abs) {
            Ok(b) => b,
            Err(e) => {
                bad(
                    format!("cannot read the image \"{rel}\": {e}"),
                    "check the file's permissions",
                    self.diags,
                );
                return None;
            }
        };
        let format = image::guess_format(&bytes).ok();
        let ext = match format {
            Some(image::ImageFormat::Jpeg) => "jpg",
            Some(image::ImageFormat::Png) => "png",
            Some(image::ImageFormat::WebP) => "webp",
            Some(image::ImageFormat::Gif) => "gif",
            _ => {
                bad(
                    format!("\"{rel}\" is not an image biopage can read"),
                    "use a JPEG, PNG, WebP or GIF file",
                    self.diags,
                );
                return None;
            }
        };
        // The header only: dimensions, EXIF orientation and whether there is
        // an alpha channel. Pixels are decoded once, by the image pipeline.
        let header = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format.unwrap())
            .into_decoder()
            .map(|mut d| {
                use image::ImageDecoder as _;
                let orientation = d
                    .orientation()
                    .unwrap_or(image::metadata::Orientation::NoTransforms);
                (d.dimensions(), orientation, d.color_type().has_alpha())
            });
        let (width, height, orientation, alpha) = match header {
            Ok(((w, h), o, alpha))
                if w > 0
                    && h > 0
                    && w <= MAX_IMAGE_SIDE
                    && h <= MAX_IMAGE_SIDE
                    && u64::from(w) * u64::from(h) <= MAX_IMAGE_PIXELS =>
            {
                // Orientations 5 to 8 turn the picture a quarter.
                let (w, h) = if o.to_exif() >= 5 { (h, w) } else { (w, h) };
                (w, h, o.to_exif(), alpha)
            }
            Ok(((w, h), _, _)) => {
                bad(
                    format!(
                        "the image \"{rel}\" is {w}×{h} pixels ({:.0} megapixels)",
                        (u64::from(w) * u64::from(h)) as f64 / 1e6
                    ),
                    &format!(
                        "use an image of at most {} megapixels and {MAX_IMAGE_SIDE} pixels on each side; 2000×2000 is plenty for a page",
                        MAX_IMAGE_PIXELS / 1_000_000
                    ),
                    self.diags,
                );
                return None;
            }
            Err(e) => {
                bad(
                    format!("the image \"{rel}\" is damaged: {e}"),
                    "open it in an image editor and save it again",
                    self.diags,
                );
                return None;
            }
        };
        let digest = full_hash(&bytes);
        Some(ImageInput {
            rel: rel.to_string(),
            abs,
            width,
            height,
            hash: digest[..10].to_string(),
            digest,
            ext,
            bytes: meta.len(),
            orientation,
            alpha,
            loc: p.loc.clone(),
        })
    }
}

/// Pixel limits of a source image. The widest side any theme shows is a few
/// hundred pixels; 40 megapixels (a large phone photo is 12 to 50) keeps one
/// decoded image under 160 MB, so parallel builds cannot run out of memory.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
pub const MAX_IMAGE_SIDE: u32 = 20_000;

/// The longest string value accepted (bytes): a bio is a few hundred.
const MAX_STRING: usize = 100 * 1024;

/// C0 and C1 control characters and DEL, except tab and line breaks, which
/// Markdown and TOML's multi-line strings use.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub(crate) fn as_table<'t, 'i>(v: &'t Value<'i>) -> &'t DeTable<'i> {
    match v.get_ref() {
        DeValue::Table(t) => t,
        _ => unreachable_table(),
    }
}

/// Callers only pass values they checked are tables; an empty table keeps
/// this total instead of panicking should that ever change.
fn unreachable_table<'t, 'i>() -> &'t DeTable<'i> {
    static EMPTY: std::sync::OnceLock<DeTable<'static>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(DeTable::new)
}

/// The sibling file whose name is closest to a missing one.
fn suggest_file(missing: &Path) -> Option<String> {
    let dir = missing.parent()?;
    let want = missing.file_name()?.to_string_lossy().into_owned();
    let names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    did_you_mean(&want, names.iter().map(String::as_str)).map(str::to_string)
}

/// A short, stable content hash for fingerprinted file names.
/// The whole SHA-256 of a file, hex: what the image cache is keyed by, where
/// a collision would show one creator's picture on another's page.
pub fn full_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

/// The Unix time of a TOML date or date-time. A bare date is midnight UTC,
/// or the following midnight when `end_of_day` (so `ends = 2026-12-31`
/// includes the 31st); a local date-time is taken as UTC. `None` for a time
/// without a date.
pub fn instant_of(dt: &toml::value::Datetime, end_of_day: bool) -> Option<i64> {
    let date = dt.date?;
    let days = days_from_civil(date.year as i64, date.month as i64, date.day as i64);
    let mut secs = days * 86_400;
    match dt.time {
        Some(time) => {
            secs +=
                time.hour as i64 * 3600 + time.minute as i64 * 60 + time.second.unwrap_or(0) as i64;
            if let Some(toml::value::Offset::Custom { minutes }) = dt.offset {
                secs -= minutes as i64 * 60;
            }
        }
        None if end_of_day => secs += 86_400,
        None => {}
    }
    Some(secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm), so schedules need no date-time crate.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 12, 31), 20_818);
    }
}
