//! `biopage brief`: a printable page, a poster and a QR code per creator a
//! campaign targets, on the agency `biopage init --agency` makes (its
//! campaign "glow-lab-launch" targets linh, in Vietnamese, and mei, in
//! simplified Chinese) plus a creator it does not target. The poster's and
//! the SVG's QR codes are read back in process (`rqrr`, `resvg`).

use crate::qr::read_qr;
use crate::{biopage, texts, Run};
use std::path::{Path, PathBuf};

const ID: &str = "glow-lab-launch";

/// A day inside the campaign's window (2026-12-04 to 2026-12-31).
const DATE: &str = "2026-12-10";

/// The init agency, its campaign from 2026-12-04 to 2026-12-31 (init
/// starts it on the day it runs), with "an", a creator it does not target.
fn agency() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    let run = biopage(&["init", "--agency", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    edit_campaign(&dir, |t| {
        t.lines()
            .map(|l| {
                if l.starts_with("starts = ") {
                    "starts = 2026-12-04"
                } else if l.starts_with("ends = ") {
                    "ends = 2026-12-31"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert!(read(&dir.join(".gitignore")).contains("/briefs/"));
    let an = dir.join("creators/an");
    std::fs::create_dir_all(&an).unwrap();
    std::fs::write(
        an.join("profile.toml"),
        "name = \"An\"\nhandle = \"an\"\nfollowers = 500\n[[links]]\ntitle = \"Shop\"\nurl = \"https://an.example/\"\n",
    )
    .unwrap();
    (tmp, dir)
}

fn brief(dir: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "brief",
        ID,
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    if !extra.contains(&"--date") {
        args.extend_from_slice(&["--date", DATE]);
    }
    args.extend_from_slice(extra);
    biopage(&args)
}

/// The run ended with `code` and its messages say `text`.
fn says(run: &Run, code: i32, text: &str) {
    assert_eq!(run.code, code, "{}", run.stderr);
    assert!(run.stderr.contains(text), "{}", run.stderr);
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Edits the campaign file.
fn edit_campaign(dir: &Path, f: impl FnOnce(String) -> String) {
    let path = dir.join("campaigns").join(format!("{ID}.toml"));
    std::fs::write(&path, f(read(&path))).unwrap();
}

/// The short link of each creator's first campaign item on their main
/// page, as `biopage links --campaign` lists it for the brand.
fn short_links(dir: &Path) -> Vec<(String, String)> {
    let run = biopage(&[
        "links",
        dir.to_str().unwrap(),
        "--campaign",
        ID,
        "--format",
        "json",
        "--date",
        DATE,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let mut out: Vec<(String, String)> = Vec::new();
    for r in rows {
        let (h, short) = (r["handle"].as_str().unwrap(), r["short"].as_str().unwrap());
        if !short.is_empty() && !out.iter().any(|(x, _)| x == h) {
            out.push((h.to_string(), short.to_string()));
        }
    }
    out
}

/// The text of the one QR code in a PNG.
fn read_png_qr(path: &Path) -> (u32, u32, String) {
    let img = image::open(path).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "{}: QR codes found", path.display());
    let (_, text) = grids[0].decode().expect("a readable QR code");
    (w, h, text)
}

#[test]
fn one_brief_per_targeted_creator_with_code_link_disclosure_and_dates() {
    let (tmp, dir) = agency();
    let out = tmp.path().join("briefs");
    let run = brief(&dir, &out, &[]);
    says(&run, 0, "2 creators (linh, mei)");
    assert!(out.join("linh/index.html").is_file());
    assert!(out.join("mei/index.html").is_file());
    assert!(!out.join("an").exists(), "an is not targeted");
    let index = read(&out.join("index.html"));
    assert_eq!(
        crate::hrefs(&index, "a"),
        ["linh/index.html", "mei/index.html"]
    );

    let shorts = short_links(&dir);
    assert_eq!(shorts.len(), 2, "{shorts:?}");
    for ((handle, short), (lang, code, disclosure)) in shorts.iter().zip([
        ("vi", "LINH15", "Hợp tác có trả phí với Glow Lab."),
        ("zh-Hans", "MEI15", "与 Glow Lab 的付费合作。"),
    ]) {
        assert_eq!(short, &format!("https://bio.example.com/{handle}/go/{ID}/"));
        let page = read(&out.join(handle).join("index.html"));
        assert!(page.starts_with("<!DOCTYPE html>"), "{handle}");
        assert!(
            page.contains(&format!("<html lang=\"{lang}\">")),
            "{handle}"
        );
        assert!(page.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
        assert!(!page.to_ascii_lowercase().contains("<script"), "{handle}");
        assert_eq!(texts(&page, "h1"), ["Glow Lab launch"]);
        assert_eq!(texts(&page, ".code"), [code]);
        assert_eq!(crate::hrefs(&page, ".link a"), [short.as_str()]);
        assert_eq!(texts(&page, ".link a"), [short.as_str()]);
        assert_eq!(texts(&page, "blockquote"), [disclosure]);
        assert!(page.contains("2026-12-04 – 2026-12-31"), "{handle}");
        assert!(page.contains("<dd>2026-12-31</dd>"), "{handle}");
        // the talking points, rendered
        assert!(page.contains("<strong>Glow Lab Serum</strong>"), "{handle}");
        assert!(page.contains("promise medical results.</li>"), "{handle}");
        // the QR code inline and the poster with its size
        assert_eq!(crate::select_attr(&page, "figure svg", "role"), ["img"]);
        assert_eq!(crate::select_attr(&page, "img", "src"), ["poster.png"]);
        assert_eq!(crate::select_attr(&page, "img", "width"), ["1080"]);
        assert_eq!(crate::select_attr(&page, "img", "height"), ["1350"]);
        assert!(!crate::select_attr(&page, "img", "alt")[0].is_empty());
        assert!(index.contains(code), "the index lists {code}");
    }
}

#[test]
fn posters_and_qr_codes_decode_to_the_creators_short_links() {
    let (tmp, dir) = agency();
    let out = tmp.path().join("briefs");
    let run = brief(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (handle, short) in short_links(&dir) {
        let (w, h, text) = read_png_qr(&out.join(&handle).join("poster.png"));
        assert_eq!((w, h), (1080, 1350), "{handle}");
        assert_eq!(text, short, "{handle}'s poster");
        let svg = read(&out.join(&handle).join("qr.svg"));
        assert_eq!(read_qr(&svg).map(|(t, _)| t), Ok(short.clone()), "{handle}");
        // the inline code is the same symbol
        let page = read(&out.join(&handle).join("index.html"));
        let start = page.find("<svg").unwrap();
        let end = page[start..].find("</svg>").unwrap() + start + "</svg>".len();
        assert_eq!(read_qr(&page[start..end]).map(|(t, _)| t), Ok(short));
    }
}

#[test]
fn the_brief_and_every_text_of_the_campaign_are_escaped() {
    let (tmp, dir) = agency();
    edit_campaign(&dir, |t| {
        t.replace(
            "title = \"Glow Lab launch\"",
            "title = \"Glow <b>Lab</b> launch\"",
        )
        .replace(
            "- Don't: promise medical results.",
            "- Don't: <script>alert(1)</script> <img src=x onerror=alert(2)>\n- See [the shop](https://shop.example.com/glow-lab) or [mail us](mailto:team@glow.example).",
        )
    });
    let out = tmp.path().join("briefs");
    let run = brief(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        read(&out.join("linh/index.html")),
        read(&out.join("index.html")),
    ] {
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
        assert!(page.contains("Glow &lt;b&gt;Lab&lt;/b&gt; launch"));
    }
    let page = read(&out.join("linh/index.html"));
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"), "{page}");
    assert_eq!(
        crate::hrefs(&page, ".points a"),
        [
            "https://shop.example.com/glow-lab",
            "mailto:team@glow.example"
        ]
    );
}

#[test]
fn a_link_a_page_may_not_carry_is_refused_where_it_is_written() {
    let (tmp, dir) = agency();
    edit_campaign(&dir, |t| {
        t.replace(
            "- Don't: promise medical results.",
            "- Don't: [click](javascript:alert(1))",
        )
    });
    let out = tmp.path().join("briefs");
    let run = brief(&dir, &out, &[]);
    says(&run, 1, "javascript:");
    assert!(
        run.stderr.contains("glow-lab-launch.toml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no briefs were written"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

#[test]
fn unknown_campaigns_creators_and_days_are_explained() {
    let (tmp, dir) = agency();
    let out = tmp.path().join("briefs");
    let d = dir.to_str().unwrap();
    let o = out.to_str().unwrap();
    let run = biopage(&["brief", "glow-lab-lunch", d, "-o", o]);
    says(&run, 1, "did you mean \"glow-lab-launch\"");
    // a creator the campaign does not target, or that does not exist
    let run = brief(&dir, &out, &["--only", "an"]);
    says(&run, 2, "does not target \"an\"");
    let run = brief(&dir, &out, &["--only", "lin"]);
    says(&run, 1, "did you mean \"linh\"");
    // a --date outside the window
    let run = brief(&dir, &out, &["--date", "2027-01-15"]);
    says(&run, 2, "2026-12-04 – 2026-12-31");
    // not an agency
    let site = tmp.path().join("site");
    assert_eq!(biopage(&["init", site.to_str().unwrap()]).code, 0);
    let run = biopage(&["brief", ID, site.to_str().unwrap(), "-o", o]);
    says(&run, 2, "not an agency");
    assert!(!out.exists());
    // the agency without the campaign
    let run = biopage(&["brief", d, "-o", o]);
    says(&run, 2, "is an agency, not a campaign's id");
    // without --date, whatever today is: as on a day of the window
    let run = biopage(&["brief", ID, d, "-o", o, "--only", "linh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // the order of the other commands (DIR first) is understood
    let run = biopage(&["brief", d, ID, "-o", o, "--date", DATE, "--only", "mei"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("mei/poster.png").is_file());
}

#[test]
fn the_output_directory_is_never_an_input_the_site_or_someone_elses() {
    let (tmp, dir) = agency();
    let refused = |out: PathBuf, why: &str| {
        let run = brief(&dir, &out, &[]);
        assert_eq!(run.code, 2, "{}: {}", out.display(), run.stderr);
        assert!(
            run.stderr.contains("refusing to write the briefs") && run.stderr.contains(why),
            "{}: {}",
            out.display(),
            run.stderr
        );
        assert!(!out.join("index.html").exists(), "{}", out.display());
    };
    refused(dir.join("creators/briefs"), "a folder biopage reads");
    refused(dir.join("campaigns"), "a folder biopage reads");
    refused(dir.join("public/briefs"), "published output");
    refused(dir.clone(), "holds the agency");
    // relative to the agency, as one types it there
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_biopage"))
        .current_dir(&dir)
        .args(["brief", ID, "-o", "public/briefs", "--date", DATE])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("published output"));
    assert!(!dir.join("public").exists());
    refused(tmp.path().to_path_buf(), "holds the agency");
    // inside a site that was built elsewhere
    let site = tmp.path().join("www");
    let run = biopage(&[
        "build",
        dir.to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
        "--date",
        DATE,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    refused(site.join("briefs"), "an output biopage wrote");
    refused(site.clone(), "for something else");
    // a directory with someone's files
    let theirs = tmp.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("thesis.docx"), "x").unwrap();
    refused(theirs.clone(), "not empty");
    assert!(theirs.join("thesis.docx").exists());
    // a file
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    refused(file, "a file");
}

#[test]
fn briefs_in_the_agency_folder_are_replaced_whole_by_the_next_run() {
    let (_tmp, dir) = agency();
    // `-o briefs` in the agency, as the campaign file's comment says
    let out = dir.join("briefs");
    let run = brief(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("mei/index.html").is_file());
    // the agency still builds, and its output does not hold the briefs
    let run = biopage(&["build", dir.to_str().unwrap(), "--date", DATE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dir.join("public/briefs").exists());
    // a second run with other codes and one creator replaces the first
    let codes = dir.join("campaigns/glow-lab-launch-codes.csv");
    std::fs::write(&codes, "handle,code\nlinh,LINH20\nmei,MEI20\n").unwrap();
    let run = brief(&dir, &out, &["--only", "linh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        texts(&read(&out.join("linh/index.html")), ".code"),
        ["LINH20"]
    );
    assert!(!out.join("mei").exists(), "the first run's mei/ is gone");
    // and nothing is left beside it
    let beside: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("briefs.biopage-staging"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn a_creator_whose_own_item_replaces_the_campaigns_gets_their_page_address() {
    let (tmp, dir) = agency();
    // the campaign's first link has the campaign's id; Linh has her own
    let profile = dir.join("creators/linh/profile.toml");
    let own = format!(
        "{}\n[[links]]\nid = \"{ID}\"\ntitle = \"Mine\"\nurl = \"https://mine.example/\"\n\n[[links]]\nid = \"glow-serum\"\ntitle = \"Mine too\"\nurl = \"https://mine.example/2\"\n",
        read(&profile)
    );
    std::fs::write(&profile, own).unwrap();
    let out = tmp.path().join("briefs");
    let run = brief(&dir, &out, &[]);
    says(
        &run,
        0,
        "the page of linh carries none of the campaign's items",
    );
    let page = read(&out.join("linh/index.html"));
    assert_eq!(
        crate::hrefs(&page, ".link a"),
        ["https://bio.example.com/linh/"]
    );
    let (_, _, text) = read_png_qr(&out.join("linh/poster.png"));
    assert_eq!(text, "https://bio.example.com/linh/");
}
