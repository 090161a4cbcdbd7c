import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';
import { keyboardPickUp, pointerDrag } from '../helpers/pointer-drag';

function group(page: Page, name: string): Locator {
  return page.getByTestId(`group-${name}`);
}

/** The demo has no target account or Region (plan errors until set): set them once in Project defaults. */
async function setProjectDefaults(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Export' }).click();
  const defaults = page.getByRole('form', { name: 'Project defaults' });
  await defaults.getByLabel('AWS account').fill('111122223333');
  await defaults.getByLabel('Region').fill('eu-west-1');
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await expect(defaults.getByRole('button', { name: 'Save defaults' })).toBeDisabled();
}

test('a consultant plans an application by dragging servers, orders its launch, sets launch settings and exports validated CloudFormation', async ({ page, workbench }) => {
  test.setTimeout(180_000);
  await workbench.open(page);
  await setProjectDefaults(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Applications' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /WebShop/ })).toBeVisible();
  await screenshot(page, 'applications-demo');

  // A new application with two launch groups.
  await page.getByLabel('New application name').fill('Billing');
  await page.getByRole('button', { name: 'Add application' }).click();
  await expect(page.getByRole('tab', { name: /Billing/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('Billing has no servers.')).toBeVisible();
  await page.getByRole('button', { name: '+ Add launch group' }).click();
  await expect(group(page, 'Group 2')).toBeVisible();
  await page.getByRole('button', { name: 'Rename group Group 1' }).click();
  await page.getByLabel('Group name').fill('Database');
  await page.getByLabel('Group name').press('Enter');
  await expect(group(page, 'Database')).toBeVisible();

  // Mouse: select four MUC servers with click + shift-click and drag them into "Database".
  const catalog = page.getByRole('region', { name: 'Servers' });
  await catalog.getByLabel('Search servers').fill('MUC-SQL');
  const rows = catalog.getByRole('option');
  const count = await rows.count();
  expect(count).toBeGreaterThanOrEqual(2);
  await rows.nth(0).click();
  await rows.nth(count - 1).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('pool-count')).toContainText(`${count} selected`);
  await pointerDrag(page, rows.nth(0), group(page, 'Database'));
  await expect(group(page, 'Database').getByTestId('group-count')).toHaveText(`${count} servers`);
  await screenshot(page, 'applications-dragged');

  // Keyboard: pick up one server with Space, move over "Group 2" with the arrows, drop with Space.
  await catalog.getByLabel('Search servers').fill('MUC-WEB');
  const web = catalog.getByRole('option').first();
  const webName = (await web.locator('.pool-name').textContent())!;
  await web.focus();
  await keyboardPickUp(page);
  const live = page.locator('[id^="DndLiveRegion"]');
  await expect(live).toContainText(`Picked up server ${webName}`);
  // The arrows step through the drop targets in screen order: the list, then the groups top to bottom.
  await page.keyboard.press('ArrowRight');
  await expect(live).toContainText('over launch group Database');
  await page.keyboard.press('ArrowDown');
  await expect(live).toContainText('over launch group Group 2');
  // The hint says where the servers will land, and the dragged chip does not cover it.
  const hint = page.getByTestId('drop-hint');
  await expect(hint).toHaveText(`Drop server ${webName} into Group 2`);
  expect(await hint.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && el.contains(hit);
  }), 'the drop hint is not covered').toBe(true);
  await page.keyboard.press('Space');
  await expect(live).toContainText(`Dropped server ${webName} into launch group Group 2`);
  await expect(group(page, 'Group 2').getByTestId('group-count')).toHaveText('1 server');

  // Reorder: the web tier must start after the database; move "Group 2" up with the keyboard, then back with the mouse.
  await page.getByRole('button', { name: 'Reorder launch group Group 2' }).focus();
  await keyboardPickUp(page);
  await expect(live).toContainText('Picked up launch group Group 2');
  await page.keyboard.press('ArrowUp');
  await expect(live).toContainText('launch group Group 2 over launch group Database');
  await page.keyboard.press('Space');
  await expect(live).toContainText('Dropped launch group Group 2 at the position of launch group Database');
  await expect(page.getByRole('list', { name: 'Launch order' }).locator('> li').first()).toHaveAttribute('data-testid', 'group-Group 2');
  await pointerDrag(page, page.getByRole('button', { name: 'Reorder launch group Group 2' }), group(page, 'Database').locator('.group-head'));
  await expect(page.getByRole('list', { name: 'Launch order' }).locator('> li').first()).toHaveAttribute('data-testid', 'group-Database');
  await page.getByRole('button', { name: 'Rename group Group 2' }).click();
  await page.getByLabel('Group name').fill('Web');
  await page.getByLabel('Group name').press('Enter');

  // Drag one server out again, then undo and redo from the toolbar.
  // A plain click makes it the only selected server (dragging a selected row carries the whole selection).
  const member = group(page, 'Database').locator('.member-row').first();
  await member.click();
  await expect(page.getByTestId('pool-count')).toContainText('1 selected');
  await pointerDrag(page, member, catalog.getByRole('listbox', { name: 'Server list' }));
  await expect(group(page, 'Database').getByTestId('group-count')).toHaveText(`${count - 1} servers`);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(group(page, 'Database').getByTestId('group-count')).toHaveText(`${count} servers`);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(group(page, 'Database').getByTestId('group-count')).toHaveText(`${count - 1} servers`);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(group(page, 'Database').getByTestId('group-count')).toHaveText(`${count} servers`);

  // Between groups: one database server into the web group, then back with Undo.
  const moving = group(page, 'Database').locator('.member-row').last();
  await moving.click();
  await pointerDrag(page, moving, group(page, 'Web').locator('.group-head'));
  await expect(group(page, 'Web').getByTestId('group-count')).toHaveText('2 servers');
  await expect(group(page, 'Database').getByTestId('group-count')).toHaveText(`${count - 1} servers`);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(group(page, 'Web').getByTestId('group-count')).toHaveText('1 server');

  // Launch settings: bulk edit the database group, with inline validation naming the fix.
  await catalog.getByLabel('Search servers').fill('');
  await group(page, 'Database').getByRole('button', { name: 'Database', exact: true }).click();
  await page.getByRole('tab', { name: /Launch settings/ }).click();
  const form = page.getByRole('form', { name: 'Launch settings' });
  await expect(form.getByText(/has no instance type\..*Fix: Pick one in Launch settings/).first()).toBeVisible();
  await form.getByRole('combobox', { name: 'Instance type' }).fill('r6i.xl');
  await expect(page.getByRole('listbox', { name: 'Instance types' })).toContainText('r6i.xlarge');
  await page.getByRole('listbox', { name: 'Instance types' }).getByRole('option', { name: /^r6i\.xlarge/ }).click();
  await form.getByLabel('Subnet', { exact: true }).fill('subnet-0a1b2c3d4e5f60002');
  await form.getByLabel('Security groups', { exact: true }).fill('sg-0123456789abcdef0');
  await form.getByLabel('KMS key').fill('my-key');
  await form.getByLabel('Encrypted').selectOption('yes');
  await form.getByRole('button', { name: `Apply to ${count} servers` }).click();
  await expect(form.getByText(/is not a KMS key ID, key ARN, alias or alias ARN\..*Fix: Use a key ID/).first()).toBeVisible();
  await screenshot(page, 'applications-launch-settings-error');
  await form.getByLabel('KMS key').fill('alias/billing');
  await form.getByRole('button', { name: `Apply to ${count} servers` }).click();
  await expect(form.getByText(/is not a KMS key/)).toHaveCount(0);
  // The web server, alone, with a first-boot script.
  await group(page, 'Web').locator('.member-row').first().click();
  await form.getByRole('combobox', { name: 'Instance type' }).fill('t3.large');
  await form.getByRole('combobox', { name: 'Instance type' }).press('Enter');
  await form.getByLabel('Subnet', { exact: true }).fill('subnet-0a1b2c3d4e5f60001');
  await form.getByLabel('Security groups', { exact: true }).fill('sg-0123456789abcdef0');
  // MUC-WEB16 runs Windows: a shell script is flagged, PowerShell is right.
  await form.getByLabel('Script kind').selectOption('shell');
  await form.getByRole('textbox', { name: 'Script', exact: true }).fill('systemctl enable --now nginx');
  await form.getByRole('button', { name: 'Apply to 1 server' }).click();
  await expect(form.getByText(/runs windows but its configuration script is shell\..*Fix: Write the script in PowerShell/)).toBeVisible();
  await form.getByLabel('Script kind').selectOption('powershell');
  await form.getByRole('textbox', { name: 'Script', exact: true }).fill('Install-WindowsFeature Web-Server');
  await form.getByRole('button', { name: 'Apply to 1 server' }).click();
  await expect(page.getByText(/Ready to export/)).toBeVisible();
  await expect(page.getByRole('tab', { name: /Billing/ })).toContainText('✓');
  await screenshot(page, 'applications-ready');

  // Export: WaitCondition launch order in JSON, validated, then saved where the consultant says.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Export' }).click();
  await page.getByLabel('Application').selectOption({ label: 'Billing' });
  await page.getByRole('radio', { name: 'JSON' }).check();
  await page.getByRole('radio', { name: /WaitCondition/ }).check();
  await expect(page.getByTestId('export-verdict')).toContainText('Valid: 1 template passed @aws/cloudformation-validate', { timeout: 60_000 });
  await expect(page.getByLabel('Template preview')).toContainText('"LaunchGroup1Ready"');
  const out = path.join(workbench.dir, 'billing.cfn.json');
  await page.getByLabel('Template file').fill(out);
  await page.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByTestId('export-written')).toContainText(out);
  await screenshot(page, 'export-saved');
  const template = JSON.parse(await readFile(out, 'utf8'));
  const instances = Object.entries(template.Resources as Record<string, { Type: string; DependsOn?: string[] }>).filter(([, r]) => r.Type === 'AWS::EC2::Instance');
  expect(instances).toHaveLength(count + 1);
  const webInstance = instances.find(([id]) => id.startsWith('MUCWEB'))!;
  expect(webInstance[1].DependsOn).toEqual(['LaunchGroup1Ready']);
  expect(JSON.stringify(template)).toContain('Install-WindowsFeature Web-Server');

  // The bundle as a zip next to it.
  await page.getByLabel('One zip file').check();
  const zip = path.join(workbench.dir, 'billing-handoff.zip');
  await page.getByLabel('Bundle location').fill(zip);
  await page.getByRole('button', { name: 'Save bundle' }).click();
  // The bundle carries the assessment report, printed to PDF by headless Chromium: seconds more on a loaded machine.
  await expect(page.getByTestId('export-written')).toContainText(zip, { timeout: 120_000 });
  expect((await readFile(zip)).subarray(0, 2).toString()).toBe('PK');
});

test('an application that is not ready is shown with its errors and cannot be saved', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Export' }).click();
  await page.getByLabel('Application').selectOption({ label: 'Payroll' });
  await expect(page.getByTestId('export-verdict')).toContainText('Not exportable yet', { timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'Findings' })).toContainText(/2 servers: PAY-DB01, PAY-APP01 — has no instance type\. Fix: Pick one in Launch settings/);
  await expect(page.getByRole('button', { name: 'Save template' })).toBeDisabled();
  await screenshot(page, 'export-blocked');
});

test('recording the known network shows a server whose subnet and security group are in different VPCs, with the fix', async ({ page, workbench }) => {
  await workbench.open(page);
  await setProjectDefaults(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await expect(page.getByRole('tab', { name: /WebShop/ })).toContainText('✓');
  await page.getByRole('tab', { name: 'Application' }).click();
  const settings = page.getByRole('form', { name: 'Application settings' });
  await settings.getByLabel('New wave name').fill('Wave 4 — retail');
  await settings.getByRole('button', { name: 'Add wave' }).click();
  await expect(settings.getByRole('combobox').first()).toHaveValue(/^wave-/);
  await settings.getByRole('button', { name: 'Save', exact: true }).click();
  await settings.getByLabel('Known network').fill('subnet-0a1b2c3d4e5f60002 vpc-0aaaaaaaaaaaaaaaa app\nsg-0123456789abcdef0 vpc-0bbbbbbbbbbbbbbbb shop-sg\nnonsense');
  await expect(settings.getByText(/Not understood: nonsense/)).toBeVisible();
  await settings.getByLabel('Known network').fill('subnet-0a1b2c3d4e5f60002 vpc-0aaaaaaaaaaaaaaaa app\nsg-0123456789abcdef0 vpc-0bbbbbbbbbbbbbbbb shop-sg');
  await settings.getByRole('button', { name: /Save known network \(1 subnets, 1 security groups\)/ }).click();
  await expect(page.getByRole('tab', { name: /WebShop/ })).not.toContainText('✓');
  await page.getByTestId('group-Database').locator('.member-row').first().click();
  const form = page.getByRole('form', { name: 'Launch settings' });
  await expect(form.getByText(/SHOP-DB01: cutover security group sg-0123456789abcdef0 is in vpc-0bbbbbbbbbbbbbbbb, but subnet subnet-0a1b2c3d4e5f60002 is in vpc-0aaaaaaaaaaaaaaaa\..*Fix: Use security groups of vpc-0aaaaaaaaaaaaaaaa/)).toBeVisible();
  await screenshot(page, 'applications-vpc-mismatch');
  // Undo takes the known network back, and with it the error.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('tab', { name: /WebShop/ })).toContainText('✓');
});

test('suggestions turn a naming pattern into an application with launch groups in tier order', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await page.getByRole('button', { name: 'Suggest…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Suggest applications' });
  await dialog.getByRole('radio', { name: 'Naming pattern' }).check();
  const hv = dialog.locator('li', { hasText: /^HV/ });
  await expect(hv).toContainText('12 servers');
  await screenshot(page, 'applications-suggestions');
  await hv.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Create 1 application' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /^HV/ })).toHaveAttribute('aria-selected', 'true');
  const groups = page.getByRole('list', { name: 'Launch order' }).locator('> li');
  const total = await groups.evaluateAll((els) => els.reduce((n, el) => n + Number(/(\d+) servers?$/.exec(el.getAttribute('aria-label') ?? '')?.[1] ?? 0), 0));
  expect(total).toBe(12);
  // Size every HV server at once: each gets the cheapest type that fits its vCPUs and memory.
  await page.getByRole('region', { name: 'Servers' }).getByLabel('Search servers').fill('HV-');
  await page.getByRole('button', { name: 'Select all shown' }).click();
  const form = page.getByRole('form', { name: 'Launch settings' });
  await expect(form.getByText(/12 servers: HV-.* has no instance type/)).toBeVisible();
  await form.getByRole('button', { name: 'Size each of the 12 to the cheapest fitting type' }).click();
  await expect(form.getByText(/has no instance type/)).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(form.getByText(/12 servers: HV-.* has no instance type/)).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('tab', { name: /^HV/ })).toHaveCount(0);
});

test('without a native dialog, the bundle folder is chosen in the in-app folder browser', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Export' }).click();
  await page.getByLabel('Application').selectOption({ label: 'WebShop' });
  await page.getByRole('button', { name: 'Browse…' }).nth(1).click();
  const dialog = page.getByRole('dialog', { name: 'Choose a folder' });
  await expect(dialog).toBeVisible();
  const where = dialog.getByRole('navigation', { name: 'Folder path' });
  await expect(where).toHaveAttribute('title', /./);
  const start = (await where.getAttribute('title'))!;
  await dialog.getByRole('button', { name: 'Up one folder' }).click();
  // The listing of the parent arrives asynchronously: read the path once it has changed.
  await expect(where).not.toHaveAttribute('title', start);
  const shown = (await where.getAttribute('title'))!;
  await dialog.getByRole('button', { name: 'Use this folder' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByLabel('Bundle location')).toHaveValue(new RegExp(`^${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?webshop-handoff$`));
});
