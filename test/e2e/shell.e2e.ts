import { test, expect, screenshot } from './fixtures';

const AREAS = ['Inventory', 'Assessment', 'Applications', 'Waves', 'Verify', 'Replication', 'Dashboard', 'Export'];

test('a consultant opens the demo estate and visits every area', async ({ page, workbench }) => {
  await workbench.open(page);
  await expect(page.getByTestId('doc-title')).toContainText('Demo estate');
  await expect(page.getByRole('navigation', { name: 'Areas' })).toBeVisible();
  for (const area of AREAS) {
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: area }).click();
    await expect(page.getByRole('main', { name: area })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
    await screenshot(page, `area-${area.toLowerCase()}`);
  }
});

test('the API refuses a call without the session token', async ({ workbench, request }) => {
  const noToken = await request.post(`${workbench.origin}/api/invoke/app.info`, { data: {} });
  expect(noToken.status()).toBe(401);
  const wrongHost = await request.post(`${workbench.origin}/api/invoke/app.info`, { data: {}, headers: { Authorization: `Bearer ${workbench.token}`, Origin: 'http://evil.example' } });
  expect(wrongHost.status()).toBe(403);
  const ok = await request.post(`${workbench.origin}/api/invoke/app.info`, { data: {}, headers: { Authorization: `Bearer ${workbench.token}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).value.shell).toBe('browser');
});
