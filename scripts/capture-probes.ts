/**
 * The probe specs of scripts/capture-triage-fixtures.ts: test code that is itself wrong (a
 * loose locator, a forgotten sign-in) and a target that is down, run against a healthy stack to
 * capture real automation and environment failures; and the reading of a run's failures.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';

export function writeProbes(probeDir: string, closedPort: number, webURL: string): void {
  mkdirSync(join(probeDir, 'tests', 'regression'), { recursive: true });
  writeFileSync(
    join(probeDir, 'playwright.config.ts'),
    `
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../../config/browser.ts';
export default defineConfig({
  testDir: '.', retries: 0, workers: 1, timeout: 30_000, expect: { timeout: 5_000 },
  use: { baseURL: ${JSON.stringify(webURL)}, launchOptions: chromiumLaunchOptions(), actionTimeout: 10_000, navigationTimeout: 15_000 },
  projects: [{ name: 'regression', testMatch: /\\.spec\\.ts$/ }],
});
`,
  );
  // Test code that is itself wrong, against a healthy deployment.
  writeFileSync(
    join(probeDir, 'tests', 'regression', 'login-form.spec.ts'),
    `
import { expect, test } from '@playwright/test';
test.describe('login form', () => {
  test('the e-mail field takes an address', async ({ page }) => {
    await page.goto('/login');
    await page.locator('form input').fill('viewer@example.test'); // both the e-mail and the password match
    await expect(page.locator('form input').first()).toHaveValue('viewer@example.test');
  });
});
`,
  );
  writeFileSync(
    join(probeDir, 'tests', 'regression', 'tags-list.spec.ts'),
    `
import { expect, test } from '@playwright/test';
test.describe('tags list', () => {
  test('every listed tag has a code', async ({ request }) => {
    const res = await request.get('/api/tags'); // forgot to sign in: a 401 body has no items
    const codes = (await res.json()).items.map((t: { code: string }) => t.code);
    expect(codes.length).toBeGreaterThan(0);
  });
});
`,
  );
  writeFileSync(
    join(probeDir, 'tests', 'regression', 'web-down.spec.ts'),
    `
import { test } from '@playwright/test';
test('the sign-in page loads', async ({ page }) => {
  await page.goto('http://127.0.0.1:${closedPort}/login');
});
`,
  );
}

export interface Failure {
  project: string;
  file: string;
  titlePath: string[];
  status: 'failed' | 'timedOut';
  message: string;
  stack: string;
}
interface JsonResult {
  status: string;
  error?: { message?: string; stack?: string };
}
interface JsonSpec {
  title: string;
  file: string;
  tests: { projectName: string; results: JsonResult[] }[];
}
interface JsonSuite {
  title: string;
  file: string;
  suites?: JsonSuite[];
  specs?: JsonSpec[];
}

/** Runs the real Playwright CLI and returns its failures, each with the spec file Playwright loaded. */
export async function failuresOf(work: string, args: string[], env: Record<string, string>, root = REPO_ROOT): Promise<Failure[]> {
  const dir = mkdtempSync(join(work, 'pw-'));
  const json = join(dir, 'report.json');
  const cli = join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');
  const child = spawn(process.execPath, [cli, 'test', '--reporter=json', '--output', join(dir, 'test-results'), ...args], {
    cwd: root,
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const report = JSON.parse(readFileSync(json, 'utf8')) as { config: { rootDir: string }; suites: JsonSuite[] };
  const out: Failure[] = [];
  // The file is the spec file Playwright loaded (the top-level suite), even when the test is
  // defined in a helper it imports (tests/smoke/journeys.ts), as test ids and owners expect.
  const walk = (s: JsonSuite, file: string, describes: string[]) => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) {
        const last = t.results.at(-1);
        if (!last || (last.status !== 'failed' && last.status !== 'timedOut') || !last.error?.message) continue;
        out.push({
          project: t.projectName,
          file,
          titlePath: [...describes, spec.title],
          status: last.status,
          message: last.error.message,
          stack: last.error.stack ?? '',
        });
      }
    }
    for (const child of s.suites ?? []) walk(child, file, [...describes, child.title]);
  };
  for (const top of report.suites) walk(top, relative(root, join(report.config.rootDir, top.file)).replaceAll('\\', '/'), []);
  return out;
}
