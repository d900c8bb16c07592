//! Stage 4, emit: the only stage that writes.
//!
//! Everything is written into a staging directory beside the output and
//! swapped in only when the whole build succeeded, so a failed build leaves
//! the previous `public/` exactly as it was, and a visitor never sees a
//! half-written site.

use anyhow::{bail, Context as _, Result};
use std::path::{Component, Path, PathBuf};

/// A directory being filled; dropped without [`Staging::commit`], it vanishes.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    files: std::sync::atomic::AtomicUsize,
}

impl Staging {
    /// Starts a build of `target`. The staging directory is a sibling, so
    /// the final rename stays on one filesystem and is atomic.
    pub fn new(target: &Path) -> Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output_name(target);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.biopage-"))
            .tempdir_in(&parent)
            .with_context(|| {
                format!("cannot create a staging directory in {}", parent.display())
            })?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn files(&self) -> usize {
        self.files.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn count(&self) {
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn dest(&self, rel: &str) -> Result<PathBuf> {
        let p = Path::new(rel);
        if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
            bail!("refusing to write outside the output directory: {rel:?}");
        }
        Ok(self.dir.path().join(p))
    }

    /// Writes a file; `&self`, so that threads write in parallel.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.dest(rel)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&dest, bytes).with_context(|| format!("cannot write {}", dest.display()))?;
        self.count();
        Ok(())
    }

    pub fn copy(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.dest(rel)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::copy(src, &dest)
            .with_context(|| format!("cannot copy {} to {}", src.display(), dest.display()))?;
        self.count();
        Ok(())
    }

    /// Hard-links `src` into the output, or copies it where links cannot
    /// be made (another filesystem, no permission). Only for files nobody
    /// edits: the output and `src` then share their bytes.
    pub fn link_or_copy(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.dest(rel)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if std::fs::hard_link(src, &dest).is_err() {
            std::fs::copy(src, &dest)
                .with_context(|| format!("cannot copy {} to {}", src.display(), dest.display()))?;
        }
        self.count();
        Ok(())
    }

    /// Swaps the staging directory in: the old output is renamed aside,
    /// the new one renamed into place, then the old one removed.
    pub fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        let target = &self.target;
        let old = if target.exists() {
            let aside = staged.with_file_name(format!(
                "{}.old",
                staged
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            std::fs::rename(target, &aside)
                .with_context(|| format!("cannot move the old {} aside", target.display()))?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staged, target) {
            if let Some(aside) = &old {
                let _ = std::fs::rename(aside, target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("cannot move the new site into {}", target.display()));
        }
        if let Some(aside) = old {
            std::fs::remove_dir_all(&aside)
                .with_context(|| format!("cannot remove the old output {}", aside.display()))?;
        }
        Ok(())
    }
}

impl Staging {
    /// Swaps in only some entries of the staging directory (`names`: files or
    /// directories at its top level), and removes `stale` entries of the
    /// target: the incremental form of [`Staging::commit`]. Each entry is
    /// replaced by a rename, so no visitor sees a half-written creator.
    pub fn commit_parts(self, names: &[String], stale: &[String]) -> Result<()> {
        let staged = self.dir.keep();
        let trash = staged.with_file_name(format!(
            "{}.old",
            staged
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&trash)
            .with_context(|| format!("cannot create {}", trash.display()))?;
        let result = (|| -> Result<()> {
            for (i, name) in stale.iter().chain(names.iter()).enumerate() {
                let target = self.target.join(name);
                if target.exists() {
                    std::fs::rename(&target, trash.join(i.to_string()))
                        .with_context(|| format!("cannot move {} aside", target.display()))?;
                }
            }
            for name in names {
                let from = staged.join(name);
                if from.exists() {
                    std::fs::rename(&from, self.target.join(name)).with_context(|| {
                        format!("cannot move the new {name} into {}", self.target.display())
                    })?;
                }
            }
            Ok(())
        })();
        let _ = std::fs::remove_dir_all(&staged);
        let _ = std::fs::remove_dir_all(&trash);
        result
    }
}

/// The output directory's own name (`public` when it has none, as `.`).
fn output_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// `.<name>.<what>` beside the output `<name>`: where a build keeps what
/// must survive it (caches) without publishing it, on the same filesystem.
pub fn beside(out: &Path, what: &str) -> PathBuf {
    out.with_file_name(format!(".{}.{what}", output_name(out)))
}

/// Refuses output directories whose replacement would destroy the user's
/// work: the site itself, any folder containing it, or the filesystem root.
pub fn check_output_dir(site_dir: &Path, out: &Path) -> Result<()> {
    let site = site_dir
        .canonicalize()
        .unwrap_or_else(|_| site_dir.to_path_buf());
    let out_abs = if out.exists() {
        out.canonicalize()?
    } else {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf())
            .join(out.file_name().unwrap_or_default())
    };
    if out_abs.parent().is_none() || site.starts_with(&out_abs) {
        bail!(
            "refusing to build into {}: it holds the site itself, and the build replaces the whole output directory",
            out.display()
        );
    }
    if out_abs.is_dir() && out_abs.join("profile.toml").exists() {
        bail!(
            "refusing to build into {}: it looks like a site (it has a profile.toml)",
            out.display()
        );
    }
    Ok(())
}

/// Lists the files of `static/` for copying, refusing symlinks that lead
/// outside the site directory.
pub fn static_files(site_dir: &Path, static_dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let root = site_dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", site_dir.display()))?;
    let mut out = Vec::new();
    let mut stack = vec![static_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let meta = std::fs::symlink_metadata(&p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            if meta.file_type().is_symlink() {
                let real = p
                    .canonicalize()
                    .with_context(|| format!("{} is a broken link", p.display()))?;
                if !real.starts_with(&root) {
                    bail!(
                        "{} links to {}, outside the site directory; copy the file into static/ instead",
                        p.display(),
                        real.display()
                    );
                }
            }
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                let rel = p
                    .strip_prefix(static_dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((p, rel));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("old.txt"), "old").unwrap();

        let s = Staging::new(&out).unwrap();
        s.write("new.txt", b"new").unwrap();
        drop(s);
        assert!(
            out.join("old.txt").exists(),
            "a dropped staging leaves the output alone"
        );
        assert!(!out.join("new.txt").exists());

        let s = Staging::new(&out).unwrap();
        s.write("a/new.txt", b"new").unwrap();
        s.commit().unwrap();
        assert!(!out.join("old.txt").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("a/new.txt")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn made_files_are_linked_not_copied() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("cached.webp");
        std::fs::write(&src, b"bytes").unwrap();
        let s = Staging::new(&tmp.path().join("public")).unwrap();
        s.link_or_copy(&src, "assets/a.webp").unwrap();
        assert!(s.link_or_copy(&src, "../a.webp").is_err());
        s.commit().unwrap();
        let out = tmp.path().join("public/assets/a.webp");
        assert_eq!(std::fs::read(&out).unwrap(), b"bytes");
        assert_eq!(
            std::fs::metadata(&out).unwrap().ino(),
            std::fs::metadata(&src).unwrap().ino()
        );
    }

    #[test]
    fn writes_cannot_escape() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("public")).unwrap();
        assert!(s.write("../x", b"").is_err());
        assert!(s.write("/etc/x", b"").is_err());
        assert!(s.write("a/../../x", b"").is_err());
    }

    #[test]
    fn refuses_to_replace_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir(&site).unwrap();
        assert!(check_output_dir(&site, &site).is_err());
        assert!(check_output_dir(&site, tmp.path()).is_err());
        assert!(check_output_dir(&site, &site.join("public")).is_ok());
    }
}
