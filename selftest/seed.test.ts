/**
 * `tollgate seed` end to end, through the real CLI, against a real reference stack: data the
 * product accepts, replay, concurrency, ids reserved in one block (or one by one where the role
 * may not move sequences), precise cleanup, read-only refusal, credentials from a
 * command, bad input, and a seeder killed mid-COPY. "Nothing written" is checked by comparing
 * a digest of every row of every table before and after.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { StackState } from '../stack/state.ts';
import type { Manifest } from '../seed/manifest.ts';
import { reserveRunIds } from '../seed/load.ts';
import { createDatabase, noStackTrace, stackDatabase, startTollgate, tollgate, workspace, type Run } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_SEED_SELFTEST_PORT_BASE ?? 18580);
const TABLES = ['users', 'assets', 'tags', 'tag_links', 'verifications', 'audit_log'];

describe('tollgate seed', { concurrency: false }, () => {
  const { dir } = workspace('seed');
  const env = { TOLLGATE_STACK_DIR: join(dir, 'stack'), TOLLGATE_RUNS_DIR: join(dir, 'runs') };
  let state: StackState;
  let db: pg.Client;
  let api: string;

  const seed = (args: string[], extra: NodeJS.ProcessEnv = {}) => tollgate(['seed', ...args], { ...env, ...extra });
  const manifest = (runId: string) => JSON.parse(readFileSync(join(env.TOLLGATE_RUNS_DIR, runId, 'manifest.json'), 'utf8')) as Manifest;
  const runIdOf = (r: Run) => /run (tg_\d{14}_[a-z0-9]{6})/.exec(r.stdout)?.[1] ?? assert.fail(`no run id in:\n${r.stdout}${r.stderr}`);
  /** A digest of every row of every table: equal digests mean nothing was written. */
  const snapshot = async () => {
    const parts = await Promise.all(
      TABLES.map(
        async (t) =>
          (await db.query(`SELECT count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) AS h FROM ${t} x`)).rows[0],
      ),
    );
    return Object.fromEntries(TABLES.map((t, i) => [t, `${parts[i].n}:${parts[i].h}`]));
  };
  const runRows = async (runId: string) =>
    Number(
      (
        await db.query(
          `SELECT (SELECT count(*) FROM tags WHERE metadata->>'tollgate_run' = $1) + (SELECT count(*) FROM assets WHERE metadata->>'tollgate_run' = $1)
          + (SELECT count(*) FROM users WHERE email LIKE $1 || '.%') + (SELECT count(*) FROM verifications WHERE user_agent LIKE '% tollgate/' || $1) AS n`,
          [runId],
        )
      ).rows[0].n,
    );
  const call = async (path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
    const res = await fetch(`${api}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const login = async (email: string, password: string) =>
    (await call('/auth/login', { method: 'POST', body: { email, password } })).body.token as string;

  before(async () => {
    const up = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'seed-test', '--quiet'], env);
    assert.equal(up.code, 0, up.stderr);
    ({ state, db } = await stackDatabase(env));
    api = state.urls.api;
  });
  after(async () => {
    await db?.end();
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a smoke seed writes data the product accepts, and a private manifest to find it', async () => {
    const r = await seed(['--profile', 'smoke']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /seed \d+ \(replay with --seed \d+\)/);
    const m = manifest(runIdOf(r));
    assert.equal(statSync(join(env.TOLLGATE_RUNS_DIR, m.runId, 'manifest.json')).mode & 0o777, 0o600);
    for (const role of ['admin', 'operator', 'viewer'] as const) {
      for (const u of m.users[role]) assert.ok(!(r.stdout + r.stderr).includes(u.password), 'passwords never appear in output');
      const token = await login(m.users[role][0]!.email, m.users[role][0]!.password);
      assert.equal((await call('/auth/me', { token })).body.role, role);
    }
    const genuine = (await call(`/verify/${m.tags.genuine[0]!.code}`)).body;
    assert.equal(genuine.result, 'genuine');
    assert.equal(genuine.asset.id, m.tags.genuine[0]!.assetId);
    assert.equal((await call(`/verify/${m.tags.revoked[0]!.code}`)).body.result, 'revoked');
    assert.equal((await call(`/verify/${m.tags.unknown[0]}`)).body.result, 'unknown');
    assert.equal(
      m.counts.tags,
      Number((await db.query(`SELECT count(*) FROM tags WHERE metadata->>'tollgate_run' = $1`, [m.runId])).rows[0].count),
    );
  });

  test('--seed replays the same data after the first run was cleaned', async () => {
    const rows = async (runId: string) =>
      (
        await db.query(
          `SELECT t.code, t.fingerprint, t.status, t.revoked_reason, a.name, a.sku, a.lot, a.manufacturer, a.location, a.manufactured_on
         FROM tags t LEFT JOIN tag_links l ON l.tag_id = t.id AND l.unlinked_at IS NULL LEFT JOIN assets a ON a.id = l.asset_id
        WHERE t.metadata->>'tollgate_run' = $1 ORDER BY t.id`,
          [runId],
        )
      ).rows;
    const first = runIdOf(await seed(['--profile', 'regression', '--seed', '777']));
    const before = await rows(first);
    assert.equal((await seed(['clean', '--run', first])).code, 0);
    const second = runIdOf(await seed(['--profile', 'regression', '--seed', '777']));
    assert.notEqual(second, first);
    assert.equal(before.length, 3000);
    assert.deepEqual(await rows(second), before);
  });

  test('four runs started at once against one database all succeed, without collisions', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => seed(['--profile', 'regression', '--seed', '4242'])));
    for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
    const ms = runs.map((r) => manifest(runIdOf(r)));
    assert.equal(new Set(ms.map((m) => m.batches[0])).size, 4, 'each run owns its own code batch');
    for (const m of ms) {
      const n = (await db.query(`SELECT count(*) FROM tags WHERE metadata->>'tollgate_run' = $1`, [m.runId])).rows[0].count;
      assert.equal(Number(n), m.counts.tags);
    }
  });

  test('ids come in one block reserved before the run; a role that may not move the sequences still seeds, drawing them one by one', async () => {
    const span = async (table: 'tags' | 'assets', runId: string) =>
      (
        await db.query(
          `SELECT count(*)::int AS n, min(id)::bigint AS lo, max(id)::bigint AS hi,
                  (SELECT last_value FROM ${table}_id_seq) AS seq FROM ${table} WHERE metadata->>'tollgate_run' = $1`,
          [runId],
        )
      ).rows[0] as { n: number; lo: string; hi: string; seq: string };
    const fast = runIdOf(await seed(['--profile', 'regression']));
    for (const table of ['tags', 'assets'] as const) {
      const s = await span(table, fast);
      assert.equal(Number(s.hi) - Number(s.lo) + 1, s.n, `${table}: one contiguous block`);
      assert.ok(Number(s.seq) >= Number(s.hi), `${table}: the sequence moved past the block`);
    }
    // A role with the rights to seed and clean, but not to set sequences (no UPDATE on them).
    const admin = new pg.Client({
      host: state.pgdata ?? join(env.TOLLGATE_STACK_DIR, 'pgdata'),
      port: state.ports.db,
      user: 'postgres',
      database: 'tagtrust',
    });
    await admin.connect();
    try {
      await admin.query("CREATE ROLE seed_limited LOGIN PASSWORD 'limited-pw'");
      await admin.query('GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA public TO seed_limited');
      await admin.query('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO seed_limited');
    } finally {
      await admin.end();
    }
    const url = new URL(state.databaseUrl);
    [url.username, url.password] = ['seed_limited', 'limited-pw'];
    // The reservation itself: a block past the sequence for the owner, nothing for the limited role.
    const block = (await reserveRunIds(db, { users: 2, assets: 5, tags: 7 })) ?? assert.fail('the owner could not reserve a block');
    assert.deepEqual(
      Array.from(block.tags, (x, i) => x - i),
      Array(7).fill(block.tags[0]),
      'contiguous',
    );
    assert.equal(Number((await db.query('SELECT last_value FROM tags_id_seq')).rows[0].last_value), block.tags[6]);
    const weak = new pg.Client({ connectionString: url.toString() });
    await weak.connect();
    try {
      assert.equal(await reserveRunIds(weak, { users: 1, assets: 1, tags: 1 }), undefined);
    } finally {
      await weak.end();
    }
    const r = await seed(['--profile', 'regression'], { TOLLGATE_STACK_DIR: join(dir, 'no-stack'), LOCAL_DATABASE_URL: url.toString() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const limited = runIdOf(r);
    assert.equal((await span('tags', limited)).n, manifest(limited).counts.tags);
  });

  test("clean deletes exactly one run's footprint and leaves every other row as it was", async () => {
    const admin = await login(
      state.adminEmail,
      JSON.parse(readFileSync(join(env.TOLLGATE_STACK_DIR, 'secrets.json'), 'utf8')).adminPassword,
    );
    // Other data, written the way the product writes it.
    const asset = (
      await call('/assets', { method: 'POST', token: admin, body: { name: 'Unrelated pump', sku: 'UP-1', manufacturer: 'Elsewhere Ltd' } })
    ).body;
    const tag = (await call('/tags', { method: 'POST', token: admin, body: { fingerprint: 'f'.repeat(64) } })).body;
    assert.equal((await call(`/assets/${asset.id}/links`, { method: 'POST', token: admin, body: { tag_code: tag.code } })).status, 201);
    await call(`/verify/${tag.code}`);
    const keep = manifest(runIdOf(await seed(['--profile', 'smoke'])));
    const before = await snapshot();

    const gone = manifest(runIdOf(await seed(['--profile', 'smoke'])));
    // The run's users act through the API: audit entries, scans and links that reference it.
    const operator = await login(gone.users.operator[0]!.email, gone.users.operator[0]!.password);
    assert.equal(
      (await call(`/assets/${gone.assets[0]!.id}/links`, { method: 'POST', token: operator, body: { tag_code: gone.tags.unassigned[0] } }))
        .status,
      201,
    );
    await call(`/verify/${gone.tags.genuine[0]!.code}`);
    assert.equal(
      (await call(`/tags/${gone.tags.genuine[1]!.code}/revoke`, { method: 'POST', token: admin, body: { reason: 'cleanup test' } })).status,
      200,
    );

    const r = await seed(['clean', '--run', gone.runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`run ${gone.runId}: deleted \\d+ rows`));
    assert.deepEqual(await snapshot(), before, 'every row outside the run is exactly as it was');
    assert.ok((await runRows(keep.runId)) > 0, 'another run is untouched');

    const again = await seed(['clean', '--run', gone.runId]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing left to delete/);
  });

  test('--older-than sweeps runs left behind by crashed jobs, and only those', async () => {
    const old = 'tg_20200101000000_oldrun';
    assert.equal((await seed(['--profile', 'smoke', '--run', old])).code, 0);
    const fresh = runIdOf(await seed(['--profile', 'smoke']));
    const r = await seed(['clean', '--older-than', '24h']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`run ${old}: deleted`));
    assert.equal(await runRows(old), 0);
    assert.ok((await runRows(fresh)) > 0);
  });

  test('a READ_ONLY environment is refused with exit 78 and nothing is written', async () => {
    const before = await snapshot();
    const r = await seed(['--env', 'prod', '--profile', 'smoke'], { PROD_DATABASE_URL: state.databaseUrl });
    assert.equal(r.code, 78);
    assert.match(r.stderr, /Environment "prod" is READ_ONLY: Tollgate never writes to it\. Nothing was written\./);
    noStackTrace(r);
    const lifted = await seed(['--env', 'prod'], { PROD_DATABASE_URL: state.databaseUrl, TOLLGATE_READ_ONLY: 'false' });
    assert.equal(lifted.code, 78);
    assert.match(lifted.stderr, /cannot be overridden/);
    assert.deepEqual(await snapshot(), before);
  });

  test('the password can come from DATABASE_PASSWORD_COMMAND, and is never printed', async () => {
    const url = new URL(state.databaseUrl);
    const password = decodeURIComponent(url.password);
    url.password = '';
    const ok = await seed(['--profile', 'smoke'], {
      LOCAL_DATABASE_URL: url.toString(),
      DATABASE_PASSWORD_COMMAND: `printf '%s\\n' '${password}'`,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!(ok.stdout + ok.stderr).includes(password));
    const before = await snapshot();
    const failing = await seed(['--profile', 'smoke'], {
      LOCAL_DATABASE_URL: url.toString(),
      DATABASE_PASSWORD_COMMAND: 'echo TOKEN-OUTPUT; echo TOKEN-ERROR >&2; exit 3',
    });
    assert.equal(failing.code, 78);
    assert.match(failing.stderr, /DATABASE_PASSWORD_COMMAND exited with code 3/);
    assert.doesNotMatch(failing.stdout + failing.stderr, /TOKEN-OUTPUT|TOKEN-ERROR/);
    assert.deepEqual(await snapshot(), before);
  });

  test('bad input gets one clear message, its own exit code, and nothing is written', async () => {
    const url = (change: (u: URL) => void) => {
      const u = new URL(state.databaseUrl);
      change(u);
      return u.toString();
    };
    const cases: { name: string; args: string[]; env?: NodeJS.ProcessEnv; code: number; message: RegExp }[] = [
      {
        name: 'unknown profile',
        args: ['--profile', 'huge'],
        code: 64,
        message: /Unknown profile "huge"\..*smoke, regression, demo, volume/s,
      },
      {
        name: 'scale out of range',
        args: ['--profile', 'volume', '--scale', '5'],
        code: 64,
        message: /--scale must be an integer from 100/,
      },
      {
        name: 'scale without volume',
        args: ['--profile', 'smoke', '--scale', '500'],
        code: 64,
        message: /--scale applies to the volume profile only/,
      },
      { name: 'malformed run id', args: ['--run', 'my-run'], code: 64, message: /"my-run" is not a run id/ },
      { name: 'malformed URL', args: [], env: { LOCAL_DATABASE_URL: 'not a url' }, code: 78, message: /LOCAL_DATABASE_URL is not a URL/ },
      {
        name: 'unreachable host',
        args: [],
        env: {
          LOCAL_DATABASE_URL: url((u) => {
            u.port = String(BASE + 9);
          }),
        },
        code: 68,
        message: /Cannot reach the database at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      },
      {
        name: 'unknown host',
        args: [],
        env: {
          LOCAL_DATABASE_URL: url((u) => {
            u.hostname = 'no-such-host.invalid';
          }),
        },
        code: 68,
        message: /Cannot resolve the database host "no-such-host\.invalid"/,
      },
      {
        name: 'refused authentication',
        args: [],
        env: {
          LOCAL_DATABASE_URL: url((u) => {
            u.password = 'wrong-password';
          }),
        },
        code: 77,
        message: /refused the credentials of user "tagtrust"/,
      },
      {
        name: 'missing database',
        args: [],
        env: {
          LOCAL_DATABASE_URL: url((u) => {
            u.pathname = '/nope';
          }),
        },
        code: 78,
        message: /The database "nope" does not exist/,
      },
      {
        name: 'unknown environment',
        args: ['--env', 'stagin'],
        code: 78,
        message: /Unknown environment "stagin"\. Known: dev, local, prod, staging, or an on-demand one/,
      },
    ];
    const before = await snapshot();
    // Independent refusals: run at once, checked one by one.
    const outcomes = await Promise.all(cases.map((c) => seed(c.args, c.env)));
    for (const [i, c] of cases.entries()) {
      const r = outcomes[i]!;
      assert.equal(r.code, c.code, `${c.name}: ${r.stderr}`);
      assert.match(r.stderr, c.message, c.name);
      assert.ok(!r.stderr.includes(new URL(state.databaseUrl).password), `${c.name}: no password in the message`);
      noStackTrace(r);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('a database whose migrations did not run is named, with exit 65, before anything is written', async () => {
    const r = await seed([], { LOCAL_DATABASE_URL: await createDatabase(env, 'unmigrated') });
    assert.equal(r.code, 65, r.stderr);
    assert.match(
      r.stderr,
      /lacks table users, table assets, table tags, table tag_links, table verifications \(applied migrations: unknown/,
    );
    assert.match(r.stderr, /migrations have probably not run/);
  });

  for (const how of ['SIGKILL', 'pg_terminate_backend'] as const) {
    test(`a seeder stopped mid-COPY (${how}) leaves no row of its run`, async () => {
      const before = await snapshot();
      const runId = `tg_20261122000000_kill${how === 'SIGKILL' ? 'aa' : 'bb'}`;
      const seeder = startTollgate(['seed', '--profile', 'volume', '--scale', '600000', '--run', runId], env);
      let backend: number | undefined;
      // A deadline, not a count of polls: on a busy machine (other self-tests beside this one) the start takes longer.
      for (const deadline = Date.now() + 60_000; !backend && Date.now() < deadline;) {
        await sleep(25);
        const r = await db.query(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'COPY%' AND state = 'active'`,
          [`tollgate-seed ${runId}`],
        );
        backend = r.rows[0]?.pid;
      }
      assert.ok(backend, `the seeder never reached COPY:\n${seeder.output()}`);
      await sleep(300); // well into the load
      if (how === 'SIGKILL') seeder.child.kill('SIGKILL');
      else await db.query('SELECT pg_terminate_backend($1)', [backend]);
      const code = await seeder.exit;
      if (how === 'SIGKILL') assert.equal(code, 128);
      else {
        assert.equal(code, 75, seeder.output());
        // Depending on timing the client reads the server's 57P01 or only sees the socket reset.
        assert.match(seeder.output(), /(terminated|closed) the connection.*rolled back/s);
      }
      for (let i = 0; i < 200; i++) {
        const alive = await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend]);
        if (!alive.rowCount) break;
        await sleep(25);
      }
      assert.equal(await runRows(runId), 0);
      assert.deepEqual(await snapshot(), before);
    });
  }
});
