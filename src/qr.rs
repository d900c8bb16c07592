//! QR codes of the page addresses: `qr.svg` for the main page and
//! `qr-<channel>.svg` for each channel entry page, so a creator can print the
//! address on a flyer or put it on a video frame.
//!
//! Pure: the codes are a function of the resolved pages. Built from the
//! `qrcode` crate's parts (see [`Code`]) with error correction level M
//! (15 % of the symbol may be damaged, enough for print and screens), a
//! four-module quiet zone, dark modules on white,
//! `shape-rendering="crispEdges"` so scaled modules keep sharp edges, and a
//! `viewBox` so the image scales to any size.

use crate::resolve::Resolved;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::{QrError, Version};
use qrcode::{Color, EcLevel};

/// Pixels per module of the SVG's intrinsic size (the `viewBox` lets it
/// scale; this only sets the size a viewer opens it at).
const MODULE_PX: u32 = 8;

/// A finished QR symbol: its modules row by row, dark or light.
///
/// Why not `qrcode::QrCode`: its constructor chooses the mask by scoring the
/// eight candidates with a penalty function that allocates a closure for
/// every module of every row and column, which made one code cost a third
/// of a millisecond, 14 % of an agency build's CPU. [`Code::new`] builds the
/// same symbol from the crate's own parts (encoding, error correction, the
/// function patterns, the masks) and scores the candidates with the very
/// same rules over a plain bitmap; a test checks that the modules are
/// identical to the crate's for every kind of input.
#[derive(Debug, Clone)]
pub struct Code {
    colors: Vec<Color>,
    width: usize,
    version: Version,
    ec_level: EcLevel,
}

impl Code {
    /// The symbol of `data` at `ec_level`, at the smallest version it fits.
    pub fn new(data: &[u8], ec_level: EcLevel) -> Result<Code, QrError> {
        let bits = qrcode::bits::encode_auto(data, ec_level)?;
        let version = bits.version();
        let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec_level)?;
        let mut canvas = Canvas::new(version, ec_level);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        let width = version.width() as usize;
        let colors = match version {
            // Micro codes (never chosen by `encode_auto`) score differently.
            Version::Micro(_) => canvas.apply_best_mask().into_colors(),
            Version::Normal(_) => MASKS
                .iter()
                .map(|&pattern| {
                    let mut c = canvas.clone();
                    c.apply_mask(pattern);
                    let colors = c.into_colors();
                    let dark: Vec<bool> = colors.iter().map(|&c| c == Color::Dark).collect();
                    (penalty(&dark, width), colors)
                })
                // the first of equal scores, as `Iterator::min_by_key` in qrcode
                .min_by_key(|(score, _)| *score)
                .map(|(_, colors)| colors)
                .expect("eight masks"),
        };
        Ok(Code {
            colors,
            width,
            version,
            ec_level,
        })
    }

    /// Modules per side.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The modules, row by row.
    pub fn to_colors(&self) -> Vec<Color> {
        self.colors.clone()
    }

    pub fn error_correction_level(&self) -> EcLevel {
        self.ec_level
    }

    /// The symbol as an SVG image: black modules of [`MODULE_PX`] on white,
    /// with the standard quiet zone.
    ///
    /// The same text as qrcode's SVG renderer (`render::<svg::Color>()` with
    /// the quiet zone, `#000000` on `#ffffff`; a test compares them), which
    /// formats a path step per dark module through `write!`: a fifth of a
    /// creator's QR code. Here the numbers are written with `itoa`.
    pub fn svg(&self) -> String {
        let quiet = self.quiet_zone();
        let side = (self.width + 2 * quiet) as u32 * MODULE_PX;
        let mut n = itoa::Buffer::new();
        let side = n.format(side).to_string();
        let mut svg = String::with_capacity(300 + self.colors.len() * 24);
        for part in [
            r#"<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" width=""#,
            &side,
            r#"" height=""#,
            &side,
            r#"" viewBox="0 0 "#,
            &side,
            " ",
            &side,
            r#"" shape-rendering="crispEdges"><rect x="0" y="0" width=""#,
            &side,
            r#"" height=""#,
            &side,
            r##"" fill="#ffffff"/><path fill="#000000" d=""##,
        ] {
            svg.push_str(part);
        }
        let (mut left, mut top) = (itoa::Buffer::new(), itoa::Buffer::new());
        let module = itoa::Buffer::new().format(MODULE_PX).to_string();
        for (i, &c) in self.colors.iter().enumerate() {
            if c == Color::Light {
                continue;
            }
            let (x, y) = (
                (i % self.width + quiet) as u32,
                (i / self.width + quiet) as u32,
            );
            let (left, top) = (left.format(x * MODULE_PX), top.format(y * MODULE_PX));
            // M{left} {top}h{w}v{h}H{left}V{top}
            for part in [
                "M", left, " ", top, "h", &module, "v", &module, "H", left, "V", top,
            ] {
                svg.push_str(part);
            }
        }
        svg.push_str(r#""/></svg>"#);
        svg
    }

    /// A renderer with the standard quiet zone (4 modules; 2 for Micro).
    pub fn render<P: qrcode::render::Pixel>(&self) -> qrcode::render::Renderer<'_, P> {
        qrcode::render::Renderer::new(&self.colors, self.width, self.quiet_zone() as u32)
    }

    /// The standard quiet zone, in modules.
    fn quiet_zone(&self) -> usize {
        if self.version.is_micro() {
            2
        } else {
            4
        }
    }
}

/// The masks a normal QR code may use, in the order qrcode tries them (the
/// first of equal scores wins).
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The penalty score of a masked symbol (`dark` row by row, `w` per side):
/// the four rules of ISO/IEC 18004 §7.8.3 exactly as the qrcode crate
/// computes them, so that the same mask wins. Rows and columns are scored
/// alike, the columns as the rows of the transposed symbol.
fn penalty(dark: &[bool], w: usize) -> u32 {
    let mut columns = vec![false; w * w];
    for (y, row) in dark.chunks_exact(w).enumerate() {
        for (x, &d) in row.iter().enumerate() {
            columns[x * w + y] = d;
        }
    }
    let mut score = 0;
    for lines in [dark, &columns[..]] {
        let mut finders = 0;
        for line in lines.chunks_exact(w) {
            score += runs(line);
            finders += finder_like(line);
        }
        // the three finder patterns score 9 × 40 in each direction, which
        // qrcode subtracts
        score += finders.saturating_sub(360);
    }
    // N2: 2×2 blocks of one colour
    for pair in dark.windows(2 * w).step_by(w) {
        let (top, bottom) = pair.split_at(w);
        for x in 0..w - 1 {
            let c = top[x];
            score += 3 * ((top[x + 1] == c) & (bottom[x] == c) & (bottom[x + 1] == c)) as u32;
        }
    }
    // N4: the balance of dark and light modules
    let darks = dark.iter().filter(|&&d| d).count();
    score + (darks * 200 / dark.len()).abs_diff(100) as u32
}

/// N1 of one line: 3 + (n - 5) for every run of n ≥ 5 modules of one colour.
///
/// This and [`finder_like`] are written without branches on the modules:
/// a fresh symbol's modules are as good as random to the branch predictor,
/// and the branching versions (kept in the tests as the reference) spent
/// 10 µs per mask mispredicting, most of a creator's QR code.
fn runs(line: &[bool]) -> u32 {
    let Some(&first) = line.first() else {
        return 0;
    };
    let (mut score, mut run, mut last) = (0u32, 0u32, first);
    for &c in line {
        let same = (c == last) as u32;
        // a run that ends here scores when it was five or longer
        score += (1 - same) * (run >= 5) as u32 * run.wrapping_sub(2);
        run = run * same + 1;
        last = c;
    }
    score + (run >= 5) as u32 * run.wrapping_sub(2)
}

/// N3 of one line: 40 for each dark-light-dark-dark-dark-light-dark without
/// four light modules on at least one side (outside the symbol is light).
///
/// A 15-module window slides along the line, shifted in one module at a
/// time (light beyond the ends): the four modules before the pattern, its
/// seven, the four after.
fn finder_like(line: &[bool]) -> u32 {
    const PATTERN: u32 = 0b1011101 << 4;
    const CENTRE: u32 = 0b1111111 << 4;
    const BEFORE: u32 = 0b1111 << 11;
    const AFTER: u32 = 0b1111;
    let w = line.len();
    let mut window = 0u32;
    let mut found = 0u32;
    // the module at `p` enters the window; a pattern would start at p - 10
    // (the window starts light: the modules before the line)
    for p in 0..w + 4 {
        let dark = line.get(p).copied().unwrap_or(false) as u32;
        window = ((window << 1) | dark) & 0x7fff;
        let starts_in_line = (p >= 10 && p - 10 + 7 <= w) as u32;
        let centre = (window & CENTRE == PATTERN) as u32;
        let light_side = ((window & BEFORE == 0) | (window & AFTER == 0)) as u32;
        found += starts_in_line & centre & light_side;
    }
    40 * found
}

/// The QR code of `data`, at level M where it fits, else L (data too long
/// for M still fits in L up to ~2,900 bytes). Every image of a code (the
/// SVG files, the brief's poster) is drawn from this one symbol.
pub fn code(data: &str) -> Result<Code, QrError> {
    Code::new(data.as_bytes(), EcLevel::M).or_else(|_| Code::new(data.as_bytes(), EcLevel::L))
}

/// The SVG of a QR code that encodes `data`, or why it cannot be made.
pub fn try_svg(data: &str) -> Result<String, qrcode::types::QrError> {
    Ok(code(data)?.svg())
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
    use proptest::prelude::*;
    use qrcode::render::svg;
    use qrcode::QrCode;

    /// qrcode's own symbol for `data` at `ec` (or its error).
    fn theirs(data: &[u8], ec: EcLevel) -> Result<(usize, Vec<Color>), QrError> {
        QrCode::with_error_correction_level(data, ec).map(|c| (c.width(), c.to_colors()))
    }

    fn ours(data: &[u8], ec: EcLevel) -> Result<(usize, Vec<Color>), QrError> {
        Code::new(data, ec).map(|c| (c.width(), c.to_colors()))
    }

    #[test]
    fn the_same_symbols_as_qrcode_for_addresses_of_every_length() {
        // versions 1 to 40; the format bits in row 8 (level and mask) show
        // which masks won
        let mut masks_seen = std::collections::BTreeSet::new();
        for n in (0..120).chain((120..2400).step_by(53)) {
            let data = format!("https://bio.example.com/{}/", "ab9-".repeat(n / 4 + 1));
            let data = &data.as_bytes()[..data.len().min(n + 24)];
            for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
                let (a, b) = (ours(data, ec), theirs(data, ec));
                assert_eq!(a.is_ok(), b.is_ok(), "{n} {ec:?}");
                if let (Ok(a), Ok(b)) = (a, b) {
                    assert_eq!(a, b, "{n} bytes at {ec:?}");
                    masks_seen.insert((
                        format!("{ec:?}"),
                        format!("{:?}", &a.1[8 * a.0..8 * a.0 + 6]),
                    ));
                }
            }
        }
        // at every level, seven or eight of the eight masks won somewhere:
        // the scores were compared where they decide
        for ec in ["L", "M", "Q", "H"] {
            let n = masks_seen.iter().filter(|(l, _)| l == ec).count();
            assert!(n >= 7, "{ec}: {n} masks");
        }
    }

    /// N1 as the qrcode crate writes it, with branches.
    fn reference_runs(line: &[bool]) -> u32 {
        let mut score = 0;
        let mut run = 0;
        let mut last = None;
        for &c in line {
            if Some(c) == last {
                run += 1;
            } else {
                if run >= 5 {
                    score += run - 2;
                }
                last = Some(c);
                run = 1;
            }
        }
        if run >= 5 {
            score += run - 2;
        }
        score
    }

    /// N3 as the qrcode crate writes it, window by window.
    fn reference_finder_like(line: &[bool]) -> u32 {
        let w = line.len();
        let any_dark = |from: usize, to: usize| line[from.min(w)..to.min(w)].contains(&true);
        let mut score = 0;
        for (j, m) in line.windows(7).enumerate() {
            if m == [true, false, true, true, true, false, true]
                && (!any_dark(j.saturating_sub(4), j) || !any_dark(j + 7, j + 11))
            {
                score += 40;
            }
        }
        score
    }

    proptest! {
        /// Lines of any length, mostly made of the patterns the rules
        /// look for, score what the branching rules score.
        #[test]
        fn line_rules_score_as_the_reference(
            line in proptest::collection::vec(
                prop_oneof![
                    Just(vec![true, false, true, true, true, false, true]),
                    Just(vec![false; 4]),
                    proptest::collection::vec(any::<bool>(), 1..9),
                ],
                0..30,
            ).prop_map(|parts| parts.concat()),
        ) {
            prop_assert_eq!(runs(&line), reference_runs(&line));
            prop_assert_eq!(finder_like(&line), reference_finder_like(&line));
        }

        #[test]
        fn the_same_symbols_as_qrcode_for_any_text(s in "\\PC{0,120}", ec in 0..4u8) {
            let ec = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H][ec as usize];
            prop_assert_eq!(ours(s.as_bytes(), ec), theirs(s.as_bytes(), ec));
            prop_assert_eq!(try_svg(&s).unwrap(), reference_svg(&s));
        }
    }

    /// qrcode's SVG renderer, as `try_svg` used it.
    fn reference_svg(data: &str) -> String {
        code(data)
            .unwrap()
            .render::<svg::Color>()
            .quiet_zone(true)
            .module_dimensions(MODULE_PX, MODULE_PX)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
    }

    #[test]
    fn the_svg_is_qrcodes_text() {
        for data in [
            "",
            "https://linh.example/",
            &"https://đà-lạt.example/我".repeat(40),
        ] {
            assert_eq!(try_svg(data).unwrap(), reference_svg(data));
        }
    }

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
        let symbol = code("https://linh.example/tiktok/").unwrap();
        assert_eq!(symbol.error_correction_level(), EcLevel::M);
        // too long for M, still a code at L
        let long = format!("https://a.example/{}", "x".repeat(2_400));
        assert_eq!(code(&long).unwrap().error_correction_level(), EcLevel::L);
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
