//! Aggregation: attributed rows become metrics per creator, channel, link
//! and day. Pure and streaming: each row is added once, in constant time,
//! and nothing of it is kept but an interned order id (for counting
//! distinct orders exactly).
//!
//! Money is kept per currency; no sum, rate or ranking ever mixes two.

use crate::report::attribute::Target;
use crate::report::config::TiersInput;
use crate::report::date::Day;
use crate::report::formats::{Conversion, Status};
use crate::report::fxhash::{hash128, FxHashMap as HashMap, FxHashSet as HashSet};
use crate::report::index::{Index, NONE};
use crate::report::money::{Amount, Cur, SCALE};
use std::collections::BTreeMap;

/// The money of one group in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Money {
    pub revenue: Amount,
    pub pending: Amount,
    pub approved: Amount,
    pub rejected: Amount,
    pub refunds: Amount,
    /// Distinct orders in this currency (the denominator of AOV).
    pub orders: u64,
}

impl Money {
    /// Commission earned or on its way: approved + pending (EPC, ROI,
    /// ranking).
    pub fn earning(&self) -> Amount {
        Amount(self.approved.0.saturating_add(self.pending.0))
    }
}

/// The metrics of one row of a breakdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metrics {
    pub pageviews: u64,
    pub clicks: u64,
    /// Distinct order ids.
    pub orders: u64,
    pub items: u64,
    /// Conversion rows (items of orders) attributed.
    pub rows: u64,
    /// Per currency, sorted by code.
    pub money: Vec<(Cur, Money)>,
}

impl Metrics {
    fn money_mut(&mut self, c: Cur) -> &mut Money {
        let i = match self.money.binary_search_by_key(&c, |(k, _)| *k) {
            Ok(i) => i,
            Err(i) => {
                self.money.insert(i, (c, Money::default()));
                i
            }
        };
        &mut self.money[i].1
    }

    pub fn money(&self, c: Cur) -> Money {
        self.money
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, m)| *m)
            .unwrap_or_default()
    }

    /// Orders ÷ clicks.
    pub fn conversion_rate(&self) -> Option<f64> {
        (self.clicks > 0).then(|| self.orders as f64 / self.clicks as f64)
    }

    /// (Approved + pending commission) ÷ clicks, in one currency: exact to
    /// the 1/10,000.
    pub fn epc(&self, c: Cur) -> Option<Amount> {
        (self.clicks > 0).then(|| div_round(self.money(c).earning(), self.clicks))
    }

    /// Revenue ÷ orders, in one currency.
    pub fn aov(&self, c: Cur) -> Option<Amount> {
        let m = self.money(c);
        (m.orders > 0).then(|| div_round(m.revenue, m.orders))
    }

    /// (Approved + pending commission − cost) ÷ cost, in the cost's currency.
    pub fn roi(&self, cost: Amount, c: Cur) -> Option<f64> {
        (cost.0 > 0).then(|| (self.money(c).earning().0 - cost.0) as f64 / cost.0 as f64)
    }

    /// The currency of most of this group's money (by commission rows),
    /// for ranking: the first currency when none.
    pub fn value(&self, metric: &str, currency: Option<Cur>) -> Amount {
        let count = |n: u64| Amount((n as i64).saturating_mul(SCALE));
        match metric {
            "orders" => count(self.orders),
            "items" => count(self.items),
            "clicks" => count(self.clicks),
            "pageviews" => count(self.pageviews),
            "commission" => currency
                .map(|c| self.money(c).earning())
                .unwrap_or_default(),
            "revenue" => currency.map(|c| self.money(c).revenue).unwrap_or_default(),
            _ => Amount::ZERO,
        }
    }
}

/// `a ÷ n`, rounded half away from zero to the 1/10,000.
pub fn div_round(a: Amount, n: u64) -> Amount {
    let n = n.min(i64::MAX as u64) as i128;
    let v = a.0 as i128;
    let q = if v >= 0 {
        (2 * v + n) / (2 * n)
    } else {
        (2 * v - n) / (2 * n)
    };
    Amount(q as i64)
}

/// What aggregation needs of a conversion row, without its strings: the
/// order id is hashed where the row is read, so a row can be handed to the
/// thread that adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// The hashed order id; `None`: the row is an order of its own.
    pub order: Option<u128>,
    pub day: Day,
    pub status: Status,
    pub currency: Cur,
    pub revenue: Amount,
    pub commission: Amount,
    pub refund: Amount,
    pub items: u64,
}

impl Fact {
    pub fn of(c: &Conversion, source: u32) -> Fact {
        Fact {
            order: (!c.own_order && !c.order_id.is_empty()).then(|| hash128(source, c.order_id)),
            day: c.day,
            status: c.status,
            currency: c.currency,
            revenue: c.revenue,
            commission: c.commission,
            refund: c.refund,
            items: c.items,
        }
    }
}

/// Which breakdown a group belongs to (for distinct-order counting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Breakdown {
    Total = 0,
    Creator = 1,
    Channel = 2,
    Link = 3,
    Day = 4,
}

/// A link row's key: creator, channel, link ([`NONE`]: not known).
pub type LinkKey = (u32, u32, u32);

/// Metrics of one period.
#[derive(Debug, Default)]
pub struct Aggregate {
    pub total: Metrics,
    /// Indexed by creator.
    pub creators: Vec<Metrics>,
    /// Indexed by channel; the last is "channel not known".
    pub channels: Vec<Metrics>,
    /// Link rows in the order they first had data; `link_index` finds them.
    pub links: Vec<(LinkKey, Metrics)>,
    link_index: HashMap<LinkKey, u32>,
    pub days: BTreeMap<Day, Metrics>,
    /// Only totals and creators (the previous period, for comparisons).
    lite: bool,
    /// Interned order ids: (network, id) hash → index.
    orders: HashMap<u128, u32>,
    /// Per order, per breakdown: the group it was first counted in.
    seen: Vec<[u32; 5]>,
    /// (breakdown, group, order) counted beyond the first group.
    more: HashSet<(u8, u32, u32)>,
    /// An addition overflowed (amounts beyond ±92 trillion units).
    pub overflow: bool,
    next_own: u64,
}

impl Aggregate {
    pub fn new(ix: &Index, lite: bool) -> Aggregate {
        Aggregate {
            creators: vec![Metrics::default(); ix.creators.len()],
            channels: vec![Metrics::default(); ix.channels.len() + 1],
            lite,
            ..Aggregate::default()
        }
    }

    /// Makes room for about `orders` orders at once: growing the order
    /// tables a million entries at a time was a tenth of a large report's
    /// time (the kernel zeroing new pages, then copying).
    pub fn reserve(&mut self, orders: usize) {
        self.orders.reserve(orders);
        self.seen.reserve(orders);
    }

    fn channel_slot(&self, ch: Option<u32>) -> usize {
        ch.map(|c| c as usize).unwrap_or(self.channels.len() - 1)
    }

    /// Adds a conversion row attributed to `t`; `source` tells order ids of
    /// different networks apart.
    pub fn conversion(&mut self, t: &Target, c: &Conversion, source: u32) {
        self.add(t, &Fact::of(c, source));
    }

    /// Adds a conversion, as [`Fact`].
    pub fn add(&mut self, t: &Target, c: &Fact) {
        let order = match c.order {
            None => {
                self.next_own += 1;
                let i = self.seen.len() as u32;
                self.seen.push([NONE; 5]);
                i
            }
            Some(h) => {
                let next = self.seen.len() as u32;
                let i = *self.orders.entry(h).or_insert(next);
                if i == next {
                    self.seen.push([NONE; 5]);
                }
                i
            }
        };
        let ch = self.channel_slot(t.channel);
        let link_key: LinkKey = (t.creator, t.channel.unwrap_or(NONE), t.link.unwrap_or(NONE));
        let mut overflow = false;
        let mut add = |m: &mut Metrics,
                       b: Breakdown,
                       group: u32,
                       seen: &mut [u32; 5],
                       more: &mut HashSet<(u8, u32, u32)>| {
            m.items += c.items;
            m.rows += 1;
            let first = seen[b as usize];
            let new = if first == NONE {
                seen[b as usize] = group;
                true
            } else if first == group {
                false
            } else {
                more.insert((b as u8, group, order))
            };
            if new {
                m.orders += 1;
            }
            let money = m.money_mut(c.currency);
            if new {
                money.orders += 1;
            }
            let slot = match c.status {
                Status::Pending => &mut money.pending,
                Status::Approved => &mut money.approved,
                Status::Rejected => &mut money.rejected,
            };
            for (sum, v) in [(slot, c.commission)] {
                match sum.checked_add(v) {
                    Some(x) => *sum = x,
                    None => overflow = true,
                }
            }
            for (sum, v) in [
                (&mut money.revenue, c.revenue),
                (&mut money.refunds, c.refund),
            ] {
                match sum.checked_add(v) {
                    Some(x) => *sum = x,
                    None => overflow = true,
                }
            }
        };
        let li = if self.lite {
            0
        } else {
            self.link_slot(link_key)
        };
        let seen = &mut self.seen[order as usize];
        add(&mut self.total, Breakdown::Total, 0, seen, &mut self.more);
        add(
            &mut self.creators[t.creator as usize],
            Breakdown::Creator,
            t.creator,
            seen,
            &mut self.more,
        );
        if !self.lite {
            add(
                &mut self.channels[ch],
                Breakdown::Channel,
                ch as u32,
                seen,
                &mut self.more,
            );
            add(
                &mut self.links[li as usize].1,
                Breakdown::Link,
                li,
                seen,
                &mut self.more,
            );
            // a day is its own group (offset: days before 1970 are negative)
            let day_group = (c.day.0 as i64 + (1 << 30)) as u32;
            add(
                self.days.entry(c.day).or_default(),
                Breakdown::Day,
                day_group,
                seen,
                &mut self.more,
            );
        }
        self.overflow |= overflow;
    }

    /// Adds `n` outbound clicks.
    pub fn clicks(&mut self, t: &Target, day: Day, n: u64) {
        let ch = self.channel_slot(t.channel);
        self.total.clicks += n;
        self.creators[t.creator as usize].clicks += n;
        if !self.lite {
            self.channels[ch].clicks += n;
            let li = self.link_slot((t.creator, t.channel.unwrap_or(NONE), t.link.unwrap_or(NONE)));
            self.links[li as usize].1.clicks += n;
            self.days.entry(day).or_default().clicks += n;
        }
    }

    fn link_slot(&mut self, key: LinkKey) -> u32 {
        let next = self.links.len() as u32;
        let i = *self.link_index.entry(key).or_insert(next);
        if i == next {
            self.links.push((key, Metrics::default()));
        }
        i
    }

    /// The metrics of a link row.
    pub fn link(&self, key: LinkKey) -> Option<&Metrics> {
        self.link_index
            .get(&key)
            .map(|i| &self.links[*i as usize].1)
    }

    /// Adds `n` page views of a creator's page.
    pub fn pageviews(&mut self, t: &Target, day: Day, n: u64) {
        let ch = self.channel_slot(t.channel);
        self.total.pageviews += n;
        self.creators[t.creator as usize].pageviews += n;
        if !self.lite {
            self.channels[ch].pageviews += n;
            self.days.entry(day).or_default().pageviews += n;
        }
    }
}

/// The currency money is ranked in: `preferred` if given, else the one
/// with the most conversion rows' money (by distinct orders), ties by code.
pub fn main_currency(total: &Metrics, preferred: Option<Cur>) -> Option<Cur> {
    preferred.or_else(|| {
        total
            .money
            .iter()
            .max_by(|a, b| a.1.orders.cmp(&b.1.orders).then(b.0.cmp(&a.0)))
            .map(|(c, _)| *c)
    })
}

/// A tier move between the previous period and this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Same,
    /// No previous period to compare with.
    Unknown,
}

impl Move {
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Up => "up",
            Move::Down => "down",
            Move::Same => "same",
            Move::Unknown => "",
        }
    }
}

/// One leaderboard row.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub rank: usize,
    pub creator: u32,
    pub commission: Amount,
    pub previous: Option<Amount>,
    pub tier: Option<String>,
    pub previous_tier: Option<String>,
    pub change: Move,
}

/// The tier of a value: the highest whose threshold it reaches.
pub fn tier_of(ladder: &[(String, Amount)], v: Amount) -> Option<String> {
    ladder
        .iter()
        .rev()
        .find(|(_, t)| v >= *t)
        .map(|(n, _)| n.clone())
}

/// Creators ranked by commission (approved + pending) in `cur`, then by
/// orders, then by handle; with their tiers now and in `previous`.
pub fn leaderboard(
    ix: &Index,
    now: &Aggregate,
    previous: Option<&Aggregate>,
    cur: Option<Cur>,
    tiers: Option<&TiersInput>,
    only: Option<u32>,
) -> Vec<Standing> {
    let metric = tiers.map(|t| t.metric.value.as_str()).unwrap_or("orders");
    let ladder = tiers.map(|t| t.ladder(metric)).unwrap_or_default();
    let tier_cur = tiers
        .and_then(|t| t.currency.as_ref())
        .and_then(|c| Cur::parse(&c.value))
        .or(cur);
    // Followers are the profile's, not the period's: the tier is the
    // creator's own, and nobody moves.
    let by_profile = metric == "followers";
    let reportable = !by_profile && !ladder.is_empty();
    let mut rows: Vec<Standing> = (0..ix.creators.len() as u32)
        .filter(|c| only.is_none_or(|o| o == *c))
        .map(|c| {
            let m = &now.creators[c as usize];
            let prev = previous.map(|p| &p.creators[c as usize]);
            let tier = if by_profile {
                ix.creators[c as usize].tier.clone()
            } else {
                reportable
                    .then(|| tier_of(&ladder, m.value(metric, tier_cur)))
                    .flatten()
            };
            let previous_tier = match prev {
                Some(p) if reportable => tier_of(&ladder, p.value(metric, tier_cur)),
                _ => None,
            };
            let rank_of = |t: &Option<String>| {
                t.as_ref()
                    .and_then(|n| ladder.iter().position(|(x, _)| x == n))
                    .map(|i| i as i64)
                    .unwrap_or(-1)
            };
            let change = match prev {
                Some(_) if reportable => match rank_of(&tier).cmp(&rank_of(&previous_tier)) {
                    std::cmp::Ordering::Greater => Move::Up,
                    std::cmp::Ordering::Less => Move::Down,
                    std::cmp::Ordering::Equal => Move::Same,
                },
                _ => Move::Unknown,
            };
            Standing {
                rank: 0,
                creator: c,
                commission: cur.map(|c| m.money(c).earning()).unwrap_or_default(),
                previous: prev.and_then(|p| cur.map(|c| p.money(c).earning())),
                tier,
                previous_tier,
                change,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.commission
            .cmp(&a.commission)
            .then(
                now.creators[b.creator as usize]
                    .orders
                    .cmp(&now.creators[a.creator as usize].orders),
            )
            .then(ix.handle(a.creator).cmp(ix.handle(b.creator)))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::attribute::Echo;
    use crate::report::index::Creator;

    fn index(n: usize) -> Index {
        let mut ix = Index {
            channels: vec!["bio".into(), "tiktok".into()],
            ..Index::default()
        };
        for i in 0..n {
            ix.creators.push(Creator {
                handle: format!("c{i}"),
                name: String::new(),
                channels: vec![0, 1],
                link_ids: HashMap::default(),
                cost: None,
                amazon_tags: vec![],
                tier: None,
            });
        }
        ix
    }

    fn conv<'a>(
        order: &'a str,
        cur: &str,
        status: Status,
        commission: &str,
        revenue: &str,
    ) -> Conversion<'a> {
        Conversion {
            order_id: order,
            own_order: false,
            day: Day::parse("2026-11-20").unwrap(),
            status,
            currency: Cur::parse(cur).unwrap(),
            revenue: Amount::parse(revenue).unwrap(),
            commission: Amount::parse(commission).unwrap(),
            refund: Amount::ZERO,
            items: 1,
            echo: Echo::Shopee(["", "", "", "", ""]),
        }
    }

    fn t(creator: u32, channel: u32, link: u32) -> Target {
        Target {
            creator,
            channel: Some(channel),
            link: Some(link),
        }
    }

    #[test]
    fn orders_are_distinct_per_group_and_money_stays_per_currency() {
        let ix = index(2);
        let mut a = Aggregate::new(&ix, false);
        // order A: two items on one link, order B on another link of the
        // same creator, order C in dollars
        a.conversion(
            &t(0, 1, 0),
            &conv("A", "VND", Status::Approved, "1000", "50000"),
            0,
        );
        a.conversion(
            &t(0, 1, 0),
            &conv("A", "VND", Status::Approved, "500", "20000"),
            0,
        );
        a.conversion(
            &t(0, 1, 1),
            &conv("B", "VND", Status::Pending, "300", "10000"),
            0,
        );
        a.conversion(
            &t(1, 0, 2),
            &conv("C", "USD", Status::Rejected, "1.25", "30"),
            0,
        );
        // the same id from another network is another order
        a.conversion(
            &t(1, 0, 2),
            &conv("C", "USD", Status::Approved, "0.75", "10"),
            1,
        );
        a.clicks(&t(0, 1, 0), Day::parse("2026-11-20").unwrap(), 10);

        assert_eq!(a.total.orders, 4);
        assert_eq!(a.total.items, 5);
        let c0 = &a.creators[0];
        assert_eq!((c0.orders, c0.items, c0.clicks), (2, 3, 10));
        assert_eq!(c0.money.len(), 1, "no dollars for creator 0");
        let vnd = c0.money(Cur::parse("VND").unwrap());
        assert_eq!(vnd.approved, Amount::parse("1500").unwrap());
        assert_eq!(vnd.pending, Amount::parse("300").unwrap());
        assert_eq!(vnd.revenue, Amount::parse("80000").unwrap());
        assert_eq!(c0.conversion_rate(), Some(0.2));
        assert_eq!(
            c0.epc(Cur::parse("VND").unwrap()),
            Some(Amount::parse("180").unwrap())
        );
        assert_eq!(
            c0.aov(Cur::parse("VND").unwrap()),
            Some(Amount::parse("40000").unwrap())
        );
        let c1 = &a.creators[1];
        let usd = c1.money(Cur::parse("USD").unwrap());
        assert_eq!(
            (usd.rejected, usd.approved, c1.orders),
            (
                Amount::parse("1.25").unwrap(),
                Amount::parse("0.75").unwrap(),
                2
            )
        );
        // totals keep the currencies apart
        assert_eq!(a.total.money.len(), 2);
        assert_eq!(a.link((0, 1, 0)).unwrap().orders, 1);
        assert_eq!(a.link((0, 1, 1)).unwrap().orders, 1);
        assert_eq!(a.channels[1].orders, 2);
        assert_eq!(a.days.len(), 1);
        // an order spread over two links counts once in each, once in total
        a.conversion(
            &t(0, 1, 1),
            &conv("A", "VND", Status::Approved, "1", "1"),
            0,
        );
        assert_eq!(a.link((0, 1, 1)).unwrap().orders, 2);
        assert_eq!(a.creators[0].orders, 2);
        assert_eq!(a.total.orders, 4);
        assert!(!a.overflow);
    }

    #[test]
    fn averages_round_half_away_from_zero() {
        assert_eq!(div_round(Amount(10), 3), Amount(3));
        assert_eq!(div_round(Amount(11), 2), Amount(6));
        assert_eq!(div_round(Amount(-11), 2), Amount(-6));
        assert_eq!(div_round(Amount(2_793_333_333), 1), Amount(2_793_333_333));
    }

    #[test]
    fn overflow_is_flagged_not_wrapped() {
        let ix = index(1);
        let mut a = Aggregate::new(&ix, false);
        let mut c = conv("A", "VND", Status::Approved, "1", "1");
        c.commission = Amount(i64::MAX - 10);
        a.conversion(&t(0, 0, 0), &c, 0);
        a.conversion(&t(0, 0, 0), &c, 0);
        assert!(a.overflow);
    }

    #[test]
    fn tiers_and_moves() {
        let ix = index(3);
        let tiers = TiersInput {
            metric: crate::model::At::bare("orders".into()),
            currency: None,
            tiers: vec![
                crate::report::config::TierInput {
                    name: "micro".into(),
                    thresholds: vec![
                        ("orders".into(), Amount::from_units(2).unwrap()),
                        ("followers".into(), Amount::from_units(10_000).unwrap()),
                    ],
                    plain: None,
                    loc: None,
                },
                crate::report::config::TierInput {
                    name: "nano".into(),
                    thresholds: vec![("orders".into(), Amount::from_units(1).unwrap())],
                    plain: None,
                    loc: None,
                },
            ],
            loc: None,
        };
        let mut now = Aggregate::new(&ix, false);
        let mut prev = Aggregate::new(&ix, true);
        now.conversion(
            &t(0, 0, 0),
            &conv("A", "VND", Status::Approved, "10", "1"),
            0,
        );
        now.conversion(
            &t(0, 0, 0),
            &conv("B", "VND", Status::Approved, "10", "1"),
            0,
        );
        now.conversion(
            &t(1, 0, 0),
            &conv("C", "VND", Status::Approved, "30", "1"),
            0,
        );
        prev.conversion(
            &t(1, 0, 0),
            &conv("P", "VND", Status::Approved, "5", "1"),
            0,
        );
        prev.conversion(
            &t(1, 0, 0),
            &conv("Q", "VND", Status::Approved, "5", "1"),
            0,
        );
        prev.conversion(
            &t(2, 0, 0),
            &conv("R", "VND", Status::Approved, "5", "1"),
            0,
        );
        let cur = main_currency(&now.total, None);
        let lb = leaderboard(&ix, &now, Some(&prev), cur, Some(&tiers), None);
        let row = |c: u32| lb.iter().find(|s| s.creator == c).unwrap().clone();
        assert_eq!(lb[0].creator, 1, "ranked by commission");
        assert_eq!(
            (row(0).tier.as_deref(), row(0).change),
            (Some("micro"), Move::Up)
        );
        assert_eq!(
            (
                row(1).tier.as_deref(),
                row(1).previous_tier.as_deref(),
                row(1).change
            ),
            (Some("nano"), Some("micro"), Move::Down)
        );
        assert_eq!((row(2).tier.as_deref(), row(2).change), (None, Move::Down));
        assert_eq!(row(1).previous, Some(Amount::parse("10").unwrap()));
        assert_eq!(lb.iter().map(|s| s.rank).collect::<Vec<_>>(), vec![1, 2, 3]);
        // without a previous period nothing moves
        let lb = leaderboard(&ix, &now, None, cur, Some(&tiers), None);
        assert!(lb.iter().all(|s| s.change == Move::Unknown));
        // tiers by followers: each creator's own, from its profile
        let mut ix = ix;
        ix.creators[2].tier = Some("macro".into());
        let by_followers = TiersInput {
            metric: crate::model::At::bare("followers".into()),
            ..tiers
        };
        let lb = leaderboard(&ix, &now, Some(&prev), cur, Some(&by_followers), None);
        let c2 = lb.iter().find(|s| s.creator == 2).unwrap();
        assert_eq!(
            (c2.tier.as_deref(), c2.change),
            (Some("macro"), Move::Unknown)
        );
        assert!(lb
            .iter()
            .filter(|s| s.creator != 2)
            .all(|s| s.tier.is_none()));
    }
}
