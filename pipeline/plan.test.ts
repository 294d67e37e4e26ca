/** The prepared run's plan: written atomically, read back strictly, and the manifest in it sealed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { ConfigError, SchemaError, UsageError } from '../config/errors.ts';
import type { Manifest } from '../seed/manifest.ts';
import { manifestKeyMaterial, planFile, readPlan, sealManifest, unsealManifest, writePlan, type RunPlan } from './plan.ts';
import { tempDir } from '../testing/temp.ts';

const RUN = 'tg_20261122114113_di1cj3';
const KEY = 'manifest-key-from-ci-5Jq8w';
const DB_URL = 'postgresql://tollgate:db-pw-Vx81q@db.staging.example.com:5432/tollgate';

function samplePlan(over: Partial<RunPlan> = {}): RunPlan {
  return {
    version: 1,
    runId: RUN,
    environment: 'staging',
    build: '3f2c1a9',
    expectedBuild: '3f2c1a9',
    suites: ['smoke', 'regression'],
    seed: 4242,
    seeded: true,
    projects: ['ready', 'seed', 'auth', 'smoke-api', 'regression-web'],
    skippedSpecs: ['tests/regression/web/assets.spec.ts'],
    startedAt: '2026-11-22T11:41:13.000Z',
    steps: [
      { name: 'config', status: 'ok', durationMs: 12, detail: 'staging' },
      { name: 'ready', status: 'ok', durationMs: 1830, detail: 'web and API ready' },
      { name: 'seed', status: 'ok', durationMs: 5400, detail: '120 tags' },
    ],
    notes: ['differential run: 1 regression spec skipped'],
    sealedManifest: 'AAAA',
    ...over,
  };
}

const users = {
  admin: [{ email: `admin-1+${RUN}@example.test`, name: 'Ada Admin', password: 'Adm1n-pass-Qz93' }],
  operator: [
    { email: `operator-1+${RUN}@example.test`, name: 'Otto Op', password: 'Op3r-pass-Lk20' },
    { email: `operator-2+${RUN}@example.test`, name: 'Ola Op', password: 'Op3r-pass-Wm57' },
  ],
  viewer: [{ email: `viewer-1+${RUN}@example.test`, name: 'Vi Viewer', password: 'V1ew-pass-Rt64' }],
};

function sampleManifest(over: Partial<Manifest> = {}): Manifest {
  return {
    runId: RUN,
    seed: 4242,
    profile: 'standard',
    environment: 'staging',
    createdAt: '2026-11-22T11:41:20.000Z',
    anchor: '2026-11-22T00:00:00.000Z',
    batches: ['TGK7'],
    counts: { users: 4, tags: 120 },
    users,
    tags: {
      genuine: [{ code: 'TGK7-0001-X', assetId: 11 }],
      revoked: [{ code: 'TGK7-0002-Y', reason: null }],
      unassigned: ['TGK7-0003-Z'],
      unknown: ['TGK7-9999-Q'],
    },
    assets: [{ id: 11, name: '' }],
    ...over,
  };
}

const environmentWith = (databaseUrl: string | undefined) => ({ databaseUrl }) as Environment;

/** Base64 of iv ‖ tag ‖ ciphertext, as bytes. */
const sealedBytes = (sealed: string) => Buffer.from(sealed, 'base64');

test('writePlan writes reports/<run>/plan.json atomically; it parses back, and readPlan gives the same plan', (t) => {
  const dir = tempDir(t);
  const reportDir = join(dir, 'reports', RUN); // does not exist yet
  const plan = samplePlan();
  const file = writePlan(plan, planFile(reportDir));
  assert.equal(file, join(reportDir, 'plan.json'));
  assert.deepEqual(readdirSync(reportDir), ['plan.json'], 'no temp file is left behind');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), plan);
  assert.deepEqual(readPlan(file), plan);

  // Optional fields stay absent rather than coming back as nulls.
  const bare = samplePlan({ seeded: false, projects: [], skippedSpecs: [], notes: [], steps: [] });
  delete bare.expectedBuild;
  delete bare.seed;
  delete bare.sealedManifest;
  assert.deepEqual(readPlan(writePlan(bare, file)), bare);
  assert.ok(!('sealedManifest' in readPlan(file)));
});

test('writePlan refuses an invalid plan and leaves the plan already there untouched', (t) => {
  const dir = tempDir(t);
  const file = planFile(join(dir, 'reports', RUN));
  assert.throws(() => writePlan(samplePlan({ runId: 'run-42' }), file), /runId/);
  assert.equal(existsSync(file), false);
  assert.equal(existsSync(`${file}.tmp`), false);

  writePlan(samplePlan(), file);
  const before = readFileSync(file, 'utf8');
  assert.throws(() => writePlan(samplePlan({ suites: [] }), file));
  assert.throws(() => writePlan({ ...samplePlan(), shard: '1/2' } as RunPlan, file), /shard/);
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.deepEqual(readdirSync(join(dir, 'reports', RUN)), ['plan.json']);
});

test('readPlan: no file is a usage error naming it and saying how to make one', (t) => {
  const file = join(tempDir(t), 'plan', 'plan.json');
  assert.throws(
    () => readPlan(file),
    (e: unknown) => e instanceof UsageError && e.exitCode === 64 && e.message.includes(file) && /tollgate prepare/.test(e.hint ?? ''),
  );
});

test('readPlan: a file cut off in transfer is a schema error, not a crash', (t) => {
  const file = join(tempDir(t), 'plan.json');
  writeFileSync(file, JSON.stringify(samplePlan(), null, 2).slice(0, 120));
  assert.throws(
    () => readPlan(file),
    (e: unknown) =>
      e instanceof SchemaError && e.exitCode === 65 && e.message.startsWith(`${file} is not JSON`) && /tollgate prepare/.test(e.hint ?? ''),
  );
});

test('readPlan: JSON that is not a plan is a schema error naming the offending field', (t) => {
  const file = join(tempDir(t), 'plan.json');
  const cases: [string, unknown, RegExp][] = [
    ['another version', { ...samplePlan(), version: 2 }, /\(version: /],
    ['an unknown key (the schema is strict)', { ...samplePlan(), shards: 4 }, /"shards"/],
    ['a run id of another shape', samplePlan({ runId: 'tg_2026_di1cj3' }), /\(runId: /],
    ['an unknown suite', { ...samplePlan(), suites: ['smoke', 'nightly'] }, /\(suites\.1: /],
    [
      'a step with a bad status',
      { ...samplePlan(), steps: [{ name: 'seed', status: 'done', durationMs: 1, detail: '' }] },
      /\(steps\.0\.status: /,
    ],
    ['a start that is not a date', samplePlan({ startedAt: 'yesterday' }), /\(startedAt: /],
    ['no build', { ...samplePlan(), build: undefined }, /\(build: /],
    ['an array', [samplePlan()], /\(\(top\): /],
  ];
  for (const [what, json, field] of cases) {
    writeFileSync(file, JSON.stringify(json));
    assert.throws(
      () => readPlan(file),
      (e: unknown) =>
        e instanceof SchemaError &&
        e.exitCode === 65 &&
        e.message.startsWith(`${file} is not a Tollgate run plan (`) &&
        field.test(e.message),
      `${what} should be refused naming the field (${field})`,
    );
  }
});

test('readPlan lists at most five problems of a file that is nothing like a plan', (t) => {
  const file = join(tempDir(t), 'plan.json');
  writeFileSync(file, '{}');
  assert.throws(
    () => readPlan(file),
    (e: unknown) => e instanceof SchemaError && (/\((.*)\)\.$/.exec(e.message)?.[1] ?? '').split('; ').length === 5,
  );
});

test('a sealed manifest opens with the same key material and run id, whole', () => {
  const manifest = sampleManifest();
  const sealed = sealManifest(manifest, KEY);
  assert.deepEqual(unsealManifest(sealed, RUN, KEY), manifest);
  // The layout the plan documents: a 12-byte IV, a 16-byte tag, then the ciphertext (GCM does not pad).
  assert.equal(sealedBytes(sealed).length, 12 + 16 + Buffer.byteLength(JSON.stringify(manifest)));
  assert.equal(Buffer.from(sealedBytes(sealed)).toString('base64'), sealed, 'plain base64');
});

test('the sealed manifest shows no password, e-mail or tag in clear, encoded or not', () => {
  const manifest = sampleManifest();
  const sealed = sealManifest(manifest, KEY);
  const bytes = sealedBytes(sealed);
  const leaks = [
    ...Object.values(users)
      .flat()
      .flatMap((u) => [u.password, u.email]),
    'TGK7-0001-X',
    'Ada Admin',
  ];
  for (const leak of leaks) {
    assert.ok(!sealed.includes(leak), `the sealed string contains ${leak}`);
    assert.ok(!sealed.includes(Buffer.from(leak).toString('base64').slice(0, 8)), `the sealed string contains ${leak} base64-encoded`);
    assert.ok(!bytes.includes(Buffer.from(leak)), `the sealed bytes contain ${leak}`);
  }
  assert.ok(!bytes.includes(Buffer.from('"password"')), 'not even the field names are readable');
});

test('a manifest cannot be opened with another key: a configuration error naming TOLLGATE_MANIFEST_KEY, without the key', () => {
  const sealed = sealManifest(sampleManifest(), KEY);
  assert.throws(
    () => unsealManifest(sealed, RUN, `${KEY}x`),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.exitCode === 78 &&
      e.message.includes(RUN) &&
      !e.message.includes(KEY) &&
      /TOLLGATE_MANIFEST_KEY/.test(e.hint ?? '') &&
      !(e.hint ?? '').includes(KEY),
  );
  // The database URL as key material: another password is another key.
  const byUrl = sealManifest(sampleManifest(), DB_URL);
  assert.deepEqual(unsealManifest(byUrl, RUN, DB_URL), sampleManifest());
  assert.throws(() => unsealManifest(byUrl, RUN, DB_URL.replace('db-pw-Vx81q', 'db-pw-rotated')), ConfigError);
});

test("the run id salts the key: the manifest of one run does not open as another run's", () => {
  const sealed = sealManifest(sampleManifest(), KEY);
  assert.throws(
    () => unsealManifest(sealed, 'tg_20261122114113_di1cj4', KEY),
    (e: unknown) => e instanceof ConfigError && e.message.includes('tg_20261122114113_di1cj4'),
  );
  // Sealed under the manifest's own run id, whatever the caller believes.
  const other = sealManifest(sampleManifest({ runId: 'tg_20261123080000_aaaaaa' }), KEY);
  assert.throws(() => unsealManifest(other, RUN, KEY), ConfigError);
  assert.equal(unsealManifest(other, 'tg_20261123080000_aaaaaa', KEY).runId, 'tg_20261123080000_aaaaaa');
});

test('a sealed manifest changed by one byte anywhere, cut short or not base64 is refused (GCM authenticates it)', () => {
  const sealed = sealManifest(sampleManifest(), KEY);
  const bytes = sealedBytes(sealed);
  for (const at of [0, 11, 12, 27, 28, 28 + 40, bytes.length - 1]) {
    // IV, tag, ciphertext
    const tampered = Buffer.from(bytes);
    tampered[at] = tampered[at]! ^ 0x01;
    assert.throws(() => unsealManifest(tampered.toString('base64'), RUN, KEY), ConfigError, `byte ${at} flipped`);
  }
  for (const cut of [bytes.length - 1, 28, 20, 0]) {
    assert.throws(() => unsealManifest(bytes.subarray(0, cut).toString('base64'), RUN, KEY), ConfigError, `cut to ${cut} bytes`);
  }
  assert.throws(() => unsealManifest('not base64 at all!', RUN, KEY), ConfigError);
});

test('sealing twice gives two different strings (a fresh IV each time) that both open', () => {
  const manifest = sampleManifest();
  const [a, b] = [sealManifest(manifest, KEY), sealManifest(manifest, KEY)];
  assert.notEqual(a, b);
  assert.notDeepEqual(sealedBytes(a).subarray(0, 12), sealedBytes(b).subarray(0, 12), 'the IVs differ');
  assert.deepEqual(unsealManifest(a, RUN, KEY), manifest);
  assert.deepEqual(unsealManifest(b, RUN, KEY), manifest);
});

test('manifestKeyMaterial: TOLLGATE_MANIFEST_KEY first, else a database URL that has a password, else nothing', () => {
  assert.equal(manifestKeyMaterial(environmentWith(DB_URL), { TOLLGATE_MANIFEST_KEY: KEY }), KEY);
  assert.equal(manifestKeyMaterial(environmentWith(undefined), { TOLLGATE_MANIFEST_KEY: KEY }), KEY);
  assert.equal(manifestKeyMaterial(environmentWith(DB_URL), {}), DB_URL);
  // CI gives an unset secret as an empty string: that is no key.
  assert.equal(manifestKeyMaterial(environmentWith(DB_URL), { TOLLGATE_MANIFEST_KEY: '' }), DB_URL);
  assert.equal(manifestKeyMaterial(environmentWith('postgresql://tollgate@db.staging.example.com/tollgate'), {}), undefined);
  assert.equal(manifestKeyMaterial(environmentWith('postgresql://db.staging.example.com/tollgate'), {}), undefined);
  assert.equal(manifestKeyMaterial(environmentWith(undefined), {}), undefined);
  assert.equal(manifestKeyMaterial(environmentWith(''), {}), undefined);
  assert.equal(manifestKeyMaterial(environmentWith('not a url:with@colons'), {}), undefined);
});
