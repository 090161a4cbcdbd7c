import { test, expect, screenshot } from './fixtures';

test('a consultant reads the dependency map of the demo, filters by a port, and turns a highlighted suggestion into an application', async ({ page, workbench }) => {
  await workbench.open(page);
  const nav = page.getByRole('navigation', { name: 'Areas' });
  await nav.getByRole('button', { name: 'Dependencies' }).click();
  const map = page.getByRole('region', { name: 'Dependency map' });
  const summary = page.getByTestId('dep-summary');
  // The demo's 107 observed dependencies: 28 endpoints, grouped by application.
  await expect(summary).toContainText('107 dependencies of 107 shown, between 27 servers and 1 endpoint outside the inventory, as 82 connections');
  await expect(map).toHaveAttribute('aria-describedby', /.+/);
  await expect(map.locator('.react-flow__node.dep-node')).toHaveCount(28);
  await expect(map.locator('.dep-cluster-label')).toHaveText(['Payroll · 2', 'SharePoint Farm · 5', 'WebShop · 7', 'Not in an application · 13', 'Not in the inventory · 1']);
  // Rendered under the app's CSP: React Flow's stylesheet is applied (positions absolute) and edges are drawn.
  await expect(map.locator('.react-flow__node.dep-node').first()).toHaveCSS('position', 'absolute');
  await expect(map.locator('.react-flow__edge').first()).toBeVisible();
  const node = map.getByRole('group', { name: /^SP-SQL01, in application SharePoint Farm/ });
  await expect(node).toHaveAttribute('tabindex', '0');
  await screenshot(page, 'dependencies-map');

  // Keyboard: a node takes focus and Enter lists its connections.
  await node.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dep-selected')).toContainText('SP-SQL01');
  await expect(page.getByTestId('dep-selected')).toContainText('← SP-APP01 on 1433');

  // Filter by a port: only the SQL Server connections stay.
  await page.getByRole('combobox', { name: 'Port' }).selectOption({ label: '1433 (SQL Server) · 8 dependencies' });
  await expect(summary).toContainText('8 dependencies of 107 shown');
  await expect(map.locator('.react-flow__edge')).toHaveCount(8);
  await page.getByText(/Connections as a table/).click();
  const table = page.getByRole('table', { name: 'Connections' });
  await expect(table.getByRole('row')).toHaveCount(1 + 8);
  await expect(table.getByRole('row').filter({ hasText: 'PAY-APP01' })).toContainText('PAY-DB01');
  await page.getByRole('checkbox', { name: 'Endpoints outside the inventory' }).uncheck();
  await page.getByRole('combobox', { name: 'Port' }).selectOption('');
  await expect(summary).toContainText('between 27 servers and 0 endpoints outside the inventory');
  await page.getByRole('checkbox', { name: 'Endpoints outside the inventory' }).check();

  // A suggestion highlights its servers; one click makes it an application.
  const side = page.getByRole('complementary', { name: 'Suggested applications' });
  await side.getByRole('radio', { name: /FRA \(FRA-WEB11\)/ }).check();
  await expect(map.locator('.react-flow__node.dep-highlight')).toHaveCount(5);
  // The map zooms to the suggestion: its servers are on screen, at a readable size.
  for (const n of await map.locator('.react-flow__node.dep-highlight').all()) await expect(n).toBeInViewport();
  expect((await map.locator('.react-flow__node.dep-highlight').first().boundingBox())!.width).toBeGreaterThan(120);
  await expect(summary).toContainText('Highlighted: suggestion FRA (FRA-WEB11), 5 servers');
  await expect(table.locator('tr.dep-row-highlight').first()).toBeVisible();
  await screenshot(page, 'dependencies-suggestion');
  await page.setViewportSize({ width: 1280, height: 720 });
  await screenshot(page, 'dependencies-suggestion-1280');
  await page.setViewportSize({ width: 1440, height: 900 });
  await side.getByRole('button', { name: 'Create application “FRA (FRA-WEB11)”' }).click();
  await expect(page.getByText('Created 1 application')).toBeVisible();
  await expect(side.getByRole('radio', { name: /FRA \(FRA-WEB11\)/ })).toHaveCount(0);
  // Its servers now sit in their own application box.
  await expect(map.locator('.dep-cluster-label').filter({ hasText: 'FRA (FRA-WEB11) · 5' })).toBeVisible();

  await nav.getByRole('button', { name: 'Applications' }).click();
  await expect(page.getByRole('tab', { name: /FRA \(FRA-WEB11\)/ })).toBeVisible();
  // One undoable edit: Undo once removes it.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('tab', { name: /FRA \(FRA-WEB11\)/ })).toHaveCount(0);
  await nav.getByRole('button', { name: 'Dependencies' }).click();
  await expect(side.getByRole('radio', { name: /FRA \(FRA-WEB11\)/ })).toBeVisible();
});

test('without dependency data the Dependencies screen says so and opens the import', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  // New ends on the empty inventory; wait for it, or the key press races the switch of screens.
  await expect(page.getByText('No servers in this project')).toBeVisible();
  // Ctrl+9 opens the screen, as the sidebar's tooltip says.
  await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Dependencies' })).toHaveAttribute('aria-keyshortcuts', 'Control+9');
  await page.keyboard.press('Control+9');
  await expect(page.getByRole('main', { name: 'Dependencies' })).toBeVisible();
  await expect(page.getByText('No dependency data in this project')).toBeVisible();
  await screenshot(page, 'dependencies-empty');
  await page.getByRole('button', { name: 'Import a dependency export…' }).click();
  await expect(page.getByRole('dialog', { name: 'Import inventory' })).toBeVisible();
});
