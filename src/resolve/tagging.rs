//! Tagging: the context every phase reports into (errors, warnings said
//! once, the UTM defaults in precedence order), and the one way a
//! destination becomes the URL a page links to: for items, socials,
//! reviews, and every link inside Markdown ([`Ctx::tagged_markdown`]).

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Loc};
use crate::model::*;
use crate::networks::Network;
use crate::tracking::{self, Dest, Vars};

pub(super) struct Ctx {
    pub(super) utm_defaults: Vec<(String, At<String>)>,
    pub(super) warnings: Diagnostics,
    pub(super) errors: Diagnostics,
    pub(super) warned: std::collections::HashSet<(String, Option<(usize, usize)>)>,
}

pub(super) fn loc_key(loc: &Option<Loc>) -> Option<(usize, usize)> {
    loc.as_ref().map(|l| (l.line, l.col))
}

impl Ctx {
    pub(super) fn error(&mut self, loc: Option<Loc>, message: String, help: String) {
        self.errors
            .push(Diagnostic::error(message).at(loc).help(help));
    }

    /// Warns once per message and place (channel pages repeat the same work).
    pub(super) fn warn(
        &mut self,
        code: &'static str,
        loc: Option<Loc>,
        message: String,
        help: String,
    ) {
        if self.warned.insert((message.clone(), loc_key(&loc))) {
            self.warnings
                .push(Diagnostic::warning(code, message).at(loc).help(help));
        }
    }

    /// The UTM pairs of an item, precedence applied, placeholders expanded,
    /// values normalised.
    pub(super) fn utm_pairs(
        &mut self,
        item: Option<&Item>,
        vars: &Vars<'_>,
    ) -> Vec<(&'static str, String)> {
        let overrides: &[(String, At<String>)] = match item.map(|i| &i.utm) {
            Some(UtmOverride::Off) => return Vec::new(),
            Some(UtmOverride::Set(v)) => v,
            _ => &[],
        };
        let mut out = Vec::new();
        for key in tracking::UTM_KEYS {
            let chosen = overrides
                .iter()
                .rev()
                .chain(self.utm_defaults.iter().rev())
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone());
            let Some(template) = chosen else { continue };
            let (expanded, unknown) = tracking::expand(&template.value, vars);
            for u in unknown {
                let help = match did_you_mean(u, tracking::PLACEHOLDERS.iter().copied()) {
                    Some(s) => format!("did you mean {{{s}}}? It is left as written"),
                    None => format!(
                        "the placeholders are {}; it is left as written",
                        tracking::PLACEHOLDERS
                            .iter()
                            .map(|p| format!("{{{p}}}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                };
                self.warn(
                    "unknown-placeholder",
                    template.loc.clone(),
                    format!("unknown placeholder {{{u}}} in {key}"),
                    help,
                );
            }
            let value = tracking::normalize(&expanded);
            if !value.is_empty() {
                out.push((*key, value));
            }
        }
        out
    }

    /// Tags one destination: UTMs (unless the network forbids), then the
    /// network; the item's own URL is where problems are reported.
    pub(super) fn tag(
        &mut self,
        dest: &Dest,
        item: Option<&Item>,
        network: Option<&Network>,
        vars: &Vars<'_>,
    ) -> String {
        let at = item.and_then(|i| i.url.loc.clone());
        self.tag_at(dest, item, network, vars, at)
    }

    /// [`Ctx::tag`], reporting problems at `at`. A tagged URL is capped at
    /// [`tracking::MAX_URL`] (a network template could otherwise make a
    /// megabyte-long link of a short profile) and warned about past
    /// [`tracking::LONG_URL`], where Cloudflare ignores `_redirects` lines.
    pub(super) fn tag_at(
        &mut self,
        dest: &Dest,
        item: Option<&Item>,
        network: Option<&Network>,
        vars: &Vars<'_>,
        at: Option<Loc>,
    ) -> String {
        let Dest::Web(url) = dest else {
            return dest.as_str().to_string();
        };
        let pairs = self.utm_pairs(item, vars);
        let out = match network {
            None => tracking::append_params(url, &pairs).to_string(),
            Some(n) => {
                let tagged =
                    if n.utm && !matches!(n.rule, crate::networks::Rule::AccessTrade { .. }) {
                        tracking::append_params(url, &pairs)
                    } else {
                        url.clone()
                    };
                let (out, warning) = n.apply(&tagged, &pairs, vars);
                if let Some(w) = warning {
                    self.warn(
                        "affiliate-tag-replaced",
                        at.clone(),
                        w,
                        "remove the other tag from the URL to silence this".into(),
                    );
                }
                out
            }
        };
        if out.len() > tracking::MAX_URL {
            let message = format!(
                "the tagged link of \"{}\" would be {} characters; the most biopage writes is {}",
                vars.id,
                out.len(),
                tracking::MAX_URL
            );
            if self.warned.insert((message.clone(), loc_key(&at))) {
                self.error(
                    at,
                    message,
                    "shorten the destination, the UTM values or the network's template".into(),
                );
            }
            return String::new();
        }
        if out.len() > tracking::LONG_URL {
            self.warn(
                "long-url",
                at,
                format!(
                    "the tagged link of \"{}\" is {} characters long",
                    vars.id,
                    out.len()
                ),
                format!(
                    "Cloudflare Pages ignores _redirects lines over {} characters (its short link then needs its go/ page); shorten the destination or the UTM values",
                    tracking::LONG_URL
                ),
            );
        }
        out
    }

    pub(super) fn classify(&mut self, url: &At<String>, what: &str) -> Option<Dest> {
        match tracking::classify(&url.value) {
            Ok(d) => Some(d),
            Err(p) => {
                self.error(url.loc.clone(), format!("{what}: {}", p.message), p.help);
                None
            }
        }
    }
}

impl Ctx {
    /// The context of one creator: the UTM defaults are the built-in ones,
    /// then the agency's, then the profile's (the last of a key wins).
    pub(super) fn new(site: &Site, agency: Option<&Settings>) -> Ctx {
        let mut utm_defaults: Vec<(String, At<String>)> = super::DEFAULT_UTM
            .iter()
            .map(|(k, v)| (k.to_string(), At::bare(v.to_string())))
            .collect();
        if let Some(a) = agency {
            utm_defaults.extend(a.tracking.utm.iter().cloned());
        }
        utm_defaults.extend(site.settings.tracking.utm.iter().cloned());
        Ctx {
            utm_defaults,
            warnings: Diagnostics::default(),
            errors: Diagnostics::default(),
            warned: Default::default(),
        }
    }

    /// Markdown (a bio, a description) as HTML, every link in it checked and
    /// tagged with `vars`. A link is reported at its own place in the file
    /// (`links`, from load) or else at the value (`at`); with `report`
    /// false (a channel page repeating the main page's work) it is not
    /// reported again. With a bad link the text renders empty.
    pub(super) fn tagged_markdown(
        &mut self,
        text: &str,
        vars: &Vars<'_>,
        links: &[(String, Loc)],
        at: Option<&Loc>,
        what: &str,
        report: bool,
    ) -> String {
        let place = |url: &str| {
            links
                .iter()
                .find(|(x, _)| x == url)
                .map(|(_, l)| l.clone())
                .or_else(|| at.cloned())
        };
        let result = crate::markdown::render(text, |u| match tracking::classify(u) {
            Ok(d) => Ok(self.tag_at(&d, None, None, vars, place(u))),
            Err(p) => Err(crate::markdown::BadLink {
                url: u.to_string(),
                message: p.message,
                help: p.help,
            }),
        });
        match result {
            Ok(html) => html,
            Err(bad) => {
                if report {
                    for b in bad {
                        self.error(
                            place(&b.url),
                            format!("a link in the {what}: {}", b.message),
                            b.help,
                        );
                    }
                }
                String::new()
            }
        }
    }
}

/// Warns about UTM values the normaliser will change, so the value in the
/// file matches what the reports show.
pub(super) fn check_utm_values(ctx: &mut Ctx, values: &[(String, At<String>)]) {
    for (key, v) in values {
        // placeholders expand to "" here: only the written text is judged
        let (written, _) = tracking::expand(&v.value, &Vars::default());
        let normal = tracking::normalize(&written);
        if written != normal && !written.trim().is_empty() {
            ctx.warn(
                "utm-normalized",
                v.loc.clone(),
                format!(
                    "{key} \"{}\" is written as \"{}\" in links",
                    v.value,
                    tracking::normalize(&v.value)
                ),
                format!(
                    "write {key} = \"{}\" to match your reports",
                    tracking::normalize(&v.value)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn utm_precedence_is_built_in_then_agency_then_profile_then_item() {
        let a = agency("base_url = \"https://b.example/{handle}/\"\n[tracking]\nutm_medium = \"agency\"\nutm_campaign = \"camp\"");
        let r = resolve_with(
            "name = \"L\"\nhandle = \"linh\"\n[tracking]\nutm_campaign = \"own\"\n[[links]]\nid = \"x\"\ntitle = \"X\"\nurl = \"https://shop.example/?utm_source=kept\"\nutm = { utm_content = \"item\" }\n",
            None,
            Some(&a),
        )
        .unwrap();
        assert_eq!(
            r.redirects[0].target,
            "https://shop.example/?utm_source=kept&utm_medium=agency&utm_campaign=own&utm_content=item"
        );
    }

    #[test]
    fn markdown_links_are_tagged_and_bad_ones_reported_where_they_are() {
        let r = resolve(&format!("{BASE}bio = \"[shop](https://a.example/)\"\n"));
        assert!(r.pages[0]
            .bio_html
            .contains("https://a.example/?utm_source=bio&amp;utm_medium=social&amp;utm_campaign=linh&amp;utm_content=bio"));
        let e = resolve_with(
            &format!("{BASE}bio = \"\"\"\nok\n[x](javascript:alert(1))\n\"\"\"\n"),
            None,
            None,
        )
        .unwrap_err();
        let d = e
            .iter()
            .find(|d| d.message.contains("a link in the bio"))
            .unwrap();
        assert_eq!(d.loc.as_ref().map(|l| (l.line, l.col)), Some((6, 5)));
    }

    #[test]
    fn overlong_tagged_urls_are_errors_and_long_ones_warnings() {
        let long = "a".repeat(1100);
        let r = resolve(&format!(
            "{BASE}[[links]]\nid = \"l\"\ntitle = \"L\"\nurl = \"https://a.example/{long}\"\n"
        ));
        assert!(r.warnings.iter().any(|w| w.code == "long-url"));
        let huge = "a".repeat(9000);
        let e = resolve_with(
            &format!(
                "{BASE}[[links]]\nid = \"l\"\ntitle = \"L\"\nurl = \"https://a.example/{huge}\"\n"
            ),
            None,
            None,
        )
        .unwrap_err();
        assert!(messages(&e)
            .iter()
            .any(|m| m.contains("the most biopage writes")));
    }
}
