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

#[cfg(test)]
mod tests {
    use super::*;

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
