import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './config/browser.ts';

const ci = !!process.env.CI;

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  forbidOnly: ci,
  // One retry in CI makes flaky tests visible as flaky; locally a failure is a failure.
  retries: ci ? 1 : 0,
  workers: Number(process.env.TOLLGATE_WORKERS) || 2,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: 'reports/playwright/results.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [
    {
      name: 'smoke-web',
      testMatch: /smoke\/.*\.spec\.ts$/,
      use: { ...devices['Desktop Chrome'] },
    },
  ],
});
