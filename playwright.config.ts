import { defineConfig, devices, type Project } from '@playwright/test';
import { chromiumLaunchOptions } from './config/browser.ts';
import { readContract } from './config/run-contract.ts';
import { resolveTarget } from './config/target.ts';
import { ensureAuthDir, ensureRunId } from './fixtures/run.ts';
import { allureReporterOptions } from './reporters/allure/setup.ts';

const ci = !!process.env.CI;
const run = readContract();
// SELENIUM_REMOTE_URL is for the Selenium lane only. Playwright would also send its own browser
// launches there, so it is handed to the lane under another name before any worker starts.
if (process.env.SELENIUM_REMOTE_URL) {
  process.env.TOLLGATE_SELENIUM_REMOTE_URL = process.env.SELENIUM_REMOTE_URL;
  delete process.env.SELENIUM_REMOTE_URL;
}
// Fixed here, before workers start, so every worker, the seed and the cleanup share it.
const runId = ensureRunId();
// Per invocation: two shards of one run on one machine must not share (or delete) each other's sessions.
ensureAuthDir();
const target = resolveTarget();

/**
 * Production safety, enforced for every project: in a READ_ONLY environment no test tagged
 * @writes (changes data) or @seeded (needs this run's seeded data) is ever started.
 */
const READ_ONLY_EXCLUDED = /@writes|@seeded/;

// A Playwright browser server (`tollgate browsers serve`) runs the browsers elsewhere; without one, they launch here.
const wsEndpoint = (process.env.TOLLGATE_BROWSER_WS_ENDPOINT || process.env.PW_TEST_CONNECT_WS_ENDPOINT)?.trim();
const browser = {
  ...devices['Desktop Chrome'],
  ...(wsEndpoint ? { connectOptions: { wsEndpoint } } : { launchOptions: chromiumLaunchOptions() }),
};
// Before the suites: readiness, then the seed (with its cleanup as teardown). When `tollgate run` has
// already waited for readiness and seeded (its own steps, before Playwright), those projects would
// only repeat or skip, and each stage of the chain costs a worker start: the suites start at once.
const setup = run.seeded ? [] : ['seed'];
// Suites are *.spec.ts only: helpers beside them may have node:test unit tests (*.test.ts).
const suite = (name: string, testDir: string, dependencies: string[], extra: Partial<Project> = {}): Project => ({
  name,
  testDir,
  testMatch: /\.spec\.ts$/,
  dependencies,
  use: browser,
  ...extra,
});

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  forbidOnly: ci,
  // One retry in CI makes flaky tests visible as flaky; locally a failure is a failure.
  retries: ci ? 1 : 0,
  workers: run.workers || 2,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  outputDir: 'test-results',
  grepInvert: target.environment.readOnly ? READ_ONLY_EXCLUDED : undefined,
  reporter: [
    [run.quietReporter ? 'dot' : 'list'],
    ['json', { outputFile: run.jsonReport || 'reports/playwright/results.json' }],
    ['./reporters/results.reporter.ts'],
    ['./reporters/demo-readiness.reporter.ts'],
    // Results in the contract's allureResults (tollgate run: reports/<run>/allure-results); `tollgate report` builds the report.
    ['allure-playwright', allureReporterOptions({ target, runId })],
    // A shard of `tollgate run --shard` also writes a blob report for `playwright merge-reports`.
    ...(run.blobDir ? [['blob', { outputDir: run.blobDir }] as const] : []),
  ],
  use: {
    baseURL: target.webURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  projects: [
    suite('ready', 'tests/setup', [], { testMatch: /ready\.setup\.ts/ }),
    suite('seed', 'tests/setup', ['ready'], { testMatch: /seed\.setup\.ts/, teardown: 'cleanup' }),
    suite('cleanup', 'tests/setup', [], { testMatch: /cleanup\.teardown\.ts/ }),
    // Three API sign-ins of ~50 ms each: in one worker, in order; a second worker would cost more to start than it saves.
    suite('auth', 'tests/setup', setup, { testMatch: /auth\.setup\.ts/, fullyParallel: false }),
    // The API journeys first: quick, and they meet most product faults, so a BLOCK is known early (pipeline/early.ts).
    suite('smoke-api', 'tests/smoke/api', setup),
    suite('verify', 'tests/verify', setup),
    suite('smoke-web', 'tests/smoke/web', ['auth']),
    suite('demo', 'tests/demo', ['auth']),
    suite('smoke-selenium', 'tests/smoke/selenium', ['auth']),
    suite('regression', 'tests/regression', ['auth']),
  ],
});
