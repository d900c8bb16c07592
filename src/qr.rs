//! QR codes of the page addresses: `qr.svg` for the main page and
//! `qr-<channel>.svg` for each channel entry page, so a creator can print the
//! address on a flyer or put it on a video frame.
//!
//! Pure: the codes are a function of the resolved pages. Rendered by the
//! `qrcode` crate with error correction level M (15 % of the symbol may be
//! damaged, enough for print and screens), a four-module quiet zone, dark
//! modules on white, `shape-rendering="crispEdges"` so scaled modules keep
//! sharp edges, and a `viewBox` so the image scales to any size.

use crate::resolve::Resolved;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Pixels per module of the SVG's intrinsic size (the `viewBox` lets it
/// scale; this only sets the size a viewer opens it at).
const MODULE_PX: u32 = 8;

/// The QR code of `data`, at level M where it fits, else L (data too long
/// for M still fits in L up to ~2,900 bytes). Every image of a code (the
/// SVG files, the brief's poster) is drawn from this one symbol.
pub fn code(data: &str) -> Result<QrCode, qrcode::types::QrError> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(data.as_bytes(), EcLevel::L))
}

/// The SVG of a QR code that encodes `data`, or why it cannot be made.
pub fn try_svg(data: &str) -> Result<String, qrcode::types::QrError> {
    Ok(code(data)?
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(MODULE_PX, MODULE_PX)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The SVG of a QR code that encodes `data`. Data too long for any QR code
/// (about 2,900 bytes) gives a white image that says so, never a panic.
pub fn svg(data: &str) -> String {
    try_svg(data).unwrap_or_else(|_| {
        concat!(
            r##"<?xml version="1.0" standalone="yes"?>"##,
            r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="264" height="264" viewBox="0 0 264 264">"##,
            r##"<rect x="0" y="0" width="264" height="264" fill="#ffffff"/>"##,
            r##"<text x="132" y="136" font-size="14" text-anchor="middle" fill="#000000">address too long for a QR code</text>"##,
            r##"</svg>"##
        )
        .to_string()
    })
}

/// [`svg`] for use inside an HTML page: without the XML declaration (which
/// HTML does not allow), as an image named `label` for screen readers.
/// `label` is escaped here.
pub fn inline_svg(data: &str, label: &str) -> String {
    let svg = svg(data);
    let body = match svg.find("<svg") {
        Some(i) => &svg[i + "<svg".len()..],
        None => return String::new(),
    };
    format!(
        "<svg role=\"img\" aria-label=\"{}\"{body}",
        html_escape::encode_double_quoted_attribute(label)
    )
}

/// The QR code files of a site, as (path relative to the output root, bytes):
/// `qr.svg` for the main page, `qr-<channel>.svg` for each channel page, and
/// `qr/<id>.svg` for each campaign item's short link (what a brand puts
/// on a poster for that creator).
pub fn files(resolved: &Resolved) -> Vec<(String, Vec<u8>)> {
    let pages = resolved.pages.iter().enumerate().map(|(i, page)| {
        let name = if i == 0 {
            "qr.svg".to_string()
        } else {
            format!("qr-{}.svg", page.channel)
        };
        (name, svg(&page.url).into_bytes())
    });
    let campaign_items = resolved
        .pages
        .first()
        .into_iter()
        .flat_map(|p| {
            p.featured
                .iter()
                .chain(p.groups.iter().flat_map(|g| g.links.iter()))
                .chain(p.products.iter().map(|p| &p.item))
        })
        .filter(|i| i.campaign.is_some() && !i.go.is_empty())
        .map(|i| (campaign_qr_path(&i.id), svg(&i.go).into_bytes()));
    pages.chain(campaign_items).collect()
}

/// Where a campaign item's QR code is, relative to the creator's output:
/// beside the page's own codes, never inside `go/<id>/`, whose path is the
/// short link's (a host that redirects it must not find a folder there).
pub fn campaign_qr_path(id: &str) -> String {
    format!("qr/{id}.svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_scalable_crisp_and_dark_on_white() {
        let s = svg("https://linh.example/");
        assert!(s.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(s.contains("shape-rendering=\"crispEdges\""));
        assert!(s.contains("fill=\"#ffffff\""));
        assert!(s.contains("<path fill=\"#000000\""));
        assert!(s.ends_with("</svg>"));
        // 25 modules (version 2) + 2 × 4 quiet zone = 33 modules of 8 px.
        let code =
            QrCode::with_error_correction_level(b"https://linh.example/", EcLevel::M).unwrap();
        let side = (code.width() as u32 + 8) * MODULE_PX;
        assert!(
            s.contains(&format!("viewBox=\"0 0 {side} {side}\"")),
            "{}",
            &s[..200]
        );
    }

    #[test]
    fn uses_error_correction_m() {
        let code = QrCode::with_error_correction_level(b"https://linh.example/tiktok/", EcLevel::M)
            .unwrap();
        assert_eq!(code.error_correction_level(), EcLevel::M);
        // the quiet zone: the first row of modules is white, so the path
        // starts no earlier than 4 modules in
        let s = svg("https://linh.example/tiktok/");
        let d = s.split(" d=\"").nth(1).unwrap();
        assert!(
            d.starts_with(&format!("M{0} {0}h", 4 * MODULE_PX)),
            "{d:.40}"
        );
    }

    #[test]
    fn one_file_per_page() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("profile.toml"),
            "base_url = \"https://linh.example/\"\nname = \"Linh\"\nhandle = \"linh\"\n\
             [tracking]\nchannels = [\"tiktok\", \"youtube\"]\n",
        )
        .unwrap();
        let site = crate::load::load_site(dir.path()).unwrap();
        let resolved =
            crate::resolve::resolve(&site, None, &crate::resolve::Options::default()).unwrap();
        let files = files(&resolved);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["qr.svg", "qr-tiktok.svg", "qr-youtube.svg"]);
        assert_eq!(files[0].1, svg("https://linh.example/").into_bytes());
        assert_eq!(
            files[2].1,
            svg("https://linh.example/youtube/").into_bytes()
        );
    }

    #[test]
    fn deterministic() {
        assert_eq!(svg("https://a.example/"), svg("https://a.example/"));
        assert_ne!(svg("https://a.example/"), svg("https://b.example/"));
    }

    #[test]
    fn data_too_long_never_panics() {
        let long = format!("https://a.example/{}", "x".repeat(10_000));
        assert!(try_svg(&long).is_err());
        let s = svg(&long);
        assert!(s.contains("too long") && s.contains("viewBox"));
        assert!(try_svg("").is_ok());
        assert!(try_svg("https://đà-lạt.example/我的?q=\"<&>\"").is_ok());
    }
}
