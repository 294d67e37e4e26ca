/**
 * One session per role for the suites, saved as a browser storage state. Signed in through the
 * API and written the way the app keeps its session (localStorage), which is fast; the login
 * form itself is covered by the smoke suites' sign-in journey.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test as setup } from '../../fixtures/index.ts';
import { authFile } from '../../fixtures/run.ts';
import { ROLES } from '../../config/ids.ts';
import { SESSION_KEYS, type StorageState } from '../../fixtures/ui/ui.ts';

for (const role of ROLES) {
  setup(`sign in as ${role}`, { tag: '@seeded' }, async ({ api, seeded, target }) => {
    const user = seeded.users[role][0]!;
    const res = await api.send('POST', '/auth/login', { email: user.email, password: user.password });
    expect(res.status, `sign-in of ${user.email}: ${JSON.stringify(res.data)}`).toBe(200);
    const state: StorageState & { cookies: never[] } = {
      cookies: [],
      origins: [
        {
          origin: new URL(target.webURL).origin,
          localStorage: [
            { name: SESSION_KEYS.token, value: res.data.token },
            { name: SESSION_KEYS.user, value: JSON.stringify(res.data.user) },
          ],
        },
      ],
    };
    mkdirSync(dirname(dirname(authFile(role))), { recursive: true });
    mkdirSync(dirname(authFile(role)), { recursive: true, mode: 0o700 });
    writeFileSync(authFile(role), JSON.stringify(state), { mode: 0o600 });
  });
}
