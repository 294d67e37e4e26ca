/**
 * Accessibility of the main pages with axe-core: no critical or serious violations. The rest
 * (moderate, minor) are attached to the report for the team to triage, not failed on.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from '../../fixtures/index.ts';
import { authFile } from '../../fixtures/run.ts';
import { AppPage } from '../../fixtures/pages/app.page.ts';

const BLOCKING = new Set(['critical', 'serious']);

async function audit(page: Page, info: TestInfo, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = (v: (typeof results.violations)[number]) =>
    `${v.impact}: ${v.id} (${v.help}) at ${v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`;
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const others = results.violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  await info.attach(`axe ${name}`, {
    body: JSON.stringify(
      { url: page.url(), blocking: blocking.map(summary), others: others.map(summary), passes: results.passes.length },
      null,
      2,
    ),
    contentType: 'application/json',
  });
  if (others.length)
    info.annotations.push({ type: 'axe (not blocking)', description: `${name}: ${others.map((v) => `${v.impact} ${v.id}`).join(', ')}` });
  expect(blocking.map(summary), `critical or serious accessibility violations on the ${name} page`).toEqual([]);
  expect(results.passes.length, 'axe actually checked the page').toBeGreaterThan(0);
}

test.describe('accessibility (axe)', { tag: '@regression' }, () => {
  test.describe('signed out', () => {
    test('login page', async ({ page }, info) => {
      await new AppPage(page).open('/login', 'Sign in');
      await audit(page, info, 'login');
    });

    test('verify page', async ({ page }, info) => {
      await new AppPage(page).open('/verify', 'Verify a tag');
      await audit(page, info, 'verify');
    });

    test('verify result page', async ({ page, codes }, info) => {
      await new AppPage(page).open(`/verify/${codes.genuine}`, 'Genuine tag');
      await audit(page, info, 'verify result');
    });
  });

  test.describe('signed in as a viewer', { tag: '@seeded' }, () => {
    test.use({ storageState: authFile('viewer') });

    test('dashboard', async ({ page }, info) => {
      await new AppPage(page).open('/', 'Dashboard');
      await audit(page, info, 'dashboard');
    });

    test('tags list', async ({ page }, info) => {
      const app = new AppPage(page);
      await app.open('/tags', 'Tags');
      await expect(page.getByRole('table', { name: 'Tags' }).getByRole('row').nth(1), 'the list has rows to check').toBeVisible();
      await audit(page, info, 'tags');
    });

    test('asset detail', async ({ page, seeded, apiAs }, info) => {
      const genuine = seeded.tags.genuine[0]!;
      const asset = await (await apiAs('viewer')).getAsset(genuine.assetId);
      await new AppPage(page).open(`/assets/${asset.id}`, asset.name);
      // The page with a linked tag shows its richest state: the list of linked tags.
      await expect(page.getByRole('list', { name: 'Linked tags' }).getByRole('link', { name: genuine.code })).toBeVisible();
      await audit(page, info, 'asset detail');
    });
  });
});
