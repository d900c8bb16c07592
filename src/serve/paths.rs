//! Which request targets may reach the file system.
//!
//! `ServeDir` already refuses `..`, but a preview server is often exposed
//! (`--bind 0.0.0.0` on a café's Wi-Fi), so the rules are spelled out and
//! tested here, and applied before `ServeDir` sees the request: one percent-
//! decoding pass, no encoded separators (they would let one segment become
//! several after decoding), no dot segments, no control characters, no
//! absolute-form targets, and no symlink out of the build directory.

use axum::http::Uri;
use std::path::{Component, Path};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Malformed or deliberately ambiguous: 400.
    BadRequest,
    /// Well-formed, but outside what is served: 404.
    NotFound,
    /// Longer than any path the build writes: 414.
    TooLong,
}

/// The longest request path served, and the longest segment (no file
/// system takes a longer name; asking it would be an error, not a 404).
pub const MAX_PATH: usize = 2048;
pub const MAX_SEGMENT: usize = 255;

/// The decoded path segments of a request target, or why it is refused.
pub fn segments(uri: &Uri) -> Result<Vec<String>, Refusal> {
    // `GET http://evil/ HTTP/1.1`: proxies' absolute form. A preview
    // server is nobody's proxy.
    if uri.scheme().is_some() || uri.authority().is_some() {
        return Err(Refusal::BadRequest);
    }
    let raw = uri.path();
    if raw.len() > MAX_PATH {
        return Err(Refusal::TooLong);
    }
    if !raw.starts_with('/') || raw.contains('\\') {
        return Err(Refusal::BadRequest);
    }
    let decoded = String::from_utf8(decode(raw)?).map_err(|_| Refusal::BadRequest)?;
    let mut out = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(Refusal::NotFound),
            s if s.len() > MAX_SEGMENT => return Err(Refusal::NotFound),
            s if s.chars().any(char::is_control) => return Err(Refusal::BadRequest),
            // e.g. `C:` on Windows
            s if !Path::new(s)
                .components()
                .all(|c| matches!(c, Component::Normal(_))) =>
            {
                return Err(Refusal::NotFound)
            }
            s => out.push(s.to_string()),
        }
    }
    Ok(out)
}

/// Percent-decodes once, refusing encodings of `/`, `\` and NUL and
/// malformed escapes.
fn decode(raw: &str) -> Result<Vec<u8>, Refusal> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(Refusal::BadRequest)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Refusal::BadRequest)?;
            let b = u8::from_str_radix(hex, 16).map_err(|_| Refusal::BadRequest)?;
            if matches!(b, b'/' | b'\\' | 0) {
                return Err(Refusal::BadRequest);
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Whether the file these segments name (or the `index.html` of the
/// directory they name) really lies inside `root` once symlinks are
/// followed. Names that do not exist pass: they get the 404 page.
/// `root` must be canonical.
pub fn contained(root: &Path, segments: &[String]) -> bool {
    let mut path = root.to_path_buf();
    path.extend(segments);
    let index = path.join("index.html");
    [path, index]
        .iter()
        .all(|p| match fs_err::symlink_metadata(p) {
            Ok(_) => p.canonicalize().is_ok_and(|real| real.starts_with(root)),
            Err(_) => true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(target: &str) -> Result<Vec<String>, Refusal> {
        segments(&target.parse::<Uri>().unwrap())
    }

    #[test]
    fn ordinary_paths_decode_to_segments() {
        let table: &[(&str, &[&str])] = &[
            ("/", &[]),
            ("/index.html", &["index.html"]),
            ("/tiktok/", &["tiktok"]),
            ("/go/serum-b5/", &["go", "serum-b5"]),
            ("//assets//a.jpg", &["assets", "a.jpg"]),
            ("/%E1%BA%A3nh.jpg", &["ảnh.jpg"]),
            ("/a%20b.txt?x=1", &["a b.txt"]),
            (
                "/.well-known/security.txt",
                &[".well-known", "security.txt"],
            ),
            ("/...", &["..."]),
        ];
        for (target, want) in table {
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(seg(target), Ok(want), "{target}");
        }
    }

    #[test]
    fn escapes_are_refused() {
        use Refusal::*;
        let table: &[(&str, Refusal)] = &[
            ("/../etc/passwd", NotFound),
            ("/a/../../etc/passwd", NotFound),
            ("/./index.html", NotFound),
            ("/%2e%2e/%2e%2e/etc/passwd", NotFound),
            ("/%2E%2E/x", NotFound),
            ("/.%2e/x", NotFound),
            ("/..%2fetc%2fpasswd", BadRequest),
            ("/..%2Fetc", BadRequest),
            ("/..%5c..%5cwindows", BadRequest),
            ("/index.html%00.jpg", BadRequest),
            ("/%00", BadRequest),
            ("/%0a", BadRequest),
            ("/%zz", BadRequest),
            ("/%4", BadRequest),
            ("/%ff", BadRequest),
            ("http://evil.example/", BadRequest),
            ("http://127.0.0.1:1111/index.html", BadRequest),
            ("*", BadRequest),
        ];
        for (target, want) in table {
            assert_eq!(seg(target), Err(*want), "{target}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_not_contained() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("index.html"), "ok").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/index.html"), "ok").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, root.join(name)).unwrap()
        };
        link(&outside.path().join("secret"), "leak");
        link(outside.path(), "outdir");
        link(&root.join("index.html"), "inside");
        link(&root.join("missing"), "dangling");
        std::fs::create_dir(root.join("d")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.join("d/index.html"))
            .unwrap();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(contained(&root, &s(&[])));
        assert!(contained(&root, &s(&["sub"])));
        assert!(contained(&root, &s(&["inside"])));
        assert!(contained(&root, &s(&["nothing-here"])));
        assert!(!contained(&root, &s(&["leak"])));
        assert!(!contained(&root, &s(&["outdir", "secret"])));
        assert!(!contained(&root, &s(&["outdir"])));
        assert!(!contained(&root, &s(&["dangling"])));
        assert!(!contained(&root, &s(&["d"])));
    }
}
