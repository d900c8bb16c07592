//! `biopage report`: closes the loop from tagged link to sale.
//!
//! The identifiers biopage puts into every tagged URL and click event
//! (creator, channel, link) are the join keys. The report rebuilds every
//! creator's links in memory (hidden ones too), reads networks' conversion
//! exports and analytics exports as streams, attributes each row by exact
//! match of what the network echoes back, and aggregates per creator,
//! channel, link and day. I/O stays at the edges (`run`, the readers and
//! writers); attribution and aggregation are pure.

pub mod aggregate;
pub mod attribute;
pub mod charts;
pub mod config;
pub mod date;
pub mod formats;
pub mod fxhash;
pub mod html;
pub mod index;
pub mod keys;
pub mod money;
pub mod write;

use crate::diag::{Diagnostic, Diagnostics, Failure, Loc};
use crate::model::Settings;
use aggregate::Aggregate;
use attribute::{attribute, Echo, Reason, Target};
use date::Day;
use formats::{Detected, Row, RowKind, Sink, Status};
use index::{CreatorPart, Index};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which statuses count (`--status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Only(Status),
}

/// What to report on.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dir: PathBuf,
    pub conversions: Vec<PathBuf>,
    pub analytics: Vec<PathBuf>,
    pub from: Option<Day>,
    pub to: Option<Day>,
    pub status: StatusFilter,
    pub only: Option<String>,
}

/// One input file, as read.
#[derive(Debug, Clone)]
pub struct FileSummary {
    pub path: PathBuf,
    pub format: String,
    pub rows: u64,
    pub attributed: u64,
    pub unattributed: u64,
    pub skipped: u64,
    /// Rows of a status left out by `--status`.
    pub filtered: u64,
}

/// How many unattributed rows are kept in memory to show.
pub const EXAMPLES: usize = 100;

/// The columns of `unattributed.csv`.
pub const UNATTRIBUTED_COLUMNS: &[&str] = &[
    "file",
    "line",
    "kind",
    "source",
    "date",
    "identifiers",
    "order_id",
    "status",
    "currency",
    "commission",
    "count",
    "reason",
];

/// Unattributed rows, streamed to a temporary file: an export that matches
/// nothing (the wrong site) can have a million of them.
pub struct UnattributedLog {
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
    pub path: tempfile::TempPath,
    pub examples: Vec<Unattributed>,
    pub total: u64,
}

impl UnattributedLog {
    pub fn new() -> std::io::Result<UnattributedLog> {
        let (file, path) = tempfile::NamedTempFile::new()?.into_parts();
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(std::io::BufWriter::new(file));
        writer.write_record(UNATTRIBUTED_COLUMNS)?;
        Ok(UnattributedLog {
            writer,
            path,
            examples: Vec::new(),
            total: 0,
        })
    }

    fn push(&mut self, u: Unattributed) -> std::io::Result<()> {
        self.total += 1;
        self.writer.write_record(u.fields())?;
        if self.examples.len() < EXAMPLES {
            self.examples.push(u);
        }
        Ok(())
    }

    /// The whole CSV, flushed.
    pub fn finish(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// A row that matched no link.
#[derive(Debug, Clone)]
pub struct Unattributed {
    pub file: PathBuf,
    pub line: u64,
    pub kind: RowKind,
    pub source: String,
    pub day: Option<Day>,
    pub identifiers: String,
    pub order_id: String,
    pub status: Option<Status>,
    pub currency: String,
    pub commission: String,
    pub count: u64,
    pub reason: String,
    pub label: &'static str,
}

/// The whole report: the index it was attributed with, the metrics of the
/// period (and of the one before, when there is one), and what could not
/// be attributed.
pub struct Report {
    pub index: Index,
    pub now: Aggregate,
    pub previous: Option<Aggregate>,
    pub period: (Option<Day>, Option<Day>),
    pub previous_period: Option<(Day, Day)>,
    pub status: StatusFilter,
    /// `--only`: the creator reported on.
    pub only: Option<u32>,
    pub files: Vec<FileSummary>,
    /// Unattributed rows: every one in a temporary CSV (the future
    /// `unattributed.csv`), the first [`EXAMPLES`] in memory.
    pub unattributed: UnattributedLog,
    /// Count of unattributed rows per reason label.
    pub unattributed_by_reason: BTreeMap<&'static str, u64>,
    pub skipped: BTreeMap<&'static str, u64>,
    pub tiers: Option<config::TiersInput>,
    /// The site's or agency's name for the title.
    pub title: String,
}

impl Unattributed {
    /// The row's fields, in the order of [`UNATTRIBUTED_COLUMNS`]. No
    /// customer data: only identifiers biopage sent, ids and amounts.
    pub fn fields(&self) -> [String; 12] {
        [
            self.file.display().to_string(),
            self.line.to_string(),
            self.kind.as_str().to_string(),
            self.source.clone(),
            self.day.map(|d| d.to_string()).unwrap_or_default(),
            self.identifiers.clone(),
            self.order_id.clone(),
            self.status
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
            self.currency.clone(),
            self.commission.clone(),
            self.count.to_string(),
            self.reason.clone(),
        ]
    }
}

impl Reason {
    /// A short, stable label for the summary (`unattributed_by_reason`).
    pub fn label(&self) -> &'static str {
        match self {
            Reason::NoIdentifier(_) => "no identifier",
            Reason::UnknownSubId(_) => "unknown sub-id",
            Reason::UnknownUtm(_) => "unknown UTM values",
            Reason::UnknownTag { .. } => "other creator's tag",
            Reason::UnknownParams { .. } => "unknown parameters",
            Reason::UnknownCreator(_) => "unknown creator",
            Reason::UnknownLink { .. } => "unknown link",
            Reason::UnknownChannel { .. } => "unknown channel",
            Reason::UnknownPage(_) => "unknown page",
            Reason::Shared { .. } => "ambiguous identifier",
            Reason::OtherCreator { .. } => "other creator's row",
            Reason::OutsideRange { .. } => "outside the date range",
            Reason::Bot => "bot",
            Reason::UnparseableAmount(_) => "unparseable amount",
            Reason::Legacy(_) => "click without creator and channel",
        }
    }
}

impl Echo<'_> {
    /// The identifiers as the unattributed list shows them.
    pub fn describe(&self) -> String {
        match self {
            Echo::Shopee(s) => format!(
                "Sub_id {}",
                s.iter()
                    .filter(|x| !x.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("-")
            ),
            Echo::AccessTrade(u) => format!("utm {}", u.join("/")),
            Echo::Amazon { tag, asin } => format!("tag {tag}, ASIN {asin}"),
            Echo::Generic { values, .. } => format!("params {}", values.join("/")),
            Echo::Click {
                handle,
                channel,
                id,
            } => format!("click {handle}/{channel}/{id}"),
            Echo::Page { host, path } => format!("page {}{path}", host.unwrap_or("")),
        }
    }
}

/// The previous period: as long as [from, to], right before it.
pub fn previous_period(from: Day, to: Day) -> Option<(Day, Day)> {
    let len = to.0 - from.0 + 1;
    (len > 0).then(|| (Day(from.0 - len), Day(from.0 - 1)))
}

/// The index, the agency's settings, the export formats, the title, and
/// `--only`'s creator.
pub type Loaded = (
    Index,
    Option<Settings>,
    Vec<config::FormatInput>,
    String,
    Option<u32>,
);

/// Loads and resolves every creator (every item), into the index.
pub fn load_index(dir: &Path, only: Option<&str>) -> Result<Loaded, Failure> {
    let opts = crate::resolve::Options {
        now: crate::cli::now(),
        base_url: None,
        ..Default::default()
    };
    if crate::agency::is_agency(dir) {
        let opened = crate::agency::open(dir)?;
        opened.select(only)?;
        let mut errors = opened.broken_diagnostics();
        let creators: Vec<(String, std::path::PathBuf)> = opened
            .creators
            .iter()
            .map(|c| (c.handle.clone(), c.dir.clone()))
            .collect();
        let agency = opened.settings.clone();
        for (h, c) in &agency.report.costs {
            if !creators.iter().any(|(x, _)| *x == h.value) {
                let help = match crate::diag::did_you_mean(
                    &h.value,
                    creators.iter().map(|(x, _)| x.as_str()),
                ) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => "the creators are the folders of creators/".into(),
                };
                errors.push(
                    Diagnostic::error(format!("[report.costs] names no creator \"{}\"", h.value))
                        .at(h.loc.clone().or_else(|| c.loc.clone()))
                        .help(help),
                );
            }
        }
        let formats = agency.report.formats.clone();
        let parts: Vec<Result<CreatorPart, Diagnostics>> = creators
            .par_iter()
            .map(|(handle, cdir)| {
                let loaded = crate::load::load(cdir);
                let mut diags = loaded.diags;
                let Some(mut site) = loaded.site else {
                    return Err(diags);
                };
                // a campaign's sales arrive after it ended: all its items count
                diags.extend(opened.apply_campaigns(handle, &mut site, opts.now, true));
                match crate::resolve::resolve_every_item(&site, Some(&agency), &opts) {
                    Ok(r) if !diags.has_errors() => {
                        let cost = agency
                            .report
                            .costs
                            .iter()
                            .find(|(h, _)| h.value == *handle)
                            .map(|(_, c)| c);
                        Ok(CreatorPart::new(&site, &r, Some(&agency), &formats, cost))
                    }
                    Ok(_) => Err(diags),
                    Err(more) => {
                        diags.extend(more);
                        Err(diags)
                    }
                }
            })
            .collect();
        let mut ok = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Ok(p) => ok.push(p),
                Err(d) => errors.extend(d),
            }
        }
        if errors.has_errors() {
            return Err(Failure::Input(errors));
        }
        let ix = Index::from_parts(ok, formats.len(), true);
        let only_ix = only.and_then(|o| ix.by_handle.get(o).copied());
        let title = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "agency".into());
        return Ok((ix, Some(agency), formats, title, only_ix));
    }
    if only.is_some() {
        return Err(Failure::Environment(anyhow::anyhow!(
            "--only is for agencies (a directory with agency.toml and creators/)"
        )));
    }
    let (site, resolved) = {
        let loaded = crate::load::load(dir);
        let mut diags = loaded.diags;
        let Some(site) = loaded.site else {
            return Err(Failure::Input(diags));
        };
        match crate::resolve::resolve_every_item(&site, None, &opts) {
            Ok(r) if !diags.has_errors() => (site, r),
            Ok(_) => return Err(Failure::Input(diags)),
            Err(more) => {
                diags.extend(more);
                return Err(Failure::Input(diags));
            }
        }
    };
    let formats = site.settings.report.formats.clone();
    let title = format!("{} (@{})", resolved.name, resolved.handle);
    let part = CreatorPart::new(&site, &resolved, None, &formats, None);
    Ok((
        Index::from_parts(vec![part], formats.len(), false),
        None,
        formats,
        title,
        None,
    ))
}

/// What the reading thread hands the adding-up thread.
#[derive(Debug, Clone, Copy)]
enum Add {
    Conversion(Target, aggregate::Fact, bool),
    Clicks(Target, Day, u64, bool),
    PageViews(Target, Day, u64, bool),
}

/// How many additions travel together between the threads.
const ADDS: usize = 4096;

/// Attributes rows as they are read, and hands the attributed ones to the
/// thread that aggregates them (`bool`: the previous period's).
struct Processor<'a> {
    ix: &'a Index,
    adds: Vec<Add>,
    to_adder: &'a std::sync::mpsc::SyncSender<Vec<Add>>,
    previous_too: bool,
    period: (Option<Day>, Option<Day>),
    previous_period: Option<(Day, Day)>,
    status: StatusFilter,
    only: Option<u32>,
    file: &'a Path,
    source: u32,
    format: String,
    summary: &'a mut FileSummary,
    unattributed: &'a mut UnattributedLog,
    /// A write of the unattributed list failed (the disk is full).
    io_error: Option<std::io::Error>,
    by_reason: &'a mut BTreeMap<&'static str, u64>,
    skipped: &'a mut BTreeMap<&'static str, u64>,
}

impl Processor<'_> {
    fn add(&mut self, a: Add) {
        self.adds.push(a);
        if self.adds.len() >= ADDS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.adds.is_empty() {
            let batch = std::mem::replace(&mut self.adds, Vec::with_capacity(ADDS));
            // the adder lives as long as the reading: a send cannot fail
            let _ = self.to_adder.send(batch);
        }
    }

    fn in_period(&self, d: Day) -> bool {
        self.period.0.is_none_or(|f| d >= f) && self.period.1.is_none_or(|t| d <= t)
    }

    #[allow(clippy::too_many_arguments)]
    fn unattributed(
        &mut self,
        line: u64,
        kind: RowKind,
        day: Option<Day>,
        identifiers: String,
        conv: Option<&formats::Conversion>,
        count: u64,
        reason: Reason,
    ) {
        self.summary.unattributed += 1;
        *self.by_reason.entry(reason.label()).or_default() += 1;
        let pushed = self.unattributed.push(Unattributed {
            file: self.file.to_path_buf(),
            line,
            kind,
            source: self.format.clone(),
            day,
            identifiers,
            order_id: conv.map(|c| c.order_id.to_string()).unwrap_or_default(),
            status: conv.map(|c| c.status),
            currency: conv.map(|c| c.currency.to_string()).unwrap_or_default(),
            commission: conv
                .map(|c| c.commission.plain(c.currency.digits()))
                .unwrap_or_default(),
            count,
            reason: reason.to_string(),
            label: reason.label(),
        });
        if let Err(e) = pushed {
            self.io_error.get_or_insert(e);
        }
    }

    /// The target, or why not; `--only` and the date range applied.
    fn target(&self, echo: &Echo, day: Day) -> Result<(Target, bool), Reason> {
        let t = attribute(self.ix, echo)?;
        if let Some(o) = self.only {
            if t.creator != o {
                return Err(Reason::OtherCreator {
                    what: match echo {
                        Echo::Click { .. } => "click",
                        Echo::Page { .. } => "page view",
                        _ => "sale",
                    },
                    handle: self.ix.handle(t.creator).to_string(),
                    only: self.ix.handle(o).to_string(),
                });
            }
        }
        Ok((t, self.in_period(day)))
    }

    fn outside(&self, day: Day) -> Reason {
        let show = |d: Option<Day>| d.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
        let mut to = show(self.period.1);
        if self
            .previous_period
            .is_some_and(|(f, t)| day >= f && day <= t)
        {
            to.push_str(" (counted only in the comparison with the previous period)");
        }
        Reason::OutsideRange {
            day: day.to_string(),
            from: show(self.period.0),
            to,
        }
    }

    fn in_previous(&self, day: Day) -> bool {
        self.previous_period
            .is_some_and(|(f, t)| day >= f && day <= t)
    }
}

impl Sink for Processor<'_> {
    fn row(&mut self, line: u64, row: Row<'_>) {
        match row {
            Row::Skipped(what) => {
                self.summary.skipped += 1;
                *self.skipped.entry(what).or_default() += 1;
            }
            Row::Unattributed {
                kind,
                day,
                ids,
                count,
                reason,
            } => self.unattributed(line, kind, day, ids, None, count, reason),
            Row::Conversion(c) => {
                if let StatusFilter::Only(s) = self.status {
                    if c.status != s {
                        self.summary.filtered += 1;
                        return;
                    }
                }
                match self.target(&c.echo, c.day) {
                    Ok((t, true)) => {
                        self.summary.attributed += 1;
                        self.add(Add::Conversion(
                            t,
                            aggregate::Fact::of(&c, self.source),
                            false,
                        ));
                    }
                    Ok((t, false)) => {
                        if self.previous_too && self.in_previous(c.day) {
                            self.add(Add::Conversion(
                                t,
                                aggregate::Fact::of(&c, self.source),
                                true,
                            ));
                        }
                        let r = self.outside(c.day);
                        self.unattributed(
                            line,
                            RowKind::Conversion,
                            Some(c.day),
                            c.echo.describe(),
                            Some(&c),
                            1,
                            r,
                        );
                    }
                    Err(r) => self.unattributed(
                        line,
                        RowKind::Conversion,
                        Some(c.day),
                        c.echo.describe(),
                        Some(&c),
                        1,
                        r,
                    ),
                }
            }
            Row::Click(tr) | Row::PageView(tr) => {
                let kind = if matches!(tr.echo, Echo::Page { .. }) {
                    RowKind::PageView
                } else {
                    RowKind::Click
                };
                match self.target(&tr.echo, tr.day) {
                    Ok((t, true)) => {
                        self.summary.attributed += 1;
                        self.add(match kind {
                            RowKind::PageView => Add::PageViews(t, tr.day, tr.count, false),
                            _ => Add::Clicks(t, tr.day, tr.count, false),
                        });
                    }
                    Ok((t, false)) => {
                        if self.previous_too && self.in_previous(tr.day) {
                            self.add(match kind {
                                RowKind::PageView => Add::PageViews(t, tr.day, tr.count, true),
                                _ => Add::Clicks(t, tr.day, tr.count, true),
                            });
                        }
                        let r = self.outside(tr.day);
                        self.unattributed(
                            line,
                            kind,
                            Some(tr.day),
                            tr.echo.describe(),
                            None,
                            tr.count,
                            r,
                        );
                    }
                    Err(r) => self.unattributed(
                        line,
                        kind,
                        Some(tr.day),
                        tr.echo.describe(),
                        None,
                        tr.count,
                        r,
                    ),
                }
            }
        }
    }
}

/// Reads every file into a report. All malformed rows of all files are
/// reported together (exit status 1), and nothing is written then.
pub fn build(opts: &Options) -> Result<Report, Failure> {
    if opts.conversions.is_empty() && opts.analytics.is_empty() {
        return Err(Failure::Environment(anyhow::anyhow!(
            "nothing to report on: give the networks' exports with --conversions FILE and the analytics exports with --analytics FILE"
        )));
    }
    if let (Some(f), Some(t)) = (opts.from, opts.to) {
        if t < f {
            return Err(Failure::Environment(anyhow::anyhow!(
                "--to {t} is before --from {f}"
            )));
        }
    }
    for p in opts.conversions.iter().chain(&opts.analytics) {
        if !p.is_file() {
            return Err(Failure::Environment(anyhow::anyhow!(
                "{} is not a file",
                p.display()
            )));
        }
    }
    let (ix, agency, formats, title, only) = load_index(&opts.dir, opts.only.as_deref())?;
    let previous_period = match (opts.from, opts.to) {
        (Some(f), Some(t)) => previous_period(f, t),
        _ => None,
    };
    let mut now = Aggregate::new(&ix, false);
    // about one order per 400 bytes of conversions (Shopee's rows are ~300
    // bytes, and most orders have one item)
    let bytes: u64 = opts
        .conversions
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    now.reserve((bytes / 400).min(50_000_000) as usize);
    let mut previous = previous_period.map(|_| Aggregate::new(&ix, true));
    let (mut now_back, mut previous_back) = (None, None);
    let mut files = Vec::new();
    let mut unattributed = UnattributedLog::new()
        .map_err(|e| anyhow::Error::new(e).context("cannot create a temporary file"))?;
    let mut by_reason = BTreeMap::new();
    let mut skipped = BTreeMap::new();
    let mut problems = Diagnostics::default();
    let all: Vec<&PathBuf> = opts.conversions.iter().chain(&opts.analytics).collect();
    let previous_too = previous.is_some();
    // Two threads: this one reads and attributes, the adder aggregates.
    let read: Result<(), Failure> = std::thread::scope(|scope| {
        let (to_adder, from_reader) = std::sync::mpsc::sync_channel::<Vec<Add>>(8);
        let adder = scope.spawn(move || {
            while let Ok(batch) = from_reader.recv() {
                for a in batch {
                    let agg = match a {
                        Add::Conversion(_, _, true)
                        | Add::Clicks(_, _, _, true)
                        | Add::PageViews(_, _, _, true) => match previous.as_mut() {
                            Some(p) => p,
                            None => continue,
                        },
                        _ => &mut now,
                    };
                    match a {
                        Add::Conversion(t, f, _) => agg.add(&t, &f),
                        Add::Clicks(t, d, n, _) => agg.clicks(&t, d, n),
                        Add::PageViews(t, d, n, _) => agg.pageviews(&t, d, n),
                    }
                }
            }
            (now, previous)
        });
        for (i, path) in all.iter().enumerate() {
            let detected: Detected = match formats::detect(path, &formats) {
                Ok(d) => d,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            };
            let mut summary = FileSummary {
                path: path.to_path_buf(),
                format: detected.name(),
                rows: 0,
                attributed: 0,
                unattributed: 0,
                skipped: 0,
                filtered: 0,
            };
            let mut p = Processor {
                ix: &ix,
                adds: Vec::with_capacity(ADDS),
                to_adder: &to_adder,
                previous_too,
                period: (opts.from, opts.to),
                previous_period,
                status: opts.status,
                only,
                file: path,
                source: i as u32,
                format: detected.name(),
                summary: &mut summary,
                unattributed: &mut unattributed,
                io_error: None,
                by_reason: &mut by_reason,
                skipped: &mut skipped,
            };
            let read = formats::read(path, &detected, &mut p);
            p.flush();
            if let Some(e) = p.io_error.take() {
                return Err(Failure::Environment(
                    anyhow::Error::new(e).context("cannot write the list of unattributed rows"),
                ));
            }
            match read {
                Ok((rows, file_problems)) => {
                    summary.rows = rows;
                    problems.0.extend(file_problems);
                }
                Err(d) => problems.push(d),
            }
            files.push(summary);
        }
        drop(to_adder);
        let (n, p) = adder.join().map_err(|_| {
            Failure::Environment(anyhow::anyhow!("the report's adding-up thread failed"))
        })?;
        now_back = Some(n);
        previous_back = p;
        Ok(())
    });
    read?;
    let now = now_back.unwrap_or_else(|| Aggregate::new(&ix, false));
    let previous = previous_back;
    if problems.has_errors() {
        return Err(Failure::Input(problems));
    }
    unattributed
        .finish()
        .map_err(|e| anyhow::Error::new(e).context("cannot write the list of unattributed rows"))?;
    if now.overflow || previous.as_ref().is_some_and(|p| p.overflow) {
        return Err(Failure::Input(Diagnostics(vec![Diagnostic::error(
            "the amounts add up to more than biopage can hold (about 92 trillion units of a currency)",
        )
        .at(all.first().map(|p| Loc::file_only(p)))
        .help("report on a shorter period, or on fewer files at a time")])));
    }
    Ok(Report {
        index: ix,
        now,
        previous,
        period: (opts.from, opts.to),
        previous_period,
        status: opts.status,
        only,
        files,
        unattributed,
        unattributed_by_reason: by_reason,
        skipped,
        tiers: agency.and_then(|a| a.report.tiers),
        title,
    })
}
#[cfg(test)]
mod proptests;
