/** The results store against the embedded backend (PGlite in a temp dir): the same SQL as Postgres. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreachableError } from '../config/errors.ts';
import { openStore, type ResultsStore } from './store.ts';
import { sampleResult, sampleRun } from '../testing/sample-run.ts';
import { lock } from './store/sql.ts';

describe('results store (embedded)', { concurrency: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-store-'));
  const dataDir = join(dir, 'results');
  let store: ResultsStore;

  before(async () => {
    store = await openStore({ dataDir });
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the data directory is private and the lock is released on close', async () => {
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.ok(existsSync(`${dataDir}.lock`), 'locked while open');
    await store.close();
    assert.ok(!existsSync(`${dataDir}.lock`), 'released on close');
    store = await openStore({ dataDir }); // reopening finds the migrations applied
  });

  test('a run round-trips: verdict, counts, reasons, and each test with its triage signature', async () => {
    const rec = sampleRun({ environment: 'roundtrip' });
    await store.recordRun(rec);
    const [got, ...rest] = await store.history('roundtrip');
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...got, results: undefined },
      {
        runId: rec.runId,
        environment: 'roundtrip',
        build: rec.build,
        verdict: 'BLOCK',
        startedAt: rec.startedAt,
        finishedAt: rec.finishedAt,
        durationMs: 90_000,
        counts: rec.counts,
        reasons: rec.reasons,
        results: undefined,
      },
    );
    assert.deepEqual(got!.results, {
      [rec.results[0]!.id]: { status: 'passed', outcome: 'expected' },
      [rec.results[1]!.id]: { status: 'failed', outcome: 'unexpected', signature: 'expected <s>, got <s>' },
      [rec.results[2]!.id]: { status: 'passed', outcome: 'flaky' },
    });
  });

  test('re-recording a run replaces it: one run, the new verdict, the new results only', async () => {
    const rec = sampleRun({ environment: 'rerecord' });
    await store.recordRun(rec);
    await store.recordRun({ ...rec, verdict: 'PROMOTE', results: [rec.results[0]!], triage: { failures: [], groups: [] } });
    const runs = await store.history('rerecord');
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.verdict, 'PROMOTE');
    assert.deepEqual(Object.keys(runs[0]!.results), [rec.results[0]!.id]);
  });

  test('history is newest first, limited, filtered by build, and only of its environment', async () => {
    const recs = [5, 1, 3, 2, 4].map((m) => sampleRun({ environment: 'hist', minutesAgo: m, build: m % 2 ? 'odd' : 'even' }));
    for (const r of recs) await store.recordRun(r);
    await store.recordRun(sampleRun({ environment: 'elsewhere', minutesAgo: 0, build: 'odd' }));
    const newestFirst = [...recs].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).map((r) => r.runId);
    assert.deepEqual(
      (await store.history('hist')).map((r) => r.runId),
      newestFirst,
    );
    assert.deepEqual(
      (await store.history('hist', { limit: 2 })).map((r) => r.runId),
      newestFirst.slice(0, 2),
    );
    const odd = await store.history('hist', { build: 'odd' });
    assert.deepEqual(
      odd.map((r) => r.runId),
      recs
        .filter((r) => r.build === 'odd')
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .map((r) => r.runId),
    );
    assert.deepEqual(
      (await store.runsForBuild('odd')).map((r) => r.environment),
      ['elsewhere', 'hist', 'hist', 'hist'],
    );
    assert.equal((await store.runsForBuild('odd', 'hist')).length, 3);
    assert.deepEqual(await store.history('nowhere'), []);
  });

  test('lastPromoted is the newest PROMOTE or WARN, past newer BLOCKs and INCONCLUSIVEs', async () => {
    const warn = sampleRun({ environment: 'last', minutesAgo: 3, verdict: 'WARN', build: 'b2' });
    await store.recordRun(sampleRun({ environment: 'last', minutesAgo: 4, verdict: 'PROMOTE', build: 'b1' }));
    await store.recordRun(warn);
    await store.recordRun(sampleRun({ environment: 'last', minutesAgo: 2, verdict: 'BLOCK', build: 'b3' }));
    await store.recordRun(sampleRun({ environment: 'last', minutesAgo: 1, verdict: 'INCONCLUSIVE', build: 'b3' }));
    assert.equal((await store.lastPromoted('last'))?.runId, warn.runId);
    assert.equal(await store.lastPromoted('empty'), undefined);
  });

  test("durations: each test's median over the environment's newest runs, skipped tests and older runs left out", async () => {
    const run = (minutesAgo: number, ms: number, skipped = false) =>
      sampleRun({
        environment: 'timed',
        minutesAgo,
        results: [
          sampleResult('slow one', { durationMs: ms }),
          sampleResult('fast one', { durationMs: ms / 10 }),
          sampleResult('skipped one', { status: skipped ? 'skipped' : 'passed', durationMs: skipped ? 0 : 50 }),
        ],
      });
    await store.recordRun(run(9, 99_000)); // older than the newest three: not counted
    for (const [ago, ms] of [
      [3, 4000],
      [2, 6000],
      [1, 5000],
    ] as const)
      await store.recordRun(run(ago, ms, true));
    const d = await store.durations('timed', 3);
    const id = (title: string) => Object.keys(d).find((k) => k.endsWith(title))!;
    assert.equal(d[id('slow one')], 5000);
    assert.equal(d[id('fast one')], 500);
    assert.equal(id('skipped one'), undefined, 'a test that only skipped has no duration');
    assert.deepEqual(await store.durations('nowhere'), {});
  });

  test('promotion attempts are recorded with who, when and why, newest first', async () => {
    const evidence = sampleRun({ environment: 'staging', build: 'p1', verdict: 'PROMOTE' });
    await store.recordRun(evidence);
    const denied = {
      build: 'p1',
      fromEnv: '',
      toEnv: 'local',
      allowed: false,
      actor: 'bob',
      at: '2026-11-22T08:00:00.000Z',
      reasons: ['local is first'],
    };
    const allowed = {
      build: 'p1',
      fromEnv: 'staging',
      toEnv: 'prod',
      allowed: true,
      actor: 'alice',
      at: '2026-11-22T09:00:00.000Z',
      evidenceRunId: evidence.runId,
      reasons: ['ok'],
    };
    const id1 = await store.recordPromotion(denied);
    const id2 = await store.recordPromotion(allowed);
    assert.ok(id2 > id1);
    assert.deepEqual(await store.promotions('p1'), [
      { id: id2, ...allowed },
      { id: id1, ...denied },
    ]);
    assert.deepEqual(await store.promotions('other'), []);
  });

  test('a failing result insert rolls the whole run back: no half run, and a replaced run stays as it was', async () => {
    const bad = sampleRun({ environment: 'rollback' });
    const duplicate = [...bad.results, bad.results[0]!]; // violates the (run_id, test_id) key
    await assert.rejects(store.recordRun({ ...bad, results: duplicate }), /duplicate key|unique/i);
    assert.deepEqual(await store.history('rollback'), []);

    await store.recordRun(bad);
    await assert.rejects(
      store.recordRun({ ...bad, verdict: 'PROMOTE', results: [sampleResult('x', { status: 'exploded' as never })] }),
      /check constraint/i,
    );
    const [kept] = await store.history('rollback');
    assert.equal(kept!.verdict, 'BLOCK');
    assert.equal(Object.keys(kept!.results).length, 3);
  });

  test('a run without results and without optional fields is recorded', async () => {
    const rec = sampleRun({ environment: 'bare', results: [], verdict: 'INCONCLUSIVE' });
    delete rec.seed;
    delete rec.ci;
    await store.recordRun(rec);
    const [got] = await store.history('bare');
    assert.equal(got!.verdict, 'INCONCLUSIVE');
    assert.deepEqual(got!.results, {});
  });
});

describe('embedded store lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a lock held by a live process is waited for, then reported as unreachable', async () => {
    const file = join(dir, 'live.lock');
    writeFileSync(file, String(process.pid));
    const started = Date.now();
    await assert.rejects(
      lock(file, 'test store', 300),
      (e: unknown) => e instanceof UnreachableError && /locked by process \d+/.test((e as Error).message),
    );
    assert.ok(Date.now() - started >= 300);
  });

  test('a lock left by a dead process is taken over, and released', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const file = join(dir, 'stale.lock');
    writeFileSync(file, dead);
    const release = await lock(file, 'test store', 1_000);
    assert.ok(existsSync(file));
    release();
    assert.ok(!existsSync(file));
  });

  test('a second opener waits for the first to release', async () => {
    const file = join(dir, 'queue.lock');
    const release = await lock(file, 'test store', 1_000);
    const second = lock(file, 'test store', 2_000);
    setTimeout(release, 150);
    (await second)();
    assert.ok(!existsSync(file));
  });
});
