//! The pipeline of one site: load → resolve → render (and make images) →
//! emit, and the pieces an agency's build (`agency::build`) shares with it.
//!
//! Both are a list of sites sent through the same stages (load → resolve →
//! render → emit). An agency build renders creators in parallel with rayon,
//! shares one parsed `Tera` per theme, writes each creator's files as soon as
//! they are rendered (memory stays bounded by the number of threads, not the
//! number of creators), and re-renders only creators whose inputs changed
//! since the last build.

use crate::diag::{Diagnostic, Diagnostics, Failure};
use crate::emit::{self, Staging};
use crate::hosts::{self, GoPages, Host};
use crate::images::Images;
use crate::model::{Settings, Site};
use crate::render::Renderer;
use crate::resolve::{self, Redirect, Resolved};
use crate::text::root_path;
use crate::{files, load, themes};
use std::collections::HashMap;
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
    /// Agency, with `shard`: this shard is a deployment of its own, whose
    /// root files hold its creators only.
    pub split: bool,
    /// Agency: write the creators that built, list the others, exit 1.
    pub keep_going: bool,
    /// Replace an output directory that biopage did not make.
    pub force: bool,
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
    /// Agency: creators of the output that this build did not select
    /// (`--only`, a shard), carried over as they were.
    pub carried: usize,
    /// Things worth knowing that are not problems of the input (an
    /// incremental record that was ignored, and why).
    pub notes: Vec<String>,
    pub elapsed: std::time::Duration,
    /// The whole output as the hosts' limits count it (creators carried
    /// over included).
    pub stats: hosts::limits::Stats,
    /// The host built for, whose limits `stats` is checked against.
    pub host: Option<Host>,
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
    prepare_with(dir, agency, opts, |_| Diagnostics::default())
}

/// [`prepare`], with `edit` applied to the loaded site before it is
/// resolved (an agency adds its campaigns' items there).
pub(crate) fn prepare_with(
    dir: &Path,
    agency: Option<&Settings>,
    opts: &resolve::Options,
    edit: impl FnOnce(&mut Site) -> Diagnostics,
) -> Result<(Site, Resolved), Diagnostics> {
    let loaded = load::load(dir);
    let mut diags = loaded.diags;
    let Some(mut site) = loaded.site else {
        return Err(diags);
    };
    diags.extend(edit(&mut site));
    // Resolve even when loading found problems, to report them all at once.
    match resolve::resolve(&site, agency, opts) {
        Ok(mut r) if !diags.has_errors() => {
            // what loading (and `edit`) warned about comes first
            diags.extend(std::mem::take(&mut r.warnings));
            r.warnings = diags;
            Ok((site, r))
        }
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
        let local = themes::is_local(site.root.as_ref(), dir, theme_name);
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
        let theme = themes::find(site.root.as_ref(), dir, theme_name)
            .map_err(|d| Diagnostics(vec![d.at(resolved.theme.loc.clone())]))?;
        let site_templates = match (&site.root, &site.templates_dir) {
            (Some(root), Some(t)) => themes::site_templates(root, t)?,
            _ => Vec::new(),
        };
        let renderer = Arc::new(Renderer::new(&theme, &site_templates)?);
        map.insert(key, renderer.clone());
        Ok(renderer)
    }
}

/// Renders one site's pages and per-site files, and makes its images (or
/// finds them in the cache). `standalone` sites (not part of an agency) also
/// get the host files that only work at the root.
pub(crate) fn render(
    site: &Site,
    resolved: Resolved,
    renderer: &Renderer,
    standalone: bool,
    images: &Images,
) -> Result<Rendered, Failure> {
    let mut rendered = render_with(site, resolved, renderer, standalone, usize::MAX)?;
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
    let mut go = renderer.go_pages(main);
    let paged = resolved
        .redirects
        .iter()
        .filter(|r| resolved.go_pages.page_for(r.product));
    for r in paged.take(max_go) {
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
        out.extend(site_host_files(&resolved, renderer, &root));
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
    if let (Some(root), Some(static_dir)) = (&site.root, &site.static_dir) {
        let statics = emit::static_files(root, static_dir)
            .map_err(|e| Diagnostics(vec![load::refused(&e)]))?;
        let mut generated: Vec<String> = out.iter().map(|(r, _)| r.clone()).collect();
        generated.extend(resolved.images.iter().map(|i| i.out.clone()));
        generated.extend(
            resolved
                .redirects
                .iter()
                .map(|r| format!("{}index.html", r.path)),
        );
        let pages: Vec<String> = resolved
            .pages
            .iter()
            .map(|p| format!("{}index.html", p.path))
            .collect();
        let mut errors = Diagnostics::default();
        for (src, rel) in statics {
            if let Some(why) = static_conflict(&rel, &generated, &pages) {
                errors.push(
                    Diagnostic::error(format!(
                        "static/{} {why}",
                        crate::diag::terminal_safe(&rel)
                    ))
                    .at(Some(crate::diag::Loc::file_only(&src)))
                    .help("rename or remove the file: static/ may replace the icons, robots.txt or 404.html, but not the pages, short links or host files biopage writes"),
                );
                continue;
            }
            out.retain(|(r, _)| *r != rel);
            copies.push((src, rel));
        }
        if errors.has_errors() {
            return Err(errors);
        }
    }
    Ok(Rendered {
        resolved,
        files: out,
        copies,
        made: Vec::new(),
    })
}

/// The files a single site's host reads at its root (see `hosts`).
fn site_host_files(resolved: &Resolved, renderer: &Renderer, root: &str) -> Vec<(String, Vec<u8>)> {
    let main = &resolved.pages[0];
    let styles = [renderer.page_style_hash(main)];
    let scripts: Vec<String> = main.script_hash.iter().cloned().collect();
    let analytics: Vec<_> = main.analytics.iter().collect();
    let (paged, pageless): (Vec<Redirect>, Vec<Redirect>) = resolved
        .redirects
        .iter()
        .cloned()
        .partition(|r| resolved.go_pages.page_for(r.product));
    let (paged, pageless) = (
        files::redirect_lines(root, &paged),
        files::redirect_lines(root, &pageless),
    );
    // one part when every short link is alike, as builds before hosts wrote
    let parts: Vec<(&str, bool)> = match resolved.go_pages {
        GoPages::All => vec![(paged.as_str(), true)],
        GoPages::None => vec![(pageless.as_str(), false)],
        GoPages::Products => vec![(paged.as_str(), true), (pageless.as_str(), false)],
    };
    let underscore_redirects = host_redirects(
        resolved.host,
        files::capped_redirects(files::SITE_REDIRECTS_HEADER, &parts),
        root,
        false,
        !pageless.is_empty(),
    );
    let inputs = hosts::Inputs {
        root,
        creators: &[],
        parts: &parts,
        headers: &files::security_header_list(&styles, &scripts, &analytics),
        underscore_headers: &files::headers(
            root,
            &format!("{root}assets/*"),
            &styles,
            &scripts,
            &analytics,
        ),
        underscore_redirects: &underscore_redirects,
    };
    hosts::root_files(resolved.host, &inputs)
}

/// `_redirects` as the named host needs it.
///
/// Netlify serves an existing file before an unforced rule, so on Netlify
/// short links are forced (`302!`) and answer with a real redirect even
/// where their page exists (Netlify matches a rule with or without the
/// trailing slash). Not for Cloudflare Pages, whose parser drops a line with
/// `302!`, and not when no host is named (the file is then read by both).
///
/// Cloudflare Pages redirects `/go/<id>` to `/go/<id>/` only where that
/// folder exists, and matches static rules exactly: where short links have
/// no page, one dynamic rule (of the 100 it allows) adds the slash, and the
/// static rule then answers. `creators` marks an agency (`:handle/`).
pub(crate) fn host_redirects(
    host: Option<Host>,
    redirects: String,
    root: &str,
    creators: bool,
    pageless: bool,
) -> String {
    if host == Some(Host::Cloudflare) && pageless {
        let from = if creators {
            format!("{root}:handle/go/:id")
        } else {
            format!("{root}go/:id")
        };
        return format!("{redirects}{from} {from}/ 301\n");
    }
    if host != Some(Host::Netlify) {
        return redirects;
    }
    let mut out = String::with_capacity(redirects.len() + redirects.len() / 64);
    for line in redirects.lines() {
        out.push_str(line);
        if !line.starts_with('#') && line.ends_with(" 302") {
            out.push('!');
        }
        out.push('\n');
    }
    out
}

/// Files of `static/` that may not be copied: host files and the marker
/// (their only writer is biopage), a file where biopage writes a folder or
/// inside a file it writes, the pages and short links, and a name that
/// differs from a written one only in case (one file on macOS and Windows).
/// Other written files (icons, robots.txt, 404.html) may be replaced.
fn static_conflict(rel: &str, generated: &[String], pages: &[String]) -> Option<String> {
    let lower = rel.to_lowercase();
    if crate::hosts::HOST_FILES.contains(&lower.as_str()) || lower == crate::emit::MARKER {
        return Some("has the name of a file biopage writes for the host".into());
    }
    if lower == "go" || lower.starts_with("go/") {
        return Some("is where biopage writes the short links (go/)".into());
    }
    for g in generated {
        let g_lower = g.to_lowercase();
        if g_lower.starts_with(&format!("{lower}/")) {
            return Some(format!("is a file where biopage writes the folder {rel}/"));
        }
        if lower.starts_with(&format!("{g_lower}/")) {
            return Some(format!("is inside {g}, which biopage writes as a file"));
        }
        if g_lower == lower && g != rel {
            return Some(format!(
                "differs from {g}, which biopage writes, only in case"
            ));
        }
    }
    if pages.iter().any(|p| p.to_lowercase() == lower) {
        return Some(
            "is a page biopage writes; change its template (templates/index.html) instead".into(),
        );
    }
    None
}

/// How many `go/<id>/` pages a site gets.
pub(crate) fn go_page_count(r: &Resolved) -> usize {
    r.redirects
        .iter()
        .filter(|x| r.go_pages.page_for(x.product))
        .count()
}

/// The folders of a site that biopage reads, which no output may be in.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    ["images", "static", "templates", "themes"]
        .iter()
        .map(|f| dir.join(f))
        .collect()
}

/// Builds `dir` into `opts.out`: a single site or an agency.
pub fn build(dir: &Path, opts: &Options) -> Result<Summary, Failure> {
    if crate::agency::is_agency(dir) {
        return crate::agency::build::build(dir, opts);
    }
    if opts.only.is_some() || opts.shard.is_some() {
        return Err(Failure::Environment(anyhow::anyhow!(
            "--only and --shard are for agencies (a directory with agency.toml and creators/)"
        )));
    }
    let started = Instant::now();
    // Claimed first: a wrong -o is reported as what it is, before any work.
    let output = emit::claim(dir, &opts.out, &inputs(dir), opts.force)?;
    let images = images_for(opts);
    let (site, resolved) = prepare(dir, None, &opts.resolve)?;
    if let Ok(out_real) = opts.out.canonicalize() {
        prepare_checks(&site, &out_real)?;
    }
    let renderer = Renderers::default().get(dir, &site, &resolved)?;
    let mut rendered = render(&site, resolved, &renderer, true, &images)?;
    if rendered.resolved.host == Some(Host::S3) {
        let mut rels: Vec<String> = rendered
            .files
            .iter()
            .map(|(r, _)| r.clone())
            .chain(
                rendered
                    .copies
                    .iter()
                    .chain(&rendered.made)
                    .map(|(_, r)| r.clone()),
            )
            .collect();
        rels.sort();
        let meta = hosts::s3::metadata(&rels, false);
        rendered
            .files
            .push((hosts::s3::FILE.into(), meta.into_bytes()));
    }
    let staging = Staging::new(&output)?;
    write_site(&staging, "", &rendered)?;
    let files = staging.files();
    staging.commit(&output_id(&rendered), emit::Old::Remove)?;
    // one site: what it no longer uses leaves the cache
    images.prune();
    let w = weight(&rendered);
    let stats = hosts::limits::Stats {
        files: w.files + 1, // the marker
        bytes: w.bytes,
        largest: (w.largest, w.largest_path),
        fullest_dir: (
            w.fullest + u64::from(w.fullest_path.is_empty()),
            w.fullest_path,
        ),
        redirect_rules: rule_count(&rendered, "_redirects", |l| {
            !l.starts_with('#') && !l.split(' ').next().unwrap_or("").contains(':')
        }),
        header_rules: rule_count(&rendered, "_headers", |l| !l.starts_with([' ', '\t', '#'])),
        ..Default::default()
    };
    Ok(Summary {
        stats,
        host: rendered.resolved.host,
        creators: 1,
        rebuilt: 1,
        pages: rendered.resolved.pages.len() + go_page_count(&rendered.resolved),
        files,
        images: rendered.resolved.images.len(),
        encoded: images.encoded(),
        warnings: rendered.resolved.warnings,
        elapsed: started.elapsed(),
        ..Summary::default()
    })
}

/// The rules of a host file the site writes: its non-empty lines that
/// `rule` accepts.
fn rule_count(r: &Rendered, name: &str, rule: impl Fn(&str) -> bool) -> u64 {
    r.files
        .iter()
        .filter(|(rel, _)| rel == name)
        .flat_map(|(_, bytes)| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.trim().is_empty() && rule(l))
        .count() as u64
}

/// What a site's output weighs: its files, their bytes, the largest one
/// and the directory with the most entries (the hosts' limits).
pub(crate) fn weight(r: &Rendered) -> crate::incremental::Weight {
    let mut w = crate::incremental::Weight::default();
    let mut dirs: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
    let add = |w: &mut crate::incremental::Weight, rel: &str, len: u64| {
        w.files += 1;
        w.bytes += len;
        if len > w.largest {
            w.largest = len;
            w.largest_path = rel.to_string();
        }
    };
    let sizes = r
        .files
        .iter()
        .map(|(rel, b)| (rel.as_str(), b.len() as u64));
    let on_disk = r.copies.iter().chain(&r.made).map(|(src, rel)| {
        (
            rel.as_str(),
            std::fs::metadata(src).map(|m| m.len()).unwrap_or(0),
        )
    });
    for (rel, len) in sizes.chain(on_disk) {
        add(&mut w, rel, len);
        // every folder on the way holds the next name
        let mut rest = rel;
        let mut parent = "";
        while let Some((head, tail)) = rest.split_once('/') {
            let end = parent.len() + head.len();
            let here = &rel[..end];
            dirs.entry(parent).or_default().insert(here);
            parent = &rel[..end + 1];
            rest = tail;
        }
        dirs.entry(parent).or_default().insert(rel);
    }
    if let Some((dir, names)) = dirs
        .iter()
        .max_by_key(|(d, n)| (n.len(), std::cmp::Reverse(*d)))
    {
        w.fullest = names.len() as u64;
        w.fullest_path = dir.trim_end_matches('/').to_string();
    }
    w
}

/// The id a site's output is marked with: a digest of what it holds, so
/// that the same input builds the same bytes, marker included.
fn output_id(r: &Rendered) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for (rel, bytes) in &r.files {
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(crate::hash::full_hash(bytes));
    }
    for (src, rel) in r.copies.iter().chain(&r.made) {
        h.update(rel.as_bytes());
        h.update([0]);
        match crate::input::read_regular(src, crate::input::IMAGE_LIMIT) {
            Ok(bytes) => h.update(crate::hash::full_hash(&bytes)),
            Err(_) => h.update(src.to_string_lossy().as_bytes()),
        }
    }
    let d = h.finalize();
    d[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Inputs that lie in the output directory, which every build replaces: an
/// image named by the profile, or one of the site's folders. Each is an
/// error at the line that names it (or at the folder).
pub(crate) fn prepare_checks(site: &Site, out_real: &Path) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    let images = site.avatar.iter().chain(
        site.links
            .iter()
            .chain(&site.products)
            .filter_map(|i| i.image.as_ref()),
    );
    for img in images {
        if img.abs.starts_with(out_real) {
            errors.push(
                Diagnostic::error(format!(
                    "the image \"{}\" is inside the output directory, which every build replaces",
                    img.rel
                ))
                .at(img.loc.clone())
                .help("keep images in the site's images/ folder, outside the output"),
            );
        }
    }
    for folder in [&site.templates_dir, &site.static_dir]
        .into_iter()
        .flatten()
    {
        if folder.canonicalize().is_ok_and(|r| r.starts_with(out_real)) {
            errors.push(
                Diagnostic::error(format!(
                    "{} is inside the output directory, which every build replaces",
                    folder.display()
                ))
                .at(Some(crate::diag::Loc::file_only(folder)))
                .help("write the output elsewhere with -o"),
            );
        }
    }
    if errors.has_errors() {
        Err(errors)
    } else {
        Ok(())
    }
}

pub(crate) fn images_for(opts: &Options) -> Images {
    match &opts.image_cache {
        Some(dir) => Images::in_dir(dir.clone()),
        None => Images::for_output(&opts.out),
    }
}

pub(crate) fn write_site(staging: &Staging, prefix: &str, r: &Rendered) -> anyhow::Result<()> {
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

/// Progress on stderr: a bar on a terminal, a line per 5% otherwise.
pub(crate) struct Reporter {
    mode: Progress,
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Reporter {
    pub(crate) fn new(mode: Progress, total: usize) -> Reporter {
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

    pub(crate) fn tick(&self, handle: &str) {
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
                    eprintln!("progress: {done} of {} creators", self.total);
                }
            }
            Progress::Quiet => {}
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
