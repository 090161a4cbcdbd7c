import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Locator, Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';
import { keyboardPickUp, pointerDrag } from '../helpers/pointer-drag';

function lane(page: Page, name: string): Locator {
  return page.getByTestId(`wave-lane-${name}`);
}

async function goTo(page: Page, area: 'Waves' | 'Export'): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: area }).click();
}

/** Screens at both window sizes the workbench supports. */
async function screens(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-1440x900`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await screenshot(page, `${name}-1280x720`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** What dnd-kit's live region last said to screen readers. */
function announcement(page: Page): Locator {
  return page.locator('[id^="DndLiveRegion"]');
}

test('a consultant plans waves by dragging applications (mouse and keyboard), sets dates, sees per-wave totals and exports them', async ({ page, workbench }) => {
  test.setTimeout(300_000);
  await workbench.open(page);
  await goTo(page, 'Waves');
  await expect(page.getByRole('heading', { level: 1, name: 'Waves' })).toBeVisible();
  const pilot = lane(page, 'Wave 1 — pilot');
  await expect(pilot.getByTestId('wave-card-WebShop')).toBeVisible();
  await expect(pilot.getByTestId('wave-servers')).toHaveText('7');
  await expect(pilot.getByTestId('wave-vcpu')).toHaveText('32');
  await expect(pilot.getByTestId('wave-cost')).toHaveText(/^\$[\d,.]+$/);
  await expect(pilot.getByRole('img', { name: /^Readiness of Wave 1 — pilot: \d+ ready/ })).toBeVisible();
  // Human words only.
  await expect(page.locator('.waves-screen')).not.toContainText('not-ready');
  const webshopCost = (await pilot.getByTestId('wave-cost').textContent())!;

  // A new wave, then WebShop dragged into it with the mouse.
  await page.getByLabel('New wave name').fill('Wave 4');
  await page.getByRole('button', { name: 'Add wave' }).click();
  const fourth = lane(page, 'Wave 4');
  await expect(fourth).toBeVisible();
  await expect(fourth).toContainText('Drag applications here.');
  await pointerDrag(page, pilot.getByTestId('wave-card-WebShop'), fourth);
  await expect(fourth.getByTestId('wave-card-WebShop')).toBeVisible();
  await expect(pilot.getByTestId('wave-card-WebShop')).toHaveCount(0);
  await expect(fourth.getByTestId('wave-servers')).toHaveText('7');
  await expect(fourth.getByTestId('wave-cost')).toHaveText(webshopCost);
  await expect(pilot.getByTestId('wave-servers')).toHaveText('0');
  await expect(pilot.getByTestId('wave-cost')).toHaveText('$0.00');

  // Payroll moves with the keyboard: Space picks it up, an arrow key goes one wave to the left, Space drops it.
  const payroll = lane(page, 'Wave 3 — finance').getByTestId('wave-card-Payroll');
  await payroll.focus();
  await keyboardPickUp(page);
  await expect(announcement(page)).toContainText('Picked up application Payroll');
  await page.keyboard.press('ArrowLeft');
  await expect(announcement(page)).toContainText('Payroll over wave 2, Wave 2 — collaboration.');
  await page.keyboard.press('Space');
  await expect(announcement(page)).toContainText('Moved Payroll to wave 2, Wave 2 — collaboration.');
  const collab = lane(page, 'Wave 2 — collaboration');
  await expect(collab.getByTestId('wave-card-Payroll')).toBeVisible();
  await expect(collab.getByTestId('wave-servers')).toHaveText('7');
  await expect(lane(page, 'Wave 3 — finance').getByTestId('wave-servers')).toHaveText('0');
  // Escape cancels a keyboard move.
  await collab.getByTestId('wave-card-Payroll').focus();
  await keyboardPickUp(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Escape');
  await expect(announcement(page)).toContainText('Cancelled: Payroll did not move.');
  await expect(collab.getByTestId('wave-card-Payroll')).toBeVisible();

  // Rename the new wave and give it dates; an end before the start is refused and changes nothing.
  await fourth.getByRole('button', { name: 'Rename Wave 4' }).click();
  await page.getByLabel('Name of wave 4').fill('Web cutover');
  await page.getByLabel('Name of wave 4').press('Enter');
  const web = lane(page, 'Web cutover');
  await expect(web).toBeVisible();
  await web.getByLabel('Start of Web cutover').fill('2027-03-01');
  await web.getByLabel('Start of Web cutover').press('Enter');
  await web.getByLabel('End of Web cutover').fill('2027-02-20');
  await web.getByLabel('End of Web cutover').press('Enter');
  await expect(web.getByRole('alert')).toHaveText('Web cutover cannot end before it starts.');
  await web.getByLabel('End of Web cutover').fill('2027-03-14');
  await web.getByLabel('End of Web cutover').press('Enter');
  await expect(web).toContainText('1 Mar 2027 – 14 Mar 2027');
  await expect(web.getByRole('alert')).toHaveCount(0);

  // Reorder: the web cutover goes before finance. Undo puts it back, Redo again.
  await web.getByRole('button', { name: 'Move Web cutover earlier' }).click();
  await expect(page.getByRole('region', { name: 'Wave 3: Web cutover' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Wave 4: Wave 3 — finance' })).toBeVisible();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('region', { name: 'Wave 4: Web cutover' })).toBeVisible();
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByRole('region', { name: 'Wave 3: Web cutover' })).toBeVisible();
  await screens(page, 'waves-planned');

  // A wave deleted leaves its applications in no wave; Undo brings it back.
  await lane(page, 'Wave 3 — finance').getByRole('button', { name: 'Delete Wave 3 — finance' }).click();
  await expect(lane(page, 'Wave 3 — finance')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(lane(page, 'Wave 3 — finance')).toBeVisible();

  // The hand-off bundle of WebShop follows the board: the wave's place, name and dates.
  await goTo(page, 'Export');
  const defaults = page.getByRole('form', { name: 'Project defaults' });
  await defaults.getByLabel('AWS account').fill('111122223333');
  await defaults.getByLabel('Region').fill('eu-west-1');
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await page.getByLabel('Application').selectOption({ label: 'WebShop' });
  await expect(page.getByTestId('export-verdict')).toContainText('Valid: 1 template passed', { timeout: 90_000 });
  const out = path.join(workbench.dir, 'webshop-bundle');
  await page.getByLabel('Bundle location').fill(out);
  await page.getByRole('button', { name: 'Save bundle' }).click();
  await expect(page.getByTestId('export-written')).toContainText(out, { timeout: 150_000 });
  const runbook = await readFile(path.join(out, 'RUNBOOK.md'), 'utf8');
  expect(runbook).toContain('Wave: 3 of 4, Web cutover (1 Mar 2027 – 14 Mar 2027).');
  expect(runbook).toContain('WebShop moves in wave 3 of 4, **Web cutover**, 1 Mar 2027 – 14 Mar 2027.');
  expect(runbook).toContain('| **3** | **Web cutover** | 2027-03-01 | 2027-03-14 | WebShop |');
  expect(runbook).toContain('| 2 | Wave 2 — collaboration |  |  | SharePoint Farm, Payroll |');
  const cmf = parseCsv(await readFile(path.join(out, 'cmf-intake.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  expect(cmf).toHaveLength(7);
  expect(cmf.every((r) => r.wave_name === 'Web cutover' && r.wave_start_time === '2027-03-01' && r.wave_end_time === '2027-03-14')).toBe(true);
  const mgn = parseCsv(await readFile(path.join(out, 'mgn-import.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  expect(mgn.every((r) => r['mgn:wave:name'] === 'Web cutover')).toBe(true);
  // The bundle carries the assessment report: the workbook, and the PDF headless Chromium printed from the report page.
  const pdf = await readFile(path.join(out, 'assessment', 'assessment-report.pdf'));
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect((await readFile(path.join(out, 'assessment', 'assessment-report.xlsx'))).subarray(0, 2).toString('latin1')).toBe('PK');
  const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { omitted: unknown[]; reportPrintedBy: string; files: Array<{ path: string }> };
  expect(manifest.omitted).toEqual([]);
  expect(manifest.reportPrintedBy).toBe('Chromium (headless)');
  expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['RUNBOOK.md', 'cmf-intake.csv', 'assessment/assessment-report.pdf']));
});
