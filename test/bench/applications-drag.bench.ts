// A drag of 500 selected servers into a launch group, measured in Chromium (target ≤ 100 ms from
// drop to the group showing them), against the same drag of 1 server in the same run.
// Needs a build first (node scripts/build.mjs). Run: npm run bench applications-drag
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { serve } from '../../main/cli/serve.command';
import { pointerDrag } from '../helpers/pointer-drag';
import { applyEdit } from '../../main/common/model/edits';
import { docWithServers, makeServer } from '../helpers/plan-fixtures';

if (!existsSync('out/renderer/index.html')) {
  console.error('applications-drag: build the renderer first (node scripts/build.mjs).');
  process.exit(1);
}
const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-drag-'));
let doc = docWithServers(0);
doc = { ...doc, inventory: { ...doc.inventory, servers: [...Array.from({ length: 500 }, (_, i) => makeServer(`a${i}`, { name: `BENCH-A${String(i).padStart(3, '0')}` })), ...Array.from({ length: 1000 }, (_, i) => makeServer(`b${i}`, { name: `BENCH-B${String(i).padStart(4, '0')}` }))] } };
doc = applyEdit(doc, { type: 'application.create', applicationId: 'bench', name: 'Bench', groups: [{ id: 'g1', name: 'Target', serverIds: [] }, { id: 'g2', name: 'Other', serverIds: [] }] });
const project = path.join(dir, 'bench.mwb.json');
await writeFile(project, JSON.stringify(doc));

const server = await serve({ dataDir: path.join(dir, 'appdata'), project });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });

/** Selects the servers matching `query`, drags them onto the group, returns ms from mouse-up to the group count showing `expect`. */
async function dragOnce(page: Page, query: string, group: string, expectText: string): Promise<number> {
  const catalog = page.getByRole('region', { name: 'Servers' });
  await catalog.getByLabel('Search servers').fill(query);
  await catalog.getByRole('button', { name: 'Select all shown' }).click();
  const row = catalog.getByRole('option').first();
  const target = page.getByTestId(`group-${group}`);
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="group-${group}"] [data-testid="group-count"]');
    window.__doneAt = new Promise((resolve) => {
      const check = () => (el.textContent === ${JSON.stringify(expectText)} ? resolve(performance.now()) : requestAnimationFrame(check));
      window.addEventListener('pointerup', () => { window.__dropAt = performance.now(); requestAnimationFrame(check); }, { once: true, capture: true });
    });
  })()`);
  await pointerDrag(page, row, target, { dropY: 30, steps: 10 });
  return (await page.evaluate('window.__doneAt.then((done) => done - window.__dropAt)')) as number;
}

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await page.getByTestId('group-Target').waitFor();
  const one: number[] = [];
  const many: number[] = [];
  for (let round = 0; round < 3; round++) {
    // 1 server in, then 500, then everything out again for the next round.
    one.push(await dragOnce(page, `BENCH-B${String(round).padStart(4, '0')}`, 'Other', `${round + 1} server${round ? 's' : ''}`));
    many.push(await dragOnce(page, 'BENCH-A', 'Target', '500 servers'));
    await page.getByTestId('group-Target').getByRole('button', { name: 'Target', exact: true }).click();
    await page.evaluate(() => undefined);
    const st = page.getByRole('region', { name: 'Servers' });
    await st.getByLabel('Search servers').fill('BENCH-A');
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByTestId('group-Target').getByTestId('group-count').filter({ hasText: '0 servers' }).waitFor();
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  console.log(`drag of 500 selected servers into a group, drop -> group shows them: median ${median(many).toFixed(1)} ms (runs: ${many.map((x) => x.toFixed(1)).join(', ')}) (target <= 100 ms: ${median(many) <= 100 ? 'met' : 'NOT met'})`);
  console.log(`reference, same run: drag of 1 server: median ${median(one).toFixed(1)} ms (runs: ${one.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`ratio 500-server drag / 1-server drag: ${(median(many) / median(one)).toFixed(2)}`);
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
