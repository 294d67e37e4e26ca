/**
 * The promotion report in a real browser: a realistic BLOCK report written by
 * writePromotionReport, opened from disk in Chromium. Nothing may be requested from anywhere but
 * file:, the page's CSP must not have to block anything, and the verdict and its first reason
 * must be on the first screen of a laptop. Leaves screenshots in reports/selftest/ to look at.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { chromiumLaunchOptions } from '../config/browser.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { writePromotionReport } from '../reporters/promotion-report.ts';
import { sampleContext, sampleRecord } from '../testing/report-sample.ts';

const SHOTS = join(REPO_ROOT, 'reports', 'selftest');
const LAPTOP = { width: 1440, height: 900 };

let browser: Browser;
const root = mkdtempSync(join(tmpdir(), 'tollgate-promotion-report-'));

before(async () => {
  browser = await chromium.launch(chromiumLaunchOptions());
});

after(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

test('the promotion report renders in Chromium from disk, loads nothing, and leads with the verdict', async () => {
  const written = writePromotionReport(sampleRecord(), sampleContext(), root);
  const page = await browser.newPage({ viewport: LAPTOP });
  const offsite: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) offsite.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  try {
    await page.goto(pathToFileURL(written.html).href);
    const verdict = page.getByTestId('verdict');
    assert.equal(await verdict.textContent(), 'BLOCK');
    assert.ok(await verdict.isVisible(), 'the verdict is visible');
    // BLOCK is red: the colour is the first thing a release manager reads.
    const banner = await page.locator('header.banner').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(banner, 'rgb(179, 38, 30)');

    // One screen answers "can we ship, and if not why and whose is it".
    const fold = LAPTOP.height;
    for (const locator of [verdict, page.locator('.reason').first(), page.locator('.reason .owner').first()]) {
      const box = await locator.boundingBox();
      assert.ok(box && box.y + box.height <= fold, `${locator} is on the first screen (box ${JSON.stringify(box)})`);
    }
    assert.equal(await page.locator('svg.trend circle.pt').count(), 20, 'one trend point per run: 19 earlier and this one');

    mkdirSync(SHOTS, { recursive: true });
    const full = join(SHOTS, 'promotion-report.png');
    await page.screenshot({ path: full, fullPage: true });
    await page.screenshot({ path: join(SHOTS, 'promotion-report-first-screen.png') });
    assert.ok(statSync(full).size > 50_000, `the screenshot has content (${statSync(full).size} bytes)`);

    assert.deepEqual(offsite, [], 'the report requests nothing from the network');
    assert.deepEqual(cspViolations, [], 'the page needs nothing its CSP blocks');
  } finally {
    await page.close();
  }
});
