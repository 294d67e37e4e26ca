/**
 * `tollgate run` end to end against a real local stack: the verdict and its exit code for a
 * healthy deployment, a product fault, a wrong build and an environment that never becomes
 * ready; quarantine; interruption (cleanup still runs, INCONCLUSIVE recorded); the early BLOCK
 * (once, to Slack), --fail-fast, and failures that are all environmental (nothing early); a results store
 * that is down (the verdict stands, the record is spooled, then flushed); and bad input
 * (one message, its exit code, nothing recorded).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import type pg from 'pg';
import { chromiumLaunchOptions } from '../config/browser.ts';
import type { RunRecord } from '../gate/types.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { startFakeSlack } from './fake-slack.ts';
import { gateRun, noStackTrace, runRows, stackDatabase, stackState, startTollgate, tollgate, workspace, type Run } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_RUN_SELFTEST_PORT_BASE ?? 19600);
// Each verdict path needs only the tests that show it (a focused run, --grep). ONE_EACH: a test of every
// lane (verify, API, web, Selenium); FAULTED: every test the revoked_reads_genuine fault fails.
const FAULTED = 'verify tells a genuine|revokes a tag|the verify page tells';
const FAULTED_API = 'verify tells a genuine|revokes a tag';
const ONE_EACH = 'report the same build|verify tells a genuine|the verify page tells';
// No browser: where the point is the deployment check or the record, not the lanes.
const NO_BROWSER = 'report the same build|verify tells a genuine';
const STEPS = ['config', 'ready', 'seed', 'verify', 'suites', 'cleanup', 'triage', 'gate', 'record', 'publish'];

describe('tollgate run', { concurrency: false }, () => {
  const { dir, env } = workspace('run');
  const reportDirs: string[] = [];
  let db: pg.Client;
  let healthyRun: string | undefined;

  const gate = (args: string[], extra: NodeJS.ProcessEnv = {}, timeout = 240_000) =>
    gateRun(args, { ...env, ...extra }, reportDirs, timeout);
  const report = (runId: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'reports', runId, 'report.json'), 'utf8'));
  const deploy = async (build: string, faults: string[] = []) => {
    const r = await tollgate(
      ['stack', 'up', '--port-base', String(BASE), '--build', build, '--quiet', ...(faults.length ? ['--faults', faults.join(',')] : [])],
      env,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
  };
  const rowsOf = (runId: string) => runRows(db, runId);
  const history = async () => {
    const r = await tollgate(['history', '--env', 'local', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { runId: string; verdict: string; build: string }[];
  };
  const stepLines = (r: Run) =>
    r.stdout
      .split('\n')
      .map((l) => /^\s+[✓✗-] (\w+)\s+\d+\.\d s/.exec(l)?.[1])
      .filter(Boolean);

  before(async () => {
    await deploy('run-good');
    ({ db } = await stackDatabase(env));
  });
  after(async () => {
    await db?.end();
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
    for (const d of reportDirs) rmSync(d, { recursive: true, force: true });
  });

  test('a healthy deployment: every step in order, PROMOTE, exit 0, reports written, data cleaned, run recorded; crashed runs swept', async () => {
    // Leftovers of crashed runs: one from two days ago, one from a process on this machine that died.
    const old = 'tg_20200101000000_crash1';
    const dead = `tg_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_crash2`;
    for (const id of [old, dead]) assert.equal((await tollgate(['seed', '--run', id], env)).code, 0);
    writeFileSync(
      join(env.TOLLGATE_RUNS_DIR!, dead, 'owner.json'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: new Date().toISOString() }),
    );
    assert.ok((await rowsOf(old)) > 0 && (await rowsOf(dead)) > 0);
    // Focused on a test of every lane: the wiring is the point here; the whole smoke suite through the
    // gate is `tollgate run --changed` (selftest/changes.test.ts) and every suite is the e2e group.
    const r = await gate(['--suite', 'smoke', '--grep', ONE_EACH], {}, 480_000);
    assert.match(r.stdout, /✓ seed .*swept 2 crashed run\(s\)/);
    assert.equal((await rowsOf(old)) + (await rowsOf(dead)), 0);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(stepLines(r), STEPS);
    assert.match(r.stdout, /✓ PROMOTE {2}local · build run-good/);
    const rep = report(r.runId!);
    assert.equal(rep.verdict, 'PROMOTE');
    for (const f of [
      'index.html',
      'summary.md',
      'report.json',
      'results.json',
      'junit.xml',
      'slack.json',
      'allure-report/index.html',
      'allure-report.html',
    ])
      assert.ok(existsSync(join(REPO_ROOT, 'reports', r.runId!, f)), f);
    const results = JSON.parse(readFileSync(join(REPO_ROOT, 'reports', r.runId!, 'results.json'), 'utf8')) as RunRecord['results'];
    const projects = new Set(results.map((x) => x.project));
    for (const p of ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium']) assert.ok(projects.has(p), `results of ${p}`);
    assert.ok(
      results.every((x) => x.id.startsWith(`${x.project} › `)),
      'stable ids',
    );
    assert.equal(await rowsOf(r.runId!), 0, "cleanup deleted the run's rows");
    assert.equal((await history())[0]!.runId, r.runId);
    healthyRun = r.runId!;
  });

  test("the published reports open from disk: the promotion report's Allure link shows the run's results, not a spinner", async () => {
    assert.ok(healthyRun, 'the healthy run published its reports');
    const runDir = join(REPO_ROOT, 'reports', healthyRun);
    assert.match(readFileSync(join(runDir, 'summary.md'), 'utf8'), /allure-report\.html/, 'the Markdown summary names the single file');
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (req) => requested.push(req.url()));
      await page.goto(pathToFileURL(join(runDir, 'index.html')).href);
      assert.equal(await page.getByTestId('verdict').textContent(), 'PROMOTE');
      await page.getByRole('link', { name: 'Allure report' }).click();
      await page.waitForURL(/allure-report\.html$/);
      // Allure's own page, from file://: once its data has loaded it names the run and lists each project's tests.
      await page.getByText(`Tollgate · local · ${healthyRun}`).first().waitFor({ timeout: 20_000 });
      for (const project of ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium'])
        assert.ok(await page.getByText(project, { exact: true }).first().isVisible(), `${project} listed`);
      assert.deepEqual(
        requested.filter((u) => !/^(file|data|blob|about):/.test(u)),
        [],
        'nothing requested beyond the files',
      );
    } finally {
      await browser.close();
    }
  });

  test('a product fault blocks (exit 1) and names the failing test; triage calls it product; BLOCK was announced early, once, and to Slack', async () => {
    await deploy('run-bad', ['revoked_reads_genuine']);
    const slack = await startFakeSlack();
    let r: Awaited<ReturnType<typeof gate>>;
    try {
      r = await gate(['--suite', 'smoke', '--build', 'run-bad', '--grep', FAULTED], {
        SLACK_WEBHOOK_URL: `${slack.webhookUrl.replace(/\/$/, '')}/T0SELFTEST/B0SELFTEST/xoxRunSelftestWebhook`,
      });
    } finally {
      await slack.close();
    }
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const rep = report(r.runId!);
    assert.equal(rep.verdict, 'BLOCK');
    // The early verdict: said once, before the suites' step lines, on a rule the final verdict also gives.
    const early = [...r.stdout.matchAll(/^ {2}BLOCK certain at (\d+\.\d) s: \[([\w-]+)\]/gm)];
    assert.equal(early.length, 1, r.stdout);
    assert.ok(r.stdout.indexOf('BLOCK certain') < r.stdout.search(/✗ suites/), 'announced while the suites ran');
    assert.ok(Number(early[0]![1]) * 1000 < rep.run.durationMs, `${early[0]![1]} s, within a ${rep.run.durationMs} ms run`);
    assert.ok(rep.reasons.some((x: { rule: string; verdict: string }) => x.rule === early[0]![2] && x.verdict === 'BLOCK'));
    assert.deepEqual(
      slack.requests.map((q) => /BLOCK certain/.test(q.json?.text ?? '')),
      [true, false],
      "the early warning, then the run's own message",
    );
    assert.ok(existsSync(join(REPO_ROOT, 'reports', r.runId!, 'slack-early.json')));
    const critical = rep.reasons.find((x: { rule: string }) => x.rule === 'critical-failed');
    assert.ok(
      critical.tests.some((t: string) => t.includes('verify tells a genuine, a revoked and an unknown tag apart')),
      critical.message,
    );
    assert.ok(rep.groups.some((g: { category: string }) => g.category === 'product'));
    assert.equal(await rowsOf(r.runId!), 0, 'cleanup ran after the failures');
  });

  test('the same failures quarantined give WARN naming owner and ticket (exit 0)', async () => {
    const file = join(dir, 'quarantine.json');
    const entry = { reason: 'revocation cache serves stale status', owner: 'tags-team', ticket: 'TAG-42', expires: '2099-01-01' };
    writeFileSync(
      file,
      JSON.stringify({
        quarantine: [
          { test: 'smoke-api › * › verify tells a genuine, a revoked and an unknown tag apart', ...entry },
          { test: 'smoke-api › * › an operator revokes a tag, and verify then calls it revoked', ...entry },
        ],
      }),
    );
    // The API lane is enough to show the wiring (file → WARN naming owner and ticket); a pattern across
    // lanes (smoke-*) is gate/quarantine.test.ts's.
    const r = await gate(['--suite', 'smoke', '--build', 'run-bad', '--grep', FAULTED_API], { TOLLGATE_QUARANTINE_FILE: file });
    const rep = report(r.runId!);
    assert.equal(r.code, 0, JSON.stringify(rep.reasons, null, 1));
    assert.equal(rep.verdict, 'WARN');
    assert.doesNotMatch(r.stdout, /BLOCK certain/, 'quarantined failures never make a BLOCK certain');
    const quarantined = rep.reasons.filter((x: { rule: string }) => x.rule === 'quarantined');
    assert.equal(quarantined.length, 2, 'the two API journeys the fault fails');
    assert.match(quarantined[0].message, /owner tags-team, TAG-42/);
  });

  test('--fail-fast: the suites stop once BLOCK is certain; cleanup, record and publish still run, and the report names what did not run', async () => {
    const r = await gate(['--suite', 'smoke', '--build', 'run-bad', '--fail-fast']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /BLOCK certain at \d+\.\d s/);
    assert.match(r.stdout, /--fail-fast: stopping the suites now/);
    assert.match(r.stdout, /✗ suites .*stopped by --fail-fast once BLOCK was certain/);
    assert.deepEqual(stepLines(r), STEPS);
    const rep = report(r.runId!);
    assert.equal(rep.verdict, 'BLOCK');
    assert.equal(rep.reasons[0].rule, 'critical-failed');
    const note = /--fail-fast stopped the suites [\d.]+ s into the run, once BLOCK was certain: (\d+) tests? did not run/.exec(
      readFileSync(join(REPO_ROOT, 'reports', r.runId!, 'index.html'), 'utf8'),
    );
    assert.ok(note && Number(note[1]) > 0, 'the promotion report says how many tests did not run');
    const results = JSON.parse(readFileSync(join(REPO_ROOT, 'reports', r.runId!, 'results.json'), 'utf8')) as RunRecord['results'];
    assert.ok(results.filter((x) => x.suite === 'smoke' && x.status === 'passed').length < 15, 'the smoke suite did not run to its end');
    assert.equal(await rowsOf(r.runId!), 0, 'cleanup ran');
    assert.ok(
      (await history()).some((h) => h.runId === r.runId && h.verdict === 'BLOCK'),
      'recorded',
    );
  });

  test('a wrong build is a deployment failure: BLOCK under the deployment rule', async () => {
    await deploy('run-good');
    const r = await gate(['--suite', 'smoke', '--build', 'run-expected', '--grep', NO_BROWSER]);
    assert.equal(r.code, 1, r.stdout);
    const rep = report(r.runId!);
    assert.equal(rep.reasons[0].rule, 'deployment');
    assert.match(rep.reasons[0].message, /run-expected/);
    // A focused run says so, on screen and in the record, and ran only what matched (setup aside).
    assert.match(r.stdout, /focused run: only tests matching \/report the same build\|.*\/ ran \(--grep\)/);
    assert.equal(rep.reasons.at(-1).rule, 'focused');
    const ran = (JSON.parse(readFileSync(join(REPO_ROOT, 'reports', r.runId!, 'results.json'), 'utf8')) as RunRecord['results']).filter(
      (x) => !['ready', 'seed', 'auth', 'cleanup'].includes(x.project),
    );
    assert.ok(ran.length >= 2, `the matching tests ran: ${ran.map((x) => x.id).join(', ')}`);
    for (const x of ran) assert.match(x.id, new RegExp(NO_BROWSER));
  });

  test('an environment that never becomes ready is INCONCLUSIVE (exit 2), nothing seeded', async () => {
    await deploy('run-pending', ['pending_migration']);
    const r = await gate(['--suite', 'smoke', '--build', 'run-pending'], { TOLLGATE_READY_TIMEOUT: '2' });
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stdout, /✗ ready .*migrations not at head/);
    assert.match(r.stdout, /- seed\s+0\.0 s {2}the environment is not ready/);
    assert.equal(report(r.runId!).reasons[0].rule, 'not-ready');
    // Ctrl-C while waiting for readiness ends the wait at once, as an interrupted run.
    const waiting = startTollgate(['run', '--env', 'local', '--suite', 'smoke'], { ...env, TOLLGATE_READY_TIMEOUT: '120' });
    for (let i = 0; i < 200 && !/tollgate run tg_/.test(waiting.output()); i++) await sleep(50);
    reportDirs.push(join(REPO_ROOT, 'reports', /tollgate run (tg_\w+)/.exec(waiting.output())?.[1] ?? 'none'));
    await sleep(1500);
    const t = Date.now();
    waiting.child.kill('SIGINT');
    assert.equal(await waiting.exit, 2, waiting.output());
    assert.ok(Date.now() - t < 15_000, `stopped ${Date.now() - t} ms after SIGINT`);
    assert.match(waiting.output(), /✗ ready .*interrupted while waiting for readiness \(SIGINT\)/);
    assert.match(waiting.output(), /\? INCONCLUSIVE/);
    await deploy('run-good');
  });

  test('SIGINT mid-suite: Playwright stops, cleanup runs, the run is recorded INCONCLUSIVE: interrupted (exit 2)', async () => {
    const run = startTollgate(['run', '--env', 'local', '--suite', 'smoke'], env);
    for (let i = 0; i < 600 && !/✓ seed/.test(run.output()); i++) await sleep(50);
    const runId = /tollgate run (tg_\d{14}_[a-z0-9]{6})/.exec(run.output())?.[1] ?? assert.fail(run.output());
    reportDirs.push(join(REPO_ROOT, 'reports', runId));
    await sleep(3000); // into the suites
    run.child.kill('SIGINT');
    const code = await run.exit;
    assert.equal(code, 2, run.output());
    assert.match(run.output(), /✓ cleanup/);
    assert.equal(await rowsOf(runId), 0);
    const rep = report(runId);
    assert.equal(rep.verdict, 'INCONCLUSIVE');
    assert.equal(rep.reasons[0].rule, 'interrupted');
    assert.ok((await history()).some((h) => h.runId === runId && h.verdict === 'INCONCLUSIVE'));
  });

  test('failures that are all environmental (the API stops as the suites start): INCONCLUSIVE, and no BLOCK was ever announced', async () => {
    // Two API journeys: every call they make after the stop gets nginx's 502 (the API upstream is gone).
    const run = startTollgate(
      ['run', '--env', 'local', '--suite', 'smoke', '--grep', 'verify tells a genuine|searching tags by part'],
      env,
    );
    for (let i = 0; i < 600 && !/✓ seed/.test(run.output()); i++) await sleep(50);
    const runId = /tollgate run (tg_\d{14}_[a-z0-9]{6})/.exec(run.output())?.[1] ?? assert.fail(run.output());
    reportDirs.push(join(REPO_ROOT, 'reports', runId));
    try {
      process.kill(stackState(env).pids.api, 'SIGTERM');
      assert.equal(await run.exit, 2, run.output());
      assert.match(run.output(), /\? INCONCLUSIVE/);
      assert.match(run.output(), /\[environmental\] All \d+ failures? (are|is) environmental/);
      assert.doesNotMatch(run.output(), /BLOCK certain/);
      assert.equal(existsSync(join(REPO_ROOT, 'reports', runId, 'slack-early.json')), false);
    } finally {
      // Bringing the API back restarts the stack, database included: this file's connection goes with it.
      db.on('error', () => {});
      await db.end().catch(() => {});
      await deploy('run-good');
      ({ db } = await stackDatabase(env));
    }
  });

  test('a results store that is down: the verdict stands, the record is spooled without the password, and the next run flushes it', async () => {
    const down = await gate(['--suite', 'smoke', '--grep', NO_BROWSER], {
      RESULTS_DATABASE_URL: 'postgresql://tollgate:s3cret-store-pw@127.0.0.1:1/results',
    });
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, /✗ record .*spooled/);
    assert.doesNotMatch(down.stdout + down.stderr, /s3cret-store-pw/);
    const spooled = readdirSync(env.TOLLGATE_SPOOL_DIR!);
    assert.deepEqual(spooled, [`${down.runId}.json`]);
    assert.doesNotMatch(readFileSync(join(env.TOLLGATE_SPOOL_DIR!, spooled[0]!), 'utf8'), /s3cret-store-pw/);
    assert.ok(!(await history()).some((h) => h.runId === down.runId));
    const next = await gate(['--suite', 'smoke', '--grep', NO_BROWSER]);
    assert.match(next.stdout, /✓ record .*1 spooled run/);
    assert.deepEqual(readdirSync(env.TOLLGATE_SPOOL_DIR!), []);
    const ids = (await history()).map((h) => h.runId);
    assert.ok(ids.includes(down.runId!) && ids.includes(next.runId!));
  });

  describe('bad input: one message, its exit code, nothing recorded', () => {
    const badQuarantine = join(dir, 'bad-quarantine.json');
    const cases: [string, string[], NodeJS.ProcessEnv, number, RegExp][] = [
      [
        'unknown environment',
        ['run', '--env', 'qa'],
        {},
        78,
        /Unknown environment "qa"\. Known: dev, local, prod, staging, or an on-demand one/,
      ],
      [
        'malformed URL',
        ['run', '--env', 'local'],
        { TOLLGATE_WEB_URL: 'htp:/nope' },
        78,
        /WEB_URL must be an http\(s\) URL, got "htp:\/nope" \(TOLLGATE_WEB_URL\)/,
      ],
      ['missing required variable', ['run', '--env', 'dev'], { DEV_DATABASE_URL: '' }, 78, /DEV_DATABASE_URL is not set/],
      [
        'invalid value',
        ['run', '--env', 'local'],
        { TOLLGATE_READ_ONLY: 'maybe' },
        78,
        /READ_ONLY must be true or false, got "maybe" \(TOLLGATE_READ_ONLY\)/,
      ],
      ['malformed build id', ['run', '--env', 'local', '--build', 'no spaces!'], {}, 64, /build id/],
      ['bad --shard', ['run', '--env', 'local', '--shard', '3/2'], {}, 64, /--shard must be i\/n/],
      ['bad --suite', ['run', '--env', 'local', '--suite', 'smoke,nightly'], {}, 64, /--suite must be a comma-separated list/],
      [
        'bad --grep',
        ['run', '--env', 'local', '--grep', 'journeys (web'],
        {},
        64,
        /--grep "journeys \(web" is not a valid regular expression/,
      ],
      [
        'bad quarantine file',
        ['run', '--env', 'local'],
        { TOLLGATE_QUARANTINE_FILE: badQuarantine },
        78,
        /quarantine\.json has invalid entries:\n\s+- entry 1 "expires"/,
      ],
    ];
    // The cases are independent refusals: they run at once, then each is checked on its own. One look at
    // the store before them and one after them all: none of them may record a run.
    let recordedBefore = 0;
    const outcomes = new Map<string, Run>();
    before(async () => {
      recordedBefore = (await history()).length;
      writeFileSync(badQuarantine, JSON.stringify({ quarantine: [{ test: 'x', reason: 'r', owner: 'o', ticket: 't', expires: 'soon' }] }));
      await Promise.all(cases.map(async ([name, args, extra]) => outcomes.set(name, await tollgate(args, { ...env, ...extra }))));
    });
    for (const [name, , , code, message] of cases) {
      test(name, () => {
        const r = outcomes.get(name) ?? assert.fail(`${name} did not run`);
        assert.equal(r.code, code, r.stdout + r.stderr);
        assert.match(r.stderr, message);
        noStackTrace(r);
        assert.doesNotMatch(r.stdout, /tollgate run tg_/, 'no step ran');
      });
    }
    test('none of them recorded a run', async () => {
      assert.equal((await history()).length, recordedBefore);
    });
  });
});
