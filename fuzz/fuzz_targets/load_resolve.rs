//! Any bytes as profile.toml (and the same bytes as products.toml): loading
//! and resolving never panic, and whatever resolves links only to http(s),
//! mailto and tel, with JSON-LD that parses.
#![no_main]

use biopage::diag::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let dir = Path::new("/nonexistent-biopage-fuzz-site");
    let profile = SourceFile::new(dir.join("profile.toml"), text);
    let products = SourceFile::new(dir.join("products.toml"), text);
    let loaded = biopage::load::from_sources(dir, &profile, Some(&products));
    let Some(site) = loaded.site else { return };
    let opts = biopage::resolve::Options { now: 1_795_000_000, base_url: Some("https://fuzz.example/".into()), ..Default::default() };
    let Ok(resolved) = biopage::resolve::resolve(&site, None, &opts) else { return };
    for page in &resolved.pages {
        let hrefs = page
            .socials
            .iter()
            .map(|s| s.href.as_str())
            .chain(page.featured.iter().chain(page.groups.iter().flat_map(|g| g.links.iter())).map(|l| l.href.as_str()))
            .chain(page.products.iter().map(|p| p.item.href.as_str()));
        for href in hrefs {
            let scheme = href.split(':').next().unwrap_or("");
            assert!(matches!(scheme, "http" | "https" | "mailto" | "tel"), "unsafe href {href}");
        }
        let _: serde_json::Value = serde_json::from_str(&page.jsonld).expect("JSON-LD parses");
        assert!(!page.jsonld.contains('<'), "JSON-LD could close its script element");
    }
});
