import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crashedRuns,
  EXIT_CODE,
  mergedUntestable,
  projectsFor,
  seedProfile,
  untestedBecause,
  type OwnerMarker,
  type PartSummary,
} from './rules.ts';

test("projects: verify always, then each suite's projects in order", () => {
  assert.deepEqual(projectsFor(['smoke']), ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium']);
  assert.deepEqual(projectsFor(['smoke', 'regression']), ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium', 'regression']);
  assert.deepEqual(projectsFor(['demo']), ['verify', 'demo']);
});

test('projects: a differential run with no product change leaves regression out, and only regression', () => {
  assert.deepEqual(projectsFor(['smoke', 'regression'], { skipRegression: true }), ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium']);
  assert.deepEqual(projectsFor(['smoke', 'regression'], { skipRegression: false }), projectsFor(['smoke', 'regression']));
});

test('the seed profile follows the most demanding suite', () => {
  assert.equal(seedProfile(['demo']), 'demo');
  assert.equal(seedProfile(['smoke', 'regression']), 'regression');
  assert.equal(seedProfile(['smoke']), 'smoke');
});

test('untested: not ready, then a failed step, then an interruption; nothing when testable', () => {
  assert.equal(untestedBecause({ notReady: 'x', untestable: { step: 'seed', message: 'y' } }), 'the environment is not ready');
  assert.equal(untestedBecause({ untestable: { step: 'seed', message: 'y' } }), 'the seed step failed');
  assert.equal(untestedBecause({ interrupted: 'SIGINT' }), 'interrupted');
  assert.equal(untestedBecause({}, 'SIGTERM'), 'interrupted');
  assert.equal(untestedBecause({}), undefined);
});

test('exit codes: 0 for PROMOTE and WARN, 1 BLOCK, 2 INCONCLUSIVE', () => {
  assert.deepEqual(EXIT_CODE, { PROMOTE: 0, WARN: 0, BLOCK: 1, INCONCLUSIVE: 2 });
});

const part = (current: number, results = 5, over: Partial<PartSummary> = {}): PartSummary => ({
  shard: { current, total: 2 },
  results,
  exitCode: 0,
  ...over,
});

test('merged: every shard reported and ran something: testable', () => {
  assert.equal(mergedUntestable({ parts: [part(1), part(2)], total: 2, missing: [], duplicates: [] }), undefined);
});

test('merged: no part, a missing shard, a shard that ran nothing, a test reported twice: untestable, named', () => {
  assert.match(mergedUntestable({ parts: [], total: 0, missing: [], duplicates: [] })!.message, /no shard reported/);
  assert.match(mergedUntestable({ parts: [part(1)], total: 2, missing: [2], duplicates: [] })!.message, /shard\(s\) 2\/2 did not report/);
  const empty = mergedUntestable({ parts: [part(1), part(2, 0, { exitCode: 1 })], total: 2, missing: [], duplicates: [] })!;
  assert.match(empty.message, /shard\(s\) 2\/2 ran no test \(Playwright exit 1\)/);
  assert.equal(empty.step, 'suites');
  assert.match(
    mergedUntestable({ parts: [part(1), part(2)], total: 2, missing: [], duplicates: [], unrun: ['smoke-web › x.spec.ts › y'] })!.message,
    /1 planned test\(s\) ran in no shard \(e\.g\. smoke-web › x\.spec\.ts › y\)/,
  );
  assert.match(
    mergedUntestable({ parts: [part(1), part(2)], total: 2, missing: [], duplicates: ['a › b'] })!.message,
    /1 test\(s\) were reported by more than one shard \(e\.g\. a › b\)/,
  );
});

test('merged: an interrupted shard that ran nothing is not "ran nothing" (the interruption speaks for it)', () => {
  assert.equal(
    mergedUntestable({ parts: [part(1), part(2, 0, { interrupted: 'SIGTERM' })], total: 2, missing: [], duplicates: [] }),
    undefined,
  );
});

test('crashed runs: older than the limit, or owned by a dead process on this host; never this run', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000);
  const owners: Record<string, OwnerMarker> = {
    dead: { pid: 11, host: 'me' },
    alive: { pid: 12, host: 'me' },
    elsewhere: { pid: 11, host: 'other' },
    prepared: { pipeline: true, host: 'me' },
  };
  const runs = [
    { runId: 'old', startedAt: at(30) },
    { runId: 'dead', startedAt: at(1) },
    { runId: 'alive', startedAt: at(1) },
    { runId: 'elsewhere', startedAt: at(1) },
    { runId: 'prepared', startedAt: at(1) },
    { runId: 'unknown', startedAt: at(1) },
    { runId: 'self', startedAt: at(40) },
  ];
  const crashed = crashedRuns(runs, { self: 'self', now, host: 'me', ownerOf: (id) => owners[id], alive: (pid) => pid === 12 });
  assert.deepEqual(crashed, ['old', 'dead']);
  assert.deepEqual(
    crashedRuns(runs, { self: 'self', now, host: 'me', maxAgeMs: 3_600_000 / 2, ownerOf: () => undefined, alive: () => true }),
    ['old', 'dead', 'alive', 'elsewhere', 'prepared', 'unknown'],
  );
});
