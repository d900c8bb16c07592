import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
const dir = process.argv[2];
const srv = http.createServer((q, r) => { let f = path.join(dir, decodeURIComponent(new URL(q.url, 'http://x').pathname)); if (f.endsWith('/')) f += 'index.html'; if (!fs.existsSync(f)) { r.writeHead(404).end(); return; } r.writeHead(200, { 'Content-Type': f.endsWith('.html') ? 'text/html; charset=utf-8' : f.endsWith('.svg') ? 'image/svg+xml' : 'image/jpeg' }); r.end(fs.readFileSync(f)); });
await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${srv.address().port}/`;
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, userDataDir: fs.mkdtempSync('/tmp/cc/ud-'), args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage();
await page.setViewport({ width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true });
await page.tracing.start({ path: '/tmp/cc/trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'loading', 'v8'] });
await page.goto(url, { waitUntil: 'load' });
await new Promise((r) => setTimeout(r, 1500));
await page.tracing.stop();
await browser.close();
srv.close();
const ev = JSON.parse(fs.readFileSync('/tmp/cc/trace.json')).traceEvents;
const tasks = ev.filter((e) => e.name === 'RunTask' && e.dur > 10000);
for (const t of tasks) {
  const kids = ev.filter((e) => e.tid === t.tid && e.pid === t.pid && e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && e.dur > 3000 && e !== t);
  const agg = {};
  for (const k of kids) agg[k.name] = Math.max(agg[k.name] || 0, k.dur / 1000);
  console.log((t.dur / 1000).toFixed(1), 'ms', JSON.stringify(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 8)));
}
