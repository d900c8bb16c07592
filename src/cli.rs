//! The command line: one clap `Args` struct per command, each with `run()`.

use crate::cmd;
use clap::{Parser, Subcommand};

/// Build a fast static link-in-bio page whose every outbound link carries
/// your affiliate tags and UTM parameters.
#[derive(Debug, Parser)]
#[command(name = "biopage", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site with a commented profile.toml and products.toml.
    Init(cmd::init::Args),
    /// Build a site into public/ (atomically: a failed build changes nothing).
    Build(cmd::build::Args),
    /// Preview a site: build, serve, rebuild and reload the browser on every save.
    Serve(cmd::serve::Args),
    /// List the built-in themes.
    Themes(cmd::themes::Args),
    /// Report every problem and warning without writing anything (a CI gate).
    Check(cmd::check::Args),
    /// Print every outbound link (destination, tagged URL, short link, network) as CSV or JSON.
    Links(cmd::links::Args),
    /// Attribute networks' conversion exports and analytics exports to creator, channel and link.
    Report(cmd::report::Args),
}

impl Cli {
    pub fn run(&self) -> Result<(), crate::diag::Failure> {
        match &self.command {
            Command::Init(a) => a.run(),
            Command::Build(a) => a.run(),
            Command::Serve(a) => a.run(),
            Command::Themes(a) => a.run(),
            Command::Check(a) => a.run(),
            Command::Links(a) => a.run(),
            Command::Report(a) => a.run(),
        }
    }

    /// The last line after the input's errors: what failed, and that
    /// nothing came of it.
    pub fn failure_line(&self, errors: usize) -> String {
        let s = if errors == 1 { "" } else { "s" };
        match &self.command {
            Command::Links(_) => format!("error: {errors} error{s}; no links were printed"),
            Command::Check(_) => format!("error: {errors} error{s}; nothing was checked"),
            Command::Report(_) => format!("error: {errors} error{s}; no report was written"),
            _ => format!("error: the build failed with {errors} error{s}; nothing was written"),
        }
    }
}
