import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../config/policy.ts';
import { decide, type GateInput } from './policy.ts';
import { quarantineIndex } from './quarantine.ts';
import type { QuarantineEntry, SuiteName, TestResult, TriageCategory } from './types.ts';
import { aResult } from '../testing/builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
let n = 0;
function result(suite: SuiteName, status: TestResult['status'] = 'passed', extra: Partial<TestResult> = {}): TestResult {
  const id = extra.id ?? `${suite} › ${suite}/t.spec.ts › test ${++n}`;
  return aResult({
    id,
    project: suite,
    suite,
    file: `tests/${suite}/t.spec.ts`,
    line: 1,
    titlePath: [id],
    status,
    durationMs: 10,
    startedAt: NOW.toISOString(),
    error: status === 'failed' ? { message: 'expect(received).toBe(expected)' } : undefined,
    ...extra,
  });
}
function input(
  results: TestResult[],
  categories: Record<string, TriageCategory> = {},
  more: Partial<GateInput> = {},
  entries: QuarantineEntry[] = [],
): GateInput {
  return {
    results,
    triage: {
      failures: Object.entries(categories).map(([testId, category]) => ({ testId, category, rule: 'r', signature: 's' })),
      groups: [],
    },
    policy: DEFAULT_POLICY,
    quarantine: quarantineIndex(entries, NOW),
    ...more,
  };
}
const healthy = () => [result('verify'), result('smoke'), result('smoke'), result('regression'), result('regression')];
const rules = (d: { reasons: { rule: string }[] }) => d.reasons.map((r) => r.rule);

test('all passing gives PROMOTE with a reason that counts the tests per suite', () => {
  const d = decide(input(healthy()));
  assert.equal(d.verdict, 'PROMOTE');
  assert.deepEqual(rules(d), ['all-passed']);
  assert.match(d.reasons[0]!.message, /All 5 tests passed \(verify 1, smoke 2, regression 2\)/);
});

test('a failed smoke test blocks and is named as the evidence', () => {
  const bad = result('smoke', 'failed');
  const d = decide(input([...healthy(), bad], { [bad.id]: 'product' }));
  assert.equal(d.verdict, 'BLOCK');
  assert.deepEqual(d.reasons[0]!.tests, [bad.id]);
  assert.equal(d.reasons[0]!.rule, 'critical-failed');
});

test('a timed-out verify test blocks like a failure', () => {
  const bad = result('verify', 'timedOut');
  assert.equal(decide(input([...healthy(), bad], { [bad.id]: 'product' })).verdict, 'BLOCK');
});

test('deployment failures block under their own rule with the first line of the error', () => {
  const bad = result('verify', 'failed', { error: { message: 'web version.json reports build "old"\nExpected: "new"' } });
  const d = decide(input([...healthy(), bad], { [bad.id]: 'deployment' }));
  assert.equal(d.verdict, 'BLOCK');
  assert.deepEqual(rules(d), ['deployment']);
  assert.match(d.reasons[0]!.message, /web version\.json reports build "old"/);
  const terse = result('verify', 'failed', {
    error: { message: 'Error: the deployed build is the expected one\n\nExpected: "new"\nReceived: "old"' },
  });
  assert.match(
    decide(input([terse], { [terse.id]: 'deployment' })).reasons[0]!.message,
    /the deployed build is the expected one \(expected "new", received "old"\)/,
  );
});

test('regression pass rate is compared with minPassRate, quarantined tests not counted', () => {
  const regs = Array.from({ length: 10 }, () => result('regression'));
  const failed = result('regression', 'failed');
  const results = [result('smoke'), ...regs, failed];
  const policy = { ...DEFAULT_POLICY, minPassRate: 0.9 };
  // 10 of 11 = 90.9% ≥ 90%: passes the rule.
  assert.equal(decide({ ...input(results, { [failed.id]: 'product' }), policy }).verdict, 'PROMOTE');
  const second = result('regression', 'failed');
  const d = decide({ ...input([...results, second], { [failed.id]: 'product', [second.id]: 'product' }), policy });
  assert.equal(d.verdict, 'BLOCK');
  assert.match(d.reasons[0]!.message, /pass rate 83\.3% is below the required 90%/);
  assert.deepEqual(d.reasons[0]!.tests, [failed.id, second.id]);
});

test('default minPassRate 1.0: one regression failure blocks', () => {
  const bad = result('regression', 'failed');
  const d = decide(input([...healthy(), bad], { [bad.id]: 'product' }));
  assert.equal(d.verdict, 'BLOCK');
  assert.deepEqual(rules(d), ['pass-rate']);
});

test('zero tests is never a PROMOTE; fewer than minTests is INCONCLUSIVE', () => {
  assert.equal(decide(input([])).verdict, 'INCONCLUSIVE');
  const onlySetup = [result('setup'), result('smoke', 'skipped')];
  assert.deepEqual(rules(decide(input(onlySetup))), ['min-tests']);
  const d = decide({ ...input(healthy()), policy: { ...DEFAULT_POLICY, minTests: 6 } });
  assert.equal(d.verdict, 'INCONCLUSIVE');
  assert.match(d.reasons[0]!.message, /5 tests ran; at least 6 must run/);
});

test('a pass on retry gives WARN, or BLOCK where the policy says so', () => {
  const flaky = result('smoke', 'passed', { outcome: 'flaky', retries: 1 });
  assert.equal(decide(input([...healthy(), flaky])).verdict, 'WARN');
  const strict = decide({ ...input([...healthy(), flaky]), policy: { ...DEFAULT_POLICY, onRetryPass: 'block' } });
  assert.equal(strict.verdict, 'BLOCK');
  assert.deepEqual(strict.reasons[0]!.tests, [flaky.id]);
});

test('failures that are all environmental give INCONCLUSIVE; one product failure among them blocks', () => {
  const a = result('smoke', 'failed');
  const b = result('regression', 'failed');
  assert.equal(decide(input([...healthy(), a, b], { [a.id]: 'environment', [b.id]: 'environment' })).verdict, 'INCONCLUSIVE');
  const c = result('smoke', 'failed');
  const d = decide(input([...healthy(), a, b, c], { [a.id]: 'environment', [b.id]: 'environment', [c.id]: 'product' }));
  assert.equal(d.verdict, 'BLOCK');
  // Only the product failure is blamed on the build; the environmental ones are said apart.
  assert.deepEqual(d.reasons.find((r) => r.rule === 'critical-failed')!.tests, [c.id]);
  assert.deepEqual(d.reasons.find((r) => r.rule === 'environmental')!.tests, [a.id, b.id]);
});

test('a quarantined failure gives WARN naming owner and ticket; an expired entry blocks and is named', () => {
  const bad = result('smoke', 'failed', { id: 'smoke-api › smoke/api/api.spec.ts › API journeys › search' });
  const entry = {
    test: 'smoke-api › smoke/api/api.spec.ts › *',
    reason: 'search index lag',
    owner: 'tags-team',
    ticket: 'TAG-123',
    expires: '2026-11-22',
  };
  const d = decide(input([...healthy(), bad], { [bad.id]: 'known-issue' }, {}, [entry]));
  assert.equal(d.verdict, 'WARN');
  assert.match(d.reasons[0]!.message, /owner tags-team, TAG-123, until 2026-11-22/);
  const later = decide({
    ...input([...healthy(), bad], { [bad.id]: 'product' }, {}, []),
    quarantine: quarantineIndex([{ ...entry, expires: '2026-11-21' }], NOW),
  });
  assert.equal(later.verdict, 'BLOCK');
  assert.deepEqual(rules(later).sort(), ['critical-failed', 'quarantine-expired']);
  assert.match(later.reasons.find((r) => r.rule === 'quarantine-expired')!.message, /TAG-123.*expired on 2026-11-21/);
});

test('not ready, interrupted and untestable short-circuit to INCONCLUSIVE whatever the results', () => {
  const bad = result('smoke', 'failed');
  for (const more of [
    { notReady: 'Environment not ready after 3 s: api' },
    { interrupted: 'SIGINT' },
    { untestable: { step: 'seed', message: 'schema missing' } },
  ]) {
    const d = decide(input([bad], { [bad.id]: 'product' }, more));
    assert.equal(d.verdict, 'INCONCLUSIVE');
    assert.equal(d.reasons.length, 1);
  }
  assert.equal(decide(input([], {}, { interrupted: 'SIGTERM' })).reasons[0]!.rule, 'interrupted');
});

test('a step the deployment is shown to have broken BLOCKs, naming the step and the evidence', () => {
  const d = decide(
    input(
      [],
      {},
      {
        untestable: {
          step: 'seed',
          message: 'null value in column "custodian" of relation "assets" violates not-null constraint',
          deploymentFault: "the product's own API cannot create assets either: POST /api/assets answered 500",
        },
      },
    ),
  );
  assert.equal(d.verdict, 'BLOCK');
  assert.deepEqual(rules(d), ['deployment-broken']);
  assert.match(d.reasons[0]!.message, /^The seed step failed because of the deployment: null value in column "custodian"/);
  // The same failure without that evidence is untestable, never a BLOCK.
  assert.equal(
    decide(input([], {}, { untestable: { step: 'seed', message: 'null value in column "custodian"' } })).verdict,
    'INCONCLUSIVE',
  );
});

test('reasons are ordered most severe first', () => {
  const flaky = result('smoke', 'passed', { outcome: 'flaky', retries: 1 });
  const bad = result('regression', 'failed');
  const d = decide(input([...healthy(), flaky, bad], { [bad.id]: 'product' }));
  assert.deepEqual(
    d.reasons.map((r) => r.verdict),
    ['BLOCK', 'WARN'],
  );
});
