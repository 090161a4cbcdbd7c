import { defineConfig } from '@playwright/test';

/** E2E stories drive Debian's Chromium against the browser shell (the Electron binary is not available here). */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  fullyParallel: false,
  // Two story files at a time (each story has its own browser shell, ports and temp folders; peers on ports of their
  // own): the stories wait on the page and on peers much of the time. PW_WORKERS overrides (1 to watch one at a time).
  workers: Number(process.env.PW_WORKERS ?? 2),
  // As vitest.config.ts: one retry on CI, and `npm test` names the stories that passed only on their retry.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
