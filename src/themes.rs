//! Themes: the templates and stylesheet a page is rendered with. Built-in
//! themes are embedded in the binary, so `biopage` is one file to install;
//! a site may bring its own under `themes/<name>/`.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::input::Root;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// A theme, ready to hand to the renderer.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub description: String,
    /// (template name, source): `index.html`, and `go.html`, `404.html` or
    /// partials where the theme has its own.
    pub templates: Vec<(String, Cow<'static, str>)>,
    pub css: Cow<'static, str>,
}

struct Builtin {
    name: &'static str,
    description: &'static str,
    templates: &'static [(&'static str, &'static str)],
    /// `themes/shared.css` (the rules every built-in theme shares, such as
    /// the sponsored tag) followed by the theme's own `style.css`.
    css: &'static str,
}

const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "default",
        description: "soft and rounded: profile, links, then a product grid",
        templates: &[(
            "index.html",
            include_str!("../themes/default/templates/index.html"),
        )],
        css: concat!(
            include_str!("../themes/shared.css"),
            include_str!("../themes/default/style.css")
        ),
    },
    Builtin {
        name: "minimal",
        description: "monochrome and typographic: whitespace, links as simple rows",
        templates: &[(
            "index.html",
            include_str!("../themes/minimal/templates/index.html"),
        )],
        css: concat!(
            include_str!("../themes/shared.css"),
            include_str!("../themes/minimal/style.css")
        ),
    },
    Builtin {
        name: "shop",
        description: "shop first: a storefront header, a prominent product grid, compact links",
        templates: &[(
            "index.html",
            include_str!("../themes/shop/templates/index.html"),
        )],
        css: concat!(
            include_str!("../themes/shared.css"),
            include_str!("../themes/shop/style.css")
        ),
    },
    Builtin {
        name: "bold",
        description: "colour blocks, large type and high-contrast buttons",
        templates: &[
            (
                "index.html",
                include_str!("../themes/bold/templates/index.html"),
            ),
            (
                "404.html",
                include_str!("../themes/bold/templates/404.html"),
            ),
        ],
        css: concat!(
            include_str!("../themes/shared.css"),
            include_str!("../themes/bold/style.css")
        ),
    },
];

/// Built-in templates: partials every theme may include, and the short-link
/// and not-found pages, which a theme overrides only when it needs to (tera's
/// fallback finds these when the theme has no template of that name).
pub const PARTIALS: &[(&str, &str)] = &[
    ("head.html", include_str!("../templates/head.html")),
    ("go.html", include_str!("../templates/go.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("base.html", include_str!("../templates/base.html")),
    ("avatar.html", include_str!("../templates/avatar.html")),
    ("bio.html", include_str!("../templates/bio.html")),
    (
        "disclosure.html",
        include_str!("../templates/disclosure.html"),
    ),
    ("footer.html", include_str!("../templates/footer.html")),
    // before links.html, which includes it (tera checks includes as
    // templates are added)
    ("link.html", include_str!("../templates/link.html")),
    ("links.html", include_str!("../templates/links.html")),
    ("product.html", include_str!("../templates/product.html")),
    // after every partial it includes
    ("column.html", include_str!("../templates/column.html")),
];

/// The names of the built-in themes with a one-line description each.
pub fn builtin_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTINS.iter().map(|b| (b.name, b.description))
}

/// Finds a theme: the site's own `themes/<name>/` first, then the built-ins.
/// A local theme is read through the site's [`Root`]: a `themes/<name>`
/// that links out of the site is refused, not followed.
pub fn find(root: Option<&Root>, site_dir: &Path, name: &str) -> Result<Theme, Diagnostic> {
    if let (Some(root), false) = (root, name.is_empty() || name.contains(['/', '\\', '.'])) {
        let local = site_dir.join("themes").join(name);
        match root.dir(&local) {
            Ok(Some(_)) => return load_local(root, &local, name),
            Ok(None) => {}
            Err(e) => return Err(crate::load::refused(&e)),
        }
    }
    builtin(name)
}

/// Whether the site has a theme of its own called `name`.
pub fn is_local(root: Option<&Root>, site_dir: &Path, name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\', '.'])
        && root.is_some_and(|r| {
            r.dir(&site_dir.join("themes").join(name))
                .is_ok_and(|d| d.is_some())
        })
}

/// A template a site brings in its own `templates/` folder.
#[derive(Debug, Clone)]
pub struct SiteTemplate {
    pub name: String,
    pub source: String,
    pub path: PathBuf,
}

/// The `.html` and `.xml` templates directly in a site's `templates/`,
/// sorted by name, each read through the site's [`Root`].
pub fn site_templates(root: &Root, dir: &Path) -> Result<Vec<SiteTemplate>, Diagnostics> {
    let files = root
        .files(dir)
        .map_err(|e| Diagnostics(vec![crate::load::refused(&e)]))?;
    let mut out = Vec::new();
    let mut errors = Diagnostics::default();
    for (path, rel) in files {
        if rel.contains('/') || !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        match root.read_string(&path, crate::input::TEXT_LIMIT) {
            Ok(source) => out.push(SiteTemplate {
                name: rel,
                source,
                path,
            }),
            Err(e) => errors.push(crate::load::refused(&e)),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(out)
}

/// A theme compiled into biopage.
fn builtin(name: &str) -> Result<Theme, Diagnostic> {
    if let Some(b) = BUILTINS.iter().find(|b| b.name == name) {
        return Ok(Theme {
            name: b.name.into(),
            description: b.description.into(),
            templates: b
                .templates
                .iter()
                .map(|(n, s)| (n.to_string(), Cow::Borrowed(*s)))
                .collect(),
            css: Cow::Borrowed(b.css),
        });
    }
    let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
    let help = match did_you_mean(name, names.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!(
            "built-in themes: {}; or create themes/{name}/ in the site",
            names.join(", ")
        ),
    };
    Err(Diagnostic::error(format!("unknown theme \"{name}\"")).help(help))
}

/// A site-local theme: `templates/*.html` and `style.css`; anything it lacks
/// falls back to the default theme.
fn load_local(root: &Root, dir: &Path, name: &str) -> Result<Theme, Diagnostic> {
    // the built-in default, never a themes/default/ of the working directory
    let base = builtin("default")?;
    let mut theme = Theme {
        name: name.into(),
        description: format!("local theme {}", dir.display()),
        ..base
    };
    let css = dir.join("style.css");
    match root.read_string(&css, crate::input::TEXT_LIMIT) {
        Ok(text) => theme.css = Cow::Owned(text),
        Err(e) if e.is_missing() => {}
        Err(e) => return Err(crate::load::refused(&e)),
    }
    let tdir = dir.join("templates");
    let found = match root.dir(&tdir) {
        Ok(Some(_)) => site_templates(root, &tdir).map_err(|d| {
            d.0.into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::error("cannot read the theme"))
        })?,
        Ok(None) => Vec::new(),
        Err(e) => return Err(crate::load::refused(&e)),
    };
    for t in found.into_iter().filter(|t| t.name.ends_with(".html")) {
        theme.templates.retain(|(n, _)| *n != t.name);
        theme.templates.push((t.name, Cow::Owned(t.source)));
    }
    Ok(theme)
}
