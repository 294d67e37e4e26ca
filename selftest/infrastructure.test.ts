/**
 * The runner's own failures never BLOCK a healthy build: the gate runs the smoke suites against a
 * healthy stack with the runner broken three ways — the browser cannot start (its binary fails
 * for missing host libraries), a Playwright worker is killed mid-run (as the OOM killer does),
 * the WebDriver endpoint refuses to create a session — and each time gives INCONCLUSIVE (never announced early as a BLOCK) naming
 * the runner. A product fault beside a killed worker still BLOCKs, on the product failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { TestResult } from '../gate/types.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { gateRun, tollgate, workspace } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_INFRA_SELFTEST_PORT_BASE ?? 20100);
const LANES = 'report the same build|verify tells a genuine|the verify page tells';

describe("the runner's infrastructure broken", { concurrency: false }, () => {
  const { dir, env } = workspace('infra');
  const reportDirs: string[] = [];
  let refusing: Server;
  let refusingUrl = '';

  const deploy = async (faults: string[] = []) => {
    const r = await tollgate(
      ['stack', 'up', '--port-base', String(BASE), '--build', 'infra', '--quiet', ...(faults.length ? ['--faults', faults.join(',')] : [])],
      env,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
  };
  // A focused run (--grep): the tests that meet the broken part, through every lane (API, web, Selenium).
  const gate = async (extra: NodeJS.ProcessEnv, grep = LANES) => {
    const r = await gateRun(['--suite', 'smoke', '--grep', grep], { ...env, ...extra }, reportDirs);
    const runId = r.runId ?? assert.fail(r.stdout + r.stderr);
    const results = JSON.parse(readFileSync(join(REPO_ROOT, 'reports', runId, 'results.json'), 'utf8')) as TestResult[];
    return { ...r, runId, results };
  };
  const categories = (r: { stdout: string }) => [...r.stdout.matchAll(/^\s{4}(\w[\w-]*)( \(\w+\))? ×\d+/gm)].map((m) => m[1]);

  before(async () => {
    await deploy();
    // A WebDriver endpoint that answers every new-session request the way a driver that does not
    // match its browser does (W3C error "session not created"), on loopback.
    refusing = createServer((req, res) => {
      req.resume();
      // Ready by its /status, as a chromedriver that does not match its browser still says.
      if (req.method === 'GET' && req.url === '/status') return res.end(JSON.stringify({ value: { ready: true, message: 'ready' } }));
      res.writeHead(req.method === 'POST' && req.url?.endsWith('/session') ? 500 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          value: {
            error: 'session not created',
            message:
              'session not created: This version of ChromeDriver only supports Chrome version 114\nCurrent browser version is 156.0.8078.73',
            stacktrace: '',
          },
        }),
      );
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const address = refusing.address();
    refusingUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => (refusing ? refusing.close(() => resolve()) : resolve()));
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
    for (const d of reportDirs) rmSync(d, { recursive: true, force: true });
  });

  test('the browser cannot start (its host libraries are missing): INCONCLUSIVE, the runner named, exit 2', async () => {
    const chromium = join(dir, 'chromium');
    writeFileSync(
      chromium,
      '#!/bin/sh\necho "$0: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory" >&2\nexit 127\n',
    );
    chmodSync(chromium, 0o755);
    const r = await gate({ CHROMIUM_PATH: chromium });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /\? INCONCLUSIVE/);
    assert.match(r.stdout, /\[infrastructure\] The test runner failed, not the build/);
    assert.doesNotMatch(r.stdout, /BLOCK certain/, 'a run that ends INCONCLUSIVE never announced a BLOCK');
    assert.match(r.stdout, /could not start a browser/);
    assert.doesNotMatch(r.stdout, /\[critical-failed\]/);
    assert.deepEqual([...new Set(categories(r))], ['infrastructure']);
  });

  test('a worker killed mid-run (SIGKILL, as the OOM killer does): INCONCLUSIVE, the runner named', async () => {
    const r = await gate({ TOLLGATE_SELFTEST_KILL_WORKER: 'the verify page tells genuine' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /\[infrastructure\] The test runner failed, not the build/);
    assert.doesNotMatch(r.stdout, /BLOCK certain/, 'a run that ends INCONCLUSIVE never announced a BLOCK');
    assert.match(r.stdout, /worker process exited unexpectedly|runner lost its browser|died/);
    assert.doesNotMatch(r.stdout, /\[critical-failed\]/);
  });

  test('the WebDriver endpoint refuses to create a session: INCONCLUSIVE, the runner named', async () => {
    const r = await gate({ SELENIUM_REMOTE_URL: refusingUrl });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /\[infrastructure\] The test runner failed, not the build/);
    assert.doesNotMatch(r.stdout, /BLOCK certain/, 'a run that ends INCONCLUSIVE never announced a BLOCK');
    assert.match(r.stdout, /WebDriver session/);
    assert.deepEqual([...new Set(categories(r))], ['infrastructure']);
  });

  test('a product fault beside a killed worker still BLOCKs, on the product failure only', async () => {
    await deploy(['revoked_reads_genuine']);
    try {
      const r = await gate(
        { TOLLGATE_SELFTEST_KILL_WORKER: 'a viewer signs in with the form' },
        // The fault's API journey and the killed web worker: the point is telling the two apart.
        'verify tells a genuine|a viewer signs in with the form',
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /✗ BLOCK/);
      const critical = /\[critical-failed\] ([^\n]+)/.exec(r.stdout)?.[1] ?? '';
      assert.match(critical, /revoked|verify/i, 'the product failure is the one blamed');
      assert.doesNotMatch(critical, /a viewer signs in with the form/, "the killed worker's test is not blamed on the build");
      assert.match(r.stdout, /\[infrastructure\]/);
      // Announced early on the product failure alone: the killed worker's test never made it certain.
      const early = [...r.stdout.matchAll(/BLOCK certain at [\d.]+ s: \[critical-failed\] ([^\n]+)/g)];
      assert.equal(early.length, 1, r.stdout);
      assert.doesNotMatch(early[0]![1]!, /a viewer signs in with the form/);
    } finally {
      await deploy();
    }
  });
});
