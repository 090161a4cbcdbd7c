// Catalog in Chromium with 20,000 servers: time from the catalog rows arriving in the page to the
// first rows on screen, and from a filter/search change to the re-rendered table. Reference in the
// same run: the same rows rendered as one plain (non-virtualized) table in the same page.
// Targets: first screen ≤ 500 ms, filter/search ≤ 100 ms. Prints figures; asserts nothing.
// Needs a build (node scripts/build.mjs) for out/renderer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { serve } from '../../main/cli/serve.command';
import { emptyProject } from '../../main/common/model/project';
import { blankServer } from '../../main/services/inventory/importer';
import type { Server } from '../../main/common/model/server';

const N = Number(process.env.BENCH_SERVERS ?? 20_000);
const OS = ['Microsoft Windows Server 2019 (64-bit)', 'Red Hat Enterprise Linux 8 (64-bit)', 'Ubuntu Linux (64-bit)', 'Microsoft Windows Server 2016 (64-bit)'];

function estate(n: number): Server[] {
  return Array.from({ length: n }, (_, i) => {
    const s = blankServer(`vm-${String(i).padStart(5, '0')}`, { kind: 'rvtools', name: 'RVTools_export.xlsx' });
    s.id = `srv-${i}`;
    s.vmManager = { type: 'vsphere', name: `vcenter0${1 + (i % 2)}.corp.local` };
    s.place = { datacenter: `DC${1 + (i % 3)}`, cluster: `Cluster-${1 + (i % 12)}`, host: `esx-${i % 400}.corp.local` };
    s.state = { power: i % 10 ? 'poweredOn' : 'poweredOff', template: false };
    s.os = { reported: OS[i % OS.length]!, family: i % 2 ? 'linux' : 'windows' };
    s.cpu = { vcpus: [1, 2, 4, 8][i % 4]! };
    s.memoryMiB = [2048, 4096, 8192, 16384][i % 4]!;
    s.disks = [{ label: 'Hard disk 1', capacityMiB: 81920, provisionedMiB: 81920 }, { label: 'Hard disk 2', capacityMiB: 204800, provisionedMiB: 204800 }];
    s.nics = [{ label: 'Network adapter 1', network: `VLAN-${i % 50}`, ipv4: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], ipv6: [] }];
    s.tags = { 'Backup Policy': ['gold', 'silver', 'bronze'][i % 3]!, Owner: `team${i % 20}` };
    return s;
  });
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-catalog-'));
const doc = emptyProject({ id: 'bench', name: `Bench ${N}`, now: new Date().toISOString() });
doc.inventory.servers = estate(N);
const file = path.join(dir, 'bench.mwb.json');
await writeFile(file, JSON.stringify(doc));
const server = await serve({ project: file, dataDir: path.join(dir, 'appdata') });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const t0 = Date.now();
  await page.goto(server.url);
  await page.waitForFunction(() => performance.getEntriesByName('mwb:catalog-first-render').length > 0, null, { timeout: 120_000 });
  const firstRender = await page.evaluate(() => performance.getEntriesByName('mwb:catalog-first-render')[0]!.duration);
  const rowsInDom = await page.locator('.catalog-row').count();
  console.log(`${N.toLocaleString('en-US')} servers; page open to catalog on screen: ${((Date.now() - t0) / 1000).toFixed(2)} s (includes loading the project document); ${rowsInDom} row elements in the DOM`);

  const filterTimes: { what: string; ms: number }[] = [];
  const measureFilter = async (what: string, act: () => Promise<void>, expectShown: RegExp) => {
    await page.evaluate(() => performance.clearMeasures('mwb:filter'));
    await act();
    await page.waitForFunction(() => performance.getEntriesByName('mwb:filter').length > 0, null, { timeout: 30_000 });
    const ms = await page.evaluate(() => performance.getEntriesByName('mwb:filter')[0]!.duration);
    await page.getByText(expectShown).first().waitFor();
    filterTimes.push({ what, ms });
  };
  const search = page.getByRole('searchbox', { name: 'Search servers' });
  await measureFilter('search "vm-1234"', () => search.fill('vm-1234'), /shown/);
  await measureFilter('search cleared', () => search.fill(''), /shown/);
  await measureFilter('search "linux"', () => search.fill('linux'), /shown/);
  await measureFilter('power = poweredOff', () => page.getByLabel('Power').selectOption('poweredOff').then(() => undefined), /shown/);
  await measureFilter('cluster facet', () => page.getByLabel('Datacenter / cluster').selectOption({ index: 3 }).then(() => undefined), /shown/);
  await measureFilter('clear filters', () => page.getByRole('button', { name: 'Clear filters' }).click(), /shown/);

  // Reference: the same rows as one plain table (what the catalog would cost without virtualization).
  const naive = await page.evaluate(async (n) => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;inset:0;overflow:auto;background:#fff;z-index:999';
    document.body.appendChild(host);
    const start = performance.now();
    const table = document.createElement('table');
    const body = document.createElement('tbody');
    for (let i = 0; i < n; i++) {
      const tr = document.createElement('tr');
      for (const v of [`vm-${i}`, 'On', 'Ubuntu Linux (64-bit)', '4', '8 GiB', '280 GiB', 'Cluster-1', 'esx-1.corp.local', '10.0.0.1', 'RVTools_export.xlsx']) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    host.appendChild(table);
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    void host.offsetHeight;
    const ms = performance.now() - start;
    host.remove();
    return ms;
  }, N);

  console.log(`catalog first screen after data arrived: ${firstRender.toFixed(0)} ms  [target ≤ 500 ms]`);
  console.log(`reference, plain table of the same ${N.toLocaleString('en-US')} rows: ${naive.toFixed(0)} ms; ratio catalog/plain ${(firstRender / naive).toFixed(2)}×`);
  for (const f of filterTimes) console.log(`filter ${f.what}: ${f.ms.toFixed(0)} ms  [target ≤ 100 ms]  (${(f.ms / 100).toFixed(2)}× of budget)`);
  console.log('(search input is debounced 120 ms after the last keystroke; figures start when the filter applies)');
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
