/**
 * Text users supplied is shown as text on every page that shows it: markup, script and SQL in
 * seeded data (seed/hostile.ts, the regression profile) and in fresh writes never become
 * elements, never run (no dialog, no script error, no CSP report), and read exactly as written.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../../fixtures/index.ts';
import { authFile } from '../../fixtures/run.ts';
import { HOSTILE, INJECTED_MARKER } from '../../seed/hostile.ts';
import { newAsset, scanHeaders, token } from './support/data.ts';

/** Signs that something in the page ran or was parsed as markup, collected while a page is open. */
function watch(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`a ${d.type()} dialog opened: "${d.message()}"`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`a script error: ${e.message}`));
  page.on('console', (m) => {
    // The CSP blocks inline handlers and scripts, and says so: a refusal means markup got in.
    if (m.type() === 'error' && /Content Security Policy|Refused to (execute|load|apply)/i.test(m.text()))
      problems.push(`the browser refused injected code: ${m.text().slice(0, 160)}`);
  });
  return { problems };
}

/** The page shows each text literally and has no element the data created. */
async function expectInert(page: Page, where: string, shown: string[], problems: string[]) {
  // Called once the page's data has rendered (its heading shows): the worst finding first.
  const injected = await page.locator(`[${INJECTED_MARKER}]`).evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 100)));
  expect(injected, `${where}: markup in the data became elements: ${injected.join(' ')}`).toEqual([]);
  expect(problems, `${where}: injected code ran or was blocked`).toEqual([]);
  for (const text of shown) await expect(page.getByText(text).first(), `${where} shows ${JSON.stringify(text)} as text`).toBeVisible();
}

test.describe('user-supplied text renders inert', { tag: ['@regression', '@seeded'] }, () => {
  test.use({ storageState: authFile('admin') });

  test('seeded markup and SQL in asset and tag data show as text on the lists, details and verify pages', async ({
    page,
    seeded,
    apiAs,
  }) => {
    test.skip(!seeded.hostile, `the ${seeded.profile} profile seeds no hostile text (the regression profile does)`);
    const { assetId, linkedCode, revokedCode } = seeded.hostile!;
    const asset = await (await apiAs('viewer')).getAsset(assetId);
    const { problems } = watch(page);
    const pages: [path: string, heading: string, shown: string[]][] = [
      [`/assets?q=${encodeURIComponent(asset.sku)}`, 'Assets', [HOSTILE.name, HOSTILE.manufacturer, HOSTILE.location, HOSTILE.lot]],
      [`/assets/${assetId}`, asset.name, [HOSTILE.manufacturer, HOSTILE.location, HOSTILE.lot]],
      [`/tags/${linkedCode}`, linkedCode, [HOSTILE.name]],
      [`/tags/${revokedCode}`, revokedCode, [HOSTILE.reason]],
      [`/verify/${linkedCode}`, 'Genuine tag', [HOSTILE.name, HOSTILE.manufacturer]],
      [`/verify/${revokedCode}`, 'Revoked tag', [HOSTILE.reason]],
    ];
    for (const [path, heading, shown] of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { name: heading, exact: true }), `${path} loaded`).toBeVisible();
      await expectInert(page, path, shown, problems);
    }
  });

  test(
    'markup written today shows as text in the audit log and the recent verifications',
    { tag: '@writes' },
    async ({ page, seeded, apiAs, api, runId }) => {
      const { problems } = watch(page);
      const name = `${HOSTILE.name} ${token()}`;
      await newAsset(await apiAs('operator'), { name });
      await page.goto('/audit?entity_type=asset');
      await expect(page.getByRole('heading', { name: 'Audit log', exact: true })).toBeVisible();
      await expectInert(page, 'the audit log', [name], problems);

      // Other tests verify tags too: scan again until this scan is among the five the dashboard shows.
      const code = seeded.tags.genuine[0]!.code;
      const location = `${HOSTILE.location} ${token()}`;
      await expect(async () => {
        const scan = await api.send('GET', `/verify/${code}?location=${encodeURIComponent(location)}`, undefined, scanHeaders(runId));
        expect(scan.status, `verify ${code}`).toBe(200);
        await page.goto('/');
        await expect(page.getByText(location).first()).toBeVisible({ timeout: 3_000 });
      }, 'the dashboard lists the scan just made').toPass({ timeout: 20_000 });
      await expectInert(page, 'the dashboard', [location], problems);
    },
  );
});
