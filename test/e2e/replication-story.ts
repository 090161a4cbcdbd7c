// What the VM Import stories (replication-ami.e2e.ts, replication-s3.e2e.ts) share: screens at both window sizes, a
// raw disk where the demo project's RVTools says SHOP-DB01's disk is, the Replication screen, and a run through VM
// Import to its AMI.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { FakeEbs } from '../fakes/ebs-direct.fake';
import { expect, screenshot, type Workbench } from './fixtures';

const BLOCK = 512 * 1024;

/** Screens at both window sizes the workbench supports, each with `subject` (when given) scrolled into view. */
export async function screens(page: Page, name: string, subject?: Locator): Promise<void> {
  await subject?.scrollIntoViewIfNeeded();
  await screenshot(page, `${name}-1440x900`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await subject?.scrollIntoViewIfNeeded();
  await screenshot(page, `${name}-1280x720`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

/**
 * A raw disk of `blocks` 512 KiB blocks, every `every`th one holding random data (the others zeros), where RVTools
 * says SHOP-DB01's disk is: `folder/SHOP-DB01-flat.raw` in the story's own folder.
 */
export async function shopDb01RawDisk(workbench: Workbench, blocks: number, every: number): Promise<{ folder: string; image: string }> {
  const folder = path.join(workbench.dir, 'datastore', 'SHOP-DB01');
  await mkdir(folder, { recursive: true });
  const image = path.join(folder, 'SHOP-DB01-flat.raw');
  const content = Buffer.alloc(blocks * BLOCK);
  for (let i = 0; i < blocks; i += every) randomBytes(BLOCK).copy(content, i * BLOCK);
  await writeFile(image, content);
  return { folder, image };
}

/** Opens the workbench and goes to the Replication screen. */
export async function openReplication(page: Page, workbench: Workbench): Promise<void> {
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Replication' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Replication' })).toBeVisible();
}

/**
 * SHOP-DB01's started run reaches VM Import (its disk row says so while the run is still replicating: screens
 * `screen` taken there); `releaseImport()` lets the fake's import finish and the run completes. The fake holds one
 * import task, completed, made from the run's snapshot: its AMI ID is returned.
 */
export async function runThroughVmImport(page: Page, card: Locator, fake: FakeEbs, screen: string, releaseImport: () => void): Promise<string> {
  const disks = card.getByRole('table', { name: 'Disks of SHOP-DB01' });
  await expect(disks.getByRole('row', { name: /Hard disk 1/ })).toContainText('Importing the image', { timeout: 120_000 });
  await expect(card.getByTestId('replication-state')).toHaveText('Replicating');
  await screens(page, screen);
  releaseImport();
  await expect(card.getByTestId('replication-state')).toHaveText('Completed', { timeout: 120_000 });
  expect(fake.importTasks.size).toBe(1);
  const task = [...fake.importTasks.values()][0]!;
  expect(task.status).toBe('completed');
  const amiId = task.imageId!;
  expect(amiId).toMatch(/^ami-[0-9a-f]{17}$/);
  return amiId;
}
