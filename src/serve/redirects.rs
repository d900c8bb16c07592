//! The rules of a build's `_redirects` that a static host would apply, so
//! that short links answer in the preview with `go_pages = false` too.
//! Only what biopage writes is understood: an exact path, a destination and
//! a 3xx status (Netlify's default, 301, when none is given); rewrites,
//! placeholders and splats are left alone, and a destination must be an
//! http(s) URL or a path of this site.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse as _, Response};

/// The redirect `rules` give for the request path `path`, if any.
pub fn lookup(rules: &str, path: &str) -> Option<Response> {
    let (status, to) = rule(rules, path)?;
    let location = HeaderValue::from_str(to).ok()?;
    let status = StatusCode::from_u16(status).ok()?;
    Some((status, [(header::LOCATION, location)], format!("{to}\n")).into_response())
}

/// The status and destination of the first rule for `path`. A rule
/// for `/go/x/` also answers `/go/x`, as hosts normalise the slash.
pub fn rule<'a>(rules: &'a str, path: &str) -> Option<(u16, &'a str)> {
    rules.lines().find_map(|line| {
        let line = line.trim();
        if line.starts_with('#') {
            return None;
        }
        let mut fields = line.split_whitespace();
        let (from, to) = (fields.next()?, fields.next()?);
        let status = match fields.next() {
            Some(s) => s.trim_end_matches('!').parse().ok()?,
            None => 301,
        };
        let same =
            from.trim_end_matches('/') == path.trim_end_matches('/') && from.starts_with('/');
        (same && (300..400).contains(&status) && safe(to)).then_some((status, to))
    })
}

fn safe(to: &str) -> bool {
    to.starts_with("https://")
        || to.starts_with("http://")
        || (to.starts_with('/') && !to.starts_with("//"))
}

#[cfg(test)]
mod tests {
    use super::rule;

    const RULES: &str = "# biopage short links\n\
        /go/serum/ https://shop.example/p?a=1&utm_source=bio 302\n\
        /go/old/ /go/serum/\n\
        /go/forced/ https://x.example/ 301!\n\
        /go/rewrite/ /index.html 200\n\
        /go/evil/ javascript:alert(1) 302\n\
        /go/far/ //evil.example/ 302\n\
        /go/short/\n";

    #[test]
    fn exact_paths_with_or_without_the_slash() {
        assert_eq!(
            rule(RULES, "/go/serum/"),
            Some((302, "https://shop.example/p?a=1&utm_source=bio"))
        );
        assert_eq!(rule(RULES, "/go/serum").map(|r| r.0), Some(302));
        assert_eq!(rule(RULES, "/go/seru"), None);
        assert_eq!(rule(RULES, "/go/serum/x"), None);
        assert_eq!(rule(RULES, "/"), None);
    }

    #[test]
    fn status_defaults_to_301_and_force_marks_are_read() {
        assert_eq!(rule(RULES, "/go/old/"), Some((301, "/go/serum/")));
        assert_eq!(
            rule(RULES, "/go/forced/"),
            Some((301, "https://x.example/"))
        );
    }

    #[test]
    fn rewrites_unsafe_destinations_and_short_lines_are_ignored() {
        for path in [
            "/go/rewrite/",
            "/go/evil/",
            "/go/far/",
            "/go/short/",
            "# biopage",
        ] {
            assert_eq!(rule(RULES, path), None, "{path}");
        }
    }
}
