//! `biopage check`: report every problem without writing anything.

use crate::diag::Failure;
use clap::{Args as ClapArgs, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The site or agency directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// human (rustc style, on stderr) or json (an array of findings, on stdout).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also request every destination and report dead links and redirect chains.
    #[arg(long)]
    pub online: bool,
    #[command(flatten)]
    pub resolve: crate::cli::ResolveArgs,
    /// Agency: check only this creator.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
}

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        let opts = crate::check::Options {
            resolve: self.resolve.options(),
            online: self.online.then(crate::online::Settings::default),
            only: self.only.clone(),
        };
        let checked = crate::check::check(&self.dir, &opts)?;
        let findings = checked.findings.sorted();
        let errors = findings.error_count();
        let warnings = findings.0.len() - errors;
        match self.format {
            Format::Json => {
                // the campaigns are for people; the findings stay one array
                for c in &checked.campaigns {
                    eprintln!("{c}");
                }
                let all: Vec<_> = findings.iter().map(crate::check::to_json).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into())
                );
            }
            Format::Human => {
                for d in findings.iter() {
                    eprint!("{d}");
                    eprintln!();
                }
                for c in &checked.campaigns {
                    eprintln!("{c}");
                }
                eprintln!(
                    "checked {}: {errors} error(s), {warnings} warning(s)",
                    self.dir.display()
                );
            }
        }
        if errors > 0 || (self.deny_warnings && warnings > 0) {
            return Err(Failure::Reported);
        }
        Ok(())
    }
}
