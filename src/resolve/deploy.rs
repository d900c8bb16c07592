//! Where the site is published (`[deploy] host`, `--host`) and what follows
//! from it for the pages: which short links get a `go/<id>/` page, and, on
//! GitHub Pages, the address when none is given.

use super::tagging::Ctx;
use super::Options;
use crate::hosts::{GoPages, Host};
use crate::model::*;

/// The host: `--host` > profile.toml > agency.toml. In an agency the output
/// is one deployment, so the host is the agency's: a creator's
/// `[deploy] host` that differs from agency.toml's is an error at its line.
pub(super) fn host(
    site: &Site,
    agency: Option<&Settings>,
    opts: &Options,
    ctx: &mut Ctx,
) -> Option<Host> {
    let own = site.settings.host.as_ref();
    let Some(agency) = agency else {
        return opts.host.or(own.map(|h| h.value));
    };
    let agency_host = agency.host.as_ref().map(|h| h.value);
    // the deployment's host: `--host` wins over agency.toml, so a creator
    // who names the host given on the command line agrees with it
    let deployment = opts.host.or(agency_host);
    if let Some(h) = own.filter(|h| Some(h.value) != deployment) {
        let now = match (opts.host, agency_host) {
            (Some(c), _) => format!("this build publishes to {c} (--host)"),
            (None, Some(c)) => format!("agency.toml publishes to {c}"),
            (None, None) => "agency.toml names no host".into(),
        };
        ctx.error(
            h.loc.clone(),
            format!("[deploy] host = \"{}\" in a creator's profile: {now}", h.value),
            "an agency's creators are published together, as one deployment: set [deploy] host in agency.toml (or pass --host), and remove it from profile.toml".into(),
        );
    }
    deployment
}

/// Which short links get a page: `go_pages` (profile > agency), else the
/// host's default (today's, every one, when no host is named). A setting
/// that leaves short links without a page on a host that cannot redirect
/// (GitHub Pages, S3, plain files) would make them answer 404 there: an
/// error at the line that says it.
pub(super) fn go_pages(
    site: &Site,
    agency: Option<&Settings>,
    host: Option<Host>,
    ctx: &mut Ctx,
) -> GoPages {
    let set = super::settings::layer(&site.settings.go_pages, agency.map(|a| &a.go_pages));
    let Some(set) = set else {
        return host.map(Host::default_go_pages).unwrap_or_default();
    };
    if let Some(h) = host.filter(|h| !h.redirects() && set.value != GoPages::All) {
        let which = match set.value {
            GoPages::Products => "links' short links",
            _ => "short links",
        };
        ctx.error(
            set.loc.clone(),
            format!(
                "go_pages = {} cannot work on {h}: it applies no redirect rules, so the {which} without a go/<id>/ page would answer 404",
                set.value.name()
            ),
            format!("remove go_pages (on {h} every short link gets its page), or publish to a host that redirects (cloudflare, netlify, nginx, caddy)"),
        );
    }
    set.value
}

/// The address when no `--base-url` or `base_url` gives one: on GitHub
/// Pages, the repository's site (`GITHUB_REPOSITORY`, set by GitHub
/// Actions); for an agency, with `{handle}/` below it.
pub fn fallback_base(host: Option<Host>, opts: &Options, agency: bool) -> Option<String> {
    if host != Some(Host::GithubPages) {
        return None;
    }
    let url = crate::hosts::github_pages_url(opts.github_repository.as_deref()?)?;
    Some(if agency {
        format!("{url}{{handle}}/")
    } else {
        url
    })
}
