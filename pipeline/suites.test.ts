import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aResult } from '../testing/builders.ts';
import { span } from './suites.ts';

test('a step lasts from its first test start to its last test end', () => {
  const results = [
    aResult({ startedAt: '2026-12-02T10:00:01.000Z', durationMs: 2_000 }),
    aResult({ startedAt: '2026-12-02T10:00:00.000Z', durationMs: 1_500 }),
  ];
  assert.equal(span(results), 3_000);
});

test('tests that never ran (stopped by --fail-fast: no start) do not stretch the step back to 1970', () => {
  const notRun = aResult({ status: 'skipped', outcome: 'skipped', startedAt: new Date(0).toISOString(), durationMs: 0 });
  assert.equal(span([aResult({ startedAt: '2026-12-02T10:00:00.000Z', durationMs: 1_200 }), notRun]), 1_200);
  assert.equal(span([notRun]), 0);
  assert.equal(span([]), 0);
});
