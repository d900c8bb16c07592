//! Deploy targets: `[deploy] host` and `--host`, what each host gets at the
//! output root, `go_pages` per host, the hosts' limits in `check` and
//! `build`. The hosts' own software serves these outputs in
//! scripts/host-checks.sh; here is what needs nothing but Rust.

use crate::*;
use std::path::{Path, PathBuf};

const PRODUCTS: &str = r#"
[[products]]
id = "serum"
title = "Serum"
url = "https://shop.example/serum?a=1"
price = 100000
"#;

/// A site with two links and one product, published at `base` (none: no
/// base_url line), with `extra` settings first.
/// (Keys go first, on line 1; a table such as `[deploy]` goes last.)
fn site(extra: &str, base: Option<&str>) -> Fixture {
    let base = base
        .map(|b| format!("base_url = \"{b}\"\n"))
        .unwrap_or_default();
    let (top, tables) = if extra.starts_with('[') {
        ("", extra)
    } else {
        (extra, "")
    };
    Fixture::new(
        &format!(
            "{top}\n{base}name = \"Linh\"\nhandle = \"linh\"\n{tables}\n[[links]]\nid = \"shop\"\ntitle = \"Shop\"\nurl = \"https://l.example/shop\"\n[[links]]\nid = \"video\"\ntitle = \"Video\"\nurl = \"https://v.example/x?t=1\"\n"
        ),
        Some(PRODUCTS),
    )
}

/// The 1-based line of `profile.toml` that starts with `prefix`.
fn line_of(f: &Fixture, prefix: &str) -> usize {
    read(f.path().join("profile.toml"))
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap()
        + 1
}

fn out_of(f: &Fixture, name: &str) -> PathBuf {
    f.path().join(name)
}

fn build_host(f: &Fixture, host: Option<&str>) -> (PathBuf, Run) {
    let out = out_of(f, &format!("out-{}", host.unwrap_or("default")));
    let mut extra = vec!["-q"];
    if let Some(h) = host {
        extra.extend(["--host", h]);
    }
    let run = build_to(f.path(), &out, &extra);
    (out, run)
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    files
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The tagged URL of a short link, from the default build's `_redirects`.
fn tagged(default_out: &Path, id: &str) -> String {
    read(default_out.join("_redirects"))
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("/go/{id}/ "))
                .and_then(|r| r.strip_suffix(" 302"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no rule for {id}"))
}

#[test]
fn the_default_is_todays_output_and_cloudflare_is_the_same() {
    let f = site("", Some("https://linh.example/"));
    let (default, run) = build_host(&f, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (cf, run) = build_host(&f, Some("cloudflare"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // same bytes, marker included (its id is a digest of the files)
    assert_eq!(tree(&default), tree(&cf));
    for name in [
        "_headers",
        "_redirects",
        "go/shop/index.html",
        "go/serum/index.html",
    ] {
        assert!(default.join(name).is_file(), "{name}");
    }
    assert!(!default.join(".nojekyll").exists());
}

#[test]
fn netlify_forces_its_short_links_over_the_pages() {
    let f = site("", Some("https://linh.example/"));
    let (default, _) = build_host(&f, None);
    let (out, run) = build_host(&f, Some("netlify"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = read(out.join("_redirects"));
    let shop = tagged(&default, "shop");
    assert!(r.contains(&format!("/go/shop/ {shop} 302!\n")), "{r}");
    assert!(!r.contains(" 302\n"), "{r}");
    assert_eq!(read(out.join("_headers")), read(default.join("_headers")));
    assert!(out.join("go/shop/index.html").is_file());
}

#[test]
fn nginx_snippet_redirects_every_short_link_and_needs_no_go_pages() {
    let f = site("", Some("https://linh.example/"));
    let (default, _) = build_host(&f, None);
    let (out, run) = build_host(&f, Some("nginx"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let conf = read(out.join("biopage.nginx.conf"));
    for id in ["shop", "video", "serum"] {
        let url = tagged(&default, id);
        for from in [format!("/go/{id}/"), format!("/go/{id}")] {
            let line = format!("location = \"{from}\" {{ return 302 \"{url}\"; }}");
            assert!(conf.contains(&line), "{line}\n{conf}");
        }
    }
    // the same headers as _headers, sent with every status
    for line in read(default.join("_headers")).lines().skip(1).take(5) {
        let (name, value) = line.trim().split_once(": ").unwrap();
        let want = format!("add_header {name} \"{value}\" always;");
        assert!(conf.contains(&want), "{want}\n{conf}");
    }
    assert!(conf.contains("error_page 404 \"/404.html\";"), "{conf}");
    assert!(conf.contains("location = \"/biopage.nginx.conf\" { return 404; }"));
    assert!(conf.contains("location = \"/.biopage-output\" { return 404; }"));
    // go_pages defaults to false there: no page per short link
    assert!(!out.join("go").exists());
    assert!(!out.join("_redirects").exists() && !out.join("_headers").exists());
    assert!(out.join("404.html").is_file() && out.join("index.html").is_file());
}

#[test]
fn nginx_and_caddy_quote_what_their_parsers_would_expand() {
    let f = Fixture::new(
        "base_url = \"https://linh.example/\"\nname = \"L\"\nhandle = \"linh\"\n[[links]]\nid = \"odd\"\ntitle = \"Odd\"\nurl = \"https://x.example/p?price=$5&q={a}\"\nutm = false\n",
        None,
    );
    let (nginx, run) = build_host(&f, Some("nginx"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let conf = read(nginx.join("biopage.nginx.conf"));
    // nginx has no escape for `$`: %24 means the same in a query
    assert!(
        conf.contains("\"https://x.example/p?price=%245&q={a}\""),
        "{conf}"
    );
    let (caddy, run) = build_host(&f, Some("caddy"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = read(caddy.join("biopage.caddy"));
    assert!(
        file.contains("redir \"/go/odd/\" \"https://x.example/p?price=$5&q=\\{a\\}\" 302"),
        "{file}"
    );
}

#[test]
fn caddy_snippet_has_redirects_headers_errors_and_hides_itself() {
    let f = site("", Some("https://linh.example/"));
    let (default, _) = build_host(&f, None);
    let (out, run) = build_host(&f, Some("caddy"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = read(out.join("biopage.caddy"));
    let serum = tagged(&default, "serum");
    assert!(
        file.contains(&format!("redir \"/go/serum/\" \"{serum}\" 302")),
        "{file}"
    );
    assert!(
        file.contains(&format!("redir \"/go/serum\" \"{serum}\" 302")),
        "{file}"
    );
    assert!(file.contains("handle_errors {"), "{file}");
    assert!(file.contains("rewrite * \"/404.html\""), "{file}");
    assert!(file.contains("X-Frame-Options \"DENY\""), "{file}");
    assert!(file.contains("@biopage_hidden path \"/biopage.caddy\" \"/.biopage-output\""));
    assert!(!out.join("go").exists());
}

#[test]
fn github_pages_gets_nojekyll_no_rule_files_and_the_repository_path() {
    let f = site("[deploy]\nhost = \"github-pages\"\n", None);
    let out = out_of(&f, "gh");
    let run = {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_biopage"))
            .args([
                "build",
                f.path().to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .args(["--date", "2026-11-24", "-q"])
            .env("GITHUB_REPOSITORY", "Linh-Review/bio")
            .output()
            .unwrap();
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into(),
            stderr: String::from_utf8_lossy(&o.stderr).into(),
        }
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(out.join(".nojekyll")).unwrap(), b"");
    assert!(out.join("404.html").is_file());
    assert!(!out.join("_redirects").exists() && !out.join("_headers").exists());
    // every short link is a page: GitHub Pages cannot redirect
    for id in ["shop", "video", "serum"] {
        assert!(out.join(format!("go/{id}/index.html")).is_file(), "{id}");
    }
    let index = read(out.join("index.html"));
    assert_eq!(
        select_attr(&index, "link[rel=canonical]", "href"),
        ["https://linh-review.github.io/bio/"]
    );
    let assets = select_attr(&index, "link[rel=icon]", "href");
    assert!(
        !assets.is_empty() && assets.iter().all(|a| a.starts_with("/bio/")),
        "{assets:?}"
    );

    // a user site (<owner>.github.io) is served at the root
    let out2 = out_of(&f, "gh2");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_biopage"))
        .args([
            "build",
            f.path().to_str().unwrap(),
            "-o",
            out2.to_str().unwrap(),
        ])
        .args(["--date", "2026-11-24", "-q"])
        .env("GITHUB_REPOSITORY", "linh-review/linh-review.github.io")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        select_attr(
            &read(out2.join("index.html")),
            "link[rel=canonical]",
            "href"
        ),
        ["https://linh-review.github.io/"]
    );

    // without the variable (and no base_url) the address is still missing
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_biopage"))
        .args([
            "build",
            f.path().to_str().unwrap(),
            "-o",
            out_of(&f, "gh3").to_str().unwrap(),
        ])
        .args(["--date", "2026-11-24", "-q"])
        .env_remove("GITHUB_REPOSITORY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no base_url"));
}

#[test]
fn s3_lists_every_file_with_its_metadata_and_static_writes_no_host_file() {
    let f = site("", Some("https://linh.example/"));
    let (out, run) = build_host(&f, Some("s3"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let meta: serde_json::Value = serde_json::from_str(&read(out.join("biopage.s3.json"))).unwrap();
    let files = meta["files"].as_object().unwrap();
    let on_disk: Vec<String> = tree(&out)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p != "biopage.s3.json" && p != ".biopage-output")
        .collect();
    let mut listed: Vec<String> = files.keys().cloned().collect();
    listed.sort();
    assert_eq!(listed, on_disk);
    assert_eq!(
        files["index.html"]["content_type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(
        files["go/shop/index.html"]["cache_control"],
        "public, max-age=300"
    );
    let asset = listed.iter().find(|p| p.starts_with("assets/og.")).unwrap();
    assert_eq!(files[asset]["content_type"], "image/png");
    assert!(files[asset]["cache_control"]
        .as_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(meta["exclude"][0], "biopage.s3.json");
    assert!(!out.join("_redirects").exists());

    let (out, run) = build_host(&f, Some("static"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("go/video/index.html").is_file());
    for host_file in [
        "_redirects",
        "_headers",
        ".nojekyll",
        "biopage.nginx.conf",
        "biopage.caddy",
        "biopage.s3.json",
    ] {
        assert!(!out.join(host_file).exists(), "{host_file}");
    }
}

#[test]
fn go_pages_products_gives_only_products_a_page() {
    let f = site("go_pages = \"products\"", Some("https://linh.example/"));
    let (out, run) = build_host(&f, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("go/serum/index.html").is_file());
    assert!(!out.join("go/shop").exists() && !out.join("go/video").exists());
    // every short link keeps its rule, pageless ones first in line
    let r = read(out.join("_redirects"));
    for id in ["shop", "video", "serum"] {
        assert!(r.contains(&format!("/go/{id}/ ")), "{r}");
    }
    // on Cloudflare, the links without a folder get their slash from one rule
    let (cf, _) = build_host(&f, Some("cloudflare"));
    assert!(read(cf.join("_redirects")).ends_with("/go/:id /go/:id/ 301\n"));
    // `true` is "all"
    let f = site("go_pages = true", Some("https://linh.example/"));
    let (out, run) = build_host(&f, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("go/shop/index.html").is_file());
}

#[test]
fn go_pages_that_cannot_work_on_the_host_is_an_error_at_its_line() {
    for (setting, host) in [
        ("go_pages = false", "github-pages"),
        ("go_pages = \"products\"", "static"),
        ("go_pages = false", "s3"),
    ] {
        let f = site(setting, Some("https://linh.example/"));
        let (_, run) = build_host(&f, Some(host));
        assert_eq!(run.code, 1, "{setting} on {host}: {}", run.stderr);
        assert!(run.stderr.contains("profile.toml:1:12"), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("cannot work on {host}")),
            "{}",
            run.stderr
        );
        // and check says the same
        let c = biopage(&[
            "check",
            f.path().to_str().unwrap(),
            "--host",
            host,
            "--date",
            "2026-11-24",
        ]);
        assert_eq!(c.code, 1, "{}", c.stderr);
    }
    // on a host that redirects, it is fine
    let f = site("go_pages = false", Some("https://linh.example/"));
    assert_eq!(build_host(&f, Some("nginx")).1.code, 0);
}

#[test]
fn unknown_hosts_and_deploy_keys_are_located_errors_with_a_suggestion() {
    let f = site(
        "[deploy]\nhost = \"netlfy\"\nprovider = \"x\"\n",
        Some("https://linh.example/"),
    );
    let (_, run) = build_host(&f, None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("unknown host \"netlfy\""),
        "{}",
        run.stderr
    );
    let at = format!("profile.toml:{}:8", line_of(&f, "host = "));
    assert!(run.stderr.contains(&at), "{at}: {}", run.stderr);
    assert!(
        run.stderr.contains("did you mean \"netlify\"?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown key `provider` in [deploy]"),
        "{}",
        run.stderr
    );
    // on the command line: a usage error, with the suggestion
    let f = site("", Some("https://linh.example/"));
    let (_, run) = build_host(&f, Some("ngnix"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean \"nginx\"?"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_command_line_beats_the_profile_which_names_the_host() {
    let f = site(
        "[deploy]\nhost = \"nginx\"\n",
        Some("https://linh.example/"),
    );
    let (out, run) = build_host(&f, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("biopage.nginx.conf").is_file() && !out.join("go").exists());
    let (out, run) = build_host(&f, Some("caddy"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("biopage.caddy").is_file() && !out.join("biopage.nginx.conf").exists());
}

#[test]
fn host_limits_are_warnings_with_codes_and_numbers() {
    // 2,100 links without a page: past Cloudflare's 2,000 rules
    let mut profile = String::from(
        "go_pages = false\nbase_url = \"https://linh.example/\"\nname = \"L\"\nhandle = \"linh\"\n",
    );
    for i in 0..2100 {
        profile.push_str(&format!(
            "[[links]]\nid = \"l{i}\"\ntitle = \"L{i}\"\nurl = \"https://l.example/{i}\"\n"
        ));
    }
    let f = Fixture::new(&profile, None);
    let c = biopage(&[
        "check",
        f.path().to_str().unwrap(),
        "--host",
        "cloudflare",
        "--date",
        "2026-11-24",
        "--format",
        "json",
    ]);
    let findings: serde_json::Value = serde_json::from_str(&c.stdout).unwrap();
    let codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"host-redirects"), "{codes:?}");
    let msg = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "host-redirects")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("2,100") && msg.contains("2,000"), "{msg}");
    // the same output is fine for nginx, which takes any number of rules
    let c = biopage(&[
        "check",
        f.path().to_str().unwrap(),
        "--host",
        "nginx",
        "--date",
        "2026-11-24",
        "--deny-warnings",
    ]);
    assert!(!c.stderr.contains("host-"), "{}", c.stderr);
    // build warns too, before anything is uploaded
    let out = out_of(&f, "out");
    let run = build_to(f.path(), &out, &["--host", "cloudflare"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[host-redirects]"),
        "{}",
        run.stderr
    );
}

/// An agency of `n` creators with a link and a product each.
fn agency(n: usize, agency_toml: &str) -> tempfile::TempDir {
    agency_of(n, agency_toml, 1)
}

/// An agency of `n` creators with `links` links (the first `l`, then
/// `l1`, `l2` …) and a product each.
fn agency_of(n: usize, agency_toml: &str, links: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        format!("base_url = \"https://bio.example/{{handle}}/\"\n{agency_toml}\n"),
    )
    .unwrap();
    for i in 0..n {
        let h = format!("c{i:02}");
        let c = dir.join("creators").join(&h);
        std::fs::create_dir_all(&c).unwrap();
        let mut profile = format!("name = \"C{i}\"\nhandle = \"{h}\"\n");
        for k in 0..links {
            let (id, path) = match k {
                0 => ("l".to_string(), i.to_string()),
                k => (format!("l{k}"), format!("{i}/{k}")),
            };
            profile.push_str(&format!(
                "[[links]]\nid = \"{id}\"\ntitle = \"L\"\nurl = \"https://l.example/{path}\"\n"
            ));
        }
        std::fs::write(c.join("profile.toml"), profile).unwrap();
        std::fs::write(
            c.join("products.toml"),
            format!("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://p.example/{i}\"\n"),
        )
        .unwrap();
    }
    tmp
}

#[test]
fn agency_root_files_come_from_each_creators_path_for_every_host() {
    let tmp = agency(2, "[deploy]\nhost = \"nginx\"\n");
    let dir = tmp.path().join("agency");
    // a creator writing its own base_url elsewhere is refused as before; one
    // naming another host is refused too: the agency publishes as one
    let p = dir.join("creators/c01/profile.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{text}\n[deploy]\nhost = \"caddy\"\n")).unwrap();
    let out = tmp.path().join("out");
    let run = build_to(&dir, &out, &["-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("agency.toml publishes to nginx"),
        "{}",
        run.stderr
    );
    std::fs::write(&p, text).unwrap();

    let run = build_to(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let conf = read(out.join("biopage.nginx.conf"));
    assert!(
        conf.contains("location = \"/c00/go/l/\" { return 302 \"https://l.example/0?"),
        "{conf}"
    );
    assert!(
        conf.contains("location = \"/c01/go/p\" { return 302 \"https://p.example/1?"),
        "{conf}"
    );
    assert!(conf.contains("error_page 404 @biopage_404;"), "{conf}");
    assert!(!out.join("c00/go").exists() && !out.join("_redirects").exists());
    // the summary gives files and bytes per creator
    assert!(run.stderr.contains("per creator"), "{}", run.stderr);

    // a host change rebuilds every creator (the host is in the build's
    // context); building again changes nothing
    let run = build_to(&dir, &out, &["--host", "cloudflare"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(2 rendered, 0 unchanged)"),
        "{}",
        run.stderr
    );
    assert!(out.join("c00/go/l/index.html").is_file() && out.join("_redirects").is_file());
    assert!(!out.join("biopage.nginx.conf").exists());
    let run = build_to(&dir, &out, &["--host", "cloudflare"]);
    assert!(
        run.stderr.contains("(0 rendered, 2 unchanged)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_split_shard_is_a_deployment_of_its_own() {
    let tmp = agency(6, "");
    let dir = tmp.path().join("agency");
    let mut seen = Vec::new();
    for i in 1..=2 {
        let out = tmp.path().join(format!("shard{i}"));
        let shard = format!("{i}/2");
        let run = build_to(
            &dir,
            &out,
            &["-q", "--shard", &shard, "--split", "--host", "cloudflare"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let mine: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let rules = read(out.join("_redirects"));
        for line in rules.lines().filter(|l| !l.starts_with('#')) {
            let handle = line.trim_start_matches('/').split('/').next().unwrap();
            assert!(
                mine.iter().any(|m| m == handle),
                "{line} is not in shard {i}: {mine:?}"
            );
        }
        assert!(!mine.is_empty());
        seen.extend(mine);
    }
    seen.sort();
    assert_eq!(seen, ["c00", "c01", "c02", "c03", "c04", "c05"]);
    // --split needs --shard
    let run = build_to(&dir, &tmp.path().join("x"), &["--split"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn host_names_are_read_in_any_case_and_go_pages_may_sit_in_deploy() {
    // the flag and the key take the name as people write it
    let f = site("", Some("https://linh.example/"));
    let (out, run) = build_host(&f, Some("NGINX"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("biopage.nginx.conf").is_file());
    let f = site(
        "[deploy]\nhost = \"Caddy\"\ngo_pages = false\n",
        Some("https://linh.example/"),
    );
    let (out, run) = build_host(&f, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("biopage.caddy").is_file());
    // go_pages in [deploy] means what it means at the top level
    let f = site(
        "[deploy]\nhost = \"cloudflare\"\ngo_pages = \"products\"\n",
        Some("https://linh.example/"),
    );
    let (out, run) = build_host(&f, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("go/serum/index.html").is_file() && !out.join("go/shop").exists());
    // in both places: an error at the second, not a silent choice
    let f = site("go_pages = \"all\"", Some("https://linh.example/"));
    let p = f.path().join("profile.toml");
    let text = read(p.clone());
    std::fs::write(&p, format!("{text}\n[deploy]\ngo_pages = false\n")).unwrap();
    let (_, run) = build_host(&f, None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("`go_pages` is set twice"),
        "{}",
        run.stderr
    );
    let at = format!("profile.toml:{}:12", line_of(&f, "go_pages = false"));
    assert!(run.stderr.contains(&at), "{at}: {}", run.stderr);
}

#[test]
fn a_creator_naming_the_host_given_by_the_flag_agrees_with_it() {
    let tmp = agency(2, "[deploy]\nhost = \"nginx\"\n");
    let dir = tmp.path().join("agency");
    let p = dir.join("creators/c01/profile.toml");
    let text = read(p.clone());
    std::fs::write(&p, format!("{text}\n[deploy]\nhost = \"cloudflare\"\n")).unwrap();
    let out = tmp.path().join("out");
    let run = build_to(&dir, &out, &["-q", "--host", "cloudflare"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("_redirects").is_file());
    // another host than the flag's is still refused, naming the flag
    let run = build_to(&dir, &out, &["-q", "--host", "caddy"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("publishes to caddy (--host)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_split_shard_counts_its_own_rules_and_creators() {
    // 12 creators with 250 pageless short links each (and a product): over
    // 3,000 rules, past Cloudflare's 2,000 for the whole agency, and under
    // it per quarter
    let tmp = agency_of(12, "go_pages = false", 250);
    let dir = tmp.path().join("agency");
    let run = build_to(&dir, &tmp.path().join("all"), &["--host", "cloudflare"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("host-redirects"), "{}", run.stderr);
    for i in 1..=4 {
        let out = tmp.path().join(format!("s{i}"));
        let shard = format!("{i}/4");
        let run = build_to(
            &dir,
            &out,
            &["--shard", &shard, "--split", "--host", "cloudflare"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let rules = read(out.join("_redirects"))
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert!(rules <= 2000, "shard {i}: {rules} rules");
        assert!(
            !run.stderr.contains("host-redirects"),
            "shard {i}: {}",
            run.stderr
        );
        // the per-creator figures are this shard's: its files over its creators
        let creators: f64 = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .count() as f64;
        let files = walk(&out).len() as f64;
        let want = format!("{:.1} files and", files / creators);
        assert!(run.stderr.contains(&want), "{want}: {}", run.stderr);
    }
}

#[test]
fn an_agencys_assets_are_cached_for_a_year_on_cloudflare_and_netlify() {
    let tmp = agency(3, "");
    let dir = tmp.path().join("agency");
    for host in ["cloudflare", "netlify"] {
        let out = tmp.path().join(host);
        let run = build_to(&dir, &out, &["--host", host]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let headers = read(out.join("_headers"));
        assert!(
            headers.contains(
                "\n/:handle/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n"
            ),
            "{headers}"
        );
        // the rule as both hosts read it (a placeholder is one path
        // segment, `*` the rest; scripts/host-checks.sh asks workerd and
        // Netlify's parser): every creator's assets, and nothing else
        let cached = |url: &str| {
            let mut parts = url.split('/');
            parts.next() == Some("")
                && parts.next().is_some_and(|h| !h.is_empty())
                && parts.next() == Some("assets")
        };
        let mut assets = 0;
        for file in walk(&out) {
            let rel = file
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let is_asset = rel.split('/').nth(1) == Some("assets");
            assets += usize::from(is_asset);
            assert_eq!(cached(&format!("/{rel}")), is_asset, "{rel}");
        }
        assert!(assets >= 3, "{assets} assets");
    }
    // under a base path, the rule is under it too
    let sub = agency(1, "");
    let dir = sub.path().join("agency");
    std::fs::write(
        dir.join("agency.toml"),
        "base_url = \"https://bio.example/team/{handle}/\"\n",
    )
    .unwrap();
    let out = sub.path().join("out");
    let run = build_to(&dir, &out, &["--host", "netlify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        read(out.join("_headers")).contains("\n/team/:handle/assets/*\n"),
        "{}",
        read(out.join("_headers"))
    );
}
