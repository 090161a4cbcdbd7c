import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';

test('a consultant renames the demo project, saves it, opens something else and reopens it with the change', async ({ page, workbench }) => {
  await workbench.open(page);
  const title = page.getByTestId('doc-title');
  await expect(title).toContainText('Demo estate');
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);

  await page.getByRole('button', { name: 'Properties' }).click();
  const dialog = page.getByRole('dialog', { name: 'Project properties' });
  await dialog.getByLabel('Project name').fill('Contoso — wave plan');
  await dialog.getByLabel('Customer').fill('Contoso Manufacturing');
  await screenshot(page, 'project-properties');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(title).toContainText('Contoso — wave plan');
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();

  // Ctrl+S on a never-saved project asks where to save it.
  await page.keyboard.press('Control+s');
  const saveAs = page.getByRole('dialog', { name: 'Save project as' });
  await expect(saveAs).toBeVisible();
  const file = path.join(workbench.dir, 'contoso.mwb.json');
  await saveAs.getByLabel('File name').fill(file);
  await screenshot(page, 'save-as-dialog');
  await saveAs.getByRole('button', { name: 'Save' }).click();
  await expect(saveAs).toHaveCount(0);
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  await expect(title).toContainText('contoso.mwb.json');
  await expect(page).toHaveTitle(/contoso\.mwb\.json — Migration Workbench/);
  expect(JSON.parse(await fs.readFile(file, 'utf8')).name).toBe('Contoso — wave plan');

  // Something else, then back through the recent list.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(title).toContainText('Untitled project');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const open = page.getByRole('dialog', { name: 'Open project' });
  await expect(open.getByText('Recent projects')).toBeVisible();
  await screenshot(page, 'open-dialog');
  await open.getByRole('button', { name: /Contoso — wave plan/ }).click();
  await expect(open).toHaveCount(0);
  await expect(title).toContainText('Contoso — wave plan');

  // A reload of the page shows the same open project.
  await page.reload();
  await expect(page.getByTestId('doc-title')).toContainText('Contoso — wave plan');
});

test('a consultant opens a corrupt project file and is told what is wrong; the file is left alone', async ({ page, workbench }) => {
  const good = await fs.readFile('assets/demo/demo-estate.mwb.json', 'utf8');
  const corrupt = path.join(workbench.dir, 'half-copied.mwb.json');
  await fs.writeFile(corrupt, good.slice(0, 5000));
  await workbench.open(page);
  await page.keyboard.press('Control+o');
  const open = page.getByRole('dialog', { name: 'Open project' });
  await open.getByLabel('Project file path').fill(corrupt);
  await open.getByRole('button', { name: 'Open', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('half-copied.mwb.json');
  await expect(alert).toContainText('truncated');
  await screenshot(page, 'corrupt-file-message');
  await expect(open).toBeVisible();
  await expect(page.getByTestId('doc-title')).toContainText('Demo estate');
  expect(await fs.readFile(corrupt, 'utf8')).toBe(good.slice(0, 5000));
});

test('undo and redo work from the keyboard', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.getByRole('button', { name: 'Properties' }).click();
  await page.getByRole('dialog').getByLabel('Project name').fill('Renamed');
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('doc-title')).toContainText('Renamed');
  await page.locator('body').press('Control+z');
  await expect(page.getByTestId('doc-title')).toContainText('Demo estate');
  await page.locator('body').press('Control+Shift+z');
  await expect(page.getByTestId('doc-title')).toContainText('Renamed');
});
