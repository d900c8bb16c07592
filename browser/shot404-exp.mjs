import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, userDataDir: fs.mkdtempSync('/tmp/cc/ud-'), args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync','--disable-dev-shm-usage'] });
const page = await browser.newPage();
await page.setViewport({ width: 390, height: 600 });
for (const t of ['minimal', 'shop', 'bold', 'default']) for (const s of ['light', 'dark']) for (const f of ['404.html', 'go/serum-b5/index.html']) {
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: s }]);
  await page.setRequestInterception(false);
  const html = fs.readFileSync(`/tmp/cc/o-${t}/${f}`, 'utf8').replace(/<meta[^>]*refresh[^>]*>/, '');
  fs.writeFileSync('/tmp/cc/tmp.html', html); await page.goto('file:///tmp/cc/tmp.html');
  await page.screenshot({ path: `/tmp/cc/p-${t}-${s}-${f.startsWith('go') ? 'go' : '404'}.png` });
}
await browser.close();
