//! The small text files beside the pages: `_headers`, `_redirects`,
//! `sitemap.xml`, `robots.txt` and the favicon. Pure string builders.

use crate::analytics::Analytics;
use crate::resolve::{Redirect, Resolved};

/// `_headers` for Netlify and Cloudflare Pages: a strict policy on every
/// path under `root` that allows exactly the pages' own inline styles and
/// scripts and their own images, and nothing else; and `assets`, the
/// pattern of the fingerprinted assets, cached for a year. A site's assets
/// are `{root}assets/*`; an agency's `{root}:handle/assets/*`, one rule for
/// every creator (`:handle` matches one path segment on Cloudflare Pages and
/// on Netlify alike; both hosts allow few header rules, so not one per
/// creator), with its policy on every path (`root` "/").
pub fn headers(
    root: &str,
    assets: &str,
    style_hashes: &[String],
    script_hashes: &[String],
    analytics: &[&Analytics],
) -> String {
    let mut out = format!("{root}*\n");
    for (name, value) in security_header_list(style_hashes, script_hashes, analytics) {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out.push_str(&format!("{assets}\n  Cache-Control: {ASSET_CACHE}\n"));
    out
}

/// The security headers every page gets, as (name, value): one list for
/// `_headers` and the nginx and Caddy snippets, so every host sends the same.
pub fn security_header_list(
    style_hashes: &[String],
    script_hashes: &[String],
    analytics: &[&Analytics],
) -> Vec<(&'static str, String)> {
    let policy = crate::analytics::csp(style_hashes, script_hashes, analytics, true);
    vec![
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff".into()),
        ("Referrer-Policy", "strict-origin-when-cross-origin".into()),
        ("X-Frame-Options", "DENY".into()),
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), browsing-topics=()".into(),
        ),
    ]
}

/// How long fingerprinted `assets/*` may be cached: a year, never revalidated.
pub const ASSET_CACHE: &str = "public, max-age=31536000, immutable";

/// Cloudflare Pages applies the first 2,000 static rules of `_redirects` and
/// skips the rest (workers-sdk's `MAX_STATIC_REDIRECT_RULES`).
pub const REDIRECT_LIMIT: usize = 2000;

/// `_redirects` of one site: a 302 per short link. Hosts that honour it
/// answer with a real redirect; elsewhere the `go/<id>/index.html` page does
/// the same job (see [`capped_redirects`] for how many lines are written).
pub fn redirects(root: &str, list: &[Redirect], go_pages: bool) -> String {
    let lines = redirect_lines(root, list);
    capped_redirects(SITE_REDIRECTS_HEADER, &[(lines.as_str(), go_pages)])
}

/// The first line of a site's `_redirects`.
pub const SITE_REDIRECTS_HEADER: &str = "# biopage short links: /go/<id>/ -> tagged destination\n";

/// `_redirects` from each creator's lines, with whether that creator has
/// `go/<id>/` pages. Lines of short links without a page are all written:
/// they are the only way those links work. Lines of short links that have a
/// page are written only up to [`REDIRECT_LIMIT`] rules in all, because no
/// host gains from more: Cloudflare Pages skips every rule past the 2,000th,
/// Netlify serves the existing page rather than an unforced rule, and Netlify
/// warns that a deploy whose redirect rules are too large may fail, which an
/// agency's one line per short link (350,000 for 10,000 creators) would risk.
/// The first ones in the given order are kept, which are the ones
/// Cloudflare Pages would have applied.
pub fn capped_redirects(header: &str, parts: &[(&str, bool)]) -> String {
    let pageless: usize = parts
        .iter()
        .filter(|(_, go_pages)| !go_pages)
        .map(|(lines, _)| lines.lines().count())
        .sum();
    let mut budget = REDIRECT_LIMIT.saturating_sub(pageless);
    let mut kept = String::new();
    let mut left_out = 0usize;
    for (lines, go_pages) in parts {
        if !go_pages {
            kept.push_str(lines);
            continue;
        }
        for line in lines.lines() {
            if budget > 0 {
                budget -= 1;
                kept.push_str(line);
                kept.push('\n');
            } else {
                left_out += 1;
            }
        }
    }
    let mut out = String::with_capacity(header.len() + kept.len() + 200);
    out.push_str(header);
    if left_out > 0 {
        out.push_str(&format!(
            "# {left_out} more short links have a go/<id>/ page and no rule here: Cloudflare Pages applies at most {REDIRECT_LIMIT} rules\n"
        ));
    }
    out.push_str(&kept);
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

    fn lines(prefix: &str, n: usize) -> String {
        (0..n)
            .map(|i| format!("/{prefix}/go/{i}/ https://x.example/{i} 302\n"))
            .collect()
    }

    #[test]
    fn redirects_under_the_limit_are_all_written() {
        let (a, b) = (lines("a", 1500), lines("b", 500));
        let out = capped_redirects("# h\n", &[(&a, true), (&b, true)]);
        assert_eq!(out, format!("# h\n{a}{b}"));
    }

    #[test]
    fn rules_without_a_page_are_written_past_the_limit_and_crowd_out_the_others() {
        let (a, b, c) = (lines("a", 10), lines("b", 2500), lines("c", 10));
        let out = capped_redirects("# h\n", &[(&a, true), (&b, false), (&c, true)]);
        assert_eq!(
            out,
            format!("# h\n# 20 more short links have a go/<id>/ page and no rule here: Cloudflare Pages applies at most 2000 rules\n{b}")
        );
    }

    #[test]
    fn rules_with_a_page_stop_at_the_limit_in_order() {
        let (a, b) = (lines("a", 1999), lines("b", 3));
        let out = capped_redirects("# h\n", &[(&a, true), (&b, true)]);
        let rules: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(rules.len(), REDIRECT_LIMIT);
        assert_eq!(rules.last(), Some(&"/b/go/0/ https://x.example/0 302"));
        assert!(out.contains("# 2 more short links"));
    }

    #[test]
    fn favicon_escapes_the_initial() {
        assert!(favicon("<script>").contains("&lt;"));
        assert!(favicon("đào").contains(">Đ<"));
    }
}
