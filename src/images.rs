//! The image pipeline: avatars and product images resized to the sizes the
//! themes show them at (1x and 2x), re-encoded to WebP with a JPEG or PNG
//! fallback, and the icons and Open Graph card drawn from the avatar.
//!
//! Two halves. The planning half is pure and runs in `resolve`: output names
//! are fingerprints of the source's content hash and the parameters, so the
//! HTML can name every file before a pixel is decoded. The making half
//! ([`Images`]) runs when a build writes: it decodes each source once, makes
//! what is missing and keeps it in a cache directory beside the output, keyed
//! by content hash and parameters. An unchanged image is never encoded twice:
//! not by two creators of one build (a once-per-key map shared by the rayon
//! workers) and not by the next build (the cache directory).
//!
//! Re-encoding drops all metadata (EXIF, GPS, XMP, ICC): the encoders write
//! pixels only. EXIF orientation is applied first.
//!
//! Why WebP and not AVIF: libwebp (the `webp` crate, C compiled by `cc`) adds
//! seconds to a build of biopage and encodes a 720 px image in milliseconds;
//! the AVIF encoders (rav1e through `ravif`) add minutes of compile time and
//! are 10 to 100 times slower per image, for files only ~20% smaller at these
//! sizes, where every browser a page targets decodes WebP. The `image`
//! crate's own WebP encoder is lossless only, four to ten times larger.

use crate::diag::{Diagnostic, Diagnostics, Failure};
use crate::model::ImageInput;
use crate::resolve::ImageCopy;
use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use image::{DynamicImage, GenericImageView as _, Rgb, RgbImage, Rgba, RgbaImage};
use rayon::prelude::*;
use sha2::Digest as _;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Bumped whenever the bytes the pipeline makes change (sizes, quality,
/// drawing), so caches made by older versions are not reused.
const PIPELINE: &str = "biopage-images-2";

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

const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;
/// Sources are cut to a square and reduced to at most this side before the
/// final resize: big phone photos then cost one cheap pass, not several
/// Lanczos passes over 12 megapixels.
const WORK_SIDE: u32 = 1440;
/// Decoder limits (on top of the header check in `load`): a file whose
/// header lies about its size still cannot make the decoder allocate more.
const MAX_DECODE_ALLOC: u64 = 400 * 1024 * 1024;

static FONT_BYTES: &[u8] = include_bytes!("assets/fonts/DejaVuSans-Bold-subset.ttf");

fn font() -> &'static FontRef<'static> {
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
    fn ext(&self) -> &'static str {
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
        fingerprint(&[PIPELINE, digest, name, handle])
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
fn cache_key(src: Option<&ImageInput>, make: &Make) -> String {
    let mut h = sha2::Sha256::new();
    h.update(PIPELINE.as_bytes());
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

/// Makes images for builds, with a cache directory and a count of encodes.
/// One per build, shared by every creator.
pub struct Images {
    dir: PathBuf,
    cells: Mutex<HashMap<String, Cell>>,
    encoded: AtomicUsize,
}

/// One made file: set once, by the first worker to need it; the others wait
/// for that one instead of encoding the same file again.
type Cell = Arc<OnceLock<Result<(), Problem>>>;

/// Why a file could not be made: the source image's fault (the user's to
/// fix, exit 1), or the disk's (the image cache cannot be written, exit 2).
#[derive(Debug, Clone)]
enum Problem {
    Image(String),
    Io(String),
}

/// `.public.biopage-images/` beside `public/`, like the agency's record
/// (`incremental::cache_path`).
pub fn cache_dir(out: &Path) -> PathBuf {
    crate::emit::beside(out, "biopage-images")
}

impl Images {
    /// Images for a build writing into `out`, cached beside it.
    pub fn for_output(out: &Path) -> Images {
        Images::in_dir(cache_dir(out))
    }

    pub fn in_dir(dir: PathBuf) -> Images {
        Images {
            dir,
            cells: Mutex::default(),
            encoded: AtomicUsize::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Files encoded (not found in the cache) so far.
    pub fn encoded(&self) -> usize {
        self.encoded.load(Ordering::Relaxed)
    }

    /// Makes every listed file, or finds it in the cache, and returns what to
    /// copy where: (cache file, site-relative output path). Each source is
    /// decoded at most once per call, and not at all when everything made
    /// of it is cached. Errors name the source and where the profile names it.
    pub fn make(&self, list: &[ImageCopy]) -> Result<Vec<(PathBuf, String)>, Failure> {
        let mut groups: BTreeMap<Option<&str>, Vec<&ImageCopy>> = BTreeMap::new();
        for c in list {
            groups
                .entry(c.src.as_ref().map(|s| s.digest.as_str()))
                .or_default()
                .push(c);
        }
        let results: Vec<Result<Vec<(PathBuf, String)>, Failure>> = groups
            .into_par_iter()
            .map(|(_, group)| self.make_group(&group))
            .collect();
        let mut out = Vec::new();
        let mut errors = Diagnostics::default();
        for r in results {
            match r {
                Ok(v) => out.extend(v),
                Err(Failure::Input(d)) => errors.extend(d),
                Err(other) => return Err(other),
            }
        }
        if errors.has_errors() {
            return Err(Failure::Input(errors));
        }
        Ok(out)
    }

    /// Removes cached files this `Images` did not use: after a build of one
    /// site, what it no longer shows. (Not for agencies, whose unchanged
    /// creators are not asked for their images: see [`Images::prune_unlinked`].)
    pub fn prune(&self) {
        self.prune_except(|_| false);
    }

    /// Removes cached files that this build did not use and that no output
    /// file links to: after a build of every creator of an agency. Creators
    /// that did not change were not asked for their images, but their output
    /// still shares those files' bytes (hard links), so a link count of one
    /// means only the cache holds the file: its creator changed or left.
    /// Where the output holds copies instead (another filesystem), an
    /// unchanged creator's files go too and are made again on its next change.
    pub fn prune_unlinked(&self) {
        self.prune_except(linked_from_output);
    }

    fn prune_except(&self, keep: impl Fn(&std::fs::DirEntry) -> bool) {
        let used = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !used.contains_key(&name) && !keep(&e) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    fn cell(&self, key: &str) -> Cell {
        let mut map = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_string()).or_default().clone()
    }

    /// Files made of one source, in order, decoding it on first need. No
    /// rayon work happens inside a cell's initialiser, so a worker waiting
    /// on a cell never waits on itself.
    fn make_group(&self, group: &[&ImageCopy]) -> Result<Vec<(PathBuf, String)>, Failure> {
        let mut work: Option<Result<DynamicImage, String>> = None;
        let mut out = Vec::new();
        let mut errors = Diagnostics::default();
        for c in group {
            let key = cache_key(c.src.as_ref(), &c.make);
            let path = self.dir.join(&key);
            let cell = self.cell(&key);
            let result = cell.get_or_init(|| {
                if path.is_file() {
                    return Ok(());
                }
                let img = match &c.src {
                    None => None,
                    Some(src) => match work.get_or_insert_with(|| working_image(src)) {
                        Ok(img) => Some(&*img),
                        Err(e) => return Err(Problem::Image(e.clone())),
                    },
                };
                let bytes = make(img, &c.make).map_err(Problem::Image)?;
                self.store(&key, &bytes).map_err(Problem::Io)?;
                self.encoded.fetch_add(1, Ordering::Relaxed);
                Ok(())
            });
            match result {
                Ok(()) => out.push((path, c.out.clone())),
                Err(Problem::Image(msg)) => errors.push(problem(c, msg)),
                Err(Problem::Io(msg)) => {
                    return Err(Failure::Environment(anyhow::anyhow!("{msg}")))
                }
            }
        }
        if errors.has_errors() {
            // one source, one error: the same file named twice says it twice
            errors.0.dedup();
            return Err(Failure::Input(errors));
        }
        Ok(out)
    }

    /// Writes a made file into the cache: to a temporary name, then renamed,
    /// so a build stopped half-way never leaves half a file under a key.
    fn store(&self, key: &str, bytes: &[u8]) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create the image cache {}: {e}", self.dir.display()))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".tmp-");
        // readable by the web server the output is copied to (tempfile's
        // default is owner-only)
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut tmp = builder
            .tempfile_in(&self.dir)
            .map_err(|e| format!("cannot write into {}: {e}", self.dir.display()))?;
        std::io::Write::write_all(&mut tmp, bytes)
            .map_err(|e| format!("cannot write into {}: {e}", self.dir.display()))?;
        tmp.persist(self.dir.join(key))
            .map_err(|e| format!("cannot write {}: {}", self.dir.join(key).display(), e.error))?;
        Ok(())
    }
}

/// Whether a cache file has another name, an output file linked to it.
#[cfg(unix)]
fn linked_from_output(e: &std::fs::DirEntry) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    e.metadata().is_ok_and(|m| m.nlink() > 1)
}

/// Without link counts, every file might be in use: keep them all.
#[cfg(not(unix))]
fn linked_from_output(_: &std::fs::DirEntry) -> bool {
    true
}

fn problem(c: &ImageCopy, msg: &str) -> Diagnostic {
    match &c.src {
        Some(src) => Diagnostic::error(format!("cannot use the image \"{}\": {msg}", src.rel))
            .at(src.loc.clone())
            .help(
                "open it in an image editor and save it again as JPEG, PNG or WebP; \
                 at most 40 megapixels (2000×2000 is plenty for a page)",
            ),
        None => Diagnostic::error(format!("cannot make {}: {msg}", c.out))
            .help("check that the output's folder is writable and the disk is not full"),
    }
}

/// Decodes a source (checking it is the file `load` saw), applies its EXIF
/// orientation and cuts the centred square every output is made from.
fn working_image(src: &ImageInput) -> Result<DynamicImage, String> {
    let bytes = crate::input::read_regular(&src.abs, crate::input::IMAGE_LIMIT).map_err(|r| {
        crate::input::InputError {
            path: src.abs.clone(),
            refusal: r,
        }
        .reason()
    })?;
    if crate::load::full_hash(&bytes) != src.digest {
        return Err("it changed while the site was building; build again".into());
    }
    Ok(work_square(decode(&bytes)?))
}

/// Decodes an image with memory limits and applies its EXIF orientation.
/// Truncated and corrupt files are errors, not grey half-pictures.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    use image::ImageDecoder as _;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("it is not an image (expected JPEG, PNG, WebP or GIF)".into());
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(crate::load::MAX_IMAGE_SIDE);
    limits.max_image_height = Some(crate::load::MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > crate::load::MAX_IMAGE_PIXELS {
        return Err(format!("it is {w}×{h} pixels, over 40 megapixels"));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    if is_truncated_jpeg(bytes) {
        return Err("it is cut short (the file ends before the picture does)".into());
    }
    let mut img = DynamicImage::from_decoder(decoder).map_err(describe)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The JPEG decoder fills a file that ends early with grey and says
/// nothing. A complete JPEG has an end marker (FF D9) after its last scan
/// (FF DA); neither can occur inside compressed data, and an EXIF
/// thumbnail's own end marker comes before the main image's scans. Data
/// some cameras append after the end marker is fine.
fn is_truncated_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    match bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) {
        None => true,
        Some(sos) => !bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9]),
    }
}

fn describe(e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => {
            "it is too large to decode (over the memory limit for one image)".into()
        }
        image::ImageError::Unsupported(u) => format!("its format is not supported: {u}"),
        e => format!("it is damaged: {e}"),
    }
}

/// The centred square of an image, reduced to at most [`WORK_SIDE`], as
/// 8-bit RGB or RGBA.
fn work_square(img: DynamicImage) -> DynamicImage {
    let (w, h) = img.dimensions();
    let s = w.min(h);
    let mut sq = img.crop_imm((w - s) / 2, (h - s) / 2, s, s);
    if s > WORK_SIDE {
        sq = sq.resize_exact(WORK_SIDE, WORK_SIDE, image::imageops::FilterType::Triangle);
    }
    if sq.color().has_alpha() {
        DynamicImage::ImageRgba8(sq.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(sq.into_rgb8())
    }
}

fn resized(img: &DynamicImage, side: u32) -> DynamicImage {
    if img.width() == side && img.height() == side {
        img.clone()
    } else {
        img.resize_exact(side, side, image::imageops::FilterType::Lanczos3)
    }
}

/// Makes one file's bytes. `img` is the working square of the source.
fn make(img: Option<&DynamicImage>, what: &Make) -> Result<Vec<u8>, String> {
    match (what, img) {
        (Make::Square { side, format }, Some(img)) => encode(&resized(img, *side), *format),
        (Make::Favicon, Some(img)) => {
            let mut pngs = Vec::new();
            for side in [32, 48] {
                let icon = circle(&resized(img, side).into_rgba8());
                pngs.push((side, encode(&DynamicImage::ImageRgba8(icon), Format::Png)?));
            }
            Ok(ico(&pngs))
        }
        (Make::TouchIcon { .. }, Some(img)) => encode(
            &DynamicImage::ImageRgb8(resized(img, TOUCH_ICON).into_rgb8()),
            Format::Png,
        ),
        (Make::TouchIcon { letter }, None) => encode(
            &DynamicImage::ImageRgb8(letter_icon(letter, TOUCH_ICON)),
            Format::Png,
        ),
        (Make::OgCard { name, handle }, img) => {
            thread_local! {
                static CARD: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
            }
            let card = og_card_into(CARD.take(), img, name, handle);
            let png = png_fast(&card);
            CARD.set(card.into_raw());
            png
        }
        (Make::Square { .. } | Make::Favicon, None) => {
            Err("there is no source image to make it from".into())
        }
    }
}

/// Encodes pixels; the encoders write no metadata at all.
pub fn encode(img: &DynamicImage, format: Format) -> Result<Vec<u8>, String> {
    let (w, h) = img.dimensions();
    match format {
        Format::WebP => {
            let mut config = webp::WebPConfig::new().map_err(|_| "libwebp failed to start")?;
            config.quality = WEBP_QUALITY;
            config.method = 4;
            let mem = match img {
                DynamicImage::ImageRgba8(buf) => {
                    webp::Encoder::from_rgba(buf.as_raw(), w, h).encode_advanced(&config)
                }
                other => {
                    let rgb = other.to_rgb8();
                    webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode_advanced(&config)
                }
            }
            .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            Ok(mem.to_vec())
        }
        Format::Jpeg => {
            let mut out = Vec::new();
            let rgb = img.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&rgb)
                .map_err(|e| format!("JPEG encoding failed: {e}"))?;
            Ok(out)
        }
        Format::Png => {
            use image::ImageEncoder as _;
            let mut out = Vec::new();
            let enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            match img {
                DynamicImage::ImageRgba8(buf) => {
                    enc.write_image(buf.as_raw(), w, h, image::ExtendedColorType::Rgba8)
                }
                other => {
                    let rgb = other.to_rgb8();
                    enc.write_image(rgb.as_raw(), w, h, image::ExtendedColorType::Rgb8)
                }
            }
            .map_err(|e| format!("PNG encoding failed: {e}"))?;
            Ok(out)
        }
    }
}

/// A PNG with fast compression, for the card: an agency makes one per
/// creator. Measured on a card without avatar: 0.65 ms and 55 KB with the
/// Paeth filter, against 0.5 ms and 66 KB with "up" (more bytes to write
/// than time saved) and 9 ms and 42 KB with the default compression.
fn png_fast(img: &RgbImage) -> Result<Vec<u8>, String> {
    use image::ImageEncoder as _;
    let mut out = Vec::with_capacity(64 * 1024);
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
    .map_err(|e| format!("PNG encoding failed: {e}"))?;
    Ok(out)
}

/// An ICO file holding PNG images (every browser since IE 11 reads these).
pub fn ico(pngs: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&[0, 0, 1, 0]);
    out.extend_from_slice(&(pngs.len() as u16).to_le_bytes());
    let mut offset = 6 + 16 * pngs.len() as u32;
    for (side, png) in pngs {
        let s = if *side >= 256 { 0 } else { *side as u8 };
        out.extend_from_slice(&[s, s, 0, 0]);
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&32u16.to_le_bytes());
        out.extend_from_slice(&(png.len() as u32).to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        offset += png.len() as u32;
    }
    for (_, png) in pngs {
        out.extend_from_slice(png);
    }
    out
}

/// Cuts a circle out of a square image (transparent outside, one pixel of
/// anti-aliasing at the edge).
fn circle(img: &RgbaImage) -> RgbaImage {
    let mut out = img.clone();
    let r = img.width() as f32 / 2.0;
    for (x, y, p) in out.enumerate_pixels_mut() {
        let d = ((x as f32 + 0.5 - r).powi(2) + (y as f32 + 0.5 - r).powi(2)).sqrt();
        let cover = (r - d + 0.5).clamp(0.0, 1.0);
        p.0[3] = (p.0[3] as f32 * cover).round() as u8;
    }
    out
}

const ACCENT: [u8; 3] = [0xb8, 0x12, 0x4f];
const ACCENT_DEEP: [u8; 3] = [0x4a, 0x16, 0x70];
const WHITE: [u8; 3] = [255, 255, 255];

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    // + 0.5 and truncation: rounding without a libm call per channel
    let m = |a: u8, b: u8| (a as f32 * (1.0 - t) + b as f32 * t + 0.5) as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

fn blend(canvas: &mut RgbImage, x: i64, y: i64, color: [u8; 3], alpha: f32) {
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
fn layout(text: &str, size: f32) -> (Vec<(ab_glyph::GlyphId, f32)>, f32) {
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

/// Draws one line of text with its baseline at `y`.
fn draw_text(canvas: &mut RgbImage, text: &str, size: f32, x0: f32, y: f32, color: [u8; 3]) {
    let f = font();
    let (glyphs, _) = layout(text, size);
    for (id, x) in glyphs {
        let g = id.with_scale_and_position(size, ab_glyph::point(x0 + x, y));
        if let Some(o) = f.outline_glyph(g) {
            let b = o.px_bounds();
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
    let mut size = 88.0;
    while size >= 44.0 {
        if let Some(lines) = wrap(text, size, width, 2) {
            return (lines, size);
        }
        size -= 4.0;
    }
    let cut = cut_to_fit(text, 44.0, width);
    (vec![format!("{}…", cut.trim_end())], 44.0)
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
fn shared_letter_icon(letter: &str, side: u32) -> Arc<RgbImage> {
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
fn letter_icon(letter: &str, side: u32) -> RgbImage {
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
    og_card_into(Vec::new(), avatar, name, handle)
}

/// [`og_card`] drawn into `buf`'s memory: an agency draws one card per
/// creator, and a fresh 2.3 MB buffer each time costs more in page faults
/// than the drawing (see `Make::OgCard`, which keeps one per thread).
fn og_card_into(
    mut buf: Vec<u8>,
    avatar: Option<&DynamicImage>,
    name: &str,
    handle: &str,
) -> RgbImage {
    let (w, h) = (OG_WIDTH, OG_HEIGHT);
    // A left-to-right gradient: one row, repeated. Identical rows cost the
    // PNG encoder almost nothing (its Paeth filter leaves zeros), which keeps
    // the card cheap for an agency that draws ten thousand of them.
    let row: Vec<u8> = (0..w)
        .flat_map(|x| mix(ACCENT, ACCENT_DEEP, x as f32 / w as f32))
        .collect();
    buf.clear();
    buf.reserve((w * h * 3) as usize);
    for _ in 0..h {
        buf.extend_from_slice(&row);
    }
    let mut card = RgbImage::from_raw(w, h, buf).expect("w×h×3 bytes");
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
    for y in top.saturating_sub(ring + 1)..(top + d + ring + 1).min(h) {
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
        draw_text(&mut card, line, size, text_x, baseline, WHITE);
        baseline += line_h;
    }
    if let Some(sub) = subtitle {
        let sub_text = fit_title_line(&sub, sub_size, width);
        draw_text(
            &mut card,
            &sub_text,
            sub_size,
            text_x,
            baseline - line_h + sub_size * 1.6,
            mix(WHITE, ACCENT, 0.18),
        );
    }
    card
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
    fn sides_are_1x_and_2x_without_upscaling() {
        assert_eq!(sides(132, 512), vec![132, 264]);
        assert_eq!(sides(360, 600), vec![360, 600]);
        assert_eq!(sides(360, 360), vec![360]);
        assert_eq!(sides(360, 100), vec![100]);
    }

    #[test]
    fn a_shared_letter_icon_is_the_drawn_one_and_drawn_once() {
        let first = shared_letter_icon("Ữ", 48);
        assert_eq!(*first, letter_icon("Ữ", 48));
        assert!(Arc::ptr_eq(&first, &shared_letter_icon("Ữ", 48)));
        // another size is another picture
        assert_eq!(shared_letter_icon("Ữ", 40).width(), 40);
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

    #[test]
    fn ico_header_lists_each_png() {
        let data = ico(&[(32, vec![1, 2, 3]), (48, vec![4, 5])]);
        assert_eq!(&data[..6], &[0, 0, 1, 0, 2, 0]);
        assert_eq!(data[6], 32);
        assert_eq!(u32::from_le_bytes(data[18..22].try_into().unwrap()), 38);
        assert_eq!(&data[38..], &[1, 2, 3, 4, 5]);
    }

    #[test]
    fn not_an_image_and_truncated_are_errors() {
        assert!(decode(b"hello, I am text")
            .unwrap_err()
            .contains("not an image"));
        let mut jpeg = Vec::new();
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, Rgb([200, 10, 10])));
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&img)
            .unwrap();
        assert!(decode(&jpeg).is_ok());
        let cut = &jpeg[..jpeg.len() * 2 / 3];
        assert!(decode(cut).is_err());
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert!(decode(&png[..png.len() / 2]).is_err());
    }

    #[test]
    fn a_jpeg_cut_short_is_caught_though_the_decoder_accepts_it() {
        let bytes = std::fs::read("example-site/images/avatar.jpg").unwrap();
        let cut = &bytes[..bytes.len() * 6 / 10];
        // the decoder alone fills the rest with grey
        assert!(image::load_from_memory(cut).is_ok());
        assert!(decode(cut).unwrap_err().contains("cut short"));
        // data a camera appends after the end marker is fine
        let mut trailer = bytes.clone();
        trailer.extend(b"SEFT trailing data");
        assert!(!is_truncated_jpeg(&trailer));
        assert!(decode(&trailer).is_ok());
    }

    #[test]
    fn webp_is_webp() {
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(20, 20, Rgb([1, 2, 3])));
        let bytes = encode(&img, Format::WebP).unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..12], b"WEBP");
        let back = image::load_from_memory(&bytes).unwrap();
        assert_eq!(back.dimensions(), (20, 20));
    }
}
