//! The exports `biopage report` reads, recognised by their header (or, for
//! JSON, their shape), each read as a stream of rows.
//!
//! A reader turns each row into a [`Row`] for the sink, and each malformed
//! row (a bad number, a bad date, a wrong number of fields) into a
//! [`Problem`] located at its line and field; all of a file's problems are
//! collected, never just the first. Customer data (names, addresses, IPs,
//! user agents) is never read into a `Row`, so no output can contain it.

pub mod accesstrade;
pub mod amazon;
pub mod analytics;
pub mod generic;
pub mod shopee;

use crate::diag::{Diagnostic, Loc, SourceFile};
use crate::report::attribute::{Echo, Reason};
use crate::report::config::FormatInput;
use crate::report::date::Day;
use crate::report::money::{Amount, Cur};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A commission's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Pending,
    Approved,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }
}

/// One conversion row (one item of an order, for most networks).
#[derive(Debug, Clone)]
pub struct Conversion<'a> {
    pub order_id: &'a str,
    /// Each row is an order of its own (Amazon's report has no order ids).
    pub own_order: bool,
    pub day: Day,
    pub status: Status,
    pub currency: Cur,
    /// The order (item) value the network reports: GMV.
    pub revenue: Amount,
    pub commission: Amount,
    pub refund: Amount,
    pub items: u64,
    pub echo: Echo<'a>,
}

/// Traffic from an analytics export: `count` clicks or page views.
#[derive(Debug, Clone)]
pub struct Traffic<'a> {
    pub day: Day,
    pub count: u64,
    pub echo: Echo<'a>,
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Conversion,
    Click,
    PageView,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Conversion => "conversion",
            RowKind::Click => "click",
            RowKind::PageView => "pageview",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Row<'a> {
    Conversion(Conversion<'a>),
    Click(Traffic<'a>),
    PageView(Traffic<'a>),
    /// A row that cannot be attributed whatever the index holds (a bot, an
    /// old click event, an amount that is missing): straight to
    /// `unattributed.csv`.
    Unattributed {
        kind: RowKind,
        day: Option<Day>,
        ids: String,
        count: u64,
        reason: Reason,
    },
    /// Not a row of data (a totals line, a custom event counted from
    /// another file): counted in the summary.
    Skipped(&'static str),
}

/// A malformed row or field.
#[derive(Debug, Clone)]
pub struct Problem {
    pub line: u64,
    /// The field (0-based) the problem is in, when there is one.
    pub field: Option<usize>,
    /// A byte offset in the file's text (JSON), when known.
    pub offset: Option<usize>,
    pub message: String,
    pub help: String,
}

/// Receives rows as they are read.
pub trait Sink {
    fn row(&mut self, line: u64, row: Row<'_>);
}

/// The formats recognised, for messages.
pub const KNOWN: &[(&str, &str)] = &[
    ("Shopee Affiliate conversion report (CSV, English)", "Order id, Order Status, Order Time, Affiliate Net Commission(₫), Sub_id1 …"),
    ("Shopee Affiliate conversion report (CSV, Vietnamese)", "ID đơn hàng, Trạng thái đặt hàng, Thời Gian Đặt Hàng, Hoa hồng ròng tiếp thị liên kết(₫), Sub_id1 …"),
    ("AccessTrade transactions (CSV)", "transaction_id, status, transaction_time, transaction_value, commission, utm_source …"),
    ("AccessTrade transactions (API JSON)", "{\"data\": [{\"transaction_id\": …}]}"),
    ("Amazon Associates Fee-Earnings report (CSV)", "a title line, then Name, ASIN, Tracking ID, Date Shipped, Price($), Items Shipped, Returns, Revenue($), Ad Fees($)"),
    ("Plausible Stats API v2 (JSON)", "{\"results\": …, \"query\": {\"dimensions\": [\"time:day\", \"event:props:handle\" …]}}"),
    ("Umami data export: event_data.csv", "website_event_id, data_key, string_value, created_at"),
    ("Umami data export: website_event.csv", "url_path, event_type, created_at"),
    ("GoatCounter CSV export", "2Path, Title, Event, …, Bot, …, Date"),
    ("Google Analytics 4 (GA4) Data API runReport (JSON)", "{\"dimensionHeaders\": …, \"metricHeaders\": …, \"rows\": …}"),
];

/// A recognised export.
#[derive(Debug, Clone)]
pub enum Detected {
    Shopee(shopee::Columns),
    AccessTradeCsv(accesstrade::Columns),
    AccessTradeJson,
    Amazon(amazon::Columns),
    Generic(generic::Columns),
    PlausibleJson,
    UmamiEventData(analytics::UmamiData),
    UmamiEvents(analytics::UmamiEvents),
    GoatCounter(analytics::GoatCounter),
    Ga4Json,
}

impl Detected {
    pub fn name(&self) -> String {
        match self {
            Detected::Shopee(c) if c.vietnamese => "Shopee Affiliate (Vietnamese)".into(),
            Detected::Shopee(_) => "Shopee Affiliate".into(),
            Detected::AccessTradeCsv(_) => "AccessTrade (CSV)".into(),
            Detected::AccessTradeJson => "AccessTrade (JSON)".into(),
            Detected::Amazon(_) => "Amazon Associates Fee-Earnings".into(),
            Detected::Generic(c) => format!("[report.formats.{}]", c.name),
            Detected::PlausibleJson => "Plausible Stats API v2".into(),
            Detected::UmamiEventData(_) => "Umami event_data.csv".into(),
            Detected::UmamiEvents(_) => "Umami website_event.csv".into(),
            Detected::GoatCounter(_) => "GoatCounter CSV".into(),
            Detected::Ga4Json => "GA4 runReport".into(),
        }
    }

    /// Whether the export holds conversions (else analytics).
    pub fn is_conversions(&self) -> bool {
        matches!(
            self,
            Detected::Shopee(_)
                | Detected::AccessTradeCsv(_)
                | Detected::AccessTradeJson
                | Detected::Amazon(_)
                | Detected::Generic(_)
        )
    }
}

/// A header as written, and the same names normalised for matching:
/// trimmed, lowercased, runs of spaces as one, no space before `(`.
#[derive(Debug, Clone)]
pub struct Header {
    pub names: Vec<String>,
    norm: Vec<String>,
}

pub fn norm(name: &str) -> String {
    let lower = name.trim().trim_start_matches('\u{feff}').to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for w in lower.split_whitespace() {
        if !out.is_empty() && !w.starts_with('(') {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

impl Header {
    pub fn new(names: Vec<String>) -> Header {
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let norm = names.iter().map(|n| norm(n)).collect();
        Header { names, norm }
    }

    /// The column named any of `names` (compared normalised).
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| {
            let n = norm(n);
            self.norm.iter().position(|h| *h == n)
        })
    }

    /// The column whose name is `base` followed by a currency sign in
    /// parentheses (`Purchase Value(₫)`), and the sign.
    pub fn find_money(&self, bases: &[&str]) -> Option<(usize, String)> {
        for b in bases {
            let b = norm(b);
            for (i, h) in self.norm.iter().enumerate() {
                if *h == b {
                    return Some((i, String::new()));
                }
                if let Some(rest) = h.strip_prefix(&b) {
                    if let Some(sign) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                        // the sign as written (norm lowercased it)
                        let orig = &self.names[i];
                        let sign_orig = orig
                            .rfind('(')
                            .map(|p| orig[p + 1..].trim_end_matches(')').to_string())
                            .unwrap_or_else(|| sign.to_string());
                        return Some((i, sign_orig));
                    }
                }
            }
        }
        None
    }

    pub fn contains(&self, name: &str) -> bool {
        self.find(&[name]).is_some()
    }
}

/// The first bytes of a file: to tell JSON from CSV and read the header.
struct Peek {
    json: bool,
    /// The first two lines (CSV).
    lines: Vec<String>,
    utf16: bool,
}

fn peek(path: &Path) -> std::io::Result<Peek> {
    let f = std::fs::File::open(path)?;
    let mut r = BufReader::new(f);
    let mut head = Vec::new();
    r.by_ref().take(4).read_to_end(&mut head)?;
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let f = std::fs::File::open(path)?;
    let mut r = BufReader::new(f);
    let mut lines = Vec::new();
    let mut json = false;
    for i in 0..2 {
        let mut buf = Vec::new();
        if r.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let line = String::from_utf8_lossy(&buf)
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if i == 0 {
            json = line.trim_start().starts_with(['{', '[']);
        }
        lines.push(line);
    }
    Ok(Peek { json, lines, utf16 })
}

/// Splits one CSV line into fields (quotes respected), for detection and
/// for locating a problem's column.
pub fn split_line(line: &str, delim: char) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut start = 0usize;
    let mut quoted = false;
    let mut chars = line.char_indices().peekable();
    let mut col = 0usize;
    while let Some((_, c)) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek().map(|(_, n)| *n) == Some('"') {
                    chars.next();
                    col += 1;
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == delim {
            out.push((start, std::mem::take(&mut field)));
            start = col + 1;
        } else {
            field.push(c);
        }
        col += 1;
    }
    out.push((start, field));
    out
}

/// Recognises an export, or says why not: its header, and the formats
/// biopage knows.
pub fn detect(path: &Path, formats: &[FormatInput]) -> Result<Detected, Diagnostic> {
    let p = peek(path).map_err(|e| {
        Diagnostic::error(format!("cannot read {}: {e}", path.display()))
            .at(Some(Loc::file_only(path)))
    })?;
    if p.utf16 {
        return Err(
            Diagnostic::error(format!("{} is UTF-16 text", path.display()))
                .at(Some(Loc::file_only(path)))
                .help("save it as CSV UTF-8 (Excel: File → Save As → \"CSV UTF-8\")"),
        );
    }
    if p.json {
        return detect_json(path);
    }
    let Some(first) = p.lines.first() else {
        return Err(Diagnostic::error(format!("{} is empty", path.display()))
            .at(Some(Loc::file_only(path)))
            .help("export the report again; an export has at least a header line"));
    };
    let delim = if first.contains('\t') && !first.contains(',') {
        '\t'
    } else {
        ','
    };
    let header = Header::new(
        split_line(first, delim)
            .into_iter()
            .map(|(_, f)| f)
            .collect(),
    );
    if let Some(d) = detect_csv(&header, formats, 0, delim)? {
        return Ok(d);
    }
    // Amazon writes a title line before the header
    if let Some(second) = p.lines.get(1) {
        let delim = if second.contains('\t') && !second.contains(',') {
            '\t'
        } else {
            ','
        };
        let h2 = Header::new(
            split_line(second, delim)
                .into_iter()
                .map(|(_, f)| f)
                .collect(),
        );
        if let Some(c) = amazon::Columns::detect(&h2, 1, delim) {
            return Ok(Detected::Amazon(c?));
        }
    }
    let shown: String = first.chars().take(300).collect();
    let mut help = String::from("biopage reads these exports (recognised by their header):");
    for (name, cols) in KNOWN {
        help.push_str(&format!("\n          - {name}: {cols}"));
    }
    if formats.is_empty() {
        help.push_str("\n          or describe another network's CSV under [report.formats.NAME] (see docs/report.md)");
    } else {
        for f in formats {
            help.push_str(&format!(
                "\n          - [report.formats.{}]: {}",
                f.name.value,
                generic::Columns::wanted(f).join(", ")
            ));
        }
    }
    Err(Diagnostic::error(format!(
        "{}: the header matches no format biopage knows",
        path.display()
    ))
    .at(Some(
        SourceFile::new(path, shown.clone()).loc(0..shown.len().min(300)),
    ))
    .help(help))
}

fn detect_csv(
    h: &Header,
    formats: &[FormatInput],
    skip: usize,
    delim: char,
) -> Result<Option<Detected>, Diagnostic> {
    if let Some(c) = shopee::Columns::detect(h) {
        return c.map(|c| Some(Detected::Shopee(c)));
    }
    if let Some(c) = accesstrade::Columns::detect(h) {
        return Ok(Some(Detected::AccessTradeCsv(c)));
    }
    if let Some(c) = amazon::Columns::detect(h, skip, delim) {
        return c.map(|c| Some(Detected::Amazon(c)));
    }
    if let Some(c) = analytics::GoatCounter::detect(h) {
        return Ok(Some(Detected::GoatCounter(c)));
    }
    if let Some(c) = analytics::UmamiData::detect(h) {
        return Ok(Some(Detected::UmamiEventData(c)));
    }
    if let Some(c) = analytics::UmamiEvents::detect(h) {
        return Ok(Some(Detected::UmamiEvents(c)));
    }
    for (i, f) in formats.iter().enumerate() {
        if let Some(c) = generic::Columns::detect(h, f, i) {
            return Ok(Some(Detected::Generic(c)));
        }
    }
    Ok(None)
}

fn detect_json(path: &Path) -> Result<Detected, Diagnostic> {
    // the shape is in the first kilobytes: the keys of the top object
    let mut f = std::fs::File::open(path).map_err(|e| {
        Diagnostic::error(format!("cannot read {}: {e}", path.display()))
            .at(Some(Loc::file_only(path)))
    })?;
    let mut head = vec![0u8; 64 * 1024];
    let n = f.read(&mut head).unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    let has = |k: &str| text.contains(&format!("\"{k}\""));
    if has("dimensionHeaders") || has("metricHeaders") || text.contains("analyticsData#runReport") {
        return Ok(Detected::Ga4Json);
    }
    if has("results") && (has("query") || has("dimensions")) {
        return Ok(Detected::PlausibleJson);
    }
    if has("data") && (has("transaction_id") || has("conversion_id") || has("total")) {
        return Ok(Detected::AccessTradeJson);
    }
    let shown: String = text.chars().take(200).collect();
    let mut help = String::from("biopage reads these JSON exports: AccessTrade's API ({\"data\": [...]}), Plausible's Stats API v2 ({\"results\": ..., \"query\": ...}) and GA4's runReport ({\"dimensionHeaders\": ..., \"rows\": ...}); and these CSVs:");
    for (name, cols) in KNOWN
        .iter()
        .filter(|(n, _)| n.contains("CSV") || n.contains(".csv"))
    {
        help.push_str(&format!("\n          - {name}: {cols}"));
    }
    Err(Diagnostic::error(format!(
        "{}: a JSON file of no shape biopage knows",
        path.display()
    ))
    .at(Some(
        SourceFile::new(path, shown.clone()).loc(0..shown.len().min(80)),
    ))
    .help(help))
}

/// Reads a detected export into `sink`; returns its problems (malformed
/// rows), located.
pub fn read(
    path: &Path,
    detected: &Detected,
    sink: &mut dyn Sink,
) -> Result<(u64, Vec<Diagnostic>), Diagnostic> {
    let problems_and_rows = match detected {
        Detected::Shopee(c) => read_csv(path, 0, ',', |rec, line, s| c.row(rec, line, s), sink),
        Detected::AccessTradeCsv(c) => {
            read_csv(path, 0, ',', |rec, line, s| c.row(rec, line, s), sink)
        }
        Detected::Amazon(c) => read_csv(
            path,
            c.skip,
            c.delim,
            |rec, line, s| c.row(rec, line, s),
            sink,
        ),
        Detected::Generic(c) => {
            read_csv(path, 0, c.delim, |rec, line, s| c.row(rec, line, s), sink)
        }
        Detected::GoatCounter(c) => {
            read_csv(path, 0, ',', |rec, line, s| c.row(rec, line, s), sink)
        }
        Detected::UmamiEvents(c) => {
            read_csv(path, 0, ',', |rec, line, s| c.row(rec, line, s), sink)
        }
        Detected::UmamiEventData(c) => {
            let mut grouper = analytics::UmamiGrouper::default();
            let r = read_csv(
                path,
                0,
                ',',
                |rec, line, s| c.row(rec, line, &mut grouper, s),
                sink,
            );
            grouper.finish(sink);
            r
        }
        Detected::AccessTradeJson => return json_file(path, sink, accesstrade::read_json),
        Detected::PlausibleJson => return json_file(path, sink, analytics::read_plausible),
        Detected::Ga4Json => return json_file(path, sink, analytics::read_ga4),
    }?;
    let (rows, problems) = problems_and_rows;
    Ok((rows, locate_csv(path, problems, csv_delim(detected))))
}

fn csv_delim(d: &Detected) -> char {
    match d {
        Detected::Amazon(c) => c.delim,
        Detected::Generic(c) => c.delim,
        _ => ',',
    }
}

/// The largest JSON export read (they are read whole: API responses are
/// pages of at most some thousand rows).
pub const MAX_JSON: u64 = 512 * 1024 * 1024;

type JsonReader = fn(&str, &mut dyn Sink, &mut Vec<Problem>) -> Result<u64, Problem>;

fn json_file(
    path: &Path,
    sink: &mut dyn Sink,
    f: JsonReader,
) -> Result<(u64, Vec<Diagnostic>), Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::error(format!("cannot read {}: {e}", path.display()))
            .at(Some(Loc::file_only(path)))
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_JSON {
        return Err(Diagnostic::error(format!(
            "{} is {} MB, more than the {} MB a JSON export may be",
            path.display(),
            len >> 20,
            MAX_JSON >> 20
        ))
        .at(Some(Loc::file_only(path)))
        .help("export it in several pages (the APIs page their results) or as CSV"));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.into_bytes()[..at]).into_owned();
            let src = SourceFile::new(path, prefix.clone());
            return Err(Diagnostic::error("the file is not valid UTF-8").at(Some(src.loc(at..at))));
        }
    };
    let mut problems = Vec::new();
    let result = f(&text, sink, &mut problems);
    let src = SourceFile::new(path, text.as_str());
    let locate = |p: Problem| {
        Diagnostic::error(p.message)
            .at(Some(
                src.loc(p.offset.unwrap_or(0)..p.offset.unwrap_or(0) + 1),
            ))
            .help(p.help)
    };
    match result {
        Ok(rows) => Ok((rows, problems.into_iter().map(locate).collect())),
        Err(p) => Err(locate(p)),
    }
}

/// How many problems of one file are kept: a file broken on every line
/// would otherwise fill memory with the same message.
pub const MAX_PROBLEMS: usize = 10_000;

/// Records read ahead by the reader thread, handed over in batches (and
/// handed back, to be refilled without allocating).
#[derive(Default)]
struct Batch {
    recs: Vec<csv::StringRecord>,
    lines: Vec<u64>,
    n: usize,
    /// (line, message, whether reading can go on)
    errors: Vec<(u64, String, bool)>,
    done: bool,
}

const BATCH: usize = 1024;

/// Streams a CSV file's records after its header (and `skip` lines before
/// the header), collecting problems. A second thread parses the CSV while
/// this one attributes and adds up: the two halves of the work take about
/// as long, and there are two cores.
fn read_csv(
    path: &Path,
    skip: usize,
    delim: char,
    mut f: impl FnMut(&csv::StringRecord, u64, &mut dyn Sink) -> Result<(), Problem>,
    sink: &mut dyn Sink,
) -> Result<(u64, Vec<Problem>), Diagnostic> {
    let file = std::fs::File::open(path).map_err(|e| {
        Diagnostic::error(format!("cannot read {}: {e}", path.display()))
            .at(Some(Loc::file_only(path)))
    })?;
    let mut buf = BufReader::with_capacity(1 << 20, file);
    for _ in 0..skip {
        let mut line = Vec::new();
        let _ = buf.read_until(b'\n', &mut line);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim as u8)
        .flexible(true)
        .has_headers(true)
        .from_reader(buf);
    let header_len = match rdr.headers() {
        Ok(h) => h.len(),
        Err(e) => {
            return Err(Diagnostic::error(format!(
                "{}: cannot read the header: {e}",
                path.display()
            ))
            .at(Some(Loc::file_only(path))))
        }
    };
    let skip = skip as u64;
    let mut problems: Vec<Problem> = Vec::new();
    let mut extra = 0usize;
    let mut rows = 0u64;
    let mut push = |p: Problem, problems: &mut Vec<Problem>| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(p);
        } else {
            extra += 1;
        }
    };
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
        scope.spawn(move || loop {
            let mut b = empty_rx.try_recv().unwrap_or_default();
            b.n = 0;
            b.errors.clear();
            while b.n < BATCH {
                if b.recs.len() <= b.n {
                    b.recs.push(csv::StringRecord::new());
                    b.lines.push(0);
                }
                let before = rdr.position().line() + skip;
                match rdr.read_record(&mut b.recs[b.n]) {
                    Ok(false) => {
                        b.done = true;
                        break;
                    }
                    Ok(true) => {
                        b.lines[b.n] =
                            b.recs[b.n].position().map(|p| p.line()).unwrap_or(before) + skip;
                        b.n += 1;
                    }
                    Err(e) => match e.kind() {
                        csv::ErrorKind::Utf8 { pos, .. } => {
                            let line = pos.as_ref().map(|p| p.line()).unwrap_or(before) + skip;
                            b.errors
                                .push((line, "the row is not valid UTF-8".into(), true));
                        }
                        _ => {
                            b.errors
                                .push((before, format!("cannot read the row: {e}"), false));
                            b.done = true;
                            break;
                        }
                    },
                }
            }
            let done = b.done;
            if full_tx.send(b).is_err() || done {
                break;
            }
        });
        while let Ok(mut b) = full_rx.recv() {
            for (line, message, _) in b.errors.drain(..) {
                rows += 1;
                push(
                    Problem {
                        line,
                        field: None,
                        offset: None,
                        message,
                        help: "save the export as CSV UTF-8".into(),
                    },
                    &mut problems,
                );
            }
            for i in 0..b.n {
                let rec = &b.recs[i];
                let line = b.lines[i];
                // blank lines are not rows
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                rows += 1;
                let result = if rec.len() != header_len {
                    Err(Problem {
                        line,
                        field: Some(rec.len().min(header_len)),
                        offset: None,
                        message: format!(
                            "the row has {} field{}, the header {}",
                            rec.len(),
                            if rec.len() == 1 { "" } else { "s" },
                            header_len
                        ),
                        help: "a field with a comma or a line break must be quoted; export the report again or fix the row".into(),
                    })
                } else {
                    f(rec, line, sink)
                };
                if let Err(p) = result {
                    push(p, &mut problems);
                }
            }
            let done = b.done;
            // the reader stops when it is done; a closed channel is fine
            let _ = empty_tx.send(b);
            if done {
                break;
            }
        }
    });
    if extra > 0 {
        problems.push(Problem {
            line: 0,
            field: None,
            offset: None,
            message: format!("… and {extra} more malformed rows, not listed"),
            help: "fix the rows above first; the rest are probably the same problem".into(),
        });
    }
    Ok((rows, problems))
}

/// Turns a CSV file's problems into located diagnostics: reads the file
/// again for just those lines, for their text and each field's column.
fn locate_csv(path: &Path, problems: Vec<Problem>, delim: char) -> Vec<Diagnostic> {
    if problems.is_empty() {
        return Vec::new();
    }
    let mut wanted: std::collections::HashMap<u64, String> =
        problems.iter().map(|p| (p.line, String::new())).collect();
    if let Ok(f) = std::fs::File::open(path) {
        let mut r = BufReader::new(f);
        let mut line_no = 0u64;
        let mut buf = Vec::new();
        let mut left = wanted.len();
        while left > 0 {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            line_no += 1;
            if let Some(slot) = wanted.get_mut(&line_no) {
                let text = String::from_utf8_lossy(&buf);
                *slot = text
                    .trim_start_matches('\u{feff}')
                    .trim_end_matches(['\r', '\n'])
                    .chars()
                    .take(2000)
                    .collect();
                left -= 1;
            }
        }
    }
    let file: std::sync::Arc<Path> = std::sync::Arc::from(PathBuf::from(path).as_path());
    problems
        .into_iter()
        .map(|p| {
            if p.line == 0 {
                return Diagnostic::error(p.message)
                    .at(Some(Loc::file_only(path)))
                    .help(p.help);
            }
            let text = wanted.get(&p.line).cloned().unwrap_or_default();
            let fields = split_line(&text, delim);
            let (col, len) = match p.field {
                Some(i) if i < fields.len() => {
                    (fields[i].0 + 1, fields[i].1.chars().count().max(1))
                }
                Some(_) => (text.chars().count() + 1, 1),
                None => (1, text.chars().count().max(1)),
            };
            Diagnostic::error(p.message)
                .at(Some(Loc {
                    file: file.clone(),
                    line: p.line as usize,
                    col,
                    line_text: text,
                    len,
                }))
                .help(p.help)
        })
        .collect()
}

// ---------------------------------------------------------------- fields

/// Whether a value means "no value" in exports.
pub fn is_blank(s: &str) -> bool {
    matches!(
        s.trim(),
        "" | "-" | "--" | "—" | "N/A" | "n/a" | "NA" | "null" | "(not set)"
    )
}

/// A required amount: `Ok(None)` when blank (the row then goes to
/// unattributed.csv as "unparseable amount"), a problem when not a number.
pub fn amount(
    rec: &csv::StringRecord,
    i: usize,
    line: u64,
    what: &str,
) -> Result<Option<Amount>, Problem> {
    let v = rec.get(i).unwrap_or("");
    if is_blank(v) {
        return Ok(None);
    }
    Amount::parse(v).map(Some).map_err(|e| Problem {
        line,
        field: Some(i),
        offset: None,
        message: format!("{what}: {}", e.0),
        help: "amounts are numbers with '.' as the decimal point, like 289000 or 12.50".into(),
    })
}

/// An optional amount: blank is zero.
pub fn amount_or_zero(
    rec: &csv::StringRecord,
    i: Option<usize>,
    line: u64,
    what: &str,
) -> Result<Amount, Problem> {
    match i {
        None => Ok(Amount::ZERO),
        Some(i) => Ok(amount(rec, i, line, what)?.unwrap_or(Amount::ZERO)),
    }
}

/// A count (quantity): blank is `default`.
pub fn count(
    rec: &csv::StringRecord,
    i: Option<usize>,
    line: u64,
    what: &str,
    default: u64,
) -> Result<u64, Problem> {
    let Some(i) = i else { return Ok(default) };
    let v = rec.get(i).unwrap_or("").trim();
    if is_blank(v) {
        return Ok(default);
    }
    let digits = v.strip_suffix(".0").unwrap_or(v);
    digits.parse::<u64>().map_err(|_| Problem {
        line,
        field: Some(i),
        offset: None,
        message: format!("{what} \"{}\" is not a whole number", short(v)),
        help: "a count is written like 1 or 12".into(),
    })
}

/// A date field.
pub fn day(rec: &csv::StringRecord, i: usize, line: u64, what: &str) -> Result<Day, Problem> {
    let v = rec.get(i).unwrap_or("");
    Day::parse(v).ok_or_else(|| Problem {
        line,
        field: Some(i),
        offset: None,
        message: format!("{what} \"{}\" is not a date", short(v)),
        help: "dates are written like 2026-11-24 or 2026-11-24 09:30:00".into(),
    })
}

pub fn field(rec: &csv::StringRecord, i: Option<usize>) -> &str {
    i.and_then(|i| rec.get(i)).unwrap_or("").trim()
}

pub fn short(s: &str) -> String {
    let t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}
