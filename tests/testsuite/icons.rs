//! Social icons on the built page: every platform the README promises gets
//! its own inline SVG in every built-in theme; mailto: links get the email
//! icon and unknown platforms the generic website icon. Only the icons the
//! page uses are inlined.

use crate::{Fixture, BASE_PROFILE};
use biopage::icons;

/// (platform as a creator writes it, URL, the icon's slug, the accessible name).
const SOCIALS: &[(&str, &str, &str, &str)] = &[
    (
        "TikTok",
        "https://www.tiktok.com/@linhreview",
        "tiktok",
        "TikTok",
    ),
    (
        "youtube",
        "https://www.youtube.com/@linhreview",
        "youtube",
        "YouTube",
    ),
    (
        "facebook",
        "https://www.facebook.com/linhreview",
        "facebook",
        "Facebook",
    ),
    (
        "instagram",
        "https://www.instagram.com/linhreview/",
        "instagram",
        "Instagram",
    ),
    ("zalo", "https://zalo.me/0901234567", "zalo", "Zalo"),
    ("shopee", "https://shopee.vn/linhreview", "shopee", "Shopee"),
    (
        "lazada",
        "https://www.lazada.vn/shop/linhreview",
        "lazada",
        "Lazada",
    ),
    ("twitter", "https://x.com/linhreview", "x", "X"),
    (
        "threads",
        "https://www.threads.net/@linhreview",
        "threads",
        "Threads",
    ),
    (
        "telegram",
        "https://t.me/linhreview",
        "telegram",
        "Telegram",
    ),
    (
        "xiaohongshu",
        "https://www.xiaohongshu.com/user/profile/1",
        "xiaohongshu",
        "Xiaohongshu",
    ),
    (
        "douyin",
        "https://www.douyin.com/user/linhreview",
        "douyin",
        "Douyin",
    ),
    (
        "bilibili",
        "https://space.bilibili.com/1",
        "bilibili",
        "Bilibili",
    ),
    (
        "weibo",
        "https://weibo.com/linhreview",
        "sinaweibo",
        "Sina Weibo",
    ),
    (
        "wechat",
        "https://u.wechat.com/linhreview",
        "wechat",
        "WeChat",
    ),
    ("email", "mailto:linh@linh.example", "email", "Email"),
    (
        "website",
        "https://linh.example/about",
        "website",
        "Website",
    ),
    (
        "linkedin",
        "https://www.linkedin.com/in/linhreview",
        "linkedin",
        "LinkedIn",
    ),
    (
        "amazon",
        "https://www.amazon.com/shop/linhreview",
        "amazon",
        "Amazon",
    ),
    (
        "tiki",
        "https://tiki.vn/cua-hang/linhreview",
        "tiki",
        "Tiki",
    ),
    // a platform no icon set knows, with a mailto: URL: the email icon
    ("Liên hệ", "mailto:hoptac@linh.example", "email", "Liên hệ"),
    // a platform no icon set knows: the generic website icon
    (
        "My Blog",
        "https://blog.linh.example/",
        "website",
        "My Blog",
    ),
];

fn profile(theme: &str) -> String {
    let mut p = format!("theme = \"{theme}\"\n{BASE_PROFILE}");
    for (platform, url, _, _) in SOCIALS {
        p.push_str(&format!(
            "\n[[socials]]\nplatform = \"{platform}\"\nurl = \"{url}\"\n"
        ));
    }
    p
}

/// (aria-label, title, svg aria-hidden, path d) of each social button.
fn social_buttons(html: &str) -> Vec<(String, String, String, String)> {
    let doc = scraper::Html::parse_document(html);
    let a = scraper::Selector::parse(".socials a").unwrap();
    let svg = scraper::Selector::parse("svg").unwrap();
    let path = scraper::Selector::parse("svg > path").unwrap();
    doc.select(&a)
        .map(|e| {
            let attr = |n: &str| e.value().attr(n).unwrap_or_default().to_string();
            // `n` of the first element inside the link that `sel` matches
            let inner = |sel: &scraper::Selector, n: &str| {
                e.select(sel)
                    .next()
                    .and_then(|x| x.value().attr(n))
                    .unwrap_or_default()
                    .to_string()
            };
            (
                attr("aria-label"),
                attr("title"),
                inner(&svg, "aria-hidden"),
                inner(&path, "d"),
            )
        })
        .collect()
}

#[test]
fn every_promised_platform_renders_its_icon_in_every_theme() {
    for theme in ["default", "minimal", "shop", "bold"] {
        let f = Fixture::new(&profile(theme), None);
        let run = f.build(&["-q"]);
        assert_eq!(run.code, 0, "{theme}: {}", run.stderr);
        let html = f.read("index.html");
        let buttons = social_buttons(&html);
        assert_eq!(
            buttons.len(),
            SOCIALS.len(),
            "{theme}: one button per social"
        );
        for ((platform, _, slug, name), (label, title, hidden, d)) in SOCIALS.iter().zip(&buttons) {
            let icon = icons::lookup(slug).unwrap_or_else(|| panic!("no icon {slug}"));
            // the link carries the name; the icon is decoration
            assert_eq!(label, name, "{theme} {platform}: aria-label");
            assert_eq!(title, name, "{theme} {platform}: title");
            assert_eq!(hidden, "true", "{theme} {platform}: svg aria-hidden");
            assert!(!d.is_empty(), "{theme} {platform}: no svg path");
            assert_eq!(d, icon.path, "{theme} {platform}: expected the {slug} icon");
        }
    }
}

#[test]
fn only_the_icons_the_page_uses_are_inlined() {
    let f = Fixture::new(
        &format!(
            "{BASE_PROFILE}\n[[socials]]\nplatform = \"zalo\"\nurl = \"https://zalo.me/0901234567\"\n"
        ),
        None,
    );
    let run = f.build(&["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert!(html.contains(icons::lookup("zalo").unwrap().path));
    for icon in icons::ICONS.iter().filter(|i| i.slug != "zalo") {
        assert!(
            !html.contains(icon.path),
            "the {} icon is inlined though no social uses it",
            icon.slug
        );
    }
}
