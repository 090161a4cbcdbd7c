import { test, expect, screenshot } from './fixtures';

// A common laptop: every screen and dialog must fit, with no control clipped, off-screen or covered, and no
// serious accessibility violation (screenshot() checks both on every call).
test.use({ viewport: { width: 1280, height: 720 } });

const AREAS = ['Inventory', 'Assessment', 'Applications', 'Waves', 'Verify', 'Replication', 'Dashboard', 'Export'];

test('at 1280×720 a consultant goes through every screen and dialog of the demo estate', async ({ page, workbench }) => {
  await workbench.open(page);
  const nav = page.getByRole('navigation', { name: 'Areas' });
  for (const area of AREAS) {
    await nav.getByRole('button', { name: area }).click();
    await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
    await screenshot(page, `laptop-${area.toLowerCase()}`);
  }

  // Inventory with the server details open: the catalog still shows the sizing columns whole, and the filter bar does not wrap.
  await nav.getByRole('button', { name: 'Inventory' }).click();
  await page.getByRole('row').filter({ hasText: 'SHOP-DB01' }).click();
  const details = page.getByRole('complementary', { name: 'Details of SHOP-DB01' });
  await expect(details).toBeVisible();
  const catalog = await page.getByTestId('catalog').boundingBox();
  for (const column of ['Name', 'Power', 'Guest OS', 'vCPU', 'Memory']) {
    const head = await page.getByRole('columnheader', { name: column }).boundingBox();
    expect(head!.x + head!.width, `${column} is whole`).toBeLessThanOrEqual(catalog!.x + catalog!.width);
  }
  const search = await page.getByRole('searchbox', { name: 'Search servers' }).boundingBox();
  const columns = await page.getByRole('button', { name: 'Columns' }).boundingBox();
  expect(Math.abs(columns!.y + columns!.height - (search!.y + search!.height)), 'Columns sits on the filter row').toBeLessThan(4);
  await expect(details).toContainText('Running, current');
  await screenshot(page, 'laptop-inventory-details');
  // Escape closes the details and gives the keyboard back to the catalog.
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(page.getByTestId('catalog')).toBeFocused();

  // Facet menus speak words, and their counts follow the other filters.
  const power = page.getByLabel('Power');
  await expect(power.locator('option', { hasText: /^On \(/ })).toHaveCount(1);
  await page.getByLabel('OS').selectOption('windows');
  const shown = await page.getByTestId('total-servers').textContent();
  const on = Number(/\((\d+)\)/.exec((await power.locator('option', { hasText: /^On \(/ }).textContent())!)![1]);
  const off = Number(/\((\d+)\)/.exec((await power.locator('option', { hasText: /^Off \(/ }).textContent()) ?? '(0)')?.[1] ?? 0);
  expect(on + off).toBeLessThanOrEqual(Number(shown));
  await power.selectOption('poweredOn');
  await expect(page.getByTestId('total-servers')).toHaveText(String(on));
  await page.getByRole('button', { name: 'Clear filters' }).click();

  for (const [button, dialogName] of [['Import…', 'Import inventory'], ['Discover…', 'Discover servers'], ['Export…', 'Export servers']] as const) {
    await page.getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: dialogName });
    await expect(dialog).toBeVisible();
    await screenshot(page, `laptop-dialog-${dialogName.toLowerCase().replace(/\s+/g, '-')}`);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  }

  // Applications: whole server names in the list, the launch settings of a server, the instance picker inside its panel.
  await nav.getByRole('button', { name: 'Applications' }).click();
  const list = page.getByRole('region', { name: 'Servers' });
  const name = list.locator('.pool-name').first();
  expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth), 'server name is not cut').toBe(true);
  await list.getByRole('option').first().click();
  await expect(page.getByRole('form', { name: 'Launch settings' })).toBeVisible();
  await screenshot(page, 'laptop-applications-launch-settings');
  await page.getByRole('combobox', { name: 'Instance type' }).click();
  const types = page.getByRole('listbox', { name: 'Instance types' });
  await expect(types).toContainText('prices in us-east-1');
  const panel = await page.getByRole('region', { name: 'Settings' }).boundingBox();
  const box = await types.boundingBox();
  expect(box!.x + box!.width, 'the picker stays inside its panel').toBeLessThanOrEqual(panel!.x + panel!.width);
  await screenshot(page, 'laptop-applications-instance-picker');
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Application' }).click();
  await expect(page.getByRole('form', { name: 'Application settings' })).toBeVisible();
  await screenshot(page, 'laptop-applications-settings');
  await page.getByRole('button', { name: 'Suggest…' }).click();
  await expect(page.getByRole('dialog', { name: 'Suggest applications' })).toBeVisible();
  await screenshot(page, 'laptop-dialog-suggest');
  await page.keyboard.press('Escape');

  // Project dialogs.
  await page.getByRole('button', { name: 'Properties' }).click();
  await expect(page.getByRole('dialog', { name: 'Project properties' })).toBeVisible();
  await screenshot(page, 'laptop-dialog-properties');
  await page.getByRole('dialog').getByLabel('Project name').fill('Laptop check');
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Save As' }).click();
  await expect(page.getByRole('dialog', { name: 'Save project as' })).toBeVisible();
  await screenshot(page, 'laptop-dialog-save-as');
  await page.keyboard.press('Escape');

  // New with unsaved changes asks first; Cancel keeps the work, Discard goes to an empty inventory.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Unsaved changes' });
  await expect(ask).toContainText('Laptop check');
  await screenshot(page, 'laptop-dialog-unsaved');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('doc-title')).toContainText('Laptop check');
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByTestId('doc-title')).toContainText('Untitled project');
  await expect(page.getByRole('heading', { level: 1, name: 'Inventory' })).toBeVisible();
  await expect(page.getByText('No servers in this project')).toBeVisible();

  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const open = page.getByRole('dialog', { name: 'Open project' });
  await expect(open.getByRole('navigation', { name: 'Folder path' })).toBeVisible();
  await screenshot(page, 'laptop-dialog-open');
});
