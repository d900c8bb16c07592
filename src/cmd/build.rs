//! `biopage build`: a site into `public/` (or `-o OUT`); an agency into
//! `public/<handle>/` per creator.

use crate::diag::Failure;
use crate::pipeline::Progress;
use crate::text::plural;
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
    #[command(flatten)]
    pub resolve: crate::cli::ResolveArgs,
    /// Agency: build only this creator.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
    /// Agency: build part I of N (by handle), for N parallel CI runners.
    #[arg(long, value_name = "I/N", value_parser = crate::agency::parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Agency, with --shard: make this shard a deployment of its own (its
    /// root files hold its creators only), for an agency too large for one.
    #[arg(long, requires = "shard")]
    pub split: bool,
    /// Agency: write the creators that build and list the ones that fail (exit status 1).
    #[arg(long)]
    pub keep_going: bool,
    /// Replace the output directory even if biopage did not make it.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print every file written (warnings are always printed, unless -q).
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
        let opts = crate::pipeline::Options {
            out: out.clone(),
            resolve: self.resolve.options(),
            only: self.only.clone(),
            shard: self.shard,
            split: self.split,
            keep_going: self.keep_going,
            force: self.force,
            progress,
            image_cache: None,
        };
        let summary = crate::pipeline::build(&self.dir, &opts)?;
        if !self.quiet {
            for n in &summary.notes {
                eprintln!("note: {}", crate::diag::terminal_safe(n));
            }
        }
        if !self.quiet {
            for w in summary.warnings.iter().filter(|w| !w.is_error()) {
                eprint!("{w}");
            }
            // before anything is uploaded: what the host would refuse
            if let Some(host) = summary.host {
                let at = crate::hosts::limits::host_file(&self.dir);
                for w in crate::hosts::limits::check(host, &summary.stats, at) {
                    eprint!("{w}");
                }
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
            eprintln!("{}", self.summary_line(&summary, &out));
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

impl Args {
    /// The one line that says what was built: pages for a site; creators
    /// for an agency, with what this build rendered and kept, and which
    /// part (`--only`, a shard) it was.
    fn summary_line(&self, s: &crate::pipeline::Summary, out: &std::path::Path) -> String {
        let warnings = s.warnings.iter().filter(|w| !w.is_error()).count();
        let tail = format!(
            "{}, {} ({} encoded) into {} in {} ms{}",
            plural(s.files, "file"),
            plural(s.images, "image"),
            s.encoded,
            crate::diag::terminal_safe(&out.display().to_string()),
            s.elapsed.as_millis(),
            match warnings {
                0 => String::new(),
                n => format!(" ({})", plural(n, "warning")),
            }
        );
        let st = &s.stats;
        let size = crate::hosts::limits::bytes(st.bytes);
        if !crate::agency::is_agency(&self.dir) {
            return format!(
                "built {}: {tail}; the output holds {} ({size})",
                plural(s.pages, "page"),
                plural(st.files as usize, "file")
            );
        }
        let per = match st.creators {
            0 => String::new(),
            n => format!(
                ", {:.1} files and {} per creator",
                st.files as f64 / n as f64,
                crate::hosts::limits::bytes(st.bytes / n)
            ),
        };
        let what = match (&self.only, self.shard) {
            (Some(h), _) => format!("creator {h}"),
            (None, Some((i, n))) => format!("shard {i}/{n}: {}", plural(s.creators, "creator")),
            (None, None) => plural(s.creators, "creator"),
        };
        let kept = match s.carried {
            0 => String::new(),
            1 => "; 1 other creator of the output left as it was".to_string(),
            n => format!("; {n} other creators of the output left as they were"),
        };
        format!(
            "built {what} ({} rendered, {} unchanged), {}, {tail}{kept}; the output holds {} ({size}{per})",
            s.rebuilt,
            s.creators - s.rebuilt,
            plural(s.pages, "page"),
            plural(st.files as usize, "file"),
        )
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect()
}
