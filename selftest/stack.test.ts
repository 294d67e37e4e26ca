/**
 * `tollgate stack` end to end, through the real CLI: real PostgreSQL, gunicorn and nginx on
 * loopback ports, real exit codes. Each test leaves the stack in the state the next expects,
 * so they run in order; `after` always tears everything down.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isAlive } from '../lib/process.ts';
import { portIsFree } from '../stack/processes.ts';
import type { StackState } from '../stack/state.ts';
import { noStackTrace, tollgate } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_SELFTEST_PORT_BASE ?? 18280);
const readState = (dir: string) => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as StackState;

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  assert.ok(res.ok, `${url} answered ${res.status}`);
  return res.json();
}

describe('tollgate stack', { concurrency: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-stack-'));
  const env = { TOLLGATE_STACK_DIR: dir, ADMIN_PASSWORD: 'selftest-admin-password-1' };
  let first: StackState;

  after(async () => {
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
  });

  test('up starts PostgreSQL, the API and the web on loopback and records them', async () => {
    const r = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'st-1'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stack started in \d+\.\d s/);
    assert.match(r.stdout, new RegExp(`web\\s+http://127\\.0\\.0\\.1:${BASE}/`));
    assert.match(r.stdout, /password from ADMIN_PASSWORD/);
    assert.doesNotMatch(r.stdout, /selftest-admin-password-1/, 'the admin password is never printed');

    first = readState(dir);
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    assert.deepEqual(first.ports, { web: BASE, api: BASE + 1, db: BASE + 2 });
    for (const pid of Object.values(first.pids)) assert.ok(isAlive(pid), `pid ${pid} should be running`);
    for (const port of Object.values(first.ports)) assert.equal(await portIsFree(port), false, `port ${port} should be taken`);

    const version = await json(`${first.urls.api}/version`);
    assert.equal(version.build, 'st-1');
    assert.equal((await json(`${first.urls.web}/version.json`)).build, 'st-1');
    assert.equal((await json(first.urls.readyz)).status, 'ready');
    const index = await fetch(`${first.urls.web}/assets/detail/1`); // any SPA route falls back to index.html
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  test('up again with the same build and faults leaves the running stack alone', async () => {
    const r = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'st-1'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stack already up/);
    assert.deepEqual(readState(dir).pids, first.pids);
  });

  test('up with another build and faults redeploys API and web and keeps the database', async () => {
    const login = await json(`${first.urls.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: first.adminEmail, password: env.ADMIN_PASSWORD }),
    });
    const asset = await json(`${first.urls.api}/assets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ name: 'Survives redeploy', sku: 'SR-1', manufacturer: 'Selftest' }),
    });

    const r = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'st-2', '--faults', 'dashboard_counts_zero'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stack redeployed/);
    const next = readState(dir);
    assert.equal(next.pids.postgres, first.pids.postgres, 'the database is not restarted');
    assert.notEqual(next.pids.api, first.pids.api, 'the API is redeployed');
    assert.ok(!isAlive(first.pids.api), 'the old API is stopped');
    assert.deepEqual(next.faults, ['dashboard_counts_zero']);
    assert.equal((await json(`${next.urls.api}/version`)).build, 'st-2');
    assert.match(await (await fetch(`${next.urls.web}/config.js`)).text(), /"faults":\["dashboard_counts_zero"\]/);
    const relogin = await json(`${next.urls.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: first.adminEmail, password: env.ADMIN_PASSWORD }),
    });
    const kept = await json(`${next.urls.api}/assets/${asset.id}`, { headers: { authorization: `Bearer ${relogin.token}` } });
    assert.equal(kept.name, 'Survives redeploy');
    first = next;
  });

  test('status reports a healthy stack', async () => {
    const r = await tollgate(['stack', 'status'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^healthy: build st-2/);
  });

  test('a failed migration names the step and leaves nothing running', async () => {
    const client = new pg.Client({ connectionString: first.databaseUrl });
    await client.connect();
    await client.query("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = '0002'");
    await client.end();

    const r = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'st-3'], env);
    assert.equal(r.code, 70, r.stdout + r.stderr);
    assert.match(r.stderr, /^tollgate: migrate: .*0002.*checksum/m);
    assert.match(r.stderr, /fix: /);
    noStackTrace(r);
    assert.equal(existsSync(join(dir, 'state.json')), false, 'no state claims a stack');
    for (const pid of Object.values(first.pids)) assert.ok(!isAlive(pid), `pid ${pid} should be stopped`);
    for (const port of Object.values(first.ports)) assert.ok(await portIsFree(port), `port ${port} should be free`);
    rmSync(dir, { recursive: true, force: true }); // the tampered database goes with it
  });

  test('down stops exactly what up started and frees the ports', async () => {
    const up = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', 'st-4'], env);
    assert.equal(up.code, 0, up.stderr);
    const state = readState(dir);
    const r = await tollgate(['stack', 'down'], env);
    assert.equal(r.code, 0, r.stderr);
    for (const role of ['postgres', 'api', 'web']) assert.match(r.stdout, new RegExp(`stopped ${role}`));
    for (const pid of Object.values(state.pids)) assert.ok(!isAlive(pid), `pid ${pid} should be stopped`);
    for (const port of Object.values(state.ports)) assert.ok(await portIsFree(port), `port ${port} should be free`);
    const status = await tollgate(['stack', 'status'], env);
    assert.equal(status.code, 3);
  });
});

describe('tollgate stack: bad input', { concurrency: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-stack-bad-'));
  const env = { TOLLGATE_STACK_DIR: dir };
  let blocker: Server;

  before(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(BASE + 12, '127.0.0.1', resolve)); // the db port of base+10
  });
  after(() => {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a port in use is named, with --port-base as the fix, and nothing is started', async () => {
    const r = await tollgate(['stack', 'up', '--port-base', String(BASE + 10)], env);
    assert.equal(r.code, 73, r.stderr);
    assert.match(r.stderr, new RegExp(`port ${BASE + 12} \\(PostgreSQL\\) on 127\\.0\\.0\\.1 is already in use`));
    assert.match(r.stderr, /--port-base/);
    noStackTrace(r);
    assert.equal(existsSync(join(dir, 'state.json')), false);
    assert.equal(existsSync(join(dir, 'pgdata', 'postmaster.pid')), false, 'PostgreSQL was not started');
    assert.ok(await portIsFree(BASE + 10));
  });

  test('a missing binary is named with how to install it', async () => {
    const r = await tollgate(['stack', 'up', '--port-base', String(BASE + 20)], { ...env, NGINX_BIN: '/nonexistent/nginx' });
    assert.equal(r.code, 69, r.stderr);
    assert.match(r.stderr, /nginx not found at \/nonexistent\/nginx/);
    noStackTrace(r);
    assert.equal(existsSync(join(dir, 'state.json')), false);
  });

  test(
    'as root, a stack directory and a private root the postgres user cannot reach are named with the fix',
    { skip: process.getuid?.() !== 0 && 'needs root' },
    async () => {
      // A 0700 stack directory alone works (its cluster moves to a private home: private-checkout.test.ts);
      // with the private root out of reach as well, nothing can work.
      const locked = mkdtempSync(join(tmpdir(), 'tollgate-locked-')); // mkdtemp makes it 0700
      try {
        const r = await tollgate(['stack', 'up', '--port-base', String(BASE + 30)], {
          TOLLGATE_STACK_DIR: join(locked, 'stack'),
          TOLLGATE_PRIVATE_ROOT: join(locked, 'private'),
        });
        assert.equal(r.code, 70, r.stderr);
        assert.match(r.stderr, /^tollgate: postgres: the postgres user cannot reach .*tollgate-locked-\w+\/private either/m);
        assert.match(r.stderr, /TOLLGATE_PRIVATE_ROOT/);
        noStackTrace(r);
        assert.ok(await portIsFree(BASE + 32), 'PostgreSQL was not started');
        assert.ok(!existsSync(join(locked, 'private')), 'no private home was made');
      } finally {
        await tollgate(['stack', 'down', '--purge'], {
          TOLLGATE_STACK_DIR: join(locked, 'stack'),
          TOLLGATE_PRIVATE_ROOT: join(locked, 'private'),
        });
        rmSync(locked, { recursive: true, force: true });
      }
    },
  );

  test('unknown faults and malformed build ids are usage errors listing what is allowed', async () => {
    const faults = await tollgate(['stack', 'up', '--faults', 'no_such_fault'], env);
    assert.equal(faults.code, 64);
    assert.match(faults.stderr, /Unknown fault: no_such_fault/);
    assert.match(faults.stderr, /wrong_build/);
    const build = await tollgate(['stack', 'up', '--build', 'bad build!'], env);
    assert.equal(build.code, 64);
    assert.match(build.stderr, /not a valid build id/);
    noStackTrace(build);
  });
});
