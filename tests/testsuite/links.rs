//! `biopage links`: the manifest of every outbound link, checked against the
//! pages the build writes, and its CSV against its JSON.

use crate::{biopage, hrefs, repo, Fixture, BASE_PROFILE};
use std::collections::BTreeSet;

const DATE: &str = "2026-11-24";
const COLUMNS: [&str; 10] = [
    "page",
    "channel",
    "id",
    "kind",
    "title",
    "destination",
    "tagged",
    "short",
    "network",
    "sponsored",
];

fn links(dir: &str, extra: &[&str]) -> String {
    let mut args = vec!["links", dir, "--date", DATE];
    args.extend_from_slice(extra);
    let run = biopage(&args);
    assert_eq!(run.code, 0, "biopage {args:?}: {}", run.stderr);
    run.stdout
}

fn json_rows(text: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let v: serde_json::Value = serde_json::from_str(text).expect("links --format json is JSON");
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| r.as_object().expect("an object per row").clone())
        .collect()
}

/// A row's values as CSV would write them.
fn as_strings(row: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| match &row[*c] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(b) => b.to_string(),
            other => panic!("{c}: unexpected {other}"),
        })
        .collect()
}

/// A strict RFC 4180 reader (CRLF records, quoted fields may hold `,`, `"`
/// doubled, CR and LF), independent of the writer under test.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(field.is_empty() && !was_quoted, "a quote inside a field");
                quoted = true;
                was_quoted = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                was_quoted = false;
            }
            '\n' => panic!("a bare LF ends a record"),
            c => {
                assert!(!was_quoted, "text after a closing quote");
                field.push(c);
            }
        }
    }
    assert!(!quoted, "an unterminated quoted field");
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record has no CRLF"
    );
    records
}

/// The outbound links of a page: every `a[href]` to http(s), mailto or tel,
/// except links back into the site itself.
fn outbound(html: &str, base_url: &str) -> BTreeSet<String> {
    hrefs(html, "a[href]")
        .into_iter()
        .filter(|h| h.starts_with("http") || h.starts_with("mailto:") || h.starts_with("tel:"))
        .filter(|h| !h.starts_with(base_url))
        .collect()
}

#[test]
fn manifest_matches_the_links_on_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let example = repo().join("example-site");
    let example = example.to_str().unwrap();
    let run = biopage(&[
        "build",
        example,
        "-o",
        out.to_str().unwrap(),
        "--date",
        DATE,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = json_rows(&links(example, &["--format", "json"]));

    // main page first, then the channel pages in the profile's order
    let mut pages: Vec<String> = Vec::new();
    for r in &rows {
        let page = r["page"].as_str().unwrap().to_string();
        if pages.last() != Some(&page) {
            assert!(!pages.contains(&page), "rows of {page} are not together");
            pages.push(page);
        }
    }
    let base = "https://linh.example/";
    assert_eq!(
        pages,
        ["", "tiktok/", "youtube/", "facebook/"].map(|p| format!("{base}{p}"))
    );

    for page in &pages {
        let rel = &page[base.len()..];
        let html = std::fs::read_to_string(out.join(rel).join("index.html")).unwrap();
        let on_page = outbound(&html, base);
        let in_manifest: BTreeSet<String> = rows
            .iter()
            .filter(|r| r["page"] == page.as_str())
            .map(|r| r["tagged"].as_str().unwrap().to_string())
            .collect();
        let missing: Vec<_> = on_page.difference(&in_manifest).collect();
        let extra: Vec<_> = in_manifest.difference(&on_page).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{page}: on the page but not in the manifest: {missing:#?}\n\
             in the manifest but not on the page: {extra:#?}"
        );
        assert!(on_page.len() > 20, "{page}: only {} links", on_page.len());
    }

    // spot checks: kinds, short links, networks
    let find = |page: &str, id: &str, kind: &str| {
        rows.iter()
            .find(|r| r["page"] == page && r["id"] == id && r["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} {id} on {page}"))
    };
    let serum = find(base, "serum-b5", "product");
    assert_eq!(serum["network"], "shopee");
    assert_eq!(serum["sponsored"], true);
    assert_eq!(serum["short"], "https://linh.example/go/serum-b5/");
    assert_eq!(
        serum["destination"],
        "https://shopee.vn/product/123456789/2345678901?sp_atk=a1b2c3"
    );
    let review = find("https://linh.example/tiktok/", "serum-b5-review", "review");
    assert!(review["tagged"]
        .as_str()
        .unwrap()
        .contains("utm_source=tiktok"));
    let bio = find(base, "bio", "bio");
    assert_eq!(bio["destination"], "https://www.tiktok.com/@linhreview");
    // scheduled and disabled entries are not on the page, so not listed
    assert!(!rows
        .iter()
        .any(|r| r["id"] == "old-giveaway" || r["id"] == "sale-12-12"));
    for r in &rows {
        let kind = r["kind"].as_str().unwrap();
        assert!(
            ["bio", "social", "link", "product", "review", "description"].contains(&kind),
            "{kind}"
        );
        assert_eq!(r.keys().collect::<Vec<_>>().len(), COLUMNS.len(), "{r:?}");
    }
}

#[test]
fn csv_reads_back_as_the_json_rows_and_output_is_stable() {
    let example = repo().join("example-site");
    let example = example.to_str().unwrap();
    let csv = links(example, &[]);
    let json = links(example, &["--format", "json"]);
    assert_eq!(
        csv,
        links(example, &["--format", "csv"]),
        "csv is the default"
    );
    assert_eq!(csv, links(example, &[]), "csv differs between runs");
    assert_eq!(
        json,
        links(example, &["--format", "json"]),
        "json differs between runs"
    );

    let records = parse_csv(&csv);
    assert_eq!(records[0], COLUMNS);
    let rows = json_rows(&json);
    assert_eq!(records.len(), rows.len() + 1);
    for (rec, row) in records[1..].iter().zip(&rows) {
        assert_eq!(rec, &as_strings(row));
    }
}

#[test]
fn csv_quotes_titles_with_commas_quotes_and_newlines() {
    let profile = format!(
        r#"{BASE_PROFILE}
bio = "Hi, see [my \"best\", list](https://blog.example/?a=1&b=2)"

[[links]]
id = "quoted"
title = 'Say "hi", then go'
url = "https://a.example/x?y=1,2"

[[links]]
id = "multiline"
title = """Two
lines"""
url = "https://b.example/"
"#
    );
    let site = Fixture::new(&profile, None);
    let dir = site.path().to_str().unwrap();
    let csv = links(dir, &[]);
    let rows = json_rows(&links(dir, &["--format", "json"]));
    let records = parse_csv(&csv);
    assert_eq!(records.len(), rows.len() + 1);
    for (rec, row) in records[1..].iter().zip(&rows) {
        assert_eq!(rec, &as_strings(row));
    }
    let titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["my \"best\", list", "Say \"hi\", then go", "Two\nlines"]
    );
    assert!(csv.contains("\"Say \"\"hi\"\", then go\""), "{csv}");
    assert_eq!(rows[0]["destination"], "https://blog.example/?a=1&b=2");
    assert!(!site.out().exists(), "links must not write anything");
}

#[test]
fn base_url_and_date_are_honoured() {
    let example = repo().join("example-site");
    let example = example.to_str().unwrap();
    let rows = json_rows(&links(
        example,
        &[
            "--format",
            "json",
            "--base-url",
            "https://preview.example/pr-7/",
        ],
    ));
    assert!(rows.iter().all(|r| r["page"]
        .as_str()
        .unwrap()
        .starts_with("https://preview.example/pr-7/")));
    let serum = rows.iter().find(|r| r["id"] == "serum-b5").unwrap();
    assert_eq!(serum["short"], "https://preview.example/pr-7/go/serum-b5/");
    // on 2026-12-11 the 12.12 sale has started and Black Friday has ended
    let run = biopage(&["links", example, "--date", "2026-12-11"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(",sale-12-12,link,"));
    assert!(!run.stdout.contains(",black-friday,link,"));
}

#[test]
fn input_errors_are_located_and_exit_1() {
    let profile = format!(
        r#"{BASE_PROFILE}
[[links]]
title = "Bad"
url = "javascript:alert(1)"
"#
    );
    let site = Fixture::new(&profile, None);
    let run = biopage(&["links", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("javascript:"), "{}", run.stderr);
    assert!(run.stderr.contains("profile.toml:"), "{}", run.stderr);

    let run = biopage(&["links", site.path().to_str().unwrap(), "--date", "soon"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = biopage(&["links", site.path().to_str().unwrap(), "--format", "xml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let missing = site.path().join("nope");
    let run = biopage(&["links", missing.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// `biopage init --agency` (creators linh and mei), built into `public/`.
fn built_agency() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ag");
    assert_eq!(biopage(&["init", "--agency", d.to_str().unwrap()]).code, 0);
    let run = biopage(&["build", d.to_str().unwrap(), "--date", DATE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (tmp, d)
}

#[test]
fn an_agency_lists_every_creators_links_under_one_header() {
    let (_tmp, d) = built_agency();
    let dir = d.to_str().unwrap();
    let csv = parse_csv(&links(dir, &[]));
    assert_eq!(csv[0], COLUMNS);
    assert_eq!(csv.iter().filter(|r| r[0] == "page").count(), 1);
    let json = json_rows(&links(dir, &["--format", "json"]));
    let from_json: Vec<Vec<String>> = json.iter().map(as_strings).collect();
    assert_eq!(csv[1..], from_json[..]);

    // creator by creator in handle order, each exactly as --only lists it,
    // and each exactly the links on that creator's built page
    let mut expected = Vec::new();
    for h in ["linh", "mei"] {
        let own = json_rows(&links(dir, &["--only", h, "--format", "json"]));
        assert!(!own.is_empty());
        let page = format!("https://bio.example.com/{h}/");
        assert!(own.iter().all(|r| r["page"] == page.as_str()), "{h}");
        let html = std::fs::read_to_string(d.join("public").join(h).join("index.html")).unwrap();
        let tagged: BTreeSet<String> = own
            .iter()
            .map(|r| r["tagged"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(tagged, outbound(&html, &page), "{h}");
        expected.extend(own);
    }
    assert_eq!(json, expected);
}

#[test]
fn an_agency_with_a_broken_creator_prints_no_links() {
    let (_tmp, d) = built_agency();
    let profile = d.join("creators/mei/profile.toml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replacen("https://", "javascript:", 1)).unwrap();
    let run = biopage(&["links", d.to_str().unwrap(), "--date", DATE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("creators/mei/profile.toml:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no links were printed"),
        "{}",
        run.stderr
    );
    // the other creator alone still lists
    assert!(links(d.to_str().unwrap(), &["--only", "linh"]).contains("/linh/"));
    let typo = biopage(&["links", d.to_str().unwrap(), "--only", "lihn"]);
    assert_eq!(typo.code, 1);
    assert!(
        typo.stderr.contains("did you mean \"linh\"?"),
        "{}",
        typo.stderr
    );
    let site = biopage(&[
        "links",
        repo().join("example-site").to_str().unwrap(),
        "--only",
        "linh",
    ]);
    assert_eq!(site.code, 2);
    assert!(
        site.stderr.contains("--only is for agencies"),
        "{}",
        site.stderr
    );
}
