// The "done when" story in the app: real peers on loopback (govmomi's vcsim, libvirt's test driver, OpenSSH sshd).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';
import { startPeer, stopPeer } from '../helpers/peers';
import { startSshd, type SshdPeer } from '../helpers/sshd-peer';
import { fingerprint } from '../../main/discovery/ssh/known-hosts';
import { discoverVcenter } from '../../main/discovery/vcenter/vcenter-discovery';
import { labelVcsim } from '../helpers/vcsim-labels';
import { peerPort } from '../helpers/ports';

const run = promisify(execFile);
let vcUrl = '';
let vcEnv: Record<string, string> = {};
let vcDir = '';
let sshd: SshdPeer;
/** The vcsim VM given vSphere tags and a custom attribute before the story. */
let taggedVm = '';

test.beforeAll(async () => {
  test.setTimeout(700_000);
  vcDir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-vcsim-'));
  vcEnv = { VCSIM_PORT: String(await peerPort()), VCSIM_PIDFILE: path.join(vcDir, 'vcsim.pid'), VCSIM_ARGS: '-dc 1 -cluster 1 -host 2 -vm 3' };
  [vcUrl, sshd] = await Promise.all([startPeer('start-vcsim.sh', [], vcEnv, 600_000), startSshd()]);
  // Labels a vSphere administrator put on one VM: two tags of one category and a custom attribute.
  const thumbprint = await discoverVcenter({ url: vcUrl, user: 'user', password: 'pass' }).then(() => undefined, (e: { details?: { thumbprint?: string } }) => e.details?.thumbprint);
  const vm = (await discoverVcenter({ url: vcUrl, user: 'user', password: 'pass', ...(thumbprint ? { thumbprint } : {}), tags: false })).vms.find((v) => v.name.includes('_C0_'))!;
  taggedVm = vm.name;
  await labelVcsim(vcUrl, thumbprint, { tags: { [vm.moref]: [['Environment', 'Production'], ['Environment', 'PCI']] }, attributes: { [vm.moref]: { 'Cost centre': 'CC-4711' } } });
});
test.afterAll(async () => {
  if (vcEnv.VCSIM_PIDFILE) await stopPeer('start-vcsim.sh', vcEnv).catch(() => undefined);
  await sshd?.stop();
  await rm(vcDir, { recursive: true, force: true });
});

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Discover servers' });

/** Screenshots (axe, clipped/covered controls) at 1440×900, then at 1280×720, and back. */
async function bothSizes(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function runAndReport(page: Page) {
  await dialog(page).getByRole('button', { name: 'Run discovery' }).click();
}

test('a consultant discovers a vCenter, a libvirt host and a Linux host into one new project, then maps, assesses and hands over the report', async ({ page, workbench }) => {
  test.setTimeout(600_000);
  await workbench.open(page);
  // A fresh project.
  await page.getByRole('navigation', { name: 'Project' }).getByRole('button', { name: 'New' }).click();
  await expect(page.getByRole('heading', { name: 'No servers in this project' })).toBeVisible();
  await page.getByRole('button', { name: 'Discover servers…' }).click();
  const d = dialog(page);
  await expect(d).toBeVisible();
  await expect(d.getByRole('region', { name: 'Saved connections' })).toContainText('None yet');

  // 1. vCenter (vcsim, self-signed): the certificate is refused, shown with its thumbprint, trusted, pinned.
  await d.getByRole('radio', { name: 'VMware vCenter or ESXi' }).check();
  await expect(d.getByRole('button', { name: 'Run discovery' })).toBeDisabled();
  await expect(d).toContainText('Give the address.');
  await d.getByLabel('Address', { exact: true }).fill(vcUrl);
  await d.getByLabel('User', { exact: true }).fill('user');
  await d.getByLabel('Password', { exact: true }).fill('pass');
  await d.getByRole('checkbox', { name: /Remember password/ }).check();
  // Utilization from vCenter's statistics of the last day (none by default).
  const period = d.getByLabel('Utilization from performance statistics', { exact: true });
  await expect(period).toHaveValue('none');
  await period.selectOption({ label: 'Last day (5-minute samples)' });
  await bothSizes(page, 'discover-form');
  await runAndReport(page);
  const prompt = d.getByRole('alertdialog', { name: 'Certificate not trusted' });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('SHA-1 thumbprint');
  const thumb = (await prompt.locator('dd.mono').textContent())!.trim();
  expect(thumb).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  await expect(prompt).toContainText('Subject');
  await bothSizes(page, 'discover-certificate');
  await prompt.getByRole('button', { name: 'Trust and continue' }).click();
  const report = d.getByTestId('discover-report');
  await expect(report).toBeVisible({ timeout: 120_000 });
  await expect(report).toContainText('VMware vCenter or ESXi');
  const cards = report.locator('.report-cards');
  // vcsim: 3 VMs on the cluster and 3 on the standalone host.
  await expect(cards.locator('div', { hasText: 'Servers found' }).locator('.total-value')).toHaveText('6');
  await expect(cards.locator('div', { hasText: /^\d+Added$/ }).locator('.total-value')).toHaveText('6');
  await bothSizes(page, 'discover-report');
  // Saved without the password: the project keeps the address, the user and the pinned thumbprint.
  await report.getByRole('button', { name: 'Discover more' }).click();
  const saved = d.getByRole('region', { name: 'Saved connections' });
  await expect(saved).toContainText('certificate pinned');
  await expect(saved).toContainText('utilization of the last day');
  await expect(saved).toContainText('password saved for this session');

  // 2. libvirt's test driver; Undo takes the whole discovery back, then it runs again.
  await d.getByRole('radio', { name: 'libvirt / KVM' }).check();
  await d.getByLabel('Connection URI', { exact: true }).fill('test:///default');
  await runAndReport(page);
  await expect(report).toContainText('libvirt / KVM');
  await expect(cards.locator('div', { hasText: /^\d+Added$/ }).locator('.total-value')).toHaveText('1');
  await report.getByRole('button', { name: 'Undo this discovery' }).click();
  await expect(report.getByRole('status')).toContainText('The discovery was undone');
  await report.getByRole('button', { name: 'Discover more' }).click();
  await expect(d.getByLabel('Connection URI', { exact: true })).toHaveValue('test:///default');
  await runAndReport(page);
  await expect(cards.locator('div', { hasText: /^\d+Added$/ }).locator('.total-value')).toHaveText('1');
  await report.getByRole('button', { name: 'Discover more' }).click();

  // 3. A Linux host over SSH: the unknown host key is shown with its SHA-256 fingerprint and trusted.
  await d.getByRole('radio', { name: 'Linux hosts over SSH' }).check();
  await d.getByLabel('Hosts (one per line)', { exact: true }).fill('lab1=127.0.0.1');
  await d.getByLabel('Port', { exact: true }).fill(String(sshd.port));
  await d.getByLabel('User', { exact: true }).fill(sshd.user);
  await expect(d.getByLabel('Log in with', { exact: true })).toHaveValue('key');
  await d.getByLabel('Private key file', { exact: true }).fill(sshd.keyFile);
  await d.getByLabel('Sample utilization for (seconds)', { exact: true }).fill('2');
  await bothSizes(page, 'discover-ssh-form');
  await runAndReport(page);
  const keyPrompt = d.getByRole('alertdialog', { name: 'Unknown host key' });
  await expect(keyPrompt).toBeVisible({ timeout: 60_000 });
  const fp = fingerprint(Buffer.from(sshd.hostPub.split(' ')[1]!, 'base64'));
  await expect(keyPrompt).toContainText(fp);
  await expect(keyPrompt).toContainText('ssh-ed25519');
  await bothSizes(page, 'discover-host-key');
  await keyPrompt.getByRole('button', { name: 'Trust' }).click();
  await expect(report).toContainText('Linux hosts over SSH', { timeout: 120_000 });
  await expect(cards.locator('div', { hasText: /^\d+Added$/ }).locator('.total-value')).toHaveText('1');
  await report.getByRole('button', { name: 'View catalog' }).click();
  await expect(d).toHaveCount(0);

  // One project: 6 VMs + 1 domain + 1 host.
  await expect(page.getByTestId('total-servers')).toHaveText('8');
  const hostname = os.hostname();
  await page.getByRole('row').filter({ has: page.getByText(hostname, { exact: true }) }).click();
  const detail = page.getByRole('complementary', { name: `Details of ${hostname}` });
  await expect(detail).toContainText('Linux');
  await screenshot(page, 'discover-catalog');
  // The tagged vCenter VM: its tags and custom attribute, and a day of utilization with p95 and max.
  await page.getByRole('row').filter({ has: page.getByText(taggedVm, { exact: true }) }).click();
  const vmDetail = page.getByRole('complementary', { name: `Details of ${taggedVm}` });
  await expect(vmDetail.getByRole('heading', { name: 'Tags and custom attributes' })).toBeVisible();
  await expect(vmDetail).toContainText('PCI, Production');
  await expect(vmDetail).toContainText('CC-4711');
  const util = vmDetail.getByRole('table', { name: 'Utilization' });
  await expect(vmDetail).toContainText('288 samples over 1 day.');
  await expect(util.getByRole('row', { name: /^CPU/ })).toContainText('%');
  await expect(util.getByRole('columnheader', { name: 'p95' })).toBeVisible();
  await vmDetail.getByRole('heading', { name: 'Utilization' }).scrollIntoViewIfNeeded();
  await bothSizes(page, 'discover-vm-detail');

  // The project file keeps the three connections and no secret.
  await page.keyboard.press('Control+s');
  const projectFile = path.join(workbench.dir, 'discovered.mwb.json');
  const saveAs = page.getByRole('dialog', { name: 'Save project as' });
  await saveAs.getByLabel('File name').fill(projectFile);
  await saveAs.getByRole('button', { name: 'Save' }).click();
  await expect(saveAs).toHaveCount(0);
  expect((await stat(projectFile)).size).toBeGreaterThan(1000);
  const doc = JSON.parse(await readFile(projectFile, 'utf8')) as { discovery: { sources: { kind: string; thumbprint?: string }[] } };
  expect(doc.discovery.sources.map((s) => s.kind)).toEqual(['vcenter', 'libvirt', 'ssh']);
  expect(doc.discovery.sources[0]!.thumbprint).toBe(thumb);
  const text = await readFile(projectFile, 'utf8');
  expect(text).not.toContain('"pass"');
  expect(text).not.toContain('password');

  // Dependencies: what the SSH host showed of its connections.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Dependencies' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dependencies' })).toBeVisible();
  await screenshot(page, 'discover-dependencies');

  // Assessment: charts, the region changes the monthly cost, the workbook and the PDF.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Assessment' }).click();
  await expect(page.getByLabel('Totals')).toContainText('8');
  for (const name of ['Readiness', 'Operating systems', 'On premises against the EC2 proposal']) await expect(page.getByRole('figure', { name })).toBeVisible();
  const monthly = page.getByTestId('estate-monthly');
  const before = await monthly.textContent();
  await page.getByLabel('Region').selectOption('eu-west-1');
  await expect(monthly).not.toHaveText(before!);
  await bothSizes(page, 'discover-assessment');
  const xlsx = path.join(workbench.dir, 'discovered-assessment.xlsx');
  await page.getByLabel('Workbook path').fill(xlsx);
  await page.getByRole('button', { name: 'Save workbook' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${xlsx}` })).toBeVisible();
  const book = await readFile(xlsx);
  expect(book.subarray(0, 2).toString()).toBe('PK');
  expect(book.length).toBeGreaterThan(5_000);
  await page.getByRole('button', { name: 'Printable report (PDF)' }).click();
  const printable = page.getByRole('article', { name: 'Assessment report' });
  await expect(printable.getByRole('heading', { level: 1 })).toContainText('Migration assessment');
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(workbench.dir, 'discovered-assessment.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
  await page.emulateMedia({ media: 'screen' });
});

test('Cancel stops a running discovery and leaves the project unchanged; a changed host key is refused without a trust button', async ({ page, workbench }) => {
  test.setTimeout(240_000);
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Project' }).getByRole('button', { name: 'New' }).click();
  await page.getByRole('button', { name: 'Discover servers…' }).click();
  const d = dialog(page);
  await d.getByRole('radio', { name: 'Linux hosts over SSH' }).check();
  await d.getByLabel('Hosts (one per line)', { exact: true }).fill('127.0.0.1');
  await d.getByLabel('Port', { exact: true }).fill(String(sshd.port));
  await d.getByLabel('User', { exact: true }).fill(sshd.user);
  await d.getByLabel('Private key file', { exact: true }).fill(sshd.keyFile);
  await d.getByLabel('Sample utilization for (seconds)', { exact: true }).fill('60');
  await runAndReport(page);
  await d.getByRole('alertdialog', { name: 'Unknown host key' }).getByRole('button', { name: 'Trust' }).click();
  await expect(d.getByRole('progressbar', { name: 'Discovery progress' })).toBeVisible();
  await screenshot(page, 'discover-running');
  await d.getByRole('button', { name: 'Cancel' }).click();
  await expect(d.getByRole('alert')).toContainText('nothing in the project was changed', { timeout: 30_000 });
  await expect(d.getByRole('alert')).toContainText(/cancelled/i);
  await expect(page.getByTestId('doc-title')).not.toContainText('●');
  await d.getByRole('button', { name: 'Back to the form' }).click();
  // The form keeps what was typed.
  await expect(d.getByLabel('Private key file', { exact: true })).toHaveValue(sshd.keyFile);

  // The host key changes (the app's known_hosts now pins another key): refused, explained, no trust offered.
  const other = path.join(workbench.dir, 'other_host_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const otherPub = (await readFile(`${other}.pub`, 'utf8')).trim().split(' ');
  await writeFile(path.join(workbench.dir, 'appdata', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${otherPub[0]} ${otherPub[1]}\n`);
  await d.getByLabel('Sample utilization for (seconds)', { exact: true }).fill('0');
  await runAndReport(page);
  const alert = d.getByRole('alert');
  await expect(alert).toContainText('CHANGED', { timeout: 60_000 });
  await expect(d.getByRole('button', { name: /Trust/ })).toHaveCount(0);
  await bothSizes(page, 'discover-host-key-changed');
  await d.getByRole('button', { name: 'Close dialog' }).click();
  await expect(page.getByRole('heading', { name: 'No servers in this project' })).toBeVisible();
});
