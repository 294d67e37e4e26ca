/**
 * Scaling out on real engines, against one stack this file boots:
 * - The Selenium lane on a real Selenium Grid 4: `tollgate grid up` starts a hub and two nodes
 *   (distributed mode, the jar from @nightwatch/selenium-server, Debian's Chromium and
 *   chromedriver), the real Playwright CLI runs the smoke-selenium project through it with two
 *   workers, and the nodes' own logs prove that both served sessions. A Grid with no free slot,
 *   and a Grid that is down, give INCONCLUSIVE, never BLOCK.
 * - Playwright's browser server: `tollgate browsers serve` in its own process, the web smoke
 *   project connected to it, and the process tree proving the server, not the runner, ran the pages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { classifyErrors } from '../gate/triage.ts';
import { DEFAULT_POLICY } from '../config/policy.ts';
import { aResult } from '../testing/builders.ts';
import { REPO_ROOT } from '../config/paths.ts';
import type { GridReport } from '../stack/grid.ts';
import { CLI, gateRun, noStackTrace, stackState, startTollgate, tollgate, workspace } from './helpers.ts';
import { portIsFree } from '../stack/processes.ts';

const BASE = Number(process.env.TOLLGATE_GRID_SELFTEST_PORT_BASE ?? 19100);
const GRID_PORT = BASE + 50;
// Four journeys are enough to spread over two workers and two nodes (the whole lane: the e2e group).
const FOUR_JOURNEYS = 'the verify page tells|the dashboard shows|signs in with the form|the app runs the build';
const PLAYWRIGHT_CLI = join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

interface JsonTest {
  projectName: string;
  status: string;
  annotations: { type: string; description?: string }[];
  results?: { error?: { message?: string } }[];
}
interface JsonSuite {
  suites?: JsonSuite[];
  specs?: { tests: JsonTest[] }[];
}
const testsOf = (suite: JsonSuite): JsonTest[] => [
  ...(suite.specs ?? []).flatMap((s) => s.tests),
  ...(suite.suites ?? []).flatMap(testsOf),
];

function playwright(args: string[], env: NodeJS.ProcessEnv, onStart?: (pid: number) => void): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    onStart?.(child.pid!);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const { dir, env } = workspace('scale-out');
const reportDirs: string[] = [];

before(async () => {
  const up = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'scale-out', '--quiet'], env);
  assert.equal(up.code, 0, up.stdout + up.stderr);
});

after(async () => {
  await tollgate(['stack', 'down', '--purge'], env);
  rmSync(dir, { recursive: true, force: true });
  for (const d of reportDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh Playwright run against this file's stack, whatever the caller's shell points at. */
function runEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env, ...extra };
  for (const key of ['TOLLGATE_RUN_ID', 'TOLLGATE_ENV', 'TOLLGATE_WEB_URL', 'TOLLGATE_API_URL', 'CI', 'PW_TEST_CONNECT_WS_ENDPOINT'])
    if (!(key in extra)) delete e[key];
  return e;
}

describe('the Selenium lane on a real Selenium Grid (hub + 2 nodes)', { concurrency: false }, () => {
  const gridEnv = { ...env, TOLLGATE_GRID_DIR: join(dir, 'grid') };
  const url = `http://127.0.0.1:${GRID_PORT}`;
  const status = async () => JSON.parse((await tollgate(['grid', 'status', '--json'], gridEnv)).stdout) as GridReport;

  before(async () => {
    const grid = await tollgate(['grid', 'up', '--nodes', '2', '--max-sessions', '1', '--port', String(GRID_PORT)], gridEnv);
    assert.equal(grid.code, 0, grid.stdout + grid.stderr);
    assert.match(grid.stdout, new RegExp(`^SELENIUM_REMOTE_URL=${url.replace(/\./g, '\\.')}$`, 'm'));
  });

  after(async () => {
    await tollgate(['grid', 'down'], gridEnv);
  });

  test('grid up started exactly a hub and two nodes on loopback, and the hub reports both ready', async () => {
    const s = await status();
    assert.equal(s.status?.ready, true, JSON.stringify(s));
    assert.deepEqual(s.status?.nodes.map((n) => [n.uri, n.availability]).sort(), s.state!.nodes.map((n) => [n.url, 'UP']).sort());
    assert.deepEqual(
      s.processes.map((p) => [p.role, p.alive]),
      [
        ['hub', true],
        ['node 1', true],
        ['node 2', true],
      ],
    );
    assert.ok(s.state!.nodes.every((n) => n.url.startsWith('http://127.0.0.1:')));
  });

  test('smoke-selenium through the Grid with 2 workers: every test passes, and both nodes served sessions', async () => {
    const report = join(dir, 'results.json');
    const runEnv: NodeJS.ProcessEnv = { ...process.env, ...env, SELENIUM_REMOTE_URL: url, PLAYWRIGHT_JSON_OUTPUT_NAME: report };
    // A fresh run against this test's stack, whatever the caller's shell points at.
    for (const key of ['TOLLGATE_RUN_ID', 'TOLLGATE_ENV', 'TOLLGATE_WEB_URL', 'TOLLGATE_API_URL', 'CI']) delete runEnv[key];
    const run = await playwright(
      ['--project', 'smoke-selenium', '--grep', FOUR_JOURNEYS, '--reporter=json', '--output', join(dir, 'results'), '--workers=2'],
      runEnv,
    );
    assert.ok(existsSync(report), `Playwright wrote no report (exit ${run.code}):\n${run.output}`);
    const tests = (JSON.parse(readFileSync(report, 'utf8')) as { suites: JsonSuite[] }).suites.flatMap(testsOf);
    const selenium = tests.filter((t) => t.projectName === 'smoke-selenium');
    assert.equal(selenium.length, 4, `expected four web smoke journeys in smoke-selenium, found ${selenium.length}`);
    assert.deepEqual(
      tests.filter((t) => t.status !== 'expected').map((t) => `${t.projectName}: ${t.status}`),
      [],
      run.output,
    );
    for (const t of selenium)
      assert.match(
        t.annotations.find((a) => a.type === 'selenium session start')?.description ?? '',
        new RegExp(`via ${url.replace(/\./g, '\\.')}$`),
      );

    const served = (await status()).processes.filter((p) => p.role.startsWith('node')).map((p) => p.sessions ?? 0);
    assert.equal(served.length, 2);
    assert.ok(
      served.every((n) => n > 0),
      `both nodes served sessions (per node: ${served.join(', ')})`,
    );
    assert.equal(
      served.reduce((a, b) => a + b, 0),
      selenium.length,
      'one Grid session per Selenium test, and no other browser through the Grid',
    );
    const stack = stackState(env);
    const logs = (await status()).state!.nodes.map((n) => readFileSync(n.log, 'utf8')).join('\n');
    assert.doesNotMatch(logs, /SeleniumManager|Selenium Manager|Downloading/i, 'Selenium Manager was never asked for anything');
    assert.match(logs, /"se:webDriverExecutable": "[^"]*chromedriver"/, 'the nodes drive the chromedriver they were given');
    assert.ok(stack.urls.web.startsWith('http://127.0.0.1:'));
  });

  test('bad input is refused with its own exit code and starts nothing', async () => {
    const other = { ...env, TOLLGATE_GRID_DIR: join(dir, 'other-grid') };
    const cases: [string[], NodeJS.ProcessEnv, number, RegExp][] = [
      [['--nodes', '0'], other, 64, /--nodes must be an integer from 1 to 8, got 0/],
      [['--max-sessions', '99'], other, 64, /--max-sessions must be an integer from 1 to 8/],
      [['--port', String(GRID_PORT + 1)], other, 73, new RegExp(`port ${GRID_PORT - 1} on 127\\.0\\.0\\.1 is already in use`)],
      [['--port', String(GRID_PORT + 20)], { ...other, JAVA_HOME: join(dir, 'no-java') }, 69, /Java is needed to run the Selenium Grid/],
      [['--nodes', '3', '--port', String(GRID_PORT)], gridEnv, 64, /A Grid is already up at/],
    ];
    // Independent refusals: run at once, checked one by one.
    const outcomes = await Promise.all(cases.map(([args, e]) => tollgate(['grid', 'up', ...args], e)));
    for (const [i, [args, , code, message]] of cases.entries()) {
      const r = outcomes[i]!;
      assert.equal(r.code, code, `grid up ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      noStackTrace(r);
    }
    assert.equal(existsSync(join(dir, 'other-grid', 'grid.json')), false, 'no Grid recorded');

    // Ctrl-C while the Grid starts: exit 75, the started processes stopped, nothing recorded, the ports free again.
    const port = GRID_PORT + 30;
    const starting = startTollgate(['grid', 'up', '--port', String(port)], other);
    for (let i = 0; i < 200 && !existsSync(join(dir, 'other-grid', 'node-2.log')); i++) await sleep(50);
    starting.child.kill('SIGINT');
    assert.equal(await starting.exit, 75, starting.output());
    assert.match(starting.output(), /grid up interrupted \(SIGINT\); the processes it started were stopped/);
    assert.equal(existsSync(join(dir, 'other-grid', 'grid.json')), false);
    for (const p of [port - 2, port - 1, port, port + 1, port + 2]) assert.ok(await portIsFree(p), `port ${p} is free again`);
    const again = await tollgate(['grid', 'up', '--nodes', '2', '--port', String(GRID_PORT)], gridEnv);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already up/);
    assert.equal((await status()).processes.length, 3, 'the running Grid was left as it was');
  });

  test('a Grid with no free slot: not ready before the deadline (INCONCLUSIVE); a session still waiting at its deadline fails as infrastructure', async () => {
    // Both slots taken by sessions that someone else holds.
    const held: string[] = [];
    const caps = { browserName: 'chrome', 'goog:chromeOptions': { args: ['--headless', '--no-sandbox'] } };
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${url}/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ capabilities: { alwaysMatch: caps } }),
        });
        const body = (await res.json()) as { value: { sessionId?: string; message?: string } };
        held.push(body.value.sessionId ?? assert.fail(`the Grid gave no session: ${body.value.message}`));
      }
      const r = await gateRun(['--suite', 'smoke'], { ...env, SELENIUM_REMOTE_URL: url, TOLLGATE_READY_TIMEOUT: '3' }, reportDirs);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`✗ ready .*selenium ${url.replace(/\./g, '\\.')}/status .*Selenium Grid not ready`));
      assert.match(r.stdout, /\? INCONCLUSIVE/);
      assert.doesNotMatch(r.stdout, /✗ BLOCK/);

      // The Grid filling up after the gate found it ready: the session request waits its deadline, then fails as the runner's.
      const report = join(dir, 'full.json');
      const run = await playwright(
        ['--project', 'smoke-selenium', '--grep', 'the verify page tells', '--reporter=json', '--output', join(dir, 'full')],
        runEnv({ SELENIUM_REMOTE_URL: url, TOLLGATE_SELENIUM_SLOT_WAIT_S: '3', PLAYWRIGHT_JSON_OUTPUT_NAME: report }),
      );
      const tests = (JSON.parse(readFileSync(report, 'utf8')) as { suites: JsonSuite[] }).suites.flatMap(testsOf);
      const waited = tests.filter((t) => t.projectName === 'smoke-selenium');
      assert.equal(waited.length, 1, run.output);
      const error = waited[0]!.results?.at(-1)?.error?.message ?? '';
      assert.match(error, new RegExp(`through SELENIUM_REMOTE_URL ${url.replace(/\./g, '\\.')}: no free slot: .* within 3 s`), run.output);
      const result = aResult({ project: 'smoke-selenium', status: 'failed', error: { message: error } });
      assert.equal(classifyErrors(result, { quarantine: undefined, flips: 0, policy: DEFAULT_POLICY }).rule.category, 'infrastructure');
    } finally {
      for (const id of held) await fetch(`${url}/session/${id}`, { method: 'DELETE' });
    }
  });

  test('a Grid that is down: the environment is not ready, INCONCLUSIVE naming the Grid, nothing run', async () => {
    const down = await tollgate(['grid', 'down'], gridEnv);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, /stopped hub/);
    assert.equal((await tollgate(['grid', 'status'], gridEnv)).code, 3);
    const r = await gateRun(['--suite', 'smoke'], { ...env, SELENIUM_REMOTE_URL: url, TOLLGATE_READY_TIMEOUT: '2' }, reportDirs);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`✗ ready .*selenium ${url.replace(/\./g, '\\.')}/status .*ECONNREFUSED`));
    assert.match(r.stdout, /\? INCONCLUSIVE/);
  });
});

/** Every process below `root`, with its command line, read from /proc. */
function descendants(root: number): { pid: number; args: string }[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(below).map((pid) => {
    try {
      return { pid, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') };
    } catch {
      return { pid, args: '' };
    }
  });
}

describe("Playwright's browser server (tollgate browsers serve)", { concurrency: false }, () => {
  test("the web smoke project runs its pages in the server's browser, in another process; none launch in the runner", async () => {
    const server = spawn(process.execPath, [CLI, 'browsers', 'serve'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d));
    server.stderr!.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      for (let i = 0; i < 300 && !/^TOLLGATE_BROWSER_WS_ENDPOINT=/m.test(out); i++) await sleep(50);
      const endpoint =
        /^TOLLGATE_BROWSER_WS_ENDPOINT=(ws:\/\/127\.0\.0\.1:\d+\/\S+)$/m.exec(out)?.[1] ?? assert.fail(`no endpoint printed:\n${out}`);

      // Sample both process trees while the suite runs: whose children are the renderers?
      let runner = 0;
      const seen = { server: new Set<number>(), runner: new Set<number>() };
      const sampler = setInterval(() => {
        for (const p of descendants(server.pid!)) if (/--type=renderer/.test(p.args)) seen.server.add(p.pid);
        if (runner) for (const p of descendants(runner)) if (/chrom/i.test(p.args)) seen.runner.add(p.pid);
      }, 100);
      const report = join(dir, 'browser-server.json');
      const run = await playwright(
        ['--project', 'smoke-web', '--grep', FOUR_JOURNEYS, '--reporter=json', '--output', join(dir, 'browser-server'), '--workers=2'],
        runEnv({ TOLLGATE_BROWSER_WS_ENDPOINT: endpoint, PLAYWRIGHT_JSON_OUTPUT_NAME: report }),
        (pid) => (runner = pid),
      ).finally(() => clearInterval(sampler));
      const tests = (JSON.parse(readFileSync(report, 'utf8')) as { suites: JsonSuite[] }).suites.flatMap(testsOf);
      const web = tests.filter((t) => t.projectName === 'smoke-web');
      assert.equal(web.length, 4, `expected four web smoke journeys, found ${web.length}`);
      assert.deepEqual(
        tests.filter((t) => t.status !== 'expected').map((t) => `${t.projectName}: ${t.status}`),
        [],
        run.output,
      );
      assert.ok(seen.server.size > 0, "pages were rendered by the browser server's Chromium");
      assert.deepEqual([...seen.runner], [], 'no browser was launched under the test runner');
    } finally {
      server.kill('SIGTERM');
      assert.equal(await exited, 0, out);
    }
    assert.match(out, /browser server stopped/);
  });

  test('a port in use is refused with its own exit code', async () => {
    const r = await tollgate(['browsers', 'serve', '--port', String(BASE)], env);
    assert.equal(r.code, 73, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`port ${BASE} on 127\\.0\\.0\\.1 is already in use`));
    noStackTrace(r);
  });
});
