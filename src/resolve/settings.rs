//! The site-wide settings of a creator, precedence applied (built-in <
//! agency.toml < profile.toml): the address, language, theme, networks and
//! channels first (every item needs them), then the wording (UI strings,
//! disclosure), the style, the description and analytics.

use super::tagging::Ctx;
use super::{Options, DEFAULT_CHANNEL, RESERVED_PATHS};
use crate::diag::{did_you_mean, Loc};
use crate::i18n::{self, Lang};
use crate::model::*;
use crate::networks::Network;
use crate::text::{slugify, truncate_chars};
use crate::tracking::{self, Dest};

/// What every item and page of a creator needs first.
pub(super) struct Basics {
    pub base_url: String,
    pub lang: Lang,
    pub theme: At<String>,
    pub networks: Vec<Network>,
    pub default_channel: String,
    pub channels: Vec<String>,
    pub host: Option<crate::hosts::Host>,
    /// Every item on the pages, whatever its schedule, and only what a
    /// report needs of them (see `resolve_every_item`).
    pub every_item: bool,
    /// `minify_html`: profile > agency, default yes.
    pub minify_html: bool,
}

/// The address, language, theme, networks and channels.
pub(super) fn basics(
    site: &Site,
    agency: Option<&Settings>,
    opts: &Options,
    every_item: bool,
    ctx: &mut Ctx,
) -> Basics {
    let s = &site.settings;
    let host = super::deploy::host(site, agency, opts, ctx);
    // base_url: --base-url > profile > agency (which may hold {handle})
    let base_url = base_url(site, agency, opts, host, ctx);

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

    // a per-channel Amazon tag names every channel the pages have
    let page_channels: Vec<&str> = std::iter::once(default_channel.as_str())
        .chain(channels.iter().map(String::as_str))
        .collect();
    for input in &inputs {
        if let Some(d) = crate::networks::missing_channel_tag(input, &page_channels) {
            ctx.errors.push(d);
        }
    }
    Basics {
        every_item,
        minify_html: layer(&s.minify_html, agency.map(|a| &a.minify_html))
            .copied()
            .unwrap_or(true),
        base_url,
        lang,
        theme,
        networks,
        default_channel,
        channels,
        host,
    }
}

/// What the pages say beside the links: UI strings, the disclosure, the
/// style rule, the description for search engines and previews, analytics.
pub(super) struct Wording {
    pub strings: i18n::Strings,
    pub disclosure: String,
    pub style_css: String,
    pub description: String,
    pub analytics: Option<crate::analytics::Analytics>,
}

/// The wording, style and analytics.
pub(super) fn wording(
    site: &Site,
    agency: Option<&Settings>,
    basics: &Basics,
    ctx: &mut Ctx,
) -> Wording {
    let s = &site.settings;
    let lang = basics.lang;
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

    let analytics = match layer(&s.analytics, agency.map(|a| &a.analytics)) {
        None => None,
        Some(input) => match crate::analytics::resolve(input, &basics.base_url) {
            Ok(a) => Some(a),
            Err(d) => {
                ctx.errors.push(d);
                None
            }
        },
    };
    Wording {
        strings,
        disclosure,
        style_css: style.css,
        description,
        analytics,
    }
}

/// The template of every creator's address in an agency: `--base-url`
/// (with `/{handle}/` added when it has no `{handle}`: on the command line
/// it names the agency's root), else agency.toml's `base_url`.
pub fn agency_template(cli: Option<&str>, agency: Option<&str>) -> Option<String> {
    match cli {
        Some(c) if c.contains("{handle}") => Some(c.to_string()),
        Some(c) => Some(format!("{}/{{handle}}/", c.trim_end_matches('/'))),
        None => agency.map(str::to_string),
    }
}

/// A base URL as every page uses it: parsed by the browser's rules, no
/// query or fragment, a trailing `/`. Refused: anything but http(s), and a
/// path with an empty segment (`https://x//evil.example/` would make every
/// asset link `//evil.example/…`, another site).
pub fn normalize_base(raw: &str) -> Result<String, String> {
    match tracking::classify(raw) {
        Ok(Dest::Web(mut u)) => {
            if u.path().contains("//") {
                return Err(format!(
                    "its path \"{}\" has an empty segment (//), which browsers read as another host",
                    u.path()
                ));
            }
            u.set_query(None);
            u.set_fragment(None);
            if !u.path().ends_with('/') {
                let p = format!("{}/", u.path());
                u.set_path(&p);
            }
            Ok(u.to_string())
        }
        Ok(Dest::Contact(_)) | Err(_) => Err("it is not an http(s) address".into()),
    }
}

/// The creator's address. In an agency it is the agency's template for the
/// creator's handle; a profile may repeat it, but not name another place:
/// under another creator's path, or outside the agency's base (the agency's
/// root files give each creator the path the build assigns it, so a page
/// elsewhere would not be served). Without a template, a creator's own
/// `base_url` is its own domain (path `/`) or `/<handle>/`.
fn base_url(
    site: &Site,
    agency: Option<&Settings>,
    opts: &Options,
    host: Option<crate::hosts::Host>,
    ctx: &mut Ctx,
) -> String {
    let s = &site.settings;
    let handle = &site.handle.value;
    let template = agency.and_then(|a| {
        agency_template(
            opts.base_url.as_deref(),
            a.base_url.as_ref().map(|b| b.value.as_str()),
        )
        .or_else(|| super::deploy::fallback_base(host, opts, true))
    });
    let base_raw = match (&opts.base_url, &s.base_url) {
        (Some(cli), _) => Some(At::bare(template.clone().unwrap_or_else(|| cli.clone()))),
        (None, Some(b)) => Some(b.clone()),
        (None, None) => template
            .clone()
            .map(|t| {
                let loc = agency
                    .and_then(|a| a.base_url.as_ref())
                    .and_then(|b| b.loc.clone());
                At::new(t, loc)
            })
            .or_else(|| super::deploy::fallback_base(host, opts, false).map(At::bare)),
    };
    let Some(b) = base_raw else {
        ctx.error(
            Some(Loc::file_only(&site.dir.join("profile.toml"))),
            "no base_url: biopage needs the address the page is published at".into(),
            "add `base_url = \"https://your.domain/\"` to profile.toml, or pass --base-url".into(),
        );
        return String::new();
    };
    let expanded = b.value.replace("{handle}", handle);
    let normal = match normalize_base(&expanded) {
        Ok(n) => n,
        Err(why) => {
            ctx.error(
                b.loc.clone(),
                format!("base_url \"{}\" cannot be used: {why}", b.value),
                "write it like base_url = \"https://linh.example/\"".into(),
            );
            return String::new();
        }
    };
    if agency.is_some() && opts.base_url.is_none() && s.base_url.is_some() {
        let own_path = crate::text::root_path(&normal);
        let problem = match template.as_deref().map(|t| normalize_base(&t.replace("{handle}", handle))) {
            Some(Ok(expected)) if expected != normal => Some(format!(
                "the agency publishes this creator at {expected}; base_url \"{}\" puts it elsewhere",
                b.value
            )),
            Some(_) => None,
            None if own_path != "/" && own_path != format!("/{handle}/") => Some(format!(
                "base_url \"{}\" puts this creator under {own_path}, which is not its own path (/ on its own domain, or /{handle}/)",
                b.value
            )),
            None => None,
        };
        if let Some(message) = problem {
            ctx.error(
                b.loc.clone(),
                message,
                "remove base_url from profile.toml: in an agency, agency.toml's base_url gives every creator its address, and no creator may take another's path".into(),
            );
        }
    }
    normal
}

pub(super) fn layer<'a, T>(profile: &'a Option<T>, agency: Option<&'a Option<T>>) -> Option<&'a T> {
    profile.as_ref().or_else(|| agency.and_then(|a| a.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn base_urls_are_normalised_and_refused_when_off_site() {
        assert_eq!(
            normalize_base("https://linh.example/x?a=1#f").as_deref(),
            Ok("https://linh.example/x/")
        );
        for bad in [
            "https://x//evil.example/",
            "javascript:alert(1)",
            "/relative/",
        ] {
            assert!(normalize_base(bad).is_err(), "{bad}");
        }
        assert_eq!(
            agency_template(Some("https://preview.example"), None).as_deref(),
            Some("https://preview.example/{handle}/")
        );
        assert_eq!(
            agency_template(None, Some("https://b.example/{handle}/")).as_deref(),
            Some("https://b.example/{handle}/")
        );
    }

    #[test]
    fn an_agency_gives_each_creator_its_address() {
        let a = agency("base_url = \"https://bio.example/{handle}/\"");
        let r = resolve_with("name = \"L\"\nhandle = \"linh\"\n", None, Some(&a)).unwrap();
        assert_eq!(r.base_url, "https://bio.example/linh/");
        // repeating it is fine; another creator's path or another host is not
        let ok = "base_url = \"https://bio.example/linh/\"\nname = \"L\"\nhandle = \"linh\"\n";
        assert!(resolve_with(ok, None, Some(&a)).is_ok());
        for other in ["https://bio.example/mei/", "https://evil.example/"] {
            let p = format!("base_url = \"{other}\"\nname = \"L\"\nhandle = \"linh\"\n");
            let e = resolve_with(&p, None, Some(&a)).unwrap_err();
            assert!(
                messages(&e)[0].contains("publishes this creator at"),
                "{e:?}"
            );
        }
    }

    #[test]
    fn language_theme_and_channels() {
        let r = resolve(&format!("{BASE}language = \"zh-TW\"\n"));
        assert_eq!(r.lang, Lang::ZhHant);
        assert_eq!(r.theme.value, "default");
        let e = resolve_with(&format!("{BASE}language = \"vn\"\n"), None, None).unwrap_err();
        assert!(e
            .iter()
            .any(|d| d.help.as_deref().is_some_and(|h| h.contains("\"vi\""))));
        let r = resolve(&format!(
            "{BASE}[tracking]\nchannels = [\"tiktok\", \"youtube\"]\n"
        ));
        let paths: Vec<&str> = r.pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["", "tiktok/", "youtube/"]);
        for bad in ["go", "_headers", "TikTok", "bio"] {
            let p = format!("{BASE}[tracking]\nchannels = [\"{bad}\"]\n");
            assert!(resolve_with(&p, None, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn wording_comes_from_the_profile_then_the_agency_then_the_language() {
        let a = agency("base_url = \"https://b.example/{handle}/\"\n[disclosure]\ntext = \"Agency words\"\n[strings]\nlinks = \"Our links\"");
        let r = resolve_with("name = \"L\"\nhandle = \"l\"\n", None, Some(&a)).unwrap();
        assert_eq!(r.pages[0].disclosure, "Agency words");
        assert_eq!(r.pages[0].t.links, "Our links");
        let r = resolve_with(
            "name = \"L\"\nhandle = \"l\"\n[disclosure]\ntext = \"Mine\"\n",
            None,
            Some(&a),
        )
        .unwrap();
        assert_eq!(r.pages[0].disclosure, "Mine");
        let r = resolve(&format!(
            "{BASE}language = \"vi\"\nbio = \"Xin **chào**, [shop](https://a.example/)\"\n"
        ));
        assert_eq!(r.pages[0].description, "Xin chào, shop");
        assert_eq!(r.pages[0].t.sponsored, "Quảng cáo");
    }
}
