//! `[style]`: accent colour, button shape and page background, applied
//! without touching templates.
//!
//! The choices become one tiny CSS rule of custom properties (`--accent`,
//! `--on-accent`, `--btn-radius`, `--page`) that every built-in theme reads,
//! appended to the theme's inline stylesheet. Only validated values reach the
//! CSS (hex colours and fixed keywords), so nothing a creator writes can
//! inject a rule, a URL or a closing `</style>`.
//!
//! Pure: colours in, CSS and diagnostics out.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::model::{At, StyleInput};

/// An sRGB colour.
pub type Rgb = [u8; 3];

pub const WHITE: Rgb = [255, 255, 255];
/// The dark text put on light accents when black reads better than white.
pub const NEAR_BLACK: Rgb = [17, 17, 17];
pub const BLACK: Rgb = [0, 0, 0];

/// The darkest light-mode surface accent-coloured text sits on in the
/// built-in themes (default's `--bg2`, behind the bio's links): an accent
/// that reads on it reads on every light surface. A unit test holds every
/// theme to it.
pub const LIGHT_SURFACE: Rgb = [0xfd, 0xe8, 0xef];
/// The lightest dark-mode surface accent-coloured text sits on (shop's
/// `--soft`, behind the disclosure badge).
pub const DARK_SURFACE: Rgb = [0x2a, 0x1d, 0x14];

/// WCAG AA for normal text.
pub const AA: f64 = 4.5;

/// How much accent the `gradient` background mixes into the page colour.
const GRADIENT_TINT: f64 = 0.12;

pub const BUTTONS: &[&str] = &["rounded", "pill", "square"];
pub const BACKGROUNDS: &[&str] = &["theme", "plain", "gradient"];

/// `#rgb` or `#rrggbb` (any case); nothing else, so every value is a colour
/// both CSS and the contrast check understand.
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
    match hex.len() {
        3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 => {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
            Some([byte(0)?, byte(2)?, byte(4)?])
        }
        _ => None,
    }
}

pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// WCAG 2 relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    let ch = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

/// WCAG 2 contrast ratio, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The text colour for a button filled with `accent`: white when it reaches
/// AA, else near-black, else black (which always does when white does not:
/// the two cross over at about 4.58:1).
pub fn on_color(accent: Rgb) -> Rgb {
    [WHITE, NEAR_BLACK]
        .into_iter()
        .find(|&t| contrast(t, accent) >= AA)
        .unwrap_or(BLACK)
}

/// `a` mixed with `b`, `t` of the way to `b`, per sRGB channel (what CSS
/// `color-mix(in srgb, …)` does).
pub fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

/// The least change of `c` towards `toward` (white to lighten, black to
/// darken) that makes it reach AA on the surface `surface_of` gives for it.
/// `None` if even `toward` itself does not.
fn shift_to_aa(c: Rgb, toward: Rgb, surface_of: impl Fn(Rgb) -> Rgb) -> Option<Rgb> {
    (0..=100)
        .map(|i| mix(c, toward, i as f64 / 100.0))
        .find(|&x| contrast(x, surface_of(x)) >= AA)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Background {
    Theme,
    Plain,
    Gradient,
}

/// The surface accent-coloured text may sit on, in light or dark mode.
fn surface(base: Rgb, accent: Rgb, background: Background) -> Rgb {
    match background {
        Background::Gradient => {
            let tinted = mix(base, accent, GRADIENT_TINT);
            // the darker of the two in light mode, the lighter in dark mode
            let light = luminance(base) > 0.5;
            if (luminance(tinted) < luminance(base)) == light {
                tinted
            } else {
                base
            }
        }
        _ => base,
    }
}

/// What `[style]` resolved to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Style {
    /// The CSS appended to the theme's stylesheet; empty without `[style]`.
    pub css: String,
}

/// Resolves `[style]`: each key from the profile, else from the agency.
pub fn resolve(profile: &StyleInput, agency: Option<&StyleInput>) -> (Style, Diagnostics) {
    let pick = |f: fn(&StyleInput) -> &Option<At<String>>| {
        f(profile)
            .as_ref()
            .or_else(|| agency.and_then(|a| f(a).as_ref()))
    };
    let mut diags = Diagnostics::default();
    let colour = |key: &str, v: &At<String>, diags: &mut Diagnostics| match parse_hex(&v.value) {
        Some(c) => Some(c),
        None => {
            let help = if v.value.trim_start().starts_with('#') {
                format!("write {key} = \"#e91e63\" (6 hex digits) or \"#e16\" (3)")
            } else {
                format!(
                    "write the colour as a hex code, like {key} = \"#e91e63\"; colour names, \
                     rgb() and other CSS are not accepted, so the page's contrast can be checked"
                )
            };
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` must be a colour written #rgb or #rrggbb, not \"{}\"",
                    v.value
                ))
                .at(v.loc.clone())
                .help(help),
            );
            None
        }
    };
    let keyword = |key: &str, v: &At<String>, allowed: &[&str], diags: &mut Diagnostics| {
        let value = v.value.trim().to_ascii_lowercase();
        if allowed.contains(&value.as_str()) {
            return Some(value);
        }
        let mut help = match did_you_mean(&value, allowed.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"? "),
            None => String::new(),
        };
        help.push_str(&format!("write {key} = \"{}\"", allowed.join("\", \"")));
        if key == "background" && (value.starts_with('#') || value.contains('(')) {
            help.push_str(
                "; colours and images are not accepted, because every theme's text must keep \
                 its contrast on the background in light and dark mode: set `accent` and use \
                 background = \"gradient\" for a tinted page",
            );
        }
        diags.push(
            Diagnostic::error(format!("unknown {key} \"{}\"", v.value))
                .at(v.loc.clone())
                .help(help),
        );
        None
    };

    let background = match pick(|s| &s.background) {
        None => Background::Theme,
        Some(v) => match keyword("background", v, BACKGROUNDS, &mut diags).as_deref() {
            Some("plain") => Background::Plain,
            Some("gradient") => Background::Gradient,
            _ => Background::Theme,
        },
    };
    let radius = pick(|s| &s.buttons).and_then(|v| {
        keyword("buttons", v, BUTTONS, &mut diags).map(|b| match b.as_str() {
            "pill" => "999px",
            "square" => "0",
            _ => "12px",
        })
    });
    let accent = pick(|s| &s.accent).and_then(|v| colour("accent", v, &mut diags).map(|c| (c, v)));
    let accent_dark =
        pick(|s| &s.accent_dark).and_then(|v| colour("accent_dark", v, &mut diags).map(|c| (c, v)));

    let mut light = String::new();
    let mut dark = String::new();
    if let Some((c, at)) = accent {
        light.push_str(&format!(
            "--accent:{};--on-accent:{};",
            hex(c),
            hex(on_color(c))
        ));
        let on = surface(LIGHT_SURFACE, c, background);
        let ratio = contrast(c, on);
        if ratio < AA {
            let fix = shift_to_aa(c, BLACK, |x| surface(LIGHT_SURFACE, x, background))
                .map(|f| format!("use a darker shade, such as accent = \"{}\"", hex(f)))
                .unwrap_or_else(|| "use a darker colour".into());
            diags.push(
                Diagnostic::warning(
                    "accent-contrast",
                    format!(
                        "the accent {} has a contrast of {:.1}:1 on the light page; links and \
                         prices drawn in it need 4.5:1 (WCAG AA)",
                        hex(c),
                        ratio
                    ),
                )
                .at(at.loc.clone())
                .help(fix),
            );
        }
    }
    let dark_accent = match (accent_dark, accent) {
        (Some((c, at)), _) => {
            let ratio = contrast(c, surface(DARK_SURFACE, c, background));
            if ratio < AA {
                let fix = shift_to_aa(c, WHITE, |x| surface(DARK_SURFACE, x, background))
                    .map(|f| format!("use a lighter shade, such as accent_dark = \"{}\"", hex(f)))
                    .unwrap_or_else(|| "use a lighter colour".into());
                diags.push(
                    Diagnostic::warning(
                        "accent-contrast",
                        format!(
                            "the dark-mode accent {} has a contrast of {:.1}:1 on the dark page; \
                             links and prices drawn in it need 4.5:1 (WCAG AA)",
                            hex(c),
                            ratio
                        ),
                    )
                    .at(at.loc.clone())
                    .help(fix),
                );
            }
            Some(c)
        }
        // Dark pages get the accent lightened just enough to read: one
        // colour can practically never reach AA on both white and near-black.
        (None, Some((c, _))) => {
            Some(shift_to_aa(c, WHITE, |x| surface(DARK_SURFACE, x, background)).unwrap_or(WHITE))
        }
        (None, None) => None,
    };
    if let Some(c) = dark_accent {
        dark.push_str(&format!(
            "--accent:{};--on-accent:{};",
            hex(c),
            hex(on_color(c))
        ));
    }
    if let Some(r) = radius {
        light.push_str(&format!("--btn-radius:{r};"));
    }
    match background {
        Background::Theme => {}
        Background::Plain => light.push_str("--page:var(--bg);"),
        Background::Gradient => light.push_str(&format!(
            "--page:linear-gradient(180deg,color-mix(in srgb,var(--accent) {}%,var(--bg)) 0,var(--bg) 420px) no-repeat var(--bg);",
            (GRADIENT_TINT * 100.0).round()
        )),
    }
    let mut css = String::new();
    if !light.is_empty() {
        css.push_str(&format!(":root{{{}}}", light.trim_end_matches(';')));
    }
    if !dark.is_empty() {
        css.push_str(&format!(
            "@media (prefers-color-scheme:dark){{:root{{{}}}}}",
            dark.trim_end_matches(';')
        ));
    }
    (Style { css }, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(accent: Option<&str>, buttons: Option<&str>, background: Option<&str>) -> StyleInput {
        StyleInput {
            accent: accent.map(|s| At::bare(s.into())),
            accent_dark: None,
            buttons: buttons.map(|s| At::bare(s.into())),
            background: background.map(|s| At::bare(s.into())),
        }
    }

    #[test]
    fn hex_colours_only() {
        assert_eq!(parse_hex("#e91e63"), Some([0xe9, 0x1e, 0x63]));
        assert_eq!(parse_hex("#E16"), Some([0xee, 0x11, 0x66]));
        assert_eq!(parse_hex(" #fff "), Some(WHITE));
        for bad in [
            "e91e63",
            "#e91e6",
            "#e91e63ff",
            "red",
            "#ggg",
            "#",
            "",
            "#+12345",
            "#ñ12",
        ] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        assert_eq!(hex([0xe9, 0x1e, 0x63]), "#e91e63");
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast(WHITE, BLACK) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // #767676 is the classic lightest grey that passes AA on white
        assert!(contrast([0x76; 3], WHITE) >= 4.5);
        assert!(contrast([0x77; 3], WHITE) < 4.5);
    }

    #[test]
    fn button_text_always_reaches_aa() {
        for r in 0..16u8 {
            for g in 0..16u8 {
                for b in 0..16u8 {
                    let c = [r * 17, g * 17, b * 17];
                    let on = on_color(c);
                    assert!(contrast(on, c) >= AA, "{} on {}", hex(on), hex(c));
                }
            }
        }
        assert_eq!(on_color([0xb8, 0x12, 0x4f]), WHITE);
        assert_eq!(on_color([0xff, 0xd4, 0x00]), NEAR_BLACK);
    }

    #[test]
    fn derived_dark_accent_reads_on_dark_pages() {
        for c in ["#b8124f", "#000000", "#2419c7", "#e91e63", "#ffd400"] {
            let (style, diags) = resolve(&input(Some(c), None, Some("gradient")), None);
            assert!(style.css.contains("@media (prefers-color-scheme:dark)"));
            let dark_part = style.css.split("dark){").nth(1).unwrap();
            // ":root{--accent:#xxxxxx;…"
            let d = parse_hex(&dark_part[15..22]).unwrap_or_else(|| panic!("{}", style.css));
            assert!(contrast(d, surface(DARK_SURFACE, d, Background::Gradient)) >= AA);
            assert!(!diags
                .0
                .iter()
                .any(|d| d.message.contains("dark-mode accent")));
        }
    }

    #[test]
    fn css_is_exact_and_layered() {
        let (s, d) = resolve(&input(Some("#B8124F"), Some("pill"), Some("plain")), None);
        assert!(d.0.is_empty(), "{:?}", d.0);
        assert!(s.css.starts_with(
            ":root{--accent:#b8124f;--on-accent:#ffffff;--btn-radius:999px;--page:var(--bg)}"
        ));
        // the profile wins key by key; the agency fills the rest
        let agency = input(Some("#2419c7"), Some("square"), None);
        let (s, _) = resolve(&input(None, Some("rounded"), None), Some(&agency));
        assert!(s.css.contains("--accent:#2419c7") && s.css.contains("--btn-radius:12px"));
        assert_eq!(resolve(&StyleInput::default(), None).0.css, "");
    }

    #[test]
    fn bad_values_are_errors_with_help() {
        let (_, d) = resolve(&input(Some("pink"), Some("round"), Some("#fff")), None);
        let msgs: Vec<String> = d.0.iter().map(|x| x.message.clone()).collect();
        assert_eq!(d.0.len(), 3, "{msgs:?}");
        assert!(d.has_errors());
        // in order: background, buttons, accent
        assert!(d.0[0]
            .help
            .as_deref()
            .unwrap()
            .contains("colours and images are not accepted"));
        assert!(d.0[1]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean \"rounded\""));
        assert!(msgs[2].contains("#rgb or #rrggbb"));
    }

    #[test]
    fn a_pale_accent_is_warned_with_a_darker_suggestion() {
        let (s, d) = resolve(&input(Some("#ffd400"), None, None), None);
        assert!(!d.has_errors());
        let w = &d.0[0];
        assert!(w.message.contains("contrast of 1.2:1"), "{}", w.message);
        let help = w.help.as_deref().unwrap();
        let suggested = parse_hex(help.split('"').nth(1).unwrap()).unwrap();
        assert!(contrast(suggested, LIGHT_SURFACE) >= AA);
        // the button text is still chosen to read
        assert!(s.css.contains("--on-accent:#111111"));
    }

    /// The reference surfaces are at least as demanding as every surface of
    /// every built-in theme, so a passing accent passes in all of them.
    #[test]
    fn reference_surfaces_cover_every_theme() {
        for (t, _) in crate::themes::builtin_names() {
            let path = format!("{}/themes/{t}/style.css", env!("CARGO_MANIFEST_DIR"));
            let css = std::fs::read_to_string(path).unwrap();
            let (light, dark) = css.split_once("prefers-color-scheme: dark").unwrap();
            assert!(
                light.contains("--accent:") || t == "minimal",
                "{t} has no --accent"
            );
            for var in ["--bg:", "--card:", "--bg2:", "--soft:"] {
                // default's --soft is only behind images and text in --text
                if t == "default" && var == "--soft:" {
                    continue;
                }
                if let Some(c) = first_colour(light, var) {
                    assert!(luminance(c) >= luminance(LIGHT_SURFACE), "{t} light {var}");
                }
                if let Some(c) = first_colour(dark, var) {
                    assert!(luminance(c) <= luminance(DARK_SURFACE), "{t} dark {var}");
                }
            }
        }
    }

    fn first_colour(css: &str, var: &str) -> Option<Rgb> {
        let at = css.find(var)? + var.len();
        parse_hex(css[at..].trim_start().get(..7)?)
    }
}
