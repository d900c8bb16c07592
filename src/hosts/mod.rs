//! Where the output is published, and what that host needs from it.
//!
//! Hosts differ in what they do with a folder of files: Cloudflare Pages
//! and Netlify read `_redirects` and `_headers`; GitHub Pages reads neither
//! and needs `.nojekyll`; nginx and Caddy redirect any number of short links
//! from a configuration snippet, so they need no page per short link; an S3
//! bucket serves exactly the files uploaded, with the metadata given at
//! upload. `[deploy] host` (or `--host`) names the host; the builders in this
//! module's rooms write its files, pure functions of the rules and headers
//! the build already has, and [`limits`] says what each host accepts.
//!
//! This file is a leaf (the model names [`Host`] and [`GoPages`]); the
//! builders import only `files`' headers and the diagnostics.

pub mod caddy;
pub mod limits;
pub mod nginx;
pub mod s3;
#[cfg(test)]
mod tests;

/// A host biopage knows how to publish to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    Cloudflare,
    Netlify,
    GithubPages,
    Nginx,
    Caddy,
    S3,
    Static,
}

impl Host {
    pub const ALL: [Host; 7] = [
        Host::Cloudflare,
        Host::Netlify,
        Host::GithubPages,
        Host::Nginx,
        Host::Caddy,
        Host::S3,
        Host::Static,
    ];

    /// The name written in `[deploy] host` and `--host`.
    pub fn name(self) -> &'static str {
        match self {
            Host::Cloudflare => "cloudflare",
            Host::Netlify => "netlify",
            Host::GithubPages => "github-pages",
            Host::Nginx => "nginx",
            Host::Caddy => "caddy",
            Host::S3 => "s3",
            Host::Static => "static",
        }
    }

    /// A host's name as people write it: any case, `_` or a space for
    /// `-` (`GitHub_Pages`), and the product names `cloudflare-pages`,
    /// `gh-pages` and `github`. Nothing else: a misspelling gets "did you
    /// mean".
    pub fn parse(name: &str) -> Option<Host> {
        let word: String = name
            .trim()
            .chars()
            .map(|c| match c {
                '_' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let word = match word.as_str() {
            "cloudflare-pages" => "cloudflare",
            "gh-pages" | "github" => "github-pages",
            w => w,
        };
        Host::ALL.into_iter().find(|h| h.name() == word)
    }

    /// The names, for help texts and "did you mean".
    pub fn names() -> Vec<&'static str> {
        Host::ALL.iter().map(|h| h.name()).collect()
    }

    /// Whether the host answers a short link from a rule, with no file at
    /// its path: `_redirects` (Cloudflare Pages, Netlify) or the server's
    /// configuration (nginx, Caddy). Elsewhere a short link needs its page.
    pub fn redirects(self) -> bool {
        matches!(
            self,
            Host::Cloudflare | Host::Netlify | Host::Nginx | Host::Caddy
        )
    }

    /// Whether the host reads `_redirects` and `_headers`.
    pub fn reads_underscore_files(self) -> bool {
        matches!(self, Host::Cloudflare | Host::Netlify)
    }

    /// The short-link pages a host needs unless told otherwise: none where
    /// the server's configuration redirects every short link (nginx, Caddy:
    /// no file, no limit), every one elsewhere. Cloudflare Pages and Netlify
    /// keep the pages too: Cloudflare applies only 2,000 rules, and Netlify
    /// serves a page before an unforced rule; the pages answer the rest.
    pub fn default_go_pages(self) -> GoPages {
        match self {
            Host::Nginx | Host::Caddy => GoPages::None,
            _ => GoPages::All,
        }
    }

    /// The files the host reads from the output root, which nothing else
    /// (a creator's folder, a `static/` file) may take.
    pub fn root_files(self) -> &'static [&'static str] {
        match self {
            Host::Cloudflare | Host::Netlify => &["_headers", "_redirects"],
            Host::GithubPages => &[".nojekyll"],
            Host::Nginx => &[nginx::FILE],
            Host::Caddy => &[caddy::FILE],
            Host::S3 => &[s3::FILE],
            Host::Static => &[],
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every file name any host reads at the root: reserved for biopage.
pub const HOST_FILES: &[&str] = &[
    "_headers",
    "_redirects",
    ".nojekyll",
    nginx::FILE,
    caddy::FILE,
    s3::FILE,
];

/// Which short links get a `go/<id>/` page (`go_pages`): every one, only
/// products' (links are then redirect rules only: the files a Hugo site of
/// the same creators has), or none (rules only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GoPages {
    #[default]
    All,
    Products,
    None,
}

impl GoPages {
    /// How `go_pages` is written: `"all"` (or `true`), `"products"`, `false`.
    pub fn name(self) -> &'static str {
        match self {
            GoPages::All => "\"all\"",
            GoPages::Products => "\"products\"",
            GoPages::None => "false",
        }
    }

    /// The string values `go_pages` takes (besides `true` and `false`).
    pub const WORDS: &'static [&'static str] = &["all", "products"];

    pub fn parse_word(word: &str) -> Option<GoPages> {
        match word {
            "all" => Some(GoPages::All),
            "products" => Some(GoPages::Products),
            _ => None,
        }
    }

    /// Whether a short link of this kind gets a page.
    pub fn page_for(self, product: bool) -> bool {
        match self {
            GoPages::All => true,
            GoPages::Products => product,
            GoPages::None => false,
        }
    }

    /// One byte for the output keys; `All` and `None` are the bytes of the
    /// boolean they replaced, so outputs built before keep their keys.
    pub fn key(self) -> u8 {
        match self {
            GoPages::All => 1,
            GoPages::None => 0,
            GoPages::Products => 2,
        }
    }
}

/// The short links of a site or an agency as host files need them: each
/// part is `_redirects` lines (`<from> <to> 302`, one per short link) and
/// whether those short links have a `go/<id>/` page. Lines come from the
/// build (a creator's from the path the build gives it), never from input.
pub type Parts<'a> = [(&'a str, bool)];

/// One rule of [`Parts`]: (from, to).
pub fn rules<'a>(parts: &'a Parts<'a>) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    parts.iter().flat_map(|(lines, _)| {
        lines.lines().filter_map(|l| {
            let mut it = l.split(' ');
            match (it.next(), it.next()) {
                (Some(from), Some(to)) if !from.starts_with('#') => Some((from, to)),
                _ => None,
            }
        })
    })
}

/// Everything the hosts' root files are made from.
pub struct Inputs<'a> {
    /// The path the site (or the agency) is served at: "/" or "/repo/".
    pub root: &'a str,
    /// Creators' paths below `root`, for an agency (each "/<handle>/" or
    /// below the agency's base path); empty for one site.
    pub creators: &'a [String],
    pub parts: &'a Parts<'a>,
    /// `(name, value)` of the security headers every page gets.
    pub headers: &'a [(&'static str, String)],
    /// `_headers`, as Cloudflare Pages and Netlify read it (already made by
    /// `files`, byte for byte what builds before hosts wrote).
    pub underscore_headers: &'a str,
    /// `_redirects`, likewise.
    pub underscore_redirects: &'a str,
}

/// The files `host` reads at the root of the output (`None`: no host
/// chosen, today's `_headers` and `_redirects`).
pub fn root_files(host: Option<Host>, i: &Inputs) -> Vec<(String, Vec<u8>)> {
    let underscore = || {
        vec![
            (
                "_headers".to_string(),
                i.underscore_headers.as_bytes().to_vec(),
            ),
            (
                "_redirects".to_string(),
                i.underscore_redirects.as_bytes().to_vec(),
            ),
        ]
    };
    match host {
        None | Some(Host::Cloudflare) | Some(Host::Netlify) => underscore(),
        Some(Host::GithubPages) => vec![(".nojekyll".to_string(), Vec::new())],
        Some(Host::Nginx) => vec![(nginx::FILE.to_string(), nginx::snippet(i).into_bytes())],
        Some(Host::Caddy) => vec![(caddy::FILE.to_string(), caddy::snippet(i).into_bytes())],
        // the metadata depends on the files written: see s3::metadata
        Some(Host::S3) | Some(Host::Static) => Vec::new(),
    }
}

/// GitHub Pages: the address of the repository's site, from
/// `GITHUB_REPOSITORY` (`owner/repo`, which GitHub Actions sets). A
/// repository named `<owner>.github.io` is served at the root of that host;
/// any other at `/<repo>/` below `<owner>.github.io`. `None` for anything
/// that is not `owner/repo` of GitHub's allowed characters.
pub fn github_pages_url(repository: &str) -> Option<String> {
    let (owner, repo) = repository.trim().split_once('/')?;
    let name_ok = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.len() <= 100
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(&c))
    };
    if !name_ok(owner, &[]) || !name_ok(repo, &['.', '_']) || repo == "." || repo == ".." {
        return None;
    }
    let owner = owner.to_ascii_lowercase();
    if repo.eq_ignore_ascii_case(&format!("{owner}.github.io")) {
        Some(format!("https://{owner}.github.io/"))
    } else {
        Some(format!("https://{owner}.github.io/{repo}/"))
    }
}
