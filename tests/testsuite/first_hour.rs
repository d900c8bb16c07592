//! A creator's first hour: the scaffold, the typos a newcomer makes, and the
//! messages that explain them.

use crate::*;

#[test]
fn a_fresh_scaffold_builds_and_checks_clean_in_every_language() {
    let tmp = tempfile::tempdir().unwrap();
    for (lang, words) in [
        ("en", "Your Name"),
        ("vi", "Tên của bạn"),
        ("zh-Hans", "你的名字"),
        ("zh-Hant", "你的名字"),
    ] {
        let dir = tmp.path().join(lang);
        let d = dir.to_str().unwrap();
        let run = biopage(&["init", d, "--language", lang]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        // the next steps name the preview
        assert!(
            run.stdout.contains(&format!("biopage serve {d}")),
            "{}",
            run.stdout
        );
        let profile = std::fs::read_to_string(dir.join("profile.toml")).unwrap();
        assert!(profile.contains(words), "{lang}: {profile}");
        assert!(profile.contains(&format!("language = \"{lang}\"")));
        let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
        assert!(ignore.contains("/public/") && ignore.contains("/.public.biopage-*"));
        let run = biopage(&["build", d, "--date", "2026-11-24"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stderr.contains("warning"), "{lang}: {}", run.stderr);
        let run = biopage(&["check", d, "--deny-warnings", "--date", "2026-11-24"]);
        assert_eq!(run.code, 0, "{lang}: {}", run.stderr);
        assert!(run.stderr.contains("0 warning"), "{}", run.stderr);
    }
    let dir = tmp.path().join("agency");
    let run = biopage(&[
        "init",
        "--agency",
        dir.to_str().unwrap(),
        "--language",
        "vi",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("biopage serve"), "{}", run.stdout);
    assert!(dir.join(".gitignore").is_file());
    let agency = std::fs::read_to_string(dir.join("agency.toml")).unwrap();
    assert!(agency.contains("language = \"vi\""));
    let run = biopage(&["check", dir.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = biopage(&[
        "init",
        tmp.path().join("x").to_str().unwrap(),
        "--language",
        "fr",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("en, vi, zh-Hans, zh-Hant"),
        "{}",
        run.stderr
    );
}

#[test]
fn typos_never_go_unnoticed() {
    // an unknown platform: a warning with the nearest one
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[[socials]]\nplatform = \"xiaohonshu\"\nurl = \"https://www.xiaohongshu.com/user/profile/x\"\n"),
        None,
    );
    let run = biopage(&["check", f.path().to_str().unwrap(), "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let w = findings
        .iter()
        .find(|f| f["code"] == "unknown-platform")
        .expect("a warning");
    assert_eq!(w["line"], 7);
    assert!(w["help"].as_str().unwrap().contains("\"xiaohongshu\""));
    // currency aliases are understood; a shared sign is asked about
    for (written, code) in [("RMB", "CNY"), ("VNĐ", "VND"), ("đ", "VND"), ("NT$", "TWD")] {
        let f = Fixture::new(
            BASE_PROFILE,
            Some(&format!("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = 100\ncurrency = \"{written}\"\n")),
        );
        let run = f.build(&[]);
        assert_eq!(run.code, 0, "{written}: {}", run.stderr);
        let html = f.read("index.html");
        assert!(
            html.contains(&format!("\"priceCurrency\":\"{code}\"")),
            "{written}"
        );
    }
    let f = Fixture::new(
        BASE_PROFILE,
        Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = 100\ncurrency = \"¥\"\n"),
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("CNY or JPY"), "{}", run.stderr);
    // one mistake, one error
    let f = Fixture::new(
        BASE_PROFILE,
        Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = \"¥1390\"\ncompare_at_price = 1500\n"),
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.matches("error:").count(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("price = 1390"), "{}", run.stderr);
    assert!(!run.stderr.contains("compare_at_price without price"));
}

#[test]
fn one_did_you_mean_for_every_handle() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ag");
    let d = dir.to_str().unwrap();
    assert_eq!(biopage(&["init", "--agency", d]).code, 0);
    for typo in ["mie", "meii", "MEI"] {
        for cmd in [
            vec!["build", d, "--only", typo],
            vec!["check", d, "--only", typo],
            vec!["links", d, "--only", typo],
            vec!["serve", d, "--only", typo, "--port", "0"],
        ] {
            let run = biopage(&cmd);
            assert_ne!(run.code, 0);
            assert!(
                run.stderr.contains("did you mean \"mei\"?"),
                "{cmd:?}: {}",
                run.stderr
            );
            assert!(run.stderr.contains("= help:"), "{cmd:?}: {}", run.stderr);
        }
    }
}

#[test]
fn carets_point_at_the_character_on_lines_with_wide_text() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[[links]]\ntitle = \"小红书笔记\"\nurl = \"https://a.example/\"\nsponsored = \"yes\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    // a line with wide characters before the error
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[[links]]\ntitle = \"小红书\"; url = \"x\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let snippet = lines.iter().position(|l| l.contains("小红书")).unwrap();
    let carets = lines[snippet + 1];
    let text = lines[snippet];
    // the caret is under the `;` that TOML refuses: 小红书 are two cells each
    use unicode_width::UnicodeWidthStr as _;
    let semicolon = text[..text.find(';').unwrap()].width();
    assert_eq!(carets.find('^').unwrap(), semicolon, "{}", run.stderr);
}

#[test]
fn summaries_say_what_was_built_once() {
    let f = Fixture::new(BASE_PROFILE, None);
    let run = f.build(&[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.lines().any(|l| l.starts_with("built 1 page: ")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("creator"), "{}", run.stderr);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ag");
    let d = dir.to_str().unwrap();
    assert_eq!(biopage(&["init", "--agency", d]).code, 0);
    let out = tmp.path().join("shard");
    for i in 1..=2 {
        let run = biopage(&[
            "build",
            d,
            "-o",
            out.to_str().unwrap(),
            "--shard",
            &format!("{i}/2"),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let built: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("built"))
            .collect();
        assert_eq!(built.len(), 1, "{}", run.stderr);
        assert!(
            built[0].starts_with(&format!("built shard {i}/2: ")),
            "{}",
            built[0]
        );
    }
}

#[test]
fn long_titles_get_short_ids_and_a_hint() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[[links]]\ntitle = \"双十二护肤清单小红书笔记\"\nurl = \"https://a.example/\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(f
        .out()
        .join("go/shuang-shi-er-hu-fu-qing/index.html")
        .is_file());
    assert!(run.stderr.contains("warning[long-id]"), "{}", run.stderr);
    assert!(run.stderr.contains("profile.toml:6:"), "{}", run.stderr);
}

#[test]
fn an_empty_made_with_removes_the_credit() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[strings]\nmade_with = \"\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert!(!html.contains("biopage</"), "{html}");
    assert!(!html.contains("Tạo bằng"));
    let foot = texts(&html, "footer");
    assert_eq!(foot, vec!["@linhreview".to_string()]);
    // whitespace is still a mistake
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[strings]\nmade_with = \" \"\n"),
        None,
    );
    assert_eq!(f.build(&[]).code, 1);
}

#[test]
fn serve_explains_itself_like_the_other_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ag");
    assert_eq!(
        biopage(&["init", "--agency", dir.to_str().unwrap()]).code,
        0
    );
    let run = biopage(&["serve", dir.to_str().unwrap(), "--port", "0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains("= help: add --only linh"),
        "{}",
        run.stderr
    );
    let run = biopage(&["serve", tmp.path().join("nope").to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("= help:"), "{}", run.stderr);
}
