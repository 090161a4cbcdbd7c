// A consultant discovers a vCenter kept at statistics level 1 (vCenter's default) that serves tagging only under /api:
// govmomi's vcsim behind test/helpers/vcsim-proxy.ts (level-1 answers to QueryAvailablePerfMetric, /rest refused,
// /api answered by test/fakes/vapi-tagging.fake.ts). The server detail shows the disk and network totals of the day.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';
import { startPeer, stopPeer } from '../helpers/peers';
import { statisticsLevel1, vcsimProxy, type VcsimProxy } from '../helpers/vcsim-proxy';
import { fakeVapiTagging } from '../fakes/vapi-tagging.fake';
import { discoverVcenter } from '../../main/discovery/vcenter/vcenter-discovery';
import { peerPort } from '../helpers/ports';

let vcEnv: Record<string, string> = {};
let vcDir = '';
let proxy: VcsimProxy | undefined;
let vmName = '';

test.beforeAll(async () => {
  test.setTimeout(700_000);
  vcDir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-vcsim1-'));
  vcEnv = { VCSIM_PORT: String(await peerPort()), VCSIM_PIDFILE: path.join(vcDir, 'vcsim.pid'), VCSIM_ARGS: '-dc 1 -cluster 1 -host 1 -vm 2 -standalone-host 0' };
  const vcUrl = await startPeer('start-vcsim.sh', [], vcEnv, 600_000);
  const thumbprint = await discoverVcenter({ url: vcUrl, user: 'user', password: 'pass' }).then(() => '', (e: { details?: { thumbprint?: string } }) => e.details?.thumbprint ?? '');
  const vm = (await discoverVcenter({ url: vcUrl, user: 'user', password: 'pass', thumbprint, tags: false })).vms[0]!;
  vmName = vm.name;
  const api = fakeVapiTagging({
    categories: [{ id: 'urn:vmomi:InventoryServiceCategory:c1:GLOBAL', name: 'Environment' }],
    tags: [{ id: 'urn:vmomi:InventoryServiceTag:t1:GLOBAL', name: 'Staging', category_id: 'urn:vmomi:InventoryServiceCategory:c1:GLOBAL' }],
    attached: { 'urn:vmomi:InventoryServiceTag:t1:GLOBAL': [{ type: 'VirtualMachine', id: vm.moref }] },
  });
  proxy = await vcsimProxy(vcUrl, { rest: false, api, rewrite: await statisticsLevel1(vcUrl, thumbprint) });
});
test.afterAll(async () => {
  await proxy?.close();
  if (vcEnv.VCSIM_PIDFILE) await stopPeer('start-vcsim.sh', vcEnv).catch(() => undefined);
  await rm(vcDir, { recursive: true, force: true });
});

test('a vCenter at statistics level 1 with tags under /api: the server detail shows disk and network throughput over the day, and the tags', async ({ page, workbench }) => {
  test.setTimeout(300_000);
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Project' }).getByRole('button', { name: 'New' }).click();
  await page.getByRole('button', { name: 'Discover servers…' }).click();
  const d = page.getByRole('dialog', { name: 'Discover servers' });
  await d.getByRole('radio', { name: 'VMware vCenter or ESXi' }).check();
  await d.getByLabel('Address', { exact: true }).fill(proxy!.url);
  await d.getByLabel('User', { exact: true }).fill('user');
  await d.getByLabel('Password', { exact: true }).fill('pass');
  await d.getByLabel('Utilization from performance statistics', { exact: true }).selectOption({ label: 'Last day (5-minute samples)' });
  await d.getByRole('button', { name: 'Run discovery' }).click();
  const report = d.getByTestId('discover-report');
  await expect(report).toBeVisible({ timeout: 120_000 });
  await expect(report.locator('.report-cards div', { hasText: 'Servers found' }).locator('.total-value')).toHaveText('2');
  // Neither the level-1 statistics nor the /api tagging is a warning any more.
  await expect(report).not.toContainText('left empty');
  await expect(report).not.toContainText('tags were not read');
  await report.getByRole('button', { name: 'View catalog' }).click();
  await expect(d).toHaveCount(0);

  await page.getByRole('row').filter({ has: page.getByText(vmName, { exact: true }) }).click();
  const detail = page.getByRole('complementary', { name: `Details of ${vmName}` });
  await expect(detail).toContainText('Staging');
  await expect(detail).toContainText('288 samples over 1 day.');
  const util = detail.getByRole('table', { name: 'Utilization' });
  const disk = util.getByRole('row', { name: /^Disk \(read \+ write\)/ });
  const network = util.getByRole('row', { name: /^Network \(in \+ out\)/ });
  await expect(disk).toBeVisible();
  await expect(network).toBeVisible();
  // Average, p95 and max, each in a human unit (KB/s, MB/s).
  for (const row of [disk, network]) await expect(row.getByRole('cell')).toHaveText([/^(Disk|Network)/, /^[\d,.]+ [KMG]B\/s$/, /^[\d,.]+ [KMG]B\/s$/, /^[\d,.]+ [KMG]B\/s$/]);
  await expect(util.getByRole('row', { name: /^Network in/ })).toHaveCount(0);
  await expect(detail).toContainText('disk.usage.average');
  await detail.getByRole('heading', { name: 'Utilization' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'vcenter-level1-detail-1440');
  await page.setViewportSize({ width: 1280, height: 720 });
  await network.scrollIntoViewIfNeeded();
  await screenshot(page, 'vcenter-level1-detail-1280');
});
