/**
 * The one place that decides which Chromium (and chromedriver) Tollgate drives.
 * Order: an explicit CHROMIUM_PATH, then Playwright's own managed Chromium when it is
 * installed, then the system's /usr/bin/chromium (Debian's package). The explicit
 * variable wins because a user who sets it means it; Playwright's download is preferred
 * over the system browser because it is the version Playwright was tested with.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DependencyError } from './errors.ts';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
export const SYSTEM_CHROMEDRIVER = '/usr/bin/chromedriver';

export interface ResolvedBrowser {
  /** Undefined means "let Playwright use its managed browser". */
  executablePath: string | undefined;
  source: 'CHROMIUM_PATH' | 'playwright' | 'system';
}

export interface BrowserProbe {
  env: NodeJS.ProcessEnv;
  exists: (path: string) => boolean;
  playwrightChromium: () => string;
}

/**
 * Where Playwright's managed Chromium would be. Playwright is loaded only when this is asked
 * (a quarter of a second): CLI commands that never drive a browser do not pay for it.
 */
export const playwrightChromiumPath = (): string =>
  (createRequire(import.meta.url)('@playwright/test') as typeof import('@playwright/test')).chromium.executablePath();

const defaultProbe: BrowserProbe = {
  env: process.env,
  exists: existsSync,
  playwrightChromium: playwrightChromiumPath,
};

export function resolveChromium(probe: Partial<BrowserProbe> = {}): ResolvedBrowser {
  const { env, exists, playwrightChromium } = { ...defaultProbe, ...probe };
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (exists(explicit)) return { executablePath: explicit, source: 'CHROMIUM_PATH' };
    throw new DependencyError(`CHROMIUM_PATH is set to "${explicit}", but no file is there.`, {
      hint: "Point CHROMIUM_PATH at a Chromium binary, or unset it to use Playwright's Chromium or /usr/bin/chromium.",
    });
  }
  let managed: string | undefined;
  try {
    managed = playwrightChromium();
  } catch {
    managed = undefined; // playwright-core throws when its browser registry knows no build for this OS
  }
  if (managed && exists(managed)) return { executablePath: undefined, source: 'playwright' };
  if (exists(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  throw new DependencyError('No Chromium found for the browser tests.', {
    hint:
      "Either install Playwright's Chromium (`npx playwright install chromium`) or set CHROMIUM_PATH " +
      `to a Chromium binary (on Debian/Ubuntu: \`apt-get install chromium\` gives ${SYSTEM_CHROMIUM}; ` +
      '`bash scripts/bootstrap.sh` does it for you).',
  });
}

export function resolveChromedriver(probe: Partial<Pick<BrowserProbe, 'env' | 'exists'>> = {}): string {
  const { env, exists } = { ...defaultProbe, ...probe };
  const path = env.CHROMEDRIVER_PATH?.trim() || SYSTEM_CHROMEDRIVER;
  if (exists(path)) return path;
  throw new DependencyError(`No chromedriver at ${path}.`, {
    hint: 'Set CHROMEDRIVER_PATH to a chromedriver matching your Chromium, or `apt-get install chromium-driver`.',
  });
}

/**
 * Flags for headless Chromium on CI machines: root needs --no-sandbox (Playwright adds it by
 * default), and a closed network makes Chromium's background services fail loudly and slowly.
 */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-gpu',
];

export function chromiumLaunchOptions(probe: Partial<BrowserProbe> = {}): { executablePath?: string; args: string[] } {
  const { executablePath } = resolveChromium(probe);
  return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS };
}
