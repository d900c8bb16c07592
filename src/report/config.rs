//! What `biopage report` reads from agency.toml and profile.toml:
//!
//! * `cost`: what a creator costs (a flat fee per placement), for ROI, in
//!   profile.toml, or in agency.toml as every creator's default; agency.toml
//!   may also set it per creator under `[report.costs]`, where a creator
//!   cannot edit it;
//! * `[report.formats.NAME]`: how to read another network's CSV export;
//! * `[tiers]` (agency.toml): tier names and thresholds. The thresholds
//!   measure `metric` (default `orders`) in the report; a tier may also give
//!   thresholds per metric (`micro = { followers = 10000, orders = 50 }`), so
//!   that campaigns can target tiers by followers from the same table.
//!
//! Parsed here, with the same located errors and "did you mean" as every
//! other key (the `Doc` walker of `load`).

use crate::diag::Loc;
use crate::load::{as_table, get, Doc, Value};
use crate::model::At;
use crate::report::money::Amount;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// `cost = …`: this creator's cost (profile.toml), or every creator's
    /// (agency.toml).
    pub cost: Option<CostInput>,
    /// agency.toml `[report.costs]`: `handle = cost`.
    pub costs: Vec<(At<String>, CostInput)>,
    /// `[report.formats.NAME]`.
    pub formats: Vec<FormatInput>,
    /// agency.toml `[tiers]`.
    pub tiers: Option<TiersInput>,
}

/// A cost: `cost = 2000000` (the page's currency), `cost = "2000000 VND"`,
/// or `cost = { amount = 150, currency = "USD" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct CostInput {
    pub amount: Amount,
    /// `None`: the currency of the creator's language (VND for `vi` …).
    pub currency: Option<String>,
    pub loc: Option<Loc>,
}

/// `[report.formats.NAME]`: which column of a network's CSV holds what.
#[derive(Debug, Clone)]
pub struct FormatInput {
    pub name: At<String>,
    pub order_id: Option<At<String>>,
    pub time: Option<At<String>>,
    /// `DD/MM/YYYY` …; default: ISO dates and the other forms of `Day::parse`.
    pub time_format: Option<At<String>>,
    pub status: Option<At<String>>,
    pub pending: Vec<At<String>>,
    pub approved: Vec<At<String>>,
    pub rejected: Vec<At<String>>,
    pub amount: Option<At<String>>,
    pub commission: Option<At<String>>,
    /// The column holding the currency code …
    pub currency: Option<At<String>>,
    /// … or the one currency of the whole export.
    pub currency_code: Option<At<String>>,
    pub quantity: Option<At<String>>,
    pub refund: Option<At<String>>,
    /// URL parameter biopage sent → the column the network echoes it in.
    pub params: Vec<(String, At<String>)>,
    /// Only links through this `[networks.NAME]` (default: links through
    /// any network that carry the parameters).
    pub network: Option<At<String>>,
    pub loc: Option<Loc>,
}

/// The keys of `[report.formats.NAME]`.
pub const FORMAT_KEYS: &[&str] = &[
    "order_id",
    "time",
    "time_format",
    "status",
    "pending",
    "approved",
    "rejected",
    "amount",
    "commission",
    "currency",
    "currency_code",
    "quantity",
    "refund",
    "params",
    "network",
];

/// Metrics a tier threshold may measure. `followers` is for campaigns (the
/// report does not know followers); the others are report metrics.
pub const TIER_METRICS: &[&str] = &[
    "followers",
    "orders",
    "items",
    "clicks",
    "pageviews",
    "commission",
    "revenue",
];

/// Money metrics: their thresholds need `[tiers] currency`.
pub const MONEY_METRICS: &[&str] = &["commission", "revenue"];

#[derive(Debug, Clone, PartialEq)]
pub struct TiersInput {
    /// What plain-number thresholds measure (default `orders`).
    pub metric: At<String>,
    /// The currency of money thresholds.
    pub currency: Option<At<String>>,
    /// In the file's order.
    pub tiers: Vec<TierInput>,
    pub loc: Option<Loc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierInput {
    pub name: String,
    /// (metric, threshold): the least value of the metric for the tier.
    pub thresholds: Vec<(String, Amount)>,
    /// The tier's threshold when written as a plain number (`micro = 10000`).
    pub plain: Option<Amount>,
    pub loc: Option<Loc>,
}

impl TiersInput {
    /// The tiers that have a threshold for `metric`, lowest first.
    pub fn ladder(&self, metric: &str) -> Vec<(String, Amount)> {
        let mut out: Vec<(String, Amount)> = self
            .tiers
            .iter()
            .filter_map(|t| {
                t.thresholds
                    .iter()
                    .find(|(m, _)| m == metric)
                    .map(|(_, a)| (t.name.clone(), *a))
            })
            .collect();
        out.sort_by_key(|(_, a)| *a);
        out
    }

    /// The ladder campaigns place creators on by their `followers`: each
    /// tier's `followers` threshold, or its plain number when `metric` is
    /// `followers` or not written. A table written for a KOC programme
    /// (`nano = 1000`, `micro = 10000`) thus means followers to campaigns,
    /// while the report, which knows no followers, reads it as orders.
    pub fn followers_ladder(&self) -> Vec<(String, Amount)> {
        let plain_is_followers = self.metric.loc.is_none() || self.metric.value == "followers";
        let mut out: Vec<(String, Amount)> = self
            .tiers
            .iter()
            .filter_map(|t| {
                t.thresholds
                    .iter()
                    .find(|(m, _)| m == "followers")
                    .map(|(_, a)| *a)
                    .or(t.plain.filter(|_| plain_is_followers))
                    .map(|a| (t.name.clone(), a))
            })
            .collect();
        out.sort_by_key(|(_, a)| *a);
        out
    }

    /// Whether `name` is one of the tiers.
    pub fn has(&self, name: &str) -> bool {
        self.tiers.iter().any(|t| t.name == name)
    }
}

const REPORT_KEYS_PROFILE: &[&str] = &["formats"];
const REPORT_KEYS_AGENCY: &[&str] = &["formats", "costs"];

impl Doc<'_> {
    /// `cost`, `[report]` and (agency.toml) `[tiers]`.
    pub(crate) fn report_input(&mut self, root: &DeTable<'_>, agency: bool) -> ReportInput {
        let mut out = ReportInput {
            cost: get(root, "cost").and_then(|v| self.cost("cost", v)),
            ..ReportInput::default()
        };
        if let Some(v) = self.table(root, "report") {
            let t = as_table(v);
            let (allowed, what) = if agency {
                (REPORT_KEYS_AGENCY, "[report] of agency.toml")
            } else {
                (REPORT_KEYS_PROFILE, "[report] of profile.toml")
            };
            self.unknown_keys(t, allowed, what);
            if agency {
                if let Some(cv) = self.table(t, "costs") {
                    for (k, v) in as_table(cv).iter() {
                        if let Some(c) = self.cost(k.get_ref(), v) {
                            out.costs
                                .push((At::new(k.get_ref().to_string(), self.loc(k.span())), c));
                        }
                    }
                }
            }
            if let Some(fv) = self.table(t, "formats") {
                for (name, v) in as_table(fv).iter() {
                    let what = format!("[report.formats.{}]", name.get_ref());
                    if !matches!(v.get_ref(), DeValue::Table(_)) {
                        self.wrong_type(
                            name.get_ref(),
                            v,
                            "a table",
                            &format!("{what} on its own line"),
                        );
                        continue;
                    }
                    let f = self.format_input(
                        At::new(name.get_ref().to_string(), self.loc(name.span())),
                        v,
                        &what,
                    );
                    out.formats.push(f);
                }
            }
        }
        if agency {
            if let Some(v) = self.table(root, "tiers") {
                out.tiers = self.tiers(v);
            }
        }
        out
    }

    fn cost(&mut self, key: &str, v: &Value<'_>) -> Option<CostInput> {
        let loc = self.loc(v.span());
        let example = format!("{key} = 2000000, {key} = \"150 USD\" or {key} = {{ amount = 150, currency = \"USD\" }}");
        let (amount_text, currency) = match v.get_ref() {
            DeValue::Integer(i) => (i.as_str().replace('_', ""), None),
            DeValue::Float(f) => (f.as_str().replace('_', ""), None),
            DeValue::String(s) => {
                let parts: Vec<&str> = s.split_whitespace().collect();
                match parts.as_slice() {
                    [a] => (a.to_string(), None),
                    [a, c] if crate::report::money::Cur::parse(c).is_some() => {
                        (a.to_string(), Some(c.to_string()))
                    }
                    [c, a] if crate::report::money::Cur::parse(c).is_some() => {
                        (a.to_string(), Some(c.to_string()))
                    }
                    _ => {
                        self.err(
                            v.span(),
                            format!("`{key}` \"{s}\" is not an amount and a currency"),
                            format!("write it like {example}"),
                        );
                        return None;
                    }
                }
            }
            DeValue::Table(t) => {
                self.unknown_keys(t, &["amount", "currency"], &format!("`{key}`"));
                let currency = self.string(t, "currency").map(|c| c.value);
                let Some(a) = get(t, "amount") else {
                    self.err(
                        v.span(),
                        format!("`{key}` has no `amount`"),
                        format!("write it like {example}"),
                    );
                    return None;
                };
                match a.get_ref() {
                    DeValue::Integer(i) => (i.as_str().replace('_', ""), currency),
                    DeValue::Float(f) => (f.as_str().replace('_', ""), currency),
                    _ => {
                        self.wrong_type("amount", a, "a number", "amount = 150");
                        return None;
                    }
                }
            }
            _ => {
                self.wrong_type(key, v, "a number, a string or a table", &example);
                return None;
            }
        };
        if let Some(c) = &currency {
            if crate::report::money::Cur::parse(c).is_none() {
                self.err(
                    v.span(),
                    format!("\"{c}\" is not a currency code"),
                    "write an ISO 4217 code such as VND or USD",
                );
                return None;
            }
        }
        match Amount::parse(&amount_text) {
            Ok(a) if a.0 >= 0 => Some(CostInput {
                amount: a,
                currency,
                loc,
            }),
            Ok(_) => {
                self.err(
                    v.span(),
                    format!("`{key}` must be a positive amount"),
                    format!("write it like {example}"),
                );
                None
            }
            Err(_) => {
                self.err(
                    v.span(),
                    format!("`{key}` \"{amount_text}\" is not an amount"),
                    format!("write it like {example}"),
                );
                None
            }
        }
    }

    fn format_input(&mut self, name: At<String>, v: &Value<'_>, what: &str) -> FormatInput {
        let t = as_table(v);
        self.unknown_keys(t, FORMAT_KEYS, what);
        let list = |doc: &mut Self, key: &str| doc.string_array(t, key).unwrap_or_default();
        let mut f = FormatInput {
            name,
            order_id: self.string(t, "order_id"),
            time: self.string(t, "time"),
            time_format: self.string(t, "time_format"),
            status: self.string(t, "status"),
            pending: list(self, "pending"),
            approved: list(self, "approved"),
            rejected: list(self, "rejected"),
            amount: self.string(t, "amount"),
            commission: self.string(t, "commission"),
            currency: self.string(t, "currency"),
            currency_code: self.string(t, "currency_code"),
            quantity: self.string(t, "quantity"),
            refund: self.string(t, "refund"),
            params: Vec::new(),
            network: self.string(t, "network"),
            loc: self.loc(v.span().start..v.span().start),
        };
        if let Some(pv) = self.table(t, "params") {
            let pt = as_table(pv);
            for (k, _) in pt.iter() {
                if let Some(col) = self.string(pt, k.get_ref()) {
                    f.params.push((k.get_ref().to_string(), col));
                }
            }
        }
        let header = v.span().start..v.span().start;
        for (key, field) in [
            ("order_id", &f.order_id),
            ("time", &f.time),
            ("commission", &f.commission),
        ] {
            if field.is_none() {
                self.err(
                    header.clone(),
                    format!("{what} needs `{key}`, the name of the column that holds it"),
                    format!("add `{key} = \"Column name\"` under {what}"),
                );
            }
        }
        if f.params.is_empty() {
            self.err(
                header.clone(),
                format!("{what} needs `params`: which column echoes which URL parameter biopage sent"),
                "add for example `params = { sub = \"Sub ID\" }` (the parameter `sub` of your network's template, echoed in the column \"Sub ID\")",
            );
        }
        if f.currency.is_none() && f.currency_code.is_none() {
            self.err(
                header.clone(),
                format!("{what} needs `currency` (the column of currency codes) or `currency_code` (one code for the whole export)"),
                "add for example `currency_code = \"USD\"`",
            );
        }
        if let Some(c) = &f.currency_code {
            if crate::report::money::Cur::parse(&c.value).is_none() {
                self.diags.push(
                    crate::diag::Diagnostic::error(format!(
                        "\"{}\" is not a currency code",
                        c.value
                    ))
                    .at(c.loc.clone())
                    .help("write an ISO 4217 code such as VND or USD"),
                );
            }
        }
        if f.status.is_some()
            && f.pending.is_empty()
            && f.approved.is_empty()
            && f.rejected.is_empty()
        {
            self.err(
                header,
                format!("{what} names a `status` column but no values for it"),
                "list the column's values: `pending = [\"Pending\"]`, `approved = [\"Approved\"]`, `rejected = [\"Declined\"]`",
            );
        }
        if let Some(tf) = &f.time_format {
            if !(tf.value.contains("YYYY") && tf.value.contains("MM") && tf.value.contains("DD")) {
                self.diags.push(
                    crate::diag::Diagnostic::error("`time_format` needs YYYY, MM and DD")
                        .at(tf.loc.clone())
                        .help("write it like time_format = \"DD/MM/YYYY\""),
                );
            }
        }
        f
    }

    fn tiers(&mut self, v: &Value<'_>) -> Option<TiersInput> {
        let t = as_table(v);
        let mut metric = At::bare("orders".to_string());
        let mut currency = None;
        let mut tiers = Vec::new();
        for (k, tv) in t.iter() {
            let key = k.get_ref().as_ref();
            match key {
                "metric" => {
                    if let Some(m) = self.string(t, "metric") {
                        if TIER_METRICS.contains(&m.value.as_str()) {
                            metric = m;
                        } else {
                            let help = match crate::diag::did_you_mean(
                                &m.value,
                                TIER_METRICS.iter().copied(),
                            ) {
                                Some(s) => format!("did you mean \"{s}\"?"),
                                None => format!("the metrics are {}", TIER_METRICS.join(", ")),
                            };
                            self.err(
                                tv.span(),
                                format!("unknown tier metric \"{}\"", m.value),
                                help,
                            );
                        }
                    }
                }
                "currency" => {
                    currency = self.string(t, "currency");
                    if let Some(c) = &currency {
                        if crate::report::money::Cur::parse(&c.value).is_none() {
                            self.err(
                                tv.span(),
                                format!("\"{}\" is not a currency code", c.value),
                                "write an ISO 4217 code such as VND or USD",
                            );
                        }
                    }
                }
                name => {
                    let loc = self.loc(k.span());
                    let mut thresholds = Vec::new();
                    let mut plain = None;
                    match tv.get_ref() {
                        DeValue::Integer(_) | DeValue::Float(_) => {
                            if let Some(a) = self.threshold(name, tv) {
                                // a plain number measures `metric`, known at the end
                                thresholds.push((String::new(), a));
                                plain = Some(a);
                            }
                        }
                        DeValue::Table(tt) => {
                            self.unknown_keys(tt, TIER_METRICS, &format!("the tier `{name}`"));
                            for (mk, mv) in tt.iter() {
                                if TIER_METRICS.contains(&mk.get_ref().as_ref()) {
                                    if let Some(a) = self.threshold(mk.get_ref(), mv) {
                                        thresholds.push((mk.get_ref().to_string(), a));
                                    }
                                }
                            }
                        }
                        _ => {
                            let help = match crate::diag::did_you_mean(name, ["metric", "currency"]) {
                                Some(s) => format!("did you mean `{s}`? A tier is `name = threshold`, like `micro = 10000`"),
                                None => "a tier is `name = threshold`, like `micro = 10000`, or thresholds per metric: `micro = { followers = 10000, orders = 50 }`".into(),
                            };
                            self.err(
                                tv.span(),
                                format!(
                                    "the tier `{name}` must be a number or a table of thresholds"
                                ),
                                help,
                            );
                            continue;
                        }
                    }
                    tiers.push(TierInput {
                        name: name.to_string(),
                        thresholds,
                        plain,
                        loc,
                    });
                }
            }
        }
        for tier in &mut tiers {
            for (m, _) in &mut tier.thresholds {
                if m.is_empty() {
                    *m = metric.value.clone();
                }
            }
        }
        if MONEY_METRICS.contains(&metric.value.as_str()) && currency.is_none() {
            self.err(
                v.span().start..v.span().start,
                format!(
                    "[tiers] measures {}, money, but has no `currency`",
                    metric.value
                ),
                "add `currency = \"VND\"` (thresholds are in that currency's major unit)",
            );
        }
        Some(TiersInput {
            metric,
            currency,
            tiers,
            loc: self.loc(v.span().start..v.span().start),
        })
    }

    fn threshold(&mut self, key: &str, v: &Value<'_>) -> Option<Amount> {
        let text = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', ""),
            DeValue::Float(f) => f.as_str().replace('_', ""),
            _ => {
                self.wrong_type(key, v, "a number", &format!("{key} = 10000"));
                return None;
            }
        };
        match Amount::parse(&text) {
            Ok(a) if a.0 >= 0 => Some(a),
            _ => {
                self.err(
                    v.span(),
                    format!("the threshold `{key}` must be a positive number"),
                    format!("write it like {key} = 10000"),
                );
                None
            }
        }
    }
}
