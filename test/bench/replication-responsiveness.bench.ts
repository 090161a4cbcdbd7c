// The UI stays responsive while two replication jobs run: edits on the Applications screen (rename a launch group
// with the keyboard, drag one server into a group) measured in Chromium against the browser shell, from the input
// (Enter / mouse-up) to the DOM showing the change, with two jobs sending blocks the whole time. Target: ≤ 150 ms.
// Reference in the same run: the same edits with no job running. The fake EBS direct endpoint runs in a child
// process (as AWS would be elsewhere) and holds each PutSnapshotBlock BENCH_PUT_DELAY_MS (default 800: with 16 blocks
// in flight about 10 MiB/s per job) so that both jobs are still sending when the measurement ends (checked and
// printed). Also printed: the main process's event-loop delay in each phase (is main busy?) and the progress events
// per second that reached the page (is the renderer flooded?). Prints figures; asserts nothing.
// Needs a build first (node scripts/build.mjs) and Chromium. Run: npm run bench replication-responsiveness
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { serve } from '../../main/cli/serve.command';
import { pointerDrag } from '../helpers/pointer-drag';
import { applyEdit } from '../../main/common/model/edits';
import { docWithServers, makeServer } from '../helpers/plan-fixtures';
import { startFakeEbsProcess } from '../fakes/ebs-direct.fake-process-start';

if (!existsSync('out/renderer/index.html')) {
  console.error('replication-responsiveness: build the renderer first (node scripts/build.mjs).');
  process.exit(1);
}
const N = Number(process.env.BENCH_SERVERS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const PUT_DELAY_MS = Number(process.env.BENCH_PUT_DELAY_MS ?? 800);
const IMAGE_MIB = Number(process.env.MWB_BENCH_RESPONSIVE_MB ?? 768);
const TARGET_MS = 150;
const BLOCK = 512 * 1024;

process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';

const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-bench-responsive-'));

// Two disk images, every other 512 KiB block holding data (the rest stays a hole in the file).
const images: string[] = [];
for (const name of ['rep-a', 'rep-b']) {
  const file = path.join(dir, `${name}.raw`);
  const fh = await open(file, 'w');
  const blocks = (IMAGE_MIB * 2 ** 20) / BLOCK;
  const data = randomBytes(BLOCK);
  for (let i = 0; i < blocks; i += 2) {
    data.writeUInt32LE(i, 0); // each block differs
    await fh.write(data, 0, BLOCK, i * BLOCK);
  }
  await fh.truncate(IMAGE_MIB * 2 ** 20);
  await fh.close();
  images.push(file);
}

let doc = docWithServers(0);
doc = { ...doc, inventory: { ...doc.inventory, servers: [makeServer('rep-a', { name: 'REP-A' }), makeServer('rep-b', { name: 'REP-B' }), ...Array.from({ length: N - 2 }, (_, i) => makeServer(`b${i}`, { name: `BENCH-B${String(i).padStart(4, '0')}` }))] } };
doc = applyEdit(doc, { type: 'application.create', applicationId: 'bench', name: 'Bench', groups: [{ id: 'g1', name: 'Replicated', serverIds: ['rep-a', 'rep-b'] }, { id: 'g2', name: 'Quiet', serverIds: [] }, { id: 'g3', name: 'Busy', serverIds: [] }, { id: 'g4', name: 'Rename', serverIds: [] }] });
const project = path.join(dir, 'bench.mwb.json');
await writeFile(project, JSON.stringify(doc));

// The fake endpoint in its own process: its hashing and XML are not the app's work.
const fake = await startFakeEbsProcess({ putDelayMs: PUT_DELAY_MS });

const shell = await serve({ dataDir: path.join(dir, 'appdata'), project });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });

/** Arms the timer: starts at the next Enter or mouse-up, resolves with ms until `shownJs` (a page expression) holds at a frame. */
async function arm(page: Page, shownJs: string): Promise<void> {
  await page.evaluate(`(() => {
    window.__timing = new Promise((resolve) => {
      let start = null;
      const check = () => ((${shownJs}) ? resolve(performance.now() - start) : requestAnimationFrame(check));
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
const timing = (page: Page) => page.evaluate('window.__timing') as Promise<number>;

let renames = 0;
async function rename(page: Page): Promise<number> {
  const from = renames ? `Rename ${renames}` : 'Rename';
  const to = `Rename ${++renames}`;
  await page.getByRole('button', { name: `Rename group ${from}`, exact: true }).click();
  await page.getByLabel('Group name').fill(to);
  await arm(page, `!!document.querySelector('[data-testid="group-${to}"]')`);
  await page.getByLabel('Group name').press('Enter');
  return timing(page);
}

let dragged = 0;
async function drag(page: Page, group: string, count: number): Promise<number> {
  const catalog = page.getByRole('region', { name: 'Servers' });
  await catalog.getByLabel('Search servers').fill(`BENCH-B${String(dragged++).padStart(4, '0')}`);
  const row = catalog.getByRole('option').first();
  await arm(page, `document.querySelector('[data-testid="group-${group}"] [data-testid="group-count"]')?.textContent === ${JSON.stringify(`${count} server${count === 1 ? '' : 's'}`)}`);
  await pointerDrag(page, row, page.getByTestId(`group-${group}`), { dropY: 30, steps: 10 });
  return timing(page);
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(shell.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await page.getByTestId('group-Quiet').waitFor({ timeout: 120_000 });
  await page.evaluate(`(() => { window.__progress = 0; window.workbench.on('replication.progress', () => { window.__progress++; }); })()`);

  const measure = async (group: string) => {
    const r: { rename: number[]; drag: number[]; loop: string } = { rename: [], drag: [], loop: '' };
    // The main process's event loop (the shell's HTTP and events, the jobs service): how late its timers ran.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    for (let round = 0; round < ROUNDS; round++) {
      r.rename.push(await rename(page));
      r.drag.push(await drag(page, group, round + 1));
    }
    loop.disable();
    r.loop = `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`;
    return r;
  };

  // Warm-up (first renders, code paths), then the reference with nothing running.
  await rename(page);
  const quiet = await measure('Quiet');

  // Two jobs, started as the Replication screen starts them, through the same services.
  const jobs = shell.services.replicationJobs;
  jobs.setPrefs({ endpointUrl: fake.url, region: 'us-east-1', maxConcurrent: 2, maxPerDatastore: 2 });
  shell.services.replication.configure('rep-a', { disks: [{ disk: 'Hard disk 1', image: images[0]! }] });
  shell.services.replication.configure('rep-b', { disks: [{ disk: 'Hard disk 1', image: images[1]! }] });
  const started = [jobs.start({ kind: 'server', id: 'rep-a' }), jobs.start({ kind: 'server', id: 'rep-b' })];
  const sending = () => started.every((j) => jobs.get(j.id).servers[0]?.disks.some((d) => d.stage === 'sending'));
  for (let t = 0; t < 600 && !sending(); t++) await new Promise((r) => setTimeout(r, 100));
  const events0 = (await page.evaluate('window.__progress')) as number;
  const sent0 = started.map((j) => jobs.get(j.id).servers[0]!.disks[0]?.bytesSent ?? 0);
  const t0 = Date.now();
  const busy = await measure('Busy');
  const seconds = (Date.now() - t0) / 1000;
  const events = ((await page.evaluate('window.__progress')) as number) - events0;
  const states = started.map((j) => jobs.get(j.id));
  const stillRunning = states.every((j) => j.state === 'running');
  const sent = states.map((j, i) => (j.servers[0]!.disks[0]?.bytesSent ?? 0) - sent0[i]!);
  for (const j of started) jobs.cancel(j.id);

  console.log(`${N.toLocaleString('en-US')} servers; ${ROUNDS} edits of each kind; ms from Enter / mouse-up to the DOM showing the change`);
  console.log(`two jobs ${stillRunning ? 'were running throughout' : `were NOT both running at the end (${states.map((j) => j.state).join(', ')}): raise BENCH_PUT_DELAY_MS or MWB_BENCH_RESPONSIVE_MB`}: ${(sent.reduce((a, b) => a + b, 0) / 2 ** 20 / seconds).toFixed(1)} MiB/s sent together over ${seconds.toFixed(1)} s; ${events} progress events reached the page (${(events / seconds).toFixed(1)}/s)`);
  console.log(`main process event-loop delay: with 2 jobs ${busy.loop}; no job ${quiet.loop}`);
  for (const kind of ['rename', 'drag'] as const) {
    const what = kind === 'rename' ? 'rename a launch group (Enter)' : 'drag 1 server into a group (mouse-up)';
    const b = busy[kind];
    const q = quiet[kind];
    console.log(`${what.padEnd(40)} with 2 jobs: median ${median(b).toFixed(1)} ms, p95 ${p95(b).toFixed(1)} ms (target <= ${TARGET_MS} ms: ${p95(b) <= TARGET_MS ? 'met' : median(b) <= TARGET_MS ? 'median met, p95 NOT' : 'NOT met'})`);
    console.log(`${''.padEnd(40)} reference, no job:  median ${median(q).toFixed(1)} ms, p95 ${p95(q).toFixed(1)} ms; ratio with/without jobs: median ${(median(b) / median(q)).toFixed(2)}, p95 ${(p95(b) / p95(q)).toFixed(2)}`);
  }
  console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await browser.close();
  await shell.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
}
