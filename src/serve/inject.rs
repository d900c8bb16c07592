//! The live-reload script and its insertion into built pages.
//!
//! Built pages forbid scripts through their Content-Security-Policy meta
//! tag; the served copy allows exactly this script, by hash, and event
//! streams from its own origin. The page the user publishes is untouched.

use anyhow::{Context as _, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::LazyLock;

/// Listens for build events; reloads on a new build, shows errors in an
/// overlay. Text goes in with `textContent` only: error messages quote
/// the user's files, which may hold markup.
pub const SCRIPT: &str = r##"(function () {
  "use strict";
  var me = document.currentScript;
  var build = (me && me.getAttribute("data-biopage-build")) || "";
  var box = null, text = null;
  var events = new EventSource("/__biopage/events?build=" + encodeURIComponent(build));
  events.addEventListener("reload", function () {
events.close();
location.reload();
  });
  events.addEventListener("build-error", function (e) {
if (!box) {
  box = document.createElement("div");
  box.setAttribute("role", "alert");
  box.title = "Click to hide";
  var s = box.style;
  s.position = "fixed"; s.left = "0"; s.right = "0"; s.top = "0"; s.maxHeight = "100%";
  s.overflow = "auto"; s.zIndex = "2147483647"; s.boxSizing = "border-box";
  s.padding = "16px"; s.background = "rgba(24, 24, 27, 0.96)"; s.color = "#f4f4f5";
  s.font = "13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
  s.borderBottom = "4px solid #ef4444"; s.cursor = "pointer";
  var h = document.createElement("div");
  h.style.fontWeight = "bold"; h.style.color = "#fca5a5"; h.style.marginBottom = "8px";
  h.textContent = "biopage serve: the build failed. This page reloads by itself when the error is fixed.";
  text = document.createElement("pre");
  text.style.margin = "0"; text.style.whiteSpace = "pre-wrap"; text.style.font = "inherit";
  box.appendChild(h);
  box.appendChild(text);
  box.addEventListener("click", function () { box.hidden = true; });
  document.documentElement.appendChild(box);
}
text.textContent = e.data;
box.hidden = false;
  });
})();"##;

/// `'sha256-…'` of [`SCRIPT`], for `script-src`.
pub static SCRIPT_SOURCE: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(SCRIPT.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
});

/// What is served before the first successful build.
pub const PLACEHOLDER: &str = "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><meta http-equiv=Content-Security-Policy content=\"default-src 'none'\"><title>biopage serve</title><p>The site has not built yet: see the errors in the terminal. This page reloads by itself when they are fixed.</p></html>";

/// Injects the script (tagged with the build id) into every HTML file of
/// a build directory.
pub fn dir(root: &Path, build: u64) -> Result<()> {
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.with_context(|| format!("cannot read {}", root.display()))?;
        let p = entry.path();
        if entry.file_type().is_file() && p.extension().is_some_and(|e| e == "html") {
            let html = fs_err::read_to_string(p)?;
            fs_err::write(p, page(&html, build))?;
        }
    }
    Ok(())
}

/// One page with the script added before `</body>` (or at the end: the
/// minifier drops optional end tags) and its CSP widened to allow it.
pub fn page(html: &str, build: u64) -> String {
    let mut out = allow_in_csp(html);
    let tag = format!("<script data-biopage-build=\"{build}\">{SCRIPT}</script>");
    match out.to_ascii_lowercase().rfind("</body") {
        Some(i) => out.insert_str(i, &tag),
        None => out.push_str(&tag),
    }
    out
}

/// Adds the script's hash to `script-src` and `'self'` to `connect-src`
/// in every CSP meta tag, creating the directives if absent.
pub fn allow_in_csp(html: &str) -> String {
    // ASCII lowercasing keeps byte offsets.
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() + 160);
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("<meta") {
        let start = from + found;
        let Some(len) = lower[start..].find('>') else {
            break;
        };
        let end = start + len;
        from = end;
        if !lower[start..end].contains("content-security-policy") {
            continue;
        }
        if let Some((vs, ve, quote)) = content_value(&lower, start, end) {
            out.push_str(&html[copied..vs]);
            out.push_str(&widen(&html[vs..ve], quote));
            copied = ve;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// The byte range of the `content` attribute's value in the tag
/// `lower[start..end]`, and its quote character.
fn content_value(lower: &str, start: usize, end: usize) -> Option<(usize, usize, Option<char>)> {
    let tag = &lower[start..end];
    let mut search = 0;
    while let Some(i) = tag[search..].find("content") {
        let after = search + i + "content".len();
        search = after;
        let preceded = tag[..search - "content".len()]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let rest = tag[after..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        let vstart = end - value.len();
        return match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let close = value[1..].find(q)?;
                Some((vstart + 1, vstart + 1 + close, Some(q)))
            }
            _ => {
                let len = value.find(char::is_whitespace).unwrap_or(value.len());
                Some((vstart, vstart + len, None))
            }
        };
    }
    None
}

fn widen(policy: &str, quote: Option<char>) -> String {
    let script = SCRIPT_SOURCE.as_str();
    let mut directives: Vec<String> = policy
        .split(';')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    for (name, source) in [("script-src", script), ("connect-src", "'self'")] {
        let existing = directives.iter_mut().find(|d| {
            d.split_whitespace()
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        match existing {
            Some(d) if d.split_whitespace().skip(1).any(|s| s == source) => {}
            Some(d) => {
                d.push(' ');
                d.push_str(source);
            }
            None => directives.push(format!("{name} {source}")),
        }
    }
    let joined = directives.join("; ");
    match quote {
        Some('\'') => joined.replace('\'', "&#39;"),
        // An unquoted value cannot hold spaces or quotes; quoting it
        // would need the surrounding bytes. CSP meta tags with
        // directives always need quotes, so this is only a safe fallback.
        None => joined.replace(' ', "&#32;").replace('\'', "&#39;"),
        _ => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILT: &str = "<!doctype html><html lang=vi><meta charset=utf-8><meta content=\"default-src 'none'; img-src 'self'; style-src 'sha256-abc='; base-uri 'none'; form-action 'none'\" http-equiv=Content-Security-Policy><title>x</title><main><p>hi</main>";

    #[test]
    fn the_built_csp_gains_exactly_the_script_and_self_connections() {
        let out = page(BUILT, 42);
        let want = format!(
            "<meta content=\"default-src 'none'; img-src 'self'; style-src 'sha256-abc='; base-uri 'none'; form-action 'none'; script-src {}; connect-src 'self'\" http-equiv=Content-Security-Policy>",
            SCRIPT_SOURCE.as_str()
        );
        assert!(out.contains(&want), "{out}");
        assert!(out.ends_with(&format!(
            "<p>hi</main><script data-biopage-build=\"42\">{SCRIPT}</script>"
        )));
    }

    #[test]
    fn existing_directives_are_extended_and_body_end_respected() {
        let html = "<html><head><META HTTP-EQUIV='Content-Security-Policy' CONTENT='script-src https://cdn.example; connect-src https://api.example'></head><body><p>x</p></body></html>";
        let out = page(html, 7);
        let want = format!(
            "CONTENT='script-src https://cdn.example {}; connect-src https://api.example &#39;self&#39;'",
            SCRIPT_SOURCE.replace('\'', "&#39;")
        );
        assert!(out.contains(&want), "{out}");
        assert!(out.contains("</script></body></html>"));
    }

    #[test]
    fn sources_already_allowed_are_not_repeated() {
        let html = "<meta content=\"default-src 'none'; connect-src 'self'; base-uri 'none'\" http-equiv=Content-Security-Policy>";
        let once = allow_in_csp(html);
        assert!(
            once.contains("; connect-src 'self'; base-uri 'none'; script-src 'sha256-"),
            "{once}"
        );
        assert_eq!(allow_in_csp(&once), once, "widening is idempotent");
    }

    #[test]
    fn pages_without_csp_only_gain_the_script() {
        let html = "<p>plain</p>";
        assert_eq!(
            page(html, 1),
            format!("<p>plain</p><script data-biopage-build=\"1\">{SCRIPT}</script>")
        );
    }

    #[test]
    fn the_hash_has_the_shape_csp_wants() {
        // That it matches the served script is checked end to end in
        // tests/testsuite/serve.rs.
        assert!(SCRIPT_SOURCE.starts_with("'sha256-") && SCRIPT_SOURCE.ends_with("='"));
        assert_eq!(SCRIPT_SOURCE.len(), "'sha256-'".len() + 44);
    }

    #[test]
    fn the_script_never_writes_markup() {
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("insertAdjacentHTML"));
        assert!(SCRIPT.contains("textContent = e.data"));
    }
}
