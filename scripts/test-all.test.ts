import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countsFromJunit, countsFromPlaywright, countsFromTap, selftestConcurrency, slowestFirst } from './test-all.ts';

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
