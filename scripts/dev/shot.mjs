import { chromium } from '@playwright/test';
const [url, out, area] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
const errs = [];
p.on('console', (m) => { if (m.type() === 'error' || m.type()==='warning') errs.push(m.text()); });
p.on('pageerror', (e) => errs.push(String(e)));
await p.goto(url);
await p.waitForTimeout(1200);
if (area) { await p.getByRole('button', { name: area }).first().click(); await p.waitForTimeout(300); }
await p.screenshot({ path: out });
console.log(errs.join('\n'));
await b.close();
