//! The codes file of a campaign: `handle,code[,url]`, one row per creator,
//! each creator's exclusive coupon code and, optionally, their exclusive
//! link. "Exclusive" is the point (a sale is credited by its code), so a
//! code given twice is an error, as is a row for no creator.

use crate::diag::{Diagnostic, Diagnostics, Loc, SourceFile};
use crate::model::At;
use std::path::{Path, PathBuf};

/// The longest code accepted; networks' voucher codes are 5 to 20.
const MAX_CODE: usize = 40;

#[derive(Debug, Clone, PartialEq)]
pub struct Codes {
    pub file: PathBuf,
    pub rows: Vec<CodeRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeRow {
    pub handle: At<String>,
    pub code: At<String>,
    /// The creator's exclusive link, when the brand gives one per creator.
    pub url: Option<At<String>>,
}

impl Codes {
    pub fn get(&self, handle: &str) -> Option<&CodeRow> {
        self.rows.iter().find(|r| r.handle.value == handle)
    }
}

/// The columns a codes file may have.
const COLUMNS: &[&str] = &["handle", "code", "url"];

/// Parses a codes file, reporting every problem with its line and column.
pub fn parse(src: &SourceFile, diags: &mut Diagnostics) -> Codes {
    let path = &src.path;
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(&src.text);
    let bom = src.text.len() - text.len();
    let at = |range: std::ops::Range<usize>| Some(src.loc(range.start + bom..range.end + bom));
    let mut out = Codes {
        file: path.to_path_buf(),
        rows: Vec::new(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    // the header
    let header = loop {
        match records.next() {
            None => {
                diags.push(
                    Diagnostic::error("the codes file is empty")
                        .at(Some(Loc::file_only(path)))
                        .help("its first line is the header `handle,code` (or `handle,code,url`), then one line per creator: `linh,LINH15`"),
                );
                return out;
            }
            Some(Err(e)) => {
                diags.push(csv_error(src, bom, &e));
                return out;
            }
            Some(Ok(r)) if r.iter().all(|f| f.trim().is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let start = header.position().map(|p| p.byte() as usize).unwrap_or(0);
    let starts = field_starts(text, start, header.len());
    let mut index = [None; 3];
    for (i, name) in header.iter().enumerate() {
        let key = name.trim().to_ascii_lowercase();
        let span = starts[i]..starts[i] + name.len().max(1);
        match COLUMNS.iter().position(|c| *c == key) {
            Some(c) if index[c].is_none() => index[c] = Some(i),
            Some(_) => diags.push(
                Diagnostic::error(format!("the column `{key}` appears twice"))
                    .at(at(span))
                    .help("keep one `handle`, one `code` and at most one `url` column"),
            ),
            None => {
                let help = match crate::diag::did_you_mean(&key, COLUMNS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "the columns are handle, code and (optional) url".into(),
                };
                diags.push(
                    Diagnostic::error(format!(
                        "unknown column `{}` in the codes file",
                        name.trim()
                    ))
                    .at(at(span))
                    .help(help),
                );
            }
        }
    }
    let (Some(hi), Some(ci)) = (index[0], index[1]) else {
        diags.push(
            Diagnostic::error("the codes file's header needs the columns `handle` and `code`")
                .at(at(start..start + 1))
                .help("write the first line as `handle,code` (or `handle,code,url`)"),
        );
        return out;
    };
    let ui = index[2];
    let mut seen_codes: Vec<(String, usize)> = Vec::new();
    for record in records {
        let rec = match record {
            Ok(r) => r,
            Err(e) => {
                diags.push(csv_error(src, bom, &e));
                continue;
            }
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let start = rec.position().map(|p| p.byte() as usize).unwrap_or(0);
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let starts = field_starts(text, start, rec.len());
        if rec.len() != header.len() {
            // the first field too many, or the last of too few
            let i = if rec.len() > header.len() {
                header.len()
            } else {
                rec.len().saturating_sub(1)
            };
            diags.push(
                Diagnostic::error(format!(
                    "the row has {} field{}, the header {}",
                    rec.len(),
                    if rec.len() == 1 { "" } else { "s" },
                    header.len()
                ))
                .at(at(starts[i]..starts[i] + 1))
                .help("write one value per column (`linh,LINH15`); a value with a comma must be in double quotes"),
            );
            continue;
        }
        let field = |i: usize| {
            let raw = rec.get(i).unwrap_or("");
            At::new(
                raw.trim().to_string(),
                at(starts[i]..starts[i] + raw.len().max(1)),
            )
        };
        let handle = field(hi);
        let code = field(ci);
        let url = ui.map(field).filter(|u| !u.value.is_empty());
        if handle.value.is_empty() {
            diags.push(
                Diagnostic::error("the row has no handle")
                    .at(handle.loc.clone())
                    .help("write the creator's handle (their folder under creators/) first"),
            );
            continue;
        }
        if let Some(first) = out.rows.iter().find(|r| r.handle.value == handle.value) {
            let l = first.handle.loc.as_ref().map(|l| l.line).unwrap_or(0);
            diags.push(
                Diagnostic::error(format!(
                    "\"{}\" has a second row (the first is on line {l})",
                    handle.value
                ))
                .at(handle.loc.clone())
                .help("a creator has one exclusive code: keep one of the rows"),
            );
            continue;
        }
        if let Some(why) = code_problem(&code.value) {
            diags.push(
                Diagnostic::error(format!("the code \"{}\" {why}", code.value))
                    .at(code.loc.clone())
                    .help("a code is what a buyer types at checkout: letters, digits, '-' and '_', like LINH15"),
            );
            continue;
        }
        let key = code.value.to_uppercase();
        if let Some((_, first_line)) = seen_codes.iter().find(|(k, _)| *k == key) {
            diags.push(
                Diagnostic::error(format!(
                    "the code \"{}\" is also given on line {first_line}: codes are exclusive, one creator each",
                    code.value
                ))
                .at(code.loc.clone())
                .help("give each creator their own code, so each sale is credited to the creator who made it (shops compare codes without case)"),
            );
            continue;
        }
        seen_codes.push((key, line as usize));
        if let Some(u) = &url {
            let problem = match crate::tracking::classify(&u.value) {
                Ok(crate::tracking::Dest::Web(_)) => None,
                Ok(_) => Some((
                    "it is not a web address".to_string(),
                    "write the creator's exclusive link as a full https:// address".to_string(),
                )),
                Err(p) => Some((p.message, p.help)),
            };
            if let Some((why, help)) = problem {
                diags.push(
                    Diagnostic::error(format!("the url \"{}\" cannot be used: {why}", u.value))
                        .at(u.loc.clone())
                        .help(help),
                );
                continue;
            }
        }
        out.rows.push(CodeRow { handle, code, url });
    }
    out
}

/// Why `code` cannot be a code, if it cannot.
fn code_problem(code: &str) -> Option<String> {
    if code.is_empty() {
        return Some("is empty".into());
    }
    if code.len() > MAX_CODE {
        return Some(format!("is longer than {MAX_CODE} characters"));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    {
        return Some("may only use ASCII letters, digits, '-' and '_'".into());
    }
    None
}

/// The byte offsets in `text` at which the first `n` fields of the record
/// starting at `start` begin (the csv crate gives a record's start only).
fn field_starts(text: &str, start: usize, n: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = vec![start.min(text.len())];
    let mut i = start;
    let mut quoted = false;
    while i < bytes.len() && out.len() < n.max(1) {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b',' if !quoted => out.push(i + 1),
            b'\n' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    while out.len() < n.max(1) {
        out.push(*out.last().unwrap_or(&start));
    }
    out
}

fn csv_error(src: &SourceFile, bom: usize, e: &csv::Error) -> Diagnostic {
    let pos = e.position().map(|p| p.byte() as usize + bom).unwrap_or(0);
    Diagnostic::error(format!("cannot read the codes file: {e}"))
        .at(Some(src.loc(pos..pos + 1)))
        .help("save it as CSV (UTF-8) with the header `handle,code` and one creator per line")
}

/// The codes file a campaign names, read through the agency's root.
pub fn read(
    root: &crate::input::Root,
    path: &Path,
    key: &At<String>,
    diags: &mut Diagnostics,
) -> Option<Codes> {
    let bytes = match root.read(path, crate::input::TEXT_LIMIT) {
        Ok(b) => b,
        Err(e) if e.is_missing() => {
            diags.push(
                Diagnostic::error(format!("the codes file {} does not exist", path.display()))
                    .at(key.loc.clone())
                    .help("`codes` is a CSV file beside the campaign (in campaigns/), with the header `handle,code`"),
            );
            return None;
        }
        Err(e) => {
            diags.push(crate::load::refused(&e).at(key.loc.clone()));
            return None;
        }
    };
    let src = crate::load::text_source(path, bytes, diags)?;
    Some(parse(&src, diags))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> (Codes, Diagnostics) {
        let src = SourceFile::new(Path::new("c.csv"), text.to_string());
        let mut d = Diagnostics::default();
        (parse(&src, &mut d), d)
    }

    #[test]
    fn rows_with_and_without_urls() {
        let (c, d) = codes("handle,code,url\nlinh,LINH15,https://s.example/l\nmei,MEI15,\n");
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.get("linh").unwrap().code.value, "LINH15");
        assert!(c.get("mei").unwrap().url.is_none());
    }

    #[test]
    fn duplicate_codes_are_located_at_the_second_one() {
        let (_, d) = codes("handle,code\nlinh,SUN15\nmei,sun15\n");
        let e = d
            .iter()
            .find(|e| e.message.contains("also given on line 2"))
            .expect("an error");
        let loc = e.loc.as_ref().unwrap();
        assert_eq!((loc.line, loc.col), (3, 5));
    }

    #[test]
    fn ragged_rows_bad_codes_and_bad_urls() {
        let (c, d) = codes("\u{feff}handle,code,url\nlinh,A B,\nmei,MEI,javascript:alert(1)\nan,AN,x,y\n\"tu\",TU,\n");
        assert_eq!(c.rows.len(), 1, "{d:?}");
        let lines: Vec<(usize, usize)> = d
            .iter()
            .filter_map(|e| e.loc.as_ref().map(|l| (l.line, l.col)))
            .collect();
        assert_eq!(lines, vec![(2, 6), (3, 9), (4, 9)], "{d:?}");
    }

    proptest::proptest! {
        /// Whatever the file holds: no panic, and every problem is located.
        #[test]
        fn any_text_is_parsed_or_located(text in "(handle,code(,url)?\n)?[a-zA-Z0-9,\"\n\r ;:/._-]{0,80}") {
            let (c, d) = codes(&text);
            for e in d.iter() {
                proptest::prop_assert!(e.loc.is_some(), "{:?}", e);
            }
            for r in &c.rows {
                proptest::prop_assert!(!r.handle.value.is_empty() && !r.code.value.is_empty());
            }
        }
    }

    #[test]
    fn header_problems() {
        let (_, d) = codes("handle,cod\nlinh,X\n");
        assert!(d.iter().any(|e| e.message.contains("unknown column `cod`")));
        assert!(d.iter().any(|e| e.message.contains("needs the columns")));
        let (_, d) = codes("");
        assert!(d.iter().any(|e| e.message.contains("empty")));
    }
}
