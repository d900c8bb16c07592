//! The walker over one parsed TOML document: typed getters that record a
//! located problem for every value of the wrong type or shape, so that one
//! run reports them all.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Loc, SourceFile};
use crate::input::Root;
use crate::model::*;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// A walker over one parsed TOML document that records problems as it goes.
pub(crate) struct Doc<'a> {
    pub(super) src: &'a SourceFile,
    pub(super) dir: &'a Path,
    /// Where files the document names (images) may be read from; `None`
    /// when the directory does not exist (fuzzing): no file can be read.
    pub(super) root: Option<&'a Root>,
    pub(crate) diags: &'a mut Diagnostics,
    /// False once the document had a syntax error.
    pub(crate) parsed: bool,
}

pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub(crate) fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

impl<'a> Doc<'a> {
    pub(crate) fn new(
        src: &'a SourceFile,
        dir: &'a Path,
        root: Option<&'a Root>,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Doc {
            src,
            dir,
            root,
            diags,
            parsed: true,
        }
    }

    pub(crate) fn loc(&self, span: std::ops::Range<usize>) -> Option<Loc> {
        Some(self.src.loc(span))
    }

    pub(crate) fn err(
        &mut self,
        span: std::ops::Range<usize>,
        message: String,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::error(message).at(self.loc(span)).help(help);
        self.diags.push(d);
    }

    /// Parses the document, reporting every syntax error.
    pub(crate) fn parse(&mut self) -> Option<Spanned<DeTable<'a>>> {
        let (table, errors) = DeTable::parse_recoverable(&self.src.text);
        if errors.is_empty() {
            return Some(table);
        }
        self.parsed = false;
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            self.err(
                span,
                format!("invalid TOML: {msg}"),
                "check the syntax near this spot: strings need double quotes, \
                 keys are `key = value`, and tables are `[name]` or `[[name]]`",
            );
        }
        None
    }

    pub(crate) fn unknown_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], what: &str) {
        for (k, _) in table.iter() {
            let key = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let help = match did_you_mean(key, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the keys allowed in {what} are: {}", allowed.join(", ")),
            };
            self.err(k.span(), format!("unknown key `{key}` in {what}"), help);
        }
    }

    pub(crate) fn wrong_type(&mut self, key: &str, v: &Value<'_>, expected: &str, example: &str) {
        self.err(
            v.span(),
            format!(
                "`{key}` must be {expected}, but it is {}",
                type_name(v.get_ref())
            ),
            format!("write it like this: {example}"),
        );
    }

    pub(crate) fn string(&mut self, t: &DeTable<'_>, key: &str) -> Option<At<String>> {
        let v = get(t, key)?;
        match v.get_ref() {
            DeValue::String(s) if s.len() > MAX_STRING => {
                self.err(
                    v.span(),
                    format!(
                        "`{key}` is {} KB long; the most biopage accepts in one value is {} KB",
                        s.len() / 1024,
                        MAX_STRING / 1024
                    ),
                    "shorten it: a page is read on a phone",
                );
                None
            }
            DeValue::String(s) => {
                if let Some(c) = s.chars().find(|c| is_forbidden_control(*c)) {
                    self.err(
                        v.span(),
                        format!("`{key}` contains the control character U+{:04X}", c as u32),
                        "remove it: control characters are invisible, break HTML validity and are often pasted by accident",
                    );
                    return None;
                }
                Some(At::new(s.to_string(), self.loc(v.span())))
            }
            _ => {
                self.wrong_type(key, v, "a string", &format!("{key} = \"…\""));
                None
            }
        }
    }

    pub(crate) fn required_string(
        &mut self,
        t: &DeTable<'_>,
        span: std::ops::Range<usize>,
        key: &str,
        what: &str,
    ) -> Option<At<String>> {
        if get(t, key).is_none() {
            let header = self.src.text[span.start.min(self.src.text.len())..]
                .lines()
                .next()
                .unwrap_or("")
                .trim();
            let span = if header.starts_with('[') {
                span.start..span.start + header.len()
            } else {
                span.start..span.start
            };
            self.err(
                span,
                format!("missing required key `{key}` in {what}"),
                format!("add `{key} = \"…\"` to {what}"),
            );
            return None;
        }
        let s = self.string(t, key)?;
        if s.value.trim().is_empty() {
            self.err(
                get(t, key).map(|v| v.span()).unwrap_or(0..0),
                format!("`{key}` must not be empty"),
                format!("write a value for `{key}`"),
            );
            return None;
        }
        Some(s)
    }

    pub(crate) fn boolean(&mut self, t: &DeTable<'_>, key: &str) -> Option<bool> {
        let v = get(t, key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, v, "true or false", &format!("{key} = true"));
                None
            }
        }
    }

    pub(crate) fn number(&mut self, t: &DeTable<'_>, key: &str) -> Option<At<f64>> {
        let v = get(t, key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::String(text) => {
                // "¥1390", "289.000đ", "$19.90": say what to write instead
                let digits: String = text
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                    .collect();
                let sign: String = text
                    .chars()
                    .filter(|c| !c.is_ascii_digit() && !matches!(c, '.' | ',' | ' '))
                    .collect();
                let example = match (digits.is_empty(), sign.is_empty()) {
                    (false, false) => {
                        let currency = crate::i18n::alias(&sign)
                            .map(|c| format!(" and currency = \"{c}\""))
                            .or_else(|| {
                                crate::i18n::AMBIGUOUS
                                    .iter()
                                    .find(|(s, _)| *s == sign)
                                    .map(|(_, which)| format!(" and currency = \"…\" ({which})"))
                            })
                            .unwrap_or_else(|| " and the currency's ISO code in `currency`".into());
                        format!(
                            "{key} = {digits} (a number: no quotes, no currency sign){currency}"
                        )
                    }
                    _ => format!("{key} = 289000 (no quotes, no currency sign)"),
                };
                self.wrong_type(key, v, "a number", &example);
                return None;
            }
            _ => {
                self.wrong_type(
                    key,
                    v,
                    "a number",
                    &format!("{key} = 289000 (no quotes, no currency sign)"),
                );
                return None;
            }
        };
        match n {
            Some(n) if n.is_finite() && n >= 0.0 => Some(At::new(n, self.loc(v.span()))),
            _ => {
                self.err(
                    v.span(),
                    format!("`{key}` must be a positive number"),
                    "write the amount in the currency's major unit, e.g. 289000 or 19.90",
                );
                None
            }
        }
    }

    /// Whether `key` holds a number [`Doc::number`] accepts (without
    /// reporting anything).
    pub(crate) fn number_ok(&self, t: &DeTable<'_>, key: &str) -> bool {
        match get(t, key).map(|v| v.get_ref()) {
            Some(DeValue::Integer(i)) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).is_ok_and(|n| n >= 0)
            }
            Some(DeValue::Float(f)) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .is_ok_and(|n| n.is_finite() && n >= 0.0),
            _ => false,
        }
    }

    pub(crate) fn datetime(
        &mut self,
        t: &DeTable<'_>,
        key: &str,
        end_of_day: bool,
    ) -> Option<At<Instant>> {
        let v = get(t, key)?;
        let example = format!("{key} = 2026-12-31 or {key} = 2026-12-01T00:00:00+07:00");
        let DeValue::Datetime(dt) = v.get_ref() else {
            self.wrong_type(key, v, "a date or date-time (without quotes)", &example);
            return None;
        };
        let Some(secs) = super::instant_of(dt, end_of_day) else {
            self.err(
                v.span(),
                format!("`{key}` has a time but no date"),
                format!("write {example}"),
            );
            return None;
        };
        Some(At::new(Instant(secs), self.loc(v.span())))
    }

    pub(crate) fn string_array(&mut self, t: &DeTable<'_>, key: &str) -> Option<Vec<At<String>>> {
        let v = get(t, key)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                key,
                v,
                "an array of strings",
                &format!("{key} = [\"a\", \"b\"]"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(At::new(s.to_string(), self.loc(item.span()))),
                _ => self.wrong_type(
                    key,
                    item,
                    "an array of strings",
                    &format!("{key} = [\"a\", \"b\"]"),
                ),
            }
        }
        Some(out)
    }

    pub(crate) fn table<'t, 'i>(&mut self, t: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
        let v = get(t, key)?;
        if matches!(v.get_ref(), DeValue::Table(_)) {
            Some(v)
        } else {
            self.wrong_type(
                key,
                v,
                "a table",
                &format!("[{key}] on its own line, followed by its keys"),
            );
            None
        }
    }

    /// An array of tables (`[[key]]`), each with its span.
    pub(crate) fn tables<'t, 'i>(&mut self, t: &'t DeTable<'i>, key: &str) -> Vec<&'t Value<'i>> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                key,
                v,
                "an array of tables",
                &format!("[[{key}]] before each entry"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if matches!(item.get_ref(), DeValue::Table(_)) {
                out.push(item);
            } else {
                self.wrong_type(
                    key,
                    item,
                    "an array of tables",
                    &format!("[[{key}]] before each entry"),
                );
            }
        }
        out
    }
}

/// The longest string value accepted (bytes): a bio is a few hundred.
pub(super) const MAX_STRING: usize = 100 * 1024;

/// C0 and C1 control characters and DEL, except tab and line breaks, which
/// Markdown and TOML's multi-line strings use.
pub(super) fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub(crate) fn as_table<'t, 'i>(v: &'t Value<'i>) -> &'t DeTable<'i> {
    match v.get_ref() {
        DeValue::Table(t) => t,
        _ => unreachable_table(),
    }
}

/// Callers only pass values they checked are tables; an empty table keeps
/// this total instead of panicking should that ever change.
pub(super) fn unreachable_table<'t, 'i>() -> &'t DeTable<'i> {
    static EMPTY: std::sync::OnceLock<DeTable<'static>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(DeTable::new)
}
