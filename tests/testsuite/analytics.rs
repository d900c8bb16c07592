//! `[analytics]`: opt-in, exactly one provider, and a CSP that allows exactly it.

use crate::*;
use base64::Engine as _;
use sha2::Digest;

fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).unwrap() + open.len();
    &html[start..start + html[start..].find(close).unwrap()]
}

#[test]
fn plausible_script_click_reporter_and_policy() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[analytics]\nprovider = \"plausible\"\n[[links]]\nid = \"shop\"\ntitle = \"Shop\"\nurl = \"https://shop.example/\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    let srcs = select_attr(&html, "script[src]", "src");
    assert_eq!(srcs, vec!["https://plausible.io/js/script.js"]);
    assert_eq!(
        select_attr(&html, "script[src]", "data-domain"),
        vec!["linh.example"]
    );
    // the inline reporter is allowed by its hash, in the page and in _headers
    // the inline script carries the creator and channel its click events name
    assert_eq!(
        select_attr(&html, "script:not([src])", "data-handle"),
        vec!["linhreview"]
    );
    assert_eq!(
        select_attr(&html, "script:not([src])", "data-channel"),
        vec!["bio"]
    );
    let tag = between(&html, "<script data-handle", ">");
    let inline = between(&html, &format!("<script data-handle{tag}>"), "</script>");
    assert!(inline.contains("a[data-id]"));
    assert!(inline.len() < 1024);
    let hash = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(inline.as_bytes()))
    );
    let meta = select_attr(&html, "meta[http-equiv=Content-Security-Policy]", "content").remove(0);
    assert!(
        meta.contains(&format!("script-src https://plausible.io {hash}")),
        "{meta}"
    );
    assert!(
        meta.contains("connect-src 'self' https://plausible.io"),
        "{meta}"
    );
    let headers = f.read("_headers");
    assert!(
        headers.contains(&format!("script-src https://plausible.io {hash}")),
        "{headers}"
    );
    // short-link pages stay script-free
    let go = f.read("go/shop/index.html");
    assert!(select_attr(&go, "script", "src").is_empty());
    assert!(
        !select_attr(&go, "meta[http-equiv=Content-Security-Policy]", "content")[0]
            .contains("script-src")
    );
}

#[test]
fn without_analytics_the_page_allows_and_loads_no_script() {
    let f = Fixture::new(BASE_PROFILE, None);
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "script", "type"),
        vec!["application/ld+json"]
    );
    assert!(
        !select_attr(&html, "meta[http-equiv=Content-Security-Policy]", "content")[0]
            .contains("script-src")
    );
    assert!(!f.read("_headers").contains("script-src"));
}

#[test]
fn self_hosted_umami_and_bad_configuration() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[analytics]\nprovider = \"umami\"\nid = \"d3b8c2f4-1111-4c6b-9c1e-0123456789ab\"\nscript = \"/stats/u.js\"\n"),
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "script[src]", "src"),
        vec!["/stats/u.js"]
    );
    assert_eq!(
        select_attr(&html, "script[src]", "data-website-id"),
        vec!["d3b8c2f4-1111-4c6b-9c1e-0123456789ab"]
    );
    assert!(
        select_attr(&html, "meta[http-equiv=Content-Security-Policy]", "content")[0]
            .contains("script-src 'self' 'sha256-")
    );

    let bad = Fixture::new(
        &format!("{BASE_PROFILE}[analytics]\nprovider = \"plausable\"\nidd = 1\n"),
        None,
    );
    let run = bad.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("unknown analytics provider \"plausable\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("profile.toml:7:12"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean \"plausible\"?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown key `idd` in [analytics]"),
        "{}",
        run.stderr
    );
}
