/** The registry of on-demand environments on the embedded store (PGlite in a temp dir): the same SQL as on Postgres. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { openStoreSql } from '../gate/store.ts';
import type { Sql } from '../gate/store/sql.ts';
import { CapacityError, registryOver, THIS_HOST, withRegistry, type Limits, type Registry, type Reservation } from './registry.ts';

const reservation = (name: string, over: Partial<Reservation> = {}): Reservation => ({
  name,
  ref: 'HEAD',
  build: 'abc1234',
  owner: 'U012ABCDEF',
  profile: 'smoke',
  seed: 42,
  dir: `/tmp/envs/${name}`,
  expiresAt: new Date(Date.now() + 3_600_000),
  ...over,
});
const limits = (over: Partial<Limits> = {}): Limits => ({
  max: 10,
  portBases: [24000, 24003, 24006, 24009],
  portsFree: async () => true,
  ...over,
});

describe('environment registry (embedded store)', { concurrency: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-registry-'));
  let sql: Sql;
  let registry: Registry;
  before(async () => {
    sql = await openStoreSql({ dataDir: join(dir, 'results') });
    registry = registryOver(sql);
  });
  after(async () => {
    await sql?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clear = () => sql.exec('DELETE FROM tollgate.environments');

  test('a reservation takes the first free port block, on this host, as `creating` by this process', async () => {
    await clear();
    const a = await registry.reserve(reservation('qa-a'), limits());
    const b = await registry.reserve(reservation('qa-b'), limits());
    assert.deepEqual([a.portBase, b.portBase], [24000, 24003]);
    assert.equal(a.state, 'creating');
    assert.equal(a.workerPid, process.pid);
    assert.equal(a.host, THIS_HOST);
    assert.equal(a.seed, 42);
    // A block whose ports another program holds is skipped, not handed out.
    const c = await registry.reserve(reservation('qa-c'), limits({ portsFree: async (base) => base !== 24006 }));
    assert.equal(c.portBase, 24009);
    // A removed environment gives its block back.
    await registry.remove('qa-a');
    assert.equal((await registry.reserve(reservation('qa-d'), limits())).portBase, 24000);
  });

  test('a name is handed out once, even to reservations made at the same moment', async () => {
    await clear();
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => registry.reserve(reservation('qa-same'), limits())));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      assert.ok(r.reason instanceof UsageError);
      assert.match(r.reason.message, /An environment named qa-same already exists \(creating/);
    }
    assert.equal((await registry.list()).length, 1);
  });

  test('concurrent reservations of different names get different port blocks, up to the limit and no further', async () => {
    await clear();
    const names = ['qa-1', 'qa-2', 'qa-3', 'qa-4', 'qa-5'];
    const results = await Promise.allSettled(names.map((n) => registry.reserve(reservation(n), limits({ max: 3 }))));
    const granted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.equal(granted.length, 3);
    assert.equal(new Set(granted.map((g) => g.portBase)).size, 3, 'no two environments share a port block');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    assert.equal(refused.length, 2);
    for (const e of refused) {
      assert.ok(e instanceof CapacityError);
      assert.equal(e.exitCode, 75);
      assert.match(e.message, /already runs 3 on-demand environments, its limit \(3\)/);
    }
  });

  test('an exhausted port pool is refused with how to widen it', async () => {
    await clear();
    await assert.rejects(
      registry.reserve(reservation('qa-x'), limits({ portsFree: async () => false })),
      (e: Error) =>
        e instanceof CapacityError && /No free port block/.test(e.message) && /TOLLGATE_ENV_PORTS/.test((e as CapacityError).hint!),
    );
    assert.equal((await registry.list()).length, 0, 'nothing was registered');
  });

  test('ready records the processes and URL; extend moves the expiry and forgets the warning; removing names its worker', async () => {
    await clear();
    await registry.reserve(reservation('qa-r'), limits());
    await registry.ready('qa-r', { pids: { postgres: 11, api: 12, web: 13 }, webUrl: 'http://127.0.0.1:24000' });
    let got = (await registry.get('qa-r'))!;
    assert.equal(got.state, 'ready');
    assert.equal(got.workerPid, null);
    assert.deepEqual(got.pids, { postgres: 11, api: 12, web: 13 });
    assert.equal(got.webUrl, 'http://127.0.0.1:24000');
    const warnedAt = new Date();
    await registry.warned('qa-r', warnedAt);
    assert.equal((await registry.get('qa-r'))!.warnedAt?.getTime(), warnedAt.getTime());
    const later = new Date(Date.now() + 7_200_000);
    got = (await registry.extend('qa-r', later))!;
    assert.equal(got.expiresAt.getTime(), later.getTime());
    assert.equal(got.warnedAt, null, 'a new expiry earns a new warning');
    assert.equal(await registry.extend('qa-none', later), undefined);
    got = (await registry.removing('qa-r'))!;
    assert.equal(got.state, 'removing');
    assert.equal(got.workerPid, process.pid);
    assert.equal(await registry.removing('qa-none'), undefined);
  });
});

test('withRegistry closes the embedded store after each use, so the next process can open it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-registry-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = { dataDir: join(dir, 'results') };
  await withRegistry(store, (r) => r.reserve(reservation('qa-w'), limits()));
  // Opening it again in the same process would wait for its own lock if the first were still open.
  const listed = await withRegistry(store, (r) => r.list());
  assert.deepEqual(
    listed.map((e) => e.name),
    ['qa-w'],
  );
  await assert.rejects(
    withRegistry(store, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal((await withRegistry(store, (r) => r.list())).length, 1, 'closed after a failure too');
});
