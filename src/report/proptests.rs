//! The property the report rests on: every link of every creator of an
//! agency, on every channel page, given a conversion (or click) carrying
//! exactly what its network echoes back, is attributed to exactly that
//! creator, channel and link. And where two links of a creator would send
//! the same identifiers, `check` says so.

use crate::diag::SourceFile;
use crate::model::At;
use crate::report::attribute::{attribute, Echo, Target};
use crate::report::config::FormatInput;
use crate::report::index::{CreatorPart, Index};
use proptest::prelude::*;
use url::Url;

/// One generated creator: handle, channels, links (id, network).
#[derive(Debug, Clone)]
struct Gen {
    handle: String,
    channels: Vec<&'static str>,
    links: Vec<(String, usize)>,
}

const DESTS: [&str; 4] = [
    "https://shopee.vn/product/1/{n}",
    "https://tiki.vn/p{n}.html",
    "https://www.amazon.com/dp/B0{asin}",
    "https://shop.example/item/{n}",
];

fn profile(g: &Gen) -> String {
    let mut p = format!(
        "base_url = \"https://bio.example/{h}/\"\nname = \"{h}\"\nhandle = \"{h}\"\n[tracking]\nchannels = [{}]\n\
         [networks.shopee]\naffiliate_id = \"173\"\n\
         [networks.accesstrade]\nid = \"4348\"\ndomains = [\"tiki.vn\"]\n\
         [networks.amazon]\ntag = {{ default = \"{h}-20\"{} }}\n\
         [networks.mynet]\ntemplate = \"https://t.example/c?dest={{url}}&sub={{handle}}-{{channel}}-{{id}}\"\ndomains = [\"shop.example\"]\n",
        g.channels.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
        g.channels.iter().map(|c| format!(", {c} = \"{}{c}-20\"", g.handle)).collect::<String>(),
        h = g.handle,
    );
    for (i, (id, net)) in g.links.iter().enumerate() {
        let url = DESTS[*net]
            .replace("{n}", &i.to_string())
            .replace("{asin}", &format!("{:08}", i + 1000 * g.handle.len()));
        // some links long gone: they must still be attributed
        let ends = if i % 3 == 1 {
            "ends = 2020-01-01\n"
        } else {
            ""
        };
        p.push_str(&format!(
            "[[links]]\nid = \"{id}\"\ntitle = \"T {i}\"\nurl = \"{url}\"\n{ends}"
        ));
    }
    p
}

fn arb_agency() -> impl Strategy<Value = Vec<Gen>> {
    let creator = (
        "[a-z]{2,6}",
        prop::sample::subsequence(vec!["tiktok", "youtube", "fb"], 0..=3),
        prop::collection::vec(("[a-zA-Z0-9]{1,5}(-[a-z0-9_]{1,3})?", 0usize..4), 1..6),
    );
    prop::collection::vec(creator, 1..4).prop_map(|cs| {
        cs.into_iter()
            .enumerate()
            .map(|(i, (h, channels, links))| {
                // unique ids per creator, also once reduced to letters and digits
                let mut seen = std::collections::HashSet::new();
                let links = links
                    .into_iter()
                    .filter(|(id, _)| seen.insert(reduce(id)))
                    .collect();
                Gen {
                    handle: format!("{h}{i}"),
                    channels,
                    links,
                }
            })
            .collect()
    })
}

fn reduce(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn mynet_format() -> FormatInput {
    FormatInput {
        name: At::bare("mynet".into()),
        order_id: Some(At::bare("Order".into())),
        time: Some(At::bare("Date".into())),
        time_format: None,
        status: None,
        pending: vec![],
        approved: vec![],
        rejected: vec![],
        amount: None,
        commission: Some(At::bare("Payout".into())),
        currency: None,
        currency_code: Some(At::bare("EUR".into())),
        quantity: None,
        refund: None,
        params: vec![("sub".into(), At::bare("Sub".into()))],
        network: Some(At::bare("mynet".into())),
        loc: None,
    }
}

type Built = (Index, Vec<crate::resolve::Resolved>);

fn build(gens: &[Gen]) -> Built {
    let dir = std::path::Path::new("/nonexistent-site");
    let formats = vec![mynet_format()];
    let opts = crate::resolve::Options {
        now: 1_795_000_000,
        base_url: None,
        ..Default::default()
    };
    let mut parts = Vec::new();
    let mut resolved = Vec::new();
    for g in gens {
        let src = SourceFile::new(dir.join("profile.toml"), profile(g));
        let loaded = crate::load::from_sources(dir, &src, None);
        assert!(
            !loaded.diags.has_errors(),
            "{:?}\n{}",
            loaded.diags,
            src.text
        );
        let site = loaded.site.unwrap();
        let r = crate::resolve::resolve_every_item(&site, None, &opts).expect("resolves");
        parts.push(CreatorPart::new(&site, &r, None, &formats, None));
        resolved.push(r);
    }
    (Index::from_parts(parts, 1, true), resolved)
}

fn query(u: &Url, k: &str) -> String {
    u.query_pairs()
        .find(|(x, _)| x == k)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_link_is_attributed_to_exactly_its_creator_channel_and_link(gens in arb_agency()) {
        let (ix, resolved) = build(&gens);
        let mut checked = 0;
        for (c, r) in resolved.iter().enumerate() {
            for page in &r.pages {
                let channel = ix.creators[c].channels.iter().copied().find(|ch| ix.channel_name(*ch) == page.channel);
                let links = page.featured.iter().chain(page.groups.iter().flat_map(|g| g.links.iter()));
                for l in links {
                    let want = Target {
                        creator: c as u32,
                        channel,
                        link: ix.creators[c].link_ids.get(l.id.as_str()).copied(),
                    };
                    prop_assert!(want.link.is_some());
                    // the click the page reports
                    let click = Echo::Click { handle: &r.handle, channel: &page.channel, id: &l.id };
                    prop_assert_eq!(attribute(&ix, &click), Ok(want), "click {}", l.id);
                    // the conversion the network reports
                    let u = Url::parse(&l.href).unwrap();
                    let net = l.network.as_deref().unwrap_or("");
                    let (sub, utm, tag, asin, mynet): (String, Vec<String>, String, String, String);
                    let echo = match net {
                        "shopee" => {
                            sub = query(&u, "sub_id");
                            // Shopee splits sub_id on '-' into Sub_id1..5
                            let parts: Vec<&str> = sub.split('-').collect();
                            let mut five = [""; 5];
                            for (i, p) in parts.iter().take(5).enumerate() {
                                five[i] = p;
                            }
                            Echo::Shopee(five)
                        }
                        "accesstrade" => {
                            utm = crate::report::keys::ACCESSTRADE_UTM.iter().map(|k| query(&u, k)).collect();
                            Echo::AccessTrade([&utm[0], &utm[1], &utm[2], &utm[3], &utm[4]])
                        }
                        "amazon" => {
                            tag = query(&u, "tag");
                            asin = crate::report::keys::asin(&u).unwrap_or_default();
                            Echo::Amazon { tag: &tag, asin: &asin }
                        }
                        "mynet" => {
                            mynet = query(&u, "sub");
                            Echo::Generic { format: 0, values: vec![&mynet] }
                        }
                        other => panic!("unexpected network {other:?} for {}", l.href),
                    };
                    prop_assert_eq!(attribute(&ix, &echo), Ok(want), "{} via {}: {}", l.id, net, l.href);
                    checked += 1;
                }
            }
        }
        // every link on every page (expired ones too)
        let expected: usize = gens.iter().map(|g| g.links.len() * (1 + g.channels.len())).sum();
        prop_assert_eq!(checked, expected);
    }

    /// Ids that Shopee would reduce to the same sub-id are reported by the
    /// resolve stage that `check` and `build` run.
    #[test]
    fn colliding_sub_ids_are_warned_about(a in "[a-z]{1,4}", b in "[a-z]{1,4}") {
        let g = Gen {
            handle: "linh".into(),
            channels: vec![],
            links: vec![(format!("{a}-{b}"), 0), (format!("{a}_{b}"), 0)],
        };
        let dir = std::path::Path::new("/nonexistent-site");
        let src = SourceFile::new(dir.join("profile.toml"), profile(&g));
        let site = crate::load::from_sources(dir, &src, None).site.unwrap();
        let r = crate::resolve::resolve(&site, None, &crate::resolve::Options::default()).unwrap();
        prop_assert!(r.warnings.iter().any(|w| w.code == "ambiguous-sub-id"), "{:?}", r.warnings);
    }
}

/// Counts what a reader hands over; the property is that it returns.
struct Count(u64);

impl crate::report::formats::Sink for Count {
    fn row(&mut self, _line: u64, _row: crate::report::formats::Row<'_>) {
        self.0 += 1;
    }
}

/// Reads `text` as the export it looks like: whatever it holds, detection
/// and reading return a result (rows, problems or an error), never panic.
fn read_anything(name: &str, text: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let formats = vec![mynet_format()];
    if let Ok(d) = crate::report::formats::detect(&path, &formats) {
        let _ = crate::report::formats::read(&path, &d, &mut Count(0));
    }
}

const HEADERS: &[&str] = &[
    "Order id,Order Status,Order Time,Qty,Purchase Value(₫),Refund Amount(₫),Affiliate Net Commission(₫),Affiliate Item Status,Sub_id1,Sub_id2,Sub_id3,Sub_id4,Sub_id5",
    "transaction_id,status,transaction_time,transaction_value,commission,product_quantity,utm_source,utm_medium,utm_campaign,utm_content,utm_term",
    "Fee-Earnings reports from x\nCategory,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($)",
    "2Path,Title,Event,User-Agent,Browser,System,Session,Bot,Referrer,Referrer scheme,Screen size,Location,FirstVisit,Date",
    "website_event_id,data_key,string_value,created_at",
    "url_path,hostname,event_type,created_at",
    "Order,Date,Payout,Sub",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn malformed_csv_never_panics(
        h in 0..HEADERS.len(),
        rows in prop::collection::vec(
            prop::collection::vec(prop_oneof![
                "[0-9.,-]{0,12}",
                "20[0-9]{2}-[0-9]{2}-[0-9]{2}( [0-9:]{0,8})?",
                "(Completed|Pending|Cancelled|Hoàn thành|[012]|true|false|outbound/[a-z/]{0,10}|\"[a-z,\"\n]{0,6}\")",
                ".{0,10}",
            ], 0..16),
            0..12),
    ) {
        let mut text = String::from(HEADERS[h]);
        text.push('\n');
        for r in rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        read_anything("x.csv", text.as_bytes());
    }

    #[test]
    fn malformed_json_never_panics(
        shape in 0..3usize,
        body in prop::collection::vec(prop_oneof![
            "\\{\"[a-z_]{1,12}\": ?(\"[^\"]{0,8}\"|[0-9.e-]{1,6}|null|\\[\\]|\\{\\})\\}",
            "[\\[\\]{},:\" 0-9a-z]{0,12}",
        ], 0..8),
    ) {
        let inner = body.join(",");
        let text = match shape {
            0 => format!("{{\"data\": [{inner}], \"total\": 1}}"),
            1 => format!("{{\"results\": [{inner}], \"query\": {{\"dimensions\": [\"time:day\", \"event:page\"], \"metrics\": [\"pageviews\"]}}}}"),
            _ => format!("{{\"dimensionHeaders\": [{{\"name\": \"date\"}}, {{\"name\": \"pagePath\"}}], \"metricHeaders\": [{{\"name\": \"screenPageViews\"}}], \"rows\": [{inner}]}}"),
        };
        read_anything("x.json", text.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        read_anything("x.csv", &bytes);
        read_anything("x.json", &bytes);
    }
}
