/**
 * The web app's health as a signed-in viewer: no console errors or uncaught exceptions on the
 * main pages, and no broken same-origin links on them.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../../fixtures/index.ts';
import { authFile } from '../../fixtures/run.ts';
import type { Manifest } from '../../seed/manifest.ts';
import { isValidCode } from '../../seed/tagcode.ts';
import { AppPage } from '../../fixtures/pages/app.page.ts';

/** The main pages and the heading each must show; detail pages use this run's seeded records. */
interface MainPage {
  name: string;
  path: (m: Manifest) => string;
  heading: (m: Manifest) => string;
}
const genuine = (m: Manifest) => m.tags.genuine[0]!.code;
const asset = (m: Manifest) => m.assets[5]!;
const MAIN_PAGES: MainPage[] = [
  { name: 'dashboard', path: () => '/', heading: () => 'Dashboard' },
  { name: 'tags', path: () => '/tags', heading: () => 'Tags' },
  { name: 'tag detail', path: (m) => `/tags/${genuine(m)}`, heading: genuine },
  { name: 'assets', path: () => '/assets', heading: () => 'Assets' },
  { name: 'asset detail', path: (m) => `/assets/${asset(m).id}`, heading: (m) => asset(m).name },
  { name: 'verify', path: () => '/verify', heading: () => 'Verify a tag' },
];

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error on ${new URL(page.url()).pathname}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught ${err.name} on ${new URL(page.url()).pathname}: ${err.message}`));
  return errors;
}

/** A record link (/tags/<code>, /assets/<id>) names a record the API can be asked about. */
function recordOf(path: string): { api: string } | undefined {
  const tag = /^\/tags\/([^/?]+)$/.exec(path);
  if (tag && isValidCode(decodeURIComponent(tag[1]!))) return { api: `/tags/${tag[1]}` };
  const assetId = /^\/assets\/(\d+)$/.exec(path)?.[1];
  return assetId ? { api: `/assets/${assetId}` } : undefined;
}

test.describe('web health (signed-in viewer)', { tag: ['@regression', '@seeded'] }, () => {
  test.use({ storageState: authFile('viewer') });

  test('the main pages log no console errors and throw no uncaught exceptions', async ({ page, seeded }) => {
    const errors = collectErrors(page);
    const app = new AppPage(page);
    for (const p of MAIN_PAGES) {
      await test.step(`visit the ${p.name} page`, () => app.open(p.path(seeded), p.heading(seeded)));
    }
    expect(errors, 'console errors and uncaught exceptions while visiting the main pages').toEqual([]);
  });

  for (const main of MAIN_PAGES) {
    test(`every same-origin link on the ${main.name} page leads to a working page`, async ({ page, request, seeded, apiAs }) => {
      test.setTimeout(90_000);
      const path = main.path(seeded);
      const app = new AppPage(page);
      await app.open(path, main.heading(seeded));
      const links = await app.sameOriginLinks();
      expect(links.length, `links found on ${path}`).toBeGreaterThan(0);
      const viewer = await apiAs('viewer');
      const broken: string[] = [];
      for (const link of links) {
        const served = await request.get(link);
        if (served.status() !== 200) {
          broken.push(`${link}: answered ${served.status()}`);
          continue;
        }
        await app.open(link);
        if (await app.notFound.isVisible()) {
          broken.push(`${link}: the app's "Page not found"`);
          continue;
        }
        if ((await app.alerts.count()) === 0) continue;
        // An error on a record's page is a broken link unless the record itself has just gone:
        // other runs' cleanups delete records that the lists showed a moment ago.
        const record = recordOf(link);
        const status = record ? (await viewer.send('GET', record.api)).status : undefined;
        if (status === 404) test.info().annotations.push({ type: 'skipped link', description: `${link}: deleted after ${path} listed it` });
        else broken.push(`${link}: shows an error: ${(await app.alerts.allInnerTexts()).join(' | ')}`);
      }
      expect(broken, `broken links on ${path} (${links.length} checked)`).toEqual([]);
    });
  }
});
