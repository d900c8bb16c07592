#!/usr/bin/env node
// Browser acceptance checks for biopage's built-in themes.
//
// For each theme: builds the example site with that theme, serves it on
// 127.0.0.1 and checks
//   - Lighthouse (mobile, default simulated throttling): performance,
//     accessibility, best-practices, seo; the median of 3 runs of each must
//     be 100
//   - axe-core: 0 violations at 390×844 and 1280×800, light and dark
//   - the Nu HTML Checker (vnu.jar): 0 errors on every generated HTML file
//   - no horizontal scrolling at 390 px (also on a stress fixture: 200
//     products, a 100-character Vietnamese name, Chinese text, emoji, long
//     unbroken URLs; left-to-right and right-to-left)
//   - index.html gzipped ≤ 14 KB, the theme's style.css ≤ 8 KB, and the
//     stylesheet the page inlines (shared.css and style.css, minified) ≤ 8 KB
// It also builds a Chinese creator with exactly one product (the layout
// with few products) and checks it with axe at both widths and for
// overflow at 390 px. It takes screenshots of both sites into
// docs/screenshots/ (or --shots-dir DIR). Then the same for the HTML of
// `biopage report` (a site's and an agency's report from the fixtures in
// tests/fixtures/report/): axe at both sizes in both schemes, the Nu HTML
// Checker, no horizontal scrolling at 390 px. And the same for the briefs of
// `biopage brief` (the campaign of `biopage init --agency`: a Vietnamese and
// a Chinese creator, and the index), with screenshots of a brief and a copy
// of a poster. Prints a summary table and exits 1 if any check failed, 2 if
// the checks could not run.
//
// Usage: node check.mjs [--bin PATH] [--themes a,b] [--no-lighthouse]
//          [--lighthouse-only] [--no-screenshots] [--shots-dir DIR]
//          [--no-stress] [--no-report] [--report-only] [--no-brief]
//          [--brief-only] [--lh-runs N]
//          [--lh-min N] [--lh-min-perf N] [--lh-realtime] [--keep]
//          [--json FILE]
// Lighthouse runs LH_RUNS times (default 3) per theme and each category's
// score is the median of the runs; --lh-min is the lowest passing median
// (default 100) of every category, --lh-min-perf overrides it for
// performance. --lighthouse-only skips everything but Lighthouse.
// --lh-realtime runs the Lighthouse browser at real-time priority (see
// realtimeChrome), for a machine busy with other work.
// Environment: CHROME_PATH (default /usr/bin/chromium), JAVA (default java).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';
import lighthouse from 'lighthouse';
import { saveArtifacts } from 'lighthouse/core/lib/asset-saver.js';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
const LH_VERSION = JSON.parse(fs.readFileSync(require.resolve('lighthouse/package.json'), 'utf8')).version;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const JAVA = process.env.JAVA || 'java';
const DATE = '2026-11-24';
// a day inside the window of the campaign `biopage init --agency` writes
const BRIEF_DATE = '2026-12-10';
const GZ_LIMIT = 14 * 1024;
const CSS_LIMIT = 8 * 1024;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const SHOT_MAX_PHONE_HEIGHT = 2400;
const SHOT_MAX_BYTES = 300 * 1024;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const CHROME_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const flag = (name) => argv.includes(name);
const BIN = path.resolve(opt('--bin', path.join(ROOT, 'target/release/biopage')));
const THEMES = (opt('--themes', '') || fs.readdirSync(path.join(ROOT, 'themes'))
  .filter((t) => fs.existsSync(path.join(ROOT, 'themes', t, 'theme.toml'))).sort().join(','))
  .split(',').filter(Boolean);
const LH_ONLY = flag('--lighthouse-only');
const LH_RT = flag('--lh-realtime');
let LH_PRIORITY = 'normal';
const DO_LH = !flag('--no-lighthouse');
if (LH_ONLY && !DO_LH) die('--lighthouse-only and --no-lighthouse exclude each other');
const DO_SHOTS = !flag('--no-screenshots') && !LH_ONLY;
const DO_STRESS = !flag('--no-stress') && !LH_ONLY;
const REPORT_ONLY = flag('--report-only');
const BRIEF_ONLY = flag('--brief-only');
if (REPORT_ONLY && BRIEF_ONLY) die('--report-only and --brief-only exclude each other');
const DO_REPORT = !flag('--no-report') && !LH_ONLY && !BRIEF_ONLY;
const DO_BRIEF = !flag('--no-brief') && !LH_ONLY && !REPORT_ONLY;
const LH_RUNS = Math.max(1, Number(opt('--lh-runs', '3')));
const LH_MIN = Number(opt('--lh-min', '100'));
// performance varies from run to run on a busy machine: its own threshold
const LH_MIN_PERF = Number(opt('--lh-min-perf', String(LH_MIN)));
const SHOT_DIR = path.resolve(opt('--shots-dir', path.join(ROOT, 'docs/screenshots')));

if (!fs.existsSync(BIN)) die(`no biopage binary at ${BIN}: run cargo build --release first`);
if (!fs.existsSync(CHROME)) die(`no Chromium at ${CHROME}: set CHROME_PATH`);

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'biopage-browser-'));
const failures = [];
const fail = (theme, what) => { failures.push(`${theme}: ${what}`); };
const log = (...a) => console.error('[check]', ...a);

function die(msg) {
  console.error(`error: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- sites
function copyDir(src, dst, skip = () => false) {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (skip(e.name)) continue;
    const s = path.join(src, e.name);
    const d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d, skip);
    else fs.copyFileSync(s, d);
  }
}

function setTheme(profile, theme) {
  const toml = fs.readFileSync(profile, 'utf8');
  const next = /^theme\s*=.*$/m.test(toml)
    ? toml.replace(/^theme\s*=.*$/m, `theme = "${theme}"`)
    : `theme = "${theme}"\n${toml}`;
  fs.writeFileSync(profile, next);
}

function exampleSite(theme) {
  const dir = path.join(WORK, `site-${theme}`);
  copyDir(path.join(ROOT, 'example-site'), dir, (n) => n === 'public');
  setTheme(path.join(dir, 'profile.toml'), theme);
  return dir;
}

// A creator who breaks layouts: 200 products, a 100-character Vietnamese
// name, Chinese text, emoji, unbroken URLs and codes.
function stressSite(theme) {
  const dir = path.join(WORK, `stress-${theme}`);
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const imgs = fs.readdirSync(path.join(ROOT, 'example-site/images')).filter((f) => f.endsWith('.jpg'));
  for (const f of imgs) fs.copyFileSync(path.join(ROOT, 'example-site/images', f), path.join(dir, 'images', f));
  const vnName = 'Nguyễn Thị Phương Thảo Quỳnh Hương Ngọc Diễm Kiều Trang Thuỳ Dương Bảo Châu Khánh Linh Hoàng Yến Mỹ Duyên Xuân Nghi Minh Thư';
  // 100 characters: the longest name biopage accepts
  const name = (vnName + ' Tường Vy Ánh Nguyệt').slice(0, 100);
  const longUrl = `https://example.com/${'a'.repeat(180)}?q=${'x'.repeat(60)}`;
  const q = (s) => JSON.stringify(s);
  let profile = `base_url = "https://stress.example/"
language = "vi"
theme = "${theme}"
name = ${q(name)}
handle = "${'nguyen.thi.phuong.thao_quynh-huong'.padEnd(60, 'x')}"
bio = """
Xin chào 👋🏻 mình là ${name.slice(0, 30)} — 你好，我是一个非常非常长的中文简介，没有空格也应该自动换行，不会撑破页面的布局。Emoji 🧴💄🛍️🇻🇳🇨🇳👩🏽‍💻 và một đường dẫn dài ${longUrl}
Thửnghiệmmộttừrấtdàikhôngcódấucáchnàoởgiữađểxemtrangcóbịtrànngangkhôngnhé${'ư'.repeat(40)}
"""
avatar = "images/avatar.jpg"

[networks.shopee]
affiliate_id = "17312345678"

[[socials]]
platform = "tiktok"
url = "https://www.tiktok.com/@${'x'.repeat(40)}"
[[socials]]
platform = "youtube"
url = "https://www.youtube.com/@stress"
[[socials]]
platform = "facebook"
url = "https://www.facebook.com/stress"
[[socials]]
platform = "instagram"
url = "https://www.instagram.com/stress/"
[[socials]]
platform = "zalo"
url = "https://zalo.me/0901234567"
[[socials]]
platform = "email"
url = "mailto:stress@stress.example"
label = "Email hợp tác 合作邮箱"
[[socials]]
platform = "website"
url = "https://stress.example/about"
label = "Website"
`;
  const linkTitles = [
    longUrl,
    '🛍️🛍️🛍️ Gian hàng Shopee chính hãng của mình — đồ mình đã dùng thật sự, không quảng cáo trá hình, không nhận booking ảo',
    '我的淘宝店铺：好物推荐，全部亲测有效，欢迎来逛逛！我的淘宝店铺：好物推荐，全部亲测有效',
    'Supercalifragilisticexpialidocious'.repeat(5),
    '🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥',
    'ไทย ภาษาไทยไม่มีช่องว่างระหว่างคำเลยนะครับลองดูว่าตัดบรรทัดได้ไหม',
  ];
  linkTitles.forEach((t, i) => {
    profile += `
[[links]]
id = "link-${i}"
title = ${q(t)}
url = ${q(i % 2 ? 'https://shopee.vn/m/stress-' + i : longUrl + i)}
${i < 2 ? 'featured = true' : `group = ${q(i % 3 ? 'Nhóm có tên rất dài không có khoảng trắng ' + 'x'.repeat(60) : '中文分组标题')}`}
`;
  });
  fs.writeFileSync(path.join(dir, 'profile.toml'), profile);
  let products = '';
  for (let i = 0; i < 200; i++) {
    const img = imgs.filter((f) => f !== 'avatar.jpg')[i % (imgs.length - 1)];
    const title = [
      `Sản phẩm số ${i}: ${'Kemchốngnắngsiêuchốngnướcdànhchodadầumụnnhạycảm'.repeat(2)}`,
      `好物 ${i}：超长中文商品名称没有任何空格也必须在卡片里自动换行不能溢出`,
      `✨💖 Product ${i} ${'🧴'.repeat(12)}`,
      `${longUrl}/${i}`,
    ][i % 4];
    products += `
[[products]]
id = "p-${i}"
title = ${q(title)}
url = "https://shopee.vn/product/${1000 + i}/${2000 + i}"
${i % 5 === 4 ? '' : `image = "images/${img}"`}
price = ${(i + 1) * 123457}
${i % 2 ? `compare_at_price = ${(i + 1) * 153457}` : ''}
currency = "VND"
${i % 3 ? `coupon = "${'COUPONCODE'.repeat(1 + (i % 4))}${i}"` : ''}
${i % 2 ? `review = "https://www.tiktok.com/@stress/video/${7301234567890123456n + BigInt(i)}"` : ''}
description = ${q(i % 2 ? `Mô tả dài ${longUrl} 中文描述没有空格也要换行 🎉` : 'Ngắn gọn.')}
${i % 7 === 0 ? 'featured = true' : ''}
`;
  }
  fs.writeFileSync(path.join(dir, 'products.toml'), products);
  return dir;
}

// A Chinese creator with exactly one product: how a theme looks with few
// products (issue 15), and the CJK text, the Xiaohongshu icon and the
// sponsored tag in Chinese.
function zhOneProductSite(theme) {
  const dir = path.join(WORK, `zh-one-${theme}`);
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  for (const f of ['avatar.jpg', 'serum-b5.jpg']) {
    fs.copyFileSync(path.join(ROOT, 'example-site/images', f), path.join(dir, 'images', f));
  }
  fs.writeFileSync(path.join(dir, 'profile.toml'), `base_url = "https://mei.example/"
language = "zh-Hans"
theme = "${theme}"
name = "林美美"
handle = "meimei.daily"
bio = """
上海 · 敏感肌护肤笔记 🌸 只推荐自己回购过的好物。
每周在**小红书**更新两次，合作请发邮件。
"""
avatar = "images/avatar.jpg"

[[socials]]
platform = "xiaohongshu"
url = "https://www.xiaohongshu.com/user/profile/meimei"
[[socials]]
platform = "douyin"
url = "https://www.douyin.com/user/meimei"
[[socials]]
platform = "bilibili"
url = "https://space.bilibili.com/123456"
[[socials]]
platform = "weibo"
url = "https://weibo.com/meimei"
[[socials]]
platform = "email"
url = "mailto:hezuo@mei.example"
label = "合作邮箱"

[[links]]
id = "taobao"
title = "淘宝店铺：美美的回购清单"
url = "https://shop123456.taobao.com/"
featured = true
sponsored = true

[[links]]
id = "guide"
title = "敏感肌修护全攻略（笔记合集）"
url = "https://www.xiaohongshu.com/explore/abc123"
group = "笔记"

[[links]]
id = "live"
title = "每周五晚 8 点直播"
url = "https://www.douyin.com/user/meimei/live"
group = "笔记"
`);
  fs.writeFileSync(path.join(dir, 'products.toml'), `[[products]]
id = "b5"
title = "理肤泉 B5 修护精华 30ml"
url = "https://item.taobao.com/item.htm?id=680012345678"
image = "images/serum-b5.jpg"
image_alt = "一瓶带滴管的蓝色精华"
price = 239
compare_at_price = 299
currency = "CNY"
sponsored = true
coupon = "MEI20"
review = "https://www.xiaohongshu.com/explore/def456"
description = "换季泛红时救急用，质地清爽不黏腻，敏感肌也能放心用。"
`);
  return dir;
}

// The reports of the fixtures in tests/fixtures/report/: a site with an
// export of every format, and an agency with a leaderboard and tiers.
function buildReports(root) {
  const fx = path.join(ROOT, 'tests/fixtures/report');
  const f = (n) => path.join(fx, n);
  const runs = [
    ['site', [f('site'), '--conversions', f('shopee-vi.csv'), f('accesstrade.json'), f('amazon-earnings.csv'), f('mynet.csv'),
      '--analytics', f('plausible-clicks.json'), f('plausible-pages.json'), f('ga4-clicks.json'), f('goatcounter.csv')]],
    ['agency', [f('agency'), '--conversions', f('agency-shopee.csv'), '--from', '2026-11-01', '--to', '2026-11-30']],
  ];
  const outs = [];
  for (const [name, args] of runs) {
    const out = path.join(root, name);
    const r = spawnSync(BIN, ['report', ...args, '-o', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`biopage report (${name}) failed (${r.status}):\n${r.stdout}${r.stderr}`);
    outs.push([name, out]);
  }
  return outs;
}

// The briefs of the campaign of `biopage init --agency` (linh writes in
// Vietnamese, mei in simplified Chinese), on a day of its window.
function buildBriefs(root) {
  const agency = path.join(root, 'agency');
  const init = spawnSync(BIN, ['init', '--agency', agency], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`biopage init --agency failed (${init.status}):\n${init.stdout}${init.stderr}`);
  // init starts the campaign on the day it runs: fixed dates, for the same pages every day
  const campaign = path.join(agency, 'campaigns/glow-lab-launch.toml');
  fs.writeFileSync(campaign, fs.readFileSync(campaign, 'utf8')
    .replace(/^starts = .*$/m, 'starts = 2026-12-04').replace(/^ends = .*$/m, 'ends = 2026-12-31'));
  const out = path.join(root, 'briefs');
  const r = spawnSync(BIN, ['brief', 'glow-lab-launch', agency, '-o', out, '--date', BRIEF_DATE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`biopage brief failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return out;
}

function build(site, out, baseUrl) {
  const r = spawnSync(BIN, ['build', site, '-o', out, '--date', DATE, '--base-url', baseUrl, '-q'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`biopage build ${site} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  }
}

// ---------------------------------------------------------------- server
// A static server that behaves like a static host: directory indexes,
// 404.html, gzip, and the rules of the site's own _headers file.
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.avif': 'image/avif', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
};

function parseHeaders(file) {
  const rules = [];
  if (!fs.existsSync(file)) return rules;
  let cur = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      cur = { pattern: line.trim(), headers: [] };
      rules.push(cur);
    } else if (cur) {
      const i = line.indexOf(':');
      if (i > 0) cur.headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  }
  return rules;
}

function matches(pattern, p) {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(p);
}

function startServer() {
  const state = { root: null, rules: [] };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let p = decodeURIComponent(url.pathname);
    let file = path.join(state.root, p);
    if (!file.startsWith(state.root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!p.endsWith('/')) { res.writeHead(301, { Location: p + '/' }).end(); return; }
      file = path.join(file, 'index.html');
    }
    let status = 200;
    if (!fs.existsSync(file)) { status = 404; file = path.join(state.root, '404.html'); }
    const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' };
    for (const r of state.rules) if (matches(r.pattern, p)) for (const [k, v] of r.headers) headers[k] = v;
    // what a static host sends when _headers says nothing: fingerprinted
    // assets forever, everything else revalidated on every visit
    if (!headers['Cache-Control']) {
      headers['Cache-Control'] = p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate';
    }
    let body = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.from('not found');
    if (/gzip/.test(req.headers['accept-encoding'] || '') && /text|xml|svg|json/.test(headers['Content-Type'])) {
      body = zlib.gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
      headers.Vary = 'Accept-Encoding';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    state.port = server.address().port;
    state.serve = (root) => { state.root = path.resolve(root); state.rules = parseHeaders(path.join(root, '_headers')); };
    state.close = () => new Promise((r) => server.close(r));
    resolve(state);
  }));
}

// ---------------------------------------------------------------- browser
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function launch(executablePath = CHROME) {
  return puppeteer.launch({
    executablePath,
    headless: true,
    // a browser that stops answering fails in a minute, not puppeteer's three
    protocolTimeout: 60_000,
    userDataDir: fs.mkdtempSync(path.join(WORK, 'profile-')),
    args: CHROME_FLAGS.filter((f) => f !== '--headless'),
  });
}

// Lighthouse's simulated throttling multiplies the main-thread time it
// observes by 4, so on a shared machine every millisecond the page's
// renderer waits for a core while other processes run counts as page work.
// CI runs Lighthouse while nothing else of its own runs, at normal priority.
// --lh-realtime runs the Lighthouse browser under SCHED_FIFO at the lowest
// real-time priority (chrt -f 1, inherited by its renderers) for a machine
// that is busy with other work; it is not the default because a real-time
// Chromium can starve its own normal-priority helpers and hang (the likely
// cause of a CI run's 'Target.closeTarget timed out').
function realtimeChrome() {
  const ok = spawnSync('chrt', ['-f', '1', 'true']).status === 0;
  LH_PRIORITY = ok ? 'real-time (chrt -f 1)' : 'normal (chrt -f 1 not permitted here)';
  if (!ok) return CHROME;
  const wrapper = path.join(WORK, 'chromium-rt.sh');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec chrt -f 1 ${JSON.stringify(CHROME)} "$@"\n`, { mode: 0o755 });
  return wrapper;
}

async function openPage(browser, url, viewport, scheme, { rtl = false } = {}) {
  const page = await browser.newPage();
  await page.setBypassCSP(true); // the page's CSP would refuse the injected axe script
  await page.setViewport({ ...viewport, deviceScaleFactor: 1, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // a failed subresource (the 404 page itself answers 404 by design)
  page.on('response', (r) => { if (r.status() >= 400 && r.url() !== url) errors.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r) => { if (new URL(r.url()).hostname === '127.0.0.1') errors.push(`failed ${r.url()}`); });
  // outbound links must never be followed; block anything not local
  await page.setRequestInterception(true);
  page.on('request', (r) => (new URL(r.url()).hostname === '127.0.0.1' || r.url().startsWith('data:') ? r.continue() : r.abort()));
  await page.goto(url, { waitUntil: 'load' });
  if (rtl) await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
  await page.evaluate(() => document.fonts && document.fonts.ready);
  return { page, errors };
}

async function runAxe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} — ${(n.failureSummary || '').split('\n').slice(1, 2).join(' ').trim()}`),
      count: v.nodes.length,
    }));
  });
}

const scrollWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth);

// The widest element that sticks out of the viewport, to say what overflows.
const culprit = (page) => page.evaluate(() => {
  const w = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if ((r.right > w + 0.5 || r.left < -0.5) && (!worst || r.width > worst.w)) {
      worst = { w: r.width, d: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(r.left)}..${Math.round(r.right)})` };
    }
  }
  return worst ? worst.d : '';
});

// What every page of the reports and the briefs is checked for once open:
// no horizontal scrolling at the phone's width, no axe violation, no
// console error. Counted in `row`, detailed in `det`, failed as `group`.
async function checkOpen(page, errors, { group, label, vpName, vp, scheme, row, det }) {
  const sw = await scrollWidth(page);
  if (vpName === 'phone') {
    row.overflow = Math.max(row.overflow, sw);
    if (sw > vp.width) {
      const c = await culprit(page);
      det.overflow.push(`${label} ${scheme}: ${sw}px ${c}`);
      fail(group, `${label} scrolls horizontally at ${vp.width}px (${scheme}): ${sw}px; ${c}`);
    }
  }
  for (const x of await runAxe(page)) {
    row.axe += x.count;
    det.axe.push({ where: `${label} ${vpName} ${scheme}`, ...x });
    fail(group, `axe ${x.id} (${x.impact}) ×${x.count} on ${label} at ${vpName} ${scheme}: ${x.nodes[0]}`);
  }
  for (const e of errors) fail(group, `console error on ${label} at ${vpName} ${scheme}: ${e}`);
}

async function screenshot(page, file, viewport, phone) {
  // lazy images below the fold would be blank in a full-page shot: load and
  // decode them all, then grow the viewport to the page so everything is
  // rasterised, shoot, and put the viewport back
  await page.evaluate(async () => {
    for (const img of document.images) img.loading = 'eager';
    await Promise.all([...document.images].map((i) => i.decode().catch(() => {})));
  });
  const height = await page.evaluate(() => document.scrollingElement.scrollHeight);
  const shotHeight = phone ? Math.min(height, SHOT_MAX_PHONE_HEIGHT) : height;
  await page.setViewport({ ...viewport, height: shotHeight, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const png = await page.screenshot({ type: 'png' });
  await page.setViewport({ ...viewport, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone });
  // a 256-colour palette keeps each file under 300 KB (less dithering for
  // the rare page that needs it)
  for (const dither of [1, 0.5, 0]) {
    const out = await sharp(png).png({ palette: true, dither, quality: 90, effort: 8, compressionLevel: 9 }).toBuffer();
    if (out.length <= SHOT_MAX_BYTES || dither === 0) {
      fs.writeFileSync(file, out);
      break;
    }
  }
}

// Lighthouse, mobile, with its default simulated throttling (Moto G Power
// on slow 4G: 150 ms RTT, 1.6 Mbps, CPU slowed 4×), LH_RUNS times. Each
// category's score is the median of the runs: performance wobbles with the
// load of the machine (the observed main-thread time is multiplied by 4), and
// a median of 3 is not fooled by one unlucky run nor flattered by one lucky
// one, as the best of 3 would be.
const LH_FLAGS = {
  output: 'json', logLevel: 'error', onlyCategories: CATEGORIES, formFactor: 'mobile',
  screenEmulation: { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false },
};

// The browser Lighthouse drives, which can be replaced when it stops
// answering: a run that throws (the browser hung or crashed) measured
// nothing, so it is retried in a new browser, at most LH_RETRIES times per
// run and said in the log; a run that returns is kept whatever it scored.
const LH_RETRIES = 2;
async function lighthouseBrowser() {
  const exe = LH_RT ? realtimeChrome() : CHROME;
  const lh = { browser: null, port: 0, retries: 0, warm: false };
  lh.start = async () => {
    lh.browser = await launch(exe);
    lh.port = Number(new URL(lh.browser.wsEndpoint()).port);
    lh.warm = false;
  };
  // The first page a fresh Chromium loads pays for starting its renderer
  // and GPU processes, inside the timed navigation (first runs scored 96-99
  // where later ones scored 100). One plain load of the page, before the
  // first run, takes that out; Lighthouse still clears the origin's cache
  // and storage before each run, so the page itself is not warmed.
  lh.warmUp = async (url) => {
    if (lh.warm) return;
    const page = await lh.browser.newPage();
    await page.goto(url, { waitUntil: 'load' }).catch(() => {});
    await page.close();
    lh.warm = true;
  };
  lh.restart = async () => {
    const proc = lh.browser.process();
    await Promise.race([lh.browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await lh.start();
  };
  await lh.start();
  return lh;
}

// A run normally takes 10-20 s; one still going after this long is stuck.
const LH_RUN_LIMIT_MS = Number(process.env.BIOPAGE_LH_RUN_LIMIT_MS || 150_000);

// Lighthouse's own pending promises of an abandoned run reject, unhandled,
// when its browser goes away; after such a run those are expected noise.
let abandonedRuns = 0;
process.on('unhandledRejection', (e) => {
  if (abandonedRuns > 0) return;
  console.error(e);
  process.exit(2);
});

async function lighthouseOnce(url, lh) {
  for (let attempt = 0; ; attempt++) {
    let timer;
    try {
      const stuck = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no result after ${LH_RUN_LIMIT_MS / 1000} s`)), LH_RUN_LIMIT_MS);
      });
      await lh.warmUp(url);
      const run = lighthouse(url, { port: lh.port, ...LH_FLAGS });
      // an abandoned run rejects later, when its browser is replaced
      run.catch(() => {});
      return await Promise.race([run, stuck]);
    } catch (e) {
      abandonedRuns++;
      if (attempt >= LH_RETRIES) throw e;
      lh.retries++;
      log(`lighthouse run threw (${String(e.message || e).split('\n')[0]}); retrying in a new browser`);
      await lh.restart();
    } finally {
      clearTimeout(timer);
    }
  }
}

async function runLighthouse(url, lh) {
  const runs = [];
  for (let i = 0; i < LH_RUNS; i++) {
    const r = await lighthouseOnce(url, lh);
    const lhr = r.lhr;
    const s = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    const failed = [];
    for (const c of CATEGORIES) {
      for (const ref of lhr.categories[c].auditRefs) {
        const a = lhr.audits[ref.id];
        if (a.score !== null && a.score < 1 && (ref.weight > 0 || a.details?.type === 'opportunity') && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable' && a.scoreDisplayMode !== 'manual') {
          failed.push(`${c}/${a.id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
        }
      }
    }
    if (lhr.runtimeError) failed.push(`runtimeError ${lhr.runtimeError.code}`);
    const run = { s, failed: [...new Set(failed)], lhr, cpu: cpuShare(r.artifacts.Trace) };
    if (s.performance < 100) run.idle = await idlePerformance(url, r.artifacts, LH_FLAGS);
    runs.push(run);
    // no score exceeds 100: after two runs of 100 in every category the
    // median of three is 100 whatever the third says, so skip it
    if (LH_RUNS === 3 && runs.length === 2 && runs.every((x) => CATEGORIES.every((c) => x.s[c] === 100))) break;
  }
  const median = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    // two runs happen only when both were 100 (the third was skipped)
    return v.length === 2 ? Math.min(...v) : v[Math.floor((v.length - 1) / 2)];
  };
  const s = Object.fromEntries(CATEGORIES.map((c) => [c, median(runs.map((r) => r.s[c]))]));
  // the report of the run whose performance is the median, to explain it
  const mid = [...runs].sort((a, b) => a.s.performance - b.s.performance)[Math.floor((runs.length - 1) / 2)];
  return { s, runs: runs.map((r) => ({ ...r.s, cpu: r.cpu, idle: r.idle })), failed: [...new Set(runs.flatMap((r) => r.failed))], lhr: mid.lhr };
}

// The process and thread of the page's main thread in a trace's events.
function rendererMain(ev) {
  const pid = ev.find((e) => e.name === 'TracingStartedInBrowser')?.args?.data?.frames?.[0]?.processId;
  const tid = ev.find((e) => e.pid === pid && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  return { pid, tid };
}

// How much of the wall time of the page's main-thread tasks (those over
// 10 ms) the thread actually ran on a core; it waited the rest, for I/O or
// for a core. A share that falls with the machine's load means the
// throttled timings (total blocking time above all) measured the load.
function cpuShare(trace) {
  const ev = trace?.traceEvents || [];
  const { pid, tid } = rendererMain(ev);
  let wall = 0;
  let cpu = 0;
  for (const e of ev) {
    if (e.name === 'RunTask' && e.pid === pid && e.tid === tid && e.dur > 10000 && e.tdur !== undefined) {
      wall += e.dur;
      cpu += e.tdur;
    }
  }
  return wall ? Math.round((100 * cpu) / wall) : null;
}

// A diagnosis, never a score: the run's performance re-audited from its own
// artifacts with each of the page's main-thread tasks shrunk to the CPU time
// it used (children scaled with it), as if no other process had wanted the
// core. If this is 100 while the measured score is not, the machine was busy.
async function idlePerformance(url, artifacts, flags) {
  try {
    const trace = structuredClone(artifacts.Trace);
    const ev = trace.traceEvents;
    const { pid, tid } = rendererMain(ev);
    const main = ev.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur > 0);
    for (const t of main.filter((e) => e.name === 'RunTask' && e.tdur !== undefined)) {
      const k = Math.min(1, t.tdur / t.dur);
      const end = t.ts + t.dur;
      for (const e of main) {
        if (e !== t && e.ts >= t.ts && e.ts + e.dur <= end) {
          e.ts = t.ts + (e.ts - t.ts) * k;
          e.dur *= k;
        }
      }
      t.dur *= k;
    }
    const dir = fs.mkdtempSync(path.join(WORK, 'lh-idle-'));
    await saveArtifacts({ ...artifacts, Trace: trace, traces: undefined }, dir);
    const r = await lighthouse(url, { ...flags, auditMode: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    return Math.round(r.lhr.categories.performance.score * 100);
  } catch (e) {
    log(`idle estimate failed: ${e.message}`);
    return null;
  }
}

// ---------------------------------------------------------------- vnu
function runVnu(files) {
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  const r = spawnSync(JAVA, ['-Xss2m', '-jar', jar, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (r.error) die(`cannot run ${JAVA}: ${r.error.message}`);
  let messages;
  try {
    messages = JSON.parse(r.stderr || r.stdout || '{"messages":[]}').messages;
  } catch {
    die(`vnu printed no JSON: ${r.stderr}${r.stdout}`);
  }
  return messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
}

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------- main
async function main() {
  const started = Date.now();
  if (DO_SHOTS) fs.mkdirSync(SHOT_DIR, { recursive: true });
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}/`;
  const browser = await launch();
  const lh = DO_LH && !REPORT_ONLY && !BRIEF_ONLY ? await lighthouseBrowser() : null;
  const rows = [];
  const details = {};
  const allHtml = [];

  for (const theme of REPORT_ONLY || BRIEF_ONLY ? [] : THEMES) {
    log(`theme ${theme}`);
    const t0 = Date.now();
    const row = { theme, lh: null, axe: 0, vnu: 0, overflow: 0, gz: 0, stress: '-' };
    const det = { axe: [], lighthouse: [], vnu: [], overflow: [] };
    details[theme] = det;
    const out = path.join(WORK, `out-${theme}`);
    build(exampleSite(theme), out, base);
    server.serve(out);
    const files = htmlFiles(out);
    allHtml.push(...files.map((f) => ({ theme, f })));

    const cssFile = path.join(ROOT, 'themes', theme, 'style.css');
    row.css = fs.existsSync(cssFile) ? fs.statSync(cssFile).size : 0;
    if (row.css > CSS_LIMIT) fail(theme, `style.css is ${row.css} bytes (budget ${CSS_LIMIT})`);
    const index = fs.readFileSync(path.join(out, 'index.html'));
    // what the page inlines: for a built-in theme themes/shared.css and its
    // style.css, minified
    row.inl = Buffer.byteLength(/<style>([^]*?)<\/style>/.exec(index.toString())?.[1] ?? '');
    if (row.inl > CSS_LIMIT) fail(theme, `the page's inline stylesheet is ${row.inl} bytes (budget ${CSS_LIMIT})`);
    row.gz = zlib.gzipSync(index, { level: 9 }).length;
    if (row.gz > GZ_LIMIT) fail(theme, `index.html is ${row.gz} bytes gzipped (limit ${GZ_LIMIT})`);

    // Lighthouse first, while nothing else of ours runs: it times the page
    if (DO_LH) {
      log(`lighthouse ${theme}`);
      const r = await runLighthouse(base, lh);
      row.lh = r.s;
      row.lhRuns = r.runs;
      det.lighthouse = r.failed;
      for (const c of CATEGORIES) {
        const min = c === 'performance' ? LH_MIN_PERF : LH_MIN;
        if (r.s[c] < min) {
          const busy = c === 'performance' ? `; main thread on a core for ${r.runs.map((x) => `${x.cpu ?? '?'}%`).join(', ')} of its long tasks; at CPU time (idle machine) ${r.runs.map((x) => (x.performance < 100 ? x.idle ?? '?' : x.performance)).join(', ')}` : '';
          fail(theme, `Lighthouse ${c} median ${r.s[c]} < ${min} (runs ${r.runs.map((x) => x[c]).join(', ')}): ${r.failed.filter((f) => f.startsWith(c + '/')).join(', ') || 'metrics'}${busy}`);
        }
      }
      fs.writeFileSync(path.join(WORK, `lighthouse-${theme}.json`), JSON.stringify(r.lhr));
    }
    if (LH_ONLY) {
      row.secs = Math.round((Date.now() - t0) / 1000);
      rows.push(row);
      continue;
    }

    for (const [vpName, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      for (const scheme of ['light', 'dark']) {
        for (const url of [base, `${base}does-not-exist/`]) {
          const { page, errors } = await openPage(browser, url, vp, scheme);
          const is404 = url !== base;
          const sw = await scrollWidth(page);
          if (vpName === 'phone') {
            row.overflow = Math.max(row.overflow, sw);
            if (sw > vp.width) {
              const c = await culprit(page);
              det.overflow.push(`${is404 ? '404' : 'index'} ${scheme}: ${sw}px ${c}`);
              fail(theme, `horizontal scrolling at ${vp.width}px (${scheme}${is404 ? ', 404' : ''}): ${sw}px; ${c}`);
            }
          }
          if (DO_SHOTS && !is404) {
            await screenshot(page, path.join(SHOT_DIR, `${theme}-${scheme}-${vpName}.png`), vp, vpName === 'phone');
          }
          const v = await runAxe(page);
          for (const x of v) {
            row.axe += x.count;
            det.axe.push({ where: `${is404 ? '404' : 'index'} ${vpName} ${scheme}`, ...x });
            fail(theme, `axe ${x.id} (${x.impact}) ×${x.count} at ${vpName} ${scheme}${is404 ? ' on 404' : ''}: ${x.nodes[0]}`);
          }
          for (const e of errors) fail(theme, `console error at ${vpName} ${scheme}: ${e}`);
          await page.close();
        }
      }
    }

    // one product, in Chinese: axe at both widths, overflow at 390 px
    {
      const zout = path.join(WORK, `zh-one-out-${theme}`);
      build(zhOneProductSite(theme), zout, base);
      allHtml.push({ theme, f: path.join(zout, 'index.html') });
      server.serve(zout);
      for (const [vpName, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
        for (const scheme of ['light', 'dark']) {
          const { page, errors } = await openPage(browser, base, vp, scheme);
          const sw = await scrollWidth(page);
          if (sw > vp.width) {
            const c = await culprit(page);
            det.overflow.push(`zh-one-product ${vpName} ${scheme}: ${sw}px ${c}`);
            fail(theme, `one-product page scrolls horizontally at ${vp.width}px (${scheme}): ${sw}px; ${c}`);
          }
          if (DO_SHOTS) {
            await screenshot(page, path.join(SHOT_DIR, `${theme}-zh-one-product-${scheme}-${vpName}.png`), vp, vpName === 'phone');
          }
          const v = await runAxe(page);
          for (const x of v) {
            row.axe += x.count;
            det.axe.push({ where: `zh-one-product ${vpName} ${scheme}`, ...x });
            fail(theme, `axe on the one-product page: ${x.id} (${x.impact}) ×${x.count} at ${vpName} ${scheme}: ${x.nodes[0]}`);
          }
          for (const e of errors) fail(theme, `console error on the one-product page at ${vpName} ${scheme}: ${e}`);
          await page.close();
        }
      }
      server.serve(out);
    }

    if (DO_STRESS) {
      const sout = path.join(WORK, `stress-out-${theme}`);
      build(stressSite(theme), sout, base);
      server.serve(sout);
      const widths = [];
      for (const rtl of [false, true]) {
        for (const scheme of ['light', 'dark']) {
          const { page } = await openPage(browser, base, PHONE, scheme, { rtl });
          const sw = await scrollWidth(page);
          widths.push(sw);
          if (sw > PHONE.width) {
            const c = await culprit(page);
            det.overflow.push(`stress ${rtl ? 'rtl' : 'ltr'} ${scheme}: ${sw}px ${c}`);
            fail(theme, `stress fixture scrolls horizontally at 390px (${rtl ? 'rtl' : 'ltr'}, ${scheme}): ${sw}px; ${c}`);
          }
          if (scheme === 'light') {
            await screenshot(page, path.join(WORK, `stress-${theme}-${rtl ? 'rtl' : 'ltr'}.png`), PHONE, true);
          }
          if (!rtl && scheme === 'light') {
            const v = await runAxe(page);
            for (const x of v) {
              det.axe.push({ where: 'stress phone light', ...x });
              fail(theme, `axe on the stress fixture: ${x.id} ×${x.count}: ${x.nodes[0]}`);
            }
          }
          await page.close();
        }
      }
      // and at 1280 px: the desktop layout with 200 products
      {
        const { page } = await openPage(browser, base, DESKTOP, 'light');
        const sw = await scrollWidth(page);
        if (sw > DESKTOP.width) {
          const c = await culprit(page);
          det.overflow.push(`stress desktop: ${sw}px ${c}`);
          fail(theme, `stress fixture scrolls horizontally at ${DESKTOP.width}px: ${sw}px; ${c}`);
        }
        // the first screen only: the full page is some 30,000 px tall
        await page.screenshot({ path: path.join(WORK, `stress-${theme}-desktop.png`), type: 'png' });
        await page.close();
      }
      row.stress = Math.max(...widths);
      server.serve(out);
    }

    row.secs = Math.round((Date.now() - t0) / 1000);
    rows.push(row);
  }

  if (DO_REPORT) {
    log('report');
    const t0 = Date.now();
    const row = { theme: 'report', lh: null, axe: 0, vnu: 0, overflow: 0, gz: 0, stress: '-', css: 0 };
    const det = { axe: [], lighthouse: [], vnu: [], overflow: [] };
    details.report = det;
    const root = path.join(WORK, 'out-report');
    for (const [name, out] of buildReports(root)) {
      const file = path.join(out, 'index.html');
      allHtml.push({ theme: 'report', f: file });
      row.gz = Math.max(row.gz, zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length);
      server.serve(out);
      for (const [vpName, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
        for (const scheme of ['light', 'dark']) {
          const { page, errors } = await openPage(browser, base, vp, scheme);
          if (DO_SHOTS && (name === 'site' || (vpName === 'desktop' && scheme === 'light'))) {
            const shot = name === 'site' ? `report-${scheme}-${vpName}.png` : `report-agency-${scheme}-${vpName}.png`;
            await screenshot(page, path.join(SHOT_DIR, shot), vp, vpName === 'phone');
          }
          await checkOpen(page, errors, { group: 'report', label: `the ${name} report`, vpName, vp, scheme, row, det });
          await page.close();
        }
      }
    }
    row.secs = Math.round((Date.now() - t0) / 1000);
    rows.push(row);
  }

  if (DO_BRIEF) {
    log('brief');
    const t0 = Date.now();
    const row = { theme: 'brief', lh: null, axe: 0, vnu: 0, overflow: 0, gz: 0, stress: '-', css: 0, inl: 0 };
    const det = { axe: [], lighthouse: [], vnu: [], overflow: [] };
    details.brief = det;
    const out = buildBriefs(path.join(WORK, 'brief-work'));
    // under out-brief/, so that vnu's messages name briefs/… files
    const root = path.join(WORK, 'out-brief');
    fs.mkdirSync(root, { recursive: true });
    fs.renameSync(out, path.join(root, 'briefs'));
    const briefs = path.join(root, 'briefs');
    server.serve(briefs);
    const files = htmlFiles(briefs);
    allHtml.push(...files.map((f) => ({ theme: 'brief', f })));
    for (const f of files) {
      row.gz = Math.max(row.gz, zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length);
      if (/<script/i.test(fs.readFileSync(f, 'utf8'))) fail('brief', `${path.relative(briefs, f)} has a <script>`);
    }
    // the index (the agency's), Linh's brief (Vietnamese) and Mei's (Chinese)
    for (const [name, p] of [['index', ''], ['linh', 'linh/'], ['mei', 'mei/']]) {
      for (const [vpName, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
        for (const scheme of ['light', 'dark']) {
          const { page, errors } = await openPage(browser, base + p, vp, scheme);
          if (DO_SHOTS && scheme === 'light' && ((name === 'linh' && vpName === 'phone') || (name === 'mei' && vpName === 'desktop'))) {
            await screenshot(page, path.join(SHOT_DIR, `brief-${vpName}.png`), vp, vpName === 'phone');
          }
          if (DO_SHOTS && scheme === 'dark' && name === 'linh' && vpName === 'phone') {
            await screenshot(page, path.join(SHOT_DIR, 'brief-dark-phone.png'), vp, true);
          }
          await checkOpen(page, errors, { group: 'brief', label: `the ${name} brief`, vpName, vp, scheme, row, det });
          await page.close();
        }
      }
    }
    if (DO_SHOTS) fs.copyFileSync(path.join(briefs, 'linh/poster.png'), path.join(SHOT_DIR, 'brief-poster.png'));
    row.secs = Math.round((Date.now() - t0) / 1000);
    rows.push(row);
  }

  if (!LH_ONLY) log('Nu HTML Checker');
  const errs = LH_ONLY ? [] : runVnu(allHtml.map((x) => x.f));
  for (const e of errs) {
    const file = fileURLToPath(e.url);
    const hit = allHtml.find((x) => x.f === file);
    const theme = hit ? hit.theme : '?';
    const row = rows.find((r) => r.theme === theme);
    if (row) row.vnu++;
    const rel = hit ? path.relative(path.join(WORK, `out-${theme}`), file) : file;
    // (report files: out-report/<site|agency>/index.html; briefs:
    // out-brief/briefs/…)
    details[theme]?.vnu.push(`${rel}:${e.lastLine}: ${e.message}`);
    fail(theme, `vnu ${rel}:${e.lastLine}: ${e.message}`);
  }

  await browser.close();
  if (lh) await lh.browser.close();
  await server.close();

  // ------------------------------------------------------------ report
  const head = ['theme', 'perf', 'a11y', 'best-pr', 'seo', 'axe', 'vnu', 'width@390', 'stress@390', 'index.gz', 'css', 'inline css', 'result'];
  const body = rows.map((r) => {
    const bad = failures.some((f) => f.startsWith(r.theme + ':'));
    return [
      r.theme,
      ...CATEGORIES.map((c) => (r.lh ? String(r.lh[c]) : '-')),
      ...(LH_ONLY ? ['-', '-', '-'] : [String(r.axe), String(r.vnu), `${r.overflow}px`]), r.stress === '-' ? '-' : `${r.stress}px`,
      `${(r.gz / 1024).toFixed(1)} KB`, `${(r.css / 1024).toFixed(1)} KB`, `${(r.inl / 1024).toFixed(1)} KB`, bad ? 'FAIL' : 'ok',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log('\nbiopage browser checks: Lighthouse (mobile), axe-core (390×844 and 1280×800, light and dark),');
  console.log('Nu HTML Checker (every HTML file), horizontal overflow at 390 px, index.html gzipped (limit 14 KB),\nstyle.css raw and the inline stylesheet as shipped, minified (budget 8 KB each)\n');
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
  if (DO_LH) {
    console.log(`\nLighthouse ${LH_VERSION}, mobile, simulated throttling, browser priority ${LH_PRIORITY}${lh?.retries ? `, ${lh.retries} run(s) that threw retried in a new browser` : ''}; each score is the median of ${LH_RUNS} run(s)${LH_RUNS === 3 ? ' (a third run is skipped when two gave 100 everywhere: the median is 100 whatever it says)' : ''}:`);
    for (const r of rows) {
      if (r.lhRuns) console.log(`  ${r.theme.padEnd(8)} perf/a11y/best-practices/seo per run: ${r.lhRuns.map((x) => `${CATEGORIES.map((c) => x[c]).join('/')} (cpu ${x.cpu ?? '?'}%${x.idle !== undefined ? `, idle ${x.idle ?? '?'}` : ''})`).join(', ')}`);
    }
    console.log('  (cpu: the share of its long tasks\' wall time the page\'s main thread ran on a core; it spent the rest waiting, for I/O or for a core.');
    console.log('   idle, for runs under 100: performance re-audited with each main-thread task cut to its CPU time, a diagnosis only)');
  }
  for (const r of rows) {
    const d = details[r.theme];
    if (d.lighthouse.length) console.log(`\n${r.theme}: Lighthouse audits below 1 in some run: ${d.lighthouse.join(', ')}`);
  }
  if (failures.length) {
    console.log(`\n${failures.length} failure(s):`);
    for (const f of failures) console.log(`  - ${f}`);
  }
  console.log(`\n${rows.length} theme(s) checked in ${Math.round((Date.now() - started) / 1000)} s${DO_SHOTS ? `; screenshots in ${path.relative(process.cwd(), SHOT_DIR) || SHOT_DIR}` : ''}`);
  const jsonOut = opt('--json', '');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ rows, details, failures }, null, 2));
  if (!flag('--keep')) fs.rmSync(WORK, { recursive: true, force: true });
  else console.log(`work directory kept: ${WORK}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
