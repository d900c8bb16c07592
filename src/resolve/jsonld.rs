//! JSON-LD: a ProfilePage about a Person, and an ItemList of the products
//! with their offers, made safe for a `<script>` element.

use super::items::Prepared;
use super::Page;
use crate::model::*;
use crate::tracking::{self, Dest};
use serde::Serialize;

/// JSON-LD for the page: a ProfilePage about a Person, and an ItemList of the
/// products with their offers. Serialised by serde_json and made safe for a
/// `<script>` element by escaping `<`, `>` and `&`, so no input can close it.
///
/// Written from structs rather than `json!` values: the document is made
/// once per page, and building a map per object cost more than the writing.
/// Fields are declared in the order of their names, so the bytes are those
/// of serde_json's sorted map (the snapshot test holds them).
pub(super) fn jsonld(page: &Page, site: &Site, prepared: &[Prepared]) -> String {
    let same_as: Vec<&str> = site
        .socials
        .iter()
        .filter(|s| matches!(tracking::classify(&s.url.value), Ok(Dest::Web(_))))
        .map(|s| s.url.value.as_str())
        .collect();
    let person_id = format!("{}#person", page.canonical);
    let person = Node::Person(Person {
        id: &person_id,
        kind: "Person",
        alternate_name: format!("@{}", page.handle),
        description: (!page.description.is_empty()).then_some(page.description.as_str()),
        image: page
            .avatar
            .as_ref()
            .map(|img| format!("{}{}", page.base_url, img.large)),
        name: &page.name,
        same_as,
        url: &page.canonical,
    });
    let mut graph = vec![
        Node::Page(ProfilePage {
            id: format!("{}#page", page.canonical),
            kind: "ProfilePage",
            in_language: page.lang,
            main_entity: IdRef { id: &person_id },
            name: &page.name,
            url: &page.canonical,
        }),
        person,
    ];
    // Gated products are left out: structured data would show what the gate
    // hides.
    let items: Vec<ListItem> = page
        .products
        .iter()
        .filter(|p| !p.item.sensitive && !page.sensitive)
        .enumerate()
        .map(|(i, shown)| {
            let p = &shown.item;
            let prep = prepared.iter().find(|x| x.id == p.id);
            ListItem {
                kind: "ListItem",
                item: Product {
                    kind: "Product",
                    description: prep
                        .and_then(|prep| prep.item.description.as_ref())
                        .map(|d| crate::markdown::plain_text(&d.value)),
                    image: shown
                        .image
                        .as_ref()
                        .map(|img| format!("{}{}", page.base_url, img.large)),
                    name: &p.title,
                    offers: prep
                        .and_then(|prep| prep.price)
                        .map(|(cur, minor, _)| Offer {
                            kind: "Offer",
                            availability: "https://schema.org/InStock",
                            price: cur.plain(minor),
                            price_currency: cur.code,
                            url: &p.href,
                        }),
                    url: &p.href,
                },
                position: i + 1,
            }
        })
        .collect();
    if !items.is_empty() {
        graph.push(Node::List(ItemList {
            kind: "ItemList",
            item_list_element: items,
        }));
    }
    let doc = Doc {
        context: "https://schema.org",
        graph,
    };
    escape_json_for_script(&serde_json::to_string(&doc).unwrap_or_default())
}

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Page(ProfilePage<'a>),
    Person(Person<'a>),
    List(ItemList<'a>),
}

#[derive(Serialize)]
struct ProfilePage<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "mainEntity")]
    main_entity: IdRef<'a>,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct IdRef<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "alternateName")]
    alternate_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
    url: &'a str,
}

#[derive(Serialize)]
struct ItemList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: Product<'a>,
    position: usize,
}

#[derive(Serialize)]
struct Product<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    offers: Option<Offer<'a>>,
    url: &'a str,
}

#[derive(Serialize)]
struct Offer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    availability: &'static str,
    price: String,
    #[serde(rename = "priceCurrency")]
    price_currency: &'a str,
    url: &'a str,
}

/// Escapes the characters that could end a `<script>` element or start a
/// comment inside it; the result is still valid JSON with the same value.
/// One pass; most documents have none of them.
pub fn escape_json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 32);
    let mut rest = json;
    while let Some(i) = rest.find(['<', '>', '&']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_script_cannot_close_the_element() {
        let s = escape_json_for_script(&serde_json::json!({"a": "</script><!--&"}).to_string());
        assert!(!s.contains('<') && !s.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><!--&");
    }

    #[test]
    fn the_profile_and_its_products_are_described() {
        use super::super::testing::*;
        let r = resolve_with(
            &format!("{BASE}bio = \"Hi\"\n[[socials]]\nplatform = \"tiktok\"\nurl = \"https://www.tiktok.com/@linh\"\n"),
            Some("[[products]]\nid = \"p\"\ntitle = \"P\"\nurl = \"https://a.example/\"\nprice = 10\ncurrency = \"USD\"\n[[products]]\nid = \"g\"\ntitle = \"G\"\nurl = \"https://b.example/\"\nsensitive = true\n"),
            None,
        )
        .unwrap();
        let doc: serde_json::Value = serde_json::from_str(&r.pages[0].jsonld).unwrap();
        let graph = doc["@graph"].as_array().unwrap();
        assert_eq!(graph[1]["sameAs"][0], "https://www.tiktok.com/@linh");
        let items = graph[2]["itemListElement"].as_array().unwrap();
        // the gated product is left out
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["item"]["offers"]["priceCurrency"], "USD");
    }
}
