import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { countBy, countResults, normalize, suiteOf, suiteRank, testId, type PlaywrightAttempt, type PlaywrightCase } from './results.ts';
import { aResult } from '../testing/builders.ts';

const ROOT = '/repo';
const attempt = (status: PlaywrightAttempt['status'], extra: Partial<PlaywrightAttempt> = {}): PlaywrightAttempt => ({
  status,
  duration: 100,
  startTime: new Date('2026-11-22T10:00:00Z'),
  retry: 0,
  attachments: [],
  ...extra,
});
function pwCase(project: string, attempts: PlaywrightAttempt[], outcome: ReturnType<PlaywrightCase['outcome']>): PlaywrightCase {
  return {
    title: 'a genuine tag verifies',
    titlePath: () => ['', project, 'api.spec.ts', 'API journeys', 'a genuine tag verifies'],
    location: { file: join(ROOT, 'tests/smoke/api/api.spec.ts'), line: 12 },
    tags: ['@smoke', '@seeded', '@smoke'],
    outcome: () => outcome,
    parent: { project: () => ({ name: project }) },
    results: attempts,
  };
}

test('ids are stable: project › file under tests/ › describe › title', () => {
  const r = normalize(pwCase('smoke-api', [attempt('passed')], 'expected'), ROOT);
  assert.equal(r.id, 'smoke-api › smoke/api/api.spec.ts › API journeys › a genuine tag verifies');
  assert.equal(r.id, testId('smoke-api', 'tests/smoke/api/api.spec.ts', ['API journeys', 'a genuine tag verifies']));
  assert.equal(r.file, 'tests/smoke/api/api.spec.ts');
  assert.deepEqual(r.tags, ['@smoke', '@seeded']);
  assert.equal(r.suite, 'smoke');
});

test('a test defined by a shared journey is named after the spec that ran it', () => {
  const c = pwCase('smoke-web', [attempt('passed')], 'expected');
  c.location = { file: join(ROOT, 'fixtures/journeys/web-smoke.ts'), line: 40 };
  c.parent = {
    type: 'describe',
    project: () => ({ name: 'smoke-web' }),
    parent: { type: 'file', location: { file: join(ROOT, 'tests/smoke/web/web.spec.ts') }, project: () => ({ name: 'smoke-web' }) },
  };
  const r = normalize(c, ROOT);
  assert.equal(r.file, 'tests/smoke/web/web.spec.ts');
  assert.match(r.id, /^smoke-web › smoke\/web\/web\.spec\.ts › /);
  assert.equal(r.line, 40, 'the line is still where the test is defined');
});

test("a pass on retry is flaky, keeps the failed attempt's error (ANSI stripped) and every attempt's attachments", () => {
  const failed = attempt('failed', {
    error: { message: '\u001b[31mexpect(received).toBe(expected)\u001b[39m', stack: 'at x' },
    attachments: [{ name: 'trace', contentType: 'application/zip', path: join(ROOT, 'test-results/a/trace.zip') }],
  });
  const r = normalize(pwCase('smoke-api', [failed, attempt('passed', { retry: 1, duration: 50 })], 'flaky'), ROOT);
  assert.equal(r.status, 'passed');
  assert.equal(r.outcome, 'flaky');
  assert.equal(r.retries, 1);
  assert.equal(r.durationMs, 150);
  assert.equal(r.error?.message, 'expect(received).toBe(expected)');
  assert.deepEqual(r.attachments, [{ name: 'trace', contentType: 'application/zip', path: 'test-results/a/trace.zip' }]);
});

test('a test that never ran is skipped with no error', () => {
  const r = normalize(pwCase('regression', [], 'skipped'), ROOT);
  assert.equal(r.status, 'skipped');
  assert.equal(r.error, undefined);
  assert.equal(r.retries, 0);
});

test('suites follow the project names; setup projects are setup', () => {
  assert.deepEqual(['ready', 'seed', 'auth', 'cleanup', 'verify', 'smoke-web', 'smoke-selenium', 'regression', 'demo'].map(suiteOf), [
    'setup',
    'setup',
    'setup',
    'setup',
    'verify',
    'smoke',
    'smoke',
    'regression',
    'demo',
  ]);
});

test('counts: flaky is not failed, timedOut is failed, quarantined failures are counted apart', () => {
  const mk = (status: PlaywrightAttempt['status'], outcome: ReturnType<PlaywrightCase['outcome']>, project = 'smoke-api') =>
    normalize(pwCase(project, [attempt(status)], outcome), ROOT);
  const results = [
    mk('passed', 'expected'),
    mk('timedOut', 'unexpected'),
    mk('failed', 'unexpected', 'regression'),
    { ...mk('passed', 'flaky'), outcome: 'flaky' as const },
    mk('skipped', 'skipped'),
  ];
  assert.deepEqual(countResults(results, new Set([results[2]!.id])), {
    total: 5,
    passed: 1,
    failed: 2,
    flaky: 1,
    skipped: 1,
    quarantined: 1,
  });
  assert.deepEqual(Object.keys(countBy(results, (r) => r.suite)).sort(), ['regression', 'smoke']);
});

test('countBy: a stable order whatever order the results came in; suites in the order a run goes through them', () => {
  const rs = (projects: string[]) => projects.map((project, i) => aResult({ project, titlePath: [`t${i}`] }));
  const a = countBy(rs(['smoke-web', 'verify', 'regression', 'smoke-api']), (r) => r.suite, undefined, suiteRank);
  const b = countBy(rs(['regression', 'smoke-api', 'verify', 'smoke-web']), (r) => r.suite, undefined, suiteRank);
  assert.deepEqual(Object.keys(a), ['verify', 'smoke', 'regression']);
  assert.deepEqual(Object.keys(b), Object.keys(a));
  assert.deepEqual(Object.keys(countBy(rs(['smoke-web', 'smoke-api', 'demo']), (r) => r.project)), ['demo', 'smoke-api', 'smoke-web']);
});
