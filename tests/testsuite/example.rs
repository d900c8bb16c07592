//! The example site: it builds, and its page is pinned by snapshots.

use crate::*;

fn build_example() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = build_to(&repo().join("example-site"), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    (tmp, html)
}

/// A readable digest of the page: every heading, link and price, one per
/// line, so a snapshot diff shows what a visitor would see change.
fn digest(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("h1, h2, h3, a, .price, .coupon, .disclosure, img").unwrap();
    let mut out = String::new();
    for e in doc.select(&sel) {
        let v = e.value();
        let text: String = e
            .text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match v.name() {
            "a" => out.push_str(&format!(
                "a[{}] {} -> {}\n",
                v.attr("rel").unwrap_or(""),
                text,
                v.attr("href").unwrap_or("")
            )),
            "img" => out.push_str(&format!(
                "img {} {}x{} alt={:?}\n",
                v.attr("src").unwrap_or(""),
                v.attr("width").unwrap_or(""),
                v.attr("height").unwrap_or(""),
                v.attr("alt").unwrap_or("")
            )),
            name => out.push_str(&format!(
                "{name}.{} {}\n",
                v.attr("class").unwrap_or(""),
                text
            )),
        }
    }
    out
}

#[test]
fn example_page_snapshot() {
    let (_tmp, html) = build_example();
    insta::assert_snapshot!("example_page_digest", digest(&html));
    let ld = texts(&html, "script[type='application/ld+json']");
    let v: serde_json::Value = serde_json::from_str(&ld[0]).unwrap();
    insta::assert_snapshot!(
        "example_page_jsonld",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

#[test]
fn example_page_is_small_and_complete() {
    let (_tmp, html) = build_example();
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(html.as_bytes()).unwrap();
    let size = gz.finish().unwrap().len();
    assert!(
        size <= 14 * 1024,
        "index.html is {size} bytes gzipped, over the 14 KB first round trip"
    );
    assert_eq!(texts(&html, ".card").len(), 12);
    // the scheduled 12.12 sale is not shown on 24 November; Black Friday is
    let ids = select_attr(&html, "#links a", "data-id");
    assert!(ids.contains(&"black-friday".to_string()));
    assert!(!ids.contains(&"sale-12-12".to_string()));
    assert!(!ids.contains(&"old-giveaway".to_string()));
}
