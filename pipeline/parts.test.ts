/** The parts of a sharded run: found on disk, checked to belong together, merged into one run's results. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaError, UsageError } from '../config/errors.ts';
import {
  checkParts,
  findParts,
  mergeResults,
  parseShard,
  PART_FILE,
  shardDir,
  shardName,
  writePart,
  type FoundPart,
  type ShardPart,
} from './parts.ts';
import type { TestResult } from '../gate/types.ts';
import { tempDir } from '../testing/temp.ts';
import { aResult } from '../testing/builders.ts';

const RUN = 'tg_20261122114113_di1cj3';
const OTHER_RUN = 'tg_20261121090000_zz9zz9';

function samplePart(current: number, total: number, over: Partial<ShardPart> = {}): ShardPart {
  return {
    version: 1,
    runId: RUN,
    shard: { current, total },
    startedAt: '2026-11-22T11:45:00.000Z',
    durationMs: 61_000,
    exitCode: 0,
    host: `runner-${current}`,
    dir: `reports/${RUN}/shards/${current}-of-${total}`,
    ...over,
  };
}

/** A normalized result, as the results reporter writes it; `project` decides the suite. */
function result(project: string, title: string, over: Partial<TestResult> = {}): TestResult {
  const suite = /^(ready|seed|auth|cleanup)$/.test(project) ? 'setup' : project.startsWith('smoke') ? 'smoke' : 'regression';
  const file = `tests/${suite}/${title.replace(/\W+/g, '-')}.spec.ts`;
  return aResult({ project, suite, file, line: 3, titlePath: [title], durationMs: 200, startedAt: '2026-11-22T11:45:01.000Z', ...over });
}
const failed = (r: TestResult, message: string): TestResult => ({ ...r, status: 'failed', outcome: 'unexpected', error: { message } });

/** A part on disk the way `tollgate run --shard` leaves it. */
function writePartDir(dir: string, part: ShardPart, results?: TestResult[]): string {
  mkdirSync(dir, { recursive: true });
  writePart(part, dir);
  if (results) writeFileSync(join(dir, 'results.json'), JSON.stringify({ runId: part.runId, results }, null, 2));
  return dir;
}

/** A part in memory, for the pure checks. */
const found = (current: number, total: number, results: TestResult[] = [], over: Partial<ShardPart> = {}): FoundPart => ({
  part: samplePart(current, total, over),
  dir: join('/ci/parts', `tollgate-part-${current}`, `${current}-of-${total}`),
  results,
});

const byShard = (parts: FoundPart[]) => [...parts].sort((a, b) => a.part.shard.current - b.part.shard.current);

test('parseShard accepts i/n with 1 ≤ i ≤ n and nothing else', () => {
  assert.deepEqual(parseShard('1/2'), { current: 1, total: 2 });
  assert.deepEqual(parseShard('2/2'), { current: 2, total: 2 });
  assert.deepEqual(parseShard('1/1'), { current: 1, total: 1 });
  assert.deepEqual(parseShard('7/12'), { current: 7, total: 12 });
  for (const bad of ['3/2', '0/2', '1/0', '0/0', 'a/b', '1/2/3', '1/', '/2', '1', '', ' 1/2', '1/2 ', '-1/2', '1.5/2', '1 / 2', '1-of-2']) {
    assert.equal(parseShard(bad), undefined, `"${bad}"`);
  }
});

test("a shard's directory is reports/<run>/shards/<i>-of-<n>", () => {
  assert.equal(shardName({ current: 2, total: 3 }), '2-of-3');
  assert.equal(shardDir(join('reports', RUN), { current: 2, total: 3 }), join('reports', RUN, 'shards', '2-of-3'));
});

test('findParts: a part given by its own directory, with its results; writePart leaves no temp file', (t) => {
  const root = tempDir(t);
  const dir = shardDir(join(root, 'reports', RUN), { current: 1, total: 2 });
  const results = [result('smoke-api', 'a genuine tag'), failed(result('regression-web', 'link a tag'), 'expected 200, got 500')];
  writePartDir(dir, samplePart(1, 2, { exitCode: 1 }), results);
  assert.deepEqual(readdirSync(dir).sort(), [PART_FILE, 'results.json']);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, PART_FILE), 'utf8')), samplePart(1, 2, { exitCode: 1 }));

  const parts = findParts([dir]);
  assert.equal(parts.length, 1);
  assert.deepEqual(parts[0], { part: samplePart(1, 2, { exitCode: 1 }), dir, results });
});

test('findParts: a part whose shard wrote no results.json (Playwright never started) has no results', (t) => {
  const dir = writePartDir(join(tempDir(t), '2-of-2'), samplePart(2, 2, { exitCode: 2, interrupted: 'SIGTERM' }));
  assert.deepEqual(findParts([dir]), [{ part: samplePart(2, 2, { exitCode: 2, interrupted: 'SIGTERM' }), dir, results: [] }]);
});

test("findParts: every part under the run's shards folder, or under the run's report folder", (t) => {
  const reportDir = join(tempDir(t), 'reports', RUN);
  const one = writePartDir(shardDir(reportDir, { current: 1, total: 2 }), samplePart(1, 2), [result('smoke-api', 'a')]);
  const two = writePartDir(shardDir(reportDir, { current: 2, total: 2 }), samplePart(2, 2), [result('smoke-api', 'b')]);
  mkdirSync(join(reportDir, 'allure-results'), { recursive: true }); // other folders hold no part
  writeFileSync(join(reportDir, 'plan.json'), '{}');
  for (const given of [join(reportDir, 'shards'), reportDir]) {
    const parts = byShard(findParts([given]));
    assert.deepEqual(
      parts.map((p) => p.dir),
      [one, two],
      given,
    );
    assert.deepEqual(
      parts.map((p) => p.results.map((r) => r.titlePath[0])),
      [['a'], ['b']],
    );
  }
});

test('findParts: the folder CI downloaded the artifacts to (parts/tollgate-part-<i>/<i>-of-<n>)', (t) => {
  const parts = join(tempDir(t), 'parts');
  const dirs = [1, 2, 3].map((i) =>
    writePartDir(join(parts, `tollgate-part-${i}`, `${i}-of-3`), samplePart(i, 3), [result('smoke-api', `test ${i}`)]),
  );
  const got = byShard(findParts([parts]));
  assert.deepEqual(
    got.map((p) => p.dir),
    dirs,
  );
  assert.deepEqual(
    got.map((p) => p.part.shard),
    [1, 2, 3].map((current) => ({ current, total: 3 })),
  );
  // Several folders at once: each one's parts.
  assert.deepEqual(
    byShard(findParts([join(parts, 'tollgate-part-3'), dirs[0]!])).map((p) => p.dir),
    [dirs[0], dirs[2]],
  );
  // An empty folder holds no part; that is not an error here.
  mkdirSync(join(parts, 'empty'));
  assert.deepEqual(findParts([join(parts, 'empty')]), []);
});

test('findParts does not search a whole tree: a part buried deeper than the artifacts layout is not found', (t) => {
  const root = tempDir(t);
  writePartDir(join(root, 'a', 'b', 'c', 'd', '1-of-1'), samplePart(1, 1));
  assert.deepEqual(findParts([root]), []);
});

test('findParts: a directory that does not exist, or a file, is a usage error naming it', (t) => {
  const root = tempDir(t);
  const missing = join(root, 'parts');
  assert.throws(
    () => findParts([missing]),
    (e: unknown) =>
      e instanceof UsageError && e.exitCode === 64 && e.message === `${missing} is not a directory.` && /shards/.test(e.hint ?? ''),
  );
  const file = join(root, 'part.json');
  writeFileSync(file, JSON.stringify(samplePart(1, 1)));
  assert.throws(
    () => findParts([file]),
    (e: unknown) => e instanceof UsageError && e.message.includes(file),
  );
  // One bad directory among good ones is still refused.
  const good = writePartDir(join(root, '1-of-1'), samplePart(1, 1));
  assert.throws(() => findParts([good, missing]), UsageError);
});

test('findParts: a part.json that is not a part is a schema error naming the file, even found by searching', (t) => {
  const root = tempDir(t);
  const cases: [string, string][] = [
    ['cut off', JSON.stringify(samplePart(1, 2)).slice(0, 30)],
    ['no shard', JSON.stringify({ ...samplePart(1, 2), shard: undefined })],
    ['shard 0', JSON.stringify(samplePart(0, 2))],
    ['another version', JSON.stringify({ ...samplePart(1, 2), version: 2 })],
    ['no run id', JSON.stringify({ ...samplePart(1, 2), runId: '' })],
  ];
  for (const [what, text] of cases) {
    const dir = join(root, what.replace(/\W/g, '-'), '1-of-2');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, PART_FILE), text);
    for (const given of [dir, join(root, what.replace(/\W/g, '-'))]) {
      assert.throws(
        () => findParts([given]),
        (e: unknown) =>
          e instanceof SchemaError &&
          e.exitCode === 65 &&
          e.message.startsWith(`${join(dir, PART_FILE)} is not a shard's part (`) &&
          /tollgate run --shard/.test(e.hint ?? ''),
        `${what}, given ${given}`,
      );
    }
  }
});

test("findParts: a results.json that is not a shard's results is a schema error naming the file", (t) => {
  const dir = writePartDir(join(tempDir(t), '1-of-1'), samplePart(1, 1));
  for (const text of ['{"results":[', '{}', '{"results":null}']) {
    writeFileSync(join(dir, 'results.json'), text);
    assert.throws(
      () => findParts([dir]),
      (e: unknown) => e instanceof SchemaError && e.message.includes(join(dir, 'results.json')),
      text,
    );
  }
});

test('checkParts: every shard reported, in any order', () => {
  assert.deepEqual(checkParts([found(3, 3), found(1, 3), found(2, 3)], RUN), { total: 3, missing: [] });
  assert.deepEqual(checkParts([found(1, 1)], RUN), { total: 1, missing: [] });
});

test('checkParts: the shards that did not report are missing', () => {
  assert.deepEqual(checkParts([found(1, 3), found(3, 3)], RUN), { total: 3, missing: [2] });
  assert.deepEqual(checkParts([found(3, 3)], RUN), { total: 3, missing: [1, 2] });
  assert.deepEqual(checkParts([found(2, 4)], RUN), { total: 4, missing: [1, 3, 4] });
  // No part at all: nothing is known of the split (the merge makes that run untestable itself).
  assert.deepEqual(checkParts([], RUN), { total: 0, missing: [] });
});

test('checkParts refuses a part of another run, naming both runs and the part', () => {
  const stray = found(2, 2, [], { runId: OTHER_RUN });
  assert.throws(
    () => checkParts([found(1, 2), stray], RUN),
    (e: unknown) =>
      e instanceof UsageError &&
      e.exitCode === 64 &&
      e.message.includes(RUN) &&
      e.message.includes(OTHER_RUN) &&
      e.message.includes(stray.dir) &&
      /one run/.test(e.hint ?? ''),
  );
  // Even when every part is of that other run.
  assert.throws(
    () => checkParts([found(1, 1, [], { runId: OTHER_RUN })], RUN),
    (e: unknown) => e instanceof UsageError && e.message.includes(OTHER_RUN),
  );
});

test('checkParts refuses parts split different ways', () => {
  assert.throws(
    () => checkParts([found(1, 2), found(1, 3)], RUN),
    (e: unknown) =>
      e instanceof UsageError &&
      e.exitCode === 64 &&
      e.message.includes(RUN) &&
      /2 shards and 3 shards/.test(e.message) &&
      /--shard i\/n/.test(e.hint ?? ''),
  );
  // Different totals even when the shard numbers would not collide.
  assert.throws(() => checkParts([found(1, 2), found(2, 2), found(3, 3)], RUN), UsageError);
});

test('checkParts refuses the same shard twice, naming both directories', () => {
  const first = found(1, 2);
  const again = { ...found(1, 2), dir: join('/ci/parts', 'tollgate-part-1-attempt-2', '1-of-2') };
  assert.throws(
    () => checkParts([first, found(2, 2), again], RUN),
    (e: unknown) =>
      e instanceof UsageError &&
      e.exitCode === 64 &&
      e.message.includes('Shard 1/2') &&
      e.message.includes(first.dir) &&
      e.message.includes(again.dir),
  );
});

test('mergeResults keeps every test of disjoint parts, in shard order', () => {
  const [a, b, c] = [result('smoke-api', 'a'), failed(result('smoke-web', 'b'), 'timeout'), result('regression-api', 'c')];
  const merged = mergeResults([found(2, 2, [c]), found(1, 2, [a, b])]);
  assert.deepEqual(merged, { results: [a, b, c], duplicates: [] });
  assert.deepEqual(mergeResults([]), { results: [], duplicates: [] });
});

test('mergeResults counts a setup test once, and failed when it failed in any shard', () => {
  const auth = result('auth', 'sign in as operator');
  const ready = result('ready', 'the API answers');
  const [x, y] = [result('smoke-api', 'x'), result('smoke-api', 'y')];

  const allPassed = mergeResults([found(1, 2, [ready, auth, x]), found(2, 2, [ready, auth, y])]);
  assert.deepEqual(allPassed, { results: [ready, auth, x, y], duplicates: [] });

  const authFailed = failed(auth, 'login refused: 401');
  for (const parts of [
    [found(1, 2, [auth, x]), found(2, 2, [authFailed, y])],
    [found(1, 2, [authFailed, x]), found(2, 2, [auth, y])],
    [found(2, 2, [authFailed, y]), found(1, 2, [auth, x])],
  ]) {
    const merged = mergeResults(parts);
    assert.deepEqual(
      merged.results.filter((r) => r.id === auth.id),
      [authFailed],
    );
    assert.equal(merged.results.length, 3);
    assert.deepEqual(merged.duplicates, []);
  }
  // A time-out is a failure too.
  const timedOut: TestResult = {
    ...auth,
    status: 'timedOut',
    outcome: 'unexpected',
    error: { message: 'Test timeout of 30000ms exceeded.' },
  };
  assert.deepEqual(mergeResults([found(1, 3, [auth]), found(2, 3, [auth]), found(3, 3, [timedOut])]).results, [timedOut]);
});

test('mergeResults keeps a non-setup test reported by two shards once and names it a duplicate', () => {
  const [a, b, c] = [result('smoke-api', 'a'), result('regression-web', 'b'), result('smoke-web', 'c')];
  const merged = mergeResults([found(1, 2, [a, b]), found(2, 2, [b, c])]);
  assert.deepEqual(
    merged.results.map((r) => r.id),
    [a.id, b.id, c.id],
  );
  assert.deepEqual(merged.duplicates, [b.id]);
  // A test of the setup projects is not a duplicate; one of another project is, whatever its status.
  const auth = result('auth', 'sign in');
  const again = mergeResults([found(1, 2, [auth, failed(a, 'boom')]), found(2, 2, [auth, a])]);
  assert.deepEqual(again.duplicates, [a.id]);
  assert.equal(again.results.length, 2);
});

test('findParts refuses a part that claims a shard past its split (3/2)', (t) => {
  const dir = writePartDir(join(tempDir(t), '3-of-2'), samplePart(3, 2));
  assert.throws(
    () => findParts([dir]),
    (e: unknown) => e instanceof SchemaError && /shard\.current must not exceed shard\.total/.test(e.message),
  );
});

test('findParts counts a part reached through overlapping arguments once', (t) => {
  const parts = join(tempDir(t), 'parts');
  writePartDir(join(parts, 'tollgate-part-1', '1-of-2'), samplePart(1, 2), []);
  writePartDir(join(parts, 'tollgate-part-2', '2-of-2'), samplePart(2, 2), []);
  const got = findParts([parts, join(parts, 'tollgate-part-1'), join(parts, 'tollgate-part-1', '1-of-2')]);
  assert.deepEqual(got.map((p) => p.part.shard.current).sort(), [1, 2]);
  assert.deepEqual(checkParts(got, RUN), { total: 2, missing: [] });
});

test("mergeResults keeps a setup test's flaky result over a clean pass, whatever the shards' order", () => {
  const clean = result('auth', 'sign in as each role');
  const flaky = { ...clean, outcome: 'flaky' as const, retries: 1 };
  for (const parts of [
    [found(1, 2, [clean]), found(2, 2, [flaky])],
    [found(1, 2, [flaky]), found(2, 2, [clean])],
  ]) {
    const { results } = mergeResults(parts);
    assert.equal(results.length, 1);
    assert.equal(results[0]!.outcome, 'flaky');
  }
  // A failure still outranks a flaky pass.
  const broken = failed(clean, 'sign-in refused');
  assert.equal(mergeResults([found(1, 2, [flaky]), found(2, 2, [broken])]).results[0]!.status, 'failed');
});
