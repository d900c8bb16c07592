use super::apply::{apply, For};
use super::target::{targets, tier_of};
use super::*;
use crate::i18n::Lang;
use crate::model::Site;

/// A campaign read from `toml` (with a codes file `codes`) in an agency
/// whose creators are linh, mei and an.
fn campaign(toml: &str, codes: Option<&str>, tiers: Option<&str>) -> Result<Campaign, Diagnostics> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join(DIR)).unwrap();
    std::fs::write(dir.join(DIR).join("tet.toml"), toml).unwrap();
    if let Some(c) = codes {
        std::fs::write(dir.join(DIR).join("codes.csv"), c).unwrap();
    }
    let root = Root::open(dir).unwrap();
    let tiers = tiers.map(tiers_input);
    let mut all = load_all(dir, &root, &["linh", "mei", "an"], tiers.as_ref())?;
    Ok(all.remove(0))
}

fn tiers_input(toml: &str) -> TiersInput {
    let src = crate::diag::SourceFile::new(std::path::Path::new("agency.toml"), toml.to_string());
    let mut d = Diagnostics::default();
    let settings = {
        let mut doc = crate::load::Doc::new(&src, std::path::Path::new("."), None, &mut d);
        let t = doc.parse().unwrap();
        doc.report_input(t.get_ref(), true)
    };
    assert!(!d.has_errors(), "{d:?}");
    settings.tiers.unwrap()
}

fn site(extra: &str) -> Site {
    crate::resolve::testing::site(
        &format!("name = \"L\"\nhandle = \"linh\"\n{extra}\n[[links]]\nid = \"own\"\ntitle = \"Own\"\nurl = \"https://own.example/\"\n"),
        None,
    )
}

const BASE: &str = "title = \"Tết\"\nbrand = \"Brand\"\nstarts = 2027-01-20\nends = 2027-02-10\ncreators = [\"linh\"]\ncodes = \"codes.csv\"\n";

fn at(day: &str) -> i64 {
    crate::cli::parse_date(day).unwrap()
}

#[test]
fn tiers_come_from_the_profile_or_from_followers() {
    let t = tiers_input("[tiers]\nnano = 1000\nmicro = 10000\nmacro = 50000\n");
    assert_eq!(
        tier_of(&site("followers = 23000"), Some(&t))
            .unwrap()
            .as_deref(),
        Some("micro")
    );
    assert_eq!(
        tier_of(&site("followers = 50000"), Some(&t))
            .unwrap()
            .as_deref(),
        Some("macro")
    );
    assert_eq!(tier_of(&site("followers = 999"), Some(&t)).unwrap(), None);
    // a tier named outright wins over followers
    assert_eq!(
        tier_of(&site("followers = 999999\ntier = \"nano\""), Some(&t))
            .unwrap()
            .as_deref(),
        Some("nano")
    );
    assert!(tier_of(&site("tier = \"mega\""), Some(&t)).is_err());
    assert!(tier_of(&site("tier = \"nano\""), None).is_err());
    assert_eq!(tier_of(&site("followers = 5"), None).unwrap(), None);
}

#[test]
fn followers_thresholds_are_plain_numbers_unless_metric_says_otherwise() {
    // metric = orders: plain numbers are orders; only `followers` entries count
    let t = tiers_input(
        "[tiers]\nmetric = \"orders\"\nnano = 1\nmicro = { orders = 10, followers = 10000 }\n",
    );
    assert_eq!(
        t.followers_ladder(),
        vec![(
            "micro".to_string(),
            crate::report::money::Amount::from_units(10000).unwrap()
        )]
    );
    assert_eq!(
        tier_of(&site("followers = 20000"), Some(&t))
            .unwrap()
            .as_deref(),
        Some("micro")
    );
    assert_eq!(tier_of(&site("followers = 2000"), Some(&t)).unwrap(), None);
    let t = tiers_input("[tiers]\nmetric = \"followers\"\nnano = 1000\n");
    assert_eq!(
        tier_of(&site("followers = 2000"), Some(&t))
            .unwrap()
            .as_deref(),
        Some("nano")
    );
}

#[test]
fn targeting_is_the_union_of_handles_and_tiers_minus_exclude() {
    let toml = "title = \"T\"\nbrand = \"B\"\ncreators = [\"linh\"]\ntiers = [\"micro\"]\nexclude = [\"an\"]\n[[links]]\ntitle = \"x\"\nurl = \"https://x.example/\"\n";
    let c = campaign(toml, None, Some("[tiers]\nmicro = 10\n")).unwrap();
    assert!(targets(&c, "linh", None));
    assert!(targets(&c, "mei", Some("micro")));
    assert!(!targets(&c, "mei", Some("nano")));
    assert!(!targets(&c, "an", Some("micro")));
}

#[test]
fn every_placeholder_is_filled_in_everywhere_it_can_appear() {
    let toml = format!(
        "{BASE}placement = \"Deals\"\n[[products]]\nid = \"p\"\ntitle = \"Code {{code}} ({{campaign}})\"\nurl = \"https://shop.example/?c={{code}}\"\ncoupon = \"{{code}}\"\nreview = \"https://v.example/{{code}}\"\nimage_alt = \"Alt {{code}}\"\ndescription = \"Use **{{code}}**\"\nutm = {{ utm_content = \"{{code}}\" }}\n"
    );
    let c = campaign(&toml, Some("handle,code\nlinh,LINH15\n"), None).unwrap();
    let mut s = site("");
    let d = apply(
        &mut s,
        &[c],
        &For {
            handle: "linh",
            tier: None,
            lang: Lang::Vi,
            now: at("2027-01-25"),
            every_item: false,
        },
    );
    assert!(d.0.is_empty(), "{d:?}");
    let p = &s.products[0];
    assert_eq!(p.title.value, "Code LINH15 (tet)");
    assert_eq!(p.url.value, "https://shop.example/?c=LINH15");
    assert_eq!(p.coupon.as_ref().unwrap().value, "LINH15");
    assert_eq!(p.review.as_ref().unwrap().value, "https://v.example/LINH15");
    assert_eq!(p.image_alt.as_ref().unwrap().value, "Alt LINH15");
    assert_eq!(p.description.as_ref().unwrap().value, "Use **LINH15**");
    match &p.utm {
        crate::model::UtmOverride::Set(v) => assert_eq!(v[0].1.value, "LINH15"),
        other => panic!("{other:?}"),
    }
    // placement, sponsorship, the window, the mark
    assert_eq!(p.group.as_ref().unwrap().value, "Deals");
    assert_eq!(p.sponsored, Some(true));
    assert_eq!(p.starts.as_ref().unwrap().value.0, at("2027-01-20"));
    assert_eq!(p.ends.as_ref().unwrap().value.0, at("2027-02-11"));
    let mark = p.campaign.as_ref().unwrap();
    assert_eq!(
        (mark.id.as_str(), mark.code.as_deref()),
        ("tet", Some("LINH15"))
    );
    // the campaign's bounds are the site's, for incremental builds
    assert_eq!(s.bounds, vec![at("2027-01-20"), at("2027-02-11")]);
}

#[test]
fn an_items_own_schedule_is_kept_inside_the_window() {
    let toml = format!("{BASE}[[links]]\ntitle = \"x\"\nurl = \"https://x.example/\"\nstarts = 2027-01-01\nends = 2027-02-01\n");
    let c = campaign(&toml, Some("handle,code\nlinh,L\n"), None).unwrap();
    let mut s = site("");
    apply(
        &mut s,
        &[c],
        &For {
            handle: "linh",
            tier: None,
            lang: Lang::Vi,
            now: at("2027-01-25"),
            every_item: false,
        },
    );
    let l = &s.links[0];
    assert_eq!(l.starts.as_ref().unwrap().value.0, at("2027-01-20"));
    assert_eq!(l.ends.as_ref().unwrap().value.0, at("2027-02-02"));
    assert_eq!(l.id.as_ref().unwrap().value, "tet");
    assert!(l.featured);
}

#[test]
fn the_per_creator_url_replaces_the_first_link_or_fills_url() {
    let toml = format!("{BASE}[[links]]\ntitle = \"a\"\nurl = \"https://a.example/\"\n[[links]]\ntitle = \"b\"\nurl = \"https://b.example/\"\n");
    let c = campaign(
        &toml,
        Some("handle,code,url\nlinh,L,https://mine.example/l\n"),
        None,
    )
    .unwrap();
    let mut s = site("");
    apply(
        &mut s,
        &[c],
        &For {
            handle: "linh",
            tier: None,
            lang: Lang::Vi,
            now: at("2027-01-25"),
            every_item: false,
        },
    );
    let urls: Vec<&str> = s.links.iter().map(|l| l.url.value.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://mine.example/l",
            "https://b.example/",
            "https://own.example/"
        ]
    );
    let ids: Vec<&str> = s
        .links
        .iter()
        .map(|l| l.id.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(ids, vec!["tet", "tet-2", "own"]);
    // {url} puts it where it is written, and then it is required
    let toml = format!("{BASE}[[products]]\ntitle = \"a\"\nurl = \"{{url}}\"\n");
    let c = campaign(
        &toml,
        Some("handle,code,url\nlinh,L,https://mine.example/p\n"),
        None,
    )
    .unwrap();
    let mut s = site("");
    apply(
        &mut s,
        std::slice::from_ref(&c),
        &For {
            handle: "linh",
            tier: None,
            lang: Lang::Vi,
            now: at("2027-01-25"),
            every_item: false,
        },
    );
    assert_eq!(s.products[0].url.value, "https://mine.example/p");
    assert_eq!(
        s.products[0]
            .url
            .loc
            .as_ref()
            .unwrap()
            .file
            .file_name()
            .unwrap(),
        "codes.csv"
    );
    let c2 = Campaign { codes: None, ..c };
    let mut s = site("");
    let d = apply(
        &mut s,
        &[c2],
        &For {
            handle: "linh",
            tier: None,
            lang: Lang::Vi,
            now: at("2027-01-25"),
            every_item: false,
        },
    );
    assert!(d.has_errors());
}

#[test]
fn outside_the_window_nothing_is_added_except_for_the_report() {
    let toml = format!("{BASE}[[links]]\ntitle = \"x {{code}}\"\nurl = \"https://x.example/\"\n");
    let c = campaign(&toml, Some("handle,code\nlinh,L\n"), None).unwrap();
    for (day, every, n) in [
        ("2027-01-19", false, 1),
        ("2027-02-11", false, 1),
        ("2027-02-11", true, 2),
    ] {
        let mut s = site("");
        let d = apply(
            &mut s,
            std::slice::from_ref(&c),
            &For {
                handle: "linh",
                tier: None,
                lang: Lang::Vi,
                now: at(day),
                every_item: every,
            },
        );
        assert!(d.0.is_empty());
        assert_eq!(s.links.len(), n, "{day} {every}");
        assert_eq!(s.bounds.len(), 2);
    }
}

#[test]
fn file_level_problems() {
    // no codes file for {code}; no target; no items; ends before starts
    let e = campaign("title = \"T\"\nbrand = \"B\"\nstarts = 2027-02-01\nends = 2027-01-01\n[[links]]\ntitle = \"{code}\"\nurl = \"https://x.example/\"\n", None, None).unwrap_err();
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("targets no creator")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("uses {code} but names no codes file")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("`ends` is not after")),
        "{msgs:?}"
    );
    let e = campaign(
        "title = \"T\"\nbrand = \"B\"\ncreators = [\"linh\"]\n",
        None,
        None,
    )
    .unwrap_err();
    assert!(e
        .iter()
        .any(|d| d.message.contains("no [[links]] or [[products]]")));
    let e = campaign(
        &format!("{BASE}[[links]]\ntitle = \"x\"\nurl = \"javascript:alert({{code}})\"\n"),
        Some("handle,code\nlinh,L\n"),
        None,
    )
    .unwrap_err();
    assert!(e.iter().any(|d| d.message.contains("javascript")), "{e:?}");
    let e = campaign(
        &format!("{BASE}[[links]]\ntitle = \"x\"\nurl = \"https://x.example/\"\n")
            .replace("codes.csv", "../codes.csv"),
        None,
        None,
    )
    .unwrap_err();
    assert!(
        e.iter()
            .any(|d| d.message.contains("not a path inside campaigns/")),
        "{e:?}"
    );
}

#[test]
fn a_campaign_file_name_is_its_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join(DIR)).unwrap();
    std::fs::write(dir.join(DIR).join("tết sale.toml"), "").unwrap();
    let root = Root::open(dir).unwrap();
    let e = load_all(dir, &root, &[], None).unwrap_err();
    assert!(
        e.iter()
            .any(|d| d.message.contains("may only use ASCII letters")),
        "{e:?}"
    );
    // no campaigns/ folder: no campaigns
    let empty = tempfile::tempdir().unwrap();
    let root = Root::open(empty.path()).unwrap();
    assert!(load_all(empty.path(), &root, &[], None).unwrap().is_empty());
}
