/** Sign in once per role through the real login form and save the session for the suites. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { test as setup } from '../../fixtures/index.ts';
import { signIn } from '../../fixtures/journeys/web.ts';
import { authFile, ROLES } from '../../fixtures/run.ts';

for (const role of ROLES) {
  setup(`sign in as ${role}`, { tag: '@seeded' }, async ({ ui, seeded, page }) => {
    const user = seeded.users[role][0]!;
    await signIn(ui, user.email, user.password);
    mkdirSync(dirname(authFile(role)), { recursive: true, mode: 0o700 });
    await page.context().storageState({ path: authFile(role) });
  });
}
