//! `biopage build`: one site into `public/` (or `-o OUT`).

use crate::diag::Failure;
use clap::Args as ClapArgs;
use std::path::PathBuf;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The site directory (holds profile.toml).
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
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print each file written.
    #[arg(short, long)]
    pub verbose: bool,
}

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        let out = self.out.clone().unwrap_or_else(|| self.dir.join("public"));
        let opts = crate::build::Options {
            out: out.clone(),
            resolve: crate::resolve::Options {
                now: self.date.unwrap_or_else(crate::build::now),
                base_url: self.base_url.clone(),
            },
        };
        let summary = crate::build::build(&self.dir, &opts)?;
        for w in summary.warnings.iter() {
            eprint!("{w}");
        }
        if self.verbose {
            let mut files: Vec<_> = walk(&out);
            files.sort();
            for f in files {
                eprintln!("  {}", f.display());
            }
        }
        if !self.quiet {
            eprintln!(
                "built {} page(s), {} file(s), {} image(s) into {} in {} ms{}",
                summary.pages,
                summary.files,
                summary.images,
                out.display(),
                summary.elapsed.as_millis(),
                match summary.warnings.0.len() {
                    0 => String::new(),
                    n => format!(" ({n} warning(s))"),
                }
            );
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
