import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { test, expect, screenshot } from './fixtures';
import { startFakeEbs } from '../fakes/ebs-direct.fake';

const run = promisify(execFile);
const BLOCK = 512 * 1024;

// The AWS SDK's default chain finds these (fake) keys in the environment; the real configuration is never read.
process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';

test('a consultant maps a disk image, replicates a server, watches it, and replicates again after a change', async ({ page, workbench }) => {
  test.setTimeout(300_000);
  // After the first few blocks the endpoint holds every upload until the test has seen the running state, so a fast
  // machine cannot finish the run before it is watched; then each block waits a little.
  let release!: () => void;
  const watched = new Promise<void>((r) => { release = r; });
  let started = 0;
  const fake = await startFakeEbs({ beforePut: async () => {
    started += 1;
    if (started > 4) await watched;
    await new Promise((r) => setTimeout(r, 25));
  } });
  try {
    // A 48 MiB disk with every other 512 KiB block holding data, as qcow2 (made by qemu-img, the reference tool).
    const folder = path.join(workbench.dir, 'datastore', 'SHOP-DB01');
    await mkdir(folder, { recursive: true });
    const raw = path.join(workbench.dir, 'shop-db01.raw');
    const image = path.join(folder, 'SHOP-DB01.qcow2');
    const content = Buffer.alloc(96 * BLOCK);
    for (let i = 0; i < 96; i += 2) randomBytes(BLOCK).copy(content, i * BLOCK);
    await writeFile(raw, content);
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, image], { timeout: 60_000 });

    await workbench.open(page);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Replication' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Replication' })).toBeVisible();

    // Point the app at the (fake, loopback) EBS direct endpoint: a per-user setting, not the project's.
    await page.getByRole('button', { name: 'Connection settings…' }).click();
    const settings = page.getByRole('dialog', { name: 'Replication connection settings' });
    await settings.getByLabel(/^Endpoint override/).fill('ftp://nope');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings.getByRole('alert')).toContainText('http(s) URL');
    await settings.getByLabel(/^Endpoint override/).fill(fake.url);
    await settings.getByLabel(/^Default Region/).fill('us-east-1');
    await screenshot(page, 'replication-connection');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toHaveCount(0);
    await expect(page.getByTestId('replication-target')).toContainText(`endpoint ${fake.url}`);

    // Map SHOP-DB01's first disk: the dialog shows where RVTools says the disk is; the in-app browser finds the file.
    const card = page.getByRole('article', { name: 'Server SHOP-DB01' });
    await card.getByRole('button', { name: 'Choose image… (SHOP-DB01, Hard disk 1)' }).click();
    const picker = page.getByRole('dialog', { name: 'Disk image of SHOP-DB01 · Hard disk 1' });
    await expect(picker.getByTestId('rvtools-path')).toHaveText('[Prod-Cluster-A-ds01] SHOP-DB01/SHOP-DB01.vmdk');
    await picker.getByRole('button', { name: 'Browse…' }).click();
    await picker.getByRole('button', { name: 'Type a path' }).click();
    await picker.getByRole('textbox', { name: 'Folder path' }).fill(folder);
    await picker.getByRole('button', { name: 'Go' }).click();
    await picker.getByRole('button', { name: /SHOP-DB01\.qcow2/ }).click();
    await expect(picker.getByTestId('image-info')).toContainText('qcow2');
    await expect(picker.getByTestId('image-info')).toContainText('qcow2 (v3) · 48 MiB disk · 24 MiB holding data');
    await screenshot(page, 'replication-picker');
    await picker.getByRole('button', { name: 'Use this image' }).click();
    await expect(picker).toHaveCount(0);
    await expect(card.getByTestId('replication-image')).toHaveText(image);

    // Run: the state, the progress bar and the bytes read move while it runs, then it completes.
    await card.getByRole('button', { name: 'Start replication of SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-state')).toHaveText('Replicating');
    await expect.poll(async () => Number(await card.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect(card.getByRole('button', { name: 'Pause SHOP-DB01' })).toBeVisible();
    await screenshot(page, 'replication-running');
    release();
    await expect(card.getByTestId('replication-state')).toHaveText('Completed', { timeout: 120_000 });
    await expect(card.getByTestId('replication-last-run')).toContainText('Completed · 24 MiB sent');
    expect(fake.puts).toHaveLength(48);

    // Change three blocks of the VM's disk and replicate again with the keyboard: only those travel.
    const fh = await open(raw, 'r+');
    for (const i of [1, 10, 51]) await fh.write(randomBytes(BLOCK), 0, BLOCK, i * BLOCK);
    await fh.close();
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, image], { timeout: 60_000 });
    fake.puts.length = 0;
    await card.getByRole('button', { name: 'Run now: SHOP-DB01' }).focus();
    await page.keyboard.press('Enter');
    await expect(card.getByTestId('replication-last-run')).toContainText('Completed · 1.5 MiB sent', { timeout: 120_000 });
    expect(fake.puts.map((p) => p.index).sort((a, b) => a - b)).toEqual([1, 10, 51]);
    await expect(card.getByTestId('replication-sent')).toHaveText('1.5 MiB');

    // Someone deletes the last snapshot in the console: the next run cannot be a child of it, so it sends every block
    // again, and the card says why (before, every later run failed on the missing parent).
    const latest = [...fake.snapshots.keys()].at(-1)!;
    fake.snapshots.delete(latest);
    fake.puts.length = 0;
    await card.getByRole('button', { name: 'Run now: SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-notice')).toHaveText(`Hard disk 1: The last run's snapshot ${latest} no longer exists, so this run sent every block again.`, { timeout: 120_000 });
    await expect(card.getByTestId('replication-state')).toHaveText('Completed');
    await expect(card.getByTestId('replication-last-run')).toContainText('Completed · 25 MiB sent');
    expect(fake.puts).toHaveLength(50);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'replication-parent-gone');

    // A server without an image fails with the cause, the fix and Retry.
    const other = page.getByRole('article', { name: 'Server SHOP-DB02' });
    await other.getByRole('button', { name: 'Start replication of SHOP-DB02' }).click();
    await expect(other.getByTestId('replication-state')).toHaveText('Failed');
    await expect(other.getByRole('alert')).toContainText('No disk images are mapped for SHOP-DB02');
    await expect(other.getByRole('alert')).toContainText('Map each disk of the server to its image file');
    await expect(other.getByRole('alert')).not.toContainText('--disk-image');
    // The notice at the top (the desktop notification's words) speaks the app's words too, not the CLI's.
    await expect(page.getByRole('alert').filter({ hasText: 'Replication failed' })).toContainText('No disk images are mapped for SHOP-DB02');
    await expect(page.getByRole('alert').filter({ hasText: 'Replication failed' })).not.toContainText('--disk-image');
    await expect(other.getByRole('button', { name: 'Retry SHOP-DB02' })).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 720 });
    await other.scrollIntoViewIfNeeded();
    await screenshot(page, 'replication-1280');
  } finally {
    release();
    await fake.close();
  }
});
