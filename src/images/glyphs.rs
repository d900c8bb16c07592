//! Glyph coverage, rasterised once per glyph, size and quarter-pixel
//! position for the whole build, and laid onto an RGB canvas row by row.
//!
//! Why: an agency draws a sharing card per creator, and its names share a
//! few hundred glyphs at the dozen sizes the card's title steps through.
//! Rasterising every glyph of every card through ab_glyph (outline, lines,
//! accumulation, then a callback per pixel of its box, blank ones included)
//! was a third of a card's drawing. Here a glyph's coverage is kept as
//! bytes, keyed by glyph, size and the pen's position within its pixel in
//! quarters, so a glyph is rasterised at most 16 times per size, and laying
//! it down touches only the pixels it covers. Positions are rounded to a
//! quarter pixel, which no reader of a 1200×630 card can tell apart.
//!
//! The cache is shared by the rayon workers (read-mostly, behind a lock)
//! and bounded in bytes: a build with thousands of Chinese initials and
//! sizes stops keeping new glyphs at [`BUDGET`] and rasterises the rest each
//! time. Every glyph at one key is the same bitmap whoever drew it first, so
//! the output does not depend on the order the workers run in.

use super::plan::font;
use ab_glyph::{Font as _, GlyphId};
use image::RgbImage;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock, RwLock};

/// Sub-pixel steps per pixel in each direction.
const STEPS: f32 = 4.0;

/// The bytes of coverage the shared cache keeps at most (16 MiB: ample for
/// the Latin, Vietnamese and common Chinese glyphs at every title size).
const BUDGET: usize = 16 << 20;

/// A glyph's coverage at one size and sub-pixel offset: `w`×`h` bytes
/// (0 = untouched, 255 = covered), its top-left pixel `(dx, dy)` from the
/// pen's whole pixel.
pub(super) struct Coverage {
    dx: i64,
    dy: i64,
    w: usize,
    h: usize,
    alpha: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    glyph: u16,
    size: u32,
    qx: u8,
    qy: u8,
}

#[derive(Default)]
struct Cache {
    glyphs: HashMap<Key, Arc<Coverage>>,
    bytes: usize,
}

fn cache() -> &'static RwLock<Cache> {
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    CACHE.get_or_init(RwLock::default)
}

/// The whole pixel and the quarter within it nearest to `v`.
fn split(v: f32) -> (i64, u8) {
    let whole = v.floor();
    let q = ((v - whole) * STEPS).round();
    if q >= STEPS {
        (whole as i64 + 1, 0)
    } else {
        (whole as i64, q as u8)
    }
}

fn rasterise(key: Key) -> Option<Coverage> {
    let g = GlyphId(key.glyph).with_scale_and_position(
        f32::from_bits(key.size),
        ab_glyph::point(key.qx as f32 / STEPS, key.qy as f32 / STEPS),
    );
    let o = font().outline_glyph(g)?;
    let b = o.px_bounds();
    let (w, h) = (b.width() as usize, b.height() as usize);
    let mut alpha = vec![0u8; w * h];
    o.draw(|x, y, c| {
        if let Some(a) = alpha.get_mut(y as usize * w + x as usize) {
            // + 0.5 and truncation: rounding without a libm call
            *a = (c.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
        }
    });
    Some(Coverage {
        dx: b.min.x as i64,
        dy: b.min.y as i64,
        w,
        h,
        alpha,
    })
}

/// The coverage of `glyph` at `size` px with the pen at `(x, y)`, and the
/// pen's whole pixel; `None` for a glyph with no outline (a space).
fn coverage(glyph: GlyphId, size: f32, x: f32, y: f32) -> Option<(Arc<Coverage>, i64, i64)> {
    let (px, qx) = split(x);
    let (py, qy) = split(y);
    let key = Key {
        glyph: glyph.0,
        size: size.to_bits(),
        qx,
        qy,
    };
    let lock = cache();
    if let Some(c) = lock
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .glyphs
        .get(&key)
    {
        return Some((c.clone(), px, py));
    }
    let c = Arc::new(rasterise(key)?);
    let mut cache = lock.write().unwrap_or_else(|e| e.into_inner());
    // another worker may have kept the same glyph meanwhile: counted once
    if let Some(kept) = cache.glyphs.get(&key) {
        return Some((kept.clone(), px, py));
    }
    if cache.bytes + c.alpha.len() <= BUDGET {
        cache.bytes += c.alpha.len();
        cache.glyphs.insert(key, c.clone());
    }
    Some((c, px, py))
}

/// Lays `glyph` onto `canvas` in `color` with the pen at `(x, y)`; returns
/// the columns and rows it may have changed (clipped to the canvas), `None`
/// when it changed nothing.
pub(super) fn draw_glyph(
    canvas: &mut RgbImage,
    glyph: GlyphId,
    size: f32,
    x: f32,
    y: f32,
    color: [u8; 3],
) -> Option<(Range<u32>, Range<u32>)> {
    let (c, px, py) = coverage(glyph, size, x, y)?;
    let (cw, ch) = (canvas.width() as i64, canvas.height() as i64);
    let (left, top) = (px + c.dx, py + c.dy);
    // the part of the glyph's box on the canvas
    let (x0, x1) = (left.max(0), (left + c.w as i64).min(cw));
    let (y0, y1) = (top.max(0), (top + c.h as i64).min(ch));
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let stride = cw as usize * 3;
    let raw: &mut [u8] = canvas.as_mut();
    for y in y0..y1 {
        let from = (y - top) as usize * c.w;
        let cov = &c.alpha[from + (x0 - left) as usize..from + (x1 - left) as usize];
        let row =
            &mut raw[y as usize * stride + x0 as usize * 3..y as usize * stride + x1 as usize * 3];
        for (p, &a) in row.chunks_exact_mut(3).zip(cov) {
            match a {
                0 => {}
                255 => p.copy_from_slice(&color),
                a => {
                    let (a, keep) = (a as u32, 255 - a as u32);
                    for (v, &to) in p.iter_mut().zip(&color) {
                        // (v·(255−a) + to·a) / 255, rounded, in integers
                        let t = *v as u32 * keep + to as u32 * a + 128;
                        *v = ((t + (t >> 8)) >> 8) as u8;
                    }
                }
            }
        }
    }
    Some((x0 as u32..x1 as u32, y0 as u32..y1 as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn quarters_round_to_the_nearest_and_carry() {
        assert_eq!(split(3.0), (3, 0));
        assert_eq!(split(3.1), (3, 0));
        assert_eq!(split(3.2), (3, 1));
        assert_eq!(split(3.5), (3, 2));
        assert_eq!(split(3.9), (4, 0));
        assert_eq!(split(-0.1), (0, 0));
        assert_eq!(split(-0.3), (-1, 3));
    }

    /// The integer blend is the exact rounded mix for every pair of values
    /// and coverage.
    #[test]
    fn the_blend_rounds_like_the_exact_mix() {
        for a in 1..255u32 {
            for v in [0u32, 1, 77, 128, 200, 254, 255] {
                for to in [0u32, 18, 255] {
                    let t = v * (255 - a) + to * a + 128;
                    let got = (t + (t >> 8)) >> 8;
                    let exact = ((v * (255 - a) + to * a) as f64 / 255.0).round() as u32;
                    assert_eq!(got, exact, "v {v} to {to} a {a}");
                }
            }
        }
    }

    /// A cached glyph lays down what ab_glyph draws at the rounded
    /// position, also where the canvas cuts it, and a second draw (from
    /// the cache) is the same as the first.
    #[test]
    fn a_glyph_is_ab_glyphs_coverage_at_the_rounded_position() {
        for (ch, size, x, y) in [
            ('W', 88.0, 10.3, 80.6),
            ('g', 40.0, -7.9, 30.1),
            ('Ǻ', 60.0, 150.74, 100.0),
            ('Ữ', 72.0, 30.0, 20.2),
        ] {
            let id = font().glyph_id(ch);
            let (px, qx) = split(x);
            let (py, qy) = split(y);
            let mut want = RgbImage::from_pixel(200, 120, Rgb([10, 20, 30]));
            let g = id.with_scale_and_position(
                size,
                ab_glyph::point(px as f32 + qx as f32 / STEPS, py as f32 + qy as f32 / STEPS),
            );
            let o = font().outline_glyph(g).unwrap();
            let b = o.px_bounds();
            o.draw(|gx, gy, c| {
                let (x, y) = (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                if (0..200).contains(&x) && (0..120).contains(&y) {
                    let a = (c.clamp(0.0, 1.0) * 255.0 + 0.5) as u32;
                    let p = want.get_pixel_mut(x as u32, y as u32);
                    for (v, to) in p.0.iter_mut().zip([255u32, 255, 255]) {
                        *v = ((*v as u32 * (255 - a) + to * a) as f64 / 255.0).round() as u8;
                    }
                }
            });
            for _ in 0..2 {
                let mut got = RgbImage::from_pixel(200, 120, Rgb([10, 20, 30]));
                let (cols, rows) = draw_glyph(&mut got, id, size, x, y, [255, 255, 255]).unwrap();
                // ab_glyph placed at the pixel itself may differ in the last
                // bit of a coverage: at most 1 in a channel
                for (at, (g, w)) in got.pixels().zip(want.pixels()).enumerate() {
                    let near = g.0.iter().zip(w.0).all(|(&g, w)| g.abs_diff(w) <= 1);
                    assert!(near, "{ch} at {x},{y}: pixel {at} {g:?} {w:?}");
                }
                assert!(
                    want.pixels().filter(|p| p.0[0] > 128).count() > 20,
                    "{ch} drawn"
                );
                for (i, p) in got.pixels().enumerate() {
                    let (c, r) = ((i % 200) as u32, (i / 200) as u32);
                    if p.0 != [10, 20, 30] {
                        assert!(rows.contains(&r) && cols.contains(&c), "{ch}: {c},{r}");
                    }
                }
            }
        }
    }
}
