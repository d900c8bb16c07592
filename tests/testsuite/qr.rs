//! QR codes: every `qr*.svg` the build writes is decoded by a real reader
//! (rasterised by `rsvg-convert`, read by `zbarimg`) and must give back the
//! address of its page. The tools are required, not optional: `.ci/run`
//! installs them (Debian: `apt-get install zbar-tools librsvg2-bin`).

use crate::{biopage, build_to, repo};
use std::path::Path;
use std::process::Command;

fn require(tool: &str, package: &str) {
    match Command::new(tool).arg("--version").output() {
        Ok(_) => {}
        Err(e) => panic!(
            "the QR code test needs `{tool}` ({e}); install it with \
             `apt-get install -y {package}` (Debian/Ubuntu) — .ci/run does this"
        ),
    }
}

/// The text a QR code image decodes to.
fn decode(svg: &Path) -> String {
    require("rsvg-convert", "librsvg2-bin");
    require("zbarimg", "zbar-tools");
    let png = svg.with_extension("png");
    let out = Command::new("rsvg-convert")
        .arg("-o")
        .arg(&png)
        .arg(svg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rsvg-convert {}: {}",
        svg.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zbarimg found no QR code in {} (from {}): {}",
        png.display(),
        svg.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim_end_matches(['\r', '\n'])
        .to_string()
}

fn qr_files(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("qr") && n.ends_with(".svg"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_qr_code_decodes_to_its_page_url() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = build_to(&repo().join("example-site"), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        qr_files(&out),
        [
            "qr-facebook.svg",
            "qr-tiktok.svg",
            "qr-youtube.svg",
            "qr.svg"
        ]
    );
    let scratch = tempfile::tempdir().unwrap();
    for (file, url) in [
        ("qr.svg", "https://linh.example/"),
        ("qr-tiktok.svg", "https://linh.example/tiktok/"),
        ("qr-youtube.svg", "https://linh.example/youtube/"),
        ("qr-facebook.svg", "https://linh.example/facebook/"),
    ] {
        let svg = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            svg.contains("viewBox=") && svg.contains("crispEdges"),
            "{file}"
        );
        // decode a copy, so the PNG does not land in the output
        let copy = scratch.path().join(file);
        std::fs::write(&copy, &svg).unwrap();
        assert_eq!(decode(&copy), url, "{file}");
    }
}

#[test]
fn qr_code_follows_base_url_override() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let preview = "https://preview.example/pr-7/";
    let run = biopage(&[
        "build",
        repo().join("example-site").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-24",
        "--base-url",
        preview,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let copy = tmp.path().join("qr.svg");
    std::fs::copy(out.join("qr.svg"), &copy).unwrap();
    assert_eq!(decode(&copy), preview);
}
