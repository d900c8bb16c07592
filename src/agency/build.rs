//! The build of an agency: every creator (or `--only`'s, or a shard's)
//! rendered in parallel into one staging directory, the creators that did
//! not change carried over from the current output, and the whole swapped
//! in at once.
//!
//! The output is a store of creators. A build of some of them (`--only`, a
//! shard, or every creator with `--keep-going` past a failure) updates those
//! and carries every other creator's folder as it is, with the lines that
//! creator's last good build gave the root files; so no build of a part
//! deletes the rest. Unchanged creators are carried as hard links, which
//! makes the new output complete on its own: one atomic swap, and a kill at
//! any instant leaves the old output or the new one (see `emit`).

use super::{Agency, Creator};
use crate::diag::{Diagnostics, Failure};
use crate::emit::{self, Staging};
use crate::files;
use crate::hosts::{self, limits::Stats, GoPages, Host};
use crate::incremental::{self, Cache, Entry, Fragment};
use crate::pipeline::{go_page_count, images_for, prepare_checks, write_site, Options, Summary};
use crate::render::Renderer;
use crate::resolve::{Redirect, Resolved};
use rayon::prelude::*;
use sha2::Digest as _;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which creators a build renders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selection {
    All,
    Only(String),
    Shard(u32, u32),
}

impl Selection {
    fn includes(&self, handle: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(h) => h == handle,
            Selection::Shard(i, n) => super::shard_of(handle, *n) == *i,
        }
    }
}

/// What became of one creator.
enum Outcome {
    /// Rendered into the staging directory.
    Rebuilt {
        entry: Entry,
        pages: usize,
        files: usize,
        images: usize,
        warnings: Diagnostics,
    },
    /// Its folder in the current output is carried into the new one; the
    /// entry says what it adds to the root files (`None`: nothing known).
    Carried {
        entry: Option<Entry>,
        /// Whether it was selected (unchanged), rather than left alone.
        selected: bool,
    },
    /// Not in this output (another shard writes it); resolved only for the
    /// root files, which name every creator.
    Elsewhere(Entry),
    /// Neither selected nor in this output.
    Skipped,
}

/// The folders of an agency that biopage reads, which no output may be in.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    ["creators", "campaigns", "static", "templates", "themes"]
        .iter()
        .map(|f| dir.join(f))
        .collect()
}

/// A key no creator's output has: a creator carried from an output without
/// a record is re-rendered the next time it is selected.
const UNKNOWN_OUTPUT: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn build(dir: &Path, opts: &Options) -> Result<Summary, Failure> {
    let started = Instant::now();
    let output = emit::claim(dir, &opts.out, &inputs(dir), opts.force)?;
    let agency = super::open(dir)?;
    if let Some(only) = &opts.only {
        super::find_only(dir, only, &agency.handles())?;
    }
    let selection = match (&opts.only, opts.shard) {
        (Some(o), _) => Selection::Only(o.clone()),
        (None, Some((i, n))) => Selection::Shard(i, n),
        (None, None) => Selection::All,
    };
    let host = agency.host(&opts.resolve);
    let template = agency.template(&opts.resolve);
    // a split shard is a deployment of its own: its root files hold its
    // creators only (see `root_creators`)
    let split = opts.split && matches!(selection, Selection::Shard(..));
    let path_of = |h: &str| super::creator_path(template.as_deref(), h);
    let known: HashSet<&str> = agency.creators.iter().map(|c| c.handle.as_str()).collect();
    let mut notes = Vec::new();
    let previous: Option<Cache> =
        match incremental::read(&opts.out, output.previous_build.as_deref(), &|h| {
            known.contains(h).then(|| path_of(h))
        }) {
            Ok(p) => p,
            Err(why) => {
                notes.push(format!(
                    "ignoring the incremental record {}: {why}; every creator is built",
                    incremental::cache_path(&opts.out).display()
                ));
                None
            }
        };
    let deploy = match (host, split) {
        (None, false) => None,
        (h, split) => Some(format!(
            "{}{}",
            h.map(|h| h.name()).unwrap_or("-"),
            if split { " split" } else { "" }
        )),
    };
    let campaigns: Vec<&str> = agency.campaigns.iter().map(|c| c.digest.as_str()).collect();
    let context = incremental::context(
        dir,
        opts.resolve.base_url.as_deref(),
        deploy.as_deref(),
        &campaigns,
    );
    let same_context = previous.as_ref().is_some_and(|c| c.context == context);
    // Folders of the current output are carried only when biopage made it
    // (never those of a directory replaced with --force).
    let ours = output.previous_build.is_some() || previous.is_some();
    let out_real = opts.out.canonicalize().ok();
    let present = |h: &str| ours && opts.out.join(h).is_dir();
    // The output before this one, kept beside it by the last build (see
    // `emit::Old::Keep`): when its record is known, this build brings it up
    // to date in place, so that it costs what changed, not a copy of every
    // creator, and still replaces the output in one atomic swap.
    let shadow_path = emit::shadow_path(&opts.out);
    let shadow: Option<BTreeMap<String, String>> = previous
        .as_ref()
        .and_then(|p| p.shadow.as_ref())
        .filter(|s| emit::read_marker(&shadow_path).as_deref() == Some(s.build.as_str()))
        .map(|s| s.outputs.clone());
    let staging = match &shadow {
        Some(_) => Staging::reuse(&output, &shadow_path)?,
        None => {
            if std::fs::symlink_metadata(&shadow_path).is_ok() {
                crate::fault::remove_tree(&shadow_path)
                    .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", shadow_path.display()))?;
            }
            Staging::new(&output)?
        }
    };
    let renderers = crate::pipeline::Renderers::default();
    let images = images_for(opts);
    let selected_count = agency
        .creators
        .iter()
        .filter(|c| selection.includes(&c.handle))
        .count();
    let progress = crate::pipeline::Reporter::new(opts.progress, selected_count);
    let now = opts.resolve.now;

    let work = |c: &Creator| -> Result<Outcome, Failure> {
        let handle = c.handle.as_str();
        let before = previous.as_ref().and_then(|p| p.creators.get(handle));
        let selected = selection.includes(handle);
        if !selected {
            if present(handle) {
                // left as it is: its last good state, or (no record) what it
                // would add to the root files now
                let entry = match before.filter(|e| e.output.is_some()) {
                    Some(e) => Some(e.clone()),
                    None => fresh_entry(&agency, c, opts, &path_of(handle), &renderers)
                        .ok()
                        .map(|mut e| {
                            e.output = Some(UNKNOWN_OUTPUT.into());
                            e
                        }),
                };
                return Ok(Outcome::Carried {
                    entry,
                    selected: false,
                });
            }
            if !matches!(selection, Selection::Shard(..)) {
                return Ok(Outcome::Skipped);
            }
        }
        let root = crate::input::Root::open(&c.dir)
            .map_err(|e| Failure::Input(Diagnostics(vec![crate::load::refused(&e)])))?;
        // Unreadable folders fall through to loading, which says why.
        let (input, stamps) = incremental::digest_dir(
            &root,
            &c.dir,
            before.map(|e| e.files.as_slice()).unwrap_or_default(),
        )
        .unwrap_or_default();
        if let Some(e) = before.filter(|e| same_context && e.holds(&input, now)) {
            let entry = Entry {
                files: stamps.clone(),
                ..e.clone()
            };
            if !selected {
                return Ok(Outcome::Elsewhere(Entry {
                    output: None,
                    ..entry
                }));
            }
            if e.output.is_some() && present(handle) {
                return Ok(Outcome::Carried {
                    entry: Some(entry),
                    selected: true,
                });
            }
        }
        let (site, resolved) = agency.prepare(c, &opts.resolve)?;
        if let Some(out_real) = &out_real {
            prepare_checks(&site, out_real)?;
        }
        let renderer = renderers.get(&c.dir, &site, &resolved)?;
        let mut entry = new_entry(
            &site,
            &resolved,
            &renderer,
            &path_of(handle),
            input,
            stamps,
            now,
        );
        if !selected {
            return Ok(Outcome::Elsewhere(entry));
        }
        let key = creator_key(&renderer, &site, &resolved);
        entry.output = Some(key);
        if before.and_then(|e| e.output.as_ref()) == entry.output.as_ref() && present(handle) {
            return Ok(Outcome::Carried {
                entry: Some(entry),
                selected: true,
            });
        }
        let warnings = resolved.warnings.clone();
        let rendered = crate::pipeline::render(&site, resolved, &renderer, false, &images)?;
        staging.clear(handle)?;
        write_site(&staging, &format!("{handle}/"), &rendered)?;
        let files = rendered.files.len() + rendered.copies.len() + rendered.made.len();
        entry.weight = crate::pipeline::weight(&rendered);
        Ok(Outcome::Rebuilt {
            entry,
            pages: rendered.resolved.pages.len() + go_page_count(&rendered.resolved),
            files,
            images: rendered.resolved.images.len(),
            warnings,
        })
    };
    let results: Vec<(String, Result<Outcome, Failure>)> = agency
        .creators
        .par_iter()
        .map(|c| {
            let r = work(c);
            if selection.includes(&c.handle) {
                progress.tick(&c.handle);
            }
            (c.handle.clone(), r)
        })
        .collect();
    progress.finish();

    let mut summary = Summary {
        notes,
        ..Summary::default()
    };
    let mut errors = Diagnostics::default();
    let mut cache = Cache {
        format: incremental::FORMAT,
        build: String::new(),
        context,
        root_files: false,
        creators: BTreeMap::new(),
        shadow: None,
        mac: String::new(),
    };
    let mut carry: Vec<String> = Vec::new();
    let mut failed: Vec<(String, Diagnostics)> = Vec::new();
    for (handle, result) in results {
        match result {
            Err(f @ (Failure::Environment(_) | Failure::Usage(_))) => return Err(f),
            Err(Failure::Input(d)) => failed.push((handle, d)),
            Err(Failure::Reported) => failed.push((handle, Diagnostics::default())),
            Ok(Outcome::Skipped) => {}
            Ok(Outcome::Elsewhere(entry)) => {
                cache.creators.insert(handle, entry);
            }
            Ok(Outcome::Carried { entry, selected }) => {
                if selected {
                    summary.creators += 1;
                } else {
                    summary.carried += 1;
                }
                if let Some(entry) = entry {
                    cache.creators.insert(handle.clone(), entry);
                }
                carry.push(handle);
            }
            Ok(Outcome::Rebuilt {
                entry,
                pages,
                files,
                images,
                warnings,
            }) => {
                summary.creators += 1;
                summary.rebuilt += 1;
                summary.pages += pages;
                summary.files += files;
                summary.images += images;
                summary.warnings.extend(warnings);
                cache.creators.insert(handle, entry);
            }
        }
    }
    // Folders of creators/ that are not creators fail like creators do.
    for (handle, d) in &agency.broken {
        if selection.includes(handle) || matches!(selection, Selection::Shard(..)) {
            failed.push((handle.clone(), d.clone()));
        }
    }
    failed.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, d) in &failed {
        errors.extend(d.clone());
    }
    if !failed.is_empty() && !opts.keep_going {
        return Err(Failure::Input(errors));
    }
    // --keep-going: a failing creator keeps its last good page.
    for (handle, _) in &failed {
        if present(handle) {
            if let Some(e) = previous
                .as_ref()
                .and_then(|p| p.creators.get(handle))
                .filter(|e| e.output.is_some())
            {
                cache.creators.insert(handle.clone(), e.clone());
            }
            carry.push(handle.clone());
        }
    }

    // A carried creator whose folder in the reused staging (the shadow)
    // already is the live one's content stays; the others are linked in.
    let up_to_date = |h: &str| {
        let live = cache.creators.get(h).and_then(|e| e.output.as_deref());
        live.is_some_and(|k| k != UNKNOWN_OUTPUT)
            && shadow.as_ref().and_then(|s| s.get(h)).map(String::as_str) == live
    };
    let carried: Result<Vec<usize>, anyhow::Error> = carry
        .par_iter()
        .filter(|h| !up_to_date(h))
        .map(|h| staging.carry(h))
        .collect();
    carried?;

    let writes_root = split
        || match selection {
            Selection::All => true,
            Selection::Shard(i, _) => i == 1 || previous.as_ref().is_some_and(|p| p.root_files),
            Selection::Only(_) => previous.as_ref().is_some_and(|p| p.root_files),
        };
    let mut root_weight = Vec::new();
    // the top-level names of the root files this build writes
    let mut root_names: HashSet<String> = HashSet::new();
    if writes_root {
        // A split shard's root files name only the creators in its output;
        // otherwise every creator's (the shards' union is the full build).
        let mine: Vec<(&String, &Entry)> = cache
            .creators
            .iter()
            .filter(|(_, e)| !split || e.output.is_some())
            .collect();
        let fragments: Vec<&Fragment> = mine.iter().map(|(_, e)| &e.fragment).collect();
        let paths: Vec<String> = mine.iter().map(|(h, _)| path_of(h)).collect();
        let root_files = agency_files(host, template.as_deref(), &fragments, &paths);
        for (rel, bytes) in &root_files {
            staging.write(rel, bytes)?;
            root_names.insert(rel.split('/').next().unwrap_or(rel).to_string());
            root_weight.push((rel.clone(), bytes.len() as u64));
        }
        summary.files += root_files.len();
        cache.root_files = true;
    }
    if shadow.is_some() {
        // what the shadow held that the new output does not
        let wanted: HashSet<String> = cache
            .creators
            .iter()
            .filter(|(_, e)| e.output.is_some())
            .map(|(h, _)| h.clone())
            .chain(carry.iter().cloned())
            .chain(root_names.iter().cloned())
            .collect();
        for entry in staging.entries()? {
            if !wanted.contains(&entry) && entry != emit::MARKER {
                staging.clear(&entry)?;
            }
        }
    }
    if host == Some(crate::hosts::Host::S3) {
        // every file of the output, carried creators' too
        let mut rels: Vec<String> = walkdir::WalkDir::new(staging.path())
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                e.path()
                    .strip_prefix(staging.path())
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
            })
            .collect();
        rels.sort();
        let meta = crate::hosts::s3::metadata(&rels, true);
        staging.write(crate::hosts::s3::FILE, meta.as_bytes())?;
        root_weight.push((crate::hosts::s3::FILE.to_string(), meta.len() as u64));
        summary.files += 1;
    }
    summary.stats = output_stats(&cache, &root_weight, host, split);
    summary.host = host;
    cache.build = output_id(&cache);
    // The old output is kept as the next build's staging when this record
    // says what it holds.
    let keep = previous.is_some() && output.previous_build.is_some();
    cache.shadow = previous
        .as_ref()
        .filter(|_| keep)
        .map(|p| incremental::Shadow {
            build: p.build.clone(),
            outputs: p
                .creators
                .iter()
                .filter_map(|(h, e)| Some((h.clone(), e.output.clone()?)))
                .collect(),
        });
    staging.commit(
        &cache.build,
        if keep {
            emit::Old::Keep
        } else {
            emit::Old::Remove
        },
    )?;
    incremental::write(&opts.out, &mut cache)?;
    // A build of everyone shows which cached images the output still uses;
    // `--only` and shards leave the rest of the agency's cache for later.
    if selection == Selection::All {
        images.prune_unlinked();
    }
    summary.elapsed = started.elapsed();
    summary.encoded = images.encoded();
    summary.failed = failed;
    if !summary.failed.is_empty() {
        summary.warnings.extend(errors);
    }
    Ok(summary)
}

/// The id the output is marked with: a digest of what each creator's
/// folder holds (its output key) and adds to the root files, so that the
/// same input builds the same bytes, marker included, while a different
/// output gets a different id and an old record no longer matches it.
fn output_id(cache: &Cache) -> String {
    let mut h = sha2::Sha256::new();
    h.update([cache.root_files as u8]);
    for (handle, e) in &cache.creators {
        h.update(handle.as_bytes());
        h.update([0]);
        h.update(e.output.as_deref().unwrap_or("-"));
        h.update(serde_json::to_vec(&e.fragment).unwrap_or_default());
    }
    let d = h.finalize();
    d[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A creator's entry, resolved but not rendered: what it adds to the root
/// files.
fn fresh_entry(
    agency: &Agency,
    c: &Creator,
    opts: &Options,
    path: &str,
    renderers: &crate::pipeline::Renderers,
) -> Result<Entry, Failure> {
    let (site, resolved) = agency.prepare(c, &opts.resolve)?;
    let renderer = renderers.get(&c.dir, &site, &resolved)?;
    Ok(new_entry(
        &site,
        &resolved,
        &renderer,
        path,
        String::new(),
        Vec::new(),
        opts.resolve.now,
    ))
}

fn new_entry(
    site: &crate::model::Site,
    resolved: &Resolved,
    renderer: &Renderer,
    path: &str,
    input: String,
    stamps: Vec<incremental::Stamp>,
    now: i64,
) -> Entry {
    let (from, until) = incremental::window(&incremental::schedule_bounds(site), now);
    // with go_pages = "products", `redirects` holds the short links that
    // have a page and `pageless` the others; otherwise `redirects` all
    let (paged, pageless): (Vec<Redirect>, Vec<Redirect>) =
        if resolved.go_pages == GoPages::Products {
            resolved.redirects.iter().cloned().partition(|r| r.product)
        } else {
            (resolved.redirects.clone(), Vec::new())
        };
    Entry {
        input,
        output: None,
        from,
        until,
        files: stamps,
        fragment: Fragment {
            // the path the build gives the creator, never its own base_url
            redirects: files::redirect_lines(path, &paged),
            go_pages: resolved.go_pages != GoPages::None,
            sitemap_url: resolved.base_url.clone(),
            style_hash: renderer.page_style_hash(&resolved.pages[0]),
            script_hash: resolved.pages[0].script_hash.clone(),
            analytics: resolved.pages[0].analytics.clone(),
            pageless: if resolved.go_pages == GoPages::Products {
                files::redirect_lines(path, &pageless)
            } else {
                String::new()
            },
        },
        weight: Default::default(),
    }
}

/// What the output holds as the hosts' limits count it: every creator in
/// it (rendered now or carried, from its record) and the root files. A
/// split shard is a deployment of its own: its creators, and the redirect
/// rules its own `_redirects` holds, not the agency's.
fn output_stats(cache: &Cache, root: &[(String, u64)], host: Option<Host>, split: bool) -> Stats {
    let mut s = Stats::default();
    let mut root_entries = root.len() as u64 + 1; // the marker
    s.files += 1;
    for (handle, e) in cache.creators.iter().filter(|(_, e)| e.output.is_some()) {
        let w = &e.weight;
        s.creators += 1;
        root_entries += 1;
        s.files += w.files;
        s.bytes += w.bytes;
        if w.largest > s.largest.0 {
            s.largest = (w.largest, format!("{handle}/{}", w.largest_path));
        }
        if w.fullest > s.fullest_dir.0 {
            s.fullest_dir = (
                w.fullest,
                format!("{handle}/{}", w.fullest_path)
                    .trim_end_matches('/')
                    .to_string(),
            );
        }
    }
    for (rel, len) in root {
        s.files += 1;
        s.bytes += len;
        if *len > s.largest.0 {
            s.largest = (*len, rel.clone());
        }
    }
    if root_entries > s.fullest_dir.0 {
        s.fullest_dir = (root_entries, String::new());
    }
    if host.is_some_and(Host::reads_underscore_files) {
        // the same creators as the `_redirects` written (see `agency_files`)
        let fragments: Vec<&Fragment> = cache
            .creators
            .values()
            .filter(|e| !split || e.output.is_some())
            .map(|e| &e.fragment)
            .collect();
        let parts = fragment_parts(&fragments);
        s.redirect_rules = files::capped_redirects("", &parts)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count() as u64;
        s.header_rules = 1;
    }
    s
}

/// Each creator's short links as [`hosts::Parts`]: the lines that have a
/// page and, with `go_pages = "products"`, those that have none.
fn fragment_parts<'a>(fragments: &[&'a Fragment]) -> Vec<(&'a str, bool)> {
    let mut parts = Vec::with_capacity(fragments.len());
    for f in fragments {
        parts.push((f.redirects.as_str(), f.go_pages));
        if !f.pageless.is_empty() {
            parts.push((f.pageless.as_str(), false));
        }
    }
    parts
}

/// The key of a creator's output: the biopage version, the templates and
/// CSS it is rendered with, and the resolved pages (which already reflect
/// every input: files, agency defaults, --date, --base-url), plus the bytes
/// of files copied verbatim.
fn creator_key(rendered_by: &Renderer, site: &crate::model::Site, resolved: &Resolved) -> String {
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(rendered_by.fingerprint.as_bytes());
    // written into the hash as serialised, not collected first
    let _ = serde_json::to_writer(&mut h, &resolved.pages);
    let _ = serde_json::to_writer(&mut h, &resolved.redirects);
    h.update([resolved.go_pages.key()]);
    // not in the pages' JSON (templates do not see it), but in their bytes
    for p in &resolved.pages {
        h.update([p.minify_html as u8]);
    }
    if resolved.go_pages == GoPages::Products {
        for r in &resolved.redirects {
            h.update([r.product as u8]);
        }
    }
    for i in &resolved.images {
        h.update(i.out.as_bytes());
    }
    if let (Some(root), Some(static_dir)) = (&site.root, &site.static_dir) {
        if let Ok(files) = emit::static_files(root, static_dir) {
            for (src, rel) in files {
                h.update(rel.as_bytes());
                h.update([0]);
                match root.read(&src, crate::input::STATIC_LIMIT) {
                    Ok(bytes) => h.update(crate::hash::full_hash(&bytes)),
                    Err(e) => h.update(e.to_string()),
                }
                h.update([0]);
            }
        }
    }
    format!("{:x}", h.finalize())
}

/// The host's files (`_headers` and `_redirects`, the nginx or Caddy
/// snippet …), `sitemap.xml` and `robots.txt` for the whole agency: hosts
/// read them only at the root of what is published. Every rule comes from
/// the creators' fragments, whose lines start with the path the build gives
/// each creator (`paths`, in the same order), never with what it wrote.
fn agency_files(
    host: Option<Host>,
    template: Option<&str>,
    fragments: &[&Fragment],
    paths: &[String],
) -> Vec<(String, Vec<u8>)> {
    let mut hashes: Vec<String> = fragments.iter().map(|f| f.style_hash.clone()).collect();
    hashes.sort();
    hashes.dedup();
    let mut scripts: Vec<String> = fragments
        .iter()
        .filter_map(|f| f.script_hash.clone())
        .collect();
    scripts.sort();
    scripts.dedup();
    let parts = fragment_parts(fragments);
    let root = template
        .and_then(files::agency_root)
        .map(|r| crate::text::root_path(&r))
        .unwrap_or_else(|| "/".into());
    let redirects = crate::pipeline::host_redirects(
        host,
        files::capped_redirects(
            "# biopage short links: /<handle>/go/<id>/ -> tagged destination\n",
            &parts,
        ),
        &root,
        true,
        parts
            .iter()
            .any(|(lines, paged)| !paged && !lines.is_empty()),
    );
    let urls: Vec<&str> = fragments.iter().map(|f| f.sitemap_url.as_str()).collect();
    let mut analytics: Vec<&crate::analytics::Analytics> = Vec::new();
    for a in fragments.iter().filter_map(|f| f.analytics.as_ref()) {
        if !analytics.contains(&a) {
            analytics.push(a);
        }
    }
    // one policy for every creator: the union of their analytics providers
    let inputs = hosts::Inputs {
        root: &root,
        creators: paths,
        parts: &parts,
        headers: &files::security_header_list(&hashes, &scripts, &analytics),
        underscore_headers: &files::headers(
            "/",
            &format!("{root}:handle/assets/*"),
            &hashes,
            &scripts,
            &analytics,
        ),
        underscore_redirects: &redirects,
    };
    let mut out = hosts::root_files(host, &inputs);
    // Creators under one host share a sitemap and robots.txt at its root.
    if let Some(root) = template.and_then(files::agency_root) {
        out.push(("sitemap.xml".into(), files::sitemap_of(&urls).into_bytes()));
        out.push((
            "robots.txt".into(),
            files::agency_robots(&root).into_bytes(),
        ));
    }
    out
}
