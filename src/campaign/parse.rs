//! Reads `campaigns/<id>.toml` with the same walker as every other file
//! (`load::Doc`): unknown keys, wrong types and missing keys are all
//! reported, each at its line and column. Paths in the file (the codes
//! file, product images) are relative to `campaigns/` and must stay inside
//! the agency.

use super::{codes, Campaign, Disclosure, Placement};
use crate::diag::{Diagnostic, Diagnostics, Loc};
use crate::input::Root;
use crate::load::{get, Doc};
use crate::model::{At, Item, ItemKind, UtmOverride};
use sha2::Digest as _;
use std::path::Path;
use toml::de::DeValue;

/// The keys of a campaign file.
pub const KEYS: &[&str] = &[
    "title",
    "brand",
    "starts",
    "ends",
    "sponsored",
    "creators",
    "tiers",
    "exclude",
    "codes",
    "placement",
    "disclosure",
    "brief",
    "utm",
    "links",
    "products",
];

/// Reads one campaign; `None` when the file could not be read at all.
pub fn campaign(
    id: &str,
    path: &Path,
    dir: &Path,
    root: &Root,
    diags: &mut Diagnostics,
) -> Option<Campaign> {
    let src = crate::load::read_source(root, path, true, diags)?;
    let mut doc = Doc::new(&src, dir, Some(root), diags);
    let table = doc.parse()?;
    let t = table.get_ref();
    let what = format!("campaigns/{id}.toml");
    doc.unknown_keys(t, KEYS, &what);
    let start = 0..0;
    let title = doc.required_string(t, start.clone(), "title", &what);
    let brand = doc.required_string(t, start.clone(), "brand", &what);
    let starts = doc.datetime(t, "starts", false);
    let ends = doc.datetime(t, "ends", true);
    if let (Some(s), Some(e)) = (&starts, &ends) {
        if e.value.0 <= s.value.0 {
            doc.diags.push(
                Diagnostic::error("the campaign's `ends` is not after its `starts`")
                    .at(e.loc.clone())
                    .help("swap the dates, or fix the one that is wrong"),
            );
        }
    }
    let sponsored = doc.boolean(t, "sponsored").unwrap_or(true);
    let creators = doc.string_array(t, "creators").unwrap_or_default();
    let tiers = doc.string_array(t, "tiers").unwrap_or_default();
    let exclude = doc.string_array(t, "exclude").unwrap_or_default();
    if get(t, "creators").is_none() && get(t, "tiers").is_none() {
        doc.err(
            start.clone(),
            format!("{what} targets no creator"),
            "add `creators = [\"linh\", \"mei\"]` (handles), `tiers = [\"micro\"]` (agency.toml's [tiers]), or both",
        );
    }
    let placement = match doc.string(t, "placement") {
        None => Placement::Featured,
        Some(p) if p.value.trim() == "featured" => Placement::Featured,
        Some(p) if p.value.trim().is_empty() => {
            doc.diags.push(
                Diagnostic::error("`placement` is empty")
                    .at(p.loc.clone())
                    .help(
                    "write placement = \"featured\" (the top of the page) or the name of a group",
                ),
            );
            Placement::Featured
        }
        Some(p) => Placement::Group(p.value.trim().to_string()),
    };
    let disclosure = disclosure(&mut doc, t);
    let brief = doc.string(t, "brief");
    let utm = doc.utm_override(t, &what);
    let mut items: Vec<Item> = Vec::new();
    for (kind, key) in [(ItemKind::Link, "links"), (ItemKind::Product, "products")] {
        for (i, v) in doc.tables(t, key).into_iter().enumerate() {
            if let Some(item) = doc.item(v, kind, i) {
                items.push(item);
            }
        }
    }
    if items.is_empty() && get(t, "links").is_none() && get(t, "products").is_none() {
        doc.err(
            start.clone(),
            format!("{what} has no [[links]] or [[products]]"),
            "add what the creators' pages carry during the campaign: [[links]] with title and url, or [[products]]",
        );
    }
    // Items without an id get the campaign's: its short link is then
    // /go/<campaign>/, the same on every creator's page.
    let mut n = 0;
    for item in &mut items {
        if item.id.is_none() {
            n += 1;
            let id = if n == 1 {
                id.to_string()
            } else {
                format!("{id}-{n}")
            };
            item.id = Some(At::new(id, item.loc.clone()));
        }
    }
    let codes_key = doc.string(t, "codes");
    let mut digest = sha2::Sha256::new();
    digest.update(src.text.as_bytes());
    let parsed = doc.parsed;
    let codes = codes_key.as_ref().and_then(|key| {
        let rel = key.value.trim();
        if rel.is_empty() || rel.starts_with('/') || rel.contains('\\') || rel.split('/').any(|p| p == "..") {
            diags.push(
                Diagnostic::error(format!("the codes file \"{rel}\" is not a path inside campaigns/"))
                    .at(key.loc.clone())
                    .help("write the file's name relative to campaigns/, like codes = \"anessa-codes.csv\""),
            );
            return None;
        }
        let p = dir.join(rel);
        let c = codes::read(root, &p, key, diags)?;
        digest.update([0]);
        if let Ok(bytes) = root.read(&p, crate::input::TEXT_LIMIT) {
            digest.update(&bytes);
        }
        Some(c)
    });
    let mut c = Campaign {
        id: id.to_string(),
        file: path.to_path_buf(),
        title: title.unwrap_or_else(|| At::bare(String::new())),
        brand: brand.unwrap_or_else(|| At::bare(String::new())),
        starts,
        ends,
        sponsored,
        creators,
        tiers,
        exclude,
        codes,
        placement,
        disclosure,
        brief,
        utm,
        items,
        code_use: None,
        url_use: None,
        digest: String::new(),
    };
    for item in &c.items {
        if let Some(img) = &item.image {
            digest.update(img.digest.as_bytes());
        }
    }
    c.digest = format!("{:x}", digest.finalize());
    c.code_use = first_use(&c, "{code}");
    c.url_use = first_use(&c, "{url}");
    if parsed {
        check_items(&c, diags);
    }
    if c.code_use.is_some() && c.codes.is_none() && codes_key.is_none() {
        let at = c.code_use.clone().flatten();
        diags.push(
            Diagnostic::error(format!("{what} uses {{code}} but names no codes file"))
                .at(at)
                .help("add codes = \"<file>.csv\", a CSV beside the campaign with the header `handle,code` and a row per creator"),
        );
    }
    Some(c)
}

/// `disclosure = "…"` or `[disclosure]` with a text per language.
fn disclosure(doc: &mut Doc<'_>, t: &toml::de::DeTable<'_>) -> Disclosure {
    let Some(v) = get(t, "disclosure") else {
        return Disclosure::Builtin;
    };
    match v.get_ref() {
        DeValue::String(_) => doc
            .string(t, "disclosure")
            .map(Disclosure::One)
            .unwrap_or(Disclosure::Builtin),
        DeValue::Table(dt) => {
            let mut texts = Vec::new();
            for (k, _) in dt.iter() {
                let lang = k.get_ref().as_ref();
                if crate::i18n::Lang::parse(lang).is_none() {
                    let langs = crate::i18n::SUPPORTED_LANGUAGES.join(", ");
                    doc.err(
                        k.span(),
                        format!("`{lang}` in [disclosure] is not a language biopage knows"),
                        format!("write a text per language, keyed by its code: {langs}"),
                    );
                    continue;
                }
                if let Some(text) = doc.string(dt, lang) {
                    texts.push((lang.to_string(), text));
                }
            }
            Disclosure::PerLanguage(texts, doc.loc(v.span()))
        }
        _ => {
            doc.wrong_type(
                "disclosure",
                v,
                "a string or a table of texts per language",
                "disclosure = { vi = \"Hợp tác có trả phí với Anessa\", en = \"Paid partnership with Anessa\" }",
            );
            Disclosure::Builtin
        }
    }
}

/// Where `placeholder` is first written in the campaign's items: `None` if
/// nowhere; `Some(None)` if somewhere without a location.
fn first_use(c: &Campaign, placeholder: &str) -> Option<Option<Loc>> {
    for item in &c.items {
        for f in texts(item, &c.utm) {
            if f.value.contains(placeholder) {
                return Some(f.loc.clone());
            }
        }
    }
    None
}

/// Every text of an item a placeholder may be written in.
pub(super) fn texts<'a>(item: &'a Item, utm: &'a UtmOverride) -> Vec<&'a At<String>> {
    let mut out = vec![&item.title, &item.url];
    out.extend(
        [
            &item.coupon,
            &item.description,
            &item.review,
            &item.image_alt,
            &item.group,
        ]
        .into_iter()
        .flatten(),
    );
    for u in [&item.utm, utm] {
        if let UtmOverride::Set(pairs) = u {
            out.extend(pairs.iter().map(|(_, v)| v));
        }
    }
    out
}

/// The items' addresses, with sample values for the placeholders, are
/// checked once here rather than once per creator.
fn check_items(c: &Campaign, diags: &mut Diagnostics) {
    for item in &c.items {
        let sample = item
            .url
            .value
            .replace("{code}", "CODE")
            .replace("{campaign}", &c.id)
            .replace("{url}", "https://example.com/");
        if let Err(p) = crate::tracking::classify(&sample) {
            diags.push(
                Diagnostic::error(p.message)
                    .at(item.url.loc.clone())
                    .help(p.help),
            );
        }
    }
}
