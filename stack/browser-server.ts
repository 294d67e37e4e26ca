/**
 * Playwright's own remote browsers: a browser server (`chromium.launchServer`) on 127.0.0.1
 * with the Chromium that config/browser.ts resolves. The web projects connect to it when
 * TOLLGATE_BROWSER_WS_ENDPOINT (or Playwright's PW_TEST_CONNECT_WS_ENDPOINT) names it, so the
 * browsers run in this process's machine, not the runner's.
 */
import type { BrowserServer } from '@playwright/test';
import { chromiumLaunchOptions } from '../config/browser.ts';
import { PortInUseError, UsageError } from '../config/errors.ts';
import { portIsFree } from './processes.ts';

export interface ServedBrowser {
  wsEndpoint: string;
  /** The browser's own process (the server's child). */
  browserPid: number | undefined;
  close: () => Promise<void>;
}

export async function serveBrowser(o: { port?: number } = {}): Promise<ServedBrowser> {
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1024 || o.port > 65535))
    throw new UsageError(`--port must be an integer from 1024 to 65535, got ${o.port}.`, { hint: 'Leave it out to take a free port.' });
  if (o.port !== undefined && !(await portIsFree(o.port)))
    throw new PortInUseError('browsers', `port ${o.port} on 127.0.0.1 is already in use.`, {
      hint: 'Choose another with --port, or leave it out.',
    });
  const { chromium } = await import('@playwright/test'); // loaded by the one command that serves browsers
  const server: BrowserServer = await chromium.launchServer({
    ...chromiumLaunchOptions(),
    headless: true,
    host: '127.0.0.1',
    port: o.port,
  });
  return { wsEndpoint: server.wsEndpoint(), browserPid: server.process().pid, close: () => server.close() };
}
