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
use crate::themes::{SiteTemplate, Theme, PARTIALS};
use serde::Serialize;
use sha2::Digest;
use tera::{Context, Tera};

pub struct Renderer {
    tera: Tera,
    /// The theme's CSS, minified once per build.
    pub css: String,
    /// `'sha256-…'` of the theme's stylesheet alone (pages without `[style]`).
    pub style_hash: String,
    /// A hash of every template and the CSS: part of the incremental-build key.
    pub fingerprint: String,
    /// Whether `go.html` is biopage's own, which prints `go.title` and
    /// `go.target` as they are (no filters): only then may [`GoPages`]
    /// splice them into a page rendered once per creator.
    go_builtin: bool,
}

const GENERATOR: &str = concat!("biopage ", env!("CARGO_PKG_VERSION"));

impl Renderer {
    /// `site_templates`: the site's own templates (see
    /// `themes::site_templates`), which win over the theme's.
    pub fn new(theme: &Theme, site_templates: &[SiteTemplate]) -> Result<Renderer, Diagnostics> {
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
        for t in site_templates {
            all.push((t.name.clone(), t.source.clone(), Some(t.path.clone())));
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
        let go_builtin = !all
            .iter()
            .any(|(name, _, _)| name == "go.html" || name == "theme/go.html");
        Ok(Renderer {
            tera,
            css,
            style_hash,
            fingerprint,
            go_builtin,
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
        ctx.insert("root", &crate::text::root_path(&page.base_url));
        ctx
    }

    /// Renders a template, minified unless `minify_html = false`: minifying
    /// a creator's main page costs more CPU than rendering it (minify-html
    /// builds the whole document), which some agencies will not pay, as
    /// Hugo and Zola do not by default.
    fn render(&self, name: &str, ctx: &Context, minify_html: bool) -> Result<String, Diagnostic> {
        let html = self
            .tera
            .render(name, ctx)
            .map_err(|e| template_error(name, &e))?;
        Ok(if minify_html { minify(&html) } else { html })
    }

    pub fn page(&self, page: &Page) -> Result<String, Diagnostic> {
        self.render("index.html", &self.context(page), page.minify_html)
    }

    /// The short-link pages of one creator (see [`GoPages`]).
    pub fn go_pages(&self, page: &Page) -> GoPages<'_> {
        let mut ctx = self.small_context(page);
        // a redirect page shows no styled content; it needs no stylesheet
        ctx.insert("css", "");
        GoPages {
            renderer: self,
            ctx,
            minify_html: page.minify_html,
            skeletons: [None, None],
        }
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
        ctx.insert("root", &crate::text::root_path(&page.base_url));
        ctx
    }

    pub fn not_found(&self, page: &Page) -> Result<String, Diagnostic> {
        self.render("404.html", &self.small_context(page), page.minify_html)
    }
}

/// The short-link pages of one creator. An agency writes hundreds of
/// thousands of them, and rendering each through tera and minify-html cost
/// more CPU than creating its file (a large share of a clean agency build,
/// most of it minify-html's fixed cost per document; docs/benchmarks.md). With the built-in `go.html`
/// the page is rendered and minified once per creator and `rel`, with
/// markers where the title and the destination go; each short link then
/// splices in its own values, escaped for where the marker sits (text, or
/// a double-quoted attribute). A site or theme with its own `go.html` may
/// filter or test those values, so its pages are rendered one by one.
pub struct GoPages<'r> {
    renderer: &'r Renderer,
    ctx: Context,
    minify_html: bool,
    /// By `rel` (plain, sponsored), made on first use: the marked page in
    /// pieces, or `None` where it could not be split safely.
    skeletons: [Option<Option<Vec<Piece>>>; 2],
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Title,
    Target,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Escape {
    Text,
    Attribute,
}

#[derive(Debug, PartialEq)]
enum Piece {
    Literal(String),
    Value(Slot, Escape),
}

/// Markers no title or URL contains (private-use characters), with a space
/// and an apostrophe so that minify-html must keep an attribute holding
/// one in double quotes.
const TITLE_MARK: &str = "\u{E000}title '\u{E001}";
const TARGET_MARK: &str = "\u{E000}target '\u{E001}";

impl GoPages<'_> {
    pub fn render(&mut self, go: &Redirect) -> Result<String, Diagnostic> {
        if !self.renderer.go_builtin {
            return self.render_one(go);
        }
        let i = usize::from(go.sponsored);
        if self.skeletons[i].is_none() {
            // minified whatever `minify_html` says: the splicing follows
            // minify-html's escaping, and a page this small costs nothing
            // to read minified
            let marked = self.render_values(TITLE_MARK, TARGET_MARK, go.sponsored, true)?;
            self.skeletons[i] = Some(split_marked(&marked));
        }
        match &self.skeletons[i] {
            Some(Some(pieces)) => Ok(fill(pieces, &go.title, &go.target)),
            _ => self.render_one(go),
        }
    }

    /// One page through tera and minify-html: the way for a site's own
    /// `go.html`, and what spliced pages are tested against.
    pub(crate) fn render_one(&self, go: &Redirect) -> Result<String, Diagnostic> {
        self.render_values(&go.title, &go.target, go.sponsored, self.minify_html)
    }

    fn render_values(
        &self,
        title: &str,
        target: &str,
        sponsored: bool,
        minify_html: bool,
    ) -> Result<String, Diagnostic> {
        #[derive(Serialize)]
        struct Go<'a> {
            title: &'a str,
            target: &'a str,
            rel: &'a str,
        }
        let rel = if sponsored {
            "sponsored noopener"
        } else {
            "noopener"
        };
        let mut ctx = self.ctx.clone();
        ctx.insert("go", &Go { title, target, rel });
        self.renderer.render("go.html", &ctx, minify_html)
    }
}

/// Splits a page rendered with the markers into literal pieces and slots.
/// `None` (render each page instead) where a marker sits anywhere but in
/// text or a double-quoted attribute, where the page has raw-text elements
/// or comments (whose escaping differs), or where a marker came out altered.
fn split_marked(html: &str) -> Option<Vec<Piece>> {
    let lower = html.to_ascii_lowercase();
    if ["<script", "<style", "<textarea", "<!--"]
        .iter()
        .any(|raw| lower.contains(raw))
    {
        return None;
    }
    #[derive(Clone, Copy)]
    enum State {
        Text,
        Tag,
        Double,
        Single,
    }
    let bytes = html.as_bytes();
    let mut state = State::Text;
    let mut pieces = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let found = [(Slot::Title, TITLE_MARK), (Slot::Target, TARGET_MARK)]
            .into_iter()
            .find(|(_, mark)| bytes[i..].starts_with(mark.as_bytes()));
        if let Some((slot, mark)) = found {
            let escape = match state {
                State::Text => Escape::Text,
                State::Double => Escape::Attribute,
                State::Tag | State::Single => return None,
            };
            // a marker starts with a whole character, so `i` is a boundary
            pieces.push(Piece::Literal(html[start..i].to_string()));
            pieces.push(Piece::Value(slot, escape));
            i += mark.len();
            start = i;
            continue;
        }
        state = match (state, bytes[i]) {
            (State::Text, b'<') => State::Tag,
            (State::Tag, b'>') => State::Text,
            (State::Tag, b'"') => State::Double,
            (State::Tag, b'\'') => State::Single,
            (State::Double, b'"') | (State::Single, b'\'') => State::Tag,
            (s, _) => s,
        };
        i += 1;
    }
    pieces.push(Piece::Literal(html[start..].to_string()));
    let altered = pieces.iter().any(|p| match p {
        Piece::Literal(s) => s.contains(['\u{E000}', '\u{E001}']),
        Piece::Value(..) => false,
    });
    (!altered).then_some(pieces)
}

fn fill(pieces: &[Piece], title: &str, target: &str) -> String {
    let literal: usize = pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(s) => s.len(),
            Piece::Value(..) => 0,
        })
        .sum();
    let mut out = String::with_capacity(literal + 4 * (title.len() + target.len()));
    for p in pieces {
        match *p {
            Piece::Literal(ref s) => out.push_str(s),
            Piece::Value(slot, escape) => {
                let value = match slot {
                    Slot::Title => title,
                    Slot::Target => target,
                };
                match escape {
                    Escape::Text => html_escape::encode_text_to_string(value, &mut out),
                    Escape::Attribute => {
                        html_escape::encode_double_quoted_attribute_to_string(value, &mut out)
                    }
                };
            }
        }
    }
    out
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
    utf8(minify_html::minify(html.as_bytes(), &cfg(false)))
}

/// minify-html's output as text. It keeps UTF-8 input UTF-8, so the buffer is
/// taken over as it is (`from_utf8_lossy` walked it and copied it again: 2 %
/// of an agency build's CPU); a byte it should break would show as U+FFFD
/// rather than fail the build.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Minifies a stylesheet with minify-html's CSS minifier.
pub fn minify_css(css: &str) -> String {
    let wrapped = format!("<style>{css}</style>");
    let out = utf8(minify_html::minify(wrapped.as_bytes(), &cfg(true)));
    out.strip_prefix("<style>")
        .and_then(|s| s.strip_suffix("</style>"))
        .map(str::to_string)
        .unwrap_or(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A one-creator site in a temporary folder, with `go_html` as its own
    /// `templates/go.html` if given.
    fn site(go_html: Option<&str>) -> (tempfile::TempDir, Renderer, crate::resolve::Resolved) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("profile.toml"),
            "name = \"Trần Thị Linh 🌸\"\nhandle = \"linh\"\nbase_url = \"https://linh.example/\"\nlanguage = \"vi\"\n\n[[links]]\nid = \"shop\"\ntitle = \"Shop\"\nurl = \"https://shop.example/\"\n",
        )
        .unwrap();
        let templates = go_html.map(|src| {
            let t = dir.path().join("templates");
            std::fs::create_dir_all(&t).unwrap();
            std::fs::write(t.join("go.html"), src).unwrap();
            t
        });
        let (_, resolved) =
            crate::pipeline::prepare(dir.path(), None, &crate::resolve::Options::default())
                .unwrap_or_else(|d| panic!("{d:?}"));
        let theme = crate::themes::find(None, dir.path(), "default").unwrap();
        let root = crate::input::Root::open(dir.path()).unwrap();
        let site_templates = templates
            .map(|t| crate::themes::site_templates(&root, &t).unwrap())
            .unwrap_or_default();
        let renderer = Renderer::new(&theme, &site_templates).unwrap();
        (dir, renderer, resolved)
    }

    fn redirect(title: &str, target: &str, sponsored: bool) -> Redirect {
        Redirect {
            id: "x".into(),
            title: title.into(),
            target: target.into(),
            path: "go/x/".into(),
            sponsored,
            product: false,
        }
    }

    #[test]
    fn builtin_go_pages_are_spliced_from_one_render() {
        let (_dir, renderer, resolved) = site(None);
        let mut go = renderer.go_pages(&resolved.pages[0]);
        let html = go
            .render(&redirect(
                "Serum B5",
                "https://shop.example/p?a=1&b=2",
                true,
            ))
            .unwrap();
        let Some(Some(pieces)) = &go.skeletons[1] else {
            panic!("the built-in go.html did not split: {:?}", go.skeletons[1]);
        };
        // the title twice (title, text), the destination three times
        // (refresh, canonical, button), all but the title's in attributes
        let slots: Vec<_> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Value(s, e) => Some((*s, *e)),
                Piece::Literal(_) => None,
            })
            .collect();
        assert_eq!(slots.iter().filter(|s| s.0 == Slot::Title).count(), 2);
        assert_eq!(
            slots
                .iter()
                .filter(|s| **s == (Slot::Target, Escape::Attribute))
                .count(),
            3
        );
        assert!(
            go.skeletons[0].is_none(),
            "made before a plain link needed it"
        );
        assert!(
            html.contains(r#"href="https://shop.example/p?a=1&amp;b=2""#),
            "{html}"
        );
        assert!(html.contains("rel=\"sponsored noopener\""), "{html}");
    }

    #[test]
    fn a_sites_own_go_html_renders_each_page() {
        let (_dir, renderer, resolved) = site(Some(
            "<p>{{ go.title | upper }} {{ go.target | length }}</p>",
        ));
        let mut go = renderer.go_pages(&resolved.pages[0]);
        let html = go
            .render(&redirect("serum", "https://a.example/", false))
            .unwrap();
        assert!(html.contains("SERUM 18"), "{html}");
        assert!(go.skeletons.iter().all(Option::is_none));
    }

    #[test]
    fn markers_outside_text_and_double_quotes_are_refused() {
        assert!(split_marked(&format!("<a href={TARGET_MARK}>x</a>")).is_none());
        assert!(split_marked(&format!("<a href='{TARGET_MARK}'>x</a>")).is_none());
        assert!(split_marked(&format!("<script>var t=\"{TITLE_MARK}\"</script>")).is_none());
        assert!(split_marked("<p>\u{E000}title &#x27;\u{E001}</p>").is_none());
        assert_eq!(
            split_marked(&format!("<p title=\"{TITLE_MARK}\">{TITLE_MARK}</p>")),
            Some(vec![
                Piece::Literal("<p title=\"".into()),
                Piece::Value(Slot::Title, Escape::Attribute),
                Piece::Literal("\">".into()),
                Piece::Value(Slot::Title, Escape::Text),
                Piece::Literal("</p>".into()),
            ])
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// A spliced page is the same document as one rendered through
        /// tera and minify-html: minifying it gives exactly those bytes.
        #[test]
        fn spliced_pages_are_the_rendered_ones(
            title in "[ a-zA-Z0-9&<>\"'/;#=·…ễửđ中文😀\t]{0,24}",
            path in "[a-zA-Z0-9&<>\"'/;#=?%~ ễ中]{0,24}",
            sponsored in any::<bool>(),
        ) {
            let (_site, renderer, resolved) = SITE.with(|s| s.clone());
            let r = redirect(&title, &format!("https://shop.example/{path}"), sponsored);
            let mut go = renderer.go_pages(&resolved.pages[0]);
            let spliced = go.render(&r).unwrap();
            prop_assert!(go.skeletons[usize::from(sponsored)].as_ref().is_some_and(Option::is_some));
            prop_assert_eq!(minify(&spliced), go.render_one(&r).unwrap());
        }
    }

    thread_local! {
        /// One site for every case of the property (making it is most of the cost).
        static SITE: (std::rc::Rc<tempfile::TempDir>, std::rc::Rc<Renderer>, crate::resolve::Resolved) = {
            let (d, r, s) = site(None);
            (std::rc::Rc::new(d), std::rc::Rc::new(r), s)
        };
    }
}
