#!/usr/bin/env node
// Generates src/icons.rs: brand icons for biopage's link buttons.
//
// The brand data (titles, colours, SVG paths on a 24x24 viewBox) comes from the
// `simple-icons` npm package, which is released under CC0-1.0 (public domain).
// src/icons.rs was last generated with simple-icons 16.37.0. The `email` and
// `website` icons are biopage's own (also offered under CC0-1.0).
//
// How to run (from anywhere; nothing is installed into the repository):
//
//   mkdir -p /tmp/si && cd /tmp/si && npm init -y && npm install simple-icons
//   node /path/to/biopage/scripts/gen_icons.mjs /tmp/si/node_modules/simple-icons
//
// The argument is the installed package's directory (default:
// /tmp/si/node_modules/simple-icons, or $SIMPLE_ICONS_DIR). The script writes
// src/icons.rs next to this scripts/ folder and runs `rustfmt --edition 2021`
// on it when rustfmt is on PATH. Check the result with:
//
//   rustc --edition 2021 --test src/icons.rs -o /tmp/icons_test && /tmp/icons_test

import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outPath = resolve(here, '..', 'src', 'icons.rs');
const pkgDir = resolve(
  process.argv[2] || process.env.SIMPLE_ICONS_DIR || '/tmp/si/node_modules/simple-icons',
);

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
if (pkg.name !== 'simple-icons') {
  throw new Error(`${pkgDir} is not the simple-icons package (found ${pkg.name})`);
}
const si = await import(pathToFileURL(join(pkgDir, 'index.mjs')).href);
const bySlug = new Map();
for (const value of Object.values(si)) {
  if (value && typeof value === 'object' && value.slug && value.path) {
    bySlug.set(value.slug, value);
  }
}

// Slugs we want, in simple-icons' spelling. Missing ones are reported and skipped.
const WANTED = [
  'tiktok', 'youtube', 'facebook', 'instagram', 'zalo', 'shopee', 'lazada', 'x',
  'threads', 'telegram', 'xiaohongshu', 'douyin', 'bilibili', 'sinaweibo', 'wechat',
  'linkedin', 'spotify', 'github', 'pinterest', 'twitch', 'discord', 'messenger',
  'whatsapp', 'line', 'kakaotalk', 'snapchat', 'substack', 'patreon', 'kofi', 'tiki',
  'amazon', 'etsy', 'taobao', 'notion', 'medium', 'calendly',
];

// Stand-ins used when simple-icons has no icon of its own for a platform.
const FALLBACKS = {
  // Douyin is TikTok's Chinese sibling and uses the same note logo.
  douyin: { from: 'tiktok', title: 'Douyin' },
};

// biopage's own non-brand icons: single fill-based paths (non-zero winding).
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
    slug: 'website',
    title: 'Website',
    hex: '475569',
    path:
      'M12 2a10 10 0 0 1 0 20 10 10 0 0 1 0-20zm0 1.7a8.3 8.3 0 0 0 0 16.6 8.3 8.3 0 0 0 0-16.6z' +
      'm0-.9a4.3 9.2 0 0 1 0 18.4 4.3 9.2 0 0 1 0-18.4zm0 1.7a2.7 7.5 0 0 0 0 15 2.7 7.5 0 0 0 0-15z' +
      'M2.4 11.2h19.2v1.6H2.4zm1.6-4.4h16v1.5H4zm0 8.9h16v1.5H4z',
  },
];

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
];

const icons = [];
const missing = [];
const substituted = [];
for (const slug of WANTED) {
  const icon = bySlug.get(slug);
  if (icon) {
    icons.push({ slug, title: icon.title, hex: icon.hex.toUpperCase(), path: icon.path });
  } else if (FALLBACKS[slug] && bySlug.get(FALLBACKS[slug].from)) {
    const base = bySlug.get(FALLBACKS[slug].from);
    icons.push({ slug, title: FALLBACKS[slug].title, hex: base.hex.toUpperCase(), path: base.path });
    substituted.push(`${slug} (uses ${FALLBACKS[slug].from})`);
  } else {
    missing.push(slug);
  }
}
icons.push(...OWN);
icons.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));

const slugs = new Set(icons.map((i) => i.slug));
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
out += `//! Brand icons (SVG paths on a 24×24 viewBox) from simple-icons v${pkg.version} (CC0-1.0). Generated by scripts/gen_icons.mjs; do not edit by hand.\n`;
out += '//!\n';
out += '//! `email` and `website` are biopage\'s own icons, not brands.\n';
if (missing.length) {
  out += `//! Not in simple-icons v${pkg.version}, so absent here: ${missing.join(', ')}.\n`;
}
if (substituted.length) out += `//! Stand-ins: ${substituted.join(', ')}.\n`;
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
}
`;

writeFileSync(outPath, out);
const fmt = spawnSync('rustfmt', ['--edition', '2021', outPath], { stdio: 'inherit' });
if (fmt.error) console.warn('rustfmt not found: run `rustfmt --edition 2021 src/icons.rs` yourself');
else if (fmt.status !== 0) throw new Error('rustfmt failed');

console.log(`wrote ${outPath}: ${icons.length} icons from simple-icons v${pkg.version}`);
if (missing.length) console.log(`missing from simple-icons: ${missing.join(', ')}`);
if (substituted.length) console.log(`stand-ins: ${substituted.join(', ')}`);
