/** The deployment is the one expected: same build on web and API, migrations at head. */
import { expect, test } from '../../fixtures/index.ts';
import { connect } from '../../seed/db.ts';
import { parseShownBuild } from '../../fixtures/journeys/web.ts';

test.describe('deployment', { tag: '@verify' }, () => {
  test('web and API report the same build, and the expected one', async ({ api, target, request, page }) => {
    // The web's build is the one its running code shows (compiled into the bundle), not the
    // deployer's version.json, which a stale bundle can sit behind.
    await page.goto('/login');
    const webBuild = parseShownBuild(await page.getByTestId('build-id').innerText());
    const apiBuild = (await api.version()).build;
    expect(apiBuild, `the API reports build ${apiBuild}, the web ${webBuild}`).toBe(webBuild);
    if (target.expectedBuild)
      expect(webBuild, `the deployed build is ${webBuild}, expected ${target.expectedBuild}`).toBe(target.expectedBuild);
    const meta = await request.get(`${target.webURL}/version.json`);
    if (meta.ok()) {
      const written = ((await meta.json()) as { build?: string }).build;
      expect(webBuild, `version.json says build ${written}, but the web runs the code of build ${webBuild}`).toBe(written);
    }
  });

  test("the database's migrations are at the head the API expects", async ({ api, target, request }) => {
    const head = (await api.version()).migration_head;
    const ready = await request.get(target.readyzURL);
    const body = await ready.json();
    expect(ready.status(), `readyz: ${JSON.stringify(body)}`).toBe(200);
    test.skip(!target.environment.databaseUrl, `no database URL for ${target.environment.name}: checked through /readyz only`);
    const client = await connect({ env: target.environment, applicationName: 'tollgate-verify' });
    try {
      const { rows } = await client.query<{ v: string }>('SELECT max(version) AS v FROM schema_migrations');
      expect(rows[0]!.v, 'applied migrations in the database').toBe(head);
    } finally {
      await client.end();
    }
  });
});
