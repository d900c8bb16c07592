#!/usr/bin/env node
// Generates src/icons.rs: the icons of biopage's social buttons.
//
// Sources (pinned in scripts/package.json, locked in scripts/package-lock.json):
//   - simple-icons (CC0-1.0): every brand it has. Its DISCLAIMER.md: the icons
//     are trademarks of their owners, to be used to represent those brands,
//     which is what a link to a creator's profile does.
//   - Font Awesome Free brands (icons CC BY 4.0, attribution in src/icons.rs
//     and the README): brands simple-icons dropped at the owner's request
//     (LinkedIn, Amazon). Their "brand icons" terms: only to represent the
//     company they refer to, as here.
//   - Font Awesome Free solid (CC BY 4.0): a shopping bag for shops that no
//     well-kept set with a compatible licence draws (Lazada, Tiki; simple-icons
//     has refused or not yet cleared them), and the generic `shop`.
//   - biopage's own `email`, `website` and `xiaohongshu` (CC0-1.0, like
//     simple-icons). simple-icons draws Xiaohongshu as its wordmark, 小红书
//     in three tiny characters that do not read at 24 px; biopage's is the
//     app icon's idea: 书 knocked out of a rounded tile.
// Font Awesome paths live on a w×512 box; they are scaled and centred onto
// simple-icons' 24×24 box with svgpath (fitting the drawing's own bounds),
// rounded to 3 decimals.
//
// How to run (from the repository root):
//
//   (cd scripts && npm ci --no-audit --no-fund)
//   node scripts/gen_icons.mjs
//   cargo test --lib icons
//
// Output is deterministic for a given lock file: sorted, no dates. The
// script runs `rustfmt --edition 2021` on the result when rustfmt is on PATH.

import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outPath = resolve(here, '..', 'src', 'icons.rs');
const require = createRequire(join(here, 'package.json'));
const pkgDir = (name) => join(here, 'node_modules', name);
const version = (name) => JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;

const siVersion = version('simple-icons');
const faVersion = version('@fortawesome/free-brands-svg-icons');
const si = await import(pathToFileURL(join(pkgDir('simple-icons'), 'index.mjs')).href);
const faBrands = require('@fortawesome/free-brands-svg-icons');
const faSolid = require('@fortawesome/free-solid-svg-icons');
const svgpath = require('svgpath');

const bySlug = new Map();
for (const value of Object.values(si)) {
  if (value && typeof value === 'object' && value.slug && value.path) {
    bySlug.set(value.slug, value);
  }
}

const SI = `simple-icons ${siVersion}, CC0-1.0`;
const FA_BRANDS = `Font Awesome Free ${faVersion} brands, CC BY 4.0`;
const FA_SOLID = `Font Awesome Free ${faVersion} solid, CC BY 4.0`;
const OWN_SRC = 'biopage, CC0-1.0';

// Slugs taken from simple-icons, in its spelling. A missing one is an error:
// a platform the README promises must never silently lose its icon.
const FROM_SIMPLE_ICONS = [
  'tiktok', 'youtube', 'facebook', 'instagram', 'zalo', 'shopee', 'x',
  'threads', 'telegram', 'bilibili', 'sinaweibo', 'wechat',
  'spotify', 'github', 'pinterest', 'twitch', 'discord', 'messenger',
  'whatsapp', 'line', 'kakaotalk', 'snapchat', 'substack', 'patreon', 'kofi',
  'etsy', 'taobao', 'notion', 'medium', 'calendly',
];

// Stand-ins from simple-icons under another name.
const SI_STANDINS = {
  // Douyin is TikTok's Chinese sibling and its logo is the same note.
  douyin: { from: 'tiktok', title: 'Douyin', note: "TikTok's note: Douyin's logo is the same" },
};

// From Font Awesome Free: [slug, pack, export name, title, brand colour, note].
const FROM_FONT_AWESOME = [
  ['linkedin', faBrands, 'faLinkedin', 'LinkedIn', '0A66C2', FA_BRANDS, 'removed from simple-icons at the owner\'s request'],
  ['amazon', faBrands, 'faAmazon', 'Amazon', 'FF9900', FA_BRANDS, 'removed from simple-icons at the owner\'s request'],
  ['lazada', faSolid, 'faBagShopping', 'Lazada', '0F146D', FA_SOLID, 'a generic shopping bag: no set with a compatible licence draws Lazada\'s logo'],
  ['tiki', faSolid, 'faBagShopping', 'Tiki', '1A94FF', FA_SOLID, 'a generic shopping bag: no set with a compatible licence draws Tiki\'s logo'],
  ['shop', faSolid, 'faBagShopping', 'Shop', '475569', FA_SOLID, 'generic'],
];

// biopage's own icons: single fill-based paths (non-zero winding; a
// knocked-out shape is drawn in the opposite direction, and knocked-out
// pieces never overlap each other).
const OWN = [
  {
    slug: 'email',
    title: 'Email',
    hex: '475569',
    path:
      'M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 2v12h16V6z' +
      'm0 .3 8 5.2 8-5.2v2.4l-8 5.2-8-5.2z',
  },
  {
    // Xiaohongshu's app icon is 小红书 in white on a red tile; at 24 px three
    // characters are a smudge, so this keeps the tile and the character that
    // carries the name, 书 ("book"), in strokes about 2 units wide. The tile
    // runs clockwise; every piece knocked out of it runs counter-clockwise:
    // the top bar (in two, either side of the upright) and its drop, the long
    // bar (in two), its drop and the foot of its hook, the upright in five
    // pieces between the bars, and the dot. Drawn on the 24 grid, then scaled
    // by 0.92 about the centre to sit with the other icons' weight.
    slug: 'xiaohongshu',
    title: 'Xiaohongshu',
    hex: 'FF2442',
    path:
      'M6.48 1.88H17.52A4.6 4.6 0 0 1 22.12 6.48V17.52A4.6 4.6 0 0 1 17.52 22.12H6.48A4.6 4.6 0 0 1 1.88 17.52V6.48A4.6 4.6 0 0 1 6.48 1.88z' +
      'M6.85 7.03V9.06H10.25V7.03zM12.28 7.03V9.06H15.31V7.03z' +
      'M13.29 9.06V11.17H15.31V9.06zM5.38 11.17V13.2H10.25V11.17z' +
      'M12.28 11.17V13.2H18.07V11.17zM16.05 13.2V18.62H18.07V13.2z' +
      'M14.12 16.6V18.62H16.05V16.6zM10.25 5.01V7.03H12.28V5.01z' +
      'M10.25 7.03V9.06H12.28V7.03zM10.25 9.06V11.17H12.28V9.06z' +
      'M10.25 11.17V13.2H12.28V11.17zM10.25 13.2V18.99H12.28V13.2z' +
      'M15.77 5.1 16.88 7.86 18.62 7.12 17.52 4.36z',
  },
  {
    slug: 'website',
    title: 'Website',
    hex: '475569',
    path:
      'M12 2a10 10 0 0 1 0 20 10 10 0 0 1 0-20zm0 1.7a8.3 8.3 0 0 0 0 16.6 8.3 8.3 0 0 0 0-16.6z' +
      'm0-.9a4.3 9.2 0 0 1 0 18.4 4.3 9.2 0 0 1 0-18.4zm0 1.7a2.7 7.5 0 0 0 0 15 2.7 7.5 0 0 0 0-15z' +
      'M2.4 11.2h19.2v1.6H2.4zm1.6-4.4h16v1.5H4zm0 8.9h16v1.5H4z',
  },
];

// Font Awesome's [width, height, ligatures, unicode, path] onto 0 0 24 24:
// the drawing's own bounds (some glyphs overflow their nominal w×512 box),
// scaled so the longer side is 24 like simple-icons, and centred.
function faTo24(def, name) {
  if (!def) throw new Error(`Font Awesome has no ${name}`);
  const d = def.icon[4];
  if (typeof d !== 'string') throw new Error(`${name}: expected one path`);
  // bounds of every end and control point (a hull of the curves) once arcs
  // are turned into curves and everything is absolute
  const xs = [];
  const ys = [];
  for (const seg of svgpath(d).abs().unarc().segments) {
    const [cmd, ...n] = seg;
    if (cmd === 'H') xs.push(n[0]);
    else if (cmd === 'V') ys.push(n[0]);
    else for (let i = 0; i + 1 < n.length; i += 2) { xs.push(n[i]); ys.push(n[i + 1]); }
  }
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const s = 24 / Math.max(x1 - x0, y1 - y0);
  return svgpath(d)
    .translate(-x0, -y0)
    .scale(s)
    .translate((24 - (x1 - x0) * s) / 2, (24 - (y1 - y0) * s) / 2)
    .abs()
    .round(3)
    .toString();
}

// Alternative names accepted by lookup(), mapped to slugs (all lower case).
const ALIASES = [
  ['twitter', 'x'],
  ['weibo', 'sinaweibo'],
  ['ko-fi', 'kofi'],
  ['fb', 'facebook'],
  ['ig', 'instagram'],
  ['yt', 'youtube'],
  ['red', 'xiaohongshu'],
  ['rednote', 'xiaohongshu'],
  ['xhs', 'xiaohongshu'],
  ['mail', 'email'],
  ['e-mail', 'email'],
  ['web', 'website'],
  ['site', 'website'],
  ['link', 'website'],
  ['homepage', 'website'],
  ['store', 'shop'],
  ['whatsapp business', 'whatsapp'],
  ['facebook messenger', 'messenger'],
];

const icons = [];
for (const slug of FROM_SIMPLE_ICONS) {
  const icon = bySlug.get(slug);
  if (!icon) throw new Error(`simple-icons ${siVersion} has no ${slug}: pick another source`);
  icons.push({ slug, title: icon.title, hex: icon.hex.toUpperCase(), path: icon.path, source: SI });
}
for (const [slug, { from, title, note }] of Object.entries(SI_STANDINS)) {
  const base = bySlug.get(from);
  if (!base) throw new Error(`simple-icons ${siVersion} has no ${from} (stand-in for ${slug})`);
  icons.push({ slug, title, hex: base.hex.toUpperCase(), path: base.path, source: `${SI}; ${note}` });
}
for (const [slug, pack, name, title, hex, source, note] of FROM_FONT_AWESOME) {
  icons.push({ slug, title, hex, path: faTo24(pack[name], name), source: `${source}; ${note}` });
}
for (const own of OWN) icons.push({ ...own, source: OWN_SRC });
icons.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));

const slugs = new Set(icons.map((i) => i.slug));
// What issue 5 and the README promise: generation fails without any of them.
const REQUIRED = [
  'tiktok', 'youtube', 'facebook', 'instagram', 'zalo', 'shopee', 'lazada', 'x', 'threads',
  'telegram', 'xiaohongshu', 'douyin', 'bilibili', 'sinaweibo', 'wechat', 'email', 'website',
];
for (const r of REQUIRED) if (!slugs.has(r)) throw new Error(`required icon ${r} missing`);
for (const i of icons) if (!i.source) throw new Error(`${i.slug}: no source`);
const aliases = ALIASES.filter(([, target]) => slugs.has(target));
for (const [alias, target] of ALIASES) {
  if (!slugs.has(target)) console.warn(`alias ${alias} -> ${target} dropped: no such icon`);
  if (slugs.has(alias)) throw new Error(`alias ${alias} shadows an icon slug`);
}
const PATH_OK = /^[0-9MmLlHhVvCcSsQqTtAaZz ,.\-]+$/;
for (const i of icons) {
  if (!PATH_OK.test(i.path)) throw new Error(`${i.slug}: unexpected character in path`);
  if (!/^[0-9A-F]{6}$/.test(i.hex)) throw new Error(`${i.slug}: bad hex ${i.hex}`);
}

const rs = (s) => JSON.stringify(s); // the strings here are plain ASCII/printable

let out = '';
out += '//! Icons of the social buttons: one SVG path each on a 24×24 viewBox.\n';
out += '//! Generated by scripts/gen_icons.mjs from the versions pinned in\n';
out += '//! scripts/package-lock.json; do not edit by hand.\n';
out += '//!\n';
out += '//! Sources and licences (each icon names its own in a comment):\n';
out += `//! - simple-icons ${siVersion} (https://simpleicons.org), CC0-1.0.\n`;
out += `//! - Font Awesome Free ${faVersion} by Fonticons, Inc. (https://fontawesome.com),\n`;
out += '//!   icons under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/);\n';
out += '//!   scaled from their own bounds onto 24×24.\n';
out += '//! - biopage\'s own `email`, `website` and `xiaohongshu`, CC0-1.0.\n';
out += '//!\n';
out += '//! Brand icons are trademarks of their owners, used only to represent them.\n';
out += '//! Lazada and Tiki have no logo in any such set: they get a generic shopping bag.\n';
out += '\n';
out += '/// One icon: `path` is the `d` attribute of a single `<path>` on a `0 0 24 24` viewBox.\n';
out += '#[derive(Debug, Clone, Copy, PartialEq, Eq)]\n';
out += 'pub struct Icon {\n';
out += '    /// Lower-case identifier, as in simple-icons.\n    pub slug: &\'static str,\n';
out += '    /// Human-readable name, e.g. "TikTok".\n    pub title: &\'static str,\n';
out += '    /// Brand colour as six upper-case hex digits, without `#`.\n    pub hex: &\'static str,\n';
out += '    /// SVG path data.\n    pub path: &\'static str,\n';
out += '}\n\n';
out += '/// All icons, sorted by slug.\n';
out += 'pub const ICONS: &[Icon] = &[\n';
for (const i of icons) {
  out += `    // ${i.source}\n`;
  out += `    Icon {\n        slug: ${rs(i.slug)},\n        title: ${rs(i.title)},\n        hex: ${rs(i.hex)},\n        path: ${rs(i.path)},\n    },\n`;
}
out += '];\n\n';
out += '/// Alternative platform names accepted by [`lookup`], as `(alias, slug)`.\n';
out += 'pub const ALIASES: &[(&str, &str)] = &[\n';
for (const [a, t] of aliases) out += `    (${rs(a)}, ${rs(t)}),\n`;
out += '];\n\n';
out += `/// Looks a platform name up, case-insensitively, accepting aliases.
///
/// Matches a slug (\`"tiktok"\`), an alias (\`"twitter"\`) or a title (\`"Sina Weibo"\`).
pub fn lookup(platform: &str) -> Option<&'static Icon> {
    let key = platform.trim().to_ascii_lowercase();
    let slug = ALIASES
        .iter()
        .find(|(alias, _)| *alias == key)
        .map_or(key.as_str(), |(_, slug)| *slug);
    ICONS
        .iter()
        .find(|icon| icon.slug == slug)
        .or_else(|| ICONS.iter().find(|icon| icon.title.eq_ignore_ascii_case(&key)))
}

/// The icon of a social link: its platform's, else by the link's scheme
/// (\`mailto:\` is email), else the generic website icon, so every social
/// button shows an icon whatever platform name the creator typed.
pub fn for_social(platform: &str, url: &str) -> &'static Icon {
    lookup(platform)
        .or_else(|| {
            let scheme = url.trim_start().get(..7)?;
            scheme.eq_ignore_ascii_case("mailto:").then(|| lookup("email"))?
        })
        .or_else(|| lookup("website"))
        .expect("the website icon is generated")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_plain_svg_path_data() {
        for icon in ICONS {
            assert!(!icon.path.is_empty(), "{} has an empty path", icon.slug);
            assert!(
                icon.path
                    .chars()
                    .all(|c| c.is_ascii_digit() || "MmLlHhVvCcSsQqTtAaZz ,.-".contains(c)),
                "{} has an unexpected character in its path",
                icon.slug
            );
        }
    }

    #[test]
    fn hex_is_six_hex_digits() {
        for icon in ICONS {
            assert_eq!(icon.hex.len(), 6, "{}", icon.slug);
            assert!(icon.hex.chars().all(|c| c.is_ascii_hexdigit()), "{}", icon.slug);
        }
    }

    #[test]
    fn slugs_are_sorted_and_unique() {
        for pair in ICONS.windows(2) {
            assert!(pair[0].slug < pair[1].slug, "{} before {}", pair[0].slug, pair[1].slug);
        }
    }

    #[test]
    fn titles_are_human_names() {
${[
  ['tiktok', 'TikTok'], ['youtube', 'YouTube'], ['zalo', 'Zalo'], ['xiaohongshu', 'Xiaohongshu'],
  ['email', 'Email'], ['website', 'Website'], ['douyin', 'Douyin'],
]
  .filter(([s]) => slugs.has(s))
  .map(([s, t]) => `        assert_eq!(lookup(${rs(s)}).unwrap().title, ${rs(t)});`)
  .join('\n')}
    }

    #[test]
    fn lookup_finds_every_slug_and_alias() {
        for icon in ICONS {
            assert_eq!(lookup(icon.slug), Some(icon));
            assert_eq!(lookup(&icon.slug.to_uppercase()), Some(icon));
        }
        for (alias, slug) in ALIASES {
            assert_eq!(lookup(alias).map(|i| i.slug), Some(*slug), "alias {alias}");
        }
${[
  ['twitter', 'x'], ['Twitter', 'x'], ['weibo', 'sinaweibo'], ['Ko-fi', 'kofi'], ['ko-fi', 'kofi'],
  ['FB', 'facebook'], ['ig', 'instagram'], ['YT', 'youtube'], ['red', 'xiaohongshu'],
  ['RedNote', 'xiaohongshu'], ['mail', 'email'], ['E-mail', 'email'], ['web', 'website'],
  ['site', 'website'], ['link', 'website'], ['homepage', 'website'], ['Sina Weibo', 'sinaweibo'],
  [' TikTok ', 'tiktok'],
]
  .filter(([, s]) => slugs.has(s))
  .map(([a, s]) => `        assert_eq!(lookup(${rs(a)}).map(|i| i.slug), Some(${rs(s)}));`)
  .join('\n')}
    }

    #[test]
    fn unknown_platforms_are_none() {
        assert_eq!(lookup("nope"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn every_platform_the_readme_promises_has_its_icon() {
        for slug in [
${REQUIRED.map((s) => `            ${rs(s)},`).join('\n')}
        ] {
            let icon = lookup(slug).unwrap_or_else(|| panic!("no icon for {slug}"));
            assert!(icon.path.len() > 20, "{slug}: path too short");
            assert!(icon.path.starts_with('M'), "{slug}: path must start with M");
        }
    }

    #[test]
    fn paths_stay_on_the_24_box() {
        // the scaled Font Awesome paths are absolute: every number in them
        // (coordinates, arc radii and flags) lies within the 24×24 box
        for slug in ["linkedin", "amazon", "lazada", "tiki", "shop"] {
            let path = lookup(slug).unwrap().path;
            let mut nums = Vec::new();
            let mut cur = String::new();
            for c in path.chars().chain(std::iter::once(' ')) {
                let starts_new = c == '-' || (c == '.' && cur.contains('.'));
                if c.is_ascii_digit() || ((c == '.' || c == '-') && !starts_new) {
                    cur.push(c);
                    continue;
                }
                if !cur.is_empty() {
                    nums.push(cur.parse::<f64>().unwrap());
                    cur.clear();
                }
                if c == '-' || c == '.' {
                    cur.push(c);
                }
            }
            assert!(nums.len() > 10, "{slug}");
            assert!(nums.iter().all(|n| (0.0..=24.0).contains(n)), "{slug}: {path}");
        }
    }

    #[test]
    fn social_icons_fall_back_by_scheme_then_to_website() {
        assert_eq!(for_social("tiktok", "https://www.tiktok.com/@a").slug, "tiktok");
        assert_eq!(for_social("Contact", "mailto:a@b.example").slug, "email");
        assert_eq!(for_social("contact", " MAILTO:a@b.example").slug, "email");
        assert_eq!(for_social("my blog", "https://blog.example/").slug, "website");
        assert_eq!(for_social("", "mail").slug, "website");
        assert_eq!(for_social("zalo", "mailto:x@y.example").slug, "zalo");
    }
}
`;

writeFileSync(outPath, out);
const fmt = spawnSync('rustfmt', ['--edition', '2021', outPath], { stdio: 'inherit' });
if (fmt.error) console.warn('rustfmt not found: run `rustfmt --edition 2021 src/icons.rs` yourself');
else if (fmt.status !== 0) throw new Error('rustfmt failed');

console.log(`wrote ${outPath}: ${icons.length} icons (simple-icons ${siVersion}, Font Awesome Free ${faVersion})`);
