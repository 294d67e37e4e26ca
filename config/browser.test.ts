import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveChromium, resolveChromedriver, SYSTEM_CHROMIUM } from './browser.ts';
import { DependencyError } from './errors.ts';

const MANAGED = '/root/.cache/ms-playwright/chromium-1234/chrome-linux/chrome';
const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

test("prefers Playwright's managed Chromium when it is installed", () => {
  const r = resolveChromium({ env: {}, exists: only(MANAGED, SYSTEM_CHROMIUM), playwrightChromium: () => MANAGED });
  assert.deepEqual(r, { executablePath: undefined, source: 'playwright' });
});

test('falls back to the system Chromium when Playwright has none', () => {
  const r = resolveChromium({ env: {}, exists: only(SYSTEM_CHROMIUM), playwrightChromium: () => MANAGED });
  assert.deepEqual(r, { executablePath: SYSTEM_CHROMIUM, source: 'system' });
});

test('falls back to the system Chromium when Playwright knows no build for this OS', () => {
  const r = resolveChromium({
    env: {},
    exists: only(SYSTEM_CHROMIUM),
    playwrightChromium: () => {
      throw new Error('unsupported platform');
    },
  });
  assert.equal(r.source, 'system');
});

test('an explicit CHROMIUM_PATH wins over both', () => {
  const r = resolveChromium({
    env: { CHROMIUM_PATH: '/opt/chrome/chrome' },
    exists: only('/opt/chrome/chrome', MANAGED, SYSTEM_CHROMIUM),
    playwrightChromium: () => MANAGED,
  });
  assert.deepEqual(r, { executablePath: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' });
});

test('a CHROMIUM_PATH pointing nowhere is an error naming the path', () => {
  assert.throws(
    () => resolveChromium({ env: { CHROMIUM_PATH: '/nope/chrome' }, exists: only(SYSTEM_CHROMIUM), playwrightChromium: () => MANAGED }),
    (e: unknown) => e instanceof DependencyError && e.message.includes('/nope/chrome') && e.exitCode === 69,
  );
});

test('no browser anywhere: the error names both ways to get one', () => {
  assert.throws(
    () => resolveChromium({ env: {}, exists: () => false, playwrightChromium: () => MANAGED }),
    (e: unknown) =>
      e instanceof DependencyError &&
      /npx playwright install chromium/.test(e.hint ?? '') &&
      /CHROMIUM_PATH/.test(e.hint ?? '') &&
      e.hint!.includes(SYSTEM_CHROMIUM),
  );
});

test('chromedriver: CHROMEDRIVER_PATH or the system one, else a clear error', () => {
  assert.equal(resolveChromedriver({ env: { CHROMEDRIVER_PATH: '/x/cd' }, exists: only('/x/cd') }), '/x/cd');
  assert.equal(resolveChromedriver({ env: {}, exists: only('/usr/bin/chromedriver') }), '/usr/bin/chromedriver');
  assert.throws(
    () => resolveChromedriver({ env: {}, exists: () => false }),
    (e: unknown) => e instanceof DependencyError && /CHROMEDRIVER_PATH/.test(e.hint ?? '') && /chromium-driver/.test(e.hint ?? ''),
  );
});
