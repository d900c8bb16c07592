//! The sharing card (1200×630) and the letter icons, drawn with the
//! bundled font. Text is laid out in linear time: each character is
//! measured once however long the name.

use super::deflate::Coded;
use super::fastpng::{self, KnownStarts};
use super::glyphs;
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
    draw_text_box(canvas, text, size, x0, y, color).1 .0
}

/// [`draw_text`], returning the columns as well as the rows it may have
/// changed.
fn draw_text_box(
    canvas: &mut RgbImage,
    text: &str,
    size: f32,
    x0: f32,
    y: f32,
    color: [u8; 3],
) -> (Span, Span) {
    let (glyphs, _) = layout(text, size);
    let (mut cols, mut rows) = (Span::NONE, Span::NONE);
    for (id, x) in glyphs {
        if let Some((c, r)) = glyphs::draw_glyph(canvas, id, size, x0 + x, y, color) {
            cols = cols.with(c);
            rows = rows.with(r);
        }
    }
    (cols, rows)
}

/// A union of row (or column) ranges, kept as the smallest range covering
/// them all.
#[derive(Clone, Debug, PartialEq)]
struct Span(Range<u32>);

impl Span {
    const NONE: Span = Span(0..0);

    fn with(self, more: Range<u32>) -> Span {
        if more.is_empty() {
            self
        } else if self.0.is_empty() {
            Span(more)
        } else {
            Span(self.0.start.min(more.start)..self.0.end.max(more.end))
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

/// A drawn card, the rows its drawing may have changed (the rest is the
/// gradient) and the box its text may have changed: the next card drawn
/// into the same memory restores that box and paints its avatar block over
/// the last one's.
pub(super) struct CardCanvas {
    card: RgbImage,
    drawn: Range<u32>,
    text: (Range<u32>, Range<u32>),
    /// The avatar block painted: the next card with the same one (the same
    /// initial) need not paint it again.
    block: Arc<Block>,
}

/// The avatar in its ring on the gradient ([`BLOCK`]), and for a block
/// shared by every card with one initial, the coded start of each of its
/// filtered rows (see `fastpng::KnownStarts`).
pub(super) struct Block {
    image: RgbImage,
    starts: Option<Vec<Coded>>,
}

/// The bytes of a filtered card row known from the block alone: the filter
/// type and every pixel up to one past the block (the Paeth filter looks one
/// pixel left and one row up), rounded up to whole eight-byte chunks.
const START_LEN: usize = (1 + BLOCK.0.end as usize * 3).div_ceil(8) * 8;

/// The pixels a row's known start depends on.
const START_PX: u32 = (START_LEN as u32 - 1).div_ceil(3);

impl Block {
    fn shared(image: RgbImage) -> Block {
        // the rows from the one above the block to its last, in full up to
        // START_PX: gradient, with the block painted
        let rows = BLOCK.1;
        let g = &gradient_row()[..START_PX as usize * 3];
        let mut raw = g.repeat(rows.len() + 1);
        paint_block(&mut raw, g.len(), rows.start - 1, &image);
        let starts = fastpng::row_starts(&raw, START_PX, START_LEN);
        Block {
            image,
            starts: Some(starts),
        }
    }
}

impl CardCanvas {
    pub(super) fn image(&self) -> &RgbImage {
        &self.card
    }

    /// The rows drawing may have changed; every other row is the gradient.
    pub(super) fn drawn(&self) -> Range<u32> {
        self.drawn.clone()
    }

    /// The block's rows whose filtered start is known: when the block is
    /// shared and the text keeps clear of the pixels that start depends on.
    pub(super) fn known(&self) -> Option<KnownStarts<'_>> {
        let starts = self.block.starts.as_ref()?;
        let (cols, rows) = &self.text;
        let clear = cols.is_empty()
            || rows.is_empty()
            || cols.start >= START_PX
            || rows.end < BLOCK.1.start
            || rows.start > BLOCK.1.end;
        clear.then_some(KnownStarts {
            first: BLOCK.1.start,
            coded: starts,
            // a row's filtered bytes depend on the row above it too
            busy: rows.start..rows.end + 1,
        })
    }
}

/// The card's left-to-right gradient: one row, which every row repeats.
/// Identical rows cost the PNG encoder almost nothing (its Paeth filter
/// leaves zeros), which keeps the card cheap for an agency that draws ten
/// thousand of them.
fn gradient_row() -> &'static [u8] {
    static ROW: OnceLock<Vec<u8>> = OnceLock::new();
    ROW.get_or_init(|| {
        (0..OG_WIDTH)
            .flat_map(|x| mix(ACCENT, ACCENT_DEEP, x as f32 / OG_WIDTH as f32))
            .collect()
    })
}

/// The avatar's diameter, ring width and centre on the card.
const AVATAR: u32 = 360;
const RING: u32 = 10;
const AVATAR_CX: u32 = 100 + RING + AVATAR / 2;
const AVATAR_CY: u32 = OG_HEIGHT / 2;

/// The rectangle of the card the avatar and its ring are drawn in, one
/// pixel beyond the ring's anti-aliased edge on every side: columns, rows.
const BLOCK: (Range<u32>, Range<u32>) = (
    AVATAR_CX - AVATAR / 2 - RING - 1..AVATAR_CX + AVATAR / 2 + RING + 1,
    AVATAR_CY - AVATAR / 2 - RING - 1..AVATAR_CY + AVATAR / 2 + RING + 1,
);

/// The avatar block of a card without a picture: drawn once per initial for
/// the whole build, as the letter icons were (an agency's cards share a few
/// dozen initials, and the ring's anti-aliased edges cost as much as the
/// rest of the card's drawing). At most [`SHARED_LETTERS`] are kept
/// (Chinese names bring thousands of initials, 440 KB each); the others
/// are drawn every time.
fn shared_letter_block(letter: &str) -> Arc<Block> {
    type Memo = Mutex<HashMap<String, Arc<Block>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Memo::default);
    if let Some(img) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(letter) {
        return img.clone();
    }
    let image = avatar_block(&letter_icon(letter, AVATAR));
    let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
    if memo.len() < SHARED_LETTERS {
        let block = Arc::new(Block::shared(image));
        memo.insert(letter.to_string(), block.clone());
        block
    } else {
        // drawn for this card alone: coding its rows' starts would cost
        // what it saves
        Arc::new(Block {
            image,
            starts: None,
        })
    }
}

const SHARED_LETTERS: usize = 64;

/// Paints `block` (the [`BLOCK`] rectangle) into `raw`, rows of `stride`
/// bytes of the card from its row `top` on.
fn paint_block(raw: &mut [u8], stride: usize, top: u32, block: &RgbImage) {
    let (cols, rows) = BLOCK;
    let (a, len) = (cols.start as usize * 3, cols.len() * 3);
    for (y, from) in rows.zip(block.as_raw().chunks_exact(len)) {
        let at = (y - top) as usize * stride + a;
        raw[at..at + len].copy_from_slice(from);
    }
}

/// `picture` (AVATAR px square) in its white ring on the gradient, as the
/// [`BLOCK`] rectangle of the card.
fn avatar_block(picture: &RgbImage) -> RgbImage {
    let (cols, rows) = BLOCK;
    let (bw, bh) = (cols.len() as u32, rows.len() as u32);
    let gradient = &gradient_row()[cols.start as usize * 3..cols.end as usize * 3];
    let mut block =
        RgbImage::from_raw(bw, bh, gradient.repeat(bh as usize)).expect("bw×bh×3 bytes");
    let (d, ring) = (AVATAR, RING);
    let (cx, cy) = (AVATAR_CX, AVATAR_CY);
    let r = d as f32 / 2.0;
    let outer = r + ring as f32;
    // In the card's coordinates, written at (x - bx, y - by). Row by row:
    // pixels whose centre is within r - 0.5 of the centre are wholly inside
    // the picture and are copied as a run; only the ring and the two
    // anti-aliased edges around it are blended pixel by pixel.
    let (bx, by) = (cols.start as i64, rows.start as i64);
    let (left, top) = (cx - d / 2, cy - d / 2);
    let reach = outer + 0.5;
    for y in rows {
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
        debug_assert!(oa >= bx && ob < cols.end as i64);
        let (ia, ib) = if dy.abs() < r - 0.5 {
            span(r - 0.5)
        } else {
            (cx as i64, cx as i64 - 1)
        };
        let py = y as i64 - top as i64;
        let yb = y as i64 - by;
        if ia <= ib {
            let from = ((py * d as i64 + ia - left as i64) * 3) as usize;
            let len = (ib - ia + 1) as usize * 3;
            let to = ((yb * bw as i64 + ia - bx) * 3) as usize;
            block.as_mut()[to..to + len].copy_from_slice(&picture.as_raw()[from..from + len]);
        }
        for x in (oa..ia).chain(ib + 1..=ob) {
            let dx = x as f32 + 0.5 - cx as f32;
            let dist = (dx * dx + dy * dy).sqrt();
            let ring_cover = (outer - dist + 0.5).clamp(0.0, 1.0);
            let inner_cover = (r - dist + 0.5).clamp(0.0, 1.0);
            if inner_cover < 1.0 {
                blend(&mut block, x - bx, yb, WHITE, ring_cover);
            }
            let px = x - left as i64;
            if inner_cover > 0.0 && (0..d as i64).contains(&py) && (0..d as i64).contains(&px) {
                let p = picture.get_pixel(px as u32, py as u32).0;
                blend(&mut block, x - bx, yb, p, inner_cover);
            }
        }
    }
    block
}

/// [`og_card`] drawn into the memory of a card drawn before (`reuse`): an
/// agency draws one card per creator (see `Make::OgCard`, which keeps one
/// per thread), and both a fresh 2.3 MB buffer (page faults) and painting
/// all of it again cost more than the drawing. Only the box the last card's
/// text was drawn in is painted again, and the avatar block is painted
/// over the last one; a test checks that every card so drawn equals one
/// drawn afresh.
pub(super) fn og_card_into(
    reuse: Option<CardCanvas>,
    avatar: Option<&DynamicImage>,
    name: &str,
    handle: &str,
) -> CardCanvas {
    let (w, h) = (OG_WIDTH, OG_HEIGHT);
    let row = gradient_row();
    let stride = row.len();
    let mut painted = None;
    let mut card = match reuse {
        Some(CardCanvas {
            mut card,
            text: (cols, rows),
            block,
            ..
        }) if card.dimensions() == (w, h) => {
            let (a, b) = (cols.start as usize * 3, cols.end as usize * 3);
            for y in rows {
                let at = y as usize * stride;
                card.as_mut()[at + a..at + b].copy_from_slice(&row[a..b]);
            }
            // a text box restored clear of the block leaves it as painted
            if cols.is_empty() || cols.start >= BLOCK.0.end {
                painted = Some(block);
            }
            card
        }
        _ => RgbImage::from_raw(w, h, row.repeat(h as usize)).expect("w×h×3 bytes"),
    };
    let block = match avatar {
        Some(img) => {
            // the picture flattened onto white, as RGB rows
            let rgba = resized(img, AVATAR).into_rgba8();
            let mut rgb = RgbImage::new(AVATAR, AVATAR);
            for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
                let Rgba([pr, pg, pb, pa]) = *from;
                to.0 = if pa == 255 {
                    [pr, pg, pb]
                } else {
                    mix(WHITE, [pr, pg, pb], pa as f32 / 255.0)
                };
            }
            Arc::new(Block {
                image: avatar_block(&rgb),
                starts: None,
            })
        }
        None => shared_letter_block(&initial(name, handle)),
    };
    if !painted.is_some_and(|p| Arc::ptr_eq(&p, &block)) {
        paint_block(card.as_mut(), stride, 0, &block.image);
    }
    let mut drawn = Span::NONE.with(BLOCK.1);
    let text_x = (AVATAR_CX + AVATAR / 2 + RING + 70) as f32;
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
    let height = line_h * lines.len() as f32 + sub_h;
    let mut baseline = (h as f32 - height) / 2.0 + scaled.ascent();
    let mut lines: Vec<(String, f32, f32, [u8; 3])> = lines
        .into_iter()
        .map(|line| {
            let at = baseline;
            baseline += line_h;
            (line, size, at, WHITE)
        })
        .collect();
    if let Some(sub) = subtitle {
        lines.push((
            fit_title_line(&sub, sub_size, width),
            sub_size,
            baseline - line_h + sub_size * 1.6,
            mix(WHITE, ACCENT, 0.18),
        ));
    }
    let (mut cols, mut rows) = (Span::NONE, Span::NONE);
    for (line, size, y, color) in &lines {
        let (c, r) = draw_text_box(&mut card, line, *size, text_x, *y, *color);
        cols = cols.with(c.0);
        rows = rows.with(r.0);
    }
    drawn = drawn.with(rows.0.clone());
    CardCanvas {
        card,
        drawn: drawn.0,
        text: (cols.0, rows.0),
        block,
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
    fn a_shared_letter_block_is_the_drawn_one_and_drawn_once() {
        let first = shared_letter_block("Ữ");
        assert!(first.image == avatar_block(&letter_icon("Ữ", AVATAR)));
        assert!(first
            .starts
            .as_ref()
            .is_some_and(|s| s.len() == BLOCK.1.len()));
        assert!(Arc::ptr_eq(&first, &shared_letter_block("Ữ")));
        assert!(!Arc::ptr_eq(&first, &shared_letter_block("Ư")));
    }

    /// The block holds the whole ring: its outermost pixels on every side
    /// are the gradient's.
    #[test]
    fn the_avatar_block_holds_the_ring() {
        let block = avatar_block(&letter_icon("A", AVATAR));
        let (cols, _) = BLOCK;
        let (bw, bh) = block.dimensions();
        for (x, y) in (0..bw)
            .flat_map(|x| [(x, 0), (x, bh - 1)])
            .chain((0..bh).flat_map(|y| [(0, y), (bw - 1, y)]))
        {
            let g = (cols.start + x) as usize * 3;
            assert_eq!(
                block.get_pixel(x, y).0[..],
                gradient_row()[g..g + 3],
                "{x},{y}"
            );
        }
        // and the ring is there: white left of the centre row
        assert_eq!(block.get_pixel(6, bh / 2).0, WHITE);
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
        let cards: [(Option<&DynamicImage>, &str, &str); 8] = [
            (Some(&photo), "Ữ̃̃̃ Ỡ̂̂ ǰ̈ g̨ Jyp", "tall"),
            (None, "", "x"),
            (None, &"W".repeat(300), "long"),
            (
                Some(&photo),
                "王小明 🌸 Nguyễn Thị Minh Khai Review Mỹ Phẩm",
                "wang",
            ),
            (None, "Linh", "linh"),
            // the same initial: the block is not painted again
            (None, "Lan Ǻ ǰ", "lan"),
            (None, "Ÿ", "y"),
            (None, "Yên", "yen"),
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
