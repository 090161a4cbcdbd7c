import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';
import { readXlsx } from '../../main/services/inventory/xlsx.reader';
import { writeXlsx } from '../../main/services/inventory/xlsx.writer';

async function goTo(page: Page, area: 'Export' | 'Applications'): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: area }).click();
}

/** Screens at both window sizes the workbench supports. */
async function screens(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-1440x900`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await screenshot(page, `${name}-1280x720`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('project defaults set once: the missing account and Region are problems until set, then every output carries them', async ({ page, workbench }) => {
  test.setTimeout(180_000);
  await workbench.open(page);
  await goTo(page, 'Export');
  await page.getByLabel('Application').selectOption({ label: 'WebShop' });
  const verdict = page.getByTestId('export-verdict');
  await expect(verdict).toContainText('Not exportable yet: 2 plan errors', { timeout: 60_000 });
  const findings = page.getByRole('list', { name: 'Findings' });
  await expect(findings).toContainText('WebShop has no target AWS account');
  // The warning about AMIs names every server, each a link.
  await expect(findings).toContainText(/7 servers: SHOP-DB01, SHOP-DB02, .*SHOP-WEB02 — has no AMI yet/);

  // The problem is a link: it lands on the field that fixes it.
  await findings.getByRole('button', { name: /WebShop has no target AWS account/ }).click();
  const defaults = page.getByRole('form', { name: 'Project defaults' });
  await expect(defaults.getByLabel('AWS account')).toBeFocused();
  await defaults.getByLabel('AWS account').fill('1234');
  await expect(defaults).toContainText('"1234" is not an AWS account ID');
  await defaults.getByLabel('AWS account').fill('111122223333');
  await defaults.getByLabel('Region').fill('eu-west-1');
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await expect(verdict).toContainText('Valid: 1 template passed', { timeout: 60_000 });
  await expect(findings).not.toContainText('no target AWS');
  await screens(page, 'export-defaults-set');

  // The bundle path typed by the consultant survives ticking "One zip file" and leaving the screen.
  const typed = path.join(workbench.dir, 'handoff', 'shop-bundle');
  await page.getByLabel('Bundle location').fill(typed);
  await page.getByLabel('One zip file').check();
  await expect(page.getByLabel('Bundle location')).toHaveValue(`${typed}.zip`);
  await goTo(page, 'Applications');
  // The same counts everywhere: WebShop is exportable with 7 warnings, as its servers' amber badges say.
  await expect(page.getByRole('tab', { name: /WebShop/ })).toContainText('✓ 7');
  const db = page.getByTestId('group-Database');
  await expect(db.locator('.group-head .issue-badge')).toHaveText('2');
  await expect(db.locator('.member-row .issue-badge')).toHaveText(['1', '1']);
  await goTo(page, 'Export');
  await page.getByLabel('Application').selectOption({ label: 'WebShop' });
  await expect(page.getByLabel('Bundle location')).toHaveValue(`${typed}.zip`);
  await expect(page.getByLabel('One zip file')).toBeChecked();
  await expect(verdict).toContainText('Valid: 1 template passed', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Save bundle' }).click();
  // The bundle carries the assessment report, printed to PDF by headless Chromium: seconds more on a loaded machine.
  await expect(page.getByTestId('export-written')).toContainText(`${typed}.zip`, { timeout: 120_000 });

  const files = unzipSync(new Uint8Array(await readFile(`${typed}.zip`)));
  const runbook = strFromU8(files['RUNBOOK.md']!);
  expect(runbook).not.toMatch(/<account>|<region>/);
  expect(runbook).toContain('--region eu-west-1');
  const mgn = parseCsv(strFromU8(files['mgn-import.csv']!), { columns: true }) as Record<string, string>[];
  expect(mgn).toHaveLength(7);
  for (const row of mgn) {
    expect(row['mgn:account-id']).toBe('111122223333');
    expect(row['mgn:region']).toBe('eu-west-1');
    expect(row['mgn:server:fqdn-for-action-framework']).not.toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  }
});

test('a problem in the export list opens the server\'s launch settings with the field focused', async ({ page, workbench }) => {
  await workbench.open(page);
  await goTo(page, 'Export');
  await page.getByLabel('Application').selectOption({ label: 'Payroll' });
  const findings = page.getByRole('list', { name: 'Findings' });
  await expect(findings).toContainText(/2 servers: PAY-DB01, PAY-APP01 — has no instance type/, { timeout: 60_000 });
  await findings.getByRole('button', { name: 'PAY-APP01' }).first().click();
  const form = page.getByRole('form', { name: 'Launch settings' });
  await expect(form.getByRole('heading', { name: 'PAY-APP01' })).toBeVisible();
  await expect(form.getByRole('combobox', { name: 'Instance type' })).toBeFocused();
  await screens(page, 'export-problem-opened');
  // A subnet problem lands on the subnet.
  await goTo(page, 'Export');
  await page.getByLabel('Application').selectOption({ label: 'Payroll' });
  await findings.getByRole('button', { name: 'PAY-DB01' }).nth(1).click();
  await expect(form.getByRole('heading', { name: 'PAY-DB01' })).toBeVisible();
  await expect(form.getByLabel('Subnet', { exact: true })).toBeFocused();
  // The application's own VPC, mistyped: the problem lands on it in the application's settings.
  await page.getByRole('tab', { name: 'Application' }).click();
  const settings = page.getByRole('form', { name: 'Application settings' });
  await settings.getByLabel('VPC').fill('vpc-1');
  await settings.getByRole('button', { name: 'Save', exact: true }).click();
  await goTo(page, 'Export');
  await page.getByLabel('Application').selectOption({ label: 'Payroll' });
  await findings.getByRole('button', { name: /VPC "vpc-1" is not a VPC ID/ }).click();
  await expect(settings.getByLabel('VPC')).toBeFocused();
});

test('launch settings go out to a spreadsheet and come back with a diff preview; applying is one undoable step', async ({ page, workbench }) => {
  test.setTimeout(120_000);
  await workbench.open(page);
  await goTo(page, 'Export');
  await page.getByLabel('Application').selectOption({ label: 'WebShop' });
  const file = path.join(workbench.dir, 'sheets', 'webshop-launch.xlsx');
  await mkdir(path.dirname(file), { recursive: true });
  await page.getByLabel('Spreadsheet file').fill(file);
  await page.getByRole('button', { name: 'Export xlsx' }).click();
  await expect(page.getByTestId('export-written')).toContainText(file);

  // Edited as in Excel: one instance type changed, one cell that is not a number.
  const table = readXlsx(new Uint8Array(await readFile(file)), 'webshop-launch.xlsx').tables[0]!;
  const rows = table.rows.map((r) => [...r]);
  expect(rows).toHaveLength(7);
  const col = (h: string) => table.headers.indexOf(h);
  rows[0]![col('instance_type')] = 'r6i.4xlarge';
  rows[1]![col('volume_size_gib')] = 'big';
  await writeFile(file, writeXlsx([{ name: 'Launch settings', rows: [table.headers, ...rows] }]));

  await page.getByRole('button', { name: 'Read edited sheet…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Changes from the spreadsheet' });
  await expect(dialog.getByRole('table', { name: 'Changes' })).toContainText('SHOP-DB01');
  await expect(dialog.getByRole('row', { name: /SHOP-DB01 Instance type r6i\.2xlarge r6i\.4xlarge/ })).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Rows and cells not applied' })).toContainText('Row 3, volume_size_gib: Volume size (GiB): "big" is not a whole number');
  await screens(page, 'export-sheet-diff');
  await dialog.getByRole('button', { name: 'Apply 1 change to 1 server' }).click();
  await expect(dialog).toHaveCount(0);

  await goTo(page, 'Applications');
  await page.getByRole('tab', { name: /WebShop/ }).click();
  await page.getByTestId('group-Database').locator('.member-row', { hasText: 'SHOP-DB01' }).click();
  const form = page.getByRole('form', { name: 'Launch settings' });
  await expect(form.getByRole('combobox', { name: 'Instance type' })).toHaveValue('r6i.4xlarge');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(form.getByRole('combobox', { name: 'Instance type' })).toHaveValue('r6i.2xlarge');
});
