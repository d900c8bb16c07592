//! What makes an agency rebuild incremental: a record, kept beside the
//! output, of every creator's inputs and of what the agency-wide files need
//! from it.
//!
//! Two keys guard a creator's output. The *input* key is a digest of the
//! bytes of every file in its folder; while it and the build's context
//! (biopage binary, agency.toml, its campaigns, `--base-url`) are unchanged, and "now" is
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
use crate::input::{InputError, Root};
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
    /// `go_pages = "products"`: the lines of the creator's short links that
    /// have no page (links'), while `redirects` holds those that have one
    /// (products'). Empty otherwise, and then not written, so a record of
    /// a build that names no host is what it was before hosts.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pageless: String,
    pub sitemap_url: String,
    pub style_hash: String,
    pub script_hash: Option<String>,
    pub analytics: Option<Analytics>,
}

/// The record's format; a record of another format is no record.
pub const FORMAT: u32 = 2;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    pub format: u32,
    /// The build that wrote the output this record describes (the id in the
    /// output's marker, see `emit::MARKER`): a record whose id differs
    /// describes another output, or one a killed build did not finish.
    pub build: String,
    /// The build's context; the input keys hold only under the same one.
    pub context: String,
    /// Whether the output holds the agency-wide root files, so that a
    /// build of some creators (`--only`, a shard) into it rewrites them.
    pub root_files: bool,
    pub creators: BTreeMap<String, Entry>,
    /// The output before this one, kept beside it (`emit::shadow_path`):
    /// what each creator's folder there holds, so that the next build
    /// updates only what differs.
    #[serde(default)]
    pub shadow: Option<Shadow>,
    /// HMAC-SHA256 of the record (with this field empty) under the output's
    /// key (see [`key_path`]): an edited record, or one restored without its
    /// key, is not used.
    #[serde(default)]
    pub mac: String,
}

/// The kept previous output: its marker's id and each creator's output key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Shadow {
    pub build: String,
    pub outputs: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Digest of the creator's files.
    pub input: String,
    /// Digest of the creator's output, if its folder is in this output (not
    /// for creators another shard renders).
    pub output: Option<String>,
    /// The creator's output is the same for every "now" in `[from, until)`.
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub files: Vec<Stamp>,
    pub fragment: Fragment,
    /// What the creator's folder of the output weighs, for the host's
    /// limits and the build's summary, so a carried creator is counted
    /// without reading its folder.
    #[serde(default)]
    pub weight: Weight,
}

/// Files and bytes of one site's output: what hosts limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weight {
    pub files: u64,
    pub bytes: u64,
    /// The largest file: size, and path within the site.
    pub largest: u64,
    pub largest_path: String,
    /// The directory with the most entries: how many, and its path within
    /// the site ("" for the site's own folder).
    pub fullest: u64,
    pub fullest_path: String,
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

/// The largest record read: far more than the largest agency's record.
const RECORD_LIMIT: u64 = 1 << 30;

/// Reads the previous build's record. It is a hint, never a source: it is
/// used only if it is of this format, was written by the build that made
/// the output as it is now (`build`, from the output's marker), and every
/// value that reaches the output (`_redirects` lines, policy hashes and
/// sources) passes [`validate`] for the agency's current paths. A missing
/// record is `Ok(None)`; an unusable one is `Err(why)`, which the build
/// reports as a note before building every creator.
pub fn read(
    out: &Path,
    build: Option<&str>,
    owned: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Cache>, String> {
    let path = cache_path(out);
    let bytes = match crate::input::read_regular(&path, RECORD_LIMIT) {
        Ok(b) => b,
        Err(crate::input::Refusal::Missing) => return Ok(None),
        Err(r) => {
            return Err(crate::input::InputError { path, refusal: r }.reason());
        }
    };
    let mut cache: Cache = serde_json::from_slice(&bytes)
        .map_err(|e| format!("it is not a record biopage can read ({e})"))?;
    let Some(key) = key(out, false) else {
        return Err(format!(
            "its key {} is missing (a record restored without the key it was written with is not trusted)",
            key_path(out).display()
        ));
    };
    let mac = std::mem::take(&mut cache.mac);
    if mac_of(&cache, &key).is_none_or(|m| m != mac) {
        return Err("it was changed after biopage wrote it, or written with another key".into());
    }
    if cache.format != FORMAT {
        return Err("it was written by another version of biopage".into());
    }
    if Some(cache.build.as_str()) != build {
        return Err("it does not describe the output as it is now (an interrupted build, or a record from elsewhere)".into());
    }
    validate(&cache, owned)?;
    Ok(Some(cache))
}

/// Checks every value of the record that can reach the output. `owned`
/// gives a handle's short-link prefix (`/<handle>/`, or below the agency's
/// base path), or `None` for a handle that is not a creator now (whose
/// entry the build drops).
pub fn validate(cache: &Cache, owned: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    let hex = |s: &str| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit());
    if !hex(&cache.context) {
        return Err("its context key is malformed".into());
    }
    if let Some(shadow) = &cache.shadow {
        let id_ok = !shadow.build.is_empty()
            && shadow.build.len() <= 64
            && shadow.build.chars().all(|c| c.is_ascii_hexdigit());
        if !id_ok || shadow.outputs.values().any(|k| !hex(k)) {
            return Err("its record of the kept output is malformed".into());
        }
    }
    for (handle, e) in &cache.creators {
        let bad = |what: &str| {
            Err(format!(
                "the entry of \"{}\" has {what}",
                crate::diag::terminal_safe(handle)
            ))
        };
        // a creator that is gone: its entry is dropped, never used
        let Some(prefix) = owned(handle) else {
            continue;
        };
        if !hex(&e.input) || e.output.as_deref().is_some_and(|o| !hex(o)) {
            return bad("a malformed key");
        }
        let f = &e.fragment;
        if !f.redirects.is_empty() && !f.redirects.ends_with('\n') {
            return bad("a malformed redirect list");
        }
        if !f.pageless.is_empty() && !f.pageless.ends_with('\n') {
            return bad("a malformed redirect list");
        }
        if !f
            .redirects
            .lines()
            .chain(f.pageless.lines())
            .all(|l| redirect_line_ok(l, &prefix))
        {
            return bad("a redirect rule that is not its own short link");
        }
        if !hash_ok(&f.style_hash) || f.script_hash.as_deref().is_some_and(|h| !hash_ok(h)) {
            return bad("a malformed policy hash");
        }
        if !matches!(
            crate::tracking::classify(&f.sitemap_url),
            Ok(crate::tracking::Dest::Web(_))
        ) || f
            .sitemap_url
            .contains(|c: char| c.is_whitespace() || c.is_control())
        {
            return bad("a malformed page address");
        }
        if let Some(a) = &f.analytics {
            if !crate::analytics::PROVIDERS.contains(&a.provider.as_str())
                || !a
                    .script_src
                    .iter()
                    .chain(&a.connect_src)
                    .chain(&a.img_src)
                    .all(|s| source_ok(s))
            {
                return bad("analytics sources that are not origins");
            }
        }
    }
    Ok(())
}

/// `'sha256-<44 base64 characters>'`, as CSP wants a hash.
fn hash_ok(h: &str) -> bool {
    h.strip_prefix("'sha256-")
        .and_then(|r| r.strip_suffix('\''))
        .is_some_and(|b| {
            b.len() == 44
                && b.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        })
}

/// A CSP source biopage writes: `'self'` or an https origin.
fn source_ok(s: &str) -> bool {
    s == "'self'"
        || url::Url::parse(s)
            .is_ok_and(|u| u.scheme() == "https" && u.origin().ascii_serialization() == s)
}

/// `<prefix>go/<id>/ <http(s) URL> 302`: a short link of the creator that
/// owns `prefix`, to a web address.
fn redirect_line_ok(line: &str, prefix: &str) -> bool {
    let mut parts = line.split(' ');
    let (Some(from), Some(to), Some("302"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let id_ok = from
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix("go/"))
        .and_then(|r| r.strip_suffix('/'))
        .is_some_and(|id| {
            !id.is_empty()
                && id.len() <= 80
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        });
    id_ok
        && to.len() <= crate::tracking::MAX_URL
        && !to.contains(|c: char| c.is_whitespace() || c.is_control())
        && matches!(
            crate::tracking::classify(to),
            Ok(crate::tracking::Dest::Web(_))
        )
}

/// Where the output's record key lives: beside it, readable by its owner
/// only. It never leaves the machine unless someone copies it: a CI that
/// caches the output and its record without the key rebuilds every creator
/// (and one that caches the key trusts its cache with the output).
pub fn key_path(out: &Path) -> PathBuf {
    crate::emit::beside(out, "biopage-key")
}

/// The output's record key; made (random) when `create` and there is none.
fn key(out: &Path, create: bool) -> Option<Vec<u8>> {
    let path = key_path(out);
    if let Ok(bytes) = crate::input::read_regular(&path, 256) {
        let hex = String::from_utf8(bytes).ok()?;
        return decode_hex(hex.trim()).filter(|k| k.len() == 32);
    }
    if !create {
        return None;
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).ok()?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&path).ok()?;
    std::io::Write::write_all(&mut f, hex.as_bytes()).ok()?;
    Some(key.to_vec())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The record's MAC (hex), computed with `mac` empty.
fn mac_of(cache: &Cache, key: &[u8]) -> Option<String> {
    mac_hex(&serde_json::to_vec(cache).ok()?, key)
}

/// HMAC-SHA256 of `json` under `key`, in hexadecimal.
fn mac_hex(json: &[u8], key: &[u8]) -> Option<String> {
    use hmac::Mac as _;
    let mut m = hmac::Hmac::<Sha256>::new_from_slice(key).ok()?;
    m.update(json);
    Some(
        m.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

pub fn write(out: &Path, cache: &mut Cache) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let path = cache_path(out);
    let key = key(out, true)
        .with_context(|| format!("cannot create the record key {}", key_path(out).display()))?;
    cache.mac = String::new();
    let mut json = serde_json::to_vec(cache).unwrap_or_default();
    // The MAC is of this very text (`mac`, the last field, empty), so it is
    // written into it rather than serialising a record of 10,000 creators
    // twice (a second of a clean agency build, after the parallel part).
    const EMPTY_MAC: &[u8] = br#""mac":""}"#;
    if json.ends_with(EMPTY_MAC) {
        cache.mac = mac_hex(&json, &key).unwrap_or_default();
        json.truncate(json.len() - 2);
        json.extend_from_slice(cache.mac.as_bytes());
        json.extend_from_slice(b"\"}");
    } else {
        cache.mac = mac_of(cache, &key).unwrap_or_default();
        json = serde_json::to_vec(cache).unwrap_or_default();
    }
    // to a temporary name, then renamed: a kill never leaves half a record
    let tmp = crate::emit::beside(out, "biopage-cache.json.tmp");
    fs_err::write(&tmp, json)?;
    crate::fault::step();
    fs_err::rename(&tmp, &path)?;
    Ok(())
}

/// The build's context: the running binary (a rebuilt biopage may render
/// differently even under the same version number), agency.toml's bytes and
/// the options that change every creator's output.
pub fn context(
    agency_dir: &Path,
    base_url: Option<&str>,
    deploy: Option<&str>,
    campaigns: &[&str],
) -> String {
    let mut h = Sha256::new();
    // the host (and a split shard) decide the short-link pages and root
    // files: a change of host rebuilds every creator
    if let Some(d) = deploy {
        h.update(b"deploy:");
        h.update(d.as_bytes());
        h.update([0]);
    }
    h.update(env!("CARGO_PKG_VERSION"));
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h.update(meta.len().to_le_bytes());
        h.update(mtime_ns(&meta).to_le_bytes());
    }
    h.update([0]);
    h.update(fs_err::read(agency_dir.join("agency.toml")).unwrap_or_default());
    h.update([0]);
    h.update(base_url.unwrap_or("").as_bytes());
    // every campaign file and codes file: any may change any creator's page
    for c in campaigns {
        h.update([0]);
        h.update(c.as_bytes());
    }
    format!("{:x}", h.finalize())
}

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(-1)
}

/// The digest of every file under `dir`, hidden ones included (a
/// `static/.well-known/security.txt` is published, so it is an input), with
/// the stamps that let the next build skip reading the unchanged ones.
/// `previous` are the last build's stamps. Files are listed and read
/// through the creator's [`Root`], so a link out of its folder, a FIFO or a
/// device is an error here (the build then loads the creator, which says
/// why) rather than a hang or a read of someone else's file.
pub fn digest_dir(
    root: &Root,
    dir: &Path,
    previous: &[Stamp],
) -> Result<(String, Vec<Stamp>), InputError> {
    let mut stamps = Vec::new();
    for (path, rel) in root.files(dir)? {
        let io = |e: std::io::Error| InputError {
            path: path.clone(),
            refusal: crate::input::Refusal::Io(e),
        };
        let link = fs_err::symlink_metadata(&path).map_err(io)?.is_symlink();
        let meta = fs_err::metadata(&path).map_err(io)?;
        let (len, mtime) = (meta.len(), mtime_ns(&meta));
        // a link is re-read every time: its target may change without its
        // own size or time moving
        let known = previous
            .iter()
            .find(|s| !link && s.path == rel && s.len == len && s.mtime_ns == mtime && mtime >= 0);
        let sha = match known {
            Some(s) => s.sha.clone(),
            None => {
                let bytes = root.read(&path, crate::input::IMAGE_LIMIT)?;
                let mut h = Sha256::new();
                if link {
                    h.update(b"link:");
                    h.update(
                        fs_err::read_link(&path)
                            .map(|t| t.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    );
                    h.update([0]);
                }
                h.update(&bytes);
                format!("{:x}", h.finalize())
            }
        };
        stamps.push(Stamp {
            path: rel,
            len,
            mtime_ns: if link { -1 } else { mtime },
            sha,
        });
    }
    let mut h = Sha256::new();
    for s in &stamps {
        h.update(s.path.as_bytes());
        h.update([0]);
        h.update(s.sha.as_bytes());
        h.update([0]);
    }
    Ok((format!("{:x}", h.finalize()), stamps))
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
        .chain(site.bounds.iter().copied())
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
        let root = Root::open(d).unwrap();
        let digest = |prev: &[Stamp]| digest_dir(&root, d, prev).unwrap();
        let (k1, stamps) = digest(&[]);
        assert_eq!(
            stamps.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            [".profile.toml.swp", "img/a.png", "profile.toml"]
        );
        // unchanged: same key, with or without the previous stamps
        assert_eq!(digest(&stamps).0, k1);
        assert_eq!(digest(&[]).0, k1);
        // hidden files are inputs too (static/.well-known/ is published)
        std::fs::write(d.join(".profile.toml.swp"), "other junk").unwrap();
        let k1 = digest(&stamps).0;
        assert_ne!(k1, digest(&[]).0.replace('a', "b"));
        // a changed byte changes the key, even if the stamp is forged to match
        std::fs::write(d.join("img/a.png"), [1, 2, 4]).unwrap();
        let (k2, _) = digest(&[]);
        assert_ne!(k1, k2);
        // a new file changes it too
        std::fs::write(d.join("products.toml"), "").unwrap();
        assert_ne!(digest(&[]).0, k2);
    }

    #[test]
    fn stale_stamps_are_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(d.join("profile.toml"), "one").unwrap();
        let root = Root::open(d).unwrap();
        let (_, stamps) = digest_dir(&root, d, &[]).unwrap();
        // same length, new content: the mtime moves, so it is read again
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(d.join("profile.toml"), "two").unwrap();
        let (fresh, _) = digest_dir(&root, d, &[]).unwrap();
        assert_eq!(digest_dir(&root, d, &stamps).unwrap().0, fresh);
    }

    /// The record written in one pass is the one serialised with its MAC,
    /// and it reads back; a changed byte does not.
    #[test]
    fn a_record_is_written_once_with_its_mac_and_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let entry = Entry {
            input: "c".repeat(64),
            output: Some("d".repeat(64)),
            from: None,
            until: None,
            files: vec![],
            fragment: Fragment::default(),
            weight: Weight::default(),
        };
        let mut cache = Cache {
            format: FORMAT,
            build: "b1".into(),
            context: "e".repeat(64),
            creators: [("mac".to_string(), entry)].into(),
            ..Cache::default()
        };
        write(&out, &mut cache).unwrap();
        let written = std::fs::read(cache_path(&out)).unwrap();
        assert_eq!(cache.mac.len(), 64);
        assert_eq!(written, serde_json::to_vec(&cache).unwrap());
        let back = read(&out, Some("b1"), &|_| None).unwrap().unwrap();
        assert!(back.creators.contains_key("mac"));
        let tampered = String::from_utf8(written)
            .unwrap()
            .replace(&"c".repeat(64), &"f".repeat(64));
        std::fs::write(cache_path(&out), tampered).unwrap();
        assert!(read(&out, Some("b1"), &|_| None).is_err());
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
            weight: Weight::default(),
        };
        assert!(e.holds("k", 100) && e.holds("k", 149));
        assert!(!e.holds("k", 150) && !e.holds("k", 99) && !e.holds("j", 120));
    }
}
