/**
 * The triage rules by class of failure: each class in the wordings of several drivers and
 * clients, the runner's own failures apart from the target's, every error of a failure read,
 * and flakiness as a property of one build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from './policy.ts';
import { quarantineIndex } from './quarantine.ts';
import { classifyErrors, triage } from './triage.ts';
import type { Policy, TestError, TestResult, TriageCategory } from './types.ts';
import { DEFAULT_POLICY } from '../config/policy.ts';
import { aHistoryRun, aResult } from '../testing/builders.ts';
import { TRIAGE_CLASSES } from '../testing/triage-classes.ts';

const failed = (messages: string[], over: Partial<TestResult> = {}): TestResult => {
  const errors: TestError[] = messages.map((message) => ({ message }));
  return aResult({ status: 'failed', error: errors[0], ...(errors.length > 1 ? { errors } : {}), ...over });
};
const categoryOf = (messages: string[], over: Partial<TestResult> = {}): TriageCategory =>
  classifyErrors(failed(messages, over), { quarantine: undefined, flips: 0, policy: DEFAULT_POLICY }).rule.category;

for (const [category, what, messages] of TRIAGE_CLASSES) {
  test(`${what}: ${category}`, () => {
    for (const m of messages) assert.equal(categoryOf([m]), category, m);
  });
}

test('every error is read: a test timeout behind which the target refused the connection is environmental', () => {
  const timeout = 'Test timeout of 30000ms exceeded.';
  assert.equal(categoryOf([timeout]), 'product', 'a bare test timeout says nothing about its cause');
  assert.equal(
    categoryOf([
      timeout,
      'Error: page.goto: Test timeout of 30000ms exceeded.\nCall log:\n  - navigating to "http://10.0.0.9/login", waiting until "load"',
    ]),
    'environment',
  );
  assert.equal(categoryOf([timeout, 'Error: page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/']), 'environment');
  assert.equal(
    categoryOf([
      timeout,
      "Error: locator.click: Test timeout of 30000ms exceeded.\nCall log:\n  - waiting for getByRole('button', { name: 'Verify' })",
    ]),
    'product',
    'an element that never came is the product',
  );
});

test("the page closing because the test timed out is the test's own doing, not the runner's", () => {
  const closed =
    "Error: locator.click: Target page, context or browser has been closed\nCall log:\n  - waiting for getByRole('button', { name: 'Verify' })";
  assert.equal(categoryOf([closed]), 'infrastructure');
  assert.equal(categoryOf(['Test timeout of 30000ms exceeded.', closed]), 'product');
});

test('the deciding error gives the group its signature', () => {
  const t = triage(
    [failed(['Test timeout of 30000ms exceeded.', 'Error: page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:18080/'])],
    [],
    {
      runId: 'r',
      build: 'b',
      at: '2026-12-01T00:00:00Z',
      quarantined: () => undefined,
      owners: [],
      policy: DEFAULT_POLICY,
    },
  );
  assert.equal(t.failures[0]!.category, 'environment');
  assert.equal(t.failures[0]!.rule, 'connection-failed');
  assert.match(t.groups[0]!.signature, /ERR_CONNECTION_REFUSED/);
});

const policy: Policy = { ...DEFAULT_POLICY };
const gate = (results: TestResult[]) => {
  const t = triage(results, [], { runId: 'r', build: 'b', at: '2026-12-01T00:00:00Z', quarantined: () => undefined, owners: [], policy });
  return decide({ results, triage: t, policy, quarantine: quarantineIndex([], new Date()) });
};

test('the runner failing alone is INCONCLUSIVE, with what to do; never BLOCK', () => {
  const d = gate([
    failed(['Error: worker process exited unexpectedly (code=null, signal=SIGKILL)'], { titlePath: ['a'] }),
    failed(['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'], { titlePath: ['b'] }),
    aResult({ titlePath: ['c'] }),
  ]);
  assert.equal(d.verdict, 'INCONCLUSIVE');
  assert.equal(d.reasons[0]!.rule, 'infrastructure');
  assert.match(d.reasons[0]!.message, /The test runner failed, not the build/);
  assert.match(d.reasons[0]!.message, /ran out of memory or disk/);
  assert.match(d.reasons[0]!.message, /run again/i);
});

test('the runner failing beside a real product failure still BLOCKs on the product failure', () => {
  const d = gate([
    failed(['Error: worker process exited unexpectedly (code=null, signal=SIGKILL)'], { titlePath: ['a'] }),
    failed(['Error: expect(received).toBe(expected)\n\nExpected: "revoked"\nReceived: "genuine"'], { titlePath: ['b'] }),
  ]);
  assert.equal(d.verdict, 'BLOCK');
  const blocking = d.reasons.find((r) => r.verdict === 'BLOCK')!;
  assert.deepEqual(blocking.tests, [failed([], { titlePath: ['b'] }).id], 'only the product failure is blamed on the build');
  assert.ok(
    d.reasons.some((r) => r.rule === 'infrastructure'),
    'the runner failure is still said',
  );
});

test('a smoke test the runner could not run is never blamed on the build, even beside a tolerated regression failure', () => {
  const regression = failed(['Error: expect(received).toBe(expected)'], {
    project: 'regression',
    file: 'tests/regression/a.spec.ts',
    titlePath: ['r'],
  });
  const ok = Array.from({ length: 9 }, (_, i) =>
    aResult({ project: 'regression', file: 'tests/regression/a.spec.ts', titlePath: [`ok ${i}`] }),
  );
  const results = [failed(['Error: page.goto: Page crashed'], { titlePath: ['s'] }), regression, ...ok];
  const t = triage(results, [], { runId: 'r', build: 'b', at: '2026-12-01T00:00:00Z', quarantined: () => undefined, owners: [], policy });
  const d = decide({ results, triage: t, policy: { ...policy, minPassRate: 0.85 }, quarantine: quarantineIndex([], new Date()) });
  assert.equal(d.verdict, 'INCONCLUSIVE');
  assert.ok(!d.reasons.some((r) => r.verdict === 'BLOCK'));
});

test('flaky is a property of one build: flips count among runs of the same build only', () => {
  const id = aResult().id;
  const fail = failed(['Error: expect(received).toBe(expected)']);
  const ctx = (build: string) => ({
    runId: 'r',
    build,
    at: '2026-12-01T00:00:00Z',
    quarantined: () => undefined,
    owners: [],
    policy: { flakyFlips: 2, flakyWindow: 10 },
  });
  // Failed on faulty build A, passed on fixed build B, fails again on a new build C: a regression, not noise.
  const acrossBuilds = [
    aHistoryRun({ [id]: 'passed' }, { build: 'B', runId: 'tg_2' }),
    aHistoryRun({ [id]: 'failed' }, { build: 'A', runId: 'tg_1' }),
  ];
  const regression = triage([fail], acrossBuilds, ctx('C')).failures[0]!;
  assert.equal(regression.category, 'product');
  assert.equal(regression.novelty, 'new');
  // The same build passing, failing and passing again: the test is flaky.
  const sameBuild = [
    aHistoryRun({ [id]: 'passed' }, { build: 'C', runId: 'tg_4' }),
    aHistoryRun({ [id]: 'failed' }, { build: 'C', runId: 'tg_3' }),
    aHistoryRun({ [id]: 'passed' }, { build: 'C', runId: 'tg_2' }),
  ];
  assert.equal(triage([fail], sameBuild, ctx('C')).failures[0]!.category, 'flaky');
});
