//! `biopage links`: every outbound link of a site, as CSV or JSON on stdout.
//!
//! Loads and resolves like `biopage build` but writes nothing, so CI can
//! commit the manifest and review in a diff what a profile change did to the
//! tagged links. For an agency: every creator's links under one header, in
//! handle order, so one file reconciles the agency with a network's report.

use crate::diag::{Diagnostics, Failure};
use clap::{Args as ClapArgs, ValueEnum};
use rayon::prelude::*;
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
    /// The site directory (holds profile.toml), or an agency (holds agency.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    #[command(flatten)]
    pub resolve: crate::cli::ResolveArgs,
    /// Agency: list only this creator's links.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
}

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        let pieces = self.render()?;
        let mut stdout = std::io::stdout().lock();
        match pieces
            .iter()
            .try_for_each(|p| stdout.write_all(p.as_bytes()))
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

    /// The manifest text, in pieces to write one after another (an
    /// agency's is as large as all its creators' rows, which is not copied
    /// once more into one string). Warnings go to stderr.
    pub fn render(&self) -> Result<Vec<String>, Failure> {
        let opts = self.resolve.options();
        if crate::agency::is_agency(&self.dir) {
            return self.render_agency(&opts);
        }
        if self.only.is_some() {
            return Err(Failure::Environment(anyhow::anyhow!(
                "--only is for agencies (a directory with agency.toml and creators/)"
            )));
        }
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
        Ok(vec![match self.format {
            Format::Csv => crate::manifest::to_csv(&rows),
            Format::Json => crate::manifest::to_json(&rows),
        }])
    }

    /// Every creator's rows (or `--only`'s), resolved in parallel. As with
    /// `biopage build`, every failing creator is reported and nothing is
    /// printed unless all of them resolve.
    fn render_agency(&self, opts: &crate::resolve::Options) -> Result<Vec<String>, Failure> {
        let agency = crate::agency::open(&self.dir)?;
        let creators = agency.select(self.only.as_deref())?;
        let parts: Vec<Result<(Option<String>, Diagnostics), Diagnostics>> = creators
            .par_iter()
            .map(|c| {
                let (site, resolved) = agency.prepare(c, opts)?;
                let rows = crate::manifest::rows(&site, &resolved);
                let text = match self.format {
                    Format::Csv => Some(crate::manifest::csv_records(&rows)),
                    Format::Json => crate::manifest::json_items(&rows),
                };
                Ok((text, resolved.warnings))
            })
            .collect();
        let mut errors = Diagnostics::default();
        for (h, d) in &agency.broken {
            if self.only.as_deref().is_none_or(|o| o == h) {
                errors.extend(d.clone());
            }
        }
        let mut texts = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                Ok((text, warnings)) => {
                    for w in warnings.iter() {
                        eprint!("{w}");
                    }
                    texts.extend(text);
                }
                Err(d) => errors.extend(d),
            }
        }
        if errors.has_errors() {
            return Err(Failure::Input(errors));
        }
        Ok(match self.format {
            Format::Csv => std::iter::once(crate::manifest::to_csv(&[]))
                .chain(texts)
                .collect(),
            Format::Json => crate::manifest::json_array(texts),
        })
    }
}
