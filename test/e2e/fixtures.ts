import { test as base, expect, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../main/cli/serve.command';

export interface Workbench {
  /** URL with the session token, as `mwb serve` prints it. */
  url: string;
  origin: string;
  token: string;
  /** A private temp folder for files the story creates. */
  dir: string;
  /** Opens the workbench in the page and waits until the project is loaded. */
  open(page: Page): Promise<void>;
}

/** Each story gets its own browser shell (own token, own app data folder) serving the built renderer. */
export const test = base.extend<{ workbench: Workbench; project: string | undefined }>({
  project: [undefined, { option: true }],
  workbench: async ({ project }, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-'));
    const server = await serve({ dataDir: path.join(dir, 'appdata'), ...(project ? { project } : {}) });
    const url = new URL(server.url);
    const token = /token=([^&]+)/.exec(url.hash)?.[1] ?? '';
    await use({
      url: server.url,
      origin: url.origin,
      token,
      dir,
      async open(page) {
        await page.goto(server.url);
        await expect(page.getByTestId('doc-title')).toBeVisible();
        await expect(page.locator('.loading')).toHaveCount(0);
      },
    });
    await server.close();
    await rm(dir, { recursive: true, force: true });
  },
});

export { expect };

/** Saves a screenshot for people to look at (test-results/screens/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join('test-results', 'screens', `${name}.png`) });
}
