import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleOf, signatureOf } from './signature.ts';
import { loadTriageFixtures } from '../testing/triage-fixtures.ts';

const fixtures = loadTriageFixtures();
const messages = (fault: string, test: RegExp) => fixtures.filter((f) => f.fault === fault && test.test(f.test)).map((f) => f.message);
const one = (fault: string, test: RegExp = /./) => messages(fault, test)[0] ?? assert.fail(`no fixture for ${fault} ${test}`);

test('the same failure in two real runs, on other seeded codes, has one signature', () => {
  const [a, b] = messages('revoked_reads_genuine', /verify tells a genuine/);
  assert.ok(a && b && a !== b, 'two captures whose messages differ (their tag codes)');
  assert.equal(signatureOf(a), signatureOf(b));
  assert.match(signatureOf(a), /verify of revoked tag <tag>/);
});

test('run ids, ports, durations, numbers and quoted values are placeholders', () => {
  const manifest = messages('manifest_missing', /./).filter((m) => m.includes('No seed manifest'));
  const runs = new Set(manifest.map((m) => /tg_\w+/.exec(m)![0]));
  assert.ok(runs.size >= 2, 'captured in two runs');
  assert.equal(new Set(manifest.map(signatureOf)).size, 1);
  assert.equal(signatureOf(manifest[0]!), 'No seed manifest for run <run>: the seed setup project did not run or failed.');

  const refused = one('target_port_closed', /the expected one/);
  assert.equal(signatureOf(refused.replaceAll('19419', '8443')), signatureOf(refused));
  assert.match(signatureOf(refused), /ECONNREFUSED <ip>:<port>$/);

  const slow = one('slow_tags_list');
  // Other measurements and counts; the budget (Expected: <= 500) is configuration and stays.
  const other = slow
    .replace(/\d+\.\d+/g, (n) => (Number(n) + 7.3).toFixed(1))
    .replace(/over 1 calls|after 1 of|once 1 were/g, (s) => s.replace('1', '3'));
  assert.notEqual(other, slow);
  assert.equal(signatureOf(other), signatureOf(slow));

  const seed = one('seed_profile_unknown');
  assert.equal(signatureOf(seed.replace('smoek', 'regresion')), signatureOf(seed));
  assert.equal(signatureOf(seed), 'UsageError: Unknown profile "…".');
});

test('ids, hashes, timestamps and UUIDs normalize; words that look like hex do not', () => {
  const a = 'build 3f2c1a9 at 2026-11-22T09:17:15.123Z, request 0b9e7c2e-6a1f-4c7e-9a57-2f1d0c3b4a5e failed after 1.2s (deadbeef)';
  const b = 'build 9a8b7c6d at 2026-11-23T10:00:00Z, request 7d0c1f9e-1111-4c7e-9a57-aaaaaaaaaaaa failed after 950ms (deadbeef)';
  assert.equal(signatureOf(a), signatureOf(b));
  assert.equal(signatureOf(a), 'build <hex> at <time>, request <uuid> failed after <duration> (deadbeef)');
});

test('different causes keep different signatures', () => {
  const sigs = new Set(
    [
      one('api_stopped', /environment is ready/),
      one('pending_migration', /environment is ready/),
      one('revoked_reads_genuine'),
      one('viewer_login_broken'),
      one('verify_button_missing'),
      one('strict_locator'),
      one('type_error'),
    ].map(signatureOf),
  );
  assert.equal(sigs.size, 7);
  // Expected and Received are what told these apart: a 401 is not a 500.
  const login = one('viewer_login_broken').replace(/\u001b\[[0-9;]*m/g, '');
  assert.match(signatureOf(login), /Expected: 200 \| Received: 401/);
  assert.notEqual(signatureOf(login.replace('Received: 401', 'Received: 500')), signatureOf(login));
  assert.match(signatureOf(one('revoked_reads_genuine')), /Expected: "revoked" \| Received: "genuine"/);
});

test('colour codes are stripped, and the call log and element lists are left out', () => {
  const coloured = one('revoked_reads_genuine');
  assert.match(coloured, /\u001b\[/, 'the captured message is coloured as Playwright writes it');
  assert.doesNotMatch(signatureOf(coloured), /\u001b/);
  assert.equal(signatureOf(coloured), signatureOf(coloured.replace(/\u001b\[[0-9;]*m/g, '')));

  const refused = signatureOf(one('target_port_closed', /the expected one/));
  assert.doesNotMatch(refused, /user-agent|Call log/);
  // A timed-out action names what it waited for only in the call log: that line is kept, locator intact.
  assert.equal(
    signatureOf(one('verify_button_missing')),
    "TimeoutError: locator.click: Timeout <duration> exceeded. | waiting for getByRole('button', { name: 'Verify', exact: true })",
  );
  const strict = signatureOf(one('strict_locator'));
  assert.match(strict, /strict mode violation: locator\('form input'\) resolved to <n> elements:/);
  assert.doesNotMatch(strict, /aka getByRole/);
});

test('an empty message still has a signature', () => {
  assert.equal(signatureOf(''), '<no message>');
});

test('examples are short and carry no credentials', () => {
  const ex = exampleOf(
    'Error: connect failed for postgresql://tollgate:s3cr3t@db:5432/app\nAuthorization: Bearer eyJhbGciOi.abc\npassword=hunter2\nline 4\nline 5\nline 6\nline 7',
  );
  assert.doesNotMatch(ex, /s3cr3t|eyJhbGciOi|hunter2/);
  assert.match(ex, /postgresql:\/\/tollgate:\*\*\*@db/);
  assert.equal(ex.split('\n').length, 6);
});
