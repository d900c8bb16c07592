//! Watching a site directory for `biopage serve`.
//!
//! notify reports raw, platform-specific events (inotify, FSEvents, …) that
//! editors turn into noise: swap files, backup files, write tests, saves by
//! rename. This module maps them onto a small vocabulary — which [`Part`] of
//! the site changed and how ([`Op`]) — so that the server decides what to
//! do from a few table-tested functions instead of from notify's enums
//! (the approach of Zola's `src/fs_utils.rs`).
//!
//! Only what a build reads is watched: `profile.toml` and `products.toml`
//! (through a non-recursive watch on the site directory itself, so that a
//! save by rename — write a temporary file, rename it over the original —
//! is seen even though the original inode is gone), and the `images/`,
//! `static/`, `templates/` and `themes/` trees (and an agency's
//! `campaigns/`), recursively. `public/`,
//! `.git/` or `node_modules/` are never watched: they can be huge, and the
//! first would loop if a concurrent `biopage build` wrote into it. For one
//! creator of an agency, the root is the agency (`agency.toml`) and the
//! creator's folder is watched recursively as well; no other creator's is.

use anyhow::{Context as _, Result};
use notify::event::{EventKind, MetadataKind, ModifyKind, RenameMode};
use notify::RecursiveMode;
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The sub-directories of a site that a build reads, by [`Part`].
const TREES: [(&str, Part); 5] = [
    ("images", Part::Images),
    ("static", Part::Static),
    ("templates", Part::Templates),
    ("themes", Part::Themes),
    // an agency's campaigns change the pages of the creators they target
    ("campaigns", Part::Agency),
];

/// Which part of a site a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// An agency's `agency.toml`: defaults of every creator.
    Agency,
    Profile,
    Products,
    Images,
    Static,
    Templates,
    Themes,
}

/// What happened to a path, once notify's many kinds are folded together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Modify,
    Remove,
}

/// One relevant change: a file of the site that was created, modified or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub part: Part,
    pub op: Op,
    pub path: PathBuf,
}

/// What a batch of events asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub changes: Vec<Change>,
    /// The OS dropped events (inotify queue overflow): anything may have
    /// changed, so rebuild.
    pub rescan: bool,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.rescan
    }

    pub fn merge(&mut self, other: Batch) {
        self.changes.extend(other.changes);
        self.rescan |= other.rescan;
    }

    /// A short description for the terminal: "profile.toml, images/a.jpg".
    pub fn describe(&self, root: &Path) -> String {
        let mut names: BTreeSet<String> = self
            .changes
            .iter()
            .map(|c| {
                c.path
                    .strip_prefix(root)
                    .unwrap_or(&c.path)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        if self.rescan {
            names.insert("(rescan)".into());
        }
        let total = names.len();
        let mut shown: Vec<String> = names.into_iter().take(3).collect();
        if total > 3 {
            shown.push(format!("and {} more", total - 3));
        }
        shown.join(", ")
    }
}

/// Folds a notify event kind into an [`Op`], or `None` for events that do
/// not change content (reads, access times, ownership).
///
/// A rename with both ends known (`RenameMode::Both`) is two ops, a removal
/// of the old path and a creation of the new one; see [`filter_events`].
pub fn op_of(kind: &EventKind) -> Option<Op> {
    match kind {
        EventKind::Create(_) => Some(Op::Create),
        EventKind::Remove(_) => Some(Op::Remove),
        EventKind::Modify(m) => match m {
            ModifyKind::Name(RenameMode::From) => Some(Op::Remove),
            ModifyKind::Name(RenameMode::To) => Some(Op::Create),
            // Both ends are handled by the caller; here, the new end.
            ModifyKind::Name(RenameMode::Both) => Some(Op::Create),
            ModifyKind::Name(_) => Some(Op::Modify),
            ModifyKind::Data(_) | ModifyKind::Any | ModifyKind::Other => Some(Op::Modify),
            // `touch` is a common way to ask for a rebuild; chmod, chown,
            // atime and xattrs change nothing a build reads.
            ModifyKind::Metadata(MetadataKind::WriteTime | MetadataKind::Any) => Some(Op::Modify),
            ModifyKind::Metadata(_) => None,
        },
        // Some backends (polling, and FSEvents for coalesced events) do not
        // know what happened: assume a modification.
        EventKind::Any => Some(Op::Modify),
        EventKind::Access(_) | EventKind::Other => None,
    }
}

/// The part of the site `path` belongs to, or `None` if a build never reads
/// it (the output, version control, editor temporary files, …).
pub fn part_of(root: &Path, path: &Path) -> Option<Part> {
    let rel = path.strip_prefix(root).ok()?;
    let mut comps = rel.components();
    let first = match comps.next()? {
        Component::Normal(c) => c.to_str()?,
        _ => return None,
    };
    let rest = comps.as_path();
    if is_temp_file(rel) {
        return None;
    }
    if rest.as_os_str().is_empty() {
        match first {
            "profile.toml" => return Some(Part::Profile),
            "products.toml" => return Some(Part::Products),
            "agency.toml" => return Some(Part::Agency),
            _ => {}
        }
    }
    // An agency's creator: the parts of a site, under creators/<handle>/.
    if first == "creators" {
        let handle = rest.components().next()?;
        return part_of(&root.join("creators").join(handle), path);
    }
    TREES
        .iter()
        .find(|(name, _)| *name == first)
        .map(|(_, part)| *part)
}

/// Whether a file is an editor's or an OS's scratch file rather than part of
/// the site. Saving in vim, emacs or a JetBrains IDE creates and deletes
/// several of these around every write; rebuilding for them would build
/// the site two or three times per save, sometimes half-written.
pub fn is_temp_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(OsStr::to_str) else {
        // Not UTF-8: no build could name it in TOML anyway.
        return true;
    };
    let ext = Path::new(name)
        .extension()
        .and_then(OsStr::to_str)
        .unwrap_or("");
    // vim: `.profile.toml.swp` (then .swo, .swn … down to .swa), `.swx`
    // while probing, and numeric write tests 4913, 5036, 5159 … (+123).
    let vim_swap = name.starts_with('.')
        && ext.len() == 3
        && ext.starts_with("sw")
        && matches!(ext.as_bytes().get(2), Some(b'a'..=b'p' | b'x'));
    let vim_probe = name
        .parse::<u32>()
        .is_ok_and(|n| n >= 4913 && (n - 4913) % 123 == 0);
    vim_swap
        || vim_probe
        // vim and emacs backups; emacs autosave `#x#` and lock `.#x`
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        // JetBrains "safe write"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with("___jb_bak___")
        // Kate, gedit / GLib, MS Office, LibreOffice
        || name.ends_with(".kate-swp")
        || name.starts_with(".goutputstream-")
        || name.starts_with("~$")
        || name.starts_with(".~lock.")
        // OS metadata
        || matches!(name, ".DS_Store" | "Thumbs.db" | "desktop.ini")
        || name.starts_with("._")
        // generic scratch files and downloads in progress
        || matches!(ext, "tmp" | "temp" | "bak" | "part" | "crdownload")
}

/// The relevant changes in a batch of debounced events.
pub fn filter_events(root: &Path, events: &[DebouncedEvent]) -> Batch {
    let mut batch = Batch::default();
    for event in events {
        if event.need_rescan() {
            batch.rescan = true;
            continue;
        }
        let Some(op) = op_of(&event.kind) else {
            continue;
        };
        let both = matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::Both))
        );
        for (i, path) in event.paths.iter().enumerate() {
            // In a rename with both ends, paths[0] is the old name.
            let op = if both && i == 0 { Op::Remove } else { op };
            if let Some(part) = part_of(root, path) {
                batch.changes.push(Change {
                    part,
                    op,
                    path: path.clone(),
                });
            }
        }
    }
    batch
}

/// What the watcher's thread delivers: a batch of debounced events, or a
/// request to stop (from the server, on Ctrl-C).
pub enum Msg {
    Events(DebounceEventResult),
    Stop,
}

/// The debouncer's timeout: how long an event waits for its like before it
/// is delivered. Short, because it adds to every rebuild's latency: the raw
/// events of one save (truncate, write, rename) come within a millisecond,
/// and longer bursts are merged by [`SETTLE`].
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// After a batch arrives, how long the server waits for the next one before
/// building. The debouncer delivers the events of a burst that straddles one
/// of its ticks (every `DEBOUNCE / 4`, 2.5 ms) one tick apart; waiting four
/// ticks merges them into one rebuild even when the debouncer's thread
/// oversleeps on a busy machine.
pub const SETTLE: Duration = Duration::from_millis(10);

/// Waits for the next batch of relevant changes, then keeps merging the
/// batches that follow until none has come for [`SETTLE`], so that a burst
/// of saves (an editor's "save all", a `git checkout`) is one rebuild.
/// Batches of noise only (editor scratch files) are skipped without
/// waiting. `None` once told to stop.
pub fn next_batch(root: &Path, rx: &mpsc::Receiver<Msg>) -> Option<Batch> {
    loop {
        let mut batch = take(root, rx.recv().ok()?)?;
        if batch.is_empty() {
            continue;
        }
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(msg) => batch.merge(take(root, msg)?),
                Err(mpsc::RecvTimeoutError::Timeout) => return Some(batch),
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

fn take(root: &Path, msg: Msg) -> Option<Batch> {
    match msg {
        Msg::Stop => None,
        Msg::Events(Ok(events)) => Some(filter_events(root, &events)),
        Msg::Events(Err(errors)) => {
            // Typically "too many watches": worth telling, not worth stopping for.
            for e in errors {
                eprintln!("warning: file watcher: {e}");
            }
            Some(Batch::default())
        }
    }
}

/// What a file was like, to tell whether it changed since a build read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fingerprint {
    Absent,
    /// A hash of the contents, and the modification time so that `touch`
    /// still asks for a rebuild (schedules depend on the clock).
    File(u64, Option<std::time::SystemTime>),
    /// Directories are never considered unchanged: their events are rare
    /// and mean that files appeared or went.
    Dir,
    Unreadable,
}

impl Fingerprint {
    pub fn of(path: &Path) -> Fingerprint {
        use std::hash::{Hash, Hasher};
        match fs_err::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Fingerprint::Absent,
            Err(_) => Fingerprint::Unreadable,
            Ok(m) if m.is_dir() => Fingerprint::Dir,
            // a FIFO or device would block or never end: never read it
            // (the build refuses it and says why)
            Ok(m) if !m.is_file() => Fingerprint::Unreadable,
            Ok(m) => match crate::input::read_regular(path, crate::input::IMAGE_LIMIT) {
                Ok(bytes) => {
                    let mut h = std::hash::DefaultHasher::new();
                    bytes.hash(&mut h);
                    Fingerprint::File(h.finish(), m.modified().ok())
                }
                Err(_) => Fingerprint::Unreadable,
            },
        }
    }
}

/// The files as the latest build found them, per path that ever changed.
///
/// The debouncer delivers the events of one burst in several batches when
/// its thread is starved (a busy machine), and the last of them may arrive
/// after a build that already read every file in its final state. Comparing
/// the files with what that build saw turns such stragglers into no-ops, so
/// a burst stays one rebuild without a longer (slower) settle time.
#[derive(Debug, Default)]
pub struct Seen(HashMap<PathBuf, Fingerprint>);

impl Seen {
    /// Whether anything in `batch` differs from what the latest build saw.
    pub fn changed(&self, batch: &Batch) -> bool {
        batch.rescan
            || batch.changes.iter().any(|c| {
                let now = Fingerprint::of(&c.path);
                matches!(now, Fingerprint::Dir | Fingerprint::Unreadable)
                    || self.0.get(&c.path) != Some(&now)
            })
    }

    /// Notes the files of `batch` as a build is about to read them. Taken
    /// before the build, so that a change during it is seen as a change.
    pub fn record(&mut self, batch: &Batch) {
        for c in &batch.changes {
            self.0.insert(c.path.clone(), Fingerprint::of(&c.path));
        }
    }
}

/// A debounced watch on one site directory, keeping a recursive watch on
/// each of `images/`, `static/`, `templates/` and `themes/` that exists,
/// and on the one creator's folder when the root is an agency.
pub struct SiteWatcher {
    root: PathBuf,
    creator: Option<PathBuf>,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    trees: BTreeSet<PathBuf>,
}

impl SiteWatcher {
    /// Starts watching `root`; events go to `tx` as [`Msg::Events`].
    pub fn new(
        root: &Path,
        creator: Option<PathBuf>,
        tx: mpsc::Sender<Msg>,
    ) -> Result<SiteWatcher> {
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
            // The receiver is gone only when the server is shutting down.
            let _ = tx.send(Msg::Events(r));
        })
        .context("cannot start the file watcher")?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        let mut w = SiteWatcher {
            root: root.to_path_buf(),
            creator,
            debouncer,
            trees: BTreeSet::new(),
        };
        w.refresh(&Batch::default())?;
        Ok(w)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Keeps the recursive watches in step with the directories that exist:
    /// `images/` may be created after `serve` started, or deleted and
    /// re-created by `git checkout` (which silently ends its old watch).
    /// Call it before rebuilding, so that files added right after a
    /// directory was created are both watched and built.
    pub fn refresh(&mut self, batch: &Batch) -> Result<()> {
        let trees: Vec<PathBuf> = TREES
            .iter()
            .map(|(name, _)| self.root.join(name))
            .chain(self.creator.clone())
            .collect();
        for dir in trees {
            let touched = batch.changes.iter().any(|c| c.path == dir);
            let exists = dir.is_dir();
            let watched = self.trees.contains(&dir);
            if watched && (touched || !exists) {
                // It may already be gone along with the directory.
                let _ = self.debouncer.unwatch(&dir);
                self.trees.remove(&dir);
            }
            if exists && !self.trees.contains(&dir) {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {}", dir.display()))?;
                self.trees.insert(dir);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
