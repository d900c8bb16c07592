//! `biopage build`: a site into `public/` (or `-o OUT`); an agency into
//! `public/<handle>/` per creator.

use crate::build::Progress;
use crate::diag::Failure;
use clap::Args as ClapArgs;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The site directory (holds profile.toml) or agency (holds agency.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to write the site; replaced atomically. Default: DIR/public.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// The address the site is published at; overrides base_url (for CI previews).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// "Today" for schedules: YYYY-MM-DD or an RFC 3339 date-time. Default: now.
    #[arg(long, value_name = "DATE", value_parser = crate::build::parse_date)]
    pub date: Option<i64>,
    /// Agency: build only this creator.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
    /// Agency: build part I of N (by handle), for N parallel CI runners.
    #[arg(long, value_name = "I/N", value_parser = crate::agency::parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Agency: write the creators that build and list the ones that fail (exit status 1).
    #[arg(long)]
    pub keep_going: bool,
    /// Replace the output directory even if biopage did not make it.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print each warning in full and the list of files written.
    #[arg(short, long)]
    pub verbose: bool,
}

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        let out = self.out.clone().unwrap_or_else(|| self.dir.join("public"));
        let progress = if self.quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        };
        let opts = crate::build::Options {
            out: out.clone(),
            resolve: crate::resolve::Options {
                now: self.date.unwrap_or_else(crate::build::now),
                base_url: self.base_url.clone(),
            },
            only: self.only.clone(),
            shard: self.shard,
            keep_going: self.keep_going,
            force: self.force,
            progress,
            image_cache: None,
        };
        let summary = crate::build::build(&self.dir, &opts)?;
        if !self.quiet {
            for n in &summary.notes {
                eprintln!("note: {}", crate::diag::terminal_safe(n));
            }
        }
        if !self.quiet {
            for w in summary.warnings.iter().filter(|w| !w.is_error()) {
                eprint!("{w}");
            }
        }
        for (handle, diags) in &summary.failed {
            eprintln!("creator {handle} failed:");
            for d in diags.iter() {
                eprint!("{d}");
            }
        }
        if self.verbose {
            let mut files = walk(&out);
            files.sort();
            for f in files {
                eprintln!("  {}", crate::diag::terminal_safe(&f.display().to_string()));
            }
        }
        if !self.quiet {
            let warnings = summary.warnings.iter().filter(|w| !w.is_error()).count();
            eprintln!(
                "built {} creator(s) ({} rendered, {} unchanged), {} page(s), {} file(s), {} image(s) ({} encoded) into {} in {} ms{}",
                summary.creators,
                summary.rebuilt,
                summary.creators - summary.rebuilt,
                summary.pages,
                summary.files,
                summary.images,
                summary.encoded,
                out.display(),
                summary.elapsed.as_millis(),
                match warnings {
                    0 => String::new(),
                    n => format!(" ({n} warning(s))"),
                }
            );
        }
        if !summary.failed.is_empty() {
            eprintln!(
                "error: {} creator(s) failed: {}",
                summary.failed.len(),
                summary
                    .failed
                    .iter()
                    .map(|(h, _)| h.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(Failure::Reported);
        }
        Ok(())
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
