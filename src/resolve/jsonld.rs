//! JSON-LD: a ProfilePage about a Person, and an ItemList of the products
//! with their offers, made safe for a `<script>` element.

use super::items::Prepared;
use super::Page;
use crate::model::*;
use crate::tracking::{self, Dest};

/// JSON-LD for the page: a ProfilePage about a Person, and an ItemList of the
/// products with their offers. Serialised by serde_json and made safe for a
/// `<script>` element by escaping `<`, `>` and `&`, so no input can close it.
pub(super) fn jsonld(page: &Page, site: &Site, prepared: &[Prepared]) -> String {
    use serde_json::{json, Value};
    let same_as: Vec<&str> = site
        .socials
        .iter()
        .filter(|s| matches!(tracking::classify(&s.url.value), Ok(Dest::Web(_))))
        .map(|s| s.url.value.as_str())
        .collect();
    let mut person = json!({
        "@type": "Person",
        "@id": format!("{}#person", page.canonical),
        "name": page.name,
        "alternateName": format!("@{}", page.handle),
        "url": page.canonical,
    });
    if !page.description.is_empty() {
        person["description"] = json!(page.description);
    }
    if let Some(img) = &page.avatar {
        person["image"] = json!(format!("{}{}", page.base_url, img.large));
    }
    if !same_as.is_empty() {
        person["sameAs"] = json!(same_as);
    }
    let mut graph = vec![
        json!({
            "@type": "ProfilePage",
            "@id": format!("{}#page", page.canonical),
            "url": page.canonical,
            "name": page.name,
            "inLanguage": page.lang,
            "mainEntity": {"@id": format!("{}#person", page.canonical)},
        }),
        person,
    ];
    // Gated products are left out: structured data would show what the gate
    // hides.
    let items: Vec<Value> = page
        .products
        .iter()
        .filter(|p| !p.item.sensitive && !page.sensitive)
        .enumerate()
        .map(|(i, shown)| {
            let p = &shown.item;
            let mut product = json!({"@type": "Product", "name": p.title, "url": p.href});
            if let Some(img) = &shown.image {
                product["image"] = json!(format!("{}{}", page.base_url, img.large));
            }
            if let Some(prep) = prepared.iter().find(|x| x.id == p.id) {
                if let Some(d) = &prep.item.description {
                    product["description"] = json!(crate::markdown::plain_text(&d.value));
                }
                if let Some((cur, minor, _)) = prep.price {
                    product["offers"] = json!({
                        "@type": "Offer",
                        "price": cur.plain(minor),
                        "priceCurrency": cur.code,
                        "url": p.href,
                        "availability": "https://schema.org/InStock",
                    });
                }
            }
            json!({"@type": "ListItem", "position": i + 1, "item": product})
        })
        .collect();
    if !items.is_empty() {
        graph.push(json!({"@type": "ItemList", "itemListElement": items}));
    }
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    escape_json_for_script(&doc.to_string())
}

/// Escapes the characters that could end a `<script>` element or start a
/// comment inside it; the result is still valid JSON with the same value.
pub fn escape_json_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
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
