//! An agency: `agency.toml` and the creators under `creators/<handle>/`.
//!
//! Opening an agency, listing its creators and choosing some of them
//! (`--only`, `--shard`) happen here once, for every command that works on
//! agencies (build, check, links, serve). Each creator is untrusted: its
//! folder must really be inside `creators/` (a symlink out is refused), its
//! name is its handle (and so its output folder), and the names the build
//! writes at the root of the output are reserved.

pub mod build;

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Failure, Loc};
use crate::input::Root;
use crate::model::{Settings, Site};
use crate::resolve::{self, Resolved};
use std::path::{Path, PathBuf};

/// Names an agency writes at the root of its output (and hosts read there),
/// which no creator's folder may take.
pub const RESERVED_HANDLES: &[&str] = &[
    "_headers",
    "_redirects",
    "_routes.json",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
    "favicon.ico",
    "favicon.svg",
    "assets",
    "go",
    "static",
    "campaigns",
    // the hosts' files (see hosts::HOST_FILES; the others start with a dot
    // or an underscore, which no handle does)
    "biopage.nginx.conf",
    "biopage.caddy",
    "biopage.s3.json",
];

pub struct Agency {
    pub dir: PathBuf,
    pub settings: Settings,
    /// Creators that can be built, sorted by handle.
    pub creators: Vec<Creator>,
    /// Folders of `creators/` that are not creators biopage can build (no
    /// `profile.toml`, a name that cannot be a handle, a link out of the
    /// agency), each with why.
    pub broken: Broken,
    /// `campaigns/*.toml`, sorted by id.
    pub campaigns: Vec<crate::campaign::Campaign>,
}

#[derive(Debug, Clone)]
pub struct Creator {
    pub handle: String,
    pub dir: PathBuf,
}

/// Whether `dir` is an agency (it has an agency.toml).
pub fn is_agency(dir: &Path) -> bool {
    dir.join("agency.toml").is_file()
}

/// Opens an agency: reads agency.toml and lists its creators.
pub fn open(dir: &Path) -> Result<Agency, Failure> {
    let settings = crate::load::load_agency(dir)?;
    let mut diags = Diagnostics::default();
    check_template(&settings, &mut diags);
    if diags.has_errors() {
        return Err(Failure::Input(diags));
    }
    let (creators, broken) = list(dir)?;
    let root = Root::open(dir).map_err(|e| Failure::Input(one(crate::load::refused(&e))))?;
    let handles: Vec<&str> = creators
        .iter()
        .map(|c| c.handle.as_str())
        .chain(broken.iter().map(|(h, _)| h.as_str()))
        .collect();
    let tiers = settings.report.tiers.as_ref();
    let (campaigns, mut problems) = crate::campaign::read_all(dir, &root, &handles, tiers);
    if problems.has_errors() {
        let dirs: Vec<(&str, &Path)> = creators
            .iter()
            .map(|c| (c.handle.as_str(), c.dir.as_path()))
            .collect();
        problems.extend(crate::campaign::missing_by_tier(&campaigns, &dirs, tiers));
        return Err(Failure::Input(problems));
    }
    // warnings of the campaign files are shown with every command
    for w in problems.iter() {
        eprint!("{w}");
    }
    Ok(Agency {
        dir: dir.to_path_buf(),
        settings,
        creators,
        broken,
        campaigns,
    })
}

/// An agency's `base_url` names every creator's address, so it must hold
/// `{handle}`: without it every creator would claim the same one.
fn check_template(settings: &Settings, diags: &mut Diagnostics) {
    if let Some(b) = &settings.base_url {
        if !b.value.contains("{handle}") {
            diags.push(
                Diagnostic::error(format!(
                    "an agency's base_url must contain {{handle}}: \"{}\" would give every creator the same address",
                    b.value
                ))
                .at(b.loc.clone())
                .help(format!(
                    "write base_url = \"{}/{{handle}}/\"",
                    b.value.trim_end_matches('/')
                )),
            );
        }
    }
}

/// The creators of the agency at `dir`, sorted by handle, and the folders
/// of `creators/` that cannot be built. Hidden entries and plain files are
/// not creators.
/// Folders of `creators/` that cannot be built, each with why.
pub type Broken = Vec<(String, Diagnostics)>;

pub fn list(dir: &Path) -> Result<(Vec<Creator>, Broken), Failure> {
    let cdir = dir.join("creators");
    let root = Root::open(dir).map_err(|e| Failure::Input(one(crate::load::refused(&e))))?;
    let creators_root = match root.sub(&cdir) {
        Ok(r) => r,
        Err(e) if e.is_missing() => {
            return Err(Failure::Input(one(Diagnostic::error(format!(
                "{} has no creators/ folder",
                dir.display()
            ))
            .at(Some(Loc::file_only(&dir.join("agency.toml"))))
            .help(
                "an agency keeps each creator in creators/<handle>/ with a profile.toml; `biopage init --agency` shows the layout",
            ))))
        }
        Err(e) => return Err(Failure::Input(one(crate::load::refused(&e)))),
    };
    let entries = fs_err::read_dir(&cdir).map_err(|e| {
        Failure::Environment(anyhow::anyhow!("cannot read {}: {e}", cdir.display()))
    })?;
    let mut names: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    names.sort();
    let mut creators = Vec::new();
    let mut broken = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (name, path) in names {
        // a link out of creators/ is refused; a plain file is not a creator
        let real = match creators_root.resolve(&path) {
            Ok(real) => real,
            Err(e) => {
                broken.push((name, one(crate::load::refused(&e))));
                continue;
            }
        };
        if !real.is_dir() {
            continue;
        }
        let problem = |message: String, help: String| {
            one(Diagnostic::error(message)
                .at(Some(Loc::file_only(&path)))
                .help(help))
        };
        if let Some(why) = handle_problem(&name) {
            broken.push((
                name.clone(),
                problem(
                    format!("the creator folder creators/{} {why}", crate::diag::terminal_safe(&name)),
                    "a creator's folder name is its handle and the name of its output folder: use a-z, 0-9, '.', '_' and '-', and none of the names the build writes at the root".into(),
                ),
            ));
            continue;
        }
        if seen.iter().any(|s| s.eq_ignore_ascii_case(&name)) {
            broken.push((
                name.clone(),
                problem(
                    format!("the creator folder creators/{name} differs from another only in case"),
                    "on case-insensitive file systems (macOS, Windows) they are one folder: rename one".into(),
                ),
            ));
            continue;
        }
        seen.push(name.clone());
        if !path.join("profile.toml").is_file()
            && fs_err::symlink_metadata(path.join("profile.toml")).is_err()
        {
            let near: Option<String> = fs_err::read_dir(&path).ok().and_then(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .find(|n| {
                        n.eq_ignore_ascii_case("profile.toml")
                            || did_you_mean(n, ["profile.toml"]).is_some()
                    })
            });
            let help = match near {
                Some(n) => format!("rename {n} to profile.toml (names are case-sensitive)"),
                None => "every folder of creators/ is a creator: add a profile.toml (`biopage init` writes one), or move the folder out of creators/".into(),
            };
            broken.push((
                name.clone(),
                problem(
                    format!("the creator folder creators/{name} has no profile.toml"),
                    help,
                ),
            ));
            continue;
        }
        creators.push(Creator {
            handle: name,
            dir: path,
        });
    }
    Ok((creators, broken))
}

/// Why `name` cannot be a creator's handle, if it cannot.
pub fn handle_problem(name: &str) -> Option<&'static str> {
    let chars_ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !chars_ok {
        return Some("is not a valid handle");
    }
    if RESERVED_HANDLES.contains(&name) {
        return Some("takes a name the build writes at the root of the output");
    }
    None
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

impl Agency {
    /// Every problem of the listing (folders that are not creators).
    pub fn broken_diagnostics(&self) -> Diagnostics {
        let mut all = Diagnostics::default();
        for (_, d) in &self.broken {
            all.extend(d.clone());
        }
        all
    }

    /// The creators a command works on: all of them, or `--only`'s.
    pub fn select(&self, only: Option<&str>) -> Result<Vec<&Creator>, Failure> {
        match only {
            None => Ok(self.creators.iter().collect()),
            Some(h) => {
                find_only(&self.dir, h, &self.handles())?;
                Ok(self.creators.iter().filter(|c| c.handle == h).collect())
            }
        }
    }

    pub fn handles(&self) -> Vec<&str> {
        self.creators
            .iter()
            .map(|c| c.handle.as_str())
            .chain(self.broken.iter().map(|(h, _)| h.as_str()))
            .collect()
    }

    /// Loads and resolves one creator with the agency's defaults, and checks
    /// what only an agency asks of it: its `handle` names its folder.
    pub fn prepare(
        &self,
        creator: &Creator,
        opts: &resolve::Options,
    ) -> Result<(Site, Resolved), Diagnostics> {
        let (site, resolved) =
            crate::pipeline::prepare_with(&creator.dir, Some(&self.settings), opts, |site| {
                self.apply_campaigns(&creator.handle, site, opts.now, false)
            })?;
        if site.handle.value != creator.handle {
            return Err(one(Diagnostic::error(format!(
                "the handle \"{}\" does not match its folder creators/{}/",
                site.handle.value, creator.handle
            ))
            .at(site.handle.loc.clone())
            .help(format!(
                "write handle = \"{}\", or rename the folder; the folder names the creator's output directory",
                creator.handle
            ))));
        }
        Ok((site, resolved))
    }

    /// Adds to a creator's loaded site the items of the campaigns that
    /// target it (see `campaign::apply`); `every_item` keeps the items of
    /// campaigns outside their window (for the report).
    pub fn apply_campaigns(
        &self,
        handle: &str,
        site: &mut Site,
        now: i64,
        every_item: bool,
    ) -> Diagnostics {
        if self.campaigns.is_empty() {
            return Diagnostics::default();
        }
        let mut diags = Diagnostics::default();
        let tiers = self.settings.report.tiers.as_ref();
        let tier = match crate::campaign::target::tier_of(site, tiers) {
            Ok(t) => t,
            Err(e) => {
                diags.push(e);
                None
            }
        };
        let lang = site
            .settings
            .language
            .as_ref()
            .or(self.settings.language.as_ref())
            .and_then(|l| crate::i18n::Lang::parse(&l.value))
            .unwrap_or(crate::i18n::Lang::En);
        let who = crate::campaign::apply::For {
            handle,
            tier: tier.as_deref(),
            lang,
            now,
            every_item,
        };
        diags.extend(crate::campaign::apply::apply(site, &self.campaigns, &who));
        diags
    }

    /// The campaigns (indices into `campaigns`) that target a creator.
    pub fn campaigns_of(&self, handle: &str, site: &Site) -> Vec<usize> {
        let tier = crate::campaign::target::tier_of(site, self.settings.report.tiers.as_ref())
            .ok()
            .flatten();
        self.campaigns
            .iter()
            .enumerate()
            .filter(|(_, c)| crate::campaign::target::targets(c, handle, tier.as_deref()))
            .map(|(i, _)| i)
            .collect()
    }

    /// The template every creator's address is made from: `--base-url`
    /// (with `/{handle}/` added when it has none), else agency.toml's, else
    /// on GitHub Pages the repository's site (see `resolve`).
    pub fn template(&self, opts: &resolve::Options) -> Option<String> {
        template(
            opts.base_url.as_deref(),
            self.settings.base_url.as_ref().map(|b| b.value.as_str()),
        )
        .or_else(|| resolve::fallback_base(self.host(opts), opts, true))
    }

    /// Where the agency is published: `--host`, else agency.toml's
    /// `[deploy] host` (a creator cannot choose: see `resolve`).
    pub fn host(&self, opts: &resolve::Options) -> Option<crate::hosts::Host> {
        opts.host.or(self.settings.host.as_ref().map(|h| h.value))
    }
}

/// See [`Agency::template`].
pub fn template(cli: Option<&str>, agency: Option<&str>) -> Option<String> {
    resolve::agency_template(cli, agency)
}

/// The path at which the agency's output holds a creator, from the host's
/// root: the base path of the template when its last segment is
/// `{handle}` ("https://bio.example/links/{handle}/" → "/links/linh/"),
/// else "/linh/". This, never the creator's own `base_url`, is what the
/// agency's `_redirects` rules of that creator start with.
pub fn creator_path(template: Option<&str>, handle: &str) -> String {
    let prefix = template
        .and_then(crate::files::agency_root)
        .map(|root| crate::text::root_path(&root))
        .unwrap_or_else(|| "/".into());
    format!("{prefix}{handle}/")
}

/// `--only HANDLE` must name one of the agency's creators; a typo gets a
/// suggestion rather than an empty build.
pub fn find_only(dir: &Path, only: &str, handles: &[&str]) -> Result<(), Failure> {
    if handles.contains(&only) {
        return Ok(());
    }
    let help = match did_you_mean(only, handles.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!(
            "the creators are the folders of {}",
            dir.join("creators").display()
        ),
    };
    Err(Failure::Input(one(Diagnostic::error(format!(
        "no creator \"{only}\""
    ))
    .help(help))))
}

/// The shard (1-based) a handle belongs to: FNV-1a of the handle, so a
/// creator keeps its shard when others are added or removed.
pub fn shard_of(handle: &str, n: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in handle.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % n as u64) as u32 + 1
}

/// Parses `--shard I/N`.
pub fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let err = || format!("\"{s}\" is not a shard; write I/N with 1 <= I <= N, e.g. 2/4");
    let (i, n) = s.split_once('/').ok_or_else(err)?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|_| err())?,
        n.trim().parse().map_err(|_| err())?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(err());
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_cover_everyone_once() {
        let handles: Vec<String> = (0..1000).map(|i| format!("creator{i}")).collect();
        for n in 1..6 {
            let mut counts = vec![0; n as usize];
            for h in &handles {
                let s = shard_of(h, n);
                assert!((1..=n).contains(&s));
                counts[(s - 1) as usize] += 1;
                assert_eq!(s, shard_of(h, n));
            }
            assert_eq!(counts.iter().sum::<usize>(), 1000);
            assert!(
                counts.iter().all(|c| *c > 1000 / n as usize / 2),
                "{counts:?}"
            );
        }
    }

    #[test]
    fn shard_flag() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn creator_paths_come_from_the_template_and_handle_only() {
        assert_eq!(
            creator_path(Some("https://bio.example/{handle}/"), "mei"),
            "/mei/"
        );
        assert_eq!(
            creator_path(Some("https://x.example/links/{handle}/"), "mei"),
            "/links/mei/"
        );
        assert_eq!(
            creator_path(Some("https://{handle}.example/"), "mei"),
            "/mei/"
        );
        assert_eq!(creator_path(None, "mei"), "/mei/");
        assert_eq!(
            template(Some("https://preview.example"), None).as_deref(),
            Some("https://preview.example/{handle}/")
        );
    }

    #[test]
    fn reserved_and_malformed_handles() {
        assert!(handle_problem("_headers").is_some());
        assert!(handle_problem("robots.txt").is_some());
        assert!(handle_problem("Mei").is_some());
        assert!(handle_problem("mei").is_none());
    }
}
