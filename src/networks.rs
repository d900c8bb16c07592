//! Affiliate networks: how a destination becomes a link that pays the
//! creator. Built-in presets cover the networks biopage's users work with;
//! any other network is described by a URL template or by query parameters.
//!
//! Like `tracking`, this module is pure: it turns a destination, the UTM
//! pairs and the placeholder values into a URL.

use crate::diag::Diagnostic;
use crate::model::{At, NetworkInput};
use crate::tracking::{self, Vars};
use url::Url;

#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Amazon Associates: `tag=<id>` on the product URL; `per_channel` tags
    /// win on their channel (`tag` may then be empty: no default).
    Amazon {
        tag: String,
        per_channel: Vec<(String, String)>,
    },
    /// Shopee Affiliate: the destination wrapped in Shopee's `an_redir` link.
    Shopee {
        affiliate_id: String,
        tld: Option<String>,
    },
    /// AccessTrade: the destination wrapped in a deep link; UTMs go on the
    /// tracking link, where AccessTrade reads them as its sub-ids.
    AccessTrade { id: String },
    /// Any network, by a URL template with placeholders.
    Template(String),
    /// Any network, by query parameters appended to the destination.
    Params(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub name: String,
    pub rule: Rule,
    /// Hosts (and their subdomains) whose links use this network automatically.
    pub domains: Vec<String>,
    /// Whether UTMs are added to the destination before it is wrapped.
    pub utm: bool,
}

/// Preset names, for "did you mean" and the README.
pub const PRESETS: &[&str] = &["amazon", "shopee", "accesstrade"];

const AMAZON_DOMAINS: &[&str] = &[
    "amazon.com",
    "amazon.ca",
    "amazon.co.uk",
    "amazon.de",
    "amazon.fr",
    "amazon.it",
    "amazon.es",
    "amazon.co.jp",
    "amazon.com.au",
    "amazon.in",
    "amazon.sg",
    "amazon.nl",
    "amazon.se",
    "amazon.com.mx",
    "amazon.com.br",
];
const SHOPEE_DOMAINS: &[&str] = &[
    "shopee.vn",
    "shopee.co.th",
    "shopee.ph",
    "shopee.sg",
    "shopee.com.my",
    "shopee.co.id",
    "shopee.tw",
    "shopee.com.br",
];

fn need(
    input: &NetworkInput,
    field: &Option<At<String>>,
    key: &str,
    example: &str,
) -> Result<String, Diagnostic> {
    match field {
        Some(v) if !v.value.trim().is_empty() => Ok(v.value.trim().to_string()),
        _ => Err(
            Diagnostic::error(format!("the {} network needs `{key}`", input.name.value))
                .at(input.name.loc.clone())
                .help(format!(
                    "add `{key} = \"{example}\"` under [networks.{}]",
                    input.name.value
                )),
        ),
    }
}

impl Network {
    /// Builds a network from its `[networks.NAME]` table.
    pub fn from_input(input: &NetworkInput) -> Result<Network, Diagnostic> {
        let name = input.name.value.clone();
        let generic = input.template.is_some() || !input.params.is_empty();
        let (rule, default_domains, default_utm): (Rule, &[&str], bool) = if generic {
            if let Some(t) = &input.template {
                check_template(t)?;
                (Rule::Template(t.value.clone()), &[], false)
            } else {
                let params = input
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect();
                (Rule::Params(params), &[], true)
            }
        } else {
            match name.as_str() {
                "amazon" if !input.tags.is_empty() => (
                    Rule::Amazon {
                        tag: input
                            .tags
                            .iter()
                            .find(|(k, _)| k == "default")
                            .map(|(_, v)| v.value.trim().to_string())
                            .unwrap_or_default(),
                        per_channel: input
                            .tags
                            .iter()
                            .filter(|(k, _)| k != "default")
                            .map(|(k, v)| (k.clone(), v.value.trim().to_string()))
                            .collect(),
                    },
                    AMAZON_DOMAINS,
                    true,
                ),
                "amazon" => (
                    Rule::Amazon {
                        tag: need(input, &input.tag, "tag", "yourtag-20")?,
                        per_channel: Vec::new(),
                    },
                    AMAZON_DOMAINS,
                    true,
                ),
                "shopee" => (
                    Rule::Shopee {
                        affiliate_id: need(
                            input,
                            &input.affiliate_id,
                            "affiliate_id",
                            "17300000000",
                        )?,
                        tld: input
                            .tld
                            .as_ref()
                            .map(|t| t.value.trim_start_matches('.').to_string()),
                    },
                    SHOPEE_DOMAINS,
                    false,
                ),
                "accesstrade" => (
                    Rule::AccessTrade {
                        id: need(input, &input.id, "id", "4348614231480407549")?,
                    },
                    &[],
                    true,
                ),
                other => {
                    let help = match crate::diag::did_you_mean(other, PRESETS.iter().copied()) {
                        Some(p) => format!("did you mean the built-in `{p}` preset? Otherwise describe the network with `template = \"https://…{{url}}…\"` or `params = {{ ref = \"…\" }}`"),
                        None => "describe it with `template = \"https://track.example/c?dest={url}\"` or `params = { ref = \"…\" }`; built-in presets: amazon, shopee, accesstrade".into(),
                    };
                    return Err(Diagnostic::error(format!(
                        "`{other}` is not a built-in network and has no `template` or `params`"
                    ))
                    .at(input.name.loc.clone())
                    .help(help));
                }
            }
        };
        let mut domains: Vec<String> = input
            .domains
            .iter()
            .map(|d| {
                d.value
                    .trim()
                    .trim_start_matches("www.")
                    .to_ascii_lowercase()
            })
            .collect();
        if domains.is_empty() {
            domains = default_domains.iter().map(|d| d.to_string()).collect();
        }
        Ok(Network {
            name,
            rule,
            domains,
            utm: input.utm.unwrap_or(default_utm),
        })
    }

    /// Whether a destination host belongs to this network's domains.
    pub fn matches(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.domains
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    }

    /// The final URL of a destination (already carrying UTMs when `self.utm`).
    /// `utm` is the list of UTM pairs, for networks that carry them on the
    /// tracking link. Returns the URL and any warning.
    pub fn apply(
        &self,
        dest: &Url,
        utm: &[(&str, String)],
        vars: &Vars<'_>,
    ) -> (String, Option<String>) {
        match &self.rule {
            Rule::Amazon { tag, per_channel } => {
                let tag = per_channel
                    .iter()
                    .find(|(c, _)| c == vars.channel)
                    .map(|(_, t)| t)
                    .unwrap_or(tag);
                amazon(dest, tag)
            }
            Rule::Shopee { affiliate_id, tld } => {
                let tld = tld.clone().unwrap_or_else(|| shopee_tld(dest));
                let sub: Vec<String> = [vars.handle, vars.channel, vars.id]
                    .iter()
                    .map(|s| {
                        s.chars()
                            .filter(|c| c.is_ascii_alphanumeric())
                            .collect::<String>()
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                (
                    format!(
                        "https://s.shopee.{tld}/an_redir?origin_link={}&affiliate_id={}&sub_id={}",
                        tracking::encode(dest.as_str()),
                        tracking::encode(affiliate_id),
                        tracking::encode(&sub.join("-"))
                    ),
                    None,
                )
            }
            Rule::AccessTrade { id } if !self.utm => {
                let base = Url::parse(&format!(
                    "https://go.isclix.com/deep_link/{}",
                    tracking::encode(id)
                ))
                .expect("a fixed host with an encoded path segment is a valid URL");
                (
                    tracking::append_params(&base, &[("url", dest.as_str().to_string())])
                        .to_string(),
                    None,
                )
            }
            Rule::AccessTrade { id } => {
                let base = Url::parse(&format!(
                    "https://go.isclix.com/deep_link/{}",
                    tracking::encode(id)
                ))
                .expect("a fixed host with an encoded path segment is a valid URL");
                let mut pairs = vec![("url", dest.as_str().to_string())];
                pairs.extend(utm.iter().map(|(k, v)| (*k, v.clone())));
                (tracking::append_params(&base, &pairs).to_string(), None)
            }
            Rule::Template(t) => {
                let (s, _) = tracking::expand_with(t, |name| {
                    let raw = match name {
                        "url" => dest.as_str().to_string(),
                        "handle" => vars.handle.to_string(),
                        "id" => vars.id.to_string(),
                        "channel" => vars.channel.to_string(),
                        "kind" => vars.kind.to_string(),
                        "group" => vars.group.to_string(),
                        k if k.starts_with("utm_") => utm
                            .iter()
                            .find(|(key, _)| *key == k)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default(),
                        _ => return None,
                    };
                    Some(tracking::encode(&raw))
                });
                (s, None)
            }
            Rule::Params(params) => {
                let pairs: Vec<(&str, String)> = params
                    .iter()
                    .map(|(k, v)| (k.as_str(), tracking::expand(v, vars).0))
                    .collect();
                (tracking::append_params(dest, &pairs).to_string(), None)
            }
        }
    }
}

/// With a tag per channel, every channel of the page needs one (or a
/// `default`): an error at the table otherwise, since a link without a tag
/// would pay nobody.
pub fn missing_channel_tag(input: &NetworkInput, channels: &[&str]) -> Option<Diagnostic> {
    if input.name.value != "amazon" || input.tags.is_empty() || input.template.is_some() {
        return None;
    }
    if input.tags.iter().any(|(k, _)| k == "default") {
        return None;
    }
    let missing: Vec<&str> = channels
        .iter()
        .copied()
        .filter(|c| !input.tags.iter().any(|(k, _)| k == c))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let loc = input.tags.first().and_then(|(_, v)| v.loc.clone());
    Some(
        Diagnostic::error(format!(
            "the Amazon tag table has no tag for the channel{} {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
        ))
        .at(loc)
        .help(format!(
            "add {} = \"yourtag-20\" to the table, or default = \"yourtag-20\" for every channel not listed",
            missing[0]
        )),
    )
}

/// Warnings about preset ids that do not look like the network's own
/// (the network would silently pay nobody).
pub fn lint(input: &NetworkInput) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |field: &Option<At<String>>, ok: &dyn Fn(&str) -> bool, what: &str| {
        if let Some(v) = field {
            if !ok(v.value.trim()) {
                out.push(
                    Diagnostic::warning(
                        "network-config",
                        format!("\"{}\" does not look like {what}", v.value),
                    )
                    .at(v.loc.clone())
                    .help("copy it again from the network's dashboard"),
                );
            }
        }
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let tags: Vec<Option<At<String>>> = input.tags.iter().map(|(_, v)| Some(v.clone())).collect();
    match input.name.value.as_str() {
        "amazon" if input.template.is_none() && !tags.is_empty() => {
            for t in &tags {
                check(
                    t,
                    &|s: &str| {
                        let (base, suffix) = s.rsplit_once('-').unwrap_or(("", ""));
                        !base.is_empty()
                            && base
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                            && suffix.len() == 2
                            && suffix.chars().all(|c| c.is_ascii_digit())
                    },
                    "an Amazon Associates tag (like yourname-20)",
                )
            }
        }
        "amazon" if input.template.is_none() => check(
            &input.tag,
            &|s: &str| {
                let (base, suffix) = s.rsplit_once('-').unwrap_or(("", ""));
                !base.is_empty()
                    && base
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && suffix.len() == 2
                    && suffix.chars().all(|c| c.is_ascii_digit())
            },
            "an Amazon Associates tag (like yourname-20)",
        ),
        "shopee" if input.template.is_none() => check(
            &input.affiliate_id,
            &digits,
            "a Shopee affiliate id (digits only)",
        ),
        "accesstrade" if input.template.is_none() => {
            check(&input.id, &digits, "an AccessTrade id (digits only)")
        }
        _ => {}
    }
    out
}

/// Shopee's short-link host follows the shop's country: shopee.vn → s.shopee.vn.
fn shopee_tld(dest: &Url) -> String {
    let host = dest.host_str().unwrap_or("shopee.vn").to_ascii_lowercase();
    match host.find("shopee.") {
        Some(i) => host[i + "shopee.".len()..].to_string(),
        None => "vn".into(),
    }
}

/// Appends `tag=`, or replaces a foreign one in place: a product URL copied
/// from someone else's link would otherwise pay them.
fn amazon(dest: &Url, tag: &str) -> (String, Option<String>) {
    let Some(q) = dest.query() else {
        return (
            tracking::append_params(dest, &[("tag", tag.to_string())]).to_string(),
            None,
        );
    };
    let mut warning = None;
    let mut found = false;
    let parts: Vec<String> = q
        .split('&')
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            if key == "tag" {
                found = true;
                let old = pair.get(4..).unwrap_or("");
                if old != tracking::encode(tag) {
                    warning = Some(format!(
                        "replaced the Amazon tag \"{old}\" in the URL with yours (\"{tag}\")"
                    ));
                }
                format!("tag={}", tracking::encode(tag))
            } else {
                pair.to_string()
            }
        })
        .collect();
    if !found {
        return (
            tracking::append_params(dest, &[("tag", tag.to_string())]).to_string(),
            None,
        );
    }
    let mut out = dest.clone();
    out.set_query(Some(&parts.join("&")));
    (out.to_string(), warning)
}

/// A template must produce an https URL whatever the placeholder values are,
/// and must include the destination.
fn check_template(t: &At<String>) -> Result<(), Diagnostic> {
    let (sample, unknown) = tracking::expand_with(&t.value, |name| match name {
        "url" | "handle" | "id" | "channel" | "kind" | "group" => Some("x".into()),
        k if crate::tracking::UTM_KEYS.contains(&k) => Some("x".into()),
        _ => None,
    });
    if let Some(u) = unknown.first() {
        return Err(Diagnostic::error(format!("unknown placeholder `{{{u}}}` in the network template"))
            .at(t.loc.clone())
            .help("placeholders: {url} {handle} {id} {channel} {kind} {group} and {utm_source} … {utm_id}"));
    }
    if !t.value.contains("{url}") {
        return Err(Diagnostic::error("the network template has no `{url}`")
            .at(t.loc.clone())
            .help("put {url} where the network expects the destination, e.g. \"https://track.example/c?dest={url}\""));
    }
    match Url::parse(&sample) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(()),
        _ => Err(
            Diagnostic::error("the network template is not an http(s) URL")
                .at(t.loc.clone())
                .help("start it with https://"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(name: &str, f: impl FnOnce(&mut NetworkInput)) -> Network {
        let mut input = NetworkInput {
            name: At::bare(name.into()),
            tag: None,
            tags: vec![],
            affiliate_id: None,
            id: None,
            template: None,
            params: vec![],
            domains: vec![],
            utm: None,
            tld: None,
        };
        f(&mut input);
        Network::from_input(&input).unwrap()
    }

    fn vars() -> Vars<'static> {
        Vars {
            handle: "linh.review",
            id: "serum-b5",
            channel: "tiktok",
            kind: "product",
            group: "",
        }
    }

    #[test]
    fn amazon_appends_and_replaces_foreign_tags() {
        let n = net("amazon", |i| i.tag = Some(At::bare("linh-20".into())));
        let u = Url::parse("https://www.amazon.com/dp/B0X?th=1#r").unwrap();
        assert!(n.matches(&u));
        assert_eq!(
            n.apply(&u, &[], &vars()).0,
            "https://www.amazon.com/dp/B0X?th=1&tag=linh-20#r"
        );
        let u = Url::parse("https://www.amazon.com/dp/B0X?tag=other-20&th=1").unwrap();
        let (s, w) = n.apply(&u, &[], &vars());
        assert_eq!(s, "https://www.amazon.com/dp/B0X?tag=linh-20&th=1");
        assert!(w.unwrap().contains("other-20"));
    }

    #[test]
    fn amazon_tags_per_channel() {
        let n = net("amazon", |i| {
            i.tags = vec![
                ("tiktok".into(), At::bare("linhtt-20".into())),
                ("default".into(), At::bare("linh-20".into())),
            ]
        });
        let u = Url::parse("https://www.amazon.com/dp/B0X").unwrap();
        assert_eq!(
            n.apply(&u, &[], &vars()).0,
            "https://www.amazon.com/dp/B0X?tag=linhtt-20"
        );
        let yt = Vars {
            channel: "youtube",
            ..vars()
        };
        assert_eq!(
            n.apply(&u, &[], &yt).0,
            "https://www.amazon.com/dp/B0X?tag=linh-20"
        );
        let mut input = NetworkInput {
            name: At::bare("amazon".into()),
            tag: None,
            tags: vec![("tiktok".into(), At::bare("linhtt-20".into()))],
            affiliate_id: None,
            id: None,
            template: None,
            params: vec![],
            domains: vec![],
            utm: None,
            tld: None,
        };
        let e = missing_channel_tag(&input, &["bio", "tiktok"]).unwrap();
        assert!(e.message.contains("\"bio\""), "{}", e.message);
        assert!(missing_channel_tag(&input, &["tiktok"]).is_none());
        input
            .tags
            .push(("default".into(), At::bare("linh-20".into())));
        assert!(missing_channel_tag(&input, &["bio", "tiktok"]).is_none());
        input
            .tags
            .push(("youtube".into(), At::bare("Bad Tag".into())));
        assert_eq!(lint(&input).len(), 1);
    }

    #[test]
    fn shopee_wraps_in_an_redir() {
        let n = net("shopee", |i| {
            i.affiliate_id = Some(At::bare("17300000000".into()))
        });
        assert!(!n.utm);
        let u = Url::parse("https://shopee.vn/product/123/456?sp_atk=a").unwrap();
        assert_eq!(
            n.apply(&u, &[], &vars()).0,
            "https://s.shopee.vn/an_redir?origin_link=https%3A%2F%2Fshopee.vn%2Fproduct%2F123%2F456%3Fsp_atk%3Da&affiliate_id=17300000000&sub_id=linhreview-tiktok-serumb5"
        );
    }

    #[test]
    fn accesstrade_carries_utms_on_the_deep_link() {
        let n = net("accesstrade", |i| i.id = Some(At::bare("4348".into())));
        let u = Url::parse("https://tiki.vn/p/1?spid=2").unwrap();
        let utm = [
            ("utm_source", "tiktok".to_string()),
            ("utm_content", "serum-b5".to_string()),
        ];
        assert_eq!(
            n.apply(&u, &utm, &vars()).0,
            "https://go.isclix.com/deep_link/4348?url=https%3A%2F%2Ftiki.vn%2Fp%2F1%3Fspid%3D2&utm_source=tiktok&utm_content=serum-b5"
        );
    }

    #[test]
    fn template_encodes_every_value_for_its_slot() {
        let n = net("mynet", |i| {
            i.template = Some(At::bare(
                "https://t.example/c?dest={url}&sub={handle}-{id}&s={utm_source}".into(),
            ))
        });
        let u = Url::parse("https://shop.example/a?b=1&c=2#f").unwrap();
        assert_eq!(
            n.apply(&u, &[("utm_source", "tik tok&x".into())], &vars()).0,
            "https://t.example/c?dest=https%3A%2F%2Fshop.example%2Fa%3Fb%3D1%26c%3D2%23f&sub=linh.review-serum-b5&s=tik%20tok%26x"
        );
    }

    #[test]
    fn params_are_appended_without_overwriting() {
        let n = net("ref", |i| {
            i.params = vec![
                ("ref".into(), At::bare("{handle}".into())),
                ("a".into(), At::bare("z".into())),
            ]
        });
        let u = Url::parse("https://shop.example/?a=1").unwrap();
        assert_eq!(
            n.apply(&u, &[], &vars()).0,
            "https://shop.example/?a=1&ref=linh.review"
        );
    }

    #[test]
    fn bad_templates_and_unknown_networks_are_errors() {
        let mut input = NetworkInput {
            name: At::bare("x".into()),
            tag: None,
            tags: vec![],
            affiliate_id: None,
            id: None,
            template: Some(At::bare("https://t.example/?d={dest}".into())),
            params: vec![],
            domains: vec![],
            utm: None,
            tld: None,
        };
        assert!(Network::from_input(&input)
            .unwrap_err()
            .message
            .contains("unknown placeholder"));
        input.template = Some(At::bare("javascript:{url}".into()));
        assert!(Network::from_input(&input)
            .unwrap_err()
            .message
            .contains("not an http"));
        input.template = None;
        input.name = At::bare("amazn".into());
        let e = Network::from_input(&input).unwrap_err();
        assert!(e.help.unwrap().contains("amazon"));
        input.name = At::bare("shopee".into());
        assert!(Network::from_input(&input)
            .unwrap_err()
            .message
            .contains("affiliate_id"));
    }

    /// Wrapping networks carry the destination as one query value: whatever
    /// the destination holds (`&`, `=`, `+`, `%`, `#`, non-ASCII …), decoding
    /// that value gives back exactly the destination that went in.
    mod wrapped_destinations {
        use super::*;
        use proptest::prelude::*;

        fn arb_dest() -> impl Strategy<Value = Url> {
            (
                prop::sample::select(vec!["http", "https"]),
                "[a-z0-9]{1,10}(-[a-z0-9]{1,4})?\\.(vn|com|co\\.th|example|đà-lạt\\.vn)",
                prop::option::of(1u16..65535),
                prop::collection::vec("[a-zA-Z0-9._~%+ạ中 -]{0,8}", 0..4),
                prop::collection::vec(
                    ("[a-zA-Z_]{1,6}", "[ a-zA-Z0-9&=+%/?:@;,ạ中.-]{0,10}"),
                    0..5,
                ),
                prop::option::of("[a-zA-Z0-9 #?&=%/+中-]{0,10}"),
            )
                .prop_filter_map(
                    "an http(s) URL",
                    |(scheme, host, port, path, query, fragment)| {
                        let mut s = format!("{scheme}://{host}");
                        if let Some(p) = port {
                            s.push_str(&format!(":{p}"));
                        }
                        for seg in path {
                            s.push('/');
                            s.push_str(&seg);
                        }
                        if !query.is_empty() {
                            let pairs: Vec<String> =
                                query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                            s.push_str("/?");
                            s.push_str(&pairs.join("&"));
                        }
                        if let Some(f) = fragment {
                            s.push('#');
                            s.push_str(&f);
                        }
                        Url::parse(&s).ok()
                    },
                )
        }

        fn arb_utm() -> impl Strategy<Value = Vec<(&'static str, String)>> {
            prop::collection::vec(
                (
                    prop::sample::select(tracking::UTM_KEYS.to_vec()),
                    "[ a-zA-Z0-9&=#?%+ạ中]{0,8}",
                ),
                0..4,
            )
            .prop_map(|v| {
                v.into_iter()
                    .map(|(k, s)| (k, tracking::normalize(&s)))
                    .collect()
            })
        }

        /// The single decoded value of `key` in the wrapped link's query.
        fn decoded(wrapped: &str, key: &str) -> Result<String, TestCaseError> {
            let u =
                Url::parse(wrapped).map_err(|e| TestCaseError::fail(format!("{wrapped}: {e}")))?;
            let values: Vec<String> = u
                .query_pairs()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .collect();
            prop_assert_eq!(values.len(), 1, "{} in {}", key, wrapped);
            prop_assert_eq!(u.fragment(), None, "a fragment escaped: {}", wrapped);
            Ok(values[0].clone())
        }

        proptest! {
            #[test]
            fn shopee_origin_link_decodes_to_the_destination(
                dest in arb_dest(),
                handle in "[a-z0-9._&=#-]{0,8}",
                id in "[a-z0-9&=#% -]{0,8}",
            ) {
                let n = net("shopee", |i| i.affiliate_id = Some(At::bare("173&x=1".into())));
                let v = Vars { handle: &handle, id: &id, channel: "tik tok", kind: "product", group: "" };
                let (wrapped, _) = n.apply(&dest, &[], &v);
                prop_assert!(wrapped.starts_with("https://s.shopee."), "{}", wrapped);
                prop_assert_eq!(decoded(&wrapped, "origin_link")?, dest.as_str());
                prop_assert_eq!(decoded(&wrapped, "affiliate_id")?, "173&x=1");
            }

            #[test]
            fn accesstrade_url_decodes_to_the_destination(dest in arb_dest(), utm in arb_utm()) {
                let n = net("accesstrade", |i| i.id = Some(At::bare("4348".into())));
                let (wrapped, _) = n.apply(&dest, &utm, &vars());
                prop_assert!(wrapped.starts_with("https://go.isclix.com/deep_link/4348?"), "{}", wrapped);
                prop_assert_eq!(decoded(&wrapped, "url")?, dest.as_str());
            }

            #[test]
            fn template_url_decodes_to_the_destination(dest in arb_dest(), utm in arb_utm()) {
                let n = net("mynet", |i| {
                    i.template = Some(At::bare("https://t.example/c?dest={url}".into()))
                });
                let (wrapped, _) = n.apply(&dest, &utm, &vars());
                prop_assert!(wrapped.starts_with("https://t.example/c?dest="), "{}", wrapped);
                prop_assert_eq!(decoded(&wrapped, "dest")?, dest.as_str());
            }
        }
    }
}
