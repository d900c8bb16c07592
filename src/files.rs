//! The small text files beside the pages: `_headers`, `_redirects`,
//! `sitemap.xml`, `robots.txt` and the favicon. Pure string builders.

use crate::analytics::Analytics;
use crate::resolve::{Redirect, Resolved};

/// `_headers` for Netlify and Cloudflare Pages: a strict policy that allows
/// exactly the page's own inline style and its own images, and nothing else;
/// fingerprinted assets are cached for a year.
pub fn headers(
    root: &str,
    style_hashes: &[String],
    script_hashes: &[String],
    analytics: &[&Analytics],
) -> String {
    format!(
        "{}{root}assets/*\n  Cache-Control: public, max-age=31536000, immutable\n",
        security_headers(root, style_hashes, script_hashes, analytics)
    )
}

/// The security headers alone (agencies: one rule for every creator).
pub fn security_headers(
    root: &str,
    style_hashes: &[String],
    script_hashes: &[String],
    analytics: &[&Analytics],
) -> String {
    let policy = crate::analytics::csp(style_hashes, script_hashes, analytics, true);
    format!(
        "{root}*\n  Content-Security-Policy: {policy}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  X-Frame-Options: DENY\n  Permissions-Policy: camera=(), microphone=(), geolocation=(), browsing-topics=()\n"
    )
}

/// `_redirects`: a 302 per short link. Hosts that honour it answer with a
/// real redirect; elsewhere the `go/<id>/index.html` page does the same job.
pub fn redirects(root: &str, list: &[Redirect]) -> String {
    let mut out = String::from("# biopage short links: /go/<id>/ -> tagged destination\n");
    out.push_str(&redirect_lines(root, list));
    out
}

pub fn redirect_lines(root: &str, list: &[Redirect]) -> String {
    let mut out = String::new();
    for r in list {
        out.push_str(&format!("{root}{} {} 302\n", r.path, r.target));
    }
    out
}

/// The shared root of an agency's `base_url` when its last path segment is
/// `{handle}` ("https://bio.example/{handle}/" → "https://bio.example/");
/// `None` when creators live on hosts of their own.
pub fn agency_root(base_url: &str) -> Option<String> {
    let trimmed = base_url.trim_end_matches('/');
    let root = trimmed.strip_suffix("{handle}")?;
    (!root.contains("{handle}") && root.ends_with('/')).then(|| root.to_string())
}

pub fn sitemap_of(urls: &[&str]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls {
        out.push_str(&format!("  <url><loc>{}</loc></url>\n", xml_escape(u)));
    }
    out.push_str("</urlset>\n");
    out
}

pub fn agency_robots(root: &str) -> String {
    format!("User-agent: *\nDisallow: /*/go/\n\nSitemap: {root}sitemap.xml\n")
}

pub fn sitemap(r: &Resolved) -> String {
    sitemap_of(&[r.base_url.as_str()])
}

pub fn robots(r: &Resolved, root: &str) -> String {
    format!(
        "User-agent: *\nDisallow: {root}go/\n\nSitemap: {}sitemap.xml\n",
        r.base_url
    )
}

/// An SVG favicon: the first letter of the name on the theme's accent.
pub fn favicon(name: &str) -> String {
    let initial: String = name
        .trim()
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "B".into());
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" rx=\"16\" fill=\"#b8124f\"/><text x=\"32\" y=\"44\" font-family=\"system-ui,sans-serif\" font-size=\"36\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">{}</text></svg>\n",
        xml_escape(&initial)
    )
}

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn favicon_escapes_the_initial() {
        assert!(favicon("<script>").contains("&lt;"));
        assert!(favicon("đào").contains(">Đ<"));
    }
}
