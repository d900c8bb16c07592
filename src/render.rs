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
    /// The same templates minified ([`compact_template`]) and printing
    /// values with [`escape_minimal`], when every template is biopage's
    /// own: their pages need no minify-html pass (see [`Renderer::render`]).
    compact: Option<Tera>,
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

/// Names how [`compact_template`] and [`escape_minimal`] write a page:
/// change it with them, so incremental builds render kept pages again.
const COMPACT_SCHEME: &str = "compact-1";

const GENERATOR: &str = concat!("biopage ", env!("CARGO_PKG_VERSION"));

impl Renderer {
    /// `site_templates`: the site's own templates (see
    /// `themes::site_templates`), which win over the theme's.
    pub fn new(theme: &Theme, site_templates: &[SiteTemplate]) -> Result<Renderer, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut tera = new_tera()?;
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
        let go_builtin = !all
            .iter()
            .any(|(name, _, _)| name == "go.html" || name == "theme/go.html");
        let builtin = site_templates.is_empty()
            && theme
                .templates
                .iter()
                .all(|(_, src)| matches!(src, std::borrow::Cow::Borrowed(_)));
        let compact = if builtin {
            let mut compact = new_tera()?;
            compact.set_escape_fn(escape_minimal);
            for (name, src, _) in &all {
                compact
                    .add_raw_template(name, &compact_template(src))
                    .map_err(|e| one(template_error(name, &e)))?;
            }
            Some(compact)
        } else {
            None
        };
        h.update(css.as_bytes());
        // the same templates make other bytes minified where they are
        // loaded: a page kept from an older build is rendered again
        h.update(if compact.is_some() {
            COMPACT_SCHEME
        } else {
            "minify-html"
        });
        let fingerprint = format!("{:x}", h.finalize());
        Ok(Renderer {
            tera,
            compact,
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

    /// Renders a template, minified unless `minify_html = false` (readable
    /// output, as Hugo and Zola write by default).
    ///
    /// biopage's own templates are minified once, when they are loaded
    /// ([`compact_template`]), and their pages are not passed through
    /// minify-html again: that pass cost about a third of a large agency's
    /// CPU, and now takes out only the quotes around values (the tests hold
    /// that minify-html makes the same document of either page). A
    /// site's or theme's own templates may put line breaks where they
    /// matter, so their pages go through minify-html, which costs more CPU
    /// than rendering (it builds the whole document).
    fn render(&self, name: &str, ctx: &Context, minify_html: bool) -> Result<String, Diagnostic> {
        let render = |tera: &Tera| tera.render(name, ctx).map_err(|e| template_error(name, &e));
        match (&self.compact, minify_html) {
            (_, false) => render(&self.tera),
            (Some(compact), true) => render(compact),
            (None, true) => Ok(minify(&render(&self.tera)?)),
        }
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
/// splices in its own values, escaped as the built-in templates escape
/// values ([`escape_minimal`]; a marker may sit only in text or a
/// double-quoted attribute). A site or theme with its own `go.html` may
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
            // minified whatever `minify_html` says: the slots are filled
            // with the minified templates' escaping, and a page this small
            // costs nothing to read minified
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
            // the escaping of the built-in templates, right for text and
            // double-quoted attributes alike, the only places a slot sits
            Piece::Value(slot, _) => escape_pieces(
                match slot {
                    Slot::Title => title,
                    Slot::Target => target,
                },
                |piece| out.push_str(piece),
            ),
        }
    }
    out
}

fn new_tera() -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    tera.set_fallback_prefixes(["theme/", "builtin/"])
        .map_err(|e| one(template_error("biopage", &e)))?;
    Ok(tera)
}

/// A template minified where it is loaded, its tera tags left as they are:
/// in its markup, every run of whitespace that holds a line break and has
/// markup on both sides (a tag's `>` or the end of a tera tag or comment
/// before it; `<` or the start of a tera tag or comment after it; or either
/// end of the template) is taken out, and a literal attribute value of
/// plain characters (`class="btn"`) loses its quotes. The built-in
/// templates put a line break only between block elements, where it
/// renders as nothing; whitespace within a line or beside a printed value
/// (`{{ … }}`) is kept. The tests hold every built-in theme's pages to the
/// document minify-html makes of them.
pub(crate) fn compact_template(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    loop {
        let tag = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|open| rest.find(open))
            .min()
            .unwrap_or(rest.len());
        let (text, tail) = rest.split_at(tag);
        compact_markup(&unquote(text), tail, &mut out);
        if tail.is_empty() {
            return out;
        }
        let close = match &tail[..2] {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let end = tail[2..].find(close).map_or(tail.len(), |i| i + 4);
        out.push_str(&tail[..end]);
        rest = &tail[end..];
    }
}

/// [`compact_template`]'s whitespace rule over one stretch of markup,
/// `next` being the template after it.
fn compact_markup(text: &str, next: &str, out: &mut String) {
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_whitespace()) {
        out.push_str(&rest[..start]);
        let from = &rest[start..];
        let len = from
            .find(|c: char| !c.is_ascii_whitespace())
            .unwrap_or(from.len());
        let (run, after) = from.split_at(len);
        let after = if after.is_empty() { next } else { after };
        let markup_before =
            out.is_empty() || out.ends_with('>') || out.ends_with("%}") || out.ends_with("#}");
        let markup_after = after.is_empty()
            || after.starts_with('<')
            || after.starts_with("{%")
            || after.starts_with("{#");
        if !(run.contains('\n') && markup_before && markup_after) {
            out.push_str(run);
        }
        rest = &from[len..];
    }
    out.push_str(rest);
}

/// `name="value"` as `name=value` where the value is plain (letters,
/// digits, `_:.#/+-`, not ending in `/`) and a space or `>` follows.
fn unquote(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = |v: &str| {
        !v.is_empty()
            && !v.ends_with('/')
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_:.#/+-".contains(&b))
    };
    if !text.contains("=\"") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("=\"") {
        let after = &rest[i + 2..];
        out.push_str(&rest[..i + 1]);
        match after.find('"') {
            Some(j)
                if plain(&after[..j])
                    && after[j + 1..]
                        .starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) =>
            {
                out.push_str(&after[..j]);
                rest = &after[j + 1..];
            }
            _ => {
                out.push('"');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// tera's escaping for the built-in templates when minified, which print
/// values only as text and in double-quoted attributes: `<` and `"` always,
/// `&` only where it could begin a character reference (before `#`, before
/// letters and digits ending in `;`, or before one of the names HTML still
/// reads without a `;`), so that a tracked URL keeps its plain `&`s as
/// minify-html would write them.
fn escape_minimal(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escape_pieces(input, |piece| {
        if result.is_ok() {
            result = out.write_all(piece.as_bytes());
        }
    });
    result
}

/// [`escape_minimal`] as the pieces of text it writes, in order.
fn escape_pieces<'a>(input: &'a str, mut emit: impl FnMut(&'a str)) {
    let mut last = 0;
    for (i, b) in input.bytes().enumerate() {
        let with = match b {
            b'<' => "&lt;",
            b'"' => "&#34;",
            b'&' if ampersand_is_a_reference(&input[i + 1..]) => "&amp;",
            _ => continue,
        };
        emit(&input[last..i]);
        emit(with);
        last = i + 1;
    }
    emit(&input[last..]);
}

/// Whether `&` followed by `after` could be read as a character reference.
fn ampersand_is_a_reference(after: &str) -> bool {
    if after.starts_with('#') {
        return true;
    }
    let name_len = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    if name_len == 0 {
        return false;
    }
    if after[name_len..].starts_with(';') {
        return true;
    }
    LEGACY_ENTITIES
        .iter()
        .any(|name| after[..name_len].starts_with(name))
}

/// The named character references HTML reads without a closing `;` (the
/// WHATWG list; every other name needs its `;`).
const LEGACY_ENTITIES: &[&str] = &[
    "AElig", "AMP", "Aacute", "Acirc", "Agrave", "Aring", "Atilde", "Auml", "COPY", "Ccedil",
    "ETH", "Eacute", "Ecirc", "Egrave", "Euml", "GT", "Iacute", "Icirc", "Igrave", "Iuml", "LT",
    "Ntilde", "Oacute", "Ocirc", "Ograve", "Oslash", "Otilde", "Ouml", "QUOT", "REG", "THORN",
    "Uacute", "Ucirc", "Ugrave", "Uuml", "Yacute", "aacute", "acirc", "acute", "aelig", "agrave",
    "amp", "aring", "atilde", "auml", "brvbar", "ccedil", "cedil", "cent", "copy", "curren", "deg",
    "divide", "eacute", "ecirc", "egrave", "eth", "euml", "frac12", "frac14", "frac34", "gt",
    "iacute", "icirc", "iexcl", "igrave", "iquest", "iuml", "laquo", "lt", "macr", "micro",
    "middot", "nbsp", "not", "ntilde", "oacute", "ocirc", "ograve", "ordf", "ordm", "oslash",
    "otilde", "ouml", "para", "plusmn", "pound", "quot", "raquo", "reg", "sect", "shy", "sup1",
    "sup2", "sup3", "szlig", "thorn", "times", "uacute", "ucirc", "ugrave", "uml", "uuml",
    "yacute", "yen", "yuml",
];

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
            html.contains(r#"href="https://shop.example/p?a=1&b=2""#),
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
            prop_assert_eq!(minify(&spliced), minify(&go.render_one(&r).unwrap()));
        }
    }

    /// A site with every part a built-in page has: a Markdown bio with a
    /// list and code, socials, featured, grouped, sponsored and sensitive
    /// links, and products with prices, codes, descriptions and reviews, in
    /// Vietnamese, Chinese and emoji, and text that looks like markup.
    const RICH_PROFILE: &str = r#"
name = "Nguyễn Thị <Linh> & 小红 🌸 \"Review\" 'thật'"
handle = "linh"
base_url = "https://linh.example/"
language = "vi"
bio = """
Review **thật** & không quảng cáo trá hình: a &amp; b, 5 < 6 > 4, &copy 2026 ©.

- một
- hai `code & <b>`

```
khối  mã
  giữ  khoảng trắng
```

[TikTok](https://www.tiktok.com/@linh?x=1&copy=2)
"""

[disclosure]
text = "Liên kết tiếp thị & quảng cáo: <b>không</b> đổi giá."

[[socials]]
platform = "tiktok"
url = "https://www.tiktok.com/@linh"

[[socials]]
platform = "email"
url = "mailto:a@linh.example"
label = "Email \"hợp tác\" & <làm việc>"

[[links]]
id = "shop"
title = "🛍️ Gian hàng & ưu đãi <mới> &lt; &#39; &notit; &amp"
url = "https://shopee.vn/linh?a=1&b=2&lt=3&amp;c&reg=4"
featured = true

[[links]]
id = "grouped"
title = "在 中文 里 的 链接"
url = "https://example.cn/路径?q=中文&sect=1"
group = "Nhóm \"một\" & <hai>"

[[links]]
id = "age"
title = "Rượu vang"
url = "https://wine.example/?a=1&b=2"
group = "Nhóm \"một\" & <hai>"
sensitive = true
sponsored = true

"#;

    const RICH_PRODUCTS: &str = r#"
[[products]]
id = "serum"
title = "Serum B5 <phục hồi> & \"30ml\""
url = "https://shopee.vn/product/1/2?sp_atk=a&copy=b"
price = 289000
compare_at_price = 350000
currency = "VND"
coupon = "LINH&10"
review = "https://www.tiktok.com/@linh/video/1?a=1&b=2"
description = "Cứu tinh cho da **sau mụn** & <b>dịu</b> đỏ."
featured = true
sponsored = true

[[products]]
id = "tea"
title = "绿茶 🍵"
url = "https://tea.example/p?id=1&not=2"
price = 12.5
currency = "USD"
sensitive = true
"#;

    fn theme_names() -> Vec<&'static str> {
        crate::themes::builtin_names().map(|(n, _)| n).collect()
    }

    fn themed_site(dir: &std::path::Path, theme: &str) -> (Renderer, crate::resolve::Resolved) {
        let (_, resolved) =
            crate::pipeline::prepare(dir, None, &crate::resolve::Options::default())
                .unwrap_or_else(|d| panic!("{d:?}"));
        let theme = crate::themes::find(None, dir, theme).unwrap();
        (Renderer::new(&theme, &[]).unwrap(), resolved)
    }

    /// `Err` with where two pages first differ, in a few words.
    fn same(a: &str, b: &str) -> Result<(), String> {
        let i = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        if i == a.len() && i == b.len() {
            return Ok(());
        }
        let around = |s: &str| {
            let from = s.floor_char_boundary(i.saturating_sub(80));
            let to = s.ceil_char_boundary((i + 80).min(s.len()));
            s[from..to].to_string()
        };
        Err(format!(
            "differ at byte {i}:\n  {}\n  {}",
            around(a),
            around(b)
        ))
    }

    /// The page as the built-in templates print it minified, and as their
    /// own text prints it through minify-html.
    fn both_ways(renderer: &Renderer, page: &Page) -> (String, String) {
        let compact = renderer.page(page).unwrap();
        let ctx = renderer.context(page);
        let full = minify(&renderer.tera.render("index.html", &ctx).unwrap());
        (compact, full)
    }

    #[test]
    fn every_builtin_theme_prints_the_document_minify_html_makes() {
        let rich = tempfile::tempdir().unwrap();
        std::fs::write(rich.path().join("profile.toml"), RICH_PROFILE).unwrap();
        std::fs::write(rich.path().join("products.toml"), RICH_PRODUCTS).unwrap();
        let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        for dir in [rich.path(), example.as_path()] {
            for theme in theme_names() {
                let (renderer, resolved) = themed_site(dir, theme);
                assert!(renderer.compact.is_some(), "{theme}");
                for page in &resolved.pages {
                    let (compact, full) = both_ways(&renderer, page);
                    // the same document: minify-html makes the same bytes of both
                    if let Err(e) = same(&minify(&compact), &full) {
                        panic!("{theme} {}: {e}", page.path);
                    }
                    // and little is left to take out
                    assert!(
                        compact.len() as f64 <= full.len() as f64 * 1.03,
                        "{theme} {}: {} bytes against minify-html's {}",
                        page.path,
                        compact.len(),
                        full.len()
                    );
                }
                let nf = renderer.not_found(&resolved.pages[0]).unwrap();
                let ctx = renderer.small_context(&resolved.pages[0]);
                let full = minify(&renderer.tera.render("404.html", &ctx).unwrap());
                if let Err(e) = same(&minify(&nf), &full) {
                    panic!("{theme} 404: {e}");
                }
            }
        }
    }

    #[test]
    fn a_sites_own_templates_are_minified_by_minify_html() {
        let (_dir, renderer, resolved) = site(Some("<p>\n  {{ go.title }}\n</p>\n"));
        assert!(renderer.compact.is_none());
        let html = renderer.page(&resolved.pages[0]).unwrap();
        assert_eq!(html, minify(&html));
        let mut page = resolved.pages[0].clone();
        page.minify_html = false;
        assert!(renderer.page(&page).unwrap().contains(">\n<"));
    }

    #[test]
    fn templates_lose_line_breaks_between_tags_and_quotes_of_plain_values() {
        assert_eq!(
            compact_template("<ul class=\"list\">\n  <li>{{ a }}\n</li>\n</ul>\n"),
            "<ul class=list><li>{{ a }}\n</li></ul>"
        );
        // within a line, beside a value, and inside tera tags: kept
        assert_eq!(
            compact_template("<b>x</b> <i>y</i>\n{{ v }}\n<a title=\"a b\" id=\"x/\">"),
            "<b>x</b> <i>y</i>\n{{ v }}\n<a title=\"a b\" id=\"x/\">"
        );
        assert_eq!(
            compact_template("{% set c = \"btn\" %}\n{% if x==\"y\" %}\n<p class=\"{{ c }}\" id=\"a\"/>{% endif %}"),
            "{% set c = \"btn\" %}{% if x==\"y\" %}<p class=\"{{ c }}\" id=\"a\"/>{% endif %}"
        );
    }

    /// Where each `{{ … }}` of a template sits: `'t'` text, `'"'` a
    /// double-quoted attribute, `'<'` elsewhere in a tag, `'\''` a
    /// single-quoted attribute, `'r'` the text of a script or style.
    fn value_places(src: &str) -> Vec<(char, &str)> {
        let mut places = Vec::new();
        let (mut state, mut raw) = ('t', false);
        let mut i = 0;
        while i < src.len() {
            let rest = &src[i..];
            if let Some(open) = ["{{", "{%", "{#"].into_iter().find(|o| rest.starts_with(o)) {
                let close = match open {
                    "{{" => "}}",
                    "{%" => "%}",
                    _ => "#}",
                };
                let end = rest.find(close).unwrap() + 2;
                if open == "{{" {
                    places.push((if raw && state == 't' { 'r' } else { state }, &rest[..end]));
                }
                i += end;
                continue;
            }
            let c = rest.chars().next().unwrap();
            state = match (state, c) {
                ('t', '<') => {
                    let lower = rest.to_ascii_lowercase();
                    raw = lower.starts_with("<script") || lower.starts_with("<style");
                    '<'
                }
                ('<', '>') => 't',
                ('<', '"') => '"',
                ('<', '\'') => '\'',
                ('"', '"') | ('\'', '\'') => '<',
                (s, _) => s,
            };
            i += c.len_utf8();
        }
        places
    }

    #[test]
    fn builtin_templates_print_values_only_in_text_and_double_quotes() {
        // what escape_minimal is safe for: no value in an unquoted or
        // single-quoted attribute, nor in a script or style but `| safe`
        let themes = theme_names().into_iter().flat_map(|n| {
            crate::themes::find(None, std::path::Path::new("."), n)
                .unwrap()
                .templates
        });
        let all = PARTIALS
            .iter()
            .map(|(n, s)| (n.to_string(), std::borrow::Cow::Borrowed(*s)))
            .chain(themes);
        let mut values = 0;
        for (name, src) in all {
            for (place, value) in value_places(&src) {
                values += 1;
                let safe = value.replace(' ', "").contains("|safe");
                // analytics attributes' names are biopage's own (data-domain…)
                let attribute_name = value == "{{ a[0] }}";
                assert!(
                    matches!(place, 't' | '"') || (place == 'r' && safe) || attribute_name,
                    "{name}: {value} printed at '{place}'"
                );
            }
        }
        assert!(values > 100, "{values}");
        assert_eq!(
            value_places("<a href={{ a }} title='{{ b }}' {{ c }}><script>{{ d }}</script>{{ e }}"),
            vec![
                ('<', "{{ a }}"),
                ('\'', "{{ b }}"),
                ('<', "{{ c }}"),
                ('r', "{{ d }}"),
                ('t', "{{ e }}")
            ]
        );
    }

    fn escaped(v: &str) -> String {
        let mut out = Vec::new();
        escape_minimal(v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ampersands_are_escaped_only_where_html_would_read_a_reference() {
        assert_eq!(
            escaped("https://a.example/?x=1&utm_source=bio&b"),
            "https://a.example/?x=1&utm_source=bio&b"
        );
        assert_eq!(
            escaped("&copy=1 &amp &#39; &x; < \" ' >"),
            "&amp;copy=1 &amp;amp &amp;#39; &amp;x; &lt; &#34; ' >"
        );
        assert_eq!(escaped("a & b &"), "a & b &");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// However a value is made, escape_minimal's text reads as the
        /// value in text and in a double-quoted attribute, as minify-html
        /// (which follows HTML's reading of references) sees it.
        #[test]
        fn minimal_escaping_reads_as_the_value(
            parts in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(LEGACY_ENTITIES).prop_map(|n| format!("&{n}")),
                    Just("&amp;".to_string()),
                    Just("&#".to_string()),
                    Just("&#x27;".to_string()),
                    Just("&notin;".to_string()),
                    "[a-zA-Z0-9=;&<>\"' /ễ中😀]{0,6}",
                ],
                0..8,
            ),
        ) {
            let v = parts.concat();
            let doc = |e: &str| format!("<p title=\"{e}\">{e}</p><a href=\"{e}\">{e}</a>");
            let standard = html_escape::encode_double_quoted_attribute(&v)
                .replace('<', "&lt;");
            prop_assert_eq!(minify(&doc(&escaped(&v))), minify(&doc(&standard)));
        }

        /// Any text in any value the main page prints makes the same
        /// document either way.
        #[test]
        fn compact_pages_are_minify_htmls_for_any_text(
            name in "[ a-zA-Z0-9&<>\"';#=·…ễửđ中文😀\t\n]{1,20}",
            title in "[ a-zA-Z&<>\"';#=ễ中😀]{0,20}",
            query in "[a-zA-Z0-9&;#=%]{0,20}",
            theme in prop::sample::select(theme_names()),
        ) {
            let rich = RICH.with(|r| r.clone());
            let (_, renderer, resolved) = rich.1.iter().find(|(t, _, _)| *t == theme).unwrap();
            let mut page = resolved.pages[0].clone();
            page.name = name;
            page.description = title.clone();
            for l in page.groups.iter_mut().flat_map(|g| g.links.iter_mut()).chain(page.featured.iter_mut()) {
                l.title = title.clone();
                l.href = format!("https://a.example/?{query}");
            }
            for p in &mut page.products {
                p.item.title = title.clone();
                p.item.href = format!("https://b.example/?{query}");
                p.coupon = Some(query.clone());
            }
            let (compact, full) = both_ways(renderer, &page);
            if let Err(e) = same(&minify(&compact), &full) {
                prop_assert!(false, "{theme}: {e}");
            }
        }
    }

    thread_local! {
        /// The rich site, rendered by every built-in theme, for every case
        /// of the property.
        #[allow(clippy::type_complexity)]
        static RICH: std::rc::Rc<(tempfile::TempDir, Vec<(&'static str, Renderer, crate::resolve::Resolved)>)> = {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("profile.toml"), RICH_PROFILE).unwrap();
            std::fs::write(dir.path().join("products.toml"), RICH_PRODUCTS).unwrap();
            let themes = theme_names()
                .into_iter()
                .map(|t| {
                    let (r, s) = themed_site(dir.path(), t);
                    (t, r, s)
                })
                .collect();
            std::rc::Rc::new((dir, themes))
        };
    }

    thread_local! {
        /// One site for every case of the property (making it is most of the cost).
        static SITE: (std::rc::Rc<tempfile::TempDir>, std::rc::Rc<Renderer>, crate::resolve::Resolved) = {
            let (d, r, s) = site(None);
            (std::rc::Rc::new(d), std::rc::Rc::new(r), s)
        };
    }
}
