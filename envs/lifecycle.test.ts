/** The reaper's decisions, an environment's real status, and the host's limits (no processes started here). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
import { ConfigError, UsageError } from '../config/errors.ts';
import { checkNewName, ENV_MEMORY_MIB, envSettings, reapPlan, statusOf, WARN_BEFORE_MS } from './lifecycle.ts';
import { THIS_HOST, type EnvRecord } from './registry.ts';

const NOW = new Date('2026-12-02T12:00:00Z');
const LIVE = new Set([100, 101, 102, 200]);
const alive = (pid: number) => LIVE.has(pid);
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

const env = (name: string, over: Partial<EnvRecord> = {}): EnvRecord => ({
  name,
  ref: 'HEAD',
  build: 'abc1234',
  owner: 'U012ABCDEF',
  profile: 'regression',
  seed: 7,
  portBase: 24000,
  host: THIS_HOST,
  dir: `/tmp/${name}`,
  state: 'ready',
  workerPid: null,
  pids: { postgres: 100, api: 101, web: 102 },
  webUrl: 'http://127.0.0.1:24000',
  createdAt: minutes(-60),
  expiresAt: minutes(240),
  warnedAt: null,
  ...over,
});

describe('statusOf', () => {
  test('ready only while every process of it runs; the dead ones are named', () => {
    assert.deepEqual(statusOf(env('a'), alive), { status: 'ready' });
    const dead = statusOf(env('a', { pids: { postgres: 100, api: 999, web: 998 } }), alive);
    assert.equal(dead.status, 'dead');
    assert.match(dead.why!, /api pid 999, web pid 998/);
  });
  test('creating or removing by a live process is that; by a process that ended, an orphan', () => {
    assert.deepEqual(statusOf(env('a', { state: 'creating', workerPid: 200, pids: null }), alive), { status: 'creating' });
    assert.deepEqual(statusOf(env('a', { state: 'removing', workerPid: 200 }), alive), { status: 'removing' });
    const orphan = statusOf(env('a', { state: 'creating', workerPid: 555, pids: null }), alive);
    assert.equal(orphan.status, 'orphaned');
    assert.match(orphan.why!, /creating it \(pid 555\) ended/);
  });
  test("another host's environment is not judged by this host's processes", () => {
    assert.equal(statusOf(env('a', { host: 'elsewhere-1', pids: { postgres: 1, api: 2, web: 3 } }), alive).status, 'elsewhere');
  });
});

describe('reapPlan', () => {
  const plan = (records: EnvRecord[]) => reapPlan(records, NOW, alive).map((a) => `${a.action} ${a.name}`);

  test('removes what expired and what lost its processes; leaves the healthy and unexpired', () => {
    assert.deepEqual(
      plan([
        env('expired', { expiresAt: minutes(-1) }),
        env('exactly-now', { expiresAt: NOW }),
        env('healthy'),
        env('dead', { pids: { postgres: 100, api: 999, web: 102 } }),
        env('crashed-up', { state: 'creating', workerPid: 555, pids: null }),
        env('crashed-down', { state: 'removing', workerPid: 556 }),
      ]),
      ['remove expired', 'remove exactly-now', 'remove dead', 'remove crashed-up', 'remove crashed-down'],
    );
  });

  test('an environment being created or removed right now is left to its process, even when expired', () => {
    assert.deepEqual(plan([env('busy', { state: 'creating', workerPid: 200, pids: null, expiresAt: minutes(-5) })]), []);
  });

  test('other hosts’ environments are theirs to reap', () => {
    assert.deepEqual(plan([env('far', { host: 'elsewhere-1', expiresAt: minutes(-100) })]), []);
  });

  test('warns once within the hour before expiry, not before and not again', () => {
    const inWindow = minutes(WARN_BEFORE_MS / 60_000 - 1);
    assert.deepEqual(plan([env('soon', { expiresAt: inWindow })]), ['warn soon']);
    assert.deepEqual(plan([env('edge', { expiresAt: minutes(60) })]), ['warn edge']);
    assert.deepEqual(plan([env('later', { expiresAt: minutes(61) })]), []);
    assert.deepEqual(plan([env('told', { expiresAt: inWindow, warnedAt: minutes(-10) })]), []);
    const [warn] = reapPlan([env('soon', { expiresAt: minutes(30) })], NOW, alive);
    assert.equal(warn?.action === 'warn' && warn.expiresInMs, 30 * 60_000);
  });

  test('a dead environment is removed, never just warned, whatever its expiry', () => {
    assert.deepEqual(plan([env('dead-soon', { expiresAt: minutes(10), pids: { postgres: 1, api: 2, web: 3 } })]), ['remove dead-soon']);
  });
});

describe('envSettings', () => {
  test('the default limit keeps every environment within half the memory, and within the port pool', () => {
    const s = envSettings({});
    const byMemory = Math.max(1, Math.floor(totalmem() / 2 / (ENV_MEMORY_MIB * 1024 * 1024)));
    assert.equal(s.limits.max, Math.min(byMemory, s.limits.portBases.length));
    assert.equal(s.limits.portBases[0], 24000);
    assert.equal(s.limits.portBases[1], 24003);
    assert.ok(s.limits.portBases.every((b) => b + 2 <= 24299));
    assert.equal(envSettings({ TOLLGATE_ENV_PORTS: '20000-20005' }).limits.portBases.length, 2);
  });
  test('TOLLGATE_ENV_MAX overrides; the store is RESULTS_DATABASE_URL when set, else the embedded one', () => {
    assert.equal(envSettings({ TOLLGATE_ENV_MAX: '3' }).limits.max, 3);
    assert.deepEqual(envSettings({ RESULTS_DATABASE_URL: 'postgresql://u:p@db:5432/r' }).store, { url: 'postgresql://u:p@db:5432/r' });
    assert.deepEqual(envSettings({ TOLLGATE_RESULTS_DIR: '/tmp/x/results' }).store, { dataDir: '/tmp/x/results' });
  });
  test('bad values are configuration errors naming each variable', () => {
    for (const [vars, pattern] of [
      [{ TOLLGATE_ENV_PORTS: 'lots' }, /TOLLGATE_ENV_PORTS must be a port range/],
      [{ TOLLGATE_ENV_PORTS: '100-200' }, /TOLLGATE_ENV_PORTS/],
      [{ TOLLGATE_ENV_PORTS: '30000-30001' }, /at least 3 ports/],
      [{ TOLLGATE_ENV_MAX: '0' }, /TOLLGATE_ENV_MAX must be a positive whole number, got "0"/],
      [{ TOLLGATE_ENV_MAX: 'many' }, /TOLLGATE_ENV_MAX/],
    ] as const) {
      assert.throws(
        () => envSettings(vars),
        (e: Error) => e instanceof ConfigError && e.exitCode === 78 && pattern.test(e.message),
      );
    }
  });
});

test('checkNewName: DNS labels only, and never the name of a configured environment', () => {
  assert.equal(checkNewName('qa-login-fix'), 'qa-login-fix');
  for (const bad of ['Bad_Name', '-qa', 'qa-', 'a'.repeat(61), '', 'qa.one', 'dev', 'prod', 'local', 'staging']) {
    assert.throws(
      () => checkNewName(bad),
      (e: Error) => e instanceof UsageError && e.exitCode === 64,
      bad,
    );
  }
});
