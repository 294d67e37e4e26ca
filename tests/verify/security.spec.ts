/** The deployment's security posture, from the outside. */
import { expect, test } from '../../fixtures/index.ts';
import { securityHeaderProblems, type Headers } from '../../fixtures/security-headers.ts';
import { internalsIn } from '../../fixtures/error-bodies.ts';
import { ROLES } from '../../config/ids.ts';
import type { ApiClient } from '../../fixtures/api-client.ts';

const PROTECTED = ['/tags', '/assets', '/stats', '/verifications', '/audit', '/users', '/auth/me'];
/** Every resource the API serves, public ones and those behind a path parameter (ids that need not exist: CORS answers first). */
const API_PATHS = [
  '/version',
  '/verify/TT-0000-0000-0',
  '/auth/login',
  ...PROTECTED,
  '/tags/TT-0000-0000-0',
  '/assets/1',
  '/assets/1/links',
];

test.describe('security posture', { tag: '@verify' }, () => {
  test('the web and the API send the security headers, with safe values', async ({ api, request, target }) => {
    const web = await request.get(`${target.webURL}/`);
    const problems = securityHeaderProblems(web.headers()).map((p) => `web /: ${p}`);
    for (const path of ['/version', '/tags', '/no-such-endpoint']) {
      const res = await api.send('GET', path);
      problems.push(...securityHeaderProblems(res.headers as Headers).map((p) => `API ${path} (${res.status}) ${p}`));
    }
    expect(problems, `security headers missing or unsafe: ${problems.join('; ')}`).toEqual([]);
  });

  test('protected endpoints refuse unauthenticated calls with 401', async ({ api }) => {
    for (const path of PROTECTED) {
      const res = await api.send('GET', path);
      expect(res.status, `GET ${path} without a token`).toBe(401);
    }
    expect((await api.send('GET', '/tags', undefined, { Authorization: 'Bearer forged.token.value' })).status, 'a forged token').toBe(401);
  });

  test('a role without the right gets 403', { tag: '@seeded' }, async ({ apiAs }) => {
    const viewer = await apiAs('viewer');
    for (const path of ['/audit', '/users']) expect((await viewer.send('GET', path)).status, `viewer GET ${path}`).toBe(403);
    const operator = await apiAs('operator');
    expect((await operator.send('GET', '/audit')).status, 'operator GET /audit').toBe(403);
  });

  test(
    "sign-in is refused for every role with a wrong, empty or another role's password, and for an unknown e-mail",
    { tag: '@seeded' },
    async ({ api, seeded, runId }) => {
      const problems: string[] = [];
      const refusals = new Set<string>();
      const attempt = async (what: string, email: string, password: string, refusedWith: number[]) => {
        const res = await api.send('POST', '/auth/login', { email, password });
        const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
        if (!refusedWith.includes(res.status) || /"token"/.test(body))
          problems.push(`${what}: answered ${res.status}${/"token"/.test(body) ? ' with a token' : ''}`);
        // The error's code and sentence: a body may also carry per-request fields (an id, a time).
        if (res.status === 401) refusals.add(typeof res.data === 'object' ? `${res.data?.error}: ${res.data?.message}` : body);
      };
      for (const role of ROLES) {
        const user = seeded.users[role][0]!;
        const otherRole = ROLES[(ROLES.indexOf(role) + 1) % ROLES.length]!;
        const other = seeded.users[otherRole][0]!;
        await attempt(`${role} with a wrong password`, user.email, `${user.password}x`, [401]);
        await attempt(`${role} with the ${otherRole}'s password`, user.email, other.password, [401]);
        await attempt(`${role} with an empty password`, user.email, '', [400, 401]);
        if (swapCase(user.password) !== user.password)
          await attempt(`${role} with the password in another case`, user.email, swapCase(user.password), [401]);
      }
      await attempt('an unknown e-mail', `nobody.${runId}@seed.tagtrust.test`, seeded.users.viewer[0]!.password, [401]);
      expect(problems, `sign-in that should be refused: ${problems.join('; ')}`).toEqual([]);
      // One refusal for all: the answer must not tell an attacker which e-mails have accounts.
      expect([...refusals], 'a wrong password and an unknown e-mail are refused with the same answer').toHaveLength(1);
    },
  );

  test('a token that was altered is refused on every protected resource', { tag: '@seeded' }, async ({ api, apiAs }) => {
    const token = (await apiAs('viewer')).options.token!;
    const altered = [
      ['signature changed', alterAt(token, token.lastIndexOf('.') + 2)],
      ['claims changed', alterClaims(token)],
      ['signature removed', token.slice(0, token.lastIndexOf('.'))],
    ] as const;
    for (const [how, value] of altered)
      for (const path of PROTECTED) {
        const res = await api.send('GET', path, undefined, { Authorization: `Bearer ${value}` });
        expect(res.status, `GET ${path} with the viewer's token, ${how}`).toBe(401);
      }
  });

  test('a token stops working after sign-out, on every protected resource', { tag: '@seeded' }, async ({ api, seeded }) => {
    const user = seeded.users.viewer[0]!;
    const signIn = async () => {
      const res = await api.send('POST', '/auth/login', { email: user.email, password: user.password });
      expect(res.status, `sign-in of ${user.email}: ${JSON.stringify(res.data)}`).toBe(200);
      return { Authorization: `Bearer ${res.data.token}` };
    };
    const [ended, other] = [await signIn(), await signIn()];
    expect((await api.send('GET', '/auth/me', undefined, ended)).status, 'the fresh token works').toBe(200);
    const out = await api.send('POST', '/auth/logout', undefined, ended);
    expect(out.status, `sign-out answered ${out.status} ${JSON.stringify(out.data)}`).toBe(204);
    const alive = await statusesWith(api, ended);
    expect(alive, `after sign-out the token still opens: ${alive.join(', ')}`).toEqual([]);
    expect((await api.send('GET', '/auth/me', undefined, other)).status, "the user's other session is not ended").toBe(200);
  });

  test('a token stops working after its lifetime, on every protected resource', { tag: '@seeded' }, async ({ api, seeded }) => {
    const user = seeded.users.viewer[0]!;
    // Lifetimes are read against the server's own clock (its Date header), so clock skew does not matter.
    const signIn = async (body: object) => {
      const res = await api.send('POST', '/auth/login', { email: user.email, password: user.password, ...body });
      expect(res.status, `sign-in of ${user.email}: ${JSON.stringify(res.data)}`).toBe(200);
      const lifetime = (Date.parse(res.data.expires_at) - Date.parse(String(res.headers.date))) / 1000;
      return { headers: { Authorization: `Bearer ${res.data.token}` }, lifetime };
    };
    const usual = await signIn({});
    expect(usual.lifetime, `a session token lives ${usual.lifetime} s`).toBeGreaterThan(0);
    expect(usual.lifetime, `a session token lives ${usual.lifetime} s, more than ${MAX_TOKEN_LIFETIME_S} s`).toBeLessThanOrEqual(
      MAX_TOKEN_LIFETIME_S,
    );
    const short = await signIn({ expires_in: SHORT_LIFETIME_S });
    // The Date header has whole seconds: a token may look up to one second longer-lived.
    expect(short.lifetime, 'a shorter lifetime asked for is granted').toBeLessThanOrEqual(SHORT_LIFETIME_S + 1);
    expect((await api.send('GET', '/auth/me', undefined, short.headers)).status, 'the short-lived token works at first').toBe(200);
    await new Promise((r) => setTimeout(r, (short.lifetime + 1.5) * 1000));
    const alive = await statusesWith(api, short.headers);
    expect(alive, `${short.lifetime} s after sign-in, past its lifetime, the token still opens: ${alive.join(', ')}`).toEqual([]);
  });

  test('error responses of every class carry no internals, and are JSON', async ({ api, request, target }) => {
    // A method the API does not route answers 405; in a READ_ONLY environment Tollgate sends no
    // write method at all, so the class is left to the environments it may write to.
    const readOnly = target.environment.readOnly;
    const probes = [
      ['400', await api.send('GET', '/tags?page=abc')],
      ['400', await api.send('POST', '/auth/login', '{"email": ', { 'Content-Type': 'application/json' })],
      ['401', await api.send('GET', '/tags')],
      ['404', await api.send('GET', '/no-such-endpoint')],
      ...(readOnly
        ? []
        : ([
            ['405', await api.send('DELETE', '/version')],
            ['405', await api.send('PUT', '/tags', {})],
          ] as const)),
      // Inputs at the database's limits: a healthy API refuses them (400/404); one that passes them
      // on reaches the 500 handler, whose body must be as clean as the rest.
      ['limit', await api.send('POST', '/auth/login', { email: `a\u0000@b.test`, password: 'x'.repeat(1025) })],
      ['limit', await api.send('GET', `/verify/TT-${'9'.repeat(300)}`)],
    ] as const;
    const problems: string[] = [];
    const reached = new Set<number>();
    for (const [what, res] of probes) {
      const where = `${res.config.method?.toUpperCase()} ${res.config.url?.slice(0, 60)} (${what}) answered ${res.status}`;
      reached.add(res.status);
      const leak = internalsIn(res.data);
      if (leak) problems.push(`${where} with ${leak}`);
      if (res.status >= 400 && !/application\/json/.test(String(res.headers['content-type'])))
        problems.push(`${where} as ${res.headers['content-type']}, not JSON`);
    }
    expect(problems, `error bodies that show internals: ${problems.join('; ')}`).toEqual([]);
    if (!readOnly) expect(reached.has(405), 'a method the API does not route is 405').toBe(true);
    test.info().annotations.push({ type: 'error classes reached', description: [...reached].sort().join(', ') });
    const page404 = await request.get(`${target.webURL}/api/../does-not-exist.php`);
    expect(internalsIn(await page404.text()), "the web server's 404 page").toBeUndefined();
  });

  test(
    'a signed-in request with malformed or extreme parameters is refused cleanly, not crashed',
    { tag: '@seeded' },
    async ({ apiAs }) => {
      const viewer = await apiAs('viewer');
      // A malformed value is a client error; a page far past the end is an empty page.
      for (const [path, expected] of [
        ['/tags?page=abc', [400]],
        ['/assets?per_page=lots', [400]],
        ['/tags?sort=;drop', [400]],
        ['/tags?q=%00', [400]],
        ['/assets?per_page=-1', [400]],
        ['/verifications?page=99999999999999999999999999', [200, 400]],
      ] as const) {
        const res = await viewer.send('GET', path);
        const leak = internalsIn(res.data);
        expect(leak, `GET ${path} answered ${res.status} with ${leak}`).toBeUndefined();
        expect(expected, `GET ${path} answered ${res.status}, not a clean refusal: ${JSON.stringify(res.data).slice(0, 120)}`).toContain(
          res.status,
        );
      }
    },
  );

  test('CORS does not let an arbitrary origin call any API path with credentials', async ({ api }) => {
    const origin = 'https://attacker.example';
    const problems: string[] = [];
    for (const path of API_PATHS)
      for (const res of [
        await api.send('GET', path, undefined, { Origin: origin }),
        await api.send('OPTIONS', path, undefined, {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization',
        }),
      ]) {
        const allowed = res.headers['access-control-allow-origin'];
        const credentials = res.headers['access-control-allow-credentials'];
        if (allowed === origin || (allowed === '*' && credentials === 'true'))
          problems.push(
            `${res.config.method?.toUpperCase()} ${path} allows ${allowed}${credentials === 'true' ? ' with credentials' : ''}`,
          );
      }
    expect(problems, `CORS open to ${origin}: ${problems.join('; ')}`).toEqual([]);
  });

  test('on https: HSTS, and cookies are Secure and HttpOnly', async ({ request, target }) => {
    test.skip(!target.webURL.startsWith('https:'), `${target.webURL} is not https`);
    const res = await request.get(`${target.webURL}/`);
    expect(res.headers()['strict-transport-security'], 'HSTS').toMatch(/max-age=\d+/);
    for (const cookie of res.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')) {
      expect(cookie.value, 'cookie flags').toMatch(/;\s*Secure/i);
      expect(cookie.value, 'cookie flags').toMatch(/;\s*HttpOnly/i);
    }
  });
});

/** Longest acceptable life of a session token, and the short one asked for to see expiry happen. */
const MAX_TOKEN_LIFETIME_S = 24 * 3600;
const SHORT_LIFETIME_S = 2;

/** The protected resources that do not answer 401 to these headers, as "GET /path 200". */
async function statusesWith(api: ApiClient, headers: Record<string, string>): Promise<string[]> {
  const answers = await Promise.all(
    PROTECTED.map(async (path) => [path, (await api.send('GET', path, undefined, headers)).status] as const),
  );
  return answers.filter(([, status]) => status !== 401).map(([path, status]) => `GET ${path} ${status}`);
}

const swapCase = (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** The token with the character at i changed (not the last: its low bits may be padding that decoders ignore). */
const alterAt = (token: string, i: number) => token.slice(0, i) + (token[i] === 'x' ? 'y' : 'x') + token.slice(i + 1);

/** The token with one character of its first (claims) part changed, its signature kept. */
const alterClaims = (token: string) => alterAt(token, Math.min(4, token.indexOf('.') - 1));
