//! The sharing card (1200×630) and the letter icons, drawn with the
//! bundled font. Text is laid out in linear time: each character is
//! measured once however long the name.

use super::make::resized;
use super::plan::{card_title, font, initial, OG_HEIGHT, OG_WIDTH};
use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use image::{DynamicImage, Rgb, RgbImage, Rgba};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

pub(super) const ACCENT: [u8; 3] = [0xb8, 0x12, 0x4f];

pub(super) const ACCENT_DEEP: [u8; 3] = [0x4a, 0x16, 0x70];

pub(super) const WHITE: [u8; 3] = [255, 255, 255];

pub(super) fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    // + 0.5 and truncation: rounding without a libm call per channel
    let m = |a: u8, b: u8| (a as f32 * (1.0 - t) + b as f32 * t + 0.5) as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

pub(super) fn blend(canvas: &mut RgbImage, x: i64, y: i64, color: [u8; 3], alpha: f32) {
    let (w, h) = (canvas.width() as i64, canvas.height() as i64);
    if alpha <= 0.0 || x < 0 || y < 0 || x >= w || y >= h {
        return;
    }
    let i = ((y * w + x) * 3) as usize;
    let p = &mut canvas.as_mut()[i..i + 3];
    let out = if alpha >= 1.0 {
        color
    } else {
        mix([p[0], p[1], p[2]], color, alpha)
    };
    p.copy_from_slice(&out);
}

/// Lays `text` out in one line at `size` px: (glyph, x) pairs and the width.
pub(super) fn layout(text: &str, size: f32) -> (Vec<(ab_glyph::GlyphId, f32)>, f32) {
    let f = font();
    let scaled = f.as_scaled(PxScale::from(size));
    let mut x = 0.0;
    let mut prev = None;
    let mut glyphs = Vec::new();
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        glyphs.push((id, x));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    (glyphs, x)
}

/// Draws one line of text with its baseline at `y`; returns the rows it
/// may have changed (each glyph's pixel bounds, clipped to the canvas).
pub(super) fn draw_text(
    canvas: &mut RgbImage,
    text: &str,
    size: f32,
    x0: f32,
    y: f32,
    color: [u8; 3],
) -> Range<u32> {
    let f = font();
    let (glyphs, _) = layout(text, size);
    let height = canvas.height() as f32;
    let mut rows = Rows::NONE;
    for (id, x) in glyphs {
        let g = id.with_scale_and_position(size, ab_glyph::point(x0 + x, y));
        if let Some(o) = f.outline_glyph(g) {
            let b = o.px_bounds();
            rows = rows.with(b.min.y.clamp(0.0, height) as u32..b.max.y.clamp(0.0, height) as u32);
            o.draw(|gx, gy, c| {
                blend(
                    canvas,
                    b.min.x as i64 + gx as i64,
                    b.min.y as i64 + gy as i64,
                    color,
                    c,
                )
            });
        }
    }
    rows.0
}

/// A union of row ranges, kept as the smallest range covering them all.
#[derive(Clone, Debug, PartialEq)]
struct Rows(Range<u32>);

impl Rows {
    const NONE: Rows = Rows(0..0);

    fn with(self, more: Range<u32>) -> Rows {
        if more.is_empty() {
            self
        } else if self.0.is_empty() {
            Rows(more)
        } else {
            Rows(self.0.start.min(more.start)..self.0.end.max(more.end))
        }
    }
}

/// A line being measured: the pen position and the last glyph (for
/// kerning), advanced one character at a time exactly as [`layout`] does, so
/// that measuring a line piece by piece gives [`layout`]'s very width while
/// every character is measured once (no line is laid out again from its
/// start: a long name costs linear time).
#[derive(Clone, Copy)]
struct Pen {
    x: f32,
    prev: Option<ab_glyph::GlyphId>,
}

impl Pen {
    const START: Pen = Pen { x: 0.0, prev: None };

    fn advance(mut self, scaled: &ab_glyph::PxScaleFont<&FontRef<'static>>, text: &str) -> Pen {
        for c in text.chars() {
            let id = font().glyph_id(c);
            if let Some(p) = self.prev {
                self.x += scaled.kern(p, id);
            }
            self.x += scaled.h_advance(id);
            self.prev = Some(id);
        }
        self
    }
}

/// Splits `text` into at most `max_lines` lines of at most `width` px at
/// `size`; `None` when it does not fit.
fn wrap(text: &str, size: f32, width: f32, max_lines: usize) -> Option<Vec<String>> {
    let scaled = font().as_scaled(PxScale::from(size));
    let mut lines: Vec<String> = Vec::new();
    let mut pen = Pen::START;
    for word in text.split(' ') {
        if let Some(last) = lines.last_mut() {
            let candidate = pen.advance(&scaled, " ").advance(&scaled, word);
            if candidate.x <= width {
                last.push(' ');
                last.push_str(word);
                pen = candidate;
                continue;
            }
        }
        let alone = Pen::START.advance(&scaled, word);
        if alone.x > width {
            return None;
        }
        if lines.len() == max_lines {
            return None;
        }
        lines.push(word.to_string());
        pen = alone;
    }
    (lines.len() <= max_lines).then_some(lines)
}

/// The title's lines and size: the largest size from 88 px down to 44 at
/// which it fits in two lines, else cut with an ellipsis at 44 px.
fn fit_title(text: &str, width: f32) -> (Vec<String>, f32) {
    fit(text, width, 88.0, 44.0, 2)
}

/// The lines and size of `text` in `width` px: the largest size from `max`
/// down to `min` (in steps of 4 px) at which it fits in `max_lines` lines,
/// else one line cut with an ellipsis at `min`.
pub(super) fn fit(
    text: &str,
    width: f32,
    max: f32,
    min: f32,
    max_lines: usize,
) -> (Vec<String>, f32) {
    let mut size = max;
    while size >= min {
        if let Some(lines) = wrap(text, size, width, max_lines) {
            return (lines, size);
        }
        size -= 4.0;
    }
    let cut = cut_to_fit(text, min, width);
    (vec![format!("{}…", cut.trim_end())], min)
}

/// The longest start of `text` that fits in `width` px at `size` with an
/// ellipsis after it: one pass over the text.
fn cut_to_fit(text: &str, size: f32, width: f32) -> &str {
    let scaled = font().as_scaled(PxScale::from(size));
    let mut pen = Pen::START;
    let mut best = 0;
    for (i, c) in text.char_indices() {
        pen = pen.advance(&scaled, &text[i..i + c.len_utf8()]);
        if pen.advance(&scaled, "…").x <= width {
            best = i + c.len_utf8();
        } else if pen.x > width {
            break;
        }
    }
    &text[..best]
}

/// [`letter_icon`], drawn once per letter and size for the whole build: an
/// agency's cards without an avatar share a few dozen initials, and drawing
/// one took a quarter of a card's drawing. At most [`SHARED_LETTERS`] are
/// kept (Chinese names bring thousands of initials, 389 KB each at 360 px);
/// the others are drawn every time.
pub(super) fn shared_letter_icon(letter: &str, side: u32) -> Arc<RgbImage> {
    type Memo = Mutex<HashMap<(String, u32), Arc<RgbImage>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Memo::default);
    let key = (letter.to_string(), side);
    if let Some(img) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return img.clone();
    }
    let img = Arc::new(letter_icon(letter, side));
    let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
    if memo.len() < SHARED_LETTERS {
        memo.insert(key, img.clone());
    }
    img
}

const SHARED_LETTERS: usize = 64;

/// The square `letter` icon: the letter in white on the accent colour.
pub(super) fn letter_icon(letter: &str, side: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(side, side, Rgb(ACCENT));
    let size = side as f32 * 0.56;
    let (_, w) = layout(letter, size);
    let scaled = font().as_scaled(PxScale::from(size));
    let baseline = (side as f32 + scaled.ascent() * 0.72) / 2.0;
    draw_text(
        &mut img,
        letter,
        size,
        (side as f32 - w) / 2.0,
        baseline,
        WHITE,
    );
    img
}

/// The 1200×630 card: a gradient in the default accent, the avatar in a
/// white ring on the left (or the initial when there is none), the name and
/// handle on the right. Characters the font cannot draw are left out; a name
/// with none left shows the handle (see [`card_title`]).
pub fn og_card(avatar: Option<&DynamicImage>, name: &str, handle: &str) -> RgbImage {
    og_card_into(None, avatar, name, handle).card
}

/// A drawn card and the rows its drawing may have changed: the rest is the
/// gradient, so the next card drawn into the same memory only restores
/// those rows.
pub(super) struct CardCanvas {
    card: RgbImage,
    drawn: Range<u32>,
}

impl CardCanvas {
    pub(super) fn image(&self) -> &RgbImage {
        &self.card
    }

    /// The rows drawing may have changed; every other row is the gradient.
    pub(super) fn drawn(&self) -> Range<u32> {
        self.drawn.clone()
    }
}

/// [`og_card`] drawn into the memory of a card drawn before (`reuse`): an
/// agency draws one card per creator (see `Make::OgCard`, which keeps one
/// per thread), and both a fresh 2.3 MB buffer (page faults) and painting
/// all of it again (6 % of an agency build's CPU) cost more than the
/// drawing. Only the rows the last card drew on are painted again; a test
/// checks that every card so drawn equals one drawn afresh.
pub(super) fn og_card_into(
    reuse: Option<CardCanvas>,
    avatar: Option<&DynamicImage>,
    name: &str,
    handle: &str,
) -> CardCanvas {
    let (w, h) = (OG_WIDTH, OG_HEIGHT);
    // A left-to-right gradient: one row, repeated. Identical rows cost the
    // PNG encoder almost nothing (its Paeth filter leaves zeros), which keeps
    // the card cheap for an agency that draws ten thousand of them.
    let row: Vec<u8> = (0..w)
        .flat_map(|x| mix(ACCENT, ACCENT_DEEP, x as f32 / w as f32))
        .collect();
    let mut card = match reuse {
        Some(CardCanvas { mut card, drawn }) if card.dimensions() == (w, h) => {
            let stride = row.len();
            for y in drawn {
                let at = y as usize * stride;
                card.as_mut()[at..at + stride].copy_from_slice(&row);
            }
            card
        }
        _ => {
            let mut buf = Vec::with_capacity((w * h * 3) as usize);
            for _ in 0..h {
                buf.extend_from_slice(&row);
            }
            RgbImage::from_raw(w, h, buf).expect("w×h×3 bytes")
        }
    };
    let d = 360u32;
    let ring = 10u32;
    let (cx, cy) = (100 + ring + d / 2, h / 2);
    // the picture flattened onto white, as RGB rows
    let picture: Arc<RgbImage> = match avatar {
        Some(img) => {
            let rgba = resized(img, d).into_rgba8();
            let mut rgb = RgbImage::new(d, d);
            for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
                let Rgba([pr, pg, pb, pa]) = *from;
                to.0 = if pa == 255 {
                    [pr, pg, pb]
                } else {
                    mix(WHITE, [pr, pg, pb], pa as f32 / 255.0)
                };
            }
            Arc::new(rgb)
        }
        None => shared_letter_icon(&initial(name, handle), d),
    };
    let r = d as f32 / 2.0;
    let outer = r + ring as f32;
    // Row by row: pixels whose centre is within r - 0.5 of the centre are
    // wholly inside the picture and are copied as a run; only the ring and
    // the two anti-aliased edges around it are blended pixel by pixel.
    let (left, top) = (cx - d / 2, cy - d / 2);
    let reach = outer + 0.5;
    let avatar_rows = top.saturating_sub(ring + 1)..(top + d + ring + 1).min(h);
    let mut drawn = Rows::NONE.with(avatar_rows.clone());
    for y in avatar_rows {
        let dy = y as f32 + 0.5 - cy as f32;
        if dy.abs() >= reach {
            continue;
        }
        let span = |radius: f32| {
            let half = (radius * radius - dy * dy).max(0.0).sqrt();
            // pixel x is within `half` when |x + 0.5 - cx| <= half
            let a = (cx as f32 - half - 0.5).ceil() as i64;
            let b = (cx as f32 + half - 0.5).floor() as i64;
            (a, b)
        };
        let (oa, ob) = span(reach);
        let (ia, ib) = if dy.abs() < r - 0.5 {
            span(r - 0.5)
        } else {
            (cx as i64, cx as i64 - 1)
        };
        let py = y as i64 - top as i64;
        if ia <= ib {
            let from = ((py * d as i64 + ia - left as i64) * 3) as usize;
            let len = (ib - ia + 1) as usize * 3;
            let to = ((y * w) as usize + ia as usize) * 3;
            card.as_mut()[to..to + len].copy_from_slice(&picture.as_raw()[from..from + len]);
        }
        for x in (oa..ia).chain(ib + 1..=ob) {
            let dx = x as f32 + 0.5 - cx as f32;
            let dist = (dx * dx + dy * dy).sqrt();
            let ring_cover = (outer - dist + 0.5).clamp(0.0, 1.0);
            let inner_cover = (r - dist + 0.5).clamp(0.0, 1.0);
            if inner_cover < 1.0 {
                blend(&mut card, x, y as i64, WHITE, ring_cover);
            }
            let px = x - left as i64;
            if inner_cover > 0.0 && (0..d as i64).contains(&py) && (0..d as i64).contains(&px) {
                let p = picture.get_pixel(px as u32, py as u32).0;
                blend(&mut card, x, y as i64, p, inner_cover);
            }
        }
    }

    let text_x = (cx + d / 2 + ring + 70) as f32;
    let width = w as f32 - text_x - 70.0;
    let (title, subtitle) = card_title(name, handle);
    let (lines, size) = fit_title(&title, width);
    let scaled = font().as_scaled(PxScale::from(size));
    let line_h = size * 1.12;
    let sub_size = 40.0;
    let sub_h = if subtitle.is_some() {
        sub_size * 1.6
    } else {
        0.0
    };
    let block = line_h * lines.len() as f32 + sub_h;
    let mut baseline = (h as f32 - block) / 2.0 + scaled.ascent();
    for line in &lines {
        drawn = drawn.with(draw_text(&mut card, line, size, text_x, baseline, WHITE));
        baseline += line_h;
    }
    if let Some(sub) = subtitle {
        let sub_text = fit_title_line(&sub, sub_size, width);
        drawn = drawn.with(draw_text(
            &mut card,
            &sub_text,
            sub_size,
            text_x,
            baseline - line_h + sub_size * 1.6,
            mix(WHITE, ACCENT, 0.18),
        ));
    }
    CardCanvas {
        card,
        drawn: drawn.0,
    }
}

/// One line at a fixed size, cut with an ellipsis when too wide.
fn fit_title_line(text: &str, size: f32, width: f32) -> String {
    if layout(text, size).1 <= width {
        return text.to_string();
    }
    format!("{}…", cut_to_fit(text, size, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_letter_icon_is_the_drawn_one_and_drawn_once() {
        let first = shared_letter_icon("Ữ", 48);
        assert_eq!(*first, letter_icon("Ữ", 48));
        assert!(Arc::ptr_eq(&first, &shared_letter_icon("Ữ", 48)));
        // another size is another picture
        assert_eq!(shared_letter_icon("Ữ", 40).width(), 40);
    }

    #[test]
    fn long_names_fit_the_card() {
        let (lines, size) = fit_title("Nguyễn Thị Minh Khai Review Mỹ Phẩm Chính Hãng", 560.0);
        assert!(lines.len() <= 2 && size >= 44.0, "{lines:?} {size}");
        for l in &lines {
            assert!(layout(l, size).1 <= 560.0);
        }
        let (lines, _) = fit_title(&"W".repeat(200), 560.0);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].ends_with('…'));
    }

    /// A card drawn into the memory of another equals one drawn afresh,
    /// whatever was drawn before: nothing of one creator's card may show on
    /// the next one's.
    #[test]
    fn a_card_drawn_over_another_is_the_card_drawn_afresh() {
        let photo = DynamicImage::ImageRgb8(RgbImage::from_fn(50, 40, |x, y| {
            Rgb([(x * 5) as u8, (y * 6) as u8, (x * y) as u8])
        }));
        let cards: [(Option<&DynamicImage>, &str, &str); 6] = [
            (Some(&photo), "Ữ̃̃̃ Ỡ̂̂ ǰ̈ g̨ Jyp", "tall"),
            (None, "", "x"),
            (None, &"W".repeat(300), "long"),
            (
                Some(&photo),
                "王小明 🌸 Nguyễn Thị Minh Khai Review Mỹ Phẩm",
                "wang",
            ),
            (None, "Linh", "linh"),
            (None, "Ÿ", "y"),
        ];
        for first in 0..cards.len() {
            let mut canvas = None;
            for i in (first..cards.len()).chain(0..first) {
                let (avatar, name, handle) = cards[i];
                let drawn = og_card_into(canvas.take(), avatar, name, handle);
                assert!(
                    *drawn.image() == og_card(avatar, name, handle),
                    "card {i} drawn after {first}"
                );
                canvas = Some(drawn);
            }
        }
    }

    /// What [`og_card_into`] relies on to repaint only some rows: the rows
    /// `draw_text` reports hold every pixel it changed, also for text cut
    /// by the canvas's edges.
    #[test]
    fn draw_text_reports_every_row_it_changes() {
        for (text, size, y) in [
            ("Ữ̃̃̃ Ỡ̂̂ ǰ̈ g̨ Jyp", 88.0, 100.0),
            ("王小明 🌸 Ǻ", 40.0, 60.0),
            ("gjpqy ÀÉ", 60.0, 20.0),
            ("gjpqy ÀÉ", 60.0, 150.0),
            ("", 60.0, 90.0),
        ] {
            let before = RgbImage::from_pixel(400, 160, Rgb(ACCENT));
            let mut after = before.clone();
            let rows = draw_text(&mut after, text, size, 10.0, y, WHITE);
            let changed: Vec<u32> = (0..160)
                .filter(|&r| (0..400).any(|x| before.get_pixel(x, r) != after.get_pixel(x, r)))
                .collect();
            if let (Some(first), Some(last)) = (changed.first(), changed.last()) {
                assert!(
                    rows.contains(first) && rows.contains(last),
                    "{text}: {rows:?} {changed:?}"
                );
                assert!(rows.len() as f32 <= size * 2.0, "{text}: {rows:?}");
            } else {
                assert!(text.is_empty(), "{text} drew nothing");
            }
        }
    }

    #[test]
    fn og_card_is_1200_by_630_and_draws_the_name() {
        let card = og_card(None, "Linh Nguyễn", "linhreview");
        assert_eq!(card.dimensions(), (1200, 630));
        // white text pixels in the text area
        let white = (600..1150)
            .flat_map(|x| (0..630).map(move |y| (x, y)))
            .filter(|(x, y)| card.get_pixel(*x, *y).0 == WHITE)
            .count();
        assert!(white > 2000, "{white}");
    }
}
