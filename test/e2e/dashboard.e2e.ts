import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';
import { mgnSampleResponses } from '../fakes/mgn.fake';

test('a consultant opens the demo dashboard, watches a run live, loads MGN responses and saves a chart as PNG for the status report', async ({ page, workbench }) => {
  test.setTimeout(300_000);
  await workbench.open(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+7');
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  for (const name of ['Applications by status', 'Servers by stage', 'Replication throughput', 'Bytes sent against disk size', 'Waves']) await expect(page.getByRole('figure', { name })).toBeVisible();
  // History from the project: the demo's generated runs, labelled as demo data.
  await expect(page.getByRole('note')).toContainText('Demo data');
  await expect(page.getByRole('img', { name: 'Applications by status: Not started 0, In progress 1, Completed 1, Error 1' })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Servers by stage: Not started 4, Disks mapped 0, Replicating 0, Replicated 9, AMI ready 0, Error 1$/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Bytes sent against disk size: 8 newest runs: .* incremental runs saved/ })).toBeVisible();
  const runs = page.getByRole('table', { name: 'Recent replication runs' });
  await expect(runs.getByRole('row').nth(1)).toContainText('PAY-APP01');
  await expect(runs.getByRole('row').nth(1)).toContainText('Failed');
  // The demo's runs made snapshots only: no made-up AMI id may reach the export.
  await expect(runs).not.toContainText(/ami-/);
  await expect(page.getByRole('figure', { name: 'Replication throughput' })).toContainText('No replication is running');
  await expect(page.locator('.dashboard-screen')).not.toContainText('ami-ready');
  await screenshot(page, 'dashboard-1440');

  // A run as the jobs service reports it: the throughput chart and the jobs table follow it live.
  const doc = workbench.services.project.document;
  const web = doc.inventory.servers.find((s) => s.name === 'SP-WFE01')!;
  const events = workbench.services.events;
  const t0 = Date.now();
  events.emit('replication.job', { jobId: 'job-e2e', serverId: web.id, state: 'running', transport: 's3', at: new Date(t0).toISOString() });
  const GiB = 2 ** 30;
  for (let i = 1; i <= 5; i++) {
    events.emit('replication.progress', { jobId: 'job-e2e', serverId: web.id, disk: 'Hard disk 1', stage: 'sending', bytesRead: i * 10 * GiB, bytesTotal: 100 * GiB, blocksChanged: i * 100, bytesSent: i * GiB, rate: (100 + i * 20) * 2 ** 20, etaSeconds: 60 - i * 10, at: new Date(t0 + i * 1000).toISOString() });
  }
  await expect(page.getByRole('img', { name: /^Replication throughput: 1 disks running, now 200 MiB\/s, peak 200 MiB\/s$/ })).toBeVisible();
  const jobs = page.getByRole('table', { name: 'Workbench replication jobs in this session' });
  await expect(jobs).toContainText('SP-WFE01');
  await expect(jobs).toContainText('Sending blocks');
  await expect(jobs.getByRole('row', { name: /SP-WFE01/ }).getByRole('cell').nth(2)).toHaveText('S3 bucket + VM Import');
  await expect(jobs.getByRole('progressbar', { name: 'SP-WFE01 Hard disk 1: 50%' })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Servers by stage: .*Replicating 1/ })).toBeVisible();
  await screenshot(page, 'dashboard-live');
  // It completes: headless Chromium grants no desktop notification, so the in-app notice says it.
  events.emit('replication.job', { jobId: 'job-e2e', serverId: web.id, state: 'completed', amiId: 'ami-0e2e0000000000001', at: new Date(t0 + 6000).toISOString() });
  await expect(page.getByText('Replication completed: SP-WFE01 replicated; AMI ami-0e2e0000000000001.')).toBeVisible();
  await expect(page.getByRole('img', { name: /^Replication throughput: 0 disks running, now 0 B\/s/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Servers by stage: .*AMI ready 1,/ })).toBeVisible();

  // AWS's side: saved DescribeSourceServers / DescribeJobs responses, matched to the demo inventory.
  const sample = mgnSampleResponses();
  const db = doc.inventory.servers.find((s) => s.name === 'SHOP-DB01')!;
  sample.sourceServers[0]!.sourceProperties!.identificationHints = { hostname: 'sp-app02', fqdn: 'sp-app02.corp.example.com' };
  sample.sourceServers[1]!.sourceProperties!.identificationHints = { hostname: 'pg-primary', vmWareUuid: db.identity.biosUuid ?? db.identity.instanceUuid ?? '' };
  const servers = path.join(workbench.dir, 'describe-source-servers.json');
  const jobsFile = path.join(workbench.dir, 'describe-jobs.json');
  await writeFile(servers, JSON.stringify({ items: sample.sourceServers }));
  await writeFile(jobsFile, JSON.stringify({ items: sample.jobs }));
  const bad = path.join(workbench.dir, 'notes.json');
  await writeFile(bad, '{"secret": "do-not-show"');
  await page.getByLabel('Load saved MGN responses').setInputFiles([bad]);
  await expect(page.getByRole('alert').filter({ hasText: 'notes.json is not JSON' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'notes.json is not JSON' })).not.toContainText('do-not-show');
  await page.getByLabel('Load saved MGN responses').setInputFiles([servers, jobsFile]);
  const mgn = page.getByRole('table', { name: 'Servers AWS replicates' });
  await expect(page.getByTestId('mgn-source')).toContainText('4 source servers, 2 matched to the inventory, 2 not; 2 jobs');
  await expect(mgn.getByRole('row').filter({ hasText: 'sp-app02' })).toContainText('SP-APP02 by host name');
  await expect(mgn.getByRole('row').filter({ hasText: 'sp-app02' })).toContainText('Ready for test');
  await expect(mgn.getByRole('row').filter({ hasText: 'sp-app02' })).toContainText('Cutover: Started');
  await expect(mgn.getByRole('row').filter({ hasText: 'pg-primary' })).toContainText('SHOP-DB01 by VMware UUID');
  await expect(mgn.getByRole('row').filter({ hasText: 'pg-primary' })).toContainText('Initial sync');
  await expect(mgn).not.toContainText('READY_FOR_TEST');
  await mgn.scrollIntoViewIfNeeded();
  await screenshot(page, 'dashboard-mgn');

  // A chart as PNG for the status report (a download in the browser shell).
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).scrollIntoViewIfNeeded();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Save as PNG\W+Applications by status$/ }).click()]);
  expect(download.suggestedFilename()).toBe('applications-by-status.png');
  const png = await readFile((await download.path())!);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect(width).toBeGreaterThan(600);
  expect(height).toBeGreaterThan(400);
  await download.saveAs(path.join('test-results', 'screens', 'dashboard-chart-export.png'));

  await page.setViewportSize({ width: 1280, height: 720 });
  // The pointer, left where Save as PNG was, would sit over a chart of the narrower layout and show its tooltip.
  await page.mouse.move(0, 0);
  await expect(page.getByRole('figure', { name: 'Waves' })).toBeVisible();
  await screenshot(page, 'dashboard-1280');
});
