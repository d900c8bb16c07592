//! One link or product, the links inside its Markdown, and the images a
//! site names (read through the site's `Root`: inside the site, a regular
//! file, not too big, and an image biopage can decode the header of).

use super::doc::{as_table, get, Doc, Value};
use super::keys::*;
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Loc};
use crate::input::{InputError, Refusal};
use crate::model::*;
use std::path::{Component, Path};
use toml::de::DeValue;

impl<'a> Doc<'a> {
    pub(crate) fn item(&mut self, v: &Value<'_>, kind: ItemKind, index: usize) -> Option<Item> {
        let t = as_table(v);
        let (allowed, what) = match kind {
            ItemKind::Link => (LINK_KEYS.to_vec(), format!("[[links]] #{}", index + 1)),
            ItemKind::Product => (
                [LINK_KEYS, PRODUCT_MORE_KEYS].concat(),
                format!("[[products]] #{}", index + 1),
            ),
        };
        self.unknown_keys(t, &allowed, &what);
        let title = self.required_string(t, v.span(), "title", &what);
        let url = self.required_string(t, v.span(), "url", &what);
        let id = self.string(t, "id");
        if let Some(id) = &id {
            self.check_id(id);
        }
        let utm = self.utm_override(t, &what);
        let image_path = self.string(t, "image");
        let image = image_path.and_then(|p| self.image(&p));
        // Every field is read (and checked) before a missing one drops the entry.
        let mut item = Item {
            kind,
            loc: self.loc(v.span().start..v.span().start),
            id,
            title: At::bare(String::new()),
            url: At::bare(String::new()),
            group: self.string(t, "group"),
            featured: self.boolean(t, "featured").unwrap_or(false),
            sponsored: self.boolean(t, "sponsored"),
            network: self.string(t, "network"),
            utm,
            starts: self.datetime(t, "starts", false),
            ends: self.datetime(t, "ends", true),
            enabled: self.boolean(t, "enabled").unwrap_or(true),
            sensitive: self.boolean(t, "sensitive").unwrap_or(false),
            image,
            image_alt: self.string(t, "image_alt"),
            price: self.number(t, "price"),
            // one mistake, one error: with a price that could not be read,
            // compare_at_price is not judged on its own
            compare_at_price: match self.number(t, "compare_at_price") {
                Some(c) if get(t, "price").is_none() || self.number_ok(t, "price") => Some(c),
                Some(_) => None,
                None => None,
            },
            currency: self.string(t, "currency"),
            coupon: self.string(t, "coupon"),
            review: self.string(t, "review"),
            description: None,
            description_links: Vec::new(),
            tags: self
                .string_array(t, "tags")
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.value)
                .collect(),
            campaign: None,
        };
        item.description = self.string(t, "description");
        item.description_links = self.link_locs(get(t, "description"), item.description.as_ref());
        item.title = title?;
        item.url = url?;
        Some(item)
    }

    /// `utm = false` or `utm = { utm_campaign = "…" }` of an entry (or of a
    /// whole campaign).
    pub(crate) fn utm_override(&mut self, t: &toml::de::DeTable<'_>, what: &str) -> UtmOverride {
        match get(t, "utm") {
            None => UtmOverride::Inherit,
            Some(uv) => match uv.get_ref() {
                DeValue::Boolean(false) => UtmOverride::Off,
                DeValue::Boolean(true) => UtmOverride::Inherit,
                DeValue::Table(ut) => {
                    self.unknown_keys(ut, crate::tracking::UTM_KEYS, &format!("`utm` of {what}"));
                    let mut set = Vec::new();
                    for key in crate::tracking::UTM_KEYS {
                        if let Some(val) = self.string(ut, key) {
                            set.push((key.to_string(), val));
                        }
                    }
                    UtmOverride::Set(set)
                }
                _ => {
                    self.wrong_type(
                        "utm",
                        uv,
                        "false or a table",
                        "utm = false, or utm = { utm_campaign = \"tet-2027\" }",
                    );
                    UtmOverride::Inherit
                }
            },
        }
    }

    /// Where each link of a Markdown value is written: the destination's
    /// text found in the value's source, or the value's start where the
    /// source spells it differently (escapes).
    pub(super) fn link_locs(
        &self,
        v: Option<&Value<'_>>,
        text: Option<&At<String>>,
    ) -> Vec<(String, Loc)> {
        let (Some(v), Some(text)) = (v, text) else {
            return Vec::new();
        };
        let span = v.span();
        let raw = self.src.text.get(span.clone()).unwrap_or("");
        let mut from = 0;
        let mut out = Vec::new();
        for (dest, written) in crate::markdown::link_destinations(&text.value) {
            let loc = match raw
                .get(from..)
                .and_then(|r| r.find(&written))
                .filter(|_| !written.is_empty())
            {
                Some(i) => {
                    let start = span.start + from + i;
                    from += i + written.len();
                    self.src.loc(start..start + written.len())
                }
                None => self.src.loc(span.start..span.start + 1),
            };
            out.push((dest, loc));
        }
        out
    }

    pub(super) fn check_id(&mut self, id: &At<String>) {
        let ok = !id.value.is_empty()
            && id.value.len() <= 80
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !ok {
            let suggestion = crate::text::slugify(&id.value);
            self.diags.push(
                Diagnostic::error(format!(
                    "the id \"{}\" may only use ASCII letters, digits, '-' and '_'",
                    id.value
                ))
                .at(id.loc.clone())
                .help(format!(
                    "ids become short links like /go/<id>/; try id = \"{suggestion}\""
                )),
            );
        }
    }

    /// Checks an image path: relative, inside the site directory (also after
    /// following symlinks), an existing file, and an image we can read.
    pub(super) fn image(&mut self, p: &At<String>) -> Option<ImageInput> {
        let rel = p.value.trim();
        let path = Path::new(rel);
        let bad = |msg: String, help: &str, diags: &mut Diagnostics| {
            diags.push(
                Diagnostic::error(msg)
                    .at(p.loc.clone())
                    .help(help.to_string()),
            );
        };
        if rel.is_empty() {
            bad(
                "the image path is empty".into(),
                "write a path relative to the site directory, like \"images/avatar.jpg\"",
                self.diags,
            );
            return None;
        }
        if path.is_absolute()
            || rel.starts_with('/')
            || rel.starts_with('\\')
            || path
                .components()
                .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
        {
            bad(format!("the image path \"{rel}\" is absolute"), "write it relative to the site directory, like \"images/avatar.jpg\", and copy the file there", self.diags);
            return None;
        }
        if path.components().any(|c| matches!(c, Component::ParentDir)) || rel.contains('\\') {
            bad(
                format!("the image path \"{rel}\" leaves the site directory"),
                "copy the image into the site's images/ folder and write \"images/<name>\"",
                self.diags,
            );
            return None;
        }
        let abs = self.dir.join(path);
        let Some(root) = self.root else {
            bad(
                format!("the image \"{rel}\" does not exist"),
                "the site directory does not exist",
                self.diags,
            );
            return None;
        };
        // One way in (see `input`): inside the site once links are followed,
        // a regular file, and not too big, checked before a byte is read.
        let real = match root.resolve(&abs) {
            Ok(real) => real,
            Err(e) if e.is_missing() => {
                let help = match suggest_file(&abs) {
                    Some(s) => format!(
                        "did you mean \"{}\"?",
                        Path::new(rel).with_file_name(s).display()
                    ),
                    None => format!("put the file at {} or fix the path", abs.display()),
                };
                bad(
                    format!("the image \"{rel}\" does not exist"),
                    &help,
                    self.diags,
                );
                return None;
            }
            Err(e) if matches!(e.refusal, Refusal::Outside(_)) => {
                bad(
                    format!("the image \"{rel}\" is a link to a file outside the site directory"),
                    "copy the file into the site directory instead of linking to it",
                    self.diags,
                );
                return None;
            }
            Err(e) => {
                bad(
                    format!("the image \"{rel}\" {}", e.reason()),
                    &e.help(),
                    self.diags,
                );
                return None;
            }
        };
        let bytes = match crate::input::read_regular(&real, crate::input::IMAGE_LIMIT) {
            Ok(b) => b,
            Err(Refusal::NotRegular(_)) => {
                bad(
                    format!("the image path \"{rel}\" is not a file"),
                    "point it at an image file",
                    self.diags,
                );
                return None;
            }
            Err(Refusal::TooBig { size, .. }) => {
                bad(
                    format!(
                        "the image \"{rel}\" is {} MB, too big for a web page",
                        size / (1024 * 1024)
                    ),
                    "resize it to at most 2000 px wide and save it as JPEG or WebP",
                    self.diags,
                );
                return None;
            }
            Err(e) => {
                let e = InputError {
                    path: abs.clone(),
                    refusal: e,
                };
                bad(
                    format!("cannot read the image \"{rel}\": {}", e.reason()),
                    "check the file's permissions",
                    self.diags,
                );
                return None;
            }
        };
        let meta_len = bytes.len() as u64;
        let format = image::guess_format(&bytes).ok();
        let ext = match format {
            Some(image::ImageFormat::Jpeg) => "jpg",
            Some(image::ImageFormat::Png) => "png",
            Some(image::ImageFormat::WebP) => "webp",
            Some(image::ImageFormat::Gif) => "gif",
            _ => {
                bad(
                    format!("\"{rel}\" is not an image biopage can read"),
                    "use a JPEG, PNG, WebP or GIF file",
                    self.diags,
                );
                return None;
            }
        };
        // The header only: dimensions, EXIF orientation and whether there is
        // an alpha channel. Pixels are decoded once, by the image pipeline.
        let header = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format.unwrap())
            .into_decoder()
            .map(|mut d| {
                use image::ImageDecoder as _;
                let orientation = d
                    .orientation()
                    .unwrap_or(image::metadata::Orientation::NoTransforms);
                (d.dimensions(), orientation, d.color_type().has_alpha())
            });
        let (width, height, orientation, alpha) = match header {
            Ok(((w, h), o, alpha))
                if w > 0
                    && h > 0
                    && w <= crate::images::MAX_IMAGE_SIDE
                    && h <= crate::images::MAX_IMAGE_SIDE
                    && u64::from(w) * u64::from(h) <= crate::images::MAX_IMAGE_PIXELS =>
            {
                // Orientations 5 to 8 turn the picture a quarter.
                let (w, h) = if o.to_exif() >= 5 { (h, w) } else { (w, h) };
                (w, h, o.to_exif(), alpha)
            }
            Ok(((w, h), _, _)) => {
                bad(
                    format!(
                        "the image \"{rel}\" is {w}×{h} pixels ({:.0} megapixels)",
                        (u64::from(w) * u64::from(h)) as f64 / 1e6
                    ),
                    &format!(
                        "use an image of at most {} megapixels and {} pixels on each side; 2000×2000 is plenty for a page",
                        crate::images::MAX_IMAGE_PIXELS / 1_000_000,
                        crate::images::MAX_IMAGE_SIDE
                    ),
                    self.diags,
                );
                return None;
            }
            Err(e) => {
                bad(
                    format!("the image \"{rel}\" is damaged: {e}"),
                    "open it in an image editor and save it again",
                    self.diags,
                );
                return None;
            }
        };
        let digest = crate::hash::full_hash(&bytes);
        Some(ImageInput {
            rel: rel.to_string(),
            abs: real,
            width,
            height,
            hash: digest[..10].to_string(),
            digest,
            ext,
            bytes: meta_len,
            orientation,
            alpha,
            loc: p.loc.clone(),
        })
    }
}

/// The sibling file whose name is closest to a missing one.
fn suggest_file(missing: &Path) -> Option<String> {
    let dir = missing.parent()?;
    let want = missing.file_name()?.to_string_lossy().into_owned();
    let names: Vec<String> = fs_err::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    did_you_mean(&want, names.iter().map(String::as_str)).map(str::to_string)
}
