//! Languages and money: which UI strings a page shows and how it writes a
//! price. Kept as plain tables (no ICU) because biopage supports a small,
//! curated set of languages and currencies and must format them identically
//! on every machine.

use serde::Serialize;

/// The languages biopage has UI strings for. A `language` in profile.toml is
/// a BCP 47 tag that maps onto one of these (`vi-VN` → `Vi`, `zh-TW` → `ZhHant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Lang {
    En,
    Vi,
    ZhHans,
    ZhHant,
}

/// Tags accepted, for error messages.
pub const SUPPORTED_LANGUAGES: &[&str] = &["en", "vi", "zh-Hans", "zh-Hant"];

impl Lang {
    /// Maps a BCP 47 tag to a supported language. Region and script subtags
    /// are honoured where they change the script (zh-TW, zh-HK, zh-MO and
    /// zh-Hant are traditional Chinese).
    pub fn parse(tag: &str) -> Option<Lang> {
        let lower = tag.trim().replace('_', "-").to_ascii_lowercase();
        let mut parts = lower.split('-');
        let primary = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if rest
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return None;
        }
        match primary {
            "en" => Some(Lang::En),
            "vi" => Some(Lang::Vi),
            "zh" => {
                let traditional = rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
                let simplified = rest.iter().any(|p| matches!(*p, "hans" | "cn" | "sg"));
                Some(if traditional && !simplified {
                    Lang::ZhHant
                } else {
                    Lang::ZhHans
                })
            }
            _ => None,
        }
    }

    /// The value for `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Vi => "vi",
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
        }
    }

    /// The Open Graph locale.
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::En => "en_US",
            Lang::Vi => "vi_VN",
            Lang::ZhHans => "zh_CN",
            Lang::ZhHant => "zh_TW",
        }
    }

    fn is_zh(self) -> bool {
        matches!(self, Lang::ZhHans | Lang::ZhHant)
    }

    /// Thousands and decimal separators, and whether the symbol follows the
    /// number (Vietnamese writes `289.000 ₫`).
    fn number_style(self) -> (char, char, bool) {
        match self {
            Lang::Vi => ('.', ',', true),
            Lang::En | Lang::ZhHans | Lang::ZhHant => (',', '.', false),
        }
    }
}

/// Declares the UI strings once: the page's [`Strings`] (owned, so
/// `[strings]` in profile.toml can override any of them), the built-in
/// per-language tables, and the list of keys `[strings]` accepts.
macro_rules! ui_strings {
    ($($key:ident),* $(,)?) => {
        /// The UI strings of a page. Templates read them as `t.<key>`.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct Strings {
            $(pub $key: String,)*
        }

        struct Table {
            $($key: &'static str,)*
        }

        /// The keys of `[strings]`, in declaration order.
        pub const STRING_KEYS: &[&str] = &[$(stringify!($key)),*];

        impl Strings {
            fn from_table(t: &Table) -> Strings {
                Strings {
                    $($key: t.$key.to_string(),)*
                }
            }

            /// Replaces one string; `false` if `key` is not a UI string.
            pub fn set(&mut self, key: &str, value: &str) -> bool {
                match key {
                    $(stringify!($key) => {
                        self.$key = value.to_string();
                        true
                    })*
                    _ => false,
                }
            }
        }
    };
}

ui_strings! {
    links,
    products,
    socials,
    sponsored,
    disclosure,
    partnership,
    coupon,
    coupon_hint,
    copied,
    review,
    buy,
    was,
    redirecting,
    continue_to,
    not_found_title,
    not_found_body,
    back_home,
    skip_to_links,
    made_with,
    sensitive_page,
    sensitive_item,
}

/// The built-in strings of a language.
pub fn strings(lang: Lang) -> Strings {
    Strings::from_table(table(lang))
}

fn table(lang: Lang) -> &'static Table {
    match lang {
        Lang::En => &Table {
            links: "Links",
            products: "Products I recommend",
            socials: "Follow me",
            sponsored: "Ad",
            disclosure: "Some links on this page are affiliate or sponsored links: I may earn a commission when you buy, at no extra cost to you.",
            partnership: "Paid partnership with {brand}.",
            coupon: "Code",
            coupon_hint: "Tap the code to select it, then copy",
            copied: "Copied",
            review: "My review",
            buy: "Buy",
            was: "Was",
            redirecting: "Taking you to",
            continue_to: "Continue",
            not_found_title: "Page not found",
            not_found_body: "This page does not exist or has moved.",
            back_home: "Back to the main page",
            skip_to_links: "Skip to links",
            made_with: "Made with biopage",
            sensitive_page: "The links on this page are for adults (18+). I am 18 or older: show them",
            sensitive_item: "For adults (18+). I am 18 or older: show it",
        },
        Lang::Vi => &Table {
            links: "Liên kết",
            products: "Sản phẩm mình tin dùng",
            socials: "Theo dõi mình",
            sponsored: "Quảng cáo",
            disclosure: "Một số liên kết trên trang này là liên kết quảng cáo hoặc tiếp thị liên kết: mình có thể nhận hoa hồng khi bạn mua hàng, giá bạn trả không thay đổi.",
            partnership: "Hợp tác có trả phí với {brand}.",
            coupon: "Mã",
            coupon_hint: "Chạm vào mã để chọn rồi sao chép",
            copied: "Đã sao chép",
            review: "Xem review",
            buy: "Mua ngay",
            was: "Giá gốc",
            redirecting: "Đang chuyển đến",
            continue_to: "Tiếp tục",
            not_found_title: "Không tìm thấy trang",
            not_found_body: "Trang này không tồn tại hoặc đã được chuyển đi.",
            back_home: "Về trang chính",
            skip_to_links: "Chuyển đến liên kết",
            made_with: "Tạo bằng biopage",
            sensitive_page: "Các liên kết trên trang này dành cho người từ 18 tuổi. Mình đã đủ 18 tuổi: hiện ra",
            sensitive_item: "Dành cho người từ 18 tuổi. Mình đã đủ 18 tuổi: hiện ra",
        },
        Lang::ZhHans => &Table {
            links: "链接",
            products: "好物推荐",
            socials: "关注我",
            sponsored: "广告",
            disclosure: "本页部分链接为广告或推广链接：通过这些链接购买，我可能获得佣金，你支付的价格不变。",
            partnership: "与 {brand} 的付费合作。",
            coupon: "优惠码",
            coupon_hint: "点按优惠码即可选中并复制",
            copied: "已复制",
            review: "看测评",
            buy: "去购买",
            was: "原价",
            redirecting: "正在前往",
            continue_to: "继续",
            not_found_title: "页面不存在",
            not_found_body: "这个页面不存在或已被移动。",
            back_home: "返回主页",
            skip_to_links: "跳到链接",
            made_with: "由 biopage 生成",
            sensitive_page: "本页链接仅限成年人（18+）。我已年满 18 岁：显示",
            sensitive_item: "仅限成年人（18+）。我已年满 18 岁：显示",
        },
        Lang::ZhHant => &Table {
            links: "連結",
            products: "好物推薦",
            socials: "追蹤我",
            sponsored: "廣告",
            disclosure: "本頁部分連結為廣告或推廣連結：透過這些連結購買，我可能獲得佣金，你支付的價格不變。",
            partnership: "與 {brand} 的付費合作。",
            coupon: "優惠碼",
            coupon_hint: "點按優惠碼即可選取並複製",
            copied: "已複製",
            review: "看評測",
            buy: "去購買",
            was: "原價",
            redirecting: "正在前往",
            continue_to: "繼續",
            not_found_title: "找不到頁面",
            not_found_body: "這個頁面不存在或已被移動。",
            back_home: "返回主頁",
            skip_to_links: "跳到連結",
            made_with: "由 biopage 產生",
            sensitive_page: "本頁連結僅限成年人（18+）。我已年滿 18 歲：顯示",
            sensitive_item: "僅限成年人（18+）。我已年滿 18 歲：顯示",
        },
    }
}

/// An ISO 4217 currency biopage can format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    /// Digits after the decimal point in the major unit.
    pub minor_digits: u32,
    symbol: &'static str,
    /// The symbol in Chinese pages where it differs (CN¥ is just ¥ there).
    zh_symbol: Option<&'static str>,
}

/// A currency whose symbol on Chinese pages differs (CN¥ is just ¥ there).
const fn cur_zh(
    code: &'static str,
    minor_digits: u32,
    symbol: &'static str,
    zh_symbol: &'static str,
) -> Currency {
    Currency {
        code,
        minor_digits,
        symbol,
        zh_symbol: Some(zh_symbol),
    }
}

const fn cur(code: &'static str, minor_digits: u32, symbol: &'static str) -> Currency {
    Currency {
        code,
        minor_digits,
        symbol,
        zh_symbol: None,
    }
}

/// What creators write for a currency instead of its ISO code, where it
/// names one currency only: the renminbi's RMB and 元, the dong's đ and
/// VNĐ, the Taiwan dollar's NT$ … (accepted as the code they stand for).
const ALIASES: &[(&str, &str)] = &[
    ("rmb", "CNY"),
    ("元", "CNY"),
    ("人民币", "CNY"),
    ("人民幣", "CNY"),
    ("cn¥", "CNY"),
    ("vnđ", "VND"),
    ("vnd₫", "VND"),
    ("đ", "VND"),
    ("₫", "VND"),
    ("đồng", "VND"),
    ("dong", "VND"),
    ("nt$", "TWD"),
    ("ntd", "TWD"),
    ("新台币", "TWD"),
    ("新台幣", "TWD"),
    ("台币", "TWD"),
    ("台幣", "TWD"),
    ("us$", "USD"),
    ("hk$", "HKD"),
    ("港币", "HKD"),
    ("港幣", "HKD"),
    ("a$", "AUD"),
    ("ca$", "CAD"),
    ("c$", "CAD"),
    ("nz$", "NZD"),
    ("s$", "SGD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₱", "PHP"),
    ("rm", "MYR"),
    ("rp", "IDR"),
    ("฿", "THB"),
    ("円", "JPY"),
    ("jp¥", "JPY"),
];

/// Signs several currencies share: suggested, never guessed.
pub const AMBIGUOUS: &[(&str, &str)] = &[
    ("$", "USD (or AUD, CAD, HKD, NZD, SGD, TWD)"),
    ("¥", "CNY or JPY"),
    ("￥", "CNY or JPY"),
    ("kr", "SEK, NOK or DKK"),
];

/// The ISO code an alias stands for.
pub fn alias(written: &str) -> Option<&'static str> {
    let lower = written.trim().to_lowercase();
    ALIASES
        .iter()
        .find(|(a, _)| *a == lower)
        .map(|(_, code)| *code)
}

/// The currencies of the markets biopage's users sell in. Symbols follow
/// CLDR's English short forms; ambiguous dollar and yen signs are qualified
/// except in the currency's home language.
pub const CURRENCIES: &[Currency] = &[
    cur("AUD", 2, "A$"),
    cur("CAD", 2, "CA$"),
    cur("CHF", 2, "CHF "),
    cur_zh("CNY", 2, "CN¥", "¥"),
    cur("EUR", 2, "€"),
    cur("GBP", 2, "£"),
    cur_zh("HKD", 2, "HK$", "HK$"),
    cur("IDR", 0, "Rp "),
    cur("INR", 2, "₹"),
    cur_zh("JPY", 0, "¥", "JP¥"),
    cur("KRW", 0, "₩"),
    cur("MYR", 2, "RM "),
    cur("NZD", 2, "NZ$"),
    cur("PHP", 2, "₱"),
    cur("SGD", 2, "S$"),
    cur("THB", 2, "฿"),
    cur_zh("TWD", 0, "NT$", "NT$"),
    cur("USD", 2, "US$"),
    cur("VND", 0, "₫"),
];

impl Currency {
    pub fn lookup(code: &str) -> Option<Currency> {
        let code = code.trim();
        let code = alias(code).unwrap_or(code);
        CURRENCIES
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
            .copied()
    }

    fn symbol_for(&self, lang: Lang) -> &'static str {
        // Taiwan and Hong Kong read a bare ¥ as yen: only simplified Chinese
        // pages write the yuan without its country.
        if self.code == "CNY" && lang == Lang::ZhHant {
            return self.symbol;
        }
        if lang.is_zh() {
            if let Some(s) = self.zh_symbol {
                return s;
            }
        }
        if self.code == "USD" && lang == Lang::En {
            return "$";
        }
        self.symbol
    }

    /// Converts an amount in the major unit to minor units, rounding half
    /// away from zero; `None` if the amount is negative, not finite or too big.
    pub fn to_minor(&self, amount: f64) -> Option<i64> {
        let scaled = amount * 10f64.powi(self.minor_digits as i32);
        if !scaled.is_finite() || !(0.0..=1e15).contains(&scaled) {
            return None;
        }
        Some(scaled.round() as i64)
    }

    /// The amount as a plain decimal string (`199.00`), for JSON-LD.
    pub fn plain(&self, minor: i64) -> String {
        let digits = self.minor_digits as usize;
        if digits == 0 {
            return minor.to_string();
        }
        let div = 10i64.pow(self.minor_digits);
        format!("{}.{:0digits$}", minor / div, minor % div)
    }

    /// The amount as a reader of `lang` expects it: `289.000 ₫` (vi),
    /// `₫289,000` (en), `¥199.00` (zh-Hans), `$28.90` (en).
    pub fn format(&self, minor: i64, lang: Lang) -> String {
        let (group, decimal, symbol_after) = lang.number_style();
        let digits = self.minor_digits as usize;
        let div = 10i64.pow(self.minor_digits);
        let whole = (minor / div).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 8);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(group);
            }
            grouped.push(c);
        }
        if digits > 0 {
            grouped.push(decimal);
            grouped.push_str(&format!("{:0digits$}", minor % div));
        }
        let symbol = self.symbol_for(lang).trim_end();
        if symbol_after {
            format!("{grouped}\u{a0}{symbol}")
        } else if self.symbol_for(lang).ends_with(' ') {
            format!("{symbol}\u{a0}{grouped}")
        } else {
            format!("{symbol}{grouped}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(code: &str, amount: f64, lang: Lang) -> String {
        let c = Currency::lookup(code).unwrap();
        c.format(c.to_minor(amount).unwrap(), lang)
    }

    #[test]
    fn formats_per_language() {
        assert_eq!(fmt("VND", 289000.0, Lang::Vi), "289.000\u{a0}₫");
        assert_eq!(fmt("CNY", 199.0, Lang::ZhHans), "¥199.00");
        assert_eq!(fmt("USD", 28.9, Lang::En), "$28.90");
        assert_eq!(fmt("VND", 1289000.0, Lang::En), "₫1,289,000");
        assert_eq!(fmt("USD", 28.9, Lang::Vi), "28,90\u{a0}US$");
        assert_eq!(fmt("CNY", 1234.5, Lang::En), "CN¥1,234.50");
        assert_eq!(fmt("JPY", 1500.0, Lang::ZhHant), "JP¥1,500");
        assert_eq!(fmt("CNY", 199.0, Lang::ZhHant), "CN¥199.00");
        assert_eq!(fmt("MYR", 12.0, Lang::En), "RM\u{a0}12.00");
        assert_eq!(fmt("VND", 0.0, Lang::Vi), "0\u{a0}₫");
    }

    #[test]
    fn plain_amounts_for_structured_data() {
        let c = Currency::lookup("cny").unwrap();
        assert_eq!(c.plain(c.to_minor(199.0).unwrap()), "199.00");
        assert_eq!(c.plain(c.to_minor(0.5).unwrap()), "0.50");
        let v = Currency::lookup("VND").unwrap();
        assert_eq!(v.plain(289000), "289000");
    }

    #[test]
    fn rejects_negative_and_absurd_amounts() {
        let c = Currency::lookup("USD").unwrap();
        assert_eq!(c.to_minor(-1.0), None);
        assert_eq!(c.to_minor(f64::NAN), None);
        assert_eq!(c.to_minor(1e300), None);
    }

    #[test]
    fn every_language_has_every_string_and_overrides_apply() {
        for lang in [Lang::En, Lang::Vi, Lang::ZhHans, Lang::ZhHant] {
            let t = strings(lang);
            let json = serde_json::to_value(&t).unwrap();
            let obj = json.as_object().unwrap();
            assert_eq!(obj.len(), STRING_KEYS.len());
            for key in STRING_KEYS {
                let v = obj[*key].as_str().unwrap();
                assert!(!v.trim().is_empty(), "{lang:?} {key}");
            }
        }
        let mut t = strings(Lang::Vi);
        assert!(t.set("copied", "Xong!"));
        assert_eq!(t.copied, "Xong!");
        assert!(!t.set("copyed", "x"));
        assert_eq!(
            strings(Lang::ZhHant).sensitive_item,
            "僅限成年人（18+）。我已年滿 18 歲：顯示"
        );
    }

    #[test]
    fn language_tags() {
        assert_eq!(Lang::parse("vi"), Some(Lang::Vi));
        assert_eq!(Lang::parse("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::parse("en_US"), Some(Lang::En));
        assert_eq!(Lang::parse("zh"), Some(Lang::ZhHans));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhHans));
        assert_eq!(Lang::parse("zh-TW"), Some(Lang::ZhHant));
        assert_eq!(Lang::parse("zh-Hant-HK"), Some(Lang::ZhHant));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse("vi-"), None);
        assert_eq!(Lang::parse(""), None);
    }
}
