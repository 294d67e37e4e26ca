import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../config/errors.ts';
import { knownFaults } from './paths.ts';
import { validateUpOptions } from './up.ts';

test('FAULTS.md documents at least 12 faults, each named once', () => {
  const faults = knownFaults();
  assert.ok(faults.length >= 12, `only ${faults.length} faults`);
  assert.equal(new Set(faults).size, faults.length);
});

test('defaults: build from BUILD_ID else "local", no faults, port base 18080', () => {
  assert.deepEqual(validateUpOptions({ env: {} }), { build: 'local', faults: [], portBase: 18080 });
  assert.equal(validateUpOptions({ env: { BUILD_ID: '3f2c1a9' } }).build, '3f2c1a9');
  assert.equal(validateUpOptions({ build: 'flag-wins', env: { BUILD_ID: 'env' } }).build, 'flag-wins');
});

test('faults are trimmed, de-duplicated and sorted, so the same set compares equal', () => {
  const { faults } = validateUpOptions({ env: {}, faults: [' wrong_build', 'audit_open', 'wrong_build', ''] });
  assert.deepEqual(faults, ['audit_open', 'wrong_build']);
});

test('bad values are usage errors that say what is allowed', () => {
  const usage = (o: Parameters<typeof validateUpOptions>[0], pattern: RegExp) =>
    assert.throws(
      () => validateUpOptions(o),
      (e: unknown) => e instanceof UsageError && pattern.test(`${e.message} ${e.hint}`),
    );
  usage({ env: {}, build: 'has space' }, /not a valid build id.*letters, digits/);
  usage({ env: {}, build: 'x'.repeat(65) }, /not a valid build id/);
  usage({ env: {}, faults: ['nope'] }, /Unknown fault: nope.*revoked_reads_genuine/);
  usage({ env: {}, portBase: 80 }, /out of range.*1024 to 65533/);
  usage({ env: {}, portBase: 65534 }, /out of range/);
});
