import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balanceRatio, balanceShards, estimates, testList, type PlannedTest } from './balance.ts';

const t = (project: string, n: number): PlannedTest => ({ id: `${project} › a/${project}.spec.ts › test ${n}`, project });

test('longest first onto the lightest shard: a slow lane no longer makes one shard the long one', () => {
  // One slow project (Selenium-like, 4 s a test) beside a fast one (0.5 s), as a count split would pair them badly.
  const tests = [...Array.from({ length: 6 }, (_, i) => t('slow', i)), ...Array.from({ length: 12 }, (_, i) => t('fast', i))];
  const durations = Object.fromEntries(tests.map((x) => [x.id, x.project === 'slow' ? 4000 : 500]));
  const lists = balanceShards(tests, durations, 2)!;
  assert.deepEqual(lists.plannedMs, [15000, 15000]);
  assert.equal(lists.tests.flat().length, tests.length, 'every test in exactly one shard');
  assert.equal(new Set(lists.tests.flat()).size, tests.length);
  assert.equal(lists.known, tests.length);
  // Playwright's split by count would give shard 1 the six slow tests and three fast ones.
  assert.ok(balanceRatio(lists.plannedMs) < balanceRatio([6 * 4000 + 3 * 500, 9 * 500]));
});

test('a test without history gets its project median, else the overall median; no history at all: no lists', () => {
  const tests = [t('api', 1), t('api', 2), t('api', 3), t('web', 1), t('new', 1)];
  const durations = { [tests[0]!.id]: 100, [tests[1]!.id]: 300, [tests[3]!.id]: 2000 };
  const e = estimates(tests, durations)!;
  assert.equal(e.get(tests[2]!.id), 200, 'median of api');
  assert.equal(e.get(tests[4]!.id), 300, 'median of all known (100, 300, 2000)');
  assert.equal(balanceShards(tests, {}, 2), undefined);
  assert.equal(balanceShards(tests, durations, 2)!.known, 3);
});

test('the lists are the same for the same inputs; fewer tests than shards gives no lists (no shard may run nothing)', () => {
  const tests = [t('a', 1), t('a', 2), t('b', 1)];
  const durations = Object.fromEntries(tests.map((x) => [x.id, 1000]));
  assert.deepEqual(balanceShards(tests, durations, 2), balanceShards([...tests].reverse(), durations, 2));
  assert.deepEqual(
    balanceShards(tests, durations, 3)!.tests.map((l) => l.length),
    [1, 1, 1],
  );
  assert.equal(balanceShards(tests, durations, 4), undefined);
  assert.throws(() => balanceShards(tests, durations, 0), /whole number/);
});

test('with W workers per shard, long tests go to different shards, so no shard waits on one slow worker', () => {
  // Two 20 s tests and twenty 2 s tests over 2 shards of 2 workers. By sums alone both long tests
  // may share a shard (20+20+… vs 2×…); worker slots put one on each shard.
  const tests = [t('long', 1), t('long', 2), ...Array.from({ length: 20 }, (_, i) => t('short', i))];
  const durations = Object.fromEntries(tests.map((x) => [x.id, x.project === 'long' ? 20_000 : 2_000]));
  const lists = balanceShards(tests, durations, 2, 2)!;
  assert.equal(lists.workers, 2);
  assert.deepEqual(
    lists.tests.map((l) => l.filter((id) => id.startsWith('long')).length),
    [1, 1],
  );
  assert.deepEqual(lists.plannedMs, [40_000, 40_000]);
  assert.equal(new Set(lists.tests.flat()).size, tests.length, 'every test in exactly one shard');
  assert.throws(() => balanceShards(tests, durations, 2, 0), /workers must be/);
});

test("Playwright's test-list lines name the project in brackets, then the file and titles", () => {
  assert.equal(
    testList(['smoke-web › smoke/web/journeys.spec.ts › web journeys › a viewer signs in', 'verify › verify/version.spec.ts › build']),
    '[smoke-web] › smoke/web/journeys.spec.ts › web journeys › a viewer signs in\n[verify] › verify/version.spec.ts › build\n',
  );
  assert.equal(
    testList(['smoke-web › smoke/web/journeys.spec.ts › web journeys › a viewer signs in'], {
      'smoke-web › smoke/web/journeys.spec.ts › web journeys › a viewer signs in': 'smoke/journeys.ts',
    }),
    '[smoke-web] › smoke/web/journeys.spec.ts › web journeys › a viewer signs in\n[smoke-web] › smoke/journeys.ts › web journeys › a viewer signs in\n',
    'a test defined outside its spec file: the spec file to load it, the defining file to match it',
  );
  assert.equal(balanceRatio([10, 10]), 1);
  assert.equal(balanceRatio([30, 10]), 1.5);
});
