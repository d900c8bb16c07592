use super::*;

/// A minimal RFC 4180 reader, to check the writer round-trips.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                c => field.push(c),
            }
        }
    }
    records
}

fn row(title: &str) -> Row {
    Row {
        page: "https://linh.example/".into(),
        channel: "bio".into(),
        id: "x".into(),
        kind: Kind::Link,
        title: title.into(),
        destination: "https://a.example/?a=1&b=2".into(),
        tagged: "https://a.example/?a=1&b=2&utm_source=bio".into(),
        short: String::new(),
        network: String::new(),
        sponsored: true,
    }
}

#[test]
fn csv_quotes_commas_quotes_and_newlines() {
    let rows = vec![
        row("plain"),
        row("a, b"),
        row("say \"hi\""),
        row("line\nbreak"),
        row("cr\r\nlf"),
        row("Sale 12.12 — mã giảm giá 🔥"),
        row(""),
    ];
    let csv = to_csv(&rows);
    assert!(csv
        .starts_with("page,channel,id,kind,title,destination,tagged,short,network,sponsored\r\n"));
    assert!(csv.contains(",\"a, b\","));
    assert!(csv.contains(",\"say \"\"hi\"\"\","));
    assert!(csv.contains(",\"line\nbreak\","));
    assert!(csv.contains(",link,plain,"));
    assert!(csv.ends_with(",true\r\n"));
    let parsed = parse_csv(&csv);
    assert_eq!(parsed.len(), rows.len() + 1);
    assert_eq!(parsed[0], COLUMNS);
    for (r, p) in rows.iter().zip(&parsed[1..]) {
        assert_eq!(p, &r.values().map(String::from).to_vec());
    }
}

#[test]
fn joined_parts_are_the_whole_as_json_and_csv() {
    let (a, b) = (vec![row("a"), row("b \"q\"")], vec![row("c")]);
    let all: Vec<Row> = a.iter().chain(&b).cloned().collect();
    let items: Vec<String> = [&a[..], &[], &b[..]]
        .iter()
        .filter_map(|r| json_items(r))
        .collect();
    let joined = json_array(items).concat();
    assert_eq!(joined, to_json(&all));
    assert_eq!(json_array([]).concat(), to_json(&[]));
    assert_eq!(format!("{}{}", to_csv(&a), csv_records(&b)), to_csv(&all));
}

#[test]
fn json_has_the_columns_in_order() {
    let json = to_json(&[row("a \"b\"")]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let obj = v[0].as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>().len(), COLUMNS.len());
    let mut at = 0;
    for c in COLUMNS {
        let pos = json.find(&format!("\"{c}\":")).unwrap();
        assert!(pos > at, "{c} out of order");
        at = pos;
    }
    assert_eq!(v[0]["sponsored"], true);
    assert_eq!(v[0]["kind"], "link");
    let back: Vec<Row> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, vec![row("a \"b\"")]);
    assert_eq!(to_json(&[]), "[]\n");
}

#[test]
fn links_are_read_from_rendered_markdown() {
    let html = crate::markdown::render(
        "Hi [my **shop**](https://a.example/?x=1&y='2') and <https://b.example> [m](mailto:a@b.example)",
        |u| Ok(format!("{u}#t")),
    )
    .unwrap();
    let links = html_links(&html);
    assert_eq!(
        links,
        vec![
            HtmlLink {
                href: "https://a.example/?x=1&y='2'#t".into(),
                text: "my shop".into()
            },
            HtmlLink {
                href: "https://b.example#t".into(),
                text: "https://b.example".into()
            },
            HtmlLink {
                href: "mailto:a@b.example#t".into(),
                text: "m".into()
            },
        ]
    );
    assert!(html_links("<a data-href=\"x\">no</a><a ").is_empty());
    assert_eq!(unescape("&amp;&lt;&#x27;&#39;&bogus;&"), "&<''&bogus;&");
}

fn site(profile: &str, products: &str) -> (tempfile::TempDir, Site, Resolved) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("profile.toml"), profile).unwrap();
    std::fs::write(dir.path().join("products.toml"), products).unwrap();
    let site = crate::load::load_site(dir.path()).unwrap();
    let resolved =
        crate::resolve::resolve(&site, None, &crate::resolve::Options::default()).unwrap();
    (dir, site, resolved)
}

const PROFILE: &str = r#"
base_url = "https://linh.example/"
name = "Linh"
handle = "linh"
bio = "Watch [my videos](https://v.example/linh?a=1) or [mail](mailto:a@b.example)"

[tracking]
channels = ["tiktok"]

[networks.shopee]
affiliate_id = "173"

[[socials]]
platform = "tiktok"
url = "https://www.tiktok.com/@linh"

[[links]]
title = "Grouped, \"quoted\""
url = "https://g.example/"
group = "G"

[[links]]
id = "shop"
title = "Shop"
url = "https://shopee.vn/linh"
featured = true

[[links]]
id = "call"
title = "Call"
url = "tel:+84901234567"
"#;

const PRODUCTS: &str = r#"
[[products]]
title = "Serum"
url = "https://shopee.vn/product/1/2"
review = "https://v.example/review"
description = "See [the test](https://t.example/x)."
"#;

#[test]
fn rows_cover_every_link_of_every_page_in_order() {
    let (_dir, site, resolved) = site(PROFILE, PRODUCTS);
    let rows = rows(&site, &resolved);
    let summary: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r.channel.as_str(), r.kind.as_str(), r.id.as_str()))
        .collect();
    let one_page = |c| {
        vec![
            (c, "bio", "bio"),
            (c, "bio", "bio"),
            (c, "social", "tiktok"),
            (c, "link", "shop"),
            (c, "link", "grouped-quoted"),
            (c, "link", "call"),
            (c, "product", "serum"),
            (c, "review", "serum-review"),
            (c, "description", "serum"),
        ]
    };
    let mut expected = one_page("bio");
    expected.extend(one_page("tiktok"));
    assert_eq!(summary, expected);

    let bio = &rows[0];
    assert_eq!(bio.page, "https://linh.example/");
    assert_eq!(bio.title, "my videos");
    assert_eq!(bio.destination, "https://v.example/linh?a=1");
    assert!(bio
        .tagged
        .starts_with("https://v.example/linh?a=1&utm_source=bio"));
    assert_eq!(rows[1].destination, "mailto:a@b.example");
    assert_eq!(rows[1].tagged, "mailto:a@b.example");

    let shop = &rows[3];
    assert_eq!(shop.network, "shopee");
    assert!(shop.sponsored);
    assert_eq!(shop.short, "https://linh.example/go/shop/");
    assert_eq!(shop.destination, "https://shopee.vn/linh");
    assert!(shop
        .tagged
        .starts_with("https://s.shopee.vn/an_redir?origin_link="));

    let call = &rows[5];
    assert_eq!(call.short, "");
    assert_eq!(call.tagged, "tel:+84901234567");
    assert!(!call.sponsored);

    let review = &rows[7];
    assert_eq!(review.destination, "https://v.example/review");
    assert!(review.tagged.contains("utm_content=serum-review"));
    let desc = &rows[8];
    assert_eq!(desc.title, "the test");
    assert_eq!(desc.destination, "https://t.example/x");
    assert!(desc
        .tagged
        .starts_with("https://t.example/x?utm_source=bio"));

    let tiktok = &rows[9..];
    assert!(tiktok
        .iter()
        .all(|r| r.page == "https://linh.example/tiktok/"));
    assert!(tiktok[0].tagged.contains("utm_source=tiktok"));
    // the same short link: /go/ redirects to the main page's links
    assert_eq!(tiktok[3].short, "https://linh.example/go/shop/");

    // stable
    assert_eq!(rows, super::rows(&site, &resolved));
    let csv = to_csv(&rows);
    assert_eq!(parse_csv(&csv).len(), rows.len() + 1);
    assert!(csv.contains("\"Grouped, \"\"quoted\"\"\""));
}
