//! Building fixtures and checking the HTML by parsing it.

use crate::*;
use base64::Engine as _;
use sha2::Digest;

fn site(extra_profile: &str, products: Option<&str>) -> Fixture {
    Fixture::new(&format!("{BASE_PROFILE}{extra_profile}"), products)
}

#[test]
fn tags_links_keeping_query_bytes_order_and_fragment() {
    let f = site(
        r#"
[[links]]
id = "shop"
title = "Shop"
url = "https://shopee.vn/linh.shop?sp_atk=Ab%2Fc&x=1#gia-ban"

[[links]]
id = "mine"
title = "Has its own source"
url = "https://a.example/?utm_source=newsletter"

[[links]]
id = "off"
title = "Untagged"
url = "https://b.example/x"
utm = false

[[links]]
id = "tet"
title = "Tết sale"
url = "https://c.example/"
group = "Mua sắm"
utm = { utm_campaign = "Tết 2027", utm_term = "{group}" }

[[links]]
title = "Mail"
url = "mailto:linh@example.com"
"#,
        None,
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    let links = hrefs(&html, "#links a.btn");
    assert_eq!(
        links,
        vec![
            "https://shopee.vn/linh.shop?sp_atk=Ab%2Fc&x=1&utm_source=bio&utm_medium=social&utm_campaign=linhreview&utm_content=shop#gia-ban",
            "https://a.example/?utm_source=newsletter&utm_medium=social&utm_campaign=linhreview&utm_content=mine",
            "https://b.example/x",
            "mailto:linh@example.com",
            "https://c.example/?utm_source=bio&utm_medium=social&utm_campaign=t%E1%BA%BFt-2027&utm_term=mua-s%E1%BA%AFm&utm_content=tet",
        ]
    );
}

#[test]
fn profile_tracking_overrides_defaults_and_empty_removes() {
    let f = site(
        r#"
[tracking]
utm_medium = "Link In Bio"
utm_content = ""
utm_source = "{handle}-{kind}"

[[links]]
id = "x"
title = "X"
url = "https://x.example/"
"#,
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    assert_eq!(
        hrefs(&f.read("index.html"), "#links a.btn"),
        vec!["https://x.example/?utm_source=linhreview-link&utm_medium=link-in-bio&utm_campaign=linhreview"]
    );
}

#[test]
fn featured_first_then_groups_in_order() {
    let f = site(
        r#"
[[links]]
title = "A"
url = "https://a.example/"
group = "G1"
[[links]]
title = "B"
url = "https://b.example/"
[[links]]
title = "C"
url = "https://c.example/"
featured = true
[[links]]
title = "D"
url = "https://d.example/"
group = "G1"
"#,
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    assert_eq!(texts(&html, "#links a.btn"), vec!["C", "A", "D", "B"]);
    assert_eq!(texts(&html, "#links h2"), vec!["G1"]);
    assert_eq!(
        select_attr(&html, "#links a.featured", "data-id"),
        vec!["c"]
    );
}

#[test]
fn sponsored_links_get_rel_and_a_localised_disclosure() {
    let f = site(
        r#"
[[links]]
id = "ad"
title = "Ad"
url = "https://a.example/"
sponsored = true
[[links]]
id = "plain"
title = "Plain"
url = "https://b.example/"
"#,
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "a[data-id=ad]", "rel"),
        vec!["sponsored noopener"]
    );
    assert_eq!(
        select_attr(&html, "a[data-id=plain]", "rel"),
        vec!["noopener"]
    );
    let disclosure = texts(&html, ".disclosure").join("");
    assert!(disclosure.contains("Quảng cáo"), "{disclosure}");
    assert!(disclosure.contains("hoa hồng"), "{disclosure}");

    let none = site(
        "[[links]]\ntitle = \"P\"\nurl = \"https://p.example/\"\n",
        None,
    );
    assert_eq!(none.build(&[]).code, 0);
    assert!(texts(&none.read("index.html"), ".disclosure").is_empty());
}

#[test]
fn networks_make_links_sponsored_and_wrap_them() {
    let f = site(
        r#"
[networks.shopee]
affiliate_id = "17300000000"

[[links]]
id = "shop"
title = "Shop"
url = "https://shopee.vn/linh.shop"

[[links]]
id = "direct"
title = "Direct"
url = "https://shopee.vn/other"
network = "none"
"#,
        None,
    );
    assert_eq!(f.build(&[]).code, 0, "{}", f.build(&[]).stderr);
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "a[data-id=shop]", "href"),
        vec!["https://s.shopee.vn/an_redir?origin_link=https%3A%2F%2Fshopee.vn%2Flinh.shop&affiliate_id=17300000000&sub_id=linhreview-bio-shop"]
    );
    assert_eq!(
        select_attr(&html, "a[data-id=shop]", "rel"),
        vec!["sponsored noopener"]
    );
    assert_eq!(
        select_attr(&html, "a[data-id=direct]", "rel"),
        vec!["noopener"]
    );
}

#[test]
fn schedules_and_enabled_follow_the_build_date() {
    let f = site(
        r#"
[[links]]
id = "past"
title = "Past"
url = "https://a.example/"
ends = 2026-11-23
[[links]]
id = "today-end"
title = "Ends today"
url = "https://a.example/"
ends = 2026-11-24
[[links]]
id = "future"
title = "Future"
url = "https://a.example/"
starts = 2026-11-25
[[links]]
id = "started"
title = "Started (Vietnam time)"
url = "https://a.example/"
starts = 2026-11-24T00:00:00+07:00
[[links]]
id = "off"
title = "Off"
url = "https://a.example/"
enabled = false
"#,
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let ids = select_attr(&f.read("index.html"), "#links a.btn", "data-id");
    assert_eq!(ids, vec!["today-end", "started"]);
    // a later date shows the future link and hides the one that ended
    assert_eq!(f.build(&["--date", "2026-11-26"]).code, 0);
    let ids = select_attr(&f.read("index.html"), "#links a.btn", "data-id");
    assert_eq!(ids, vec!["future", "started"]);
}

#[test]
fn product_cards_show_prices_coupon_review_and_image() {
    let f = site(
        "",
        Some(
            r#"
[[products]]
id = "serum-b5"
title = "Serum B5"
url = "https://shop.example/serum"
image = "images/serum-b5.jpg"
price = 289000
compare_at_price = 350000
currency = "VND"
coupon = "LINH10"
review = "https://www.tiktok.com/@linhreview/video/1"
description = "Dịu da **sau mụn**"
"#,
        ),
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert_eq!(texts(&html, ".card .price strong"), vec!["289.000\u{a0}₫"]);
    assert!(texts(&html, ".card .price s")[0].ends_with("350.000\u{a0}₫"));
    assert_eq!(texts(&html, ".card .off"), vec!["−17%"]);
    assert_eq!(texts(&html, ".card code"), vec!["LINH10"]);
    assert_eq!(
        hrefs(&html, ".card a.review"),
        vec!["https://www.tiktok.com/@linhreview/video/1?utm_source=bio&utm_medium=social&utm_campaign=linhreview&utm_content=serum-b5-review"]
    );
    assert_eq!(texts(&html, ".card .desc strong"), vec!["sau mụn"]);
    let src = select_attr(&html, ".card img", "src");
    assert_eq!(src.len(), 1);
    assert!(
        src[0].starts_with("/assets/serum-b5-360.") && src[0].ends_with(".jpg"),
        "{src:?}"
    );
    assert!(f.out().join(src[0].trim_start_matches('/')).is_file());
    // a 600 px source, shown at most 360 CSS px wide (see images.rs)
    assert_eq!(select_attr(&html, ".card img", "width"), vec!["360"]);
    assert_eq!(select_attr(&html, ".card img", "height"), vec!["360"]);
}

#[test]
fn short_links_redirect_pages_and_redirects_file() {
    let f = site(
        "[[links]]\nid = \"yt\"\ntitle = \"YT\"\nurl = \"https://youtube.example/watch?v=1\"\n",
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let target = "https://youtube.example/watch?v=1&utm_source=bio&utm_medium=social&utm_campaign=linhreview&utm_content=yt";
    let go = f.read("go/yt/index.html");
    assert_eq!(
        select_attr(&go, "meta[http-equiv=refresh]", "content"),
        vec![format!("0; url={target}")]
    );
    assert_eq!(
        select_attr(&go, "meta[name=robots]", "content"),
        vec!["noindex"]
    );
    assert_eq!(
        select_attr(&go, "link[rel=canonical]", "href"),
        vec![target]
    );
    assert!(f
        .read("_redirects")
        .contains(&format!("/go/yt/ {target} 302")));
}

#[test]
fn headers_csp_matches_the_inline_style_and_page_loads_nothing_else() {
    let f = site(
        "[[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\n",
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    // the raw bytes between the tags, as the browser hashes them
    let start = html.find("<style>").unwrap() + "<style>".len();
    let style = &html[start..start + html[start..].find("</style>").unwrap()];
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
    let headers = f.read("_headers");
    assert!(
        headers.contains(&format!("style-src 'sha256-{hash}'")),
        "{headers}"
    );
    assert!(headers.contains("default-src 'none'"));
    assert!(headers.contains("X-Content-Type-Options: nosniff"));
    assert!(headers.contains("Referrer-Policy: strict-origin-when-cross-origin"));
    let meta = select_attr(&html, "meta[http-equiv=Content-Security-Policy]", "content");
    assert!(meta[0].contains(&format!("'sha256-{hash}'")));
    // no script but JSON-LD, no external stylesheet, minified
    assert_eq!(
        select_attr(&html, "script", "type"),
        vec!["application/ld+json"]
    );
    assert!(select_attr(&html, "link[rel=stylesheet]", "href").is_empty());
    assert!(!html.contains("\n  "), "not minified");
}

#[test]
fn seo_files_meta_and_json_ld() {
    let f = site(
        r#"
bio = "Review **thật**."
avatar = "images/avatar.jpg"
[[socials]]
platform = "tiktok"
url = "https://www.tiktok.com/@linhreview"
"#,
        Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://s.example/p\"\nprice = 199\ncurrency = \"CNY\"\n"),
    );
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    assert_eq!(select_attr(&html, "html", "lang"), vec!["vi"]);
    assert_eq!(
        select_attr(&html, "link[rel=canonical]", "href"),
        vec!["https://linh.example/"]
    );
    assert_eq!(
        select_attr(&html, "meta[property='og:title']", "content"),
        vec!["Linh Nguyễn"]
    );
    assert_eq!(
        select_attr(&html, "meta[name=description]", "content"),
        vec!["Review thật."]
    );
    let og = select_attr(&html, "meta[property='og:image']", "content");
    assert!(
        og[0].starts_with("https://linh.example/assets/og."),
        "{og:?}"
    );
    assert_eq!(
        select_attr(&html, "meta[name='twitter:card']", "content"),
        vec!["summary_large_image"]
    );
    assert_eq!(texts(&html, ".socials a").len(), 1);
    assert_eq!(
        select_attr(&html, ".socials a", "aria-label"),
        vec!["TikTok"]
    );

    let ld = texts(&html, "script[type='application/ld+json']");
    let v: serde_json::Value = serde_json::from_str(&ld[0]).unwrap();
    let graph = v["@graph"].as_array().unwrap();
    let person = graph.iter().find(|n| n["@type"] == "Person").unwrap();
    assert_eq!(person["name"], "Linh Nguyễn");
    assert_eq!(person["sameAs"][0], "https://www.tiktok.com/@linhreview");
    assert!(graph.iter().any(|n| n["@type"] == "ProfilePage"));
    let list = graph.iter().find(|n| n["@type"] == "ItemList").unwrap();
    let offer = &list["itemListElement"][0]["item"]["offers"];
    assert_eq!(offer["price"], "199.00");
    assert_eq!(offer["priceCurrency"], "CNY");

    assert!(f
        .read("sitemap.xml")
        .contains("<loc>https://linh.example/</loc>"));
    assert!(f
        .read("robots.txt")
        .contains("Sitemap: https://linh.example/sitemap.xml"));
    let nf = f.read("404.html");
    assert_eq!(texts(&nf, "h1"), vec!["Không tìm thấy trang"]);
    assert!(f.read("favicon.svg").contains(">L<"));
}

#[test]
fn user_text_is_escaped_everywhere_it_lands() {
    // Closes every raw-text and attribute context it could land in.
    let evil =
        r#"<img src=x onerror=alert(1)>"></title></style></script><script>alert(2)</script><!--"#;
    let f = Fixture::new(
        &format!(
            r#"
base_url = "https://linh.example/"
name = '{evil}'
handle = "linh"
bio = '{evil} and <b>bold</b>'
[[links]]
id = "x"
title = '{evil}'
url = "https://a.example/"
group = '{evil}'
sponsored = true
[disclosure]
text = '{evil}'
"#
        ),
        Some(&format!("[[products]]\nid = \"p\"\ntitle = '{evil}'\nurl = \"https://s.example/\"\ncoupon = '{evil}'\ndescription = '{evil}'\n")),
    );
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "index.html",
        "404.html",
        "go/x/index.html",
        "go/p/index.html",
    ] {
        // Judged as a browser would: by parsing. (minify-html writes text with
        // the fewest escapes the HTML syntax needs, e.g. a bare `<` inside
        // <title>, which is text there.)
        let html = f.read(page);
        assert!(
            select_attr(&html, "img[src=x]", "src").is_empty(),
            "{page}: injected img"
        );
        assert!(
            select_attr(&html, "[onerror]", "onerror").is_empty(),
            "{page}: event handler attribute"
        );
        let types = select_attr(&html, "script", "type");
        assert!(
            types.iter().all(|t| t == "application/ld+json"),
            "{page}: {types:?}"
        );
    }
    let html = f.read("index.html");
    assert_eq!(texts(&html, "h1"), vec![evil]);
    assert_eq!(texts(&html, "title"), vec![format!("{evil} (@linh)")]);
    assert_eq!(
        select_attr(&html, "meta[property='og:title']", "content"),
        vec![evil]
    );
    assert_eq!(texts(&html, "a[data-id=x] span:first-child"), vec![evil]);
    assert_eq!(texts(&html, ".card code"), vec![evil]);
    let ld = texts(&html, "script[type='application/ld+json']");
    assert_eq!(ld.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&ld[0]).expect("JSON-LD stays valid JSON");
    assert_eq!(v["@graph"][1]["name"], evil);
    assert!(f.read("favicon.svg").contains("&lt;"));
}

#[test]
fn channel_pages_carry_their_channel_and_point_home() {
    let f = site(
        "[tracking]\nchannels = [\"tiktok\", \"youtube\"]\n[[links]]\nid = \"a\"\ntitle = \"A\"\nurl = \"https://a.example/\"\n",
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let tiktok = f.read("tiktok/index.html");
    assert_eq!(hrefs(&tiktok, "a[data-id=a]"), vec!["https://a.example/?utm_source=tiktok&utm_medium=social&utm_campaign=linhreview&utm_content=a"]);
    assert_eq!(
        select_attr(&tiktok, "link[rel=canonical]", "href"),
        vec!["https://linh.example/"]
    );
    assert_eq!(
        select_attr(&tiktok, "meta[name=robots]", "content"),
        vec!["noindex"]
    );
    assert!(f.read("youtube/index.html").contains("utm_source=youtube"));
    assert!(select_attr(&f.read("index.html"), "meta[name=robots]", "content").is_empty());
}

#[test]
fn base_url_flag_overrides_the_profile() {
    let f = site("", None);
    assert_eq!(
        f.build(&["--base-url", "https://preview.example/linh"])
            .code,
        0
    );
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "link[rel=canonical]", "href"),
        vec!["https://preview.example/linh/"]
    );
    assert_eq!(
        select_attr(&html, "link[rel=icon]", "href"),
        vec!["/linh/favicon.svg"]
    );
}

fn snapshot_tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
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
fn a_failed_build_leaves_the_previous_output_untouched() {
    let f = site(
        "[[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\n",
        None,
    );
    assert_eq!(f.build(&[]).code, 0);
    let before = snapshot_tree(&f.out());
    assert!(!before.is_empty());

    // bad TOML
    std::fs::write(
        f.path().join("profile.toml"),
        format!("{BASE_PROFILE}\n[[links]\n"),
    )
    .unwrap();
    assert_eq!(f.build(&[]).code, 1);
    assert_eq!(snapshot_tree(&f.out()), before);

    // a missing image
    std::fs::write(
        f.path().join("profile.toml"),
        format!("{BASE_PROFILE}avatar = \"images/nope.jpg\"\n"),
    )
    .unwrap();
    assert_eq!(f.build(&[]).code, 1);
    assert_eq!(snapshot_tree(&f.out()), before);

    // a template error in a site override
    std::fs::write(f.path().join("profile.toml"), BASE_PROFILE).unwrap();
    std::fs::create_dir(f.path().join("templates")).unwrap();
    std::fs::write(f.path().join("templates/index.html"), "{% if %}broken").unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("index.html"), "{}", run.stderr);
    assert_eq!(snapshot_tree(&f.out()), before);

    // and no staging directory is left behind
    let stray: Vec<_> = std::fs::read_dir(f.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("biopage"))
        // the image cache is meant to stay (see images.rs)
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".biopage-images"))
        // and so is the lock that keeps two builds from writing one output
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".biopage-lock"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn site_templates_override_theme_templates() {
    let f = site("", None);
    std::fs::create_dir(f.path().join("templates")).unwrap();
    std::fs::write(f.path().join("templates/index.html"), "<!DOCTYPE html><html lang=\"{{ page.lang }}\"><head>{% include \"head.html\" %}</head><body><h1 class=mine>{{ page.name }}</h1></body></html>").unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert_eq!(texts(&html, "h1.mine"), vec!["Linh Nguyễn"]);
    // go pages still come from the theme
    assert!(f.out().join("404.html").is_file());
}

#[test]
fn static_files_are_copied_and_symlinks_out_refused() {
    let f = site("", None);
    std::fs::create_dir_all(f.path().join("static/.well-known")).unwrap();
    std::fs::write(f.path().join("static/.well-known/verify.txt"), "ok").unwrap();
    assert_eq!(f.build(&[]).code, 0);
    assert_eq!(f.read(".well-known/verify.txt"), "ok");

    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret"),
            f.path().join("static/leak.txt"),
        )
        .unwrap();
        let run = f.build(&[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("outside the site directory"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn init_writes_a_site_that_builds_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-page");
    let run = biopage(&["init", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = biopage(&["build", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert_eq!(texts(&html, "h1"), vec!["Your Name"]);
    assert!(!texts(&html, ".card").is_empty());
    // init never overwrites
    let again = biopage(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("never overwrites"),
        "{}",
        again.stderr
    );
}

#[test]
fn refuses_to_build_over_the_site() {
    let f = site("", None);
    let run = f.build(&["-o", f.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(f.path().join("profile.toml").is_file());
}

#[test]
fn themes_lists_builtins() {
    let run = biopage(&["themes"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().any(|l| l.starts_with("default")));
}

/// A site's own `themes/default/` restyles the default theme; it used to
/// send the theme loader round in circles when the site was the working
/// directory (the fallback looked for "default" relative to it).
#[test]
fn a_local_theme_named_default_builds_from_the_site_directory() {
    let f = Fixture::new(
        "name = \"Local\"\nhandle = \"local\"\nbase_url = \"https://l.example/\"\n",
        None,
    );
    std::fs::create_dir_all(f.path().join("themes/default")).unwrap();
    std::fs::write(
        f.path().join("themes/default/style.css"),
        "body{color:#123456}",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_biopage"))
        .args(["build", ".", "--date", "2026-11-24"])
        .current_dir(f.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(f.path().join("public/index.html")).unwrap();
    assert!(html.contains("#123456"), "{html}");
}

#[test]
fn the_shared_partials_can_be_overridden_by_a_site() {
    let f = Fixture::new(
        &format!(
            "{BASE_PROFILE}[[links]]\nid = \"l\"\ntitle = \"L\"\nurl = \"https://l.example/\"\n"
        ),
        Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://p.example/\"\n"),
    );
    let t = f.path().join("templates");
    std::fs::create_dir(&t).unwrap();
    // one partial replaced; the theme's page and the other partials stay
    std::fs::write(
        t.join("product.html"),
        "<li class=\"mine\"><a href=\"{{ p.href }}\" data-id=\"{{ p.id }}\">{{ p.title }} #{{ index }}</a></li>",
    )
    .unwrap();
    std::fs::write(
        t.join("link.html"),
        "<li class=\"my-link\"><a href=\"{{ l.href }}\" data-id=\"{{ l.id }}\">{{ l.title }}</a></li>",
    )
    .unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert_eq!(texts(&html, "li.mine"), vec!["P #1".to_string()]);
    assert_eq!(texts(&html, "li.my-link"), vec!["L".to_string()]);
    // the tagged URLs reach the overrides
    assert!(hrefs(&html, "li.mine a")[0].starts_with("https://p.example/?utm_source=bio"));
    assert!(
        html.contains("class=foot"),
        "the footer partial is still the built-in one"
    );
}
