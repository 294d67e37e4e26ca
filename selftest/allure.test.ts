/**
 * The Allure report of a real run: the suites against the reference stack with a fault on
 * (one failure quarantined), allure-playwright's results, `tollgate report` building the report
 * with the Allure 3 CLI, and the report loaded in Chromium with every request outside the
 * machine counted as a failure — the report must work air-gapped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../config/browser.ts';
import type { Manifest } from '../seed/manifest.ts';
import { newRunId } from '../config/ids.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { externalLoads, serveReport } from '../reporters/allure-offline.ts';
import { CATEGORY_NAMES } from '../reporters/allure/categories.ts';
import { LABEL } from '../reporters/allure/labels.ts';
import { noStackTrace, tollgate, workspace, type Run } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_ALLURE_SELFTEST_PORT_BASE ?? 19700);
const VERIFY = 'verify tells a genuine, a revoked and an unknown tag apart';
const REVOKE = 'an operator revokes a tag, and verify then calls it revoked';
const TICKET = 'https://tickets.example/TAGS-7';

interface AllureResult {
  name: string;
  status: string;
  labels: { name: string; value: string }[];
  links: { type: string; url: string }[];
  steps: AllureStep[];
  attachments: { name: string; type: string; source: string }[];
}
interface AllureStep {
  name: string;
  steps?: AllureStep[];
  attachments?: { name: string; type: string; source: string }[];
}

/**
 * `tollgate report …` through the CLI's own program and error mapping (scripts/cli.ts), with the
 * report command added when cli.ts does not register it yet.
 */
function startReport(args: string[], env: NodeJS.ProcessEnv) {
  const code = `import { buildProgram, reportError } from './scripts/cli.ts';
import { registerReport } from './scripts/commands/report.ts';
const program = await buildProgram();
if (!program.commands.some((c) => c.name() === 'report')) registerReport(program);
try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); } catch (e) { process.exitCode = reportError(e); }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, '--', 'report', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exit = new Promise<Run>((resolve) => child.on('exit', (c, signal) => resolve({ code: c ?? (signal ? 128 : 1), stdout, stderr })));
  return { child, output: () => stdout + stderr, exit };
}
const report = (args: string[], env: NodeJS.ProcessEnv) => startReport(args, env).exit;

function walk(steps: AllureStep[]): AllureStep[] {
  return steps.flatMap((s) => [s, ...walk(s.steps ?? [])]);
}

describe('the Allure report of a real run, offline', { concurrency: false }, () => {
  const { dir } = workspace('allure');
  const runId = newRunId();
  const runDir = join(REPO_ROOT, 'reports', runId);
  const resultsDir = join(runDir, 'allure-results');
  const env = {
    TOLLGATE_STACK_DIR: join(dir, 'stack'),
    TOLLGATE_RUNS_DIR: join(dir, 'runs'),
    TOLLGATE_ALLURE_HISTORY_DIR: join(dir, 'history'),
    TOLLGATE_QUARANTINE_FILE: join(dir, 'quarantine.json'),
    CI: '',
  };
  let results: AllureResult[] = [];
  const result = (title: string) => results.find((r) => r.name === title) ?? assert.fail(`no Allure result "${title}"`);

  before(async () => {
    writeFileSync(
      env.TOLLGATE_QUARANTINE_FILE,
      JSON.stringify({
        quarantine: [
          {
            test: `smoke-api › smoke/api/api.spec.ts › API journeys › ${REVOKE}`,
            reason: 'revocation cache',
            owner: 'tags-team',
            ticket: TICKET,
            expires: '2099-12-31',
          },
        ],
      }),
    );
    const up = await tollgate(
      ['stack', 'up', '--port-base', String(BASE), '--build', 'allure', '--quiet', '--faults', 'revoked_reads_genuine'],
      env,
    );
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const pw = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'),
        'test',
        '--project',
        'smoke-api',
        '--output',
        join(dir, 'test-results'),
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...env,
          TOLLGATE_RUN_ID: runId,
          TOLLGATE_ALLURE_RESULTS: resultsDir,
          TOLLGATE_RESULTS_FILE: join(runDir, 'results.json'),
          PLAYWRIGHT_JSON_OUTPUT_NAME: join(dir, 'playwright.json'),
          TOLLGATE_QUIET_REPORTER: '1',
        },
        stdio: 'ignore',
      },
    );
    const code = await new Promise<number>((resolve) => pw.on('exit', (c) => resolve(c ?? 1)));
    assert.equal(code, 1, 'the fault makes the smoke suite fail');
    results = readdirSync(resultsDir)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as AllureResult);
  });

  after(async () => {
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  test("allure-playwright writes labelled results, the environment, steps, and the failures' evidence", () => {
    const verify = result(VERIFY);
    const labels = (r: AllureResult, name: string) => r.labels.filter((l) => l.name === name).map((l) => l.value);
    assert.equal(verify.status, 'failed');
    assert.deepEqual(
      [labels(verify, 'epic'), labels(verify, 'feature'), labels(verify, 'severity'), labels(verify, 'parentSuite')],
      [['smoke'], ['verify'], ['critical'], ['smoke-api']],
    );
    assert.ok(labels(verify, 'tag').includes('smoke'));
    const steps = walk(verify.steps);
    assert.ok(
      steps.some((s) => /^GET \/verify\/TT-/.test(s.name)),
      'each API call is a step',
    );
    const evidence = [...verify.attachments, ...steps.flatMap((s) => s.attachments ?? [])];
    assert.ok(
      evidence.some((a) => a.type === 'application/vnd.allure.playwright-trace'),
      'the trace',
    );
    assert.ok(
      evidence.some(
        (a) => a.type === 'application/vnd.allure.http+json' && /^API \d+\/\d+: GET \/api\/verify\/TT-[\w-]+ → 200$/.test(a.name),
      ),
      'the API calls',
    );

    const passed = results.filter((r) => r.status === 'passed');
    assert.ok(passed.length >= 5);
    assert.ok(
      passed.every((r) => !walk(r.steps).some((s) => s.attachments?.some((a) => a.type === 'application/vnd.allure.http+json'))),
      'a passing test attaches no calls',
    );

    const props = readFileSync(join(resultsDir, 'environment.properties'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(env.TOLLGATE_RUNS_DIR, runId, 'manifest.json'), 'utf8')) as Manifest;
    assert.match(props, new RegExp(`^run=${runId}$`, 'm'));
    assert.match(props, new RegExp(`^seed=${manifest.seed}$`, 'm'), 'the seed the run used');
    assert.match(props, /^build=allure$/m);
    assert.match(props, /^api=http:\/\/127\.0\.0\.1:\d+\/api$/m);
  });

  test("the API calls attached are redacted: no token, no password of this run's users", () => {
    const revoke = result(REVOKE);
    const files = walk(revoke.steps)
      .flatMap((s) => s.attachments ?? [])
      .filter((a) => a.type === 'application/vnd.allure.http+json');
    assert.ok(files.length >= 2, 'the revoke and the verify calls');
    const manifest = JSON.parse(readFileSync(join(env.TOLLGATE_RUNS_DIR, runId, 'manifest.json'), 'utf8')) as Manifest;
    const passwords = Object.values(manifest.users)
      .flat()
      .map((u) => u.password);
    const all = readdirSync(resultsDir)
      .filter((f) => f.endsWith('.httpexchange'))
      .map((f) => readFileSync(join(resultsDir, f), 'utf8'))
      .join('\n');
    assert.match(all, /"value": "Bearer \[REDACTED\]"/, "the operator's calls carried a token, masked");
    assert.doesNotMatch(all, /eyJ[\w-]+\.[\w-]+\./, 'no JWT');
    for (const p of passwords) assert.ok(!all.includes(p), 'no seeded password');
  });

  test('a quarantined test links its ticket', () => {
    const revoke = result(REVOKE);
    assert.deepEqual(
      revoke.links.filter((l) => l.type === 'issue').map((l) => l.url),
      [TICKET],
    );
    assert.deepEqual(
      revoke.labels.filter((l) => l.name === LABEL.quarantine).map((l) => l.value),
      [`${TICKET} (tags-team, until 2099-12-31)`],
    );
    assert.deepEqual(result(VERIFY).links, []);
  });

  test('`tollgate report --single-file` builds the report: triage categories, history kept once per run', async () => {
    const r = await report(['--run', runId, '--single-file'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`report: ${runId} \\(local\\), \\d+ results in \\d+\\.\\d s`));
    assert.match(r.stdout, new RegExp(`reports/${runId}/allure-report\\.html`));
    const labelled = readdirSync(resultsDir)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as AllureResult)
      .map((x) => [x.name, x.labels.find((l) => l.name === LABEL.triage)?.value])
      .filter(([, c]) => c)
      .sort();
    assert.deepEqual(labelled, [
      [REVOKE, 'known-issue'],
      [VERIFY, 'product'],
    ]);
    const categories = JSON.parse(readFileSync(join(runDir, 'allure-report', 'widgets', 'categories.json'), 'utf8')) as {
      nodes: Record<string, { type: string; name: string }>;
    };
    assert.deepEqual(
      Object.values(categories.nodes)
        .filter((n) => n.type === 'category')
        .map((n) => n.name)
        .sort(),
      [CATEGORY_NAMES['known-issue'], CATEGORY_NAMES.product],
    );
    const history = join(env.TOLLGATE_ALLURE_HISTORY_DIR, 'local', 'history.jsonl');
    assert.equal(readFileSync(history, 'utf8').trim().split('\n').length, 1);
    const again = await report(['--run', runId], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(history, 'utf8').trim().split('\n').length, 1, 'rebuilding a run does not count it twice');
    assert.ok(!existsSync(join(runDir, 'allure-report.html')), 'the rebuild without --single-file dropped it');
    const single = await report(['--run', runId, '--single-file'], env);
    assert.equal(single.code, 0, single.stderr);
  });

  test('no generated file loads a script, a style or an image from the network', () => {
    assert.deepEqual(
      externalLoads(join(runDir, 'allure-report')).filter((l) => !l.file.includes(`${join('data', 'attachments')}`)),
      [],
    );
    assert.deepEqual(externalLoads(join(runDir, 'allure-report.html')), []);
  });

  test('in Chromium, the report and the single file request nothing beyond this machine, and show the tests', async () => {
    const browser = await chromium.launch(chromiumLaunchOptions());
    const served = await serveReport(join(runDir, 'allure-report'));
    try {
      const open = async (url: string, allowed: (u: URL) => boolean) => {
        const page = await browser.newPage();
        const outside: string[] = [];
        page.on('request', (req) => {
          if (!allowed(new URL(req.url()))) outside.push(req.url());
        });
        // Whatever slipped through must not reach the network either.
        await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
        await page.goto(url);
        return { page, outside };
      };
      const showsTests = async (page: Page) => {
        await page.getByText(VERIFY, { exact: true }).first().waitFor({ timeout: 15_000 });
        await page.getByText(REVOKE, { exact: true }).first().waitFor();
      };

      const local = (u: URL) => ['data:', 'blob:', 'about:'].includes(u.protocol) || u.origin === new URL(served.url).origin;
      const dirReport = await open(served.url, local);
      await showsTests(dirReport.page);
      await dirReport.page.getByText(VERIFY, { exact: true }).first().click();
      await dirReport.page
        .getByText(/API \d+\/\d+: GET \/api\/verify/)
        .first()
        .waitFor({ timeout: 15_000 });
      await dirReport.page.waitForLoadState('networkidle');
      assert.deepEqual(dirReport.outside, []);

      const file = (u: URL) => ['file:', 'data:', 'blob:', 'about:'].includes(u.protocol);
      const singleFile = await open(pathToFileURL(join(runDir, 'allure-report.html')).href, file);
      await showsTests(singleFile.page);
      await singleFile.page.waitForLoadState('networkidle');
      assert.deepEqual(singleFile.outside, []);
    } finally {
      await served.close();
      await browser.close();
    }
  });

  test('`tollgate report --open` serves on 127.0.0.1 until Ctrl-C', async () => {
    const run = startReport(['--run', runId, '--open'], env);
    let url: string | undefined;
    for (let i = 0; i < 300 && !url; i++) {
      url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(url, run.output());
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="app">/);
    run.child.kill('SIGINT');
    const done = await run.exit;
    assert.equal(done.code, 0, done.stderr);
  });

  test('usage errors say what to do, without a stack trace', async () => {
    const both = await report(['--run', runId, '--latest'], env);
    assert.equal(both.code, 64);
    assert.match(both.stderr, /Give --run <id> or --latest, not both/);
    const bad = await report(['--run', 'yesterday'], env);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /"yesterday" is not a run id/);
    const none = await report(['--run', 'tg_20000101000000_aaaaaa'], env);
    assert.equal(none.code, 64);
    assert.match(none.stderr, /has no Allure results[\s\S]*fix: /);
    for (const r of [both, bad, none]) noStackTrace(r);
  });
});
