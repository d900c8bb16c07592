//! S3-style buckets serve exactly the objects uploaded, with the metadata
//! given at upload: no redirect rules (every short link is its go/ page) and
//! no header rules. `biopage.s3.json` says, for every file of the output,
//! the `Content-Type` and `Cache-Control` to upload it with; it is not
//! itself uploaded (nor is the output marker): see docs/deploy.md.

pub const FILE: &str = "biopage.s3.json";

/// Pages, icons and everything else: five minutes, so a daily build's
/// schedules show soon after it is uploaded.
pub const PAGE_CACHE: &str = "public, max-age=300";

/// The Content-Type of a file, from its extension.
pub fn content_type(rel: &str) -> &'static str {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "webmanifest" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Whether a path is a fingerprinted asset (`assets/…` of a site, or of a
/// creator of an agency).
fn is_asset(rel: &str, agency: bool) -> bool {
    rel.starts_with("assets/")
        || (agency
            && rel
                .split_once('/')
                .is_some_and(|(_, rest)| rest.starts_with("assets/")))
}

/// `biopage.s3.json` for the output's files (paths relative to its root,
/// sorted), leaving out the files that are not to be uploaded.
pub fn metadata(files: &[String], agency: bool) -> String {
    let mut out = String::from(
        "{\n  \"about\": \"biopage: upload every file listed under files with its Content-Type and Cache-Control; upload nothing else (see docs/deploy.md)\",\n",
    );
    out.push_str(&format!(
        "  \"exclude\": [\"{FILE}\", \"{}\"],\n  \"files\": {{",
        crate::emit::MARKER
    ));
    let mut first = true;
    for rel in files {
        if rel == FILE || rel == crate::emit::MARKER {
            continue;
        }
        let cache = if is_asset(rel, agency) {
            crate::files::ASSET_CACHE
        } else {
            PAGE_CACHE
        };
        out.push_str(if first { "\n" } else { ",\n" });
        first = false;
        out.push_str(&format!(
            "    {}: {{\"content_type\": \"{}\", \"cache_control\": \"{cache}\"}}",
            serde_json::Value::String(rel.clone()),
            content_type(rel)
        ));
    }
    out.push_str("\n  }\n}\n");
    out
}
