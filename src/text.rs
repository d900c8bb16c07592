//! Small text rules shared by every stage (a leaf: it imports nothing of
//! biopage's).

/// Whether `s` shows anything: at least one character that is not
/// whitespace, a control or format character, or one of Unicode's default
/// ignorable code points (zero-width spaces and joiners, variation
/// selectors, Hangul fillers, tags…), which browsers draw as nothing. A
/// disclosure or a "sponsored" badge made only of those would pass for one
/// while telling the visitor nothing.
pub fn visible(s: &str) -> bool {
    s.chars().any(|c| !invisible(c))
}

fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The longest id made from a title: short links are read aloud and typed
/// (`linh.example/go/serum-b5/`), and a Chinese title's pinyin is long.
pub const MAX_GENERATED_ID: usize = 24;

/// The id of an item without one: its title's slug, cut after the last
/// whole word that fits in [`MAX_GENERATED_ID`] characters. The flag says
/// whether anything was cut (then `check` suggests writing an `id`).
pub fn id_from_title(title: &str) -> (String, bool) {
    let full = slugify(title);
    if full.len() <= MAX_GENERATED_ID {
        return (full, false);
    }
    let mut out = String::new();
    for word in full.split('-') {
        let extra = if out.is_empty() {
            word.len()
        } else {
            word.len() + 1
        };
        if out.len() + extra > MAX_GENERATED_ID {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // one word longer than the limit
        out = full.chars().take(MAX_GENERATED_ID).collect();
    }
    (out, true)
}

/// A URL-safe id from a title: "Shop của Linh" → "shop-cua-linh",
/// "我的淘宝店" → "wo-de-tao-bao-dian".
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let mut out: String = out.chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "link".into()
    } else {
        out
    }
}

/// `s` cut to at most `n` characters, with an ellipsis when cut.
pub fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let cut: String = s.chars().take(n - 1).collect();
    format!("{}…", cut.trim_end())
}

/// "1 page", "2 pages": counts in messages, in English.
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The path part of the base URL ("/" or "/linh/"), so pages link to their
/// assets wherever the site is mounted.
pub fn root_path(base_url: &str) -> String {
    url::Url::parse(base_url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| "/".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Shop của Linh"), "shop-cua-linh");
        assert_eq!(slugify("Đặt lịch <b>!</b>"), "dat-lich-b-b");
        assert_eq!(slugify("我的淘宝店"), "wo-de-tao-bao-dian");
        assert_eq!(slugify("!!!"), "link");
    }

    #[test]
    fn generated_ids_are_short_and_cut_between_words() {
        assert_eq!(
            id_from_title("双十二护肤清单小红书笔记"),
            ("shuang-shi-er-hu-fu-qing".to_string(), true)
        );
        assert_eq!(
            id_from_title("Shop của Linh"),
            ("shop-cua-linh".to_string(), false)
        );
        let (id, cut) = id_from_title("Supercalifragilisticexpialidocious serum");
        assert!(cut && id.len() == MAX_GENERATED_ID, "{id}");
        for title in [
            "Kem chống nắng Anessa Perfect UV Sunscreen Skincare Milk",
            "小红书",
        ] {
            let (id, _) = id_from_title(title);
            assert!(id.len() <= MAX_GENERATED_ID && !id.ends_with('-'), "{id}");
        }
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate_chars("Nguyễn Thị Linh", 7), "Nguyễn…");
        assert_eq!(truncate_chars("短", 5), "短");
    }

    #[test]
    fn invisible_text_is_told_apart() {
        for s in [
            "",
            " ",
            "\u{200B}",
            "\u{200B}\u{200C}\u{FEFF}",
            "\u{3164}",
            "\u{E0041}\u{2060}",
            "\u{00A0}\u{3000}",
            "\u{2800}",
        ] {
            assert!(!visible(s), "{s:?}");
        }
        for s in ["Quảng cáo", "广告", "Ad", "\u{200B}x", "🌸"] {
            assert!(visible(s), "{s:?}");
        }
    }
}
