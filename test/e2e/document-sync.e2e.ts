import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';
import { pointerDrag } from '../helpers/pointer-drag';

/** Counts the page's whole-document loads (`project.document` calls), installed before the app starts. */
const COUNT_LOADS = `(() => {
  window.__documentLoads = 0;
  Object.defineProperty(window, 'workbench', {
    configurable: true,
    get() { return undefined; },
    set(api) {
      const invoke = api.invoke.bind(api);
      api.invoke = (channel, args) => { if (channel === 'project.document') window.__documentLoads++; return invoke(channel, args); };
      Object.defineProperty(window, 'workbench', { value: api, writable: true, configurable: true });
    },
  });
})()`;

const loads = (page: Page) => page.evaluate('window.__documentLoads') as Promise<number>;

async function openApplications(page: Page, url: string): Promise<void> {
  await page.addInitScript(COUNT_LOADS);
  await page.goto(url);
  await expect(page.getByTestId('doc-title')).toBeVisible();
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Applications' }).click();
  await expect(page.getByRole('tab', { name: /WebShop/ })).toBeVisible();
}

test('two windows on the same project follow each other’s edits, undo and redo without reloading the project', async ({ browser, workbench }) => {
  const a = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  const b = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await openApplications(a, workbench.url);
  await openApplications(b, workbench.url);
  const loadsBefore = await loads(b);

  // Window A adds an application with a launch group and renames the group.
  await a.getByLabel('New application name').fill('Billing');
  await a.getByRole('button', { name: 'Add application' }).click();
  await expect(a.getByRole('tab', { name: /Billing/ })).toHaveAttribute('aria-selected', 'true');
  await a.getByRole('button', { name: 'Rename group Group 1' }).click();
  await a.getByLabel('Group name').fill('Database');
  await a.getByLabel('Group name').press('Enter');
  await expect(a.getByTestId('group-Database')).toBeVisible();

  // Window B shows both changes.
  await b.getByRole('tab', { name: /Billing/ }).click();
  await expect(b.getByTestId('group-Database')).toBeVisible();

  // B drags a server into the group; A sees it.
  const catalog = b.getByRole('region', { name: 'Servers' });
  await catalog.getByLabel('Search servers').fill('MUC-SQL');
  const row = catalog.getByRole('option').first();
  await pointerDrag(b, row, b.getByTestId('group-Database'), { dropY: 30 });
  await expect(b.getByTestId('group-Database').getByTestId('group-count')).toHaveText('1 server');
  await expect(a.getByTestId('group-Database').getByTestId('group-count')).toHaveText('1 server');

  // Undo in A takes the drag back in both windows; another undo takes back the rename; redo restores it.
  await a.getByRole('button', { name: 'Undo' }).click();
  await expect(b.getByTestId('group-Database').getByTestId('group-count')).toHaveText('0 servers');
  await a.getByRole('button', { name: 'Undo' }).click();
  await expect(b.getByTestId('group-Group 1')).toBeVisible();
  await b.getByRole('button', { name: 'Redo' }).click();
  await expect(a.getByTestId('group-Database')).toBeVisible();
  await expect(b.getByTestId('group-Database')).toBeVisible();
  await screenshot(b, 'document-sync-second-window');

  // None of this made window B fetch the whole project again.
  expect(await loads(b)).toBe(loadsBefore);

  // A fresh window loads main's document and shows the same plan.
  const c = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await openApplications(c, workbench.url);
  await c.getByRole('tab', { name: /Billing/ }).click();
  await expect(c.getByTestId('group-Database').getByTestId('group-count')).toHaveText('0 servers');
  await expect(c.getByTestId('group-Group 1')).toHaveCount(0);
  await Promise.all([a.context().close(), b.context().close(), c.context().close()]);
});
