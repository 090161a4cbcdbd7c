import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';
import { sharedPath } from '../helpers/shared';

const SAMPLES = process.env.MWB_SAMPLES ?? sharedPath('samples');

test('a consultant imports a real RVTools export through the wizard, filters the catalog and opens a server', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByText('No servers in this project')).toBeVisible();
  await screenshot(page, 'inventory-empty');

  // Import: the file goes in through the wizard's file chooser (what a drop does in the browser shell).
  await page.getByRole('button', { name: 'Import inventory…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import inventory' });
  await dialog.getByLabel('Choose files from this computer').setInputFiles(path.join(SAMPLES, 'rvtools_mjvincent_SizingWorkshop-RVTools.xlsx'));
  await expect(dialog.getByRole('list', { name: 'Files to import' })).toContainText('rvtools_mjvincent_SizingWorkshop-RVTools.xlsx');
  await screenshot(page, 'inventory-import-choose');
  await dialog.getByRole('button', { name: /^Import/ }).click();
  const report = dialog.getByTestId('import-report');
  await expect(report).toBeVisible();
  await expect(report.locator('.report-cards > div').nth(0)).toContainText('805');
  await expect(report.locator('.report-cards > div').nth(1)).toContainText('805');
  await expect(report).toContainText('805 network adapters have no network name');
  await screenshot(page, 'inventory-import-report');
  await dialog.getByRole('button', { name: 'View catalog' }).click();

  // The catalog: totals, a filter, a search, details.
  await expect(page.getByTestId('total-servers')).toHaveText('805');
  await expect(page.getByTestId('total-vcpu')).toHaveText('2,741');
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  await screenshot(page, 'inventory-catalog');
  // Every column's cells sit under its header (another screen's styles once shifted them).
  const lefts = await page.getByTestId('catalog').evaluate((el) => {
    const x = (nodes: Iterable<Element>) => [...nodes].map((n) => Math.round(n.getBoundingClientRect().left));
    return { head: x(el.querySelectorAll('[role="columnheader"]')), row: x(el.querySelector('[role="row"][aria-rowindex="2"]')!.children) };
  });
  expect(lefts.row).toEqual(lefts.head);
  await page.getByLabel('Power').selectOption('poweredOff');
  await expect(page.getByTestId('total-servers')).toHaveText('42');
  await page.getByLabel('Power').selectOption('');
  await page.getByRole('searchbox', { name: 'Search servers' }).fill('wadfs1');
  await expect(page.getByTestId('total-servers')).toHaveText('1');
  await page.getByRole('row').filter({ hasText: 'wadfs1' }).click();
  const details = page.getByRole('complementary', { name: 'Details of wadfs1' });
  await expect(details).toContainText('Microsoft Windows Server 2008 R2 (64-bit)');
  await expect(details).toContainText('vInfo!Memory r2');
  await expect(details.getByRole('table', { name: 'Partitions' })).toContainText('C:\\');
  await screenshot(page, 'inventory-details');

  // Sorting and keyboard selection.
  await page.getByRole('searchbox', { name: 'Search servers' }).fill('');
  await expect(page.getByTestId('total-servers')).toHaveText('805');
  await page.getByRole('button', { name: 'vCPU', exact: true }).click();
  await page.getByRole('button', { name: 'vCPU', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: 'vCPU' })).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('catalog').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(page.getByText('2 selected')).toBeVisible();

  // Column chooser: show Used storage, hide Source.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('group', { name: 'Columns' }).getByLabel('Used').check();
  await page.getByRole('group', { name: 'Columns' }).getByLabel('Source').uncheck();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('columnheader', { name: 'Used' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Source' })).toHaveCount(0);

  // Export the selection as an Excel workbook and see where it went.
  await page.getByRole('button', { name: 'Export…' }).click();
  const exp = page.getByRole('dialog', { name: 'Export servers' });
  await exp.getByLabel('Export file name').fill(path.join(workbench.dir, 'two-servers'));
  await exp.getByRole('button', { name: /^Export 2 servers/ }).click();
  await expect(exp.getByRole('status')).toContainText(path.join(workbench.dir, 'two-servers.xlsx'));
  expect(existsSync(path.join(workbench.dir, 'two-servers.xlsx'))).toBe(true);
  await screenshot(page, 'inventory-export-done');
  await exp.getByRole('button', { name: 'Close' }).first().click();
});

test('a file that is not an inventory gets a clear message and the project is unchanged', async ({ page, workbench }) => {
  await workbench.open(page);
  // The demo estate's catalog has arrived (totals read … until then, never a misleading 0).
  await expect(page.getByTestId('total-servers')).toHaveText('250');
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import inventory' });
  // The browser shell has no native file dialog: Browse opens the in-app file browser instead.
  await dialog.getByText('Browse the workbench machine…').click();
  await expect(dialog.getByRole('list', { name: 'Files' })).toBeVisible();
  await dialog.getByLabel('File path').fill(path.join(SAMPLES, 'sms_get-servers_empty-catalog_response.json'));
  await dialog.getByRole('button', { name: 'Add' }).click();
  await dialog.getByRole('button', { name: /^Import/ }).click();
  await expect(dialog.getByRole('alert')).toContainText('nothing in the project was changed');
  await expect(dialog.getByRole('alert')).toContainText('lists no servers');
  await screenshot(page, 'inventory-import-error');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('total-servers')).toHaveText('250');
});

test('skipped rows are listed with row, column, value and reason, and an import can be undone', async ({ page, workbench }) => {
  const file = path.join(workbench.dir, 'azure-migrate.csv');
  await writeFile(file, '*Server name;*Cores;*Memory (In MB);*OS name;Disk 1 size (In GB)\r\napp01;4;8192;Windows Server 2019;128\r\napp02;four;4096;Ubuntu 22.04;64\r\n;2;2048;Ubuntu;32\r\n');
  await workbench.open(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByRole('button', { name: 'Import inventory…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import inventory' });
  await dialog.getByLabel('File path').fill(file);
  await dialog.getByLabel('File path').press('Enter');
  await dialog.getByRole('button', { name: /^Import/ }).click();
  const skipped = dialog.getByRole('table', { name: 'Skipped rows' });
  await expect(skipped.getByRole('row').nth(1)).toContainText(/azure-migrate\.csv.*3.*\*Cores \(B\).*four.*not a non-negative number/);
  await expect(skipped.getByRole('row').nth(2)).toContainText(/4.*\*Server name \(A\).*Server name is empty/);
  await expect(dialog.getByTestId('import-report')).toContainText('Azure Migrate CSV');
  await screenshot(page, 'inventory-import-skipped');
  await dialog.getByRole('button', { name: 'View catalog' }).click();
  await expect(page.getByTestId('total-servers')).toHaveText('2');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText('No servers in this project')).toBeVisible();
});
