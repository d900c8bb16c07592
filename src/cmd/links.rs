//! `biopage links`: every outbound link of a site, as CSV or JSON on stdout.
//!
//! Loads and resolves like `biopage build` but writes nothing, so CI can
//! commit the manifest and review in a diff what a profile change did to the
//! tagged links.

use crate::diag::Failure;
use clap::{Args as ClapArgs, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// RFC 4180 CSV with a header line.
    Csv,
    /// A JSON array of objects.
    Json,
}

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The site directory (holds profile.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// "Today" for schedules: YYYY-MM-DD or an RFC 3339 date-time. Default: now.
    #[arg(long, value_name = "DATE", value_parser = crate::build::parse_date)]
    pub date: Option<i64>,
    /// The address the site is published at; overrides base_url.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        let text = self.render()?;
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => Ok(()),
            // `biopage links | head` closes the pipe early: not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Failure::Environment(
                anyhow::Error::new(e).context("cannot write to standard output"),
            )),
        }
    }

    /// The manifest text; warnings go to stderr.
    pub fn render(&self) -> Result<String, Failure> {
        let opts = crate::resolve::Options {
            now: self.date.unwrap_or_else(crate::build::now),
            base_url: self.base_url.clone(),
        };
        let loaded = crate::load::load(&self.dir);
        let mut diags = loaded.diags;
        let Some(site) = loaded.site else {
            return Err(Failure::Input(diags));
        };
        // Resolve even when loading found problems, to report them all at once.
        let resolved = match crate::resolve::resolve(&site, None, &opts) {
            Ok(r) if !diags.has_errors() => r,
            Ok(_) => return Err(Failure::Input(diags)),
            Err(more) => {
                diags.extend(more);
                return Err(Failure::Input(diags));
            }
        };
        for w in diags.iter().chain(resolved.warnings.iter()) {
            eprint!("{w}");
        }
        let rows = crate::manifest::rows(&site, &resolved);
        Ok(match self.format {
            Format::Csv => crate::manifest::to_csv(&rows),
            Format::Json => crate::manifest::to_json(&rows),
        })
    }
}
