import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constraintViolation, probeProductWrite, type ConstraintViolation } from './probe.ts';

const NOT_NULL: ConstraintViolation = {
  code: '23502',
  table: 'assets',
  column: 'custodian',
  message: 'null value in column "custodian" of relation "assets" violates not-null constraint',
};
const ADMIN = { email: 'admin@tagtrust.test', password: 'admin-password-1' };

/** A stand-in for the product's API on 127.0.0.1: sign-in, one create answer, and a log of calls. */
async function api(t: { after: (fn: () => void) => void }, create: { status: number; body: unknown }, login = 200) {
  const calls: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''} ${body}`.trim());
      const send = (status: number, data?: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      if (req.url === '/api/auth/login') return send(login, login === 200 ? { token: 'tok-1' } : { error: 'unauthorized' });
      if (req.url === '/api/auth/logout') return send(204);
      if (req.method === 'POST') return send(create.status, create.body);
      return send(204);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { apiURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, calls };
}

test('a violation of a constraint the schema imposes (not null, check, foreign key) is recognised with its table; others are not', () => {
  assert.deepEqual(
    constraintViolation(Object.assign(new Error(NOT_NULL.message), { code: '23502', table: 'assets', column: 'custodian' })),
    NOT_NULL,
  );
  assert.equal(
    constraintViolation(Object.assign(new Error('check'), { code: '23514', table: 'tags', constraint: 'tags_x' }))?.constraint,
    'tags_x',
  );
  assert.equal(constraintViolation(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' })), undefined);
  assert.equal(
    constraintViolation(Object.assign(new Error('duplicate key'), { code: '23505', table: 'tags' })),
    undefined,
    'unique: not the schema',
  );
  assert.equal(constraintViolation(Object.assign(new Error('no table'), { code: '23502' })), undefined);
  assert.equal(constraintViolation(new Error('plain')), undefined);
});

test("the product's API failing the same create (5xx) is the deployment's fault; it signs out after", async (t) => {
  const { apiURL, calls } = await api(t, { status: 500, body: { error: 'internal_error', message: 'An unexpected error occurred.' } });
  const out = await probeProductWrite(NOT_NULL, { apiURL, admin: ADMIN, readOnly: false, runId: 'tg_1' });
  assert.equal(out.fault, 'deployment');
  assert.match(out.evidence, /cannot create assets either: POST \/api\/assets answered 500 \("An unexpected error occurred\."\)/);
  assert.match(calls[1]!, /^POST \/api\/assets Bearer tok-1 .*"tollgate_run":"tg_1"/, 'the record is marked for the cleanup');
  assert.match(calls.at(-1)!, /^POST \/api\/auth\/logout Bearer tok-1/);
  assert.ok(!out.evidence.includes(ADMIN.password) && !out.evidence.includes('tok-1'));
});

test('the API still creating the record puts the blame on the seeder, and the probe record is deleted', async (t) => {
  const { apiURL, calls } = await api(t, { status: 201, body: { id: 77, name: 'probe' } });
  const out = await probeProductWrite(NOT_NULL, { apiURL, admin: ADMIN, readOnly: false, runId: 'tg_1' });
  assert.equal(out.fault, 'seeder');
  assert.match(out.evidence, /still creates assets \(POST \/api\/assets answered 201\): the seeder is behind the schema/);
  assert.ok(calls.some((c) => c.startsWith('DELETE /api/assets/77 Bearer tok-1')));
});

test('nothing is learnt, and nothing written, without an account, on READ_ONLY, for a table the API cannot create, or when refused', async (t) => {
  const { apiURL, calls } = await api(t, { status: 400, body: { error: 'validation_error', message: 'custodian is required' } });
  const base = { apiURL, admin: ADMIN, readOnly: false, runId: 'tg_1' };
  assert.match(
    (await probeProductWrite(NOT_NULL, { ...base, admin: undefined })).evidence,
    /no admin account on the target \(ADMIN_EMAIL, ADMIN_PASSWORD\)/,
  );
  assert.match((await probeProductWrite(NOT_NULL, { ...base, readOnly: true })).evidence, /READ_ONLY/);
  assert.match((await probeProductWrite({ ...NOT_NULL, table: 'tag_links' }, base)).evidence, /no create for tag_links/);
  assert.equal(calls.length, 0, 'none of these asked the API anything');
  const refused = await probeProductWrite(NOT_NULL, base);
  assert.deepEqual(
    [refused.fault, refused.evidence],
    ['unknown', 'asked to create assets, POST /api/assets answered 400 ("custodian is required")'],
  );
});

test('an admin who cannot sign in, or an API that does not answer, leaves the blame open', async (t) => {
  const { apiURL } = await api(t, { status: 500, body: {} }, 401);
  const denied = await probeProductWrite(NOT_NULL, { apiURL, admin: ADMIN, readOnly: false, runId: 'tg_1' });
  assert.deepEqual(
    [denied.fault, denied.evidence],
    ['unknown', 'the admin account could not sign in to ask the API (POST /api/auth/login answered 401)'],
  );
  const closed = await probeProductWrite(NOT_NULL, {
    apiURL: 'http://127.0.0.1:9/api',
    admin: ADMIN,
    readOnly: false,
    runId: 'tg_1',
    timeoutMs: 2000,
  });
  assert.equal(closed.fault, 'unknown');
  assert.match(closed.evidence, /^the API could not be asked: /);
});
