//! `biopage check`: every warning code, the JSON format, exit statuses, and
//! `--online` against a server on 127.0.0.1 that the test starts.

use crate::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

fn check(dir: &std::path::Path, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut args = vec![
        "check",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--date",
        "2026-11-24",
    ];
    args.extend_from_slice(extra);
    let run = biopage(&args);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run.code, findings)
}

fn codes(findings: &[serde_json::Value]) -> Vec<String> {
    let mut c: Vec<String> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn every_warning_code_with_its_location() {
    let f = Fixture::new(
        &format!(
            r#"{BASE_PROFILE}
[tracking]
utm_medium = "Link In Bio"
utm_content = "{{idd}}"
[disclosure]
text = ""
[networks.amazon]
tag = "linh"
[[links]]
id = "old"
title = "Old"
url = "https://a.example/old"
ends = 2026-11-01
[[links]]
id = "soon"
title = "Soon"
url = "https://a.example/soon"
starts = 2026-12-01
[[links]]
id = "plain"
title = "Plain"
url = "http://a.example/"
[[links]]
id = "twice"
title = "Twice"
url = "http://a.example/"
sponsored = true
"#
        ),
        Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://s.example/p\"\nimage = \"images/serum-b5.jpg\"\nimage_alt = \"image\"\n"),
    );
    let (code, findings) = check(f.path(), &[]);
    assert_eq!(code, 0, "warnings alone do not fail: {findings:#?}");
    assert_eq!(
        codes(&findings),
        vec![
            "duplicate-destination",
            "expired",
            "image-alt",
            "insecure-url",
            "missing-disclosure",
            "network-config",
            "not-started",
            "unknown-placeholder",
            "utm-normalized"
        ]
    );
    let expired = findings.iter().find(|f| f["code"] == "expired").unwrap();
    assert_eq!(expired["severity"], "warning");
    assert_eq!(expired["line"], 18);
    assert_eq!(expired["column"], 8);
    assert!(expired["file"].as_str().unwrap().ends_with("profile.toml"));
    assert!(expired["help"].as_str().unwrap().contains("ends"));
    let amazon = findings
        .iter()
        .find(|f| f["code"] == "network-config")
        .unwrap();
    assert_eq!(amazon["line"], 13);
    // --deny-warnings turns them into a failure
    let (code, _) = check(f.path(), &["--deny-warnings"]);
    assert_eq!(code, 1);
    assert!(!f.out().exists(), "check writes nothing");
}

#[test]
fn errors_are_findings_too() {
    let f = Fixture::new(
        &format!(
            "{BASE_PROFILE}\n[[links]]\ntitle = \"x\"\nurl = \"javascript:alert(1)\"\nbogus = 1\n"
        ),
        None,
    );
    let (code, findings) = check(f.path(), &[]);
    assert_eq!(code, 1);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 2, "{findings:#?}");
    assert!(errors.iter().any(|e| e["code"] == "error"
        && e["line"] == 10
        && e["message"]
            .as_str()
            .unwrap()
            .contains("unknown key `bogus`")));
    // human format: rustc style on stderr
    let run = biopage(&["check", f.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("profile.toml:9:7"), "{}", run.stderr);
    assert!(run.stderr.contains("2 error(s)"), "{}", run.stderr);
}

#[test]
fn large_images_and_heavy_pages() {
    let mut products = String::new();
    for i in 0..200 {
        products.push_str(&format!("[[products]]\nid = \"p{i}\"\ntitle = \"Sản phẩm số {i} — mô tả dài cho trang nặng\"\nurl = \"https://shop.example/p/{i}?ref=abc{i}\"\nprice = {}\ncoupon = \"CODE{i}\"\ndescription = \"Mô tả **{i}** khác nhau {i}{i}{i}\"\n", 1000 * i));
    }
    let f = Fixture::new(
        &format!("{BASE_PROFILE}avatar = \"images/big.png\"\n"),
        Some(&products),
    );
    // 1600x1600 of noise: an honest PNG of more than 5 MB
    let mut img = image::RgbImage::new(1600, 1600);
    let mut x: u32 = 12345;
    for p in img.pixels_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *p = image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8]);
    }
    img.save(f.path().join("images/big.png")).unwrap();
    assert!(
        std::fs::metadata(f.path().join("images/big.png"))
            .unwrap()
            .len()
            > 5 * 1024 * 1024
    );
    // the avatar is not a product image: large-image applies to products; use one
    std::fs::write(
        f.path().join("products.toml"),
        format!("{products}[[products]]\nid = \"big\"\ntitle = \"Big\"\nurl = \"https://shop.example/big\"\nimage = \"images/big.png\"\nimage_alt = \"A big noisy picture\"\n"),
    )
    .unwrap();
    let (_, findings) = check(f.path(), &[]);
    let c = codes(&findings);
    assert!(c.contains(&"large-image".to_string()), "{c:?}");
    assert!(c.contains(&"page-weight".to_string()), "{c:?}");
}

/// Three creators with 700 short links each: 2,100 rules in all.
fn agency_with_2100_short_links(agency_toml: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("agency.toml"),
        format!("{agency_toml}base_url = \"https://bio.example/{{handle}}/\"\n"),
    )
    .unwrap();
    for c in 0..3 {
        let cdir = d.join(format!("creators/c{c}"));
        std::fs::create_dir_all(&cdir).unwrap();
        let mut p = format!("name = \"C{c}\"\nhandle = \"c{c}\"\n");
        for i in 0..700 {
            p.push_str(&format!(
                "[[links]]\nid = \"l{i}\"\ntitle = \"L{i}\"\nurl = \"https://x.example/{c}/{i}\"\n"
            ));
        }
        std::fs::write(cdir.join("profile.toml"), p).unwrap();
    }
    tmp
}

#[test]
fn agency_over_the_redirect_limit_without_go_pages() {
    let tmp = agency_with_2100_short_links("go_pages = false\n");
    let (_, findings) = check(tmp.path(), &[]);
    let limit: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "redirect-limit")
        .collect();
    assert_eq!(limit.len(), 1, "{:?}", codes(&findings));
    let message = limit[0]["message"].as_str().unwrap();
    assert!(
        message.contains("2100") && message.contains("404"),
        "{message}"
    );
    assert!(limit[0]["file"].as_str().unwrap().ends_with("agency.toml"));
}

#[test]
fn agency_over_the_redirect_limit_with_go_pages_is_fine() {
    // the build writes the first 2,000 rules and the go/ pages answer the rest
    let tmp = agency_with_2100_short_links("");
    let (_, findings) = check(tmp.path(), &[]);
    assert!(
        !codes(&findings).contains(&"redirect-limit".to_string()),
        "{:?}",
        codes(&findings)
    );
}

/// A tiny HTTP/1.1 server with scripted answers, counting requests per path.
struct Server {
    port: u16,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

fn start_server() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let h = h.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or("").to_string();
                let path = parts.next().unwrap_or("").to_string();
                let n = {
                    let mut m = h.lock().unwrap();
                    let e = m.entry(format!("{method} {path}")).or_insert(0);
                    *e += 1;
                    *e
                };
                let (status, extra) = match (method.as_str(), path.as_str()) {
                    (_, "/ok") => ("200 OK", String::new()),
                    (_, "/gone") => ("404 Not Found", String::new()),
                    ("HEAD", "/no-head") => ("405 Method Not Allowed", String::new()),
                    ("GET", "/no-head") => ("200 OK", String::new()),
                    (_, "/hop1") => ("301 Moved Permanently", "Location: /hop2\r\n".into()),
                    (_, "/hop2") => (
                        "302 Found",
                        format!("Location: http://127.0.0.1:{port}/ok\r\n"),
                    ),
                    (_, "/limited") if n == 1 => {
                        ("429 Too Many Requests", "Retry-After: 1\r\n".into())
                    }
                    (_, "/limited") => ("200 OK", String::new()),
                    (_, "/flaky") if n == 1 => ("503 Service Unavailable", String::new()),
                    (_, "/flaky") => ("200 OK", String::new()),
                    _ => ("404 Not Found", String::new()),
                };
                let mut s = stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    Server { port, hits }
}

#[test]
fn online_reports_dead_links_and_redirect_chains() {
    let server = start_server();
    let base = format!("http://127.0.0.1:{}", server.port);
    let mut links = String::new();
    for p in ["ok", "gone", "no-head", "hop1", "limited", "flaky"] {
        links.push_str(&format!(
            "[[links]]\nid = \"{p}\"\ntitle = \"{p}\"\nurl = \"{base}/{p}\"\n"
        ));
    }
    let f = Fixture::new(&format!("{BASE_PROFILE}{links}"), None);
    let (code, findings) = check(f.path(), &["--online"]);
    assert_eq!(code, 0);
    let online: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["code"] == "dead-link" || f["code"] == "redirect-chain")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(online.len(), 2, "{online:#?}");
    assert!(online
        .iter()
        .any(|(c, m)| c == "dead-link" && m.contains("\"gone\"") && m.contains("404")));
    assert!(online.iter().any(|(c, m)| c == "redirect-chain"
        && m.contains("\"hop1\"")
        && m.contains("301")
        && m.contains("302")
        && m.contains("/ok")));
    let hits = server.hits.lock().unwrap();
    // HEAD first, GET only where HEAD was refused
    // /ok: once for itself, once at the end of hop1's chain
    assert_eq!(hits.get("HEAD /ok"), Some(&2));
    assert_eq!(hits.get("GET /ok"), None);
    assert_eq!(hits.get("GET /no-head"), Some(&1));
    // 429 and 503 were retried, once each
    assert_eq!(hits.get("HEAD /limited"), Some(&2));
    assert_eq!(hits.get("HEAD /flaky"), Some(&2));
    // the finding points at the link
    let gone = findings.iter().find(|f| f["code"] == "dead-link").unwrap();
    assert_eq!(gone["line"], 13);
}

#[test]
fn only_checks_one_creator_of_an_agency() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ag");
    assert_eq!(biopage(&["init", "--agency", d.to_str().unwrap()]).code, 0);
    let profile = d.join("creators/mei/profile.toml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replacen("https://", "javascript:", 1)).unwrap();
    let (code, findings) = check(&d, &[]);
    assert_eq!(code, 1);
    assert!(findings.iter().any(|f| f["severity"] == "error"
        && f["file"]
            .as_str()
            .unwrap()
            .ends_with("creators/mei/profile.toml")));
    // linh alone is fine
    let (code, findings) = check(&d, &["--only", "linh"]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(findings.iter().all(|f| f["severity"] != "error"));
    let run = biopage(&["check", d.to_str().unwrap(), "--only", "lihn"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("did you mean \"linh\"?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was checked"), "{}", run.stderr);
    let site = repo().join("example-site");
    let run = biopage(&["check", site.to_str().unwrap(), "--only", "linh"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--only is for agencies"),
        "{}",
        run.stderr
    );
}
