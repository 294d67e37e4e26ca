import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_SIZE, batchPrefix, checkChar, codeFor, isValidCode } from './tagcode.ts';

test("check characters match the reference API's vectors", () => {
  // From reference-app/api/tagcode.py (Luhn mod 32): TT-0000-0001-Y, TT-0000-000Z-1, TT-0000-0010-Z.
  assert.equal(checkChar('00000001'), 'Y');
  assert.equal(checkChar('0000000Z'), '1');
  assert.equal(checkChar('00000010'), 'Z');
  assert.ok(isValidCode('TT-0000-0001-Y'));
  assert.ok(!isValidCode('TT-0000-0001-Z'));
  assert.ok(!isValidCode('TT-0000-000I-1'), 'I is not in the alphabet');
});

test('a batch yields distinct, valid codes that all share its prefix', () => {
  assert.equal(batchPrefix(1234), '016J'); // 1234 = 1·32² + 6·32 + 18
  const seen = new Set<string>();
  for (let n = 0; n < 50_000; n++) {
    const code = codeFor(1234, n, 777);
    assert.ok(code.startsWith('TT-016J-'), code);
    seen.add(code);
  }
  assert.equal(seen.size, 50_000);
  for (const code of [...seen].slice(0, 2000)) assert.ok(isValidCode(code), code);
});

test('the serial scramble is a bijection over the whole batch', () => {
  const seen = new Uint8Array(BATCH_SIZE);
  for (let n = 0; n < BATCH_SIZE; n++) {
    const serial = (Math.imul(n, 0x9e3779b1 | 1) + 5) & (BATCH_SIZE - 1);
    assert.equal(seen[serial], 0);
    seen[serial] = 1;
  }
});
