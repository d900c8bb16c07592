//! The PNG encoding of pictures an agency makes once per creator (the
//! sharing card, a brief's poster): the `png` crate's Paeth filter and fast
//! compression, with the filter skipped where it is known to give zeros.
//!
//! Why: the card is a gradient repeated row after row with the avatar and
//! the name drawn on it, so most of its bytes equal the bytes above them.
//! Where a byte and the byte three to its left (one RGB pixel) both equal
//! those above them, the Paeth predictor is the byte above and the filtered
//! byte is zero; the `png` crate works that out byte by byte, 2.3 MB per
//! card, which was 11 % of an agency build's CPU. Here such stretches are
//! found with one slice comparison per block and written as zeros. The file
//! is byte for byte what `image`'s `PngEncoder` with `CompressionType::Fast`
//! and `FilterType::Paeth` writes (a test checks it), so the change is in
//! speed only.

use super::deflate::{Coded, RowDeflate};
use std::io::Cursor;
use std::ops::Range;

/// Bytes compared at a time: long enough that a clean stretch costs one
/// `memcmp`, short enough that a glyph's edge does not drag much of its row
/// through the byte-by-byte path.
const BLOCK: usize = 192;

/// The filter type byte of a Paeth-filtered row.
const PAETH: u8 = 4;

/// Bytes per pixel (8-bit RGB).
const BPP: usize = 3;

/// A PNG of 8-bit RGB pixels (`raw`, row by row, `width` × `height`).
pub fn encode_rgb(raw: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    encode_rgb_drawn(raw, width, height, 0..height, None)
}

/// Rows whose filtered start is known, coded: `coded[i]` is the start of
/// row `first + i` (see [`row_starts`]).
pub(super) struct KnownStarts<'a> {
    pub first: u32,
    pub coded: &'a [Coded],
    /// The rows whose bytes after the start may not be zero (the card's
    /// text, and the row below it); the others are known to be.
    pub busy: Range<u32>,
}

/// The coded starts (`len` bytes of each filtered row, filter type
/// included; a multiple of 8) of the rows of `raw` (`width` pixels wide)
/// after its first, which is the row above them.
pub(super) fn row_starts(raw: &[u8], width: u32, len: usize) -> Vec<Coded> {
    let stride = width as usize * BPP;
    assert!(len <= stride + 1, "a row's start within the row");
    let mut row = vec![PAETH; stride + 1];
    let mut dirty = Vec::new();
    raw.chunks_exact(stride)
        .zip(raw.chunks_exact(stride).skip(1))
        .map(|(above, cur)| {
            dirty.clear();
            paeth_row(above, cur, &mut row[1..], &mut dirty);
            Coded::row_start(&row[..len])
        })
        .collect()
}

/// [`encode_rgb`] for a picture whose rows outside `drawn` are all one and
/// the same row (the card's gradient): those rows are known to equal the
/// row above without comparing them, 900 KB of a card's 2.3 MB.
///
/// `known`: rows whose first bytes, filtered, are known and coded (the
/// card's avatar block, shared by every card with the same initial): only
/// the rest of those rows is filtered and coded.
pub(super) fn encode_rgb_drawn(
    raw: &[u8],
    width: u32,
    height: u32,
    drawn: Range<u32>,
    known: Option<KnownStarts>,
) -> Result<Vec<u8>, String> {
    let stride = width as usize * BPP;
    if raw.len() != stride * height as usize || stride == 0 {
        return Err(format!(
            "PNG encoding failed: {} bytes are not {width}×{height} RGB pixels",
            raw.len()
        ));
    }
    let fail = |e: std::io::Error| format!("PNG encoding failed: {e}");
    let mut z = RowDeflate::new(64 * 1024);
    let above = vec![0u8; stride];
    let mut prev: &[u8] = &above;
    let mut row = vec![0u8; stride + 1];
    row[0] = PAETH;
    let mut dirty = Vec::new();
    for (y, cur) in (0u32..).zip(raw.chunks_exact(stride)) {
        let plain = y > 0 && !drawn.contains(&y) && !drawn.contains(&(y - 1));
        debug_assert!(!plain || cur == prev, "row {y} is not the gradient");
        let start = known.as_ref().and_then(|k| {
            let start = k.coded.get(y.checked_sub(k.first)? as usize)?;
            Some((start, k.busy.contains(&y)))
        });
        if let Some((start, busy)) = start.filter(|(s, _)| s.len() > BPP && s.len() <= stride) {
            // the rest of the row, after the bytes coded once
            let len = start.len();
            if !busy {
                debug_assert!(
                    cur[len - 1 - BPP..] == prev[len - 1 - BPP..],
                    "row {y} is busy"
                );
                z.write_after_zeros(start, stride + 1 - len);
                prev = cur;
                continue;
            }
            dirty.clear();
            paeth_blocks(prev, cur, &mut row[1..], &mut dirty, len - 1);
            for r in &mut dirty {
                *r = r.start - len..r.end - len;
            }
            z.write_after(start, &row[len..], &dirty);
        } else if plain || (y > 0 && cur == prev) {
            // a row equal to the one above filters to zeros
            z.zero_row(PAETH, stride);
        } else {
            // the filter type byte, then the stretches that may not be zero
            dirty.clear();
            dirty.push(0..1);
            paeth_row(prev, cur, &mut row[1..], &mut dirty);
            z.write_sparse(&row, &dirty);
        }
        prev = cur;
    }
    let mut zlib = z.finish();
    let filtered_len = (stride + 1) * height as usize;
    if zlib.len() > fdeflate::StoredOnlyCompressor::<()>::compressed_size(filtered_len) {
        // as the png crate does: stored, unfiltered, when compression loses
        let mut s = fdeflate::StoredOnlyCompressor::new(Cursor::new(Vec::new())).map_err(fail)?;
        for line in raw.chunks_exact(stride) {
            s.write_data(&[0]).map_err(fail)?;
            s.write_data(line).map_err(fail)?;
        }
        zlib = s.finish().map_err(fail)?.into_inner();
    }
    let mut out = Vec::with_capacity(zlib.len() + 64);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let png_fail = |e: png::EncodingError| format!("PNG encoding failed: {e}");
    let mut writer = encoder.write_header().map_err(png_fail)?;
    for chunk in zlib.chunks((u32::MAX >> 1) as usize) {
        writer
            .write_chunk(png::chunk::IDAT, chunk)
            .map_err(png_fail)?;
    }
    writer.finish().map_err(png_fail)?;
    Ok(out)
}

/// Paeth-filters `cur` against the row above it (`prev`; zeros for the
/// first row) into `out`. A block whose bytes, and the pixel before it,
/// equal the row above filters to zeros; every other block is added to
/// `dirty` (as ranges of the filtered row, which starts one byte before
/// `out`, with its filter type).
fn paeth_row(prev: &[u8], cur: &[u8], out: &mut [u8], dirty: &mut Vec<Range<usize>>) {
    let n = cur.len();
    // the first pixel has no left neighbour: with a = c = 0 the Paeth
    // predictor is the byte above
    for i in 0..BPP.min(n) {
        out[i] = cur[i].wrapping_sub(prev[i]);
    }
    mark(dirty, 0..BPP.min(n));
    paeth_blocks(prev, cur, out, dirty, BPP.min(n));
}

/// Adds `r`, a range of `out` in [`paeth_row`], to `dirty` as a range of
/// the filtered row (one byte on, after the filter type), merged with the
/// range before it when they touch.
fn mark(dirty: &mut Vec<Range<usize>>, r: Range<usize>) {
    let r = r.start + 1..r.end + 1;
    match dirty.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ => dirty.push(r),
    }
}

/// [`paeth_row`] from byte `start` (at least one pixel in) to the end.
fn paeth_blocks(
    prev: &[u8],
    cur: &[u8],
    out: &mut [u8],
    dirty: &mut Vec<Range<usize>>,
    start: usize,
) {
    let n = cur.len();
    debug_assert!(start >= BPP.min(n));
    let mut start = start;
    while start < n {
        let end = (start + BLOCK).min(n);
        let from = start - BPP;
        if cur[from..end] == prev[from..end] {
            out[start..end].fill(0);
        } else {
            paeth_span(
                &cur[start..end],
                &prev[start..end],
                &cur[from..end - BPP],
                &prev[from..end - BPP],
                &mut out[start..end],
            );
            mark(dirty, start..end);
        }
        start = end;
    }
}

/// The Paeth filter (PNG specification, 9.4) over a stretch of bytes with
/// their neighbours above, left and above-left, written without branches or indexing so that the
/// compiler vectorises it.
fn paeth_span(cur: &[u8], up: &[u8], left: &[u8], up_left: &[u8], out: &mut [u8]) {
    let iter = out.iter_mut().zip(cur).zip(up).zip(left).zip(up_left);
    for ((((o, &x), &b), &a), &c) in iter {
        let (ai, bi, ci) = (a as i16, b as i16, c as i16);
        // p = a + b - c; pa = |p - a|, pb = |p - b|, pc = |p - c|
        let pa = (bi - ci).abs();
        let pb = (ai - ci).abs();
        let pc = (ai + bi - 2 * ci).abs();
        let predicted = if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        };
        *o = x.wrapping_sub(predicted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder as _, RgbImage};
    use proptest::prelude::*;

    /// What `image`'s encoder writes with the same settings.
    fn reference(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Paeth,
        )
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
        out
    }

    #[test]
    fn a_card_is_byte_for_byte_what_the_png_crate_writes() {
        for (name, handle) in [("Linh Nguyễn", "linh"), ("王小明 🌸", "wang"), ("", "x")] {
            let card = super::super::og_card(None, name, handle);
            let ours = encode_rgb(card.as_raw(), card.width(), card.height()).unwrap();
            assert_eq!(ours, reference(&card), "{name}");
            let back = image::load_from_memory(&ours).unwrap().to_rgb8();
            assert_eq!(back, card);
        }
    }

    #[test]
    fn noise_falls_back_to_stored_as_the_png_crate_does() {
        let mut x = 12345u32;
        let img = RgbImage::from_fn(61, 17, |_, _| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            image::Rgb([(x >> 8) as u8, (x >> 16) as u8, (x >> 24) as u8])
        });
        assert_eq!(encode_rgb(img.as_raw(), 61, 17).unwrap(), reference(&img));
    }

    #[test]
    fn a_wrong_size_is_an_error_not_a_panic() {
        assert!(encode_rgb(&[0; 10], 2, 2).is_err());
        assert!(encode_rgb(&[], 0, 0).is_err());
    }

    #[test]
    fn a_card_with_its_drawn_rows_is_the_same_png() {
        let mut canvas = None;
        for (name, handle) in [
            ("Linh Nguyễn", "linh"),
            ("Lan", "lan"),
            ("王小明 🌸", "wang"),
            ("", "x"),
            ("Ǻǻ ǰ Ỡ̂̂ W W W W W W W W W W W W W W W W W W W W W W W", "w"),
        ] {
            let card = super::super::card::og_card_into(canvas.take(), None, name, handle);
            assert!(card.known().is_some(), "{name}: the block's rows are known");
            let img = card.image();
            let (w, h) = img.dimensions();
            let hinted = encode_rgb_drawn(img.as_raw(), w, h, card.drawn(), card.known()).unwrap();
            assert_eq!(hinted, reference(img), "{name}");
            canvas = Some(card);
        }
    }

    proptest! {
        /// Any picture made of repeated rows with patches: the kind of
        /// picture the skipping is for, and where a mistake would show.
        #[test]
        fn the_same_bytes_as_the_png_crate(
            w in 1u32..140,
            h in 1u32..24,
            base in proptest::collection::vec(any::<u8>(), 3..420),
            patches in proptest::collection::vec((0u32..140, 0u32..24, any::<[u8; 3]>()), 0..40),
        ) {
            let mut img = RgbImage::from_fn(w, h, |x, _| {
                let i = (x as usize * 3) % base.len();
                image::Rgb([base[i], base[(i + 1) % base.len()], base[(i + 2) % base.len()]])
            });
            for (x, y, p) in patches {
                if x < w && y < h {
                    img.put_pixel(x, y, image::Rgb(p));
                }
            }
            prop_assert_eq!(encode_rgb(img.as_raw(), w, h).unwrap(), reference(&img));
        }
    }
}
