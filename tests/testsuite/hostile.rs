//! The hostile-input corpus: every case under tests/hostile/<case>/ holds a
//! profile.toml and `expected`: either a substring of the error it must
//! cause (exit 1, no panic, nothing written), or `escaped`: it must build,
//! and the output must contain no element, attribute or script the input
//! tried to inject. Some cases are generated here because they are big.

use crate::*;
use std::path::Path;

/// Asserts that no generated HTML carries injected markup, judged by parsing.
fn assert_inert(out: &Path) {
    let mut stack = vec![out.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "html") {
                continue;
            }
            let html = std::fs::read_to_string(&p).unwrap();
            let doc = scraper::Html::parse_document(&html);
            let all = scraper::Selector::parse("*").unwrap();
            for el in doc.select(&all) {
                let v = el.value();
                assert!(
                    !matches!(v.name(), "iframe" | "object" | "embed" | "svg" if v.attr("onload").is_some()),
                    "{}: {}",
                    p.display(),
                    v.name()
                );
                assert!(v.name() != "iframe", "{}: injected iframe", p.display());
                for (name, value) in v.attrs() {
                    assert!(
                        !name.starts_with("on"),
                        "{}: event handler {name}",
                        p.display()
                    );
                    if matches!(name, "href" | "src" | "action") {
                        let lower = value.trim().to_ascii_lowercase();
                        assert!(
                            !lower.starts_with("javascript:") && !lower.starts_with("data:"),
                            "{}: {name}={value}",
                            p.display()
                        );
                    }
                }
                if v.name() == "script" {
                    assert_eq!(
                        v.attr("type"),
                        Some("application/ld+json"),
                        "{}: a script ran",
                        p.display()
                    );
                    let json: String = el.text().collect();
                    serde_json::from_str::<serde_json::Value>(&json)
                        .expect("JSON-LD stays valid JSON");
                }
                if v.name() == "style" {
                    let css: String = el.text().collect();
                    assert!(
                        !css.contains("display:none}") || css.len() > 500,
                        "{}: injected style",
                        p.display()
                    );
                }
            }
            let styles = scraper::Selector::parse("style").unwrap();
            assert!(
                doc.select(&styles).count() <= 1,
                "{}: an injected <style>",
                p.display()
            );
        }
    }
}

fn run_case(dir: &Path, expected: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = build_to(dir, &out, &["-q"]);
    assert!(
        run.code != 101 && !run.stderr.contains("panicked"),
        "{}: panic\n{}",
        dir.display(),
        run.stderr
    );
    if expected == "escaped" {
        assert_eq!(run.code, 0, "{}: {}", dir.display(), run.stderr);
        assert_inert(&out);
    } else {
        assert_eq!(
            run.code,
            1,
            "{}: expected a failure\n{}",
            dir.display(),
            run.stderr
        );
        assert!(
            run.stderr.contains(expected),
            "{}: expected {expected:?} in\n{}",
            dir.display(),
            run.stderr
        );
        assert!(
            run.stderr.contains(" --> "),
            "{}: no location\n{}",
            dir.display(),
            run.stderr
        );
        assert!(
            !out.exists(),
            "{}: a failed build wrote output",
            dir.display()
        );
    }
}

#[test]
fn corpus() {
    let root = repo().join("tests/hostile");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "the corpus shrank");
    for case in cases {
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        run_case(&case, expected.trim());
    }
}

#[test]
fn ten_megabyte_strings_are_refused() {
    let big = "Đ".repeat(5 * 1024 * 1024);
    let f = Fixture::new(&format!("{BASE_PROFILE}bio = \"{big}\"\n"), None);
    run_case(f.path(), "`bio` is 10240 KB long");
}

#[test]
fn invalid_utf8_anywhere() {
    let f = Fixture::new(BASE_PROFILE, None);
    std::fs::write(
        f.path().join("products.toml"),
        b"[[products]]\ntitle = \"\xc3\x28\"\n",
    )
    .unwrap();
    run_case(f.path(), "products.toml:2:10");
}

#[test]
fn images_that_are_not_images() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}avatar = \"images/evil.jpg\"\n"),
        None,
    );
    std::fs::write(f.path().join("images/evil.jpg"), "<svg onload=alert(1)>").unwrap();
    run_case(f.path(), "is not an image biopage can read");
    // a PNG header claiming absurd dimensions
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&u32::MAX.to_be_bytes());
    png.extend_from_slice(&u32::MAX.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(f.path().join("images/evil.jpg"), png).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = biopage(&[
        "build",
        f.path().to_str().unwrap(),
        "-o",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("images/evil.jpg"), "{}", run.stderr);
}

#[test]
fn a_hundred_thousand_links() {
    let mut p = String::from(BASE_PROFILE);
    for i in 0..100_000 {
        p.push_str(&format!(
            "[[links]]\nid = \"l{i}\"\ntitle = \"Link {i}\"\nurl = \"https://x.example/{i}\"\n"
        ));
    }
    let f = Fixture::new(&p, None);
    // check renders without writing: the whole pipeline, with no 100,000 files
    let run = biopage(&[
        "check",
        f.path().to_str().unwrap(),
        "--format",
        "json",
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "page-weight"),
        "a page this big must be flagged"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_profile_assets_out_of_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let f = Fixture::new(BASE_PROFILE, None);
    std::fs::create_dir(f.path().join("static")).unwrap();
    std::os::unix::fs::symlink(outside.path(), f.path().join("static/dir")).unwrap();
    run_case(f.path(), "outside the site directory");
}
