//! `biopage report`: networks' conversion exports and analytics exports,
//! attributed to creator × channel × link by the identifiers biopage's
//! links carry, as a table on stdout or, with `-o`, a report directory
//! (`index.html`, CSV and JSON).

use crate::diag::Failure;
use crate::report::date::Day;
use crate::report::formats::Status;
use crate::report::write::By;
use crate::report::{Report, StatusFilter};
use anyhow::Context as _;
use clap::{Args as ClapArgs, ValueEnum};
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// RFC 4180 CSV with a header line.
    Csv,
    /// A JSON array of objects.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Creator,
    Channel,
    Link,
    Day,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    All,
    Pending,
    Approved,
    Rejected,
}

/// The marker a report directory carries: only a directory with it (or an
/// empty one, or none) is replaced by `-o`.
pub const MARKER: &str = ".biopage-report";

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The site directory (holds profile.toml), or an agency (holds agency.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Networks' conversion exports (Shopee, AccessTrade, Amazon, or a [report.formats] CSV).
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub conversions: Vec<PathBuf>,
    /// Analytics exports (Plausible, Umami, GoatCounter, GA4): clicks and page views.
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub analytics: Vec<PathBuf>,
    /// First day of the period (YYYY-MM-DD); rows before it are listed as unattributed.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub from: Option<Day>,
    /// Last day of the period (YYYY-MM-DD), included.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to: Option<Day>,
    /// The breakdown printed (default: creator for an agency, link for a site).
    #[arg(long, value_enum)]
    pub by: Option<ByArg>,
    /// Which commission counts.
    #[arg(long, value_enum, default_value_t = StatusArg::All)]
    pub status: StatusArg,
    /// Output format of the printed breakdown.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the whole report (index.html, by-*.csv, report.json, unattributed.csv) into this directory.
    #[arg(short = 'o', long = "out", value_name = "REPORT_DIR")]
    pub out: Option<PathBuf>,
    /// Agency: report on this creator only.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
}

fn parse_day(s: &str) -> Result<Day, String> {
    Day::parse(s).ok_or_else(|| format!("\"{s}\" is not a date; write it as 2026-11-30"))
}

impl Args {
    /// DIR, and the files: `--conversions a.csv b.csv my-page` takes the
    /// site for one more file (the flag takes several); a directory with a
    /// profile.toml or agency.toml among the files, without a DIR, is DIR.
    fn inputs(&self) -> (PathBuf, Vec<PathBuf>, Vec<PathBuf>) {
        let (mut conversions, mut analytics) = (self.conversions.clone(), self.analytics.clone());
        if self.dir == Path::new(".") {
            let is_site = |p: &PathBuf| {
                p.is_dir() && (p.join("profile.toml").is_file() || p.join("agency.toml").is_file())
            };
            if let Some(i) = conversions.iter().position(is_site) {
                let dir = conversions.remove(i);
                return (dir, conversions, analytics);
            }
            if let Some(i) = analytics.iter().position(is_site) {
                let dir = analytics.remove(i);
                return (dir, conversions, analytics);
            }
        }
        (self.dir.clone(), conversions, analytics)
    }

    pub fn run(&self) -> Result<(), Failure> {
        let (dir, conversions, analytics) = self.inputs();
        if let Some(out) = &self.out {
            check_report_dir(&dir, out, conversions.iter().chain(&analytics))?;
        }
        let opts = crate::report::Options {
            dir,
            conversions,
            analytics,
            from: self.from,
            to: self.to,
            status: match self.status {
                StatusArg::All => StatusFilter::All,
                StatusArg::Pending => StatusFilter::Only(Status::Pending),
                StatusArg::Approved => StatusFilter::Only(Status::Approved),
                StatusArg::Rejected => StatusFilter::Only(Status::Rejected),
            },
            only: self.only.clone(),
        };
        let report = crate::report::build(&opts)?;
        let by = match self.by {
            Some(ByArg::Creator) => By::Creator,
            Some(ByArg::Channel) => By::Channel,
            Some(ByArg::Link) => By::Link,
            Some(ByArg::Day) => By::Day,
            None if report.index.agency && report.only.is_none() => By::Creator,
            None => By::Link,
        };
        eprint!("{}", summary(&report, self.out.is_none()));
        match &self.out {
            Some(out) => {
                write_dir(&report, out)?;
                eprintln!(
                    "wrote {}: index.html, by-creator.csv, by-channel.csv, by-link.csv, by-day.csv, report.json, unattributed.csv",
                    out.display()
                );
                Ok(())
            }
            None => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                let written = match self.format {
                    Format::Table => {
                        stdout.write_all(crate::report::write::to_text(&report, by).as_bytes())
                    }
                    Format::Csv => crate::report::write::write_csv(&report, by, &mut stdout),
                    Format::Json => crate::report::write::to_json_into(&report, by, &mut stdout),
                };
                match written.and_then(|()| stdout.flush()) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    Err(e) => Err(Failure::Environment(
                        anyhow::Error::new(e).context("cannot write to standard output"),
                    )),
                }
            }
        }
    }
}

/// The lines on stderr: what was read, what was attributed, and why the
/// rest was not.
pub fn summary(r: &Report, examples: bool) -> String {
    let rows: u64 = r.files.iter().map(|f| f.rows).sum();
    let attributed: u64 = r.files.iter().map(|f| f.attributed).sum();
    let skipped: u64 = r.files.iter().map(|f| f.skipped).sum();
    let filtered: u64 = r.files.iter().map(|f| f.filtered).sum();
    let mut s = format!(
        "read {} file{} ({} rows): {} attributed, {} unattributed",
        r.files.len(),
        if r.files.len() == 1 { "" } else { "s" },
        rows,
        attributed,
        r.unattributed.total
    );
    if !r.unattributed_by_reason.is_empty() {
        let reasons: Vec<String> = r
            .unattributed_by_reason
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        s.push_str(&format!(" ({})", reasons.join(", ")));
    }
    if skipped > 0 {
        s.push_str(&format!(", {skipped} skipped"));
    }
    if filtered > 0 {
        s.push_str(&format!(
            ", {filtered} of other statuses left out (--status)"
        ));
    }
    s.push('\n');
    for f in &r.files {
        s.push_str(&format!(
            "  {}: {}, {} rows\n",
            f.path.display(),
            f.format,
            f.rows
        ));
    }
    if examples && r.unattributed.total > 0 {
        for u in r.unattributed.examples.iter().take(10) {
            s.push_str(&format!(
                "  unattributed: {}:{}: {}: {}\n",
                u.file.display(),
                u.line,
                u.identifiers,
                u.reason
            ));
        }
        if r.unattributed.total > 10 {
            s.push_str(&format!(
                "  … and {} more; -o REPORT_DIR writes them all to unattributed.csv\n",
                r.unattributed.total - 10
            ));
        }
    }
    s
}

/// `-o REPORT_DIR` may not be the site's output or inside the site (or
/// agency), may not hold an input, and must be a report biopage wrote, an
/// empty directory, or not exist: it is replaced as a whole.
pub fn check_report_dir<'a>(
    site: &Path,
    out: &Path,
    inputs: impl Iterator<Item = &'a PathBuf>,
) -> Result<(), Failure> {
    let abs = crate::emit::absolute;
    let out_abs = abs(out);
    let site_abs = abs(site);
    let refuse = |why: String| {
        Err(Failure::Environment(anyhow::anyhow!(
            "refusing to write the report into {}: {why}",
            out.display()
        )))
    };
    if out_abs.parent().is_none() {
        return refuse("it is the filesystem root".into());
    }
    if site_abs.starts_with(&out_abs) {
        return refuse(format!("it holds the site {}", site.display()));
    }
    if out_abs.starts_with(&site_abs) {
        return refuse(format!(
            "it is inside the site {} (its inputs and its output, such as public/, are not a report's place); write it next to the site, e.g. -o report",
            site.display()
        ));
    }
    for i in inputs {
        if abs(i).starts_with(&out_abs) {
            return refuse(format!(
                "it holds the input {}, which replacing it would delete",
                i.display()
            ));
        }
    }
    if out_abs.is_file() {
        return refuse("it is a file".into());
    }
    if out_abs.is_dir() {
        let marked = out_abs.join(MARKER).is_file();
        let empty = std::fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if out_abs.join("profile.toml").exists() || out_abs.join("agency.toml").exists() {
            return refuse("it looks like a site (it has a profile.toml or agency.toml)".into());
        }
        if !marked && !empty {
            return refuse(format!(
                "it is not empty and is not a report biopage wrote (no {MARKER}); the report replaces the whole directory"
            ));
        }
    }
    Ok(())
}

/// Writes the report directory atomically: into a staging directory beside
/// it, then swapped in.
pub fn write_dir(r: &Report, out: &Path) -> Result<(), Failure> {
    use crate::report::{html, write};
    let output = crate::emit::claim_judged(out)?;
    let staging = crate::emit::Staging::new(&output)?;
    staging.write("index.html", html::page(r).as_bytes())?;
    staging.write(
        MARKER,
        b"This directory is a report written by biopage report; the next report with -o replaces it.\n",
    )?;
    // the tables, streamed: an agency's by-link.csv has a row per link and channel
    type Writer<'w> = &'w dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>;
    let stream = |name: &str, f: Writer| -> Result<(), Failure> {
        let path = staging.path().join(name);
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        f(&mut w)
            .and_then(|()| w.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    };
    for (name, by) in [
        ("by-creator.csv", By::Creator),
        ("by-channel.csv", By::Channel),
        ("by-link.csv", By::Link),
        ("by-day.csv", By::Day),
    ] {
        stream(name, &|w| write::write_csv(r, by, w))?;
    }
    stream("report.json", &|w| write::write_report_json(r, w))?;
    staging
        .copy(&r.unattributed.path, "unattributed.csv")
        .context("cannot write unattributed.csv")?;
    // the list was a private temporary file; the report's files are not
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let staged = staging.path().join("unattributed.csv");
        std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot set the permissions of {}", staged.display()))?;
    }
    staging.commit("0", crate::emit::Old::Remove)?;
    Ok(())
}
