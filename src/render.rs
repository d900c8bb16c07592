//! Stage 3, render: pages to HTML with tera 2, then minified.
//!
//! One [`Renderer`] (one `Tera`) per build: templates are parsed once and
//! shared by every page of every creator. Templates receive finished values;
//! they never compute a tracking URL.
//!
//! Template lookup uses tera's fallback prefixes: a site's own
//! `templates/index.html` is registered as `index.html` and wins; otherwise
//! `theme/index.html`, then the built-in partials under `builtin/`.

use crate::diag::{Diagnostic, Diagnostics, Loc};
use crate::resolve::{Page, Redirect};
use crate::themes::{Theme, PARTIALS};
use serde::Serialize;
use sha2::Digest;
use std::path::Path;
use tera::{Context, Tera};

pub struct Renderer {
    tera: Tera,
    /// The theme's CSS, minified once per build.
    pub css: String,
    /// `'sha256-…'` of the theme's stylesheet alone (pages without `[style]`).
    pub style_hash: String,
    /// A hash of every template and the CSS: part of the incremental-build key.
    pub fingerprint: String,
}

const GENERATOR: &str = concat!("biopage ", env!("CARGO_PKG_VERSION"));

impl Renderer {
    pub fn new(theme: &Theme, site_templates: Option<&Path>) -> Result<Renderer, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut tera = Tera::new();
        tera.set_fallback_prefixes(["theme/", "builtin/"])
            .map_err(|e| one(template_error("biopage", &e)))?;
        let mut all: Vec<(String, String, Option<std::path::PathBuf>)> = Vec::new();
        for (name, src) in PARTIALS {
            all.push((format!("builtin/{name}"), src.to_string(), None));
        }
        for (name, src) in &theme.templates {
            all.push((format!("theme/{name}"), src.to_string(), None));
        }
        if let Some(dir) = site_templates {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .map(|r| r.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            entries.sort();
            for p in entries {
                let Some(name) = p.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
                    continue;
                };
                if !name.ends_with(".html") && !name.ends_with(".xml") {
                    continue;
                }
                match std::fs::read_to_string(&p) {
                    Ok(src) => all.push((name, src, Some(p.clone()))),
                    Err(e) => diags.push(
                        Diagnostic::error(format!("cannot read template {}: {e}", p.display()))
                            .at(Some(Loc::file_only(&p))),
                    ),
                }
            }
        }
        for (name, src, path) in &all {
            if let Err(e) = tera.add_raw_template(name, src) {
                let mut d = template_error(name, &e);
                if let Some(p) = path {
                    d = d.at(Some(Loc::file_only(p)));
                }
                diags.push(d);
            }
        }
        for required in ["index.html", "go.html", "404.html"] {
            if !tera.contains_template(required) {
                diags.push(
                    Diagnostic::error(format!("the theme \"{}\" has no {required}", theme.name))
                        .help(format!("add themes/{}/templates/{required}", theme.name)),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let css = minify_css(&theme.css);
        let style_hash = crate::analytics::csp_hash(&css);
        let mut h = sha2::Sha256::new();
        for (name, src, _) in &all {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(src.as_bytes());
            h.update([0]);
        }
        h.update(css.as_bytes());
        let fingerprint = format!("{:x}", h.finalize());
        Ok(Renderer {
            tera,
            css,
            style_hash,
            fingerprint,
        })
    }

    /// A page's stylesheet: the theme's, then its `[style]` rule, which
    /// overrides the theme's custom properties by coming later.
    pub fn page_css(&self, page: &Page) -> String {
        format!("{}{}", self.css, page.style_css)
    }

    /// `'sha256-…'` of [`Renderer::page_css`]: every page of a creator
    /// (channel pages, 404) ships exactly these bytes.
    pub fn page_style_hash(&self, page: &Page) -> String {
        if page.style_css.is_empty() {
            self.style_hash.clone()
        } else {
            crate::analytics::csp_hash(&self.page_css(page))
        }
    }

    /// The policy for `<meta http-equiv>`: `frame-ancestors` is not allowed
    /// there, so it lives only in `_headers`. `connect-src 'self'` lets
    /// crawlers' in-page checks (Lighthouse fetches robots.txt) reach the
    /// site itself; the page runs no script but its own inline one.
    fn csp_meta(&self, style_hash: &str, page: Option<&Page>) -> String {
        let analytics: Vec<&crate::analytics::Analytics> = page
            .and_then(|p| p.analytics.as_ref())
            .into_iter()
            .collect();
        let scripts: Vec<String> = page
            .and_then(|p| p.script_hash.clone())
            .into_iter()
            .collect();
        crate::analytics::csp(&[style_hash.to_string()], &scripts, &analytics, false)
    }

    fn context(&self, page: &Page) -> Context {
        let mut ctx = Context::new();
        ctx.insert("page", page);
        ctx.insert("css", &self.page_css(page));
        ctx.insert(
            "csp_meta",
            &self.csp_meta(&self.page_style_hash(page), Some(page)),
        );
        ctx.insert("generator", GENERATOR);
        ctx.insert("root", &root_path(&page.base_url));
        ctx
    }

    fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        let html = self
            .tera
            .render(name, ctx)
            .map_err(|e| template_error(name, &e))?;
        Ok(minify(&html))
    }

    pub fn page(&self, page: &Page) -> Result<String, Diagnostic> {
        self.render("index.html", &self.context(page))
    }

    /// A short-link page. Its context holds only what such a page shows
    /// (not the whole page, and no stylesheet): an agency writes tens of
    /// thousands of these, so each must be cheap to render and small on disk.
    pub fn go(&self, page: &Page, go: &Redirect, sponsored: bool) -> Result<String, Diagnostic> {
        #[derive(Serialize)]
        struct Go<'a> {
            title: &'a str,
            target: &'a str,
            rel: &'a str,
        }
        let mut ctx = self.small_context(page);
        let rel = if sponsored {
            "sponsored noopener"
        } else {
            "noopener"
        };
        ctx.insert(
            "go",
            &Go {
                title: &go.title,
                target: &go.target,
                rel,
            },
        );
        ctx.insert("css", "");
        self.render("go.html", &ctx)
    }

    /// The parts of a page that go and 404 pages use: `page.lang`,
    /// `page.name`, `page.handle`, `page.canonical`, `page.base_url`, `page.t`.
    fn small_context(&self, page: &Page) -> Context {
        #[derive(Serialize)]
        struct Small<'a> {
            lang: &'a str,
            name: &'a str,
            handle: &'a str,
            canonical: &'a str,
            base_url: &'a str,
            t: &'a crate::i18n::Strings,
        }
        let mut ctx = Context::new();
        ctx.insert(
            "page",
            &Small {
                lang: page.lang,
                name: &page.name,
                handle: &page.handle,
                canonical: &page.canonical,
                base_url: &page.base_url,
                t: &page.t,
            },
        );
        ctx.insert("css", &self.page_css(page));
        ctx.insert(
            "csp_meta",
            &self.csp_meta(&self.page_style_hash(page), None),
        );
        ctx.insert("generator", GENERATOR);
        ctx.insert("root", &root_path(&page.base_url));
        ctx
    }

    pub fn not_found(&self, page: &Page) -> Result<String, Diagnostic> {
        self.render("404.html", &self.small_context(page))
    }
}

/// The path part of the base URL ("/" or "/linh/"), so pages link to their
/// assets wherever the site is mounted.
pub fn root_path(base_url: &str) -> String {
    url::Url::parse(base_url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| "/".into())
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

fn template_error(name: &str, e: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    Diagnostic::error(format!("template {name}: {msg}")).help(
        "fix the template; `biopage themes` lists the built-in ones, whose templates you can copy",
    )
}

fn cfg(minify_css: bool) -> minify_html::Cfg {
    minify_html::Cfg {
        keep_html_and_head_opening_tags: true,
        minify_css,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// Minifies the whole page. CSS was minified once already (see
/// [`minify_css`]) and is left alone here, so the hash in the CSP matches
/// the bytes that ship.
pub fn minify(html: &str) -> String {
    String::from_utf8_lossy(&minify_html::minify(html.as_bytes(), &cfg(false))).into_owned()
}

/// Minifies a stylesheet with minify-html's CSS minifier.
pub fn minify_css(css: &str) -> String {
    let wrapped = format!("<style>{css}</style>");
    let out =
        String::from_utf8_lossy(&minify_html::minify(wrapped.as_bytes(), &cfg(true))).into_owned();
    out.strip_prefix("<style>")
        .and_then(|s| s.strip_suffix("</style>"))
        .map(str::to_string)
        .unwrap_or(out)
}
