//! Stage 4, emit: the only stage that writes.
//!
//! The output directory belongs to biopage: it is claimed before a build
//! ([`claim`]) and refused when it is not biopage's (no marker, not empty),
//! when it is or holds an input, or when it is a file or a device. Everything
//! is written into a staging directory beside the output and swapped in by
//! one atomic exchange when the whole build succeeded ([`Staging::commit`]):
//! a kill at any instant leaves either the complete old output or the
//! complete new one, and a failed build leaves the old one exactly as it was.
//! What a killed build left beside the output is removed by the next one.

use anyhow::{bail, Context as _, Result};
use std::path::{Component, Path, PathBuf};

/// The file biopage writes into every output it makes: a directory without
/// it (and not empty) is not replaced without `--force`. It holds the id of
/// the build that wrote the output, which ties the incremental record to it.
pub const MARKER: &str = ".biopage-output";

/// The output directory, claimed for one build: no other biopage build
/// writes it until this is dropped (a lock file beside it).
pub struct Output {
    path: PathBuf,
    /// The id in the marker of the output as it is now, if biopage made it.
    pub previous_build: Option<String>,
    _lock: std::fs::File,
}

impl Output {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Claims `out` for a build of the site or agency at `site`. `inputs` are
/// the folders biopage reads (static/, templates/, creators/ …): the output
/// may be neither one of them nor inside one, nor the site or a folder
/// holding it. An existing output must be a directory that is empty or
/// biopage's own, unless `force`.
pub fn claim(site: &Path, out: &Path, inputs: &[PathBuf], force: bool) -> Result<Output> {
    let shown = out.display();
    match fs_err::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => bail!(
            "refusing to build into {shown}: it is a symbolic link; give the directory it points to with -o"
        ),
        Ok(m) if !m.is_dir() => bail!(
            "refusing to build into {shown}: it is a file, not a directory (biopage writes a whole directory there); choose another -o"
        ),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot inspect {shown}")),
    }
    let parent = parent_of(out);
    fs_err::create_dir_all(&parent)?;
    let out_abs = parent
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", parent.display()))?
        .join(out.file_name().unwrap_or_default());
    let site_abs = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    if out.file_name().is_none() || out_abs.parent().is_none() || site_abs.starts_with(&out_abs) {
        bail!(
            "refusing to build into {shown}: it holds the site itself, and the build replaces the whole output directory"
        );
    }
    for input in inputs {
        let Ok(input_abs) = input.canonicalize() else {
            continue;
        };
        if out_abs.starts_with(&input_abs) {
            bail!(
                "refusing to build into {shown}: it is inside {}, which biopage reads, and every build would replace or nest in it; write the output elsewhere (the default is public/ in the site)",
                input.display()
            );
        }
    }
    if out_abs.is_dir() && out_abs.join("profile.toml").exists() {
        bail!("refusing to build into {shown}: it looks like a site (it has a profile.toml)");
    }
    if out_abs.is_dir() && out_abs.join("agency.toml").exists() {
        bail!("refusing to build into {shown}: it looks like an agency (it has an agency.toml)");
    }
    let previous_build = read_marker(out);
    if previous_build.is_none() && !force && !is_empty_dir_or_missing(out) && !legacy_output(out) {
        bail!(
            "refusing to replace {shown}: it is not empty and biopage did not make it (it has no {MARKER} file); every build replaces the whole output directory, so choose an empty or new -o, or pass --force to replace it"
        );
    }
    let lock_path = beside(out, "biopage-lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        eprintln!("waiting for another biopage build writing {shown} to finish…");
        lock.lock()
            .with_context(|| format!("cannot lock {}", lock_path.display()))?;
    }
    clean_leftovers(out)?;
    Ok(Output {
        path: out.to_path_buf(),
        previous_build: read_marker(out),
        _lock: lock,
    })
}

/// Claims a directory whose use another command has judged by its own rules
/// (a report's directory: `cmd::report`): only the lock against a second
/// run, and the removal of what killed runs left beside it.
pub fn claim_judged(out: &Path) -> Result<Output> {
    let parent = parent_of(out);
    fs_err::create_dir_all(&parent)?;
    let lock_path = beside(out, "biopage-lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;
    clean_leftovers(out)?;
    Ok(Output {
        path: out.to_path_buf(),
        previous_build: read_marker(out),
        _lock: lock,
    })
}

/// `p` as an absolute path with its links resolved as far as it exists (an
/// output that is not there yet, in folders that are not there yet: the
/// real path of its deepest existing folder, then the rest of its name), so
/// that two names of one place compare equal.
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // the deepest ancestor that exists, and the components below it
    let mut rest = Vec::new();
    let mut base = full.as_path();
    let real = loop {
        if let Ok(c) = base.canonicalize() {
            break c;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => break base.to_path_buf(),
        }
    };
    let mut out = real;
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn is_empty_dir_or_missing(out: &Path) -> bool {
    match fs_err::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// The build id in an output's marker.
pub fn read_marker(out: &Path) -> Option<String> {
    let bytes = crate::input::read_regular(&out.join(MARKER), 4096).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let id = text.lines().next()?.strip_prefix("biopage output ")?.trim();
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| id.to_string())
}

/// Outputs of biopage before it wrote a marker: its generator tag on the
/// page, or its short-link header in `_redirects`.
fn legacy_output(out: &Path) -> bool {
    let starts = |name: &str, needle: &str| {
        crate::input::read_regular(&out.join(name), 1 << 20)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .is_some_and(|t| t.contains(needle))
    };
    starts("index.html", "content=\"biopage ") || starts("_redirects", "# biopage short links")
}

/// Removes what killed builds left beside `out`: staging directories, and
/// the old output of an interrupted non-atomic swap (which is put back when
/// the output itself is missing). Called with the lock held, so no running
/// build owns any of them.
fn clean_leftovers(out: &Path) -> Result<()> {
    let parent = parent_of(out);
    let name = output_name(out);
    let staging = format!(".{name}.biopage-staging-");
    let aside = format!(".{name}.biopage-aside");
    // before markers: `.NAME.biopage-XXXXXX` and `.NAME.biopage-XXXXXX.old`
    let legacy = format!(".{name}.biopage-");
    let Ok(entries) = fs_err::read_dir(&parent) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let legacy_tmp = file.strip_prefix(&legacy).is_some_and(|rest| {
            let rest = rest.strip_suffix(".old").unwrap_or(rest);
            rest.len() == 6
                && !["images", "shadow"].contains(&rest)
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if file == aside {
            if !out.exists() {
                crate::fault::step();
                fs_err::rename(&path, out).with_context(|| {
                    format!("cannot restore the previous output from {}", path.display())
                })?;
            } else {
                remove_dir(&path)?;
            }
        } else if file.starts_with(&staging) || legacy_tmp {
            remove_dir(&path)?;
        }
    }
    Ok(())
}

fn remove_dir(path: &Path) -> Result<()> {
    crate::fault::remove_tree(path)
        .with_context(|| format!("cannot remove {}, left by an earlier build", path.display()))
}

/// A directory being filled: a fresh one beside the output (dropped
/// without [`Staging::commit`], it vanishes), or the previous output kept
/// beside the live one, brought up to date in place (see [`Staging::reuse`]).
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: std::sync::atomic::AtomicUsize,
    /// A fresh directory, removed when dropped uncommitted.
    fresh: bool,
    committed: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.fresh && !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// What becomes of the old output once the new one is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Old {
    /// Removed.
    Remove,
    /// Kept beside the live output as the next build's staging directory
    /// (`beside(out, "biopage-shadow")`): an agency's next build then
    /// updates only what changed in it and swaps it in, so an incremental
    /// build costs its changes, not a copy of the whole output.
    Keep,
}

/// Where the previous output is kept (see [`Old::Keep`]).
pub fn shadow_path(out: &Path) -> PathBuf {
    beside(out, "biopage-shadow")
}

impl Staging {
    /// Starts a build of the claimed output in a fresh directory. It is a
    /// sibling, so the final swap stays on one filesystem and is atomic.
    pub fn new(output: &Output) -> Result<Staging> {
        let target = output.path();
        let parent = parent_of(target);
        let name = output_name(target);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.biopage-staging-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a staging directory in {}", parent.display()))?
            .keep();
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: Default::default(),
            fresh: true,
            committed: false,
        })
    }

    /// Starts a build in the kept previous output (the shadow), whose
    /// content the caller knows: it replaces what differs, creator folder
    /// by creator folder, and removes the rest. Its marker goes first, so a
    /// build killed half-way leaves a shadow no later build trusts. Files in
    /// it may be hard links shared with the live output: nothing in it is
    /// ever written in place, only removed and created anew.
    pub fn reuse(output: &Output, shadow: &Path) -> Result<Staging> {
        crate::fault::step();
        match fs_err::remove_file(shadow.join(MARKER)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Staging {
            dir: shadow.to_path_buf(),
            target: output.path().to_path_buf(),
            files: Default::default(),
            fresh: false,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
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
        Ok(self.dir.join(p))
    }

    /// Makes way for a new file: its folders exist, and in a reused
    /// staging nothing is left at its path (a file there may be a link
    /// shared with the live output, which must not change).
    fn prepare(&self, dest: &Path) -> Result<()> {
        if let Some(parent) = dest.parent() {
            fs_err::create_dir_all(parent)?;
        }
        if !self.fresh {
            match std::fs::remove_file(dest) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot replace {}", dest.display()))
                }
            }
        }
        Ok(())
    }

    /// Writes a file; `&self`, so that threads write in parallel.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.dest(rel)?;
        self.prepare(&dest)?;
        fs_err::write(&dest, bytes)?;
        self.count();
        Ok(())
    }

    pub fn copy(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.dest(rel)?;
        self.prepare(&dest)?;
        fs_err::copy(src, &dest)
            .with_context(|| format!("cannot copy {} to {}", src.display(), dest.display()))?;
        self.count();
        Ok(())
    }

    /// Hard-links `src` into the output, or copies it where links cannot
    /// be made (another filesystem, no permission). Only for files nobody
    /// edits: the output and `src` then share their bytes.
    pub fn link_or_copy(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.dest(rel)?;
        self.prepare(&dest)?;
        if fs_err::hard_link(src, &dest).is_err() {
            fs_err::copy(src, &dest)
                .with_context(|| format!("cannot copy {} to {}", src.display(), dest.display()))?;
        }
        self.count();
        Ok(())
    }

    /// Removes an entry of the staging directory (a creator folder to be
    /// made anew, or one that is gone, or a root file another host wanted).
    pub fn clear(&self, rel: &str) -> Result<()> {
        let dest = self.dest(rel)?;
        match std::fs::symlink_metadata(&dest) {
            Ok(meta) if !meta.is_dir() => crate::fault::remove_file(&dest)
                .with_context(|| format!("cannot remove {}", dest.display())),
            Ok(_) => crate::fault::remove_tree(&dest)
                .with_context(|| format!("cannot remove {}", dest.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot inspect {}", dest.display())),
        }
    }

    /// The entries at the top of the staging directory.
    pub fn entries(&self) -> Result<Vec<String>> {
        Ok(fs_err::read_dir(&self.dir)?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect())
    }

    /// Carries a folder of the current output (an unchanged creator of an
    /// agency) into the staging directory, file by file as hard links: the
    /// new output is complete on its own, so it can replace the old one in
    /// one swap, and carrying a file costs a link, not a copy. Returns the
    /// file count.
    pub fn carry(&self, rel: &str) -> Result<usize> {
        self.clear(rel)?;
        let from = self.target.join(rel);
        let to = self.dest(rel)?;
        let mut n = 0;
        for entry in walkdir::WalkDir::new(&from).follow_links(false) {
            let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
            let sub = entry.path().strip_prefix(&from).unwrap_or(entry.path());
            let dest = to.join(sub);
            let ft = entry.file_type();
            if ft.is_dir() {
                fs_err::create_dir_all(&dest)?;
            } else if ft.is_file() {
                if fs_err::hard_link(entry.path(), &dest).is_err() {
                    fs_err::copy(entry.path(), &dest).with_context(|| {
                        format!(
                            "cannot copy {} to {}",
                            entry.path().display(),
                            dest.display()
                        )
                    })?;
                }
                n += 1;
            }
        }
        self.files
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }

    /// Marks the staged output as biopage's (build `id`) and swaps it in.
    /// Where the system can exchange two directories atomically (Linux's
    /// `renameat2(RENAME_EXCHANGE)`, macOS's `renamex_np(RENAME_SWAP)`), the
    /// output is at every instant either the old one or the new one; the
    /// old one is then removed or kept as the shadow (`old`). Elsewhere the
    /// old output is renamed aside first, and the next build puts it back if
    /// a kill came in between.
    pub fn commit(mut self, id: &str, old: Old) -> Result<()> {
        let marker = self.dir.join(MARKER);
        self.prepare(&marker)?;
        fs_err::write(
            &marker,
            format!(
                "biopage output {id}\nThis directory is written by biopage: every build replaces it whole. Keep nothing else here.\n"
            ),
        )?;
        self.committed = true;
        let staged = self.dir.clone();
        let target = self.target.clone();
        let shadow = shadow_path(&target);
        crate::fault::step();
        if fs_err::symlink_metadata(&target).is_err() {
            if let Err(e) = fs_err::rename(&staged, &target) {
                if self.fresh {
                    let _ = fs_err::remove_dir_all(&staged);
                }
                return Err(e).with_context(|| {
                    format!("cannot move the new site into {}", target.display())
                });
            }
            return Ok(());
        }
        let exchanged = if crate::fault::exchange_disabled() {
            Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
        } else {
            exchange(&staged, &target)
        };
        match exchanged {
            Ok(()) => {
                // `staged` now holds the old output
                match old {
                    Old::Keep if staged == shadow => Ok(()),
                    Old::Keep => {
                        if std::fs::symlink_metadata(&shadow).is_ok() {
                            crate::fault::remove_tree(&shadow)?;
                        }
                        crate::fault::step();
                        fs_err::rename(&staged, &shadow)?;
                        Ok(())
                    }
                    Old::Remove => crate::fault::remove_tree(&staged).with_context(|| {
                        format!("cannot remove the old output {}", staged.display())
                    }),
                }
            }
            Err(_) => swap_aside(&staged, &target, old),
        }
    }
}

/// The non-atomic swap: old output aside, new one in, old one removed (or
/// kept as the shadow).
fn swap_aside(staged: &Path, target: &Path, old: Old) -> Result<()> {
    let aside = target.with_file_name(format!(".{}.biopage-aside", output_name(target)));
    crate::fault::step();
    fs_err::rename(target, &aside)
        .with_context(|| format!("cannot move the old {} aside", target.display()))?;
    crate::fault::step();
    if let Err(e) = fs_err::rename(staged, target) {
        let _ = fs_err::rename(&aside, target);
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", target.display()));
    }
    match old {
        Old::Keep => {
            let shadow = shadow_path(target);
            if std::fs::symlink_metadata(&shadow).is_ok() {
                crate::fault::remove_tree(&shadow)?;
            }
            crate::fault::step();
            fs_err::rename(&aside, &shadow)?;
            Ok(())
        }
        Old::Remove => crate::fault::remove_tree(&aside)
            .with_context(|| format!("cannot remove the old output {}", aside.display())),
    }
}

/// Exchanges two paths atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let ca = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let cb = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // the raw syscall: glibc and musl alike, whatever their version
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(target_os = "macos")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let ca = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let cb = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    let r = unsafe { libc::renamex_np(ca.as_ptr(), cb.as_ptr(), libc::RENAME_SWAP) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
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

/// Lists the files of `static/` for copying (hidden ones too: a
/// `.well-known/` folder is what static/ is for), through the site's
/// [`Root`](crate::input::Root): links out of the site, FIFOs and devices
/// are refused, and so are files larger than a host publishes.
pub fn static_files(
    root: &crate::input::Root,
    static_dir: &Path,
) -> Result<Vec<(PathBuf, String)>, crate::input::InputError> {
    let files = root.files(static_dir)?;
    for (path, _) in &files {
        let size = fs_err::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size > crate::input::STATIC_LIMIT {
            return Err(crate::input::InputError {
                path: path.clone(),
                refusal: crate::input::Refusal::TooBig {
                    size,
                    limit: crate::input::STATIC_LIMIT,
                },
            });
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
