//! Tagging outbound links with UTM parameters: the heart of biopage.
//!
//! Everything here is a pure function of its arguments, so that the rules of
//! DESIGN.md ("Tracking rules") can be pinned by unit and property tests:
//!
//! * only `http`/`https` destinations are tagged; `mailto:` and `tel:` pass
//!   through; every other scheme is rejected by [`classify`];
//! * existing query pairs keep their order and exact bytes, the fragment
//!   stays last, and an existing `utm_*` key is never overwritten;
//! * values are lowercased, whitespace becomes `-`, and they are
//!   percent-encoded; tagging is idempotent.
//!
//! URLs are parsed with the `url` crate (WHATWG rules, the same a browser
//! applies), never by hand; only the query string is extended textually, because
//! re-serialising it through a form encoder would change the bytes of pairs
//! the merchant's tracking depends on.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

/// The UTM keys biopage manages, in the order it appends them.
pub const UTM_KEYS: &[&str] = &[
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
];

/// The longest tagged URL biopage writes. Browsers take more, but web
/// servers commonly refuse request lines over 8 KB, and a network template
/// could otherwise turn a short profile into megabyte-long links.
pub const MAX_URL: usize = 8192;

/// Past this length a tagged URL is warned about: Cloudflare Pages ignores
/// `_redirects` lines longer than 1,000 characters.
pub const LONG_URL: usize = 1000;

/// The placeholders a UTM value or a network template may use.
pub const PLACEHOLDERS: &[&str] = &["handle", "id", "channel", "kind", "group", "campaign"];

/// Characters percent-encoded in a query value: everything but RFC 3986's
/// unreserved set, so a value can never break out of its pair.
pub const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What kind of destination a link has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// An `http` or `https` URL: tagged.
    Web(Url),
    /// `mailto:` or `tel:`: passed through untouched.
    Contact(String),
}

impl Dest {
    pub fn as_str(&self) -> &str {
        match self {
            Dest::Web(u) => u.as_str(),
            Dest::Contact(s) => s,
        }
    }
}

/// Why a destination was refused, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlProblem {
    pub message: String,
    pub help: String,
}

/// Parses a destination and checks its scheme. Leading and trailing spaces
/// and control characters are ignored exactly as a browser ignores them, so
/// `"  JaVaScRiPt:…"` is caught as the `javascript:` URL it is.
pub fn classify(raw: &str) -> Result<Dest, UrlProblem> {
    let parsed = match Url::parse(raw) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let trimmed = raw.trim();
            let help = if trimmed.contains('.') && !trimmed.contains(' ') {
                format!(
                    "write the full address, for example \"https://{}\"",
                    trimmed.trim_start_matches('/')
                )
            } else {
                "write a full address that starts with https://".to_string()
            };
            return Err(UrlProblem {
                message: format!("\"{}\" is not an absolute URL", short(raw)),
                help,
            });
        }
        Err(e) => {
            return Err(UrlProblem {
                message: format!("\"{}\" is not a valid URL: {e}", short(raw)),
                help: "check the address for typos; it must look like https://example.com/page"
                    .into(),
            })
        }
    };
    match parsed.scheme() {
        "http" | "https" => {
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(UrlProblem {
                    message: format!("\"{}\" has no host", short(raw)),
                    help: "write it as https://host/path".into(),
                });
            }
            Ok(Dest::Web(parsed))
        }
        "mailto" | "tel" => Ok(Dest::Contact(parsed.to_string())),
        other => Err(UrlProblem {
            message: format!("the URL scheme \"{other}:\" is not allowed"),
            help: "only http://, https://, mailto: and tel: links can appear on a page; \
                   anything else (javascript:, data:, file: …) could run code or leak files"
                .into(),
        }),
    }
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(80).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// The values placeholders expand to for one link.
#[derive(Debug, Clone, Default)]
pub struct Vars<'a> {
    pub handle: &'a str,
    pub id: &'a str,
    pub channel: &'a str,
    pub kind: &'a str,
    pub group: &'a str,
    /// The id of the campaign the item came from; empty for the creator's
    /// own items (so `utm_campaign = "{campaign}"` is left out for them).
    pub campaign: &'a str,
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "handle" => self.handle,
            "id" => self.id,
            "channel" => self.channel,
            "kind" => self.kind,
            "group" => self.group,
            "campaign" => self.campaign,
            _ => return None,
        })
    }
}

/// Expands `{placeholder}`s. Unknown placeholders are left as written and
/// returned, so the caller can warn about them; a `{` without a closing `}`
/// is literal text.
pub fn expand<'t>(template: &'t str, vars: &Vars<'_>) -> (String, Vec<&'t str>) {
    expand_with(template, |name| vars.get(name).map(str::to_string))
}

/// Like [`expand`], with a caller-supplied lookup (networks add `{url}` and
/// the `utm_*` values, each encoded for where it lands).
pub fn expand_with(
    template: &str,
    mut lookup: impl FnMut(&str) -> Option<String>,
) -> (String, Vec<&str>) {
    let mut out = String::with_capacity(template.len() + 16);
    let mut unknown = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if !after[..close].contains('{') => {
                let name = &after[..close];
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        unknown.push(name);
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, unknown)
}

/// Normalises a UTM value: trimmed, lowercased, every run of whitespace one
/// `-`, no `-` at either end. Analytics tools treat `TikTok` and `tiktok` as two sources; this keeps
/// a creator's reports in one row.
pub fn normalize(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pending_dash = false;
    for c in value.trim().chars() {
        if c.is_whitespace() {
            pending_dash = true;
            continue;
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        out.extend(c.to_lowercase());
    }
    // "{handle}-{group}" with no group must not end in a dash
    out.trim_matches('-').to_string()
}

/// Percent-encodes a value for a query string or a template slot.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// The decoded keys of a raw query string, in order.
fn query_keys(query: &str) -> impl Iterator<Item = String> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let key = pair.split('=').next().unwrap_or("");
        percent_encoding::percent_decode_str(&key.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    })
}

/// Whether the URL already carries `key` (compared case-insensitively, since
/// a merchant's `UTM_Source` means the same to most analytics).
pub fn has_param(url: &Url, key: &str) -> bool {
    url.query()
        .is_some_and(|q| query_keys(q).any(|k| k.eq_ignore_ascii_case(key)))
}

/// Appends `pairs` (already normalised, not yet encoded) to the query of
/// `url`, skipping keys the URL already has and empty values. Existing bytes
/// are untouched; the fragment stays where the `url` crate keeps it, last.
pub fn append_params(url: &Url, pairs: &[(&str, String)]) -> Url {
    let mut existing: Vec<String> = url
        .query()
        .map(|q| query_keys(q).map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    let mut query = url.query().unwrap_or("").to_string();
    let mut changed = false;
    for (key, value) in pairs {
        if value.is_empty() || existing.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            continue;
        }
        if !query.is_empty() && !query.ends_with('&') {
            query.push('&');
        }
        query.push_str(&encode(key));
        query.push('=');
        query.push_str(&encode(value));
        existing.push(key.to_ascii_lowercase());
        changed = true;
    }
    if !changed {
        return url.clone();
    }
    let mut out = url.clone();
    out.set_query(Some(&query));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tag(u: &str, pairs: &[(&str, &str)]) -> String {
        let url = Url::parse(u).unwrap();
        let pairs: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (*k, normalize(v))).collect();
        append_params(&url, &pairs).to_string()
    }

    #[test]
    fn appends_after_existing_pairs_and_before_fragment() {
        assert_eq!(
            tag(
                "https://shopee.vn/p?sp_atk=Ab%2Fc&x=1#gia-ban",
                &[("utm_source", "TikTok Shop")]
            ),
            "https://shopee.vn/p?sp_atk=Ab%2Fc&x=1&utm_source=tiktok-shop#gia-ban"
        );
    }

    #[test]
    fn never_overwrites_an_existing_utm() {
        assert_eq!(
            tag(
                "https://a.example/?UTM_Source=mine",
                &[("utm_source", "bio"), ("utm_medium", "social")]
            ),
            "https://a.example/?UTM_Source=mine&utm_medium=social"
        );
    }

    #[test]
    fn encodes_values_so_they_cannot_break_out() {
        assert_eq!(
            tag("https://a.example/", &[("utm_campaign", "a&b=c#d Mua sắm")]),
            "https://a.example/?utm_campaign=a%26b%3Dc%23d-mua-s%E1%BA%AFm"
        );
    }

    #[test]
    fn empty_values_are_skipped_and_untagged_urls_stay_identical() {
        assert_eq!(
            tag("https://a.example/x?y", &[("utm_source", "  ")]),
            "https://a.example/x?y"
        );
    }

    #[test]
    fn classify_accepts_web_and_contact_links() {
        assert!(matches!(classify("https://a.example/x"), Ok(Dest::Web(_))));
        assert!(matches!(classify("HTTP://A.example"), Ok(Dest::Web(_))));
        assert_eq!(
            classify("mailto:linh@example.com"),
            Ok(Dest::Contact("mailto:linh@example.com".into()))
        );
        assert!(matches!(classify("tel:+84901234567"), Ok(Dest::Contact(_))));
    }

    #[test]
    fn classify_rejects_dangerous_schemes_in_any_spelling() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "ftp://x.example/",
        ] {
            let err = classify(bad).expect_err(bad);
            assert!(
                err.message.contains("not allowed"),
                "{bad}: {}",
                err.message
            );
        }
    }

    #[test]
    fn classify_explains_missing_scheme() {
        let err = classify("shopee.vn/linh").unwrap_err();
        assert!(err.message.contains("not an absolute URL"));
        assert!(err.help.contains("https://shopee.vn/linh"), "{}", err.help);
    }

    #[test]
    fn expand_substitutes_and_reports_unknown() {
        let vars = Vars {
            handle: "linh",
            id: "serum",
            channel: "tiktok",
            kind: "product",
            group: "",
            campaign: "",
        };
        let (s, unknown) = expand("{handle}-{id}-{chanel}-{", &vars);
        assert_eq!(s, "linh-serum-{chanel}-{");
        assert_eq!(unknown, vec!["chanel"]);
    }

    #[test]
    fn normalize_lowercases_and_dashes() {
        assert_eq!(normalize("  TikTok   Shop\t2027 "), "tiktok-shop-2027");
        assert_eq!(normalize("Tết"), "tết");
        assert_eq!(normalize("linh-"), "linh");
    }

    fn arb_url() -> impl Strategy<Value = String> {
        let host = prop::sample::select(vec![
            "shopee.vn",
            "www.lazada.vn",
            "a.example",
            "xn--bcher-kva.example",
            "127.0.0.1:8080",
        ]);
        let seg = "[a-zA-Z0-9._~%-]{0,8}";
        let key = prop::sample::select(vec![
            "a",
            "utm_source",
            "UTM_MEDIUM",
            "sp_atk",
            "x%20y",
            "q",
            "",
            "utm_content",
        ]);
        let val = "[a-zA-Z0-9%+/._~-]{0,10}";
        let pair = (key, prop::option::of(val)).prop_map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.to_string(),
        });
        (
            prop::sample::select(vec!["http", "https"]),
            host,
            prop::collection::vec(seg, 0..3),
            prop::option::of(prop::collection::vec(pair, 0..5)),
            prop::option::of("[a-zA-Z0-9-]{0,8}"),
        )
            .prop_map(|(scheme, host, segs, pairs, frag)| {
                let mut u = format!("{scheme}://{host}/{}", segs.join("/"));
                if let Some(p) = pairs {
                    u.push('?');
                    u.push_str(&p.join("&"));
                }
                if let Some(f) = frag {
                    u.push('#');
                    u.push_str(&f);
                }
                u
            })
    }

    fn arb_pairs() -> impl Strategy<Value = Vec<(&'static str, String)>> {
        prop::collection::vec(
            (
                prop::sample::select(UTM_KEYS.to_vec()),
                "[ a-zA-Z0-9&=#?%ạắ中{}]{0,12}",
            ),
            0..6,
        )
        .prop_map(|v| v.into_iter().map(|(k, s)| (k, normalize(&s))).collect())
    }

    proptest! {
        #[test]
        fn tagging_keeps_every_existing_pair_scheme_host_path_and_fragment(u in arb_url(), pairs in arb_pairs()) {
            let before = Url::parse(&u).unwrap();
            let after = append_params(&before, &pairs);
            prop_assert_eq!(before.scheme(), after.scheme());
            prop_assert_eq!(before.host_str(), after.host_str());
            prop_assert_eq!(before.port(), after.port());
            prop_assert_eq!(before.path(), after.path());
            prop_assert_eq!(before.fragment(), after.fragment());
            // every existing pair survives byte for byte, in order, as a prefix
            let old_q = before.query().unwrap_or("");
            let new_q = after.query().unwrap_or("");
            prop_assert!(new_q.starts_with(old_q), "{} !~ {}", new_q, old_q);
            // existing utm values are never overwritten
            for (k, _) in &pairs {
                let old: Vec<_> = before.query_pairs().filter(|(x, _)| x.eq_ignore_ascii_case(k)).collect();
                let new: Vec<_> = after.query_pairs().filter(|(x, _)| x.eq_ignore_ascii_case(k)).collect();
                if !old.is_empty() { prop_assert_eq!(old, new); }
            }
        }

        #[test]
        fn tagging_is_idempotent(u in arb_url(), pairs in arb_pairs()) {
            let once = append_params(&Url::parse(&u).unwrap(), &pairs);
            let twice = append_params(&once, &pairs);
            prop_assert_eq!(once.as_str(), twice.as_str());
            // and the string round-trips through a parser unchanged
            let reparsed = Url::parse(once.as_str()).unwrap();
            prop_assert_eq!(reparsed.as_str(), once.as_str());
        }

        #[test]
        fn appended_values_decode_to_the_normalised_value(u in arb_url(), pairs in arb_pairs()) {
            let before = Url::parse(&u).unwrap();
            let after = append_params(&before, &pairs);
            let mut seen = Vec::new();
            for (k, v) in &pairs {
                // the first non-empty value of a key wins, as in precedence
                if v.is_empty() || has_param(&before, k) || seen.contains(k) { continue; }
                seen.push(*k);
                let got: Vec<String> = after.query_pairs().filter(|(x, _)| x == k).map(|(_, v)| v.into_owned()).collect();
                prop_assert_eq!(got.first().map(String::as_str), Some(v.as_str()));
            }
        }

        #[test]
        fn classify_never_panics_and_only_admits_safe_schemes(s in "\\PC{0,40}") {
            if let Ok(d) = classify(&s) {
                let scheme = match &d { Dest::Web(u) => u.scheme().to_string(), Dest::Contact(c) => c.split(':').next().unwrap().to_string() };
                prop_assert!(["http", "https", "mailto", "tel"].contains(&scheme.as_str()));
            }
        }
    }
}
