/**
 * The demo-readiness mapper on plain data, and the reporter once through the real Playwright
 * CLI (a browserless @demo spec in a temp dir). Run: node --import tsx --test reporters/demo-readiness.test.ts
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../config/paths.ts';
import { consoleLines, firstLine, fromPlaywright, renderHtml, toReadiness, toSummary, type DemoRun } from './demo-readiness.ts';

const now = new Date('2026-11-22T08:00:00Z');
const run = (over: Partial<DemoRun> = {}): DemoRun => ({
  title: 'the demo storyline',
  project: 'demo',
  status: 'passed',
  durationMs: 4000,
  planned: ['1 Sign in', '2 Dashboard', '3 Verify'],
  steps: [
    { title: '1 Sign in', durationMs: 1000, screenshot: { contentType: 'image/png', body: Buffer.from('png-1') } },
    { title: '2 Dashboard', durationMs: 500 },
    { title: '3 Verify', durationMs: 700 },
  ],
  errors: [],
  ...over,
});

test('all steps passed: READY, one ✓ line per step, the verdict last', () => {
  const r = toReadiness([run()], { now })!;
  assert.equal(r.ready, true);
  assert.deepEqual(consoleLines(r), ['  ✓ 1 Sign in', '  ✓ 2 Dashboard', '  ✓ 3 Verify', 'Demo readiness: READY']);
});

test('a failed step is named with the first line of its error, and later steps still count', () => {
  const error =
    "\u001b[31mTimeoutError: locator.click: Timeout 10000ms exceeded.\u001b[39m\nCall log:\n  - waiting for getByRole('button', { name: 'Verify' })";
  const r = toReadiness(
    [
      run({
        status: 'failed',
        steps: run().steps.map((s) => (s.title === '2 Dashboard' ? { ...s, error } : s)),
        errors: ['Error: 1 of 3 demo steps failed'],
      }),
    ],
    { now },
  )!;
  assert.equal(r.ready, false);
  assert.deepEqual(consoleLines(r), [
    '  ✓ 1 Sign in',
    "  ✗ 2 Dashboard — TimeoutError: locator.click: Timeout 10000ms exceeded. (waiting for getByRole('button', { name: 'Verify' }))",
    '  ✓ 3 Verify',
    'Demo readiness: NOT READY (1 of 3 steps failed)',
  ]);
  assert.match(r.steps[1]!.detail!, /Call log:/, 'the HTML gets the whole message');
});

test('planned steps that never started count as failed, with why', () => {
  const r = toReadiness([run({ status: 'timedOut', steps: run().steps.slice(0, 1), errors: ['Test timeout of 120000ms exceeded.'] })], {
    now,
  })!;
  assert.deepEqual(
    r.steps.map((s) => [s.title, s.state]),
    [
      ['1 Sign in', 'passed'],
      ['2 Dashboard', 'not run'],
      ['3 Verify', 'not run'],
    ],
  );
  assert.equal(consoleLines(r).at(-1), 'Demo readiness: NOT READY (2 of 3 steps failed)');
  assert.match(consoleLines(r)[1]!, /2 Dashboard — the test timed out before this step/);
});

test('a failure outside every step (fixture, seed, setup project) is shown, not lost', () => {
  const r = toReadiness(
    [
      run({
        status: 'failed',
        planned: [],
        steps: [],
        errors: ['Error: No seed manifest for run X: the seed setup project did not run or failed.'],
      }),
    ],
    { now },
  )!;
  assert.equal(r.ready, false);
  assert.deepEqual(consoleLines(r), [
    '  ✗ the demo storyline (outside the demo steps) — No seed manifest for run X: the seed setup project did not run or failed.',
    'Demo readiness: NOT READY (1 of 1 steps failed)',
  ]);
  const notRun = toReadiness([run({ status: 'not run', planned: [], steps: [] })], { now })!;
  assert.match(consoleLines(notRun)[0]!, /did not run: a setup project it depends on failed/);
});

test('no demo test, or one that skipped itself for lack of demo data: nothing to report', () => {
  assert.equal(toReadiness([]), undefined);
  assert.equal(toReadiness([run({ status: 'skipped', steps: [] })]), undefined);
});

test('firstLine skips blank lines, ANSI colours and a bare "Error: " prefix', () => {
  assert.equal(
    firstLine('\n\u001b[2mError: \u001b[22mthe verify page calls X genuine\n\nExpected: "genuine"'),
    'the verify page calls X genuine',
  );
});

test('fromPlaywright keeps @demo tests only, top-level test.steps only, and finds screenshots by step title', () => {
  const project = { type: 'project', title: 'demo', parent: { type: 'root', title: '' } };
  const step = (title: string, category: string, extra = {}) => ({ title, category, duration: 5, attachments: [], steps: [], ...extra });
  const result = {
    status: 'failed',
    duration: 99,
    errors: [{ message: 'Error: 1 of 2 demo steps failed' }],
    annotations: [
      { type: 'demo-step', description: '1 A' },
      { type: 'demo-step', description: '2 B' },
    ],
    attachments: [
      { name: '1 A', contentType: 'image/png', body: Buffer.from('a') },
      { name: 'trace', contentType: 'application/zip', path: '/x.zip' },
    ],
    steps: [
      step('Before Hooks', 'hook'),
      step('1 A', 'test.step'),
      step('2 B', 'test.step', { error: { message: 'boom' } }),
      step('expect.toEqual', 'expect'),
    ],
  };
  const demo = fromPlaywright({
    title: 't',
    tags: ['@demo', '@seeded'],
    annotations: [],
    parent: { type: 'describe', title: 'd', parent: project },
    results: [result],
  } as never)!;
  assert.equal(demo.project, 'demo');
  assert.deepEqual(demo.planned, ['1 A', '2 B']);
  assert.deepEqual(
    demo.steps.map((s) => [s.title, s.error, !!s.screenshot]),
    [
      ['1 A', undefined, true],
      ['2 B', 'boom', false],
    ],
  );
  assert.equal(fromPlaywright({ title: 't', tags: ['@smoke'], annotations: [], parent: project, results: [result] } as never), undefined);
});

test('the HTML is self-contained and escapes what it shows; the summary carries the verdict', () => {
  const r = toReadiness(
    [
      run({
        status: 'failed',
        steps: [
          {
            title: '1 <Sign in>',
            durationMs: 1,
            error: 'expected "<b>"',
            screenshot: { contentType: 'image/png', body: Buffer.from('x') },
          },
        ],
        planned: [],
      }),
    ],
    { now, target: 'http://127.0.0.1:18080' },
  )!;
  const html = renderHtml(r, (s) => `data:${s.contentType};base64,${s.body!.toString('base64')}`);
  assert.match(html, /src="data:image\/png;base64,eA=="/);
  assert.match(html, /1 &lt;Sign in&gt;/);
  assert.doesNotMatch(html, /<b>/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing loads from the network');
  assert.deepEqual(toSummary(r), {
    verdict: 'NOT READY',
    ready: false,
    failed: 1,
    total: 1,
    target: 'http://127.0.0.1:18080',
    generatedAt: now.toISOString(),
    steps: [
      { test: 'the demo storyline', title: '1 <Sign in>', state: 'failed', error: 'expected "<b>"', durationMs: 1, screenshot: true },
    ],
  });
});

test('the reporter through the real Playwright CLI: a failed middle step makes the run NOT READY', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-demo-readiness-'));
  try {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(
      join(dir, 'playwright.config.ts'),
      `export default { testDir: '.', reporter: [['${join(REPO_ROOT, 'reporters', 'demo-readiness.reporter.ts')}', { outputDir: 'out' }]] };\n`,
    );
    // A 1x1 PNG per step, attached under the step's title as the demo spec does.
    writeFileSync(
      join(dir, 'demo.spec.ts'),
      `import { test, expect } from '@playwright/test';
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
test('demo', { tag: '@demo' }, async () => {
  const failed: string[] = [];
  for (const [title, ok] of [['1 Open', true], ['2 Verify', false], ['3 Audit', true]] as const) {
    await test.step(title, async () => {
      await test.info().attach(title, { body: png, contentType: 'image/png' });
      expect(ok, 'the Verify button is there').toBe(true);
    }).catch(() => failed.push(title));
  }
  expect(failed).toEqual([]);
});
test('not a demo', () => {});
`,
    );
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--output', join(dir, 'results')],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    assert.equal(code, 1, out);
    assert.match(out, / {2}✓ 1 Open\n {2}✗ 2 Verify — the Verify button is there\n {2}✓ 3 Audit\n/);
    assert.equal(out.trim().split('\n').at(-1), 'Demo readiness: NOT READY (1 of 3 steps failed)');
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    assert.equal(summary.verdict, 'NOT READY');
    assert.equal((readFileSync(join(dir, 'out', 'index.html'), 'utf8').match(/src="data:image\/png;base64,/g) ?? []).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
