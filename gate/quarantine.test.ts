import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { isExpired, loadQuarantine, quarantineIndex, QUARANTINE_FILE } from './quarantine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-quarantine-'));
const write = (body: string) => {
  const f = join(dir, `${Math.random()}.json`);
  writeFileSync(f, body);
  return f;
};
const entry = { test: 'regression › regression/tags.spec.ts › *', reason: 'r', owner: 'o', ticket: 'T-1', expires: '2026-12-01' };

test('the committed quarantine file is valid', () => {
  assert.ok(Array.isArray(loadQuarantine(QUARANTINE_FILE)));
});

test('a valid file loads; a missing file is an empty quarantine', () => {
  assert.deepEqual(loadQuarantine(write(JSON.stringify({ quarantine: [entry] }))), [entry]);
  assert.deepEqual(loadQuarantine(join(dir, 'absent.json')), []);
});

test('every bad entry is listed with its number and field', () => {
  const f = write(
    JSON.stringify({ quarantine: [entry, { ...entry, owner: '', expires: '2026-13-45' }, { test: 'x' }, { ...entry, extra: 1 }] }),
  );
  assert.throws(
    () => loadQuarantine(f),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.exitCode, 78);
      assert.match(e.message, /entry 2 "owner": must name who fixes it/);
      assert.match(e.message, /entry 2 "expires": is not a real date/);
      assert.match(e.message, /entry 3 "reason"/);
      assert.match(e.message, /entry 3 "ticket"/);
      assert.match(e.message, /entry 4: Unrecognized key/);
      assert.doesNotMatch(e.message, /entry 1/);
      return true;
    },
  );
});

test('broken JSON and the wrong shape get their own message', () => {
  assert.throws(() => loadQuarantine(write('{"quarantine": [')), /is not valid JSON/);
  assert.throws(() => loadQuarantine(write('[]')), /must be an object with one key, "quarantine"/);
});

test('an entry protects through its expiry day (UTC), not after', () => {
  assert.equal(isExpired(entry, new Date('2026-12-01T23:59:59Z')), false);
  assert.equal(isExpired(entry, new Date('2026-12-02T00:00:00Z')), true);
});

test('exact ids and * patterns match across path separators; expired entries are kept apart', () => {
  const exact = { ...entry, test: 'smoke-api › smoke/api/api.spec.ts › API journeys › search' };
  const broad = { ...entry, test: 'regression › *', expires: '2026-01-01' };
  const idx = quarantineIndex([exact, broad], new Date('2026-11-22T00:00:00Z'));
  assert.equal(idx.active('smoke-api › smoke/api/api.spec.ts › API journeys › search'), exact);
  assert.equal(idx.active('smoke-api › smoke/api/api.spec.ts › API journeys › search more'), undefined);
  assert.equal(idx.active('regression › regression/tags.spec.ts › tags › paging'), undefined);
  assert.equal(idx.expired('regression › regression/tags.spec.ts › tags › paging'), broad);
});

test('a * in the project matches the same journey in every lane (web and Selenium), and nothing beyond it', () => {
  const lanes = { ...entry, test: 'smoke-* › * › the verify page tells genuine, revoked and unknown tags apart' };
  const idx = quarantineIndex([lanes], new Date('2026-11-22T00:00:00Z'));
  const title = 'web journeys (web) › the verify page tells genuine, revoked and unknown tags apart';
  assert.equal(idx.active(`smoke-web › smoke/journeys.ts › ${title}`), lanes);
  assert.equal(idx.active(`smoke-selenium › smoke/journeys.ts › ${title.replace('(web)', '(selenium)')}`), lanes);
  assert.equal(idx.active(`regression › regression/verifications.spec.ts › ${title}`), undefined);
  assert.equal(idx.active(`smoke-web › smoke/journeys.ts › web journeys (web) › the verify page loads`), undefined);
});
