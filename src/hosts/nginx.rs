//! nginx: `biopage.nginx.conf` at the output root, to `include` inside the
//! `server {}` whose `root` is the output directory. It answers every short
//! link with a 302 from the configuration (exact `location =` blocks: a
//! `map` would need the `http {}` context, which an included snippet of a
//! server does not have), sends the security headers on every response
//! (`always`: 302 and 404 too), serves the custom 404 page, and denies the
//! files that are biopage's and not pages (itself and the output marker).

use super::Inputs;

pub const FILE: &str = "biopage.nginx.conf";

/// A string as an nginx quoted argument. nginx expands `$` in `return` and
/// `add_header` with no way to escape it, so a `$` (only ever in a URL's
/// query, where `%24` means the same) is written percent-encoded.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("%24"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal path as a PCRE pattern.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn header_lines(i: &Inputs, indent: &str) -> String {
    let mut out = String::new();
    for (name, value) in i.headers {
        out.push_str(&format!(
            "{indent}add_header {name} {} always;\n",
            quote(value)
        ));
    }
    out
}

pub fn snippet(i: &Inputs) -> String {
    let root = i.root;
    let agency = !i.creators.is_empty();
    let mut out = String::new();
    out.push_str(&format!(
        "# biopage for nginx: short links, security headers, the 404 page.\n\
         # Include it inside the server {{}} that serves this directory at {root}:\n\
         #   server {{ root /srv/public; include /srv/public/{FILE}; }}\n\
         # Every build replaces it; edit the site, not this file.\n\n"
    ));
    out.push_str(&header_lines(i, ""));
    out.push('\n');
    if agency {
        // each creator's own 404 page, chosen by its folder; the status
        // stays 404 (error_page without `=`). Any other path (the snippet
        // itself, denied) gets nginx's own 404, never its own bytes.
        out.push_str(&format!(
            "error_page 404 @biopage_404;\nlocation @biopage_404 {{\n    rewrite {} {} break;\n    return 404;\n}}\n",
            quote(&format!("^(?<biopage_creator>{}[a-z0-9._-]+/)", regex_escape(root))),
            "\"${biopage_creator}404.html\"",
        ));
    } else {
        out.push_str(&format!(
            "error_page 404 {};\n",
            quote(&format!("{root}404.html"))
        ));
    }
    for hidden in [FILE, crate::emit::MARKER] {
        out.push_str(&format!(
            "location = {} {{ return 404; }}\n",
            quote(&format!("{root}{hidden}"))
        ));
    }
    // fingerprinted assets: cached for a year; a location with add_header
    // of its own inherits none, so the security headers are repeated
    let assets = if agency {
        format!(
            "~ {}",
            quote(&format!("^{}[a-z0-9._-]+/assets/", regex_escape(root)))
        )
    } else {
        format!("^~ {}", quote(&format!("{root}assets/")))
    };
    out.push_str(&format!(
        "location {assets} {{\n    add_header Cache-Control {} always;\n{}}}\n",
        quote(crate::files::ASSET_CACHE),
        header_lines(i, "    ")
    ));
    out.push_str("\n# short links: /go/<id>/ and /go/<id> answer 302 with the tagged URL\n");
    for (from, to) in super::rules(i.parts) {
        let target = quote(to);
        out.push_str(&format!(
            "location = {} {{ return 302 {target}; }}\n",
            quote(from)
        ));
        if let Some(bare) = from.strip_suffix('/') {
            out.push_str(&format!(
                "location = {} {{ return 302 {target}; }}\n",
                quote(bare)
            ));
        }
    }
    out
}
