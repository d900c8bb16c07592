//! Test helpers: a site from TOML text (no files: images cannot be named),
//! resolved with plain options, so each phase is tested with plain values.

use super::{Options, Resolved};
use crate::diag::{Diagnostics, SourceFile};
use crate::model::{Settings, Site};
use std::path::Path;

/// The build date the tests use: 2026-11-24T00:00:00Z.
pub const NOW: i64 = 1_795_478_400;

pub fn site(profile: &str, products: Option<&str>) -> Site {
    let dir = Path::new("/nonexistent/biopage-test-site");
    let profile = SourceFile::new(dir.join("profile.toml"), profile);
    let products = products.map(|p| SourceFile::new(dir.join("products.toml"), p));
    let loaded = crate::load::from_sources(dir, &profile, products.as_ref());
    assert!(!loaded.diags.has_errors(), "{:?}", loaded.diags);
    loaded.site.expect("the test site parses")
}

pub fn agency(toml: &str) -> Settings {
    let dir = Path::new("/nonexistent/biopage-test-agency");
    let src = SourceFile::new(dir.join("agency.toml"), toml);
    // an agency.toml is a profile's site-wide keys: parse it as a profile
    // with a name and handle, and keep its settings
    let profile = SourceFile::new(
        dir.join("agency.toml"),
        format!("name = \"A\"\nhandle = \"a\"\n{}", src.text),
    );
    let loaded = crate::load::from_sources(dir, &profile, None);
    loaded.site.expect("the test agency parses").settings
}

pub fn resolve(profile: &str) -> Resolved {
    resolve_with(profile, None, None).unwrap_or_else(|d| panic!("{d:?}"))
}

pub fn resolve_with(
    profile: &str,
    products: Option<&str>,
    agency: Option<&Settings>,
) -> Result<Resolved, Diagnostics> {
    super::resolve(
        &site(profile, products),
        agency,
        &Options {
            now: NOW,
            ..Options::default()
        },
    )
}

/// The messages of every diagnostic.
pub fn messages(d: &Diagnostics) -> Vec<String> {
    d.iter().map(|d| d.message.clone()).collect()
}

pub const BASE: &str = "base_url = \"https://linh.example/\"\nname = \"Linh\"\nhandle = \"linh\"\n";
