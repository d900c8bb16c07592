//! Money in reports: exact decimal amounts, never floating point, and never
//! added across currencies.
//!
//! An [`Amount`] is an integer count of 1/10,000 of a currency unit. Every
//! network writes at most two decimals (Shopee, Amazon) or whole đồng
//! (AccessTrade), so four decimals hold every input exactly; an input with
//! more non-zero decimals is refused rather than rounded, because a report
//! that silently rounds commission cannot be reconciled with the network's.

use std::fmt;

/// Units per whole currency unit.
pub const SCALE: i64 = 10_000;

/// An exact amount, in 1/10,000 of a unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub i64);

/// Why a text is not an amount, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAmount(pub String);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub fn from_units(units: i64) -> Option<Amount> {
        units.checked_mul(SCALE).map(Amount)
    }

    /// Parses a decimal amount as networks write it: `289000`, `12.50`,
    /// `-3.2`, `1,234,567.89` (commas grouping thousands), `1.234.567`
    /// (dots grouping thousands: two or more groups), with an optional
    /// currency sign before or after (`$12.50`, `12.50 ₫`).
    pub fn parse(text: &str) -> Result<Amount, BadAmount> {
        let bad = |why: &str| {
            Err(BadAmount(format!(
                "\"{}\" is not an amount{why}",
                short(text)
            )))
        };
        let s = strip_sign(text.trim());
        let (negative, s) = match s.as_bytes().first() {
            Some(b'-') => (true, strip_sign(&s[1..])),
            Some(b'+') => (false, strip_sign(&s[1..])),
            _ => (false, s),
        };
        let Some((whole, frac)) = split_decimal(s) else {
            return bad("");
        };
        let frac = frac.trim_end_matches('0');
        if frac.len() > 4 {
            return bad(": more than four decimal places");
        }
        let mut units: i64 = 0;
        for c in whole.bytes() {
            units = match units
                .checked_mul(10)
                .and_then(|u| u.checked_add((c - b'0') as i64))
            {
                Some(u) => u,
                None => return bad(": too large"),
            };
        }
        let mut small: i64 = 0;
        for (i, c) in frac.bytes().enumerate() {
            small += (c - b'0') as i64 * 10i64.pow(3 - i as u32);
        }
        let Some(v) = units.checked_mul(SCALE).and_then(|u| u.checked_add(small)) else {
            return bad(": too large");
        };
        Ok(Amount(if negative { -v } else { v }))
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `self × n` (a price times a count).
    pub fn checked_mul(self, n: i64) -> Option<Amount> {
        self.0.checked_mul(n).map(Amount)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// For charts and ratios only; sums stay exact.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// The exact value as a plain decimal (`289000`, `12.5`, `-0.0001`),
    /// for JSON and CSV: no grouping, no trailing zeros beyond `digits`.
    pub fn plain(self, digits: u32) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let whole = abs / SCALE as u64;
        let frac = abs % SCALE as u64;
        let mut f = format!("{frac:04}");
        while f.len() > digits as usize && f.ends_with('0') {
            f.pop();
        }
        let sign = if neg { "-" } else { "" };
        if f.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{f}")
        }
    }

    /// For people: rounded (half away from zero) to the currency's minor
    /// digits and grouped by thousands: `1,234,000`, `12.50`.
    pub fn display(self, digits: u32) -> String {
        let digits = digits.min(4);
        let step = 10i64.pow(4 - digits);
        let rounded = if self.0 >= 0 {
            (self.0 + step / 2) / step
        } else {
            (self.0 - step / 2) / step
        };
        let neg = rounded < 0;
        let abs = rounded.unsigned_abs();
        let div = 10u64.pow(digits);
        let whole = (abs / div).to_string();
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if digits > 0 {
            out.push('.');
            out.push_str(&format!("{:0w$}", abs % div, w = digits as usize));
        }
        out
    }
}

/// Currency signs and codes that may stand before or after a number.
const SIGNS: &[&str] = &[
    "US$", "NT$", "CDN$", "CA$", "MX$", "S$", "R$", "A$", "C$", "$", "€", "£", "¥", "₫", "đ", "₱",
    "฿", "₹", "₩", "Rs.", "RM", "Rp", "VND", "USD", "EUR", "GBP", "SGD", "MYR", "PHP", "THB",
    "IDR",
];

/// The text without one currency sign or code at either end (and the
/// spaces next to it).
fn strip_sign(s: &str) -> &str {
    // most amounts are bare numbers: nothing to look for
    let (first, last) = (s.as_bytes().first(), s.as_bytes().last());
    if first.is_some_and(|c| c.is_ascii_digit() || *c == b'-' || *c == b'+' || *c == b'.')
        && last.is_some_and(u8::is_ascii_digit)
    {
        return s;
    }
    let mut s = s.trim_matches(|c: char| c == ' ' || c == '\u{a0}');
    if let Some(p) = SIGNS.iter().find(|p| s.starts_with(*p)) {
        s = s[p.len()..].trim_start_matches([' ', '\u{a0}']);
    }
    if let Some(p) = SIGNS.iter().find(|p| s.ends_with(*p)) {
        s = s[..s.len() - p.len()].trim_end_matches([' ', '\u{a0}']);
    }
    s
}

/// Splits `1,234.5` / `1.234.567` / `12.5` into whole digits and fraction
/// digits, checking that grouping separators stand every three digits;
/// `None` if it is not a number. A comma as the decimal point (`1.234,5`)
/// is not guessed at.
fn split_decimal(s: &str) -> Option<(String, &str)> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b',')
    {
        return None;
    }
    let grouped = |whole: &str, sep: char| -> Option<String> {
        let parts: Vec<&str> = whole.split(sep).collect();
        if parts.len() > 1
            && (parts[0].is_empty()
                || parts[0].len() > 3
                || parts[1..].iter().any(|p| p.len() != 3))
        {
            return None;
        }
        Some(parts.concat())
    };
    let (whole, frac) = match (s.matches('.').count(), s.matches(',').count()) {
        (0, 0) => (s.to_string(), ""),
        (1, _) => {
            let (w, f) = s.split_once('.')?;
            if f.contains(',') {
                return None;
            }
            (grouped(w, ',')?, f)
        }
        (0, _) => (grouped(s, ',')?, ""),
        (_, 0) => (grouped(s, '.')?, ""),
        _ => return None,
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    Some((whole, frac))
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// An ISO 4217 currency code (three ASCII capitals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cur(pub [u8; 3]);

impl Cur {
    /// A code as written (`vnd`, `USD`); `None` unless it is three letters.
    pub fn parse(code: &str) -> Option<Cur> {
        let c = code.trim().as_bytes();
        if c.len() == 3 && c.iter().all(u8::is_ascii_alphabetic) {
            Some(Cur([
                c[0].to_ascii_uppercase(),
                c[1].to_ascii_uppercase(),
                c[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point, for display: biopage's own table
    /// (where VND, IDR, TWD … have none), else ISO 4217's common cases.
    pub fn digits(&self) -> u32 {
        if let Some(c) = crate::i18n::Currency::lookup(self.code()) {
            return c.minor_digits;
        }
        match self.code() {
            "CLP" | "ISK" | "UGX" | "XAF" | "XOF" | "PYG" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }

    /// The currency of a sign in a column header, as networks write them:
    /// `Purchase Value(₫)`, `Price($)`, `Ad Fees(£)`. `dollar` is what a
    /// bare `$` means in that export (Shopee Singapore: SGD; Amazon.com: USD).
    pub fn from_sign(sign: &str, dollar: &str) -> Option<Cur> {
        let code = match sign.trim() {
            "₫" | "đ" | "VND" => "VND",
            "₱" | "PHP" => "PHP",
            "RM" | "MYR" => "MYR",
            "Rp" | "IDR" => "IDR",
            "฿" | "THB" => "THB",
            "S$" | "SGD" => "SGD",
            "NT$" | "TWD" => "TWD",
            "R$" | "BRL" => "BRL",
            "$" => dollar,
            "US$" | "USD" => "USD",
            "CDN$" | "C$" | "CA$" | "CAD" => "CAD",
            "£" | "GBP" => "GBP",
            "€" | "EUR" => "EUR",
            "¥" | "JPY" | "￥" => "JPY",
            "₹" | "Rs." | "Rs" | "INR" => "INR",
            "A$" | "AUD" => "AUD",
            "MX$" | "MXN" => "MXN",
            "kr" | "SEK" => "SEK",
            other => return Cur::parse(other),
        };
        Cur::parse(code)
    }
}

impl fmt::Display for Cur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> i64 {
        Amount::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}")).0
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(p("289000"), 2_890_000_000);
        assert_eq!(p("12.5"), 125_000);
        assert_eq!(p("0.0001"), 1);
        assert_eq!(p("-3.20"), -32_000);
        assert_eq!(p("1,234,567.89"), 12_345_678_900);
        assert_eq!(p("1.234.567"), 12_345_670_000);
        assert_eq!(p("$12.50"), 125_000);
        assert_eq!(p(" 289000 ₫"), 2_890_000_000);
        assert_eq!(p("12.50000"), 125_000);
        assert_eq!(p(".5"), 5_000);
        // 0.1 + 0.2 is 0.3 here
        let sum = Amount::parse("0.1")
            .unwrap()
            .checked_add(Amount::parse("0.2").unwrap())
            .unwrap();
        assert_eq!(sum, Amount::parse("0.3").unwrap());
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "",
            "-",
            "abc",
            "12a",
            "1,23",
            "1.234,5",
            "12.34567",
            "1..2",
            "N/A",
            "1e5",
            "99999999999999999999",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shows_amounts() {
        assert_eq!(Amount(12_345_678_900).display(2), "1,234,567.89");
        assert_eq!(Amount(2_890_000_000).display(0), "289,000");
        assert_eq!(Amount(125_000).display(0), "13");
        assert_eq!(Amount(-125_000).display(2), "-12.50");
        assert_eq!(Amount(125_000).plain(2), "12.50");
        assert_eq!(Amount(2_890_000_000).plain(0), "289000");
        assert_eq!(Amount(1).plain(0), "0.0001");
        assert_eq!(Amount(-5_000).plain(0), "-0.5");
    }

    #[test]
    fn currencies() {
        assert_eq!(Cur::parse("vnd").unwrap().code(), "VND");
        assert_eq!(Cur::parse("VND").unwrap().digits(), 0);
        assert_eq!(Cur::parse("USD").unwrap().digits(), 2);
        assert_eq!(Cur::parse("KWD").unwrap().digits(), 3);
        assert!(Cur::parse("US").is_none());
        assert_eq!(Cur::from_sign("₫", "USD").unwrap().code(), "VND");
        assert_eq!(Cur::from_sign("$", "SGD").unwrap().code(), "SGD");
        assert_eq!(Cur::from_sign("Rs.", "USD").unwrap().code(), "INR");
    }
}
