import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../config/policy.ts';
import { certainBlock, decide, type GateInput } from './policy.ts';
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

describe('certainBlock: BLOCK known before the suites end', () => {
  const certain = (i: GateInput) => certainBlock(i)?.rule;

  test('a verify, smoke or setup failure that is the build’s makes BLOCK certain; one the environment or runner caused does not', () => {
    for (const suite of ['verify', 'smoke', 'setup'] as const) {
      const bad = result(suite, 'failed');
      assert.equal(certain(input([result('smoke'), bad], { [bad.id]: 'product' })), 'critical-failed', suite);
      for (const category of ['environment', 'infrastructure'] as const)
        assert.equal(certain(input([result('smoke'), bad], { [bad.id]: category })), undefined, `${suite} ${category}`);
    }
    const data = result('smoke', 'timedOut');
    assert.equal(certain(input([data], { [data.id]: 'test-data' })), 'critical-failed');
  });

  test('a deployment failure in any suite is certain; a regression failure alone is not (the pass rate can still rise)', () => {
    const wrong = result('regression', 'failed');
    assert.equal(certain(input([wrong], { [wrong.id]: 'deployment' })), 'deployment');
    const reg = result('regression', 'failed');
    assert.equal(decide(input([reg], { [reg.id]: 'product' })).verdict, 'BLOCK', 'it blocks now…');
    assert.equal(certain(input([reg], { [reg.id]: 'product' })), undefined, '…but more passes may lift the rate');
  });

  test('a quarantined failure is not certain, an expired quarantine is; a retry-pass only where the policy blocks on it', () => {
    const bad = result('smoke', 'failed', { id: 'smoke › q.spec.ts › known' });
    const entry = (expires: string): QuarantineEntry => ({ test: bad.id, reason: 'r', owner: 'o', ticket: 'T-1', expires });
    assert.equal(certain(input([bad], { [bad.id]: 'known-issue' }, {}, [entry('2026-12-31')])), undefined);
    assert.equal(certain(input([bad], { [bad.id]: 'product' }, {}, [entry('2026-11-01')])), 'quarantine-expired');
    const flaky = result('smoke', 'passed', { outcome: 'flaky', retries: 1 });
    assert.equal(certain(input([flaky])), undefined);
    assert.equal(certain({ ...input([flaky]), policy: { ...DEFAULT_POLICY, onRetryPass: 'block' } }), 'retried');
    assert.equal(certain(input(healthy())), undefined);
  });

  test('whatever follows, a BLOCK certain on the results so far is the verdict at the end (random runs, every prefix)', () => {
    let state = 20261202;
    const rand = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const suites: SuiteName[] = ['setup', 'verify', 'smoke', 'regression'];
    const statuses: TestResult['status'][] = ['passed', 'passed', 'passed', 'failed', 'timedOut', 'skipped'];
    const categories: TriageCategory[] = ['product', 'environment', 'infrastructure', 'deployment', 'test-data', 'flaky', 'known-issue'];
    let certainSeen = 0;
    for (let run = 0; run < 300; run++) {
      const results = Array.from({ length: 1 + rand(12) }, () => {
        const status = statuses[rand(statuses.length)]!;
        return result(suites[rand(suites.length)]!, status, status === 'passed' && rand(8) === 0 ? { outcome: 'flaky', retries: 1 } : {});
      });
      const cats = Object.fromEntries(results.map((r) => [r.id, categories[rand(categories.length)]!]));
      const policy = { ...DEFAULT_POLICY, minPassRate: [1, 0.5][rand(2)]!, onRetryPass: (['warn', 'block'] as const)[rand(2)]! };
      const final = decide({ ...input(results, cats), policy }).verdict;
      for (let k = 1; k <= results.length; k++) {
        const prefix = results.slice(0, k);
        const ids = new Set(prefix.map((r) => r.id));
        const sure = certainBlock({ ...input(prefix, Object.fromEntries(Object.entries(cats).filter(([id]) => ids.has(id)))), policy });
        if (!sure) continue;
        certainSeen++;
        assert.equal(final, 'BLOCK', `certain after ${k} of ${results.length} (${sure.rule}) but the run ended ${final}`);
      }
    }
    assert.ok(certainSeen > 100, `the random runs made BLOCK certain ${certainSeen} times: too few to show anything`);
  });
});
