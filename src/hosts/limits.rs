//! What each host accepts in one deployment, and the warnings when an
//! output exceeds it. The numbers are the hosts' documented ones (sources in
//! docs/deploy.md); a host without a documented limit has none here.

use super::Host;
use crate::diag::{Diagnostic, Loc};

const MIB: u64 = 1024 * 1024;
const GB: u64 = 1000 * 1000 * 1000;

/// One host's limits per deployment; `None`: none documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// Files in one deployment.
    pub files: Option<u64>,
    /// Entries of one directory (Netlify fails a deploy past it).
    pub dir_entries: Option<u64>,
    /// Bytes of one file.
    pub file_size: Option<u64>,
    /// Bytes of the whole site.
    pub site_size: Option<u64>,
    /// Static redirect rules applied (rules past it are skipped or advised
    /// against).
    pub redirects: Option<u64>,
    /// Header rules applied.
    pub headers: Option<u64>,
}

impl Host {
    pub fn limits(self) -> Limits {
        match self {
            // developers.cloudflare.com/pages/platform/limits/ and
            // …/configuration/redirects/, …/headers/ (wrangler's own
            // MAX_ASSET_COUNT_DEFAULT, MAX_ASSET_SIZE,
            // MAX_STATIC_REDIRECT_RULES, MAX_HEADER_RULES); 20,000 files is
            // the Free plan's (paid plans may enable 100,000)
            Host::Cloudflare => Limits {
                files: Some(20_000),
                file_size: Some(25 * MIB),
                redirects: Some(2_000),
                headers: Some(100),
                ..Limits::default()
            },
            // docs.netlify.com: no limit on files per deploy but 54,000 per
            // directory; past 10,000 redirect rules it advises wildcards and
            // warns that a deploy whose rules are too large may fail
            Host::Netlify => Limits {
                dir_entries: Some(54_000),
                redirects: Some(10_000),
                ..Limits::default()
            },
            // docs.github.com "GitHub Pages limits": published sites no
            // larger than 1 GB; GitHub blocks files over 100 MiB
            Host::GithubPages => Limits {
                file_size: Some(100 * MIB),
                site_size: Some(GB),
                ..Limits::default()
            },
            Host::Nginx | Host::Caddy | Host::S3 | Host::Static => Limits::default(),
        }
    }
}

/// What an output holds, as the limits count it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    /// The largest file: its size and path.
    pub largest: (u64, String),
    /// The directory with the most entries: their number and its path.
    pub fullest_dir: (u64, String),
    pub redirect_rules: u64,
    pub header_rules: u64,
    /// Creators of an agency (0 for one site): past a limit, it says how
    /// many `--shard` deployments would each stay within it.
    pub creators: u64,
    /// Whether `files`, `bytes` and `largest` are lower bounds (`check`
    /// counts files but cannot know an image's size before encoding it).
    pub estimated: bool,
}

/// The warnings for `stats` on `host`, each with a stable code and the
/// numbers, located at `at` (the file that names the host, or the site's).
pub fn check(host: Host, stats: &Stats, at: Option<Loc>) -> Vec<Diagnostic> {
    let l = host.limits();
    let mut out = Vec::new();
    let mut shards = 1u64;
    let about = if stats.estimated { "at least " } else { "" };
    // Fewer go pages mean fewer files but more redirect rules, and the other
    // way round: past both limits only splitting (or another host) helps, so
    // neither warning may suggest what the other one forbids.
    let files_over = l.files.filter(|lim| stats.files > *lim);
    let rules_over = l.redirects.filter(|lim| stats.redirect_rules > *lim);
    // one site has nothing to shard: what makes it large is static/
    let split = if stats.creators == 0 {
        "publish fewer or smaller files from static/ (biopage copies them as they are)"
    } else {
        "split the agency into several deployments with --shard"
    };
    let mut need = |value: u64, limit: u64| {
        // shards are chosen by a hash of the handle, so not exactly even:
        // leave a tenth of each deployment's room free
        let room = (limit - limit / 10).max(1);
        shards = shards.max(value.div_ceil(room));
    };
    if let Some(limit) = files_over {
        need(stats.files, limit);
        out.push(
            Diagnostic::warning(
                "host-files",
                format!(
                    "the output has {about}{} files; {host} accepts at most {} per deployment",
                    thousands(stats.files),
                    thousands(limit)
                ),
            )
            .help(files_help(host, rules_over.is_some(), split)),
        );
    }
    if let Some(limit) = l.dir_entries.filter(|lim| stats.fullest_dir.0 > *lim) {
        need(stats.fullest_dir.0, limit);
        out.push(
            Diagnostic::warning(
                "host-files",
                format!(
                    "{} holds {} entries; {host} fails a deploy with more than {} in one directory",
                    shown_dir(&stats.fullest_dir.1),
                    thousands(stats.fullest_dir.0),
                    thousands(limit)
                ),
            )
            .help(format!("{split} (see docs/deploy.md)")),
        );
    }
    if let Some(limit) = l.file_size.filter(|lim| stats.largest.0 > *lim) {
        out.push(
            Diagnostic::warning(
                "host-file-size",
                format!(
                    "{} is {}; {host} accepts files of at most {}",
                    stats.largest.1,
                    bytes(stats.largest.0),
                    bytes(limit)
                ),
            )
            .help("make the file smaller (a static/ file is copied as it is)"),
        );
    }
    if let Some(limit) = l.site_size.filter(|lim| stats.bytes > *lim) {
        need(stats.bytes, limit);
        out.push(
            Diagnostic::warning(
                "host-site-size",
                format!(
                    "the output is {about}{}; {host} publishes sites of at most {}",
                    bytes(stats.bytes),
                    bytes(limit)
                ),
            )
            .help(format!(
                "{split}, or publish it on a host without a size limit (nginx, caddy, s3)"
            )),
        );
    }
    if let Some(limit) = rules_over {
        need(stats.redirect_rules, limit);
        out.push(
            Diagnostic::warning(
                "host-redirects",
                format!(
                    "_redirects holds {} rules of short links without a go/<id>/ page; {host} applies at most {}, so the rest would answer 404",
                    thousands(stats.redirect_rules),
                    thousands(limit)
                ),
            )
            .help(if files_over.is_some() {
                format!("{split}, or publish with nginx or caddy, which take any number of rules and need no go pages")
            } else {
                "set go_pages = \"all\" (every short link gets a page, and the pages answer past the limit), or publish with nginx or caddy, which take any number of rules".into()
            }),
        );
    }
    if let Some(limit) = l.headers.filter(|lim| stats.header_rules > *lim) {
        out.push(Diagnostic::warning(
            "host-headers",
            format!(
                "_headers holds {} rules; {host} applies at most {}",
                thousands(stats.header_rules),
                thousands(limit)
            ),
        ));
    }
    if stats.creators > 1 && shards > 1 {
        let n = shards.min(stats.creators);
        for d in &mut out {
            if d.code != "host-file-size" && d.code != "host-headers" {
                let help = d.help.take().unwrap_or_default();
                d.help = Some(format!(
                    "{help}; this agency needs {n} deployments of {host}: build each with --shard I/{n} --split (docs/deploy.md, \"Too large for one deployment\")"
                ));
            }
        }
    }
    out.into_iter().map(|d| d.at(at.clone())).collect()
}

/// Where a build's host warnings point: agency.toml or profile.toml.
pub fn host_file(dir: &std::path::Path) -> Option<Loc> {
    let agency = dir.join("agency.toml");
    let file = if agency.is_file() {
        agency
    } else {
        dir.join("profile.toml")
    };
    Some(Loc::file_only(&file))
}

/// `split`: how to make the output smaller (shards for an agency).
fn files_help(host: Host, rules_over: bool, split: &str) -> String {
    match host {
        Host::Cloudflare if rules_over => format!("{split}, or publish with nginx or caddy, which need no go pages (see docs/deploy.md)"),
        Host::Cloudflare => format!("go_pages = \"products\" or false writes fewer files (short links as _redirects rules), or {split} (see docs/deploy.md)"),
        _ => format!("{split} (see docs/deploy.md)"),
    }
}

fn shown_dir(d: &str) -> String {
    if d.is_empty() {
        "the output's root".into()
    } else {
        format!("{d}/")
    }
}

/// 410004 → "410,004".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size as people read it: "25.0 MiB", "1.2 GB" (decimal past a GB, as
/// the hosts write their site limits).
pub fn bytes(n: u64) -> String {
    if n >= GB {
        format!("{:.2} GB", n as f64 / GB as f64)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}
