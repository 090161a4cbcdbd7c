import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';

test('a consultant assesses the estate, changes assumptions, filters findings, opens a server and hands over the workbook and the PDF', async ({ page, workbench }) => {
  test.setTimeout(180_000);
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Assessment' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Assessment' })).toBeVisible();
  const totals = page.getByLabel('Totals');
  await expect(totals).toContainText('250');
  for (const name of ['Readiness', 'Operating systems', 'Monthly cost by application', 'Monthly cost by wave', 'On premises against the EC2 proposal']) {
    await expect(page.getByRole('figure', { name })).toBeVisible();
  }
  await expect(page.getByRole('img', { name: /^Readiness: Ready \d+/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Operating systems: Windows Server 2016 40/ })).toBeVisible();
  // Human labels only.
  await expect(page.locator('.assessment-screen')).not.toContainText('rehost-block');
  await expect(page.locator('.assessment-screen')).not.toContainText('not-ready');
  await screenshot(page, 'assessment-1440');

  // Assumptions recompute at once, and are one undoable edit.
  const monthly = page.getByTestId('estate-monthly');
  const us = await monthly.textContent();
  await page.getByLabel('Region').selectOption('eu-west-1');
  await expect(monthly).not.toHaveText(us!);
  const eu = await monthly.textContent();
  await page.getByLabel('Burstable types (t3, t4g)').uncheck();
  await expect(monthly).not.toHaveText(eu!);
  await page.getByLabel('Headroom percent').fill('250');
  await expect(page.getByText('A whole number from 0 to 200.')).toBeVisible();
  await page.getByLabel('Headroom percent').fill('50');
  await page.getByLabel('Headroom percent').press('Enter');
  await expect(page.getByLabel('Headroom percent')).toHaveValue('50');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByLabel('Headroom percent')).toHaveValue('20');
  await page.keyboard.press('Control+z');
  await expect(page.getByLabel('Burstable types (t3, t4g)')).toBeChecked();
  await page.keyboard.press('Control+z');
  await expect(page.getByLabel('Region')).toHaveValue('us-east-1');
  await expect(monthly).toHaveText(us!);

  // Findings: filter by severity and by kind of fix.
  const findings = page.getByRole('region', { name: 'Findings' });
  await findings.getByLabel('Filter by severity').selectOption({ label: 'Blocker' });
  await expect(findings.getByRole('heading')).toContainText('(4 of');
  await expect(findings.getByRole('row').filter({ hasText: 'OS not supported by VM Import/Export or MGN' }).first()).toBeVisible();
  await findings.getByLabel('Filter by severity').selectOption({ label: 'All' });
  await findings.getByLabel('Filter by kind of fix').selectOption({ label: 'Consolidate snapshots' });
  await expect(findings.getByRole('row').filter({ hasText: 'snapshot' }).first()).toBeVisible();
  await findings.scrollIntoViewIfNeeded();
  await screenshot(page, 'assessment-findings');

  // The server opens in the catalog's detail panel with its assessment.
  const first = findings.getByRole('row').filter({ hasText: 'snapshot' }).first().getByRole('button');
  const serverName = (await first.textContent())!;
  await first.click();
  const detail = page.getByRole('complementary', { name: `Details of ${serverName}` });
  await expect(detail).toBeVisible();
  const panel = detail.getByRole('region', { name: 'Assessment' });
  await expect(panel).toContainText('Ready with conditions');
  await expect(panel).toContainText('Proposed type');
  await expect(panel.getByRole('list', { name: 'Findings for this server' })).toContainText('Delete or consolidate snapshots');
  await screenshot(page, 'assessment-server-detail');

  // The workbook.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Assessment' }).click();
  const out = path.join(workbench.dir, 'estate-assessment.xlsx');
  await page.getByLabel('Workbook path').fill(out);
  await page.getByRole('button', { name: 'Save workbook' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${out}` })).toBeVisible();
  expect((await stat(out)).size).toBeGreaterThan(10_000);
  await page.getByLabel('Workbook path').fill(path.join(workbench.dir, 'estate.pdf'));
  await page.getByRole('button', { name: 'Save workbook' }).click();
  await expect(page.getByRole('alert')).toContainText('.xlsx');

  // The printable report, printed to PDF by Chromium.
  await page.getByRole('button', { name: 'Printable report (PDF)' }).click();
  const report = page.getByRole('article', { name: 'Assessment report' });
  await expect(report.getByRole('heading', { level: 1 })).toContainText('Migration assessment');
  await expect(report.getByRole('img', { name: /^Monthly cost by application:/ })).toBeVisible();
  await screenshot(page, 'assessment-report');
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(workbench.dir, 'assessment.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  const bytes = await readFile(pdf);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(20_000);
  await page.emulateMedia({ media: 'screen' });
  await report.getByRole('button', { name: 'Back to the assessment' }).click();
  await expect(page.getByLabel('Totals')).toBeVisible();
});

test('the assessment works at 1280×720 and by keyboard', async ({ page, workbench }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await workbench.open(page);
  await page.keyboard.press('Control+2');
  await expect(page.getByRole('heading', { level: 1, name: 'Assessment' })).toBeVisible();
  await page.getByLabel('Region').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Region')).toHaveValue('eu-west-1');
  await page.getByLabel('Agent allowed in guests').focus();
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Agent allowed in guests')).not.toBeChecked();
  await expect(page.getByLabel('Totals')).toBeVisible();
  await screenshot(page, 'assessment-1280');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
});

test('the Assessment screen has no axe-core (WCAG 2 A/AA) violations', async ({ page, workbench }) => {
  await workbench.open(page);
  await page.keyboard.press('Control+2');
  await expect(page.getByLabel('Totals')).toBeVisible();
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const r = await new AxeBuilder({ page }).include('.assessment-screen').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(r.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
});
