//! Campaigns: one brand deal rolled out to many creators of an agency.
//!
//! A campaign is one file, `campaigns/<id>.toml`: a window of dates, the
//! creators it targets (by handle and by tier), their exclusive codes (a
//! CSV beside it), and the links and products every targeted creator's
//! page carries while the window is open. Nothing is copied into the
//! creators' files: the build adds the campaign's items to each targeted
//! creator as it loads them ([`apply`]), tagged with that creator's
//! tracking like their own, so that ending a campaign is deleting a file.
//!
//! Split like the build: [`parse`] reads the file and the codes (every
//! problem located, all at once), [`target`] decides who is in (pure), and
//! [`apply`] turns the campaign into one creator's items (pure). `brief`
//! writes what the brand and the creators are sent.

pub mod apply;
pub mod brief;
mod codes;
mod parse;
pub mod rows;
pub mod target;
#[cfg(test)]
mod tests;

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Loc};
use crate::input::Root;
use crate::model::{At, Instant, Item, UtmOverride};
use crate::report::config::TiersInput;
use std::path::{Path, PathBuf};

pub use codes::{CodeRow, Codes};

/// The folder of an agency that holds its campaigns.
pub const DIR: &str = "campaigns";

/// One campaign, as read from `campaigns/<id>.toml` and checked against
/// the agency (its creators, its tiers).
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The file name without `.toml`: the `{campaign}` placeholder.
    pub id: String,
    pub file: PathBuf,
    pub title: At<String>,
    pub brand: At<String>,
    pub starts: Option<At<Instant>>,
    pub ends: Option<At<Instant>>,
    /// A paid partnership (the default): its items are `rel="sponsored"`
    /// and the page's disclosure names the brand.
    pub sponsored: bool,
    pub creators: Vec<At<String>>,
    pub tiers: Vec<At<String>>,
    pub exclude: Vec<At<String>>,
    pub codes: Option<Codes>,
    pub placement: Placement,
    pub disclosure: Disclosure,
    /// The brand's selling points and do's and don'ts (Markdown), for
    /// `biopage brief`.
    pub brief: Option<At<String>>,
    /// `utm = …` for every item of the campaign (an item's own wins).
    pub utm: UtmOverride,
    /// The `[[links]]`, then the `[[products]]`, each with an id.
    pub items: Vec<Item>,
    /// Where the first use of `{code}` is (`None`: no item needs a code).
    pub code_use: Option<Option<Loc>>,
    /// Where the first use of `{url}` is (`None`: the per-creator `url`
    /// replaces the first link's address).
    pub url_use: Option<Option<Loc>>,
    /// A digest of the campaign's files, so that an agency's incremental
    /// build notices any change to them.
    pub digest: String,
}

/// Where a campaign's items go on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// At the top, with the featured links (the default).
    Featured,
    /// In the group of this name (created when the creator has none).
    Group(String),
}

/// The disclosure a sponsored campaign's pages show.
#[derive(Debug, Clone, PartialEq)]
pub enum Disclosure {
    /// The built-in "Paid partnership with {brand}" in the page's language.
    Builtin,
    /// `disclosure = "…"`: one text for every creator.
    One(At<String>),
    /// `[disclosure]` with a text per language (`vi = "…"`, `en = "…"`).
    PerLanguage(Vec<(String, At<String>)>, Option<Loc>),
}

impl Campaign {
    /// Whether the window is open at `now` (Unix seconds).
    pub fn open_at(&self, now: i64) -> bool {
        self.starts.as_ref().is_none_or(|s| s.value.0 <= now)
            && self.ends.as_ref().is_none_or(|e| now < e.value.0)
    }

    /// The window as people read it: "2026-12-01 – 2026-12-31".
    pub fn window(&self) -> String {
        let day = |i: Instant, end: bool| {
            // `ends = 2026-12-31` is stored as the midnight after it
            let secs = if end { i.0 - 1 } else { i.0 };
            crate::report::date::Day::from_unix(secs).to_string()
        };
        match (&self.starts, &self.ends) {
            (Some(s), Some(e)) => format!("{} – {}", day(s.value, false), day(e.value, true)),
            (Some(s), None) => format!("from {}", day(s.value, false)),
            (None, Some(e)) => format!("until {}", day(e.value, true)),
            (None, None) => "always".into(),
        }
    }

    /// The day a command about this one campaign (`links --campaign`,
    /// `brief`) looks at the pages on when no `--date` is given and the
    /// window is not open `now`: its first day when it has not started, its
    /// last once it ended, with why. `None`: it is open, `now` will do.
    pub fn day_to_show(&self, now: i64) -> Option<(i64, &'static str)> {
        if self.open_at(now) {
            return None;
        }
        Some(match (&self.starts, &self.ends) {
            (Some(s), _) if now < s.value.0 => (s.value.0, "has not started"),
            (_, Some(e)) => (e.value.0 - 1, "has ended"),
            _ => (now, "is not running"),
        })
    }

    /// The first day of the window, if it has one.
    pub fn first_day(&self) -> Option<String> {
        self.starts
            .as_ref()
            .map(|s| crate::report::date::Day::from_unix(s.value.0).to_string())
    }

    /// The last day of the window, for the brief and the poster.
    pub fn deadline(&self) -> Option<String> {
        self.ends
            .as_ref()
            .map(|e| crate::report::date::Day::from_unix(e.value.0 - 1).to_string())
    }

    /// The codes file, for messages.
    pub fn codes_file(&self) -> String {
        self.codes
            .as_ref()
            .map(|k| k.file.display().to_string())
            .unwrap_or_else(|| "the codes file".into())
    }

    /// The creator's row of the codes file.
    pub fn code_of(&self, handle: &str) -> Option<&CodeRow> {
        self.codes.as_ref().and_then(|c| c.get(handle))
    }
}

/// The campaign `id` of an agency, or an error with a "did you mean".
pub fn find<'a>(
    agency: &'a crate::agency::Agency,
    id: &str,
) -> Result<&'a Campaign, crate::diag::Failure> {
    if let Some(c) = agency.campaigns.iter().find(|c| c.id == id) {
        return Ok(c);
    }
    let ids: Vec<&str> = agency.campaigns.iter().map(|c| c.id.as_str()).collect();
    let help = match did_you_mean(id, ids.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None if ids.is_empty() => format!(
            "{} has no campaigns: a campaign is a file campaigns/<id>.toml (see docs/campaigns.md)",
            agency.dir.display()
        ),
        None => format!("the campaigns are: {}", ids.join(", ")),
    };
    Err(crate::diag::Failure::Input(Diagnostics(vec![
        Diagnostic::error(format!("no campaign \"{id}\""))
            .at(Some(Loc::file_only(&agency.dir.join(DIR))))
            .help(help),
    ])))
}

/// What `biopage check` says of a campaign: its window and whom it reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: String,
    pub title: String,
    pub brand: String,
    pub window: String,
    /// "running", "starts on …" or "ended".
    pub state: String,
    /// The creators it targets (of those checked), by handle.
    pub targeted: Vec<String>,
    /// Of those, the ones with a code (a row in the codes file).
    pub with_codes: Vec<String>,
}

impl Summary {
    pub fn new(c: &Campaign, targeted: &[&str], now: i64) -> Summary {
        let state = if c.open_at(now) {
            "running".to_string()
        } else if c.starts.as_ref().is_some_and(|s| now < s.value.0) {
            "not started".to_string()
        } else {
            "ended".to_string()
        };
        Summary {
            id: c.id.clone(),
            title: c.title.value.clone(),
            brand: c.brand.value.clone(),
            window: c.window(),
            state,
            targeted: targeted.iter().map(|h| h.to_string()).collect(),
            with_codes: targeted
                .iter()
                .filter(|h| c.code_of(h).is_some())
                .map(|h| h.to_string())
                .collect(),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let safe = crate::diag::terminal_safe;
        let list = |v: &[String]| {
            let mut shown: Vec<&str> = v.iter().take(12).map(String::as_str).collect();
            let more = v.len().saturating_sub(12);
            let more = (more > 0).then(|| format!("and {more} more"));
            if let Some(m) = &more {
                shown.push(m);
            }
            shown.join(", ")
        };
        writeln!(
            f,
            "campaign {}: \"{}\" for {}, {} ({})",
            self.id,
            safe(&self.title),
            safe(&self.brand),
            self.window,
            self.state
        )?;
        let n = self.targeted.len();
        writeln!(
            f,
            "  targets {n} creator{}{}{}",
            if n == 1 { "" } else { "s" },
            if n > 0 { ": " } else { "" },
            list(&self.targeted)
        )?;
        let missing: Vec<String> = self
            .targeted
            .iter()
            .filter(|h| !self.with_codes.contains(h))
            .cloned()
            .collect();
        write!(f, "  {} with codes", self.with_codes.len())?;
        if !missing.is_empty() {
            write!(f, "; without: {}", list(&missing))?;
        }
        Ok(())
    }
}

/// The campaigns of the agency at `dir`, sorted by id, checked against its
/// creators (`handles`) and `[tiers]`. An agency without `campaigns/` has
/// none. Every problem of every file is reported at once.
pub fn load_all(
    dir: &Path,
    root: &Root,
    handles: &[&str],
    tiers: Option<&TiersInput>,
) -> Result<Vec<Campaign>, Diagnostics> {
    let (campaigns, diags) = read_all(dir, root, handles, tiers);
    if diags.has_errors() {
        Err(diags)
    } else {
        // warnings of the campaign files are shown with every command
        for w in diags.iter() {
            eprint!("{w}");
        }
        Ok(campaigns)
    }
}

/// [`load_all`]'s campaigns as far as they could be read, and every
/// problem found.
pub fn read_all(
    dir: &Path,
    root: &Root,
    handles: &[&str],
    tiers: Option<&TiersInput>,
) -> (Vec<Campaign>, Diagnostics) {
    let cdir = dir.join(DIR);
    let mut diags = Diagnostics::default();
    match root.dir(&cdir) {
        Ok(Some(_)) => {}
        Ok(None) => return (Vec::new(), diags),
        Err(e) => return (Vec::new(), Diagnostics(vec![crate::load::refused(&e)])),
    }
    let files = match root.files(&cdir) {
        Ok(f) => f,
        Err(e) => return (Vec::new(), Diagnostics(vec![crate::load::refused(&e)])),
    };
    let mut campaigns = Vec::new();
    for (path, rel) in files {
        // campaigns/<id>.toml; other files (codes, images) are named by them
        let Some(id) = rel.strip_suffix(".toml") else {
            continue;
        };
        if id.contains('/') {
            diags.push(
                Diagnostic::error(format!(
                    "{} is in a sub-folder of campaigns/, where biopage does not look for campaigns",
                    path.display()
                ))
                .at(Some(Loc::file_only(&path)))
                .help("move it to campaigns/ itself: its file name is the campaign's id"),
            );
            continue;
        }
        if let Some(why) = id_problem(id) {
            diags.push(
                Diagnostic::error(format!("the campaign file name \"{id}.toml\" {why}"))
                    .at(Some(Loc::file_only(&path)))
                    .help(format!(
                        "the file name is the campaign's id ({{campaign}} in tracking); rename it, e.g. {}.toml",
                        crate::text::slugify(id)
                    )),
            );
            continue;
        }
        if let Some(c) = parse::campaign(id, &path, &cdir, root, &mut diags) {
            check(&c, handles, tiers, &mut diags);
            campaigns.push(c);
        }
    }
    campaigns.sort_by(|a, b| a.id.cmp(&b.id));
    (campaigns, diags)
}

/// Why `id` cannot be a campaign id, if it cannot: it is a tracking value
/// and a folder name, like an item's id.
fn id_problem(id: &str) -> Option<&'static str> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    (!ok).then_some("may only use ASCII letters, digits, '-' and '_'")
}

/// The error for a targeted creator without the code the campaign's items
/// need, at the first `{code}`.
pub(crate) fn missing_code(c: &Campaign, handle: &str, at: Option<Loc>) -> Diagnostic {
    let codes_file = c.codes_file();
    Diagnostic::error(format!(
        "the campaign \"{}\" targets \"{handle}\", who has no code: {codes_file} has no row for them",
        c.id
    ))
    .at(at)
    .help(format!(
        "add the line `{handle},<CODE>` to {codes_file}, or add \"{handle}\" to the campaign's `exclude`"
    ))
}

/// When the campaign files have errors, the build stops before reading any
/// creator; but a creator reached by tier without a code is found only in
/// its profile. This reads the profiles of the creators (handle, folder) a
/// campaign may reach by tier, so that those errors come in the same run.
pub fn missing_by_tier(
    campaigns: &[Campaign],
    creators: &[(&str, &Path)],
    tiers: Option<&TiersInput>,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    let needs = |c: &Campaign| c.code_use.is_some() && c.codes.is_some() && !c.tiers.is_empty();
    if !campaigns.iter().any(needs) {
        return out;
    }
    for (handle, dir) in creators {
        let Some(site) = crate::load::load(dir).site else {
            continue;
        };
        let tier = target::tier_of(&site, tiers).ok().flatten();
        for c in campaigns.iter().filter(|c| needs(c)) {
            let named = c.creators.iter().any(|h| h.value == *handle);
            if !named && c.code_of(handle).is_none() && target::targets(c, handle, tier.as_deref())
            {
                out.push(missing_code(c, handle, c.code_use.clone().flatten()));
            }
        }
    }
    out
}

/// What the campaign names must exist in the agency: its creators (in
/// `creators`, `exclude` and the codes) and its tiers.
fn check(c: &Campaign, handles: &[&str], tiers: Option<&TiersInput>, diags: &mut Diagnostics) {
    let unknown_handle = |h: &At<String>, what: &str, diags: &mut Diagnostics| {
        if handles.contains(&h.value.as_str()) {
            return;
        }
        let help = match did_you_mean(&h.value, handles.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => {
                "the creators are the folders of creators/ (a handle is the folder's name)".into()
            }
        };
        diags.push(
            Diagnostic::error(format!(
                "{what} names \"{}\", which is not a creator of the agency",
                h.value
            ))
            .at(h.loc.clone())
            .help(help),
        );
    };
    for h in &c.creators {
        unknown_handle(h, "`creators`", diags);
    }
    for h in &c.exclude {
        unknown_handle(h, "`exclude`", diags);
    }
    if let Some(codes) = &c.codes {
        for row in &codes.rows {
            unknown_handle(&row.handle, "the codes file", diags);
        }
    }
    // Creators named outright need their code now, so that this error comes
    // with every other of the file; those reached by tier are known only
    // once their profiles are read (see `apply`).
    if let Some(at) = &c.code_use {
        for h in &c.creators {
            let known = handles.contains(&h.value.as_str());
            let excluded = c.exclude.iter().any(|x| x.value == h.value);
            if known && !excluded && c.codes.is_some() && c.code_of(&h.value).is_none() {
                diags.push(missing_code(c, &h.value, at.clone()));
            }
        }
    }
    for t in &c.tiers {
        match tiers {
            Some(ts) if ts.has(&t.value) => {}
            Some(ts) => {
                let names: Vec<&str> = ts.tiers.iter().map(|t| t.name.as_str()).collect();
                let help = match did_you_mean(&t.value, names.iter().copied()) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("the tiers of agency.toml are: {}", names.join(", ")),
                };
                diags.push(
                    Diagnostic::error(format!(
                        "the tier \"{}\" is not defined in agency.toml's [tiers]",
                        t.value
                    ))
                    .at(t.loc.clone())
                    .help(help),
                );
            }
            None => diags.push(
                Diagnostic::error(format!(
                    "the campaign targets the tier \"{}\", but agency.toml has no [tiers]",
                    t.value
                ))
                .at(t.loc.clone())
                .help(
                    "add the tiers to agency.toml, e.g. [tiers] nano = 1000, micro = 10000, macro = 50000 (followers)",
                ),
            ),
        }
    }
}
