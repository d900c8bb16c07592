//! A whole build: one site, or an agency's many creators.
//!
//! Both are a list of sites sent through the same stages (load → resolve →
//! render → emit). An agency build renders creators in parallel with rayon,
//! shares one parsed `Tera` per theme, writes each creator's files as soon as
//! they are rendered (memory stays bounded by the number of threads, not the
//! number of creators), and re-renders only creators whose inputs changed
//! since the last build.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Failure, Loc};
use crate::emit::{self, Staging};
use crate::images::Images;
use crate::incremental::{self, Cache, Entry, Fragment};
use crate::model::{Settings, Site};
use crate::render::{root_path, Renderer};
use crate::resolve::{self, Resolved};
use crate::{files, load, themes};
use anyhow::Context as _;
use rayon::prelude::*;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use std::time::Instant;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub out: PathBuf,
    pub resolve: resolve::Options,
    /// Agency: build only this creator.
    pub only: Option<String>,
    /// Agency: build part `i` of `n` (1-based), chosen by handle.
    pub shard: Option<(u32, u32)>,
    /// Agency: write the creators that built, list the others, exit 1.
    pub keep_going: bool,
    pub progress: Progress,
    /// Where made images are cached; `None`: beside the output (see
    /// `images::cache_dir`). `serve` builds into a new directory each time
    /// and keeps one cache for all of them.
    pub image_cache: Option<PathBuf>,
}

/// How a long build reports progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Progress {
    #[default]
    Quiet,
    /// One line every so often (not a terminal: CI logs).
    Lines,
    /// An indicatif bar (a terminal).
    Bar,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub creators: usize,
    /// Creators rendered this time (the others were unchanged).
    pub rebuilt: usize,
    pub pages: usize,
    pub files: usize,
    /// Image files made by the pipeline (sizes, formats, icons, card).
    pub images: usize,
    /// Of those, encoded this time (the others came from the image cache).
    pub encoded: usize,
    pub warnings: Diagnostics,
    /// With `keep_going`: the creators that failed, with their errors.
    pub failed: Vec<(String, Diagnostics)>,
    pub elapsed: std::time::Duration,
}

/// A site's files, relative to its own directory in the output.
pub struct Rendered {
    pub resolved: Resolved,
    pub files: Vec<(String, Vec<u8>)>,
    pub copies: Vec<(PathBuf, String)>,
    /// Files the image pipeline made, in its cache: hard-linked into the
    /// output where the filesystem allows (no second copy of the bytes, no
    /// new inode: an agency's cards and icons are a gigabyte at 10,000
    /// creators), copied otherwise. Never the user's own files, which a
    /// link would let an edit of the output reach.
    pub made: Vec<(PathBuf, String)>,
}

/// Loads and resolves one site; problems of both stages are reported together.
pub(crate) fn prepare(
    dir: &Path,
    agency: Option<&Settings>,
    opts: &resolve::Options,
) -> Result<(Site, Resolved), Diagnostics> {
    let loaded = load::load(dir);
    let mut diags = loaded.diags;
    let Some(site) = loaded.site else {
        return Err(diags);
    };
    // Resolve even when loading found problems, to report them all at once.
    match resolve::resolve(&site, agency, opts) {
        Ok(r) if !diags.has_errors() => Ok((site, r)),
        Ok(_) => Err(diags),
        Err(more) => {
            diags.extend(more);
            Err(diags)
        }
    }
}

/// Parsed templates, shared by every creator with the same theme and no
/// templates of their own: parsing happens once per build, not per page.
/// (where a local theme lives, theme name, the site's templates/).
type RendererKey = (PathBuf, String, Option<PathBuf>);

#[derive(Default)]
pub(crate) struct Renderers {
    map: Mutex<HashMap<RendererKey, Arc<Renderer>>>,
}

impl Renderers {
    pub(crate) fn get(
        &self,
        dir: &Path,
        site: &Site,
        resolved: &Resolved,
    ) -> Result<Arc<Renderer>, Diagnostics> {
        let theme_name = &resolved.theme.value;
        // a theme found in the site's own themes/ is private to that site
        let local = dir.join("themes").join(theme_name).is_dir();
        let key = (
            if local {
                dir.to_path_buf()
            } else {
                PathBuf::new()
            },
            theme_name.clone(),
            site.templates_dir.clone(),
        );
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = map.get(&key) {
            return Ok(r.clone());
        }
        let theme = themes::find(dir, theme_name)
            .map_err(|d| Diagnostics(vec![d.at(resolved.theme.loc.clone())]))?;
        let renderer = Arc::new(Renderer::new(&theme, site.templates_dir.as_deref())?);
        map.insert(key, renderer.clone());
        Ok(renderer)
    }
}

/// Renders one site's pages and per-site files, and makes its images (or
/// finds them in the cache). `standalone` sites (not part of an agency) also
/// get the host files that only work at the root.
pub(crate) fn render(
    dir: &Path,
    site: &Site,
    resolved: Resolved,
    renderer: &Renderer,
    standalone: bool,
    images: &Images,
) -> Result<Rendered, Diagnostics> {
    let mut rendered = render_with(dir, site, resolved, renderer, standalone, usize::MAX)?;
    // a file in static/ wins over a made one of the same name
    let made = images.make(&rendered.resolved.images)?;
    let statics: std::collections::HashSet<String> =
        rendered.copies.iter().map(|(_, rel)| rel.clone()).collect();
    rendered
        .made
        .extend(made.into_iter().filter(|(_, rel)| !statics.contains(rel)));
    Ok(rendered)
}

/// [`render`], with at most `max_go` short-link pages and without making
/// images: `check` renders one short link to prove the template, not a
/// hundred thousand, and encodes nothing.
pub(crate) fn render_with(
    dir: &Path,
    site: &Site,
    resolved: Resolved,
    renderer: &Renderer,
    standalone: bool,
    max_go: usize,
) -> Result<Rendered, Diagnostics> {
    let mut errors = Diagnostics::default();
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let root = root_path(&resolved.base_url);
    let main = &resolved.pages[0];
    for page in &resolved.pages {
        match renderer.page(page) {
            Ok(html) => out.push((format!("{}index.html", page.path), html.into_bytes())),
            Err(d) => errors.push(d),
        }
    }
    let go_pages = if resolved.go_pages { max_go } else { 0 };
    let mut go = renderer.go_pages(main);
    for r in resolved.redirects.iter().take(go_pages) {
        match go.render(r) {
            Ok(html) => out.push((format!("{}index.html", r.path), html.into_bytes())),
            Err(d) => {
                errors.push(d);
                break;
            }
        }
    }
    match renderer.not_found(main) {
        Ok(html) => out.push(("404.html".into(), html.into_bytes())),
        Err(d) => errors.push(d),
    }
    if errors.has_errors() {
        return Err(errors);
    }
    if standalone {
        out.push((
            "_headers".into(),
            files::headers(
                &root,
                &[renderer.page_style_hash(main)],
                &main.script_hash.iter().cloned().collect::<Vec<_>>(),
                &main.analytics.iter().collect::<Vec<_>>(),
            )
            .into_bytes(),
        ));
        out.push((
            "_redirects".into(),
            files::redirects(&root, &resolved.redirects, resolved.go_pages).into_bytes(),
        ));
        out.push(("sitemap.xml".into(), files::sitemap(&resolved).into_bytes()));
        out.push((
            "robots.txt".into(),
            files::robots(&resolved, &root).into_bytes(),
        ));
    }
    // Pages with an avatar link favicon.ico, drawn from it (see images); the
    // letter icon stays for them and for the 404 page.
    out.push((
        "favicon.svg".into(),
        files::favicon(&resolved.name).into_bytes(),
    ));
    out.extend(crate::qr::files(&resolved));
    let mut copies: Vec<(PathBuf, String)> = Vec::new();
    if let Some(static_dir) = &site.static_dir {
        let statics = emit::static_files(dir, static_dir).map_err(|e| {
            Diagnostics(vec![
                Diagnostic::error(format!("{e:#}")).at(Some(Loc::file_only(static_dir)))
            ])
        })?;
        for (src, rel) in statics {
            out.retain(|(r, _)| *r != rel);
            copies.push((src, rel));
        }
    }
    Ok(Rendered {
        resolved,
        files: out,
        copies,
        made: Vec::new(),
    })
}

/// How many `go/<id>/` pages a site gets.
fn go_page_count(r: &Resolved) -> usize {
    if r.go_pages {
        r.redirects.len()
    } else {
        0
    }
}

/// Loads, resolves and renders a single site, writing only into the image
/// cache of `images`.
pub fn render_site(
    dir: &Path,
    opts: &resolve::Options,
    images: &Images,
) -> Result<Rendered, Failure> {
    let (site, resolved) = prepare(dir, None, opts)?;
    let renderer = Renderers::default().get(dir, &site, &resolved)?;
    Ok(render(dir, &site, resolved, &renderer, true, images)?)
}

/// Whether `dir` is an agency (it has an agency.toml).
pub fn is_agency(dir: &Path) -> bool {
    dir.join("agency.toml").is_file()
}

/// Builds `dir` into `opts.out`: a single site or an agency.
pub fn build(dir: &Path, opts: &Options) -> Result<Summary, Failure> {
    emit::check_output_dir(dir, &opts.out)?;
    if is_agency(dir) {
        return build_agency(dir, opts);
    }
    if opts.only.is_some() || opts.shard.is_some() {
        return Err(Failure::Environment(anyhow::anyhow!(
            "--only and --shard are for agencies (a directory with agency.toml and creators/)"
        )));
    }
    let started = Instant::now();
    let images = images_for(opts);
    let rendered = render_site(dir, &opts.resolve, &images)?;
    let staging = Staging::new(&opts.out)?;
    write_site(&staging, "", &rendered)?;
    let files = staging.files();
    staging.commit()?;
    // one site: what it no longer uses leaves the cache
    images.prune();
    Ok(Summary {
        creators: 1,
        rebuilt: 1,
        pages: rendered.resolved.pages.len() + go_page_count(&rendered.resolved),
        files,
        images: rendered.resolved.images.len(),
        encoded: images.encoded(),
        warnings: rendered.resolved.warnings,
        failed: Vec::new(),
        elapsed: started.elapsed(),
    })
}

fn images_for(opts: &Options) -> Images {
    match &opts.image_cache {
        Some(dir) => Images::in_dir(dir.clone()),
        None => Images::for_output(&opts.out),
    }
}

fn write_site(staging: &Staging, prefix: &str, r: &Rendered) -> anyhow::Result<()> {
    for (rel, bytes) in &r.files {
        staging.write(&format!("{prefix}{rel}"), bytes)?;
    }
    for (src, rel) in &r.copies {
        staging.copy(src, &format!("{prefix}{rel}"))?;
    }
    for (src, rel) in &r.made {
        staging.link_or_copy(src, &format!("{prefix}{rel}"))?;
    }
    Ok(())
}

/// The creators of an agency: `creators/<handle>/` folders with a profile.toml,
/// sorted by handle.
pub fn creators(dir: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let cdir = dir.join("creators");
    let entries = std::fs::read_dir(&cdir).with_context(|| {
        format!(
            "cannot read {} (an agency keeps its creators there)",
            cdir.display()
        )
    })?;
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if path.join("profile.toml").is_file() {
            if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                out.push((name.to_string(), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `--only HANDLE` must name one of the agency's creators; a typo gets a
/// suggestion rather than an empty build.
pub fn find_only(dir: &Path, only: &str, all: &[(String, PathBuf)]) -> Result<(), Failure> {
    if all.iter().any(|(h, _)| h == only) {
        return Ok(());
    }
    let help = match did_you_mean(only, all.iter().map(|(h, _)| h.as_str())) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!(
            "the creators are the folders of {}",
            dir.join("creators").display()
        ),
    };
    Err(Failure::Input(Diagnostics(vec![Diagnostic::error(
        format!("no creator \"{only}\""),
    )
    .help(help)])))
}

/// The shard (1-based) a handle belongs to: FNV-1a of the handle, so a
/// creator keeps its shard when others are added or removed.
pub fn shard_of(handle: &str, n: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in handle.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % n as u64) as u32 + 1
}

/// Parses `--shard I/N`.
pub fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let err = || format!("\"{s}\" is not a shard; write I/N with 1 <= I <= N, e.g. 2/4");
    let (i, n) = s.split_once('/').ok_or_else(err)?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|_| err())?,
        n.trim().parse().map_err(|_| err())?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(err());
    }
    Ok((i, n))
}

/// The key of a creator's output: the biopage version, the templates and
/// CSS it is rendered with, and the resolved pages (which already reflect
/// every input: files, agency defaults, --date, --base-url), plus the bytes
/// of files copied verbatim.
fn creator_key(rendered_by: &Renderer, site: &Site, resolved: &Resolved) -> String {
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(rendered_by.fingerprint.as_bytes());
    h.update(serde_json::to_vec(&resolved.pages).unwrap_or_default());
    h.update(serde_json::to_vec(&resolved.redirects).unwrap_or_default());
    h.update([resolved.go_pages as u8]);
    for i in &resolved.images {
        h.update(i.out.as_bytes());
    }
    if let Some(static_dir) = &site.static_dir {
        if let Ok(files) = emit::static_files(&site.dir, static_dir) {
            for (src, rel) in files {
                h.update(rel.as_bytes());
                h.update(std::fs::read(&src).unwrap_or_default());
            }
        }
    }
    format!("{:x}", h.finalize())
}

enum Outcome {
    /// Resolved for the agency-wide files only (another shard renders it).
    Elsewhere(Entry),
    /// Unchanged since the last build: its output is kept.
    Kept(Entry),
    Rebuilt {
        entry: Entry,
        pages: usize,
        files: usize,
        images: usize,
        warnings: Diagnostics,
    },
}

fn build_agency(dir: &Path, opts: &Options) -> Result<Summary, Failure> {
    let started = Instant::now();
    let agency = load::load_agency(dir)?;
    let all = creators(dir)?;
    if let Some(only) = &opts.only {
        find_only(dir, only, &all)?;
    }
    let selected = |h: &str| match (&opts.only, opts.shard) {
        (Some(o), _) => o == h,
        (None, Some((i, n))) => shard_of(h, n) == i,
        (None, None) => true,
    };
    // --only resolves just that creator; a shard resolves everyone, because
    // its first part writes the agency-wide files, which name every creator.
    let work: Vec<&(String, PathBuf)> = all
        .iter()
        .filter(|(h, _)| opts.only.is_none() || selected(h))
        .collect();
    let writes_root = opts.only.is_none() && opts.shard.is_none_or(|(i, _)| i == 1);
    let selection = match (&opts.only, opts.shard) {
        (Some(o), _) => format!("only:{o}"),
        (None, Some((i, n))) => format!("shard:{i}/{n}"),
        (None, None) => "all".into(),
    };
    let context = incremental::context(dir, opts.resolve.base_url.as_deref());
    let now = opts.resolve.now;

    // The last build's record counts only for the same output and selection;
    // its input keys only under the same context.
    let previous: Option<Cache> =
        incremental::read(&opts.out).filter(|c| c.selection == selection && opts.out.is_dir());
    let incremental = previous.is_some();
    let same_context = previous.as_ref().is_some_and(|c| c.context == context);
    let staging = Staging::new(&opts.out)?;
    let renderers = Renderers::default();
    let images = images_for(opts);
    let progress = Reporter::new(opts.progress, work.len());

    let results: Vec<(String, Result<Outcome, Diagnostics>)> = work
        .par_iter()
        .map(|(handle, cdir)| {
            let result = (|| {
                let before = previous.as_ref().and_then(|c| c.creators.get(handle.as_str()));
                // Unreadable folders fall through to loading, which says why.
                let (input, stamps) = incremental::digest_dir(
                    cdir,
                    before.map(|e| e.files.as_slice()).unwrap_or_default(),
                )
                .unwrap_or_default();
                if let Some(e) = before.filter(|e| same_context && e.holds(&input, now)) {
                    let entry = Entry {
                        files: stamps.clone(),
                        ..e.clone()
                    };
                    if !selected(handle) {
                        return Ok(Outcome::Elsewhere(entry));
                    }
                    if e.output.is_some() && opts.out.join(handle).is_dir() {
                        return Ok(Outcome::Kept(entry));
                    }
                }
                let (site, resolved) = prepare(cdir, Some(&agency), &opts.resolve)?;
                if site.handle.value != *handle {
                    return Err(Diagnostics(vec![Diagnostic::error(format!(
                        "the handle \"{}\" does not match its folder creators/{handle}/",
                        site.handle.value
                    ))
                    .at(site.handle.loc.clone())
                    .help(format!("write handle = \"{handle}\", or rename the folder; the folder names the creator's output directory"))]));
                }
                let renderer = renderers.get(cdir, &site, &resolved)?;
                let root = root_path(&resolved.base_url);
                let (from, until) =
                    incremental::window(&incremental::schedule_bounds(&site), now);
                let mut entry = Entry {
                    input,
                    output: None,
                    from,
                    until,
                    files: stamps,
                    fragment: Fragment {
                        redirects: files::redirect_lines(&root, &resolved.redirects),
                        go_pages: resolved.go_pages,
                        sitemap_url: resolved.base_url.clone(),
                        style_hash: renderer.page_style_hash(&resolved.pages[0]),
                        script_hash: resolved.pages[0].script_hash.clone(),
                        analytics: resolved.pages[0].analytics.clone(),
                    },
                };
                if !selected(handle) {
                    return Ok(Outcome::Elsewhere(entry));
                }
                let key = creator_key(&renderer, &site, &resolved);
                entry.output = Some(key);
                if before.and_then(|e| e.output.as_ref()) == entry.output.as_ref()
                    && opts.out.join(handle).is_dir()
                {
                    return Ok(Outcome::Kept(entry));
                }
                let warnings = resolved.warnings.clone();
                let rendered = render(cdir, &site, resolved, &renderer, false, &images)?;
                let prefix = format!("{handle}/");
                write_site(&staging, &prefix, &rendered)
                    .map_err(|e| Diagnostics(vec![Diagnostic::error(format!("{e:#}"))]))?;
                let files = rendered.files.len() + rendered.copies.len() + rendered.made.len();
                Ok(Outcome::Rebuilt {
                    entry,
                    pages: rendered.resolved.pages.len() + go_page_count(&rendered.resolved),
                    files,
                    images: rendered.resolved.images.len(),
                    warnings,
                })
            })();
            progress.tick(handle);
            (handle.clone(), result)
        })
        .collect();
    progress.finish();

    let mut summary = Summary {
        creators: 0,
        ..Summary::default()
    };
    let mut errors = Diagnostics::default();
    let mut cache = Cache {
        context,
        selection,
        creators: BTreeMap::new(),
    };
    let mut rebuilt = Vec::new();
    for (handle, result) in results {
        match result {
            Err(d) => {
                errors.extend(d.clone());
                summary.failed.push((handle, d));
            }
            Ok(Outcome::Elsewhere(entry)) => {
                cache.creators.insert(handle, entry);
            }
            Ok(Outcome::Kept(entry)) => {
                summary.creators += 1;
                cache.creators.insert(handle, entry);
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
                cache.creators.insert(handle.clone(), entry);
                rebuilt.push(handle);
            }
        }
    }
    if errors.has_errors() && !opts.keep_going {
        return Err(Failure::Input(errors));
    }

    let mut root_files = Vec::new();
    if writes_root {
        let fragments: Vec<&Fragment> = cache.creators.values().map(|e| &e.fragment).collect();
        root_files = agency_files(&agency, &fragments);
        for (rel, bytes) in &root_files {
            staging.write(rel, bytes)?;
        }
        summary.files += root_files.len();
    }
    if incremental {
        // Swap in only what changed; everything else stays where it is.
        let stale: Vec<String> = previous
            .map(|p| {
                p.creators
                    .into_iter()
                    .filter(|(h, e)| e.output.is_some() && !cache.creators.contains_key(h))
                    .map(|(h, _)| h)
                    .collect()
            })
            .unwrap_or_default();
        let mut swap: Vec<String> = rebuilt.clone();
        swap.extend(root_files.iter().map(|(rel, _)| rel.clone()));
        staging.commit_parts(&swap, &stale)?;
    } else {
        staging.commit()?;
    }
    incremental::write(&opts.out, &cache)?;
    // A build of everyone shows which cached images the output still uses;
    // `--only` and shards leave the rest of the agency's cache for later.
    if opts.only.is_none() && opts.shard.is_none() {
        images.prune_unlinked();
    }
    summary.elapsed = started.elapsed();
    summary.encoded = images.encoded();
    if !summary.failed.is_empty() {
        summary.warnings.extend(errors);
    }
    Ok(summary)
}

/// `_headers`, `_redirects`, `sitemap.xml` and `robots.txt` for the whole
/// agency: hosts read them only at the root of what is published.
fn agency_files(agency: &Settings, fragments: &[&Fragment]) -> Vec<(String, Vec<u8>)> {
    let mut hashes: Vec<String> = fragments.iter().map(|f| f.style_hash.clone()).collect();
    hashes.sort();
    hashes.dedup();
    let mut scripts: Vec<String> = fragments
        .iter()
        .filter_map(|f| f.script_hash.clone())
        .collect();
    scripts.sort();
    scripts.dedup();
    let parts: Vec<(&str, bool)> = fragments
        .iter()
        .map(|f| (f.redirects.as_str(), f.go_pages))
        .collect();
    let redirects = files::capped_redirects(
        "# biopage short links: /<handle>/go/<id>/ -> tagged destination\n",
        &parts,
    );
    let urls: Vec<&str> = fragments.iter().map(|f| f.sitemap_url.as_str()).collect();
    let mut analytics: Vec<&crate::analytics::Analytics> = Vec::new();
    for a in fragments.iter().filter_map(|f| f.analytics.as_ref()) {
        if !analytics.contains(&a) {
            analytics.push(a);
        }
    }
    let mut out = vec![
        // one policy for every creator: the union of their analytics providers
        (
            "_headers".to_string(),
            files::security_headers("/", &hashes, &scripts, &analytics).into_bytes(),
        ),
        ("_redirects".to_string(), redirects.into_bytes()),
    ];
    // Creators under one host share a sitemap and robots.txt at its root.
    if let Some(root) = agency
        .base_url
        .as_ref()
        .and_then(|b| files::agency_root(&b.value))
    {
        out.push(("sitemap.xml".into(), files::sitemap_of(&urls).into_bytes()));
        out.push((
            "robots.txt".into(),
            files::agency_robots(&root).into_bytes(),
        ));
    }
    out
}

/// Progress on stderr: a bar on a terminal, a line per 5% otherwise.
struct Reporter {
    mode: Progress,
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Reporter {
    fn new(mode: Progress, total: usize) -> Reporter {
        let bar = (mode == Progress::Bar).then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{bar:30}] {pos}/{len} creators {wide_msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b
        });
        Reporter {
            mode,
            bar,
            total,
            done: Default::default(),
        }
    }

    fn tick(&self, handle: &str) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        match self.mode {
            Progress::Bar => {
                if let Some(b) = &self.bar {
                    b.set_message(handle.to_string());
                    b.inc(1);
                }
            }
            Progress::Lines => {
                let step = (self.total / 20).max(1);
                if done.is_multiple_of(step) || done == self.total {
                    eprintln!("built {done}/{} creators", self.total);
                }
            }
            Progress::Quiet => {}
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Parses `--date`: `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let dt: toml::value::Datetime = s.trim().replace(' ', "T").parse().map_err(|_| {
        format!("\"{s}\" is not a date; write it as 2026-12-31 or 2026-12-01T09:00:00+07:00")
    })?;
    load::instant_of(&dt, false).ok_or_else(|| format!("\"{s}\" has no date part"))
}

/// The current time, for builds without `--date`.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_cover_everyone_once() {
        let handles: Vec<String> = (0..1000).map(|i| format!("creator{i}")).collect();
        for n in 1..6 {
            let mut counts = vec![0; n as usize];
            for h in &handles {
                let s = shard_of(h, n);
                assert!((1..=n).contains(&s));
                counts[(s - 1) as usize] += 1;
                assert_eq!(s, shard_of(h, n));
            }
            assert_eq!(counts.iter().sum::<usize>(), 1000);
            assert!(
                counts.iter().all(|c| *c > 1000 / n as usize / 2),
                "{counts:?}"
            );
        }
    }

    #[test]
    fn shard_flag() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("x").is_err());
    }
}
