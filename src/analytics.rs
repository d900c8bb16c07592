//! Opt-in, privacy-first analytics: one provider's script, a tiny inline
//! script that reports clicks on outbound links (`a[data-id]`) as events with
//! the creator's handle, the page's channel and the link's id, and the exact
//! Content-Security-Policy sources that allow them. Without `[analytics]` a
//! page loads no provider script at all.
//!
//! The three values are what `biopage report` joins clicks on, per creator,
//! channel and link, for every provider. The handle and channel come from
//! the inline script's own `data-handle` and `data-channel` attributes
//! (`templates/head.html`), so that its bytes, and the hash the CSP allows
//! it by, are the same on every page of every creator.
//!
//! A page has at most one inline script ([`page_script`]): the click
//! reporter, the coupon copier, or both in one, allowed by its hash.
//!
//! Pure: the configuration goes in, the tags and policy sources come out.

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{AnalyticsInput, At};
use base64::Engine as _;
use serde::Serialize;
use sha2::Digest;

pub const PROVIDERS: &[&str] = &["plausible", "umami", "goatcounter", "ga4"];

/// What a page needs for its analytics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Analytics {
    pub provider: String,
    /// The provider's script: `src` and its other attributes.
    pub src: String,
    pub attrs: Vec<(String, String)>,
    /// The provider's part of the inline script: it defines `R(id, url)`,
    /// which reports a click with the handle `H` and channel `C` (and, for
    /// GA4, sets gtag up).
    pub inline: String,
    /// Where the provider's script may load from (inline scripts are allowed
    /// separately, by their hash).
    pub script_src: Vec<String>,
    pub connect_src: Vec<String>,
    pub img_src: Vec<String>,
}

fn origin(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(u.origin().ascii_serialization())
}

fn err(at: &At<String>, msg: String, help: &str) -> Diagnostic {
    Diagnostic::error(msg)
        .at(at.loc.clone())
        .help(help.to_string())
}

/// A script location: an https URL, or a path on the site itself (to get
/// past ad blockers that block the provider's own domain). A path is judged
/// as the browser will read it: joined to the page's address by the URL
/// parser, it must stay on the page's origin (`/\t/evil.example/x.js` is
/// `//evil.example/x.js` to a browser, which strips tabs), and whitespace,
/// control characters and backslashes are refused outright.
fn script_location(s: &At<String>, base_url: &str) -> Result<(String, String), Diagnostic> {
    let v = s.value.trim();
    let refuse = || {
        err(
            s,
            format!(
                "analytics script \"{}\" is neither an https:// URL nor a path on the site",
                v.escape_debug()
            ),
            "write script = \"https://stats.example.com/script.js\" or script = \"/js/script.js\"",
        )
    };
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) || v.contains(['"', '<', '>', '\\']) {
        return Err(refuse());
    }
    if v.starts_with('/') {
        let base = url::Url::parse(base_url).ok();
        let same_site = !v.starts_with("//")
            && !v.contains("..")
            && base.as_ref().is_some_and(|b| {
                b.join(v)
                    .is_ok_and(|j| j.origin() == b.origin() && j.path().starts_with('/'))
            });
        if same_site || (base.is_none() && !v.starts_with("//") && !v.contains("..")) {
            return Ok((v.to_string(), "'self'".into()));
        }
        return Err(refuse());
    }
    match url::Url::parse(v) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {
            Ok((u.to_string(), u.origin().ascii_serialization()))
        }
        _ => Err(refuse()),
    }
}

/// Builds the analytics of a page whose address is `base_url`.
pub fn resolve(input: &AnalyticsInput, base_url: &str) -> Result<Analytics, Diagnostic> {
    let provider = input.provider.value.trim().to_ascii_lowercase();
    let need_id =
        |what: &str, ok: &dyn Fn(&str) -> bool, example: &str| -> Result<String, Diagnostic> {
            match &input.id {
                Some(id) if ok(id.value.trim()) => Ok(id.value.trim().to_string()),
                Some(id) => Err(err(
                    id,
                    format!("\"{}\" is not a valid {what}", id.value),
                    &format!("write id = \"{example}\""),
                )),
                None => Err(err(
                    &input.provider,
                    format!("the {provider} provider needs `id`, the {what}"),
                    &format!("add id = \"{example}\" under [analytics]"),
                )),
            }
        };
    let custom = match &input.script {
        Some(s) => Some(script_location(s, base_url)?),
        None => None,
    };
    let endpoint = match &input.endpoint {
        Some(e) => match script_location(e, base_url) {
            Ok((url, origin)) => Some((url, origin)),
            Err(d) => return Err(d),
        },
        None => None,
    };
    let mut attrs: Vec<(String, String)> = Vec::new();
    let (default_src, mut connect, mut img, call): (String, Vec<String>, Vec<String>, String) =
        match provider.as_str() {
            "plausible" => {
                let domain = match &input.domain {
                    Some(d) => d.value.trim().to_string(),
                    None => url::Url::parse(base_url)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                        .unwrap_or_default(),
                };
                attrs.push(("data-domain".into(), domain));
                if let Some((api, _)) = &endpoint {
                    attrs.push(("data-api".into(), api.clone()));
                }
                (
                "https://plausible.io/js/script.js".into(),
                vec!["https://plausible.io".into()],
                vec![],
                "window.plausible=window.plausible||function(){(plausible.q=plausible.q||[]).push(arguments)};R=function(i,u){plausible(\"Outbound Link\",{props:{id:i,url:u,handle:H,channel:C}})}".into(),
            )
            }
            "umami" => {
                let id = need_id(
                    "Umami website id",
                    &|s: &str| {
                        s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                    },
                    "d3b8c2f4-1111-4c6b-9c1e-0123456789ab",
                )?;
                attrs.push(("data-website-id".into(), id));
                if let Some((api, _)) = &endpoint {
                    attrs.push(("data-host-url".into(), api.clone()));
                }
                (
                    "https://cloud.umami.is/script.js".into(),
                    vec![
                        "https://cloud.umami.is".into(),
                        "https://api-gateway.umami.dev".into(),
                    ],
                    vec![],
                    "R=function(i,u){window.umami&&umami.track(\"outbound\",{id:i,url:u,handle:H,channel:C})}".into(),
                )
            }
            "goatcounter" => {
                let code = need_id(
                    "GoatCounter code",
                    &|s: &str| {
                        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    },
                    "linhreview",
                )?;
                let count = endpoint
                    .as_ref()
                    .map(|(u, _)| u.clone())
                    .unwrap_or_else(|| format!("https://{code}.goatcounter.com/count"));
                attrs.push(("data-goatcounter".into(), count.clone()));
                let o = origin(&count).unwrap_or_else(|| "'self'".into());
                (
                "https://gc.zgo.at/count.js".into(),
                vec![o.clone()],
                vec![o],
                "R=function(i,u){window.goatcounter&&goatcounter.count&&goatcounter.count({path:\"outbound/\"+H+\"/\"+C+\"/\"+i,title:u,event:true})}".into(),
            )
            }
            "ga4" => {
                let id = need_id(
                    "GA4 measurement id",
                    &|s: &str| {
                        s.starts_with("G-")
                            && s.len() > 2
                            && s[2..].chars().all(|c| c.is_ascii_alphanumeric())
                    },
                    "G-ABC123XYZ9",
                )?;
                (
                format!("https://www.googletagmanager.com/gtag/js?id={id}"),
                vec!["https://*.google-analytics.com".into(), "https://*.analytics.google.com".into(), "https://*.googletagmanager.com".into()],
                vec!["https://*.google-analytics.com".into(), "https://*.googletagmanager.com".into()],
                format!("window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag(\"js\",new Date);gtag(\"config\",\"{id}\");R=function(i,u){{gtag(\"event\",\"outbound_click\",{{link_id:i,link_url:u,handle:H,channel:C,transport_type:\"beacon\"}})}}"),
            )
            }
            other => {
                let help = match did_you_mean(other, PROVIDERS.iter().copied()) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("the providers are {}", PROVIDERS.join(", ")),
                };
                return Err(err(
                    &input.provider,
                    format!("unknown analytics provider \"{other}\""),
                    &help,
                ));
            }
        };
    let (src, script_origin) = match custom {
        Some((src, o)) => (src, o),
        None => {
            let o = origin(&default_src).unwrap_or_default();
            (default_src, o)
        }
    };
    if let Some((_, o)) = &endpoint {
        connect = vec![o.clone()];
        if provider == "goatcounter" {
            img = vec![o.clone()];
        }
    } else if script_origin == "'self'" && provider != "ga4" && provider != "goatcounter" {
        // a self-hosted (proxied) script reports to the same site
        connect = vec!["'self'".into()];
    }
    Ok(Analytics {
        provider,
        src,
        attrs,
        inline: call,
        script_src: vec![script_origin],
        connect_src: connect,
        img_src: img,
    })
}

/// `'sha256-…'` of an inline script or style, as CSP wants it.
pub fn csp_hash(source: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(source.as_bytes()))
    )
}

/// The page's one inline script, if it needs one: the analytics click
/// reporter, the coupon copier, or both sharing one listener (a page may run
/// only one inline script, and it must stay under 1 KB).
///
/// The copier makes a tap on a coupon's `<code>` copy it and fills the
/// status element after it with the code's `data-copied` text (the localised
/// "Copied", so the script itself never changes with the language). Without
/// the script, CSS `user-select: all` still selects the code on one tap.
pub fn page_script(analytics: Option<&Analytics>, coupons: bool) -> Option<String> {
    if analytics.is_none() && !coupons {
        return None;
    }
    let mut body = String::new();
    if analytics.is_some() {
        // One listener for every outbound link: the id comes from data-id,
        // so no template needs to know about the provider.
        body.push_str("var a=t.closest(\"a[data-id]\");a&&R(a.getAttribute(\"data-id\"),a.href);");
    }
    if coupons {
        body.push_str("var c=t.closest(\".coupon code\"),n=navigator.clipboard;c&&n&&n.writeText(c.textContent).then(function(){c.nextElementSibling.textContent=c.getAttribute(\"data-copied\")});");
    }
    // H and C: the creator and channel, from the script element's own
    // data-handle and data-channel (read once: currentScript is only set
    // while the script first runs).
    let setup = analytics
        .map(|a| {
            format!(
                "var s=document.currentScript,g=function(k){{return s&&s.getAttribute(\"data-\"+k)||\"\"}},H=g(\"handle\"),C=g(\"channel\"),R;{};",
                a.inline
            )
        })
        .unwrap_or_default();
    Some(format!(
        "(function(){{{setup}document.addEventListener(\"click\",function(e){{var t=e.target;if(t.closest){{{body}}}}},!0)}})()"
    ))
}

/// The Content-Security-Policy of a page: strict by default, with exactly
/// the analytics provider's sources when there is one, and exactly the
/// page's inline script (`script_hashes`) when it has one.
pub fn csp(
    style_hashes: &[String],
    script_hashes: &[String],
    analytics: &[&Analytics],
    frame_ancestors: bool,
) -> String {
    let mut img = vec!["'self'".to_string()];
    let mut connect = vec!["'self'".to_string()];
    let mut script: Vec<String> = Vec::new();
    for a in analytics {
        img.extend(a.img_src.iter().cloned());
        connect.extend(a.connect_src.iter().cloned());
        script.extend(a.script_src.iter().cloned());
    }
    script.extend(script_hashes.iter().cloned());
    for v in [&mut img, &mut connect, &mut script] {
        let mut seen = Vec::new();
        v.retain(|x| {
            let new = !seen.contains(x);
            seen.push(x.clone());
            new
        });
    }
    let mut out = format!(
        "default-src 'none'; img-src {}; style-src {}",
        img.join(" "),
        style_hashes.join(" ")
    );
    if !script.is_empty() {
        out.push_str(&format!("; script-src {}", script.join(" ")));
    }
    out.push_str(&format!(
        "; connect-src {}; base-uri 'none'; form-action 'none'",
        connect.join(" ")
    ));
    if frame_ancestors {
        out.push_str("; frame-ancestors 'none'");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(provider: &str, id: Option<&str>) -> AnalyticsInput {
        AnalyticsInput {
            provider: At::bare(provider.into()),
            id: id.map(|i| At::bare(i.into())),
            domain: None,
            script: None,
            endpoint: None,
        }
    }

    #[test]
    fn plausible_defaults_to_the_site_domain() {
        let a = resolve(&input("plausible", None), "https://linh.example/").unwrap();
        assert_eq!(a.src, "https://plausible.io/js/script.js");
        assert_eq!(
            a.attrs,
            vec![("data-domain".to_string(), "linh.example".to_string())]
        );
        assert_eq!(a.script_src, vec!["https://plausible.io".to_string()]);
        let script = page_script(Some(&a), false).unwrap();
        assert!(script.contains("a[data-id]") && script.contains("Outbound Link"));
        assert!(
            script.contains("props:{id:i,url:u,handle:H,channel:C}"),
            "{script}"
        );
        assert!(script.contains("getAttribute(\"data-\"+k)"), "{script}");
        assert!(!script.contains("coupon"));
        assert!(script.len() < 1024);
    }

    #[test]
    fn every_provider_has_a_small_inline_script_and_exact_sources() {
        for (p, id) in [
            ("umami", Some("d3b8c2f4-1111-4c6b-9c1e-0123456789ab")),
            ("goatcounter", Some("linh")),
            ("ga4", Some("G-ABC123")),
        ] {
            let a = resolve(&input(p, id), "https://linh.example/").unwrap();
            // with the coupon copier too, the one inline script stays small
            let script = page_script(Some(&a), true).unwrap();
            assert!(script.len() < 1024, "{p}: {} bytes", script.len());
            assert!(script.contains("a[data-id]") && script.contains(".coupon code"));
            assert!(
                !a.script_src
                    .iter()
                    .any(|s| s == "*" || s.contains("unsafe")),
                "{p}"
            );
        }
        let g = resolve(&input("goatcounter", Some("linh")), "https://x/").unwrap();
        assert!(
            g.inline.contains("\"outbound/\"+H+\"/\"+C+\"/\"+i"),
            "{}",
            g.inline
        );
        assert_eq!(
            g.connect_src,
            vec!["https://linh.goatcounter.com".to_string()]
        );
    }

    /// Every provider's click event names the creator, the channel and the
    /// link, so reports can attribute clicks per creator and channel.
    #[test]
    fn every_provider_reports_handle_channel_and_id() {
        for (p, id, event) in [
            ("plausible", None, "{id:i,url:u,handle:H,channel:C}"),
            (
                "umami",
                Some("d3b8c2f4-1111-4c6b-9c1e-0123456789ab"),
                "{id:i,url:u,handle:H,channel:C}",
            ),
            (
                "goatcounter",
                Some("linh"),
                "path:\"outbound/\"+H+\"/\"+C+\"/\"+i",
            ),
            (
                "ga4",
                Some("G-ABC123"),
                "link_id:i,link_url:u,handle:H,channel:C",
            ),
        ] {
            let a = resolve(&input(p, id), "https://linh.example/").unwrap();
            assert!(a.inline.contains(event), "{p}: {}", a.inline);
            let script = page_script(Some(&a), true).unwrap();
            assert!(script.contains("H=g(\"handle\"),C=g(\"channel\")"), "{p}");
        }
    }

    #[test]
    fn coupons_alone_get_only_the_copier() {
        assert_eq!(page_script(None, false), None);
        let s = page_script(None, true).unwrap();
        assert!(s.contains(".coupon code") && s.contains("data-copied"));
        assert!(!s.contains("data-id") && !s.contains("var R"));
        assert!(s.len() < 512, "{}", s.len());
        let c = csp(&[], &[csp_hash(&s)], &[], false);
        assert!(c.contains(&format!("script-src {}", csp_hash(&s))));
        assert!(!c.contains("https:"));
    }

    #[test]
    fn self_hosted_scripts_are_same_origin() {
        let mut i = input("plausible", None);
        i.script = Some(At::bare("/js/pa.js".into()));
        let a = resolve(&i, "https://linh.example/").unwrap();
        assert_eq!(a.src, "/js/pa.js");
        assert_eq!(a.script_src[0], "'self'");
        assert_eq!(a.connect_src, vec!["'self'".to_string()]);
        i.script = Some(At::bare("javascript:alert(1)".into()));
        assert!(resolve(&i, "https://linh.example/").is_err());
        i.script = Some(At::bare("/../x.js".into()));
        assert!(resolve(&i, "https://linh.example/").is_err());
        // paths a browser reads as another host
        for evil in [
            "/\t/evil.example/x.js",
            "/\n/evil.example/x.js",
            "//evil.example/x.js",
            "/\\evil.example/x.js",
            "/%09/evil.example/x.js",
        ] {
            i.script = Some(At::bare(evil.into()));
            let r = resolve(&i, "https://linh.example/");
            assert!(
                r.is_err() || r.unwrap().script_src == ["'self'"],
                "{evil:?}"
            );
        }
        i.script = Some(At::bare("/\t/evil.example/x.js".into()));
        assert!(resolve(&i, "https://linh.example/").is_err());
    }

    #[test]
    fn bad_configuration_is_explained() {
        assert!(resolve(&input("plausable", None), "https://x/")
            .unwrap_err()
            .help
            .unwrap()
            .contains("plausible"));
        assert!(resolve(&input("ga4", Some("UA-123")), "https://x/")
            .unwrap_err()
            .message
            .contains("GA4"));
        assert!(resolve(&input("umami", None), "https://x/")
            .unwrap_err()
            .message
            .contains("needs `id`"));
        // an id can never break out of the inline script
        assert!(resolve(&input("ga4", Some("G-1\");alert(1)//")), "https://x/").is_err());
    }

    #[test]
    fn csp_without_analytics_allows_no_script() {
        let c = csp(&["'sha256-x'".into()], &[], &[], true);
        assert!(!c.contains("script-src"));
        assert!(c.contains("default-src 'none'") && c.ends_with("frame-ancestors 'none'"));
        let a = resolve(&input("plausible", None), "https://linh.example/").unwrap();
        let hash = csp_hash(&page_script(Some(&a), false).unwrap());
        let c = csp(
            &["'sha256-x'".into()],
            std::slice::from_ref(&hash),
            &[&a],
            false,
        );
        assert!(c.contains(&format!("script-src https://plausible.io {hash}")));
        assert!(c.contains("connect-src 'self' https://plausible.io"));
    }
}
