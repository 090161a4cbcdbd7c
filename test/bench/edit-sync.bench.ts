// Edits in a 20,000-server project, measured in Chromium against the browser shell: from the user's action
// (mouse-up, Enter) to the UI showing the change ("shown") and to the page being in step with main again
// ("settled": main's change event received, no call to main pending, next frame painted).
// Reference in the same run: the same group rename after the page missed one change event, which makes it
// reload the whole document, exactly what every edit cost before main's change events carried the edit
// (the bench drops that event in the page's transport). Prints figures and ratios; asserts nothing.
// Needs a build first (node scripts/build.mjs). Run: npm run bench edit-sync
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { serve } from '../../main/cli/serve.command';
import { pointerDrag } from '../helpers/pointer-drag';
import { applyEdit } from '../../main/common/model/edits';
import { emptyProject } from '../../main/common/model/project';
import { blankServer } from '../../main/services/inventory/importer';
import type { Server } from '../../main/common/model/server';

if (!existsSync('out/renderer/index.html')) {
  console.error('edit-sync: build the renderer first (node scripts/build.mjs).');
  process.exit(1);
}
const N = Number(process.env.BENCH_SERVERS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function server(i: number, name: string): Server {
  const s = blankServer(name, { kind: 'rvtools', name: 'RVTools_export.xlsx' });
  s.id = `srv-${i}`;
  s.vmManager = { type: 'vsphere', name: `vcenter0${1 + (i % 2)}.corp.local` };
  s.place = { datacenter: `DC${1 + (i % 3)}`, cluster: `Cluster-${1 + (i % 12)}`, host: `esx-${i % 400}.corp.local`, folder: `Apps/${i % 40}` };
  s.state = { power: 'poweredOn', template: false };
  s.os = { reported: i % 2 ? 'Red Hat Enterprise Linux 8 (64-bit)' : 'Microsoft Windows Server 2019 (64-bit)', family: i % 2 ? 'linux' : 'windows' };
  s.cpu = { vcpus: [1, 2, 4, 8][i % 4]! };
  s.memoryMiB = [2048, 4096, 8192, 16384][i % 4]!;
  s.disks = [{ label: 'Hard disk 1', capacityMiB: 81920, provisionedMiB: 81920 }, { label: 'Hard disk 2', capacityMiB: 204800, provisionedMiB: 204800 }];
  s.nics = [{ label: 'Network adapter 1', network: `VLAN-${i % 50}`, ipv4: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], ipv6: [] }];
  s.tags = { 'Backup Policy': ['gold', 'silver', 'bronze'][i % 3]!, Owner: `team${i % 20}` };
  return s;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-edit-sync-'));
let doc = emptyProject({ id: 'bench', name: 'Bench estate', now: new Date().toISOString() });
doc.inventory.servers = Array.from({ length: N }, (_, i) => server(i, i < 500 ? `BENCH-A${String(i).padStart(3, '0')}` : i < 1000 ? `BENCH-B${String(i - 500).padStart(4, '0')}` : `vm-${String(i).padStart(5, '0')}`));
doc = applyEdit(doc, { type: 'application.create', applicationId: 'bench', name: 'Bench', groups: [{ id: 'g1', name: 'Target', serverIds: [] }, { id: 'g2', name: 'Other', serverIds: [] }] });
const project = path.join(dir, 'bench.mwb.json');
await writeFile(project, JSON.stringify(doc));

const shell = await serve({ dataDir: path.join(dir, 'appdata'), project });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });

interface Timing {
  shown: number;
  settled: number;
}

/** Before the app starts: lets the bench make the page miss the next change event (`window.__dropNext = true`). */
const DROP_HOOK = `(() => {
  Object.defineProperty(window, 'workbench', {
    configurable: true,
    get() { return undefined; },
    set(api) {
      const on = api.on.bind(api);
      api.on = (event, listener) => on(event, (payload) => {
        if (event === 'project.changed' && window.__dropNext) { window.__dropNext = false; return; }
        listener(payload);
      });
      Object.defineProperty(window, 'workbench', { value: api, writable: true, configurable: true });
    },
  });
})()`;

/**
 * Counts calls to main in flight (wrapping window.workbench.invoke, which includes reading the answer)
 * and the last revision announced by main. Strings, not functions: tsx would wrap named functions in a
 * helper the page does not have.
 */
async function instrument(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const wb = window.workbench;
    const invoke = wb.invoke.bind(wb);
    window.__sync = { inflight: 0, revision: -1 };
    wb.invoke = async (...args) => { window.__sync.inflight++; try { return await invoke(...args); } finally { window.__sync.inflight--; } };
    wb.on('project.changed', (p) => { window.__sync.revision = Math.max(window.__sync.revision, p.revision); });
  })()`);
}

/** Arms the timers: starts at the next mouse-up or Enter, `shownJs` is a page expression true once the UI shows the change. */
async function arm(page: Page, shownJs: string): Promise<void> {
  await page.evaluate(`(() => {
    const rev0 = window.__sync.revision;
    window.__timing = new Promise((resolve) => {
      let start = null, shown = null;
      const check = () => {
        const now = performance.now();
        if (shown === null && (${shownJs})) shown = now;
        if (shown !== null && window.__sync.revision > rev0 && window.__sync.inflight === 0) return resolve({ shown: shown - start, settled: now - start });
        requestAnimationFrame(check);
      };
      const begin = (e) => {
        if (start !== null || (e.type === 'keydown' && e.key !== 'Enter')) return;
        start = performance.now();
        requestAnimationFrame(check);
      };
      window.addEventListener('pointerup', begin, { capture: true });
      window.addEventListener('keydown', begin, { capture: true });
    });
  })()`);
}

const result = (page: Page) => page.evaluate('window.__timing') as Promise<Timing>;

const countIs = (group: string, text: string) => `document.querySelector('[data-testid="group-${group}"] [data-testid="group-count"]')?.textContent === ${JSON.stringify(text)}`;

async function drag(page: Page, query: string, group: string, expectText: string): Promise<Timing> {
  const catalog = page.getByRole('region', { name: 'Servers' });
  await catalog.getByLabel('Search servers').fill(query);
  await catalog.getByRole('button', { name: 'Select all shown' }).click();
  const row = catalog.getByRole('option').first();
  const target = page.getByTestId(`group-${group}`);
  await arm(page, countIs(group, expectText));
  await pointerDrag(page, row, target, { dropY: 30, steps: 10 });
  return result(page);
}

async function renameGroup(page: Page, from: string, to: string): Promise<Timing> {
  await page.getByRole('button', { name: `Rename group ${from}` }).click();
  await page.getByLabel('Group name').fill(to);
  await arm(page, `!!document.querySelector('[data-testid="group-${to}"]')`);
  await page.getByLabel('Group name').press('Enter');
  return result(page);
}

async function renameProject(page: Page, to: string): Promise<Timing> {
  await page.getByRole('button', { name: 'Properties' }).click();
  await page.getByLabel('Project name').fill(to);
  await arm(page, `document.querySelector('.doc-name')?.textContent === ${JSON.stringify(to)}`);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  return result(page);
}

async function launchSettings(page: Page, group: string, count: number): Promise<Timing> {
  await page.getByTestId(`group-${group}`).getByRole('button', { name: group, exact: true }).click();
  await page.getByRole('tab', { name: /Launch settings/ }).click();
  const form = page.getByRole('form', { name: 'Launch settings' });
  await form.getByRole('combobox', { name: 'Instance type' }).fill('r6i.xl');
  await page.getByRole('listbox', { name: 'Instance types' }).getByRole('option', { name: /^r6i\.xlarge/ }).click();
  // Notices already on screen are marked so that only the new one counts.
  await page.evaluate(`document.querySelectorAll('.notice-text').forEach((n) => (n.dataset.seen = '1'))`);
  await arm(page, `[...document.querySelectorAll('.notice-text')].some((n) => !n.dataset.seen && n.textContent === 'Launch settings applied to ${count} servers.')`);
  await form.getByRole('button', { name: `Apply to ${count} servers` }).click();
  return result(page);
}

async function undo(page: Page, shownJs: string): Promise<Timing> {
  await arm(page, shownJs);
  await page.getByRole('button', { name: 'Undo' }).click();
  return result(page);
}

const REFERENCE = 'reference: rename after a lost event (full reload)';
const runs: Record<string, Timing[]> = {};
const record = (what: string, t: Timing) => (runs[what] ??= []).push(t);

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(DROP_HOOK);
  await page.goto(shell.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await page.getByTestId('group-Target').waitFor({ timeout: 120_000 });
  await instrument(page);
  for (let round = 0; round < ROUNDS; round++) {
    record('drag 1 server into a group', await drag(page, `BENCH-B${String(round).padStart(4, '0')}`, 'Other', `${round + 1} server${round ? 's' : ''}`));
    record('drag 500 servers into a group', await drag(page, 'BENCH-A', 'Target', '500 servers'));
    record('launch settings on 500 servers (Apply)', await launchSettings(page, 'Target', 500));
    record('rename a launch group', await renameGroup(page, 'Other', `Other ${round}`));
    await renameGroup(page, `Other ${round}`, 'Other');
    record('rename the project (Properties dialog)', await renameProject(page, `Bench estate ${round}`));
    record('undo (the project rename)', await undo(page, `document.querySelector('.doc-name')?.textContent === 'Bench estate'`));
    record('undo (the 500-server drag)', await (async () => {
      await undo(page, `!!document.querySelector('[data-testid="group-Other ${round}"]')`);
      await undo(page, `!!document.querySelector('[data-testid="group-Other"]')`);
      await undo(page, 'true'); // the launch settings
      return undo(page, countIs('Target', '0 servers'));
    })());
    // Reference: the page misses the event of one rename; the next rename then reloads the whole document.
    await page.evaluate('window.__dropNext = true');
    await renameGroup(page, 'Other', `Lost ${round}`);
    record(REFERENCE, await renameGroup(page, `Lost ${round}`, 'Other'));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const ref = median(runs[REFERENCE]!.map((t) => t.settled));
  console.log(`${N.toLocaleString('en-US')} servers; medians over ${ROUNDS} rounds (ms from mouse-up/Enter)`);
  for (const [what, ts] of Object.entries(runs)) {
    const shown = median(ts.map((t) => t.shown));
    const settled = median(ts.map((t) => t.settled));
    console.log(`${what.padEnd(52)} shown ${shown.toFixed(1).padStart(8)}  settled ${settled.toFixed(1).padStart(8)}  (settled runs: ${ts.map((t) => t.settled.toFixed(0)).join(', ')})  settled / full reload: ${(settled / ref).toFixed(3)}`);
  }
} finally {
  await browser.close();
  await shell.close();
  await rm(dir, { recursive: true, force: true });
}
