/** Nothing is lost when the results store is down: spooled atomically, flushed by the next run. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreachableError } from '../config/errors.ts';
import { flushSpool, historyOrEmpty, recordOrSpool, spool, spooled } from './spool.ts';
import { openStore, type ResultsStore } from './store.ts';
import { sampleRun } from '../testing/sample-run.ts';
import type { RunRecord } from './types.ts';

/** A port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('recordOrSpool', { concurrency: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-spool-'));
  const spoolDir = join(dir, 'spool');
  const dataDir = join(dir, 'results');
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('unreachable store: the run is spooled privately and atomically, the reason given without the password', async () => {
    const url = `postgresql://tollgate:s3cret-pw@127.0.0.1:${await closedPort()}/results`;
    const first = sampleRun({ minutesAgo: 10 });
    const out = await recordOrSpool(first, { url, spoolDir });
    assert.equal(out.recorded, false);
    assert.equal(out.flushed, 0);
    assert.equal(out.spooled, join(spoolDir, `${first.runId}.json`));
    assert.match(out.error!, /Cannot reach the results database at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assert.ok(!out.error!.includes('s3cret-pw'));
    assert.equal(statSync(out.spooled!).mode & 0o777, 0o600);
    assert.equal(statSync(spoolDir).mode & 0o777, 0o700);
    assert.deepEqual(JSON.parse(readFileSync(out.spooled!, 'utf8')), first);
    assert.deepEqual(readdirSync(spoolDir), [`${first.runId}.json`], 'no temp file left behind');

    const second = sampleRun({ minutesAgo: 5 });
    assert.equal((await recordOrSpool(second, { url, spoolDir })).recorded, false);
    assert.deepEqual(
      spooled(spoolDir),
      [first, second].map((r) => join(spoolDir, `${r.runId}.json`)),
      'oldest first',
    );
  });

  test('the next run that reaches the store flushes the spool, then records itself', async () => {
    // What a crash mid-write leaves: a temp file, never a half record under a run's name.
    writeFileSync(join(spoolDir, '.123.456.tmp'), '{"runId": "tg_');
    const third = sampleRun({ minutesAgo: 0 });
    const out = await recordOrSpool(third, { dataDir, spoolDir });
    assert.deepEqual(out, { recorded: true, flushed: 2 });
    assert.deepEqual(spooled(spoolDir), []);
    const store = await openStore({ dataDir });
    try {
      const runs = await store.history('staging');
      assert.equal(runs.length, 3);
      assert.equal(runs[0]!.runId, third.runId);
    } finally {
      await store.close();
    }
    assert.deepEqual(await recordOrSpool(sampleRun(), { dataDir, spoolDir }), { recorded: true, flushed: 0 });
  });

  test('history from an unreachable store is empty, with a warning', async () => {
    const url = `postgresql://tollgate:s3cret-pw@127.0.0.1:${await closedPort()}/results`;
    const h = await historyOrEmpty('staging', { url });
    assert.deepEqual(h.runs, []);
    assert.match(h.warning!, /No history from the results store: Cannot reach/);
    assert.ok(!h.warning!.includes('s3cret-pw'));
    assert.equal((await historyOrEmpty('staging', { dataDir })).runs.length, 4);
  });
});

describe('flushSpool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-flush-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A store that records in memory and fails as told. */
  const fakeStore = (fail: (rec: RunRecord) => Error | undefined) => {
    const recorded: string[] = [];
    const store = {
      recordRun: async (rec: RunRecord) => {
        const e = fail(rec);
        if (e) throw e;
        recorded.push(rec.runId);
      },
    } as unknown as ResultsStore;
    return { store, recorded };
  };

  test('stops at the first sign the store went away, keeping that record and the rest', async () => {
    const spoolDir = join(dir, 'away');
    const recs = [3, 2, 1].map((m) => sampleRun({ minutesAgo: m }));
    const files = recs.map((r) => spool(r, spoolDir));
    const { store, recorded } = fakeStore((rec) =>
      rec.runId === recs[1]!.runId ? new UnreachableError('Cannot reach the results database') : undefined,
    );
    const out = await flushSpool(store, spoolDir);
    assert.equal(out.flushed, 1);
    assert.match(out.error!, /not flushed: Cannot reach/);
    assert.deepEqual(recorded, [recs[0]!.runId]);
    assert.deepEqual(spooled(spoolDir), files.slice(1));
  });

  test('a record the store rejects, or a corrupt file, is set aside and the others still flush', async () => {
    const spoolDir = join(dir, 'rejects');
    const [bad, good] = [2, 1].map((m) => sampleRun({ minutesAgo: m }));
    spool(bad!, spoolDir);
    spool(good!, spoolDir);
    writeFileSync(join(spoolDir, 'tg_00000000000000_broken.json'), '{ not json');
    const { store, recorded } = fakeStore((rec) => (rec.runId === bad!.runId ? new Error('violates check constraint') : undefined));
    const out = await flushSpool(store, spoolDir);
    assert.equal(out.flushed, 1);
    assert.deepEqual(recorded, [good!.runId]);
    assert.match(out.error!, /is not a run record/);
    assert.match(out.error!, new RegExp(`spooled run ${bad!.runId} was rejected by the store \\(violates check constraint\\)`));
    assert.deepEqual(readdirSync(spoolDir).sort(), ['tg_00000000000000_broken.json.rejected', `${bad!.runId}.json.rejected`]);
  });

  test('a run id is never used as a path', () => {
    const file = spool(sampleRun({ runId: '../../etc/x' }), join(dir, 'names'));
    assert.equal(file, join(dir, 'names', '.._.._etc_x.json'));
  });
});
