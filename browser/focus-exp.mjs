import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
const [dir, out, scheme, tabs] = process.argv.slice(2);
const srv = http.createServer((q, r) => { let f = path.join(dir, decodeURIComponent(new URL(q.url, 'http://x').pathname)); if (f.endsWith('/')) f += 'index.html'; if (!fs.existsSync(f)) { r.writeHead(404).end(); return; } r.writeHead(200, { 'Content-Type': f.endsWith('.html') ? 'text/html; charset=utf-8' : f.endsWith('.svg') ? 'image/svg+xml' : 'image/jpeg' }); r.end(fs.readFileSync(f)); });
await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, userDataDir: fs.mkdtempSync('/tmp/cc/ud-'), args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
await page.setViewport({ width: 390, height: 844 });
await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
await page.goto(`http://127.0.0.1:${srv.address().port}/`);
const shots = tabs.split(',').map(Number);
let pressed = 0;
for (const [i, n] of shots.entries()) {
  while (pressed < n) { await page.keyboard.press('Tab'); pressed++; }
  await page.evaluate(() => document.activeElement.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: `${out}-${i}.png` });
}
await browser.close(); srv.close();
