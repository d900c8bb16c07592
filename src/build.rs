//! A whole build of one site: load → resolve → render → emit.

use crate::diag::{Diagnostic, Diagnostics, Failure, Loc};
use crate::emit::{self, Staging};
use crate::render::{root_path, Renderer};
use crate::resolve::{self, Resolved};
use crate::{files, load, themes};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub resolve: resolve::Options,
}

#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub images: usize,
    pub warnings: Diagnostics,
    pub elapsed: std::time::Duration,
}

/// Loads, resolves and renders a site without writing anything: the files
/// it would write, as (relative path, bytes), plus images to copy.
pub struct Rendered {
    pub resolved: Resolved,
    pub files: Vec<(String, Vec<u8>)>,
    pub copies: Vec<(PathBuf, String)>,
}

pub fn render_site(dir: &Path, opts: &resolve::Options) -> Result<Rendered, Failure> {
    let loaded = load::load(dir);
    let mut diags = loaded.diags;
    let Some(site) = loaded.site else {
        return Err(Failure::Input(diags));
    };
    // Resolve even when loading found problems, to report them all at once.
    let resolved = match resolve::resolve(&site, None, opts) {
        Ok(r) if !diags.has_errors() => r,
        Ok(_) => return Err(Failure::Input(diags)),
        Err(more) => {
            diags.extend(more);
            return Err(Failure::Input(diags));
        }
    };
    let theme = themes::find(dir, &resolved.theme.value)
        .map_err(|d| Diagnostics(vec![d.at(resolved.theme.loc.clone())]))?;
    let renderer = Renderer::new(&theme, site.templates_dir.as_deref())?;
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
    for r in &resolved.redirects {
        let sponsored = main
            .featured
            .iter()
            .chain(main.groups.iter().flat_map(|g| g.links.iter()))
            .find(|l| l.id == r.id)
            .map(|l| l.sponsored)
            .or_else(|| {
                main.products
                    .iter()
                    .find(|p| p.id == r.id)
                    .map(|p| p.sponsored)
            })
            .unwrap_or(false);
        match renderer.go(main, r, sponsored) {
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
        return Err(Failure::Input(errors));
    }
    out.push((
        "_headers".into(),
        files::headers(&root, std::slice::from_ref(&renderer.style_hash)).into_bytes(),
    ));
    out.push((
        "_redirects".into(),
        files::redirects(&root, &resolved.redirects).into_bytes(),
    ));
    out.push(("sitemap.xml".into(), files::sitemap(&resolved).into_bytes()));
    out.push((
        "robots.txt".into(),
        files::robots(&resolved, &root).into_bytes(),
    ));
    out.push((
        "favicon.svg".into(),
        files::favicon(&resolved.name).into_bytes(),
    ));
    let mut copies: Vec<(PathBuf, String)> = resolved
        .images
        .iter()
        .map(|i| (i.src.clone(), i.out.clone()))
        .collect();
    if let Some(static_dir) = &site.static_dir {
        let statics = emit::static_files(dir, static_dir).map_err(|e| {
            Failure::Input(Diagnostics(vec![
                Diagnostic::error(format!("{e:#}")).at(Some(Loc::file_only(static_dir)))
            ]))
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
    })
}

/// Builds a site into `opts.out`, atomically.
pub fn build(dir: &Path, opts: &Options) -> Result<Summary, Failure> {
    let started = Instant::now();
    emit::check_output_dir(dir, &opts.out)?;
    let rendered = render_site(dir, &opts.resolve)?;
    let mut staging = Staging::new(&opts.out)?;
    for (rel, bytes) in &rendered.files {
        staging.write(rel, bytes)?;
    }
    for (src, rel) in &rendered.copies {
        staging.copy(src, rel)?;
    }
    let files = staging.files();
    staging.commit()?;
    Ok(Summary {
        pages: rendered.resolved.pages.len(),
        files,
        images: rendered.resolved.images.len(),
        warnings: rendered.resolved.warnings,
        elapsed: started.elapsed(),
    })
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
