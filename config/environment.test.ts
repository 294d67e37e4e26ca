import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.ts';
import { knownEnvironments, loadEnvironment } from './environment.ts';
import { resolveTarget } from './target.ts';

function fixture(files: Record<string, string>, local: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-envs-'));
  const localDir = mkdtempSync(join(tmpdir(), 'tollgate-local-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.env`), text);
  for (const [name, text] of Object.entries(local)) writeFileSync(join(localDir, `.env.${name}.local`), text);
  return { dir, localDir, cleanup: () => [dir, localDir].forEach((d) => rmSync(d, { recursive: true, force: true })) };
}

const STAGING = 'WEB_URL=https://staging.example.com\nREAD_ONLY=false\nDATABASE_URL_VAR=STAGING_DATABASE_URL\nNEXT_ENV=prod\n';
const PROD = 'WEB_URL=https://example.com\nREAD_ONLY=true\nDATABASE_URL_VAR=PROD_DATABASE_URL\n';

test('the committed environments load and are the four the pipeline promotes through', () => {
  assert.deepEqual(knownEnvironments(), ['dev', 'local', 'prod', 'staging']);
  const prod = loadEnvironment('prod', { env: {} });
  assert.equal(prod.readOnly, true);
  assert.equal(loadEnvironment('staging', { env: {} }).nextEnv, 'prod');
});

test('an unknown environment lists the known ones and how to add it', () => {
  assert.throws(
    () => loadEnvironment('stagin', { env: {} }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.exitCode === 78 &&
      e.message === 'Unknown environment "stagin". Known: dev, local, prod, staging, or an on-demand one (`tollgate env list`).' &&
      e.hint === 'Add config/environments/stagin.env to define it, or create it with `npx tollgate env up stagin`.',
  );
});

test('every problem is reported at once, each with its key and where it came from', () => {
  const f = fixture({ staging: 'WEB_URL=ftp://x\nREAD_ONLY=maybe\nDATABASE_URL_VAR=staging-db\nNEXT_ENV=mars\nSLAK=1\n', prod: PROD });
  try {
    assert.throws(
      () => loadEnvironment('staging', { env: {}, dir: f.dir, localDir: f.localDir }),
      (e: unknown) => {
        const m = (e as Error).message;
        return (
          e instanceof ConfigError &&
          /WEB_URL must be an http\(s\) URL, got "ftp:\/\/x"/.test(m) &&
          /READ_ONLY must be true or false, got "maybe"/.test(m) &&
          /DATABASE_URL_VAR must be an environment variable name/.test(m) &&
          /NEXT_ENV must be one of prod, staging, got "mars"/.test(m) &&
          /SLAK is not a known key/.test(m) &&
          /staging\.env/.test(m)
        );
      },
    );
  } finally {
    f.cleanup();
  }
});

test('precedence: flag > process environment (TOLLGATE_*) > local file > committed file', () => {
  const f = fixture({ staging: STAGING, prod: PROD }, { staging: 'WEB_URL=https://local.example.com\n' });
  try {
    const load = (env: NodeJS.ProcessEnv, flags?: Record<string, string>) =>
      loadEnvironment('staging', { env, flags, dir: f.dir, localDir: f.localDir }).webURL;
    assert.equal(load({}), 'https://local.example.com');
    assert.equal(load({ TOLLGATE_WEB_URL: 'https://env.example.com' }), 'https://env.example.com');
    assert.equal(
      load({ TOLLGATE_WEB_URL: 'https://env.example.com' }, { WEB_URL: 'https://flag.example.com' }),
      'https://flag.example.com',
    );
  } finally {
    f.cleanup();
  }
});

test('the database URL comes from the variable the environment names, from the process or the local file', () => {
  const f = fixture({ staging: STAGING, prod: PROD }, { staging: 'STAGING_DATABASE_URL=postgresql://u:local-secret@db.local:5432/app\n' });
  try {
    const load = (env: NodeJS.ProcessEnv) => loadEnvironment('staging', { env, dir: f.dir, localDir: f.localDir }).databaseUrl;
    assert.equal(load({}), 'postgresql://u:local-secret@db.local:5432/app');
    assert.equal(load({ STAGING_DATABASE_URL: 'postgresql://u:p@db.env:5432/app' }), 'postgresql://u:p@db.env:5432/app');
  } finally {
    f.cleanup();
  }
});

test('a malformed database URL is named without showing its value (it may hold a password)', () => {
  const f = fixture({ staging: STAGING, prod: PROD });
  try {
    assert.throws(
      () => loadEnvironment('staging', { env: { STAGING_DATABASE_URL: 'mysql://u:hunter2@db/app' }, dir: f.dir, localDir: f.localDir }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /STAGING_DATABASE_URL must start with postgresql:\/\//.test(e.message) &&
        !e.message.includes('hunter2'),
    );
  } finally {
    f.cleanup();
  }
});

test('a committed READ_ONLY=true cannot be lifted by any override', () => {
  const f = fixture({ staging: STAGING, prod: PROD }, { prod: 'READ_ONLY=false\n' });
  try {
    assert.throws(
      () => loadEnvironment('prod', { env: {}, dir: f.dir, localDir: f.localDir }),
      /READ_ONLY is true in .*prod\.env and cannot be overridden/,
    );
    assert.throws(
      () => loadEnvironment('prod', { env: {}, flags: { READ_ONLY: 'false' }, dir: f.dir }),
      /cannot be overridden \(flag sets it to "false"\)/,
    );
    // Tightening is always allowed.
    assert.equal(loadEnvironment('staging', { env: { TOLLGATE_READ_ONLY: 'true' }, dir: f.dir, localDir: f.localDir }).readOnly, true);
  } finally {
    f.cleanup();
  }
});

test('an on-demand environment (tollgate env up) loads like local, from its own stack, outside the promotion path', (t) => {
  const envs = mkdtempSync(join(tmpdir(), 'tollgate-ondemand-'));
  t.after(() => rmSync(envs, { recursive: true, force: true }));
  const stack = join(envs, 'qa-login', 'stack');
  mkdirSync(stack, { recursive: true });
  const state = {
    version: 1,
    build: 'abc1234',
    faults: [],
    portBase: 24000,
    ports: { web: 24000, api: 24001, db: 24002 },
    pids: { postgres: 1, api: 2, web: 3 },
    urls: { web: 'http://127.0.0.1:24000', api: 'http://127.0.0.1:24000/api', readyz: 'http://127.0.0.1:24000/readyz' },
    databaseUrl: 'postgresql://tagtrust:s3cret-db@127.0.0.1:24002/tagtrust',
    adminEmail: 'admin@tagtrust.local',
    startedAt: '2026-12-02T10:00:00Z',
    deployedAt: '2026-12-02T10:00:00Z',
  };
  writeFileSync(join(stack, 'state.json'), JSON.stringify(state));
  const secrets = { adminEmail: 'admin@tagtrust.local', adminPassword: 'admin-pw-1', secretKey: 'k', dbPassword: 's3cret-db' };
  writeFileSync(join(stack, 'secrets.json'), JSON.stringify(secrets));
  const env = { TOLLGATE_ENVS_DIR: envs, LOCAL_DATABASE_URL: 'postgresql://u:p@elsewhere:5432/local' };
  const e = loadEnvironment('qa-login', { env });
  assert.equal(e.name, 'qa-login');
  assert.equal(e.onDemandStack, stack);
  assert.equal(e.databaseUrl, state.databaseUrl, "its own stack's database, not local's variable");
  assert.equal(e.nextEnv, undefined, 'not on the promotion path');
  assert.equal(e.readOnly, false);
  assert.deepEqual(e.suites, loadEnvironment('local', { env: {} }).suites);
  const target = resolveTarget({ ...env, TOLLGATE_ENV: 'qa-login' });
  assert.equal(target.webURL, 'http://127.0.0.1:24000');
  assert.equal(target.expectedBuild, 'abc1234');
  assert.deepEqual(target.stackAdmin, { email: 'admin@tagtrust.local', password: 'admin-pw-1' });
  // Gone from disk (env down): unknown again, with how to create it.
  rmSync(join(stack, 'state.json'));
  assert.throws(
    () => loadEnvironment('qa-login', { env }),
    (err: Error) =>
      err instanceof ConfigError &&
      /on-demand one \(`tollgate env list`\)/.test(err.message) &&
      /env up qa-login/.test((err as ConfigError).hint!),
  );
  // Names that are not DNS labels are never looked up on disk.
  assert.throws(() => loadEnvironment('../qa-login', { env }), ConfigError);
});

test("production's committed REQUIRES_APPROVAL=true cannot be lifted; other environments need no approval", () => {
  assert.equal(loadEnvironment('prod', { env: {} }).requiresApproval, true);
  assert.equal(loadEnvironment('staging', { env: {} }).requiresApproval, false);
  assert.throws(
    () => loadEnvironment('prod', { env: { TOLLGATE_REQUIRES_APPROVAL: 'false' } }),
    (e: Error) =>
      e instanceof ConfigError &&
      /REQUIRES_APPROVAL is true in config\/environments\/prod\.env and cannot be overridden \(TOLLGATE_REQUIRES_APPROVAL/.test(e.message),
  );
});
