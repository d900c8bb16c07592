//! `biopage init`: a working site to start from.

use crate::diag::Failure;
use crate::i18n::{Lang, SUPPORTED_LANGUAGES};
use anyhow::{bail, Context as _};
use clap::Args as ClapArgs;
use std::path::{Path, PathBuf};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Where to create the site (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Create an agency instead: agency.toml, two creators and a campaign.
    #[arg(long)]
    pub agency: bool,
    /// The language of the page and of the scaffold's text and comments:
    /// en, vi, zh-Hans or zh-Hant.
    #[arg(long, value_name = "TAG", default_value = "en", value_parser = parse_language)]
    pub language: Lang,
}

/// The scaffold of each language: profile.toml and products.toml.
fn scaffold(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (
            include_str!("../../templates/init/en/profile.toml"),
            include_str!("../../templates/init/en/products.toml"),
        ),
        Lang::Vi => (
            include_str!("../../templates/init/vi/profile.toml"),
            include_str!("../../templates/init/vi/products.toml"),
        ),
        Lang::ZhHans => (
            include_str!("../../templates/init/zh-Hans/profile.toml"),
            include_str!("../../templates/init/zh-Hans/products.toml"),
        ),
        Lang::ZhHant => (
            include_str!("../../templates/init/zh-Hant/profile.toml"),
            include_str!("../../templates/init/zh-Hant/products.toml"),
        ),
    }
}

/// `--language`: one of the supported tags (or a tag that maps to one, as
/// in profile.toml: zh-CN, zh-TW …).
fn parse_language(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| {
        let hint = crate::diag::did_you_mean(s, SUPPORTED_LANGUAGES.iter().copied())
            .map(|m| format!("did you mean {m}? "))
            .unwrap_or_default();
        format!(
            "\"{s}\" is not a language biopage speaks; {hint}use one of {}",
            SUPPORTED_LANGUAGES.join(", ")
        )
    })
}

/// What version control should leave out: the output and what biopage
/// keeps beside it (image cache, incremental record, its key, the lock).
const GITIGNORE: &str =
    "# biopage's output and what it keeps beside it\n/public/\n/.public.biopage-*\n";

/// What an agency's also leaves out: the briefs of its campaigns
/// (`biopage brief ID -o briefs`, as the example campaign says), which hold
/// every creator's code.
const BRIEFS_GITIGNORE: &str =
    "# campaign briefs (biopage brief ID -o briefs): every creator's code\n/briefs/\n/.briefs.biopage-*\n";

const AVATAR: &[u8] = include_bytes!("../assets/placeholder-avatar.png");
const PRODUCT: &[u8] = include_bytes!("../assets/placeholder-product.png");

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        let shown = self.dir.display();
        if self.agency {
            init_agency(&self.dir, self.language)?;
            println!("Created a biopage agency in {shown} with creators linh and mei, and a campaign for both.\n\nNext:\n  edit {shown}/agency.toml, {shown}/creators/*/profile.toml and {shown}/campaigns/*.toml\n  biopage serve {shown} --only linh   # preview a creator at http://127.0.0.1:1111/linh/\n  biopage check {shown}               # every problem, before you publish\n  biopage build {shown}               # writes {shown}/public/<handle>/");
            return Ok(());
        }
        init(&self.dir, self.language)?;
        println!("Created a biopage site in {shown}.\n\nNext:\n  edit {shown}/profile.toml and {shown}/products.toml\n  biopage serve {shown}   # preview at http://127.0.0.1:1111/, reloads on every save\n  biopage check {shown}   # every problem, before you publish\n  biopage build {shown}   # writes {shown}/public/");
        Ok(())
    }
}

pub fn init(dir: &Path, lang: Lang) -> anyhow::Result<()> {
    if dir.join("profile.toml").exists() {
        bail!(
            "{} already has a profile.toml; biopage init never overwrites a site",
            dir.display()
        );
    }
    let (profile, products) = scaffold(lang);
    write_new(
        dir,
        &[
            ("profile.toml", profile.as_bytes()),
            ("products.toml", products.as_bytes()),
            ("images/avatar.png", AVATAR),
            ("images/product.png", PRODUCT),
            (".gitignore", GITIGNORE.as_bytes()),
        ],
    )
}

/// An agency with two creators, so the layout and the precedence of
/// agency.toml under profile.toml are visible from the start.
pub fn init_agency(dir: &Path, lang: Lang) -> anyhow::Result<()> {
    if dir.join("agency.toml").exists() {
        bail!(
            "{} already has an agency.toml; biopage init never overwrites a site",
            dir.display()
        );
    }
    let agency = include_str!("../../templates/init/agency/agency.toml").replace(
        "language = \"en\"",
        &format!("language = \"{}\"", lang.html_lang()),
    );
    // The example campaign runs from today for four weeks, so that it is
    // on the pages the first build makes.
    let today = crate::cli::now().div_euclid(86_400);
    let day = |d: i64| crate::report::date::Day(d as i32).to_string();
    let campaign = include_str!("../../templates/init/agency/campaign.toml")
        .replace("{STARTS}", &day(today))
        .replace("{ENDS}", &day(today + 27));
    let ignore = format!("{GITIGNORE}{BRIEFS_GITIGNORE}");
    write_new(
        dir,
        &[
            ("agency.toml", agency.as_bytes()),
            ("campaigns/glow-lab-launch.toml", campaign.as_bytes()),
            (
                "campaigns/glow-lab-launch-codes.csv",
                include_bytes!("../../templates/init/agency/campaign-codes.csv"),
            ),
            ("campaigns/glow-serum.png", PRODUCT),
            (
                "creators/linh/profile.toml",
                include_bytes!("../../templates/init/agency/linh.toml"),
            ),
            ("creators/linh/images/avatar.png", AVATAR),
            (
                "creators/mei/profile.toml",
                include_bytes!("../../templates/init/agency/mei.toml"),
            ),
            ("creators/mei/images/avatar.png", AVATAR),
            (".gitignore", ignore.as_bytes()),
        ],
    )
}

/// Writes files that must not exist yet: init never overwrites, and never
/// writes through a symbolic link (a dangling `profile.toml` link, or an
/// `images` link to a folder elsewhere, would put the file outside `dir`).
fn write_new(dir: &Path, files: &[(&str, &[u8])]) -> anyhow::Result<()> {
    for (rel, _) in files {
        let p = dir.join(rel);
        if fs_err::symlink_metadata(&p).is_ok() {
            bail!(
                "{} already exists; biopage init never overwrites files",
                p.display()
            );
        }
        // every folder between dir and the file must be a real folder
        let mut at = dir.to_path_buf();
        for part in Path::new(rel)
            .parent()
            .into_iter()
            .flat_map(|p| p.components())
        {
            at.push(part);
            if fs_err::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
                bail!(
                    "{} is a symbolic link; biopage init writes only into real folders",
                    at.display()
                );
            }
        }
    }
    for (rel, bytes) in files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            fs_err::create_dir_all(parent)?;
        }
        // create_new: fails on anything already there, a dangling link too
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
            .with_context(|| format!("cannot create {}", p.display()))?;
        std::io::Write::write_all(&mut f, bytes)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}
