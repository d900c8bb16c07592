//! Integration tests: one binary (fast to link), one module per area.
//! Fixtures are written into temporary directories by [`Fixture`].

mod agency;
mod analytics;
mod brief;
mod build;
mod campaigns;
mod check;
mod crash;
mod errors;
mod example;
mod first_hour;
mod hostile;
mod hosts;
mod icons;
mod images;
mod links;
mod qr;
mod report;
mod serve;
mod trust;
mod ui;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A site in a temporary directory.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub const BASE_PROFILE: &str = r#"
base_url = "https://linh.example/"
language = "vi"
name = "Linh Nguyễn"
handle = "linhreview"
"#;

impl Fixture {
    pub fn new(profile: &str, products: Option<&str>) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("profile.toml"), profile).unwrap();
        if let Some(p) = products {
            std::fs::write(dir.path().join("products.toml"), p).unwrap();
        }
        let images = dir.path().join("images");
        std::fs::create_dir(&images).unwrap();
        for name in ["avatar.jpg", "serum-b5.jpg"] {
            std::fs::copy(
                repo().join("example-site/images").join(name),
                images.join(name),
            )
            .unwrap();
        }
        Fixture { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// Runs `biopage build` on the fixture with a fixed date.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", self.path().to_str().unwrap()];
        if !extra.contains(&"--date") {
            args.extend_from_slice(&["--date", "2026-11-24"]);
        }
        args.extend_from_slice(extra);
        biopage(&args)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn biopage(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_biopage"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `biopage build SITE -o OUT`, on the tests' fixed date unless `extra`
/// names another.
pub fn build_to(site: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build", site.to_str().unwrap(), "-o", out.to_str().unwrap()];
    if !extra.contains(&"--date") {
        args.extend_from_slice(&["--date", "2026-11-24"]);
    }
    args.extend_from_slice(extra);
    biopage(&args)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `href`s of every `<a>` matching `selector` in a page.
pub fn hrefs(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

pub fn select_attr(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}
