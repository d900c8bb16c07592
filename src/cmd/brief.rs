//! `biopage brief ID -o OUT`: what an agency sends each creator a campaign
//! targets, written into a directory of its own: `index.html` (the
//! creators, for the agency) and per creator `<handle>/index.html` (the
//! printable brief), `<handle>/poster.png` (1080×1350, to post as it is) and
//! `<handle>/qr.svg` (the QR code of their link).
//!
//! The briefs hold each creator's code and link and are not for the public:
//! the directory may be neither the agency's published output nor inside
//! one, nor hold or sit in anything biopage reads. It is replaced whole and
//! atomically like a report's (see `cmd::report`), and only when it is new,
//! empty, or an earlier brief (its marker).

use crate::campaign::brief::{self, Brief, MARKER};
use crate::campaign::Campaign;
use crate::diag::{Diagnostics, Failure};
use crate::report::date::Day;
use anyhow::Context as _;
use clap::Args as ClapArgs;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The campaign: its file's name in campaigns/ without .toml.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The agency directory (holds agency.toml, creators/ and campaigns/).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to write the briefs: a new or empty directory, or one an earlier
    /// `biopage brief` wrote (it is replaced whole). Never inside the
    /// published site.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub out: PathBuf,
    #[command(flatten)]
    pub resolve: crate::cli::ResolveArgs,
    /// Write only this creator's brief.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
}

/// The folders of an agency that biopage reads (see `agency::build`),
/// and its default output: no brief may be written into any of them.
const AGENCY_FOLDERS: &[&str] = &[
    "creators",
    "campaigns",
    "static",
    "templates",
    "themes",
    "public",
];

impl Args {
    /// The campaign id and the agency: `biopage brief AGENCY ID` (the order
    /// the other commands put the directory in) is taken as meant.
    fn inputs(&self) -> (String, PathBuf) {
        let id_is_agency = crate::agency::is_agency(Path::new(&self.id));
        if id_is_agency && !crate::agency::is_agency(&self.dir) && self.dir != Path::new(".") {
            return (
                self.dir.to_string_lossy().into_owned(),
                PathBuf::from(&self.id),
            );
        }
        (self.id.clone(), self.dir.clone())
    }

    pub fn run(&self) -> Result<(), Failure> {
        let (id, dir) = self.inputs();
        if crate::agency::is_agency(Path::new(&id)) && !crate::agency::is_agency(&dir) {
            return Err(Failure::usage(
                format!("\"{id}\" is an agency, not a campaign's id"),
                format!(
                    "name the campaign too: `biopage brief ID {id} -o OUT`, where ID is the name of a file of {} without .toml",
                    Path::new(&id).join(crate::campaign::DIR).display()
                ),
            ));
        }
        if !crate::agency::is_agency(&dir) {
            return Err(Failure::usage(
                format!(
                    "{} is not an agency: it has no agency.toml",
                    dir.display()
                ),
                "campaigns and their briefs belong to an agency (agency.toml, creators/, campaigns/): give its directory, as in `biopage brief ID AGENCY_DIR -o briefs`, or make one with `biopage init --agency`",
            ));
        }
        check_out(&dir, &self.out)?;
        let agency = crate::agency::open(&dir)?;
        let campaign = crate::campaign::find(&agency, &id)?;
        let points = brief::talking_points(campaign).map_err(Failure::Input)?;
        let mut opts = self.resolve.options();
        match (self.resolve.date, campaign.day_to_show(opts.now)) {
            (None, Some((day, why))) => {
                opts.now = day;
                eprintln!(
                    "note: the campaign \"{id}\" {why}: its briefs show its links as on {} (--date chooses another day)",
                    Day::from_unix(day)
                );
            }
            (Some(date), Some(_)) => {
                return Err(Failure::usage(
                    format!(
                        "the campaign \"{id}\" is not running on {}, so no page carries its links that day (its window: {})",
                        Day::from_unix(date),
                        campaign.window()
                    ),
                    "give a --date inside the window, or leave --date out: the briefs are then made as on a day of the window",
                ));
            }
            _ => {}
        }
        let briefs = self.briefs(&agency, campaign, &opts)?;
        let qr_missing = write(&self.out, &agency, campaign, points.as_deref(), &briefs)?;
        let handles: Vec<&str> = briefs.iter().map(|b| b.handle.as_str()).collect();
        let n = briefs.len();
        eprintln!(
            "wrote {}: index.html, and for {n} creator{} ({}) a brief (index.html), a poster (poster.png) and a QR code (qr.svg)",
            self.out.display(),
            if n == 1 { "" } else { "s" },
            shorten(&handles)
        );
        for b in briefs.iter().filter(|b| b.link_kind == brief::Link::Page) {
            eprintln!(
                "note: the page of {} carries none of the campaign's items (their own items with the same ids replace them): their brief and poster give their page's address, {}",
                b.handle, b.link
            );
        }
        for h in qr_missing {
            eprintln!(
                "warning: the link of {h} is too long for a QR code: their poster shows the code alone; shorten the link or give the agency a base_url"
            );
        }
        Ok(())
    }

    /// The brief of every creator the campaign targets (of `--only`), in
    /// handle order. Every failing creator is reported and nothing is
    /// written unless all of them resolve.
    fn briefs(
        &self,
        agency: &crate::agency::Agency,
        campaign: &Campaign,
        opts: &crate::resolve::Options,
    ) -> Result<Vec<Brief>, Failure> {
        let creators = agency.select(self.only.as_deref())?;
        // A campaign that targets by handle alone: only those need loading.
        let by_handle = |h: &str| campaign.creators.iter().any(|c| c.value == h);
        let candidates: Vec<&crate::agency::Creator> = creators
            .into_iter()
            .filter(|c| !campaign.tiers.is_empty() || by_handle(&c.handle))
            .collect();
        let parts: Vec<Result<Option<(Brief, Diagnostics)>, Diagnostics>> = candidates
            .par_iter()
            .map(|c| {
                let (site, resolved) = agency.prepare(c, opts)?;
                let targeted = agency
                    .campaigns_of(&c.handle, &site)
                    .iter()
                    .any(|&i| agency.campaigns[i].id == campaign.id);
                if !targeted {
                    return Ok(None);
                }
                let b = brief::brief(campaign, &c.handle, &resolved);
                Ok(Some((b, resolved.warnings)))
            })
            .collect();
        let mut errors = Diagnostics::default();
        // a folder the campaign names that is not a creator biopage can build
        for (h, d) in &agency.broken {
            if by_handle(h) && self.only.as_deref().is_none_or(|o| o == h) {
                errors.extend(d.clone());
            }
        }
        let mut briefs = Vec::new();
        for part in parts {
            match part {
                Ok(Some((b, warnings))) => {
                    for w in warnings.iter() {
                        eprint!("{w}");
                    }
                    briefs.push(b);
                }
                Ok(None) => {}
                Err(d) => errors.extend(d),
            }
        }
        if errors.has_errors() {
            return Err(Failure::Input(errors));
        }
        if briefs.is_empty() {
            let id = &campaign.id;
            return Err(match &self.only {
                Some(h) => Failure::usage(
                    format!("the campaign \"{id}\" does not target \"{h}\""),
                    format!(
                        "add \"{h}\" to its `creators` (or their tier to its `tiers`) in {}; `biopage check` lists whom each campaign reaches",
                        campaign.file.display()
                    ),
                ),
                None => Failure::usage(
                    format!("the campaign \"{id}\" targets none of the agency's creators"),
                    format!(
                        "name them in its `creators`, or their tiers in its `tiers`, in {}",
                        campaign.file.display()
                    ),
                ),
            });
        }
        Ok(briefs)
    }
}

/// Up to 12 handles, then how many more.
fn shorten(handles: &[&str]) -> String {
    let mut s = handles
        .iter()
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if handles.len() > 12 {
        s.push_str(&format!(" and {} more", handles.len() - 12));
    }
    s
}

/// `-o OUT` may be replaced whole by briefs: it is not the agency nor holds
/// it, is not inside anything biopage reads or the agency's output
/// (`public/`, or any directory a `biopage build` wrote: the briefs must
/// never be published), and is new, empty, or an earlier brief.
pub fn check_out(agency: &Path, out: &Path) -> Result<(), Failure> {
    let refuse = |why: String, fix: &str| {
        Err(Failure::usage(
            format!("refusing to write the briefs into {}: {why}", out.display()),
            fix.to_string(),
        ))
    };
    let elsewhere = "write them next to the agency's output, e.g. -o briefs in the agency, or a folder outside it";
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse(
            "it is a symbolic link".into(),
            "give the directory it points to with -o",
        );
    }
    let out_abs = crate::emit::absolute(out);
    let agency_abs = crate::emit::absolute(agency);
    if out_abs.parent().is_none() || out.file_name().is_none() {
        return refuse("it is not a directory of its own".into(), elsewhere);
    }
    if agency_abs.starts_with(&out_abs) {
        return refuse(
            format!(
                "it holds the agency {}, and the briefs replace the whole directory",
                agency.display()
            ),
            elsewhere,
        );
    }
    for f in AGENCY_FOLDERS {
        let folder = agency_abs.join(f);
        if out_abs.starts_with(&folder) {
            let what = if *f == "public" {
                "the agency's published output (the briefs hold each creator's code and are not for the public)"
            } else {
                "a folder biopage reads"
            };
            return refuse(
                format!("it is inside {}, {what}", agency.join(f).display()),
                elsewhere,
            );
        }
    }
    // inside any site biopage built (wherever its -o was), or another brief
    for dir in out_abs.ancestors().skip(1) {
        if dir.join(crate::emit::MARKER).is_file() {
            return refuse(
                format!(
                    "it is inside {}, an output biopage wrote (a published site, a report or briefs), which the next run replaces",
                    dir.display()
                ),
                elsewhere,
            );
        }
    }
    if out_abs.is_file() {
        return refuse("it is a file".into(), "choose a directory");
    }
    if out_abs.is_dir() {
        if out_abs.join("profile.toml").exists() || out_abs.join("agency.toml").exists() {
            return refuse(
                "it looks like a site (it has a profile.toml or agency.toml)".into(),
                elsewhere,
            );
        }
        let marked = out_abs.join(MARKER).is_file();
        let empty = std::fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !marked && out_abs.join(crate::emit::MARKER).is_file() {
            return refuse(
                "it is an output biopage wrote for something else (a site or a report)".into(),
                "choose a new or empty directory for the briefs",
            );
        }
        if !marked && !empty {
            return refuse(
                format!("it is not empty and holds no briefs (no {MARKER}), and the briefs replace the whole directory"),
                "choose a new or empty directory, or remove what is in it",
            );
        }
    }
    Ok(())
}

/// Writes the briefs into a staging directory beside `out`, then swaps it
/// in. Returns the creators whose link had no QR code (too long).
fn write(
    out: &Path,
    agency: &crate::agency::Agency,
    campaign: &Campaign,
    points: Option<&str>,
    briefs: &[Brief],
) -> Result<Vec<String>, Failure> {
    let output = crate::emit::claim_judged(out)?;
    let staging = crate::emit::Staging::new(&output)?;
    let lang = agency
        .settings
        .language
        .as_ref()
        .and_then(|l| crate::i18n::Lang::parse(&l.value))
        .unwrap_or(crate::i18n::Lang::En);
    staging.write(
        "index.html",
        brief::index(campaign, briefs, lang).as_bytes(),
    )?;
    staging.write(
        MARKER,
        b"This directory holds campaign briefs written by biopage brief; the next biopage brief with -o replaces it.\n",
    )?;
    let written: Vec<Result<Option<String>, Failure>> = briefs
        .par_iter()
        .map(|b| {
            let w = brief::words(b.lang);
            let qr = crate::qr::code(&b.link).ok();
            let svg = crate::qr::inline_svg(&b.link, w.qr);
            let html = brief::page(campaign, b, points, &svg);
            staging.write(&format!("{}/index.html", b.handle), html.as_bytes())?;
            staging.write(
                &format!("{}/qr.svg", b.handle),
                crate::qr::svg(&b.link).as_bytes(),
            )?;
            let picture = crate::images::poster(&brief::poster_text(campaign, b), qr.as_ref());
            let png = crate::images::png_fast(&picture)
                .map_err(|e| anyhow::anyhow!("cannot encode the poster of {}: {e}", b.handle))?;
            staging
                .write(&format!("{}/poster.png", b.handle), &png)
                .with_context(|| format!("cannot write the poster of {}", b.handle))?;
            Ok(qr.is_none().then(|| b.handle.clone()))
        })
        .collect();
    let mut missing = Vec::new();
    for w in written {
        missing.extend(w?);
    }
    staging.commit("0", crate::emit::Old::Remove)?;
    Ok(missing)
}
