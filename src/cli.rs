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
    /// Agency: write a printable brief and a poster for each creator a campaign targets.
    Brief(cmd::brief::Args),
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
            Command::Brief(a) => a.run(),
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
            Command::Brief(_) => format!("error: {errors} error{s}; no briefs were written"),
            _ => format!("error: the build failed with {errors} error{s}; nothing was written"),
        }
    }
}

/// `--date` and `--base-url`: what every command that resolves a site
/// takes, so a page can be looked at as it will be on a given day and at a
/// given address.
#[derive(Debug, Clone, clap::Args)]
pub struct ResolveArgs {
    /// "Today" for schedules: YYYY-MM-DD (midnight UTC) or an RFC 3339
    /// date-time. Default: now.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<i64>,
    /// The address the site is published at; overrides base_url (CI
    /// previews). For an agency: its root, or a template with {handle}.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Where the output is published: cloudflare, netlify, github-pages,
    /// nginx, caddy, s3 or static; overrides [deploy] host.
    #[arg(long, value_name = "NAME", value_parser = parse_host)]
    pub host: Option<crate::hosts::Host>,
}

impl ResolveArgs {
    pub fn options(&self) -> crate::resolve::Options {
        crate::resolve::Options {
            now: self.date.unwrap_or_else(now),
            base_url: self.base_url.clone(),
            host: self.host,
            // GitHub Actions names the repository; on GitHub Pages with no
            // base URL given, the site's address comes from it (the one
            // variable biopage reads: see docs/security.md)
            github_repository: std::env::var("GITHUB_REPOSITORY").ok(),
        }
    }
}

/// Parses `--host`, with a "did you mean" for a typo.
pub fn parse_host(s: &str) -> Result<crate::hosts::Host, String> {
    use crate::hosts::Host;
    Host::parse(s).ok_or_else(|| {
        let names = Host::names();
        match crate::diag::did_you_mean(s, names.iter().copied()) {
            Some(h) => format!("unknown host \"{s}\"; did you mean \"{h}\"?"),
            None => format!("unknown host \"{s}\"; the hosts are {}", names.join(", ")),
        }
    })
}

/// Parses `--date`: `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let dt: toml::value::Datetime = s.trim().replace(' ', "T").parse().map_err(|_| {
        format!("\"{s}\" is not a date; write it as 2026-12-31 or 2026-12-01T09:00:00+07:00")
    })?;
    crate::load::instant_of(&dt, false).ok_or_else(|| format!("\"{s}\" has no date part"))
}

/// The current time, for builds without `--date`.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
