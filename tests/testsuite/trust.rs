//! The trust model (docs/security.md), class by class: everything under a
//! site or creator folder is untrusted, the output and the previous good
//! output are precious. Each test is one rule, tried with several of the
//! ways a hostile contributor or an unlucky operator would break it.

#![cfg(unix)]

use crate::*;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "CI_DEPLOY_TOKEN=s3cr3t-0f-the-ci";

/// `biopage ARGS`, killed (and failed) after 60 s: a FIFO must not hang it.
fn run_bounded(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_biopage"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("biopage {args:?} did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn outside_secret() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("secret.txt"), SECRET).unwrap();
    std::fs::write(
        d.path().join("style.css"),
        format!("/* {SECRET} */ body{{}}"),
    )
    .unwrap();
    std::fs::create_dir(d.path().join("templates")).unwrap();
    std::fs::write(d.path().join("templates/index.html"), SECRET).unwrap();
    std::fs::copy(
        repo().join("example-site/images/avatar.jpg"),
        d.path().join("face.jpg"),
    )
    .unwrap();
    d
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// No file under `dir` holds the secret.
fn assert_no_secret(dir: &Path) {
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(SECRET),
                "{} holds the secret",
                e.path().display()
            );
        }
    }
}

/// A build that must fail with exit 1, name `file`, say `why`, write
/// nothing, and publish no secret.
fn refused(site: &Path, out: &Path, file: &str, why: &str) {
    let run = run_bounded(&[
        "build",
        site.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(
        run.code, 1,
        "{file}: expected an input error\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(file),
        "{file}: not named\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(why),
        "{file}: expected {why:?}\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains(SECRET));
    if out.exists() {
        assert_no_secret(out);
    }
}

#[test]
fn no_file_from_outside_the_site_is_read_or_published() {
    let outside = outside_secret();
    let o: &Path = outside.path();
    type Setup<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: Vec<(&str, &str, Setup)> = vec![
        (
            "templates/index.html",
            "outside the site",
            Box::new(|s: &Path| {
                std::fs::create_dir(s.join("templates")).unwrap();
                symlink("/proc/self/environ", s.join("templates/index.html")).unwrap();
            }),
        ),
        (
            "templates/404.html",
            "outside the site",
            Box::new(move |s: &Path| {
                std::fs::create_dir(s.join("templates")).unwrap();
                symlink(o.join("secret.txt"), s.join("templates/404.html")).unwrap();
            }),
        ),
        (
            "templates",
            "outside the site",
            Box::new(move |s: &Path| symlink(o.join("templates"), s.join("templates")).unwrap()),
        ),
        (
            "themes/mine",
            "outside the site",
            Box::new(move |s: &Path| {
                let p = s.join("profile.toml");
                let t = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, format!("theme = \"mine\"\n{t}")).unwrap();
                std::fs::create_dir(s.join("themes")).unwrap();
                symlink(o, s.join("themes/mine")).unwrap();
            }),
        ),
        (
            "static",
            "outside the site",
            Box::new(move |s: &Path| symlink(o, s.join("static")).unwrap()),
        ),
        (
            "static/x.txt",
            "outside the site",
            Box::new(move |s: &Path| {
                std::fs::create_dir(s.join("static")).unwrap();
                symlink(o.join("secret.txt"), s.join("static/x.txt")).unwrap();
            }),
        ),
        (
            "static/pipe",
            "a FIFO",
            Box::new(|s: &Path| {
                std::fs::create_dir(s.join("static")).unwrap();
                mkfifo(&s.join("static/pipe"));
            }),
        ),
        (
            "products.toml",
            "a FIFO",
            Box::new(|s: &Path| mkfifo(&s.join("products.toml"))),
        ),
        (
            "products.toml",
            "outside the site",
            Box::new(|s: &Path| symlink("/dev/zero", s.join("products.toml")).unwrap()),
        ),
        (
            "images/avatar.jpg",
            "outside the site",
            Box::new(move |s: &Path| {
                std::fs::remove_file(s.join("images/avatar.jpg")).unwrap();
                symlink(o.join("face.jpg"), s.join("images/avatar.jpg")).unwrap();
                let p = s.join("profile.toml");
                let t = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, format!("{t}avatar = \"images/avatar.jpg\"\n")).unwrap();
            }),
        ),
    ];
    for (file, why, setup) in cases {
        let f = Fixture::new(BASE_PROFILE, None);
        setup(f.path());
        refused(f.path(), &f.path().join("public"), file, why);
        assert!(!f.path().join("public").exists(), "{file}: wrote output");
    }
    // the profile itself as a link out
    let f = Fixture::new(BASE_PROFILE, None);
    std::fs::rename(f.path().join("profile.toml"), o.join("profile.toml")).unwrap();
    symlink(o.join("profile.toml"), f.path().join("profile.toml")).unwrap();
    refused(
        f.path(),
        &f.path().join("public"),
        "profile.toml",
        "outside the site",
    );
}

fn agency(creators: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    std::fs::create_dir_all(dir.join("creators")).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        "base_url = \"https://bio.example.com/{handle}/\"\n",
    )
    .unwrap();
    for h in creators {
        add_creator(&dir, h, "");
    }
    tmp
}

fn add_creator(dir: &Path, h: &str, extra: &str) {
    let c = dir.join("creators").join(h);
    std::fs::create_dir_all(&c).unwrap();
    std::fs::write(
        c.join("profile.toml"),
        format!("name = \"{h}\"\nhandle = \"{h}\"\n{extra}\n[[links]]\nid = \"serum\"\ntitle = \"Serum\"\nurl = \"https://shop.example/{h}\"\n"),
    )
    .unwrap();
}

fn agency_build(dir: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-24",
    ];
    args.extend_from_slice(extra);
    run_bounded(&args)
}

#[test]
fn a_creator_reads_only_its_own_folder() {
    let outside = outside_secret();
    // a template linked to another creator's file, or out of the agency
    let tmp = agency(&["aaa", "mei"]);
    let dir = tmp.path().join("agency");
    std::fs::write(dir.join("creators/mei/notes.txt"), SECRET).unwrap();
    std::fs::create_dir(dir.join("creators/aaa/templates")).unwrap();
    symlink(
        "../../mei/notes.txt",
        dir.join("creators/aaa/templates/404.html"),
    )
    .unwrap();
    refused(
        &dir,
        &tmp.path().join("out"),
        "404.html",
        "outside the site",
    );
    // a creator folder that is a link out of creators/
    let tmp = agency(&["aaa"]);
    let dir = tmp.path().join("agency");
    let elsewhere = outside.path().join("mei");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("profile.toml"),
        "name = \"M\"\nhandle = \"mei\"\n",
    )
    .unwrap();
    std::fs::create_dir(elsewhere.join("static")).unwrap();
    std::fs::copy(
        outside.path().join("secret.txt"),
        elsewhere.join("static/s.txt"),
    )
    .unwrap();
    symlink(&elsewhere, dir.join("creators/mei")).unwrap();
    refused(
        &dir,
        &tmp.path().join("out"),
        "creators/mei",
        "outside the site",
    );
    // a profile linked to another creator's
    let tmp = agency(&["mei"]);
    let dir = tmp.path().join("agency");
    std::fs::create_dir(dir.join("creators/aaa")).unwrap();
    symlink("../mei/profile.toml", dir.join("creators/aaa/profile.toml")).unwrap();
    refused(
        &dir,
        &tmp.path().join("out"),
        "profile.toml",
        "outside the site",
    );
}

#[test]
fn one_creator_cannot_act_for_another() {
    let tmp = agency(&["mei"]);
    let dir = tmp.path().join("agency");
    // aaa claims mei's address (and mei's link id)
    add_creator(&dir, "aaa", "base_url = \"https://bio.example.com/mei/\"");
    let out = tmp.path().join("out");
    let run = agency_build(&dir, &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("creators/aaa/profile.toml:3:"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
    let check = run_bounded(&["check", dir.to_str().unwrap(), "--deny-warnings"]);
    assert_ne!(check.code, 0, "{}", check.stderr);
    // outside the agency's base, and under another path, too
    for base in [
        "https://evil.example/",
        "https://bio.example.com/other/",
        "https://bio.example.com/mei/x/",
    ] {
        let p = dir.join("creators/aaa/profile.toml");
        let t = std::fs::read_to_string(&p).unwrap();
        let line = t.lines().nth(2).unwrap().to_string();
        std::fs::write(&p, t.replace(&line, &format!("base_url = \"{base}\""))).unwrap();
        let run = agency_build(&dir, &out, &[]);
        assert_eq!(run.code, 1, "{base}: {}", run.stderr);
    }
    // without it, every rule of the root _redirects belongs to its creator
    let p = dir.join("creators/aaa/profile.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    let line = t.lines().nth(2).unwrap().to_string();
    std::fs::write(&p, t.replace(&line, "")).unwrap();
    let run = agency_build(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rules = std::fs::read_to_string(out.join("_redirects")).unwrap();
    let rules: Vec<&str> = rules.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rules,
        [
            "/aaa/go/serum/ https://shop.example/aaa?utm_source=bio&utm_medium=social&utm_campaign=aaa&utm_content=serum 302",
            "/mei/go/serum/ https://shop.example/mei?utm_source=bio&utm_medium=social&utm_campaign=mei&utm_content=serum 302",
        ]
    );
}

#[test]
fn the_output_directory_is_biopages_alone() {
    let f = Fixture::new(BASE_PROFILE, None);
    std::fs::create_dir_all(f.path().join("static")).unwrap();
    std::fs::write(f.path().join("static/keep.txt"), "keep").unwrap();
    let images_before = std::fs::read_dir(f.path().join("images")).unwrap().count();
    let s = f.path().to_str().unwrap();
    let a_file = f.path().join("notes.txt");
    std::fs::write(&a_file, "mine").unwrap();
    for out in [
        f.path().join("images"),
        f.path().join("static"),
        f.path().join("static/pub"),
        f.path().to_path_buf(),
        a_file.clone(),
        PathBuf::from("/dev/null"),
    ] {
        for force in [false, true] {
            let mut args = vec!["build", s, "-o", out.to_str().unwrap()];
            if force {
                args.push("--force");
            }
            let run = run_bounded(&args);
            assert_eq!(run.code, 2, "{}: {}", out.display(), run.stderr);
            assert!(run.stderr.contains("refusing"), "{}", run.stderr);
        }
    }
    assert_eq!(
        std::fs::read_dir(f.path().join("images")).unwrap().count(),
        images_before
    );
    assert_eq!(std::fs::read_to_string(&a_file).unwrap(), "mine");
    assert!(Path::new("/dev/null").exists() && !Path::new("/dev/null").is_dir());
    assert!(!f.path().join("static/pub").exists());
    // someone else's folder only with --force; then it is biopage's
    let theirs = tempfile::tempdir().unwrap();
    std::fs::write(theirs.path().join("thesis.tex"), "years of work").unwrap();
    let out = theirs.path().to_str().unwrap();
    let run = run_bounded(&["build", s, "-o", out]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(theirs.path().join("thesis.tex").exists());
    let run = run_bounded(&["build", s, "-o", out, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(theirs.path().join(".biopage-output").is_file());
    let run = run_bounded(&["build", s, "-o", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // an image in the output is an input error at its line
    let f = Fixture::new(&format!("{BASE_PROFILE}avatar = \"public/a.jpg\"\n"), None);
    assert_eq!(f.build(&["--force"]).code, 1);
    std::fs::create_dir_all(f.out()).unwrap();
    std::fs::copy(f.path().join("images/avatar.jpg"), f.out().join("a.jpg")).unwrap();
    let run = f.build(&["--force"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("profile.toml:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("inside the output"), "{}", run.stderr);
    // an agency's creators/
    let tmp = agency(&["linh"]);
    let dir = tmp.path().join("agency");
    let run = agency_build(&dir, &dir.join("creators"), &["--force"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(dir.join("creators/linh/profile.toml").is_file());
}

#[test]
fn a_build_of_some_creators_updates_them_in_place() {
    let tmp = agency(&["an", "linh", "mei", "tuan"]);
    let dir = tmp.path().join("agency");
    let out = tmp.path().join("out");
    assert_eq!(agency_build(&dir, &out, &[]).code, 0);
    let before = std::fs::read_to_string(out.join("_redirects")).unwrap();
    // --only: the others and the root files stay
    let p = dir.join("creators/linh/profile.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, t.replace("title = \"Serum\"", "title = \"Serum B5\"")).unwrap();
    let run = agency_build(&dir, &out, &["--only", "linh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for h in ["an", "linh", "mei", "tuan"] {
        assert!(out.join(h).join("index.html").is_file(), "{h} lost");
    }
    assert!(std::fs::read_to_string(out.join("linh/index.html"))
        .unwrap()
        .contains("Serum B5"));
    assert_eq!(
        std::fs::read_to_string(out.join("_redirects")).unwrap(),
        before
    );
    assert!(out.join("sitemap.xml").is_file() && out.join("_headers").is_file());
    // a shard, likewise
    for i in 1..=2 {
        let run = agency_build(&dir, &out, &["--shard", &format!("{i}/2")]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        for h in ["an", "linh", "mei", "tuan"] {
            assert!(out.join(h).join("index.html").is_file(), "{h} lost");
        }
        assert!(out.join("_redirects").is_file());
    }
    // --keep-going keeps a failing creator's last good page
    let mei = std::fs::read_to_string(out.join("mei/index.html")).unwrap();
    std::fs::write(dir.join("creators/mei/profile.toml"), "name = ").unwrap();
    let run = agency_build(&dir, &out, &["--keep-going"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("mei/index.html")).unwrap(),
        mei
    );
    assert!(std::fs::read_to_string(out.join("_redirects"))
        .unwrap()
        .contains("/mei/go/serum/"));
    // a folder without profile.toml is an error, not a deletion
    add_creator(&dir, "mei", "");
    assert_eq!(agency_build(&dir, &out, &[]).code, 0);
    std::fs::rename(
        dir.join("creators/tuan/profile.toml"),
        dir.join("creators/tuan/Profile.toml"),
    )
    .unwrap();
    let run = agency_build(&dir, &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("creators/tuan"), "{}", run.stderr);
    assert!(run.stderr.contains("Profile.toml"), "{}", run.stderr);
    assert!(out.join("tuan/index.html").is_file());
    let run = agency_build(&dir, &out, &["--keep-going"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(out.join("tuan/index.html").is_file());
}

#[test]
fn the_incremental_record_is_a_hint_never_a_source() {
    let tmp = agency(&["linh", "mei"]);
    let dir = tmp.path().join("agency");
    let out = tmp.path().join("out");
    // hidden files are inputs
    std::fs::create_dir_all(dir.join("creators/linh/static/.well-known")).unwrap();
    std::fs::write(
        dir.join("creators/linh/static/.well-known/security.txt"),
        "Contact: a",
    )
    .unwrap();
    assert_eq!(agency_build(&dir, &out, &[]).code, 0);
    std::fs::write(
        dir.join("creators/linh/static/.well-known/security.txt"),
        "Contact: b",
    )
    .unwrap();
    assert_eq!(agency_build(&dir, &out, &[]).code, 0);
    assert_eq!(
        std::fs::read_to_string(out.join("linh/.well-known/security.txt")).unwrap(),
        "Contact: b"
    );
    // an edited record (a CI cache restored from elsewhere) is discarded
    let record = tmp.path().join(".out.biopage-cache.json");
    let text = std::fs::read_to_string(&record).unwrap();
    let evil = text.replace(
        "/mei/go/serum/ https://shop.example/mei",
        "/mei/go/serum/ https://evil.example/steal",
    );
    assert_ne!(text, evil);
    std::fs::write(&record, evil).unwrap();
    let run = agency_build(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("ignoring the incremental record"),
        "{}",
        run.stderr
    );
    let rules = std::fs::read_to_string(out.join("_redirects")).unwrap();
    assert!(!rules.contains("evil.example"), "{rules}");
    // a record that claims another creator's paths, or sources for the policy
    let text = std::fs::read_to_string(&record).unwrap();
    for evil in [
        text.replace("/mei/go/serum/", "/linh/go/serum/"),
        text.replace(
            "\"style_hash\":\"'sha256-",
            "\"style_hash\":\"https://evil.example 'sha256-",
        ),
    ] {
        assert_ne!(text, evil);
        std::fs::write(&record, &evil).unwrap();
        let run = agency_build(&dir, &out, &[]);
        assert!(
            run.stderr.contains("ignoring the incremental record"),
            "{}",
            run.stderr
        );
        let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
        assert!(!headers.contains("evil.example"));
        let rules = std::fs::read_to_string(out.join("_redirects")).unwrap();
        assert_eq!(rules.matches("/linh/go/serum/").count(), 1, "{rules}");
    }
}

#[test]
fn off_site_urls_are_refused_as_the_browser_reads_them() {
    let cases = [
        ("base_url = \"https://x.example//evil.example/\"", "empty segment"),
        ("[analytics]\nprovider = \"plausible\"\nscript = \"/\\t/evil.example/x.js\"", "analytics script"),
        ("[networks.shopee]\naffiliate_id = \"1\"\ntld = \"evil.example#\"", "Shopee's country domains"),
        (
            "[networks.big]\ntemplate = \"https://t.example/?u={url}&a={url}{url}{url}{url}{url}{url}{url}{url}{url}{url}{url}{url}{url}{url}{url}{url}\"\ndomains = [\"shop.example\"]\n[[links]]\ntitle = \"x\"\nurl = \"https://shop.example/?q=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
            "the most biopage writes",
        ),
    ];
    for (toml, why) in cases {
        let base = if toml.starts_with("base_url") {
            BASE_PROFILE.replace("base_url = \"https://linh.example/\"", "")
        } else {
            BASE_PROFILE.to_string()
        };
        let f = Fixture::new(&format!("{base}{toml}\n"), None);
        let run = f.build(&[]);
        assert_eq!(run.code, 1, "{toml}: {}", run.stderr);
        assert!(run.stderr.contains(why), "{toml}: {}", run.stderr);
        assert!(run.stderr.contains("profile.toml:"), "{}", run.stderr);
    }
}

#[test]
fn a_disclosure_must_be_visible() {
    for toml in [
        "[disclosure]\ntext = \"\\u200b\"",
        "[disclosure]\ntext = \"\\u2060\\ufeff\\u3164\"",
        "[strings]\nsponsored = \"\\u200b\\u200c\"",
        "[strings]\nsponsored = \"\\u00ad\"",
    ] {
        let f = Fixture::new(
            &format!("{BASE_PROFILE}{toml}\n[[links]]\ntitle = \"S\"\nurl = \"https://shopee.vn/x\"\nsponsored = true\n"),
            None,
        );
        let run = f.build(&[]);
        assert_eq!(run.code, 1, "{toml}: {}", run.stderr);
        assert!(run.stderr.contains("visible"), "{toml}: {}", run.stderr);
        let check = biopage(&["check", f.path().to_str().unwrap(), "--deny-warnings"]);
        assert_ne!(check.code, 0);
    }
}

#[test]
fn work_is_bounded() {
    let name = "Linh ".repeat(20_000);
    let f = Fixture::new(
        &BASE_PROFILE.replace("name = \"Linh Nguyễn\"", &format!("name = \"{name}\"")),
        None,
    );
    let started = Instant::now();
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("`name` is"), "{}", run.stderr);
    // not a timing assertion: a generous bound that only a hang exceeds
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn reserved_names_are_refused_at_their_line() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[tracking]\nchannels = [\"tiktok\", \"_headers\"]\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("profile.toml:7:"), "{}", run.stderr);
    // a static file where the build writes a folder, or a host file
    for (name, why) in [
        ("go", "short links"),
        ("_headers", "host"),
        ("index.html", "page"),
    ] {
        let f = Fixture::new(BASE_PROFILE, None);
        std::fs::create_dir(f.path().join("static")).unwrap();
        std::fs::write(f.path().join("static").join(name), "x").unwrap();
        let run = f.build(&[]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("static/{name}")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(why), "{}", run.stderr);
    }
    // a creator named as a root file of the agency
    let tmp = agency(&["linh"]);
    let dir = tmp.path().join("agency");
    std::fs::create_dir(dir.join("creators/_headers")).unwrap();
    std::fs::write(
        dir.join("creators/_headers/profile.toml"),
        "name = \"x\"\nhandle = \"_headers\"\n",
    )
    .unwrap();
    let run = agency_build(&dir, &tmp.path().join("out"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("creators/_headers"), "{}", run.stderr);
}

#[test]
fn messages_say_where_and_show_no_terminal_controls() {
    // an unwritable output is an environment problem, not an image's
    let f = Fixture::new(
        &format!("{BASE_PROFILE}avatar = \"images/avatar.jpg\"\n"),
        None,
    );
    let run = run_bounded(&[
        "build",
        f.path().to_str().unwrap(),
        "-o",
        "/proc/biopage-out",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains("image editor"), "{}", run.stderr);
    // each bad link of a bio at its own line
    let f = Fixture::new(
        &format!("{BASE_PROFILE}bio = \"\"\"\nok [a](https://a.example/)\n[b](javascript:alert(1))\n\n[c](data:text/html,x)\n\"\"\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("profile.toml:8:5"), "{}", run.stderr);
    assert!(run.stderr.contains("profile.toml:10:5"), "{}", run.stderr);
    // OSC 52 (a clipboard write) in a key: shown escaped
    let f = Fixture::new(
        &format!("{BASE_PROFILE}\"\\u001b]52;c;ZWNobyBwd25lZA==\\u0007\" = 1\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'));
    assert!(run.stderr.contains("\\u{1b}]52"), "{}", run.stderr);
    // ids that differ only in case are one folder on macOS and Windows
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[[links]]\nid = \"Sale\"\ntitle = \"a\"\nurl = \"https://a.example/\"\n[[links]]\nid = \"sale\"\ntitle = \"b\"\nurl = \"https://b.example/\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("only in case"), "{}", run.stderr);
}

#[test]
fn init_never_writes_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    symlink(
        outside.path().join("planted.toml"),
        site.join("profile.toml"),
    )
    .unwrap();
    let run = biopage(&["init", site.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(!outside.path().join("planted.toml").exists());
    let site = dir.path().join("site2");
    std::fs::create_dir(&site).unwrap();
    symlink(outside.path(), site.join("images")).unwrap();
    let run = biopage(&["init", site.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}
