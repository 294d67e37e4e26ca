/**
 * The Selenium lane's remote path, for real: a chromedriver started here stands in for a
 * Selenium Grid, the real Playwright CLI runs the smoke-selenium project with
 * SELENIUM_REMOTE_URL pointing at it, and chromedriver's own log proves the sessions went
 * through that endpoint to the stack. Boots its own reference stack.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveChromedriver } from '../config/browser.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { readState, type StackState } from '../stack/state.ts';
import { tollgate, workspace } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_SELENIUM_SELFTEST_PORT_BASE ?? 19100);

const PLAYWRIGHT_CLI = join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

interface JsonTest {
  projectName: string;
  status: string;
  annotations: { type: string; description?: string }[];
}
interface JsonSuite {
  title: string;
  suites?: JsonSuite[];
  specs?: { title: string; tests: JsonTest[] }[];
}

/** The stack this test drives, or a failure that says how to get one. */
async function runningStack(dir: string): Promise<StackState> {
  const state = readState(dir);
  if (!state)
    assert.fail(
      `No local reference stack in ${dir}: this self-test runs the Selenium lane against it. Start it with \`npx tollgate stack up\` and run the test again.`,
    );
  const answer = await fetch(state.urls.readyz, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => `HTTP ${r.status}`,
    (e: Error) => e.message,
  );
  if (answer !== 'HTTP 200')
    assert.fail(
      `The local reference stack recorded in ${dir} is not ready (${state.urls.readyz}: ${answer}). Restart it with \`npx tollgate stack up\`.`,
    );
  return state;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Poll /status until chromedriver says it can create sessions; fail early if it exits. */
async function waitReady(url: string, driver: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) assert.fail(`chromedriver exited with code ${driver.exitCode} before it was ready:\n${output()}`);
    const ready = await fetch(`${url}/status`).then(
      (r) => r.json() as Promise<{ value?: { ready?: boolean } }>,
      () => undefined,
    );
    if (ready?.value?.ready) return;
    await sleep(50);
  }
  assert.fail(`chromedriver at ${url} did not report ready within 10 s:\n${output()}`);
}

function playwright(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const testsOf = (suite: JsonSuite): JsonTest[] => [
  ...(suite.specs ?? []).flatMap((s) => s.tests),
  ...(suite.suites ?? []).flatMap(testsOf),
];

describe('the Selenium lane through SELENIUM_REMOTE_URL', { concurrency: false }, () => {
  const { dir } = workspace('selenium-remote');
  const stackEnv = { TOLLGATE_STACK_DIR: join(dir, 'stack') };
  const log = join(dir, 'chromedriver.log');
  let driver: ChildProcess | undefined;
  let endpoint: string;

  before(async () => {
    const up = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'selenium', '--quiet'], stackEnv);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    // No --allowed-ips: with it chromedriver listens on every interface; without it, on loopback only.
    driver = spawn(resolveChromedriver(), [`--port=${port}`, `--log-path=${log}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    driver.stdout!.on('data', (d: Buffer) => (out += d));
    driver.stderr!.on('data', (d: Buffer) => (out += d));
    await waitReady(endpoint, driver, () => out);
  });

  after(async () => {
    if (driver?.pid && driver.exitCode === null) {
      const exited = new Promise((resolve) => driver!.once('exit', resolve));
      process.kill(driver.pid, 'SIGTERM');
      await exited;
    }
    await tollgate(['stack', 'down', '--purge'], stackEnv);
    rmSync(dir, { recursive: true, force: true });
  });

  test('every smoke-selenium test passes, each in its own session created at that endpoint', async () => {
    const stack = await runningStack(stackEnv.TOLLGATE_STACK_DIR);
    const report = join(dir, 'results.json');
    const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnv, SELENIUM_REMOTE_URL: endpoint, PLAYWRIGHT_JSON_OUTPUT_NAME: report };
    // A fresh run against the local stack checked above, whatever the caller's shell points at.
    for (const key of ['TOLLGATE_RUN_ID', 'TOLLGATE_ENV', 'TOLLGATE_WEB_URL', 'TOLLGATE_API_URL', 'CI']) delete env[key];
    const run = await playwright(['--project', 'smoke-selenium', '--reporter=json', '--output', join(dir, 'results'), '--workers=1'], env);
    assert.ok(existsSync(report), `Playwright wrote no report (exit ${run.code}):\n${run.output}`);
    const tests = (JSON.parse(readFileSync(report, 'utf8')) as { suites: JsonSuite[] }).suites.flatMap(testsOf);
    const selenium = tests.filter((t) => t.projectName === 'smoke-selenium');
    assert.ok(selenium.length >= 5, `expected the 5 web smoke tests in smoke-selenium, found ${selenium.length}`);
    assert.deepEqual(
      tests.filter((t) => t.status !== 'expected').map((t) => `${t.projectName}: ${t.status}`),
      [],
      `every test passes:\n${run.output}`,
    );
    assert.equal(run.code, 0, run.output);

    for (const t of selenium) {
      const start = t.annotations.find((a) => a.type === 'selenium session start');
      assert.match(start?.description ?? '', new RegExp(`via ${endpoint.replace(/\./g, '\\.')}$`), 'the fixture used SELENIUM_REMOTE_URL');
    }
    // Only the Selenium lane's sessions come here (the config keeps Playwright's own launches
    // local); WebDriver sessions navigate with the Navigate command.
    const driverLog = readFileSync(log, 'utf8');
    const sessions = new Set([...driverLog.matchAll(/\[([0-9a-f]{32})\] COMMAND Navigate/g)].map((m) => m[1]));
    const browsing = new Set(
      [...driverLog.matchAll(/\[([0-9a-f]{32})\] COMMAND Navigate \{\s*"url": "([^"]+)"/g)]
        .filter((m) => m[2]!.startsWith(`${stack.urls.web}/`))
        .map((m) => m[1]),
    );
    assert.equal(
      browsing.size,
      selenium.length,
      `one WebDriver session per test browsed the stack at ${stack.urls.web} through this chromedriver`,
    );
    assert.equal(sessions.size, selenium.length, 'no other browser was started through this endpoint');
  });
});
