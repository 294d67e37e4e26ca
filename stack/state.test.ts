import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecrets } from './state.ts';

const withDir = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-secrets-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('a new stack generates its secrets once, private, and reuses them', () =>
  withDir((dir) => {
    const first = loadSecrets(dir, {}).secrets;
    assert.equal(first.adminEmail, 'admin@tagtrust.local');
    assert.ok(first.adminPassword.length >= 20 && first.secretKey.length >= 40 && first.dbPassword.length >= 20);
    assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600);
    assert.deepEqual(loadSecrets(dir, {}).secrets, first);
  }));

test('ADMIN_EMAIL and ADMIN_PASSWORD seed a new stack', () =>
  withDir((dir) => {
    const { secrets, mismatched } = loadSecrets(dir, { ADMIN_EMAIL: ' qa@example.com ', ADMIN_PASSWORD: 'seeded-password-123' });
    assert.equal(secrets.adminEmail, 'qa@example.com');
    assert.equal(secrets.adminPassword, 'seeded-password-123');
    assert.deepEqual(mismatched, []);
    assert.equal(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).adminPassword, 'seeded-password-123');
  }));

test('later, differing ADMIN_* values are reported, not silently claimed', () =>
  withDir((dir) => {
    const created = loadSecrets(dir, {}).secrets;
    const { secrets, mismatched } = loadSecrets(dir, { ADMIN_EMAIL: 'other@example.com', ADMIN_PASSWORD: 'another-password' });
    assert.deepEqual(secrets, created, 'the admin the API created keeps its credentials');
    assert.deepEqual(mismatched, ['ADMIN_EMAIL', 'ADMIN_PASSWORD']);
  }));
