/** The deployment's security posture, from the outside. */
import { expect, test } from '../../fixtures/index.ts';
import { securityHeaderProblems, type Headers } from '../../fixtures/security-headers.ts';
import { ROLES } from '../../config/ids.ts';

const PROTECTED = ['/tags', '/assets', '/stats', '/verifications', '/audit', '/users', '/auth/me'];
const TRACE = /Traceback \(most recent call last\)|File ".*\.py", line \d+|at [\w.$]+ \(.*:\d+:\d+\)|Werkzeug Debugger/;

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
        if (res.status === 401) refusals.add(body);
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

  test('error responses carry no stack traces or debug pages', async ({ api, request, target }) => {
    const probes = [
      await api.send('GET', '/tags?page=abc'),
      await api.send('GET', '/no-such-endpoint'),
      await api.send('POST', '/auth/login', '{"email": ', { 'Content-Type': 'application/json' }),
    ];
    for (const res of probes) {
      const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
      expect(body, `${res.config.method?.toUpperCase()} ${res.config.url} answered ${res.status}`).not.toMatch(TRACE);
      if (res.status >= 400) expect(res.headers['content-type'], `${res.config.url}: errors are JSON`).toMatch(/application\/json/);
    }
    const page404 = await request.get(`${target.webURL}/api/../does-not-exist.php`);
    expect(await page404.text()).not.toMatch(TRACE);
  });

  test('a signed-in request with malformed parameters is refused cleanly, not crashed', { tag: '@seeded' }, async ({ apiAs }) => {
    const viewer = await apiAs('viewer');
    for (const path of ['/tags?page=abc', '/assets?per_page=lots', '/tags?sort=;drop']) {
      const res = await viewer.send('GET', path);
      const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
      expect(body, `GET ${path} answered ${res.status}`).not.toMatch(TRACE);
      expect(res.status, `GET ${path} is a client error, not a crash: ${body.slice(0, 120)}`).toBe(400);
    }
  });

  test('CORS does not let an arbitrary origin call the API with credentials', async ({ api }) => {
    const origin = 'https://attacker.example';
    for (const res of [
      await api.send('GET', '/version', undefined, { Origin: origin }),
      await api.send('OPTIONS', '/tags', undefined, {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      }),
    ]) {
      const allowed = res.headers['access-control-allow-origin'];
      const credentials = res.headers['access-control-allow-credentials'];
      expect(allowed === '*' && credentials === 'true', 'wildcard origin with credentials').toBe(false);
      expect(allowed, `${res.config.method} ${res.config.url} reflects ${origin}`).not.toBe(origin);
    }
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

const swapCase = (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** The token with the character at i changed (not the last: its low bits may be padding that decoders ignore). */
const alterAt = (token: string, i: number) => token.slice(0, i) + (token[i] === 'x' ? 'y' : 'x') + token.slice(i + 1);

/** The token with one character of its first (claims) part changed, its signature kept. */
const alterClaims = (token: string) => alterAt(token, Math.min(4, token.indexOf('.') - 1));
