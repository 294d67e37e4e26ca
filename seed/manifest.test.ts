import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, writeManifest, type Manifest } from './manifest.ts';

test('the manifest is private, but the directories above it stay traversable', () => {
  const root = mkdtempSync(join(tmpdir(), 'tollgate-manifest-'));
  try {
    const env = { TOLLGATE_RUNS_DIR: join(root, '.tollgate', 'runs') };
    const manifest = {
      runId: 'tg_20261122000000_abcdef',
      users: { admin: [{ email: 'a@b.c', name: 'A', password: 'secret-pw' }] },
    } as unknown as Manifest;
    const file = writeManifest(manifest, env);
    const mode = (p: string) => statSync(p).mode & 0o777;
    assert.equal(mode(file), 0o600);
    assert.equal(mode(join(env.TOLLGATE_RUNS_DIR, manifest.runId)), 0o700);
    // A 0700 .tollgate/ would hide the local stack's data directory from the postgres user.
    for (const dir of [join(root, '.tollgate'), env.TOLLGATE_RUNS_DIR]) assert.equal(mode(dir) & 0o055, 0o055, `${dir} is traversable`);
    assert.equal(readManifest(manifest.runId, env).users.admin[0]!.password, 'secret-pw');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
