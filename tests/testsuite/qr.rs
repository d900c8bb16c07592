//! QR codes: every `qr*.svg` the build writes is read back by a real QR
//! reader and must give back the address of its page. Everything happens in
//! the test process, with nothing but Rust: `resvg` rasterises the SVG and
//! `rqrr` (a port of quirc) finds and decodes the symbol, so `cargo test`
//! needs no system tools.

use crate::{biopage, build_to, repo};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use resvg::{tiny_skia, usvg};
use std::path::Path;

/// Pixels per module the reader is given: well above what `rqrr` needs, and
/// independent of the size the SVG declares.
const READ_PX_PER_MODULE: f32 = 10.0;

/// An SVG rasterised at `scale` × its intrinsic size onto white (a
/// transparent background reads as white paper), as luminance, row by row.
fn rasterise(tree: &usvg::Tree, scale: f32) -> (usize, usize, Vec<u8>) {
    let size = tree.size();
    let w = (size.width() * scale).ceil() as u32;
    let h = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).expect("an SVG of non-zero size");
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // opaque (drawn over opaque white), so premultiplied RGB is plain RGB
    let luma = pixmap
        .pixels()
        .iter()
        .map(|p| {
            let (r, g, b) = (p.red() as u32, p.green() as u32, p.blue() as u32);
            ((r * 299 + g * 587 + b * 114) / 1000) as u8
        })
        .collect();
    (w as usize, h as usize, luma)
}

/// The module size in pixels and the quiet zone's width in modules, measured
/// on the top-left finder pattern: the first dark row of a QR code is the top
/// edge of that pattern, a dark run 7 modules long. `None`: nothing dark.
fn measure(w: usize, luma: &[u8]) -> Option<(f32, f32)> {
    let first = luma.iter().position(|&l| l < 128)?;
    let (x0, y0) = (first % w, first / w);
    let row = &luma[y0 * w..(y0 + 1) * w];
    let run = row[x0..].iter().take_while(|&&l| l < 128).count();
    let module = run as f32 / 7.0;
    Some((module, x0.min(y0) as f32 / module))
}

/// The text of the one QR code in an SVG image and its error correction
/// level (`L`, `M`, `Q` or `H`), or why it could not be read.
pub(crate) fn read_qr(svg: &str) -> Result<(String, char), String> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())
        .map_err(|e| format!("not an SVG usvg can read: {e}"))?;
    // a first pass at the intrinsic size finds the module size; the second
    // renders at READ_PX_PER_MODULE whatever size the SVG declares
    let (w, _, luma) = rasterise(&tree, 1.0);
    let (module, quiet) = measure(w, &luma).ok_or("the image has no dark pixel")?;
    if quiet < 3.5 {
        return Err(format!(
            "quiet zone of {quiet:.1} modules, the standard asks for 4"
        ));
    }
    let (w, h, luma) = rasterise(&tree, READ_PX_PER_MODULE / module);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    let grids = image.detect_grids();
    let [grid] = grids.as_slice() else {
        return Err(format!("{} QR codes found, expected one", grids.len()));
    };
    let (meta, text) = grid.decode().map_err(|e| format!("undecodable: {e}"))?;
    // the two bits of the format information: M = 00, L = 01, H = 10, Q = 11
    let level = ['M', 'L', 'H', 'Q'][meta.ecc_level as usize & 3];
    Ok((text, level))
}

/// The text a QR code image file decodes to, and its error correction level.
fn decode(svg: &Path) -> (String, char) {
    let text = std::fs::read_to_string(svg).unwrap();
    read_qr(&text).unwrap_or_else(|e| panic!("no QR code read in {}: {e}", svg.display()))
}

fn qr_files(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("qr") && n.ends_with(".svg"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_qr_code_decodes_to_its_page_url() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = build_to(&repo().join("example-site"), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        qr_files(&out),
        [
            "qr-facebook.svg",
            "qr-tiktok.svg",
            "qr-youtube.svg",
            "qr.svg"
        ]
    );
    for (file, url) in [
        ("qr.svg", "https://linh.example/"),
        ("qr-tiktok.svg", "https://linh.example/tiktok/"),
        ("qr-youtube.svg", "https://linh.example/youtube/"),
        ("qr-facebook.svg", "https://linh.example/facebook/"),
    ] {
        let svg = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            svg.contains("viewBox=") && svg.contains("crispEdges"),
            "{file}"
        );
        assert_eq!(decode(&out.join(file)), (url.to_string(), 'M'), "{file}");
    }
}

#[test]
fn qr_code_follows_base_url_override() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let preview = "https://preview.example/pr-7/";
    let run = biopage(&[
        "build",
        repo().join("example-site").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-24",
        "--base-url",
        preview,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(decode(&out.join("qr.svg")).0, preview);
}

/// The reader itself: codes of known text made by the `qrcode` crate, at
/// several versions, levels, module sizes and on a transparent background,
/// read back exactly. A reader that returned nothing, something fixed or
/// something garbled fails here, not only in the tests above.
#[test]
fn reader_reads_back_what_the_qrcode_crate_wrote() {
    let long = format!("https://linh.example/go/{}/", "serum-b5-".repeat(40));
    for (text, level, module_px, light) in [
        ("https://linh.example/", EcLevel::M, 8, "#fff"),
        ("https://linh.example/tiktok/", EcLevel::L, 1, "#fff"),
        (
            "https://đà-lạt.example/我的?q=\"<&>\"",
            EcLevel::Q,
            3,
            "#fff",
        ),
        ("HELLO 123", EcLevel::H, 5, "none"),
        (long.as_str(), EcLevel::L, 2, "#ffffff"),
    ] {
        let code = QrCode::with_error_correction_level(text.as_bytes(), level).unwrap();
        let svg = code
            .render::<svg::Color>()
            .quiet_zone(true)
            .module_dimensions(module_px, module_px)
            .light_color(svg::Color(light))
            .build();
        let letter = match level {
            EcLevel::L => 'L',
            EcLevel::M => 'M',
            EcLevel::Q => 'Q',
            EcLevel::H => 'H',
        };
        assert_eq!(
            read_qr(&svg),
            Ok((text.to_string(), letter)),
            "{text:.40} ({} modules of {module_px} px, background {light})",
            code.width()
        );
    }
}

#[test]
fn reader_finds_nothing_where_there_is_no_code() {
    let blank = r##"<svg xmlns="http://www.w3.org/2000/svg" width="264" height="264" viewBox="0 0 264 264"><rect width="264" height="264" fill="#fff"/></svg>"##;
    assert!(read_qr(blank).is_err());
    // a code without its quiet zone is refused, although some readers cope
    let code = QrCode::new(b"https://linh.example/").unwrap();
    let tight = code.render::<svg::Color>().quiet_zone(false).build();
    assert!(read_qr(&tight).unwrap_err().contains("quiet zone"));
}
