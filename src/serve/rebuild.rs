//! The build thread of the preview: one rebuild per settled batch of
//! changes, each into a new directory, published to the server; the last
//! good build keeps being served while the site is broken.

use super::{inject, watch, Status};
use crate::diag::Failure;
use anyhow::Result;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch as tokio_watch;
use watch::{Msg, SiteWatcher};

/// Builds the site into successive directories of the temporary directory
/// and publishes each result.
pub(super) struct Rebuilder {
    site: PathBuf,
    /// Agency: the one creator built.
    only: Option<String>,
    tmp: PathBuf,
    base_url: String,
    /// Build ids start from the clock, so that a browser left open across a
    /// restart of `serve` sees a different id and reloads.
    first_id: u64,
    count: u64,
    /// Directories of builds still on disk: the current one and the one before.
    kept: VecDeque<PathBuf>,
    status: tokio_watch::Sender<Status>,
}

impl Rebuilder {
    /// Starts with a placeholder page, served until a build succeeds.
    pub(super) fn new(
        site: &Path,
        only: Option<String>,
        tmp: &Path,
        base_url: &str,
    ) -> Result<(Rebuilder, tokio_watch::Receiver<Status>)> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let first_id = (millis % 1_000_000_000_000) * 1_000;
        let placeholder = tmp.join("build-0");
        fs_err::create_dir(&placeholder)?;
        let page = inject::page(inject::PLACEHOLDER, first_id);
        for name in ["index.html", "404.html"] {
            let p = placeholder.join(name);
            fs_err::write(&p, &page)?;
        }
        let (status, rx) = tokio_watch::channel(Status {
            build: first_id,
            root: Arc::from(placeholder.as_path()),
            error: None,
        });
        let rb = Rebuilder {
            site: site.to_path_buf(),
            only,
            tmp: tmp.to_path_buf(),
            base_url: base_url.to_string(),
            first_id,
            count: 0,
            kept: VecDeque::from([placeholder]),
            status,
        };
        Ok((rb, rx))
    }

    /// Builds once and publishes the outcome; prints it on stderr. Returns
    /// whether the build succeeded.
    pub(super) fn rebuild(&mut self, why: Option<&str>) -> bool {
        let started = Instant::now();
        self.count += 1;
        let id = self.first_id + self.count;
        let out = self.tmp.join(format!("build-{}", self.count));
        let opts = crate::pipeline::Options {
            out: out.clone(),
            resolve: crate::resolve::Options {
                now: crate::cli::now(),
                base_url: Some(self.base_url.clone()),
                // the preview answers short links from `_redirects`, as
                // Cloudflare Pages would, whatever the site is published on
                host: Some(crate::hosts::Host::Cloudflare),
                github_repository: None,
            },
            image_cache: Some(self.tmp.join("images")),
            only: self.only.clone(),
            ..Default::default()
        };
        let built = crate::pipeline::build(&self.site, &opts).and_then(|summary| {
            inject::dir(&out, id)?;
            Ok(summary)
        });
        let why = why.map(|w| format!("{w} changed; ")).unwrap_or_default();
        match built {
            Ok(summary) => {
                self.status.send_replace(Status {
                    build: id,
                    root: Arc::from(out.as_path()),
                    error: None,
                });
                let elapsed = started.elapsed();
                for w in summary.warnings.iter() {
                    eprint!("{w}");
                }
                eprintln!(
                    "{why}built {} in {} ms",
                    crate::text::plural(summary.pages, "page"),
                    elapsed.as_millis()
                );
                // After publishing: a slow disk delays the next build, not this one.
                self.kept.push_back(out);
                while self.kept.len() > 2 {
                    if let Some(old) = self.kept.pop_front() {
                        if let Err(e) = fs_err::remove_dir_all(&old) {
                            eprintln!("warning: cannot remove {}: {e}", old.display());
                        }
                        // an agency build's record, key and lock, beside its output
                        let _ = fs_err::remove_file(crate::incremental::cache_path(&old));
                        let _ = fs_err::remove_file(crate::incremental::key_path(&old));
                        let _ = fs_err::remove_file(crate::emit::beside(&old, "biopage-lock"));
                    }
                }
                true
            }
            Err(failure) => {
                let text = describe_failure(failure);
                eprint!("{text}");
                eprintln!("{why}the build failed; still serving the last good page\n");
                // Whatever a failed injection left behind is not served.
                if out.exists() {
                    let _ = fs_err::remove_dir_all(&out);
                }
                self.status.send_modify(|s| s.error = Some(Arc::from(text)));
                false
            }
        }
    }
}

/// A failure as the terminal shows it, rustc style, which is also what the
/// browser overlay shows.
fn describe_failure(failure: Failure) -> String {
    match failure {
        Failure::Input(diags) => {
            let diags = diags.sorted();
            let mut text = String::new();
            for d in diags.iter() {
                text.push_str(&d.to_string());
                text.push('\n');
            }
            let n = diags.error_count();
            text.push_str(&format!(
                "error: the build failed with {n} error{}\n",
                if n == 1 { "" } else { "s" }
            ));
            text
        }
        Failure::Environment(e) => {
            format!("error: {}\n", crate::diag::terminal_safe(&format!("{e:#}")))
        }
        Failure::Reported => "error: the build failed\n".to_string(),
        Failure::Usage(d) => d.to_string(),
    }
}

/// The build thread: one rebuild per settled batch of relevant changes
/// (unless the latest build already saw them), until told to stop.
pub(super) fn build_loop(
    mut rebuilder: Rebuilder,
    mut watcher: SiteWatcher,
    rx: mpsc::Receiver<Msg>,
) {
    let root = watcher.root().to_path_buf();
    let mut seen = watch::Seen::default();
    while let Some(batch) = watch::next_batch(&root, &rx) {
        if let Err(e) = watcher.refresh(&batch) {
            eprintln!("warning: {}", crate::diag::terminal_safe(&format!("{e:#}")));
        }
        if !seen.changed(&batch) {
            continue;
        }
        seen.record(&batch);
        rebuilder.rebuild(Some(&batch.describe(&root)));
    }
}

// ---------------------------------------------------------------------------
// Serving
