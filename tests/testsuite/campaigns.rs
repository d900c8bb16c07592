//! Campaigns: one file rolls a brand deal out to many creators of an
//! agency, each with an exclusive code, for a window of dates.

use crate::*;
use std::path::{Path, PathBuf};

const AGENCY: &str = r#"
base_url = "https://bio.example/{handle}/"
language = "vi"
[tracking]
channels = ["tiktok"]
[tiers]
nano = 1000
micro = 10000
macro = 50000
"#;

const CAMPAIGN: &str = r#"title = "Anessa — mùa hè 2026"
brand = "Anessa"
starts = 2026-12-01
ends = 2026-12-31
sponsored = true
creators = ["mei"]
tiers = ["micro", "macro"]
exclude = ["an"]
codes = "anessa-codes.csv"
placement = "featured"
utm = { utm_campaign = "{campaign}" }

[[links]]
title = "Anessa: giảm 15% với mã {code}"
url = "https://shopee.vn/anessa-official?voucher={code}"

[[products]]
id = "anessa-gel"
title = "Anessa Perfect UV Sunscreen Skincare Gel"
url = "https://shopee.vn/product/123/456"
price = 459000
coupon = "{code}"
"#;

const CODES: &str =
    "handle,code,url\nlinh,LINH15,\nmei,MEI15,https://shopee.vn/anessa-mei\nan,AN15,\n";

/// An agency with linh (micro by followers), mei (nano by name), an (macro
/// by followers, excluded) and tu (no tier), and the campaign "anessa".
struct Agency {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Agency {
    fn new() -> Agency {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("agency");
        write(&dir.join("agency.toml"), AGENCY);
        for (h, extra) in [
            ("linh", "followers = 23000"),
            ("mei", "tier = \"nano\"\nlanguage = \"zh-Hans\""),
            ("an", "followers = 60000"),
            ("tu", "followers = 500"),
        ] {
            write(
                &dir.join("creators").join(h).join("profile.toml"),
                &format!("name = \"{h}\"\nhandle = \"{h}\"\n{extra}\n\n[[links]]\nid = \"own\"\ntitle = \"Own\"\nurl = \"https://own.example/{h}\"\n"),
            );
        }
        write(&dir.join("campaigns/anessa.toml"), CAMPAIGN);
        write(&dir.join("campaigns/anessa-codes.csv"), CODES);
        Agency { _tmp: tmp, dir }
    }

    fn path(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    fn out(&self) -> PathBuf {
        self.dir.join("public")
    }

    fn build(&self, date: &str) -> Run {
        biopage(&["build", self.path(), "-q", "--date", date])
    }

    fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.dir.join(rel);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{rel} has no {from:?}");
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn targeted_creators_carry_the_campaign_with_their_own_code_and_tracking() {
    let a = Agency::new();
    let run = a.build("2026-12-10");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let linh = a.page("linh/index.html");
    // the link: code in its title and URL, the creator's tracking, {campaign}
    let featured = hrefs(&linh, "a.featured");
    let anessa = featured
        .iter()
        .find(|h| h.contains("anessa-official"))
        .expect("the campaign's link is featured");
    assert!(anessa.contains("voucher=LINH15"), "{anessa}");
    assert!(anessa.contains("utm_campaign=anessa"), "{anessa}");
    assert!(anessa.contains("utm_source=bio"), "{anessa}");
    assert!(texts(&linh, "a.featured")
        .iter()
        .any(|t| t.contains("giảm 15% với mã LINH15")));
    // it comes before the creator's own links
    assert!(featured[0].contains("anessa-official"), "{featured:?}");
    // the product: coupon filled in, sponsored
    assert_eq!(texts(&linh, ".coupon code"), vec!["LINH15"]);
    let rel = select_attr(&linh, "#p-anessa-gel a.buy", "rel");
    assert_eq!(rel, vec!["sponsored noopener"]);
    // a paid partnership names the brand
    let disclosure = texts(&linh, ".disclosure").concat();
    assert!(disclosure.contains("Anessa"), "{disclosure}");
    // the channel page carries it too, tagged for the channel
    let tiktok = a.page("linh/tiktok/index.html");
    assert!(hrefs(&tiktok, "a.featured")
        .iter()
        .any(|h| h.contains("voucher=LINH15") && h.contains("utm_source=tiktok")));
    // short links and the QR code of each
    assert!(a.out().join("linh/go/anessa/index.html").is_file());
    assert!(a.out().join("linh/qr/anessa-gel.svg").is_file());
    let redirects = std::fs::read_to_string(a.out().join("_redirects")).unwrap();
    assert!(
        redirects.contains("/linh/go/anessa/ https://shopee.vn/anessa-official?voucher=LINH15"),
        "{redirects}"
    );
    // mei (by handle; nano) gets her exclusive link and her code, in Chinese
    let mei = a.page("mei/index.html");
    let meis = hrefs(&mei, "a.featured");
    assert!(
        meis.iter()
            .any(|h| h.starts_with("https://shopee.vn/anessa-mei?")),
        "{meis:?}"
    );
    assert_eq!(texts(&mei, ".coupon code"), vec!["MEI15"]);
    assert!(texts(&mei, ".disclosure")
        .concat()
        .contains("与 Anessa 的付费合作"));
    // an (macro, excluded) and tu (no tier) are untouched
    for h in ["an", "tu"] {
        let page = a.page(&format!("{h}/index.html"));
        assert!(!page.contains("Anessa"), "{h}");
        assert!(!a.out().join(h).join("go/anessa").exists(), "{h}");
    }
}

#[test]
fn outside_its_window_the_campaign_does_not_exist() {
    let a = Agency::new();
    for date in ["2026-11-30", "2027-01-01"] {
        let run = a.build(date);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stderr.contains("anessa"), "{date}: {}", run.stderr);
        let linh = a.page("linh/index.html");
        assert!(!linh.contains("Anessa"), "{date}");
        assert!(!linh.contains("sponsored"), "{date}");
        assert!(!a.out().join("linh/go/anessa").exists(), "{date}");
        assert!(!a.out().join("linh/go/anessa-gel").exists(), "{date}");
    }
    // the last day is in (`ends` is a whole day), the next is out
    let run = biopage(&["build", a.path(), "-q", "--date", "2026-12-31T23:59:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(a.page("linh/index.html").contains("LINH15"));
}

#[test]
fn an_incremental_build_notices_the_window_and_the_campaigns_files() {
    let a = Agency::new();
    assert_eq!(a.build("2026-11-30").code, 0);
    assert!(!a.page("linh/index.html").contains("LINH15"));
    // the campaign starts: nothing in linh's folder changed, the page must
    let run = a.build("2026-12-01");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(a.page("linh/index.html").contains("LINH15"));
    // a new code in the codes file
    a.edit("campaigns/anessa-codes.csv", "LINH15", "LINHSUMMER");
    assert_eq!(a.build("2026-12-02").code, 0);
    let linh = a.page("linh/index.html");
    assert!(linh.contains("LINHSUMMER") && !linh.contains("LINH15"));
    // the campaign file itself
    a.edit("campaigns/anessa.toml", "giảm 15%", "giảm 20%");
    assert_eq!(a.build("2026-12-02").code, 0);
    assert!(a.page("linh/index.html").contains("giảm 20%"));
    // and it ends
    assert_eq!(a.build("2027-01-01").code, 0);
    assert!(!a.page("linh/index.html").contains("LINHSUMMER"));
}

#[test]
fn a_creators_own_item_with_the_same_id_wins_with_a_warning() {
    let a = Agency::new();
    write(
        &a.dir.join("creators/linh/products.toml"),
        "[[products]]\nid = \"anessa-gel\"\ntitle = \"My own Anessa review\"\nurl = \"https://own.example/anessa\"\n",
    );
    // (without -q: warnings are shown)
    let run = biopage(&["build", a.path(), "--date", "2026-12-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("campaign-item-replaced"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("products.toml:2:6"), "{}", run.stderr);
    let linh = a.page("linh/index.html");
    assert!(linh.contains("My own Anessa review"));
    assert!(!linh.contains("Anessa Perfect UV"));
    // the campaign's link is still there
    assert!(linh.contains("LINH15"));
    // mei's page has the campaign's product
    assert!(a.page("mei/index.html").contains("Anessa Perfect UV"));
}

#[test]
fn the_campaign_placeholder_is_a_tracking_placeholder() {
    let a = Agency::new();
    a.edit(
        "agency.toml",
        "[tracking]\n",
        "[tracking]\nutm_campaign = \"{campaign}\"\nutm_term = \"{handle}\"\n",
    );
    a.edit(
        "campaigns/anessa.toml",
        "utm = { utm_campaign = \"{campaign}\" }\n",
        "",
    );
    let run = a.build("2026-12-10");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let linh = a.page("linh/index.html");
    let all = hrefs(&linh, "a");
    let own = all.iter().find(|h| h.contains("own.example")).unwrap();
    assert!(!own.contains("utm_campaign"), "{own}");
    assert!(own.contains("utm_term=linh"), "{own}");
    let gel = all.iter().find(|h| h.contains("product/123/456")).unwrap();
    assert!(gel.contains("utm_campaign=anessa"), "{gel}");
    assert!(gel.contains("utm_term=linh"), "{gel}");
}

#[test]
fn placement_in_a_group_and_tiers_from_the_profile() {
    let a = Agency::new();
    a.edit(
        "campaigns/anessa.toml",
        "placement = \"featured\"",
        "placement = \"Ưu đãi\"",
    );
    a.edit(
        "campaigns/anessa.toml",
        "tiers = [\"micro\", \"macro\"]",
        "tiers = [\"nano\"]",
    );
    a.edit(
        "campaigns/anessa.toml",
        "creators = [\"mei\"]",
        "creators = []",
    );
    let run = a.build("2026-12-10");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // mei is nano by `tier`; linh (micro) is no longer targeted
    let mei = a.page("mei/index.html");
    assert!(
        texts(&mei, ".links h2, .links h3")
            .iter()
            .any(|t| t == "Ưu đãi"),
        "{mei}"
    );
    assert!(hrefs(&mei, "a.featured")
        .iter()
        .all(|h| !h.contains("anessa")));
    assert!(!a.page("linh/index.html").contains("Anessa"));
}

#[test]
fn links_campaign_is_the_table_for_the_brand() {
    let a = Agency::new();
    let run = biopage(&[
        "links",
        a.path(),
        "--campaign",
        "anessa",
        "--format",
        "json",
        "--date",
        "2026-12-10",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    // (linh, mei) × (bio, tiktok) × (the link, the product)
    assert_eq!(rows.len(), 8, "{}", run.stdout);
    let row = rows
        .iter()
        .find(|r| r["handle"] == "mei" && r["channel"] == "tiktok" && r["id"] == "anessa-gel")
        .unwrap();
    assert_eq!(row["code"], "MEI15");
    assert_eq!(row["short"], "https://bio.example/mei/go/anessa-gel/");
    assert_eq!(row["qr"], "mei/qr/anessa-gel.svg");
    let tagged = row["tagged"].as_str().unwrap();
    assert!(
        tagged.starts_with("https://shopee.vn/product/123/456?")
            && tagged.contains("utm_source=tiktok"),
        "{tagged}"
    );
    assert!(rows
        .iter()
        .all(|r| r["handle"] != "an" && r["handle"] != "tu"));
    // CSV, and a campaign that has not started is listed as on its first day
    let run = biopage(&["links", a.path(), "--campaign", "anessa"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("campaign,handle,channel,id,kind,title,code,short,tagged,qr")
    );
    assert_eq!(lines.count(), 8, "{}", run.stdout);
    // the QR code the row names is the one the build writes
    assert_eq!(a.build("2026-12-10").code, 0);
    for r in &rows {
        assert!(a.out().join(r["qr"].as_str().unwrap()).is_file(), "{r}");
    }
    // a typo
    let run = biopage(&["links", a.path(), "--campaign", "anesa"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("did you mean \"anessa\""),
        "{}",
        run.stderr
    );
}

#[test]
fn check_lists_each_campaign_with_its_reach_and_window() {
    let a = Agency::new();
    let run = biopage(&["check", a.path(), "--date", "2026-11-20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("campaign anessa: \"Anessa — mùa hè 2026\" for Anessa, 2026-12-01 – 2026-12-31 (not started)"), "{}", run.stderr);
    assert!(
        run.stderr.contains("targets 2 creators: linh, mei"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 with codes"), "{}", run.stderr);
    let run = biopage(&["check", a.path(), "--date", "2026-12-10"]);
    assert!(run.stderr.contains("(running)"), "{}", run.stderr);
}

/// Runs a build expected to fail; returns stderr and checks that nothing
/// was written.
fn fails(a: &Agency) -> String {
    let run = a.build("2026-12-10");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !a.out().exists(),
        "a failed build wrote {}",
        a.out().display()
    );
    run.stderr
}

#[test]
fn a_targeted_creator_without_a_code_is_an_error_where_the_code_is_used() {
    let a = Agency::new();
    let codes = "campaigns/anessa-codes.csv";
    a.edit(codes, "mei,MEI15,https://shopee.vn/anessa-mei\n", "");
    a.edit(codes, "linh,LINH15,\n", "");
    a.edit("campaigns/anessa.toml", "sponsored", "sponsord");
    let err = fails(&a);
    // mei is named by handle: reported with the file's other errors
    assert!(err.contains("unknown key `sponsord`"), "{err}");
    assert!(err.contains("targets \"mei\", who has no code"), "{err}");
    assert!(err.contains("campaigns/anessa.toml:14:"), "{err}");
    assert!(err.contains("mei,<CODE>"), "{err}");
    // linh is reached by her tier (micro, from her followers)
    a.edit("campaigns/anessa.toml", "sponsord", "sponsored");
    let err = fails(&a);
    assert!(err.contains("targets \"mei\", who has no code"), "{err}");
    assert!(err.contains("targets \"linh\", who has no code"), "{err}");
    // excluding them is the other fix
    a.edit(
        "campaigns/anessa.toml",
        "exclude = [\"an\"]",
        "exclude = [\"an\", \"mei\", \"linh\"]",
    );
    assert_eq!(a.build("2026-12-10").code, 0);
}

#[test]
fn codes_are_exclusive_and_name_real_creators() {
    let a = Agency::new();
    a.edit("campaigns/anessa-codes.csv", "an,AN15,", "an,linh15,");
    a.edit("campaigns/anessa-codes.csv", "mei,MEI15", "meii,MEI15");
    let err = fails(&a);
    // all problems at once, each at its line and column
    assert!(err.contains("anessa-codes.csv:4:4"), "{err}");
    assert!(
        err.contains("the code \"linh15\" is also given on line 2"),
        "{err}"
    );
    assert!(err.contains("anessa-codes.csv:3:1"), "{err}");
    assert!(err.contains("\"meii\", which is not a creator"), "{err}");
    assert!(err.contains("did you mean \"mei\"?"), "{err}");
}

#[test]
fn every_campaign_problem_is_located_and_reported_at_once() {
    let a = Agency::new();
    a.edit(
        "campaigns/anessa.toml",
        "creators = [\"mei\"]",
        "creators = [\"mai\"]",
    );
    a.edit(
        "campaigns/anessa.toml",
        "tiers = [\"micro\", \"macro\"]",
        "tiers = [\"mikro\"]",
    );
    a.edit("campaigns/anessa.toml", "placement", "placment");
    a.edit(
        "campaigns/anessa-codes.csv",
        "an,AN15,\n",
        "an,AN15,,extra\n",
    );
    let err = fails(&a);
    assert!(err.contains("campaigns/anessa.toml:6:13"), "{err}");
    assert!(err.contains("did you mean \"mei\"?"), "{err}");
    assert!(err.contains("the tier \"mikro\" is not defined"), "{err}");
    assert!(err.contains("did you mean \"micro\"?"), "{err}");
    assert!(err.contains("unknown key `placment`"), "{err}");
    assert!(err.contains("did you mean `placement`?"), "{err}");
    assert!(err.contains("anessa-codes.csv:4:10"), "{err}");
    assert!(err.contains("the row has 4 fields, the header 3"), "{err}");
    // check reports the same, and exits 1
    let run = biopage(&["check", a.path()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("placment"), "{}", run.stderr);
}

#[test]
fn a_tier_without_tiers_and_a_profile_tier_that_does_not_exist() {
    let a = Agency::new();
    a.edit(
        "agency.toml",
        "[tiers]\nnano = 1000\nmicro = 10000\nmacro = 50000\n",
        "",
    );
    let err = fails(&a);
    assert!(err.contains("agency.toml has no [tiers]"), "{err}");
    let b = Agency::new();
    b.edit(
        "creators/mei/profile.toml",
        "tier = \"nano\"",
        "tier = \"nanno\"",
    );
    let err = fails(&b);
    assert!(err.contains("creators/mei/profile.toml:3:8"), "{err}");
    assert!(err.contains("did you mean \"nano\"?"), "{err}");
}

#[test]
fn a_campaign_disclosure_missing_the_creators_language_is_a_warning() {
    let a = Agency::new();
    a.edit(
        "campaigns/anessa.toml",
        "placement = \"featured\"\n",
        "placement = \"featured\"\ndisclosure = { vi = \"Hợp tác với Anessa (#quảngcáo)\" }\n",
    );
    let run = biopage(&["check", a.path(), "--date", "2026-12-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // mei's page is in Chinese
    assert!(run.stderr.contains("campaign-disclosure"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no disclosure in zh-Hans"),
        "{}",
        run.stderr
    );
    assert_eq!(a.build("2026-12-10").code, 0);
    assert!(a
        .page("linh/index.html")
        .contains("Hợp tác với Anessa (#quảngcáo)"));
    assert!(a.page("mei/index.html").contains("与 Anessa 的付费合作"));
}

#[test]
fn the_agency_scaffold_runs_a_campaign_for_both_creators() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ag");
    let run = biopage(&["init", "--agency", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = biopage(&["build", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    for (h, code) in [("linh", "LINH15"), ("mei", "MEI15")] {
        let page = std::fs::read_to_string(dir.join("public").join(h).join("index.html")).unwrap();
        assert!(page.contains(code), "{h}");
        assert!(page.contains("Glow Lab"), "{h}");
    }
}
