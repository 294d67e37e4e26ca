import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { classify, countFlips, loadOwners, RULES, signatureOf, triage, type TriageContext } from './triage.ts';
import { rulesMarkdown } from './triage-rules.ts';
import type { HistoryRun, QuarantineEntry, SuiteName, TestResult, TestStatus } from './types.ts';
import { aHistoryRun, aResult } from '../testing/builders.ts';
import { loadTriageFixtures, type TriageFixture } from '../testing/triage-fixtures.ts';
import { TRIAGE_CLASSES } from '../testing/triage-classes.ts';

const fixtures = loadTriageFixtures();
const find = (fault: string, title: RegExp = /./) =>
  fixtures.find((f) => f.fault === fault && title.test(f.test)) ?? assert.fail(`no fixture for ${fault} ${title}`);

const SUITES: Record<string, SuiteName> = {
  ready: 'setup',
  seed: 'setup',
  auth: 'setup',
  cleanup: 'setup',
  verify: 'verify',
  regression: 'regression',
  demo: 'demo',
};

function resultOf(f: TriageFixture, over: Partial<TestResult> = {}): TestResult {
  return aResult({
    id: f.test,
    project: f.project,
    suite: SUITES[f.project] ?? 'smoke',
    file: f.file,
    line: 1,
    titlePath: f.titlePath,
    status: f.status,
    outcome: 'unexpected',
    durationMs: 1200,
    error: { message: f.message, ...(f.stack ? { stack: f.stack } : {}) },
    ...over,
  });
}

/** A plain result for the history-driven cases. */
function result(
  id: string,
  status: TestStatus,
  message = 'Error: expect(received).toBe(expected)\n\nExpected: 3\nReceived: 0',
  over: Partial<TestResult> = {},
): TestResult {
  return aResult({
    id,
    file: 'tests/smoke/api/api.spec.ts',
    titlePath: [id],
    status,
    outcome: status === 'passed' ? 'expected' : 'unexpected',
    message,
    ...over,
  });
}

let n = 0;
/** A past run; each one made is older than the one before (history is newest first). */
function run(results: Record<string, TestStatus | [TestStatus, string]>, over: Partial<HistoryRun> = {}): HistoryRun {
  n++;
  return aHistoryRun(results, {
    runId: `tg_20261121${String(n % 60).padStart(2, '0')}0000_run${String(n).padStart(3, '0')}`,
    build: `b${n}`,
    startedAt: new Date(Date.UTC(2026, 10, 21) - n * 3_600_000).toISOString(),
    durationMs: 1,
    ...over,
  });
}

const ctx = (over: Partial<TriageContext> = {}): TriageContext => ({
  runId: 'tg_20261122090000_thisrn',
  build: 'b-now',
  at: '2026-11-22T09:00:00.000Z',
  quarantined: () => undefined,
  owners: [],
  policy: { flakyFlips: 2, flakyWindow: 5 },
  ...over,
});

test('every captured real failure gets the category a human gave it', () => {
  assert.ok(fixtures.length >= 30, 'the fixtures were captured');
  const wrong = fixtures
    .map((f) => ({ f, got: triage([resultOf(f)], [], ctx()).failures[0]! }))
    .filter(({ f, got }) => got.category !== f.expectedCategory)
    .map(({ f, got }) => `${f.fault} ${f.test}: ${got.category} by ${got.rule}, expected ${f.expectedCategory}`);
  assert.deepEqual(wrong, []);
});

test('every pattern rule classifies at least one real captured message or class example', () => {
  const used = new Set(fixtures.map((f) => triage([resultOf(f)], [], ctx()).failures[0]!.rule));
  for (const [, , messages] of TRIAGE_CLASSES)
    for (const message of messages) used.add(triage([result('t', 'failed', message)], [], ctx()).failures[0]!.rule);
  const patternRules = RULES.filter((r) => r.match).map((r) => r.name);
  assert.deepEqual(
    patternRules.filter((name) => !used.has(name)),
    [],
  );
  assert.ok(used.has('product'));
});

test('the order decides: an earlier rule wins over a later one that also matches', () => {
  const cases: [fixture: TriageFixture, winner: string, runnerUp: string][] = [
    // Readiness names the missing migration, but nothing could be tested: environment.
    [find('pending_migration', /environment is ready/), 'not-ready', 'migrations-not-at-head'],
    // /readyz answers 503 for a missing migration: the deployment's fault, not a gateway.
    [find('pending_migration', /migrations are at the head/), 'migrations-not-at-head', 'gateway-error'],
    // A torn manifest throws a JSON SyntaxError: the data's fault. Without the manifest rule it
    // would be the product's (a JSON parse error is never the test code's: script-error leaves it).
    [find('manifest_truncated'), 'manifest-unreadable', 'product'],
    // The seed failed because the schema lacks a column it writes: the deployment's fault.
    [find('column_renamed'), 'schema-mismatch', 'seed-failed'],
  ];
  for (const [f, winner, runnerUp] of cases) {
    const input = {
      result: resultOf(f),
      message: f.message.replace(/\u001b\[[0-9;]*m/g, ''),
      stack: f.stack ?? '',
      quarantine: undefined,
      flips: 0,
      policy: { flakyFlips: 2, flakyWindow: 5 },
    };
    assert.equal(classify(input).name, winner, f.test);
    assert.equal(
      classify(
        input,
        RULES.filter((r) => r.name !== winner),
      ).name,
      runnerUp,
      `${f.test} without ${winner}`,
    );
  }
});

const ruleInput = (r: TestResult) => ({
  result: r,
  message: r.error?.message ?? '',
  quarantine: undefined,
  flips: 0,
  policy: { flakyFlips: 2, flakyWindow: 5 },
});

test('a build that differs between web, API, version.json and the expected one is the deployment, in any suite', () => {
  const builds: [file: string, title: string, message: string][] = [
    ['tests/verify/deployment.spec.ts', 'web and API report the same build', 'Error: the API reports build 4f1c2d0, the web 9a8b7c6'],
    [
      'tests/verify/deployment.spec.ts',
      'web and API report the same build',
      'Error: version.json says build 4f1c2d0, but the web runs the code of build 9a8b7c6',
    ],
    [
      'tests/smoke/web/journeys.spec.ts',
      'the app runs the build the API reports',
      'Error: the web runs the code of build r41-previous, the API reports r42',
    ],
    ['tests/smoke/selenium/journeys.spec.ts', 'the app runs the build the API reports', 'Error: the web runs build r41, expected r42'],
  ];
  for (const [file, title, message] of builds) {
    const rule = classify(ruleInput(result(title, 'failed', message, { file, titlePath: [title] })));
    assert.deepEqual([rule.category, rule.name], ['deployment', 'build-mismatch'], message);
  }
  // Without a build in the title, a sentence that happens to say "reports build" is not read as one.
  const other = classify(ruleInput(result('export', 'failed', 'Error: the exporter reports build errors', { titlePath: ['csv export'] })));
  assert.notEqual(other.name, 'build-mismatch');
});

test('a quarantined test is a known issue whatever its message; a passed-on-retry one is flaky', () => {
  const refused = find('target_port_closed');
  const entry: QuarantineEntry = {
    test: refused.test,
    reason: 'flaky network in staging',
    owner: '@platform',
    ticket: 'OPS-12',
    expires: '2026-12-31',
  };
  const q = triage([resultOf(refused)], [], ctx({ quarantined: (id) => (id === refused.test ? entry : undefined) })).failures[0]!;
  assert.deepEqual([q.category, q.rule], ['known-issue', 'quarantined']);

  const retried = resultOf(find('revoked_reads_genuine'), { status: 'passed', outcome: 'flaky', retries: 1 });
  const r = triage([retried], [], ctx()).failures[0]!;
  assert.deepEqual([r.category, r.rule], ['flaky', 'passed-on-retry']);
});

test('only failed, timed-out and passed-on-retry results are triaged', () => {
  const f = find('revoked_reads_genuine');
  const results = (['passed', 'skipped', 'interrupted', 'failed', 'timedOut'] as TestStatus[]).map((status) =>
    resultOf(f, { id: status, status }),
  );
  assert.deepEqual(
    triage(results, [], ctx()).failures.map((x) => x.testId),
    ['failed', 'timedOut'],
  );
});

test('failures are grouped by category and signature, with count and tests', () => {
  const missing = fixtures.filter((f) => f.fault === 'manifest_missing');
  const t = triage(
    missing.map((f, i) => resultOf(f, { id: `${f.test} #${i}` })),
    [],
    ctx(),
  );
  const noManifest = missing.filter((f) => f.message.includes('No seed manifest')).length;
  assert.ok(noManifest >= 8 && noManifest < missing.length);
  const group = t.groups.find((g) => g.signature.startsWith('No seed manifest'))!;
  assert.equal(group.category, 'test-data');
  assert.equal(group.count, noManifest);
  assert.equal(group.tests.length, noManifest);
  assert.equal(
    t.groups.reduce((s, g) => s + g.count, 0),
    missing.length,
  );
  assert.equal(t.groups[0], group, 'the biggest group first');
  assert.doesNotMatch(group.example, /\u001b/);

  // The same signature under two categories is two groups.
  const f = find('revoked_reads_genuine');
  const split = triage(
    [resultOf(f, { id: 'a' }), resultOf(f, { id: 'b' })],
    [],
    ctx({ quarantined: (id) => (id === 'a' ? { test: 'a', reason: 'r', owner: 'o', ticket: 't', expires: '2099-01-01' } : undefined) }),
  );
  assert.deepEqual(split.groups.map((g) => [g.category, g.count]).sort(), [
    ['known-issue', 1],
    ['product', 1],
  ]);
});

test('first seen: the oldest run where the same test failed with the same signature', () => {
  const message = 'Error: verify of revoked tag TT-2VYC-0BT3-V\n\nExpected: "revoked"\nReceived: "genuine"';
  const sig = signatureOf(message);
  const newest = run({ a: ['failed', sig] });
  const middle = run({ a: 'passed', b: ['failed', sig] });
  const oldest = run({ a: ['failed', sig] });
  const older = run({ a: ['failed', 'another signature'], c: ['failed', sig] });
  const history = [newest, middle, oldest, older]; // newest first
  const policy = { flakyFlips: 10, flakyWindow: 10 }; // a flips, but this is about first seen
  const t = triage([result('a', 'failed', message), result('b', 'failed', message)], history, ctx({ policy }));
  assert.equal(t.groups.length, 1);
  assert.deepEqual(t.groups[0]!.firstSeen, { build: oldest.build, runId: oldest.runId, at: oldest.startedAt });
  assert.equal(t.groups[0]!.novelty, 'recurring');

  const fresh = triage([result('c2', 'failed', 'Error: something else')], history, ctx({ policy })).groups[0]!;
  assert.deepEqual(fresh.firstSeen, { build: 'b-now', runId: 'tg_20261122090000_thisrn', at: '2026-11-22T09:00:00.000Z' });
});

test('novelty: new when the test passed the last time it ran here or never ran, recurring when it failed then', () => {
  const history = [run({ p: 'passed', f: 'failed', s: 'skipped' }), run({ s: 'failed', p: 'failed' })];
  const policy = { flakyFlips: 10, flakyWindow: 10 }; // p flips; this is about novelty
  const t = triage(
    ['p', 'f', 's', 'never'].map((id) => result(id, 'failed')),
    history,
    ctx({ policy }),
  );
  assert.deepEqual(Object.fromEntries(t.failures.map((f) => [f.testId, f.novelty])), {
    p: 'new',
    f: 'recurring',
    s: 'recurring',
    never: 'new',
  });
  assert.equal(triage([result('x', 'failed')], [], ctx()).failures[0]!.novelty, 'new', 'no history: new');
  // A group is recurring when any of its tests failed before (p and f share one signature).
  assert.equal(t.groups.length, 1);
  assert.equal(t.groups[0]!.novelty, 'recurring');
  assert.equal(triage([result('p', 'failed')], history, ctx({ policy })).groups[0]!.novelty, 'new');
  assert.equal(
    triage([resultOf(find('target_port_closed'))], history, ctx()).failures[0]!.novelty,
    undefined,
    'only product failures have a novelty',
  );
});

test('flipping: enough pass/fail changes within the window make a failure flaky', () => {
  assert.equal(countFlips(['failed', 'passed', 'skipped', 'failed', 'timedOut', 'passed']), 3);
  assert.equal(countFlips(['failed', undefined, 'interrupted', 'failed']), 0);
  // This run failed; history of the same build newest first: passed, failed → fail→pass→fail = 2 flips.
  const same = { build: 'b-now' };
  const flipping = [run({ t: 'passed' }, same), run({ t: 'failed' }, same), run({ t: 'failed' }, same)];
  const f = triage([result('t', 'failed')], flipping, ctx()).failures[0]!;
  assert.deepEqual([f.category, f.rule], ['flaky', 'flipping']);
  assert.equal(
    triage([result('t', 'failed')], flipping, ctx({ policy: { flakyFlips: 3, flakyWindow: 5 } })).failures[0]!.category,
    'product',
  );
  // The flips are counted within the window only (this run included).
  const old = [run({ t: 'failed' }, same), run({ t: 'failed' }, same), run({ t: 'passed' }, same), run({ t: 'failed' }, same)];
  assert.equal(triage([result('t', 'failed')], old, ctx({ policy: { flakyFlips: 2, flakyWindow: 3 } })).failures[0]!.category, 'product');
  assert.equal(triage([result('t', 'failed')], old, ctx({ policy: { flakyFlips: 2, flakyWindow: 5 } })).failures[0]!.category, 'flaky');
  // An environment failure stays environment even for a flipping test (earlier rule).
  assert.equal(triage([resultOf(find('target_port_closed'), { id: 't' })], flipping, ctx()).failures[0]!.category, 'environment');
});

test('owners: the first entry of config/owners.json whose glob matches the test file', () => {
  const owners = loadOwners();
  const ownerOf = (f: TriageFixture) => triage([resultOf(f)], [], ctx({ owners })).groups[0]!.owner?.team;
  assert.equal(ownerOf(find('revoked_reads_genuine')), 'tags-assets');
  assert.equal(ownerOf(find('verify_button_missing')), 'verify-web');
  assert.equal(ownerOf(find('wrong_build')), 'platform');
  assert.equal(ownerOf(find('pending_migration', /environment is ready/)), 'platform');
  assert.equal(ownerOf(find('slow_tags_list')), 'platform', 'latency.spec.ts before the regression catch-all');
  assert.equal(ownerOf(find('strict_locator')), 'qa-automation', 'the catch-all');
  assert.equal(triage([resultOf(find('revoked_reads_genuine'))], [], ctx()).groups[0]!.owner, undefined, 'no owners: no owner');
});

test('loadOwners names the file and the entry of a bad owners file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-owners-'));
  try {
    const file = join(dir, 'owners.json');
    writeFileSync(
      file,
      JSON.stringify({
        owners: [
          { files: 'tests/smoke/**', team: 'web' },
          { files: 'tests/demo/**', slack: 'demo-team' },
        ],
      }),
    );
    assert.throws(
      () => loadOwners(file),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /owners\.json has invalid entries/);
        assert.match(e.message, /entry 2 \("tests\/demo\/\*\*"\) "team": must name a team/);
        assert.match(e.message, /entry 2 \("tests\/demo\/\*\*"\) "slack": must be a Slack handle/);
        assert.doesNotMatch(e.message, /entry 1/);
        return true;
      },
    );
    writeFileSync(file, '{"owners": [');
    assert.throws(
      () => loadOwners(file),
      (e: unknown) => e instanceof ConfigError && /owners\.json is not valid JSON/.test(e.message),
    );
    writeFileSync(file, '[]');
    assert.throws(
      () => loadOwners(file),
      (e: unknown) => e instanceof ConfigError && /one key, "owners"/.test(e.message),
    );
    assert.throws(
      () => loadOwners(join(dir, 'missing.json')),
      (e: unknown) => e instanceof ConfigError && /missing\.json does not exist/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README table lists every rule in order', () => {
  const rows = rulesMarkdown().split('\n').slice(2);
  assert.deepEqual(
    rows.map((r) => /^\| (\d+) \| `([\w-]+)` \| ([\w-]+) \|/.exec(r)!.slice(1)),
    RULES.map((r, i) => [String(i + 1), r.name, r.category]),
  );
  assert.match(rows[RULES.findIndex((r) => r.name === 'build-mismatch')]!, /\| titlePath, message \|/);
  assert.match(rulesMarkdown([{ name: 'x', category: 'product', description: 'a | b', uses: 'history' }]), /\| history \| a \\\| b \|$/);
});
