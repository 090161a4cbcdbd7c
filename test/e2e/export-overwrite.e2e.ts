import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';

test('exporting the catalog over an existing file asks first, as Save As does', async ({ page, workbench }) => {
  await workbench.open(page);
  await expect(page.getByTestId('total-servers')).toHaveText('250');
  const target = path.join(workbench.dir, 'estate.csv');
  await writeFile(target, 'the client spreadsheet\n');

  await page.getByRole('button', { name: 'Export…' }).click();
  const exp = page.getByRole('dialog', { name: 'Export servers' });
  await exp.getByText('Catalog as CSV').click();
  await exp.getByLabel('Export file name').fill(path.join(workbench.dir, 'estate'));
  await exp.getByRole('button', { name: /^Export 250 servers/ }).click();
  await expect(exp.getByRole('alert')).toContainText('estate.csv already exists. Replace it with the export of 250 servers?');
  await expect(exp.getByRole('button', { name: 'Choose another name' })).toBeFocused();
  await screenshot(page, 'inventory-export-exists');
  expect(await readFile(target, 'utf8')).toBe('the client spreadsheet\n');

  // Keyboard: Enter on the focused "Choose another name" goes back to the form; the file is untouched.
  await page.keyboard.press('Enter');
  await expect(exp.getByLabel('Export file name')).toBeVisible();
  expect(await readFile(target, 'utf8')).toBe('the client spreadsheet\n');

  await exp.getByRole('button', { name: /^Export 250 servers/ }).click();
  await exp.getByRole('button', { name: 'Replace' }).click();
  await expect(exp.getByRole('status')).toContainText(target);
  expect(await readFile(target, 'utf8')).toContain('Name');
});
