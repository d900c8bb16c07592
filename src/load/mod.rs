//! Stage 1, load: read the site's files and turn them into the raw model,
//! collecting every problem with its file, line and column.
//!
//! The TOML is parsed with `toml`'s span-preserving document parser and
//! walked by hand rather than deserialised with serde, because serde stops at
//! the first problem, while a creator should see every typo, wrong type and
//! missing key of a file in one run.

mod doc;
mod items;
mod keys;
mod site;

/// For `report::config`, which reads its own tables with the same walker.
pub(crate) use doc::{as_table, get, Doc, Value};
pub use keys::SETTINGS_KEYS;

use crate::diag::{Diagnostic, Diagnostics, Loc, SourceFile};
use crate::input::{InputError, Root};
use crate::model::*;
use std::path::Path;

/// What loading produced: the site as far as it could be read, and every
/// problem found. `site` is `None` only when nothing usable was read (no
/// profile.toml, or a file that is not TOML at all); otherwise later stages
/// still run on it, so that one run reports every problem.
pub struct Loaded {
    pub site: Option<Site>,
    pub diags: Diagnostics,
}

/// Reads one creator's site directory; any problem is an error.
pub fn load_site(dir: &Path) -> Result<Site, Diagnostics> {
    let loaded = load(dir);
    match loaded.site {
        Some(site) if !loaded.diags.has_errors() => Ok(site),
        _ => Err(loaded.diags),
    }
}

/// Reads one creator's site directory, keeping what could be read.
pub fn load(dir: &Path) -> Loaded {
    let mut diags = Diagnostics::default();
    let profile_path = dir.join("profile.toml");
    let root = match Root::open(dir) {
        Ok(r) => r,
        Err(e) if e.is_missing() => {
            diags.push(
                Diagnostic::error(format!(
                    "the site directory {} does not exist",
                    dir.display()
                ))
                .help(format!("create one with `biopage init {}`", dir.display())),
            );
            return Loaded { site: None, diags };
        }
        Err(e) => {
            diags.push(refused(&e));
            return Loaded { site: None, diags };
        }
    };
    let Some(profile_src) = read_source(&root, &profile_path, true, &mut diags) else {
        return Loaded { site: None, diags };
    };
    let products_src = read_source(&root, &dir.join("products.toml"), false, &mut diags);
    let usable = !diags.has_errors();
    let mut loaded = from_root(root.clone(), &profile_src, products_src.as_ref());
    diags.extend(loaded.diags);
    loaded.diags = diags;
    if !usable {
        loaded.site = None;
    }
    if let Some(site) = &mut loaded.site {
        let mut folder = |name: &str| match root.dir(&dir.join(name)) {
            Ok(found) => found.map(|_| dir.join(name)),
            Err(e) => {
                loaded.diags.push(refused(&e));
                None
            }
        };
        site.templates_dir = folder("templates");
        site.static_dir = folder("static");
        site.root = Some(root);
    }
    loaded
}

/// A refused input file as a diagnostic that names it.
pub fn refused(e: &InputError) -> Diagnostic {
    Diagnostic::error(e.to_string())
        .at(Some(Loc::file_only(&e.path)))
        .help(e.help())
}

/// Parses a site from sources already in memory (the fuzz targets use it;
/// images are still looked up under `dir`, when it exists).
pub fn from_sources(
    dir: &Path,
    profile_src: &SourceFile,
    products_src: Option<&SourceFile>,
) -> Loaded {
    match Root::open(dir) {
        Ok(root) => from_root(root, profile_src, products_src),
        Err(_) => parse_sources(dir, None, profile_src, products_src),
    }
}

fn from_root(root: Root, profile_src: &SourceFile, products_src: Option<&SourceFile>) -> Loaded {
    let dir = root.path().to_path_buf();
    parse_sources(&dir, Some(&root), profile_src, products_src)
}

fn parse_sources(
    dir: &Path,
    root: Option<&Root>,
    profile_src: &SourceFile,
    products_src: Option<&SourceFile>,
) -> Loaded {
    let mut diags = Diagnostics::default();
    let mut usable = true;
    let (mut site, ok) = {
        let mut doc = Doc::new(profile_src, dir, root, &mut diags);
        let site = doc.profile();
        (site, doc.parsed)
    };
    usable &= ok;
    if let Some(src) = products_src {
        let mut doc = Doc::new(src, dir, root, &mut diags);
        site.products = doc.products_file();
        usable &= doc.parsed;
    }
    Loaded {
        site: usable.then_some(site),
        diags,
    }
}

/// Reads an agency's `agency.toml`: the site-wide keys every creator inherits.
pub fn load_agency(dir: &Path) -> Result<Settings, Diagnostics> {
    let mut diags = Diagnostics::default();
    let root = Root::open(dir).map_err(|e| Diagnostics(vec![refused(&e)]))?;
    let Some(src) = read_source(&root, &dir.join("agency.toml"), true, &mut diags) else {
        return Err(diags);
    };
    let settings = Doc::new(&src, dir, Some(&root), &mut diags).agency_file();
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(settings)
    }
}

/// Reads a UTF-8 source file through the site's [`Root`] (inside the site, a
/// regular file, capped). Invalid UTF-8 is reported at the line and column
/// of the first bad byte instead of as an opaque I/O error.
pub fn read_source(
    root: &Root,
    path: &Path,
    required: bool,
    diags: &mut Diagnostics,
) -> Option<SourceFile> {
    let bytes = match root.read(path, crate::input::TOML_LIMIT) {
        Ok(b) => b,
        Err(e) if e.is_missing() && !required => return None,
        Err(e) if e.is_missing() => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let help = if name == "agency.toml" {
                format!("an agency needs an agency.toml; `biopage init --agency {}` writes a working one", dir.display())
            } else {
                format!(
                    "a site needs a profile.toml; `biopage init {}` writes a working one",
                    dir.display()
                )
            };
            diags.push(Diagnostic::error(format!("{} not found", path.display())).help(help));
            return None;
        }
        Err(e) => {
            diags.push(refused(&e));
            return None;
        }
    };
    text_source(path, bytes, diags)
}

/// The UTF-8 text of a file that was read, or an error at the line and
/// column of its first invalid byte.
pub fn text_source(path: &Path, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<SourceFile> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(SourceFile::new(path, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let src = SourceFile::new(path, prefix.clone() + "\u{FFFD}");
            diags.push(
                Diagnostic::error("the file is not valid UTF-8")
                    .at(Some(src.loc(prefix.len()..prefix.len() + 1)))
                    .help("save the file as UTF-8 (every modern editor can; in VS Code: \"Save with Encoding\")"),
            );
            None
        }
    }
}

/// The Unix time of a TOML date or date-time. A bare date is midnight UTC,
/// or the following midnight when `end_of_day` (so `ends = 2026-12-31`
/// includes the 31st); a local date-time is taken as UTC. `None` for a time
/// without a date.
pub fn instant_of(dt: &toml::value::Datetime, end_of_day: bool) -> Option<i64> {
    let date = dt.date?;
    let days = days_from_civil(date.year as i64, date.month as i64, date.day as i64);
    let mut secs = days * 86_400;
    match dt.time {
        Some(time) => {
            secs +=
                time.hour as i64 * 3600 + time.minute as i64 * 60 + time.second.unwrap_or(0) as i64;
            if let Some(toml::value::Offset::Custom { minutes }) = dt.offset {
                secs -= minutes as i64 * 60;
            }
        }
        None if end_of_day => secs += 86_400,
        None => {}
    }
    Some(secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm), so schedules need no date-time crate.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 12, 31), 20_818);
    }
}
