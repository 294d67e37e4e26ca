/**
 * The results store against a REAL PostgreSQL (the reference stack's cluster, in a database of
 * its own): the same SQL as the embedded store, concurrent first migrations, a spool flushed
 * once the store is back, and `tollgate history` / `tollgate promote` through the real CLI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { AuthError } from '../config/errors.ts';
import { recordOrSpool } from '../gate/spool.ts';
import { openStore, type ResultsStore } from '../gate/store.ts';
import { withRegistry } from '../envs/registry.ts';
import { sampleRun } from '../testing/sample-run.ts';
import { createDatabase, noStackTrace, tollgate, workspace } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_STORE_SELFTEST_PORT_BASE ?? 19500);

describe('results store on PostgreSQL', { concurrency: false, timeout: 300_000 }, () => {
  const { dir } = workspace('store');
  const spoolDir = join(dir, 'spool');
  const env = {
    TOLLGATE_STACK_DIR: join(dir, 'stack'),
    TOLLGATE_SPOOL_DIR: spoolDir,
    TOLLGATE_RESULTS_DIR: join(dir, 'embedded'),
    GITHUB_ACTOR: 'release-bot',
  };
  let url: string;
  let password: string;
  let store: ResultsStore;
  let db: pg.Client;
  const withUrl = (change: (u: URL) => void) => {
    const u = new URL(url);
    change(u);
    return u.toString();
  };
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => tollgate(args, { ...env, RESULTS_DATABASE_URL: url, ...extra }, 60_000);
  const promotionCount = async () => Number((await db.query('SELECT count(*) AS n FROM tollgate.promotions')).rows[0].n);

  before(async () => {
    const up = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'store-test', '--quiet'], env);
    assert.equal(up.code, 0, up.stderr);
    url = await createDatabase(env, 'tollgate_results');
    password = decodeURIComponent(new URL(url).password);
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  after(async () => {
    await store?.close();
    await db?.end();
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
  });

  test('two runs opening a fresh database at once migrate it once, into the tollgate schema only', async () => {
    const [a, b] = await Promise.all([openStore({ url }), openStore({ url })]);
    await b!.close();
    store = a!;
    assert.deepEqual((await db.query('SELECT version FROM tollgate.schema_migrations ORDER BY 1')).rows, [
      { version: '0001_init' },
      { version: '0002_environments' },
      { version: '0003_approvals' },
    ]);
    const tables = (
      await db.query(
        `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      )
    ).rows.map((r) => r.t);
    assert.deepEqual(tables, [
      'tollgate.approvals',
      'tollgate.environments',
      'tollgate.promotions',
      'tollgate.runs',
      'tollgate.schema_migrations',
      'tollgate.test_results',
    ]);
    assert.match(store.where, /^postgresql:\/\/tagtrust:\*\*\*@127\.0\.0\.1:\d+\/tollgate_results$/);
  });

  test('the environment registry: reservations from separate connections at once never share a name or a port block', async () => {
    const limits = { max: 3, portBases: [24000, 24003, 24006, 24009, 24012], portsFree: async () => true };
    const reserve = (name: string) =>
      withRegistry({ url }, (r) =>
        r.reserve(
          {
            name,
            ref: 'HEAD',
            build: 'abc1234',
            owner: 'u',
            profile: 'smoke',
            seed: 1,
            dir: `/tmp/${name}`,
            expiresAt: new Date(Date.now() + 3_600_000),
          },
          limits,
        ),
      );
    const results = await Promise.allSettled(['qa-a', 'qa-b', 'qa-a', 'qa-c', 'qa-d', 'qa-e'].map(reserve));
    const granted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    assert.equal(granted.length, 3, refused.join('\n'));
    assert.equal(new Set(granted.map((g) => g.name)).size, 3);
    assert.equal(new Set(granted.map((g) => g.portBase)).size, 3);
    assert.equal(refused.length, 3);
    for (const m of refused) assert.match(m, /already exists|its limit \(3\)/);
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM tollgate.environments')).rows[0].n), 3);
    await db.query('DELETE FROM tollgate.environments');
  });

  test('record, re-record and history behave as on the embedded store', async () => {
    const rec = sampleRun({ environment: 'pg', now: new Date(), minutesAgo: 2 });
    await store.recordRun(rec);
    await store.recordRun({ ...rec, verdict: 'WARN' });
    const newer = sampleRun({ environment: 'pg', now: new Date(), minutesAgo: 1, build: 'other' });
    await store.recordRun(newer);
    const runs = await store.history('pg');
    assert.deepEqual(
      runs.map((r) => [r.runId, r.verdict]),
      [
        [newer.runId, 'BLOCK'],
        [rec.runId, 'WARN'],
      ],
    );
    assert.equal(runs[1]!.results[rec.results[1]!.id]!.signature, 'expected <s>, got <s>');
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM tollgate.test_results WHERE run_id = $1', [rec.runId])).rows[0].n), 3);
    assert.deepEqual(
      (await store.history('pg', { build: 'other' })).map((r) => r.runId),
      [newer.runId],
    );
    assert.equal((await store.lastPromoted('pg'))?.runId, rec.runId);
  });

  test('a failing result insert rolls the whole run back', async () => {
    const rec = sampleRun({ environment: 'pg-rollback', now: new Date() });
    await assert.rejects(store.recordRun({ ...rec, results: [...rec.results, rec.results[0]!] }), /duplicate key/);
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM tollgate.runs WHERE run_id = $1', [rec.runId])).rows[0].n), 0);
  });

  test('while the store is down runs are spooled; the first run that reaches it writes them all', async () => {
    const down = withUrl((u) => {
      u.port = String(BASE + 9);
    });
    const refused = withUrl((u) => {
      u.password = 'wrong-password';
    });
    const first = sampleRun({ environment: 'spool', now: new Date(), minutesAgo: 3 });
    const second = sampleRun({ environment: 'spool', now: new Date(), minutesAgo: 2 });
    const a = await recordOrSpool(first, { url: down, spoolDir });
    assert.equal(a.recorded, false);
    assert.match(a.error!, /Cannot reach the results database at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const b = await recordOrSpool(second, { url: refused, spoolDir });
    assert.equal(b.recorded, false);
    assert.match(b.error!, /refused the credentials of user "tagtrust"/);
    assert.ok(!b.error!.includes('wrong-password') && !a.error!.includes(password));
    await assert.rejects(openStore({ url: refused }), AuthError);
    assert.equal(readdirSync(spoolDir).length, 2);

    const third = sampleRun({ environment: 'spool', now: new Date(), minutesAgo: 1 });
    assert.deepEqual(await recordOrSpool(third, { url, spoolDir }), { recorded: true, flushed: 2 });
    assert.deepEqual(readdirSync(spoolDir), []);
    assert.deepEqual(
      (await store.history('spool')).map((r) => r.runId),
      [third, second, first].map((r) => r.runId),
    );
  });

  describe('tollgate promote and history', () => {
    const now = () => new Date();
    let good: ReturnType<typeof sampleRun>;
    let bad: ReturnType<typeof sampleRun>;

    before(async () => {
      good = sampleRun({ environment: 'staging', build: 'sha-good', verdict: 'PROMOTE', now: now(), minutesAgo: 30 });
      bad = sampleRun({ environment: 'staging', build: 'sha-bad', verdict: 'BLOCK', now: now(), minutesAgo: 10 });
      await store.recordRun(good);
      await store.recordRun(sampleRun({ environment: 'staging', build: 'sha-bad', verdict: 'PROMOTE', now: now(), minutesAgo: 20 }));
      await store.recordRun(bad);
    });

    test('allowed once approved: prod needs a recorded approval beside the evidence; the attempts recorded with their actor', async () => {
      const refused = await cli(['promote', '--build', 'sha-good', '--to', 'prod']);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(
        refused.stdout,
        /DENIED\s+build sha-good\s+staging → prod\n {2}- prod requires a person's approval \(REQUIRES_APPROVAL\)/,
      );
      const approved = await cli(['approve', '--build', 'sha-good', '--to', 'prod', '--approver', 'carol', '--note', 'CAB-77']);
      assert.equal(approved.code, 0, approved.stderr);
      assert.match(approved.stdout, /approve: build sha-good into prod approved by carol at .* \(approval #\d+\)\n$/);
      assert.deepEqual((await db.query(`SELECT approver, note FROM tollgate.approvals WHERE build = 'sha-good'`)).rows, [
        { approver: 'carol', note: 'CAB-77' },
      ]);
      const r = await cli(['promote', '--build', 'sha-good', '--to', 'prod']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /approved by carol at .* \(CAB-77\)/);
      assert.match(r.stdout, /ALLOWED\s+build sha-good\s+staging → prod/);
      assert.match(r.stdout, new RegExp(`got PROMOTE in staging \\(${good.runId}`));
      const rows = (await db.query(`SELECT * FROM tollgate.promotions WHERE build = 'sha-good' ORDER BY id`)).rows;
      assert.deepEqual(
        rows.map((row) => [row.allowed, row.actor, row.from_env, row.to_env, row.evidence_run_id]),
        [
          [false, 'release-bot', 'staging', 'prod', good.runId],
          [true, 'release-bot', 'staging', 'prod', good.runId],
        ],
      );
    });

    test('denied: exit 1 with the reasons, and the denial recorded', async () => {
      const r = await cli(['promote', '--build', 'sha-bad', '--to', 'prod', '--actor', 'alice']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /DENIED\s+build sha-bad/);
      assert.match(r.stdout, new RegExp(`was BLOCKed in staging \\(${bad.runId}`));
      noStackTrace(r);
      const rows = (await db.query(`SELECT allowed, actor FROM tollgate.promotions WHERE build = 'sha-bad'`)).rows;
      assert.deepEqual(rows, [{ allowed: false, actor: 'alice' }]);
    });

    test('bad input: one message, its own exit code, nothing recorded', async () => {
      const before = await promotionCount();
      const cases = [
        { args: ['promote', '--build', 'sha good!', '--to', 'prod'], code: 64, message: /"sha good!" is not a build id/ },
        {
          args: ['promote', '--build', 'sha-good', '--to', 'stagin'],
          code: 78,
          message: /Unknown environment "stagin"\. Known: dev, local, prod, staging, or an on-demand one/,
        },
        { args: ['promote', '--build', 'sha-good'], code: 64, message: /required option '--to <name>'/ },
        { args: ['history', '--build', '../x'], code: 64, message: /"\.\.\/x" is not a build id/ },
      ];
      for (const c of cases) {
        const r = await cli(c.args);
        assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, c.message);
        noStackTrace(r);
      }
      const unreachable = await cli(['promote', '--build', 'sha-good', '--to', 'prod'], {
        RESULTS_DATABASE_URL: withUrl((u) => {
          u.port = String(BASE + 9);
        }),
      });
      assert.equal(unreachable.code, 68, unreachable.stderr);
      assert.ok(!unreachable.stderr.includes(password));
      noStackTrace(unreachable);
      assert.equal(await promotionCount(), before);
    });

    test('history prints recent runs of an environment or a build, newest first', async () => {
      const r = await cli(['history', '--env', 'staging']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.match(lines[0]!, /^STARTED\s+RUN\s+ENV\s+BUILD\s+VERDICT\s+PASS\/FAIL\/FLAKY\s+DURATION\s+FIRST REASON$/);
      assert.equal(lines.length, 4);
      assert.match(lines[1]!, new RegExp(`${bad.runId}\\s+staging\\s+sha-bad\\s+BLOCK\\s+2/1/1\\s+1m 30s\\s+1 critical test failed`));
      const byBuild = await cli(['history', '--build', 'sha-bad', '--json']);
      assert.equal(byBuild.code, 0, byBuild.stderr);
      const runs = JSON.parse(byBuild.stdout) as { build: string; verdict: string }[];
      assert.deepEqual(
        runs.map((x) => [x.build, x.verdict]),
        [
          ['sha-bad', 'BLOCK'],
          ['sha-bad', 'PROMOTE'],
        ],
      );
      const none = await cli(['history', '--env', 'dev']);
      assert.equal(none.code, 0);
      assert.match(none.stdout, /no runs in dev/);
      const down = await cli(['history', '--env', 'staging'], {
        RESULTS_DATABASE_URL: withUrl((u) => {
          u.port = String(BASE + 9);
        }),
      });
      assert.equal(down.code, 68);
      assert.match(down.stderr, /Cannot reach the results database/);
    });
  });
});
