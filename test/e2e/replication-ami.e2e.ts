import type { Locator, Page } from '@playwright/test';
import { parse as parseYaml } from 'yaml';
import { test, expect } from './fixtures';
import { openReplication, runThroughVmImport, screens, shopDb01RawDisk } from './replication-story';
import { startFakeEbs } from '../fakes/ebs-direct.fake';

// The AWS SDK's default chain finds these (fake) keys in the environment; the real configuration is never read.
process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';

/** Opens SHOP-DB01's image picker and picks its raw disk in the in-app browser (at a typed folder path). */
async function browseToDisk(page: Page, card: Locator, folder: string): Promise<Locator> {
  await card.getByRole('button', { name: 'Choose image… (SHOP-DB01, Hard disk 1)' }).click();
  const picker = page.getByRole('dialog', { name: 'Disk image of SHOP-DB01 · Hard disk 1' });
  await picker.getByRole('button', { name: 'Browse…' }).click();
  await picker.getByRole('button', { name: 'Type a path' }).click();
  await picker.getByRole('textbox', { name: 'Folder path' }).fill(folder);
  await picker.getByRole('button', { name: 'Go' }).click();
  await picker.getByRole('button', { name: /SHOP-DB01-flat\.raw/ }).click();
  return picker;
}

test('a consultant maps a disk image, replicates with VM Import, watches the run and the dashboard, and sees the AMI reach the export', async ({ page, workbench }) => {
  // Three screens at two sizes, each checked with axe, and AWS's template validator's first start: minutes on a loaded machine.
  test.setTimeout(480_000);
  // The fake endpoint holds what the test must see: uploads after the first few until the running state was seen,
  // then the import task's status checks until the importing stage was seen (a fast machine would finish first).
  let releaseBlocks!: () => void;
  const runningSeen = new Promise<void>((r) => { releaseBlocks = r; });
  let releaseImport!: () => void;
  const importingSeen = new Promise<void>((r) => { releaseImport = r; });
  let puts = 0;
  const fake = await startFakeEbs({
    importSteps: 1,
    beforePut: async () => {
      puts += 1;
      if (puts > 4) await runningSeen;
    },
    beforeEc2: async (action) => {
      if (action === 'DescribeImportImageTasks') await importingSeen;
    },
  });
  try {
    // A 16 MiB raw disk, every other 512 KiB block holding data, where RVTools says SHOP-DB01's disk is.
    const { folder, image } = await shopDb01RawDisk(workbench, 32, 2);

    await workbench.open(page);
    const areas = page.getByRole('navigation', { name: 'Areas' });

    // Before: the export warns that SHOP-DB01 has no AMI.
    await areas.getByRole('button', { name: 'Export' }).click();
    await page.getByLabel('Application').selectOption({ label: 'WebShop' });
    const findings = page.getByRole('list', { name: 'Findings' });
    await expect(findings).toContainText(/7 servers: SHOP-DB01, .* — has no AMI yet/, { timeout: 60_000 });

    await areas.getByRole('button', { name: 'Replication' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Replication' })).toBeVisible();

    // Connection settings: the fake endpoint, a Region, and an AMI made by VM Import after each completed run.
    await page.getByRole('button', { name: 'Connection settings…' }).click();
    const settings = page.getByRole('dialog', { name: 'Replication connection settings' });
    await settings.getByLabel(/^Endpoint override/).fill(fake.url);
    await settings.getByLabel(/^Default Region/).fill('us-east-1');
    await settings.getByLabel('After each completed run').selectOption({ label: 'Make an AMI with VM Import (drivers injected)' });
    await screens(page, 'replication-ami-settings');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toHaveCount(0);

    // Map the disk to the image through the in-app browser.
    const card = page.getByRole('article', { name: 'Server SHOP-DB01' });
    const picker = await browseToDisk(page, card, folder);
    await expect(picker.getByTestId('image-info')).toContainText('Raw · 16 MiB disk');
    await picker.getByRole('button', { name: 'Use this image' }).click();
    await expect(picker).toHaveCount(0);
    await expect(card.getByTestId('replication-image')).toHaveText(image);

    // Run: blocks go, then the AMI step shows while VM Import works.
    await card.getByRole('button', { name: 'Start replication of SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-state')).toHaveText('Replicating');
    await expect(card.getByRole('button', { name: 'Pause SHOP-DB01' })).toBeVisible();
    releaseBlocks();
    // One import task, made from the run's snapshot; its AMI is the server's.
    const amiId = await runThroughVmImport(page, card, fake, 'replication-ami-importing', releaseImport);
    await expect(card.getByRole('table', { name: 'Disks of SHOP-DB01' }).getByRole('row', { name: /Hard disk 1/ })).toContainText('Done');
    await expect(card.getByTestId('replication-last-run')).toContainText('Completed · 8.0 MiB sent');
    await expect(card).toContainText(amiId);
    await card.scrollIntoViewIfNeeded();
    await screens(page, 'replication-ami-done');

    // The Dashboard: the job of this session and the project's recent runs carry the AMI.
    await areas.getByRole('button', { name: 'Dashboard' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    const jobs = page.getByRole('table', { name: 'Workbench replication jobs in this session' });
    const job = jobs.getByRole('row', { name: /SHOP-DB01/ });
    await expect(job.getByRole('cell').nth(1)).toHaveText(`Completed${amiId}`); // the AMI on its own line under the state
    // How the job travelled, in the words of the recent runs' Transport column and the server's card.
    await expect(jobs.getByRole('columnheader').nth(2)).toHaveText('Transport');
    await expect(job.getByRole('cell').nth(2)).toHaveText('EBS direct snapshots');
    await screens(page, 'replication-ami-dashboard-jobs', jobs);
    const runs = page.getByRole('table', { name: 'Recent replication runs' });
    const row = runs.getByRole('row').nth(1);
    await expect(row).toContainText('SHOP-DB01');
    await expect(row).toContainText('Completed');
    await expect(row).toContainText(amiId);
    await expect(page.getByRole('img', { name: /^Servers by stage: .*AMI ready 1,/ })).toBeVisible();
    await runs.scrollIntoViewIfNeeded();
    await screens(page, 'replication-ami-dashboard');

    // The Export: SHOP-DB01's AMI parameter defaults to it, and the "no AMI yet" warning no longer names it.
    await areas.getByRole('button', { name: 'Export' }).click();
    await page.getByLabel('Application').selectOption({ label: 'WebShop' });
    await expect(findings).toContainText(/6 servers: SHOP-DB02, .* — has no AMI yet/, { timeout: 60_000 });
    await expect(findings).not.toContainText(/SHOP-DB01[^—]*— has no AMI yet/);
    await expect(findings).not.toContainText('is not an AMI ID');
    const preview = page.getByLabel('Template preview');
    await expect(preview).toContainText(amiId);
    const body = (await preview.textContent()) ?? '';
    const template = parseYaml(body, { logLevel: 'error' }) as { Parameters: Record<string, { Type: string; Default?: string; Description?: string }> };
    const param = Object.values(template.Parameters).find((p) => p.Type === 'AWS::EC2::Image::Id' && p.Description?.includes('SHOP-DB01'));
    expect(param?.Default).toBe(amiId);
    await screens(page, 'replication-ami-export');
  } finally {
    releaseBlocks();
    releaseImport();
    await fake.close();
  }
});

test('a consultant pauses a run during VM Import, switches to no AMI and resumes: the import is cancelled and the card says so', async ({ page, workbench }) => {
  test.setTimeout(300_000);
  // VM Import stays busy (many status checks answer "active") until the run is paused.
  const fake = await startFakeEbs({ importSteps: 1000 });
  try {
    const { folder } = await shopDb01RawDisk(workbench, 16, 4);
    await openReplication(page, workbench);

    const setAmi = async (label: string) => {
      await page.getByRole('button', { name: 'Connection settings…' }).click();
      const settings = page.getByRole('dialog', { name: 'Replication connection settings' });
      await settings.getByLabel(/^Endpoint override/).fill(fake.url);
      await settings.getByLabel(/^Default Region/).fill('us-east-1');
      await settings.getByLabel('After each completed run').selectOption({ label });
      await settings.getByRole('button', { name: 'Save' }).click();
      await expect(settings).toHaveCount(0);
    };
    await setAmi('Make an AMI with VM Import (drivers injected)');

    const card = page.getByRole('article', { name: 'Server SHOP-DB01' });
    const picker = await browseToDisk(page, card, folder);
    await picker.getByRole('button', { name: 'Use this image' }).click();
    await expect(picker).toHaveCount(0);

    // The run's blocks go, then VM Import works; the consultant pauses it there.
    await card.getByRole('button', { name: 'Start replication of SHOP-DB01' }).click();
    const disks = card.getByRole('table', { name: 'Disks of SHOP-DB01' });
    await expect(disks.getByRole('row', { name: /Hard disk 1/ })).toContainText('Importing the image', { timeout: 120_000 });
    await card.getByRole('button', { name: 'Pause SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-state')).toHaveText('Paused');
    expect(fake.importTasks.size).toBe(1);
    const task = [...fake.importTasks.values()][0]!;
    expect(task.status).toBe('active');

    // No AMI after all: resuming settles the pending import (cancelled) instead of forgetting it.
    await setAmi('Keep the snapshots only (no AMI)');
    await card.getByRole('button', { name: 'Resume SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-state')).toHaveText('Completed', { timeout: 120_000 });
    const notice = card.getByRole('status');
    await expect(notice).toContainText(`The previous run's AMI was still being imported (VM Import task ${task.id}`);
    await expect(notice).toContainText('the import was cancelled because a later run asked for no AMI');
    expect(task.status).toBe('deleted');
    expect(fake.ec2Calls.filter((c) => c.action === 'CancelImportTask').map((c) => c.params.ImportTaskId)).toEqual([task.id]);
    expect(fake.importTasks.size).toBe(1);
    await expect(card).toContainText('None yet'); // AMIs kept
    await card.scrollIntoViewIfNeeded();
    await screens(page, 'replication-ami-cancelled');
  } finally {
    await fake.close();
  }
});
