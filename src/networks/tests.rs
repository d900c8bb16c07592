use super::*;

fn net(name: &str, f: impl FnOnce(&mut NetworkInput)) -> Network {
    let mut input = NetworkInput {
        name: At::bare(name.into()),
        tag: None,
        tags: vec![],
        affiliate_id: None,
        id: None,
        template: None,
        params: vec![],
        domains: vec![],
        utm: None,
        tld: None,
    };
    f(&mut input);
    Network::from_input(&input).unwrap()
}

fn vars() -> Vars<'static> {
    Vars {
        handle: "linh.review",
        id: "serum-b5",
        channel: "tiktok",
        kind: "product",
        group: "",
        campaign: "",
    }
}

#[test]
fn shopee_hosts_are_shopees_own() {
    let input = |tld: &str| NetworkInput {
        name: At::bare("shopee".into()),
        tag: None,
        tags: vec![],
        affiliate_id: Some(At::bare("17300000000".into())),
        id: None,
        template: None,
        params: vec![],
        domains: vec![],
        utm: None,
        tld: Some(At::bare(tld.into())),
    };
    for bad in ["evil.example#", "evil.example", "abc.com", "vn/x", "co.uk"] {
        assert!(Network::from_input(&input(bad)).is_err(), "{bad}");
    }
    assert!(Network::from_input(&input(".co.th")).is_ok());
    // a destination on another host never becomes the redirect host
    let n = net("shopee", |i| i.affiliate_id = Some(At::bare("1".into())));
    for (dest, host) in [
        ("https://shopee.co.th/p", "https://s.shopee.co.th/"),
        ("https://xshopee.evil.example/p", "https://s.shopee.vn/"),
        ("https://shopee.evil.example/p", "https://s.shopee.vn/"),
    ] {
        let out = n.apply(&Url::parse(dest).unwrap(), &[], &vars()).0;
        assert!(out.starts_with(host), "{dest}: {out}");
    }
}

#[test]
fn amazon_appends_and_replaces_foreign_tags() {
    let n = net("amazon", |i| i.tag = Some(At::bare("linh-20".into())));
    let u = Url::parse("https://www.amazon.com/dp/B0X?th=1#r").unwrap();
    assert!(n.matches(&u));
    assert_eq!(
        n.apply(&u, &[], &vars()).0,
        "https://www.amazon.com/dp/B0X?th=1&tag=linh-20#r"
    );
    let u = Url::parse("https://www.amazon.com/dp/B0X?tag=other-20&th=1").unwrap();
    let (s, w) = n.apply(&u, &[], &vars());
    assert_eq!(s, "https://www.amazon.com/dp/B0X?tag=linh-20&th=1");
    assert!(w.unwrap().contains("other-20"));
}

#[test]
fn amazon_tags_per_channel() {
    let n = net("amazon", |i| {
        i.tags = vec![
            ("tiktok".into(), At::bare("linhtt-20".into())),
            ("default".into(), At::bare("linh-20".into())),
        ]
    });
    let u = Url::parse("https://www.amazon.com/dp/B0X").unwrap();
    assert_eq!(
        n.apply(&u, &[], &vars()).0,
        "https://www.amazon.com/dp/B0X?tag=linhtt-20"
    );
    let yt = Vars {
        channel: "youtube",
        ..vars()
    };
    assert_eq!(
        n.apply(&u, &[], &yt).0,
        "https://www.amazon.com/dp/B0X?tag=linh-20"
    );
    let mut input = NetworkInput {
        name: At::bare("amazon".into()),
        tag: None,
        tags: vec![("tiktok".into(), At::bare("linhtt-20".into()))],
        affiliate_id: None,
        id: None,
        template: None,
        params: vec![],
        domains: vec![],
        utm: None,
        tld: None,
    };
    let e = missing_channel_tag(&input, &["bio", "tiktok"]).unwrap();
    assert!(e.message.contains("\"bio\""), "{}", e.message);
    assert!(missing_channel_tag(&input, &["tiktok"]).is_none());
    input
        .tags
        .push(("default".into(), At::bare("linh-20".into())));
    assert!(missing_channel_tag(&input, &["bio", "tiktok"]).is_none());
    input
        .tags
        .push(("youtube".into(), At::bare("Bad Tag".into())));
    assert_eq!(lint(&input).len(), 1);
}

#[test]
fn shopee_wraps_in_an_redir() {
    let n = net("shopee", |i| {
        i.affiliate_id = Some(At::bare("17300000000".into()))
    });
    assert!(!n.utm);
    let u = Url::parse("https://shopee.vn/product/123/456?sp_atk=a").unwrap();
    assert_eq!(
        n.apply(&u, &[], &vars()).0,
        "https://s.shopee.vn/an_redir?origin_link=https%3A%2F%2Fshopee.vn%2Fproduct%2F123%2F456%3Fsp_atk%3Da&affiliate_id=17300000000&sub_id=linhreview-tiktok-serumb5"
    );
}

#[test]
fn accesstrade_carries_utms_on_the_deep_link() {
    let n = net("accesstrade", |i| i.id = Some(At::bare("4348".into())));
    let u = Url::parse("https://tiki.vn/p/1?spid=2").unwrap();
    let utm = [
        ("utm_source", "tiktok".to_string()),
        ("utm_content", "serum-b5".to_string()),
    ];
    assert_eq!(
        n.apply(&u, &utm, &vars()).0,
        "https://go.isclix.com/deep_link/4348?url=https%3A%2F%2Ftiki.vn%2Fp%2F1%3Fspid%3D2&utm_source=tiktok&utm_content=serum-b5"
    );
}

#[test]
fn template_encodes_every_value_for_its_slot() {
    let n = net("mynet", |i| {
        i.template = Some(At::bare(
            "https://t.example/c?dest={url}&sub={handle}-{id}&s={utm_source}".into(),
        ))
    });
    let u = Url::parse("https://shop.example/a?b=1&c=2#f").unwrap();
    assert_eq!(
        n.apply(&u, &[("utm_source", "tik tok&x".into())], &vars()).0,
        "https://t.example/c?dest=https%3A%2F%2Fshop.example%2Fa%3Fb%3D1%26c%3D2%23f&sub=linh.review-serum-b5&s=tik%20tok%26x"
    );
}

#[test]
fn params_are_appended_without_overwriting() {
    let n = net("ref", |i| {
        i.params = vec![
            ("ref".into(), At::bare("{handle}".into())),
            ("a".into(), At::bare("z".into())),
        ]
    });
    let u = Url::parse("https://shop.example/?a=1").unwrap();
    assert_eq!(
        n.apply(&u, &[], &vars()).0,
        "https://shop.example/?a=1&ref=linh.review"
    );
}

#[test]
fn bad_templates_and_unknown_networks_are_errors() {
    let mut input = NetworkInput {
        name: At::bare("x".into()),
        tag: None,
        tags: vec![],
        affiliate_id: None,
        id: None,
        template: Some(At::bare("https://t.example/?d={dest}".into())),
        params: vec![],
        domains: vec![],
        utm: None,
        tld: None,
    };
    assert!(Network::from_input(&input)
        .unwrap_err()
        .message
        .contains("unknown placeholder"));
    input.template = Some(At::bare("javascript:{url}".into()));
    assert!(Network::from_input(&input)
        .unwrap_err()
        .message
        .contains("not an http"));
    input.template = None;
    input.name = At::bare("amazn".into());
    let e = Network::from_input(&input).unwrap_err();
    assert!(e.help.unwrap().contains("amazon"));
    input.name = At::bare("shopee".into());
    assert!(Network::from_input(&input)
        .unwrap_err()
        .message
        .contains("affiliate_id"));
}

/// Wrapping networks carry the destination as one query value: whatever
/// the destination holds (`&`, `=`, `+`, `%`, `#`, non-ASCII …), decoding
/// that value gives back exactly the destination that went in.
mod wrapped_destinations {
    use super::*;
    use proptest::prelude::*;

    fn arb_dest() -> impl Strategy<Value = Url> {
        (
            prop::sample::select(vec!["http", "https"]),
            "[a-z0-9]{1,10}(-[a-z0-9]{1,4})?\\.(vn|com|co\\.th|example|đà-lạt\\.vn)",
            prop::option::of(1u16..65535),
            prop::collection::vec("[a-zA-Z0-9._~%+ạ中 -]{0,8}", 0..4),
            prop::collection::vec(
                ("[a-zA-Z_]{1,6}", "[ a-zA-Z0-9&=+%/?:@;,ạ中.-]{0,10}"),
                0..5,
            ),
            prop::option::of("[a-zA-Z0-9 #?&=%/+中-]{0,10}"),
        )
            .prop_filter_map(
                "an http(s) URL",
                |(scheme, host, port, path, query, fragment)| {
                    let mut s = format!("{scheme}://{host}");
                    if let Some(p) = port {
                        s.push_str(&format!(":{p}"));
                    }
                    for seg in path {
                        s.push('/');
                        s.push_str(&seg);
                    }
                    if !query.is_empty() {
                        let pairs: Vec<String> =
                            query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        s.push_str("/?");
                        s.push_str(&pairs.join("&"));
                    }
                    if let Some(f) = fragment {
                        s.push('#');
                        s.push_str(&f);
                    }
                    Url::parse(&s).ok()
                },
            )
    }

    fn arb_utm() -> impl Strategy<Value = Vec<(&'static str, String)>> {
        prop::collection::vec(
            (
                prop::sample::select(tracking::UTM_KEYS.to_vec()),
                "[ a-zA-Z0-9&=#?%+ạ中]{0,8}",
            ),
            0..4,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(k, s)| (k, tracking::normalize(&s)))
                .collect()
        })
    }

    /// The single decoded value of `key` in the wrapped link's query.
    fn decoded(wrapped: &str, key: &str) -> Result<String, TestCaseError> {
        let u = Url::parse(wrapped).map_err(|e| TestCaseError::fail(format!("{wrapped}: {e}")))?;
        let values: Vec<String> = u
            .query_pairs()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect();
        prop_assert_eq!(values.len(), 1, "{} in {}", key, wrapped);
        prop_assert_eq!(u.fragment(), None, "a fragment escaped: {}", wrapped);
        Ok(values[0].clone())
    }

    proptest! {
        #[test]
        fn shopee_origin_link_decodes_to_the_destination(
            dest in arb_dest(),
            handle in "[a-z0-9._&=#-]{0,8}",
            id in "[a-z0-9&=#% -]{0,8}",
        ) {
            let n = net("shopee", |i| i.affiliate_id = Some(At::bare("173&x=1".into())));
            let v = Vars { handle: &handle, id: &id, channel: "tik tok", kind: "product", group: "", campaign: "" };
            let (wrapped, _) = n.apply(&dest, &[], &v);
            prop_assert!(wrapped.starts_with("https://s.shopee."), "{}", wrapped);
            prop_assert_eq!(decoded(&wrapped, "origin_link")?, dest.as_str());
            prop_assert_eq!(decoded(&wrapped, "affiliate_id")?, "173&x=1");
        }

        #[test]
        fn accesstrade_url_decodes_to_the_destination(dest in arb_dest(), utm in arb_utm()) {
            let n = net("accesstrade", |i| i.id = Some(At::bare("4348".into())));
            let (wrapped, _) = n.apply(&dest, &utm, &vars());
            prop_assert!(wrapped.starts_with("https://go.isclix.com/deep_link/4348?"), "{}", wrapped);
            prop_assert_eq!(decoded(&wrapped, "url")?, dest.as_str());
        }

        #[test]
        fn template_url_decodes_to_the_destination(dest in arb_dest(), utm in arb_utm()) {
            let n = net("mynet", |i| {
                i.template = Some(At::bare("https://t.example/c?dest={url}".into()))
            });
            let (wrapped, _) = n.apply(&dest, &utm, &vars());
            prop_assert!(wrapped.starts_with("https://t.example/c?dest="), "{}", wrapped);
            prop_assert_eq!(decoded(&wrapped, "dest")?, dest.as_str());
        }
    }
}
