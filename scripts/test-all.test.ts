import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { countsFromJunit, countsFromPlaywright, countsFromTap, inPool, selftestConcurrency, slowestFirst } from './test-all.ts';

test('TAP summary: cancelled count as failed, todo as skipped', () => {
  const tap = 'TAP version 13\n# tests 9\n# suites 0\n# pass 6\n# fail 1\n# cancelled 1\n# skipped 0\n# todo 1\n# duration_ms 12\n';
  assert.deepEqual(countsFromTap(tap), { passed: 6, failed: 2, skipped: 1 });
});

test('TAP without a summary is not mistaken for zero tests', () => {
  assert.equal(countsFromTap('TAP version 13\nnot ok 1 - crashed\n'), undefined);
});

test('JUnit: errors are failures, several suites add up', () => {
  const xml =
    '<?xml version="1.0"?><testsuites><testsuite name="a" errors="1" failures="2" skipped="3" tests="20" time="1.0"></testsuite>' +
    '<testsuite name="b" errors="0" failures="0" skipped="0" tests="5"></testsuite></testsuites>';
  assert.deepEqual(countsFromJunit(xml), { passed: 19, failed: 3, skipped: 3 });
  assert.equal(countsFromJunit('<testsuites></testsuites>'), undefined);
});

test('Playwright JSON: flaky tests passed on retry, so they count as passed', () => {
  const json = JSON.stringify({ stats: { expected: 10, unexpected: 2, flaky: 1, skipped: 4, duration: 1 } });
  assert.deepEqual(countsFromPlaywright(json), { passed: 11, failed: 2, skipped: 4 });
});

test('selftestConcurrency: TOLLGATE_SELFTEST_CONCURRENCY from 1 to 8, else 2', () => {
  assert.equal(selftestConcurrency({}), 2);
  assert.equal(selftestConcurrency({ TOLLGATE_SELFTEST_CONCURRENCY: '1' }), 1);
  assert.equal(selftestConcurrency({ TOLLGATE_SELFTEST_CONCURRENCY: '4' }), 4);
  for (const bad of ['0', '9', 'two', '1.5', '']) assert.equal(selftestConcurrency({ TOLLGATE_SELFTEST_CONCURRENCY: bad }), 2, bad);
});

test('slowestFirst: the longest self-test files start first, the ones not measured after them by name', () => {
  const files = ['/r/selftest/a.test.ts', '/r/selftest/run.test.ts', '/r/selftest/z.test.ts', '/r/selftest/seed.test.ts'];
  assert.deepEqual(slowestFirst(files, { 'run.test.ts': 150, 'seed.test.ts': 36 }), [
    '/r/selftest/run.test.ts',
    '/r/selftest/seed.test.ts',
    '/r/selftest/a.test.ts',
    '/r/selftest/z.test.ts',
  ]);
  assert.deepEqual(slowestFirst(files, {}), [...files].sort());
});

test('inPool: starts the jobs in the order given, never more than `concurrency` at once, each as soon as a slot frees', async () => {
  const events: string[] = [];
  let running = 0;
  let most = 0;
  // A long first job and short ones: the short ones go through the second slot while the long one runs.
  const job = (name: string, ms: number) => async () => {
    events.push(`start ${name}`);
    most = Math.max(most, ++running);
    await sleep(ms);
    running--;
    events.push(`end ${name}`);
    return name;
  };
  const results = await inPool([job('long', 120), job('a', 10), job('b', 10), job('c', 10)], 2);
  assert.deepEqual(results, ['long', 'a', 'b', 'c'], 'results in the order given');
  assert.equal(most, 2);
  assert.deepEqual(
    events.filter((e) => e.startsWith('start')),
    ['start long', 'start a', 'start b', 'start c'],
  );
  assert.ok(events.indexOf('start c') < events.indexOf('end long'), `the short jobs did not wait for the long one: ${events.join(', ')}`);
  assert.deepEqual(await inPool([job('x', 1)], 4), ['x']);
  assert.deepEqual(await inPool([], 2), []);
});
