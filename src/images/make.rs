//! The making half of the image pipeline: decoding each source once,
//! resizing and encoding, the icons, and the cache beside the output.

use super::card::{letter_icon, og_card_into, CardCanvas};
use super::plan::{cache_key, Format, Make, TOUCH_ICON};
use crate::diag::{Diagnostic, Diagnostics, Failure};
use crate::model::ImageInput;
use crate::resolve::ImageCopy;
use image::{DynamicImage, GenericImageView as _, RgbImage, RgbaImage};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

const WEBP_QUALITY: f32 = 80.0;

const JPEG_QUALITY: u8 = 82;

/// Sources are cut to a square and reduced to at most this side before the
/// final resize: big phone photos then cost one cheap pass, not several
/// Lanczos passes over 12 megapixels.
const WORK_SIDE: u32 = 1440;

/// Decoder limits (on top of the header check in `load`): a file whose
/// header lies about its size still cannot make the decoder allocate more.
const MAX_DECODE_ALLOC: u64 = 400 * 1024 * 1024;

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
                let _ = fs_err::remove_file(e.path());
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
        fs_err::create_dir_all(&self.dir)
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
    if crate::hash::full_hash(&bytes) != src.digest {
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
    limits.max_image_width = Some(super::plan::MAX_IMAGE_SIDE);
    limits.max_image_height = Some(super::plan::MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > super::plan::MAX_IMAGE_PIXELS {
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

pub(super) fn resized(img: &DynamicImage, side: u32) -> DynamicImage {
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
                static CARD: std::cell::Cell<Option<CardCanvas>> = const { std::cell::Cell::new(None) };
            }
            let card = og_card_into(CARD.take(), img, name, handle);
            let img = card.image();
            let png = super::fastpng::encode_rgb_drawn(
                img.as_raw(),
                img.width(),
                img.height(),
                card.drawn(),
                card.known(),
            );
            CARD.set(Some(card));
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

/// A PNG with fast compression, for the card and a brief's poster: an
/// agency makes one per creator. The Paeth filter makes a little larger
/// files than the default compression in a small fraction of its time, and
/// smaller ones than "up" for about the same (measured: docs/benchmarks.md);
/// [`super::fastpng`] skips it where it is known to give zeros.
pub fn png_fast(img: &RgbImage) -> Result<Vec<u8>, String> {
    super::fastpng::encode_rgb(img.as_raw(), img.width(), img.height())
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

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

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
