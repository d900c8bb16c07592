//! Calendar days for reports. Exports write dates in many shapes; a report
//! groups by the day as the export wrote it (the network's or analytics
//! tool's own time zone), so no time zone arithmetic happens here.

use std::fmt;

/// Days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    pub fn from_ymd(y: i64, m: i64, d: i64) -> Option<Day> {
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) || !(1900..=9999).contains(&y)
        {
            return None;
        }
        Some(Day(crate::load::days_from_civil(y, m, d) as i32))
    }

    /// The UTC day of a Unix time.
    pub fn from_unix(secs: i64) -> Day {
        Day(secs.div_euclid(86_400) as i32)
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i64, i64, i64) {
        // Howard Hinnant's civil_from_days
        let z = self.0 as i64 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// The dates exports write, taking the day as written:
    /// `2026-11-24`, `2026-11-24 09:30:00`, `2026-11-24T09:30:00.000Z`,
    /// `2026-11-24T09:30:00+07:00`, `20261124` (GA4), `2026/11/24`,
    /// `November 24, 2026`, `Nov 24, 2026`, `24 Nov 2026`.
    pub fn parse(text: &str) -> Option<Day> {
        let s = text.trim();
        let b = s.as_bytes();
        if b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && (b[4] == b'-' || b[4] == b'/')
            && b[7] == b[4]
        {
            let rest = &s[10..];
            if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
                return None;
            }
            if !rest.is_empty() && !valid_time(&rest[1..]) {
                return None;
            }
            return Day::from_ymd(num(&s[..4])?, num(&s[5..7])?, num(&s[8..10])?);
        }
        if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
            return Day::from_ymd(num(&s[..4])?, num(&s[4..6])?, num(&s[6..8])?);
        }
        // textual months
        let words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        match words.as_slice() {
            [m, d, y, ..] if month(m).is_some() => Day::from_ymd(num(y)?, month(m)?, num(d)?),
            [d, m, y, ..] if month(m).is_some() => Day::from_ymd(num(y)?, month(m)?, num(d)?),
            _ => None,
        }
    }

    /// Slash dates whose order the caller knows: `dmy` (24/11/2026) or
    /// not (11/24/2026).
    pub fn parse_slashed(text: &str, dmy: bool) -> Option<Day> {
        let s = text.trim();
        let date = s.split([' ', 'T']).next()?;
        let parts: Vec<&str> = date.split('/').collect();
        let [a, b, y] = parts.as_slice() else {
            return None;
        };
        let (d, m) = if dmy { (a, b) } else { (b, a) };
        if y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
            return None;
        }
        Day::from_ymd(num(y)?, num(m)?, num(d)?)
    }

    /// A date written by a template of `YYYY`, `MM`, `DD` and any other
    /// characters, which must match literally up to the end of the template
    /// (the rest of the value, a time, is ignored): `DD/MM/YYYY`.
    pub fn parse_with(text: &str, template: &str) -> Option<Day> {
        let s = text.trim();
        let (mut y, mut m, mut d) = (None, None, None);
        let mut si = 0;
        let mut ti = 0;
        let tb = template.as_bytes();
        let sb = s.as_bytes();
        while ti < tb.len() {
            let t = &template[ti..];
            let field = if t.starts_with("YYYY") {
                Some((4, &mut y))
            } else if t.starts_with("MM") {
                Some((2, &mut m))
            } else if t.starts_with("DD") {
                Some((2, &mut d))
            } else {
                None
            };
            match field {
                Some((len, slot)) => {
                    // MM and DD may be written with one digit
                    let mut end = si;
                    while end < sb.len() && end - si < len && sb[end].is_ascii_digit() {
                        end += 1;
                    }
                    if end == si || (len == 4 && end - si != 4) {
                        return None;
                    }
                    *slot = num(&s[si..end]);
                    si = end;
                    ti += len;
                }
                None => {
                    if sb.get(si) != tb.get(ti) {
                        return None;
                    }
                    si += 1;
                    ti += 1;
                }
            }
        }
        Day::from_ymd(y?, m?, d?)
    }

    pub fn succ(self) -> Day {
        Day(self.0 + 1)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn valid_time(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 5
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2] == b':'
        && b[3..5].iter().all(u8::is_ascii_digit)
        && t[..2].parse::<u32>().is_ok_and(|h| h < 24)
        && t[3..5].parse::<u32>().is_ok_and(|m| m < 60)
        && t[5..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | 'Z' | '+' | '-' | ' '))
}

fn month(w: &str) -> Option<i64> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    NAMES
        .iter()
        .position(|n| w.starts_with(n) && (w.len() == 3 || full_month(&w)))
        .map(|i| i as i64 + 1)
}

fn full_month(w: &str) -> bool {
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "sept",
    ]
    .contains(&w)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        Day::parse(s).unwrap_or_else(|| panic!("{s}")).to_string()
    }

    #[test]
    fn parses_what_exports_write() {
        assert_eq!(d("2026-11-24"), "2026-11-24");
        assert_eq!(d("2026-11-24 23:59:59"), "2026-11-24");
        assert_eq!(d("2026-11-24T09:30:00.000Z"), "2026-11-24");
        assert_eq!(d("2026-11-24T09:30:00+07:00"), "2026-11-24");
        assert_eq!(d("20261124"), "2026-11-24");
        assert_eq!(d("2026/11/24"), "2026-11-24");
        assert_eq!(d("November 24, 2026"), "2026-11-24");
        assert_eq!(d("Nov 24, 2026"), "2026-11-24");
        assert_eq!(d("24 Nov 2026"), "2026-11-24");
        assert_eq!(d("2024-02-29"), "2024-02-29");
        for bad in [
            "",
            "2026-13-01",
            "2026-02-30",
            "2025-02-29",
            "24/11/2026",
            "yesterday",
            "2026-11-24x",
            "2026-11-24 25:00",
            "Nov 2026",
            "99999999",
        ] {
            assert!(Day::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn slashes_and_templates() {
        assert_eq!(
            Day::parse_slashed("24/11/2026", true).unwrap().to_string(),
            "2026-11-24"
        );
        assert_eq!(
            Day::parse_slashed("11/24/2026 10:00", false)
                .unwrap()
                .to_string(),
            "2026-11-24"
        );
        assert!(Day::parse_slashed("24/11/2026", false).is_none());
        assert_eq!(
            Day::parse_with("24.11.2026 10:00", "DD.MM.YYYY")
                .unwrap()
                .to_string(),
            "2026-11-24"
        );
        assert_eq!(
            Day::parse_with("3/1/2026", "DD/MM/YYYY")
                .unwrap()
                .to_string(),
            "2026-01-03"
        );
        assert!(Day::parse_with("2026-11-24", "DD/MM/YYYY").is_none());
    }

    #[test]
    fn round_trips() {
        for n in [-1000, 0, 1, 20_000, 20_818, 30_000] {
            let (y, m, dd) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, dd), Some(Day(n)));
        }
    }
}
