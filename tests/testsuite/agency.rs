//! Agencies: agency.toml defaults, many creators, shards, incremental
//! rebuilds and partial failure.

use crate::*;
use std::path::Path;

/// An agency with `n` creators named c00, c01, … Creator 0 overrides some
/// agency values.
fn agency(n: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        r#"
base_url = "https://bio.example/{handle}/"
language = "vi"
[tracking]
utm_source = "agency"
utm_medium = "bio"
[networks.shopee]
affiliate_id = "999"
"#,
    )
    .unwrap();
    for i in 0..n {
        let h = format!("c{i:02}");
        let cdir = dir.join("creators").join(&h);
        std::fs::create_dir_all(&cdir).unwrap();
        let extra = if i == 0 {
            "language = \"en\"\n[tracking]\nutm_source = \"own\"\n"
        } else {
            ""
        };
        std::fs::write(
            cdir.join("profile.toml"),
            format!("name = \"Creator {i}\"\nhandle = \"{h}\"\n{extra}\n[[links]]\nid = \"l\"\ntitle = \"L\"\nurl = \"https://l.example/{i}\"\n[[links]]\nid = \"s\"\ntitle = \"S\"\nurl = \"https://shopee.vn/{i}\"\n"),
        )
        .unwrap();
        std::fs::write(cdir.join("products.toml"), format!("[[products]]\nid = \"p\"\ntitle = \"P{i}\"\nurl = \"https://shop.example/{i}\"\nprice = {}\n", 1000 * (i + 1))).unwrap();
    }
    tmp
}

fn dir(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    tmp.path().join("agency")
}

/// Puts `line` first in the TOML file at `path`; returns what it held.
fn prepend(path: &Path, line: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{line}\n{text}")).unwrap();
    text
}

fn build_into(agency: &Path, out: &Path, extra: &[&str]) -> Run {
    build_to(agency, out, &[&["-q"], extra].concat())
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn agency_values_are_defaults_that_profiles_override() {
    let tmp = agency(2);
    let out = tmp.path().join("out");
    let run = build_into(&dir(&tmp), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c0 = std::fs::read_to_string(out.join("c00/index.html")).unwrap();
    let c1 = std::fs::read_to_string(out.join("c01/index.html")).unwrap();
    // language: profile (en) over agency (vi)
    assert_eq!(select_attr(&c0, "html", "lang"), vec!["en"]);
    assert_eq!(select_attr(&c1, "html", "lang"), vec!["vi"]);
    // tracking: profile utm_source over agency's; agency medium over built-in
    assert_eq!(
        hrefs(&c0, "a[data-id=l]"),
        vec!["https://l.example/0?utm_source=own&utm_medium=bio&utm_campaign=c00&utm_content=l"]
    );
    assert_eq!(
        hrefs(&c1, "a[data-id=l]"),
        vec!["https://l.example/1?utm_source=agency&utm_medium=bio&utm_campaign=c01&utm_content=l"]
    );
    // networks from the agency apply to every creator
    assert!(hrefs(&c1, "a[data-id=s]")[0].starts_with("https://s.shopee.vn/an_redir?"));
    assert!(hrefs(&c1, "a[data-id=s]")[0].contains("affiliate_id=999"));
    // base_url with {handle}
    assert_eq!(
        select_attr(&c1, "link[rel=canonical]", "href"),
        vec!["https://bio.example/c01/"]
    );
    // agency-wide host files at the root
    let redirects = std::fs::read_to_string(out.join("_redirects")).unwrap();
    assert!(
        redirects.contains("/c00/go/l/ https://l.example/0?"),
        "{redirects}"
    );
    assert!(redirects.contains("/c01/go/p/ "), "{redirects}");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://bio.example/c00/</loc>")
            && sitemap.contains("<loc>https://bio.example/c01/</loc>")
    );
    assert!(out.join("_headers").is_file() && out.join("robots.txt").is_file());
}

#[test]
fn shard_union_equals_the_full_build() {
    let tmp = agency(12);
    let full = tmp.path().join("full");
    assert_eq!(build_into(&dir(&tmp), &full, &[]).code, 0);
    let mut union = Vec::new();
    let mut seen_creators = 0;
    for i in 1..=3 {
        let out = tmp.path().join(format!("shard{i}"));
        let run = build_into(&dir(&tmp), &out, &["--shard", &format!("{i}/3")]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        // each part is an output of its own, with its own marker
        let part: Vec<_> = tree(&out)
            .into_iter()
            .filter(|(p, _)| p != ".biopage-output")
            .collect();
        seen_creators += std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .count();
        for (path, _) in &part {
            assert!(
                !union.iter().any(|(p, _): &(String, Vec<u8>)| p == path),
                "{path} built by two shards"
            );
        }
        union.extend(part);
    }
    union.sort();
    assert_eq!(seen_creators, 12);
    let full: Vec<_> = tree(&full)
        .into_iter()
        .filter(|(p, _)| p != ".biopage-output")
        .collect();
    assert_eq!(
        union, full,
        "the union of the shards differs from the full build"
    );
}

#[test]
fn incremental_rebuild_renders_one_creator_and_equals_a_clean_build() {
    let tmp = agency(6);
    let out = tmp.path().join("out");
    assert_eq!(build_into(&dir(&tmp), &out, &[]).code, 0);
    // change one creator
    let p = dir(&tmp).join("creators/c03/profile.toml");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("title = \"L\"", "title = \"L changed\"");
    std::fs::write(&p, text).unwrap();
    // remove another
    std::fs::remove_dir_all(dir(&tmp).join("creators/c05")).unwrap();
    let run = build_to(&dir(&tmp), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(1 rendered, 4 unchanged)"),
        "{}",
        run.stderr
    );
    let clean = tmp.path().join("clean");
    assert_eq!(build_into(&dir(&tmp), &clean, &[]).code, 0);
    assert_eq!(tree(&out), tree(&clean));
    assert!(!out.join("c05").exists());
    // nothing changed: nothing is rendered
    let run = build_to(&dir(&tmp), &out, &[]);
    assert!(
        run.stderr.contains("(0 rendered, 5 unchanged)"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), tree(&clean));
    // a change of the agency defaults re-renders everyone
    let a = dir(&tmp).join("agency.toml");
    std::fs::write(
        &a,
        std::fs::read_to_string(&a)
            .unwrap()
            .replace("utm_medium = \"bio\"", "utm_medium = \"link\""),
    )
    .unwrap();
    let run = build_to(&dir(&tmp), &out, &[]);
    assert!(
        run.stderr.contains("(5 rendered, 0 unchanged)"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_broken_creator_fails_the_build_and_keep_going_writes_the_rest() {
    let tmp = agency(5);
    std::fs::write(dir(&tmp).join("creators/c02/profile.toml"), "name = \"Broken\"\nhandle = \"c02\"\n[[links]]\ntitle = \"x\"\nurl = \"javascript:alert(1)\"\n").unwrap();
    std::fs::write(
        dir(&tmp).join("creators/c04/products.toml"),
        "[[products]]\ntitle = 5\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = build_into(&dir(&tmp), &out, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("creators/c02/profile.toml:5:7"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("creators/c04/products.toml:2:9"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "a failed agency build writes nothing");

    let run = build_into(&dir(&tmp), &out, &["--keep-going"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("2 creator(s) failed: c02, c04"),
        "{}",
        run.stderr
    );
    assert!(out.join("c00/index.html").is_file() && out.join("c03/index.html").is_file());
    assert!(!out.join("c02").exists() && !out.join("c04").exists());
}

#[test]
fn only_builds_one_creator() {
    let tmp = agency(3);
    let out = tmp.path().join("out");
    let run = build_into(&dir(&tmp), &out, &["--only", "c01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("c01/index.html").is_file());
    assert!(!out.join("c00").exists());
    let run = build_into(&dir(&tmp), &out, &["--only", "c1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no creator \"c1\""), "{}", run.stderr);
}

#[test]
fn handle_must_match_its_folder() {
    let tmp = agency(2);
    let p = dir(&tmp).join("creators/c01/profile.toml");
    std::fs::write(
        &p,
        std::fs::read_to_string(&p)
            .unwrap()
            .replace("handle = \"c01\"", "handle = \"other\""),
    )
    .unwrap();
    let run = build_into(&dir(&tmp), &tmp.path().join("out"), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("does not match its folder creators/c01/"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_agency_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ag");
    assert_eq!(biopage(&["init", "--agency", d.to_str().unwrap()]).code, 0);
    let run = biopage(&["build", d.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mei = std::fs::read_to_string(d.join("public/mei/index.html")).unwrap();
    assert_eq!(select_attr(&mei, "html", "lang"), vec!["zh-Hans"]);
    assert!(d.join("public/linh/index.html").is_file());
}

fn build_at(agency: &Path, out: &Path, date: &str) -> Run {
    build_to(agency, out, &["--date", date])
}

#[test]
fn unchanged_creators_are_rerendered_only_when_a_schedule_boundary_passes() {
    let tmp = agency(4);
    let p = dir(&tmp).join("creators/c01/profile.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        format!("{text}\n[[links]]\nid = \"sale\"\ntitle = \"Sale\"\nurl = \"https://sale.example/\"\nends = 2026-12-01\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = build_at(&dir(&tmp), &out, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("c01/go/sale/index.html").is_file());
    // a later day before the sale ends: nothing to do
    let run = build_at(&dir(&tmp), &out, "2026-11-30");
    assert!(
        run.stderr.contains("(0 rendered, 4 unchanged)"),
        "{}",
        run.stderr
    );
    // the sale has ended: that creator, and only it, changes
    let run = build_at(&dir(&tmp), &out, "2026-12-02");
    assert!(
        run.stderr.contains("(1 rendered, 3 unchanged)"),
        "{}",
        run.stderr
    );
    assert!(!out.join("c01/go/sale").exists());
    let clean = tmp.path().join("clean");
    assert_eq!(build_at(&dir(&tmp), &clean, "2026-12-02").code, 0);
    assert_eq!(tree(&out), tree(&clean));
    // and going back in time brings it back
    let run = build_at(&dir(&tmp), &out, "2026-11-25");
    assert!(
        run.stderr.contains("(1 rendered, 3 unchanged)"),
        "{}",
        run.stderr
    );
    assert!(out.join("c01/go/sale/index.html").is_file());
}

#[test]
fn an_edit_that_changes_no_output_renders_nothing() {
    let tmp = agency(3);
    let out = tmp.path().join("out");
    assert_eq!(build_at(&dir(&tmp), &out, "2026-11-24").code, 0);
    let p = dir(&tmp).join("creators/c02/products.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        format!("# a comment changes the bytes, not the page\n{text}"),
    )
    .unwrap();
    // a file an editor leaves behind is not an input
    std::fs::write(dir(&tmp).join("creators/c01/.profile.toml.swp"), "x").unwrap();
    let run = build_at(&dir(&tmp), &out, "2026-11-24");
    assert!(
        run.stderr.contains("(0 rendered, 3 unchanged)"),
        "{}",
        run.stderr
    );
    // a real edit renders that creator, and only it
    std::fs::write(&p, text.replace("title = \"P2\"", "title = \"P2 new\"")).unwrap();
    let run = build_at(&dir(&tmp), &out, "2026-11-24");
    assert!(
        run.stderr.contains("(1 rendered, 2 unchanged)"),
        "{}",
        run.stderr
    );
    let clean = tmp.path().join("clean");
    assert_eq!(build_at(&dir(&tmp), &clean, "2026-11-24").code, 0);
    assert_eq!(tree(&out), tree(&clean));
}

#[test]
fn go_pages_false_writes_short_links_only_as_redirect_rules() {
    let tmp = agency(3);
    prepend(&dir(&tmp).join("agency.toml"), "go_pages = false");
    // one creator wants its pages back
    prepend(
        &dir(&tmp).join("creators/c01/profile.toml"),
        "go_pages = true",
    );
    let out = tmp.path().join("out");
    let run = build_at(&dir(&tmp), &out, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("c00/go").exists());
    assert!(!out.join("c02/go").exists());
    assert!(out.join("c01/go/l/index.html").is_file());
    let redirects = std::fs::read_to_string(out.join("_redirects")).unwrap();
    for h in ["c00", "c01", "c02"] {
        assert!(
            redirects.contains(&format!("/{h}/go/l/ https://l.example/")),
            "{redirects}"
        );
    }
    // the index still links to its destinations directly
    let index = std::fs::read_to_string(out.join("c00/index.html")).unwrap();
    assert!(index.contains("https://l.example/0"), "{index}");
}

/// Whether the page's CSP (as a browser reads the attribute) names the
/// hash of its `<style>` element's text.
fn style_allowed(html: &str) -> bool {
    use base64::Engine as _;
    use sha2::Digest as _;
    let start = html.find("<style>").expect("a <style>") + "<style>".len();
    let css = &html[start..start + html[start..].find("</style>").unwrap()];
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    select_attr(html, "meta[http-equiv=Content-Security-Policy]", "content")
        .iter()
        .any(|csp| csp.contains(&format!("'sha256-{hash}'")))
}

#[test]
fn minify_html_false_writes_the_templates_output_as_it_is() {
    let tmp = agency(2);
    let a = dir(&tmp).join("agency.toml");
    let text = prepend(&a, "minify_html = false");
    // one creator keeps its pages minified
    prepend(
        &dir(&tmp).join("creators/c01/profile.toml"),
        "minify_html = true",
    );
    let out = tmp.path().join("out");
    let run = build_at(&dir(&tmp), &out, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let (plain, minified) = (read("c00/index.html"), read("c01/index.html"));
    // the template's quotes and line breaks are kept, or minified away
    assert!(plain.contains("<meta name=\"viewport\""), "{plain}");
    assert!(plain.contains(">\n<"), "{plain}");
    assert!(!minified.contains("<meta name=\"viewport\""), "{minified}");
    assert!(read("c00/404.html").contains(">\n<"));
    assert!(!read("c01/404.html").contains(">\n<"));
    for page in [&plain, &minified] {
        // the same tagged links and an inline style the CSP still allows
        assert_eq!(
            hrefs(page, "a[data-id]").len(),
            hrefs(&minified, "a[data-id]").len()
        );
        assert!(style_allowed(page), "{page}");
    }
    assert!(hrefs(&plain, "a[data-id]")
        .iter()
        .any(|h| h.contains("utm_source")));
    // the built-in short-link page is written minified either way
    let go = read("c00/go/l/index.html");
    assert!(go.contains("name=viewport") && !go.contains(">\n<"), "{go}");

    // dropping the setting renders the agency's pages again, minified
    std::fs::write(&a, &text).unwrap();
    let run = build_at(&dir(&tmp), &out, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!read("c00/index.html").contains("<meta name=\"viewport\""));
}

#[test]
fn minify_html_must_be_true_or_false() {
    let tmp = agency(1);
    prepend(&dir(&tmp).join("agency.toml"), "minify_html = \"no\"");
    let run = build_at(&dir(&tmp), &tmp.path().join("out"), "2026-11-24");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("agency.toml:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("true or false"), "{}", run.stderr);
}

#[test]
fn go_pages_must_be_all_products_or_false() {
    let tmp = agency(1);
    let a = dir(&tmp).join("agency.toml");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, format!("go_pages = \"no\"\n{text}")).unwrap();
    let run = build_at(&dir(&tmp), &tmp.path().join("out"), "2026-11-24");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("agency.toml:1:12"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"all\"") && run.stderr.contains("\"products\""),
        "{}",
        run.stderr
    );
    // a number is the wrong type, said as such
    std::fs::write(&a, format!("go_pages = 1\n{text}")).unwrap();
    let run = build_at(&dir(&tmp), &tmp.path().join("out"), "2026-11-24");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("but it is an integer"),
        "{}",
        run.stderr
    );
}

/// An output's `_redirects`, and how many rules it has for c0, c1 and c2.
fn rules_per_creator(out: &Path) -> (String, [usize; 3]) {
    let text = std::fs::read_to_string(out.join("_redirects")).unwrap();
    let mut n = [0; 3];
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let c = line.strip_prefix("/c").and_then(|l| l.chars().next());
        n[c.and_then(|c| c.to_digit(10)).unwrap() as usize] += 1;
    }
    (text, n)
}

#[test]
fn redirects_stop_at_the_host_limit_where_go_pages_answer_the_rest() {
    // Three creators with 700 short links each; c2 has no go/ pages, so its
    // 700 rules are its only short links and must all be written.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("agency");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("agency.toml"),
        "base_url = \"https://bio.example/{handle}/\"\n",
    )
    .unwrap();
    let profile = |c: usize, extra: &str| {
        let mut p = format!("{extra}name = \"C{c}\"\nhandle = \"c{c}\"\n");
        for i in 0..700 {
            p.push_str(&format!(
                "[[links]]\nid = \"l{i:03}\"\ntitle = \"L{i}\"\nurl = \"https://x.example/{c}/{i}\"\n"
            ));
        }
        p
    };
    for c in 0..3 {
        let cdir = d.join(format!("creators/c{c}"));
        std::fs::create_dir_all(&cdir).unwrap();
        let extra = if c == 2 { "go_pages = false\n" } else { "" };
        std::fs::write(cdir.join("profile.toml"), profile(c, extra)).unwrap();
    }
    let out = tmp.path().join("out");
    let run = build_at(&d, &out, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // every pageless rule, and the others in handle order up to 2,000
    let (text, n) = rules_per_creator(&out);
    assert_eq!(n, [700, 600, 700], "{text:.300}");
    assert!(text.contains("\n/c1/go/l599/ https://x.example/1/599"));
    assert!(!text.contains("\n/c1/go/l600/"));
    assert!(
        text.contains("# 100 more short links have a go/<id>/ page"),
        "{text:.300}"
    );
    // ... and those 100 answer through their pages
    assert!(out.join("c1/go/l699/index.html").is_file());
    assert!(!out.join("c2/go").exists());

    // c2 gets its pages: an incremental rebuild now keeps the first 2,000
    // in handle order, as a clean build does
    std::fs::write(d.join("creators/c2/profile.toml"), profile(2, "")).unwrap();
    let run = build_at(&d, &out, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (text, n) = rules_per_creator(&out);
    assert_eq!(n, [700, 700, 600], "{text:.300}");
    assert!(out.join("c2/go/l699/index.html").is_file());
    let clean = tmp.path().join("clean");
    let run = build_at(&d, &clean, "2026-11-24");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(rules_per_creator(&clean).0, text);
}
