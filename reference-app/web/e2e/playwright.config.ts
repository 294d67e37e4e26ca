/**
 * The web app's own end-to-end tests: each web fault switch changes exactly what FAULTS.md
 * says. Runs against a deployed TagTrust (TAGTRUST_WEB_URL, TAGTRUST_ADMIN_EMAIL,
 * TAGTRUST_ADMIN_PASSWORD); run it on a healthy deployment and on one with the faults on.
 */
import { defineConfig } from '@playwright/test';

const executablePath = process.env.TAGTRUST_CHROMIUM || undefined;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.e2e\.ts$/,
  fullyParallel: true,
  workers: 2,
  timeout: 30_000,
  outputDir: '../../../test-results/reference-web',
  reporter: [['list'], ['json', { outputFile: process.env.TAGTRUST_E2E_JSON ?? '../../../reports/playwright/reference-web.json' }]],
  use: {
    baseURL: process.env.TAGTRUST_WEB_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
    },
  },
});
