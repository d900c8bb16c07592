//! The zlib stream of the `png` crate's fast compression (fdeflate 0.3's
//! `Compressor`), bit for bit, with a row of zeros written in constant time.
//!
//! Why: fdeflate codes every byte with one fixed Huffman table made for
//! filtered PNG rows and codes runs of zeros as matches at distance 1. It
//! finds those runs by testing the data eight bytes at a time and sums
//! every byte into the Adler-32 checksum. A sharing card filters to zeros
//! almost everywhere (its gradient repeats row after row), so an agency's
//! cards spent 13 % of the build's CPU scanning zeros. Here a row known to
//! equal the row above is written from its length alone ([`RowDeflate::
//! zero_row`]), the stretches the filter knows to be zero are neither
//! scanned nor summed ([`RowDeflate::write_sparse`]), and the other zeros
//! are skipped 32 bytes at a time. Everything else is fdeflate's own algorithm (its code table and
//! block header are copied from fdeflate 0.3, MIT OR Apache-2.0), so the
//! bytes are the same; tests compare them with fdeflate's on any data.

use std::ops::Range;

/// fdeflate's code length per literal/length symbol (its `HUFFMAN_LENGTHS`).
const LENGTHS: [u8; 286] = [
    2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 10, 11, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 9, 8, 9, 8, 8, 8, 8, 8, 7,
    7, 7, 6, 6, 6, 5, 4, 3, 12, 12, 12, 9, 9, 11, 10, 11, 11, 10, 11, 11, 11, 11, 11, 11, 12, 11,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 9,
];

/// The zlib header and the dynamic block's header that describes
/// [`LENGTHS`]: 53 bytes and the low 5 bits of the 54th (fdeflate's
/// `write_headers`).
const HEADER: [u8; 54] = [
    120, 1, 237, 192, 3, 160, 36, 89, 150, 198, 241, 255, 119, 238, 141, 200, 204, 167, 114, 75,
    99, 174, 109, 219, 182, 109, 219, 182, 109, 219, 182, 109, 105, 140, 158, 150, 74, 175, 158,
    50, 51, 34, 238, 249, 118, 183, 106, 122, 166, 135, 59, 107, 213, 15,
];

/// The canonical codes of [`LENGTHS`] (RFC 1951, 3.2.2), bit-reversed as
/// deflate writes them least significant bit first.
const CODES: [u16; 286] = {
    let mut codes = [0u16; 286];
    let mut code = 0u32;
    let mut len = 1;
    while len <= 16 {
        let mut i = 0;
        while i < 286 {
            if LENGTHS[i] == len {
                codes[i] = (code as u16).reverse_bits() >> (16 - len);
                code += 1;
            }
            i += 1;
        }
        code <<= 1;
        len += 1;
    }
    codes
};

/// The length symbol and its number of extra bits for a match of
/// `len` bytes, 3 ≤ `len` ≤ 258 (RFC 1951, 3.2.5).
const fn length_symbol(len: u32) -> (usize, u8) {
    if len == 258 {
        return (285, 0);
    }
    // lengths 3..=10 have a symbol each; after that every four symbols
    // double the span and add an extra bit
    if len <= 10 {
        return (254 + len as usize, 0);
    }
    let extra = (32 - (len - 3).leading_zeros()) - 3;
    let sym = 257 + 4 * extra + ((len - 3) >> extra);
    (sym as usize, extra as u8)
}

/// Adler-32's modulus.
const MOD: u64 = 65521;

/// Adler-32 (as `(b << 16) | a`) continued over `data`, which is zero
/// outside `dirty`: a zero byte leaves `a` as it is and adds `a` to `b`, so a
/// stretch of zeros costs one multiplication.
fn adler_sparse(adler: u32, data: &[u8], dirty: &[Range<usize>]) -> u32 {
    let mut adler = adler;
    let mut at = 0;
    for r in dirty {
        adler = adler_zeros(adler, r.start - at);
        let mut sum = simd_adler32::Adler32::from_checksum(adler);
        sum.write(&data[r.clone()]);
        adler = sum.finish();
        at = r.end;
    }
    adler_zeros(adler, data.len() - at)
}

/// Adler-32 continued over `len` zeros: `a` stays, `b` gains `a` per byte.
fn adler_zeros(adler: u32, len: usize) -> u32 {
    let (a, b) = ((adler & 0xffff) as u64, (adler >> 16) as u64);
    let b = (b + a * (len as u64 % MOD)) % MOD;
    ((b << 16) | a) as u32
}

/// The start of a filtered row, coded once and written into many streams:
/// the card's avatar block is the same for every creator with the same
/// initial, and so are the first bytes of each of its rows once filtered.
/// Coding is a function of the bytes alone (fdeflate's fixed code table,
/// eight-byte chunks from the row's start), so the bits can be appended at
/// any bit position, the zeros pending at its end carried into the rest of
/// the row, and its Adler-32 added from two sums.
pub(super) struct Coded {
    words: Vec<u64>,
    tail: u64,
    tail_bits: u8,
    /// Zeros at the end not yet written: the rest of the row continues them.
    run: u32,
    len: usize,
    /// The bytes' sum, and each byte times the number of bytes from it to
    /// the end, both modulo Adler-32's modulus.
    sum: u32,
    weighted: u32,
}

impl Coded {
    /// `start`, the first bytes of a filtered row (filter type included), a
    /// whole number of eight-byte chunks.
    pub(super) fn row_start(start: &[u8]) -> Coded {
        assert!(
            start.len().is_multiple_of(8),
            "a row's start is whole chunks"
        );
        let mut z = RowDeflate {
            out: Vec::new(),
            buffer: 0,
            nbits: 0,
            adler: 1,
        };
        let run = z.chunks(start, std::slice::from_ref(&(0..start.len())), 0);
        let (mut sum, mut weighted) = (0u64, 0u64);
        for (i, &b) in start.iter().enumerate() {
            sum += b as u64;
            weighted += b as u64 * (start.len() - i) as u64;
        }
        Coded {
            words: z
                .out
                .chunks_exact(8)
                .map(|w| u64::from_le_bytes(w.try_into().unwrap()))
                .collect(),
            tail: z.buffer,
            tail_bits: z.nbits,
            run,
            len: start.len(),
            sum: (sum % MOD) as u32,
            weighted: (weighted % MOD) as u32,
        }
    }

    /// How many bytes of the row it holds.
    pub(super) fn len(&self) -> usize {
        self.len
    }
}

/// A zlib stream being written, as fdeflate's `Compressor` writes it.
pub(super) struct RowDeflate {
    out: Vec<u8>,
    buffer: u64,
    nbits: u8,
    /// Adler-32 as (b << 16) | a.
    adler: u32,
}

impl RowDeflate {
    pub(super) fn new(capacity: usize) -> RowDeflate {
        let mut out = Vec::with_capacity(capacity.max(64));
        out.extend_from_slice(&HEADER[..53]);
        let mut z = RowDeflate {
            out,
            buffer: 0,
            nbits: 0,
            adler: 1,
        };
        z.write_bits(HEADER[53] as u64, 5);
        z
    }

    #[inline]
    fn write_bits(&mut self, bits: u64, nbits: u8) {
        debug_assert!(nbits <= 64);
        self.buffer |= bits << self.nbits;
        self.nbits += nbits;
        if self.nbits >= 64 {
            self.out.extend_from_slice(&self.buffer.to_le_bytes());
            self.nbits -= 64;
            self.buffer = bits.checked_shr((nbits - self.nbits) as u32).unwrap_or(0);
        }
    }

    #[inline]
    fn literal(&mut self, b: u8) {
        self.write_bits(CODES[b as usize] as u64, LENGTHS[b as usize]);
    }

    /// `run` zeros: one literal, then matches at distance 1 (fdeflate's
    /// `write_run`, which writes three or four as literals).
    fn write_run(&mut self, mut run: u32) {
        self.literal(0);
        run -= 1;
        while run >= 258 {
            // the length symbol, then distance code 0 (one zero bit)
            self.write_bits(CODES[285] as u64, LENGTHS[285] + 1);
            run -= 258;
        }
        if run > 4 {
            let (sym, extra) = length_symbol(run);
            self.write_bits(CODES[sym] as u64, LENGTHS[sym]);
            let mask = (1u32 << extra) - 1;
            self.write_bits(((run - 3) & mask) as u64, extra + 1);
        } else {
            self.write_bits(0, run as u8 * LENGTHS[0]);
        }
    }

    /// Writes `data` exactly as fdeflate's `Compressor::write_data` does
    /// (a run of zeros does not continue into the next call).
    #[cfg(test)]
    pub(super) fn write_data(&mut self, data: &[u8]) {
        self.write_sparse(data, std::slice::from_ref(&(0..data.len())));
    }

    /// [`Self::write_data`] for data known to be zero outside `dirty`
    /// (sorted, disjoint ranges within `data`): the same bytes, but the
    /// clean stretches are neither scanned nor summed, which is most of a
    /// filtered card row (a glyph's edge in 3,600 bytes of zeros).
    pub(super) fn write_sparse(&mut self, data: &[u8], dirty: &[Range<usize>]) {
        self.adler = adler_sparse(self.adler, data, dirty);
        let run = self.chunks(data, dirty, 0);
        self.end_row(data, run);
    }

    /// A row that starts with `start` (coded by [`Coded::row_start`]) and
    /// goes on with `rest`, zero outside `dirty` (ranges of `rest`): the
    /// bytes [`Self::write_sparse`] writes for the whole row.
    pub(super) fn write_after(&mut self, start: &Coded, rest: &[u8], dirty: &[Range<usize>]) {
        self.write_start(start);
        self.adler = adler_sparse(self.adler, rest, dirty);
        let run = self.chunks(rest, dirty, start.run);
        self.end_row(rest, run);
    }

    /// [`Self::write_after`] for a row whose other `rest_len` bytes are
    /// zeros, in time independent of their number.
    pub(super) fn write_after_zeros(&mut self, start: &Coded, rest_len: usize) {
        self.write_start(start);
        self.adler = adler_zeros(self.adler, rest_len);
        // the whole chunks continue the run; the zeros after them are
        // literals
        let run = start.run + 8 * (rest_len / 8) as u32;
        self.end_row(&[0; 7][..rest_len % 8], run);
    }

    /// The bits and the checksum of a row's coded start.
    fn write_start(&mut self, start: &Coded) {
        for &w in &start.words {
            self.write_bits(w, 64);
        }
        self.write_bits(start.tail, start.tail_bits);
        // Adler-32 over `len` more bytes: as over `len` zeros (b gains len
        // times a), then a gains their sum and b each byte once for every
        // byte from it to the end
        let zeros = adler_zeros(self.adler, start.len);
        let (a, b) = ((zeros & 0xffff) as u64, (zeros >> 16) as u64);
        let a = (a + start.sum as u64) % MOD;
        let b = (b + start.weighted as u64) % MOD;
        self.adler = ((b << 16) | a) as u32;
    }

    /// The pending run and the bytes after the last whole chunk.
    fn end_row(&mut self, data: &[u8], run: u32) {
        if run > 0 {
            self.write_run(run);
        }
        for &b in &data[data.len() / 8 * 8..] {
            self.literal(b);
        }
    }

    /// Codes the whole eight-byte chunks of `data` (zero outside `dirty`)
    /// after `run` zeros not yet written, as fdeflate does; returns the
    /// zeros at the end not yet written.
    fn chunks(&mut self, data: &[u8], dirty: &[Range<usize>], run: u32) -> u32 {
        debug_assert!(dirty.windows(2).all(|w| w[0].end <= w[1].start));
        debug_assert!(dirty.last().is_none_or(|r| r.end <= data.len()));
        let n = data.len() / 8;
        let chunk_at = |i: usize| u64::from_le_bytes(data[i * 8..i * 8 + 8].try_into().unwrap());
        let mut run = run;
        let mut i = 0;
        // the dirty range at or after chunk `i`
        let mut d = 0;
        while i < n {
            while d < dirty.len() && dirty[d].end <= i * 8 {
                d += 1;
            }
            // chunks before the next dirty range are zero chunks: fdeflate
            // adds eight to the run for each
            let next = dirty.get(d).map_or(n, |r| (r.start / 8).min(n));
            if next > i {
                run += 8 * (next - i) as u32;
                i = next;
                continue;
            }
            let chunk = &data[i * 8..i * 8 + 8];
            let ichunk = chunk_at(i);
            i += 1;
            if ichunk == 0 {
                // zero chunks within this dirty range, four at a time
                let end = (dirty[d].end / 8).min(n);
                let mut j = i;
                while j + 4 <= end
                    && (chunk_at(j) | chunk_at(j + 1) | chunk_at(j + 2) | chunk_at(j + 3)) == 0
                {
                    j += 4;
                }
                while j < end && chunk_at(j) == 0 {
                    j += 1;
                }
                run += 8 * (j - i + 1) as u32;
                i = j;
                continue;
            } else if run > 0 {
                let run_extra = ichunk.trailing_zeros() / 8;
                self.write_run(run + run_extra);
                run = 0;
                if run_extra > 0 {
                    run = ichunk.leading_zeros() / 8;
                    for &b in &chunk[run_extra as usize..8 - run as usize] {
                        self.literal(b);
                    }
                    continue;
                }
            }
            let run_start = ichunk.leading_zeros() / 8;
            if run_start > 0 {
                for &b in &chunk[..8 - run_start as usize] {
                    self.literal(b);
                }
                run = run_start;
                continue;
            }
            // eight literals, as two writes of four (as fdeflate does)
            for half in [&chunk[..4], &chunk[4..]] {
                let (mut bits, mut nbits) = (0u64, 0u8);
                for &b in half {
                    bits |= (CODES[b as usize] as u64) << nbits;
                    nbits += LENGTHS[b as usize];
                }
                self.write_bits(bits, nbits);
            }
        }
        run
    }

    /// The same as `write_data(&[first, 0, 0, …])` with `zeros` zeros, in
    /// time proportional to `zeros / 258`: a filtered row equal to the one
    /// above it is its filter type and zeros.
    pub(super) fn zero_row(&mut self, first: u8, zeros: usize) {
        let len = zeros + 1;
        // Adler-32 of `first` and then `zeros` zeros: a grows by `first`
        // once; b grows by a for every byte
        let a = ((self.adler & 0xffff) as u64 + first as u64) % MOD;
        self.adler = adler_zeros((self.adler & 0xffff_0000) | a as u32, len);

        let (chunks, rest) = (len / 8, len % 8);
        let run = match (chunks, first) {
            (0, _) => {
                // too short for a chunk: every byte is a literal
                self.literal(first);
                0
            }
            (_, 0) => 8 * chunks as u32,
            _ => {
                // the first chunk is `first` and seven zeros: a literal and
                // a run of seven that the zero chunks after it extend
                self.literal(first);
                7 + 8 * (chunks as u32 - 1)
            }
        };
        if run > 0 {
            self.write_run(run);
        }
        let tail = if chunks == 0 { len - 1 } else { rest };
        for _ in 0..tail {
            self.literal(0);
        }
    }

    /// The end of the block, the last bits and the checksum.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.write_bits(CODES[256] as u64, LENGTHS[256]);
        if !self.nbits.is_multiple_of(8) {
            self.write_bits(0, 8 - self.nbits % 8);
        }
        if self.nbits > 0 {
            let n = self.nbits as usize / 8;
            self.out.extend_from_slice(&self.buffer.to_le_bytes()[..n]);
        }
        self.out.extend_from_slice(&self.adler.to_be_bytes());
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What fdeflate writes for the same calls.
    fn fdeflate(rows: &[Vec<u8>]) -> Vec<u8> {
        let mut z = fdeflate::Compressor::new(Vec::new()).unwrap();
        for r in rows {
            z.write_data(r).unwrap();
        }
        z.finish().unwrap()
    }

    fn ours(rows: &[Vec<u8>]) -> Vec<u8> {
        let mut z = RowDeflate::new(0);
        for r in rows {
            z.write_data(r);
        }
        z.finish()
    }

    #[test]
    fn length_symbols_follow_the_deflate_table() {
        // RFC 1951, 3.2.5: (symbol, extra bits, first length)
        let table = [
            (257, 0, 3),
            (264, 0, 10),
            (265, 1, 11),
            (268, 1, 17),
            (269, 2, 19),
            (273, 3, 35),
            (277, 4, 67),
            (281, 5, 131),
            (284, 5, 227),
        ];
        for (sym, extra, first) in table {
            assert_eq!(length_symbol(first), (sym, extra), "length {first}");
        }
        assert_eq!(length_symbol(257), (284, 5));
        assert_eq!(length_symbol(258), (285, 0));
        assert_eq!(length_symbol(18), (268, 1));
        assert_eq!(length_symbol(34), (272, 2));
    }

    #[test]
    fn empty_and_tiny_streams_match() {
        for rows in [
            vec![],
            vec![vec![]],
            vec![vec![0]],
            vec![vec![7; 3], vec![0; 9]],
        ] {
            assert_eq!(ours(&rows), fdeflate(&rows), "{rows:?}");
        }
    }

    #[test]
    fn zero_rows_match_at_every_length() {
        for first in [0u8, 1, 4, 255] {
            for zeros in (0..600).chain([3599, 3600, 3601, 65535, 70000]) {
                let row = std::iter::once(first)
                    .chain(std::iter::repeat_n(0, zeros))
                    .collect::<Vec<u8>>();
                let mut z = RowDeflate::new(0);
                z.write_data(&[9, 0, 3]);
                z.zero_row(first, zeros);
                z.write_data(&[0, 0, 0, 0, 0, 0, 0, 0, 1]);
                let theirs = fdeflate(&[vec![9, 0, 3], row, vec![0, 0, 0, 0, 0, 0, 0, 0, 1]]);
                assert_eq!(z.finish(), theirs, "first {first}, {zeros} zeros");
            }
        }
    }

    #[test]
    fn runs_of_every_length_and_alignment_match() {
        // a run of n zeros starting at every offset within a chunk
        for n in 0..600 {
            for at in 0..9 {
                let mut row = vec![5u8; at];
                row.extend(std::iter::repeat_n(0, n));
                row.extend([6, 0, 7]);
                assert_eq!(ours(&[row.clone()]), fdeflate(&[row]), "{n} zeros at {at}");
            }
        }
    }

    /// The ranges that cover every non-zero byte of `row`, each widened by
    /// `pad` zeros on either side (merged where they meet): what a caller of
    /// `write_sparse` may pass.
    fn dirty(row: &[u8], pad: usize) -> Vec<std::ops::Range<usize>> {
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, _) in row.iter().enumerate().filter(|(_, &b)| b != 0) {
            let r = i.saturating_sub(pad)..(i + 1 + pad).min(row.len());
            match out.last_mut() {
                Some(last) if last.end >= r.start => last.end = r.end,
                _ => out.push(r),
            }
        }
        out
    }

    proptest! {
        /// Rows written with any dirty ranges that cover their non-zero
        /// bytes give fdeflate's bytes for the whole rows.
        #[test]
        fn sparse_rows_give_fdeflates_bytes(
            rows in proptest::collection::vec(
                (proptest::collection::vec(
                    prop_oneof![12 => Just(0u8), 1 => any::<u8>()], 0..900), 0usize..40),
                0..12),
        ) {
            let mut z = RowDeflate::new(0);
            for (row, pad) in &rows {
                z.write_sparse(row, &dirty(row, *pad));
            }
            let plain: Vec<Vec<u8>> = rows.into_iter().map(|(r, _)| r).collect();
            prop_assert_eq!(z.finish(), fdeflate(&plain));
        }

        /// Rows whose first whole chunks were coded apart (at any cut, with
        /// any bit position and checksum before them) give fdeflate's bytes
        /// for the whole rows.
        #[test]
        fn rows_with_a_start_coded_apart_give_fdeflates_bytes(
            rows in proptest::collection::vec(
                (proptest::collection::vec(
                    prop_oneof![8 => Just(0u8), 1 => any::<u8>()], 0..700),
                 0usize..100, 0usize..30, any::<bool>()),
                1..10),
        ) {
            // some rows zero after their start (the card's rows without text)
            let rows: Vec<(Vec<u8>, usize, usize)> = rows
                .into_iter()
                .map(|(mut row, cut, pad, clear)| {
                    if clear {
                        let at = (cut * 8).min(row.len() / 8 * 8);
                        row[at..].fill(0);
                    }
                    (row, cut, pad)
                })
                .collect();
            let mut z = RowDeflate::new(0);
            for (row, cut, pad) in &rows {
                let cut = (cut * 8).min(row.len() / 8 * 8);
                let start = Coded::row_start(&row[..cut]);
                prop_assert_eq!(start.len(), cut);
                let rest = &row[cut..];
                if rest.iter().all(|&b| b == 0) {
                    z.write_after_zeros(&start, rest.len());
                } else {
                    z.write_after(&start, rest, &dirty(rest, *pad));
                }
            }
            let plain: Vec<Vec<u8>> = rows.into_iter().map(|(r, _, _)| r).collect();
            prop_assert_eq!(z.finish(), fdeflate(&plain));
        }

        /// Sparse data, as filtered cards are: zeros most of the time,
        /// any byte otherwise, cut into rows of any length.
        #[test]
        fn any_rows_give_fdeflates_bytes(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![6 => Just(0u8), 1 => any::<u8>()], 0..900),
                0..12),
        ) {
            prop_assert_eq!(ours(&rows), fdeflate(&rows));
        }
    }
}
