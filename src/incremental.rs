//! What makes an agency rebuild incremental: a record, kept beside the
//! output, of every creator's inputs and of what the agency-wide files need
//! from it.
//!
//! Two keys guard a creator's output. The *input* key is a digest of the
//! bytes of every file in its folder; while it and the build's context
//! (biopage binary, agency.toml, `--base-url`) are unchanged, and "now" is
//! still inside the window in which no schedule starts or ends, the creator
//! is neither parsed nor rendered: reading its files is the whole cost. When
//! the input key differs, the creator is loaded and resolved and its *output*
//! key (a digest of the resolved pages and the templates) decides: an edit
//! that changes nothing visible, such as a comment, still re-renders nothing.
//!
//! File contents are hashed only when a file's size or modification time
//! moved since the last build, as git's index does, so a rebuild reads
//! directory entries rather than files; a fresh checkout (new modification
//! times, same bytes) costs one read per file and still hits.

use crate::analytics::Analytics;
use crate::model::Site;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the agency-wide files (`_headers`, `_redirects`, `sitemap.xml`)
/// need from one creator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Fragment {
    pub redirects: String,
    /// Whether the creator's short links have `go/<id>/` pages, so that
    /// their `_redirects` lines may be left out past the host's limit
    /// (missing in a record means no pages: every line is kept).
    #[serde(default)]
    pub go_pages: bool,
    pub sitemap_url: String,
    pub style_hash: String,
    pub script_hash: Option<String>,
    pub analytics: Option<Analytics>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// The build's context; the input keys hold only under the same one.
    pub context: String,
    /// `all`, `only:<handle>` or `shard:i/n`: which creators own output.
    pub selection: String,
    pub creators: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Digest of the creator's files.
    pub input: String,
    /// Digest of the creator's output, if it was written into this output
    /// (not for creators another shard renders).
    pub output: Option<String>,
    /// The creator's output is the same for every "now" in `[from, until)`.
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub files: Vec<Stamp>,
    pub fragment: Fragment,
}

impl Entry {
    /// Whether this entry still describes the creator, without parsing it.
    pub fn holds(&self, input: &str, now: i64) -> bool {
        self.input == input
            && self.from.is_none_or(|f| f <= now)
            && self.until.is_none_or(|u| now < u)
    }
}

/// A file's identity as last seen: when size and mtime agree, its digest
/// is reused instead of read again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stamp {
    pub path: String,
    pub len: u64,
    pub mtime_ns: i128,
    pub sha: String,
}

/// Where the cache of output `out` lives: beside it, never inside it (the
/// output directory is published as it is).
pub fn cache_path(out: &Path) -> PathBuf {
    crate::emit::beside(out, "biopage-cache.json")
}

/// Reads the previous build's record; anything unreadable or from another
/// biopage is no record at all (the build is then a clean one).
pub fn read(out: &Path) -> Option<Cache> {
    let bytes = std::fs::read(cache_path(out)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub fn write(out: &Path, cache: &Cache) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let path = cache_path(out);
    let json = serde_json::to_vec(cache).unwrap_or_default();
    std::fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))
}

/// The build's context: the running binary (a rebuilt biopage may render
/// differently even under the same version number), agency.toml's bytes and
/// the options that change every creator's output.
pub fn context(agency_dir: &Path, base_url: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h.update(meta.len().to_le_bytes());
        h.update(mtime_ns(&meta).to_le_bytes());
    }
    h.update([0]);
    h.update(std::fs::read(agency_dir.join("agency.toml")).unwrap_or_default());
    h.update([0]);
    h.update(base_url.unwrap_or("").as_bytes());
    format!("{:x}", h.finalize())
}

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(-1)
}

/// The digest of every file under `dir` (hidden files aside: editors' swap
/// files are not inputs), with the stamps that let the next build skip
/// reading the unchanged ones. `previous` are the last build's stamps.
pub fn digest_dir(dir: &Path, previous: &[Stamp]) -> std::io::Result<(String, Vec<Stamp>)> {
    let mut stamps = Vec::new();
    walk(dir, "", previous, &mut stamps)?;
    let mut h = Sha256::new();
    for s in &stamps {
        h.update(s.path.as_bytes());
        h.update([0]);
        h.update(s.sha.as_bytes());
        h.update([0]);
    }
    Ok((format!("{:x}", h.finalize()), stamps))
}

fn walk(dir: &Path, rel: &str, previous: &[Stamp], out: &mut Vec<Stamp>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let sub = format!("{rel}{name}");
        let kind = e.file_type()?;
        if kind.is_symlink() {
            // the link itself is an input; a linked file's bytes too, but a
            // linked directory is not followed (no loops, and the build
            // refuses links out of the site anyway)
            let target = std::fs::read_link(&path)?;
            let mut h = Sha256::new();
            h.update(target.to_string_lossy().as_bytes());
            if let Ok(bytes) = std::fs::metadata(&path)
                .ok()
                .filter(|m| m.is_file())
                .map(|_| std::fs::read(&path))
                .transpose()
            {
                h.update(bytes.unwrap_or_default());
            }
            out.push(Stamp {
                path: sub,
                len: 0,
                mtime_ns: -1,
                sha: format!("link:{:x}", h.finalize()),
            });
        } else if kind.is_dir() {
            walk(&path, &format!("{sub}/"), previous, out)?;
        } else {
            let meta = e.metadata()?;
            let (len, mtime) = (meta.len(), mtime_ns(&meta));
            let known = previous
                .iter()
                .find(|s| s.path == sub && s.len == len && s.mtime_ns == mtime && mtime >= 0);
            let sha = match known {
                Some(s) => s.sha.clone(),
                None => format!("{:x}", Sha256::digest(std::fs::read(&path)?)),
            };
            out.push(Stamp {
                path: sub,
                len,
                mtime_ns: mtime,
                sha,
            });
        }
    }
    Ok(())
}

/// Every instant at which one of the site's items starts or ends: its
/// pages change only there.
pub fn schedule_bounds(site: &Site) -> Vec<i64> {
    site.links
        .iter()
        .chain(&site.products)
        .flat_map(|i| [i.starts.as_ref(), i.ends.as_ref()])
        .flatten()
        .map(|b| b.value.0)
        .collect()
}

/// The span of "now" around `now` that contains none of `bounds`, so the
/// resolved pages stay the same throughout it.
pub fn window(bounds: &[i64], now: i64) -> (Option<i64>, Option<i64>) {
    let from = bounds.iter().copied().filter(|b| *b <= now).max();
    let until = bounds.iter().copied().filter(|b| *b > now).min();
    (from, until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_follows_bytes_not_times() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(d.join("profile.toml"), "name = \"A\"").unwrap();
        std::fs::create_dir(d.join("img")).unwrap();
        std::fs::write(d.join("img/a.png"), [1, 2, 3]).unwrap();
        std::fs::write(d.join(".profile.toml.swp"), "junk").unwrap();
        let (k1, stamps) = digest_dir(d, &[]).unwrap();
        assert_eq!(
            stamps.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            ["img/a.png", "profile.toml"]
        );
        // unchanged: same key, with or without the previous stamps
        assert_eq!(digest_dir(d, &stamps).unwrap().0, k1);
        assert_eq!(digest_dir(d, &[]).unwrap().0, k1);
        // hidden files are not inputs
        std::fs::write(d.join(".profile.toml.swp"), "other junk").unwrap();
        assert_eq!(digest_dir(d, &stamps).unwrap().0, k1);
        // a changed byte changes the key, even if the stamp is forged to match
        std::fs::write(d.join("img/a.png"), [1, 2, 4]).unwrap();
        let (k2, _) = digest_dir(d, &[]).unwrap();
        assert_ne!(k1, k2);
        // a new file changes it too
        std::fs::write(d.join("products.toml"), "").unwrap();
        assert_ne!(digest_dir(d, &[]).unwrap().0, k2);
    }

    #[test]
    fn stale_stamps_are_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(d.join("profile.toml"), "one").unwrap();
        let (_, stamps) = digest_dir(d, &[]).unwrap();
        // same length, new content: the mtime moves, so it is read again
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(d.join("profile.toml"), "two").unwrap();
        let (fresh, _) = digest_dir(d, &[]).unwrap();
        assert_eq!(digest_dir(d, &stamps).unwrap().0, fresh);
    }

    #[test]
    fn windows_lie_between_schedule_bounds() {
        let bounds = [100, 200, 150, 400];
        assert_eq!(window(&bounds, 50), (None, Some(100)));
        assert_eq!(window(&bounds, 100), (Some(100), Some(150)));
        assert_eq!(window(&bounds, 170), (Some(150), Some(200)));
        assert_eq!(window(&bounds, 500), (Some(400), None));
        assert_eq!(window(&[], 5), (None, None));
        let e = Entry {
            input: "k".into(),
            output: None,
            from: Some(100),
            until: Some(150),
            files: vec![],
            fragment: Fragment::default(),
        };
        assert!(e.holds("k", 100) && e.holds("k", 149));
        assert!(!e.holds("k", 150) && !e.holds("k", 99) && !e.holds("j", 120));
    }
}
