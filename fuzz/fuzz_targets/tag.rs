//! Any URL and UTM value: classification never admits an unsafe scheme, and
//! tagging keeps scheme, host, path, fragment and existing pairs, and is
//! idempotent.
#![no_main]

use biopage::tracking::{append_params, classify, normalize, Dest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (String, String)| {
    let (raw, value) = input;
    let Ok(dest) = classify(&raw) else { return };
    let Dest::Web(url) = dest else { return };
    assert!(matches!(url.scheme(), "http" | "https"));
    let pairs = [("utm_source", normalize(&value)), ("utm_content", normalize(&raw))];
    let once = append_params(&url, &pairs);
    assert_eq!(once.scheme(), url.scheme());
    assert_eq!(once.host_str(), url.host_str());
    assert_eq!(once.path(), url.path());
    assert_eq!(once.fragment(), url.fragment());
    assert!(once.query().unwrap_or("").starts_with(url.query().unwrap_or("")));
    let twice = append_params(&once, &pairs);
    assert_eq!(once.as_str(), twice.as_str());
});
