//! Bad input: one test per case. Each must fail with exit status 1, name the
//! file, line and column, say what was expected, suggest a fix, and never panic.

use crate::*;

/// Builds a site and returns stderr, asserting a clean failure.
fn fails(profile: &str, products: Option<&str>) -> String {
    let f = Fixture::new(profile, products);
    let run = f.build(&[]);
    assert_eq!(
        run.code, 1,
        "expected exit 1, got {}:\n{}",
        run.code, run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        !f.out().exists(),
        "a failed first build must not create the output"
    );
    run.stderr
}

fn has(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(stderr.contains(n), "missing {n:?} in:\n{stderr}");
    }
}

#[test]
fn malformed_toml() {
    let err = fails(&format!("{BASE_PROFILE}\n[[links]\ntitle = \"x\"\n"), None);
    has(&err, &["invalid TOML", "profile.toml:7:", "help:"]);
    let err = fails(&format!("{BASE_PROFILE}\nbio = \"unterminated\n"), None);
    has(&err, &["invalid TOML", "profile.toml:7:"]);
}

#[test]
fn malformed_products_toml_names_that_file() {
    let err = fails(BASE_PROFILE, Some("[[products]]\nid = \n"));
    has(&err, &["invalid TOML", "products.toml:2:"]);
}

#[test]
fn wrong_types() {
    let err = fails(
        &format!("{BASE_PROFILE}\n[[links]]\ntitle = 5\nurl = \"https://a.example/\"\nfeatured = \"yes\"\n"),
        Some("[[products]]\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = \"289000\"\nstarts = \"2026-12-01\"\n"),
    );
    has(
        &err,
        &[
            "`title` must be a string, but it is an integer",
            "profile.toml:8:9",
            "`featured` must be true or false, but it is a string",
            "profile.toml:10:12",
            "`price` must be a number, but it is a string",
            "products.toml:4:9",
            "price = 289000",
            "`starts` must be a date or date-time",
            "products.toml:5:10",
        ],
    );
}

#[test]
fn unknown_keys_with_did_you_mean() {
    let err = fails(
        &format!("{BASE_PROFILE}avtar = \"images/avatar.jpg\"\n[tracking]\nutm_sorce = \"x\"\n[[links]]\ntitle = \"a\"\nurl = \"https://a.example/\"\nfeatued = true\n"),
        Some("[[products]]\ntitle = \"P\"\nurl = \"https://a.example/\"\ncoupn = \"X\"\n"),
    );
    has(
        &err,
        &[
            "unknown key `avtar` in profile.toml",
            "profile.toml:6:1",
            "did you mean `avatar`?",
            "unknown key `utm_sorce` in [tracking]",
            "did you mean `utm_source`?",
            "unknown key `featued` in [[links]] #1",
            "did you mean `featured`?",
            "unknown key `coupn` in [[products]] #1",
            "products.toml:4:1",
            "did you mean `coupon`?",
        ],
    );
}

#[test]
fn missing_required_keys() {
    let err = fails(
        "base_url = \"https://a.example/\"\n[[links]]\ntitle = \"no url\"\n[[socials]]\nurl = \"https://x.example\"\n",
        None,
    );
    has(
        &err,
        &[
            "missing required key `name` in profile.toml",
            "missing required key `handle` in profile.toml",
            "missing required key `url` in [[links]] #1",
            "profile.toml:2:1",
            "add `url = \"…\"`",
            "missing required key `platform` in [[socials]] #1",
        ],
    );
}

#[test]
fn missing_profile_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let run = biopage(&["build", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    has(&run.stderr, &["profile.toml not found", "biopage init"]);
}

#[test]
fn duplicate_ids_across_links_and_products() {
    let err = fails(
        &format!("{BASE_PROFILE}\n[[links]]\nid = \"serum\"\ntitle = \"a\"\nurl = \"https://a.example/\"\n"),
        Some("[[products]]\nid = \"serum\"\ntitle = \"P\"\nurl = \"https://a.example/\"\n"),
    );
    has(
        &err,
        &[
            "duplicate id \"serum\"",
            "products.toml:2:6",
            "first used at",
            "profile.toml:8:6",
        ],
    );
}

#[test]
fn dangerous_schemes_in_every_url_field_and_any_spelling() {
    let err = fails(
        &format!(
            "{BASE_PROFILE}bio = \"[x](vbscript:msgbox)\"\n[[socials]]\nplatform = \"x\"\nurl = \"DATA:text/html,hi\"\n[[links]]\ntitle = \"a\"\nurl = \"JaVaScRiPt:alert(1)\"\n[[links]]\ntitle = \"b\"\nurl = \"  javascript:alert(1)\"\n[[links]]\ntitle = \"c\"\nurl = \"file:///etc/passwd\"\n"
        ),
        Some("[[products]]\ntitle = \"P\"\nurl = \"data:text/html;base64,PHNjcmlwdD4=\"\nreview = \"jav&#x09;ascript:x\"\n"),
    );
    has(
        &err,
        &[
            "the URL scheme \"data:\" is not allowed",
            "profile.toml:9:7",
            "the URL scheme \"javascript:\" is not allowed",
            "profile.toml:12:7",
            "profile.toml:15:7",
            "the URL scheme \"file:\" is not allowed",
            "profile.toml:18:7",
            "products.toml:3:7",
            "a link in the bio",
            "vbscript",
            "only http://, https://, mailto: and tel:",
        ],
    );
    // the review field is checked too (here: not a URL at all)
    has(&err, &["review:", "products.toml:4:10"]);
}

#[test]
fn relative_urls_get_a_suggestion() {
    let err = fails(
        &format!("{BASE_PROFILE}[[links]]\ntitle = \"a\"\nurl = \"shopee.vn/linh\"\n"),
        None,
    );
    has(&err, &["not an absolute URL", "https://shopee.vn/linh"]);
}

#[test]
fn image_paths_absolute_escaping_missing_or_not_images() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}avatar = \"/etc/passwd\"\n"),
        Some(
            "[[products]]\ntitle = \"A\"\nurl = \"https://a.example/\"\nimage = \"../outside.jpg\"\n\
             [[products]]\ntitle = \"B\"\nurl = \"https://a.example/\"\nimage = \"images/serum.jpg\"\n\
             [[products]]\ntitle = \"C\"\nurl = \"https://a.example/\"\nimage = \"images/fake.jpg\"\n\
             [[products]]\ntitle = \"D\"\nurl = \"https://a.example/\"\nimage = \"images/truncated.jpg\"\n",
        ),
    );
    std::fs::write(
        f.path().join("images/fake.jpg"),
        "<html>not an image</html>",
    )
    .unwrap();
    let real = std::fs::read(f.path().join("images/serum-b5.jpg")).unwrap();
    std::fs::write(f.path().join("images/truncated.jpg"), &real[..20]).unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    has(
        &run.stderr,
        &[
            "the image path \"/etc/passwd\" is absolute",
            "profile.toml:6:10",
            "the image path \"../outside.jpg\" leaves the site directory",
            "products.toml:4:9",
            "the image \"images/serum.jpg\" does not exist",
            "did you mean \"images/serum-b5.jpg\"?",
            "\"images/fake.jpg\" is not an image",
            "images/truncated.jpg",
        ],
    );
}

#[cfg(unix)]
#[test]
fn image_symlinked_out_of_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("example-site/images/avatar.jpg"),
        outside.path().join("a.jpg"),
    )
    .unwrap();
    let f = Fixture::new(
        &format!("{BASE_PROFILE}avatar = \"images/link.jpg\"\n"),
        None,
    );
    std::os::unix::fs::symlink(
        outside.path().join("a.jpg"),
        f.path().join("images/link.jpg"),
    )
    .unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    has(
        &run.stderr,
        &["outside the site directory", "profile.toml:6:10"],
    );
}

#[test]
fn unknown_currency_and_language() {
    let err = fails(
        "base_url = \"https://a.example/\"\nlanguage = \"vn\"\nname = \"L\"\nhandle = \"l\"\n",
        Some("[[products]]\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = 10\ncurrency = \"VNDD\"\n"),
    );
    has(
        &err,
        &[
            "unknown language \"vn\"",
            "profile.toml:2:12",
            "did you mean \"vi\"? Supported",
            "unknown currency \"VNDD\"",
            "products.toml:5:12",
            "did you mean \"VND\"?",
        ],
    );
}

#[test]
fn invalid_handle_and_id() {
    let err = fails(
        "base_url = \"https://a.example/\"\nname = \"L\"\nhandle = \"Linh Review\"\n[[links]]\nid = \"../x\"\ntitle = \"a\"\nurl = \"https://a.example/\"\n",
        None,
    );
    has(
        &err,
        &[
            "the handle \"Linh Review\"",
            "linh-review",
            "the id \"../x\"",
            "profile.toml:5:6",
        ],
    );
}

#[test]
fn invalid_utf8_is_located() {
    let f = Fixture::new(BASE_PROFILE, None);
    let mut bytes = BASE_PROFILE.as_bytes().to_vec();
    bytes.extend_from_slice(b"bio = \"ok \xff\xfe\"\n");
    std::fs::write(f.path().join("profile.toml"), bytes).unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    has(&run.stderr, &["not valid UTF-8", "profile.toml:6:11"]);
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let err = fails(
        "base_url = \"https://a.example/\"\nlanguage = \"xx\"\nname = \"L\"\nhandle = \"l\"\nbogus = 1\n[[links]]\ntitle = \"a\"\nurl = \"javascript:x\"\n",
        Some("[[products]]\ntitle = \"P\"\nurl = \"https://a.example/\"\ncurrency = \"ABC\"\n"),
    );
    assert!(err.contains("the build failed with 4 errors"), "{err}");
}

#[test]
fn bad_date_flag_is_a_usage_error() {
    let f = Fixture::new(BASE_PROFILE, None);
    let run = biopage(&["build", f.path().to_str().unwrap(), "--date", "tomorrow"]);
    assert_eq!(run.code, 2);
    has(&run.stderr, &["not a date"]);
}
