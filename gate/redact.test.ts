import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { collectSecrets, createRedactor, manifestPasswords, MASK } from './redact.ts';

const SPECIAL = 'p@ss:w/rd&x';

test('a known secret with special characters is caught raw, URL-encoded, form-encoded, JSON- and HTML-escaped', () => {
  const r = createRedactor([SPECIAL]);
  assert.equal(r.text(`typed ${SPECIAL} here`), `typed ${MASK} here`);
  assert.equal(r.text('db postgresql://app:p%40ss%3Aw%2Frd%26x@10.0.0.5:5432/tags'), `db postgresql://app:${MASK}@10.0.0.5:5432/tags`);
  assert.equal(r.text('body password=p%40ss%3Aw%2Frd%26x'), `body password=${MASK}`);
  assert.equal(r.text('lower-case hex p%40ss%3aw%2frd%26x.'), `lower-case hex ${MASK}.`);
  // Inside a JSON string that itself holds JSON, and as Go/Python escape it.
  const nested = JSON.stringify({ echo: JSON.stringify({ note: 'p@ss:w/rd&x"' }) });
  assert.ok(!createRedactor(['p@ss:w/rd&x"']).text(nested).includes('p@ss'));
  assert.equal(r.text('{"go":"p@ss:w/rd\\u0026x","php":"p@ss:w\\/rd&x"}'), `{"go":"${MASK}","php":"${MASK}"}`);
  assert.equal(r.text('<td>p@ss:w/rd&amp;x</td>'), `<td>${MASK}</td>`);
});

test('secrets are matched literally and the longest wins, so no fragment is left behind', () => {
  const r = createRedactor(['abc.def(1)*', 'short-secret', 'short-secret-but-longer']);
  assert.equal(r.text('abc.def(1)* abcXdef(1)) short-secret-but-longer'), `${MASK} abcXdef(1)) ${MASK}`);
});

test('short and placeholder values are never treated as secrets', () => {
  const r = createRedactor(['true', 'false', '1', 'abc', '', undefined, '8080', '123456', 'postgres', 'password', 'real-secret']);
  assert.deepEqual(r.secrets, ['real-secret']);
  const text = 'READ_ONLY=true port 8080 took 123456 ms on postgres as abc';
  assert.equal(r.text(text), text);
});

test('bearer tokens, Authorization and Cookie headers in plain text', () => {
  const r = createRedactor([]);
  assert.equal(
    r.text(
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig_-x\nCookie: sid=abc; theme=dark\nSet-Cookie: session=xyz; HttpOnly\nproxy-authorization: Basic dXNlcjpwYXNz\nX-API-Key: k-123\nAccept: */*',
    ),
    `Authorization: Bearer ${MASK}\nCookie: ${MASK}\nSet-Cookie: ${MASK}\nproxy-authorization: Basic ${MASK}\nX-API-Key: ${MASK}\nAccept: */*`,
  );
  assert.equal(r.text('curl -H "authorization: bearer tok/en+=="'), `curl -H "authorization: bearer ${MASK}"`);
  assert.equal(r.text('fetch(u,{headers:{Authorization:\\"Bearer T0K.x\\"}})'), `fetch(u,{headers:{Authorization:\\"Bearer ${MASK}\\"}})`);
  // Prose about tokens is not a token.
  assert.equal(
    r.text('401: missing Bearer token; WWW-Authenticate: Bearer realm="api"'),
    '401: missing Bearer token; WWW-Authenticate: Bearer realm="api"',
  );
});

test('secret-named JSON fields are masked whatever their value, and the JSON still parses', () => {
  const r = createRedactor([]);
  const input = JSON.stringify(
    {
      email: 'qa@example.test',
      Password: 'typed-in-a-test',
      nested: { access_token: 'from-api', refresh_token: 'r', passwd: 'x', api_key: 'k', secret: 's' },
      headers: { authorization: 'Bearer abc.def', cookie: 'a=b' },
      empty: { token: '' },
      count: { token: 5 },
      echo: JSON.stringify({ password: 'in "quotes" \\ and more', user: 'u' }),
    },
    null,
    1,
  );
  const out = JSON.parse(r.text(input));
  assert.deepEqual(out, {
    email: 'qa@example.test',
    Password: MASK,
    nested: { access_token: MASK, refresh_token: MASK, passwd: MASK, api_key: MASK, secret: MASK },
    headers: { authorization: `Bearer ${MASK}`, cookie: MASK },
    empty: { token: '' },
    count: { token: 5 },
    echo: JSON.stringify({ password: MASK, user: 'u' }),
  });
  // Python reprs in server logs.
  assert.equal(r.text("{'password': 'hunter22', 'user': 'u'}"), `{'password': '${MASK}', 'user': 'u'}`);
});

test('URL passwords, Slack webhooks and Slack tokens', () => {
  const r = createRedactor([]);
  assert.equal(
    r.text('postgres://tagtrust:s3cr3t-pw@db:5432/t and postgresql://u:x%2Fy@h/d'),
    `postgres://tagtrust:${MASK}@db:5432/t and postgresql://u:${MASK}@h/d`,
  );
  assert.equal(r.text('"url":"https://hooks.slack.com/services/T000/B000/XXXXXXXX"'), `"url":"${MASK}"`);
  assert.equal(r.text('bot xoxb-1234-5678-AbCd user xoxp-9-9 app xoxa-2-x'), `bot ${MASK} user ${MASK} app ${MASK}`);
  assert.equal(r.text('http://127.0.0.1:18080/login?next=/tags'), 'http://127.0.0.1:18080/login?next=/tags');
});

test('Playwright trace shapes: header and parameter pairs, cookie arrays, password inputs and fills', () => {
  const r = createRedactor(['known-cookie']);
  const lines = [
    {
      headers: [
        { name: 'Authorization', value: 'Bearer tok-1' },
        { name: 'Accept', value: '*/*' },
        { name: 'set-cookie', value: 's=1' },
      ],
      queryString: [{ name: 'token', value: 'q' }],
    },
    {
      postData: {
        params: [
          { name: 'email', value: 'qa@x.test' },
          { name: 'password', value: 'typed' },
        ],
      },
      rev: [{ value: 'c=1', name: 'Cookie' }],
    },
    // A known value masked first leaves a `]` inside the array: the rest must still be found.
    {
      cookies: [
        { name: 'sid', value: 'known-cookie' },
        { name: 'session', value: 'srv-cookie', httpOnly: true },
        { name: 'x', value: 'y' },
      ],
    },
    {
      snapshot: [
        'INPUT',
        { __playwright_value_: 'typed-pw', type: 'password' },
        ['INPUT', { __playwright_value_: 'qa@x.test', type: 'email' }],
      ],
    },
    { method: 'fill', params: { selector: 'internal:label="Password"i', strict: true, value: 'typed-pw', timeout: 30000 } },
    { method: 'fill', params: { selector: 'internal:label="Email"i', strict: true, value: 'qa@x.test' } },
    { body: 'email=qa%40x.test&password=typed%21&next=%2F' },
  ];
  const out = r
    .text(lines.map((l) => JSON.stringify(l)).join('\n'))
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(out, [
    {
      headers: [
        { name: 'Authorization', value: `Bearer ${MASK}` },
        { name: 'Accept', value: '*/*' },
        { name: 'set-cookie', value: MASK },
      ],
      queryString: [{ name: 'token', value: MASK }],
    },
    {
      postData: {
        params: [
          { name: 'email', value: 'qa@x.test' },
          { name: 'password', value: MASK },
        ],
      },
      rev: [{ value: MASK, name: 'Cookie' }],
    },
    {
      cookies: [
        { name: 'sid', value: MASK },
        { name: 'session', value: MASK, httpOnly: true },
        { name: 'x', value: MASK },
      ],
    },
    {
      snapshot: ['INPUT', { __playwright_value_: MASK, type: 'password' }, ['INPUT', { __playwright_value_: 'qa@x.test', type: 'email' }]],
    },
    { method: 'fill', params: { selector: 'internal:label="Password"i', strict: true, value: MASK, timeout: 30000 } },
    { method: 'fill', params: { selector: 'internal:label="Email"i', strict: true, value: 'qa@x.test' } },
    { body: `email=qa%40x.test&password=${MASK}&next=%2F` },
  ]);
});

test('redacting twice changes nothing more, and text without secrets comes back identical', () => {
  const r = createRedactor([SPECIAL, 'another-secret']);
  const once = r.text(`Authorization: Bearer abc\n{"password":"x","u":"postgres://a:${SPECIAL}@h/d"} another-secret`);
  assert.equal(r.text(once), once);
  const clean = 'smoke-api › smoke/api/verify.spec.ts › verify API › a genuine tag: expected 200, got 503 (12 ms)';
  assert.equal(r.text(clean), clean);
});

test('json() returns a redacted deep copy and leaves its input alone', () => {
  const r = createRedactor([SPECIAL]);
  const at = new Date('2026-01-02T03:04:05Z');
  const input = {
    error: { message: `login failed for ${SPECIAL}` },
    request: { headers: [{ name: 'Cookie', value: 'sid=1' }], password: 'typed', count: 3, ok: true, none: null },
    cookies: [{ name: 'session', value: 'srv' }],
    params: { selector: '#password', value: 'typed' },
    tags: ['@smoke'],
    at,
  };
  const before = structuredClone(input);
  const out = r.json(input);
  assert.deepEqual(input, before);
  assert.deepEqual(out, {
    error: { message: `login failed for ${MASK}` },
    request: { headers: [{ name: 'Cookie', value: MASK }], password: MASK, count: 3, ok: true, none: null },
    cookies: [{ name: 'session', value: MASK }],
    params: { selector: '#password', value: MASK },
    tags: ['@smoke'],
    at,
  });
  assert.notEqual(out.request, input.request);
  assert.notEqual(out.tags, input.tags);
  assert.notEqual(out.at, at);
  const proto = r.json(JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>);
  assert.deepEqual(Object.keys(proto), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('collectSecrets: secret-looking variables, database URL passwords, Slack, the stack and the manifest', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-redact-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'secrets.json'),
    JSON.stringify({
      adminEmail: 'admin@tagtrust.local',
      adminPassword: 'stack-admin-pw',
      secretKey: 'flask-secret-key',
      dbPassword: 'stack-db-pw',
    }),
  );
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ databaseUrl: 'postgresql://tagtrust_app:state%2Fpw@127.0.0.1:18082/tagtrust' }));
  const environment = {
    databaseUrl: 'postgresql://app:env-db-pw@db.staging:5432/tags',
    resultsDatabaseUrl: undefined,
    slack: { notify: 'always', webhookUrl: 'https://hooks.slack.com/services/T1/B1/abcdef', botToken: 'xoxb-bot-token', channel: '#qa' },
  } as unknown as Environment;
  const secrets = collectSecrets({
    env: {
      TOLLGATE_STACK_DIR: dir,
      ADMIN_PASSWORD: 'admin-from-env',
      PGPASSWORD: 'pg-pass-1',
      GITHUB_TOKEN: 'ghp_abcdef',
      API_KEY: 'key-123456',
      RESULTS_DATABASE_URL: 'postgres://results:res-pw%21@store:5432/r',
      HTTP_PROXY: 'http://proxyuser:proxy-pw@proxy:3128',
      // Not secrets: names that do not look secret, and short or placeholder values.
      PWD: '/work/main',
      HOME: '/root',
      GIT_AUTHOR_NAME: 'Quinn Tester',
      WEB_URL: 'https://staging.example.test',
      READ_ONLY_TOKEN: 'true',
      SHORT_PASSWORD: 'abc',
    },
    environment,
    manifestPasswords: manifestPasswords({
      users: {
        admin: [{ email: 'a', name: '', password: 'seed-admin-pw-20ch' }],
        operator: [],
        viewer: [{ email: 'v', name: '', password: 'seed-viewer-pw' }],
      },
    }),
    extra: ['extra-secret', 'tiny'],
  });
  const expected = [
    'admin-from-env',
    'pg-pass-1',
    'ghp_abcdef',
    'key-123456',
    'postgres://results:res-pw%21@store:5432/r',
    'res-pw%21',
    'res-pw!',
    'proxy-pw',
    'postgresql://app:env-db-pw@db.staging:5432/tags',
    'env-db-pw',
    'https://hooks.slack.com/services/T1/B1/abcdef',
    'xoxb-bot-token',
    'stack-admin-pw',
    'flask-secret-key',
    'stack-db-pw',
    'postgresql://tagtrust_app:state%2Fpw@127.0.0.1:18082/tagtrust',
    'state%2Fpw',
    'state/pw',
    'seed-admin-pw-20ch',
    'seed-viewer-pw',
    'extra-secret',
  ];
  for (const s of expected) assert.ok(secrets.includes(s), `missing ${s}`);
  for (const s of [
    '/work/main',
    '/root',
    'Quinn Tester',
    'https://staging.example.test',
    'true',
    'abc',
    'tiny',
    'admin@tagtrust.local',
    dir,
  ]) {
    assert.ok(!secrets.includes(s), `should not collect ${s}`);
  }
  // What it collects feeds the redactor directly.
  assert.equal(createRedactor(secrets).text('login state/pw then stack-admin-pw'), `login ${MASK} then ${MASK}`);
});
