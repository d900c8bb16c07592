//! Diagnostics: every problem a user can cause is a [`Diagnostic`] that knows
//! where it is (file, line, column) and how to fix it.
//!
//! The pipeline collects diagnostics instead of stopping at the first one, so
//! that a user fixes every mistake in one edit-build cycle, and the renderer
//! prints them in the style of rustc so that editors and terminals can jump
//! to `file:line:col`.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a finding is: errors fail the build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file, resolved to 1-based line and column (columns
/// count characters, not bytes, so that Vietnamese and Chinese text lines up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub file: Arc<Path>,
    pub line: usize,
    pub col: usize,
    /// The text of the line, for the snippet under the message.
    pub line_text: String,
    /// How many characters to underline.
    pub len: usize,
}

impl Loc {
    /// A location that names only a file (for errors that have no span, such
    /// as a file that cannot be read).
    pub fn file_only(file: &Path) -> Self {
        Loc {
            file: Arc::from(file),
            line: 0,
            col: 0,
            line_text: String::new(),
            len: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code for warnings (for `--deny-warnings` and CI filters).
    pub code: &'static str,
    pub message: String,
    /// Boxed: most diagnostics travel in `Result`s, which stay small this way.
    pub loc: Option<Box<Loc>>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: "error",
            message: message.into(),
            loc: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            loc: None,
            help: None,
        }
    }

    pub fn at(mut self, loc: Option<Loc>) -> Self {
        self.loc = loc.map(Box::new);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// rustc-like: a header, an arrow to `file:line:col`, the line with the
    /// spot underlined, and a help line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Everything shown may hold what a user (or a hostile file) wrote:
        // escape terminal controls (see `terminal_safe`).
        let message = terminal_safe(&self.message);
        if self.severity == Severity::Warning {
            writeln!(f, "{kind}[{}]: {message}", self.code)?;
        } else {
            writeln!(f, "{kind}: {message}")?;
        }
        if let Some(loc) = &self.loc {
            let file = loc.file.display().to_string();
            let file = terminal_safe(&file);
            if loc.line == 0 {
                writeln!(f, "  --> {file}")?;
            } else {
                let gutter = loc.line.to_string().len();
                let pad = " ".repeat(gutter);
                writeln!(f, "{pad}--> {file}:{}:{}", loc.line, loc.col)?;
                writeln!(f, "{pad} |")?;
                let shown: String = loc.line_text.chars().take(160).collect();
                writeln!(f, "{} | {}", loc.line, terminal_safe(&shown))?;
                writeln!(f, "{pad} | {}", caret_line(loc))?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {}", terminal_safe(help))?;
        }
        Ok(())
    }
}

/// The `^^^` line under a snippet. Columns count characters, but a
/// terminal gives Chinese characters and most emoji two cells: the carets
/// are placed by display width (as rustc does), over the text as shown
/// (with its escapes), and tabs are kept so they expand alike.
fn caret_line(loc: &Loc) -> String {
    use unicode_width::UnicodeWidthStr as _;
    let before: String = loc
        .line_text
        .chars()
        .take(loc.col.saturating_sub(1))
        .collect();
    let span: String = loc
        .line_text
        .chars()
        .skip(loc.col.saturating_sub(1))
        .take(loc.len.max(1))
        .collect();
    let mut marker = String::new();
    for piece in terminal_safe(&before).split_inclusive('\t') {
        let (text, tab) = match piece.strip_suffix('\t') {
            Some(t) => (t, true),
            None => (piece, false),
        };
        marker.push_str(&" ".repeat(text.width()));
        if tab {
            marker.push('\t');
        }
    }
    let width = terminal_safe(&span).width().clamp(1, 160);
    let _ = write!(marker, "{}", "^".repeat(width));
    marker
}

/// A list of diagnostics gathered over one stage or one whole build.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Errors first, then by file and position, so output is stable.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.loc
                    .as_ref()
                    .map(|l| (l.file.to_path_buf(), l.line, l.col))
                    .unwrap_or_default()
            };
            b.severity
                .cmp(&a.severity)
                .then_with(|| key(a).cmp(&key(b)))
        });
        self
    }
}

/// The failure of a whole command: either a list of located problems in the
/// user's input (exit status 1) or an environment problem (exit status 2).
#[derive(Debug)]
pub enum Failure {
    Input(Diagnostics),
    Environment(anyhow::Error),
    /// The problems were already printed (e.g. `--keep-going`); exit status 1.
    Reported,
    /// The command was asked for something it cannot do here (an agency
    /// without `--only` for `serve`, a handle that is not a creator's):
    /// shown like any diagnostic, with its help; exit status 2.
    Usage(Box<Diagnostic>),
}

impl Failure {
    /// A usage error: `message`, and what to do instead.
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Failure {
        Failure::Usage(Box::new(Diagnostic::error(message).help(help)))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Environment(e)
    }
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Input(d)
    }
}

/// Maps byte offsets of one source text to [`Loc`]s.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: Arc<Path>,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: Arc::from(path.into()),
            text,
            line_starts,
        }
    }

    /// The location of a byte span. Out-of-range offsets clamp to the end of
    /// the text rather than panic, since spans come from a parser we do not own.
    pub fn loc(&self, span: std::ops::Range<usize>) -> Loc {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let line_idx = match self.line_starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_idx];
        let line_end = self
            .line_starts
            .get(line_idx + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let col = self.text[line_start..start].chars().count() + 1;
        let span_text = &self.text[start..end.min(line_end.max(start))];
        Loc {
            file: self.path.clone(),
            line: line_idx + 1,
            col,
            line_text: line_text.to_string(),
            len: span_text.chars().count().max(1),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `text` as it may be printed on a terminal: control characters (ESC
/// starts sequences that can rewrite the screen or, with OSC 52, the
/// clipboard; CR hides what came before on the line) and bidirectional
/// overrides are shown as `\u{..}` escapes. Line breaks and tabs stay.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo; used for every "did you mean" hint (TOML keys, handles,
/// themes, currencies, platforms …). Close enough: a Jaro-Winkler
/// similarity over 0.8 (good at long words with a shared start), or at most
/// one edit per three characters counting a swap of neighbours as one
/// (short words: "mie" for "mei", which Jaro-Winkler misses). The fewest
/// edits win, then the most similar.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_lowercase();
    let allowed = (w.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let edits = strsim::osa_distance(&w, &lc);
            let similar = strsim::jaro_winkler(&w, &lc);
            let prefix = w
                .chars()
                .zip(lc.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (similar > 0.8 || edits <= allowed).then_some((edits, prefix, similar, c))
        })
        // fewest edits, then the longest shared start ("vn" is "vi", not
        // "en"), then the most similar
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.total_cmp(&a.2)))
        .map(|(_, _, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loc_counts_characters_not_bytes() {
        let src = SourceFile::new("p.toml", "a = 1\nname = \"Nguyễn\" x\n");
        let off = src.text.find('x').unwrap();
        let loc = src.loc(off..off + 1);
        assert_eq!((loc.line, loc.col), (2, 17));
        assert_eq!(loc.line_text, "name = \"Nguyễn\" x");
    }

    #[test]
    fn loc_clamps_out_of_range_spans() {
        let src = SourceFile::new("p.toml", "ab");
        let loc = src.loc(10..20);
        assert_eq!(loc.line, 1);
        assert_eq!(loc.col, 3);
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["handle", "name", "bio", "avatar"];
        assert_eq!(did_you_mean("handel", keys), Some("handle"));
        assert_eq!(did_you_mean("avtar", keys), Some("avatar"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
        // short words: a swap of neighbours is one edit
        assert_eq!(did_you_mean("mie", ["linh", "mei"]), Some("mei"));
        assert_eq!(did_you_mean("meii", ["linh", "mei"]), Some("mei"));
        assert_eq!(
            did_you_mean("xiaohonshu", ["xiaohongshu", "x"]),
            Some("xiaohongshu")
        );
        assert_eq!(did_you_mean("id", ["bio", "url"]), None);
        assert_eq!(did_you_mean("vn", ["en", "vi", "zh-Hans"]), Some("vi"));
    }

    #[test]
    fn display_shows_location_snippet_and_help() {
        let src = SourceFile::new("site/profile.toml", "handel = \"x\"\n");
        let d = Diagnostic::error("unknown key `handel`")
            .at(Some(src.loc(0..6)))
            .help("did you mean `handle`?");
        let text = d.to_string();
        assert!(text.contains("--> site/profile.toml:1:1"), "{text}");
        assert!(text.contains("^^^^^^"), "{text}");
        assert!(text.contains("= help: did you mean `handle`?"), "{text}");
    }

    #[test]
    fn carets_sit_under_wide_characters() {
        let src = SourceFile::new("p.toml", "name = \"小美\" x\n");
        let off = src.text.find('x').unwrap();
        let text = Diagnostic::error("e")
            .at(Some(src.loc(off..off + 1)))
            .to_string();
        let lines: Vec<&str> = text.lines().collect();
        let snippet = lines.iter().find(|l| l.contains("小美")).unwrap();
        let carets = lines.iter().find(|l| l.contains('^')).unwrap();
        // "1 | " then the line: 'x' is at display column 14 of the line
        use unicode_width::UnicodeWidthStr as _;
        let x_at = snippet[..snippet.find('x').unwrap()].width();
        assert_eq!(carets.find('^').unwrap(), x_at, "{text}");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        let src = SourceFile::new("p.toml", "\"\u{1b}]52;c;aGk=\u{7}\" = 1\n");
        let d = Diagnostic::error("unknown key `\u{1b}]52;c;aGk=\u{7}`")
            .at(Some(src.loc(0..3)))
            .help("x\ry");
        let text = d.to_string();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\r'),
            "{text:?}"
        );
        assert!(text.contains("\\u{1b}]52"), "{text}");
    }
}
