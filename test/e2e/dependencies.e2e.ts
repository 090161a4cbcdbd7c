import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

/** The customer's servers, as Azure Migrate's CSV import template lists them. */
const SERVERS = csv([
  ['*Server name', 'IP addresses', '*Cores', '*Memory (In MB)', '*OS name'],
  ['CRM-WEB01', '10.1.0.11', '2', '4096', 'Ubuntu 22.04'],
  ['CRM-WEB02', '10.1.0.12', '2', '4096', 'Ubuntu 22.04'],
  ['CRM-APP01', '10.1.0.21', '4', '16384', 'Ubuntu 22.04'],
  ['CRM-DB01', '10.1.0.31', '8', '65536', 'Windows Server 2019'],
  ['DC01', '10.1.0.2', '2', '8192', 'Windows Server 2019'],
  ['DC02', '10.1.0.3', '2', '8192', 'Windows Server 2019'],
]);

/** Azure Migrate's agentless dependency export (one row per dependency and six-hour time slot). */
const HEAD = ['Timeslot', 'Source server name', 'Source IP', 'Source application', 'Source process', 'Destination server name', 'Destination IP', 'Destination application', 'Destination process', 'Destination port'];
const slot = (d: number) => `11/${10 + d}/2026 00:00 - 11/${10 + d}/2026 06:00`;
const rows: string[][] = [HEAD];
for (let d = 0; d < 3; d++) {
  for (const w of ['CRM-WEB01', 'CRM-WEB02']) rows.push([slot(d), w, '', 'nginx', 'nginx', 'CRM-APP01', '10.1.0.21', 'CRM', 'java', '8443']);
  rows.push([slot(d), 'crm-app01.corp.example.com', '10.1.0.21', 'CRM', 'java', '', '10.1.0.31', 'SQL Server', 'sqlservr', '1433']);
  for (const s of ['CRM-WEB01', 'CRM-WEB02', 'CRM-APP01', 'CRM-DB01']) {
    rows.push([slot(d), s, '', '', 'svchost', 'DC01', '10.1.0.2', 'DNS', 'dns', '53']);
    rows.push([slot(d), s, '', '', 'lsass', 'DC02', '10.1.0.3', 'Active Directory', 'lsass', '389']);
  }
  rows.push([slot(d), 'CRM-APP01', '10.1.0.21', 'CRM', 'java', '', '203.0.113.40', '', '', '443']);
}

test('a consultant imports a dependency export and turns the dependency suggestion into an application with launch groups', async ({ page, workbench }) => {
  const servers = path.join(workbench.dir, 'crm-servers.csv');
  const deps = path.join(workbench.dir, 'AzureMigrate_Dependencies.csv');
  await writeFile(servers, SERVERS);
  await writeFile(deps, csv(rows));
  await workbench.open(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByText('No servers in this project')).toBeVisible();

  // Without dependency data the suggestion says why it cannot help yet.
  await page.getByRole('button', { name: 'Import inventory…' }).click();
  let dialog = page.getByRole('dialog', { name: 'Import inventory' });
  await dialog.getByLabel('Choose files from this computer').setInputFiles(servers);
  await dialog.getByRole('button', { name: /^Import/ }).click();
  await expect(dialog.getByTestId('import-report')).toContainText('Azure Migrate CSV');
  await dialog.getByRole('button', { name: 'View catalog' }).click();
  const nav = page.getByRole('navigation', { name: 'Areas' });
  await nav.getByRole('button', { name: 'Applications' }).click();
  await page.getByRole('button', { name: 'Suggest…' }).click();
  let suggest = page.getByRole('dialog', { name: 'Suggest applications' });
  await expect(suggest.getByRole('radio', { name: 'By dependencies' })).toBeDisabled();
  await expect(suggest.getByTestId('deps-unavailable')).toContainText('import an Azure Migrate dependency export');
  await suggest.getByRole('button', { name: 'Cancel' }).click();

  // The dependency export goes in through the same wizard.
  await nav.getByRole('button', { name: 'Inventory' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  dialog = page.getByRole('dialog', { name: 'Import inventory' });
  await dialog.getByLabel('Choose files from this computer').setInputFiles(deps);
  await dialog.getByRole('button', { name: /^Import/ }).click();
  const report = dialog.getByTestId('import-report');
  await expect(report).toContainText('read as Azure Migrate dependency export (agentless)');
  await expect(report.locator('.report-cards > div').nth(0)).toHaveText('12Dependencies read');
  await expect(report.locator('.report-cards > div').nth(1)).toHaveText('12New dependencies');
  await expect(report).toContainText('1 dependency endpoint match no server in the inventory by name or IP (1 connection end): 203.0.113.40 ×1');
  await screenshot(page, 'dependencies-import-report');
  await dialog.getByRole('button', { name: 'View catalog' }).click();
  await expect(page.getByText('Imported 12 dependencies: 12 new.')).toBeVisible();
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();

  // The server's connections in its detail panel.
  await page.getByRole('row').filter({ hasText: 'CRM-APP01' }).click();
  const details = page.getByRole('complementary', { name: 'Details of CRM-APP01' });
  const table = details.getByRole('table', { name: 'Connections' });
  await expect(table.getByRole('row')).toHaveCount(1 + 6); // in from two web servers; out to DB, DC01, DC02, the internet
  await expect(table.getByRole('row').filter({ hasText: 'CRM-WEB01' })).toContainText('← in');
  await expect(table.getByRole('row').filter({ hasText: 'CRM-DB01' })).toContainText('1433/tcp');
  await expect(table.getByRole('row').filter({ hasText: '203.0.113.40' })).toContainText('not in inventory');
  await details.scrollIntoViewIfNeeded();
  await table.scrollIntoViewIfNeeded();
  await screenshot(page, 'dependencies-server-detail');

  // Suggest by dependencies: DC01 and DC02 are left out with the reason, the launch order follows the calls.
  await nav.getByRole('button', { name: 'Applications' }).click();
  await page.getByRole('button', { name: 'Suggest…' }).click();
  suggest = page.getByRole('dialog', { name: 'Suggest applications' });
  await suggest.getByRole('radio', { name: 'By dependencies' }).check();
  await expect(suggest.getByTestId('deps-left-out')).toContainText('Left out: DC01 (infrastructure: 4 peers, reached only on port 53), DC02 (infrastructure: 4 peers, reached only on port 389)');
  const crm = suggest.locator('li', { hasText: /^CRM/ });
  await expect(crm).toContainText('4 servers · Database (1) → Application (1) → Web (2)');
  await screenshot(page, 'dependencies-suggestions');
  await crm.getByRole('checkbox').check();
  await suggest.getByRole('button', { name: 'Create 1 application' }).click();
  await expect(suggest).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /^CRM/ })).toHaveAttribute('aria-selected', 'true');
  const groups = page.getByRole('list', { name: 'Launch order' }).locator('> li');
  await expect(groups).toHaveCount(3);
  await expect(groups.nth(0)).toHaveAttribute('aria-label', 'Launch group 1: Database, 1 servers');
  await expect(groups.nth(0)).toContainText('CRM-DB01');
  await expect(groups.nth(1)).toContainText('CRM-APP01');
  await expect(groups.nth(2)).toHaveAttribute('aria-label', 'Launch group 3: Web, 2 servers');
  await screenshot(page, 'dependencies-application');

  // One undo removes the whole suggested application.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('tab', { name: /^CRM/ })).toHaveCount(0);
});
