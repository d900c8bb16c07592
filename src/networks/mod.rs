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
                        tld: match &input.tld {
                            None => None,
                            Some(t) => Some(shopee_tld_setting(t)?),
                        },
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

/// The countries' domains of Shopee: its short-link host is s.shopee.<tld>.
/// Only these become hosts: a `tld` (or a destination) that named another
/// would send every sponsored click to whoever owns that host.
const SHOPEE_TLDS: &[&str] = &[
    "vn", "co.th", "ph", "sg", "com.my", "co.id", "tw", "com.br", "cl", "com.co", "com.mx",
];

/// Shopee's short-link host follows the shop's country: shopee.vn →
/// s.shopee.vn. A host that is not one of Shopee's own gets Vietnam's.
fn shopee_tld(dest: &Url) -> String {
    let host = dest.host_str().unwrap_or("shopee.vn").to_ascii_lowercase();
    SHOPEE_TLDS
        .iter()
        .find(|t| {
            let own = format!("shopee.{t}");
            host == own || host.ends_with(&format!(".{own}"))
        })
        .map(|t| t.to_string())
        .unwrap_or_else(|| "vn".into())
}

/// `tld = "…"` of `[networks.shopee]`: one of Shopee's country domains.
fn shopee_tld_setting(t: &At<String>) -> Result<String, Diagnostic> {
    let v = t.value.trim().trim_start_matches('.').to_ascii_lowercase();
    if SHOPEE_TLDS.contains(&v.as_str()) {
        return Ok(v);
    }
    let help = match crate::diag::did_you_mean(&v, SHOPEE_TLDS.iter().copied()) {
        Some(s) => format!(
            "did you mean \"{s}\"? Shopee's domains: {}",
            SHOPEE_TLDS.join(", ")
        ),
        None => format!("Shopee's domains: {}", SHOPEE_TLDS.join(", ")),
    };
    Err(Diagnostic::error(format!(
        "tld \"{}\" is not one of Shopee's country domains",
        t.value.escape_debug()
    ))
    .at(t.loc.clone())
    .help(help))
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
mod tests;
