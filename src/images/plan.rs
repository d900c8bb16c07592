//! The planning half of the image pipeline: pure. What each source image
//! becomes (sizes, formats, icons, the sharing card), under which names, and
//! the limits a source must keep. `resolve` names every file from here
//! before a pixel is decoded.

use crate::model::ImageInput;
use ab_glyph::{Font as _, FontRef};
use sha2::Digest as _;
use std::path::Path;
use std::sync::OnceLock;

/// Pixel limits of a source image. The widest side any theme shows is a few
/// hundred pixels; 40 megapixels (a large phone photo is 12 to 50) keeps one
/// decoded image under 160 MB, so parallel builds cannot run out of memory.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
pub const MAX_IMAGE_SIDE: u32 = 20_000;

/// Bumped whenever the bytes the pipeline makes change (sizes, quality,
/// drawing), so caches made by older versions are not reused.
const PIPELINE: &str = "biopage-images-2";

/// Bumped whenever what biopage draws itself (the sharing card, the letter
/// icons) changes while the resized images stay as they were: it renames
/// the cards, and only them, so no host or browser keeps an old one.
/// 2: glyphs placed at quarter pixels from a shared coverage cache.
const DRAWING: &str = "biopage-drawing-2";

/// The widest an avatar is shown by a built-in theme, in CSS pixels (bold,
/// desktop: 132 px; default 112, minimal 76, shop 64 to 80).
pub const AVATAR_CSS: u32 = 132;

/// The widest a product image is shown (bold's two-column grid just above
/// 720 px: up to ~350 px; default, minimal and shop stay under 310).
pub const PRODUCT_CSS: u32 = 360;

/// Open Graph card size: what Facebook, LinkedIn and X show large.
pub const OG_WIDTH: u32 = 1200;

pub const OG_HEIGHT: u32 = 630;

pub const TOUCH_ICON: u32 = 180;

static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold-subset.ttf");

pub(crate) fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).expect("the bundled font parses"))
}

/// What one product or avatar is shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Avatar,
    Product,
}

impl Kind {
    pub fn css_width(self) -> u32 {
        match self {
            Kind::Avatar => AVATAR_CSS,
            Kind::Product => PRODUCT_CSS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    WebP,
    Jpeg,
    Png,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::WebP => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// One file the pipeline makes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Make {
    /// The source cut to a centred square (every built-in theme shows
    /// avatars and product images square, `object-fit: cover`) and resized.
    Square { side: u32, format: Format },
    /// `favicon.ico`: 32 and 48 px PNGs of the avatar in a circle.
    Favicon,
    /// `apple-touch-icon.png`, 180 px: the avatar, or `letter` on the accent
    /// colour when there is no avatar.
    TouchIcon { letter: String },
    /// The 1200×630 Open Graph card: avatar, name and handle.
    OgCard { name: String, handle: String },
}

impl Make {
    pub(crate) fn ext(&self) -> &'static str {
        match self {
            Make::Square { format, .. } => format.ext(),
            Make::Favicon => "ico",
            Make::TouchIcon { .. } | Make::OgCard { .. } => "png",
        }
    }
}

/// The square sides to make for an image shown at most `css` CSS pixels
/// wide: 1x and 2x, never larger than the source (no upscaling).
pub fn sides(css: u32, source_short_side: u32) -> Vec<u32> {
    let mut out: Vec<u32> = [css, css * 2]
        .iter()
        .map(|s| (*s).min(source_short_side).max(1))
        .collect();
    out.dedup();
    out
}

/// The fallback format for browsers without WebP: PNG keeps transparency.
pub fn fallback(i: &ImageInput) -> Format {
    if i.alpha {
        Format::Png
    } else {
        Format::Jpeg
    }
}

/// The site-relative output name of a resized image:
/// `assets/<stem>-<side>.<fingerprint>.<ext>`. One fingerprint per source
/// and pipeline version, so a page's URLs for one image share it (they
/// compress well) and change whenever the picture does.
pub fn square_name(i: &ImageInput, side: u32, format: Format) -> String {
    let stem = Path::new(&i.rel)
        .file_stem()
        .map(|s| crate::text::slugify(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "image".into());
    format!(
        "assets/{stem}-{side}.{}.{}",
        fingerprint(&[PIPELINE, &i.digest, &i.orientation.to_string()]),
        format.ext()
    )
}

/// The site-relative name of the Open Graph card.
pub fn og_name(avatar: Option<&ImageInput>, name: &str, handle: &str) -> String {
    let digest = avatar.map(|a| a.digest.as_str()).unwrap_or("");
    format!(
        "assets/og.{}.png",
        fingerprint(&[PIPELINE, DRAWING, digest, name, handle])
    )
}

fn fingerprint(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()[..5]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The name of a made file in the cache: 128 bits of the hash of everything
/// it depends on (the source's full content hash, its orientation, what is
/// made of it and the pipeline version).
pub(crate) fn cache_key(src: Option<&ImageInput>, make: &Make) -> String {
    let mut h = sha2::Sha256::new();
    h.update(PIPELINE.as_bytes());
    if matches!(make, Make::OgCard { .. } | Make::TouchIcon { .. }) {
        h.update(DRAWING.as_bytes());
    }
    if let Some(s) = src {
        h.update(s.digest.as_bytes());
        h.update([s.orientation]);
    }
    h.update(format!("{make:?}").as_bytes());
    let hex: String = h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}.{}", make.ext())
}

/// The characters of `text` the bundled font can draw (Latin, Vietnamese):
/// others (Chinese, emoji) are left out rather than drawn as empty boxes.
pub fn drawable(text: &str) -> String {
    let f = font();
    let kept: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| *c == ' ' || (!c.is_control() && f.glyph_id(*c).0 != 0))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the bundled font draws every character of `text` (white space
/// aside): a picture that must say a thing whole (a date, a code) uses
/// another wording rather than one with characters left out.
pub fn fully_drawable(text: &str) -> bool {
    drawable(text) == text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The title an Open Graph card shows: the name, without the characters the
/// font lacks; the handle when nothing readable is left ("小美" → "@xiaomei").
pub fn card_title(name: &str, handle: &str) -> (String, Option<String>) {
    let shown = drawable(name);
    if shown.chars().any(char::is_alphanumeric) {
        (shown, Some(format!("@{}", drawable(handle))))
    } else {
        (format!("@{}", drawable(handle)), None)
    }
}

/// The letter of an icon without an avatar: the name's first drawable
/// letter, else the handle's.
pub fn initial(name: &str, handle: &str) -> String {
    for s in [name, handle] {
        if let Some(c) = drawable(s).chars().find(|c| c.is_alphanumeric()) {
            let up: String = c.to_uppercase().collect();
            if drawable(&up) == up {
                return up;
            }
            return c.to_string();
        }
    }
    "B".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_are_1x_and_2x_without_upscaling() {
        assert_eq!(sides(132, 512), vec![132, 264]);
        assert_eq!(sides(360, 600), vec![360, 600]);
        assert_eq!(sides(360, 360), vec![360]);
        assert_eq!(sides(360, 100), vec![100]);
    }

    #[test]
    fn text_the_font_lacks_is_left_out() {
        assert_eq!(drawable("Linh Nguyễn"), "Linh Nguyễn");
        assert_eq!(drawable("Mei 小美 ✨"), "Mei");
        assert_eq!(card_title("小美", "xiaomei"), ("@xiaomei".into(), None));
        assert_eq!(
            card_title("Đào Thị Ánh", "anh"),
            ("Đào Thị Ánh".into(), Some("@anh".into()))
        );
        assert_eq!(initial("小美", "xiaomei"), "X");
        assert_eq!(initial("đào", "x"), "Đ");
        assert!(fully_drawable("đến hết  2026-12-31"));
        assert!(!fully_drawable("截至 2026-12-31"));
    }
}
