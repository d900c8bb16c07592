use super::limits::{self, Stats};
use super::*;

#[test]
fn hosts_parse_by_name_and_say_what_they_need() {
    for h in Host::ALL {
        assert_eq!(Host::parse(h.name()), Some(h));
    }
    assert_eq!(Host::parse("Netlify"), Some(Host::Netlify));
    assert_eq!(Host::parse("NGINX"), Some(Host::Nginx));
    assert_eq!(Host::parse("GitHub_Pages"), Some(Host::GithubPages));
    assert_eq!(Host::parse("gh-pages"), Some(Host::GithubPages));
    assert_eq!(Host::parse(" Cloudflare-Pages "), Some(Host::Cloudflare));
    assert_eq!(Host::parse("S3"), Some(Host::S3));
    assert_eq!(Host::parse("ngnix"), None);
    assert_eq!(Host::parse("vercel"), None);
    assert_eq!(Host::Nginx.default_go_pages(), GoPages::None);
    assert_eq!(Host::Caddy.default_go_pages(), GoPages::None);
    for h in [
        Host::Cloudflare,
        Host::Netlify,
        Host::GithubPages,
        Host::S3,
        Host::Static,
    ] {
        assert_eq!(h.default_go_pages(), GoPages::All, "{h}");
    }
    assert!(!Host::GithubPages.redirects() && !Host::S3.redirects() && !Host::Static.redirects());
    assert!(GoPages::Products.page_for(true) && !GoPages::Products.page_for(false));
    assert_eq!(GoPages::parse_word("products"), Some(GoPages::Products));
    assert_eq!(GoPages::parse_word("none"), None);
    // the keys of the modes that existed before are the booleans' bytes
    assert_eq!((GoPages::All.key(), GoPages::None.key()), (1, 0));
}

#[test]
fn github_pages_addresses_come_from_owner_and_repository() {
    assert_eq!(
        github_pages_url("Linh-Review/bio").as_deref(),
        Some("https://linh-review.github.io/bio/")
    );
    assert_eq!(
        github_pages_url("linh/Linh.github.io").as_deref(),
        Some("https://linh.github.io/")
    );
    for bad in [
        "",
        "linh",
        "linh/",
        "/bio",
        "li nh/bio",
        "linh/..",
        "a/b/c",
        "evil.com/x",
    ] {
        assert_eq!(github_pages_url(bad), None, "{bad}");
    }
}

#[test]
fn nginx_quoting_leaves_nothing_for_nginx_to_expand() {
    assert_eq!(nginx::quote(r#"a"b\c$d"#), r#""a\"b\\c%24d""#);
    assert_eq!(caddy::quote("x{y}\"z"), r#""x\{y\}\"z""#);
}

#[test]
fn rules_are_read_from_redirect_lines() {
    let parts = [
        ("# c\n/a/go/x/ https://x.example/ 302\n", true),
        ("/b/go/y/ https://y.example/?q=1 302\n", false),
    ];
    let r: Vec<_> = rules(&parts).collect();
    assert_eq!(
        r,
        [
            ("/a/go/x/", "https://x.example/"),
            ("/b/go/y/", "https://y.example/?q=1")
        ]
    );
}

#[test]
fn s3_types_and_caching() {
    assert_eq!(s3::content_type("a/index.html"), "text/html; charset=utf-8");
    assert_eq!(s3::content_type("favicon.ICO"), "image/x-icon");
    assert_eq!(s3::content_type("x.unknown"), "application/octet-stream");
    let m = s3::metadata(
        &["assets/a.webp".into(), "index.html".into(), s3::FILE.into()],
        false,
    );
    let v: serde_json::Value = serde_json::from_str(&m).unwrap();
    assert_eq!(v["files"].as_object().unwrap().len(), 2);
    assert_eq!(
        v["files"]["assets/a.webp"]["cache_control"],
        crate::files::ASSET_CACHE
    );
    assert_eq!(v["files"]["index.html"]["cache_control"], s3::PAGE_CACHE);
    // in an agency, each creator's assets/ is fingerprinted too
    let m = s3::metadata(&["linh/assets/a.png".into(), "assets/x.png".into()], true);
    let v: serde_json::Value = serde_json::from_str(&m).unwrap();
    assert_eq!(
        v["files"]["linh/assets/a.png"]["cache_control"],
        crate::files::ASSET_CACHE
    );
}

#[test]
fn limits_warn_with_codes_numbers_and_how_many_shards() {
    let stats = Stats {
        files: 410_004,
        bytes: 3_100_000_000,
        largest: (30 * 1024 * 1024, "linh/static/big.zip".into()),
        fullest_dir: (10_004, String::new()),
        redirect_rules: 2_500,
        header_rules: 101,
        creators: 10_000,
        estimated: false,
    };
    let w = limits::check(Host::Cloudflare, &stats, None);
    let codes: Vec<&str> = w.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "host-files",
            "host-file-size",
            "host-redirects",
            "host-headers"
        ]
    );
    assert!(
        w[0].message.contains("410,004") && w[0].message.contains("20,000"),
        "{}",
        w[0].message
    );
    assert!(w[1].message.contains("linh/static/big.zip") && w[1].message.contains("30.0 MiB"));
    // 410,004 files in deployments of at most 18,000 (a tenth kept free)
    assert!(
        w[0].help.as_deref().unwrap().contains("--shard I/23"),
        "{:?}",
        w[0].help
    );
    // past both the file and the rule limits, fewer pages (more rules) and
    // more pages (more files) are both wrong advice: only splitting helps
    for d in &w[..] {
        let help = d.help.as_deref().unwrap_or_default();
        assert!(!help.contains("go_pages"), "{}: {help}", d.code);
    }
    assert!(w[2].help.as_deref().unwrap().contains("--shard I/23"));
    // past one of them, the other remedy is offered
    let files_only = Stats {
        redirect_rules: 100,
        ..stats.clone()
    };
    let w = limits::check(Host::Cloudflare, &files_only, None);
    assert!(w[0]
        .help
        .as_deref()
        .unwrap()
        .contains("go_pages = \"products\""));
    let rules_only = Stats {
        files: 1_000,
        ..stats.clone()
    };
    let w = limits::check(Host::Cloudflare, &rules_only, None);
    let rules = w.iter().find(|d| d.code == "host-redirects").unwrap();
    assert!(rules
        .help
        .as_deref()
        .unwrap()
        .contains("go_pages = \"all\""));
    let w = limits::check(Host::GithubPages, &stats, None);
    let codes: Vec<&str> = w.iter().map(|d| d.code).collect();
    // (30 MiB is within GitHub's 100 MiB per file)
    assert_eq!(codes, ["host-site-size"]);
    assert!(
        w[0].message.contains("3.10 GB") && w[0].message.contains("1.00 GB"),
        "{}",
        w[0].message
    );
    assert!(
        w[0].help.as_deref().unwrap().contains("--shard I/4"),
        "{:?}",
        w[0].help
    );
    // nothing past Netlify's limits but none at all for nginx
    assert!(limits::check(Host::Netlify, &stats, None).is_empty());
    assert!(limits::check(Host::Nginx, &stats, None).is_empty());
    let full = Stats {
        fullest_dir: (60_000, "x".into()),
        ..stats.clone()
    };
    let w = limits::check(Host::Netlify, &full, None);
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("x/ holds 60,000"), "{}", w[0].message);
    // within every limit: nothing
    let small = Stats {
        files: 41,
        bytes: 300_000,
        largest: (60_000, "og.png".into()),
        ..Stats::default()
    };
    assert!(Host::ALL
        .iter()
        .all(|h| limits::check(*h, &small, None).is_empty()));
}

#[test]
fn numbers_read_as_people_write_them() {
    assert_eq!(limits::thousands(0), "0");
    assert_eq!(limits::thousands(999), "999");
    assert_eq!(limits::thousands(20_000), "20,000");
    assert_eq!(limits::thousands(1_234_567), "1,234,567");
    assert_eq!(limits::bytes(512), "512 bytes");
    assert_eq!(limits::bytes(25 * 1024 * 1024), "25.0 MiB");
}

#[test]
fn one_site_past_a_limit_is_told_to_publish_less_not_to_shard() {
    let site = Stats {
        files: 25_000,
        bytes: 2_000_000_000,
        creators: 0,
        ..Stats::default()
    };
    let w = limits::check(Host::GithubPages, &site, None);
    assert!(!w.is_empty());
    for d in &w {
        let help = d.help.as_deref().unwrap_or_default();
        assert!(
            help.contains("static/") && !help.contains("--shard"),
            "{}: {help}",
            d.code
        );
    }
    let agency = Stats {
        creators: 100,
        ..site
    };
    for d in limits::check(Host::GithubPages, &agency, None) {
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("--shard"), "{}: {help}", d.code);
    }
}
