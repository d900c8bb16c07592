//! Caddy: `biopage.caddy` at the output root, to `import` inside the site
//! block whose `root` is the output directory (with `file_server`). The
//! Caddyfile equivalent of the nginx snippet: `redir` for every short link
//! (`/go/<id>/` and `/go/<id>`), the security headers on every response,
//! the custom 404 page from `handle_errors`, and its own file and the output
//! marker answered as missing.

use super::Inputs;

pub const FILE: &str = "biopage.caddy";

/// A string as a Caddyfile quoted token. Caddy replaces `{placeholders}` in
/// `redir` targets and header values at run time; an escaped brace is a
/// literal one.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal path inside a Go regular expression.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn header_block(i: &Inputs, indent: &str) -> String {
    let mut out = format!("{indent}header {{\n");
    for (name, value) in i.headers {
        out.push_str(&format!("{indent}    {name} {}\n", quote(value)));
    }
    out.push_str(&format!("{indent}}}\n"));
    out
}

pub fn snippet(i: &Inputs) -> String {
    let root = i.root;
    let agency = !i.creators.is_empty();
    let mut out = format!(
        "# biopage for Caddy: short links, security headers, the 404 page.\n\
         # Import it inside the site block that serves this directory at {root}:\n\
         #   bio.example.com {{\n\
         #       root * /srv/public\n\
         #       import /srv/public/{FILE}\n\
         #       file_server\n\
         #   }}\n\
         # Every build replaces it; edit the site, not this file.\n\n"
    );
    out.push_str(&header_block(i, ""));
    let assets = if agency {
        format!(
            "@biopage_assets path_regexp {}\nheader @biopage_assets",
            quote(&format!("^{}[a-z0-9._-]+/assets/", regex_escape(root)))
        )
    } else {
        format!("header {}", quote(&format!("{root}assets/*")))
    };
    out.push_str(&format!(
        "{assets} Cache-Control {}\n",
        quote(crate::files::ASSET_CACHE)
    ));
    out.push_str(&format!(
        "@biopage_hidden path {} {}\nerror @biopage_hidden 404\n",
        quote(&format!("{root}{FILE}")),
        quote(&format!("{root}{}", crate::emit::MARKER))
    ));
    out.push_str("handle_errors {\n");
    out.push_str(&header_block(i, "    "));
    out.push_str("    @biopage_404 expression `{err.status_code} == 404`\n");
    if agency {
        // each creator's own 404 page, chosen by its folder
        out.push_str(&format!(
            "    @biopage_creator path_regexp biopage_creator {}\n    handle @biopage_creator {{\n        rewrite * {{re.biopage_creator.1}}404.html\n        file_server\n    }}\n",
            quote(&format!("^({}[a-z0-9._-]+/)", regex_escape(root)))
        ));
    } else {
        out.push_str(&format!(
            "    handle @biopage_404 {{\n        rewrite * {}\n        file_server\n    }}\n",
            quote(&format!("{root}404.html"))
        ));
    }
    out.push_str("}\n\n# short links: /go/<id>/ and /go/<id> answer 302 with the tagged URL\n");
    for (from, to) in super::rules(i.parts) {
        let target = quote(to);
        out.push_str(&format!("redir {} {target} 302\n", quote(from)));
        if let Some(bare) = from.strip_suffix('/') {
            out.push_str(&format!("redir {} {target} 302\n", quote(bare)));
        }
    }
    out
}
