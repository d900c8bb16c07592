//! `biopage check`: everything a build would reject, plus warnings, without
//! writing anything. A gate for CI and for agencies' review of many creators.

use crate::diag::{Diagnostic, Diagnostics, Failure, Loc};
use crate::model::Site;
use crate::pipeline::{self, Renderers};
use crate::resolve::{self, Resolved};
use crate::{hosts, online, tracking};
use rayon::prelude::*;
use std::io::Write as _;
use std::path::Path;

/// The most a page may weigh, gzipped, to arrive in the first round trip.
pub const PAGE_BUDGET: usize = 14 * 1024;
pub use crate::files::REDIRECT_LIMIT;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub resolve: resolve::Options,
    pub online: Option<online::Settings>,
    /// Agency: check only this creator.
    pub only: Option<String>,
}

/// What `check` found: every problem, and for an agency what each of its
/// campaigns reaches.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Diagnostics,
    pub campaigns: Vec<crate::campaign::Summary>,
}

/// Checks a site or an agency; returns every finding, errors and warnings.
pub fn check(dir: &Path, opts: &Options) -> Result<Checked, Failure> {
    if crate::agency::is_agency(dir) {
        return check_agency(dir, opts);
    }
    if opts.only.is_some() {
        return Err(Failure::Environment(anyhow::anyhow!(
            "--only is for agencies (a directory with agency.toml and creators/)"
        )));
    }
    let renderers = Renderers::default();
    let (mut findings, tally) = check_site(dir, None, opts, &renderers);
    let profile = dir.join("profile.toml");
    match tally.host {
        None if tally.pageless > REDIRECT_LIMIT => {
            findings.push(pageless_warning(tally.pageless, &profile));
        }
        Some(host) => {
            let stats = tally.stats(1, true);
            let at = tally.host_loc.clone().or(Some(Loc::file_only(&profile)));
            findings.extend(Diagnostics(hosts::limits::check(host, &stats, at)));
        }
        None => {}
    }
    Ok(Checked {
        findings,
        campaigns: Vec::new(),
    })
}

/// What `check` counts of a site for the host's limits: its short links
/// with and without a page, what its output would weigh (images not yet
/// encoded count as files of no size: a lower bound), and where the host
/// was named.
#[derive(Debug, Default)]
struct Tally {
    pageless: usize,
    paged: usize,
    weight: crate::incremental::Weight,
    host: Option<hosts::Host>,
    host_loc: Option<Loc>,
}

impl Tally {
    fn add(&mut self, other: Tally, handle: &str) {
        self.pageless += other.pageless;
        self.paged += other.paged;
        let (w, o) = (&mut self.weight, other.weight);
        w.files += o.files;
        w.bytes += o.bytes;
        if o.largest > w.largest {
            w.largest = o.largest;
            w.largest_path = format!("{handle}/{}", o.largest_path);
        }
        if o.fullest > w.fullest {
            w.fullest = o.fullest;
            w.fullest_path = format!("{handle}/{}", o.fullest_path)
                .trim_end_matches('/')
                .to_string();
        }
        self.host = self.host.or(other.host);
    }

    /// The output's stats: `creators` sites (0 for one site) plus the root
    /// files and the marker.
    fn stats(&self, creators: usize, single: bool) -> hosts::limits::Stats {
        let w = &self.weight;
        let agency_root = if single { 0 } else { creators as u64 + 4 };
        let (fullest, fullest_path) = if agency_root > w.fullest {
            (agency_root, String::new())
        } else {
            (w.fullest, w.fullest_path.clone())
        };
        let underscore = self.host.is_some_and(hosts::Host::reads_underscore_files);
        hosts::limits::Stats {
            files: w.files + 1 + if single { 0 } else { 4 },
            bytes: w.bytes,
            largest: (w.largest, w.largest_path.clone()),
            fullest_dir: (fullest, fullest_path),
            // what files::capped_redirects writes: every rule without a
            // page, and those with one up to the limit
            redirect_rules: if underscore {
                (self.pageless + self.paged.min(REDIRECT_LIMIT.saturating_sub(self.pageless)))
                    as u64
            } else {
                0
            },
            header_rules: if underscore { 2 } else { 0 },
            creators: if single { 0 } else { creators as u64 },
            estimated: true,
        }
    }
}

/// One site: its errors, or its warnings plus the page-weight check; and the
/// number of its short links that exist only as redirect rules
/// (`go_pages = false`), which nothing answers past the host's limit.
fn check_site(
    dir: &Path,
    agency: Option<&crate::model::Settings>,
    opts: &Options,
    renderers: &Renderers,
) -> (Diagnostics, Tally) {
    match pipeline::prepare(dir, agency, &opts.resolve) {
        Ok((site, resolved)) => {
            check_prepared(dir, site, resolved, agency.is_none(), opts, renderers)
        }
        Err(d) => (d, Tally::default()),
    }
}

/// One creator of an agency, with the agency's own checks (its handle),
/// and the campaigns (indices) that target it.
fn check_creator(
    agency: &crate::agency::Agency,
    c: &crate::agency::Creator,
    opts: &Options,
    renderers: &Renderers,
) -> (Diagnostics, Tally, Vec<usize>) {
    match agency.prepare(c, &opts.resolve) {
        Ok((site, resolved)) => {
            let targeted = agency.campaigns_of(&c.handle, &site);
            let (d, t) = check_prepared(&c.dir, site, resolved, false, opts, renderers);
            (d, t, targeted)
        }
        Err(d) => {
            // still count the creator in its campaigns' summaries
            let targeted = match crate::load::load(&c.dir).site {
                Some(site) if !agency.campaigns.is_empty() => agency.campaigns_of(&c.handle, &site),
                _ => Vec::new(),
            };
            (d, Tally::default(), targeted)
        }
    }
}

fn check_prepared(
    dir: &Path,
    site: Site,
    resolved: Resolved,
    standalone: bool,
    opts: &Options,
    renderers: &Renderers,
) -> (Diagnostics, Tally) {
    let mut findings = resolved.warnings.clone();
    let paged = pipeline::go_page_count(&resolved);
    let mut tally = Tally {
        pageless: resolved.redirects.len() - paged,
        paged,
        host: resolved.host,
        host_loc: site.settings.host.as_ref().and_then(|h| h.loc.clone()),
        ..Tally::default()
    };
    let images = resolved.images.len() as u64;
    let renderer = match renderers.get(dir, &site, &resolved) {
        Ok(r) => r,
        Err(d) => {
            findings.extend(d);
            return (findings, tally);
        }
    };
    let destinations = if opts.online.is_some() {
        destinations(&site, &resolved)
    } else {
        Vec::new()
    };
    match pipeline::render_with(&site, resolved, &renderer, standalone, 1) {
        Err(d) => findings.extend(d),
        Ok(rendered) => {
            // one go/ page was rendered: the others weigh as much
            let mut w = pipeline::weight(&rendered);
            let one_go = rendered
                .files
                .iter()
                .find(|(r, _)| r.starts_with("go/"))
                .map(|(_, b)| b.len() as u64)
                .unwrap_or(0);
            let more = paged.saturating_sub(1) as u64;
            w.files += more + images;
            w.bytes += more * one_go;
            if paged as u64 > w.fullest {
                w.fullest = paged as u64;
                w.fullest_path = "go".into();
            }
            tally.weight = w;
            for (rel, bytes) in rendered
                .files
                .iter()
                .filter(|(r, _)| r.ends_with("index.html") && !r.starts_with("go/"))
            {
                let size = gzipped_len(bytes);
                if size > PAGE_BUDGET {
                    findings.push(
                        Diagnostic::warning(
                            "page-weight",
                            format!("{rel} is {:.1} KB gzipped, over the 14 KB that arrive in the first round trip", size as f64 / 1024.0),
                        )
                        .at(Some(Loc::file_only(&dir.join("profile.toml"))))
                        .help("fewer products or links per page, or a shorter bio, keep the page fast on mobile networks"),
                    );
                }
            }
        }
    }
    if let Some(settings) = &opts.online {
        findings.extend(check_online(&destinations, settings));
    }
    (findings, tally)
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = gz.write_all(bytes);
    gz.finish().map(|v| v.len()).unwrap_or(bytes.len())
}

/// Every http(s) destination of the main page, with where it was written.
fn destinations(site: &Site, resolved: &Resolved) -> Vec<(String, String, Option<Loc>)> {
    let mut out: Vec<(String, String, Option<Loc>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |id: &str, url: &str, loc: Option<Loc>| {
        if url.starts_with("http") && seen.insert(url.to_string()) {
            out.push((id.to_string(), url.to_string(), loc));
        }
    };
    // where each destination was written, looked up once: a page may have a
    // hundred thousand links
    let mut written: std::collections::HashMap<String, Option<Loc>> = Default::default();
    for u in site
        .links
        .iter()
        .chain(site.products.iter())
        .flat_map(|i| std::iter::once(&i.url).chain(i.review.iter()))
        .chain(site.socials.iter().map(|s| &s.url))
    {
        if let Ok(d) = tracking::classify(&u.value) {
            written
                .entry(d.as_str().to_string())
                .or_insert_with(|| u.loc.clone());
        }
    }
    let loc_of = |dest: &str| written.get(dest).cloned().flatten();
    let Some(page) = resolved.pages.first() else {
        return out;
    };
    for s in &page.socials {
        push(&s.platform, &s.dest, loc_of(&s.dest));
    }
    for l in page
        .featured
        .iter()
        .chain(page.groups.iter().flat_map(|g| g.links.iter()))
    {
        push(&l.id, &l.dest, loc_of(&l.dest));
    }
    for product in &page.products {
        let p = &product.item;
        push(&p.id, &p.dest, loc_of(&p.dest));
        if let Some(r) = &product.review_dest {
            push(&format!("{}-review", p.id), r, loc_of(r));
        }
    }
    out
}

fn check_online(
    dests: &[(String, String, Option<Loc>)],
    settings: &online::Settings,
) -> Diagnostics {
    let urls: Vec<String> = dests.iter().map(|(_, u, _)| u.clone()).collect();
    let verdicts = online::check(&urls, settings);
    let mut out = Diagnostics::default();
    for ((id, url, loc), verdict) in dests.iter().zip(verdicts) {
        let d = match verdict {
            online::Verdict::Ok => continue,
            online::Verdict::Dead { status, chain } => {
                let via = if chain.is_empty() { String::new() } else { format!(" (after {})", chain.join(" → ")) };
                Diagnostic::warning("dead-link", format!("\"{id}\" ({url}) answers {status}{via}"))
                    .help("the page is gone or moved: update or remove the link")
            }
            online::Verdict::Unreachable(why) => Diagnostic::warning("dead-link", format!("\"{id}\" ({url}) cannot be reached: {why}"))
                .help("check the address; the host may be down or the domain expired"),
            online::Verdict::Redirected { chain, final_status } => Diagnostic::warning(
                "redirect-chain",
                format!("\"{id}\" ({url}) redirects: {} (final status {final_status})", chain.join(" → ")),
            )
            .help("link to the final address: every hop costs the visitor time and can drop tracking parameters"),
        };
        out.push(d.at(loc.clone()));
    }
    out
}

fn check_agency(dir: &Path, opts: &Options) -> Result<Checked, Failure> {
    let agency = match crate::agency::open(dir) {
        Ok(a) => a,
        Err(Failure::Input(d)) => {
            return Ok(Checked {
                findings: d,
                campaigns: Vec::new(),
            })
        }
        Err(f) => return Err(f),
    };
    let creators = agency.select(opts.only.as_deref())?;
    let renderers = Renderers::default();
    let results: Vec<(Diagnostics, Tally, Vec<usize>)> = creators
        .par_iter()
        .map(|c| check_creator(&agency, c, opts, &renderers))
        .collect();
    let mut findings = Diagnostics::default();
    for (h, d) in &agency.broken {
        if opts.only.as_deref().is_none_or(|o| o == h) {
            findings.extend(d.clone());
        }
    }
    let mut tally = Tally::default();
    let count = results.len();
    let mut targeted: Vec<Vec<&str>> = vec![Vec::new(); agency.campaigns.len()];
    for ((d, t, ts), c) in results.into_iter().zip(&creators) {
        findings.extend(d);
        tally.add(t, &c.handle);
        for i in ts {
            targeted[i].push(c.handle.as_str());
        }
    }
    let campaigns = agency
        .campaigns
        .iter()
        .zip(&targeted)
        .map(|(c, t)| crate::campaign::Summary::new(c, t, opts.resolve.now))
        .collect();
    let agency_toml = dir.join("agency.toml");
    match agency.host(&opts.resolve) {
        // Short links with a go/ page need no warning past the limit: the
        // build writes the first REDIRECT_LIMIT of their rules and the pages
        // answer the rest (see files::capped_redirects).
        None if tally.pageless > REDIRECT_LIMIT => {
            findings.push(pageless_warning(tally.pageless, &agency_toml));
        }
        Some(host) => {
            tally.host = Some(host);
            let at = agency
                .settings
                .host
                .as_ref()
                .and_then(|h| h.loc.clone())
                .or(Some(Loc::file_only(&agency_toml)));
            let stats = tally.stats(count, false);
            findings.extend(Diagnostics(hosts::limits::check(host, &stats, at)));
        }
        None => {}
    }
    Ok(Checked {
        findings,
        campaigns,
    })
}

/// Netlify's advice: past this many redirect rules, use wildcards instead.
const NETLIFY_ADVICE: usize = 10_000;

/// Short links that exist only as `_redirects` lines break past the host's
/// rule limit, and nothing else answers for them.
fn pageless_warning(rules: usize, file: &Path) -> Diagnostic {
    let netlify = if rules > NETLIFY_ADVICE {
        format!("; Netlify advises against more than {NETLIFY_ADVICE} rules and may fail a deploy whose rules are too large")
    } else {
        String::new()
    };
    Diagnostic::warning(
        "redirect-limit",
        format!("{rules} short links exist only as _redirects rules (go_pages = false); Cloudflare Pages applies at most {REDIRECT_LIMIT}, so the rest would answer 404 there{netlify}"),
    )
    .at(Some(Loc::file_only(file)))
    .help("remove go_pages = false, so that every short link also gets its own go/<id>/ page, or publish the creators as several smaller agencies")
}

/// One finding as JSON: severity, code, message, file, line, column, help.
pub fn to_json(d: &Diagnostic) -> serde_json::Value {
    let loc = d.loc.as_deref();
    serde_json::json!({
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "file": loc.map(|l| l.file.display().to_string()),
        "line": loc.filter(|l| l.line > 0).map(|l| l.line),
        "column": loc.filter(|l| l.line > 0).map(|l| l.col),
        "help": d.help,
    })
}
