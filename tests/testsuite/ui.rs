//! The page's look and UI: `[style]`, `[strings]`, sensitive-content gates
//! and the coupon copier, with the CSP hashes that allow them.

use crate::*;
use base64::Engine as _;
use sha2::Digest;

fn csp_hash(s: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s.as_bytes()))
    )
}

/// The raw bytes of every inline `<script>` (not JSON-LD) and `<style>`, as
/// the browser hashes them.
fn inline_blocks(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let at = from + i + open.len();
        let Some(gt) = html[at..].find('>') else {
            break;
        };
        let attrs = &html[at..at + gt];
        let start = at + gt + 1;
        let end = start + html[start..].find(&close).unwrap();
        from = end;
        // `<script>` or `<script data-…>`, not `<scripts`, an external
        // script or JSON-LD
        if !(attrs.is_empty() || attrs.starts_with(' '))
            || attrs.contains("src=")
            || attrs.contains("ld+json")
        {
            continue;
        }
        out.push(html[start..end].to_string());
    }
    out
}

fn csp_meta(html: &str) -> String {
    select_attr(html, "meta[http-equiv=Content-Security-Policy]", "content").remove(0)
}

/// Every inline script and style of a page is allowed by its exact hash in
/// the page's policy, and in `_headers` when given.
fn assert_hashes_allowed(html: &str, headers: Option<&str>) {
    let meta = csp_meta(html);
    for tag in ["script", "style"] {
        for block in inline_blocks(html, tag) {
            let h = csp_hash(&block);
            assert!(meta.contains(&h), "{tag} {h} not in the page's CSP: {meta}");
            if let Some(headers) = headers {
                assert!(headers.contains(&h), "{tag} {h} not in _headers: {headers}");
            }
        }
    }
}

const LINKS: &str = r#"
[[links]]
id = "tiktok"
title = "TikTok"
url = "https://www.tiktok.com/@linhreview"
featured = true

[[links]]
id = "night"
title = "Kênh đêm"
url = "https://adult.example/linh"
sensitive = true
"#;

const PRODUCTS: &str = r#"
[[products]]
id = "serum"
title = "Serum B5"
url = "https://shop.example/serum"
price = 289000
coupon = "LINH10"

[[products]]
id = "toy"
title = "Đồ người lớn"
url = "https://adult.example/toy"
price = 500000
sensitive = true
"#;

#[test]
fn style_becomes_custom_properties_inside_the_hashed_style() {
    let f = Fixture::new(
        &format!(
            "{BASE_PROFILE}[tracking]\nchannels = [\"tiktok\"]\n[style]\naccent = \"#1D4ED8\"\nbuttons = \"pill\"\nbackground = \"plain\"\n{LINKS}"
        ),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    let styles = inline_blocks(&html, "style");
    assert_eq!(styles.len(), 1, "one stylesheet per page");
    let css = &styles[0];
    assert!(
        css.ends_with(":root{--accent:#1d4ed8;--on-accent:#ffffff;--btn-radius:999px;--page:var(--bg)}@media (prefers-color-scheme:dark){:root{--accent:#6183e4;--on-accent:#111111}}"),
        "{css}"
    );
    // every built-in theme reads the properties
    let headers = f.read("_headers");
    for page in ["index.html", "tiktok/index.html", "404.html"] {
        let html = f.read(page);
        assert_hashes_allowed(&html, Some(&headers));
        assert_eq!(inline_blocks(&html, "style")[0], *css, "{page}");
    }
    // without [style] the theme's stylesheet ships alone, under another hash
    let plain = Fixture::new(&format!("{BASE_PROFILE}{LINKS}"), None);
    assert_eq!(plain.build(&[]).code, 0);
    let plain_css = inline_blocks(&plain.read("index.html"), "style").remove(0);
    assert!(css.starts_with(&plain_css) && !plain_css.contains("--btn-radius:999px"));
}

#[test]
fn every_theme_reads_the_style_properties() {
    let shared = std::fs::read_to_string(repo().join("themes/shared.css")).unwrap();
    for theme in ["default", "minimal", "shop", "bold"] {
        let own =
            std::fs::read_to_string(repo().join(format!("themes/{theme}/style.css"))).unwrap();
        assert!(own.len() <= 8 * 1024, "{theme}: {} bytes", own.len());
        // what a page of the theme inlines: the shared rules, then its own
        let css = format!("{shared}{own}");
        for var in [
            "var(--accent)",
            "var(--on-accent)",
            "var(--btn-radius",
            "var(--page",
        ] {
            assert!(css.contains(var), "{theme} does not use {var}");
        }
        for rule in [".gate > summary", ".copied", "user-select: all", ".badge {"] {
            assert!(css.contains(rule), "{theme} lacks {rule}");
        }
        // and minified, as it ships in every page, it stays within 8 KB
        let f = Fixture::new(&format!("theme = \"{theme}\"\n{BASE_PROFILE}{LINKS}"), None);
        assert_eq!(f.build(&[]).code, 0);
        let inlined = inline_blocks(&f.read("index.html"), "style").remove(0);
        assert!(
            inlined.len() <= 8 * 1024,
            "{theme}: {} bytes",
            inlined.len()
        );
        assert!(
            inlined.starts_with(":root{color-scheme:light dark}"),
            "{inlined}"
        );
    }
}

#[test]
fn agency_style_is_a_default_and_root_headers_allow_every_creator() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        "base_url = \"https://bio.example/{handle}/\"\nlanguage = \"en\"\n[style]\naccent = \"#0f5132\"\nbuttons = \"square\"\n[strings]\nbuy = \"Get it\"\n",
    )
    .unwrap();
    for (h, extra, products) in [
        (
            "ann",
            "[style]\naccent = \"#6d28d9\"\n[strings]\nbuy = \"Grab it\"\n",
            true,
        ),
        ("bob", "", false),
    ] {
        let c = dir.join("creators").join(h);
        std::fs::create_dir_all(&c).unwrap();
        std::fs::write(
            c.join("profile.toml"),
            format!("name = \"{h}\"\nhandle = \"{h}\"\n{extra}[[links]]\ntitle = \"L\"\nurl = \"https://l.example/{h}\"\n"),
        )
        .unwrap();
        if products {
            std::fs::write(
                c.join("products.toml"),
                PRODUCTS.replace("sensitive = true\n", ""),
            )
            .unwrap();
        }
    }
    let out = tmp.path().join("public");
    let run = build_to(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let (ann, bob, headers) = (
        read("ann/index.html"),
        read("bob/index.html"),
        read("_headers"),
    );
    let ann_css = inline_blocks(&ann, "style").remove(0);
    let bob_css = inline_blocks(&bob, "style").remove(0);
    // the profile's accent beats the agency's; the agency's shape stays
    assert!(ann_css.contains("--accent:#6d28d9") && ann_css.contains("--btn-radius:0"));
    assert!(bob_css.contains("--accent:#0f5132") && bob_css.contains("--btn-radius:0"));
    assert_eq!(texts(&ann, "a.buy"), vec!["Grab it", "Grab it"]);
    // one policy for the whole agency: both stylesheets, ann's coupon script
    assert_hashes_allowed(&ann, Some(&headers));
    assert_hashes_allowed(&bob, Some(&headers));
    assert_eq!(inline_blocks(&ann, "script").len(), 1);
    assert!(inline_blocks(&bob, "script").is_empty());
    assert!(!csp_meta(&bob).contains("script-src"));
}

#[test]
fn bad_style_values_are_located_errors_with_a_fix() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[style]\naccent = \"pink\"\nbuttons = \"round\"\nbackground = \"url(x.png)\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let e = &run.stderr;
    for needle in [
        "`accent` must be a colour written #rgb or #rrggbb, not \"pink\"",
        "profile.toml:7:10",
        "accent = \"#e91e63\"",
        "unknown buttons \"round\"",
        "profile.toml:8:11",
        "did you mean \"rounded\"?",
        "unknown background \"url(x.png)\"",
        "profile.toml:9:14",
        "colours and images are not accepted",
    ] {
        assert!(e.contains(needle), "missing {needle:?} in:\n{e}");
    }
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[style]\naccent = \"#12345\"\nshape = \"pill\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("profile.toml:7:10") && run.stderr.contains("6 hex digits"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown key `shape` in [style]")
            && run.stderr.contains("profile.toml:8:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pale_accent_warns_with_its_location_and_buttons_still_read() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[style]\naccent = \"#ffd400\"\n{LINKS}"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[accent-contrast]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("profile.toml:7:10"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("use a darker shade, such as accent = \"#"),
        "{}",
        run.stderr
    );
    let css = inline_blocks(&f.read("index.html"), "style").remove(0);
    // dark text on the yellow button, chosen automatically
    assert!(
        css.contains("--accent:#ffd400;--on-accent:#111111"),
        "{css}"
    );
}

#[test]
fn strings_override_ui_text_and_are_escaped() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[strings]\nbuy = \"Chốt <b>đơn</b>\"\ncopied = \"Đã chép \\\"mã\\\"\"\nsensitive_item = \"Trên 18 tuổi? Bấm\"\n{LINKS}"),
        Some(PRODUCTS),
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert!(!html.contains("<b>đơn"), "user text must be escaped");
    assert_eq!(texts(&html, "a.buy")[0], "Chốt <b>đơn</b>");
    assert_eq!(
        select_attr(&html, ".coupon code", "data-copied"),
        vec!["Đã chép \"mã\""]
    );
    assert_eq!(
        texts(&html, "details.gate > summary")[0],
        "Trên 18 tuổi? Bấm"
    );
    // strings not overridden keep the language's wording
    assert_eq!(texts(&html, ".coupon")[0].split(':').next().unwrap(), "Mã");
}

#[test]
fn unknown_or_empty_string_keys_are_located_errors() {
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[strings]\nbuy = \"Mua\"\ncopyed = \"Xong\"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown key `copyed` in [strings]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("profile.toml:8:1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `copied`?"),
        "{}",
        run.stderr
    );
    let f = Fixture::new(
        &format!("{BASE_PROFILE}[strings]\nsponsored = \" \"\n"),
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("`sponsored` in [strings] must not be empty")
            && run.stderr.contains("profile.toml:7:13"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_sensitive_link_or_product_hides_its_destination_behind_a_gate() {
    let f = Fixture::new(&format!("{BASE_PROFILE}{LINKS}"), Some(PRODUCTS));
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    let doc = scraper::Html::parse_document(&html);
    let all = scraper::Selector::parse("a[href]").unwrap();
    let gated = scraper::Selector::parse("details.gate a[href]").unwrap();
    let gated_hrefs: Vec<&str> = doc
        .select(&gated)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(gated_hrefs
        .iter()
        .any(|h| h.starts_with("https://adult.example/linh?")));
    assert!(gated_hrefs
        .iter()
        .any(|h| h.starts_with("https://adult.example/toy?")));
    // every link to the gated destinations is inside a gate, and closed
    for a in doc.select(&all) {
        let href = a.value().attr("href").unwrap();
        if href.contains("adult.example") {
            assert!(gated_hrefs.contains(&href), "{href} outside a gate");
        }
    }
    assert!(select_attr(&html, "details.gate", "open").is_empty());
    // the gated destination appears nowhere else: not in JSON-LD, no short link
    assert_eq!(
        html.matches("adult.example").count(),
        gated_hrefs.len(),
        "{html}"
    );
    assert!(!f.out().join("go/night").exists() && !f.out().join("go/toy").exists());
    assert!(f.out().join("go/tiktok/index.html").exists());
    assert!(!f.read("_redirects").contains("adult.example"));
    // the summary is the confirmation, in the page's language
    assert_eq!(
        texts(&html, "details.gate > summary"),
        vec!["Dành cho người từ 18 tuổi. Mình đã đủ 18 tuổi: hiện ra"; 2]
    );
    assert_eq!(
        select_attr(&html, "meta[name=rating]", "content"),
        vec!["adult"]
    );
    // the ungated link is untouched
    assert!(hrefs(&html, "a.btn.featured")[0].starts_with("https://www.tiktok.com/@linhreview"));
    // a page with nothing sensitive carries no rating
    let plain = Fixture::new(BASE_PROFILE, None);
    assert_eq!(plain.build(&[]).code, 0);
    assert!(select_attr(&plain.read("index.html"), "meta[name=rating]", "content").is_empty());
}

#[test]
fn a_sensitive_page_gates_every_link_and_product_in_every_language() {
    for (lang, summary) in [
        (
            "en",
            "The links on this page are for adults (18+). I am 18 or older: show them",
        ),
        (
            "vi",
            "Các liên kết trên trang này dành cho người từ 18 tuổi. Mình đã đủ 18 tuổi: hiện ra",
        ),
        ("zh-Hans", "本页链接仅限成年人（18+）。我已年满 18 岁：显示"),
        ("zh-Hant", "本頁連結僅限成年人（18+）。我已年滿 18 歲：顯示"),
    ] {
        let profile = format!(
            "base_url = \"https://linh.example/\"\nlanguage = \"{lang}\"\nname = \"Linh\"\nhandle = \"linh\"\nsensitive = true\n{LINKS}"
        );
        let f = Fixture::new(&profile, Some(PRODUCTS));
        let run = f.build(&[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let html = f.read("index.html");
        assert_eq!(
            texts(&html, "details#gate > summary"),
            vec![summary],
            "{lang}"
        );
        // one gate for the page: no gates inside it
        assert_eq!(select_attr(&html, "details", "class").len(), 1, "{lang}");
        let outbound = hrefs(&html, "a[data-id]");
        assert_eq!(
            outbound.len(),
            hrefs(&html, "details#gate a[data-id]").len()
        );
        assert!(outbound.len() >= 4);
        assert_eq!(hrefs(&html, "a.skip"), vec!["#gate"]);
        assert_eq!(
            select_attr(&html, "meta[name=rating]", "content"),
            vec!["adult"]
        );
        assert!(
            !f.out().join("go").exists(),
            "no short link may skip the gate"
        );
        assert!(
            !html.contains("\"@type\":\"ItemList\""),
            "no products in JSON-LD"
        );
    }
}

#[test]
fn coupons_get_one_small_inline_copier_allowed_by_its_hash() {
    let f = Fixture::new(&format!("{BASE_PROFILE}{LINKS}"), Some(PRODUCTS));
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    let scripts = inline_blocks(&html, "script");
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    assert!(scripts[0].contains(".coupon code") && !scripts[0].contains("data-id"));
    assert!(scripts[0].len() < 1024);
    assert!(select_attr(&html, "script[src]", "src").is_empty());
    assert_hashes_allowed(&html, Some(&f.read("_headers")));
    // without JavaScript one tap selects the code; the status is announced
    assert_eq!(texts(&html, ".coupon code"), vec!["LINH10"]);
    assert_eq!(
        select_attr(&html, ".coupon code", "data-copied"),
        vec!["Đã sao chép"]
    );
    assert_eq!(
        select_attr(&html, ".coupon code + .copied", "role"),
        vec!["status"]
    );
    // no coupon, no analytics: no script at all
    let none = Fixture::new(&format!("{BASE_PROFILE}{LINKS}"), None);
    assert_eq!(none.build(&[]).code, 0);
    let html = none.read("index.html");
    assert!(inline_blocks(&html, "script").is_empty());
    assert!(!csp_meta(&html).contains("script-src"));
}

#[test]
fn coupons_and_analytics_share_one_inline_script() {
    for (provider, id) in [
        ("plausible", ""),
        ("umami", "id = \"d3b8c2f4-1111-4c6b-9c1e-0123456789ab\"\n"),
        ("goatcounter", "id = \"linh\"\n"),
        ("ga4", "id = \"G-ABC123XYZ9\"\n"),
    ] {
        let f = Fixture::new(
            &format!("{BASE_PROFILE}[analytics]\nprovider = \"{provider}\"\n{id}{LINKS}"),
            Some(PRODUCTS),
        );
        let run = f.build(&[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let html = f.read("index.html");
        let scripts = inline_blocks(&html, "script");
        assert_eq!(scripts.len(), 1, "{provider}: {scripts:?}");
        let s = &scripts[0];
        assert!(
            s.contains("a[data-id]") && s.contains(".coupon code"),
            "{provider}"
        );
        assert!(s.len() < 1024, "{provider}: {} bytes", s.len());
        assert_hashes_allowed(&html, Some(&f.read("_headers")));
        // besides it, only the provider's own script
        assert_eq!(select_attr(&html, "script[src]", "src").len(), 1);
    }
}

#[test]
fn the_profiles_disclosure_wording_beats_the_agencys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    let c = dir.join("creators").join("ann");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        "base_url = \"https://bio.example/{handle}/\"\n[disclosure]\ntext = \"Agency wording\"\n[strings]\nsponsored = \"Sponsored\"\n",
    )
    .unwrap();
    std::fs::write(
        c.join("profile.toml"),
        "name = \"Ann\"\nhandle = \"ann\"\n[strings]\ndisclosure = \"Ann's own wording\"\n[[links]]\ntitle = \"S\"\nurl = \"https://s.example/\"\nsponsored = true\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let run = build_to(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("ann/index.html")).unwrap();
    assert_eq!(
        texts(&html, "p.disclosure"),
        vec!["Sponsored Ann's own wording"]
    );
}
