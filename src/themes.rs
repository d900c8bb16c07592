//! Themes: the templates and stylesheet a page is rendered with. Built-in
//! themes are embedded in the binary, so `biopage` is one file to install;
//! a site may bring its own under `themes/<name>/`.

use crate::diag::{did_you_mean, Diagnostic};
use std::borrow::Cow;
use std::path::Path;

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
        css: include_str!("../themes/default/style.css"),
    },
    Builtin {
        name: "minimal",
        description: "monochrome and typographic: whitespace, links as simple rows",
        templates: &[(
            "index.html",
            include_str!("../themes/minimal/templates/index.html"),
        )],
        css: include_str!("../themes/minimal/style.css"),
    },
    Builtin {
        name: "shop",
        description: "shop first: a storefront header, a prominent product grid, compact links",
        templates: &[(
            "index.html",
            include_str!("../themes/shop/templates/index.html"),
        )],
        css: include_str!("../themes/shop/style.css"),
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
        css: include_str!("../themes/bold/style.css"),
    },
];

/// Built-in templates: partials every theme may include, and the short-link
/// and not-found pages, which a theme overrides only when it needs to (tera's
/// fallback finds these when the theme has no template of that name).
pub const PARTIALS: &[(&str, &str)] = &[
    ("head.html", include_str!("../templates/head.html")),
    ("go.html", include_str!("../templates/go.html")),
    ("404.html", include_str!("../templates/404.html")),
];

/// The names of the built-in themes with a one-line description each.
pub fn builtin_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTINS.iter().map(|b| (b.name, b.description))
}

/// Finds a theme: the site's own `themes/<name>/` first, then the built-ins.
pub fn find(site_dir: &Path, name: &str) -> Result<Theme, Diagnostic> {
    let local = site_dir.join("themes").join(name);
    if !name.is_empty() && !name.contains(['/', '\\', '.']) && local.is_dir() {
        return load_local(&local, name);
    }
    builtin(name)
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
fn load_local(dir: &Path, name: &str) -> Result<Theme, Diagnostic> {
    // the built-in default, never a themes/default/ of the working directory
    let base = builtin("default")?;
    let mut theme = Theme {
        name: name.into(),
        description: format!("local theme {}", dir.display()),
        ..base
    };
    let css = dir.join("style.css");
    if css.is_file() {
        theme.css = Cow::Owned(
            std::fs::read_to_string(&css)
                .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", css.display())))?,
        );
    }
    let tdir = dir.join("templates");
    if let Ok(entries) = std::fs::read_dir(&tdir) {
        for e in entries.flatten() {
            let p = e.path();
            let Some(fname) = p.file_name().and_then(|f| f.to_str()).map(str::to_string) else {
                continue;
            };
            if !fname.ends_with(".html") {
                continue;
            }
            let src = std::fs::read_to_string(&p)
                .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", p.display())))?;
            theme.templates.retain(|(n, _)| *n != fname);
            theme.templates.push((fname, Cow::Owned(src)));
        }
    }
    Ok(theme)
}
