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
    /// Agency: the table of one campaign (campaigns/<ID>.toml) for the
    /// brand: per targeted creator, channel and item, the code, short link,
    /// tagged URL and QR code.
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,
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
            if let Some(id) = &self.campaign {
                return self.render_campaign(id, &opts);
            }
            return self.render_agency(&opts);
        }
        if self.campaign.is_some() {
            return Err(Failure::Environment(anyhow::anyhow!(
                "--campaign is for agencies (a directory with agency.toml, creators/ and campaigns/)"
            )));
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

    /// The rows of one campaign. Listed as the pages are on `--date`; a
    /// campaign that is not running today is listed as on its first day
    /// (or its last, once it ended), with a note saying so.
    fn render_campaign(
        &self,
        id: &str,
        opts: &crate::resolve::Options,
    ) -> Result<Vec<String>, Failure> {
        let agency = crate::agency::open(&self.dir)?;
        let campaign = crate::campaign::find(&agency, id)?;
        let mut opts = opts.clone();
        if let Some((day, why)) = campaign
            .day_to_show(opts.now)
            .filter(|_| self.resolve.date.is_none())
        {
            opts.now = day;
            eprintln!(
                "note: the campaign \"{id}\" {why}: its links are listed as on {} (--date chooses another day)",
                crate::report::date::Day::from_unix(day)
            );
        }
        let creators = agency.select(self.only.as_deref())?;
        let parts: Vec<Result<(Vec<crate::campaign::rows::Row>, Diagnostics), Diagnostics>> =
            creators
                .par_iter()
                .map(|c| {
                    let (_, resolved) = agency.prepare(c, &opts)?;
                    let code = campaign.code_of(&c.handle).map(|r| r.code.value.as_str());
                    let rows = crate::campaign::rows::rows(id, &c.handle, code, &resolved);
                    Ok((rows, resolved.warnings))
                })
                .collect();
        let mut errors = Diagnostics::default();
        let mut rows = Vec::new();
        for part in parts {
            match part {
                Ok((r, warnings)) => {
                    for w in warnings.iter() {
                        eprint!("{w}");
                    }
                    rows.extend(r);
                }
                Err(d) => errors.extend(d),
            }
        }
        if errors.has_errors() {
            return Err(Failure::Input(errors));
        }
        if rows.is_empty() {
            let why = if campaign.open_at(opts.now) {
                "it targets none of the creators listed".to_string()
            } else {
                format!(
                    "it is not running on {} (its window: {})",
                    crate::report::date::Day::from_unix(opts.now),
                    campaign.window()
                )
            };
            eprintln!("note: the campaign \"{id}\" has no links to list: {why}");
        }
        Ok(vec![match self.format {
            Format::Csv => crate::campaign::rows::to_csv(&rows),
            Format::Json => crate::campaign::rows::to_json(&rows),
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
