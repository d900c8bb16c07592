//! The poster of a campaign brief (`biopage brief`): a 1080×1350 picture
//! (4:5, what Instagram and Facebook show whole in a feed) that a creator
//! posts as it is: the brand, the campaign, the QR code of their link, their
//! code and the last day. Drawn with the sharing card's font and helpers
//! (see `card`), so that both look like one product.
//!
//! The QR code is drawn module by module at a whole number of pixels per
//! module, black on white with its four-module quiet zone: no scaling, so
//! every edge is sharp and a phone reads it off a screen or a print.

use super::card::{draw_text, fit, layout, mix, ACCENT, ACCENT_DEEP, WHITE};
use super::plan::font;
use ab_glyph::{Font as _, PxScale, ScaleFont as _};
use image::{Rgb, RgbImage};

pub const POSTER_WIDTH: u32 = 1080;

pub const POSTER_HEIGHT: u32 = 1350;

/// The side the QR code (with its quiet zone) aims at: large enough to scan
/// from across a room, leaving room for the code below it.
const QR_TARGET: u32 = 640;

/// The white panel that holds the QR code and the code.
const PANEL: (u32, u32, u32, u32) = (90, 290, 990, 1200);

const PANEL_RADIUS: f32 = 36.0;

/// The height of the code and its label under the QR code.
const CODE_BLOCK: u32 = 230;

const INK: [u8; 3] = [0x1a, 0x1a, 0x1a];

const MUTED: [u8; 3] = [0x55, 0x55, 0x55];

/// What the poster says. Every text must be one the bundled font draws
/// whole (see `plan::fully_drawable`); the caller chooses a wording that it
/// does (`brief` falls back to ASCII and ISO dates).
#[derive(Debug, Clone, Default)]
pub struct PosterText {
    pub brand: String,
    pub title: Option<String>,
    /// The word above the code ("Code", "Mã").
    pub code_label: Option<String>,
    pub code: Option<String>,
    /// "until 2026-12-31".
    pub deadline: Option<String>,
}

/// Draws the poster. `qr` is the code of the creator's link; without one
/// (an address too long for any QR code) the panel holds the code alone.
pub fn poster(text: &PosterText, qr: Option<&crate::qr::Code>) -> RgbImage {
    let (w, h) = (POSTER_WIDTH, POSTER_HEIGHT);
    // a top-to-bottom gradient: each row one colour
    let mut img = RgbImage::new(w, h);
    for (y, row) in img.rows_mut().enumerate() {
        let c = mix(ACCENT, ACCENT_DEEP, y as f32 / h as f32);
        for p in row {
            *p = Rgb(c);
        }
    }
    let centre = w as f32 / 2.0;
    let wide = w as f32 - 2.0 * PANEL.0 as f32;

    // the header: the brand, then the campaign's title, centred above the
    // panel (the title in the brand's place when there is no brand to draw)
    let title = text
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty() && t.trim() != text.brand.trim());
    let (brand, title) = match (text.brand.trim(), title) {
        ("", Some(t)) => (t, None),
        (b, t) => (b, t),
    };
    let (brand_lines, brand_size) = match brand {
        "" => (Vec::new(), 0.0),
        b => fit(b, wide, 88.0, 48.0, 1),
    };
    let (title_lines, title_size) = match title {
        Some(t) => fit(t, wide, 48.0, 32.0, 2),
        None => (Vec::new(), 0.0),
    };
    let brand_h = brand_size * 1.15;
    let title_h = title_size * 1.25 * title_lines.len() as f32;
    let block = brand_h + title_h;
    let ascent = |size: f32| font().as_scaled(PxScale::from(size)).ascent();
    let mut top = (PANEL.1 as f32 - block) / 2.0;
    for line in &brand_lines {
        centred(
            &mut img,
            line,
            brand_size,
            centre,
            top + ascent(brand_size),
            WHITE,
        );
        top += brand_h;
    }
    for line in &title_lines {
        let baseline = top + ascent(title_size);
        centred(
            &mut img,
            line,
            title_size,
            centre,
            baseline,
            mix(WHITE, ACCENT, 0.15),
        );
        top += title_size * 1.25;
    }

    // the panel: the QR code, then the code
    let (px0, py0, px1, py1) = PANEL;
    rounded_rect(&mut img, (px0, py0, px1, py1), PANEL_RADIUS, WHITE);
    // what the panel holds, centred in it
    let code_block = if text.code.is_some() { CODE_BLOCK } else { 0 };
    let qr_side = qr.map(|q| qr_side(q, QR_TARGET)).unwrap_or(0);
    let mut y = py0 + (py1 - py0).saturating_sub(qr_side + code_block) / 2;
    if let Some(qr) = qr {
        y += draw_qr(&mut img, qr, w / 2, y, QR_TARGET);
    }
    if let Some(code) = &text.code {
        let label_size = 34.0;
        if let Some(label) = &text.code_label {
            centred(&mut img, label, label_size, centre, y as f32 + 44.0, MUTED);
        }
        // the code as large as it fits, in a tinted box like a coupon; never
        // cut (a code with a character missing is no code): a long one is
        // smaller (the width of a line grows with its size)
        let line = code.as_str();
        let at_100 = layout(line, 100.0).1.max(1.0);
        let size = (100.0 * (wide - 120.0) / at_100).clamp(8.0, 112.0);
        let box_w = layout(line, size).1 + 80.0;
        let box_h = size * 1.3;
        let box_top = y as f32 + 70.0;
        let bx0 = (centre - box_w / 2.0).max(px0 as f32 + 20.0) as u32;
        let bx1 = (centre + box_w / 2.0).min(px1 as f32 - 20.0) as u32;
        rounded_rect(
            &mut img,
            (bx0, box_top as u32, bx1, (box_top + box_h) as u32),
            20.0,
            mix(WHITE, ACCENT, 0.09),
        );
        let baseline = box_top + (box_h + ascent(size) * 0.72) / 2.0;
        centred(&mut img, line, size, centre, baseline, INK);
    }

    // the last day, under the panel
    if let Some(d) = &text.deadline {
        let (lines, size) = fit(d, wide, 48.0, 32.0, 1);
        let space = (h - py1) as f32;
        let baseline = py1 as f32 + (space + ascent(size) * 0.72) / 2.0;
        if let Some(line) = lines.first() {
            centred(&mut img, line, size, centre, baseline, WHITE);
        }
    }
    img
}

/// One line centred on `cx`.
fn centred(img: &mut RgbImage, text: &str, size: f32, cx: f32, baseline: f32, color: [u8; 3]) {
    let (_, width) = layout(text, size);
    draw_text(img, text, size, cx - width / 2.0, baseline, color);
}

/// The quiet zone around a QR code, in modules (what the standard asks).
const QUIET: usize = 4;

/// The side [`draw_qr`] draws `qr` at.
fn qr_side(qr: &crate::qr::Code, target: u32) -> u32 {
    let modules = (qr.width() + 2 * QUIET) as u32;
    modules * (target / modules).max(3)
}

/// Draws `qr` centred on `cx` from `top`: the quiet zone in white, the dark
/// modules in black, each module a whole number of pixels so that the side
/// comes as close to `target` as it can without passing it (but never below
/// 3 px a module). Returns the side drawn.
fn draw_qr(img: &mut RgbImage, qr: &crate::qr::Code, cx: u32, top: u32, target: u32) -> u32 {
    let n = qr.width();
    let side = qr_side(qr, target);
    let m = side / (n + 2 * QUIET) as u32;
    let left = cx.saturating_sub(side / 2);
    fill(img, (left, top, left + side, top + side), WHITE);
    let colors = qr.to_colors();
    for (i, c) in colors.iter().enumerate() {
        if *c != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = ((i % n + QUIET) as u32, (i / n + QUIET) as u32);
        let (x0, y0) = (left + x * m, top + y * m);
        fill(img, (x0, y0, x0 + m, y0 + m), [0, 0, 0]);
    }
    side
}

/// Fills the pixels `x0..x1` × `y0..y1` (clipped to the image).
fn fill(img: &mut RgbImage, (x0, y0, x1, y1): (u32, u32, u32, u32), color: [u8; 3]) {
    let (w, h) = img.dimensions();
    for y in y0.min(h)..y1.min(h) {
        for x in x0.min(w)..x1.min(w) {
            img.put_pixel(x, y, Rgb(color));
        }
    }
}

/// A rectangle with corners rounded to `r` px, their edges anti-aliased.
fn rounded_rect(img: &mut RgbImage, rect: (u32, u32, u32, u32), r: f32, color: [u8; 3]) {
    let (x0, y0, x1, y1) = rect;
    let (w, h) = img.dimensions();
    let (fx0, fy0, fx1, fy1) = (x0 as f32, y0 as f32, x1 as f32, y1 as f32);
    for y in y0.min(h)..y1.min(h) {
        let py = y as f32 + 0.5;
        for x in x0.min(w)..x1.min(w) {
            let px = x as f32 + 0.5;
            // the distance into the corner's quarter circle, if in a corner
            let dx = (fx0 + r - px).max(px - (fx1 - r)).max(0.0);
            let dy = (fy0 + r - py).max(py - (fy1 - r)).max(0.0);
            let cover = if dx > 0.0 && dy > 0.0 {
                (r - (dx * dx + dy * dy).sqrt() + 0.5).clamp(0.0, 1.0)
            } else {
                1.0
            };
            super::card::blend(img, x as i64, y as i64, color, cover);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> PosterText {
        PosterText {
            brand: "Glow Lab".into(),
            title: Some("Glow Lab launch".into()),
            code_label: Some("Code".into()),
            code: Some("LINH15".into()),
            deadline: Some("until 2026-12-31".into()),
        }
    }

    #[test]
    fn is_1080_by_1350_with_a_large_crisp_qr_code() {
        let qr = crate::qr::code("https://bio.example.com/linh/go/glow-lab-launch/").unwrap();
        let img = poster(&text(), Some(&qr));
        assert_eq!(img.dimensions(), (POSTER_WIDTH, POSTER_HEIGHT));
        // only pure black and pure white inside the code's area: crisp modules
        let modules = (qr.width() + 8) as u32;
        let m = QR_TARGET / modules;
        let side = modules * m;
        assert!(side >= 600, "{side}");
        assert_eq!(qr_side(&qr, QR_TARGET), side);
        let left = POSTER_WIDTH / 2 - side / 2;
        let top = PANEL.1 + (PANEL.3 - PANEL.1 - side - CODE_BLOCK) / 2;
        let mut dark = 0;
        for y in top..top + side {
            for x in left..left + side {
                let p = img.get_pixel(x, y).0;
                assert!(p == [0, 0, 0] || p == WHITE, "{x},{y}: {p:?}");
                dark += usize::from(p == [0, 0, 0]);
            }
        }
        assert!(dark > 0);
        // the quiet zone is white
        for x in left..left + 4 * m {
            assert_eq!(img.get_pixel(x, top + side / 2).0, WHITE);
        }
    }

    #[test]
    fn the_longest_code_fits_whole() {
        // codes are at most 40 ASCII characters (campaign::codes)
        let code = "W".repeat(40);
        let at_100 = layout(&code, 100.0).1;
        let wide = (POSTER_WIDTH - 2 * PANEL.0) as f32 - 120.0;
        let size = (100.0 * wide / at_100).clamp(8.0, 112.0);
        assert!(size >= 18.0, "{size}");
        assert!(layout(&code, size).1 <= wide + 0.5);
    }

    #[test]
    fn never_panics_on_long_or_missing_texts() {
        let long = PosterText {
            brand: "W".repeat(500),
            title: Some("Nguyễn ".repeat(100)),
            code_label: None,
            code: Some("X".repeat(64)),
            deadline: Some("đến hết 2026-12-31 ".repeat(20)),
        };
        let qr = crate::qr::code(&"x".repeat(2000)).unwrap();
        assert_eq!(poster(&long, Some(&qr)).width(), POSTER_WIDTH);
        assert_eq!(poster(&PosterText::default(), None).height(), POSTER_HEIGHT);
    }
}
